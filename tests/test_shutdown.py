"""A batch stops cleanly: its workers end with it, nothing is published after it is gone, a rerun resumes.

The end-to-end tests (``slow``) run ``orgkit batch`` in a subprocess on small generated clients with two
worker processes and stop it once a report's kernel runs: with SIGKILL (nothing can run in the batch
process itself) and with SIGTERM (it stops the pool and exits 143).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orgkit.batch import workers as batch_mod
from orgkit.files.atomic import mark
from orgkit.batch.manifest import ClientTask
from orgkit.batch.workers import _abandoned, run_task
from orgkit.data.sample import generate_client

psutil = pytest.importorskip("psutil")


# --------------------------------------------------------------------------------------------------
# the pieces
# --------------------------------------------------------------------------------------------------
def test_abandoned_follows_the_parent_pipe(monkeypatch):
    read, write = multiprocessing.Pipe(duplex=False)
    monkeypatch.setattr(batch_mod, "_PARENT_PIPE", read)
    assert _abandoned() is False  # the batch process holds the write end
    write.close()
    assert _abandoned() is True  # end of file: the batch process is gone
    read.close()


def test_abandoned_outside_a_worker(monkeypatch):
    monkeypatch.setattr(batch_mod, "_PARENT_PIPE", None)
    assert _abandoned() is False


def test_parent_death_signal_is_set_on_linux():
    if not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux only")
    code = ("import signal, ctypes, orgkit.batch.workers as b\n"
            "assert b._set_parent_death_signal(signal.SIGTERM)\n"
            "sig = ctypes.c_int()\n"
            "assert ctypes.CDLL(None).prctl(2, ctypes.byref(sig), 0, 0, 0) == 0\n"  # PR_GET_PDEATHSIG
            "print(sig.value)\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert int(p.stdout) == signal.SIGTERM


def test_a_worker_whose_batch_is_gone_does_not_publish(tmp_path, monkeypatch):
    folder = tmp_path / "clients" / "acme"
    folder.mkdir(parents=True)
    (folder / "people.csv").write_text("employee_id,department\nE1,A\n")
    out = tmp_path / "reports"
    (out / batch_mod.TMP_DIR).mkdir(parents=True)
    read, write = multiprocessing.Pipe(duplex=False)

    class Result:
        metrics_data = {"orgkit_version": "test"}
        timings: dict = {}

    def run_client(client_dir, work, **kwargs):
        staged = Path(work) / "acme"
        staged.mkdir()
        (staged / "report.html").write_text("<html></html>")
        mark(staged, "report", "acme")
        Result.out_dir = staged
        write.close()  # the batch process dies while the report is being built
        return Result

    import orgkit.report.run

    monkeypatch.setattr(orgkit.report.run, "run_client", run_client)
    monkeypatch.setattr(batch_mod, "_PARENT_PIPE", read)
    result = run_task(ClientTask(slug="acme", folder=str(folder)), str(out))
    assert result["status"] == "failed" and result["error_type"] == "Abandoned"
    assert not (out / "acme").exists()
    assert list((out / batch_mod.TMP_DIR).iterdir()) == []  # its work folder is gone too
    read.close()


# --------------------------------------------------------------------------------------------------
# end to end
# --------------------------------------------------------------------------------------------------
def _family(pid: int) -> list:
    return psutil.Process(pid).children(recursive=True)


def _still_running(processes: list) -> list:
    alive = []
    for p in processes:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                alive.append(p)
        except psutil.NoSuchProcess:
            continue
    return alive


def _reports(out: Path) -> dict[str, float]:
    """Published reports: name -> the time their folder was renamed into place (its ctime)."""
    if not out.is_dir():
        return {}
    return {p.name: p.stat().st_ctime for p in out.iterdir()
            if not p.name.startswith(".") and (p / ".orgkit-report").is_file() and (p / "report.html").is_file()}


def _start_batch(tmp_path: Path, n: int = 4, published: int = 0):
    """Start ``orgkit batch`` on ``n`` clients; return once ``published`` reports are out and a kernel runs."""
    src, out = tmp_path / "clients", tmp_path / "reports"
    for i in range(n):
        generate_client(src / f"client-{i}", employees=30, seed=i)
    env = {**os.environ, "ORGKIT_PARALLEL": "0", "TQDM_DISABLE": "1"}
    cmd = [sys.executable, "-m", "orgkit", "batch", str(src), "-o", str(out), "--workers", "2"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 300
    while True:  # until a report's notebook kernel runs
        assert proc.poll() is None, proc.communicate()
        try:
            family = _family(proc.pid)
            kernel = any("ipykernel_launcher" in " ".join(p.cmdline()) for p in _still_running(family))
            if kernel and len(_reports(out)) >= published:
                break
        except psutil.NoSuchProcess:
            pass
        assert time.monotonic() < deadline, "the batch did not get there within 300 s"
        time.sleep(0.2)
    return proc, cmd, env, out, _family(proc.pid)


def _wait_gone(family: list, seconds: float) -> list:
    deadline = time.monotonic() + seconds
    while _still_running(family) and time.monotonic() < deadline:
        time.sleep(0.2)
    return _still_running(family)


@pytest.mark.slow
def test_sigkill_stops_every_worker_publishes_nothing_more_and_a_rerun_resumes(tmp_path):
    proc, cmd, env, out, family = _start_batch(tmp_path, published=1)  # one done, the next ones running
    names = {p.pid: " ".join(p.cmdline())[:120] for p in _still_running(family)}
    assert len(names) >= 3  # the fork server, two workers, a kernel (and the resource tracker)
    killed_at = time.time()
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    left = _wait_gone(family, 15)
    try:
        assert left == [], f"still running after the batch was killed: {[names.get(p.pid, p.pid) for p in left]}"
    finally:
        for p in left:
            p.kill()
    published = _reports(out)
    assert 1 <= len(published) < 4
    assert all(ctime <= killed_at + 1.0 for ctime in published.values()), published  # none after the kill
    time.sleep(3)
    assert _reports(out) == published

    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{4 - len(published)} done, {len(published)} skipped (unchanged), 0 failed" in again.stdout
    assert set(_reports(out)) == {f"client-{i}" for i in range(4)}
    assert not (out / batch_mod.TMP_DIR).exists()


@pytest.mark.slow
def test_sigterm_terminates_the_pool_and_exits_143(tmp_path):
    proc, cmd, env, out, family = _start_batch(tmp_path, n=3)
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143, stdout + stderr
    assert "orgkit batch terminated (SIGTERM)" in stderr and "Run the same command again" in stderr
    assert "Traceback" not in stdout + stderr
    left = _wait_gone(family, 15)
    try:
        assert left == []
    finally:
        for p in left:
            p.kill()
    state = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert state["interrupted"] is True and state["stopped_by"] == "SIGTERM"
    assert not (out / batch_mod.TMP_DIR).exists()
    assert "terminated (SIGTERM)" in (out / "batch.log").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_dask_task_the_scheduler_let_go_does_not_publish(tmp_path):
    """What happens to a running report when the batch process that submitted it disconnects: the scheduler
    releases its tasks, the worker marks the running one cancelled, and the task sees it before publishing."""
    pytest.importorskip("distributed")
    from distributed import Client, LocalCluster

    go, seen = tmp_path / "go", tmp_path / "seen"

    def report_in_progress():
        deadline = time.time() + 60
        while not go.exists() and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the worker hears of the cancellation
        seen.write_text(str(batch_mod._abandoned()))

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        assert client.submit(batch_mod._abandoned, pure=False).result(timeout=30) is False  # still wanted
        fut = client.submit(report_in_progress, pure=False)
        deadline = time.time() + 30
        while fut.status == "pending" and not any(client.processing().values()) and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        fut.cancel()
        go.touch()
        deadline = time.time() + 30
        while not seen.exists() and time.time() < deadline:
            time.sleep(0.1)
    assert seen.read_text() == "True"
