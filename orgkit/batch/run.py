"""Build many clients' reports in one run: in worker processes on this machine, or on a Dask cluster.

:func:`run_batch` is what ``orgkit batch`` calls. It reads the list of clients (a folder of client
folders, or a CSV/YAML manifest with per-client overrides), skips every client whose inputs, parameters
and code have not changed since its last successful report, runs the rest in parallel through
:func:`orgkit.report.run.run_client`, and ends by rebuilding the portfolio overview
(:func:`orgkit.batch.overview.build_overview`).

Layout of ``output_dir`` after a run::

    <slug>/report.html, metrics.json, ...  one folder per client, swapped in whole when it is complete
    <slug>.failed/error.txt               only for a client whose last run failed (and the executed
                                          notebook when a cell failed); removed by its next success
    <previous>-to-<slug>/report.html, comparison.json, ...
                                          a wave compared with the client's previous wave
                                          (:mod:`orgkit.batch.waves`), linked from the overview
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

import datetime as _dt
import logging
import os
import re
import shutil
import sys
import time
import traceback
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

from orgkit.files.atomic import (
    is_orgkit_folder,
    mark,
    not_ours,
    output_error,
    output_errors,
    read_marker,
    remove_folder,
    write_json,
)
from orgkit._version import __version__
from orgkit.errors import ConfigError, OrgkitError, OutputError
from orgkit.files.outputs import LOCK_FILE as _LOCK_FILE
from orgkit.batch.fingerprints import input_fingerprint, notebook_sha256, recorded_fingerprint
from orgkit.batch.manifest import ClientTask, load_tasks, STATE_FILE, TMP_DIR
from orgkit.batch.workers import dask_client, run_dask, run_processes, run_serial, run_task, RunFn

__all__ = [
    "run_batch",
    "BatchSummary",
    "ClientOutcome",
    "BatchInterrupted",
]

logger = logging.getLogger(__name__)


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
    comparisons : list of dict
        Each wave's comparison with the previous wave of its client
        (:func:`orgkit.batch.waves.run_wave_comparisons`): ``slug``, ``status``, ``reason``, ...
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
    comparisons: list[dict[str, Any]] = field(default_factory=list)

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
        if self.comparisons:
            done = {s: sum(c["status"] == s for c in self.comparisons) for s in ("done", "skipped", "failed")}
            lines.append(f"waves compared with the previous wave: {done['done']} done, {done['skipped']} skipped "
                         f"(unchanged), {done['failed']} failed")
            lines += [f"  {c['slug']}: {c['reason']}" for c in self.comparisons if c["status"] == "failed"]
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
            "comparisons": list(self.comparisons),
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
    from orgkit.files.outputs import check_can_be_folder, check_outside_clients, check_overview_files

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
    from orgkit.files.editable import edited_error, edited_files

    edited = [f for t in tasks if is_orgkit_folder(out / t.slug, "report") for f in edited_files(out / t.slug)]
    if edited:
        raise edited_error(edited)
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
    overview_language: str = "en",
    _run: RunFn | None = None,
    pptx: bool = False,
    pptx_template: str | os.PathLike[str] | None = None,
    compare_waves: bool = True,
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
    overview_language : {"en", "zh"}
        Language of ``index.html`` (each client's report keeps its own language).
    pptx : bool
        Also write every client's ``report.pptx`` (an editable slide deck); the overview links them.
    pptx_template : path, optional
        The firm's ``.pptx`` template for every deck (implies ``pptx``); checked before anything runs.
    compare_waves : bool
        When a client has several waves, compare each wave with the previous one (the comparison report of
        ``orgkit compare``, :mod:`orgkit.batch.waves`) after the reports, in this process; the overview links
        them. A comparison whose two reports did not change is skipped (unless ``force``); one that fails is
        listed in :attr:`BatchSummary.comparisons` and the log, and never fails the batch.

    Returns
    -------
    BatchSummary
        ``exit_code`` 0 when every client was done or skipped, 3 when some failed.

    Raises
    ------
    ManifestError
        ``source`` lists no client, or the manifest has problems (each named by its row); nothing ran.
    ConfigError
        Another batch holds ``output_dir``, or the Dask scheduler or its workers cannot run the batch, or
        ``pptx_template`` is not a readable ``.pptx``; nothing ran.
    BatchInterrupted
        Ctrl-C or SIGTERM: its ``summary`` says what was finished (and ``exit_code`` is 130 or 143).
        Finished reports are kept; rerun to continue.
    OutputError
        Before anything is written: ``output_dir`` is, contains or is inside a client folder, or a
        ``<slug>/`` folder, an overview file or the log there was not written by orgkit, or a client's
        ``report.pptx`` was edited since orgkit wrote it; or the output
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
    deck: dict[str, Any] = {}
    if pptx or pptx_template:
        from orgkit.files.editable import sha256_of
        from orgkit.report.deck import check_template, require_pptx

        require_pptx()
        template = check_template(pptx_template) if pptx_template else None
        deck = {"pptx": True, "pptx_template": str(template) if template else None,
                "pptx_template_sha256": sha256_of(template) if template else None}
    tasks = load_tasks(source, out)
    log_path = Path(log_file).expanduser().resolve() if log_file is not None else out / "batch.log"
    _check_output(out, tasks, log_path)
    with output_errors(out, doing="create"):
        out.mkdir(parents=True, exist_ok=True)
    fn: RunFn = _run or run_task

    with _locked(out), _terminate_on_sigterm():
        _fresh_work_folder(out / TMP_DIR)  # leftovers of a killed run go
        runlog = _RunLog(log_path)
        n_workers = int(workers) if workers is not None else _default_workers()
        mode = "dask" if (scheduler or local_cluster) else "serial"
        runlog.log(logging.INFO, "batch started: %d client(s) from %s to %s (orgkit %s, force=%s, pdf=%s)",
                   len(tasks), Path(source).expanduser().resolve(), out, __version__, force, pdf)

        notebook_sha = notebook_sha256()
        outcomes: dict[str, ClientOutcome] = {}
        to_run: list[ClientTask] = []
        for task in tasks:
            task = replace(task, pdf=pdf, **deck)
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
            recorded = recorded_fingerprint(out / task.slug, pdf, task.pptx)
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
                    run_serial(to_run, str(out), timeout, on_result, fn)
                elif mode == "processes":
                    run_processes(to_run, str(out), timeout, on_result, fn, min(n_workers, len(to_run)))
                else:
                    with dask_client(scheduler, local_cluster, n_workers) as (client, n):
                        summary.workers = n
                        run_dask(to_run, str(out), timeout, on_result, fn, client)
            if compare_waves:
                from orgkit.batch.waves import run_wave_comparisons

                summary.comparisons = run_wave_comparisons(out, out / TMP_DIR, pdf=pdf, force=force, timeout=timeout,
                                                           log=runlog.log)
        except KeyboardInterrupt as exc:
            interrupted = True
            summary.stopped_by = "SIGTERM" if isinstance(exc, _Terminated) else None
            from orgkit.report.run import stop_kernels

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
                write_json(out / STATE_FILE, summary.to_dict())
                from orgkit.batch.overview import build_overview

                paths = build_overview(out, summary.to_dict()["clients"], language=overview_language)
                summary.overview, summary.summary_csv = paths.index_html, paths.summary_csv
            except (OrgkitError, OSError):  # the reports are what matters; the overview can be rebuilt
                runlog.log(logging.ERROR, "could not build the overview", detail=traceback.format_exc())
            runlog.log(logging.INFO, "batch %s in %.1f s: %d done, %d skipped, %d failed, %d not run",
                       "interrupted" if interrupted else "finished", summary.seconds, len(summary.done),
                       len(summary.skipped), len(summary.failed), len(summary.not_run))
            runlog.close()
    if interrupted:
        raise BatchInterrupted(summary)
    return summary
