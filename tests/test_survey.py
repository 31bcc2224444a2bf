"""Tests of orgkit.areas.survey and orgkit.plots.survey: hand-computed values on tiny named cases, the bundled
questionnaire, and the Bliese army company surveys (real Likert microdata) against independent numpy."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orgkit.errors import ConfigError, ValidationError
from orgkit.data.loading import from_frames
from orgkit.interpretation import link_to_areas
from orgkit.areas.reliability import alpha_if_item_deleted, cronbach_alpha, icc1, icc2, rwg
from orgkit.areas.survey import (
    TOTAL,
    analyze_survey,
    complementary_suppression,
    default_items,
    resolve_items,
    score_respondents,
)

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "orgkit" / "resources" / "templates" / "survey"
T_975 = {4: 2.7764451051977987, 10: 2.2281388519649385}  # Student t quantiles (tables)


def make_client(departments: list[str], answers: dict[str, list], *, headcount: dict[str, int] | None = None,
                comments: list[str] | None = None, items: pd.DataFrame | None = None,
                previous: pd.DataFrame | None = None, min_group_size: int = 5,
                comment_min_group_size: int = 10):
    """A client through the lead's loader: survey rows = ``departments`` + item ``answers`` (None = blank)."""
    heads = dict(pd.Series(departments).value_counts()) if headcount is None else headcount
    ids = [f"{d}-{i}" for d, n in heads.items() for i in range(n)]
    people = pd.DataFrame({"employee_id": ids, "department": [i.rsplit("-", 1)[0] for i in ids]})
    survey = pd.DataFrame({"department": departments, **answers})
    if comments is not None:
        survey["comment"] = comments
    return from_frames(people, survey=survey, survey_items=items, survey_previous=previous,
                       settings={"name": "t", "min_group_size": min_group_size,
                                 "comment_min_group_size": comment_min_group_size})


# --------------------------------------------------------------------------------------------------
# Cronbach's alpha
# --------------------------------------------------------------------------------------------------
# Three items x four people (columns a, b, c):
#   a = 1 2 4 5   mean 3    squares of deviations 4 1 1 4          -> var 10/3
#   b = 2 2 3 5   mean 3    1 1 0 4                                -> var 6/3 = 2
#   c = 2 3 4 5   mean 3.5  2.25 .25 .25 2.25                      -> var 5/3
#   sum of item variances = 7
#   totals 5 7 11 15, mean 9.5, squares 20.25 6.25 2.25 30.25      -> var 59/3
#   alpha = 3/2 * (1 - 7 / (59/3)) = 3/2 * 38/59 = 57/59
THREE_BY_FOUR = pd.DataFrame({"a": [1, 2, 4, 5], "b": [2, 2, 3, 5], "c": [2, 3, 4, 5]})


def test_alpha_three_items_four_people():
    assert cronbach_alpha(THREE_BY_FOUR) == pytest.approx(57 / 59)


def test_alpha_listwise_deletion():
    with_gap = pd.concat([THREE_BY_FOUR, pd.DataFrame({"a": [3], "b": [np.nan], "c": [1]})], ignore_index=True)
    assert cronbach_alpha(with_gap) == pytest.approx(57 / 59)


def test_alpha_degenerate():
    assert cronbach_alpha(THREE_BY_FOUR[["a"]]) is None  # one item
    assert cronbach_alpha(THREE_BY_FOUR.iloc[:2]) is None  # two complete cases
    assert cronbach_alpha(pd.DataFrame({"a": [3, 3, 3], "b": [4, 4, 4]})) is None  # zero total variance


def test_alpha_if_item_deleted():
    # without a: b+c totals 4 5 7 10, var 21/3 = 7, item vars 2 + 5/3 = 11/3 -> 2 (1 - 11/21) = 20/21
    # without b: a+c totals 3 5 8 10, var 29/3, item vars 10/3 + 5/3 = 5 -> 2 (1 - 15/29) = 28/29
    # without c: a+b totals 3 4 7 10, var 30/3 = 10, item vars 10/3 + 2 = 16/3 -> 2 (1 - 16/30) = 14/15
    got = alpha_if_item_deleted(THREE_BY_FOUR)
    assert list(got.index) == ["a", "b", "c"]
    assert got.to_numpy() == pytest.approx([20 / 21, 28 / 29, 14 / 15])
    assert alpha_if_item_deleted(THREE_BY_FOUR[["a", "b"]]).isna().all()  # one item would be left


# --------------------------------------------------------------------------------------------------
# rwg, ICC
# --------------------------------------------------------------------------------------------------
def test_rwg_single_item():
    # group A answers 4 4 5: s^2 = 1/3, null variance (25 - 1)/12 = 2 -> rwg = 1 - (1/3)/2 = 5/6
    got = rwg(pd.Series([4, 4, 5]), ["A", "A", "A"])
    assert got.loc["A", "rwg"] == pytest.approx(5 / 6)
    assert got.loc["A", "n"] == 3


def test_rwg_j_two_items():
    # A: item variances 1/3 and 1/3 -> r = (1/3)/2 = 1/6; rwg(2) = 2(5/6) / (2(5/6) + 1/6) = 10/11
    # B: 1,5 and 5,1 -> variances 8 > 2 -> truncated to 0
    x = pd.DataFrame({"a": [4, 4, 5, 1, 5], "b": [4, 5, 5, 5, 1]})
    got = rwg(x, ["A", "A", "A", "B", "B"])
    assert got.loc["A", "rwg"] == pytest.approx(10 / 11)
    assert got.loc["B", "rwg"] == 0.0


def test_rwg_perfect_agreement_and_one_person():
    got = rwg(pd.DataFrame({"a": [3, 3, 3, 2]}), ["A", "A", "A", "B"])
    assert got.loc["A", "rwg"] == 1.0
    assert math.isnan(got.loc["B", "rwg"])  # one respondent: no variance


def test_icc_two_groups():
    # groups (1,2,3) and (3,4,5): means 2 and 4, grand mean 3
    # SSB = 3*1 + 3*1 = 6, df 1 -> MSB 6; SSW = 2 + 2 = 4, df 4 -> MSW 1; k = 6/2 = 3
    # ICC(1) = (6 - 1) / (6 + 2*1) = 5/8; ICC(2) = (6 - 1)/6 = 5/6
    scores, groups = [1, 2, 3, 3, 4, 5], ["a", "a", "a", "b", "b", "b"]
    assert icc1(scores, groups) == pytest.approx(5 / 8)
    assert icc2(scores, groups) == pytest.approx(5 / 6)


def test_icc_degenerate():
    assert icc1([1, 2, 3], ["a", "a", "a"]) is None  # one group
    assert icc1([1, 2, 3], ["a", "b", "c"]) is None  # nobody shares a group
    assert icc1([3, 3, 3, 3], ["a", "a", "b", "b"]) is None  # no variance at all
    assert icc2([3, 3, 3, 3], ["a", "a", "b", "b"]) is None


# --------------------------------------------------------------------------------------------------
# suppression rule
# --------------------------------------------------------------------------------------------------
def _cs(sizes: dict, mgs: int = 5) -> list:
    s = pd.Series(sizes)
    return sorted(s.index[complementary_suppression(s, s < mgs, mgs)])


def test_complementary_one_small_group():
    assert _cs({"A": 3, "B": 6, "C": 8, "D": 20}) == ["A", "B"]


def test_complementary_two_small_groups_too_small_together():
    assert _cs({"A": 1, "B": 2, "C": 8, "D": 20}) == ["A", "B", "C"]  # pool of 3 < 5: add C


def test_complementary_two_small_groups_large_enough_together():
    assert _cs({"A": 3, "B": 4, "C": 8, "D": 20}) == ["A", "B"]


def test_complementary_nothing_small():
    assert _cs({"A": 5, "B": 6}) == []


def test_complementary_empty_groups_do_not_trigger():
    assert _cs({"A": 0, "B": 6, "C": 7}) == ["A"]


def test_complementary_ties_by_name():
    assert _cs({"Z": 2, "C": 9, "B": 9, "D": 30}) == ["B", "Z"]


# --------------------------------------------------------------------------------------------------
# scoring in analyze_survey
# --------------------------------------------------------------------------------------------------
def test_reverse_items_flipped():
    items = pd.DataFrame({"item": ["p", "q"], "dimension": ["d", "d"], "reverse": [False, True]})
    survey = pd.DataFrame({"p": pd.array([5, 2], dtype="Int64"), "q": pd.array([2, 5], dtype="Int64")})
    # respondent 1: (5 + (6-2)) / 2 = 4.5; respondent 2: (2 + (6-5)) / 2 = 1.5
    assert score_respondents(survey, items)["d"].tolist() == [4.5, 1.5]


def test_one_department_shares_mean_and_ci():
    # rc1 = 5 4 3 2 1; rc4 (reverse) = 1 1 3 5 blank -> scored 5 5 3 1
    # answers: favourable 5,4,5,5 = 4/9, neutral 3,3 = 2/9, unfavourable 2,1,1 = 3/9
    # respondent scores: 5, 4.5, 3, 1.5, 1 -> mean 3; deviations 2 1.5 0 -1.5 -2, SS 12.5, sd sqrt(3.125)
    c = make_client(["Ops"] * 5, {"rc1": [5, 4, 3, 2, 1], "rc4": [1, 1, 3, 5, None]})
    r = analyze_survey(c)
    d = r.metrics["dimensions"]["role_clarity"]
    half = T_975[4] * math.sqrt(3.125) / math.sqrt(5)
    assert d["mean"] == pytest.approx(3.0)
    assert (d["favourable"], d["neutral"], d["unfavourable"]) == pytest.approx((4 / 9, 2 / 9, 3 / 9))
    assert d["n"] == 5
    assert (d["ci_low"], d["ci_high"]) == pytest.approx((3 - half, 3 + half))
    assert r.score == pytest.approx(round(100 * 4 / 9, 1))
    items = r.items.set_index("item")
    assert items.loc["rc1", "unfavourable"] == pytest.approx(2 / 5)
    assert bool(items.loc["rc4", "suppressed"]) and pd.isna(items.loc["rc4", "favourable"])  # 4 answers < 5
    items4 = analyze_survey(c, min_group_size=4).items.set_index("item")
    assert items4.loc["rc4", "favourable"] == pytest.approx(2 / 4)  # 5, 5 of 5, 5, 3, 1 after reversing


def test_one_person_department():
    c = make_client(["Solo"], {"rc1": [4]}, min_group_size=1)
    r = analyze_survey(c)
    d = r.metrics["dimensions"]["role_clarity"]
    assert d["mean"] == 4.0 and d["n"] == 1
    assert d["ci_low"] is None and d["ci_high"] is None  # no interval from one score
    assert math.isnan(r.rwg_by_department.set_index("department").loc["Solo", "rwg"])
    assert r.metrics["agreement"]["role_clarity"]["icc1"] is None
    assert r.metrics["alpha"]["role_clarity"] is None  # one item


def test_score_is_mean_favourable_over_dimensions():
    # role_clarity: 4 4 4 4 4 -> 100 % favourable; communication: 2 2 2 4 4 -> 40 %
    c = make_client(["A"] * 5, {"rc1": [4] * 5, "cc1": [2, 2, 2, 4, 4]})
    r = analyze_survey(c)
    assert r.metrics["favourable"] == pytest.approx({"role_clarity": 1.0, "communication": 0.4})
    assert r.score == pytest.approx(70.0)


def test_response_rate_and_unknown_department():
    # Sales: 6 of 8 answered; "Temps" is not in people: headcount None; overall 6/(8+2) known
    c = make_client(["Sales"] * 6 + ["Temps"] * 5, {"rc1": [4] * 11},
                    headcount={"Sales": 8, "Legal": 2})
    r = analyze_survey(c)
    rates = r.response_rates.set_index("department")
    assert rates.loc["Sales", "response_rate"] == pytest.approx(6 / 8)
    assert pd.isna(rates.loc["Temps", "headcount"]) and rates.loc["Temps", "respondents"] == 5
    assert pd.isna(rates.loc["Temps", "response_rate"])
    assert r.metrics["response_rate"] == pytest.approx(6 / 10)
    assert bool(rates.loc["Legal", "suppressed"])  # nobody answered: hidden, nothing to recover
    assert "Legal" in r.suppressed_groups


def test_suppression_complementary_in_every_table():
    # A has 3 respondents (< 5) -> hidden; B (6) is the next smallest and is hidden too, so A cannot be
    # recovered as total - B - C - D. C (8) and D (20) are shown.
    depts = ["A"] * 3 + ["B"] * 6 + ["C"] * 8 + ["D"] * 20
    vals = [1, 2, 1] + [5] * 6 + [4] * 8 + [3] * 20
    c = make_client(depts, {"rc1": vals, "rc2": vals})
    r = analyze_survey(c)
    assert r.suppressed_groups == ["A", "B"]
    assert r.metrics["suppressed_groups"] == ["A", "B"]
    assert r.by_department.loc[["A", "B"], "role_clarity"].isna().all()
    assert r.by_department_mask.loc[["A", "B"]].all().all()
    assert r.by_department.loc["C", "role_clarity"] == 4.0
    assert r.by_department.loc["D", "role_clarity"] == 3.0
    for table in (r.dimensions, r.items_by_department, r.response_rates, r.rwg_by_department):
        hidden = table[table["department"].isin(["A", "B"])]
        assert hidden["suppressed"].all()
        numbers = hidden.select_dtypes("number").drop(columns=["headcount"], errors="ignore")
        assert numbers.isna().all().all()
    # the overall row is shown (37 respondents) and is the true total
    total = r.dimensions[r.dimensions["department"] == TOTAL].set_index("dimension")
    assert total.loc["role_clarity", "mean"] == pytest.approx(sum(vals) / 37)


def test_small_cell_in_large_department():
    # D has 20 respondents but only 2 answered rc2: that cell is hidden, and C's rc2 cell with it
    depts = ["C"] * 8 + ["D"] * 20
    rc2 = [4] * 8 + [5, 5] + [None] * 18
    c = make_client(depts, {"rc1": [4] * 28, "rc2": rc2, "cc1": [3] * 28})
    r = analyze_survey(c)
    cells = r.items_by_department.set_index(["department", "item"])
    assert bool(cells.loc[("D", "rc2"), "suppressed"]) and bool(cells.loc[("C", "rc2"), "suppressed"])
    assert not cells.loc[("D", "rc1"), "suppressed"]
    assert r.suppressed_groups == []


def test_whole_survey_below_threshold():
    c = make_client(["A"] * 3, {"rc1": [5, 5, 1]})
    r = analyze_survey(c)
    assert r.score is None
    assert r.metrics["dimensions"]["role_clarity"]["mean"] is None
    assert r.metrics["suppressed_groups"] == ["A"]
    assert r.by_department.isna().all().all()


def test_comments_threshold():
    # X has 10 respondents (shown), Y has 9 (never shown, even with a visible score)
    depts = ["X"] * 10 + ["Y"] * 9
    comments = ["zebra", "", "apple"] + [""] * 7 + ["from y"] + [""] * 8
    c = make_client(depts, {"rc1": [4] * 19}, comments=comments)
    r = analyze_survey(c)
    assert r.comments.to_dict("list") == {"department": ["X", "X"], "comment": ["apple", "zebra"]}
    assert "respondent_id" not in r.comments.columns
    assert analyze_survey(c, comment_min_group_size=9).comments["department"].tolist() == ["X", "X", "Y"]
    assert analyze_survey(c, comment_min_group_size=11).comments.empty


def test_no_survey():
    c = from_frames(pd.DataFrame({"employee_id": ["1"], "department": ["A"]}), settings={"name": "t"})
    r = analyze_survey(c)
    assert r.metrics["available"] is False and r.metrics["reason"]
    assert r.score is None


def test_bad_threshold():
    c = make_client(["A"] * 5, {"rc1": [4] * 5})
    with pytest.raises(ConfigError, match="min_group_size"):
        analyze_survey(c, min_group_size=0)


def test_metrics_are_json_safe():
    depts = ["A"] * 3 + ["B"] * 6 + ["C"] * 8
    c = make_client(depts, {"rc1": [4, 5, 2] * 5 + [1, 2], "cc3": [2] * 17},
                    previous=pd.DataFrame({"department": depts, "rc1": [3] * 17, "cc3": [4] * 17}))
    m = analyze_survey(c).metrics
    json.dumps(m, allow_nan=False)

    def walk(x):
        if isinstance(x, dict):
            assert all(isinstance(k, str) for k in x)
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        else:
            assert x is None or type(x) in (int, float, str, bool)

    walk(m)


# --------------------------------------------------------------------------------------------------
# items
# --------------------------------------------------------------------------------------------------
def test_unmapped_item_is_a_warning():
    c = make_client(["A"] * 5, {"rc1": [4] * 5, "extra": [3] * 5})
    r = analyze_survey(c)
    assert r.metrics["unmapped_items"] == ["extra"]
    assert any("extra" in w for w in r.warnings)


def test_no_item_maps_raises():
    c = make_client(["A"] * 5, {"q1": [4] * 5, "q2": [3] * 5})
    with pytest.raises(ValidationError, match="none of the 2 item column"):
        analyze_survey(c)


def test_resolve_items_uses_client_items_and_matches_case():
    items = pd.DataFrame({"item": ["Q1", "Q2"], "dimension": ["morale", "morale"], "reverse": ["false", "true"]})
    c = make_client(["A"] * 5, {"Q1": [4] * 5, "Q2": [2] * 5}, items=items)
    got = resolve_items(c)
    assert got[["item", "dimension"]].values.tolist() == [["Q1", "morale"], ["Q2", "morale"]]
    assert got["reverse"].tolist() == [False, True]
    assert analyze_survey(c).metrics["mean"] == {"morale": 4.0}  # (4 + (6 - 2)) / 2
    c2 = make_client(["A"] * 5, {"RC1": [4] * 5})
    assert resolve_items(c2)["item"].tolist() == ["RC1"]


# --------------------------------------------------------------------------------------------------
# change against a previous wave
# --------------------------------------------------------------------------------------------------
def test_change_welch():
    # now 4 5 4 5 4 5 (mean 4.5), before 2 3 2 3 2 3 (mean 2.5); both variances 1.5/5 = 0.3
    # se = sqrt(0.3/6 + 0.3/6) = sqrt(0.1); Welch df = 0.1^2 / (2 * 0.05^2 / 5) = 10
    from scipy import stats

    now, before = [4, 5] * 3, [2, 3] * 3
    prev = pd.DataFrame({"department": ["A"] * 6, "rc1": before})
    c = make_client(["A"] * 6, {"rc1": now}, previous=prev)
    r = analyze_survey(c)
    row = r.change[(r.change["department"] == "A") & (r.change["dimension"] == "role_clarity")].iloc[0]
    half = T_975[10] * math.sqrt(0.1)
    assert row["mean_change"] == pytest.approx(2.0)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((2 - half, 2 + half))
    assert row["favourable_change"] == pytest.approx(1.0)
    assert row["p_value"] == pytest.approx(stats.ttest_ind(now, before, equal_var=False).pvalue)
    assert bool(row["significant"])
    assert r.metrics["change"]["role_clarity"]["mean_change"] == pytest.approx(2.0)


def test_change_hides_departments_small_in_either_wave():
    # B had 3 respondents last time: its change (and C's, complementary) is hidden; A is shown
    now = pd.Series(["A"] * 10 + ["B"] * 8 + ["C"] * 9)
    prev = pd.DataFrame({"department": ["A"] * 10 + ["B"] * 3 + ["C"] * 9, "rc1": [3] * 22})
    c = make_client(list(now), {"rc1": [4] * 27}, previous=prev)
    r = analyze_survey(c)
    ch = r.change.set_index("department")
    assert bool(ch.loc["B", "suppressed"]) and bool(ch.loc["C", "suppressed"])
    assert not ch.loc["A", "suppressed"] and ch.loc["A", "mean_change"] == pytest.approx(1.0)
    assert r.suppressed_groups == []  # this wave shows every department
    assert ch.loc[["B", "C"], "mean_change"].isna().all()


# --------------------------------------------------------------------------------------------------
# links to the other areas
# --------------------------------------------------------------------------------------------------
def test_link_to_areas_rules():
    survey = pd.DataFrame({"communication": [2.8, 4.1, np.nan, 3.0]}, index=["A", "B", "C", "D"])
    net = pd.DataFrame({"department": ["A", "B", "C", "D"], "ei_index": [-0.6, -0.5, -0.9, 0.3],
                        "density": [0.4, 0.5, 0.6, 0.1]})
    out = link_to_areas(survey, net)
    assert out["felt_silo"].tolist() == [True, False, pd.NA, False]
    assert "density" in out.columns
    flagged = link_to_areas(survey, net.assign(silo=[False, True, True, True]))
    assert flagged["structural_silo"].tolist() == [False, True, True, True]
    assert flagged["felt_silo"].tolist() == [False, False, pd.NA, True]
    expected = link_to_areas(survey, net.assign(ei_index_expected=[-0.7, 0, 0, 0]))
    assert expected["structural_silo"].tolist() == [False, True, True, False]
    assert expected["felt_silo"].tolist() == [False, False, pd.NA, False]
    unknown = link_to_areas(survey, net[["department", "density"]])
    assert unknown["structural_silo"].isna().all()
    assert unknown["felt_silo"].tolist() == [pd.NA, False, pd.NA, pd.NA]


# --------------------------------------------------------------------------------------------------
# the bundled questionnaire
# --------------------------------------------------------------------------------------------------
ORIGINAL_IDS = {
    "role_clarity": ["rc1", "rc2", "rc3", "rc4", "rc5"], "communication": ["cc1", "cc2", "cc3", "cc4", "cc5"],
    "decision_speed": ["ds1", "ds2", "ds3", "ds4", "ds5"], "growth": ["gi1", "gi2", "gi3", "gi4", "gi5"],
    "customer_focus": ["cf1", "cf2", "cf3", "cf4"], "collaboration": ["co1", "co2", "co3", "co4"],
}
ORIGINAL_REVERSE = {"rc4", "cc3", "ds4", "gi4", "cf3", "co3"}


def _read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_default_items_keep_ids_dimensions_and_reverse_flags():
    items = default_items()
    assert {d: list(g["item"]) for d, g in items.groupby("dimension", sort=False)} == ORIGINAL_IDS
    assert set(items.loc[items["reverse"], "item"]) == ORIGINAL_REVERSE
    assert (items["text"].str.len() > 15).all() and (items["text_zh"].str.len() > 5).all()
    assert items["text"].is_unique and items["text_zh"].is_unique


@pytest.fixture(scope="module")
def written_questionnaire(tmp_path_factory):
    from orgkit.questionnaire import write_questionnaire

    folder = tmp_path_factory.mktemp("questionnaire")
    write_questionnaire(folder)
    return folder


def test_template_survey_items_equal_default_items(written_questionnaire):
    rows = _read_csv(written_questionnaire / "survey_items.csv")
    got = pd.DataFrame(rows)
    got["reverse"] = got["reverse"] == "true"
    pd.testing.assert_frame_equal(got[default_items().columns].astype({"reverse": bool}),
                                  default_items(), check_dtype=False)


def test_questionnaire_csvs_have_same_ids_in_both_languages():
    en = _read_csv(TEMPLATES / "questionnaire_en.csv")
    zh = _read_csv(TEMPLATES / "questionnaire_zh.csv")
    items = default_items()
    assert [r["item"] for r in en] == [r["item"] for r in zh] == items["item"].tolist()
    assert [r["reverse"] == "true" for r in zh] == items["reverse"].tolist()
    assert [r["question"] for r in en] == items["text"].tolist()
    assert [r["question"] for r in zh] == items["text_zh"].tolist()
    assert [en[0][f"scale_{i}"] for i in (1, 5)] == ["Strongly disagree", "Strongly agree"]
    assert [zh[0][f"scale_{i}"] for i in (1, 5)] == ["非常不同意", "非常同意"]
    header = _read_csv(TEMPLATES / "survey_template.csv")
    assert header == []  # header only
    with open(TEMPLATES / "survey_template.csv", encoding="utf-8") as f:
        assert f.readline().strip().split(",") == ["department", *items["item"], "comment"]


def test_shipped_questionnaire_files_are_what_orgkit_writes(written_questionnaire):
    """One source: the CSV files shipped in templates/survey/ are exactly what write_questionnaire writes."""
    for path in sorted(TEMPLATES.glob("*.csv")):
        assert path.read_bytes() == (written_questionnaire / path.name).read_bytes(), path.name


def test_questionnaire_is_never_written_over_another_file(tmp_path):
    from orgkit.errors import OutputError
    from orgkit.questionnaire import write_questionnaire

    (tmp_path / "survey_items.csv").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="survey_items.csv"):
        write_questionnaire(tmp_path)
    assert (tmp_path / "survey_items.csv").read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / "questionnaire_en.html").exists()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_printable_questionnaire_is_self_contained(language, written_questionnaire):
    text = (written_questionnaire / f"questionnaire_{language}.html").read_text(encoding="utf-8")
    assert "size: A4" in text
    for external in ("http://", "https://", "src=", "@import", "<link"):
        assert external not in text
    col = "text" if language == "en" else "text_zh"
    for question in default_items()[col]:
        assert question in text or question.replace("'", "&#x27;") in text


def test_template_items_load_as_a_client_file(written_questionnaire):
    items = pd.DataFrame(_read_csv(written_questionnaire / "survey_items.csv"))
    answers = {i: [2 if i in ORIGINAL_REVERSE else 4] * 5 for i in items["item"]}
    r = analyze_survey(make_client(["A"] * 5, answers, items=items))
    assert r.metrics["mean"] == {d: 4.0 for d in ORIGINAL_IDS}  # reverse items: 6 - 2
    assert r.items["text"].tolist() == default_items()["text"].tolist()


# --------------------------------------------------------------------------------------------------
# real data: Bliese's army company climate survey (lq2002)
# --------------------------------------------------------------------------------------------------
LEAD = [f"LEAD{i:02d}" for i in range(1, 12)]


@pytest.fixture(scope="module")
def lq2002(shared_data):
    return pd.read_csv(shared_data / "army_unit_surveys_bliese" / "lq2002.csv")


@pytest.fixture(scope="module")
def lq_client(lq2002):
    people = pd.DataFrame({"employee_id": lq2002["SUB"], "department": lq2002["COMPID"]})
    survey = pd.concat([pd.DataFrame({"respondent_id": lq2002["SUB"], "department": lq2002["COMPID"]}),
                        lq2002[LEAD]], axis=1)
    items = pd.DataFrame({"item": LEAD, "dimension": "leadership", "reverse": "false"})
    return from_frames(people, survey=survey, survey_items=items, settings={"name": "lq2002"})


@pytest.mark.realdata
def test_lq2002_alpha_against_numpy(lq_client, lq2002):
    x = lq2002[LEAD].to_numpy(dtype=float)
    cov = np.cov(x, rowvar=False)
    k = x.shape[1]
    expected = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
    r = analyze_survey(lq_client)
    assert r.metrics["alpha"]["leadership"] == pytest.approx(expected, rel=1e-12)
    assert r.metrics["low_alpha"] == []
    assert r.metrics["respondents"] == 2042 and r.metrics["response_rate"] == 1.0


@pytest.mark.realdata
def test_lq2002_company_means_icc_and_rwg_against_independent(lq_client, lq2002):
    from scipy import stats

    r = analyze_survey(lq_client, min_group_size=1)
    # company means of the scale score equal the file's own GLEAD column
    glead = lq2002.groupby("COMPID")["GLEAD"].first()
    got = r.by_department["leadership"]
    assert got.reindex(glead.index.astype(str)).to_numpy() == pytest.approx(glead.to_numpy(), abs=1e-8)
    # ICC(1) from the one-way ANOVA F statistic: (F - 1) / (F + k - 1), k = N / G
    groups = [g["LEAD"].to_numpy() for _, g in lq2002.groupby("COMPID")]
    f = stats.f_oneway(*groups).statistic
    k = len(lq2002) / len(groups)
    assert r.metrics["agreement"]["leadership"]["icc1"] == pytest.approx((f - 1) / (f + k - 1), rel=1e-9)
    # rwg(J) per company by a plain loop
    rwgs = {}
    for comp, g in lq2002.groupby("COMPID"):
        s2 = g[LEAD].to_numpy(dtype=float).var(axis=0, ddof=1).mean() / 2.0
        rwgs[str(comp)] = 0.0 if s2 >= 1 else 11 * (1 - s2) / (11 * (1 - s2) + s2)
    table = r.rwg_by_department.set_index("department")["rwg"]
    assert table.reindex(list(rwgs)).to_numpy() == pytest.approx(list(rwgs.values()), rel=1e-9)
    assert r.metrics["agreement"]["leadership"]["rwg_mean"] == pytest.approx(np.mean(list(rwgs.values())))


@pytest.mark.realdata
def test_lq2002_small_companies_suppressed(lq_client, lq2002):
    sizes = lq2002["COMPID"].value_counts()
    threshold = int(sizes.min()) + 1  # 11: the companies of 10 soldiers fall below it
    small = sorted(str(c) for c in sizes.index[sizes < threshold])
    assert len(small) >= 2 and sizes[sizes < threshold].sum() >= threshold  # no complement needed
    r = analyze_survey(lq_client, min_group_size=threshold)
    assert r.suppressed_groups == small
    assert r.by_department.loc[small, "leadership"].isna().all()
    assert r.by_department.drop(index=small)["leadership"].notna().all()
    rates = r.response_rates.set_index("department")
    assert rates.loc[small, "response_rate"].isna().all()
    # one step higher: the single company of 11 joins them
    r12 = analyze_survey(lq_client, min_group_size=threshold + 1)
    assert len(r12.suppressed_groups) == len(small) + 1


# --------------------------------------------------------------------------------------------------
# plots
# --------------------------------------------------------------------------------------------------
def test_heatmap_hatches_suppressed_cells():
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    from orgkit.plots.survey import plot_dimension_heatmap

    depts = ["A"] * 3 + ["B"] * 6 + ["C"] * 8 + ["D"] * 20
    r = analyze_survey(make_client(depts, {"rc1": [4] * 37, "cc1": [2] * 37}))
    fig = plot_dimension_heatmap(r.by_department, mask=r.by_department_mask)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    hatched = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch()]
    assert len(hatched) == 4  # A and B x 2 dimensions
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("suppressed") == 4
    assert texts.count("4.00") == 2 and texts.count("2.00") == 2  # only C and D carry numbers


def test_diverging_bars_neutral_centred():
    from orgkit.plots.survey import plot_item_diverging_bars

    items = pd.DataFrame({"item": ["a", "b"], "text": ["First", "Second"], "reverse": [False, True],
                          "favourable": [0.5, np.nan], "neutral": [0.2, np.nan], "unfavourable": [0.3, np.nan],
                          "suppressed": [False, True]})
    fig = plot_item_diverging_bars(items)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.get_height() > 0 and p.get_width() > 0]
    spans = sorted((round(p.get_x(), 6), round(p.get_x() + p.get_width(), 6)) for p in bars)
    assert spans == [(-40.0, -10.0), (-10.0, 10.0), (10.0, 60.0)]  # unfavourable | neutral | favourable
    assert "suppressed" in [t.get_text() for t in ax.texts]
    assert any(t.get_text() == "Second (reverse-worded)" for t in ax.get_yticklabels())


# ------------------------------------------------------------------------------------ department links
def _two_cliques_with_survey(*, communication: bool = True, rnd_cc=(2, 3), sales_cc=(4, 5)):
    """Sales (a1..a5) and R&D (b1..b5) each fully connected, one tie a1-b1; Legal (l1..l3) talks to a1.

    Everyone answers; communication items cc1, cc2 and role clarity rc1, rc2 (no reverse items). In R&D
    everyone answers cc1, cc2 = ``rnd_cc``, in Sales ``sales_cc``, in Legal and Audit (3, 3). Legal (3)
    and Audit (u1, u2; u1 talks to a2) are below the minimum group size of 5 and together hold 5, so
    complementary suppression hides nothing else.
    """
    from orgkit.assessment import assess

    ids = {"Sales": [f"a{i}" for i in range(1, 6)], "R&D": [f"b{i}" for i in range(1, 6)],
           "Legal": ["l1", "l2", "l3"], "Audit": ["u1", "u2"]}
    people = pd.DataFrame([(e, d) for d, es in ids.items() for e in es], columns=["employee_id", "department"])
    pairs = [(f"{g}{i}", f"{g}{j}") for g in "ab" for i in range(1, 6) for j in range(i + 1, 6)]
    pairs += [("a1", "b1"), ("l1", "a1"), ("l2", "a1"), ("l3", "a1"), ("l1", "l2"), ("u1", "a2")]
    cc = {"Sales": sales_cc, "R&D": rnd_cc, "Legal": (3, 3), "Audit": (3, 3)}
    rows = [(e, d, *cc[d], 4, 4 if int(e[1:]) % 2 else 5) for d, es in ids.items() for e in es]
    survey = pd.DataFrame(rows, columns=["respondent_id", "department", "cc1", "cc2", "rc1", "rc2"])
    items = pd.DataFrame({"item": ["cc1", "cc2", "rc1", "rc2"], "reverse": [False] * 4,
                          "dimension": ["communication", "communication", "role_clarity", "role_clarity"]})
    client = from_frames(people, communication=pd.DataFrame(pairs, columns=["source_id", "target_id"])
                         if communication else None, survey=survey, survey_items=items,
                         settings={"name": "t", "min_group_size": 5})
    return assess(client)


def test_department_links_two_cliques_one_bridge():
    from orgkit.interpretation import department_links

    links = department_links(_two_cliques_with_survey()).set_index("department")
    assert list(links.index) == ["Audit", "Legal", "R&D", "Sales"]
    # R&D: 10 ties inside, 1 (a1-b1) outside: E-I = (1 - 10) / 11; density 10 / C(5, 2) = 1
    assert links.loc["R&D", "communication"] == pytest.approx(2.5)
    assert links.loc["R&D", "ei_index"] == pytest.approx(-9 / 11)
    assert links.loc["R&D", "density"] == pytest.approx(1.0)
    assert bool(links.loc["R&D", "low_survey"]) and bool(links.loc["R&D", "felt_silo"])
    assert links.loc["Sales", "communication"] == pytest.approx(4.5)
    assert not bool(links.loc["Sales", "low_survey"]) and not bool(links.loc["Sales", "felt_silo"])
    assert math.isnan(links.loc["R&D", "hops_mean"])  # no decision records
    # Legal (3 people) keeps its label only
    assert bool(links.loc["Legal", "suppressed"])
    assert links.loc["Legal", ["communication", "role_clarity", "ei_index", "density"]].isna().all()
    assert pd.isna(links.loc["Legal", "felt_silo"])


def test_department_links_felt_needs_both():
    from orgkit.interpretation import department_links

    links = department_links(_two_cliques_with_survey(rnd_cc=(4, 4))).set_index("department")
    assert links.loc["R&D", "communication"] == pytest.approx(4.0)
    assert bool(links.loc["R&D", "structural_silo"]) and not bool(links.loc["R&D", "felt_silo"])


def test_department_links_without_communication():
    from orgkit.interpretation import department_links

    links = department_links(_two_cliques_with_survey(communication=False)).set_index("department")
    assert links.loc["R&D", ["density", "ei_index"]].isna().all()
    assert pd.isna(links.loc["R&D", "structural_silo"]) and pd.isna(links.loc["R&D", "felt_silo"])  # low, unknown
    assert links.loc["Sales", "felt_silo"] == False  # noqa: E712 - not low: False, not NA


def test_department_links_without_survey():
    from types import SimpleNamespace

    from orgkit.interpretation import department_links

    a = SimpleNamespace(survey=analyze_survey(from_frames(pd.DataFrame({"employee_id": ["1"], "department": ["A"]}))))
    links = department_links(a)
    assert links.empty and {"department", "felt_silo", "suppressed"} <= set(links.columns)
