"""The reference framework: business functions, department-name synonyms and what each stage expects.

The framework describes how a business system is usually divided into departments: sales, marketing,
customer service, technical support, product, R&D, operations, finance, HR, IT and production. A good
structure divides duties clearly (no overlaps, no gaps), keeps communication open (no information silos)
and keeps decision paths short and clear. What fits depends on size and stage: startups merge functions,
mid-size firms split them into separate departments, and large firms add business units and regional
branches on top of the functional departments.

This module is data plus small lookups; :mod:`orgkit.areas.structure` applies it to a client.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from orgkit.errors import ConfigError
from orgkit.i18n import LANGUAGES, t
from orgkit.thresholds import DEFAULTS, STAGE_KEYS, Thresholds

__all__ = [
    "PLACEHOLDER_DEPARTMENTS",
    "is_placeholder_department",
    "FUNCTION_CODES",
    "FUNCTIONS",
    "SYNONYMS",
    "OTHER_KNOWN",
    "WEAK_KEYWORDS",
    "REGION_MARKERS",
    "STAGE_THRESHOLDS",
    "STAGE_EXPECTATIONS",
    "StageExpectation",
    "DepartmentMatch",
    "function_label",
    "classify_department",
    "map_department",
    "map_departments",
    "TITLE_KEYWORDS",
    "TITLE_OTHER_KNOWN",
    "MANAGER_TITLE_WORDS",
    "stage_word",
    "CONFIDENCE_LEVELS",
    "function_codes_of",
    "parse_function_overrides",
    "title_functions",
    "fold_text",
    "keywords_regex",
    "department_mapping",
    "StageDecision",
    "decide_stage",
    "resolve_stage",
    "stage_thresholds",
]

#: The eleven framework functions, in the framework's order.
FUNCTION_CODES: tuple[str, ...] = (
    "sales", "marketing", "customer_service", "technical_support", "product", "rnd", "operations", "finance",
    "hr", "it", "production",
)
#: The same functions with their labels per language (``function.<code>`` of the catalogue, :mod:`orgkit.i18n`).
FUNCTIONS: dict[str, dict[str, str]] = {
    code: {lang: t(f"function.{code}", lang) for lang in LANGUAGES} for code in FUNCTION_CODES
}

#: Department-name keywords per framework function. English entries are whole words or phrases (matched
#: case-insensitively on word boundaries, an optional plural ``s`` allowed); Chinese entries are
#: substrings. Longer keywords are matched first and consume their text, so ``technical support`` is
#: never also read as ``support``, and ``sales operations`` is sales only.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "sales": (
        "sales", "sale", "selling", "business development", "bizdev", "bd", "account management",
        "key accounts", "key account", "sales operations", "sales ops", "revenue operations", "revops",
        "revenue", "commercial", "channel sales", "partnerships", "e commerce", "ecommerce",
        "销售", "营业", "商务", "业务拓展", "业务发展", "大客户", "渠道", "电商", "商务拓展",
    ),
    "marketing": (
        "marketing", "brand", "branding", "growth", "communications", "communication",
        "corporate communications", "public relations", "pr", "advertising", "marketing operations",
        "market research", "content", "digital marketing",
        "市场", "营销", "品牌", "推广", "公关", "广告", "企划",
    ),
    "customer_service": (
        "customer service", "customer services", "customer support", "customer care", "customer success",
        "customer experience", "cx", "client services", "client service", "customer operations",
        "support", "call center", "call centre", "contact center", "contact centre", "after sales",
        "aftersales", "service center", "service centre",
        "客服", "客户服务", "客户成功", "客户体验", "售后", "呼叫中心", "服务中心",
    ),
    "technical_support": (
        "technical support", "tech support", "technical services", "technical service", "field service",
        "field services", "solutions engineering", "sales engineering", "presales", "pre sales",
        "implementation", "technical account management",
        "技术支持", "技术服务", "售前", "实施", "解决方案",
    ),
    "product": (
        "product", "product management", "products", "product design", "ux", "user experience", "design",
        "产品", "设计",
    ),
    "rnd": (
        "rnd", "research and development", "research", "development", "engineering", "engineers",
        "software", "technology", "tech", "dev", "laboratory", "lab", "innovation", "data science",
        "研发", "研究", "开发", "技术", "工程", "实验室", "创新",
    ),
    "operations": (
        "operations", "operation", "ops", "business operations", "logistics", "supply chain", "fulfilment",
        "fulfillment", "warehouse", "delivery",
        "运营", "物流", "供应链", "仓储", "交付",
    ),
    "finance": (
        "finance", "financial", "accounting", "accounts", "treasury", "controlling", "controller",
        "payroll", "tax", "audit", "fp a", "fpa",
        "财务", "会计", "财会", "资金", "审计", "税务", "出纳", "计财",
    ),
    "hr": (
        "hr", "human resources", "human resource", "people", "people operations", "people ops",
        "people and culture", "culture", "talent", "talent acquisition", "recruiting", "recruitment",
        "personnel", "hrbp", "learning and development", "l d", "learn and dev", "learning and dev",
        "organisational development", "organizational development",
        "人力", "人力资源", "人事", "招聘", "培训", "组织发展",
    ),
    "it": (
        "it", "information technology", "it services", "it support", "it operations", "information systems",
        "information", "information security", "cyber security", "cybersecurity", "infrastructure", "helpdesk", "help desk", "service desk", "digital", "ict",
        "信息", "信息技术", "信息化", "网络", "运维", "数字化", "信息安全",
    ),
    "production": (
        "production", "manufacturing", "plant", "factory", "assembly", "fabrication", "manufacture",
        "生产", "制造", "工厂", "车间", "厂务", "装配",
    ),
}

#: Department-name keywords that name a function only when nothing else in the name does: beside another
#: function they say how that function works (``HR Service Delivery`` is HR, ``Sales Support`` sales,
#: ``Finance Information`` finance, ``Ops Dev`` operations); alone they stand for their function
#: (``Delivery``, ``Support``, ``Dev``).
WEAK_KEYWORDS: frozenset[str] = frozenset({"delivery", "support", "information", "dev"})

#: Recognised functions outside the framework's eleven. A department carrying only these is *known*:
#: it is not reported as unmapped noise, but it adds no framework function to the coverage.
OTHER_KNOWN: dict[str, tuple[str, ...]] = {
    "legal": (
        "legal", "law", "counsel", "compliance", "regulatory", "regulatory affairs", "regulation",
        "risk", "法务", "法律", "合规", "风控", "风险",
    ),
    "executive": (
        "executive", "executives", "executive office", "chief executive", "ceo", "ceo office",
        "management board", "board", "leadership", "headquarters", "hq", "general management",
        "总经办", "总经理办公室", "总裁办", "董事会", "董事长办公室", "总办", "高管", "经营管理",
    ),
    "procurement": (
        "procurement", "purchasing", "sourcing", "buying", "采购", "招标",
    ),
    "quality": (
        "quality", "quality assurance", "qa", "qc", "quality control", "质量", "品质", "质检", "品管",
    ),
    "strategy": (
        "strategy", "strategic", "planning", "corporate development", "pmo", "transformation",
        "战略", "规划", "投资",
    ),
    "admin": (
        "admin", "administration", "administrative", "facilities", "office management", "general affairs",
        "secretariat", "行政", "后勤", "综合", "办公室", "秘书",
    ),
    "safety": (
        "safety", "health and safety", "ehs", "hse", "security", "安全", "环保", "安环",
    ),
}

#: Words that mark a department as a regional unit of its function (besides a few large cities).
REGION_MARKERS: tuple[str, ...] = (
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "central",
    "northern", "southern", "eastern", "western", "emea", "apac", "amer", "americas", "latam", "europe",
    "european", "asia", "africa", "middle east", "international", "domestic", "region", "regional",
    "area", "territory", "country", "branch", "uk", "us", "usa", "eu", "china", "india", "japan",
    "germany", "france", "london", "paris", "new york", "beijing", "shanghai", "shenzhen", "hong kong",
    "singapore", "tokyo",
    "华东", "华南", "华北", "华中", "华西", "西南", "西北", "东北", "东南", "大区", "区域", "片区", "海外",
    "国际", "国内", "东部", "西部", "南部", "北部", "中部", "分公司", "办事处", "省", "北方", "南方", "北京", "上海", "广州", "深圳", "杭州",
    "成都", "武汉", "南京", "天津", "重庆", "西安", "苏州", "香港",
)

# Words that say "this is a department" and nothing about what it does.
_GENERIC_EN = (
    "department", "dept", "dpt", "team", "group", "division", "directorate", "function", "office",
    "unit", "center", "centre", "section", "org", "organisation", "organization", "services", "service",
    "management", "global", "general", "corporate", "and", "of", "the", "for", "&",
)
_GENERIC_ZH = (
    "部门", "中心", "小组", "团队", "分部", "本部", "管理", "部", "组", "科", "室", "处",
    "与", "和", "及", "、", "兼", "暨", "的",
)

_SEPARATORS = re.compile(r"[&/,+\-–—_|;:()（）\[\]【】·.，；：]+")
_RND_SPELLINGS = re.compile(r"\br\s*(?:&|and|\+|/)\s*d\b")
_CJK = re.compile(r"[\u3400-\u9fff]")


def function_label(function: str, language: str = "en") -> str:
    """The display label of a framework function (``language`` ``"en"`` or ``"zh"``).

    Examples
    --------
    >>> function_label("rnd"), function_label("rnd", "zh")
    ('R&D', '研发')
    """
    if function not in FUNCTIONS:
        raise ConfigError(f"function must be one of {sorted(FUNCTIONS)}. Got {function!r} instead.")
    return t(f"function.{function}", language)


#: Department names that say the department is not known: a catch-all group, not a unit of the organisation.
#: Matched on the whole folded name (case, spaces and separators ignored), in English and Chinese.
PLACEHOLDER_DEPARTMENTS: tuple[str, ...] = (
    "unassigned", "not assigned", "no department", "unknown", "not known", "not recorded", "not specified",
    "unspecified", "none", "n a", "na", "tbd", "to be determined", "to be assigned", "pending", "misc",
    "miscellaneous", "other", "others", "blank", "empty", "null", "nan",
    "未分配", "未分配部门", "未知", "未知部门", "待定", "待分配", "无", "无部门", "暂无", "暂无部门", "其他", "其它",
    "空", "未填写",
)


def is_placeholder_department(name: object) -> bool:
    """Whether a department name says the department is unknown (:data:`PLACEHOLDER_DEPARTMENTS`).

    Such a group (``Unassigned``, ``Not recorded``, ``未分配``) is where an export puts people without a
    department; it is loaded and counted, but it is no unit of the organisation: no finding calls it a silo,
    and it is never placed in a business function.

    Examples
    --------
    >>> is_placeholder_department("Not recorded"), is_placeholder_department("未分配部门"), is_placeholder_department("Sales")
    (True, True, False)
    """
    return _normalise(name).strip() in _placeholder_set()


@lru_cache(maxsize=1)
def _placeholder_set() -> frozenset[str]:
    return frozenset(_normalise(p).strip() for p in PLACEHOLDER_DEPARTMENTS)


def _normalise(name: object) -> str:
    text = unicodedata.normalize("NFKC", str(name)).lower().strip()
    text = _RND_SPELLINGS.sub(" rnd ", text)
    text = _SEPARATORS.sub(" ", text)
    return " " + re.sub(r"\s+", " ", text).strip() + " "


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    kw = _normalise(keyword).strip()
    if _CJK.search(kw):
        return re.compile(re.escape(kw))
    body = r"\s+".join(re.escape(w) for w in kw.split())
    return re.compile(r"(?<![a-z0-9])" + body + r"(?:e?s)?(?![a-z0-9])")


@lru_cache(maxsize=1)
def _keyword_table() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """(pattern, kind, code) for every keyword, longest keyword first."""
    rows = [(kw, "function", code) for code, kws in SYNONYMS.items() for kw in kws]
    rows += [(kw, "other", code) for code, kws in OTHER_KNOWN.items() for kw in kws]
    rows.sort(key=lambda r: -len(_normalise(r[0]).strip()))
    return tuple((_keyword_pattern(kw), kind, code) for kw, kind, code in rows)


@lru_cache(maxsize=1)
def _region_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(_keyword_pattern(m) for m in REGION_MARKERS)


@lru_cache(maxsize=1)
def _generic_patterns() -> tuple[re.Pattern[str], ...]:
    words = sorted(_GENERIC_EN + _GENERIC_ZH, key=len, reverse=True)
    return tuple(_keyword_pattern(w) for w in words)


@dataclass(frozen=True)
class DepartmentMatch:
    """How one department name maps onto the framework.

    Attributes
    ----------
    department : str
        The name as given.
    functions : tuple of str
        Framework function codes found, in :data:`FUNCTIONS` order (empty when none).
    other : tuple of str
        Non-framework functions found (keys of :data:`OTHER_KNOWN`).
    unit_kind : {"region", "business unit"} or None
        Set when the name qualifies a function with something more: a region marker gives
        ``"region"`` (``Sales - North``, ``华东销售部``), any other qualifier ``"business unit"``
        (``R&D - Platform``, ``Production - Plant A``, ``销售一部``).
    words : tuple of str
        The keywords found in the name (its evidence), longest first.
    """

    department: str
    functions: tuple[str, ...]
    other: tuple[str, ...]
    unit_kind: str | None
    words: tuple[str, ...] = ()

    @property
    def mapped(self) -> bool:
        """Whether at least one framework function was found."""
        return bool(self.functions)

    @property
    def known(self) -> bool:
        """Whether the name was recognised at all (a framework or an other-known function)."""
        return bool(self.functions or self.other)


@lru_cache(maxsize=4096)
def classify_department(name: str) -> DepartmentMatch:
    """Map a department name to framework functions, other known functions and a unit kind.

    Parameters
    ----------
    name : str
        A department name, English or Chinese, as found in ``people.department``.

    Returns
    -------
    DepartmentMatch

    Notes
    -----
    The name is folded (NFKC, lower case, ``R&D``/``R and D`` to one token, the separators
    ``& / , - + ; : ( ) .`` and their full-width forms to spaces). Keywords of :data:`SYNONYMS` and
    :data:`OTHER_KNOWN` are then matched longest first, each match consuming its text: English keywords
    on whole words (``HR`` does not match inside ``Three``; a plural ``s`` is allowed), Chinese keywords
    as substrings (``产品研发部`` holds ``产品`` and ``研发``). A :data:`WEAK_KEYWORDS` word counts only
    when no other word of the name names a function (``HR Service Delivery`` is HR). Generic words (``department``, ``team``,
    ``部``, ``中心``, connectors ``and``/``与``/``和``/``及``/``、``) are then removed. Whatever text
    is left over qualifies the functions found: a :data:`REGION_MARKERS` word makes the department a
    regional unit, anything else a business unit. A name with no keyword at all is unmapped.

    A path whose parts are joined by a spaced dash or ``>`` (``Planning, Finance & Procurement -
    Internal Audit``, ``Operations > Finance``) is read from its last part when that part names a function:
    the last part is what the department does, the earlier ones where it sits (``Internal Audit`` is
    finance; the directorate's words only make it a unit). When the last part names nothing (``Sales -
    North``, ``R&D - Platform``) the whole name decides.

    Examples
    --------
    >>> classify_department("Sales - North").functions, classify_department("Sales - North").unit_kind
    (('sales',), 'region')
    >>> classify_department("产品研发部").functions
    ('product', 'rnd')
    >>> m = classify_department("Planning, Finance & Procurement - Internal Audit")
    >>> m.functions, m.other, m.unit_kind
    (('finance',), (), 'business unit')
    """
    whole = _classify_name(name)
    parts = _PATH_SEPARATOR.split(str(name))
    if len(parts) < 2:
        return whole
    last = _classify_name(parts[-1])
    if not last.known:
        return whole
    return DepartmentMatch(department=str(name), functions=last.functions, other=last.other,
                           unit_kind=whole.unit_kind if last.functions else None, words=last.words)


#: Joins the parts of a department path: a dash with spaces around it, ``>`` or a backslash.
_PATH_SEPARATOR = re.compile(r"\s+[-–—]\s+|\s*[>\\]\s*")


def _classify_name(name: str) -> DepartmentMatch:
    """:func:`classify_department` of one name read as a whole."""
    text = _normalise(name)
    found: set[str] = set()
    other: set[str] = set()
    words: list[str] = []
    weak: dict[str, str] = {}  # function -> its weak word, while no other word names it
    for pattern, kind, code in _keyword_table():
        hit = pattern.search(text)
        if hit:
            word = hit.group(0).strip()
            text = pattern.sub(" ", text)
            if kind == "function" and re.sub(r"e?s$", "", word) in WEAK_KEYWORDS and code not in found:
                weak[code] = word
            else:
                weak.pop(code, None)
                words.append(word)
            (found if kind == "function" else other).add(code)
    if len(weak) < len(found) or other:
        # "HR Service Delivery", "Sales Support": the weak word says how the named function works
        found -= set(weak)
    else:
        words += list(weak.values())
    regions = False
    for pattern in _region_patterns():
        if pattern.search(text):
            regions = True
            text = pattern.sub(" ", text)
    for pattern in _generic_patterns():
        text = pattern.sub(" ", text)
    leftover = text.strip()
    unit_kind = None
    if found and regions:
        unit_kind = "region"
    elif found and leftover:
        unit_kind = "business unit"
    return DepartmentMatch(
        department=str(name),
        functions=tuple(f for f in FUNCTIONS if f in found),
        other=tuple(o for o in OTHER_KNOWN if o in other),
        unit_kind=unit_kind,
        words=tuple(words),
    )


def map_department(name: str) -> list[str]:
    """The framework functions a department name stands for (empty list when none).

    Parameters
    ----------
    name : str
        A department name in English or Chinese.

    Returns
    -------
    list of str
        Function codes in :data:`FUNCTIONS` order. A merged department gives several
        (``"Sales & Marketing"`` -> ``["sales", "marketing"]``).

    Notes
    -----
    See :func:`classify_department` for the matching rules; this is its ``functions`` as a list.

    Examples
    --------
    >>> map_department("销售部")
    ['sales']
    >>> map_department("Product & Engineering")
    ['product', 'rnd']
    >>> map_department("Three Rivers Office")
    []
    """
    return list(classify_department(str(name)).functions)


def map_departments(names: Iterable[str]) -> pd.DataFrame:
    """Map many department names at once; every distinct name gets one row, mapped or not.

    Parameters
    ----------
    names : iterable of str
        Department names (duplicates are folded; order of first appearance is kept).

    Returns
    -------
    DataFrame
        ``department`` (str), ``functions`` (list of str), ``other_known`` (list of str), ``unit_kind``
        (``"region"``, ``"business unit"`` or None), ``mapped`` (bool: at least one framework function),
        ``known`` (bool: mapped or an other-known function such as legal or 总经办).

    Notes
    -----
    Unmapped names are rows with ``mapped`` False; those with ``known`` False too are the ones to report
    as unmapped. Nothing is dropped.

    Examples
    --------
    >>> map_departments(["Sales", "Legal", "Foo"])[["department", "mapped", "known"]].values.tolist()
    [['Sales', True, True], ['Legal', False, True], ['Foo', False, False]]
    """
    unique = list(dict.fromkeys(str(n) for n in names))
    matches = [classify_department(n) for n in unique]
    return pd.DataFrame(
        {
            "department": pd.Series(unique, dtype="str"),
            "functions": pd.Series([list(m.functions) for m in matches], dtype=object),
            "other_known": pd.Series([list(m.other) for m in matches], dtype=object),
            "unit_kind": pd.Series([m.unit_kind for m in matches], dtype=object),
            "mapped": pd.Series([m.mapped for m in matches], dtype=bool),
            "known": pd.Series([m.known for m in matches], dtype=bool),
        }
    )


# ------------------------------------------------------------------------------------- job titles

#: Job-title keywords per framework function, English (whole words, plural ``s`` allowed) and Chinese
#: (substrings). A title is read by its longest keyword, so ``Support Engineer`` is technical support and
#: not R&D, ``Quality Engineer`` quality and ``技术支持工程师`` technical support. Seniority words
#: (senior, head of, 经理) say nothing about the function and are not keywords.
TITLE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "sales": (
        "sales", "account executive", "account manager", "key account manager", "sales representative",
        "sales rep", "salesperson", "sales associate", "business development", "bdr", "sdr",
        "inside sales", "sales director", "territory manager", "channel manager",
        "销售", "客户经理", "业务员", "业务代表", "商务经理", "商务专员", "大客户经理", "渠道经理", "销售代表",
    ),
    "marketing": (
        "marketing", "brand manager", "brand", "content", "copywriter", "seo specialist", "seo manager",
        "seo analyst", "seo executive", "search engine", "sem specialist", "sem manager", "public relations",
        "communications", "growth", "campaign", "social media", "market research",
        "市场", "营销", "品牌", "推广", "文案", "策划", "公关", "新媒体",
    ),
    "customer_service": (
        "customer service", "customer support", "customer care", "customer success", "support agent",
        "call center", "call centre", "contact center", "service agent", "helpline",
        "客服", "售后", "客户服务", "客户成功", "话务员",
    ),
    "technical_support": (
        "support engineer", "technical support", "tech support", "field engineer", "field service",
        "service engineer", "solutions engineer", "solution engineer", "sales engineer", "presales",
        "pre sales", "implementation", "application engineer", "applications engineer",
        "技术支持", "售前", "实施工程师", "实施顾问", "现场工程师", "服务工程师", "应用工程师",
    ),
    "product": (
        "product owner", "product manager", "product designer", "product lead", "product", "ux",
        "ui designer", "ux designer", "user researcher", "interaction designer", "designer",
        "产品经理", "产品", "交互设计", "设计师", "用户研究",
    ),
    "rnd": (
        "software engineer", "software developer", "software", "developer", "programmer", "engineer",
        "engineering", "rnd", "research", "researcher", "scientist", "data scientist", "architect",
        "frontend", "backend", "full stack", "devops", "test engineer", "qa engineer", "firmware",
        "研发", "开发", "程序员", "软件", "工程师", "算法", "研究员", "架构师", "测试工程师", "前端", "后端",
    ),
    "operations": (
        "operations", "operation", "logistics", "warehouse", "supply chain", "dispatcher", "planner",
        "fulfilment", "fulfillment", "inventory", "shipping", "driver", "delivery",
        "运营", "物流", "仓库", "仓管", "供应链", "计划员", "调度", "配送", "司机", "库管",
    ),
    "finance": (
        "accountant", "accounting", "finance", "financial", "controller", "treasurer", "treasury",
        "bookkeeper", "auditor", "payroll", "cashier", "tax", "cfo", "accounts payable",
        "accounts receivable", "financial analyst",
        "会计", "财务", "出纳", "审计", "税务", "成本核算",
    ),
    "hr": (
        "hr", "human resources", "human resource", "recruiter", "recruiting", "recruitment", "talent",
        "hrbp", "people partner", "learning and development", "training", "compensation",
        "人力", "人事", "招聘", "培训", "薪酬", "hr专员",
    ),
    "it": (
        "it", "it specialist", "it support", "system administrator", "systems administrator", "sysadmin",
        "network engineer", "network administrator", "helpdesk", "help desk", "service desk",
        "database administrator", "dba", "information security", "security engineer", "cio",
        "网管", "运维", "信息", "系统管理员", "网络工程师", "信息化", "数据库管理员", "it工程师", "it专员", "it支持",
        "it运维", "网络管理员",
    ),
    "production": (
        "production", "operator", "machine operator", "assembler", "assembly", "fitter", "welder",
        "machinist", "foreman", "shift supervisor", "shift leader", "plant manager", "manufacturing",
        "process engineer", "manufacturing engineer", "production worker", "factory", "line worker",
        "maintenance technician", "toolmaker", "packer",
        "车间", "操作工", "生产", "普工", "技工", "焊工", "装配", "班组长", "厂长", "工人", "机修", "电工",
        "钳工", "车工", "工艺工程师", "包装工",
    ),
}

#: Job-title keywords of the known non-framework functions (their codes are those of
#: :data:`OTHER_KNOWN`).
TITLE_OTHER_KNOWN: dict[str, tuple[str, ...]] = {
    "legal": ("legal", "lawyer", "counsel", "attorney", "paralegal", "compliance", "法务", "律师", "合规"),
    "executive": (
        "chief executive", "ceo", "chief operating officer", "coo", "managing director", "general manager",
        "president", "chief of staff", "founder", "co founder", "总经理", "总裁", "董事长", "首席执行官", "创始人",
    ),
    "procurement": ("buyer", "purchasing", "procurement", "sourcing", "采购"),
    "quality": (
        "quality", "quality engineer", "quality inspector", "inspector", "qa", "qc", "质检", "质量", "品质",
        "检验员", "品管",
    ),
    "strategy": ("strategy", "strategist", "corporate development", "战略", "投资经理"),
    "admin": (
        "assistant", "executive assistant", "personal assistant", "assistant to the", "assistant to",
        "receptionist", "office manager", "secretary", "administrator",
        "administrative", "clerk", "行政", "前台", "秘书", "文员", "助理",
    ),
    "safety": ("safety", "ehs", "hse", "security guard", "安全员", "安环", "保安"),
}

#: Words of a title (or of a ``level`` value) that make a person a manager: read when most people
#: without reports carry them, the people file covers managers only. ``Account``, ``product`` and
#: ``project`` managers are excluded: they are not line managers.
MANAGER_TITLE_WORDS: tuple[str, ...] = (
    "manager", "director", "head", "vp", "vice president", "chief", "president", "supervisor", "team lead",
    "team leader", "managing director",
    "经理", "主管", "总监", "主任", "部长", "总裁", "总经理", "副总", "厂长", "处长", "科长", "局长", "院长",
    "组长", "负责人",
)
_NOT_MANAGERS = re.compile(
    r"(?:account|product|project|programme|program|relationship|category|community|key account|"
    r"customer success|territory)\s+manager|客户经理|产品经理|项目经理|大客户经理")

#: How sure a department's function is, best first: ``set`` (client.yml), ``high`` (the name says it,
#: alone or with the titles agreeing), ``medium`` (titles alone with a clear majority, or a name the
#: titles contradict), ``low`` (some titles point to a function, no majority) and ``none``.
CONFIDENCE_LEVELS: tuple[str, ...] = ("set", "high", "medium", "low", "none")
_PLACED = frozenset({"set", "high", "medium"})


def _normalise_series(values: pd.Series) -> pd.Series:
    """:func:`_normalise` over a whole column (vectorised string methods)."""
    text = values.astype("str").str.normalize("NFKC").str.lower().str.strip()
    text = text.str.replace(_RND_SPELLINGS, " rnd ", regex=True)
    text = text.str.replace(_SEPARATORS, " ", regex=True).str.replace(r"\s+", " ", regex=True).str.strip()
    return " " + text + " "


def fold_text(values: pd.Series) -> pd.Series:
    """Names or titles folded for keyword matching, over a whole column (see :func:`classify_department`).

    Examples
    --------
    >>> fold_text(pd.Series(["Head of R&D", "销售/华东"])).tolist()
    [' head of rnd ', ' 销售 华东 ']
    """
    return _normalise_series(values)


def keywords_regex(words: Iterable[str]) -> re.Pattern[str]:
    """One pattern matching any of ``words`` as :func:`classify_department` does, in folded text.

    Examples
    --------
    >>> bool(keywords_regex(["store manager", "门店"]).search(" senior store managers "))
    True
    """
    ordered = sorted(words, key=lambda w: -len(_normalise(w).strip()))
    return re.compile("|".join(_keyword_pattern(w).pattern for w in ordered))


@lru_cache(maxsize=1)
def _title_table() -> tuple[tuple[re.Pattern[str], str, str, str], ...]:
    """(pattern, kind, code, keyword) for every title keyword, longest keyword first."""
    rows = [(kw, "function", code) for code, kws in TITLE_KEYWORDS.items() for kw in kws]
    rows += [(kw, "other", code) for code, kws in TITLE_OTHER_KNOWN.items() for kw in kws]
    rows.sort(key=lambda r: -len(_normalise(r[0]).strip()))
    return tuple((_keyword_pattern(kw), kind, code, _normalise(kw).strip()) for kw, kind, code in rows)


#: "Assistant" as a rank before the job it qualifies (folded text): not before "to", not at the end.
_ASSISTANT_RANK = re.compile(r"(?<= )assistant (?!to )(?=\S)")


def title_functions(titles: pd.Series) -> pd.DataFrame:
    """The function each job title points to, read once per distinct title.

    Parameters
    ----------
    titles : Series of str
        Job titles (missing or blank values are allowed).

    Returns
    -------
    DataFrame
        One row per distinct non-blank title: ``title`` (as given), ``code`` (a :data:`FUNCTIONS` or
        :data:`OTHER_KNOWN` code, None when no keyword matched), ``kind`` (``"function"``, ``"other"``
        or None) and ``word`` (the keyword that decided).

    Notes
    -----
    Titles are folded as department names are (:func:`classify_department`); the keywords of
    :data:`TITLE_KEYWORDS` and :data:`TITLE_OTHER_KNOWN` are tried longest first over the whole column of
    distinct titles, and a title keeps its first (longest) match: one function per title. *Assistant*
    before another word is a rank, not a job (*Assistant Director*, *Assistant Parliamentary Counsel*,
    *Assistant Accountant*): it is read as the rest of the title. It stays an administrative job at the
    end of a title or before *to* (*Executive Assistant*, *Assistant to the CEO*). Grade abbreviations
    that look like a function's acronym are not keywords: a UK civil-service *SEO* is a Senior Executive
    Officer, so only *SEO specialist*, *SEO manager* and the like point to marketing.

    Examples
    --------
    >>> title_functions(pd.Series(["Senior Support Engineer", "Software Engineer", "会计", "Manager"]))[
    ...     "code"].tolist()
    ['technical_support', 'rnd', 'finance', None]
    >>> title_functions(pd.Series(["Assistant Parliamentary Counsel", "Executive Assistant", "Assistant Director",
    ...                            "SEO - Factories", "SEO Specialist"]))["code"].tolist()
    ['legal', 'admin', None, None, 'marketing']
    """
    raw = titles.dropna().astype("str").str.strip()
    distinct = pd.Series(pd.unique(raw[raw != ""]), dtype="str")
    norm = _normalise_series(distinct).str.replace(_ASSISTANT_RANK, " ", regex=True)
    code = pd.Series(None, index=distinct.index, dtype=object)
    kind = code.copy()
    word = code.copy()
    for pattern, k, c, kw in _title_table():
        free = code.isna()
        if not free.any():
            break
        hit = norm[free].str.contains(pattern)
        idx = hit.index[hit.to_numpy(dtype=bool)]
        code[idx], kind[idx], word[idx] = c, k, kw
    none = code.isna()
    return pd.DataFrame({"title": distinct, "code": code.astype(object).mask(none, None),
                         "kind": kind.astype(object).mask(none, None), "word": word.astype(object).mask(none, None)})


def function_codes_of(value: Any, *, key: str = "functions") -> tuple[str, ...]:
    """Function codes from a ``client.yml`` value: a code, an English or Chinese label, or a list of them.

    Parameters
    ----------
    value : str or list of str
        ``production``, ``Production``, ``生产``, ``[sales, marketing]``; the codes of :data:`OTHER_KNOWN`
        (``legal``, ``quality``, ...) are accepted too.
    key : str
        Where the value was found, for the message (``functions.Division 69``).

    Raises
    ------
    ConfigError
        Naming ``key``, the value and every valid code.

    Examples
    --------
    >>> function_codes_of("生产"), function_codes_of(["Sales", "marketing"]), function_codes_of("quality")
    (('production',), ('sales', 'marketing'), ('quality',))
    """
    values = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else None
    valid = list(FUNCTIONS) + list(OTHER_KNOWN)
    if not values:
        raise ConfigError(f"{key} must be a function or a list of functions. Got {value!r} instead. "
                          f"Use one of: {', '.join(valid)}.")
    lookup = {c: c for c in valid}
    for code, labels in FUNCTIONS.items():
        for label in labels.values():
            lookup[label.lower()] = code
    for code in OTHER_KNOWN:
        for lang in LANGUAGES:
            lookup[t(f"other_function.{code}", lang).lower()] = code
    out = []
    for v in values:
        code = lookup.get(str(v).strip().lower()) if isinstance(v, str) else None
        if code is None:
            raise ConfigError(f"{key}: {v!r} is not a function orgkit knows. Use one of: {', '.join(valid)} "
                              "(or their English or Chinese labels, e.g. Production or 生产).")
        if code not in out:
            out.append(code)
    return tuple(out)


def parse_function_overrides(raw: Any) -> dict[str, tuple[str, ...]]:
    """``client.yml``'s ``functions:`` as ``{department: function codes}``, validated.

    Raises
    ------
    ConfigError
        When ``raw`` is not a mapping, or a value is not a function (see :func:`function_codes_of`).

    Examples
    --------
    >>> parse_function_overrides({"Division 69": "production", "Dept 2": ["sales", "市场"]})
    {'Division 69': ('production',), 'Dept 2': ('sales', 'marketing')}
    """
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ConfigError("functions must map department names to functions. Got "
                          f"{type(raw).__name__} instead. Example:\nfunctions:\n  Division 69: production\n"
                          "  Dept 2: [sales, marketing]")
    return {str(dept).strip(): function_codes_of(value, key=f"functions.{dept}") for dept, value in raw.items()}


def _confidence(name: DepartmentMatch, top: str | None, top_kind: str | None, share: float,
                majority: float) -> tuple[tuple[str, ...], tuple[str, ...], str, str, bool]:
    """(functions, other, confidence, source, conflict) from a name and its titles' leading function."""
    titles_say = top is not None and share >= majority
    if name.functions:
        if not titles_say or top_kind != "function":
            return name.functions, name.other, "high", "name", False
        if top in name.functions:
            return name.functions, name.other, "high", "name and titles", False
        return name.functions, name.other, "medium", "name", True
    if name.other:
        agree = titles_say and top_kind == "other" and top in name.other
        return (), name.other, "high", "name and titles" if agree else "name", False
    if titles_say:
        if top_kind == "function":
            return (top,), (), "medium", "titles", False
        return (), (top,), "medium", "titles", False
    if top is not None:
        return (), (), "low", "titles", False
    return (), (), "none", "none", False


def department_mapping(
    people: pd.DataFrame,
    overrides: Mapping[str, Iterable[str]] | None = None,
    thresholds: Thresholds | None = None,
    title_table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Place every department in a business function, with its evidence and a confidence.

    Parameters
    ----------
    people : DataFrame
        ``department`` and, when present, ``title`` (job titles, English or Chinese).
    overrides : mapping, optional
        ``{department: function codes}`` from ``client.yml``'s ``functions:`` (see
        :func:`parse_function_overrides`); it decides over any other evidence.
    thresholds : Thresholds, optional
        ``structure.mapping.title_share_min`` (default: the registry's).
    title_table : DataFrame, optional
        :func:`title_functions` of ``people["title"]``, when the caller has it already (it is computed
        here otherwise).

    Returns
    -------
    DataFrame
        One row per department, largest first: ``department``, ``people`` (int), ``functions`` (list of
        framework codes), ``other`` (list of :data:`OTHER_KNOWN` codes), ``confidence`` (one of
        :data:`CONFIDENCE_LEVELS`), ``source`` (``client.yml``, ``name``, ``name and titles``, ``titles``
        or ``none``), ``placed`` (bool: confidence set, high or medium and some function found),
        ``conflict`` (bool: the titles point elsewhere than the name), ``name_words`` (keywords of the
        name), ``title_function`` (the function most titles point to, or None), ``title_share`` (its share
        of the department's titled people, NaN without titles), ``titled`` (people with a title),
        ``title_words`` (up to three of the commonest titles behind ``title_function``, as written) and
        ``unit_kind``.

    Notes
    -----
    Evidence, combined per department:

    - the name (:func:`classify_department`): the keywords may sit in any segment of a path (``Sales -
      North``, ``华东区/销售部``, ``Sales/EMEA``);
    - the titles (:func:`title_functions`): the function the most titled people point to, and its share
      :math:`s = n_f / n_{titled}`. The titles "say" the function when
      :math:`s \\ge` ``structure.mapping.title_share_min`` (0.5: a majority).

    Confidence: ``set`` for a department in ``overrides``; ``high`` when the name names a function
    (with titles agreeing or silent) or a known non-framework function; ``medium`` when only the titles
    say it, or when the titles contradict the name (the name's functions are kept and ``conflict`` is
    True); ``low`` when titles point somewhere without a majority (nothing is placed); ``none`` otherwise.
    Without a ``title`` column only the name counts.

    Examples
    --------
    >>> p = pd.DataFrame({"department": ["Division 1"] * 3 + ["Sales"] * 2,
    ...                   "title": ["Operator", "Welder", "Foreman", "Account Executive", "Engineer"]})
    >>> m = department_mapping(p).set_index("department")
    >>> m.loc["Division 1", ["functions", "confidence", "source"]].tolist()
    [['production'], 'medium', 'titles']
    >>> m.loc["Sales", ["functions", "confidence"]].tolist()
    [['sales'], 'high']
    """
    th = DEFAULTS if thresholds is None else thresholds
    majority = float(th["structure.mapping.title_share_min"])
    overrides = {str(k): tuple(v) for k, v in (overrides or {}).items()}
    dept = people["department"].astype("str")
    sizes = dept.value_counts()
    leading: dict[str, list[tuple[str, str, int]]] = {}  # department -> its titles' (code, kind, n), most first
    titled: dict[str, int] = {}
    words: dict[tuple[str, str], list[str]] = {}
    if "title" in people.columns:
        raw = people["title"].astype("str").where(people["title"].notna(), "").str.strip()
        table = (title_functions(raw) if title_table is None else title_table).set_index("title")
        per = pd.DataFrame({"department": dept.to_numpy(), "titled": (raw != "").to_numpy(),
                            "code": raw.map(table["code"]).to_numpy(), "kind": raw.map(table["kind"]).to_numpy(),
                            "word": raw.to_numpy()})
        titled = {str(k): int(v) for k, v in per.groupby("department", sort=False)["titled"].sum().items()}
        hits = per[per["code"].notna()]
        counts = hits.groupby(["department", "code", "kind"], sort=False).size().reset_index(name="n")
        counts = counts.sort_values(["department", "n", "code"], ascending=[True, False, True])
        for d, c, k, n in counts.itertuples(index=False):
            leading.setdefault(str(d), []).append((str(c), str(k), int(n)))
        words = {(str(d), str(c)): w.value_counts().index[:3].tolist()
                 for (d, c), w in hits.groupby(["department", "code"], sort=False)["word"]}
    rows = []
    for d, n in sizes.items():
        d = str(d)
        name = classify_department(d)
        n_titled = titled.get(d, 0)
        ranked = leading.get(d, [])
        top = kind = None
        share = float("nan") if not n_titled else 0.0
        if ranked:
            most = ranked[0][2]
            tied = [r for r in ranked if r[2] == most]
            # a tie is settled in favour of what the name says
            top, kind, _ = next((r for r in tied if r[0] in name.functions + name.other), tied[0])
            share = most / n_titled
        if d in overrides:
            codes = overrides[d]
            functions = tuple(c for c in FUNCTIONS if c in codes)
            other = tuple(c for c in OTHER_KNOWN if c in codes)
            confidence, source, conflict = "set", "client.yml", False
        elif is_placeholder_department(d):  # "Unassigned": people without a department, whatever their titles
            functions, other, confidence, source, conflict = (), (), "none", "placeholder", False
        else:
            functions, other, confidence, source, conflict = _confidence(
                name, top, kind, 0.0 if share != share else share, majority)
        rows.append({
            "department": d, "people": int(n), "functions": list(functions), "other": list(other),
            "confidence": confidence, "source": source,
            "placed": confidence in _PLACED and bool(functions or other), "conflict": conflict,
            "name_words": list(name.words), "title_function": top, "title_share": share, "titled": n_titled,
            "title_words": words.get((d, top), []) if top else [], "unit_kind": name.unit_kind,
        })
    columns = ["department", "people", "functions", "other", "confidence", "source", "placed", "conflict",
               "name_words", "title_function", "title_share", "titled", "title_words", "unit_kind"]
    out = pd.DataFrame(rows, columns=columns)
    for col in ("title_function", "unit_kind"):
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out.astype({"department": "str", "people": "int64", "placed": bool, "conflict": bool,
                       "title_share": "float64", "titled": "int64", "confidence": "str", "source": "str"})


# --------------------------------------------------------------------------------------------- stages

#: Headcount thresholds of the stages: startup below ``startup`` people, large from ``large`` people,
#: mid in between (the defaults of ``structure.stage.startup_below`` and ``structure.stage.large_from`` in
#: :mod:`orgkit.thresholds`). A client overrides them with ``thresholds:`` in ``client.yml`` or the older
#: ``stage_thresholds: {startup: 50, large: 1000}``; an analysis with its ``stage_thresholds`` argument.
STAGE_THRESHOLDS: dict[str, int] = {name: int(DEFAULTS[key]) for name, key in STAGE_KEYS.items()}

_STAGES = ("startup", "mid", "large")


def stage_thresholds(thresholds: Mapping[str, Any] | Thresholds | None = None, *,
                     base: Thresholds = DEFAULTS) -> dict[str, int]:
    """Validated stage thresholds ``{"startup": int, "large": int}``: ``base``'s, updated with ``thresholds``.

    Parameters
    ----------
    thresholds : mapping or Thresholds, optional
        ``{"startup": int, "large": int}`` (either key may be left out), or a client's :class:`Thresholds`.
    base : Thresholds
        The thresholds a partial mapping updates (default: the registry's defaults).

    Raises
    ------
    ConfigError
        When a key is not ``startup``/``large``, a value is not a positive integer, or
        ``startup >= large``.
    """
    if isinstance(thresholds, Thresholds):
        th = thresholds
    elif thresholds:
        unknown = sorted(str(k) for k in thresholds if k not in STAGE_KEYS)
        if unknown:
            raise ConfigError(f"stage_thresholds keys must be among {sorted(STAGE_KEYS)}. Got {unknown} instead.")
        th = Thresholds({**base.overridden, **{STAGE_KEYS[k]: v for k, v in thresholds.items()}})
    else:
        th = base
    return {name: int(th[key]) for name, key in STAGE_KEYS.items()}


def resolve_stage(stage: str, headcount: int, thresholds: Mapping[str, Any] | Thresholds | None = None) -> str:
    """The company's stage: the one given, or derived from headcount when ``stage`` is ``"auto"``.

    Parameters
    ----------
    stage : {"startup", "mid", "large", "auto"}
        The stage from ``client.yml``.
    headcount : int
        Number of people.
    thresholds : mapping or Thresholds, optional
        ``{"startup": int, "large": int}`` or a client's :class:`~orgkit.thresholds.Thresholds`; defaults
        to :data:`STAGE_THRESHOLDS`.

    Returns
    -------
    str
        ``"startup"`` (headcount < startup), ``"large"`` (headcount >= large) or ``"mid"``.

    Raises
    ------
    ConfigError
        For an unknown stage or invalid thresholds.

    Examples
    --------
    >>> resolve_stage("auto", 49), resolve_stage("auto", 50), resolve_stage("auto", 1000)
    ('startup', 'mid', 'large')
    >>> resolve_stage("large", 10)
    'large'
    """
    th = stage_thresholds(thresholds)
    if stage in _STAGES:
        return stage
    if stage != "auto":
        raise ConfigError(f"stage must be one of {list(_STAGES) + ['auto']}. Got {stage!r} instead.")
    if headcount < th["startup"]:
        return "startup"
    if headcount >= th["large"]:
        return "large"
    return "mid"


_stage_sizes = stage_thresholds  # decide_stage's argument of that name hides the function


@dataclass(frozen=True)
class StageDecision:
    """The stage an assessment uses, where it came from and the evidence behind it.

    Attributes
    ----------
    stage : {"startup", "mid", "large"}
    source : {"client.yml", "headcount", "structure"}
        ``structure`` when the structure raised the stage above what headcount alone gives.
    rule : str
        What decided: ``client.yml``, ``headcount``, ``managers_only``, ``departments``, ``units`` or
        ``locations``.
    evidence : dict
        JSON-safe: ``headcount``, ``headcount_stage``, ``managers_only`` (bool or None without titles or
        a hierarchy), ``manager_title_share``, ``leaves`` (people without reports), ``estimated_headcount``
        (None unless managers only), ``headed_departments``, ``layers``, ``units``, ``locations`` (None
        without a location column).
    """

    stage: str
    source: str
    rule: str
    evidence: dict[str, Any]

    def reason(self, language: str = "en", *, by_size: bool = False) -> str:
        """Why this stage, as a sentence (``stage_reason.<rule>`` of the catalogue); ``by_size``: the stages
        named by size, for an organisation that is not a company (:func:`stage_word`)."""
        e = self.evidence
        values = {k: ("–" if v is None else f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else v)
                  for k, v in e.items()}
        share = e.get("manager_title_share")
        values["manager_title_share"] = "–" if share is None else f"{100 * share:.0f}%"
        values["stage"] = stage_word(self.stage, language, by_size=by_size)
        values["headcount_stage"] = stage_word(e.get("headcount_stage") or self.stage, language, by_size=by_size)
        key = "setting" if self.rule == "client.yml" else self.rule
        return t(f"stage_reason.{key}", language, **values)


def stage_word(stage: str, language: str = "en", *, by_size: bool = False) -> str:
    """The word for a stage: a company's (start-up, mid-size, large), or by size alone (small, mid-size,
    large) for an organisation that is no company and has no start-up phase (a public body, a hospital).

    Examples
    --------
    >>> stage_word("startup"), stage_word("startup", by_size=True), stage_word("startup", "zh", by_size=True)
    ('start-up', 'small', '小规模')
    """
    if stage not in STAGE_EXPECTATIONS:
        return str(stage)
    return t(f"stage_by_size.{stage}" if by_size else f"stage.{stage}", language)


def _stage_of(headcount: int, th: Mapping[str, int]) -> str:
    if headcount < th["startup"]:
        return "startup"
    return "large" if headcount >= th["large"] else "mid"


_STAGE_RANK = {s: i for i, s in enumerate(_STAGES)}


def decide_stage(
    setting: str,
    people: pd.DataFrame,
    *,
    depth: Any = None,
    n_reports: Any = None,
    units: int = 0,
    merged: Iterable[str] = (),
    thresholds: Thresholds | None = None,
    stage_thresholds: Mapping[str, Any] | None = None,
) -> StageDecision:
    """The company's stage from ``client.yml``, or from headcount *and* structure with ``stage: auto``.

    Parameters
    ----------
    setting : {"startup", "mid", "large", "auto"}
        ``client.yml``'s ``stage``; anything but ``auto`` is used as it is.
    people : DataFrame
        ``department`` and, when present, ``title``, ``level`` and ``location``.
    depth, n_reports : array-like of int, optional
        Per row of ``people``: reporting depth (0 at the top) and number of direct reports (from
        :class:`orgkit.data.hierarchy.Hierarchy`); None without a ``manager_id`` column.
    units : int
        Departments recognised as regional branches or business units (:func:`classify_department`).
    merged : iterable of str
        Departments placed in several functions at once (``Sales & Marketing``): the startup's way of
        organising, not counted as separately headed functions.
    thresholds : Thresholds, optional
        ``structure.stage.*`` (default: the registry's).
    stage_thresholds : mapping, optional
        ``{"startup": int, "large": int}`` updating ``thresholds``' headcounts.

    Returns
    -------
    StageDecision

    Notes
    -----
    Headcount gives the first answer (startup below ``structure.stage.startup_below``, large from
    ``structure.stage.large_from``). Structure can only raise it, each rule stated with its evidence:

    1. *Managers only*: when at least ``structure.stage.manager_title_share`` of the people without
       reports carry manager titles or manager levels (:data:`MANAGER_TITLE_WORDS`), the file lists
       managers, not the company. The headcount is then estimated as
       :math:`n + \\text{leaves} \\times \\bar s` (every leaf manager leads a team of the mean span
       :math:`\\bar s` observed, at least 1) and the stage is at least mid.
    2. *Departments*: at least ``structure.stage.headed_departments_min`` departments each with exactly
       one member at its top and that member reporting to the top of the organisation, none of them a
       merge of several functions (``merged``), with at least ``structure.stage.layers_min`` layers: a
       functionally departmentalised firm, at least mid.
    3. *Units or locations*: from ``structure.stage.large_structure_from`` people (or estimated people),
       at least ``structure.stage.units_min`` regional or business-unit departments, or people in at least
       ``structure.stage.locations_min`` locations: large.

    Without a hierarchy rules 1 and 2 need data that is absent and are skipped.

    References
    ----------
    .. [1] Mintzberg, H. (1980). Structure in 5's: A synthesis of the research on organization design.
       *Management Science*, 26(3), 322-341. https://doi.org/10.1287/mnsc.26.3.322
    .. [2] European Commission (2003). Recommendation 2003/361/EC concerning the definition of micro, small
       and medium-sized enterprises.

    Examples
    --------
    >>> people = pd.DataFrame({"department": ["Top"] + ["A"] * 3 + ["B"] * 3 + ["C"] * 3 + ["D"] * 3})
    >>> depth = [0] + [1, 2, 2] * 4
    >>> reports = [4] + [2, 0, 0] * 4
    >>> d = decide_stage("auto", people, depth=depth, n_reports=reports)
    >>> d.stage, d.source, d.rule, d.evidence["headed_departments"]
    ('mid', 'structure', 'departments', 4)
    """
    th = DEFAULTS if thresholds is None else thresholds
    sizes = _stage_sizes(stage_thresholds, base=th) if stage_thresholds else _stage_sizes(th)
    n = len(people)
    base = _stage_of(n, sizes)
    evidence: dict[str, Any] = {
        "headcount": n, "headcount_stage": base, "managers_only": None, "manager_title_share": None,
        "leaves": None, "estimated_headcount": None, "headed_departments": None, "layers": None,
        "units": int(units), "locations": None,
    }
    if "location" in people.columns:
        loc = people["location"].astype("str").where(people["location"].notna(), "").str.strip()
        evidence["locations"] = int(loc[loc != ""].nunique())
    if setting not in _STAGES and setting != "auto":
        raise ConfigError(f"stage must be one of {list(_STAGES) + ['auto']}. Got {setting!r} instead.")
    stage, rule = base, "headcount"
    estimate = n
    if depth is not None and n_reports is not None and n:
        depth = np.asarray(depth, dtype=np.int64)
        reports = np.asarray(n_reports, dtype=np.int64)
        leaves = reports == 0
        evidence["leaves"] = int(leaves.sum())
        evidence["layers"] = int(depth.max()) + 1
        words = pd.Series("", index=people.index, dtype="str")
        for col in ("title", "level"):
            if col in people.columns:
                words = words + " " + people[col].astype("str").where(people[col].notna(), "")
        codes, distinct = pd.factorize(words)  # the text work once per distinct title and level
        folded = _normalise_series(pd.Series(distinct, dtype="str"))
        is_manager = (folded.str.contains(_manager_pattern()) & ~folded.str.contains(_NOT_MANAGERS)).to_numpy(bool)
        manager = pd.Series(is_manager[codes], index=people.index)
        has_words = pd.Series((folded.str.strip() != "").to_numpy(bool)[codes], index=people.index)
        known = leaves & has_words.to_numpy()
        if known.any():
            share = float((manager.to_numpy() & known).sum() / known.sum())
            evidence["manager_title_share"] = share
            evidence["managers_only"] = bool(share >= th["structure.stage.manager_title_share"])
            if evidence["managers_only"]:
                span = float(reports[reports > 0].mean()) if (reports > 0).any() else 1.0
                estimate = int(round(n + leaves.sum() * max(span, 1.0)))
                evidence["estimated_headcount"] = estimate
                by_estimate = _stage_of(estimate, sizes)
                stage = by_estimate if _STAGE_RANK[by_estimate] > _STAGE_RANK["mid"] else "mid"
                if _STAGE_RANK[stage] > _STAGE_RANK[base]:
                    rule = "managers_only"
        frame = pd.DataFrame({"department": people["department"].astype("str").to_numpy(), "depth": depth})
        g = frame.groupby("department", sort=False)["depth"]
        top_depth = g.transform("min").to_numpy()
        at_top = pd.Series(depth == top_depth).groupby(frame["department"]).sum()
        summary = pd.DataFrame({"min": g.min(), "size": g.size(), "heads": at_top})
        separate = ~summary.index.isin(list(merged))
        headed = int(((summary["min"] == 1) & (summary["heads"] == 1) & (summary["size"] >= 2) & separate).sum())
        evidence["headed_departments"] = headed
        if (stage == "startup" and headed >= th["structure.stage.headed_departments_min"]
                and evidence["layers"] >= th["structure.stage.layers_min"]):
            stage, rule = "mid", "departments"
    if stage != "large" and estimate >= th["structure.stage.large_structure_from"]:
        if units >= th["structure.stage.units_min"]:
            stage, rule = "large", "units"
        elif (evidence["locations"] or 0) >= th["structure.stage.locations_min"]:
            stage, rule = "large", "locations"
    if setting in _STAGES:  # the evidence is still recorded: a file of managers only is one whatever the stage
        return StageDecision(setting, "client.yml", "client.yml", evidence)
    source = "headcount" if rule == "headcount" else "structure"
    return StageDecision(stage, source, rule, evidence)


@lru_cache(maxsize=1)
def _manager_pattern() -> re.Pattern[str]:
    return re.compile("|".join(_keyword_pattern(w).pattern for w in MANAGER_TITLE_WORDS))


@dataclass(frozen=True)
class StageExpectation:
    """What the framework expects of a company's departments at one stage.

    Attributes
    ----------
    stage : str
        ``startup``, ``mid`` or ``large``.
    description : str
        The framework's sentence for this stage.
    core : tuple of tuple of str
        Functions that must exist, as alternative groups: a group is covered when any of its functions
        has a department (``("rnd", "technical_support")``: R&D or technical work). A missing group is
        reported by its first function.
    separate : tuple of str
        Functions expected to have a department of their own.
    no_merge : tuple of str
        Functions whose sharing a department with another framework function is a finding.
    max_functions_per_department : int or None
        More framework functions than this in one department is a finding (None: no limit).
    max_departments_per_function : int
        More departments than this carrying one function is a split; at the large stage, departments
        recognised as regions or business units are not counted.
    units_expected : bool
        Whether regional branches or business units are expected (a finding when none is found).
    people_per_department : int or None
        Over-split check: more than ``max(min_departments, headcount // people_per_department)``
        departments is too many for the headcount (None: no check).
    min_departments : int
        Departments always allowed by the over-split check.
    """

    stage: str
    description: str
    core: tuple[tuple[str, ...], ...]
    separate: tuple[str, ...]
    no_merge: tuple[str, ...]
    max_functions_per_department: int | None
    max_departments_per_function: int
    units_expected: bool
    people_per_department: int | None = None
    min_departments: int = 3

    @property
    def core_functions(self) -> tuple[str, ...]:
        """Every function named in a core group."""
        return tuple(f for f in FUNCTIONS if any(f in g for g in self.core))

    def allowed_departments(self, headcount: int) -> int | None:
        """How many departments the over-split check allows for ``headcount`` people (None: no check)."""
        if self.people_per_department is None:
            return None
        return max(self.min_departments, int(headcount) // self.people_per_department)


_MID_SEPARATE = (
    "sales", "marketing", "product", "rnd", "technical_support", "customer_service", "finance", "hr",
    "operations", "it",
)

#: What the framework expects per stage. Startups merge functions freely and need only the core of a
#: product business (sell, build); mid-size firms split the functions into separate departments, and
#: merging the customer-facing and product functions is a finding; large firms have every function
#: separate and add business units or regional branches. Production is never core: it applies to
#: companies that make physical goods.
STAGE_EXPECTATIONS: dict[str, StageExpectation] = {
    "startup": StageExpectation(
        stage="startup",
        description="Startups merge functions: a few departments cover selling, the product and building it.",
        core=(("sales",), ("product",), ("rnd", "technical_support")),
        separate=(),
        no_merge=(),
        max_functions_per_department=None,
        max_departments_per_function=1,
        units_expected=False,
        people_per_department=6,
        min_departments=3,
    ),
    "mid": StageExpectation(
        stage="mid",
        description=(
            "Mid-size firms split functions into separate departments: sales, marketing, product, R&D, "
            "technical support, customer service, finance, HR, operations and IT."
        ),
        core=(("sales",), ("marketing",), ("product",), ("rnd",), ("customer_service",), ("finance",), ("hr",)),
        separate=_MID_SEPARATE,
        no_merge=("sales", "product", "technical_support", "customer_service"),
        max_functions_per_department=2,
        max_departments_per_function=2,
        units_expected=False,
    ),
    "large": StageExpectation(
        stage="large",
        description=(
            "Large firms have every function as its own department and add business units or regional "
            "branches."
        ),
        core=tuple((f,) for f in _MID_SEPARATE),
        separate=tuple(FUNCTIONS),
        no_merge=tuple(FUNCTIONS),
        max_functions_per_department=1,
        max_departments_per_function=3,
        units_expected=True,
    ),
}
