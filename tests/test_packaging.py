"""The project's own promises: dependency lists in step, layout, clean notebooks, nothing generated committed."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib

import yaml

from conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _conda_names(deps) -> set[str]:
    names = set()
    for dep in deps:
        if isinstance(dep, str):
            names.add(_name(dep))
    return names - {"python", "pip"}


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    # dask[distributed] is one pip requirement and two conda packages
    runtime = (runtime - {"dask"}) | {"dask", "distributed"}
    test = {_name(r) for r in project["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = _conda_names(env["dependencies"])
    assert conda == runtime | test, (
        f"only in environment.yml: {sorted(conda - runtime - test)}; "
        f"only in pyproject.toml: {sorted((runtime | test) - conda)}")
    pip_section = next(d for d in env["dependencies"] if isinstance(d, dict))["pip"]
    assert "-e ." in pip_section


def test_versions_agree_between_files():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d): d for d in env["dependencies"] if isinstance(d, str)}
    for req in project["dependencies"]:
        name = _name(req)
        bound = re.search(r">=\s*([\w.]+)", req)
        if name == "dask":
            continue
        assert bound and bound.group(1) in conda[name], f"{name}: {req} vs {conda[name]}"


def test_layout():
    for path in ("notebooks", "orgkit", "templates", "reports", "tests", "benchmarks", "environment.yml",
                 "README.md", "pyproject.toml", "Makefile", ".ci/run"):
        assert (ROOT / path).exists(), path


def _tracked(pattern: str) -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", pattern], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return []
    return [line for line in out.stdout.splitlines() if line]


def test_notebooks_are_committed_clean():
    for nb_path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(nb_path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs") and cell.get("execution_count") is None, nb_path.name
        assert nb["metadata"]["kernelspec"]["name"] == "python3", nb_path.name


def test_no_generated_reports_tracked():
    tracked = [p for p in _tracked("reports") if not p.endswith((".gitkeep", "README.md"))]
    assert tracked == []


def test_overview_template_copy_matches():
    shipped = ROOT / "orgkit" / "resources" / "templates" / "overview.html.j2"
    assert shipped.read_bytes() == (ROOT / "templates" / "overview.html.j2").read_bytes(), (
        "cp templates/overview.html.j2 orgkit/resources/templates/")
