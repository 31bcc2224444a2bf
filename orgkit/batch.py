"""Build many clients' reports in one run: in worker processes on this machine, or on a Dask cluster.

:func:`run_batch` is what ``orgkit batch`` calls. It reads the list of clients (a folder of client
folders, or a CSV/YAML manifest with per-client overrides), skips every client whose inputs, parameters
and code have not changed since its last successful report, runs the rest in parallel through
:func:`orgkit.report.run_client`, and ends by rebuilding the portfolio overview
(:func:`orgkit.overview.build_overview`).

Layout of ``output_dir`` after a run::

    <slug>/report.html, metrics.json, ...  one folder per client, swapped in whole when it is complete
    <slug>.failed/error.txt               only for a client whose last run failed (and the executed
                                          notebook when a cell failed); removed by its next success
    index.html, summary.csv               the overview of every report in the folder
    batch.json                            what the last run did to each client (read by the overview)
    batch.log                             every run's start, end, per-client status, timing, tracebacks

Every report is built in a private folder under ``output_dir/.orgkit-batch-tmp/`` and renamed into
place only when it is complete, its ``metrics.json`` already holding the ``inputs`` that make it
skippable. An interrupted batch (Ctrl-C, SIGTERM, a killed worker, a killed machine) therefore leaves
every finished report intact and no half-written one, and the next run picks up where it stopped.

Nothing of the user's is touched: the output folder may not be, contain or lie inside any client folder
of the batch, a ``<slug>/`` folder is replaced only when it carries orgkit's marker (``.orgkit-report``),
and the overview files replace only files orgkit wrote. All of this is checked before anything is
written. Worker processes stop when the batch process is gone (killed, even with SIGKILL) and never
publish a report after that.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import json
import logging
import math
import multiprocessing
import os
import re
import shutil
import sys
import time
import traceback
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

from .atomic import (
    is_orgkit_folder,
    mark,
    not_ours,
    output_error,
    output_errors,
    read_marker,
    remove_folder,
    swap_in,
    write_json,
)
from ._version import __version__
from .contract import LANGUAGES, STAGES, TABLES
from .errors import ConfigError, ManifestError, OrgkitError, OutputError
from .outputs import LOCK_FILE as _LOCK_FILE

__all__ = [
    "run_batch",
    "BatchSummary",
    "ClientOutcome",
    "ClientTask",
    "BatchInterrupted",
    "load_tasks",
    "read_manifest",
    "discover_clients",
    "input_files",
    "input_fingerprint",
    "MANIFEST_COLUMNS",
    "TMP_DIR",
]

logger = logging.getLogger(__name__)

#: Manifest columns: canonical name -> spellings accepted in a header (compared lower case, ``_`` = space).
MANIFEST_COLUMNS: dict[str, tuple[str, ...]] = {
    "folder": ("folder", "path", "client_dir", "client_folder", "dir"),
    "name": ("name", "client", "client_name"),
    "slug": ("slug",),
    "wave": ("wave", "date", "period", "quarter"),
    "language": ("language", "lang"),
    "stage": ("stage",),
    "min_group_size": ("min_group_size",),
}
#: Private working folder under ``output_dir`` (removed at the start of every run).
TMP_DIR = ".orgkit-batch-tmp"
_STATE_FILE = "batch.json"
_INPUT_SUFFIXES = (".csv", ".xlsx", ".xls", ".txt", ".tsv", ".json")
_SETTINGS_FILES = ("client.yml", "client.yaml")
_SAFE_SLUG = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$")


# --------------------------------------------------------------------------------------------------
# What to run
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClientTask:
    """One client of a batch: where its data is, where its report goes, and its overrides.

    Attributes
    ----------
    slug : str
        The report folder ``output_dir/<slug>/`` (one safe path component).
    folder : str
        The client folder, absolute (it must be visible at the same path on every worker).
    name, wave : str or None
        Display name (overrides the report's client name in the overview) and wave/date label.
    language, stage, min_group_size : optional
        Overrides of the client's ``client.yml`` (``None`` keeps it).
    source : str
        Where the client was listed, for messages (``manifest.csv, row 3`` or the folder).
    pdf : bool
        Whether ``report.pdf`` is printed too.
    inputs : dict
        :func:`input_fingerprint` of the client, computed before it is dispatched.
    """

    slug: str
    folder: str
    name: str | None = None
    wave: str | None = None
    language: str | None = None
    stage: str | None = None
    min_group_size: int | None = None
    source: str = ""
    pdf: bool = False
    inputs: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def parameters(self) -> dict[str, Any]:
        """Everything besides the input files that decides what the report holds."""
        return {
            "language": self.language,
            "stage": self.stage,
            "min_group_size": self.min_group_size,
            "pdf": bool(self.pdf),
            "name": self.name,
            "wave": self.wave,
        }


def _slug(text: str) -> str:
    from .report import client_slug

    return client_slug(text)


def _is_client_folder(path: Path) -> bool:
    return any(
        p.is_file() and p.stem.strip().lower() == "people" and p.suffix.lower() in (".csv", ".xlsx")
        for p in path.iterdir()
    )


def _settings_wave(folder: Path) -> str | None:
    """``wave:`` (or ``date:``) of a client's ``client.yml``, so waves work without a manifest."""
    from .errors import ValidationError
    from .reading import load_settings_file

    try:  # bounded: a hostile client.yml is refused here as it is by the loader
        data, _ = load_settings_file(folder)
    except (OSError, ValidationError):
        return None  # the loader reports it as the client's own validation error
    return _text(data.get("wave", data.get("date")))


def discover_clients(
    folder: str | os.PathLike[str], output_dir: str | os.PathLike[str] | None = None
) -> list[ClientTask]:
    """Every subfolder of ``folder`` that holds a ``people.csv`` or ``people.xlsx``, in name order.

    Parameters
    ----------
    folder : path
        A folder of client folders.
    output_dir : path, optional
        The reports folder; skipped when it lies inside ``folder`` (unless it is a client folder itself).

    Returns
    -------
    list of ClientTask

    Raises
    ------
    ManifestError
        When ``folder`` holds no client folder, is itself a client folder, or two subfolders give the
        same report folder name.
    """
    root = Path(folder).expanduser().resolve()
    out = Path(output_dir).expanduser().resolve() if output_dir is not None else None
    if _is_client_folder(root):
        raise ManifestError(
            f"{root} is a client folder (it has a people file), not a folder of client folders. "
            f"Run `orgkit report {root}` for one client, or give its parent folder to batch."
        )
    tasks: list[ClientTask] = []
    seen: dict[str, Path] = {}
    for sub in sorted(p for p in root.iterdir() if p.is_dir()):
        if sub.name.startswith((".", "_")) or (out is not None and sub.resolve() == out
                                                and not _is_client_folder(sub)):
            continue  # a client folder given as the output stays in, for run_batch to refuse
        if not _is_client_folder(sub):
            logger.info("skipping %s: no people.csv or people.xlsx in it", sub)
            continue
        slug = _slug(sub.name)
        if slug in seen:
            raise ManifestError(
                f"{seen[slug].name} and {sub.name} would both be reported to '{slug}/'. Rename one of the "
                "folders, or list the clients in a manifest with a slug column."
            )
        seen[slug] = sub
        tasks.append(ClientTask(slug=slug, folder=str(sub), wave=_settings_wave(sub), source=str(sub)))
    if not tasks:
        raise ManifestError(
            f"{root} holds no client folder (a subfolder with people.csv or people.xlsx). Give a folder of "
            "client folders, or a manifest (.csv or .yml) listing them."
        )
    return tasks


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _manifest_rows(path: Path) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    """Raw rows of a manifest: ``[(label, {header: value})]`` and the problems found reading it."""
    problems: list[str] = []
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from .loading import detect_encoding

        data = path.read_bytes()
        try:
            text = data.decode(detect_encoding(data))
        except UnicodeDecodeError:
            raise ManifestError(
                f"{path.name}: cannot be read as UTF-8 or GB18030 text; save it as CSV UTF-8."
            ) from None
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        if not lines:
            raise ManifestError(
                f"{path.name}: is empty; it needs a header row with a folder column and one row per client."
            )
        try:
            dialect = csv.Sniffer().sniff(lines[0], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        # keep spreadsheet row numbers: read the raw text, skipping blank and comment lines as we go
        reader = csv.reader(io.StringIO(text), dialect)
        header: list[str] | None = None
        rows: list[tuple[str, dict[str, Any]]] = []
        for number, cells in enumerate(reader, start=1):
            if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
                continue
            if header is None:
                header = [c.strip() for c in cells]
                continue
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                problems.append(f"{path.name}, row {number}: has {len(cells)} cells but the header has {len(header)}.")
            rows.append((f"{path.name}, row {number}", dict(zip(header, cells))))
        return rows, problems
    if suffix in (".yml", ".yaml"):
        import yaml

        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ManifestError(f"{path.name}: is not valid YAML ({exc}).") from None
        defaults: dict[str, Any] = {}
        if isinstance(data, Mapping):
            unknown = [k for k in data if k not in ("clients", "defaults")]
            if unknown:
                problems.append(f"{path.name}: unknown top-level key(s) {', '.join(map(str, unknown))}; "
                                "use clients: (a list) and optionally defaults: (a mapping).")
            defaults = data.get("defaults") or {}
            if not isinstance(defaults, Mapping):
                problems.append(f"{path.name}: defaults must be a mapping of column: value.")
                defaults = {}
            data = data.get("clients")
        if not isinstance(data, list):
            raise ManifestError(f"{path.name}: must be a list of clients (each a mapping with a folder key), or a "
                                "mapping with a clients: list.")
        rows = []
        for i, item in enumerate(data, start=1):
            label = f"{path.name}, client {i}"
            if isinstance(item, str):
                item = {"folder": item}
            if not isinstance(item, Mapping):
                problems.append(f"{label}: must be a mapping such as {{folder: clients/acme}}. Got {item!r}.")
                continue
            rows.append((label, {**defaults, **item}))
        return rows, problems
    raise ManifestError(
        f"{path.name}: a manifest must be a .csv, .yml or .yaml file. Got {path.suffix or 'no suffix'!r}."
    )


def _canonical_column(header: str) -> str | None:
    key = re.sub(r"[\s\-.]+", "_", str(header).strip().lower()).strip("_")
    for canonical, spellings in MANIFEST_COLUMNS.items():
        if key in spellings:
            return canonical
    return None


def read_manifest(path: str | os.PathLike[str]) -> list[ClientTask]:
    """Read and validate a batch manifest (CSV or YAML): one client per row, folders relative to it.

    Parameters
    ----------
    path : path
        A ``.csv`` (header row, then one row per client) or ``.yml`` file (a list of mappings, or
        ``{defaults: {...}, clients: [...]}``). Columns: ``folder`` (required), ``name``, ``slug``,
        ``wave`` (or ``date``), ``language``, ``stage``, ``min_group_size``; an empty cell keeps the
        client's own setting.

    Returns
    -------
    list of ClientTask
        In manifest order.

    Raises
    ------
    ManifestError
        Listing every problem found, each naming its row: unknown columns, a missing or absent folder,
        a value outside what is allowed, duplicate slugs.

    Notes
    -----
    The slug defaults to the folder's name (as ``orgkit report`` names it); when several rows share
    a folder name and have a wave, the wave is appended (``acme-2025-q1``).
    """
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise ManifestError(f"manifest not found: {path}")
    rows, problems = _manifest_rows(path)
    base = path.parent
    parsed: list[tuple[str, dict[str, Any]]] = []
    for label, raw in rows:
        values: dict[str, Any] = {}
        for header, value in raw.items():
            canonical = _canonical_column(header)
            if canonical is None:
                problems.append(
                    f"{label}: unknown column {header!r}. Allowed: {', '.join(MANIFEST_COLUMNS)}."
                )
                continue
            if canonical in values and values[canonical] is not None and _text(value) is not None:
                problems.append(f"{label}: {canonical} is given twice.")
            if _text(value) is not None or canonical not in values:
                values[canonical] = value
        row: dict[str, Any] = {}
        folder = _text(values.get("folder"))
        if folder is None:
            problems.append(f"{label}: the folder is missing; give the client folder, relative to the manifest.")
        else:
            resolved = (base / Path(folder).expanduser()).resolve()
            if not resolved.is_dir():
                problems.append(f"{label}: folder {folder!r} does not exist (looked for {resolved}).")
            row["folder"] = str(resolved)
        row["name"] = _text(values.get("name"))
        row["wave"] = _text(values.get("wave"))
        language = _text(values.get("language"))
        if language is not None:
            language = language.lower()
            if language not in LANGUAGES:
                problems.append(f"{label}: language must be one of {set(LANGUAGES)}. Got {language!r} instead.")
        row["language"] = language
        stage = _text(values.get("stage"))
        if stage is not None:
            stage = stage.lower()
            if stage not in STAGES:
                problems.append(f"{label}: stage must be one of {set(STAGES)}. Got {stage!r} instead.")
        row["stage"] = stage
        mgs = values.get("min_group_size")
        row["min_group_size"] = None
        if _text(mgs) is not None:
            number: int | None = None
            if isinstance(mgs, bool):
                number = None
            elif isinstance(mgs, int):
                number = mgs
            else:
                try:
                    as_float = float(str(mgs).strip())
                    number = int(as_float) if as_float.is_integer() else None
                except ValueError:
                    number = None
            if number is None or number < 1:
                problems.append(f"{label}: min_group_size must be a whole number of at least 1. Got {mgs!r} instead.")
            else:
                row["min_group_size"] = number
        slug = _text(values.get("slug"))
        if slug is not None and (not _SAFE_SLUG.match(slug) or slug != _slug(slug) or slug.endswith(".failed")):
            problems.append(f"{label}: slug {slug!r} is not a safe folder name; use lower-case letters, digits and "
                            f"'-', e.g. {_slug(slug)!r}.")
        row["slug"] = slug
        parsed.append((label, row))
    if not rows and not problems:
        problems.append(f"{path.name}: lists no client.")

    # default slugs: the folder name; the wave appended where folder names collide
    base_slugs = [_slug(Path(r["folder"]).name) if r.get("folder") else "" for _, r in parsed]
    counts: dict[str, int] = {}
    for (_, r), b in zip(parsed, base_slugs):
        if r["slug"] is None:
            counts[b] = counts.get(b, 0) + 1
    owner: dict[str, str] = {}
    tasks: list[ClientTask] = []
    for (label, r), b in zip(parsed, base_slugs):
        slug = r["slug"]
        if slug is None:
            slug = f"{b}-{_slug(r['wave'])}" if counts.get(b, 0) > 1 and r["wave"] else b
        if slug in owner:
            problems.append(f"{label}: slug {slug!r} is already used by {owner[slug]}; give each client its own "
                            "slug (add a slug column, or a wave to tell the dates apart).")
            continue
        owner[slug] = label
        if "folder" in r:
            tasks.append(ClientTask(slug=slug, folder=r["folder"], name=r["name"], wave=r["wave"],
                                    language=r["language"], stage=r["stage"], min_group_size=r["min_group_size"],
                                    source=label))
    if problems:
        n = len(problems)
        raise ManifestError(f"{path.name}: {n} problem{'s' if n != 1 else ''} found; nothing was run.\n"
                            + "\n".join(f"  - {p}" for p in problems))
    return tasks


def load_tasks(source: str | os.PathLike[str], output_dir: str | os.PathLike[str] | None = None) -> list[ClientTask]:
    """The clients of ``source``: a manifest file (:func:`read_manifest`) or a folder (:func:`discover_clients`)."""
    path = Path(source).expanduser()
    if path.is_dir():
        return discover_clients(path, output_dir)
    if path.is_file():
        return read_manifest(path)
    raise ManifestError(f"{path} does not exist; give a folder of client folders or a manifest (.csv, .yml).")


# --------------------------------------------------------------------------------------------------
# Fingerprints
# --------------------------------------------------------------------------------------------------
def input_files(folder: str | os.PathLike[str]) -> list[Path]:
    """The files of a client folder that the data contract reads (and ``client.yml``), sorted by name.

    Every file whose name (before the suffix) is a table of :data:`orgkit.contract.TABLES`, in any of
    the formats the loader reads or reports on, and ``client.yml``/``client.yaml``. Other files in the
    folder (notes, old exports) do not make a client rerun.
    """
    root = Path(folder)
    out = []
    for p in root.iterdir():
        if not p.is_file() or p.name.startswith((".", "~$")):
            continue
        if p.name.lower() in _SETTINGS_FILES or (
            p.stem.strip().lower() in TABLES and p.suffix.lower() in _INPUT_SUFFIXES
        ):
            out.append(p)
    return sorted(out, key=lambda p: p.name)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _notebook_sha256() -> str | None:
    try:
        from .report import notebook_path

        return _sha256(notebook_path())
    except (OrgkitError, OSError):
        return None


def input_fingerprint(
    folder: str | os.PathLike[str],
    parameters: Mapping[str, Any] | None = None,
    *,
    notebook_sha256: str | None = None,
) -> dict[str, Any]:
    """What a report depends on, hashed: the content of every input file, the parameters and the code.

    Parameters
    ----------
    folder : path
        The client folder.
    parameters : mapping, optional
        Overrides and options of the run (plain JSON values).
    notebook_sha256 : str, optional
        SHA-256 of the report notebook (default: the one :func:`orgkit.report.notebook_path` finds).

    Returns
    -------
    dict
        ``{"files": {name: sha256}, "parameters": {...}, "code": {"orgkit": version, "notebook": sha256},
        "fingerprint": sha256}``: the fingerprint is the SHA-256 of the canonical JSON of the other three.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "people.csv").write_text("employee_id,department\\n1,A\\n")
    >>> fp = input_fingerprint(d, {"language": "en"}, notebook_sha256="x")
    >>> sorted(fp["files"]), len(fp["fingerprint"])
    (['people.csv'], 64)
    """
    files = {p.name: _sha256(p) for p in input_files(folder)}
    body = {
        "files": files,
        "parameters": dict(parameters or {}),
        "code": {
            "orgkit": __version__,
            "notebook": notebook_sha256 if notebook_sha256 is not None else _notebook_sha256(),
        },
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    body["fingerprint"] = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return body


def _recorded_fingerprint(report_dir: Path, pdf: bool) -> str | None:
    """The fingerprint stored with a complete report, or ``None`` when there is no complete report."""
    if not (report_dir / "report.html").is_file() or (pdf and not (report_dir / "report.pdf").is_file()):
        return None
    try:
        data = json.loads((report_dir / "metrics.json").read_text(encoding="utf-8"))
        return data["inputs"]["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


# --------------------------------------------------------------------------------------------------
# One client, in a worker
# --------------------------------------------------------------------------------------------------
def _reason(exc: BaseException) -> str:
    """One line saying why a client failed: the first validation problem, or the message's first line."""
    problems = getattr(exc, "problems", None)
    if problems:
        more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
        return f"{problems[0]}{more}"
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    text = lines[0] if lines else ""
    if not isinstance(exc, OrgkitError):
        text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return text or type(exc).__name__


def _moved(message: str, work: Path, task: ClientTask, output_dir: Path) -> str:
    """A message naming the private work folder's ``.failed`` copy, made to name the kept one."""
    from .report import client_slug

    return message.replace(str(work / f"{client_slug(task.folder)}.failed"), str(output_dir / f"{task.slug}.failed"))


def _record_failure(output_dir: Path, work: Path, task: ClientTask, exc: BaseException, tb: str) -> None:
    """Keep ``<slug>.failed/`` (error.txt, and the executed notebook when run_client kept one).

    A ``<slug>.failed`` that orgkit did not write is left as it is (:func:`~orgkit.atomic.swap_in` refuses).
    """
    from .report import client_slug

    failed = output_dir / f"{task.slug}.failed"
    kept = work / f"{client_slug(task.folder)}.failed"
    staged = work / f"{task.slug}.failed.new"
    with output_errors(failed):
        if kept.is_dir():
            os.replace(kept, staged)
        else:
            staged.mkdir(parents=True, exist_ok=True)
        mark(staged, "failed", task.slug)
        text = f"{type(exc).__name__}: {_moved(str(exc), work, task, output_dir)}\n"
        if not isinstance(exc, OrgkitError):
            text += "\n" + tb
        (staged / "error.txt").write_text(text, encoding="utf-8")
    if _abandoned():
        return
    swap_in(staged, failed)


# --------------------------------------------------------------------------------------------------
# Stopping with the batch process
# --------------------------------------------------------------------------------------------------
#: In a worker process: the read end of a pipe whose only write end the batch process holds. It becomes
#: readable (end of file) when the batch process is gone, however it ended.
_PARENT_PIPE: Any = None


def _set_parent_death_signal(sig: int) -> bool:
    """Ask Linux to send ``sig`` to this process when its parent ends (``prctl(PR_SET_PDEATHSIG)``)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(1, int(sig), 0, 0, 0) == 0  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # no libc prctl: the pipe check below still guards publishing
        return False


def _on_worker_signal(signum: int, frame: Any) -> None:
    """SIGTERM in a worker (the pool being stopped, or its parent gone): stop its kernel and end now."""
    from .report import stop_kernels

    stop_kernels()
    os._exit(128 + signum)


def _watch_parent(pipe: Any) -> None:
    """In a worker's watcher thread: wait for the batch process to be gone, then stop the worker at once."""
    from multiprocessing.connection import wait as wait_for

    try:
        wait_for([pipe])  # the batch process never writes: this returns at end of file
    except (OSError, ValueError):
        pass
    from .report import stop_kernels

    stop_kernels()
    os._exit(143)


def _worker_init(parent_pipe: Any, one_process: bool) -> None:
    """Initialiser of every worker process of a batch's pool.

    The worker ends, and kills its notebook kernel, as soon as the batch process is gone however it ended
    (even SIGKILL): a watcher thread waits for end of file on ``parent_pipe``, whose only write end the
    batch process holds. On Linux it also asks for SIGTERM when the process that forked it ends
    (``PR_SET_PDEATHSIG``). SIGTERM (the pool being stopped) kills its kernel before it ends. Before it
    publishes a report it checks the pipe again (:func:`_abandoned`).
    """
    import signal
    import threading

    global _PARENT_PIPE
    _PARENT_PIPE = parent_pipe
    if one_process:
        from .assessment import PARALLEL_ENV

        os.environ[PARALLEL_ENV] = "0"
    signal.signal(signal.SIGTERM, _on_worker_signal)
    _set_parent_death_signal(signal.SIGTERM)
    if parent_pipe is not None:
        threading.Thread(target=_watch_parent, args=(parent_pipe,), name="orgkit-parent-watch",
                         daemon=True).start()


def _dask_task_cancelled() -> bool:
    """On a Dask worker: whether the scheduler has let go of the running task (its client is gone)."""
    if "distributed" not in sys.modules:  # not imported: this is no Dask worker
        return False
    try:
        from distributed import get_worker
        from distributed.worker import thread_state
    except ImportError:  # pragma: no cover - Dask is a dependency
        return False
    try:
        worker = get_worker()
    except ValueError:  # not on a Dask worker
        return False
    key = getattr(thread_state, "key", None)
    if key is None:
        return False
    ts = worker.state.tasks.get(key)
    return ts is None or ts.state in ("cancelled", "released", "forgotten")


def _abandoned() -> bool:
    """Whether the batch this process works for is gone: then nothing may be published any more.

    In a worker of the local pool: the batch process ended (its end of :data:`_PARENT_PIPE` closed). On a
    Dask worker: the scheduler released the task (the batch process that submitted it disconnected, or
    cancelled it).
    """
    pipe = _PARENT_PIPE
    if pipe is not None:
        try:
            if pipe.poll(0):  # the batch process never writes: readable means end of file
                return True
        except (OSError, EOFError, ValueError):
            return True
    return _dask_task_cancelled()


def _run_task(task: ClientTask, output_dir: str, timeout: float = 600) -> dict[str, Any]:
    """Produce one client's report into ``output_dir/<slug>/``; runs in a worker. Never raises for a failed
    client (except KeyboardInterrupt): returns a small dict with ``status`` ``done`` or ``failed``."""
    from . import report
    from .errors import NotebookCellError

    t0 = time.perf_counter()
    out = Path(output_dir)
    work = out / TMP_DIR / f"{task.slug}-{uuid.uuid4().hex[:10]}"
    try:
        with output_errors(work, doing="create"):
            work.mkdir(parents=True)
        result = report.run_client(
            task.folder, work, language=task.language, stage=task.stage, min_group_size=task.min_group_size,
            pdf=task.pdf, progress=False, timeout=timeout,
        )
        data = dict(result.metrics_data)
        data["inputs"] = task.inputs
        data["batch"] = {"slug": task.slug, "name": task.name, "wave": task.wave, "folder": task.folder,
                         "source": task.source}
        write_json(result.out_dir / "metrics.json", data)
        mark(result.out_dir, "report", task.slug)
        if _abandoned():  # the batch process is gone: nobody asked for this report any more
            return _failure(task, "not published: the batch that started it is gone", "Abandoned",
                            time.perf_counter() - t0)
        swap_in(result.out_dir, out / task.slug)
        remove_folder(out / f"{task.slug}.failed", "failed")
        client = data.get("client") or {}
        return {
            "slug": task.slug, "status": "done", "seconds": time.perf_counter() - t0,
            "report": str(out / task.slug / "report.html"), "scores": data.get("scores"),
            "people": client.get("people"), "timings": dict(result.timings), "pid": os.getpid(),
        }
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - one client's failure must never stop the batch
        if isinstance(exc, NotebookCellError) and exc.ename == "KeyboardInterrupt":
            raise KeyboardInterrupt from exc  # Ctrl-C reached the kernel first
        tb = traceback.format_exc()
        try:
            _record_failure(out, work, task, exc, tb)
        except (OSError, OrgkitError) as record_exc:  # the client's own failure is what the summary reports
            logger.warning("%s: could not keep %s.failed: %s", task.slug, task.slug, record_exc)
        return {
            "slug": task.slug, "status": "failed", "seconds": time.perf_counter() - t0,
            "error_type": type(exc).__name__, "reason": _moved(_reason(exc), work, task, out),
            "message": _moved(str(exc), work, task, out),
            "traceback": None if isinstance(exc, OrgkitError) else tb, "pid": os.getpid(),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --------------------------------------------------------------------------------------------------
# Outcomes
# --------------------------------------------------------------------------------------------------
@dataclass
class ClientOutcome:
    """What a batch did with one client.

    Attributes
    ----------
    slug, folder, name, wave : str
        As in :class:`ClientTask`.
    status : {"done", "skipped", "failed", "not run"}
        ``not run``: the batch was interrupted before it got there.
    seconds : float
        Wall time of its report (0 when skipped).
    reason : str or None
        Why it failed (one line), or why it was skipped.
    error_type : str or None
        The exception's class name for a failure.
    report : str or None
        ``output_dir/<slug>/report.html`` when a report exists.
    """

    slug: str
    folder: str
    name: str | None = None
    wave: str | None = None
    status: str = "not run"
    seconds: float = 0.0
    reason: str | None = None
    error_type: str | None = None
    report: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["seconds"] = round(self.seconds, 3)
        return d


@dataclass
class BatchSummary:
    """The result of :func:`run_batch`.

    Attributes
    ----------
    outcomes : list of ClientOutcome
        One per client, in source order.
    output_dir : Path
    seconds : float
        Wall time of the run.
    mode : {"serial", "processes", "dask"}
    workers : int
    overview, summary_csv, log_file : Path or None
        ``index.html``, ``summary.csv`` and ``batch.log``.
    interrupted : bool
        Whether the run was stopped (Ctrl-C or SIGTERM) before every client was handled.
    stopped_by : str or None
        ``"SIGTERM"`` when a SIGTERM stopped it (``None`` for Ctrl-C or a finished run).
    """

    outcomes: list[ClientOutcome]
    output_dir: Path
    seconds: float = 0.0
    mode: str = "serial"
    workers: int = 1
    overview: Path | None = None
    summary_csv: Path | None = None
    log_file: Path | None = None
    interrupted: bool = False
    started_at: str = ""
    stopped_by: str | None = None

    def _with(self, status: str) -> list[ClientOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def done(self) -> list[ClientOutcome]:
        return self._with("done")

    @property
    def skipped(self) -> list[ClientOutcome]:
        return self._with("skipped")

    @property
    def failed(self) -> list[ClientOutcome]:
        return self._with("failed")

    @property
    def not_run(self) -> list[ClientOutcome]:
        return self._with("not run")

    @property
    def exit_code(self) -> int:
        """0 when every client succeeded or was skipped, 3 when some failed, 130 when interrupted."""
        if self.failed:
            return 3
        if self.interrupted or self.not_run:
            return 130
        return 0

    def describe(self) -> str:
        """A few lines for the terminal: counts, every failure with its reason, where the overview is."""
        n = len(self.outcomes)
        how = {"serial": "in this process", "processes": f"{self.workers} worker processes",
               "dask": f"Dask, {self.workers} workers"}.get(self.mode, self.mode)
        parts = [f"{len(self.done)} done", f"{len(self.skipped)} skipped (unchanged)", f"{len(self.failed)} failed"]
        if self.not_run:
            parts.append(f"{len(self.not_run)} not run")
        head = ("terminated (SIGTERM)" if self.stopped_by == "SIGTERM" else "interrupted") if self.interrupted \
            else "finished"
        lines = [f"orgkit batch {head}: {n} client{'s' if n != 1 else ''} in {self.seconds:.1f} s ({how}): "
                 + ", ".join(parts)]
        if self.failed:
            lines.append("failed:")
            lines += [f"  {o.slug}: {o.reason}" for o in self.failed]
        if self.interrupted:
            lines.append("Run the same command again to continue: finished reports are kept and skipped.")
        if self.overview is not None:
            lines.append(f"overview: {self.overview}")
        if self.log_file is not None:
            lines.append(f"log:      {self.log_file}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types: what ``batch.json`` holds."""
        return {
            "orgkit_version": __version__,
            "started_at": self.started_at,
            "seconds": round(self.seconds, 3),
            "mode": self.mode,
            "workers": self.workers,
            "interrupted": self.interrupted,
            "stopped_by": self.stopped_by,
            "exit_code": self.exit_code,
            "counts": {s: len(self._with(s)) for s in ("done", "skipped", "failed", "not run")},
            "clients": [o.to_dict() for o in self.outcomes],
        }


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped a batch; :attr:`summary` says what was finished (finished reports are kept).

    Attributes
    ----------
    summary : BatchSummary
    exit_code : int
        130 after Ctrl-C, 143 after SIGTERM (128 + the signal's number, as shells report it).
    """

    def __init__(self, summary: BatchSummary):
        self.summary = summary
        self.exit_code = 143 if summary.stopped_by == "SIGTERM" else 130
        super().__init__(summary.describe())


# --------------------------------------------------------------------------------------------------
# The run's log and progress
# --------------------------------------------------------------------------------------------------
class _LogFileHandler(logging.FileHandler):
    """A FileHandler that remembers a failed write (a full disk) instead of printing a traceback."""

    error: BaseException | None = None

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        if self.error is None:
            self.error = sys.exc_info()[1]


class _RunLog:
    """Writes the run's records to ``batch.log`` whatever the logging configuration, and to the logger.

    A write that fails once the run is under way (the disk filled up) is said once, as a warning on the
    logger; the batch goes on.
    """

    def __init__(self, path: Path | None):
        self.path = path
        self.handler: _LogFileHandler | None = None
        self._warned = False
        if path is not None:
            with output_errors(path):
                path.parent.mkdir(parents=True, exist_ok=True)
                self.handler = _LogFileHandler(path, mode="a", encoding="utf-8")
            self.handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(message)s"))

    def log(self, level: int, msg: str, *args: Any, detail: str | None = None) -> None:
        logger.log(level, msg, *args)
        if self.handler is not None:
            record = logger.makeRecord(logger.name, level, __file__, 0, msg, args, None)
            if detail:
                record.exc_text = detail.rstrip()
            self.handler.handle(record)
            if self.handler.error is not None and not self._warned:
                self._warned = True
                err = self.handler.error
                text = str(output_error(err, self.path)) if isinstance(err, OSError) else str(err)
                logger.warning("batch.log is incomplete: %s", text)

    def close(self) -> None:
        if self.handler is not None:
            self.handler.close()


def _progress_bar(total: int, progress: bool | None) -> Any:
    show = progress if progress is not None else _isatty()
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return None
    return tqdm(total=total, disable=not show, file=sys.stderr, unit="client", desc="orgkit batch",
                dynamic_ncols=True, leave=True)


def _isatty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def _locked(output_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``output_dir`` so two batches never write to it at once."""
    path = output_dir / _LOCK_FILE
    with output_errors(path):
        fh = open(path, "a+", encoding="utf-8")
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no lock
            fcntl = None  # type: ignore[assignment]
        if fcntl is not None:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                fh.seek(0)
                holder = fh.read().strip() or "another process"
                raise ConfigError(
                    f"another orgkit batch ({holder}) is writing to {output_dir}; wait for it to finish or "
                    "give another output folder."
                ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        yield
    finally:
        fh.close()


# --------------------------------------------------------------------------------------------------
# Executors: each calls ``fn(task, output_dir, timeout)`` for every task and ``on_result(task, result)``
# as results arrive. A result is the dict ``_run_task`` returns.
# --------------------------------------------------------------------------------------------------
RunFn = Callable[[ClientTask, str, float], dict]


def _failure(task: ClientTask, reason: str, error_type: str, seconds: float = 0.0) -> dict[str, Any]:
    return {"slug": task.slug, "status": "failed", "seconds": seconds, "error_type": error_type, "reason": reason,
            "message": reason, "traceback": None}


def _run_serial(tasks: list[ClientTask], output_dir: str, timeout: float, on_result: Callable, fn: RunFn) -> None:
    for task in tasks:
        on_result(task, fn(task, output_dir, timeout))


def _mp_context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _new_pool(workers: int, parent_pipe: Any = None) -> ProcessPoolExecutor:
    # With several workers the cores are already busy with one report each: a report's own second
    # process (orgkit.assessment's parallel mode) would only compete with them.
    return ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context(), initializer=_worker_init,
                               initargs=(parent_pipe, workers > 1))


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Shut a pool down now: queued work is cancelled and running workers are terminated."""
    procs = getattr(pool, "_processes", None)  # private, but the only handle on the worker processes
    processes = list(procs.values()) if isinstance(procs, dict) else []
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        try:
            p.terminate()
        except (OSError, AttributeError, ValueError):
            pass
    for p in processes:
        try:
            p.join(timeout=5)
        except (OSError, AttributeError, ValueError, AssertionError):
            pass


_DIED = ("the worker process running it died (killed, or out of memory?) while its report was being built")


def _run_processes(tasks: list[ClientTask], output_dir: str, timeout: float, on_result: Callable, fn: RunFn,
                   workers: int) -> None:
    """Run tasks in a process pool with at most ``workers`` in flight (so every in-flight task is running).

    A worker that dies breaks the pool (``BrokenProcessPool``). The pool is recreated and the rest go on.
    When one task was in flight it is the one that killed its worker and it fails; when several were,
    each is retried once on its own, and fails only if its worker dies again.
    """
    queue: deque[ClientTask] = deque(tasks)
    alone: deque[ClientTask] = deque()  # suspects, each retried with nothing else running
    retried: set[str] = set()
    inflight: dict[Future, ClientTask] = {}
    # the workers' view of this process: only this process holds the write end, so the workers see end
    # of file on the read end as soon as it is gone, however it ended
    parent_read, parent_write = _mp_context().Pipe(duplex=False)
    pool = _new_pool(workers, parent_read)
    try:
        while queue or alone or inflight:
            if not inflight and alone:
                task = alone.popleft()
                inflight[pool.submit(fn, task, output_dir, timeout)] = task
            elif not alone:
                while queue and len(inflight) < workers:
                    task = queue.popleft()
                    inflight[pool.submit(fn, task, output_dir, timeout)] = task
            done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
            broken: list[ClientTask] = []
            for fut in done:
                task = inflight.pop(fut)
                try:
                    on_result(task, fut.result())
                except BrokenProcessPool:
                    broken.append(task)
                except KeyboardInterrupt:
                    raise
                except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
                    on_result(task, _failure(task, _reason(exc), type(exc).__name__))
            if not broken:
                continue
            # the pool is broken: every other in-flight future ends now too
            rest, _ = wait(list(inflight))
            for fut in rest:
                task = inflight.pop(fut)
                try:
                    on_result(task, fut.result())
                except BrokenProcessPool:
                    broken.append(task)
                except KeyboardInterrupt:
                    raise
                except Exception as exc:  # noqa: BLE001
                    on_result(task, _failure(task, _reason(exc), type(exc).__name__))
            logger.warning("a worker process died; %d client(s) were running: %s", len(broken),
                           ", ".join(t.slug for t in broken))
            for task in broken:
                if len(broken) == 1 or task.slug in retried:
                    on_result(task, _failure(task, _DIED, "BrokenProcessPool"))
                else:
                    retried.add(task.slug)
                    alone.append(task)
            _stop_pool(pool)
            pool = _new_pool(workers, parent_read)
    except BaseException:
        _stop_pool(pool)
        parent_write.close()
        parent_read.close()
        raise
    pool.shutdown(wait=True)
    parent_write.close()  # after the workers ended: they end at once when it closes
    parent_read.close()


def _check_workers(client: Any, output_dir: str, folder: str) -> None:
    """Fail early when a Dask worker lacks orgkit, runs another version, or cannot see the shared folders."""

    def probe(output_dir: str, folder: str) -> dict[str, Any]:
        import os as _os

        try:
            from orgkit._version import __version__ as version
        except ImportError:  # pragma: no cover - depends on the worker's environment
            version = None
        return {"orgkit": version, "output": _os.access(output_dir, _os.W_OK), "input": _os.path.isdir(folder)}

    info = client.run(probe, output_dir, folder)
    problems = []
    for worker, got in sorted(info.items()):
        if got["orgkit"] != __version__:
            problems.append(f"{worker} has orgkit {got['orgkit']} (this machine: {__version__})")
        if not got["output"]:
            problems.append(f"{worker} cannot write to {output_dir}")
        if not got["input"]:
            problems.append(f"{worker} cannot see {folder}")
    if problems:
        raise ConfigError(
            "the Dask workers cannot run this batch: " + "; ".join(problems) + ". Every worker needs the same "
            "orgkit environment and the input and report folders at the same paths (shared storage); see "
            "docs/batch.md."
        )


def _run_dask(tasks: list[ClientTask], output_dir: str, timeout: float, on_result: Callable, fn: RunFn,
              client: Any) -> None:
    """Submit every task to a Dask cluster and collect results as they arrive."""
    from distributed import as_completed

    if tasks:
        _check_workers(client, output_dir, tasks[0].folder)
    run_id = uuid.uuid4().hex[:8]
    futures: dict[str, tuple[Any, ClientTask]] = {}
    for task in tasks:
        fut = client.submit(fn, task, output_dir, timeout, key=f"orgkit-batch-{run_id}-{task.slug}", pure=False)
        futures[fut.key] = (fut, task)
    try:
        for fut in as_completed([f for f, _ in futures.values()]):
            task = futures.pop(fut.key)[1]
            try:
                on_result(task, fut.result())
            except KeyboardInterrupt:
                raise
            except Exception as exc:  # noqa: BLE001 - KilledWorker, a lost worker, a cancelled task
                name = type(exc).__name__
                reason = (f"the Dask workers running it died ({name}: killed, or out of memory?)"
                          if name == "KilledWorker" else _reason(exc))
                on_result(task, _failure(task, reason, name))
            finally:
                fut.release()  # a finished result must not be recomputed when its worker goes away
    except BaseException:
        client.cancel([f for f, _ in futures.values()])
        raise


@contextmanager
def _dask_client(scheduler: str | None, local_cluster: bool, workers: int) -> Iterator[tuple[Any, int]]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # the orgkit[dask] extra is not installed
        from .errors import DependencyMissingError

        raise DependencyMissingError(f"Dask is not installed ({exc}); it is an extra: pip install 'orgkit[dask]'.") from exc
    cluster = None
    try:
        if scheduler:
            try:
                client = Client(scheduler, timeout="20s")
            except (OSError, TimeoutError) as exc:
                raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
        try:
            n = len(client.scheduler_info().get("workers", {})) or workers
            yield client, n
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------------------------------------
# The batch
# --------------------------------------------------------------------------------------------------
def _default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def _check_output(out: Path, tasks: list[ClientTask], log_path: Path) -> None:
    """Refuse, before anything is written, an output folder that would put anything of the user's at risk.

    The output folder may not be, contain or lie inside a client folder of the batch; every ``<slug>/``
    that exists must be a report orgkit wrote; the overview files, the log and the lock file may only
    replace files orgkit wrote; the work folder must be orgkit's.
    """
    from .outputs import check_can_be_folder, check_outside_clients, check_overview_files

    check_outside_clients(out, [t.folder for t in tasks])
    check_can_be_folder(out)
    check_overview_files(out, [log_path])
    foreign = [out / t.slug for t in tasks
               if (out / t.slug).exists() or (out / t.slug).is_symlink()]
    foreign = [p for p in foreign if not is_orgkit_folder(p, "report")]
    if foreign:
        names = ", ".join(str(p) for p in foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise OutputError(f"{names} exist{'s' if len(foreign) == 1 else ''} and {'was' if len(foreign) == 1 else 'were'} "
                          "not written by orgkit; move them or choose another -o. Nothing was written.")
    work = out / TMP_DIR
    if (work.exists() or work.is_symlink()) and not _is_work_folder(work):
        raise not_ours(work)


_WORK_ENTRY = re.compile(r"^.+-[0-9a-f]{10}$")


def _is_work_folder(path: Path) -> bool:
    """The batch's work folder: it carries the marker, or (orgkit before the marker) holds only run folders."""
    if is_orgkit_folder(path, "work"):
        return True
    if path.is_symlink() or not path.is_dir() or read_marker(path) is not None:
        return False
    try:
        return all(p.is_dir() and not p.is_symlink() and _WORK_ENTRY.match(p.name) for p in path.iterdir())
    except OSError:
        return False


def _fresh_work_folder(work: Path) -> None:
    """Remove the work folder a killed run left (it is orgkit's: checked) and start an empty, marked one."""
    if work.exists() and _is_work_folder(work):
        shutil.rmtree(work, ignore_errors=True)
    with output_errors(work, doing="create"):
        work.mkdir(exist_ok=True)
        mark(work, "work")


class _Terminated(KeyboardInterrupt):
    """SIGTERM reached the batch process: stop like Ctrl-C (finished reports are kept)."""


@contextmanager
def _terminate_on_sigterm() -> Iterator[None]:
    """While the batch runs in the main thread, SIGTERM stops it cleanly: workers terminated, state saved."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process at once
        raise _Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_batch(
    source: str | os.PathLike[str],
    output_dir: str | os.PathLike[str] = "reports",
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    local_cluster: bool = False,
    force: bool = False,
    pdf: bool = False,
    progress: bool | None = None,
    log_file: str | os.PathLike[str] | None = None,
    timeout: float = 600,
    _run: RunFn | None = None,
) -> BatchSummary:
    """Build every client's report from ``source``, skipping those whose inputs have not changed.

    Parameters
    ----------
    source : path
        A folder of client folders (every subfolder with ``people.csv``/``.xlsx``), or a manifest
        (``.csv``/``.yml``; see :func:`read_manifest`).
    output_dir : path
        Reports go to ``output_dir/<slug>/``; the overview to ``output_dir/index.html`` and
        ``summary.csv``.
    workers : int, optional
        Worker processes (default: the number of cores this process may use). ``1`` runs the clients
        one after another in this process. With ``local_cluster``, the number of Dask workers.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``, ``tls://...``): the clients run on its
        workers, which need the same environment and the same paths to the inputs and ``output_dir``.
    local_cluster : bool
        Start a Dask ``LocalCluster`` (``workers`` processes, one thread each) and use the same code path
        as ``scheduler``.
    force : bool
        Rerun clients whose inputs, parameters and code have not changed.
    pdf : bool
        Also print every report to PDF.
    progress : bool or None
        A progress bar over clients on stderr; ``None``: only when stderr is a terminal.
    log_file : path, optional
        Where the run is logged (default ``output_dir/batch.log``; appended to).
    timeout : float
        Seconds any one notebook cell may run.

    Returns
    -------
    BatchSummary
        ``exit_code`` 0 when every client was done or skipped, 3 when some failed.

    Raises
    ------
    ManifestError
        ``source`` lists no client, or the manifest has problems (each named by its row); nothing ran.
    ConfigError
        Another batch holds ``output_dir``, or the Dask scheduler or its workers cannot run the batch.
    BatchInterrupted
        Ctrl-C or SIGTERM: its ``summary`` says what was finished (and ``exit_code`` is 130 or 143).
        Finished reports are kept; rerun to continue.
    OutputError
        Before anything is written: ``output_dir`` is, contains or is inside a client folder, or a
        ``<slug>/`` folder, an overview file or the log there was not written by orgkit; or the output
        folder cannot be written (read-only, full).

    Notes
    -----
    A client is skipped when ``output_dir/<slug>/metrics.json`` records the same ``inputs.fingerprint``
    as :func:`input_fingerprint` computes now (the content of every input file and ``client.yml``, the
    overrides, ``pdf``, the orgkit version and the report notebook) and its report files exist.
    """
    t0 = time.perf_counter()
    started = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    out = Path(output_dir).expanduser().resolve()
    if scheduler and local_cluster:
        raise ConfigError("give either scheduler (an existing Dask cluster) or local_cluster=True, not both.")
    if workers is not None and (isinstance(workers, bool) or int(workers) < 1):
        raise ConfigError(f"workers must be a whole number of at least 1. Got {workers!r} instead.")
    tasks = load_tasks(source, out)
    log_path = Path(log_file).expanduser().resolve() if log_file is not None else out / "batch.log"
    _check_output(out, tasks, log_path)
    with output_errors(out, doing="create"):
        out.mkdir(parents=True, exist_ok=True)
    fn: RunFn = _run or _run_task

    with _locked(out), _terminate_on_sigterm():
        _fresh_work_folder(out / TMP_DIR)  # leftovers of a killed run go
        runlog = _RunLog(log_path)
        n_workers = int(workers) if workers is not None else _default_workers()
        mode = "dask" if (scheduler or local_cluster) else "serial"
        runlog.log(logging.INFO, "batch started: %d client(s) from %s to %s (orgkit %s, force=%s, pdf=%s)",
                   len(tasks), Path(source).expanduser().resolve(), out, __version__, force, pdf)

        notebook_sha = _notebook_sha256()
        outcomes: dict[str, ClientOutcome] = {}
        to_run: list[ClientTask] = []
        for task in tasks:
            task = replace(task, pdf=pdf)
            outcome = ClientOutcome(slug=task.slug, folder=task.folder, name=task.name, wave=task.wave)
            outcomes[task.slug] = outcome
            try:
                task = replace(task, inputs=input_fingerprint(task.folder, task.parameters,
                                                              notebook_sha256=notebook_sha))
            except OSError as exc:  # a folder that vanished or cannot be read: this client fails, not the batch
                outcome.status, outcome.error_type = "failed", type(exc).__name__
                where = Path(exc.filename).name if exc.filename else task.folder
                outcome.reason = (f"{where}: cannot be read ({exc.strerror or exc}). Give the account running "
                                  "orgkit read access to the client folder.")
                runlog.log(logging.ERROR, "%s: failed: %s", task.slug, outcome.reason)
                continue
            recorded = _recorded_fingerprint(out / task.slug, pdf)
            if not force and recorded is not None and recorded == task.inputs["fingerprint"]:
                outcome.status = "skipped"
                outcome.reason = "inputs, parameters and code unchanged since its last report"
                outcome.report = str(out / task.slug / "report.html")
                runlog.log(logging.INFO, "%s: skipped (unchanged since its last report)", task.slug)
            else:
                to_run.append(task)
        if mode == "serial" and min(n_workers, len(to_run)) > 1:
            mode = "processes"
        summary = BatchSummary(outcomes=list(outcomes.values()), output_dir=out, mode=mode,
                               workers=n_workers if mode != "serial" else 1, log_file=runlog.path,
                               started_at=started)
        bar = _progress_bar(len(tasks), progress)
        if bar is not None:
            bar.update(len(tasks) - len(to_run))

        def on_result(task: ClientTask, result: dict[str, Any]) -> None:
            o = outcomes[task.slug]
            o.seconds = float(result.get("seconds") or 0.0)
            if result.get("status") == "done":
                o.status, o.report, o.reason = "done", result.get("report"), None
                runlog.log(logging.INFO, "%s: done in %.1f s", task.slug, o.seconds)
            else:
                o.status, o.reason, o.error_type = "failed", result.get("reason"), result.get("error_type")
                prev = out / task.slug / "report.html"
                o.report = str(prev) if prev.is_file() else None
                runlog.log(logging.ERROR, "%s: failed after %.1f s: %s", task.slug, o.seconds, o.reason,
                           detail=result.get("traceback") or result.get("message"))
            if bar is not None:
                bar.update(1)
                bar.set_postfix_str(f"{task.slug}: {o.status}", refresh=False)

        interrupted = False
        try:
            if to_run:
                runlog.log(logging.INFO, "running %d client(s) (%s, %d worker(s)); %d skipped", len(to_run), mode,
                           summary.workers, len(tasks) - len(to_run))
                if mode == "serial":
                    _run_serial(to_run, str(out), timeout, on_result, fn)
                elif mode == "processes":
                    _run_processes(to_run, str(out), timeout, on_result, fn, min(n_workers, len(to_run)))
                else:
                    with _dask_client(scheduler, local_cluster, n_workers) as (client, n):
                        summary.workers = n
                        _run_dask(to_run, str(out), timeout, on_result, fn, client)
        except KeyboardInterrupt as exc:
            interrupted = True
            summary.stopped_by = "SIGTERM" if isinstance(exc, _Terminated) else None
            from .report import stop_kernels

            stop_kernels()  # a kernel of a report that ran in this process
            runlog.log(logging.WARNING, "%s: %d client(s) not run; finished reports are kept",
                       "terminated (SIGTERM)" if summary.stopped_by else "interrupted",
                       sum(o.status == "not run" for o in outcomes.values()))
        finally:
            if bar is not None:
                bar.close()
            remove_folder(out / TMP_DIR, "work")
            summary.interrupted = interrupted
            summary.seconds = time.perf_counter() - t0
            try:
                write_json(out / _STATE_FILE, summary.to_dict())
                from .overview import build_overview

                paths = build_overview(out, summary.to_dict()["clients"])
                summary.overview, summary.summary_csv = paths.index_html, paths.summary_csv
            except Exception:  # noqa: BLE001 - the reports are what matters; the overview can be rebuilt
                runlog.log(logging.ERROR, "could not build the overview", detail=traceback.format_exc())
            runlog.log(logging.INFO, "batch %s in %.1f s: %d done, %d skipped, %d failed, %d not run",
                       "interrupted" if interrupted else "finished", summary.seconds, len(summary.done),
                       len(summary.skipped), len(summary.failed), len(summary.not_run))
            runlog.close()
    if interrupted:
        raise BatchInterrupted(summary)
    return summary
