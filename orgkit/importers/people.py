"""HR directories from any platform: people, their departments and managers, and the aliases that identify them.

Every directory format (DingTalk and Feishu users, WeCom's address book, Jiandaoyun members, Viva
Insights' organisational data, any HRIS extract) hands :func:`build_people` a frame with some of these
columns (all text) and gets back orgkit's ``people`` table and a :class:`Directory`:

``employee_id`` (required), ``user_id`` (the platform's account id, when it differs), ``name``, ``email``,
``phone``, ``department`` (one name or a path), ``departments`` (several, separated by ``;``),
``primary_department``, ``manager_id``, ``manager_ref`` (the manager given by id, account id, e-mail or
name — resolved), ``title``, ``level``, ``location``, ``hire_date``, ``resigned``.

Rules, each written to the import log when it applies:

* **Resigned** members (``resigned`` true) are left out and counted.
* **Several departments.** The primary department is the one the platform flags (``primary_department``);
  without a flag, the first one the platform lists. The others are kept, ``;``-separated, in
  ``other_departments``. The same id on several rows (one row per department) is one person.
* **Department paths** (``Company-Sales-East``, ``总公司/销售部/华东``) are split on the format's separator;
  a first level shared by everyone (the company itself) is dropped; ``department_level`` keeps that many
  levels below it (2: ``Sales / East``).
* **Managers by e-mail or name.** ``manager_ref`` is looked up among every person's id, account id, e-mail
  address (case-insensitive) and name. A name shared by two people is ambiguous: the manager is left empty
  and the rows are reported, never guessed.
* **Departments from the reporting tree** (no department column, or ``derive_departments`` given): each
  person's department is their ancestor's unit at that depth below the top (1: the branches under the
  top), named by the head's job title where it is unique, else ``Unit <head id>``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from orgkit.importers.base import ImportLog, ImportOptions, refuse
from orgkit.importers.times import parse_times

__all__ = ["build_people", "Directory", "fold_alias", "TRUE_WORDS"]

#: Cell values read as "yes" in flag columns (resigned, primary).
TRUE_WORDS = frozenset({"true", "1", "yes", "y", "是", "已离职", "离职", "resigned", "inactive", "terminated"})


def fold_alias(values: pd.Series) -> pd.Series:
    """Fold ids, e-mail addresses and names for matching: NFKC, trimmed, lower case, inner spaces collapsed."""
    s = values.astype("str").fillna("")
    if len(s) and not s.str.isascii().all():
        s = s.map(lambda v: unicodedata.normalize("NFKC", v))  # per distinct value would be faster; rare
    return s.str.strip().str.lower().str.replace(r"\s+", " ", regex=True)


@dataclass
class Directory:
    """The people of an import and every alias by which logs name them.

    Attributes
    ----------
    people : DataFrame
        orgkit's people table (before names are dropped for writing).
    aliases : DataFrame
        ``alias`` (folded), ``kind`` (``id``, ``user_id``, ``email``, ``name``, ``phone``), ``employee_id``;
        names shared by several people are not in it (see ``ambiguous``).
    ambiguous : frozenset of str
        Folded names shared by more than one person.
    """

    people: pd.DataFrame
    aliases: pd.DataFrame
    ambiguous: frozenset[str] = frozenset()

    @classmethod
    def from_frame(cls, people: pd.DataFrame, extra: pd.DataFrame | None = None) -> Directory:
        """Aliases of ``people`` (its ids) plus ``extra``'s ``user_id``/``email``/``name``/``phone`` columns."""
        parts = [pd.DataFrame({"alias": fold_alias(people["employee_id"]), "kind": "id",
                               "employee_id": people["employee_id"].to_numpy()})]
        ambiguous: set[str] = set()
        src = extra if extra is not None else people
        for kind in ("user_id", "email", "phone", "name"):
            if kind not in src.columns:
                continue
            a = pd.DataFrame({"alias": fold_alias(src[kind]), "kind": kind,
                              "employee_id": src["employee_id"].to_numpy()})
            a = a[a["alias"] != ""].drop_duplicates()
            shared = a.groupby("alias")["employee_id"].nunique()
            shared = set(shared.index[shared > 1])
            if kind == "name":
                ambiguous |= shared
            a = a[~a["alias"].isin(shared)]
            parts.append(a)
        aliases = pd.concat(parts, ignore_index=True).drop_duplicates(["alias", "kind"])
        return cls(people, aliases.reset_index(drop=True), frozenset(ambiguous))

    def resolve(self, values: pd.Series, *, what: str, log: ImportLog | None = None,
                kinds: tuple[str, ...] = ("id", "user_id", "email", "phone", "name")) -> pd.Series:
        """Employee ids for ``values`` (ids, account ids, e-mail addresses or names); ``""`` where unknown.

        Ids win over account ids, account ids over e-mail addresses, and so on (``kinds`` order). An
        ambiguous name resolves to ``""`` and is counted in the log under ``what``.
        """
        folded = fold_alias(values)
        out = pd.Series("", index=values.index, dtype="str")
        todo = (folded != "").to_numpy().copy()
        for kind in kinds:
            if not todo.any():
                break
            table = self.aliases[self.aliases["kind"] == kind]
            if table.empty:
                continue
            lookup = pd.Series(table["employee_id"].to_numpy(), index=table["alias"].to_numpy())
            hit = folded[todo].map(lookup)
            found = hit.notna().to_numpy()
            idx = np.flatnonzero(todo)[found]
            out.iloc[idx] = hit[found].to_numpy()
            todo[idx] = False
        if log is not None:
            amb = todo & folded.isin(self.ambiguous).to_numpy()
            if amb.any():
                log.note(f"{what}: {int(amb.sum()):,} value(s) are names shared by several people; left "
                         "unresolved rather than guessed (give ids or e-mail addresses to settle them)")
            unknown = todo & ~amb
            if unknown.any():
                log.note(f"{what}: {int(unknown.sum()):,} value(s) ({folded[unknown].nunique():,} distinct) name "
                         "nobody in the directory")
        return out


def _flag(values: pd.Series) -> np.ndarray:
    return fold_alias(values).isin(TRUE_WORDS).to_numpy()


def build_people(frame: pd.DataFrame, *, file: str, options: ImportOptions, log: ImportLog,
                 path_separator: str | None = None, title: str = "HR directory") -> Directory:
    """orgkit's people table from a directory frame (see the module docstring for columns and rules).

    Parameters
    ----------
    frame : DataFrame
        Text columns named as above; at least ``employee_id``.
    file : str
        The file (or files) it came from, for the log and messages.
    options : ImportOptions
        ``department_level``, ``derive_departments`` and ``timezone`` apply.
    log : ImportLog
    path_separator : str, optional
        The separator of department paths (``-`` DingTalk, ``/`` WeCom); ``None``: departments are names.

    Returns
    -------
    Directory

    Raises
    ------
    ExportFormatError
        No person has an id, or no department can be given (no department column and no reporting tree).
    """
    df = frame.copy()
    for col in df.columns:
        if df[col].dtype == object:
            df[col] = df[col].fillna("").astype("str").str.strip()
    if "employee_id" not in df.columns or (df["employee_id"] == "").all():
        raise refuse(file, f"a {title} with an id for each person", "no ids")
    blank = df["employee_id"] == ""
    log.dropped(int(blank.sum()), "directory rows", "no id")
    df = df[~blank]
    if "resigned" in df.columns:
        gone = _flag(df["resigned"])
        log.dropped(int(gone.sum()), "people", "marked as resigned or inactive in the export")
        df = df[~gone]
    # --- departments: lists, primary, paths -----------------------------------------------------------
    if "departments" not in df.columns and "department" in df.columns:
        df["departments"] = df["department"]
    if "departments" in df.columns:
        lists = df["departments"].str.split(r"\s*[;；\n]\s*", regex=True)
        lists = lists.map(lambda xs: [x for x in xs if x])  # per row: small lists
        # one person on several rows: one row, departments in order of appearance
        grouped = lists.groupby(df["employee_id"].to_numpy(), sort=False).sum()
        firsts = df.drop_duplicates("employee_id", keep="first").set_index("employee_id", drop=False)
        n_rows = len(df)
        df = firsts.reset_index(drop=True)
        if n_rows > len(df):
            log.note(f"{n_rows - len(df):,} rows repeat a person (one row per department); read as one person")
        lists = pd.Series(grouped.loc[df["employee_id"]].to_numpy(), index=df.index).map(
            lambda xs: list(dict.fromkeys(xs)))
        if path_separator:
            lists = _paths(lists, path_separator, options, log)
        primary = lists.str[0].fillna("")
        if "primary_department" in df.columns:
            flagged = df["primary_department"]
            if path_separator:
                flagged = _paths(flagged.map(lambda v: [v] if v else []), path_separator, options, None).str[0]
                flagged = flagged.fillna("")
            use = flagged != ""
            primary = primary.where(~use, flagged)
            log.decided("primary department", f"the platform's primary flag for {int(use.sum()):,} people; "
                        "the first department listed for the rest")
        else:
            multi = int((lists.str.len() > 1).sum())
            if multi:
                log.decided("primary department", f"{multi:,} people are in several departments and the export "
                            "flags none as primary: the first one listed is used, the others are kept in "
                            "other_departments")
        df["department"] = primary
        others = [";".join(x for x in xs if x != p) for xs, p in zip(lists, primary)]
        df["other_departments"] = pd.Series(others, index=df.index, dtype="str")
    else:
        df = df.drop_duplicates("employee_id", keep="first")
    # --- managers --------------------------------------------------------------------------------------
    directory = Directory.from_frame(df)
    if "manager_ref" in df.columns and "manager_id" not in df.columns:
        df["manager_id"] = directory.resolve(df["manager_ref"], what=f"{file}: managers", log=log)
        given = int((df["manager_ref"] != "").sum())
        found = int((df["manager_id"] != "").sum())
        log.decided("managers", f"{found:,} of {given:,} managers given by id, account, e-mail or name were "
                    "found in the directory")
    elif "manager_id" in df.columns:
        # a manager id may be the platform's account id of the manager: translate those
        known = df["manager_id"].isin(df["employee_id"])
        if not known.all() and "user_id" in df.columns:
            via = directory.resolve(df.loc[~known, "manager_id"], what=f"{file}: managers", log=None,
                                    kinds=("user_id", "email"))
            df.loc[via.index[via != ""], "manager_id"] = via[via != ""]
    # --- departments from the tree ---------------------------------------------------------------------
    has_department = "department" in df.columns and (df["department"] != "").any()
    if options.derive_departments or not has_department:
        if "manager_id" not in df.columns or (df["manager_id"] == "").all():
            raise refuse(file, f"a {title} with a department or a manager for each person",
                         "neither a department column nor managers",
                         "Add a department column, or export the directory with each person's manager.")
        df["department"] = _tree_departments(df, options.derive_departments or 1, log)
    else:
        empty = df["department"] == ""
        if empty.any():
            df.loc[empty, "department"] = "Unassigned"
            log.note(f"{int(empty.sum()):,} people have no department; written as 'Unassigned'")
    if "hire_date" in df.columns:
        hired = parse_times(df["hire_date"], options.zone, what=f"{file}: hire date", log=log,
                            dayfirst=options.dayfirst)
        df["hire_date"] = hired.dt.normalize()
    cols = [c for c in ("employee_id", "department", "manager_id", "name", "title", "level", "location",
                        "hire_date", "other_departments") if c in df.columns]
    people = df[cols].reset_index(drop=True)
    log.count("people", len(people))
    return Directory(people, directory.aliases, directory.ambiguous)


def _paths(lists: pd.Series, sep: str, options: ImportOptions, log: ImportLog | None) -> pd.Series:
    """Department paths -> department names at the chosen level (see the module docstring)."""
    flat = lists.explode()
    flat = flat[flat.notna() & (flat != "")]
    if flat.empty:
        return lists
    parts = flat.str.split(sep, regex=False).map(lambda xs: [x.strip() for x in xs if x.strip()])
    roots = parts.str[0]
    drop_root = parts.str.len().min() > 1 and roots.nunique() == 1
    if drop_root:
        parts = parts.str[1:]
    level = options.department_level
    names = parts.map(lambda xs: " / ".join(xs[:level] if level else xs))
    if log is not None:
        log.decided("departments", f"paths split on {sep!r}" + ("; the company level shared by everyone dropped"
                    if drop_root else "") + (f"; {level} level(s) kept" if level else "; the whole path kept"))
    out = names.groupby(level=0).agg(list).reindex(lists.index)
    return out.map(lambda xs: list(dict.fromkeys(xs)) if isinstance(xs, list) else [])


def _tree_departments(df: pd.DataFrame, depth: int, log: ImportLog) -> pd.Series:
    """Each person's ancestor at ``depth`` below the top, named by that head's title (or ``Unit <id>``)."""
    ids = df["employee_id"].to_numpy()
    pos = pd.Series(np.arange(len(ids)), index=ids)
    parent = np.array(df["manager_id"].map(pos).fillna(-1).astype(np.int64).to_numpy())
    parent[parent == np.arange(len(ids))] = -1
    # depth of each person and their ancestor at ``depth`` (pointer jumping, vectorised)
    anc = np.arange(len(ids))
    level = np.zeros(len(ids), dtype=np.int64)
    cur = parent.copy()
    chain = [np.arange(len(ids))]
    for _ in range(len(ids)):
        live = cur >= 0
        if not live.any():
            break
        level[live] += 1
        chain.append(np.where(live, cur, chain[-1]))
        cur = np.where(live, parent[np.maximum(cur, 0)], -1)
    chain_arr = np.vstack(chain)  # chain[k][i]: i's k-th ancestor (or the top)
    # the ancestor at ``depth`` below the top is the (level - depth)-th ancestor
    k = np.clip(level - depth, 0, None)
    anc = chain_arr[k, np.arange(len(ids))]
    above = level < depth  # the top and people above the cut: their own unit
    heads = pd.Series(anc)
    titles = df["title"].to_numpy() if "title" in df.columns else np.full(len(ids), "", dtype=object)
    head_ids = pd.unique(heads[~above])
    head_titles = pd.Series(titles[head_ids], index=head_ids)
    unique_title = head_titles.map(head_titles.value_counts()) == 1
    label = pd.Series([f"Unit {ids[h]}" for h in head_ids], index=head_ids)
    label[unique_title & (head_titles != "")] = head_titles[unique_title & (head_titles != "")]
    dept = heads.map(label).fillna("Leadership")
    dept[above] = "Leadership"
    log.decided("departments", f"derived from the reporting tree: the {len(head_ids):,} units {depth} level(s) "
                "below the top, named by each head's job title where it is unique; the people above them "
                "are 'Leadership'")
    return pd.Series(dept.to_numpy(), index=df.index, dtype="str")
