"""Approval logs from any platform -> orgkit's decisions: one rule set, so imports are comparable.

A format hands :func:`build_decisions` two frames:

* **instances** — one row per approval (rows repeated by a detail sub-table are read once):
  ``decision_id``, ``decision_type`` (the approval *template* or form name — never a title, which holds
  the applicant's name), ``initiator``, ``raised_at``, ``finished_at``, ``status`` (one of
  :data:`STATUSES`), optionally ``current`` (whom a pending approval waits on);
* **steps** — the approval record: ``decision_id``, ``actor``, ``node``, ``at``, ``action`` (one of
  :data:`ACTIONS`), in the order the platform lists them.

People may be given by employee id, account id, e-mail or name: with a :class:`Directory` they are
resolved (an ambiguous name stays unresolved and is counted).

Rules (``docs/importing.md``):

* **A hop** is an approve, reject, transfer (转交) or return (退回) by someone other than the initiator's
  submission. A copy (抄送) and a comment (评论) are not hops. ``approvers`` lists the people of the hops in
  time order, a person once per run of consecutive steps.
* **The decider** is who took the last approve or reject; for a pending approval, whom it waits on
  (``current``), else the last person who acted.
* **decided_at** is the platform's completion time; without one, the time of the last approve or reject.
  A comment added after completion never moves it. A pending approval is an open decision: ``decided_at``
  empty, never dropped.
* **Withdrawn** (撤销) approvals were never decided: they are left out and counted.
* ``--since``/``--until`` select approvals by when they were raised.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from orgkit.importers.base import DECISION_COLUMNS, ImportLog, ImportOptions
from orgkit.importers.people import Directory

__all__ = ["build_decisions", "ACTIONS", "HOP_ACTIONS", "DECISIVE_ACTIONS", "STATUSES"]

#: Step actions every format maps its own words to.
ACTIONS = ("submit", "approve", "reject", "transfer", "return", "comment", "cc", "add", "withdraw", "other")
#: Actions that are a hop on the decision path.
HOP_ACTIONS = frozenset({"approve", "reject", "transfer", "return"})
#: Actions that decide.
DECISIVE_ACTIONS = frozenset({"approve", "reject"})
#: Instance statuses every format maps its own words to.
STATUSES = ("approved", "rejected", "pending", "withdrawn", "other")


def build_decisions(instances: pd.DataFrame, steps: pd.DataFrame | None, *, file: str, options: ImportOptions,
                    log: ImportLog, directory: Directory | None = None) -> pd.DataFrame:
    """orgkit's decisions table from approval instances and their steps (see the module docstring).

    Returns
    -------
    DataFrame
        :data:`~orgkit.importers.base.DECISION_COLUMNS`; ``raised_at``/``decided_at`` naive client time,
        ``decided_at`` ``NaT`` for open decisions; sorted by ``decision_id``.
    """
    inst = instances.copy()
    for col in ("current",):
        if col not in inst.columns:
            inst[col] = ""
    n = len(inst)
    inst = inst.drop_duplicates("decision_id", keep="first")
    if len(inst) < n:
        log.note(f"{n - len(inst):,} rows repeat an approval (a detail sub-table); each approval read once")
    blank = inst["decision_id"].astype("str").str.strip() == ""
    log.dropped(int(blank.sum()), "approvals", "no approval number")
    inst = inst[~blank]
    withdrawn = (inst["status"] == "withdrawn").to_numpy()
    log.dropped(int(withdrawn.sum()), "approvals", "withdrawn by the applicant, so never decided")
    inst = inst[~withdrawn]
    if options.since is not None or options.until is not None:
        keep = np.ones(len(inst), dtype=bool)
        if options.since is not None:
            keep &= (inst["raised_at"] >= pd.Timestamp(options.since)).to_numpy()
        if options.until is not None:
            keep &= (inst["raised_at"] < pd.Timestamp(options.until)).to_numpy()
        log.dropped(int((~keep).sum()), "approvals", "raised outside --since/--until")
        inst = inst[keep]
    if inst.empty:  # nothing to decide on: the writer reports it (and refuses a folder with nothing in it)
        log.note("no decision to write: " + (log.left_out("approvals") or "the export holds no approval"))
        log.count("decisions", 0)
        return pd.DataFrame({c: pd.Series([], dtype="datetime64[ns]" if c.endswith("_at") else "str")
                             for c in DECISION_COLUMNS})
    if steps is None:
        steps = pd.DataFrame({"decision_id": pd.Series([], dtype="str"), "actor": pd.Series([], dtype="str"),
                              "node": pd.Series([], dtype="str"), "at": pd.Series([], dtype="datetime64[ns]"),
                              "action": pd.Series([], dtype="str")})
    st = steps[steps["decision_id"].isin(inst["decision_id"])].copy()
    if directory is not None:
        st["actor"] = directory.resolve(st["actor"], what=f"{file}: approvers", log=log)
        inst["initiator"] = directory.resolve(inst["initiator"], what=f"{file}: applicants", log=log)
        inst["current"] = directory.resolve(inst["current"], what=f"{file}: current approvers", log=None)
    st["_order"] = np.arange(len(st))
    st = st.sort_values(["decision_id", "at", "_order"], kind="stable", na_position="last")
    counts = st["action"].value_counts()
    log.note("approval steps read: " + ", ".join(f"{a} {int(counts.get(a, 0)):,}" for a in ACTIONS
                                                 if counts.get(a, 0)))
    hop = st["action"].isin(HOP_ACTIONS).to_numpy() & (st["actor"] != "").to_numpy()
    hops = st[hop]
    # a person once per run of consecutive steps
    same = (hops["decision_id"] == hops["decision_id"].shift()) & (hops["actor"] == hops["actor"].shift())
    hops = hops[~same.to_numpy()]
    approvers = _join_runs(hops["decision_id"], hops["actor"])
    decisive = st[st["action"].isin(DECISIVE_ACTIONS).to_numpy() & (st["actor"] != "").to_numpy()]
    finished = inst.set_index("decision_id")["finished_at"]
    # steps after completion (a late comment, a late approve in a parallel node) do not decide
    late = decisive["at"] > decisive["decision_id"].map(finished)
    decisive = decisive[~late.fillna(False).to_numpy()]
    last = decisive.groupby("decision_id", sort=False).tail(1).set_index("decision_id")
    last_any = hops.groupby("decision_id", sort=False).tail(1).set_index("decision_id")
    ids = inst["decision_id"]
    pending = (inst["status"] == "pending").to_numpy()
    decider = _by_id(ids, last["actor"], "")
    waiting = inst["current"].where(inst["current"] != "", _by_id(ids, last_any["actor"], ""))
    decider = decider.where(~pending, waiting)
    decider = decider.where(decider != "", _by_id(ids, last_any["actor"], ""))
    no_decider = (decider == "").to_numpy()
    decided_at = inst["finished_at"].where(inst["finished_at"].notna(), _by_id(ids, last["at"], pd.NaT))
    decided_at = decided_at.where(~pending, pd.NaT)
    out = pd.DataFrame({
        "decision_id": ids.astype("str").to_numpy(),
        "decision_type": inst["decision_type"].astype("str").to_numpy(),
        "initiator_id": inst["initiator"].astype("str").to_numpy(),
        "decider_id": decider.astype("str").to_numpy(),
        "approvers": _by_id(ids, approvers, "").astype("str").to_numpy(),
        "raised_at": pd.to_datetime(inst["raised_at"]).to_numpy(),
        "decided_at": pd.to_datetime(decided_at).to_numpy(),
    })
    if no_decider.any():
        log.dropped(int(no_decider.sum()), "approvals", "nobody approved, rejected or holds them (no decider)")
        out = out[~no_decider]
    no_initiator = (out["initiator_id"] == "").to_numpy()
    log.dropped(int(no_initiator.sum()), "approvals", "the applicant is not in the directory")
    out = out[~no_initiator]
    no_type = (out["decision_type"] == "").to_numpy()
    if no_type.any():
        out.loc[no_type, "decision_type"] = "unnamed form"
        log.note(f"{int(no_type.sum()):,} approvals have no template name; typed 'unnamed form'")
    n_open = int(out["decided_at"].isna().sum())
    log.note(f"decisions written: {len(out):,} ({n_open:,} open, still pending), "
             f"{out['decision_type'].nunique():,} types")
    log.count("decisions", len(out))
    return out[list(DECISION_COLUMNS)].sort_values("decision_id", kind="stable").reset_index(drop=True)


def _by_id(ids: pd.Series, values: pd.Series, missing: object) -> pd.Series:
    """``values`` (indexed by decision id) for each of ``ids``; ``missing`` where there is none.

    When nobody has approved or rejected anything yet, ``values`` is empty: mapping through an empty series
    of times fails in pandas, so that case is built directly.
    """
    if values.empty:
        return pd.Series(missing, index=ids.index, dtype=values.dtype)
    return ids.map(values).fillna(missing)


def _join_runs(keys: pd.Series, values: pd.Series) -> pd.Series:
    """``values`` joined by ``;`` per run of equal ``keys`` (rows grouped by key), indexed by key."""
    if keys.empty:
        return pd.Series([], dtype="str")
    k = keys.to_numpy()
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    text = (values.astype("str") + ";").to_numpy(dtype=object)
    joined = pd.Series(np.add.reduceat(text, starts), index=k[starts], dtype="str")
    return joined.str[:-1]

