"""Batch runs over many clients: what to run, when a report is up to date, where it runs, the run, the overview.

:mod:`~orgkit.batch.manifest` reads the client list, :mod:`~orgkit.batch.fingerprints` decides what to skip,
:mod:`~orgkit.batch.workers` runs clients in worker processes or on Dask, :mod:`~orgkit.batch.run` is the
batch itself (:func:`run_batch`, what ``orgkit batch`` calls) and :mod:`~orgkit.batch.overview` the portfolio
overview. The names below are imported on first use, so importing this package costs nothing.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["BatchInterrupted", "BatchSummary", "ClientOutcome", "ClientTask", "build_overview", "load_tasks",
           "run_batch"]

_HOME = {"BatchInterrupted": "run", "BatchSummary": "run", "ClientOutcome": "run", "ClientTask": "manifest",
         "build_overview": "overview", "load_tasks": "manifest", "run_batch": "run"}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
