"""Times as platforms export them, parsed over whole columns into the client's local time.

Shapes read (one column may mix them):

* epoch seconds (10 digits) and milliseconds (13 digits), as numbers or text — UTC, converted;
* ISO 8601 with ``Z`` or an offset (``2024-03-05T06:23:00Z``, ``...+08:00``) — converted;
* Excel serial day numbers (``45356.6``, 1900 date system) — local time as the workbook shows it;
* text without a zone (``2024-03-05 14:23``, ``2024-03-05 14:23:05``, ``2024/3/5``, ``2024年3月5日 14:23``,
  ``05/03/2024``) — local time as exported (the platforms write the account's local time), read by
  :func:`orgkit.data.dates.scan_dates`; a day/month order is decided from the column's own values;
* ``""``, ``0`` and ``"0"`` (Feishu's "not finished yet") — missing.

Every result is naive ``datetime64[ns]`` in the client's zone (``ImportOptions.timezone``). What was
decided (which shape, which conversion) is written to the import log.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from orgkit.data.dates import TWO_DIGIT_YEAR_PIVOT, DateScan, parse_dates, scan_dates
from orgkit.errors import ConfigError
from orgkit.importers.base import ImportLog

__all__ = ["parse_times", "day_order", "EPOCH_S_RANGE", "EPOCH_MS_RANGE", "EXCEL_RANGE"]

#: Numbers read as epoch seconds: 2001-09-09 to 2033-05-18 (10 digits, after 1e9).
EPOCH_S_RANGE = (1e9, 2e9)
#: Numbers read as epoch milliseconds: the same span times 1,000 (13 digits).
EPOCH_MS_RANGE = (1e12, 2e12)
#: Numbers read as Excel serial days: 1954-10-03 to 2119-01-11 (no other numeric date lands here).
EXCEL_RANGE = (20000.0, 80000.0)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_NUMBER = r"^[0-9]+(?:\.[0-9]+)?$"
_ZONED = r"(?:[Zz]|[+-][0-9]{2}:?[0-9]{2})$"
_MISSING = {"", "0", "0.0", "null", "none", "nan", "nat", "-"}
_DATE_ZONED = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})([Zz]|[+-][0-9]{2}:?[0-9]{2})$"
_UTC = ZoneInfo("UTC")


def parse_times(values: pd.Series, zone: ZoneInfo, *, what: str, log: ImportLog | None = None,
                dayfirst: bool | None = None, calendar: bool = False) -> pd.Series:
    """Parse a column of platform times into naive client-time datetimes.

    Parameters
    ----------
    values : Series
        Text or numbers as exported.
    zone : ZoneInfo
        The client's time zone: values in UTC (epoch numbers, ``Z``) or with an offset are converted to it.
    what : str
        The column as the user knows it (``DingTalk 审批发起时间``), for the log and messages.
    log : ImportLog, optional
        Receives one ``decided`` line naming the shapes found and the conversion.
    dayfirst : bool, optional
        The order of ``a/b/yyyy`` values when the column cannot tell (``None``: decided from the values).
    calendar : bool
        The values are days on the calendar (hire dates), not instants: a day written with an offset
        (``2016-02-01T00:00:00+08:00``, ``2017-04-03-08:00``) is that day, not moved to ``zone``, which would
        make its midnight another day. Epoch numbers that are all UTC midnights are those UTC days; other
        epoch numbers (Feishu's local midnights) are converted to ``zone``.

    Returns
    -------
    Series
        ``datetime64[ns]``, naive, in ``zone``; ``NaT`` where missing or unreadable (counted in the log).

    Raises
    ------
    ConfigError
        ``a/b/yyyy`` values whose order the column cannot decide and ``dayfirst`` is not given.

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> s = pd.Series(["1709619780000", "2024-03-05T06:23:00Z", "2024年3月5日 14:23", "0"])
    >>> parse_times(s, ZoneInfo("Asia/Shanghai"), what="t").dt.strftime("%Y-%m-%d %H:%M").tolist()
    ['2024-03-05 14:23', '2024-03-05 14:23', '2024-03-05 14:23', nan]
    """
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if values.empty:
        return out
    numeric_in = pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype)
    if numeric_in:
        nums = pd.to_numeric(values, errors="coerce").astype("float64")
        text = pd.Series("", index=values.index, dtype="str")
        is_num = (nums.notna().to_numpy() & (nums.to_numpy() != 0)).copy()
    else:
        text = values.astype("str").fillna("").str.strip()
        is_num = text.str.fullmatch(_NUMBER).to_numpy(dtype=bool).copy()
        nums = pd.to_numeric(text.where(is_num, None), errors="coerce").astype("float64")
        is_num &= nums.fillna(0).to_numpy() != 0
    arr = nums.to_numpy()
    missing = (~is_num & text.str.lower().isin(_MISSING).to_numpy()) if not numeric_in else ~is_num
    shapes: list[str] = []

    def take(mask: np.ndarray, parsed: pd.Series, label: str) -> None:
        if mask.any():
            out.loc[mask] = parsed.to_numpy()
            shapes.append(f"{label} ({int(mask.sum()):,})")

    sec = is_num & (arr >= EPOCH_S_RANGE[0]) & (arr < EPOCH_S_RANGE[1])
    ms = is_num & (arr >= EPOCH_MS_RANGE[0]) & (arr < EPOCH_MS_RANGE[1])
    epoch_zone = zone
    if calendar and (sec | ms).any():  # days stored as UTC midnights (SuccessFactors) stay those days
        seconds = np.where(ms, arr / 1000.0, arr)[sec | ms]
        if bool((np.mod(seconds, 86400.0) == 0).all()):
            epoch_zone = _UTC
            shapes.append("epoch numbers all UTC midnights, read as those days")
    excel = is_num & (arr >= EXCEL_RANGE[0]) & (arr < EXCEL_RANGE[1])
    if sec.any():
        take(sec, _from_utc(pd.to_datetime(arr[sec], unit="s", utc=True), epoch_zone), "epoch seconds, UTC")
    if ms.any():
        take(ms, _from_utc(pd.to_datetime(arr[ms], unit="ms", utc=True), epoch_zone),
             "epoch milliseconds, UTC")
    if excel.any():
        days = pd.to_timedelta(np.round(arr[excel] * 86400.0), unit="s")
        take(excel, pd.Series(_EXCEL_EPOCH + days), "Excel serial days, local time")
    unread = is_num & ~(sec | ms | excel)
    rest = ~is_num & ~missing
    if rest.any():
        sub = text[rest]
        zoned = sub.str.contains(_ZONED, regex=True).to_numpy(dtype=bool) & sub.str.match(r"^[0-9]{4}-").to_numpy(
            dtype=bool)
        if zoned.any():
            idx = np.flatnonzero(rest)[zoned]
            stamps = sub[zoned].str.replace(_DATE_ZONED, r"\1T00:00:00\2", regex=True)  # xs:date: 2017-04-03-08:00
            if calendar:  # the day as written, its offset dropped
                parsed = pd.to_datetime(stamps.str.replace(_ZONED, "", regex=True), errors="coerce", format="ISO8601")
                ok = parsed.notna().to_numpy()
                take(_mask(len(out), idx[ok]), parsed[ok], "ISO 8601 with a zone, the day as written")
            else:
                parsed = pd.to_datetime(stamps, utc=True, errors="coerce", format="ISO8601")
                ok = parsed.notna().to_numpy()
                take(_mask(len(out), idx[ok]), _from_utc(parsed[ok], zone), "ISO 8601 with a zone, converted")
            unread[idx[~ok]] = True
        plain_idx = np.flatnonzero(rest)[~zoned]
        if len(plain_idx):
            plain = text.iloc[plain_idx]
            scan = scan_dates(plain.reset_index(drop=True), two_digit_years=True)
            order, evidence = day_order(plain.reset_index(drop=True), what=what, dayfirst=dayfirst, scan=scan)
            if evidence:
                shapes.append(evidence)
            if scan.short_years:
                shapes.append(f"{scan.short_years:,} two-digit year(s) read as Excel reads them (below "
                              f"{TWO_DIGIT_YEAR_PIVOT}: 20yy; else 19yy)")
            parsed = parse_dates(scan, dayfirst=order)
            ok = parsed.notna().to_numpy()
            take(_mask(len(out), plain_idx[ok]), parsed[ok], "local time as exported")
            unread[plain_idx[~ok]] = True
    if log is not None:
        if shapes:
            log.decided(f"times of {what}", "; ".join(shapes) + f"; written in {zone.key}")
        n_unread = int(unread.sum())
        if n_unread:
            log.note(f"unreadable times in {what}: {n_unread:,} value(s) left empty")
    return out


def day_order(values: pd.Series, *, what: str, dayfirst: bool | None = None,
              scan: DateScan | None = None) -> tuple[bool | None, str]:
    """Whether the ``a/b/yyyy`` dates among ``values`` are day first, decided from the values, and the evidence.

    A value that fits one order only (``25/03/2024``) decides; dates written with dots (``03.04.2024``) are
    day first by convention; ``dayfirst`` (``--dayfirst``/``--monthfirst``), when given, decides.

    Returns
    -------
    (bool or None, str)
        The order (``None``: no ``a/b/yyyy`` values) and the evidence for the log (``""`` when given).

    Raises
    ------
    ConfigError
        Some values are day first and some month first; or no value settles an ambiguous column and
        ``dayfirst`` is not given.
    """
    if dayfirst is not None:
        return dayfirst, ""
    scan = scan if scan is not None else scan_dates(values.reset_index(drop=True), two_digit_years=True)
    if scan.ab is None:
        return None, ""
    day_first, month_first = bool(scan.day_first.any()), bool(scan.month_first.any())
    if day_first and month_first:
        raise ConfigError(f"{what}: some dates have the day first (25/03/2024) and some the month first "
                          "(03/25/2024). Export the column again in one format (yyyy-mm-dd is safest).")
    if day_first or month_first:
        return day_first, ("a/b/yyyy read as " + ("day/month" if day_first else "month/day")
                           + " because some values only fit that order")
    if not scan.ambiguous.any():
        return None, ""
    if values.iloc[scan.ab.index].str.match(r"^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{2,4}").all():
        return True, ("a.b.yyyy read as day.month.year: dates written with dots are day first wherever that "
                      "style is used (Germany, the Nordics, Russia...)")
    raise ConfigError(f"{what}: dates such as 03/04/2024 could be 3 April or 4 March and no value in the column "
                      "settles it. Give --dayfirst or --monthfirst.")


def _mask(n: int, idx: np.ndarray) -> np.ndarray:
    m = np.zeros(n, dtype=bool)
    m[idx] = True
    return m


def _from_utc(stamps: pd.DatetimeIndex | pd.Series, zone: ZoneInfo) -> pd.Series:
    s = pd.Series(stamps)
    return s.dt.tz_convert(zone).dt.tz_localize(None).astype("datetime64[ns]")
