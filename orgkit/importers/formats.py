"""Load every platform module so that its formats are registered (``orgkit import --list``)."""

from __future__ import annotations

import difflib
import importlib
import pkgutil
import re

from orgkit.errors import ConfigError
from orgkit.importers import directory, platforms  # noqa: F401  (directory registers hris)
from orgkit.importers.base import FORMATS, Format

__all__ = ["load_all", "get_format"]


def load_all() -> None:
    """Import every module of :mod:`orgkit.importers.platforms` (each registers its formats)."""
    for info in sorted(pkgutil.iter_modules(platforms.__path__), key=lambda i: i.name):
        importlib.import_module(f"{platforms.__name__}.{info.name}")


def get_format(name: str) -> Format:
    """The registered format ``name`` (case, ``-``, ``_`` and spaces aside: ``Edge_List`` and ``edgelist``).

    Raises
    ------
    ConfigError
        No such format; the message suggests the nearest names and lists them all.
    """
    bare = {_bare(k): k for k in FORMATS}
    key = bare.get(_bare(name))
    if key is None:
        near = [k for k in FORMATS if sorted(_parts(k)) == sorted(_parts(name))]  # survey-network
        near += [bare[b] for b in difflib.get_close_matches(_bare(name), list(bare), n=2, cutoff=0.75)]
        hint = f"; did you mean {' or '.join(dict.fromkeys(near))}?" if near else "."
        raise ConfigError(f"{name!r} is not a format orgkit imports{hint} Use one of: {', '.join(sorted(FORMATS))} "
                          "(orgkit import --list says what each reads).")
    return FORMATS[key]


def _bare(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", str(name).strip().lower())


def _parts(name: str) -> list[str]:
    return [p for p in re.split(r"[\s_\-]+", str(name).strip().lower()) if p]


load_all()
