"""Reorganisation plans: each step on a tiny hand-made organisation, each refusal with its step number, the
decision re-routing rules by hand, the example plans on the bundled sample, and the new client as valid as a
loaded one."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest

import orgkit
from orgkit import from_frames
from orgkit.areas.decisions import decision_paths
from orgkit.errors import ConfigError, PlanError
from orgkit.scenario import Plan, PlanResult, apply_plan, load_plan
from orgkit.scenario.plan import example_plans

# The tiny organisation (depth in brackets):
#
#   ceo  Exec [0]
#   ├── s   Sales [1]        ├── m   Marketing [1]      └── r   Research [1]
#   │   ├── s1  Sales [2]    │   └── m1  Marketing [2]      ├── r1  Research, London [2]
#   │   │   └── s11 Sales [3]                               └── r2  Research, Leeds [2]
#   │   └── s2  Sales [2]
PEOPLE = [
    ("ceo", "Exec", None, "London"),
    ("s", "Sales", "ceo", "London"),
    ("s1", "Sales", "s", "London"),
    ("s11", "Sales", "s1", "Leeds"),
    ("s2", "Sales", "s", "London"),
    ("m", "Marketing", "ceo", "London"),
    ("m1", "Marketing", "m", "Leeds"),
    ("r", "Research", "ceo", "London"),
    ("r1", "Research", "r", "London"),
    ("r2", "Research", "r", "Leeds"),
]
DECISIONS = [
    # id, type, initiator, decider, approvers
    ("D1", "budget", "s11", "ceo", "s1;s"),
    ("D2", "hiring", "m1", "m", ""),
    ("D3", "budget", "r1", "s", ""),
    ("D4", "process", "s2", "s", ""),
    ("D5", "process", "s11", "s1", "m1"),
]


def tiny(min_group_size: int = 1, **settings) -> orgkit.Client:
    people = pd.DataFrame(PEOPLE, columns=["employee_id", "department", "manager_id", "location"])
    decisions = pd.DataFrame(DECISIONS, columns=["decision_id", "decision_type", "initiator_id", "decider_id",
                                                 "approvers"])
    communication = pd.DataFrame({"source_id": ["s1", "s11", "m1", "r1", "r2"],
                                  "target_id": ["s11", "m1", "r1", "r2", "s2"]})
    responsibilities = pd.DataFrame({"responsibility": ["Pricing", "Pricing", "Campaigns"],
                                     "department": ["Sales", "Marketing", "Marketing"], "role": ["A", "R", "A"]})
    return from_frames(people, communication=communication, decisions=decisions,
                       responsibilities=responsibilities,
                       settings={"name": "Tiny", "min_group_size": min_group_size, **settings})


def run(*steps, client=None, **kwargs) -> PlanResult:
    return apply_plan(client if client is not None else tiny(), {"name": "test", "steps": list(steps)}, **kwargs)


def managers(result: PlanResult) -> dict[str, str | None]:
    p = result.client.people
    return {i: (None if pd.isna(m) else m) for i, m in zip(p["employee_id"], p["manager_id"])}


def departments(result: PlanResult) -> dict[str, str]:
    p = result.client.people
    return dict(zip(p["employee_id"], p["department"]))


def decisions(result: PlanResult) -> dict[str, tuple[str, str]]:
    d = result.client.decisions
    return {i: (k, a) for i, k, a in zip(d["decision_id"], d["decider_id"], d["approvers"])}


def hops(client) -> dict[str, int]:
    paths = decision_paths(client)
    return dict(zip(paths["decision_id"], paths["hops"].astype(int)))


def refused(*steps, client=None) -> PlanError:
    with pytest.raises(PlanError) as info:
        run(*steps, client=client)
    return info.value


# ------------------------------------------------------------------------------------------ move
def test_move_a_team_takes_everyone_under_its_manager():
    r = run({"action": "move", "team": "s1", "manager": "r", "department": "Research"})
    assert managers(r)["s1"] == "r" and managers(r)["s11"] == "s1"
    assert departments(r)["s1"] == departments(r)["s11"] == "Research" and departments(r)["s2"] == "Sales"
    ch = r.changes.set_index("employee_id")
    assert sorted(ch.index) == ["s1", "s11"]
    assert ch.loc["s1", "kind"] == "new_manager_and_department" and ch.loc["s11", "kind"] == "new_department"
    assert (ch.loc["s1", "old_manager_id"], ch.loc["s1", "new_manager_id"]) == ("s", "r")
    assert set(ch["step"]) == {1} and set(ch["action"]) == {"move"}
    assert r.client.hierarchy.layers == 4


def test_move_a_person_leaves_their_reports_with_the_manager_above():
    r = run({"action": "move", "person": "s1", "manager": "m"})
    assert managers(r)["s1"] == "m" and managers(r)["s11"] == "s"  # s11 now reports to s1's old manager
    assert departments(r)["s1"] == "Sales"  # a manager alone changes no department
    assert set(r.changes["employee_id"]) == {"s1", "s11"}
    assert "1 direct report stays in place" in " ".join(r.log)


def test_move_to_a_new_department_needs_new_department():
    r = run({"action": "move", "person": ["s2", "m1"], "new_department": "Growth"})
    assert departments(r)["s2"] == departments(r)["m1"] == "Growth"
    assert managers(r)["s2"] == "s"  # reporting lines untouched
    e = refused({"action": "move", "person": "s2", "department": "Growth"})
    assert e.step == 1 and "there is no department 'Growth'" in str(e)


# ------------------------------------------------------------------------------------------ merge
def test_merge_into_a_new_name_with_a_head():
    r = run({"action": "merge", "departments": ["Sales", "Marketing"], "into": "Commercial", "head": "s"})
    d = departments(r)
    assert [d[x] for x in ("s", "s1", "s11", "s2", "m", "m1")] == ["Commercial"] * 6
    assert managers(r)["m"] == "s" and managers(r)["s"] == "ceo"
    resp = r.client.responsibilities
    assert sorted(resp["department"]) == ["Commercial", "Commercial", "Commercial"]
    assert r.client.hierarchy.layers == 4  # m1: ceo -> s -> m -> m1


def test_merge_into_one_of_them_keeps_the_others_heads_in_place_without_head():
    r = run({"action": "merge", "departments": ["Sales", "Marketing"], "into": "Sales"})
    assert departments(r)["m1"] == "Sales" and managers(r)["m"] == "ceo"
    assert set(r.changes["employee_id"]) == {"m", "m1"}


def test_merges_can_follow_one_another_and_reuse_a_name():
    r = run({"action": "merge", "departments": ["Sales", "Marketing"], "into": "Commercial"},
            {"action": "merge", "departments": ["Commercial", "Research"], "into": "Sales"})
    assert set(departments(r).values()) == {"Exec", "Sales"}
    assert set(r.client.responsibilities["department"]) == {"Sales"}  # Marketing -> Commercial -> Sales
    r = run({"action": "merge", "departments": ["Research"], "into": "Lab"})  # a merge of one: a rename
    assert [d for d in departments(r).values() if d in ("Lab", "Research")] == ["Lab"] * 3


def test_merge_carries_the_functions_given_in_client_yml():
    client = tiny(functions={"Sales": "sales", "Marketing": "marketing"})
    r = run({"action": "merge", "departments": ["Sales", "Marketing"], "into": "Commercial"}, client=client)
    assert r.client.settings.functions == {"Commercial": ("sales", "marketing")}
    assert not [w for w in r.client.warnings if w.code == "functions_unknown_department"]


# ------------------------------------------------------------------------------------------ split
@pytest.mark.parametrize("how, moved", [
    ({"location": "Leeds"}, {"r2"}),
    ({"people": ["r1"]}, {"r1"}),
    ({"team": "s1"}, {"s1", "s11"}),
])
def test_split_by_location_people_or_team(how, moved):
    dept = "Sales" if how.get("team") else "Research"
    r = run({"action": "split", "department": dept, "new": "New", **how})
    d = departments(r)
    assert {i for i, x in d.items() if x == "New"} == moved
    assert set(r.changes["employee_id"]) == moved and set(r.changes["kind"]) == {"new_department"}
    assert managers(r) == managers(run({"action": "set_function", "department": "Exec", "function": "executive"}))


def test_split_inherits_or_sets_a_function():
    client = tiny(functions={"Research": "rnd"})
    r = run({"action": "split", "department": "Research", "new": "Lab", "people": ["r2"]}, client=client)
    assert r.client.settings.functions["Lab"] == ("rnd",)
    r = run({"action": "split", "department": "Research", "new": "Lab", "people": ["r2"], "function": "质量"},
            client=client)
    assert r.client.settings.functions["Lab"] == ("quality",)


# ------------------------------------------------------------------------------------------ layers
def test_insert_layer_puts_a_new_position_between_the_top_and_the_heads():
    r = run({"action": "insert_layer", "units": [{"name": "Go to market", "departments": ["Sales", "Marketing"]}]})
    assert r.placeholders == ("NEW-1-1",)
    m = managers(r)
    assert m["NEW-1-1"] == "ceo" and m["s"] == m["m"] == "NEW-1-1" and m["r"] == "ceo"
    assert departments(r)["NEW-1-1"] == "Go to market"
    assert r.client.hierarchy.layers == 5 and r.client.n_people == 11
    added = r.changes[r.changes["kind"] == "added"]
    assert added["employee_id"].tolist() == ["NEW-1-1"] and added["new_manager_id"].tolist() == ["ceo"]
    # D1 is still decided by the ceo, one layer further up: 3 -> 4 hops
    assert hops(r.client)["D1"] == 4 and hops(tiny())["D1"] == 3


def test_insert_layer_under_a_manager_moves_heads_of_listed_departments_below_them():
    client = tiny()
    r = run({"action": "move", "team": "m", "manager": "s"},
            {"action": "insert_layer", "under": "s",
             "units": [{"name": "Brand", "id": "B1", "title": "Brand lead", "department": "Sales",
                        "departments": ["Marketing"]}]}, client=client)
    m = managers(r)
    assert m["B1"] == "s" and m["m"] == "B1" and departments(r)["B1"] == "Sales"
    assert r.client.people.set_index("employee_id").loc["B1", "title"] == "Brand lead"


def test_remove_a_layer_moves_reports_up_and_the_positions_leave():
    r = run({"action": "remove_layer", "layer": 2})
    m = managers(r)
    assert set(m) == {"ceo", "s1", "s11", "s2", "m1", "r1", "r2"}
    assert m["s1"] == m["s2"] == m["m1"] == m["r1"] == m["r2"] == "ceo" and m["s11"] == "s1"
    left = r.changes[r.changes["kind"] == "left"]
    assert sorted(left["employee_id"]) == ["m", "r", "s"]
    # communication rows naming people who left are dropped: none of the five names s, m or r
    assert len(r.client.communication) == 5
    r = run({"action": "remove_layer", "manager": "s1"})
    assert managers(r)["s11"] == "s" and "s1" not in managers(r)
    # the communication rows of s1 are dropped
    assert len(r.client.communication) == 4


# ------------------------------------------------------------------------------------------ functions, headcount
def test_set_function_by_code_or_label():
    r = run({"action": "set_function", "department": "Exec", "function": "Executive office"},
            {"action": "set_function", "department": "Research", "function": ["研发", "it"]})
    assert r.client.settings.functions == {"Exec": ("executive",), "Research": ("rnd", "it")}
    assert r.changes.empty


def test_headcount_adds_placeholders_under_the_head_and_removes_them():
    r = run({"action": "headcount", "department": "Sales", "add": 3, "title": "Account executive"},
            {"action": "headcount", "department": "Sales", "remove": 1},
            {"action": "headcount", "department": "Sales", "remove": ["s2"]})
    assert r.placeholders == ("NEW-1-1", "NEW-1-2")
    m = managers(r)
    assert m["NEW-1-1"] == m["NEW-1-2"] == "s" and "NEW-1-3" not in m and "s2" not in m
    assert r.client.n_people == 11
    p = r.client.people.set_index("employee_id")
    assert p.loc["NEW-1-1", "title"] == "Account executive" and pd.isna(p.loc["NEW-1-1", "location"])
    kinds = r.changes.groupby("step")["kind"].apply(list).to_dict()
    assert kinds == {1: ["added"] * 3, 2: ["left"], 3: ["left"]}
    assert r.summary["added"] == 3 and r.summary["left"] == 2  # a position added then removed counts in both


def test_people_affected_from_before_the_plan_to_after_it():
    r = run({"action": "move", "person": "s2", "manager": "m"},
            {"action": "move", "person": "s2", "department": "Marketing"},
            {"action": "headcount", "department": "Sales", "add": 1},
            {"action": "headcount", "department": "Sales", "remove": 1},
            {"action": "remove_layer", "manager": "r"})
    a = r.people_affected().set_index("employee_id")
    assert a.loc["s2"].tolist() == ["changed", "s", "m", "Sales", "Marketing", 2]
    assert a.loc["NEW-3-1", "kind"] == "added_and_left" and a.loc["r", "kind"] == "left"
    assert a.loc["r1"].tolist() == ["changed", "r", "ceo", "Research", "Research", 1]
    assert sorted(a.index) == ["NEW-3-1", "r", "r1", "r2", "s2"]
    assert a.attrs["audience"] == "analyst"
    assert run({"action": "set_function", "department": "Exec", "function": "executive"}).people_affected().empty


def test_new_ids_never_clash_with_existing_ones():
    people = pd.DataFrame({"employee_id": ["a", "NEW-1-1", "NEW-1-2"], "department": ["X", "X", "X"],
                           "manager_id": [None, "a", "a"]})
    client = from_frames(people, settings={"min_group_size": 1})
    r = run({"action": "headcount", "department": "X", "add": 2, "manager": "a"}, client=client)
    assert r.placeholders == ("NEW-1-1x", "NEW-1-2x")


# ------------------------------------------------------------------------------------------ decisions
def test_delegate_to_the_department_head_hand_computed():
    r = run({"action": "delegate", "types": ["budget", "hiring"], "to": "department_head"})
    d = decisions(r)
    # D1: s11's department head is s (s11 -> s1 -> s, all Sales); s1 (layer 3) stays, s (the decider) goes
    assert d["D1"] == ("s", "s1")
    # D2: m1's head m decides already; D3: r1's head r sits on the layer of the old decider s
    assert d["D2"] == ("m", "") and d["D3"] == ("r", "")
    assert d["D4"] == ("s", "") and d["D5"] == ("s1", "m1")  # other types untouched
    assert hops(r.client) == {"D1": 2, "D2": 1, "D3": 1, "D4": 1, "D5": 1}
    assert r.client.decisions.set_index("decision_id").loc["D1", "n_approvers"] == 1
    rr = r.decisions_rerouted.set_index("decision_id")
    assert sorted(rr.index) == ["D1", "D3"] and set(rr["rule"]) == {"delegated_to_department_head"}
    assert (rr.loc["D1", "old_decider_id"], rr.loc["D1", "old_approvers"], rr.loc["D1", "new_approvers"]) == (
        "ceo", 2, 1)


def test_delegate_at_most_n_layers_up_never_above_the_current_decider():
    r = run({"action": "delegate", "types": "all", "max_layers_above": 1})
    d = decisions(r)
    assert d["D1"] == ("s1", "")  # s11's manager; s1 decides, s sits above s1's layer: both approvals dropped
    assert d["D5"] == ("s1", "m1")  # already one layer up
    assert d["D4"] == ("s", "") and d["D2"] == ("m", "")
    assert d["D3"] == ("r", "")  # r1's manager r, on the layer of s
    assert hops(r.client)["D1"] == 1


def test_a_move_reroutes_to_the_lowest_common_manager():
    # s2 moves under m: s no longer sits above s2, so D4 goes to the lowest manager above s2 and s: ceo
    r = run({"action": "move", "person": "s2", "manager": "m"})
    assert decisions(r)["D4"] == ("ceo", "")
    assert hops(r.client)["D4"] == 2 and hops(tiny())["D4"] == 1
    rr = r.decisions_rerouted
    assert rr[["decision_id", "old_decider_id", "new_decider_id", "rule"]].values.tolist() == [
        ["D4", "s", "ceo", "lowest_common_manager"]]
    # D3 (r1 decided by s, across departments) is not above before the move and is left alone
    assert decisions(r)["D3"] == ("s", "")


def test_a_team_move_reroutes_only_decisions_that_lose_their_decider():
    # s1's team moves under r: D5 (s11 decided by s1) moves with the team; D1 (ceo) stays above
    r = run({"action": "move", "team": "s1", "manager": "r"})
    assert decisions(r)["D5"] == ("s1", "m1") and decisions(r)["D1"] == ("ceo", "s1;s")
    assert r.decisions_rerouted.empty


def test_removed_deciders_and_approvers_hand_their_decisions_on():
    r = run({"action": "remove_layer", "manager": ["s1", "m"]})
    d = decisions(r)
    assert d["D5"] == ("s", "m1")  # s1 left: s, who takes over s11, decides; the approver m1 stays
    rr = r.decisions_rerouted.set_index("decision_id")
    assert rr.loc["D5", "rule"] == "decider_left"
    assert d["D1"] == ("ceo", "s")  # approver s1 left
    assert rr.loc["D1", "rule"] == "approver_left"
    assert d["D2"] == ("ceo", "")  # m left: ceo takes over m1
    assert hops(r.client)["D5"] == 1 and hops(r.client)["D2"] == 1


def test_decisions_raised_by_people_who_leave_are_left_out():
    r = run({"action": "headcount", "department": "Sales", "remove": ["s11"]})
    assert sorted(r.client.decisions["decision_id"]) == ["D2", "D3", "D4"]
    rr = r.decisions_rerouted
    assert sorted(rr.loc[rr["rule"] == "initiator_left", "decision_id"]) == ["D1", "D5"]
    assert r.summary["decisions_left_out"] == 2


def test_delegate_then_move_use_the_state_the_step_before_left():
    r = run({"action": "delegate", "types": ["budget"], "max_layers_above": 1},
            {"action": "move", "person": "s11", "manager": "m"})
    # step 1: D1 (s11, decided by ceo) goes to s11's manager s1; step 2 moves s11 away from s1: lcm(s11, s1) = ceo
    assert decisions(r)["D1"] == ("ceo", "")
    assert decisions(r)["D5"] == ("ceo", "m1")  # the same move re-routes D5 (s11, decided by s1)
    rr = r.decisions_rerouted.set_index(["decision_id", "step"])
    assert rr.loc[("D1", 1), "new_decider_id"] == "s1" and rr.loc[("D1", 2), "rule"] == "lowest_common_manager"
    assert hops(r.client)["D1"] == 2  # s11 (under m) to ceo


# ------------------------------------------------------------------------------------------ refusals
@pytest.mark.parametrize("bad, words", [
    ({"action": "move", "team": "nobody", "manager": "s"}, "no one has the employee id 'nobody'"),
    ({"action": "move", "team": "s", "manager": "s11"}, "reporting cycle"),
    ({"action": "move", "team": "ceo", "manager": "s"}, "top of the organisation"),
    ({"action": "move", "person": "ceo", "manager": "s"}, "top of the organisation"),
    ({"action": "move", "person": "s", "manager": "s"}, "cannot report to themself"),
    ({"action": "move", "team": "s", "manager": "s"}, "cannot report to themself"),
    ({"action": "merge", "departments": ["Sales"], "into": "Sales"}, "into itself"),
    ({"action": "merge", "departments": ["Sales", "Sales"], "into": "X"}, "into itself"),
    ({"action": "merge", "departments": ["Sales", "Nope"], "into": "X"}, "no department 'Nope'"),
    ({"action": "merge", "departments": ["Sales", "Research"], "into": "Marketing"}, "not in departments"),
    ({"action": "merge", "departments": ["Sales", "Marketing"], "into": "C", "head": "s1"}, "reports to someone"),
    ({"action": "insert_layer", "under": "ghost", "units": [{"name": "U", "departments": ["Sales"]}]},
     "no one has the employee id 'ghost'"),
    ({"action": "insert_layer", "under": "m", "units": [{"name": "U", "departments": ["Sales"]}]},
     "no head of 'Sales' reports to 'm'"),
    ({"action": "split", "department": "Sales", "new": "S2", "people": ["m1"]}, "'m1' is not in 'Sales'"),
    ({"action": "split", "department": "Research", "new": "Lab", "location": "Paris"}, "location 'Paris'"),
    ({"action": "split", "department": "Research", "new": "Lab", "team": "r"}, "leaving it empty"),
    ({"action": "split", "department": "Research", "new": "Sales", "people": ["r1"]}, "already exists"),
    ({"action": "headcount", "department": "Sales", "remove": 1}, "more than the 0 new positions"),
    ({"action": "headcount", "department": "Sales", "remove": ["m1"]}, "'m1' is not in 'Sales'"),
    ({"action": "remove_layer", "layer": 1}, "layer 1 is the top"),
    ({"action": "remove_layer", "layer": 4}, "no one on layer 4 has direct reports"),
    ({"action": "remove_layer", "manager": "s11"}, "no direct reports"),
    ({"action": "remove_layer", "manager": "ceo"}, "top of the organisation"),
    ({"action": "delegate", "types": ["capex"], "to": "department_head"}, "budget, hiring, process"),
    ({"action": "set_function", "department": "Research", "function": "alchemy"}, "not a function"),
])
def test_a_bad_step_is_refused_with_its_number(bad, words):
    client = tiny()
    before = client.people.copy()
    e = refused({"action": "set_function", "department": "Exec", "function": "executive"}, bad, client=client)
    assert isinstance(e, ConfigError) and e.exit_code == 2
    assert e.step == 2 and e.action == bad["action"] and words in str(e), str(e)
    assert str(e).startswith("plan, step 2 (")
    pd.testing.assert_frame_equal(client.people, before)  # nothing of the client changed


def test_a_step_is_checked_against_what_the_steps_before_left():
    e = refused({"action": "remove_layer", "manager": "s1"}, {"action": "move", "team": "s1", "manager": "m"})
    assert e.step == 2 and "left the organisation in step 1" in str(e)
    e = refused({"action": "merge", "departments": ["Sales", "Marketing"], "into": "C"},
                {"action": "split", "department": "Sales", "new": "X", "people": ["s2"]})
    assert e.step == 2 and "merged into another in an earlier step" in str(e)
    r = run({"action": "headcount", "department": "Research", "add": 1},
            {"action": "move", "person": "NEW-1-1", "manager": "s"})  # a new position can be named afterwards
    assert managers(r)["NEW-1-1"] == "s"


def test_ids_given_to_new_positions_must_be_free():
    unit = {"name": "U", "departments": ["Sales"]}
    e = refused({"action": "insert_layer", "units": [{**unit, "id": "m1"}]})
    assert e.step == 1 and "'m1' for a new position is already in use" in str(e)
    e = refused({"action": "remove_layer", "manager": "s1"},
                {"action": "insert_layer", "units": [{**unit, "id": "s1"}]})  # nor the id of someone who left
    assert e.step == 2 and "already in use" in str(e)
    e = refused({"action": "insert_layer", "units": [{**unit, "id": "U1"},
                                                     {"name": "V", "departments": ["Marketing"], "id": "U1"}]})
    assert "'U1' for a new position is already in use" in str(e)


def test_under_top_needs_one_top():
    people = pd.DataFrame({"employee_id": ["a", "b", "a1"], "department": ["X", "Y", "X"],
                           "manager_id": [None, None, "a"]})
    client = from_frames(people, settings={"min_group_size": 1})
    e = refused({"action": "insert_layer", "units": [{"name": "U", "departments": ["X"]}]}, client=client)
    assert e.step == 1 and "2 people have no manager" in str(e)


# ------------------------------------------------------------------------------------------ the plan file
@pytest.mark.parametrize("steps, words", [
    ([{"action": "mvoe", "team": "s"}], "unknown action 'mvoe' (did you mean move?)"),
    ([{"action": "move", "team": "s", "manger": "m"}], "unknown key 'manger' (did you mean manager?)"),
    ([{"action": "move", "team": "s"}], "give one of manager, department or new_department"),
    ([{"action": "move", "team": "s", "person": "m", "manager": "r"}], "give only one of person or team"),
    ([{"action": "merge", "departments": "Sales", "into": "X"}], "departments must be a list of names"),
    ([{"action": "headcount", "department": "Sales", "add": 0}], "add must be a whole number of at least 1"),
    ([{"action": "headcount", "department": "Sales", "add": "two"}], "Got 'two' instead"),
    ([{"action": "remove_layer", "layer": True}], "layer must be a whole number"),
    ([{"action": "delegate", "types": "all", "to": "boss"}], "to must be department_head"),
    ([{"action": "delegate", "types": "all"}], "give one of to or max_layers_above"),
    ([{"action": "split", "department": "Research", "new": "L"}], "give one of people, team or location"),
    ([{"action": "insert_layer", "units": [{"name": "U"}]}], "units[1] has no departments"),
    ([{"action": "insert_layer", "units": [{"name": "U", "departments": ["A"], "head": "x"}]}],
     "units[1] has an unknown key 'head'"),
    ([{"action": "headcount", "department": "S", "remove": 1, "manager": "s"}], "manager goes with add"),
    ([{"action": "move", "team": "s", "manager": ["m"]}], "manager must be an employee id"),
    (["move"], "a step is a mapping"),
])
def test_a_malformed_step_is_refused_before_anything_applies(steps, words):
    with pytest.raises(PlanError) as info:
        load_plan([{"action": "set_function", "department": "Exec", "function": "executive"}] + steps)
    assert info.value.step == 2 and words in str(info.value), str(info.value)


def test_a_plan_file_is_read_with_its_lines_and_refused_with_them(tmp_path):
    path = tmp_path / "delayer.yml"
    path.write_text(textwrap.dedent("""\
        name: Delayer
        steps:
          - action: remove_layer
            layer: 3
          - action: move
            team: s1
            department: Marketing
            team: s2
        """), encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert "'team' is given twice in one mapping (lines 6 and 8)" in str(info.value)
    assert str(info.value).startswith("delayer.yml")
    path.write_text("name: Delayer\nsteps:\n  - action: remove_layer\n    layer: 3\n  - action: move\n"
                    "    team: s1\n", encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert str(info.value).startswith("delayer.yml, step 2 (move, line 5): give one of manager")
    path.write_text("name: Delayer\nsteps:\n  - action: remove_layer\n    layer: 3\n", encoding="utf-8")
    plan = load_plan(path)
    assert plan.name == "Delayer" and plan.steps[0].line == 3 and plan.source == path
    assert load_plan(plan.to_dict()).to_dict() == plan.to_dict()
    again = tmp_path / "again.yml"
    again.write_text(plan.to_yaml(), encoding="utf-8")
    assert load_plan(again).to_dict() == plan.to_dict()
    for text, words in (("steps: [", "is not valid YAML"), ("name: x\nstep: []\n", "unknown key 'step'"),
                        ("steps: []\n", "steps is empty"), ("- 1\n", "a step is a mapping"),
                        ("name: x\nstage: huge\nsteps: [{action: remove_layer, layer: 2}]\n", "stage must be")):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(PlanError, match=words):
            load_plan(path)
    with pytest.raises(PlanError, match="there is no such plan file"):
        load_plan(tmp_path / "missing.yml")


# ------------------------------------------------------------------------------------------ the new client
def test_the_new_client_is_as_valid_as_a_loaded_one(tmp_path):
    r = run({"action": "insert_layer", "units": [{"name": "Go to market", "departments": ["Sales", "Marketing"]}]},
            {"action": "remove_layer", "manager": "s1"},
            {"action": "delegate", "types": "all", "to": "department_head"})
    new = r.client
    # written out as files and loaded again, it is the same organisation
    folder = tmp_path / "client"
    folder.mkdir()
    new.people.to_csv(folder / "people.csv", index=False)
    new.decisions[["decision_id", "decision_type", "initiator_id", "decider_id", "approvers"]].to_csv(
        folder / "decisions.csv", index=False)
    new.communication[["source_id", "target_id"]].to_csv(folder / "communication.csv", index=False)
    loaded = orgkit.load_client(folder, min_group_size=1)
    assert loaded.people["employee_id"].tolist() == new.people["employee_id"].tolist()
    assert loaded.people["manager_id"].fillna("").tolist() == new.people["manager_id"].fillna("").tolist()
    assert (loaded.decisions["approvers"].tolist(), loaded.decisions["n_approvers"].tolist()) == (
        new.decisions["approvers"].tolist(), new.decisions["n_approvers"].tolist())
    assert len(loaded.communication) == len(new.communication)
    assert new.people.dtypes.to_dict() == tiny().people.dtypes.to_dict()
    assert new.decisions.dtypes.to_dict() == tiny().decisions.dtypes.to_dict()
    assert [w.code for w in new.warnings][-1] == "plan_result"
    assert "result of the plan “test” (3 steps)" in new.warnings[-1].message
    assert "方案“test”" in new.warnings[-1].text("zh")
    assessment = orgkit.assess(new)
    assert assessment.decisions.metrics["available"] and assessment.to_dict()["client"]["people"] == 10


def test_the_stage_follows_the_plan_or_the_client():
    assert run({"action": "remove_layer", "layer": 3}).client.settings.stage == "auto"
    client = tiny(stage="large")
    plan = {"name": "x", "steps": [{"action": "remove_layer", "layer": 3}]}
    r = apply_plan(client, plan)
    assert r.client.settings.stage == "large"
    assert any("alone would make it start-up: judged from headcount (9 people)" in line for line in r.log)
    assert apply_plan(client, {**plan, "stage": "auto"}).client.settings.stage == "auto"


def test_the_log_never_names_a_small_department_and_the_changes_say_they_are_for_analysts():
    client = tiny(min_group_size=5)  # every department here is smaller than 5
    r = run({"action": "merge", "departments": ["Sales", "Marketing"], "into": "Commercial"},
            {"action": "split", "department": "Research", "new": "Lab", "people": ["r2"]},
            {"action": "set_function", "department": "Lab", "function": "rnd"},
            {"action": "move", "team": "r", "department": "Exec"},
            {"action": "insert_layer", "units": [{"name": "Unit", "departments": ["Commercial"]}]}, client=client)
    for language in ("en", "zh"):
        text = "\n".join(r.log_in(language))
        for name in ("Sales", "Marketing", "Research", "Lab", "Exec", "Unit"):
            assert name not in text, (name, text)
        assert "Commercial" in text  # 6 people: large enough to name
    assert r.log[1] == "Step 1 (merge): 2 small departments (6 people) merged into Commercial."
    assert r.log[2] == "Step 2 (split): 1 person of a small department forms a new department, too small to be named."
    assert "Lab" not in repr(r.entries)  # the log's values do not hold the name either
    assert r.changes.attrs["audience"] == "analyst"
    assert "Lab" in set(r.changes["new_department"])  # the analyst's table names every department


def test_the_log_in_english_and_chinese():
    r = run({"action": "move", "team": "s1", "manager": "r"},
            {"action": "delegate", "types": ["budget"], "to": "department_head"})
    assert r.language == "en" and r.log == r.log_in("en")
    assert r.log[1] == "Step 1 (move): The team led by s1 (2 people) now reports to r."
    zh = r.log_in("zh")
    assert zh[1] == "第 1 步（调动）：s1 带领的团队（2 人）改为向 r 汇报。"
    assert apply_plan(tiny(), {"steps": [{"action": "remove_layer", "layer": 3}]}, language="zh").log[0].startswith(
        "方案“plan”")


def test_delegating_needs_decision_records():
    people = pd.DataFrame(PEOPLE, columns=["employee_id", "department", "manager_id", "location"])
    client = from_frames(people, settings={"min_group_size": 1})
    e = refused({"action": "delegate", "types": "all", "to": "department_head"}, client=client)
    assert e.step == 1 and "no decision records" in str(e)
    r = run({"action": "remove_layer", "layer": 2}, client=client)  # other steps need none
    assert r.client.decisions is None and r.decisions_rerouted.empty


def test_the_client_needs_reporting_lines():
    client = from_frames(pd.DataFrame({"employee_id": ["a"], "department": ["X"]}), settings={"min_group_size": 1})
    with pytest.raises(PlanError, match="no manager_id column"):
        run({"action": "remove_layer", "layer": 2}, client=client)


# ------------------------------------------------------------------------------------------ the sample
@pytest.fixture(scope="module")
def sample():
    return orgkit.load_client(orgkit.sample.sample_client_path())


@pytest.mark.parametrize("path", example_plans(), ids=lambda p: p.name)
def test_the_example_plans_apply_to_the_sample_and_assess(sample, path):
    plan = load_plan(path)
    assert isinstance(plan, Plan) and plan.description
    r = orgkit.apply_plan(sample, path)
    new = r.client
    assert new.n_people == sample.n_people + r.summary["added"] - r.summary["left"]
    assert new.hierarchy.layers >= 3 and (new.hierarchy.parent < 0).sum() == 1
    assert set(new.decisions["decider_id"]) <= set(new.people["employee_id"])
    approvers = new.approvals["approver_id"]
    assert set(approvers) <= set(new.people["employee_id"])
    assert not r.decisions_rerouted.empty and len(r.log) >= len(plan.steps) + 3
    assessment = orgkit.assess(new)
    assert set(assessment.scores) >= {"structure", "communication", "decisions", "overall"}
    assert assessment.decisions.metrics["decisions"] == len(new.decisions)
    before = decision_paths(sample)["hops"].astype(float).median()
    after = decision_paths(new)["hops"].astype(float).median()
    assert after <= before  # both plans delegate decisions


def test_the_commercial_plan_on_the_sample_by_hand(sample):
    r = orgkit.apply_plan(sample, example_plans()[0])
    p = r.client.people.set_index("employee_id")
    assert p.loc["E00062", "manager_id"] == "E00077"  # the Head of Marketing reports to the Head of Sales
    assert (p["department"] == "Commercial").sum() == 34 - 2  # Sales 21 + Marketing 13, two team leads left
    assert r.client.settings.functions["Commercial"] == ("sales", "marketing")
    assert {"E00008", "E00066"}.isdisjoint(p.index)
    assert "budget" in set(r.decisions_rerouted["decision_type"])
    # every delegated budget or hiring decision is now taken by the initiator's department head or lower
    rr = r.decisions_rerouted[r.decisions_rerouted["rule"] == "delegated_to_department_head"]
    depth = pd.Series(r.client.hierarchy.depth, index=r.client.people["employee_id"])
    assert (depth[rr["new_decider_id"]].to_numpy() >= 1).all()
    assert (depth[rr["old_decider_id"]].to_numpy() <= depth[rr["new_decider_id"]].to_numpy()).all()


def test_changes_and_reroutes_have_their_columns_even_when_empty():
    r = run({"action": "set_function", "department": "Exec", "function": "executive"})
    from orgkit.scenario.apply import CHANGE_COLUMNS, REROUTE_COLUMNS

    assert tuple(r.changes.columns) == CHANGE_COLUMNS and r.changes.empty
    assert tuple(r.decisions_rerouted.columns) == REROUTE_COLUMNS and r.decisions_rerouted.empty
    assert r.changes["step"].dtype == np.int64
