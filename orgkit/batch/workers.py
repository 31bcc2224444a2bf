"""Where a batch's clients run: one client in a worker (:func:`run_task`), worker processes that stop with
the batch process, and the executors (in this process, a process pool, or a Dask cluster).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import sys
import time
import traceback
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from orgkit.files.atomic import mark, output_errors, remove_folder, swap_in, write_json
from orgkit._version import __version__
from orgkit.errors import ConfigError, OrgkitError
from orgkit.batch.manifest import ClientTask, TMP_DIR

__all__ = ["RunFn", "dask_client", "run_dask", "run_processes", "run_serial", "run_task"]

logger = logging.getLogger(__name__)


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
    from orgkit.report.run import client_slug

    return message.replace(str(work / f"{client_slug(task.folder)}.failed"), str(output_dir / f"{task.slug}.failed"))


def _record_failure(output_dir: Path, work: Path, task: ClientTask, exc: BaseException, tb: str) -> None:
    """Keep ``<slug>.failed/`` (error.txt, and the executed notebook when run_client kept one).

    A ``<slug>.failed`` that orgkit did not write is left as it is (:func:`~orgkit.files.atomic.swap_in` refuses).
    """
    from orgkit.report.run import client_slug

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
    from orgkit.report.run import stop_kernels

    stop_kernels()
    os._exit(128 + signum)


def _watch_parent(pipe: Any) -> None:
    """In a worker's watcher thread: wait for the batch process to be gone, then stop the worker at once."""
    from multiprocessing.connection import wait as wait_for

    try:
        wait_for([pipe])  # the batch process never writes: this returns at end of file
    except (OSError, ValueError):
        pass
    from orgkit.report.run import stop_kernels

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
        from orgkit.assessment import PARALLEL_ENV

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


def run_task(task: ClientTask, output_dir: str, timeout: float = 600) -> dict[str, Any]:
    """Produce one client's report into ``output_dir/<slug>/``; runs in a worker. Never raises for a failed
    client (except KeyboardInterrupt): returns a small dict with ``status`` ``done`` or ``failed``."""
    from orgkit.report import run as report
    from orgkit.errors import NotebookCellError

    t0 = time.perf_counter()
    out = Path(output_dir)
    work = out / TMP_DIR / f"{task.slug}-{uuid.uuid4().hex[:10]}"
    try:
        with output_errors(work, doing="create"):
            work.mkdir(parents=True)
        result = report.run_client(
            task.folder, work, language=task.language, stage=task.stage, min_group_size=task.min_group_size,
            pdf=task.pdf, progress=False, timeout=timeout, pptx=task.pptx, pptx_template=task.pptx_template,
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
        from orgkit.files.atomic import is_orgkit_folder
        from orgkit.files.editable import check_not_edited

        if is_orgkit_folder(out / task.slug, "report"):
            check_not_edited(out / task.slug)  # its deck, reworked in PowerPoint while the batch ran
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
# Executors: each calls ``fn(task, output_dir, timeout)`` for every task and ``on_result(task, result)``
# as results arrive. A result is the dict ``run_task`` returns.
# --------------------------------------------------------------------------------------------------
RunFn = Callable[[ClientTask, str, float], dict]


def _failure(task: ClientTask, reason: str, error_type: str, seconds: float = 0.0) -> dict[str, Any]:
    return {"slug": task.slug, "status": "failed", "seconds": seconds, "error_type": error_type, "reason": reason,
            "message": reason, "traceback": None}


def run_serial(tasks: list[ClientTask], output_dir: str, timeout: float, on_result: Callable, fn: RunFn) -> None:
    """The executor of one worker: every task in this process, one after the other."""
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


def _collect(futures: Any, inflight: dict[Any, ClientTask], on_result: Callable) -> list[ClientTask]:
    """Report the outcome of finished ``futures`` (removed from ``inflight``); return the tasks whose worker died."""
    broken: list[ClientTask] = []
    for fut in futures:
        task = inflight.pop(fut)
        try:
            on_result(task, fut.result())
        except BrokenProcessPool:
            broken.append(task)
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # noqa: BLE001 - one client's failure (e.g. a result that cannot be pickled) is its own
            on_result(task, _failure(task, _reason(exc), type(exc).__name__))
    return broken


def run_processes(tasks: list[ClientTask], output_dir: str, timeout: float, on_result: Callable, fn: RunFn,
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
            broken = _collect(done, inflight, on_result)
            if not broken:
                continue
            # the pool is broken: every other in-flight future ends now too
            rest, _ = wait(list(inflight))
            broken += _collect(rest, inflight, on_result)
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


def run_dask(tasks: list[ClientTask], output_dir: str, timeout: float, on_result: Callable, fn: RunFn,
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
def dask_client(scheduler: str | None, local_cluster: bool, workers: int) -> Iterator[tuple[Any, int]]:
    """A Dask client on ``scheduler``, or on a local cluster of ``workers`` processes; yields it and its worker count."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # the orgkit[dask] extra is not installed
        from orgkit.errors import DependencyMissingError

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
