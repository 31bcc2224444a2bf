"""Tests of orgkit.batch.run (many clients' reports) and orgkit.batch.overview (index.html, summary.csv).

The fast tests use hand-written manifests, metrics.json files and stand-in worker functions; the tests
marked ``slow`` build real reports of small generated clients (about 2-5 s each).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from orgkit.batch import run as batch_mod
from orgkit.batch.fingerprints import input_fingerprint
from orgkit.batch.manifest import TMP_DIR, ClientTask, discover_clients, read_manifest
from orgkit.batch.run import BatchInterrupted, BatchSummary, ClientOutcome, run_batch
from orgkit.errors import ConfigError, ManifestError, OutputError
from orgkit.batch.overview import build_overview, score_status, summary_table, wave_sort_key


# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------
def make_client(folder: Path, seed: int, name: str | None = None, employees: int = 60) -> Path:
    from orgkit.data.sample import generate_client

    return generate_client(folder, employees=employees, seed=seed, name=name or f"Client {seed}")


def minimal_client(folder: Path) -> Path:
    """A folder the batch accepts as a client (a people.csv); enough where no report is built."""
    folder.mkdir(parents=True)
    (folder / "people.csv").write_text("employee_id,department\n1,A\n2,A\n", encoding="utf-8")
    return folder


def break_client(folder: Path) -> None:
    """Give a second person the id of an existing one (a different department): a validation error."""
    people = folder / "people.csv"
    lines = people.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[2].split(",")
    row[header.index("department")] = "Nowhere"
    lines.append(",".join(row))
    people.write_text("\n".join(lines) + "\n", encoding="utf-8")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def metrics(out: Path, slug: str) -> dict:
    return json.loads((out / slug / "metrics.json").read_text(encoding="utf-8"))


def leftovers(out: Path) -> list[str]:
    """Anything half-written: the private work folder, report staging folders, temporary files."""
    names = [p.name for p in out.iterdir()]
    return [n for n in names if n == TMP_DIR or n.endswith(".tmp") or ".old-" in n]


def _fake_done(task: ClientTask, output_dir: str, timeout: float) -> dict:
    return {"slug": task.slug, "status": "done", "seconds": 0.01}


def _fake_kill_boom(task: ClientTask, output_dir: str, timeout: float) -> dict:
    """Stands in for a report in a worker process; the client 'boom' kills its worker every time."""
    import time

    time.sleep(0.3)
    if task.slug == "boom":
        os._exit(9)
    return {"slug": task.slug, "status": "done", "seconds": 0.3}


class Recorder:
    """A serial-mode stand-in for the report run that records which clients were run."""

    def __init__(self) -> None:
        self.slugs: list[str] = []

    def __call__(self, task: ClientTask, output_dir: str, timeout: float) -> dict:
        self.slugs.append(task.slug)
        return {"slug": task.slug, "status": "done", "seconds": 0.0}


# --------------------------------------------------------------------------------------------------
# manifests and discovery
# --------------------------------------------------------------------------------------------------
def test_manifest_csv_reads_overrides(tmp_path):
    minimal_client(tmp_path / "clients" / "acme")
    minimal_client(tmp_path / "clients" / "beta")
    (tmp_path / "m.csv").write_text(
        "Folder,Name,Language,Stage,Min Group Size,Wave\n"
        "clients/acme,Acme Ltd,ZH,large,8,2025-Q1\n"
        "\n"
        "# a comment line\n"
        "clients/beta,,,,,\n",
        encoding="utf-8",
    )
    acme, beta = read_manifest(tmp_path / "m.csv")
    assert (acme.slug, acme.name, acme.language, acme.stage, acme.min_group_size, acme.wave) == (
        "acme", "Acme Ltd", "zh", "large", 8, "2025-Q1")
    assert acme.folder == str((tmp_path / "clients" / "acme").resolve())
    assert (beta.slug, beta.name, beta.language, beta.stage, beta.min_group_size, beta.wave) == (
        "beta", None, None, None, None, None)
    assert acme.source == "m.csv, row 2" and beta.source == "m.csv, row 5"


def test_manifest_yaml_defaults_and_overrides(tmp_path):
    minimal_client(tmp_path / "q1" / "acme")
    minimal_client(tmp_path / "q2" / "acme")
    (tmp_path / "m.yml").write_text(
        "defaults: {min_group_size: 6}\n"
        "clients:\n"
        "  - {folder: q1/acme, name: Acme, wave: 2025-03-31}\n"
        "  - {folder: q2/acme, name: Acme, wave: 2025-06-30, language: zh, min_group_size: 3}\n",
        encoding="utf-8",
    )
    q1, q2 = read_manifest(tmp_path / "m.yml")
    # the folder names collide, so each default slug gets its wave
    assert (q1.slug, q1.wave, q1.min_group_size, q1.language) == ("acme-2025-03-31", "2025-03-31", 6, None)
    assert (q2.slug, q2.wave, q2.min_group_size, q2.language) == ("acme-2025-06-30", "2025-06-30", 3, "zh")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("folder,colour\nacme,blue\n", "m.csv, row 2: unknown column 'colour'"),
        ("folder,name\n,Acme\n", "m.csv, row 2: the folder is missing"),
        ("folder\nacme\nnowhere\n", "m.csv, row 3: folder 'nowhere' does not exist"),
        ("folder,slug\nacme,x\nbeta,x\n", "m.csv, row 3: slug 'x' is already used by m.csv, row 2"),
        ("folder\nacme\nacme\n", "m.csv, row 3: slug 'acme' is already used"),
        ("folder,language\nacme,fr\n", "m.csv, row 2: language must be one of"),
        ("folder,stage\nacme,huge\n", "m.csv, row 2: stage must be one of"),
        ("folder,min_group_size\nacme,0\n", "m.csv, row 2: min_group_size must be a whole number of at least 1"),
        ("folder,min_group_size\nacme,2.5\n", "m.csv, row 2: min_group_size must be a whole number"),
        ("folder,min_group_size\nacme,five\n", "m.csv, row 2: min_group_size must be a whole number"),
        ("folder,slug\nacme,../evil\n", "m.csv, row 2: slug '../evil' is not a safe folder name"),
        ("folder\n", "m.csv: lists no client"),
        ("", "m.csv: is empty"),
    ],
)
def test_bad_manifest_names_the_row(tmp_path, text, expected):
    minimal_client(tmp_path / "acme")
    minimal_client(tmp_path / "beta")
    (tmp_path / "m.csv").write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError) as err:
        read_manifest(tmp_path / "m.csv")
    assert expected in str(err.value)
    assert err.value.exit_code == 2


def test_bad_manifest_lists_every_problem_and_runs_nothing(tmp_path):
    minimal_client(tmp_path / "acme")
    (tmp_path / "m.yml").write_text(
        "clients:\n  - {folder: acme, language: fr}\n  - {folder: gone}\n  - 42\n", encoding="utf-8")
    out = tmp_path / "reports"
    with pytest.raises(ManifestError) as err:
        run_batch(tmp_path / "m.yml", out, workers=1, progress=False, _run=Recorder())
    text = str(err.value)
    assert "3 problems found" in text
    assert "m.yml, client 1: language" in text
    assert "m.yml, client 2: folder 'gone' does not exist" in text
    assert "m.yml, client 3: must be a mapping" in text
    assert not out.exists()


def test_manifest_of_unknown_kind(tmp_path):
    (tmp_path / "m.json").write_text("[]", encoding="utf-8")
    with pytest.raises(ManifestError, match="must be a .csv, .yml or .yaml"):
        read_manifest(tmp_path / "m.json")


def test_discover_clients_skips_other_folders_and_the_output(tmp_path):
    minimal_client(tmp_path / "Acme Corp")
    minimal_client(tmp_path / "beta")
    (tmp_path / "notes").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "reports" / "acme-corp").mkdir(parents=True)  # the output folder, inside the source
    (tmp_path / "reports" / "acme-corp" / "people.csv").write_text("employee_id\n1\n")  # a report's own files
    tasks = discover_clients(tmp_path, output_dir=tmp_path / "reports")
    assert [t.slug for t in tasks] == ["acme-corp", "beta"]


def test_discover_clients_keeps_a_client_folder_given_as_output_for_run_batch_to_refuse(tmp_path):
    minimal_client(tmp_path / "acme")
    minimal_client(tmp_path / "beta")
    tasks = discover_clients(tmp_path, output_dir=tmp_path / "beta")
    assert [t.slug for t in tasks] == ["acme", "beta"]
    with pytest.raises(OutputError, match="is the client folder"):
        run_batch(tmp_path, tmp_path / "beta", workers=1, progress=False, _run=Recorder())
    assert sorted(p.name for p in (tmp_path / "beta").iterdir()) == ["people.csv"]


def test_discover_clients_slug_collision(tmp_path):
    minimal_client(tmp_path / "Acme Corp")
    minimal_client(tmp_path / "acme-corp")
    with pytest.raises(ManifestError, match="would both be reported to 'acme-corp/'"):
        discover_clients(tmp_path)


def test_discover_clients_empty_and_client_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ManifestError, match="holds no client folder"):
        discover_clients(tmp_path / "empty")
    minimal_client(tmp_path / "one")
    with pytest.raises(ManifestError, match="is a client folder"):
        discover_clients(tmp_path / "one")


def test_discover_clients_reads_wave_from_client_yml(tmp_path):
    minimal_client(tmp_path / "acme")
    (tmp_path / "acme" / "client.yml").write_text("name: Acme\nwave: 2025-Q3\n", encoding="utf-8")
    (task,) = discover_clients(tmp_path)
    assert task.wave == "2025-Q3"


# --------------------------------------------------------------------------------------------------
# fingerprints
# --------------------------------------------------------------------------------------------------
def test_fingerprint_covers_contract_files_and_client_yml_only(tmp_path):
    folder = minimal_client(tmp_path / "acme")
    (folder / "client.yml").write_text("name: Acme\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not read by orgkit", encoding="utf-8")
    fp = input_fingerprint(folder, {"language": None}, notebook_sha256="n")
    assert fp["files"] == {"client.yml": sha256(folder / "client.yml"), "people.csv": sha256(folder / "people.csv")}
    body = {k: fp[k] for k in ("files", "parameters", "code")}
    expected = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False,
                                         separators=(",", ":")).encode()).hexdigest()
    assert fp["fingerprint"] == expected

    (folder / "notes.txt").write_text("edited", encoding="utf-8")
    assert input_fingerprint(folder, {"language": None}, notebook_sha256="n")["fingerprint"] == fp["fingerprint"]
    assert input_fingerprint(folder, {"language": "zh"}, notebook_sha256="n")["fingerprint"] != fp["fingerprint"]
    assert input_fingerprint(folder, {"language": None}, notebook_sha256="m")["fingerprint"] != fp["fingerprint"]
    (folder / "client.yml").write_text("name: Acme\nmin_group_size: 7\n", encoding="utf-8")
    assert input_fingerprint(folder, {"language": None}, notebook_sha256="n")["fingerprint"] != fp["fingerprint"]


# --------------------------------------------------------------------------------------------------
# the run, with stand-ins for the report
# --------------------------------------------------------------------------------------------------
def test_killed_worker_fails_only_its_client(tmp_path):
    for name in ("alpha", "boom", "gamma", "delta"):
        minimal_client(tmp_path / "src" / name)
    summary = run_batch(tmp_path / "src", tmp_path / "out", workers=2, progress=False, _run=_fake_kill_boom)
    status = {o.slug: o.status for o in summary.outcomes}
    assert status == {"alpha": "done", "boom": "failed", "delta": "done", "gamma": "done"}
    (boom,) = summary.failed
    assert "worker process running it died" in boom.reason and boom.error_type == "BrokenProcessPool"
    assert summary.exit_code == 3 and summary.mode == "processes"
    assert leftovers(tmp_path / "out") == []


def test_second_batch_on_the_same_output_is_refused(tmp_path):
    minimal_client(tmp_path / "src" / "acme")
    out = tmp_path / "out"
    out.mkdir()
    with batch_mod._locked(out):
        with pytest.raises(ConfigError, match="another orgkit batch"):
            run_batch(tmp_path / "src", out, workers=1, progress=False, _run=Recorder())
    assert run_batch(tmp_path / "src", out, workers=1, progress=False, _run=Recorder()).exit_code == 0


def test_summary_exit_code_and_describe(tmp_path):
    ok = BatchSummary([ClientOutcome("a", "/a", status="done"), ClientOutcome("b", "/b", status="skipped")],
                      tmp_path)
    assert ok.exit_code == 0
    bad = BatchSummary([ClientOutcome("a", "/a", status="done"),
                        ClientOutcome("b", "/b", status="failed", reason="people.csv: missing")], tmp_path,
                       seconds=2.0, mode="processes", workers=2)
    assert bad.exit_code == 3
    text = bad.describe()
    assert "2 clients in 2.0 s (2 worker processes): 1 done, 0 skipped (unchanged), 1 failed" in text
    assert "  b: people.csv: missing" in text
    assert json.loads(json.dumps(bad.to_dict()))["counts"] == {"done": 1, "skipped": 0, "failed": 1, "not run": 0}


# --------------------------------------------------------------------------------------------------
# the overview, from hand-written metrics.json files
# --------------------------------------------------------------------------------------------------
def _write_report(out: Path, slug: str, name: str, scores: dict, wave: str | None = None,
                  batch_name: str | None = None, people: int = 10) -> None:
    folder = out / slug
    folder.mkdir(parents=True)
    (folder / "report.html").write_text("<html></html>", encoding="utf-8")
    data = {
        "client": {"name": name, "slug": slug, "stage": "mid", "language": "en", "people": people},
        "structure": {"layers": 3, "span_mean": 4.5, "score": scores.get("structure")},
        "communication": {"density": 0.25, "ei_index": -0.5, "score": scores.get("communication")},
        "decisions": {"hops_median": 2.0, "score": scores.get("decisions")},
        "survey": {"favourable": {"a": 0.5, "b": 0.7}, "response_rate": 0.8, "score": scores.get("survey")},
        "scores": scores,
        "batch": {"slug": slug, "name": batch_name, "wave": wave},
    }
    (folder / "metrics.json").write_text(json.dumps(data), encoding="utf-8")


def test_overview_trend_rag_links_and_escaping(tmp_path):
    out = tmp_path
    _write_report(out, "acme-q1", "Acme", {"structure": 80.0, "survey": 45.0, "overall": 60.0}, wave="2025-Q1")
    _write_report(out, "acme-q2", "Acme", {"structure": 75.5, "survey": 55.0, "overall": 72.5}, wave="2025-Q2")
    _write_report(out, "evil", "<script>alert(1)</script>", {"overall": 40.0})
    (out / ".acme.x.tmp").mkdir()  # staging folders and failed folders are not reports
    (out / "gone.failed").mkdir()
    outcomes = [
        {"slug": "acme-q1", "status": "skipped"}, {"slug": "acme-q2", "status": "done"},
        {"slug": "evil", "status": "done"},
        {"slug": "gamma", "status": "failed", "reason": "people.csv: 2 rows have the id 'E7'"},
    ]
    paths = build_overview(out, outcomes)

    table = pd.read_csv(paths.summary_csv)
    assert list(table["slug"]) == ["evil", "acme-q1", "acme-q2", "gamma"]  # by client name ("<" < "a"), wave
    by = table.set_index("slug")
    assert by.loc["acme-q2", "overall_change"] == pytest.approx(72.5 - 60.0)
    assert by.loc["acme-q2", "structure_change"] == pytest.approx(75.5 - 80.0)
    assert pd.isna(by.loc["acme-q1", "overall_change"]) and pd.isna(by.loc["evil", "overall_change"])
    assert by.loc["acme-q1", "survey_favourable"] == pytest.approx((0.5 + 0.7) / 2)
    assert by.loc["gamma", "status"] == "failed" and "E7" in by.loc["gamma", "reason"]
    assert pd.isna(by.loc["gamma", "report"])

    page = paths.index_html.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="acme-q2/report.html"' in page and 'href="acme-q1/report.html"' in page
    assert 'href="evil/report.html"' in page
    assert "ok-green" in page and "ok-red" in page and "ok-amber" in page
    assert "▲ +12.5" in page and "▼ −4.5" in page
    assert 'id="trends"' in page and "2025-Q1 → 2025-Q2" in page
    assert "people.csv: 2 rows have the id &#39;E7&#39;" in page
    assert "http://" not in page and "https://" not in page  # nothing loaded from a network
    # one row per client in the main table: Acme once (its latest wave), evil, gamma
    main = page.split('id="ok-clients"')[1].split("</table>")[0]
    assert main.count("<tr>") == 1 + 3


def test_overview_says_not_assessed_for_an_area_without_a_score(tmp_path):
    """An area a report did not assess shows "not assessed", never a number (issue 11); a failed client shows
    no numbers at all."""
    _write_report(tmp_path, "nodec", "No decisions", {"structure": 80.0, "communication": 70.0, "decisions": None,
                                                      "survey": None, "overall": 75.0})
    paths = build_overview(tmp_path, [{"slug": "nodec", "status": "done"},
                                      {"slug": "broken", "status": "failed", "reason": "bad file"}])
    page = paths.index_html.read_text(encoding="utf-8")
    main = page.split('id="ok-clients"')[1].split("</table>")[0]
    rows = {r.split("</td>")[0]: r for r in main.split("<tr>")[1:]}
    nodec = next(r for k, r in rows.items() if "No decisions" in k)
    broken = next(r for k, r in rows.items() if "broken" in k)
    assert nodec.count("not assessed") == 2 and "80.0" in nodec and "75.0" in nodec
    assert "not assessed" not in broken


def test_overview_reads_batch_json_by_default(tmp_path):
    _write_report(tmp_path, "acme", "Acme", {"overall": 90.0})
    (tmp_path / "batch.json").write_text(json.dumps({"clients": [{"slug": "acme", "status": "skipped"}]}),
                                         encoding="utf-8")
    table = summary_table(tmp_path)
    assert list(table["status"]) == ["skipped"]


def test_same_name_without_waves_stays_separate(tmp_path):
    _write_report(tmp_path, "a", "Sample Co", {"overall": 50.0})
    _write_report(tmp_path, "b", "Sample Co", {"overall": 70.0})
    table = summary_table(tmp_path, [])
    assert table["overall_change"].isna().all()
    assert len(table) == 2


def test_score_status_and_wave_order():
    assert [score_status(s) for s in (100, 70, 69.99, 50, 49.9, 0, None, float("nan"))] == [
        "green", "green", "amber", "amber", "red", "red", "grey", "grey"]
    assert sorted(["2025-Q10", "2025-Q2", "2024-12-31", None], key=wave_sort_key) == [
        None, "2024-12-31", "2025-Q2", "2025-Q10"]


# --------------------------------------------------------------------------------------------------
# real reports
# --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def batch3(tmp_path_factory):
    """Three generated clients and one broken one, run with two worker processes."""
    root = tmp_path_factory.mktemp("batch3")
    src = root / "src"
    for i in range(3):
        make_client(src / f"client-{i}", seed=i)
    make_client(src / "broken", seed=9)
    break_client(src / "broken")
    out = root / "reports"
    summary = run_batch(src, out, workers=2, progress=False)
    return src, out, summary


@pytest.mark.slow
def test_broken_client_fails_and_the_others_finish(batch3):
    src, out, summary = batch3
    status = {o.slug: o.status for o in summary.outcomes}
    assert status == {"broken": "failed", "client-0": "done", "client-1": "done", "client-2": "done"}
    assert summary.exit_code == 3
    (broken,) = summary.failed
    assert broken.error_type == "ValidationError"
    assert "employee_id" in broken.reason and "more than once" in broken.reason
    assert "broken: " in summary.describe() and broken.reason in summary.describe()
    assert not (out / "broken").exists()
    assert "ValidationError" in (out / "broken.failed" / "error.txt").read_text(encoding="utf-8")
    for i in range(3):
        assert (out / f"client-{i}" / "report.html").stat().st_size > 1000
    assert leftovers(out) == []


@pytest.mark.slow
def test_overview_lists_every_client(batch3):
    src, out, summary = batch3
    assert summary.overview == out / "index.html" and summary.summary_csv == out / "summary.csv"
    page = (out / "index.html").read_text(encoding="utf-8")
    for i in range(3):
        assert f'href="client-{i}/report.html"' in page
    failed = page.split('id="failed"')[1]
    assert "broken" in failed and "more than once" in failed
    with open(out / "summary.csv", encoding="utf-8-sig", newline="") as fh:
        rows = {r["slug"]: r for r in csv.DictReader(fh)}
    assert set(rows) == {"broken", "client-0", "client-1", "client-2"}
    for i in range(3):
        m = metrics(out, f"client-{i}")
        assert float(rows[f"client-{i}"]["overall_score"]) == pytest.approx(m["scores"]["overall"], abs=1e-4)
        assert int(float(rows[f"client-{i}"]["people"])) == 60 == m["client"]["people"]
    assert rows["broken"]["status"] == "failed" and rows["broken"]["report"] == ""


@pytest.mark.slow
def test_metrics_json_records_input_hashes(batch3):
    src, out, summary = batch3
    m = metrics(out, "client-1")
    expected = {p.name: sha256(p) for p in (src / "client-1").iterdir()  # every generated file is an input,
                if p.name != ".orgkit-sample"}                                  # the sample's marker is not
    assert m["inputs"]["files"] == expected
    assert m["inputs"]["parameters"]["pdf"] is False
    assert m["batch"]["slug"] == "client-1"
    assert m["client"]["people"] == 60 and set(m["scores"]) >= {"structure", "overall"}
    log = (out / "batch.log").read_text(encoding="utf-8")
    assert "batch started" in log and "batch finished" in log
    assert "client-1: done in" in log and "broken: failed" in log


@pytest.mark.slow
def test_rerun_skips_unchanged_reruns_changed_and_force_reruns_all(batch3, tmp_path):
    src0, out0, _ = batch3
    src, out = tmp_path / "src", tmp_path / "reports"
    shutil.copytree(src0, src)
    shutil.copytree(out0, out)
    before = (out / "client-0" / "metrics.json").read_bytes()

    again = run_batch(src, out, workers=1, progress=False)
    assert {o.slug: o.status for o in again.outcomes} == {
        "broken": "failed", "client-0": "skipped", "client-1": "skipped", "client-2": "skipped"}
    assert again.exit_code == 3
    assert (out / "client-0" / "metrics.json").read_bytes() == before
    assert 'href="client-0/report.html"' in (out / "index.html").read_text(encoding="utf-8")

    survey = src / "client-1" / "survey.csv"
    survey.write_text("\n".join(survey.read_text(encoding="utf-8").splitlines()[:-1]) + "\n", encoding="utf-8")
    changed = run_batch(src, out, workers=1, progress=False)
    assert {o.slug: o.status for o in changed.outcomes} == {
        "broken": "failed", "client-0": "skipped", "client-1": "done", "client-2": "skipped"}
    assert metrics(out, "client-1")["inputs"]["files"]["survey.csv"] == sha256(survey)

    (out / "client-2" / "report.html").unlink()  # an incomplete report is never skipped
    recorder = Recorder()
    run_batch(src, out, workers=1, progress=False, _run=recorder)
    assert recorder.slugs == ["broken", "client-2"]

    recorder = Recorder()
    forced = run_batch(src, out, workers=1, progress=False, force=True, _run=recorder)
    assert sorted(recorder.slugs) == ["broken", "client-0", "client-1", "client-2"]
    assert forced.exit_code == 0


@pytest.mark.slow
def test_interrupted_batch_keeps_finished_reports_and_resumes(tmp_path, monkeypatch):
    src, out = tmp_path / "src", tmp_path / "reports"
    make_client(src / "a", seed=1, employees=40)
    make_client(src / "b", seed=2, employees=40)
    import orgkit.report.render

    real = orgkit.report.render.render_html
    calls = []

    def render_then_interrupt(*args, **kwargs):  # Ctrl-C while b's report is half built
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(orgkit.report.render, "render_html", render_then_interrupt)
    with pytest.raises(BatchInterrupted) as err:
        run_batch(src, out, workers=1, progress=False)
    summary = err.value.summary
    assert {o.slug: o.status for o in summary.outcomes} == {"a": "done", "b": "not run"}
    assert summary.interrupted and "Run the same command again" in summary.describe()
    assert (out / "a" / "report.html").is_file() and not (out / "b").exists()
    assert leftovers(out) == []
    assert json.loads((out / "batch.json").read_text(encoding="utf-8"))["interrupted"] is True
    finished = (out / "a" / "metrics.json").read_bytes()

    monkeypatch.undo()
    resumed = run_batch(src, out, workers=1, progress=False)
    assert {o.slug: o.status for o in resumed.outcomes} == {"a": "skipped", "b": "done"}
    assert (out / "a" / "metrics.json").read_bytes() == finished
    assert (out / "b" / "report.html").is_file() and resumed.exit_code == 0


@pytest.mark.slow
def test_dask_local_cluster_runs_the_same_path(tmp_path):
    src, out = tmp_path / "src", tmp_path / "reports"
    make_client(src / "a", seed=3, employees=40)
    make_client(src / "b", seed=4, employees=40)
    summary = run_batch(src, out, workers=2, local_cluster=True, progress=False)
    assert summary.mode == "dask" and summary.workers == 2
    assert {o.slug: o.status for o in summary.outcomes} == {"a": "done", "b": "done"}
    for slug in ("a", "b"):
        m = metrics(out, slug)
        assert m["inputs"]["files"]["people.csv"] == sha256(src / slug / "people.csv")
    assert 'href="a/report.html"' in (out / "index.html").read_text(encoding="utf-8")
    assert leftovers(out) == []


@pytest.mark.slow
def test_yaml_manifest_overrides_and_waves(tmp_path):
    make_client(tmp_path / "acme-q1", seed=5, name="Acme")
    make_client(tmp_path / "acme-q2", seed=6, name="Acme", employees=70)
    (tmp_path / "batch.yml").write_text(
        "clients:\n"
        "  - {folder: acme-q1, name: Acme Group, wave: 2025-Q1}\n"
        "  - {folder: acme-q2, name: Acme Group, wave: 2025-Q2, language: zh, min_group_size: 3}\n",
        encoding="utf-8",
    )
    out = tmp_path / "reports"
    summary = run_batch(tmp_path / "batch.yml", out, workers=2, progress=False)
    assert summary.exit_code == 0
    q1, q2 = metrics(out, "acme-q1"), metrics(out, "acme-q2")
    assert (q1["client"]["language"], q1["client"]["min_group_size"]) == ("en", 5)
    assert (q2["client"]["language"], q2["client"]["min_group_size"]) == ("zh", 3)
    assert q2["batch"]["wave"] == "2025-Q2" and q2["batch"]["name"] == "Acme Group"

    table = pd.read_csv(out / "summary.csv")
    acme = table[table["client"] == "Acme Group"]
    assert list(acme["wave"]) == ["2025-Q1", "2025-Q2"]
    change = q2["scores"]["overall"] - q1["scores"]["overall"]
    assert acme["overall_change"].iloc[1] == pytest.approx(change, abs=1e-4)
    page = (out / "index.html").read_text(encoding="utf-8")
    trend = page.split('id="trends"')[1]
    assert "Acme Group" in trend and trend.index("acme-q1/report.html") < trend.index("acme-q2/report.html")
    assert "2 waves" in page


@pytest.mark.slow
def test_csv_manifest_overrides_slug_stage_and_group_size(tmp_path):
    make_client(tmp_path / "data" / "x", seed=7, employees=40)
    (tmp_path / "m.csv").write_text("folder,slug,stage,min_group_size\ndata/x,north-division,large,7\n",
                                    encoding="utf-8")
    out = tmp_path / "reports"
    summary = run_batch(tmp_path / "m.csv", out, workers=1, progress=False)
    assert summary.exit_code == 0
    m = metrics(out, "north-division")
    assert (m["client"]["stage_setting"], m["client"]["min_group_size"]) == ("large", 7)
    assert not (out / "x").exists()
    assert (out / "north-division" / "report.html").is_file()


@pytest.mark.slow
def test_cli_exit_codes(batch3, tmp_path):
    from click.testing import CliRunner

    from orgkit.cli import main

    src0, out0, _ = batch3
    src, out = tmp_path / "src", tmp_path / "reports"
    shutil.copytree(src0, src)
    shutil.copytree(out0, out)
    result = CliRunner().invoke(main, ["batch", str(src), "-o", str(out), "--workers", "1"])
    assert result.exit_code == 3, result.output
    assert "3 skipped (unchanged), 1 failed" in result.output
    (tmp_path / "bad.csv").write_text("folder\nmissing\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "bad.csv"), "-o", str(out)])
    assert result.exit_code == 2 and "bad.csv, row 2" in result.output


def test_overview_in_the_language_asked_for(tmp_path):
    minimal_client(tmp_path / "src" / "acme")
    run_batch(tmp_path / "src", tmp_path / "out", workers=1, progress=False, _run=Recorder(),
              overview_language="zh")
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    from orgkit.i18n import t

    assert t("overview.title", "zh") in html and t("overview.title", "en") not in html
