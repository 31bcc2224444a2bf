"""Microsoft Graph (Exchange Online / Outlook) message JSON: the ``graph`` format -> weighted e-mail ties.

Reads what ``GET /users/{id}/messages`` (or ``/mailFolders/sentitems/messages``) returns, saved as files:
pages ``{"value": [...], "@odata.nextLink": ...}``, a plain list of messages, a list of pages, a JSON
``$batch`` answer (``{"responses": [{"body": page}]}``), or JSON lines (one message or one page per line); a
folder of such files. Fields used: ``from.emailAddress.address`` (``sender`` when
``from`` is absent), ``toRecipients[].emailAddress.address``, ``ccRecipients[].emailAddress.address``,
``sentDateTime`` (ISO 8601, UTC ``Z``) and ``internetMessageId`` (the same message in several mailboxes
counts once). ``bccRecipients``, subjects, bodies, previews and attachments are never kept; drafts are
left out.

The files are read one at a time and the fields above streamed, in batches, into temporary Parquet files
(outside the client folder), then aggregated by :func:`orgkit.importers.ties.aggregate_events` — a year
of mail never sits in memory. Addresses are mapped to employee ids through ``--directory``.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from orgkit.errors import ConfigError
from orgkit.importers.base import ImportLog, ImportOptions, Imported, refuse, register
from orgkit.importers.sources import iter_files, read_json, sniff
from orgkit.importers.ties import ENGINE_SETTINGS, PRIVATE_ID_MESSAGE, EventSource, aggregate_events

__all__ = ["read_graph", "graph_to_parquet", "BATCH_MESSAGES", "PART_MESSAGES"]

#: Messages buffered before a batch is written to the temporary Parquet file.
BATCH_MESSAGES = 100_000
#: Messages per temporary Parquet file (several files let a Dask cluster share the work).
PART_MESSAGES = 2_000_000
_EXPECTED = "Microsoft Graph messages (JSON: {\"value\": [...]} pages, a list, or JSON lines)"
_SUFFIXES = (".json", ".jsonl", ".ndjson", ".txt")
_LOGGED_FILES = 20


def _address(obj: Any) -> str | None:
    if isinstance(obj, dict):
        inner = obj.get("emailAddress")
        if isinstance(inner, dict):
            a = inner.get("address")
            return a if isinstance(a, str) and a.strip() else None
    return None


def _addresses(items: Any) -> list[str]:
    if not isinstance(items, list):
        return []
    return [a for a in (_address(i) for i in items) if a]


def _messages(data: Any, file: Path) -> list[dict]:
    """The message objects of one JSON document (a page, a list, or one message), or a refusal."""
    if isinstance(data, dict):
        if "error" in data and "value" not in data:
            code = data["error"].get("code") if isinstance(data["error"], dict) else None
            raise refuse(file, _EXPECTED, "an API error response" + (f" (code {code})" if isinstance(code, str)
                                                                     else ""),
                         "Call the API again and save the successful pages.")
        if isinstance(data.get("value"), list):
            items = data["value"]
        elif isinstance(data.get("responses"), list):  # a JSON $batch answer: each response's body is a page
            bodies = [r.get("body") for r in data["responses"] if isinstance(r, dict)]
            return [m for body in bodies if body is not None for m in _messages(body, file)]
        elif any(k in data for k in ("toRecipients", "from", "sender")):
            items = [data]
        else:
            keys = ", ".join(sorted(map(str, data))[:10])
            raise refuse(file, _EXPECTED, f"a JSON object with the keys {keys}" if keys else "an empty JSON object")
    elif isinstance(data, list):
        if data and all(isinstance(d, dict) and isinstance(d.get("value"), list) for d in data):
            return [m for page in data for m in _messages(page, file)]  # the pages of a query, saved as a list
        items = data
    else:
        raise refuse(file, _EXPECTED, f"a JSON {type(data).__name__}")
    msgs = [m for m in items if isinstance(m, dict)]
    if len(msgs) != len(items):
        raise refuse(file, _EXPECTED, f"{len(items) - len(msgs):,} entries that are not JSON objects")
    if msgs and not any(("toRecipients" in m or "from" in m or "sender" in m or "@removed" in m) for m in msgs):
        keys = ", ".join(sorted(map(str, msgs[0]))[:10])
        raise refuse(file, _EXPECTED, f"objects without from/toRecipients (keys: {keys})",
                     "Export messages (GET /users/{id}/messages), not another resource.")
    return msgs


def _documents(path: Path) -> Iterator[Any]:
    """The JSON documents of a file: the whole file, or one per line for JSON lines (streamed)."""
    kind = sniff(path)
    if kind != "json":
        read_json(path, _EXPECTED)  # refuses with what the file is
    with open(path, "rb") as fh:
        first = fh.readline()
        rest = fh.read(1)
    lines = False
    if rest:
        try:
            json.loads(first.decode("utf-8-sig"))
            lines = True
        except (json.JSONDecodeError, UnicodeDecodeError):
            lines = False
    if not lines:
        yield read_json(path, _EXPECTED)
        return
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8", errors="strict").strip()
            except UnicodeDecodeError:
                raise refuse(path, _EXPECTED, f"JSON lines where line {number:,} is not UTF-8",
                             "Export the file again as UTF-8.") from None
            if not text:
                continue
            try:
                yield json.loads(text)
            except json.JSONDecodeError:
                raise refuse(path, _EXPECTED, f"JSON lines where line {number:,} is not complete JSON "
                             "(a truncated download?)", "Download or export the file again.") from None


def graph_to_parquet(files: Sequence[Path], workdir: Path, log: ImportLog) -> tuple[list[str], dict[str, int]]:
    """Stream the messages' sender, To, Cc, time and id into Parquet files in ``workdir``.

    Returns
    -------
    (list of str, dict)
        The Parquet files written, and counts (``messages``, ``drafts``, ``removed``, ``bcc``).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([("message_id", pa.string()), ("sender", pa.string()), ("to", pa.list_(pa.string())),
                        ("cc", pa.list_(pa.string())), ("sent", pa.string())])
    parts: list[str] = []
    counts = {"messages": 0, "drafts": 0, "removed": 0, "bcc": 0}
    cols: dict[str, list] = {n: [] for n in schema.names}
    state: dict[str, Any] = {"writer": None, "in_part": 0}

    def flush() -> None:
        if not cols["sender"]:
            return
        if state["writer"] is None or state["in_part"] >= PART_MESSAGES:
            if state["writer"] is not None:
                state["writer"].close()
            path = workdir / f"graph-{len(parts):05d}.parquet"
            parts.append(str(path))
            state["writer"] = pq.ParquetWriter(path, schema)
            state["in_part"] = 0
        table = pa.table({n: pa.array(cols[n], type=schema.field(n).type) for n in schema.names}, schema=schema)
        state["writer"].write_table(table)
        state["in_part"] += table.num_rows
        for n in cols:
            cols[n].clear()

    try:
        for i, path in enumerate(files):
            n_file = 0
            for doc in _documents(path):
                msgs = _messages(doc, path)
                for m in msgs:  # one JSON object each: the fields kept, everything else (body, subject) dropped
                    if "@removed" in m:
                        counts["removed"] += 1
                        continue
                    if m.get("isDraft") is True:
                        counts["drafts"] += 1
                        continue
                    mid = m.get("internetMessageId")
                    cols["message_id"].append(mid if isinstance(mid, str) and mid.strip() else None)
                    cols["sender"].append(_address(m.get("from")) or _address(m.get("sender")))
                    cols["to"].append(_addresses(m.get("toRecipients")))
                    cols["cc"].append(_addresses(m.get("ccRecipients")))
                    sent = m.get("sentDateTime")
                    cols["sent"].append(sent if isinstance(sent, str) else None)
                    counts["bcc"] += bool(m.get("bccRecipients"))
                    n_file += 1
                if len(cols["sender"]) >= BATCH_MESSAGES:
                    flush()
            counts["messages"] += n_file
            if i < _LOGGED_FILES:
                log.read(path, "Microsoft Graph messages (JSON)", n_file)
        flush()
    finally:
        if state["writer"] is not None:
            state["writer"].close()
    if len(files) > _LOGGED_FILES:
        log.note(f"... and {len(files) - _LOGGED_FILES:,} more files; {len(files):,} files, "
                 f"{counts['messages']:,} messages in all")
    return parts, counts


@register("graph", "Microsoft Graph message JSON (Exchange Online / Outlook mail)",
          "JSON files or folders of GET /users/{id}/messages pages (or JSON lines); --directory HR_FILE maps "
          "addresses to employee ids", ("communication", "people"),
          settings=ENGINE_SETTINGS)
def read_graph(paths: Sequence[Path], options: ImportOptions, log: ImportLog) -> Imported:
    directory = None
    people = None
    if not options.directory and not options.pseudonymise:
        raise ConfigError(f"Microsoft Graph messages: {PRIVATE_ID_MESSAGE}")
    if options.directory:
        from orgkit.importers.directory import read_directory

        log.section("people (from --directory)")
        directory = read_directory(options.directory, options, log)
        people = directory.people
    log.section("communication")
    files = []
    skipped = 0
    for f in iter_files(list(paths)):
        if Path(f) in [Path(p) for p in paths] or f.name.lower().endswith(_SUFFIXES):
            files.append(f)
        else:
            skipped += 1
    log.dropped(skipped, "files in the folders given", "not .json/.jsonl/.ndjson files")
    if not files:
        raise refuse(", ".join(str(p) for p in paths), _EXPECTED, "no JSON file")
    for source, target in (("from.emailAddress.address (sender when from is absent)", "sender"),
                           ("toRecipients[].emailAddress.address", "recipients"),
                           ("ccRecipients[].emailAddress.address", "recipients (Cc counted)"),
                           ("sentDateTime", "time"), ("internetMessageId", "message id (copies counted once)")):
        log.mapped(source, target)
    base = (options.extra or {}).get("temp_dir") or None
    with tempfile.TemporaryDirectory(prefix="orgkit-graph-", dir=base) as tmp:
        parts, counts = graph_to_parquet(files, Path(tmp), log)
        log.dropped(counts["drafts"], "messages", "drafts (never sent)")
        log.dropped(counts["removed"], "entries", "@removed markers of a delta query (deleted messages)")
        if counts["bcc"]:
            log.note(f"{counts['bcc']:,} messages have Bcc recipients: not counted (Bcc is hidden from the others)")
        if not parts:
            raise refuse(files[0], _EXPECTED, "no messages")
        label = files[0].name if len(files) == 1 else f"{files[0].name} ... {files[-1].name} ({len(files):,} files)"
        source = EventSource("parquet", tuple(parts), "sender", ("to", "cc"), "sent", None, "message_id", None,
                             label, what="Microsoft Graph messages, via temporary Parquet")
        ties = aggregate_events([source], options, log, directory=directory, default_channel="email")
    return Imported(people=people, communication=ties, log=log)
