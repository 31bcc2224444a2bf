"""The comparison report end to end: ``orgkit compare`` through comparison.ipynb, in English and Chinese.

Two snapshots of one generated client are written to folders (the later one with a department renamed, people
gone, people joined); the report must hold every section, no code, no department under the minimum group size,
the numbers of ``compare_snapshots``, and in Chinese no English outside the data. The notebook also runs as
committed under nbval.
"""

from __future__ import annotations

import html as htmllib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


def _snapshots(root: Path) -> tuple[Path, Path, set[str]]:
    """An earlier and a later snapshot of a generated client, and the departments under 5 people in both."""
    from orgkit.data.sample import generate_client

    old = generate_client(root / "acme-2024", employees=160, seed=11)
    new = root / "acme-2025"
    new.mkdir()
    people = pd.read_csv(old / "people.csv", dtype=str, keep_default_na=False)
    sizes = people["department"].value_counts()
    renamed = sizes.index[1]
    managers = set(people["manager_id"])
    leaf = people[~people["employee_id"].isin(managers)]
    gone = set(leaf["employee_id"].iloc[::17][:6])
    later = people[~people["employee_id"].isin(gone)].copy()
    later.loc[later["department"] == renamed, "department"] = f"{renamed} Group"
    boss = later[later["department"] == sizes.index[0]]["manager_id"].replace("", pd.NA).dropna().iloc[0]
    extra = later.iloc[:7].copy()
    extra["employee_id"] = [f"N{i:03d}" for i in range(7)]
    extra["department"] = sizes.index[0]
    extra["manager_id"] = boss
    later = pd.concat([later, extra], ignore_index=True)
    later.to_csv(new / "people.csv", index=False)
    for name in ("survey_items.csv", "responsibilities.csv"):
        if (old / name).is_file():
            (new / name).write_bytes((old / name).read_bytes())
    comm = pd.read_csv(old / "communication.csv", dtype=str, keep_default_na=False)
    keep = ~comm["source_id"].isin(gone) & ~comm["target_id"].isin(gone)
    comm[keep].to_csv(new / "communication.csv", index=False)
    small = {d for d, n in sizes.items() if n < 5} & set(later["department"].value_counts()[lambda s: s < 5].index)
    return old, new, small


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    return _snapshots(tmp_path_factory.mktemp("snapshots"))


@pytest.fixture(scope="module", params=["en", "zh"])
def report(request, folders, tmp_path_factory):
    from orgkit.report.run import run_comparison

    old, new, _ = folders
    out = tmp_path_factory.mktemp(f"compare-{request.param}")
    return run_comparison(old_dir=old, new_dir=new, output_dir=out, language=request.param, progress=False)


def test_files_marker_and_numbers(report, folders):
    from orgkit.data.loading import load_client
    from orgkit.files.atomic import read_marker
    from orgkit.scenario.snapshots import compare_snapshots

    assert report.out_dir.name == "acme-2024-to-acme-2025"
    for path in (report.html, report.notebook, report.metrics):
        assert path.is_file()
    assert read_marker(report.out_dir)["kind"] == "comparison"
    assert {p.name for p in report.figures} >= {"mixing_before.svg", "mixing_after.svg"}
    data = json.loads(report.metrics.read_text(encoding="utf-8"))
    assert data == report.metrics_data and data["kind"] == "reassessment"
    old, new, _ = folders
    again = compare_snapshots(load_client(old), load_client(new), parallel=False)
    assert data["people"] == again.counts and data["people"]["joined"] == 7 and data["people"]["left"] == 6
    changes = data["snapshots"]["changes"]
    assert changes["renamed"] == 1
    rows = {m["id"]: m for m in data["metrics"]}
    assert rows["communication.ei_index"]["before"] == pytest.approx(again.before.communication.metrics["ei_index"])
    assert rows["survey.score"]["state"] == "before_only"  # the later snapshot has no survey: not a zero


def test_no_code_and_every_section(report):
    html = report.html.read_text(encoding="utf-8")
    assert '<div class="jp-InputArea' not in html and "jp-InputPrompt" not in html
    assert "open_comparison" not in html and "papermill_description" not in html and "book." not in html
    for anchor in ("cover", "summary", "findings", "affected", "snapshots", "structure", "communication",
                   "decisions", "survey", "limits", "appendix"):
        assert f'id="{anchor}"' in html, anchor
    assert 'id="plan"' not in html  # a reassessment has no plan
    assert "<script src=" not in html and "https://" not in html.split("<main", 1)[1].split("</main>")[0]


def test_small_departments_never_named(report, folders):
    _, _, small = folders
    assert small, "the generated client has departments under 5 people"
    html = report.html.read_text(encoding="utf-8")
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", html))
    data = report.metrics.read_text(encoding="utf-8")
    for name in small:
        assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text), name
        assert f'"{name}"' not in data, name


def test_chinese_report_has_no_english_outside_data(report, folders):
    if "zh" not in report.out_dir.parent.name:
        pytest.skip("the English report")
    from test_i18n import ALLOWED_ASCII, _ASCII_WORD

    from orgkit.data.loading import load_client
    from orgkit.thresholds import REGISTRY

    page = report.html.read_text(encoding="utf-8")
    body = re.split(r"<body[^>]*>", page, maxsplit=1)[1]
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", body, flags=re.S)
    text = htmllib.unescape(re.sub(r"<[^>]+>", "\n", body))
    data = set()
    for folder in folders[:2]:
        client = load_client(folder)
        data |= {client.name, folder.name}
        for frame in (client.people, client.responsibilities, client.decisions, client.survey_items):
            if frame is not None:
                for column in frame.columns:
                    data |= set(frame[column].dropna().astype(str))
    words = {w for value in data for w in _ASCII_WORD.findall(value)} | {w for k in REGISTRY for w in k.split(".")}
    allowed = ALLOWED_ASCII | {"NMI", "comparison"}
    found = [w for w in _ASCII_WORD.findall(text) if w not in words and not re.search(r"[_0-9]", w) and len(w) > 2]
    assert sorted(set(found) - allowed) == []
    for phrase in ("组织复评", "摘要", "受影响的人员", "两期数据的匹配", "本次对比无法说明的内容"):
        assert phrase in text, phrase


def test_rerun_replaces_its_own_report(folders, tmp_path):
    from orgkit.report.run import run_comparison

    old, new, _ = folders
    first = run_comparison(old_dir=old, new_dir=new, output_dir=tmp_path, progress=False)
    (first.out_dir / "stale.txt").write_text("from the first run")
    second = run_comparison(old_dir=old, new_dir=new, output_dir=tmp_path, progress=False)
    assert second.out_dir == first.out_dir and not (second.out_dir / "stale.txt").exists()
    from orgkit.files.outputs import clean

    assert clean(tmp_path, dry_run=True).removed == [second.out_dir]  # orgkit clean removes it, and only it


def test_pdf_footer_names_the_comparison(folders, tmp_path):
    from orgkit.report.chromium import find_chromium

    if find_chromium() is None:
        pytest.skip("headless Chromium is not installed")
    from pypdf import PdfReader

    from orgkit.report.run import run_comparison

    old, new, _ = folders
    result = run_comparison(old_dir=old, new_dir=new, output_dir=tmp_path, pdf=True, progress=False)
    text = PdfReader(str(result.pdf)).pages[1].extract_text()
    assert "Reassessment" in text and "Organisation assessment" not in text


def test_notebook_runs_as_committed_under_nbval():
    """``make test`` collects notebooks/ with --nbval-lax: the comparison notebook runs on its defaults (the
    bundled sample beside a synthetic later snapshot)."""
    pytest.importorskip("nbval")
    env = dict(os.environ, TQDM_DISABLE="1", PYTHONPATH=os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider", "-q",
         str(ROOT / "notebooks" / "comparison.ipynb")],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env=env,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]


def test_batch_compares_each_wave_with_the_previous_one(folders, tmp_path):
    """A manifest listing two waves of one client: the batch writes their comparison beside the reports, the
    overview's trend table links it, and a rerun with nothing changed skips it."""
    from orgkit.batch.run import run_batch
    from orgkit.files.atomic import read_marker

    old, new, _ = folders
    manifest = tmp_path / "batch.yml"
    manifest.write_text("clients:\n"
                        f"  - {{folder: {old}, name: Acme, wave: 2024}}\n"
                        f"  - {{folder: {new}, name: Acme, wave: 2025}}\n", encoding="utf-8")
    out = tmp_path / "reports"
    summary = run_batch(manifest, out, workers=1, progress=False)
    assert summary.exit_code == 0, summary.describe()
    assert [(c["slug"], c["status"]) for c in summary.comparisons] == [("acme-2024-to-acme-2025", "done")]
    folder = out / "acme-2024-to-acme-2025"
    assert read_marker(folder)["kind"] == "comparison" and (folder / "report.html").is_file()
    data = json.loads((folder / "comparison.json").read_text(encoding="utf-8"))
    assert data["batch"]["previous"] == "acme-2024" and data["people"]["joined"] == 7
    page = (out / "index.html").read_text(encoding="utf-8")
    trend = page.split('id="trends"')[1]
    assert 'href="acme-2024-to-acme-2025/report.html"' in trend and "What changed since 2024" in trend
    assert json.loads((out / "batch.json").read_text())["comparisons"][0]["status"] == "done"
    again = run_batch(manifest, out, workers=1, progress=False)
    assert [c["status"] for c in again.comparisons] == ["skipped"] and "1 skipped" in again.describe()
    assert not (out / ".orgkit-batch-tmp").exists()


def test_a_suggested_plan_is_applied_and_reported(tmp_path):
    """``orgkit scenario CLIENT --suggest`` writes plans; ``orgkit scenario CLIENT PLAN`` reports one's effect, and
    the report's numbers are those the suggestion promised."""
    from click.testing import CliRunner

    from orgkit.cli import main
    from orgkit.data.sample import sample_client_path

    runner = CliRunner()
    plans = tmp_path / "plans"
    assert runner.invoke(main, ["scenario", str(sample_client_path()), "--suggest", "-o", str(plans)]).exit_code == 0
    plan = plans / "suggested-delegate.yml"
    res = runner.invoke(main, ["scenario", str(sample_client_path()), str(plan), "-o", str(tmp_path / "reports")])
    assert res.exit_code == 0, res.output
    folder = next((tmp_path / "reports").iterdir())
    assert folder.name.startswith("sample-client-scenario-") and (folder / "report.html").is_file()
    data = json.loads((folder / "comparison.json").read_text(encoding="utf-8"))
    assert data["kind"] == "scenario" and data["plan"]["decisions_rerouted"]
    assert 0 < data["decisions"]["rerouted"] <= sum(data["plan"]["decisions_rerouted"].values())
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert 'id="plan"' in html and "not predicted" in html
