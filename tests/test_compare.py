"""Comparing two states of one organisation: a plan's effect (scenario) and two snapshots (reassessment).

Every number is computed by hand on tiny organisations: a five-person team moved to another department, a
department renamed, two merged. The scenario's plan is stood in for by two client states built here (the
plan engine is tested on its own); the CLI's scenario path is tested with stand-in plan modules only where
the real ones are missing.
"""

from __future__ import annotations

import json
import re
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from orgkit.cli import main
from orgkit.data.loading import from_frames
from orgkit.errors import ConfigError
from orgkit.findings import Finding
from orgkit.scenario.compare import Comparison, compare_states, finding_changes, people_changes
from orgkit.scenario.snapshots import compare_snapshots, id_format_matches, later_snapshot, match_departments
from orgkit.thresholds import DEFAULTS

SETTINGS = {"name": "Team Co", "min_group_size": 5}


# ------------------------------------------------------------------------------------------ a tiny company
def _people() -> pd.DataFrame:
    """A CEO (Exec, alone), A (a0 heads a1..a5; a5 leads the team a6..a9), B (b0 heads b1..b9), Legal (3)."""
    rows = [("c", "Exec", None)]
    rows += [("a0", "A", "c")] + [(f"a{i}", "A", "a0") for i in range(1, 6)] + [(f"a{i}", "A", "a5") for i in range(6, 10)]
    rows += [("b0", "B", "c")] + [(f"b{i}", "B", "b0") for i in range(1, 10)]
    rows += [(f"l{i}", "Legal", "c") for i in range(1, 4)]
    return pd.DataFrame(rows, columns=["employee_id", "department", "manager_id"])


def _ties() -> pd.DataFrame:
    team = [f"a{i}" for i in range(5, 10)]
    pairs = [(x, y) for i, x in enumerate(team) for y in team[i + 1:]]  # 10 inside the team
    pairs += [("a5", "a0"), ("a6", "a1"), ("a7", "a2")]  # 3 between the team and the rest of A
    pairs += [("a0", f"a{i}") for i in range(1, 5)]  # 4 inside the rest of A
    pairs += [("b0", f"b{i}") for i in range(1, 10)]  # 9 inside B
    pairs += [("a0", "b0"), ("a9", "b1"), ("c", "a0"), ("c", "b0"), ("l1", "l2")]
    return pd.DataFrame(pairs, columns=["source_id", "target_id"])


def _decisions(deciders: dict[str, str] | None = None) -> pd.DataFrame:
    d = pd.DataFrame({
        "decision_id": ["d1", "d2", "d3"], "decision_type": ["budget", "hiring", "budget"],
        "initiator_id": ["a6", "a7", "b1"], "decider_id": ["a0", "c", "c"], "approvers": ["", "", ""],
        "raised_at": ["2025-01-01", "2025-01-01", "2025-01-01"], "decided_at": ["2025-01-03", "2025-01-05", "2025-01-02"],
    })
    if deciders:
        d["decider_id"] = d["decision_id"].map(deciders).fillna(d["decider_id"])
    return d


def _client(people: pd.DataFrame, decisions: pd.DataFrame | None = None, **settings):
    return from_frames(people, communication=_ties(), decisions=_decisions() if decisions is None else decisions,
                       settings={**SETTINGS, **settings})


def _moved_team() -> pd.DataFrame:
    """The plan's result: the team a5..a9 moves to B, a5 now reporting to b0."""
    p = _people()
    team = p["employee_id"].isin([f"a{i}" for i in range(5, 10)])
    p.loc[team, "department"] = "B"
    p.loc[p["employee_id"] == "a5", "manager_id"] = "b0"
    return p


@dataclass
class StandInPlanResult:
    """What apply_plan returns, built by hand for the scenario path (the plan engine is tested on its own)."""

    client: object
    changes: pd.DataFrame
    decisions_rerouted: pd.DataFrame
    log: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def scenario() -> Comparison:
    before = _client(_people())
    after = _client(_moved_team(), _decisions({"d3": "b0"}))
    changes = pd.DataFrame({"employee_id": [f"a{i}" for i in range(5, 10)], "step": [1] * 5, "kind": ["move"] * 5,
                            "old_manager_id": ["a0"] + ["a5"] * 4, "new_manager_id": ["b0"] + ["a5"] * 4,
                            "old_department": ["A"] * 5, "new_department": ["B"] * 5})
    rerouted = pd.DataFrame({"decision_id": ["d3"], "old_decider": ["c"], "new_decider": ["b0"],
                             "rule": ["delegated_to_department_head"]})
    plan = StandInPlanResult(after, changes, rerouted, ["Step 1: moved the team of a5 (5 people) to B under b0.",
                                                        "Step 2: kept Legal as it is."])
    return compare_states(before, after, kind="scenario", plan=plan, plan_name="Team to B", parallel=False)


def _row(c: Comparison, ident: str) -> pd.Series:
    return c.metrics.set_index("ident").loc[ident]


# ------------------------------------------------------------------------------------------ the scenario
def test_moving_a_team_turns_its_ties_to_a_into_cross_department_ties(scenario):
    # before: 27 ties inside a department (team 10, team-A 3, rest of A 4, B 9, Legal 1), 4 across: 31 ties
    # after: the team's 10 ties are inside B, a9-b1 joins them, the 3 team-A ties cross: 25 inside, 6 across
    ties = scenario.ties.counts
    assert ties["common"] == 31 and ties["internal_to_cross"] == 3 and ties["cross_to_internal"] == 1
    assert ties["internal_kept"] == 24 and ties["cross_kept"] == 3 and ties["before_only"] == ties["after_only"] == 0
    ei = _row(scenario, "communication.ei_index")
    assert ei["before"] == pytest.approx((4 - 27) / 31) and ei["after"] == pytest.approx((6 - 25) / 31)
    assert ei["change"] == pytest.approx(4 / 31) and ei["state"] == "compared" and ei["reading"] == "better"
    share = _row(scenario, "communication.cross_department_share")
    assert share["before"] == pytest.approx(4 / 31) and share["after"] == pytest.approx(6 / 31)
    by = scenario.ties.by_department.set_index("department")
    assert by.at["A", "internal_before"] == 17 and by.at["A", "became_cross"] == 3
    assert by.at["B", "internal_after"] == 20 and by.at["B", "became_internal"] == 1


def test_structure_before_and_after(scenario):
    # spans before: c 5 (a0, b0, l1-l3), a0 5, a5 4, b0 9; after: a0 4, b0 10 (the team lead joins)
    lo, hi = DEFAULTS["structure.span.healthy_min"], DEFAULTS["structure.span.healthy_max"]
    healthy = lambda spans: sum(lo <= s <= hi for s in spans) / len(spans)  # noqa: E731
    assert _row(scenario, "structure.healthy_span_share")["before"] == pytest.approx(healthy([5, 5, 4, 9]))
    assert _row(scenario, "structure.healthy_span_share")["after"] == pytest.approx(healthy([5, 4, 4, 10]))
    assert _row(scenario, "structure.span_mean")["after"] == pytest.approx(23 / 4)
    assert _row(scenario, "structure.layers")["before"] == _row(scenario, "structure.layers")["after"] == 4
    people = _row(scenario, "structure.people")
    assert (people["before"], people["after"], people["change"], people["reading"]) == (24, 24, 0, "same")
    assert _row(scenario, "structure.departments")["after"] == 4


def test_decisions_rerouted_and_paths_recomputed(scenario):
    # d1: a6 -> a0 was a6-a5-a0 (2 hops), after the move a6-a5-b0-c-a0 (4); d3 re-routed from c to b0: 2 -> 1
    s = scenario.decisions.summary
    assert (s["common"], s["rerouted"], s["path_changed"]) == (3, 1, 2)
    assert (s["hops_median_before"], s["hops_median_after"]) == (2.0, 2.5)
    hops = _row(scenario, "decisions.hops_mean")
    assert hops["before"] == pytest.approx(7 / 3) and hops["after"] == pytest.approx(8 / 3)
    assert hops["reading"] == "worse"
    by_type = scenario.decisions.by_type.set_index("decision_type")
    assert by_type.at["budget", "rerouted"] == 1 and by_type.at["budget", "hops_mean_after"] == pytest.approx(2.5)


def test_what_a_plan_cannot_predict_is_said_never_guessed(scenario):
    latency = _row(scenario, "decisions.latency_days_median")
    assert latency["state"] == "not_predicted" and latency["before"] == 2.0 and latency["change"] is None
    assert scenario.to_dict()["metrics"][[m["id"] for m in scenario.to_dict()["metrics"]].index(
        "decisions.latency_days_median")]["after"] is None
    assert scenario.unpredictable == ("communication", "latency")  # no survey in this client
    texts = scenario.unpredictable_texts("en")
    assert "Future communication is not predicted" in texts[0] and "1 decision given another decider" in texts[1]
    # the survey is "not assessed" on both sides here: no data, never a zero
    assert _row(scenario, "survey.score")["state"] == "not_assessed"
    table = scenario.headline_table("en")
    survey = table[table["metric"] == "Survey score"].iloc[0]
    assert survey["before"] == survey["after"] == "not assessed" and survey["change"] == "–"
    assert "not predicted" in set(table["after"])


def test_who_is_affected_by_department(scenario):
    counts = scenario.counts
    assert (counts["moved"], counts["department_changed"], counts["manager_changed"]) == (5, 5, 1)
    assert counts["joined"] == counts["left"] == 0
    a = scenario.affected().set_index("department")
    assert list(a.index) == ["B", "A", "Other (small groups)"]  # Exec (1) and Legal (3) pooled: 4 people
    other = a.loc["Other (small groups)"]
    assert pd.isna(other["headcount_before"]) and pd.isna(other["headcount_after"]) and other["affected"] == 0
    # the pool of 4 would be the total (24, on the cover) minus A and B: A, the next smallest, is hidden too
    assert pd.isna(a.at["A", "headcount_before"]) and pd.isna(a.at["A", "headcount_after"])
    assert (a.at["A", "moved_out"], a.at["A", "moved_in"], a.at["A", "affected"]) == (5, 0, 5)
    assert (a.at["B", "headcount_before"], a.at["B", "headcount_after"]) == (10, 15)
    assert (a.at["B", "moved_in"], a.at["B", "affected"]) == (5, 5)
    moved = scenario.moved_people(language="en")
    assert set(moved["employee_id"]) == {f"a{i}" for i in range(5, 10)} and set(moved["step"]) == {1}


def test_findings_are_matched_by_rule_and_subject():
    a = [Finding("structure", "spans", "amber", {}), Finding("communication", "silo", "red", {}, ident="silo:A"),
         Finding("survey", "survey_low", "red", {}, ident="survey_low:growth")]
    b = [Finding("structure", "spans", "green", {}), Finding("communication", "silo", "red", {}, ident="silo:B"),
         Finding("survey", "survey_low", "amber", {}, ident="survey_low:growth")]
    got = {(c.ident, c.change) for c in finding_changes(a, b)}
    assert got == {("silo:B", "appeared"), ("silo:A", "disappeared"), ("spans", "status"),
                   ("survey_low:growth", "status")}
    skipped = finding_changes(a, b, skip=lambda f: f.area == "survey")
    assert {c.ident for c in skipped} == {"silo:B", "silo:A", "spans"}


def test_small_departments_never_appear(scenario):
    data = json.dumps(scenario.to_dict(), ensure_ascii=False)
    assert "Legal" not in data and "Exec" not in data
    assert "l1" not in data  # the people of a small department who did not move are not listed
    from orgkit.report.comparison import ComparisonBook

    book = ComparisonBook(scenario)
    blocks = [book.cover(), book.summary(), book.findings(), book.affected(), book.plan(), book.snapshots(),
              *[book.section(a) for a in ("structure", "communication", "decisions", "survey")],
              book.unpredictable(), book.appendix()]
    html = "".join(b.markup for b in blocks)
    assert "Legal" not in html and ">Exec<" not in html
    assert "Team to B" in html and "Step 1: moved the team" in html
    assert "Step 2: kept Other (small groups) as it is." in html  # the plan's log names no small department
    assert "Delegated to the initiator&#39;s department head" in html  # the rule in words


def test_a_plan_that_changes_nothing_changes_nothing():
    c = compare_states(_client(_people()), _client(_people()), kind="scenario", parallel=False)
    compared = c.metrics[c.metrics["state"] == "compared"]
    assert set(compared["reading"]) <= {"same", ""} and c.counts["moved"] == 0
    assert all(f.change == "unchanged" for f in c.findings)
    assert c.ties.counts["internal_to_cross"] == 0 and c.decisions.summary["path_changed"] == 0


def test_new_positions_count_without_ties_and_without_judgement():
    grown = pd.concat([_people(), pd.DataFrame({"employee_id": ["new-1", "new-2"], "department": ["B", "B"],
                                                "manager_id": ["b0", "b0"]})], ignore_index=True)
    c = compare_states(_client(_people()), _client(grown), kind="scenario", parallel=False)
    isolates = _row(c, "communication.isolates")
    assert (isolates["before"], isolates["after"], isolates["reading"]) == (1, 3, "")  # l3 has no tie either
    assert "placeholders" in c.unpredictable and c.counts["joined"] == 2
    assert "2 new positions have no ties" in " ".join(c.unpredictable_texts("en"))
    assert _row(c, "communication.ei_index")["change"] == pytest.approx(0.0)  # ties as they were


def test_bad_arguments_are_refused():
    client = _client(_people())
    with pytest.raises(ConfigError, match="kind must be one of"):
        compare_states(client, client, kind="forecast")
    with pytest.raises(ConfigError, match="language must be one of"):
        compare_states(client, client, language="fr")
    with pytest.raises(ConfigError, match="min_group_size"):
        compare_states(client, client, min_group_size=0)


def test_parallel_assessment_gives_the_same_numbers():
    before, after = _client(_people()), _client(_moved_team())
    one = compare_states(before, after, parallel=False).metrics
    two = compare_states(before, after, parallel=True).metrics
    pd.testing.assert_frame_equal(one, two)


def test_a_plan_reuses_betweenness_and_communities_with_the_same_numbers():
    from orgkit.areas.communication import analyze_communication

    before, after = _client(_people()), _client(_moved_team())
    known = analyze_communication(before)
    reused = analyze_communication(after, previous=known)
    fresh = analyze_communication(after)
    assert reused.metrics == fresh.metrics and reused.metrics["communities_method"] == "louvain"
    pd.testing.assert_frame_equal(reused.brokers, fresh.brokers)
    assert reused.graph.betweenness is known.graph.betweenness  # taken, not recomputed
    # other ties: computed again
    other = from_frames(_people(), communication=_ties().iloc[:-1], settings=SETTINGS)
    assert analyze_communication(other, previous=known).graph.betweenness is not known.graph.betweenness


# ------------------------------------------------------------------------------------------ two snapshots
def _snapshot_people(new: bool) -> pd.DataFrame:
    rows = [("c", "Exec", None)]
    if not new:
        rows += [("s1", "Sales", "c")] + [(f"s{i}", "Sales", "s1") for i in range(2, 7)]
        rows += [("o1", "Ops", "c")] + [(f"o{i}", "Ops", "o1") for i in range(2, 7)]
        rows += [("h1", "HR", "c")] + [(f"h{i}", "HR", "h1") for i in range(2, 6)]
        rows += [("f1", "Finance", "c")] + [(f"f{i}", "Finance", "f1") for i in range(2, 6)]
    else:  # Sales renamed Revenue (s6 left, n1 joined, o6 came from Ops); HR and Finance merged
        rows += [("s1", "Revenue", "c")] + [(f"s{i}", "Revenue", "s1") for i in range(2, 6)]
        rows += [("n1", "Revenue", "s1"), ("o6", "Revenue", "s1")]
        rows += [("o1", "Ops", "c")] + [(f"o{i}", "Ops", "o1") for i in range(2, 6)]
        rows += [("h1", "People & Finance", "c")] + [(f"h{i}", "People & Finance", "h1") for i in range(2, 6)]
        rows += [("f1", "People & Finance", "h1")] + [(f"f{i}", "People & Finance", "f1") for i in range(2, 6)]
    rows += [(f"t{i}", "Tiny", "c") for i in range(1, 4)]
    return pd.DataFrame(rows, columns=["employee_id", "department", "manager_id"])


@pytest.fixture(scope="module")
def snapshots() -> Comparison:
    old = from_frames(_snapshot_people(False), settings=SETTINGS)
    new = from_frames(_snapshot_people(True), settings=SETTINGS)
    return compare_snapshots(old, new, parallel=False)


def test_people_joined_left_and_moved(snapshots):
    c = snapshots.counts
    assert (c["before"], c["after"], c["joined"], c["left"], c["stayed"]) == (26, 26, 1, 1, 25)
    # o6 changed department and manager; the 10 of HR and Finance changed department by the merge (f1 also
    # got h1 as manager); the Sales people only saw their department renamed: not moved
    assert c["department_changed"] == 11 and c["manager_changed"] == 2 and c["moved"] == 11
    p = snapshots.people.set_index("employee_id")
    assert not p.loc[["s1", "s2", "s5"], "moved"].any()
    assert p.at["n1", "status"] == "joined" and p.at["s6", "status"] == "left"
    assert snapshots.snapshots.ids == {"old": 26, "new": 26, "matched": 25, "unmatched_old": 1, "unmatched_new": 1,
                                       "format_matches": 0}


def test_departments_renamed_and_merged_by_overlap(snapshots):
    d = snapshots.snapshots.departments
    renamed = d[d["change"] == "renamed"].iloc[0]
    # stayers of Sales: s1-s5; of Revenue: s1-s5 and o6: Jaccard 5/6
    assert (renamed["old"], renamed["new"]) == ("Sales", "Revenue")
    assert renamed["jaccard"] == pytest.approx(5 / 6) and renamed["shared"] == 5
    merged = d[d["change"] == "merged"]
    assert set(merged["old"]) == {"HR", "Finance"} and set(merged["new"]) == {"People & Finance"}
    assert set(d.loc[d["change"] == "kept", "old"]) == {"Ops", "Tiny", "Exec"}
    assert snapshots.department_map == {"Sales": "Revenue"}


def test_a_split_and_a_creation(tmp_path):
    old = pd.DataFrame({"employee_id": [f"p{i}" for i in range(12)], "department": ["Ops"] * 12})
    new = pd.DataFrame({"employee_id": [f"p{i}" for i in range(12)] + ["q1"],
                        "department": ["Ops North"] * 6 + ["Ops South"] * 6 + ["Lab"]})
    d = match_departments(from_frames(old, settings={"min_group_size": 1}),
                          from_frames(new, settings={"min_group_size": 1}))
    assert d[["change", "old", "new"]].fillna("").to_numpy().tolist() == [
        ["split", "Ops", "Ops North"], ["split", "Ops", "Ops South"], ["created", "", "Lab"]]


def test_ids_in_another_format_are_counted_never_matched():
    assert id_format_matches(pd.Series(["E0012", "E0013", "x-7"]), pd.Series(["12", "E0013", "X7", "99"])) == 2
    old = from_frames(pd.DataFrame({"employee_id": ["E001", "E002", "E003"], "department": ["A"] * 3}),
                      settings={"min_group_size": 1})
    new = from_frames(pd.DataFrame({"employee_id": ["1", "2", "E003"], "department": ["A"] * 3}),
                      settings={"min_group_size": 1})
    c = compare_snapshots(old, new, parallel=False)
    assert c.snapshots.ids["format_matches"] == 2 and c.counts["joined"] == 2 and c.counts["left"] == 2


def test_snapshot_privacy_small_department_never_named(snapshots):
    data = json.dumps(snapshots.to_dict(), ensure_ascii=False)
    assert "Tiny" not in data and "Exec" not in data and "Revenue" in data
    shown, hidden = snapshots.snapshots.shown(5)
    assert "Tiny" not in set(shown["old"].dropna()) | set(shown["new"].dropna())
    from orgkit.report.comparison import ComparisonBook

    book = ComparisonBook(snapshots)
    html = "".join(b.markup for b in (book.snapshots(), book.affected(), book.section("structure"), book.summary()))
    assert "Tiny" not in html and "Revenue" in html and "People &amp; Finance" in html


def test_ties_matched_between_snapshots_by_the_people_they_link():
    old = _client(_people())
    ties = pd.concat([_ties().iloc[1:], pd.DataFrame({"source_id": ["b3"], "target_id": ["b2"]})])  # a5-a6 faded
    new = from_frames(_people(), communication=ties, decisions=_decisions(), settings=SETTINGS)
    c = compare_snapshots(old, new, parallel=False)
    assert (c.ties.counts["common"], c.ties.counts["before_only"], c.ties.counts["after_only"]) == (30, 1, 1)
    assert c.ties.counts["internal_to_cross"] == c.ties.counts["cross_to_internal"] == 0


def test_people_changes_with_a_rename_map():
    old = from_frames(pd.DataFrame({"employee_id": ["1", "2"], "department": ["A", "A"],
                                    "manager_id": [None, "1"]}), settings={"min_group_size": 1})
    new = from_frames(pd.DataFrame({"employee_id": ["1", "2"], "department": ["Z", "Z"],
                                    "manager_id": [None, "1"]}), settings={"min_group_size": 1})
    assert people_changes(old, new)["moved"].tolist() == [True, True]
    assert people_changes(old, new, {"A": "Z"})["moved"].tolist() == [False, False]


def test_survey_waves_are_compared_in_a_reassessment():
    from orgkit.data.loading import load_client
    from orgkit.data.sample import sample_client_path

    old = load_client(sample_client_path())
    new = later_snapshot(old, seed=3)
    c = compare_snapshots(old, new, parallel=False)
    rows = c.metrics[c.metrics["area"] == "survey"]
    assert (rows["state"] == "compared").all() and len(rows) >= 5
    fav = rows[rows["key"] == "favourable"]
    assert set(fav["subject"]) >= {"role_clarity", "decision_speed"}
    assert fav["before"].tolist() == [old_fav for old_fav in (
        c.before.survey.metrics["favourable"][d] for d in fav["subject"])]


def test_later_snapshot_counts():
    from orgkit.data.loading import load_client
    from orgkit.data.sample import sample_client_path

    old = load_client(sample_client_path())
    new = later_snapshot(old, seed=0, left=0.1, joined=0.2, moved=0.0)
    changes = people_changes(old, new)
    assert (changes["status"] == "left").sum() == 15 and (changes["status"] == "joined").sum() == 30
    assert not changes["moved"].any()


# ------------------------------------------------------------------------------------------ the CLI
def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _write(folder: Path, people: pd.DataFrame) -> Path:
    folder.mkdir(parents=True)
    people.to_csv(folder / "people.csv", index=False)
    return folder


def test_compare_cli_refuses_bad_input_with_exit_2(tmp_path):
    old = _write(tmp_path / "old", _snapshot_people(False))
    r = _run("compare", old, tmp_path / "missing", "-o", tmp_path / "reports")
    assert r.exit_code == 2 and "Traceback" not in r.output and "missing" in r.output
    r = _run("compare", old, old, "-o", tmp_path / "reports")
    assert r.exit_code == 2 and "both snapshots" in r.output
    new = _write(tmp_path / "new", _snapshot_people(True))
    r = _run("compare", old, new, "-o", old / "reports")
    assert r.exit_code == 2 and not (old / "reports").exists()
    (tmp_path / "reports" / "old-to-new").mkdir(parents=True)
    (tmp_path / "reports" / "old-to-new" / "notes.txt").write_text("mine")
    r = _run("compare", old, new, "-o", tmp_path / "reports")
    assert r.exit_code == 2 and (tmp_path / "reports" / "old-to-new" / "notes.txt").read_text() == "mine"


@pytest.fixture
def plan_modules(monkeypatch):
    """Stand-ins for orgkit.scenario.plan and .apply where the plan engine is not installed: load_plan reads
    ``refuse: <step>`` and raises PlanError for that step."""
    try:
        import orgkit.scenario.apply  # noqa: F401
        import orgkit.scenario.plan  # noqa: F401

        return False
    except ImportError:
        pass

    class PlanError(ConfigError):
        def __init__(self, message, step=None):
            self.step = step
            super().__init__(message)

    def load_plan(path):
        import yaml

        data = yaml.safe_load(Path(path).read_text())
        if "refuse" in data:
            raise PlanError(f"{Path(path).name}, step {data['refuse']}: unknown department 'Nowhere'.",
                            data["refuse"])
        return types.SimpleNamespace(name=data.get("name", ""), steps=[])

    def apply_plan(client, plan):
        return StandInPlanResult(client, pd.DataFrame(), pd.DataFrame())

    plan_mod = types.ModuleType("orgkit.scenario.plan")
    plan_mod.load_plan, plan_mod.PlanError = load_plan, PlanError
    apply_mod = types.ModuleType("orgkit.scenario.apply")
    apply_mod.apply_plan = apply_plan
    monkeypatch.setitem(sys.modules, "orgkit.scenario.plan", plan_mod)
    monkeypatch.setitem(sys.modules, "orgkit.scenario.apply", apply_mod)
    return True


def test_scenario_cli_refuses_a_bad_plan_before_writing_anything(tmp_path, plan_modules):
    client = _write(tmp_path / "acme", _people())
    plan = tmp_path / "plan.yml"
    if plan_modules:
        plan.write_text("name: Bad\nrefuse: 2\n")
    else:  # the real plan engine: a move to a department that does not exist
        plan.write_text("name: Bad\nsteps:\n  - {action: move, person: a1, department: B}\n"
                        "  - {action: move, person: a2, department: Nowhere}\n")
    reports = tmp_path / "reports"
    r = _run("scenario", client, plan, "-o", reports)
    assert r.exit_code == 2 and "Traceback" not in r.output and re.search(r"step\W*2", r.output, re.I), r.output
    assert not reports.exists() or not any(reports.iterdir())
    r = _run("scenario", tmp_path / "missing", plan, "-o", reports)
    assert r.exit_code == 2 and "Traceback" not in r.output
    r = _run("scenario", client, plan, "-o", client / "out")
    assert r.exit_code == 2 and not (client / "out").exists()


def test_cli_lists_the_new_commands():
    r = _run("--help")
    assert r.exit_code == 0 and "scenario" in r.output and "compare" in r.output
