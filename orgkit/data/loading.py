"""Load a client folder: find the files, read them, map headers, validate once, return a :class:`Client`.

Everything a later step may rely on is checked here; analyses trust what this module returns. Every
problem found is collected (reading goes on past the first one where it can) and raised together as one
:class:`~orgkit.errors.ValidationError`; things orgkit can handle become :class:`~orgkit.data.client.DataWarning`.
``docs/data-contract.md`` lists every check and what each case gets.
"""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgkit.data.client import Client, DataWarning, Settings, SourceFile, render_text
from orgkit.data.contract import (
    DATE_COLUMNS,
    LANGUAGES,
    LIKERT_MAX,
    LIKERT_MIN,
    LIST_SEPARATORS,
    OWN_ID_COLUMNS,
    PERSON_COLUMNS,
    RACI_ROLES,
    STAGES,
    SURVEY_LABELS,
    TABLES,
    TableSpec,
    normalise_header,
)
from orgkit.data.dates import check_date_format, parse_dates, scan_dates
from orgkit.errors import ConfigError, Problem, ValidationError
from orgkit.data.hierarchy import find_cycles
from orgkit.thresholds import client_thresholds
from orgkit.data.reading import (READ_KEYS, detect_encoding, find_files, load_settings_file, read_settings, read_source,
                      read_table)

__all__ = ["load_client", "from_frames", "read_table", "detect_encoding", "validate_people"]

log = logging.getLogger(__name__)

#: How many offending rows a message lists before it says "and N more".
MAX_ROWS_LISTED = 5
#: Order in which tables are loaded (later ones are checked against ``people``).
TABLE_ORDER = ("people", "communication", "decisions", "responsibilities", "survey_items", "survey",
               "survey_previous")
_SETTINGS_KEYS = {"name", "stage", "language", "min_group_size", "comment_min_group_size", "show_names",
                  "columns", "functions", "industry"} | READ_KEYS
#: The other ``client.yml`` keys an analysis reads (from ``client.settings.options``). Any key in neither
#: set is still kept in ``options`` but gets an ``unknown_setting`` warning: it is most likely a typo.
#: Add a key here when an analysis starts reading it.
OPTION_KEYS = frozenset({"stage_thresholds", "thresholds"})
#: ``client.yml`` keys the loader itself reads (kept in ``options`` too): how dates and labelled survey
#: answers are written.
LOADER_KEYS = frozenset({"dayfirst", "date_format", "survey_scale", "timezone"})
# Patterns are RE2 (pyarrow compute), applied to whole columns.
_BAD_ID = (r"(?i)[\s\x{00A0}\x{3000};,；，、]|^(?:#N/A|#REF!|#VALUE!|#NAME\?|nan|none|null|n/a|na|-)$")
_SCIENTIFIC = r"^[0-9]+(?:\.[0-9]+)?[eE][+-]?[0-9]+$"
_FRACTION = r"^-?[0-9]+\.[0-9]*[1-9][0-9]*$"
_TRAILING_ZERO = r"^(-?[0-9]+)\.0+$"
#: Anything an id check could object to (a superset of the three patterns above and of a trailing .0).
_SUSPECT_ID = (r"(?i)[\s\x{00A0}\x{3000};,；，、.]|^(?:#|nan$|none$|null$|n/a$|na$|-$)|^[0-9]+[eE]|^.{65}")
_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
_TRUE = {"true", "yes", "y", "1", "t", "x", "是", "反向"}
_FALSE = {"false", "no", "n", "0", "f", "", "否"}


# --------------------------------------------------------------------------------------------------
# values shared by the validators (reading files is orgkit.data.reading)
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


def _row_list(index: pd.Index) -> dict[str, Any]:
    """Spreadsheet row numbers (header = row 1) of frame positions, capped, as a warning's value."""
    return {"rows": [int(i) + 2 for i in index[:MAX_ROWS_LISTED]], "total": len(index)}


class _Collector:
    """Problems and warnings found while loading one client."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[DataWarning] = []
        self.dropped: dict[str, dict[str, int]] = {}

    def error(self, file: str, message: str, hint: str = "", *, rows: pd.Index | None = None,
              column: str | None = None) -> None:
        row = None
        if rows is not None:
            rows = pd.Index(rows).unique()
        if rows is not None and len(rows):
            if len(rows) == 1:
                row = int(rows[0]) + 2
            else:
                message = f"{_rows(rows)}: {message}"
        self.problems.append(Problem(file, message, hint, row=row, column=column))

    def warn(self, code: str, file: str, key: str, count: int = 0, groups: Any = (), **values: Any) -> None:
        """Record a warning: the catalogue text ``key`` with ``values`` (no group's name; ``groups`` holds
        the names, see DataWarning)."""
        self.warnings.append(DataWarning.make(code, file, key, count, groups, **values))
        log.info("%s: %s", file, self.warnings[-1].message)


# --------------------------------------------------------------------------------------------------
# whole-column text operations (pyarrow compute: no Python loop over values)
# --------------------------------------------------------------------------------------------------
def _arrow(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    """The column as an Arrow ``large_string`` array (zero-copy for the reader's ``str`` columns)."""
    return pa.array(values, type=pa.large_string(), from_pandas=True)


def _text(arr: pa.Array | pa.ChunkedArray, index: pd.Index) -> pd.Series:
    return pd.Series(arr, index=index, dtype="str")


def _isin(values: pd.Series, allowed: pd.Series | pd.Index | np.ndarray | list) -> np.ndarray:
    """``values.isin(allowed)`` for text, over the whole column in Arrow."""
    value_set = pc.unique(pa.array(allowed, type=pa.large_string(), from_pandas=True))
    return np.asarray(pc.is_in(_arrow(values), value_set=value_set))


def _per_distinct(values: pd.Series, func: Callable[[pa.Array], pa.Array]) -> np.ndarray:
    """``func`` applied to each distinct value once (Arrow dictionary encoding), spread back as numpy.

    Survey answers, weights and channels repeat a handful of values over many rows.
    """
    arr = _arrow(values)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    encoded = pc.dictionary_encode(arr)
    return np.asarray(func(encoded.dictionary))[np.asarray(encoded.indices)]


def _to_float(arr: pa.Array) -> pa.Array:
    ok = pc.match_substring_regex(arr, _NUMBER)
    return pc.cast(pc.if_else(ok, arr, None), pa.float64()).fill_null(np.nan)


def _numbers(values: pd.Series) -> np.ndarray:
    """Numbers written as text, as ``float64`` (``NaN`` for blanks and for text that is not a number)."""
    return _per_distinct(values, _to_float)


def _fold_arrow(arr: pa.Array) -> pa.Array:
    """Text folded for matching labels: NFKC, lower case, trimmed, inner spaces as one."""
    arr = pc.utf8_lower(pc.utf8_normalize(arr, "NFKC"))
    return pc.replace_substring_regex(pc.utf8_trim_whitespace(arr), r"\s+", " ")


# --------------------------------------------------------------------------------------------------
# options read from client.yml by the loader itself
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Options:
    """``dayfirst``, ``date_format`` and ``survey_scale``, validated."""

    dayfirst: bool | None = None
    date_format: str | None = None
    #: Folded label -> Likert value; ``None`` when no scale was declared (labels are then read only when
    #: every answer of an item is a label of :data:`~orgkit.data.contract.SURVEY_LABELS`).
    labels: dict[str, int] | None = None
    #: ``survey_scale: numbers``: labels are never read.
    numbers_only: bool = False


def _fold(label: object) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(label)).strip().lower())


def _options(options: Mapping[str, Any], out: _Collector) -> _Options:
    f = "client.yml"
    dayfirst = options.get("dayfirst")
    if dayfirst is not None and not isinstance(dayfirst, bool):
        out.error(f, f"dayfirst must be true or false. Got {dayfirst!r} instead.",
                  "true: 05/03/2025 is 5 March; false: it is 3 May.", column="dayfirst")
        dayfirst = None
    date_format = options.get("date_format")
    if date_format is not None:
        why = check_date_format(date_format)
        if why:
            out.error(f, f"date_format {date_format!r} cannot be used: {why}.",
                      "Use a format such as \"%d/%m/%Y %H:%M\" (see Python's strftime codes).",
                      column="date_format")
            date_format = None
        elif dayfirst is not None:
            out.warn("setting_ignored", f, "warning.setting_ignored.dayfirst")
            dayfirst = None
    scale = options.get("survey_scale")
    labels: dict[str, int] | None = None
    numbers_only = False
    if isinstance(scale, str) and scale.strip().lower() in ("labels", "numbers"):
        if scale.strip().lower() == "labels":
            labels = dict(SURVEY_LABELS)
        else:
            numbers_only = True
    elif isinstance(scale, Mapping) and scale:
        bad = {k: v for k, v in scale.items() if isinstance(v, bool) or not isinstance(v, int)
               or not LIKERT_MIN <= v <= LIKERT_MAX}
        if bad:
            out.error(f, f"survey_scale maps labels to values outside {LIKERT_MIN}-{LIKERT_MAX}: "
                      f"{', '.join(f'{k!r}: {v!r}' for k, v in list(bad.items())[:5])}.",
                      f"Give each label a whole number {LIKERT_MIN}-{LIKERT_MAX}.", column="survey_scale")
        else:
            labels = {_fold(k): int(v) for k, v in scale.items()}
    elif scale is not None:
        out.error(f, f"survey_scale must be 'labels', 'numbers' or a mapping of answer labels to "
                  f"{LIKERT_MIN}-{LIKERT_MAX}. Got {scale!r} instead.",
                  "Example:\nsurvey_scale:\n  Strongly agree: 5\n  Agree: 4", column="survey_scale")
    return _Options(dayfirst, date_format, labels, numbers_only)


# --------------------------------------------------------------------------------------------------
# headers
# --------------------------------------------------------------------------------------------------
def _header_lookup(spec: TableSpec, mapping: Mapping[str, str]) -> dict[str, tuple[str, int]]:
    """Folded header -> (canonical column, how it was recognised: 0 mapping, 1 own name, 2 synonym)."""
    lookup: dict[str, tuple[str, int]] = {}
    for canon, words in spec.synonyms.items():
        for w in words:
            lookup.setdefault(normalise_header(w), (canon, 2))
    for canon in spec.columns:
        lookup[normalise_header(canon)] = (canon, 1)
    for header, target in (mapping or {}).items():
        lookup[normalise_header(header)] = (str(target), 0)
    return lookup


_HOW = {0: {"key": "warning.why.mapping"}, 1: {"key": "warning.why.own_name"},
        2: {"key": "warning.why.synonym"}}


def _distinct(values: pd.Series | pa.Array | pa.ChunkedArray) -> pa.Array:
    """The distinct non-blank values."""
    arr = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else _arrow(values)
    uniq = pc.unique(arr)
    return uniq.filter(pc.not_equal(uniq, ""))


def _count_in(values: pa.Array, value_set: pa.Array) -> int:
    return int(pc.sum(pc.is_in(values, value_set=value_set)).as_py() or 0)


def _choose_by_content(target: str, headers: list[str], frame: pd.DataFrame, manager_headers: list[str],
                       references: Callable[[], list[tuple[str, pd.Series]]] | None,
                       known: pd.Series | None) -> tuple[str | None, list[dict], dict[str, dict]]:
    """Which of ``headers`` holds ``target``, judged by the values alone.

    Returns the header (``None`` when the values do not settle it), why it was taken, and why each
    other header was not. An empty column loses to a filled one. An id column must have unique
    values; a column of the people's ids must name people (``known``); of several columns that could
    be ``people``'s ``employee_id``, the one that holds the ids ``manager_id`` and the other files use
    wins.
    """
    alive = list(headers)
    why_not: dict[str, dict] = {}
    reasons: list[dict] = []

    def keep(winners: list[str], reason: dict, loser_reason: Callable[[str], dict]) -> None:
        nonlocal alive
        if winners and len(winners) < len(alive):
            for h in alive:
                if h not in winners:
                    why_not[h] = loser_reason(h)
            alive = winners
            reasons.append(reason)

    filled = [h for h in alive if (frame[h] != "").any()]
    keep(filled, {"key": "warning.why.others_empty"}, lambda h: {"key": "warning.why_not.empty"})
    if target in OWN_ID_COLUMNS and len(alive) > 1:
        repeated = {h: int(frame[h].duplicated().sum() + (frame[h] == "").sum()) for h in alive}
        keep([h for h in alive if repeated[h] == 0], {"key": "warning.why.unique"},
             lambda h: {"key": "warning.why_not.repeated", "k": repeated[h]})
    if len(alive) > 1 and target == "employee_id":
        pool = [({"key": "warning.part.quoted", "name": h}, frame[h]) for h in manager_headers if h not in headers]
        pool += references() if references is not None else []
        if pool:
            used = _distinct(pa.chunked_array([_arrow(s) for _, s in pool]))
            hits = {h: _count_in(used, _distinct(frame[h])) for h in alive}
            best = max(hits.values())
            labels = [label for label, _ in pool]
            where = {"list": [x for i, x in enumerate(labels) if x not in labels[:i]], "as": "phrase"}
            keep([h for h in alive if hits[h] == best] if best else [],
                 {"key": "warning.why.ids_used", "best": best, "used": len(used), "where": where},
                 lambda h: {"key": "warning.why_not.fewer_ids", "hits": hits[h]} if hits[h]
                 else {"key": "warning.why_not.no_ids"})
    elif len(alive) > 1 and target in PERSON_COLUMNS:
        ids = known if known is not None else None
        if ids is not None:
            ids_arr = _distinct(ids)
            share = {}
            for h in alive:
                values = _arrow(frame[h])
                values = values.filter(pc.not_equal(values, ""))
                share[h] = (_count_in(values, ids_arr), len(values))
            best = max(hit / n if n else 0.0 for hit, n in share.values())
            keep([h for h in alive if share[h][1] and share[h][0] / share[h][1] == best] if best else [],
                 {"key": "warning.why.people_ids"},
                 lambda h: {"key": "warning.why_not.fewer_people", "hits": share[h][0], "total": share[h][1]})
            if reasons and reasons[-1]["key"] == "warning.why.people_ids":
                reasons[-1] = {**reasons[-1], "hits": share[alive[0]][0], "total": share[alive[0]][1]}
    if len(alive) == 1 and reasons:
        return alive[0], reasons, why_not
    return None, [], why_not


def _map_headers(frame: pd.DataFrame, spec: TableSpec, mapping: Mapping[str, str], file: str,
                 out: _Collector, *, known: pd.Series | None = None,
                 references: Callable[[], list[tuple[str, pd.Series]]] | None = None,
                 ) -> tuple[pd.DataFrame, dict[str, str]] | None:
    """Rename a table's headers to canonical names; ``None`` when required columns are missing.

    When several headers could be one column: a ``columns`` mapping in ``client.yml`` decides. Else the
    names and the contents are both asked: a header spelled as the column's own name beats a synonym,
    and the contents pick the filled column, the column of unique values for an id, the column of
    people's ids for a person column, and for ``people``'s ``employee_id`` the column that holds the
    ids ``manager_id`` and the other files use. Whichever of the two settles it decides; when neither
    does, or they disagree, the error lists the candidates and the mapping to add. Every choice is a
    ``column_chosen`` warning; the headers not taken are kept as attributes.
    """
    canonical = set(spec.columns)
    free_names = spec.name in ("survey", "survey_previous")  # a mapping may name an item column
    lookup = _header_lookup(spec, mapping)
    candidates: dict[str, list[tuple[int, str]]] = {}
    for header in frame.columns:
        hit = lookup.get(normalise_header(header))
        if hit is None:
            continue
        target, how = hit
        if how == 0 and target not in canonical and not free_names:
            out.error("client.yml", f"columns.{spec.name} maps '{header}' to '{target}', which is not a "
                      f"column of {spec.name}.", f"Use one of: {', '.join(spec.columns)}.")
            continue
        candidates.setdefault(target, []).append((how, str(header)))
    present = {normalise_header(h) for h in frame.columns}
    for header, target in (mapping or {}).items():
        if normalise_header(header) not in present:
            out.error("client.yml", f"columns.{spec.name} maps '{header}' to '{target}' but {file} has no "
                      f"such header.", f"Headers found: {', '.join(map(str, frame.columns))}.")
    header_map: dict[str, str] = {}
    unsettled: set[str] = set()
    not_used: list[str] = []
    for target, options in candidates.items():
        if len(options) == 1:
            header_map[options[0][1]] = target
            continue
        headers = [h for _, h in options]
        best = min(how for how, _ in options)
        top = [h for how, h in options if how == best]
        if len({normalise_header(h) for h in headers}) < len(headers):  # a mapping cannot tell them apart
            settle = "Rename or remove the header that is not the column in the file."
        else:
            settle = (f"Say which in client.yml:\ncolumns:\n  {spec.name}:\n    {{header}}: {target}\n"
                      "(the other headers are then kept as attributes).")
        why_not: dict[str, str] = {}
        if best == 0:
            if len(top) > 1:
                out.error(file, f"both '{top[0]}' and '{top[1]}' are mapped to '{target}'.",
                          f"Map only one of them in client.yml (columns: {spec.name}: ...).")
                unsettled.add(target)
                continue
            chosen, why = top[0], [_HOW[0]]
        else:
            by_name = top[0] if len(top) == 1 else None
            by_content, content_why, why_not = _choose_by_content(
                target, headers, frame, [h for _, h in candidates.get("manager_id", [])], references, known)
            if by_name and by_content and by_name != by_content:
                out.error(file, f"'{by_name}' and '{by_content}' could both be {target}: '{by_name}' by its "
                          f"header, '{by_content}' by its values ({render_text({'list': content_why}, 'en')}).",
                          settle.format(header=by_content), column=target)
                unsettled.add(target)
                continue
            chosen = by_name or by_content
            if chosen is None:
                listed = ", ".join(f"'{h}'" for h in headers)
                out.error(file, f"{len(headers)} headers could be {target} ({listed}) and neither their names "
                          "nor their values settle which one is.", settle.format(header=headers[0]),
                          column=target)
                unsettled.add(target)
                continue
            why = [*([_HOW[best]] if by_name else []), *(content_why if by_content else [])]
        header_map[chosen] = target
        parts = []
        for h in headers:
            if h == chosen:
                continue
            reason = why_not.get(h)
            if h == target:  # spelled exactly as the column: it must not keep that name
                not_used.append(h)
                kept = ("warning.column_kept_renamed_because", "warning.column_kept_renamed")
            else:
                kept = ("warning.column_kept_because", "warning.column_kept")
            parts.append({"key": kept[0], "header": h, "reason": reason} if reason else {"key": kept[1], "header": h})
        out.warn("column_chosen", file, "warning.column_chosen", len(options), chosen=chosen, target=target,
                 why={"list": why, "as": "parts"}, others={"list": parts, "as": "parts"})
    missing = [c for c in spec.required_columns if c not in header_map.values() and c not in unsettled]
    if missing:
        out.error(file, f"missing required column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}. "
                  f"Headers found: {', '.join(map(str, frame.columns))}.",
                  f"Rename the headers, or map them in client.yml under columns: {spec.name}:.")
    if missing or unsettled & set(spec.required_columns):
        return None
    renames = {**{h: f"{h} (not used)" for h in not_used}, **header_map}
    return frame.rename(columns=renames), header_map


# --------------------------------------------------------------------------------------------------
# values
# --------------------------------------------------------------------------------------------------
def _clean_ids(values: pd.Series, file: str, column: str, out: _Collector, *,
               allow_blank: bool) -> pd.Series:
    """Normalise an id column (fold ``12.0`` to ``12``) and report values that are not ids.

    One pass finds the values that might need either (most columns have none); only those are
    looked at further.
    """
    arr = _arrow(values)
    blank = np.asarray(pc.equal(arr, ""))
    if not allow_blank and blank.any():
        out.error(file, f"{int(blank.sum())} empty value(s) in '{column}'.", "Every row needs an id.",
                  rows=values.index[blank], column=column)
    suspect = np.asarray(pc.match_substring_regex(arr, _SUSPECT_ID))
    if not suspect.any():
        return values if isinstance(values.dtype, pd.StringDtype) else _text(arr, values.index)
    at = np.flatnonzero(suspect)
    sub = arr.take(pa.array(at))
    folded = pc.replace_substring_regex(sub, _TRAILING_ZERO, r"\1")
    if pc.any(pc.not_equal(folded, sub)).as_py():
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        arr = pc.replace_with_mask(arr, pa.array(suspect), folded) if len(at) < len(arr) else folded
    s = _text(arr, values.index)
    bad = np.zeros(len(s), dtype=bool)
    sci = np.zeros(len(s), dtype=bool)
    frac = np.zeros(len(s), dtype=bool)
    bad[at] = (np.asarray(pc.match_substring_regex(folded, _BAD_ID))
               | (np.asarray(pc.utf8_length(folded)) > 64))
    sci[at] = np.asarray(pc.match_substring_regex(folded, _SCIENTIFIC))
    frac[at] = np.asarray(pc.match_substring_regex(folded, _FRACTION))
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


def _person_ids(values: pd.Series, file: str, column: str, out: _Collector, known: pa.Array | None, *,
                allow_blank: bool = False) -> tuple[pd.Series, np.ndarray | None]:
    """Clean a column of people's ids and tell which are in ``people`` (``None`` without people).

    A value found among people's ids is a valid id already, so only the others (usually a handful of a
    million) are checked and folded, then looked up again.
    """
    if known is None:
        return _clean_ids(values, file, column, out, allow_blank=allow_blank), None
    arr = _arrow(values)
    member = np.array(pc.is_in(arr, value_set=known))
    rest = np.flatnonzero(~member)
    if not len(rest):
        return values, member
    sub = _clean_ids(values.iloc[rest], file, column, out, allow_blank=allow_blank)
    folded = _arrow(sub)
    member[rest] = np.asarray(pc.is_in(folded, value_set=known))
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if isinstance(folded, pa.ChunkedArray):
        folded = folded.combine_chunks()
    mask = np.zeros(len(values), dtype=bool)
    mask[rest] = True
    return _text(pc.replace_with_mask(arr, pa.array(mask), folded), values.index), member


def _value_set(known: pd.Series | None) -> pa.Array | None:
    """People's ids as an Arrow value set (they are unique already)."""
    if known is None:
        return None
    arr = _arrow(known)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _require_text(frame: pd.DataFrame, column: str, file: str, out: _Collector, hint: str) -> None:
    blank = (frame[column] == "").to_numpy()
    if blank.any():
        out.error(file, f"{int(blank.sum())} empty value(s) in '{column}'.", hint, rows=frame.index[blank],
                  column=column)


_ORDER_NAMES = {True: {"key": "warning.part.day_first"}, False: {"key": "warning.part.month_first"}}


def _date_columns(frame: pd.DataFrame, table: str, file: str, out: _Collector, opts: _Options) -> None:
    """Parse a table's date columns in place, deciding the day/month order of each from its values.

    A value ``a/b/yyyy`` with ``a`` above 12 proves the column day-first, with ``b`` above 12 month-first;
    both in one column is an error. Without proof, a column whose values read differently in the two
    orders takes the order proven by another date column of the same file, else ``client.yml``'s
    ``dayfirst``, else it is an error that says how to settle it. ``date_format`` replaces all of this.
    """
    columns = [c for c in DATE_COLUMNS.get(table, ()) if c in frame.columns]
    scans = {c: scan_dates(frame[c]) for c in columns}
    proven: dict[str, bool] = {}
    mixed: set[str] = set()
    if opts.date_format is None:
        for c, scan in scans.items():
            day, month = scan.day_first, scan.month_first
            if day.any() and month.any():
                out.error(file, f"'{c}' mixes day-first and month-first dates: {int(day.sum())} value(s) have a "
                          f"day above 12 in the first place (e.g. {scan.examples(day)[0]!r}, "
                          f"{_rows(scan.rows(day))}) and {int(month.sum())} in the second place (e.g. "
                          f"{scan.examples(month)[0]!r}, {_rows(scan.rows(month))}).",
                          "Export the column again in one format (ideally yyyy-mm-dd), or correct those rows.",
                          column=c)
                mixed.add(c)
            elif day.any() or month.any():
                proven[c] = bool(day.any())
    for c, scan in scans.items():
        if c in mixed:
            continue
        order: bool | None = None
        if opts.date_format is None and scan.ab is not None:
            settled = opts.dayfirst
            if c in proven:
                order = proven[c]
                if settled is not None and settled != order:
                    wrong = scan.month_first if settled else scan.day_first
                    out.error(file, f"client.yml says dayfirst: {str(settled).lower()}, but "
                              f"{int(wrong.sum())} value(s) in '{c}' cannot be read that way (e.g. "
                              f"{scan.examples(wrong)[0]!r}, {_rows(scan.rows(wrong))}).",
                              "Correct those rows, or remove dayfirst from client.yml if the column is "
                              f"{render_text(_ORDER_NAMES[order], 'en')}.", column=c)
                    continue
                if settled is None:
                    proof = scan.day_first if order else scan.month_first
                    place = {"key": "warning.part.first" if order else "warning.part.second"}
                    out.warn("date_order_detected", file, "warning.date_order_proven", int(len(scan.ab)),
                             column=c, order=_ORDER_NAMES[order], n=int(proof.sum()), place=place,
                             example=scan.examples(proof)[0])
            elif scan.ambiguous.any():
                siblings = {proven[o] for o in proven if o != c}
                if settled is not None:
                    order = settled
                elif len(siblings) == 1:
                    order = siblings.pop()
                    source = next(o for o in proven if o != c)
                    out.warn("date_order_detected", file, "warning.date_order_sibling", int(len(scan.ab)),
                             column=c, order=_ORDER_NAMES[order], source=source)
                else:
                    example = scan.examples(scan.ambiguous)[0]
                    a, b = scan.ab.loc[scan.rows(scan.ambiguous)[0], ["a", "b"]]
                    out.error(file, f"'{c}' has dates whose day and month cannot be told apart: "
                              f"{int(scan.ambiguous.sum()):,} value(s) such as {example!r} "
                              f"({_rows(scan.rows(scan.ambiguous))}) read as {_MONTHS[b]} {a} or {_MONTHS[a]} {b}, "
                              "and none has a day above 12.",
                              "Say which in client.yml: dayfirst: true (dd/mm/yyyy) or dayfirst: false "
                              "(mm/dd/yyyy), or date_format: \"%d/%m/%Y %H:%M\".", column=c)
                    continue
            else:
                order = True  # every value has the same day and month: the order changes nothing
        parsed = parse_dates(scan, dayfirst=order, date_format=opts.date_format)
        bad = ~scan.blank & parsed.isna().to_numpy()
        if bad.any():
            n = int(bad.sum())
            hint = ({"key": "warning.unparsed_dates.format", "date_format": opts.date_format} if opts.date_format
                    else {"key": "warning.unparsed_dates.iso"})
            out.warn("unparsed_dates", file, "warning.unparsed_dates", n, n=n, column=c,
                     example=frame[c][bad].iloc[0], rows=_row_list(frame.index[bad]), hint=hint)
        frame[c] = parsed


_MONTHS = {i: m for i, m in enumerate(["", "January", "February", "March", "April", "May", "June", "July",
                                        "August", "September", "October", "November", "December"])}


def _drop_unknown(frame: pd.DataFrame, unknown: np.ndarray, table: str, file: str,
                  out: _Collector, key: str = "warning.unknown_people_dropped") -> pd.DataFrame:
    """Drop rows naming people who are not in ``people``, and count them."""
    n = int(unknown.sum())
    if n:
        drops = out.dropped.setdefault(table, {})
        drops["unknown_people"] = drops.get("unknown_people", 0) + n
        out.warn("unknown_people_dropped", file, key, n, n=n, share=n / len(frame))
        frame = frame.loc[~unknown]
    return frame


# --------------------------------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------------------------------
def _people(frame: pd.DataFrame, file: str, min_group_size: int, out: _Collector,
            opts: _Options = _Options()) -> pd.DataFrame | None:
    n_problems = len(out.problems)
    frame = frame.copy()
    frame["employee_id"] = _clean_ids(frame["employee_id"], file, "employee_id", out, allow_blank=False)
    ids = frame["employee_id"]
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():  # exact copies of a row are read once; other repeated ids are an error
        copies = frame[dup].duplicated(keep="first")
        if copies.any():
            n = int(copies.sum())
            out.warn("duplicate_rows", file, "warning.duplicate_rows", n, n=n, rows=_row_list(copies.index[copies]))
            frame = frame.drop(index=copies.index[copies])
    dup = (frame["employee_id"].duplicated(keep=False) & (frame["employee_id"] != "")).to_numpy()
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
        self_mgr = (mgr == frame["employee_id"]).to_numpy()
        if self_mgr.any():
            n = int(self_mgr.sum())
            out.warn("self_manager", file, "warning.self_manager", n, n=n, rows=_row_list(frame.index[self_mgr]))
        blank = (mgr == "").to_numpy()
        ids_arr = _arrow(frame["employee_id"])
        parent = pc.index_in(_arrow(mgr), value_set=ids_arr)
        parent = np.asarray(parent.fill_null(-1)).astype(np.int64)
        unknown = ~blank & (parent < 0) & ~self_mgr
        if unknown.any():
            n = int(unknown.sum())
            out.warn("unknown_manager", file, "warning.unknown_manager", n, n=n, rows=_row_list(frame.index[unknown]))
        top = self_mgr | unknown | blank
        frame["manager_id"] = mgr.where(~top, None)
        parent[top] = -1
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
            out.warn("several_tops", file, "warning.several_tops", tops, n=tops)
    for col in ("name", "title", "level", "location", "department"):
        if col in frame.columns:
            frame[col] = frame[col].astype("str")
    _date_columns(frame, "people", file, out, opts)
    if len(out.problems) > n_problems:
        return None
    sizes = frame["department"].value_counts()
    from orgkit.framework import is_placeholder_department

    unknown = sizes[[is_placeholder_department(d) for d in sizes.index]]  # one check per distinct name
    if len(unknown):
        people = int(unknown.sum())
        out.warn("placeholder_department", file, "warning.placeholder_department", people, n=people,
                 share=people / max(len(frame), 1))
    small = sizes[sizes < min_group_size]
    if len(small):
        out.warn("small_department", file, "warning.small_department", len(small), groups=small.index,
                 n=len(small), k=min_group_size, other={"key": "group.other"})
    return frame.reset_index(drop=True)


def _communication(frame: pd.DataFrame, file: str, known: pd.Series | None, out: _Collector,
                   opts: _Options = _Options()) -> pd.DataFrame | None:
    n_problems = len(out.problems)
    frame = frame.copy()
    known_set = _value_set(known)
    member = {}
    for col in ("source_id", "target_id"):
        frame[col], member[col] = _person_ids(frame[col], file, col, out, known_set)
    if "weight" in frame.columns:
        raw = frame["weight"]
        w = _numbers(raw)
        w[(raw == "").to_numpy()] = 1.0
        bad = ~(w > 0) | ~np.isfinite(w)
        if bad.any():
            out.error(file, f"{int(bad.sum())} weight value(s) are not positive numbers (e.g. "
                      f"{raw[bad].iloc[0]!r}).", "Use a count or weight above 0, or leave it blank for 1.",
                      rows=frame.index[bad], column="weight")
        frame["weight"] = w
    else:
        frame["weight"] = 1.0
    if len(out.problems) > n_problems:
        return None
    _date_columns(frame, "communication", file, out, opts)
    if len(out.problems) > n_problems:
        return None
    if "channel" in frame.columns:
        frame["channel"] = frame["channel"].astype("str")
    total = len(frame)
    unknown = (~(member["source_id"] & member["target_id"]) if known is not None
               else np.zeros(total, dtype=bool))
    n_unknown = int(unknown.sum())
    if n_unknown:
        out.dropped.setdefault("communication", {})["unknown_people"] = n_unknown
        out.warn("unknown_people_dropped", file, "warning.unknown_people_dropped", n_unknown, n=n_unknown,
                 share=n_unknown / total)
    self_rows = (frame["source_id"] == frame["target_id"]).to_numpy() & ~unknown
    n = int(self_rows.sum())
    if n:
        out.dropped.setdefault("communication", {})["self_rows"] = n
        out.warn("self_messages_dropped", file, "warning.self_messages_dropped", n, n=n)
    if n or n_unknown:  # one pass over the million rows, not two
        frame = frame.loc[~(unknown | self_rows)]
    if len(frame) == 0 and total:
        out.warn("no_communication_left", file, "warning.no_communication_left", total)
    return frame.reset_index(drop=True)


def _list_separators(known: pd.Series | None, file: str, out: _Collector) -> str:
    """The characters that separate approver ids: every one of LIST_SEPARATORS that no employee id contains."""
    seps = LIST_SEPARATORS
    if known is None:
        return seps
    arr = _arrow(known)
    inside = [c for c in seps if pc.any(pc.match_substring(arr, c)).as_py()]
    if inside:
        shown = " ".join(repr(c) for c in inside)
        out.warn("list_separator_in_ids", file, "warning.list_separator_in_ids.one" if len(inside) == 1
                 else "warning.list_separator_in_ids.many", shown=shown)
        seps = "".join(c for c in seps if c not in inside)
    return seps


def _split_lists(values: pd.Series, separators: str) -> tuple[np.ndarray, pd.Series]:
    """Split list cells at any run of ``separators``: (row position of each item, items as text)."""
    arr = pc.utf8_trim(_arrow(values), characters=separators + " \t")
    klass = "[" + "".join(re.escape(c) if c not in "\n\r" else {"\n": r"\n", "\r": r"\r"}[c]
                          for c in separators) + "]"
    lists = pc.split_pattern_regex(arr, pattern=rf"(?:\s*{klass}\s*)+")
    flat = pc.list_flatten(lists)
    parent = np.asarray(pc.list_parent_indices(lists)).astype(np.int64)
    keep = np.asarray(pc.not_equal(flat, ""))
    flat = flat.filter(pa.array(keep))
    parent = parent[keep]
    return parent, _text(flat, values.index[parent])


def _decisions(frame: pd.DataFrame, file: str, known: pd.Series | None, out: _Collector,
               opts: _Options = _Options()) -> pd.DataFrame | None:
    n_problems = len(out.problems)
    frame = frame.copy()
    frame["decision_id"] = _clean_ids(frame["decision_id"], file, "decision_id", out, allow_blank=False)
    dup = frame["decision_id"].duplicated(keep=False).to_numpy()
    if dup.any():
        out.error(file, f"{int(frame.loc[dup, 'decision_id'].nunique())} decision_id value(s) appear more "
                  "than once.", "Give each decision one row with a unique id.", rows=frame.index[dup],
                  column="decision_id")
    _require_text(frame, "decision_type", file, out, "Give every decision a type (e.g. 'budget').")
    known_set = _value_set(known)
    member = {}
    for col in ("initiator_id", "decider_id"):
        frame[col], member[col] = _person_ids(frame[col], file, col, out, known_set)
    n = len(frame)
    if "approvers" in frame.columns:
        parent, items = _split_lists(frame["approvers"], _list_separators(known, file, out))
        items, found = _person_ids(items, file, "approvers", out, known_set, allow_blank=True)
    else:
        parent, items, found = np.zeros(0, dtype=np.int64), pd.Series([], dtype="str"), np.zeros(0, dtype=bool)
    if len(out.problems) > n_problems:
        return None
    if known is None:
        return None
    unknown = ~(member["initiator_id"] & member["decider_id"])
    frame = _drop_unknown(frame.assign(_pos=np.arange(n)), unknown, "decisions", file, out,
                          "warning.unknown_deciders_dropped")
    stranger = ~found
    if stranger.any():
        bad_rows = np.zeros(n, dtype=bool)
        bad_rows[parent[stranger]] = True
        bad_rows &= ~unknown  # those were dropped above
        if bad_rows.any():
            ids = pd.unique(items[stranger & bad_rows[parent]])
            k = int(bad_rows.sum())
            drops = out.dropped.setdefault("decisions", {})
            drops["unknown_people"] = drops.get("unknown_people", 0) + k
            out.warn("unknown_people_dropped", file, "warning.unknown_approvers_dropped", k, n=k, ids_n=len(ids),
                     ids={"list": list(map(str, ids)), "limit": 8}, share=k / n,
                     rows=_row_list(frame.index[bad_rows[frame['_pos'].to_numpy()]]))
            frame = frame[~bad_rows[frame["_pos"].to_numpy()]]
    # approver ids in order, joined by ';'
    counts = np.bincount(parent, minlength=n)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    flat = _arrow(items)
    if isinstance(flat, pa.ChunkedArray):  # large files arrive from the reader in several chunks
        flat = flat.combine_chunks()
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), flat),
                            pa.scalar(";", type=pa.large_string()))
    pos = frame.pop("_pos").to_numpy()
    frame["approvers"] = _text(joined.take(pa.array(pos)), frame.index)
    frame["n_approvers"] = counts[pos].astype("int64")
    _date_columns(frame, "decisions", file, out, opts)
    if len(out.problems) > n_problems:
        return None
    for col in ("raised_at", "decided_at"):
        if col not in frame.columns:
            frame[col] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    backwards = (frame["decided_at"] < frame["raised_at"]).to_numpy()
    if backwards.any():
        k = int(backwards.sum())
        out.warn("decided_before_raised", file, "warning.decided_before_raised", k, n=k)
        frame.loc[backwards, "decided_at"] = pd.NaT
    frame["decided_before_raised"] = backwards  # cleared above: a data error, not an open decision
    frame["decision_type"] = frame["decision_type"].astype("str")
    return frame.reset_index(drop=True)


def _responsibilities(frame: pd.DataFrame, file: str, departments: pd.Series | None,
                      out: _Collector) -> pd.DataFrame | None:
    n_problems = len(out.problems)
    frame = frame.copy()
    _require_text(frame, "responsibility", file, out, "Name every responsibility.")
    _require_text(frame, "department", file, out, "Name the department for every row.")
    role = frame["role"].str.upper()
    bad = ~_isin(role, list(RACI_ROLES))
    if bad.any():
        out.error(file, f"{int(bad.sum())} role value(s) are not one of R, A, C, I (e.g. "
                  f"{frame.loc[bad, 'role'].iloc[0]!r}).", "Use one letter per row: R (responsible), "
                  "A (accountable), C (consulted), I (informed); put two roles on two rows.",
                  rows=frame.index[bad], column="role")
    if len(out.problems) > n_problems:
        return None
    frame["role"] = role
    if departments is not None:
        unknown = ~_isin(frame["department"], departments)
        if unknown.any():
            names = frame.loc[unknown, "department"].unique()
            out.warn("unknown_department", file, "warning.unknown_department", int(unknown.sum()), groups=names,
                     n=len(names))
    return frame.reset_index(drop=True)


def _survey_items(frame: pd.DataFrame, file: str, out: _Collector) -> pd.DataFrame | None:
    n_problems = len(out.problems)
    frame = frame.copy()
    _require_text(frame, "item", file, out, "Give every item the id of its column in survey.")
    _require_text(frame, "dimension", file, out, "Give every item a dimension.")
    if "reverse" in frame.columns:
        low = frame["reverse"].str.lower()
        bad = ~_isin(low, sorted(_TRUE | _FALSE))
        if bad.any():
            out.error(file, f"{int(bad.sum())} reverse value(s) are not true/false (e.g. "
                      f"{frame.loc[bad, 'reverse'].iloc[0]!r}).", "Use true or false.",
                      rows=frame.index[bad], column="reverse")
        frame["reverse"] = _isin(low, sorted(_TRUE))
    else:
        frame["reverse"] = False
    dup = frame["item"].duplicated(keep=False).to_numpy()
    if dup.any():
        out.error(file, "some items are listed more than once.", "List each item once.",
                  rows=frame.index[dup], column="item")
    if len(out.problems) > n_problems:
        return None
    return frame.reset_index(drop=True)


@lru_cache(maxsize=1)
def _bundled_item_ids() -> frozenset[str]:
    """The bundled questionnaire's item ids, in lower case."""
    from orgkit.areas.survey import default_items

    return frozenset(str(i).lower() for i in default_items()["item"])


@dataclass
class _Answers:
    """One survey column read as answers, classified once per distinct value (rows via ``codes``)."""

    codes: np.ndarray  # row -> distinct value
    counts: np.ndarray  # rows per distinct value
    num: np.ndarray  # float64, NaN where not a number
    blank: np.ndarray
    numeric: np.ndarray  # a whole number within the scale
    label: np.ndarray  # a label of the scale in use (its value in ``label_values``)
    label_values: np.ndarray
    builtin_label: np.ndarray  # a label of SURVEY_LABELS (for the hint)

    def n(self, mask: np.ndarray) -> int:
        """Rows whose value is selected by ``mask`` (over distinct values)."""
        return int(self.counts[mask].sum())

    @property
    def answered(self) -> int:
        return self.n(~self.blank)

    def rating(self) -> bool:
        """Every answer is a number and most are whole numbers 0-10: a rating scale, maybe mistyped."""
        number = ~np.isnan(self.num)
        whole = number & (self.num == np.round(self.num)) & (self.num >= 0) & (self.num <= 10)
        return self.n(number) == self.answered and self.n(whole) * 2 > self.answered


def _read_answers(values: pd.Series, labels: dict[str, int]) -> _Answers:
    """Classify a column's answers, computed once per distinct value."""
    arr = _arrow(values)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    encoded = pc.dictionary_encode(arr)
    words = encoded.dictionary
    codes = np.asarray(encoded.indices)
    num = np.asarray(_to_float(words))
    blank = np.asarray(pc.equal(words, ""))
    numeric = ~np.isnan(num) & (num == np.round(num)) & (num >= LIKERT_MIN) & (num <= LIKERT_MAX)
    n = len(words)
    folded = _fold_arrow(words) if (np.isnan(num) & ~blank).any() else None

    def lookup(mapping: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
        if not mapping or folded is None:
            return np.zeros(n, dtype=bool), np.full(n, np.nan)
        keys = pa.array(list(mapping), type=pa.large_string())
        pos = np.asarray(pc.index_in(folded, value_set=keys).fill_null(-1))
        table = np.array(list(mapping.values()), dtype="float64")
        return pos >= 0, np.where(pos >= 0, table[np.maximum(pos, 0)], np.nan)

    is_label, label_values = lookup(labels)
    builtin = lookup(SURVEY_LABELS)[0] if labels is not SURVEY_LABELS else is_label
    return _Answers(codes, np.bincount(codes, minlength=n), num, blank, numeric, is_label & ~blank,
                    label_values, builtin & ~blank)


def _survey(frame: pd.DataFrame, file: str, table: str, people: pd.DataFrame | None,
            items: pd.DataFrame | None, out: _Collector, opts: _Options = _Options()) -> pd.DataFrame | None:
    n_problems = len(out.problems)
    frame = frame.copy()
    meta = [c for c in ("respondent_id", "department", "comment") if c in frame.columns]
    if "respondent_id" not in frame.columns and "department" not in frame.columns:
        out.error(file, "needs a respondent_id or a department column. Headers found: "
                  f"{', '.join(map(str, frame.columns))}.", "Add the respondent's department (or id).")
        return None
    candidates = [c for c in frame.columns if c not in meta]
    labels = {} if opts.numbers_only else (opts.labels if opts.labels is not None else SURVEY_LABELS)
    read = {c: _read_answers(frame[c], labels) for c in candidates}
    if not len(frame) or (candidates and not any(r.answered for r in read.values())):
        out.warn("empty_survey", file, "warning.empty_survey_rows", len(frame), file_name=file, n=len(frame))
        return None
    if "respondent_id" in frame.columns:
        frame["respondent_id"] = _clean_ids(frame["respondent_id"], file, "respondent_id", out,
                                            allow_blank=True)
        rid = frame["respondent_id"]
        dup = ((rid != "") & rid.duplicated(keep=False)).to_numpy()
        if dup.any():
            out.error(file, f"{int(rid[dup].nunique())} respondent_id value(s) answered more than once.",
                      "Keep one response per respondent.", rows=frame.index[dup], column="respondent_id")
    if items is not None:
        listed = set(items["item"])
        missing = [i for i in items["item"] if i not in frame.columns]
        if missing:
            out.error(file, f"survey_items lists item(s) that are not columns of {file}: "
                      f"{', '.join(missing[:10])}.", "Make the item ids match the survey's headers.")
        item_cols = [c for c in candidates if c in listed]
        why_ignored = {c: "not_listed" for c in candidates if c not in listed}
    else:
        bundled = _bundled_item_ids()
        item_cols, why_ignored = [], {}
        for c in candidates:
            r = read[c]
            n = r.answered
            if str(c).lower() in bundled:
                item_cols.append(c)
            elif n and (r.n(r.numeric) * 2 > n or r.n(r.label) * 2 > n or r.rating()):
                item_cols.append(c)
            else:
                why_ignored[c] = "empty" if not n else "not_answers"
    if why_ignored:
        shown = {"list": [{"key": f"warning.ignored_column.{why}", "column": c} for c, why in why_ignored.items()],
                 "limit": 8}
        out.warn("survey_columns_ignored", file, "warning.survey_columns_ignored", len(why_ignored),
                 n=len(why_ignored), shown=shown)
    if not item_cols:
        out.error(file, "no item columns with Likert answers were found.",
                  f"Add one column per item with values {LIKERT_MIN}-{LIKERT_MAX}.")
        return None
    none = np.ones(len(frame), dtype=bool)  # rows that answer no item
    for c in item_cols:
        r = read[c]
        if not r.answered:
            out.warn("empty_survey_item", file, "warning.empty_survey_item", len(frame), column=c)
            frame[c] = pd.array(np.full(len(frame), np.nan), dtype="Int64")
            continue
        use_labels = r.n(r.label) > 0 and (opts.labels is not None or r.n(~r.blank & ~r.label) == 0)
        ok = r.numeric | (r.label if use_labels else False)
        bad_values = ~r.blank & ~ok
        if bad_values.any():
            bad = bad_values[r.codes]
            shown = "; ".join(f"row {int(i) + 2}: {v!r}" for i, v in frame[c][bad].iloc[:3].items())
            hint = (f"Use whole numbers {LIKERT_MIN} (strongly disagree) to {LIKERT_MAX} (strongly agree); "
                    "leave unanswered items blank.")
            words = bad_values & np.isnan(r.num)
            if (words & r.builtin_label).any() and opts.labels is None and not opts.numbers_only:
                hint += " To read answers written as labels (Agree, 同意, ...), set survey_scale: labels in client.yml."
            elif words.any() and opts.labels is not None:
                hint += " survey_scale in client.yml lists the labels that are read."
            out.error(file, f"{int(bad.sum())} value(s) in item '{c}' are outside the {LIKERT_MIN}-{LIKERT_MAX} "
                      f"scale (e.g. {shown}).", hint, rows=frame.index[bad], column=c)
            continue
        per_value = np.where(r.numeric, r.num, r.label_values if use_labels else np.nan)
        if use_labels and opts.labels is None:
            example = frame[c].iloc[int(np.flatnonzero(r.label[r.codes])[0])]
            out.warn("survey_labels_read", file, "warning.survey_labels_read", r.n(r.label), column=c,
                     n=r.n(r.label), example=example)
        values = per_value[r.codes]
        missing = np.isnan(values)
        none &= missing
        frame[c] = pd.arrays.IntegerArray(np.where(missing, 0, values).astype("int64"), missing)
    if len(out.problems) > n_problems:
        return None
    if none.all():
        out.warn("empty_survey", file, "warning.empty_survey_items", len(frame), file_name=file)
        return None
    if none.any():
        k = int(none.sum())
        out.dropped.setdefault(table, {})["no_answers"] = k
        out.warn("unanswered_responses_dropped", file, "warning.unanswered_responses_dropped", k, n=k,
                 rows=_row_list(frame.index[none]))
        frame = frame.loc[~none]
    if "department" not in frame.columns or (frame["department"] == "").any():
        if people is None or "respondent_id" not in frame.columns:
            _require_text(frame, "department", file, out, "Give every response a department.")
            return None
        lookup = people.set_index("employee_id")["department"]
        from_people = frame["respondent_id"].map(lookup)
        stated = frame["department"] if "department" in frame.columns else pd.Series("", index=frame.index)
        dept = stated.where(stated != "", from_people)
        unknown = dept.isna().to_numpy()
        if unknown.any():
            n = int(unknown.sum())
            out.dropped.setdefault(table, {})["unknown_people"] = n
            out.warn("unknown_respondents_dropped", file, "warning.unknown_respondents_dropped", n, n=n)
        frame["department"] = dept
        frame = frame.loc[~unknown]
    elif people is not None:
        unknown = ~_isin(frame["department"], people["department"])
        if unknown.any():
            names = frame.loc[unknown, "department"].unique()
            out.warn("unknown_department", file, "warning.unknown_department_survey", int(unknown.sum()),
                     groups=names, n=len(names))
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
    if "timezone" in options:  # the zone imported times are written in (orgkit import); checked here once
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(str(options["timezone"]))
        except (ZoneInfoNotFoundError, ValueError):
            out.error(f, f"timezone must be an IANA time zone. Got {options['timezone']!r} instead.",
                      "Use a name such as Asia/Shanghai, Europe/London or America/New_York.", column="timezone")
    known = sorted(_SETTINGS_KEYS | OPTION_KEYS | LOADER_KEYS)
    for key in options:
        if key not in OPTION_KEYS | LOADER_KEYS:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = {"key": "warning.unknown_setting.hint", "close": close[0]} if close else ""
            out.warn("unknown_setting", f, "warning.unknown_setting", setting=key, hint=hint,
                     known={"list": list(known)})
    thresholds, problems = client_thresholds(options)
    for message, hint in problems:
        out.error(f, message, hint, column="thresholds")
    from orgkit.framework import parse_function_overrides
    from orgkit.industries import industry_code_of

    functions: dict[str, tuple[str, ...]] = {}
    try:
        functions = parse_function_overrides(data.get("functions"))
    except ConfigError as exc:
        out.error(f, str(exc), "Example:\nfunctions:\n  Division 69: production\n  Dept 2: [sales, marketing]",
                  column="functions")
    industry = "auto"
    try:
        industry = industry_code_of(data.get("industry"))
    except ConfigError as exc:
        out.error(f, str(exc), "Use auto to infer it from the job titles and functions found.", column="industry")
    return Settings(name=name, stage=stage, language=language, min_group_size=ints["min_group_size"],
                    comment_min_group_size=ints["comment_min_group_size"], show_names=show_names,
                    columns={str(k): {str(a): str(b) for a, b in v.items()} for k, v in columns.items()},
                    options=options, thresholds=thresholds, functions=functions, industry=industry)


def _validate(folder: Path, settings: Settings, raw: dict[str, pd.DataFrame], out: _Collector,
              sources: dict[str, SourceFile]) -> Client:
    """Validate raw string tables (canonical headers not yet applied) and build the client."""
    opts = _options(settings.options, out)
    tables: dict[str, pd.DataFrame | None] = {}
    for table in TABLE_ORDER:
        if table not in raw:
            continue
        spec = TABLES[table]
        file = sources[table].path.name if table in sources else f"{table}.csv"
        people = tables.get("people")
        # When people has problems of its own, the other files still get every check that does not
        # need it, so one run reports everything.
        known = None if people is None else people["employee_id"]
        mapped = _map_headers(raw[table], spec, settings.columns.get(table, {}), file, out, known=known,
                              references=(lambda: _person_references(raw, settings)) if table == "people" else None)
        if mapped is None:
            continue
        frame, header_map = mapped
        if table in sources:
            src = sources[table]
            sources[table] = SourceFile(src.table, src.path, src.format, src.encoding, src.sha256, src.rows,
                                        header_map)
        if table == "people":
            tables[table] = _people(frame, file, settings.min_group_size, out, opts)
            if tables[table] is not None:
                _functions_departments(tables[table], settings.functions, out)
        elif table == "communication":
            tables[table] = _communication(frame, file, known, out, opts)
        elif table == "decisions":
            tables[table] = _decisions(frame, file, known, out, opts)
        elif table == "responsibilities":
            tables[table] = _responsibilities(frame, file, None if people is None else people["department"], out)
        elif table == "survey_items":
            tables[table] = _survey_items(frame, file, out)
        else:
            tables[table] = _survey(frame, file, table, people, tables.get("survey_items"), out, opts)
    if out.problems:
        raise ValidationError(folder, out.problems)
    return Client(path=folder, settings=settings, people=tables["people"],
                  communication=tables.get("communication"), survey=tables.get("survey"),
                  survey_items=tables.get("survey_items"), survey_previous=tables.get("survey_previous"),
                  decisions=tables.get("decisions"), responsibilities=tables.get("responsibilities"),
                  warnings=tuple(out.warnings), sources=sources, dropped=out.dropped)


def _functions_departments(people: pd.DataFrame, functions: Mapping[str, Any], out: _Collector) -> None:
    """Warn about departments that ``client.yml``'s ``functions:`` names and people does not have."""
    if not functions:
        return
    named = pd.Index(list(functions))
    unknown = named[~named.isin(people["department"])]
    if len(unknown):
        yml = "client.yml"
        out.warn("functions_unknown_department", yml, "warning.functions_unknown_department",
                 len(unknown), groups=unknown, n=len(unknown))


def validate_people(people: pd.DataFrame, *, min_group_size: int = 5, functions: Mapping[str, Any] | None = None,
                    file: str = "people.csv") -> tuple[pd.DataFrame, list[DataWarning]]:
    """The checks :func:`load_client` makes on the people file, on an in-memory reporting structure.

    Parameters
    ----------
    people : DataFrame
        ``employee_id``, ``department`` and ``manager_id`` (missing or ``""`` at the top); other columns are
        ignored (they are checked where they are read).
    min_group_size : int
        For the ``small_department`` warning.
    functions : mapping, optional
        ``client.yml``'s ``functions:`` (department -> function codes), for the
        ``functions_unknown_department`` warning.
    file : str
        The name problems and warnings are reported under.

    Returns
    -------
    (people, warnings)
        The three columns as a loaded client holds them (``str``; ``manager_id`` missing at the top) and the
        warnings a loaded people file gets about its structure: ``several_tops``, ``self_manager``,
        ``unknown_manager``, ``placeholder_department``, ``small_department``, ``functions_unknown_department``.

    Raises
    ------
    ValidationError
        What :func:`load_client` refuses: repeated or malformed ids, blank departments, reporting cycles.

    Examples
    --------
    >>> people, warnings = validate_people(pd.DataFrame({"employee_id": ["a", "b"], "department": ["X", "X"],
    ...                                                  "manager_id": [None, "a"]}), min_group_size=1)
    >>> people["manager_id"].isna().tolist(), warnings
    ([True, False], [])
    """
    out = _Collector()
    columns = [c for c in ("employee_id", "department", "manager_id") if c in people.columns]
    frame = pd.DataFrame({c: _as_text(people[c].reset_index(drop=True)) for c in columns})
    checked = _people(frame, file, min_group_size, out)
    if checked is not None:
        _functions_departments(checked, functions or {}, out)
    if out.problems:
        raise ValidationError(Path(file), out.problems)
    return checked, out.warnings


def _person_references(raw: dict[str, pd.DataFrame], settings: Settings) -> list[tuple[str, pd.Series]]:
    """Columns of the other files that hold people's ids (to tell which people column is the id)."""
    found = []
    for table, frame in raw.items():
        if table == "people":
            continue
        lookup = _header_lookup(TABLES[table], settings.columns.get(table, {}))
        for header in frame.columns:
            target, _ = lookup.get(normalise_header(header), (None, None))
            if target in PERSON_COLUMNS:
                found.append((f"{table}'s {target}", frame[header]))
    return found


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
    >>> from orgkit.data.sample import sample_client_path
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


def _as_text(col: pd.Series) -> pd.Series:
    """A column of any dtype as the reader's text: ``str``, trimmed, blanks ``""``."""
    if pd.api.types.is_datetime64_any_dtype(col):
        col = col.dt.strftime("%Y-%m-%dT%H:%M:%S")
    elif isinstance(col.dtype, pd.CategoricalDtype):
        col = col.astype("object")
    text = col.astype("str").fillna("")
    return _text(pc.utf8_trim_whitespace(_arrow(text)), col.index)


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
        text = frame.reset_index(drop=True)
        raw[table] = pd.DataFrame({str(c).strip(): _as_text(text[c]) for c in text.columns},
                                  index=text.index)
    return _validate(Path("."), resolved, raw, out, {})
