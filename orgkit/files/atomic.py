"""Writes that never lose a user's data: whole files and whole folders, and only over what orgkit wrote.

* :func:`write_text` and :func:`write_json` write a temporary sibling and rename it into place: a reader
  sees the old file or the new one, never a part.
* Every folder orgkit publishes (a report, the record of a failed run, a batch's work folder) carries a
  marker file, :data:`MARKER`, holding a small JSON (``{"orgkit": version, "kind": ..., "slug": ...}``).
  :func:`swap_in` replaces, and :func:`remove_folder` deletes, only a folder that carries it (or an old
  report folder holding nothing but the files orgkit writes into one); anything else is the user's.
* An :class:`OSError` at a write (a read-only folder, a full disk, a file where a folder should be)
  becomes an :class:`~orgkit.errors.OutputError` that names the path and what to do.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from orgkit._version import __version__
from orgkit.errors import OutputError

__all__ = [
    "write_text",
    "write_json",
    "swap_in",
    "MARKER",
    "SAMPLE_MARKER",
    "IMPORT_MARKER",
    "mark",
    "read_marker",
    "is_orgkit_folder",
    "remove_folder",
    "not_ours",
    "output_error",
    "output_errors",
]

#: The marker file of every folder orgkit publishes into an output folder.
MARKER = ".orgkit-report"
#: The marker file of a synthetic client folder written by :func:`orgkit.data.sample.generate_client`.
SAMPLE_MARKER = ".orgkit-sample"
#: The marker of a client folder written by ``orgkit import``: it lists each file the import wrote and its
#: sha256, so a re-import replaces only those files, and only while they are as the import left them.
IMPORT_MARKER = ".orgkit-import"
#: What a report folder of orgkit versions before the marker held (a folder holding only these is orgkit's).
_LEGACY_REPORT = {"report.html", "report.pdf", "assessment.ipynb", "metrics.json", "figures"}
_LEGACY_FAILED = {"assessment.ipynb", "error.txt"}


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# --------------------------------------------------------------------------------------------------
# OSError -> OutputError
# --------------------------------------------------------------------------------------------------
_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
_DENIED = (errno.EACCES, errno.EPERM, errno.EROFS)
_NOT_A_FOLDER = (errno.ENOTDIR, errno.EEXIST)


def output_error(exc: OSError, path: str | os.PathLike[str] | None = None, *, doing: str = "write") -> OutputError:
    """An :class:`~orgkit.errors.OutputError` for an :class:`OSError` met while writing ``path``.

    Parameters
    ----------
    exc : OSError
        What the operating system said.
    path : path, optional
        What was being written (the error's own file name wins when it has one).
    doing : str
        The verb of the message (``write``, ``create``, ``replace``).

    Examples
    --------
    >>> import errno
    >>> str(output_error(OSError(errno.ENOSPC, "No space left on device"), "reports/acme"))
    'cannot write reports/acme: the disk is full (No space left on device). Free some space or choose another output folder; nothing that existed was replaced.'
    """
    where = exc.filename if exc.filename not in (None, "") else path
    where = os.fspath(where) if where is not None else "the output"
    strerror = exc.strerror or str(exc) or type(exc).__name__
    if exc.errno in _FULL:
        text = (f"the disk is full ({strerror}). Free some space or choose another output folder; nothing that "
                "existed was replaced.")
    elif exc.errno == errno.EROFS:
        text = f"the file system is read-only ({strerror}). Choose another output folder (-o)."
    elif exc.errno in _DENIED or isinstance(exc, PermissionError):
        text = (f"permission denied ({strerror}). The folder is read-only or belongs to another user; choose "
                "another output folder (-o) or change its permissions.")
    elif exc.errno in _NOT_A_FOLDER or isinstance(exc, (NotADirectoryError, FileExistsError)):
        text = (f"a file stands where a folder is expected ({strerror}). Move that file or choose another output "
                "folder (-o).")
    elif exc.errno == errno.EISDIR or isinstance(exc, IsADirectoryError):
        text = f"a folder stands where a file is expected ({strerror}). Move it or choose another path."
    else:
        text = f"{strerror}."
    err = OutputError(f"cannot {doing} {where}: {text}")
    err.errno = exc.errno  # type: ignore[attr-defined]
    return err


@contextmanager
def output_errors(path: str | os.PathLike[str] | None = None, *, doing: str = "write") -> Iterator[None]:
    """Turn an :class:`OSError` raised inside the block into :func:`output_error` (the write boundary)."""
    try:
        yield
    except OSError as exc:
        raise output_error(exc, path, doing=doing) from exc


# --------------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------------
def write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8", *, mode: int | None = None) -> Path:
    """Write ``text`` to ``path`` atomically, with the usual file mode (``mkstemp`` alone makes 0600).

    A reader sees the old file or the new one, never a part; a failure leaves the old file as it was.
    ``mode`` (``0o600`` for a secret) is set before the file appears at ``path``.

    Raises
    ------
    OutputError
        When the folder cannot be written (read-only, full, a file where a folder should be).
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
        try:
            os.chmod(tmp, 0o666 & ~_umask() if mode is None else mode)
            with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
                fh.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        name = os.path.basename(os.fspath(exc.filename)) if exc.filename else ""
        if name.startswith(f".{path.name}-") and name.endswith(".tmp"):
            exc.filename = os.fspath(path)  # the temporary sibling means nothing to the user: name the file
        raise output_error(exc, path) from exc
    return path


def write_json(path: str | os.PathLike[str], data: Any) -> Path:
    """Write plain-JSON ``data`` (indented, UTF-8, no NaN) to ``path`` atomically."""
    return write_text(path, json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


# --------------------------------------------------------------------------------------------------
# Markers
# --------------------------------------------------------------------------------------------------
def mark(folder: str | os.PathLike[str], kind: str, slug: str | None = None, *, name: str = MARKER) -> Path:
    """Write the marker that says orgkit wrote ``folder`` (``kind``: ``report``, ``failed``, ``work``, ...)."""
    data = {"orgkit": __version__, "kind": kind, "slug": slug}
    return write_text(Path(folder) / name, json.dumps(data, ensure_ascii=False) + "\n")


def read_marker(folder: str | os.PathLike[str], *, name: str = MARKER) -> dict[str, Any] | None:
    """The marker of ``folder`` as a dict, or ``None`` when it has none (or it is not orgkit's JSON)."""
    path = Path(folder) / name
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 4096:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and "orgkit" in data and isinstance(data.get("kind"), str):
        return data
    return None


def _legacy(folder: Path, kind: str) -> bool:
    """A folder of an orgkit version before the marker: it holds nothing but what orgkit writes there."""
    try:
        names = {p.name for p in folder.iterdir()}
    except OSError:
        return False
    if kind == "report":
        if "metrics.json" not in names or not names <= _LEGACY_REPORT:
            return False
        figures = folder / "figures"
        if figures.exists() and (figures.is_symlink() or not figures.is_dir()
                                 or any(p.suffix != ".png" or not p.is_file() for p in figures.iterdir())):
            return False
        try:
            data = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(data, dict) and "orgkit_version" in data
    if kind == "failed":
        return "error.txt" in names and names <= _LEGACY_FAILED
    return False


def is_orgkit_folder(folder: str | os.PathLike[str], kind: str | None = None) -> bool:
    """Whether ``folder`` is a folder orgkit wrote (of ``kind``, when given) and may replace or remove.

    A folder is orgkit's when it carries :data:`MARKER` (of that kind), or, for a report or a failed
    run's record, when it holds nothing but the files orgkit of a version before the marker wrote there.
    A symbolic link is never orgkit's (orgkit writes real folders).
    """
    folder = Path(folder)
    if folder.is_symlink() or not folder.is_dir():
        return False
    marker = read_marker(folder)
    if marker is not None:
        return kind is None or marker.get("kind") == kind
    return kind in ("report", "failed") and _legacy(folder, kind)


def not_ours(path: str | os.PathLike[str], *, hint: str = "move it or choose another -o") -> OutputError:
    """The error for a path orgkit will not replace or remove because it did not write it."""
    return OutputError(f"{path} exists and was not written by orgkit; {hint}. Nothing was written.")


def remove_folder(folder: str | os.PathLike[str], kind: str | None = None) -> bool:
    """Delete ``folder`` when orgkit wrote it (see :func:`is_orgkit_folder`); leave anything else alone.

    Returns
    -------
    bool
        Whether it was removed (``False``: it did not exist or is not orgkit's).
    """
    folder = Path(folder)
    if not is_orgkit_folder(folder, kind):
        return False
    shutil.rmtree(folder, ignore_errors=True)
    return not folder.exists()


# --------------------------------------------------------------------------------------------------
# Folders
# --------------------------------------------------------------------------------------------------
def swap_in(new: str | os.PathLike[str], final: str | os.PathLike[str]) -> None:
    """Put folder ``new`` at ``final`` with renames in one file system; an old ``final`` survives a failure.

    ``new`` must carry the marker (:func:`mark`). An existing ``final`` is replaced only when it is a
    folder orgkit wrote, of the same kind; it is first renamed aside, then ``new`` takes its place, then
    the old one is removed: if the second rename fails the old folder is put back.

    Raises
    ------
    OutputError
        ``final`` exists and was not written by orgkit (nothing is changed), or the renames failed.
    ValueError
        ``new`` carries no marker (a programming error: everything orgkit publishes is marked).
    """
    new, final = Path(new), Path(final)
    marker = read_marker(new)
    if marker is None:
        raise ValueError(f"{new} carries no {MARKER} marker; mark() it before publishing it.")
    old: Path | None = None
    if final.exists() or final.is_symlink():
        if not is_orgkit_folder(final, marker["kind"]):
            raise not_ours(final)
        old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:10]}")
        with output_errors(final, doing="replace"):
            os.replace(final, old)
    try:
        with output_errors(final, doing="replace"):
            os.replace(new, final)
    except OutputError:
        if old is not None:
            os.replace(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
