"""Optional parts (extras): asking for a feature whose extra is missing gives a message, not a traceback."""

from __future__ import annotations

import sys

import pytest

from orgkit.errors import DependencyMissingError


def test_dask_without_the_extra_says_how_to_install(monkeypatch, tmp_path):
    import shutil

    from orgkit.batch.run import run_batch
    from orgkit.data.sample import sample_client_path

    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    shutil.copytree(sample_client_path(), tmp_path / "clients" / "acme")
    with pytest.raises(DependencyMissingError, match=r"orgkit\[dask\]"):
        run_batch(tmp_path / "clients", tmp_path / "out", local_cluster=True)


def test_core_import_does_not_need_the_extras(monkeypatch):
    """`import orgkit` and loading a client work without Dask or JupyterLab installed."""
    import importlib

    for name in ("distributed", "dask", "jupyterlab"):
        monkeypatch.setitem(sys.modules, name, None)
    for mod in [m for m in sys.modules if m == "orgkit" or m.startswith("orgkit.")]:
        monkeypatch.delitem(sys.modules, mod)
    orgkit = importlib.import_module("orgkit")
    client = orgkit.load_client(orgkit.data.sample.sample_client_path())
    assert client.n_people > 0
