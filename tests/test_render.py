"""HTML rendering, PDF printing and the display blocks: no code, escaping, self-contained, small groups dropped."""

from __future__ import annotations

import re

import nbformat
import numpy as np
import pandas as pd
import pytest

from orgkit.report import blocks as display, render
from orgkit.errors import DependencyMissingError


def _executed_notebook() -> nbformat.NotebookNode:
    """A notebook as papermill leaves it: parameters, injected parameters, outputs of several kinds."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('client_dir = ""')
    params.metadata["tags"] = ["parameters"]
    injected = nbformat.v4.new_code_cell('client_dir = "/secret/path"')
    injected.metadata["tags"] = ["injected-parameters"]
    html_cell = nbformat.v4.new_code_cell("book.cover()", execution_count=3, outputs=[
        nbformat.v4.new_output("execute_result", data={"text/html": "<p class='ok-probe'>Cover</p>",
                                                      "text/plain": "<orgkit cover>"}, execution_count=3)])
    noisy = nbformat.v4.new_code_cell("warn()", execution_count=4, outputs=[
        nbformat.v4.new_output("stream", name="stderr", text="UserWarning: something internal\n"),
        nbformat.v4.new_output("stream", name="stdout", text="visible text\n")])
    hidden = nbformat.v4.new_code_cell("secret()", execution_count=5, outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="removed output\n")])
    hidden.metadata["tags"] = ["remove-cell"]
    md = nbformat.v4.new_markdown_cell("## A note for the analyst")
    nb.cells = [md, params, injected, html_cell, noisy, hidden]
    return nb


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("render") / "report.html"
    render.render_html(_executed_notebook(), out, language="zh", title="Acme <Test>")
    return out.read_text(encoding="utf-8")


def test_no_code_no_prompts(rendered):
    assert '<div class="jp-InputArea' not in rendered
    assert "In&nbsp;[" not in rendered and "Out[" not in rendered
    assert "book.cover()" not in rendered and "/secret/path" not in rendered


def test_outputs_kept_and_tagged_cells_removed(rendered):
    assert "ok-probe" in rendered and "visible text" in rendered
    assert "removed output" not in rendered
    assert "A note for the analyst" not in rendered  # markdown cells are notes, not report text


def test_stderr_is_not_shown_but_logged(tmp_path, caplog):
    with caplog.at_level("WARNING", logger="orgkit.report.render"):
        render.render_html(_executed_notebook(), tmp_path / "r.html")
    assert "something internal" not in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "something internal" in caplog.text


def test_self_contained(rendered):
    assert not re.search(r"<script[^>]+src=", rendered)
    assert not re.search(r"<link[^>]+href=\"https?:", rendered)
    assert "cdn" not in rendered.lower().replace("cdnjs", "cdn")  # no CDN at all
    assert "@page" in rendered and "size: A4" in rendered


def test_language_and_title(rendered):
    assert '<html lang="zh">' in rendered
    assert "<title>Acme &lt;Test&gt;</title>" in rendered


def test_print_pdf_without_chromium_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "find_chromium", lambda: None)
    (tmp_path / "r.html").write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(DependencyMissingError) as err:
        render.print_pdf(tmp_path / "r.html", tmp_path / "r.pdf")
    message = str(err.value)
    assert "apt-get install chromium" in message and "brew" in message and "chrome.exe" in message
    assert err.value.exit_code == 1
    assert not (tmp_path / "r.pdf").exists()


def test_find_chromium_honours_env(tmp_path, monkeypatch):
    monkeypatch.setenv("ORGKIT_CHROMIUM", str(tmp_path / "nope"))
    assert render.find_chromium() is None
    fake = tmp_path / "chrome"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("ORGKIT_CHROMIUM", str(fake))
    assert render.find_chromium() == str(fake)


@pytest.mark.browser
def test_print_pdf_a4(tmp_path):
    if render.find_chromium() is None:
        pytest.skip("headless Chromium not found (apt-get install chromium)")
    render.render_html(_executed_notebook(), tmp_path / "r.html")
    pdf = render.print_pdf(tmp_path / "r.html", tmp_path / "r.pdf")
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-"
    # A4 is 595 x 842 points
    assert re.search(rb"/MediaBox\s*\[\s*0 0 59[45](\.\d+)? 84[12](\.\d+)?\s*\]", data)


# ------------------------------------------------------------------------------------------ display blocks
def test_table_escapes_and_drops_suppressed_rows():
    frame = pd.DataFrame({
        "department": ["<script>alert(1)</script>", "Tiny", "Ops & Co"],
        "size": [12.0, np.nan, 7.0],
        "share": [0.25, np.nan, 0.5],
        "suppressed": [False, True, False],
    })
    html = display.table(frame, {"department": "Dept", "size": "People", "share": "Share"},
                         formats={"share": "percent"}, min_group_size=5).markup
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Tiny" not in html
    assert "Ops &amp; Co" in html
    assert "1 group is not shown, to protect groups of fewer than 5 people." in html
    assert html.count("<tr>") == 3  # header + two rows
    # numbers carry their value for sorting (report.html sorts a column by a click on its header)
    assert '<td class="ok-num" data-sort="0.25">25%</td>' in html and '<td class="ok-num" data-sort="12.0">12</td>' in html
    assert "<th scope=\"col\" class=\"ok-num\">People</th>" in html


def test_table_missing_values():
    html = display.table(pd.DataFrame({"a": [1.5, None]}), ["a"]).markup
    assert '<td class="ok-num ok-na">–</td>' in html and "1.5" in html


def test_fmt_number():
    assert display.fmt_number(1234.5678) == "1,234.6"
    assert display.fmt_number(3.0) == "3"
    assert display.fmt_number(0.4567, percent=True) == "46%"
    assert display.fmt_number(float("nan")) == "–"
    assert display.fmt_number(pd.NA) == "–"
    assert display.fmt_number(0.123, 2) == "0.12"


def test_cover_escapes_client_name():
    html = display.cover("A&B <Corp>", date="2025-01-02", headcount=1200, departments=9, stage="mid",
                         stage_auto=True, language="en").markup
    assert "A&amp;B &lt;Corp&gt;" in html and "1,200" in html and "mid-size (derived from headcount)" in html
    zh = display.cover("甲", date="2025-01-02", headcount=5, departments=1, stage="large", language="zh").markup
    assert "成熟期" in zh and "总人数" in zh


def test_scorecard_statuses_and_missing_score():
    html = display.scorecard([
        {"area": "structure", "title": "Structure fit", "score": 81.6, "status": "green", "findings": ["a < b"]},
        {"area": "survey", "title": "Survey", "score": None, "status": "grey", "findings": []},
    ], overall=81.6).markup
    assert "82<small> / 100</small>" in html and "not assessed" in html
    assert "ok-card ok-green" in html and "a &lt; b" in html and "Overall: 82 / 100" in html
    # the card rule is stated beside the cards
    assert "a red finding holds it at amber" in html


def test_scorecard_not_assessed_card_says_why_and_context_is_labelled():
    html = display.scorecard([
        {"area": "decisions", "title": "Decision paths", "score": None, "status": "grey", "findings": [],
         "note": "No decision records <x>", "context": "Context, not scored: 2 lines"},
    ], overall=70.0, overall_line="Overall 70 / 100 over structure fit.", overall_status="amber").markup
    assert "ok-card ok-grey" in html and "not assessed" in html and "No decision records &lt;x&gt;" in html
    assert '<p class="ok-context">Context, not scored: 2 lines</p>' in html
    assert 'ok-status ok-amber">Amber</span> <strong>Overall 70 / 100 over structure fit.' in html
    assert "Overall: 70 / 100" not in html  # one overall line, not two


def test_figure_is_embedded_and_written(tmp_path):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1))
    fig.add_subplot().plot([0, 1], [1, 0])
    html = display.figure(fig, "tiny", caption="A <caption>", output_dir=tmp_path).markup
    assert 'src="data:image/svg+xml;base64,' in html and "A &lt;caption&gt;" in html
    svg = (tmp_path / "figures" / "tiny.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "<text" in svg  # labels stay text: the browser draws them
    png = display.figure(b"\x89PNG\r\n\x1a\nfake", "drawn", output_dir=tmp_path).markup
    assert 'src="data:image/png;base64,' in png and (tmp_path / "figures" / "drawn.png").is_file()
    with pytest.raises(ValueError):
        display.figure(fig, "../escape")


def test_conventions_in_both_languages():
    en, zh = display.conventions("en"), display.conventions("zh")
    assert len(en) == len(zh) == len(display.CONVENTIONS)
    assert all(term and text for term, text in en + zh)


def test_data_quality_lists_every_warning():
    from orgkit.data.client import DataWarning

    html = display.data_quality([DataWarning("x", "people.csv", "2 rows <dropped>.", 2)]).markup
    assert "<code>people.csv</code> 2 rows &lt;dropped&gt;." in html
    assert "No warnings" in display.data_quality([]).markup


def test_html_block_repr_is_short():
    block = display.paragraphs("x" * 1000)
    assert len(repr(block)) < 80 and block._repr_html_().startswith('<div class="ok-block">')
