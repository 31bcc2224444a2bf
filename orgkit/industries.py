"""Industry profiles: which business functions are core at which stage, per kind of organisation.

The framework of :mod:`orgkit.framework` describes a general business (sell, build, serve, support). A
factory also needs production and a supply chain; a software firm has no production; a professional
services firm delivers through its practices and needs neither production nor a product function; a public
body or non-profit sells nothing. Each :class:`IndustryProfile` says this as data, with its source, and
:func:`expectation` turns a profile and a stage into the :class:`~orgkit.framework.StageExpectation`
the structure is judged against.

``client.yml``'s ``industry:`` chooses a profile; ``auto`` (the default) infers it with
:func:`infer_industry` from the job titles, department names and the functions found, and says so; when
no industry stands out the general business profile is used.
"""

from __future__ import annotations

import dataclasses
import re  # noqa: F401 - the type of _marker_pattern
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from orgkit.errors import ConfigError
from orgkit.framework import (
    FUNCTIONS,
    STAGE_EXPECTATIONS,
    TITLE_KEYWORDS,
    StageExpectation,
    fold_text,
    keywords_regex,
    stage_word,
)
from orgkit.i18n import LANGUAGES, t
from orgkit.thresholds import DEFAULTS, Thresholds

__all__ = [
    "INDUSTRY_CODES",
    "IndustryProfile",
    "PROFILES",
    "IndustryDecision",
    "industry_code_of",
    "industry_label",
    "expectation",
    "infer_industry",
    "stage_label",
]

#: The profiles, ``general`` first.
INDUSTRY_CODES: tuple[str, ...] = (
    "general", "manufacturing", "software", "retail", "professional_services", "public_sector",
)

_Groups = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class IndustryProfile:
    """What one kind of organisation needs, per stage.

    Attributes
    ----------
    code : str
        One of :data:`INDUSTRY_CODES`.
    core : dict
        Stage -> core groups (a group is covered when any of its functions has a department; a missing
        group is reported by its first function), as in :class:`~orgkit.framework.StageExpectation`.
    not_applicable : tuple of str
        Functions this kind of organisation does not have (never expected, never "not needed yet").
    markers : tuple of str
        Job-title and department-name keywords typical of the industry (English whole words, Chinese
        substrings), for :func:`infer_industry`.
    marker_functions : tuple of str
        Framework functions whose people count as markers (manufacturing: production).
    excluded_by : tuple of str
        Functions whose clear presence rules the industry out (software: production).
    source : str
        The works the profile rests on, or ``judgement:`` and why.
    stages_by_size : bool
        The stages are named by size (small, mid-size, large: :func:`orgkit.framework.stage_word`): the
        organisation is no company with a start-up phase.
    """

    code: str
    core: dict[str, _Groups]
    not_applicable: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()
    marker_functions: tuple[str, ...] = ()
    excluded_by: tuple[str, ...] = ()
    source: str = ""
    stages_by_size: bool = False


def _general_core() -> dict[str, _Groups]:
    return {stage: exp.core for stage, exp in STAGE_EXPECTATIONS.items()}


_SOFTWARE_MARKERS = (
    "software", "developer", "programmer", "frontend", "backend", "full stack", "devops", "product owner",
    "product manager", "data scientist", "site reliability", "mobile engineer", "web developer",
    "软件", "程序员", "前端", "后端", "全栈", "产品经理", "算法", "互联网",
)

#: Every profile, by code. The stages' core groups are the profile's claim about what such an organisation
#: cannot do without at that size; everything else the framework checks (splits, merges, units) is the
#: general framework's, without the functions the profile marks as not applicable.
PROFILES: dict[str, IndustryProfile] = {
    "general": IndustryProfile(
        code="general",
        core=_general_core(),
        source="Mintzberg 1980 (Structure in 5's); the stages are orgkit's framework (judgement).",
    ),
    "manufacturing": IndustryProfile(
        code="manufacturing",
        core={
            "startup": (("sales",), ("production",)),
            "mid": (("sales",), ("production",), ("operations",), ("rnd", "technical_support"), ("finance",),
                    ("hr",)),
            "large": (("sales",), ("marketing",), ("production",), ("operations",), ("rnd",),
                      ("technical_support", "customer_service"), ("finance",), ("hr",), ("it",)),
        },
        markers=TITLE_KEYWORDS["production"] + ("quality inspector", "质检", "plant", "factory", "workshop", "工厂",
                                                "车间"),
        marker_functions=("production",),
        source="Porter 1985 (the value chain: inbound logistics, operations, outbound logistics, marketing "
               "and sales, service); which stage needs which is judgement.",
    ),
    "software": IndustryProfile(
        code="software",
        core={
            "startup": (("sales",), ("product",), ("rnd",)),
            "mid": (("sales",), ("marketing",), ("product",), ("rnd",), ("customer_service", "technical_support"),
                    ("finance",), ("hr",)),
            "large": (("sales",), ("marketing",), ("product",), ("rnd",), ("customer_service",),
                      ("technical_support",), ("operations",), ("finance",), ("hr",), ("it",)),
        },
        not_applicable=("production",),
        markers=_SOFTWARE_MARKERS,
        excluded_by=("production",),
        source="judgement: a software or internet firm builds (R&D), shapes (product), sells and supports; "
               "it makes no physical goods.",
    ),
    "retail": IndustryProfile(
        code="retail",
        core={
            "startup": (("sales",), ("operations",)),
            "mid": (("sales",), ("marketing",), ("operations",), ("customer_service",), ("finance",), ("hr",)),
            "large": (("sales",), ("marketing",), ("operations",), ("customer_service",), ("finance",), ("hr",),
                      ("it",)),
        },
        not_applicable=("production",),
        markers=("store manager", "store", "shop", "cashier", "sales associate", "shop assistant", "merchandiser",
                 "merchandising", "retail", "visual merchandiser", "stock associate",
                 "店长", "店员", "导购", "收银", "门店", "零售", "理货", "柜组"),
        excluded_by=("production",),
        source="Porter 1985 (the value chain of a reseller: logistics, marketing and sales, service); the "
               "stages are judgement.",
    ),
    "professional_services": IndustryProfile(
        code="professional_services",
        core={
            "startup": (("sales", "marketing"), ("operations",)),
            "mid": (("sales", "marketing"), ("operations",), ("finance",), ("hr",)),
            "large": (("sales", "marketing"), ("operations",), ("finance",), ("hr",), ("it",)),
        },
        not_applicable=("production", "product"),
        markers=("consultant", "consulting", "advisory", "lawyer", "attorney", "solicitor", "barrister", "partner",
                 "associate", "auditor", "tax advisor", "paralegal", "engagement manager",
                 "顾问", "咨询", "律师", "合伙人", "审计师", "会计师", "税务师"),
        excluded_by=("production",),
        source="Maister 1993 (Managing the Professional Service Firm): practices deliver, partners sell; "
               "the stages are judgement.",
    ),
    "public_sector": IndustryProfile(
        code="public_sector",
        core={
            "startup": (("operations",),),
            "mid": (("operations",), ("finance",), ("hr",)),
            "large": (("operations",), ("finance",), ("hr",), ("it",), ("marketing",)),
        },
        not_applicable=("sales", "product", "production"),
        markers=("civil servant", "policy officer", "policy adviser", "policy advisor", "caseworker",
                 "case officer", "programme officer", "volunteer", "fundraiser", "fundraising", "grants",
                 "ministry", "directorate", "agency", "council", "charity", "policy", "government",
                 "parliamentary", "civil service", "minister", "ministerial", "secretariat", "director general",
                 "permanent secretary", "public service", "public sector", "municipal",
                 # UK civil-service grades, which open the job titles of its organograms ("SEO - Factories")
                 "seo", "heo", "higher executive officer", "senior executive officer", "grade 6", "grade 7",
                 "scs", "scs1", "scs2", "scs3",
                 # health care and education: services paid for by the public or by funds, not sold to
                 # customers (a hospital ward or a university faculty has no sales or product function)
                 "nurse", "nursing", "physician", "doctor", "surgeon", "midwife", "paramedic", "hospital",
                 "ward", "patient", "care home", "teacher", "lecturer", "professor", "school", "university",
                 "faculty",
                 "公务员", "科员", "办事员", "局长", "处长", "科长", "街道", "委员会", "志愿者", "公益", "政府", "政策",
                 "公共服务", "事业单位", "护士", "医生", "医师", "医院", "病区", "教师", "老师", "学校", "学院", "教授"),
        excluded_by=("production",),
        stages_by_size=True,
        source="judgement: a public body or non-profit delivers services without selling them, and so do the "
               "bodies of health care and education, public or not; Mintzberg 1980 (the machine and "
               "professional bureaucracies).",
    ),
}


def industry_label(code: str, language: str = "en") -> str:
    """The label of an industry profile in ``language`` (``industry.<code>`` of the catalogue).

    Examples
    --------
    >>> industry_label("software"), industry_label("manufacturing", "zh")
    ('software / internet', '制造业')
    """
    if code not in PROFILES:
        raise ConfigError(f"industry must be one of {list(INDUSTRY_CODES)}. Got {code!r} instead.")
    return t(f"industry.{code}", language)


def stage_label(stage: str, industry: str = "general", language: str = "en") -> str:
    """The word for ``stage`` in the report of an organisation of ``industry``: a company's stage (start-up,
    mid-size, large), or its size for a profile whose organisations are no companies (a public body is
    "small", never a "start-up").

    Examples
    --------
    >>> stage_label("startup"), stage_label("startup", "public_sector"), stage_label("mid", "public_sector", "zh")
    ('start-up', 'small', '中等规模')
    """
    profile = PROFILES.get(industry or "general", PROFILES["general"])
    return stage_word(stage, language, by_size=profile.stages_by_size)


def industry_code_of(value: Any) -> str:
    """An industry code from ``client.yml``'s ``industry:``: ``auto``, a code, or an English or Chinese label.

    Raises
    ------
    ConfigError
        Naming the value and every valid code.

    Examples
    --------
    >>> industry_code_of("Manufacturing"), industry_code_of("软件与互联网"), industry_code_of(None)
    ('manufacturing', 'software', 'auto')
    """
    if value is None:
        return "auto"
    text = str(value).strip().lower()
    lookup = {"auto": "auto", **{c: c for c in INDUSTRY_CODES}}
    lookup.update({c.replace("_", " "): c for c in INDUSTRY_CODES})
    for code in INDUSTRY_CODES:
        for lang in LANGUAGES:
            lookup[t(f"industry.{code}", lang).lower()] = code
    if text not in lookup:
        raise ConfigError(f"industry must be auto or one of {', '.join(INDUSTRY_CODES)}. Got {value!r} instead.")
    return lookup[text]


def expectation(stage: str, industry: str = "general") -> StageExpectation:
    """What a ``stage`` company of ``industry`` is expected to have.

    The general framework's :data:`~orgkit.framework.STAGE_EXPECTATIONS` for the stage, with the
    profile's core groups, and without the profile's not-applicable functions in what must be separate or
    must not be merged.

    Examples
    --------
    >>> expectation("mid", "manufacturing").core_functions
    ('sales', 'technical_support', 'rnd', 'operations', 'finance', 'hr', 'production')
    >>> "production" in expectation("large", "software").separate
    False
    """
    if stage not in STAGE_EXPECTATIONS:
        raise ConfigError(f"stage must be one of {list(STAGE_EXPECTATIONS)}. Got {stage!r} instead.")
    if industry not in PROFILES:
        raise ConfigError(f"industry must be one of {list(INDUSTRY_CODES)}. Got {industry!r} instead.")
    base = STAGE_EXPECTATIONS[stage]
    profile = PROFILES[industry]
    if industry == "general":
        return base
    drop = set(profile.not_applicable)
    return dataclasses.replace(
        base,
        core=profile.core[stage],
        separate=tuple(f for f in base.separate if f not in drop),
        no_merge=tuple(f for f in base.no_merge if f not in drop),
    )


@dataclass(frozen=True)
class IndustryDecision:
    """The profile an assessment uses and why.

    Attributes
    ----------
    industry : str
        One of :data:`INDUSTRY_CODES`.
    source : {"client.yml", "evidence", "default"}
        Set by the consultant, inferred from the data, or the general profile because no industry stood
        out.
    shares : dict
        Per industry other than general, the share of people marked as working in it (None when set in
        ``client.yml``).
    """

    industry: str
    source: str
    shares: dict[str, float] | None

    def reason(self, language: str = "en") -> str:
        """Why this profile, as a phrase."""
        if self.source == "client.yml":
            return t("industry_reason.setting", language)
        shares = self.shares or {}
        best = self.industry if self.source == "evidence" else max(shares, key=lambda k: shares[k], default=None)
        if self.source != "evidence" and (best is None or not shares[best]):
            return t("industry_reason.none", language)
        evidence = "–" if best is None else t(
            "industry_evidence.share", language, share=f"{100 * shares[best]:.0f}%",
            marker=t(f"industry_marker.{best}", language))
        return t("industry_reason.inferred" if self.source == "evidence" else "industry_reason.weak", language,
                 evidence=evidence)


@lru_cache(maxsize=None)
def _marker_pattern(industry: str) -> re.Pattern[str]:
    return keywords_regex(PROFILES[industry].markers)


def infer_industry(people: pd.DataFrame, placed_functions: pd.Series | None = None, *, setting: str = "auto",
                   thresholds: Thresholds | None = None) -> IndustryDecision:
    """The industry profile: the one set in ``client.yml``, or inferred from the people's titles and functions.

    Parameters
    ----------
    people : DataFrame
        ``department`` and, when present, ``title``.
    placed_functions : Series of list, optional
        Per department (index), the framework functions it was placed in with confidence (from
        :func:`orgkit.framework.department_mapping`).
    setting : str
        ``client.yml``'s ``industry`` (``auto`` or a code).
    thresholds : Thresholds, optional
        ``structure.industry.min_share`` (default: the registry's).

    Returns
    -------
    IndustryDecision

    Notes
    -----
    For each industry other than general, a person is *marked* when their job title or department name
    holds one of the profile's :attr:`IndustryProfile.markers`, or their department was placed in one of
    its :attr:`IndustryProfile.marker_functions`. The share of marked people is computed over everyone.
    An industry whose :attr:`IndustryProfile.excluded_by` functions mark at least
    ``structure.industry.min_share`` of people is ruled out (a firm with a factory floor is not a
    software firm). The industry with the largest share wins when that share is at least
    ``structure.industry.min_share``; otherwise the general profile is used, and said to be used for lack
    of evidence.

    Examples
    --------
    >>> p = pd.DataFrame({"department": ["Plant"] * 3 + ["Office"], "title": ["Operator", "Welder", "Fitter", "Clerk"]})
    >>> d = infer_industry(p)
    >>> d.industry, d.source, d.shares["manufacturing"]
    ('manufacturing', 'evidence', 0.75)
    """
    if setting != "auto":
        industry_code_of(setting)
        return IndustryDecision(industry_code_of(setting), "client.yml", None)
    th = DEFAULTS if thresholds is None else thresholds
    need = float(th["structure.industry.min_share"])
    n = len(people)
    # every distinct (department, title) once, weighted by its people: the text work is over distinct values
    title = (people["title"].astype("str").where(people["title"].notna(), "") if "title" in people.columns
             else pd.Series("", index=people.index, dtype="str"))
    pairs = pd.DataFrame({"department": people["department"].astype("str").to_numpy(),
                          "title": title.astype("str").to_numpy()}).value_counts(sort=False).reset_index(name="people")
    dept = pairs["department"]
    weight = pairs["people"].to_numpy(dtype="float64")
    norm = fold_text(" " + dept + " " + pairs["title"])
    placed = placed_functions if placed_functions is not None else pd.Series(dtype=object)
    by_function = {f: dept.isin([d for d, fs in placed.items() if f in (fs or [])]) for f in FUNCTIONS}
    shares: dict[str, float] = {}
    for code, profile in PROFILES.items():
        if code == "general":
            continue
        marked = norm.str.contains(_marker_pattern(code))
        for f in profile.marker_functions:
            marked = marked | by_function[f]
        shares[code] = float(weight[marked.to_numpy(dtype=bool)].sum() / n) if n else 0.0
    ruled_out = {code for code, p in PROFILES.items()
                 if any(shares.get(_industry_of_function(f), 0.0) >= need for f in p.excluded_by)}
    candidates = {c: s for c, s in shares.items() if c not in ruled_out}
    best = max(candidates, key=lambda c: (candidates[c], -INDUSTRY_CODES.index(c)), default=None)
    if best is not None and candidates[best] >= need:
        return IndustryDecision(best, "evidence", shares)
    return IndustryDecision("general", "default", shares)


def _industry_of_function(function: str) -> str:
    """The industry whose marker functions hold ``function`` (production: manufacturing)."""
    return next((c for c, p in PROFILES.items() if function in p.marker_functions), "")
