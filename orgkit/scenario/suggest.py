"""Suggested plans: the reorganisations the framework calls for where the data supports them, each with its effect.

:func:`suggest_plans` reads an assessment and proposes, only where the records show the problem:

* **delegate** the decision types that escalate most (escalated share at or above
  ``decisions.escalated_share.amber``) to the initiator's department head — effect: how many recorded
  decisions change, and their median hops and mean approvals before and after;
* **delayer** where layers exceed the minimum the headcount needs (``excess_layers`` > 0): remove the
  managers with at most ``scenario.delayer.max_span`` direct reports on the chains that go deeper than that
  minimum — effect: layers, median span and managers per person before and after.

Each effect is computed by applying the plan (:func:`orgkit.scenario.apply_plan`) and re-measuring only what
the suggestion is about (the decision paths, or the reporting tree), never a whole assessment.
:func:`write_suggestions` writes them as editable plan files, a comment header giving the rationale and the
effect.
"""

from __future__ import annotations

import logging
import os
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from orgkit.errors import OutputError, PlanError
from orgkit.i18n import format_list, is_plural, t, tn
from orgkit.scenario.apply import apply_plan
from orgkit.scenario.plan import Plan, load_plan

__all__ = ["Suggestion", "suggest_plans", "write_suggestions", "decision_effect", "structure_effect",
           "FILE_TAG"]

logger = logging.getLogger(__name__)

#: The first line of every plan file :func:`write_suggestions` writes.
FILE_TAG = "# orgkit suggested plan"

#: Suggestions already computed for an assessment of its own client (an assessment never changes).
_CACHE: "weakref.WeakKeyDictionary[Any, dict[Any, tuple[Suggestion, ...]]]" = weakref.WeakKeyDictionary()

#: The recommendation (:func:`orgkit.findings.recommend`) each kind of suggestion backs, in order of preference.
BACKS = {"delegate": ("delegate",), "delayer": ("flatten", "rebalance", "widen_spans")}


@dataclass(frozen=True)
class Suggestion:
    """One suggested plan with its rationale and computed effect.

    Attributes
    ----------
    kind : str
        ``delegate`` or ``delayer``.
    name : str
        A short name, in the suggestion's language (also the plan's name).
    rationale : str
        Why, with the evidence from the assessment, in plain language.
    plan : Plan
        The plan (:meth:`Plan.to_yaml` writes it).
    effect : dict
        The numbers before and after (plain types): see :func:`decision_effect` and :func:`structure_effect`.
    values : dict
        Per language, the values of the sentences (:meth:`effect_text`).
    language : str
        The language of ``name``, ``rationale`` and the plan's name and description.
    """

    kind: str
    name: str
    rationale: str
    plan: Plan
    effect: dict[str, Any]
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    language: str = "en"

    def effect_text(self, language: str = "en") -> str:
        """The computed effect as one sentence ("Simulated: delegating … would cut median hops from 4 to 2 …")."""
        return _say(f"suggest.effect.{self.kind}", language, self.values.get(language, self.values.get("en", {})))

    def rationale_in(self, language: str = "en") -> str:
        """The rationale in ``language``."""
        return _say(f"suggest.rationale.{self.kind}", language, self.values.get(language, self.values.get("en", {})))

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        """Plain types for JSON: kind, name, rationale, effect (numbers) and its sentence."""
        return {"kind": self.kind, "name": t(f"suggest.name.{self.kind}", language),
                "rationale": self.rationale_in(language), "effect": dict(self.effect),
                "effect_text": self.effect_text(language)}


def _say(key: str, language: str, values: dict[str, Any]) -> str:
    """The text ``key`` with ``values``, its plural form chosen by ``values["n"]`` where it has them."""
    if is_plural(key, language):
        return tn(key, int(values["n"]), language, **values)
    return t(key, language, **values)


# --------------------------------------------------------------------------------------------------
# measures
# --------------------------------------------------------------------------------------------------
def _median(values: pd.Series) -> float | None:
    v = pd.to_numeric(values, errors="coerce").astype("float64").dropna()
    return float(v.median()) if len(v) else None


def _mean(values: pd.Series) -> float | None:
    v = pd.to_numeric(values, errors="coerce").astype("float64").dropna()
    return float(v.mean()) if len(v) else None


def decision_effect(before: pd.DataFrame, after: pd.DataFrame, types: list[str], changed: Any) -> dict[str, Any]:
    """What a delegation does to the decision paths it changes.

    Parameters
    ----------
    before, after : DataFrame
        :func:`orgkit.areas.decisions.decision_paths` of the organisation before and after the plan.
    types : list of str
        The decision types delegated.
    changed : iterable of str
        The ids of the recorded decisions the plan gave a new decider or fewer approvals.

    Returns
    -------
    dict
        ``types``; ``decisions`` (all recorded), ``of_types`` (those of ``types``), ``changed`` (how many
        changed); ``hops_median_before``/``_after`` and ``approvals_mean_before``/``_after`` over the decisions
        that changed (where known; ``None`` over none); ``escalated_share_before``/``_after`` over all
        decisions (the mean of ``escalated`` where known).

    Examples
    --------
    >>> b = pd.DataFrame({"decision_id": ["1", "2", "3"], "decision_type": ["x", "x", "y"], "hops": [4, 4, 1],
    ...                   "approvals": [2, 1, 0], "escalated": [True, True, False]})
    >>> a = b.assign(hops=[2, 4, 1], approvals=[0, 1, 0], escalated=[False, True, False])
    >>> e = decision_effect(b, a, ["x"], ["1"])
    >>> e["hops_median_before"], e["hops_median_after"], e["of_types"], e["changed"], e["escalated_share_after"]
    (4.0, 2.0, 2, 1, 0.3333333333333333)
    """
    changed = set(map(str, changed))
    mb = before["decision_id"].astype("str").isin(changed)
    ma = after["decision_id"].astype("str").isin(changed)

    def esc(frame: pd.DataFrame) -> float | None:
        return _mean(frame["escalated"].astype("boolean").astype("Float64"))

    return {"types": list(types), "decisions": int(len(before)),
            "of_types": int(before["decision_type"].astype("str").isin(types).sum()), "changed": int(mb.sum()),
            "hops_median_before": _median(before.loc[mb, "hops"]), "hops_median_after": _median(after.loc[ma, "hops"]),
            "approvals_mean_before": _mean(before.loc[mb, "approvals"]),
            "approvals_mean_after": _mean(after.loc[ma, "approvals"]),
            "escalated_share_before": esc(before), "escalated_share_after": esc(after)}


def _tree(people: pd.DataFrame) -> dict[str, Any]:
    from orgkit.data.hierarchy import Hierarchy

    h = Hierarchy.from_people(people)
    reports = h.n_reports
    spans = reports[reports > 0]
    n = h.n
    return {"people": int(n), "layers": int(h.layers), "managers": int(len(spans)),
            "span_median": float(np.median(spans)) if len(spans) else None,
            "manager_ratio": len(spans) / n if n else None}


def structure_effect(before: pd.DataFrame, after: pd.DataFrame) -> dict[str, Any]:
    """Layers, managers, median span and managers per person of two ``people`` tables (``_before``/``_after``).

    The layers are :attr:`Hierarchy.layers` (the longest reporting chain, in people); the median span is over
    managers (people with at least one direct report); the manager ratio is managers / people.

    Examples
    --------
    >>> p = pd.DataFrame({"employee_id": ["a", "b", "c", "d"], "manager_id": [None, "a", "b", "b"]})
    >>> q = pd.DataFrame({"employee_id": ["a", "c", "d"], "manager_id": [None, "a", "a"]})
    >>> e = structure_effect(p, q)
    >>> e["layers_before"], e["layers_after"], e["span_median_before"], e["span_median_after"], e["manager_ratio_after"]
    (3, 2, 1.5, 2.0, 0.3333333333333333)
    """
    b, a = _tree(before), _tree(after)
    return {f"{k}_{when}": v for k in b for when, v in (("before", b[k]), ("after", a[k]))}


# --------------------------------------------------------------------------------------------------
# candidates
# --------------------------------------------------------------------------------------------------
def _fmt(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"


def _join(items: list[str], language: str) -> str:
    return format_list(items, language, len(items))


def _delegate(client: Any, assessment: Any, th: Any, language: str) -> Suggestion | None:
    from orgkit.areas.decisions import decision_paths, summarize_paths

    if client.decisions is None or len(client.decisions) == 0 or "manager_id" not in client.people.columns:
        return None
    if assessment is not None and getattr(assessment.decisions, "paths", None) is not None \
            and not assessment.decisions.paths.empty:
        paths, by_type = assessment.decisions.paths, assessment.decisions.by_type
    else:
        paths = decision_paths(client)
        by_type = summarize_paths(paths, by="decision_type") if len(paths) else None
    if by_type is None or by_type.empty:
        return None
    amber = float(th["decisions.escalated_share.amber"])
    escalating = (by_type[by_type["escalated_share"] >= amber]
                  .sort_values(["escalated_share", "count"], ascending=False, kind="mergesort"))
    types = escalating["decision_type"].astype(str).tolist()[:3]
    if not types:
        return None
    plan = load_plan({"name": t("suggest.name.delegate", language),
                      "description": t("suggest.description.delegate", language, types=_join(types, language)),
                      "steps": [{"action": "delegate", "types": types, "to": "department_head"}]})
    result = apply_plan(client, plan, language=language)
    rerouted = result.decisions_rerouted
    changed = rerouted["decision_id"].astype("str").unique() if rerouted is not None and len(rerouted) else []
    if not len(changed):
        return None  # the department heads decide them already: nothing to suggest
    after = decision_paths(result.client)
    effect = decision_effect(paths, after, types, changed)
    shares = dict(zip(by_type["decision_type"].astype(str), by_type["escalated_share"].astype(float)))
    values = {}
    for lang in ("en", "zh"):
        values[lang] = {
            "types": _join(types, lang), "n_types": len(types),
            "shares": t("storyline.value.clause_separator", lang).join(
                t("suggest.value.type_share", lang, type=k, share=f"{100 * shares[k]:.0f}%") for k in types),
            "threshold": f"{100 * amber:.0f}%",
            "hops_before": _fmt(effect["hops_median_before"]), "hops_after": _fmt(effect["hops_median_after"]),
            "approvals_before": _fmt(effect["approvals_mean_before"]),
            "approvals_after": _fmt(effect["approvals_mean_after"]),
            "changed": effect["changed"], "decisions": effect["decisions"], "of_types": effect["of_types"]}
    return Suggestion("delegate", t("suggest.name.delegate", language),
                      _say("suggest.rationale.delegate", language, values[language]), plan, effect, values,
                      language)


def _on_deep_chains(parent: np.ndarray, depth: np.ndarray, limit: int) -> np.ndarray:
    """Whether each position has someone at depth ``>= limit`` (0-based) in its subtree (itself included)."""
    deep = depth >= limit
    if not deep.any():
        return deep
    order = np.argsort(-depth, kind="stable")
    # push the mark up one level at a time, deepest level first (levels are few: at most the layers)
    for d in range(int(depth.max()), 0, -1):
        rows = order[depth[order] == d]
        rows = rows[deep[rows]]
        up = parent[rows]
        deep[up[up >= 0]] = True
    return deep


def _delayer(client: Any, assessment: Any, th: Any, language: str) -> Suggestion | None:
    from orgkit.areas.structure import min_layers
    from orgkit.data.hierarchy import Hierarchy

    people = client.people
    if "manager_id" not in people.columns or len(people) < 2:
        return None
    if assessment is not None:
        m = assessment.structure.metrics or {}
        layers, ml = m.get("layers"), m.get("min_layers")
    else:
        layers = ml = None
    h = Hierarchy.from_people(people)
    reports = h.n_reports
    if layers is None or ml is None:
        spans = reports[reports > 0]
        layers = h.layers
        mean = float(spans.mean()) if len(spans) else None
        ml = min_layers(h.n, None if mean is None else min(mean, float(th["structure.span.healthy_max"])))
    if ml is None or layers <= ml:
        return None
    max_span = int(th["scenario.delayer.max_span"])
    depth = h.depth
    deep = _on_deep_chains(h.parent, depth, int(ml))
    chosen = np.flatnonzero(deep & (reports >= 1) & (reports <= max_span) & (h.parent >= 0))
    if not len(chosen):
        return None
    ids = [str(x) for x in h.ids[chosen]]
    plan = load_plan({"name": t("suggest.name.delayer", language),
                      "description": tn("suggest.description.delayer", len(ids), language, n=len(ids),
                                                       max_span=max_span),
                      "steps": [{"action": "remove_layer", "manager": ids}]})
    result = apply_plan(client, plan, language=language)
    effect = {"managers_removed": len(ids), "max_span": max_span, "min_layers": int(ml),
              **structure_effect(people, result.client.people)}
    if effect["layers_after"] >= effect["layers_before"]:
        return None  # other chains as deep keep the layers: removing these managers would not flatten
    values = {}
    for lang in ("en", "zh"):
        values[lang] = {
            "n": len(ids), "max_span": max_span, "layers_before": effect["layers_before"],
            "layers_after": effect["layers_after"], "min_layers": int(ml),
            "span_before": _fmt(effect["span_median_before"]), "span_after": _fmt(effect["span_median_after"]),
            "ratio_before": f"{100 * (effect['manager_ratio_before'] or 0):.1f}%",
            "ratio_after": f"{100 * (effect['manager_ratio_after'] or 0):.1f}%"}
    return Suggestion("delayer", t("suggest.name.delayer", language),
                      _say("suggest.rationale.delayer", language, values[language]), plan, effect, values,
                      language)


def suggest_plans(client: Any, assessment: Any = None, *, language: str | None = None,
                  kinds: Any = None) -> list[Suggestion]:
    """The plans the framework suggests for ``client``, each only where its data shows the problem.

    Parameters
    ----------
    client : orgkit.data.client.Client
    assessment : orgkit.assessment.Assessment, optional
        Its decision paths and structure metrics are used when given (nothing is assessed again).
    language : str, optional
        Of the names and rationales (default: the client's).
    kinds : iterable of str, optional
        Only these kinds (``delegate``, ``delayer``); default all.

    Returns
    -------
    list of Suggestion
        In order: delegate (when decision records show types escalated at or above
        ``decisions.escalated_share.amber``, and delegating them changes some decision), delayer (when the
        layers exceed the minimum the headcount needs, managers with at most ``scenario.delayer.max_span``
        reports sit on the chains deeper than it, and removing them takes away at least one layer). Nothing is suggested from absent data: no decision
        records, no delegation; no reporting lines, no delayering.

    Notes
    -----
    A candidate plan that the plan engine refuses (:class:`~orgkit.errors.PlanError`, e.g. a type whose
    every decision is taken by its initiator) is left out and logged at debug level.
    """
    language = language or client.settings.language
    th = assessment.thresholds if assessment is not None else client.settings.thresholds
    key = (tuple(kinds) if kinds is not None else None, language)
    if assessment is not None and key in _CACHE.get(assessment, {}):
        return list(_CACHE[assessment][key])  # the report asks twice: its recommendations and metrics.json
    out = []
    builders = {"delegate": _delegate, "delayer": _delayer}
    for kind, build in builders.items():
        if kinds is not None and kind not in kinds:
            continue
        try:
            s = build(client, assessment, th, language)
        except PlanError as exc:
            logger.debug("no %s suggestion: %s", kind, exc)
            continue
        if s is not None:
            out.append(s)
    if assessment is not None and assessment.client is client:
        _CACHE.setdefault(assessment, {})[key] = tuple(out)
    return out


# --------------------------------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------------------------------
def _file_text(s: Suggestion, language: str) -> str:
    """The plan file: orgkit's tag, how to use it, the rationale and the effect as comments, then the plan."""
    import textwrap

    why = t("suggest.file.why", language) + ("" if language == "zh" else " ") + s.rationale_in(language)
    lines = [FILE_TAG, f"# {t('suggest.file.edit', language)}"]
    for text in (why, s.effect_text(language)):
        # Chinese has no spaces to break at: one comment line per paragraph
        lines += [f"# {w}" for w in (textwrap.wrap(text, 100) if language == "en" else [text])]
    return "\n".join(lines) + "\n" + s.plan.to_yaml()


def write_suggestions(client_dir: str | os.PathLike[str], out_dir: str | os.PathLike[str],
                      language: str | None = None) -> list[tuple[Suggestion, Path]]:
    """Assess a client, suggest plans and write each as an editable YAML file ``suggested-<kind>.yml``.

    Parameters
    ----------
    client_dir : path
        The client folder.
    out_dir : path
        Where the files go (``orgkit scenario --suggest`` without ``-o``: ``reports/<client>/plans``); never
        inside the client folder.
    language : str, optional
        Of the comments and names (default: the client's).

    Returns
    -------
    list of (Suggestion, Path)

    Raises
    ------
    OutputError
        The output folder is inside the client folder, or a file of the same name exists that orgkit did not
        write or that was edited since (an edited plan is the consultant's: it is never replaced). Nothing is
        written then.
    """
    from orgkit.data.loading import load_client
    from orgkit.files.editable import is_edited, write_editable
    from orgkit.files.outputs import check_can_be_folder, check_outside_clients

    client = load_client(client_dir)
    language = language or client.settings.language
    out = Path(out_dir)
    check_outside_clients(out, [client_dir])
    check_can_be_folder(out)
    suggestions = suggest_plans(client, None, language=language)
    targets = [out / f"suggested-{s.kind}.yml" for s in suggestions]
    kept = [p for p in targets if is_edited(p)]
    if kept:
        raise OutputError(
            f"{', '.join(str(p) for p in kept)} {'was' if len(kept) == 1 else 'were'} not written by orgkit or "
            "changed since it was (an edited plan is yours), so orgkit will not replace "
            f"{'it' if len(kept) == 1 else 'them'}. Rename or move {'it' if len(kept) == 1 else 'them'}, or choose "
            "another output folder with -o. Nothing was written.")
    written = []
    for s, path in zip(suggestions, targets):
        write_editable(path, _file_text(s, language).encode("utf-8"))
        written.append((s, path))
    return written
