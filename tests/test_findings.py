"""Findings and recommendations: statuses, sentences with hand-computed numbers, privacy, en/zh parity."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import orgkit
from orgkit.assessment import assess
from orgkit.findings import (
    Finding,
    area_statuses,
    card_status,
    decisions_context,
    derive_findings,
    overall_text,
    recommend,
    score_status,
    summary_cards,
    top_findings,
)


def _two_cliques_one_bridge(**extra):
    """Sales (a1..a5) and R&D (b1..b5) each fully connected, one tie a1-b1; Legal (3) and Audit (2) are small.

    The CEO t1 (Legal) manages l2, l3 (Legal), u1, u2 (Audit), a1 and b1; a1 and b1 manage the other four
    of their department each. The two small departments together hold 5 people, so complementary
    suppression hides nothing else.
    """
    people = pd.DataFrame({
        "employee_id": ["t1", "l2", "l3", "u1", "u2"] + [f"a{i}" for i in range(1, 6)] + [f"b{i}" for i in range(1, 6)],
        "department": ["Legal"] * 3 + ["Audit"] * 2 + ["Sales"] * 5 + ["R&D"] * 5,
        "manager_id": [None, "t1", "t1", "t1", "t1", "t1", "a1", "a1", "a1", "a1", "t1", "b1", "b1", "b1", "b1"],
    })
    pairs = [(f"{g}{i}", f"{g}{j}") for g in "ab" for i in range(1, 6) for j in range(i + 1, 6)]
    pairs.append(("a1", "b1"))
    communication = pd.DataFrame(pairs, columns=["source_id", "target_id"])
    return orgkit.from_frames(people, communication=communication, settings={"min_group_size": 5, "name": "Two"},
                              **extra)


def _decisions(n: int = 10) -> pd.DataFrame:
    """``n`` budget decisions raised by a2 (Sales) and taken by the CEO t1, 20 days later, no approvers."""
    return pd.DataFrame({
        "decision_id": [f"D{i}" for i in range(n)],
        "decision_type": ["budget"] * n,
        "initiator_id": ["a2"] * n,
        "decider_id": ["t1"] * n,
        "approvers": [""] * n,
        "raised_at": ["2025-01-01"] * n,
        "decided_at": ["2025-01-21"] * n,
    })


@pytest.fixture(scope="module")
def two():
    client = _two_cliques_one_bridge(decisions=_decisions())
    assessment = assess(client)
    findings = derive_findings(assessment)
    return assessment, findings, recommend(findings, assessment)


def _by_key(findings, key):
    return [f for f in findings if f.key == key]


def test_score_status_thresholds():
    assert [score_status(s) for s in (100, 70, 69.99, 50, 49.9, 0)] == ["green", "green", "amber", "amber", "red", "red"]
    assert score_status(None) == "grey" and score_status(float("nan")) == "grey"


def test_sentences_have_both_languages_with_the_same_fields():
    from orgkit.i18n import catalogue, placeholders

    def fields(language):
        out = {}
        for m in catalogue(language):
            key = m.id[0] if m.pluralizable else m.id
            if key.startswith(("finding.", "recommendation.")):
                out[key] = [placeholders(s) for s in (m.string if m.pluralizable else (m.string,))]
        return out

    en, zh = fields("en"), fields("zh")
    assert set(en) == set(zh) and len(en) > 50
    for key, forms in en.items():
        assert all(f == forms[0] for f in forms + zh[key]), key


def test_silo_sentence_has_hand_computed_numbers(two):
    _, findings, _ = two
    silos = {f.values["en"]["department"]: f for f in _by_key(findings, "silo")}
    assert set(silos) == {"Sales", "R&D"}
    # Sales: 10 ties inside, 1 outside: E-I = (1 - 10) / 11 = -0.82; 10/11 = 91% inside;
    # random mixing for 5 of 15 people: 1 - 2 * 4 / 14 = +0.43
    text = silos["Sales"].text("en")
    assert "91%" in text and "−0.82" in text and "+0.43" in text
    assert silos["Sales"].status == "red"
    assert "信息孤岛" in silos["Sales"].text("zh") and "91%" in silos["Sales"].text("zh")


def test_layers_and_spans(two):
    _, findings, _ = two
    # 15 people, 3 layers; managers t1 (6 reports), a1 and b1 (4 each): mean span 14/3 = 4.67;
    # 1 + 4.67 = 5.7 < 15 <= 1 + 4.67 + 21.8, so 3 layers are the minimum: no excess
    (layers,) = _by_key(findings, "layers_ok")
    assert layers.status == "green"
    assert layers.text("en").startswith("3 layers for 15 people is at the minimum this size needs (3) at the mean "
                                        "span of 4.7")
    (spans,) = _by_key(findings, "spans")
    # counts are not followed by a verb, so "1 with more than 12" reads right for any count (was "1 have")
    assert spans.text("en") == ("3 of 3 managers (100%) have a healthy span of 4–12 direct reports; 0 with fewer "
                                "than 4, 0 with more than 12.")
    assert spans.status == "green"


def test_decision_findings(two):
    _, findings, _ = two
    # a2 -> a1 -> t1: 2 hops every time; a2's department head is a1 and t1 is above it: all escalated
    (hops,) = _by_key(findings, "hops")
    assert "cross 2 reporting lines on average" in hops.text("en") and hops.status == "green"
    (esc,) = _by_key(findings, "escalation")
    assert esc.text("en").startswith("100% of decisions") and esc.status == "red"
    (lat,) = _by_key(findings, "latency")
    # the statement covers the closed decisions, and says how many
    assert lat.text("en").startswith("Half of the 10 closed decisions took longer than 20 days")
    assert "budget decisions are the slowest (20 days, median)" in lat.text("en")
    assert lat.status == "red"  # median 20 days >= 14


def test_findings_sorted_worst_first(two):
    _, findings, _ = two
    order = {"red": 0, "amber": 1, "green": 2}
    ranks = [order[f.status] for f in findings]
    assert ranks == sorted(ranks)


def test_small_department_is_never_named(two):
    assessment, findings, recs = two
    for lang in ("en", "zh"):
        words = [f.text(lang) for f in findings]
        words += [r.title(lang) + r.text(lang) + r.because(lang) for r in recs]
        words += [c for card in summary_cards(assessment, findings, lang) for c in card["findings"]]
        assert not any("Legal" in w or "Audit" in w for w in words), lang


def test_recommendations_cite_their_findings(two):
    _, findings, recs = two
    keys = [r.key for r in recs]
    assert "open_channels" in keys and "delegate" in keys and "speed_up" in keys
    for r in recs:
        assert r.findings, r.key
        assert all(f.status in ("red", "amber") for f in r.findings), r.key
        sentences = [f.text("en") for f in r.cited()]
        assert r.because("en") == " ".join(dict.fromkeys(sentences))
    # one action for both silos, naming each with the department it should open up to
    (channels,) = [r for r in recs if r.key == "open_channels"]
    first, second = channels.units  # equally inward: both 91% inside
    assert {first, second} == {"Sales", "R&D"} and channels.people == 10  # 5 + 5
    assert channels.title("en") == f"Connect {first} and {second} with the departments they work with least"
    assert f"between {first} and {second}; {second} and {first}:" in channels.text("en")
    delegate = next(r for r in recs if r.key == "delegate")
    # 10 budget decisions raised by a2, all taken by the CEO t1 (the top)
    assert "10 of 10 budget decisions escalated (100%), all to the top of the organisation" in delegate.text("en")
    assert delegate.progress("en") == "share of budget decisions escalated, from 100% to below 50%"


def test_each_recommendation_once_and_reassess_is_not_one(two):
    _, _, recs = two
    keys = [r.key for r in recs]
    assert len(keys) == len(set(keys))
    assert "reassess" not in keys
    for lang in ("en", "zh"):
        titles = [r.title(lang) for r in recs]
        assert len(titles) == len(set(titles))


def test_recommendations_carry_owner_effort_and_progress(two):
    from orgkit.findings import EFFORT

    _, _, recs = two
    for r in recs:
        assert r.effort == EFFORT[r.key] and r.effort in ("low", "medium", "high")
        for lang in ("en", "zh"):
            assert r.owner_text(lang) and r.effort_text(lang) and r.progress(lang)
            assert re.search(r"\d", r.progress(lang)), (r.key, r.progress(lang))
    delegate = next(r for r in recs if r.key == "delegate")
    assert delegate.owner_text("en") == "chief operating officer" and delegate.effort_text("zh") == "中"
    # the silos' owner is the COO (two departments); one silo is led by the head of its function
    channels = next(r for r in recs if r.key == "open_channels")
    assert channels.owner == ("coo", "")


def test_recommendations_ordered_by_impact(two):
    from orgkit.findings import impact

    _, _, recs = two
    impacts = [r.impact for r in recs]
    assert impacts == sorted(impacts, reverse=True)
    for r in recs:
        assert r.impact == impact(r.people, r.status)  # people x severity (red 3, amber 1)
    delegate = next(r for r in recs if r.key == "delegate")
    assert delegate.status == "red" and delegate.people == 5 and delegate.impact == 15  # a2's Sales: 5 people


def test_reassess_is_a_dated_line():
    from orgkit.findings import reassess_by, reassess_line

    red = Finding("communication", "silo", "red", {"en": {}, "zh": {}})
    amber = Finding("communication", "openness", "amber", {"en": {}, "zh": {}})
    assert str(reassess_by([red], "2026-12-02")) == "2027-06-01"  # anything red: 6 months
    assert str(reassess_by([amber], "2026-12-02")) == "2027-12-01"  # else 12
    assert str(reassess_by([red], "2026-07-31")) == "2027-01-01"
    assert reassess_line([red], "2026-12-02").startswith("Reassess by June 2027: ")
    assert reassess_line([red], "2026-12-02", "zh").startswith("请于 2027年6月前重新评估")


def test_summary_cards(two):
    assessment, findings, _ = two
    cards = summary_cards(assessment, findings, "en")
    # every area has a card; without a survey it is grey, not assessed, and says why (no number)
    assert [c["area"] for c in cards] == ["structure", "communication", "decisions", "survey"]
    survey = cards[-1]
    assert survey["score"] is None and survey["status"] == "grey" and not survey["assessed"]
    assert survey["note"] and "survey" in survey["note"].lower()
    comm = next(c for c in cards if c["area"] == "communication")
    assert len(comm["findings"]) <= 3 and "silo" in comm["findings"][0]
    # the card holds red silo findings: at most amber, whatever the score's band
    assert comm["status"] == card_status(score_status(assessment.scores["communication"]), ["red"])
    assert comm["status"] != "green"


def test_no_communication_no_findings_for_it():
    people = pd.DataFrame({"employee_id": ["1", "2", "3"], "department": ["X"] * 3, "manager_id": [None, "1", "1"]})
    assessment = assess(orgkit.from_frames(people, settings={"min_group_size": 1}))
    findings = derive_findings(assessment)
    assert not [f for f in findings if f.area == "communication"]
    recs = recommend(findings, assessment)
    assert "reassess" not in [r.key for r in recs]
    assert not [r for r in recs if r.area == "communication"]


def test_top_findings_per_area():
    fs = [Finding("structure", "units_missing", "amber", {"en": {}, "zh": {}}, 1.0),
          Finding("structure", "no_hierarchy", "red", {"en": {}, "zh": {}}, 0.1),
          Finding("decisions", "units_missing", "red", {"en": {}, "zh": {}}, 5.0)]
    top = top_findings(fs, "structure", 1)
    assert [f.key for f in top] == ["no_hierarchy"]


def test_thresholds_are_ordered():
    from orgkit.thresholds import DEFAULTS, STATUS_RULES

    for name, worse in STATUS_RULES.items():
        amber, red = DEFAULTS.pair(name)
        assert (amber < red) if worse else (amber > red), name


def test_finding_to_dict_is_plain():
    f = Finding("communication", "isolates", "amber", {"en": {"count": 3, "share": "6%"}, "zh": {"count": 3, "share": "6%"}})
    d = f.to_dict("zh")
    assert d == {"area": "communication", "key": "isolates", "status": "amber", "text": "3 人（6%）没有任何沟通记录。",
                 "id": "isolates"}
    assert all(isinstance(v, str) for v in d.values())


def test_every_sentence_is_one_line_without_placeholders(two):
    _, findings, recs = two
    for lang in ("en", "zh"):
        for text in [f.text(lang) for f in findings] + [r.text(lang) for r in recs]:
            assert "{" not in text and "\n" not in text
            assert not re.search(r"\bNone\b|\bnan\b", text), text


# ------------------------------------------------------------------------------------ felt silos
def _survey_two_cliques(rnd=(2, 3), sales=(4, 5)) -> dict:
    """Everyone answers cc1, cc2 (communication): R&D ``rnd``, Sales ``sales``, Legal and Audit (3, 3)."""
    depts = {"t1": "Legal", "l2": "Legal", "l3": "Legal", "u1": "Audit", "u2": "Audit",
             **{f"a{i}": "Sales" for i in range(1, 6)}, **{f"b{i}": "R&D" for i in range(1, 6)}}
    cc = {"Sales": sales, "R&D": rnd, "Legal": (3, 3), "Audit": (3, 3)}
    survey = pd.DataFrame([(e, d, *cc[d]) for e, d in depts.items()],
                          columns=["respondent_id", "department", "cc1", "cc2"])
    items = pd.DataFrame({"item": ["cc1", "cc2"], "dimension": ["communication"] * 2, "reverse": [False, False]})
    return {"survey": survey, "survey_items": items}


@pytest.fixture(scope="module")
def felt():
    assessment = assess(_two_cliques_one_bridge(**_survey_two_cliques()))
    findings = derive_findings(assessment)
    return assessment, findings, recommend(findings, assessment)


def test_felt_silo_sentence_has_hand_computed_numbers(felt):
    _, findings, _ = felt
    found = _by_key(findings, "felt_silo")
    # both cliques are structural silos, only R&D rates communication below 3.5 (mean of 2 and 3 = 2.5)
    assert [f.values["en"]["department"] for f in found] == ["R&D"]
    f = found[0]
    assert f.area == "survey" and f.status == "red" and f.ident == "felt_silo:R&D"
    # overall communication mean: (5 * 2.5 + 5 * 4.5 + 5 * 3) / 15 = 3.33; R&D: 10 of 11 ties inside = 91%,
    # E-I = -9/11 = -0.82 against 1 - 2 * 4 / 14 = +0.43 under random mixing
    en = f.text("en")
    for part in ("R&D", "communication 2.50 of 5", "(3.33 across", "91%", "−0.82", "+0.43"):
        assert part in en, part
    zh = f.text("zh")
    assert "跨部门沟通的评分为 2.50/5 分" in zh and "3.33" in zh and "91%" in zh


def test_felt_silo_cited_in_open_channels_and_survey_card(felt):
    assessment, findings, recs = felt
    (channels,) = [r for r in recs if r.key == "open_channels"]
    keys = [(f.key, f.values["en"].get("department")) for f in channels.findings]
    assert ("silo", "Sales") in keys and ("silo", "R&D") in keys and ("felt_silo", "R&D") in keys
    # the felt-silo sentence carries R&D's network numbers too: R&D's silo sentence is not said twice
    cited = [(f.key, f.values["en"].get("department")) for f in channels.cited()]
    assert ("silo", "Sales") in cited and ("felt_silo", "R&D") in cited and ("silo", "R&D") not in cited
    because = channels.because("en")
    assert "2.50 of 5" in because and because.count("91%") == 2  # once for Sales, once for R&D
    first, second = channels.units
    assert channels.headline("en") == f"{first} and {second} keep to themselves, and their people feel it"
    assert channels.headline("zh") == f"{first}、{second} 自成信息孤岛，员工对此也有切身感受"
    card = next(c for c in summary_cards(assessment, findings, "en") if c["area"] == "survey")
    assert card["findings"][0] == _by_key(findings, "felt_silo")[0].text("en")


def test_no_felt_silo_when_people_rate_communication_well():
    a = assess(_two_cliques_one_bridge(**_survey_two_cliques(rnd=(4, 4))))
    assert _by_key(derive_findings(a), "felt_silo") == []


def test_small_silo_is_never_a_felt_silo():
    # Legal and Audit rate communication 3.0 but are below the minimum group size: never named
    a = assess(_two_cliques_one_bridge(**_survey_two_cliques(rnd=(4, 4), sales=(4, 4))))
    assert all("Legal" not in f.text("en") and "Audit" not in f.text("en") for f in derive_findings(a))


def test_attached_evidence_joins_an_existing_action_only(two):
    from orgkit.findings import ATTACH

    assessment, findings, recs = two
    assert ATTACH["openness"] == "open_channels"
    (openness,) = _by_key(findings, "openness")
    channels = next(r for r in recs if r.key == "open_channels")
    assert (openness in channels.findings) == (openness.status in ("red", "amber"))
    # without a silo there is no "open channels" action for the openness finding to join
    alone = recommend([openness], assessment)
    assert [r.key for r in alone] == []
# --------------------------------------------------------------------------------------------------
# issue 11: scores only from evidence, the card rule, open decisions
# --------------------------------------------------------------------------------------------------
def test_card_status_rule_by_hand():
    # a red finding holds a card at amber at best; amber and green findings do not hold it back
    assert card_status("green", ["green", "red"]) == "amber"
    assert card_status("green", ["amber", "green"]) == "green"
    assert card_status("amber", ["red"]) == "amber"
    assert card_status("red", ["green"]) == "red"
    assert card_status("green", []) == "green"
    # not assessed: grey whatever the findings
    assert card_status("grey", ["red"]) == "grey"


def _no_decisions_client():
    """Two departments of 5 under a CEO, a communication file, no decision records, no survey."""
    ids = ["ceo"] + [f"s{i}" for i in range(5)] + [f"r{i}" for i in range(5)]
    people = pd.DataFrame({"employee_id": ids, "department": ["Exec"] + ["Sales"] * 5 + ["R&D"] * 5,
                           "manager_id": [None, "ceo", "s0", "s0", "s0", "s0", "ceo", "r0", "r0", "r0", "r0"]})
    rows = pd.DataFrame({"source_id": ["s1", "s2", "r1", "r2", "s0", "s3"],
                         "target_id": ["s2", "s3", "r2", "r3", "r0", "r4"]})
    return orgkit.from_frames(people, communication=rows, settings={"name": "no decisions", "min_group_size": 1})


def test_no_decision_records_not_assessed_and_overall_over_the_rest():
    a = assess(_no_decisions_client())
    findings = derive_findings(a)
    scores = a.scores
    # no decision records: no score from the distance to the top, no finding from it
    assert scores["decisions"] is None and a.decisions.score is None
    assert not [f for f in findings if f.area == "decisions"]
    # overall is the mean of the assessed areas only (structure and communication), rounded to 1 decimal
    assert a.overall_areas == ["structure", "communication"]
    assert scores["overall"] == pytest.approx(round((scores["structure"] + scores["communication"]) / 2, 1))
    cards = {c["area"]: c for c in summary_cards(a, findings, "en")}
    dec = cards["decisions"]
    assert dec["score"] is None and dec["status"] == "grey" and not dec["assessed"]
    assert "not assessed" in dec["note"]
    # the distance to the top is context, labelled so: the median depth of 0,1,2,2,2,2,1,2,2,2,2 is 2
    assert dec["context"].startswith("Context, not scored") and "2 reporting lines from the top" in dec["context"]
    assert decisions_context(a, "zh").startswith("背景信息")
    line = overall_text(a, "en")
    assert line.startswith(f"Overall {round(scores['overall'])} / 100") and "over structure fit and communication" in line
    assert "Not assessed: decision paths and employee survey." in line
    # metrics.json says the same
    m = a.to_dict()
    assert m["decisions"]["score"] is None and m["decisions"]["assessed"] is False
    assert m["decisions"]["not_assessed_reason"] == "no_data" and m["decisions"]["status"] == "grey"
    assert m["decisions"]["context"]["distance_to_top_median"] == 2.0
    assert m["scores"]["overall_areas"] == ["structure", "communication"]
    assert m["scores"]["not_assessed"] == ["decisions", "survey"]
    assert m["scores"]["status"]["decisions"] == "grey"
    assert m["scores"]["status"] == area_statuses(a, findings)


def test_overall_needs_enough_assessed_areas():
    from orgkit.thresholds import Thresholds

    client = _no_decisions_client()
    a = assess(client, thresholds=Thresholds({"score.overall.min_areas": 3}))
    assert len(a.overall_areas) == 2 and a.scores["overall"] is None
    findings = derive_findings(a)
    assert area_statuses(a, findings)["overall"] == "grey"
    assert overall_text(a, "en").startswith(
        "No overall score: 2 areas are assessed, and an overall score needs at least 3.")


def test_too_little_evidence_is_not_assessed():
    from orgkit.assessment import area_evidence
    from orgkit.thresholds import Thresholds

    # decisions without reporting lines and without dates: only approvals (weight 0.2 of 1.0) is measured
    people = pd.DataFrame({"employee_id": ["a", "b", "c"], "department": ["X", "Y", "Y"]})
    decisions = pd.DataFrame({"decision_id": ["d1", "d2"], "decision_type": ["budget", "budget"],
                              "initiator_id": ["a", "b"], "decider_id": ["b", "c"], "approvers": ["c", ""]})
    a = assess(orgkit.from_frames(people, decisions=decisions, settings={"min_group_size": 1}))
    ev = area_evidence(a.decisions, a.thresholds)
    assert a.decisions.score is not None  # the area computes a number from approvals alone ...
    assert ev == {"score": round(a.decisions.score, 1), "evidence_share": 0.2, "assessed": False,
                  "reason": "evidence"}
    assert a.scores["decisions"] is None  # ... which is never shown
    cards = {c["area"]: c for c in summary_cards(a, derive_findings(a), "en")}
    assert "20%" in cards["decisions"]["note"] and "50%" in cards["decisions"]["note"]
    # a client that accepts a fifth of the weight gets the score
    a2 = assess(a.client, thresholds=Thresholds({"score.evidence.min_share": 0.2}))
    assert a2.scores["decisions"] == round(a.decisions.score, 1)


def test_a_red_finding_caps_the_card(two):
    assessment, findings, _ = two
    statuses = area_statuses(assessment, findings)
    for area in ("structure", "communication", "decisions"):
        worst = [f.status for f in findings if f.area == area]
        if "red" in worst:
            assert statuses[area] != "green", area
    # the overall card is never green while an assessed area's card is red
    if "red" in [statuses[a] for a in assessment.overall_areas]:
        assert statuses["overall"] != "green"


def _open_client(open_raised):
    """A chain of 4 with 8 closed decisions (2 days each) and open ones raised on ``open_raised``."""
    people = pd.DataFrame({"employee_id": ["ceo", "a", "b", "c"], "department": ["X"] * 4,
                           "manager_id": [None, "ceo", "a", "b"]})
    closed = [(f"d{i}", "2024-03-01", "2024-03-03") for i in range(8)]
    opened = [(f"o{i}", r, None) for i, r in enumerate(open_raised)]
    rows = closed + opened + [("last", "2024-03-30", "2024-03-31")]
    decisions = pd.DataFrame({"decision_id": [r[0] for r in rows], "decision_type": ["budget"] * len(rows),
                              "initiator_id": ["c"] * len(rows), "decider_id": ["b"] * len(rows),
                              "raised_at": [r[1] for r in rows], "decided_at": [r[2] for r in rows]})
    return orgkit.from_frames(people, decisions=decisions, settings={"min_group_size": 1})


def test_open_decisions_finding_counts_and_ages():
    # 3 open of 12 (25%, red share), the oldest raised 2024-01-01: 90 days to 2024-03-31 (red age)
    a = assess(_open_client(["2024-01-01", "2024-03-01", "2024-03-21"]))
    (f,) = _by_key(derive_findings(a), "open_decisions")
    assert f.status == "red"
    assert f.text("en").startswith("3 decisions are still open (25% of the records), the oldest waiting 90 days "
                                   "as of 2024-03-31")
    assert "仍有 3 项未决事项" in f.text("zh")
    (lat,) = _by_key(derive_findings(a), "latency")
    assert "9 closed decisions" in lat.text("en")  # 8 + "last"; the open ones are not in the latency
    # one recent open decision of 10: 10% share is amber, 10 days is green: amber
    a = assess(_open_client(["2024-03-21"]))
    (f,) = _by_key(derive_findings(a), "open_decisions")
    assert f.status == "amber" and f.text("en").startswith("1 decision is still open (10% of the records)")
    # none open: no finding
    assert not _by_key(derive_findings(assess(_open_client([]))), "open_decisions")


def test_escalation_evidence_names_the_types(two):
    _, findings, _ = two
    (esc,) = _by_key(findings, "escalation")
    # every budget decision of the fixture escalates: the evidence names the type and its share
    assert "By decision type: budget 100%." in esc.text("en") and "按决策类型：budget 100%。" in esc.text("zh")


@pytest.mark.realdata
def test_krackhardt_managers_without_decision_records(shared_data):
    """21 real managers with a reports-to tree and advice ties, no decision records, no survey: decision paths
    are not assessed (context only), the overall covers structure and communication."""
    folder = shared_data / "krackhardt_hightech"
    attrs = pd.read_csv(folder / "Krack-High-Tec-Attributes.csv", dtype=str)

    def edges(name):
        e = pd.read_csv(folder / name, sep=r"\s+", header=None, names=["ego", "alter", "tie"], dtype=str)
        return e[e["tie"] == "1"]

    manager = dict(zip(*[edges("Krack-High-Tec-edgelist-ReportsTo.txt")[c] for c in ("ego", "alter")]))
    people = pd.DataFrame({"employee_id": attrs["ID"], "department": "dept" + attrs["DEPT"],
                           "manager_id": attrs["ID"].map(manager)})
    advice = edges("Krack-High-Tec-edgelist-Advice.txt").rename(columns={"ego": "source_id", "alter": "target_id"})
    a = assess(orgkit.from_frames(people, communication=advice[["source_id", "target_id"]],
                                  settings={"name": "krackhardt", "min_group_size": 1}))
    findings = derive_findings(a)
    assert a.scores["decisions"] is None and not [f for f in findings if f.area == "decisions"]
    assert a.overall_areas == ["structure", "communication"]
    assert a.scores["overall"] == pytest.approx(round((a.scores["structure"] + a.scores["communication"]) / 2, 1))
    # 1 CEO, 4 vice presidents, 16 managers: the typical manager is 2 reporting lines from the top
    cards = {c["area"]: c for c in summary_cards(a, findings, "en")}
    assert cards["decisions"]["status"] == "grey" and cards["survey"]["status"] == "grey"
    assert "2 reporting lines from the top" in cards["decisions"]["context"]
    statuses = area_statuses(a, findings)
    for area in a.overall_areas:
        if any(f.status == "red" for f in findings if f.area == area):
            assert statuses[area] != "green"


def test_open_decisions_call_for_an_action_of_their_own():
    # decided by the initiator's own manager (1 hop, not escalated beyond the department): no "delegate" action,
    # so the backlog is an action of its own, naming how many, which types and the oldest
    a = assess(_open_client(["2024-01-01", "2024-03-01", "2024-03-21"]))
    findings = derive_findings(a)
    recs = {r.key: r for r in recommend(findings, a)}
    assert "delegate" not in recs
    r = recs["clear_open"]
    assert r.status == "red" and r.effort == "low"
    assert "the 3 decisions still open (budget most often; the oldest has waited 90 days)" in r.text("en")
    assert r.headline("en") == "Decisions are left open: 3 still wait for an answer"
    assert "from 25% to below 10%" in r.progress("en")
    assert len(r.evidence["en"]) >= 2 and "budget 3" in r.evidence["en"][1]
    assert "3 项未决事项" in r.text("zh")
    b = assess(_open_client(["2024-03-21"]))
    one = {r.key: r for r in recommend(derive_findings(b), b)}
    assert one["clear_open"].headline("en") == "A decision is left open: 1 still waits for an answer"


def test_open_decisions_join_the_delegation_story(two):
    # where decision types escalate, the open ones are evidence for delegating them, not a second action
    assessment, findings, _ = two
    backlog = Finding("decisions", "open_decisions", "red", {lang: {"oldest": "94", "share": "25%", "open": 3}
                                                             for lang in ("en", "zh")})
    recs = {r.key: r for r in recommend([*findings, backlog], assessment)}
    assert "clear_open" not in recs
    assert backlog in recs["delegate"].findings and recs["delegate"].status == "red"


def test_deep_and_crowded_is_one_rebalancing():
    # a chain of single-report managers (too many layers) beside two managers of 15: "remove layers" and
    # "add team leads" (which adds one) would contradict each other, so they are one action with both parts
    ids = ["ceo", "a", "b", "c", "d"] + [f"w{i}" for i in range(15)] + [f"x{i}" for i in range(15)]
    managers = [None, "ceo", "a", "b", "c"] + ["d"] * 15 + ["ceo"] + ["x0"] * 14
    people = pd.DataFrame({"employee_id": ids, "manager_id": managers,
                           "department": ["Exec"] * 5 + ["Ops"] * 15 + ["Sales"] * 15})
    a = assess(orgkit.from_frames(people, settings={"name": "t", "min_group_size": 1}))
    findings = derive_findings(a)
    assert {"layers_excess", "spans"} <= {f.key for f in findings}
    recs = {r.key: r for r in recommend(findings, a)}
    assert "flatten" not in recs and "add_team_leads" not in recs
    r = recs["rebalance"]
    assert r.effort == "high" and {f.key for f in r.findings} >= {"layers_excess", "spans"}
    assert r.text("en").startswith("Go from 6 to 3 layers") and "the 2 managers with more than 12" in r.text("en")
    assert "reporting layers, from 6 to 3" in r.progress("en") and "2 名直接下属超过 12 人的管理者" in r.text("zh")
