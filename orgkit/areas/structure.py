"""Structure fit: layers, spans of control, department coverage against the framework, RACI clarity.

:func:`analyze_structure` is the one entry point a report calls; the metric functions it composes
(:func:`span_distribution`, :func:`min_layers`, :func:`department_coverage`, :func:`raci_findings`,
:func:`fit_score`) are public so they can be tested and reused on their own.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from orgkit.data.client import Client
from orgkit.errors import ConfigError
from orgkit.framework import (
    FUNCTIONS,
    STAGE_EXPECTATIONS,
    StageDecision,
    decide_stage,
    department_mapping,
    title_functions,
    function_label,
    map_departments,
)
from orgkit.industries import PROFILES, IndustryDecision, expectation, infer_industry
from orgkit.data.hierarchy import Hierarchy
from orgkit.files.jsonsafe import to_jsonable
from orgkit.privacy import suppress_small_groups
from orgkit.thresholds import DEFAULTS, Thresholds

__all__ = [
    "SPAN_BANDS",
    "SCORE_WEIGHTS",
    "StructureResult",
    "Coverage",
    "Placement",
    "placement",
    "describe_placement",
    "analyze_structure",
    "span_distribution",
    "min_layers",
    "department_coverage",
    "raci_findings",
    "fit_score",
]

logger = logging.getLogger(__name__)

#: Span-of-control bands: (label, lowest span, highest span or None for open-ended).
SPAN_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("1", 1, 1),
    ("2-3", 2, 3),
    ("4-7", 4, 7),
    ("8-12", 8, 12),
    ("13-16", 13, 16),
    ("17+", 17, None),
)

#: Nominal weights of the fit-score components (the defaults of ``structure.weight.*`` in
#: :mod:`orgkit.thresholds`; unavailable components are left out and the others renormalised).
SCORE_WEIGHTS: dict[str, float] = DEFAULTS.weights("structure.weight")


def _measures(th: Thresholds) -> dict[str, str]:
    """What each fit-score component measures, with the client's thresholds in the sentences."""
    lo, hi = th["structure.span.healthy_min"], th["structure.span.healthy_max"]
    zero_at = th["structure.layers.excess_zero_at"]
    return {
        "span_health": (
            f"Share of managers whose span of control is {lo}-{hi} direct reports "
            "(classical guidance of about 4-8 widened to the 8-12 of modern practice: Urwick 1956; "
            "Van Fleet & Bedeian 1977; McKinsey 2017)."
        ),
        "layer_excess": (
            f"1 - excess_layers / {zero_at}, clipped to [0, 1]: each layer beyond the minimum needed for this "
            f"headcount at the observed mean span costs {'a third' if zero_at == 3 else f'1/{zero_at}'}."
        ),
        "single_report_managers": "1 - share of managers with exactly one direct report.",
        "function_coverage": "Share of the stage's core functions that have a department.",
        "split_merge_fit": (
            "Share of structure checks passed: each present function not split over more departments than "
            "the stage expects, each mapped department not overloaded, the startup over-split check and the "
            "large-firm business-unit check."
        ),
        "raci_clarity": (
            "Share of responsibilities with exactly one accountable department, at least one responsible "
            "department and no overlapping responsible departments."
        ),
    }


_HIERARCHY_KEYS = (
    "layers", "managers", "people_per_manager", "span_mean", "span_median", "span_max", "span_bands",
    "single_report_managers", "single_report_share", "min_layers", "excess_layers", "layer_sizes",
)

_NO_HIERARCHY = (
    "people has no manager_id column, so layers, managers and spans of control cannot be computed; "
    "add each person's manager to people to get them."
)


# ------------------------------------------------------------------------------------------- results

@dataclass(frozen=True, eq=False)
class StructureResult:
    """What :func:`analyze_structure` found.

    Attributes
    ----------
    metrics : dict
        JSON-safe numbers and findings (plain Python types, NaN as None); see :func:`analyze_structure`.
    score : float or None
        The fit score, 0-100 (same as ``metrics["fit_score"]``).
    spans : DataFrame
        One row per manager: ``employee_id``, ``department``, ``span``, ``depth`` (largest span first).
    span_distribution : DataFrame
        ``band``, ``managers``, ``share`` per :data:`SPAN_BANDS` band.
    layers : DataFrame
        ``depth``, ``people``.
    departments : DataFrame
        Per department (display table, small departments suppressed): ``department``, ``headcount``,
        ``managers``, ``span_mean``, ``layers``, ``functions``, ``suppressed``.
    coverage : DataFrame
        Per framework function: ``function``, ``label``, ``core``, ``expected_separate``,
        ``departments``, ``n_departments``, ``status``.
    raci_issues : DataFrame
        ``responsibility``, ``issue``, ``role``, ``departments``, ``n_departments``.
    """

    metrics: dict[str, Any]
    score: float | None
    spans: pd.DataFrame
    span_distribution: pd.DataFrame
    layers: pd.DataFrame
    departments: pd.DataFrame
    coverage: pd.DataFrame
    raci_issues: pd.DataFrame


@dataclass(frozen=True, eq=False)
class Coverage:
    """Department coverage of the framework at one stage (see :func:`department_coverage`).

    Attributes
    ----------
    stage : str
    functions : dict
        Function code -> departments carrying it (every framework function is a key).
    functions_missing, functions_split : list of str
        Function codes.
    departments_overloaded, unmapped_departments : list of str
        Department names.
    units : list of dict
        ``{"department", "functions", "unit_kind"}`` for each regional or business-unit department.
    over_split : bool or None
        More departments than the stage allows for the headcount (None when the stage has no such check).
    units_missing : bool or None
        No region or business unit at a stage that expects them (None when the stage does not).
    checks, findings : int
        Structure checks made and failed (the ``split_merge_fit`` component is ``1 - findings/checks``).
    core_covered, core_total : int
        Core groups with a department, and core groups (``core_covered`` is None when not assessed).
    table : DataFrame
        The ``coverage`` table of :class:`StructureResult`.
    industry : str
        The industry profile judged against (:mod:`orgkit.industries`).
    assessed : bool
        Whether coverage was judged (False: no function is reported missing).
    """

    stage: str
    functions: dict[str, list[str]]
    functions_missing: list[str]
    functions_split: list[str]
    departments_overloaded: list[str]
    unmapped_departments: list[str]
    units: list[dict[str, Any]]
    over_split: bool | None
    units_missing: bool | None
    checks: int
    findings: int
    core_covered: int | None
    core_total: int
    table: pd.DataFrame = field(repr=False)
    industry: str = "general"
    assessed: bool = True


# ----------------------------------------------------------------------------------- metric functions

def span_distribution(spans: Iterable[int] | np.ndarray) -> pd.DataFrame:
    """Managers per span-of-control band.

    Parameters
    ----------
    spans : array-like of int
        The span (number of direct reports, >= 1) of each manager.

    Returns
    -------
    DataFrame
        One row per :data:`SPAN_BANDS` band in order: ``band`` (str), ``managers`` (int64), ``share``
        (float64, managers in the band / all managers).

    Notes
    -----
    The bands are 1, 2-3, 4-7, 8-12, 13-16 and 17+. With no managers every count is 0 and every share
    is NaN (a share of nothing is undefined, not zero).

    References
    ----------
    .. [1] Van Fleet, D. D., & Bedeian, A. G. (1977). A history of the span of management. *Academy of
       Management Review*, 2(3), 356-372. https://doi.org/10.5465/amr.1977.4281795

    Examples
    --------
    >>> span_distribution([1, 3, 5])["managers"].tolist()
    [1, 1, 1, 0, 0, 0]
    """
    s = np.asarray(list(spans) if not isinstance(spans, np.ndarray) else spans, dtype=np.int64)
    counts = []
    for _, lo, hi in SPAN_BANDS:
        m = s >= lo if hi is None else (s >= lo) & (s <= hi)
        counts.append(int(m.sum()))
    total = len(s)
    return pd.DataFrame(
        {
            "band": pd.Series([b[0] for b in SPAN_BANDS], dtype="str"),
            "managers": pd.Series(counts, dtype="int64"),
            "share": pd.Series([c / total if total else np.nan for c in counts], dtype="float64"),
        }
    )


def min_layers(n: int, mean_span: float | None) -> int | None:
    """The fewest layers that can hold ``n`` people when every manager has ``mean_span`` reports.

    Parameters
    ----------
    n : int
        Headcount.
    mean_span : float or None
        Mean span of control over managers.

    Returns
    -------
    int or None
        The smallest ``L`` with ``sum(s**k for k in range(L)) >= n``.

    Notes
    -----
    A full tree with branching ``s`` holds :math:`\\sum_{k=0}^{L-1} s^k` people in ``L`` layers. Degenerate
    cases: ``n = 0`` gives 0 and ``n = 1`` gives 1 whatever the span; ``s <= 1`` gives ``n`` (a chain:
    each layer adds at most one person; a mean span below 1 cannot arise from real managers, who have at
    least one report each); a missing span with ``n > 1`` (nobody manages anyone) gives None.

    References
    ----------
    .. [1] Meier, K. J., & Bohte, J. (2000). Ode to Luther Gulick: Span of control and organizational
       performance. *Administration & Society*, 32(2), 115-137.
       https://doi.org/10.1177/00953990022019371

    Examples
    --------
    >>> min_layers(21, 4.0)  # 1 + 4 + 16 = 21
    3
    >>> min_layers(22, 4.0)
    4
    >>> min_layers(5, 1.0)
    5
    """
    n = int(n)
    if n <= 1:
        return max(n, 0)
    if mean_span is None or not math.isfinite(float(mean_span)):
        return None
    s = float(mean_span)
    if s <= 1.0:
        return n
    total, term, layers = 0.0, 1.0, 0
    while total < n - 1e-9:
        total += term
        term *= s
        layers += 1
    return layers


def department_coverage(
    departments: Iterable[str],
    stage: str,
    *,
    headcount: int | None = None,
    language: str = "en",
    mapping: pd.DataFrame | None = None,
    industry: str = "general",
    assessed: bool = True,
    held_by_titles: Iterable[str] = (),
) -> Coverage:
    """Compare a company's departments with what the framework expects at its stage.

    Parameters
    ----------
    departments : iterable of str
        Department names (duplicates are folded; pass ``people["department"]`` as it is).
    stage : {"startup", "mid", "large"}
        A resolved stage (see :func:`orgkit.framework.resolve_stage`).
    headcount : int, optional
        Number of people, for the startup over-split check (default: the number of names given).
    language : {"en", "zh"}
        Language of the function labels in the table.
    mapping : DataFrame, optional
        :func:`orgkit.framework.department_mapping` of the company: departments are then placed by all the
        evidence (name, path, titles, ``client.yml``) and only ``placed`` ones carry functions. Without it
        each name is mapped with :func:`orgkit.framework.classify_department` alone.
    industry : str
        The industry profile (:data:`orgkit.industries.PROFILES`) whose core groups apply.
    assessed : bool
        False when too few people are in confidently placed departments to say a function is missing
        (``structure.coverage.min_mapped_share``): ``functions_missing`` is then empty, ``core_covered``
        None and a core function without a department has the status ``not_assessed``.
    held_by_titles : iterable of str
        Functions some person's job title points to (:func:`orgkit.framework.title_functions`): a core
        function held only by people inside other departments is not missing (status ``within``).

    Returns
    -------
    Coverage

    Notes
    -----
    The expectation is :func:`orgkit.industries.expectation` of the stage and industry; it decides:

    - ``functions_missing``: a core group with no department (reported by its first function);
    - ``functions_split``: a function carried by more than ``max_departments_per_function``
      departments (at the large stage departments recognised as regions or business units are not
      counted: splitting by region or unit is what large firms do);
    - ``departments_overloaded``: a department with several framework functions where one of them is in
      ``no_merge``, or with more than ``max_functions_per_department``;
    - ``unmapped_departments``: names with neither a framework nor an other-known function (legal,
      总经办, procurement, quality, strategy, admin, safety are known but not framework functions);
    - ``over_split`` (startup): more departments than ``max(3, headcount // 6)``;
    - ``units_missing`` (large): no regional or business-unit department.

    Function status in the table: ``missing`` (core, no department and nobody's title; the alternatives
    of a missing group too), ``not_assessed`` (no department, coverage not assessed: core or not, nothing
    is known to be absent), ``within`` (no department of its own, but people whose
    titles say they do it work in other departments), ``covered`` (core, no department, but an alternative of its core
    group has one), ``not_applicable`` (the industry has no such function), ``absent`` (not core, no
    department), ``split``, ``merged`` (every department carrying it carries another framework function
    too) or ``present``. With no departments every core group is missing.

    References
    ----------
    .. [1] Mintzberg, H. (1980). Structure in 5's: A synthesis of the research on organization design.
       *Management Science*, 26(3), 322-341. https://doi.org/10.1287/mnsc.26.3.322

    Examples
    --------
    >>> cov = department_coverage(["Sales & Marketing", "Engineering", "Product"], "mid")
    >>> cov.departments_overloaded, cov.functions_missing
    (['Sales & Marketing'], ['customer_service', 'finance', 'hr'])
    """
    if stage not in STAGE_EXPECTATIONS:
        raise ConfigError(f"stage must be one of {list(STAGE_EXPECTATIONS)}. Got {stage!r} instead.")
    if not isinstance(departments, (pd.Series, pd.Index, np.ndarray)):
        departments = list(departments)
    if headcount is None:
        headcount = len(departments)
    exp = expectation(stage, industry)
    profile = PROFILES[industry]
    if mapping is None:
        # duplicates folded before the per-name work: one str() per distinct name, not per person
        m = map_departments(str(d) for d in pd.unique(np.asarray(departments, dtype=object)))
    else:
        placed = mapping["placed"].to_numpy(dtype=bool)
        m = pd.DataFrame({
            "department": mapping["department"].astype("str"),
            "functions": [list(fs) if ok else [] for fs, ok in zip(mapping["functions"], placed)],
            "unit_kind": mapping["unit_kind"],
            "mapped": [bool(fs) and ok for fs, ok in zip(mapping["functions"], placed)],
            "known": placed,
        })
    unit_of = dict(zip(m["department"], m["unit_kind"]))
    funcs_of = dict(zip(m["department"], m["functions"]))

    functions: dict[str, list[str]] = {f: [] for f in FUNCTIONS}
    for dept, fs in funcs_of.items():
        for f in fs:
            functions[f].append(dept)
    present = {f for f, ds in functions.items() if ds}

    held = {f for f in (held_by_titles or ()) if f in FUNCTIONS} - present
    # a core group none of whose functions has a department, nor anybody whose title says they do it
    uncovered = [g[0] for g in exp.core if not any(f in present or f in held for f in g)]
    missing = uncovered if assessed else []
    split = []
    for f in FUNCTIONS:
        counted = functions[f]
        if stage == "large":
            counted = [d for d in counted if not isinstance(unit_of[d], str)]
        if len(counted) > exp.max_departments_per_function:
            split.append(f)
    overloaded = []
    for dept, fs in funcs_of.items():
        if len(fs) < 2:
            continue
        too_many = exp.max_functions_per_department is not None and len(fs) > exp.max_functions_per_department
        if too_many or any(f in exp.no_merge for f in fs):
            overloaded.append(dept)
    unmapped = m.loc[~m["known"], "department"].tolist()
    units = [
        {"department": d, "functions": list(funcs_of[d]), "unit_kind": unit_of[d]}
        for d in m["department"]
        if isinstance(unit_of[d], str)
    ]
    allowed = exp.allowed_departments(headcount)
    over_split = None if allowed is None else bool(len(m) > allowed)
    # units are read from department names: not judged when the names could not be read
    units_missing = bool(not units) if exp.units_expected and assessed else None

    checks = len(present) + int(m["mapped"].sum()) + (over_split is not None) + (units_missing is not None)
    findings = len(split) + len(overloaded) + bool(over_split) + bool(units_missing)

    core_fns = set(exp.core_functions)
    # every function of a group none of whose functions has a department shares the group's status
    # (the group is reported by its first function): its alternatives are not "covered"
    group_head = {f: g[0] for g in exp.core if g[0] in uncovered for f in g}
    status = []
    for f in FUNCTIONS:
        ds = functions[f]
        if not ds:
            # a core function whose group is covered by an alternative (a startup's R&D standing in
            # for technical support) is not missing, but not "not needed" either; without enough placed
            # departments nothing is known to be absent
            head = group_head.get(f)
            status.append("within" if f in held
                          else "missing" if head in missing else "not_assessed" if head is not None
                          else "not_applicable" if f in profile.not_applicable
                          else "not_assessed" if not assessed
                          else "covered" if f in core_fns else "absent")
        elif f in split:
            status.append("split")
        elif all(len(funcs_of[d]) > 1 for d in ds):
            status.append("merged")
        else:
            status.append("present")
    table = pd.DataFrame(
        {
            "function": pd.Series(list(FUNCTIONS), dtype="str"),
            "label": pd.Series([function_label(f, language) for f in FUNCTIONS], dtype="str"),
            "core": pd.Series([f in core_fns for f in FUNCTIONS], dtype=bool),
            "expected_separate": pd.Series([f in exp.separate for f in FUNCTIONS], dtype=bool),
            "departments": pd.Series(["; ".join(functions[f]) for f in FUNCTIONS], dtype="str"),
            "n_departments": pd.Series([len(functions[f]) for f in FUNCTIONS], dtype="int64"),
            "status": pd.Series(status, dtype="str"),
        }
    )
    return Coverage(
        stage=stage,
        functions=functions,
        functions_missing=missing,
        functions_split=split,
        departments_overloaded=overloaded,
        unmapped_departments=unmapped,
        units=units,
        over_split=over_split,
        units_missing=units_missing,
        checks=int(checks),
        findings=int(findings),
        core_covered=len(exp.core) - len(missing) if assessed else None,
        core_total=len(exp.core),
        table=table,
        industry=industry,
        assessed=assessed,
    )


_RACI_ISSUE_COLUMNS = ("responsibility", "issue", "role", "departments", "n_departments")


def _empty_raci_issues() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype="int64" if c == "n_departments" else "str") for c in _RACI_ISSUE_COLUMNS}
    )


def raci_findings(responsibilities: pd.DataFrame) -> tuple[dict[str, Any], pd.DataFrame]:
    """Gaps and overlaps in a RACI table: no accountable, several accountable, no responsible, overlaps.

    Parameters
    ----------
    responsibilities : DataFrame
        ``responsibility``, ``department``, ``role`` (``R``, ``A``, ``C`` or ``I``), one row per
        assignment (repeated rows count once).

    Returns
    -------
    summary : dict
        JSON-safe: ``responsibilities`` (count), ``no_accountable``, ``multiple_accountable``,
        ``no_responsible`` (lists of responsibilities) with ``*_count``, ``overlaps`` (list of
        ``{"responsibility", "role", "departments"}`` where more than one department holds ``A`` or
        ``R``), ``overlaps_count``, ``clear`` and ``clear_share``.
    issues : DataFrame
        One row per issue: ``responsibility``, ``issue`` (``no_accountable``, ``multiple_accountable``,
        ``no_responsible``, ``overlapping_responsible``), ``role``, ``departments`` (``"; "``-joined),
        ``n_departments``.

    Notes
    -----
    "No overlaps, no gaps": every responsibility needs exactly one accountable (``A``) department and
    at least one responsible (``R``) department; two departments both ``A``, or both ``R``, on the same
    responsibility overlap. A responsibility is *clear* when it has exactly one ``A``, exactly one
    department with ``R`` (which may be the ``A`` department). ``clear_share`` is clear / all, None for
    an empty table.

    References
    ----------
    .. [1] Project Management Institute (2017). *A Guide to the Project Management Body of Knowledge
       (PMBOK Guide)*, 6th ed., Resource Management: the responsibility assignment (RACI) matrix.

    Examples
    --------
    >>> r = pd.DataFrame({"responsibility": ["pay", "pay", "hire"], "department": ["Finance", "HR", "HR"],
    ...                   "role": ["A", "A", "R"]})
    >>> summary, _ = raci_findings(r)
    >>> summary["multiple_accountable"], summary["no_accountable"], summary["no_responsible"]
    (['pay'], ['hire'], ['pay'])
    """
    r = responsibilities[["responsibility", "department", "role"]].drop_duplicates()
    names = pd.unique(r["responsibility"])
    index = pd.Index(names, dtype="str")

    def holders(role: str) -> pd.Series:
        sub = r[r["role"] == role]
        lists = sub.groupby("responsibility", sort=False)["department"].agg(lambda s: sorted(set(s)))
        return lists.reindex(index).apply(lambda v: v if isinstance(v, list) else [])

    a, rr = holders("A"), holders("R")
    n_a, n_r = a.str.len(), rr.str.len()
    no_a = index[(n_a == 0).to_numpy()].tolist()
    multi_a = index[(n_a > 1).to_numpy()].tolist()
    no_r = index[(n_r == 0).to_numpy()].tolist()
    multi_r = index[(n_r > 1).to_numpy()].tolist()
    clear = int(((n_a == 1) & (n_r == 1)).sum())

    overlaps = [{"responsibility": x, "role": "A", "departments": a[x]} for x in multi_a]
    overlaps += [{"responsibility": x, "role": "R", "departments": rr[x]} for x in multi_r]
    summary = {
        "responsibilities": len(index),
        "no_accountable": no_a,
        "no_accountable_count": len(no_a),
        "multiple_accountable": multi_a,
        "multiple_accountable_count": len(multi_a),
        "no_responsible": no_r,
        "no_responsible_count": len(no_r),
        "overlaps": overlaps,
        "overlaps_count": len(overlaps),
        "clear": clear,
        "clear_share": clear / len(index) if len(index) else None,
    }
    rows = [(x, "no_accountable", "A", []) for x in no_a]
    rows += [(x, "multiple_accountable", "A", a[x]) for x in multi_a]
    rows += [(x, "no_responsible", "R", []) for x in no_r]
    rows += [(x, "overlapping_responsible", "R", rr[x]) for x in multi_r]
    if not rows:
        return summary, _empty_raci_issues()
    issues = pd.DataFrame(
        {
            "responsibility": pd.Series([x[0] for x in rows], dtype="str"),
            "issue": pd.Series([x[1] for x in rows], dtype="str"),
            "role": pd.Series([x[2] for x in rows], dtype="str"),
            "departments": pd.Series(["; ".join(x[3]) for x in rows], dtype="str"),
            "n_departments": pd.Series([len(x[3]) for x in rows], dtype="int64"),
        }
    )
    return summary, issues


def fit_score(values: Mapping[str, float | None], weights: Mapping[str, float] | None = None,
              measures: Mapping[str, str] | None = None) -> tuple[float | None, list[dict[str, Any]]]:
    """Combine component values (0-1, None when unavailable) into a 0-100 score.

    Parameters
    ----------
    values : mapping
        Component name -> value in [0, 1], or None when the component cannot be computed.
    weights : mapping, optional
        Component name -> nominal weight (default :data:`SCORE_WEIGHTS`).
    measures : mapping, optional
        Component name -> what it measures (default: the sentences for the default thresholds).

    Returns
    -------
    score : float or None
        :math:`100 \\sum_i w_i v_i / \\sum_i w_i` over available components, rounded to one decimal;
        None when no component is available.
    components : list of dict
        Per component: ``name``, ``weight`` (nominal), ``effective_weight`` (renormalised; 0 when
        unavailable), ``value``, ``available``, ``measures``.

    Notes
    -----
    Leaving an unavailable component out and renormalising the others keeps a client without
    responsibilities (or without a hierarchy) on the same 0-100 scale instead of scoring the unknown as 0.

    References
    ----------
    .. [1] OECD & JRC (2008). *Handbook on Constructing Composite Indicators: Methodology and User
       Guide*. OECD Publishing. https://doi.org/10.1787/9789264043466-en

    Examples
    --------
    >>> fit_score({"a": 1.0, "b": None}, {"a": 0.5, "b": 0.5})[0]
    100.0
    """
    weights = dict(SCORE_WEIGHTS if weights is None else weights)
    measures = _measures(DEFAULTS) if measures is None else measures
    avail = {k: float(v) for k, v in values.items() if v is not None and k in weights and math.isfinite(v)}
    total = sum(weights[k] for k in avail)
    components = []
    for name, w in weights.items():
        v = avail.get(name)
        components.append(
            {
                "name": name,
                "weight": float(w),
                "effective_weight": (w / total) if (v is not None and total > 0) else 0.0,
                "value": v,
                "available": v is not None,
                "measures": measures.get(name, ""),
            }
        )
    if total <= 0:
        return None, components
    score = 100.0 * sum(weights[k] * v for k, v in avail.items()) / total
    return round(score, 1), components


# ------------------------------------------------------------------------------------------ helpers

def _empty(columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})


_SPANS_COLUMNS = {"employee_id": "str", "department": "str", "span": "int64", "depth": "int64"}
_LAYERS_COLUMNS = {"depth": "int64", "people": "int64"}


def _hierarchy(client: Client) -> Hierarchy:
    h = getattr(client, "hierarchy", None)
    return h if isinstance(h, Hierarchy) else Hierarchy.from_people(client.people)


# ------------------------------------------------------------------------------- placement

@dataclass(frozen=True, eq=False)
class Placement:
    """Where each department sits in the framework, and the industry and stage the structure is judged by.

    Attributes
    ----------
    mapping : DataFrame
        :func:`orgkit.framework.department_mapping` of the client.
    mapped_share : float or None
        Share of people in departments ``placed`` with confidence (None for nobody).
    assessed : bool
        Whether coverage is judged: ``mapped_share >= structure.coverage.min_mapped_share`` and the people
        file is not a list of managers only (:func:`orgkit.framework.decide_stage`).
    industry : orgkit.industries.IndustryDecision
    stage : orgkit.framework.StageDecision
    titles : dict
        Framework function -> people whose job title points to it, wherever they sit (only functions with
        someone).
    """

    mapping: pd.DataFrame
    mapped_share: float | None
    assessed: bool
    industry: IndustryDecision
    stage: StageDecision
    titles: dict[str, int] = field(default_factory=dict)


def placement(client: Client, *, thresholds: Thresholds | None = None,
              stage_thresholds: Mapping[str, int] | None = None) -> Placement:
    """Place the client's departments, infer (or read) its industry and decide its stage.

    Parameters
    ----------
    client : Client
        Its ``client.yml`` ``functions``, ``industry`` and ``stage`` settings decide first.
    thresholds : Thresholds, optional
        Default ``client.settings.thresholds``.
    stage_thresholds : mapping, optional
        ``{"startup": int, "large": int}`` updating ``thresholds``' headcounts.

    Returns
    -------
    Placement

    Notes
    -----
    The mapping is :func:`orgkit.framework.department_mapping`; the industry
    :func:`orgkit.industries.infer_industry` over the confidently placed departments; the stage
    :func:`orgkit.framework.decide_stage` with the reporting tree, and with the departments recognised as
    regional branches or business units. ``mapped_share`` is
    :math:`\\sum_{d\\ \\text{placed}} n_d / n`.
    """
    people, settings = client.people, client.settings
    th = settings.thresholds if thresholds is None else thresholds
    n = len(people)
    raw = (people["title"].astype("str").where(people["title"].notna(), "").str.strip()
           if "title" in people.columns else None)
    table = title_functions(raw) if raw is not None else None  # read once, for the mapping and the counts below
    mapping = department_mapping(people, settings.functions, th, title_table=table)
    placed = mapping["placed"].to_numpy(dtype=bool)
    mapped_share = float(mapping.loc[placed, "people"].sum() / n) if n else None
    enough = mapped_share is not None and mapped_share >= float(th["structure.coverage.min_mapped_share"])
    industry = infer_industry(people, mapping.loc[placed].set_index("department")["functions"],
                              setting=settings.industry, thresholds=th)
    h = _hierarchy(client) if client.has_hierarchy else None
    decision = decide_stage(settings.stage, people, depth=None if h is None else h.depth,
                            n_reports=None if h is None else h.n_reports,
                            units=int(mapping["unit_kind"].notna().sum()),
                            merged=mapping.loc[placed & (mapping["functions"].str.len() + mapping["other"].str.len()
                                                         >= 2).to_numpy(), "department"], thresholds=th,
                            stage_thresholds=stage_thresholds)
    # a file of managers only cannot show that a function is absent: it may be staffed below them
    assessed = enough and not decision.evidence.get("managers_only")
    titles: dict[str, int] = {}
    if raw is not None:
        codes = raw.map(table.set_index("title")["code"].where(table.set_index("title")["kind"] == "function"))
        counts = codes.dropna().value_counts()
        titles = {f: int(counts[f]) for f in FUNCTIONS if f in counts.index}
    return Placement(mapping, mapped_share, bool(assessed), industry, decision, titles)


def describe_placement(client: Client, *, show_small_groups: bool = False) -> str:
    """What ``orgkit validate`` prints about the structure's judgement: each department's function with its
    confidence and evidence, the industry profile and the stage, and why.

    Departments smaller than ``min_group_size`` are pooled into one line unless ``show_small_groups``
    (the consultant's own terminal, as for :func:`orgkit.data.summary.describe_client`).
    """
    from orgkit.framework import FUNCTION_CODES, OTHER_KNOWN
    from orgkit.privacy import OTHER_GROUP

    p = placement(client)
    th = client.settings.thresholds
    mgs = client.settings.min_group_size
    lines = ["  functions (department -> function, confidence, evidence):"]
    small = 0
    for r in p.mapping.to_dict("records"):
        if r["people"] < mgs and not show_small_groups:
            small += 1
            continue
        codes = list(r["functions"]) + list(r["other"])
        evidence = []
        if r["source"] == "placeholder":
            lines.append(f"    {r['department']:<30} -> {'not identified':<22} {r['confidence']:<7} "
                         "the name says the department is not known: give these people their departments")
            continue
        if r["confidence"] == "set":
            evidence.append("set in client.yml")
        if r["name_words"]:
            evidence.append("name: " + ", ".join(r["name_words"]))
        if r["title_function"]:
            evidence.append(f"{100 * r['title_share']:.0f}% of {r['titled']} titles point to {r['title_function']}"
                            + (f" ({', '.join(r['title_words'])})" if r["title_words"] else ""))
        if r["conflict"]:
            evidence.append("titles disagree with the name; the name is kept")
        if not evidence:
            evidence.append("neither the name nor any title points to a function")
        lines.append(f"    {r['department']:<30} -> {'+'.join(codes) if codes else 'not identified':<22} "
                     f"{r['confidence']:<7} {'; '.join(evidence)}")
    if small:
        lines.append(f"    {OTHER_GROUP:<30} {small} department(s) of fewer than {mgs} people "
                     "(--show-small-groups lists them)")
    share = p.mapped_share
    need = th.text("structure.coverage.min_mapped_share")
    lines.append(f"  placed with confidence: {'–' if share is None else f'{100 * share:.0f}%'} of people; "
                 f"coverage is {'judged' if p.assessed else 'NOT assessed'} (it needs at least {need})")
    if not p.assessed:
        todo = [d for d, ok, n, src in zip(p.mapping["department"], p.mapping["placed"], p.mapping["people"],
                                           p.mapping["source"])
                if not ok and src != "placeholder" and (show_small_groups or n >= mgs)]
        if todo:
            lines.append("  to place the departments not identified, add to client.yml (one of: "
                         f"{', '.join((*FUNCTION_CODES, *OTHER_KNOWN))}):")
            lines.append("    functions:")
            guess = dict(zip(p.mapping["department"], p.mapping["title_function"]))
            lines += [f"      {d}: {guess.get(d) or ''}".rstrip() for d in todo]
    lines.append(f"  industry: {p.industry.industry} ({p.industry.source}): {p.industry.reason('en')}")
    lines.append(f"  stage: {p.stage.stage} ({p.stage.source}): "
                 f"{p.stage.reason('en', by_size=PROFILES[p.industry.industry].stages_by_size)}")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ analysis

def analyze_structure(
    client: Client, *, stage_thresholds: Mapping[str, int] | None = None, thresholds: Thresholds | None = None
) -> StructureResult:
    """Assess how the organisation is structured: layers, spans, coverage of the framework, RACI.

    Parameters
    ----------
    client : Client
        A validated client.
    stage_thresholds : mapping, optional
        ``{"startup": int, "large": int}`` for ``stage: auto``, updating ``thresholds``.
    thresholds : Thresholds, optional
        The thresholds and weights (default ``client.settings.thresholds``): the healthy span
        (``structure.span.*``), the stages' headcounts (``structure.stage.*``), the layer-excess
        component (``structure.layers.excess_zero_at``) and the score weights (``structure.weight.*``).

    Returns
    -------
    StructureResult
        ``metrics`` holds ``available`` (True), ``people``, ``layers``, ``managers``,
        ``people_per_manager``, ``span_mean``, ``span_median``, ``span_max``, ``span_bands`` (band ->
        ``{"managers", "share"}``), ``single_report_managers``, ``single_report_share``, ``min_layers``,
        ``excess_layers``, ``layer_sizes``, ``hierarchy_reason``, ``stage``, ``stage_source``
        (``"client.yml"``, ``"headcount"`` or ``"structure"``), ``stage_rule``, ``stage_evidence``
        (:func:`orgkit.framework.decide_stage`), ``industry``, ``industry_source``, ``industry_shares``
        (:func:`orgkit.industries.infer_industry`), ``mapping`` (:func:`orgkit.framework.department_mapping`
        as records), ``mapped_share``, ``coverage_assessed``, ``coverage_reason``,
        ``unidentified_departments``, ``departments_count``, ``functions``,
        ``functions_missing``, ``functions_split``, ``departments_overloaded``,
        ``unmapped_departments``, ``units``, ``over_split``, ``units_missing``, ``raci``,
        ``raci_reason``, ``fit_score``, ``score_components``.

    Notes
    -----
    Depth of a top person (no manager) is 0 and anyone else's is their manager's depth + 1;
    ``layers = max(depth) + 1``. A manager is anyone with at least one direct report and their span is
    the number of direct reports; ``people_per_manager = people / managers``. ``min_layers`` is
    :func:`min_layers` at the mean span, capped at ``structure.span.healthy_max``: spans wider than the
    healthy maximum are a finding of their own, not a reason to need fewer layers (a file whose people
    report to a few senior posts has a mean span of 70 and "needs" 3 layers for 3,000 people). And
    ``excess_layers = layers - min_layers`` (it can be negative when spans are very uneven). Without a ``manager_id`` column every hierarchy metric is None and
    ``hierarchy_reason`` says why; with no managers (one person, or nobody reporting to anyone) the
    span metrics are None and ``layers`` is 1.

    Per-department numbers (``departments`` table) are suppressed below
    ``client.settings.min_group_size``; a department's ``layers`` is ``max(depth) - min(depth) + 1``
    over its members, and its ``span_mean`` is over its managers (all their reports counted).

    Coverage is judged only when at least ``structure.coverage.min_mapped_share`` of the people are in
    departments placed in a function with confidence (``mapped_share``); otherwise
    ``coverage_assessed`` is False, ``functions_missing`` is empty and the ``function_coverage``
    component drops out of the score (no score from absent evidence). The core functions are those of
    the industry profile at the stage (:func:`orgkit.industries.expectation`).

    The fit score combines the components, weighted by ``structure.weight.*`` (default
    :data:`SCORE_WEIGHTS`), with :func:`fit_score`; ``score_components`` shows each one's weight, value and
    meaning.

    References
    ----------
    .. [1] Urwick, L. F. (1956). The manager's span of control. *Harvard Business Review*, 34(3), 39-47.
    .. [2] Van Fleet, D. D., & Bedeian, A. G. (1977). A history of the span of management. *Academy of
       Management Review*, 2(3), 356-372. https://doi.org/10.5465/amr.1977.4281795
    .. [3] De Smet, A., Hewes, C., & Weiss, L. (2017). How to identify the right "spans of control" for
       your organization. McKinsey & Company.
    .. [4] Zoller, Y. J., & Muldoon, J. (2020). Journey of a concept: span of control - the rise, the
       decline, and what is next? *Journal of Management History*.
       https://doi.org/10.1108/JMH-04-2020-0027

    Examples
    --------
    >>> from pathlib import Path
    >>> from orgkit.data.client import Client, Settings
    >>> people = pd.DataFrame({"employee_id": ["1", "2", "3"], "department": ["Sales"] * 3,
    ...                        "manager_id": pd.Series([None, "1", "1"], dtype="str")})
    >>> res = analyze_structure(Client(path=Path("."), settings=Settings(name="t"), people=people))
    >>> res.metrics["layers"], res.metrics["managers"], res.metrics["span_mean"]
    (2, 1, 2.0)
    """
    people = client.people
    settings = client.settings
    n = len(people)
    th = settings.thresholds if thresholds is None else thresholds

    # --- which function each department serves, the industry and the stage
    p = placement(client, thresholds=th, stage_thresholds=stage_thresholds)
    mapping, mapped_share, assessed = p.mapping, p.mapped_share, p.assessed
    placed = mapping["placed"].to_numpy(dtype=bool)
    industry, decision, need = p.industry, p.stage, float(th["structure.coverage.min_mapped_share"])
    stage = decision.stage
    h = _hierarchy(client) if client.has_hierarchy else None
    logger.debug("structure: %d people, stage %s (%s), industry %s (%s), %.0f%% placed", n, stage,
                 decision.rule, industry.industry, industry.source, 100 * (mapped_share or 0))

    metrics: dict[str, Any] = {"available": True, "people": n}
    dept = people["department"].astype("str")

    # --- hierarchy
    if h is not None:
        depth, reports = h.depth, h.n_reports
        is_mgr = reports > 0
        spans_arr = reports[is_mgr]
        n_mgr = int(is_mgr.sum())
        layers = h.layers
        span_mean = float(spans_arr.mean()) if n_mgr else None
        dist = span_distribution(spans_arr)
        single = int((spans_arr == 1).sum())
        ml = min_layers(n, None if span_mean is None else min(span_mean, float(th["structure.span.healthy_max"])))
        layer_sizes = np.bincount(depth, minlength=layers).astype(np.int64) if n else np.zeros(0, np.int64)
        metrics.update(
            layers=layers,
            managers=n_mgr,
            people_per_manager=n / n_mgr if n_mgr else None,
            span_mean=span_mean,
            span_median=float(np.median(spans_arr)) if n_mgr else None,
            span_max=int(spans_arr.max()) if n_mgr else None,
            span_bands={
                b: {"managers": int(c), "share": s}
                for b, c, s in zip(dist["band"], dist["managers"], dist["share"])
            },
            single_report_managers=single if n_mgr else None,
            single_report_share=single / n_mgr if n_mgr else None,
            min_layers=ml,
            excess_layers=(layers - ml) if ml is not None else None,
            layer_sizes=layer_sizes.tolist(),
            hierarchy_reason=None,
        )
        mgr_pos = np.flatnonzero(is_mgr)
        spans_df = pd.DataFrame(
            {
                "employee_id": pd.Series(h.ids[mgr_pos], dtype="str"),
                "department": pd.Series(dept.to_numpy()[mgr_pos], dtype="str"),
                "span": pd.Series(reports[mgr_pos], dtype="int64"),
                "depth": pd.Series(depth[mgr_pos], dtype="int64"),
            }
        ).sort_values(["span", "employee_id"], ascending=[False, True], ignore_index=True)
        layers_df = pd.DataFrame(
            {"depth": np.arange(len(layer_sizes), dtype=np.int64), "people": layer_sizes}
        )
        per = pd.DataFrame(
            {"department": dept.to_numpy(), "depth": depth, "span": np.where(is_mgr, reports, np.nan),
             "is_mgr": is_mgr}
        )
        g = per.groupby("department", sort=False)
        dept_table = pd.DataFrame(
            {
                "headcount": g.size().astype("int64"),
                "managers": g["is_mgr"].sum().astype("int64"),
                "span_mean": g["span"].mean(),
                "layers": (g["depth"].max() - g["depth"].min() + 1).astype("int64"),
            }
        )
    else:
        metrics.update({k: None for k in _HIERARCHY_KEYS})
        metrics["hierarchy_reason"] = _NO_HIERARCHY
        dist = span_distribution([])
        spans_df = _empty(_SPANS_COLUMNS)
        layers_df = _empty(_LAYERS_COLUMNS)
        g = pd.DataFrame({"department": dept.to_numpy()}).groupby("department", sort=False)
        size = g.size().astype("int64")
        dept_table = pd.DataFrame(
            {"headcount": size, "managers": np.nan, "span_mean": np.nan, "layers": np.nan}, index=size.index
        )

    # --- coverage
    cov = department_coverage(dept, stage, headcount=n, language=settings.language, mapping=mapping,
                              industry=industry.industry, assessed=assessed, held_by_titles=p.titles)
    fn_of = {d: "; ".join(fs) for d, fs in zip(*_mapped_functions(cov))}
    dept_table = dept_table.rename_axis("department").reset_index()
    dept_table["department"] = dept_table["department"].astype("str")
    dept_table["functions"] = pd.Series(
        [fn_of.get(d, "") for d in dept_table["department"]], index=dept_table.index, dtype="str"
    )
    dept_table = dept_table.sort_values(["headcount", "department"], ascending=[False, True], ignore_index=True)
    departments_df = suppress_small_groups(
        dept_table, "headcount", settings.min_group_size, value_columns=["managers", "span_mean", "layers"]
    )
    unidentified = mapping.loc[~placed & (mapping["source"] != "placeholder").to_numpy(), "department"].tolist()
    metrics.update(
        stage=stage,
        stage_source=decision.source,
        stage_rule=decision.rule,
        stage_evidence=decision.evidence,
        industry=industry.industry,
        industry_source=industry.source,
        industry_shares=industry.shares,
        mapping=_mapping_records(mapping),
        mapped_share=mapped_share,
        coverage_assessed=bool(assessed),
        coverage_reason=None if assessed else "managers_only" if decision.evidence.get("managers_only") and (
            mapped_share or 0) >= need else "placed",
        unidentified_departments=unidentified,
        functions_in_titles=p.titles,
        departments_count=int(dept.nunique()),
        functions=cov.functions,
        functions_missing=cov.functions_missing,
        functions_split=cov.functions_split,
        departments_overloaded=cov.departments_overloaded,
        unmapped_departments=cov.unmapped_departments,
        units=cov.units,
        over_split=cov.over_split,
        units_missing=cov.units_missing,
    )

    # --- RACI
    if client.responsibilities is not None:
        raci, raci_issues = raci_findings(client.responsibilities)
        metrics.update(raci=raci, raci_reason=None)
        raci_value = raci["clear_share"]
    else:
        raci_issues = _empty_raci_issues()
        metrics.update(raci=None, raci_reason="no responsibilities (RACI) table was given")
        raci_value = None

    # --- score
    values: dict[str, float | None] = {
        "span_health": None,
        "layer_excess": None,
        "single_report_managers": None,
        # no evidence, no score: the component drops out when coverage is not assessed
        "function_coverage": (cov.core_covered / cov.core_total
                              if cov.assessed and cov.core_total and cov.core_covered is not None else None),
        "split_merge_fit": 1.0 - cov.findings / cov.checks if cov.checks else None,
        "raci_clarity": raci_value,
    }
    if h is not None:
        if metrics["managers"]:
            lo, hi = th["structure.span.healthy_min"], th["structure.span.healthy_max"]
            values["span_health"] = float(((spans_arr >= lo) & (spans_arr <= hi)).mean())
            values["single_report_managers"] = 1.0 - metrics["single_report_share"]
        if metrics["excess_layers"] is not None:
            zero_at = float(th["structure.layers.excess_zero_at"])
            values["layer_excess"] = min(1.0, max(0.0, 1.0 - max(metrics["excess_layers"], 0) / zero_at))
    score, components = fit_score(values, th.weights("structure.weight"), _measures(th))
    metrics.update(fit_score=score, score_components=components)

    return StructureResult(
        metrics=to_jsonable(metrics),
        score=score,
        spans=spans_df,
        span_distribution=dist,
        layers=layers_df,
        departments=departments_df,
        coverage=cov.table,
        raci_issues=raci_issues,
    )


def _mapping_records(mapping: pd.DataFrame) -> list[dict[str, Any]]:
    """The mapping as plain records for ``metrics`` (largest department first)."""
    keep = ["department", "people", "functions", "other", "confidence", "source", "conflict", "name_words",
            "title_function", "title_share", "titled", "title_words"]
    return to_jsonable(mapping[keep].to_dict("records"))


def _mapped_functions(cov: Coverage) -> tuple[list[str], list[list[str]]]:
    """Departments and the framework functions each carries, from a coverage's function lists."""
    per: dict[str, list[str]] = {}
    for f, ds in cov.functions.items():
        for d in ds:
            per.setdefault(d, []).append(f)
    return list(per), list(per.values())
