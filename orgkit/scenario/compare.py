"""Two states of one organisation side by side: what a plan would change, or what changed since the last snapshot.

:func:`compare_states` assesses both states with :func:`orgkit.assess` and returns a :class:`Comparison`:
before, after and change for every headline metric of every area (:data:`HEADLINES`), the findings that
appear, disappear or change status, who is affected (people by id, counts by department), the ties that
cross a department boundary they did not cross before, the decisions whose path changed, and what cannot be
predicted. ``orgkit scenario`` compares a client with the same client after a plan; ``orgkit compare``
(:func:`orgkit.scenario.snapshots.compare_snapshots`) two snapshots of one client.

Nothing is guessed. An area without data on a side is *not assessed* there (never zero); in a scenario the
survey answers, future communication and how long re-routed decisions will take are *not predicted* and
said so (:data:`UNPREDICTABLE`).

Privacy: a department smaller than the minimum group size in a state is never named for that state, and a
count of fewer than that many people is never shown for a department (:meth:`Comparison.affected`).
"""

from __future__ import annotations

import datetime as _dt
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from orgkit import formatting
from orgkit.assessment import AREAS, Assessment, assess, client_slug
from orgkit.data.client import Client
from orgkit.errors import ConfigError
from orgkit.files.jsonsafe import to_jsonable
from orgkit.findings import STATUS_ORDER, Finding, derive_findings
from orgkit.i18n import LANGUAGES, t, tn
from orgkit.privacy import OTHER_GROUP, complementary_suppression, person_label

__all__ = [
    "KINDS",
    "STATES",
    "MetricSpec",
    "HEADLINES",
    "headline_specs",
    "UNPREDICTABLE",
    "FindingChange",
    "TieChanges",
    "DecisionChanges",
    "Comparison",
    "compare_states",
    "people_changes",
    "tie_changes",
    "decision_changes",
    "finding_changes",
    "SURVEY_BASED_FINDINGS",
]

logger = logging.getLogger(__name__)

#: What a comparison compares: a client and the same client after a plan, or two snapshots of one client.
KINDS = ("scenario", "reassessment")

#: What a metric row of a comparison can be: ``compared`` (a number on both sides), ``before_only`` /
#: ``after_only`` (not assessed on the other side), ``not_assessed`` (on neither side) and
#: ``not_predicted`` (a scenario cannot know it: survey answers, the latency of re-routed decisions).
STATES = ("compared", "before_only", "after_only", "not_assessed", "not_predicted")

#: Finding keys that rest on the survey's answers (beside a measured source): in a scenario they are not
#: re-evaluated, because how people will answer after the plan cannot be predicted.
SURVEY_BASED_FINDINGS = frozenset({"felt_silo", "silo_felt_open", "silo_not_felt", "span_felt", "span_not_felt"})

#: The decision metrics a plan cannot predict: how long a decision takes with its new decider.
_LATENCY_KEYS = frozenset({"latency_days_median", "latency_days_mean"})


# --------------------------------------------------------------------------------------------------
# The headline metrics
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MetricSpec:
    """One headline metric of a comparison.

    Attributes
    ----------
    area : str
        ``structure``, ``communication``, ``decisions``, ``survey`` or ``scores``.
    key : str
        Its key; the row's label is the catalogue's ``compare.metric.<area>.<key>`` (a survey dimension's
        favourable share: ``compare.metric.survey.favourable`` with the dimension).
    fmt : str
        How its values are shown: ``int``, ``number`` (one decimal), ``index`` (signed, two decimals),
        ``ratio`` (three decimals), ``share`` (a percentage; its change in percentage points), ``score``
        (0-100) or ``text``.
    better : str or None
        ``higher`` or ``lower`` when the assessment's scores count one direction as better (the reading
        of a change); ``None`` when a change is neither (headcount, layers, the stage).
    get : callable
        ``Assessment -> value`` (``None`` when it cannot be computed on that side).
    subject : str
        The survey dimension of a ``favourable`` row (empty otherwise).
    """

    area: str
    key: str
    fmt: str
    better: str | None
    get: Callable[[Assessment], Any] = field(repr=False, compare=False)
    subject: str = ""

    @property
    def ident(self) -> str:
        """``<area>.<key>`` (``survey.favourable.<dimension>`` for a dimension)."""
        return f"{self.area}.{self.key}" + (f".{self.subject}" if self.subject else "")

    def label(self, language: str = "en") -> str:
        """The metric's name in ``language``."""
        return _label(self.area, self.key, self.subject, language)


def _metric(area: str, key: str) -> Callable[[Assessment], Any]:
    """The area's ``metrics[key]`` (``None`` without the area's data)."""

    def get(a: Assessment) -> Any:
        m = getattr(a, area).metrics
        return m.get(key) if m.get("available", True) else None

    return get


def _score(area: str) -> Callable[[Assessment], Any]:
    return lambda a: a.scores.get(area)


def _departments(a: Assessment) -> int:
    return int(a.client.people["department"].nunique())


def _span_share(which: str) -> Callable[[Assessment], Any]:
    """Share of managers whose span is healthy, narrow or wide (the thresholds of that side)."""

    def get(a: Assessment) -> Any:
        spans = a.structure.spans
        if not a.client.has_hierarchy or spans is None or spans.empty:
            return None
        lo, hi = a.thresholds["structure.span.healthy_min"], a.thresholds["structure.span.healthy_max"]
        s = spans["span"].to_numpy()
        mask = {"healthy": (s >= lo) & (s <= hi), "narrow": s < lo, "wide": s > hi}[which]
        return float(mask.mean())

    return get


def _coverage(what: str) -> Callable[[Assessment], Any]:
    """Coverage of the stage's core functions: its share, or the number of missing or split functions."""

    def get(a: Assessment) -> Any:
        m = a.structure.metrics
        if not m.get("coverage_assessed", True):
            return None
        if what == "core":
            for c in m.get("score_components") or []:
                if c.get("name") == "function_coverage":
                    return c.get("value")
            return None
        return len(m.get(f"functions_{what}") or [])

    return get


def _silo_count(a: Assessment) -> Any:
    m = a.communication.metrics
    return len(m.get("silos") or []) if m.get("available", True) and m.get("edges") else None


def _silo_people(a: Assessment) -> Any:
    m = a.communication.metrics
    if not m.get("available", True) or not m.get("edges"):
        return None
    departments = m.get("departments") or {}
    return int(sum((departments.get(d) or {}).get("size") or 0 for d in m.get("silos") or []))


def _favourable(dimension: str) -> Callable[[Assessment], Any]:
    def get(a: Assessment) -> Any:
        m = a.survey.metrics
        return (m.get("favourable") or {}).get(dimension) if m.get("available", True) else None

    return get


#: The headline metrics every comparison shows, by area (the survey's per-dimension rows are added from the
#: dimensions the two states have, see :func:`headline_specs`).
HEADLINES: tuple[MetricSpec, ...] = (
    MetricSpec("structure", "people", "int", None, lambda a: a.client.n_people),
    MetricSpec("structure", "departments", "int", None, _departments),
    MetricSpec("structure", "layers", "int", None, _metric("structure", "layers")),
    MetricSpec("structure", "excess_layers", "int", "lower", _metric("structure", "excess_layers")),
    MetricSpec("structure", "managers", "int", None, _metric("structure", "managers")),
    MetricSpec("structure", "people_per_manager", "number", None, _metric("structure", "people_per_manager")),
    MetricSpec("structure", "span_mean", "number", None, _metric("structure", "span_mean")),
    MetricSpec("structure", "span_median", "number", None, _metric("structure", "span_median")),
    MetricSpec("structure", "healthy_span_share", "share", "higher", _span_share("healthy")),
    MetricSpec("structure", "narrow_span_share", "share", "lower", _span_share("narrow")),
    MetricSpec("structure", "wide_span_share", "share", "lower", _span_share("wide")),
    MetricSpec("structure", "single_report_share", "share", "lower", _metric("structure", "single_report_share")),
    MetricSpec("structure", "stage", "text", None, _metric("structure", "stage")),
    MetricSpec("structure", "core_coverage", "share", "higher", _coverage("core")),
    MetricSpec("structure", "functions_missing", "int", "lower", _coverage("missing")),
    MetricSpec("structure", "functions_split", "int", "lower", _coverage("split")),
    MetricSpec("structure", "score", "score", "higher", _score("structure")),
    MetricSpec("communication", "edges", "int", None, _metric("communication", "edges")),
    MetricSpec("communication", "density", "ratio", None, _metric("communication", "density")),
    MetricSpec("communication", "cross_department_share", "share", "higher",
               _metric("communication", "cross_department_share")),
    MetricSpec("communication", "ei_index", "index", "higher", _metric("communication", "ei_index")),
    MetricSpec("communication", "ei_index_expected", "ratio", None, _metric("communication", "ei_index_expected")),
    MetricSpec("communication", "modularity", "ratio", None, _metric("communication", "modularity")),
    MetricSpec("communication", "silos", "int", "lower", _silo_count),
    MetricSpec("communication", "silo_people", "int", "lower", _silo_people),
    MetricSpec("communication", "isolates", "int", "lower", _metric("communication", "isolates")),
    MetricSpec("communication", "largest_component_share", "share", "higher",
               _metric("communication", "largest_component_share")),
    MetricSpec("communication", "community_department_nmi", "ratio", None,
               _metric("communication", "community_department_nmi")),
    MetricSpec("communication", "score", "score", "higher", _score("communication")),
    MetricSpec("decisions", "decisions", "int", None, _metric("decisions", "decisions")),
    MetricSpec("decisions", "hops_mean", "number", "lower", _metric("decisions", "hops_mean")),
    MetricSpec("decisions", "hops_median", "number", "lower", _metric("decisions", "hops_median")),
    MetricSpec("decisions", "hops_p90", "number", "lower", _metric("decisions", "hops_p90")),
    MetricSpec("decisions", "approvals_mean", "number", "lower", _metric("decisions", "approvals_mean")),
    MetricSpec("decisions", "departments_crossed_mean", "number", "lower",
               _metric("decisions", "departments_crossed_mean")),
    MetricSpec("decisions", "escalated_share", "share", "lower", _metric("decisions", "escalated_share")),
    MetricSpec("decisions", "escalated_up_share", "share", "lower", _metric("decisions", "escalated_up_share")),
    MetricSpec("decisions", "escalated_across_share", "share", "lower",
               _metric("decisions", "escalated_across_share")),
    MetricSpec("decisions", "latency_days_median", "number", "lower", _metric("decisions", "latency_days_median")),
    MetricSpec("decisions", "latency_days_mean", "number", "lower", _metric("decisions", "latency_days_mean")),
    MetricSpec("decisions", "score", "score", "higher", _score("decisions")),
    MetricSpec("survey", "respondents", "int", None, _metric("survey", "respondents")),
    MetricSpec("survey", "response_rate", "share", "higher", _metric("survey", "response_rate")),
    MetricSpec("survey", "score", "score", "higher", _score("survey")),
)


def headline_specs(before: Assessment, after: Assessment) -> list[MetricSpec]:
    """:data:`HEADLINES` with one favourable-share row per survey dimension of either state, in survey order.

    The rows of each area stay together; the dimensions follow ``respondents`` and ``response_rate``.
    """
    dims: list[str] = []
    for a in (before, after):
        m = a.survey.metrics
        if m.get("available", True):
            dims += [d for d in (m.get("favourable") or {}) if d not in dims]
    out: list[MetricSpec] = []
    for spec in HEADLINES:
        if spec.ident == "survey.score":
            out += [MetricSpec("survey", "favourable", "share", "higher", _favourable(d), d) for d in dims]
        out.append(spec)
    return out


#: What a comparison cannot know, by code: the catalogue's ``compare.unpredictable.<code>`` says it plainly.
#: ``survey``: how people will answer after a plan; ``communication``: the ties people will form or drop;
#: ``latency``: how long re-routed decisions will take; ``placeholders``: new positions have no ties, answers
#: or decisions; ``survey_one_side``: a survey in one snapshot only; ``thresholds_differ``: the snapshots'
#: ``client.yml`` set different thresholds.
UNPREDICTABLE = ("survey", "communication", "latency", "placeholders", "survey_one_side", "thresholds_differ")


# --------------------------------------------------------------------------------------------------
# Findings that appear, disappear or change
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FindingChange:
    """One finding matched across the two states by its identity (rule and subject).

    Attributes
    ----------
    ident : str
        The finding's identity (:attr:`orgkit.findings.Finding.ident`, or its rule when it has no subject).
    area : str
    change : str
        ``appeared`` (after only), ``disappeared`` (before only), ``status`` (both, another status) or
        ``unchanged``.
    before, after : Finding or None
    """

    ident: str
    area: str
    change: str
    before: Finding | None
    after: Finding | None

    @property
    def status(self) -> str:
        """The status it is shown with: the new one, or the old one for a finding that disappears."""
        return (self.after or self.before).status  # type: ignore[union-attr]

    def text(self, language: str = "en") -> str:
        """The finding's sentence (the new state's, or the old one's when it disappears); a status change says
        from which status to which."""
        f = self.after or self.before
        sentence = f.text(language)  # type: ignore[union-attr]
        if self.change == "status":
            return t("compare.finding.status_change", language, before=t(f"status.{self.before.status}", language),
                     after=t(f"status.{self.after.status}", language), text=sentence)
        return sentence

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        return {"id": self.ident, "area": self.area, "change": self.change,
                "status_before": self.before.status if self.before else None,
                "status_after": self.after.status if self.after else None,
                "text": (self.after or self.before).text(language)}  # type: ignore[union-attr]


def _identity(f: Finding) -> str:
    return f.ident or f.key


def _rests_on_survey(f: Finding) -> bool:
    return f.area == "survey" or f.key in SURVEY_BASED_FINDINGS or (f.ident or "").startswith("triangulation:")


def finding_changes(before: Sequence[Finding], after: Sequence[Finding], *,
                    skip: Callable[[Finding], bool] | None = None) -> list[FindingChange]:
    """The findings of two states matched by identity (rule and subject), worst first.

    Parameters
    ----------
    before, after : sequence of Finding
        :func:`orgkit.findings.derive_findings` of each state.
    skip : callable, optional
        Findings to leave out on both sides (a scenario leaves out those resting on survey answers).

    Returns
    -------
    list of FindingChange
        Appeared, disappeared, status changes, then unchanged; within each by status (red first).

    Examples
    --------
    >>> from orgkit.findings import Finding
    >>> a = [Finding("structure", "spans", "amber", {}), Finding("communication", "silo", "red", {}, ident="silo:R&D")]
    >>> b = [Finding("structure", "spans", "green", {}), Finding("structure", "layers_ok", "green", {})]
    >>> [(c.ident, c.change) for c in finding_changes(a, b)]
    [('layers_ok', 'appeared'), ('silo:R&D', 'disappeared'), ('spans', 'status')]
    """
    keep = (lambda f: not skip(f)) if skip is not None else (lambda f: True)
    old = {_identity(f): f for f in before if keep(f)}
    new = {_identity(f): f for f in after if keep(f)}
    out: list[FindingChange] = []
    for ident, f in new.items():
        g = old.get(ident)
        change = "appeared" if g is None else "status" if g.status != f.status else "unchanged"
        out.append(FindingChange(ident, f.area, change, g, f))
    out += [FindingChange(ident, g.area, "disappeared", g, None) for ident, g in old.items() if ident not in new]
    order = {c: i for i, c in enumerate(("appeared", "disappeared", "status", "unchanged"))}
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    return sorted(out, key=lambda c: (order[c.change], rank.get(c.status, 9), c.ident))


# --------------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------------
def people_changes(before: Client, after: Client, department_map: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Who joined, left, moved or stayed, matched by ``employee_id``.

    Parameters
    ----------
    before, after : Client
    department_map : mapping, optional
        Old department name -> new name for departments that were renamed (a person whose department was
        only renamed has not moved).

    Returns
    -------
    DataFrame
        One row per id of either state: ``employee_id``, ``status`` (``joined``, ``left``, ``stayed``),
        ``department_before``, ``department_after`` (missing on the side without the person),
        ``department_before_as_after`` (the old department under its new name), ``manager_before``,
        ``manager_after``, ``department_changed``, ``manager_changed`` (bool; a manager change is known only
        when both states have ``manager_id``) and ``moved`` (either). Sorted as in ``before``, joiners last.

    Examples
    --------
    >>> from orgkit.data.loading import from_frames
    >>> b = from_frames(pd.DataFrame({"employee_id": ["1", "2", "3"], "department": ["A", "A", "B"],
    ...                               "manager_id": [None, "1", "1"]}), settings={"min_group_size": 1})
    >>> a = from_frames(pd.DataFrame({"employee_id": ["1", "2", "4"], "department": ["A", "B", "B"],
    ...                               "manager_id": [None, "1", "1"]}), settings={"min_group_size": 1})
    >>> people_changes(b, a)[["employee_id", "status", "department_changed"]].to_numpy().tolist()
    [['1', 'stayed', False], ['2', 'stayed', True], ['3', 'left', False], ['4', 'joined', False]]
    """
    hierarchy = before.has_hierarchy and after.has_hierarchy

    def side(client: Client, suffix: str) -> pd.DataFrame:
        cols = ["employee_id", "department"] + (["manager_id"] if hierarchy else [])
        frame = client.people[cols].rename(columns={"department": f"department_{suffix}",
                                                    "manager_id": f"manager_{suffix}"})
        return frame.assign(**{f"_in_{suffix}": True})

    m = side(before, "before").merge(side(after, "after"), on="employee_id", how="outer", sort=False)
    in_b = m["_in_before"].fillna(False).astype(bool).to_numpy()
    in_a = m["_in_after"].fillna(False).astype(bool).to_numpy()
    m = m.drop(columns=["_in_before", "_in_after"])
    # outer merges sort nothing here, but keep before's order explicitly: stayers and leavers, then joiners
    order = np.lexsort((np.arange(len(m)), ~in_b))
    m, in_b, in_a = m.iloc[order].reset_index(drop=True), in_b[order], in_a[order]
    m.insert(1, "status", np.where(in_b & in_a, "stayed", np.where(in_b, "left", "joined")))
    renamed = m["department_before"]
    if department_map:
        renamed = renamed.map(lambda d: department_map.get(d, d) if isinstance(d, str) else d)
    m["department_before_as_after"] = renamed
    both = in_b & in_a
    m["department_changed"] = both & (renamed.astype("str").to_numpy() != m["department_after"].astype("str").to_numpy())
    if hierarchy:
        mb = m["manager_before"].fillna("").astype("str").to_numpy()
        ma = m["manager_after"].fillna("").astype("str").to_numpy()
        m["manager_changed"] = both & (mb != ma)
    else:
        m["manager_before"] = pd.Series(pd.NA, index=m.index, dtype="str")
        m["manager_after"] = pd.Series(pd.NA, index=m.index, dtype="str")
        m["manager_changed"] = False
    m["moved"] = m["department_changed"] | m["manager_changed"]
    cols = ["employee_id", "status", "department_before", "department_after", "department_before_as_after",
            "manager_before", "manager_after", "department_changed", "manager_changed", "moved"]
    return m[cols]


# --------------------------------------------------------------------------------------------------
# Ties
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TieChanges:
    """How the ties of the two states lie against the department boundaries of each.

    Attributes
    ----------
    counts : dict
        ``common`` (ties of both states), ``internal_to_cross`` (inside one department before, across two
        after), ``cross_to_internal``, ``internal_kept``, ``cross_kept``, ``before_only`` and ``after_only``
        (ties of one state: people who left or joined, or, between snapshots, ties that formed or faded).
    by_department : DataFrame
        Per department of the *before* state: ``department``, ``size``, ``internal_before`` (its internal
        ties that are in both states), ``became_cross`` (of those, the ties that cross a boundary after), and
        per department of the *after* state ``became_internal`` under the after name (``department_after``
        rows), all people counts taken from the state they belong to.
    """

    counts: dict[str, int]
    by_department: pd.DataFrame


def _pairs(edges: pd.DataFrame) -> pd.DataFrame:
    """Ties as ordered id pairs ``a < b`` (each tie once)."""
    if edges is None or edges.empty:
        return pd.DataFrame({"a": pd.Series(dtype="str"), "b": pd.Series(dtype="str")})
    u, v = edges["u"].astype("str").to_numpy(), edges["v"].astype("str").to_numpy()
    swap = u > v
    return pd.DataFrame({"a": np.where(swap, v, u), "b": np.where(swap, u, v)}).drop_duplicates()


def tie_changes(before: Assessment, after: Assessment,
                department_map: Mapping[str, str] | None = None) -> TieChanges | None:
    """The ties of both states measured against the department boundaries of each (``None`` when either state
    has no communication data).

    Notes
    -----
    Ties are matched as unordered pairs of ids (the tie rule of each state applied first). In a scenario the
    ties are the same people's ties, so ``common`` is every tie between people in both states and
    ``internal_to_cross`` counts exactly the ties the new boundaries cut; when the two analyses share their
    tie graph (:class:`orgkit.areas.communication.TieGraph`) the ends' departments are compared by code,
    without matching pairs of ids. ``department_map`` (renamed
    departments) names the before rows of :attr:`TieChanges.by_department` by their new names, so a renamed
    department is one row. Vectorised: one merge on the pairs, then department lookups by id.

    Examples
    --------
    A tie inside department A whose two ends are split into A and B becomes a cross-department tie:

    >>> from orgkit.data.loading import from_frames
    >>> rows = pd.DataFrame({"source_id": ["1", "2"], "target_id": ["2", "3"]})
    >>> b = from_frames(pd.DataFrame({"employee_id": ["1", "2", "3"], "department": ["A", "A", "B"]}), rows,
    ...                 settings={"min_group_size": 1})
    >>> a = from_frames(pd.DataFrame({"employee_id": ["1", "2", "3"], "department": ["A", "B", "B"]}), rows,
    ...                 settings={"min_group_size": 1})
    >>> c = tie_changes(assess(b), assess(a)).counts
    >>> c["internal_to_cross"], c["cross_to_internal"]
    (1, 1)
    """
    cb, ca = before.communication, after.communication
    if not cb.available or not ca.available:
        return None
    gb, ga = cb.graph, ca.graph
    if gb is not None and ga is not None and gb.same_graph(ga.ids, ga.u, ga.v, ga.seed, ga.sources):
        # the same people and ties (a plan): compare department codes of the two ends, no merge needed
        db = pd.factorize(before.client.people["department"])[0]
        da = pd.factorize(after.client.people["department"])[0]
        a_b = before.client.people["department"].to_numpy(dtype=object)[gb.u]
        a_a = after.client.people["department"].to_numpy(dtype=object)[ga.u]
        inside_before, inside_after = db[gb.u] == db[gb.v], da[ga.u] == da[ga.v]
        only = (0, 0)
    else:
        pb, pa = _pairs(cb.edges), _pairs(ca.edges)
        merged = pb.merge(pa, on=["a", "b"], how="outer", indicator=True)
        common = merged[merged["_merge"] == "both"]
        dbs = before.client.people.set_index("employee_id")["department"]
        das = after.client.people.set_index("employee_id")["department"]
        a_b, b_b = dbs.reindex(common["a"]).to_numpy(), dbs.reindex(common["b"]).to_numpy()
        a_a, b_a = das.reindex(common["a"]).to_numpy(), das.reindex(common["b"]).to_numpy()
        inside_before, inside_after = a_b == b_b, a_a == b_a
        only = (int((merged["_merge"] == "left_only").sum()), int((merged["_merge"] == "right_only").sum()))
    counts = {
        "common": int(inside_before.size),
        "internal_to_cross": int((inside_before & ~inside_after).sum()),
        "cross_to_internal": int((~inside_before & inside_after).sum()),
        "internal_kept": int((inside_before & inside_after).sum()),
        "cross_kept": int((~inside_before & ~inside_after).sum()),
        "before_only": only[0],
        "after_only": only[1],
    }
    names_before = a_b[inside_before]
    if department_map:
        names_before = pd.Series(names_before, dtype="object").map(lambda d: department_map.get(d, d)).to_numpy()
    cut = pd.DataFrame({"department": names_before, "cut": ~inside_after[inside_before]})
    joined = pd.DataFrame({"department": a_a[inside_after], "joined": ~inside_before[inside_after]})
    by_before = cut.groupby("department", sort=False).agg(internal_before=("cut", "size"), became_cross=("cut", "sum"))
    by_after = joined.groupby("department", sort=False).agg(internal_after=("joined", "size"),
                                                            became_internal=("joined", "sum"))
    table = by_before.join(by_after, how="outer").fillna(0).astype("int64")
    table.index = table.index.astype("str")
    table = table.rename_axis("department").reset_index()
    return TieChanges(counts=counts, by_department=table)


# --------------------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DecisionChanges:
    """The decision records of both states matched by ``decision_id``.

    Attributes
    ----------
    paths : DataFrame
        One row per decision of both states: ``decision_id``, ``decision_type``, ``decider_before``,
        ``decider_after``, ``hops_before``, ``hops_after``, ``approvals_before``, ``approvals_after``,
        ``escalated_before``, ``escalated_after``, ``rerouted`` (another decider) and ``path_changed``
        (another decider or another number of hops).
    by_type : DataFrame
        Per ``decision_type``: ``decisions``, ``rerouted``, ``path_changed``, ``hops_mean_before``,
        ``hops_mean_after``, ``escalated_share_before``, ``escalated_share_after``.
    summary : dict
        ``common``, ``rerouted``, ``path_changed``, and over the decisions whose path changed
        ``hops_median_before``, ``hops_median_after`` (``None`` when no path changed).
    """

    paths: pd.DataFrame
    by_type: pd.DataFrame
    summary: dict[str, Any]


def decision_changes(before: Assessment, after: Assessment) -> DecisionChanges | None:
    """Hops, approvals and escalation of every decision recorded in both states (``None`` without records on
    either side).

    Notes
    -----
    In a scenario every decision is in both states and its decider may have been re-routed by the plan
    (:func:`orgkit.scenario.apply.apply_plan`); its path is recomputed on the new reporting lines
    (:func:`orgkit.areas.decisions.decision_paths`), so a decision whose decider stays can still change path
    when people between them moved. Between snapshots only the records of both are matched.
    """
    pb, pa = before.decisions.paths, after.decisions.paths
    if pb is None or pa is None or pb.empty or pa.empty:
        return None
    cols = ["decision_id", "decision_type", "decider_id", "hops", "approvals", "escalated"]
    m = pb[cols].merge(pa[cols].drop(columns="decision_type"), on="decision_id", suffixes=("_before", "_after"))
    m = m.rename(columns={"decider_id_before": "decider_before", "decider_id_after": "decider_after"})
    hb = pd.to_numeric(m["hops_before"], errors="coerce").astype("float64")
    ha = pd.to_numeric(m["hops_after"], errors="coerce").astype("float64")
    m["rerouted"] = (m["decider_before"].astype("str") != m["decider_after"].astype("str")).to_numpy()
    same_hops = (hb == ha) | (hb.isna() & ha.isna())
    m["path_changed"] = m["rerouted"] | ~same_hops.to_numpy()
    changed = m["path_changed"].to_numpy()

    def median(s: pd.Series) -> float | None:
        s = s[changed].dropna()
        return float(s.median()) if len(s) else None

    summary = {"common": int(len(m)), "rerouted": int(m["rerouted"].sum()), "path_changed": int(changed.sum()),
               "hops_median_before": median(hb), "hops_median_after": median(ha)}
    g = m.assign(hb=hb, ha=ha,
                 eb=pd.to_numeric(m["escalated_before"].astype("Float64"), errors="coerce"),
                 ea=pd.to_numeric(m["escalated_after"].astype("Float64"), errors="coerce"))
    by_type = g.groupby("decision_type", sort=True).agg(
        decisions=("decision_id", "size"), rerouted=("rerouted", "sum"), path_changed=("path_changed", "sum"),
        hops_mean_before=("hb", "mean"), hops_mean_after=("ha", "mean"),
        escalated_share_before=("eb", "mean"), escalated_share_after=("ea", "mean")).reset_index()
    by_type = by_type.astype({"decisions": "int64", "rerouted": "int64", "path_changed": "int64",
                              "hops_mean_before": "float64", "hops_mean_after": "float64",
                              "escalated_share_before": "float64", "escalated_share_after": "float64"})
    return DecisionChanges(paths=m, by_type=by_type, summary=summary)


# --------------------------------------------------------------------------------------------------
# The comparison
# --------------------------------------------------------------------------------------------------
def _fmt(value: Any, fmt: str, language: str) -> str:
    """A value of a metric row as a reader sees it."""
    if value is None or formatting.is_missing(value):
        return formatting.NA
    if fmt == "text":
        from orgkit.industries import stage_label

        return stage_label(str(value), "general", language) if str(value) in ("startup", "mid", "large") else str(value)
    if fmt == "int":
        return formatting.integer(value)
    if fmt == "share":
        return formatting.percent(value)
    if fmt == "index":
        return formatting.signed(value)
    if fmt == "ratio":
        return formatting.decimals(value, 3)
    if fmt == "score":
        return formatting.number(round(float(value)), 0)
    return formatting.decimals(value, 1)


def _fmt_change(value: Any, fmt: str, language: str) -> str:
    """A change as a reader sees it: signed; a share's in percentage points; a text's as "changed"."""
    if value is None or formatting.is_missing(value):
        return formatting.NA
    if fmt == "text":
        return t("compare.change.changed" if value else "compare.change.same", language)
    if fmt == "share":
        return t("compare.points", language, value=formatting.points(value))
    if fmt == "int":
        return formatting.true_minus(f"{int(value):+,d}") if int(value) else "0"
    if fmt == "index":
        return formatting.signed(value)
    if fmt == "ratio":
        return formatting.signed(value, 3)
    if fmt == "score":
        return formatting.signed(value, 0)
    return formatting.signed(value, 2)


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, (bool, str)) or formatting.is_missing(value):
        return None
    return float(value)


def _with_settings(client: Client, language: str | None, min_group_size: int | None) -> Client:
    s = client.settings
    changes: dict[str, Any] = {}
    if language and language != s.language:
        changes["language"] = language
    if min_group_size is not None and int(min_group_size) != int(s.min_group_size):
        changes["min_group_size"] = int(min_group_size)
    return replace(client, settings=replace(s, **changes)) if changes else client


def _assess_both(before: Client | Assessment, after: Client | Assessment, parallel: bool
                 ) -> tuple[Assessment, Assessment]:
    """Both assessments, the after state reusing what it can of the before state's; the same numbers either way.

    The before state is assessed first. The after state's communication analysis is given it as ``previous``
    (:func:`orgkit.areas.communication.analyze_communication`): for a plan, which leaves people's ties as
    they are, it takes the before state's tie graph, betweenness and communities (most of an assessment's
    time, and independent of departments); for two snapshots it finds other rows and computes its own.
    Each assessment uses a second CPU inside (betweenness shared with a forked child, Louvain beside it);
    assessing the two states side by side as well would only make them wait for each other.
    """
    b = before if isinstance(before, Assessment) else assess(before, parallel=parallel)
    if isinstance(after, Assessment):
        return b, after
    return b, assess(after, parallel=parallel, communication_previous=b.communication)


@dataclass(frozen=True, eq=False)
class Comparison:
    """Two assessed states of one organisation and what differs between them (:func:`compare_states`).

    Attributes
    ----------
    kind : str
        ``scenario`` (a client and the same client after a plan) or ``reassessment`` (two snapshots).
    before, after : Assessment
    language : str
    min_group_size : int
        No department smaller than this (in the state concerned) is named, and no count of fewer people is
        shown for a department.
    metrics : DataFrame
        One row per headline metric (:func:`headline_specs`): ``area``, ``key``, ``subject``, ``ident``,
        ``fmt``, ``better``, ``before``, ``after``, ``change`` (after - before for numbers; for a text
        whether it changed), ``state`` (one of :data:`STATES`) and ``reading`` (``better``, ``worse``,
        ``same`` or empty).
    findings : list of FindingChange
        Every finding of either state matched by identity (:func:`finding_changes`).
    people : DataFrame
        :func:`people_changes`.
    ties : TieChanges or None
    decisions : DecisionChanges or None
    unpredictable : tuple of str
        Codes of :data:`UNPREDICTABLE` that apply, in that order.
    plan : object, optional
        The plan's result (``PlanResult``: ``changes``, ``decisions_rerouted``, ``log``) of a scenario.
    plan_name : str
        The plan's name (scenario).
    snapshots : object, optional
        :class:`orgkit.scenario.snapshots.SnapshotMatch` of a reassessment.
    department_map : dict
        Old -> new name of the departments renamed between snapshots.
    timings : dict
        Seconds per step.
    """

    kind: str
    before: Assessment
    after: Assessment
    language: str
    min_group_size: int
    metrics: pd.DataFrame
    findings: list[FindingChange]
    people: pd.DataFrame
    ties: TieChanges | None
    decisions: DecisionChanges | None
    unpredictable: tuple[str, ...]
    findings_before: list[Finding] = field(default_factory=list, repr=False)
    findings_after: list[Finding] = field(default_factory=list, repr=False)
    plan: Any = None
    plan_name: str = ""
    snapshots: Any = None
    department_map: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    # ---------------------------------------------------------------- privacy
    def visible(self, side: str) -> set[str]:
        """The departments of ``side`` (``before`` or ``after``) with at least :attr:`min_group_size` people."""
        sizes = (self.before if side == "before" else self.after).client.department_sizes()
        return set(sizes[sizes >= self.min_group_size].index.astype(str))

    def hidden_names(self) -> set[str]:
        """The departments that may not be named anywhere: under :attr:`min_group_size` people in both states."""
        every = set(self.before.client.department_sizes().index.astype(str)) | set(
            self.after.client.department_sizes().index.astype(str))
        return every - self.visible("before") - self.visible("after")

    def plan_log(self) -> list[str]:
        """The plan's log lines, in the comparison's language where the plan result offers it (``log_in``), with
        every department under the minimum group size in both states replaced by "Other (small groups)"
        (:func:`orgkit.privacy.scrub_names`: a safety net, the plan's log names none itself)."""
        from orgkit.privacy import scrub_names

        hidden = self.hidden_names()
        log_in = getattr(self.plan, "log_in", None)
        lines = log_in(self.language) if callable(log_in) else (getattr(self.plan, "log", None) or [])
        return [scrub_names(str(line), hidden) for line in lines]

    # ---------------------------------------------------------------- areas
    def area_state(self, area: str) -> str:
        """Whether an area is compared: ``compared``, ``before_only``, ``after_only``, ``not_assessed`` or
        ``not_predicted`` (the survey in a scenario)."""
        if area == "survey" and self.kind == "scenario":
            return "not_predicted"
        b = bool(getattr(self.before, area).metrics.get("available", True))
        a = bool(getattr(self.after, area).metrics.get("available", True))
        return "compared" if a and b else "before_only" if b else "after_only" if a else "not_assessed"

    @property
    def compared_areas(self) -> list[str]:
        """The areas with data on both sides, and predicted (the overall score row covers these)."""
        return [a for a in AREAS if self.area_state(a) == "compared"]

    # ---------------------------------------------------------------- counts
    @property
    def counts(self) -> dict[str, int]:
        """People ``before``, ``after``, ``joined``, ``left``, ``stayed``, ``moved``, ``department_changed``,
        ``manager_changed``."""
        p = self.people
        stayed = p["status"] == "stayed"
        return {"before": int(self.before.client.n_people), "after": int(self.after.client.n_people),
                "joined": int((p["status"] == "joined").sum()), "left": int((p["status"] == "left").sum()),
                "stayed": int(stayed.sum()), "moved": int(p["moved"].sum()),
                "department_changed": int(p["department_changed"].sum()),
                "manager_changed": int(p["manager_changed"].sum())}

    def affected(self) -> pd.DataFrame:
        """Who is affected, per department, with small groups hidden (for the report and ``comparison.json``).

        Returns
        -------
        DataFrame
            One row per department named in either state with at least :attr:`min_group_size` people there
            (its before headcount counted under its new name when it was renamed), then one
            :data:`~orgkit.privacy.OTHER_GROUP` row pooling every other department: ``department``,
            ``headcount_before``, ``headcount_after``, ``affected`` (people of the department on either
            side who joined, left, moved in or out, or got another manager), ``joined``, ``left``,
            ``moved_in``, ``moved_out``, ``manager_changed`` (same department, another manager) and
            ``suppressed`` (the row's breakdown is hidden).

        Notes
        -----
        A count between 1 and ``min_group_size - 1`` is never shown (``<NA>``): a headcount so small, or a
        handful of people who moved, is a small group; and a headcount is hidden too where the hidden ones
        could otherwise be worked out from the organisation's total (:func:`orgkit.privacy.complementary_suppression`
        per side). A row shows its breakdown (joined ... manager
        changed) only when none of its parts is so small, so no part can be worked out from the others; and
        when only one row hides its breakdown another is hidden too (:func:`orgkit.privacy.complementary_suppression`
        on the ``affected`` counts), so the organisation's totals do not give it away.
        """
        k = self.min_group_size
        p = self.people
        before_dept = p["department_before_as_after"].astype("str")
        after_dept = p["department_after"].astype("str")
        in_b, in_a = p["status"] != "joined", p["status"] != "left"
        moved_dept = p["department_changed"].to_numpy()
        mgr_only = p["manager_changed"].to_numpy() & ~moved_dept

        def count(mask: np.ndarray, depts: pd.Series) -> pd.Series:
            return depts[mask].value_counts()

        parts = {
            "headcount_before": count(in_b.to_numpy(), before_dept),
            "headcount_after": count(in_a.to_numpy(), after_dept),
            "joined": count((p["status"] == "joined").to_numpy(), after_dept),
            "left": count((p["status"] == "left").to_numpy(), before_dept),
            "moved_in": count(moved_dept, after_dept),
            "moved_out": count(moved_dept, before_dept),
            "manager_changed": count(mgr_only, after_dept),
        }
        table = pd.DataFrame(parts).fillna(0).astype("int64")
        table.index = table.index.astype("str")
        flows = ["joined", "left", "moved_in", "moved_out", "manager_changed"]
        table["affected"] = table[flows].sum(axis=1)
        visible = (table["headcount_before"] >= k) | (table["headcount_after"] >= k)
        # a department is named for a state only where it is visible in that state: its before headcount under
        # a renamed name is the old department's, which must be visible before
        shown = table[visible].sort_values(["headcount_after", "headcount_before"], ascending=False)
        rest = table[~visible]
        if len(rest):
            shown = pd.concat([shown, rest.sum().to_frame(OTHER_GROUP).T.astype("int64")])
        shown = shown.rename_axis("department").reset_index()
        small = lambda s: (s > 0) & (s < k)  # noqa: E731
        hide_row = small(shown[flows]).any(axis=1)
        sizes = pd.Series(shown["affected"].to_numpy(), index=shown["department"])
        hide_row = pd.Series(complementary_suppression(sizes, pd.Series(hide_row.to_numpy(), index=sizes.index),
                                                       k).to_numpy(), index=shown.index)
        out = shown[["department", "headcount_before", "headcount_after", "affected", *flows]].astype(
            {c: "Int64" for c in ["headcount_before", "headcount_after", "affected", *flows]})
        for c in ("headcount_before", "headcount_after"):  # the cover gives the totals: hide complementarily
            heads = pd.Series(shown[c].to_numpy(), index=sizes.index)
            hide = complementary_suppression(heads, pd.Series(small(heads).to_numpy(), index=sizes.index), k)
            out.loc[hide.to_numpy(), c] = pd.NA
        out.loc[small(shown["affected"]), "affected"] = pd.NA
        for c in flows:
            out.loc[hide_row, c] = pd.NA
        out["suppressed"] = hide_row.to_numpy()
        pooled = out["department"] == OTHER_GROUP
        empty = out[["headcount_before", "headcount_after", "affected"]].isna().all(axis=1)
        return out[~(pooled & empty)].reset_index(drop=True)  # a pooled row that shows nothing is left out

    def moved_people(self, *, show_names: bool | None = None, language: str | None = None) -> pd.DataFrame:
        """The people whose department or manager changed, by id (names only with ``show_names``).

        Returns
        -------
        DataFrame
            ``employee_id``, ``person`` (how the report shows them), ``department_before``,
            ``department_after`` (a department under the minimum group size in its state reads "Other (small
            groups)"), ``manager_before``, ``manager_after`` (ids), ``step`` (the plan's step that moved them,
            scenario only).
        """
        language = language or self.language
        show = bool(self.after.client.settings.show_names) if show_names is None else show_names
        p = self.people[self.people["moved"]]
        vb, va = self.visible("before"), self.visible("after")
        other = t("group.other", language)
        names = self.after.client.people.set_index("employee_id")
        name_col = names["name"] if "name" in names.columns else None
        out = pd.DataFrame({
            "employee_id": p["employee_id"].astype("str"),
            "department_before": p["department_before"].astype("str").where(p["department_before"].isin(vb), other),
            "department_after": p["department_after"].astype("str").where(p["department_after"].isin(va), other),
            "manager_before": p["manager_before"].astype("str").fillna(formatting.NA),
            "manager_after": p["manager_after"].astype("str").fillna(formatting.NA),
        })
        out.insert(1, "person", [person_label(i, name=(name_col.get(i) if name_col is not None else None) or None,
                                              show_names=show, language=language) for i in out["employee_id"]])
        changes = getattr(self.plan, "changes", None)
        if isinstance(changes, pd.DataFrame) and "step" in changes.columns and not changes.empty:
            step = changes.drop_duplicates("employee_id", keep="last").set_index("employee_id")["step"]
            out["step"] = out["employee_id"].map(step).astype("Int64")
        return out.reset_index(drop=True)

    def tie_table(self) -> pd.DataFrame:
        """:attr:`TieChanges.by_department` as it may be shown: a department's before counts only where it has at
        least :attr:`min_group_size` people before, its after counts only where it has them after; a
        department shown on neither side is left out (empty without communication data on both sides)."""
        cols = ["department", "internal_before", "became_cross", "internal_after", "became_internal"]
        if self.ties is None:
            return pd.DataFrame({c: pd.Series(dtype="str" if c == "department" else "Int64") for c in cols})
        by = self.ties.by_department
        before = {self.department_map.get(d, d) for d in self.visible("before")}
        vb, va = by["department"].isin(before), by["department"].isin(self.visible("after"))
        out = by[vb | va][cols].astype({c: "Int64" for c in cols[1:]}).copy()
        out.loc[~vb[vb | va], ["internal_before", "became_cross"]] = pd.NA
        out.loc[~va[vb | va], ["internal_after", "became_internal"]] = pd.NA
        return out.sort_values("became_cross", ascending=False, na_position="last").reset_index(drop=True)

    # ---------------------------------------------------------------- tables for the report
    def headline_table(self, language: str | None = None, areas: Sequence[str] | None = None) -> pd.DataFrame:
        """The headline metrics as a reader sees them: ``area``, ``metric``, ``before``, ``after``, ``change``,
        ``reading`` (texts in ``language``; "not assessed" and "not predicted" said, never a zero)."""
        language = language or self.language
        rows = self.metrics if areas is None else self.metrics[self.metrics["area"].isin(list(areas))]
        na, npred = t("compare.state.not_assessed", language), t("compare.state.not_predicted", language)
        out = []
        for r in rows.itertuples(index=False):
            spec_label = _label(r.area, r.key, r.subject, language)
            before = _fmt(r.before, r.fmt, language) if r.before is not None else na
            after = _fmt(r.after, r.fmt, language) if r.after is not None else na
            if r.state == "not_predicted":
                after = npred
            if r.state == "not_assessed":
                before = after = na
            change = _fmt_change(r.change, r.fmt, language) if r.state == "compared" else formatting.NA
            reading = t(f"compare.reading.{r.reading}", language) if r.reading else ""
            out.append({"area": t(f"compare.area.{r.area}", language), "metric": spec_label, "before": before,
                        "after": after, "change": change, "reading": reading})
        return pd.DataFrame(out, columns=["area", "metric", "before", "after", "change", "reading"])

    def unpredictable_texts(self, language: str | None = None) -> list[str]:
        """What the comparison cannot know, said plainly, in ``language``."""
        language = language or self.language
        out = []
        for code in self.unpredictable:
            values: dict[str, Any] = {}
            if code == "latency":
                n = int(self.decisions.summary["rerouted"]) if self.decisions is not None else 0
                out.append(tn("compare.unpredictable.latency", n, language, n=formatting.integer(n)))
                continue
            if code == "placeholders":
                n = self.counts["joined"]
                out.append(tn("compare.unpredictable.placeholders", n, language, n=formatting.integer(n)))
                continue
            if code == "thresholds_differ":
                n = len(_threshold_differences(self.before, self.after))
                out.append(tn("compare.unpredictable.thresholds_differ", n, language, n=n))
                continue
            out.append(t(f"compare.unpredictable.{code}", language, **values))
        return out

    def summary(self, language: str | None = None) -> list[str]:
        """A few sentences with the main numbers: people affected, ties cut, decisions whose path changed,
        findings that appear and disappear."""
        language = language or self.language
        c = self.counts
        out = []
        key = "compare.summary.people.reassessment"
        if self.kind == "scenario":
            key = "compare.summary.people.scenario_growth" if c["joined"] or c["left"] else "compare.summary.people.scenario"
        out.append(t(key, language, before=formatting.integer(c["before"]), after=formatting.integer(c["after"]),
                     moved=formatting.integer(c["moved"]), joined=formatting.integer(c["joined"]),
                     left=formatting.integer(c["left"])))
        if self.ties is not None and self.ties.counts["common"]:
            tc = self.ties.counts
            out.append(t("compare.summary.ties", language, cut=formatting.integer(tc["internal_to_cross"]),
                         joined=formatting.integer(tc["cross_to_internal"]),
                         common=formatting.integer(tc["common"])))
        rows = self.metrics.set_index("ident")
        if "communication.ei_index" in rows.index and rows.at["communication.ei_index", "state"] == "compared":
            r = rows.loc["communication.ei_index"]
            out.append(t("compare.summary.ei", language, before=formatting.signed(r["before"]),
                         after=formatting.signed(r["after"])))
        d = self.decisions
        if d is not None and d.summary["path_changed"]:
            s = d.summary
            out.append(t("compare.summary.decisions", language, n=formatting.integer(s["path_changed"]),
                         total=formatting.integer(s["common"]),
                         before=formatting.decimals(s["hops_median_before"], 1),
                         after=formatting.decimals(s["hops_median_after"], 1)))
        appeared = sum(1 for f in self.findings if f.change == "appeared")
        gone = sum(1 for f in self.findings if f.change == "disappeared")
        changed = sum(1 for f in self.findings if f.change == "status")
        out.append(t("compare.summary.findings", language, appeared=appeared, disappeared=gone, changed=changed))
        return out

    # ---------------------------------------------------------------- JSON
    def to_dict(self) -> dict[str, Any]:
        """``comparison.json``: plain JSON types; no department under the minimum group size named, no count
        of fewer people shown for a department."""
        from orgkit._version import __version__

        language = self.language
        s = self.after.client.settings
        vb, va = self.visible("before"), self.visible("after")
        moved = self.people[self.people["moved"]]
        out: dict[str, Any] = {
            "kind": self.kind,
            "client": {"name": s.name, "slug": client_slug(self.after.client), "language": language,
                       "min_group_size": self.min_group_size},
            "orgkit_version": __version__,
            "generated_at": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
            "states": {side: _state_block(getattr(self, side)) for side in ("before", "after")},
            "areas": {a: self.area_state(a) for a in AREAS},
            "metrics": [
                {"id": r.ident, "area": r.area, "key": r.key, "subject": r.subject or None,
                 "before": r.before, "after": r.after if r.state != "not_predicted" else None,
                 "change": r.change, "state": r.state, "better": r.better, "reading": r.reading or None}
                for r in self.metrics.itertuples(index=False)],
            "findings": [f.to_dict(language) for f in self.findings if f.change != "unchanged"],
            "findings_unchanged": sum(1 for f in self.findings if f.change == "unchanged"),
            "people": self.counts,
            "affected": self.affected().drop(columns="suppressed").to_dict("records"),
            "moved": [{"employee_id": i, "department_before": db, "department_after": da}
                      for i, db, da in zip(moved["employee_id"].astype("str"),
                                           _pool(moved["department_before"], vb),
                                           _pool(moved["department_after"], va))],
            "ties": None,
            "decisions": None,
            "unpredictable": [{"code": c, "text": x} for c, x in zip(self.unpredictable,
                                                                     self.unpredictable_texts(language))],
            "summary": self.summary(language),
        }
        if self.ties is not None:
            out["ties"] = {**self.ties.counts, "by_department": self.tie_table().to_dict("records")}
        if self.decisions is not None:
            out["decisions"] = {**self.decisions.summary, "by_type": self.decisions.by_type.to_dict("records")}
        if self.plan is not None:
            out["plan"] = _plan_block(self)
        if self.snapshots is not None:
            out["snapshots"] = self.snapshots.to_dict(self.min_group_size)
        return to_jsonable(out)


def _pool(names: pd.Series, visible: set[str]) -> list[str | None]:
    return [None if pd.isna(n) else (str(n) if str(n) in visible else OTHER_GROUP) for n in names]


def _label(area: str, key: str, subject: str, language: str) -> str:
    if subject:
        from orgkit.areas.survey import DIMENSION_LABELS

        name = DIMENSION_LABELS.get(language, {}).get(subject, subject)
        return t(f"compare.metric.{area}.{key}", language, dimension=name)
    return t(f"compare.metric.{area}.{key}", language)


def _state_block(a: Assessment) -> dict[str, Any]:
    c = a.client
    return {"name": c.settings.name, "folder": c.path.name or None, "people": c.n_people,
            "departments": int(c.people["department"].nunique()),
            "stage": a.structure.metrics.get("stage"),
            "sources": {table: {"file": src.path.name, "rows": src.rows, "sha256": src.sha256}
                        for table, src in c.sources.items()}}


def _plan_block(comparison: Comparison) -> dict[str, Any]:
    plan = comparison.plan
    changes = getattr(plan, "changes", None)
    rerouted = getattr(plan, "decisions_rerouted", None)
    block: dict[str, Any] = {"name": comparison.plan_name, "log": comparison.plan_log()}
    if isinstance(changes, pd.DataFrame) and not changes.empty and "kind" in changes.columns:
        block["changes"] = {str(k): int(v) for k, v in changes["kind"].value_counts().items()}
    else:
        block["changes"] = {}
    if isinstance(rerouted, pd.DataFrame) and not rerouted.empty and "rule" in rerouted.columns:
        block["decisions_rerouted"] = {str(k): int(v) for k, v in rerouted["rule"].value_counts().items()}
    else:
        block["decisions_rerouted"] = {}
    return block


def _threshold_differences(before: Assessment, after: Assessment) -> list[str]:
    """The threshold keys whose values differ between the two states."""
    from orgkit.thresholds import REGISTRY

    return [k for k in REGISTRY if before.thresholds[k] != after.thresholds[k]]


#: The communication rows that count people without ties: in a scenario that adds positions (which have no
#: ties yet) their change is shown without a judgement (the new positions are isolated by construction).
_COUNTS_PEOPLE_WITHOUT_TIES = frozenset({"isolates", "density", "largest_component_share", "score"})


def _metric_rows(kind: str, before: Assessment, after: Assessment, compared: Sequence[str],
                 area_state: Callable[[str], str], rerouted: int, placeholders: int = 0) -> pd.DataFrame:
    rows = []
    for spec in headline_specs(before, after):
        b, a = spec.get(before), spec.get(after)
        state = "compared" if b is not None and a is not None else "before_only" if b is not None else (
            "after_only" if a is not None else "not_assessed")
        if kind == "scenario" and (area_state(spec.area) == "not_predicted"
                                   or (spec.key in _LATENCY_KEYS and rerouted)):
            state = "not_predicted" if b is not None else "not_assessed"
        change: Any = None
        reading = ""
        if state == "compared":
            if spec.fmt == "text":
                change = str(b) != str(a)
            else:
                nb, na_ = _number(b), _number(a)
                change = None if nb is None or na_ is None else na_ - nb
                if spec.fmt == "score" and change is not None:
                    change = round(na_, 0) - round(nb, 0)  # the change between the numbers shown
                if spec.fmt == "int" and change is not None:
                    change = int(change)
            if change is not None and spec.fmt != "text":
                if _fmt(b, spec.fmt, "en") == _fmt(a, spec.fmt, "en") or change == 0:
                    reading = "same"  # the numbers a reader sees are the same
                elif spec.better:
                    reading = "better" if (change > 0) == (spec.better == "higher") else "worse"
            elif spec.fmt == "text":
                reading = "" if change else "same"
            if (kind == "scenario" and placeholders and spec.area == "communication"
                    and spec.key in _COUNTS_PEOPLE_WITHOUT_TIES and reading in ("better", "worse")):
                reading = ""  # new positions have no ties yet: no judgement on what counts them
        rows.append({"area": spec.area, "key": spec.key, "subject": spec.subject, "ident": spec.ident,
                     "fmt": spec.fmt, "better": spec.better, "before": _plain(b), "after": _plain(a),
                     "change": change, "state": state, "reading": reading})
    # the overall score over the areas compared on both sides: a like-for-like number
    if compared:
        def overall(x: Assessment) -> float | None:
            scores = [x.scores.get(area) for area in compared]
            known = [s for s in scores if s is not None]
            return round(float(np.mean(known)), 1) if len(known) == len(scores) else None

        b, a = overall(before), overall(after)
        state = "compared" if b is not None and a is not None else "not_assessed"
        change = (round(a) - round(b)) if state == "compared" else None
        reading = "" if change is None else "same" if change == 0 else "better" if change > 0 else "worse"
        rows.append({"area": "scores", "key": "overall", "subject": "", "ident": "scores.overall", "fmt": "score",
                     "better": "higher", "before": b, "after": a, "change": change, "state": state,
                     "reading": reading})
    return pd.DataFrame(rows)


def _plain(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return None if np.isnan(value) else float(value)
    if value is not None and not isinstance(value, str) and formatting.is_missing(value):
        return None
    return value


def compare_states(
    before: Client | Assessment,
    after: Client | Assessment,
    *,
    kind: str = "scenario",
    language: str | None = None,
    min_group_size: int | None = None,
    plan: Any = None,
    plan_name: str = "",
    department_map: Mapping[str, str] | None = None,
    snapshots: Any = None,
    parallel: bool = False,
) -> Comparison:
    """Assess two states of one organisation and say what differs: every headline metric before, after and
    changed, the findings that appear or disappear, who is affected, and what cannot be predicted.

    Parameters
    ----------
    before, after : Client or Assessment
        The two states (an :class:`~orgkit.assessment.Assessment` already computed is used as it is).
    kind : {"scenario", "reassessment"}
        ``scenario``: ``after`` is ``before`` after a plan (the survey answers and the latency of re-routed
        decisions are not predicted, and findings resting on survey answers are not re-evaluated);
        ``reassessment``: two snapshots of the same client (every area compared, the survey waves too).
    language : {"en", "zh"}, optional
        The language of the texts (default: ``before``'s ``client.yml``).
    min_group_size : int, optional
        The minimum group size (default: ``before``'s); both states are assessed with it.
    plan : PlanResult, optional
        What :func:`orgkit.scenario.apply.apply_plan` returned (its ``changes``, ``decisions_rerouted`` and
        ``log`` appear in the comparison and its report).
    plan_name : str
        The plan's name, for the report.
    department_map : mapping, optional
        Old -> new name of renamed departments (a person whose department was renamed has not moved).
    snapshots : SnapshotMatch, optional
        The people and department matches of a reassessment (:func:`orgkit.scenario.snapshots.compare_snapshots`).
    parallel : bool
        Assess each state's communication in a forked child while this process analyses its other areas
        (``orgkit.assess(..., parallel=True)``). The same numbers either way; each assessment already shares
        its slowest part (betweenness, Louvain) with a second CPU without it.

    Returns
    -------
    Comparison

    Raises
    ------
    ConfigError
        An unknown ``kind`` or ``language``, or a ``min_group_size`` below 1.

    Notes
    -----
    Both states are assessed by the same :func:`orgkit.assess` with the same settings, so every number is
    computed as the main report computes it. The change of a metric is ``after - before`` (a share's in
    percentage points in the report); its reading is *better* or *worse* only for the metrics the scores
    count in one direction (:attr:`MetricSpec.better`), *same* when the two numbers shown are the same. The overall
    row is the mean of the area scores over the areas compared on both sides (in a scenario, never the
    survey), so the two numbers cover the same areas. Cost: two assessments. A plan leaves the ties as they
    are, so the after state reuses the before state's tie graph, betweenness and communities (most of an
    assessment's time, and independent of departments). The comparison itself is vectorised (merges on ids
    and tie pairs, or department codes of shared ties) and takes a fraction of a second: a plan's comparison
    costs about one assessment and a second at 10,000 people (``benchmarks/bench_compare.py``).
    """
    if kind not in KINDS:
        raise ConfigError(f"kind must be one of {set(KINDS)}. Got {kind!r} instead.")
    if language not in (None, "") and language not in LANGUAGES:
        raise ConfigError(f"language must be one of {set(LANGUAGES)}. Got {language!r} instead.")
    if min_group_size is not None and (isinstance(min_group_size, bool) or int(min_group_size) < 1):
        raise ConfigError(f"min_group_size must be a whole number of at least 1. Got {min_group_size!r} instead.")
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    first = before.client if isinstance(before, Assessment) else before
    language = language or first.settings.language
    k = int(min_group_size) if min_group_size is not None else int(first.settings.min_group_size)

    def ready(x: Client | Assessment) -> Client | Assessment:
        client = x.client if isinstance(x, Assessment) else x
        fixed = _with_settings(client, language, k)
        if isinstance(x, Assessment) and fixed is client:
            return x
        return fixed

    b, a = _assess_both(ready(before), ready(after), parallel)
    timings["assess"] = time.perf_counter() - t0
    t = time.perf_counter()
    fb, fa = derive_findings(b), derive_findings(a)
    skip = _rests_on_survey if kind == "scenario" else None
    changes = finding_changes(fb, fa, skip=skip)
    timings["findings"] = time.perf_counter() - t
    t = time.perf_counter()
    people = people_changes(b.client, a.client, department_map)
    ties = tie_changes(b, a, department_map)
    decisions = decision_changes(b, a)
    rerouted = int(decisions.summary["rerouted"]) if decisions is not None else 0
    partial = Comparison(kind, b, a, language, k, pd.DataFrame(), [], people, ties, decisions, ())
    compared = partial.compared_areas
    joined = int((people["status"] == "joined").sum())
    metrics = _metric_rows(kind, b, a, compared, partial.area_state, rerouted, joined)
    unpredictable: list[str] = []
    if kind == "scenario":
        if b.survey.metrics.get("available", True):
            unpredictable.append("survey")
        if b.communication.available:
            unpredictable.append("communication")
        if rerouted and b.decisions.metrics.get("latency_decisions"):
            unpredictable.append("latency")
        if joined:
            unpredictable.append("placeholders")
    else:
        if partial.area_state("survey") in ("before_only", "after_only"):
            unpredictable.append("survey_one_side")
        if _threshold_differences(b, a):
            unpredictable.append("thresholds_differ")
    timings["compare"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    logger.info("comparison (%s) of %d and %d people in %.2f s", kind, b.client.n_people, a.client.n_people,
                timings["total"])
    return Comparison(kind=kind, before=b, after=a, language=language, min_group_size=k, metrics=metrics,
                      findings=changes, people=people, ties=ties, decisions=decisions,
                      unpredictable=tuple(unpredictable), findings_before=fb, findings_after=fa, plan=plan,
                      plan_name=plan_name, snapshots=snapshots, department_map=dict(department_map or {}),
                      timings=timings)

