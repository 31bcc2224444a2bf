"""Minimum group size: no table or figure shows a group smaller than the threshold.

Analyses compute on everyone and call :func:`suppress_small_groups` on every per-group table they
return, so a caller never sees a small group's numbers. Names stay out unless the client's settings say
``show_names: true``; :func:`person_label` is the one place that decides how a person is shown.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["suppress_small_groups", "is_visible", "person_label", "SUPPRESSED"]

#: How a suppressed cell is marked in text output.
SUPPRESSED = "suppressed"


def is_visible(size: int | float | None, min_group_size: int) -> bool:
    """Whether a group of ``size`` people may be shown (``size >= min_group_size``)."""
    return size is not None and not pd.isna(size) and size >= min_group_size


def suppress_small_groups(
    table: pd.DataFrame,
    size_column: str,
    min_group_size: int,
    value_columns: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Blank the values of every row whose group is smaller than ``min_group_size``.

    Parameters
    ----------
    table : DataFrame
        One row per group.
    size_column : str
        The column holding each group's number of people (or respondents).
    min_group_size : int
        The smallest group that may be shown.
    value_columns : iterable of str, optional
        Columns to blank (default: every numeric column except ``size_column``).

    Returns
    -------
    DataFrame
        A copy with a boolean ``suppressed`` column; suppressed rows keep their label, and their size and
        values are blanked (NaN, or ``<NA>`` in integer columns, which become nullable ``Int64``): the size
        of a small group is itself identifying.

    Notes
    -----
    Row-level suppression only. Complementary suppression (so a small group cannot be recovered by
    subtracting the shown groups from a total) is the caller's duty where totals are shown; the survey
    module does it for its tables.
    """
    out = table.copy()
    small = ~(out[size_column].fillna(0) >= min_group_size)
    if value_columns is None:
        value_columns = [
            c for c in out.columns if c != size_column and pd.api.types.is_numeric_dtype(out[c])
            and not pd.api.types.is_bool_dtype(out[c])
        ]
    for col in list(value_columns) + [size_column]:
        if pd.api.types.is_integer_dtype(out[col]):
            out[col] = out[col].astype("Int64")  # whole numbers stay whole; suppressed cells are <NA>
        out.loc[small, col] = np.nan
    out["suppressed"] = small.to_numpy()
    return out


def person_label(
    employee_id: str,
    name: str | None = None,
    title: str | None = None,
    show_names: bool = False,
) -> str:
    """How a person appears in a report: their id (and title), their name only when ``show_names``.

    Examples
    --------
    >>> person_label("E042", name="Ada Lovelace", title="Head of R&D")
    'E042 (Head of R&D)'
    >>> person_label("E042", name="Ada Lovelace", show_names=True)
    'Ada Lovelace (E042)'
    """
    if show_names and name:
        return f"{name} ({employee_id})"
    if title:
        return f"{employee_id} ({title})"
    return str(employee_id)
