"""Suggested plans: each candidate appears where the data show its problem and only there, with effects
computed by hand on tiny organisations; the plan files load back and apply; the report's recommendation
quotes the simulated effect (text and metrics.json); nothing names a department under the minimum size."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

import orgkit
from orgkit import from_frames
from orgkit.assessment import assess
from orgkit.cli import main
from orgkit.errors import OutputError
from orgkit.findings import derive_findings, recommend
from orgkit.sample import sample_client_path
from orgkit.scenario import apply_plan, load_plan
from orgkit.scenario.suggest import FILE_TAG, suggest_plans, write_suggestions

# Decisions: budget always goes to the chief executive (above the department head), process stays within.
#
#   ceo  Exec
#   ├── h  Sales ── a, b  Sales
#   └── x  Ops ──── y     Ops
ESCALATING_PEOPLE = [("ceo", "Exec", None), ("h", "Sales", "ceo"), ("a", "Sales", "h"), ("b", "Sales", "h"),
                     ("x", "Ops", "ceo"), ("y", "Ops", "x")]
ESCALATING_DECISIONS = [
    ("D1", "budget", "a", "ceo", "h"),   # hops 2, 1 approval
    ("D2", "budget", "b", "ceo", ""),    # hops 2, no approval
    ("D3", "budget", "y", "ceo", "x"),   # hops 2, 1 approval
    ("D4", "process", "a", "h", ""),     # hops 1, within
    ("D5", "process", "y", "x", ""),     # hops 1, within
]

# A narrow chain: ceo -> a -> a1 -> a2 -> w1..w4 (spans 1, 1, 4), ceo also leads b, c, d.
# 11 people, spans 4, 1, 1, 4 (mean 2.5): the minimum is 4 layers (1 + 2.5 + 6.25 < 11 <= 1 + 2.5 + 6.25
# + 15.6), the organisation has 5.
DEEP_PEOPLE = ([("ceo", "Exec", None), ("a", "Ops", "ceo"), ("a1", "Ops", "a"), ("a2", "Ops", "a1")]
               + [(f"w{i}", "Ops", "a2") for i in range(1, 5)]
               + [(p, "Exec", "ceo") for p in ("b", "c", "d")])

# Healthy: ceo leads four heads of four each (21 people, 3 layers, the minimum for span 4).
HEALTHY_PEOPLE = [("ceo", "Exec", None)] + [
    row for k in range(4) for row in [(f"h{k}", f"D{k}", "ceo"), *[(f"p{k}{j}", f"D{k}", f"h{k}") for j in range(4)]]]


def client(people, decisions=None, min_group_size=1, **settings) -> orgkit.Client:
    p = pd.DataFrame(people, columns=["employee_id", "department", "manager_id"])
    d = None if decisions is None else pd.DataFrame(
        decisions, columns=["decision_id", "decision_type", "initiator_id", "decider_id", "approvers"])
    return from_frames(p, decisions=d, settings={"name": "Tiny", "min_group_size": min_group_size, **settings})


def kinds(suggestions) -> list[str]:
    return [s.kind for s in suggestions]


# ------------------------------------------------------------------------------------------ delegate
def test_a_type_that_always_escalates_is_delegated_with_its_effect_by_hand():
    c = client(ESCALATING_PEOPLE, ESCALATING_DECISIONS)
    (s,) = [s for s in suggest_plans(c, language="en") if s.kind == "delegate"]
    assert s.plan.to_dict()["steps"] == [{"action": "delegate", "types": ["budget"], "to": "department_head"}]
    e = s.effect
    assert e["types"] == ["budget"] and e["decisions"] == 5 and e["of_types"] == 3 and e["changed"] == 3
    assert e["hops_median_before"] == 2 and e["hops_median_after"] == 1
    assert e["approvals_mean_before"] == pytest.approx(2 / 3) and e["approvals_mean_after"] == 0
    assert e["escalated_share_before"] == pytest.approx(3 / 5) and e["escalated_share_after"] == 0
    assert s.effect_text("en") == ("Simulated: delegating budget decisions to department heads would change 3 of "
                                   "the 5 recorded decisions, bringing their median hops from 2 to 1 and their "
                                   "mean approvals from 0.7 to 0.")
    assert "模拟结果" in s.effect_text("zh") and "budget" in s.effect_text("zh")
    assert "budget 100% escalated" in s.rationale and "process" not in s.rationale


def test_no_decision_records_no_delegation():
    assert "delegate" not in kinds(suggest_plans(client(ESCALATING_PEOPLE), language="en"))


def test_types_that_stay_with_the_department_head_are_not_delegated():
    within = [d for d in ESCALATING_DECISIONS if d[1] == "process"]
    assert "delegate" not in kinds(suggest_plans(client(ESCALATING_PEOPLE, within), language="en"))


# ------------------------------------------------------------------------------------------ delayer
def test_a_narrow_deep_chain_is_delayered_with_its_effect_by_hand():
    c = client(DEEP_PEOPLE)
    (s,) = suggest_plans(c, language="en")
    assert s.kind == "delayer"
    assert s.plan.to_dict()["steps"] == [{"action": "remove_layer", "manager": ["a", "a1"]}]
    e = s.effect
    assert (e["layers_before"], e["layers_after"], e["min_layers"]) == (5, 3, 4)
    assert (e["people_before"], e["people_after"], e["managers_before"], e["managers_after"]) == (11, 9, 4, 2)
    assert e["span_median_before"] == 2.5 and e["span_median_after"] == 4.0
    assert e["manager_ratio_before"] == pytest.approx(4 / 11) and e["manager_ratio_after"] == pytest.approx(2 / 9)
    assert "from 5 to 3 layers" in s.effect_text("en") and "2.5 to 4" in s.effect_text("en")
    assert "36.4% to 22.2%" in s.effect_text("en")


def test_healthy_spans_are_not_delayered():
    assert suggest_plans(client(HEALTHY_PEOPLE), language="en") == []


def test_no_delayering_when_another_chain_as_deep_keeps_the_layers():
    # ceo -> e -> e1 -> f1 -> g1..g4: as deep as the narrow chain, with spans of 3 and 4 all the way down
    wide = [("e", "Exec", "ceo"), *[(f"e{i}", "Exec", "e") for i in (1, 2, 3)],
            *[(f"f{i}", "Exec", "e1") for i in (1, 2, 3)], *[(f"g{i}", "Exec", "f1") for i in (1, 2, 3, 4)]]
    assert suggest_plans(client(DEEP_PEOPLE + wide), language="en") == []


def test_a_wider_max_span_takes_more_managers():
    c = client(DEEP_PEOPLE, thresholds={"scenario.delayer.max_span": 4})
    (s,) = suggest_plans(c, language="en")
    # a2 (4 reports) is on the deep chain too now
    assert s.plan.to_dict()["steps"][0]["manager"] == ["a", "a1", "a2"]


# ------------------------------------------------------------------------------------------ files
def test_written_plans_load_back_apply_and_are_never_written_over_edits(tmp_path):
    src = tmp_path / "client"
    people = pd.DataFrame(DEEP_PEOPLE + [("e", "Exec", "ceo")], columns=["employee_id", "department", "manager_id"])
    src.mkdir()
    people.to_csv(src / "people.csv", index=False)
    (src / "client.yml").write_text("name: Deep\nmin_group_size: 1\n", encoding="utf-8")
    out = tmp_path / "plans"
    written = write_suggestions(src, out, "zh")
    assert [p.name for _, p in written] == ["suggested-delayer.yml"]
    path = written[0][1]
    text = path.read_text(encoding="utf-8")
    assert text.startswith(FILE_TAG + "\n") and "模拟结果" in text
    plan = load_plan(path)
    assert plan.to_dict() == written[0][0].plan.to_dict()
    result = apply_plan(orgkit.load_client(src), plan)
    assert set(result.client.people["employee_id"]) == set(people["employee_id"]) - {"a", "a1"}
    assert write_suggestions(src, out, "en")  # its own, unchanged file: replaced
    path.write_text(path.read_text(encoding="utf-8") + "# my edit\n", encoding="utf-8")
    with pytest.raises(OutputError, match="not replace"):
        write_suggestions(src, out, "en")
    assert path.read_text(encoding="utf-8").endswith("# my edit\n")
    with pytest.raises(OutputError, match="client folder"):
        write_suggestions(src, src / "plans", "en")
    assert not (src / "plans").exists()


def test_the_command_writes_the_plans_and_prints_their_effect(tmp_path):
    out = tmp_path / "plans"
    runner = CliRunner()
    res = runner.invoke(main, ["scenario", str(sample_client_path()), "--suggest", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert (out / "suggested-delegate.yml").is_file() and "Simulated: delegating" in res.output
    load_plan(out / "suggested-delegate.yml")  # applying it writes a comparison report: test_comparison_report.py


# ------------------------------------------------------------------------------------------ privacy
def test_no_department_under_the_minimum_size_is_named(tmp_path):
    # Sales has 3 people, Ops 2: under the minimum of 5, neither may be named anywhere
    c = client(ESCALATING_PEOPLE + [("z", "Ops", "x")], ESCALATING_DECISIONS, min_group_size=5)
    both = suggest_plans(c, language="en") + suggest_plans(c, language="zh")
    assert both
    for s in both:
        texts = [s.rationale, s.name, s.plan.to_yaml(), *(s.effect_text(lang) for lang in ("en", "zh")),
                 *(s.rationale_in(lang) for lang in ("en", "zh"))]
        for name in ("Sales", "Ops", "Exec"):
            assert not any(name in x for x in texts), (name, s.kind)


# ------------------------------------------------------------------------------------------ the report
@pytest.fixture(scope="module")
def sample():
    c = orgkit.load_client(sample_client_path())
    a = assess(c)
    return c, a, recommend(derive_findings(a), a)


def test_the_delegate_recommendation_quotes_its_simulated_effect(sample):
    c, a, recs = sample
    (rec,) = [r for r in recs if r.key == "delegate"]
    (s,) = [s for s in suggest_plans(c, a, language="en") if s.kind == "delegate"]
    assert rec.text("en").endswith(s.effect_text("en")) and rec.text("zh").endswith(s.effect_text("zh"))
    assert rec.simulated["effect"] == s.effect
    assert rec.to_dict("en")["simulated"]["changed"] == s.effect["changed"] > 0
    m = a.to_dict()
    block = m["decisions"]["simulated_delegation"]
    assert block["recommendation"] == "delegate" and block["text"] == s.effect_text("en")
    assert block["hops_median_before"] == s.effect["hops_median_before"]
    assert block["changed"] == s.effect["changed"] and m["structure"]["simulated_delayering"] is None
    # the numbers are those of the plan: applying it measures the same
    from orgkit.areas.decisions import decision_paths

    result = apply_plan(c, s.plan)
    changed = set(result.decisions_rerouted["decision_id"])
    assert len(changed) == block["changed"]
    after = decision_paths(result.client)
    before = a.decisions.paths
    for frame, when in ((before, "before"), (after, "after")):
        hops = pd.to_numeric(frame.loc[frame["decision_id"].isin(changed), "hops"])
        assert float(hops.median()) == block[f"hops_median_{when}"]


def test_the_layering_recommendation_quotes_its_simulated_effect():
    c = client(DEEP_PEOPLE)
    a = assess(c)
    recs = [r for r in recommend(derive_findings(a), a) if r.simulated]
    assert [r.key for r in recs] == ["flatten"]
    assert recs[0].text("en").endswith("from 5 to 3 layers, the median span from 2.5 to 4 and managers from "
                                       "36.4% to 22.2% of people.")
    block = a.to_dict()["structure"]["simulated_delayering"]
    assert block["recommendation"] == "flatten" and block["layers_after"] == 3 and block["managers_removed"] == 2
