"""One department against its organisation: structure, communication, decisions and survey, privacy kept.

:func:`department_view` is the analysis behind the report's department drill-down, the explorer widget
(:mod:`orgkit.widgets`) and any analyst's notebook: it takes a client or an assessment and a department
name and returns a :class:`DepartmentView` of plain numbers and tables, each beside the organisation's.

Privacy: a department under the minimum group size is refused with :class:`~orgkit.errors.GroupTooSmallError`
(its numbers exist nowhere in the result); inside a shown department, every group under the minimum is
hidden: partner departments are counted together as "Other (small groups)" and never named, and the survey
is shown only when enough of the department's people answered (recomputed, with complementary suppression,
when the view asks for a larger minimum than the client's).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from orgkit.errors import ConfigError, GroupTooSmallError
from orgkit.i18n import t

if TYPE_CHECKING:  # pragma: no cover
    from orgkit.assessment import Assessment
    from orgkit.data.client import Client

__all__ = [
    "DepartmentView",
    "DepartmentStructure",
    "DepartmentCommunication",
    "DepartmentDecisions",
    "DepartmentSurvey",
    "department_view",
    "department_blocks",
    "visible_departments",
]

#: How each measure of :meth:`DepartmentView.measures` is written: a count, a decimal, a share, a signed index.
_FORMATS = {
    "headcount": "count", "managers": "count", "people_per_manager": "1", "span_mean": "1", "span_median": "1",
    "span_max": "count", "layers": "count", "internal_ties": "count", "external_ties": "count",
    "external_share": "percent", "ei_index": "signed", "ei_index_expected": "signed", "density": "2",
    "ties_per_person": "1", "isolates": "count", "decisions": "count", "initiated": "count", "decided": "count",
    "approved": "count", "open_share": "percent", "hops_median": "1", "approvals_mean": "1",
    "latency_days_median": "1", "escalated_share": "percent",
}


def _float(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _format(value: Any, kind: str) -> str:
    from orgkit.formatting import decimals, integer, number, percent, signed

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if kind == "count":
        return integer(value)
    if kind == "percent":
        return percent(value)
    if kind == "signed":
        return signed(value)
    if kind == "2":
        return decimals(value, 2)
    return number(value, 1)


@dataclass(frozen=True)
class DepartmentStructure:
    """The department's place in the reporting tree.

    Attributes
    ----------
    headcount, managers : int
        People in the department; of them, people with at least one direct report.
    people_per_manager, span_mean, span_median, span_max : float or None
        ``headcount / managers``; the mean, median and largest number of direct reports of its managers
        (all their reports counted, in any department). ``None`` without managers or a hierarchy.
    layers : int or None
        Reporting layers the department spans: its deepest minus its highest depth, plus one.
    by_layer : DataFrame
        ``depth`` (0 = the top of the organisation) and ``people`` of the department at that depth.
    spans : DataFrame
        Its managers, widest span first: ``employee_id``, ``manager`` (as people are shown: id and
        title, a name only with ``show_names``), ``span`` and ``depth``.
    organisation : dict
        The same measures for the whole organisation.
    """

    headcount: int
    managers: int | None = None
    people_per_manager: float | None = None
    span_mean: float | None = None
    span_median: float | None = None
    span_max: int | None = None
    layers: int | None = None
    by_layer: pd.DataFrame = field(default_factory=pd.DataFrame)
    spans: pd.DataFrame = field(default_factory=pd.DataFrame)
    organisation: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DepartmentCommunication:
    """Who the department talks to (ties: pairs of people with communication, under the client's tie rule).

    Attributes
    ----------
    available : bool
        Whether the client has communication data.
    internal_ties, external_ties : int
        Ties with both people in the department (I); ties with one of them in it (E).
    ei_index : float or None
        :math:`(E - I) / (E + I)` (Krackhardt and Stern): −1 all inside, +1 all outside; ``None``
        without ties.
    ei_index_expected : float or None
        The E-I index under random mixing, :math:`1 - 2 (n_d - 1) / (n - 1)`, for ``n_d`` of the
        organisation's ``n`` people (:func:`orgkit.areas.communication.department_ties`).
    external_share : float or None
        :math:`E / (E + I)`.
    density : float or None
        :math:`I / (n_d (n_d - 1) / 2)`: the share of the department's pairs of people with a tie.
    ties_per_person : float or None
        :math:`(2I + E) / n_d`.
    isolates : int
        Its people without any tie.
    silo : bool
        Whether the assessment calls it a silo (:func:`orgkit.areas.communication.silos`).
    partners : DataFrame
        Departments it has ties with, most ties first: ``department``, ``people``, ``ties``, ``share``
        (of its outside ties), ``expected`` (ties under random mixing,
        :math:`(I + E) \\cdot n_j / (n - 1)`) and ``ratio`` (ties / expected: above 1, more than random
        mixing gives). Departments under the minimum group size are one row, "Other (small groups)",
        always last, with their people and ties summed.
    organisation : dict
        ``ei_index``, ``ei_index_expected`` and ``ties_per_person`` of the whole organisation.
    """

    available: bool
    internal_ties: int = 0
    external_ties: int = 0
    ei_index: float | None = None
    ei_index_expected: float | None = None
    external_share: float | None = None
    density: float | None = None
    ties_per_person: float | None = None
    isolates: int = 0
    silo: bool = False
    partners: pd.DataFrame = field(default_factory=pd.DataFrame)
    organisation: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DepartmentDecisions:
    """The decisions that touch the department: raised by, decided by or approved by one of its people.

    Attributes
    ----------
    available : bool
        Whether the client has decision records.
    decisions, initiated, decided, approved : int
        Decisions touching it; raised here; decided here; with an approver from here (one decision can
        count in several).
    open_share : float or None
        Share of those still open.
    hops_median, approvals_mean, latency_days_median, escalated_share : float or None
        Median reporting-line hops between initiator and decider, mean number of approvers, median days
        from raised to decided (closed decisions), share decided above the initiator's own manager
        (the definitions of :mod:`orgkit.areas.decisions`).
    by_type : DataFrame
        Per decision type, most frequent first: ``decision_type``, ``decisions``, ``open``,
        ``hops_median``, ``latency_days_median``.
    counterparts : DataFrame
        The other side's department of decisions raised here and decided elsewhere or the reverse:
        ``department`` and ``decisions``, most first; departments under the minimum group size counted
        together as "Other (small groups)", last.
    organisation : dict
        The same measures over every decision.
    """

    available: bool
    decisions: int = 0
    initiated: int = 0
    decided: int = 0
    approved: int = 0
    open_share: float | None = None
    hops_median: float | None = None
    approvals_mean: float | None = None
    latency_days_median: float | None = None
    escalated_share: float | None = None
    by_type: pd.DataFrame = field(default_factory=pd.DataFrame)
    counterparts: pd.DataFrame = field(default_factory=pd.DataFrame)
    organisation: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DepartmentSurvey:
    """The department's survey scores beside the organisation's (anonymity applied).

    Attributes
    ----------
    available : bool
        Whether its scores can be shown: the client has a survey, and enough of the department answered
        (at least the minimum group size, and it is not hidden to protect a smaller department).
    reason : str
        Why not, in the view's language (empty when shown).
    respondents : int or None
        Its respondents (``None`` when hidden).
    dimensions : DataFrame
        ``dimension`` (code), ``label``, ``n``, ``mean``, ``organisation_mean``, ``difference`` (mean minus
        the organisation's), ``favourable``, ``organisation_favourable``.
    items : DataFrame
        Per question with enough answers: ``item``, ``question`` (its wording in the view's language,
        :func:`orgkit.areas.survey.item_labels`), ``n``, ``favourable``, ``organisation_favourable``,
        ``difference``; lowest favourable share first.
    """

    available: bool
    reason: str = ""
    respondents: int | None = None
    dimensions: pd.DataFrame = field(default_factory=pd.DataFrame)
    items: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass(frozen=True)
class DepartmentView:
    """Everything orgkit may show about one department, beside the organisation (:func:`department_view`).

    Attributes
    ----------
    department : str
    min_group_size : int
        The minimum group size the view respects.
    language : {"en", "zh"}
        The language of its labels and notes.
    organisation_headcount : int
    structure, communication, decisions, survey
        Each area's numbers (see their classes).
    notes : list of str
        What the view hid and why, in its language (one sentence each).
    """

    department: str
    min_group_size: int
    language: str
    organisation_headcount: int
    structure: DepartmentStructure
    communication: DepartmentCommunication
    decisions: DepartmentDecisions
    survey: DepartmentSurvey
    notes: list[str] = field(default_factory=list)

    @property
    def headcount(self) -> int:
        """People in the department."""
        return self.structure.headcount

    def measures(self) -> pd.DataFrame:
        """The key numbers of every area, the department's beside the organisation's.

        Returns
        -------
        DataFrame
            ``area``, ``measure`` (code), ``label`` (in the view's language), ``department``,
            ``organisation`` (numbers; ``NaN`` where undefined), ``text_department``,
            ``text_organisation`` (written as the report writes them).
        """
        rows = []
        areas = [("structure", self.structure, ["headcount", "managers", "people_per_manager", "span_mean",
                                                "span_median", "span_max", "layers"])]
        if self.communication.available:
            areas.append(("communication", self.communication,
                          ["internal_ties", "external_ties", "external_share", "ei_index", "ei_index_expected",
                           "density", "ties_per_person", "isolates"]))
        if self.decisions.available:
            areas.append(("decisions", self.decisions,
                          ["decisions", "initiated", "decided", "approved", "open_share", "hops_median",
                           "approvals_mean", "latency_days_median", "escalated_share"]))
        for area, part, keys in areas:
            for key in keys:
                dept = getattr(part, key)
                org = part.organisation.get(key)
                rows.append({"area": area, "measure": key, "label": t(f"drilldown.measure.{key}", self.language),
                             "department": np.nan if dept is None else float(dept),
                             "organisation": np.nan if org is None else float(org),
                             "text_department": _format(dept, _FORMATS[key]),
                             "text_organisation": _format(org, _FORMATS[key])})
        return pd.DataFrame(rows, columns=["area", "measure", "label", "department", "organisation",
                                           "text_department", "text_organisation"])

    def to_html(self) -> str:
        """The view as the report's HTML blocks (tables, no figures), in its language."""
        return "".join(block.markup for block in department_blocks(self))

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return (f"<DepartmentView {self.department!r}: {self.headcount} of {self.organisation_headcount} people, "
                f"minimum group size {self.min_group_size}>")


# ------------------------------------------------------------------------------------------ the analysis
def visible_departments(client: "Client", min_group_size: int | None = None) -> list[str]:
    """Departments a view may show: at least ``min_group_size`` people (default the client's), largest first.

    Examples
    --------
    >>> from orgkit.data.loading import from_frames
    >>> people = pd.DataFrame({"employee_id": list("abcdefg"), "department": list("AAAAABB")})
    >>> visible_departments(from_frames(people, settings={"name": "t"}))
    ['A']
    """
    k = client.settings.min_group_size if min_group_size is None else int(min_group_size)
    sizes = client.department_sizes()
    return [str(d) for d, n in sizes.items() if n >= k]


def department_view(source: "Client | Assessment", name: str | None = None, *, min_group_size: int | None = None,
                    language: str | None = None) -> DepartmentView:
    """One department's structure, communication, decisions and survey, beside the organisation's.

    Parameters
    ----------
    source : Client or Assessment
        A loaded client (assessed here) or its assessment (:func:`orgkit.assess`), which is faster when
        looking at several departments.
    name : str, optional
        The department, as in ``people.csv``; empty or ``None``: the largest one.
    min_group_size : int, optional
        Hide groups under this many people (default: the client's ``min_group_size``). It may only be
        raised: a view never shows less than the client's settings allow.
    language : {"en", "zh"}, optional
        Language of labels and notes (default: the client's).

    Returns
    -------
    DepartmentView

    Raises
    ------
    GroupTooSmallError
        When the department has fewer than ``min_group_size`` people: none of its numbers are shown.
    ConfigError
        When the department does not exist (the message lists those that can be shown), or
        ``min_group_size`` is below the client's.

    Notes
    -----
    Communication is counted from the assessment's ties (``CommunicationResult.edges``), decisions from
    its decision paths, so every number matches the report. The survey is the assessment's at the
    client's minimum group size, and analysed again with its complementary suppression at a larger one
    (:func:`orgkit.areas.survey.analyze_survey`), so that stepping through departments at the larger
    minimum cannot reveal a hidden department from the organisation's totals. The ties as positions of
    people, and the survey analysed at each larger minimum, are kept for as long as the assessment lives,
    so the next department of the same assessment is quicker (100,000 people: 2.6 s, then 0.5 s).

    Examples
    --------
    >>> import orgkit
    >>> client = orgkit.load_client(orgkit.sample.sample_client_path())
    >>> view = department_view(client, "R&D")
    >>> view.headcount, view.communication.internal_ties, view.communication.silo
    (23, 144, True)
    """
    from orgkit.assessment import Assessment, assess

    assessment = source if isinstance(source, Assessment) else assess(source)
    client = assessment.client
    floor = int(client.settings.min_group_size)
    k = floor if min_group_size is None else int(min_group_size)
    if k < floor:
        raise ConfigError(f"min_group_size {k} is below the client's {floor} (client.yml min_group_size): a "
                          "department view can hide more than the client's settings, never less.")
    lang = client.settings.language if language is None else language
    sizes = client.department_sizes()
    shown = visible_departments(client, k)
    if not name:
        if not shown:
            raise GroupTooSmallError(f"no department has {k} or more people, so no department can be shown.",
                                     group=None, min_group_size=k)
        name = shown[0]
    name = str(name)
    if name not in sizes.index:
        raise ConfigError(f"department must be one of {shown} (departments of at least {k} people). "
                          f"Got {name!r} instead.")
    if name not in shown:
        raise GroupTooSmallError(f"{name!r} has fewer than {k} people (the minimum group size); its numbers are "
                                 f"not shown. Choose one of {shown}.", group=name, min_group_size=k)
    notes: list[str] = []
    structure = _structure(assessment, name, lang)
    communication = _communication(assessment, name, k, lang, notes)
    decisions = _decisions(assessment, name, k, lang, notes)
    survey = _survey(assessment, name, k, lang)
    if survey.reason and client.survey is not None:
        notes.append(survey.reason)
    return DepartmentView(department=name, min_group_size=k, language=lang, organisation_headcount=client.n_people,
                          structure=structure, communication=communication, decisions=decisions, survey=survey,
                          notes=notes)


def _pooled(names: pd.Series, sizes: pd.Series, k: int, other: str) -> pd.Series:
    """Department names with those under ``k`` people (or unknown) replaced by ``other``."""
    size = names.map(sizes).fillna(0)
    return names.where(size >= k, other)


def _structure(a: "Assessment", name: str, language: str) -> DepartmentStructure:
    from orgkit.privacy import person_label

    client = a.client
    people = client.people
    mine = (people["department"].astype("str") == name).to_numpy()
    headcount = int(mine.sum())
    m = a.structure.metrics
    organisation = {"headcount": client.n_people, "managers": m.get("managers"),
                    "people_per_manager": m.get("people_per_manager"), "span_mean": m.get("span_mean"),
                    "span_median": m.get("span_median"), "span_max": m.get("span_max"), "layers": m.get("layers")}
    h = client.hierarchy
    if h is None:
        return DepartmentStructure(headcount=headcount, organisation=organisation)
    depth = h.depth[mine]
    by_layer = (pd.Series(depth, dtype="int64").value_counts().sort_index().rename_axis("depth")
                .rename("people").reset_index())
    spans = a.structure.spans
    spans = spans[spans["department"].astype("str") == name].sort_values(["span", "employee_id"],
                                                                         ascending=[False, True], kind="stable")
    show_names = bool(client.settings.show_names)
    ids = spans["employee_id"].astype("str")
    by_id = people.set_index(people["employee_id"].astype("str"))

    def column(col: str) -> list[Any]:
        if col not in by_id.columns:
            return [None] * len(ids)
        return [None if pd.isna(x) else x for x in ids.map(by_id[col])]

    labels = [person_label(i, name=person, title=title, show_names=show_names, language=language)
              for i, person, title in zip(ids, column("name"), column("title"))]
    table = pd.DataFrame({"employee_id": ids.to_numpy(), "manager": labels,
                          "span": spans["span"].to_numpy(dtype="int64"), "depth": spans["depth"].to_numpy(dtype="int64")})
    n_mgr = len(table)
    span = table["span"]
    return DepartmentStructure(
        headcount=headcount, managers=n_mgr, people_per_manager=headcount / n_mgr if n_mgr else None,
        span_mean=float(span.mean()) if n_mgr else None, span_median=float(span.median()) if n_mgr else None,
        span_max=int(span.max()) if n_mgr else None,
        layers=int(depth.max() - depth.min() + 1) if depth.size else None,
        by_layer=by_layer, spans=table, organisation=organisation)


#: Per assessment, its ties as positions of people (computed once: a view of another department reuses them).
_TIE_CODES: "weakref.WeakKeyDictionary[Any, tuple[pd.Index, pd.Categorical, np.ndarray, np.ndarray]]" = (
    weakref.WeakKeyDictionary())


#: Per assessment, its survey analysed at a larger minimum group size than the client's, by that minimum.
_SURVEYS: "weakref.WeakKeyDictionary[Any, dict[int, Any]]" = weakref.WeakKeyDictionary()


def _tie_codes(a: "Assessment") -> tuple[pd.Index, pd.Categorical, np.ndarray, np.ndarray]:
    """People's ids, their departments as a categorical, and the ties' two ends as positions of people."""
    got = _TIE_CODES.get(a)
    if got is None:
        people = a.client.people
        ids = pd.Index(people["employee_id"].astype("str"))
        dept = pd.Categorical(people["department"].astype("str"))
        edges = a.communication.edges
        u = ids.get_indexer(edges["u"].astype("str"))
        v = ids.get_indexer(edges["v"].astype("str"))
        known = (u >= 0) & (v >= 0)
        got = (ids, dept, u[known], v[known])
        _TIE_CODES[a] = got
    return got


def _communication(a: "Assessment", name: str, k: int, language: str, notes: list[str]) -> DepartmentCommunication:
    c = a.communication
    if not c.available:
        return DepartmentCommunication(available=False)
    client = a.client
    people = client.people
    sizes = client.department_sizes()
    n = client.n_people
    n_d = int(sizes[name])
    ids, dept, u, v = _tie_codes(a)
    names = dept.categories.astype("str")
    me = names.get_loc(name)
    edges = c.edges
    du, dv = dept.codes[u], dept.codes[v]
    here_u, here_v = du == me, dv == me
    inside = here_u & here_v
    touching = here_u ^ here_v
    internal, external = int(inside.sum()), int(touching.sum())
    total = internal + external
    degree = np.bincount(u, minlength=len(ids)) + np.bincount(v, minlength=len(ids))
    isolates = int(((dept.codes == me) & (degree == 0)).sum())
    ties = np.bincount(np.where(here_u, dv, du)[touching], minlength=len(names))
    size = sizes.reindex(names).fillna(0).to_numpy(dtype="int64")
    other = t("group.other", language)
    small = (size < k) & (np.arange(len(names)) != me)
    shown = (ties > 0) & ~small
    partners = pd.DataFrame({"department": names[shown], "people": size[shown], "ties": ties[shown]})
    pooled_ties = int(ties[small].sum())
    if pooled_ties:
        partners = pd.concat([partners.sort_values(["ties", "department"], ascending=[False, True], kind="stable"),
                              pd.DataFrame({"department": [other], "people": [int(size[small].sum())],
                                            "ties": [pooled_ties]})], ignore_index=True)
        notes.append(t("drilldown.note.partners_pooled", language, k=k, other=other))
    else:
        partners = partners.sort_values(["ties", "department"], ascending=[False, True], kind="stable")
    partners = partners.astype({"department": "str", "people": "int64", "ties": "int64"}).reset_index(drop=True)
    partners["share"] = partners["ties"] / external if external else np.nan
    partners["expected"] = total * partners["people"] / (n - 1) if n > 1 else np.nan
    partners["ratio"] = partners["ties"] / partners["expected"].where(partners["expected"] > 0)
    silo = name in set(c.silos["department"].astype("str")) if c.silos is not None and not c.silos.empty else False
    m = c.metrics
    organisation = {"ei_index": m.get("ei_index"), "ei_index_expected": m.get("ei_index_expected"),
                    "ties_per_person": 2 * len(edges) / n if n else None, "density": m.get("density")}
    return DepartmentCommunication(
        available=True, internal_ties=internal, external_ties=external,
        ei_index=(external - internal) / total if total else None,
        ei_index_expected=1 - 2 * (n_d - 1) / (n - 1) if n >= 2 else None,
        external_share=external / total if total else None,
        density=internal / (n_d * (n_d - 1) / 2) if n_d >= 2 else None,
        ties_per_person=(2 * internal + external) / n_d if n_d else None,
        isolates=isolates, silo=bool(silo), partners=partners, organisation=organisation)


def _decision_measures(paths: pd.DataFrame) -> dict[str, Any]:
    closed = paths["state"].astype("str") == "closed"
    hops = pd.to_numeric(paths["hops"], errors="coerce")
    return {
        "decisions": len(paths),
        "open_share": float((~closed).mean()) if len(paths) else None,
        "hops_median": _float(hops.median()) if hops.notna().any() else None,
        "approvals_mean": _float(pd.to_numeric(paths["approvals"], errors="coerce").mean()) if len(paths) else None,
        "latency_days_median": _float(pd.to_numeric(paths.loc[closed, "latency_days"], errors="coerce").median())
        if closed.any() else None,
        "escalated_share": _float(paths["escalated"].astype("boolean").mean()) if len(paths) else None,
    }


def _decisions(a: "Assessment", name: str, k: int, language: str, notes: list[str]) -> DepartmentDecisions:
    d = a.decisions
    if not d.metrics.get("available") or d.paths is None or d.paths.empty:
        return DepartmentDecisions(available=False)
    client = a.client
    paths = d.paths
    init = (paths["initiator_department"].astype("str") == name).to_numpy()
    decd = (paths["decider_department"].astype("str") == name).to_numpy()
    approvals = client.approvals
    dept_of = pd.Series(client.people["department"].astype("str").to_numpy(),
                        index=client.people["employee_id"].astype("str"))
    approving = set(approvals.loc[approvals["approver_id"].astype("str").map(dept_of).eq(name).to_numpy(),
                                  "decision_id"].astype("str"))
    appr = paths["decision_id"].astype("str").isin(approving).to_numpy()
    mine = paths[init | decd | appr]
    ours = _decision_measures(mine)
    sizes = client.department_sizes()
    other = t("group.other", language)
    across = np.where(init & ~decd, paths["decider_department"].astype("str"),
                      np.where(decd & ~init, paths["initiator_department"].astype("str"), ""))
    across = pd.Series(across[across != ""], dtype="str")
    pooled = _pooled(across, sizes, k, other)
    counts = pooled.value_counts()
    counterparts = pd.DataFrame({"department": counts.index.astype("str"), "decisions": counts.to_numpy(dtype="int64")})
    counterparts = (counterparts.assign(_o=counterparts["department"] == other)
                    .sort_values(["_o", "decisions", "department"], ascending=[True, False, True], kind="stable")
                    .drop(columns="_o").reset_index(drop=True))
    if other in counts.index and not any(other in n for n in notes):
        notes.append(t("drilldown.note.partners_pooled", language, k=k, other=other))
    closed = mine["state"].astype("str") == "closed"
    by_type = (mine.assign(_open=~closed, _lat=pd.to_numeric(mine["latency_days"], errors="coerce").where(closed),
                           _hops=pd.to_numeric(mine["hops"], errors="coerce"))
               .groupby("decision_type", sort=True, observed=True)
               .agg(decisions=("decision_id", "size"), open=("_open", "sum"), hops_median=("_hops", "median"),
                    latency_days_median=("_lat", "median"))
               .reset_index())
    by_type["decision_type"] = by_type["decision_type"].astype("str")
    by_type["open"] = by_type["open"].astype("int64")
    by_type = by_type.sort_values(["decisions", "decision_type"], ascending=[False, True], kind="stable").reset_index(drop=True)
    organisation = _decision_measures(paths)
    organisation.update(initiated=None, decided=None, approved=None)
    return DepartmentDecisions(available=True, initiated=int(init.sum()), decided=int(decd.sum()),
                               approved=int(appr.sum()), by_type=by_type, counterparts=counterparts,
                               organisation=organisation, **ours)


def _survey(a: "Assessment", name: str, k: int, language: str) -> DepartmentSurvey:
    from orgkit.areas.survey import DIMENSION_LABELS, TOTAL, analyze_survey, item_labels

    client = a.client
    if client.survey is None or not a.survey.available:
        return DepartmentSurvey(available=False, reason=t("area.survey.not_available", language))
    if k == int(client.settings.min_group_size):
        s = a.survey
    else:  # analysed again at this minimum (complementary suppression included), once per assessment
        by_k = _SURVEYS.setdefault(a, {})
        s = by_k.get(k) or by_k.setdefault(k, analyze_survey(client, min_group_size=k, thresholds=a.thresholds))
    if not s.available:
        return DepartmentSurvey(available=False, reason=t("area.survey.not_available", language))
    dims = s.dimensions
    ours = dims[(dims["department"].astype("str") == name) & ~dims["suppressed"].fillna(True).astype(bool)]
    if ours.empty:
        respondents = (client.survey["department"].astype("str") == name).sum() if "department" in client.survey else 0
        key = "drilldown.note.survey_few" if respondents < k else "drilldown.note.survey_protected"
        return DepartmentSurvey(available=False, reason=t(key, language, k=k))
    org = dims[dims["department"].astype("str") == TOTAL].set_index("dimension")
    labels = DIMENSION_LABELS.get(language, DIMENSION_LABELS["en"])
    table = pd.DataFrame({
        "dimension": ours["dimension"].astype("str").to_numpy(),
        "label": [labels.get(x, x) for x in ours["dimension"].astype("str")],
        "n": ours["n"].to_numpy(dtype="int64"),
        "mean": ours["mean"].to_numpy(dtype=float),
        "organisation_mean": ours["dimension"].map(org["mean"]).to_numpy(dtype=float),
        "favourable": ours["favourable"].to_numpy(dtype=float),
        "organisation_favourable": ours["dimension"].map(org["favourable"]).to_numpy(dtype=float),
    })
    table.insert(5, "difference", table["mean"] - table["organisation_mean"])
    by_item = s.items_by_department
    mine = by_item[(by_item["department"].astype("str") == name) & ~by_item["suppressed"].fillna(True).astype(bool)]
    overall = s.items.set_index("item")
    wording = item_labels(s.items, language)
    if "reverse" in s.items.columns:  # what "favourable" means for a reverse-worded question, said in words
        marker = t("figure.survey.reverse_item", language)
        joiner = "" if marker[:1] > "\u2e80" else " "
        wording = wording.where(~s.items["reverse"].fillna(False).astype(bool).to_numpy(), wording + joiner + marker)
    question = pd.Series(wording.to_numpy(), index=s.items["item"].astype("str"))
    items = pd.DataFrame({
        "item": mine["item"].astype("str").to_numpy(),
        "question": mine["item"].astype("str").map(question).to_numpy(),
        "n": mine["n"].to_numpy(dtype="int64"),
        "favourable": mine["favourable"].to_numpy(dtype=float),
        "organisation_favourable": mine["item"].map(overall["favourable"]).to_numpy(dtype=float),
    })
    items["difference"] = items["favourable"] - items["organisation_favourable"]
    items = items.sort_values(["favourable", "item"], kind="stable").reset_index(drop=True)
    return DepartmentSurvey(available=True, respondents=int(ours["n"].max()), dimensions=table, items=items)


# ------------------------------------------------------------------------------------------ as HTML
def department_blocks(view: DepartmentView) -> list[Any]:
    """The view as the report's HTML blocks (:mod:`orgkit.report.blocks`): key numbers beside the
    organisation's, managers, partner departments, decisions by type, survey dimensions and questions."""
    from orgkit.report.blocks import interpretation, table

    lang = view.language

    def tt(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    parts = []
    measures = view.measures()
    heads = {"structure": tt("area.structure"), "communication": tt("area.communication"),
             "decisions": tt("area.decisions")}
    for area, rows in measures.groupby("area", sort=False):
        parts.append(table(rows, {"label": tt("column.measure"), "text_department": view.department,
                                  "text_organisation": tt("drilldown.column.organisation")},
                           caption=heads[area], language=lang))
        if area == "structure" and not view.structure.spans.empty:
            parts.append(table(view.structure.spans, {"manager": tt("drilldown.column.manager"),
                                                      "span": tt("drilldown.column.span"),
                                                      "depth": tt("drilldown.column.depth")},
                               caption=tt("drilldown.heading.managers"), language=lang, max_rows=15))
        if area == "communication" and not view.communication.partners.empty:
            parts.append(table(view.communication.partners,
                               {"department": tt("column.department"), "people": tt("column.size"),
                                "ties": tt("drilldown.column.ties"), "share": tt("drilldown.column.share"),
                                "ratio": tt("drilldown.column.ratio")},
                               formats={"share": "percent", "ratio": ".2"},
                               caption=tt("drilldown.heading.partners", department=view.department),
                               note=tt("drilldown.note.ratio"), language=lang, max_rows=12))
        if area == "decisions" and not view.decisions.by_type.empty:
            parts.append(table(view.decisions.by_type,
                               {"decision_type": tt("column.type"), "decisions": tt("column.count"),
                                "open": tt("column.open"), "hops_median": tt("drilldown.measure.hops_median"),
                                "latency_days_median": tt("drilldown.measure.latency_days_median")},
                               formats={"hops_median": ".1", "latency_days_median": ".1"},
                               caption=tt("drilldown.heading.decision_types"), language=lang))
    s = view.survey
    if s.available:
        parts.append(table(s.dimensions, {"label": tt("column.dimension"), "n": tt("column.respondents"),
                                          "mean": view.department, "organisation_mean": tt("drilldown.column.organisation"),
                                          "difference": tt("drilldown.column.difference"),
                                          "favourable": tt("column.favourable"),
                                          "organisation_favourable": tt("drilldown.column.organisation_favourable")},
                           formats={"mean": ".2", "organisation_mean": ".2", "difference": "signed",
                                    "favourable": "percent", "organisation_favourable": "percent"},
                           caption=tt("area.survey"), language=lang))
        if not s.items.empty:
            parts.append(table(s.items, {"question": tt("column.question"), "n": tt("column.respondents"),
                                         "favourable": tt("column.favourable"),
                                         "organisation_favourable": tt("drilldown.column.organisation_favourable")},
                               formats={"favourable": "percent", "organisation_favourable": "percent"},
                               caption=tt("drilldown.heading.lowest_questions"), language=lang, max_rows=5))
    if view.notes:
        parts.append(interpretation(*view.notes))
    return parts
