"""The comparison report's slide deck (report.pptx beside report.html): what was compared, the headline metrics,
findings that appear or disappear, who is affected under the privacy rule, what cannot be predicted, the
plan's log; English and Chinese; a bad template refused; an edited deck never replaced."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("pptx", reason="python-pptx (orgkit[pptx]) is not installed")

from click.testing import CliRunner  # noqa: E402
from pptx import Presentation  # noqa: E402
from pptx.oxml.ns import qn  # noqa: E402

from orgkit.cli import main  # noqa: E402
from orgkit.data.sample import sample_client_path  # noqa: E402
from orgkit.errors import OutputError  # noqa: E402
from orgkit.i18n import t  # noqa: E402
from orgkit.report.deck import deck_outline  # noqa: E402

PLANS = Path(__file__).resolve().parents[1] / "orgkit" / "resources" / "plans"
PLAN = PLANS / "commercial.yml"


def _all_text(outline) -> str:
    return "\n".join(x for s in outline for x in s["texts"])


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def book_zh():
    from orgkit.report.comparison import open_comparison

    return open_comparison(str(sample_client_path()), str(PLAN), language="zh")


def test_cli_scenario_pptx_writes_the_deck_beside_the_report(tmp_path):
    from orgkit.scenario.plan import load_plan

    result = CliRunner().invoke(main, ["scenario", str(sample_client_path()), str(PLAN), "-o", str(tmp_path),
                                       "--pptx", "--language", "en"])
    assert result.exit_code == 0, result.output
    html = next(tmp_path.glob("*/report.html"))
    deck = html.parent / "report.pptx"
    assert deck.is_file() and f"deck:   {deck}" in result.output
    outline = deck_outline(deck)
    titles = [s["title"] for s in outline]
    plan_name = str(load_plan(PLAN).name)
    text = _flat(_all_text(outline))
    # what was compared: the plan by name, on the title slide
    assert plan_name in _flat(" ".join(outline[0]["texts"]))
    assert t("compare.cover.scenario", "en", plan=plan_name) in text
    # the sections, each as editable text (titles, text frames, table cells -- no pictures)
    for key in ("compare.summary.title", "compare.deck.headline", "compare.findings.title",
                "compare.affected.title", "compare.affected.by_department", "compare.limits.title"):
        assert t(key, "en") in titles, key
    assert t("compare.plan.title", "en", plan=plan_name) in titles
    assert all(s["pictures"] == 0 for s in outline)
    # the headline table's header and rows: both states' labels, and a metric per area
    assert t("compare.state.today", "en") in text and t("compare.state.after_plan", "en") in text
    assert t("compare.column.change", "en") in text
    # a finding that appears (the plan merges Sales and Marketing into a commercial department)
    assert t("compare.findings.appeared", "en") in text
    # what cannot be predicted is said, and the plan's log lists its steps
    assert _flat(t("compare.limits.scenario", "en")) in text
    log_slide = next(s for s in outline if s["title"] == t("compare.plan.title", "en", plan=plan_name))
    assert re.search(r"\b4\b", _flat(" ".join(log_slide["texts"])))
    # the deck's numbers are the report's: the most affected department as in comparison.json
    import json

    data = json.loads((html.parent / "comparison.json").read_text(encoding="utf-8"))
    top = max(data["affected"], key=lambda r: r["affected"])
    by_dept = next(s for s in outline if s["title"] == t("compare.affected.by_department", "en"))["texts"]
    at = by_dept.index(top["department"])
    assert by_dept[at + 1:at + 4] == [f"{top['headcount_before']:,}", f"{top['headcount_after']:,}",
                                      f"{top['affected']:,}"]


def test_a_chinese_deck_has_chinese_runs_and_an_east_asian_font(book_zh, tmp_path):
    path = tmp_path / "report.pptx"
    book_zh.deck(path)
    outline = deck_outline(path)
    titles = [s["title"] for s in outline]
    assert t("compare.summary.title", "zh") in titles and t("compare.deck.headline", "zh") in titles
    text = _all_text(outline)
    assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 300
    assert t("compare.state.today", "zh") in text and t("compare.state.after_plan", "zh") in text
    prs = Presentation(str(path))
    runs = [r for s in prs.slides for sh in s.shapes if sh.has_text_frame
            for p in sh.text_frame.paragraphs for r in p.runs]
    assert runs and all(r._r.get_or_add_rPr().get("lang") == "zh-CN" for r in runs)
    assert all(r._r.get_or_add_rPr().find(qn("a:ea")) is not None for r in runs)


def test_small_departments_stay_hidden_on_the_slides(tmp_path):
    from orgkit.report.comparison import open_comparison

    k = 25
    book = open_comparison(str(sample_client_path()), str(PLAN), language="en", min_group_size=k)
    path = tmp_path / "report.pptx"
    book.deck(path)
    text = _all_text(deck_outline(path))
    c = book.comparison
    small = (set(c.before.client.department_sizes().loc[lambda s: s < k].index.astype(str))
             & set(c.after.client.department_sizes().loc[lambda s: s < k].index.astype(str)))
    large = set(c.after.client.department_sizes().loc[lambda s: s >= k].index.astype(str))
    assert small and large  # the case tests something
    for name in small:
        assert not re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text), name
    assert any(name in text for name in large)
    assert t("group.other", "en") in text
    assert _flat(t("compare.affected.privacy", "en", k=k)) in _flat(text)


def test_a_reassessment_deck_names_both_snapshots_and_has_no_plan(tmp_path):
    from orgkit.report.comparison import open_comparison

    book = open_comparison(language="en")  # the sample beside a synthetic later snapshot
    path = tmp_path / "report.pptx"
    book.deck(path)
    outline = deck_outline(path)
    cover = _flat(" ".join(outline[0]["texts"]))
    assert t("compare.cover.reassessment", "en", old=book.labels[0], new=book.labels[1]) in cover
    assert not any(s["title"].startswith(t("compare.plan.title", "en", plan="")) for s in outline)


def test_an_edited_comparison_deck_is_never_replaced(book_zh, tmp_path):
    path = tmp_path / "report.pptx"
    book_zh.deck(path)
    book_zh.deck(path)  # unchanged since orgkit wrote it: replaced
    prs = Presentation(str(path))
    prs.slides[0].shapes.title.text_frame.text = "Our own wording"
    prs.save(str(path))
    edited = path.read_bytes()
    with pytest.raises(OutputError, match=r"report\.pptx was changed after orgkit wrote it"):
        book_zh.deck(path)
    assert path.read_bytes() == edited
    book_zh.deck("")  # no path: nothing written, nothing raised


def test_a_bad_template_exits_2_before_anything_runs(tmp_path):
    bad = tmp_path / "firm.pptx"
    bad.write_text("not a presentation")
    result = CliRunner().invoke(main, ["scenario", str(sample_client_path()), str(PLAN), "-o", str(tmp_path / "o"),
                                       "--pptx-template", str(bad)])
    assert result.exit_code == 2, result.output
    assert "firm.pptx" in result.output and not (tmp_path / "o").exists()
    result = CliRunner().invoke(main, ["compare", str(sample_client_path()), str(sample_client_path()), "-o",
                                       str(tmp_path / "c"), "--pptx-template", str(tmp_path / "none.pptx")])
    assert result.exit_code == 2 and "does not exist" in result.output
    result = CliRunner().invoke(main, ["scenario", str(sample_client_path()), "--suggest", "-o", str(tmp_path / "s"),
                                       "--pptx"])
    assert result.exit_code == 2 and "--pptx" in result.output and not (tmp_path / "s").exists()


def test_every_text_fits_its_box_in_english_and_chinese(book_zh, tmp_path):
    from test_deck import _check_fits

    from orgkit.report.comparison import open_comparison

    zh = tmp_path / "zh.pptx"
    book_zh.deck(zh)
    assert _check_fits(zh, "zh") > 50
    en = tmp_path / "en.pptx"
    open_comparison(str(sample_client_path()), str(PLANS / "customer-operations.yml"), language="en").deck(en)
    assert _check_fits(en, "en") > 50
