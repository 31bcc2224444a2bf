"""The report run end to end: files, numbers against orgkit.assess, no code, sections, privacy, failures, browser.

The full reports (sample client, a generated 300-person client, the sample in Chinese, a client with people
only) run once per module, about 6 s each; the failure and progress tests use a two-cell notebook.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT
from orgkit.report import run as report_mod
from orgkit.assessment import assess
from orgkit.errors import ConfigError, NotebookCellError, ValidationError
from orgkit.data.loading import load_client
from orgkit.report.run import OrgkitKernelManager, client_slug, notebook_path, resolve_client_dir, run_client
from orgkit.data.sample import generate_client, sample_client_path

SECTIONS = ("cover", "summary", "structure", "communication", "decisions", "survey", "recommendations",
            "data-quality", "appendix")


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="module")
def sample_report(out):
    return run_client(None, out, progress=False)


@pytest.fixture(scope="module")
def mid_client(tmp_path_factory) -> Path:
    return generate_client(tmp_path_factory.mktemp("clients") / "mid-300", employees=300, stage="mid", seed=3)


@pytest.fixture(scope="module")
def mid_report(out, mid_client):
    return run_client(mid_client, out, progress=False)


def _small_departments(client_dir: Path) -> list[str]:
    client = load_client(client_dir)
    sizes = client.department_sizes()
    return [str(d) for d, n in sizes.items() if n < client.settings.min_group_size]


def _strip_volatile(d: dict) -> dict:
    d = dict(d)
    d.pop("generated_at", None)
    return d


def _assert_same(a, b, path="metrics"):
    if isinstance(a, dict):
        assert set(a) == set(b), path
        for k in a:
            _assert_same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), path
    else:
        assert a == b, path


def _numbers_keyed_by(data, name: str, path="metrics") -> list[str]:
    """Paths where a group called ``name`` carries a number (a key or a ``department`` field)."""
    found = []
    if isinstance(data, dict):
        for k, v in data.items():
            here = f"{path}.{k}"
            if k == name and isinstance(v, dict):
                found += [f"{here}.{kk}" for kk, vv in v.items()
                          if isinstance(vv, (int, float)) and not isinstance(vv, bool)]
            if k == name and isinstance(v, (int, float)) and not isinstance(v, bool):
                found.append(here)
            found += _numbers_keyed_by(v, name, here)
        if data.get("department") == name:
            found += [f"{path}.{k}" for k, v in data.items()
                      if isinstance(v, (int, float)) and not isinstance(v, bool) and k != "department"]
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found += _numbers_keyed_by(v, name, f"{path}[{i}]")
    return found


# ------------------------------------------------------------------------------------------ the run
@pytest.mark.slow
def test_files_written(sample_report):
    r = sample_report
    assert r.out_dir.name == "sample-client"
    for p in (r.html, r.notebook, r.metrics):
        assert p.is_file() and p.stat().st_size > 0
    assert r.pdf is None
    names = {p.name for p in r.figures}
    assert {"org_chart.svg", "span_distribution.svg", "layers.svg", "department_heatmap.svg", "network.svg",
            "ei_index.svg", "path_distribution.svg", "latency_by_type.svg"} <= names
    # nothing left behind: no staging folder, no failure record
    assert sorted(p.name for p in r.out_dir.parent.iterdir() if p.name.startswith("sample-client")
                  or p.name.startswith(".sample-client")) == ["sample-client"]
    assert r.seconds > 0 and set(r.timings) >= {"load", "execute", "render", "publish"}


@pytest.mark.slow
@pytest.mark.parametrize("which", ["sample_report", "mid_report"])
def test_recorded_numbers_match_assess(which, request):
    r = request.getfixturevalue(which)
    recorded = json.loads(r.metrics.read_text(encoding="utf-8"))
    assert recorded == r.metrics_data
    expected = assess(load_client(r.client_dir)).to_dict()
    _assert_same(_strip_volatile(recorded), _strip_volatile(json.loads(json.dumps(expected))))


@pytest.mark.slow
@pytest.mark.parametrize("which", ["sample_report", "mid_report"])
def test_no_code_in_html(which, request):
    html = request.getfixturevalue(which).html.read_text(encoding="utf-8")
    assert '<div class="jp-InputArea' not in html
    assert "jp-InputPrompt" not in html and "In&nbsp;[" not in html and "Out[" not in html
    assert "open_report" not in html and "papermill_description" not in html
    assert not re.search(r"<script[^>]+src=", html)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["sample_report", "mid_report"])
def test_every_section_present(which, request):
    html = request.getfixturevalue(which).html.read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f'id="{section}"' in html, section
    for sub in ("org-chart", "spans", "layers", "coverage", "raci", "heatmap", "network", "ei-index", "brokers",
                "paths", "latency", "longest", "survey-reliability", "survey-change", "survey-links"):
        assert f'id="{sub}"' in html, sub
    assert html.count("<table") >= 8
    assert html.count('src="data:image/svg+xml;base64,') >= 8


@pytest.mark.slow
@pytest.mark.parametrize("which", ["sample_report", "mid_report"])
def test_small_departments_appear_nowhere(which, request):
    r = request.getfixturevalue(which)
    small = _small_departments(r.client_dir)
    assert small, "the test needs a client with a department under the minimum group size"
    html = r.html.read_text(encoding="utf-8")
    text = re.sub(r'src="data:image/[a-z+]+;base64,[^"]+"', "", html)
    figures = [base64.b64decode(b).decode("utf-8") for b in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)]
    assert figures and all("<text" in f for f in figures)  # figure labels are text, so they are checked too
    for name in small:
        for form in {name, name.replace("&", "&amp;")}:
            for where in (text, *figures):
                assert not re.search(rf"(?<![\w-]){re.escape(form)}(?![\w-])", where), name
        assert _numbers_keyed_by(r.metrics_data, name) == [], name


@pytest.mark.slow
def test_sections_without_data_say_so(tmp_path):
    client = generate_client(tmp_path / "people-only", employees=60, seed=5)
    for f in ("communication.csv", "survey.csv", "survey_items.csv", "decisions.csv", "responsibilities.csv"):
        (client / f).unlink(missing_ok=True)
    r = run_client(client, tmp_path / "reports", progress=False)
    html = r.html.read_text(encoding="utf-8")
    assert "No communication data was given" in html
    assert "No decision records (decisions.csv) were given, so decision paths are not assessed" in html
    # the distance to the top is shown as context, labelled so, never as a score
    assert "Context, not scored: without decision records, the typical person" in html
    assert "No responsibilities table" in html
    assert 'id="survey"' not in html or "No employee survey" in html
    assert r.metrics_data["communication"]["available"] is False
    m = r.metrics_data
    assert [a for a in ("structure", "communication", "decisions", "survey") if m[a]["assessed"]] == ["structure"]
    assert m["decisions"]["score"] is None and m["scores"]["decisions"] is None
    # one assessed area is not an overall score (score.overall.min_areas = 2)
    assert m["scores"]["overall"] is None and m["scores"]["status"]["overall"] == "grey"
    assert "No overall score: 1 area is assessed, and an overall score needs at least 2." in html
    assert html.count("ok-card ok-grey") == 3


@pytest.mark.slow
def test_chinese_report(zh_report):
    html = zh_report.html.read_text(encoding="utf-8")
    assert '<html lang="zh">' in html
    for heading in ("摘要", "组织结构匹配度", "沟通网络", "决策路径", "改进建议", "数据质量", "附录"):
        assert heading in html, heading
    nb = nbformat.read(zh_report.notebook, as_version=4)
    streams = [o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
               if o.get("output_type") == "stream"]
    assert not any("missing from font" in s or "Glyph" in s for s in streams)
    assert not [s for s in streams if s.strip()], streams  # no warnings at all in the record of the run
    # figure labels are text for the reader's browser to draw, whatever fonts this machine has
    labels = "".join(re.findall(r"<text[^>]*>([^<]*)</text>", "".join(
        p.read_text(encoding="utf-8") for p in zh_report.figures)))
    assert re.search("[\u4e00-\u9fff]", labels)
    assert "Noto Sans CJK SC" in zh_report.figures[0].read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------ failures
def _tiny_notebook(path: Path, fail: bool) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('client_dir = ""\noutput_dir = ""\nlanguage = ""\nmin_group_size = 0\n'
                                       'stage = ""\nshow_names = False')
    params.metadata["tags"] = ["parameters"]
    body = ('import json, pathlib\n'
            'pathlib.Path(output_dir, "metrics.json").write_text(json.dumps({"client_dir": client_dir}))\n')
    if fail:
        body += 'raise ValueError("the data made this cell fail")\n'
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), params, nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, path)
    return path


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_failing_cell_keeps_previous_report(tmp_path, mid_client):
    good, bad = _tiny_notebook(tmp_path / "good.ipynb", False), _tiny_notebook(tmp_path / "bad.ipynb", True)
    reports = tmp_path / "reports"
    first = run_client(mid_client, reports, notebook=good, progress=False)
    before = _digest(first.out_dir)
    with pytest.raises(NotebookCellError) as err:
        run_client(mid_client, reports, notebook=bad, progress=False)
    e = err.value
    assert (e.cell_index, e.ename, e.evalue) == (2, "ValueError", "the data made this cell fail")
    assert e.exit_code == 1
    kept = reports / "mid-300.failed" / "assessment.ipynb"
    assert e.notebook_path == kept and kept.is_file()
    assert "mid-300.failed" in str(e) and "Notebook cell 2 failed: ValueError" in str(e)
    assert "ValueError" in kept.read_text(encoding="utf-8")
    assert _digest(first.out_dir) == before  # the previous report is untouched
    assert sorted(p.name for p in reports.iterdir()) == ["mid-300", "mid-300.failed"]  # no staging left
    # the next good run clears the failure record
    run_client(mid_client, reports, notebook=good, progress=False)
    assert sorted(p.name for p in reports.iterdir()) == ["mid-300"]


def test_validation_error_before_any_kernel(tmp_path, monkeypatch):
    def no_kernel(*args, **kwargs):
        raise AssertionError("a kernel was started for an invalid client")

    monkeypatch.setattr(report_mod, "execute_notebook", no_kernel)
    bad = tmp_path / "bad-client"
    bad.mkdir()
    (bad / "people.csv").write_text("employee_id,team_size\n1,3\n2,4\n", encoding="utf-8")  # no department
    with pytest.raises(ValidationError) as err:
        run_client(bad, tmp_path / "reports")
    assert err.value.exit_code == 2
    assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").iterdir())


def test_bad_options_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="language must be one of"):
        run_client(None, tmp_path, language="fr")
    with pytest.raises(ConfigError, match="stage must be one of"):
        run_client(None, tmp_path, stage="huge")
    with pytest.raises(ConfigError, match="min_group_size"):
        run_client(None, tmp_path, min_group_size=0)


@pytest.mark.slow
def test_progress_on_request_and_quiet_otherwise(tmp_path, mid_client, capfd):
    nb = _tiny_notebook(tmp_path / "good.ipynb", False)
    run_client(mid_client, tmp_path / "a", notebook=nb, progress=None)  # stderr is not a terminal here
    assert capfd.readouterr().err == ""
    run_client(mid_client, tmp_path / "b", notebook=nb, progress=True)
    err = capfd.readouterr().err
    assert "orgkit [mid-300] loading and validating" in err and "executing good.ipynb" in err and "done in" in err


# ------------------------------------------------------------------------------------------ pieces
def test_kernel_manager_uses_this_python_over_ipc():
    a, b = OrgkitKernelManager(), OrgkitKernelManager()
    try:
        assert a.kernel_spec.argv[0] == sys.executable
        assert a.kernel_spec.argv[-2:] == ["-f", "{connection_file}"] and "ipykernel_launcher" in a.kernel_spec.argv
        assert a.transport == "ipc" and b.transport == "ipc"
        assert a.ip != b.ip and Path(a.ip).parent.is_dir()
    finally:
        shutil.rmtree(Path(a.ip).parent, ignore_errors=True)
        shutil.rmtree(Path(b.ip).parent, ignore_errors=True)


def test_client_slug():
    assert client_slug("clients/Acme Corp. (2025)") == "acme-corp-2025"
    assert client_slug("/data/华东 分公司") == "华东-分公司"
    assert client_slug("sample_client") == "sample-client"
    assert client_slug("...") == "client"


def test_resolve_client_dir_defaults_to_sample():
    assert resolve_client_dir("") == sample_client_path().resolve()
    assert resolve_client_dir(None) == sample_client_path().resolve()


def test_one_copy_of_every_resource():
    """The checkout's notebook and templates are links to the package data, which is what a report reads."""
    resources = ROOT / "orgkit" / "resources"
    assert (ROOT / "notebooks" / "assessment.ipynb").is_symlink() and (ROOT / "templates").is_symlink()
    assert (ROOT / "notebooks" / "assessment.ipynb").resolve() == (resources / "assessment.ipynb").resolve()
    assert (ROOT / "templates").resolve() == (resources / "templates").resolve()
    assert notebook_path().resolve() == (resources / "assessment.ipynb").resolve()


# ------------------------------------------------------------------------------------------ browser
_PROBE = """<script>
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var broken = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); }).length;
  document.title = 'OKPROBE images=' + imgs.length + ' broken=' + broken +
    ' tables=' + document.querySelectorAll('table').length;
});
</script>"""


@pytest.mark.browser
@pytest.mark.slow
def test_report_renders_in_chromium(sample_report, tmp_path):
    from orgkit.report.render import chromium_command, find_chromium, screenshot

    chromium = find_chromium()
    if chromium is None:
        pytest.skip("headless Chromium not found: apt-get install chromium (or set ORGKIT_CHROMIUM)")
    probe = tmp_path / "probe.html"
    probe.write_text(sample_report.html.read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"),
                     encoding="utf-8")
    cmd = chromium_command(chromium, tmp_path / "profile", "--enable-logging=stderr", "--v=0",
                           "--virtual-time-budget=5000", "--dump-dom", probe.as_uri())
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    title = re.search(r"<title>(OKPROBE[^<]*)</title>", proc.stdout)
    assert title, proc.stderr[-2000:]
    counts = dict(kv.split("=") for kv in title.group(1).split()[1:])
    assert int(counts["images"]) == len(sample_report.figures) and counts["broken"] == "0"
    assert int(counts["tables"]) >= 8
    console = [line for line in proc.stderr.splitlines() if "CONSOLE" in line and "OKPROBE" not in line]
    assert console == [], console
    artifacts = ROOT / "reports" / "test-artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    shot = screenshot(sample_report.html, artifacts / "report-sample.png", width=1280, height=4000)
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")


# ------------------------------------------------------------------------------------ survey blocks
def _survey_book(previous: bool):
    """Sales (a1..a5) and R&D (b1..b5) cliques with one bridge, Legal (l1..l3) and Audit (u1, u2) small.

    Items cc1, cc2 (communication) and rc1, rc2 (role clarity). Now: R&D answers cc = (2, 3), Sales
    (4, 5), Legal and Audit (3, 3); rc1 = 4, rc2 = 4 or 5 by parity of the id. The previous wave: the
    same people, R&D cc = (1, 2) and everything else the same.
    """
    import pandas as pd

    from orgkit.data.loading import from_frames
    from orgkit.report.book import ReportBook

    ids = {"Sales": [f"a{i}" for i in range(1, 6)], "R&D": [f"b{i}" for i in range(1, 6)],
           "Legal": ["l1", "l2", "l3"], "Audit": ["u1", "u2"]}
    people = pd.DataFrame([(e, d) for d, es in ids.items() for e in es], columns=["employee_id", "department"])
    pairs = [(f"{g}{i}", f"{g}{j}") for g in "ab" for i in range(1, 6) for j in range(i + 1, 6)]
    pairs += [("a1", "b1"), ("l1", "a1"), ("l2", "a1"), ("l3", "a1"), ("u1", "a2")]

    def wave(rnd):
        cc = {"Sales": (4, 5), "R&D": rnd, "Legal": (3, 3), "Audit": (3, 3)}
        return pd.DataFrame([(e, d, *cc[d], 4, 4 if int(e[1:]) % 2 else 5) for d, es in ids.items() for e in es],
                            columns=["respondent_id", "department", "cc1", "cc2", "rc1", "rc2"])

    items = pd.DataFrame({"item": ["cc1", "cc2", "rc1", "rc2"], "reverse": [False] * 4,
                          "dimension": ["communication", "communication", "role_clarity", "role_clarity"]})
    client = from_frames(people, communication=pd.DataFrame(pairs, columns=["source_id", "target_id"]),
                         survey=wave((2, 3)), survey_items=items,
                         survey_previous=wave((1, 2)) if previous else None,
                         settings={"name": "t", "min_group_size": 5})
    return ReportBook(client)


def _visible_text(block) -> str:
    return re.sub(r"<[^>]+>", " ", block.markup)


def test_survey_change_without_previous_wave_says_so():
    book = _survey_book(previous=False)
    text = _visible_text(book.survey_change())
    assert "No previous survey wave was given" in text
    assert "<table" not in book.survey_change().markup


def test_survey_change_table_and_sentence():
    book = _survey_book(previous=True)
    block = book.survey_change()
    text = _visible_text(block)
    # communication over all 15: now (5*2.5 + 5*4.5 + 5*3) / 15 = 3.33, before (5*1.5 + 5*4.5 + 5*3) / 15 = 3.00
    assert "3.33" in text and "+0.33" in text
    # the Welch p-value of the respondents' communication scores, computed independently with scipy
    from scipy import stats
    now = [2.5] * 5 + [4.5] * 5 + [3.0] * 5
    before = [1.5] * 5 + [4.5] * 5 + [3.0] * 5
    p = stats.ttest_ind(now, before, equal_var=False).pvalue
    assert p > 0.01 and f"{p:.2f}" in text  # p of 0.01 or more: two decimals (below 0.001: "< 0.001")
    # R&D: every answer 1.0 higher, no variance in either wave: the Welch test is undefined, no star
    assert "R&amp;D  +1.00 " in text
    assert "None of the 2 dimensions changed by more than noise" in text
    for small in ("Legal", "Audit"):
        assert small not in text


def test_survey_reliability_and_agreement_blocks():
    book = _survey_book(previous=False)
    text = _visible_text(book.survey_reliability())
    assert "Cronbach" in text and "rwg ≥ 0.7" in text
    assert "Legal" not in text and "Audit" not in text


def test_survey_links_block_names_the_felt_silo():
    book = _survey_book(previous=False)
    block = book.survey_links()
    text = _visible_text(block)
    assert 'id="survey-links"' in block.markup
    assert "R&amp;D is a silo its people feel" in block.markup
    assert "−0.82" in text or "-0.82" in text  # E-I of R&D: (1 - 10) / 11
    assert "Legal" not in text and "Audit" not in text
    zh = _survey_book(previous=False)
    zh.language = "zh"
    assert "切身感受到的信息孤岛" in _visible_text(zh.survey_links())


def test_ei_interpretation_does_not_claim_every_department_is_below_random_mixing():
    # a real organisation (manufacturing e-mail data) had a department at E-I 0.96 against 0.90 expected,
    # the caption may say what left of the mark means, not that every department sits there
    from orgkit.i18n import t

    assert "Every real department" not in t("interpret.ei", "en", max_external="20%")
    assert "left of its mark keeps more ties inside than random mixing" in t("interpret.ei", "en", max_external="20%")
    assert "通常都位于" not in t("interpret.ei", "zh", max_external="20%")


def test_department_block_counts_its_people_in_the_report_language():
    book = _survey_book(previous=False)
    text = _visible_text(book.department("Sales"))
    assert "5 people" in text
    book.language = "zh"
    assert "5 人" in _visible_text(book.department("Sales"))
