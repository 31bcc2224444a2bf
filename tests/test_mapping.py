"""Departments placed in business functions with evidence, industry profiles and the stage from structure.

Hand-made tiny organisations first (titles only, paths, client.yml overrides, conflicting evidence, Chinese
titles), then the real organisations of ../shared/data: a manufacturer whose departments are only
"Division N" and the Krackhardt high-tech managers.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import orgkit
from orgkit.areas.structure import analyze_structure, department_coverage, describe_placement
from orgkit.assessment import assess
from orgkit.cli import main
from orgkit.data.loading import from_frames, load_client
from orgkit.errors import ConfigError, ValidationError
from orgkit.findings import derive_findings
from orgkit.framework import (
    decide_stage,
    department_mapping,
    function_codes_of,
    parse_function_overrides,
    title_functions,
)
from orgkit.industries import INDUSTRY_CODES, PROFILES, expectation, industry_code_of, infer_industry
from orgkit.privacy import OTHER_GROUP
from orgkit.thresholds import Thresholds


def people(rows, **columns):
    """A people table from (department, title) pairs."""
    frame = pd.DataFrame(rows, columns=["department", "title"])
    frame.insert(0, "employee_id", [str(i) for i in range(len(frame))])
    for k, v in columns.items():
        frame[k] = v
    return frame


def mapped(frame, overrides=None):
    return department_mapping(frame, overrides).set_index("department")


# ------------------------------------------------------------------------------------------ titles

def test_title_keywords_longest_first_one_function_per_title():
    got = title_functions(pd.Series(["Senior Support Engineer", "Software Engineer", "Quality Engineer",
                                      "Account Manager", "技术支持工程师", "车间主任", "Head of Sales", "Director",
                                      None, ""]))
    codes = dict(zip(got["title"], got["code"]))
    assert codes == {"Senior Support Engineer": "technical_support", "Software Engineer": "rnd",
                     "Quality Engineer": "quality", "Account Manager": "sales", "技术支持工程师": "technical_support",
                     "车间主任": "production", "Head of Sales": "sales", "Director": None}
    assert len(got) == 8  # distinct non-blank titles only


def test_titles_only_mapping_is_medium_confidence():
    frame = people([("Division 7", "Operator")] * 3 + [("Division 7", "Welder"), ("Division 7", "Manager")])
    row = mapped(frame).loc["Division 7"]
    assert row["functions"] == ["production"] and row["confidence"] == "medium" and row["source"] == "titles"
    assert row["placed"] and row["title_share"] == pytest.approx(4 / 5) and row["titled"] == 5
    assert row["title_words"] == ["Operator", "Welder"]


def test_titles_without_a_majority_place_nothing():
    frame = people([("Team X", "Accountant"), ("Team X", "Manager"), ("Team X", "Director"), ("Team X", "")])
    row = mapped(frame).loc["Team X"]
    # one accountant among three titled people: 33% < 50%
    assert (row["confidence"], row["placed"], row["functions"]) == ("low", False, [])
    assert row["title_function"] == "finance" and row["title_share"] == pytest.approx(1 / 3)


def test_without_a_title_column_only_the_name_counts():
    frame = pd.DataFrame({"employee_id": ["1", "2"], "department": ["Finance", "Division 2"]})
    m = mapped(frame)
    assert m.loc["Finance", "confidence"] == "high" and m.loc["Division 2", "confidence"] == "none"
    assert np.isnan(m.loc["Division 2", "title_share"]) and m.loc["Division 2", "titled"] == 0


@pytest.mark.parametrize("name", ["Sales - North", "华东区/销售部", "Sales/EMEA", "EMEA / Sales", "华南区-销售"])
def test_the_function_word_can_be_in_any_path_segment(name):
    row = mapped(people([(name, "")])).loc[name]
    assert row["functions"] == ["sales"] and row["confidence"] == "high" and row["source"] == "name"
    assert row["name_words"] in (["sales"], ["销售"])


def test_name_and_titles_agree():
    row = mapped(people([("Sales", "Account Executive"), ("Sales", "Sales Rep")])).loc["Sales"]
    assert (row["confidence"], row["source"], row["conflict"]) == ("high", "name and titles", False)


def test_conflicting_evidence_keeps_the_name_at_medium_confidence():
    frame = people([("Sales", "Software Engineer")] * 3 + [("Sales", "Account Executive")])
    row = mapped(frame).loc["Sales"]
    assert row["functions"] == ["sales"] and row["confidence"] == "medium" and row["conflict"]
    assert (row["title_function"], row["title_share"]) == ("rnd", 0.75)


def test_a_tie_among_titles_goes_to_the_name():
    row = mapped(people([("Sales", "Account Executive"), ("Sales", "Engineer")])).loc["Sales"]
    assert (row["title_function"], row["confidence"], row["conflict"]) == ("sales", "high", False)


def test_chinese_titles():
    frame = people([("一分厂", "车间主任"), ("一分厂", "操作工"), ("一分厂", "操作工"), ("一分厂", "质检员"),
                    ("三组", "会计"), ("三组", "出纳"), ("三组", "主管")])
    m = mapped(frame)
    assert m.loc["一分厂", "functions"] == ["production"] and m.loc["一分厂", "title_share"] == 0.75
    assert m.loc["三组", "functions"] == ["finance"] and m.loc["三组", "confidence"] == "medium"


def test_known_other_functions_by_titles():
    row = mapped(people([("Unit 9", "Legal Counsel"), ("Unit 9", "Paralegal")])).loc["Unit 9"]
    assert (row["functions"], row["other"], row["placed"]) == ([], ["legal"], True)


# ------------------------------------------------------------------------------------------ client.yml

def test_override_beats_every_other_evidence():
    frame = people([("Sales", "Software Engineer")] * 2 + [("Division 2", "")])
    m = mapped(frame, {"Sales": ("rnd",), "Division 2": ("sales", "marketing")})
    assert (m.loc["Sales", "functions"], m.loc["Sales", "confidence"]) == (["rnd"], "set")
    assert m.loc["Division 2", "functions"] == ["sales", "marketing"] and m.loc["Division 2", "source"] == "client.yml"


def test_override_values_accept_codes_and_english_and_chinese_labels():
    assert parse_function_overrides({"Division 69": "production", "Dept 2": ["Sales", "市场"], "X": "质量"}) == {
        "Division 69": ("production",), "Dept 2": ("sales", "marketing"), "X": ("quality",)}
    assert function_codes_of("Human resources") == ("hr",)


@pytest.mark.parametrize("raw", [{"Division 69": "factory"}, {"Division 69": []}, ["production"],
                                 {"Division 69": 3}])
def test_override_errors_name_the_key_and_the_valid_codes(raw):
    with pytest.raises(ConfigError) as err:
        parse_function_overrides(raw)
    text = str(err.value)
    assert "functions" in text and "production" in text


def test_client_yml_functions_and_industry_are_validated(tmp_path):
    frame = people([("Division 1", "")] * 3)
    (tmp_path / "people.csv").write_text(frame.to_csv(index=False), encoding="utf-8")
    (tmp_path / "client.yml").write_text("functions:\n  Division 1: factory\nindustry: mining\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        load_client(tmp_path)
    text = str(err.value)
    assert "functions.Division 1: 'factory' is not a function" in text and "sales, marketing" in text
    assert "industry must be auto or one of general, manufacturing" in text and "'mining'" in text
    (tmp_path / "client.yml").write_text("functions:\n  Division 1: 生产\n  Divison 2: sales\nindustry: 制造业\n",
                                         encoding="utf-8")
    c = load_client(tmp_path)
    assert c.settings.functions == {"Division 1": ("production",), "Divison 2": ("sales",)}
    assert c.settings.industry == "manufacturing"
    w = next(w for w in c.warnings if w.code == "functions_unknown_department")
    assert w.count == 1 and w.groups == ("Divison 2",) and "Divison" not in w.message
    assert not any(w.code == "unknown_setting" for w in c.warnings)


# ------------------------------------------------------------------------------------------ industries

def test_profiles_are_data_with_sources():
    assert set(PROFILES) == set(INDUSTRY_CODES) and len(INDUSTRY_CODES) >= 6
    for p in PROFILES.values():
        assert p.source and set(p.core) == {"startup", "mid", "large"}
        for stage, groups in p.core.items():
            assert all(f not in p.not_applicable for g in groups for f in g), (p.code, stage)


def test_what_each_industry_needs():
    assert "production" in expectation("mid", "manufacturing").core_functions
    assert "operations" in expectation("mid", "manufacturing").core_functions
    assert "production" not in expectation("large", "software").core_functions + expectation("large", "software").separate
    assert "sales" not in expectation("large", "public_sector").core_functions
    assert not {"production", "product"} & set(expectation("large", "professional_services").core_functions)
    assert expectation("mid", "general") is expectation("mid")  # the framework itself


def test_industry_labels_and_codes():
    assert industry_code_of("auto") == "auto" and industry_code_of("Software / Internet") == "software"
    assert industry_code_of("public sector") == "public_sector"
    with pytest.raises(ConfigError, match="industry must be auto or one of"):
        industry_code_of("mining")


def test_infer_manufacturing_software_and_weak_evidence():
    factory = people([("Plant", "Operator")] * 4 + [("Office", "Accountant")] * 6)
    d = infer_industry(factory)
    assert (d.industry, d.source, d.shares["manufacturing"]) == ("manufacturing", "evidence", 0.4)
    assert "40% of people work in production" in d.reason()
    software = people([("R&D", "Software Engineer")] * 2 + [("Sales", "Account Executive")] * 8)
    assert infer_industry(software).industry == "software"  # 20% software titles
    # a factory with programmers is still a factory: production rules software out
    both = people([("Plant", "Operator")] * 3 + [("R&D", "Software Engineer")] * 5 + [("Sales", "Sales Rep")] * 2)
    assert infer_industry(both).industry == "manufacturing"
    weak = people([("Sales", "Account Executive")] * 19 + [("R&D", "Software Engineer")])
    d = infer_industry(weak)
    assert (d.industry, d.source) == ("general", "default") and "no industry stands out" in d.reason()
    assert infer_industry(weak, setting="retail").industry == "retail"


def test_placed_production_departments_mark_manufacturing():
    frame = people([("Division 1", "")] * 3 + [("Division 2", "")] * 7)
    placed = pd.Series({"Division 1": ["production"]})
    assert infer_industry(frame, placed).shares["manufacturing"] == pytest.approx(0.3)


# ------------------------------------------------------------------------------------------ stage

def _tree(n_heads, team, top_titles="CEO", head_title="Head", leaf_title="Engineer"):
    """A top, ``n_heads`` departments each with a head and ``team`` people below it."""
    dept, depth, reports, title = ["Top"], [0], [n_heads], [top_titles]
    for k in range(n_heads):
        dept += [f"D{k}"] * (team + 1)
        depth += [1] + [2] * team
        reports += [team] + [0] * team
        title += [head_title] + [leaf_title] * team
    return pd.DataFrame({"department": dept, "title": title}), depth, reports


def test_stage_from_headcount_alone():
    frame, depth, reports = _tree(2, 3)
    d = decide_stage("auto", frame, depth=depth, n_reports=reports)
    assert (d.stage, d.source, d.rule) == ("startup", "headcount", "headcount")
    assert d.evidence["headed_departments"] == 2 and d.evidence["managers_only"] is False


def test_departmentalised_firm_is_at_least_mid():
    frame, depth, reports = _tree(4, 2)  # 13 people
    d = decide_stage("auto", frame, depth=depth, n_reports=reports)
    assert (d.stage, d.rule, d.evidence["layers"]) == ("mid", "departments", 3)
    assert "4 departments each have one head" in d.reason()
    flat = decide_stage("auto", frame, depth=depth, n_reports=reports,
                        thresholds=Thresholds({"structure.stage.headed_departments_min": 5}))
    assert flat.stage == "startup"


def test_a_file_of_managers_estimates_the_company():
    frame, depth, reports = _tree(3, 4, head_title="Director", leaf_title="Manager")  # 16 people, 12 leaves
    d = decide_stage("auto", frame, depth=depth, n_reports=reports)
    # mean span (3 + 4 + 4 + 4) / 4 = 3.75: 16 + 12 x 3.75 = 61 people
    assert (d.stage, d.rule, d.evidence["managers_only"]) == ("mid", "managers_only", True)
    assert d.evidence["estimated_headcount"] == 61 and d.evidence["manager_title_share"] == 1.0
    # account and product managers are not line managers
    frame["title"] = frame["title"].replace("Manager", "Account Manager")
    assert decide_stage("auto", frame, depth=depth, n_reports=reports).evidence["managers_only"] is False


def test_units_or_locations_make_a_company_of_some_size_large():
    frame, depth, reports = _tree(4, 74)  # 301 people
    assert decide_stage("auto", frame, depth=depth, n_reports=reports).stage == "mid"
    d = decide_stage("auto", frame, depth=depth, n_reports=reports, units=2)
    assert (d.stage, d.rule) == ("large", "units")
    frame["location"] = ["London", "Leeds", "York"] * 100 + ["London"]
    d = decide_stage("auto", frame, depth=depth, n_reports=reports)
    assert (d.stage, d.rule, d.evidence["locations"]) == ("large", "locations", 3)


def test_client_yml_stage_still_wins():
    frame, depth, reports = _tree(4, 2)
    d = decide_stage("startup", frame, depth=depth, n_reports=reports)
    assert (d.stage, d.source, d.rule) == ("startup", "client.yml", "client.yml")
    assert d.reason() == "as set by the consultant" and d.reason("zh") == "由顾问指定"


# ------------------------------------------------------------------------------------------ coverage

def _client(rows, settings=None, managers=None):
    frame = people(rows)
    if managers is not None:
        frame["manager_id"] = managers
    return from_frames(frame, settings={"name": "t", "min_group_size": 1, **(settings or {})})


def test_coverage_is_not_assessed_below_the_mapped_share():
    # 6 of 10 people in placed departments: 60% < 80%
    rows = [("Sales", "")] * 3 + [("Finance", "")] * 3 + [("Division 1", "")] * 4
    m = analyze_structure(_client(rows, {"stage": "mid"})).metrics
    assert (m["coverage_assessed"], m["mapped_share"]) == (False, 0.6)
    assert m["functions_missing"] == [] and m["unidentified_departments"] == ["Division 1"]
    comps = {c["name"]: c for c in m["score_components"]}
    assert comps["function_coverage"]["value"] is None and comps["function_coverage"]["effective_weight"] == 0
    assert m["coverage_reason"] == "placed"
    # the same company with Division 1 named in client.yml is judged
    m = analyze_structure(_client(rows, {"stage": "mid", "functions": {"Division 1": "hr"}})).metrics
    assert m["coverage_assessed"] and m["mapped_share"] == 1.0
    assert m["functions_missing"] == ["marketing", "product", "rnd", "customer_service"]


def test_a_function_held_by_people_elsewhere_is_not_missing():
    rows = ([("Sales", "Account Executive")] * 4 + [("Operations", "Operations Analyst")] * 4
            + [("Operations", "Head of Finance"), ("Operations", "Accountant")])
    m = analyze_structure(_client(rows, {"stage": "mid"})).metrics
    assert m["coverage_assessed"] and m["functions_in_titles"]["finance"] == 2
    assert "finance" not in m["functions_missing"] and "hr" in m["functions_missing"]
    cov = department_coverage(["Sales", "Operations"], "mid", held_by_titles=["finance"])
    assert cov.table.set_index("function").loc["finance", "status"] == "within"


def test_a_file_of_managers_only_cannot_show_a_missing_function():
    rows = [("Top", "CEO")] + [("Sales", "Director")] + [("Sales", "Sales Manager")] * 3
    rows += [("Finance", "Finance Director")] + [("Finance", "Finance Manager")] * 3
    managers = [None, "0", "1", "1", "1", "0", "5", "5", "5"]
    c = _client(rows, {"stage": "mid", "min_group_size": 1}, managers=managers)
    m = analyze_structure(c).metrics
    assert m["stage_evidence"]["managers_only"] is True and m["mapped_share"] == 1.0
    assert (m["coverage_assessed"], m["coverage_reason"], m["functions_missing"]) == (False, "managers_only", [])
    grey = [f for f in derive_findings(assess(c)) if f.key == "coverage_not_assessed"]
    assert "lists managers only" in grey[0].text("en") and "Not identified" not in grey[0].text("en")


def test_the_threshold_moves_the_rule():
    rows = [("Sales", "")] * 3 + [("Finance", "")] * 3 + [("Division 1", "")] * 4
    c = _client(rows, {"stage": "mid", "thresholds": {"structure.coverage.min_mapped_share": 0.5}})
    assert analyze_structure(c).metrics["coverage_assessed"] is True


def test_coverage_statuses_follow_the_industry_and_the_assessment():
    cov = department_coverage(["Sales", "R&D"], "mid", industry="software", assessed=False)
    status = cov.table.set_index("function")["status"]
    assert status["marketing"] == "not_assessed" and status["production"] == "not_applicable"
    assert cov.functions_missing == [] and cov.core_covered is None
    cov = department_coverage(["Sales", "R&D"], "mid", industry="manufacturing")
    assert cov.functions_missing == ["production", "operations", "finance", "hr"]


def test_findings_do_not_claim_a_missing_function_from_names_they_cannot_read():
    rows = [("Division 1", "")] * 6 + [("Division 2", "")] * 6 + [("Tiny", "")] * 2
    c = _client(rows, {"stage": "mid", "min_group_size": 5})
    found = derive_findings(assess(c))
    assert [f for f in found if f.key == "function_missing"] == []
    grey = [f for f in found if f.key == "coverage_not_assessed"]
    assert len(grey) == 1 and grey[0].status == "grey"
    text = grey[0].text("en")
    assert "0% of people" in text and "at least 80%" in text
    assert "Division 1" in text and "Division 2" in text and "1 small group" in text and "Tiny" not in text
    assert "可靠" in grey[0].text("zh")


def test_a_missing_function_states_its_evidence():
    rows = [("Sales", "Account Executive")] * 5 + [("Plant", "Operator")] * 5
    found = derive_findings(assess(_client(rows, {"stage": "mid"})))
    missing = {f.values["en"]["code"]: f for f in found if f.key == "function_missing"}
    assert set(missing) == {"operations", "rnd", "finance", "hr"}  # manufacturing, mid: production is there
    text = missing["hr"].text("en")
    assert text.startswith("Human resources is missing: no department's name or people's job titles point to it")
    assert "manufacturing profile" in text and "100% of people" in text


# ------------------------------------------------------------------------------------------ outputs

def test_metrics_json_pools_small_departments_in_the_mapping():
    rows = [("Sales", "")] * 6 + [("Tiny", "")] * 2 + [("Division 1", "")] * 5
    out = assess(_client(rows, {"min_group_size": 5})).to_dict()["structure"]
    names = [r["department"] for r in out["mapping"]]
    assert names == ["Sales", "Division 1", OTHER_GROUP] and out["mapping"][-1] == {
        "department": OTHER_GROUP, "departments": 1}
    assert out["unidentified_departments"] == ["Division 1", OTHER_GROUP]
    assert "Tiny" not in json.dumps(out, ensure_ascii=False)
    assert out["industry"] == "general" and out["industry_source"] == "default"
    assert out["stage_evidence"]["headcount"] == 13


def test_validate_prints_the_mapping_industry_and_stage(tmp_path):
    frame = people([("Division 1", "Operator")] * 6 + [("Sales", "Account Executive")] * 5 + [("Division 2", "")] * 5
                   + [("Tiny", "")] * 2)
    (tmp_path / "people.csv").write_text(frame.to_csv(index=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Division 1" in out and "production" in out and "medium" in out and "Operator" in out
    assert "Tiny" not in out and "1 department(s) of fewer than 5 people" in out
    assert "industry: manufacturing (evidence)" in out and "stage: startup (headcount)" in out
    # 11 of 18 people placed (61%): the lines to add name Division 2 (and not the small one)
    assert "61% of people; coverage is NOT assessed" in out
    assert "functions:\n      Division 2:\n" in out and "      Tiny" not in out
    shown = CliRunner().invoke(main, ["validate", str(tmp_path), "--show-small-groups"]).output
    assert "      Division 2:\n      Tiny:\n" in shown


# ------------------------------------------------------------------------------------------ real data

def _krackhardt(shared_data):
    from realdata import krackhardt_people

    return krackhardt_people(shared_data)


@pytest.mark.realdata
def test_krackhardt_managers_are_not_a_startup(shared_data, tmp_path):
    _krackhardt(shared_data).to_csv(tmp_path / "people.csv", index=False)
    client = load_client(tmp_path)
    m = analyze_structure(client).metrics
    assert m["people"] == 21 and m["stage"] != "startup"
    assert (m["stage"], m["stage_rule"]) == ("mid", "departments")
    e = m["stage_evidence"]
    assert (e["headed_departments"], e["layers"], e["headcount_stage"]) == (4, 3, "startup")
    # nothing says what Dept 1-4 do: coverage not assessed, and no "merge to 3 departments" either
    assert m["coverage_assessed"] is False and m["functions_missing"] == [] and m["over_split"] is None
    found = derive_findings(assess(client))
    assert not [f for f in found if f.key in ("function_missing", "over_split")]
    describe = describe_placement(client)
    assert "stage: mid (structure)" in describe and "4 departments each have one head" in describe


@pytest.fixture(scope="module")
def divisions(shared_data):
    """The manufacturer's people with departments named "Division <head>" after the branch under the CEO."""
    from realdata import manufacturer_people

    return manufacturer_people(shared_data)


def _folder(tmp_path, frame, yml=""):
    frame.to_csv(tmp_path / "people.csv", index=False)
    (tmp_path / "client.yml").write_text(yml, encoding="utf-8")
    return tmp_path


@pytest.mark.realdata
def test_manufacturer_divisions_without_a_mapping_are_not_assessed(divisions, tmp_path):
    client = load_client(_folder(tmp_path, divisions))
    result = assess(client)
    m = result.structure.metrics
    assert m["people"] == 154 and m["coverage_assessed"] is False
    assert m["mapped_share"] == pytest.approx(1 / 154)  # only the Board is known by its name
    found = derive_findings(result)
    assert [f for f in found if f.key == "function_missing"] == []
    assert [f.status for f in found if f.key == "coverage_not_assessed"] == ["grey"]
    assert not [f for f in found if f.key == "function_missing" or f.status == "red" and f.area == "structure"
                and "function" in f.key]
    comps = {c["name"]: c for c in m["score_components"]}
    assert comps["function_coverage"]["available"] is False


@pytest.mark.realdata
def test_manufacturer_findings_follow_the_client_yml_mapping(divisions, tmp_path):
    sizes = divisions["Department"].value_counts()
    ranked = [d for d in sizes.index if d != "Board"]
    roles = {ranked[0]: "production", ranked[1]: "sales", ranked[2]: "finance", ranked[3]: "生产"}
    roles.update({d: "production" for d in ranked[4:]})
    yml = "functions:\n" + "".join(f"  {d}: {f}\n" for d, f in roles.items())
    client = load_client(_folder(tmp_path, divisions, yml))
    result = assess(client)
    m = result.structure.metrics
    assert m["coverage_assessed"] is True and m["mapped_share"] == 1.0
    assert (m["industry"], m["industry_source"], m["stage"]) == ("manufacturing", "evidence", "mid")
    assert all(r["confidence"] == "set" for r in m["mapping"] if r["department"] != "Board")
    # a mid-size manufacturer needs sales, production, operations, R&D or technical work, finance and HR
    assert m["functions_missing"] == ["operations", "rnd", "hr"]
    found = derive_findings(result)
    reds = {f.values["en"]["code"] for f in found if f.key == "function_missing"}
    assert reds == {"rnd", "operations", "hr"}  # never marketing or customer service for this factory
    assert "production" not in reds and "sales" not in reds
    assert not [f for f in found if f.key == "coverage_not_assessed"]


# ------------------------------------------------------------------------------------------ samples

def test_the_bundled_sample_maps_with_high_confidence():
    from orgkit.data.sample import sample_client_path

    m = analyze_structure(load_client(sample_client_path())).metrics
    assert {r["confidence"] for r in m["mapping"]} == {"high"} and m["mapped_share"] == 1.0
    assert (m["industry"], m["industry_source"], m["stage"], m["coverage_assessed"]) == (
        "software", "evidence", "mid", True)
    assert m["functions_missing"] == [] and all(not r["conflict"] for r in m["mapping"])


def test_a_chinese_sample_maps_by_chinese_names_and_titles(tmp_path):
    from orgkit.data.sample import generate_client

    folder = generate_client(tmp_path / "zh", employees=200, seed=3, language="zh")
    m = analyze_structure(load_client(folder)).metrics
    big = [r for r in m["mapping"] if r["people"] >= 5]
    assert big and all(r["confidence"] == "high" and r["source"] == "name and titles" for r in big)
    assert m["functions"]["it"] and m["coverage_assessed"]


def test_a_startup_with_merged_departments_stays_a_startup(tmp_path):
    from orgkit.data.sample import generate_client

    folder = generate_client(tmp_path / "s", employees=40, stage="startup", seed=0)
    m = analyze_structure(load_client(folder, stage="auto")).metrics
    # Sales & Marketing, Product & Engineering ... each under a head reporting to the CEO: merged, not separate
    assert (m["stage"], m["stage_rule"]) == ("startup", "headcount")
    assert m["stage_evidence"]["headed_departments"] < 4


def test_a_department_whose_name_says_it_is_unknown_is_no_unit():
    # "Not recorded" with sales titles: counted, warned about, never placed in a function nor suggested for one
    people = pd.DataFrame({"employee_id": [f"p{i}" for i in range(12)],
                           "department": ["Sales"] * 6 + ["Not recorded"] * 6,
                           "manager_id": [None] + ["p0"] * 11, "title": ["Account Executive"] * 12})
    client = orgkit.from_frames(people, settings={"name": "x", "min_group_size": 1})
    (w,) = [w for w in client.warnings if w.code == "placeholder_department"]
    assert w.text("en").startswith("6 people (50% of people) are in a department whose name says it is not known")
    assert "Not recorded" not in w.text("en") and "有 6 人（占全部人员的 50%）" in w.text("zh")
    m = orgkit.assess(client).structure.metrics
    row = next(r for r in m["mapping"] if r["department"] == "Not recorded")
    assert row["confidence"] == "none" and row["functions"] == []
    assert "Not recorded" not in m["unidentified_departments"]
