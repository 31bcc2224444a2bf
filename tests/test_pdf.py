"""The PDF for e-mail: a contents page with the right page numbers, "Page N of M" on every page, nothing clipped."""

from __future__ import annotations

import logging
import re
import unicodedata

import nbformat
import pandas as pd
import pytest

from orgkit.report import blocks, chromium, pdf, render

CHROMIUM = pytest.mark.skipif(render.find_chromium() is None,
                              reason="headless Chromium not found: apt-get install chromium (or set ORGKIT_CHROMIUM)")
PIPE = pytest.mark.skipif(not chromium.pipe_supported(), reason="the DevTools pipe needs a POSIX system")


def _cjk_font() -> bool:
    from orgkit.plots.style import system_cjk_font

    return system_cjk_font() is not None


NO_CJK_FONT = pytest.mark.skipif(not _cjk_font(), reason="no CJK font: apt-get install fonts-noto-cjk")
#: Kangxi radicals and the CJK Radicals Supplement: never in orgkit's text, so never in a PDF's text layer.
RADICAL = re.compile("[\u2e80-\u2fdf]")


def _norm(text: str) -> str:
    """Text as pypdf extracts it, comparable with the page's: ligatures (ﬁ) and Kangxi radicals (⽬) folded."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _notebook_html(body: str, *, lang: str, cover: bool) -> nbformat.NotebookNode:
    """An executed notebook whose outputs are a cover (optional) and ``body``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cells = []
    if cover:
        cells.append(blocks.cover("Acme <Test>", date="2025-01-02", headcount=1200, departments=9, stage="mid",
                                  language=lang).markup)
    cells.append(body)
    nb.cells = [nbformat.v4.new_code_cell("x", execution_count=i + 1, outputs=[
        nbformat.v4.new_output("execute_result", data={"text/html": c, "text/plain": "x"}, execution_count=i + 1)])
        for i, c in enumerate(cells)]
    return nb


def _render(tmp_path, body: str, *, lang: str = "en", cover: bool = True, name: str = "r.html"):
    out = tmp_path / name
    render.render_html(_notebook_html(body, lang=lang, cover=cover), out, language=lang, title="Acme <Test>")
    return out


def _sections(n: int = 3, fill: int = 3) -> str:
    """Sections with sub-headings and enough text to fill pages."""
    text = "".join(f"<p>{'Lorem ipsum dolor sit amet, consectetur adipiscing elit. ' * 12}</p>" for _ in range(fill))
    parts = []
    for i in range(1, n + 1):
        parts.append(blocks.section_head(f"area-{i}", f"Area {i}", "What this area covers.", status="amber",
                                         status_label="Amber").markup)
        parts.append(blocks.subheading(f"First part of {i}", f"first-{i}").markup + text)
        parts.append(blocks.subheading("Findings").markup + text)
    return "".join(parts)


# ------------------------------------------------------------------------------------------ the contents markup
def test_contents_lists_sections_and_sub_headings_after_the_cover(tmp_path):
    html = _render(tmp_path, _sections(2)).read_text(encoding="utf-8")
    assert html.count('id="contents"') == 1
    cover_end = html.index("</header>")
    nav = html.index('<nav class="ok-contents ok-print-only" id="contents"')
    assert cover_end < nav < html.index('id="area-1"')
    assert pdf.contents_entries(html) == [
        (1, "area-1", "Area 1"), (2, "first-1", "First part of 1"), (2, "area-1-2", "Findings"),
        (1, "area-2", "Area 2"), (2, "first-2", "First part of 2"), (2, "area-2-2", "Findings"),
    ]
    # the heading without an id got the one its entry links to; every entry has an empty page number
    assert '<h3 class="ok-sub" id="area-1-2">Findings</h3>' in html
    for anchor in ("area-1", "first-1", "area-1-2", "area-2-2"):
        assert f'<a href="#{anchor}">' in html
        assert f'<span class="ok-toc-page" data-page-for="{anchor}"></span>' in html
    assert '<h2 id="contents-title">Contents</h2>' in html


def test_contents_in_chinese_escapes_titles_and_is_added_once():
    page = ('<main class="ok-report"><header class="ok-cover"><h1>甲</h1></header>'
            '<section class="ok-summary ok-key-messages" id="key-messages"><h2>摘要</h2><h3 class="ok-sub">核心结论</h3></section>'
            '<section class="ok-summary" id="summary"><h2>各领域得分</h2></section>'
            '<section class="ok-section-head" id="structure"><h2>R&amp;D &lt;x&gt; <span class="ok-status ok-red">红 · 40 / 100</span></h2></section>'
            '</main>')
    once = pdf.add_contents(page, "zh")
    assert pdf.add_contents(once, "zh") == once
    assert '<h2 id="contents-title">目录</h2>' in once
    # the scores follow the key messages as part of the summary; the status pill is not part of a title
    assert pdf.contents_entries(once) == [(1, "key-messages", "摘要"), (2, "key-messages-1", "核心结论"),
                                          (2, "summary", "各领域得分"), (1, "structure", "R&D <x>")]
    assert '<span class="ok-toc-title">R&amp;D &lt;x&gt;</span>' in once


def test_contents_leave_out_the_heading_of_a_part_that_is_not_printed():
    page = ('<main class="ok-report"><header class="ok-cover"><h1>x</h1></header>'
            + blocks.section_head("structure", "Structure", "Who reports to whom.").markup
            + blocks.subheading("The org chart", "org-chart").markup
            + blocks.subheading("Explore the organisation", "org-explorer", screen_only=True).markup
            + blocks.subheading("Spans", "spans").markup + "</main>")
    assert 'class="ok-sub ok-interactive" id="org-explorer"' in page
    assert pdf.contents_entries(page) == [(1, "structure", "Structure"), (2, "org-chart", "The org chart"),
                                          (2, "spans", "Spans")]


def test_page_without_sections_gets_no_contents():
    page = '<main class="ok-report"><header class="ok-cover"><h1>x</h1></header><p>text</p></main>'
    assert pdf.add_contents(page) == page


def test_footer_says_page_n_of_m_in_the_reports_language():
    en = pdf.footer_template("A <B> & Co", "en", left="13mm", right="12mm")
    assert 'Page <span class="pageNumber"></span> of <span class="totalPages"></span>' in en
    assert "A &lt;B&gt; &amp; Co · Organisation assessment" in en and "<B>" not in en
    assert "padding:0 12mm 0 13mm" in en
    zh = pdf.footer_template("甲公司", "zh")
    assert '第 <span class="pageNumber"></span> 页，共 <span class="totalPages"></span> 页' in zh
    assert "甲公司 · 组织诊断报告" in zh
    # a margin that is not a plain length never reaches the style attribute
    assert "evil" not in pdf.footer_template("x", "en", left='1mm;"evil', right="2mm")


def test_long_words_in_tables_are_marked_so_print_can_break_them():
    frame = pd.DataFrame({"file": ["people.csv"], "sha256": ["569cb98054cfea7baa80b5632933dadfe3086744d4d0ec16a51"],
                          "rows": [150]})
    html = blocks.table(frame, ["file", "sha256", "rows"]).markup
    assert '<td class="ok-long">569cb' in html and "<td>people.csv</td>" in html


# ------------------------------------------------------------------------------------------ printing
@pytest.fixture(scope="module")
def en_report(tmp_path_factory):
    """The bundled sample client's report in English, with report.pdf, as `orgkit report --pdf` writes it."""
    if render.find_chromium() is None or not chromium.pipe_supported():
        pytest.skip("headless Chromium over the DevTools pipe is needed (apt-get install chromium; POSIX)")
    from orgkit.data.sample import sample_client_path
    from orgkit.report.run import run_client

    return run_client(sample_client_path(), tmp_path_factory.mktemp("en"), language="en", pdf=True, progress=False)


@pytest.fixture(scope="module")
def zh_pdf(zh_report, tmp_path_factory):
    """The Chinese sample report printed to PDF."""
    if render.find_chromium() is None or not chromium.pipe_supported():
        pytest.skip("headless Chromium over the DevTools pipe is needed (apt-get install chromium; POSIX)")
    return pdf.print_report(zh_report.html, tmp_path_factory.mktemp("zh-pdf") / "report.pdf")


def _contents_lines(reader) -> list[tuple[str, int]]:
    """(title, number) of each line of the contents, as printed: page 2, and the pages after it that hold
    nothing but contents lines (and the footer)."""
    lines: list[tuple[str, int]] = []
    for i, page in enumerate(reader.pages[1:]):
        rows = [_norm(line) for line in page.extract_text().splitlines()]
        rows = [r for r in rows if not re.search(r"Page \d+ of \d+$", r)]  # the footer
        if i == 0:
            assert rows[0] == "Contents", rows[:3]
            rows = rows[1:]
        found = [(m.group(1), int(m.group(2))) for r in rows if (m := re.fullmatch(r"(.+?) (\d+)", r))]
        if i > 0 and len(found) < len(rows):
            break
        lines += found
    return lines


@pytest.mark.slow
@pytest.mark.browser
@CHROMIUM
@PIPE
def test_contents_page_numbers_are_where_the_sections_are(en_report):
    from pypdf import PdfReader

    reader = PdfReader(en_report.pdf)
    contents = _contents_lines(reader)
    html = en_report.html.read_text(encoding="utf-8")
    entries = pdf.contents_entries(html)
    assert [title for title, _ in contents] == [_norm(t) for _, _, t in entries]
    # each title, in order, against the outline Chromium wrote from the headings (titles carry the status)
    # (depth 0 is the cover's h1, 1 a section's h2, 2 a sub-heading or a summary card's h3)
    outline = [(depth, _norm(title), page) for depth, title, page in pdf.outline_pages(reader)]
    i = 0
    for (level, _, _), (title, number) in zip(entries, contents):
        while not (outline[i][1].startswith(title) and (outline[i][0] == 1 or level == 2)):
            i += 1
        assert number == outline[i][2], (title, number, outline[i])
        i += 1
    sections = {t: n for (level, _, t), (_, n) in zip(entries, contents) if level == 1}
    assert list(sections)[:2] == ["Executive summary", "Structure fit"] and sections["Executive summary"] == 3
    assert sorted(sections.values()) == list(sections.values())


@pytest.mark.slow
@pytest.mark.browser
@CHROMIUM
@PIPE
def test_every_page_after_the_cover_says_page_n_of_m(en_report):
    from pypdf import PdfReader

    reader = PdfReader(en_report.pdf)
    n = len(reader.pages)
    assert n > 10
    for i, page in enumerate(reader.pages[1:], start=2):
        assert f"Page {i} of {n}" in page.extract_text(), i
    assert "Sample Co" in reader.pages[3].extract_text().splitlines()[-1]  # the title beside the number


@pytest.mark.slow
@pytest.mark.browser
@CHROMIUM
@PIPE
@NO_CJK_FONT
def test_chinese_pdf_says_di_n_ye_and_its_contents_links_match_its_numbers(zh_pdf):
    from pypdf import PdfReader

    reader = PdfReader(zh_pdf.path)
    n = len(reader.pages)
    assert zh_pdf.pages == n and zh_pdf.prints in (2, 3)
    for i, page in enumerate(reader.pages[1:], start=2):
        text = page.extract_text()
        assert re.search(rf"第\s*{i}\s*页，共\s*{n}\s*页", text), i
        assert not RADICAL.search(text), (i, RADICAL.findall(text))  # searchable: 部门, not 部⻔
    assert "目录" in reader.pages[1].extract_text() and "部门" in reader.pages[6].extract_text()
    # every link of the contents page goes to the page its line says
    page = reader.pages[1]
    numbers = [int(m.group(1)) for line in page.extract_text().splitlines()
               if (m := re.search(r"\s(\d+)$", line)) and "第" not in line]
    links = sorted((a.get_object() for a in page.get("/Annots", [])), key=lambda a: -float(a["/Rect"][1]))
    dests = pdf.destination_pages(reader)
    targets = [dests[str(a["/Dest"]).removeprefix("/")] for a in links if "/Dest" in a]
    assert len(targets) == len(numbers) > 20
    assert targets == numbers
    assert zh_pdf.contents == {a: dests[a] for a in zh_pdf.contents}


@pytest.mark.browser
@CHROMIUM
@PIPE
def test_contents_numbers_settle_in_a_third_print_when_the_contents_grow(tmp_path):
    """Writing the numbers moves pages here (on purpose): the second print is not the last."""
    html = _render(tmp_path, _sections(3, fill=2))
    page = html.read_text(encoding="utf-8").replace(
        "</head>", "<style>@media print { .ok-toc-page:not(:empty) { display: block; height: 40mm; } }</style></head>")
    html.write_text(page, encoding="utf-8")
    done = pdf.print_report(html, tmp_path / "r.pdf", check_clipping=False)
    assert done.prints == 3
    assert done.contents == {a: p for a, p in pdf.destination_pages(done.path).items() if a in done.contents}
    assert set(done.contents) == {a for _, a, _ in pdf.contents_entries(page)}


@pytest.mark.browser
@CHROMIUM
@PIPE
def test_a_short_report_prints_twice_and_its_numbers_hold(tmp_path):
    html = _render(tmp_path, _sections(3))
    done = pdf.print_report(html, tmp_path / "r.pdf")
    assert done.prints == 2 and done.clipped == []
    from pypdf import PdfReader

    reader = PdfReader(done.path)
    assert done.pages == len(reader.pages) >= 5
    assert "Contents" in reader.pages[1].extract_text()
    dests = pdf.destination_pages(reader)
    assert done.contents == {a: dests[a] for a in done.contents} and done.contents["area-1"] == 3
    # each area starts a page of its own
    assert len({done.contents[f"area-{i}"] for i in (1, 2, 3)}) == 3
    assert not (tmp_path / "r.pdf.part.pdf").exists()


@pytest.mark.browser
@CHROMIUM
@PIPE
@NO_CJK_FONT
def test_chinese_text_layer_is_made_searchable_and_nothing_else_changes(tmp_path):
    body = (blocks.section_head("structure", "组织结构", "部门、人数与管理层级。").markup
            + blocks.subheading("一页之内", "one-page").markup + "<p>人力资源部门的长期目标；第 1 页，共 2 页。</p>")
    html = _render(tmp_path, body, lang="zh")
    raw = tmp_path / "raw.pdf"
    with chromium.Browser(timeout=60) as browser:
        browser.open(html)
        browser.print_pdf(raw, footer=pdf.footer_template("甲", "zh"))
    from pypdf import PdfReader

    before = PdfReader(raw)
    text_before = "".join(p.extract_text() for p in before.pages)
    if not RADICAL.search(text_before):
        pytest.skip("this machine's CJK font gives Chromium no radicals to fix")
    outline, dests = pdf.outline_pages(before), pdf.destination_pages(before)
    original = raw.read_bytes()
    assert pdf.repair_cjk_text(raw) > 0
    repaired = raw.read_bytes()
    assert repaired.startswith(original) and len(repaired) > len(original)  # an update appended, nothing rewritten
    after = PdfReader(raw)
    text_after = "".join(p.extract_text() for p in after.pages)
    assert not RADICAL.search(text_after)
    for phrase in ("组织结构", "部门、人数与管理层级", "一页之内", "人力资源部门的长期目标", "目录"):
        assert phrase in text_after.replace("\n", ""), phrase
    # the same text but for the radicals, the same outline and links
    assert len(text_after) == len(text_before)
    assert pdf.outline_pages(after) == outline and pdf.destination_pages(after) == dests
    assert pdf.repair_cjk_text(raw) == 0  # nothing left to do


# ------------------------------------------------------------------------------------------ clipping
def _clipped(path) -> list[str]:
    with chromium.Browser(timeout=60) as browser:
        browser.open(path)
        return pdf.clipped_in_print(browser)


@pytest.mark.browser
@CHROMIUM
@PIPE
def test_clipping_check_finds_a_table_wider_than_the_page_and_passes_wide_data(tmp_path):
    wide = ('<div class="ok-table-wrap"><table class="ok-table"><caption>Too wide</caption><thead><tr><th>a</th>'
            '</tr></thead><tbody><tr><td><div style="width:1400px">fixed</div></td></tr></tbody></table></div>')
    found = _clipped(_render(tmp_path, wide, name="wide.html"))
    assert len(found) == 2 and found[0].startswith('table "Too wide" (a, ...)') and found[1].startswith("the page")
    need, room = map(int, re.search(r": (\d+) px in (\d+) px$", found[0]).groups())
    assert need >= 1400 and 600 < room < 720  # A4 less 2 x 13 mm is 695 px
    # what real tables hold: many columns, long names, hashes, long headers: wrapped, never clipped
    frame = pd.DataFrame({f"column with a long header {i}": [f"Department of Strategic Planning {i}"] * 3
                          for i in range(9)})
    frame["sha256"] = "569cb98054cfea7baa80b5632933dadfe3086744d4d0ec16a519ff7058769cbb"
    frame["headcount"] = [1234567, 2345678, 3456789]
    body = blocks.table(frame, caption="Wide data").markup
    assert _clipped(_render(tmp_path, body, name="data.html")) == []


@pytest.mark.slow
@pytest.mark.browser
@CHROMIUM
@PIPE
def test_sample_report_has_nothing_clipped_in_print(en_report):
    assert _clipped(en_report.html) == []


@pytest.mark.slow
@pytest.mark.browser
@CHROMIUM
@PIPE
@NO_CJK_FONT
def test_chinese_report_has_nothing_clipped_in_print(zh_report, zh_pdf):
    assert _clipped(zh_report.html) == []
    assert zh_pdf.clipped == []


# ------------------------------------------------------------------------------------------ without the pipe
@pytest.mark.browser
@CHROMIUM
def test_without_the_pipe_the_pdf_is_printed_and_says_what_it_lacks(tmp_path, monkeypatch, caplog):
    html = _render(tmp_path, _sections(2, fill=1))
    monkeypatch.setattr(chromium, "pipe_supported", lambda: False)
    with caplog.at_level(logging.WARNING, logger="orgkit.report.render"):
        out = render.print_pdf(html, tmp_path / "r.pdf", language="en")
    assert out.read_bytes()[:5] == b"%PDF-"
    assert "no page numbers" in caplog.text and "Linux and macOS" in caplog.text
    from pypdf import PdfReader

    reader = PdfReader(out)
    assert "Contents" in reader.pages[1].extract_text()
    assert not any("Page" in page.extract_text() for page in reader.pages)
