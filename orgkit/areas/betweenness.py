"""The betweenness engine of the communication analysis: Brandes' algorithm on a compressed adjacency.

Small graphs run many BFS sources at once as sparse products (:func:`betweenness_batched`); large ones one
source at a time (:func:`betweenness_frontier`), sharing half the sources with a forked child process that
writes into shared memory (:class:`ForkedCall`, :func:`fork_available`). :func:`sample_sources` draws the
same sources as networkx for a seed, and :func:`betweenness_sample_size` says how many to draw.
"""

from __future__ import annotations

import logging
import os
import random
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

from orgkit.errors import ConfigError

__all__ = [
    "PARALLEL_ENV",
    "BATCHED_BFS_MAX_NODES",
    "ForkedCall",
    "betweenness",
    "betweenness_sample_size",
    "fork_available",
    "sample_sources",
    "split_allowed",
    "unique_ints",
]

logger = logging.getLogger(__name__)


#: Betweenness is exact up to this many people; above it, sources are sampled.
EXACT_BETWEENNESS_MAX_NODES = 2_000
#: Largest number of sampled betweenness sources.
MAX_BETWEENNESS_SOURCES = 500
#: Smallest number of sampled betweenness sources (the budget rule never goes below it).
MIN_BETWEENNESS_SOURCES = 100
#: Work budget of sampled betweenness: sources x adjacency entries (2 x edges) stays under it.
BETWEENNESS_WORK_BUDGET = 400_000_000


def unique_ints(x: np.ndarray) -> np.ndarray:
    """``np.unique(x)`` of an integer array, by sorting (numpy's default hash-based path is several
    times slower on large integer arrays)."""
    x = np.sort(x)
    if x.size > 1:
        keep = np.empty(x.size, dtype=bool)
        keep[0] = True
        np.not_equal(x[1:], x[:-1], out=keep[1:])
        x = x[keep]
    return x


#: Set to ``0`` to keep every report in one process (a batch with several workers already fills the cores):
#: no forked child for communication, Louvain communities or half of the betweenness sources.
PARALLEL_ENV = "ORGKIT_PARALLEL"


def fork_available() -> bool:
    """Whether work can go to a forked child process: Linux, two or more CPUs this process may use, not a
    daemonic multiprocessing worker (which may not have children), and not switched off with
    ``ORGKIT_PARALLEL=0`` (a notebook kernel inherits it from the process that starts it)."""
    import multiprocessing as mp

    if os.environ.get(PARALLEL_ENV, "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    if not sys.platform.startswith("linux") or mp.current_process().daemon:
        return False
    try:
        return len(os.sched_getaffinity(0)) >= 2
    except (AttributeError, OSError):  # pragma: no cover
        return (os.cpu_count() or 1) >= 2


class ForkedCall:
    """``func(*args, **kwargs)`` run in a forked child process (a copy of this one: no data is sent).

    :meth:`result` returns the child's return value, or ``None`` when the child raised, died or did not
    answer in ``timeout`` seconds; the caller then does the work itself. Call it once.
    """

    def __init__(self, func: Any, *args: Any, **kwargs: Any) -> None:
        import multiprocessing as mp

        ctx = mp.get_context("fork")
        self._pipe, send = ctx.Pipe(duplex=False)
        self._child = ctx.Process(target=_call_in_child, args=(send, func, args, kwargs), daemon=True,
                                  name=f"orgkit-{getattr(func, '__name__', 'call')}")
        try:
            self._child.start()
        except OSError as err:  # pragma: no cover - out of processes or memory
            logger.info("cannot fork (%s); working in this process", err)
            self._pipe.close()
            self._child = None
        finally:
            send.close()

    def cancel(self) -> None:
        """Stop the child without waiting for its answer."""
        if self._child is not None:
            self._pipe.close()
            self._child.kill()
            self._child.join(timeout=1.0)
            self._child = None

    def result(self, timeout: float = 600.0) -> Any:
        """The child's return value, or ``None`` (see the class)."""
        if self._child is None:
            return None
        value = None
        try:
            if not self._pipe.poll(timeout):
                raise TimeoutError(f"no answer in {timeout:g} s")
            ok, value = self._pipe.recv()
            if not ok:
                logger.info("the child process failed (%s); working in this process", value)
                value = None
        except (EOFError, OSError, TimeoutError) as err:
            logger.warning("the child process stopped (%s); working in this process", err)
        finally:
            self._pipe.close()
            self._child.join(timeout=1.0)
            if self._child.is_alive():  # pragma: no cover - a child that hangs
                self._child.kill()
                self._child.join(timeout=1.0)
            self._child = None
        return value


def _call_in_child(pipe: Any, func: Any, args: tuple, kwargs: dict) -> None:
    try:
        try:
            pipe.send((True, func(*args, **kwargs)))
        except Exception as err:  # noqa: BLE001 - reported; the parent redoes the work and raises
            pipe.send((False, f"{type(err).__name__}: {err}"))
    finally:
        pipe.close()


def betweenness_sample_size(n_nodes: int, n_edges: int) -> int | None:
    """How many BFS sources betweenness uses: ``None`` (exact) on small graphs, else a sample size.

    Parameters
    ----------
    n_nodes, n_edges : int
        Size of the undirected graph.

    Returns
    -------
    int or None
        ``None`` when ``n_nodes <= 2000``; otherwise
        ``min(n, 500, max(100, 4 * 10^8 // (2 m)))`` sampled sources.

    Notes
    -----
    Brandes' algorithm costs one breadth-first search per source, ``O(n + m)`` each. Exact up to
    2,000 people (about 0.4 s here, 0.1 s at 1,000); above, ``k`` sources drawn with a fixed seed
    estimate the betweenness (Brandes & Pich 2007), at most 500, and fewer on dense graphs so that ``k * 2m``
    stays within a work budget of 4 x 10^8 adjacency entries, but never fewer than 100 (enough to rank
    the top brokers: the sampling error of a node's estimate falls as ``1/sqrt(k)``). At 100,000
    people and 1,000,000 ties this gives 200 sources (about 3 s of CPU time here, which a second CPU
    halves).

    References
    ----------
    .. [1] Brandes, U., & Pich, C. (2007). Centrality estimation in large networks. *International
       Journal of Bifurcation and Chaos*, 17(7), 2303-2318. https://doi.org/10.1142/S0218127407018403

    Examples
    --------
    >>> betweenness_sample_size(21, 102) is None
    True
    >>> betweenness_sample_size(100_000, 1_000_000)
    200
    """
    if n_nodes <= EXACT_BETWEENNESS_MAX_NODES:
        return None
    budget = BETWEENNESS_WORK_BUDGET // max(2 * n_edges, 1)
    return int(min(n_nodes, MAX_BETWEENNESS_SOURCES, max(MIN_BETWEENNESS_SOURCES, budget)))


def _csr(n: int, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows = np.concatenate([u, v])
    cols = np.concatenate([v, u])
    order = np.argsort(rows, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return indptr, cols[order]


def betweenness(n: int, u: np.ndarray, v: np.ndarray, sources: np.ndarray | None,
                 split: bool = False) -> np.ndarray:
    """Normalised shortest-path betweenness (networkx conventions, endpoints excluded).

    Brandes' accumulation; ``sources=None`` means every node (exact). Graphs of up to
    :data:`BATCHED_BFS_MAX_NODES` people run many sources at once (:func:`betweenness_batched`),
    larger ones one source at a time (:func:`betweenness_frontier`, shared with a forked child
    process when ``split``). Both give the same numbers up to floating-point rounding.
    """
    if n < 3 or u.size == 0:
        return np.zeros(n)
    if n <= BATCHED_BFS_MAX_NODES:
        bc = betweenness_batched(n, u, v, sources)
    else:
        bc = betweenness_frontier(n, u, v, sources, split=split)
    if sources is None:
        return bc / ((n - 1) * (n - 2))
    k = len(sources)
    scale = np.full(n, 1.0 / (k * (n - 2)))
    scale[np.asarray(sources)] = 1.0 / ((k - 1) * (n - 2)) if k > 1 else 0.0
    return bc * scale


#: Largest graph whose betweenness runs as batched dense BFS (``n x batch`` arrays of 8 bytes).
BATCHED_BFS_MAX_NODES = 3_000
#: Sources per batch of the batched BFS: a few MB per state array, enough to amortise numpy's
#: per-call overhead.
_BFS_BATCH = 128


def betweenness_batched(n: int, u: np.ndarray, v: np.ndarray, sources: np.ndarray | None) -> np.ndarray:
    """Unnormalised Brandes sums of ``sources`` (all nodes when ``None``), many sources at a time.

    Each batch keeps ``n x b`` arrays (one column per source): whether a node is reached, its path
    count ``sigma``, its dependency ``delta``, and one boolean array per BFS level. A BFS level is
    one sparse product ``A @ F`` where ``F`` holds the path counts of the current frontier: for a
    node not yet reached, the product is the sum of ``sigma`` over its neighbours on the frontier,
    which is its own ``sigma`` when positive. The dependencies go back level by level: with
    ``C = (1 + delta) / sigma`` on level ``d + 1`` (0 elsewhere), a node on level ``d`` gets
    ``sigma * (A @ C)``, Brandes' sum over its successors. Per level this touches every node and edge
    rather than the frontier's only, which costs a few times more arithmetic but runs as a handful of
    numpy calls for ``b`` sources instead of per source: 2.5-4x faster from 500 to 3,000 people.
    """
    from scipy.sparse import csr_matrix

    indptr, indices = _csr(n, u, v)
    adj = csr_matrix((np.ones(indices.size), indices, indptr), shape=(n, n))
    todo = np.arange(n, dtype=np.int64) if sources is None else np.asarray(sources, dtype=np.int64)
    bc = np.zeros(n)
    for start in range(0, todo.size, _BFS_BATCH):
        src = todo[start:start + _BFS_BATCH]
        cols = np.arange(src.size)
        reached = np.zeros((n, src.size), dtype=bool)
        reached[src, cols] = True
        sigma = np.zeros((n, src.size))
        sigma[src, cols] = 1.0
        frontier = sigma.copy()
        levels: list[np.ndarray] = []  # levels[d - 1]: the nodes at distance d from each source
        while True:
            paths = adj @ frontier
            new = (paths > 0) & ~reached
            if not new.any():
                break
            reached |= new
            frontier = np.where(new, paths, 0.0)
            sigma += frontier
            levels.append(new)
        delta = np.zeros((n, src.size))
        for d in range(len(levels) - 1, 0, -1):
            on = levels[d]
            coef = np.where(on, (1.0 + delta) / np.where(on, sigma, 1.0), 0.0)
            delta += np.where(levels[d - 1], sigma * (adj @ coef), 0.0)
        bc += delta.sum(axis=1)  # a source's own column stays 0: level 0 gets nothing
    return bc


#: A one-source BFS level expands bottom-up when the unvisited nodes have fewer than this share of the
#: frontier's adjacency entries (bottom-up entries also need a sort, so it is chosen only when clearly
#: cheaper).
_BOTTOM_UP_SHARE = 0.5
#: Row selections of up to this many adjacency entries use numpy; larger ones SciPy's CSR row indexing
#: (one C loop, but tens of microseconds of fixed cost a call).
_SMALL_SELECTION = 16_384


@dataclass(frozen=True)
class _Adjacency:
    """The CSR adjacency of :func:`_csr` (same entry order) with what the one-source BFS needs.

    Entries are numbered by their position in the CSR arrays: ``rows`` and ``cols`` per entry, and
    ``mirror``, the position of the same edge seen from its other end. ``by_row`` and
    ``by_position`` are SciPy CSR matrices whose stored values are each entry's row and position, so
    selecting rows (one C loop) gives them with the columns. ``component`` numbers the connected
    components. Index arrays are ``intp``, the type numpy indexes with (an ``int32`` index array is
    converted on every use).
    """

    indptr: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    mirror: np.ndarray
    degree: np.ndarray
    by_row: Any  # scipy.sparse.csr_matrix
    by_position: Any
    component: np.ndarray
    component_size: np.ndarray
    component_degree: np.ndarray

    @classmethod
    def build(cls, n: int, u: np.ndarray, v: np.ndarray) -> _Adjacency:
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import connected_components

        m = u.size
        entries = 2 * m
        order = np.argsort(np.concatenate([u, v]), kind="stable")  # as in _csr
        degree = np.bincount(u, minlength=n) + np.bincount(v, minlength=n)
        indptr = np.zeros(n + 1, dtype=np.intp)
        np.cumsum(degree, out=indptr[1:])
        rows = np.repeat(np.arange(n, dtype=np.intp), degree)
        cols = np.concatenate([v, u]).astype(np.intp)[order]
        position = np.empty(entries, dtype=np.intp)
        position[order] = np.arange(entries, dtype=np.intp)
        other_end = order + m  # input entry j (edge j as u -> v) and j + m (as v -> u) are one edge
        other_end[other_end >= entries] -= entries
        small = np.int32 if n < np.iinfo(np.int32).max else np.intp  # row values: copied, not indexed with
        by_row = csr_matrix((rows.astype(small), cols, indptr), shape=(n, n))
        by_position = csr_matrix((np.arange(entries, dtype=np.intp), cols, indptr), shape=(n, n))
        _, component = connected_components(by_row, directed=False)
        return cls(indptr, rows, cols, position[other_end], degree, by_row, by_position, component,
                   np.bincount(component), np.bincount(component, weights=degree).astype(np.int64))

    def entries(self, nodes: np.ndarray, size: int, positions: bool) -> tuple[np.ndarray, np.ndarray]:
        """Rows, or positions (``positions=True``), and columns of the ``size`` entries of ``nodes``'
        rows; in CSR order, so positions ascend for ascending ``nodes``."""
        if size > _SMALL_SELECTION:
            sub = (self.by_position if positions else self.by_row)[nodes]
            return sub.data, sub.indices
        lens = self.degree.take(nodes)
        ends = np.cumsum(lens)
        pos = np.repeat(self.indptr.take(nodes) - (ends - lens), lens) + np.arange(size)
        return (pos if positions else np.repeat(nodes, lens)), self.cols.take(pos)


class _BrandesSearch:
    """Brandes' one-source pass over an :class:`_Adjacency`, with its own work arrays.

    Each BFS level yields the edges of the shortest-path DAG from the frontier to the next level
    (``par -> nbr``) with a few whole-array numpy calls, expanding in whichever direction examines
    fewer adjacency entries (Beamer et al. 2012): **top-down** takes the frontier's rows and keeps
    the entries that reach unvisited nodes; **bottom-up**, once the unvisited nodes have clearly fewer
    entries than the frontier (the last levels of a small-world graph), takes the unvisited nodes'
    rows and keeps the entries that reach the frontier, mapped to their mirror entries and sorted by
    CSR position. Either way a level's DAG edges come in CSR order (parent by parent, each parent's
    neighbours in adjacency order), so the path counts and dependency sums add the same terms in the
    same order whatever the direction. The search stops when the source's connected component is
    exhausted, without expanding the last level.

    References
    ----------
    .. [1] Beamer, S., Asanović, K., & Patterson, D. (2012). Direction-optimizing breadth-first
       search. *SC '12*. https://doi.org/10.1109/SC.2012.50
    """

    def __init__(self, adj: _Adjacency) -> None:
        n = adj.degree.size
        self.adj = adj
        self.unvisited = np.empty(n, dtype=bool)
        self.on_frontier = np.zeros(n, dtype=bool)
        self.sigma = np.zeros(n)

    def dependencies(self, s: int, delta: np.ndarray) -> None:
        """Write the dependencies of source ``s`` on every node into ``delta`` (0 at ``s``)."""
        adj, unvisited, on_frontier, sigma = self.adj, self.unvisited, self.on_frontier, self.sigma
        rows, cols, mirror, degree = adj.rows, adj.cols, adj.mirror, adj.degree
        n = degree.size
        c = adj.component[s]
        np.equal(adj.component, c, out=unvisited)  # other components are never reached
        unvisited[s] = False
        sigma.fill(0.0)
        sigma[s] = 1.0
        left = int(adj.component_size[c]) - 1  # nodes still to reach
        entries_left = int(adj.component_degree[c]) - int(degree[s])  # and their adjacency entries
        frontier = np.array([s], dtype=np.intp)
        entries_frontier = int(degree[s])
        levels: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        while left > 0:
            if entries_left < _BOTTOM_UP_SHARE * entries_frontier:
                pos, nbr = adj.entries(np.flatnonzero(unvisited), entries_left, positions=True)
                on_frontier[frontier] = True
                dag = np.sort(mirror.take(pos.compress(on_frontier.take(nbr))))
                on_frontier[frontier] = False
                par, nbr = rows.take(dag), cols.take(dag)
            else:
                par, nbr = adj.entries(frontier, entries_frontier, positions=False)
                down = unvisited.take(nbr)
                par, nbr = par.compress(down).astype(np.intp), nbr.compress(down).astype(np.intp)
            if nbr.size == 0:  # pragma: no cover - a connected component always has a next level
                break
            unvisited[nbr] = False
            paths = sigma.take(par)
            counts = np.bincount(nbr, weights=paths, minlength=n)
            frontier = np.flatnonzero(counts > 0) if nbr.size > n // 16 else unique_ints(nbr)
            sigma += counts  # 0 outside the new level, whose sigma was 0
            left -= frontier.size
            entries_frontier = int(degree.take(frontier).sum())
            entries_left -= entries_frontier
            levels.append((par, nbr, paths))
        delta.fill(0.0)
        for par, nbr, paths in reversed(levels):
            contrib = paths / sigma.take(nbr) * (1.0 + delta.take(nbr))
            delta += np.bincount(par, weights=contrib, minlength=n)
        delta[s] = 0.0


def betweenness_frontier(n: int, u: np.ndarray, v: np.ndarray, sources: np.ndarray | None,
                          split: bool = False) -> np.ndarray:
    """Unnormalised Brandes sums, one source at a time (:class:`_BrandesSearch`).

    Work per source is proportional to the adjacency entries examined, about half the adjacency on
    a 100,000-person sample graph. With ``split`` (and enough work, see :data:`_SPLIT_MIN_WORK`), a
    forked child process computes the dependencies of the last half of the sources into shared
    memory (at most :data:`_SPLIT_MAX_BYTES`) while this process sums the first half; the child's
    rows are then added one by one, so every source's dependencies join the sum in the order of
    ``sources`` and the result is the one-process result, bit for bit. If the child fails, this
    process computes its sources itself.
    """
    adj = _Adjacency.build(n, u, v)
    todo = np.arange(n) if sources is None else np.asarray(sources)
    tail = min(todo.size // 2, _SPLIT_MAX_BYTES // (8 * n)) if split else 0
    if tail < 2 or todo.size * adj.rows.size < _SPLIT_MIN_WORK:
        tail = 0
    bc = np.zeros(n)
    search, delta = _BrandesSearch(adj), np.empty(n)
    if tail == 0:
        for s in todo:
            search.dependencies(int(s), delta)
            bc += delta
        return bc
    import mmap

    shared = mmap.mmap(-1, tail * n * 8)  # anonymous and shared: the child's writes are seen here
    rows = np.frombuffer(shared, dtype=np.float64).reshape(tail, n)
    child = ForkedCall(_dependencies_into, adj, todo[-tail:], rows)
    try:
        for s in todo[:-tail]:
            search.dependencies(int(s), delta)
            bc += delta
        if child.result() is None:
            _dependencies_into(adj, todo[-tail:], rows)
    except BaseException:
        child.cancel()
        raise
    for row in rows:
        bc += row
    return bc  # the shared memory is unmapped with its last view


def _dependencies_into(adj: _Adjacency, sources: np.ndarray, rows: np.ndarray) -> bool:
    """Write source ``sources[j]``'s dependencies into ``rows[j]`` (the forked half of a split run)."""
    search = _BrandesSearch(adj)
    for j, s in enumerate(sources):
        search.dependencies(int(s), rows[j])
    return True


#: A split betweenness run gives its child at most this many bytes of dependency rows (one row of 8
#: bytes per person for each of its sources).
_SPLIT_MAX_BYTES = 256 * 2**20
#: ... and splits only from this much work (sources x adjacency entries; ~0.1 s, well above the cost of
#: forking).
_SPLIT_MIN_WORK = 20_000_000




def split_allowed() -> bool:
    """Whether betweenness may share its sources with a forked child process (see
    :func:`fork_available`)."""
    return fork_available()


def sample_sources(n: int, k: int | None, seed: int) -> np.ndarray | None:
    """The ``k`` BFS sources of a sampled run (networkx's draw for ``seed``), or ``None`` for every node."""
    if k is None or k >= n:
        return None
    if k < 1:
        raise ConfigError(f"betweenness_sample must be a positive number of sources. Got {k} instead.")
    # The same draw as networkx.betweenness_centrality(G, k=k, seed=seed) on nodes in people order.
    return np.asarray(random.Random(seed).sample(range(n), k), dtype=np.int64)
