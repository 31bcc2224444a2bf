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


def _declared(project) -> dict[str, str]:
    """Every requirement of the package, its extras included, by name (dask[distributed] is two names)."""
    reqs = list(project["dependencies"])
    for extra, items in project["optional-dependencies"].items():
        reqs += [r for r in items if not r.startswith("orgkit[")]
    named = {_name(r): r for r in reqs}
    if "dask" in named:
        named["distributed"] = named["dask"]
    return named


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = set(_declared(project))
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {n.replace("_", "-") for n in _conda_names(env["dependencies"])}
    assert conda == declared, (
        f"only in environment.yml: {sorted(conda - declared)}; "
        f"only in pyproject.toml: {sorted(declared - conda)}")
    pip_section = next(d for d in env["dependencies"] if isinstance(d, dict))["pip"]
    assert "-e ." in pip_section


def test_every_extra_is_in_all_and_installed_by_make():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = set(project["optional-dependencies"]) - {"all", "test"}
    (all_req,) = project["optional-dependencies"]["all"]
    assert set(all_req[all_req.index("[") + 1:all_req.index("]")].split(",")) == extras
    assert '".[all,test]"' in (ROOT / "Makefile").read_text()


def test_every_imported_package_is_declared():
    """A package orgkit imports is a dependency or an extra's, never something that happens to be installed."""
    import ast
    import importlib.metadata
    import sys

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = set(_declared(project))
    dists = importlib.metadata.packages_distributions()
    undeclared = {}
    for path in (ROOT / "orgkit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "orgkit":
                    continue
                candidates = {_name(d) for d in dists.get(top, [top])}
                if not candidates & declared:
                    undeclared.setdefault(top, path.relative_to(ROOT).as_posix())
    assert undeclared == {}, f"imported but not declared in pyproject.toml: {undeclared}"


def test_versions_agree_between_files():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d): d for d in env["dependencies"] if isinstance(d, str)}
    for name, req in _declared(project).items():
        bound = re.search(r">=\s*([\w.]+)", req)
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
