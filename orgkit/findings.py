"""From numbers to words: findings with red/amber/green statuses, and recommendations tied to them.

:func:`derive_findings` reads an :class:`orgkit.assessment.Assessment` and returns :class:`Finding` objects,
each a sentence with its numbers in it, in English or Chinese (the sentences are the catalogue's
``finding.<key>`` texts, :mod:`orgkit.i18n`); :func:`recommend` turns them into
:class:`Recommendation` objects, each citing the findings (and numbers) that triggered it. The rules
read their thresholds from the assessment's :class:`~orgkit.thresholds.Thresholds` (the registry of
:mod:`orgkit.thresholds`, updated by the client's ``client.yml``), so a reader can see, test and change
them.

Privacy: a department smaller than ``min_group_size`` is never named in a finding or recommendation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from orgkit.i18n import LANGUAGES, format_list, join_sentences, t, tn
from orgkit.thresholds import DEFAULTS, Thresholds

__all__ = [
    "Finding",
    "Recommendation",
    "STATUS_ORDER",
    "PLURAL_COUNTS",
    "score_status",
    "derive_findings",
    "recommend",
    "summary_cards",
    "top_findings",
    "status_label",
]

#: Statuses from worst to best; ``grey`` is "no data".
STATUS_ORDER = ("red", "amber", "green", "grey")

#: The sentences whose wording depends on a count (plural forms in the catalogue): rule -> the value counted.
PLURAL_COUNTS: dict[str, str] = {
    "spans": "healthy",
    "single_report": "count",
    "raci_gaps": "gaps",
    "raci_overlaps": "count",
    "raci_ok": "clear",
    "isolates": "count",
    "response_rate": "respondents",
    "silo_felt_open": "count",
    "silo_not_felt": "count",
}


def score_status(score: float | None, thresholds: Thresholds | None = None) -> str:
    """Red, amber or green for a 0-100 score (``grey`` without one).

    Parameters
    ----------
    score : float or None
    thresholds : Thresholds, optional
        ``score.status.green_from`` and ``amber_from`` (default: the registry's, 70 and 50).

    Examples
    --------
    >>> score_status(82), score_status(64.9), score_status(12), score_status(None)
    ('green', 'amber', 'red', 'grey')
    """
    return (DEFAULTS if thresholds is None else thresholds).score_status(score)


def status_label(status: str, language: str = "en") -> str:
    """The word for a status in ``language`` (``status.<status>`` of the catalogue).

    Examples
    --------
    >>> status_label("amber"), status_label("amber", "zh")
    ('Amber', '黄')
    """
    return t(f"status.{status}", language)


# --------------------------------------------------------------------------------------------------
# Number formatting inside sentences
# --------------------------------------------------------------------------------------------------
def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


def _num(x: float | None, digits: int = 1) -> str:
    if x is None:
        return "–"
    if float(x) == int(x):
        return f"{int(x):,}"
    return f"{x:,.{digits}f}"


def _signed(x: float | None) -> str:
    return "–" if x is None else f"{x:+.2f}".replace("-", "−")


def _join(names: Sequence[str], language: str, limit: int = 4) -> str:
    return format_list(names, language, limit)


@dataclass(frozen=True)
class Finding:
    """One thing the assessment found, as a sentence with its numbers.

    Attributes
    ----------
    area : str
        ``structure``, ``communication``, ``decisions`` or ``survey``.
    key : str
        Which rule produced it, e.g. ``silo``; its sentence is ``finding.<key>`` of the catalogue.
    status : str
        ``red``, ``amber`` or ``green``.
    values : dict
        The values the sentence is built from, per language (``{"en": {...}, "zh": {...}}``); plain
        types only.
    weight : float
        Importance within its status (larger first), for ordering the executive summary.
    ident : str
        A stable identifier (``key`` plus the department or function it is about).
    """

    area: str
    key: str
    status: str
    values: dict[str, dict[str, Any]]
    weight: float = 1.0
    ident: str = ""

    def text(self, language: str = "en") -> str:
        """The finding as a sentence in ``language``."""
        values = self.values.get(language, self.values.get("en", {}))
        count = PLURAL_COUNTS.get(self.key)
        if count is not None:
            return tn(f"finding.{self.key}", int(values[count]), language, **values)
        return t(f"finding.{self.key}", language, **values)

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        """Plain types for JSON: area, key, status, text."""
        return {"area": self.area, "key": self.key, "status": self.status, "text": self.text(language),
                "id": self.ident or self.key}


@dataclass(frozen=True)
class Recommendation:
    """An action, tied to the findings that call for it.

    Attributes
    ----------
    key : str
        Which recommendation: ``recommendation.<key>.title`` and ``.text`` of the catalogue.
    area : str
    status : str
        The worst status of its findings (its priority).
    findings : tuple of Finding
        The findings that triggered it; :meth:`because` quotes them.
    values : dict
        Per language, the values of its title and text.
    """

    key: str
    area: str
    status: str
    findings: tuple[Finding, ...]
    values: dict[str, dict[str, Any]] = field(default_factory=dict)

    def title(self, language: str = "en") -> str:
        """The action in a few words."""
        return t(f"recommendation.{self.key}.title", language, **self.values.get(language, self.values.get("en", {})))

    def text(self, language: str = "en") -> str:
        """What to do, in a sentence or two."""
        return t(f"recommendation.{self.key}.text", language, **self.values.get(language, self.values.get("en", {})))

    def because(self, language: str = "en") -> str:
        """The triggering findings, with their numbers."""
        return join_sentences([f.text(language) for f in self.findings], language)

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        """Plain types for JSON."""
        return {"key": self.key, "area": self.area, "status": self.status, "title": self.title(language),
                "text": self.text(language), "because": [f.ident or f.key for f in self.findings]}


def _both(**values: Any) -> dict[str, dict[str, Any]]:
    """The same values for every language (numbers and ids read the same)."""
    return {lang: dict(values) for lang in LANGUAGES}


def _per_language(fn: Any) -> dict[str, dict[str, Any]]:
    return {lang: fn(lang) for lang in LANGUAGES}


def _function_label(code: str, language: str) -> str:
    from orgkit.framework import function_label

    return function_label(code, language)


def _worst(statuses: Iterable[str]) -> str:
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    return min(statuses, key=lambda s: order.get(s, 99), default="grey")


# --------------------------------------------------------------------------------------------------
# The rules
# --------------------------------------------------------------------------------------------------
def _structure(m: Mapping[str, Any], visible: set[str], th: Thresholds, spans: Any) -> list[Finding]:
    """The structure findings; ``spans`` is the per-manager table (``span`` column) of the structure result."""
    out: list[Finding] = []
    if not m or not m.get("available", True):
        return out
    stage = m.get("stage") or "mid"
    stage_word = {lang: t(f"stage.{stage}", lang) for lang in LANGUAGES}
    people = m.get("people")
    if m.get("layers") is None:
        out.append(Finding("structure", "no_hierarchy", "amber", _both(), 0.5))
    else:
        excess = m.get("excess_layers")
        if excess is not None and m.get("min_layers") is not None:
            status = th.status("structure.excess_layers", excess)
            key = "layers_excess" if excess > 0 else "layers_ok"
            out.append(Finding("structure", key, status, _both(
                layers=m["layers"], min_layers=m["min_layers"], people=_num(people), span_mean=_num(m.get("span_mean")),
                excess=excess), 3.0 if excess > 0 else 0.5))
        managers = m.get("managers") or 0
        if managers:
            lo, hi = th["structure.span.healthy_min"], th["structure.span.healthy_max"]
            span = spans["span"].to_numpy()
            narrow, wide = int((span < lo).sum()), int((span > hi).sum())
            healthy = managers - narrow - wide
            status = _worst([th.status("structure.narrow_span_share", narrow / managers),
                             th.status("structure.wide_span_share", wide / managers)])
            out.append(Finding("structure", "spans", status, _both(
                healthy=healthy, managers=managers, healthy_share=_pct(healthy / managers), lo=lo, hi=hi,
                narrow=narrow, wide=wide, narrow_share=narrow / managers, wide_share=wide / managers),
                2.5 if status != "green" else 0.8))
            single = m.get("single_report_managers") or 0
            share = m.get("single_report_share")
            if single and share is not None and th.status("structure.single_report_share", share) != "green":
                out.append(Finding("structure", "single_report", th.status("structure.single_report_share", share),
                                   _both(count=single, share=_pct(share)), 1.5))
    for f in m.get("functions_missing") or []:
        out.append(Finding("structure", "function_missing", "red", _per_language(lambda lang, f=f: {
            "function": _function_label(f, lang), "stage": stage_word[lang], "code": f}), 4.0, f"function_missing:{f}"))
    functions = m.get("functions") or {}
    for f in m.get("functions_split") or []:
        depts = [d for d in functions.get(f, []) if d in visible]
        n = len(functions.get(f, []))
        out.append(Finding("structure", "function_split", "amber", _per_language(lambda lang, f=f, depts=depts, n=n: {
            "function": _function_label(f, lang), "n": n, "stage": stage_word[lang],
            "departments": _join(depts, lang) if depts else t("finding.value.small_groups", lang),
            "departments_list": depts, "code": f}), 2.0, f"function_split:{f}"))
    fn_of: dict[str, list[str]] = {}
    for f, ds in functions.items():
        for d in ds:
            fn_of.setdefault(d, []).append(f)
    for d in m.get("departments_overloaded") or []:
        if d not in visible:
            continue
        fs = fn_of.get(d, [])
        out.append(Finding("structure", "department_overloaded", "amber", _per_language(lambda lang, d=d, fs=fs: {
            "department": d, "functions": _join([_function_label(f, lang) for f in fs], lang), "stage": stage_word[lang],
            "codes": fs}), 2.0, f"department_overloaded:{d}"))
    if m.get("over_split"):
        from orgkit.framework import STAGE_EXPECTATIONS

        exp = STAGE_EXPECTATIONS.get(stage)
        allowed = exp.allowed_departments(people) if exp is not None else None
        out.append(Finding("structure", "over_split", "amber", _per_language(lambda lang: {
            "departments": m.get("departments_count"), "people": _num(people), "stage": stage_word[lang],
            "allowed": allowed}), 2.0))
    if m.get("units_missing"):
        out.append(Finding("structure", "units_missing", "amber", _both(), 1.5))
    if not m.get("functions_missing"):
        comps = {c.get("name"): c for c in m.get("score_components") or []}
        cov = comps.get("function_coverage", {}).get("value")
        if cov is not None:
            from orgkit.framework import STAGE_EXPECTATIONS

            exp = STAGE_EXPECTATIONS.get(stage)
            total = len(exp.core) if exp is not None else 0
            out.append(Finding("structure", "coverage_ok", "green", _per_language(lambda lang: {
                "stage": stage_word[lang], "covered": total, "total": total}), 0.6))
    raci = m.get("raci")
    if raci and raci.get("responsibilities"):
        total = raci["responsibilities"]
        gap_names = list(dict.fromkeys((raci.get("no_accountable") or []) + (raci.get("no_responsible") or [])))
        overlap_names = list(dict.fromkeys(o["responsibility"] for o in raci.get("overlaps") or []))
        if gap_names:
            share = len(gap_names) / total
            out.append(Finding("structure", "raci_gaps", _raci_status(share, th), _per_language(
                lambda lang: {"gaps": len(gap_names), "total": total, "names": _join(gap_names, lang, 3),
                              "list": gap_names}), 2.2))
        if overlap_names:
            share = len(overlap_names) / total
            out.append(Finding("structure", "raci_overlaps", _raci_status(share, th), _per_language(
                lambda lang: {"count": len(overlap_names), "total": total, "names": _join(overlap_names, lang, 3),
                              "list": overlap_names}), 1.8))
        if not gap_names and not overlap_names:
            out.append(Finding("structure", "raci_ok", "green", _both(
                clear=raci.get("clear"), total=total, share=_pct(raci.get("clear_share"))), 0.5))
    return out


def _raci_status(share: float, th: Thresholds) -> str:
    """Red from ``structure.raci_issue_share.red`` of the responsibilities, amber below (any issue is one)."""
    return "red" if share >= th["structure.raci_issue_share.red"] else "amber"


def _communication(m: Mapping[str, Any], visible: set[str], th: Thresholds) -> list[Finding]:
    out: list[Finding] = []
    if not m or not m.get("available"):
        return out
    depts = m.get("departments") or {}
    for name in m.get("silos") or []:
        d = depts.get(name) or {}
        if name not in visible or d.get("suppressed"):
            continue
        internal = 1 - (d.get("external_share") or 0.0)
        out.append(Finding("communication", "silo", "red", _both(
            department=name, internal=_pct(internal), ei=_signed(d.get("ei_index")),
            expected=_signed(d.get("ei_index_expected")), size=d.get("size")), 4.0 + internal, f"silo:{name}"))
    ei, exp = m.get("ei_index"), m.get("ei_index_expected")
    if ei is not None and exp is not None:
        cross = (1 + ei) / 2
        openness = min(1.0, (1 + ei) / (1 + exp)) if (1 + exp) > 0 else None
        status = "green" if openness is None else th.status("communication.openness", openness)
        out.append(Finding("communication", "openness", status, _both(
            cross=_pct(cross), ei=_signed(ei), expected=_signed(exp), openness=openness), 1.5))
    if not m.get("silos"):
        out.append(Finding("communication", "no_silos", "green", _both(), 0.7))
    isolates, share = m.get("isolates") or 0, m.get("isolate_share")
    if isolates and share is not None and th.status("communication.isolate_share", share) != "green":
        out.append(Finding("communication", "isolates", th.status("communication.isolate_share", share),
                           _both(count=isolates, share=_pct(share)), 1.6))
    brokers = m.get("brokers") or []
    if brokers:
        top = brokers[0]
        bc = top.get("betweenness")
        if bc is not None and th.status("communication.top_broker_betweenness", bc) != "green":
            out.append(Finding("communication", "broker", th.status("communication.top_broker_betweenness", bc), _both(
                person=str(top.get("employee_id")), share=_pct(bc), reached=top.get("departments_reached"),
                betweenness=bc), 1.4, f"broker:{top.get('employee_id')}"))
    return out


def _decisions(m: Mapping[str, Any], th: Thresholds) -> list[Finding]:
    out: list[Finding] = []
    if not m:
        return out
    if not m.get("available"):
        mean = m.get("distance_to_top_mean")
        if mean is not None:
            out.append(Finding("decisions", "structural_proxy", th.status("decisions.distance_to_top_mean", mean),
                               _both(mean=_num(mean)), 1.5))
        return out
    if m.get("hops_mean") is not None:
        status = th.status("decisions.hops_p90", m.get("hops_p90"))
        out.append(Finding("decisions", "hops", status, _both(
            mean=_num(m["hops_mean"]), p90=_num(m.get("hops_p90")), hops_p90=m.get("hops_p90")),
            3.0 if status != "green" else 1.0))
    if m.get("approvals_mean") is not None:
        status = th.status("decisions.approvals_mean", m["approvals_mean"])
        out.append(Finding("decisions", "approvals", status, _both(
            mean=_num(m["approvals_mean"]), p90=_num(m.get("approvals_p90")), approvals_mean=m["approvals_mean"]),
            2.0 if status != "green" else 0.6))
    if m.get("latency_days_median") is not None:
        by_type = m.get("by_type") or {}
        ranked = sorted(((v.get("latency_days_median"), t) for t, v in by_type.items()
                         if v.get("latency_days_median") is not None), reverse=True)
        slowest, slowest_median = (ranked[0][1], ranked[0][0]) if ranked else ("–", None)
        status = th.status("decisions.latency_days_median", m["latency_days_median"])
        out.append(Finding("decisions", "latency", status, _both(
            median=_num(m["latency_days_median"]), slowest=slowest, slowest_median=_num(slowest_median),
            latency_days_median=m["latency_days_median"]), 2.5 if status != "green" else 0.9))
    if m.get("escalated_share") is not None:
        status = th.status("decisions.escalated_share", m["escalated_share"])
        by_type = m.get("by_type") or {}
        escalated_types = [t for t, v in sorted(by_type.items(), key=lambda kv: -(kv[1].get("escalated_share") or 0))
                           if (v.get("escalated_share") or 0) >= th["decisions.escalated_share.amber"]]
        out.append(Finding("decisions", "escalation", status, _both(
            share=_pct(m["escalated_share"]), escalated_share=m["escalated_share"], types=escalated_types[:3]),
            2.2 if status != "green" else 0.7))
    return out


def _survey(m: Mapping[str, Any], language_labels: Mapping[str, Mapping[str, str]], th: Thresholds) -> list[Finding]:
    out: list[Finding] = []
    if not m or not m.get("available"):
        return out
    dims = {k: v for k, v in (m.get("dimensions") or {}).items() if v and v.get("favourable") is not None}

    def dim_label(code: str, lang: str) -> str:
        return language_labels.get(lang, {}).get(code) or code.replace("_", " ").capitalize()

    if dims:
        low = min(dims, key=lambda k: dims[k]["favourable"])
        high = max(dims, key=lambda k: dims[k]["favourable"])
        fav = dims[low]["favourable"]
        out.append(Finding("survey", "survey_low", th.status("survey.favourable", fav), _per_language(lambda lang: {
            "dimension": dim_label(low, lang), "favourable": _pct(fav), "mean": _num(dims[low].get("mean"), 2),
            "code": low}), 3.0, f"survey_low:{low}"))
        if high != low:
            out.append(Finding("survey", "survey_high", th.status("survey.favourable", dims[high]["favourable"]),
                               _per_language(lambda lang: {"dimension": dim_label(high, lang),
                                                           "favourable": _pct(dims[high]["favourable"]), "code": high}),
                               0.8, f"survey_high:{high}"))
    rate = m.get("response_rate")
    if rate is not None:
        out.append(Finding("survey", "response_rate", th.status("survey.response_rate", rate), _both(
            respondents=m.get("respondents"), rate=_pct(rate), response_rate=rate), 1.0))
    low_alpha = m.get("low_alpha") or []
    if low_alpha:
        out.append(Finding("survey", "low_alpha", "amber", _per_language(lambda lang: {
            "dimensions": _join([dim_label(d, lang) for d in low_alpha], lang),
            "alpha": th.text("survey.alpha.min")}), 0.9))
    return out


def _felt_silos(assessment: Any, visible: set[str], language_labels: Mapping[str, Mapping[str, str]]) -> list[Finding]:
    """A ``felt_silo`` finding per visible department that is a structural silo and low on communication."""
    from orgkit.interpretation import FELT_SILO_DIMENSION as dimension
    from orgkit.interpretation import felt_silos

    felt = felt_silos(assessment, visible)
    if felt.empty:
        return []
    survey = assessment.survey
    overall = ((survey.metrics.get("dimensions") or {}).get(dimension) or {}).get("mean")
    out = []
    for row in felt.to_dict("records"):
        name, ei = str(row["department"]), float(row["ei_index"])
        internal = (1 - ei) / 2  # the share of ties inside: E-I = (E - I) / (E + I)

        def values(lang: str) -> dict[str, Any]:
            label = language_labels.get(lang, {}).get(dimension) or dimension
            return {"department": name, "dimension": label.lower(),
                    "mean": _num(row[dimension], 2), "overall": _num(overall, 2), "internal": _pct(internal),
                    "ei": _signed(ei), "expected": _signed(row["ei_index_expected"]), "survey_mean": row[dimension],
                    "ei_index": ei}

        out.append(Finding("survey", "felt_silo", "red", _per_language(values), 4.5, f"felt_silo:{name}"))
    return out


def _triangulation(assessment: Any, visible: set[str], th: Thresholds) -> list[Finding]:
    """Findings where the survey and a measured source speak about the same thing (:mod:`orgkit.triangulation`).

    Decision speed (area ``decisions``): the survey's favourable share on decision speed against the
    records' median latency and escalated share; both poor is red (the evidence is strongest), one poor
    amber (a disagreement is itself a finding), both good green. The sentence names the departments where
    both sources agree decisions are slow and the decision types the records show escalating or slow.
    Role clarity against the RACI table, and each non-healthy span band against the answers of its teams
    (area ``structure``), follow the same pattern. Departments that rate communication low without being
    silos in the network, and silos whose people do not rate communication low, are amber communication
    findings (a silo both sources see is the ``felt_silo`` finding). Nothing is said where a side is not
    assessed; departments under ``min_group_size`` people or with hidden survey numbers are never named.
    """
    from orgkit.areas.survey import DIMENSION_LABELS
    from orgkit.triangulation import triangulate

    tri = triangulate(assessment, visible)
    out: list[Finding] = []

    def label(code: str, lang: str) -> str:
        return (DIMENSION_LABELS.get(lang, {}).get(code) or code.replace("_", " ")).lower()

    def unit_list(rows: Sequence[Any], lang: str) -> str:
        return _join(sorted({c.unit for c in rows}), lang, 4)

    # --- decision speed -----------------------------------------------------------------------
    org = {c.measured.measure: c for c in tri.select("speed", "organisation")}
    lat, esc = org.get("latency_days_median"), org.get("escalated_share")
    if lat is not None and esc is not None and lat.survey.verdict != "not_assessed" and (
            "not_assessed" not in (lat.measured.verdict, esc.measured.verdict)
            or lat.measured.verdict != esc.measured.verdict):
        survey_poor = lat.survey.verdict == "poor"
        records_poor = "poor" in (lat.measured.verdict, esc.measured.verdict)
        key = "speed_agree_slow" if survey_poor else "speed_records_slow"
        if not records_poor:
            key = "speed_felt_slow" if survey_poor else "speed_agree_fast"
        status = {"speed_agree_slow": "red", "speed_agree_fast": "green"}.get(key, "amber")
        types = tri.decision_types
        slow_types = types[(types["escalation_verdict"] == "poor") | (types["latency_verdict"] == "poor")]
        both = [c for c in tri.select("speed", "department") if c.agreement == "agree_poor"]
        median, share = lat.measured.value, esc.measured.value

        def values(lang: str, slow_types: Any = slow_types, both: list[Any] = both) -> dict[str, Any]:
            parts = []
            def days(value: float) -> str:
                return tn("finding.value.days", 1 if value == 1 else 2, lang, n=_num(value))

            if len(slow_types):
                items = []
                ranked = slow_types.sort_values(["escalated_share", "latency_days_median"], ascending=False)
                for r in ranked.to_dict("records"):
                    said = []
                    if r["escalation_verdict"] == "poor":
                        said.append(t("finding.value.speed_type_escalated", lang, escalated=_pct(r["escalated_share"]),
                                      decisions=int(r["escalation_decisions"])))
                    if r["latency_verdict"] == "poor":
                        said.append(t("finding.value.speed_latency", lang, days=days(r["latency_days_median"])))
                    items.append(t("finding.value.speed_type", lang, type=r["decision_type"],
                                   records=t("list.separator", lang).join(said)))
                parts.append(t("finding.value.speed_types", lang, types=_join(items, lang, 3)))
            if both:
                items = []
                for name in sorted({c.unit for c in both}):
                    mine = [c for c in both if c.unit == name]
                    records = [t("finding.value.speed_escalated", lang, share=_pct(c.measured.value))
                               if c.measured.measure == "escalated_share" else
                               t("finding.value.speed_latency", lang, days=days(c.measured.value)) for c in mine]
                    items.append(t("finding.value.speed_department", lang, department=name,
                                   favourable=_pct(mine[0].survey.value),
                                   records=t("list.separator", lang).join(records)))
                parts.append(t("finding.value.speed_departments", lang, departments=_join(items, lang, 4)))
            measured = []  # only the measures the records have (no dates: no latency; no hierarchy: no escalation)
            if median is not None:
                measured.append(t("finding.value.speed_records_latency", lang, days=days(median)))
            if share is not None:
                measured.append(t("finding.value.speed_escalated", lang, share=_pct(share)))
            return {"favourable": _pct(lat.survey.value), "records": _join(measured, lang),
                    "median_days": median, "escalated_share": share, "favourable_share": lat.survey.value,
                    "dimension": label("decision_speed", lang),
                    "detail": join_sentences(["", *parts], lang) if parts else "",
                    "departments": sorted({c.unit for c in both}), "types": slow_types["decision_type"].tolist()}

        weight = {"red": 4.2, "amber": 3.2}.get(status, 0.6)
        out.append(Finding("decisions", key, status, _per_language(values), weight, f"triangulation:speed:{key}"))

    # --- role clarity ---------------------------------------------------------------------------
    roles = tri.select("roles", "organisation")
    if roles and roles[0].agreement != "not_assessed":
        c = roles[0]
        key = "roles_agree_unclear" if c.agreement == "agree_poor" else "roles_agree_clear"
        if c.agreement in ("felt_only", "measured_only"):
            key = "roles_felt_unclear" if c.agreement == "felt_only" else "roles_raci_unclear"
        status = {"roles_agree_unclear": "red", "roles_agree_clear": "green"}.get(key, "amber")
        both = [d for d in tri.select("roles", "department") if d.agreement == "agree_poor"]

        def role_values(lang: str, c: Any = c, both: list[Any] = both) -> dict[str, Any]:
            detail = (join_sentences(["", t("finding.value.roles_departments", lang,
                                            departments=unit_list(both, lang))], lang) if both else "")
            return {"favourable": _pct(c.survey.value), "unclear": _pct(c.measured.value),
                    "clear": _pct(1 - c.measured.value), "total": c.measured.n,
                    "dimension": label("role_clarity", lang), "detail": detail,
                    "departments": sorted({d.unit for d in both})}

        weight = {"red": 3.6, "amber": 2.4}.get(status, 0.5)
        out.append(Finding("structure", key, status, _per_language(role_values), weight, f"triangulation:roles:{key}"))

    # --- felt against measured silos (the departments where both agree are felt_silo findings) ------
    silos = tri.select("silos", "department")
    cut = th.text("survey.felt_silo.mean_below")
    for kind in ("felt_only", "measured_only"):
        rows = sorted((c for c in silos if c.agreement == kind), key=lambda c: c.survey.value)
        if not rows:
            continue

        def silo_values(lang: str, rows: list[Any] = rows) -> dict[str, Any]:
            return {"count": len(rows), "cut": cut, "list": [c.unit for c in rows],
                    "departments": _join([t("finding.value.silo_department", lang, department=c.unit,
                                            mean=_num(c.survey.value, 2)) for c in rows], lang, 4)}

        if kind == "felt_only":
            out.append(Finding("communication", "silo_felt_open", "amber", _per_language(silo_values), 1.9,
                               "triangulation:silos:felt_only"))
        else:
            out.append(Finding("communication", "silo_not_felt", "amber", _per_language(silo_values), 1.7,
                               "triangulation:silos:measured_only"))

    # --- spans against what the teams answer -----------------------------------------------------
    for band in ("narrow", "wide"):
        rows = [c for c in tri.select("spans") if c.unit == band and c.agreement != "not_assessed"]
        if not rows:
            continue
        felt = [c for c in rows if c.agreement == "agree_poor"]
        bound = th["structure.span.healthy_min"] if band == "narrow" else th["structure.span.healthy_max"]
        respondents = max(c.survey.n or 0 for c in rows)

        def span_values(lang: str, band: str = band, felt: list[Any] = felt, bound: Any = bound,
                        respondents: int = respondents) -> dict[str, Any]:
            return {"band": t(f"finding.value.span_{band}", lang, bound=bound), "respondents": respondents,
                    "dimensions": _join([label(c.dimension, lang) for c in felt], lang),
                    "detail": _join([t("finding.value.span_gap", lang, dimension=label(c.dimension, lang),
                                       favourable=_pct(c.survey.value), reference=_pct(c.reference))
                                     for c in felt], lang),
                    "codes": [c.dimension for c in felt], "span_band": band}

        if felt:
            out.append(Finding("structure", "span_felt", "amber", _per_language(span_values), 2.3,
                               f"triangulation:spans:{band}"))
        else:
            out.append(Finding("structure", "span_not_felt", "green", _per_language(span_values), 0.4,
                               f"triangulation:spans:{band}"))
    return out


def derive_findings(assessment: Any) -> list[Finding]:
    """Every finding of an assessment, worst first.

    Parameters
    ----------
    assessment : orgkit.assessment.Assessment
        The result of :func:`orgkit.assessment.assess`.

    Returns
    -------
    list of Finding
        Sorted by status (red, amber, green) and then by weight. Departments smaller than
        ``client.settings.min_group_size`` are never named.

    Notes
    -----
    The rules' thresholds are ``assessment.thresholds`` (:mod:`orgkit.thresholds`): a metric at or beyond
    its ``amber`` value is amber, at or beyond its ``red`` value red. An area without data yields no
    finding (its section says so). A department that is a structural silo *and* whose people rate
    communication below ``survey.felt_silo.mean_below`` (3.5 of 5) is a red ``felt_silo`` survey finding
    (:func:`orgkit.interpretation.felt_silos`); :func:`recommend` cites it beside the silo finding in the
    "open channels" recommendation. Where the survey and a measured source speak about the same thing
    (:mod:`orgkit.triangulation`), their agreement or disagreement is a finding too (:func:`_triangulation`).
    """
    client = assessment.client
    sizes = client.department_sizes()
    visible = set(sizes[sizes >= client.settings.min_group_size].index.astype(str))
    from orgkit.areas.survey import DIMENSION_LABELS

    th = assessment.thresholds
    found = (
        _structure(assessment.structure.metrics, visible, th, assessment.structure.spans)
        + _communication(assessment.communication.metrics, visible, th)
        + _decisions(assessment.decisions.metrics, th)
        + _survey(assessment.survey.metrics, DIMENSION_LABELS, th)
        + _felt_silos(assessment, visible, DIMENSION_LABELS)
        + _triangulation(assessment, visible, th)
    )
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    return sorted(found, key=lambda f: (order[f.status], -f.weight))


def top_findings(findings: Iterable[Finding], area: str, n: int = 3) -> list[Finding]:
    """The ``n`` findings of ``area`` that matter most (worst status, then largest weight)."""
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    mine = [f for f in findings if f.area == area]
    return sorted(mine, key=lambda f: (order[f.status], -f.weight))[:n]


def _neighbours(assessment: Any, department: str, visible: set[str], n: int = 2) -> list[str]:
    """The visible departments a silo talks to least relative to their size (its missing links)."""
    matrix = getattr(assessment.communication, "matrix", None)
    if matrix is None or department not in getattr(matrix, "index", []):
        return []
    row = matrix.loc[department].drop(labels=[department], errors="ignore")
    row = row[[c for c in row.index if c in visible]]
    if row.empty:
        return []
    return row.sort_values(kind="mergesort").index[:n].tolist()


def recommend(findings: Sequence[Finding], assessment: Any) -> list[Recommendation]:
    """Recommendations tied to the findings that call for them, most urgent first.

    Parameters
    ----------
    findings : sequence of Finding
        From :func:`derive_findings`.
    assessment : orgkit.assessment.Assessment
        For the details a recommendation names (a silo's least-connected neighbours, the slowest
        decision type).

    Returns
    -------
    list of Recommendation
        Each cites its findings. Green findings trigger nothing, except that the last recommendation is
        always to reassess: in 6 months when anything is red, else in 12.
    """
    client = assessment.client
    sizes = client.department_sizes()
    visible = set(sizes[sizes >= client.settings.min_group_size].index.astype(str))
    recs: list[Recommendation] = []
    act = [f for f in findings if f.status in ("red", "amber")]

    def add(key: str, area: str, fs: Sequence[Finding], values: dict[str, dict[str, Any]] | None = None) -> None:
        recs.append(Recommendation(key, area, _worst(f.status for f in fs), tuple(fs), values or _both()))

    for f in act:
        v = f.values
        if f.key == "function_missing":
            add("create_function", "structure", [f], {lang: {"function": v[lang]["function"]} for lang in v})
        elif f.key == "department_overloaded":
            add("split_department", "structure", [f],
                {lang: {"department": v[lang]["department"], "functions": v[lang]["functions"]} for lang in v})
        elif f.key == "function_split":
            add("merge_function", "structure", [f],
                {lang: {"function": v[lang]["function"], "departments": v[lang]["departments"]} for lang in v})
        elif f.key == "over_split":
            add("merge_departments", "structure", [f], _both(allowed=v["en"]["allowed"]))
        elif f.key == "units_missing":
            add("add_units", "structure", [f])
        elif f.key == "silo":
            name = v["en"]["department"]
            nb = _neighbours(assessment, name, visible)
            # the survey evidence, when the silo's people feel it too, is cited beside the network's
            felt = [g for g in findings if g.key == "felt_silo" and g.values["en"]["department"] == name]
            add("open_channels", "communication", [f, *felt], {lang: {
                "department": name,
                "neighbours": _join(nb, lang) if nb else t("recommendation.value.other_departments", lang)}
                for lang in LANGUAGES})
        elif f.key == "broker":
            add("spread_brokers", "communication", [f], _both(person=v["en"]["person"]))
        elif f.key == "isolates":
            add("check_isolates", "communication", [f])
    th = assessment.thresholds
    lo = _both(lo=th["structure.span.healthy_min"])
    layer_f = [f for f in act if f.key in ("layers_excess", "single_report")]
    span_f = [f for f in act if f.key == "spans"]
    if any(f.key == "layers_excess" for f in layer_f):
        add("flatten", "structure", layer_f, lo)
    elif layer_f:
        add("widen_spans", "structure", layer_f, lo)
    for f in span_f:
        if f.values["en"].get("narrow_share", 0) >= th["structure.narrow_span_share.amber"] and not layer_f:
            add("widen_spans", "structure", [f], lo)
        if f.values["en"].get("wide_share", 0) >= th["structure.wide_span_share.amber"]:
            add("add_team_leads", "structure", [f], _both(hi=f.values["en"]["hi"]))
    raci_f = [f for f in act if f.key in ("raci_gaps", "raci_overlaps")]
    if raci_f:
        names = list(dict.fromkeys(n for f in raci_f for n in f.values["en"].get("list", [])))
        add("fix_raci", "structure", raci_f, _per_language(lambda lang: {"names": _join(names, lang, 3)}))
    path_f = [f for f in act if f.key in ("hops", "escalation", "structural_proxy")]
    if path_f:
        types = []
        for f in path_f:
            types += f.values["en"].get("types", []) or []
        if not types:
            by_type = assessment.decisions.metrics.get("by_type") or {}
            types = [t for t, _ in sorted(by_type.items(), key=lambda kv: -(kv[1].get("hops_mean") or 0))][:2]
        add("delegate", "decisions", path_f,
            _per_language(lambda lang: {
                "types": _join(types, lang, 3) if types else t("recommendation.value.routine", lang)}))
    appr = [f for f in act if f.key == "approvals"]
    if appr:
        add("cut_approvals", "decisions", appr)
    lat = [f for f in act if f.key == "latency"]
    if lat:
        add("speed_up", "decisions", lat, _both(slowest=lat[0].values["en"]["slowest"]))
    low = [f for f in act if f.key == "survey_low"]
    for f in low:
        add("act_on_survey", "survey", [f], {lang: {"dimension": f.values[lang]["dimension"]} for lang in f.values})

    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    recs.sort(key=lambda r: order[r.status])
    any_red = any(f.status == "red" for f in findings)
    scores = assessment.scores
    basis = [f for f in findings if f.status in ("red", "amber")][:2]
    months = 6 if any_red else 12
    recs.append(Recommendation("reassess", "all", "red" if any_red else "green", tuple(basis), _both(
        months=months, overall=scores.get("overall"))))
    return recs


def summary_cards(assessment: Any, findings: Sequence[Finding], language: str = "en", n: int = 3) -> list[dict[str, Any]]:
    """The executive summary's cards: per area its score, status and top findings as sentences.

    The survey card is left out when the client has no survey; other areas without data get a grey
    card saying so.
    """
    scores = assessment.scores
    cards = []
    for area in ("structure", "communication", "decisions", "survey"):
        result = getattr(assessment, area)
        available = bool(result.metrics.get("available", True))
        if area == "survey" and not available:
            continue
        score = scores.get(area)
        tops = [f.text(language) for f in top_findings(findings, area, n)]
        if not tops and not available:
            reason = result.metrics.get("reason") or ""
            tops = [t("summary.not_available", language, reason=str(reason).rstrip("."))] if reason else []
        cards.append({"area": area, "title": t(f"area.{area}", language), "score": score,
                      "status": score_status(score, assessment.thresholds), "findings": tops})
    return cards
