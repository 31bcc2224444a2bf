"""Two snapshots of one client: who joined, left and moved, which departments were kept, renamed, merged or split.

:func:`compare_snapshots` is what ``orgkit compare OLD_DIR NEW_DIR`` calls: it matches people by
``employee_id`` (and says how many ids could not be matched, and how many look like the same id in another
format), matches departments by the people they share (:func:`match_departments`), then compares every area
with :func:`orgkit.scenario.compare.compare_states` (``kind="reassessment"``), survey waves included.
:func:`later_snapshot` makes a synthetic later snapshot of a client, for demonstrations and the comparison
notebook's default run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from orgkit.data.client import Client
from orgkit.files.jsonsafe import to_jsonable
from orgkit.thresholds import Thresholds

__all__ = [
    "DEPARTMENT_CHANGES",
    "SnapshotMatch",
    "match_departments",
    "id_format_matches",
    "compare_snapshots",
    "later_snapshot",
]

#: What can happen to a department between snapshots, in the order the report lists them.
DEPARTMENT_CHANGES = ("renamed", "merged", "split", "created", "removed", "kept")


@dataclass(frozen=True, eq=False)
class SnapshotMatch:
    """How two snapshots of a client were matched.

    Attributes
    ----------
    departments : DataFrame
        One row per department relation (:func:`match_departments`): ``change`` (one of
        :data:`DEPARTMENT_CHANGES`), ``old``, ``new`` (missing for a created or removed department),
        ``shared`` (people in both snapshots who were in ``old`` and are in ``new``), ``jaccard``,
        ``share_of_old``, ``share_of_new``, ``old_size``, ``new_size`` (headcounts of each snapshot).
    ids : dict
        ``old`` and ``new`` (people per snapshot), ``matched`` (ids in both), ``unmatched_old`` (left),
        ``unmatched_new`` (joined), ``format_matches`` (unmatched ids of the new snapshot that look like an
        unmatched old id in another format, see :func:`id_format_matches`; they are *not* matched, only
        counted).
    thresholds : dict
        The department-matching thresholds used (``compare.department.*``).
    """

    departments: pd.DataFrame
    ids: dict[str, int]
    thresholds: dict[str, float] = field(default_factory=dict)
    old_sizes: pd.Series = field(default_factory=lambda: pd.Series(dtype="int64"))
    new_sizes: pd.Series = field(default_factory=lambda: pd.Series(dtype="int64"))

    @property
    def department_map(self) -> dict[str, str]:
        """Old name -> new name of every renamed department."""
        r = self.departments[self.departments["change"] == "renamed"]
        return dict(zip(r["old"].astype("str"), r["new"].astype("str")))

    def shown(self, min_group_size: int) -> tuple[pd.DataFrame, int]:
        """The department relations that may be shown, and how many were left out.

        A relation is shown only when each department it names has at least ``min_group_size`` people in
        its own snapshot; ``shared`` is blanked when fewer than that many people are shared (it is a group
        too). Kept departments are left out (they are the unchanged rest).
        """
        k = int(min_group_size)
        d = self.departments[self.departments["change"] != "kept"]
        old_ok = d["old"].isna() | (d["old"].map(self.old_sizes).fillna(0) >= k)
        new_ok = d["new"].isna() | (d["new"].map(self.new_sizes).fillna(0) >= k)
        ok = (old_ok & new_ok).to_numpy()
        out = d[ok].copy()
        out["shared"] = out["shared"].astype("Int64")
        out.loc[(out["shared"] > 0) & (out["shared"] < k), "shared"] = pd.NA
        return out.reset_index(drop=True), int((~ok).sum())

    def to_dict(self, min_group_size: int) -> dict[str, Any]:
        """``comparison.json``'s ``snapshots`` block: the id counts and the department relations that may be
        shown (the others counted)."""
        shown, hidden = self.shown(min_group_size)
        kept = self.departments[self.departments["change"] == "kept"]
        kept_visible = int((kept["old"].map(self.old_sizes).fillna(0) >= min_group_size).sum())
        return to_jsonable({
            "ids": self.ids,
            "thresholds": self.thresholds,
            "departments": shown[["change", "old", "new", "shared", "jaccard", "share_of_old", "share_of_new"]]
            .astype(object).where(shown[["change", "old", "new", "shared", "jaccard", "share_of_old",
                                         "share_of_new"]].notna(), None).to_dict("records"),
            "departments_hidden": hidden,
            "departments_kept": {"count": int(len(kept)), "shown_kept": kept_visible},
            "changes": {c: int((self.departments["change"] == c).sum()) for c in DEPARTMENT_CHANGES},
        })


_ID_PARTS = re.compile(r"[^0-9a-z]+")


def _id_parts(ids: pd.Index) -> pd.DataFrame:
    """An id's letters and its number, with case, punctuation and leading zeros ignored."""
    s = pd.Series(ids.astype("str"), dtype="str").str.lower().str.replace(_ID_PARTS, "", regex=True)
    letters = s.str.replace(r"[0-9]", "", regex=True)
    digits = s.str.replace(r"[^0-9]", "", regex=True)
    number = digits.str.lstrip("0").where(digits.str.len() == 0, digits.str.lstrip("0").replace("", "0"))
    return pd.DataFrame({"letters": letters.to_numpy(), "number": number.to_numpy()})


def id_format_matches(old_ids: pd.Series, new_ids: pd.Series) -> int:
    """How many ids of ``new_ids`` that are not in ``old_ids`` look like one of the old ids that are not in
    ``new_ids`` written in another format.

    Two ids look alike when, case, punctuation and leading zeros ignored, they have the same number and the
    same letters, or one of them has no letters (a prefix added or dropped): ``E0012`` and ``12``, ``e-12`` and
    ``E12``, ``000123`` and ``123``; not ``N005`` and ``E005`` (two prefixes, two people). Such ids are
    probably the same people exported with another id format; orgkit never matches them (that would be a
    guess), it counts them so the report can say so.

    Examples
    --------
    >>> id_format_matches(pd.Series(["E0012", "E0013", "7", "N5"]), pd.Series(["12", "E0013", "8", "E5"]))
    1
    """
    old, new = pd.Index(old_ids.astype("str")), pd.Index(new_ids.astype("str"))
    left, joined = old.difference(new), new.difference(old)
    if left.empty or joined.empty:
        return 0
    a, b = _id_parts(left), _id_parts(joined)
    exact = set(zip(a["letters"], a["number"]))
    numbers = set(a.loc[a["number"] != "", "number"])
    bare = set(a.loc[(a["letters"] == "") & (a["number"] != ""), "number"])
    same = pd.Series([(x, y) in exact for x, y in zip(b["letters"], b["number"])], dtype=bool)
    has_number = b["number"] != ""
    prefix_dropped = has_number & (b["letters"] == "") & b["number"].isin(numbers)
    prefix_added = has_number & (b["letters"] != "") & b["number"].isin(bare)
    return int((same | prefix_dropped | prefix_added).sum())


def match_departments(old: Client, new: Client, thresholds: Thresholds | None = None) -> pd.DataFrame:
    """Departments of two snapshots matched by the people they share.

    Parameters
    ----------
    old, new : Client
    thresholds : Thresholds, optional
        ``compare.department.renamed_min`` and ``compare.department.part_min`` (default: ``new``'s).

    Returns
    -------
    DataFrame
        One row per relation: ``change``, ``old``, ``new``, ``shared``, ``jaccard``, ``share_of_old``,
        ``share_of_new``, ``old_size``, ``new_size`` (see :class:`SnapshotMatch`), ordered by
        :data:`DEPARTMENT_CHANGES`.

    Notes
    -----
    Only people in both snapshots count (joiners and leavers say nothing about which department became
    which). With :math:`A` the stayers of old department :math:`a`, :math:`B` those of new department
    :math:`b`: :math:`J = |A \\cap B| / |A \\cup B|` (Jaccard), ``share_of_old`` :math:`= |A \\cap B|/|A|`,
    ``share_of_new`` :math:`= |A \\cap B|/|B|`. With :math:`r` = ``renamed_min`` and :math:`p` = ``part_min``:

    * **kept**: the same name in both snapshots (whatever its people).
    * **merged**: ``a`` only in the old snapshot with ``share_of_old`` :math:`\\ge p` into ``b``, where
      ``b`` is kept or receives two such departments: most of ``a`` went into ``b``.
    * **split**: new departments ``b`` (only in the new snapshot, not a merge) with ``share_of_new``
      :math:`\\ge p` from ``a``, when ``a`` gives rise to two of them or is kept beside one: they are made
      mostly of ``a``'s people.
    * **renamed**: of the rest, ``a`` only in the old snapshot, ``b`` only in the new, :math:`J \\ge r`, and
      each is the other's best match by :math:`J`.
    * **created** / **removed**: a department of one snapshot only that is none of the above.

    Each match is a judgement on overlap, not a fact the data records; the thresholds are in
    :mod:`orgkit.thresholds` and can be set in ``client.yml``. Everything is one group-by over the stayers'
    (old, new) department pairs.

    Examples
    --------
    >>> from orgkit.data.loading import from_frames
    >>> old = from_frames(pd.DataFrame({"employee_id": list("abcdef"), "department": list("XXXYYZ")}),
    ...                   settings={"min_group_size": 1})
    >>> new = from_frames(pd.DataFrame({"employee_id": list("abcdef"), "department": list("WWWVVV")}),
    ...                   settings={"min_group_size": 1})
    >>> match_departments(old, new)[["change", "old", "new"]].to_numpy().tolist()
    [['renamed', 'X', 'W'], ['merged', 'Y', 'V'], ['merged', 'Z', 'V']]
    """
    th = new.settings.thresholds if thresholds is None else thresholds
    r_min, p_min = float(th["compare.department.renamed_min"]), float(th["compare.department.part_min"])
    op = old.people[["employee_id", "department"]].astype({"department": "str"})
    np_ = new.people[["employee_id", "department"]].astype({"department": "str"})
    stay = op.merge(np_, on="employee_id", suffixes=("_old", "_new"))
    pairs = stay.groupby(["department_old", "department_new"], sort=True).size().rename("shared").reset_index()
    pairs = pairs.rename(columns={"department_old": "old", "department_new": "new"})
    a_size = stay.groupby("department_old").size()
    b_size = stay.groupby("department_new").size()
    pairs["a"] = pairs["old"].map(a_size).to_numpy()
    pairs["b"] = pairs["new"].map(b_size).to_numpy()
    pairs["jaccard"] = pairs["shared"] / (pairs["a"] + pairs["b"] - pairs["shared"])
    pairs["share_of_old"] = pairs["shared"] / pairs["a"]
    pairs["share_of_new"] = pairs["shared"] / pairs["b"]
    old_names = set(op["department"].unique())
    new_names = set(np_["department"].unique())
    pairs["old_gone"] = ~pairs["old"].isin(new_names)
    pairs["new_fresh"] = ~pairs["new"].isin(old_names)

    rows: list[dict[str, Any]] = []
    # merged: most of a vanished department went into b, and b is kept or receives two of them
    into = pairs[pairs["old_gone"] & (pairs["share_of_old"] >= p_min - 1e-12)]
    sources = into.groupby("new")["old"].nunique()
    merged = into[into["new"].map(lambda b: b in old_names or sources.get(b, 0) >= 2).astype(bool)]
    merged_old, merged_new = set(merged["old"]), set(merged["new"])
    rows += [dict(r, change="merged") for r in merged.to_dict("records")]
    # split: new departments made mostly of a's people, two of them or one beside a kept a
    outof = pairs[pairs["new_fresh"] & ~pairs["new"].isin(merged_new) & (pairs["share_of_new"] >= p_min - 1e-12)]
    parts = outof.groupby("old")["new"].nunique()
    split = outof[outof["old"].map(lambda a: a in new_names or parts.get(a, 0) >= 2).astype(bool)]
    split_old, split_new = set(split["old"]), set(split["new"])
    rows += [dict(r, change="split") for r in split.to_dict("records")]
    # renamed: mutual best matches by Jaccard among the departments of one snapshot only left over
    cand = pairs[pairs["old_gone"] & pairs["new_fresh"] & ~pairs["old"].isin(merged_old | split_old)
                 & ~pairs["new"].isin(merged_new | split_new)]
    renamed_old: set[str] = set()
    renamed_new: set[str] = set()
    if not cand.empty:
        best_new = cand.sort_values(["jaccard", "new"], ascending=[False, True]).drop_duplicates("old")
        best_old = cand.sort_values(["jaccard", "old"], ascending=[False, True]).drop_duplicates("new")
        mutual = best_new.merge(best_old[["old", "new"]], on=["old", "new"])
        mutual = mutual[mutual["jaccard"] >= r_min - 1e-12]
        renamed_old, renamed_new = set(mutual["old"]), set(mutual["new"])
        rows += [dict(r, change="renamed") for r in mutual.to_dict("records")]
    # created / removed / kept
    rows += [{"change": "created", "old": None, "new": b} for b in sorted(new_names - old_names)
             if b not in renamed_new | merged_new | split_new]
    rows += [{"change": "removed", "old": a, "new": None} for a in sorted(old_names - new_names)
             if a not in renamed_old | merged_old | split_old]
    kept = pairs[pairs["old"] == pairs["new"]].set_index("old")
    for a in sorted(old_names & new_names):
        row = {"change": "kept", "old": a, "new": a}
        if a in kept.index:
            row.update({c: kept.at[a, c] for c in ("shared", "jaccard", "share_of_old", "share_of_new")})
        rows.append(row)
    cols = ["change", "old", "new", "shared", "jaccard", "share_of_old", "share_of_new"]
    out = pd.DataFrame(rows, columns=cols)
    out["shared"] = pd.to_numeric(out["shared"], errors="coerce").astype("Int64")
    for c in ("jaccard", "share_of_old", "share_of_new"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
    out["old"] = out["old"].astype("str").where(out["old"].notna(), None)
    out["new"] = out["new"].astype("str").where(out["new"].notna(), None)
    out["old_size"] = out["old"].map(op["department"].value_counts()).astype("Int64")
    out["new_size"] = out["new"].map(np_["department"].value_counts()).astype("Int64")
    order = {c: i for i, c in enumerate(DEPARTMENT_CHANGES)}
    out["_o"] = out["change"].map(order)
    return out.sort_values(["_o", "new", "old"], na_position="last", kind="stable").drop(columns="_o").reset_index(drop=True)


def compare_snapshots(
    old: Client,
    new: Client,
    *,
    language: str | None = None,
    min_group_size: int | None = None,
    parallel: bool = False,
) -> Any:
    """Compare two snapshots of one client: people and departments matched, then every area before and after.

    Parameters
    ----------
    old, new : Client
        The earlier and the later snapshot (e.g. last year's exports and this year's).
    language : {"en", "zh"}, optional
        Default: ``new``'s ``client.yml``.
    min_group_size : int, optional
        Default: the larger of the two snapshots' (the stricter).
    parallel : bool
        ``parallel`` of :func:`orgkit.scenario.compare.compare_states`.

    Returns
    -------
    orgkit.scenario.compare.Comparison
        ``kind="reassessment"``, with :attr:`~orgkit.scenario.compare.Comparison.snapshots` holding the
        :class:`SnapshotMatch`.

    Notes
    -----
    People are matched by ``employee_id`` and nothing else: an id in the old snapshot only has left, one in
    the new only has joined; ids that look alike in another format are counted
    (:func:`id_format_matches`), never matched. A person moved when their manager changed or their
    department changed other than by a rename (:func:`match_departments`).
    """
    from orgkit.scenario.compare import compare_states

    language = language or new.settings.language
    k = min_group_size if min_group_size is not None else max(int(old.settings.min_group_size),
                                                              int(new.settings.min_group_size))
    departments = match_departments(old, new)
    old_ids, new_ids = old.people["employee_id"], new.people["employee_id"]
    matched = int(pd.Index(old_ids).isin(pd.Index(new_ids)).sum())
    ids = {"old": int(len(old_ids)), "new": int(len(new_ids)), "matched": matched,
           "unmatched_old": int(len(old_ids) - matched), "unmatched_new": int(len(new_ids) - matched),
           "format_matches": id_format_matches(old_ids, new_ids)}
    th = new.settings.thresholds
    match = SnapshotMatch(
        departments=departments, ids=ids,
        thresholds={key: th[key] for key in ("compare.department.renamed_min", "compare.department.part_min")},
        old_sizes=old.department_sizes(), new_sizes=new.department_sizes())
    return compare_states(old, new, kind="reassessment", language=language, min_group_size=k,
                          department_map=match.department_map, snapshots=match, parallel=parallel)


# --------------------------------------------------------------------------------------------------
# A synthetic later snapshot
# --------------------------------------------------------------------------------------------------
def _new_ids(existing: pd.Series, n: int) -> list[str]:
    """``n`` ids that follow the existing ones' pattern (``E00151``...) and collide with none."""
    s = existing.astype("str")
    m = s.str.extract(r"^(\D*)(\d+)$")
    if m[1].notna().all() and len(s):
        prefix = m[0].mode().iloc[0]
        width = int(m[1].str.len().max())
        start = int(pd.to_numeric(m[1]).max()) + 1
        return [f"{prefix}{i:0{width}d}" for i in range(start, start + n)]
    return [f"new-{i}" for i in range(1, n + 1)]


def later_snapshot(
    client: Client,
    *,
    seed: int = 0,
    left: float = 0.08,
    joined: float = 0.1,
    moved: float = 0.05,
    renames: Mapping[str, str] | None = None,
) -> Client:
    """A synthetic snapshot of ``client`` some time later: some people left, some joined, some moved.

    For demonstrations and tests of :func:`compare_snapshots` (the comparison notebook's default run compares
    the bundled sample with it). Deterministic for a seed.

    Parameters
    ----------
    client : Client
        The earlier snapshot (with ``manager_id``).
    seed : int
    left, joined, moved : float
        Shares of the headcount who leave (people without reports), join (under a random manager, in the
        manager's department) and move (to another manager in another department).
    renames : mapping, optional
        Old -> new department names applied in the later snapshot.

    Returns
    -------
    Client
        Validated with :func:`orgkit.load_client`'s rules (:func:`orgkit.from_frames`): people, and the
        communication, survey (its answers as the new wave, the earlier ones as ``survey_previous``),
        decisions and responsibilities that still name people of the new snapshot.
    """
    from orgkit.data.loading import from_frames

    if not client.has_hierarchy:
        from orgkit.errors import ConfigError

        raise ConfigError("later_snapshot needs people with a manager_id column.")
    rng = np.random.default_rng(seed)
    people = client.people.copy()
    n = len(people)
    managers = set(people["manager_id"].dropna().astype("str"))
    is_mgr = people["employee_id"].isin(managers).to_numpy()
    leaf = np.flatnonzero(~is_mgr)
    n_left = min(int(round(left * n)), max(len(leaf) - 1, 0))
    gone = rng.choice(leaf, size=n_left, replace=False) if n_left else np.array([], dtype=np.int64)
    stay_mask = np.ones(n, dtype=bool)
    stay_mask[gone] = False
    # movers: people without reports who stay, to a manager of another department
    mgr_rows = people[is_mgr & stay_mask]
    candidates = np.setdiff1d(leaf, gone)
    n_moved = min(int(round(moved * n)), len(candidates))
    movers = rng.choice(candidates, size=n_moved, replace=False) if n_moved else np.array([], dtype=np.int64)
    mgr_ids = mgr_rows["employee_id"].to_numpy()
    mgr_dept = mgr_rows["department"].astype("str").to_numpy()
    if len(movers) and len(mgr_ids) > 1:
        pick = rng.integers(0, len(mgr_ids), size=len(movers))
        same = mgr_dept[pick] == people["department"].astype("str").to_numpy()[movers]
        pick[same] = (pick[same] + 1) % len(mgr_ids)  # another department where the next manager has one
        people.loc[people.index[movers], "manager_id"] = mgr_ids[pick]
        people.loc[people.index[movers], "department"] = mgr_dept[pick]
    people = people[stay_mask]
    n_join = int(round(joined * n))
    if n_join and len(mgr_ids):
        pick = rng.integers(0, len(mgr_ids), size=n_join)
        extra = pd.DataFrame({"employee_id": _new_ids(client.people["employee_id"], n_join),
                              "department": mgr_dept[pick], "manager_id": mgr_ids[pick]})
        if "title" in people.columns:
            extra["title"] = people.set_index("employee_id")["title"].reindex(mgr_ids[pick]).to_numpy()
        people = pd.concat([people, extra], ignore_index=True)
    if renames:
        people["department"] = people["department"].astype("str").replace(dict(renames))
    ids = set(people["employee_id"].astype("str"))
    keep_cols = [c for c in people.columns if c in ("employee_id", "department", "manager_id", "name", "title",
                                                    "level", "location", "hire_date")]

    def named(frame: pd.DataFrame | None, *cols: str) -> pd.DataFrame | None:
        if frame is None:
            return None
        mask = np.ones(len(frame), dtype=bool)
        for c in cols:
            mask &= frame[c].astype("str").isin(ids).to_numpy() | frame[c].isna().to_numpy()
        return frame[mask]

    communication = named(client.communication, "source_id", "target_id")
    if communication is not None and n_join and len(mgr_ids) and len(communication):
        # a joiner writes to and hears from their manager, twice each way (a tie under the default rule)
        joiners = people["employee_id"].iloc[-n_join:].to_numpy()
        bosses = people["manager_id"].iloc[-n_join:].to_numpy()
        src = np.concatenate([joiners, bosses, joiners, bosses])
        dst = np.concatenate([bosses, joiners, bosses, joiners])
        like = communication.iloc[rng.integers(0, len(communication), size=src.size)].reset_index(drop=True)
        communication = pd.concat([communication, like.assign(source_id=src, target_id=dst)], ignore_index=True)
    survey = client.survey
    if survey is not None:
        items = client.survey_item_columns
        survey = survey.copy()
        if "respondent_id" in survey.columns:
            survey = survey[survey["respondent_id"].isna() | survey["respondent_id"].astype("str").isin(ids)]
        shift = rng.choice([-1, 0, 0, 0, 1], size=(len(survey), len(items)))
        answers = survey[items].astype("float64").to_numpy() + shift
        survey[items] = pd.DataFrame(np.clip(answers, 1, 5), index=survey.index, columns=items).astype("Int64")
        if "department" in survey.columns and "respondent_id" in survey.columns:
            dept = people.set_index("employee_id")["department"]
            survey["department"] = survey["respondent_id"].map(dept).fillna(survey["department"])
    decisions = named(client.decisions, "initiator_id", "decider_id")
    if decisions is not None:
        approvers = decisions["approvers"].astype("str").str.split(";")
        ok = approvers.map(lambda xs: all(x in ids for x in xs if x))
        decisions = decisions[ok.to_numpy()].drop(columns=["n_approvers", "decided_before_raised"], errors="ignore")
    responsibilities = client.responsibilities
    if responsibilities is not None and renames:
        responsibilities = responsibilities.assign(
            department=responsibilities["department"].astype("str").replace(dict(renames)))
    settings = client.settings
    return from_frames(people[keep_cols], communication=communication, survey=survey,
                       survey_items=client.survey_items, decisions=decisions, responsibilities=responsibilities,
                       survey_previous=client.survey, settings=settings)
