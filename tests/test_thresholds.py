"""Thresholds and weights: one registry with sources, client overrides validated at load time, the statuses,
sentences, appendix and metrics.json that follow them, and errors that are not swallowed."""

from __future__ import annotations

import pickle
import re
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from markupsafe import escape

import orgkit
from orgkit import ValidationError, from_frames, load_client
from orgkit.assessment import assess
from orgkit.errors import ConfigError
from orgkit.findings import derive_findings, recommend, score_status
from orgkit.i18n import t
from orgkit.thresholds import (
    DEFAULTS,
    REGISTRY,
    STATUS_RULES,
    UNITS,
    WEIGHT_GROUPS,
    Thresholds,
    client_thresholds,
)

ROOT = Path(__file__).resolve().parents[1]

# Two cliques and a CEO (as in test_findings): t1 (Legal) manages l2, l3 (Legal), u1, u2 (Audit), a1 and b1
# (6 reports); a1 manages a2..a5 (4), b1 manages b2..b5 (4). Ten budget decisions raised by a2 and taken
# by t1 twenty days later.
PEOPLE = "employee_id,department,manager_id\n" + "\n".join(
    f"{e},{d},{m}" for e, d, m in [
        ("t1", "Legal", ""), ("l2", "Legal", "t1"), ("l3", "Legal", "t1"), ("u1", "Audit", "t1"),
        ("u2", "Audit", "t1"), ("a1", "Sales", "t1"), ("a2", "Sales", "a1"), ("a3", "Sales", "a1"),
        ("a4", "Sales", "a1"), ("a5", "Sales", "a1"), ("b1", "R&D", "t1"), ("b2", "R&D", "b1"),
        ("b3", "R&D", "b1"), ("b4", "R&D", "b1"), ("b5", "R&D", "b1"),
    ]) + "\n"
PAIRS = [(f"{g}{i}", f"{g}{j}") for g in "ab" for i in range(1, 6) for j in range(i + 1, 6)] + [("a1", "b1")]
COMMUNICATION = "source_id,target_id\n" + "\n".join(f"{s},{t}" for s, t in PAIRS) + "\n"
DECISIONS = "decision_id,decision_type,initiator_id,decider_id,approvers,raised_at,decided_at\n" + "\n".join(
    f"D{i},budget,a2,t1,,2025-01-01,2025-01-21" for i in range(10)) + "\n"
OVERRIDES = """\
    thresholds:
      structure.span.healthy_min: 5      # a1 and b1 (4 reports each) now have narrow spans
      decisions:
        latency_days_median: {red: 25}   # 20 days: red by default, amber now
      score: {status: {green_from: 80}}
    """


def client_dir(folder: Path, yml: str = "", language: str = "en") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "people.csv").write_text(PEOPLE, encoding="utf-8")
    (folder / "communication.csv").write_text(COMMUNICATION, encoding="utf-8")
    (folder / "decisions.csv").write_text(DECISIONS, encoding="utf-8")
    head = f"name: Two\nmin_group_size: 5\nlanguage: {language}\n"
    (folder / "client.yml").write_text(head + textwrap.dedent(yml), encoding="utf-8")
    return folder


def problems(folder: Path) -> list[str]:
    with pytest.raises(ValidationError) as info:
        load_client(folder)
    assert info.value.exit_code == 2
    return [str(p) for p in info.value.problems]


def _one(findings, key):
    (f,) = [f for f in findings if f.key == key]
    return f


# --------------------------------------------------------------------------------------------------
# the registry: one definition of each number, each with its source
# --------------------------------------------------------------------------------------------------
def test_every_threshold_has_a_source_or_a_judgement():
    from orgkit.method import REFERENCES

    assert len(REGISTRY) == 97
    for key, th in REGISTRY.items():
        assert th.key == key and th.unit in UNITS and th.description.endswith(".")
        assert bool(th.source) != bool(th.judgement), key
        assert set(th.source) <= set(REFERENCES), key
    sourced = sorted(k for k, th in REGISTRY.items() if th.source)
    assert sourced == ["communication.tie.min_messages", "communication.tie.reciprocated", "structure.span.healthy_max", "structure.span.healthy_min",
                       "structure.stage.large_structure_from", "structure.stage.startup_below",
                       "survey.alpha.min", "survey.change.p_max", "survey.rwg.min"]
    assert REGISTRY["survey.alpha.min"].source == ("nunnally1978",)
    assert REGISTRY["survey.rwg.min"].source == ("james1984", "lebreton2008")


def test_the_modules_constants_are_the_registry():
    from orgkit.areas.communication import SCORE_WEIGHTS as COMMUNICATION_WEIGHTS
    from orgkit.data.contract import LIKERT_MAX, LIKERT_MIN
    from orgkit.areas.decisions import SCORE_TARGETS
    from orgkit.framework import STAGE_THRESHOLDS
    from orgkit.areas.structure import SCORE_WEIGHTS as STRUCTURE_WEIGHTS

    assert STRUCTURE_WEIGHTS == {"span_health": 0.25, "layer_excess": 0.15, "single_report_managers": 0.10,
                                 "function_coverage": 0.25, "split_merge_fit": 0.15, "raci_clarity": 0.10}
    assert COMMUNICATION_WEIGHTS == DEFAULTS.weights("communication.weight")
    assert SCORE_TARGETS["latency_days_median"] == (3.0, 30.0, 0.30)
    assert "decisions.target.distance_to_top_mean.good" not in REGISTRY  # no score from a stand-in
    assert STAGE_THRESHOLDS == {"startup": 50, "large": 1000}
    assert UNITS["likert"][:2] == (LIKERT_MIN, LIKERT_MAX)
    # the old constants are gone: nothing reads a second definition
    import orgkit.findings
    import orgkit.batch.overview
    import orgkit.areas.structure
    import orgkit.areas.survey

    for module, name in [(orgkit.findings, "THRESHOLDS"), (orgkit.areas.structure, "HEALTHY_SPAN"),
                         (orgkit.areas.survey, "ALPHA_THRESHOLD"), (orgkit.areas.survey, "FAVOURABLE_MIN"),
                         (orgkit.batch.overview, "GREEN_FROM")]:
        assert not hasattr(module, name), name


def test_thresholds_import_nothing_but_errors():
    source = (ROOT / "orgkit" / "thresholds.py").read_text(encoding="utf-8")
    imports = re.findall(r"^\s*(?:from|import) (orgkit[\w.]*|\.\w*)", source, flags=re.M)
    assert imports == ["orgkit.errors"]


def test_status_rules_hand_computed():
    th = DEFAULTS
    # larger is worse: amber from 7 days, red from 14
    assert [th.status("decisions.latency_days_median", v) for v in (6.9, 7, 13.9, 14, None)] == [
        "green", "amber", "amber", "red", "grey"]
    # smaller is worse: amber below 60 %, red below 40 %
    assert [th.status("survey.response_rate", v) for v in (0.6, 0.59, 0.4, 0.39)] == ["green", "amber", "amber", "red"]
    assert STATUS_RULES["survey.favourable"] is False and STATUS_RULES["structure.excess_layers"] is True
    assert [score_status(s) for s in (70, 69.9, 50, 49.9)] == ["green", "amber", "amber", "red"]
    assert score_status(75, Thresholds({"score.status.green_from": 80})) == "amber"


def test_thresholds_are_an_immutable_mapping():
    th = Thresholds({"survey": {"alpha.min": 0.8}})
    assert th["survey.alpha.min"] == 0.8 and th.default("survey.alpha.min") == 0.7
    assert th.overridden == {"survey.alpha.min": 0.8} and len(th) == len(REGISTRY)
    assert Thresholds({"survey.alpha.min": 0.7}).overridden == {}  # the default is no override
    with pytest.raises(AttributeError):
        th._values = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        th["survey.alpha.min"] = 0.9  # type: ignore[index]
    assert pickle.loads(pickle.dumps(th)) == th and hash(th) == hash(Thresholds({"survey.alpha.min": 0.8}))
    with pytest.raises(KeyError, match="Did you mean 'survey.alpha.min'"):
        th["survey.alpha.minimum"]
    assert th.text("communication.silo.max_external_share") == "20%" and th.text("survey.felt_silo.mean_below") == "3.5"
    assert set(WEIGHT_GROUPS) == {"structure.weight", "communication.weight", "decisions.weight"}


# --------------------------------------------------------------------------------------------------
# client.yml: accepted and refused
# --------------------------------------------------------------------------------------------------
def test_client_yml_overrides_nested_and_dotted(tmp_path):
    c = load_client(client_dir(tmp_path, OVERRIDES))
    assert c.settings.thresholds.overridden == {
        "structure.span.healthy_min": 5, "decisions.latency_days_median.red": 25.0, "score.status.green_from": 80.0}
    assert "unknown_setting" not in [w.code for w in c.warnings]


def test_stage_thresholds_key_still_works(tmp_path):
    c = load_client(client_dir(tmp_path, "stage_thresholds: {startup: 20, large: 100}\n"))
    assert c.settings.thresholds.overridden == {"structure.stage.startup_below": 20, "structure.stage.large_from": 100}
    assert assess(c).structure.metrics["stage"] == "startup"  # 15 people < 20
    msgs = problems(client_dir(tmp_path / "both", "stage_thresholds: {startup: 20}\n"
                               "thresholds: {structure.stage.startup_below: 30}\n"))
    assert any("stage_thresholds.startup (20) and thresholds.structure.stage.startup_below (30) disagree" in m
               for m in msgs), msgs


@pytest.mark.parametrize("yml, needles", [
    ("thresholds: {structure.span.healty_min: 5}\n",
     ["unknown key 'structure.span.healty_min'", "Did you mean 'structure.span.healthy_min'?"]),
    ("thresholds: {survey: {alpha: {minimum: 0.8}}}\n",
     ["unknown key 'survey.alpha.minimum'", "Did you mean 'survey.alpha.min'?"]),
    ("thresholds: {healthy_max: 10}\n", ["unknown key 'healthy_max'", "Did you mean 'structure.span.healthy_max'?"]),
    ("thresholds: {structure.span.healthy_min: five}\n", ["structure.span.healthy_min must be a whole number"]),
    ("thresholds: {structure.span.healthy_min: 4.5}\n", ["structure.span.healthy_min must be a whole number"]),
    ("thresholds: {survey.alpha.min: true}\n", ["survey.alpha.min must be a number"]),
    ("thresholds: {communication.silo.max_external_share: 1.5}\n",
     ["communication.silo.max_external_share must be between 0 and 1 (share). Got 1.5"]),
    ("thresholds: {survey.change.p_max: 1}\n", ["survey.change.p_max must be between 0 and 1 (exclusive)"]),
    ("thresholds: {structure.narrow_span_share: {amber: 0.6}}\n",
     ["thresholds.structure.narrow_span_share.amber (0.6) must be below thresholds.structure.narrow_span_share.red "
      "(0.5): a value reaches amber before red"]),
    ("thresholds: {survey.response_rate.red: 0.7}\n",  # smaller is worse: red must stay below amber
     ["thresholds.survey.response_rate.red (0.7) must be below thresholds.survey.response_rate.amber (0.6)"]),
    ("thresholds: {structure.span.healthy_min: 13}\n",
     ["thresholds.structure.span.healthy_min (13) must be at most thresholds.structure.span.healthy_max (12)"]),
    ("thresholds: {decisions.target.hops_mean: {good: 9}}\n",
     ["thresholds.decisions.target.hops_mean.good (9) must be below thresholds.decisions.target.hops_mean.bad (8)"]),
    ("thresholds: {survey.answer.unfavourable_max: 3}\n", ["must be at least 2 below"]),
    ("thresholds:\n  communication.weight: {openness: 0, no_silos: 0, no_isolates: 0, connectedness: 0}\n",
     ["are all 0, so the score has nothing to weigh"]),
    ("thresholds: [1, 2]\n", ["thresholds must be a mapping"]),
    ("stage_thresholds: {medium: 10}\n", ["stage_thresholds has an unknown key 'medium'", "startup and large"]),
    ("stage_thresholds: {startup: 100, large: 100}\n", ["structure.stage.startup_below (100) must be below"]),
])
def test_bad_thresholds_are_refused_at_load_time(tmp_path, yml, needles):
    msgs = problems(client_dir(tmp_path, yml))
    hits = [m for m in msgs if all(n in m for n in needles)]
    assert len(hits) == 1 and hits[0].startswith("client.yml"), msgs


def test_every_bad_key_is_reported_at_once(tmp_path):
    msgs = problems(client_dir(tmp_path, "thresholds: {survey.alpha.mn: 0.8, score.status.green_from: 120}\n"))
    assert len(msgs) == 2
    assert "unknown key 'survey.alpha.mn'" in msgs[0] and "between 0 and 100" in msgs[1]


def test_thresholds_refuse_in_code_too():
    with pytest.raises(ConfigError, match="unknown key 'structure.span.min'.*must be a number"):
        Thresholds({"structure.span.min": 3, "survey.alpha.min": "high"})
    th, found = client_thresholds({"thresholds": {"structure.span": {"healthy_min": 3, "healthy_max": 9}}})
    assert found == [] and (th["structure.span.healthy_min"], th["structure.span.healthy_max"]) == (3, 9)


# --------------------------------------------------------------------------------------------------
# what the overrides change: statuses, scores, sentences, the appendix, metrics.json
# --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """The same client assessed with the default thresholds and with OVERRIDES."""
    base = tmp_path_factory.mktemp("thresholds")
    default = load_client(client_dir(base / "default"))
    changed = load_client(client_dir(base / "changed", OVERRIDES))
    return assess(default), assess(changed)


def test_an_override_changes_the_status(pair):
    default, changed = pair
    # median latency 20 days: red from 14 by default, amber when red starts at 25
    assert _one(derive_findings(default), "latency").status == "red"
    assert _one(derive_findings(changed), "latency").status == "amber"
    # spans 6, 4, 4: all healthy at 4-12; at 5-12 two of three are narrow (2/3 >= 0.5: red)
    spans = _one(derive_findings(default), "spans")
    assert spans.status == "green" and spans.values["en"]["narrow"] == 0
    spans = _one(derive_findings(changed), "spans")
    assert spans.status == "red" and (spans.values["en"]["narrow"], spans.values["en"]["healthy"]) == (2, 1)


def test_an_override_changes_the_score(pair):
    default, changed = pair
    parts = {c["name"]: c for c in changed.structure.metrics["score_components"]}
    assert parts["span_health"]["value"] == pytest.approx(1 / 3)
    assert parts["span_health"]["measures"].startswith("Share of managers whose span of control is 5-12 direct")
    assert {c["name"]: c for c in default.structure.metrics["score_components"]}["span_health"]["value"] == 1.0
    assert changed.structure.score < default.structure.score


def test_an_override_changes_the_sentences(pair):
    from orgkit.report.blocks import conventions, scorecard
    from orgkit.findings import summary_cards

    default, changed = pair
    assert _one(derive_findings(changed), "spans").text("en") == (
        "1 of 3 managers (33%) has a healthy span of 5–12 direct reports; 2 with fewer than 5, 0 with more than 12.")
    assert _one(derive_findings(changed), "spans").text("zh") == (
        "3 名管理者中有 1 名（33%）的直接下属数处于 5–12 人的合理区间；"
        "2 名少于 5 人，0 名超过 12 人。")
    widen = [r for r in recommend(derive_findings(changed), changed) if r.key == "widen_spans"]
    assert widen[0].text("en").startswith("Combine teams so that managers lead 5 or more people")
    for assessment, green in ((default, "70"), (changed, "80")):
        cards = summary_cards(assessment, derive_findings(assessment))
        lead = scorecard(cards, thresholds=assessment.thresholds).markup
        assert f"green from {green}, amber from 50, red below 50." in lead
        zh = scorecard(cards, language="zh", thresholds=assessment.thresholds).markup
        assert f"{green} 分及以上为绿色，50 分及以上为黄色，50 分以下为红色。" in zh
    assert "green from 80" in conventions("en", changed.thresholds)[0][1]
    # the metric appendix's formulas, too
    from orgkit.method import metric_definitions

    stage = metric_definitions("structure", thresholds=Thresholds({"structure.stage.startup_below": 20}))
    assert "a start-up below 20 people, large from 1,000 people" in stage.set_index("key").loc["stage", "formula"]


def test_the_felt_silo_cut_off_changes_the_finding_and_its_sentence():
    from orgkit.report.book import ReportBook

    def client(**settings):
        people = pd.DataFrame({"employee_id": [f"{g}{i}" for g in "ab" for i in range(1, 6)],
                               "department": ["Sales"] * 5 + ["R&D"] * 5})
        survey = pd.DataFrame({"department": ["Sales"] * 5 + ["R&D"] * 5,
                               "cc1": [4] * 5 + [2] * 5, "cc2": [5] * 5 + [3] * 5})
        items = pd.DataFrame({"item": ["cc1", "cc2"], "dimension": ["communication"] * 2, "reverse": [False] * 2})
        comm = pd.DataFrame(PAIRS, columns=["source_id", "target_id"])
        return from_frames(people, communication=comm, survey=survey, survey_items=items,
                           settings={"name": "t", "min_group_size": 5, **settings})

    # R&D rates communication (2 + 3) / 2 = 2.5 and keeps 10 of its 11 ties inside: a silo its people feel
    # below 3.5, not below 2.5
    assert [f.ident for f in derive_findings(assess(client())) if f.key == "felt_silo"] == ["felt_silo:R&D"]
    strict = client(thresholds={"survey.felt_silo.mean_below": 2.5})
    assert [f for f in derive_findings(assess(strict)) if f.key == "felt_silo"] == []
    assert "rates communication below 2.5 of 5" in ReportBook(strict).survey_links().markup


def test_the_appendix_lists_the_values_used(tmp_path):
    from orgkit.report.book import ReportBook

    for language, changed, judgement in (("en", "3 values were set for this client.", "judgement"),
                                         ("zh", "本客户设定了 3 个取值。", "经验判断")):
        book = ReportBook(load_client(client_dir(tmp_path / language, OVERRIDES, language)))
        markup = book.appendix().markup
        assert t("appendix.thresholds", language) in markup and changed in markup
        from orgkit.method import threshold_name

        def row_of(key: str) -> str:  # the appendix names each threshold in plain words, never by its key
            name = re.escape(str(escape(threshold_name(key, language))))
            return re.search(rf"<tr><td>{name}</td>(.*?)</tr>", markup).group(1)

        assert re.findall(r">([^<>]+)<", row_of("structure.span.healthy_min")) == [
            "5", "4", "Urwick 1956; Van Fleet &amp; Bedeian 1977; De Smet et al. 2017"]
        assert re.findall(r">([^<>]+)<", row_of("decisions.latency_days_median.red")) == ["25", "14", judgement]
        # not changed: no default shown
        assert re.findall(r">([^<>]+)<", row_of("survey.alpha.min")) == ["0.7", "–", "Nunnally 1978"]
        assert markup.count('</td><td class="ok-num">') >= len(REGISTRY)
        assert "<code>" not in markup and "structure.span.healthy_min" not in markup


def test_metrics_json_lists_the_values_used(pair):
    default, changed = pair
    block = changed.to_dict()["thresholds"]
    assert list(block) == list(REGISTRY)
    assert block["structure.span.healthy_min"] == {
        "value": 5, "default": 4, "overridden": True, "unit": "reports",
        "source": "Urwick 1956; Van Fleet & Bedeian 1977; De Smet et al. 2017"}
    assert block["decisions.latency_days_median.red"] == {
        "value": 25.0, "default": 14, "overridden": True, "unit": "days", "source": "judgement"}
    assert not any(v["overridden"] for v in default.to_dict()["thresholds"].values())


def test_the_bundled_sample_uses_the_defaults():
    """The sample sets no threshold: its thresholds block holds the defaults, its weights are the registry's."""
    a = assess(orgkit.load_client(orgkit.data.sample.sample_client_path()))
    d = a.to_dict()
    assert list(d)[-2:] == ["scores", "thresholds"]
    assert all(v["value"] == v["default"] and not v["overridden"] for v in d["thresholds"].values())
    weights = {c["name"]: c["weight"] for c in d["structure"]["score_components"]}
    assert weights == DEFAULTS.weights("structure.weight")


# --------------------------------------------------------------------------------------------------
# errors are not swallowed
# --------------------------------------------------------------------------------------------------
def _survey_client(dimension: str):
    people = pd.DataFrame({"employee_id": [f"p{i}" for i in range(10)], "department": ["Sales"] * 5 + ["Ops"] * 5})
    survey = pd.DataFrame({"department": ["Sales"] * 5 + ["Ops"] * 5, "q1": [2] * 10, "q2": [3] * 10})
    items = pd.DataFrame({"item": ["q1", "q2"], "dimension": [dimension] * 2, "reverse": [False] * 2})
    comm = pd.DataFrame({"source_id": ["p0", "p5"], "target_id": ["p1", "p6"]})
    return from_frames(people, communication=comm, survey=survey, survey_items=items,
                       settings={"name": "t", "min_group_size": 5})


def test_a_survey_without_the_communication_dimension_links_nothing(monkeypatch):
    import orgkit.interpretation

    def broken(*args, **kwargs):
        raise AssertionError("department_links must not be called without a communication dimension")

    monkeypatch.setattr(orgkit.interpretation, "department_links", broken)
    findings = derive_findings(assess(_survey_client("role_clarity")))
    assert not [f for f in findings if f.key == "felt_silo"]


def test_a_bug_in_the_links_is_not_swallowed(monkeypatch):
    import orgkit.interpretation

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(orgkit.interpretation, "department_links", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        derive_findings(assess(_survey_client("communication")))


def test_no_import_guards_around_orgkits_own_modules():
    """orgkit's modules are always there: a guard would only turn a broken import into a missing section.
    (the batch workers' probe of a Dask worker's environment, where orgkit may really be missing, is the exception.)"""
    offenders = []
    for path in (ROOT / "orgkit").rglob("*.py"):
        if path.relative_to(ROOT).as_posix() in ("orgkit/batch/run.py", "orgkit/batch/workers.py"):
            continue
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"try:\s*\n\s*from orgkit[.\w]* import [^\n]+\n\s*except ImportError", text):
            offenders.append(f"{path.relative_to(ROOT)}: {m.group(0).splitlines()[1].strip()}")
    assert offenders == []
