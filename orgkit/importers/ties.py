"""Message events -> weighted ties, streamed with DuckDB over CSV/Parquet files of any size, or on a Dask cluster.

A message log holds one row per message: a sender, its recipients (one cell may hold several,
separated by ``;`` or ``,``, or ``Name <address>`` entries, or a Parquet list; ``To`` and ``Cc`` may be two
columns), a time and optionally a channel and a message id. :func:`aggregate_events` turns it into orgkit's
``communication`` table: one row per directed tie (sender -> recipient) and channel, ``weight`` = the number
of messages. The events are never held in memory: DuckDB streams the files, spills to a temporary folder
when its memory limit is reached, and only the ties come back to Python.

Rules (each counted in the import log):

* **Only the needed columns are read**: sender, recipients, time, channel, message id. Subjects and
  bodies are never selected, so never read into memory.
* **Copies of one message** (same message id, e.g. the sender's Sent Items and each recipient's Inbox)
  count once, when the log has a message id.
* **Time window** ``[since, until)``, in the client's time zone: for times given as instants (epoch
  numbers, ``Z`` or an offset) the bounds are converted from the client's zone to UTC (one conversion, not
  one per message); times without a zone are local time as exported. Messages without a readable time
  are left out.
* **Mass messages**: a message with more than ``max_recipients`` distinct recipients (the sender not
  counted) creates no ties; exactly ``max_recipients`` still does.
* **Self-messages**: a recipient who is the sender (after mapping) creates no tie.
* **Directory**: with a :class:`~orgkit.importers.people.Directory`, senders and recipients (ids, account
  ids, e-mail addresses, phone numbers, compared without case and surrounding spaces) are mapped to
  employee ids inside DuckDB; a message whose sender is nobody in the directory, and a recipient who is
  nobody in it, create no tie. Without a directory the ids are kept as exported, trimmed (all in lower
  case when the senders are e-mail addresses).
* **Repeats**: a recipient listed twice in one message (``To`` and ``Cc``) counts once.

With ``ImportOptions.scheduler`` the same query runs on a Dask cluster: the files (or, when messages
have ids, the hash partitions of the ids) are split across the workers, each aggregates its share with
DuckDB, and the partial counts are summed — the result equals the local one.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from orgkit.errors import ConfigError, DependencyMissingError, ExportFormatError
from orgkit.importers.base import ImportLog, ImportOptions, refuse
from orgkit.importers.people import Directory
from orgkit.importers.times import day_order

__all__ = ["EventSource", "aggregate_events", "csv_event_source", "private_ids", "PRIVATE_ID_MESSAGE",
           "duckdb_settings", "ENGINE_SETTINGS", "MEMORY_LIMIT_SHARE",
           "MEMORY_LIMIT_MAX", "RECIPIENT_SEPARATORS", "TIME_SHAPES"]

#: The ``--set`` keys of the aggregation of message events (formats that read message logs take them).
ENGINE_SETTINGS = ("memory_limit", "threads", "temp_dir")
#: Share of the machine's memory DuckDB may use before it spills to disk (the rest is left to the
#: machine's other work); capped by :data:`MEMORY_LIMIT_MAX`. ``--set memory_limit=8GB`` overrides.
MEMORY_LIMIT_SHARE = 0.25
#: Upper bound of DuckDB's default memory limit, in bytes (aggregating ties needs far less; more only
#: delays spilling).
MEMORY_LIMIT_MAX = 8 * 2**30
#: Characters that separate several recipients in one cell (a regular expression class).
RECIPIENT_SEPARATORS = "[;,；，\n]"
#: Time shapes recognised in a column of text (decided per file group from a sample, written to the log).
TIME_SHAPES = {
    "epoch_s": "epoch seconds, UTC",
    "epoch_ms": "epoch milliseconds, UTC",
    "iso_zoned": "ISO 8601 with Z or an offset",
    "excel": "Excel serial days, local time",
    "day_first": "day/month/year (as the values show, or --dayfirst), local time",
    "month_first": "month/day/year (as the values show, or --monthfirst), local time",
    "local": "local time as exported (no zone)",
}
_SAMPLE_BYTES = 256 * 1024
_TIME_SAMPLE = 5000
_AB_DATE = r"^[0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{4}(?:[ T]|$)"
_AB_CLOCKS = (" %H:%M:%S", " %H:%M", " %I:%M:%S %p", " %I:%M %p", "")
_DAY_FIRST_FORMATS = tuple(f"%d{sep}%m{sep}%Y{clock}" for sep in "/.-" for clock in _AB_CLOCKS)
_MONTH_FIRST_FORMATS = tuple(f"%m{sep}%d{sep}%Y{clock}" for sep in "/.-" for clock in _AB_CLOCKS)
_LOCAL_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d",
                  "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y.%m.%d %H:%M:%S", "%Y.%m.%d",
                  "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日")
_STATUS_TEXT = {
    "no sender": ("messages", "no sender"),
    "repeat": ("message-recipient pairs", "the same recipient listed twice in one message (counted once)"),
    "no time": ("messages", "no readable time"),
    "before": ("messages", "sent before --since"),
    "after": ("messages", "sent at or after --until"),
    "no recipients": ("messages", "no recipients"),
    "mass": ("messages", "more recipients than --max-recipients (mass messages create no ties)"),
    "unknown sender": ("messages", "the sender is nobody in the directory"),
    "unknown recipient": ("message-recipient pairs", "the recipient is nobody in the directory"),
    "self": ("message-recipient pairs", "the recipient is the sender (self-messages create no ties)"),
}


@dataclass(frozen=True)
class EventSource:
    """Event files of one layout, as DuckDB reads them.

    Parameters
    ----------
    kind : {"csv", "parquet"}
    files : tuple of str
        The files DuckDB reads (UTF-8 copies of non-UTF-8 CSV files).
    sender : str
        The column of senders.
    recipients : tuple of str
        The columns of recipients (``To``, ``Cc``...), each a text cell or a list.
    timestamp : str
        The column of send times.
    channel : str or None
        The column of channels (``None``: every message is ``default_channel``).
    message_id : str or None
        A column identifying a message across copies (``None``: no copies removed).
    delimiter : str or None
        CSV only: the field separator.
    label : str
        What the user gave, for messages (file names).
    what : str
        What the files hold, for the log (default: ``message events (CSV, n files)``).
    """

    kind: str
    files: tuple[str, ...]
    sender: str
    recipients: tuple[str, ...]
    timestamp: str
    channel: str | None = None
    message_id: str | None = None
    delimiter: str | None = None
    label: str = ""
    what: str = ""


# --------------------------------------------------------------------------------------------------
# DuckDB
# --------------------------------------------------------------------------------------------------
def _duckdb() -> Any:
    try:
        import duckdb
    except ImportError as exc:  # a dependency, but an environment may lack it
        raise DependencyMissingError(f"DuckDB is not installed ({exc}); pip install duckdb.") from exc
    return duckdb


def duckdb_settings(options: ImportOptions, *, threads: int | None = None,
                    memory_bytes: int | None = None) -> dict[str, Any]:
    """DuckDB's ``memory_limit`` and ``threads`` for an import (``--set memory_limit=``/``threads=`` override).

    The default memory limit is :data:`MEMORY_LIMIT_SHARE` of the machine's memory (or of ``memory_bytes``,
    a Dask worker's limit), at most :data:`MEMORY_LIMIT_MAX`, at least 512 MiB; threads default to the
    machine's cores.
    """
    extra = options.extra or {}
    if "memory_limit" in extra:
        limit = str(extra["memory_limit"]).strip()
        if not re.fullmatch(r"[0-9]+(\.[0-9]+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", limit, re.I):
            raise ConfigError(f"--set memory_limit={limit}: give an amount such as 4GB or 512MB.")
    else:
        total = memory_bytes or _physical_memory()
        limit = f"{max(512 * 2**20, min(int(total * MEMORY_LIMIT_SHARE), MEMORY_LIMIT_MAX)) // 2**20}MiB"
    n = threads or os.cpu_count() or 1
    if "threads" in extra:
        try:
            n = int(extra["threads"])
        except ValueError:
            raise ConfigError(f"--set threads={extra['threads']}: give a whole number.") from None
        if n < 1:
            raise ConfigError(f"--set threads={n}: give at least 1.")
    return {"memory_limit": limit, "threads": int(n)}


def _physical_memory() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # not POSIX: assume a small machine
        return 8 * 2**30


@contextmanager
def _connection(settings: dict[str, Any], workdir: Path) -> Iterator[Any]:
    """An in-memory DuckDB connection that spills to ``workdir``, with no extension downloads."""
    duckdb = _duckdb()
    spill = Path(tempfile.mkdtemp(prefix="duckdb-", dir=workdir))
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False,
                                             "autoload_known_extensions": True})
    try:
        con.execute(f"SET memory_limit = '{settings['memory_limit']}'")
        con.execute(f"SET threads = {int(settings['threads'])}")
        con.execute(f"SET temp_directory = {_lit(str(spill))}")
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET TimeZone = 'UTC'")
        yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def _arrow(con: Any, sql: str) -> Any:
    """A query's result as a pyarrow Table (the fastest way to pandas), across DuckDB versions."""
    rel = con.sql(sql)
    for name in ("to_arrow_table", "fetch_arrow_table", "arrow"):
        method = getattr(rel, name, None)
        if method is not None:
            result = method()
            return result.read_all() if hasattr(result, "read_all") else result
    raise DependencyMissingError("this DuckDB has no Arrow export; pip install 'duckdb>=1.3'.")


def _lit(value: str) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _reader(src: EventSource) -> str:
    files = "[" + ", ".join(_lit(f) for f in src.files) + "]"
    if src.kind == "parquet":
        return f"read_parquet({files}, union_by_name = true, filename = true)"
    return (f"read_csv({files}, header = true, delim = {_lit(src.delimiter or ',')}, quote = '\"', "
            "escape = '\"', all_varchar = true, union_by_name = true, filename = true, "
            "max_line_size = 4194304)")


def _columns(src: EventSource) -> list[str]:
    cols = [src.sender, *src.recipients, src.timestamp]
    cols += [c for c in (src.channel, src.message_id) if c]
    return cols


def _duck_error(exc: Exception, src: EventSource) -> ExportFormatError:
    """A DuckDB read error as a refusal that never quotes the file's content."""
    text = str(exc)
    where = re.search(r"[Ll]ine:?\s*([0-9]+)", text)
    cols = re.search(r"Expected Number of Columns:\s*([0-9]+)\s*Found:\s*([0-9]+)", text)
    if "parquet" in text.lower() or src.kind == "parquet":
        found = "a Parquet file that cannot be read (truncated or not Parquet)"
    elif "maximum line size" in text.lower() and "exceeded" in text.lower():
        found = "a line longer than 4 MB" + (f" (line {where.group(1)})" if where else "")
    elif "dialect" in text.lower():  # the sniffer found no reading of the quotes that fits every row
        found = ("rows whose double quotes do not enclose whole cells (such as \"Doe, Jane\" <a@b.com> in an "
                 "unquoted cell)")
    else:
        found = "rows that do not parse as CSV" + (f" (line {where.group(1)}" if where else "")
        found += (f", {cols.group(2)} fields where the header has {cols.group(1)}" if cols else "")
        found += ")" if where else ""
    return refuse(src.label or src.files[0], f"a message log ({src.kind.upper()})", found,
                  "Export the log again; a CSV cell holding the separator must be quoted.")


# --------------------------------------------------------------------------------------------------
# the query
# --------------------------------------------------------------------------------------------------
def _time_shapes(values: pd.Series, *, what: str = "times", dayfirst: bool | None = None) -> list[str]:
    """The shapes found in a sample of text times (see :data:`TIME_SHAPES`).

    ``a/b/yyyy`` dates (``04.03.2024 10:00``, Outlook's ``3/4/2024 10:00 PM``) are day first or month first as
    :func:`~orgkit.importers.times.day_order` decides from the sample (or ``dayfirst``); a sample that cannot
    tell stops the import and asks.
    """
    s = values.astype("str").str.strip()
    s = s[(s != "") & (s != "0")]
    shapes = []
    num = s.str.fullmatch(r"[0-9]+(\.[0-9]+)?")
    nums = pd.to_numeric(s[num], errors="coerce")
    if ((nums >= 1e9) & (nums < 2e9)).any():
        shapes.append("epoch_s")
    if ((nums >= 1e12) & (nums < 2e12)).any():
        shapes.append("epoch_ms")
    if ((nums >= 20000) & (nums < 80000)).any():
        shapes.append("excel")
    text = s[~num]
    zoned = text.str.contains(r"(?:[Zz]|[+-][0-9]{2}:?[0-9]{2})$") & text.str.match(r"^[0-9]{4}-")
    if zoned.any():
        shapes.append("iso_zoned")
    plain = text[~zoned]
    ab = plain.str.match(_AB_DATE)
    if ab.any():
        order, _ = day_order(plain[ab], what=what, dayfirst=dayfirst)
        if order is None:
            raise ConfigError(f"{what}: dates such as 03/04/2024 could be day first or month first and the first "
                              f"{_TIME_SAMPLE:,} values do not settle it. Give --dayfirst or --monthfirst.")
        shapes.append("day_first" if order else "month_first")
    if (~ab).any():
        shapes.append("local")
    return shapes


def _time_sql(col: str, dtype: str, shapes: Sequence[str], zone: str) -> tuple[str, str]:
    """SQL reading ``col`` (DuckDB type ``dtype``) as a time, and whether it is an ``instant`` or ``local`` time.

    Instants (epoch numbers, ISO with ``Z``/an offset, zoned timestamps) stay instants: the window's bounds
    are converted to them instead (one conversion, not one per message). Local times (text without a zone,
    Excel serials, naive timestamps) are compared with the bounds as given. A column mixing both converts
    its instants to the client's local time.
    """
    z = _lit(zone)
    c = _ident(col)
    up = dtype.upper()
    if up.startswith("TIMESTAMP WITH TIME ZONE") or up == "TIMESTAMPTZ":
        return c, "instant"
    if up.startswith("TIMESTAMP") or up == "DATE":
        return f"CAST({c} AS TIMESTAMP)", "local"
    if up in ("BIGINT", "INTEGER", "HUGEINT", "UBIGINT", "UINTEGER", "DOUBLE", "FLOAT") or up.startswith("DECIMAL"):
        return (f"CASE WHEN {c} >= 1e12 THEN CAST(epoch_ms(CAST({c} AS BIGINT)) AS TIMESTAMPTZ) "
                f"WHEN {c} >= 1e9 THEN to_timestamp(CAST({c} AS DOUBLE)) END"), "instant"
    t = f"trim(CAST({c} AS VARCHAR))"
    parts = {
        "epoch_s": (r"[0-9]{10}(\.[0-9]+)?", f"to_timestamp(TRY_CAST({t} AS DOUBLE))", "instant"),
        "epoch_ms": (r"[0-9]{13}", f"CAST(epoch_ms(TRY_CAST({t} AS BIGINT)) AS TIMESTAMPTZ)", "instant"),
        "iso_zoned": (r"[0-9]{4}-.*([Zz]|[+-][0-9]{2}:?[0-9]{2})", f"TRY_CAST({t} AS TIMESTAMPTZ)", "instant"),
        "excel": (r"[0-9]{5}(\.[0-9]+)?", "TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(TRY_CAST("
                  f"{t} AS DOUBLE) * 86400e6) AS BIGINT))", "local"),
        "day_first": (_AB_DATE[1:] + ".*", f"try_strptime({t}, [{', '.join(map(_lit, _DAY_FIRST_FORMATS))}])",
                      "local"),
        "month_first": (_AB_DATE[1:] + ".*", f"try_strptime({t}, [{', '.join(map(_lit, _MONTH_FIRST_FORMATS))}])",
                        "local"),
        "local": (None, f"COALESCE(TRY_CAST({t} AS TIMESTAMP), try_strptime({t}, "
                        "[" + ", ".join(_lit(f) for f in _LOCAL_FORMATS) + "]))", "local"),
    }
    shapes = [s for s in TIME_SHAPES if s in shapes] or ["local"]
    kinds = {parts[s][2] for s in shapes}
    if len(shapes) == 1:
        return parts[shapes[0]][1], parts[shapes[0]][2]
    kind = kinds.pop() if len(kinds) == 1 else "local"

    def as_kind(s: str) -> str:
        return parts[s][1] if parts[s][2] == kind else f"timezone({z}, {parts[s][1]})"

    whens = [f"WHEN regexp_full_match({t}, {_lit(parts[s][0])}) THEN {as_kind(s)}" for s in shapes
             if parts[s][0] is not None]
    tail = f" ELSE {parts['local'][1]}" if "local" in shapes else ""
    return "CASE " + " ".join(whens) + tail + " END", kind


def _bound(value: dt.datetime, kind: str, zone: Any) -> str:
    """A window bound (naive, client time) as a SQL literal comparable with times of ``kind``."""
    if kind == "local":
        return f"TIMESTAMP {_lit(value.strftime('%Y-%m-%d %H:%M:%S.%f'))}"
    utc = value.replace(tzinfo=zone).astimezone(dt.timezone.utc)
    return f"TIMESTAMPTZ {_lit(utc.strftime('%Y-%m-%d %H:%M:%S.%f') + '+00')}"


def _window_sql(t: str, kind: str, options: ImportOptions) -> str:
    """The time status of a message: ``no time``, ``before``, ``after``, or NULL (inside the window)."""
    whens = [f"WHEN {t} IS NULL THEN 'no time'"]
    if options.since:
        whens.append(f"WHEN {t} < {_bound(options.since, kind, options.zone)} THEN 'before'")
    if options.until:
        whens.append(f"WHEN {t} >= {_bound(options.until, kind, options.zone)} THEN 'after'")
    return "CASE " + " ".join(whens) + " END"


def _key_sql(expr: str, folded: bool) -> str:
    """A sender as compared: trimmed (``Name <address>``: the address); lower case when ``folded``."""
    v = f"lower({expr})" if folded else expr
    return f"NULLIF(CASE WHEN contains({expr}, '<') THEN regexp_extract({v}, {_lit(_ANGLE)}, 1) ELSE trim({v}) END, '')"


_ANGLE = r"<\s*([^<>]*?)\s*>"
_SPACED_SEPARATORS = r"\s*" + RECIPIENT_SEPARATORS + r"\s*"
_LIST_MARKS = r"^\[|\]$|[\"']"


def _recipients_sql(col: str, dtype: str, folded: bool) -> str:
    """The recipients of one column as a list of trimmed ids (lower case when ``folded``), empties removed."""
    c = _ident(col)
    if dtype.upper().endswith("[]"):
        each = "lower(trim(CAST(x AS VARCHAR)))" if folded else "trim(CAST(x AS VARCHAR))"
        return f"list_filter(list_transform({c}, lambda x: {each}), lambda x: x IS NOT NULL AND x <> '')"
    v = f"CAST({c} AS VARCHAR)"
    fv = f"lower({v})" if folded else v
    # the common case (one separator, no spaces) takes the fast plain split; anything else the regex
    messy = " OR ".join(f"contains({v}, {ch})"
                        for ch in ("' '", "','", "'，'", "'；'", "chr(10)", "chr(9)", "chr(13)"))
    # a JSON or Python list written into the cell (["a", "b"], ['a', 'b']): brackets and quotes removed
    listed = f"regexp_replace(trim({fv}), {_lit(_LIST_MARKS)}, '', 'g')"
    split = (f"CASE WHEN {v} IS NULL THEN []::VARCHAR[] "
             f"WHEN contains({v}, '<') THEN regexp_extract_all({fv}, {_lit(_ANGLE)}, 1) "
             f"WHEN contains({v}, '[') AND starts_with(trim({v}), '[') AND ends_with(trim({v}), ']') "
             f"THEN string_split_regex(trim({listed}), {_lit(_SPACED_SEPARATORS)}) "
             f"WHEN {messy} THEN string_split_regex(trim({fv}), {_lit(_SPACED_SEPARATORS)}) "
             f"ELSE string_split({fv}, ';') END")
    return f"list_filter({split}, lambda x: x <> '')"


@dataclass(frozen=True)
class _Plan:
    """The SQL of every source, built once (in the caller) and run locally or on each Dask worker."""

    selects: tuple[str, ...]         # one SELECT per source: g, f, m, s, l (list), tw (time status), c
    has_ids: bool
    directory: bool
    max_recipients: int


def _plan(con: Any, sources: Sequence[EventSource], options: ImportOptions, log: ImportLog, *,
          directory: bool, default_channel: str) -> _Plan:
    for name, value in (("--since", options.since), ("--until", options.until)):
        if value is not None and value.tzinfo is not None:
            raise ConfigError(f"{name}: give a date or time without a zone (it is read in the client's time zone).")
    zone = options.zone.key
    described: list[dict[str, str]] = []
    folded = directory
    for src in sources:
        reader = _reader(src)
        try:
            rows = con.execute(f"DESCRIBE SELECT {', '.join(map(_ident, _columns(src)))} FROM {reader}").fetchall()
            described.append({row[0]: str(row[1]) for row in rows})
            if not folded:
                hit = con.execute(f"SELECT count(*) FROM (SELECT CAST({_ident(src.sender)} AS VARCHAR) AS v FROM "
                                  f"{reader} LIMIT 1000) WHERE contains(v, '@')").fetchone()
                folded = bool(hit and hit[0])
        except _duckdb().Error as exc:
            raise _duck_error(exc, src) from None
    if directory:
        log.decided("ids", "senders and recipients compared with the directory's ids, account ids and e-mail "
                    "addresses, without case and surrounding spaces")
    elif folded:
        log.decided("ids", "senders are e-mail addresses: every id compared and kept in lower case")
    else:
        log.decided("ids", "kept as exported (surrounding spaces removed)")
    selects = []
    for g, (src, types) in enumerate(zip(sources, described)):
        reader = _reader(src)
        ttype = types.get(src.timestamp, "VARCHAR")
        shapes: list[str] = []
        if ttype.upper() == "VARCHAR":
            try:
                sample = con.execute(f"SELECT {_ident(src.timestamp)} FROM {reader} WHERE "
                                     f"{_ident(src.timestamp)} IS NOT NULL LIMIT {_TIME_SAMPLE}").fetchdf()
            except _duckdb().Error as exc:
                raise _duck_error(exc, src) from None
            shapes = _time_shapes(sample.iloc[:, 0], what=f"{src.label}: {src.timestamp}", dayfirst=options.dayfirst)
            how = "; ".join(TIME_SHAPES[s] for s in TIME_SHAPES if s in shapes) or "no values"
        elif "TIME ZONE" in ttype.upper():
            how = "timestamps with a zone"
        elif ttype.upper().startswith(("TIMESTAMP", "DATE")):
            how = "timestamps without a zone, read as local time"
        else:
            how = "epoch numbers (seconds, or milliseconds from 1e12), UTC"
        t_sql, kind = _time_sql(src.timestamp, ttype, shapes, zone)
        log.decided(f"times of {src.label} ({src.timestamp})",
                    how + (f"; converted to {zone}" if kind == "instant" or "local" in shapes and len(shapes) > 1
                           and any(s in shapes for s in ("epoch_s", "epoch_ms", "iso_zoned")) else "")
                    + f"; the window compared in {zone}")
        rcpt = [_recipients_sql(c, types.get(c, "VARCHAR"), folded) for c in src.recipients]
        rlist = rcpt[0] if len(rcpt) == 1 else f"list_concat({', '.join(rcpt)})"
        chan = (f"COALESCE(NULLIF(lower(trim(CAST({_ident(src.channel)} AS VARCHAR))), ''), {_lit(default_channel)})"
                if src.channel else _lit(default_channel))
        mid = f"NULLIF(trim(CAST({_ident(src.message_id)} AS VARCHAR)), '')" if src.message_id else "NULL::VARCHAR"
        sender = _key_sql(f"CAST({_ident(src.sender)} AS VARCHAR)", folded)
        selects.append(f"SELECT {g} AS g, filename AS f, {mid} AS m, {sender} AS s, {rlist} AS l, "
                       f"{_window_sql(f'({t_sql})', kind, options)} AS tw, {chan} AS c FROM {reader}")
    return _Plan(tuple(selects), any(s.message_id for s in sources), directory, int(options.max_recipients))


def _query(plan: _Plan, part: tuple[int, int] | None) -> str:
    """The aggregation: rows (g, status, src, tgt, c, n, msgs, dups); see :func:`aggregate_events`."""
    raw = " UNION ALL ".join(f"({s})" for s in plan.selects)
    where = ""
    if part is not None and plan.has_ids:
        k, n = part
        where = f"WHERE hash(COALESCE(m, f)) % {n} = {k}"
    if plan.has_ids:
        events = (f"raw AS (SELECT * FROM ({raw}) {where}), "
                  "single AS (SELECT g, s, l, tw, c, 0 AS dups FROM raw WHERE m IS NULL), "
                  "grouped AS (SELECT min(g) AS g, min({'s': s, 'l': l, 'tw': tw, 'c': c}) AS x, "
                  "count(*) - 1 AS dups FROM raw WHERE m IS NOT NULL GROUP BY m), "
                  "ev AS (SELECT * FROM single UNION ALL "
                  "SELECT g, x.s AS s, x.l AS l, x.tw AS tw, x.c AS c, dups FROM grouped)")
    else:
        events = f"ev AS (SELECT g, s, l, tw, c, 0 AS dups FROM ({raw}))"
    cap = plan.max_recipients
    join_s = "LEFT JOIN alias sa ON sa.key = ev.s" if plan.directory else ""
    sid = "sa.employee_id" if plan.directory else "ev.s"
    unknown_s = "WHEN sid IS NULL THEN 'unknown sender'" if plan.directory else ""
    join_r = "LEFT JOIN alias ra ON ra.key = pairs.rk" if plan.directory else ""
    rid = "ra.employee_id" if plan.directory else "pairs.rk"
    return f"""
WITH {events},
m1 AS (
  SELECT ev.g, ev.s, {sid} AS sid, ev.l, ev.tw, ev.c, ev.dups FROM ev {join_s}),
m2 AS (
  SELECT g, s, sid, l, c, dups,
         CASE WHEN s IS NULL THEN 'no sender' WHEN tw IS NOT NULL THEN tw
              WHEN len(l) = 0 THEN 'no recipients'
              WHEN len(l) > {cap} AND len(list_distinct(l)) - CASE WHEN list_contains(l, s) THEN 1 ELSE 0 END > {cap}
                   THEN 'mass'
              {unknown_s}
              ELSE 'ok' END AS st
  FROM m1),
pairs AS (
  SELECT g, s, sid, l, c, dups, st,
         unnest(CASE WHEN st = 'ok' THEN l ELSE [NULL::VARCHAR] END) AS rk,
         generate_subscripts(CASE WHEN st = 'ok' THEN l ELSE [NULL::VARCHAR] END, 1) AS i
  FROM m2),
p2 AS (
  SELECT pairs.g, pairs.c, pairs.dups, pairs.i, pairs.s, pairs.sid, pairs.rk, {rid} AS rid,
         CASE WHEN pairs.st <> 'ok' THEN pairs.st
              WHEN list_position(pairs.l, pairs.rk) < pairs.i THEN 'repeat'
              WHEN {rid} IS NULL THEN 'unknown recipient'
              WHEN {rid} = pairs.sid THEN 'self' ELSE 'ok' END AS st2
  FROM pairs {join_r})
SELECT g, st2 AS status,
       CASE WHEN st2 = 'ok' THEN sid WHEN st2 = 'unknown sender' THEN s END AS src,
       CASE WHEN st2 = 'ok' THEN rid WHEN st2 = 'unknown recipient' THEN rk END AS tgt,
       c, count(*) AS n, count(*) FILTER (WHERE i = 1) AS msgs, sum(CASE WHEN i = 1 THEN dups ELSE 0 END) AS dups
FROM p2
GROUP BY ALL
"""


@dataclass
class _Partial:
    """What one aggregation returns: the ties, the counts per source and status, the unknown ids."""

    ties: pd.DataFrame      # src, tgt, c, n (summed over sources)
    counts: pd.DataFrame    # g, status, n, msgs, dups
    unknown: pd.DataFrame   # status, key (distinct unknown senders/recipients; never logged by value)


def _run(plan: _Plan, part: tuple[int, int] | None, aliases: pd.DataFrame | None, settings: dict[str, Any],
         workdir: str | None, sources: Sequence[EventSource]) -> _Partial:
    """Run the aggregation (in this process or on a Dask worker); only ties and counts leave DuckDB."""
    base = Path(workdir) if workdir and Path(workdir).is_dir() else Path(tempfile.gettempdir())
    with _connection(settings, base) as con:
        if aliases is not None:
            con.register("alias_frame", aliases)
            con.execute("CREATE TABLE alias AS SELECT key, employee_id FROM alias_frame")
            con.unregister("alias_frame")
        try:
            con.execute(f"CREATE TEMP TABLE agg AS {_query(plan, part)}")
        except _duckdb().Error as exc:
            text = str(exc)
            bad = next((s for s in sources if any(Path(f).name in text for f in s.files)), sources[0])
            if isinstance(exc, (_duckdb().InvalidInputException, _duckdb().ConversionException,
                                _duckdb().IOException)):
                raise _duck_error(exc, bad) from None
            raise
        if len(plan.selects) == 1:  # one source: each tie is one row of agg already
            sql = "SELECT src, tgt, c, n::BIGINT AS n FROM agg WHERE status = 'ok' ORDER BY src, tgt, c"
        else:
            sql = ("SELECT src, tgt, c, sum(n)::BIGINT AS n FROM agg WHERE status = 'ok' GROUP BY ALL "
                   "ORDER BY src, tgt, c")
        ties = _arrow(con, sql).to_pandas()
        counts = con.execute("SELECT g, status, sum(n)::BIGINT AS n, sum(msgs)::BIGINT AS msgs, "
                             "sum(dups)::BIGINT AS dups FROM agg GROUP BY ALL ORDER BY g, status").fetchdf()
        unknown = con.execute("SELECT DISTINCT status, COALESCE(src, tgt) AS key FROM agg "
                              "WHERE status IN ('unknown sender', 'unknown recipient')").fetchdf()
    return _Partial(ties, counts, unknown)


def _run_on_worker(plan: _Plan, part: tuple[int, int] | None, aliases: pd.DataFrame | None,
                   options: ImportOptions, sources: Sequence[EventSource]) -> _Partial:
    """A Dask task: the aggregation of one share, with the worker's threads and memory."""
    threads = memory = None
    try:
        from distributed import get_worker

        w = get_worker()
        threads = int(w.state.nthreads)
        memory = int(w.memory_manager.memory_limit or 0) or None
    except (ImportError, ValueError, AttributeError):
        pass
    settings = duckdb_settings(options, threads=threads, memory_bytes=memory)
    return _run(plan, part, aliases, settings, options.extra.get("temp_dir"), sources)


# --------------------------------------------------------------------------------------------------
# the public function
# --------------------------------------------------------------------------------------------------
def _alias_table(directory: Directory) -> pd.DataFrame:
    """One employee id per folded alias: ids before account ids before e-mail addresses before phones/names."""
    a = directory.aliases
    order = {"id": 0, "user_id": 1, "email": 2, "phone": 3, "name": 4}
    a = a.assign(rank=a["kind"].map(order).fillna(9)).sort_values(["alias", "rank"], kind="stable")
    a = a.drop_duplicates("alias", keep="first")
    return pd.DataFrame({"key": a["alias"].astype("str").to_numpy(),
                         "employee_id": a["employee_id"].astype("str").to_numpy()})


def aggregate_events(sources: Sequence[EventSource], options: ImportOptions, log: ImportLog, *,
                     directory: Directory | None = None, default_channel: str = "email") -> pd.DataFrame:
    """Directed weighted ties from message events, without holding the events in memory.

    Parameters
    ----------
    sources : sequence of EventSource
        The event files, grouped by layout (:func:`csv_event_source` for CSV; Parquet directly).
    options : ImportOptions
        ``timezone``, ``since``/``until``, ``max_recipients``, ``scheduler``; ``extra`` may give
        ``memory_limit`` (``4GB``), ``threads`` and ``temp_dir`` (DuckDB's spill folder; default the system's
        temporary folder — never the client folder).
    log : ImportLog
        Receives how times were read, and every message or pair left out, by reason.
    directory : Directory, optional
        Maps senders and recipients to employee ids (inside DuckDB, with its alias table).
    default_channel : str
        The channel of messages without one.

    Returns
    -------
    DataFrame
        ``source_id``, ``target_id``, ``weight`` (int64: messages), ``channel``; one row per directed tie and
        channel, sorted by source, target, channel.

    Notes
    -----
    ``weight(a, b, channel)`` is the number of distinct messages on ``channel`` sent by ``a`` with ``b``
    among their To/Cc recipients, in ``[since, until)``, from messages with at most ``max_recipients``
    recipients other than the sender. A recipient listed twice in one message counts once.
    """
    if not sources:
        raise ConfigError("no message files to read. Nothing was written.")
    workdir = options.extra.get("temp_dir") if options.extra else None
    if workdir and not Path(workdir).is_dir():
        raise ConfigError(f"--set temp_dir={workdir}: no such folder.")
    aliases = _alias_table(directory) if directory is not None else None
    settings = duckdb_settings(options)
    with _connection(settings, Path(workdir or tempfile.gettempdir())) as con:
        plan = _plan(con, sources, options, log, directory=directory is not None, default_channel=default_channel)
    if options.scheduler:
        where = ("on each Dask worker: its threads, and " + (f"memory limit {settings['memory_limit']}"
                 if "memory_limit" in (options.extra or {}) else "a quarter of the worker's memory (at most 8 GiB)"))
    else:
        where = f"memory limit {settings['memory_limit']}, {settings['threads']} thread(s)"
    log.decided("DuckDB", f"{where}; beyond the limit it spills to a temporary folder outside the client folder; "
                "only the sender, recipient, time, channel and message id columns are read")
    if options.scheduler:
        partial = _on_dask(plan, sources, aliases, options, log)
    else:
        partial = _run(plan, None, aliases, settings, workdir, sources)
    return _finish(partial, sources, options, log, directory is not None)


def _on_dask(plan: _Plan, sources: Sequence[EventSource], aliases: pd.DataFrame | None,
             options: ImportOptions, log: ImportLog) -> _Partial:
    try:
        from distributed import Client
    except ImportError as exc:  # the orgkit[dask] extra is not installed
        raise DependencyMissingError(f"Dask is not installed ({exc}); it is an extra: pip install 'orgkit[dask]'.") \
            from exc
    try:
        client = Client(options.scheduler, timeout="20s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {options.scheduler}: {exc}") from None
    try:
        workers = sorted(client.scheduler_info().get("workers", {}))
        if not workers:
            raise ConfigError(f"the Dask scheduler at {options.scheduler} has no workers.")
        n = len(workers)
        tasks = []
        if plan.has_ids:
            # copies of a message may sit in different files: split by message id, every worker reads all files
            for k in range(n):
                tasks.append((plan, (k, n), sources))
            how = f"messages split across {n} worker(s) by a hash of their message id"
        else:
            # balance the files by size across the workers; each worker reads only its own files
            files = [(g, f) for g, s in enumerate(sources) for f in s.files]
            sizes = np.array([_size(f) for _, f in files], dtype=np.int64)
            load = np.zeros(n, dtype=np.int64)
            share: list[list[tuple[int, str]]] = [[] for _ in range(n)]
            for i in np.argsort(-sizes, kind="stable"):
                w = int(np.argmin(load))
                share[w].append(files[i])
                load[w] += sizes[i]
            for items in share:
                if not items:
                    continue
                groups = sorted({g for g, _ in items})
                subset = [replace(sources[g], files=tuple(f for gg, f in items if gg == g)) for g in groups]
                sub_plan = replace(plan, selects=tuple(
                    plan.selects[g].replace(_reader(sources[g]), _reader(s)) for g, s in zip(groups, subset)))
                tasks.append((sub_plan, None, subset))
            how = f"{len(files):,} file(s) split across {n} worker(s) by size"
        log.decided("Dask", f"scheduler {options.scheduler}: {how}; each worker aggregates its share with DuckDB "
                    "and the partial counts are summed")
        futures = [client.submit(_run_on_worker, p, part, aliases, options, srcs, workers=[workers[i % n]],
                                 pure=False, allow_other_workers=True)
                   for i, (p, part, srcs) in enumerate(tasks)]
        parts = client.gather(futures)
    finally:
        client.close()
    ties = pd.concat([p.ties for p in parts], ignore_index=True)
    ties = ties.groupby(["src", "tgt", "c"], sort=True, as_index=False)["n"].sum()
    counts = pd.concat([p.counts for p in parts], ignore_index=True)
    counts = counts.groupby(["g", "status"], sort=True, as_index=False)[["n", "msgs", "dups"]].sum()
    unknown = pd.concat([p.unknown for p in parts], ignore_index=True).drop_duplicates()
    return _Partial(ties, counts, unknown)


def _size(path: str) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0


def _finish(partial: _Partial, sources: Sequence[EventSource], options: ImportOptions, log: ImportLog,
            mapped: bool) -> pd.DataFrame:
    """The ties, and the log's counts, from the aggregation's results."""
    p = partial.counts.copy()
    for col in ("n", "msgs", "dups"):
        p[col] = pd.to_numeric(p[col]).fillna(0).astype("int64")
    # every message appears once with i = 1, whatever happened to it
    for g, src in enumerate(sources):
        mine = p["g"] == g
        n_rows = int(p.loc[mine, "msgs"].sum() + p.loc[mine, "dups"].sum())
        what = src.what or (f"message events ({src.kind.upper()}, {len(src.files):,} "
                            f"file{'s' if len(src.files) != 1 else ''})")
        log.read(src.label or Path(src.files[0]).name, what, n_rows)
    log.dropped(int(p["dups"].sum()), "message copies", "the same message id seen again (one mailbox's copy of a "
                "message another mailbox also holds); each message counts once")
    for status, (unit, reason) in _STATUS_TEXT.items():
        rows = p[p["status"] == status]
        if rows.empty:
            continue
        count = int(rows["msgs"].sum()) if unit == "messages" else int(rows["n"].sum())
        if status in ("unknown sender", "unknown recipient"):
            distinct = int((partial.unknown["status"] == status).sum())
            who = status.split()[1]
            reason += f" ({distinct:,} distinct {who}{'s' if distinct != 1 else ''})"
        if status == "mass":
            reason = f"more than {options.max_recipients} recipients (--max-recipients): mass messages create no ties"
        log.dropped(count, unit, reason)
    t = partial.ties
    ties = pd.DataFrame({"source_id": t["src"].astype("str"), "target_id": t["tgt"].astype("str"),
                         "weight": pd.to_numeric(t["n"]).astype("int64"), "channel": t["c"].astype("str")})
    ties = ties.sort_values(["source_id", "target_id", "channel"], kind="stable").reset_index(drop=True)
    n_messages = int(p.loc[p["status"].isin(["ok", "unknown recipient", "self"]), "msgs"].sum())
    log.note(f"ties: {len(ties):,} directed ties (sender -> recipient, per channel) from {n_messages:,} messages "
             f"kept, {int(ties['weight'].sum()):,} message-recipient pairs"
             + ("; ids mapped to employee ids through the directory" if mapped else "; ids as exported"))
    log.count("ties", len(ties))
    return ties


#: Why an import of e-mail addresses without a directory stops (they would be the ids written).
PRIVATE_ID_MESSAGE = ("the message log names people by e-mail address or phone number, which orgkit does not write "
                      "into a client folder. Give --directory HR_FILE (an HR export with each person's id and "
                      "e-mail address) to map them to employee ids, or --pseudonymise to replace them by "
                      "pseudonyms. Nothing was written.")


def private_ids(sources: Sequence[EventSource], options: ImportOptions, rows: int = 1000) -> None:
    """Stop when the first ``rows`` senders/recipients of any source are e-mail addresses or phone numbers.

    Raises
    ------
    ConfigError
        With :data:`PRIVATE_ID_MESSAGE` (map them with a directory, or pseudonymise).
    """
    settings = duckdb_settings(options, threads=1)
    workdir = Path((options.extra or {}).get("temp_dir") or tempfile.gettempdir())
    with _connection(settings, workdir) as con:
        for src in sources:
            cols = [src.sender, *src.recipients]
            try:
                sample = con.execute(f"SELECT {', '.join(f'CAST({_ident(c)} AS VARCHAR)' for c in cols)} "
                                     f"FROM {_reader(src)} LIMIT {int(rows)}").fetchall()
            except _duckdb().Error as exc:
                raise _duck_error(exc, src) from None
            values = pd.Series([v for row in sample for v in row if v is not None], dtype="str")
            if values.str.contains("@", regex=False).any() or values.str.fullmatch(r"\+?[0-9][0-9 \-]{9,}").any():
                raise ConfigError(f"{src.label}: {PRIVATE_ID_MESSAGE}")


# --------------------------------------------------------------------------------------------------
# CSV files: encoding and header
# --------------------------------------------------------------------------------------------------
def _open_raw(path: Path):
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb")


def csv_event_source(path: Path, expected: str, workdir: Path, log: ImportLog) -> tuple[str, list[str], str]:
    """A CSV file's path as DuckDB should read it, its header and its delimiter.

    The encoding is decided on a sample with :func:`orgkit.data.reading.guess_encoding` and logged; a file
    that is not UTF-8 (GB18030, UTF-16...) is transcoded, streaming, to a UTF-8 copy in ``workdir`` (the
    import's temporary folder, outside the client folder), since DuckDB reads UTF-8 only.

    Raises
    ------
    ExportFormatError
        An encoding that cannot be decided, or a file without a header row.
    """
    from orgkit.data.reading import UndecidedEncoding, guess_encoding

    with _open_raw(path) as fh:
        sample = fh.read(_SAMPLE_BYTES + 1)
    whole = len(sample) <= _SAMPLE_BYTES
    if not whole:
        sample = sample[:_SAMPLE_BYTES]
        if b"\x00" in sample[:4096]:  # UTF-16: keep whole code units
            sample = sample[:len(sample) - len(sample) % 2]
        elif sample.rfind(b"\n") > 0:  # keep whole lines (a multi-byte character is never cut)
            sample = sample[:sample.rfind(b"\n") + 1]
    try:
        guess = guess_encoding(sample)
    except UndecidedEncoding as exc:
        raise refuse(path, expected, f"text whose encoding cannot be decided ({exc.detail})",
                     "Save it again as UTF-8 CSV.") from None
    encoding = guess.encoding
    log.decided(f"encoding of {path.name}", f"{encoding}: {guess.reason}" + (" (from the first "
                f"{len(sample) // 1024:,} KB)" if not whole else ""))
    text = sample.decode(encoding, errors="replace")
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    if not first.strip():
        raise refuse(path, expected, "an empty file or no header row")
    counts = {d: next(csv.reader([first], delimiter=d), []).__len__() for d in (",", "\t", ";", "|")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    header = [h.strip() for h in next(csv.reader([first], delimiter=delimiter))]
    if encoding in ("utf-8", "ascii"):
        return str(path), header, delimiter
    if encoding == "utf-8-sig" and path.suffix.lower() != ".gz":
        return str(path), [h.lstrip("\ufeff") for h in header], delimiter
    target = Path(tempfile.mkstemp(prefix="utf8-", suffix=".csv", dir=workdir)[1])
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with _open_raw(path) as src, open(target, "wb") as out:
            while True:
                block = src.read(4 * 2**20)
                out.write(decoder.decode(block, final=not block).encode("utf-8"))
                if not block:
                    break
    except UnicodeDecodeError as exc:
        raise refuse(path, expected, f"bytes that are not {encoding} (decided from the start of the file) near byte "
                     f"{exc.start:,} of a block", "Save it again as UTF-8 CSV.") from None
    log.note(f"{path.name}: transcoded from {encoding} to UTF-8 in a temporary copy (DuckDB reads UTF-8)")
    return str(target), [h.lstrip("\ufeff") for h in header], delimiter
