"""Applying a plan: each step checked against the organisation the steps before left, then a new validated client.

:func:`apply_plan` works on arrays (employee ids, manager positions, departments) and a
:class:`~orgkit.data.hierarchy.Hierarchy` rebuilt after each structural step; a team is a subtree selected
with the hierarchy's ancestor arrays, never a walk person by person. Decisions follow every step: those of a
delegated type by the delegation rule, the others by the lowest common manager when their decider no longer
sits above their initiator (:mod:`orgkit.scenario.routing`). A step that cannot apply raises
:class:`~orgkit.errors.PlanError` with its number, and nothing is returned or written.
"""

from __future__ import annotations

import dataclasses
import difflib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgkit.areas.decisions import department_heads
from orgkit.data.client import Client, DataWarning, render_text
from orgkit.data.hierarchy import Hierarchy
from orgkit.data.loading import validate_people
from orgkit.errors import PlanError, ValidationError
from orgkit.framework import FUNCTIONS
from orgkit.i18n import t
from orgkit.scenario.plan import Plan, PlanStep, load_plan
from orgkit.scenario.routing import (delegated_deciders, kept_approvers, lowest_common_deciders, sits_above,
                                     successors)

__all__ = ["PlanResult", "apply_plan", "CHANGE_COLUMNS", "REROUTE_COLUMNS", "RULES", "PLAN_WARNING"]

logger = logging.getLogger(__name__)

#: The columns of :attr:`PlanResult.changes`.
CHANGE_COLUMNS = ("employee_id", "step", "action", "kind", "old_manager_id", "new_manager_id", "old_department",
                  "new_department")
#: The columns of :attr:`PlanResult.decisions_rerouted`.
REROUTE_COLUMNS = ("decision_id", "step", "decision_type", "initiator_id", "old_decider_id", "new_decider_id",
                   "old_approvers", "new_approvers", "rule")
#: Why a decision changed (``decisions_rerouted.rule``).
RULES = {
    "delegated_to_department_head": "a delegate step: the initiator's department head decides",
    "delegated_layers_above": "a delegate step: the initiator's manager at most N layers up decides",
    "lowest_common_manager": "the decider no longer sat above the initiator: the lowest manager above both decides",
    "decider_left": "the decider left: the manager who takes over their reports decides (or, when they do not "
                    "sit above the initiator, the lowest manager above both)",
    "approver_left": "an approver left: the approval is dropped",
    "initiator_left": "the initiator left: the decision is left out of the new organisation's records",
}
#: The code of the data warning every plan's client carries.
PLAN_WARNING = "plan_result"
#: Warnings about the people file that the new organisation gets afresh.
_PEOPLE_CODES = frozenset({"several_tops", "small_department", "placeholder_department",
                           "functions_unknown_department"})
#: Steps that change who reports to whom (decisions are re-routed after them).
_STRUCTURAL = frozenset({"move", "merge", "insert_layer", "remove_layer", "headcount"})


# --------------------------------------------------------------------------------------------------
# the result
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PlanResult:
    """A plan applied to a client.

    Attributes
    ----------
    client : Client
        The new organisation, validated as a loaded client is: people moved, departments merged, split or
        added, layers inserted or removed, placeholders for new positions (no name, title only when the
        plan gives one); decisions re-routed; communication unchanged except the rows of people who left;
        the survey as answered (the answers of a merged department under the name it became) and the
        responsibilities likewise; ``settings.functions``
        updated by the plan, ``settings.stage`` the plan's ``stage:`` or the client's (``auto`` is decided
        again when the new client is assessed, as for any client). Its warnings include
        :data:`PLAN_WARNING`.
    plan : Plan
    changes : DataFrame
        **For analysts, not for reports** (``attrs["audience"] == "analyst"``: it names departments of any
        size). One row per person and step that changed them: :data:`CHANGE_COLUMNS`. ``kind`` is
        ``new_manager``, ``new_department``, ``new_manager_and_department``, ``added`` (a new position) or
        ``left``; ``action`` the step's action.
    decisions_rerouted : DataFrame
        One row per decision and step that changed it: :data:`REROUTE_COLUMNS` (approvers as counts;
        ``rule`` one of :data:`RULES`; ``new_decider_id`` missing for a decision left out).
    placeholders : tuple of str
        The ids of the new positions still in the organisation after the last step.
    language : str
        The language of :attr:`log`.
    step_entries : tuple
        What the steps did, as ``(step number or None, catalogue text)`` pairs; :attr:`entries` adds the
        stage the new organisation is assessed at (computed when the log is first read).
    """

    client: Client
    plan: Plan
    changes: pd.DataFrame
    decisions_rerouted: pd.DataFrame
    placeholders: tuple[str, ...]
    language: str = "en"
    step_entries: tuple[tuple[int | None, dict[str, Any]], ...] = field(default=(), repr=False)

    @cached_property
    def entries(self) -> tuple[tuple[int | None, dict[str, Any]], ...]:
        """The whole log as ``(step number or None, catalogue text)`` pairs, for :meth:`log_in`."""
        closing = [(None, text) for text in _stage_entries(self.client)] + [(None, {"key": "plan.log.not_predicted"})]
        return self.step_entries + tuple(closing)

    @property
    def log(self) -> list[str]:
        """What each step did, one plain-language line per fact, in :attr:`language`.

        Departments smaller than the client's minimum group size are never named ("1 small department");
        people appear by the ids the plan itself gives.
        """
        return self.log_in(self.language)

    def log_in(self, language: str) -> list[str]:
        """:attr:`log` in another language (``"en"`` or ``"zh"``)."""
        lines = []
        for step, text in self.entries:
            line = render_text(_localise(text, language), language)
            if step is not None:
                action = self.plan.steps[step - 1].action
                line = t("plan.log.step", language, n=step, action=t(f"plan.action.{action}", language), text=line)
            lines.append(line)
        return lines

    def people_affected(self) -> pd.DataFrame:
        """One row per person the plan changed, from before the plan to after it (for analysts, like
        :attr:`changes`).

        Returns
        -------
        DataFrame
            ``employee_id``, ``kind`` (``changed``, ``added``, ``left``, or ``added_and_left`` for a new
            position a later step removed), ``old_manager_id`` and ``old_department`` before the first step
            that changed them, ``new_manager_id`` and ``new_department`` after the last, ``steps`` (how many
            steps changed them), in the order they were first changed. A person moved and moved back is
            ``changed`` with equal old and new values.
        """
        cols = ["employee_id", "kind", "old_manager_id", "new_manager_id", "old_department", "new_department",
                "steps"]
        ch = self.changes
        if ch.empty:
            out = pd.DataFrame({c: pd.Series(dtype="int64" if c == "steps" else "str") for c in cols})
        else:
            first = ch.drop_duplicates("employee_id", keep="first").set_index("employee_id")
            last = ch.drop_duplicates("employee_id", keep="last").set_index("employee_id").loc[first.index]
            added, left = (first["kind"] == "added").to_numpy(), (last["kind"] == "left").to_numpy()
            kind = np.where(added & left, "added_and_left", np.where(added, "added", np.where(left, "left", "changed")))
            out = pd.DataFrame({"employee_id": first.index, "kind": kind,
                                "old_manager_id": first["old_manager_id"].to_numpy(),
                                "new_manager_id": last["new_manager_id"].to_numpy(),
                                "old_department": first["old_department"].to_numpy(),
                                "new_department": last["new_department"].to_numpy(),
                                "steps": ch.groupby("employee_id", sort=False).size().loc[first.index].to_numpy()})
            out = out.astype({c: "str" for c in cols if c != "steps"})
        out.attrs.update(self.changes.attrs)
        return out

    @property
    def summary(self) -> dict[str, int]:
        """Counts: ``people_before``, ``people_after``, ``changed`` (people whose manager or department the
        plan changed, counted once), ``added``, ``left``, ``decisions_rerouted`` (decisions whose decider or
        approvals changed, counted once), ``decisions_left_out``."""
        ch = self.changes
        rr = self.decisions_rerouted
        stayed = ch[~ch["kind"].isin(["added", "left"])]
        before = self.client.n_people - int((ch["kind"] == "added").sum()) + int((ch["kind"] == "left").sum())
        return {
            "people_before": before,
            "people_after": self.client.n_people,
            "changed": int(stayed["employee_id"].nunique()),
            "added": int((ch["kind"] == "added").sum()),
            "left": int((ch["kind"] == "left").sum()),
            "decisions_rerouted": int(rr.loc[rr["rule"] != "initiator_left", "decision_id"].nunique()),
            "decisions_left_out": int((rr["rule"] == "initiator_left").sum()),
        }


# --------------------------------------------------------------------------------------------------
# the organisation while steps apply
# --------------------------------------------------------------------------------------------------
class _Org:
    """People as arrays by position: ids, manager positions, departments, new positions' titles.

    Every person also has a ``uid`` that never changes while the plan applies (the client's people row, then
    one more per new position): decisions and snapshots refer to people by uid, so following them through
    moves, additions and removals is array indexing, never a lookup of ids.
    """

    def __init__(self, ids: np.ndarray, parent: np.ndarray, dept: np.ndarray):
        n = len(ids)
        self.ids, self.parent, self.dept = ids, parent, dept
        self.uid = np.arange(n, dtype=np.int64)
        self.title = np.full(n, None, dtype=object)
        self.n_original = n
        self.uid_ids = ids.copy()  # uid -> employee id, for everyone who was ever in the organisation
        self._hier: Hierarchy | None = None
        self._index: pd.Index | None = None
        self._where: np.ndarray | None = None
        self._sizes: pd.Series | None = None
        self._heads: np.ndarray | None = None

    @classmethod
    def from_people(cls, people: pd.DataFrame, hierarchy: Hierarchy) -> "_Org":
        return cls(ids=people["employee_id"].to_numpy(dtype=object).copy(), parent=hierarchy.parent.copy(),
                   dept=people["department"].to_numpy(dtype=object).copy())

    @property
    def row(self) -> np.ndarray:
        """Each position's row in the client's people (``-1`` for a new position)."""
        return np.where(self.uid < self.n_original, self.uid, -1)

    @property
    def n(self) -> int:
        return len(self.ids)

    def touched(self, *, ids: bool = False, departments: bool = False) -> None:
        """Forget what was derived from the arrays after a change."""
        self._hier, self._heads = None, None
        if ids:
            self._index, self._where = None, None
        if departments or ids:
            self._sizes = None

    @property
    def hier(self) -> Hierarchy:
        if self._hier is None:
            self._hier = Hierarchy(ids=self.ids, parent=self.parent)
        return self._hier

    @property
    def index(self) -> pd.Index:
        if self._index is None:
            self._index = pd.Index(self.ids)
        return self._index

    @property
    def sizes(self) -> pd.Series:
        """Headcount per department."""
        if self._sizes is None:
            self._sizes = pd.Series(self.dept).value_counts()
        return self._sizes

    @property
    def heads(self) -> np.ndarray:
        """Each person's department head (:func:`orgkit.areas.decisions.department_heads`)."""
        if self._heads is None:
            self._heads = department_heads(self.hier, self.dept)
        return self._heads

    def pos(self, ids: Any) -> np.ndarray:
        """Positions of employee ids (``-1`` for an id not in the organisation now)."""
        return self.index.get_indexer(np.asarray(ids, dtype=object)).astype(np.int64)

    def at(self, uids: np.ndarray) -> np.ndarray:
        """Positions of uids (``-1`` for someone who left)."""
        if self._where is None:
            self._where = np.full(len(self.uid_ids), -1, dtype=np.int64)
            self._where[self.uid] = np.arange(self.n, dtype=np.int64)
        return self._where[uids]

    def parent_uid(self) -> np.ndarray:
        """Each position's manager as a uid (``-1`` at the top)."""
        return np.where(self.parent >= 0, self.uid[np.maximum(self.parent, 0)], -1)

    def id_text(self, uids: np.ndarray) -> np.ndarray:
        """Employee ids of uids, ``None`` for ``-1``."""
        ids = np.append(self.uid_ids, None).astype(object)
        return ids[np.where(uids >= 0, uids, len(self.uid_ids))]

    def tops(self) -> np.ndarray:
        return np.flatnonzero(self.parent < 0)

    def subtree(self, p: int) -> np.ndarray:
        """Who is ``p`` or reports to ``p`` up the chain (a mask over positions)."""
        h = self.hier
        return h.ancestor_at_depth(np.arange(self.n), int(h.depth[p])) == p

    def in_department(self, name: str) -> np.ndarray:
        return self.dept == name

    def department_heads_of(self, name: str) -> np.ndarray:
        """The distinct heads of a department's people (several when it is split over subtrees)."""
        return np.unique(self.heads[self.in_department(name)])

    def manager_ids(self) -> np.ndarray:
        return self.id_text(self.parent_uid())

    def append(self, ids: np.ndarray, parent: np.ndarray, dept: np.ndarray, title: np.ndarray) -> None:
        ids = np.asarray(ids, dtype=object)
        first = len(self.uid_ids)
        self.uid_ids = np.concatenate([self.uid_ids, ids])
        self.uid = np.concatenate([self.uid, np.arange(first, first + len(ids), dtype=np.int64)])
        self.ids = np.concatenate([self.ids, ids])
        self.parent = np.concatenate([self.parent, np.asarray(parent, dtype=np.int64)])
        self.dept = np.concatenate([self.dept, np.asarray(dept, dtype=object)])
        self.title = np.concatenate([self.title, np.asarray(title, dtype=object)])
        self.touched(ids=True)

    def keep(self, keep: np.ndarray) -> None:
        """Drop the positions where ``keep`` is False; every manager pointer must point at a kept position."""
        remap = np.cumsum(keep) - 1
        parent = self.parent[keep]
        self.parent = np.where(parent >= 0, remap[np.maximum(parent, 0)], -1).astype(np.int64)
        self.ids, self.dept, self.uid, self.title = self.ids[keep], self.dept[keep], self.uid[keep], self.title[keep]
        self.touched(ids=True)

    def snapshot(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """Who is here, their managers (uids) and departments, and how many uids exist: for what a step changed."""
        return self.uid.copy(), self.parent_uid(), self.dept.copy(), len(self.uid_ids)


class _Decisions:
    """The decision records while steps apply: initiators, deciders and approvers by uid, and which rows are
    still in."""

    def __init__(self, decisions: pd.DataFrame | None, approvals: pd.DataFrame, org: _Org):
        self.frame = decisions
        n = 0 if decisions is None else len(decisions)
        self.n = n
        self.alive = np.ones(n, dtype=bool)
        if decisions is None:
            none = np.empty(0, dtype=np.int64)
            self.ids = self.types = np.empty(0, dtype=object)
            self.initiator = self.decider = self.appr_row = self.appr_id = none
        else:
            self.ids = decisions["decision_id"].to_numpy(dtype=object)
            self.initiator = org.pos(decisions["initiator_id"])  # before any step, positions are uids
            self.decider = org.pos(decisions["decider_id"])
            self.types = decisions["decision_type"].to_numpy(dtype=object)
            self.appr_row = pd.Index(decisions["decision_id"]).get_indexer(
                approvals["decision_id"].to_numpy(dtype=object)).astype(np.int64)
            self.appr_id = org.pos(approvals["approver_id"])
        self.appr_alive = np.ones(len(self.appr_row), dtype=bool)

    def approver_counts(self) -> np.ndarray:
        return np.bincount(self.appr_row[self.appr_alive], minlength=self.n).astype(np.int64)

    def frame_after(self, org: _Org) -> pd.DataFrame | None:
        """The decisions table of the new organisation (the loader's columns and types)."""
        if self.frame is None:
            return None
        rows = np.flatnonzero(self.alive)
        out = self.frame.iloc[rows].copy()
        out["decider_id"] = pd.Series(org.id_text(self.decider[rows]), index=out.index, dtype="str")
        keep = self.appr_alive & self.alive[self.appr_row]
        a_row, a_id = self.appr_row[keep], org.id_text(self.appr_id[keep])
        order = np.argsort(a_row, kind="stable")  # approvals stay in their recorded order within a decision
        a_row, a_id = a_row[order], a_id[order]
        counts = np.bincount(a_row, minlength=self.n)
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        lists = pa.LargeListArray.from_arrays(pa.array(offsets), pa.array(a_id, type=pa.large_string()))
        joined = pc.binary_join(lists, pa.scalar(";", type=pa.large_string())).take(pa.array(rows))
        out["approvers"] = pd.Series(joined, index=out.index, dtype="str").fillna("")
        out["n_approvers"] = counts[rows].astype("int64")
        return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# one run
# --------------------------------------------------------------------------------------------------
class _Run:
    """A plan being applied to one client."""

    def __init__(self, client: Client, plan: Plan):
        if not client.has_hierarchy:
            raise plan.error(None, "the client's people file has no manager_id column, so there are no reporting "
                             "lines to reorganise.", "Add manager_id to people.csv (see docs/data-contract.md).")
        self.client, self.plan = client, plan
        self.k = int(client.settings.min_group_size)
        self.org = _Org.from_people(client.people, client.hierarchy)
        self.dec = _Decisions(client.decisions, client.approvals, self.org)
        self.functions: dict[str, tuple[str, ...]] = dict(client.settings.functions)
        self.renamed: dict[str, str] = {}  # merged departments -> the department they became
        self.left: dict[str, int] = {}  # id -> the step in which they left
        self.entries: list[tuple[int | None, dict[str, Any]]] = []
        self.changes: list[pd.DataFrame] = []
        self.rerouted: list[pd.DataFrame] = []
        self.step: PlanStep | None = None
        self.pending: list[dict[str, Any]] = []  # what follows from a step, said after the step's own lines
        # per structural step: the decisions whose decider left in it
        self._decider_left = np.zeros(self.dec.n, dtype=bool)

    # -------------------------------------------------------------------------- messages and checks
    def fail(self, message: str, hint: str = "") -> PlanError:
        return self.plan.error(self.step, message, hint)

    def say(self, key: str, /, **values: Any) -> None:
        self.entries.append((None if self.step is None else self.step.number, {"key": key, **values}))

    def person(self, value: str, key: str) -> int:
        """The position of an employee id the step names, or a refusal that says why it is unknown."""
        p = int(self.org.pos([value])[0])
        if p >= 0:
            return p
        if value in self.left:
            raise self.fail(f"{key} {value!r} left the organisation in step {self.left[value]}.",
                            "Change that step or this one.")
        close = difflib.get_close_matches(value, [str(i) for i in self.org.ids], n=3, cutoff=0.8)
        hint = f"Did you mean {' or '.join(map(repr, close))}?" if close else "Use an employee_id of people.csv."
        raise self.fail(f"{key}: no one has the employee id {value!r}.", hint)

    def department(self, name: str, key: str = "department") -> str:
        """A department the step names, which must exist now."""
        if name in self.org.sizes.index:
            return name
        if name in self.renamed:
            raise self.fail(f"{key}: the department {name!r} was merged into another in an earlier step.",
                            "Name the department it became.")
        visible = [str(d) for d, n in self.org.sizes.items() if n >= self.k]
        close = difflib.get_close_matches(name, visible, n=3, cutoff=0.6)
        hint = (f"Did you mean {' or '.join(map(repr, close))}?" if close else
                "Use a department of people.csv (orgkit validate lists them).")
        raise self.fail(f"{key}: there is no department {name!r}.", hint)

    def new_department(self, name: str, key: str) -> str:
        """A department name the step creates, which must not exist yet."""
        if name in self.org.sizes.index:
            raise self.fail(f"{key}: the department {name!r} already exists.",
                            "Choose a new name, or move people into it with move (department:).")
        return name

    def dept_text(self, name: str, size: int) -> Any:
        """A department as the log shows it: its name, or "a small department" under the minimum group size."""
        return name if size >= self.k else {"key": "plan.log.a_small_department"}

    def depts_text(self, names: list[str], sizes: Mapping[str, int]) -> dict[str, Any]:
        shown = [n for n in names if sizes.get(n, 0) >= self.k]
        small = len(names) - len(shown)
        items: list[Any] = list(shown)
        if small:
            items.append({"key": "plan.log.small_departments", "n": small})
        return {"list": items, "as": "phrase"}

    def ids_text(self, ids: list[str]) -> dict[str, Any]:
        return {"list": list(ids), "as": "phrase", "limit": 6}

    def new_ids(self, count: int, given: list[str | None] | None = None) -> np.ndarray:
        """Ids for new positions: those the plan gives, else ``NEW-<step>-<k>``; never the id of anyone who is
        or was in the organisation while the plan applies."""
        given = given or [None] * count
        used = pd.Index(self.org.uid_ids)
        named = [g for g in given if g is not None]
        out = np.empty(count, dtype=object)
        seen: set[str] = set()
        for j, g in enumerate(given):  # the ids a plan gives: one per unit of an insert_layer step
            if g is not None:
                if used.get_indexer([g])[0] >= 0 or g in seen:
                    raise self.fail(f"the id {g!r} for a new position is already in use.", "Choose another id.")
                seen.add(g)
                out[j] = g
        free = np.array([g is None for g in given])
        k = int(free.sum())
        if k:
            prefix = f"NEW-{self.step.number}-"
            suffix = ""
            while True:  # a client whose ids already look like these gets a letter added until none clashes
                cand = np.char.add(prefix, np.char.add(np.arange(1, k + 1).astype(str), suffix)).astype(object)
                clash = (used.get_indexer(cand) >= 0) | np.isin(cand, np.array(named, dtype=object))
                if not clash.any():
                    break
                suffix += "x"
            out[free] = cand
        return out

    def check_top_moves(self, p: int, key: str) -> None:
        if self.org.parent[p] < 0 and len(self.org.tops()) == 1:
            raise self.fail(f"{key} {self.org.ids[p]!r} is the top of the organisation; it cannot report to anyone "
                            "in it.", "Move the people below instead.")

    # -------------------------------------------------------------------------- applying
    def run(self) -> None:
        for step in self.plan.steps:
            self.step = step
            structural = step.action in _STRUCTURAL
            before = self.org.snapshot() if step.action not in ("set_function", "delegate") else None
            above = self.deciders_above() if structural else None
            self._decider_left[:] = False
            old_decider, old_counts = self.dec.decider.copy(), self.dec.approver_counts()
            getattr(self, f"_{step.action}")(step)
            for text in self.pending:
                self.say(text["key"], **{k: v for k, v in text.items() if k != "key"})
            self.pending.clear()
            if structural:
                self.reroute(above, old_decider, old_counts)
            if before is not None:
                self.record_changes(before)
        self.step = None

    def deciders_above(self) -> np.ndarray:
        d = self.dec
        out = np.zeros(d.n, dtype=bool)
        live = np.flatnonzero(d.alive)
        if live.size:
            out[live] = sits_above(self.org.hier, self.org.at(d.decider[live]), self.org.at(d.initiator[live]))
        return out

    def reroute(self, above: np.ndarray, old_decider: np.ndarray, old_counts: np.ndarray) -> None:
        """After a structural step: the lowest common manager decides where the decider no longer sits above."""
        d, org = self.dec, self.org
        live = np.flatnonzero(d.alive)
        if not live.size:
            return
        i, k = org.at(d.initiator[live]), org.at(d.decider[live])
        h = org.hier
        lost = above[live] & ~sits_above(h, k, i)
        lcm = np.full(live.size, -1, dtype=np.int64)
        lcm[lost] = lowest_common_deciders(h, i[lost], k[lost])
        apart = lost & (lcm < 0)
        if apart.any():
            self.say("plan.log.no_common_manager", n=int(apart.sum()))
        moved = lost & (lcm >= 0)
        d.decider[live[moved]] = org.uid[lcm[moved]]
        rules = np.where(self._decider_left[live], "decider_left", np.where(moved, "lowest_common_manager", ""))
        self.drop_decider_approvals(live[moved | self._decider_left[live]])
        self.record_reroutes(live, rules.astype(object), old_decider, old_counts)
        n_lcm = int((moved & ~self._decider_left[live]).sum())
        if n_lcm:
            self.say("plan.log.rerouted", n=n_lcm)

    def drop_decider_approvals(self, rows: np.ndarray) -> None:
        """The decider of these decisions no longer approves them."""
        d = self.dec
        if not rows.size:
            return
        mask = np.zeros(d.n, dtype=bool)
        mask[rows] = True
        hit = mask[d.appr_row] & d.appr_alive
        d.appr_alive[hit] = d.appr_id[hit] != d.decider[d.appr_row[hit]]

    def record_reroutes(self, rows: np.ndarray, rules: np.ndarray, old_decider: np.ndarray,
                        old_counts: np.ndarray) -> None:
        """One row per decision of ``rows`` whose decider or approvals changed in this step."""
        d = self.dec
        counts = d.approver_counts()
        changed = (d.decider[rows] != old_decider[rows]) | (counts[rows] != old_counts[rows])
        rows, rules = rows[changed], rules[changed]
        rules = np.where(rules == "", "approver_left", rules).astype(object)
        if rows.size:
            org = self.org
            self.rerouted.append(pd.DataFrame({
                "decision_id": d.ids[rows], "step": self.step.number, "decision_type": d.types[rows],
                "initiator_id": org.id_text(d.initiator[rows]), "old_decider_id": org.id_text(old_decider[rows]),
                "new_decider_id": org.id_text(d.decider[rows]), "old_approvers": old_counts[rows],
                "new_approvers": counts[rows], "rule": rules}))

    def record_changes(self, before: tuple[np.ndarray, np.ndarray, np.ndarray, int]) -> None:
        b_uid, b_mgr, b_dept, b_count = before
        org = self.org
        a_mgr = org.parent_uid()
        at = org.at(b_uid)
        stays = at >= 0
        safe = np.where(stays, at, 0)
        new_mgr = np.where(stays, a_mgr[safe], -1)
        new_dept = np.where(stays, org.dept[safe], None)
        mgr_changed = stays & (b_mgr != new_mgr)
        dept_changed = stays & (b_dept != new_dept)
        kind = np.where(~stays, "left", np.where(mgr_changed & dept_changed, "new_manager_and_department",
                                                 np.where(mgr_changed, "new_manager", "new_department")))
        hit = ~stays | mgr_changed | dept_changed
        added = org.uid >= b_count
        frames = []
        if hit.any():
            frames.append(pd.DataFrame({"employee_id": org.id_text(b_uid[hit]), "kind": kind[hit],
                                        "old_manager_id": org.id_text(b_mgr[hit]),
                                        "new_manager_id": org.id_text(new_mgr[hit]), "old_department": b_dept[hit],
                                        "new_department": new_dept[hit]}))
        if added.any():
            frames.append(pd.DataFrame({"employee_id": org.ids[added], "kind": "added", "old_manager_id": None,
                                        "new_manager_id": org.id_text(a_mgr[added]), "old_department": None,
                                        "new_department": org.dept[added]}))
        if frames:
            out = pd.concat(frames, ignore_index=True)
            out.insert(1, "step", self.step.number)
            out.insert(2, "action", self.step.action)
            self.changes.append(out)

    def remove(self, leaving: np.ndarray) -> tuple[int, int]:
        """People leave; their reports report to the nearest manager above who stays, their decisions follow.

        Returns the number of people who left and of direct reports who got a new manager.
        """
        org, d = self.org, self.dec
        succ = successors(org.parent, leaving)
        parent = org.parent
        has = parent >= 0
        reports = np.zeros(org.n, dtype=bool)
        reports[has] = leaving[parent[has]] & ~leaving[has]
        org.parent = np.where(reports, succ, parent)
        gone_ids = org.ids[leaving]
        self.left.update(dict.fromkeys(map(str, gone_ids), self.step.number))
        live = np.flatnonzero(d.alive)
        if live.size:
            ipos, kpos = org.at(d.initiator[live]), org.at(d.decider[live])
            out = leaving[ipos]
            if out.any():
                rows = live[out]
                self.rerouted.append(pd.DataFrame({
                    "decision_id": d.ids[rows], "step": self.step.number, "decision_type": d.types[rows],
                    "initiator_id": org.id_text(d.initiator[rows]), "old_decider_id": org.id_text(d.decider[rows]),
                    "new_decider_id": None,
                    "old_approvers": d.approver_counts()[rows], "new_approvers": 0, "rule": "initiator_left"}))
                d.alive[rows] = False
                self.pending.append({"key": "plan.log.initiator_left", "n": int(out.sum())})
            gone = leaving[kpos] & ~out
            if gone.any():
                d.decider[live[gone]] = org.uid[succ[kpos[gone]]]
                self._decider_left[live[gone]] = True
                self.pending.append({"key": "plan.log.decider_left", "n": int(gone.sum())})
            a_live = d.appr_alive & d.alive[d.appr_row]
            a_out = np.zeros(len(d.appr_row), dtype=bool)
            a_out[a_live] = leaving[org.at(d.appr_id[a_live])]
            if a_out.any():
                d.appr_alive[a_out] = False
                self.pending.append({"key": "plan.log.approvers_left", "n": int(a_out.sum())})
        n_reports = int(reports.sum())
        org.keep(~leaving)
        return int(leaving.sum()), n_reports

    # -------------------------------------------------------------------------- the steps
    def _move(self, step: PlanStep) -> None:
        org = self.org
        manager = self.person(step.get("manager"), "manager") if step.get("manager") else None
        if step.get("department"):
            dept = self.department(step.get("department"))
        elif step.get("new_department"):
            dept = self.new_department(step.get("new_department"), "new_department")
        else:
            dept = None
        if step.get("team"):
            root = self.person(step.get("team"), "team")
            team = org.subtree(root)
            if manager is not None:
                if manager == root:
                    raise self.fail(f"{org.ids[manager]!r} cannot report to themself.", "")
                self.check_top_moves(root, "team")
                if team[manager]:
                    raise self.fail(f"moving the team of {org.ids[root]!r} under {org.ids[manager]!r} would make a "
                                    f"reporting cycle: {org.ids[manager]!r} is in that team.",
                                    "Choose a manager outside the team, or move the team's head alone with person:.")
                org.parent[root] = manager
            if dept is not None:
                org.dept[team] = dept
            org.touched(departments=dept is not None)
            n = int(team.sum())
            if manager is not None:
                self.say("plan.log.move_team", n=n, head=str(org.ids[root]), manager=str(org.ids[manager]))
            if dept is not None:
                self.say("plan.log.move_team_department", n=n, head=str(org.ids[root]),
                         department=self.dept_text(dept, int(org.sizes.get(dept, 0))))
            return
        people = [self.person(p, "person") for p in step.get("person")]
        pos = np.array(people, dtype=np.int64)
        if manager is not None:
            if manager in people:
                raise self.fail(f"{org.ids[manager]!r} cannot report to themself.", "")
            for p in people:
                self.check_top_moves(p, "person")
                if org.parent[p] < 0:
                    raise self.fail(f"person {org.ids[p]!r} is at the top of a reporting tree: their reports would "
                                    "have no manager.", "Move the whole team with team: instead.")
            moving = np.zeros(org.n, dtype=bool)
            moving[pos] = True
            succ = successors(org.parent, moving)
            has = org.parent >= 0
            reports = np.zeros(org.n, dtype=bool)
            reports[has] = moving[org.parent[has]] & ~moving[has]
            org.parent = np.where(reports, succ, org.parent)
            org.parent[pos] = manager
            org.touched()
            ids = [str(org.ids[p]) for p in people]
            self.say("plan.log.move_person", n=len(ids), ids=self.ids_text(ids), manager=str(org.ids[manager]))
            if reports.any():
                self.say("plan.log.reports_stay", n=int(reports.sum()))
        if dept is not None:
            org.dept[pos] = dept
            org.touched(departments=True)
            ids = [str(org.ids[p]) for p in people]
            self.say("plan.log.move_person_department", n=len(ids), ids=self.ids_text(ids),
                     department=self.dept_text(dept, int(org.sizes.get(dept, 0))))

    def _merge(self, step: PlanStep) -> None:
        org = self.org
        names = [self.department(n, "departments") for n in step.get("departments")]
        into = step.get("into")
        if into not in names and into in org.sizes.index:
            raise self.fail(f"into: {into!r} is a department that is not in departments:.",
                            "List it in departments: to merge it too, or give into: a new name.")
        sizes = {n: int(org.sizes[n]) for n in names}
        member = np.isin(org.dept, np.array(names, dtype=object))
        head = None
        if step.get("head"):
            head = self.person(step.get("head"), "head")
            if not member[head]:
                raise self.fail(f"head {org.ids[head]!r} is not in the departments merged.", "")
            has = org.parent >= 0
            tops = member.copy()
            tops[has] &= ~member[org.parent[has]]
            heads = np.flatnonzero(tops)
            if head not in heads:
                shown = ", ".join(repr(str(org.ids[x])) for x in heads[:6])
                raise self.fail(f"head {org.ids[head]!r} reports to someone in the departments merged; the head of "
                                f"the merged department is one of their heads ({shown}).", "")
            others = heads[heads != head]
            above = sits_above(org.hier, others, np.full(others.size, head))
            if above.any():
                raise self.fail(f"{org.ids[others[above][0]]!r}, a head of the departments merged, is above "
                                f"{org.ids[head]!r}: making them report to {org.ids[head]!r} would make a "
                                "reporting cycle.", f"Choose {org.ids[others[above][0]]!r} as head.")
            org.parent[others] = head
        org.dept[member] = into
        org.touched(departments=True)
        codes = tuple(dict.fromkeys(c for n in names for c in self.functions.pop(n, ())))
        if codes:
            self.functions[into] = codes
        for n in names:
            if n != into:
                self.renamed[n] = into
        self.renamed.pop(into, None)  # a name merged away earlier and given again is a department again
        self.say("plan.log.merge", n=int(member.sum()), departments=self.depts_text(names, sizes),
                 into=self.dept_text(into, int(member.sum())))
        if head is not None and others.size:
            self.say("plan.log.merge_head", n=int(others.size), head=str(org.ids[head]))

    def _split(self, step: PlanStep) -> None:
        org = self.org
        dept = self.department(step.get("department"))
        new = self.new_department(step.get("new"), "new")
        inside = org.in_department(dept)
        if step.get("people"):
            listed = list(step.get("people"))
            pos = org.pos(listed)  # one lookup for the whole list (a split of thousands of people)
            for j in np.flatnonzero(pos < 0)[:1]:
                self.person(listed[j], "people")  # refused with why the id is unknown
            outside = pos[~inside[pos]]
            if outside.size:
                raise self.fail(f"people: {org.ids[outside[0]]!r} is not in {dept!r} (they are in "
                                f"{org.dept[outside[0]]!r}).", "List only people of the department split.")
            chosen = np.zeros(org.n, dtype=bool)
            chosen[pos] = True
        elif step.get("team"):
            root = self.person(step.get("team"), "team")
            if not inside[root]:
                raise self.fail(f"team: {org.ids[root]!r} is not in {dept!r}.",
                                "Give the manager of a team inside the department split.")
            chosen = org.subtree(root) & inside
        else:
            if "location" not in self.client.people.columns:
                raise self.fail("location: people.csv has no location column.",
                                "Split by people: or team: instead.")
            where = self.locations()
            chosen = inside & (where == step.get("location"))
            if not chosen.any():
                seen = pd.Series(where[inside]).value_counts()
                shown = ", ".join(str(x) for x, n in seen.items() if n >= self.k) or "none large enough to name"
                raise self.fail(f"location: no one in {dept!r} has the location {step.get('location')!r}.",
                                f"Its locations: {shown}.")
        n = int(chosen.sum())
        if n == int(inside.sum()):
            raise self.fail(f"the split would move all {n} people of {dept!r}, leaving it empty.",
                            "To rename a department, use merge with departments: [its name] and into: the new name.")
        org.dept[chosen] = new
        org.touched(departments=True)
        if step.get("function"):
            self.functions[new] = step.get("function")
        elif dept in self.functions:
            self.functions[new] = self.functions[dept]
            self.say("plan.log.function_inherited", new=self.dept_text(new, n),
                     department=self.dept_text(dept, int(org.sizes[dept])),
                     functions=self.functions_text(self.functions[new]))
        self.say("plan.log.split" if n >= self.k else "plan.log.split_small", n=n,
                 department=self.dept_text(dept, n + int(org.sizes[dept])), **({"new": new} if n >= self.k else {}))

    def locations(self) -> np.ndarray:
        """Each position's location (``None`` for new positions)."""
        loc = self.client.people["location"].astype(object).to_numpy()
        return np.where(self.org.row >= 0, loc[np.maximum(self.org.row, 0)], None)

    def _insert_layer(self, step: PlanStep) -> None:
        org = self.org
        under = step.get("under", "top")
        if under == "top":
            tops = org.tops()
            if len(tops) != 1:
                raise self.fail(f"under: top is ambiguous: {len(tops)} people have no manager.",
                                "Give under: the id of the manager the new layer reports to.")
            u = int(tops[0])
        else:
            u = self.person(under, "under")
        below = org.subtree(u)
        below[u] = False
        units = step.get("units")
        ids = self.new_ids(len(units), [unit.get("id") for unit in units])
        depts = [unit.get("department") or unit["name"] for unit in units]
        for unit in units:
            if unit.get("department"):
                self.department(unit["department"], f"units ({unit['name']}).department")
        moves: list[np.ndarray] = []
        for unit in units:
            heads = []
            for name in unit["departments"]:
                self.department(name, f"units ({unit['name']}).departments")
                hs = org.department_heads_of(name)
                hs = hs[below[hs]]
                if not hs.size:
                    raise self.fail(f"no head of {name!r} reports to {org.ids[u]!r} or below: a layer cannot be "
                                    "inserted above it there.", "Give under: a manager above that department.")
                heads.append(hs)
            moves.append(np.unique(np.concatenate(heads)))
        sizes = org.sizes
        n0 = org.n
        org.append(ids, np.full(len(units), u), np.array(depts, dtype=object),
                   np.array([unit.get("title") for unit in units], dtype=object))
        for j, hs in enumerate(moves):
            org.parent[hs] = n0 + j
        org.touched()
        under_text = {"key": "plan.log.top"} if under == "top" else str(org.ids[u])
        for j, unit in enumerate(units):
            n = int(sum(int(sizes[d]) for d in unit["departments"]))
            # a unit named like its head's department is shown as that department is (usually one person)
            shown = int(org.sizes[depts[j]]) if depts[j] == unit["name"] else n
            self.say("plan.log.insert_unit", n=n, id=str(ids[j]), unit=self.dept_text(unit["name"], shown),
                     under=under_text, departments=self.depts_text(list(unit["departments"]), sizes))

    def _remove_layer(self, step: PlanStep) -> None:
        org = self.org
        h = org.hier
        if step.get("layer"):
            layer = step.get("layer")
            if layer == 1:
                raise self.fail("layer 1 is the top of the organisation; it cannot be removed.", "")
            if layer > h.layers:
                raise self.fail(f"layer {layer}: the organisation has {h.layers} layers.", "")
            leaving = (h.depth == layer - 1) & (h.n_reports > 0)
            if not leaving.any():
                raise self.fail(f"no one on layer {layer} has direct reports: there is no layer of managers to "
                                "remove.", "")
        else:
            pos = np.array([self.person(m, "manager") for m in step.get("manager")], dtype=np.int64)
            for p in pos:
                if org.parent[p] < 0:
                    raise self.fail(f"manager {org.ids[p]!r} is at the top of the organisation; the top cannot be "
                                    "removed.", "")
                if h.n_reports[p] == 0:
                    raise self.fail(f"manager {org.ids[p]!r} has no direct reports: there is no layer to remove.",
                                    "To remove a position, use headcount with remove: [id].")
            leaving = np.zeros(org.n, dtype=bool)
            leaving[pos] = True
        n, reports = self.remove(leaving)
        if step.get("layer"):
            self.say("plan.log.remove_layer", n=n, layer=step.get("layer"), reports=reports)
        else:
            self.say("plan.log.remove_managers", n=n, ids=self.ids_text(list(step.get("manager"))), reports=reports)

    def _set_function(self, step: PlanStep) -> None:
        dept = self.department(step.get("department"))
        self.functions[dept] = step.get("function")
        self.say("plan.log.set_function", department=self.dept_text(dept, int(self.org.sizes[dept])),
                 functions=self.functions_text(step.get("function")))

    def functions_text(self, codes: tuple[str, ...]) -> dict[str, Any]:
        return {"list": [{"key": f"function.{c}"} if c in FUNCTIONS else {"key": f"other_function.{c}"}
                         for c in codes], "as": "phrase"}

    def _delegate(self, step: PlanStep) -> None:
        d, org = self.dec, self.org
        if d.n == 0 or not d.alive.any():
            raise self.fail("the client has no decision records to delegate.",
                            "Add decisions.csv (see docs/data-contract.md), or leave this step out.")
        recorded = pd.unique(d.types[d.alive])
        types = step.get("types")
        if types != "all":
            unknown = [x for x in types if x not in set(recorded)]
            if unknown:
                raise self.fail(f"types: no recorded decision has the type {unknown[0]!r}.",
                                f"The recorded types: {', '.join(map(str, sorted(recorded)))}; or write types: all.")
        rows = np.flatnonzero(d.alive & (np.isin(d.types, np.array(list(recorded if types == 'all' else types),
                                                                     dtype=object))))
        old_decider, old_counts = d.decider.copy(), d.approver_counts()
        i, k = org.at(d.initiator[rows]), org.at(d.decider[rows])
        layers = step.get("max_layers_above")
        new = delegated_deciders(org.hier, org.dept, i, k, to=step.get("to"), max_layers_above=layers)
        changed = new != k
        rows_c = rows[changed]
        d.decider[rows_c] = org.uid[new[changed]]
        # approvals of the decisions that moved: those at or below the new decider's layer stay
        mask = np.zeros(d.n, dtype=bool)
        mask[rows_c] = True
        hit = mask[d.appr_row] & d.appr_alive
        if hit.any():
            decider_pos = org.at(d.decider[d.appr_row[hit]])
            d.appr_alive[hit] = kept_approvers(org.hier, org.at(d.appr_id[hit]), decider_pos)
        rule = "delegated_to_department_head" if layers is None else "delegated_layers_above"
        self.record_reroutes(rows_c, np.full(rows_c.size, rule, dtype=object), old_decider, old_counts)
        dropped = int(old_counts[rows_c].sum() - d.approver_counts()[rows_c].sum())
        shown_types = {"list": list(map(str, types if types != "all" else sorted(recorded))), "as": "phrase",
                       "limit": 6}
        if layers is None:
            self.say("plan.log.delegate_head", n=int(changed.sum()), types=shown_types, approvals=dropped)
        else:
            self.say("plan.log.delegate_layers", n=int(changed.sum()), types=shown_types, approvals=dropped,
                     layers=layers)
        if (~changed).any():
            self.say("plan.log.delegate_kept", n=int((~changed).sum()))

    def _headcount(self, step: PlanStep) -> None:
        org = self.org
        dept = self.department(step.get("department"))
        if step.get("add"):
            count = step.get("add")
            if step.get("manager"):
                m = self.person(step.get("manager"), "manager")
            else:
                heads = org.department_heads_of(dept)
                if heads.size != 1:
                    shown = ", ".join(repr(str(org.ids[x])) for x in heads[:6])
                    raise self.fail(f"{dept!r} has {heads.size} heads ({shown}): which one the new positions report "
                                    "to is not clear.", "Give manager: the id of one of them.")
                m = int(heads[0])
            ids = self.new_ids(count)
            org.append(ids, np.full(count, m), np.full(count, dept, dtype=object),
                       np.full(count, step.get("title"), dtype=object))
            self.say("plan.log.headcount_add", n=count, department=self.dept_text(dept, int(org.sizes[dept])),
                     manager=str(org.ids[m]))
            return
        remove = step.get("remove")
        inside = org.in_department(dept)
        if isinstance(remove, int):
            spare = np.flatnonzero(inside & (org.row < 0))
            if remove > spare.size:
                raise self.fail(f"remove: {remove} is more than the {spare.size} new positions in {dept!r}.",
                                "headcount remove: N removes new positions an earlier step added; list the ids "
                                "of people to remove instead (remove: [E0012, ...]).")
            chosen = spare[spare.size - remove:]
        else:
            chosen = np.array([self.person(p, "remove") for p in remove], dtype=np.int64)
            outside = chosen[~inside[chosen]]
            if outside.size:
                raise self.fail(f"remove: {org.ids[outside[0]]!r} is not in {dept!r}.",
                                "List only people of that department.")
            tops = chosen[org.parent[chosen] < 0]
            if tops.size:
                raise self.fail(f"remove: {org.ids[tops[0]]!r} is at the top of the organisation.", "")
        leaving = np.zeros(org.n, dtype=bool)
        leaving[chosen] = True
        size = int(org.sizes[dept])
        n, reports = self.remove(leaving)
        self.say("plan.log.headcount_remove", n=n, department=self.dept_text(dept, size - n))
        if reports:
            self.say("plan.log.reports_stay", n=reports)

    # -------------------------------------------------------------------------- the new client
    def result(self, language: str) -> PlanResult:
        client, org = self.client, self.org
        settings = dataclasses.replace(client.settings, functions=dict(self.functions),
                                       stage=self.plan.stage or client.settings.stage)
        structure = pd.DataFrame({"employee_id": org.ids, "department": org.dept, "manager_id": org.manager_ids()})
        try:
            checked, people_warnings = validate_people(structure, min_group_size=settings.min_group_size,
                                                       functions=settings.functions)
        except ValidationError as exc:  # the steps keep every check; a failure here is orgkit's own fault
            raise PlanError("the organisation the plan gives does not pass the checks of a loaded client: "
                            + "; ".join(map(str, exc.problems)), file=self.plan.file) from exc
        people = self.people_after(checked)
        communication = client.communication
        left = np.array(list(self.left), dtype=object)
        ties_out = 0
        if communication is not None and left.size:
            gone = (communication["source_id"].isin(left) | communication["target_id"].isin(left)).to_numpy()
            ties_out = int(gone.sum())
            if ties_out:
                communication = communication.loc[~gone].reset_index(drop=True)
        if ties_out:
            self.say("plan.log.ties_left", n=ties_out)
        # a merged department's responsibilities and survey answers are the department it became
        final = {old: self.final_name(old) for old in self.renamed}
        responsibilities, survey, survey_previous = client.responsibilities, client.survey, client.survey_previous
        if final:
            if responsibilities is not None:
                responsibilities = (responsibilities.assign(department=responsibilities["department"].replace(final))
                                    .drop_duplicates().reset_index(drop=True))
            if survey is not None:
                survey = survey.assign(department=survey["department"].replace(final))
            if survey_previous is not None:
                survey_previous = survey_previous.assign(department=survey_previous["department"].replace(final))
        n_steps = len(self.plan.steps)
        note = DataWarning.make(PLAN_WARNING, self.plan.file, "plan.warning.result", n_steps, n=n_steps,
                                plan=self.plan.name)
        warnings = tuple(w for w in client.warnings if w.code not in _PEOPLE_CODES) + tuple(people_warnings) + (note,)
        new = Client(path=client.path, settings=settings, people=people, communication=communication,
                     survey=survey, survey_items=client.survey_items, survey_previous=survey_previous,
                     decisions=self.dec.frame_after(org), responsibilities=responsibilities, warnings=warnings,
                     sources=dict(client.sources), dropped=client.dropped)
        changes = (pd.concat(self.changes, ignore_index=True) if self.changes
                   else pd.DataFrame({c: pd.Series(dtype="int64" if c == "step" else "str") for c in CHANGE_COLUMNS}))
        changes = changes[list(CHANGE_COLUMNS)].astype({c: "str" for c in CHANGE_COLUMNS if c != "step"})
        changes["step"] = changes["step"].astype("int64")
        changes.attrs.update(audience="analyst", note="names departments of any size: for the analyst, not for "
                                                      "a report (PlanResult.log keeps small departments unnamed)")
        rerouted = (pd.concat(self.rerouted, ignore_index=True) if self.rerouted else pd.DataFrame(
            {c: pd.Series(dtype="int64" if c in ("step", "old_approvers", "new_approvers") else "str")
             for c in REROUTE_COLUMNS}))
        rerouted = rerouted[list(REROUTE_COLUMNS)].astype(
            {c: "str" for c in REROUTE_COLUMNS if c not in ("step", "old_approvers", "new_approvers")})
        rerouted = rerouted.astype({"step": "int64", "old_approvers": "int64", "new_approvers": "int64"})
        entries = [(None, {"key": "plan.log.plan", "n": n_steps, "plan": self.plan.name, "client": client.name,
                           "before": client.n_people, "after": new.n_people})] + self.entries
        placeholders = tuple(str(i) for i in org.ids[org.row < 0])
        logger.info("plan %s applied to %s: %d steps, %d -> %d people", self.plan.name, client.name, n_steps,
                    client.n_people, new.n_people)
        return PlanResult(client=new, plan=self.plan, changes=changes, decisions_rerouted=rerouted,
                          placeholders=placeholders, language=language, step_entries=tuple(entries))

    def final_name(self, name: str) -> str:
        """The department a merged department's name ended up in (merges can follow one another)."""
        while name in self.renamed:
            name = self.renamed[name]
        return name

    def people_after(self, checked: pd.DataFrame) -> pd.DataFrame:
        """The people table in position order: the client's rows that stay and the new positions, with the
        checked ``employee_id``, ``department`` and ``manager_id``."""
        org, base = self.org, self.client.people
        old = org.row >= 0
        kept = base.take(org.row[old])
        n_new = int((~old).sum())
        if n_new:
            blank = pd.DataFrame({c: pd.Series(index=range(n_new), dtype=base[c].dtype) for c in base.columns})
            if "title" in blank.columns or org.title[~old].any():
                blank["title"] = pd.Series(org.title[~old], dtype="str")
            frame = pd.concat([kept, blank], ignore_index=True)
            order = np.empty(org.n, dtype=np.int64)
            order[np.flatnonzero(old)] = np.arange(int(old.sum()))
            order[np.flatnonzero(~old)] = int(old.sum()) + np.arange(n_new)
            frame = frame.take(order).reset_index(drop=True)
        else:
            frame = kept.reset_index(drop=True)
        for c in ("employee_id", "department", "manager_id"):
            frame[c] = checked[c]
        return frame


def _stage_entries(client: Client) -> list[dict[str, Any]]:
    """The stage the new organisation is assessed at and why, and what its structure alone would say when
    a fixed stage differs (:func:`orgkit.areas.structure.placement`, the structure area's own decision)."""
    from orgkit.areas.structure import placement
    from orgkit.framework import decide_stage, stage_word
    from orgkit.industries import PROFILES

    p = placement(client)
    by_size = PROFILES[p.industry.industry].stages_by_size
    out = [{"key": "plan.log.stage", "people": client.n_people,
            "stage": _by_language(stage_word, p.stage.stage, by_size=by_size),
            "reason": _by_language(p.stage.reason, by_size=by_size)}]
    if client.settings.stage != "auto":
        h = client.hierarchy
        mapping = p.mapping
        placed = mapping["placed"].to_numpy(dtype=bool)
        several = (mapping["functions"].str.len() + mapping["other"].str.len() >= 2).to_numpy()
        auto = decide_stage("auto", client.people, depth=h.depth, n_reports=h.n_reports,
                            units=int(mapping["unit_kind"].notna().sum()),
                            merged=mapping.loc[placed & several, "department"], thresholds=client.settings.thresholds)
        if auto.stage != p.stage.stage:
            out.append({"key": "plan.log.stage_auto", "stage": _by_language(stage_word, auto.stage, by_size=by_size),
                        "reason": _by_language(auto.reason, by_size=by_size)})
    return out


# --------------------------------------------------------------------------------------------------
# log values written in each language when they come from elsewhere (a stage's reason)
# --------------------------------------------------------------------------------------------------
def _by_language(func: Any, *args: Any, **kwargs: Any) -> dict[str, dict[str, str]]:
    """``func(*args, language, **kwargs)`` in every language, for :func:`_localise`."""
    from orgkit.i18n import LANGUAGES

    return {"by_language": {lang: func(*args, lang, **kwargs) for lang in LANGUAGES}}


def _localise(value: Any, language: str) -> Any:
    """A log entry with every ``{"by_language": {...}}`` replaced by its text in ``language``."""
    if isinstance(value, Mapping):
        if "by_language" in value:
            return value["by_language"][language]
        return {k: _localise(v, language) for k, v in value.items()}
    if isinstance(value, list):
        return [_localise(v, language) for v in value]
    return value


def apply_plan(client: Client, plan: Plan | Mapping[str, Any] | str | Any, *, language: str | None = None) -> PlanResult:
    """Apply a reorganisation plan to a client: a new validated client, who changed, and why.

    Parameters
    ----------
    client : Client
        A loaded client (with a ``manager_id`` column: a plan reorganises reporting lines).
    plan : Plan, path or mapping
        A :class:`Plan`, or what :func:`orgkit.scenario.plan.load_plan` reads.
    language : {"en", "zh"}, optional
        The language of :attr:`PlanResult.log` (default: the client's).

    Returns
    -------
    PlanResult

    Raises
    ------
    PlanError
        The first step that cannot apply, with its number: an unknown id or department, a move that makes a
        reporting cycle or puts the top under someone, a merge of a department into itself, a layer
        inserted under nobody, a split naming people of another department, removing more people than
        exist, a delegation of decision types nobody recorded. Nothing is changed: the client given is
        never modified.

    Notes
    -----
    Steps apply in order, each checked against the organisation the steps before it left. Decisions are
    re-routed after every step that changes reporting lines: a decision whose decider sat above its
    initiator before the step and no longer does goes to their lowest common manager
    (:func:`orgkit.scenario.routing.lowest_common_deciders`); a decider who leaves hands their decisions to
    the manager who takes over their reports; an approver who leaves drops out of the approvals; a
    decision raised by someone who leaves is left out. ``delegate`` steps follow
    :func:`orgkit.scenario.routing.delegated_deciders`. Survey answers and communication are not predicted:
    they are those recorded in the current organisation (communication rows of people who left are
    dropped; the answers and responsibilities of merged departments are pooled under the name they became),
    and the new client's warnings say it is a plan's result.

    Examples
    --------
    >>> import orgkit
    >>> client = orgkit.load_client(orgkit.sample.sample_client_path())
    >>> result = apply_plan(client, {"name": "delayer", "steps": [{"action": "remove_layer", "layer": 3}]})
    >>> result.client.hierarchy.layers, client.hierarchy.layers
    (3, 4)
    """
    plan = load_plan(plan)
    run = _Run(client, plan)
    run.run()
    return run.result(language or client.settings.language)
