"""Plain JSON values from numpy/pandas results: the one converter every area and ``metrics.json`` use."""

from __future__ import annotations

import datetime as _dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """A copy of ``value`` made of plain JSON types only.

    numpy scalars become Python numbers; NaN, infinities, ``pd.NA`` and ``NaT`` become ``None``; dates
    become ISO strings; dicts (keys as strings), lists, tuples, sets and arrays are converted recursively;
    anything else becomes its ``str``.

    Examples
    --------
    >>> import numpy as np
    >>> to_jsonable({"a": np.int64(3), "b": [np.nan, 1.5], 2: np.bool_(True)})
    {'a': 3, 'b': [None, 1.5], '2': True}
    """
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_jsonable(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (pd.Timestamp, _dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    return str(value)
