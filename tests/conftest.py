"""Shared fixtures: paths, the public data sets in ../shared/data, small clients built in memory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: The public organisation data sets; tests that read them skip cleanly where the folder is absent.
SHARED_DATA = Path(os.environ.get("ORGKIT_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of public data sets, or skip the test when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"public data sets not found at {SHARED_DATA} (set ORGKIT_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def zh_report(tmp_path_factory):
    """The bundled sample client's whole report in Chinese (one run shared by the tests that read it)."""
    from orgkit.report.run import run_client
    from orgkit.data.sample import sample_client_path

    return run_client(sample_client_path(), tmp_path_factory.mktemp("zh"), language="zh", progress=False)
