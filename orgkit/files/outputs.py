"""Where orgkit may write: never into a client folder it reads, never over a file or folder it did not write.

Every command checks its output path here *before* it writes anything:

* :func:`check_outside_clients` — an output folder that is, contains or is inside a client folder being
  read is refused (``orgkit report clients/acme -o clients`` would otherwise put the report where the
  client's exports are);
* :func:`check_metrics_file` — ``orgkit assess -o FILE`` writes neither into a client folder nor over a
  file that is not an earlier ``metrics.json``;
* :func:`check_overview_files` — the batch's ``index.html``, ``summary.csv``, ``batch.json``,
  ``batch.log`` and lock file replace only same-named files orgkit wrote (each is recognised by its
  content: orgkit's generator tag, header, keys or first log line).

:func:`clean` removes from a reports folder what orgkit wrote there, and nothing else.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from orgkit.files.atomic import is_orgkit_folder, not_ours, output_errors, read_marker
from orgkit.files.editable import edited_files
from orgkit.errors import OutputError, Problem, ValidationError

__all__ = [
    "check_outside_clients",
    "check_can_be_folder",
    "check_metrics_file",
    "check_overview_files",
    "orgkit_wrote_file",
    "unreadable_input",
    "clean",
    "Cleaned",
    "OVERVIEW_FILES",
    "LOCK_FILE",
]

#: Files a batch writes at the top of its output folder (besides one folder per client).
OVERVIEW_FILES = ("index.html", "summary.csv", "batch.json", "batch.log")
#: The batch's lock file.
LOCK_FILE = ".orgkit-batch.lock"
#: The first columns of ``summary.csv`` (how an earlier one is recognised).
SUMMARY_HEADER = "client,wave,slug,status,reason,report,"
_LOG_FIRST_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+\s+batch started: ")
_LOCK_TEXT = re.compile(r"^(pid \d+)?\s*$")


def _real(path: str | os.PathLike[str]) -> Path:
    return Path(os.path.realpath(os.path.expanduser(os.fspath(path))))


def _within(inner: Path, outer: Path) -> bool:
    """Whether real path ``inner`` is ``outer`` or below it (also through bind mounts and hard links)."""
    if inner == outer or outer in inner.parents:
        return True
    try:
        target = os.stat(outer)
    except OSError:
        return False
    for p in (inner, *inner.parents):
        try:
            st = os.stat(p)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) == (target.st_dev, target.st_ino):
            return True
    return False


def check_outside_clients(output: str | os.PathLike[str], clients: Iterable[str | os.PathLike[str]], *,
                          option: str = "-o") -> None:
    """Refuse an output folder that is, contains or is inside one of the client folders being read.

    Paths are compared as real paths (symbolic links resolved; bind mounts by device and inode).

    Raises
    ------
    OutputError
        Naming the output folder and the client folder; nothing has been written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> check_outside_clients(root / "reports", [root / "clients" / "acme"])  # side by side: fine
    >>> check_outside_clients(root / "clients", [root / "clients" / "acme"])
    Traceback (most recent call last):
    ...
    orgkit.errors.OutputError: the output folder ... contains the client folder ...
    """
    out = _real(output)
    for client in clients:
        folder = _real(client)
        if out == folder or _within(out, folder) and _within(folder, out):
            how = "is the client folder"
        elif _within(out, folder):
            how = "is inside the client folder"
        elif _within(folder, out):
            how = "contains the client folder"
        else:
            continue
        raise OutputError(
            f"the output folder {output} {how} {client}: orgkit never writes among a client's files (a report "
            f"there could replace them). Choose an output folder outside it with {option}, e.g. reports/. "
            "Nothing was written."
        )


def check_can_be_folder(path: str | os.PathLike[str], *, option: str = "-o") -> None:
    """Refuse a folder path that is a file, or lies below a file (orgkit would have to create it there).

    Raises
    ------
    OutputError
        Naming the file that stands in the way; nothing has been written.
    """
    p = Path(os.path.abspath(os.path.expanduser(os.fspath(path))))
    for q in (p, *p.parents):
        if q.is_dir():
            return
        if os.path.lexists(q):
            raise OutputError(
                f"cannot write {path}: a file stands where a folder is expected ({q}). Move that file or choose "
                f"another output folder ({option}). Nothing was written."
            )


def check_metrics_file(path: str | os.PathLike[str], client: str | os.PathLike[str]) -> None:
    """Refuse ``orgkit assess -o path`` inside the client folder, or over a file that is not orgkit's metrics.

    Raises
    ------
    OutputError
        ``path`` is in (or below) the client folder, is a folder, or exists and is not a ``metrics.json``
        orgkit wrote (a JSON object with ``orgkit_version``).
    """
    target = _real(path)
    folder = _real(client)
    if _within(target.parent, folder):
        raise OutputError(
            f"{path} is inside the client folder {client}: orgkit never writes among a client's files (it would "
            "become one of its exports, or replace one). Write metrics.json elsewhere. Nothing was written."
        )
    check_can_be_folder(Path(path).parent)
    if os.path.lexists(path):
        p = Path(path)
        if p.is_dir():
            raise OutputError(f"{path} is a folder; give the path of a file for metrics.json. Nothing was written.")
        if not _is_metrics(p):
            raise not_ours(path, hint="it is not a metrics.json orgkit wrote, so it is left as it is; move it or "
                                      "choose another -o")


def _head(path: Path, n: int = 4096) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(n)


def _is_metrics(path: Path) -> bool:
    try:
        if path.stat().st_size == 0:
            return True
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "orgkit_version" in data


def orgkit_wrote_file(path: str | os.PathLike[str]) -> bool:
    """Whether orgkit may replace (or append to) the batch file ``path``: absent, empty, or orgkit's.

    ``index.html`` carries ``<meta name="generator" content="orgkit">``; ``summary.csv`` starts with
    orgkit's header; ``batch.json`` is a JSON object with ``orgkit_version`` and ``clients``; ``batch.log``
    starts with a ``batch started:`` record; the lock file holds ``pid N`` or nothing. A symbolic link,
    a folder or any other file of such a name is the user's.
    """
    p = Path(path)
    if not os.path.lexists(p):
        return True
    if p.is_symlink() or not p.is_file():
        return False
    try:
        if p.stat().st_size == 0:
            return True
        head = _head(p)
    except OSError:
        return False
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    name = p.name
    if name == "index.html":
        return '<meta name="generator" content="orgkit' in text
    if name == "summary.csv":
        return text.startswith(SUMMARY_HEADER)
    if name == "batch.json":
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(data, dict) and "orgkit_version" in data and "clients" in data
    if name == LOCK_FILE:
        return bool(_LOCK_TEXT.match(text))
    if name.endswith(".log"):
        return bool(_LOG_FIRST_LINE.match(text))
    return False


def check_overview_files(output: str | os.PathLike[str], extra: Iterable[str | os.PathLike[str]] = (),
                         *, names: Iterable[str] = OVERVIEW_FILES + (LOCK_FILE,)) -> None:
    """Refuse to start when a file a batch writes exists in ``output`` and orgkit did not write it.

    Raises
    ------
    OutputError
        Naming the first such file.
    """
    out = Path(output)
    for path in [*(out / n for n in names), *map(Path, extra)]:
        if not orgkit_wrote_file(path):
            raise not_ours(path)


def unreadable_input(folder: str | os.PathLike[str], exc: OSError) -> ValidationError:
    """A :class:`~orgkit.errors.ValidationError` for a client file the operating system would not read."""
    name = Path(exc.filename).name if exc.filename else ""
    what = exc.strerror or str(exc)
    hint = ("Give the account running orgkit read access to it." if isinstance(exc, PermissionError)
            else "Check that the folder and its files are readable.")
    return ValidationError(folder, [Problem(name, f"cannot be read ({what}).", hint)])


# --------------------------------------------------------------------------------------------------
# clean
# --------------------------------------------------------------------------------------------------
@dataclass
class Cleaned:
    """What :func:`clean` did: the paths it removed and those it left because orgkit did not write them."""

    removed: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def clean(folder: str | os.PathLike[str], *, dry_run: bool = False) -> Cleaned:
    """Remove from a reports folder everything orgkit wrote there, and nothing else.

    Removed: every subfolder carrying :data:`~orgkit.files.atomic.MARKER` (reports, failed runs' records, a
    batch's work folder and staging folders), report folders of orgkit versions before the marker (they hold
    only orgkit's files), and the overview files orgkit recognises as its own (:func:`orgkit_wrote_file`).
    Everything else is listed in :attr:`Cleaned.kept` and left as it is, as is the folder itself, and so is a
    report folder whose ``report.pptx`` was edited since orgkit wrote it
    (:func:`orgkit.files.editable.edited_files`).

    Parameters
    ----------
    folder : path
        A reports folder.
    dry_run : bool
        Only say what would be removed.

    Returns
    -------
    Cleaned
    """
    root = Path(folder)
    done = Cleaned()
    if not root.is_dir():
        return done
    for p in sorted(root.iterdir()):
        if p.name in (".gitkeep", "README.md"):
            continue
        if p.is_dir() and not p.is_symlink():
            marker = read_marker(p)
            ours = marker is not None or is_orgkit_folder(p, "report") or is_orgkit_folder(p, "failed")
            if not ours and p.name.endswith(".tmp") and p.name.startswith(".") and not any(p.iterdir()):
                ours = True  # an empty staging folder of a run killed before it wrote anything
            if ours and edited_files(p):
                ours = False  # a report whose deck was reworked in PowerPoint holds someone's work
        else:
            ours = p.name in OVERVIEW_FILES + (LOCK_FILE,) and orgkit_wrote_file(p)
        if not ours:
            done.kept.append(p)
            continue
        if not dry_run:
            with output_errors(p, doing="remove"):
                if p.is_dir():
                    shutil.rmtree(p)
                else:
                    p.unlink()
        done.removed.append(p)
    return done
