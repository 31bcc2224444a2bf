"""Load every platform module so that its formats are registered (``orgkit import --list``)."""

from __future__ import annotations

import importlib
import pkgutil

from orgkit.errors import ConfigError
from orgkit.importers import directory, platforms  # noqa: F401  (directory registers hris)
from orgkit.importers.base import FORMATS, Format

__all__ = ["load_all", "get_format"]


def load_all() -> None:
    """Import every module of :mod:`orgkit.importers.platforms` (each registers its formats)."""
    for info in sorted(pkgutil.iter_modules(platforms.__path__), key=lambda i: i.name):
        importlib.import_module(f"{platforms.__name__}.{info.name}")


def get_format(name: str) -> Format:
    """The registered format ``name`` (case-insensitive; ``-``/``_`` alike).

    Raises
    ------
    ConfigError
        No such format; the message lists them.
    """
    key = str(name).strip().lower().replace("_", "-")
    if key not in FORMATS:
        raise ConfigError(f"{name!r} is not a format orgkit imports. Use one of: {', '.join(sorted(FORMATS))} "
                          "(orgkit import --list says what each reads).")
    return FORMATS[key]


load_all()
