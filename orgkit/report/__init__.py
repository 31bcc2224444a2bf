"""The report: Papermill run and publishing, the notebook-side ReportBook, HTML blocks, rendering, resources.

:mod:`~orgkit.report.run` runs one client's report (:func:`run_client`), :mod:`~orgkit.report.book` is what
the notebook calls (:class:`ReportBook`), :mod:`~orgkit.report.blocks` the HTML blocks,
:mod:`~orgkit.report.render` HTML and PDF, :mod:`~orgkit.report.interactive` the data of report.html's org chart
explorer, :mod:`~orgkit.report.resources` the packaged files. The names
below are imported on first use, so importing this package costs nothing.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["ReportBook", "ReportResult", "open_report", "run_client"]

_HOME = {"ReportBook": "book", "ReportResult": "run", "open_report": "run", "run_client": "run"}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
