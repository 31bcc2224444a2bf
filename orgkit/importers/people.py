"""HR directories from any platform: people, their departments and managers, and the aliases that identify them.

Every directory format (DingTalk and Feishu users, WeCom's address book, Jiandaoyun members, Viva
Insights' organisational data, any HRIS extract) hands :func:`build_people` a frame with some of these
columns (all text) and gets back orgkit's ``people`` table and a :class:`Directory`:

``employee_id`` (required), ``user_id`` (the platform's account id, when it differs), ``name``, ``email``,
``phone``, ``department`` (one name or a path), ``departments`` (several, separated by ``;``),
``primary_department``, ``other_departments`` (secondary ones, ``;``-separated), ``manager_id``,
``manager_ref`` (the manager given by id, account id, e-mail, phone or name — resolved), ``title``,
``level``, ``location``, ``hire_date``, ``resigned``, and ``_row`` (where the row came from, ``hr.csv row 7``,
for the log).

Rules, each written to the import log when it applies:

* **Resigned** members (``resigned`` true) are left out and counted.
* **One person, several rows.** The same id on several rows (one row per department) is one person: the
  first row gives the other fields; departments are collected in order of appearance.
* **Several departments.** The primary department is the one the platform flags (``primary_department``);
  without a flag, the first one listed (in the first row). The others are kept, ``;``-separated and in
  order, in ``other_departments``.
* **Department paths** (``Company-Sales-East``, ``总公司/销售部/华东``) are split on the separator (given by
  the format, or decided from the values by :func:`detect_path_separator`); a first level shared by every
  path (the company itself) is dropped, except for people whose path is the company alone (they keep its
  name); ``department_level`` keeps that many levels below it (2:
  ``Sales / East``); without it the whole path below the company is the department.
* **Managers by e-mail, phone or name.** ``manager_ref`` is looked up among every person's id, account id,
  e-mail address (case-insensitive, ``Name <a@b.c>`` and ``mailto:`` read), phone number (digits only, the
  last 10 compared, so ``+86 138 0013 8000`` and ``13800138000`` match), name (Unicode-folded; ``Doe, Jane``
  is ``Jane Doe``) and, last, a numeric id without its leading zeros or ``.0`` (``123`` and ``123.0`` name
  ``00123`` when no other id reads the same). A value such as ``Jane Doe (10023)`` is also tried by the id in
  parentheses. A ``manager_id`` that is nobody's id is looked up the same way (a "Reports to" column of
  names). A name shared by two people
  is ambiguous: the manager is left empty and the rows affected are reported (row numbers, never names),
  never guessed. Managers given by an id nobody has (``XX``: someone outside the export) are left empty
  and counted; so is a person named as their own manager (the top of the tree).
* **A person's name in a department name** (Workday: ``Sales East (Jane Doe)``) is removed when the
  parenthesis is exactly the name of someone in the directory.
* **Departments from the reporting tree** (no department column, or ``derive_departments`` given): see
  :func:`tree_departments`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from orgkit.importers.base import ImportLog, ImportOptions, refuse
from orgkit.importers.times import parse_times

__all__ = ["build_people", "first_of_each", "Directory", "fold_alias", "fold_email", "fold_name", "phone_key",
           "TRUE_WORDS", "detect_path_separator", "tree_departments", "PATH_SEPARATORS", "LEADERSHIP", "UNASSIGNED",
           "row_list"]

#: Cell values read as "yes" in flag columns (resigned, primary).
TRUE_WORDS = frozenset({"true", "1", "yes", "y", "是", "已离职", "离职", "resigned", "inactive", "terminated"})
#: Separators a department path may use, in order of preference when several fit the values equally.
PATH_SEPARATORS = (" > ", ">", " / ", "/", "\\", " | ", "|", " - ", "-")
#: The department of the people above the units derived from the reporting tree.
LEADERSHIP = "Leadership"
#: The department written for people the export gives none.
UNASSIGNED = "Unassigned"
#: The separator of the department paths a format builds itself (a control character no name contains).
INTERNAL_SEPARATOR = "\x1f"
_LIST_SPLIT = r"\s*[;；\n]\s*"
_PAREN_ID = re.compile(r"[(（]\s*([^()（）]+?)\s*[)）]\s*$")


def _as_text(values: pd.Series) -> pd.Series:
    return values.fillna("").astype("str")


def fold_alias(values: pd.Series) -> pd.Series:
    """Fold ids and names for matching: NFKC, trimmed, lower case, inner spaces collapsed (none between Chinese
    characters).

    The work is done once per distinct value (a directory of 100,000 people has far fewer distinct
    department or manager names than rows), so whole columns fold in vectorised time.

    Examples
    --------
    >>> fold_alias(pd.Series(["  Ａｎｎ   LEE ", "王 芳"])).tolist()
    ['ann lee', '王芳']
    """
    return _per_distinct(values, _fold)


def _fold(u: pd.Series) -> pd.Series:
    if not u.str.isascii().all():
        u = u.map(lambda v: unicodedata.normalize("NFKC", v))  # once per distinct value
    u = u.str.strip().str.lower()
    spaced = _any_literal(u, ("  ", "\t", "\r", "\n", "\u3000"))
    if spaced.any():
        u = u.where(~spaced, u.str.replace(r"\s+", " ", regex=True))
    if not u.str.isascii().all():  # 张 伟 is 张伟: no spaces between Chinese characters
        u = u.str.replace(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])", "", regex=True)
    return u


def _any_literal(u: pd.Series, needles: tuple[str, ...]) -> pd.Series:
    """Which values contain any of ``needles`` (plain substring scans, much faster than one regex)."""
    hit = pd.Series(False, index=u.index)
    for n in needles:
        hit |= u.str.contains(n, regex=False)
    return hit


def _per_distinct(values: pd.Series, fold) -> pd.Series:
    """``fold`` applied once per distinct value of ``values`` (a Series of str -> a Series of str)."""
    codes, uniques = pd.factorize(_as_text(values), sort=False)
    if len(uniques) == 0:
        return pd.Series("", index=values.index, dtype="str")
    folded = fold(pd.Series(uniques, dtype="str")).to_numpy(dtype=object)
    out = folded[np.where(codes < 0, 0, codes)]
    out[codes < 0] = ""
    return pd.Series(out, index=values.index, dtype="str")


def _email(u: pd.Series) -> pd.Series:
    s = _fold(u)
    if s.str.contains("<", regex=False).any():
        inner = s.str.extract(r"<\s*([^<>\s]+@[^<>\s]+)\s*>", expand=False)
        s = inner.fillna(s)
    if s.str.contains("mailto:", regex=False).any():
        s = s.str.replace(r"^mailto:", "", regex=True).str.strip()
    return s.where(s.str.contains("@", regex=False), "")


def _phone(u: pd.Series) -> pd.Series:
    s = _fold(u)
    ext = _any_literal(s, ("x", "#", "转", "分机"))
    if ext.any():
        ext &= s.str.contains(r"(?:ext\.?|x|#|转|分机)\s*\d{1,6}$", regex=True)
    if ext.any():
        s = s.where(~ext, s.str.replace(r"(?:ext\.?|x|#|转|分机)\s*\d{1,6}$", "", regex=True))
    digits = s.str.replace(r"\D", "", regex=True)
    digits = digits.where(digits.str.len() >= 7, "")
    return digits.str[-10:]


def fold_email(values: pd.Series) -> pd.Series:
    """E-mail addresses folded for matching: ``Ann Lee <Ann@X.com>`` and ``mailto:ann@x.com`` -> ``ann@x.com``.

    A value without ``@`` folds to ``""`` (it is no e-mail address). Done once per distinct value.
    """
    return _per_distinct(values, _email)


def phone_key(values: pd.Series) -> pd.Series:
    """Phone numbers folded for matching: digits only, an extension dropped, the last 10 digits kept.

    ``+86 138-0013-8000``, ``8613800138000`` and ``138 0013 8000`` all give ``3800138000``; ``+44 20 7946
    0000`` and ``020 7946 0000`` both give ``2079460000``. Fewer than 7 digits (an extension alone) fold to
    ``""``. Two people whose numbers share the last 10 digits make the key ambiguous; it is then not used.
    """
    return _per_distinct(values, _phone)


def _name(u: pd.Series) -> pd.Series:
    s = _fold(u)
    if s.str.contains(",", regex=False).any():
        inverted = s.str.extract(r"^([^,]+?)\s*,\s*([^,]+)$")
        has = inverted[0].notna()
        s = s.where(~has, inverted[1] + " " + inverted[0])
    return s


def fold_name(values: pd.Series) -> pd.Series:
    """Names folded for matching: as :func:`fold_alias`, and ``Last, First`` read as ``First Last``.

    HR systems (BambooHR, ADP, Workday reports) write a manager as ``Doe, Jane`` where the person's own row
    has ``Jane`` and ``Doe`` or ``Jane Doe``. Done once per distinct value.

    Examples
    --------
    >>> fold_name(pd.Series(["Doe, Jane", "JANE  Doe", "王芳"])).tolist()
    ['jane doe', 'jane doe', '王芳']
    """
    return _per_distinct(values, _name)


def _number(u: pd.Series) -> pd.Series:
    s = _fold(u)
    whole = s.str.extract(r"^0*(\d+?)(?:\.0+)?$", expand=False)
    return whole.fillna("")


def number_key(values: pd.Series) -> pd.Series:
    """Numeric ids folded for matching: leading zeros and a trailing ``.0`` dropped; other values give ``""``.

    Excel drops the zeros of ``00123`` typed as a number, and a column with blanks saved by pandas writes
    ``123.0``; both still name the person whose id is ``00123``. Done once per distinct value.

    Examples
    --------
    >>> number_key(pd.Series(["00123", "123.0", "0", "A-1"])).tolist()
    ['123', '123', '0', '']
    """
    return _per_distinct(values, _number)


_KEYS = {"email": fold_email, "phone": phone_key, "name": fold_name, "number": number_key}


def _key(kind: str, values: pd.Series) -> pd.Series:
    return _KEYS.get(kind, fold_alias)(values)


def row_list(labels: pd.Series, limit: int = 12) -> str:
    """``hr.csv rows 4, 9 and 12`` style text for the log (row references only, never names)."""
    labels = [str(x) for x in labels.tolist() if str(x)]
    if not labels:
        return ""
    shown = labels[:limit]
    more = f" and {len(labels) - limit:,} more" if len(labels) > limit else ""
    return ", ".join(shown) + more


@dataclass
class Directory:
    """The people of an import and every alias by which logs name them.

    Attributes
    ----------
    people : DataFrame
        orgkit's people table (before names are dropped for writing).
    aliases : DataFrame
        ``alias`` (folded), ``kind`` (``id``, ``user_id``, ``email``, ``phone``, ``name``), ``employee_id``;
        values shared by several people are not in it (names among them are in ``ambiguous``).
    ambiguous : frozenset of str
        Folded names shared by more than one person.
    """

    people: pd.DataFrame
    aliases: pd.DataFrame
    ambiguous: frozenset[str] = frozenset()

    KINDS = ("id", "user_id", "email", "phone", "name", "number")

    @classmethod
    def from_frame(cls, people: pd.DataFrame, extra: pd.DataFrame | None = None) -> Directory:
        """Aliases of ``people`` (its ids) plus ``extra``'s ``user_id``/``email``/``phone``/``name`` columns."""
        parts = [pd.DataFrame({"alias": fold_alias(people["employee_id"]), "kind": "id",
                               "employee_id": people["employee_id"].to_numpy()})]
        ambiguous: set[str] = set()
        src = extra if extra is not None else people
        for kind in ("user_id", "email", "phone", "name", "number"):
            column = "employee_id" if kind == "number" else kind
            if column not in src.columns:
                continue
            a = pd.DataFrame({"alias": _key(kind, src[column]).to_numpy(), "kind": kind,
                              "employee_id": src["employee_id"].to_numpy()})
            a = a[a["alias"] != ""].drop_duplicates()
            counts = a.groupby("alias", sort=False)["employee_id"].transform("size")
            shared = a.loc[counts.to_numpy() > 1, "alias"]
            if kind == "name":
                ambiguous |= set(shared)
            parts.append(a[counts.to_numpy() == 1])
        aliases = pd.concat(parts, ignore_index=True).drop_duplicates(["alias", "kind"])
        return cls(people, aliases.reset_index(drop=True), frozenset(ambiguous))

    def resolve(self, values: pd.Series, *, what: str, log: ImportLog | None = None,
                kinds: tuple[str, ...] = KINDS) -> pd.Series:
        """Employee ids for ``values`` (ids, account ids, e-mail addresses, phones or names); ``""`` where unknown.

        Ids win over account ids, account ids over e-mail addresses, and so on (``kinds`` order). A value
        ending in an id in parentheses (``Jane Doe (10023)``) is tried by that id too. An ambiguous name
        resolves to ``""`` and is counted in the log under ``what``.
        """
        out, todo = self._lookup(values, kinds)
        if todo.any():
            pos = np.flatnonzero(todo)
            inner = _as_text(values.iloc[pos]).str.extract(_PAREN_ID, expand=False)
            has = inner.notna().to_numpy()
            if has.any():
                got, _ = self._lookup(inner[has].reset_index(drop=True), tuple(k for k in kinds if k != "name"))
                hit = (got != "").to_numpy()
                out.iloc[pos[has][hit]] = got[hit].to_numpy()
                todo[pos[has][hit]] = False
        if log is not None:
            amb = todo & self.is_ambiguous(values)
            if amb.any():
                log.note(f"{what}: {int(amb.sum()):,} value(s) are names shared by several people; left "
                         "unresolved rather than guessed (give ids or e-mail addresses to settle them)")
            unknown = todo & ~amb
            if unknown.any():
                log.note(f"{what}: {int(unknown.sum()):,} value(s) ({fold_alias(values[unknown]).nunique():,} "
                         "distinct) name nobody in the directory")
        return out

    def is_ambiguous(self, values: pd.Series) -> np.ndarray:
        """Which ``values`` are names shared by several people."""
        return fold_name(values).isin(self.ambiguous).to_numpy()

    def _lookup(self, values: pd.Series, kinds: tuple[str, ...]) -> tuple[pd.Series, np.ndarray]:
        out = pd.Series("", index=values.index, dtype="str")
        todo = (fold_alias(values) != "").to_numpy().copy()
        for kind in kinds:
            if not todo.any():
                break
            table = self.aliases[self.aliases["kind"] == kind]
            if table.empty:
                continue
            lookup = pd.Series(table["employee_id"].to_numpy(), index=table["alias"].to_numpy())
            pos = np.flatnonzero(todo)
            if kind == "email":
                pos = pos[_as_text(values.iloc[pos]).str.contains("@", regex=False).to_numpy()]
            elif kind == "phone":
                text = _as_text(values.iloc[pos])
                pos = pos[~text.str.contains("@", regex=False).to_numpy()]
                pos = pos[_as_text(values.iloc[pos]).str.count(r"\d").to_numpy() >= 7]
            if len(pos) == 0:
                continue
            keys = _key(kind, values.iloc[pos])
            hit = keys.map(lookup)
            found = (hit.notna() & (keys != "")).to_numpy()
            idx = pos[found]
            out.iloc[idx] = hit[found].to_numpy()
            todo[idx] = False
        return out, todo


def _flag(values: pd.Series) -> np.ndarray:
    return fold_alias(values).isin(TRUE_WORDS).to_numpy()


def detect_path_separator(values: pd.Series) -> tuple[str | None, str]:
    """The separator of department paths in ``values``, decided from the values, and the evidence.

    A candidate of :data:`PATH_SEPARATORS` fits when at least half the distinct values contain it and the
    paths share their first levels (on average at least two paths per first level, as a tree's do).
    ``Co-operative`` and ``e-Commerce`` alone do not make ``-`` a separator. Among the candidates that fit,
    the one found in most values wins (ties: the order of :data:`PATH_SEPARATORS`).

    Returns
    -------
    (str or None, str)
        The separator (``None``: the values are plain names) and the evidence, for the log.
    """
    distinct = pd.Series(pd.unique(_as_text(values).str.strip()), dtype="str")
    distinct = distinct[distinct != ""]
    if len(distinct) < 2:
        return None, "fewer than two department values"
    best: tuple[float, int, str, str] | None = None
    for rank, sep in enumerate(PATH_SEPARATORS):
        has = distinct[distinct.str.contains(sep, regex=False)]
        if len(has) < 2:
            continue
        if sep.strip() != sep and has.str.contains(sep.strip() + sep.strip(), regex=False).any():
            continue
        share = len(has) / len(distinct)
        roots = has.str.split(sep, n=1, regex=False).str[0].str.strip().nunique()
        if share < 0.5 or roots > len(has) / 2:
            continue
        key = (share, -rank)
        if best is None or key > best[:2]:
            best = (share, -rank, sep, f"{len(has):,} of {len(distinct):,} distinct values contain {sep!r} "
                    f"and share {roots:,} first level(s)")
    if best is None:
        return None, "no separator splits the values into a tree of paths; read as names"
    return best[2], best[3]


def first_of_each(records: list[dict], key: pd.Series, log: ImportLog, what: str = "user records") -> np.ndarray:
    """Which records to keep when pages repeat a member: the first of each ``key`` (a mask).

    API pages per department list a member once per department; pages fetched at different times may
    disagree (a member moved in between). The log counts the repeats and how many differ from the first.

    Examples
    --------
    >>> log = ImportLog()
    >>> recs = [{"id": "a", "dept": 1}, {"id": "a", "dept": 2}, {"id": "b"}, {"id": "b"}]
    >>> first_of_each(recs, pd.Series(["a", "a", "b", "b"]), log).tolist()
    [True, False, True, False]
    >>> log.lines[0].split("; ")[:2]
    ['2 user records repeat a member (pages per department)', 'each member read once']
    >>> "1 of them differ from the first read" in log.lines[0]
    True
    """
    key = key.reset_index(drop=True)
    repeat = key.duplicated().to_numpy()
    if repeat.any():
        text = pd.Series([json.dumps(r, sort_keys=True, ensure_ascii=False, default=str) for r in records])
        first = pd.Series(text[~repeat].to_numpy(), index=key[~repeat].to_numpy())
        differ = int((text[repeat].to_numpy() != key[repeat].map(first).to_numpy()).sum())
        log.note(f"{int(repeat.sum()):,} {what} repeat a member (pages per department); each member read once"
                 + (f"; {differ:,} of them differ from the first read (pages fetched at different times?): the "
                    "first is kept" if differ else ""))
    return ~repeat


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
        The separator of department paths (``-`` DingTalk, ``/`` WeCom); ``"auto"``: decided from the
        values (:func:`detect_path_separator`); ``None``: departments are names.

    Returns
    -------
    Directory

    Raises
    ------
    ExportFormatError
        No person has an id, or no department can be given (no department column and no reporting tree).
        Or the managers form a cycle when departments are derived from the tree.
    """
    df = frame.copy()
    for col in df.columns:
        if df[col].dtype == object or pd.api.types.is_string_dtype(df[col].dtype):
            df[col] = _as_text(df[col]).str.strip()
    if "employee_id" not in df.columns or (df["employee_id"] == "").all():
        raise refuse(file, f"a {title} with an id for each person", "no ids")
    if "_row" not in df.columns:
        df["_row"] = [f"row {i + 1}" for i in range(len(df))]
    blank = df["employee_id"] == ""
    log.dropped(int(blank.sum()), "directory rows", "no id" + (f" ({row_list(df.loc[blank, '_row'])})"
                                                               if blank.any() else ""))
    df = df[~blank]
    if "resigned" in df.columns:
        gone = _flag(df["resigned"])
        log.dropped(int(gone.sum()), "people", "marked as resigned or inactive in the export")
        df = df[~gone]
    if df.empty:  # everyone left out: say why, rather than that a column is missing
        why = "; ".join(w for w in (log.left_out(k) for k in ("members", "people", "directory rows")) if w)
        raise refuse(file, f"a {title} with at least one person who is still a member",
                     "no person left" + (f": {why}" if why else ""),
                     "Give the list of current members (the export of active members, not of those who left).")
    df = df.reset_index(drop=True)
    # --- one person per id; departments: lists, primary, paths ------------------------------------------
    first = ~df["employee_id"].duplicated(keep="first")
    n_rows = len(df)
    has_dept = any(c in df.columns for c in ("department", "departments", "other_departments"))
    long = _department_lists(df) if has_dept else None
    df = df[first.to_numpy()].reset_index(drop=True)
    if n_rows > len(df):
        log.note(f"{n_rows - len(df):,} rows repeat a person already read (one row per department); each id "
                 "read as one person, the first row giving the other fields")
    sep = None
    if long is not None:
        sep = path_separator
        if sep == "auto":
            forced = options.extra.get("department_separator")
            if forced is not None:
                sep = None if str(forced).lower() in ("", "none") else str(forced)
                log.decided("department paths", f"separator {sep!r} (given with department_separator)"
                            if sep else "read as names (department_separator=none)")
            else:
                sep, evidence = detect_path_separator(long["dept"])
                log.decided("department paths", (f"split on {sep!r}: " if sep else "") + evidence)
        primary_flag = df["primary_department"] if "primary_department" in df.columns else None
        _assign_departments(df, long, sep, primary_flag, options, log)
    # --- managers --------------------------------------------------------------------------------------
    directory = Directory.from_frame(df)
    if "department" in df.columns and "name" in df.columns:
        _strip_person_names(df, directory, log)
    ids = df["employee_id"]
    refs_only = "manager_ref" in df.columns and ("manager_id" not in df.columns or (df["manager_id"] == "").all())
    if refs_only:
        _resolve_manager_refs(df, directory, file, log)
    elif "manager_id" in df.columns:
        known = df["manager_id"].isin(ids) | (df["manager_id"] == "")
        if not known.all():
            # a manager id may differ in case or width, or be the manager's account id, e-mail or name (HiBob's
            # and BambooHR's "Reports to" holds names): translate, never guessing a name two people share
            given = df.loc[~known, "manager_id"]
            via = directory.resolve(given, what=f"{file}: managers", log=None)
            df.loc[via.index[via != ""], "manager_id"] = via[via != ""]
            if (via != "").any():
                log.decided("managers", f"{int((via != '').sum()):,} manager(s) given by account id, e-mail, "
                            "phone or name rather than employee id were found in the directory")
            amb = (via == "").to_numpy() & directory.is_ambiguous(given)
            if amb.any():
                _note_ambiguous_managers(df.loc[given.index[amb], "_row"], file, log)
                df.loc[given.index[amb], "manager_id"] = ""
            outside = ~df["manager_id"].isin(ids) & (df["manager_id"] != "")
            if outside.any():
                log.note(f"{file}: {int(outside.sum()):,} people report to an id that is not in the directory "
                         f"({df.loc[outside, 'manager_id'].nunique():,} distinct, e.g. a post outside the "
                         "organisation); their manager is left empty")
                df.loc[outside, "manager_id"] = ""
    if not refs_only and "manager_ref" in df.columns and "manager_id" in df.columns:
        gap = ((df["manager_id"] == "") & (df["manager_ref"] != "")).to_numpy()
        if gap.any():  # an id column with holes and a name/e-mail column: the names fill the holes
            part = df.loc[gap].copy()
            _resolve_manager_refs(part, directory, file, log)
            df.loc[gap, "manager_id"] = part["manager_id"].to_numpy()
    if "manager_id" in df.columns:
        own = (df["manager_id"] == df["employee_id"]).to_numpy()
        if own.any():
            log.note(f"{int(own.sum()):,} people are given as their own manager (the top of the tree); "
                     "read as having no manager")
            df.loc[own, "manager_id"] = ""
    # --- departments from the tree ---------------------------------------------------------------------
    has_department = "department" in df.columns and (df["department"] != "").any()
    if options.derive_departments or not has_department:
        if "manager_id" not in df.columns or (df["manager_id"] == "").all():
            raise refuse(file, f"a {title} with a department or a manager for each person",
                         "neither a department column nor managers",
                         "Add a department column, or export the directory with each person's manager.")
        if has_department:
            log.note("departments from the reporting tree replace the export's departments (--derive-departments)")
        df["department"] = tree_departments(df, options.derive_departments or 1, log, file=file)
    else:
        if options.department_level and not sep:
            log.note("--department-level has no effect: the departments are names, not paths")
        empty = df["department"] == ""
        if empty.any():
            df.loc[empty, "department"] = UNASSIGNED
            log.note(f"{int(empty.sum()):,} people have no department; written as '{UNASSIGNED}'")
    if "hire_date" in df.columns:
        hired = parse_times(df["hire_date"], options.zone, what=f"{file}: hire date", log=log,
                            dayfirst=options.dayfirst, calendar=True)
        df["hire_date"] = hired.dt.normalize()
    cols = [c for c in ("employee_id", "department", "manager_id", "name", "title", "level", "location",
                        "hire_date", "other_departments") if c in df.columns]
    people = df[cols].reset_index(drop=True)
    log.count("people", len(people))
    log.note(f"people: {len(people):,} in {people['department'].nunique():,} departments")
    return Directory(people, directory.aliases, directory.ambiguous)


def _department_lists(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (person, department listed), in order: ``person`` (row of its first appearance), ``dept``."""
    pieces = []
    person = pd.Series(pd.factorize(df["employee_id"], sort=False)[0], index=df.index)
    for rank, col in enumerate(("departments", "department", "other_departments")):
        if col not in df.columns or (col == "department" and "departments" in df.columns):
            continue
        exploded = df[col].str.split(_LIST_SPLIT, regex=True).explode()
        part = pd.DataFrame({"person": person.loc[exploded.index].to_numpy(), "dept": exploded.fillna("").to_numpy(),
                             "src": rank, "row": exploded.index.to_numpy()})
        pieces.append(part)
    long = pd.concat(pieces, ignore_index=True)
    long["pos"] = np.arange(len(long))
    # the main columns of every row before the secondary ones; rows in file order
    long = long.sort_values(["person", "src", "row", "pos"], kind="stable")
    long = long[long["dept"].str.strip() != ""]
    return long[["person", "dept"]].reset_index(drop=True)


def _path_names(distinct: pd.Series, sep: str | None, options: ImportOptions, log: ImportLog | None) -> pd.Series:
    """Department names (index: the raw values) at the chosen level of their paths."""
    values = distinct.astype("str").str.strip()
    if not sep:
        return pd.Series(values.to_numpy(), index=distinct.to_numpy())
    parts = values.str.split(sep, regex=False)
    flat = parts.explode().str.strip()
    flat = flat[flat != ""]
    n_parts = flat.groupby(level=0).size().reindex(values.index, fill_value=0)
    firsts = flat.groupby(level=0).first()
    drop_root = len(firsts) > 0 and firsts.nunique() == 1 and int(n_parts.max()) > 1
    rank = flat.groupby(level=0).cumcount()
    if drop_root:
        flat, rank = flat[rank > 0], rank[rank > 0] - 1
    level = options.department_level
    if level:
        flat = flat[(rank < level).to_numpy()]
    names = flat.groupby(level=0).agg(" / ".join).reindex(values.index).fillna("")
    if drop_root:  # a path that is the company alone (its head office): the company's name
        names = names.where(n_parts.to_numpy() > 1, firsts.reindex(values.index).fillna(""))
    if log is not None:
        log.decided("department levels", ("the first level, shared by every path (the company), dropped; "
                                          if drop_root else "")
                    + (f"{level} level(s) below it kept (--department-level)" if level
                       else "the whole path kept (--department-level N keeps N levels)"))
    return pd.Series(names.to_numpy(), index=distinct.to_numpy())


def _assign_departments(df: pd.DataFrame, long: pd.DataFrame, sep: str | None, primary_flag: pd.Series | None,
                        options: ImportOptions, log: ImportLog) -> None:
    """Fill ``department`` and ``other_departments`` of ``df`` (one row per person) from the long lists."""
    flagged = None
    if primary_flag is not None:
        flagged = primary_flag[primary_flag.str.strip() != ""]
    raw = pd.Series(pd.unique(pd.concat([long["dept"], flagged]) if flagged is not None else long["dept"]))
    names = _path_names(raw, sep, options, log)
    long = long.assign(name=long["dept"].map(names).fillna(""))
    long = long[long["name"] != ""].drop_duplicates(["person", "name"], keep="first")
    primary = long.drop_duplicates("person", keep="first").set_index("person")["name"]
    primary = pd.Series(primary.reindex(np.arange(len(df))).fillna("").to_numpy(), index=df.index, dtype="str")
    if flagged is not None:
        flagged_names = flagged.map(names).fillna("")
        flagged_names = flagged_names[flagged_names != ""]
        primary.loc[flagged_names.index] = flagged_names
        log.decided("primary department", f"the export's primary flag for {len(flagged_names):,} people; the first "
                    "department listed for the rest")
    long = long.assign(primary=primary.to_numpy()[long["person"].to_numpy()])
    rest = long[long["name"] != long["primary"]]
    others = rest.groupby("person", sort=False)["name"].agg(";".join)
    df["department"] = primary
    df["other_departments"] = pd.Series(others.reindex(np.arange(len(df))).fillna("").to_numpy(), index=df.index,
                                        dtype="str")
    multi = int((df["other_departments"] != "").sum())
    if multi and primary_flag is None:
        log.decided("primary department", f"{multi:,} people are in several departments and the export flags "
                    "none as primary: the first one listed is used, the others are kept in other_departments")
    elif multi:
        log.note(f"{multi:,} people are in several departments: the others are kept in other_departments")


def _strip_person_names(df: pd.DataFrame, directory: Directory, log: ImportLog) -> None:
    """Remove a person's name in parentheses from department names (Workday: ``Sales East (Jane Doe)``).

    Department names appear in reports; a manager's name inside one would put a name where no name may be.
    Only a trailing parenthesis that is exactly the name of someone in the directory is removed.
    """
    names = set(directory.aliases.loc[directory.aliases["kind"] == "name", "alias"]) | set(directory.ambiguous)
    if not names:
        return
    cols = [c for c in ("department", "other_departments") if c in df.columns]
    values = pd.Series(pd.unique(pd.concat([df[c] for c in cols]).str.split(";").explode().dropna()), dtype="str")
    inner = values.str.extract(r"^(.*?)\s*[(（]\s*([^()（）]+?)\s*[)）]\s*$")
    person = fold_name(inner[1].fillna("")).isin(names).to_numpy() & (inner[0].fillna("") != "").to_numpy()
    if not person.any():
        return
    fix = dict(zip(values[person], inner.loc[person, 0]))
    df["department"] = df["department"].replace(fix)
    if "other_departments" in df.columns:
        has = (df["other_departments"] != "").to_numpy()
        if has.any():  # only people in several departments
            parts = df.loc[has, "other_departments"].str.split(";").explode().replace(fix)
            df.loc[has, "other_departments"] = parts.groupby(level=0).agg(lambda xs: ";".join(dict.fromkeys(xs)))
    log.note(f"{int(person.sum()):,} department names ended with a person's name in parentheses (a manager's, as "
             "Workday names supervisory organisations); the name was removed")


def _note_ambiguous_managers(rows: pd.Series, file: str, log: ImportLog) -> None:
    log.note(f"{file}: {len(rows):,} people name their manager by a name shared by several people; their manager "
             f"is left empty, never guessed ({row_list(rows)}). Give the manager's id or e-mail address in those "
             "rows to settle them.")


def _resolve_manager_refs(df: pd.DataFrame, directory: Directory, file: str, log: ImportLog) -> None:
    ref = df["manager_ref"]
    df["manager_id"] = directory.resolve(ref, what=f"{file}: managers", log=None)
    given = (ref != "").to_numpy()
    unresolved = given & (df["manager_id"] == "").to_numpy()
    amb = unresolved & directory.is_ambiguous(ref)
    unknown = unresolved & ~amb
    found = int((df["manager_id"] != "").sum())
    log.decided("managers", f"{found:,} of {int(given.sum()):,} managers given by id, account, e-mail, phone or "
                "name were found in the directory")
    if amb.any():
        _note_ambiguous_managers(df.loc[amb, "_row"], file, log)
    if unknown.any():
        log.note(f"{file}: {int(unknown.sum()):,} people name a manager nobody in the directory has as id, "
                 f"e-mail, phone or name ({row_list(df.loc[unknown, '_row'])}); their manager is left empty")


def _tree(df: pd.DataFrame, file: str) -> tuple[np.ndarray, np.ndarray]:
    """Each person's parent (row position; a root points to itself) and depth below their root.

    Depths by pointer jumping: ``O(n log depth)`` vectorised.

    Raises
    ------
    ExportFormatError
        Some managers form a cycle.
    """
    n = len(df)
    pos = pd.Series(np.arange(n), index=df["employee_id"].to_numpy())
    parent = df["manager_id"].map(pos).fillna(-1).astype(np.int64).to_numpy()
    me = np.arange(n)
    parent = np.where(parent < 0, me, parent)
    dist = (parent != me).astype(np.int64)
    p = parent.copy()
    for _ in range(64):
        pp = p[p]
        if (pp == p).all():
            break
        dist = dist + dist[p]
        p = pp
    stuck = p[p] != p
    if stuck.any():
        raise refuse(file, "a directory whose managers form a tree",
                     f"the managers of {int(stuck.sum()):,} people form a cycle (someone is, through their "
                     "managers, their own manager)", "Correct the manager of one person in each cycle.")
    return parent, dist


def _ancestors(parent: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Each node's ``k``-th ancestor (binary lifting; a root is its own parent)."""
    anc = np.arange(len(parent))
    up = parent.copy()
    k = k.copy()
    while k.any():
        bit = (k & 1).astype(bool)
        anc = np.where(bit, up[anc], anc)
        k >>= 1
        up = up[up]
    return anc


def tree_departments(df: pd.DataFrame, depth: int, log: ImportLog, *, file: str = "directory") -> pd.Series:
    """Departments from the reporting tree: each person's unit at ``depth`` levels below the top.

    Parameters
    ----------
    df : DataFrame
        ``employee_id``, ``manager_id`` (ids of the same frame or ``""``) and optionally ``title``.
    depth : int
        1: the branches directly under the top (the CEO's direct reports and everyone below each).

    Returns
    -------
    Series
        The department of each row.

    Notes
    -----
    * A person's depth is the number of managers above them. A **unit** is a person at ``depth`` together with
      everyone below them; the people above the units (the top and, for ``depth`` > 1, the levels between)
      are ``Leadership``.
    * A person at ``depth`` with nobody below them heads no unit (a chief of staff, an assistant): they stay
      with their manager's unit at the level above (``Leadership`` at depth 1), so no one-person department is
      made.
    * A unit is named by its head's job title when no other unit's head has the same title; heads sharing a
      title give ``<title> (1)``, ``<title> (2)``... in the order of the export; heads without a title give
      ``Unit 1``, ``Unit 2``... Never by a person's id or name (ids may be pseudonymised; names are private).
    * Several tops (people without a manager) each root their own tree.
    """
    if depth < 1:
        raise ValueError(f"derive_departments must be at least 1. Got {depth}.")
    parent, level = _tree(df, file)
    n = len(df)
    titles = (df["title"].to_numpy(dtype=object) if "title" in df.columns else np.full(n, "", dtype=object))
    kids = np.bincount(parent[parent != np.arange(n)], minlength=n)
    # the unit head of each person: the ancestor at ``d``, where d is the deepest level <= depth at which
    # the ancestor heads somebody (lone people at the cut move up a level)
    head = np.full(n, -1, dtype=np.int64)
    todo = level >= depth
    merged = 0
    for d in range(depth, 0, -1):
        if not todo.any():
            break
        anc = _ancestors(parent, np.where(todo, level - d, 0))
        lone = todo & (kids[anc] == 0)
        ok = todo & ~lone
        head[ok] = anc[ok]
        if d == depth:
            merged = int(lone.sum())
        todo = lone
    leadership = head < 0
    heads = pd.unique(head[~leadership])
    order = np.sort(heads)  # the order of the export
    head_titles = pd.Series(titles[order], index=order, dtype="str").str.strip()
    counts = head_titles[head_titles != ""].value_counts()
    label = pd.Series("", index=order, dtype="str")
    unique = head_titles.map(counts).fillna(0).to_numpy() == 1
    label[unique] = head_titles[unique]
    dup = (head_titles != "").to_numpy() & ~unique
    if dup.any():
        k = head_titles[dup].groupby(head_titles[dup]).cumcount() + 1
        label[dup] = head_titles[dup] + " (" + k.astype("str") + ")"
    untitled = (head_titles == "").to_numpy()
    if untitled.any():
        label[untitled] = [f"Unit {i}" for i in range(1, int(untitled.sum()) + 1)]
    dept = np.full(n, LEADERSHIP, dtype=object)
    dept[~leadership] = label.reindex(head[~leadership]).to_numpy()
    tops = int((parent == np.arange(n)).sum())
    log.decided("departments", f"derived from the reporting tree ({tops:,} top(s), {int(level.max()) + 1:,} "
                f"layers): {len(order):,} units {depth} level(s) below the top, named by each head's job title "
                f"where it is unique ({int(unique.sum()):,}), numbered where titles repeat ({int(dup.sum()):,}) "
                f"or are missing ({int(untitled.sum()):,}); the {int(leadership.sum()):,} people above them are "
                f"'{LEADERSHIP}'")
    if merged:
        log.note(f"{merged:,} people at that level have nobody below them and head no unit: they are counted with "
                 "their manager's unit")
    return pd.Series(dept, index=df.index, dtype="str")
