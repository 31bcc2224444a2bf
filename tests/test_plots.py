"""Figures: tidy-tree layout on named trees, privacy of small groups, colours by id, CJK fonts, no pyplot leaks."""

from __future__ import annotations

import warnings

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from orgkit import plots
from orgkit.i18n import t
from orgkit.plots import style as _style
from orgkit.plots.style import department_colors, figure_png, figure_svg, register_cjk_fonts, truncate
from orgkit.plots.communication import sample_people
from orgkit.plots.structure import department_tree, tidy_tree_layout

#: Why a test that needs a CJK font is skipped (CI installs one).
NO_CJK_FONT = "no CJK font: apt-get install fonts-noto-cjk"

matplotlib.use("Agg")


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def _people(rows):
    return pd.DataFrame(rows, columns=["employee_id", "department", "manager_id"]).astype(
        {"employee_id": "str", "department": "str", "manager_id": "str"})


# ------------------------------------------------------------------------------------------ tidy tree
def test_tidy_tree_empty():
    x, y = tidy_tree_layout(np.array([], dtype=np.int64))
    assert x.size == 0 and y.size == 0


def test_tidy_tree_single_node():
    x, y = tidy_tree_layout(np.array([-1]))
    assert x.tolist() == [0.0] and y.tolist() == [0.0]


def test_tidy_tree_star():
    # root 0 with four leaves: leaves on columns 0..3, root centred at 1.5, one layer down
    x, y = tidy_tree_layout(np.array([-1, 0, 0, 0, 0]))
    assert x.tolist() == [1.5, 0.0, 1.0, 2.0, 3.0]
    assert y.tolist() == [0.0, -1.0, -1.0, -1.0, -1.0]


def test_tidy_tree_path():
    x, y = tidy_tree_layout(np.array([-1, 0, 1, 2]))
    assert x.tolist() == [0.0, 0.0, 0.0, 0.0]
    assert y.tolist() == [0.0, -1.0, -2.0, -3.0]


def test_tidy_tree_subtrees_do_not_overlap():
    # 0 -> (1 -> 3, 4), (2 -> 5); positions given out of depth-first order
    parent = np.array([-1, 0, 0, 1, 1, 2])
    x, _ = tidy_tree_layout(parent)
    assert x[3] == 0 and x[4] == 1 and x[5] == 2  # leaves in depth-first order
    # a parent sits at the midpoint of its leftmost and rightmost leaf: (0 + 2) / 2 for the root
    assert x[1] == 0.5 and x[2] == 2.0 and x[0] == 1.0


def test_tidy_tree_forest_and_sibling_order():
    # two roots; the order key puts root 1's tree first
    parent = np.array([-1, -1, 0, 1])
    x, _ = tidy_tree_layout(parent, order=np.array([1, 0, 2, 3]))
    assert x.tolist() == [1.0, 0.0, 1.0, 0.0]


def test_department_tree():
    people = _people([
        ("ceo", "Exec", None), ("s", "Sales", "ceo"), ("s1", "Sales", "s"), ("m", "Marketing", "s"),
        ("m1", "Marketing", "m"),
    ])
    tree = department_tree(people).set_index("department")
    assert pd.isna(tree.loc["Exec", "parent"])
    assert tree.loc["Sales", "parent"] == "Exec"
    assert tree.loc["Marketing", "parent"] == "Sales"
    assert tree["headcount"].to_dict() == {"Exec": 1, "Sales": 2, "Marketing": 2}


# ------------------------------------------------------------------------------------------ org chart
def _org(n_small: int = 2):
    rows = [("ceo", "Legal", None)] + [(f"l{i}", "Legal", "ceo") for i in range(1, n_small)]
    rows += [(f"s{i}", "Sales", "ceo") for i in range(6)] + [(f"e{i}", "Engineering", "s0") for i in range(6)]
    return _people(rows)


def test_org_chart_never_names_a_small_department():
    fig = plots.plot_org_chart(_org(), min_group_size=5)
    texts = " ".join(_texts(fig))
    assert "Legal" not in texts
    assert "Sales" in texts and "Chief executive" in texts  # the top, in Legal, reads as its role
    assert plt.get_fignums() == []


def test_org_chart_names_people_only_when_allowed():
    people = _org().assign(name=lambda d: "Person " + d["employee_id"])
    texts = " ".join(_texts(plots.plot_org_chart(people, min_group_size=1)))
    assert "Person" not in texts and "s0" not in texts.split()
    named = " ".join(_texts(plots.plot_org_chart(people, min_group_size=1, show_names=True)))
    assert "Person s0" in named and "Person ceo" in named


def test_org_chart_without_hierarchy_says_no_data():
    people = pd.DataFrame({"employee_id": ["a"], "department": ["X"]})
    assert "No data" in _texts(plots.plot_org_chart(people))


# ------------------------------------------------------------------------------------------ spans, layers
def test_span_distribution_colours_bands():
    dist = pd.DataFrame({"band": ["1", "2-3", "4-7", "8-12", "13-16", "17+"], "managers": [1, 2, 3, 4, 5, 0]})
    fig = plots.plot_span_distribution(dist, healthy=(4, 12))
    bars = fig.axes[0].patches[:6]
    colours = [to_hex(b.get_facecolor()) for b in bars]
    assert colours[0] == colours[1] != colours[2] == colours[3] != colours[4]
    assert [b.get_height() for b in bars] == [1, 2, 3, 4, 5, 0]


def test_layers_marks_excess_layers():
    layers = pd.DataFrame({"depth": [0, 1, 2, 3], "people": [1, 4, 10, 3]})
    fig = plots.plot_layers(layers, min_layers=3)
    colours = [to_hex(b.get_facecolor()) for b in fig.axes[0].patches]
    assert colours[3] != colours[0] and colours[0] == colours[1] == colours[2]


# ------------------------------------------------------------------------------------------ communication
def test_network_colours_people_by_id_not_position():
    # people listed in a different order from the edges and the layout: colours must follow ids
    people = pd.DataFrame({"employee_id": list("abcdefghij"), "department": ["X"] * 5 + ["Y"] * 5})
    edges = pd.DataFrame({"u": list("abcdefghi"), "v": list("bcdefghij"), "weight": 1.0})
    shuffled = people.iloc[::-1].reset_index(drop=True)
    layout = plots.network_layout(edges, pd.Index(list("jihgfedcba")), seed=1)
    fig = plots.plot_network(shuffled, edges, layout=layout, min_group_size=5)
    dots = fig.axes[0].collections[1]
    colours = [to_hex(c) for c in dots.get_facecolors()]
    expected = department_colors(["X", "Y"])
    # sample_people keeps people order (here j..a)
    assert colours == [expected["Y"]] * 5 + [expected["X"]] * 5


def test_network_layout_is_seeded():
    edges = pd.DataFrame({"u": ["a", "b", "c"], "v": ["b", "c", "a"], "weight": [1.0, 2.0, 1.0]})
    a = plots.network_layout(edges, ["a", "b", "c"], seed=3)
    b = plots.network_layout(edges, ["a", "b", "c"], seed=3)
    pd.testing.assert_frame_equal(a, b)


def test_sample_people_caps_and_is_seeded():
    people = pd.DataFrame({"employee_id": [f"p{i}" for i in range(50)], "department": ["X"] * 50})
    edges = pd.DataFrame({"u": ["p0"] * 49, "v": [f"p{i}" for i in range(1, 50)]})
    s1, s2 = sample_people(people, edges, 10, seed=2), sample_people(people, edges, 10, seed=2)
    assert len(s1) == 10 and s1.equals(s2) and "p0" in s1  # the hub is almost surely drawn
    assert len(sample_people(people, edges, 100)) == 50


def test_heatmap_and_ei_on_empty_tables():
    assert "No data" in _texts(plots.plot_department_heatmap(pd.DataFrame()))
    empty = pd.DataFrame(columns=["department", "size", "ei_index", "ei_index_expected"])
    assert "No data" in _texts(plots.plot_ei_index(empty))


def test_ei_index_skips_suppressed_rows():
    d = pd.DataFrame({"department": ["A", "Tiny"], "size": [10, np.nan], "ei_index": [-0.5, np.nan],
                      "ei_index_expected": [0.3, np.nan], "silo": [True, pd.NA], "suppressed": [False, True]})
    texts = " ".join(_texts(plots.plot_ei_index(d)))
    assert "A" in texts and "Tiny" not in texts and "silo" in texts


# ------------------------------------------------------------------------------------------ decisions
def test_path_distribution_counts():
    paths = pd.DataFrame({"hops": pd.array([0, 1, 1, 3, None], dtype="Int64"), "approvals": [0, 0, 1, 2, 2]})
    fig = plots.plot_path_distribution(paths)
    hops_bars = [b.get_height() for b in fig.axes[0].patches]
    appr_bars = [b.get_height() for b in fig.axes[1].patches]
    assert hops_bars == [1, 2, 0, 1]  # 0, 1, 2, 3 hops; the unknown one left out
    assert appr_bars == [2, 1, 2]


def test_latency_by_type_orders_by_median():
    paths = pd.DataFrame({"decision_type": ["a", "a", "b", "b", "c"], "latency_days": [1.0, 3.0, 10.0, 12.0, None]})
    fig = plots.plot_latency_by_type(paths)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["a (n=2)", "b (n=2)"]  # slowest on top (last tick), type without latency left out


# ------------------------------------------------------------------------------------------ fonts, style
def test_cjk_font_found_and_no_glyph_warning():
    families = register_cjk_fonts()
    if not families:
        pytest.skip(NO_CJK_FONT)
    people = _people([("1", "研发中心", None)] + [(str(i), "研发中心", "1") for i in range(2, 8)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = figure_png(plots.plot_org_chart(people, min_group_size=1, language="zh"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def no_cjk_font(monkeypatch, caplog):
    """This process as on a machine without a CJK font (``ORGKIT_NO_CJK_FONTS=1``)."""
    monkeypatch.setenv(_style.NO_CJK_FONTS_ENV, "1")
    monkeypatch.setattr(_style, "_warned_png_boxes", False)
    register_cjk_fonts.cache_clear()
    yield
    register_cjk_fonts.cache_clear()


def _zh_org_chart():
    people = _people([("1", "研发中心", None)] + [(str(i), "研发中心", "1") for i in range(2, 8)])
    return plots.plot_org_chart(people, min_group_size=1, language="zh")


def test_svg_keeps_chinese_text_as_text_without_a_cjk_font(no_cjk_font, caplog):
    assert register_cjk_fonts() == ()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "Glyph ... missing from font" warning: the browser draws it
        svg = figure_svg(_zh_org_chart(), salt="org")
    assert svg.startswith("<svg") and "研发中心" in svg
    stack = svg[svg.index("text{font-family:"):].split("}")[0]
    assert "'Noto Sans CJK SC'" in stack and "'Microsoft YaHei'" in stack and "'PingFang SC'" in stack
    assert stack.endswith("sans-serif")
    assert svg.count("font-family") == 1  # one rule, not one per label
    assert not [r for r in caplog.records if r.levelno >= 30]


def test_svg_is_deterministic_and_ids_follow_the_salt():
    one, two = figure_svg(_zh_org_chart(), salt="a"), figure_svg(_zh_org_chart(), salt="a")
    assert one == two
    assert figure_svg(_zh_org_chart(), salt="b") != one


def test_svg_rasterises_dense_collections_only():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    dense = ax.scatter(np.arange(1000), np.arange(1000) % 7)
    ax.set_title("研发")
    svg = figure_svg(fig)
    assert "<image" in svg and "研发" in svg  # the points as pixels, the title as text
    assert not dense.get_rasterized()  # the figure is left as it was
    small = Figure(figsize=(3, 2))
    small.add_subplot().scatter([1, 2], [3, 4])
    assert "<image" not in figure_svg(small)


def test_png_with_chinese_text_without_a_cjk_font_warns_once(no_cjk_font, caplog):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said once by orgkit, not once per missing glyph by matplotlib
        figure_png(_zh_org_chart())
        figure_png(_zh_org_chart())
    warned = [r.getMessage() for r in caplog.records if r.levelno >= 30 and "CJK" in r.getMessage()]
    assert len(warned) == 1 and "apt-get install fonts-noto-cjk" in warned[0]
    caplog.clear()
    from matplotlib.figure import Figure

    latin = Figure(figsize=(2, 1))
    latin.add_subplot().set_title("Sales")
    figure_png(latin)
    assert not caplog.records


def test_figure_labels_come_from_the_catalogue():
    assert t("figure.network.drawn", "en", n=3, total=10) == "largest connected group: 3 of 10 people"
    assert t("figure.network.drawn", "zh", n=3, total=10) == "最大连通群体：10 人中的 3 人"


def test_truncate_counts_cjk_double():
    assert truncate("abcdef", 4) == "abc…"
    assert truncate("研发中心部门", 6) == "研发…"  # two columns each: 4 + the ellipsis
    assert truncate("short", 10) == "short"


def test_plot_functions_do_not_touch_pyplot():
    plt.close("all")
    plots.plot_span_distribution(pd.DataFrame({"band": ["1"], "managers": [1]}))
    plots.plot_org_chart(_org(), min_group_size=1)
    assert plt.get_fignums() == []


def test_tick_labels_group_thousands_as_the_text_does():
    # an axis up to 120,000 reads "120,000" (the text's format), never "1.2e5", "120000" or an offset
    from orgkit.plots.style import new_figure

    fig, ax = new_figure()
    ax.bar(["a", "b"], [40_000, 120_000])
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert "120,000" in labels and all("e" not in x and "000000" not in x for x in labels)
    assert ax.yaxis.get_offset_text().get_text() == ""
