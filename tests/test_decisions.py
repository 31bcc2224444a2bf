"""Tests for orgkit.areas.decisions: hand-computed cases, then the public data sets against networkx."""

from __future__ import annotations

import json
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from orgkit import from_frames
from orgkit.data.client import Client, Settings
from orgkit.areas.decisions import (
    SCORE_TARGETS,
    analyze_decisions,
    decision_paths,
    decisions_score,
    department_heads,
    distance_to_head,
    structural_proxy,
    summarize_paths,
)
from orgkit.data.hierarchy import Hierarchy

# --------------------------------------------------------------------------------------------------
# building clients


def _frames(people, decisions, hierarchy):
    p = pd.DataFrame({
        "employee_id": [r[0] for r in people],
        "department": [r[1] for r in people],
        "manager_id": [r[2] for r in people],
    })
    if not hierarchy:
        p = p.drop(columns="manager_id")
    d = None
    if decisions is not None:
        d = pd.DataFrame({
            "decision_id": [r[0] for r in decisions],
            "decision_type": [r[1] for r in decisions],
            "initiator_id": [r[2] for r in decisions],
            "decider_id": [r[3] for r in decisions],
            "approvers": [";".join(r[4]) for r in decisions],
            "raised_at": [r[5] for r in decisions],
            "decided_at": [r[6] for r in decisions],
        }, columns=["decision_id", "decision_type", "initiator_id", "decider_id", "approvers", "raised_at",
                    "decided_at"])
    return p, d


def make_client(people, decisions=None, min_group_size=1, hierarchy=True):
    """A validated Client from rows, through the loader's :func:`orgkit.from_frames`.

    ``people``: list of (employee_id, department, manager_id or None).
    ``decisions``: list of (decision_id, type, initiator, decider, [approvers], raised, decided).
    """
    p, d = _frames(people, decisions, hierarchy)
    return from_frames(p, decisions=d, settings=Settings(name="t", min_group_size=min_group_size))


def direct_client(people, decisions, min_group_size=1):
    """A Client built directly (no loader), for data the loader would already have cleaned."""
    p, d = _frames(people, decisions, True)
    p = p.astype({"employee_id": "str", "department": "str", "manager_id": "str"})
    d = d.astype({c: "str" for c in ["decision_id", "decision_type", "initiator_id", "decider_id", "approvers"]})
    d["n_approvers"] = [len(r[4]) for r in decisions]
    for c in ("raised_at", "decided_at"):
        d[c] = pd.to_datetime(d[c], format="ISO8601")
    return Client(path=Path("."), settings=Settings(name="t", min_group_size=min_group_size), people=p, decisions=d)


def dec(did, ini, decider, approvers=(), raised="2024-01-01", decided="2024-01-02", kind="t"):
    return (did, kind, ini, decider, list(approvers), raised, decided)


CHAIN = [("ceo", "X", None), ("a", "X", "ceo"), ("b", "X", "a"), ("c", "X", "b")]

# ceo(Exec) -> sales_head(Sales) -> s1(Sales) -> s2(Sales)
#          |                     -> ops(SalesOps)
#          -> fin_head(Finance) -> f1(Finance)
ESCALATION_TREE = [
    ("ceo", "Exec", None),
    ("sales_head", "Sales", "ceo"),
    ("s1", "Sales", "sales_head"),
    ("s2", "Sales", "s1"),
    ("ops", "SalesOps", "sales_head"),
    ("fin_head", "Finance", "ceo"),
    ("f1", "Finance", "fin_head"),
]


# --------------------------------------------------------------------------------------------------
# hops


def test_chain_hops_equal_depth_difference():
    c = make_client(CHAIN, [dec("d1", "c", "ceo"), dec("d2", "b", "ceo"), dec("d3", "c", "a"), dec("d4", "c", "c")])
    p = decision_paths(c)
    assert p["hops"].tolist() == [3, 2, 2, 0]
    assert p["lowest_common_manager_id"].tolist() == ["ceo", "ceo", "a", "c"]
    assert p["in_one_tree"].tolist() == [True] * 4


def test_siblings_two_hops():
    people = [("m", "X", None), ("a", "X", "m"), ("b", "X", "m")]
    p = decision_paths(make_client(people, [dec("d1", "a", "b")]))
    assert p.loc[0, "hops"] == 2
    assert p.loc[0, "lowest_common_manager_id"] == "m"


def test_two_trees_reported_not_guessed():
    people = [("r1", "X", None), ("a", "X", "r1"), ("r2", "Y", None), ("b", "Y", "r2")]
    c = make_client(people, [dec("d1", "a", "b"), dec("d2", "a", "r1"), dec("d3", "b", "b")])
    r = analyze_decisions(c)
    p = r.paths
    assert pd.isna(p.loc[0, "hops"]) and pd.isna(p.loc[0, "lowest_common_manager_id"])
    assert p["in_one_tree"].tolist() == [False, True, True]
    assert pd.isna(p.loc[0, "escalated"])
    assert r.metrics["not_in_one_tree"] == 1
    assert r.metrics["not_in_one_tree_ids"] == ["d1"]
    assert r.metrics["hops_mean"] == pytest.approx(0.5)  # (1 + 0) / 2, d1 left out
    assert r.excluded.to_dict(orient="records") == [{"decision_id": "d1", "reason": "not_in_one_tree"}]
    # the other quantities still count d1
    assert r.metrics["decisions"] == 3
    assert r.metrics["approvals_mean"] == 0.0


# --------------------------------------------------------------------------------------------------
# approvals, departments, latency


def test_approvals_and_departments_crossed_with_repeated_departments():
    people = [
        ("ceo", "Exec", None), ("s", "Sales", "ceo"), ("s2", "Sales", "s"),
        ("f", "Finance", "ceo"), ("f2", "Finance", "f"), ("l", "Legal", "ceo"),
    ]
    c = make_client(people, [
        dec("d1", "s2", "f", approvers=["s", "f2", "f"]),  # {Sales, Finance} -> 1
        dec("d2", "s2", "s"),  # {Sales} -> 0
        dec("d3", "s2", "f", approvers=["l", "l"]),  # {Sales, Legal, Finance} -> 2, two listed approvers
        dec("d4", "s2", "s2", approvers=["f2", "ceo"]),  # {Sales, Finance, Exec} -> 2
    ])
    p = decision_paths(c)
    assert p["approvals"].tolist() == [3, 0, 2, 2]
    assert p["departments_crossed"].tolist() == [1, 0, 2, 2]
    m = analyze_decisions(c).metrics
    assert m["approvals_mean"] == pytest.approx(7 / 4)
    assert m["approvals_median"] == pytest.approx(2.0)
    assert m["departments_crossed_mean"] == pytest.approx(5 / 4)


def test_latency_missing_and_negative_timestamps():
    # built directly: the loader already blanks decided_at when it precedes raised_at
    c = direct_client(CHAIN, [
        dec("d1", "a", "ceo", raised="2024-01-01 00:00", decided="2024-01-03 12:00"),  # 2.5 days
        dec("d2", "a", "ceo", raised=None, decided="2024-01-03"),  # missing
        dec("d3", "a", "ceo", raised="2024-01-01", decided=None),  # missing
        dec("d4", "a", "ceo", raised="2024-01-05", decided="2024-01-01"),  # negative: excluded
        dec("d5", "a", "ceo", raised="2024-01-01", decided="2024-01-11"),  # 10 days
    ])
    r = analyze_decisions(c)
    lat = r.paths["latency_days"]
    assert lat[0] == pytest.approx(2.5) and lat[4] == pytest.approx(10.0)
    assert lat[[1, 2, 3]].isna().all()
    assert r.paths["latency_status"].tolist() == ["ok", "missing", "missing", "negative", "ok"]
    assert r.metrics["negative_latency"] == 1 and r.metrics["negative_latency_ids"] == ["d4"]
    assert r.metrics["missing_latency"] == 2
    assert r.metrics["latency_days_mean"] == pytest.approx(6.25)
    assert r.metrics["latency_days_median"] == pytest.approx(6.25)
    assert r.metrics["latency_days_p90"] == pytest.approx(2.5 + 0.9 * 7.5)
    assert r.slowest["decision_id"].tolist() == ["d5", "d1"]
    assert {"decision_id": "d4", "reason": "negative_latency"} in r.excluded.to_dict(orient="records")


def test_latency_through_the_loader_negative_becomes_missing():
    c = make_client(CHAIN, [dec("d1", "a", "ceo", raised="2024-01-05", decided="2024-01-01"),
                            dec("d2", "a", "ceo", raised="2024-01-01", decided="2024-01-04")])
    r = analyze_decisions(c)
    assert r.paths["latency_status"].tolist() == ["missing", "ok"]
    assert r.metrics["latency_days_mean"] == pytest.approx(3.0)


def test_p90_small_list_by_hand():
    # chain ceo-p1-p2-p3-p4-p5-p6 plus q2 under p1; hops to ceo: 1, 2, 2, 3, 6
    people = [("ceo", "X", None), ("p1", "X", "ceo"), ("p2", "X", "p1"), ("p3", "X", "p2"),
              ("p4", "X", "p3"), ("p5", "X", "p4"), ("p6", "X", "p5"), ("q2", "X", "p1")]
    ds = [dec(f"d{i}", who, "ceo") for i, who in enumerate(["p1", "p2", "q2", "p3", "p6"])]
    m = analyze_decisions(make_client(people, ds)).metrics
    # numpy linear: h = 0.9 * (5 - 1) = 3.6 -> x3 + 0.6 * (x4 - x3) = 3 + 0.6 * 3
    assert m["hops_p90"] == pytest.approx(4.8)
    assert m["hops_median"] == pytest.approx(2.0)
    assert m["hops_mean"] == pytest.approx(14 / 5)


def test_summarize_by_type():
    c = make_client(CHAIN, [
        dec("d1", "c", "ceo", kind="budget", decided="2024-01-05"),  # 3 hops, 4 days
        dec("d2", "b", "a", kind="budget", decided="2024-01-03"),  # 1 hop, 2 days
        dec("d3", "c", "b", kind="hire", approvers=["a"]),  # 1 hop, 1 day
    ])
    r = analyze_decisions(c)
    t = r.by_type.set_index("decision_type")
    assert t.loc["budget", "count"] == 2 and t.loc["hire", "count"] == 1
    assert t.loc["budget", "hops_mean"] == pytest.approx(2.0)
    assert t.loc["budget", "hops_p90"] == pytest.approx(1 + 0.9 * 2)
    assert t.loc["budget", "latency_days_median"] == pytest.approx(3.0)
    assert t.loc["hire", "approvals_mean"] == pytest.approx(1.0)
    assert r.metrics["by_type"]["budget"]["hops_median"] == pytest.approx(2.0)
    assert r.metrics["by_type"]["hire"]["count"] == 1


# --------------------------------------------------------------------------------------------------
# department heads and escalation


def test_distance_to_department_head():
    people = ESCALATION_TREE + [("x", "Finance", "s1")]  # Finance also sits under Sales: a second head
    c = make_client(people)
    h = Hierarchy.from_people(c.people)
    heads = department_heads(h, c.people["department"])
    assert [c.people["employee_id"][i] for i in heads] == [
        "ceo", "sales_head", "sales_head", "sales_head", "ops", "fin_head", "fin_head", "x"]
    assert distance_to_head(h, c.people["department"]).tolist() == [0, 0, 1, 2, 0, 0, 1, 0]
    s = structural_proxy(h, c.people["department"], min_group_size=1).set_index("department")
    assert s.loc["Finance", "heads"] == 2
    assert s.loc["Finance", "distance_to_top_mean"] == pytest.approx((1 + 2 + 3) / 3)
    assert s.loc["Sales", "distance_to_head_mean"] == pytest.approx(1.0)
    assert s.loc["Sales", "distance_to_head_p90"] == pytest.approx(1 + 0.8 * 1)  # [0, 1, 2]: h = 1.8


def test_department_heads_match_naive_climb_on_random_tree():
    rng = np.random.default_rng(7)
    n = 2000
    parent = np.array([-1] + [int(rng.integers(0, i)) for i in range(1, n)])
    dept = rng.choice(["A", "B", "C"], size=n, p=[0.6, 0.3, 0.1])
    ids = [f"e{i}" for i in range(n)]
    people = pd.DataFrame({"employee_id": ids, "department": dept,
                           "manager_id": [ids[q] if q >= 0 else None for q in parent]}).astype("str")
    heads = department_heads(Hierarchy.from_people(people), people["department"])
    naive = []
    for i in range(n):  # the naive climb, independent of the pointer jumping
        j = i
        while parent[j] >= 0 and dept[parent[j]] == dept[j]:
            j = parent[j]
        naive.append(j)
    assert heads.tolist() == naive


def test_escalation_on_constructed_tree():
    c = make_client(ESCALATION_TREE, [
        dec("w1", "s2", "s1"),  # within: below the Sales head
        dec("w2", "s2", "sales_head"),  # within: the head itself
        dec("w3", "s2", "ops"),  # within: other department, but in the Sales head's subtree
        dec("u1", "s2", "ceo"),  # up: strict ancestor of the Sales head
        dec("u2", "ops", "sales_head"),  # up: SalesOps' head is ops; sales_head is above it
        dec("a1", "s2", "f1"),  # across
        dec("a2", "s1", "fin_head"),  # across
    ])
    r = analyze_decisions(c)
    assert r.paths["escalation"].tolist() == ["within", "within", "within", "up", "up", "across", "across"]
    assert r.paths["escalated"].tolist() == [False, False, False, True, True, True, True]
    assert r.metrics["escalated_share"] == pytest.approx(4 / 7)
    assert r.metrics["escalated_up_share"] == pytest.approx(2 / 7)
    assert r.metrics["escalated_across_share"] == pytest.approx(2 / 7)
    assert r.paths["hops"].tolist() == [1, 2, 3, 3, 1, 5, 3]


# --------------------------------------------------------------------------------------------------
# degenerate inputs


def test_no_decisions_not_assessed_distance_to_top_is_context_only():
    c = make_client(ESCALATION_TREE)
    r = analyze_decisions(c)
    m = r.metrics
    assert m["available"] is False and m["decisions"] == 0 and m["reason"]
    assert m["hops_mean"] is None and m["escalated_share"] is None
    assert m["open"] is None and m["closed"] == 0
    assert r.paths.empty and r.slowest.empty and r.longest.empty
    # no score from a stand-in: the distances to the top are context, never scored
    assert r.score is None and m["score"] is None
    assert r.score_components["basis"] is None and r.score_components["evidence_share"] == 0.0
    ctx = m["context"]
    # depths 0,1,2,3,2,1,2 ; distance to head 0,0,1,2,0,0,1
    assert ctx["layers"] == 4
    assert ctx["distance_to_top_mean"] == pytest.approx(11 / 7)
    assert ctx["distance_to_top_median"] == pytest.approx(2.0)
    assert ctx["distance_to_head_mean"] == pytest.approx(4 / 7)
    assert ctx["distance_to_top_p90"] == pytest.approx(2 + 0.4 * 1)  # sorted 0,1,1,2,2,2,3: h = 5.4
    assert "distance_to_top_mean" not in m  # only under context
    # a seven-layer chain in one department: depths 0..6, mean 3, also the mean distance to the head
    chain = [("p0", "X", None)] + [(f"p{i}", "X", f"p{i - 1}") for i in range(1, 7)]
    r = analyze_decisions(make_client(chain))
    assert r.metrics["context"]["distance_to_top_mean"] == pytest.approx(3.0)
    assert r.metrics["context"]["distance_to_head_mean"] == pytest.approx(3.0)
    assert r.score is None


def test_empty_decisions_table_is_no_decisions():
    c = make_client(CHAIN, [])
    r = analyze_decisions(c)
    assert r.metrics["available"] is False and r.metrics["decisions"] == 0
    assert r.score is None and r.score_components["basis"] is None


def test_no_hierarchy():
    people = [("a", "X", None), ("b", "Y", None), ("c", "Y", None)]
    c = make_client(people, [
        dec("d1", "a", "b", approvers=["c"], decided="2024-01-04"),  # 3 days, {X, Y}
        dec("d2", "b", "c", decided="2024-01-02"),  # 1 day, {Y}
    ], hierarchy=False)
    r = analyze_decisions(c)
    m = r.metrics
    assert m["available"] is True and m["hierarchy_reason"]
    assert r.paths["hops"].isna().all() and m["hops_mean"] is None
    assert m["escalated_share"] is None and m["context"]["distance_to_top_mean"] is None
    assert r.paths["approvals"].tolist() == [1, 0]
    assert r.paths["departments_crossed"].tolist() == [1, 0]
    assert m["latency_days_median"] == pytest.approx(2.0)
    assert r.structural.empty and r.longest.empty
    # only approvals (0.5 -> 100) and latency (2 days -> 100) remain
    assert r.score == pytest.approx(100.0)
    assert r.score_components["hops_mean"]["score"] is None


def test_no_hierarchy_and_no_decisions_never_raises():
    c = make_client([("a", "X", None)], hierarchy=False)
    r = analyze_decisions(c)
    assert r.metrics["available"] is False and r.metrics["reason"]
    assert r.score is None and r.metrics["score"] is None
    assert r.score_components["basis"] is None
    json.dumps(r.metrics, allow_nan=False)


def test_one_person_department_suppressed():
    # Exec (1 person) is under the threshold; Ops (2) is visible, but suppressed too so that Exec cannot be
    # recovered as the total minus the shown departments (complementary suppression); Sales stays.
    people = [("ceo", "Exec", None)] + [(f"s{i}", "Sales", "ceo") for i in range(3)] + [
        ("o1", "Ops", "ceo"), ("o2", "Ops", "o1")]
    c = make_client(people, [dec("d1", "ceo", "s0"), dec("d2", "s1", "ceo"), dec("d3", "s2", "s0"),
                             dec("d4", "o2", "o1")], min_group_size=2)
    r = analyze_decisions(c)
    bd = r.by_department.set_index("department")
    assert bool(bd.loc["Exec", "suppressed"]) and pd.isna(bd.loc["Exec", "hops_mean"])
    assert pd.isna(bd.loc["Exec", "count"]) and pd.isna(bd.loc["Exec", "people"])
    assert bool(bd.loc["Ops", "suppressed"]) and pd.isna(bd.loc["Ops", "count"])
    assert not bool(bd.loc["Sales", "suppressed"])
    assert bd.loc["Sales", "count"] == 2 and bd.loc["Sales", "hops_mean"] == pytest.approx(1.5)
    st = r.structural.set_index("department")
    assert bool(st.loc["Exec", "suppressed"]) and pd.isna(st.loc["Exec", "distance_to_top_mean"])
    assert bool(st.loc["Ops", "suppressed"]) and pd.isna(st.loc["Ops", "distance_to_top_mean"])
    assert st.loc["Sales", "distance_to_head_mean"] == 0.0  # each is their own head (manager in Exec)


def test_slowest_and_longest_are_ids_only():
    people = [("ceo", "X", None)] + [(f"p{i}", "X", "ceo") for i in range(12)]
    ds = [dec(f"d{i:02d}", f"p{i}", "ceo", decided=f"2024-01-{i + 2:02d}") for i in range(12)]
    r = analyze_decisions(make_client(people, ds))
    cols = ["decision_id", "decision_type", "initiator_id", "decider_id", "hops", "approvals", "latency_days"]
    assert list(r.slowest.columns) == cols and list(r.longest.columns) == cols
    assert len(r.slowest) == 10
    assert r.slowest["decision_id"].tolist() == [f"d{i:02d}" for i in range(11, 1, -1)]
    # all hops equal 1: ties broken by latency (desc)
    assert r.longest["decision_id"].tolist()[:2] == ["d11", "d10"]


def test_metrics_are_json_safe():
    c = make_client(ESCALATION_TREE, [dec("d1", "s2", "ceo", raised=None), dec("d2", "s1", "f1")])
    m = analyze_decisions(c).metrics
    text = json.dumps(m, allow_nan=False)
    assert json.loads(text) == m

    def walk(v):
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        else:
            assert v is None or type(v) in (int, float, str, bool)

    walk(m)


def test_score_components_by_hand():
    metrics = {"available": True, "hops_mean": 5.0, "approvals_mean": 3.0,
               "latency_days_median": 30.0, "escalated_share": 0.1}
    score, parts = decisions_score(metrics)
    # hops (8-5)/6 = 50; approvals (5-3)/4 = 50; latency 0; escalation 100
    assert [parts[k]["score"] for k in SCORE_TARGETS] == [50.0, 50.0, 0.0, 100.0]
    assert score == pytest.approx(0.3 * 50 + 0.2 * 50 + 0.3 * 0 + 0.2 * 100)
    score2, _ = decisions_score(metrics, targets={"hops_mean": (5.0, 9.0, 1.0)})
    assert score2 == pytest.approx(100.0)


def test_summarize_empty_paths():
    s = summarize_paths(decision_paths(make_client(CHAIN)))
    assert s.loc[0, "count"] == 0 and np.isnan(s.loc[0, "hops_mean"])


# --------------------------------------------------------------------------------------------------
# speed


def test_speed_100k_people_20k_decisions():
    rng = np.random.default_rng(0)
    n, k = 100_000, 20_000
    # a bushy random tree: each person's manager among the first ~i/8 people
    parent = np.concatenate([[-1], (rng.random(n - 1) * (np.arange(1, n) / 8 + 1)).astype(np.int64)])
    ids = np.array([f"E{i}" for i in range(n)], dtype=object)
    people = pd.DataFrame({
        "employee_id": pd.Series(ids, dtype="str"),
        "department": pd.Series(rng.choice([f"D{j}" for j in range(40)], size=n), dtype="str"),
        "manager_id": pd.Series(np.where(parent >= 0, ids[np.maximum(parent, 0)], None), dtype="str"),
    })
    n_appr = rng.integers(0, 4, size=k)
    approvers = [";".join(ids[rng.integers(0, n, size=m)]) for m in n_appr]
    raised = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10_000, size=k), unit="h")
    decisions = pd.DataFrame({
        "decision_id": pd.Series([f"D{i}" for i in range(k)], dtype="str"),
        "decision_type": pd.Series(rng.choice(["budget", "hire", "price"], size=k), dtype="str"),
        "initiator_id": pd.Series(ids[rng.integers(0, n, size=k)], dtype="str"),
        "decider_id": pd.Series(ids[rng.integers(0, n, size=k)], dtype="str"),
        "approvers": pd.Series(approvers, dtype="str"),
        "n_approvers": n_appr.astype("int64"),
        "raised_at": raised,
        "decided_at": raised + pd.to_timedelta(rng.integers(0, 500, size=k), unit="h"),
    })
    c = Client(path=Path("."), settings=Settings(name="big"), people=people, decisions=decisions)
    t0 = time.perf_counter()
    r = analyze_decisions(c)
    elapsed = time.perf_counter() - t0
    assert r.metrics["decisions"] == k and r.metrics["not_in_one_tree"] == 0
    # spot check hops against a plain climb for a few decisions
    depth = Hierarchy.from_people(people).depth
    for i in range(0, k, 4000):
        a, b = int(decisions["initiator_id"][i][1:]), int(decisions["decider_id"][i][1:])
        anc = {}
        x, steps = a, 0
        while x >= 0:
            anc[x] = steps
            x, steps = parent[x], steps + 1
        y, up = b, 0
        while y not in anc:
            y, up = parent[y], up + 1
        assert r.paths["hops"][i] == anc[y] + up
        assert anc[y] + up == depth[a] + depth[b] - 2 * depth[y]
    assert elapsed < 3.0, f"analyze_decisions took {elapsed:.2f} s"


# --------------------------------------------------------------------------------------------------
# public data sets


@pytest.mark.realdata
def test_manufacturing_email_pairs_hops_match_networkx(shared_data):
    folder = shared_data / "manufacturing_email_hierarchy"
    rep = pd.read_csv(folder / "reportsto.csv", dtype=str)
    rep = rep.assign(ReportsToID=rep["ReportsToID"].where(rep["ID"] != rep["ReportsToID"]))  # CEO self-row
    tree = nx.DiGraph()  # manager -> report
    tree.add_nodes_from(rep["ID"])
    tree.add_edges_from(rep.dropna().loc[:, ["ReportsToID", "ID"]].itertuples(index=False))
    root = "86"
    # proxy departments: the top-level branch under the CEO (the CEO alone in "CEO")
    branch = {root: "CEO"}
    for director in tree.successors(root):
        for person in nx.descendants(tree, director) | {director}:
            branch[person] = f"branch-{director}"
    people = [(i, branch[i], m if isinstance(m, str) else None) for i, m in rep.itertuples(index=False)]

    comm = pd.read_csv(folder / "communication.csv", sep=";", dtype=str)
    in_tree = comm["Sender"].isin(branch) & comm["Recipient"].isin(branch) & (comm["Sender"] != comm["Recipient"])
    pairs = comm[in_tree].head(500)
    ds = [dec(f"e{j}", s, t, raised=ts, decided=ts) for j, (s, t, ts) in enumerate(pairs.itertuples(index=False))]
    r = analyze_decisions(make_client(people, ds, min_group_size=5))

    undirected = tree.to_undirected()
    expected = [nx.shortest_path_length(undirected, s, t) for s, t in zip(pairs["Sender"], pairs["Recipient"])]
    assert r.paths["hops"].tolist() == expected
    lca = [nx.lowest_common_ancestor(tree, s, t) for s, t in zip(pairs["Sender"], pairs["Recipient"])]
    assert r.paths["lowest_common_manager_id"].tolist() == lca
    assert r.metrics["not_in_one_tree"] == 0
    assert r.metrics["hops_mean"] == pytest.approx(np.mean(expected))
    assert r.metrics["hops_p90"] == pytest.approx(np.quantile(expected, 0.9))
    # escalation with the branches as departments: within iff the recipient is in the sender's branch
    # (or the sender is the CEO); up iff the recipient is the CEO
    exp_kind = [
        "within" if branch[s] == "CEO" or branch[t] == branch[s] else ("up" if t == root else "across")
        for s, t in zip(pairs["Sender"], pairs["Recipient"])
    ]
    assert r.paths["escalation"].tolist() == exp_kind
    depths = nx.shortest_path_length(tree, root)
    assert r.metrics["context"]["layers"] == max(depths.values()) + 1 == 6
    assert r.metrics["context"]["distance_to_top_mean"] == pytest.approx(np.mean(list(depths.values())))


@pytest.mark.realdata
def test_krackhardt_distance_to_top_matches_networkx(shared_data):
    folder = shared_data / "krackhardt_hightech"
    attrs = pd.read_csv(folder / "Krack-High-Tec-Attributes.csv", dtype=str)
    ties = pd.read_csv(folder / "Krack-High-Tec-edgelist-ReportsTo.txt", sep=r"\s+", header=None,
                       names=["ego", "alter", "tie"], dtype=str)
    ties = ties[ties["tie"] == "1"]
    manager = dict(zip(ties["ego"], ties["alter"]))
    people = [(i, f"dept{d}", manager.get(i)) for i, d in zip(attrs["ID"], attrs["DEPT"])]
    c = make_client(people, min_group_size=1)
    r = analyze_decisions(c)

    tree = nx.DiGraph([(m, e) for e, m in manager.items()])
    roots = [v for v in tree if tree.in_degree(v) == 0]
    assert roots == ["7"]
    depth = nx.shortest_path_length(tree, "7")
    ids = attrs["ID"].tolist()
    d = np.array([depth[i] for i in ids], dtype=float)
    assert r.metrics["context"]["distance_to_top_mean"] == pytest.approx(d.mean())
    assert r.metrics["context"]["distance_to_top_p90"] == pytest.approx(np.quantile(d, 0.9))
    assert r.metrics["context"]["layers"] == 3
    # every manager reports to their own department's VP, VPs to the CEO (dept 0): heads are the VPs
    to_head = np.array([0 if depth[i] <= 1 else depth[i] - 1 for i in ids], dtype=float)
    assert r.metrics["context"]["distance_to_head_mean"] == pytest.approx(to_head.mean())
    s = r.structural.set_index("department")
    per_dept = pd.Series(d, index=[f"dept{x}" for x in attrs["DEPT"]]).groupby(level=0).mean()
    assert s["distance_to_top_mean"].to_dict() == pytest.approx(per_dept.to_dict())
    assert r.score is None and r.score_components["basis"] is None  # context only, never scored


# --------------------------------------------------------------------------------------------------
# open decisions (issue 11: nothing dropped silently)


def test_open_decisions_counted_and_aged_to_the_latest_date():
    # d1 closed after 4 days; d2 and d3 open (no decided date); the latest date in the file is d1's
    # decided 2024-03-31, so d2 (raised 2024-01-01) has waited 90 days and d3 (2024-03-21) 10 days
    c = make_client(CHAIN, [
        dec("d1", "c", "a", raised="2024-03-27", decided="2024-03-31", kind="budget"),
        dec("d2", "b", "ceo", raised="2024-01-01", decided=None, kind="budget"),
        dec("d3", "c", "b", raised="2024-03-21", decided=None, kind="hiring"),
    ])
    r = analyze_decisions(c)
    m = r.metrics
    assert r.paths["state"].tolist() == ["closed", "open", "open"]
    assert (m["decisions"], m["closed"], m["open"], m["undated"]) == (3, 1, 2, 0)
    assert m["open_share"] == pytest.approx(2 / 3)
    assert m["reference_date"] == "2024-03-31"
    assert m["open_oldest_days"] == pytest.approx(90.0)
    assert m["open_median_days"] == pytest.approx(50.0)
    # latency covers the one closed decision only
    assert m["latency_decisions"] == 1 and m["latency_days_median"] == pytest.approx(4.0)
    # counts by type include the open ones: budget 2 (1 open), hiring 1 (1 open)
    assert {t: (v["count"], v["open"], v["closed"]) for t, v in m["by_type"].items()} == {
        "budget": (2, 1, 1), "hiring": (1, 1, 0)}
    # paths are known for open decisions too: hops of d1, d2, d3 = 2, 2, 1
    assert r.paths["hops"].tolist() == [2, 2, 1]


def test_no_decided_date_anywhere_means_open_cannot_be_told():
    c = make_client(CHAIN, [dec("d1", "c", "a", decided=None), dec("d2", "b", "a", decided=None)])
    m = analyze_decisions(c).metrics
    assert m["open"] is None and m["open_share"] is None and m["open_reason"]
    assert m["undated"] == 2 and m["closed"] == 0 and m["latency_decisions"] == 0


def test_a_decided_date_before_the_raised_one_is_not_an_open_decision():
    c = make_client(CHAIN, [dec("d1", "c", "a", raised="2024-01-05", decided="2024-01-02"),
                            dec("d2", "b", "a", raised="2024-01-01", decided="2024-01-03")])
    m = analyze_decisions(c).metrics
    assert m["open"] == 0 and m["undated"] == 1 and m["closed"] == 1


def test_latency_component_drops_out_without_timestamps():
    c = make_client(CHAIN, [dec("d1", "c", "a", raised=None, decided=None),
                            dec("d2", "b", "a", raised=None, decided=None)])
    r = analyze_decisions(c)
    assert r.score_components["latency_days_median"]["score"] is None
    # hops 0.3 + approvals 0.2 + escalation 0.2 of the weight 1.0 remain
    assert r.score_components["evidence_share"] == pytest.approx(0.7)


def test_figures_and_table_count_the_same_decisions():
    """The path figure counts every decision (open ones included), as the per-type table's count does; the
    latency figure's n per type is the closed decisions with both dates, as behind the median days."""
    from orgkit import load_client
    from orgkit.data.sample import sample_client_path
    from orgkit.plots.decisions import plot_latency_by_type, plot_path_distribution

    r = analyze_decisions(load_client(sample_client_path()))
    assert r.metrics["open"] > 0  # the sample has open decisions
    fig = plot_path_distribution(r.paths)
    assert sum(p.get_height() for p in fig.axes[1].patches) == r.by_type["count"].sum() == r.metrics["decisions"]
    labels = [t.get_text() for t in plot_latency_by_type(r.paths).axes[0].get_yticklabels()]
    n = {label.rsplit(" (n=", 1)[0]: int(label.rsplit("=", 1)[1].rstrip(")")) for label in labels}
    with_dates = r.paths[r.paths["latency_days"].notna()].groupby("decision_type").size().to_dict()
    assert n == with_dates
    assert n == r.by_type.set_index("decision_type")["closed"].to_dict()  # every closed one has both dates here
    assert sum(n.values()) == r.metrics["latency_decisions"] == r.metrics["decisions"] - r.metrics["open"]
