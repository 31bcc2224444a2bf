"""Communication graph density: who talks to whom, across which department lines, through whom.

The communication table (one row per message, meeting or named tie) becomes an undirected simple graph
with one node per person in ``people`` (people with no ties count) and an edge (a tie) between two people
who meet the tie rule: in a message log (:func:`message_log_evidence`) at least
``communication.tie.min_messages`` messages in either direction (:func:`select_ties`), in a table of named
ties any row. An edge's ``weight`` is the sum of its rows' weights (its messages). Headline metrics count
ties; the message figures (:func:`message_volume`, ``_weighted`` variants) count every message, and
:func:`period_covered` says which dates the log spans.

Everything is computed on integer codes with numpy (edge list, department tie counts, degree sums,
department matrix, modularity, reciprocity, isolates, reporting-line overlap). Betweenness uses a
vectorised Brandes pass over a CSR adjacency (exact on small graphs, sampled sources on large ones, where
the breadth-first searches choose their direction level by level and a second CPU takes half of the
sources); networkx is used for Louvain communities only, and only up to a size (see
:func:`analyze_communication`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from orgkit.data.client import Client
from orgkit.areas.betweenness import (BATCHED_BFS_MAX_NODES, ForkedCall, betweenness, betweenness_sample_size,
                                     fork_available, sample_sources, split_allowed, unique_ints)
from orgkit.errors import ConfigError
from orgkit.i18n import t
from orgkit.files.jsonsafe import to_jsonable
from orgkit.privacy import OTHER_GROUP, suppress_small_groups
from orgkit.thresholds import DEFAULTS, Thresholds

__all__ = [
    "OTHER_GROUP",
    "CommunicationResult",
    "TieGraph",
    "build_edges",
    "density",
    "ei_index",
    "expected_ei_index",
    "department_ties",
    "department_matrix",
    "OTHER_DEPARTMENTS",
    "DepartmentMixing",
    "department_mixing",
    "mixing_order",
    "NetworkComponents",
    "network_components",
    "modularity",
    "reciprocity",
    "betweenness_sample_size",
    "brokers",
    "formal_informal_overlap",
    "detect_communities",
    "normalized_mutual_information",
    "message_log_evidence",
    "select_ties",
    "message_volume",
    "period_covered",
    "department_communities",
    "silos",
    "SCORE_WEIGHTS",
    "analyze_communication",
]

logger = logging.getLogger(__name__)

#: Weights of the communication score's components (the defaults of ``communication.weight.*`` in
#: :mod:`orgkit.thresholds`; see :func:`analyze_communication`).
SCORE_WEIGHTS: dict[str, float] = DEFAULTS.weights("communication.weight")

#: Louvain communities (networkx, pure Python) are detected up to this many edges (~4 s at 200,000 here).
MAX_COMMUNITY_EDGES = 250_000

_DEPARTMENT_COLUMNS = [
    "department", "size", "internal_ties", "external_ties", "degree_sum", "density", "ei_index",
    "ei_index_expected", "external_share", "internal_weight", "external_weight", "ei_index_weighted",
    "external_message_share", "isolates", "boundary_spanners",
]
_BROKER_COLUMNS = ["employee_id", "department", "betweenness", "departments_reached", "degree"]
_SILO_COLUMNS = ["department", "size", "ei_index", "ei_index_expected", "ei_gap", "external_share"]
_COMMUNITY_COLUMNS = ["department", "size", "people_with_ties", "main_community_share", "communities"]


# --------------------------------------------------------------------------------------------------
# Internal graph on integer codes
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Graph:
    """People as codes 0..n-1 (their row position in ``people``) and the aggregated edge list."""

    n: int
    ids: pd.Series  # employee_id per code
    dept: np.ndarray  # department code per person (int64)
    dept_names: np.ndarray  # department name per code, sorted
    u: np.ndarray  # edge endpoints, u < v (int64)
    v: np.ndarray
    weight: np.ndarray  # float64
    n_rows: np.ndarray  # int64

    @property
    def m(self) -> int:
        return int(self.u.size)

    @property
    def k(self) -> int:
        return int(self.dept_names.size)

    def keep(self, mask: np.ndarray) -> "_Graph":
        """The same people with only the edges where ``mask`` is true."""
        return _Graph(self.n, self.ids, self.dept, self.dept_names, self.u[mask], self.v[mask],
                      self.weight[mask], self.n_rows[mask])


def _people_index(people: pd.DataFrame) -> pd.Index:
    if "employee_id" not in people.columns or "department" not in people.columns:
        raise ConfigError(
            "people must have the columns 'employee_id' and 'department'. "
            f"Got {list(people.columns)} instead."
        )
    index = pd.Index(people["employee_id"])
    if not index.is_unique:
        raise ConfigError("people.employee_id must be unique; it has duplicates.")
    return index


def _departments(people: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    codes, names = pd.factorize(people["department"], sort=True)
    if (codes < 0).any():
        raise ConfigError(f"people.department is missing for {int((codes < 0).sum())} people; "
                          "every person needs a department.")
    return codes.astype(np.int64), np.asarray(names, dtype=object)


def _pair_codes(
    index: pd.Index, a: pd.Series, b: pd.Series, what: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Map two id columns to codes; drop (and log) unknown ids and self-pairs; return the kept mask."""
    ca = index.get_indexer(a).astype(np.int64)
    cb = index.get_indexer(b).astype(np.int64)
    known = (ca >= 0) & (cb >= 0)
    keep = known & (ca != cb)
    if not keep.all():
        logger.warning(
            "%s: ignored %d rows naming people not in people and %d self-rows",
            what, int((~known).sum()), int((known & (ca == cb)).sum()),
        )
        ca, cb = ca[keep], cb[keep]
    return ca, cb, keep


def _build(
    people: pd.DataFrame, frame: pd.DataFrame | None, a: str, b: str, what: str
) -> tuple[_Graph, np.ndarray]:
    """The graph of ``people`` with one undirected edge per linked pair of ``frame[a]``, ``frame[b]``.

    Also returns, per edge, whether rows run ``u -> v`` and ``v -> u`` (an ``(m, 2)`` bool array,
    for reciprocity).
    """
    index = _people_index(people)
    dept, names = _departments(people)
    n = len(index)
    if frame is None or len(frame) == 0:
        empty = np.zeros(0, dtype=np.int64)
        graph = _Graph(n, people["employee_id"], dept, names, empty, empty, np.zeros(0), empty)
        return graph, np.zeros((0, 2), dtype=bool)
    s, t, keep = _pair_codes(index, frame[a], frame[b], what)
    if "weight" in frame.columns:
        w = frame["weight"].to_numpy(dtype=np.float64, na_value=1.0)[keep]
    else:
        w = np.ones(s.size)
    key = np.minimum(s, t) * n + np.maximum(s, t)
    uniq, inverse = np.unique(key, return_inverse=True)
    weight = np.bincount(inverse, weights=w, minlength=uniq.size)
    n_rows = np.bincount(inverse, minlength=uniq.size).astype(np.int64)
    directions = np.bincount(2 * inverse + (s > t), minlength=2 * uniq.size).reshape(-1, 2) > 0
    return _Graph(n, people["employee_id"], dept, names, uniq // n, uniq % n, weight, n_rows), directions


def _graph_from_communication(people: pd.DataFrame, communication: pd.DataFrame | None) -> _Graph:
    return _build(people, communication, "source_id", "target_id", "communication")[0]


def _graph_from_edges(people: pd.DataFrame, edges: pd.DataFrame) -> _Graph:
    return _build(people, edges, "u", "v", "edges")[0]


def _edges_frame(g: _Graph) -> pd.DataFrame:
    ids = g.ids.array
    return pd.DataFrame(
        {
            "u": pd.Series(ids.take(g.u), dtype=g.ids.dtype),
            "v": pd.Series(ids.take(g.v), dtype=g.ids.dtype),
            "weight": g.weight.astype(np.float64),
            "n_rows": g.n_rows.astype(np.int64),
        }
    )


def _degrees(g: _Graph) -> np.ndarray:
    return np.bincount(g.u, minlength=g.n) + np.bincount(g.v, minlength=g.n)


def _safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


#: Largest people x departments table :func:`_departments_reached` marks directly (one byte a cell).
_DENSE_REACH_MAX_CELLS = 1 << 25


def _departments_reached(g: _Graph) -> np.ndarray:
    """Per person: number of departments other than their own in which they have a tie.

    Marks each (person, other department) pair in a people x departments boolean table and counts
    each row's marks; organisations with more than :data:`_DENSE_REACH_MAX_CELLS` cells count the
    distinct pair codes instead.
    """
    du, dv = g.dept[g.u], g.dept[g.v]
    ext = du != dv
    person = np.concatenate([g.u[ext], g.v[ext]])
    other = np.concatenate([dv[ext], du[ext]])
    k = max(g.k, 1)
    if g.n * k <= _DENSE_REACH_MAX_CELLS:
        seen = np.zeros(g.n * k, dtype=bool)
        seen[person * k + other] = True
        return seen.reshape(g.n, k).sum(axis=1, dtype=np.int64)
    return np.bincount(unique_ints(person * k + other) // k, minlength=g.n)


def _volume_by_department(g: _Graph) -> tuple[np.ndarray, np.ndarray]:
    """Per department: the weight of its edges inside it and of its edges with one end in it."""
    du, dv = g.dept[g.u], g.dept[g.v]
    inside = du == dv
    w_in = np.bincount(du[inside], weights=g.weight[inside], minlength=g.k)
    w_ext = (np.bincount(du[~inside], weights=g.weight[~inside], minlength=g.k)
             + np.bincount(dv[~inside], weights=g.weight[~inside], minlength=g.k))
    return w_in, w_ext


def _department_table(g: _Graph, volume: _Graph | None = None) -> pd.DataFrame:
    """Per-department ties of ``g``; the weight columns from ``volume`` (every message; default ``g``)."""
    k = g.k
    du, dv = g.dept[g.u], g.dept[g.v]
    inside = du == dv
    size = np.bincount(g.dept, minlength=k)
    internal = np.bincount(du[inside], minlength=k)
    external = np.bincount(du[~inside], minlength=k) + np.bincount(dv[~inside], minlength=k)
    degree_sum = 2 * internal + external
    w_in, w_ext = _volume_by_department(g if volume is None else volume)
    deg = _degrees(g)
    isolates = np.bincount(g.dept[deg == 0], minlength=k)
    spanners = np.bincount(g.dept[_departments_reached(g) >= 2], minlength=k)
    pairs = size * (size - 1) / 2
    total = internal + external
    expected = (1 - 2 * (size - 1) / (g.n - 1)) if g.n >= 2 else np.full(k, np.nan)
    table = pd.DataFrame(
        {
            "department": pd.Series(g.dept_names, dtype="str"),
            "size": size.astype(np.int64),
            "internal_ties": internal.astype(np.int64),
            "external_ties": external.astype(np.int64),
            "degree_sum": degree_sum.astype(np.int64),
            "density": _safe_div(internal, np.where(size >= 2, pairs, 0)),
            "ei_index": _safe_div(external - internal, total),
            "ei_index_expected": np.asarray(expected, dtype=np.float64),
            "external_share": _safe_div(external, total),
            "internal_weight": w_in,
            "external_weight": w_ext,
            "ei_index_weighted": _safe_div(w_ext - w_in, w_ext + w_in),
            "external_message_share": _safe_div(w_ext, w_ext + w_in),
            "isolates": isolates.astype(np.int64),
            "boundary_spanners": spanners.astype(np.int64),
        },
        columns=_DEPARTMENT_COLUMNS,
    )
    order = np.lexsort((np.arange(k), -size))  # largest first; ties in name order
    return table.iloc[order].reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# Small metric functions
# --------------------------------------------------------------------------------------------------
def build_edges(people: pd.DataFrame, communication: pd.DataFrame | None) -> pd.DataFrame:
    """Aggregate communication rows into the undirected simple edge list.

    Parameters
    ----------
    people : DataFrame
        One row per person with ``employee_id`` (unique) and ``department``.
    communication : DataFrame or None
        One row per message, meeting or tie: ``source_id``, ``target_id`` and optional ``weight``
        (default 1 per row).

    Returns
    -------
    DataFrame
        One row per linked pair: ``u``, ``v`` (employee ids, ``u`` is the one listed first in
        ``people``), ``weight`` (``float64``, the sum of the rows' weights) and ``n_rows`` (``int64``,
        how many rows link the pair, in either direction). Sorted by ``(u, v)`` in people order.

    Notes
    -----
    The graph is undirected and simple: rows ``a -> b`` and ``b -> a`` fall on the same edge. Rows
    naming people not in ``people`` and self-rows are ignored and logged (the loader has already
    dropped them from a :class:`~orgkit.data.client.Client`). No communication (``None`` or no rows) gives
    an empty edge list. Ids are mapped to integer codes with a hash index, pairs canonicalised as
    ``(min, max)`` and aggregated with :func:`numpy.unique`, so 10^6 rows take well under a second.

    References
    ----------
    .. [1] Wasserman, S., & Faust, K. (1994). *Social Network Analysis: Methods and Applications*,
       ch. 4. Cambridge University Press. https://doi.org/10.1017/CBO9780511815478

    Examples
    --------
    >>> people = pd.DataFrame({"employee_id": ["a", "b", "c"], "department": ["X", "X", "Y"]})
    >>> rows = pd.DataFrame({"source_id": ["a", "b", "a"], "target_id": ["b", "a", "c"],
    ...                      "weight": [1.0, 2.0, 1.0]})
    >>> build_edges(people, rows)
       u  v  weight  n_rows
    0  a  b     3.0       2
    1  a  c     1.0       1
    """
    return _edges_frame(_graph_from_communication(people, communication))


def density(n_nodes: int, n_edges: int) -> float:
    """Density of an undirected simple graph: the share of possible ties that exist.

    Parameters
    ----------
    n_nodes : int
        Number of people (nodes), isolated people included.
    n_edges : int
        Number of ties (undirected edges).

    Returns
    -------
    float
        ``2m / (n (n - 1))``, in [0, 1].

    Notes
    -----
    .. math:: d = \\frac{2m}{n(n-1)}

    The density is 0 when ``n < 2`` (no pair exists) and 0 for a graph without edges, as in
    :func:`networkx.density`.

    References
    ----------
    .. [1] Wasserman, S., & Faust, K. (1994). *Social Network Analysis*, sec. 4.2.
       https://doi.org/10.1017/CBO9780511815478

    Examples
    --------
    >>> density(4, 3)   # a star with three leaves: 3 of 6 possible ties
    0.5
    >>> density(1, 0)
    0.0
    """
    if n_nodes < 2:
        return 0.0
    return 2.0 * n_edges / (n_nodes * (n_nodes - 1))


def ei_index(external: float, internal: float) -> float | None:
    """Krackhardt and Stern's E-I index: ``(E - I) / (E + I)``.

    Parameters
    ----------
    external : float
        Ties (or tie weights) that cross a group boundary.
    internal : float
        Ties (or tie weights) inside a group.

    Returns
    -------
    float or None
        In [-1, 1]: -1 when every tie stays inside, +1 when every tie leaves. ``None`` when there
        are no ties (``E + I == 0``).

    Notes
    -----
    .. math:: EI = \\frac{E - I}{E + I}

    For one department ``d``, ``I`` is the number of ties with both ends in ``d`` and ``E`` the number
    with exactly one end in ``d``; for the organisation, ``E`` is the number of ties between different
    departments and ``I`` the number within one. Pass weight sums for the weighted variant. Compare it
    with :func:`expected_ei_index`: a small department has a high E-I under random mixing.

    References
    ----------
    .. [1] Krackhardt, D., & Stern, R. N. (1988). Informal networks and organizational crises: an
       experimental simulation. *Social Psychology Quarterly*, 51(2), 123-140.
       https://doi.org/10.2307/2786835

    Examples
    --------
    >>> ei_index(1, 12)   # two 4-cliques joined by one tie
    -0.8461538461538461
    >>> ei_index(0, 0) is None
    True
    """
    total = external + internal
    if total <= 0:
        return None
    return float((external - internal) / total)


def expected_ei_index(sizes: Sequence[int] | np.ndarray | pd.Series) -> float | None:
    """Organisation-level E-I index expected under random mixing, given department sizes.

    Parameters
    ----------
    sizes : sequence of int
        Headcount of each department (all of them, one-person departments included).

    Returns
    -------
    float or None
        ``P_ext - P_int``; ``None`` when there are fewer than two people.

    Notes
    -----
    If every pair of people were equally likely to be tied, the share of ties inside a department
    would be the share of pairs inside one:

    .. math:: P_{int} = \\frac{\\sum_d n_d (n_d - 1)}{n (n - 1)}, \\qquad
              EI_{exp} = P_{ext} - P_{int} = 1 - 2 P_{int}

    For one department the same argument gives ``1 - 2 (n_d - 1) / (n - 1)`` (the share of a member's
    possible contacts that are colleagues); :func:`department_ties` reports it as
    ``ei_index_expected``. A single department gives -1; only one-person departments give +1.

    References
    ----------
    .. [1] Krackhardt, D., & Stern, R. N. (1988). https://doi.org/10.2307/2786835
    .. [2] Blau, P. M. (1977). *Inequality and Heterogeneity*. Free Press (random-mixing baseline).

    Examples
    --------
    >>> expected_ei_index([4, 4])   # 24 of 56 ordered pairs are inside: 1 - 2 * 24/56
    0.1428571428571429
    >>> expected_ei_index([1]) is None
    True
    """
    s = np.asarray(sizes, dtype=np.float64)
    n = s.sum()
    if n < 2:
        return None
    p_int = float((s * (s - 1)).sum() / (n * (n - 1)))
    return 1.0 - 2.0 * p_int


def department_ties(people: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
    """Per-department tie counts, density and E-I index (every department, nothing suppressed).

    Parameters
    ----------
    people : DataFrame
        ``employee_id`` and ``department`` per person.
    edges : DataFrame
        The undirected edge list from :func:`build_edges` (``u``, ``v``, optional ``weight``).

    Returns
    -------
    DataFrame
        One row per department, largest first: ``department``, ``size``, ``internal_ties`` (I_d),
        ``external_ties`` (E_d), ``degree_sum`` (D_d = 2 I_d + E_d), ``density``, ``ei_index``,
        ``ei_index_expected``, ``external_share``, ``internal_weight``, ``external_weight``,
        ``ei_index_weighted``, ``external_message_share`` (``W_E,d / (W_E,d + W_I,d)``, the weights of its
        edges), ``isolates`` (members without ties) and ``boundary_spanners`` (members
        with ties into at least two other departments). Undefined values are NaN. This table is
        not for display: pass it through :func:`orgkit.privacy.suppress_small_groups` first.

    Notes
    -----
    With ``n_d`` people in ``d``:

    - ``density = I_d / (n_d (n_d - 1) / 2)``; NaN for a one-person department.
    - ``ei_index = (E_d - I_d) / (E_d + I_d)``; NaN when ``d`` has no ties.
    - ``ei_index_expected = 1 - 2 (n_d - 1) / (n - 1)``, the E-I under random mixing.
    - ``external_share = E_d / (E_d + I_d) = (1 + ei_index) / 2``.

    Counts come from :func:`numpy.bincount` over department codes of the edge ends, never from a
    subgraph per department.

    References
    ----------
    .. [1] Krackhardt, D., & Stern, R. N. (1988). https://doi.org/10.2307/2786835

    Examples
    --------
    >>> people = pd.DataFrame({"employee_id": list("abcd"), "department": list("XXYY")})
    >>> edges = pd.DataFrame({"u": ["a", "a"], "v": ["b", "c"]})
    >>> department_ties(people, edges)[["department", "internal_ties", "external_ties", "ei_index"]]
      department  internal_ties  external_ties  ei_index
    0          X              1              1       0.0
    1          Y              0              1       1.0
    """
    return _department_table(_graph_from_edges(people, edges))


def _group_codes(g: _Graph, min_group_size: int | None, other_label: str) -> tuple[np.ndarray, list[str]]:
    """Display group per person (-1 = dropped) and the group labels, largest department first."""
    size = np.bincount(g.dept, minlength=g.k)
    order = np.lexsort((np.arange(g.k), -size))
    if min_group_size is None:
        visible = order
    else:
        visible = order[size[order] >= min_group_size]
    mapping = np.full(g.k, -1, dtype=np.int64)
    mapping[visible] = np.arange(visible.size)
    labels = [str(x) for x in g.dept_names[visible]]
    if min_group_size is not None:
        small = size < min_group_size
        if size[small].sum() >= min_group_size and small.any():
            mapping[small] = visible.size
            labels.append(other_label)
    return mapping[g.dept], labels


def _matrix(g: _Graph, value: str, min_group_size: int | None, other_label: str) -> pd.DataFrame:
    group, labels = _group_codes(g, min_group_size, other_label)
    kk = len(labels)
    gu, gv = group[g.u], group[g.v]
    keep = (gu >= 0) & (gv >= 0)
    gu, gv = gu[keep], gv[keep]
    w = g.weight[keep] if value == "weight" else None
    c = np.bincount(gu * kk + gv, weights=w, minlength=kk * kk).reshape(kk, kk).astype(np.float64)
    mat = c + c.T
    np.fill_diagonal(mat, np.diag(c))
    if value == "density":
        size = np.bincount(group[group >= 0], minlength=kk).astype(np.float64)
        pairs = np.outer(size, size)
        np.fill_diagonal(pairs, size * (size - 1) / 2)
        mat = _safe_div(mat, pairs)
    elif value == "ties":
        mat = mat.astype(np.int64)
    index = pd.Index(labels, dtype="str", name="department")
    return pd.DataFrame(mat, index=index, columns=index.rename(None))


def department_matrix(
    people: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    value: Literal["ties", "density", "weight"] = "ties",
    min_group_size: int | None = None,
    other_label: str = OTHER_GROUP,
) -> pd.DataFrame:
    """Department-to-department matrix of ties, tie density or tie weight.

    Parameters
    ----------
    people : DataFrame
        ``employee_id`` and ``department`` per person.
    edges : DataFrame
        The undirected edge list from :func:`build_edges`.
    value : {"ties", "density", "weight"}
        What each cell holds (default: tie counts).
    min_group_size : int, optional
        When given, departments smaller than this get no row or column of their own: they are merged
        into one ``other_label`` bucket when the bucket has at least ``min_group_size`` people, and
        dropped from the matrix otherwise.
    other_label : str
        Label of that bucket.

    Returns
    -------
    DataFrame
        Square and symmetric, rows and columns in the same order (largest department first, the
        bucket last). Tie counts are ``int64``; density and weight ``float64`` (NaN where undefined).

    Notes
    -----
    Off the diagonal, ``ties[a, b]`` counts ties between ``a`` and ``b`` and
    ``density[a, b] = ties[a, b] / (n_a n_b)``. On the diagonal, ``ties[d, d] = I_d`` and
    ``density[d, d] = I_d / (n_d (n_d - 1) / 2)`` (NaN for one person). ``weight`` sums edge weights
    the same way. The "Other" bucket is treated as one group (its diagonal counts every tie among its
    members, across their small departments too). Built with one :func:`numpy.bincount` over pairs of
    department codes.

    References
    ----------
    .. [1] Wasserman, S., & Faust, K. (1994). *Social Network Analysis*, sec. 10.1 (block density).
       https://doi.org/10.1017/CBO9780511815478

    Examples
    --------
    >>> people = pd.DataFrame({"employee_id": list("abcd"), "department": list("XXYY")})
    >>> edges = pd.DataFrame({"u": ["a", "a"], "v": ["b", "c"]})
    >>> d = department_matrix(people, edges, value="density")   # X: 1 of 1 pair; X-Y: 1 of 4
    >>> list(d.index), d.to_numpy().tolist()
    (['X', 'Y'], [[1.0, 0.25], [0.25, 0.0]])
    """
    if value not in ("ties", "density", "weight"):
        raise ConfigError(f"value must be one of {{'ties', 'density', 'weight'}}. Got {value!r} instead.")
    return _matrix(_graph_from_edges(people, edges), value, min_group_size, other_label)


# --------------------------------------------------------------------------------------------------
# Mixing between departments against random mixing (the report's department figure)
# --------------------------------------------------------------------------------------------------
#: The bucket of :func:`department_mixing` holding the departments beyond its ``max_departments`` (with the
#: small ones): the catalogue's English ``group.other_departments``; figures show it in their language.
OTHER_DEPARTMENTS = t("group.other_departments", "en")


@dataclass(frozen=True)
class DepartmentMixing:
    """Ties between departments against what random mixing would give (:func:`department_mixing`).

    Every frame is square and symmetric, with the same labels in the same order on both axes: the
    clustered display order of :func:`mixing_order`, pooled buckets last.

    Attributes
    ----------
    ties : DataFrame
        ``T``: ties between two groups (``int64``); on the diagonal, ties inside a group.
    expected : DataFrame
        ``E``: the ties random mixing would give (``float64``).
    ratio : DataFrame
        ``T / E`` (``float64``; NaN where ``E`` is 0: a group without any tie).
    size : Series
        People per group (``int64``), indexed like the frames.
    degree : Series
        ``D``: tie ends per group (the sum of its members' ties), indexed like the frames.
    edges : int
        ``m``: every tie of the organisation (those of dropped groups included).
    pooled : int
        Departments of at least the minimum group size counted in the :data:`OTHER_DEPARTMENTS` bucket
        because there were more than ``max_departments``.
    """

    ties: pd.DataFrame
    expected: pd.DataFrame
    ratio: pd.DataFrame
    size: pd.Series
    degree: pd.Series
    edges: int = 0
    pooled: int = 0

    @property
    def labels(self) -> list[str]:
        """The groups, in display order."""
        return [str(x) for x in self.ratio.index]

    @property
    def empty(self) -> bool:
        """Whether there is no group to show."""
        return self.ratio.empty


def _empty_mixing() -> DepartmentMixing:
    index = pd.Index([], dtype="str", name="department")
    frame = pd.DataFrame(index=index, columns=index.rename(None), dtype="float64")
    return DepartmentMixing(frame.astype("int64"), frame, frame, pd.Series(dtype="int64", index=index),
                            pd.Series(dtype="float64", index=index))


def _mixing_groups(g: _Graph, min_group_size: int | None, max_departments: int | None, keep: Sequence[str],
                   other_label: str, rest_label: str) -> tuple[np.ndarray, list[str], int]:
    """Display group per person (-1: dropped), the labels, and how many visible departments were pooled."""
    if max_departments is None:
        group, labels = _group_codes(g, min_group_size, other_label)
        return group, labels, 0
    size = np.bincount(g.dept, minlength=g.k)
    order = np.lexsort((np.arange(g.k), -size))
    visible = order if min_group_size is None else order[size[order] >= min_group_size]
    if visible.size <= max_departments:
        group, labels = _group_codes(g, min_group_size, other_label)
        return group, labels, 0
    wanted = pd.Index(g.dept_names).get_indexer(pd.Index([str(k) for k in keep]))
    first = [c for c in dict.fromkeys(wanted.tolist()) if c >= 0 and c in set(visible.tolist())]
    shown = np.array((first + [c for c in visible.tolist() if c not in set(first)])[: max(max_departments - 1, 1)],
                     dtype=np.int64)
    shown = shown[np.lexsort((np.arange(shown.size), -size[shown]))]
    mapping = np.full(g.k, shown.size, dtype=np.int64)  # everyone else: the bucket
    mapping[shown] = np.arange(shown.size)
    labels = [str(x) for x in g.dept_names[shown]] + [rest_label]
    return mapping[g.dept], labels, int(visible.size - shown.size)


def _mixing(g: _Graph, *, min_group_size: int | None = None, max_departments: int | None = None,
            keep: Sequence[str] = (), other_label: str = OTHER_GROUP,
            rest_label: str = OTHER_DEPARTMENTS) -> DepartmentMixing:
    group, labels, pooled = _mixing_groups(g, min_group_size, max_departments, keep, other_label, rest_label)
    kk = len(labels)
    if kk == 0:
        return _empty_mixing()
    gu, gv = group[g.u], group[g.v]
    both = (gu >= 0) & (gv >= 0)
    c = np.bincount(gu[both] * kk + gv[both], minlength=kk * kk).reshape(kk, kk)
    ties = c + c.T
    np.fill_diagonal(ties, np.diag(c))
    deg = _degrees(g)
    member = group >= 0
    size = np.bincount(group[member], minlength=kk)
    degree = np.bincount(group[member], weights=deg[member], minlength=kk).astype(np.float64)
    m = g.m
    expected = np.outer(degree, degree) / (2.0 * m) if m else np.zeros((kk, kk))
    np.fill_diagonal(expected, degree**2 / (4.0 * m) if m else 0.0)
    ratio = _safe_div(ties, expected)
    index = pd.Index(labels, dtype="str", name="department")
    columns = index.rename(None)
    frames = (pd.DataFrame(ties.astype(np.int64), index=index, columns=columns),
              pd.DataFrame(expected, index=index, columns=columns),
              pd.DataFrame(ratio, index=index, columns=columns))
    fixed = [x for x in labels if x in (other_label, rest_label)]
    order = mixing_order(frames[2], last=fixed)
    return DepartmentMixing(
        ties=frames[0].loc[order, order], expected=frames[1].loc[order, order], ratio=frames[2].loc[order, order],
        size=pd.Series(size.astype(np.int64), index=index).loc[order],
        degree=pd.Series(degree, index=index).loc[order], edges=m, pooled=pooled)


def department_mixing(
    people: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    min_group_size: int | None = None,
    max_departments: int | None = None,
    keep: Sequence[str] = (),
    other_label: str = OTHER_GROUP,
    rest_label: str = OTHER_DEPARTMENTS,
) -> DepartmentMixing:
    """Ties between departments as a multiple of what random mixing would give them.

    Parameters
    ----------
    people : DataFrame
        ``employee_id`` and ``department`` per person.
    edges : DataFrame
        The undirected edge list from :func:`build_edges` (the ties).
    min_group_size : int, optional
        Departments smaller than this get no row of their own: merged into one ``other_label`` bucket when
        the bucket has at least ``min_group_size`` people, dropped otherwise (as :func:`department_matrix`).
    max_departments : int, optional
        At most this many rows: with more departments of at least ``min_group_size`` people, the largest
        ``max_departments - 1`` (those in ``keep`` first) keep their row and every other department, the small
        ones included, is counted in one ``rest_label`` bucket.
    keep : sequence of str
        Departments that keep their row whatever their size rank (the silos, so the figure shows them).
    other_label, rest_label : str
        Labels of the two buckets.

    Returns
    -------
    DepartmentMixing
        Tie counts, expected ties and their ratio, symmetric, in the clustered order of :func:`mixing_order`
        (buckets last).

    Notes
    -----
    The null model is Newman's random mixing at fixed tie degrees [1]_ (the configuration model behind
    modularity [2]_): the ``2m`` tie ends of the organisation are paired at random, so a group's ties go to
    each group in proportion to that group's share of tie ends. With ``D_a`` the tie ends of group ``a``
    (the sum of its members' ties), ``T_ab`` the ties between ``a`` and ``b`` and ``T_aa`` those inside ``a``:

    .. math:: E_{ab} = \\frac{D_a D_b}{2m} \\; (a \\ne b), \\qquad E_{aa} = \\frac{D_a^2}{4m}, \\qquad
              r_{ab} = \\frac{T_{ab}}{E_{ab}} = \\frac{e_{ab}}{a_a a_b}

    which is Newman's ``e_ab / (a_a a_b)`` with ``e_ab = T_ab / 2m`` (``e_aa = T_aa / m``) and
    ``a_a = D_a / 2m``. ``r = 1`` is random mixing, ``r > 1`` more ties than random mixing would give,
    ``r < 1`` fewer. Degrees rather than headcounts set the baseline, so a department that is simply more
    (or less) present in the data, because its people write more or its mailboxes were exported, is not
    read as more (or less) connected to everyone: the ratio shows *with whom* a department's ties are, the
    question of the E-I index [3]_, cell by cell. On the diagonal, ``r_aa = f_a / a_a`` with ``f_a =
    2 T_aa / D_a`` the share of the department's tie ends that stay inside: a silo's diagonal is far above 1
    and its row far below 1 everywhere else.

    Degenerate cases: without any tie (``m = 0``) every ratio is NaN; a group whose people have no tie has
    ``D = 0`` and a row of NaN (nothing to compare); ``T = 0`` where ``E > 0`` gives 0. The configuration
    model lets a tie end pair with one of the same person, so ``E_aa`` is slightly too high for a very small
    group (by ``D_a / 4m`` at most, a share ``1 / D_a`` of ``E_aa``). Ties to a dropped group count in
    ``D`` (and ``m``) but in no cell. A bucket is one group (its diagonal counts ties among its members
    across their departments). One :func:`numpy.bincount` over pairs of group codes and one over people:
    ``O(m + n)``, about 10 ms for 10^6 ties.

    References
    ----------
    .. [1] Newman, M. E. J. (2003). Mixing patterns in networks. *Physical Review E*, 67(2), 026126.
       https://doi.org/10.1103/PhysRevE.67.026126
    .. [2] Newman, M. E. J. (2006). https://doi.org/10.1073/pnas.0601602103
    .. [3] Krackhardt, D., & Stern, R. N. (1988). https://doi.org/10.2307/2786835

    Examples
    --------
    >>> people = pd.DataFrame({"employee_id": list("abcd"), "department": list("XXYY")})
    >>> edges = pd.DataFrame({"u": ["a", "c", "a"], "v": ["b", "d", "c"]})
    >>> r = department_mixing(people, edges)   # D_X = D_Y = 3, m = 3
    >>> r.ties.to_numpy().tolist(), r.ratio.round(3).to_numpy().tolist()
    ([[1, 1], [1, 1]], [[1.333, 0.667], [0.667, 1.333]])
    """
    return _mixing(_graph_from_edges(people, edges), min_group_size=min_group_size,
                   max_departments=max_departments, keep=keep, other_label=other_label, rest_label=rest_label)


#: Log ratios beyond this (64 times more or less than random mixing) count as this much in :func:`mixing_order`.
_ORDER_CLIP = 6.0


def mixing_order(ratio: pd.DataFrame, *, last: Sequence[str] = ()) -> list[str]:
    """The labels of a symmetric mixing ratio ordered so that departments with similar ties sit together.

    Parameters
    ----------
    ratio : DataFrame
        Square and symmetric (:attr:`DepartmentMixing.ratio`); NaN where undefined.
    last : sequence of str
        Labels placed at the end, in this order (the pooled buckets), not clustered.

    Returns
    -------
    list of str
        Every label of ``ratio`` once.

    Notes
    -----
    Each department's profile is its row of ``x = log2 r`` (0 for random mixing; a NaN, no evidence, as 0;
    clipped to ±6, so a cell without any tie counts as 64 times fewer). Two departments are close when they
    mix alike: the structural-equivalence distance [1]_

    .. math:: d_{ij} = \\sqrt{\\sum_{k \\ne i, j} (x_{ik} - x_{jk})^2 + (x_{ii} - x_{jj})^2}

    compares the two departments' ties with every *other* department, and inside with inside: the cell of
    one department with itself is not set against the other's cell with it (a large diagonal would push
    every pair apart).

    Average-linkage clustering of ``d`` (UPGMA) gives a tree; its leaves are read in an order where, at
    each merge, the two clusters are turned so that their facing ends are the closest pair of the four
    possible (Gruvaeus and Wainer's ordering [2]_): neighbours in the order are alike, and departments that
    work together show as blocks along the diagonal. Deterministic for the same matrix (ties: the first
    pair); ``k`` merges of ``O(k^2)`` array work, for the few dozen rows of a figure. With fewer than three
    departments the order is the given one.

    References
    ----------
    .. [1] Wasserman, S., & Faust, K. (1994). *Social Network Analysis*, sec. 9.3 (structural equivalence,
       Euclidean distance). https://doi.org/10.1017/CBO9780511815478
    .. [2] Gruvaeus, G., & Wainer, H. (1972). Two additions to hierarchical cluster analysis. *British
       Journal of Mathematical and Statistical Psychology*, 25(2), 200-206.
       https://doi.org/10.1111/j.2044-8317.1972.tb00491.x

    Examples
    --------
    >>> r = pd.DataFrame([[9, 4, .1], [4, 9, .1], [.1, .1, 9]], index=list("ACB"), columns=list("ACB"))
    >>> mixing_order(r)
    ['A', 'C', 'B']
    """
    labels = [str(x) for x in ratio.index]
    fixed = [x for x in last if x in labels]
    free = [x for x in labels if x not in set(fixed)]
    if len(free) < 3:
        return free + fixed
    r = ratio.loc[free, free].to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore"):
        x = np.log2(r)
    x = np.clip(np.nan_to_num(x, nan=0.0, neginf=-_ORDER_CLIP, posinf=_ORDER_CLIP), -_ORDER_CLIP, _ORDER_CLIP)
    norms = (x * x).sum(axis=1)
    sq = norms[:, None] + norms[None, :] - 2.0 * (x @ x.T)  # over every column, O(k^2) memory
    diag = np.diag(x)
    own = (diag[:, None] - x.T) ** 2 + (x - diag[None, :]) ** 2  # columns i and j: (x_ii - x_ji)^2 + (x_ij - x_jj)^2
    dist = np.sqrt(np.clip(sq - own + (diag[:, None] - diag[None, :]) ** 2, 0.0, None))
    np.fill_diagonal(dist, 0.0)
    dist = (dist + dist.T) / 2
    return [free[i] for i in _average_linkage_order(dist)] + fixed


def _average_linkage_order(dist: np.ndarray) -> list[int]:
    """Leaf order of the average-linkage tree of ``dist``, each merge turned so its facing ends are closest."""
    k = len(dist)
    d = dist.astype(np.float64).copy()
    np.fill_diagonal(d, np.inf)
    size = np.ones(k)
    leaves: list[list[int]] = [[i] for i in range(k)]
    active = np.ones(k, dtype=bool)
    for _ in range(k - 1):
        i, j = sorted(divmod(int(np.argmin(d)), k))
        a, b = leaves[i], leaves[j]
        ends = [(dist[a[-1], b[0]], a + b), (dist[a[-1], b[-1]], a + b[::-1]),
                (dist[a[0], b[0]], a[::-1] + b), (dist[a[0], b[-1]], a[::-1] + b[::-1])]
        leaves[i] = min(ends, key=lambda e: e[0])[1]  # min keeps the first of equals
        merged = (size[i] * d[i] + size[j] * d[j]) / (size[i] + size[j])  # Lance-Williams, UPGMA
        size[i] += size[j]
        active[j] = False
        merged[~active] = np.inf
        merged[i] = np.inf
        d[i], d[:, i] = merged, merged
        d[j], d[:, j] = np.inf, np.inf
    return leaves[int(np.flatnonzero(active)[0])]


def modularity(
    internal_ties: Sequence[float] | np.ndarray,
    degree_sums: Sequence[float] | np.ndarray,
    n_edges: int | None = None,
) -> float | None:
    """Newman modularity of a partition, from per-group internal ties and degree sums.

    Parameters
    ----------
    internal_ties : array-like
        ``I_d``: edges with both ends in group ``d``.
    degree_sums : array-like
        ``D_d``: the sum of the degrees of ``d``'s members (``2 I_d + E_d``).
    n_edges : int, optional
        ``m``, the number of edges (default: ``sum(D_d) / 2``, right when the groups cover every
        node).

    Returns
    -------
    float or None
        ``Q`` in [-1/2, 1); ``None`` when there are no edges.

    Notes
    -----
    .. math:: Q = \\sum_d \\left[ \\frac{I_d}{m} - \\left(\\frac{D_d}{2m}\\right)^2 \\right]

    Equal to :func:`networkx.algorithms.community.modularity` (resolution 1) on the unweighted graph
    with the department partition, without building a graph. ``Q`` is 0 for a single group and
    negative when groups have fewer inside ties than random wiring with the same degrees would give.

    References
    ----------
    .. [1] Newman, M. E. J. (2006). Modularity and community structure in networks. *PNAS*, 103(23),
       8577-8582. https://doi.org/10.1073/pnas.0601602103

    Examples
    --------
    >>> round(modularity([6, 6], [13, 13]), 6)   # two 4-cliques and a bridge: 12/13 - 2 (1/2)^2
    0.423077
    >>> modularity([0], [0]) is None
    True
    """
    internal = np.asarray(internal_ties, dtype=np.float64)
    degree = np.asarray(degree_sums, dtype=np.float64)
    if internal.shape != degree.shape:
        raise ConfigError(
            f"internal_ties and degree_sums must have the same length. Got {internal.size} and {degree.size}."
        )
    m = float(degree.sum() / 2) if n_edges is None else float(n_edges)
    if m <= 0:
        return None
    return float((internal / m - (degree / (2 * m)) ** 2).sum())


def reciprocity(communication: pd.DataFrame | None) -> float | None:
    """Share of directed pairs ``source -> target`` whose reverse pair also occurs.

    Parameters
    ----------
    communication : DataFrame or None
        ``source_id`` and ``target_id`` per row.

    Returns
    -------
    float or None
        In [0, 1]; ``None`` without rows.

    Notes
    -----
    The communication table is treated as directed. With ``P`` the set of distinct ordered pairs
    ``(s, t)``, ``s != t``:

    .. math:: r = \\frac{|\\{(s, t) \\in P : (t, s) \\in P\\}|}{|P|}

    which is :func:`networkx.overall_reciprocity` of the directed graph. Repeated rows count once.
    A value of exactly 1.0 usually means the data records undirected ties listed both ways (a
    meeting export, a symmetric survey), and 0.0 that each tie is listed once; the number is reported
    as computed and the report should read it in that light.

    References
    ----------
    .. [1] Wasserman, S., & Faust, K. (1994). *Social Network Analysis*, sec. 13.2 (mutuality).
       https://doi.org/10.1017/CBO9780511815478
    .. [2] Garlaschelli, D., & Loffredo, M. I. (2004). Patterns of link reciprocity in directed
       networks. *Physical Review Letters*, 93(26), 268701. https://doi.org/10.1103/PhysRevLett.93.268701

    Examples
    --------
    >>> rows = pd.DataFrame({"source_id": ["a", "b", "a", "a"], "target_id": ["b", "a", "c", "c"]})
    >>> reciprocity(rows)   # pairs a->b, b->a, a->c: two of three are reciprocated
    0.6666666666666666
    """
    if communication is None or len(communication) == 0:
        return None
    codes, uniques = pd.factorize(pd.concat([communication["source_id"], communication["target_id"]],
                                            ignore_index=True))
    n_rows = len(communication)
    return _reciprocity_codes(codes[:n_rows].astype(np.int64), codes[n_rows:].astype(np.int64), len(uniques))


def _reciprocity_codes(s: np.ndarray, t: np.ndarray, n: int) -> float | None:
    keep = (s != t) & (s >= 0) & (t >= 0)
    s, t = s[keep], t[keep]
    if s.size == 0:
        return None
    pairs = unique_ints(s * n + t)
    reverse = (pairs % n) * n + pairs // n
    pos = np.searchsorted(pairs, reverse)
    pos[pos == pairs.size] = 0
    return float((pairs[pos] == reverse).mean())


#: Louvain runs in a forked child process, beside the betweenness, from this many edges (below, the
#: fork costs more than it saves).
_FORK_COMMUNITIES_MIN_EDGES = 20_000


def _brokers_table(
    g: _Graph, bc: np.ndarray, top: int | None, min_group_size: int | None, other_label: str
) -> pd.DataFrame:
    reached = _departments_reached(g)
    deg = _degrees(g)
    order = np.lexsort((np.arange(g.n), -bc))
    order = order[bc[order] > 0]
    if top is not None:
        order = order[:top]
    names = g.dept_names[g.dept[order]].astype(object)
    if min_group_size is not None:
        size = np.bincount(g.dept, minlength=g.k)
        small = size[g.dept[order]] < min_group_size
        names[small] = other_label
    return pd.DataFrame(
        {
            "employee_id": pd.Series(g.ids.array.take(order), dtype=g.ids.dtype),
            "department": pd.Series(names, dtype="str"),
            "betweenness": bc[order].astype(np.float64),
            "departments_reached": reached[order].astype(np.int64),
            "degree": deg[order].astype(np.int64),
        },
        columns=_BROKER_COLUMNS,
    )


def brokers(
    people: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    top: int | None = 10,
    k: int | None | Literal["auto"] = "auto",
    seed: int = 0,
    min_group_size: int | None = None,
    other_label: str = OTHER_GROUP,
) -> pd.DataFrame:
    """People who sit on many shortest paths between others (betweenness centrality).

    Parameters
    ----------
    people : DataFrame
        ``employee_id`` and ``department`` per person.
    edges : DataFrame
        The undirected edge list from :func:`build_edges`.
    top : int or None
        How many brokers to return (``None``: everyone with betweenness above 0).
    k : int, None or "auto"
        Number of sampled BFS sources; ``None`` for exact betweenness; ``"auto"`` applies
        :func:`betweenness_sample_size`.
    seed : int
        Seed of the source sample (the same draw as networkx's ``seed``).
    min_group_size : int, optional
        When given, a broker from a department smaller than this is shown with ``other_label``
        instead of the department's name.
    other_label : str
        That label.

    Returns
    -------
    DataFrame
        ``employee_id``, ``department``, ``betweenness`` (normalised), ``departments_reached``
        (departments other than their own in which they have a tie) and ``degree``, highest
        betweenness first (ties by people order). People with betweenness 0 are left out.

    Notes
    -----
    Betweenness of ``v`` is :math:`\\sum_{s \\ne v \\ne t} \\sigma_{st}(v) / \\sigma_{st}`, normalised by
    ``(n - 1)(n - 2)`` (ordered pairs), as :func:`networkx.betweenness_centrality` with
    ``normalized=True``; the sampled estimate uses networkx's rescaling (sources by
    ``1/((k-1)(n-2))``, other nodes by ``1/(k(n-2))``) and the same seeded draw, so results equal
    networkx's for the same ``k`` and ``seed`` on nodes in people order. The unweighted graph is used.
    A graph with fewer than three people or no edges has no brokers (empty table).

    References
    ----------
    .. [1] Brandes, U. (2001). A faster algorithm for betweenness centrality. *Journal of
       Mathematical Sociology*, 25(2), 163-177. https://doi.org/10.1080/0022250X.2001.9990249
    .. [2] Freeman, L. C. (1977). A set of measures of centrality based on betweenness.
       *Sociometry*, 40(1), 35-41. https://doi.org/10.2307/3033543

    Examples
    --------
    >>> people = pd.DataFrame({"employee_id": list("abc"), "department": list("XYY")})
    >>> edges = pd.DataFrame({"u": ["a", "b"], "v": ["b", "c"]})
    >>> brokers(people, edges)
      employee_id department  betweenness  departments_reached  degree
    0           b          Y          1.0                    1       2
    """
    g = _graph_from_edges(people, edges)
    if k == "auto":
        k = betweenness_sample_size(g.n, g.m)
    bc = betweenness(g.n, g.u, g.v, sample_sources(g.n, k, seed), split=split_allowed())
    return _brokers_table(g, bc, top, min_group_size, other_label)


def _reporting_overlap(g: _Graph, people: pd.DataFrame) -> dict[str, Any]:
    out: dict[str, Any] = {
        "reporting_lines": None,
        "ties_on_reporting_lines": None,
        "ties_along_reporting_lines": None,
        "reporting_lines_with_tie": None,
    }
    if "manager_id" not in people.columns:
        return out
    index = pd.Index(people["employee_id"])
    mgr = index.get_indexer(people["manager_id"]).astype(np.int64)
    me = np.arange(g.n, dtype=np.int64)
    has = (mgr >= 0) & (mgr != me)
    lines = unique_ints(np.minimum(me[has], mgr[has]) * g.n + np.maximum(me[has], mgr[has]))
    ties = g.u * g.n + g.v  # sorted, u < v
    on_line = np.isin(ties, lines, assume_unique=True)
    out["reporting_lines"] = int(lines.size)
    out["ties_on_reporting_lines"] = int(on_line.sum())
    out["ties_along_reporting_lines"] = float(on_line.mean()) if ties.size else None
    out["reporting_lines_with_tie"] = float(on_line.sum() / lines.size) if lines.size else None
    return out


def formal_informal_overlap(people: pd.DataFrame, edges: pd.DataFrame) -> dict[str, Any]:
    """How far communication runs along the formal reporting lines.

    Parameters
    ----------
    people : DataFrame
        ``employee_id``, ``department`` and, for a result, ``manager_id``.
    edges : DataFrame
        The undirected edge list from :func:`build_edges`.

    Returns
    -------
    dict
        ``reporting_lines`` (people with a manager), ``ties_on_reporting_lines`` (ties between a person
        and their manager), ``ties_along_reporting_lines`` (share of all ties that are such) and
        ``reporting_lines_with_tie`` (share of reporting lines that carry a tie). Every value is
        ``None`` when ``people`` has no ``manager_id`` column; a share is ``None`` when its
        denominator is 0.

    Notes
    -----
    A reporting line is the unordered pair (person, manager). With ``T`` the set of ties and ``L``
    the set of reporting lines: ``ties_along = |T ∩ L| / |T|`` (how much of the informal network is
    the formal one) and ``lines_with_tie = |T ∩ L| / |L|`` (how many managers talk to their reports at
    all). Computed as a sorted-array membership test on pair codes.

    References
    ----------
    .. [1] Krackhardt, D., & Hanson, J. R. (1993). Informal networks: the company behind the chart.
       *Harvard Business Review*, 71(4), 104-111.

    Examples
    --------
    >>> people = pd.DataFrame({"employee_id": list("abc"), "department": list("XXX"),
    ...                        "manager_id": [None, "a", "a"]})
    >>> edges = pd.DataFrame({"u": ["a", "b"], "v": ["b", "c"]})
    >>> formal_informal_overlap(people, edges)
    {'reporting_lines': 2, 'ties_on_reporting_lines': 1, 'ties_along_reporting_lines': 0.5, 'reporting_lines_with_tie': 0.5}
    """
    return _reporting_overlap(_graph_from_edges(people, edges), people)


def _nx_graph(g: _Graph):  # noqa: ANN202 - networkx is imported lazily
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(g.n))
    graph.add_edges_from(zip(g.u.tolist(), g.v.tolist()))
    return graph


def _communities(g: _Graph, seed: int) -> np.ndarray:
    import networkx as nx

    labels = np.full(g.n, -1, dtype=np.int64)
    if g.m == 0:
        return labels
    graph = _nx_graph(g)
    graph.remove_nodes_from([i for i in np.flatnonzero(_degrees(g) == 0).tolist()])
    communities = nx.community.louvain_communities(graph, seed=seed)
    # Number communities by their smallest member so labels do not depend on set order.
    for c, members in enumerate(sorted(communities, key=min)):
        labels[list(members)] = c
    return labels


def detect_communities(people: pd.DataFrame, edges: pd.DataFrame, *, seed: int = 0) -> pd.Series:
    """Louvain communities of the unweighted communication graph.

    Parameters
    ----------
    people : DataFrame
        ``employee_id`` and ``department`` per person.
    edges : DataFrame
        The undirected edge list from :func:`build_edges`.
    seed : int
        Seed of :func:`networkx.algorithms.community.louvain_communities`.

    Returns
    -------
    Series
        ``Int64`` community label per person (indexed like ``people``, named ``community``),
        numbered 0, 1, ... by each community's first member in people order; ``<NA>`` for people
        without ties.

    Notes
    -----
    Louvain greedily maximises modularity (resolution 1); with a fixed seed the result is
    reproducible. People without ties are left out rather than counted as one-person communities,
    which would inflate any agreement with departments. networkx's Louvain is pure Python (about 35 s
    at 10^6 edges here), so :func:`analyze_communication` skips it above ``MAX_COMMUNITY_EDGES``.

    References
    ----------
    .. [1] Blondel, V. D., Guillaume, J.-L., Lambiotte, R., & Lefebvre, E. (2008). Fast unfolding of
       communities in large networks. *J. Stat. Mech.*, P10008.
       https://doi.org/10.1088/1742-5468/2008/10/P10008

    Examples
    --------
    >>> people = pd.DataFrame({"employee_id": list("abcdef"), "department": list("XXXYYY")})
    >>> edges = pd.DataFrame({"u": list("aabdde"), "v": list("bcceff")})
    >>> detect_communities(people, edges).tolist()
    [0, 0, 0, 1, 1, 1]
    """
    labels = _communities(_graph_from_edges(people, edges), seed)
    return pd.Series(labels, index=people.index, name="community", dtype="Int64").where(labels >= 0)


def normalized_mutual_information(labels_a: Sequence[Any] | np.ndarray | pd.Series,
                                  labels_b: Sequence[Any] | np.ndarray | pd.Series) -> float | None:
    """Normalised mutual information of two partitions of the same items (arithmetic-mean norm).

    Parameters
    ----------
    labels_a, labels_b : array-like
        One label per item, same length. Items missing in either are left out.

    Returns
    -------
    float or None
        In [0, 1]: 1 when the partitions are identical up to renaming, 0 when independent.
        ``None`` without items.

    Notes
    -----
    From the contingency table ``n_ij`` (``N`` items):

    .. math:: NMI = \\frac{2 I(A; B)}{H(A) + H(B)}, \\quad
              I = \\sum_{ij} \\frac{n_{ij}}{N} \\log \\frac{N n_{ij}}{a_i b_j}

    the definition of scikit-learn's ``normalized_mutual_info_score`` (``average_method="arithmetic"``).
    When both partitions have a single group (``H(A) = H(B) = 0``) the result is 1.0; when only
    one does, 0.0. Computed with one :func:`numpy.bincount`.

    References
    ----------
    .. [1] Strehl, A., & Ghosh, J. (2002). Cluster ensembles: a knowledge reuse framework for
       combining multiple partitions. *JMLR*, 3, 583-617. https://doi.org/10.1162/153244303321897735
    .. [2] Danon, L., Díaz-Guilera, A., Duch, J., & Arenas, A. (2005). Comparing community structure
       identification. *J. Stat. Mech.*, P09008. https://doi.org/10.1088/1742-5468/2005/09/P09008

    Examples
    --------
    >>> normalized_mutual_information([0, 0, 1, 1], ["x", "x", "y", "y"])
    1.0
    >>> normalized_mutual_information([0, 0, 1, 1], ["x", "y", "x", "y"])
    0.0
    """
    a = pd.Series(np.asarray(labels_a, dtype=object))
    b = pd.Series(np.asarray(labels_b, dtype=object))
    if len(a) != len(b):
        raise ConfigError(f"labels_a and labels_b must have the same length. Got {len(a)} and {len(b)}.")
    keep = a.notna().to_numpy() & b.notna().to_numpy()
    ca, _ = pd.factorize(a[keep])
    cb, _ = pd.factorize(b[keep])
    n = ca.size
    if n == 0:
        return None
    ka, kb = int(ca.max()) + 1, int(cb.max()) + 1
    nij = np.bincount(ca * kb + cb, minlength=ka * kb).astype(np.float64)
    ai = nij.reshape(ka, kb).sum(axis=1)
    bj = nij.reshape(ka, kb).sum(axis=0)
    if ka == kb == 1:
        return 1.0
    i_idx, j_idx = np.divmod(np.arange(ka * kb), kb)
    nz = nij > 0
    mi = float((nij[nz] / n * np.log(n * nij[nz] / (ai[i_idx[nz]] * bj[j_idx[nz]]))).sum())
    ha = float(-(ai / n * np.log(ai / n)).sum())
    hb = float(-(bj / n * np.log(bj / n)).sum())
    denom = (ha + hb) / 2
    if denom <= 0:
        return 0.0
    return float(min(max(mi / denom, 0.0), 1.0))


def silos(
    departments: pd.DataFrame,
    *,
    min_group_size: int = 5,
    margin: float = DEFAULTS["communication.silo.margin"],
    max_external_share: float = DEFAULTS["communication.silo.max_external_share"],
) -> pd.DataFrame:
    """Departments that keep to themselves far more than their size explains.

    Parameters
    ----------
    departments : DataFrame
        The unsuppressed table from :func:`department_ties` (``department``, ``size``, ``ei_index``,
        ``ei_index_expected``, ``external_share``).
    min_group_size : int
        Departments smaller than this are never assessed (nor named).
    margin : float
        How far below its random-mixing E-I a department's E-I must be (default 0.5,
        ``communication.silo.margin`` of :mod:`orgkit.thresholds`).
    max_external_share : float
        The share of its ties that leave the department must be below this (default 0.2,
        ``communication.silo.max_external_share``).

    Returns
    -------
    DataFrame
        The silos, most inward first: ``department``, ``size``, ``ei_index``, ``ei_index_expected``,
        ``ei_gap`` (expected minus observed) and ``external_share``.

    Notes
    -----
    A department ``d`` is a silo when all of

    - ``n_d >= min_group_size`` and ``d`` has at least one tie,
    - ``EI_d < EI_exp,d - margin``, with ``EI_exp,d = 1 - 2 (n_d - 1)/(n - 1)``,
    - ``E_d / (E_d + I_d) < max_external_share``.

    Since ``EI = 1 - 2 * internal share``, a margin of 0.5 means 25 percentage points more of the
    department's ties stay inside than random mixing would keep; that test stops a department from
    being flagged only for being large (a department with 60% of the people is expected to keep
    about 60% of its ties inside). The share test (fewer than one tie in five leaves, i.e.
    ``EI < -0.6``) stops a small department from being flagged when it still has plenty of outside
    ties in absolute terms (a 5-person team in a 20-person company is expected at +0.58, and at 0.0
    it is 0.58 below, yet half of its ties leave it). Real organisations are always more inward than
    random mixing, so the baseline alone would flag almost every department; the two tests together
    keep the word for the departments a reader should worry about. A department without any ties is
    not called a silo (there is no evidence either way; it shows up as isolates).

    References
    ----------
    .. [1] Krackhardt, D., & Stern, R. N. (1988). https://doi.org/10.2307/2786835
    .. [2] Blau, P. M. (1977). *Inequality and Heterogeneity*. Free Press.

    Examples
    --------
    >>> t = pd.DataFrame({"department": ["A", "B"], "size": [10, 10], "ei_index": [-0.8, 0.2],
    ...                   "ei_index_expected": [0.05, 0.05], "external_share": [0.1, 0.6]})
    >>> silos(t)["department"].tolist()
    ['A']
    """
    d = departments
    gap = d["ei_index_expected"] - d["ei_index"]
    mask = (
        (d["size"] >= min_group_size)
        & d["ei_index"].notna()
        & (gap > margin)
        & (d["external_share"] < max_external_share)
    ).fillna(False).to_numpy(dtype=bool)
    out = d.loc[mask, ["department", "size", "ei_index", "ei_index_expected", "external_share"]].copy()
    out.insert(4, "ei_gap", gap[mask].to_numpy(dtype=np.float64))
    return out.sort_values(["ei_gap", "department"], ascending=[False, True]).reset_index(drop=True)[
        _SILO_COLUMNS
    ]


# --------------------------------------------------------------------------------------------------
# Ties from a message log; volume; period; communities against departments
# --------------------------------------------------------------------------------------------------
def _evidence(communication: pd.DataFrame | None, repeated: bool) -> list[str]:
    if communication is None or len(communication) == 0:
        return []
    out = []
    if "timestamp" in communication.columns and communication["timestamp"].notna().any():
        out.append("timestamps")
    if repeated:
        out.append("repeated_pairs")
    if "weight" in communication.columns:
        w = communication["weight"].to_numpy(dtype=np.float64, na_value=1.0)
        if w.size and bool(np.all(w == np.round(w))) and bool((w >= 2).any()):
            out.append("weights")
    return out


def _repeated_in_a_channel(communication: pd.DataFrame) -> bool | None:
    """Whether a directed pair has several rows in one channel; ``None`` when there are not two channels.

    Several named networks in one table (advice and friendship, imported as channels) repeat pairs across
    channels without being a message log; within one channel a repeated pair is a message.
    """
    if "channel" not in communication.columns:
        return None
    channel = communication["channel"].astype("str")
    if channel.nunique() < 2:
        return None
    s, t = communication["source_id"].astype("str"), communication["target_id"].astype("str")
    rows = pd.DataFrame({"s": s, "t": t, "c": channel})[s != t]
    return bool(rows.duplicated().any())


def message_log_evidence(communication: pd.DataFrame | None) -> list[str]:
    """What shows that the communication rows are individual messages rather than one row per tie.

    Parameters
    ----------
    communication : DataFrame or None
        ``source_id``, ``target_id`` and optional ``weight`` and ``timestamp`` per row.

    Returns
    -------
    list of str
        In this order, those that hold: ``"timestamps"`` (a ``timestamp`` column with at least one
        value), ``"repeated_pairs"`` (some sender-recipient pair, in that direction, has several rows; in
        the same channel when there are several channels)
        and ``"weights"`` (every ``weight`` is a whole number and some are 2 or more: message counts).
        Empty for a network-survey table (one row per named tie, each direction at most once,
        no dates, weights absent or all 1) and for no rows.

    Notes
    -----
    A message log and a survey of named ties need different tie rules: one e-mail is weak evidence of a
    working relationship, one nomination is the relationship. :func:`analyze_communication` applies
    ``communication.tie.min_messages`` only when this list is not empty (or when ``client.yml`` sets the
    key), so a survey such as Krackhardt's advice network is read exactly as given. Self-rows are
    ignored. A weight column of strengths (0.5, 2.5) is not read as message counts.

    References
    ----------
    .. [1] Kossinets, G., & Watts, D. J. (2006). Empirical analysis of an evolving social network.
       *Science*, 311(5757), 88-90. https://doi.org/10.1126/science.1116869

    Examples
    --------
    >>> survey = pd.DataFrame({"source_id": ["a", "b"], "target_id": ["b", "a"]})
    >>> message_log_evidence(survey)
    []
    >>> log = pd.DataFrame({"source_id": ["a", "a"], "target_id": ["b", "b"],
    ...                     "timestamp": pd.to_datetime(["2024-01-02", "2024-01-05"])})
    >>> message_log_evidence(log)
    ['timestamps', 'repeated_pairs']
    >>> two_networks = pd.DataFrame({"source_id": ["a", "a"], "target_id": ["b", "b"],
    ...                              "channel": ["advice", "friendship"]})
    >>> message_log_evidence(two_networks)
    []
    """
    if communication is None or len(communication) == 0:
        return []
    by_channel = _repeated_in_a_channel(communication)
    if by_channel is not None:
        return _evidence(communication, by_channel)
    s, t = communication["source_id"].astype("str"), communication["target_id"].astype("str")
    rows = pd.DataFrame({"s": s, "t": t})[s != t]
    return _evidence(communication, bool(rows.duplicated().any()))


def _tie_mask(weight: np.ndarray, both_ways: np.ndarray, min_messages: float, reciprocated: bool) -> np.ndarray:
    mask = weight >= min_messages - 1e-9
    if reciprocated:
        mask &= both_ways
    return mask


def select_ties(edges: pd.DataFrame, *, min_messages: int = 2, reciprocated: bool = False,
                both_ways: Sequence[bool] | np.ndarray | None = None) -> pd.DataFrame:
    """The pairs of an aggregated edge list that count as ties under a message threshold.

    Parameters
    ----------
    edges : DataFrame
        From :func:`build_edges`: ``u``, ``v``, ``weight`` (messages: the sum of the rows' weights, 1
        per row by default) and ``n_rows``.
    min_messages : int
        A tie needs at least this many messages, both directions together (``communication.tie.
        min_messages``, default 2).
    reciprocated : bool
        Also require a message in each direction (``communication.tie.reciprocated``).
    both_ways : array of bool, optional
        Per edge, whether rows run in both directions; required when ``reciprocated``.

    Returns
    -------
    DataFrame
        The rows of ``edges`` that are ties, in the same order.

    Raises
    ------
    ConfigError
        When ``reciprocated`` is asked without ``both_ways``, or ``min_messages < 1``.

    Notes
    -----
    A pair is a tie when :math:`w_{uv} \\ge k` (and, if asked, both directions occur), with
    :math:`w_{uv}` the messages between ``u`` and ``v``. ``k = 1`` without reciprocation keeps every
    pair. The default ``k = 2`` drops one-off messages (a single copy, an announcement, a misdirected
    mail) while keeping any pair that wrote twice; Kossinets and Watts (2006) ask for e-mail in both
    directions within a window and Adamic and Adar (2005) for several e-mails each way, stricter rules
    that suit long logs and can be set here.

    References
    ----------
    .. [1] Kossinets, G., & Watts, D. J. (2006). https://doi.org/10.1126/science.1116869
    .. [2] Adamic, L., & Adar, E. (2005). How to search a social network. *Social Networks*, 27(3),
       187-203. https://doi.org/10.1016/j.socnet.2005.01.007

    Examples
    --------
    >>> edges = pd.DataFrame({"u": ["a", "a"], "v": ["b", "c"], "weight": [3.0, 1.0], "n_rows": [3, 1]})
    >>> select_ties(edges)["v"].tolist()
    ['b']
    """
    if min_messages < 1:
        raise ConfigError(f"min_messages must be at least 1. Got {min_messages!r} instead.")
    if reciprocated and both_ways is None:
        raise ConfigError("reciprocated ties need both_ways: per edge, whether rows run in both directions.")
    w = edges["weight"].to_numpy(dtype=np.float64)
    ways = np.ones(len(edges), dtype=bool) if both_ways is None else np.asarray(both_ways, dtype=bool)
    return edges[_tie_mask(w, ways, min_messages, reciprocated)]


def _volume(g: _Graph) -> dict[str, Any]:
    du, dv = g.dept[g.u], g.dept[g.v]
    inside = du == dv
    w_in, w_ext = float(g.weight[inside].sum()), float(g.weight[~inside].sum())
    total = w_in + w_ext
    return {"messages": total, "internal_messages": w_in, "external_messages": w_ext,
            "cross_department_message_share": w_ext / total if total > 0 else None,
            "ei_index_weighted": ei_index(w_ext, w_in)}


def message_volume(people: pd.DataFrame, communication: pd.DataFrame | None) -> dict[str, Any]:
    """Messages inside and across departments, counted one by one (every row, no tie threshold).

    Parameters
    ----------
    people : DataFrame
        ``employee_id`` and ``department`` per person.
    communication : DataFrame or None
        ``source_id``, ``target_id`` and optional ``weight`` (messages per row, default 1).

    Returns
    -------
    dict
        ``messages`` (W, the sum of the weights), ``internal_messages`` (W_I, both people in one
        department), ``external_messages`` (W_E), ``cross_department_message_share`` (W_E / W) and
        ``ei_index_weighted`` ((W_E − W_I) / W). Shares are ``None`` without messages.

    Notes
    -----
    .. math:: s_{msg} = \\frac{W_E}{W_E + W_I}, \\qquad EI_{msg} = \\frac{W_E - W_I}{W_E + W_I} = 2 s_{msg} - 1

    The tie-based share counts each pair of people once whatever they exchanged; this one weighs each
    pair by its traffic, so the two differ when contacts across departments are many but light (or few
    but heavy). Rows naming unknown people and self-rows are left out.

    References
    ----------
    .. [1] Krackhardt, D., & Stern, R. N. (1988). https://doi.org/10.2307/2786835

    Examples
    --------
    >>> people = pd.DataFrame({"employee_id": list("abc"), "department": list("XXY")})
    >>> rows = pd.DataFrame({"source_id": ["a", "a", "b", "a"], "target_id": ["b", "b", "a", "c"]})
    >>> message_volume(people, rows)["cross_department_message_share"]
    0.25
    """
    return _volume(_graph_from_communication(people, communication))


def period_covered(communication: pd.DataFrame | None, people: int, messages: float | None = None) -> dict[str, Any]:
    """The dates a message log covers and its traffic per person and week.

    Parameters
    ----------
    communication : DataFrame or None
        With a ``timestamp`` column (``datetime64``); other rows count but have no date.
    people : int
        Headcount (everyone in people, with or without messages).
    messages : float, optional
        Messages in the log (default: the sum of ``weight``, or the number of rows).

    Returns
    -------
    dict
        ``period_start`` and ``period_end`` (ISO dates of the first and last timestamp),
        ``period_days`` (days between them, fractional), ``period_months`` (days / 30.44) and
        ``messages_per_person_week`` (messages / people / (days / 7)). Every value is ``None`` without
        dates; the rate is ``None`` when the period is shorter than a day or there is nobody.

    Notes
    -----
    .. math:: r = \\frac{W}{n \\cdot d / 7}

    with ``W`` messages, ``n`` people and ``d`` days from the first to the last timestamp. The rate
    averages over everyone, those who sent nothing included; it says how much of people's work the log
    can show (a few messages a week is a thin record of how a company works).

    Examples
    --------
    >>> rows = pd.DataFrame({"timestamp": pd.to_datetime(["2010-01-01", "2010-01-15"])})
    >>> period_covered(rows, people=2)["messages_per_person_week"]
    0.5
    """
    out: dict[str, Any] = {"period_start": None, "period_end": None, "period_days": None, "period_months": None,
                           "messages_per_person_week": None}
    if communication is None or "timestamp" not in communication.columns or len(communication) == 0:
        return out
    ts = pd.to_datetime(communication["timestamp"], errors="coerce")
    first, last = ts.min(), ts.max()
    if pd.isna(first):
        return out
    if messages is None:
        messages = (float(communication["weight"].fillna(1.0).sum()) if "weight" in communication.columns
                    else float(len(communication)))
    days = (last - first).total_seconds() / 86400.0
    out.update(period_start=first.date().isoformat(), period_end=last.date().isoformat(), period_days=days,
               period_months=days / (365.25 / 12))
    if days >= 1 and people > 0:
        out["messages_per_person_week"] = float(messages) / people / (days / 7.0)
    return out


def _community_table(g: _Graph, labels: np.ndarray) -> pd.DataFrame:
    """Per department (every one, nothing suppressed): people with ties, main-community share, communities."""
    has = labels >= 0
    size = np.bincount(g.dept, minlength=g.k)
    connected = np.bincount(g.dept[has], minlength=g.k)
    n_comm = int(labels[has].max()) + 1 if has.any() else 0
    if n_comm:
        pair = np.bincount(g.dept[has] * n_comm + labels[has], minlength=g.k * n_comm).reshape(g.k, n_comm)
        main = pair.max(axis=1)
        spanned = (pair > 0).sum(axis=1)
    else:
        main = np.zeros(g.k, dtype=np.int64)
        spanned = np.zeros(g.k, dtype=np.int64)
    table = pd.DataFrame({
        "department": pd.Series(g.dept_names, dtype="str"),
        "size": size.astype(np.int64),
        "people_with_ties": connected.astype(np.int64),
        "main_community_share": _safe_div(main, connected),
        "communities": spanned.astype(np.int64),
    }, columns=_COMMUNITY_COLUMNS)
    order = np.lexsort((np.arange(g.k), -size))
    return table.iloc[order].reset_index(drop=True)


def department_communities(people: pd.DataFrame, communities: pd.Series | Sequence[Any]) -> pd.DataFrame:
    """How each department splits across detected communities.

    Parameters
    ----------
    people : DataFrame
        ``employee_id`` and ``department`` per person.
    communities : Series or array-like
        One community label per person (aligned with ``people``'s rows; missing for people without
        ties), e.g. :func:`detect_communities`.

    Returns
    -------
    DataFrame
        One row per department, largest first: ``department``, ``size``, ``people_with_ties``
        (members with a community), ``main_community_share`` (the largest share of those members that
        one community holds; NaN when none has ties) and ``communities`` (how many communities its
        members are spread over). Not for display: suppress small departments first.

    Notes
    -----
    With :math:`c_{dk}` the members of department ``d`` in community ``k`` and :math:`c_d = \\sum_k c_{dk}`:

    .. math:: main_d = \\max_k c_{dk} / c_d, \\qquad span_d = |\\{k : c_{dk} > 0\\}|

    A department whose people form one community has ``main = 1`` and ``span = 1``; one spread evenly
    over four has 0.25 and 4. Together with the normalised mutual information of the two partitions
    (:func:`normalized_mutual_information`) it shows where the informal groups follow the org chart.
    One :func:`numpy.bincount` over department x community codes.

    References
    ----------
    .. [1] Krackhardt, D., & Hanson, J. R. (1993). Informal networks: the company behind the chart.
       *Harvard Business Review*, 71(4), 104-111.

    Examples
    --------
    >>> people = pd.DataFrame({"employee_id": list("abcde"), "department": list("XXXYY")})
    >>> department_communities(people, [0, 0, 1, 1, None])[["department", "main_community_share", "communities"]]
      department  main_community_share  communities
    0          X              0.666667            2
    1          Y              1.000000            1
    """
    index = _people_index(people)
    dept, names = _departments(people)
    labels = pd.Series(np.asarray(communities, dtype=object))
    codes, _ = pd.factorize(labels, sort=True)
    empty = np.zeros(0, dtype=np.int64)
    g = _Graph(len(index), people["employee_id"], dept, names, empty, empty, np.zeros(0), empty)
    return _community_table(g, codes.astype(np.int64))


# --------------------------------------------------------------------------------------------------
# The analysis
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class TieGraph:
    """The department-free part of a communication analysis: who is tied to whom, and what follows from that
    alone (betweenness, Louvain communities), kept so an analysis of the same ties under other department
    boundaries (a reorganisation) need not compute it again.

    Attributes
    ----------
    ids : ndarray of object
        ``employee_id`` per person code (the ``people`` row order).
    u, v : ndarray of int64
        The ties as code pairs.
    seed : int
        Seed of the betweenness sample and of Louvain.
    sources : int or None
        The betweenness sample size asked for (``None``: exact, ``0``: skipped).
    betweenness : ndarray of float64
        Betweenness per person code.
    sampled : bool
    n_sources : int
    communities : ndarray of int64 or None
        Louvain community per person code (``-1`` without ties); ``None`` when communities were not detected.
    rows, pairs, directions
        The communication rows the graph was built from (the client's table itself, not a copy), every pair
        in contact with its messages, and the directions of its rows: what building the graph again would
        give for the same rows and people.
    """

    ids: np.ndarray
    u: np.ndarray
    v: np.ndarray
    seed: int
    sources: int | None
    betweenness: np.ndarray
    sampled: bool
    n_sources: int
    communities: np.ndarray | None
    rows: pd.DataFrame | None = None
    pairs: _Graph | None = None
    directions: np.ndarray | None = None

    def same_rows(self, people: pd.DataFrame, rows: pd.DataFrame) -> bool:
        """Whether ``rows`` are the communication rows this graph was built from, over the same people in the
        same order: then every pair, its messages and directions are the same, whatever the departments."""
        if self.rows is None or self.pairs is None or len(people) != self.ids.size or len(rows) != len(self.rows):
            return False
        if not np.array_equal(people["employee_id"].to_numpy(dtype=object), self.ids):
            return False
        return rows is self.rows or rows.equals(self.rows)

    def same_graph(self, ids: np.ndarray, u: np.ndarray, v: np.ndarray, seed: int, sources: int | None) -> bool:
        """Whether the ties, people (in order), seed and sample are these: then betweenness and communities are."""
        return (self.seed == seed and self.sources == sources and self.u.shape == u.shape
                and self.ids.shape == ids.shape and np.array_equal(self.u, u) and np.array_equal(self.v, v)
                and np.array_equal(self.ids, ids))


@dataclass
class CommunicationResult:
    """The communication analysis of one client.

    Attributes
    ----------
    metrics : dict
        JSON-safe headline numbers (see :func:`analyze_communication`); ``{"available": False,
        "reason": ...}`` without communication data.
    score : float or None
        0-100, higher is better; ``None`` without communication data or without any tie.
    score_components : dict
        ``{name: {"value", "weight", "description"}}`` behind the score (JSON-safe).
    departments : DataFrame
        Per-department table for display, small departments suppressed.
    matrix : DataFrame
        Department-to-department tie density for display (small departments merged or dropped).
    matrix_ties, matrix_weighted : DataFrame
        The same layout with tie counts and with tie weights.
    brokers : DataFrame
        Top brokers (ids, never names; small departments shown as :data:`OTHER_GROUP`).
    silos : DataFrame
        The silo departments (see :func:`silos`).
    edges : DataFrame
        The ties (:func:`build_edges` under the tie rule, see :func:`select_ties`), for plots.
    mixing : DepartmentMixing
        Ties between departments against random mixing, for display (:func:`department_mixing`: small
        departments pooled or dropped, at most ``communication.figure.max_departments`` rows, silos kept).
    components : NetworkComponents
        The largest connected group and the people outside it (:func:`network_components`).
    communities : DataFrame
        How departments split across the detected communities (:func:`department_communities`), for
        display: only departments of at least ``min_group_size`` people, not hidden by complementary
        suppression, with at least ``min_group_size`` people with ties; empty when communities were not
        detected.
    timings : dict
        Seconds spent per step (for logs and benchmarks).
    graph : TieGraph or None
        The tie graph's people and ties with the betweenness and communities computed on it, which another
        analysis of the same graph under other department boundaries reuses (``previous`` of
        :func:`analyze_communication`).
    """

    metrics: dict[str, Any]
    score: float | None = None
    score_components: dict[str, Any] = field(default_factory=dict)
    departments: pd.DataFrame = field(default_factory=pd.DataFrame)
    matrix: pd.DataFrame = field(default_factory=pd.DataFrame)
    matrix_ties: pd.DataFrame = field(default_factory=pd.DataFrame)
    matrix_weighted: pd.DataFrame = field(default_factory=pd.DataFrame)
    brokers: pd.DataFrame = field(default_factory=pd.DataFrame)
    silos: pd.DataFrame = field(default_factory=pd.DataFrame)
    edges: pd.DataFrame = field(default_factory=pd.DataFrame)
    communities: pd.DataFrame = field(default_factory=pd.DataFrame)
    timings: dict[str, float] = field(default_factory=dict)
    mixing: DepartmentMixing = field(default_factory=lambda: _empty_mixing())
    components: NetworkComponents = field(default_factory=lambda: NetworkComponents(pd.Index([]), 0, 0, 0))
    graph: "TieGraph | None" = field(default=None, repr=False)

    @property
    def available(self) -> bool:
        """Whether the client had communication data."""
        return bool(self.metrics.get("available", True))


def _empty_frames() -> dict[str, pd.DataFrame]:
    dept = pd.DataFrame({c: pd.Series(dtype="str" if c == "department" else "float64")
                         for c in _DEPARTMENT_COLUMNS})
    return {
        "departments": dept.assign(silo=pd.Series(dtype="boolean"), suppressed=pd.Series(dtype="bool")),
        "brokers": pd.DataFrame({c: pd.Series(dtype="str" if c in ("employee_id", "department") else "float64")
                                 for c in _BROKER_COLUMNS}),
        "silos": pd.DataFrame({c: pd.Series(dtype="str" if c == "department" else "float64")
                               for c in _SILO_COLUMNS}),
        "edges": pd.DataFrame({"u": pd.Series(dtype="str"), "v": pd.Series(dtype="str"),
                               "weight": pd.Series(dtype="float64"), "n_rows": pd.Series(dtype="int64")}),
    }


def _score(metrics: dict[str, Any], n_people: int, silo_people: int,
           weights: dict[str, float] = SCORE_WEIGHTS) -> tuple[float | None, dict[str, Any]]:
    ei, expected = metrics["ei_index"], metrics["ei_index_expected"]
    openness = None
    if ei is not None and expected is not None and expected > -1:
        openness = min(max((1 + ei) / (1 + expected), 0.0), 1.0)
    values = {
        "openness": openness,
        "no_silos": None if metrics["edges"] == 0 else 1.0 - silo_people / max(n_people, 1),
        "no_isolates": None if metrics["edges"] == 0 else 1.0 - metrics["isolate_share"],
        "connectedness": metrics["largest_component_share"] if metrics["edges"] else None,
    }
    descriptions = {
        "openness": "share of cross-department ties achieved relative to random mixing: "
                    "(1 + E-I) / (1 + expected E-I), capped at 1",
        "no_silos": "1 - share of people who work in a silo department",
        "no_isolates": "1 - share of people without any communication tie",
        "connectedness": "share of connected people who are in the largest connected group",
    }
    components = {
        name: {"value": values[name], "weight": weights[name], "description": descriptions[name]}
        for name in weights
    }
    used = {k: v for k, v in values.items() if v is not None}
    total_weight = sum(weights[k] for k in used)
    if metrics["edges"] == 0 or not used or total_weight <= 0:
        return None, components
    score = 100.0 * sum(weights[k] * v for k, v in used.items()) / total_weight
    return round(score, 1), components


def _component_labels(g: _Graph) -> np.ndarray:
    """Connected component per person (isolated people are components of one)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    adj = coo_matrix((np.ones(g.m), (g.u, g.v)), shape=(g.n, g.n)).tocsr()
    return connected_components(adj, directed=False)[1]


def _largest_component_share(g: _Graph, labels: np.ndarray | None = None) -> float | None:
    if g.m == 0:
        return None
    labels = _component_labels(g) if labels is None else labels
    connected = _degrees(g) > 0
    sizes = np.bincount(labels[connected])
    return float(sizes.max() / connected.sum())


@dataclass(frozen=True)
class NetworkComponents:
    """Who a people-level network drawing can show: the largest connected group, and who is left out.

    Attributes
    ----------
    largest : Index
        The ``employee_id`` of the people in the largest connected component, in people order (empty
        without ties; the first in people order of equally large ones).
    isolates : int
        People without any tie.
    small_components : int
        Other connected components (two people or more).
    people_in_small : int
        People in those components.
    """

    largest: pd.Index
    isolates: int
    small_components: int
    people_in_small: int

    @property
    def left_out(self) -> int:
        """People not in the largest component."""
        return self.isolates + self.people_in_small


def _components(g: _Graph, labels: np.ndarray | None = None) -> NetworkComponents:
    deg = _degrees(g)
    isolates = int((deg == 0).sum())
    if g.m == 0:
        return NetworkComponents(pd.Index(g.ids.iloc[0:0]), isolates, 0, 0)
    labels = _component_labels(g) if labels is None else labels
    sizes = np.bincount(labels)
    first = np.full(sizes.size, g.n, dtype=np.int64)
    np.minimum.at(first, labels, np.arange(g.n))
    big = int(np.lexsort((first, -sizes))[0])  # the largest; ties: the one whose first member comes first
    groups = (sizes >= 2) & (np.arange(sizes.size) != big)
    return NetworkComponents(pd.Index(g.ids[labels == big].to_numpy(), name="employee_id"), isolates,
                             int(groups.sum()), int(sizes[groups].sum()))


def network_components(people: pd.DataFrame, edges: pd.DataFrame) -> NetworkComponents:
    """The largest connected group of the tie network, and how many people are outside it.

    Parameters
    ----------
    people : DataFrame
        ``employee_id`` and ``department`` per person (everyone: isolated people count).
    edges : DataFrame
        The undirected edge list from :func:`build_edges` (the ties).

    Returns
    -------
    NetworkComponents

    Notes
    -----
    Connected components of the undirected tie graph (:func:`scipy.sparse.csgraph.connected_components`,
    ``O(n + m)``). A network drawing shows the largest component only: people without ties and small
    components have no position relative to the rest, and a spring layout throws them to the edge of the
    picture, squeezing the part that can be read; they are counted instead. Without ties, ``largest`` is
    empty and everybody is an isolate.

    References
    ----------
    .. [1] Wasserman, S., & Faust, K. (1994). *Social Network Analysis*, sec. 4.3 (connectivity).
       https://doi.org/10.1017/CBO9780511815478

    Examples
    --------
    >>> people = pd.DataFrame({"employee_id": list("abcdef"), "department": list("XXXYYY")})
    >>> edges = pd.DataFrame({"u": ["a", "b", "d"], "v": ["b", "c", "e"]})
    >>> c = network_components(people, edges)
    >>> list(c.largest), c.isolates, c.small_components, c.people_in_small
    (['a', 'b', 'c'], 1, 1, 2)
    """
    return _components(_graph_from_edges(people, edges))


def analyze_communication(
    client: Client,
    *,
    silo_margin: float | None = None,
    silo_max_external_share: float | None = None,
    thresholds: Thresholds | None = None,
    top_brokers: int = 10,
    betweenness_sample: int | None = None,
    seed: int = 0,
    max_community_edges: int = MAX_COMMUNITY_EDGES,
    previous: CommunicationResult | None = None,
) -> CommunicationResult:
    """Assess the client's communication graph: density, department mixing, silos, brokers.

    Parameters
    ----------
    client : Client
        A validated client; ``client.communication`` may be ``None``.
    silo_margin, silo_max_external_share : float, optional
        The silo rule (see :func:`silos`); default ``communication.silo.margin`` and
        ``communication.silo.max_external_share`` of ``thresholds``.
    thresholds : Thresholds, optional
        The thresholds and weights (default ``client.settings.thresholds``): the silo rule and the score
        weights (``communication.weight.*``).
    top_brokers : int
        How many brokers to list.
    betweenness_sample : int, optional
        Number of sampled betweenness sources; default :func:`betweenness_sample_size`. ``0`` skips
        betweenness (no brokers listed, ``betweenness_sources`` 0).
    seed : int
        Seed for the betweenness sample and Louvain.
    max_community_edges : int
        Louvain communities (and ``community_department_nmi``) are skipped above this many edges,
        because networkx's pure-Python Louvain takes about 35 s at 10^6 edges; ``metrics
        ["communities_method"]`` then says ``"skipped"``.
    previous : CommunicationResult, optional
        An analysis of the same people and ties under other department boundaries (a reorganisation's
        before state): when its :class:`TieGraph` was built from the same rows over the same people in the
        same order, its pairs are taken instead of reading the rows again; when its ties, seed and sample are
        these, its betweenness and communities are taken as they are. None of them depends on departments;
        every number that does (E-I, silos, brokers' departments reached, how communities follow
        departments) is computed again. The same numbers either way.

    Returns
    -------
    CommunicationResult
        ``metrics`` holds (JSON-safe): the tie rule used (``tie_basis``, ``tie_evidence``,
        ``tie_rule_source``, ``tie_min_messages``, ``tie_threshold_waived``, ``pairs_left_out_if_applied``,
        ``tie_reciprocated``, ``pairs``, ``pairs_below_threshold``, ``messages_below_threshold``), the
        message figures (``messages``, ``cross_department_share`` on ties beside
        ``cross_department_message_share`` on messages, ``bases_disagree``), the period (``period_start``,
        ``period_end``, ``period_days``, ``period_months``, ``messages_per_person_week``), formal against
        informal (``reporting_lines_without_tie``, ``reporting_lines_without_messages``,
        ``communities_large``, ``community_departments``, ``community_departments_hidden``) and
        ``available``, ``people``, ``edges``, ``rows``, ``density``,
        ``isolates``, ``isolate_share``, ``largest_component_share``, ``ei_index``,
        ``ei_index_expected``, ``ei_index_weighted``, ``modularity``, ``reciprocity``,
        ``reporting_lines``, ``ties_along_reporting_lines``, ``reporting_lines_with_tie``,
        ``communities``, ``communities_method``, ``community_department_nmi``, ``silos`` (department
        names), ``departments`` (name -> ``size``, ``density``, ``ei_index``, ``ei_index_expected``,
        ``external_share``, ``ei_index_weighted``, ``internal_ties``, ``external_ties``, ``silo``; for a
        department under ``min_group_size`` only ``{"size": None, "suppressed": True}``),
        ``brokers`` (list of ``employee_id``, ``department``, ``betweenness``,
        ``departments_reached``), ``betweenness_sampled`` and ``betweenness_sources`` (BFS sources
        used), ``min_group_size``.

    Notes
    -----
    **Ties.** When the rows are a message log (:func:`message_log_evidence`: dates, repeated
    sender-recipient pairs or message counts), a tie is ``communication.tie.min_messages`` (default 2)
    messages or more between two people, both directions together, and with
    ``communication.tie.reciprocated`` at least one each way (:func:`select_ties`). A table of named ties
    (one row per nomination, a network survey such as Krackhardt's) is read as given unless the client
    sets the count. When the default count would leave out more than
    ``communication.tie.max_left_out_share`` of the pairs in contact, the log is too thin for one message to
    be noise and every pair counts (``tie_threshold_waived``). Everything but the message figures uses the
    ties; the message figures, the weighted matrix and ``ei_index_weighted`` count every message, and
    ``reciprocity`` reads the rows. ``bases_disagree`` when the tie and message shares crossing departments
    differ by ``communication.basis.gap_min`` or more.

    Definitions are those of :func:`density`, :func:`ei_index`, :func:`expected_ei_index`,
    :func:`department_ties`, :func:`modularity` (department partition), :func:`reciprocity`,
    :func:`brokers`, :func:`formal_informal_overlap` and :func:`silos`. ``community_department_nmi``
    compares Louvain communities (seed ``seed``) with departments over people who have ties.

    **Score** (0-100, higher is better) = 100 x weighted mean of the available components, weights
    ``communication.weight.*`` of ``thresholds`` (default :data:`SCORE_WEIGHTS`):

    - ``openness`` (0.4 by default): ``(1 + EI) / (1 + EI_exp)`` capped at 1, the share of cross-department ties
      (``(1 + EI) / 2``) relative to the share random mixing would give. Some inwardness is normal;
      this measures how much of the possible mixing is achieved.
    - ``no_silos`` (0.3): 1 - share of people in silo departments.
    - ``no_isolates`` (0.2): 1 - share of people without any tie (often a data-coverage gap, which
      also deserves a lower score).
    - ``connectedness`` (0.1): share of connected people in the largest connected group.

    The score is ``None`` when there is no tie at all (nothing to assess). Modularity is reported but
    not scored: with departments as the partition it restates the E-I index.

    **Privacy**: departments smaller than ``client.settings.min_group_size`` get no numbers in
    ``departments`` (suppressed), no row or column in the matrices (merged into
    :data:`OTHER_GROUP` when that bucket is large enough, else dropped), are never named as silos,
    and brokers from them are labelled :data:`OTHER_GROUP`. People appear by ``employee_id`` only.

    **Speed**: 100,000 people and 10^6 rows take about 5.5 s of CPU time (4 s of it betweenness; the
    rest mostly mapping the rows' ids to people); betweenness is sampled above 2,000 people and Louvain
    skipped above ``max_community_edges``. With a second CPU (Linux, ``ORGKIT_PARALLEL`` not ``0``), a
    forked child computes half of the betweenness sources, or, when Louvain runs (from 20,000 ties),
    the communities while this process computes the betweenness; the numbers are the same either way.
    With ``previous`` on the same rows (a reorganisation), the pairs, betweenness and communities are
    taken from it: about 0.1 s at 10,000 people.

    References
    ----------
    .. [1] Krackhardt, D., & Stern, R. N. (1988). https://doi.org/10.2307/2786835
    .. [2] Newman, M. E. J. (2006). https://doi.org/10.1073/pnas.0601602103
    .. [3] Brandes, U. (2001). https://doi.org/10.1080/0022250X.2001.9990249
    .. [4] Kossinets, G., & Watts, D. J. (2006). https://doi.org/10.1126/science.1116869

    Examples
    --------
    >>> from pathlib import Path
    >>> from orgkit.data.client import Client, Settings
    >>> people = pd.DataFrame({"employee_id": list("abcd"), "department": list("XXYY")})
    >>> rows = pd.DataFrame({"source_id": ["a", "c", "a"], "target_id": ["b", "d", "c"],
    ...                      "weight": [1.0, 1.0, 1.0]})
    >>> client = Client(path=Path("."), settings=Settings(name="t", min_group_size=2),
    ...                 people=people, communication=rows)
    >>> r = analyze_communication(client)
    >>> r.metrics["density"], r.metrics["ei_index"]
    (0.5, -0.3333333333333333)
    """
    min_size = int(client.settings.min_group_size)
    th = client.settings.thresholds if thresholds is None else thresholds
    if silo_margin is None:
        silo_margin = float(th["communication.silo.margin"])
    if silo_max_external_share is None:
        silo_max_external_share = float(th["communication.silo.max_external_share"])
    if client.communication is None:
        frames = _empty_frames()
        empty = pd.DataFrame()
        return CommunicationResult(
            metrics={"available": False, "reason": "The client has no communication data.",
                     "people": int(len(client.people))},
            score=None,
            matrix=empty, matrix_ties=empty, matrix_weighted=empty,
            **frames,
        )

    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[step] = round(now - clock, 4)
        clock = now

    people = client.people
    comm = client.communication
    known = previous.graph if previous is not None else None
    if known is not None and known.same_rows(people, comm):  # the same pairs: only departments are new
        dept, names = _departments(people)
        everything = replace(known.pairs, ids=people["employee_id"], dept=dept, dept_names=names)
        directions = known.directions
    else:
        everything, directions = _build(people, comm, "source_id", "target_id", "communication")
    by_channel = _repeated_in_a_channel(comm)
    repeated = by_channel if by_channel is not None else bool((everything.n_rows > directions.sum(axis=1)).any())
    evidence = _evidence(comm, repeated)
    tie_keys = ("communication.tie.min_messages", "communication.tie.reciprocated")
    by_client = any(k in th.overridden for k in tie_keys)
    basis = "messages" if evidence else "rows"
    min_messages = int(th["communication.tie.min_messages"])
    if not evidence and "communication.tie.min_messages" not in th.overridden:
        min_messages = 1  # one row per named tie (a network survey): read as given
    reciprocated = bool(th["communication.tie.reciprocated"])
    is_tie = _tie_mask(everything.weight, directions.all(axis=1), min_messages, reciprocated)
    waived, would_leave = False, None
    if (min_messages > 1 and "communication.tie.min_messages" not in th.overridden and everything.m
            and (~is_tie).sum() > th["communication.tie.max_left_out_share"] * everything.m):
        # a thin log (most pairs wrote once): one-offs are most of the evidence, not noise
        waived, min_messages, would_leave = True, 1, int((~is_tie).sum())
        is_tie = _tie_mask(everything.weight, directions.all(axis=1), min_messages, reciprocated)
    g = everything if is_tie.all() else everything.keep(is_tie)
    edges = _edges_frame(g)
    lap("edges")

    table = _department_table(g, volume=everything)
    du, dv = g.dept[g.u], g.dept[g.v]
    inside = du == dv
    internal, external = int(inside.sum()), int((~inside).sum())
    volume = _volume(everything)
    deg = _degrees(g)
    isolates = int((deg == 0).sum())
    lap("departments")

    # Ordered pairs present in the rows (every pair, ties or not): one or two per pair; reciprocated:
    # both directions present. A property of the data, not of the tie rule.
    n_ordered = int(directions.sum())
    recip = 2 * int(directions.all(axis=1).sum()) / n_ordered if n_ordered else None
    lap("reciprocity")

    overlap = _reporting_overlap(g, people)
    if overlap["reporting_lines"] is not None:
        overlap["reporting_lines_without_tie"] = overlap["reporting_lines"] - overlap["ties_on_reporting_lines"]
        silent = None
        if basis == "messages":
            silent = overlap["reporting_lines"] - _reporting_overlap(everything, people)["ties_on_reporting_lines"]
        overlap["reporting_lines_without_messages"] = silent
    else:
        overlap["reporting_lines_without_tie"] = None
        overlap["reporting_lines_without_messages"] = None
    lap("reporting_lines")
    k = betweenness_sample_size(g.n, g.m) if betweenness_sample is None else betweenness_sample
    method = "none" if g.m == 0 else "skipped" if g.m > max_community_edges else "louvain"
    if method == "skipped":
        logger.info("communities skipped: %d edges > max_community_edges=%d", g.m, max_community_edges)
    ids = g.ids.to_numpy(dtype=object)
    if known is not None and not known.same_graph(ids, g.u, g.v, seed, k):
        known = None
    louvain = None  # Louvain (pure Python) in a forked child while this process computes betweenness
    big = g.m >= _FORK_COMMUNITIES_MIN_EDGES and g.n > BATCHED_BFS_MAX_NODES
    if method == "louvain" and k != 0 and big and known is None:
        if fork_available():
            louvain = ForkedCall(_communities, g, seed)
    try:
        if known is not None:  # the same ties: betweenness does not depend on departments
            sampled, n_sources, bc = known.sampled, known.n_sources, known.betweenness
        elif k == 0:
            sampled, n_sources = False, 0
            bc = np.zeros(g.n)
        else:
            sources = sample_sources(g.n, k, seed)
            sampled = sources is not None
            n_sources = int(sources.size) if sampled else g.n
            bc = betweenness(g.n, g.u, g.v, sources, split=louvain is None and split_allowed())
        broker_table = _brokers_table(g, bc, top_brokers, min_size, OTHER_GROUP)
    except BaseException:
        if louvain is not None:
            louvain.cancel()
        raise
    lap("betweenness")

    nmi: float | None = None
    n_communities: int | None = None
    n_large: int | None = None
    by_community = _community_table(g, np.full(g.n, -1, dtype=np.int64)).iloc[0:0]
    labels = None
    if method == "louvain":
        labels = known.communities if known is not None else None
        if labels is None and louvain is not None:
            labels = louvain.result()
        if labels is None:
            labels = _communities(g, seed)
        has = labels >= 0
        n_communities = int(unique_ints(labels[has]).size)
        n_large = int((np.bincount(labels[has]) >= min_size).sum()) if has.any() else 0
        nmi = normalized_mutual_information(labels[has], g.dept[has])
        by_community = _community_table(g, labels)
    lap("communities")

    silo_table = silos(table, min_group_size=min_size, margin=silo_margin,
                       max_external_share=silo_max_external_share)
    silo_names = set(silo_table["department"].tolist())
    table = table.assign(silo=table["department"].isin(silo_names).astype("boolean"))

    display = suppress_small_groups(table, "size", min_size)
    display.loc[display["suppressed"], "silo"] = pd.NA
    hidden = set(display.loc[display["suppressed"], "department"])  # small, and complementary
    silo_names -= hidden
    matrix = _matrix(g, "density", min_size, OTHER_GROUP)
    mixing = _mixing(g, min_group_size=min_size, max_departments=int(th["communication.figure.max_departments"]),
                     keep=silo_table.loc[~silo_table["department"].isin(hidden), "department"].tolist())
    matrix_ties = _matrix(g, "ties", min_size, OTHER_GROUP)
    matrix_weighted = _matrix(everything, "weight", min_size, OTHER_GROUP)
    # communities per department: visible departments whose people with ties are enough to show a share
    shown = ~by_community["department"].isin(hidden) & (by_community["size"] >= min_size) & (
        by_community["people_with_ties"] >= min_size)
    community_hidden = int((~shown).sum()) if method == "louvain" else None
    by_community = by_community[shown].reset_index(drop=True)
    lap("tables")

    departments: dict[str, Any] = {}
    for row in table.itertuples(index=False):
        if row.department in hidden:
            departments[row.department] = {"size": None, "suppressed": True}
        else:
            departments[row.department] = {
                "size": row.size, "density": row.density, "ei_index": row.ei_index,
                "ei_index_expected": row.ei_index_expected, "external_share": row.external_share,
                "ei_index_weighted": row.ei_index_weighted, "internal_ties": row.internal_ties,
                "external_ties": row.external_ties, "silo": bool(row.silo), "suppressed": False,
                "external_message_share": row.external_message_share if basis == "messages" else None,
            }
    component_labels = _component_labels(g) if g.m else None
    reachable = _components(g, component_labels)
    messages = volume["messages"]
    tie_share = external / (external + internal) if g.m else None
    message_share = volume["cross_department_message_share"] if basis == "messages" else None
    disagree = None
    if tie_share is not None and message_share is not None:
        disagree = bool(abs(tie_share - message_share) >= th["communication.basis.gap_min"] - 1e-12)
    period = period_covered(comm, g.n, messages)
    metrics: dict[str, Any] = {
        "available": True,
        "people": g.n,
        "rows": int(len(comm)),
        "messages": messages,
        "tie_basis": basis,
        "tie_evidence": evidence,
        "tie_rule_source": "client.yml" if by_client else "default",
        "tie_min_messages": min_messages,
        "tie_threshold_waived": waived,
        "pairs_left_out_if_applied": would_leave,
        "tie_reciprocated": reciprocated,
        "pairs": everything.m,
        "pairs_below_threshold": everything.m - g.m,
        "messages_below_threshold": float(everything.weight[~is_tie].sum()),
        "edges": g.m,
        "density": density(g.n, g.m),
        "isolates": isolates,
        "isolate_share": isolates / g.n if g.n else None,
        "largest_component_share": _largest_component_share(g, component_labels),
        "ei_index": ei_index(external, internal),
        "ei_index_expected": expected_ei_index(np.bincount(g.dept, minlength=g.k)),
        "ei_index_weighted": volume["ei_index_weighted"],
        "cross_department_share": tie_share,
        "cross_department_message_share": message_share,
        "bases_disagree": disagree,
        **period,
        "modularity": modularity(table["internal_ties"].to_numpy(), table["degree_sum"].to_numpy(), g.m),
        "reciprocity": recip,
        **overlap,
        "communities": n_communities,
        "communities_method": method,
        "community_department_nmi": nmi,
        "communities_large": n_large,
        "community_departments": {
            row.department: {"people_with_ties": row.people_with_ties,
                             "main_community_share": row.main_community_share, "communities": row.communities}
            for row in by_community.itertuples(index=False)},
        "community_departments_hidden": community_hidden,
        "silos": sorted(silo_names),
        "departments": departments,
        "brokers": broker_table[["employee_id", "department", "betweenness", "departments_reached"]]
        .astype({"employee_id": object, "department": object}).to_dict("records"),
        "betweenness_sampled": sampled,
        "betweenness_sources": n_sources,
        "min_group_size": min_size,
    }
    silo_people = int(table.loc[table["silo"].fillna(False).astype(bool), "size"].sum())
    metrics = to_jsonable(metrics)
    score, components = _score(metrics, g.n, silo_people, th.weights("communication.weight"))
    lap("score")
    logger.debug("analyze_communication timings: %s", timings)
    return CommunicationResult(
        metrics=metrics,
        score=score,
        score_components=to_jsonable(components),
        departments=display,
        matrix=matrix,
        matrix_ties=matrix_ties,
        matrix_weighted=matrix_weighted,
        brokers=broker_table,
        silos=silo_table[~silo_table["department"].isin(hidden)].reset_index(drop=True),
        edges=edges,
        communities=by_community,
        timings=timings,
        mixing=mixing,
        components=reachable,
        graph=TieGraph(ids=ids, u=g.u, v=g.v, seed=seed, sources=k, betweenness=bc, sampled=sampled,
                       n_sources=n_sources, communities=labels, rows=comm, pairs=everything,
                       directions=directions),
    )
