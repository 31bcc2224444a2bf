"""CSV files that are safe to open in a spreadsheet: no cell orgkit writes can run as a formula.

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in
some versions, a tab or carriage return) as a formula, so a client or wave named
``=HYPERLINK("http://…")`` would become a live link or worse in ``summary.csv``. :func:`write_csv`
prefixes such text cells with a single quote (the OWASP "CSV injection" advice); numbers stay numbers:
numeric columns are written as they are, and a text cell that is a plain number (``-0.5``, ``+3``,
``-2``) is left alone. Full-width ``＝＋－＠`` (what a Chinese or Japanese input method types) are
treated like their ASCII forms.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from orgkit.files.atomic import write_text

__all__ = ["write_csv", "spreadsheet_safe", "FORMULA_STARTS"]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot start a spreadsheet formula.

    Parameters
    ----------
    frame : DataFrame

    Returns
    -------
    DataFrame
        Text cells starting with one of :data:`FORMULA_STARTS` get a leading ``'`` unless the whole cell
        is a number; numeric, boolean and datetime columns are returned unchanged.

    Examples
    --------
    >>> t = pd.DataFrame({"client": ["=1+1", "+1+1", "@SUM(1)", "-2", "Acme"], "score": [-0.5, 1, 2, 3, 4]})
    >>> spreadsheet_safe(t)["client"].tolist()
    ["'=1+1", "'+1+1", "'@SUM(1)", '-2', 'Acme']
    >>> spreadsheet_safe(t)["score"].dtype
    dtype('float64')
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
            continue
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        text = values.astype("string")
        risky = text.str.startswith(FORMULA_STARTS).fillna(False).astype(bool)
        if not risky.any():
            continue
        number = text.str.fullmatch(_NUMBER).fillna(False).astype(bool)
        change = risky & ~number
        out[column] = values.astype("object").mask(change, "'" + text.astype("object").where(change, ""))
    return out


def write_csv(path: str | os.PathLike[str], frame: pd.DataFrame, *, float_format: str | None = None,
              encoding: str = "utf-8-sig") -> Path:
    """Write ``frame`` to ``path`` atomically as a spreadsheet-safe CSV (see :func:`spreadsheet_safe`).

    Parameters
    ----------
    path : path
    frame : DataFrame
        Written without its index.
    float_format : str, optional
        As :meth:`pandas.DataFrame.to_csv`.
    encoding : str
        ``utf-8-sig`` (the default) lets Excel recognise UTF-8.

    Returns
    -------
    Path
    """
    text = spreadsheet_safe(frame).to_csv(index=False, float_format=float_format, lineterminator="\n")
    return write_text(path, text, encoding=encoding)
