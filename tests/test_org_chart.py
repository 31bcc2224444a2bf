"""The org chart at any size: what it draws and counts, labels that never overlap, privacy, department colours."""

from __future__ import annotations

import re

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.text import Text

from orgkit.plots.structure import _org_chart_layout, _org_chart_plan, plot_org_chart
from orgkit.plots.style import (
    DEPARTMENT_PALETTE,
    HIDDEN_COLOR,
    OTHER_DEPARTMENTS_COLOR,
    cielab,
    delta_e,
    department_colors,
    department_legend,
    figure_svg,
    register_cjk_fonts,
    text_width,
    wrap_text,
)

matplotlib.use("Agg")

#: Why a test that needs a CJK font is skipped (CI installs one).
NO_CJK_FONT = "no CJK font: apt-get install fonts-noto-cjk"


def _people(rows, columns=("employee_id", "department", "manager_id")) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns)).astype({"employee_id": "str", "department": "str"})


def _model(n: int, language: str = "en", seed: int = 3) -> pd.DataFrame:
    """The people of the sample generator's company model (``orgkit.data.sample``), without writing the
    other files: the same organisation ``orgkit sample DIR --employees n`` writes, in a fraction of the time."""
    from orgkit.data import sample

    org = sample._build_organisation(n, "mid" if n < 1000 else "large", np.random.default_rng(seed))
    names = np.array([getattr(d, language) for d in org.departments], dtype=object)
    ids = np.array([f"E{i:06d}" for i in range(org.n)], dtype=object)
    return pd.DataFrame({"employee_id": ids, "department": names[org.dept],
                         "manager_id": np.where(org.parent >= 0, ids[np.clip(org.parent, 0, None)], None)})


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Clients written by the sample generator, loaded as orgkit loads any client: 150 and 5,000 people."""
    from orgkit import load_client
    from orgkit.data.sample import generate_client

    root = tmp_path_factory.mktemp("org-chart")
    return {n: load_client(generate_client(root / f"c{n}", employees=n, seed=5)).people for n in (150, 5000)}


def _people_of(size, generated) -> pd.DataFrame:
    return generated[size] if size in generated else _model(size)


def _drawn(fig):
    """Every text of the drawn figure with its extent in pixels, and the extent of every box."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    texts = [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]
    extents = np.array([t.get_window_extent(renderer).extents for t in texts]).reshape(-1, 4)
    boxes = {a.get_gid(): a.get_window_extent(renderer).extents for a in fig.axes[0].patches
             if (a.get_gid() or "").startswith("org-box-")}
    return texts, extents, boxes, fig.bbox.extents


def _overlapping(extents: np.ndarray, tolerance: float = 0.5) -> list[tuple[int, int]]:
    i, j = np.triu_indices(len(extents), 1)
    a, b = extents[i], extents[j]
    wide = np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0]) > tolerance
    tall = np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1]) > tolerance
    return list(zip(i[wide & tall].tolist(), j[wide & tall].tolist()))


def _box_texts(fig) -> dict[int, list[str]]:
    """The lines of each box, by box number (the plan's row), in drawing order."""
    out: dict[int, list[str]] = {}
    for t in fig.findobj(Text):
        m = re.fullmatch(r"org-label-(\d+)-(\d+)", t.get_gid() or "")
        if m:
            out.setdefault(int(m.group(1)), []).append(t.get_text())
    return out


def _layout(people, **kw):
    options = {"min_group_size": 5, "show_names": False, "language": "en", "hidden": (), "top": None, "colors": None}
    return _org_chart_layout(people, **{**options, **kw})


# ------------------------------------------------------------------------------------------ colours
def test_the_twenty_department_colours_are_far_apart_in_cielab():
    lab = cielab(DEPARTMENT_PALETTE)
    i, j = np.triu_indices(len(DEPARTMENT_PALETTE), 1)
    assert len(set(DEPARTMENT_PALETTE)) == 20
    assert delta_e(lab[i], lab[j]).min() > 15  # CIEDE2000; 18.05 for the closest pair
    # and from what is not a department: the greys of "other" and "hidden", white, the ink
    for ref in cielab([OTHER_DEPARTMENTS_COLOR, HIDDEN_COLOR, "#ffffff", "#1f2933"]):
        assert delta_e(lab, np.repeat(ref[None], len(lab), axis=0)).min() > 15


def test_delta_e_reproduces_sharma_wu_dalal_test_pairs():
    # pairs 1, 7, 11, 17, 25 and 34 of Sharma, Wu & Dalal (2005), table 1
    pairs = [((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
             ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
             ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0009), 7.1792),
             ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
             ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
             ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082)]
    a, b = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    np.testing.assert_allclose(delta_e(a, b), [p[2] for p in pairs], atol=1e-4)
    np.testing.assert_allclose(delta_e(b, a), [p[2] for p in pairs], atol=1e-4)  # symmetric


def test_department_colours_never_share_a_colour_and_group_beyond_twenty():
    names = [f"Dept {i:02d}" for i in range(25)]
    colours = department_colors(names)
    own = [c for c in colours.values() if c != OTHER_DEPARTMENTS_COLOR]
    assert len(own) == 19 and len(set(own)) == 19  # the 19 first (largest) have their own
    assert {colours[d] for d in names[19:]} == {OTHER_DEPARTMENTS_COLOR}
    assert len(set(department_colors(names[:20]).values())) == 20  # twenty: each its own
    legend = department_legend(colours, ["Dept 24", "Dept 03", "Dept 20"], "zh")
    assert legend == [("Dept 03", colours["Dept 03"]), ("其他部门", OTHER_DEPARTMENTS_COLOR)]


def test_department_colours_are_stable():
    sizes = pd.Series({"Sales": 40, "IT": 12, "HR": 12, "Legal": 3})
    # by headcount, ties by name, whatever the order of the rows they were counted from
    assert list(department_colors(sizes)) == ["Sales", "HR", "IT", "Legal"]
    assert department_colors(sizes) == department_colors(sizes.iloc[::-1])
    assert department_colors(["Sales", "HR"]) == department_colors(["Sales", "HR", "Sales"])
    # the order of equal headcounts (rows read in another order) changes no colour
    assert department_colors(["Sales", "IT", "HR"]) == department_colors(["Sales", "HR", "IT"])
    assert set(department_colors(["A", "B", "C"]).values()) == set(DEPARTMENT_PALETTE[:3])
    # a figure that draws a subset looks its departments up in the organisation's list: same colours
    full = department_colors(sizes[sizes >= 5])
    assert full["IT"] == department_colors(pd.Series({"Sales": 40, "IT": 12, "HR": 12}))["IT"]


def test_the_org_chart_colours_departments_as_every_figure_does():
    people = _model(1000)
    fig = plot_org_chart(people, min_group_size=5)
    layout = _layout(people)
    sizes = people["department"].value_counts()
    expected = department_colors(sizes[sizes >= 5])
    edges = {int(p.get_gid().rsplit("-", 1)[1]): to_hex(p.get_edgecolor())
             for p in fig.axes[0].patches if (p.get_gid() or "").startswith("org-box-")}
    plan = layout.plan
    drawn = plan[(plan["kind"] == "person") & plan["department"].isin(layout.visible)]
    drawn = drawn[drawn["employee_id"] != layout.role.employee_id]
    assert len(drawn) > 10
    for b in drawn.itertuples():
        assert edges[b.box] == expected[b.department], b.department
    # two departments drawn are never in one colour
    by_colour = drawn.groupby(drawn["box"].map(edges))["department"].nunique()
    assert (by_colour == 1).all()


# ------------------------------------------------------------------------------------------ the plan
def _tree() -> pd.DataFrame:
    """CEO -> A (-> A1 with 3 reports, one of them with a report; A2 with 2), B (4 reports), an assistant:
    16 people, 6 of them managers."""
    rows = [("ceo", "Exec", None), ("asst", "Exec", "ceo"), ("a", "Ops", "ceo"), ("b", "Sales", "ceo"),
            ("a1", "Ops", "a"), ("a2", "Ops", "a")]
    rows += [(f"a1-{i}", "Ops", "a1") for i in range(3)] + [(f"a2-{i}", "Ops", "a2") for i in range(2)]
    rows += [(f"b-{i}", "Sales", "b") for i in range(4)]
    rows += [("a1-0-x", "Ops", "a1-0")]  # one more layer under A1
    return _people(rows)


def test_plan_counts_by_hand():
    plan = _org_chart_plan(_tree(), max_columns=8).set_index("employee_id")
    # CEO: 3 direct reports, 15 below; A: A1 (4 below) and A2 (2 below) -> team 8
    assert plan.loc["ceo", ["span", "team", "managers_below", "layers_below"]].tolist() == [3, 15, 5, 4]
    assert plan.loc["a", ["span", "team", "managers_below", "layers_below"]].tolist() == [2, 8, 3, 3]
    assert plan.loc["b", ["span", "team", "managers_below", "layers_below"]].tolist() == [4, 4, 0, 1]
    assert plan.loc["a1", ["span", "team", "managers_below", "layers_below"]].tolist() == [3, 4, 1, 2]
    # every layer of managers fits side by side: CEO; A and B; A1 and A2; a1-0
    assert plan["row"].to_dict() == {"ceo": 0, "a": 1, "b": 1, "a1": 2, "a2": 2, "a1-0": 3}
    assert not plan["stacked"].any()
    # not drawn: the CEO's assistant; A1's two other reports; A2's 2, B's 4; a1-0's 1
    assert plan["not_drawn"].to_dict() == {"ceo": 1, "a": 0, "b": 4, "a1": 2, "a2": 2, "a1-0": 1}
    assert len(plan) + plan["not_drawn"].sum() == 16
    # three rows at most: the fourth layer is stacked under A1; two columns: A2 is stacked under A
    three = _org_chart_plan(_tree(), max_columns=8, max_rows=3).set_index("employee_id")
    assert three["stacked"].to_dict() == {"ceo": False, "a": False, "b": False, "a1": False, "a2": False,
                                          "a1-0": True}
    narrow = _org_chart_plan(_tree(), max_columns=2).set_index("employee_id")
    assert narrow["row"].to_dict() == {"ceo": 0, "a": 1, "b": 1, "a1": 2, "a2": 2}
    assert narrow["stacked"].to_dict() == {"ceo": False, "a": False, "b": False, "a1": True, "a2": True}
    assert narrow.loc["a1", "not_drawn"] == 4 and len(narrow) + narrow["not_drawn"].sum() == 16


def test_a_manager_with_more_managers_than_fit_wraps_them_and_counts_the_rest():
    rows = [("ceo", "Exec", None)]
    for k in range(40):
        rows += [(f"m{k}", "Ops", "ceo")] + [(f"m{k}-{i}", "Ops", f"m{k}") for i in range(1 + k % 3)]
    people = _people(rows)
    plan = _org_chart_plan(people, max_columns=6)
    heads = plan[plan["row"] == 1]
    assert heads["wrap"].max() == 2 and heads["column"].max() == 5  # three lines of six columns
    assert (heads["kind"] == "person").sum() == 17
    more = heads[heads["kind"] == "more"].iloc[0]
    # teams of 3 (13 heads), of 2 (13) and of 1 (14): the 17 largest drawn, the other 23 teams counted
    # in the last box: 9 teams of 2 and 14 of 1, so 9 x 3 + 14 x 2 = 55 people with their heads
    assert sorted(heads.loc[heads["kind"] == "person", "team"], reverse=True) == [3] * 13 + [2] * 4
    assert more["teams"] == 23 and more["people"] == 55
    layout = _layout(people)
    i = int(layout.plan.index[layout.plan["kind"] == "more"][0])
    assert [x.text for x in layout.labels[i]] == [f"+ {layout.plan.loc[i, 'teams']} more teams",
                                                  f"{layout.plan.loc[i, 'people']:,} people"]


def test_two_wide_managers_share_a_row_by_water_level():
    rows = [("ceo", "Exec", None), ("a", "Ops", "ceo"), ("b", "Sales", "ceo")]
    for head, n in (("a", 9), ("b", 5)):
        for k in range(n):
            rows += [(f"{head}{k}", "Ops", head)] + [(f"{head}{k}-{i}", "Ops", f"{head}{k}") for i in range(2)]
    plan = _org_chart_plan(_people(rows), max_columns=8)
    second = plan[plan["row"] == 2]
    per = second.groupby(second["parent"].map(plan["employee_id"]))["kind"].value_counts().unstack(fill_value=0)
    # eight columns for 9 + 5 teams: four each (three drawn and one box for the rest)
    assert per.loc["a"].to_dict() == {"more": 1, "person": 3} and per.loc["b"].to_dict() == {"more": 1, "person": 3}
    assert not second["stacked"].any()
    assert plan.loc[plan["kind"] == "more", "teams"].tolist() == [6, 2]


@pytest.mark.parametrize("size", [150, 5000, 100_000])
def test_the_counts_add_up_to_the_headcount(size, generated):
    people = _people_of(size, generated)
    plan = _layout(people).plan
    managers = plan["kind"] == "person"
    counted = managers.sum() + plan["not_drawn"].sum() + plan.loc[~managers, "people"].sum()
    assert counted == len(people)
    top = plan[plan["parent"] < 0]
    assert (top["people"]).sum() == len(people)  # the top's team and the top
    assert (plan["not_drawn"] >= 0).all()


# ------------------------------------------------------------------------------------------ the drawing
@pytest.mark.parametrize("size, language", [(150, "en"), (5000, "en"), (100_000, "en"), (5000, "zh"), (150, "zh")])
def test_labels_never_overlap_and_stay_in_their_boxes(size, language, generated):
    if language == "zh" and not register_cjk_fonts():
        pytest.skip(NO_CJK_FONT)
    people = _model(size, language) if language == "zh" else _people_of(size, generated)
    fig = plot_org_chart(people, min_group_size=5, language=language)
    texts, extents, boxes, page = _drawn(fig)
    assert len(texts) > 20
    assert _overlapping(extents) == []
    for t, e in zip(texts, extents):
        assert page[0] <= e[0] and e[2] <= page[2] and page[1] <= e[1] and e[3] <= page[3], t.get_text()
        m = re.fullmatch(r"org-label-(\d+)-\d+", t.get_gid() or "")
        if m:
            box = boxes[f"org-box-{m.group(1)}"]
            assert box[0] <= e[0] and e[2] <= box[2] and box[1] <= e[1] and e[3] <= box[3], t.get_text()
    assert _overlapping(np.array(list(boxes.values())), tolerance=0.0) == []
    assert fig.get_figwidth() <= 10.0


@pytest.mark.parametrize("size", [150, 5000, 100_000])
def test_every_manager_drawn_shows_department_span_and_team(size, generated):
    people = _people_of(size, generated)
    fig = plot_org_chart(people, min_group_size=5)
    layout = _layout(people)
    drawn = _box_texts(fig)
    plan = layout.plan
    assert sorted(drawn) == plan["box"].tolist()
    for b in plan[plan["kind"] == "person"].itertuples():
        text = " ".join(drawn[b.box])
        if b.employee_id == layout.role.employee_id or b.department not in layout.visible:
            continue
        first = text.replace("…", "")
        assert b.department.startswith(first[: max(3, len(first.split(" span")[0]) - 1)].strip()), text
        assert f"span {b.span:,} · team {b.team:,}" in drawn[b.box], text
        has_children = (plan["parent"] == b.box).any()
        if not has_children and b.managers_below:
            assert f"+ {b.managers_below:,} manager" in text, text
    assert (plan["kind"] == "person").sum() >= min(size // 10, 20)


def test_the_top_is_labelled_by_its_role_never_by_name(generated):
    people = generated[150]
    top = people.loc[people["manager_id"].isna(), ["employee_id", "name", "title", "department"]].iloc[0]
    texts = " ".join(t.get_text() for t in plot_org_chart(people).findobj(Text))
    assert top["title"] in texts and top["name"] not in texts and top["employee_id"] not in texts.split()
    assert not any(name in texts for name in people["name"])
    # with show_names the top's name is added to its role, and each manager's name to their box
    named = plot_org_chart(people, show_names=True)
    first = _box_texts(named)[0]
    assert " ".join(first).startswith(top["title"]) and top["name"] in first
    # without titles the role reads "Chief executive", in Chinese 最高负责人
    bare = people.drop(columns="title")
    assert _box_texts(plot_org_chart(bare))[0][0] == "Chief executive"
    assert _box_texts(plot_org_chart(bare, language="zh"))[0][0] == "最高负责人"


def test_small_and_hidden_departments_are_never_named_nor_counted(generated):
    from orgkit.privacy import top_of_organisation

    people = generated[5000]
    sizes = people["department"].value_counts()
    small = sizes[sizes < 5].index.tolist()
    assert small  # the generator always has one (Legal)
    extra = "HR"  # a department the report hides too (so that the small one cannot be worked out)
    fig = plot_org_chart(people, min_group_size=5, hidden=[extra], top=top_of_organisation(people, 5))
    layout = _layout(people, hidden=[extra])
    words = " ".join(t.get_text() for t in fig.findobj(Text))
    for name in small + [extra]:
        assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", words), name
    drawn = _box_texts(fig)
    plan = layout.plan
    grey = plan[(plan["kind"] == "person") & ~plan["department"].isin(layout.visible)
                & (plan["employee_id"] != layout.role.employee_id)]
    assert len(grey) >= 1
    for b in grey.itertuples():
        assert drawn[b.box] == ["Other (small groups)"]  # no span, no team, no managers below
    # a box that counts several teams shows their headcount only from the minimum group size
    rows = [("ceo", "Exec", None)] + [(f"m{k}", "Ops", "ceo") for k in range(30)]
    rows += [(f"m{k}-0", "Ops", f"m{k}") for k in range(30)]
    for k, with_count in ((25, False), (5, True)):
        wide = _layout(_people(rows), min_group_size=k)  # Ops (60 people) is shown either way
        more = wide.plan.index[wide.plan["kind"] == "more"][0]
        teams, counted = int(wide.plan.loc[more, "teams"]), int(wide.plan.loc[more, "people"])
        assert "Ops" in wide.visible and 5 <= counted < 25
        assert [x.text for x in wide.labels[more]] == [f"+ {teams} more teams"] + [f"{counted} people"] * with_count


def test_a_department_of_its_own_org_chart():
    """The report's view of one department: its people only, the head(s) at the top, no role."""
    people = _model(1000)
    sales = people[people["department"] == "Sales - West"]
    fig = plot_org_chart(sales, min_group_size=5)
    texts, extents, _, _ = _drawn(fig)
    assert _overlapping(extents) == []
    plan = _layout(sales).plan
    assert plan["people"][plan["parent"] < 0].sum() == len(sales)
    assert "Chief executive" not in " ".join(t.get_text() for t in texts)


def test_the_chart_is_the_same_every_time_and_fits_given_axes():
    from matplotlib.figure import Figure

    people = _model(5000)
    assert figure_svg(plot_org_chart(people), salt="org") == figure_svg(plot_org_chart(people), salt="org")
    fig = Figure(figsize=(5, 4))
    ax = fig.add_subplot()
    assert plot_org_chart(people, ax=ax) is fig
    texts, extents, _, _ = _drawn(fig)
    assert max(t.get_fontsize() for t in texts) < 7.5  # scaled down with the chart
    assert _overlapping(extents) == []


def test_text_measure_and_wrap():
    # DejaVu Sans advances (the figures' Latin font), CJK at one em
    assert text_width("研发中心", 10) == 40.0
    assert text_width("WWW", 10) > text_width("iii", 10) * 2
    whole = text_width("Production - Plant A", 7.5)
    assert wrap_text("Production - Plant A", whole, 7.5) == ["Production - Plant A"]
    # balanced, and the dash stays at the end of the first line
    assert wrap_text("Production - Plant A", whole - 1, 7.5) == ["Production -", "Plant A"]
    research = wrap_text("Research & Development", text_width("Development", 7.5), 7.5)
    assert research == ["Research &", "Development"]
    assert wrap_text("国际业务发展部门", 25, 7.5) == ["国际业", "务发…"]  # CJK breaks anywhere, then is cut


def test_people_outside_the_reporting_lines_are_counted_in_one_box():
    people = pd.concat([_tree(), _people([("loner", "Ops", None), ("x", "Ops", "nobody-here")])], ignore_index=True)
    plan = _org_chart_plan(people, max_columns=8)
    outside = plan[plan["kind"] == "outside"]
    assert len(outside) == 1 and outside["people"].iloc[0] == 2 and outside["row"].iloc[0] == 0
    assert (plan["kind"] == "person").sum() + plan["not_drawn"].sum() + outside["people"].sum() == len(people)
    texts = " ".join(t.get_text() for t in plot_org_chart(people, min_group_size=1).findobj(Text))
    assert "+ 2 people without a manager in this chart" in texts


def test_the_report_block_has_the_chart_and_its_caption_in_both_languages():
    from markupsafe import escape

    from orgkit import from_frames
    from orgkit.i18n import t
    from orgkit.report.book import ReportBook

    rows = [("C", "Board", None, "Founder & CEO")]
    for dept, n in (("Sales", 15), ("Ops", 12), ("Legal", 3)):
        rows += [(f"{dept}0", dept, "C", f"Head of {dept}")]
        rows += [(f"{dept}{i}", dept, f"{dept}0", "Specialist") for i in range(1, n)]
    people = pd.DataFrame(rows, columns=["employee_id", "department", "manager_id", "title"])
    book = ReportBook(from_frames(people, settings={"min_group_size": 5}))
    for language in ("en", "zh"):
        book.language = language
        markup = book.org_chart().markup
        assert str(escape(t("caption.org_chart", language))) in markup and 'id="fig-org_chart"' in markup
    import base64

    svg = base64.b64decode(re.search(r"base64,([^\"]+)", book.org_chart().markup).group(1)).decode()
    assert "Founder &amp; CEO" in svg and "Legal" not in svg and "Board" not in svg
