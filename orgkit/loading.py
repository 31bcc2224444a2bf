"""Load a client folder: find the files, read them, map headers, validate once, return a :class:`Client`.

Everything a later step may rely on is checked here; analyses trust what this module returns. Every
problem found is collected (reading goes on past the first one where it can) and raised together as one
:class:`~orgkit.errors.ValidationError`; things orgkit can handle become :class:`~orgkit.client.DataWarning`.
``docs/data-contract.md`` lists every check and what each case gets.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .client import Client, DataWarning, Settings, SourceFile
from .contract import (
    LANGUAGES,
    LIKERT_MAX,
    LIKERT_MIN,
    RACI_ROLES,
    STAGES,
    TABLES,
    TableSpec,
    normalise_header,
)
from .errors import Problem, ValidationError
from .hierarchy import find_cycles
from .privacy import OTHER_GROUP
from .thresholds import client_thresholds
from .reading import (READ_KEYS, detect_encoding, find_files, load_settings_file, read_settings, read_source,
                      read_table)

__all__ = ["load_client", "from_frames", "read_table", "detect_encoding"]

log = logging.getLogger(__name__)

#: How many offending rows a message lists before it says "and N more".
MAX_ROWS_LISTED = 5
#: Order in which tables are loaded (later ones are checked against ``people``).
TABLE_ORDER = ("people", "communication", "decisions", "responsibilities", "survey_items", "survey",
               "survey_previous")
_SETTINGS_KEYS = {"name", "stage", "language", "min_group_size", "comment_min_group_size", "show_names",
                  "columns"} | READ_KEYS
#: The other ``client.yml`` keys an analysis reads (from ``client.settings.options``). Any key in neither
#: set is still kept in ``options`` but gets an ``unknown_setting`` warning: it is most likely a typo.
#: Add a key here when an analysis starts reading it.
OPTION_KEYS = frozenset({"stage_thresholds", "thresholds"})
_BAD_ID = re.compile(r"[\s;,]|^(?:#N/A|#REF!|#VALUE!|#NAME\?|nan|none|null|n/a|na|-)$", re.IGNORECASE)
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$")
_FRACTION = re.compile(r"^-?\d+\.\d*[1-9]\d*$")
_TRAILING_ZERO = re.compile(r"^(-?\d+)\.0+$")
_APPROVER_SPLIT = re.compile(r"\s*[;；|]\s*")
_TRUE = {"true", "yes", "y", "1", "t", "x", "是", "反向"}
_FALSE = {"false", "no", "n", "0", "f", "", "否"}


# --------------------------------------------------------------------------------------------------
# values shared by the validators (reading files is orgkit.reading)
# --------------------------------------------------------------------------------------------------
def _per_unique(values: pd.Series, func) -> pd.Series:
    """Apply a string function to each distinct value once and spread the result back.

    Exports repeat the same ids and names many times (a million communication rows name a hundred
    thousand people), so this is several times faster than a per-row ``.str`` call.
    """
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    mapped = func(pd.Series(uniques, dtype="str"))
    return pd.Series(mapped.to_numpy()[codes], index=values.index, dtype=mapped.dtype)


def _rows(index: pd.Index) -> str:
    """Spreadsheet row numbers (header = row 1) of frame positions, capped."""
    rows = [int(i) + 2 for i in index[:MAX_ROWS_LISTED]]
    text = ("rows " if len(index) > 1 else "row ") + ", ".join(map(str, rows))
    if len(index) > MAX_ROWS_LISTED:
        text += f" and {len(index) - MAX_ROWS_LISTED} more"
    return text


class _Collector:
    """Problems and warnings found while loading one client."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[DataWarning] = []
        self.dropped: dict[str, dict[str, int]] = {}

    def error(self, file: str, message: str, hint: str = "", *, rows: pd.Index | None = None,
              column: str | None = None) -> None:
        row = None
        if rows is not None and len(rows):
            if len(rows) == 1:
                row = int(rows[0]) + 2
            else:
                message = f"{_rows(rows)}: {message}"
        self.problems.append(Problem(file, message, hint, row=row, column=column))

    def warn(self, code: str, file: str, message: str, count: int = 0, groups: Any = ()) -> None:
        """Record a warning; ``message`` names no group, ``groups`` holds the names (see DataWarning)."""
        self.warnings.append(DataWarning(code, file, message, count, tuple(map(str, groups))))
        log.info("%s: %s", file, message)


# --------------------------------------------------------------------------------------------------
# headers
# --------------------------------------------------------------------------------------------------
def _map_headers(frame: pd.DataFrame, spec: TableSpec, mapping: Mapping[str, str], file: str,
                 out: _Collector) -> tuple[pd.DataFrame, dict[str, str]] | None:
    """Rename a table's headers to canonical names; ``None`` when required columns are missing."""
    canonical = set(spec.columns)
    lookup: dict[str, str] = {}
    for canon in spec.columns:
        lookup.setdefault(normalise_header(canon), canon)
    for canon, words in spec.synonyms.items():
        for w in words:
            lookup.setdefault(normalise_header(w), canon)
    user = {normalise_header(k): v for k, v in (mapping or {}).items()}
    header_map: dict[str, str] = {}
    taken: dict[str, str] = {}
    for header in frame.columns:
        key = normalise_header(header)
        if key in user:
            target = user[key]
            if target not in canonical and spec.name not in ("survey", "survey_previous"):
                out.error("client.yml", f"columns.{spec.name} maps '{header}' to '{target}', which is not a "
                          f"column of {spec.name}.", f"Use one of: {', '.join(spec.columns)}.")
                continue
        elif key in lookup:
            target = lookup[key]
        else:
            continue
        if target in taken:
            if key in user and normalise_header(taken[target]) not in user:
                header_map.pop(taken[target])  # the mapping wins over a synonym
            elif key not in user:
                continue  # the first synonym wins; the other header stays an attribute
            else:
                out.error(file, f"both '{taken[target]}' and '{header}' are mapped to '{target}'.",
                          f"Map only one of them in client.yml (columns: {spec.name}: ...).")
                continue
        header_map[header] = target
        taken[target] = header
    present = {normalise_header(h) for h in frame.columns}
    for header, target in (mapping or {}).items():
        if normalise_header(header) not in present:
            out.error("client.yml", f"columns.{spec.name} maps '{header}' to '{target}' but {file} has no "
                      f"such header.", f"Headers found: {', '.join(map(str, frame.columns))}.")
    missing = [c for c in spec.required_columns if c not in taken]
    if missing:
        out.error(file, f"missing required column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}. "
                  f"Headers found: {', '.join(map(str, frame.columns))}.",
                  f"Rename the headers, or map them in client.yml under columns: {spec.name}:.")
        return None
    return frame.rename(columns=header_map), header_map


# --------------------------------------------------------------------------------------------------
# values
# --------------------------------------------------------------------------------------------------
def _clean_ids(values: pd.Series, file: str, column: str, out: _Collector, *,
               allow_blank: bool) -> pd.Series:
    """Normalise an id column (fold ``12.0`` to ``12``) and report values that are not ids."""
    s = _per_unique(values, lambda u: u.str.replace(_TRAILING_ZERO, r"\1", regex=True))
    blank = s == ""
    if not allow_blank and blank.any():
        out.error(file, f"{int(blank.sum())} empty value(s) in '{column}'.", "Every row needs an id.",
                  rows=s.index[blank], column=column)
    nonblank = ~blank
    bad = nonblank & _per_unique(s, lambda u: u.str.contains(_BAD_ID) | u.str.len().gt(64))
    sci = nonblank & _per_unique(s, lambda u: u.str.match(_SCIENTIFIC))
    frac = nonblank & _per_unique(s, lambda u: u.str.match(_FRACTION))
    if bad.any():
        examples = ", ".join(repr(v) for v in s[bad].unique()[:3])
        out.error(file, f"{int(bad.sum())} value(s) in '{column}' are not ids (e.g. {examples}): an id has "
                  "no spaces, commas or semicolons and is not a placeholder such as #N/A.",
                  "Use one id per cell, as in people's employee_id.", rows=s.index[bad], column=column)
    if sci.any():
        out.error(file, f"{int(sci.sum())} value(s) in '{column}' look like numbers a spreadsheet turned "
                  f"into scientific notation (e.g. {s[sci].iloc[0]!r}).",
                  "Format the id column as text before exporting.", rows=s.index[sci], column=column)
    if frac.any():
        out.error(file, f"{int(frac.sum())} value(s) in '{column}' are fractional numbers "
                  f"(e.g. {s[frac].iloc[0]!r}), not ids.", "Use whole-number or text ids.",
                  rows=s.index[frac], column=column)
    return s


def _require_text(frame: pd.DataFrame, column: str, file: str, out: _Collector, hint: str) -> None:
    blank = frame[column] == ""
    if blank.any():
        out.error(file, f"{int(blank.sum())} empty value(s) in '{column}'.", hint, rows=frame.index[blank],
                  column=column)


def _parse_datetimes(values: pd.Series, file: str, column: str, out: _Collector) -> pd.Series:
    """Parse dates and times; offsets are converted to UTC and dropped, naive values are kept as given."""
    s = values.replace("", None)

    def parse(v: pd.Series, fmt: str) -> pd.Series:
        return pd.to_datetime(v, errors="coerce", format=fmt, utc=True).dt.tz_localize(None)

    parsed = parse(s, "ISO8601")  # the fast path for ISO exports
    retry = s.notna() & parsed.isna()
    if retry.any():  # other spellings (2024/3/5, 05.03.2024 10:00, ...) go through the slower parser
        parsed[retry] = parse(s[retry], "mixed")
    bad = s.notna() & parsed.isna()
    if bad.any():
        out.warn("unparsed_dates", file, f"{int(bad.sum())} value(s) in '{column}' are not dates (e.g. "
                 f"{s[bad].iloc[0]!r}) and were left empty.", int(bad.sum()))
    return parsed.astype("datetime64[ns]")


def _unknown_mask(frame: pd.DataFrame, id_columns: list[str], known: pd.Index) -> np.ndarray:
    unknown = np.zeros(len(frame), dtype=bool)
    for col in id_columns:
        unknown |= ~frame[col].isin(known).to_numpy()
    return unknown


def _drop_unknown(frame: pd.DataFrame, unknown: np.ndarray, table: str, file: str,
                  out: _Collector) -> pd.DataFrame:
    """Drop rows naming people who are not in ``people``, and count them."""
    n = int(unknown.sum())
    if n:
        out.dropped.setdefault(table, {})["unknown_people"] = n
        out.warn("unknown_people_dropped", file, f"{n} row(s) name people who are not in people and were "
                 f"dropped ({n / len(frame):.1%} of the file).", n)
        frame = frame.loc[~unknown]
    return frame


# --------------------------------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------------------------------
def _people(frame: pd.DataFrame, file: str, min_group_size: int, out: _Collector) -> pd.DataFrame | None:
    n_problems = len(out.problems)
    frame = frame.copy()
    frame["employee_id"] = _clean_ids(frame["employee_id"], file, "employee_id", out, allow_blank=False)
    copies = frame.duplicated(keep="first")
    if copies.any():
        n = int(copies.sum())
        out.warn("duplicate_rows", file, f"{n} row(s) are exact copies of an earlier row ("
                 f"{_rows(frame.index[copies])}) and were read once.", n)
        frame = frame.loc[~copies]
    dup = frame["employee_id"].duplicated(keep=False) & (frame["employee_id"] != "")
    if dup.any():
        ids = frame.loc[dup, "employee_id"].unique()
        out.error(file, f"{len(ids)} employee_id value(s) appear more than once (e.g. "
                  f"{', '.join(map(repr, ids[:3]))}).", "Each person must have one row with a unique id.",
                  rows=frame.index[dup], column="employee_id")
    _require_text(frame, "department", file, out, "Give every person a department (e.g. 'Unassigned').")
    if "manager_id" in frame.columns:
        frame["manager_id"] = _clean_ids(frame["manager_id"], file, "manager_id", out, allow_blank=True)
    if len(out.problems) > n_problems:
        return None
    if "manager_id" in frame.columns:
        mgr = frame["manager_id"]
        self_mgr = mgr == frame["employee_id"]
        if self_mgr.any():
            n = int(self_mgr.sum())
            out.warn("self_manager", file, f"{n} person(s) are listed as their own manager ("
                     f"{_rows(frame.index[self_mgr])}); they are treated as top of the organisation.", n)
        unknown = (mgr != "") & ~mgr.isin(frame["employee_id"]) & ~self_mgr
        if unknown.any():
            n = int(unknown.sum())
            out.warn("unknown_manager", file, f"{n} manager_id value(s) name nobody in the file ("
                     f"{_rows(frame.index[unknown])}); those people are treated as top of the organisation.", n)
        frame["manager_id"] = mgr.where(~(self_mgr | unknown | (mgr == "")), None)
        ids = pd.Index(frame["employee_id"])
        parent = ids.get_indexer(frame["manager_id"].fillna("").to_numpy(dtype=object)).astype(np.int64)
        cycles = find_cycles(parent)
        for cyc in cycles[:10]:
            members = frame["employee_id"].to_numpy()[cyc]
            shown = " -> ".join(members[:12]) + (" -> ..." if len(members) > 12 else "") + f" -> {members[0]}"
            out.error(file, f"reporting cycle of {len(members)} people: {shown} ("
                      f"{_rows(frame.index[cyc])}).", "Fix the manager_id of one of them so the chain "
                      "reaches the top of the organisation.", column="manager_id")
        if cycles:
            return None
        tops = int((parent < 0).sum())
        if tops > 1:
            out.warn("several_tops", file, f"{tops} people have no manager in the file; the organisation "
                     f"is read as {tops} separate reporting trees.", tops)
    for col in ("name", "title", "level", "location", "department"):
        if col in frame.columns:
            frame[col] = frame[col].astype("str")
    if "hire_date" in frame.columns:
        frame["hire_date"] = _parse_datetimes(frame["hire_date"], file, "hire_date", out)
    sizes = frame["department"].value_counts()
    small = sizes[sizes < min_group_size]
    if len(small):
        out.warn("small_department", file, f"{len(small)} department(s) have fewer than {min_group_size} "
                 f"people; they are not named or shown anywhere (pooled as '{OTHER_GROUP}'; "
                 "`orgkit validate --show-small-groups` lists them).", len(small), groups=small.index)
    return frame.reset_index(drop=True)


def _communication(frame: pd.DataFrame, file: str, known: pd.Index | None, out: _Collector) -> pd.DataFrame | None:
    n_problems = len(out.problems)
    frame = frame.copy()
    for col in ("source_id", "target_id"):
        frame[col] = _clean_ids(frame[col], file, col, out, allow_blank=False)
    if "weight" in frame.columns:
        raw = frame["weight"]
        w = pd.to_numeric(raw.replace("", "1"), errors="coerce")
        bad = w.isna() | (w <= 0) | ~np.isfinite(w)
        if bad.any():
            out.error(file, f"{int(bad.sum())} weight value(s) are not positive numbers (e.g. "
                      f"{raw[bad].iloc[0]!r}).", "Use a count or weight above 0, or leave it blank for 1.",
                      rows=frame.index[bad], column="weight")
        frame["weight"] = w.astype("float64")
    else:
        frame["weight"] = 1.0
    if len(out.problems) > n_problems:
        return None
    if "timestamp" in frame.columns:
        frame["timestamp"] = _parse_datetimes(frame["timestamp"], file, "timestamp", out)
    if "channel" in frame.columns:
        frame["channel"] = frame["channel"].astype("str")
    total = len(frame)
    if known is not None:
        frame = _drop_unknown(frame, _unknown_mask(frame, ["source_id", "target_id"], known),
                              "communication", file, out)
    self_rows = frame["source_id"] == frame["target_id"]
    n = int(self_rows.sum())
    if n:
        out.dropped.setdefault("communication", {})["self_rows"] = n
        out.warn("self_messages_dropped", file, f"{n} self-message row(s) (sender = recipient) were dropped.", n)
        frame = frame.loc[~self_rows]
    if len(frame) == 0 and total:
        out.warn("no_communication_left", file, "no rows are left after dropping unknown people and "
                 "self-messages; communication metrics will describe an empty graph.", total)
    return frame.reset_index(drop=True)


def _decisions(frame: pd.DataFrame, file: str, known: pd.Index | None, out: _Collector) -> pd.DataFrame | None:
    n_problems = len(out.problems)
    frame = frame.copy()
    frame["decision_id"] = _clean_ids(frame["decision_id"], file, "decision_id", out, allow_blank=False)
    dup = frame["decision_id"].duplicated(keep=False)
    if dup.any():
        out.error(file, f"{int(frame.loc[dup, 'decision_id'].nunique())} decision_id value(s) appear more "
                  "than once.", "Give each decision one row with a unique id.", rows=frame.index[dup],
                  column="decision_id")
    _require_text(frame, "decision_type", file, out, "Give every decision a type (e.g. 'budget').")
    for col in ("initiator_id", "decider_id"):
        frame[col] = _clean_ids(frame[col], file, col, out, allow_blank=False)
    if "approvers" in frame.columns:
        lists = frame["approvers"].str.strip(" ;；|").str.split(_APPROVER_SPLIT)
        long = lists.explode()
        long = long[long.notna() & (long != "")]
        cleaned = _clean_ids(long, file, "approvers", out, allow_blank=True)
        frame["approvers"] = cleaned.groupby(level=0).agg(";".join).reindex(frame.index, fill_value="")
    else:
        frame["approvers"] = ""
    if len(out.problems) > n_problems:
        return None
    if known is None:
        return None
    unknown = _unknown_mask(frame, ["initiator_id", "decider_id"], known)
    if frame["approvers"].ne("").any():
        long = frame["approvers"].str.split(";").explode()
        long = long[long != ""]
        bad_approver = (~long.isin(known)).groupby(level=0).any()
        unknown |= bad_approver.reindex(frame.index, fill_value=False).to_numpy()
    frame = _drop_unknown(frame, unknown, "decisions", file, out)
    frame["n_approvers"] = np.where(frame["approvers"] == "", 0,
                                    frame["approvers"].str.count(";") + 1).astype("int64")
    for col in ("raised_at", "decided_at"):
        frame[col] = (_parse_datetimes(frame[col], file, col, out) if col in frame.columns
                      else pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]"))
    backwards = frame["decided_at"] < frame["raised_at"]
    if backwards.any():
        n = int(backwards.sum())
        out.warn("decided_before_raised", file, f"{n} decision(s) were decided before they were raised; "
                 "their latency is left out.", n)
        frame.loc[backwards, "decided_at"] = pd.NaT
    frame["decision_type"] = frame["decision_type"].astype("str")
    return frame.reset_index(drop=True)


def _responsibilities(frame: pd.DataFrame, file: str, departments: pd.Index | None,
                      out: _Collector) -> pd.DataFrame | None:
    n_problems = len(out.problems)
    frame = frame.copy()
    _require_text(frame, "responsibility", file, out, "Name every responsibility.")
    _require_text(frame, "department", file, out, "Name the department for every row.")
    role = frame["role"].str.upper()
    bad = ~role.isin(RACI_ROLES)
    if bad.any():
        out.error(file, f"{int(bad.sum())} role value(s) are not one of R, A, C, I (e.g. "
                  f"{frame.loc[bad, 'role'].iloc[0]!r}).", "Use one letter per row: R (responsible), "
                  "A (accountable), C (consulted), I (informed); put two roles on two rows.",
                  rows=frame.index[bad], column="role")
    if len(out.problems) > n_problems:
        return None
    frame["role"] = role
    unknown = ~frame["department"].isin(departments) if departments is not None else pd.Series(False)
    if unknown.any():
        names = frame.loc[unknown, "department"].unique()
        out.warn("unknown_department", file, f"{len(names)} department name(s) are not in people; they are "
                 "kept as written (`orgkit validate --show-small-groups` lists them).", int(unknown.sum()),
                 groups=names)
    return frame.reset_index(drop=True)


def _survey_items(frame: pd.DataFrame, file: str, out: _Collector) -> pd.DataFrame | None:
    n_problems = len(out.problems)
    frame = frame.copy()
    _require_text(frame, "item", file, out, "Give every item the id of its column in survey.")
    _require_text(frame, "dimension", file, out, "Give every item a dimension.")
    if "reverse" in frame.columns:
        low = frame["reverse"].str.lower()
        bad = ~low.isin(_TRUE | _FALSE)
        if bad.any():
            out.error(file, f"{int(bad.sum())} reverse value(s) are not true/false (e.g. "
                      f"{frame.loc[bad, 'reverse'].iloc[0]!r}).", "Use true or false.",
                      rows=frame.index[bad], column="reverse")
        frame["reverse"] = low.isin(_TRUE)
    else:
        frame["reverse"] = False
    dup = frame["item"].duplicated(keep=False)
    if dup.any():
        out.error(file, "some items are listed more than once.", "List each item once.",
                  rows=frame.index[dup], column="item")
    if len(out.problems) > n_problems:
        return None
    return frame.reset_index(drop=True)


def _survey(frame: pd.DataFrame, file: str, table: str, people: pd.DataFrame | None,
            items: pd.DataFrame | None, out: _Collector) -> pd.DataFrame | None:
    n_problems = len(out.problems)
    frame = frame.copy()
    meta = [c for c in ("respondent_id", "department", "comment") if c in frame.columns]
    if "respondent_id" not in frame.columns and "department" not in frame.columns:
        out.error(file, "needs a respondent_id or a department column. Headers found: "
                  f"{', '.join(map(str, frame.columns))}.", "Add the respondent's department (or id).")
        return None
    if "respondent_id" in frame.columns:
        frame["respondent_id"] = _clean_ids(frame["respondent_id"], file, "respondent_id", out,
                                            allow_blank=True)
        rid = frame["respondent_id"]
        dup = (rid != "") & rid.duplicated(keep=False)
        if dup.any():
            out.error(file, f"{int(rid[dup].nunique())} respondent_id value(s) answered more than once.",
                      "Keep one response per respondent.", rows=frame.index[dup], column="respondent_id")
    candidates = [c for c in frame.columns if c not in meta]
    if items is not None:
        listed = list(items["item"])
        missing = [i for i in listed if i not in frame.columns]
        if missing:
            out.error(file, f"survey_items lists item(s) that are not columns of {file}: "
                      f"{', '.join(missing[:10])}.", "Make the item ids match the survey's headers.")
        item_cols = [c for c in candidates if c in set(listed)]
        ignored = [c for c in candidates if c not in set(listed)]
    else:
        item_cols, ignored = [], []
        for c in candidates:
            vals = frame[c][frame[c] != ""]
            if len(vals) and pd.to_numeric(vals, errors="coerce").notna().all():
                item_cols.append(c)
            else:
                ignored.append(c)
    if ignored:
        out.warn("survey_columns_ignored", file, f"{len(ignored)} column(s) are not survey items and were "
                 f"ignored: {', '.join(map(str, ignored[:8]))}.", len(ignored))
    if not item_cols:
        out.error(file, "no item columns with Likert answers were found.",
                  f"Add one column per item with values {LIKERT_MIN}-{LIKERT_MAX}.")
        return None
    for c in item_cols:
        raw = frame[c]
        num = pd.to_numeric(raw.replace("", None), errors="coerce")
        bad = (raw != "") & (num.isna() | (num != num.round()) | (num < LIKERT_MIN) | (num > LIKERT_MAX))
        if bad.any():
            out.error(file, f"{int(bad.sum())} value(s) in item '{c}' are outside the {LIKERT_MIN}-"
                      f"{LIKERT_MAX} scale (e.g. {raw[bad].iloc[0]!r}).",
                      f"Use whole numbers {LIKERT_MIN} (strongly disagree) to {LIKERT_MAX} (strongly agree); "
                      "leave unanswered items blank.", rows=frame.index[bad], column=c)
            continue
        frame[c] = num.astype("Int64")
    if len(out.problems) > n_problems:
        return None
    if "department" not in frame.columns or (frame["department"] == "").any():
        if people is None or "respondent_id" not in frame.columns:
            _require_text(frame, "department", file, out, "Give every response a department.")
            return None
        lookup = people.set_index("employee_id")["department"]
        from_people = frame["respondent_id"].map(lookup)
        stated = frame["department"] if "department" in frame.columns else pd.Series("", index=frame.index)
        dept = stated.where(stated != "", from_people)
        unknown = dept.isna()
        if unknown.any():
            n = int(unknown.sum())
            out.dropped.setdefault(table, {})["unknown_people"] = n
            out.warn("unknown_respondents_dropped", file, f"{n} response(s) have no department and a "
                     "respondent_id not in people; they were dropped.", n)
        frame["department"] = dept
        frame = frame.loc[~unknown]
    elif people is not None:
        unknown = ~frame["department"].isin(people["department"])
        if unknown.any():
            names = frame.loc[unknown, "department"].unique()
            out.warn("unknown_department", file, f"{len(names)} department name(s) in responses are not "
                     "in people; their response rate is unknown (`orgkit validate --show-small-groups` "
                     "lists them).", int(unknown.sum()), groups=names)
    frame["department"] = frame["department"].astype("str")
    cols = [c for c in ("respondent_id", "department", "comment") if c in frame.columns] + item_cols
    return frame[cols].reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# settings and the folder
# --------------------------------------------------------------------------------------------------
def _settings(folder: Path, raw: Mapping[str, Any], overrides: Mapping[str, Any], out: _Collector) -> Settings:
    data = dict(raw or {})
    data.update({k: v for k, v in overrides.items() if v is not None})
    f = "client.yml"
    name = str(data.get("name") or folder.name)
    stage = str(data.get("stage", "auto")).lower()
    if stage not in STAGES:
        out.error(f, f"stage must be one of {{{', '.join(STAGES)}}}. Got {stage!r} instead.",
                  "Use 'auto' to derive it from headcount.", column="stage")
    language = str(data.get("language", "en")).lower()
    if language not in LANGUAGES:
        out.error(f, f"language must be one of {{{', '.join(LANGUAGES)}}}. Got {language!r} instead.",
                  column="language")
    ints = {}
    for key, default in (("min_group_size", 5), ("comment_min_group_size", 10)):
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            out.error(f, f"{key} must be a whole number of at least 1. Got {value!r} instead.", column=key)
            value = default
        ints[key] = value
    show_names = data.get("show_names", False)
    if not isinstance(show_names, bool):
        out.error(f, f"show_names must be true or false. Got {show_names!r} instead.", column="show_names")
        show_names = False
    columns = data.get("columns") or {}
    if not isinstance(columns, Mapping) or not all(isinstance(v, Mapping) for v in columns.values()):
        out.error(f, "columns must map a file name to {header in the file: canonical name}.",
                  "Example:\ncolumns:\n  people:\n    Staff No: employee_id", column="columns")
        columns = {}
    unknown_tables = [t for t in columns if t not in TABLES]
    if unknown_tables:
        out.error(f, f"columns names unknown file(s): {', '.join(map(str, unknown_tables))}.",
                  f"Use one of: {', '.join(TABLES)}.", column="columns")
    options = {k: v for k, v in data.items() if k not in _SETTINGS_KEYS}
    known = sorted(_SETTINGS_KEYS | OPTION_KEYS)
    for key in options:
        if key not in OPTION_KEYS:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"Did you mean {close[0]!r}? " if close else ""
            out.warn("unknown_setting", f, f"unknown key {key!r} is not a setting orgkit reads, so it has no effect. {hint}"
                     f"Known keys: {', '.join(known)}.")
    thresholds, problems = client_thresholds(options)
    for message, hint in problems:
        out.error(f, message, hint, column="thresholds")
    return Settings(name=name, stage=stage, language=language, min_group_size=ints["min_group_size"],
                    comment_min_group_size=ints["comment_min_group_size"], show_names=show_names,
                    columns={str(k): {str(a): str(b) for a, b in v.items()} for k, v in columns.items()},
                    options=options, thresholds=thresholds)


def _validate(folder: Path, settings: Settings, raw: dict[str, pd.DataFrame], out: _Collector,
              sources: dict[str, SourceFile]) -> Client:
    """Validate raw string tables (canonical headers not yet applied) and build the client."""
    tables: dict[str, pd.DataFrame | None] = {}
    for table in TABLE_ORDER:
        if table not in raw:
            continue
        spec = TABLES[table]
        file = sources[table].path.name if table in sources else f"{table}.csv"
        mapped = _map_headers(raw[table], spec, settings.columns.get(table, {}), file, out)
        if mapped is None:
            continue
        frame, header_map = mapped
        if table in sources:
            src = sources[table]
            sources[table] = SourceFile(src.table, src.path, src.format, src.encoding, src.sha256, src.rows,
                                        header_map)
        people = tables.get("people")
        # When people has problems of its own, the other files still get every check that does not
        # need it, so one run reports everything.
        known = None if people is None else pd.Index(people["employee_id"])
        if table == "people":
            tables[table] = _people(frame, file, settings.min_group_size, out)
        elif table == "communication":
            tables[table] = _communication(frame, file, known, out)
        elif table == "decisions":
            tables[table] = _decisions(frame, file, known, out)
        elif table == "responsibilities":
            tables[table] = _responsibilities(
                frame, file, None if people is None else pd.Index(people["department"].unique()), out)
        elif table == "survey_items":
            tables[table] = _survey_items(frame, file, out)
        else:
            tables[table] = _survey(frame, file, table, people, tables.get("survey_items"), out)
    if out.problems:
        raise ValidationError(folder, out.problems)
    return Client(path=folder, settings=settings, people=tables["people"],
                  communication=tables.get("communication"), survey=tables.get("survey"),
                  survey_items=tables.get("survey_items"), survey_previous=tables.get("survey_previous"),
                  decisions=tables.get("decisions"), responsibilities=tables.get("responsibilities"),
                  warnings=tuple(out.warnings), sources=sources, dropped=out.dropped)


def load_client(
    path: str | Path,
    *,
    stage: str | None = None,
    language: str | None = None,
    min_group_size: int | None = None,
    show_names: bool | None = None,
) -> Client:
    """Load and validate a client folder.

    Parameters
    ----------
    path : str or Path
        The client folder (``people.csv`` or ``people.xlsx`` at least; see ``docs/data-contract.md``).
    stage, language, min_group_size, show_names : optional
        Override the values of ``client.yml`` (``None`` keeps them).

    Returns
    -------
    Client
        Validated, typed tables, the settings, the warnings and where each table came from.

    Raises
    ------
    ValidationError
        Listing every problem found, each with its file, row, column and what to do.

    Examples
    --------
    >>> from orgkit.sample import sample_client_path
    >>> client = load_client(sample_client_path())
    >>> client.n_people > 0
    True
    """
    folder = Path(path).expanduser()
    out = _Collector()
    if not folder.is_dir():
        raise ValidationError(folder, [Problem("", f"{folder} is not a folder.",
                                               "Give the path of a client folder containing people.csv.")])
    raw_settings, problems = load_settings_file(folder)
    out.problems.extend(problems)
    reading = read_settings(raw_settings)
    out.problems.extend(reading.problems)
    settings = _settings(folder, raw_settings, {"stage": stage, "language": language,
                                                "min_group_size": min_group_size,
                                                "show_names": show_names}, out)
    files, problems = find_files(folder, allow_external_files=reading.allow_external_files)
    out.problems.extend(problems)
    raw: dict[str, pd.DataFrame] = {}
    sources: dict[str, SourceFile] = {}
    for table, p in files.items():
        try:
            read = read_source(p, reading.for_table(table))
        except ValidationError as exc:
            out.problems.extend(exc.problems)
            continue
        raw[table] = read.frame
        sources[table] = SourceFile(table, p, p.suffix.lower().lstrip("."), read.encoding, read.sha256,
                                    len(read.frame))
        out.warnings.extend(read.warnings)
        log.info("read %s (%s, %d rows)", p.name, read.encoding or f"sheet {read.sheet}", len(read.frame))
    return _validate(folder, settings, raw, out, sources)


def from_frames(
    people: pd.DataFrame,
    communication: pd.DataFrame | None = None,
    survey: pd.DataFrame | None = None,
    survey_items: pd.DataFrame | None = None,
    decisions: pd.DataFrame | None = None,
    responsibilities: pd.DataFrame | None = None,
    survey_previous: pd.DataFrame | None = None,
    settings: Settings | Mapping[str, Any] | None = None,
) -> Client:
    """Validate in-memory tables exactly as files are validated.

    Parameters
    ----------
    people, communication, survey, survey_items, decisions, responsibilities, survey_previous : DataFrame
        Tables with canonical (or synonym) headers; values of any type (they are read as text, as a file
        would be).
    settings : Settings or mapping, optional
        A :class:`Settings`, or a mapping with ``client.yml`` keys.

    Returns
    -------
    Client

    Examples
    --------
    >>> import pandas as pd
    >>> c = from_frames(pd.DataFrame({"employee_id": [1, 2], "department": ["Sales", "Sales"],
    ...                               "manager_id": [None, 1]}), settings={"min_group_size": 1})
    >>> list(c.people["manager_id"].isna())
    [True, False]
    """
    out = _Collector()
    if isinstance(settings, Settings):
        resolved = settings
    else:
        resolved = _settings(Path("."), dict(settings or {}), {}, out)
        if "name" not in dict(settings or {}):
            resolved = Settings(**{**resolved.__dict__, "name": "in-memory client"})
    given = {"people": people, "communication": communication, "survey": survey,
             "survey_items": survey_items, "decisions": decisions, "responsibilities": responsibilities,
             "survey_previous": survey_previous}
    raw = {}
    for table, frame in given.items():
        if frame is None:
            continue
        text = frame.reset_index(drop=True).copy()
        text.columns = [str(c).strip() for c in text.columns]
        for c in text.columns:
            col = text[c]
            if pd.api.types.is_datetime64_any_dtype(col):
                col = col.dt.strftime("%Y-%m-%dT%H:%M:%S")
            text[c] = col.astype("object").where(col.notna(), "").astype("str").str.strip()
        raw[table] = text
    return _validate(Path("."), resolved, raw, out, {})
