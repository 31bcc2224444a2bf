"""The report's speed-ups give the same results as the straightforward code they replace.

Batched betweenness, the direction-optimising one-source betweenness and its sources shared with a forked
child (equal, not just close, to the plain pass), Louvain in a forked child, the survey's grouping on category codes and its
``scipy.special`` statistics, the per-group complementary suppression of the survey, the vectorised
spring layout, the single-draw PNG, the Latin-only font path, the report kernel's settings and the forked
child processes of ``assess(parallel=True)`` and ``ReportBook(parallel=True)``.
"""

from __future__ import annotations

import io
import json
import random

import matplotlib
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from PIL import Image

from orgkit.areas import betweenness as engine
from orgkit.areas import communication

from orgkit.report import run as report
from orgkit.areas.betweenness import ForkedCall, fork_available
from orgkit.assessment import assess
from orgkit.data.loading import load_client
from orgkit.plots.style import figure_png, needs_cjk, plot_style
from orgkit.plots.communication import network_layout
from orgkit.privacy import complementary_suppression
from orgkit.report import book as report_book
from orgkit.report.book import ReportBook
from orgkit.report.run import OrgkitKernelManager, execute_notebook
from orgkit.data.sample import generate_client
from orgkit.areas.survey import _complementary

matplotlib.use("Agg")

needs_fork = pytest.mark.skipif(not fork_available(), reason="needs Linux fork and two CPUs")


@pytest.fixture(scope="module")
def client_dir(tmp_path_factory):
    return generate_client(tmp_path_factory.mktemp("perf") / "perf-150", employees=150, seed=7)


# ------------------------------------------------------------------------------------------ betweenness
def _edges(pairs):
    u, v = np.array(pairs, dtype=np.int64).T
    return np.minimum(u, v), np.maximum(u, v)


def test_star_batched():
    # the centre lies on the shortest path of every ordered pair of the 4 leaves: 12 / (4 * 3) = 1
    u, v = _edges([(0, 1), (0, 2), (0, 3), (0, 4)])
    assert engine.betweenness(5, u, v, None).tolist() == [1.0, 0.0, 0.0, 0.0, 0.0]


def test_two_cliques_one_bridge_batched_equals_frontier():
    # K4 {0..3} and K4 {4..7} joined by 3-4: 3 and 4 each lie on 3 * 4 = 12 unordered pairs -> 24 / 42
    pairs = [(a, b) for a in range(4) for b in range(a + 1, 4)] + [(a, b) for a in range(4, 8) for b in range(a + 1, 8)]
    u, v = _edges(pairs + [(3, 4)])
    batched = engine.betweenness_batched(8, u, v, None) / (7 * 6)
    frontier = engine.betweenness_frontier(8, u, v, None) / (7 * 6)
    assert batched == pytest.approx([0, 0, 0, 24 / 42, 24 / 42, 0, 0, 0])
    assert batched == pytest.approx(frontier, abs=1e-15)


def test_empty_and_isolates():
    u = v = np.array([], dtype=np.int64)
    assert engine.betweenness(4, u, v, None).tolist() == [0.0] * 4
    u, v = _edges([(0, 1), (1, 2)])  # node 3 isolated: still the path's middle is 2 / (3 * 2)
    assert engine.betweenness(4, u, v, None) == pytest.approx([0, 2 / 6, 0, 0])


@pytest.mark.parametrize("n_nodes", [40, 300])
def test_random_graph_both_methods_match_networkx(monkeypatch, n_nodes):
    rng = random.Random(n_nodes)
    g = nx.gnm_random_graph(n_nodes, 3 * n_nodes, seed=n_nodes)
    g.add_nodes_from(range(n_nodes, n_nodes + 3))  # isolates
    n = g.number_of_nodes()
    u, v = _edges(list(g.edges()))
    ref = nx.betweenness_centrality(g)
    expected = np.array([ref[i] for i in range(n)])
    batched = engine.betweenness(n, u, v, None)
    monkeypatch.setattr(engine, "BATCHED_BFS_MAX_NODES", 0)
    monkeypatch.setattr(communication, "BATCHED_BFS_MAX_NODES", 0)
    frontier = engine.betweenness(n, u, v, None)
    assert batched == pytest.approx(expected, abs=1e-12)
    assert frontier == pytest.approx(expected, abs=1e-12)
    sources = np.array(sorted(rng.sample(range(n), 7)))
    assert engine.betweenness_batched(n, u, v, sources) == pytest.approx(
        engine.betweenness_frontier(n, u, v, sources), rel=1e-12, abs=1e-12)


def _plain_frontier(n, u, v, sources):
    """The straightforward one-source Brandes pass the BFS-direction and child-process speed-ups replace:
    top-down levels expanded with repeat/arange over the CSR adjacency, one source after another."""
    bc = np.zeros(n)
    indptr, indices = engine._csr(n, u, v)
    for s in sources:
        dist = np.full(n, -1)
        sigma = np.zeros(n)
        dist[s], sigma[s] = 0, 1.0
        frontier, levels, depth = np.array([s]), [], 0
        while frontier.size:
            starts = indptr[frontier]
            lens = indptr[frontier + 1] - starts
            offsets = np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(int(lens.sum()))
            nbr, par = indices[offsets], np.repeat(frontier, lens)
            down = dist[nbr] < 0
            par, nbr = par[down], nbr[down]
            if nbr.size == 0:
                break
            dist[nbr] = depth + 1
            counts = np.bincount(nbr, weights=sigma[par], minlength=n)
            frontier = np.flatnonzero(counts)
            sigma[frontier] = counts[frontier]
            levels.append((par, nbr))
            depth += 1
        delta = np.zeros(n)
        for par, nbr in reversed(levels):
            delta += np.bincount(par, weights=sigma[par] / sigma[nbr] * (1.0 + delta[nbr]), minlength=n)
        delta[s] = 0.0
        bc += delta
    return bc


def _clustered_graph(seed):
    # small-world-ish: dense groups, a few long ties, a separate component and isolates
    rng = np.random.default_rng(seed)
    g = nx.connected_caveman_graph(30, 12)
    g.add_edges_from(tuple(map(int, rng.choice(360, 2, replace=False))) for _ in range(150))
    g.add_edges_from((360 + i, 360 + (i + 1) % 9) for i in range(9))  # a ring of 9 on its own
    g.add_nodes_from(range(369, 373))
    u, v = _edges(list(g.edges()))
    return g.number_of_nodes(), u, v


@pytest.mark.parametrize("seed", [1, 2])
def test_frontier_is_the_plain_pass_in_every_direction(monkeypatch, seed):
    n, u, v = _clustered_graph(seed)
    sources = np.array(random.Random(seed).sample(range(n), 60))
    sources[:3] = [365, 370, 0]  # in the ring, an isolate, the first group
    plain = _plain_frontier(n, u, v, sources)
    assert (engine.betweenness_frontier(n, u, v, sources) == plain).all()  # not just close: equal
    monkeypatch.setattr(engine, "_BOTTOM_UP_SHARE", 1e9)  # bottom-up from the second level
    assert (engine.betweenness_frontier(n, u, v, sources) == plain).all()
    monkeypatch.setattr(engine, "_SMALL_SELECTION", 0)  # SciPy row selection for every level
    assert (engine.betweenness_frontier(n, u, v, sources) == plain).all()
    monkeypatch.setattr(engine, "_BOTTOM_UP_SHARE", 0.0)  # top-down only
    assert (engine.betweenness_frontier(n, u, v, sources) == plain).all()
    assert (engine.betweenness_frontier(n, u, v, None) == _plain_frontier(n, u, v, range(n))).all()


@needs_fork
def test_frontier_split_with_a_child_is_the_plain_pass(monkeypatch):
    n, u, v = _clustered_graph(5)
    sources = np.array(random.Random(5).sample(range(n), 41))
    plain = _plain_frontier(n, u, v, sources)
    monkeypatch.setattr(engine, "_SPLIT_MIN_WORK", 0)
    children = []

    class Counted(ForkedCall):
        def result(self, timeout=600.0):
            value = super().result(timeout)
            children.append(value)
            return value

    monkeypatch.setattr(engine, "ForkedCall", Counted)
    monkeypatch.setattr(communication, "ForkedCall", Counted)
    assert (engine.betweenness_frontier(n, u, v, sources, split=True) == plain).all()
    assert children == [True]  # the last 20 sources came from the child
    monkeypatch.setattr(engine, "_SPLIT_MAX_BYTES", 3 * 8 * n)  # room for 3 rows only
    assert (engine.betweenness_frontier(n, u, v, sources, split=True) == plain).all()
    monkeypatch.setattr(engine, "_dependencies_into", _fails_in_child(engine._dependencies_into))
    assert (engine.betweenness_frontier(n, u, v, sources, split=True) == plain).all()
    assert children == [True, True, None]  # the child failed; this process did its sources


def _fails_in_child(real):
    import os

    parent = os.getpid()

    def dependencies_into(adj, sources, rows):
        if os.getpid() != parent:
            raise RuntimeError("child fails")
        return real(adj, sources, rows)

    return dependencies_into


def test_unique_ints_and_departments_reached_both_ways(monkeypatch):
    rng = np.random.default_rng(5)
    x = rng.integers(-3, 50, 500)
    assert np.array_equal(engine.unique_ints(x), np.unique(x))
    assert engine.unique_ints(np.array([], dtype=np.int64)).size == 0
    _, people, edges = _people_graph(rng)
    g = communication._graph_from_edges(people, edges)
    dense = communication._departments_reached(g)
    monkeypatch.setattr(communication, "_DENSE_REACH_MAX_CELLS", 0)
    assert np.array_equal(dense, communication._departments_reached(g))
    # by hand: the departments other than one's own among one's neighbours
    dept = dict(zip(people["employee_id"], people["department"]))
    nbrs = {p: set() for p in people["employee_id"]}
    for a, b in zip(edges["u"], edges["v"]):
        nbrs[a].add(dept[b])
        nbrs[b].add(dept[a])
    assert dense.tolist() == [len(nbrs[p] - {dept[p]}) for p in people["employee_id"]]


def _people_graph(rng, n=400, m=1500):
    g = nx.gnm_random_graph(n, m, seed=int(rng.integers(1000)))
    people = pd.DataFrame({"employee_id": [f"p{i}" for i in range(n)],
                           "department": [f"D{d}" for d in rng.integers(0, 7, n)]})
    edges = pd.DataFrame({"u": [f"p{a}" for a, _ in g.edges()], "v": [f"p{b}" for _, b in g.edges()]})
    return g, people, edges


@needs_fork
def test_communities_in_a_child_same_numbers(monkeypatch):
    from orgkit.data.client import Client, Settings
    from pathlib import Path

    rng = np.random.default_rng(11)
    _, people, edges = _people_graph(rng)
    rows = edges.rename(columns={"u": "source_id", "v": "target_id"})
    client = Client(path=Path("."), settings=Settings(name="t"), people=people, communication=rows)
    # the paths of large graphs on a small one: frontier betweenness, Louvain in a child or the sources
    # shared with a child
    monkeypatch.setattr(engine, "BATCHED_BFS_MAX_NODES", 0)
    monkeypatch.setattr(communication, "BATCHED_BFS_MAX_NODES", 0)
    monkeypatch.setattr(communication, "_FORK_COMMUNITIES_MIN_EDGES", 0)
    monkeypatch.setattr(engine, "_SPLIT_MIN_WORK", 0)
    monkeypatch.setenv("ORGKIT_PARALLEL", "0")
    serial = communication.analyze_communication(client)
    monkeypatch.delenv("ORGKIT_PARALLEL")
    calls = []

    class Counted(ForkedCall):
        def result(self, timeout=600.0):
            value = super().result(timeout)
            calls.append(value is not None)
            return value

    monkeypatch.setattr(engine, "ForkedCall", Counted)
    monkeypatch.setattr(communication, "ForkedCall", Counted)
    forked = communication.analyze_communication(client)
    assert calls == [True]  # Louvain came from the child
    monkeypatch.setattr(communication, "_FORK_COMMUNITIES_MIN_EDGES", 10**9)
    split = communication.analyze_communication(client)
    assert calls == [True, True]  # half of the betweenness sources came from the child
    assert serial.metrics["communities_method"] == "louvain" and serial.metrics["communities"] >= 2
    for other in (forked, split):
        assert json.dumps(other.metrics, sort_keys=True) == json.dumps(serial.metrics, sort_keys=True)
        assert other.brokers.equals(serial.brokers)


# ------------------------------------------------------------------------------------------ survey privacy
def test_one_person_department_complementary():
    # A (1 person) is hidden; B (6) is the smallest shown group and joins it so A cannot be recovered
    sizes = np.array([1.0, 6.0, 8.0, 20.0])
    names = np.array(["A", "B", "C", "D"], dtype=object)
    assert _complementary(sizes, names, sizes < 5, 5).tolist() == [True, True, False, False]


def test_complementary_same_rule_as_privacy_module():
    rng = random.Random(0)
    for _ in range(2000):
        names = list(dict.fromkeys(rng.choice("ABCDEFGH") + str(rng.randint(0, 2)) for _ in range(rng.randint(1, 9))))
        sizes = np.array([rng.choice([0, 1, 2, 3, 4, 5, 7, 12, np.nan]) for _ in names], dtype=float)
        mgs = rng.randint(1, 8)
        primary = np.array([rng.random() < 0.3 for _ in names]) | (np.nan_to_num(sizes) < mgs)
        expected = complementary_suppression(pd.Series(sizes, index=names), pd.Series(primary, index=names), mgs)
        got = _complementary(sizes, np.array(names, dtype=object), primary, mgs)
        assert got.tolist() == expected.tolist(), (names, sizes.tolist(), primary.tolist(), mgs)


def test_survey_long_tables_are_melt_without_missing_values():
    from orgkit.areas.survey import _long

    frame = pd.DataFrame({"q1": [1.0, np.nan, 3.0], "q2": [np.nan, 5.0, 2.0]}, index=[10, 11, 12])
    dept = pd.Series(["b", "a", "b"], dtype="str")
    melted = (frame.assign(department=dept.to_numpy()).melt(id_vars="department", var_name="item", value_name="v")
              .dropna(subset=["v"]))
    ours = _long(frame, pd.Categorical(dept), "item", "v")
    assert ours.index.tolist() == melted.index.tolist() == [0, 2, 4, 5]
    assert ours.astype("str").equals(melted.astype("str"))
    assert isinstance(ours["department"].dtype, pd.CategoricalDtype) and isinstance(ours["item"].dtype, pd.CategoricalDtype)


def test_t_quantile_and_welch_are_scipy_stats_arithmetic():
    import scipy.stats

    from orgkit.areas.survey import _t_quantile, _welch_p_value

    rng = np.random.default_rng(2)
    dof = np.concatenate([rng.uniform(0.5, 400, 300), [1, 2, np.inf, np.nan, 0, -1]])
    assert np.array_equal(_t_quantile(0.975, dof), scipy.stats.t.ppf(0.975, dof), equal_nan=True)
    m1, m2 = rng.normal(3, 1, 300), rng.normal(3, 1, 300)
    s1, s2 = rng.uniform(0, 2, 300), rng.uniform(0, 2, 300)
    n1, n2 = rng.integers(2, 300, 300).astype(float), rng.integers(2, 300, 300).astype(float)
    s1[:5] = s2[:5] = 0.0  # no variance at all: scipy's df fallback
    with np.errstate(all="ignore"):
        ref = scipy.stats.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=False).pvalue
    assert _welch_p_value(m1, s1, n1, m2, s2, n2) == pytest.approx(ref, rel=1e-13, nan_ok=True)


def test_assessment_import_leaves_scipy_stats_alone():
    import subprocess
    import sys

    code = "import sys, orgkit.assessment; print('scipy.stats' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"  # about a second at every `orgkit assess`


def test_agreement_on_department_codes_equals_on_names():
    from orgkit.areas.reliability import icc1, icc2, rwg

    rng = np.random.default_rng(4)
    x = pd.DataFrame(rng.integers(1, 6, (200, 3)).astype(float))
    x[x > 4.6] = np.nan
    names = np.array(["Sales", "IT", "HR", "R&D", "Ops"], dtype=object)[rng.integers(0, 5, 200)]
    names[::31] = None
    codes = pd.Categorical(pd.Series(names, dtype="str"))
    by_name, by_code = rwg(x, names), rwg(x, codes)
    assert by_name.equals(by_code) and by_name.index.equals(by_code.index) and by_code.index.dtype == "str"
    assert icc1(x[0], names) == icc1(x[0], codes) and icc2(x[1], names) == icc2(x[1], codes)


# ------------------------------------------------------------------------------------------ layout
def _nx_layout(edges, nodes, iterations):
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_weighted_edges_from(zip(edges["u"], edges["v"], np.log1p(edges["weight"].to_numpy(dtype=float))))
    pos = nx.spring_layout(g, seed=3, iterations=iterations, k=1.6 / np.sqrt(len(nodes)))
    return np.array([pos[n] for n in nodes])


def test_network_layout_is_networkx_arithmetic():
    g = nx.gnm_random_graph(80, 200, seed=1)
    nodes = [f"p{i}" for i in range(80)]
    edges = pd.DataFrame({"u": [f"p{a}" for a, _ in g.edges()], "v": [f"p{b}" for _, b in g.edges()],
                          "weight": [1.0 + (a * b) % 4 for a, b in g.edges()]})
    for iterations in (1, 3):  # rounding differences only grow over many iterations
        ours = network_layout(edges, nodes, seed=3, iterations=iterations)[["x", "y"]].to_numpy()
        assert ours == pytest.approx(_nx_layout(edges, nodes, iterations), abs=1e-9)
    full = network_layout(edges, nodes, seed=3)
    assert full.equals(network_layout(edges, nodes, seed=3))  # reproducible
    assert np.abs(full.to_numpy()).max() == pytest.approx(1.0)  # rescaled into [-1, 1]


def test_network_layout_degenerate():
    no_edges = pd.DataFrame({"u": pd.Series(dtype=str), "v": pd.Series(dtype=str), "weight": pd.Series(dtype=float)})
    assert network_layout(no_edges, []).empty
    assert network_layout(no_edges, ["a"]).loc["a"].tolist() == [0.0, 0.0]


# ------------------------------------------------------------------------------------------ drawing
class _Counter(Artist):
    draws = 0

    def draw(self, renderer):
        type(self).draws += 1


def test_figure_png_draws_once_at_report_dpi():
    fig = Figure(figsize=(4, 2), layout="constrained")
    ax = fig.add_subplot()
    ax.plot([0, 1], [1, 0])
    ax.set_ylabel("a label")
    _Counter.draws = 0
    fig.add_artist(_Counter())
    png = figure_png(fig, dpi=100)
    assert _Counter.draws == 1  # savefig would draw twice (layout pass, then pixels)
    img = Image.open(io.BytesIO(png))
    assert img.size == (400, 200) and img.mode == "RGB"


def test_needs_cjk():
    fig = Figure()
    ax = fig.add_subplot()
    ax.set_title("Sales")
    ax.set_yticks([0, 1], ["IT", "HR"])
    assert not needs_cjk(fig)
    ax.set_xticks([0, 1], ["Sales", "研发中心"])
    assert needs_cjk(fig)
    other = Figure()
    other.add_subplot().xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, pos: str(x)))
    assert needs_cjk(other)  # a formatter whose labels cannot be read in advance counts as CJK


def test_latin_only_path_draws_the_same_pixels():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    def make():
        with plot_style():
            fig = Figure(figsize=(3, 2), layout="constrained")
            ax = fig.add_subplot()
            ax.bar(["Finance", "Sales"], [3, 5])
            ax.set_title("Managers by span")
        return fig

    fast = np.asarray(Image.open(io.BytesIO(figure_png(make(), dpi=100))))
    fig = make()  # drawn with the CJK fallback families
    canvas = FigureCanvasAgg(fig)
    with plot_style(cjk=True):
        fig.set_dpi(100)
        canvas.draw()
    slow = np.asarray(canvas.buffer_rgba())[..., :3]
    assert fast.shape == slow.shape and (fast == slow).all()


def test_report_figures_same_pixels_as_savefig():
    from orgkit import plots

    dist = pd.DataFrame({"band": ["1", "2-3", "4-7", "8-12", "13-16", "17+"], "managers": [1, 2, 3, 4, 5, 0]})
    matrix = pd.DataFrame([[0.5, 0.1], [0.1, 0.4]], index=["Sales", "IT"], columns=["Sales", "IT"])
    for make in (lambda: plots.plot_span_distribution(dist, healthy=(4, 12)),
                 lambda: plots.plot_department_heatmap(matrix, value_label="tie density")):
        buf = io.BytesIO()
        with plot_style():
            make().savefig(buf, format="png", dpi=100, facecolor="white")
        slow = np.asarray(Image.open(buf).convert("RGB"))
        fast = np.asarray(Image.open(io.BytesIO(figure_png(make(), dpi=100))))
        assert fast.shape == slow.shape and (fast == slow).all()


# ------------------------------------------------------------------------------------------ the kernel
def test_report_kernel_is_tuned(tmp_path):
    import nbformat

    argv = OrgkitKernelManager().kernel_spec.argv
    assert "--HistoryManager.enabled=False" in argv
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(
        "import gc\nprint(gc.get_threshold(), get_ipython().history_manager.enabled)")]
    nbformat.write(nb, tmp_path / "k.ipynb")
    out = execute_notebook(tmp_path / "k.ipynb", tmp_path / "out.ipynb", progress=False)
    assert out.cells[0].outputs[0]["text"].strip() == "(50000, 20, 10) False"


# ------------------------------------------------------------------------------------------ child processes
def test_forked_call_value_or_none():
    if not fork_available():
        pytest.skip("needs Linux fork and two CPUs")
    assert ForkedCall(sum, [1, 2, 3]).result() == 6
    assert ForkedCall(int, "not a number").result() is None  # the caller then redoes the work
    slow = ForkedCall(__import__("time").sleep, 30)
    slow.cancel()
    assert slow.result() is None


@needs_fork
def test_assess_parallel_same_numbers(client_dir):
    client = load_client(client_dir)

    def numbers(a):
        d = a.to_dict()
        d.pop("generated_at")
        return json.dumps(d, sort_keys=True)

    assert numbers(assess(client, parallel=True)) == numbers(assess(client))


def _blocks(book):
    return {name: getattr(book, name)().markup for name in ReportBook.PARALLEL_BLOCKS}


@needs_fork
def test_parallel_book_same_blocks_and_files(client_dir, tmp_path):
    client = load_client(client_dir)
    serial = _blocks(ReportBook(client, tmp_path / "serial"))
    book = ReportBook(client, tmp_path / "parallel", parallel=True)
    assert book._child is not None
    parallel = _blocks(book)
    assert parallel == serial  # the same markup, PNG bytes included
    assert book._child is None and book._folder is None  # the child was reaped, its folder removed
    assert sorted(p.name for p in (tmp_path / "parallel" / "figures").iterdir()) == sorted(
        p.name for p in (tmp_path / "serial" / "figures").iterdir())


@needs_fork
def test_parallel_book_draws_itself_when_the_child_fails(client_dir, tmp_path, monkeypatch):
    client = load_client(client_dir)
    serial = _blocks(ReportBook(client))
    monkeypatch.setattr(report_book, "_draw_in_child", lambda book, pipe, folder: pipe.close())
    book = ReportBook(client, parallel=True)
    assert _blocks(book) == serial
    assert book._child is None


def test_parallel_mode_can_be_switched_off(monkeypatch):
    from orgkit.areas.betweenness import PARALLEL_ENV, fork_available

    monkeypatch.setenv(PARALLEL_ENV, "0")
    assert fork_available() is False
