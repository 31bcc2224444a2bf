"""Outputs a user is expected to edit (the slide deck): written with a record of what was written, so that a
copy edited afterwards is never replaced or removed.

A report folder is orgkit's and is replaced whole by the next run (:func:`orgkit.files.atomic.swap_in`). A
deck in it is meant to be reworked in PowerPoint, and a consultant may save their edits in place. So every
editable file is written atomically together with a small record beside it, ``.<name>.orgkit`` (JSON: the
orgkit version, the file name and the SHA-256 of the bytes written). Before a folder holding such a file is
replaced or cleaned, :func:`edited_files` compares the file with its record: a file changed since (or one
without a record, which orgkit did not write) stops the run with an :class:`~orgkit.errors.OutputError`
that names it, and nothing is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from orgkit._version import __version__
from orgkit.errors import OutputError
from orgkit.files.atomic import output_error

__all__ = ["EDITABLE_FILES", "sha256_of", "record_path", "write_editable", "is_edited", "edited_files", "edited_error",
           "check_not_edited"]

#: The editable files a report folder may hold.
EDITABLE_FILES = ("report.pptx",)


def record_path(path: str | os.PathLike[str]) -> Path:
    """The record of an editable file: ``.<name>.orgkit`` beside it."""
    path = Path(path)
    return path.with_name(f".{path.name}.orgkit")


def sha256_of(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        mask = os.umask(0o022)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_editable(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and record what was written.

    Raises
    ------
    OutputError
        ``path`` exists and is not an unchanged file orgkit wrote (:func:`is_edited`): nothing is written.
        Or the folder cannot be written (read-only, full disk).
    """
    path = Path(path)
    check_not_edited(path)
    record = {"orgkit": __version__, "file": path.name, "sha256": hashlib.sha256(data).hexdigest()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(path, data)
        _write_atomically(record_path(path), (json.dumps(record) + "\n").encode("utf-8"))
    except OSError as exc:
        name = os.path.basename(os.fspath(exc.filename)) if exc.filename else ""
        if name.startswith(".") and name.endswith(".tmp"):
            exc.filename = os.fspath(path)  # the temporary sibling means nothing to the user
        raise output_error(exc, path) from exc
    return path


def is_edited(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` holds something orgkit did not write: changed since orgkit wrote it, or never written
    by orgkit (no record beside it). A path that does not exist is not edited."""
    path = Path(path)
    if not os.path.lexists(path):
        return False
    if path.is_symlink() or not path.is_file():
        return True
    try:
        record = json.loads(record_path(path).read_text(encoding="utf-8"))
        return not (isinstance(record, dict) and record.get("sha256") == sha256_of(path))
    except (OSError, ValueError):
        return True


def edited_files(folder: str | os.PathLike[str], names: Iterable[str] = EDITABLE_FILES) -> list[Path]:
    """The editable files in ``folder`` that were changed since orgkit wrote them (or that it did not write)."""
    return [Path(folder) / n for n in names if is_edited(Path(folder) / n)]


def edited_error(paths: Iterable[str | os.PathLike[str]]) -> OutputError:
    """The error for editable files orgkit will not replace: they hold someone's edits."""
    paths = [Path(p) for p in paths]
    names = ", ".join(str(p) for p in paths)
    if len(paths) == 1:
        return OutputError(
            f"{names} was changed after orgkit wrote it (edited in PowerPoint?), so orgkit will not replace it. "
            f"Move it out of {paths[0].parent} (or save your version under another name elsewhere), then run "
            "again. Nothing was written.")
    return OutputError(
        f"{names} were changed after orgkit wrote them (edited in PowerPoint?), so orgkit will not replace them. "
        "Move each out of its report folder (or save your versions under other names elsewhere), then run again. "
        "Nothing was written.")


def check_not_edited(path: str | os.PathLike[str]) -> None:
    """Raise :func:`edited_error` when ``path`` is a folder holding edited files, or an edited file itself."""
    path = Path(path)
    found = edited_files(path) if path.is_dir() and not path.is_symlink() else (
        [path] if is_edited(path) else [])
    if found:
        raise edited_error(found)
