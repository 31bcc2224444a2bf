"""Suggested splits and business units: each appears where the data show its case and only there, with
effects computed by hand on tiny organisations; the plan files load back and apply; no department under the
minimum group size is named."""

from __future__ import annotations

import pandas as pd
import pytest

import orgkit
from orgkit import from_frames
from orgkit.scenario import apply_plan, load_plan
from orgkit.scenario.suggest import (FILE_TAG, coverage_effect, function_evidence, suggest_plans, unit_ties,
                                     write_suggestions)

# A mid-size company whose Sales department also holds marketing:
#
#   ceo  Exec     Chief Executive Officer
#   ├── h  Sales  Sales Director ── s1, s2, s3 Sales Manager
#   │                           └── m Marketing Manager ── m1, m2 Marketing Specialist
#   └── f  Finance Finance Manager ── f1 Accountant
# Sales: 4 sales titles, 3 marketing titles (3/7 = 43% >= 20%, 3 >= 2 people): split off the marketing people.
SHARED = ([("ceo", "Exec", None, "Chief Executive Officer"), ("h", "Sales", "ceo", "Sales Director")]
          + [(f"s{i}", "Sales", "h", "Sales Manager") for i in (1, 2, 3)]
          + [("m", "Sales", "h", "Marketing Manager"), ("m1", "Sales", "m", "Marketing Specialist"),
             ("m2", "Sales", "m", "Marketing Specialist"),
             ("f", "Finance", "ceo", "Finance Manager"), ("f1", "Finance", "f", "Accountant")])


def titled(rows, min_group_size=2, stage="mid", **frames) -> orgkit.Client:
    p = pd.DataFrame(rows, columns=["employee_id", "department", "manager_id", "title"])
    return from_frames(p, settings={"name": "Tiny", "min_group_size": min_group_size, "stage": stage}, **frames)


def only(suggestions, kind):
    found = [s for s in suggestions if s.kind == kind]
    return found[0] if found else None


# --------------------------------------------------------------------------------------------- split
def test_a_department_holding_two_functions_is_split_with_its_effect_by_hand():
    s = only(suggest_plans(titled(SHARED), language="en"), "split")
    assert s is not None
    assert s.plan.to_dict()["steps"] == [{"action": "split", "department": "Sales", "new": "Sales – Marketing",
                                          "people": ["m", "m1", "m2"], "function": ["marketing"]}]
    e = s.effect
    # before: only Finance holds one function alone; after: Finance, Sales and the new marketing department
    assert e["separate_functions_before"] == ["finance"] and e["separate_before"] == 1
    assert e["separate_functions_after"] == ["finance", "marketing", "sales"] and e["separate_after"] == 3
    assert e["departments_before"] == 3 and e["departments_after"] == 4
    assert e["splits"] == [{"department": "Sales", "new": "Sales – Marketing", "function": "marketing",
                            "kept": "sales", "size": 3, "has_head": True, "head_span": 2}]
    assert s.effect_text("en") == (
        "Simulated: splitting Sales would give 3 functions a department of their own (now 1) and take the "
        "organisation from 3 to 4 departments; Sales – Marketing would have 3 people, led by one of them with 2 "
        "direct reports among them.")
    assert "模拟结果" in s.effect_text("zh") and "Sales – Marketing" in s.effect_text("zh")
    assert "Sales: Sales and Marketing, 3 people" in s.rationale


def test_the_new_department_without_a_manager_among_its_people_needs_a_head():
    rows = [r if r[0] not in ("m1", "m2") else (r[0], r[1], "h", r[3]) for r in SHARED]  # m manages no one
    s = only(suggest_plans(titled(rows), language="en"), "split")
    assert s.effect["splits"][0]["has_head"] is False and s.effect["splits"][0]["head_span"] == 0
    assert "needs a head" in s.effect_text("en") and "需另设负责人" in s.effect_text("zh")


def test_no_job_titles_no_split():
    c = titled(SHARED)
    c2 = from_frames(c.people.drop(columns="title"), settings={"name": "T", "min_group_size": 2, "stage": "mid"})
    assert only(suggest_plans(c2, language="en"), "split") is None


def test_a_startup_merges_functions_and_is_not_split():
    assert only(suggest_plans(titled(SHARED, stage="startup"), language="en"), "split") is None


def test_a_second_function_under_the_minimum_group_size_or_share_is_not_split():
    assert only(suggest_plans(titled(SHARED, min_group_size=4), language="en"), "split") is None
    p = titled(SHARED).people
    ev = function_evidence(p, 2, 0.2)
    assert ev.to_dict() == {("Finance", "finance"): 2, ("Sales", "marketing"): 3, ("Sales", "sales"): 4}
    assert ("Sales", "marketing") not in function_evidence(p, 2, 0.45).to_dict()  # 3 / 7 = 43% < 45%


def test_the_share_threshold_is_the_clients():
    p = pd.DataFrame(SHARED, columns=["employee_id", "department", "manager_id", "title"])
    c = from_frames(p, settings={"name": "Tiny", "min_group_size": 2, "stage": "mid",
                                 "thresholds": {"scenario.split.min_share": 0.45}})
    assert only(suggest_plans(c, language="en"), "split") is None


def test_coverage_effect_by_hand():
    b = pd.DataFrame({"department": ["S"] * 5 + ["F"] * 2,
                      "title": ["Sales Manager"] * 3 + ["Marketing Manager"] * 2 + ["Accountant"] * 2})
    a = b.assign(department=["S"] * 3 + ["M"] * 2 + ["F"] * 2)
    e = coverage_effect(b, a, 2, 0.2)
    assert (e["separate_before"], e["separate_after"]) == (1, 3)
    assert (e["departments_before"], e["departments_after"]) == (2, 3)


def test_the_written_split_plan_loads_back_and_applies(tmp_path):
    src = tmp_path / "client"
    src.mkdir()
    pd.DataFrame(SHARED, columns=["employee_id", "department", "manager_id", "title"]).to_csv(
        src / "people.csv", index=False)
    (src / "client.yml").write_text("name: Shared\nmin_group_size: 2\nstage: mid\n", encoding="utf-8")
    written = dict((s.kind, p) for s, p in write_suggestions(src, tmp_path / "plans", "en"))
    assert "split" in written and written["split"].name == "suggested-split.yml"
    text = written["split"].read_text(encoding="utf-8")
    assert text.startswith(FILE_TAG + "\n") and "Simulated: splitting Sales" in text
    result = apply_plan(orgkit.load_client(src), load_plan(written["split"]))
    dept = dict(zip(result.client.people["employee_id"], result.client.people["department"]))
    assert {dept["m"], dept["m1"], dept["m2"]} == {"Sales – Marketing"} and dept["s1"] == "Sales"


def test_a_split_never_names_a_department_under_the_minimum_size():
    # Tiny (2 people) stays unnamed: it holds no function with enough people to be a candidate
    rows = SHARED + [("t1", "Tiny", "ceo", "Sales Manager"), ("t2", "Tiny", "t1", "Marketing Manager")]
    for lang in ("en", "zh"):
        s = only(suggest_plans(titled(rows, min_group_size=3), language=lang), "split")
        assert s is not None
        texts = [s.rationale, s.plan.to_yaml(), *(s.effect_text(x) for x in ("en", "zh")),
                 *(s.rationale_in(x) for x in ("en", "zh")), str(s.effect)]
        assert not any("Tiny" in x or "Finance" in x for x in texts)


# --------------------------------------------------------------------------------------------- units
def wide(locations=True, n=13, stage="large", min_group_size=1):
    """A top manager leading ``n`` department heads, each with one report; D0-D6 in North, the rest South.

    Ties: head-report inside each department, h0-h1 and h7-h8 inside each half, h0-h7 across."""
    rows = [("ceo", "Exec", None, "HQ")]
    for i in range(n):
        loc = "North" if i < 7 else "South"
        rows += [(f"h{i}", f"D{i}", "ceo", loc), (f"p{i}", f"D{i}", f"h{i}", loc)]
    p = pd.DataFrame(rows, columns=["employee_id", "department", "manager_id", "location"])
    if not locations:
        p = p.drop(columns="location")
    comm = pd.DataFrame([(f"h{i}", f"p{i}") for i in range(n)] + [("h0", "h1"), ("h7", "h8"), ("h0", "h7")],
                        columns=["source_id", "target_id"])
    return from_frames(p, communication=comm,
                       settings={"name": "Wide", "min_group_size": min_group_size, "stage": stage})


def test_many_department_heads_are_grouped_into_regions_by_location_with_the_effect_by_hand():
    s = only(suggest_plans(wide(), language="en"), "units")
    assert s is not None
    (step,) = s.plan.to_dict()["steps"]
    assert step["action"] == "insert_layer" and step["under"] == "ceo"
    assert [u["name"] for u in step["units"]] == ["Region North", "Region South"]
    assert step["units"][0]["departments"] == [f"D{i}" for i in range(7)]
    e = s.effect
    assert e["basis"] == "location" and e["department_heads"] == 13
    assert (e["top_span_before"], e["top_span_after"]) == (13, 2)
    assert (e["layers_before"], e["layers_after"]) == (3, 4)
    north, south = e["units"]
    # North: 7 head-report ties + h0-h1 inside, h0-h7 across: 8 of 9 inside, E-I (1 - 8) / 9
    assert (north["ties"], north["inside"]) == (9, 8)
    assert north["ei"] == pytest.approx(-7 / 9) and north["inside_share"] == pytest.approx(8 / 9)
    assert (south["ties"], south["inside"], south["people"]) == (8, 7, 12)
    assert s.effect_text("en") == (
        "Simulated: grouping 13 departments into 2 units would take the top manager's direct reports from 13 to 2 "
        "and the organisation from 3 to 4 layers; Region North: 89% of its ties inside (E-I −0.78); "
        "Region South: 88% of its ties inside (E-I −0.75).")
    assert "North 区域" in s.effect_text("zh") and "模拟结果" in s.effect_text("zh")


def test_without_locations_communication_groups_the_departments():
    s = only(suggest_plans(wide(locations=False), language="en"), "units")
    assert s is not None and s.effect["basis"] == "communication"
    # only D0-D1 and D7-D8 talk across departments: two units of two, the other nine stay under the top
    assert [u["departments"] for u in s.effect["units"]] == [["D0", "D1"], ["D7", "D8"]]
    assert (s.effect["top_span_before"], s.effect["top_span_after"]) == (13, 11)
    assert [(u["ties"], u["inside"]) for u in s.effect["units"]] == [(4, 3), (4, 3)]


def test_a_small_company_gets_no_units():
    assert only(suggest_plans(wide(stage="mid"), language="en"), "units") is None


def test_a_top_with_a_healthy_span_gets_no_units():
    assert only(suggest_plans(wide(n=12), language="en"), "units") is None


def test_no_location_and_no_communication_no_units():
    c = wide(locations=False)
    c2 = from_frames(c.people, settings={"name": "W", "min_group_size": 1, "stage": "large"})
    assert only(suggest_plans(c2, language="en"), "units") is None


def test_departments_under_the_minimum_size_are_never_listed_in_a_unit():
    # every department has 2 people: with a minimum of 3 none may be named, so no unit is suggested
    assert only(suggest_plans(wide(min_group_size=3), language="en"), "units") is None


def test_unit_ties_by_hand():
    p = pd.DataFrame({"employee_id": list("abcde"), "department": list("WXYZZ")})
    e = pd.DataFrame({"u": ["a", "a", "c", "d", "x"], "v": ["b", "c", "d", "e", "a"]})
    out = unit_ties(p, e, {"U1": ["W", "X"], "U2": ["Y"]})
    # U1: a-b inside, a-c across (2 ties, 1 inside); U2 (c): a-c and c-d across, none inside; d-e is outside
    assert out[["ties", "inside"]].to_numpy().tolist() == [[2, 1], [2, 0]]
    assert out["ei"].tolist() == [0.0, 1.0] and out["inside_share"].tolist() == [0.5, 0.0]


def test_the_written_units_plan_loads_back_and_applies(tmp_path):
    src = tmp_path / "client"
    src.mkdir()
    c = wide()
    c.people.to_csv(src / "people.csv", index=False)
    c.communication.to_csv(src / "communication.csv", index=False)
    (src / "client.yml").write_text("name: Wide\nmin_group_size: 1\nstage: large\n", encoding="utf-8")
    written = dict((s.kind, p) for s, p in write_suggestions(src, tmp_path / "plans", "zh"))
    text = written["units"].read_text(encoding="utf-8")
    assert text.startswith(FILE_TAG + "\n") and "模拟结果" in text
    result = apply_plan(orgkit.load_client(src), load_plan(written["units"]))
    people = result.client.people
    top_reports = people.loc[people["manager_id"] == "ceo", "employee_id"]
    assert len(top_reports) == 2


# --------------------------------------------------------------------------------------------- the report
def test_the_split_recommendation_quotes_its_simulated_effect():
    from orgkit.assessment import assess
    from orgkit.findings import derive_findings, recommend

    rows = [(i, "Sales & Marketing" if d == "Sales" else d, m, title) for i, d, m, title in SHARED]
    a = assess(titled(rows))
    (r,) = [r for r in recommend(derive_findings(a), a) if r.key == "split_department"]
    assert r.simulated["kind"] == "split"
    assert r.text("en").endswith("take the organisation from 3 to 4 departments; Sales & Marketing – Marketing "
                                 "would have 3 people, led by one of them with 2 direct reports among them.")
    block = a.to_dict()["structure"]["simulated_split"]
    assert block["separate_before"] == 1 and block["separate_after"] == 3 and block["splits"][0]["size"] == 3


def test_the_units_recommendation_quotes_its_simulated_effect():
    from orgkit.assessment import assess
    from orgkit.findings import derive_findings, recommend

    names = ["Sales", "Marketing", "Product", "R&D", "Technical Support", "Customer Service", "Finance", "HR",
             "Operations", "IT", "Legal", "Procurement", "Quality"]  # read as functions: units are judged
    c = wide()
    people = c.people.assign(department=c.people["department"].map(
        {f"D{i}": d for i, d in enumerate(names)}).fillna("Executive Office"))
    a = assess(from_frames(people, communication=c.communication,
                           settings={"name": "Wide", "min_group_size": 1, "stage": "large"}))
    (r,) = [r for r in recommend(derive_findings(a), a) if r.key == "add_units"]
    assert "from 13 to 2" in r.text("en") and "模拟结果" in r.text("zh")
    block = a.to_dict()["structure"]["simulated_units"]
    assert block["top_span_after"] == 2 and [u["ties"] for u in block["units"]] == [9, 8]
