"""The command line: thin wrappers, errors without tracebacks and with the promised exit status."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from orgkit import __version__
from orgkit.cli import main

GOOD = "employee_id,department,manager_id\nE1,Sales,\nE2,Sales,E1\nE3,Sales,E1\nE4,Sales,E1\nE5,Sales,E2\nE6,Ops,E1\n"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_version_and_help():
    r = run("--version")
    assert r.exit_code == 0 and __version__ in r.output
    r = run("--help")
    assert r.exit_code == 0
    for command in ("sample", "validate", "assess", "report", "batch"):
        assert command in r.output


def test_validate_good_folder(tmp_path):
    (tmp_path / "people.csv").write_text(GOOD)
    r = run("validate", tmp_path)
    assert r.exit_code == 0, r.output
    assert "people" in r.output and "6 rows" in r.output
    assert "departments: 2 (1 below the minimum group size of 5)" in r.output
    assert "Ops" not in r.output  # a one-person department is not named without --show-small-groups
    sales = next(line for line in r.output.splitlines() if line.strip().startswith("Sales"))
    assert sales.split()[-1] == "hidden"  # else 6 people - 5 in Sales would give Ops away
    assert "Other (small groups)" in r.output and "--show-small-groups" in r.output
    assert "small_department" not in r.output and "fewer than 5 people" in r.output


def test_validate_show_small_groups_names_them_for_the_consultant(tmp_path):
    (tmp_path / "people.csv").write_text(GOOD)
    (tmp_path / "survey.csv").write_text("department,q1\nSales,4\nGhost Unit,3\n")
    r = run("validate", "--show-small-groups", tmp_path)
    assert r.exit_code == 0, r.output
    ops = next(line for line in r.output.splitlines() if line.strip().startswith("Ops"))
    assert ops.split()[1] == "1"
    assert "Ghost Unit" in r.output  # the unknown department a warning is about
    assert "Ghost Unit" not in run("validate", tmp_path).output


def test_validate_bad_folder_exit_2_without_traceback(tmp_path):
    (tmp_path / "people.csv").write_text("employee_id,department\nA,x\nA,y\n")
    (tmp_path / "survey.csv").write_text("department,q1\nx,9\n")
    r = run("validate", tmp_path)
    assert r.exit_code == 2
    assert "Traceback" not in r.output
    assert "2 problems found" in r.output
    assert "people.csv" in r.output and "appear more than once" in r.output


def test_validate_missing_folder(tmp_path):
    r = run("validate", tmp_path / "nope")
    assert r.exit_code == 2 and "is not a folder" in r.output


def test_console_entry_point_module(tmp_path):
    (tmp_path / "people.csv").write_text("employee_id,department\nA,x\nA,y\n")
    p = subprocess.run([sys.executable, "-m", "orgkit", "validate", str(tmp_path)], capture_output=True,
                       text=True)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr and "appear more than once" in p.stderr


def test_sample_path_and_generate(tmp_path):
    r = run("sample", "--path")
    assert r.exit_code == 0 and "sample_client" in r.output
    out = tmp_path / "demo"
    r = run("sample", out, "--employees", "80", "--seed", "3")
    assert r.exit_code == 0, r.output
    assert (out / "people.csv").is_file()
    r = run("sample", out, "--employees", "80")
    assert r.exit_code == 2 and "Traceback" not in r.output  # refuses to overwrite


def test_assess_writes_metrics(tmp_path):
    out = tmp_path / "c"
    assert run("sample", out, "--employees", "120", "--seed", "1").exit_code == 0
    r = run("assess", out, "-o", tmp_path / "m.json")
    assert r.exit_code == 0, r.output
    assert "data warning(s)" in r.output  # the sample drops a few unknown and self-message rows
    data = json.loads((tmp_path / "m.json").read_text())
    for key in ("client", "orgkit_version", "data", "structure", "communication", "decisions", "survey",
                "scores"):
        assert key in data
    assert data["client"]["people"] == 120


def test_assess_function_survives_importing_its_module():
    import orgkit
    import orgkit.assessment  # noqa: F401  (importing the module must not shadow the function)

    client = orgkit.load_client(orgkit.data.sample.sample_client_path())
    assert callable(orgkit.assess)
    first = orgkit.assess(client).to_dict()["scores"]
    assert orgkit.assess(client).to_dict()["scores"] == first
