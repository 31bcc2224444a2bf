"""Writes that never leave half a file or half a report: a temporary sibling renamed into place."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

__all__ = ["write_text", "write_json", "swap_in"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically, with the usual file mode (``mkstemp`` alone makes 0600).

    A reader sees the old file or the new one, never a part; a failure leaves the old file as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_json(path: str | os.PathLike[str], data: Any) -> Path:
    """Write plain-JSON ``data`` (indented, UTF-8, no NaN) to ``path`` atomically."""
    return write_text(path, json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def swap_in(new: str | os.PathLike[str], final: str | os.PathLike[str]) -> None:
    """Put folder ``new`` at ``final`` with renames in one file system; an old ``final`` survives a failure.

    The old folder is first renamed aside, then ``new`` takes its place, then the old one is removed: if the
    second rename fails the old folder is put back.
    """
    new, final = Path(new), Path(final)
    old: Path | None = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:10]}")
        os.replace(final, old)
    try:
        os.replace(new, final)
    except OSError:
        if old is not None:
            os.replace(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
