"""Triangulation: where the survey and a measured source speak about the same thing, set them side by side.

Four questions have two sources each. The first side of every comparison is the employee survey (what
people *feel*), the second a measured source (the decision records, the communication network, the
RACI table, the reporting lines):

===============  =======================================  ===============================================
question         survey (felt)                            measured
===============  =======================================  ===============================================
``speed``        favourable share on decision speed       median days to decide; share escalated
``silos``        mean on communication, per department    the department keeps its ties inside (silo)
``roles``        favourable share on role clarity         share of RACI responsibilities that are unclear
``spans``        favourable share of the teams of         their managers' span is narrow or wide
                 managers in a span band, against the
                 teams of managers with a healthy span
===============  =======================================  ===============================================

Each side gets a *verdict*, ``good`` or ``poor``, from the thresholds that already judge that number in
its own area (:mod:`orgkit.thresholds`; a side is poor where its own finding would be amber or red) or,
where no area judges it, from the ``triangulation.*`` thresholds. Two verdicts give the *agreement*:

- ``agree_poor``: both sources see a problem (the evidence is strongest);
- ``agree_good``: neither does;
- ``felt_only``: people feel a problem the measured source does not show (e.g. the records show fast
  decisions, yet few answers on decision speed are favourable: people do not feel it);
- ``measured_only``: the measured source shows a problem people do not feel;
- ``partial``: an aggregate row whose units split (some agree, some do not);
- ``not_assessed``: one side (or both) has no data; ``reason`` says which, and no number is guessed.

Privacy: a department smaller than ``min_group_size`` people, or whose survey numbers are hidden, is never
compared (nor named); survey cells the survey module suppressed are never used; a span band answered by
fewer than ``min_group_size`` respondents is hidden, with complementary suppression so that no band can be
recovered from the totals.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from orgkit.privacy import complementary_suppression

__all__ = [
    "AGREEMENTS",
    "QUESTIONS",
    "SPAN_DIMENSIONS",
    "Side",
    "Comparison",
    "Triangulation",
    "agreement",
    "decision_speed",
    "decision_types",
    "felt_and_measured_silos",
    "role_clarity",
    "span_answers",
    "triangulate",
    "triangulation_metrics",
    "pool_triangulation",
]

#: The agreement codes, from strongest evidence of a problem to none.
AGREEMENTS = ("agree_poor", "felt_only", "measured_only", "partial", "agree_good", "not_assessed")
#: The questions two sources answer.
QUESTIONS = ("speed", "silos", "roles", "spans")
#: The survey dimensions compared across span bands (those the survey has): what a manager's span
#: shapes most directly (clarity of one's role, feedback and growth, room to decide).
SPAN_DIMENSIONS = ("role_clarity", "growth", "decision_speed")
_SPEED, _ROLES, _COMMUNICATION = "decision_speed", "role_clarity", "communication"
_GOOD, _POOR, _NONE = "good", "poor", "not_assessed"


# --------------------------------------------------------------------------------------------------
# the result
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Side:
    """One source's number on a question, and its verdict.

    Attributes
    ----------
    source : str
        ``survey``, ``decisions`` (the decision records), ``communication`` (the network), ``raci`` or
        ``structure`` (the reporting lines).
    measure : str
        What ``value`` is: ``favourable`` (share of favourable answers), ``mean`` (1-5),
        ``latency_days_median``, ``escalated_share``, ``unclear_share``, ``silo`` (1 when the department
        is a silo, else 0), ``silos`` / ``low_departments`` (counts), ``span_band`` (the band's managers).
    value : float or None
        ``None`` when not assessed.
    verdict : str
        ``good``, ``poor`` or ``not_assessed``.
    n : int or None
        What the value rests on: respondents, decisions, responsibilities, departments or managers.
    reason : str or None
        Why the side is not assessed (English, for metrics.json; the report words it from ``reason_key``).
    reason_key : str or None
        ``no_survey``, ``no_dimension``, ``hidden``, ``no_records``, ``no_dates``, ``too_few``, ``no_raci``,
        ``no_communication``, ``no_hierarchy``, ``no_link`` or ``no_reference``.
    """

    source: str
    measure: str
    value: float | None = None
    verdict: str = _NONE
    n: int | None = None
    reason: str | None = None
    reason_key: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain types for metrics.json."""
        return {"source": self.source, "measure": self.measure, "value": self.value, "verdict": self.verdict,
                "n": self.n, "reason": self.reason}


@dataclass(frozen=True)
class Comparison:
    """Two sources on one question for one unit (the organisation, a department or a span band).

    Attributes
    ----------
    question : str
        One of :data:`QUESTIONS`.
    scope : str
        ``organisation``, ``department`` or ``span_band``.
    unit : str or None
        The department name, or the band (``narrow``, ``wide``); ``None`` for the organisation.
    survey, measured : Side
    agreement : str
        One of :data:`AGREEMENTS`.
    dimension : str or None
        The survey dimension on the survey side.
    reference : float or None
        For a span band: the favourable share of the teams under healthy spans it is measured against.
    """

    question: str
    scope: str
    unit: str | None
    survey: Side
    measured: Side
    agreement: str
    dimension: str | None = None
    reference: float | None = None

    @property
    def reason(self) -> str | None:
        """Why the comparison is not assessed (the survey side's reason first)."""
        if self.agreement != "not_assessed":
            return None
        return self.survey.reason or self.measured.reason

    def to_dict(self) -> dict[str, Any]:
        """Plain types for metrics.json."""
        return {"question": self.question, "scope": self.scope, "unit": self.unit, "dimension": self.dimension,
                "survey": self.survey.to_dict(), "measured": self.measured.to_dict(),
                "reference": self.reference, "agreement": self.agreement, "reason": self.reason}


@dataclass(frozen=True)
class Triangulation:
    """Every comparison of one assessment (see :func:`triangulate`).

    Attributes
    ----------
    comparisons : list of Comparison
        Organisation rows first, then departments (sorted), then span bands.
    decision_types : DataFrame
        :func:`decision_types`: the records per decision type beside the survey's organisation-wide verdict.
    bands : DataFrame
        :func:`span_answers`: the survey per span band (hidden bands blanked).
    """

    comparisons: list[Comparison] = field(default_factory=list)
    decision_types: pd.DataFrame = field(default_factory=pd.DataFrame)
    bands: pd.DataFrame = field(default_factory=pd.DataFrame)

    def select(self, question: str, scope: str | None = None) -> list[Comparison]:
        """The comparisons of ``question`` (and ``scope``)."""
        return [c for c in self.comparisons if c.question == question and (scope is None or c.scope == scope)]

    @property
    def assessed(self) -> list[Comparison]:
        """The comparisons with both sides assessed."""
        return [c for c in self.comparisons if c.agreement != "not_assessed"]


# --------------------------------------------------------------------------------------------------
# building blocks
# --------------------------------------------------------------------------------------------------
def agreement(survey: str, measured: str) -> str:
    """The agreement of two verdicts.

    Parameters
    ----------
    survey, measured : str
        ``good``, ``poor`` or ``not_assessed``.

    Returns
    -------
    str
        ``agree_poor``, ``agree_good``, ``felt_only`` (only the survey is poor), ``measured_only`` (only
        the measured side is poor) or ``not_assessed`` (either side not assessed).

    Examples
    --------
    >>> agreement("poor", "good"), agreement("poor", "poor"), agreement("good", "not_assessed")
    ('felt_only', 'agree_poor', 'not_assessed')
    """
    if _NONE in (survey, measured):
        return "not_assessed"
    if survey == measured:
        return f"agree_{survey}"
    return "felt_only" if survey == _POOR else "measured_only"


def _status_verdict(th: Any, rule: str, value: float | None) -> str:
    """``poor`` where the area's own status rule is amber or red, ``good`` where green."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return _NONE
    return _GOOD if th.status(rule, value) == "green" else _POOR


def _float(v: Any) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(f) else f


def _int(v: Any) -> int | None:
    f = _float(v)
    return None if f is None else int(f)


def _visible(assessment: Any, visible: set[str] | None) -> set[str]:
    if visible is not None:
        return set(visible)
    client = assessment.client
    sizes = client.department_sizes()
    return set(sizes[sizes >= client.settings.min_group_size].index.astype(str))


def _survey_hidden(assessment: Any) -> set[str]:
    survey = assessment.survey
    return set(map(str, survey.suppressed_groups)) if survey.available else set()


def _survey_cells(assessment: Any) -> dict[tuple[str, str], tuple[float, int]]:
    """(department, dimension) -> (favourable share, respondents) of every shown survey cell."""
    d = assessment.survey.dimensions
    if d is None or d.empty:
        return {}
    shown = d[~d["suppressed"].fillna(True).astype(bool) & d["favourable"].notna()]
    return {(str(dep), str(dim)): (float(f), int(n)) for dep, dim, f, n in
            zip(shown["department"], shown["dimension"], shown["favourable"], shown["n"])}


def _survey_side(assessment: Any, dimension: str, department: str | None = None,
                 cells: dict[tuple[str, str], tuple[float, int]] | None = None) -> Side:
    """The survey's favourable share on ``dimension`` (organisation-wide or one department's, from ``cells``)."""
    survey, th = assessment.survey, assessment.thresholds
    if not survey.available:
        return Side("survey", "favourable", reason="the client has no survey", reason_key="no_survey")
    if dimension not in (survey.metrics.get("dimensions") or {}):
        return Side("survey", "favourable", reason=f"the survey does not ask about {dimension}",
                    reason_key="no_dimension")
    if department is None:
        m = survey.metrics["dimensions"][dimension]
        fav, n = _float(m.get("favourable")), _int(m.get("n"))
    else:
        fav, n = (cells if cells is not None else _survey_cells(assessment)).get((department, dimension), (None, None))
    if fav is None:
        return Side("survey", "favourable", reason="fewer respondents than the minimum group size",
                    reason_key="hidden")
    return Side("survey", "favourable", fav, _status_verdict(th, "survey.favourable", fav), n)


#: The per-decision column behind each records measure.
_RECORD_COLUMNS = {"latency_days_median": "latency_days", "escalated_share": "escalated"}


def _known(paths: pd.DataFrame, measure: str, by: str | None = None) -> Any:
    """How many decisions have a known value behind ``measure`` (overall, or per ``by``)."""
    col = _RECORD_COLUMNS[measure]
    if paths is None or paths.empty or col not in paths.columns:
        return 0 if by is None else pd.Series(dtype="int64")
    known = paths[col].notna()
    if by is None:
        return int(known.sum())
    return known.groupby(paths[by].astype(str)).sum().astype("int64")


def _records_reason(assessment: Any) -> tuple[str, str] | None:
    d = assessment.decisions
    if not d.metrics.get("available"):
        return "no decision records", "no_records"
    return None


# --------------------------------------------------------------------------------------------------
# (a) decision speed
# --------------------------------------------------------------------------------------------------
def decision_speed(assessment: Any, visible: set[str] | None = None) -> list[Comparison]:
    """Decision speed as people rate it beside latency and escalation in the decision records.

    Parameters
    ----------
    assessment : orgkit.assessment.Assessment
    visible : set of str, optional
        The departments that may be shown (default: those with at least ``min_group_size`` people).

    Returns
    -------
    list of Comparison
        Two organisation rows (survey vs ``latency_days_median``, survey vs ``escalated_share``), then
        the same two per visible department (by initiator department) whose survey cell is shown.

    Notes
    -----
    Survey side: the favourable share on ``decision_speed``, poor where ``survey.favourable`` is amber
    or red (below 50 %). Records side: the median days from raising to deciding over closed decisions
    (poor from ``decisions.latency_days_median.amber``, 7 days), and the share of decisions escalated
    above or outside the initiator's department head (poor from ``decisions.escalated_share.amber``,
    50 %). A department's records are judged only with at least ``triangulation.records.min_decisions``
    decisions raised by it. Degenerate cases: no survey, no ``decision_speed`` dimension, a hidden
    survey cell, no decision records, no timestamps (no latency) or no hierarchy (no escalation) make
    that side ``not_assessed`` with its reason; nothing is compared from absent data.
    """
    th = assessment.thresholds
    visible = _visible(assessment, visible)
    d = assessment.decisions
    m = d.metrics
    no_records = _records_reason(assessment)
    minimum = int(th["triangulation.records.min_decisions"])

    def records(measure: str, rule: str, value: Any, n: int | None) -> Side:
        if no_records is not None:
            return Side("decisions", measure, reason=no_records[0], reason_key=no_records[1])
        v = _float(value)
        if v is not None and n is not None and n < minimum:
            return Side("decisions", measure, n=n, reason=f"fewer than {minimum} decisions", reason_key="too_few")
        if v is None:
            why = ("no decision has both dates" if measure == "latency_days_median"
                   else "no reporting lines to tell escalation")
            return Side("decisions", measure, n=n, reason=why, reason_key="no_hierarchy"
                        if measure == "escalated_share" else "no_dates")
        return Side("decisions", measure, v, _status_verdict(th, rule, v), n)

    out = []
    survey = _survey_side(assessment, _SPEED)
    paths = d.paths
    for measure, rule in (("latency_days_median", "decisions.latency_days_median"),
                          ("escalated_share", "decisions.escalated_share")):
        side = records(measure, rule, m.get(measure), _known(paths, measure) if no_records is None else None)
        out.append(Comparison("speed", "organisation", None, survey, side, agreement(survey.verdict, side.verdict),
                              _SPEED))
    by_dept = d.by_department
    if no_records is None and by_dept is not None and not by_dept.empty and survey.verdict != _NONE:
        hidden = _survey_hidden(assessment)
        cells = _survey_cells(assessment)
        known = {measure: _known(paths, measure, "initiator_department") for measure in _RECORD_COLUMNS}
        rows = by_dept[~by_dept["suppressed"].fillna(False).astype(bool)]
        for row in rows.sort_values("department").to_dict("records"):
            name = str(row["department"])
            if name not in visible or name in hidden:
                continue
            s = _survey_side(assessment, _SPEED, name, cells)
            for measure, rule in (("latency_days_median", "decisions.latency_days_median"),
                                  ("escalated_share", "decisions.escalated_share")):
                side = records(measure, rule, row.get(measure), int(known[measure].get(name, 0)))
                out.append(Comparison("speed", "department", name, s, side, agreement(s.verdict, side.verdict),
                                      _SPEED))
    return out


def decision_types(assessment: Any) -> pd.DataFrame:
    """The decision records per decision type, judged on latency and escalation.

    Parameters
    ----------
    assessment : orgkit.assessment.Assessment

    Returns
    -------
    DataFrame
        One row per decision type (sorted): ``decision_type``, ``decisions`` (all of the type),
        ``latency_decisions`` (those with a latency: closed), ``latency_days_median``, ``latency_verdict``,
        ``escalation_decisions`` (those whose escalation is known), ``escalated_share``,
        ``escalation_verdict`` (verdicts ``good``, ``poor`` or ``not_assessed``). Empty (with these
        columns) without decision records.

    Notes
    -----
    The survey asks no question per decision type, so a type has no survey side of its own: it is set
    beside the organisation-wide survey verdict, and it names *where* records and survey agree or not.
    A measure known for fewer than ``triangulation.records.min_decisions`` decisions of the type (closed
    ones for latency, ones within one reporting tree for escalation) is ``not_assessed``.
    Decision types are not groups of people and are not suppressed.
    """
    th = assessment.thresholds
    columns = ["decision_type", "decisions", "latency_decisions", "latency_days_median", "latency_verdict",
               "escalation_decisions", "escalated_share", "escalation_verdict"]
    by_type = assessment.decisions.by_type
    if not assessment.decisions.metrics.get("available") or by_type is None or by_type.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("latency_days_median", "escalated_share")
                                          else "int64" if c.endswith("decisions") else "str") for c in columns})
    minimum = int(th["triangulation.records.min_decisions"])
    types = by_type["decision_type"].astype("str")
    out = pd.DataFrame({"decision_type": types,
                        "decisions": by_type["count"].astype("int64"),
                        "latency_days_median": by_type["latency_days_median"].astype("float64"),
                        "escalated_share": by_type["escalated_share"].astype("float64")})
    paths = assessment.decisions.paths
    for col, rule, verdict, count in (
            ("latency_days_median", "decisions.latency_days_median", "latency_verdict", "latency_decisions"),
            ("escalated_share", "decisions.escalated_share", "escalation_verdict", "escalation_decisions")):
        known = types.map(_known(paths, col, "decision_type")).fillna(0).astype("int64").to_numpy()
        out[count] = known
        v = out[col]
        amber = th[f"{rule}.amber"]
        out[verdict] = np.where((known < minimum) | v.isna(), _NONE, np.where(v >= amber, _POOR, _GOOD))
    return out.sort_values("decision_type", kind="stable").reset_index(drop=True)[columns]


# --------------------------------------------------------------------------------------------------
# (b) silos
# --------------------------------------------------------------------------------------------------
def felt_and_measured_silos(assessment: Any, visible: set[str] | None = None) -> list[Comparison]:
    """Per department: its people's communication mean beside whether the network shows a silo.

    Parameters
    ----------
    assessment : orgkit.assessment.Assessment
    visible : set of str, optional

    Returns
    -------
    list of Comparison
        One organisation row (counts of departments low on the survey and of silos, among departments
        assessed on both), then one row per visible department shown in both the survey and the
        network tables.

    Notes
    -----
    Reuses :func:`orgkit.interpretation.department_links`: survey side poor when the department's mean
    on communication is below ``survey.felt_silo.mean_below`` (3.5); measured side poor when the
    department is a silo (E-I far below random mixing and few external ties,
    :func:`orgkit.areas.communication.silos`). ``agree_poor`` is a *felt silo*
    (:func:`orgkit.interpretation.felt_silos`). The organisation row agrees when every department does;
    it is ``partial`` when departments split, ``felt_only`` / ``measured_only`` when only one source
    sees silos. Without a survey, a communication dimension or communication data: ``not_assessed``.
    """
    from orgkit.interpretation import FELT_SILO_DIMENSION, department_links

    survey = assessment.survey
    comm = assessment.communication
    s_reason = m_reason = None
    if not survey.available:
        s_reason = ("the client has no survey", "no_survey")
    elif FELT_SILO_DIMENSION not in survey.by_department.columns:
        s_reason = (f"the survey does not ask about {FELT_SILO_DIMENSION}", "no_dimension")
    if not comm.metrics.get("available"):
        m_reason = ("no communication data", "no_communication")
    links = pd.DataFrame()
    if s_reason is None:
        links = department_links(assessment, visible=_visible(assessment, visible))
        links = links[~links["suppressed"] & links["low_survey"].notna()]
        if links.empty:
            s_reason = ("no department's answers on communication are shown", "hidden")
    if s_reason is not None:
        survey_org = Side("survey", "low_departments", reason=s_reason[0], reason_key=s_reason[1])
    else:
        n_low = int(links["low_survey"].astype(bool).sum())
        survey_org = Side("survey", "low_departments", float(n_low), _POOR if n_low else _GOOD, len(links))
    if m_reason is not None or s_reason is not None:
        why = m_reason or ("", "")
        measured = Side("communication", "silos", reason=why[0] or None, reason_key=why[1] or None)
        return [Comparison("silos", "organisation", None, survey_org, measured, "not_assessed", FELT_SILO_DIMENSION)]
    links = links[links["structural_silo"].notna()]
    rows = []
    for r in links.to_dict("records"):
        low, silo = bool(r["low_survey"]), bool(r["structural_silo"])
        s = Side("survey", "mean", float(r[FELT_SILO_DIMENSION]), _POOR if low else _GOOD)
        mm = Side("communication", "silo", 1.0 if silo else 0.0, _POOR if silo else _GOOD)
        rows.append(Comparison("silos", "department", str(r["department"]), s, mm, agreement(s.verdict, mm.verdict),
                               FELT_SILO_DIMENSION))
    if not rows:
        why = ("no department is shown in both the survey and the network", "hidden")
        return [Comparison("silos", "organisation", None, survey_org,
                           Side("communication", "silos", reason=why[0], reason_key=why[1]), "not_assessed",
                           FELT_SILO_DIMENSION)]
    n = len(rows)
    n_low = sum(c.survey.verdict == _POOR for c in rows)
    n_silo = sum(c.measured.verdict == _POOR for c in rows)
    kinds = {c.agreement for c in rows}
    if kinds <= {"agree_poor", "agree_good"}:
        agree = "agree_poor" if n_low else "agree_good"
    elif n_low and not n_silo:
        agree = "felt_only"
    elif n_silo and not n_low:
        agree = "measured_only"
    else:
        agree = "partial"
    org = Comparison("silos", "organisation", None,
                     Side("survey", "low_departments", float(n_low), _POOR if n_low else _GOOD, n),
                     Side("communication", "silos", float(n_silo), _POOR if n_silo else _GOOD, n),
                     agree, FELT_SILO_DIMENSION)
    return [org, *rows]


# --------------------------------------------------------------------------------------------------
# (c) role clarity
# --------------------------------------------------------------------------------------------------
def _raci_unclear(responsibilities: pd.DataFrame) -> pd.DataFrame:
    """Per responsibility: whether it is clear (exactly one ``A`` and exactly one ``R`` department)."""
    r = responsibilities[["responsibility", "department", "role"]].drop_duplicates()
    r = r.assign(responsibility=r["responsibility"].astype(str), department=r["department"].astype(str),
                 role=r["role"].astype(str).str.upper())
    counts = r.pivot_table(index="responsibility", columns="role", values="department", aggfunc="nunique",
                           fill_value=0)
    a = counts["A"] if "A" in counts.columns else pd.Series(0, index=counts.index)
    rr = counts["R"] if "R" in counts.columns else pd.Series(0, index=counts.index)
    clear = (a == 1) & (rr == 1)
    return r.merge(clear.rename("clear").reset_index(), on="responsibility", how="left")


def role_clarity(assessment: Any, visible: set[str] | None = None) -> list[Comparison]:
    """Role clarity as people rate it beside the unclear responsibilities of the RACI table.

    Parameters
    ----------
    assessment : orgkit.assessment.Assessment
    visible : set of str, optional

    Returns
    -------
    list of Comparison
        One organisation row, then one per visible department named in the RACI table whose survey cell
        is shown and which holds a role in at least ``triangulation.records.min_responsibilities``
        responsibilities.

    Notes
    -----
    A responsibility is *clear* when exactly one department is accountable (``A``) and exactly one is
    responsible (``R``), as in :func:`orgkit.areas.structure.raci_findings`; the measured value is
    ``unclear_share = 1 − clear / responsibilities`` (per department: over the responsibilities it holds
    any role in), poor from ``triangulation.raci.unclear_share_poor`` (20 %). Survey side: the
    favourable share on ``role_clarity``, poor where ``survey.favourable`` is amber or red. No RACI
    table, an empty one, no survey or no ``role_clarity`` dimension: ``not_assessed``.
    """
    th = assessment.thresholds
    visible = _visible(assessment, visible)
    survey = _survey_side(assessment, _ROLES)
    raci = assessment.client.responsibilities
    cut = float(th["triangulation.raci.unclear_share_poor"])
    if raci is None or raci.empty:
        m = Side("raci", "unclear_share", reason="no responsibilities (RACI) table", reason_key="no_raci")
        return [Comparison("roles", "organisation", None, survey, m, "not_assessed", _ROLES)]
    table = _raci_unclear(raci)
    per = table.drop_duplicates("responsibility")
    total = len(per)
    unclear = float(1 - per["clear"].mean())
    m = Side("raci", "unclear_share", unclear, _POOR if unclear >= cut else _GOOD, total)
    out = [Comparison("roles", "organisation", None, survey, m, agreement(survey.verdict, m.verdict), _ROLES)]
    if survey.verdict == _NONE:
        return out
    hidden = _survey_hidden(assessment)
    cells = _survey_cells(assessment)
    minimum = int(th["triangulation.records.min_responsibilities"])
    g = table.drop_duplicates(["department", "responsibility"]).groupby("department")["clear"]
    for name, clear in g:
        if name not in visible or name in hidden or len(clear) < minimum:
            continue
        s = _survey_side(assessment, _ROLES, name, cells)
        share = float(1 - clear.mean())
        mm = Side("raci", "unclear_share", share, _POOR if share >= cut else _GOOD, len(clear))
        out.append(Comparison("roles", "department", name, s, mm, agreement(s.verdict, mm.verdict), _ROLES))
    return out


# --------------------------------------------------------------------------------------------------
# (d) span of control against what the teams answer
# --------------------------------------------------------------------------------------------------
def span_answers(assessment: Any) -> pd.DataFrame:
    """The survey per span band: respondents grouped by their manager's span of control.

    Parameters
    ----------
    assessment : orgkit.assessment.Assessment

    Returns
    -------
    DataFrame
        One row per (band, dimension of :data:`SPAN_DIMENSIONS` the survey has), bands ``narrow``,
        ``healthy``, ``wide``: ``band``, ``dimension``, ``respondents`` (in the band), ``managers``
        (managers of that band with at least one respondent), ``n`` (respondents who answered the
        dimension), ``mean``, ``favourable``, ``suppressed``. Empty (with these columns) when the survey
        has no ``respondent_id``, the people no ``manager_id``, or no respondent can be linked.

    Notes
    -----
    Each respondent (``survey.respondent_id`` = ``people.employee_id``) belongs to the band of their
    manager's span :math:`s` (direct reports): *narrow* :math:`s <` ``structure.span.healthy_min``,
    *wide* :math:`s >` ``structure.span.healthy_max``, else *healthy*. ``mean`` is the mean of the
    respondents' dimension scores (reverse-worded items flipped, :func:`orgkit.areas.survey.score_respondents`),
    ``favourable`` the share of their answers at or above ``survey.answer.favourable_min``. Respondents
    without a manager (the top), without an id or not in people form an *unlinked* group that is never
    shown. Privacy: a band with fewer than ``min_group_size`` respondents is suppressed, and
    :func:`orgkit.privacy.complementary_suppression` over the bands and the unlinked group hides more
    so that no band (nor the unlinked people, e.g. the head of the organisation) can be recovered from
    the organisation-wide numbers; a cell with ``n`` below ``min_group_size`` is suppressed too, and the
    same complementary rule is applied per dimension on the cells' ``n``.
    """
    from orgkit.areas.survey import resolve_items, score_respondents

    columns = ["band", "dimension", "respondents", "managers", "n", "mean", "favourable", "suppressed"]
    empty = pd.DataFrame({c: pd.Series(dtype="str" if c in ("band", "dimension") else
                                       "bool" if c == "suppressed" else "float64") for c in columns})
    client, th = assessment.client, assessment.thresholds
    survey = client.survey
    if (survey is None or not assessment.survey.available or "respondent_id" not in survey.columns
            or not client.has_hierarchy or "manager_id" not in client.people.columns):
        return empty
    items = resolve_items(client)
    dims = [d for d in SPAN_DIMENSIONS if d in set(items["dimension"])]
    if not dims:
        return empty
    items = items[items["dimension"].isin(dims)]
    mgs = int(client.settings.min_group_size)
    people = client.people.assign(employee_id=client.people["employee_id"].astype(str))
    manager = people.set_index("employee_id")["manager_id"]
    spans = assessment.structure.spans
    span_of = spans.assign(employee_id=spans["employee_id"].astype(str)).set_index("employee_id")["span"]
    rid = survey["respondent_id"].astype("string")
    mgr = rid.map(manager).astype("string")
    span = mgr.map(span_of).astype("float64")
    lo, hi = th["structure.span.healthy_min"], th["structure.span.healthy_max"]
    band = pd.Series(np.select([span < lo, span > hi, span.notna()], ["narrow", "wide", "healthy"], "unlinked"),
                     index=survey.index)
    if (band == "unlinked").all():
        return empty
    sizes = band.value_counts().reindex(["narrow", "healthy", "wide", "unlinked"], fill_value=0)
    primary = pd.Series([bool(v < mgs) for v in sizes.to_numpy()], index=sizes.index)
    primary["unlinked"] = True  # never shown
    hidden = complementary_suppression(sizes, primary, mgs)
    bands = ["narrow", "healthy", "wide"]
    scores = score_respondents(survey, items).assign(band=band.to_numpy())
    per_item = score_respondents(survey, items.assign(dimension=items["item"]))  # reverse items flipped
    answers = (per_item.assign(band=band.to_numpy()).melt(id_vars="band", var_name="item", value_name="value")
               .dropna(subset=["value"]))
    answers["dimension"] = answers["item"].map(items.set_index("item")["dimension"])
    answers["favourable"] = answers["value"] >= th["survey.answer.favourable_min"]
    long = scores.melt(id_vars="band", var_name="dimension", value_name="score").dropna(subset=["score"])
    grid = pd.MultiIndex.from_product([bands, dims], names=["band", "dimension"])
    stats = long.groupby(["band", "dimension"])["score"].agg(n="count", mean="mean").reindex(grid)
    stats["favourable"] = answers.groupby(["band", "dimension"])["favourable"].mean().reindex(grid)
    out = stats.reset_index()
    out["n"] = out["n"].fillna(0).astype("float64")
    out["respondents"] = out["band"].map(sizes).astype("float64")
    out["managers"] = out["band"].map(mgr.groupby(band).nunique()).fillna(0).astype("float64")
    out["suppressed"] = out["band"].map(hidden).astype(bool) | (out["n"] < mgs)
    # per dimension too: the unlinked respondents and every cell hidden so far must not be recoverable
    unlinked_n = long[long["band"] == "unlinked"].groupby("dimension")["score"].count()
    for dim in dims:
        at = (out["dimension"] == dim).to_numpy()
        n = pd.Series(out.loc[at, "n"].to_numpy(), index=bands)
        n["unlinked"] = float(unlinked_n.get(dim, 0))
        primary = pd.Series(out.loc[at, "suppressed"].to_numpy(), index=bands)
        primary["unlinked"] = True
        out.loc[at, "suppressed"] = complementary_suppression(n, primary, mgs)[bands].to_numpy()
    blank = out["suppressed"]
    out.loc[blank, ["respondents", "managers", "n", "mean", "favourable"]] = np.nan
    return out[columns]


def _span_comparisons(assessment: Any, bands: pd.DataFrame) -> list[Comparison]:
    """Per non-healthy band and dimension: the structure says the span is off; do the teams answer worse?"""
    th = assessment.thresholds
    gap = float(th["triangulation.span.favourable_gap"])
    out = []
    if bands.empty:
        survey = assessment.survey
        client = assessment.client
        if not survey.available:
            why = ("the client has no survey", "no_survey")
        elif not client.has_hierarchy:
            why = ("people has no manager_id column", "no_hierarchy")
        else:
            why = ("survey answers cannot be linked to people (no respondent_id)", "no_link")
        for b in ("narrow", "wide"):
            out.append(Comparison("spans", "span_band", b, Side("survey", "favourable", reason=why[0], reason_key=why[1]),
                                  Side("structure", "span_band", reason=why[0], reason_key=why[1]), "not_assessed"))
        return out
    managers = assessment.structure.spans["span"]
    lo, hi = th["structure.span.healthy_min"], th["structure.span.healthy_max"]
    count = {"narrow": int((managers < lo).sum()), "wide": int((managers > hi).sum())}
    healthy = bands[bands["band"] == "healthy"].set_index("dimension")
    for b in ("narrow", "wide"):
        rows = bands[bands["band"] == b]
        structure = Side("structure", "span_band", float(count[b]), _POOR if count[b] else _NONE, count[b],
                         reason=None if count[b] else f"no manager has a {b} span",
                         reason_key=None if count[b] else "too_few")
        for r in rows.to_dict("records"):
            dim = r["dimension"]
            ref = _float(healthy.loc[dim, "favourable"]) if dim in healthy.index else None
            fav = _float(r["favourable"])
            if structure.verdict == _NONE:
                s = Side("survey", "favourable", fav, _NONE, _int(r["n"]), reason=structure.reason,
                         reason_key="too_few")
            elif fav is None:
                s = Side("survey", "favourable", reason="fewer respondents than the minimum group size",
                         reason_key="hidden")
            elif ref is None:
                s = Side("survey", "favourable", reason="the teams under healthy spans are too few to compare",
                         reason_key="no_reference")
            else:
                s = Side("survey", "favourable", fav, _POOR if ref - fav >= gap else _GOOD, _int(r["n"]))
            out.append(Comparison("spans", "span_band", b, s, structure, agreement(s.verdict, structure.verdict),
                                  dim, ref))
    return out


# --------------------------------------------------------------------------------------------------
# everything
# --------------------------------------------------------------------------------------------------
def triangulate(assessment: Any, visible: set[str] | None = None) -> Triangulation:
    """Every comparison of two sources on one question (decision speed, silos, role clarity, spans).

    Parameters
    ----------
    assessment : orgkit.assessment.Assessment
    visible : set of str, optional
        The departments that may be shown (default: those with at least ``min_group_size`` people).

    Returns
    -------
    Triangulation

    Examples
    --------
    >>> import orgkit
    >>> from orgkit.data.sample import sample_client_path
    >>> tri = triangulate(orgkit.assess(orgkit.load_client(sample_client_path())))
    >>> [c.agreement for c in tri.select("speed", "organisation")]
    ['felt_only', 'felt_only']
    """
    visible = _visible(assessment, visible)
    key = frozenset(visible)
    try:
        done = _CACHE.setdefault(assessment, {})
    except TypeError:  # not an Assessment (no weak reference): compute every time
        done = {}
    if key not in done:
        bands = span_answers(assessment)
        comparisons = (decision_speed(assessment, visible) + felt_and_measured_silos(assessment, visible)
                       + role_clarity(assessment, visible) + _span_comparisons(assessment, bands))
        done[key] = Triangulation(comparisons, decision_types(assessment), bands)
    return done[key]


#: Each assessment's triangulation per set of visible departments: the findings, the report block and
#: metrics.json ask for the same one (an assessment never changes once made).
_CACHE: "weakref.WeakKeyDictionary[Any, dict[frozenset[str], Triangulation]]" = weakref.WeakKeyDictionary()


def triangulation_metrics(assessment: Any, visible: set[str] | None = None) -> dict[str, Any]:
    """``metrics.json``'s ``triangulation`` block (plain types; see docs/metrics.md)."""
    tri = triangulate(assessment, visible)
    counts = {a: sum(c.agreement == a for c in tri.comparisons) for a in AGREEMENTS}
    types = [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
             for row in tri.decision_types.to_dict("records")]
    bands = tri.bands[~tri.bands["suppressed"]] if not tri.bands.empty else tri.bands
    return {
        "available": bool(tri.assessed),
        "agreements": counts,
        "comparisons": [c.to_dict() for c in tri.comparisons],
        "decision_types": [{**t, **{k: int(t[k]) for k in ("decisions", "latency_decisions", "escalation_decisions")}}
                           for t in types],
        "span_bands": [{"band": r["band"], "dimension": r["dimension"], "respondents": _int(r["respondents"]),
                        "n": _int(r["n"]), "mean": _float(r["mean"]), "favourable": _float(r["favourable"])}
                       for r in bands.to_dict("records")],
    }


def pool_triangulation(block: Any, visible: set[str]) -> Any:
    """The ``triangulation`` block of ``metrics.json`` without any department outside ``visible``.

    A department comparison whose unit is not visible is dropped (and the agreement counts follow);
    the analyses compare visible departments only, so this is a safety net for machine-readable output.
    """
    if not isinstance(block, dict) or not isinstance(block.get("comparisons"), list):
        return block
    kept = [c for c in block["comparisons"] if c.get("scope") != "department" or c.get("unit") in visible]
    if len(kept) != len(block["comparisons"]):
        block["comparisons"] = kept
        block["agreements"] = {a: sum(c.get("agreement") == a for c in kept) for a in AGREEMENTS}
    return block
