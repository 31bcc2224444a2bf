"""Tests of orgkit.areas.structure on hand-computed cases and on public organisation data sets."""

from __future__ import annotations

import json
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from orgkit.errors import ConfigError
from orgkit.data.loading import from_frames
from orgkit.areas.structure import (
    SCORE_WEIGHTS,
    analyze_structure,
    department_coverage,
    fit_score,
    min_layers,
    raci_findings,
    span_distribution,
)


def make_client(rows, *, responsibilities=None, **settings):
    """A validated client from ``(employee_id, department[, manager_id])`` rows."""
    cols = ["employee_id", "department", "manager_id"][: len(rows[0])] if rows else ["employee_id", "department"]
    people = pd.DataFrame(rows, columns=cols)
    settings = {"name": "t", "min_group_size": 1, **settings}
    return from_frames(people, responsibilities=responsibilities, settings=settings)


def tree(edges, department="Sales", root="r"):
    """People rows for a tree given as ``{manager: [reports]}`` rooted at ``root``."""
    rows = [(root, department, None)]
    for mgr, reports in edges.items():
        rows += [(r, department, mgr) for r in reports]
    return rows


# ----------------------------------------------------------------------------- hierarchy metrics

def test_chain():
    # r <- a <- b <- c: four layers, three managers with one report each
    c = make_client(tree({"r": ["a"], "a": ["b"], "b": ["c"]}))
    m = analyze_structure(c).metrics
    assert m["layers"] == 4
    assert m["layer_sizes"] == [1, 1, 1, 1]
    assert m["managers"] == 3
    assert m["people_per_manager"] == pytest.approx(4 / 3)
    assert (m["span_mean"], m["span_median"], m["span_max"]) == (1.0, 1.0, 1)
    assert m["single_report_managers"] == 3 and m["single_report_share"] == 1.0
    assert m["min_layers"] == 4  # mean span 1: a chain is the only shape
    assert m["excess_layers"] == 0
    assert m["span_bands"]["1"] == {"managers": 3, "share": 1.0}


def test_star():
    c = make_client(tree({"r": ["a", "b", "c", "d", "e", "f"]}))
    res = analyze_structure(c)
    m = res.metrics
    assert m["layers"] == 2 and m["layer_sizes"] == [1, 6]
    assert m["managers"] == 1 and m["people_per_manager"] == 7.0
    assert (m["span_mean"], m["span_median"], m["span_max"]) == (6.0, 6.0, 6)
    assert m["single_report_managers"] == 0 and m["single_report_share"] == 0.0
    assert m["min_layers"] == 2 and m["excess_layers"] == 0  # 1 + 6 = 7
    assert m["span_bands"]["4-7"] == {"managers": 1, "share": 1.0}
    assert m["span_bands"]["1"] == {"managers": 0, "share": 0.0}
    assert res.spans.to_dict("records") == [{"employee_id": "r", "department": "Sales", "span": 6, "depth": 0}]
    assert res.layers["people"].tolist() == [1, 6] and res.layers["depth"].tolist() == [0, 1]


def test_one_person_organisation():
    res = analyze_structure(make_client([("solo", "Sales", None)]))
    m = res.metrics
    assert m["layers"] == 1 and m["layer_sizes"] == [1]
    assert m["managers"] == 0
    for key in ("people_per_manager", "span_mean", "span_median", "span_max", "single_report_managers",
                "single_report_share"):
        assert m[key] is None, key
    assert m["min_layers"] == 1 and m["excess_layers"] == 0
    assert all(v == {"managers": 0, "share": None} for v in m["span_bands"].values())
    assert res.spans.empty and list(res.spans.columns) == ["employee_id", "department", "span", "depth"]
    assert m["hierarchy_reason"] is None


def test_no_manager_column_gives_none_with_reason():
    c = make_client([("1", "Sales"), ("2", "Sales"), ("3", "Engineering")])
    assert not c.has_hierarchy
    res = analyze_structure(c)
    m = res.metrics
    for key in ("layers", "managers", "people_per_manager", "span_mean", "span_median", "span_max",
                "span_bands", "single_report_managers", "single_report_share", "min_layers",
                "excess_layers", "layer_sizes"):
        assert m[key] is None, key
    assert "manager_id" in m["hierarchy_reason"]
    assert m["available"] is True and m["people"] == 3
    assert res.spans.empty and res.layers.empty
    assert res.departments.set_index("department")["headcount"].to_dict() == {"Sales": 2.0, "Engineering": 1.0}
    avail = {c["name"]: c["available"] for c in m["score_components"]}
    assert not avail["span_health"] and not avail["layer_excess"] and not avail["single_report_managers"]
    assert m["fit_score"] is not None


def test_span_bands_on_constructed_tree():
    # r has 13 reports; c1..c5 among them have 1, 3, 5, 9 and 17 reports: one manager per band
    edges = {"r": [f"c{i}" for i in range(1, 14)]}
    for c, k in (("c1", 1), ("c2", 3), ("c3", 5), ("c4", 9), ("c5", 17)):
        edges[c] = [f"{c}_{j}" for j in range(k)]
    res = analyze_structure(make_client(tree(edges)))
    m = res.metrics
    assert m["people"] == 1 + 13 + 1 + 3 + 5 + 9 + 17 == 49
    assert m["managers"] == 6
    assert list(m["span_bands"]) == ["1", "2-3", "4-7", "8-12", "13-16", "17+"]
    assert all(v["managers"] == 1 and v["share"] == pytest.approx(1 / 6) for v in m["span_bands"].values())
    assert m["span_mean"] == 8.0  # (13 + 1 + 3 + 5 + 9 + 17) / 6
    assert m["span_median"] == 7.0  # (5 + 9) / 2
    assert m["span_max"] == 17
    assert m["single_report_managers"] == 1
    assert m["min_layers"] == 3 and m["layers"] == 3  # 1 + 8 = 9 < 49 <= 1 + 8 + 64
    assert res.span_distribution["managers"].tolist() == [1] * 6
    assert res.spans["span"].tolist() == [17, 13, 9, 5, 3, 1]  # largest first
    comp = {c["name"]: c for c in m["score_components"]}
    assert comp["span_health"]["value"] == pytest.approx(2 / 6)  # spans 5 and 9 are in 4-12
    assert comp["single_report_managers"]["value"] == pytest.approx(5 / 6)


def test_excess_layers_can_be_negative_when_spans_are_uneven():
    # r has 4 reports, each with one report: 9 people, 3 layers, mean span (4+1+1+1+1)/5 = 1.6
    # 1 + 1.6 + 2.56 = 5.16 < 9 <= 5.16 + 4.096 -> 4 layers needed at the mean span
    c = make_client(tree({"r": ["a", "b", "c", "d"], "a": ["a1"], "b": ["b1"], "c": ["c1"], "d": ["d1"]}))
    m = analyze_structure(c).metrics
    assert m["span_mean"] == pytest.approx(1.6)
    assert (m["layers"], m["min_layers"], m["excess_layers"]) == (3, 4, -1)
    comp = {c["name"]: c for c in m["score_components"]}
    assert comp["layer_excess"]["value"] == 1.0


def test_several_tops():
    # two separate trees: depth is counted from each top
    c = make_client([("r1", "Sales", None), ("a", "Sales", "r1"), ("r2", "Sales", None), ("b", "Sales", "r2"),
                     ("b1", "Sales", "b")])
    m = analyze_structure(c).metrics
    assert m["layers"] == 3 and m["layer_sizes"] == [2, 2, 1]
    assert m["managers"] == 3


@pytest.mark.parametrize(
    "n, s, expected",
    [(0, None, 0), (1, None, 1), (1, 5.0, 1), (2, None, None), (7, 2.0, 3), (8, 2.0, 4), (21, 4.0, 3),
     (22, 4.0, 4), (5, 1.0, 5), (10, 0.5, 10), (154, 4.5, 5), (47, 46 / 11, 4)],
)
def test_min_layers_by_hand(n, s, expected):
    # (154, 4.5): 1 + 4.5 + 20.25 + 91.125 = 116.875 < 154 <= 116.875 + 410.0625
    assert min_layers(n, s) == expected


def test_span_distribution_empty():
    d = span_distribution([])
    assert d["managers"].tolist() == [0] * 6
    assert d["share"].isna().all()


def test_departments_table_is_suppressed_below_min_group_size():
    rows = [("a1", "Alpha", None), ("a2", "Alpha", "a1"), ("a3", "Alpha", "a1"), ("a4", "Alpha", "a1"),
            ("b1", "Beta", "a1"), ("b2", "Beta", "b1"), ("g1", "Gamma", "a1"), ("g2", "Gamma", "g1"),
            ("g3", "Gamma", "g1"), ("g4", "Gamma", "g1"), ("g5", "Gamma", "g1")]
    res = analyze_structure(make_client(rows, min_group_size=3))
    d = res.departments.set_index("department")
    assert d.loc["Gamma", "managers"] == 1
    assert d.loc["Gamma", "span_mean"] == 4.0  # g1 manages g2..g5
    assert d.loc["Gamma", "layers"] == 2  # depths 1..2 within the department
    assert d.loc["Beta", "suppressed"]
    assert d.loc[["Beta"], ["headcount", "managers", "span_mean", "layers"]].isna().all(axis=None)
    # Beta alone (2 people) would be the total minus the shown departments: the next smallest, Alpha,
    # is suppressed too (complementary suppression); Gamma stays visible.
    assert d.loc["Alpha", "suppressed"] and pd.isna(d.loc["Alpha", "headcount"])
    assert not d.loc["Gamma", "suppressed"] and d.loc["Gamma", "headcount"] == 5


def test_spans_table_uses_ids_only():
    rows = [("e1", "Sales", None), ("e2", "Sales", "e1"), ("e3", "Sales", "e2")]
    people = pd.DataFrame(rows, columns=["employee_id", "department", "manager_id"]).assign(name="Secret Name")
    c = from_frames(people, settings={"name": "t", "min_group_size": 1})
    res = analyze_structure(c)
    assert list(res.spans.columns) == ["employee_id", "department", "span", "depth"]
    assert res.spans["employee_id"].tolist() == ["e1", "e2"]
    assert "Secret Name" not in json.dumps(res.metrics)


def test_metrics_are_json_safe():
    res = analyze_structure(make_client([("solo", "Sales", None)]))
    json.dumps(res.metrics, allow_nan=False)
    res = analyze_structure(make_client([("1", "Sales"), ("2", "Foo")]))
    json.dumps(res.metrics, allow_nan=False)


# ----------------------------------------------------------------------------------------- stage

def test_stage_auto_from_headcount():
    m = analyze_structure(make_client([(str(i), "Sales", None) for i in range(49)])).metrics
    assert (m["stage"], m["stage_source"]) == ("startup", "headcount")
    m = analyze_structure(make_client([(str(i), "Sales", None) for i in range(50)])).metrics
    assert m["stage"] == "mid"


def test_stage_from_client_settings():
    m = analyze_structure(make_client([("1", "Sales", None)], stage="large")).metrics
    assert (m["stage"], m["stage_source"]) == ("large", "client.yml")


def test_stage_thresholds_argument_and_option():
    rows = [(str(i), "Sales", None) for i in range(5)]
    assert analyze_structure(make_client(rows), stage_thresholds={"startup": 3}).metrics["stage"] == "mid"
    c = make_client(rows, stage_thresholds={"startup": 2, "large": 5})
    assert c.settings.options["stage_thresholds"] == {"startup": 2, "large": 5}
    assert analyze_structure(c).metrics["stage"] == "large"
    with pytest.raises(ConfigError):
        analyze_structure(make_client(rows), stage_thresholds={"startup": 10, "large": 5})


# -------------------------------------------------------------------------------------- coverage

def test_coverage_startup_over_split():
    depts = ["Sales", "Marketing", "Product", "Engineering", "Support", "Finance", "HR", "IT"]
    names = [depts[i % 8] for i in range(30)]
    cov = department_coverage(names, "startup", headcount=30)
    assert cov.over_split is True  # 8 departments > max(3, 30 // 6 = 5)
    assert cov.functions_missing == []
    cov = department_coverage(["Sales & Marketing", "Product & Engineering"] * 15, "startup", headcount=30)
    assert cov.over_split is False
    assert cov.departments_overloaded == []  # startups merge freely
    assert cov.functions_missing == []


def test_coverage_startup_missing_core():
    cov = department_coverage(["Sales", "Finance"], "startup")
    assert cov.functions_missing == ["product", "rnd"]  # the rnd/technical_support group by its first code
    assert (cov.core_covered, cov.core_total) == (1, 3)
    cov = department_coverage(["Sales", "Product", "Technical Support"], "startup")
    assert cov.functions_missing == []  # technical work covers the rnd group
    status = cov.table.set_index("function")["status"]
    assert status["rnd"] == "covered" and status["technical_support"] == "present"


def test_coverage_mid_merged_customer_facing_functions_is_a_finding():
    names = ["Sales & Marketing", "Product", "Engineering", "Customer Service", "Finance", "HR",
             "Operations & Finance", "Legal", "Foo"]
    cov = department_coverage(names, "mid")
    assert cov.departments_overloaded == ["Sales & Marketing"]  # operations & finance may merge at mid
    assert cov.functions_missing == []
    assert cov.unmapped_departments == ["Foo"]  # Legal is known, not noise
    status = cov.table.set_index("function")["status"]
    assert status["sales"] == "merged" and status["marketing"] == "merged"
    assert status["finance"] == "present"  # has a department of its own too
    assert status["operations"] == "merged"
    assert status["it"] == "absent" and status["product"] == "present"
    assert cov.functions["finance"] == ["Finance", "Operations & Finance"]
    # checks: 8 present functions + 7 mapped departments (not Legal, Foo); findings: one overloaded
    assert (cov.checks, cov.findings) == (15, 1)


def test_coverage_mid_missing_core():
    cov = department_coverage(["Sales", "Engineering"], "mid")
    assert cov.functions_missing == ["marketing", "product", "customer_service", "finance", "hr"]
    assert cov.table.set_index("function").loc["marketing", "status"] == "missing"


def test_coverage_split_regions_allowed_only_when_large():
    names = ["Sales", "Sales - North", "Sales - South", "华东销售部"]
    assert department_coverage(names, "mid").functions_split == ["sales"]
    large = department_coverage(names, "large")
    assert large.functions_split == []  # regional sales offices are what large firms have
    assert large.units_missing is False
    assert [u["unit_kind"] for u in large.units] == ["region", "region", "region"]
    assert department_coverage(["Sales", "Inside Sales Team"], "startup").functions_split == ["sales"]


def test_coverage_large_expects_units_and_no_merging():
    names = ["Sales", "Marketing", "Customer Service", "Technical Support", "Product", "R&D", "Operations",
             "Finance & HR", "IT"]
    cov = department_coverage(names, "large")
    assert cov.units_missing is True
    assert cov.departments_overloaded == ["Finance & HR"]
    assert cov.functions_missing == []
    assert cov.findings == 2


def test_coverage_unknown_stage_raises():
    with pytest.raises(ConfigError):
        department_coverage(["Sales"], "auto")


def test_coverage_in_analysis():
    rows = [(str(i), d, None) for i, d in enumerate(["销售部", "产品研发部", "总经办", "Foo"] * 3)]
    m = analyze_structure(make_client(rows, stage="mid")).metrics
    assert m["departments_count"] == 4
    assert m["functions"]["sales"] == ["销售部"]
    assert m["functions"]["rnd"] == ["产品研发部"] and m["functions"]["product"] == ["产品研发部"]
    assert m["departments_overloaded"] == ["产品研发部"]  # product merged with R&D at mid
    assert m["unmapped_departments"] == ["Foo"]
    assert m["units"] == []


# ------------------------------------------------------------------------------------------ RACI

def raci(rows):
    return pd.DataFrame(rows, columns=["responsibility", "department", "role"])


def test_raci_no_a_two_a_no_r_overlap():
    r = raci([
        ("payroll", "Finance", "A"), ("payroll", "Finance", "R"),           # clear
        ("hiring", "HR", "R"), ("hiring", "Sales", "C"),                     # no A
        ("pricing", "Sales", "A"), ("pricing", "Product", "A"),             # two A, no R
        ("pricing", "Finance", "C"),
        ("support", "Support", "A"), ("support", "Support", "R"),           # R overlap
        ("support", "Engineering", "R"),
        ("payroll", "Finance", "A"),                                         # repeated row counts once
    ])
    summary, issues = raci_findings(r)
    assert summary["responsibilities"] == 4
    assert summary["no_accountable"] == ["hiring"] and summary["no_accountable_count"] == 1
    assert summary["multiple_accountable"] == ["pricing"] and summary["multiple_accountable_count"] == 1
    assert summary["no_responsible"] == ["pricing"] and summary["no_responsible_count"] == 1
    assert summary["overlaps"] == [
        {"responsibility": "pricing", "role": "A", "departments": ["Product", "Sales"]},
        {"responsibility": "support", "role": "R", "departments": ["Engineering", "Support"]},
    ]
    assert summary["clear"] == 1 and summary["clear_share"] == 0.25
    assert issues[["responsibility", "issue"]].values.tolist() == [
        ["hiring", "no_accountable"], ["pricing", "multiple_accountable"], ["pricing", "no_responsible"],
        ["support", "overlapping_responsible"],
    ]
    assert issues["n_departments"].tolist() == [0, 2, 0, 2]


def test_raci_empty_table():
    summary, issues = raci_findings(raci([]))
    assert summary["responsibilities"] == 0 and summary["clear_share"] is None
    assert issues.empty and "issue" in issues.columns


def test_raci_in_analysis_and_absent():
    rows = [("1", "Finance", None), ("2", "HR", "1")]
    r = raci([("payroll", "Finance", "A"), ("payroll", "HR", "R"), ("hiring", "HR", "R")])
    m = analyze_structure(make_client(rows, responsibilities=r)).metrics
    assert m["raci"]["no_accountable"] == ["hiring"] and m["raci_reason"] is None
    comp = {c["name"]: c for c in m["score_components"]}
    assert comp["raci_clarity"]["value"] == 0.5 and comp["raci_clarity"]["available"]
    res = analyze_structure(make_client(rows))
    assert res.metrics["raci"] is None and "responsibilities" in res.metrics["raci_reason"]
    assert res.raci_issues.empty


# ----------------------------------------------------------------------------------------- score

def test_fit_score_renormalises_missing_components():
    assert fit_score({"a": 1.0, "b": 0.5}, {"a": 0.75, "b": 0.25})[0] == 87.5
    score, comps = fit_score({"a": 1.0, "b": None}, {"a": 0.75, "b": 0.25})
    assert score == 100.0
    assert [(c["name"], c["effective_weight"], c["available"]) for c in comps] == [("a", 1.0, True), ("b", 0.0, False)]
    assert fit_score({"a": None}, {"a": 1.0})[0] is None
    assert sum(SCORE_WEIGHTS.values()) == pytest.approx(1.0)


def test_fit_score_of_a_star_startup_by_hand():
    # 7 people in one Sales department, stage startup (auto), no RACI:
    # span_health 1 (span 6), layer_excess 1, single_report 1, coverage 1/3 (sales only of
    # sales/product/rnd), split_merge 1 (3 checks passed), raci unavailable -> weights sum 0.9
    res = analyze_structure(make_client(tree({"r": ["a", "b", "c", "d", "e", "f"]})))
    comps = {c["name"]: c for c in res.metrics["score_components"]}
    assert comps["function_coverage"]["value"] == pytest.approx(1 / 3)
    assert comps["split_merge_fit"]["value"] == 1.0
    assert comps["raci_clarity"]["available"] is False
    assert sum(c["effective_weight"] for c in comps.values()) == pytest.approx(1.0)
    expected = 100 * (0.25 + 0.15 + 0.10 + 0.25 / 3 + 0.15) / 0.90
    assert res.score == round(expected, 1) == 81.5
    assert res.metrics["fit_score"] == res.score
    assert all({"name", "weight", "value", "measures"} <= set(c) for c in comps.values())


# ------------------------------------------------------------------------------------- real data

def _nx_tree_facts(people: pd.DataFrame):
    """Layers, layer sizes and spans of a reporting forest computed independently with networkx."""
    ids = set(people["employee_id"])
    g = nx.DiGraph()
    g.add_nodes_from(ids)
    known = people[people["manager_id"].isin(ids) & (people["manager_id"] != people["employee_id"])]
    g.add_edges_from(zip(known["manager_id"], known["employee_id"]))
    depth = {}
    for top in (v for v in g if g.in_degree(v) == 0):
        depth.update(nx.shortest_path_length(g, top))
    sizes = np.bincount(list(depth.values())).tolist()
    spans = {v: d for v, d in g.out_degree() if d > 0}
    return len(sizes), sizes, spans


@pytest.mark.realdata
def test_krackhardt_hightech(shared_data):
    base = shared_data / "krackhardt_hightech"
    attrs = pd.read_csv(base / "Krack-High-Tec-Attributes.csv")
    ties = pd.read_csv(base / "Krack-High-Tec-edgelist-ReportsTo.txt", sep=r"\s+", header=None,
                       names=["ego", "alter", "tie"])
    ties = ties[(ties["tie"] == 1) & (ties["ego"] != ties["alter"])]
    boss = dict(zip(ties["ego"], ties["alter"]))
    people = pd.DataFrame({
        "employee_id": attrs["ID"].astype(str),
        "department": "Dept " + attrs["DEPT"].astype(str),
        "manager_id": [str(boss[i]) if i in boss else None for i in attrs["ID"]],
    })
    res = analyze_structure(from_frames(people, settings={"name": "krack"}))
    m = res.metrics
    layers, sizes, spans = _nx_tree_facts(people)
    assert (m["layers"], m["layer_sizes"]) == (layers, sizes) == (3, [1, 4, 16])
    got = dict(zip(res.spans["employee_id"], res.spans["span"]))
    assert got == {str(k): v for k, v in spans.items()} == {"7": 4, "2": 3, "14": 7, "18": 2, "21": 4}
    assert res.spans.loc[res.spans["depth"] == 0, "employee_id"].tolist() == ["7"]
    assert m["managers"] == 5 and m["span_mean"] == 4.0 and (m["span_max"], min(got.values())) == (7, 2)
    assert m["min_layers"] == 3 and m["excess_layers"] == 0  # 1 + 4 + 16 = 21
    # 21 managers: four departments each headed by a VP who reports to the CEO, over three layers, are
    # the structure of a functionally organised firm, not of a startup (issue 11)
    assert (m["stage"], m["stage_source"], m["stage_rule"]) == ("mid", "structure", "departments")
    assert m["stage_evidence"]["headed_departments"] == 4 and m["stage_evidence"]["headcount_stage"] == "startup"
    assert sorted(m["unmapped_departments"]) == [f"Dept {k}" for k in range(5)]
    # nothing placed: coverage is not assessed, no function is missing and coverage is not scored
    assert (m["coverage_assessed"], m["mapped_share"], m["functions_missing"]) == (False, 0.0, [])
    comps = {c["name"]: c for c in m["score_components"]}
    assert comps["function_coverage"]["available"] is False


@pytest.mark.realdata
def test_manufacturing_email_hierarchy(shared_data):
    rt = pd.read_csv(shared_data / "manufacturing_email_hierarchy" / "reportsto.csv", dtype=str)
    people = pd.DataFrame({"employee_id": rt["ID"], "department": "Company", "manager_id": rt["ReportsToID"]})
    client = from_frames(people, settings={"name": "manufacturing"})
    assert "self_manager" in {w.code for w in client.warnings}  # the CEO's 86,86 row
    res = analyze_structure(client)
    m = res.metrics
    layers, sizes, spans = _nx_tree_facts(people)
    assert m["people"] == 154
    assert (m["layers"], m["layer_sizes"]) == (layers, sizes) == (6, [1, 11, 64, 33, 44, 1])
    assert m["managers"] == len(spans) == 34
    assert m["span_mean"] == pytest.approx(np.mean(list(spans.values()))) == pytest.approx(4.5)
    assert m["span_max"] == max(spans.values()) == 13
    assert m["span_median"] == float(np.median(list(spans.values())))
    assert dict(zip(res.spans["employee_id"], res.spans["span"])) == spans
    assert res.spans.loc[res.spans["depth"] == 0, "employee_id"].tolist() == ["86"]
    assert m["min_layers"] == 5 and m["excess_layers"] == 1
    assert m["stage"] == "mid"
    total = sum(v["managers"] for v in m["span_bands"].values())
    assert total == 34
    assert m["span_bands"]["13-16"]["managers"] == sum(1 for s in spans.values() if 13 <= s <= 16)


@pytest.mark.realdata
def test_uk_organogram_hse_2011_03_senior(shared_data):
    path = shared_data / "uk_organograms" / "health_and_safety_executive-2011-03-31-senior.csv"
    # only post ids, reporting lines and units: never the officials' names
    raw = pd.read_csv(path, usecols=["Post Unique Reference", "Reports to Senior Post", "Unit"], dtype=str,
                      encoding="latin-1")
    people = pd.DataFrame({"employee_id": raw["Post Unique Reference"], "department": raw["Unit"],
                           "manager_id": raw["Reports to Senior Post"]})
    client = from_frames(people, settings={"name": "hse"})
    assert "unknown_manager" in {w.code for w in client.warnings}  # the top post reports to "XX"
    res = analyze_structure(client)
    m = res.metrics
    layers, sizes, spans = _nx_tree_facts(people)
    assert m["people"] == 47
    assert (m["layers"], m["layer_sizes"]) == (layers, sizes) == (4, [1, 9, 14, 23])
    assert m["managers"] == len(spans) == 11
    assert round(m["span_mean"], 2) == 4.18 and m["span_mean"] == pytest.approx(46 / 11)
    assert m["span_max"] == max(spans.values()) == 9
    assert dict(zip(res.spans["employee_id"], res.spans["span"])) == spans
    assert m["departments_count"] == 13
    assert m["functions"]["hr"] == ["Human Resources Directorate"]
    assert "Planning and Finance Directorate" in m["functions"]["finance"]
    # every shown department is at least min_group_size (5) people or fully blanked
    d = res.departments
    assert (d.loc[~d["suppressed"], "headcount"] >= 5).all()
    assert d.loc[d["suppressed"], ["headcount", "managers", "span_mean", "layers"]].isna().all(axis=None)
    assert not math.isnan(res.score)
