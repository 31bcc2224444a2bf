"""What every importer shares: the options of an import, its log, its result and the format registry.

An importer turns the files a platform exports (a DingTalk workbook, Feishu API JSON, a Slack export...)
into orgkit's canonical tables — ``people``, ``decisions``, ``communication`` — and says in an
:class:`ImportLog` what it read, how it mapped it, what it dropped and why. :mod:`orgkit.importers.write`
then writes the client folder; nothing in this module touches the disk.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from orgkit.errors import ConfigError, ExportFormatError

__all__ = [
    "ImportOptions",
    "ImportLog",
    "Imported",
    "Format",
    "FORMATS",
    "register",
    "check_timezone",
    "refuse",
    "require_columns",
    "MAX_RECIPIENTS",
    "PEOPLE_COLUMNS",
    "DECISION_COLUMNS",
    "TIE_COLUMNS",
]

#: A message with more recipients than this creates no ties (an all-staff announcement says nothing about
#: who works with whom). Judgement: 25 is about the largest team a manager leads directly plus a few
#: peers; Viva Insights and most ONA tools use a similar cut-off for "large meetings/mails". ``--max-recipients``.
MAX_RECIPIENTS = 25

#: Columns of the people table an importer returns (``name``, ``email``, ``phone`` are dropped when the
#: folder is written unless the user keeps names; ``other_departments`` lists secondary departments).
PEOPLE_COLUMNS = ("employee_id", "department", "manager_id", "name", "title", "level", "location", "hire_date",
                  "other_departments")
#: Columns of the decisions table an importer returns (``raised_at``/``decided_at`` naive, client time).
DECISION_COLUMNS = ("decision_id", "decision_type", "initiator_id", "decider_id", "approvers", "raised_at",
                    "decided_at")
#: Columns of the communication table an importer returns (one row per directed tie and channel).
TIE_COLUMNS = ("source_id", "target_id", "weight", "channel")


def check_timezone(name: str | None, *, where: str = "--timezone") -> ZoneInfo:
    """The IANA time zone ``name`` (``Asia/Shanghai``); ``None`` or ``""`` is UTC.

    Raises
    ------
    ConfigError
        ``name`` is not a time zone this machine knows.
    """
    if name is None or str(name).strip() == "":
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(str(name).strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where}: {name!r} is not a time zone. Use an IANA name such as Asia/Shanghai, "
                          "Europe/London or America/New_York.") from None


@dataclass(frozen=True)
class ImportOptions:
    """How to import: the same options on the command line (``orgkit import --help``) and in Python.

    Parameters
    ----------
    timezone : str or None
        The client's IANA time zone; times given in UTC or with an offset are written in it. ``None``:
        ``timezone:`` of the output folder's ``client.yml`` when it has one, else UTC (the log says which).
    since, until : datetime or None
        Only events (messages, approvals raised) in ``[since, until)``, client time.
    max_recipients : int
        Messages with more recipients than this create no ties (:data:`MAX_RECIPIENTS`).
    keep_names : bool
        Write people's names into ``people.csv`` (default: left out; e-mail addresses and phone numbers are
        never written).
    pseudonymise : bool
        Replace every person id by a keyed pseudonym; the key is kept in ``key_file``.
    key_file : Path or None
        Where the pseudonymisation key is kept (default: ``<out>.orgkit-key.json`` next to the client folder;
        never inside it). An existing key is reused, so re-imports give the same pseudonyms.
    department_level : int or None
        For departments given as a path (``Company-Sales-East``), the level used: 1 is the first part below
        the company itself... ``None``: the format's default (the whole path below the company).
    derive_departments : int or None
        Derive departments from the reporting tree: each person's department is their ancestor at this depth
        below the top (1: the branches under the CEO). Used when an export has no department column, or
        always when given.
    directory : tuple of Path
        HR files (any HRIS export) that give people and map e-mail addresses, user ids or names of message
        and approval logs to employee ids.
    channel_weight : float or None
        Slack: also count shared channel membership as ties of this weight (``None``: not counted).
    scheduler : str or None
        Dask scheduler address: aggregate message events on that cluster.
    dayfirst : bool or None
        The order of ``a/b/yyyy`` dates when a column cannot settle it (``None``: decided from the values,
        or the import stops and asks).
    extra : dict
        Format-specific settings (``manager_field`` for form-based platforms, ``sheet``...).
    """

    timezone: str | None = None
    since: _dt.datetime | None = None
    until: _dt.datetime | None = None
    max_recipients: int = MAX_RECIPIENTS
    keep_names: bool = False
    pseudonymise: bool = False
    key_file: Path | None = None
    department_level: int | None = None
    derive_departments: int | None = None
    directory: tuple[Path, ...] = ()
    channel_weight: float | None = None
    scheduler: str | None = None
    dayfirst: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return check_timezone(self.timezone)


class ImportLog:
    """What an import read, decided, mapped and dropped, in order; written as ``import.log``.

    The log is deterministic (no clock times, no absolute paths): importing the same files twice gives the
    same log. It never holds a person's name, e-mail address or phone number, and no message text.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.counts: dict[str, int] = {}
        self.drops: list[tuple[int, str, str]] = []  # (n, what, reason) of every dropped line

    def section(self, title: str) -> None:
        """Start a section (``## people``)."""
        if self.lines:
            self.lines.append("")
        self.lines.append(f"## {title}")

    def read(self, file: str | Path, what: str, rows: int, sha256: str | None = None) -> None:
        """Record a file read: its name, what it held and how many rows/records."""
        name = Path(file).name
        self.lines.append(f"read {name}: {what}, {rows:,} record{'s' if rows != 1 else ''}"
                          + (f" (sha256 {sha256[:16]})" if sha256 else ""))

    def mapped(self, source: str, target: str) -> None:
        """Record a column or field mapping: ``source -> target``."""
        self.lines.append(f"mapped {source} -> {target}")

    def decided(self, what: str, evidence: str) -> None:
        """Record a decision taken from evidence (an encoding, a date order, which field is the id)."""
        self.lines.append(f"decided {what}: {evidence}")

    def dropped(self, n: int, what: str, reason: str) -> None:
        """Record ``n`` records left out, and why (nothing is dropped without a line here)."""
        if n:
            self.lines.append(f"dropped {n:,} {what}: {reason}")
            self.counts[f"dropped {what}"] = self.counts.get(f"dropped {what}", 0) + int(n)
            self.drops.append((int(n), what, reason))

    def left_out(self, what: str) -> str:
        """Every ``dropped`` line of ``what`` as one phrase (``"2 withdrawn ...; 1 raised outside ..."``).

        Examples
        --------
        >>> log = ImportLog()
        >>> log.dropped(2, "approvals", "withdrawn by the applicant")
        >>> log.left_out("approvals"), log.left_out("messages")
        ('2 withdrawn by the applicant', '')
        """
        return "; ".join(f"{n:,} {reason}" for n, w, reason in self.drops if w == what)

    def note(self, text: str) -> None:
        """Record anything else the user should know."""
        self.lines.append(text)

    def count(self, key: str, n: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + int(n)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


@dataclass
class Imported:
    """The tables an importer produced (canonical columns, strings; times as naive client-time datetimes).

    Attributes
    ----------
    people, decisions, communication : DataFrame or None
        ``None`` when the export has no such table (the folder keeps an earlier one, if any).
    settings : dict
        ``client.yml`` keys the export tells (``language: zh`` for a Chinese platform, ``timezone``).
    log : ImportLog
    """

    people: pd.DataFrame | None = None
    decisions: pd.DataFrame | None = None
    communication: pd.DataFrame | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    log: ImportLog = field(default_factory=ImportLog)


Reader = Callable[[Sequence[Path], ImportOptions, ImportLog], Imported]


@dataclass(frozen=True)
class Format:
    """One export format orgkit imports.

    Parameters
    ----------
    name : str
        What ``orgkit import NAME`` takes (``dingtalk``).
    title : str
        The platform and export, for messages (``DingTalk approval export or open API JSON``).
    sources : str
        Which files to give, in one line (shown by ``orgkit import --list``).
    produces : tuple of str
        The tables it can write (``people``, ``decisions``, ``communication``).
    reader : callable
        ``reader(paths, options, log) -> Imported``.
    settings : tuple of str
        The ``--set KEY=VALUE`` keys it reads (any other is refused, so a misspelt one is not ignored).
    """

    name: str
    title: str
    sources: str
    produces: tuple[str, ...]
    reader: Reader
    settings: tuple[str, ...] = ()


FORMATS: dict[str, Format] = {}


def register(name: str, title: str, sources: str, produces: Sequence[str],
             settings: Sequence[str] = ()) -> Callable[[Reader], Reader]:
    """Register ``reader`` as the importer of format ``name`` (a decorator); ``settings``: its ``--set`` keys."""

    def deco(reader: Reader) -> Reader:
        FORMATS[name] = Format(name, title, sources, tuple(produces), reader, tuple(settings))
        return reader

    return deco


def refuse(file: str | Path, expected: str, found: str, hint: str = "") -> ExportFormatError:
    """The error for a file that is not the export named: the file, what was expected, what was found."""
    return ExportFormatError(Path(file).name, expected, found, hint)


def require_columns(frame: pd.DataFrame, file: str | Path, title: str,
                    needed: Sequence[Sequence[str]]) -> dict[str, str]:
    """Find one header of each group in ``needed`` (alternative spellings) or refuse the file.

    Returns
    -------
    dict
        The first spelling of each group -> the header found in the file.
    """
    headers = [str(c) for c in frame.columns]
    folded = {h.strip().lower(): h for h in headers}
    found: dict[str, str] = {}
    missing: list[str] = []
    for group in needed:
        hit = next((folded[g.strip().lower()] for g in group if g.strip().lower() in folded), None)
        if hit is None:
            missing.append(" or ".join(group))
        else:
            found[group[0]] = hit
    if missing:
        shown = ", ".join(headers[:12]) + (f" and {len(headers) - 12} more" if len(headers) > 12 else "")
        raise refuse(file, f"a {title} with the column(s) {'; '.join(missing)}",
                     f"the columns {shown}" if headers else "no header row",
                     "Export it again from the platform without renaming columns, or choose the format that "
                     "matches the file (orgkit import --list).")
    return found
