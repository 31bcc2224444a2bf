"""Survey items shown by their questions: the client's wording, else the bundled questionnaire's, else the id;
in the report's language; wrapped on two lines at most; reverse-worded items marked in words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from orgkit.areas.survey import analyze_survey, default_items, item_labels, resolve_items
from orgkit.data.loading import from_frames
from orgkit.plots.style import wrap_label
from orgkit.plots.survey import plot_item_diverging_bars

BUNDLED = default_items().set_index("item")


def _client(items: pd.DataFrame | None, columns: list[str], language: str = "en"):
    """Ten people of Sales answering ``columns`` (answers 1..5 twice), with the client's item list ``items``."""
    people = pd.DataFrame({"employee_id": [f"s{i}" for i in range(10)], "department": ["Sales"] * 10})
    answers = {c: [1, 2, 3, 4, 5] * 2 for c in columns}
    survey = pd.DataFrame({"department": ["Sales"] * 10, **answers})
    return from_frames(people, survey=survey, survey_items=items, settings={"name": "t", "language": language})


# ------------------------------------------------------------------------------------------ which wording
def test_labels_in_the_report_language_then_the_other_then_the_id():
    items = pd.DataFrame({"item": ["a", "b", "c", "d"],
                          "text": ["Alpha question", "", "Gamma question", ""],
                          "text_zh": ["甲题", "乙题", "", ""]})
    assert item_labels(items, "en").tolist() == ["Alpha question", "乙题", "Gamma question", "d"]
    assert item_labels(items, "zh").tolist() == ["甲题", "乙题", "Gamma question", "d"]
    assert item_labels(items[["item"]], "en").tolist() == ["a", "b", "c", "d"]  # no wording at all


def test_bundled_questionnaire_without_an_item_list_has_its_questions():
    items = resolve_items(_client(None, ["rc1", "RC4"]))
    assert items["text"].tolist() == [BUNDLED.loc["rc1", "text"], BUNDLED.loc["rc4", "text"]]
    assert item_labels(items, "zh").tolist() == [BUNDLED.loc["rc1", "text_zh"], BUNDLED.loc["rc4", "text_zh"]]


def test_client_item_list_wording_first_then_the_bundled_one_for_the_same_id_and_dimension():
    listed = pd.DataFrame({
        "item": ["rc1", "RC2", "rc3", "cc1", "q9", "q10"],
        "dimension": ["role_clarity", "role_clarity", "growth", "communication", "growth", "growth"],
        "text": ["Our own wording.", "", "", "", "", "我能按时拿到信息。"],
        "text_zh": ["", "", "", "自己的措辞。", "", ""],
    })
    items = resolve_items(_client(listed, list(listed["item"]))).set_index("item")
    en = item_labels(items.reset_index(), "en").set_axis(items.index)
    zh = item_labels(items.reset_index(), "zh").set_axis(items.index)
    # the client's own English wording; its Chinese one is the bundled questionnaire's (same id and dimension)
    assert en["rc1"] == "Our own wording." and zh["rc1"] == BUNDLED.loc["rc1", "text_zh"]
    # no wording, an id of the questionnaire in another case: the questionnaire's, in both languages
    assert en["RC2"] == BUNDLED.loc["rc2", "text"] and zh["RC2"] == BUNDLED.loc["rc2", "text_zh"]
    # rc3 measures growth here, not role clarity: not the questionnaire's question, so the id
    assert en["rc3"] == "rc3" and zh["rc3"] == "rc3"
    # the client's Chinese wording in Chinese; in English the questionnaire's wording of cc1
    assert zh["cc1"] == "自己的措辞。" and en["cc1"] == BUNDLED.loc["cc1", "text"]
    # an item of the client's own without wording: its id
    assert en["q9"] == "q9" and zh["q9"] == "q9"
    # a Chinese text column (题目) is the Chinese wording: in Chinese as given, in English too (nothing else)
    assert items.loc["q10", "text_zh"] == "我能按时拿到信息。" and items.loc["q10", "text"] == ""
    assert zh["q10"] == "我能按时拿到信息。" and en["q10"] == "我能按时拿到信息。"


# ------------------------------------------------------------------------------------------ wrapping
def test_wrap_two_lines_at_most_with_an_ellipsis():
    text = "one two three four five six seven eight nine ten"
    assert wrap_label(text, 14) == "one two three\nfour five six…"
    assert wrap_label("short", 14) == "short"
    assert wrap_label(text, 14, max_lines=3) == "one two three\nfour five six\nseven eight…"
    for width in (10, 14, 20):
        lines = wrap_label(text, width).split("\n")
        assert len(lines) <= 2 and all(len(line) <= width for line in lines)


def test_wrap_keeps_the_suffix_whole():
    text = "Decisions often go through more approval steps than they need."
    out = wrap_label(text, 30, suffix="(reverse-worded)")
    assert out.split("\n") == ["Decisions often go through", "more approva… (reverse-worded)"]
    assert wrap_label("Short one.", 30, suffix="(reverse-worded)") == "Short one. (reverse-worded)"
    assert wrap_label("A question that fills its line", 30, suffix="(R-w)") == "A question that fills its line\n(R-w)"


def test_wrap_chinese_counts_two_columns_and_keeps_punctuation_with_its_text():
    assert wrap_label("我清楚地知道自己负责哪些工作。", 14) == "我清楚地知道自\n己负责哪些工作。"  # 。 never starts a line
    assert wrap_label("我清楚地知道自己负责哪些工作。", 8) == "我清楚地\n知道自…"
    assert wrap_label("决策往往要经过不必要的多道审批。", 22, suffix="（反向题）") == "决策往往要经过不必要的\n多道审批。（反向题）"
    assert wrap_label("决策往往要经过不必要的多道审批。", 20, suffix="（反向题）") == "决策往往要经过不必要\n的多道审…（反向题）"


def test_a_word_longer_than_the_line_is_cut():
    assert wrap_label("Supercalifragilistic", 8) == "Supercal\nifragil…"


# ------------------------------------------------------------------------------------------ the figure
def _items(n: int, **extra) -> pd.DataFrame:
    ids = [f"rc{i + 1}" for i in range(5)] + [f"cc{i + 1}" for i in range(5)] + [f"ds{i + 1}" for i in range(5)]
    ids = ids[:n]
    frame = BUNDLED.loc[ids].reset_index()
    return frame.assign(favourable=0.5, neutral=0.2, unfavourable=0.3, suppressed=False, **extra)


def _ticks(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_yticklabels()]


def test_figure_shows_questions_grouped_by_dimension_in_english():
    fig = plot_item_diverging_bars(_items(7), language="en")
    ticks = _ticks(fig)
    assert ticks[0] == "Role clarity" and ticks[6] == "Communication"
    assert ticks[1] == "I know exactly what I am responsible for."
    assert ticks[4].endswith("(reverse-worded)") and "(R)" not in "".join(ticks)  # rc4, in words
    assert all(len(t.split("\n")) <= 2 for t in ticks)
    assert "Reverse-worded" in fig.axes[0].get_xlabel()
    bars = [p for p in fig.axes[0].patches if p.get_width() > 0]
    assert len(bars) == 3 * 7 and {round(p.get_y() + p.get_height() / 2) for p in bars} == {1, 2, 3, 4, 5, 7, 8}


def test_figure_in_chinese_uses_the_chinese_questions():
    fig = plot_item_diverging_bars(_items(5), language="zh")
    ticks = _ticks(fig)
    assert ticks[0] == "我清楚地知道自己负责哪些工作。"  # one dimension: no heading
    assert ticks[3].replace("\n", "").endswith("（反向题）") and "\n" in ticks[3]
    ticks = _ticks(plot_item_diverging_bars(_items(6), language="zh"))
    assert ticks[0] == "职责清晰" and ticks[6] == "跨部门沟通"


def test_figure_without_wording_shows_the_ids_and_no_headings_for_one_dimension():
    items = pd.DataFrame({"item": ["x1", "x2"], "dimension": ["d", "d"], "reverse": [False, True],
                          "favourable": [0.5, 0.4], "neutral": [0.2, 0.2], "unfavourable": [0.3, 0.4]})
    ticks = _ticks(plot_item_diverging_bars(items))
    assert ticks == ["x1", "x2 (reverse-worded)"]


def test_figure_height_grows_with_the_number_of_questions():
    heights = [plot_item_diverging_bars(_items(n)).get_figheight() for n in (3, 9, 15)]
    assert heights[0] < heights[1] < heights[2]
    one_line = _items(4).assign(text=["A", "B", "C", "D"])
    assert plot_item_diverging_bars(one_line).get_figheight() < plot_item_diverging_bars(_items(4)).get_figheight()


# ------------------------------------------------------------------------------------------ tables
@pytest.mark.parametrize("language", ["en", "zh"])
def test_reliability_table_names_the_questions_that_lower_alpha(language):
    from orgkit.report.book import ReportBook

    people = pd.DataFrame({"employee_id": [f"s{i}" for i in range(10)], "department": ["Sales"] * 10})
    survey = pd.DataFrame({"department": ["Sales"] * 10,
                           "rc1": [1, 2, 3, 4, 5, 1, 2, 3, 4, 5],
                           "rc2": [1, 2, 3, 4, 5, 2, 2, 3, 4, 4],
                           "rc3": [5, 4, 3, 2, 1, 3, 3, 3, 3, 3]})  # runs against the other two
    client = from_frames(people, survey=survey, settings={"name": "t", "language": language})
    s = analyze_survey(client)
    lowers = s.alpha_if_deleted.set_index("item")["lowers_alpha"]
    assert bool(lowers["rc3"]) and not bool(lowers["rc1"])
    markup = ReportBook(client).survey_reliability().markup
    text = "text" if language == "en" else "text_zh"
    assert BUNDLED.loc["rc3", text] in markup.replace("&#39;", "'")
    assert BUNDLED.loc["rc1", text] not in markup
    assert "rc3" not in markup


def test_items_table_keeps_its_wording_through_the_analysis():
    s = analyze_survey(_client(None, ["rc1", "ds4"]))
    assert item_labels(s.items, "en").tolist() == [BUNDLED.loc["rc1", "text"], BUNDLED.loc["ds4", "text"]]
    assert np.array_equal(s.items["reverse"].to_numpy(), [False, True])
