"""Write an import as a client folder: privacy first, deterministic, validated, and never over the user's files.

:func:`import_client` reads the export (:func:`read_export`), then

1. **privacy** — people's names are left out unless ``keep_names``; e-mail addresses and phone numbers are
   never written; with ``pseudonymise`` every person id becomes a keyed pseudonym (HMAC-SHA256), the key
   kept in a file *outside* the client folder and reused, so re-imports and later waves match;
2. **determinism** — rows sorted, times written ``yyyy-mm-dd HH:MM:SS`` in the client's time zone, no
   clock time anywhere: the same files give the same folder, byte for byte;
3. **a staging folder** beside the output receives every file, together with copies of the files already
   there that the import keeps (a survey the consultant added), and is validated with
   :func:`orgkit.load_client`. Only a folder that validates is published: nothing is half-written;
4. **publishing** replaces only plain files the import wrote before, and only while they are unchanged
   since (their sha256 is in the folder's :data:`~orgkit.files.atomic.IMPORT_MARKER`) and writable; a file
   the user wrote or edited, a link, a damaged marker stop the import. Tables the export does not have (a
   Slack import writes no people) are kept. The files replaced are set aside and put back if the moves
   stop half-way; a staging folder left by a killed import stops the next one until the user has seen it.

``import.log`` says, per format imported into the folder, what was read, how it was mapped, what was
dropped and why, followed by what validation found.
"""

from __future__ import annotations

import dataclasses
import glob as _glob
import hashlib
import hmac
import json
import math
import os
import re
import secrets
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from orgkit._version import __version__
from orgkit.data.contract import LIST_SEPARATORS, TABLES
from orgkit.data.reading import SETTINGS_FILES, find_files, load_settings_file
from orgkit.errors import ConfigError, OutputError, ValidationError
from orgkit.files.atomic import IMPORT_MARKER, output_error, output_errors, write_text
from orgkit.importers.base import Format, ImportLog, ImportOptions, Imported, check_timezone, refuse
from orgkit.importers.directory import DIRECTORY_SETTINGS
from orgkit.importers.formats import get_format
from orgkit.privacy import scrub_names

__all__ = ["import_client", "read_export", "ImportResult", "pseudonymise_ids", "scrub_person_names", "TABLE_FILES", "PERSON_ID_COLUMNS"]

#: The file each imported table is written to.
TABLE_FILES = {"people": "people.csv", "decisions": "decisions.csv", "communication": "communication.csv"}
#: The log's name for what a table's rows are made from (its ``dropped`` lines), and for one of its rows.
_DROPPED = {"decisions": "approvals", "communication": "messages"}
_ROW = {"decisions": "decision", "communication": "tie"}
#: Columns holding person ids, per table (``approvers`` is a ``;``-separated list of them).
PERSON_ID_COLUMNS = {"people": ("employee_id", "manager_id"), "decisions": ("initiator_id", "decider_id"),
                     "communication": ("source_id", "target_id")}
_PRIVATE = ("name", "email", "phone")
_SETTINGS = SETTINGS_FILES[0]
_LOG = "import.log"


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_client` wrote.

    Attributes
    ----------
    folder : Path
        The client folder.
    written : tuple of str
        The files written or replaced.
    kept : tuple of str
        Files already in the folder that were left as they were.
    log : str
        The text of ``import.log``.
    warnings : tuple of str
        What validating the folder reported (also at the end of the log).
    counts : dict
        Rows written per table.
    key_file : Path or None
        The pseudonymisation key used (outside the folder).
    notes : tuple of str
        What the user should know about their own files (a settings file kept as they edited it).
    """

    folder: Path
    written: tuple[str, ...]
    kept: tuple[str, ...]
    log: str
    warnings: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)
    key_file: Path | None = None
    notes: tuple[str, ...] = ()


def _zone_from(out: Path | None, options: ImportOptions, log: ImportLog) -> ImportOptions:
    """Options with the client's time zone settled: ``--timezone``, else ``client.yml``, else UTC (logged)."""
    if options.timezone:
        check_timezone(options.timezone)
        log.decided("time zone", f"{options.timezone} (given with --timezone)")
        return options
    if out is not None and out.is_dir():
        raw, _ = load_settings_file(out)
        zone = raw.get("timezone") if isinstance(raw, dict) else None
        if zone:
            check_timezone(str(zone), where=f"{out / _SETTINGS}: timezone")
            log.decided("time zone", f"{zone} (timezone: in client.yml)")
            return dataclasses.replace(options, timezone=str(zone))
    log.decided("time zone", "UTC: no --timezone and no timezone: in client.yml; times with a zone are written "
                "in UTC (give --timezone Asia/Shanghai, for example, to write them in the client's local time)")
    return options


def read_export(format: str, sources: Sequence[str | os.PathLike[str]], options: ImportOptions | None = None, *,
                out: str | os.PathLike[str] | None = None) -> Imported:
    """Read one platform's export and map it onto orgkit's tables, without writing anything.

    Parameters
    ----------
    format : str
        A registered format (``orgkit import --list``).
    sources : sequence of path
        The export's files or folders.
    options : ImportOptions, optional
    out : path, optional
        The client folder it is meant for (its ``client.yml`` may give the time zone).

    Returns
    -------
    Imported
        The tables (names still in them: the writer applies the privacy rules) and the log.

    Raises
    ------
    ConfigError
        An unknown format, a missing source, a bad option.
    ExportFormatError
        A file that is not the export named.
    """
    fmt = get_format(format)
    options = options or ImportOptions()
    if not sources:
        raise ConfigError(f"orgkit import {fmt.name}: give the export's files ({fmt.sources}).")
    _check_settings(fmt, options.extra)
    paths = expand_sources(sources)
    if options.directory:
        options = dataclasses.replace(options, directory=tuple(expand_sources(options.directory)))
    log = ImportLog()
    log.section(f"{fmt.name}: {fmt.title}")
    options = _zone_from(Path(out) if out is not None else None, options, log)
    if options.max_recipients < 1:
        raise ConfigError(f"--max-recipients must be at least 1. Got {options.max_recipients}.")
    for name, when in (("--since", options.since), ("--until", options.until)):
        if when is not None and when.tzinfo is not None:
            raise ConfigError(f"{name}: give a date or time without a zone (it is read in the client's time zone).")
    if options.since is not None and options.until is not None and options.since >= options.until:
        raise ConfigError(f"--since {options.since} is not before --until {options.until}: no event would be read. "
                          "Nothing was written.")
    weight = options.channel_weight
    if weight is not None and not (math.isfinite(weight) and weight > 0):
        raise ConfigError(f"--channel-weight must be a number above 0 (leave it out not to count shared channels). "
                          f"Got {options.channel_weight}.")
    imported = fmt.reader(paths, options, log)
    imported.log = log
    if imported.people is None and options.directory:
        from orgkit.importers.directory import read_directory

        log.section("people (from --directory)")
        imported.people = read_directory(options.directory, options, log).people
    if options.timezone:
        imported.settings.setdefault("timezone", options.timezone)
    if "language" not in imported.settings and imported.people is not None and len(imported.people):
        names = pd.Series(pd.unique(imported.people["department"].astype("str")))
        share = float(names.str.contains(r"[\u4e00-\u9fff]", regex=True).mean())
        if share >= 0.5:
            imported.settings["language"] = "zh"
            log.decided("report language", f"zh: {share:.0%} of the department names are Chinese (change "
                        "language: in client.yml)")
    return imported


def _check_settings(fmt: Format, extra: dict[str, Any]) -> None:
    """Refuse a ``--set`` key the format does not read (a misspelt setting is never silently ignored)."""
    directory = tuple(f"directory_{k}" for k in DIRECTORY_SETTINGS)  # for the files given with --directory
    unknown = sorted(set(extra) - set(fmt.settings) - set(directory))
    if unknown:
        own = (f"{fmt.name} reads {', '.join(fmt.settings)}" if fmt.settings
               else f"{fmt.name} has no settings of its own")
        raise ConfigError(f"--set {', '.join(unknown)}: not a setting of this format ({own}; an HR file given with "
                          f"--directory: {', '.join(directory)}). See docs/importing.md. Nothing was written.")


def expand_sources(sources: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The export's files and folders, quoted glob patterns expanded, each once, sorted.

    Sorted, so that the same files give the same folder and the same log whatever their order on the
    command line.

    Raises
    ------
    ConfigError
        A source that does not exist, an empty folder, or a pattern that matches nothing.
    """
    paths: set[Path] = set()
    missing = []
    for s in sources:
        p = Path(s).expanduser()
        if p.is_dir() and not any(q.is_file() and not any(part.startswith(".") for part in q.relative_to(p).parts)
                                  for q in p.rglob("*")):
            raise ConfigError(f"{p}: the folder holds no files (hidden ones aside). Give the export's files or the "
                              "folder they are in. Nothing was written.")
        if p.exists():
            paths.add(p)
            continue
        # a quoted glob pattern (logs/2024-*.csv, for more files than a command line takes)
        hits = _glob.glob(str(p), recursive=True) if any(ch in str(p) for ch in "*?[") else []
        if not hits:
            missing.append(str(p))
        paths.update(Path(h) for h in hits)
    if missing:
        raise ConfigError(f"{', '.join(missing)}: no such file or folder. Nothing was written.")
    return sorted(paths, key=str)


# --------------------------------------------------------------------------------------------------
# privacy
# --------------------------------------------------------------------------------------------------
#: Bytes of a pseudonymisation key (HMAC-SHA256's own block of security; a shorter key could be guessed).
_KEY_BYTES = 32


def _key(path: Path) -> tuple[bytes, str | None]:
    """The key kept in ``path``, or a new one with the text of its key file (saved with the folder)."""
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            key = bytes.fromhex(data["orgkit_pseudonym_key"])
            if len(key) < _KEY_BYTES:
                raise ValueError("short key")
            return key, None
        except (OSError, ValueError, KeyError, TypeError):
            raise ConfigError(f"{path}: not an orgkit pseudonymisation key file. Give another --key-file; "
                              "nothing was written.") from None
    key = secrets.token_bytes(_KEY_BYTES)
    text = json.dumps({"orgkit_pseudonym_key": key.hex(), "algorithm": "HMAC-SHA256, first 16 hex digits",
                       "note": "Keep this file away from the client folder: with it, pseudonyms can be "
                               "matched to the ids of the export."}, indent=2) + "\n"
    return key, text


def pseudonymise_ids(values: pd.Series, key: bytes) -> pd.Series:
    """Keyed pseudonyms ``P`` + 16 hex digits of HMAC-SHA256(key, id); ``""`` stays ``""``.

    One hash per distinct id; the same key and id always give the same pseudonym.
    """
    distinct = pd.unique(values[values != ""])
    table = {v: "P" + hmac.new(key, str(v).encode("utf-8"), hashlib.sha256).hexdigest()[:16] for v in distinct}
    table[""] = ""
    return values.map(table).astype("str")


#: Ids that are phone numbers: international (+...), grouped (555-123-4567, (555) 123 4567, 138 0000 0001),
#: a Chinese landline with its area code (010-12345678) or a mainland mobile number (13800000001). A plain
#: run of digits otherwise is an id (staff numbers such as 2024000001, DingTalk's numeric user ids).
_PHONE = re.compile(r"\+[0-9][0-9 .\-()]{6,}[0-9]|\(?[0-9]{2,4}\)?[ .\-]?[0-9]{3,4}[ .\-][0-9]{4}"
                    r"|0[0-9]{2,3}-[0-9]{7,8}|1[3-9][0-9]{9}")


def _private_values(values: pd.Series) -> pd.Series:
    """Which of ``values`` hold an e-mail address or are a phone number (:data:`_PHONE`).

    Each distinct value is tested once (a tie table repeats a few channel names millions of times).
    """
    s = values.fillna("").astype("str")
    distinct = pd.Series(pd.unique(s), dtype="str")
    bare = distinct.str.strip()
    bad = distinct[(bare != "") & (bare.str.contains("@", regex=False) | bare.str.fullmatch(_PHONE))]
    return s.isin(bad)


def _looks_private(values: pd.Series) -> int:
    """How many of ``values`` are e-mail addresses or phone numbers."""
    return int(_private_values(values).sum())


def _scrub_columns(name: str, frame: pd.DataFrame, log: ImportLog) -> pd.DataFrame:
    """``frame`` without the e-mail addresses and phone numbers outside its id columns.

    People's ids are held to the rules by :func:`_privacy`; a decision's id is no person's. A column whose
    every value is one (an attribute such as ``ManagerEmail``) is left out; elsewhere the values are left
    empty. The log says which, with counts.
    """
    said = []
    ids = {c for c in TABLES[name].columns if c.endswith("_id")} | {"approvers"}  # checked as ids, or no person's
    for col in [c for c in frame.columns if c not in ids]:
        if not (pd.api.types.is_string_dtype(frame[col]) or frame[col].dtype == object):
            continue
        private = _private_values(frame[col])
        if not private.any():
            continue
        filled = frame[col].fillna("").astype("str").str.strip() != ""
        if col not in TABLES[name].columns and (private | ~filled).all():
            frame = frame.drop(columns=col)
            said.append(f"{col} (left out)")
        else:
            frame[col] = frame[col].mask(private, "")
            n = int(private.sum())
            said.append(f"{col} ({n:,} value{'s' if n != 1 else ''} left empty)")
    if said:
        log.note(f"{name}: e-mail addresses and phone numbers not written: {', '.join(said)}")
    return frame


def _approver_ids(approvers: pd.Series) -> pd.Series:
    """The ids of an ``approvers`` column, one per row (index repeated), split on any list separator."""
    pattern = "[" + re.escape(LIST_SEPARATORS) + "]"
    return approvers.fillna("").astype("str").str.split(pattern, regex=True).explode().fillna("").str.strip()


def _privacy(tables: dict[str, pd.DataFrame], options: ImportOptions, key: bytes | None,
             log: ImportLog) -> dict[str, pd.DataFrame]:
    people = tables.get("people")
    names = np.array([], dtype=object)
    if people is not None and "name" in people.columns:  # names of two characters or more, not numbers
        names = people["name"].fillna("").astype("str").str.strip()
        names = names[(names.str.len() >= 2) & ~names.str.isdigit()].to_numpy(dtype=object)
    out = {}
    for name, frame in tables.items():
        frame = frame.copy()
        drop = [c for c in _PRIVATE if c in frame.columns and not (c == "name" and options.keep_names)]
        if drop:
            frame = frame.drop(columns=drop)
            log.note(f"{name}: not written: {', '.join(drop)} (privacy; --keep-names writes names)")
        out[name] = _scrub_columns(name, frame, log)
    if key is not None:
        for name, frame in out.items():
            for col in PERSON_ID_COLUMNS[name]:
                if col in frame.columns:
                    frame[col] = pseudonymise_ids(frame[col].astype("str"), key)
            if name == "decisions" and "approvers" in frame.columns:
                parts = pseudonymise_ids(_approver_ids(frame["approvers"]), key)
                frame["approvers"] = parts.groupby(level=0).agg(";".join).reindex(frame.index).fillna("")
        log.note("person ids pseudonymised with the key in the key file (kept outside the client folder)")
    elif not options.keep_names:
        for name, frame in out.items():
            columns = {c: frame[c].astype("str") for c in PERSON_ID_COLUMNS[name] if c in frame.columns}
            if name == "decisions" and "approvers" in frame.columns:
                columns["approvers"] = _approver_ids(frame["approvers"])
            for col, ids in columns.items():
                if ids.astype(object).isin(names).any():  # object arrays: 20x faster than "str" ones
                    raise ConfigError(
                        f"{name}: the ids in {col} are people's names, which orgkit does not write into a client "
                        "folder unless asked. Give --pseudonymise to replace them by pseudonyms, choose another id "
                        "column with --set id_column=HEADER, or give --keep-names to write them as they are. "
                        "Nothing was written.")
                if _looks_private(ids):
                    chosen = [line.removeprefix("decided ") for line in log.lines
                              if line.startswith("decided id column")]
                    mapping = ("the --directory file did not turn them into employee ids (an HR file with both "
                               "can, for the formats that read message logs). Give" if options.directory else
                               "Give --directory HR_FILE to map them to employee ids, or")
                    raise ConfigError(
                        f"{name}: the ids in {col} are e-mail addresses or phone numbers, which orgkit does "
                        f"not write into a client folder unless asked; {mapping} --pseudonymise to replace them "
                        "by pseudonyms (or --keep-names to write them as they are). Nothing was written."
                        + (f" (Why the e-mail is the id: {'; '.join(chosen)}.)" if chosen else ""))
    return out


# --------------------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------------------
def _csv(frame: pd.DataFrame, table: str) -> str:
    frame = frame.copy()
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            fmt = "%Y-%m-%d" if col == "hire_date" else "%Y-%m-%d %H:%M:%S"
            frame[col] = frame[col].dt.strftime(fmt).fillna("")
        elif pd.api.types.is_float_dtype(frame[col]):
            frame[col] = frame[col].map(lambda v: "" if pd.isna(v) else f"{v:.6g}")
        else:
            frame[col] = frame[col].fillna("").astype("str")
    keys = {"people": ["employee_id"], "decisions": ["decision_id"],
            "communication": [c for c in ("source_id", "target_id", "channel") if c in frame.columns]}[table]
    frame = frame.sort_values(keys, kind="stable", key=_natural).reset_index(drop=True)
    if "other_departments" in frame.columns and (frame["other_departments"] == "").all():
        frame = frame.drop(columns="other_departments")
    return frame.to_csv(index=False, lineterminator="\n")


def _natural(values: pd.Series) -> pd.Series:
    """Sort key: numeric ids in numeric order (2 before 10), other ids as text."""
    if pd.api.types.is_string_dtype(values.dtype) or values.dtype == object:
        text = values.astype("str")
        return text.str.len().astype("str").str.zfill(6) + ":" + text if text.str.isdigit().all() else text
    return values


_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")
_WORD = re.compile(r"[^\W_]+(?:[-'.][^\W_]+)*")


def scrub_person_names(text: str, names: pd.Series | None) -> str:
    """``text`` with every person's name from ``names`` replaced by ``[name]`` (a safety net for logs).

    The log is small and the directory may be large, so the log's candidate spans are looked up in the
    set of names, not the other way round: runs of one to three words, and every 2-4 character span of a
    run of Chinese characters (a Chinese name sits inside a sentence without spaces).
    """
    if names is None or not text:
        return text
    known = set(names.astype("str").str.strip())
    known = {n for n in known if len(n) >= 2}
    if not known:
        return text
    found: set[str] = set()
    for line in text.splitlines():
        words = _WORD.findall(line)
        for k in (1, 2, 3):
            for i in range(len(words) - k + 1):
                span = " ".join(words[i:i + k])
                if span in known:
                    found.add(span)
        for run in _CJK_RUN.findall(line):
            for k in (2, 3, 4):
                for i in range(len(run) - k + 1):
                    if run[i:i + k] in known:
                        found.add(run[i:i + k])
    for name in sorted(found, key=len, reverse=True):
        if _CJK_RUN.fullmatch(name):
            text = text.replace(name, "[name]")
        else:  # whole words only: "Bo" is not in "Bob"
            text = re.sub(rf"(?<![^\W_]){re.escape(name)}(?![^\W_])", "[name]", text)
    return text


def _check_same_ids(imports: dict[str, Any], fmt: str, fingerprint: str | None) -> None:
    """Refuse an import whose ids would not match those earlier imports wrote into the folder.

    People written with pseudonyms and ties written with raw ids (or with another key) share no id: the
    folder would validate with every tie dropped. A re-import of the same format is held to its own earlier
    ids too: raw ids where pseudonyms were would undo the folder's privacy, and files the user keeps there (a
    survey keyed by pseudonym) would no longer match. ``fingerprint`` is the first 16 hex digits of the key's
    SHA-256 (``None``: ids as exported).
    """
    for other, record in sorted(imports.items()):
        theirs = record.get("pseudonym_key")
        if theirs == fingerprint:
            continue
        if theirs and not fingerprint:
            hint = "give --pseudonymise with the same --key-file as that import"
        elif fingerprint and not theirs:
            hint = ("import without --pseudonymise, or into a new folder (the files there, and any of yours, use "
                    "the ids as exported)" if other == fmt else
                    f"import without --pseudonymise, or import {other} again with it first")
        else:
            hint = "give the --key-file that import used"
        raise ConfigError(f"the folder's {other} import wrote " + ("pseudonymised ids" if theirs else
                          "ids as exported") + f", so this import's ids would not match them: {hint}. "
                          "Nothing was written.")


def _with_other_channels(ties: pd.DataFrame, out: Path, fmt: str, imports: dict[str, Any], owned: dict[str, str],
                         existing: set[str], log: ImportLog) -> pd.DataFrame:
    """This import's ties plus those other formats wrote into the folder before (Slack and e-mail together).

    Rows are kept by channel: the channels each earlier import recorded, except this format's own (a
    re-import replaces them). Only a ``communication.csv`` the imports wrote and nobody changed is read.
    """
    name = TABLE_FILES["communication"]
    others = {k: set(v.get("channels", ())) for k, v in imports.items() if k != fmt and v.get("channels")}
    if not others or name not in existing or name not in owned:
        return ties
    path = out / name
    if _sha(path.read_bytes()) != owned[name]:
        return ties  # edited: the check below stops the import with a message
    keep = set().union(*others.values()) - set(ties["channel"].astype("str"))
    old = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    old = old[old["channel"].isin(keep)]
    if old.empty:
        return ties
    old["weight"] = pd.to_numeric(old["weight"], errors="coerce").fillna(1.0) if "weight" in old else 1.0
    log.note(f"{name}: {len(old):,} ties of the {', '.join(sorted(others))} import kept beside these "
             f"(channels {', '.join(sorted(keep))})")
    return pd.concat([old[[c for c in ties.columns if c in old.columns]], ties], ignore_index=True)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _marker(out: Path) -> dict[str, Any] | None:
    """The folder's :data:`~orgkit.files.atomic.IMPORT_MARKER` record; ``None`` when there is none.

    Raises
    ------
    OutputError
        The marker is there but is not the record an import writes (damaged, edited, or a file of the
        user's of that name): which files the import may replace cannot be told, so nothing is.
    """
    path = out / IMPORT_MARKER
    if not path.exists() and not path.is_symlink():
        return None
    damaged = OutputError(
        f"{path} is damaged (it is not the record orgkit import keeps of the files it wrote), so orgkit cannot "
        f"tell which files in {out} it may replace. Import into a new folder (and move your own files there), or "
        "put the marker back from a backup. Nothing was written.")
    if path.is_symlink() or not path.is_file():
        raise damaged
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise damaged from None
    if not (isinstance(data, dict) and data.get("kind") == "import" and isinstance(data.get("files"), dict)
            and isinstance(data.get("imports"), dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in data["files"].items())
            and all(isinstance(r, dict) and isinstance(r.get("log"), str)
                    and isinstance(r.get("settings", {}), dict) and isinstance(r.get("tables", []), list)
                    and isinstance(r.get("channels", []), list)
                    and isinstance(r.get("pseudonym_key"), (str, type(None))) for r in data["imports"].values())):
        raise damaged
    return data


def _plain(path: Path) -> bool:
    """A regular file, not a link (a user's link or folder where the import writes is never replaced)."""
    return path.is_file() and not path.is_symlink()


def _settings_kept(out: Path, name: str, why: str, settings: dict[str, Any]) -> str:
    """The log line for a settings file the import leaves alone: what the import would have set in it."""
    raw, _ = load_settings_file(out)
    raw = raw if isinstance(raw, dict) else {}
    missing = [f"{k}: {v}" for k, v in sorted(settings.items()) if raw.get(k) != v]
    text = f"{name}: kept as it is ({why})"
    if missing:
        text += f"; the import's settings not written into it: {', '.join(missing)} (add them if they are right)"
    return text


@contextmanager
def _staging_errors(stage: Path, out: Path) -> Iterator[None]:
    """:func:`~orgkit.files.atomic.output_errors` naming the client folder's file, not the staging copy."""
    try:
        yield
    except OSError as exc:
        name = os.fspath(exc.filename) if exc.filename else ""
        if name == str(stage) or name.startswith(str(stage) + os.sep):
            exc.filename = str(out) + name[len(str(stage)):]
        raise output_error(exc, out) from exc


def _read_by_validation(name: str) -> bool:
    """Whether :func:`orgkit.load_client` reads (or reports on) the file ``name`` of a client folder."""
    stem, dot, _ = name.lower().rpartition(".")
    return name.lower() in SETTINGS_FILES or (bool(dot) and stem.strip() in TABLES)


def _link_or_copy(src: Path, dst: Path) -> None:
    """``dst`` as a hard link to ``src`` (instant, no space), else a copy (a file system without links)."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _stage_prefix(out: Path) -> str:
    """The name every staging folder of ``out`` starts with (beside ``out``, in the same file system)."""
    return f".{out.name}.import-"


def _check_no_stage_left(out: Path) -> None:
    """Refuse while a staging folder of ``out`` is there: an import running, or one killed while publishing.

    A killed process could not put back the files it had set aside; they are still in its staging folder
    and the user must see them before anything else is written.
    """
    if not out.parent.is_dir():
        return
    prefix = _stage_prefix(out)  # compared as text: a folder named acme[2024] is no glob pattern
    for stage in sorted(p for p in out.parent.iterdir() if p.name.startswith(prefix)):
        aside = sorted(str(p.relative_to(stage)) for p in stage.glob(".replaced-*/*"))
        if aside:
            raise OutputError(f"{stage} is left from an import into {out} that was stopped while moving its files "
                              f"in; it holds the folder's earlier {', '.join(p.split(os.sep)[-1] for p in aside)}. "
                              "Put back those you want into the folder, remove that staging folder and import "
                              "again. Nothing was written.")
        raise OutputError(f"another import into {out} is running, or one was stopped and left its staging folder "
                          f"{stage}. If none is running, remove that folder and import again. Nothing was written.")


def _publish(stage: Path, out: Path, names: list[str], expected: dict[str, str]) -> None:
    """Move ``names`` from ``stage`` into ``out``, all or none: the files replaced are set aside first, and
    whatever stops the moves (a full disk, Ctrl-C) puts them back. The marker comes last in ``names``. Should
    putting them back fail too, they stay set aside in ``stage``, which is then kept (the next import says so).

    ``expected`` is the sha256 each file to be replaced had when the folder was checked (the marker: any);
    a file saved or added since, while the import ran, is put back and the import stops.
    """
    aside = Path(tempfile.mkdtemp(prefix=".replaced-", dir=stage))
    moved: list[str] = []   # set aside from out
    placed: list[str] = []  # moved in from stage
    try:
        for name in names:
            if (out / name).exists() or (out / name).is_symlink():
                os.replace(out / name, aside / name)
                moved.append(name)
                if name != IMPORT_MARKER and (name not in expected or not _plain(aside / name)
                                              or _sha((aside / name).read_bytes()) != expected[name]):
                    raise OutputError(f"{out / name} changed while the import ran; it is kept as it is now. Import "
                                      "again to check it. Nothing was written.")
            os.replace(stage / name, out / name)
            placed.append(name)
    except BaseException as exc:
        try:
            for name in reversed(placed):
                os.replace(out / name, stage / name)
            for name in moved:
                os.replace(aside / name, out / name)
        except OSError as again:
            raise OutputError(f"cannot write {out} ({exc or type(exc).__name__}), nor put back the files the "
                              f"import had replaced ({again.strerror or again}): they are in {aside}. Put them "
                              "back into the folder by hand.") from again
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _default_key_file(out: Path) -> Path:
    return out.parent / f"{out.name}.orgkit-key.json"


def _inside(path: Path, folder: Path) -> bool:
    p, f = Path(os.path.realpath(path)), Path(os.path.realpath(folder))
    return p == f or f in p.parents


def import_client(format: str, sources: Sequence[str | os.PathLike[str]], out: str | os.PathLike[str],
                  options: ImportOptions | None = None) -> ImportResult:
    """Import a platform export into client folder ``out``, write ``import.log`` and validate the folder.

    Parameters
    ----------
    format : str
        A registered format (``orgkit import --list``).
    sources : sequence of path
        The export's files or folders.
    out : path
        The client folder: new, empty, or one an earlier import wrote (other files in it are kept).
    options : ImportOptions, optional

    Returns
    -------
    ImportResult

    Raises
    ------
    ExportFormatError
        A file is not the export named; nothing was written.
    ValidationError
        The folder the import would give does not validate (the problems are listed); nothing was written.
    OutputError
        ``out`` holds a file the import would replace that orgkit did not write (or that was edited since).
    """
    options = options or ImportOptions()
    out = Path(os.path.abspath(Path(out).expanduser()))  # "-o ." is the folder of that name, beside its siblings
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputError(f"{out} exists and is not a folder; choose another -o. Nothing was written.")
    paths = expand_sources(sources)
    for src in paths + expand_sources(options.directory):
        if _inside(out, src) and src.is_dir():
            raise OutputError(f"{out} is inside the export folder {src}; write the client folder elsewhere. "
                              "Nothing was written.")
        if _inside(src, out):
            raise OutputError(f"{src} is inside the client folder {out}: the export (with people's names, e-mail "
                              "addresses, phone numbers) must not travel with the folder you share. Move it out "
                              "of the client folder and import again. Nothing was written.")
    _check_no_stage_left(out)
    marker = _marker(out) if out.is_dir() else None
    temp_dir = options.extra.get("temp_dir")
    if temp_dir and _inside(Path(str(temp_dir)).expanduser(), out):
        raise ConfigError(f"--set temp_dir={temp_dir} is inside the client folder {out}; give a folder elsewhere "
                          "(temporary copies of the export must not land in the client folder). Nothing was written.")
    key_file = None
    if options.pseudonymise:
        key_file = Path(options.key_file).expanduser() if options.key_file else _default_key_file(out)
        if _inside(key_file, out):
            raise ConfigError(f"--key-file {key_file} is inside the client folder {out}; keep the key elsewhere "
                              "(the folder is what you share). Nothing was written.")
    # what the folder already holds and the key: checked before the export is read (a large log takes a while)
    fmt = get_format(format)
    owned: dict[str, str] = dict((marker or {}).get("files", {}))
    imports: dict[str, Any] = dict((marker or {}).get("imports", {}))
    key, new_key = _key(key_file) if key_file is not None else (None, None)
    fingerprint = hashlib.sha256(key).hexdigest()[:16] if key is not None else None
    _check_same_ids(imports, fmt.name, fingerprint)
    imported = read_export(format, paths, options, out=out)
    log = imported.log
    tables = {name: frame for name, frame in (("people", imported.people), ("decisions", imported.decisions),
                                              ("communication", imported.communication)) if frame is not None}
    # a table with no row is not written (an earlier import's file stays); a folder with nothing is refused
    empty = {t: log.left_out(_DROPPED[t]) for t, f in tables.items() if t in _DROPPED and f.empty}
    for t in empty:
        tables.pop(t)
    if not tables:
        if empty:
            t = next(iter(empty))
            # this table's drops first, then every other (the one to change may be any of them)
            why = "; ".join([w for w in [empty[t]] if w] + [f"{n:,} {what}: {reason}" for n, what, reason in log.drops
                                                             if what != _DROPPED[t]])
            raise refuse(", ".join(Path(s).name for s in sources), f"a {fmt.name} export with {t} to import",
                         f"no {_ROW[t]} left to write" + (f": {why}" if why else ""),
                         "Check the period (--since/--until), --directory and --max-recipients, and that the "
                         "export holds the period and people you meant to give.")
        raise ConfigError(f"the {fmt.name} export gave no people, decisions or messages; nothing was written.")
    if "people" not in tables and "people" not in (find_files(out)[0] if out.is_dir() else {}):
        raise ConfigError(f"the {fmt.name} import gives {' and '.join(tables)} but no people, and {out} has no "
                          "people table. Give --directory HR_FILE (any HR export with the people's ids, and their "
                          "e-mail addresses or accounts where the export names people by those), or import the "
                          f"people first (orgkit import hris HR_FILE -o {out}), then this. Nothing was written.")
    log.section("writing")
    nothing = [f"{TABLE_FILES[t]} not written: the export gave no {_ROW[t]}" + (f" ({why})" if why else "")
               for t, why in empty.items()]
    for line in nothing:
        log.note(line)
    person_names = imported.people["name"] if imported.people is not None and "name" in imported.people else None
    existing = {p.name for p in out.iterdir()} if out.is_dir() else set()
    tables = _privacy(tables, options, key, log)
    if "communication" in tables:
        tables["communication"] = _with_other_channels(tables["communication"], out, fmt.name, imports, owned,
                                                       existing, log)
    files: dict[str, bytes] = {TABLE_FILES[t]: ("\ufeff" + _csv(f, t)).encode("utf-8") for t, f in tables.items()}
    for t, f in tables.items():
        earlier = sorted(k for k, v in imports.items() if k != fmt.name and t in v.get("tables", ())
                         and t != "communication")
        note = f" (replacing the one the {', '.join(earlier)} import wrote)" if earlier else ""
        log.note(f"{TABLE_FILES[t]}: {len(f):,} rows{note}")
    notes: list[str] = []
    present = {n.lower(): n for n in existing}  # a case-insensitive disk (macOS, Windows): People.CSV is people.csv
    # client.yml: written only when the folder's settings files (client.yml, client.yaml) are none but the
    # client.yml the import wrote, unchanged; any other is the user's and is kept
    theirs = [present[n] for n in SETTINGS_FILES if n in present and not (
        present[n] == _SETTINGS and n in owned and _plain(out / n) and _sha((out / n).read_bytes()) == owned[n])]
    if not theirs:
        merged: dict[str, Any] = {}
        for k, v in sorted(imports.items()):  # every import's settings, this one's last
            if k != fmt.name:
                merged.update(v.get("settings", {}))
        merged.update(imported.settings)
        settings = {"name": out.name, **{k: v for k, v in sorted(merged.items())}}
        files[_SETTINGS] = ("# Written by orgkit import; edit it freely (an edited file is kept).\n"
                            + yaml.safe_dump(settings, allow_unicode=True, sort_keys=False)).encode("utf-8")
    else:
        why = "changed since orgkit import wrote it" if theirs[0] in owned else "not written by orgkit import"
        notes.append(_settings_kept(out, theirs[0], why, imported.settings))
        log.note(notes[-1])
    # which files may be replaced: only plain files the import wrote, unchanged since, and not read-only
    expected: dict[str, str] = {}  # name -> sha256 it must still have when it is replaced
    for name in sorted(set(files) | {_LOG, IMPORT_MARKER}):
        actual = present.get(name.lower())
        if actual is None:
            continue
        path = out / actual
        if name == IMPORT_MARKER:
            pass  # read by _marker above: orgkit's own
        elif not _plain(path):
            raise OutputError(f"{path} is not a plain file (a folder or a link): orgkit import writes plain files "
                              "and replaces only those it wrote. Move it or import into another folder. Nothing "
                              "was written.")
        elif actual != name or actual not in owned:
            raise OutputError(f"{path} was not written by orgkit import; move it or import into another folder. "
                              "Nothing was written." + (f" ({out} has no {IMPORT_MARKER} marker: orgkit import "
                                                        "did not write this folder.)" if marker is None else ""))
        elif _sha(path.read_bytes()) != owned[name]:
            raise OutputError(f"{path} was changed after orgkit import wrote it; move it (or your changes) "
                              "and import again. Nothing was written.")
        if not path.stat().st_mode & 0o200:
            raise OutputError(f"{path} is read-only: orgkit import does not replace a file protected against "
                              "writing. Make it writable (chmod u+w) for the import to replace it, or import into "
                              "another folder. Nothing was written.")
        if name != IMPORT_MARKER:
            expected[name] = owned[name]
    # the log: one section per format imported here, then validation
    imports[fmt.name] = {"sources": sorted(p.name for p in paths), "tables": sorted(tables),
                         "log": log.text(), "settings": {k: v for k, v in sorted(imported.settings.items())},
                         "pseudonym_key": fingerprint}
    if "communication" in tables and "channel" in imported.communication.columns:
        imports[fmt.name]["channels"] = sorted(set(imported.communication["channel"].astype("str")))
    stage = out.parent / f"{_stage_prefix(out)}{uuid.uuid4().hex[:10]}"
    with _staging_errors(stage, out):
        stage.mkdir(parents=True)
    try:
        kept = []
        with _staging_errors(stage, out):  # a full disk or a read-only folder: an OutputError naming the path
            for name, data in files.items():
                (stage / name).write_bytes(data)
            for name in sorted(existing - set(files) - {_LOG, IMPORT_MARKER}):
                src = out / name
                if not _plain(src):
                    continue
                kept.append(name)
                if _read_by_validation(name):
                    _link_or_copy(src, stage / name)
        from orgkit.data.loading import load_client

        try:
            client = load_client(stage)
        except ValidationError as exc:
            raise ValidationError(out, list(exc.problems), "nothing was written") from None
        warnings = tuple(nothing) + tuple(w.message for w in client.warnings)
        # safety net: no department below the minimum group size is named in the log, whatever wrote it
        sizes = client.people["department"].value_counts()
        small = [str(d) for d in sizes.index[sizes < client.settings.min_group_size]
                 if not str(d).strip().isdigit()]
        for k in imports:
            imports[k]["log"] = scrub_names(imports[k]["log"], small)
        if not options.keep_names:  # the log and the names of the files read (saved under the exporter's name)
            imports[fmt.name]["log"] = scrub_person_names(imports[fmt.name]["log"], person_names)
            imports[fmt.name]["sources"] = [scrub_person_names(s, person_names) for s in imports[fmt.name]["sources"]]
        body = "\n".join(imports[k]["log"].rstrip("\n") for k in sorted(imports))
        tail = ["", "## validation", f"the folder validates: {client.n_people:,} people"]
        tail += [f"warning: {w}" for w in warnings]
        log_text = (f"# orgkit {__version__} import into {out.name}\n\n" + body + "\n" + "\n".join(tail) + "\n")
        files[_LOG] = log_text.encode("utf-8")
        owned.update({name: _sha(data) for name, data in files.items()})
        record = {"orgkit": __version__, "kind": "import", "files": dict(sorted(owned.items())), "imports": imports}
        marker_bytes = (json.dumps(record, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        with _staging_errors(stage, out):
            (stage / _LOG).write_bytes(files[_LOG])
            (stage / IMPORT_MARKER).write_bytes(marker_bytes)
        if new_key is not None:  # saved only with the folder it belongs to
            write_text(key_file, new_key, mode=0o600)
        with output_errors(out):
            if not out.exists():
                os.replace(stage, out)  # one rename: the whole folder or nothing
            else:
                _publish(stage, out, sorted(files) + [IMPORT_MARKER], expected)
    finally:
        if stage.exists() and not any(stage.glob(".replaced-*/*")):  # set-aside files are never deleted
            shutil.rmtree(stage, ignore_errors=True)
    counts = {t: len(f) for t, f in tables.items()}
    return ImportResult(out, tuple(sorted(files)), tuple(kept), log_text, warnings, counts, key_file, tuple(notes))
