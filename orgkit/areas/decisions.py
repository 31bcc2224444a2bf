"""Decision paths: reporting lines, approvals, departments and days between raising and deciding a decision.

Every quantity is computed for all decisions at once with numpy/pandas on top of
:class:`orgkit.data.hierarchy.Hierarchy` (binary lifting for lowest common managers, pointer jumping for
department heads); nothing loops over decisions or people in Python.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from orgkit.data.client import Client
from orgkit.data.hierarchy import Hierarchy
from orgkit.files.jsonsafe import to_jsonable
from orgkit.privacy import suppress_small_groups
from orgkit.thresholds import DEFAULTS, Thresholds

__all__ = [
    "DecisionsResult",
    "analyze_decisions",
    "decision_paths",
    "department_heads",
    "distance_to_head",
    "summarize_paths",
    "structural_proxy",
    "decisions_score",
    "QUANTITIES",
    "SCORE_TARGETS",
    "CONTEXT_KEYS",
    "reference_date",
    "TOP_N",
]

logger = logging.getLogger(__name__)

#: The per-decision quantities that are summarised (mean, median, p90).
QUANTITIES = ("hops", "approvals", "departments_crossed", "latency_days")

#: Score components when decision records exist: metric -> (good, bad, weight). A component scores 100
#: at or below ``good``, 0 at or above ``bad``, linearly in between. The defaults of
#: ``decisions.target.<metric>.good``/``.bad`` and ``decisions.weight.<metric>`` in :mod:`orgkit.thresholds`.
SCORE_TARGETS: dict[str, tuple[float, float, float]] = DEFAULTS.targets("decisions.weight")

#: The structural numbers reported as context (``metrics["context"]``), never scored.
CONTEXT_KEYS = ("layers", "distance_to_top_mean", "distance_to_top_median", "distance_to_top_p90",
                "distance_to_head_mean", "distance_to_head_p90")

#: How many decisions the ``slowest`` and ``longest`` tables list.
TOP_N = 10

_NO_HIERARCHY = (
    "people has no manager_id column: hops, escalation and distances to the top and to department "
    "heads are not computed"
)
_TOP_COLUMNS = ["decision_id", "decision_type", "initiator_id", "decider_id", "hops", "approvals", "latency_days"]


@dataclass(frozen=True, eq=False)
class DecisionsResult:
    """What :func:`analyze_decisions` found.

    Attributes
    ----------
    metrics : dict
        JSON-safe key numbers (plain Python types, NaN as ``None``); see :func:`analyze_decisions`.
    score : float or None
        0-100, higher is better; ``None`` when nothing could be assessed.
    score_components : dict
        Per component: ``value``, ``good``, ``bad``, ``weight`` and its 0-100 ``score`` (``None`` when the
        value is missing; its weight is then left out). Also ``basis``: ``"decisions"``, ``"structure"``
        or ``None``.
    paths : DataFrame
        One row per decision (see :func:`decision_paths`).
    by_type : DataFrame
        :func:`summarize_paths` per ``decision_type``.
    by_department : DataFrame
        :func:`summarize_paths` per initiator department with its headcount ``people``; departments
        smaller than ``min_group_size`` are suppressed.
    slowest, longest : DataFrame
        The :data:`TOP_N` decisions with the largest ``latency_days`` / ``hops`` (ids only).
    structural : DataFrame
        :func:`structural_proxy` per department (suppressed); empty without a hierarchy.
    excluded : DataFrame
        ``decision_id`` and ``reason`` (``not_in_one_tree``, ``negative_latency``) of every decision
        left out of a statistic.
    """

    metrics: dict[str, Any]
    score: float | None
    score_components: dict[str, Any]
    paths: pd.DataFrame
    by_type: pd.DataFrame
    by_department: pd.DataFrame
    slowest: pd.DataFrame
    longest: pd.DataFrame
    structural: pd.DataFrame
    excluded: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({"decision_id": pd.Series(dtype="str"), "reason": pd.Series(dtype="str")})
    )


# --------------------------------------------------------------------------------------------------
# helpers


def _hierarchy(client: Client) -> Hierarchy | None:
    """The client's reporting tree (``client.hierarchy`` when the loader provides it), or ``None``."""
    if not client.has_hierarchy:
        return None
    hier = getattr(client, "hierarchy", None)
    if hier is None:
        hier = Hierarchy.from_people(client.people)
    return hier


def _as_float(series: pd.Series) -> np.ndarray:
    """A numeric or nullable column as float64 with NaN for missing values."""
    return pd.to_numeric(series, errors="coerce").astype("Float64").to_numpy(dtype="float64", na_value=np.nan)


def _sub_score(value: float | None, good: float, bad: float) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(100.0 * np.clip((bad - value) / (bad - good), 0.0, 1.0))


# --------------------------------------------------------------------------------------------------
# department heads


def department_heads(hierarchy: Hierarchy, departments: pd.Series | np.ndarray) -> np.ndarray:
    """The department head of every person: the top of their unbroken same-department reporting chain.

    Parameters
    ----------
    hierarchy : Hierarchy
        The reporting forest; positions are rows of ``people``.
    departments : Series or array of str
        Each person's department, aligned with the hierarchy's positions.

    Returns
    -------
    ndarray of int64
        Position of each person's department head (a person may be their own head).

    Notes
    -----
    Let :math:`s(i) = p(i)` when i's manager :math:`p(i)` exists and is in i's department, else
    :math:`s(i) = i`. The head is the fixed point :math:`h(i) = s^{\\infty}(i)`: climb while the
    manager is in the same department. Pointer jumping (:math:`h \\leftarrow h[h]`) reaches it in
    :math:`\\lceil \\log_2 L \\rceil` rounds for chains of length L.

    Degenerate cases: a top person, a one-person department and anyone whose manager sits in another
    department are their own head. A department split over several subtrees (its people report into
    different departments) has one head per subtree. An empty organisation gives an empty array.

    References
    ----------
    .. [1] Hillis, W. D., & Steele, G. L. (1986). Data parallel algorithms. *Communications of the
       ACM*, 29(12), 1170-1183. https://doi.org/10.1145/7902.7903

    Examples
    --------
    >>> import pandas as pd
    >>> from orgkit.data.hierarchy import Hierarchy
    >>> people = pd.DataFrame({"employee_id": ["ceo", "s", "s1", "s2"],
    ...                        "department": ["Exec", "Sales", "Sales", "Sales"],
    ...                        "manager_id": [None, "ceo", "s", "s1"]})
    >>> department_heads(Hierarchy.from_people(people), people["department"]).tolist()
    [0, 1, 1, 1]
    """
    parent = hierarchy.parent
    n = len(parent)
    codes, _ = pd.factorize(pd.Series(departments).to_numpy(dtype=object))
    if len(codes) != n:
        raise ValueError(f"departments has {len(codes)} entries; the hierarchy has {n} people.")
    self_pos = np.arange(n, dtype=np.int64)
    has = parent >= 0
    same = np.zeros(n, dtype=bool)
    same[has] = codes[parent[has]] == codes[has]
    head = np.where(same, parent, self_pos)
    while True:
        nxt = head[head]
        if np.array_equal(nxt, head):
            return head
        head = nxt


def distance_to_head(hierarchy: Hierarchy, departments: pd.Series | np.ndarray) -> np.ndarray:
    """Reporting lines from each person up to their department head.

    Parameters
    ----------
    hierarchy : Hierarchy
        The reporting forest.
    departments : Series or array of str
        Each person's department, aligned with the hierarchy's positions.

    Returns
    -------
    ndarray of int64
        :math:`\\mathrm{depth}(i) - \\mathrm{depth}(h(i))` with :math:`h` from :func:`department_heads`.

    Notes
    -----
    0 for every head (a top person, a one-person department, anyone whose manager is in another
    department). The heads come from :func:`department_heads` (pointer jumping, with its reference).

    Examples
    --------
    >>> import pandas as pd
    >>> from orgkit.data.hierarchy import Hierarchy
    >>> people = pd.DataFrame({"employee_id": ["ceo", "s", "s1", "s2"],
    ...                        "department": ["Exec", "Sales", "Sales", "Sales"],
    ...                        "manager_id": [None, "ceo", "s", "s1"]})
    >>> distance_to_head(Hierarchy.from_people(people), people["department"]).tolist()
    [0, 0, 1, 2]
    """
    heads = department_heads(hierarchy, departments)
    return hierarchy.depth - hierarchy.depth[heads]


# --------------------------------------------------------------------------------------------------
# per-decision paths


def _empty_paths() -> pd.DataFrame:
    s = {
        "decision_id": "str", "decision_type": "str", "initiator_id": "str", "decider_id": "str",
        "initiator_department": "str", "decider_department": "str", "hops": "Int64",
        "lowest_common_manager_id": "str", "approvals": "int64", "departments_crossed": "int64",
        "latency_days": "float64", "latency_status": "str", "state": "str", "open_days": "float64",
        "in_one_tree": "boolean", "escalation": "str", "escalated": "boolean",
    }
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in s.items()})


def _paths(client: Client, hier: Hierarchy | None, heads: np.ndarray | None) -> pd.DataFrame:
    dec = client.decisions
    if dec is None or dec.empty:
        return _empty_paths()
    people = client.people
    n = len(dec)
    person_index = pd.Index(people["employee_id"])
    dept_codes, dept_names = pd.factorize(people["department"].to_numpy(dtype=object))
    dept_names = np.asarray(dept_names, dtype=object)
    init = person_index.get_indexer(dec["initiator_id"].to_numpy(dtype=object))
    decider = person_index.get_indexer(dec["decider_id"].to_numpy(dtype=object))

    # approvals: the number of listed approvers
    approvals_long = client.approvals
    appr_row = pd.Index(dec["decision_id"]).get_indexer(approvals_long["decision_id"].to_numpy(dtype=object))
    appr_pos = person_index.get_indexer(approvals_long["approver_id"].to_numpy(dtype=object))
    if "n_approvers" in dec.columns:
        approvals = dec["n_approvers"].to_numpy(dtype=np.int64)
    else:
        approvals = np.bincount(appr_row[appr_row >= 0], minlength=n).astype(np.int64)

    # departments crossed: distinct departments among initiator, approvers and decider, minus one
    rows = np.concatenate([np.arange(n), np.arange(n), appr_row])
    who = np.concatenate([init, decider, appr_pos])
    ok = (rows >= 0) & (who >= 0)
    n_dept = max(len(dept_names), 1)
    keys = np.unique(rows[ok].astype(np.int64) * n_dept + dept_codes[who[ok]])
    crossed = np.clip(np.bincount(keys // n_dept, minlength=n) - 1, 0, None).astype(np.int64)

    # latency in days; missing and negative latencies are NaN and flagged
    def _col(name: str) -> pd.Series:
        if name in dec.columns:
            return pd.to_datetime(dec[name])
        return pd.Series(pd.NaT, index=dec.index, dtype="datetime64[ns]")

    raised_at, decided_at = _col("raised_at"), _col("decided_at")
    delta = (decided_at - raised_at) / pd.Timedelta(days=1)
    latency = delta.to_numpy(dtype="float64", na_value=np.nan)
    status = np.where(np.isnan(latency), "missing", np.where(latency < 0, "negative", "ok"))
    latency = np.where(latency < 0, np.nan, latency)

    # open or closed: a decided date closes a decision; a raised date without one leaves it open, but only
    # when the file carries decided dates at all (else nothing can be told apart) and the loader did not
    # clear a decided date that came before the raised one (a data error, not an open decision)
    decided = decided_at.notna().to_numpy()
    raised = raised_at.notna().to_numpy()
    cleared = (dec["decided_before_raised"].fillna(False).to_numpy(dtype=bool)
               if "decided_before_raised" in dec.columns else np.zeros(n, dtype=bool))
    is_open = raised & ~decided & ~cleared & bool(decided.any())
    state = np.where(decided, "closed", np.where(is_open, "open", "undated"))
    reference = reference_date(dec)
    open_days = np.full(n, np.nan)
    if reference is not None and is_open.any():
        age = (pd.Timestamp(reference) - raised_at) / pd.Timedelta(days=1)
        open_days = np.where(is_open, age.to_numpy(dtype="float64", na_value=np.nan), np.nan)

    def _dept(pos: np.ndarray) -> pd.Series:
        out = np.where(pos >= 0, dept_names[dept_codes[np.where(pos >= 0, pos, 0)]], None)
        return pd.Series(out, dtype="str")

    out = pd.DataFrame({
        "decision_id": dec["decision_id"].astype("str").to_numpy(),
        "decision_type": dec["decision_type"].astype("str").to_numpy(),
        "initiator_id": dec["initiator_id"].astype("str").to_numpy(),
        "decider_id": dec["decider_id"].astype("str").to_numpy(),
    })
    out["initiator_department"] = _dept(init)
    out["decider_department"] = _dept(decider)

    if hier is None:
        out["hops"] = pd.array([pd.NA] * n, dtype="Int64")
        out["lowest_common_manager_id"] = pd.Series([None] * n, dtype="str")
        in_tree = pd.array([pd.NA] * n, dtype="boolean")
        escalation = pd.Series([None] * n, dtype="str")
        escalated = pd.array([pd.NA] * n, dtype="boolean")
    else:
        a = hier.positions(out["initiator_id"])
        b = hier.positions(out["decider_id"])
        known = (a >= 0) & (b >= 0)
        dist = np.full(n, -1, dtype=np.int64)
        lcm = np.full(n, -1, dtype=np.int64)
        dist[known] = hier.distance(a[known], b[known])
        lcm[known] = hier.lowest_common_manager(a[known], b[known])
        same_tree = dist >= 0
        out["hops"] = pd.array(np.where(same_tree, dist, 0), dtype="Int64")
        out.loc[~same_tree, "hops"] = pd.NA
        lcm_ids = np.where(lcm >= 0, hier.ids[np.where(lcm >= 0, lcm, 0)] if hier.n else None, None)
        out["lowest_common_manager_id"] = pd.Series(lcm_ids, dtype="str")
        in_tree = pd.array(same_tree, dtype="boolean")
        # escalation relative to the initiator's department head H: within H's subtree (H included),
        # "up" when the decider is a strict ancestor of H, "across" when elsewhere in the same tree
        aa, bb = np.where(known, a, 0), np.where(known, b, 0)
        head = heads[aa]
        within = hier.is_ancestor(head, bb)
        up = hier.is_ancestor(bb, head) & (bb != head)
        kind = np.where(within, "within", np.where(up, "up", "across")).astype(object)
        kind[~same_tree] = None
        escalation = pd.Series(kind, dtype="str")
        escalated = pd.array(~within, dtype="boolean")
        escalated[~same_tree] = pd.NA
    out["approvals"] = approvals
    out["departments_crossed"] = crossed
    out["latency_days"] = latency
    out["latency_status"] = pd.Series(status, dtype="str")
    out["state"] = pd.Series(state, dtype="str")
    out["open_days"] = open_days
    out["in_one_tree"] = in_tree
    out["escalation"] = escalation
    out["escalated"] = escalated
    return out


def reference_date(decisions: pd.DataFrame | None) -> pd.Timestamp | None:
    """The date the decision records speak for: their latest ``raised_at`` or ``decided_at``.

    Parameters
    ----------
    decisions : DataFrame or None
        ``client.decisions`` (``raised_at`` and ``decided_at`` may be absent or all missing).

    Returns
    -------
    Timestamp or None
        :math:`\\max(\\max_j r_j, \\max_j c_j)` over raised dates :math:`r` and decided dates :math:`c`;
        ``None`` without records or without any date.

    Notes
    -----
    The file itself says how far it reaches: nothing happened in it after its latest timestamp. An
    export taken later than that makes every age measured to this date a lower bound ("at least"), never
    an overstatement; the clock of the machine running orgkit is never used, so a report can be
    reproduced.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"raised_at": pd.to_datetime(["2025-01-02", "2025-03-01"]),
    ...                   "decided_at": pd.to_datetime(["2025-03-04", None])})
    >>> str(reference_date(d).date())
    '2025-03-04'
    """
    if decisions is None or decisions.empty:
        return None
    latest = [pd.to_datetime(decisions[c]).max() for c in ("raised_at", "decided_at") if c in decisions.columns]
    latest = [x for x in latest if not pd.isna(x)]
    return max(latest) if latest else None


def decision_paths(client: Client) -> pd.DataFrame:
    """One row per decision: reporting lines, approvals, departments crossed, latency and escalation.

    Parameters
    ----------
    client : Client
        A loaded client; ``client.decisions`` may be ``None`` or empty.

    Returns
    -------
    DataFrame
        ``decision_id``, ``decision_type``, ``initiator_id``, ``decider_id``, ``initiator_department``,
        ``decider_department`` (``str``); ``hops`` (``Int64``); ``lowest_common_manager_id`` (``str``);
        ``approvals``, ``departments_crossed`` (``int64``); ``latency_days`` (``float64``);
        ``latency_status`` (``ok``, ``missing`` or ``negative``); ``state`` (``closed``, ``open`` or
        ``undated``) and ``open_days`` (``float64``, open decisions only); ``in_one_tree`` (``boolean``);
        ``escalation`` (``within``, ``up`` or ``across``) and ``escalated`` (``boolean``). Empty (with
        these columns) when there are no decision records.

    Notes
    -----
    For initiator :math:`i`, decider :math:`k`, lowest common manager :math:`m` and approvers
    :math:`A`:

    * ``hops`` :math:`= d(i) + d(k) - 2\\,d(m)` (depths :math:`d`), the reporting lines between them
      (:meth:`Hierarchy.distance`); 0 when the initiator decides. Missing when :math:`i` and :math:`k`
      are in different trees (``in_one_tree`` False; never guessed) or without a ``manager_id``
      column.
    * ``approvals`` :math:`= |A|`, the listed approvers (0 if none).
    * ``departments_crossed`` :math:`= |\\{dep(i)\\} \\cup dep(A) \\cup \\{dep(k)\\}| - 1`: 0 when all
      of them sit in one department, repeated departments count once.
    * ``latency_days`` = ``decided_at - raised_at`` in days; missing when either is missing, and
      also when negative (a data problem: ``latency_status`` says ``negative``). Only closed decisions
      have one.
    * ``state``: ``closed`` with a decided date; ``open`` with a raised date and no decided date, when
      the file has decided dates at all and the loader did not clear this one (a decided date before
      the raised one, ``decided_before_raised``); ``undated`` otherwise (nothing tells whether it was
      decided). ``open_days`` = :func:`reference_date` − ``raised_at`` in days, for open decisions.
    * Escalation, with :math:`H` the initiator's department head (:func:`department_heads`):
      ``within`` when :math:`k` is :math:`H` or reports up to :math:`H` (whatever :math:`k`'s
      department); ``up`` when :math:`k` is a strict ancestor of :math:`H`; ``across`` when :math:`k`
      is elsewhere in the same tree. ``escalated`` is ``up`` or ``across``; missing across trees and
      without a hierarchy.

    References
    ----------
    .. [1] Bender, M. A., & Farach-Colton, M. (2000). The LCA problem revisited. *LATIN 2000*, LNCS
       1776, 88-94. https://doi.org/10.1007/10719839_9
    .. [2] Galbraith, J. R. (1974). Organization design: An information processing view.
       *Interfaces*, 4(3), 28-36. https://doi.org/10.1287/inte.4.3.28

    Examples
    --------
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from orgkit.data.client import Client, Settings
    >>> people = pd.DataFrame({"employee_id": ["ceo", "a", "b"], "department": ["X", "Y", "Y"],
    ...                        "manager_id": [None, "ceo", "ceo"]})
    >>> decisions = pd.DataFrame({"decision_id": ["d1"], "decision_type": ["budget"],
    ...     "initiator_id": ["a"], "decider_id": ["b"], "approvers": ["ceo"], "n_approvers": [1],
    ...     "raised_at": pd.to_datetime(["2024-01-01"]), "decided_at": pd.to_datetime(["2024-01-03"])})
    >>> c = Client(path=Path("."), settings=Settings(name="t"), people=people, decisions=decisions)
    >>> decision_paths(c)[["hops", "approvals", "departments_crossed", "latency_days", "escalation"]]
       hops  approvals  departments_crossed  latency_days escalation
    0     2          1                    1           2.0     across
    """
    hier = _hierarchy(client)
    heads = department_heads(hier, client.people["department"]) if hier is not None else None
    return _paths(client, hier, heads)


# --------------------------------------------------------------------------------------------------
# summaries


def summarize_paths(paths: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Count, mean, median and 90th percentile of hops, approvals, departments crossed and latency.

    Parameters
    ----------
    paths : DataFrame
        The output of :func:`decision_paths`.
    by : str, optional
        A column to group by (e.g. ``decision_type``); one overall row when omitted.

    Returns
    -------
    DataFrame
        ``count`` (decisions, open ones included), ``open`` and ``closed`` (when ``paths`` has a
        ``state`` column), then ``<q>_mean``, ``<q>_median``, ``<q>_p90`` for each ``q`` in
        :data:`QUANTITIES`, then ``escalated_share``; with ``by``, one row per group (sorted), the
        group in column ``by``.

    Notes
    -----
    Each statistic uses the decisions where the quantity is known (missing hops, latencies and
    escalations are skipped), so ``count`` can exceed the number behind a statistic: hops, approvals,
    departments and escalation cover every decision (open ones too: their path is known), latency only
    closed decisions with both dates. The p90 is the
    linear-interpolation quantile (numpy's default, Hyndman & Fan type 7): for sorted values
    :math:`x_0 \\le \\dots \\le x_{n-1}` and :math:`h = 0.9 (n-1)`,
    :math:`p_{90} = x_{\\lfloor h \\rfloor} + (h - \\lfloor h \\rfloor)(x_{\\lfloor h \\rfloor + 1} -
    x_{\\lfloor h \\rfloor})`. A statistic over no known values is NaN; ``escalated_share`` is the
    mean of ``escalated`` over decisions where it is known.

    References
    ----------
    .. [1] Hyndman, R. J., & Fan, Y. (1996). Sample quantiles in statistical packages. *The American
       Statistician*, 50(4), 361-365. https://doi.org/10.1080/00031305.1996.10473566

    Examples
    --------
    >>> import pandas as pd
    >>> paths = pd.DataFrame({"hops": [1, 2, 2, 3, 6], "approvals": [0, 0, 1, 1, 2],
    ...     "departments_crossed": [0, 0, 0, 1, 1], "latency_days": [1.0, 2.0, None, 4.0, 8.0],
    ...     "escalated": [False, False, True, True, None]})
    >>> s = summarize_paths(paths)
    >>> [round(float(s.loc[0, c]), 6) for c in ("hops_p90", "latency_days_median", "escalated_share")]
    [4.8, 3.0, 0.5]
    """
    values = pd.DataFrame({q: _as_float(paths[q]) for q in QUANTITIES}, index=paths.index)
    values["escalated"] = _as_float(paths["escalated"].astype("boolean").astype("Float64"))
    states = paths["state"].astype("str") if "state" in paths.columns else None
    if states is not None:
        values["_open"] = (states == "open").to_numpy(dtype="int64")
        values["_closed"] = (states == "closed").to_numpy(dtype="int64")
    if by is None:
        row: dict[str, float | int] = {"count": len(paths)}
        if states is not None:
            row["open"], row["closed"] = int(values["_open"].sum()), int(values["_closed"].sum())
        for q in QUANTITIES:
            col = values[q]
            row[f"{q}_mean"] = col.mean()
            row[f"{q}_median"] = col.median()
            row[f"{q}_p90"] = col.quantile(0.9)
        row["escalated_share"] = values["escalated"].mean()
        out = pd.DataFrame([row])
        out["count"] = out["count"].astype("int64")
        return out
    values[by] = paths[by].to_numpy()
    g = values.groupby(by, sort=True, dropna=False)
    out = pd.DataFrame({"count": g.size().astype("int64")})
    if states is not None:
        out["open"] = g["_open"].sum().astype("int64")
        out["closed"] = g["_closed"].sum().astype("int64")
    for q in QUANTITIES:
        out[f"{q}_mean"] = g[q].mean()
        out[f"{q}_median"] = g[q].median()
        out[f"{q}_p90"] = g[q].quantile(0.9)
    out["escalated_share"] = g["escalated"].mean()
    out = out.rename_axis(by).reset_index()
    out[by] = out[by].astype("str")
    return out


def structural_proxy(
    hierarchy: Hierarchy,
    departments: pd.Series | np.ndarray,
    min_group_size: int = 5,
) -> pd.DataFrame:
    """Per department: distance from each person to the top and to their department head.

    Parameters
    ----------
    hierarchy : Hierarchy
        The reporting forest.
    departments : Series or array of str
        Each person's department, aligned with the hierarchy's positions.
    min_group_size : int, default 5
        Departments with fewer people are suppressed (:func:`orgkit.privacy.suppress_small_groups`).

    Returns
    -------
    DataFrame
        ``department``, ``people``, ``heads`` (distinct department heads), ``distance_to_top_mean``,
        ``distance_to_top_p90``, ``distance_to_head_mean``, ``distance_to_head_p90``, ``suppressed``;
        one row per department, sorted by department.

    Notes
    -----
    The distance to the top is the depth :math:`d(i)` (reporting lines to the top of i's tree); the
    distance to the head is :math:`d(i) - d(h(i))` (:func:`distance_to_head`). They bound the
    hops of a decision that must go to the top, or to the department head, when no decision
    records exist. p90 is the linear-interpolation quantile. A one-person department has both
    distances 0 only if that person is a top person; its row is suppressed unless
    ``min_group_size <= 1``. An empty organisation gives an empty table.

    References
    ----------
    .. [1] Rajan, R. G., & Wulf, J. (2006). The flattening firm. *Review of Economics and
       Statistics*, 88(4), 759-773. https://doi.org/10.1162/rest.88.4.759

    Examples
    --------
    >>> import pandas as pd
    >>> from orgkit.data.hierarchy import Hierarchy
    >>> people = pd.DataFrame({"employee_id": ["ceo", "s", "s1", "s2"],
    ...                        "department": ["Exec", "Sales", "Sales", "Sales"],
    ...                        "manager_id": [None, "ceo", "s", "s1"]})
    >>> t = structural_proxy(Hierarchy.from_people(people), people["department"], min_group_size=1)
    >>> t[["department", "people", "distance_to_top_mean", "distance_to_head_mean"]]
      department  people  distance_to_top_mean  distance_to_head_mean
    0       Exec       1                   0.0                    0.0
    1      Sales       3                   2.0                    1.0
    """
    heads = department_heads(hierarchy, departments)
    depth = hierarchy.depth
    frame = pd.DataFrame({
        "department": pd.Series(departments).to_numpy(dtype=object),
        "head": heads,
        "distance_to_top": depth.astype("float64"),
        "distance_to_head": (depth - depth[heads]).astype("float64"),
    })
    g = frame.groupby("department", sort=True)
    out = pd.DataFrame({
        "people": g.size().astype("int64"),
        "heads": g["head"].nunique().astype("int64"),
        "distance_to_top_mean": g["distance_to_top"].mean(),
        "distance_to_top_p90": g["distance_to_top"].quantile(0.9),
        "distance_to_head_mean": g["distance_to_head"].mean(),
        "distance_to_head_p90": g["distance_to_head"].quantile(0.9),
    }).rename_axis("department").reset_index()
    out["department"] = out["department"].astype("str")
    return suppress_small_groups(out, "people", min_group_size)


def _empty_structural() -> pd.DataFrame:
    cols = {"department": "str", "people": "float64", "heads": "float64", "distance_to_top_mean": "float64",
            "distance_to_top_p90": "float64", "distance_to_head_mean": "float64",
            "distance_to_head_p90": "float64", "suppressed": "bool"}
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in cols.items()})


def decisions_score(
    metrics: Mapping[str, Any],
    targets: Mapping[str, tuple[float, float, float]] | None = None,
) -> tuple[float | None, dict[str, Any]]:
    """The 0-100 decision-path score (higher is better) and its components, from decision records only.

    Parameters
    ----------
    metrics : mapping
        Key numbers as in :attr:`DecisionsResult.metrics`; ``available`` says whether decision records
        exist.
    targets : mapping, optional
        ``metric -> (good, bad, weight)``; default :data:`SCORE_TARGETS`.

    Returns
    -------
    score : float or None
        The weighted mean of the component scores that could be computed; ``None`` without decision
        records or when no component could be computed.
    components : dict
        ``basis`` (``"decisions"`` or ``None``), ``evidence_share`` (the share of the weight whose
        component has a value, 0 without records) and, per metric, ``value``, ``good``, ``bad``,
        ``weight`` and ``score``.

    Notes
    -----
    A component scores :math:`s = 100\\,\\mathrm{clip}((b - x)/(b - g), 0, 1)`: 100 at or below the
    good value :math:`g`, 0 at or above the bad value :math:`b`. The score is
    :math:`\\sum_j w_j s_j / \\sum_j w_j` over the components with a value; missing ones (no hierarchy:
    no hops or escalation; no timestamps: no latency) drop out and the rest are re-weighted.
    ``evidence_share`` :math:`= \\sum_{j\\,\\mathrm{known}} w_j / \\sum_j w_j`; the assessment calls the
    area *not assessed* when it is below ``score.evidence.min_share``
    (:func:`orgkit.assessment.area_evidence`).

    Defaults (:data:`SCORE_TARGETS`): mean hops (good 2, bad 8; weight 0.3), mean approvals (1, 5;
    0.2), median latency of closed decisions in days (3, 30; 0.3), escalated share (0.1, 0.6; 0.2).
    The thresholds are judgement, not norms; a client changes them with ``thresholds:`` in
    ``client.yml`` (:mod:`orgkit.thresholds`), a caller by passing ``targets``.

    Without decision records there is no score: how far people sit from the top says how long a path
    *could* be, not how decisions travel, so it is reported as context (``metrics["context"]``), never
    scored.

    References
    ----------
    .. [1] Galbraith, J. R. (1974). Organization design: An information processing view.
       *Interfaces*, 4(3), 28-36. https://doi.org/10.1287/inte.4.3.28

    Examples
    --------
    >>> score, parts = decisions_score({"available": True, "hops_mean": 5.0, "approvals_mean": 1.0,
    ...     "latency_days_median": None, "escalated_share": 0.35})
    >>> score, parts["hops_mean"]["score"], parts["evidence_share"]
    (64.28571428571429, 50.0, 0.7)
    >>> decisions_score({"available": False, "distance_to_top_mean": 1.0})[0] is None
    True
    """
    available = bool(metrics.get("available"))
    if targets is None:
        targets = SCORE_TARGETS
    components: dict[str, Any] = {}
    total = weights = all_weights = 0.0
    for name, (good, bad, weight) in targets.items():
        value = to_jsonable(metrics.get(name)) if available else None
        s = _sub_score(value, good, bad)
        components[name] = {"value": value, "good": float(good), "bad": float(bad), "weight": float(weight), "score": s}
        all_weights += weight
        if s is not None:
            total += weight * s
            weights += weight
    score = total / weights if weights > 0 else None
    share = weights / all_weights if all_weights > 0 else 0.0
    components = {"basis": "decisions" if score is not None else None, "evidence_share": share, **components}
    return score, components


# --------------------------------------------------------------------------------------------------
# the analysis


def analyze_decisions(
    client: Client,
    targets: Mapping[str, tuple[float, float, float]] | None = None,
    thresholds: Thresholds | None = None,
) -> DecisionsResult:
    """Decision paths of a client: how far, through how many approvers and departments, how slowly.

    Parameters
    ----------
    client : Client
        A loaded client. Decision records (``client.decisions``) and a hierarchy (``manager_id``) are
        both optional.
    targets : mapping, optional
        Score thresholds ``metric -> (good, bad, weight)`` (see :func:`decisions_score`); default: those
        of ``thresholds``.
    thresholds : Thresholds, optional
        The thresholds and weights (default ``client.settings.thresholds``): ``decisions.target.*`` and
        ``decisions.weight.*`` (defaults :data:`SCORE_TARGETS`).

    Returns
    -------
    DecisionsResult
        ``metrics`` holds (plain Python types, NaN as ``None``): ``available`` (decision records
        exist), ``reason``, ``decisions`` (every record), ``closed``, ``open``, ``undated``,
        ``open_share``, ``open_oldest_days``, ``open_median_days``, ``reference_date``, ``open_reason``,
        ``latency_decisions`` (closed decisions with both dates: those behind the latency statistics);
        ``<q>_mean``, ``<q>_median``, ``<q>_p90`` for ``q`` in ``hops``, ``approvals``,
        ``departments_crossed``, ``latency_days``; ``escalated_share``, ``escalated_up_share``,
        ``escalated_across_share``; ``not_in_one_tree`` and ``not_in_one_tree_ids``;
        ``negative_latency`` and ``negative_latency_ids``; ``missing_latency``; ``by_type`` (type -> the
        :func:`summarize_paths` row as a dict, with ``open`` and ``closed``); ``context`` (the
        :data:`CONTEXT_KEYS`: layers and distances to the top and to department heads over everyone,
        never scored); ``hierarchy_reason`` (``None`` with a hierarchy); ``score``.

    Notes
    -----
    Definitions are those of :func:`decision_paths`, :func:`summarize_paths`,
    :func:`structural_proxy` and :func:`decisions_score`. Latency statistics cover closed decisions
    with both dates; open decisions are counted (``open``) and aged to :func:`reference_date`, the
    latest date in the decision records (``open_oldest_days``, ``open_median_days``). The escalated
    shares are over decisions whose initiator and decider are in one tree. Per-department tables
    (``by_department`` by initiator department, ``structural``) blank departments with fewer than
    ``client.settings.min_group_size`` people; ``by_type`` is not suppressed (decision types are not
    groups of people). Degenerate cases never raise: without decision records ``available`` is False,
    ``reason`` says why and the score is ``None`` (the distances to the top are context, not a score);
    without a hierarchy hops, escalation and distances are ``None`` with ``hierarchy_reason``; without
    any decided date ``open`` is ``None`` with ``open_reason`` (open and undecided cannot be told apart).

    References
    ----------
    .. [1] Galbraith, J. R. (1974). Organization design: An information processing view.
       *Interfaces*, 4(3), 28-36. https://doi.org/10.1287/inte.4.3.28
    .. [2] Bender, M. A., & Farach-Colton, M. (2000). The LCA problem revisited. *LATIN 2000*, LNCS
       1776, 88-94. https://doi.org/10.1007/10719839_9

    Examples
    --------
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from orgkit.data.client import Client, Settings
    >>> people = pd.DataFrame({"employee_id": ["ceo", "a", "b"], "department": ["X", "X", "X"],
    ...                        "manager_id": [None, "ceo", "ceo"]})
    >>> r = analyze_decisions(Client(path=Path("."), settings=Settings(name="t"), people=people))
    >>> r.metrics["available"], r.score, r.metrics["context"]["distance_to_top_mean"]
    (False, None, 0.6666666666666666)
    """
    hier = _hierarchy(client)
    people = client.people
    min_size = client.settings.min_group_size
    heads = department_heads(hier, people["department"]) if hier is not None else None
    paths = _paths(client, hier, heads)
    available = len(paths) > 0

    # summaries
    overall = summarize_paths(paths).iloc[0].to_dict()
    by_type = summarize_paths(paths, by="decision_type")
    by_dept = summarize_paths(paths, by="initiator_department").rename(columns={"initiator_department": "department"})
    sizes = people["department"].value_counts()
    by_dept.insert(1, "people", by_dept["department"].map(sizes).fillna(0).astype("int64"))
    by_dept = suppress_small_groups(by_dept, "people", min_size)

    ranked = paths.assign(_h=_as_float(paths["hops"]))
    slowest = ranked[ranked["latency_days"].notna()].sort_values(
        ["latency_days", "decision_id"], ascending=[False, True], kind="mergesort").head(TOP_N)[_TOP_COLUMNS]
    longest = ranked[ranked["_h"].notna()].sort_values(
        ["_h", "latency_days", "decision_id"], ascending=[False, False, True], kind="mergesort",
        na_position="last").head(TOP_N)[_TOP_COLUMNS]

    # exclusions, reported rather than guessed
    not_in_tree = paths["in_one_tree"].eq(False).fillna(False).to_numpy(dtype=bool)
    negative = (paths["latency_status"] == "negative").to_numpy(dtype=bool)
    excluded = pd.concat([
        pd.DataFrame({"decision_id": paths.loc[not_in_tree, "decision_id"], "reason": "not_in_one_tree"}),
        pd.DataFrame({"decision_id": paths.loc[negative, "decision_id"], "reason": "negative_latency"}),
    ], ignore_index=True).astype("str")
    if not_in_tree.any():
        logger.info("%d decisions have initiator and decider in different trees; hops not computed", not_in_tree.sum())
    if negative.any():
        logger.info("%d decisions were decided before they were raised; latency left out", negative.sum())

    # structural context (always, when there is a hierarchy): never scored
    if hier is not None and hier.n:
        structural = structural_proxy(hier, people["department"], min_size)
        depth = hier.depth.astype("float64")
        to_head = (hier.depth - hier.depth[heads]).astype("float64")
        context = {
            "layers": hier.layers,
            "distance_to_top_mean": depth.mean(),
            "distance_to_top_median": np.median(depth),
            "distance_to_top_p90": np.quantile(depth, 0.9),
            "distance_to_head_mean": to_head.mean(),
            "distance_to_head_p90": np.quantile(to_head, 0.9),
        }
    else:
        structural = _empty_structural()
        context = dict.fromkeys(CONTEXT_KEYS)
        if hier is not None:
            context["layers"] = 0

    kinds = paths["escalation"].dropna()
    if not available:
        reason: str | None = "no decision records: decision paths are not assessed"
    else:
        reason = None

    # open decisions, aged to the latest date in the records
    state = paths["state"].astype("str")
    n_open = int((state == "open").sum())
    any_decided = bool((state == "closed").any())
    ref = reference_date(client.decisions)
    told = available and any_decided
    ages = paths.loc[state == "open", "open_days"].dropna()
    if not available:
        open_reason: str | None = None
    elif not any_decided:
        open_reason = "no decision record has a decided date: open and decided decisions cannot be told apart"
    else:
        open_reason = None

    metrics: dict[str, Any] = {
        "available": available,
        "reason": reason,
        "decisions": len(paths),
        "closed": int((state == "closed").sum()),
        "open": n_open if told else None,
        "undated": int((state == "undated").sum()),
        "open_share": (n_open / len(paths)) if told else None,
        "open_oldest_days": float(ages.max()) if told and len(ages) else None,
        "open_median_days": float(ages.median()) if told and len(ages) else None,
        "reference_date": ref.date().isoformat() if ref is not None else None,
        "open_reason": open_reason,
        "latency_decisions": int(paths["latency_days"].notna().sum()),
        **{k: v for k, v in overall.items() if k not in ("count", "open", "closed")},
        "escalated_up_share": (kinds == "up").mean() if len(kinds) else None,
        "escalated_across_share": (kinds == "across").mean() if len(kinds) else None,
        "not_in_one_tree": int(not_in_tree.sum()),
        "not_in_one_tree_ids": paths.loc[not_in_tree, "decision_id"].tolist(),
        "negative_latency": int(negative.sum()),
        "negative_latency_ids": paths.loc[negative, "decision_id"].tolist(),
        "missing_latency": int((paths["latency_status"] == "missing").sum()),
        "by_type": {
            str(row["decision_type"]): {k: v for k, v in row.items() if k != "decision_type"}
            for row in by_type.to_dict(orient="records")
        },
        "context": context,
        "hierarchy_reason": None if hier is not None else _NO_HIERARCHY,
    }
    metrics = to_jsonable(metrics)
    th = client.settings.thresholds if thresholds is None else thresholds
    if targets is None:
        targets = th.targets("decisions.weight")
    score, components = decisions_score(metrics, targets)
    metrics["score"] = score
    return DecisionsResult(
        metrics=metrics,
        score=score,
        score_components=components,
        paths=paths,
        by_type=by_type,
        by_department=by_dept,
        slowest=slowest.reset_index(drop=True),
        longest=longest.reset_index(drop=True),
        structural=structural,
        excluded=excluded,
    )
