"""HTML building blocks of the report: cover, scorecard, section heads, tables, figures, lists, appendix.

Every block is an :class:`HTML` object (Jupyter displays it as ``text/html``) built from plain data by a
small Jinja2 template in ``orgkit/resources/templates/blocks/`` (package data). All templates render through one
environment with autoescaping on and undefined names an error, so every piece of text that comes from a
client's data is escaped by default: a department called ``<script>`` is shown as text. Markup that is
already trusted (a block rendered here) passes through as it is, because :class:`HTML` has ``__html__``.
Fixed texts come from the catalogue (:func:`orgkit.i18n.t`). Tables are real ``<table>`` elements; figures
are SVGs (text drawn by the reader's browser) embedded as ``data:`` URIs (and written to ``figures/`` when an output folder is given), so the
HTML file is self-contained. Rows of groups smaller than the minimum group size never reach a table.
"""

from __future__ import annotations

import base64
import functools
import numbers
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import escape as _markup_escape

from orgkit import formatting
from orgkit.i18n import format_date, has, t, tn
from orgkit.thresholds import DEFAULTS, Thresholds

__all__ = [
    "HTML",
    "escape",
    "fmt_number",
    "render_block",
    "cover",
    "section_head",
    "subheading",
    "paragraphs",
    "interpretation",
    "empty_note",
    "table",
    "figure",
    "org_explorer",
    "scorecard",
    "findings_list",
    "recommendations_list",
    "key_messages",
    "data_quality",
    "appendix",
    "definition_list",
    "threshold_table",
    "CONVENTIONS",
    "conventions",
]

#: The report's conventions shown in the appendix, in order: ``definition.<term>.term`` and ``.text``
#: in the catalogue. (The keys of ``metrics.json`` are defined in :mod:`orgkit.method`.)
CONVENTIONS: tuple[str, ...] = ("score", "finding_status", "tie", "broker", "escalated", "min_group_size")
#: A word too long for a table column (a hash, a link): its cell is marked ``ok-long`` and may break anywhere.
_LONG_WORD = re.compile(r"\S{30,}")


@functools.cache
def _environment() -> Any:
    """The one Jinja2 environment of the report's blocks: autoescaped, strict, catalogue functions global."""
    import jinja2

    from orgkit.report.resources import block_template_loader

    env = jinja2.Environment(
        loader=block_template_loader(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )
    env.globals.update(t=t, tn=tn)
    return env


def render_block(template: str, kind: str, /, **context: Any) -> "HTML":
    """Render ``orgkit/resources/templates/blocks/<template>.html.j2`` with ``context`` as an :class:`HTML` block.

    Values are escaped unless they are trusted markup (:class:`HTML` or :class:`markupsafe.Markup`).
    """
    return HTML(_environment().get_template(f"{template}.html.j2").render(**context), kind)


def conventions(language: str = "en", thresholds: Thresholds | None = None) -> list[tuple[str, str]]:
    """The report's conventions as (term, definition) pairs in ``language``, for the appendix.

    ``thresholds`` (default: the registry's) gives the numbers in the sentences (the score bands).

    Examples
    --------
    >>> conventions("zh")[2]
    ('沟通关系', '两人之间有消息或会议往来（不分方向）；消息记录中往来多少条才算一条沟通关系，见“沟通数据的统计口径”。')
    >>> conventions()[0][1].split(";")[1]
    ' green from 70, amber from 50, red below 50. A component without data is left out and the weights of the others renormalised.'
    """
    values = _score_bands(thresholds)
    return [(t(f"definition.{d}.term", language), t(f"definition.{d}.text", language, **values)) for d in CONVENTIONS]


def _score_bands(thresholds: Thresholds | None) -> dict[str, str]:
    """The score bands' numbers for the sentences that name them (``green``, ``amber``)."""
    th = DEFAULTS if thresholds is None else thresholds
    return {"green": th.text("score.status.green_from"), "amber": th.text("score.status.amber_from")}


class HTML:
    """A block of HTML that Jupyter displays as ``text/html`` (and prints as its short summary).

    Parameters
    ----------
    markup : str
        Trusted markup built by this module (data values inside it are already escaped).
    kind : str
        What the block is, for ``repr``.
    """

    __slots__ = ("markup", "kind")

    def __init__(self, markup: str, kind: str = "block"):
        self.markup = markup
        self.kind = kind

    def _repr_html_(self) -> str:
        return self.markup

    def __html__(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return f"<orgkit {self.kind}: {len(self.markup)} characters of HTML>"

    def __add__(self, other: "HTML") -> "HTML":
        return HTML(self.markup + other.markup, self.kind)


def escape(value: Any) -> str:
    """``value`` as text safe inside HTML (quotes too), as the block templates escape it."""
    return str(_markup_escape("" if value is None else str(value)))


def fmt_number(value: Any, digits: int = 1, *, percent: bool = False, na: str = "–") -> str:
    """A number for a reader (:mod:`orgkit.formatting`): thousands separators, ``digits`` decimals, integers
    without decimals, a true minus sign, no signed zero.

    Examples
    --------
    >>> fmt_number(1234.5678)
    '1,234.6'
    >>> fmt_number(12.0)
    '12'
    >>> fmt_number(0.253, percent=True)
    '25%'
    >>> fmt_number(-0.876, 2), fmt_number(-0.001, 2)
    ('−0.88', '0.00')
    >>> fmt_number(None)
    '–'
    """
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if percent:
        return formatting.percent(value, na=na)
    return formatting.number(value, digits, na=na)


# --------------------------------------------------------------------------------------------------
# Text blocks
# --------------------------------------------------------------------------------------------------
def cover(
    client_name: str,
    *,
    date: str,
    headcount: int,
    departments: int,
    stage: str,
    stage_auto: bool = False,
    min_group_size: int = 5,
    show_names: bool = False,
    language: str = "en",
) -> HTML:
    """The first block of the report: client, date, headcount, departments and stage.

    Parameters
    ----------
    client_name : str
        The client's display name (escaped).
    date : str
        The date of the run, ISO format.
    headcount, departments : int
    stage : str
        ``startup``, ``mid`` or ``large``.
    stage_auto : bool
        Whether the stage was derived from headcount (said on the cover).
    min_group_size : int
    show_names : bool
    language : {"en", "zh"}
    """
    stage_text = t(f"stage.{stage}", language) if has(f"stage.{stage}", language) else str(stage)
    if stage_auto:
        stage_text = t("cover.stage_auto", language, stage=stage_text)
    return render_block("cover", "cover", client_name=client_name, date=format_date(date, language),
                        headcount=fmt_number(headcount),
                        departments=fmt_number(departments), stage=stage_text, min_group_size=min_group_size,
                        show_names=show_names, language=language)


def section_head(
    area: str,
    title: str,
    lead: str = "",
    *,
    status: str | None = None,
    status_label: str | None = None,
    keep_with_previous: bool = False,
) -> HTML:
    """A section heading (``<h2 id=area>``) with an optional status pill and a one-paragraph lead."""
    cls = "ok-section-head ok-keep" if keep_with_previous else "ok-section-head"
    return render_block("section_head", "section", cls=cls, area=area, title=title, lead=lead, status=status,
                        status_label=status_label)


def subheading(title: str, anchor: str | None = None, *, screen_only: bool = False) -> HTML:
    """A third-level heading inside a section (``screen_only``: the heading of a part that is not printed,
    left out of the PDF's contents)."""
    return render_block("subheading", "subheading", title=title, anchor=anchor, screen_only=screen_only)


def paragraphs(*texts: str, cls: str = "ok-block") -> HTML:
    """Plain paragraphs (each escaped)."""
    return render_block("paragraphs", "paragraphs", cls=cls, texts=[x for x in texts if x])


def interpretation(*texts: str) -> HTML:
    """What a figure or table means, set off beside it."""
    return paragraphs(*texts, cls="ok-interpret")


def empty_note(message: str) -> HTML:
    """The one line a section shows when it has no data."""
    return render_block("empty_note", "empty", message=message)


# --------------------------------------------------------------------------------------------------
# Tables and figures
# --------------------------------------------------------------------------------------------------
Formatter = Callable[[Any], str]


def _formatter(spec: str | Formatter | None) -> Formatter:
    """A column's cell formatter: a callable, ``"percent"``, ``"signed"`` (``+0.70``, ``−0.88``), ``"points"``
    (percentage points, ``+6``), ``"p"`` (a p-value, ``< 0.001``), ``".2"`` (decimals) or ``None`` (numbers
    with :func:`fmt_number`, text as it is)."""
    if callable(spec):
        return spec
    if spec == "percent":
        return lambda v: fmt_number(v, percent=True)
    if spec == "signed":
        return formatting.signed
    if spec == "points":
        return formatting.points
    if spec == "p":
        return formatting.p_cell
    if spec is not None and spec.startswith("."):
        digits = int(spec[1:].rstrip("f") or 1)
        return lambda v: formatting.decimals(v, digits)
    return lambda v: fmt_number(v) if isinstance(v, numbers.Number) else ("–" if v is None or (not isinstance(v, str) and _isna(v)) else str(v))


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def table(
    frame: pd.DataFrame,
    columns: Mapping[str, str] | Sequence[str] | None = None,
    *,
    formats: Mapping[str, str | Formatter] | None = None,
    caption: str | None = None,
    min_group_size: int | None = None,
    language: str = "en",
    max_rows: int | None = None,
    note: str | None = None,
    privacy_note: str | None = None,
) -> HTML:
    """A DataFrame as a real, escaped HTML ``<table>`` inside a horizontally scrolling wrapper.

    Parameters
    ----------
    frame : DataFrame
        The rows to show. Rows flagged ``suppressed`` (see :func:`orgkit.privacy.suppress_small_groups`)
        are dropped entirely (their labels too), and counted in a note under the table.
    columns : mapping or sequence, optional
        The columns to show, in order; a mapping gives each its header. Default: every column except
        ``suppressed``.
    formats : mapping, optional
        Per column: ``"percent"``, ``"signed"``, ``"points"``, ``"p"``, ``".2"`` (exactly two decimals) or a
        callable returning text (see :func:`_formatter`).
    caption : str, optional
    min_group_size : int, optional
        Used in the note about dropped rows.
    language : {"en", "zh"}
    max_rows : int, optional
        Show at most this many rows.
    note : str, optional
        A line under the table.
    privacy_note : str, optional
        What the table hid, by kind, with counts (:func:`orgkit.privacy.hidden_note`); replaces the general
        note about dropped rows (also when the caller left the rows out before). Empty: no note.

    Returns
    -------
    HTML
        Numeric columns are right-aligned; missing values show as ``–``. Each numeric cell carries its value
        in ``data-sort`` (so the report's script sorts ``1,234`` and ``12%`` as numbers when a reader clicks
        a header); the wrapper scrolls sideways when the table is wider than the page.
    """
    df = frame
    hidden = 0
    if "suppressed" in df.columns:
        mask = df["suppressed"].fillna(False).astype(bool).to_numpy()
        hidden = int(mask.sum())
        df = df.loc[~mask]
    if columns is None:
        columns = [c for c in df.columns if c != "suppressed"]
    headers = dict(columns) if isinstance(columns, Mapping) else {c: str(c) for c in columns}
    cols = [c for c in headers if c in df.columns]
    if max_rows is not None:
        df = df.head(max_rows)
    formats = dict(formats or {})
    numeric = {c: pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]) for c in cols}
    fmts = {c: _formatter(formats.get(c)) for c in cols}
    rows = []
    for values in df[cols].itertuples(index=False, name=None):
        cells = []
        for c, v in zip(cols, values):
            shown = fmts[c](v)
            na = shown == "–"
            cls = "ok-num ok-na" if numeric[c] and na else "ok-num" if numeric[c] else "ok-na" if na else (
                "ok-long" if _LONG_WORD.search(shown) else "")
            cells.append((shown, cls, _sort_value(v) if numeric[c] and not na else ""))
        rows.append(cells)
    return render_block(
        "table", "table", caption=caption or "", rows=rows, language=language,
        columns=[(str(headers[c]), numeric[c]) for c in cols],
        hidden=hidden if min_group_size is not None and privacy_note is None else 0, min_group_size=min_group_size,
        note=note or "", privacy_note=privacy_note or "",
    )


def org_explorer(data: str, *, head: HTML | None = None, note: HTML | None = None, language: str = "en") -> HTML:
    """The interactive org chart of report.html: a heading, the chart's JSON, a note; hidden in print.

    Parameters
    ----------
    data : str
        The tree and texts as JSON already safe inside ``<script>``
        (:func:`orgkit.report.interactive.explorer_json`); placed as it is.
    head, note : HTML, optional
        The subheading above and the note below the chart.
    language : {"en", "zh"}

    Notes
    -----
    ``static/orgkit.js`` (inlined at the end of the report with the vendored d3) draws the chart; where no
    script runs (a notebook viewer, a PDF) the block shows one sentence saying where it can be explored.
    """
    from markupsafe import Markup

    return render_block("org_explorer", "org_explorer", head=head or "", note=note or "", data=Markup(data),
                        fallback=t("explorer.fallback", language))


#: A word too long to fit a narrow column (a file hash, a path, a long id): such a cell may break anywhere.
_LONG_WORD = re.compile(r"[^\s\u3000]{25,}")


def _sort_value(value: Any) -> str:
    """A number as the report's script sorts it (``repr`` of the float); ``""`` when it is not a finite number.

    Examples
    --------
    >>> _sort_value(1234), _sort_value(0.25), _sort_value(float("nan")), _sort_value("x")
    ('1234.0', '0.25', '', '')
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return ""
    number = float(value)
    return repr(number) if number == number and abs(number) != float("inf") else ""


def figure(
    fig: Any,
    name: str,
    *,
    caption: str = "",
    alt: str = "",
    output_dir: str | os.PathLike[str] | None = None,
    dpi: int | None = None,
    width: int | None = None,
) -> HTML:
    """A matplotlib figure as an embedded SVG image in ``<figure>``, also written to ``output_dir/figures/``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure, str or bytes
        The figure, an SVG document already drawn (str), or PNG bytes already drawn.
    name : str
        File stem in ``figures/`` (``[a-z0-9_-]`` only).
    caption, alt : str
        Caption under the figure and the image's alternative text (both escaped).
    output_dir : path, optional
        The report folder; ``None`` writes no file.
    dpi : int, optional
        Pixels per inch of a figure's parts drawn as pixels (default
        :data:`orgkit.plots.style.FIGURE_DPI`).
    width : int, optional
        Display width in CSS pixels (default: the width of the page).

    Notes
    -----
    The SVG keeps its text as text (:func:`orgkit.plots.style.figure_svg`): the reader's browser draws
    labels with its own fonts, so Chinese labels show on any machine that can read the report, whatever
    fonts the machine that made it had. ``figures/<name>.svg`` is the same drawing.
    """
    from orgkit.plots.style import FIGURE_DPI, figure_svg

    if not name or any(ch not in "abcdefghijklmnopqrstuvwxyz0123456789_-" for ch in name):
        raise ValueError(f"figure name must use a-z, 0-9, _ and - only. Got {name!r} instead.")
    if isinstance(fig, (bytes, bytearray)):
        data, mime, ext = bytes(fig), "image/png", "png"
    else:
        svg = fig if isinstance(fig, str) else figure_svg(fig, salt=name, dpi=dpi or FIGURE_DPI)
        data, mime, ext = svg.encode("utf-8"), "image/svg+xml", "svg"
    if output_dir:
        folder = Path(output_dir) / "figures"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.{ext}").write_bytes(data)
    encoded = base64.b64encode(data).decode("ascii")
    return render_block("figure", "figure", name=name, mime=mime, data=encoded, alt=alt or caption or name,
                        width=width, caption=caption)


# --------------------------------------------------------------------------------------------------
# Summary, findings, recommendations
# --------------------------------------------------------------------------------------------------
def scorecard(
    cards: Iterable[Mapping[str, Any]],
    *,
    language: str = "en",
    title: str | None = None,
    overall: float | None = None,
    thresholds: Thresholds | None = None,
    overall_line: str | None = None,
    overall_status: str | None = None,
) -> HTML:
    """The executive summary: the overall line, then one card per area with score, status and top findings.

    Parameters
    ----------
    cards : iterable of mapping
        Each with ``area``, ``title``, ``score`` (0-100 or ``None``), ``status`` (``red``, ``amber``,
        ``green`` or ``grey``), ``findings`` (sentences, the most important first) and optionally
        ``note`` (why the area is not assessed) and ``context`` (a line of context, never scored).
    language : {"en", "zh"}
    title : str, optional
        Heading (default: ``summary.title`` of the catalogue).
    overall : float, optional
        The overall score, shown in the lead when ``overall_line`` is not given.
    thresholds : Thresholds, optional
        The score bands the lead names (default: the registry's, green from 70, amber from 50).
    overall_line : str, optional
        The overall sentence (:func:`orgkit.findings.overall_text`: the score, its status, the areas it
        covers and those not assessed).
    overall_status : str, optional
        The overall card status (:func:`orgkit.findings.area_statuses`), the colour of the overall line.

    Notes
    -----
    The lead states the score bands and the card rule (``summary.card_rule``): a card is at most one band
    better than its worst finding, and a grey card is not assessed and has no number.
    """
    shown = []
    for c in cards:
        score = c.get("score")
        shown.append({"title": c["title"], "status": c.get("status") or "grey", "findings": list(c.get("findings", ())),
                      "score": None if score is None or _isna(score) else fmt_number(round(score)),
                      "note": c.get("note"), "context": c.get("context")})
    return render_block("scorecard", "scorecard", cards=shown, title=title, language=language,
                        overall=None if overall is None or _isna(overall) else fmt_number(round(overall)),
                        overall_line=overall_line, overall_status=overall_status or "grey",
                        bands=_score_bands(thresholds))


def findings_list(findings: Iterable[Any], *, language: str = "en", title: str | None = None) -> HTML:
    """Findings as a list, each coloured by its status (objects with ``status`` and ``text(language)``)."""
    shown = [{"status": f.status, "text": f.text(language)} for f in findings]
    return render_block("findings_list", "findings", findings=shown, title=title, language=language)


def recommendations_list(recs: Sequence[Any], *, language: str = "en", closing: str = "") -> HTML:
    """Recommendations: each its action, who leads it, its effort and progress measure, why (the triggering
    numbers) and its priority colour; then the closing line (when to reassess).

    Parameters
    ----------
    recs : sequence
        Objects with ``status``, ``title(language)``, ``text(language)`` and ``because(language)``, and
        optionally ``owner_text``, ``effort_text`` and ``progress`` (:class:`orgkit.findings.Recommendation`).
    closing : str
        A last line under the list, e.g. "Reassess by June 2027: …" (:func:`orgkit.findings.reassess_line`).
    """
    shown = []
    for r in recs:
        meta = ""
        if hasattr(r, "owner_text") and hasattr(r, "progress"):
            meta = t("storyline.recommendation_meta", language, owner=r.owner_text(language),
                     effort=r.effort_text(language), progress=r.progress(language))
        shown.append({"status": r.status, "title": r.title(language), "text": r.text(language),
                      "because": r.because(language), "meta": meta})
    return render_block("recommendations_list", "recommendations", recs=shown, language=language, closing=closing)


def key_messages(messages: Sequence[Any], *, language: str = "en") -> HTML:
    """The opening of the executive summary: at most three key messages, each its headline, evidence,
    action (with owner and effort) and progress measure; nothing when there is none.

    Parameters
    ----------
    messages : sequence
        :class:`orgkit.storyline.KeyMessage` objects (``status``, ``headline``, ``evidence``, ``action``,
        ``progress``, each taking the language), largest impact first.
    """
    if not messages:
        return HTML("", "key-messages")
    shown = [{"status": m.status, "headline": m.headline(language), "evidence": m.evidence(language),
              "action": m.action(language), "progress": m.progress(language)} for m in messages]
    return render_block("key_messages", "key-messages", messages=shown, title=t("summary.title", language),
                        subtitle=t("storyline.title", language),
                        lead=t("storyline.lead", language),
                        evidence_label=t("storyline.evidence_label", language))


# --------------------------------------------------------------------------------------------------
# Data quality and appendix
# --------------------------------------------------------------------------------------------------
def data_quality(warnings: Iterable[Any], *, language: str = "en") -> HTML:
    """Every loading warning (``client.warnings``), with its file, as a list, in ``language`` (a warning built
    without a catalogue key shows its ``message``)."""
    shown = [{"file": getattr(w, "file", ""),
              "message": w.text(language) if getattr(w, "key", "") else getattr(w, "message", str(w))}
             for w in warnings]
    return render_block("data_quality", "data-quality", warnings=shown, language=language)


def definition_list(items: Iterable[tuple[str, str]]) -> HTML:
    """Terms and their definitions (``<dl>``), both escaped."""
    return render_block("definition_list", "definitions", items=list(items))


def threshold_table(rows: Sequence[Mapping[str, Any]], *, language: str = "en") -> HTML:
    """The thresholds and weights an assessment used: what each sets (in plain words), value, the default
    where the client changed it, and the source (:func:`orgkit.method.threshold_rows` gives the rows).

    Examples
    --------
    >>> rows = [{"key": "survey.alpha.min", "name": "Cronbach's alpha: reliable from", "value": "0.8",
    ...          "default": "0.7", "source": "Nunnally 1978", "overridden": True}]
    >>> "<strong>0.8</strong>" in threshold_table(rows).markup
    True
    """
    changed = sum(1 for r in rows if r["overridden"])
    return render_block("thresholds", "thresholds", rows=list(rows), changed=changed, language=language)


def appendix(
    *,
    definitions: Iterable[tuple[str, str]],
    parameters: Mapping[str, Any],
    sources: Iterable[Mapping[str, Any]],
    versions: Mapping[str, str],
    language: str = "en",
    footer: str = "",
    metric_tables: Iterable[tuple[str, pd.DataFrame]] = (),
    thresholds: Sequence[Mapping[str, Any]] = (),
) -> HTML:
    """Method (conventions, metric definitions, thresholds), run parameters, input file hashes, library versions.

    Parameters
    ----------
    definitions : iterable of (term, definition)
        The report's conventions.
    parameters : mapping
        The run's parameters, each by its plain name (shown as given: no internal key, no local path).
    metric_tables : iterable of (title, DataFrame)
        Per area, the glossary of its metrics: ``term`` (a plain name), ``meaning`` (its exact definition),
        ``formula``, ``reference``, as :func:`orgkit.method.metric_definitions` returns them (the
        ``metrics.json`` key is not shown: docs/metrics.md gives it).
    thresholds : sequence of mapping
        The thresholds and weights used, as :func:`orgkit.method.threshold_rows` returns them (``name``,
        ``value``, ``default``, ``source``, ``overridden``); none: no thresholds table.
    """
    params = pd.DataFrame({"p": list(parameters), "v": [fmt_number(v) if isinstance(v, numbers.Number) and not isinstance(v, bool)
                                                       else str(v) for v in parameters.values()]})
    src = pd.DataFrame(list(sources), columns=["table", "file", "rows", "encoding", "sha256"])
    vers = pd.DataFrame({"p": list(versions), "v": list(versions.values())})
    metric_columns = {"term": t("appendix.column.metric", language),
                      "meaning": t("appendix.column.meaning", language),
                      "formula": t("appendix.column.formula", language),
                      "reference": t("appendix.column.reference", language)}
    parts = [
        subheading(t("appendix.definitions", language)),
        definition_list(definitions),
        *[table(frame, metric_columns, caption=title, language=language) for title, frame in metric_tables],
        *([threshold_table(thresholds, language=language)] if thresholds else []),
        subheading(t("appendix.parameters", language)),
        table(params, {"p": t("appendix.column.parameter", language), "v": t("appendix.column.value", language)}),
        subheading(t("appendix.inputs", language)),
        table(src, {"table": t("appendix.column.table", language), "file": t("appendix.column.file", language),
                    "rows": t("appendix.column.rows", language), "encoding": t("appendix.column.encoding", language),
                    "sha256": t("appendix.column.sha256", language)},
              formats={"sha256": lambda v: str(v or "–")}),
        subheading(t("appendix.software", language)),
        table(vers, {"p": t("appendix.column.package", language), "v": t("appendix.column.version", language)}),
    ]
    return render_block("appendix", "appendix", parts=parts, footer=footer)
