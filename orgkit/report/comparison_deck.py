"""The comparison report as an editable PowerPoint deck, built with the main deck's machinery
(:mod:`orgkit.report.deck`: layouts chosen by placeholder type, text measured before it is placed, a firm's
template, Chinese runs with an East Asian typeface, an edited deck never replaced).

:func:`write_comparison_deck` builds ``report.pptx`` from a :class:`~orgkit.report.comparison.ComparisonBook`
(the comparison notebook's deck cell calls it through :meth:`ComparisonBook.deck`), so nothing is compared
again. The slides:

1. the title: the client, what was compared (the plan, or the two snapshots), the date, headcount and
   departments in both states, and the privacy rule;
2. the summary sentences, then the headline metrics before, after and changed as a table (continued over as
   many slides as it needs);
3. the findings that appear, disappear or change status, each with its status;
4. who is affected: the counts, then a table by department under the same privacy rule as the HTML report
   (departments under the minimum group size pooled in one row, counts under it shown as "–");
5. what the comparison cannot predict;
6. for a scenario, the plan's log, step by step.

Every text is an editable text box, placeholder or table cell, from the catalogue in the report's language.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from orgkit import formatting
from orgkit.report.deck import (EMU_PER_INCH, EMU_PER_PT, Box, Para, cover_slide, DeckLayouts, make_para,
                                new_presentation, text_slides, theme_fonts, DeckWriter, require_pptx)

__all__ = ["write_comparison_deck"]

logger = logging.getLogger(__name__)

#: Shares of the headline table's width: area, metric, before, after, change, reading.
_HEADLINE_COLUMNS = (0.14, 0.30, 0.13, 0.13, 0.12, 0.18)


def _cell(value: Any) -> str:
    """A table cell's text: whole numbers with separators, a missing or hidden count as "–"."""
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return formatting.NA
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return formatting.integer(value)
    return str(value)


def _table_slides(w: DeckWriter, title: str, continued: str, header: Sequence[str], rows: Sequence[Sequence[str]],
                  shares: Sequence[float], *, notes: str = "", closing: str = "", size: float = 11.0) -> None:
    """``rows`` as a table under ``header`` over as many title-and-content slides as they need (each row's
    height measured, the header repeated); ``closing`` is a note under the table on the last slide."""
    from pptx.util import Emu, Pt

    box = w.content_box()[0]
    m = w.metrics
    cell_in = (0.08 * 72, 0.05 * 72)
    widths = [round(box.width * s) for s in shares]
    widths[-1] = box.width - sum(widths[:-1])

    def row_height(cells: Sequence[Para]) -> float:
        return max(m.height(p, wd / EMU_PER_PT - 2 * cell_in[0]) for p, wd in zip(cells, widths)) \
            + 2 * cell_in[1] + 4.0

    head = [make_para(h, size, bold=True) for h in header]
    body = [[make_para(c, size) for c in r] for r in rows]
    head_h = row_height(head)
    close = [make_para(closing, 10.0, italic=True)] if closing else []
    close_h = m.height(close[0], box.width / EMU_PER_PT - 14.4) + 14.0 if close else 0.0
    limit = box.height / EMU_PER_PT
    pages: list[list[int]] = [[]]
    used = head_h
    for i, cells in enumerate(body):
        h = row_height(cells)
        if pages[-1] and used + h > limit:
            pages.append([])
            used = head_h
        pages[-1].append(i)
        used += h
    # the note may use the slide's bottom margin below the content box (no footer is placed there)
    below = max(0.0, (int(w.prs.slide_height) - box.top - box.height - w.margin // 2) / EMU_PER_PT)
    if close and used + close_h > limit + below:
        pages.append([])
    for n, idx in enumerate(pages):
        slide = w.slide(w.layouts.content, title if n == 0 else continued, notes=notes)
        for ph in w.text_placeholders(slide):
            w.remove(ph)
        top = box.top
        if idx:
            heights = [head_h] + [row_height(body[i]) for i in idx]
            total = int(sum(heights) * EMU_PER_PT)
            table = slide.shapes.add_table(len(idx) + 1, len(widths), box.left, box.top, box.width, total).table
            for j, wd in enumerate(widths):
                table.columns[j].width = Emu(wd)
            for r, h in enumerate(heights):
                table.rows[r].height = Emu(int(h * EMU_PER_PT))
            for r, cells in enumerate([head] + [body[i] for i in idx]):
                for j, para in enumerate(cells):
                    cell = table.cell(r, j)
                    cell.margin_left = cell.margin_right = Pt(cell_in[0])
                    cell.margin_top = cell.margin_bottom = Pt(cell_in[1])
                    w._fill(cell.text_frame, [para], bullets=False)
            top = box.top + total
        if close and n == len(pages) - 1:
            gap = int(0.1 * EMU_PER_INCH)
            bottom = int(w.prs.slide_height) - w.margin // 2
            w.text_in(slide, Box(box.left, top + gap, box.width, max(bottom - top - gap, gap)), close)


def _cover(w: DeckWriter, book: Any, tt: Any) -> str:
    """The title slide; returns the deck's title (for the file's properties)."""
    from orgkit.i18n import format_date

    c = book.comparison
    b, a = c.before.client, c.after.client
    client = str(a.settings.name)
    kind = tt(f"compare.kicker.{c.kind}")
    what = (tt("compare.cover.scenario", plan=c.plan_name or "–") if c.kind == "scenario"
            else tt("compare.cover.reassessment", old=book.labels[0], new=book.labels[1]))

    def pair(label: str, x: Any, y: Any) -> str:
        return tt("compare.deck.meta", label=tt(label), value=tt("compare.cover.pair", before=x, after=y))

    privacy = tt("cover.note", k=book.min_group_size, names=tt("cover.names_shown") if book.show_names else "")
    paras = [make_para(what, 18.0, bold=True),
             make_para(f"{kind} · {format_date(book.date, book.language)}", 14.0, space_before=4.0),
             make_para(pair("compare.cover.states", *book.labels), 14.0, space_before=4.0),
             make_para(pair("cover.headcount", formatting.integer(b.n_people), formatting.integer(a.n_people)), 14.0,
                   space_before=4.0),
             make_para(pair("cover.departments", formatting.integer(b.people["department"].nunique()),
                        formatting.integer(a.people["department"].nunique())), 14.0, space_before=4.0),
             make_para(privacy, 11.0, space_before=8.0, italic=True)]
    cover_slide(w, client, paras, notes=privacy)
    return f"{client} · {kind}"


def write_comparison_deck(book: Any, path: str | os.PathLike[str],
                          template: str | os.PathLike[str] | None = None) -> Path:
    """Write the comparison report as an editable PowerPoint deck.

    Parameters
    ----------
    book : ComparisonBook
        A comparison's book (its comparison is used as it is; nothing is assessed again).
    path : path
        The ``.pptx`` to write. An existing file is replaced only when orgkit wrote it and it was not changed
        since (:mod:`orgkit.files.editable`); the write is atomic.
    template : path, optional
        A firm's ``.pptx`` template: its masters, layouts, theme fonts and colours are used, its slides removed.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ConfigError
        The template cannot be used (:func:`orgkit.report.deck.check_template`).
    OutputError
        ``path`` holds someone's edits or a file orgkit did not write, or cannot be written.
    DependencyMissingError
        python-pptx is not installed (``pip install 'orgkit[pptx]'``).
    """
    from orgkit.files.editable import check_not_edited, write_editable
    from orgkit.findings import status_label
    from orgkit.i18n import format_list, t
    from orgkit.plots.style import STATUS_COLORS
    from orgkit.privacy import OTHER_GROUP
    from orgkit.report.deck import Run

    require_pptx()
    path = Path(path)
    check_not_edited(path)
    lang = book.language
    c = book.comparison

    def tt(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    def more(title: str) -> str:
        return tt("deck.continued", title=title)

    template_path = Path(template).expanduser().resolve() if template else None
    prs = new_presentation(template_path)
    layouts = DeckLayouts.find(prs)
    w = DeckWriter(prs, lang, layouts, theme_fonts(prs, template_path is not None))
    deck_title = _cover(w, book, tt)

    # the summary in sentences, then the headline metrics
    title = tt("compare.summary.title")
    areas = [tt(f"compare.area.{x}") for x in c.compared_areas]
    compared = tt("compare.summary.areas", areas=format_list(areas, lang)) if areas else tt("compare.summary.no_areas")
    lead = tt(f"compare.summary.lead.{c.kind}")
    text_slides(w, title, [[make_para(s, 16.0, space_before=8.0)] for s in [*c.summary(lang), compared] if s],
                 notes=lead, continued=more(title))
    frame = c.headline_table(lang)
    keep = c.metrics["ident"].isin(book.SUMMARY_ROWS).to_numpy()
    frame = frame[keep]
    title = tt("compare.deck.headline")
    header = [tt("compare.column.area"), tt("compare.column.metric"), book.labels[0], book.labels[1],
              tt("compare.column.change"), tt("compare.column.reading")]
    _table_slides(w, title, more(title), header, [[_cell(v) for v in r] for r in frame.itertuples(index=False)],
                  _HEADLINE_COLUMNS, notes=lead)

    # the findings that appear, disappear or change status
    title = tt("compare.findings.title")
    groups: list[list[Para]] = []
    for change, key in (("appeared", "compare.findings.appeared"), ("disappeared", "compare.findings.disappeared"),
                        ("status", "compare.findings.status")):
        mine = [f for f in c.findings if f.change == change]
        if not mine:
            continue
        groups.append([make_para(tt(key), 16.0, bold=True, space_before=10.0)])
        for f in mine:
            status = Run(tt("deck.status", status=status_label(f.status, lang)), True, STATUS_COLORS.get(f.status))
            groups.append([Para((status, Run(f.text(lang))), 13.0, 0, 4.0)])
    if not groups:
        groups = [[make_para(tt("compare.findings.none"), 16.0)]]
    text_slides(w, title, groups, notes=tt("compare.findings.lead"), continued=more(title))

    # who is affected, by department (small departments pooled, small counts hidden, as in the HTML report)
    counts = c.counts
    title = tt("compare.affected.title")
    text_slides(w, title, [[make_para(tt(
        "compare.affected.counts", moved=formatting.integer(counts["moved"]),
        department=formatting.integer(counts["department_changed"]),
        manager=formatting.integer(counts["manager_changed"]), joined=formatting.integer(counts["joined"]),
        left=formatting.integer(counts["left"])), 16.0)], [make_para(tt("compare.deck.people_in_report"), 13.0,
                                                                space_before=10.0, italic=True)]],
                 notes=tt(f"compare.affected.lead.{c.kind}"), continued=more(title))
    affected = c.affected()
    affected = affected.assign(department=affected["department"].astype(str).replace({OTHER_GROUP: tt("group.other")}))
    columns = {"department": tt("column.department"),
               "headcount_before": tt("compare.column.headcount_side", side=book.labels[0]),
               "headcount_after": tt("compare.column.headcount_side", side=book.labels[1]),
               "affected": tt("compare.column.affected"), "joined": tt("compare.column.joined"),
               "left": tt("compare.column.left"), "moved_in": tt("compare.column.moved_in"),
               "moved_out": tt("compare.column.moved_out")}
    if not counts["joined"] and not counts["left"]:
        columns.pop("joined")
        columns.pop("left")
    shares = [0.26] + [0.74 / (len(columns) - 1)] * (len(columns) - 1)
    rows = [[_cell(v) for v in r] for r in affected[list(columns)].itertuples(index=False)]
    title = tt("compare.affected.by_department")
    _table_slides(w, title, more(title), list(columns.values()), rows, shares,
                  notes=tt(f"compare.affected.lead.{c.kind}"),
                  closing=tt("compare.affected.privacy", k=book.min_group_size), size=10.0)

    # what cannot be predicted
    title = tt("compare.limits.title")
    items = [tt(f"compare.limits.{c.kind}"), *c.unpredictable_texts(lang)]
    text_slides(w, title, [[make_para(x, 14.0, space_before=6.0)] for x in items], continued=more(title))

    # a scenario's plan, step by step
    if c.kind == "scenario":
        title = tt("compare.plan.title", plan=c.plan_name or "–")
        log = [line.replace(OTHER_GROUP, tt("group.other")) for line in c.plan_log()]
        groups = [[make_para(x, 13.0, space_before=4.0)] for x in log] or [[make_para(tt("compare.plan.no_log"), 16.0)]]
        text_slides(w, title, groups, notes=tt("compare.plan.lead"), continued=more(title))

    props = prs.core_properties
    props.title = deck_title
    props.author = props.last_modified_by = "orgkit"
    props.language = "zh-CN" if lang == "zh" else "en-GB"
    buf = io.BytesIO()
    prs.save(buf)
    write_editable(path, buf.getvalue())
    logger.info("wrote %s (%d slides%s)", path, len(prs.slides),
                f", template {template_path.name}" if template_path else "")
    return path
