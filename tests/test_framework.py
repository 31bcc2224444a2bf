"""Tests of orgkit.framework: function codes, department-name mapping, stages and their expectations."""

from __future__ import annotations

import pytest

from orgkit.errors import ConfigError
from orgkit.framework import (
    FUNCTIONS,
    OTHER_KNOWN,
    STAGE_EXPECTATIONS,
    STAGE_THRESHOLDS,
    SYNONYMS,
    classify_department,
    function_label,
    map_department,
    map_departments,
    resolve_stage,
    stage_thresholds,
)


def test_eleven_functions_with_both_labels():
    assert list(FUNCTIONS) == [
        "sales", "marketing", "customer_service", "technical_support", "product", "rnd", "operations",
        "finance", "hr", "it", "production",
    ]
    assert all(set(labels) == {"en", "zh"} and all(labels.values()) for labels in FUNCTIONS.values())
    assert set(SYNONYMS) == set(FUNCTIONS)
    assert function_label("customer_service", "zh") == "客户服务"
    assert function_label("hr") == "Human resources"


def test_function_label_unknown_raises():
    with pytest.raises(ConfigError, match="must be one of"):
        function_label("legal")


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Sales", ["sales"]),
        ("Marketing", ["marketing"]),
        ("Engineering", ["rnd"]),
        ("Research & Development", ["rnd"]),
        ("R&D", ["rnd"]),
        ("People", ["hr"]),
        ("Talent", ["hr"]),
        ("Human Resources", ["hr"]),
        ("HR", ["hr"]),
        ("Customer Success", ["customer_service"]),
        ("Customer Service", ["customer_service"]),
        ("Support", ["customer_service"]),
        ("Technical Support", ["technical_support"]),
        ("IT Support", ["it"]),
        ("Information Technology", ["it"]),
        ("Finance", ["finance"]),
        ("Operations", ["operations"]),
        ("Sales Operations", ["sales"]),  # a sales team, not a merger of sales and operations
        ("Manufacturing", ["production"]),
        ("Product Management", ["product"]),
    ],
)
def test_map_department_english(name, expected):
    assert map_department(name) == expected


@pytest.mark.parametrize(
    "name, expected",
    [
        ("销售部", ["sales"]),
        ("客服部", ["customer_service"]),
        ("技术支持部", ["technical_support"]),  # not also R&D through 技术
        ("研发中心", ["rnd"]),
        ("市场部", ["marketing"]),
        ("产品部", ["product"]),
        ("运营部", ["operations"]),
        ("财务部", ["finance"]),
        ("人力资源部", ["hr"]),
        ("信息技术部", ["it"]),
        ("生产部", ["production"]),
    ],
)
def test_map_department_chinese(name, expected):
    assert map_department(name) == expected


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Sales & Marketing", ["sales", "marketing"]),
        ("Sales/Marketing", ["sales", "marketing"]),
        ("产品研发部", ["product", "rnd"]),
        ("Product & Engineering", ["product", "rnd"]),
        ("Operations & Finance", ["operations", "finance"]),
        ("销售与市场部", ["sales", "marketing"]),
        ("财务、人力资源部", ["finance", "hr"]),
        ("Finance, HR + IT", ["finance", "hr", "it"]),
    ],
)
def test_merged_names_map_to_several_functions(name, expected):
    assert map_department(name) == expected


@pytest.mark.parametrize(
    "name, functions, kind",
    [
        ("Sales - North", ["sales"], "region"),
        ("华东销售部", ["sales"], "region"),
        ("Sales EMEA", ["sales"], "region"),
        ("R&D - Platform", ["rnd"], "business unit"),
        ("Production - Plant A", ["production"], "business unit"),
        ("销售一部", ["sales"], "business unit"),
        ("Sales", ["sales"], None),
        ("Sales Department", ["sales"], None),
        ("Sales & Marketing", ["sales", "marketing"], None),
    ],
)
def test_regions_and_business_units(name, functions, kind):
    m = classify_department(name)
    assert list(m.functions) == functions
    assert m.unit_kind == kind


def test_hr_is_matched_on_whole_words_only():
    for name in ("Three", "Threshold Team", "Chrome Lab Partners Inc"):
        assert "hr" not in map_department(name), name
    assert map_department("Sitemap") == []  # "it" inside a word
    assert map_department("HR & Admin") == ["hr"]


def test_matching_ignores_case_width_and_spaces():
    assert map_department("  SALES   department ") == ["sales"]
    assert map_department("ＳＡＬＥＳ") == ["sales"]  # full-width letters
    assert map_department("customer\tservice") == ["customer_service"]


@pytest.mark.parametrize(
    "name, other",
    [
        ("Legal", "legal"),
        ("总经办", "executive"),
        ("Executive Office", "executive"),
        ("Procurement", "procurement"),
        ("采购部", "procurement"),
        ("Quality Assurance", "quality"),
        ("Strategy", "strategy"),
        ("行政部", "admin"),
        ("Admin", "admin"),
    ],
)
def test_other_known_functions_are_known_but_not_framework(name, other):
    m = classify_department(name)
    assert m.functions == ()
    assert m.other == (other,)
    assert m.known and not m.mapped
    assert other in OTHER_KNOWN


def test_map_departments_lists_every_name_once_and_flags_unmapped():
    t = map_departments(["Sales", "Foo Bar", "Legal", "Sales", "产品研发部"])
    assert t["department"].tolist() == ["Sales", "Foo Bar", "Legal", "产品研发部"]
    assert t["mapped"].tolist() == [True, False, False, True]
    assert t["known"].tolist() == [True, False, True, True]
    assert t["functions"].tolist() == [["sales"], [], [], ["product", "rnd"]]
    assert t["other_known"].tolist() == [[], [], ["legal"], []]
    assert list(t.columns) == ["department", "functions", "other_known", "unit_kind", "mapped", "known"]


def test_map_departments_empty():
    t = map_departments([])
    assert len(t) == 0
    assert "mapped" in t.columns


@pytest.mark.parametrize(
    "headcount, stage",
    [(0, "startup"), (1, "startup"), (49, "startup"), (50, "mid"), (999, "mid"), (1000, "large"), (5000, "large")],
)
def test_resolve_stage_auto_thresholds(headcount, stage):
    assert STAGE_THRESHOLDS == {"startup": 50, "large": 1000}
    assert resolve_stage("auto", headcount) == stage


def test_resolve_stage_explicit_wins_over_headcount():
    assert resolve_stage("large", 10) == "large"
    assert resolve_stage("startup", 5000) == "startup"


def test_resolve_stage_custom_thresholds():
    th = {"startup": 20, "large": 200}
    assert resolve_stage("auto", 19, th) == "startup"
    assert resolve_stage("auto", 20, th) == "mid"
    assert resolve_stage("auto", 200, th) == "large"
    assert resolve_stage("auto", 100, {"large": 100}) == "large"  # partial override keeps startup=50
    assert stage_thresholds({"large": 100}) == {"startup": 50, "large": 100}


@pytest.mark.parametrize(
    "thresholds",
    [{"startup": 100, "large": 100}, {"startup": 0}, {"medium": 10}, {"large": "big"}, {"startup": True}],
)
def test_invalid_thresholds_raise(thresholds):
    with pytest.raises(ConfigError):
        resolve_stage("auto", 10, thresholds)


def test_invalid_stage_raises():
    with pytest.raises(ConfigError, match="Got 'huge'"):
        resolve_stage("huge", 10)


def test_stage_expectations_are_consistent():
    assert set(STAGE_EXPECTATIONS) == {"startup", "mid", "large"}
    for exp in STAGE_EXPECTATIONS.values():
        named = [f for g in exp.core for f in g] + list(exp.separate) + list(exp.no_merge)
        assert set(named) <= set(FUNCTIONS)
    startup, mid, large = (STAGE_EXPECTATIONS[s] for s in ("startup", "mid", "large"))
    assert startup.core == (("sales",), ("product",), ("rnd", "technical_support"))
    assert startup.no_merge == () and startup.separate == ()
    assert set(mid.no_merge) == {"sales", "product", "technical_support", "customer_service"}
    assert set(mid.separate) == {
        "sales", "marketing", "product", "rnd", "technical_support", "customer_service", "finance", "hr",
        "operations", "it",
    }
    assert large.units_expected and not mid.units_expected and not startup.units_expected
    assert set(large.separate) == set(FUNCTIONS)


def test_startup_over_split_allowance():
    startup = STAGE_EXPECTATIONS["startup"]
    assert startup.allowed_departments(30) == 5  # 30 // 6; 8 departments for 30 people is over-split
    assert startup.allowed_departments(10) == 3  # never fewer than 3
    assert STAGE_EXPECTATIONS["mid"].allowed_departments(300) is None
