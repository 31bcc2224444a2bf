"""A notebook run that stops is named for what stopped it; any other exception is a bug and is not relabelled."""

from __future__ import annotations

import pytest

from orgkit.errors import ReportError
from orgkit.report.run import execute_notebook
from orgkit.report.resources import notebook_path


def _raising(exc):
    def run(*args, **kwargs):
        raise exc

    return run


@pytest.mark.parametrize("make, words", [
    (lambda: __import__("nbclient.exceptions", fromlist=["x"]).CellTimeoutError("cell 3"), "timeout"),
    (lambda: __import__("nbclient.exceptions", fromlist=["x"]).DeadKernelError("Kernel died"), "memory"),
])
def test_timeout_and_dead_kernel_are_messages(monkeypatch, tmp_path, make, words):
    import papermill

    monkeypatch.setattr(papermill, "execute_notebook", _raising(make()))
    with pytest.raises(ReportError, match=words):
        execute_notebook(notebook_path(), tmp_path / "out.ipynb", {}, progress=False)


def test_a_bug_is_not_relabelled_as_a_dead_kernel(monkeypatch, tmp_path):
    import papermill

    monkeypatch.setattr(papermill, "execute_notebook", _raising(RuntimeError("a bug in orgkit")))
    with pytest.raises(RuntimeError, match="a bug in orgkit") as info:
        execute_notebook(notebook_path(), tmp_path / "out.ipynb", {}, progress=False)
    assert not isinstance(info.value, ReportError)
