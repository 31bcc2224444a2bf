"""Suggested plans: the reorganisations the framework calls for where the data supports them, each with its effect.

:func:`suggest_plans` reads an assessment and proposes, only where the records show the problem:

* **delegate** the decision types that escalate most (escalated share at or above
  ``decisions.escalated_share.amber``) to the initiator's department head — effect: how many recorded
  decisions change, and their median hops and mean approvals before and after;
* **delayer** where layers exceed the minimum the headcount needs (``excess_layers`` > 0): remove the
  managers with at most ``scenario.delayer.max_span`` direct reports on the chains that go deeper than that
  minimum — effect: layers, median span and managers per person before and after;
* **split** a department whose people's job titles show two or more business functions, each held by at least
  the minimum group size and ``scenario.split.min_share`` of the department, once the company is past the
  startup stage (where functions merge): the people of the second function form a department of their own —
  effect: the functions covered as separate departments and the departments before and after, the new
  department's size and the span of its head (or that it needs one);
* **units** for a large organisation (stage large, or at least ``structure.stage.large_from`` people) whose
  top manager leads more than ``structure.span.healthy_max`` department heads directly: a layer of business
  units or regions between the top and the departments that group naturally — by the location most of their
  people have, else by communities of the department tie graph — effect: the top's direct reports and the
  layers before and after, and per unit the share of its ties inside it and its E-I index, from the existing
  ties.

Each effect is computed by applying the plan (:func:`orgkit.scenario.apply_plan`) and re-measuring only what
the suggestion is about (the decision paths, the reporting tree, the departments' functions, the ties inside
units), never a whole assessment.
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
           "coverage_effect", "function_evidence", "title_function_of", "unit_ties", "FILE_TAG"]

logger = logging.getLogger(__name__)

#: The first line of every plan file :func:`write_suggestions` writes.
FILE_TAG = "# orgkit suggested plan"

#: Suggestions already computed for an assessment of its own client (an assessment never changes).
_CACHE: "weakref.WeakKeyDictionary[Any, dict[Any, tuple[Suggestion, ...]]]" = weakref.WeakKeyDictionary()

#: The recommendation (:func:`orgkit.findings.recommend`) each kind of suggestion backs, in order of preference.
BACKS = {"delegate": ("delegate",), "delayer": ("flatten", "rebalance", "widen_spans"),
         "split": ("split_department",), "units": ("add_units",)}


@dataclass(frozen=True)
class Suggestion:
    """One suggested plan with its rationale and computed effect.

    Attributes
    ----------
    kind : str
        ``delegate``, ``delayer``, ``split`` or ``units``.
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


# --------------------------------------------------------------------------------------------------
# split: a department whose people's titles show two business functions
# --------------------------------------------------------------------------------------------------
def title_function_of(people: pd.DataFrame) -> pd.Series:
    """The framework function each person's job title points to (None: no title, or no framework function).

    One lookup per distinct title (:func:`orgkit.framework.title_functions`); functions outside the framework
    (legal, admin, ...) count as none.
    """
    from orgkit.framework import title_functions

    if "title" not in people.columns:
        return pd.Series(None, index=people.index, dtype=object)
    titles = people["title"].astype("string").str.strip()
    table = title_functions(titles)
    table = table[table["kind"] == "function"]
    return titles.map(dict(zip(table["title"], table["code"]))).astype(object).where(lambda s: s.notna(), None)


def function_evidence(people: pd.DataFrame, k: int, min_share: float) -> pd.Series:
    """Per department, the framework functions its people's titles show, each with at least ``k`` people
    and at least ``min_share`` of the department.

    Returns
    -------
    Series
        Indexed by (department, function), the number of people; only the functions that count.

    Examples
    --------
    >>> p = pd.DataFrame({"department": ["S"] * 6, "title": ["Sales Manager"] * 4 + ["Marketing Manager"] * 2})
    >>> function_evidence(p, 2, 0.2).to_dict()
    {('S', 'marketing'): 2, ('S', 'sales'): 4}
    >>> function_evidence(p, 3, 0.2).to_dict()
    {('S', 'sales'): 4}
    """
    dept = people["department"].astype("string")
    fn = title_function_of(people)
    both = pd.DataFrame({"department": dept, "function": fn}).dropna()
    if both.empty:
        return pd.Series(dtype="int64", index=pd.MultiIndex.from_arrays([[], []], names=["department", "function"]))
    counts = both.groupby(["department", "function"], sort=True).size()
    sizes = dept.value_counts()
    share = counts.to_numpy() / sizes.reindex(counts.index.get_level_values(0)).to_numpy()
    return counts[(counts.to_numpy() >= k) & (share >= min_share)].astype("int64")


def coverage_effect(before: pd.DataFrame, after: pd.DataFrame, k: int, min_share: float) -> dict[str, Any]:
    """Functions covered as separate departments and departments, before and after (``_before``/``_after``).

    A function is covered as a separate department when some department's titles show it and no other
    function (:func:`function_evidence`); ``departments`` counts the distinct departments.

    Examples
    --------
    >>> b = pd.DataFrame({"department": ["S"] * 6, "title": ["Sales Manager"] * 4 + ["Marketing Manager"] * 2})
    >>> a = b.assign(department=["S"] * 4 + ["M"] * 2)
    >>> e = coverage_effect(b, a, 2, 0.2)
    >>> e["separate_before"], e["separate_after"], e["departments_before"], e["departments_after"]
    (0, 2, 1, 2)
    """
    def measure(people: pd.DataFrame) -> tuple[list[str], int]:
        ev = function_evidence(people, k, min_share)
        per = ev.groupby(level=0).size()
        alone = ev[ev.index.get_level_values(0).isin(per[per == 1].index)]
        fns = sorted(set(alone.index.get_level_values(1)))
        return fns, int(people["department"].astype("string").nunique())

    (fb, db), (fa, da) = measure(before), measure(after)
    return {"separate_before": len(fb), "separate_after": len(fa), "separate_functions_before": fb,
            "separate_functions_after": fa, "departments_before": db, "departments_after": da}


def _head(people: pd.DataFrame, moved: pd.Series) -> tuple[str | None, int]:
    """The head of the people ``moved`` (a boolean mask): the one of them with most direct reports among them
    whose own manager is not among them; ``(None, 0)`` when none of them manages another."""
    if "manager_id" not in people.columns:
        return None, 0
    ids = people["employee_id"].astype("string")
    inside = set(ids[moved])
    mgr = people["manager_id"].astype("string")
    reports = mgr[moved & mgr.isin(inside)].value_counts()
    if reports.empty:
        return None, 0
    top = ids[moved & ~mgr.isin(inside).fillna(False)]
    reports = reports[reports.index.isin(set(top))]
    if reports.empty:
        return None, 0
    reports = reports.sort_index(kind="mergesort").sort_values(ascending=False, kind="mergesort")
    return str(reports.index[0]), int(reports.iloc[0])


def _stage(client: Any, assessment: Any, th: Any) -> str:
    if assessment is not None:
        stage = (assessment.structure.metrics or {}).get("stage")
        if stage:
            return str(stage)
    from orgkit.areas.structure import placement

    return placement(client, thresholds=th).stage.stage


def _split(client: Any, assessment: Any, th: Any, language: str) -> Suggestion | None:
    from orgkit.framework import FUNCTION_CODES, function_label, map_department

    people = client.people
    if "title" not in people.columns or "department" not in people.columns or len(people) < 2:
        return None
    if _stage(client, assessment, th) == "startup":
        return None  # startups merge functions: nothing to split
    k = int(client.settings.min_group_size)
    min_share = float(th["scenario.split.min_share"])
    ev = function_evidence(people, k, min_share)
    per = ev.groupby(level=0).size()
    candidates = per[per >= 2].index
    if not len(candidates):
        return None
    rank = {f: i for i, f in enumerate(FUNCTION_CODES)}
    fn = title_function_of(people)
    dept = people["department"].astype("string")
    names = set(dept.dropna())
    steps, splits = [], []
    for d in sorted(candidates, key=str):
        held = ev[d]  # function -> people, for this department (a handful of functions at most)
        own = [f for f in map_department(str(d)) if f in held.index]
        order = sorted(held.index, key=lambda f: (f not in own, -int(held[f]), rank.get(f, 99)))
        first, second = order[0], order[1]
        moved = (dept == d).fillna(False) & (fn == second)
        new = t("suggest.value.split_name", language, department=str(d), function=function_label(second, language))
        if new in names:
            continue
        names.add(new)
        ids = people.loc[moved, "employee_id"].astype(str).tolist()
        head, span = _head(people, moved)
        steps.append({"action": "split", "department": str(d), "new": new, "people": ids, "function": second})
        splits.append({"department": str(d), "new": new, "function": second, "kept": first, "size": len(ids),
                       "has_head": head is not None, "head_span": span})
    if not steps:
        return None
    plan = load_plan({"name": t("suggest.name.split", language),
                      "description": tn("suggest.description.split", len(steps), language, n=len(steps)),
                      "steps": steps})
    result = apply_plan(client, plan, language=language)
    effect = {"min_share": min_share, "splits": splits,
              **coverage_effect(people, result.client.people, k, min_share)}
    if effect["separate_after"] <= effect["separate_before"]:
        return None  # no function gains a department of its own
    values = {}
    for lang in ("en", "zh"):
        sep = t("storyline.value.clause_separator", lang)
        news = [s["new"] for s in splits]  # the names the plan gives, whatever the language of the sentence
        values[lang] = {
            "n": len(splits), "threshold": f"{100 * min_share:.0f}%",
            "departments": _join([s["department"] for s in splits], lang),
            "evidence": sep.join(
                t("suggest.value.split_evidence", lang, department=s["department"],
                  kept=function_label(s["kept"], lang), function=function_label(s["function"], lang),
                  size=s["size"]) for s in splits),
            "separate_before": effect["separate_before"], "separate_after": effect["separate_after"],
            "departments_before": effect["departments_before"], "departments_after": effect["departments_after"],
            "heads": sep.join(
                tn("suggest.value.split_head", s["head_span"], lang, new=name, size=s["size"], n=s["head_span"])
                if s["has_head"] else t("suggest.value.split_no_head", lang, new=name, size=s["size"])
                for s, name in zip(splits, news))}
    return Suggestion("split", t("suggest.name.split", language),
                      _say("suggest.rationale.split", language, values[language]), plan, effect, values, language)


# --------------------------------------------------------------------------------------------------
# units: business units or regions between the top and its many department heads
# --------------------------------------------------------------------------------------------------
def unit_ties(people: pd.DataFrame, edges: pd.DataFrame, units: dict[str, list[str]]) -> pd.DataFrame:
    """Per proposed unit, its ties, the share inside it and its E-I index, from the existing ties.

    Parameters
    ----------
    people : DataFrame
        ``employee_id`` and ``department``.
    edges : DataFrame
        The ties, ``u`` and ``v`` (employee ids, :func:`orgkit.areas.communication.build_edges`).
    units : dict
        Unit name -> its departments.

    Returns
    -------
    DataFrame
        One row per unit, in order: ``unit``, ``ties`` (ties with at least one end in the unit), ``inside``
        (both ends), ``inside_share`` = inside / ties and ``ei`` = (external - inside) / ties (Krackhardt &
        Stern's E-I index of the unit); both ``NaN`` for a unit without ties. Everyone outside the units
        keeps their department as their group; ties to unknown ids are ignored.

    Examples
    --------
    >>> p = pd.DataFrame({"employee_id": list("abcd"), "department": list("WXYZ")})
    >>> e = pd.DataFrame({"u": ["a", "a", "c"], "v": ["b", "c", "d"]})
    >>> unit_ties(p, e, {"U1": ["W", "X"], "U2": ["Y", "Z"]})[["unit", "ties", "inside", "ei"]].to_numpy().tolist()
    [['U1', 2, 1, 0.0], ['U2', 2, 1, 0.0]]
    """
    names = list(units)
    of_dept = {d: j for j, name in enumerate(names) for d in units[name]}
    label = people["department"].map(of_dept).fillna(-1).astype("int64").to_numpy()
    index = pd.Index(people["employee_id"].astype("string"))
    iu = index.get_indexer(edges["u"].astype("string"))
    iv = index.get_indexer(edges["v"].astype("string"))
    ok = (iu >= 0) & (iv >= 0)
    lu, lv = label[iu[ok]], label[iv[ok]]
    k = len(names)
    inside = np.bincount(lu[(lu == lv) & (lu >= 0)], minlength=k)[:k]
    touching = (np.bincount(lu[lu >= 0], minlength=k)[:k] + np.bincount(lv[lv >= 0], minlength=k)[:k] - inside)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(touching > 0, inside / np.maximum(touching, 1), np.nan)
        ei = np.where(touching > 0, (touching - 2 * inside) / np.maximum(touching, 1), np.nan)
    return pd.DataFrame({"unit": pd.Series(names, dtype="str"), "ties": touching.astype("int64"),
                         "inside": inside.astype("int64"), "inside_share": share, "ei": ei})


def _top_departments(people: pd.DataFrame) -> tuple[str | None, list[str]]:
    """The one top manager's id and the departments headed by their direct reports (none: several tops)."""
    ids = people["employee_id"].astype("string")
    mgr = people["manager_id"].astype("string")
    tops = ids[mgr.isna() | ~mgr.isin(set(ids))]
    if len(tops) != 1:
        return None, []
    top = str(tops.iloc[0])
    dept = people["department"].astype("string")
    dept_of = dict(zip(ids, dept))
    heads = (mgr == top).fillna(False) & (dept != dept_of.get(top)).fillna(True) & dept.notna()
    return top, sorted(set(dept[heads]))


def _by_location(people: pd.DataFrame, depts: list[str]) -> dict[str, list[str]]:
    """The departments grouped by the location most of their people have (its name -> departments)."""
    inside = people[people["department"].astype("string").isin(depts)]
    loc = inside["location"].astype("string").str.strip()
    frame = pd.DataFrame({"department": inside["department"].astype("string"), "location": loc}).dropna()
    frame = frame[frame["location"] != ""]
    if frame.empty:
        return {}
    counts = frame.groupby(["department", "location"], sort=True).size().reset_index(name="n")
    modal = counts.sort_values(["department", "n"], ascending=[True, False], kind="mergesort") \
        .drop_duplicates("department")
    return {str(loc): sorted(g["department"].astype(str)) for loc, g in modal.groupby("location", sort=True)}


def _by_communication(people: pd.DataFrame, edges: pd.DataFrame, depts: list[str]) -> list[list[str]]:
    """The departments grouped by Louvain communities of the department graph (ties between departments)."""
    import networkx as nx

    if edges is None or not len(edges):
        return []
    index = pd.Index(people["employee_id"].astype("string"))
    dept = people["department"].astype("string").to_numpy(dtype=object)
    code = {d: j for j, d in enumerate(depts)}
    dc = np.array([code.get(d, -1) if isinstance(d, str) else -1 for d in pd.unique(dept)])
    lookup = dict(zip(pd.unique(dept), dc))
    per = pd.Series(dept).map(lookup).fillna(-1).astype("int64").to_numpy()
    iu = index.get_indexer(edges["u"].astype("string"))
    iv = index.get_indexer(edges["v"].astype("string"))
    ok = (iu >= 0) & (iv >= 0)
    a, b = per[iu[ok]], per[iv[ok]]
    keep = (a >= 0) & (b >= 0) & (a != b)
    if not keep.any():
        return []
    k = len(depts)
    lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    pairs, n = np.unique(lo * k + hi, return_counts=True)
    g = nx.Graph()
    g.add_nodes_from(range(k))
    g.add_weighted_edges_from(zip((pairs // k).tolist(), (pairs % k).tolist(), n.tolist()))
    groups = nx.algorithms.community.louvain_communities(g, weight="weight", seed=0)
    return sorted((sorted(depts[j] for j in c) for c in groups), key=lambda c: (-len(c), c))


def _units(client: Any, assessment: Any, th: Any, language: str) -> Suggestion | None:
    from orgkit.areas.communication import build_edges
    from orgkit.data.hierarchy import Hierarchy

    people = client.people
    if "manager_id" not in people.columns or "department" not in people.columns or len(people) < 2:
        return None
    large = _stage(client, assessment, th) == "large" or len(people) >= int(th["structure.stage.large_from"])
    if not large:
        return None
    top, heads = _top_departments(people)
    most = int(th["structure.span.healthy_max"])
    if top is None or len(heads) <= most:
        return None
    k = int(client.settings.min_group_size)
    sizes = people["department"].astype("string").value_counts()
    named = [d for d in heads if int(sizes.get(d, 0)) >= k]  # a department under the minimum is never listed
    basis = None
    groups: list[tuple[Any, list[str]]] = []  # (location or number, departments)
    edges = None
    if assessment is not None and getattr(assessment.communication, "edges", None) is not None:
        edges = assessment.communication.edges
    elif client.communication is not None and len(client.communication):
        edges = build_edges(people, client.communication)
    if edges is not None and not len(edges):
        edges = None  # no tie at all: nothing to group by, nothing to measure
    if "location" in people.columns:
        by_loc = _by_location(people, named)
        groups = [(loc, ds) for loc, ds in by_loc.items() if len(ds) >= 2]
        # a location holding fewer than the minimum group size of people is not named
        groups = [(n, ds) for n, ds in groups if int(sizes.reindex(ds).sum()) >= k]
        basis = "location"
    if len(groups) < 2 and edges is not None:
        comm = [ds for ds in _by_communication(people, edges, named) if len(ds) >= 2]
        groups = [(j + 1, ds) for j, ds in enumerate(comm)]
        basis = "communication"
    if len(groups) < 2:
        return None

    def unit_name(src: Any, lang: str) -> str:
        if basis == "location":
            return t("suggest.value.unit_region", lang, location=src)
        return t("suggest.value.unit_name", lang, n=src)

    units = {unit_name(src, language): ds for src, ds in groups}
    plan = load_plan({"name": t("suggest.name.units", language),
                      "description": tn(f"suggest.description.units_{basis}", len(units), language, n=len(units)),
                      "steps": [{"action": "insert_layer", "under": top,
                                 "units": [{"name": n, "departments": ds} for n, ds in units.items()]}]})
    result = apply_plan(client, plan, language=language)
    after = result.client.people

    def top_span(frame: pd.DataFrame) -> int:
        return int((frame["manager_id"].astype("string") == top).fillna(False).sum())

    tree = structure_effect(people, after)
    ties = unit_ties(after, edges, units) if edges is not None else None
    effect = {"basis": basis, "department_heads": len(heads), "max_span": most,
              "top_span_before": top_span(people), "top_span_after": top_span(after),
              "layers_before": tree["layers_before"], "layers_after": tree["layers_after"],
              "units": [{"unit": n, "departments": list(ds), "people": int(sizes.reindex(ds).sum()),
                         **({} if ties is None else {
                             "ties": int(ties.at[j, "ties"]), "inside": int(ties.at[j, "inside"]),
                             "inside_share": None if np.isnan(ties.at[j, "inside_share"])
                             else float(ties.at[j, "inside_share"]),
                             "ei": None if np.isnan(ties.at[j, "ei"]) else float(ties.at[j, "ei"])})}
                        for j, (n, ds) in enumerate(units.items())]}
    values = {}
    for lang in ("en", "zh"):
        sep = t("storyline.value.clause_separator", lang)
        names = [unit_name(src, lang) for src, _ in groups]
        if ties is None:
            inside = t("suggest.value.unit_no_ties", lang)
        else:
            inside = sep.join(
                t("suggest.value.unit_inside", lang, unit=name,
                  share="–" if u.get("inside_share") is None else f"{100 * u['inside_share']:.0f}%",
                  ei="–" if u.get("ei") is None else f"{u['ei']:+.2f}".replace("-", "−"))
                for name, u in zip(names, effect["units"]))
        values[lang] = {
            "n": len(groups), "heads": len(heads), "max_span": most, "people": len(people),
            "basis": t(f"suggest.value.units_basis_{basis}", lang),
            "departments": sum(len(ds) for _, ds in groups),
            "span_before": effect["top_span_before"], "span_after": effect["top_span_after"],
            "layers_before": effect["layers_before"], "layers_after": effect["layers_after"], "inside": inside}
    return Suggestion("units", t("suggest.name.units", language),
                      _say("suggest.rationale.units", language, values[language]), plan, effect, values, language)


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
        Only these kinds (``delegate``, ``delayer``, ``split``, ``units``); default all.

    Returns
    -------
    list of Suggestion
        In order: delegate (when decision records show types escalated at or above
        ``decisions.escalated_share.amber``, and delegating them changes some decision), delayer (when the
        layers exceed the minimum the headcount needs, managers with at most ``scenario.delayer.max_span``
        reports sit on the chains deeper than it, and removing them takes away at least one layer), split
        (past the startup stage, when some department's job titles show two business functions with at least
        the minimum group size and ``scenario.split.min_share`` each, and splitting gives some function a
        department of its own), units (large, with more than ``structure.span.healthy_max`` department heads
        under the top, and at least two groups of two or more departments by location or communication).
        Nothing is suggested from absent data: no decision records, no delegation; no reporting lines, no
        delayering and no units; no job titles, no split; neither locations nor ties, no units.

    Notes
    -----
    Without an assessment, units grouped by communication read every pair of people who exchanged a message
    as a tie (the assessment's tie rule, :func:`orgkit.areas.communication.select_ties`, applies only when an
    assessment is given: its ``communication.edges`` are used). A department under the minimum group size is
    never listed in a plan: it is neither split nor placed in a unit.

    A candidate plan that the plan engine refuses (:class:`~orgkit.errors.PlanError`, e.g. a type whose
    every decision is taken by its initiator) is left out and logged at debug level.
    """
    language = language or client.settings.language
    th = assessment.thresholds if assessment is not None else client.settings.thresholds
    key = (tuple(kinds) if kinds is not None else None, language)
    if assessment is not None and key in _CACHE.get(assessment, {}):
        return list(_CACHE[assessment][key])  # the report asks twice: its recommendations and metrics.json
    out = []
    builders = {"delegate": _delegate, "delayer": _delayer, "split": _split, "units": _units}
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
