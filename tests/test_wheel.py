"""A non-editable install (a built wheel, used outside the checkout) has every resource and makes a report."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """orgkit installed from a wheel into a folder of its own (dependencies come from this environment)."""
    root = tmp_path_factory.mktemp("wheel")
    site = root / "site"
    source = root / "source"  # a copy, so that building leaves nothing in the checkout
    shutil.copytree(ROOT, source, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "reports", "clients", "__pycache__", ".pytest_cache"))
    build = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile",
                            "--target", str(site), str(source)], capture_output=True, text=True, cwd=root)
    if build.returncode:
        if "Could not find a version that satisfies the requirement setuptools" in build.stderr:
            pytest.skip("pip cannot reach a package index to build the wheel")
        pytest.fail(build.stderr[-2000:])
    env = {**os.environ, "PYTHONPATH": str(site)}
    return root, site, env


def _run(root, env, *args):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=root, env=env, timeout=600)


def test_installed_package_is_used_and_has_its_resources(installed):
    root, site, env = installed
    where = _run(root, env, "-c", "import orgkit, orgkit.sample; print(orgkit.__file__); "
                                  "print(orgkit.sample.sample_client_path())")
    assert where.returncode == 0, where.stderr
    module, sample = where.stdout.split()
    assert module.startswith(str(site)) and sample.startswith(str(site))
    assert not (site / "orgkit" / "__editable__").exists()


def test_installed_package_makes_a_report_outside_the_checkout(installed):
    root, site, env = installed
    sample = _run(root, env, "-m", "orgkit", "sample", "--path").stdout.strip()
    out = root / "reports"
    made = _run(root, env, "-m", "orgkit", "report", sample, "-o", str(out))
    assert made.returncode == 0, made.stderr[-3000:]
    (folder,) = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "<figure" in html and "Traceback" not in html
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["data"]["people"] == 150 and metrics["client"]["slug"] == folder.name
    executed = json.loads((folder / "assessment.ipynb").read_text(encoding="utf-8"))
    assert executed["cells"], "the executed notebook is kept beside the report"
