"""Run one client's report: load, execute the assessment notebook with Papermill, render, publish.

:func:`run_client` is what ``orgkit report`` calls. It validates the client folder in-process first (a
:class:`~orgkit.errors.ValidationError` is raised before any kernel starts), executes
``assessment.ipynb`` in a kernel of *this* Python environment, renders the executed notebook to
self-contained HTML (and PDF with headless Chromium), and only then swaps the new report folder in.

Layout of a run into ``reports/``::

    reports/<slug>/report.html         the report
    reports/<slug>/report.pdf          with pdf=True
    reports/<slug>/report.pptx         with pptx=True: the editable slide deck (and its record,
                                       .report.pptx.orgkit: a deck edited since is never replaced)
    reports/<slug>/assessment.ipynb    the executed notebook: the record of the run
    reports/<slug>/metrics.json        the same dict as ``orgkit assess``
    reports/<slug>/figures/*.svg       every figure of the report (text drawn by the viewer's fonts)
    reports/<slug>/.orgkit-report      the marker: orgkit wrote this folder and may replace it
    reports/<slug>.failed/             only after a failed run: the executed notebook with the failing
                                       cell and error.txt; removed by the next successful run

The output folder may not be, contain or lie inside the client folder, and ``reports/<slug>`` is replaced
only when orgkit wrote it (it carries the marker): anything else there is refused before anything is
written (:class:`~orgkit.errors.OutputError`).

The notebook opens its :class:`~orgkit.report.book.ReportBook` with :func:`open_report`, one call per
cell after that.

:func:`run_comparison` (``orgkit scenario`` and ``orgkit compare``) runs the second notebook,
``comparison.ipynb``, through the same staging, rendering and publishing: ``reports/<slug>/`` then holds
``report.html`` (and ``report.pdf``), the executed ``comparison.ipynb``, ``comparison.json`` and
``figures/``, with a marker of kind ``comparison`` (:func:`comparison_slug` names the folder).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager

from orgkit.files.atomic import is_orgkit_folder, mark, not_ours, output_errors, remove_folder, swap_in
from orgkit.errors import ConfigError, DependencyMissingError, NotebookCellError, OrgkitError, ReportError
from orgkit.report.book import ReportBook
from orgkit.report.resources import notebook_path

if TYPE_CHECKING:  # pragma: no cover
    from orgkit.data.client import Client

__all__ = [
    "ReportResult",
    "run_client",
    "run_comparison",
    "comparison_slug",
    "COMPARISON_PARAMETERS",
    "execute_notebook",
    "OrgkitKernelManager",
    "client_slug",
    "resolve_client_dir",
    "open_report",
    "NOTEBOOK_PARAMETERS",
    "stop_kernels",
]

logger = logging.getLogger(__name__)

#: Parameters the assessment notebook declares, with their types; papermill overrides these.
NOTEBOOK_PARAMETERS: dict[str, type] = {
    "client_dir": str,
    "output_dir": str,
    "language": str,
    "min_group_size": int,
    "stage": str,
    "show_names": bool,
    "pptx_path": str,
    "pptx_template": str,
}


# --------------------------------------------------------------------------------------------------
# Where things are
# --------------------------------------------------------------------------------------------------
def resolve_client_dir(client_dir: str | os.PathLike[str] | None) -> Path:
    """The client folder to assess: ``client_dir``, or the bundled sample client when it is empty.

    Examples
    --------
    >>> resolve_client_dir("clients/acme").name
    'acme'
    """
    if client_dir is None or str(client_dir).strip() == "":
        from orgkit.data.sample import sample_client_path

        return Path(sample_client_path()).resolve()
    return Path(client_dir).expanduser().resolve()


def client_slug(client_dir: str | os.PathLike[str]) -> str:
    """The report folder name for a client: its folder name, lower case, runs of other characters as ``-``.

    Letters of any script are kept (a Chinese folder name stays Chinese); path separators, dots and
    spaces never survive, so the slug is always one safe path component.

    Examples
    --------
    >>> client_slug("clients/Acme Corp. (2025)")
    'acme-corp-2025'
    >>> client_slug("/data/华东 分公司")
    '华东-分公司'
    """
    from orgkit.assessment import slugify

    return slugify(Path(client_dir).name)


# --------------------------------------------------------------------------------------------------
# The kernel
# --------------------------------------------------------------------------------------------------
#: ``gc.set_threshold`` of report kernels (see :class:`OrgkitKernelManager`).
_KERNEL_GC_THRESHOLDS = "50_000, 20, 10"


class OrgkitKernelManager(AsyncKernelManager):
    """A kernel of the Python orgkit runs in, over IPC sockets in a private temporary folder.

    No registered kernelspec is consulted: the kernel is ``sys.executable -m ipykernel_launcher``,
    whether orgkit lives in a venv, a conda environment or the system Python. Each kernel gets its own
    socket folder, so many kernels can start at once without the TCP port collisions of papermill #511.

    The kernel is a batch process, tuned as one: no input history database, and a garbage collector
    that looks for reference cycles every 50,000 allocations instead of every 700 (a report allocates
    millions of short-lived matplotlib and pandas objects next to a heap of ~200,000 long-lived ones;
    with the default thresholds the collector costs ~0.35 s of a 1,000-person report, with these
    ~0.06 s). Cycles are still collected, only in larger batches.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("kernel_name", "python3")
        super().__init__(**kwargs)
        self._socket_dir = tempfile.mkdtemp(prefix="orgkit-kernel-")
        self.transport = "ipc"
        self.ip = os.path.join(self._socket_dir, "k")

    @property
    def kernel_spec(self) -> KernelSpec:  # type: ignore[override]
        if self._kernel_spec is None:
            self._kernel_spec = KernelSpec(
                argv=[sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher",
                      f"--IPKernelApp.exec_lines=__import__('gc').set_threshold({_KERNEL_GC_THRESHOLDS})",
                      "--HistoryManager.enabled=False",
                      "-f", "{connection_file}"],
                display_name=f"Python {sys.version_info.major}.{sys.version_info.minor} (orgkit)",
                language="python",
                env={"TQDM_DISABLE": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1", "MPLBACKEND": "agg"},
                metadata={"debugger": False},
            )
        return self._kernel_spec

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        await super()._async_launch_kernel(kernel_cmd, **kw)
        pid = getattr(self.provisioner, "pid", None)
        if pid:
            _KERNELS.add(int(pid))

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        pid = getattr(self.provisioner, "pid", None)
        await super()._async_cleanup_resources(restart=restart)
        if pid:
            _KERNELS.discard(int(pid))
        if not restart:
            shutil.rmtree(self._socket_dir, ignore_errors=True)


#: Process ids of the report kernels this process started and has not shut down yet.
_KERNELS: set[int] = set()


def stop_kernels() -> int:
    """Kill every report kernel this process started (and the processes they started): for a process that
    is being stopped itself. Each kernel runs in its own session, so its whole process group is killed.

    Returns
    -------
    int
        How many kernels were signalled.
    """
    import signal

    n = 0
    for pid in list(_KERNELS):
        _KERNELS.discard(pid)
        try:
            if os.getpgid(pid) == pid:  # still our kernel, leading its own group (not a reused pid)
                os.killpg(pid, signal.SIGKILL)
                n += 1
        except (OSError, AttributeError):  # gone already; or no process groups (Windows)
            continue
    return n


def _want_progress(progress: bool | None) -> bool:
    if progress is None:
        try:
            return sys.stderr.isatty()
        except (AttributeError, ValueError):
            return False
    return bool(progress)


def execute_notebook(
    notebook: str | os.PathLike[str],
    output: str | os.PathLike[str],
    parameters: dict[str, Any] | None = None,
    *,
    progress: bool | None = None,
    timeout: float | None = 600,
    description: str = "Executing",
) -> Any:
    """Execute a notebook with Papermill in a kernel of this environment.

    Parameters
    ----------
    notebook, output : path
        The notebook to run and where to write the executed copy (written also when a cell fails).
    parameters : dict, optional
        Values for the notebook's ``parameters`` cell.
    progress : bool or None
        Show Papermill's per-cell progress bar on stderr; ``None``: only when stderr is a terminal.
    timeout : float or None
        Seconds one cell may run before the run is stopped.
    description : str
        Label of the progress bar.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook.

    Raises
    ------
    NotebookCellError
        When a cell raises; the executed notebook (with Papermill's error marker) is at ``output``.
    ReportError
        When a cell times out or the kernel dies (no executed notebook is written then: the notebook is
        saved once at the end, or when a cell raises).
    DependencyMissingError
        When no kernel can be started (``ipykernel`` missing).
    """
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    show = _want_progress(progress)
    bar: bool | dict[str, Any] = {"desc": description, "file": sys.stderr, "leave": False} if show else False
    try:
        return pm.execute_notebook(
            str(notebook),
            str(output),
            parameters=parameters or {},
            kernel_name="python3",
            progress_bar=bar,
            # saving after every cell rewrites the growing notebook ~35 times (0.6 s of a 6 s report); a
            # failing cell still gets its notebook written by papermill before the error is raised
            request_save_on_cell_execute=False,
            execution_timeout=timeout,
            start_timeout=60,
            kernel_manager_class=OrgkitKernelManager,
            shutdown_kernel="immediate",
        )
    except PapermillExecutionError as err:
        index = _source_cell_index(Path(output), err.cell_index)
        raise NotebookCellError(index, err.ename, err.evalue, Path(output), source=err.source) from None
    except ModuleNotFoundError as err:
        if "ipykernel" in str(err):
            raise DependencyMissingError(
                f"cannot start a Python kernel: {err}. Install it into this environment: "
                f"{sys.executable} -m pip install ipykernel"
            ) from err
        raise
    except CellTimeoutError as err:
        raise ReportError(
            f"a cell of the notebook ran longer than the timeout ({timeout} s): {err}. Raise the timeout, or "
            "report a smaller client."
        ) from err
    except DeadKernelError as err:
        raise ReportError(
            f"the notebook's kernel died ({err}); most often it ran out of memory. Close other programs or "
            "report on a machine with more memory."
        ) from err


def _source_cell_index(executed: Path, executed_index: int) -> int:
    """Index of a failing cell in the source notebook: the executed one has the injected parameters."""
    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return executed_index
    # papermill puts an error marker first when it saved after the error; it is not in nb.cells at
    # the time ``executed_index`` was computed, so skip it here.
    cells = [c for c in nb.get("cells", []) if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
    injected = [i for i, c in enumerate(cells) if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    if injected and executed_index > injected[0]:
        return executed_index - 1
    return executed_index


# --------------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------------
@dataclass
class ReportResult:
    """What one report run produced.

    Attributes
    ----------
    client_dir : Path
        The client folder that was assessed.
    out_dir : Path
        ``reports/<slug>``, holding everything below.
    html, pdf, notebook, metrics : Path
        ``report.html``, ``report.pdf`` (``None`` without ``pdf=True``), the executed
        ``assessment.ipynb`` and ``metrics.json``.
    metrics_data : dict
        The content of ``metrics.json``.
    seconds : float
        Wall time of the whole run.
    figures : list of Path
        The SVG files in ``figures/``.
    timings : dict
        Seconds per step (``load``, ``execute``, ``render``, ``pdf``, ``publish``).
    pptx : Path or None
        ``report.pptx``, the editable slide deck (``None`` without ``pptx=True``).
    """

    client_dir: Path
    out_dir: Path
    html: Path
    pdf: Path | None
    notebook: Path
    metrics: Path
    metrics_data: dict[str, Any]
    seconds: float
    figures: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    pptx: Path | None = None


def _load(client_dir: Path, **overrides: Any) -> "Client":
    from orgkit.data.loading import load_client
    from orgkit.files.outputs import unreadable_input

    try:
        return load_client(client_dir, **overrides)
    except OSError as exc:  # the read boundary: a file the operating system will not read
        raise unreadable_input(client_dir, exc) from exc


def _keep_failed(out_root: Path, slug: str, staging: Path, error: Exception,
                 executed_name: str = "assessment.ipynb") -> Path | None:
    """Keep the executed notebook of a failed run (and error.txt) in ``<slug>.failed/`` beside the previous
    report, swapped in whole; ``None`` when it cannot be kept (the run's own error matters more).

    A ``<slug>.failed`` that orgkit did not write is left as it is.
    """
    failed = out_root / f"{slug}.failed"
    if (failed.exists() or failed.is_symlink()) and not is_orgkit_folder(failed, "failed"):
        logger.warning("%s: not keeping the failed run's notebook: %s", slug, not_ours(failed))
        return None
    try:
        with output_errors(failed):
            record = Path(tempfile.mkdtemp(prefix=f".{slug}.failed.", suffix=".tmp", dir=out_root))
            try:
                mark(record, "failed", slug)
                executed = staging / executed_name
                if executed.is_file():
                    os.replace(executed, record / executed_name)
                (record / "error.txt").write_text(f"{type(error).__name__}: {error}\n", encoding="utf-8")
                swap_in(record, failed)
            finally:
                shutil.rmtree(record, ignore_errors=True)
    except OrgkitError as exc:
        logger.warning("%s: could not keep the failed run's notebook: %s", slug, exc)
        return None
    return failed / executed_name if (failed / executed_name).is_file() else failed


def _staging(out_root: Path, slug: str, kind: str) -> Path:
    """A hidden staging folder ``out_root/.<slug>.*.tmp`` carrying the marker of ``kind``, readable as the
    published folder will be."""
    with output_errors(out_root):
        out_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{slug}.", suffix=".tmp", dir=out_root))
    try:
        with output_errors(staging):
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(staging, 0o777 & ~umask)
            mark(staging, kind, slug)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _execute_and_publish(
    nb_in: Path,
    parameters: dict[str, Any],
    *,
    staging: Path,
    out_root: Path,
    slug: str,
    final: Path,
    executed_name: str,
    record_name: str,
    language: str,
    title: str,
    pdf: bool,
    show: bool,
    timeout: float,
    timings: dict[str, float],
    step: Any,
    after_execute: Any = None,
    before_publish: Any = None,
) -> dict[str, Any]:
    """Execute ``nb_in`` into ``staging``, render ``report.html`` (and ``report.pdf``), then swap ``staging``
    in as ``final``: what every report run does after its inputs were accepted.

    Returns the content of ``record_name`` (the JSON the notebook's last cell wrote). On a failing cell the
    executed notebook is kept in ``<slug>.failed/``; on any error ``staging`` is removed and ``final`` is
    untouched.
    """
    executed = staging / executed_name
    try:
        step(f"executing {nb_in.name}")
        t = time.perf_counter()
        execute_notebook(nb_in, executed, parameters, progress=show, timeout=timeout, description=slug)
        timings["execute"] = time.perf_counter() - t

        record_path = staging / record_name
        if not record_path.is_file():
            raise ReportError(
                f"{nb_in.name} ran but wrote no {record_name} to its output_dir; its last cell must call "
                "book.record()."
            )
        record_data = json.loads(record_path.read_text(encoding="utf-8"))
        if after_execute is not None:
            after_execute()

        step("rendering report.html")
        t = time.perf_counter()
        from orgkit.report.render import print_pdf, render_html

        render_html(executed, staging / "report.html", language=language, title=title)
        timings["render"] = time.perf_counter() - t
        if pdf:
            step("printing report.pdf with Chromium")
            t = time.perf_counter()
            print_pdf(staging / "report.html", staging / "report.pdf", language=language)
            timings["pdf"] = time.perf_counter() - t

        step(f"publishing to {final}")
        t = time.perf_counter()
        if before_publish is not None:
            before_publish()
        swap_in(staging, final)
        remove_folder(out_root / f"{slug}.failed", "failed")
        timings["publish"] = time.perf_counter() - t
    except NotebookCellError as err:
        err.notebook_path = out_root / f"{slug}.failed" / executed_name
        if _keep_failed(out_root, slug, staging, err, executed_name) is None:
            err.notebook_path = None
        err.args = (str(err),)
        shutil.rmtree(staging, ignore_errors=True)
        logger.error("%s: %s", slug, err)
        raise
    except ReportError as err:
        if executed.is_file():
            _keep_failed(out_root, slug, staging, err, executed_name)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    except OSError as err:  # the write boundary: a read-only folder, a full disk while the report is written
        shutil.rmtree(staging, ignore_errors=True)
        from orgkit.files.atomic import output_error

        raise output_error(err, final) from err
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return record_data


def _reporter(slug: str, show: bool) -> Any:
    """A run's step logger: each step logged, and on stderr when ``show``."""

    def step(name: str) -> None:
        logger.info("%s: %s", slug, name)
        if show:
            print(f"orgkit [{slug}] {name}", file=sys.stderr, flush=True)

    return step


def run_client(
    client_dir: str | os.PathLike[str] | None,
    output_dir: str | os.PathLike[str] = "reports",
    *,
    language: str | None = None,
    stage: str | None = None,
    min_group_size: int | None = None,
    show_names: bool = False,
    pdf: bool = False,
    progress: bool | None = None,
    timeout: float = 600,
    notebook: str | os.PathLike[str] | None = None,
    pptx: bool = False,
    pptx_template: str | os.PathLike[str] | None = None,
) -> ReportResult:
    """Produce one client's report under ``output_dir/<slug>/``.

    Parameters
    ----------
    client_dir : path or None
        The client folder; ``None`` or ``""`` runs the bundled sample client.
    output_dir : path
        The reports folder (created when missing).
    language : {"en", "zh"}, optional
        Overrides ``client.yml``.
    stage : {"startup", "mid", "large", "auto"}, optional
        Overrides ``client.yml``.
    min_group_size : int, optional
        Overrides ``client.yml``: no group smaller than this appears in the report.
    show_names : bool
        Show people's names (ids and roles only by default).
    pdf : bool
        Also print ``report.pdf`` with headless Chromium.
    progress : bool or None
        Steps and cells on stderr; ``None``: only when stderr is a terminal.
    timeout : float
        Seconds any one notebook cell may run.
    notebook : path, optional
        Run this notebook instead of the bundled ``assessment.ipynb`` (it receives the same parameters).
    pptx : bool
        Also write ``report.pptx``, the report as an editable slide deck (built in the kernel from the
        assessment and figures the report used: :meth:`ReportBook.deck`). Needs ``orgkit[pptx]``.
    pptx_template : path, optional
        A firm's ``.pptx`` template for the deck (implies ``pptx``): its masters, layouts, fonts and colours.

    Returns
    -------
    ReportResult

    Raises
    ------
    ValidationError
        The client folder cannot be assessed (raised before any kernel starts).
    NotebookCellError
        A cell failed. The executed notebook is kept in ``output_dir/<slug>.failed/`` and the previous
        report in ``output_dir/<slug>/`` is untouched.
    DependencyMissingError
        ``pdf=True`` without Chromium, ``pptx=True`` without python-pptx, or no Python kernel.
    ConfigError
        Before anything runs: a bad language, stage or minimum group size, or a ``pptx_template`` that is not
        a readable ``.pptx`` (the message names the file and what to do).
    ReportError
        Any other failure of the run; no half-written report is left.
    OutputError
        Raised before anything is written when ``output_dir`` is, contains or is inside the client folder,
        or ``output_dir/<slug>`` exists and was not written by orgkit, or its ``report.pptx`` was changed
        since orgkit wrote it (someone's edits are never replaced); later, when the output cannot be written
        (read-only folder, full disk). The previous report is untouched.

    Notes
    -----
    The report is built in a hidden sibling folder ``output_dir/.<slug>.*.tmp`` and renamed into place
    only when every file is written, so a reader never sees a half-written report. Every folder it
    publishes carries the marker file ``.orgkit-report``; only such a folder is ever replaced. Two runs
    of the same client into the same folder at the same time are not coordinated: the last one to finish
    wins.
    """
    from orgkit.data.contract import LANGUAGES, STAGES

    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    if language not in (None, "") and language not in LANGUAGES:
        raise ConfigError(f"language must be one of {set(LANGUAGES)}. Got {language!r} instead.")
    if stage not in (None, "") and stage not in STAGES:
        raise ConfigError(f"stage must be one of {set(STAGES)}. Got {stage!r} instead.")
    if min_group_size is not None and (isinstance(min_group_size, bool) or int(min_group_size) < 1):
        raise ConfigError(f"min_group_size must be a whole number of at least 1. Got {min_group_size!r} instead.")
    template = None
    if pptx or pptx_template:
        from orgkit.report.deck import check_template, require_pptx

        require_pptx()
        pptx = True
        template = check_template(pptx_template) if pptx_template else None

    show = _want_progress(progress)
    client_path = resolve_client_dir(client_dir)
    slug = client_slug(client_path)
    out_root = Path(output_dir).expanduser().resolve()
    final = out_root / slug

    from orgkit.files.outputs import check_can_be_folder, check_outside_clients

    check_outside_clients(output_dir, [client_path])
    check_can_be_folder(out_root)
    if (final.exists() or final.is_symlink()) and not is_orgkit_folder(final, "report"):
        raise not_ours(final)
    from orgkit.files.editable import check_not_edited

    if is_orgkit_folder(final, "report"):
        check_not_edited(final)  # a deck reworked in PowerPoint inside the report folder is someone's work

    step = _reporter(slug, show)
    step("loading and validating the client folder")
    client = _load(
        client_path,
        stage=stage or None,
        language=language or None,
        min_group_size=min_group_size,
        show_names=show_names or None,
    )
    settings = client.settings
    timings["load"] = time.perf_counter() - t0

    nb_in = Path(notebook) if notebook is not None else notebook_path()
    if not nb_in.is_file():
        raise ReportError(f"notebook not found: {nb_in}")
    staging = _staging(out_root, slug, "report")
    parameters = {
        "client_dir": str(client_path),
        "output_dir": str(staging),
        "language": settings.language,
        "min_group_size": int(settings.min_group_size),
        "stage": settings.stage,
        "show_names": bool(settings.show_names),
    }
    if pptx:
        from orgkit.report.deck import DECK_NAME

        parameters.update(pptx_path=str(staging / DECK_NAME), pptx_template=str(template) if template else "")

    def deck_written() -> None:
        if pptx and not Path(parameters["pptx_path"]).is_file():
            raise ReportError(
                f"{nb_in.name} ran but wrote no report.pptx; a cell must call book.deck(pptx_path, "
                "template=pptx_template)."
            )

    def deck_not_edited() -> None:
        if is_orgkit_folder(final, "report"):
            check_not_edited(final)  # the deck may have been opened and saved while the report ran

    metrics_data = _execute_and_publish(
        nb_in, parameters, staging=staging, out_root=out_root, slug=slug, final=final,
        executed_name="assessment.ipynb", record_name="metrics.json", language=settings.language,
        title=settings.name, pdf=pdf, show=show, timeout=timeout, timings=timings, step=step,
        after_execute=deck_written, before_publish=deck_not_edited)

    seconds = time.perf_counter() - t0
    step(f"done in {seconds:.1f} s: {final / 'report.html'}")
    return ReportResult(
        client_dir=client_path,
        out_dir=final,
        html=final / "report.html",
        pdf=final / "report.pdf" if pdf else None,
        notebook=final / "assessment.ipynb",
        metrics=final / "metrics.json",
        metrics_data=metrics_data,
        seconds=seconds,
        figures=sorted((final / "figures").glob("*.svg")),
        timings=timings,
        pptx=final / "report.pptx" if pptx else None,
    )


# --------------------------------------------------------------------------------------------------
# The comparison report: a plan applied to a client, or two snapshots of one client
# --------------------------------------------------------------------------------------------------
#: Parameters the comparison notebook declares, with their types; papermill overrides these.
COMPARISON_PARAMETERS: dict[str, type] = {
    "client_dir": str,
    "plan": str,
    "old_dir": str,
    "new_dir": str,
    "output_dir": str,
    "language": str,
    "min_group_size": int,
    "show_names": bool,
    "pptx_path": str,
    "pptx_template": str,
}


def comparison_slug(*, client_dir: str | os.PathLike[str] | None = None, plan_name: str = "",
                    old_dir: str | os.PathLike[str] | None = None,
                    new_dir: str | os.PathLike[str] | None = None) -> str:
    """The report folder of a comparison: ``<client>-scenario-<plan>`` or ``<old>-to-<new>``.

    Examples
    --------
    >>> comparison_slug(client_dir="clients/Acme", plan_name="Delegate budgets")
    'acme-scenario-delegate-budgets'
    >>> comparison_slug(old_dir="exports/acme-2024", new_dir="exports/acme-2025")
    'acme-2024-to-acme-2025'
    """
    from orgkit.assessment import slugify

    if client_dir is not None:
        return f"{client_slug(client_dir)}-scenario-{slugify(plan_name or 'plan')}"
    return f"{client_slug(old_dir or '')}-to-{client_slug(new_dir or '')}"


def run_comparison(
    client_dir: str | os.PathLike[str] | None = None,
    plan: str | os.PathLike[str] | None = None,
    *,
    old_dir: str | os.PathLike[str] | None = None,
    new_dir: str | os.PathLike[str] | None = None,
    output_dir: str | os.PathLike[str] = "reports",
    language: str | None = None,
    min_group_size: int | None = None,
    show_names: bool = False,
    pdf: bool = False,
    progress: bool | None = None,
    timeout: float = 600,
    notebook: str | os.PathLike[str] | None = None,
    slug: str | None = None,
    pptx: bool = False,
    pptx_template: str | os.PathLike[str] | None = None,
) -> ReportResult:
    """Produce a comparison report: a plan applied to a client (``orgkit scenario``) or two snapshots of one
    client (``orgkit compare``), executed by Papermill through ``comparison.ipynb`` like the main report.

    Parameters
    ----------
    client_dir, plan : path
        A scenario: the client folder and the plan file.
    old_dir, new_dir : path
        A reassessment: the earlier and the later snapshot.
    output_dir : path
        The reports folder; the report goes to ``output_dir/<slug>/`` (:func:`comparison_slug`).
    language : {"en", "zh"}, optional
        Overrides ``client.yml`` (a reassessment's default: the later snapshot's).
    min_group_size : int, optional
        Overrides ``client.yml`` (a reassessment's default: the larger of the two).
    show_names : bool
        Show people's names beside their ids.
    pdf : bool
        Also print ``report.pdf`` with headless Chromium.
    progress : bool or None
        Steps and cells on stderr; ``None``: only when stderr is a terminal.
    timeout : float
        Seconds any one notebook cell may run.
    notebook : path, optional
        Run this notebook instead of the bundled ``comparison.ipynb`` (it receives the same parameters).
    slug : str, optional
        The report folder's name (default: :func:`comparison_slug`).
    pptx : bool
        Also write ``report.pptx``, the comparison as an editable slide deck (built in the kernel from the
        comparison the report used: :meth:`ComparisonBook.deck`). Needs ``orgkit[pptx]``.
    pptx_template : path, optional
        A firm's ``.pptx`` template for the deck (implies ``pptx``): its masters, layouts, fonts and colours.

    Returns
    -------
    ReportResult
        ``metrics`` is ``comparison.json`` and ``notebook`` the executed ``comparison.ipynb``.

    Raises
    ------
    ValidationError
        A client folder cannot be assessed (before any kernel starts).
    PlanError
        The plan is refused (a step naming an unknown id or department, a cycle, ...), with its step
        number; nothing is written.
    ConfigError
        Neither or both of a plan and two snapshots, the same folder given twice, a bad language or minimum
        group size.
    OutputError, NotebookCellError, DependencyMissingError, ReportError
        As :func:`run_client`: the output folder is checked before anything is written, a failing cell's
        notebook is kept in ``output_dir/<slug>.failed/``, and the previous report is untouched.

    Notes
    -----
    The inputs are validated in this process first (the client folders loaded, the plan loaded and applied),
    so a bad input is refused before a kernel starts; the notebook then does the same work again in its
    kernel, where it is the record of the run. The report folder carries the marker of kind
    ``comparison``; only such a folder is ever replaced.
    """
    from orgkit.data.contract import LANGUAGES
    from orgkit.files.outputs import check_can_be_folder, check_outside_clients

    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    if language not in (None, "") and language not in LANGUAGES:
        raise ConfigError(f"language must be one of {set(LANGUAGES)}. Got {language!r} instead.")
    if min_group_size is not None and (isinstance(min_group_size, bool) or int(min_group_size) < 1):
        raise ConfigError(f"min_group_size must be a whole number of at least 1. Got {min_group_size!r} instead.")
    scenario = client_dir is not None or plan is not None
    if scenario and (old_dir is not None or new_dir is not None):
        raise ConfigError("give a client folder and a plan (a scenario) or two snapshot folders (a reassessment), "
                          "not both.")
    if scenario and (client_dir is None or plan is None):
        raise ConfigError("a scenario needs a client folder and a plan file.")
    if not scenario and (old_dir is None or new_dir is None):
        raise ConfigError("a reassessment needs two snapshot folders: the earlier one and the later one.")
    template = None
    if pptx or pptx_template:
        from orgkit.report.deck import check_template, require_pptx

        require_pptx()
        pptx = True
        template = check_template(pptx_template) if pptx_template else None
    show = _want_progress(progress)
    overrides = {"language": language or None, "min_group_size": min_group_size, "show_names": show_names or None}
    if scenario:
        client_path = resolve_client_dir(client_dir)
        plan_path = Path(plan).expanduser().resolve()
        inputs = [client_path]
    else:
        old_path, new_path = resolve_client_dir(old_dir), resolve_client_dir(new_dir)
        if old_path == new_path:
            raise ConfigError(f"{old_path} is given as both snapshots; give the earlier and the later folder.")
        inputs = [old_path, new_path]
    out_root = Path(output_dir).expanduser().resolve()
    check_outside_clients(output_dir, inputs)
    check_can_be_folder(out_root)

    if scenario:
        from orgkit.scenario.apply import apply_plan
        from orgkit.scenario.plan import load_plan

        step = _reporter(client_slug(client_path), show)
        step("loading and validating the client folder and the plan")
        client = _load(client_path, **overrides)
        the_plan = load_plan(plan_path)
        apply_plan(client, the_plan)  # a bad step is refused here, before anything is written
        plan_name = str(getattr(the_plan, "name", "") or plan_path.stem)
        slug = slug or comparison_slug(client_dir=client_path, plan_name=plan_name)
        settings = client.settings
        k = int(settings.min_group_size)
        parameters = {"client_dir": str(client_path), "plan": str(plan_path), "old_dir": "", "new_dir": ""}
        title = settings.name
    else:
        step = _reporter(comparison_slug(old_dir=old_path, new_dir=new_path), show)
        step("loading and validating both snapshots")
        old, new = _load(old_path, **overrides), _load(new_path, **overrides)
        slug = slug or comparison_slug(old_dir=old_path, new_dir=new_path)
        settings = new.settings
        k = int(min_group_size) if min_group_size is not None else max(int(old.settings.min_group_size),
                                                                          int(settings.min_group_size))
        parameters = {"client_dir": "", "plan": "", "old_dir": str(old_path), "new_dir": str(new_path)}
        title = settings.name
    timings["load"] = time.perf_counter() - t0
    final = out_root / slug
    if (final.exists() or final.is_symlink()) and not is_orgkit_folder(final, "comparison"):
        raise not_ours(final)
    from orgkit.files.editable import check_not_edited

    if is_orgkit_folder(final, "comparison"):
        check_not_edited(final)  # a deck reworked in PowerPoint inside the report folder is someone's work

    nb_in = Path(notebook) if notebook is not None else notebook_path("comparison.ipynb")
    if not nb_in.is_file():
        raise ReportError(f"notebook not found: {nb_in}")
    staging = _staging(out_root, slug, "comparison")
    parameters.update(output_dir=str(staging), language=settings.language, min_group_size=k,
                      show_names=bool(settings.show_names))
    if pptx:
        from orgkit.report.deck import DECK_NAME

        parameters.update(pptx_path=str(staging / DECK_NAME), pptx_template=str(template) if template else "")

    def deck_written() -> None:
        if pptx and not Path(parameters["pptx_path"]).is_file():
            raise ReportError(f"{nb_in.name} ran but wrote no report.pptx; a cell must call "
                              "book.deck(pptx_path, template=pptx_template).")

    def deck_not_edited() -> None:
        if is_orgkit_folder(final, "comparison"):
            check_not_edited(final)  # the deck may have been opened and saved while the report ran

    from orgkit.report.comparison import COMPARISON_JSON

    data = _execute_and_publish(
        nb_in, parameters, staging=staging, out_root=out_root, slug=slug, final=final,
        executed_name="comparison.ipynb", record_name=COMPARISON_JSON, language=settings.language, title=title,
        pdf=pdf, show=show, timeout=timeout, timings=timings, step=step,
        after_execute=deck_written, before_publish=deck_not_edited)
    seconds = time.perf_counter() - t0
    step(f"done in {seconds:.1f} s: {final / 'report.html'}")
    return ReportResult(
        client_dir=client_path if scenario else new_path,
        out_dir=final,
        html=final / "report.html",
        pdf=final / "report.pdf" if pdf else None,
        notebook=final / "comparison.ipynb",
        metrics=final / COMPARISON_JSON,
        metrics_data=data,
        seconds=seconds,
        figures=sorted((final / "figures").glob("*.svg")),
        timings=timings,
        pptx=final / "report.pptx" if pptx else None,
    )


# --------------------------------------------------------------------------------------------------
# The kernel side: what the assessment notebook calls, one method per cell
# --------------------------------------------------------------------------------------------------
def open_report(
    client_dir: str = "",
    output_dir: str = "",
    *,
    language: str = "",
    min_group_size: int = 0,
    stage: str = "",
    show_names: bool = False,
    parallel: bool = False,
) -> "ReportBook":
    """Load, validate and assess a client for the report notebook.

    Parameters
    ----------
    client_dir : str
        The client folder; ``""`` is the bundled sample client (so "Run All" works as committed).
    output_dir : str
        Where ``metrics.json`` and ``figures/`` go; ``""`` writes nothing.
    language, stage : str
        ``""`` keeps the value of ``client.yml``.
    min_group_size : int
        ``0`` keeps the value of ``client.yml``.
    show_names : bool
        Show people's names (``False`` keeps ``client.yml``'s setting, which defaults to ids only).
    parallel : bool
        Use a second CPU: analyse communication in a child process while this one does the other areas,
        and draw the report's later figures in another while the notebook runs its earlier cells (see
        :class:`ReportBook`). The same blocks either way; the report notebook asks for it, interactive
        use need not.

    Returns
    -------
    ReportBook
    """
    from orgkit.data.loading import load_client

    path = resolve_client_dir(client_dir)
    client = load_client(
        path,
        stage=stage or None,
        language=language or None,
        min_group_size=min_group_size or None,
        show_names=True if show_names else None,
    )
    return ReportBook(client, output_dir=output_dir or None, parallel=parallel)
