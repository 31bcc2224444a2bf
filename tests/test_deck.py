"""The slide deck (report.pptx): its slides and texts, Chinese runs, the firm's template, text that fits, edits
that are never replaced, and the --pptx flags of `orgkit report` and `orgkit batch`."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

pptx = pytest.importorskip("pptx", reason="python-pptx (orgkit[pptx]) is not installed")

from click.testing import CliRunner  # noqa: E402
from pptx import Presentation  # noqa: E402
from pptx.oxml.ns import qn  # noqa: E402

from orgkit.cli import main  # noqa: E402
from orgkit.data.sample import generate_client, sample_client_path  # noqa: E402
from orgkit.errors import ConfigError, DependencyMissingError, OutputError  # noqa: E402
from orgkit.i18n import t  # noqa: E402
from orgkit.report import deck as deckmod  # noqa: E402
from orgkit.report.deck import Para, Run, deck_outline, write_deck  # noqa: E402

AREAS = ("structure", "communication", "decisions", "survey")


@pytest.fixture(scope="module")
def book_en():
    from orgkit.report.run import open_report

    return open_report("", "", language="en")


@pytest.fixture(scope="module")
def deck_en(book_en, tmp_path_factory):
    path = tmp_path_factory.mktemp("deck-en") / "report.pptx"
    book_en.org_chart()  # drawn by the report before the deck, as in the notebook
    book_en.deck(path)
    return path


@pytest.fixture(scope="module")
def deck_zh(tmp_path_factory):
    from orgkit.report.run import open_report

    book = open_report("", "", language="zh")
    path = tmp_path_factory.mktemp("deck-zh") / "report.pptx"
    book.deck(path)
    return book, path


def _all_text(outline) -> str:
    return "\n".join(x for s in outline for x in s["texts"])


def _flat(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------------------------------ content
def test_slides_in_order_with_their_titles(deck_en, book_en):
    outline = deck_outline(deck_en)
    titles = [s["title"] for s in outline]
    assert titles[0] == book_en.client.name
    assert titles[1] == "Key messages"
    area_titles = [t(f"area.{a}", "en") for a in AREAS]
    firsts = [next(i for i, x in enumerate(titles) if x.startswith(a + ":")) for a in area_titles]
    assert firsts == sorted(firsts) and firsts[0] > 1  # the areas after the key messages, in the report's order
    assert titles[-1].startswith("Recommendations") and titles.index("Recommendations") > firsts[-1]
    # the title slide says client, date and scope
    cover = _all_text(outline[:1])
    assert book_en.date in cover and f"{book_en.client.n_people:,} people" in cover
    assert "Overall" in cover and "Groups of fewer than" in cover
    # every assessed area's first slide shows its headline figure, scored in its title
    for a in area_titles:
        first = next(s for s in outline if s["title"].startswith(a + ":"))
        assert first["pictures"] == 1 and "/ 100" in first["title"], first
    assert sum(s["pictures"] for s in outline) == 4


def test_key_messages_findings_and_recommendations_are_text(deck_en, book_en):
    outline = deck_outline(deck_en)
    text = _flat(_all_text(outline))
    assert 1 <= len(book_en.messages) <= 3
    for m in book_en.messages:
        assert _flat(m.headline("en")) in text
        assert _flat(m.action("en")) in text and _flat(m.progress("en")) in text
        for e in m.evidence("en"):
            assert _flat(e) in text
    for f in book_en.findings:
        assert _flat(f.text("en")) in text, f.key
    for r in book_en.recommendations:
        for piece in (r.title("en"), r.text("en"), r.owner_text("en"), r.effort_text("en"), r.progress("en")):
            assert _flat(piece) in text
        assert f"{r.people:,} people concerned" in text
    from orgkit.findings import reassess_line

    assert outline[-1]["texts"][-1] == reassess_line(book_en.findings, book_en.date, "en")


def test_findings_keep_their_area_and_status_worst_first(deck_en, book_en):
    outline = deck_outline(deck_en)
    for area in AREAS:
        label = t(f"area.{area}", "en")
        slides = [s for s in outline if s["title"].startswith(label + ":")]
        body = [line for s in slides for x in s["texts"][1:] for line in x.split("\n")]
        mine = [f for f in book_en.findings if f.area == area]
        shown = [line for line in body if line.split(":")[0] in ("Red", "Amber", "Green")]
        assert len(shown) == len(mine), area
        order = {"Red": 0, "Amber": 1, "Green": 2}
        ranks = [order[line.split(":")[0]] for line in shown]
        assert ranks == sorted(ranks), area
        assert {line.split(":")[0].lower() for line in shown} == {f.status for f in mine}


def test_speaker_notes_carry_the_area_intro_and_the_figure_caption(deck_en, book_en):
    outline = deck_outline(deck_en)
    first = next(s for s in outline if s["title"].startswith("Structure fit:"))
    caption = book_en._deck_figures["org_chart"][1]
    assert caption and first["notes"] == t("area.structure.intro", "en") + "\n" + caption


def test_a_chinese_deck_has_chinese_text_and_east_asian_fonts(deck_zh):
    book, path = deck_zh
    outline = deck_outline(path)
    assert outline[1]["title"] == t("storyline.title", "zh")
    text = _flat(_all_text(outline))
    assert t("recommendations.title", "zh") in [s["title"] for s in outline]
    for f in book.findings:
        assert _flat(f.text("zh")) in text
    runs = 0
    for slide in Presentation(str(path)).slides:
        for r in slide._element.iter(qn("a:r")):
            rpr = r.find(qn("a:rPr"))
            assert rpr is not None and rpr.get("lang") == "zh-CN", r.findtext(qn("a:t"))
            ea = rpr.find(qn("a:ea"))
            assert ea is not None and ea.get("typeface"), r.findtext(qn("a:t"))
            runs += 1
    assert runs > 50
    # the schema's order: the East Asian font after the fill
    xml = Presentation(str(path)).slides[1]._element.xml
    assert "<a:ea typeface=\"Microsoft YaHei\"/>" in xml


def test_an_english_deck_marks_its_runs_english(deck_en):
    slide = Presentation(str(deck_en)).slides[0]
    langs = {r.find(qn("a:rPr")).get("lang") for r in slide._element.iter(qn("a:r"))}
    assert langs == {"en-GB"}


def test_an_area_without_data_is_not_assessed_on_its_slide(tmp_path):
    from orgkit.report.run import open_report

    folder = tmp_path / "client"
    shutil.copytree(sample_client_path(), folder)
    (folder / "communication.csv").unlink()
    book = open_report(str(folder), "", language="en")
    path = tmp_path / "report.pptx"
    book.deck(path)
    outline = deck_outline(path)
    slide = next(s for s in outline if s["title"].startswith("Communication:"))
    assert slide["title"] == "Communication: Not assessed"
    assert slide["pictures"] == 0
    assert t("area.communication.not_available", "en") in _all_text([slide])
    assert "/ 100" not in slide["title"]


def test_figures_drawn_for_the_report_are_not_drawn_again(book_en, tmp_path, monkeypatch):
    """The deck takes the org chart the report drew; only figures drawn elsewhere are drawn once more."""
    import orgkit.plots.structure as structure

    book_en.org_chart()
    kept = book_en._deck_figures["org_chart"][0]

    def refuse(*args, **kwargs):
        raise AssertionError("the org chart was drawn again")

    monkeypatch.setattr(structure, "plot_org_chart", refuse)
    book_en.deck(tmp_path / "again.pptx")
    assert book_en._deck_figures["org_chart"][0] is kept


# ------------------------------------------------------------------------------------------ fitting
def _frame_height(frame, metrics, width_pt, bullets):
    height = 0.0
    for n, p in enumerate(frame.paragraphs):
        runs = []
        size = None
        for r in p.runs:
            size = r.font.size.pt if r.font.size is not None else 18.0
            runs.append(Run(r.text, bool(r.font.bold)))
        if not runs:
            continue
        before = p.space_before.pt if (p.space_before is not None and n) else 0.0
        para = Para(tuple(runs), size, p.level, before)
        indent = deckmod._INDENT[min(p.level, 2)] if bullets else 18.0 * p.level
        height += metrics.height(para, width_pt - indent)
    return height


def _check_fits(path, language):
    """Every text box, placeholder and table of the deck holds no more lines than its height shows."""
    metrics = deckmod._Metrics(language)
    prs = Presentation(str(path))
    W, H = prs.slide_width, prs.slide_height
    checked = 0
    for number, slide in enumerate(prs.slides, start=1):
        boxes = []
        for shape in slide.shapes:
            assert 0 <= shape.left and shape.left + shape.width <= W + 1, (number, shape.name)
            assert 0 <= shape.top and shape.top + shape.height <= H + 1, (number, shape.name)
            if shape.has_text_frame and shape.text_frame.text.strip():
                tf = shape.text_frame
                w = (shape.width - tf.margin_left - tf.margin_right) / 12700
                h = (shape.height - tf.margin_top - tf.margin_bottom) / 12700
                need = _frame_height(tf, metrics, w, bullets=shape.is_placeholder and slide.shapes.title != shape
                                     and "Subtitle" not in shape.name)
                assert need <= h + 0.5, (number, shape.name, need, h, tf.text[:80])
                checked += 1
            if getattr(shape, "has_table", False) and shape.has_table:
                for row in shape.table.rows:
                    for j, cell in enumerate(row.cells):
                        w = (shape.table.columns[j].width - cell.margin_left - cell.margin_right) / 12700
                        h = (row.height - cell.margin_top - cell.margin_bottom) / 12700
                        assert _frame_height(cell.text_frame, metrics, w, False) <= h + 0.5, (number, cell.text)
                        checked += 1
            boxes.append((shape.shape_type, shape.left, shape.top, shape.left + shape.width, shape.top + shape.height))
        pictures = [b for b in boxes if b[0] == 13]
        others = [b for b in boxes if b[0] != 13]
        for p in pictures:  # a figure never covers text
            for o in others:
                overlap = min(p[3], o[3]) > max(p[1], o[1]) and min(p[4], o[4]) > max(p[2], o[2])
                assert not overlap, (number, p, o)
    return checked


def test_every_text_fits_its_box(deck_en, deck_zh):
    assert _check_fits(deck_en, "en") > 20
    assert _check_fits(deck_zh[1], "zh") > 20


def test_long_findings_continue_on_the_next_slide_instead_of_overflowing():
    metrics = deckmod._Metrics("en")
    sentence = "R&D is a silo: 94% of its ties stay inside the department, against 30% under random mixing. "
    groups = [[Para((Run("Red: ", True), Run(sentence * 4)), 14.0, 0, 6.0)] for _ in range(9)]
    width, height = 360.0, 340.0  # a 5 × 4.7 inch box
    pages = deckmod._flow(groups, metrics, (width, height), (width * 2, height))
    assert len(pages) >= 3
    assert sum(len(p) for p in pages) == 9  # no finding split: each fits on an empty slide
    for n, page in enumerate(pages):
        w = width if n == 0 else width * 2
        used = sum(metrics.height(p, w - deckmod._INDENT[0]) for p in page)
        assert used <= height * deckmod._FILL
        assert page[0].space_before == 0.0


def test_a_paragraph_taller_than_a_slide_is_split_between_lines():
    metrics = deckmod._Metrics("en")
    words = " ".join(f"word{i}" for i in range(900))
    pages = deckmod._flow([[Para((Run(words),), 14.0)]], metrics, (300.0, 200.0), (300.0, 200.0), min_size=12.0)
    assert len(pages) > 3
    rebuilt = [word for page in pages for p in page for word in p.text.split()]
    assert rebuilt == words.split()  # nothing lost, nothing repeated
    assert all(p.size == 12.0 for page in pages for p in page)


def test_measured_widths_are_hand_checkable():
    m = deckmod._Metrics("zh")
    assert m.width("组织诊断", 10) == pytest.approx(40.0)  # one em per CJK character
    latin = m.width("ab", 10)
    assert m.width("ab组织", 10) == pytest.approx(latin + 20.0)
    assert m.width("abc", 10, bold=True) > m.width("abc", 10)
    lines = m.wrap(Para((Run("组织" * 10),), 10.0), 45.0)  # 4 characters a line
    assert [sum(len(x) for _, x in line) for line in lines] == [4, 4, 4, 4, 4]


# ------------------------------------------------------------------------------------------ the firm's template
def _firm_template(path: Path) -> Path:
    """A 4:3 template with a renamed content layout, Georgia as its theme's heading and body font, and an
    example slide of its own."""
    prs = Presentation()
    for layout in prs.slide_layouts:
        if layout.name == "Title and Content":
            layout.name = "Firm Content"
        if layout.name == "Title Slide":
            layout.name = "Firm Cover"
    theme = prs.slide_masters[0].part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme")
    theme._blob = theme.blob.replace(b'<a:latin typeface="Calibri"/>', b'<a:latin typeface="Georgia"/>')
    example = prs.slides.add_slide(prs.slide_layouts[0])
    example.shapes.title.text = "Firm example slide"
    prs.save(str(path))
    return path


def test_a_template_gives_its_masters_layouts_and_fonts(book_en, tmp_path):
    template = _firm_template(tmp_path / "firm.pptx")
    path = tmp_path / "report.pptx"
    write_deck(book_en, path, template=template)
    prs = Presentation(str(path))
    assert prs.slide_width == 9144000  # the template's 4:3, not orgkit's 16:9
    layouts = [s.slide_layout.name for s in prs.slides]
    assert layouts[0] == "Firm Cover" and "Firm Content" in layouts
    assert len(prs.slide_masters) == 1 and len(prs.slide_masters[0].slide_layouts) == 11
    outline = deck_outline(path)
    assert "Firm example slide" not in _all_text(outline)  # the template's own slides are gone
    assert outline[0]["title"] == book_en.client.name
    import zipfile

    with zipfile.ZipFile(path) as z:
        theme = z.read("ppt/theme/theme1.xml")
        slides = [n for n in z.namelist() if n.startswith("ppt/slides/slide")]
    assert b'<a:latin typeface="Georgia"/>' in theme
    assert len(slides) == len(prs.slides)  # the removed example slide is not left inside the file
    # no run names a Latin font: the theme's fonts apply
    assert all(r.find(qn("a:rPr")).find(qn("a:latin")) is None for s in prs.slides for r in s._element.iter(qn("a:r")))
    assert _check_fits(path, "en") > 20


def test_layouts_are_chosen_by_placeholder_types_not_position(tmp_path):
    prs = Presentation()
    # move the two-content layout to the end and rename every layout: the choice must not change
    lst = prs.slide_masters[0]._element.find(qn("p:sldLayoutIdLst"))
    ids = list(lst)
    lst.remove(ids[3])
    lst.append(ids[3])
    for n, layout in enumerate(prs.slide_layouts):
        layout.name = f"Layout {n}"
    found = deckmod.DeckLayouts.find(prs)
    kinds = {k: sorted(str(p.placeholder_format.type).split(".")[-1].split(" ")[0]
                       for p in getattr(found, k).placeholders) for k in ("title", "content", "figure")}
    assert "CENTER_TITLE" in kinds["title"][0] or "CENTER_TITLE" in " ".join(kinds["title"])
    assert found.figure.name == "Layout 10" and found.figure_kind == "two"  # the two-content layout, moved last
    assert found.content.name == "Layout 1"  # title and one content placeholder


def test_a_template_that_is_not_a_pptx_is_refused(tmp_path, book_en):
    text = tmp_path / "firm.potx"
    text.write_text("not a deck")
    with pytest.raises(ConfigError, match=r"firm\.potx.*must be a \.pptx file.*Save As"):
        deckmod.check_template(text)
    broken = tmp_path / "broken.pptx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ConfigError, match=r"broken\.pptx: cannot be read as a PowerPoint presentation"):
        deckmod.check_template(broken)
    with pytest.raises(ConfigError, match="does not exist"):
        write_deck(book_en, tmp_path / "out.pptx", template=tmp_path / "missing.pptx")
    assert not (tmp_path / "out.pptx").exists()


def test_cli_bad_template_exit_2_before_anything_runs(tmp_path):
    bad = tmp_path / "firm.pptx"
    bad.write_text("hello")
    result = CliRunner().invoke(main, ["report", str(sample_client_path()), "-o", str(tmp_path / "out"),
                                       "--pptx-template", str(bad)])
    assert result.exit_code == 2, result.output
    assert "firm.pptx" in result.output and "cannot be read as a PowerPoint presentation" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
    result = CliRunner().invoke(main, ["batch", str(sample_client_path().parent), "-o", str(tmp_path / "b"),
                                       "--pptx-template", str(tmp_path / "none.pptx")])
    assert result.exit_code == 2 and "does not exist" in result.output
    assert not (tmp_path / "b").exists()


def test_without_python_pptx_the_message_names_the_extra(tmp_path, monkeypatch):
    from orgkit.report.run import run_client

    monkeypatch.setitem(sys.modules, "pptx", None)
    with pytest.raises(DependencyMissingError, match=r"orgkit\[pptx\]"):
        run_client(sample_client_path(), tmp_path / "out", pptx=True)
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------------------------------ edits are kept
def test_a_deck_edited_after_orgkit_wrote_it_is_never_replaced(book_en, tmp_path):
    from orgkit.files.editable import record_path

    path = tmp_path / "report.pptx"
    write_deck(book_en, path)
    assert record_path(path).is_file()
    write_deck(book_en, path)  # unchanged since: replaced
    prs = Presentation(str(path))
    prs.slides[0].shapes.title.text_frame.text = "Our own wording"
    prs.save(str(path))
    edited = path.read_bytes()
    with pytest.raises(OutputError, match=r"report\.pptx was changed after orgkit wrote it"):
        write_deck(book_en, path)
    assert path.read_bytes() == edited
    mine = tmp_path / "mine.pptx"
    mine.write_bytes(b"a deck orgkit did not write")
    with pytest.raises(OutputError, match="changed after orgkit wrote it"):
        write_deck(book_en, mine)
    assert mine.read_bytes() == b"a deck orgkit did not write"


def test_report_folders_with_an_edited_deck_are_kept(tmp_path):
    from orgkit.files.atomic import mark
    from orgkit.files.editable import write_editable
    from orgkit.files.outputs import clean
    from orgkit.report.run import run_client

    from orgkit.report.run import client_slug

    reports = tmp_path / "reports"
    folder = reports / client_slug(sample_client_path())
    folder.mkdir(parents=True)
    mark(folder, "report", folder.name)
    write_editable(folder / "report.pptx", b"deck as orgkit wrote it")
    (folder / "report.pptx").write_bytes(b"deck as the consultant saved it")
    with pytest.raises(OutputError, match="changed after orgkit wrote it"):
        run_client(sample_client_path(), reports)
    done = clean(reports)
    assert folder in done.kept and (folder / "report.pptx").read_bytes() == b"deck as the consultant saved it"
    write_editable(tmp_path / "x.pptx", b"1")
    (folder / "report.pptx").unlink()
    assert folder in clean(reports).removed


# ------------------------------------------------------------------------------------------ end to end
@pytest.mark.slow
def test_cli_report_pptx_end_to_end(tmp_path):
    template = _firm_template(tmp_path / "firm.pptx")
    result = CliRunner().invoke(main, ["report", str(sample_client_path()), "-o", str(tmp_path / "out"),
                                       "--pptx-template", str(template)])
    assert result.exit_code == 0, result.output
    from orgkit.report.run import client_slug

    folder = tmp_path / "out" / client_slug(sample_client_path())
    deck = folder / "report.pptx"
    assert f"deck:   {deck}" in result.output
    assert (folder / "report.html").is_file() and deck.is_file()
    outline = deck_outline(deck)
    assert outline[1]["title"] == "Key messages" and sum(s["pictures"] for s in outline) == 4
    assert {s["layout"] for s in outline} >= {"Firm Cover", "Firm Content"}
    # the deck cell shows nothing in the report, and the run can be repeated over its own deck
    assert "PosixPath" not in (folder / "report.html").read_text(encoding="utf-8")
    again = CliRunner().invoke(main, ["report", str(sample_client_path()), "-o", str(tmp_path / "out"), "--pptx"])
    assert again.exit_code == 0, again.output
    assert {s["layout"] for s in deck_outline(deck)} >= {"Title Slide", "Two Content"}


@pytest.mark.slow
def test_batch_pptx_writes_one_deck_per_client_and_links_them(tmp_path):
    from orgkit.batch.run import run_batch

    clients = tmp_path / "clients"
    for seed in (1, 2):
        generate_client(clients / f"client-{seed}", employees=60, seed=seed, name=f"Client {seed}")
    out = tmp_path / "reports"
    summary = run_batch(clients, out, workers=1, pptx=True, progress=False)
    assert summary.exit_code == 0, summary.describe()
    for seed in (1, 2):
        deck = out / f"client-{seed}" / "report.pptx"
        assert deck.is_file()
        assert deck_outline(deck)[0]["title"] == f"Client {seed}"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="client-1/report.pptx"' in index and 'href="client-2/report.pptx"' in index
    import pandas as pd

    table = pd.read_csv(out / "summary.csv")
    assert sorted(table["deck"]) == ["client-1/report.pptx", "client-2/report.pptx"]
    # unchanged and complete: skipped; asked without decks, the same reports stay up to date
    again = run_batch(clients, out, workers=1, pptx=True, progress=False)
    assert len(again.skipped) == 2
