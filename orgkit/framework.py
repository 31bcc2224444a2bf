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

import pandas as pd

from orgkit.errors import ConfigError
from orgkit.i18n import LANGUAGES, t
from orgkit.thresholds import DEFAULTS, STAGE_KEYS, Thresholds

__all__ = [
    "FUNCTION_CODES",
    "FUNCTIONS",
    "SYNONYMS",
    "OTHER_KNOWN",
    "REGION_MARKERS",
    "STAGE_THRESHOLDS",
    "STAGE_EXPECTATIONS",
    "StageExpectation",
    "DepartmentMatch",
    "function_label",
    "classify_department",
    "map_department",
    "map_departments",
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
        "personnel", "hrbp", "learning and development", "l d",
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
    """

    department: str
    functions: tuple[str, ...]
    other: tuple[str, ...]
    unit_kind: str | None

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
    as substrings (``产品研发部`` holds ``产品`` and ``研发``). Generic words (``department``, ``team``,
    ``部``, ``中心``, connectors ``and``/``与``/``和``/``及``/``、``) are then removed. Whatever text
    is left over qualifies the functions found: a :data:`REGION_MARKERS` word makes the department a
    regional unit, anything else a business unit. A name with no keyword at all is unmapped.

    Examples
    --------
    >>> classify_department("Sales - North").functions, classify_department("Sales - North").unit_kind
    (('sales',), 'region')
    >>> classify_department("产品研发部").functions
    ('product', 'rnd')
    """
    text = _normalise(name)
    found: set[str] = set()
    other: set[str] = set()
    for pattern, kind, code in _keyword_table():
        if pattern.search(text):
            text = pattern.sub(" ", text)
            (found if kind == "function" else other).add(code)
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
