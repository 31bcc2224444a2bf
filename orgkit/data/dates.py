"""Dates and times as exports spell them, parsed over whole columns.

:func:`scan_dates` sorts a column's values by shape; :func:`parse_dates` turns a scan into ``datetime64``
once the day/month order of the ``a/b/yyyy`` shape is known. The loader decides that order per column
from the data (:attr:`DateScan.day_first`, :attr:`DateScan.month_first`, :attr:`DateScan.ambiguous`) or
from ``client.yml`` (``dayfirst``, ``date_format``), and says which.

Shapes, all parsed without a per-value Python loop:

* ISO 8601 (``2024-03-05``, ``2024-03-05T14:00:00Z``, ``2024-03-05 14:00+08:00``): offsets are converted
  to UTC and dropped, naive values are kept as given.
* Year first with ``/``, ``.`` or Chinese characters (``2024/3/5 14:00``, ``2024.03.05``,
  ``2024年3月5日``): unambiguous.
* ``a/b/yyyy`` with ``/``, ``.`` or ``-`` (``25/03/2025 14:00``, ``3/25/2025 2:00 PM``): ``a`` is the
  day (day first, as in the UK, Europe and many Chinese exports) or the month (month first, as in the
  US). Two-digit years are not read: they are ambiguous in one more way.
* English month names (``5 Mar 2024``, ``March 5, 2024``, ``05-Mar-24``): unambiguous.

Times may follow a date after ``T`` or spaces: ``14:00``, ``14:00:05``, ``14:00:05.250``, ``2:00 PM``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["DateScan", "scan_dates", "parse_dates", "check_date_format", "TWO_DIGIT_YEAR_PIVOT"]

_TIME = (r"(?:(?:T|\s+)(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:[.,](?P<f>[0-9]{1,9}))?)?"
         r"\s*(?P<p>[AaPp]\.?[Mm]\.?)?)?\s*$")
_ISO = r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:$|[T ][0-9])"
_YMD = r"^(?P<y>[0-9]{4})\s*[-/.年]\s*(?P<m>[0-9]{1,2})\s*[-/.月]\s*(?P<d>[0-9]{1,2})\s*日?" + _TIME.replace(
    r"(?:T|\s+)", r"(?:T|\s*)", 1)
_AB = r"^(?P<a>[0-9]{1,2})[-/.](?P<b>[0-9]{1,2})[-/.](?P<y>[0-9]{4})" + _TIME
_AB_SHORT_YEARS = _AB.replace("(?P<y>[0-9]{4})", "(?P<y>[0-9]{4}|[0-9]{2})", 1)
#: Two-digit years below this are in the 2000s, the others in the 1900s: Excel's rule (``3/15/29`` is 2029,
#: ``3/15/30`` is 1930), as the CSV files with such years come from Excel.
TWO_DIGIT_YEAR_PIVOT = 30
_LETTERS = r"[A-Za-z]{3}"
#: Spellings with English month names, tried in order on what is left (each is unambiguous).
_NAMED_FORMATS = tuple(
    f"{date}{time}"
    for date in ("%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y", "%b %d, %Y", "%B %d, %Y", "%d-%b-%Y",
                 "%d-%b-%y", "%a %d %b %Y", "%a, %d %b %Y")
    for time in ("", " %H:%M", " %H:%M:%S")
)


@dataclass(frozen=True)
class DateScan:
    """The values of one column sorted by shape, with the evidence on the day/month order.

    Attributes
    ----------
    values : Series
        The column as read (``str``, blanks ``""``).
    blank : ndarray of bool
        Blank cells (left empty, not a problem).
    iso : ndarray of bool
        Cells shaped like ISO 8601 (``yyyy-mm-dd``...).
    ymd : DataFrame or None
        Components of year-first cells that are not ISO (index: their positions).
    ab : DataFrame or None
        Components of ``a/b/yyyy`` cells: ``a``, ``b``, ``y`` and the time (index: their positions).
    day_first, month_first, ambiguous : ndarray of bool
        Over ``ab``'s rows: ``a`` is above 12 (only a day can be), ``b`` is above 12, both are at most
        12 and differ (the order changes the date).
    """

    values: pd.Series
    blank: np.ndarray
    iso: np.ndarray
    ymd: pd.DataFrame | None
    ab: pd.DataFrame | None
    day_first: np.ndarray
    month_first: np.ndarray
    ambiguous: np.ndarray
    #: The whole column parsed already, when every value is blank or naive ISO 8601 (the usual export).
    parsed: pd.Series | None = None
    #: How many ``a/b/yy`` values have a two-digit year (read by :data:`TWO_DIGIT_YEAR_PIVOT`).
    short_years: int = 0

    def rows(self, mask: np.ndarray) -> pd.Index:
        """Index labels (of :attr:`values`) of the ``ab`` rows selected by ``mask``."""
        return self.ab.index[mask] if self.ab is not None else pd.Index([])

    def examples(self, mask: np.ndarray, n: int = 1) -> list[str]:
        """The first ``n`` values of the ``ab`` rows selected by ``mask``, as written."""
        return [str(v) for v in self.values.loc[self.rows(mask)[:n]]]


def _arrow(values: pd.Series) -> pa.Array:
    return pa.array(values, type=pa.large_string(), from_pandas=True)


def _parts(arr: pa.Array, pattern: str, fields: str) -> pd.DataFrame:
    """Named groups of ``pattern`` as integers (``-1`` where the group is empty), one row per match."""
    found = pc.extract_regex(arr, pattern)
    hit = np.asarray(found.is_valid())
    cols = {}
    for name in fields:
        field = pc.struct_field(found, name).filter(pa.array(hit))
        if name == "p":  # AM/PM marker: 0 none, 1 AM, 2 PM
            low = pc.utf8_lower(field)
            cols[name] = np.where(np.asarray(pc.starts_with(low, "p")), 2,
                                  np.where(np.asarray(pc.starts_with(low, "a")), 1, 0))
        elif name == "f":  # fractional seconds -> microseconds
            digits = pc.utf8_slice_codeunits(field, 0, 6)
            width = np.asarray(pc.utf8_length(digits)).astype(np.int64)
            value = np.asarray(pc.cast(pc.if_else(pc.equal(digits, ""), "0", digits), pa.int64()))
            cols[name] = value * 10 ** (6 - width)
        else:
            empty = pc.equal(field, "")
            cols[name] = np.asarray(pc.cast(pc.if_else(empty, "-1", field), pa.int64()))
    return pd.DataFrame(cols, index=np.flatnonzero(hit))


def scan_dates(values: pd.Series, *, two_digit_years: bool = False) -> DateScan:
    """Sort a column's values by shape and collect the evidence on the day/month order.

    Parameters
    ----------
    values : Series
        Text (``str``), trimmed, blanks as ``""``.
    two_digit_years : bool
        Also read ``a/b/yy`` (``3/15/15``), with :data:`TWO_DIGIT_YEAR_PIVOT`. Client folders do not
        (their contract asks for four-digit years); importers of exports saved by Excel do, and log it.

    Examples
    --------
    >>> s = scan_dates(pd.Series(["25/03/2025 14:00", "03/04/2025", "2025-03-05", ""], dtype="str"))
    >>> int(s.day_first.sum()), int(s.month_first.sum()), int(s.ambiguous.sum()), int(s.iso.sum())
    (1, 0, 1, 1)
    """
    arr = _arrow(values)
    blank_arr = pc.equal(arr, "")
    blank = np.asarray(blank_arr)
    none = np.zeros(0, dtype=bool)
    try:  # the usual export: every value naive ISO 8601, parsed in one pass
        parsed = pc.cast(pc.if_else(blank_arr, None, arr), pa.timestamp("ns"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    else:
        out = pd.Series(np.asarray(parsed), index=values.index, dtype="datetime64[ns]")
        return DateScan(values, blank, ~blank, None, None, none, none, none, out)
    iso = np.asarray(pc.match_substring_regex(arr, _ISO))
    rest = ~blank & ~iso
    ymd = ab = None
    day_first = month_first = ambiguous = none
    n_short = 0
    if rest.any():
        positions = np.flatnonzero(rest)
        sub = arr.take(pa.array(positions))
        ymd = _parts(sub, _YMD, "ymdHMSfp")
        ymd.index = values.index[positions[ymd.index]]
        ab = _parts(sub, _AB_SHORT_YEARS if two_digit_years else _AB, "abyHMSfp")
        ab.index = values.index[positions[ab.index]]
        short = ab["y"].to_numpy() < 100
        n_short = int(short.sum())
        if n_short:
            ab.loc[short, "y"] += np.where(ab.loc[short, "y"] < TWO_DIGIT_YEAR_PIVOT, 2000, 1900)
        a, b = ab["a"].to_numpy(), ab["b"].to_numpy()
        day_first = (a >= 13) & (a <= 31) & (b >= 1) & (b <= 12)
        month_first = (b >= 13) & (b <= 31) & (a >= 1) & (a <= 12)
        ambiguous = (a >= 1) & (a <= 12) & (b >= 1) & (b <= 12) & (a != b)
        ymd = None if ymd.empty else ymd
        ab = None if ab.empty else ab
    return DateScan(values, blank, iso, ymd, ab, day_first, month_first, ambiguous, short_years=n_short)


def _assemble(parts: pd.DataFrame, year: str, month: str, day: str) -> pd.Series:
    """``datetime64[ns]`` from integer components (``NaT`` where they do not make a date and time)."""
    hour = parts["H"].to_numpy()
    pm = parts["p"].to_numpy()
    has_time = hour >= 0
    valid = (~has_time | ((pm == 0) & (hour <= 23)) | ((pm > 0) & (hour >= 1) & (hour <= 12)))
    hour = np.where(has_time, hour, 0)
    hour = np.where(pm == 2, np.where(hour == 12, 12, hour + 12), np.where(pm == 1, hour % 12, hour))
    minute = np.where(parts["M"].to_numpy() >= 0, parts["M"].to_numpy(), 0)
    second = np.where(parts["S"].to_numpy() >= 0, parts["S"].to_numpy(), 0)
    valid &= (minute <= 59) & (second <= 59)
    frame = pd.DataFrame({"year": parts[year].to_numpy(), "month": parts[month].to_numpy(),
                          "day": parts[day].to_numpy(), "hour": hour, "minute": minute, "second": second,
                          "us": parts["f"].to_numpy()}, index=parts.index)
    out = pd.to_datetime(frame, errors="coerce").astype("datetime64[ns]")
    return out.where(valid, pd.NaT)


def parse_dates(scan: DateScan, *, dayfirst: bool | None, date_format: str | None = None) -> pd.Series:
    """Parse a scanned column; ``NaT`` for blanks and for values that are not dates.

    Parameters
    ----------
    scan : DateScan
        From :func:`scan_dates`.
    dayfirst : bool or None
        The order of ``a/b/yyyy`` values (``None``: they are left unparsed; use it only when the column
        has none that the order changes).
    date_format : str, optional
        A :func:`pandas.to_datetime` format for every value that is not ISO 8601 (the shapes above are
        then not tried).

    Returns
    -------
    Series
        ``datetime64[ns]``, naive, on the index of ``scan.values``.

    Examples
    --------
    >>> s = scan_dates(pd.Series(["25/03/2025 14:00", "2024年3月5日", "2024-03-05T10:00:00+02:00"],
    ...                          dtype="str"))
    >>> [str(t) for t in parse_dates(s, dayfirst=True)]
    ['2025-03-25 14:00:00', '2024-03-05 00:00:00', '2024-03-05 08:00:00']
    """
    values = scan.values
    if scan.parsed is not None:
        return scan.parsed
    if scan.iso.all():  # the usual export: one fast pass
        out = _iso(values)
    else:
        out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        if scan.iso.any():
            out[scan.iso] = _iso(values[scan.iso])
    if date_format is not None:
        left = ~scan.blank & out.isna().to_numpy()
        if left.any():
            out[left] = _to_datetime(values[left], date_format)
        return out
    failed_iso = scan.iso & out.isna().to_numpy()  # e.g. 2024-03-05 2:00 PM
    if failed_iso.any():
        positions = np.flatnonzero(failed_iso)
        parts = _parts(_arrow(values.iloc[positions]), _YMD, "ymdHMSfp")
        parts.index = values.index[positions[parts.index]]
        if len(parts):
            out.loc[parts.index] = _assemble(parts, "y", "m", "d")
    if scan.ymd is not None:
        out.loc[scan.ymd.index] = _assemble(scan.ymd, "y", "m", "d")
    if scan.ab is not None and dayfirst is not None:
        out.loc[scan.ab.index] = _assemble(scan.ab, "y", "b" if dayfirst else "a", "a" if dayfirst else "b")
    left = ~scan.blank & out.isna().to_numpy()
    if left.any():
        text = values[left]
        named = np.array(pc.match_substring_regex(_arrow(text), _LETTERS))
        for fmt in _NAMED_FORMATS:
            if not named.any():
                break
            parsed = _to_datetime(text[named], fmt)
            ok = parsed.notna()
            if ok.any():
                out.loc[parsed.index[ok]] = parsed[ok]
                named[np.flatnonzero(named)[ok.to_numpy()]] = False
    return out


def _iso(values: pd.Series) -> pd.Series:
    """ISO 8601 values: Arrow's parser when every value is naive and in range, else pandas'."""
    try:
        parsed = pc.cast(_arrow(values), pa.timestamp("ns"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return _to_datetime(values, "ISO8601")
    return pd.Series(np.asarray(parsed), index=values.index, dtype="datetime64[ns]")


def _to_datetime(values: pd.Series, fmt: str) -> pd.Series:
    parsed = pd.to_datetime(values, errors="coerce", format=fmt, utc=True)
    return parsed.dt.tz_localize(None).astype("datetime64[ns]")


def check_date_format(fmt: object) -> str | None:
    """Why ``fmt`` cannot be a ``date_format`` (``None`` when it can).

    Examples
    --------
    >>> check_date_format("%d/%m/%Y %H:%M") is None
    True
    >>> check_date_format("dd/mm/yyyy")
    "it has no % directive (e.g. '%d/%m/%Y')"
    """
    if not isinstance(fmt, str) or not fmt.strip():
        return "it must be a text such as '%d/%m/%Y %H:%M'"
    if "%" not in fmt:
        return "it has no % directive (e.g. '%d/%m/%Y')"
    sample = pd.Timestamp(2025, 3, 25, 14, 30, 45)
    try:
        text = sample.strftime(fmt)
        back = pd.to_datetime(pd.Series([text]), format=fmt)
    except (ValueError, TypeError) as exc:
        return f"pandas cannot read dates with it ({exc})"
    if back.isna().any():
        return "pandas cannot read dates with it"
    return None
