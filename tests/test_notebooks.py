"""The notebooks: thin (one call per cell), typed parameters papermill can read, clean, and they run (nbval)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import nbformat
import pytest

from conftest import ROOT
from orgkit.report.run import NOTEBOOK_PARAMETERS

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ASSESSMENT = ROOT / "notebooks" / "assessment.ipynb"


def _code_cells(path):
    nb = nbformat.read(path, as_version=4)
    return [c for c in nb.cells if c.cell_type == "code"]


def test_notebooks_exist():
    assert {p.name for p in NOTEBOOKS} >= {"assessment.ipynb", "explore.ipynb"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_clean_with_python3_kernel(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_are_typed_and_documented(path):
    import papermill as pm

    params = pm.inspect_notebook(str(path))
    assert params, "no parameters cell"
    for name, p in params.items():
        assert p["inferred_type_name"] in ("str", "int", "bool", "float"), name
        assert p["help"], f"{name} has no help comment"
        assert ast.literal_eval(p["default"]) is not None  # literals only, so papermill can override them


def test_assessment_parameters_match_run_client():
    import papermill as pm

    params = pm.inspect_notebook(str(ASSESSMENT))
    assert {k: v["inferred_type_name"] for k, v in params.items()} == {
        k: t.__name__ for k, t in NOTEBOOK_PARAMETERS.items()}
    assert params["client_dir"]["default"] == '""'  # empty: the bundled sample, so "Run All" works as committed


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_thin_no_definitions_or_loops(path):
    cells = _code_cells(path)
    imports = 0
    for cell in cells:
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            assert not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda,
                                         ast.For, ast.While, ast.ListComp, ast.DictComp)), cell.source
        if any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body):
            imports += 1
            assert all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body), "imports cell does more"
    assert imports == 1, "one imports cell"


def test_assessment_is_one_call_per_cell():
    cells = _code_cells(ASSESSMENT)
    body = [c for c in cells if "parameters" not in c.metadata.get("tags", [])][1:]  # after the imports cell
    assert len(body) >= 25
    for cell in body:
        tree = ast.parse(cell.source)
        assert len(tree.body) == 1, cell.source
        stmt = tree.body[0]
        value = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign)) else None
        assert isinstance(value, ast.Call), cell.source
        assert "papermill_description=" in cell.source  # the progress bar says which step runs


def test_assessment_cells_are_tagged_to_hide_code():
    nb = nbformat.read(ASSESSMENT, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "code":
            assert "hide-input" in tags, cell.source
        else:
            assert "remove-cell" in tags, cell.source
    last = _code_cells(ASSESSMENT)[-1]
    assert "book.record()" in last.source  # the last cell records the key numbers


def test_papermill_injects_parameters_without_warnings(tmp_path, caplog):
    import papermill as pm

    with caplog.at_level("WARNING"):
        pm.execute_notebook(str(ASSESSMENT), str(tmp_path / "out.ipynb"), prepare_only=True,
                            parameters={k: t() for k, t in NOTEBOOK_PARAMETERS.items()}, kernel_name="python3")
    assert "Unable to parse" not in caplog.text and "unknown parameter" not in caplog.text


@pytest.mark.slow
def test_nbval_runs_every_notebook(request):
    """``pytest --nbval-lax --nbval-current-env notebooks/``: every notebook runs on its defaults."""
    pytest.importorskip("nbval")
    if request.config.getoption("--nbval-lax", default=False):
        pytest.skip("this session runs the notebooks itself (make test collects notebooks/ with --nbval-lax)")
    env = dict(os.environ, TQDM_DISABLE="1")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider", "-q",
         str(ROOT / "notebooks")],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env=env,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
