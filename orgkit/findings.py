"""From numbers to words: findings with red/amber/green statuses, and recommendations tied to them.

:func:`derive_findings` reads an :class:`orgkit.assessment.Assessment` and returns :class:`Finding` objects,
each a sentence with its numbers in it, in English or Chinese (the sentences are the catalogue's
``finding.<key>`` texts, :mod:`orgkit.i18n`); :func:`recommend` turns them into
:class:`Recommendation` objects, one per action, each naming whom or what it concerns, citing every finding
(and number) that triggered it, with an owner role, an effort and a progress measure, ordered by impact
(people concerned × severity, :func:`impact`); :mod:`orgkit.storyline` tells the first three as the key
messages. :func:`reassess_line` is the dated closing line ("Reassess by June 2027: …"). The rules
read their thresholds from the assessment's :class:`~orgkit.thresholds.Thresholds` (the registry of
:mod:`orgkit.thresholds`, updated by the client's ``client.yml``), so a reader can see, test and change
them.

Privacy: a department smaller than ``min_group_size`` is never named in a finding or recommendation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from orgkit import formatting
from orgkit.i18n import LANGUAGES, format_list, is_plural, join_sentences, t, tn
from orgkit.privacy import person_label
from orgkit.thresholds import DEFAULTS, Thresholds

__all__ = [
    "Finding",
    "Recommendation",
    "STATUS_ORDER",
    "PLURAL_COUNTS",
    "score_status",
    "derive_findings",
    "recommend",
    "reassess_by",
    "reassess_line",
    "impact",
    "EFFORT",
    "PEOPLE_AFFECTED",
    "ATTACH",
    "summary_cards",
    "card_status",
    "shown_band",
    "area_statuses",
    "decisions_context",
    "overall_text",
    "CARD_CAP",
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
    "latency": "closed",
    "open_decisions": "open",
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
    return formatting.percent(x)


def _num(x: float | None, digits: int = 1) -> str:
    return formatting.number(x, digits)


def _signed(x: float | None) -> str:
    return formatting.signed(x)


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
    text_key : str
        The sentence's catalogue key when it is a variant of the rule's (``finding.<text_key>``); empty:
        ``finding.<key>``.
    """

    area: str
    key: str
    status: str
    values: dict[str, dict[str, Any]]
    weight: float = 1.0
    ident: str = ""
    text_key: str = ""

    def text(self, language: str = "en") -> str:
        """The finding as a sentence in ``language``."""
        values = self.values.get(language, self.values.get("en", {}))
        key = self.text_key or self.key
        count = PLURAL_COUNTS.get(key)
        if count is not None:
            return tn(f"finding.{key}", int(values[count]), language, **values)
        return t(f"finding.{key}", language, **values)

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        """Plain types for JSON: area, key, status, text."""
        return {"area": self.area, "key": self.key, "status": self.status, "text": self.text(language),
                "id": self.ident or self.key}


@dataclass(frozen=True)
class Recommendation:
    """One action, said once, tied to every finding that calls for it.

    Attributes
    ----------
    key : str
        Which action: ``recommendation.<key>.title`` and ``.text`` of the catalogue. No key appears twice
        in what :func:`recommend` returns; an action that concerns several units names them all.
    area : str
    status : str
        The worst status of its findings.
    findings : tuple of Finding
        Every finding that triggered it; :meth:`because` quotes them once each.
    values : dict
        Per language, the values of its title, text, headline and progress metric.
    owner : tuple of (str, str)
        Who should lead it: ``(role, subject)`` with role ``ceo``, ``coo``, ``hr``, ``head_function``
        (subject: the function code of the department concerned) or ``head_department`` (subject: the
        department, when its function is not identified). See :meth:`owner_text`.
    effort : str
        ``low``, ``medium`` or ``high``: :data:`EFFORT` of its action (a judgement).
    people : int
        The people it concerns (see :data:`PEOPLE_AFFECTED`), for its impact.
    units : tuple of str
        The departments it names (never one under the minimum group size).
    evidence : dict
        Per language, two or three short phrases with the numbers behind it, from different sources where
        there are (the key messages show them).
    impact : float
        People affected times the severity weight of its status (:func:`impact`).
    simulated : dict
        The effect of the plan that carries it out, computed by applying it
        (:func:`orgkit.scenario.suggest.suggest_plans`): ``kind``, ``effect`` (the numbers before and after)
        and ``text`` (per language, the sentence :meth:`text` ends with); empty when no plan backs it.
    """

    key: str
    area: str
    status: str
    findings: tuple[Finding, ...]
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    owner: tuple[str, str] = ("", "")
    effort: str = ""
    people: int = 0
    units: tuple[str, ...] = ()
    evidence: dict[str, tuple[str, ...]] = field(default_factory=dict)
    impact: float = 0.0
    simulated: dict[str, Any] = field(default_factory=dict)

    def _values(self, language: str) -> dict[str, Any]:
        return self.values.get(language, self.values.get("en", {}))

    def _say(self, key: str, language: str) -> str:
        """The text ``key`` with this recommendation's values (its plural form by ``n`` where it has them)."""
        values = self._values(language)
        if is_plural(key, language):
            return tn(key, int(values.get("n", 1)), language, **values)
        return t(key, language, **values)

    def title(self, language: str = "en") -> str:
        """The action in a few words, naming whom or what it concerns."""
        return self._say(f"recommendation.{self.key}.title", language)

    def text(self, language: str = "en") -> str:
        """What to do, in a sentence or two, with the numbers that single out whom or what; then, where a plan
        backs it, its simulated effect ("Simulated: delegating … would bring the median hops from 4 to 2 …")."""
        text = self._say(f"recommendation.{self.key}.text", language)
        sim = (self.simulated.get("text") or {}).get(language)
        return join_sentences([text, sim], language) if sim else text

    def headline(self, language: str = "en") -> str:
        """The problem as a key message's headline (``storyline.headline.<key>``), naming its units."""
        felt = "_felt" if self._values(language).get("felt") else ""
        return self._say(f"storyline.headline.{self.key}{felt}", language)

    def progress(self, language: str = "en") -> str:
        """The metric that will show progress, its current value and its target (``storyline.progress.<key>``)."""
        return self._say(f"storyline.progress.{self.key}", language)

    def owner_text(self, language: str = "en") -> str:
        """The role that should lead the action, e.g. "Head of R&D" / "研发负责人"."""
        role, subject = self.owner
        if role == "head_function":
            return t("storyline.owner.head_function", language, function=_function_label(subject, language))
        if role == "head_department":
            return t("storyline.owner.head_department", language, department=subject)
        role = role or "coo"
        return t(f"storyline.owner.{role}", language)

    def effort_text(self, language: str = "en") -> str:
        """The effort as a word (low, medium, high / 低, 中, 高)."""
        effort = self.effort or "medium"
        return t(f"storyline.effort.{effort}", language)

    def cited(self) -> list[Finding]:
        """Its findings, each once: a silo finding is left out where the felt-silo finding of the same
        department (which carries the same network numbers) is cited."""
        felt = {f.values.get("en", {}).get("department") for f in self.findings if f.key == "felt_silo"}
        out, seen = [], set()
        for f in self.findings:
            if f.key == "silo" and f.values.get("en", {}).get("department") in felt:
                continue
            if (f.ident or f.key) not in seen:
                seen.add(f.ident or f.key)
                out.append(f)
        return out

    def because(self, language: str = "en") -> str:
        """The triggering findings, with their numbers, each sentence once."""
        return join_sentences(list(dict.fromkeys(f.text(language) for f in self.cited())), language)

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        """Plain types for JSON."""
        return {"key": self.key, "area": self.area, "status": self.status, "title": self.title(language),
                "text": self.text(language), "because": [f.ident or f.key for f in self.findings],
                "owner": self.owner_text(language), "effort": self.effort or "medium",
                "progress": self.progress(language), "people": self.people, "units": list(self.units),
                "simulated": simulated_block(self, language)}


def simulated_block(r: Recommendation, language: str = "en") -> dict[str, Any] | None:
    """A recommendation's simulated effect for JSON: ``kind``, its numbers and its sentence (``None``: no plan)."""
    if not r.simulated:
        return None
    return {"recommendation": r.key, "kind": r.simulated["kind"], **r.simulated["effect"],
            "text": r.simulated["text"].get(language, r.simulated["text"].get("en", ""))}


def _simulate(out: dict[str, Recommendation], assessment: Any) -> None:
    """Attach to each structural recommendation a suggested plan backs its computed effect (in place)."""
    from orgkit.scenario.suggest import BACKS, suggest_plans

    wanted = [kind for kind, keys in BACKS.items() if any(k in out for k in keys)]
    client = getattr(assessment, "client", None)
    if not wanted or client is None or getattr(client, "people", None) is None:
        return
    for s in suggest_plans(client, assessment, kinds=wanted):
        key = next(k for k in BACKS[s.kind] if k in out)
        out[key] = replace(out[key], simulated={"kind": s.kind, "effect": dict(s.effect),
                                                "text": {lang: s.effect_text(lang) for lang in ("en", "zh")}})


#: The effort an action takes, a judgement by the kind of change: ``low`` needs a decision and a routine
#: (publish a table, set a deadline, change an approval rule, follow up a survey, check data), ``medium``
#: changes how teams or decision rights work (joint forums, delegation limits, team leads, combining
#: teams), ``high`` redraws the structure (new or merged departments, a layer removed, business units).
EFFORT: dict[str, str] = {
    "fix_raci": "low", "cut_approvals": "low", "clear_open": "low", "speed_up": "low", "check_isolates": "low", "act_on_survey": "low",
    "spread_brokers": "low",
    "open_channels": "medium", "delegate": "medium", "widen_spans": "medium", "add_team_leads": "medium",
    "merge_function": "medium",
    "flatten": "high", "rebalance": "high", "create_function": "high", "split_department": "high", "merge_departments": "high",
    "add_units": "high",
}

#: Findings that add their evidence to an action another finding triggered, without triggering it
#: themselves: finding key -> action key. :func:`recommend` appends such a red or amber finding to that
#: action (its status and impact follow) when the action exists. The merges :func:`recommend` makes by
#: itself (felt silo, weak survey dimensions, a broker in a silo) are not listed here.
ATTACH: dict[str, str] = {
    "openness": "open_channels",  # few ties across departments overall: the silos are where they are missing
    # the survey and the records on decision speed, side by side: evidence for delegating the escalating types
    "speed_agree_slow": "delegate", "speed_felt_slow": "delegate", "speed_records_slow": "delegate",
    # the survey on role clarity beside the RACI table: evidence for settling who is accountable
    "roles_agree_unclear": "fix_raci", "roles_felt_unclear": "fix_raci", "roles_raci_unclear": "fix_raci",
}

#: Whom each action concerns, counted in people for its impact (documentation of :func:`recommend`).
PEOPLE_AFFECTED: dict[str, str] = {
    "open_channels": "the people of the silo departments",
    "spread_brokers": "headcount times the broker's share of shortest paths",
    "check_isolates": "the people without ties",
    "delegate": "the people of the departments that raised decisions of the named types",
    "cut_approvals": "the people of the departments that raised decisions",
    "clear_open": "the people of the departments whose decisions are still open",
    "speed_up": "the people of the departments that raised decisions of the named types",
    "act_on_survey": "the respondents who did not answer the dimension favourably",
    "widen_spans": "the managers with narrow spans and their direct reports",
    "add_team_leads": "the managers with wide spans and their direct reports",
    "fix_raci": "headcount times the share of responsibilities with a gap or an overlap",
    "split_department": "the people of the departments concerned",
    "merge_function": "the people of the departments concerned",
    "flatten": "everyone", "rebalance": "everyone", "create_function": "everyone", "merge_departments": "everyone",
    "add_units": "everyone",
}


def impact(people: int, status: str, thresholds: Thresholds | None = None) -> float:
    """People affected times the severity weight of ``status``: how a key message or recommendation ranks.

    Parameters
    ----------
    people : int
        The people the action concerns (:data:`PEOPLE_AFFECTED` says whom, per action).
    status : str
        ``red`` or ``amber`` (anything else weighs 0).
    thresholds : Thresholds, optional
        ``impact.severity.red`` and ``.amber`` (default: the registry's, 3 and 1; a judgement).

    Examples
    --------
    >>> impact(23, "red"), impact(150, "amber"), impact(40, "green")
    (69.0, 150.0, 0.0)
    """
    th = DEFAULTS if thresholds is None else thresholds
    if status not in ("red", "amber"):
        return 0.0
    return float(people) * float(th[f"impact.severity.{status}"])


def _both(**values: Any) -> dict[str, dict[str, Any]]:
    """The same values for every language (numbers and ids read the same)."""
    return {lang: dict(values) for lang in LANGUAGES}


def _per_language(fn: Any) -> dict[str, dict[str, Any]]:
    return {lang: fn(lang) for lang in LANGUAGES}


def _function_label(code: str, language: str) -> str:
    from orgkit.framework import function_label

    return function_label(code, language)


def _stage_label(stage: str, industry: str, language: str) -> str:
    from orgkit.industries import stage_label

    return stage_label(stage, industry, language)


def _industry_label(code: str, language: str) -> str:
    from orgkit.industries import industry_label

    return industry_label(code, language)


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
    stage_word = {lang: _stage_label(stage, m.get("industry") or "general", lang) for lang in LANGUAGES}
    people = m.get("people")
    if m.get("layers") is None:
        out.append(Finding("structure", "no_hierarchy", "amber", _both(), 0.5))
    else:
        excess = m.get("excess_layers")
        if excess is not None and m.get("min_layers") is not None:
            status = th.status("structure.excess_layers", excess)
            hi = th["structure.span.healthy_max"]
            # the minimum is computed at the mean span capped at the healthy maximum: the sentence says which
            wide = m.get("span_mean") is not None and m["span_mean"] > hi
            key = "layers_excess" if excess > 0 else "layers_ok"
            if wide:
                text_key = "layers_excess_wide" if excess > 0 else "layers_ok_wide"
            else:
                text_key = "layers_below" if excess < 0 else "layers_ok" if excess == 0 else "layers_excess"
            out.append(Finding("structure", key, status, _both(
                layers=m["layers"], min_layers=m["min_layers"], people=_num(people), span_mean=_num(m.get("span_mean")),
                excess=excess, hi=hi), 3.0 if excess > 0 else 0.5, text_key=text_key))
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
    industry = m.get("industry") or "general"
    industry_word = {lang: _industry_label(industry, lang) for lang in LANGUAGES}
    placed_share = m.get("mapped_share")
    # a function is missing only when enough people sit in confidently placed departments to say so
    assessed = m.get("coverage_assessed", True)
    for f in (m.get("functions_missing") or []) if assessed else []:
        out.append(Finding("structure", "function_missing", "red", _per_language(lambda lang, f=f: {
            "function": _function_label(f, lang), "stage": stage_word[lang], "industry": industry_word[lang],
            "placed": _pct(placed_share), "code": f, "mapped_share": placed_share}), 4.0, f"function_missing:{f}"))
    if not assessed:
        unidentified = [str(d) for d in m.get("unidentified_departments") or []]
        shown = [d for d in unidentified if d in visible]
        hidden = len(unidentified) - len(shown)
        why = "managers_only" if m.get("coverage_reason") == "managers_only" else "placed"

        def not_assessed(lang: str) -> dict[str, Any]:
            names = _join(shown + ([tn("group.small_groups", hidden, lang)] if hidden else []), lang, 6)
            return {"reason": t(f"coverage_reason.{why}", lang, placed=_pct(placed_share),
                                needed=th.text("structure.coverage.min_mapped_share")),
                    "unidentified": t("coverage_reason.unidentified", lang, departments=names) if unidentified else "",
                    "departments_list": shown, "hidden": hidden, "mapped_share": placed_share, "why": why}

        out.append(Finding("structure", "coverage_not_assessed", "grey", _per_language(not_assessed), 1.0,
                           "coverage_not_assessed"))
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
    if assessed and not m.get("functions_missing"):
        comps = {c.get("name"): c for c in m.get("score_components") or []}
        cov = comps.get("function_coverage", {}).get("value")
        if cov is not None:
            from orgkit.industries import expectation

            total = len(expectation(stage, industry).core) if stage in ("startup", "mid", "large") else 0
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
    """The communication findings; each says its basis (``values[...]["basis"]`` and its sentence): ties (pairs
    meeting the tie rule of the metrics) or messages (every message of a message log)."""
    out: list[Finding] = []
    if not m or not m.get("available"):
        return out
    depts = m.get("departments") or {}
    from orgkit.framework import is_placeholder_department

    for name in m.get("silos") or []:
        d = depts.get(name) or {}
        if name not in visible or d.get("suppressed") or is_placeholder_department(name):
            continue  # a catch-all group ("Unassigned") is no unit that could keep to itself
        internal = 1 - (d.get("external_share") or 0.0)
        out.append(Finding("communication", "silo", "red", _both(
            department=name, internal=_pct(internal), ei=_signed(d.get("ei_index")),
            expected=_signed(d.get("ei_index_expected")), size=d.get("size"), basis="ties"), 4.0 + internal,
            f"silo:{name}"))
    ei, exp = m.get("ei_index"), m.get("ei_index_expected")
    if ei is not None and exp is not None:
        cross = (1 + ei) / 2
        openness = min(1.0, (1 + ei) / (1 + exp)) if (1 + exp) > 0 else None
        status = "green" if openness is None else th.status("communication.openness", openness)
        out.append(Finding("communication", "openness", status, _both(
            cross=_pct(cross), ei=_signed(ei), expected=_signed(exp), openness=openness, basis="ties"), 1.5))
    # a message log: the share of messages crossing departments, beside the share of ties, when they disagree
    # (the openness rule is set for ties; the message figure is shown beside it, not coloured by it)
    share_msg, share_ties = m.get("cross_department_message_share"), m.get("cross_department_share")
    if m.get("bases_disagree") and share_msg is not None and share_ties is not None:
        key = "volume_inward" if share_ties > share_msg else "volume_outward"
        out.append(Finding("communication", key, "amber", _both(
            ties=_pct(share_ties), messages=_pct(share_msg), tie_share=share_ties, message_share=share_msg,
            gap=abs(share_ties - share_msg), basis="ties and messages"), 1.7))
    if not m.get("silos"):
        # no silo by the rule, yet departments far below their random-mixing mark are named: "no department
        # keeps to itself" would not be true of them
        margin = th["communication.silo.margin"]
        gaps = {name: d["ei_index_expected"] - d["ei_index"] for name, d in depts.items()
                if name in visible and not d.get("suppressed") and d.get("ei_index") is not None
                and d.get("ei_index_expected") is not None}
        inward = sorted((n for n, g in gaps.items() if g > margin), key=lambda n: -gaps[n])
        text_key = "no_silos_inward" if inward else "no_silos"
        out.append(Finding("communication", "no_silos", "green", _per_language(lambda lang: dict(
            departments=_join(inward, lang), share=th.text("communication.silo.max_external_share"),
            basis="ties")), 0.7, text_key=text_key))
    isolates, share = m.get("isolates") or 0, m.get("isolate_share")
    if isolates and share is not None and th.status("communication.isolate_share", share) != "green":
        out.append(Finding("communication", "isolates", th.status("communication.isolate_share", share),
                           _both(count=isolates, share=_pct(share), basis="ties"), 1.6))
    brokers = m.get("brokers") or []
    if brokers:
        top = brokers[0]
        bc = top.get("betweenness")
        if bc is not None and th.status("communication.top_broker_betweenness", bc) != "green":
            pid = str(top.get("employee_id"))
            out.append(Finding("communication", "broker", th.status("communication.top_broker_betweenness", bc),
                               _per_language(lambda lang: dict(
                                   person=person_label(pid, language=lang, in_sentence=True), person_id=pid, share=_pct(bc),
                                   reached=top.get("departments_reached"), betweenness=bc, basis="ties")),
                               1.4, f"broker:{pid}"))
    return out


def _decisions(m: Mapping[str, Any], th: Thresholds) -> list[Finding]:
    """The decision-path findings, from decision records only.

    Without records there is no finding: the distance to the top is context (the summary card and the
    section say so), not evidence of how decisions travel. Latency findings speak of closed decisions;
    open decisions are a finding of their own when their share or the age of the oldest is notable
    (``decisions.open_share``, ``decisions.open_oldest_days``).
    """
    out: list[Finding] = []
    if not m or not m.get("available"):
        return out
    by_type = m.get("by_type") or {}
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
        ranked = sorted(((v.get("latency_days_median"), t) for t, v in by_type.items()
                         if v.get("latency_days_median") is not None), reverse=True)
        slowest, slowest_median = (ranked[0][1], ranked[0][0]) if ranked else ("–", None)
        status = th.status("decisions.latency_days_median", m["latency_days_median"])
        closed = int(m.get("latency_decisions") or 0)
        out.append(Finding("decisions", "latency", status, _both(
            closed=closed, n=formatting.integer(closed), median=_num(m["latency_days_median"]), slowest=slowest,
            slowest_median=_num(slowest_median), latency_days_median=m["latency_days_median"]),
            2.5 if status != "green" else 0.9))
    if m.get("open"):
        share, oldest = m.get("open_share"), m.get("open_oldest_days")
        status = _worst([s for s in (th.status("decisions.open_share", share),
                                     th.status("decisions.open_oldest_days", oldest)) if s != "grey"])
        if status != "green" and status != "grey":
            out.append(Finding("decisions", "open_decisions", status, _both(
                open=int(m["open"]), n=formatting.integer(m["open"]), decisions=m.get("decisions"), share=_pct(share),
                oldest=formatting.integer(oldest), date=m.get("reference_date") or "–",
                open_share=share, open_oldest_days=oldest), 2.4))
    if m.get("escalated_share") is not None:
        status = th.status("decisions.escalated_share", m["escalated_share"])
        ranked_types = sorted(by_type.items(), key=lambda kv: (-(kv[1].get("escalated_share") or 0), kv[0]))
        escalated = [(name, v["escalated_share"]) for name, v in ranked_types
                     if (v.get("escalated_share") or 0) >= th["decisions.escalated_share.amber"]][:3]
        escalated_types = [name for name, _ in escalated]

        def values(lang: str) -> dict[str, Any]:
            pairs = [t("finding.value.type_share", lang, type=name, share=_pct(share)) for name, share in escalated]
            detail = t("finding.value.escalation_types", lang, types=_join(pairs, lang, 3)) if pairs else ""
            return {"share": _pct(m["escalated_share"]), "escalated_share": m["escalated_share"],
                    "types": escalated_types, "type_shares": [share for _, share in escalated], "detail": detail}

        out.append(Finding("decisions", "escalation", status, _per_language(values),
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


class _Context:
    """What the recommendation builders read besides the findings: sizes, visible departments, functions."""

    def __init__(self, assessment: Any):
        client = assessment.client
        self.assessment = assessment
        self.th: Thresholds = assessment.thresholds
        self.sizes = client.department_sizes()
        self.sizes.index = self.sizes.index.astype(str)
        self.visible = set(self.sizes[self.sizes >= client.settings.min_group_size].index)
        self.headcount = int(client.n_people)
        functions = assessment.structure.metrics.get("functions") or {}
        of: dict[str, list[str]] = {}
        for code, departments in functions.items():
            for d in departments:
                of.setdefault(str(d), []).append(code)
        self.functions_of = of

    def owner_of(self, department: str) -> tuple[str, str]:
        """The head of ``department``'s function (one identified), else the head of the department."""
        codes = self.functions_of.get(department, [])
        return ("head_function", codes[0]) if len(codes) == 1 else ("head_department", department)

    def people_in(self, departments: Iterable[Any]) -> int:
        """The people of ``departments`` (small ones counted, never named)."""
        names = {str(d) for d in departments}
        return int(self.sizes[self.sizes.index.isin(names)].sum())

    def person(self, employee_id: str, language: str = "en") -> str:
        """A person as a sentence names them: id and title, a name only with ``show_names``; no title for
        people of departments under the minimum group size (a title can name the department); an id of
        digits alone reads "employee 130" (:func:`orgkit.privacy.person_label`)."""
        from orgkit.privacy import person_label

        client = self.assessment.client
        people = client.people.set_index(client.people["employee_id"].astype(str))
        if employee_id not in people.index:
            return employee_id
        row = people.loc[employee_id]
        title = row.get("title") if str(row.get("department")) in self.visible else None
        name = row.get("name")
        return person_label(employee_id, name=None if _missing(name) else str(name),
                            title=None if _missing(title) else str(title),
                            show_names=bool(client.settings.show_names), language=language,
                            in_sentence=True)

    def counted(self, departments: Iterable[Any], language: str) -> str:
        """``Sales (2), R&D (1) and 1 in small groups``: counts per visible department, small ones pooled."""
        import pandas as pd

        counts = pd.Series([str(d) for d in departments], dtype="str").value_counts(sort=True)
        shown = [t("recommendation.value.department_count", language, department=d, n=int(n))
                 for d, n in counts.items() if d in self.visible]
        hidden = int(counts[~counts.index.isin(self.visible)].sum())
        if hidden:
            shown.append(tn("recommendation.value.in_small_groups", hidden, language, n=hidden))
        return _join(shown, language, 5)


def _lower_first(text: str, language: str) -> str:
    """A label inside an English sentence: "Decision speed" -> "decision speed" (other languages unchanged)."""
    if language != "en" or not text or text[:2].isupper():
        return text
    return text[0].lower() + text[1:]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _below_count(share: float, total: int) -> int:
    """The largest count whose share of ``total`` stays below ``share`` (the green side of an amber rule)."""
    import math

    return max(0, math.ceil(share * total) - 1)


def _evidence(fn: Any) -> dict[str, tuple[str, ...]]:
    """Per language, the evidence phrases ``fn(language)`` gives (at most three)."""
    return {lang: tuple(fn(lang))[:3] for lang in LANGUAGES}


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


def _escalations(assessment: Any, types: Sequence[str], visible: set[str]) -> dict[str, dict[str, Any]]:
    """Per decision type: decisions, escalated, share, and where the escalated ones were decided.

    ``where`` is ``top`` when at least half of the type's escalated decisions were taken by a person at the
    top of the reporting tree (no manager), else the visible department that took most of them, else ``""``.
    """
    paths = assessment.decisions.paths
    people = assessment.client.people
    top = set(people.loc[people["manager_id"].isna(), "employee_id"].astype(str)) if "manager_id" in people else set()
    out: dict[str, dict[str, Any]] = {}
    for kind in types:
        rows = paths[paths["decision_type"].astype(str) == kind]
        esc = rows[rows["escalated"].fillna(False).astype(bool)]
        to_top = int(esc["decider_id"].astype(str).isin(top).sum())
        where, department = "", ""
        if len(esc) and 2 * to_top >= len(esc):
            where = "top"
        elif len(esc):
            counts = esc["decider_department"].astype(str).value_counts()
            if len(counts) and counts.index[0] in visible and 2 * counts.iloc[0] >= len(esc):
                where, department = "department", str(counts.index[0])
        out[kind] = {"count": int(len(rows)), "escalated": int(len(esc)), "to_top": to_top, "where": where,
                     "department": department,
                     "share": len(esc) / len(rows) if len(rows) else 0.0,
                     "initiators": rows["initiator_department"].astype(str).unique().tolist()}
    return out


def _escalation_clause(kind: str, e: Mapping[str, Any], language: str) -> str:
    top = "recommendation.value.to_top_all" if e["to_top"] == e["escalated"] else "recommendation.value.to_top"
    where = {"top": t(top, language),
             "department": t("recommendation.value.to_department", language, department=e["department"]),
             "": ""}[e["where"]]
    key = "recommendation.value.escalated_type_where" if where else "recommendation.value.escalated_type"
    return t(key, language, type=kind, escalated=e["escalated"], count=e["count"], share=_pct(e["share"]),
             where=where)


def recommend(findings: Sequence[Finding], assessment: Any) -> list[Recommendation]:
    """One recommendation per action, naming whom and what, with all its evidence; highest impact first.

    Parameters
    ----------
    findings : sequence of Finding
        From :func:`derive_findings`.
    assessment : orgkit.assessment.Assessment
        For the details a recommendation names (the departments of narrow spans, a silo's least-connected
        neighbours and the brokers in it, which decision types escalate and to where).

    Returns
    -------
    list of Recommendation
        Each action (``key``) at most once, citing every red or amber finding that calls for it, with an
        owner role, an effort (:data:`EFFORT`), the people it concerns (:data:`PEOPLE_AFFECTED`) and a
        progress metric (current value and target, the target being the green side of the rule's amber
        threshold). Sorted by impact, :func:`impact` (people × severity), then by status.

    Notes
    -----
    Merges: a silo's felt-silo finding, a weak survey dimension of communication, and a top broker who
    works in a silo all join that silo's "open channels" action (one action for all silos); a weak decision
    speed joins "delegate" when the records show decision types escalated at or above
    ``decisions.escalated_share.amber`` (else "speed up" when latency is amber, else a survey follow-up);
    weak role clarity joins "settle who is accountable" when the RACI has gaps or overlaps. The structural
    stand-in for decision paths (no records) triggers nothing: a recommendation needs evidence. To reassess
    is not an action here: :func:`reassess_by` gives the date of the closing line.
    """
    ctx = _Context(assessment)
    th = ctx.th
    act = [f for f in findings if f.status in ("red", "amber")]
    out: dict[str, Recommendation] = {}

    def add(key: str, area: str, fs: Sequence[Finding], values: dict[str, dict[str, Any]], *, owner: tuple[str, str],
            people: int, units: Sequence[str] = (), evidence: dict[str, tuple[str, ...]] | None = None) -> None:
        fs = [f for i, f in enumerate(fs) if not any(f is g for g in fs[:i])]
        status = _worst(f.status for f in fs)
        if not evidence:
            evidence = _evidence(lambda lang: [f.text(lang) for f in fs])
        out[key] = Recommendation(key, area, status, tuple(fs), values, owner, EFFORT[key], int(people),
                                  tuple(units), evidence, impact(people, status, th))

    def of(*keys: str) -> list[Finding]:
        # a finding about a department under the minimum group size is never acted on by name (derive_findings
        # makes none; checked again here, as the key messages are built from these)
        return [f for f in act if f.key in keys
                and ("department" not in f.values.get("en", {}) or f.values["en"]["department"] in ctx.visible)]

    def low_survey(code: str) -> list[Finding]:
        return [f for f in of("survey_low") if f.values["en"].get("code") == code]

    used_survey: set[str] = set()

    # ------------------------------------------------------------------ communication: silos and brokers
    silo_f = of("silo")
    broker_f = of("broker")
    comm = assessment.communication.metrics or {}
    broker_merged = False
    if silo_f:
        names = [str(f.values["en"]["department"]) for f in silo_f]
        felt = [f for f in of("felt_silo") if f.values["en"]["department"] in names]
        depts = comm.get("departments") or {}
        bridges = [str(b["employee_id"]) for b in comm.get("brokers") or []
                   if str(b.get("department")) in names and (b.get("departments_reached") or 0) > 0][:2]
        top = (comm.get("brokers") or [{}])[0]
        broker_merged = bool(broker_f) and str(top.get("department")) in names
        margin, max_ext = th["communication.silo.margin"], th["communication.silo.max_external_share"]
        targets = {d: min((depts.get(d, {}).get("ei_index_expected") or 0.0) - margin, 2 * max_ext - 1) for d in names}
        nbs = {d: _neighbours(assessment, d, ctx.visible) for d in names}
        comm_low = low_survey("communication")
        used_survey |= {"communication"} if comm_low else set()
        fs = [*silo_f, *felt, *comm_low, *(broker_f if broker_merged else [])]

        def silo_values(lang: str) -> dict[str, Any]:
            pairs = [t("recommendation.value.silo_pair", lang, department=d,
                       neighbours=_join(nbs[d], lang) if nbs[d] else t("recommendation.value.other_departments", lang))
                     for d in names]
            people = _join([ctx.person(p, lang) for p in bridges], lang)
            changes = [t("storyline.value.ei_change", lang, department=d, ei=_signed(depts.get(d, {}).get("ei_index")),
                         target=_signed(targets[d])) for d in names]
            return {"departments": _join(names, lang), "pairs": t("storyline.value.clause_separator", lang).join(pairs),
                    "bridges": t("recommendation.value.bridges", lang, people=people) if bridges else "",
                    "changes": t("storyline.value.clause_separator", lang).join(changes), "n": len(names),
                    "felt": bool(felt)}

        def silo_evidence(lang: str) -> list[str]:
            ev = []
            for f in silo_f[:2]:
                v = f.values[lang]
                ev.append(t("storyline.evidence.silo", lang, department=v["department"], internal=v["internal"],
                            ei=v["ei"], expected=v["expected"]))
            for f in felt[:1]:
                v = f.values[lang]
                ev.append(t("storyline.evidence.felt_silo", lang, department=v["department"],
                            dimension=_lower_first(v["dimension"], lang),
                            mean=v["mean"], overall=v["overall"]))
            if broker_merged:
                v = broker_f[0].values[lang]
                ev.append(t("storyline.evidence.broker", lang, person=ctx.person(v["person_id"], lang),
                            share=v["share"]))
            return ev

        owner = ctx.owner_of(names[0]) if len(names) == 1 else ("coo", "")
        add("open_channels", "communication", fs, _per_language(silo_values), owner=owner,
            people=ctx.people_in(names), units=names, evidence=_evidence(silo_evidence))
    if broker_f and not broker_merged:
        f = broker_f[0]
        bc = float(f.values["en"]["betweenness"])
        add("spread_brokers", "communication", [f], _per_language(lambda lang: {
            "person": ctx.person(f.values["en"]["person_id"], lang), "share": f.values[lang]["share"],
            "target": th.text("communication.top_broker_betweenness.amber")}),
            owner=("coo", ""), people=round(ctx.headcount * bc))
    for f in of("isolates"):
        count = int(f.values["en"]["count"])
        total = int(comm.get("people") or ctx.headcount)
        add("check_isolates", "communication", [f], _both(
            n=count, target=_below_count(th["communication.isolate_share.amber"], total)),
            owner=("hr", ""), people=count)

    # ------------------------------------------------------------------ decision paths
    dm = assessment.decisions.metrics or {}
    speed_low = low_survey("decision_speed")
    if dm.get("available"):
        by_type = assessment.decisions.by_type
        amber = th["decisions.escalated_share.amber"]
        escalating = (by_type[by_type["escalated_share"] >= amber]
                      .sort_values(["escalated_share", "count"], ascending=False, kind="mergesort"))
        path_f = of("hops", "escalation")
        if path_f or (speed_low and not escalating.empty):
            types = escalating["decision_type"].astype(str).tolist()[:3] or (
                by_type.sort_values("hops_mean", ascending=False, kind="mergesort")["decision_type"].astype(str)
                .tolist()[:2])
            esc = _escalations(assessment, types, ctx.visible)
            n_esc = sum(e["escalated"] for e in esc.values())
            n_all = sum(e["count"] for e in esc.values())
            fs = [*path_f, *speed_low]
            used_survey |= {"decision_speed"} if speed_low else set()

            def delegate_values(lang: str) -> dict[str, Any]:
                return {"types": _join(types, lang), "n": len(types), "felt": bool(speed_low),
                        "detail": t("storyline.value.clause_separator", lang).join(_escalation_clause(k, esc[k], lang)
                                                                       for k in types),
                        "share": _pct(n_esc / n_all if n_all else 0.0),
                        "target": th.text("decisions.escalated_share.amber")}

            def delegate_evidence(lang: str) -> list[str]:
                ev = [t("storyline.evidence.records", lang, detail=t("storyline.value.clause_separator", lang).join(
                    _escalation_clause(k, esc[k], lang) for k in types[:2]))]
                for f in speed_low[:1]:
                    v = f.values[lang]
                    ev.append(t("storyline.evidence.survey", lang, dimension=_lower_first(v["dimension"], lang),
                                favourable=v["favourable"], mean=v["mean"]))
                return ev

            add("delegate", "decisions", fs, _per_language(delegate_values), owner=("coo", ""),
                people=ctx.people_in({d for e in esc.values() for d in e["initiators"]}),
                evidence=_evidence(delegate_evidence))
        lat = of("latency")
        if lat:
            days = th["decisions.latency_days_median.amber"]
            ranked = by_type.sort_values("latency_days_median", ascending=False, kind="mergesort")
            slow = ranked[ranked["latency_days_median"] >= days]["decision_type"].astype(str).tolist()[:3] or \
                ranked["decision_type"].astype(str).tolist()[:1]
            current = float(ranked["latency_days_median"].iloc[0])
            fs = [*lat, *([] if "decision_speed" in used_survey else speed_low)]
            used_survey |= {"decision_speed"} if speed_low else set()
            initiators = assessment.decisions.paths
            initiators = initiators.loc[initiators["decision_type"].astype(str).isin(slow), "initiator_department"]
            add("speed_up", "decisions", fs, _per_language(lambda lang: {
                "slowest": _join(slow, lang), "n": len(slow), "current": _num(current),
                "first": slow[0], "target": th.text("decisions.latency_days_median.amber")}),
                owner=("coo", ""), people=ctx.people_in(initiators.unique()))
        backlog = of("open_decisions")
        if backlog and "delegate" in out:  # one story: decisions go up and wait there; the backlog is its evidence
            r = out["delegate"]
            status = _worst([r.status, *(f.status for f in backlog)])
            out["delegate"] = replace(r, findings=(*r.findings, *backlog), status=status,
                                      impact=impact(r.people, status, th))
        elif backlog:
            paths = assessment.decisions.paths
            still = paths[paths["state"].astype("str") == "open"]
            counts = still["decision_type"].astype("str").value_counts()
            kinds = counts.index.tolist()[:3]
            n_open = int(len(still))

            def backlog_evidence(lang: str) -> list[str]:
                ev = [backlog[0].text(lang), t("storyline.evidence.open_types", lang, types=_join(
                    [t("storyline.value.open_type", lang, type=k, n=int(counts[k])) for k in counts.index], lang, 4))]
                for f in speed_low[:1]:
                    v = f.values[lang]
                    ev.append(t("storyline.evidence.survey", lang, dimension=_lower_first(v["dimension"], lang),
                                favourable=v["favourable"], mean=v["mean"]))
                return ev

            add("clear_open", "decisions", backlog, _per_language(lambda lang: {
                "n": n_open, "types": _join(kinds, lang), "oldest": backlog[0].values[lang]["oldest"],
                "current": backlog[0].values[lang]["share"],
                "target": th.text("decisions.open_share.amber")}),
                owner=("coo", ""), people=ctx.people_in(still["initiator_department"].astype("str").unique()),
                evidence=_evidence(backlog_evidence))
        appr = of("approvals")
        if appr:
            add("cut_approvals", "decisions", appr, _both(
                current=_num(dm.get("approvals_mean")), target=th.text("decisions.approvals_mean.amber")),
                owner=("coo", ""), people=ctx.people_in(assessment.decisions.paths["initiator_department"].unique()))

    # ------------------------------------------------------------------ structure
    stage = assessment.structure.metrics.get("stage") or "mid"
    missing = of("function_missing")
    if missing:
        from orgkit.framework import STAGE_EXPECTATIONS

        exp = STAGE_EXPECTATIONS.get(stage)
        total = len(exp.core) if exp is not None else len(missing)
        codes = [f.values["en"]["code"] for f in missing]
        add("create_function", "structure", missing, _per_language(lambda lang: {
            "functions": _join([_function_label(c, lang) for c in codes], lang), "n": len(codes),
            "covered": max(total - len(codes), 0), "total": total}), owner=("ceo", ""), people=ctx.headcount,
            evidence=_evidence(lambda lang: [t("storyline.evidence.functions_missing", lang,
                                               stage=missing[0].values[lang]["stage"],
                                               functions=_join([_function_label(c, lang) for c in codes], lang,
                                                               len(codes)))]))
    overloaded = of("department_overloaded")
    if overloaded:
        names = [f.values["en"]["department"] for f in overloaded]
        add("split_department", "structure", overloaded, _per_language(lambda lang: {
            "departments": _join(names, lang), "n": len(names),
            "detail": t("storyline.value.clause_separator", lang).join(
                t("recommendation.value.department_functions", lang, department=f.values[lang]["department"],
                  functions=f.values[lang]["functions"]) for f in overloaded)}),
            owner=("ceo", ""), people=ctx.people_in(names), units=names)
    split = of("function_split")
    if split:
        depts = [d for f in split for d in f.values["en"].get("departments_list", [])]
        add("merge_function", "structure", split, _per_language(lambda lang: {
            "functions": _join([f.values[lang]["function"] for f in split], lang), "n": len(split),
            "detail": t("storyline.value.clause_separator", lang).join(
                t("recommendation.value.function_departments", lang, function=f.values[lang]["function"],
                  departments=f.values[lang]["departments"]) for f in split)}),
            owner=("coo", ""), people=ctx.people_in(depts), units=list(dict.fromkeys(depts)))
    for f in of("over_split"):
        add("merge_departments", "structure", [f], _both(
            allowed=f.values["en"]["allowed"], departments=f.values["en"]["departments"]),
            owner=("ceo", ""), people=ctx.headcount)
    for f in of("units_missing"):
        add("add_units", "structure", [f], _both(), owner=("ceo", ""), people=ctx.headcount)

    lo, hi = th["structure.span.healthy_min"], th["structure.span.healthy_max"]
    spans = assessment.structure.spans
    layer_f = of("layers_excess")
    single_f = of("single_report")
    span_f = of("spans")
    if layer_f:
        v = layer_f[0].values["en"]
        add("flatten", "structure", [*layer_f, *single_f], _both(
            lo=lo, layers=v["layers"], min_layers=v["min_layers"], excess=v["excess"], n=int(v["excess"])),
            owner=("ceo", ""), people=ctx.headcount)
    narrow_share = max([f.values["en"].get("narrow_share", 0) for f in span_f] or [0])
    if spans is not None and not spans.empty and (
            narrow_share >= th["structure.narrow_span_share.amber"] or (single_f and not layer_f)):
        narrow = spans[spans["span"] < lo]
        managers = len(spans)
        add("widen_spans", "structure", [*[f for f in span_f if f.values["en"].get("narrow_share", 0)
                                           >= th["structure.narrow_span_share.amber"]],
                                         *([] if layer_f else single_f)],
            _per_language(lambda lang: {
                "lo": lo, "n": len(narrow), "managers": managers, "where": ctx.counted(narrow["department"], lang),
                "target": _below_count(th["structure.narrow_span_share.amber"], managers)}),
            owner=("hr", ""), people=int(len(narrow) + narrow["span"].sum()),
            units=[d for d in dict.fromkeys(narrow["department"].astype(str)) if d in ctx.visible],
            evidence=_evidence(lambda lang: [tn("storyline.evidence.narrow", len(narrow), lang, managers=managers,
                                                lo=lo, where=ctx.counted(narrow["department"], lang))]))
    wide_f = [f for f in span_f if f.values["en"].get("wide_share", 0) >= th["structure.wide_span_share.amber"]]
    if wide_f and spans is not None:
        wide = spans[spans["span"] > hi]
        managers = len(spans)
        add("add_team_leads", "structure", wide_f, _per_language(lambda lang: {
            "hi": hi, "n": len(wide), "where": ctx.counted(wide["department"], lang),
            "target": _below_count(th["structure.wide_span_share.amber"], managers)}),
            owner=("hr", ""), people=int(len(wide) + wide["span"].sum()),
            units=[d for d in dict.fromkeys(wide["department"].astype(str)) if d in ctx.visible],
            evidence=_evidence(lambda lang: [tn("storyline.evidence.wide", len(wide), lang, managers=managers,
                                                hi=hi, where=ctx.counted(wide["department"], lang))]))
    if "flatten" in out and "add_team_leads" in out:
        # deep chains on one side, crowded teams on the other: one rebalancing, not "remove layers" beside
        # "add team leads" (which adds one)
        flat, leads = out.pop("flatten"), out.pop("add_team_leads")
        wide = spans[spans["span"] > hi]
        add("rebalance", "structure", [*flat.findings, *leads.findings], _per_language(lambda lang: {
            **flat.values[lang], **leads.values[lang], "n": len(wide), "excess": flat.values[lang]["excess"]}),
            owner=("ceo", ""), people=ctx.headcount, units=leads.units,
            evidence=_evidence(lambda lang: [*(f.text(lang) for f in flat.findings[:1]), *leads.evidence[lang]]))
    raci_f = of("raci_gaps", "raci_overlaps")
    if raci_f:
        names = list(dict.fromkeys(n for f in raci_f for n in f.values["en"].get("list", [])))
        total = int(raci_f[0].values["en"]["total"])
        role_low = low_survey("role_clarity")
        used_survey |= {"role_clarity"} if role_low else set()
        add("fix_raci", "structure", [*raci_f, *role_low], _per_language(lambda lang: {
            "names": _join(names, lang, 3), "n": len(names), "total": total}),
            owner=("coo", ""), people=round(ctx.headcount * len(names) / max(total, 1)))

    # ------------------------------------------------------------------ the survey, where no action took it
    survey = assessment.survey
    for f in of("survey_low"):
        code = f.values["en"].get("code")
        if code in used_survey:
            continue
        by_dept = getattr(survey, "by_department", None)
        lowest: list[tuple[str, float]] = []
        if by_dept is not None and code in getattr(by_dept, "columns", []):
            col = by_dept[code].dropna()
            col = col[col.index.astype(str).isin(ctx.visible)].sort_values(kind="mergesort")
            lowest = [(str(d), float(v)) for d, v in col.head(2).items()]
        fav = float(survey.metrics["dimensions"][code]["favourable"])
        respondents = int(survey.metrics.get("respondents") or 0)

        def survey_values(lang: str, f: Finding = f, lowest: list = lowest, fav: float = fav) -> dict[str, Any]:
            where = _join([t("recommendation.value.department_mean", lang, department=d, mean=_num(m, 2))
                           for d, m in lowest], lang)
            return {"dimension": _lower_first(f.values[lang]["dimension"], lang), "favourable": _pct(fav),
                    "lowest": t("recommendation.value.lowest_in", lang, departments=where) if lowest else "",
                    "target": th.text("survey.favourable.amber")}

        add("act_on_survey", "survey", [f], _per_language(survey_values), owner=("hr", ""),
            people=round(respondents * (1 - fav)), units=[d for d, _ in lowest])

    for f in act:  # evidence that joins an action another finding triggered
        r = out.get(ATTACH.get(f.key, ""))
        if r is not None and not any(f is g for g in r.findings):
            status = _worst([r.status, f.status])
            out[r.key] = replace(r, findings=(*r.findings, f), status=status, impact=impact(r.people, status, th))
    _simulate(out, assessment)
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    return sorted(out.values(), key=lambda r: (-r.impact, order[r.status]))


def reassess_by(findings: Sequence[Finding], date: Any) -> Any:
    """When to assess again: ``date`` plus 6 months when any finding is red, else plus 12 (first of the month).

    Examples
    --------
    >>> import datetime as dt
    >>> red = Finding("communication", "silo", "red", {"en": {}})
    >>> reassess_by([red], dt.date(2026, 12, 2)), reassess_by([], "2026-12-02")
    (datetime.date(2027, 6, 1), datetime.date(2027, 12, 1))
    """
    import datetime as dt

    day = dt.date.fromisoformat(date) if isinstance(date, str) else date
    months = 6 if any(f.status == "red" for f in findings) else 12
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def reassess_line(findings: Sequence[Finding], date: Any, language: str = "en") -> str:
    """The closing line of the recommendations: "Reassess by June 2027: …" / "请于 2027年6月前…".

    Examples
    --------
    >>> reassess_line([], "2026-12-02").split(":")[0], reassess_line([], "2026-12-02", "zh").split("：")[0]
    ('Reassess by December 2027', '请于 2027年12月前重新评估')
    """
    when = reassess_by(findings, date)
    month = t("storyline.date.month_year", language, month=t(f"storyline.month.{when.month}", language),
              year=str(when.year))
    return t("storyline.reassess", language, when=month)


#: How far a card's status may sit above its worst finding: a red finding holds a card at amber at best,
#: an amber or green finding does not hold it back (see :func:`card_status`).
CARD_CAP = {"red": "amber", "amber": "green", "green": "green"}


def card_status(band: str, finding_statuses: Iterable[str]) -> str:
    """The status of a card: its score band, held at most one band above its worst finding.

    Parameters
    ----------
    band : str
        :func:`score_status` of the area's score (``grey`` when the area is not assessed).
    finding_statuses : iterable of str
        The statuses of the area's findings (or, for the overall card, of the area cards).

    Returns
    -------
    str
        ``grey`` when ``band`` is grey (not assessed: no colour, whatever the findings); else the worse of
        ``band`` and :data:`CARD_CAP` of the worst finding. A red finding holds the card at amber at best,
        so a card is never green while it holds a red finding; an amber finding does not hold it back.

    Notes
    -----
    The rule is one band of tolerance: a score summarises many components, a finding one of them, so a
    single red finding should not paint a good area red, but it must stop it looking healthy. The report's
    card legend and docs/metrics.md state the rule.

    Examples
    --------
    >>> card_status("green", ["green", "red"]), card_status("green", ["amber"]), card_status("red", ["green"])
    ('amber', 'green', 'red')
    >>> card_status("grey", ["red"]), card_status("amber", [])
    ('grey', 'amber')
    """
    if band == "grey":
        return "grey"
    known = [f for f in finding_statuses if f in CARD_CAP]
    if not known:
        return band
    return _worst([band, CARD_CAP[_worst(known)]])


def shown_band(score: float | None, thresholds: Thresholds | None = None) -> str:
    """:func:`score_status` of a score as the report shows it, a whole number (69.6 shows as 70: green).

    Examples
    --------
    >>> shown_band(69.6), score_status(69.6), shown_band(None)
    ('green', 'amber', 'grey')
    """
    return score_status(None if score is None else float(round(score)), thresholds)


def area_statuses(assessment: Any, findings: Sequence[Finding]) -> dict[str, str]:
    """Every card's status, by :func:`card_status`: per area and ``overall``.

    The summary cards, the section heads and ``metrics.json`` (``<area>.status``, ``scores.status``) all
    read their colour here. An area's card holds its findings; the overall card holds the assessed areas'
    cards (so the overall is never green while an assessed area is red) and is grey without an overall
    score. The band is that of the score as the report shows it, a whole number: 69.6 shows as 70 and is
    green, as the legend says.
    """
    th = assessment.thresholds
    scores = assessment.scores
    out: dict[str, str] = {}

    def band(score: float | None) -> str:
        return shown_band(score, th)

    for area in ("structure", "communication", "decisions", "survey"):
        out[area] = card_status(band(scores.get(area)), [f.status for f in findings if f.area == area])
    assessed = [out[a] for a in out if scores.get(a) is not None]
    out["overall"] = card_status(band(scores.get("overall")), assessed)
    return out


def _not_assessed_note(assessment: Any, area: str, language: str) -> str:
    """Why an area has no score, in a sentence (the card and the section head say it)."""
    from orgkit.i18n import has

    evidence = assessment.evidence[area]
    reason = evidence["reason"]
    th = assessment.thresholds
    if reason == "no_data":
        return t(f"area.{area}.not_available", language) + ("。" if language == "zh" else ".")
    if reason == "hidden":
        return t("summary.not_assessed.hidden", language, k=assessment.client.settings.min_group_size)
    if reason == "evidence":
        return t("summary.not_assessed.evidence", language, share=_pct(evidence["evidence_share"]),
                 min=th.text("score.evidence.min_share"))
    key = f"summary.not_assessed.no_score.{area}"
    return t(key if has(key) else "summary.not_assessed.no_score", language)


def decisions_context(assessment: Any, language: str = "en") -> str | None:
    """The structural context shown in place of a decision-path score when there are no decision records.

    ``None`` with decision records or without reporting lines. The sentence is labelled as context and
    never carries a status or enters a score.
    """
    m = assessment.decisions.metrics
    if m.get("available"):
        return None
    median = (m.get("context") or {}).get("distance_to_top_median")
    if median is None:
        return None
    return tn("context.decisions.distance_to_top", int(round(median)), language, n=_num(median))


def overall_text(assessment: Any, language: str = "en") -> str:
    """The overall line: the score over the areas it covers, and the areas not assessed.

    Examples of the English text: "Overall 74 / 100 over structure fit, communication and employee
    survey. Not assessed: decision paths." (the summary shows the overall card status beside it) and,
    below ``score.overall.min_areas`` assessed areas, "No overall score: 1 area is assessed, and an
    overall score needs at least 2."
    """
    scores = assessment.scores
    areas = assessment.overall_areas
    names = [t(f"area.{a}", language) for a in areas]
    if language == "en":
        names = [n[:1].lower() + n[1:] for n in names]
    missing = [a for a in ("structure", "communication", "decisions", "survey") if a not in areas]
    missing_names = [t(f"area.{a}", language) for a in missing]
    if language == "en":
        missing_names = [n[:1].lower() + n[1:] for n in missing_names]
    rest = t("summary.overall_missing", language, areas=_join(missing_names, language, 4)) if missing else ""
    overall = scores.get("overall")
    if overall is None:
        need = int(assessment.thresholds["score.overall.min_areas"])
        return tn("summary.overall_none", len(areas), language, need=need) + rest
    return t("summary.overall_over", language, score=f"{round(overall):d}", areas=_join(names, language, 4)) + rest


def summary_cards(assessment: Any, findings: Sequence[Finding], language: str = "en", n: int = 3,
                  exclude: Sequence[Finding] = ()) -> list[dict[str, Any]]:
    """The executive summary's cards: per area its score, status and top findings as sentences.

    Every area has a card. A card's status is :func:`card_status` (its score band, held at most one
    band above its worst finding). An area that is not assessed has a grey card with no number, a
    ``note`` saying why, and, for decision paths without records, a ``context`` line (the distance to
    the top, labelled as context, never scored). Findings in ``exclude`` (those the key messages already
    tell) are not listed, though they still set the card's status.

    Returns
    -------
    list of dict
        ``area``, ``title``, ``score`` (``None`` when not assessed), ``band`` (the score's own status),
        ``status``, ``assessed``, ``note`` (``None`` when assessed), ``context`` (or ``None``) and
        ``findings`` (sentences).
    """
    scores = assessment.scores
    statuses = area_statuses(assessment, findings)
    listed = [f for f in findings if f not in exclude]
    cards = []
    for area in ("structure", "communication", "decisions", "survey"):
        score = scores.get(area)
        tops = [f.text(language) for f in top_findings(listed, area, n)]
        assessed = score is not None
        cards.append({"area": area, "title": t(f"area.{area}", language), "score": score,
                      "band": shown_band(score, assessment.thresholds), "status": statuses[area],
                      "assessed": assessed,
                      "note": None if assessed else _not_assessed_note(assessment, area, language),
                      "context": decisions_context(assessment, language) if area == "decisions" else None,
                      "findings": tops})
    return cards
