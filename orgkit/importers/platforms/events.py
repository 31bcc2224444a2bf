"""Generic message logs (CSV or Parquet, any number of files): the ``events`` format -> weighted ties.

One row per message: a sender, its recipients (``To``; ``Cc`` counted too; several per cell separated by
``;`` or ``,``), a send time, and optionally a channel and a message id. Headers are recognised by the
synonyms below, or named with ``--set sender=COLUMN`` (``recipients=To,Cc``, ``timestamp=``, ``channel=``,
``message_id=``). Aggregated by :func:`orgkit.importers.ties.aggregate_events` (DuckDB, streaming);
subjects, bodies and every other column are never read.
"""

from __future__ import annotations

import glob
import tempfile
from collections.abc import Sequence
from pathlib import Path

from orgkit.data.contract import normalise_header
from orgkit.errors import ConfigError
from orgkit.importers.base import ImportLog, ImportOptions, Imported, refuse, register
from orgkit.importers.sources import iter_files, sniff
from orgkit.importers.ties import ENGINE_SETTINGS, EventSource, aggregate_events, csv_event_source, private_ids

__all__ = ["read_events", "EVENT_SYNONYMS", "event_files", "event_sources"]

#: Header spellings of each field (compared after ``normalise_header``); the first match wins.
EVENT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "sender": ("sender", "from", "sender address", "sender email", "sender id", "from address", "from email",
               "from id", "source", "source id", "author", "user", "发件人", "发送人", "发送者",
               "发件人邮箱", "发送人工号"),
    "to": ("recipients", "recipient", "to", "to recipients", "to address", "to addresses", "recipient address",
           "recipient id", "recipient ids", "receivers", "receiver", "target", "target id", "收件人", "接收人",
           "接收者", "收件人邮箱", "接收人工号"),
    "cc": ("cc", "cc recipients", "cc addresses", "抄送", "抄送人"),
    "timestamp": ("timestamp", "sent", "sent at", "sent time", "sent date time", "sentdatetime", "time",
                  "datetime", "date time", "date", "event time", "event date", "eventdate", "event datetime",
                  "sent date", "delivered", "delivered at", "received", "received at", "created", "created at",
                  "发送时间", "发送日期", "时间",
                  "日期"),
    "channel": ("channel", "medium", "message type", "kind", "渠道", "方式", "类型"),
    "message_id": ("message id", "messageid", "internet message id", "internetmessageid", "msg id", "mail id",
                   "消息id", "邮件id"),
}
#: The ``--set`` keys of the format: a column per field (``recipients`` names the ``to`` field), the channel
#: of messages without one, and the aggregation engine's.
EVENT_SETTINGS = tuple("recipients" if f == "to" else f for f in EVENT_SYNONYMS) + ("default_channel",
                                                                                      *ENGINE_SETTINGS)
_SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".pq", ".gz")
_EXPECTED = "a message log (CSV or Parquet: sender, recipients, time)"


def event_files(paths: Sequence[Path], log: ImportLog) -> list[Path]:
    """The files given: glob patterns expanded, folders searched (CSV/Parquet files only), each once, sorted."""
    expanded: list[Path] = []
    for p in paths:
        text = str(p)
        if not Path(text).exists() and any(ch in text for ch in "*?["):
            hits = sorted(glob.glob(text, recursive=True))
            if not hits:
                raise ConfigError(f"{text}: no file matches. Nothing was written.")
            expanded += [Path(h) for h in hits]
        else:
            expanded.append(Path(text))
    out: list[Path] = []
    skipped = 0
    for f in iter_files(expanded):
        given = f in expanded
        if not given and not f.name.lower().endswith(_SUFFIXES):
            skipped += 1
            continue
        out.append(f)
    log.dropped(skipped, "files in the folders given", "not .csv/.tsv/.txt/.parquet/.gz files")
    return out


def _map(headers: Sequence[str], options: ImportOptions, file: Path) -> dict[str, tuple[str, ...]]:
    folded = {normalise_header(h): h for h in headers}
    extra = options.extra or {}
    found: dict[str, tuple[str, ...]] = {}
    used: set[str] = set()
    for field, spellings in EVENT_SYNONYMS.items():
        key = "recipients" if field == "to" else field
        if key in extra:
            names = [n.strip() for n in str(extra[key]).split(",") if n.strip()]
            cols = []
            for n in names:
                hit = folded.get(normalise_header(n))
                if hit is None:
                    raise refuse(file, f"{_EXPECTED} with the column {n!r} (--set {key}=)",
                                 f"the columns {', '.join(headers[:12])}")
                cols.append(hit)
            found[field] = tuple(cols)
            used.update(cols)
            continue
        for s in spellings:
            hit = folded.get(normalise_header(s))
            if hit is not None and hit not in used:
                found[field] = (hit,)
                used.add(hit)
                break
    missing = [name for name, field in (("sender (From)", "sender"), ("recipients (To)", "to"),
                                        ("time (Sent)", "timestamp")) if field not in found]
    if missing:
        shown = ", ".join(headers[:12]) + (f" and {len(headers) - 12} more" if len(headers) > 12 else "")
        raise refuse(file, f"{_EXPECTED} with the column(s) {'; '.join(missing)}",
                     f"the columns {shown}" if headers else "no header row",
                     "Rename the columns, or name them with --set sender=COLUMN --set recipients=To,Cc "
                     "--set timestamp=COLUMN (a list of ties without times is the edge-list format).")
    return found


def event_sources(files: Sequence[Path], options: ImportOptions, log: ImportLog, workdir: Path) -> list[EventSource]:
    """The files as :class:`EventSource` groups (one per layout), each file classified by its content."""
    groups: dict[tuple, list[tuple[Path, str]]] = {}
    for f in files:
        with open(f, "rb") as fh:
            magic = fh.read(2)
        kind = "gzip" if magic == b"\x1f\x8b" else sniff(f)
        if kind == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            try:
                headers = list(pq.read_schema(f).names)
            except (pa.ArrowException, OSError):
                raise refuse(f, _EXPECTED, "a Parquet file that cannot be read (truncated?)",
                             "Export it again.") from None
            read_as, delim, fmt = str(f), None, "parquet"
        elif kind in ("text", "gzip"):
            read_as, headers, delim = csv_event_source(f, _EXPECTED, workdir, log)
            fmt = "csv"
        else:
            found = {"html": "a web page (an HTML error or login page saved under this name)",
                     "json": "JSON (for Microsoft Graph messages use the graph format)",
                     "xlsx": "an Excel workbook (save it as CSV)", "xls": "an old-style .xls workbook",
                     "zip": "a zip archive (unpack it and give the files)"}[kind]
            raise refuse(f, _EXPECTED, found)
        cols = _map(headers, options, f)
        for field, names in cols.items():
            log.mapped(f"{f.name}: {' + '.join(names)}", {"to": "recipients"}.get(field, field)
                       + (" (counted as recipients)" if field == "cc" else ""))
        key = (fmt, delim, tuple(sorted((k, v) for k, v in cols.items())))
        groups.setdefault(key, []).append((f, read_as))
    sources = []
    for (fmt, delim, cols_t), items in groups.items():
        cols = dict(cols_t)
        names = [p.name for p, _ in items]
        label = names[0] if len(names) == 1 else f"{names[0]} ... {names[-1]} ({len(names):,} files)"
        sources.append(EventSource(
            kind=fmt, files=tuple(r for _, r in items), sender=cols["sender"][0],
            recipients=cols["to"] + cols.get("cc", ()), timestamp=cols["timestamp"][0],
            channel=cols.get("channel", (None,))[0], message_id=cols.get("message_id", (None,))[0],
            delimiter=delim, label=label))
    return sources


@register("events", "Message log as CSV or Parquet (sender, recipients, time, channel)",
          "CSV/Parquet files or folders of them (sender, recipients, timestamp[, channel, cc, message id]); "
          "--directory HR_FILE maps addresses to employee ids",
          ("communication", "people"),
          settings=EVENT_SETTINGS)
def read_events(paths: Sequence[Path], options: ImportOptions, log: ImportLog) -> Imported:
    directory = None
    people = None
    if options.directory:
        from orgkit.importers.directory import read_directory

        log.section("people (from --directory)")
        directory = read_directory(options.directory, options, log)
        people = directory.people
    log.section("communication")
    files = event_files(paths, log)
    if not files:
        raise refuse(", ".join(str(p) for p in paths), _EXPECTED, "no CSV or Parquet file")
    channel = str((options.extra or {}).get("default_channel", "message")).strip() or "message"
    base = (options.extra or {}).get("temp_dir") or None
    with tempfile.TemporaryDirectory(prefix="orgkit-events-", dir=base) as tmp:
        sources = event_sources(files, options, log, Path(tmp))
        if directory is None and not options.pseudonymise:
            private_ids(sources, options)
        ties = aggregate_events(sources, options, log, directory=directory, default_channel=channel)
    return Imported(people=people, communication=ties, log=log)
