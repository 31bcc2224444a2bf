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


def _figure_cell(source: str) -> bool:
    """Whether a cell's last statement returns a figure: a call of a ``plot_*`` function."""
    tree = ast.parse(source)
    last = tree.body[-1] if tree.body else None
    if not isinstance(last, ast.Expr) or not isinstance(last.value, ast.Call):
        return False
    func = last.value.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name.startswith("plot_")


@pytest.mark.slow
def test_explore_shows_every_figure_as_a_picture(tmp_path):
    """Run explore.ipynb as JupyterLab would: every figure cell shows an image (not ``<Figure size ...>``),
    the department view shows its tables and the explorer cell a widget."""
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "notebooks" / "explore.ipynb", as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=600,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    figures = [c for c in nb.cells if c.cell_type == "code" and _figure_cell(c.source)]
    assert len(figures) >= 10
    for cell in figures:
        kinds = {k for out in cell.outputs for k in out.get("data", {})}
        assert {"image/png", "image/svg+xml"} & kinds, f"{cell.source!r} showed {kinds or 'nothing'}"
        assert not any("<Figure size" in out.get("data", {}).get("text/plain", "") and len(out["data"]) == 1
                       for out in cell.outputs)
    view = next(c for c in nb.cells if c.cell_type == "code" and "department_view(" in c.source)
    assert any("text/html" in out.get("data", {}) for out in view.outputs)
    widget = next(c for c in nb.cells if c.cell_type == "code" and "explorer(" in c.source)
    assert widget.source.startswith("# NBVAL_IGNORE_OUTPUT")  # a widget's model id changes every run
    assert any("application/vnd.jupyter.widget-view+json" in out.get("data", {}) for out in widget.outputs)
    errors = [out for c in nb.cells if c.cell_type == "code" for out in c.outputs if out.output_type == "error"]
    assert errors == []
