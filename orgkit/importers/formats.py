"""Load every platform module so that its formats are registered (``orgkit import --list``)."""

from __future__ import annotations

import importlib
import pkgutil

from orgkit.importers import directory, platforms  # noqa: F401  (directory registers hris)

__all__ = ["load_all"]


def load_all() -> None:
    """Import every module of :mod:`orgkit.importers.platforms` (each registers its formats)."""
    for info in sorted(pkgutil.iter_modules(platforms.__path__), key=lambda i: i.name):
        importlib.import_module(f"{platforms.__name__}.{info.name}")


load_all()
