"""Run every assessment area on a loaded client and gather one machine-readable result.

``orgkit assess CLIENT_DIR -o metrics.json`` and the report notebook both call :func:`assess`, so the
numbers in a report and in ``metrics.json`` are the same numbers. ``docs/metrics.md`` documents every key.
"""

from __future__ import annotations

import datetime as _dt
import logging
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from orgkit._version import __version__
from orgkit.files.atomic import write_json
from orgkit.data.client import Client
from orgkit.files.jsonsafe import to_jsonable
from orgkit.areas.betweenness import PARALLEL_ENV, ForkedCall, fork_available  # noqa: F401 - PARALLEL_ENV: part of assess's API
from orgkit.areas.communication import CommunicationResult, analyze_communication
from orgkit.areas.decisions import DecisionsResult, analyze_decisions
from orgkit.areas.structure import StructureResult, analyze_structure
from orgkit.privacy import OTHER_GROUP, pool_names, scrub_names, visible_groups
from orgkit.data.summary import data_summary, hidden_group_names
from orgkit.areas.survey import SurveyResult, analyze_survey
from orgkit.thresholds import DEFAULTS, REGISTRY, Thresholds

__all__ = ["Assessment", "assess", "write_metrics", "thresholds_block", "to_jsonable", "slugify", "client_slug",
           "AREAS", "area_evidence"]

logger = logging.getLogger(__name__)

#: The assessment areas, in report order.
AREAS = ("structure", "communication", "decisions", "survey")


@dataclass(frozen=True, eq=False)
class Assessment:
    """Every area's result for one client.

    Attributes
    ----------
    client : Client
    structure, communication, decisions, survey
        Each area's result: ``.metrics`` (plain types), ``.score`` (0–100 or ``None``) and display tables.
    thresholds : Thresholds
        The thresholds and weights the areas used (the client's, :mod:`orgkit.thresholds`); findings and
        the report read theirs from here.
    """

    client: Client
    structure: StructureResult
    communication: CommunicationResult
    decisions: DecisionsResult
    survey: SurveyResult
    thresholds: Thresholds = DEFAULTS

    @property
    def evidence(self) -> dict[str, dict[str, Any]]:
        """Per area, whether it is assessed and why (:func:`area_evidence`)."""
        return {a: area_evidence(getattr(self, a), self.thresholds) for a in AREAS}

    @property
    def overall_areas(self) -> list[str]:
        """The assessed areas, in report order: those the overall score is computed over."""
        return [a for a, e in self.evidence.items() if e["assessed"]]

    @property
    def scores(self) -> dict[str, float | None]:
        """Each area's 0–100 score (``None`` where the area is not assessed) and ``overall``.

        Notes
        -----
        An area's score is shown only when it is assessed (:func:`area_evidence`): its data exist and the
        components that could be measured carry at least ``score.evidence.min_share`` of its weight.
        ``overall`` is the mean of the assessed areas' scores (each rounded to one decimal), rounded to
        one decimal; ``None`` when fewer than ``score.overall.min_areas`` areas are assessed
        (:attr:`overall_areas` names them). An area without data never counts, not even as a stand-in.
        """
        evidence = self.evidence
        scores: dict[str, float | None] = {a: evidence[a]["score"] if evidence[a]["assessed"] else None
                                           for a in AREAS}
        known = [scores[a] for a in AREAS if scores[a] is not None]
        enough = len(known) >= int(self.thresholds["score.overall.min_areas"])
        scores["overall"] = round(float(np.mean(known)), 1) if known and enough else None
        return scores

    def to_dict(self) -> dict[str, Any]:
        """The content of ``metrics.json``: plain JSON types only (NaN becomes ``null``)."""
        s = self.client.settings
        out: dict[str, Any] = {
            "client": {
                "name": s.name,
                "slug": client_slug(self.client),
                "stage": self.structure.metrics.get("stage", s.stage),
                "stage_setting": s.stage,
                "language": s.language,
                "min_group_size": s.min_group_size,
                "people": self.client.n_people,
            },
            "orgkit_version": __version__,
            "generated_at": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
            "data": data_summary(self.client),
        }
        from orgkit.findings import area_statuses, derive_findings

        scores = self.scores
        evidence = self.evidence
        findings = derive_findings(self)
        statuses = area_statuses(self, findings)
        for area in AREAS:
            result = getattr(self, area)
            block = dict(result.metrics)
            block["score"] = scores[area]
            if area == "structure" and "fit_score" in block:
                block["fit_score"] = scores[area]
            block["assessed"] = evidence[area]["assessed"]
            block["evidence_share"] = evidence[area]["evidence_share"]
            block["not_assessed_reason"] = evidence[area]["reason"]
            block["status"] = statuses[area]
            out[area] = block
        from orgkit.findings import recommend, simulated_block

        where = {"delegate": ("decisions", "simulated_delegation"), "delayer": ("structure", "simulated_delayering"),
                 "split": ("structure", "simulated_split"), "units": ("structure", "simulated_units")}
        for area, name in where.values():
            out[area][name] = None
        for r in recommend(findings, self):
            block = simulated_block(r, s.language)
            if block is not None:
                area, name = where[block["kind"]]
                out[area][name] = block
        from orgkit.triangulation import triangulation_metrics

        out["triangulation"] = triangulation_metrics(self)
        out["scores"] = {**scores, "overall_areas": self.overall_areas,
                         "not_assessed": [a for a in AREAS if not evidence[a]["assessed"]],
                         "status": statuses}
        out["thresholds"] = thresholds_block(self.thresholds)
        out = to_jsonable(out)
        sizes = self.client.department_sizes()
        return _pool_small_groups(out, visible_groups(sizes, s.min_group_size), hidden_group_names(self.client))


def thresholds_block(thresholds: Thresholds) -> dict[str, dict[str, Any]]:
    """``metrics.json``'s ``thresholds`` block: per key its value, default, whether the client changed it,
    unit and source (short citations, or ``judgement``).

    Examples
    --------
    >>> block = thresholds_block(Thresholds({"survey.alpha.min": 0.8}))
    >>> block["survey.alpha.min"]
    {'value': 0.8, 'default': 0.7, 'overridden': True, 'unit': 'coefficient', 'source': 'Nunnally 1978'}
    """
    from orgkit.method import threshold_source

    return {
        key: {"value": thresholds[key], "default": th.value, "overridden": key in thresholds.overridden,
              "unit": th.unit, "source": threshold_source(th)}
        for key, th in REGISTRY.items()
    }


def _pool_small_groups(out: dict[str, Any], visible: set[str], hidden: set[str]) -> dict[str, Any]:
    """``metrics.json`` naming no department outside ``visible`` (those of at least min_group_size people).

    Every other department name (a small department, or one that is not in people) is pooled as
    :data:`~orgkit.privacy.OTHER_GROUP`: in lists of names it becomes one ``OTHER_GROUP`` entry, as a key
    of ``communication.departments`` one ``OTHER_GROUP`` entry counting the departments it pools, and
    ``survey.suppressed_groups`` is the number of departments whose survey numbers are hidden. The
    analyses' own ``metrics`` (what a notebook sees) keep the names; numbers were suppressed there.
    """
    st = out.get("structure") or {}
    if isinstance(st.get("functions"), dict):
        st["functions"] = {f: pool_names(ds, visible) for f, ds in st["functions"].items()}
    for key in ("departments_overloaded", "unmapped_departments", "unidentified_departments"):
        if isinstance(st.get(key), list):
            st[key] = pool_names(st[key], visible)
    if isinstance(st.get("mapping"), list):
        kept = [r for r in st["mapping"] if r.get("department") in visible]
        if len(kept) < len(st["mapping"]):
            kept.append({"department": OTHER_GROUP, "departments": len(st["mapping"]) - len(kept)})
        st["mapping"] = kept
    for unit in st.get("units") or []:
        if unit.get("department") not in visible:
            unit["department"] = OTHER_GROUP
    for overlap in (st.get("raci") or {}).get("overlaps") or []:
        overlap["departments"] = pool_names(overlap.get("departments") or [], visible)

    co = out.get("communication") or {}
    if isinstance(co.get("departments"), dict):
        kept = {d: v for d, v in co["departments"].items() if d in visible}
        pooled = len(co["departments"]) - len(kept)
        if pooled:
            kept[OTHER_GROUP] = {"size": None, "suppressed": True, "departments": pooled}
        co["departments"] = kept
    if isinstance(co.get("silos"), list):
        co["silos"] = pool_names(co["silos"], visible)
    for broker in co.get("brokers") or []:
        if broker.get("department") not in visible:
            broker["department"] = OTHER_GROUP

    su = out.get("survey") or {}
    if isinstance(su.get("suppressed_groups"), list):
        su["suppressed_groups"] = len(su["suppressed_groups"])
    change = su.get("change")
    if isinstance(change, dict) and isinstance(change.get("significant_departments"), list):
        change["significant_departments"] = [p for p in change["significant_departments"] if p[0] in visible]
    if isinstance(su.get("warnings"), list):
        su["warnings"] = [scrub_names(w, hidden) for w in su["warnings"]]
    from orgkit.triangulation import pool_triangulation

    out["triangulation"] = pool_triangulation(out.get("triangulation"), visible)
    for area in AREAS:
        block = out.get(area) or {}
        for key in ("reason", "hierarchy_reason", "raci_reason"):
            if isinstance(block.get(key), str):
                block[key] = scrub_names(block[key], hidden)
    return out


def _score(result: Any) -> float | None:
    score = getattr(result, "score", None)
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return None
    return round(float(score), 1)


def _component_weights(result: Any) -> list[tuple[float, bool]]:
    """``(weight, measured)`` of each score component an area reports (its three shapes)."""
    listed = (getattr(result, "metrics", None) or {}).get("score_components")
    if isinstance(listed, list):  # structure: [{name, weight, available, ...}]
        return [(float(c.get("weight") or 0.0), bool(c.get("available"))) for c in listed if isinstance(c, dict)]
    named = getattr(result, "score_components", None) or {}
    out = []
    for c in named.values():  # communication {name: {value, weight}}; decisions {name: {value, weight, score}}
        if isinstance(c, dict) and "weight" in c:
            out.append((float(c["weight"] or 0.0), c.get("score", c.get("value")) is not None))
    return out


def area_evidence(result: Any, thresholds: Thresholds = DEFAULTS) -> dict[str, Any]:
    """Whether an area's score rests on enough evidence to be shown, and why not.

    Parameters
    ----------
    result : area result
        A :class:`~orgkit.areas.structure.StructureResult`, ``CommunicationResult``,
        ``DecisionsResult`` or ``SurveyResult``.
    thresholds : Thresholds
        ``score.evidence.min_share``.

    Returns
    -------
    dict
        ``score`` (the area's own score, rounded to one decimal, or ``None``), ``evidence_share`` (the
        share of the score's weight whose component could be measured; 1 for a score without
        components, ``None`` without a score), ``assessed`` (bool) and ``reason`` (``None`` when
        assessed, else ``no_data``: the area's data are missing; ``hidden``: too few survey
        respondents, every number hidden; ``evidence``: too little of the score could be measured;
        ``no_score``: the data allow no score, e.g. a communication file without a tie).

    Notes
    -----
    :math:`e = \\sum_{j\\,\\mathrm{measured}} w_j / \\sum_j w_j` over the score's components
    (structure: spans, layers, single-report managers, function coverage, split/merge fit, RACI;
    communication: openness, silos, isolates, connectedness; decisions: hops, approvals, latency,
    escalation). The area is assessed when it has a score and :math:`e \\ge`
    ``score.evidence.min_share`` (default 0.5, judgement). A component from absent data (latency
    without timestamps, spans without ``manager_id``) is not measured; a score built from what remains
    is not shown when what remains weighs too little. The survey's score (mean favourable share) has no
    components: it is assessed whenever it exists.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> r = SimpleNamespace(metrics={"available": True}, score=80.0, score_components={
    ...     "a": {"value": 1.0, "weight": 0.2}, "b": {"value": None, "weight": 0.8}})
    >>> area_evidence(r)
    {'score': 80.0, 'evidence_share': 0.2, 'assessed': False, 'reason': 'evidence'}
    """
    metrics = getattr(result, "metrics", None) or {}
    score = _score(result)
    if score is None:
        if not metrics.get("available", True):
            reason = "no_data"
        elif metrics.get("reason"):
            reason = "hidden"
        else:
            reason = "no_score"
        return {"score": None, "evidence_share": None, "assessed": False, "reason": reason}
    parts = _component_weights(result)
    total = sum(w for w, _ in parts)
    share = (sum(w for w, known in parts if known) / total) if total > 0 else 1.0
    assessed = share >= float(thresholds["score.evidence.min_share"]) - 1e-12
    return {"score": score, "evidence_share": round(share, 4), "assessed": assessed,
            "reason": None if assessed else "evidence"}


def assess(client: Client, *, parallel: bool = False, thresholds: Thresholds | None = None,
           **options: Any) -> Assessment:
    """Run structure, communication, decision-path and survey analyses on ``client``.

    Parameters
    ----------
    client : Client
        A client from :func:`orgkit.load_client`.
    parallel : bool
        Analyse communication (betweenness and Louvain, the slowest area) in a forked child process
        while this one does the other areas. Same numbers; only on Linux with two or more usable CPUs,
        and this process analyses communication itself if the child fails.
    thresholds : Thresholds, optional
        The thresholds and weights every area and the findings use (default: the client's,
        ``client.settings.thresholds``, from ``client.yml``).
    **options
        Passed to the area that accepts them, by prefix: ``structure_*``, ``communication_*``,
        ``decisions_*``, ``survey_*`` (e.g. ``communication_silo_margin=0.4``).

    Returns
    -------
    Assessment

    Examples
    --------
    >>> import orgkit
    >>> from orgkit.data.sample import sample_client_path
    >>> result = orgkit.assess(orgkit.load_client(sample_client_path()))
    >>> sorted(result.scores)
    ['communication', 'decisions', 'overall', 'structure', 'survey']
    """
    by_area: dict[str, dict[str, Any]] = {a: {} for a in AREAS}
    for key, value in options.items():
        area, _, name = key.partition("_")
        if area not in by_area or not name:
            raise TypeError(f"unknown option {key!r}: prefix it with one of {', '.join(AREAS)}")
        by_area[area][name] = value
    th = client.settings.thresholds if thresholds is None else thresholds
    for area in AREAS:
        by_area[area].setdefault("thresholds", th)
    child = None
    if parallel and client.communication is not None and fork_available():
        child = ForkedCall(analyze_communication, client, **by_area["communication"])
    try:
        structure = analyze_structure(client, **by_area["structure"])
        decisions = analyze_decisions(client, **by_area["decisions"])
        survey = analyze_survey(client, **by_area["survey"])
    except BaseException:
        if child is not None:
            child.cancel()
        raise
    communication = child.result() if child is not None else None
    if communication is None:
        communication = analyze_communication(client, **by_area["communication"])
    return Assessment(client=client, structure=structure, communication=communication, decisions=decisions,
                      survey=survey, thresholds=th)


def write_metrics(assessment: Assessment | dict, path: str | Path) -> Path:
    """Write ``metrics.json`` atomically (a temporary file renamed into place)."""
    data = assessment.to_dict() if isinstance(assessment, Assessment) else to_jsonable(assessment)
    return write_json(path, data)


def slugify(name: str) -> str:
    """A safe folder name: lower case, runs of anything but letters and digits as one ``-``.

    Letters of any script are kept (a Chinese name stays Chinese); path separators, dots, spaces and
    underscores never survive, so the slug is always one safe path component.

    Examples
    --------
    >>> slugify("Acme Ltd. (2024 Q1)")
    'acme-ltd-2024-q1'
    >>> slugify("sample_client")
    'sample-client'
    >>> slugify("华东 分公司")
    '华东-分公司'
    """
    text = unicodedata.normalize("NFKC", str(name)).lower()
    text = re.sub(r"[^\w]+", "-", text).replace("_", "-")
    text = re.sub(r"-{2,}", "-", text).strip("-")
    return text or "client"


def client_slug(client: Client) -> str:
    """The client's report folder name: its folder's slug (its name's for a client built in memory).

    ``orgkit report`` writes to ``reports/<client_slug>/`` and ``metrics.json`` records the same slug, so a
    batch overview can link every row to its report.
    """
    folder = client.path.name
    return slugify(folder if folder not in ("", ".") else client.settings.name)
