"""Generate a synthetic client folder from a model of a realistic company.

:func:`generate_client` writes every file of the data contract (``client.yml``, ``people.csv``,
``communication.csv``, ``survey.csv``, ``survey_items.csv``, ``decisions.csv``,
``responsibilities.csv``) for a company of a given size and stage. The data is built from a small
model, so every analysis has something to find: a silo department, a few brokers, a department below
the privacy threshold, managers with a single report, decision paths that lengthen with the hierarchy,
a RACI with deliberate gaps and rows the loader must clean. :func:`sample_client_path` returns the
bundled sample built with :data:`SAMPLE_PARAMETERS`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from orgkit.files.atomic import SAMPLE_MARKER, mark, output_errors, read_marker
from orgkit.errors import ConfigError, OutputError
from orgkit.framework import resolve_stage

__all__ = ["generate_client", "sample_client_path", "is_sample_folder", "SAMPLE_PARAMETERS"]

logger = logging.getLogger(__name__)

#: The arguments the bundled sample (``orgkit/resources/sample_client/``) was generated with.
SAMPLE_PARAMETERS: dict[str, object] = {"employees": 150, "stage": "mid", "seed": 7, "language": "en"}

_STAGES = ("startup", "mid", "large")
_LANGUAGES = ("en", "zh")
_FILES = (
    "client.yml",
    "people.csv",
    "communication.csv",
    "survey.csv",
    "survey_items.csv",
    "survey_previous.csv",
    "decisions.csv",
    "responsibilities.csv",
)

#: The date the synthetic data is "as of" (fixed, so the output never depends on the clock).
_AS_OF = np.datetime64("2025-09-30", "D")
_COMM_START = np.datetime64("2025-07-01", "D")  # communication covers one quarter
_DECISION_START = np.datetime64("2025-04-01", "D")  # decisions are raised over two quarters
_PREVIOUS_WAVE = _AS_OF - np.timedelta64(182, "D")  # the previous survey wave, six months earlier
#: How the previous wave's latent scores differ from the current one's: (dimension, in the silo, everywhere).
_PREVIOUS_SHIFT = (("communication", -0.3, 0.0), ("decision_speed", 0.0, 0.2))
_DAY_START, _DAY_END = 8 * 3600, 19 * 3600  # working hours, for decision latency


# --------------------------------------------------------------------------------------------------
# The company model: departments per stage
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Dept:
    """One department of the catalogue (names in both languages, what it does, how big it is)."""

    en: str
    zh: str
    functions: tuple[str, ...]  # framework functions it covers (for the RACI)
    weight: float  # share of the regular headcount; 0 for fixed-size departments
    ic_en: str  # an individual contributor's title
    ic_zh: str
    fn_en: str  # the word in front of manager titles ("Sales Manager")
    fn_zh: str
    division: int = -1  # large firms: index into _DIVISIONS
    home_en: str = ""  # regional units sit in one place
    home_zh: str = ""
    silo: bool = False
    size: int = 0  # fixed size (the deliberately small department)


def _d(en, zh, functions, weight, ic_en, ic_zh, fn_en, fn_zh, **kw) -> _Dept:
    return _Dept(en, zh, tuple(functions.split()), weight, ic_en, ic_zh, fn_en, fn_zh, **kw)


_EXEC = _d("Executive Office", "总裁办", "executive", 0, "Executive Assistant", "总裁助理", "Executive", "总裁办")

# Regular departments in priority order: a small company keeps the first ones. The silo is second.
_CATALOGUE: dict[str, tuple[_Dept, ...]] = {
    "startup": (
        _d("Sales & Marketing", "销售与市场部", "sales marketing", 0.30, "Account Executive", "销售代表", "Sales", "销售"),
        _d("Product & Engineering", "产品与研发部", "product rnd it", 0.40, "Software Engineer", "软件工程师",
           "Engineering", "研发", silo=True),
        _d("Operations & Finance", "运营与财务部", "operations finance production", 0.15, "Operations Analyst",
           "运营专员", "Operations", "运营"),
        _d("Customer Support", "客户服务部", "customer_service technical_support", 0.15, "Support Specialist",
           "客服专员", "Support", "客服"),
    ),
    "mid": (
        _d("Sales", "销售部", "sales", 0.18, "Account Executive", "销售代表", "Sales", "销售"),
        _d("R&D", "研发中心", "rnd", 0.20, "Software Engineer", "软件工程师", "Engineering", "研发", silo=True),
        _d("Operations", "运营部", "operations production", 0.12, "Operations Analyst", "运营专员", "Operations", "运营"),
        _d("Customer Service", "客服部", "customer_service", 0.14, "Customer Service Agent", "客服专员",
           "Customer Service", "客服"),
        _d("Product", "产品部", "product", 0.07, "Product Owner", "产品专员", "Product", "产品"),
        _d("Finance", "财务部", "finance", 0.06, "Accountant", "会计", "Finance", "财务"),
        _d("HR", "人力资源部", "hr", 0.05, "HR Specialist", "人力资源专员", "HR", "人力资源"),
        _d("Marketing", "市场部", "marketing", 0.07, "Marketing Specialist", "市场专员", "Marketing", "市场"),
        _d("Technical Support", "技术支持部", "technical_support", 0.07, "Support Engineer", "技术支持工程师",
           "Support", "技术支持"),
        _d("IT", "信息技术部", "it", 0.04, "IT Specialist", "IT工程师", "IT", "IT"),
    ),
    "large": (
        _d("Sales - North", "华北销售部", "sales", 0.07, "Account Executive", "销售代表", "Sales", "销售",
           division=0, home_en="Leeds", home_zh="北京"),
        _d("Production - Plant B", "二厂生产部", "production", 0.10, "Production Operator", "生产操作员",
           "Production", "生产", division=2, home_en="Derby", home_zh="东莞", silo=True),
        _d("R&D - Platform", "平台研发中心", "rnd", 0.08, "Software Engineer", "软件工程师", "Engineering", "研发",
           division=1),
        _d("Production - Plant A", "一厂生产部", "production", 0.14, "Production Operator", "生产操作员",
           "Production", "生产", division=2, home_en="Sheffield", home_zh="苏州"),
        _d("Finance", "财务部", "finance", 0.03, "Accountant", "会计", "Finance", "财务", division=3),
        _d("Sales - South", "华南销售部", "sales", 0.07, "Account Executive", "销售代表", "Sales", "销售",
           division=0, home_en="Southampton", home_zh="广州"),
        _d("Product", "产品部", "product", 0.04, "Product Owner", "产品专员", "Product", "产品", division=1),
        _d("Customer Service", "客服部", "customer_service", 0.08, "Customer Service Agent", "客服专员",
           "Customer Service", "客服", division=0),
        _d("HR", "人力资源部", "hr", 0.03, "HR Specialist", "人力资源专员", "HR", "人力资源", division=3),
        _d("Operations", "运营部", "operations", 0.05, "Operations Analyst", "运营专员", "Operations", "运营",
           division=2),
        _d("Marketing", "市场部", "marketing", 0.04, "Marketing Specialist", "市场专员", "Marketing", "市场",
           division=0),
        _d("Technical Support", "技术支持部", "technical_support", 0.05, "Support Engineer", "技术支持工程师",
           "Support", "技术支持", division=1),
        _d("IT", "信息技术部", "it", 0.03, "IT Specialist", "IT工程师", "IT", "IT", division=1),
        _d("Sales - East", "华东销售部", "sales", 0.07, "Account Executive", "销售代表", "Sales", "销售",
           division=0, home_en="Norwich", home_zh="上海"),
        _d("R&D - Applications", "应用研发中心", "rnd", 0.07, "Software Engineer", "软件工程师", "Engineering",
           "研发", division=1),
        _d("Sales - West", "西部销售部", "sales", 0.07, "Account Executive", "销售代表", "Sales", "销售",
           division=0, home_en="Bristol", home_zh="成都"),
    ),
}

# The deliberately small department (fewer people than the default privacy threshold of 5).
_SMALL: dict[str, _Dept] = {
    "startup": _d("People & Legal", "人事与法务部", "hr legal", 0, "People Partner", "人事法务专员", "People",
                  "人事", size=3),
    "mid": _d("Legal", "法务部", "legal", 0, "Legal Counsel", "法务专员", "Legal", "法务", size=4),
    "large": _d("Legal", "法务部", "legal", 0, "Legal Counsel", "法务专员", "Legal", "法务", division=3, size=4),
}

_DIVISIONS = (  # large firms: department heads report to a division head in the Executive Office
    ("Chief Commercial Officer", "首席商务官"),
    ("Chief Technology Officer", "首席技术官"),
    ("Chief Operating Officer", "首席运营官"),
    ("Chief Financial Officer", "首席财务官"),
)


@dataclass(frozen=True)
class _Shape:
    """How a stage's hierarchy looks: total layers allowed, spans, the smallest regular department."""

    layers: tuple[int, int]
    span: tuple[float, float]
    min_department: int
    founded_years: tuple[float, float]
    mean_tenure_years: float
    offices: tuple[tuple[str, str, float], ...]


_SHAPES = {
    "startup": _Shape((2, 4), (7.0, 10.0), 5, (2.0, 6.0), 1.5,
                      (("London", "上海", 0.85), ("Remote", "远程", 0.15))),
    "mid": _Shape((4, 6), (4.5, 7.5), 6, (8.0, 25.0), 4.0,
                  (("London", "上海", 0.60), ("Manchester", "北京", 0.25), ("Remote", "远程", 0.15))),
    "large": _Shape((6, 9), (6.0, 9.0), 20, (30.0, 70.0), 7.0,
                    (("London", "上海", 0.55), ("Manchester", "北京", 0.25), ("Birmingham", "深圳", 0.12),
                     ("Remote", "远程", 0.08))),
}

# Synthetic names. The surnames share nothing with the public organogram data in ../shared/data.
_FIRST_EN = (
    "Sam Jordan Taylor Morgan Casey Riley Jamie Robin Avery Quinn Rowan Priya Arjun Amara Kofi Mei Hiro Lena "
    "Mateo Sofia Noah Aisha Omar Freya Elena Tomas Ingrid Nadia Ravi Yusuf Chloe Maya Leo Isla Ezra Zara Felix "
    "Ines Kai"
).split()
_LAST_EN = (
    "Ashford Brightwater Calloway Dunmore Elwood Fairbanks Hollis Ivers Jarrow Kestrel Lindqvist Marlowe "
    "Northcott Okafor Pemberton Quill Redfern Sandoval Thorne Underhill Vance Whitlock Yardley Zeller Abara "
    "Castellano Delacroix Estrada Fenwick Haddad Ibsen Kowalczyk Larsen Moreau Nakamura Oyelaran Petrov Rinaldi "
    "Sato Achterberg"
).split()
_SURNAME_ZH = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈")
_GIVEN_ZH = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 建华 志强 晓东 丹 婷 宇 浩 欣怡 子涵 雨桐 "
    "梓轩 思远 嘉怡 俊杰 文博 佳琪 一鸣 若曦 天佑 晨阳"
).split()

# Role codes (people are given titles and levels from these).
_IC, _SENIOR_IC, _TEAM_LEAD, _MANAGER, _SENIOR_MANAGER, _DIRECTOR, _HEAD = 0, 1, 2, 3, 4, 5, 6
_CEO, _DIVISION_HEAD, _CHIEF_OF_STAFF, _ASSISTANT = 7, 8, 9, 10
_LEVEL_OF_ROLE = np.array([0, 3, 4, 5, 6, 6, 6, 7, 7, 5, 2])  # 0: drawn from L1..L3

_CHANNELS = np.array(["email", "chat", "meeting"])
_DECISION_TYPES = np.array(["budget", "hiring", "pricing", "product", "process", "vendor"])
_DECISION_TYPES_ZH = np.array(["预算", "招聘", "定价", "产品", "流程", "供应商"])
_DECISION_P = np.array([0.15, 0.15, 0.12, 0.20, 0.23, 0.15])
_DECISION_SLOWNESS = np.array([2.0, 2.5, 1.2, 1.5, 1.0, 1.8])
_APPROVAL_P = np.array([0.7, 0.6, 0.35, 0.35, 0.3, 0.4])
# Cross-department decisions: which function decides a decision of each type (None: always in line).
_CROSS_FUNCTION = (None, None, "sales", "product", "operations", "finance")

# Responsibilities: (English, Chinese, ((function, role), ...)). Three carry deliberate problems:
# "Pricing" has two As in different departments, "Vendor selection" has no R, "Data governance" no A.
_RACI = (
    ("Pricing", "定价", (("sales", "A"), ("product", "A"), ("marketing", "R"), ("finance", "C"),
                         ("customer_service", "I"))),
    ("Hiring", "招聘", (("hr", "R"), ("hr", "A"), ("finance", "C"), ("it", "I"))),
    ("Customer onboarding", "客户开通", (("customer_service", "R"), ("sales", "A"), ("technical_support", "C"),
                                     ("product", "I"))),
    ("Release approval", "版本发布审批", (("rnd", "R"), ("product", "A"), ("technical_support", "C"),
                                     ("customer_service", "I"))),
    ("Budget", "预算", (("finance", "R"), ("executive", "A"), ("operations", "C"), ("hr", "I"))),
    ("Product roadmap", "产品路线图", (("product", "R"), ("product", "A"), ("rnd", "C"), ("sales", "C"),
                                   ("marketing", "I"))),
    ("Sales forecasting", "销售预测", (("sales", "R"), ("sales", "A"), ("finance", "C"), ("production", "I"))),
    ("Campaign planning", "营销活动策划", (("marketing", "R"), ("marketing", "A"), ("sales", "C"),
                                      ("product", "I"))),
    ("Customer complaints", "客户投诉处理", (("customer_service", "R"), ("customer_service", "A"),
                                        ("technical_support", "C"), ("product", "I"))),
    ("Incident response", "故障响应", (("technical_support", "R"), ("it", "A"), ("rnd", "C"),
                                   ("customer_service", "I"))),
    ("Vendor selection", "供应商选择", (("finance", "A"), ("operations", "C"), ("it", "I"))),
    ("Payroll", "薪资发放", (("hr", "R"), ("finance", "A"), ("it", "I"))),
    ("Performance reviews", "绩效评估", (("hr", "R"), ("hr", "A"), ("executive", "C"))),
    ("Contract review", "合同审核", (("legal", "R"), ("legal", "A"), ("finance", "C"), ("sales", "I"))),
    ("IT access management", "IT权限管理", (("it", "R"), ("it", "A"), ("hr", "C"), ("legal", "I"))),
    ("Production planning", "生产计划", (("production", "R"), ("operations", "A"), ("sales", "C"),
                                     ("finance", "I"))),
    ("Quality control", "质量控制", (("production", "R"), ("operations", "A"), ("customer_service", "C"),
                                  ("product", "I"))),
    ("Data governance", "数据治理", (("it", "R"), ("legal", "C"), ("rnd", "I"))),
    ("Expense approval", "费用审批", (("finance", "R"), ("finance", "A"), ("hr", "C"))),
    ("Employee onboarding", "新员工入职", (("hr", "R"), ("hr", "A"), ("it", "C"), ("legal", "I"))),
)

# Survey: the mean answer per dimension before conditions; dimensions not listed use 3.5.
_DIMENSION_MEAN = {
    "role_clarity": 3.7, "communication": 3.5, "decision_speed": 3.3, "growth": 3.3,
    "customer_focus": 3.8, "collaboration": 3.6,
}


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------


def sample_client_path() -> Path:
    """The bundled sample client folder, ``orgkit/resources/sample_client/``.

    It was written by :func:`generate_client` with :data:`SAMPLE_PARAMETERS` (150 people, stage
    ``mid``, seed 7, English) and is what the notebooks' parameters point at by default.

    Returns
    -------
    Path
        The folder (it holds ``client.yml`` and the six CSV files).

    Examples
    --------
    >>> (sample_client_path() / "people.csv").is_file()
    True
    """
    from orgkit.report.resources import sample_client_dir

    return sample_client_dir()


def generate_client(
    out_dir: str | os.PathLike[str],
    employees: int = 150,
    stage: str | None = None,
    seed: int = 0,
    language: str = "en",
    name: str | None = None,
    overwrite: bool = False,
    previous_wave: bool = True,
) -> Path:
    """Write a complete synthetic client folder generated from a model of a realistic company.

    Parameters
    ----------
    out_dir : str or PathLike
        The folder to write; it is created when missing and must be empty, or (with ``overwrite``) a
        sample folder this function wrote before (it carries the marker file ``.orgkit-sample``).
    employees : int, default 150
        Headcount (at least 2). Everything is built with array operations: 100,000 people take a few
        seconds.
    stage : {"startup", "mid", "large"} or None
        The company's stage. ``None`` (or ``"auto"``) derives it from headcount: startup below 50, mid
        50 to 999, large from 1,000.
    seed : int, default 0
        Seed of :func:`numpy.random.default_rng`; the same arguments give the same bytes.
    language : {"en", "zh"}, default "en"
        Language of department names, titles, names, locations and responsibilities.
    name : str, optional
        The client's display name (default ``"Sample Co (150)"`` or ``"示例公司（150人）"``).
    overwrite : bool, default False
        Replace the generated files of an earlier sample in ``out_dir``. Other files in it are left alone.
        A non-empty folder that is not a sample folder is never written to, even with ``overwrite``.
    previous_wave : bool, default True
        Also write ``survey_previous.csv``, the survey six months earlier (an existing one is removed
        when ``False`` and ``overwrite``).

    Returns
    -------
    Path
        ``out_dir``.

    Raises
    ------
    ConfigError
        An argument outside what is allowed.
    OutputError
        ``out_dir`` is a file, a non-empty folder orgkit did not write (whatever ``overwrite`` says), a
        sample folder without ``overwrite``; or it cannot be written (read-only, full disk). Nothing is
        written then (a full disk may leave the files written so far, in a folder marked as a sample).

    Notes
    -----
    The model, per file:

    ``people.csv``
        A CEO in an Executive Office; department heads report to the CEO (large firms: to one of four
        division heads in the Executive Office). Each department is a tree whose layer sizes grow by its
        span :math:`s` (drawn per department from the stage's range: startup 7-10, mid 4.5-7.5, large 6-9)
        until the headcount is used up, so a department of :math:`n` people has the smallest depth
        :math:`d` with :math:`\\sum_{k<d} s^k \\ge n`, capped so the whole tree stays within the
        stage's layers (startup 2-4, mid 4-6, large 6-9); if no department reaches the stage's
        minimum, the largest one is deepened. Managers in a layer number ``round(next layer / s)``;
        the rest of the layer are senior individual contributors. The two largest departments with a
        layer of several managers each get one manager with a single report. A fixed department of
        3-4 people (``People & Legal`` / ``Legal``) is always below the default privacy threshold of 5
        (from 20 employees). Employee ids follow hire dates.
    ``communication.csv``
        About ten rows per person (Poisson), each aimed at the sender's manager, team, department or,
        with probability about 0.23, another department. One silo department sends 1% of its rows
        outside and is never chosen from outside; a few brokers (1% of people, 3 to 200) send 70% of
        theirs across departments. Pairs repeat. One to three self-messages and one to three rows
        naming an unknown employee id are added for the loader to drop.
    ``survey.csv``
        70-85% of people respond. An answer is a latent score (dimension mean + person + department +
        noise), lowered on ``communication`` (and ``collaboration``) in the silo and on
        ``decision_speed`` by distance from the top and by the department's mean decision path,
        rounded and clipped to 1..5, reversed (:math:`6 - x`) for reverse-worded items; about 2% of
        answers are missing.
    ``survey_previous.csv``
        The same survey six months earlier (2025-04-01), answered by 70-85% of the people hired by
        then, with the same department effects and fresh person and noise terms; the silo rated
        ``communication`` 0.3 lower and everyone rated ``decision_speed`` 0.2 higher, so the report
        has a change to show. It comes from its own random stream (``default_rng([seed, 2])``), so the
        other files are the same bytes with or without it.
    ``decisions.csv``
        One decision per three people (at most 20,000). The decider is the initiator's ancestor
        :math:`h` hops up (budget and hiring go higher); approvers are people strictly between them on
        the path. About 12% of pricing, product, process and vendor decisions are decided by the head
        of another department. Latency, counted in working hours (08:00-19:00 on business days), is
        log-normal with a median of :math:`3 (1 + h)(1 + 0.6 a) t c` hours for :math:`h` hops,
        :math:`a` approvers, a type factor :math:`t` (1 for process to 2.5 for hiring) and
        :math:`c = 1.8` across departments; decisions still open at 2025-09-30 have no ``decided_at``,
        and so have parked ones: a decision raised more than 30 days before that date was never decided
        with probability 0.25 for budget and hiring, 0.06 for pricing, product and vendor, 0.03 for process
        (their own random stream, ``default_rng([seed, 3])``, so every other file is the same bytes).
    ``responsibilities.csv``
        A RACI over 20 responsibilities, with one responsibility without an A (``Data governance``),
        one with two As in different departments (``Pricing``) and one without an R
        (``Vendor selection``).

    Degenerate sizes: with fewer than about 20 people the small department, the brokers and the
    deliberate problems may be missing; with 2 people the company is a CEO and one report.

    Examples
    --------
    >>> import tempfile
    >>> folder = generate_client(tempfile.mkdtemp(), employees=60, seed=1)
    >>> sorted(p.name for p in folder.iterdir())[:4]
    ['.orgkit-sample', 'client.yml', 'communication.csv', 'decisions.csv']
    """
    stage = _check_arguments(employees, stage, seed, language)
    out = Path(out_dir)
    _check_folder(out, overwrite)
    rng = np.random.default_rng(seed)
    zh = language == "zh"

    org = _build_organisation(int(employees), stage, rng)
    names = _person_names(org.n, rng, zh)
    hire = _hire_dates(org, stage, rng)
    order = np.argsort(hire, kind="stable")  # ids follow hire dates
    width = max(5, len(str(org.n)))
    ids = np.empty(org.n, dtype=object)
    ids[order] = np.char.add("E", np.char.zfill(np.arange(1, org.n + 1).astype(str), width)).astype(object)

    people = _people_table(org, ids, names, hire, order, stage, rng, zh)
    communication = _communication_table(org, ids, width, rng)
    decisions, hops_by_dept = _decisions_table(org, ids, rng, np.random.default_rng([seed, 3]))
    if zh:  # the same decisions, with the type names a Chinese client would use
        decisions["decision_type"] = decisions["decision_type"].map(dict(zip(_DECISION_TYPES, _DECISION_TYPES_ZH)))
    items = _questionnaire()
    survey, dept_effect = _survey_table(org, ids, items, hops_by_dept, rng, zh)
    previous = None
    if previous_wave:
        hired_by_then = np.flatnonzero(hire <= _PREVIOUS_WAVE)
        previous, _ = _survey_table(org, ids, items, hops_by_dept, np.random.default_rng([seed, 2]), zh,
                                    pool=hired_by_then if hired_by_then.size else np.arange(1),
                                    dept_effect=dept_effect, shift=_PREVIOUS_SHIFT)
    responsibilities = _responsibilities_table(org, zh)

    if name is None:
        name = f"示例公司（{org.n}人）" if zh else f"Sample Co ({org.n})"
    header = (
        "# Synthetic client written by orgkit.sample.generate_client("
        f"employees={org.n}, stage={stage!r}, seed={seed}, language={language!r}).\n"
        "# Every person, message and answer in this folder is invented.\n"
    )
    settings = {"name": str(name), "stage": stage, "language": language, "min_group_size": 5}
    _check_folder(out, overwrite)  # again, right before writing: the folder may have changed meanwhile
    with output_errors(out):
        out.mkdir(parents=True, exist_ok=True)
        mark(out, "sample", name=SAMPLE_MARKER)  # first: a folder half written (disk full) is still a sample
        (out / "client.yml").write_text(
            header + yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        _write_csv(people, out / "people.csv")
        _write_csv(communication, out / "communication.csv")
        _write_csv(survey, out / "survey.csv")
        _write_csv(items, out / "survey_items.csv")
        if previous is not None:
            _write_csv(previous, out / "survey_previous.csv")
        elif overwrite:
            (out / "survey_previous.csv").unlink(missing_ok=True)
        _write_csv(decisions, out / "decisions.csv")
        _write_csv(responsibilities, out / "responsibilities.csv")
    logger.info(
        "wrote a synthetic %s client of %d people to %s (%d messages, %d responses, %d decisions)",
        stage, org.n, out, len(communication), len(survey), len(decisions),
    )
    return out


# --------------------------------------------------------------------------------------------------
# Arguments and files
# --------------------------------------------------------------------------------------------------


def _check_arguments(employees: object, stage: object, seed: object, language: object) -> str:
    if isinstance(employees, bool) or not isinstance(employees, (int, np.integer)) or employees < 2:
        raise ConfigError(f"employees must be an integer of at least 2. Got {employees!r} instead.")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ConfigError(f"seed must be a non-negative integer. Got {seed!r} instead.")
    if language not in _LANGUAGES:
        raise ConfigError(f"language must be one of {list(_LANGUAGES)}. Got {language!r} instead.")
    if stage is None or stage == "auto":
        return resolve_stage("auto", int(employees))
    if stage not in _STAGES:
        raise ConfigError(
            f"stage must be one of {list(_STAGES)} or None (derived from headcount: startup below 50, "
            f"mid 50-999, large from 1,000). Got {stage!r} instead."
        )
    return str(stage)


_SAMPLE_HEADER = "# Synthetic client written by orgkit.sample.generate_client("


def is_sample_folder(folder: str | os.PathLike[str]) -> bool:
    """Whether ``folder`` is a synthetic client folder :func:`generate_client` wrote (and may rewrite).

    It carries the marker ``.orgkit-sample``; or (written before the marker existed) it holds only the
    generated files and its ``client.yml`` starts with the generator's comment.
    """
    folder = Path(folder)
    if folder.is_symlink() or not folder.is_dir():
        return False
    if read_marker(folder, name=SAMPLE_MARKER) is not None:
        return True
    try:
        names = {p.name for p in folder.iterdir()}
        head = (folder / "client.yml").read_text(encoding="utf-8")[:200] if "client.yml" in names else ""
    except (OSError, UnicodeDecodeError):
        return False
    return head.startswith(_SAMPLE_HEADER) and names <= set(_FILES) | {"client.yml"}


def _check_folder(out: Path, overwrite: bool) -> None:
    """Refuse a target that is a file, a non-empty folder orgkit did not write, or a sample without overwrite."""
    if out.is_symlink() and not out.is_dir() or out.exists() and not out.is_dir():
        raise OutputError(f"{out} is a file; generate_client needs a folder to write the sample client into.")
    try:
        empty = not out.is_dir() or not any(out.iterdir())
    except OSError as exc:
        raise OutputError(f"cannot read the folder {out}: {exc.strerror or exc}.") from exc
    if empty:
        return
    if not is_sample_folder(out):
        raise OutputError(
            f"{out} is not empty and is not a sample folder orgkit wrote; generate_client writes only into a new "
            "or empty folder (or rewrites an earlier sample), so nothing was written. Choose another folder."
        )
    if not overwrite:
        raise OutputError(
            f"{out} already holds a sample client; choose an empty or new folder, or pass overwrite=True "
            f"(orgkit sample --force) to rewrite the sample files in it ({', '.join(_FILES)})."
        )


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _questionnaire() -> pd.DataFrame:
    """``item``, ``dimension``, ``reverse`` of the bundled questionnaire (other columns are ignored)."""
    from orgkit.report.resources import questionnaire_csv

    q = pd.read_csv(questionnaire_csv(), dtype=str, keep_default_na=False)
    reverse = q["reverse"].str.strip().str.lower().isin(["true", "1", "yes"])
    return pd.DataFrame({
        "item": q["item"].str.strip(),
        "dimension": q["dimension"].str.strip(),
        "reverse": np.where(reverse, "true", "false"),
    })


# --------------------------------------------------------------------------------------------------
# The hierarchy
# --------------------------------------------------------------------------------------------------


@dataclass
class _Organisation:
    """The generated company, one array entry per person in build order (index 0 is the CEO)."""

    stage: str
    departments: list[_Dept]  # department code -> spec; code 0 is the Executive Office
    dept: np.ndarray  # department code
    parent: np.ndarray  # index of the manager, -1 for the CEO
    layer: np.ndarray  # 0 for the CEO
    role: np.ndarray  # role code before heights are known
    height: np.ndarray  # longest chain of reports below (0 for individual contributors)
    bottom: np.ndarray  # bool: in the deepest layer of the department
    head: np.ndarray  # index of each department's head (-1 for the Executive Office)
    silo: int  # department code of the silo (-1: none)
    brokers: np.ndarray  # indices of the brokers
    divisions: list[int]  # large firms: the divisions whose heads sit at indices 1, 2, ...

    @property
    def n(self) -> int:
        return len(self.dept)


def _largest_remainder(total: int, weights: np.ndarray, floor: int = 1) -> np.ndarray:
    """Split ``total`` into ``len(weights)`` integers: each at least ``floor`` (less when ``total`` is too
    small), the rest in proportion to ``weights``, rounded by largest remainder."""
    k = len(weights)
    base = max(1, min(floor, total // k))
    share = (total - base * k) * weights / weights.sum()
    sizes = np.floor(share).astype(np.int64)
    rest = int(total - base * k - sizes.sum())
    sizes[np.argsort(-(share - sizes), kind="stable")[:rest]] += 1
    return sizes + base


def _natural_depth(n: int, span: float) -> int:
    """The fewest layers that hold ``n`` people at ``span``; a last layer smaller than one team is folded
    into the layer above (wider spans rather than a layer of a handful of people)."""
    depth, capacity, layer = 1, 1.0, 1.0
    while capacity < n:
        layer *= span
        capacity += layer
        depth += 1
    if depth > 2 and n - np.floor(span ** np.arange(depth - 1)).sum() < span:
        depth -= 1
    return depth


def _ratio_for_depth(n: int, depth: int) -> float:
    """The ratio r with 1 + r + ... + r**(depth-1) == n (bisection; r >= 1)."""
    lo, hi = 1.0, float(n)
    for _ in range(60):
        mid = (lo + hi) / 2
        if sum(mid**k for k in range(depth)) < n:
            lo = mid
        else:
            hi = mid
    return lo


def _layer_sizes(n: int, depth: int, ratio: float) -> np.ndarray:
    sizes = np.floor(ratio ** np.arange(depth - 1)).astype(np.int64)
    return np.append(sizes, n - sizes.sum())


def _build_organisation(n: int, stage: str, rng: np.random.Generator) -> _Organisation:
    shape = _SHAPES[stage]
    catalogue = _CATALOGUE[stage]

    # Who sits in the Executive Office, which departments exist and how big they are.
    small = _SMALL[stage] if n >= 20 else None
    n_small = small.size if small else 0
    staff = 2 if stage != "startup" and n >= 40 else 0
    k = int(np.clip((n - 1 - staff - n_small) // shape.min_department, 1, len(catalogue)))
    regular = list(catalogue[:k])
    divisions: list[int] = []
    if stage == "large" and n >= 100:
        divisions = sorted({d.division for d in regular + ([small] if small else [])})
    k = int(min(k, n - 1 - staff - len(divisions) - n_small))  # tiny forced-large companies
    regular = regular[:k]
    if divisions:
        divisions = sorted({d.division for d in regular + ([small] if small else [])})
    n_exec = 1 + len(divisions) + staff
    weights = np.array([d.weight for d in regular]) * rng.lognormal(0.0, 0.12, size=k)
    sizes = list(_largest_remainder(n - n_exec - n_small, weights, shape.min_department))
    departments = [_EXEC] + regular + ([small] if small else [])
    if small:
        sizes.append(small.size)
    silo = next((i for i, d in enumerate(departments) if d.silo), -1) if k > 1 else -1

    # Depth per department (the loop is over departments, never over people).
    offset = 1 + (1 if divisions else 0)
    max_depth = shape.layers[1] - offset
    spans = rng.uniform(*shape.span, size=len(sizes))
    depths = [min(_natural_depth(s, spans[j]), max_depth) for j, s in enumerate(sizes)]
    ratios = [float(x) for x in spans]
    if offset + max(depths) < shape.layers[0]:
        j = int(np.argmax(sizes))
        want = min(shape.layers[0] - offset, sizes[j])
        if want > depths[j]:
            depths[j] = want
            ratios[j] = _ratio_for_depth(sizes[j], want)
    # Layer sizes and managers per layer; managers in layer k number round(size of layer k+1 / span).
    layer_plan = [_layer_sizes(size, depths[j], ratios[j]) for j, size in enumerate(sizes)]
    manager_plan = [np.clip(np.rint(sz[1:] / spans[j]), 1, sz[:-1]).astype(np.int64)
                    for j, sz in enumerate(layer_plan)]
    # A couple of managers with a single report: in the two largest departments where a layer has at
    # least two managers, the first manager of the deepest such layer gets one report.
    single_report: dict[int, int] = {}
    for j in np.argsort(-np.array(sizes[:k]), kind="stable"):
        several = np.flatnonzero(manager_plan[j] >= 2)
        if len(several) and len(single_report) < 2:
            single_report[int(j)] = int(several[-1])

    # The Executive Office: CEO, division heads, chief of staff, executive assistant.
    dept_parts = [np.zeros(n_exec, dtype=np.int64)]
    parent_parts = [np.concatenate([[-1], np.zeros(n_exec - 1, dtype=np.int64)])]
    layer_parts = [np.concatenate([[0], np.ones(n_exec - 1, dtype=np.int64)])]
    exec_roles = [_CEO] + [_DIVISION_HEAD] * len(divisions) + [_CHIEF_OF_STAFF, _ASSISTANT][:staff]
    role_parts = [np.array(exec_roles, dtype=np.int64)]
    bottom_parts = [np.zeros(n_exec, dtype=bool)]
    division_index = {d: 1 + i for i, d in enumerate(divisions)}
    head = np.full(len(departments), -1, dtype=np.int64)

    start = n_exec
    for code, (spec, size) in enumerate(zip(departments[1:], sizes), start=1):
        depth, layers = depths[code - 1], layer_plan[code - 1]
        first = start + np.concatenate([[0], np.cumsum(layers)[:-1]])  # first index of each layer
        parent = np.empty(size, dtype=np.int64)
        parent[0] = division_index.get(spec.division, 0)
        layer = np.repeat(np.arange(depth) + offset, layers)
        for lk in range(depth - 1):
            n_children = int(layers[lk + 1])
            m = int(manager_plan[code - 1][lk])
            managers = first[lk] + np.arange(m)
            if single_report.get(code - 1) == lk:
                spans_k = np.concatenate([[1], _spread(n_children - 1, m - 1, rng)])
            else:
                spans_k = _spread(n_children, m, rng)
            kids = np.repeat(managers, spans_k)[rng.permutation(n_children)]
            parent[first[lk + 1] - start:first[lk + 1] - start + n_children] = kids
        head[code] = start
        dept_parts.append(np.full(size, code, dtype=np.int64))
        parent_parts.append(parent)
        layer_parts.append(layer)
        role = np.full(size, _IC, dtype=np.int64)
        role[0] = _HEAD
        role_parts.append(role)
        bottom_parts.append(layer == offset + depth - 1)
        start += size

    dept = np.concatenate(dept_parts)
    parent = np.concatenate(parent_parts)
    layer = np.concatenate(layer_parts)
    role = np.concatenate(role_parts)
    bottom = np.concatenate(bottom_parts)

    height = np.zeros(n, dtype=np.int64)
    for lk in range(int(layer.max()), 0, -1):
        at = np.flatnonzero(layer == lk)
        np.maximum.at(height, parent[at], height[at] + 1)
    is_ic = (role == _IC) & (height == 0)
    role = np.where(is_ic & ~bottom, _SENIOR_IC, role)
    manager_role = np.select(
        [height == 1, height == 2, height == 3], [_TEAM_LEAD, _MANAGER, _SENIOR_MANAGER], _DIRECTOR
    )
    role = np.where((role == _IC) & (height > 0), manager_role, role)

    # Brokers: managers and senior people outside the silo and the Executive Office.
    candidates = np.flatnonzero((dept != 0) & (dept != silo) & (height >= 1) & (role != _HEAD))
    n_brokers = int(np.clip(n // 100, 3, 200)) if n >= 30 else 0
    brokers = np.sort(rng.choice(candidates, size=min(n_brokers, len(candidates)), replace=False))
    return _Organisation(
        stage, departments, dept, parent, layer, role, height, bottom, head, silo, brokers, divisions
    )


def _spread(total: int, parts: int, rng: np.random.Generator) -> np.ndarray:
    """``parts`` spans >= 1 summing to ``total``, with realistic variation."""
    weights = rng.gamma(4.0, size=parts)
    return 1 + rng.multinomial(total - parts, weights / weights.sum())


# --------------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------------


def _person_names(n: int, rng: np.random.Generator, zh: bool) -> np.ndarray:
    if zh:
        first, second = np.array(_SURNAME_ZH), np.array(_GIVEN_ZH)
        sep = ""
    else:
        first, second = np.array(_FIRST_EN), np.array(_LAST_EN)
        sep = " "
    a = first[rng.integers(0, len(first), n)]
    b = second[rng.integers(0, len(second), n)]
    return np.char.add(np.char.add(a, sep), b)


def _hire_dates(org: _Organisation, stage: str, rng: np.random.Generator) -> np.ndarray:
    shape = _SHAPES[stage]
    age_days = int(rng.uniform(*shape.founded_years) * 365.25)
    tenure = rng.exponential(shape.mean_tenure_years * 365.25, org.n)
    tenure = tenure + org.height * rng.uniform(0.0, 1.5 * 365.25, org.n)  # managers have been here longer
    tenure = np.minimum(tenure, age_days - rng.integers(0, 30, org.n))
    tenure[0] = age_days if stage != "large" else rng.uniform(2, 12) * 365.25  # founder or hired CEO
    return _AS_OF - np.maximum(tenure, 0).astype(np.int64).astype("timedelta64[D]")


def _people_table(org, ids, names, hire, order, stage, rng, zh) -> pd.DataFrame:
    n = org.n
    ic_level = rng.choice(np.array([1, 2, 3]), size=n, p=[0.35, 0.40, 0.25])
    level = np.where(_LEVEL_OF_ROLE[org.role] == 0, ic_level, _LEVEL_OF_ROLE[org.role])
    role = np.where((org.role == _IC) & (level == 3), _SENIOR_IC, org.role)

    title = np.empty(n, dtype=object)
    location = np.empty(n, dtype=object)
    shape = _SHAPES[stage]
    offices = np.array([o[1] if zh else o[0] for o in shape.offices], dtype=object)
    office_p = np.array([o[2] for o in shape.offices])
    location[:] = offices[rng.choice(len(offices), size=n, p=office_p)]
    for code, spec in enumerate(org.departments):
        members = np.flatnonzero(org.dept == code)
        titles = _titles(spec, zh)
        title[members] = np.array(titles, dtype=object)[role[members]]
        home = spec.home_zh if zh else spec.home_en
        if home:
            location[members] = home
    division_heads = np.flatnonzero(org.role == _DIVISION_HEAD)  # in the order of org.divisions
    title[division_heads] = [(_DIVISIONS[u][1] if zh else _DIVISIONS[u][0]) for u in org.divisions]
    location[0] = offices[0]

    dept_names = np.array([d.zh if zh else d.en for d in org.departments], dtype=object)
    manager = np.where(org.parent >= 0, ids[np.maximum(org.parent, 0)], "")
    table = pd.DataFrame({
        "employee_id": ids,
        "name": names,
        "department": dept_names[org.dept],
        "manager_id": manager,
        "title": title,
        "level": np.char.add("L", level.astype(str)),
        "location": location,
        "hire_date": np.datetime_as_string(hire, unit="D"),
    })
    return table.iloc[order].reset_index(drop=True)


def _titles(spec: _Dept, zh: bool) -> list[str]:
    """Title per role code for one department."""
    if zh:
        fn = spec.fn_zh
        titles = [spec.ic_zh, "高级" + spec.ic_zh, fn + "组长", fn + "经理", "高级" + fn + "经理", fn + "总监",
                  spec.zh + "负责人"]
        return titles + ["首席执行官", "", "总裁办主任", "总裁助理"]
    fn = spec.fn_en
    titles = [spec.ic_en, "Senior " + spec.ic_en, fn + " Team Lead", fn + " Manager", "Senior " + fn + " Manager",
              fn + " Director", "Head of " + spec.en]
    return titles + ["Chief Executive Officer", "", "Chief of Staff", "Executive Assistant"]


# --------------------------------------------------------------------------------------------------
# Communication
# --------------------------------------------------------------------------------------------------


def _groups(key: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """People sorted by ``key``: (members in order, start per key, size per key, position of each person)."""
    members = np.argsort(key, kind="stable")
    size = np.bincount(key, minlength=n_keys)
    start = np.concatenate([[0], np.cumsum(size)[:-1]])
    position = np.empty(len(key), dtype=np.int64)
    position[members] = np.arange(len(key)) - start[key[members]]
    return members, start, size, position


def _other_member(u, group, person, members, start, size, position) -> tuple[np.ndarray, np.ndarray]:
    """A uniformly chosen member of ``group`` other than ``person`` (ok is False where there is none)."""
    ok = size[group] >= 2
    j = np.floor(u * np.maximum(size[group] - 1, 1)).astype(np.int64)
    j = j + (j >= position[person])
    j = np.minimum(j, np.maximum(size[group] - 1, 0))
    return members[start[group] + j], ok


def _business_times(start: np.datetime64, end: np.datetime64, size: int, rng: np.random.Generator) -> np.ndarray:
    days = np.arange(start, end + 1, dtype="datetime64[D]")
    days = days[np.is_busday(days)]
    day = days[rng.integers(0, len(days), size)]
    seconds = (7.5 * 3600 + rng.beta(2.2, 2.2, size) * 11.5 * 3600).astype(np.int64)  # 07:30-19:00, peak 13:15
    return day.astype("datetime64[s]") + seconds.astype("timedelta64[s]")


def _add_working_hours(start: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """``start`` plus ``seconds`` of working time (08:00-19:00 on business days)."""
    day = start.astype("datetime64[D]")
    tod = np.clip((start - day.astype("datetime64[s]")).astype(np.int64), _DAY_START, _DAY_END)
    total = tod - _DAY_START + seconds
    days, rest = np.divmod(total, _DAY_END - _DAY_START)
    end_day = np.busday_offset(day, days, roll="forward")
    return end_day.astype("datetime64[s]") + (_DAY_START + rest).astype("timedelta64[s]")


def _communication_table(org: _Organisation, ids: np.ndarray, width: int, rng) -> pd.DataFrame:
    n, n_dept = org.n, len(org.departments)
    is_broker = np.zeros(n, dtype=bool)
    is_broker[org.brokers] = True
    broker_rate = 30.0
    base = max((10.0 * n - broker_rate * len(org.brokers)) / max(n - len(org.brokers), 1), 1.0)
    counts = rng.poisson(np.where(is_broker, broker_rate, base))
    src = np.repeat(np.arange(n), counts)
    r = len(src)

    in_silo = org.dept[src] == org.silo
    p_out = np.where(is_broker[src], 0.70, np.where(in_silo, 0.01, 0.23))
    p_manager, p_team = 0.15, 0.30
    u = rng.random(r)
    pick = rng.random(r)
    target = np.full(r, -1, dtype=np.int64)

    # Another department: anyone outside the silo and outside one's own department.
    pool = np.flatnonzero(org.dept != org.silo) if org.silo >= 0 else np.arange(n)
    out = u >= 1.0 - p_out
    idx = np.flatnonzero(out)
    cand = pool[np.floor(pick[idx] * len(pool)).astype(np.int64)]
    for _ in range(8):  # redraw the few that landed in the sender's own department
        same = org.dept[cand] == org.dept[src[idx]]
        if not same.any():
            break
        cand[same] = pool[rng.integers(0, len(pool), int(same.sum()))]
    target[idx] = cand

    # Own manager.
    idx = np.flatnonzero((u < p_manager) & (org.parent[src] >= 0))
    target[idx] = org.parent[src[idx]]

    # Team: a manager talks to a report half the time; otherwise a colleague with the same manager.
    has_parent = org.parent >= 0
    sib = _groups(np.where(has_parent, org.parent, n), n + 1)
    kid_members, kid_start, kid_size, _ = sib
    team = np.flatnonzero((u >= p_manager) & (u < p_manager + p_team) & (target < 0))
    s = src[team]
    to_report = (kid_size[s] > 0) & (rng.random(len(team)) < 0.5)
    j = kid_start[s] + np.floor(pick[team] * np.maximum(kid_size[s], 1)).astype(np.int64)
    t = kid_members[np.minimum(j, n - 1)]
    peer, peer_ok = _other_member(pick[team], np.where(has_parent[s], org.parent[s], n), s, *sib)
    t = np.where(to_report, t, np.where(peer_ok & has_parent[s], peer, -1))
    target[team] = t

    # Everything else (and every fallback): a colleague in the same department.
    # Fallbacks (nobody to pick, or a redraw that came back to the sender): the manager, else a report.
    rest = np.flatnonzero((target < 0) | (target == src))
    colleague, ok = _other_member(pick[rest], org.dept[src[rest]], src[rest], *_groups(org.dept, n_dept))
    fallback = np.where(org.parent[src[rest]] >= 0, org.parent[src[rest]], kid_members[kid_start[src[rest]] % n])
    target[rest] = np.where(ok, colleague, fallback)

    channel = _CHANNELS[rng.choice(3, size=r, p=[0.45, 0.40, 0.15])]
    when = _business_times(_COMM_START, _AS_OF, r, rng)

    # Rows the loader must drop: one to three self-messages and one to three unknown ids.
    n_self, n_unknown = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    selves = rng.integers(0, n, n_self)
    unknown_src = rng.integers(0, n, n_unknown)
    unknown_ids = np.array([f"E{org.n + 1 + i:0{width}d}" for i in range(n_unknown)], dtype=object)  # leavers
    src_ids = np.concatenate([ids[src], ids[selves], ids[unknown_src]])
    tgt_ids = np.concatenate([ids[target], ids[selves], unknown_ids])
    channel = np.concatenate([channel, _CHANNELS[rng.integers(0, 3, n_self + n_unknown)]])
    when = np.concatenate([when, _business_times(_COMM_START, _AS_OF, n_self + n_unknown, rng)])

    order = np.argsort(when, kind="stable")
    return pd.DataFrame({
        "source_id": src_ids[order],
        "target_id": tgt_ids[order],
        "weight": np.ones(len(order), dtype=np.int64),
        "channel": channel[order],
        "timestamp": np.datetime_as_string(when[order], unit="s"),
    })


# --------------------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------------------


#: Chance that a decision raised at least :data:`_PARKED_AFTER_DAYS` before the as-of date was never decided
#: (parked), per decision type (budget and hiring most often).
_PARKED_P = np.array([0.25, 0.25, 0.06, 0.06, 0.03, 0.06])
_PARKED_AFTER_DAYS = 30


def _decisions_table(org: _Organisation, ids: np.ndarray, rng, park_rng) -> tuple[pd.DataFrame, np.ndarray]:
    n = org.n
    count = int(min(20_000, max(1, round(n / 3))))
    candidates = np.flatnonzero(org.parent >= 0)
    w = np.where(org.height[candidates] > 0, 3.0, 1.0)
    initiator = rng.choice(candidates, size=count, p=w / w.sum())
    kind = rng.choice(len(_DECISION_TYPES), size=count, p=_DECISION_P)

    high = kind <= 1  # budget and hiring go higher
    hops = np.where(high, 2 + rng.poisson(0.8, count), 1 + rng.poisson(0.4, count))
    hops = np.clip(hops, 1, org.layer[initiator])

    max_hops = int(hops.max())
    path = np.full((count, max_hops + 1), -1, dtype=np.int64)
    path[:, 0] = initiator
    for k in range(1, max_hops + 1):
        path[:, k] = np.where(path[:, k - 1] >= 0, org.parent[np.maximum(path[:, k - 1], 0)], -1)
    decider = path[np.arange(count), hops]

    # Approvers: people strictly between initiator and decider, each with a type-dependent chance.
    steps = np.arange(max_hops + 1)
    between = (steps[None, :] >= 1) & (steps[None, :] < hops[:, None])
    approve = between & (rng.random((count, max_hops + 1)) < _APPROVAL_P[kind][:, None])

    # Cross-department decisions: the head of the function that owns the decision type decides, after
    # the initiator's own manager approved (when that manager is not the head of another department).
    cross = np.zeros(count, dtype=bool)
    cross_roll = rng.random(count)
    for t, function in enumerate(_CROSS_FUNCTION):
        if function is None:
            continue
        codes = [c for c, d in enumerate(org.departments) if function in d.functions and c > 0]
        if not codes:
            continue
        owner_head = org.head[codes[0]]
        chosen = (kind == t) & (cross_roll < 0.12) & (org.dept[initiator] != codes[0])
        chosen &= (initiator != owner_head) & (org.dept[initiator] != 0)
        cross |= chosen
        decider = np.where(chosen, owner_head, decider)
    approve[cross] = False
    manager_ok = cross & (org.parent[initiator] >= 0) & (path[:, 1] != decider)
    approve[:, 1] |= manager_ok
    n_approvers = approve.sum(axis=1)

    approvers = pd.Series([""] * count, dtype=object)
    for k in range(1, max_hops + 1):
        add = approve[:, k]
        if add.any():
            names = ids[np.maximum(path[:, k], 0)]
            approvers = approvers.where(~add, approvers + np.where(approvers == "", "", ";") + names)

    hops = np.where(cross, 2, hops)  # for the latency: up to one's manager, across to the other head
    typical_hours = 3.0 * (1 + hops) * (1 + 0.6 * n_approvers) * _DECISION_SLOWNESS[kind] * np.where(cross, 1.8, 1)
    latency = (rng.lognormal(0.0, 0.8, count) * typical_hours * 3600).astype(np.int64)
    raised = _business_times(_DECISION_START, _AS_OF, count, rng)
    decided = _add_working_hours(raised, latency)
    still_open = decided > _AS_OF.astype("datetime64[s]") + np.timedelta64(86399, "s")
    # Parked: some decisions raised over a month before the as-of date were never decided. Their own random
    # stream leaves every other file, and every other decision, the same bytes.
    old_enough = raised < (_AS_OF - np.timedelta64(_PARKED_AFTER_DAYS, "D")).astype("datetime64[s]")
    still_open |= old_enough & (park_rng.random(count) < _PARKED_P[kind])
    decided_text = np.where(still_open, "", np.datetime_as_string(decided, unit="s"))

    order = np.argsort(raised, kind="stable")
    width = max(4, len(str(count)))
    table = pd.DataFrame({
        "decision_id": np.char.add("D", np.char.zfill(np.arange(1, count + 1).astype(str), width)),
        "decision_type": _DECISION_TYPES[kind][order],
        "initiator_id": ids[initiator][order],
        "decider_id": ids[decider][order],
        "approvers": approvers.to_numpy()[order],
        "raised_at": np.datetime_as_string(raised, unit="s")[order],
        "decided_at": decided_text[order],
    })
    # Mean hops per initiating department (the survey's decision_speed responds to it).
    in_line_hops = np.where(cross, np.nan, hops.astype(float))
    hops_by_dept = np.full(len(org.departments), np.nan)
    frame = pd.DataFrame({"dept": org.dept[initiator], "hops": in_line_hops}).groupby("dept")["hops"].mean()
    hops_by_dept[frame.index.to_numpy()] = frame.to_numpy()
    return table, hops_by_dept


# --------------------------------------------------------------------------------------------------
# Survey
# --------------------------------------------------------------------------------------------------


def _survey_table(org, ids, items: pd.DataFrame, hops_by_dept, rng, zh, *, pool=None, dept_effect=None,
                  shift=()) -> tuple[pd.DataFrame, np.ndarray]:
    """One survey wave and the department effects it used (``pool``: who may answer, default everyone;
    ``shift``: ``(dimension, in the silo, everywhere)`` changes of the latent score)."""
    n, n_dept = org.n, len(org.departments)
    if pool is None:
        n_responses = max(1, int(round(rng.uniform(0.70, 0.85) * n)))
        who = rng.choice(n, size=n_responses, replace=False)  # in the order the answers came in
    else:
        n_responses = max(1, int(round(rng.uniform(0.70, 0.85) * len(pool))))
        who = pool[rng.choice(len(pool), size=n_responses, replace=False)]
    m = len(who)

    dimensions = list(dict.fromkeys(items["dimension"]))
    dim_index = items["dimension"].map({d: i for i, d in enumerate(dimensions)}).to_numpy()
    means = np.array([_DIMENSION_MEAN.get(d, 3.5) for d in dimensions])
    person = rng.normal(0.0, 0.45, m)
    if dept_effect is None:
        dept_effect = rng.normal(0.0, 0.15, (n_dept, len(dimensions)))
    latent = means[None, :] + person[:, None] + dept_effect[org.dept[who]] + rng.normal(0.0, 0.35, (m, len(dimensions)))

    d = org.dept[who]
    silo = (d == org.silo)[:, None]
    for dim, drop in (("communication", 1.0), ("collaboration", 0.5)):
        if dim in dimensions:
            latent[:, dimensions.index(dim)] -= np.where(silo[:, 0], drop, 0.0)
    if "decision_speed" in dimensions:
        hops = np.nan_to_num(hops_by_dept, nan=np.nanmean(hops_by_dept) if np.isfinite(hops_by_dept).any() else 0)
        latent[:, dimensions.index("decision_speed")] -= 0.12 * org.layer[who] + 0.35 * (hops[d] - hops.mean())
    for dim, in_silo, everywhere in shift:
        if dim in dimensions:
            latent[:, dimensions.index(dim)] += everywhere + np.where(silo[:, 0], in_silo, 0.0)

    reverse = (items["reverse"] == "true").to_numpy()
    answers = np.rint(latent[:, dim_index] + rng.normal(0.0, 0.6, (m, len(items))))
    answers = np.clip(answers, 1, 5).astype(np.int64)
    answers = np.where(reverse[None, :], 6 - answers, answers)
    missing = rng.random(answers.shape) < 0.02

    dept_names = np.array([x.zh if zh else x.en for x in org.departments], dtype=object)
    table = pd.DataFrame({"respondent_id": ids[who], "department": dept_names[d]})
    values = pd.DataFrame(answers, columns=items["item"].tolist()).astype("Int64").mask(missing)
    return pd.concat([table, values], axis=1), dept_effect


# --------------------------------------------------------------------------------------------------
# Responsibilities
# --------------------------------------------------------------------------------------------------


def _responsibilities_table(org: _Organisation, zh: bool) -> pd.DataFrame:
    depts = org.departments
    by_function: dict[str, list[int]] = {}
    for code, spec in enumerate(depts):
        for f in spec.functions:
            by_function.setdefault(f, []).append(code)
    rows = []
    for en, cn, assignments in _RACI:
        for function, role in assignments:
            codes = by_function.get(function)
            if not codes:  # a function this company has no department for
                if role not in ("A", "R"):
                    continue
                codes = [0]  # the Executive Office holds it
            for code in codes[:1] if role == "A" else codes:
                rows.append((cn if zh else en, code, role))
    table = pd.DataFrame(rows, columns=["responsibility", "code", "role"])
    # One role per department and responsibility, except a department may be both R and A.
    strength = table["role"].map({"A": 0, "R": 1, "C": 2, "I": 3})
    table = table.assign(strength=strength).drop_duplicates(["responsibility", "code", "role"])
    best = table.groupby(["responsibility", "code"], sort=False)["strength"].transform("min")
    keep = (table["strength"] == best) | ((best == 0) & (table["role"] == "R"))
    table = table[keep]
    names = np.array([d.zh if zh else d.en for d in depts], dtype=object)
    return pd.DataFrame({
        "responsibility": table["responsibility"].to_numpy(),
        "department": names[table["code"].to_numpy()],
        "role": table["role"].to_numpy(),
    })
