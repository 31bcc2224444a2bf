"""Every command that takes a client folder, on every case of the catalogue of bad inputs (tests/catalogue.py).

Each run must end with the case's exit status, say what is wrong on stderr (``error: ...`` naming the
file, or the batch summary naming the client's problem), print no traceback, and leave the client
folder byte for byte as it was.

``report`` and ``batch`` run in this process with a stand-in for the notebook kernel and the renderer
(every case fails, or is accepted, before a kernel would start; tests/test_report.py and test_batch.py run
the real notebook). Two cases run the real ``orgkit`` command in a subprocess.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import orgkit.report.render
from catalogue import CASES, Case, invocation, simulate
from orgkit.report import run as report_mod
from orgkit.cli import main


def _params():
    out = []
    for case in CASES:
        for command in case.commands:
            out.append(pytest.param(case, command, id=f"{case.name}-{command}"))
    return out


def _digest(path: Path) -> dict[str, str]:
    if path.is_symlink() or path.is_file():
        return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()}
    if not path.is_dir():
        return {}
    return {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture
def stand_in(monkeypatch):
    """The notebook kernel and renderer replaced by writers of the files a report publishes."""
    def execute(nb_in, executed, parameters, **kwargs):
        out = Path(parameters["output_dir"])
        (out / "metrics.json").write_text(json.dumps({"orgkit_version": "test", "client": {"name": "x"}}),
                                          encoding="utf-8")
        Path(executed).write_text("{}", encoding="utf-8")

    def render(executed, html, **kwargs):
        Path(html).write_text("<html></html>", encoding="utf-8")

    monkeypatch.setattr(report_mod, "execute_notebook", execute)
    monkeypatch.setattr(orgkit.report.render, "render_html", render)


def test_the_catalogue_is_complete():
    names = [c.name for c in CASES]
    assert len(names) == len(set(names)) and len(names) >= 30
    runs = sum(len(c.commands) for c in CASES)
    assert runs >= 120
    for command in ("validate", "assess", "report", "batch"):
        assert sum(command in c.commands for c in CASES) >= 8


@pytest.mark.parametrize("case, command", _params())
def test_case(case: Case, command: str, tmp_path, monkeypatch, stand_in):
    root = tmp_path / "case"
    inv = invocation(case, command, root)
    client = root / "acme"
    before = _digest(client)
    simulate(case, monkeypatch, root)
    try:
        result = CliRunner().invoke(main, inv.args)
    finally:
        monkeypatch.undo()
        ro = root / "read-only"
        if ro.exists():
            ro.chmod(0o755)
    output = result.output
    # a bug shows as an exception the CLI did not turn into a message
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}\n{output}")
    assert "Traceback" not in output
    assert result.exit_code == inv.code, output
    if inv.code == 2:
        stderr = result.stderr
        assert stderr.startswith("error:") or (stderr.startswith("Usage:") and "Error:" in stderr), stderr
    if inv.code != 0 or command == "validate":
        assert inv.mention.lower() in output.lower(), output
    if command == "batch" and inv.code == 3:
        assert "failed:\n  acme: " in output
        log = (Path(inv.args[3]) / "batch.log").read_text(encoding="utf-8")
        assert "Traceback" not in log  # an input problem is a message, not a crash
    assert _digest(client) == before  # the client's files are untouched


@pytest.mark.parametrize("name, extra", [
    ("client_yml_invalid", []),
    ("output_inside_client_folder", ["-o", "{client}/reports"]),
])
def test_real_command_line(tmp_path, name, extra):
    case = next(c for c in CASES if c.name == name)
    client = case.files(tmp_path)
    args = [a.format(client=client) for a in extra] or ["-o", str(tmp_path / "reports")]
    env = {**os.environ, "ORGKIT_PARALLEL": "0"}
    p = subprocess.run([sys.executable, "-m", "orgkit", "report", str(client), *args], capture_output=True,
                       text=True, env=env, timeout=120)
    assert p.returncode == 2, p.stderr
    assert p.stderr.startswith("error:") and case.mention in p.stderr
    assert "Traceback" not in p.stderr + p.stdout
    assert not (client / "reports").exists()
