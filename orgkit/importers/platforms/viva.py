"""Microsoft Viva Insights exports -> people and communication ties: the ``viva`` format.

Two kinds of file, told apart by their headers (CSV as Viva Insights downloads them, or the same as XLSX):

* **Organisational data** (the file uploaded to Viva Insights, or exported from it): ``PersonId``,
  ``ManagerId``, ``Organization``, ``LevelDesignation``, ``FunctionType``, ``HireDate``, ``Layer``,
  ``SupervisorIndicator``, ``Location``/``Region`` and any further attributes. ``PersonId`` ->
  ``employee_id``, ``ManagerId`` -> ``manager_id``, ``Organization`` -> ``department`` (without it, departments
  come from the reporting tree), ``LevelDesignation`` -> ``level``, ``Location`` (else ``Region``) ->
  ``location``, ``HireDate`` -> ``hire_date`` (``m/d/yyyy`` as Viva writes it; the order is decided from the
  column's own values). Every other attribute is kept as a column of ``people.csv`` (``FunctionType``,
  ``Layer``...), except pay (``HourlyRate``), which is never written. With an ``EffectiveDate`` and one row per
  person and date, each person's latest row (before ``until``) is used.
* **Person-to-person query** (``PrimaryCollaborator_PersonId``, ``SecondaryCollaborator_PersonId``, a weekly
  ``MetricDate`` or ``Date``, and metrics): one directed tie primary -> secondary per pair, its ``weight`` the
  chosen metric summed over the weeks in ``since``/``until``. The metric: ``extra["metric"]`` when given
  (``orgkit import viva --set metric=Meeting_hours``), else the first of :data:`DEFAULT_METRICS` the file
  has; without any, each row (a pair in a week) counts 1. ``channel`` is the metric's name in lower case.

Person ids in Viva exports are already pseudonymised hashes; they are kept as they are. A person query
(``PersonId`` with ``MetricDate`` and metrics, no collaborator columns) has no ties and is refused with that
said.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from orgkit.data.contract import TABLES, normalise_header
from orgkit.data.dates import scan_dates
from orgkit.errors import ConfigError
from orgkit.importers.base import TIE_COLUMNS, ImportLog, ImportOptions, Imported, refuse, register
from orgkit.importers.people import build_people
from orgkit.importers.sources import iter_files, parse_numbers, read_table_file
from orgkit.importers.times import parse_times

__all__ = ["read_viva", "DEFAULT_METRICS", "classify"]

_EXPECTED = ("a Viva Insights export: organisational data (PersonId, ManagerId, Organization...) or a "
             "person-to-person query (PrimaryCollaborator_PersonId, SecondaryCollaborator_PersonId, metrics)")
#: The tie weight when ``extra["metric"]`` is not given: the first of these the query has. Collaboration
#: hours come first because they cover meetings, e-mail, chats and calls together (Viva's own definition).
DEFAULT_METRICS = ("Collaboration_hours", "Meeting_hours", "Email_hours", "Instant_message_hours", "Call_hours",
                   "Meetings", "Emails_sent", "Instant_messages_sent", "StrongTieScore")
#: Organisational-data attributes never written (pay).
PRIVATE_ATTRIBUTES = ("hourlyrate", "salary", "compensation")
_ORG = {"employee_id": ("personid",), "manager_id": ("managerid",), "department": ("organization", "organisation"),
        "level": ("leveldesignation",), "location": ("location", "region"), "hire_date": ("hiredate",)}
_P2P = {"source": ("primarycollaboratorpersonid", "timeinvestorpersonid"),
        "target": ("secondarycollaboratorpersonid", "collaboratorpersonid"),
        "date": ("metricdate", "date", "weekstartdate")}


def _fold(header: object) -> str:
    return re.sub(r"[\s_\-.]+", "", str(header).strip().lower())


def _find(headers: Sequence[str], spellings: Sequence[str]) -> str | None:
    folded = {_fold(h): h for h in headers}
    return next((folded[s] for s in spellings if s in folded), None)


def classify(frame: pd.DataFrame) -> str:
    """``p2p``, ``org``, ``person`` (a person query) or ``""`` (none of them), from the headers."""
    headers = [str(c) for c in frame.columns]
    if _find(headers, _P2P["source"]) and _find(headers, _P2P["target"]):
        return "p2p"
    if _find(headers, _ORG["employee_id"]):
        if _find(headers, ("metricdate",)) and any(_fold(h).endswith("hours") for h in headers):
            return "person"
        return "org"
    return ""


@register("viva", "Microsoft Viva Insights exports (organisational data, person-to-person query)",
          "the organisational data CSV and/or a person-to-person query CSV (files or a folder)",
          ("people", "communication"), settings=("metric", "department_separator"))
def read_viva(paths: Sequence[Path], options: ImportOptions, log: ImportLog) -> Imported:
    """Read Viva Insights exports (see the module docstring for the mapping and rules)."""
    org: list[tuple[str, pd.DataFrame]] = []
    p2p: list[tuple[str, pd.DataFrame]] = []
    for path in iter_files(list(paths)):
        table = read_table_file(path, _EXPECTED)
        kind = classify(table.frame)
        if kind == "person":
            raise refuse(path, _EXPECTED, "a person query (PersonId, MetricDate and metrics per person), which has "
                         "no person-to-person ties",
                         "In Viva Insights, run a person-to-person query (Analysis -> Person-to-person) and "
                         "export it; the organisational data gives people.")
        if not kind:
            shown = ", ".join(map(str, table.frame.columns[:10]))
            raise refuse(path, _EXPECTED, f"the columns {shown}" if shown else "no header row",
                         "Export the file again from Viva Insights without renaming columns.")
        what = "Viva Insights organisational data" if kind == "org" else "Viva Insights person-to-person query"
        log.read(path, f"{what} (encoding {table.encoding})" if table.encoding else what, len(table.frame),
                 table.sha256)
        (org if kind == "org" else p2p).append((table.file, table.frame))
    if not org and not p2p:
        raise refuse(", ".join(Path(p).name for p in paths) or "(none)", _EXPECTED, "no file")
    people = communication = None
    if org:
        log.section("people")
        people = _people(org, options, log)
    if p2p:
        log.section("communication")
        communication = _ties(p2p, options, log)
        if people is not None:
            ids = set(people["employee_id"])
            both = pd.unique(np.concatenate([communication["source_id"].to_numpy(),
                                             communication["target_id"].to_numpy()]))
            inside = int(pd.Series(both).isin(ids).sum())
            log.note(f"{inside:,} of {len(both):,} collaborators of the query are in the organisational data")
    if people is None:
        log.note("no organisational data given: only communication is written (ids are Viva's PersonId hashes)")
    return Imported(people=people, communication=communication, log=log)


def _times(values: pd.Series, options: ImportOptions, what: str, log: ImportLog) -> pd.Series:
    """Viva dates: the day/month order from ``--dayfirst``/``--monthfirst``, else the column's own values; when
    none settles it, month first (Viva Insights writes ``MM/DD/YYYY``), said in the log."""
    text = values.astype("str").fillna("").str.strip()
    scan = scan_dates(text.reset_index(drop=True), two_digit_years=True)
    dayfirst = options.dayfirst  # --dayfirst/--monthfirst, when given, decide
    unsettled = scan.ab is not None and not scan.day_first.any() and not scan.month_first.any()
    slashed = unsettled and bool(text.iloc[scan.ab.index].str.contains("/", regex=False).all())
    if dayfirst is None and slashed and scan.ambiguous.any():  # 04.03.2024 (a European re-save): day first
        dayfirst = False
        log.decided(f"order of {what}", "month/day: no value settles it and Viva Insights writes MM/DD/YYYY")
    return parse_times(text, options.zone, what=what, log=log, dayfirst=dayfirst, calendar=True)


def _people(files: list[tuple[str, pd.DataFrame]], options: ImportOptions, log: ImportLog) -> pd.DataFrame:
    frames = []
    names = ", ".join(f for f, _ in files)
    for file, frame in files:
        cols = {canon: _find(list(frame.columns), spellings) for canon, spellings in _ORG.items()}
        cols = {k: v for k, v in cols.items() if v is not None}
        for canon, header in cols.items():
            log.mapped(f"{file}: {header}", canon)
        out = pd.DataFrame({c: frame[h] for c, h in cols.items()})
        used = set(cols.values())
        effective = _find(list(frame.columns), ("effectivedate",))
        if effective:
            out["_effective"] = frame[effective]
            used.add(effective)
        extras = [h for h in frame.columns if h not in used]
        people_synonyms = {normalise_header(s) for ss in TABLES["people"].synonyms.values() for s in ss}
        people_synonyms |= set(TABLES["people"].columns)
        for h in extras:
            if _fold(h) in PRIVATE_ATTRIBUTES:
                log.dropped(len(frame), f"{h} values", "pay is never written into a client folder")
            elif normalise_header(h) in people_synonyms:
                log.note(f"{file}: {h} not kept (it would read as a second "
                         f"{'location' if _fold(h) == 'region' else 'people column'} in people.csv)")
            elif (frame[h] != "").any():
                out[f"attr:{h}"] = frame[h]
                log.mapped(f"{file}: {h}", "an attribute column of people.csv")
        frames.append(out)
    frame = pd.concat(frames, ignore_index=True).fillna("")
    if "_effective" in frame.columns:
        when = _times(frame["_effective"], options, "Viva EffectiveDate", log)
        keep = pd.Series(True, index=when.index)
        if options.until is not None:
            keep = when.isna() | (when < pd.Timestamp(options.until))
        log.dropped(int((~keep).sum()), "organisational data rows", "effective after --until")
        frame = frame[keep.to_numpy()].assign(_when=when[keep.to_numpy()])
        n = len(frame)
        frame = frame.sort_values("_when", ascending=False, kind="stable", na_position="last")
        frame = frame.drop_duplicates("employee_id", keep="first")
        if n > len(frame):
            log.decided("organisational data snapshots", f"{n - len(frame):,} older rows of people with several "
                        "EffectiveDate rows left out: each person's latest row is used")
        frame = frame.drop(columns=["_effective", "_when"]).sort_index()
    attrs = [c for c in frame.columns if c.startswith("attr:")]
    base = frame.drop(columns=attrs)
    if "hire_date" in base.columns:  # Viva's order rule first; build_people then reads ISO dates
        hired = _times(base["hire_date"], options, "Viva HireDate", log)
        base["hire_date"] = hired.dt.strftime("%Y-%m-%d").fillna("").to_numpy()
    directory = build_people(base, file=names, options=options, log=log, path_separator=None,
                             title="Viva Insights organisational data")
    people = directory.people
    if attrs:
        extra = frame.drop_duplicates("employee_id", keep="first").set_index("employee_id")[attrs]
        extra.columns = [c[len("attr:"):] for c in attrs]
        people = people.join(extra, on="employee_id")
        for c in extra.columns:
            people[c] = people[c].fillna("").astype("str")
    return people


def _ties(files: list[tuple[str, pd.DataFrame]], options: ImportOptions, log: ImportLog) -> pd.DataFrame:
    wanted = str(options.extra.get("metric") or "").strip()
    parts = []
    for file, frame in files:
        headers = list(frame.columns)
        src, tgt = _find(headers, _P2P["source"]), _find(headers, _P2P["target"])
        date = _find(headers, _P2P["date"])
        if wanted:
            metric = _find(headers, (_fold(wanted),))
            if metric is None:
                numeric = [h for h in headers if h not in (src, tgt, date)
                           and pd.to_numeric(frame[h].replace("", np.nan), errors="coerce").notna().any()]
                raise ConfigError(f"{file}: the metric {wanted!r} (--set metric=...) is not a column of this "
                                  f"query. Use one of: {', '.join(map(str, numeric)) or '(no metric columns)'}.")
            how = "chosen with --set metric"
        else:
            metric = _find(headers, tuple(_fold(m) for m in DEFAULT_METRICS))
            how = f"the first of {', '.join(DEFAULT_METRICS)} the query has"
        log.mapped(f"{file}: {src}", "source_id")
        log.mapped(f"{file}: {tgt}", "target_id")
        if metric is not None:
            weight = parse_numbers(frame[metric], what=f"{file}: {metric}", log=log)
            bad = weight.isna() & (frame[metric].fillna("").str.strip() != "").to_numpy()
            weight = weight.fillna(0.0)
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
                raise refuse(file, f"numbers in the metric column {metric}",
                             f"{int(bad.sum()):,} value(s) that are not numbers (first on row {row})",
                             "Export the query again; metric cells hold numbers.")
            log.decided("tie weight", f"{metric} summed over the weeks ({how})")
            channel = str(metric).lower()
        else:
            weight = pd.Series(1.0, index=frame.index)
            log.decided("tie weight", "the number of weeks a pair collaborated: the query has none of "
                        f"{', '.join(DEFAULT_METRICS)} (choose a column with --set metric=...)")
            channel = "viva"
        part = pd.DataFrame({"source_id": frame[src].to_numpy(), "target_id": frame[tgt].to_numpy(),
                             "weight": weight.astype("float64").to_numpy(), "channel": channel})
        if date is not None:
            when = _times(frame[date], options, f"{file}: {date}", log)
            inside = pd.Series(True, index=frame.index)
            if options.since is not None:
                inside &= when >= pd.Timestamp(options.since)
            if options.until is not None:
                inside &= when < pd.Timestamp(options.until)
            if options.since is not None or options.until is not None:
                inside &= when.notna()
                log.dropped(int((~inside).sum()), "rows", "weeks outside the time window (or without a date)")
            part = part[inside.to_numpy()]
            weeks = when[inside].dropna()
            if len(weeks):
                log.note(f"{file}: {weeks.nunique():,} weeks, {weeks.min():%Y-%m-%d} to {weeks.max():%Y-%m-%d}")
        elif options.since is not None or options.until is not None:
            log.note(f"{file}: no MetricDate column; the time window cannot be applied to it")
        parts.append(part)
    ties = pd.concat(parts, ignore_index=True)
    blank = (ties["source_id"] == "") | (ties["target_id"] == "")
    log.dropped(int(blank.sum()), "rows", "a collaborator id is missing")
    own = ties["source_id"] == ties["target_id"]
    log.dropped(int((own & ~blank).sum()), "rows", "a person paired with themselves")
    ties = ties[~blank & ~own]
    out = ties.groupby(["source_id", "target_id", "channel"], sort=True)["weight"].sum().reset_index()
    zero = out["weight"] <= 0
    log.dropped(int(zero.sum()), "pairs", "the metric sums to 0 over the window (no collaboration)")
    out = out[~zero][list(TIE_COLUMNS)].reset_index(drop=True)
    log.count("ties", len(out))
    log.note(f"{len(out):,} directed ties, total weight {out['weight'].sum():,.6g}")
    return out
