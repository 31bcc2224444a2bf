"""The communication figures: ties between departments against random mixing (hand-computed on a tiny graph),
a symmetric matrix in clustered order, small departments nowhere, the people network only where it can be read
(largest component, isolates counted) and departments above the limit."""

from __future__ import annotations

import re

import matplotlib
import numpy as np
import pandas as pd
import pytest

from orgkit import from_frames
from orgkit.areas.communication import (
    OTHER_DEPARTMENTS,
    OTHER_GROUP,
    analyze_communication,
    department_mixing,
    mixing_order,
    network_components,
)
from orgkit.errors import ConfigError
from orgkit.plots.communication import (
    department_graph_layout,
    mixing_scale,
    plot_department_graph,
    plot_department_mixing,
    plot_network,
)
from orgkit.plots.style import figure_svg

matplotlib.use("Agg")


def _texts(fig) -> list[str]:
    """Every text of a figure: titles, labels, annotations, legends and tick labels."""
    out = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    return [t for t in out if t]


def _people(sizes: dict[str, int]) -> pd.DataFrame:
    depts = [d for d, n in sizes.items() for _ in range(n)]
    return pd.DataFrame({"employee_id": [f"p{i:03d}" for i in range(len(depts))], "department": depts})


def _edges(pairs) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["u", "v"]).assign(weight=1.0)


# A={a1,a2}, B={b1,b2}, C={c1,c2}; ties a1-a2, b1-b2, c1-c2, a1-b1, a2-b2, b1-c1 (m = 6).
TINY_PEOPLE = pd.DataFrame({"employee_id": ["a1", "a2", "b1", "b2", "c1", "c2"], "department": list("AABBCC")})
TINY_EDGES = _edges([("a1", "a2"), ("b1", "b2"), ("c1", "c2"), ("a1", "b1"), ("a2", "b2"), ("b1", "c1")])


# ------------------------------------------------------------------------------------------ the numbers
def test_mixing_hand_computed_on_three_departments():
    r = department_mixing(TINY_PEOPLE, TINY_EDGES)
    order = ["A", "B", "C"]
    ties = r.ties.loc[order, order].to_numpy()
    expected = r.expected.loc[order, order].to_numpy()
    ratio = r.ratio.loc[order, order].to_numpy()
    # degrees: a1 2, a2 2, b1 3, b2 2, c1 2, c2 1 -> D_A = 4, D_B = 5, D_C = 3 (2m = 12)
    assert r.degree.loc[order].tolist() == [4.0, 5.0, 3.0] and r.edges == 6
    assert ties.tolist() == [[1, 2, 0], [2, 1, 1], [0, 1, 1]]
    # E_ab = D_a D_b / 2m off the diagonal, E_aa = D_a^2 / 4m on it
    assert expected == pytest.approx(np.array([[16 / 24, 20 / 12, 12 / 12],
                                               [20 / 12, 25 / 24, 15 / 12],
                                               [12 / 12, 15 / 12, 9 / 24]]))
    assert ratio == pytest.approx(np.array([[1.5, 1.2, 0.0],
                                            [1.2, 0.96, 0.8],
                                            [0.0, 0.8, 8 / 3]]))
    # random mixing spreads exactly the m ties: the expected ties of every pair (each once) sum to m
    assert expected[np.triu_indices(3)].sum() == pytest.approx(6.0)
    assert r.size.loc[order].tolist() == [2, 2, 2]


def test_mixing_degenerate_cases():
    no_ties = department_mixing(TINY_PEOPLE, TINY_EDGES.iloc[0:0])
    assert np.isnan(no_ties.ratio.to_numpy()).all() and no_ties.edges == 0
    # a department whose people have no tie: a row of NaN, nothing to compare
    people = pd.concat([TINY_PEOPLE, pd.DataFrame({"employee_id": ["d1", "d2"], "department": ["D", "D"]})])
    r = department_mixing(people, TINY_EDGES)
    assert np.isnan(r.ratio.loc["D"].to_numpy()).all()
    assert r.ratio.loc["A", "C"] == 0.0  # no tie where some were expected: 0, not NaN
    assert department_mixing(people.iloc[0:0], TINY_EDGES.iloc[0:0]).empty


def test_mixing_is_symmetric_with_one_label_per_department():
    rng = np.random.default_rng(4)
    people = _people({f"Dept {c}": n for c, n in zip("PQRSTU", (9, 7, 12, 5, 6, 8))})
    ids = people["employee_id"].to_numpy()
    pairs = {tuple(sorted(rng.choice(ids, 2, replace=False))) for _ in range(160)}
    r = department_mixing(people, _edges(sorted(pairs)))
    for frame in (r.ties, r.expected, r.ratio):
        assert list(frame.index) == list(frame.columns)
        np.testing.assert_allclose(frame.to_numpy(dtype=float), frame.to_numpy(dtype=float).T)
    fig = plot_department_mixing(r)
    ax = fig.axes[0]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows == [t.get_text() for t in ax.get_xticklabels()] == r.labels
    texts = " ".join(_texts(fig))
    assert "From" not in texts and "To " not in texts


def test_order_puts_departments_that_work_together_side_by_side():
    # P1 and P2 work together, Q1 and Q2 together; given interleaved, the order pairs them up
    people = _people({"P1": 6, "Q1": 6, "P2": 6, "Q2": 6})
    members = people.groupby("department")["employee_id"].apply(list)
    pairs = []
    for team in (members["P1"] + members["P2"], members["Q1"] + members["Q2"]):
        pairs += [(a, b) for i, a in enumerate(team) for b in team[i + 1:]]
    pairs += [(members["P1"][0], members["Q1"][0]), (members["P2"][0], members["Q2"][0])]
    r = department_mixing(people, _edges(pairs))
    order = r.labels
    assert {frozenset(order[:2]), frozenset(order[2:])} == {frozenset({"P1", "P2"}), frozenset({"Q1", "Q2"})}
    assert mixing_order(r.ratio) == mixing_order(r.ratio)  # deterministic
    shuffled = r.ratio.loc[["Q2", "P1", "Q1", "P2"], ["Q2", "P1", "Q1", "P2"]]
    again = mixing_order(shuffled)
    assert {frozenset(again[:2]), frozenset(again[2:])} == {frozenset({"P1", "P2"}), frozenset({"Q1", "Q2"})}
    assert mixing_order(shuffled, last=["P1"])[-1] == "P1"


def test_order_of_three_departments_by_hand():
    # A and C mix alike with B (0.1 each) and inside (9): distance 0; A and B differ on C: |log2 4 - log2 .1|
    r = pd.DataFrame([[9, 4, .1], [4, 9, .1], [.1, .1, 9]], index=list("ACB"), columns=list("ACB"))
    assert mixing_order(r) == ["A", "C", "B"]


def test_mixing_scale_fits_the_data():
    assert mixing_scale(np.array([[2.0, 1.0], [1.0, 1.5]])) == 1
    assert mixing_scale(np.array([[8.0, 0.5], [0.5, 3.0]])) == 3
    assert mixing_scale(np.array([[1e6, 0.0], [0.0, 1e6]])) == 6
    assert mixing_scale(np.full((2, 2), np.nan)) == 1


# ------------------------------------------------------------------------------------------ privacy
def _client_with_tiny(extra_settings: dict | None = None):
    """Sales (12), Ops (10), R&D (8), Tiny (3 people) and Mini (2); R&D a silo; Tiny talks with everyone.

    Two small departments of 5 people together: nothing else is hidden with them, and their ties make one
    "Other (small groups)" row."""
    people = _people({"Sales": 12, "Ops": 10, "R&D": 8, "Tiny": 3, "Mini": 2}).assign(manager_id="")
    members = people.groupby("department")["employee_id"].apply(list)
    rows = []
    for dept in ("Sales", "Ops", "R&D"):
        team = members[dept]
        rows += [(a, b) for i, a in enumerate(team) for b in team[i + 1:]]
    rows += [(s, o) for s in members["Sales"][:6] for o in members["Ops"][:4]]
    rows += [(t, x) for t in members["Tiny"] for x in (members["Sales"][0], members["Ops"][0], members["R&D"][0])]
    rows += [(members["R&D"][1], members["Sales"][1]), (members["Mini"][0], members["Mini"][1]),
             (members["Mini"][0], members["Tiny"][0]), (members["Mini"][1], members["Ops"][2])]
    comm = pd.DataFrame(rows, columns=["source_id", "target_id"])
    settings = {"name": "Privacy test", "min_group_size": 5, **(extra_settings or {})}
    return from_frames(people, communication=comm, settings=settings)


def test_small_department_never_in_the_figures_or_their_data():
    client = _client_with_tiny()
    r = analyze_communication(client)
    m = r.mixing
    assert "R&D" in r.metrics["silos"] and m.labels[-1] == OTHER_GROUP
    for small in ("Tiny", "Mini"):
        for frame in (m.ties, m.expected, m.ratio):
            assert small not in frame.index and small not in frame.columns
        assert small not in m.size.index and small not in m.degree.index
    brokers = r.brokers.head(5)
    figures = [
        plot_department_mixing(m, silos=r.metrics["silos"]),
        plot_department_graph(m, silos=r.metrics["silos"], brokers=brokers.assign(label=brokers["employee_id"])),
        plot_network(client.people, r.edges, components=r.components, min_group_size=5,
                     brokers=brokers["employee_id"].tolist()),
    ]
    for fig in figures:
        assert not any("Tiny" in text or "Mini" in text for text in _texts(fig))
        svg = figure_svg(fig)
        assert "Tiny" not in svg and "Mini" not in svg


def test_report_blocks_never_name_the_small_department():
    from orgkit.report.book import ReportBook

    book = ReportBook(_client_with_tiny({"thresholds": {"communication.network.max_people": 10}}))
    heatmap, network = book.communication_heatmap().markup, book.network().markup
    for markup in (heatmap, network):
        assert "Tiny" not in markup and "Mini" not in markup
        assert "2 departments under 5 people are not shown" in markup and "Other (small groups)" in markup
    assert "drawn as departments" in network


# ------------------------------------------------------------------------------------------ the network
def test_components_count_isolates_and_small_groups():
    people = _people({"X": 6, "Y": 5})
    ids = people["employee_id"].tolist()  # X0..X5, Y0..Y4
    edges = _edges([(ids[0], ids[1]), (ids[1], ids[2]), (ids[2], ids[6]), (ids[6], ids[7]),  # 5 people
                    (ids[3], ids[4]),  # a pair
                    (ids[8], ids[9]), (ids[9], ids[10])])  # a chain of three
    c = network_components(people, edges)
    assert list(c.largest) == [ids[0], ids[1], ids[2], ids[6], ids[7]]
    assert (c.isolates, c.small_components, c.people_in_small, c.left_out) == (1, 2, 5, 6)
    fig = plot_network(people, edges, components=c, min_group_size=5)
    dots = fig.axes[0].collections[1]
    assert len(dots.get_offsets()) == 5  # only the largest group is drawn
    texts = " ".join(_texts(fig))
    assert "Not drawn: 1 person without any tie, 5 people in 2 smaller connected groups." in texts.replace("\n", " ")
    assert "largest connected group: 5 of 11 people" in texts


def test_network_falls_back_to_departments_above_the_limit():
    client = _client_with_tiny()
    r = analyze_communication(client)
    assert len(r.components.largest) > 20
    with pytest.raises(ConfigError, match="max_people"):
        plot_network(client.people, r.edges, components=r.components, max_people=20)
    fig = plot_network(client.people, r.edges, components=r.components, max_people=20, mixing=r.mixing,
                       silos=r.metrics["silos"], brokers=r.brokers["employee_id"].head(3).tolist())
    texts = " ".join(_texts(fig))
    assert "drawn as departments" in texts and "R&D  (silo)" in texts and "Sales" in texts
    assert not any(c.get_offsets().shape[0] > len(r.mixing.labels) for c in fig.axes[0].collections
                   if hasattr(c, "get_offsets") and c.get_offsets().size)  # departments, not people
    a = department_graph_layout(r.mixing, seed=3)
    pd.testing.assert_frame_equal(a, department_graph_layout(r.mixing, seed=3))


def test_many_departments_show_the_largest_and_every_silo_pooling_the_rest():
    sizes = {f"Department number {i:02d} with a long name": 5 + i for i in range(40)}
    people = _people(sizes)
    members = people.groupby("department")["employee_id"].apply(list)
    pairs = []
    for team in members:
        pairs += [(a, b) for i, a in enumerate(team) for b in team[i + 1:]]
    firsts = [team[0] for team in members]
    pairs += [(a, b) for i, a in enumerate(firsts) for b in firsts[i + 1:]]
    silo = "Department number 00 with a long name"  # the smallest: ranked last by size
    r = department_mixing(people, _edges(pairs), min_group_size=5, max_departments=30, keep=[silo])
    assert len(r.labels) == 30 and r.labels[-1] == OTHER_DEPARTMENTS and silo in r.labels
    assert r.pooled == 40 - 29 and OTHER_GROUP not in r.labels
    fig = plot_department_mixing(r, silos=[silo])
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    for labels in (fig.axes[0].get_yticklabels(), fig.axes[0].get_xticklabels()):
        boxes = np.array([t.get_window_extent(renderer).extents for t in labels])
        x0, y0, x1, y1 = boxes.T
        overlap = (x0[:, None] < x1[None, :]) & (x0[None, :] < x1[:, None]) & (y0[:, None] < y1[None, :]) & (
            y0[None, :] < y1[:, None])
        np.fill_diagonal(overlap, False)
        assert not overlap.any()
        assert (x0 >= 0).all() and (x1 <= fig.bbox.width).all() and (y0 >= 0).all()  # inside the figure
    assert "Other departments" in " ".join(_texts(fig))


def test_words_of_the_colour_scale_in_both_languages():
    r = department_mixing(TINY_PEOPLE, TINY_EDGES)
    en = " ".join(_texts(plot_department_mixing(r)))
    zh = " ".join(_texts(plot_department_mixing(r, language="zh")))
    assert "more ties" in en and "fewer ties" in en and "as random mixing" in en
    assert "随机混合基准" in zh and "沟通关系更多" in zh and "沟通关系更少" in zh
    assert re.search(r"×1/\d", en) and "×1 " in en


# ------------------------------------------------------------------------------------------ sample and real data
@pytest.mark.parametrize("employees", [150, 1000])
def test_the_planted_silo_shows_in_the_matrix(employees, tmp_path):
    """The generator's silo (a department sending almost nothing across) is the row of the matrix that is
    furthest below random mixing everywhere off the diagonal, and far above it on the diagonal."""
    from orgkit.data.loading import load_client
    from orgkit.data.sample import generate_client

    client = load_client(generate_client(tmp_path / "c", employees=employees))
    r = analyze_communication(client)
    silo = r.metrics["silos"]
    assert len(silo) == 1
    ratio = r.mixing.ratio.drop(index=[OTHER_GROUP], columns=[OTHER_GROUP], errors="ignore")
    off = ratio.where(~np.eye(len(ratio), dtype=bool))
    row_mean = np.log2(off.clip(lower=1 / 64)).mean(axis=1)
    assert row_mean.idxmin() == silo[0]
    assert row_mean[silo[0]] < row_mean.drop(silo[0]).min() - 2  # at least four times further below
    assert ratio.loc[silo[0], silo[0]] > 2
    texts = _texts(plot_department_mixing(r.mixing, silos=silo))
    assert f"{silo[0]}  (silo)" in texts


@pytest.mark.realdata
def test_manufacturer_mail_figures(shared_data):
    """The manufacturer's e-mail (Michalski et al.): small divisions pooled, never named; the people network
    is its largest connected group with the isolated people counted."""
    from realdata import manufacturer_mail, manufacturer_people

    people = manufacturer_people(shared_data).rename(columns={"ID": "employee_id", "ReportsToID": "manager_id",
                                                              "Department": "department"})
    mail = manufacturer_mail(shared_data).rename(columns={"Sender": "source_id", "Recipient": "target_id",
                                                          "EventDate": "timestamp"})
    client = from_frames(people, communication=mail, settings={"name": "Manufacturer", "min_group_size": 5})
    r = analyze_communication(client)
    sizes = people["department"].value_counts()
    small = set(sizes[sizes < 5].index)
    m = r.mixing
    assert not small & set(m.labels) and m.labels[-1] == OTHER_GROUP
    assert set(m.labels[:-1]) == set(sizes[sizes >= 5].index)
    np.testing.assert_allclose(m.ratio.to_numpy(), m.ratio.to_numpy().T)
    c = r.components
    assert len(c.largest) + c.left_out == len(people) and c.isolates > 0
    assert len(c.largest) <= 300  # drawn person by person
    fig = plot_network(client.people, r.edges, components=c, brokers=r.brokers["employee_id"].head(5).tolist())
    texts = " ".join(_texts(fig)).replace("\n", " ")
    assert f"Not drawn: {c.isolates} people without any tie" in texts
    assert not any(re.search(rf"{re.escape(name)}(?!\d)", texts) for name in small)  # "Division 7", not 70


def test_brokers_keep_their_number_and_are_named_by_id_or_role():
    people = _people({"X": 6, "Y": 6})
    ids = people["employee_id"].tolist()
    edges = _edges([(ids[i], ids[i + 1]) for i in range(5)] + [(ids[6], ids[7]), (ids[7], ids[8])])
    c = network_components(people, edges)  # X's chain of six is the largest; Y's three people are not drawn
    fig = plot_network(people, edges, components=c, brokers=[ids[7], ids[2], ids[3]],
                       broker_labels={ids[2]: f"{ids[2]} (Head of X)", ids[3]: ids[3]})
    texts = _texts(fig)
    assert f"2  {ids[2]} (Head of X)" in texts and f"3  {ids[3]}" in texts  # the first (not drawn) keeps "1"
    assert not any(x.startswith("1  ") for x in texts)
    numbers = sorted(t for t in texts if t in {"1", "2", "3"})
    assert numbers == ["2", "3"]


def test_figures_draw_on_a_given_axes():
    from orgkit.plots.style import new_figure

    r = department_mixing(TINY_PEOPLE, TINY_EDGES)
    for plot in (plot_department_mixing, plot_department_graph):
        fig, ax = new_figure()
        assert plot(r, ax=ax) is fig and len(fig.axes) == 2  # the drawing and its colour bar
