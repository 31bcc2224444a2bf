"""No output path can destroy input, and every failure to write is a message (orgkit.files.outputs, orgkit.files.atomic).

The report runs here use a stand-in for the notebook and the renderer (they write the files the run
publishes), so every case takes a fraction of a second; tests/test_report.py runs the real notebook.
"""

from __future__ import annotations

import builtins
import errno
import hashlib
import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import orgkit.report.render
from orgkit.files import atomic
from orgkit.batch import fingerprints as batch_fingerprints
from orgkit.batch import run as batch_mod
from orgkit.batch import workers as batch_workers
from orgkit.report import run as report_mod
from orgkit.files.atomic import mark, read_marker
from orgkit.batch.manifest import TMP_DIR
from orgkit.batch.run import run_batch
from orgkit.cli import main
from orgkit.errors import OutputError, ValidationError
from orgkit.files.outputs import check_metrics_file, check_outside_clients, clean, orgkit_wrote_file
from orgkit.batch.overview import build_overview
from orgkit.report.run import run_client

PEOPLE = "employee_id,department,manager_id\nE1,Sales,\nE2,Sales,E1\nE3,Sales,E1\nE4,Sales,E1\nE5,Sales,E2\nE6,Ops,E1\n"


# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------
def client(folder: Path, people: str = PEOPLE) -> Path:
    folder.mkdir(parents=True)
    (folder / "people.csv").write_text(people, encoding="utf-8")
    (folder / "client.yml").write_text(f"name: {folder.name.title()}\n", encoding="utf-8")
    return folder


def digest(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` (hidden ones too) with its content hash: what must not change."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def fake_pipeline(monkeypatch):
    """Stand-ins for the notebook run and the renderer; ``calls`` counts notebook runs."""
    calls = []

    def execute(nb_in, executed, parameters, **kwargs):
        calls.append(parameters["client_dir"])
        out = Path(parameters["output_dir"])
        (out / "metrics.json").write_text(json.dumps({"orgkit_version": "test", "client": {"name": "x"},
                                                      "scores": {"overall": 50.0}}), encoding="utf-8")
        Path(executed).write_text("{}", encoding="utf-8")

    def render(executed, html, **kwargs):
        Path(html).write_text("<html>report</html>", encoding="utf-8")

    monkeypatch.setattr(report_mod, "execute_notebook", execute)
    monkeypatch.setattr(orgkit.report.render, "render_html", render)
    return calls


def deny_open(monkeypatch, name: str, error: OSError) -> None:
    """Make opening any file called ``name`` fail with ``error`` (how a file root cannot read is simulated)."""
    real = io.open

    def guarded(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and Path(os.fspath(file)).name == name:
            raise type(error)(error.errno, error.strerror, os.fspath(file))
        return real(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    monkeypatch.setattr(io, "open", guarded)


# --------------------------------------------------------------------------------------------------
# where an output may go
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("output, words", [
    ("clients/acme", "is the client folder"),
    ("clients/acme/reports", "is inside the client folder"),
    ("clients", "contains the client folder"),
    (".", "contains the client folder"),
])
def test_check_outside_clients_refuses(tmp_path, output, words):
    acme = client(tmp_path / "clients" / "acme")
    with pytest.raises(OutputError, match=words):
        check_outside_clients(tmp_path / output, [acme])


def test_check_outside_clients_accepts_side_by_side_and_sees_through_links(tmp_path):
    acme = client(tmp_path / "clients" / "acme")
    check_outside_clients(tmp_path / "reports", [acme])
    check_outside_clients(tmp_path / "clients-reports", [acme])  # a name that merely starts the same
    (tmp_path / "link").symlink_to(acme)
    with pytest.raises(OutputError, match="is the client folder"):
        check_outside_clients(tmp_path / "link", [acme])
    with pytest.raises(OutputError, match="is inside the client folder"):
        check_outside_clients(tmp_path / "link" / "out", [acme])
    with pytest.raises(OutputError, match="contains the client folder"):
        check_outside_clients(tmp_path / "reports", [tmp_path / "reports" / "x"])


def test_check_metrics_file(tmp_path):
    acme = client(tmp_path / "acme")
    for target in (acme / "metrics.json", acme / "people.csv", acme / "sub" / "m.json"):
        with pytest.raises(OutputError, match="inside the client folder"):
            check_metrics_file(target, acme)
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="not written by orgkit"):
        check_metrics_file(tmp_path / "notes.txt", acme)
    (tmp_path / "m.json").write_text(json.dumps({"orgkit_version": "0.1", "scores": {}}))
    check_metrics_file(tmp_path / "m.json", acme)  # an earlier metrics.json may be replaced
    check_metrics_file(tmp_path / "new.json", acme)


@pytest.mark.parametrize("how", ["equal", "inside", "contains"])
def test_report_refuses_output_around_the_client_before_writing(tmp_path, fake_pipeline, how):
    acme = client(tmp_path / "clients" / "acme")
    output = {"equal": acme, "inside": acme / "reports", "contains": tmp_path / "clients"}[how]
    before = digest(tmp_path)
    with pytest.raises(OutputError, match="orgkit never writes among a client's files"):
        run_client(acme, output, progress=False)
    assert digest(tmp_path) == before and not (acme / "reports").exists()
    assert fake_pipeline == []  # nothing ran


def test_cli_report_into_the_clients_folder_keeps_every_input(tmp_path, fake_pipeline):
    acme = client(tmp_path / "clients" / "acme")
    before = digest(acme)
    r = run("report", acme, "-o", tmp_path / "clients")
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert r.output.startswith("error: the output folder") and "contains the client folder" in r.output
    assert digest(acme) == before and sorted(p.name for p in (tmp_path / "clients").iterdir()) == ["acme"]


def test_cli_assess_output_in_client_folder_or_over_a_foreign_file(tmp_path):
    acme = client(tmp_path / "acme")
    before = digest(acme)
    for target in (acme / "people.csv", acme / "metrics.json"):
        r = run("assess", acme, "-o", target)
        assert r.exit_code == 2 and "inside the client folder" in r.output and "Traceback" not in r.output
    assert digest(acme) == before
    (tmp_path / "notes.txt").write_text("mine")
    r = run("assess", acme, "-o", tmp_path / "notes.txt")
    assert r.exit_code == 2 and "not written by orgkit" in r.output
    assert (tmp_path / "notes.txt").read_text() == "mine"
    r = run("assess", acme, "-o", tmp_path / "m.json")
    assert r.exit_code == 0, r.output
    r = run("assess", acme, "-o", tmp_path / "m.json")  # its own earlier output is replaced
    assert r.exit_code == 0 and json.loads((tmp_path / "m.json").read_text())["client"]["people"] == 6


# --------------------------------------------------------------------------------------------------
# replacing only what orgkit wrote
# --------------------------------------------------------------------------------------------------
def test_report_publishes_a_marked_folder_and_replaces_it(tmp_path, fake_pipeline):
    acme = client(tmp_path / "acme")
    first = run_client(acme, tmp_path / "reports", progress=False)
    assert read_marker(first.out_dir) == {"orgkit": orgkit.__version__, "kind": "report", "slug": "acme"}
    (first.out_dir / "report.html").write_text("old")
    second = run_client(acme, tmp_path / "reports", progress=False)
    assert second.html.read_text() == "<html>report</html>"
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["acme"]  # no staging, no old copy


def test_report_refuses_a_folder_orgkit_did_not_write(tmp_path, fake_pipeline):
    acme = client(tmp_path / "clients" / "acme")
    theirs = tmp_path / "reports" / "acme"
    theirs.mkdir(parents=True)
    (theirs / "notes.txt").write_text("mine")
    before = digest(tmp_path / "reports")
    with pytest.raises(OutputError, match="reports/acme exists and was not written by orgkit; move it or choose "
                                          "another -o"):
        run_client(acme, tmp_path / "reports", progress=False)
    assert digest(tmp_path / "reports") == before and fake_pipeline == []
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["acme"]


def test_report_leaves_a_failed_folder_it_did_not_write(tmp_path, fake_pipeline):
    acme = client(tmp_path / "acme")
    theirs = tmp_path / "reports" / "acme.failed"
    theirs.mkdir(parents=True)
    (theirs / "notes.txt").write_text("mine")
    run_client(acme, tmp_path / "reports", progress=False)
    assert (theirs / "notes.txt").read_text() == "mine"  # a success removes only orgkit's failure record
    mark(theirs, "failed", "acme")
    run_client(acme, tmp_path / "reports", progress=False)
    assert not theirs.exists()


@pytest.mark.parametrize("error, words", [
    (PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
    (OSError(errno.ENOSPC, "No space left on device"), "the disk is full"),
])
def test_report_write_failures_are_messages_and_keep_the_previous_report(tmp_path, fake_pipeline, monkeypatch,
                                                                          error, words):
    acme = client(tmp_path / "acme")
    reports = tmp_path / "reports"
    run_client(acme, reports, progress=False)
    before = digest(reports)

    def fail(src, dst):
        raise type(error)(error.errno, error.strerror, os.fspath(src))

    monkeypatch.setattr(atomic.os, "replace", fail)  # publishing fails
    r = run("report", acme, "-o", reports)
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert r.output.startswith("error: cannot ") and words in r.output
    monkeypatch.undo()
    assert digest(reports) == before and sorted(p.name for p in reports.iterdir()) == ["acme"]


def test_report_disk_full_while_the_notebook_writes(tmp_path, fake_pipeline, monkeypatch):
    acme = client(tmp_path / "acme")

    def full(nb_in, executed, parameters, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", os.fspath(executed))

    monkeypatch.setattr(report_mod, "execute_notebook", full)
    with pytest.raises(OutputError, match="assessment.ipynb: the disk is full"):
        run_client(acme, tmp_path / "reports", progress=False)
    assert list((tmp_path / "reports").iterdir()) == []  # the staging folder is gone


def test_report_read_only_output(tmp_path, fake_pipeline, monkeypatch):
    acme = client(tmp_path / "acme")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        if os.access(ro, os.W_OK):  # root: chmod does not stop writes, so simulate the refusal
            import tempfile

            def denied(*args, **kwargs):
                raise PermissionError(errno.EACCES, "Permission denied", os.fspath(ro))

            monkeypatch.setattr(tempfile, "mkdtemp", denied)
        r = run("report", acme, "-o", ro)
        assert r.exit_code == 2 and "Traceback" not in r.output
        assert r.output.startswith(f"error: cannot write {ro}") and "permission denied" in r.output
    finally:
        ro.chmod(0o755)


def test_report_output_under_a_file(tmp_path, fake_pipeline):
    acme = client(tmp_path / "acme")
    (tmp_path / "reports").write_text("a file")
    r = run("report", acme, "-o", tmp_path / "reports" / "sub")
    assert r.exit_code == 2 and "a file stands where a folder is expected" in r.output
    assert "Traceback" not in r.output and (tmp_path / "reports").read_text() == "a file"


@pytest.mark.parametrize("command", ["validate", "assess", "report"])
def test_unreadable_input_is_a_validation_message(tmp_path, fake_pipeline, monkeypatch, command):
    acme = client(tmp_path / "acme")
    deny_open(monkeypatch, "people.csv", PermissionError(errno.EACCES, "Permission denied"))
    r = run(command, acme, *(["-o", tmp_path / "reports"] if command == "report" else []))
    monkeypatch.undo()
    assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    assert r.output.startswith("error: ") and "people.csv: cannot be read (Permission denied)" in r.output


def test_unreadable_input_from_the_api(tmp_path, fake_pipeline, monkeypatch):
    acme = client(tmp_path / "acme")
    deny_open(monkeypatch, "people.csv", PermissionError(errno.EACCES, "Permission denied"))
    with pytest.raises(ValidationError, match="read access"):
        run_client(acme, tmp_path / "reports", progress=False)


# --------------------------------------------------------------------------------------------------
# batch
# --------------------------------------------------------------------------------------------------
def clients(root: Path, *names: str) -> Path:
    for name in names:
        client(root / name)
    return root


class Recorder:
    def __init__(self) -> None:
        self.slugs: list[str] = []

    def __call__(self, task, output_dir, timeout):
        self.slugs.append(task.slug)
        return {"slug": task.slug, "status": "done", "seconds": 0.0}


@pytest.mark.parametrize("where", ["source", "inside", "client"])
def test_batch_refuses_output_around_its_clients_before_writing(tmp_path, where):
    src = clients(tmp_path / "clients", "acme", "beta")
    out = {"source": src, "inside": src / "beta" / "reports", "client": src / "acme"}[where]
    before = digest(tmp_path)
    recorder = Recorder()
    with pytest.raises(OutputError, match="orgkit never writes among a client's files"):
        run_batch(src, out, workers=1, progress=False, _run=recorder)
    assert recorder.slugs == [] and digest(tmp_path) == before
    r = run("batch", src, "-o", out)
    assert r.exit_code == 2 and "Traceback" not in r.output and digest(tmp_path) == before


def test_batch_manifest_client_inside_the_output(tmp_path):
    client(tmp_path / "reports" / "acme-data")
    (tmp_path / "m.csv").write_text("folder\nreports/acme-data\n")
    with pytest.raises(OutputError, match="contains the client folder"):
        run_batch(tmp_path / "m.csv", tmp_path / "reports", workers=1, progress=False, _run=Recorder())


@pytest.mark.parametrize("name, content", [
    ("acme", None),
    ("index.html", "<html><body>my own portfolio page</body></html>"),
    ("summary.csv", "client,score\nmine,1\n"),
    ("batch.json", '{"mine": true}'),
    ("batch.log", "my notes\n"),
    (".orgkit-batch.lock", "something else"),
    (TMP_DIR, None),
])
def test_batch_refuses_files_it_did_not_write_before_writing(tmp_path, name, content):
    src = clients(tmp_path / "clients", "acme", "beta")
    out = tmp_path / "reports"
    out.mkdir()
    if content is None:
        (out / name).mkdir()
        (out / name / "notes.txt").write_text("mine")
    else:
        (out / name).write_text(content)
    before = digest(out)
    recorder = Recorder()
    with pytest.raises(OutputError, match="not written by orgkit"):
        run_batch(src, out, workers=1, progress=False, _run=recorder)
    assert recorder.slugs == [] and digest(out) == before
    r = run("batch", src, "-o", out, "--workers", "1")
    assert r.exit_code == 2 and r.output.startswith("error: ") and "Traceback" not in r.output
    assert digest(out) == before


def test_batch_accepts_what_orgkit_wrote(tmp_path, fake_pipeline):
    src = clients(tmp_path / "clients", "acme", "beta")
    out = tmp_path / "reports"
    first = run_batch(src, out, workers=1, progress=False)
    assert first.exit_code == 0 and len(fake_pipeline) == 2
    for slug in ("acme", "beta"):
        assert read_marker(out / slug)["slug"] == slug
    for name in ("index.html", "summary.csv", "batch.json", "batch.log", ".orgkit-batch.lock"):
        assert orgkit_wrote_file(out / name), name
    assert not (out / TMP_DIR).exists()
    (out / TMP_DIR / "acme-0123456789").mkdir(parents=True)  # a killed run's leftovers (before the marker)
    again = run_batch(src, out, workers=1, progress=False, force=True)
    assert again.exit_code == 0 and len(fake_pipeline) == 4 and not (out / TMP_DIR).exists()


def test_batch_keeps_a_failed_folder_it_did_not_write(tmp_path, fake_pipeline):
    src = clients(tmp_path / "clients", "acme")
    (src / "acme" / "people.csv").write_text("employee_id,department\nE1,A\nE1,B\n")  # duplicate id
    out = tmp_path / "reports"
    theirs = out / "acme.failed"
    theirs.mkdir(parents=True)
    (theirs / "notes.txt").write_text("mine")
    summary = run_batch(src, out, workers=1, progress=False)
    assert summary.exit_code == 3 and summary.failed[0].error_type == "ValidationError"
    assert sorted(p.name for p in theirs.iterdir()) == ["notes.txt"]
    (theirs / "notes.txt").unlink()
    theirs.rmdir()
    run_batch(src, out, workers=1, progress=False)
    assert read_marker(theirs)["kind"] == "failed" and "ValidationError" in (theirs / "error.txt").read_text()


def test_batch_read_only_output_is_a_message(tmp_path, monkeypatch):
    src = clients(tmp_path / "clients", "acme")
    out = tmp_path / "reports"
    out.mkdir()
    real = builtins.open

    def denied(file, *args, **kwargs):
        if Path(os.fspath(file)).parent == out:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(file))
        return real(file, *args, **kwargs)

    monkeypatch.setattr(batch_mod, "open", denied, raising=False)
    r = run("batch", src, "-o", out, "--workers", "1")
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert r.output.startswith("error: cannot write") and ".orgkit-batch.lock: permission denied" in r.output


def test_batch_disk_full_while_publishing_fails_the_client_only(tmp_path, fake_pipeline, monkeypatch):
    src = clients(tmp_path / "clients", "acme")
    out = tmp_path / "reports"

    def full(new, final):
        raise OutputError(f"cannot replace {final}: the disk is full (No space left on device).")

    monkeypatch.setattr(batch_workers, "swap_in", full)
    summary = run_batch(src, out, workers=1, progress=False)
    assert summary.exit_code == 3 and "the disk is full" in summary.failed[0].reason
    assert not (out / "acme").exists()


# --------------------------------------------------------------------------------------------------
# the overview and clean
# --------------------------------------------------------------------------------------------------
def write_report(out: Path, slug: str, name: str, wave: str | None = None, ei: float = -0.5) -> None:
    folder = out / slug
    folder.mkdir(parents=True)
    (folder / "report.html").write_text("<html></html>")
    (folder / "metrics.json").write_text(json.dumps({
        "orgkit_version": "test", "client": {"name": name, "people": 10},
        "communication": {"ei_index": ei, "density": 0.5}, "scores": {"overall": 61.5},
        "batch": {"slug": slug, "name": name, "wave": wave}}))
    mark(folder, "report", slug)


def test_summary_csv_neutralises_formulas_and_keeps_numbers(tmp_path):
    import csv

    import pandas as pd

    out = tmp_path / "reports"
    names = {"a": '=HYPERLINK("http://x","y")', "b": "+1+1", "c": "@SUM(1)", "d": "-cmd|' /C calc'!A0",
             "e": "\tTab", "f": "Plain Co", "g": "＝1+1"}
    for slug, name in names.items():
        write_report(out, slug, name, wave="-2" if slug == "a" else None, ei=-0.25)
    build_overview(out, [{"slug": "z", "status": "failed", "reason": "=2+3 in people.csv", "name": "-Bad"}])
    with open(out / "summary.csv", encoding="utf-8-sig", newline="") as fh:
        rows = {r["slug"]: r for r in csv.DictReader(fh)}
    assert rows["a"]["client"] == '\'=HYPERLINK("http://x","y")'
    assert rows["b"]["client"] == "'+1+1" and rows["c"]["client"] == "'@SUM(1)"
    assert rows["d"]["client"] == "'-cmd|' /C calc'!A0" and rows["e"]["client"] == "'\tTab"
    assert rows["f"]["client"] == "Plain Co" and rows["g"]["client"] == "'＝1+1"
    assert rows["a"]["wave"] == "-2"  # a number stays a number
    assert rows["z"]["client"] == "'-Bad" and rows["z"]["reason"] == "'=2+3 in people.csv"
    assert rows["a"]["ei_index"] == "-0.25"
    table = pd.read_csv(out / "summary.csv")
    assert table["ei_index"].dtype == "float64" and table["ei_index"].dropna().eq(-0.25).all()
    assert table["overall_score"].dropna().eq(61.5).all()
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;)" in page or "=HYPERLINK(&quot;" in page


@pytest.mark.parametrize("name", ["index.html", "summary.csv"])
def test_build_overview_never_replaces_a_file_it_did_not_write(tmp_path, name):
    out = tmp_path / "reports"
    write_report(out, "a", "Acme")
    (out / name).write_text("mine")
    with pytest.raises(OutputError, match="not written by orgkit"):
        build_overview(out)
    assert (out / name).read_text() == "mine"


def test_orgkit_wrote_file_recognises_its_own_files(tmp_path):
    out = tmp_path / "reports"
    write_report(out, "a", "Acme")
    build_overview(out)
    assert orgkit_wrote_file(out / "index.html") and orgkit_wrote_file(out / "summary.csv")
    assert orgkit_wrote_file(out / "missing.html")
    (out / "empty.log").write_text("")
    assert orgkit_wrote_file(out / "empty.log")
    (out / "batch.log").write_text("2025-01-02 03:04:05,678 INFO    batch started: 2 client(s) from x\n")
    assert orgkit_wrote_file(out / "batch.log")
    (out / "batch.log").write_text("my own log\n")
    assert not orgkit_wrote_file(out / "batch.log")
    (out / "link.html").symlink_to(out / "index.html")
    assert not orgkit_wrote_file(out / "link.html")


def test_clean_removes_only_what_orgkit_wrote(tmp_path):
    out = tmp_path / "reports"
    write_report(out, "a", "Acme")
    build_overview(out)
    (out / "b.failed").mkdir()
    mark(out / "b.failed", "failed", "b")
    (out / "mine").mkdir()
    (out / "mine" / "notes.txt").write_text("keep")
    (out / "notes.md").write_text("keep")
    (out / "summary.csv.bak").write_text("keep")
    (out / ".gitkeep").write_text("")
    r = run("clean", out, "--dry-run")
    assert r.exit_code == 0 and "would remove" in r.output and (out / "a").exists()
    r = run("clean", out)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == [".gitkeep", "mine", "notes.md", "summary.csv.bak"]
    assert (out / "mine" / "notes.txt").read_text() == "keep"
    assert "kept " in r.output and "not written by orgkit" in r.output
    assert clean(tmp_path / "missing").removed == []


def test_makefile_clean_uses_orgkit_clean():
    from conftest import ROOT

    text = (ROOT / "Makefile").read_text()
    target = text.split("\nclean:")[1].split("\n\n")[0]
    assert "$(ORGKIT) clean $(REPORTS)" in target and "find $(REPORTS)" not in target
    assert "rm -rf $(REPORTS)" not in target


def test_batch_log_on_a_full_disk_warns_once_without_a_traceback(tmp_path, capsys, caplog):
    runlog = batch_mod._RunLog(tmp_path / "batch.log")
    runlog.log(20, "batch started: %d client(s)", 1)

    def full(text):
        raise OSError(errno.ENOSPC, "No space left on device")

    runlog.handler.stream.write = full
    with caplog.at_level("WARNING", logger="orgkit"):
        runlog.log(40, "acme: failed")
        runlog.log(40, "beta: failed")
    runlog.close()
    assert "Traceback" not in capsys.readouterr().err
    warnings = [r.getMessage() for r in caplog.records if "batch.log is incomplete" in r.getMessage()]
    assert len(warnings) == 1 and "the disk is full" in warnings[0] and "batch.log" in warnings[0]


@pytest.mark.parametrize("error, words", [
    (PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
    (OSError(errno.ENOSPC, "No space left on device"), "the disk is full"),
])
def test_cli_sample_write_failures_are_messages(tmp_path, monkeypatch, error, words):
    import orgkit.data.sample as sample_mod

    def fail(table, path):
        raise type(error)(error.errno, error.strerror, os.fspath(path))

    monkeypatch.setattr(sample_mod, "_write_csv", fail)
    r = run("sample", tmp_path / "demo", "-n", "10")
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert r.output.startswith("error: cannot write ") and words in r.output


def test_cli_sample_refuses_a_client_folder_even_with_force(tmp_path):
    acme = client(tmp_path / "acme")
    before = digest(acme)
    r = run("sample", acme, "--force")
    assert r.exit_code == 2 and "not a sample folder orgkit wrote" in r.output and "Traceback" not in r.output
    assert digest(acme) == before
    (tmp_path / "file").write_text("x")
    r = run("sample", tmp_path / "file" / "demo")
    assert r.exit_code == 2 and "a file stands where a folder is expected" in r.output


def test_batch_unreadable_input_fails_that_client_with_a_message(tmp_path, fake_pipeline, monkeypatch):
    src = clients(tmp_path / "clients", "acme", "beta")
    real = batch_fingerprints._sha256

    def denied(path):
        if path.parent.name == "acme":
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(batch_fingerprints, "_sha256", denied)
    summary = run_batch(src, tmp_path / "reports", workers=1, progress=False)
    assert {o.slug: o.status for o in summary.outcomes} == {"acme": "failed", "beta": "done"}
    assert summary.failed[0].reason.startswith("client.yml: cannot be read (Permission denied)")
