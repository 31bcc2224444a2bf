"""The report as an editable PowerPoint deck: title, key messages, one slide per area, recommendations.

:func:`write_deck` builds ``report.pptx`` from a :class:`~orgkit.report.book.ReportBook` that has assessed its
client (the notebook's last cell calls it through :meth:`ReportBook.deck`), so nothing is assessed again and
the figures the report drew are reused (:func:`keep_figure`). Every text is an editable text box, placeholder
or table cell (never a picture of text), from the catalogue in the report's language; Chinese runs carry
``lang="zh-CN"`` and an East Asian typeface so PowerPoint picks a CJK font.

The slides:

1. the title: client, date, scope (people, departments, stage, the areas assessed) and the privacy rule;
2. the key messages (at most three, :func:`orgkit.storyline.key_messages`), each with its evidence, action
   and progress measure;
3. per area (structure, communication, decisions, survey): its score and status in the title, its headline
   figure (a PNG drawn at about 200 pixels per inch of the slide) and its findings, worst first, with their
   status; an area that is not assessed says so and why, with no number; findings that do not fit continue
   on the next slide;
4. the recommendations as a table (action, who leads it, effort, impact, progress measure), continued over
   as many slides as they need, closing with the date to reassess by.

Text is measured before it is placed (:class:`_Metrics`: DejaVu Sans metrics, wider than the usual slide fonts,
and a full em per CJK character), so no box holds more lines than it can show.

With a firm's template (``template=``), the slides use its slide masters and layouts, its theme fonts and
colours: layouts are chosen by their placeholder types (a title with a subtitle; a title with one content
placeholder; a title with a picture and text or with two content placeholders side by side), never by
position, and the template's own slides are removed. Without one, a 16:9 version of python-pptx's default
template is used.
"""

from __future__ import annotations

import io
import logging
import os
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orgkit.errors import ConfigError, DependencyMissingError

if TYPE_CHECKING:  # pragma: no cover
    from orgkit.report.book import ReportBook

__all__ = ["DECK_NAME", "HEADLINE_FIGURES", "write_deck", "check_template", "require_pptx", "keep_figure",
           "deck_outline"]

logger = logging.getLogger(__name__)

#: The deck's file name in a report folder.
DECK_NAME = "report.pptx"
#: The four areas, one slide (or more) each, in the report's order.
AREAS = ("structure", "communication", "decisions", "survey")
#: Per area, the report's figures that can head its slide, best first (names of ``figures/<name>.svg``).
HEADLINE_FIGURES: dict[str, tuple[str, ...]] = {
    "structure": ("org_chart",),
    "communication": ("department_heatmap", "department_flows", "network"),
    "decisions": ("path_distribution", "latency_by_type"),
    "survey": ("survey_heatmap", "survey_items"),
}
#: Per area, the :class:`ReportBook` method that draws its headline figure (called when the figure was drawn
#: elsewhere, e.g. by the book's second process, or not yet).
_DRAWN_BY = {"structure": "org_chart", "communication": "communication_heatmap", "decisions": "path_distribution",
             "survey": "survey_dimensions"}
_KEPT = frozenset(n for names in HEADLINE_FIGURES.values() for n in names)
#: Pixels per inch of a figure as the slide shows it (a projector or a 4K screen shows it sharp).
FIGURE_PPI = 200
EMU_PER_PT = 12700
EMU_PER_INCH = 914400


# --------------------------------------------------------------------------------------------------
# What the book keeps for the deck
# --------------------------------------------------------------------------------------------------
def keep_figure(book: Any, name: str, fig: Any, caption: str) -> None:
    """Keep a figure the book has just drawn when it can head an area's slide (:data:`HEADLINE_FIGURES`), so
    that the deck draws it as a PNG without computing it again. Called by ``ReportBook._figure``."""
    if not hasattr(fig, "savefig"):
        return
    capture = book.__dict__.get("_deck_capture")
    if capture is not None:
        capture.append((name, fig, caption))
    if name in _KEPT:
        book.__dict__.setdefault("_deck_figures", {})[name] = (fig, caption)


def _headline_figure(book: "ReportBook", area: str) -> tuple[Any, str] | None:
    """The figure (and its caption) that heads ``area``'s slide, or ``None`` when the area has none."""
    kept = book.__dict__.get("_deck_figures", {})
    for name in HEADLINE_FIGURES[area]:
        if name in kept:
            return kept[name]
    # drawn by the book's second process, or not drawn yet: draw it here, writing no file
    method = getattr(book, _DRAWN_BY[area], None)
    if method is None:
        return None
    book.__dict__["_deck_capture"] = captured = []
    saved, book.output_dir = book.output_dir, None
    try:
        method()
    finally:
        book.output_dir = saved
        book.__dict__.pop("_deck_capture", None)
    kept = book.__dict__.get("_deck_figures", {})
    for name in HEADLINE_FIGURES[area]:
        if name in kept:
            return kept[name]
    return (captured[0][1], captured[0][2]) if captured else None


# --------------------------------------------------------------------------------------------------
# python-pptx and the template
# --------------------------------------------------------------------------------------------------
def require_pptx() -> Any:
    """The ``pptx`` module (python-pptx), or a :class:`~orgkit.errors.DependencyMissingError` saying how to
    install it (it is the ``orgkit[pptx]`` extra)."""
    try:
        import pptx
    except ImportError as exc:
        raise DependencyMissingError(
            f"python-pptx is not installed ({exc}); the slide deck needs it, as an extra: "
            "pip install 'orgkit[pptx]'.") from exc
    return pptx


def _open_template(path: Path) -> Any:
    """Open ``path`` as a presentation, or raise :class:`~orgkit.errors.ConfigError` naming it."""
    from pptx import Presentation
    from pptx.exc import PackageNotFoundError

    hint = ("Save the firm's template as a PowerPoint presentation (.pptx: in PowerPoint, File › Save As › "
            "PowerPoint Presentation) and pass that file with --pptx-template.")
    if not path.exists():
        raise ConfigError(f"{path}: the slide template does not exist. {hint}")
    if not path.is_file():
        raise ConfigError(f"{path}: the slide template is not a file. {hint}")
    if path.suffix.lower() != ".pptx":
        kind = path.suffix or "a file without an extension"
        raise ConfigError(f"{path}: the slide template must be a .pptx file, not {kind}. {hint}")
    try:
        prs = Presentation(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:  # lxml's too
        raise ConfigError(f"{path}: cannot be read as a PowerPoint presentation ({type(exc).__name__}: {exc}). "
                          f"{hint}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc}). Check that the file is readable. "
                          f"{hint}") from exc
    if not any(_is_title(ph) for m in prs.slide_masters for lay in m.slide_layouts for ph in lay.placeholders):
        raise ConfigError(f"{path}: none of the template's slide layouts has a title placeholder, so the deck "
                          "cannot use them. Add a title placeholder to its layouts (View › Slide Master) or use "
                          "another template.")
    return prs


def check_template(path: str | os.PathLike[str]) -> Path:
    """Check, before anything runs, that ``path`` is a PowerPoint template the deck can use.

    Returns
    -------
    Path
        The template, absolute.

    Raises
    ------
    ConfigError
        It does not exist, is not a ``.pptx``, cannot be read, or has no layout with a title placeholder
        (the message names the file and what to do).
    DependencyMissingError
        python-pptx is not installed.
    """
    require_pptx()
    p = Path(path).expanduser().resolve()
    _open_template(p)
    return p


def _is_title(ph: Any) -> bool:
    from pptx.enum.shapes import PP_PLACEHOLDER

    return ph.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)


def _default_presentation() -> Any:
    """python-pptx's default template made 16:9 (13.33 × 7.5 in): every master and layout shape widened
    in proportion, and the two-content layout split 58/42 so a figure has room beside its findings."""
    from pptx import Presentation
    from pptx.enum.shapes import PP_PLACEHOLDER
    from pptx.oxml.ns import qn

    prs = Presentation()
    ratio = 12192000 / prs.slide_width
    prs.slide_width = 12192000
    for master in prs.slide_masters:
        for part_el in [master._element, *(lay._element for lay in master.slide_layouts)]:
            for xfrm in part_el.iter(qn("a:xfrm")):
                off, ext = xfrm.find(qn("a:off")), xfrm.find(qn("a:ext"))
                if off is not None:
                    off.set("x", str(round(int(off.get("x")) * ratio)))
                if ext is not None:
                    ext.set("cx", str(round(int(ext.get("cx")) * ratio)))
    for lay in prs.slide_layouts:
        body = [ph for ph in lay.placeholders if ph.placeholder_format.type == PP_PLACEHOLDER.OBJECT]
        titles = [ph for ph in lay.placeholders if _is_title(ph)]
        if len(body) == 2 and titles and abs(body[0].top - body[1].top) < 10000:
            left, right = sorted(body, key=lambda p: p.left)
            x0, x1 = left.left, right.left + right.width
            gap = right.left - (left.left + left.width)
            width = x1 - x0 - gap
            left.width = round(width * 0.58)
            right.left = x0 + left.width + gap
            right.width = x1 - right.left
    return prs


def new_presentation(template: Path | None) -> Any:
    """The presentation to build on: the template without its own slides (masters and layouts kept), or the
    default."""
    if template is None:
        return _default_presentation()
    prs = _open_template(template)
    ids = prs.slides._sldIdLst
    for sld in list(ids):
        prs.part.drop_rel(sld.rId)
        ids.remove(sld)
    return prs


def theme_fonts(prs: Any, template: bool) -> dict[str, str]:
    """The theme's East Asian typefaces, ``major`` and ``minor``: its ``ea`` font, else (a firm's template) its
    ``Hans`` script font, else Microsoft YaHei, which PowerPoint and LibreOffice replace by a CJK font the
    machine has. The default template's ``Hans`` font, SimSun, is a serif face that reads poorly on slides."""
    from pptx.oxml import parse_xml

    out = {"major": "Microsoft YaHei", "minor": "Microsoft YaHei"}
    try:
        theme = prs.slide_masters[0].part.part_related_by(
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme")
        root = parse_xml(theme.blob)
    except (KeyError, SyntaxError):  # no theme, or one that is not XML (lxml's error is a SyntaxError)
        return out
    ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    for kind in ("major", "minor"):
        ea = root.find(f".//a:{kind}Font/a:ea", ns)
        hans = root.find(f".//a:{kind}Font/a:font[@script='Hans']", ns)
        if ea is not None and ea.get("typeface"):
            out[kind] = ea.get("typeface")
        elif template and hans is not None and hans.get("typeface"):
            out[kind] = hans.get("typeface")
    return out


# --------------------------------------------------------------------------------------------------
# Text: what goes on a slide, and how much room it takes
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    """A piece of text with one format."""

    text: str
    bold: bool = False
    color: str | None = None  # "#rrggbb"
    italic: bool = False


@dataclass(frozen=True)
class Para:
    """A paragraph: its runs, size in points, bullet level and space before it (points)."""

    runs: tuple[Run, ...]
    size: float = 14.0
    level: int = 0
    space_before: float = 0.0

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


def make_para(text: str, size: float = 14.0, level: int = 0, *, bold: bool = False, color: str | None = None,
          space_before: float = 0.0, italic: bool = False) -> Para:
    return Para((Run(text, bold, color, italic),), size, level, space_before)


_WIDE = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_WIDE}]|[^\s{_WIDE}]+\s*|\s+")
_WIDE_CHAR = re.compile(rf"[{_WIDE}]")


class _Metrics:
    """Widths and heights of text in points: DejaVu Sans (matplotlib's own font, wider than Calibri, Arial
    or the usual slide fonts, so an estimate errs on the safe side) for Latin text, one em per CJK character.

    Parameters
    ----------
    language : {"en", "zh"}
        Chinese lines are set taller: CJK fonts have taller line boxes (Noto Sans CJK, which LibreOffice and
        many Linux machines use, 1.45 em; Microsoft YaHei about 1.32 em), Latin ones about 1.22 em (Calibri).
    """

    def __init__(self, language: str):
        import matplotlib
        from PIL import ImageFont

        base = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        self._fonts = {False: ImageFont.truetype(str(base / "DejaVuSans.ttf"), 100),
                       True: ImageFont.truetype(str(base / "DejaVuSans-Bold.ttf"), 100)}
        self.line = 1.22 if language == "en" else 1.45

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """Width of ``text`` at ``size`` points, in points."""
        wide = len(_WIDE_CHAR.findall(text))
        rest = _WIDE_CHAR.sub("", text)
        return (self._fonts[bold].getlength(rest) / 100.0 + wide) * size if rest else wide * size

    def wrap(self, para: Para, width: float) -> list[list[tuple[int, str]]]:
        """``para`` broken into lines no wider than ``width`` points: each line a list of (run index, text).

        Words break at spaces, CJK text between any two characters, and a word longer than a line between
        characters.
        """
        lines: list[list[tuple[int, str]]] = [[]]
        used = 0.0
        for i, run in enumerate(para.runs):
            for token in _TOKEN.findall(run.text):
                w_ink = self.width(token.rstrip(), para.size, run.bold)
                if lines[-1] and used + w_ink > width:
                    lines.append([])
                    used = 0.0
                    if token.isspace():
                        continue
                if w_ink > width:  # longer than a line: by characters
                    for ch in token:
                        w = self.width(ch, para.size, run.bold)
                        if lines[-1] and used + w > width:
                            lines.append([])
                            used = 0.0
                        lines[-1].append((i, ch))
                        used += w
                    continue
                lines[-1].append((i, token))
                used += self.width(token, para.size, run.bold)
        return lines

    def height(self, para: Para, width: float) -> float:
        """Height of ``para`` set in a box ``width`` points wide, in points (its space before included)."""
        return len(self.wrap(para, width)) * para.size * self.line + para.space_before

    def split(self, para: Para, width: float, height: float) -> tuple[Para, Para | None]:
        """The part of ``para`` that fits in ``height`` points (at least one line), and the rest (or ``None``)."""
        lines = self.wrap(para, width)
        fit = max(1, int((height - para.space_before) // (para.size * self.line)))
        if fit >= len(lines):
            return para, None
        head: list[Run] = []
        tail: list[Run] = []
        for n, line in enumerate(lines):
            for i, text in line:
                target = head if n < fit else tail
                run = para.runs[i]
                if target and target[-1].bold == run.bold and target[-1].color == run.color:
                    target[-1] = replace(target[-1], text=target[-1].text + text)
                else:
                    target.append(replace(run, text=text))
        return (replace(para, runs=tuple(head)),
                replace(para, runs=(replace(tail[0], text=tail[0].text.lstrip()), *tail[1:]) if tail else (),
                        space_before=0.0))


@dataclass(frozen=True)
class Box:
    """Where text or a picture goes on a slide, in EMU."""

    left: int
    top: int
    width: int
    height: int

    def split(self, share: float, gap: int) -> tuple["Box", "Box"]:
        """Two boxes side by side: the first ``share`` of the width, then ``gap``, then the rest."""
        first = round((self.width - gap) * share)
        return (Box(self.left, self.top, first, self.height),
                Box(self.left + first + gap, self.top, self.width - first - gap, self.height))


#: A new text box's insets (python-pptx's and PowerPoint's defaults): left, top, right, bottom, EMU.
_TEXTBOX_INSETS = (91440, 45720, 91440, 45720)
#: Left indent of a paragraph in a placeholder by bullet level, in points (bullet and hanging indent of
#: common templates; a little more than the Office theme's 27 and 58.5 pt).
_INDENT = (30.0, 62.0, 92.0)
#: Share of a box's height text may fill: PowerPoint's and LibreOffice's line boxes differ by a few percent.
_FILL = 0.97


def _inner(box: Box, insets: tuple[int, int, int, int]) -> tuple[float, float]:
    """Inner width and height of ``box`` in points, without its insets (left, top, right, bottom)."""
    left, top, right, bottom = insets
    return (box.width - left - right) / EMU_PER_PT, (box.height - top - bottom) / EMU_PER_PT


def _flow(groups: Sequence[Sequence[Para]], metrics: _Metrics, first: tuple[float, float],
          rest: tuple[float, float], *, bullets: bool = True, min_size: float = 10.0) -> list[list[Para]]:
    """Lay out ``groups`` of paragraphs over pages: ``first`` is the (width, height) in points of the first
    page's box, ``rest`` that of the continuation pages.

    A group stays on one page when it fits on an empty one; otherwise it is split between paragraphs, and a
    paragraph taller than an empty page is set smaller (down to ``min_size``) and then split between lines.

    Returns
    -------
    list of list of Para
        The paragraphs of each page (at least one page).
    """
    pages: list[list[Para]] = [[]]
    used = 0.0

    def room() -> tuple[float, float]:
        w, h = first if len(pages) == 1 else rest
        return w, h * _FILL

    def width_for(p: Para, w: float) -> float:
        return w - (_INDENT[min(p.level, 2)] if bullets else 18.0 * p.level)

    def new_page() -> None:
        nonlocal used
        pages.append([])
        used = 0.0

    def place(p: Para) -> None:
        nonlocal used
        while p is not None:
            w, h = room()
            first_on_page = not pages[-1]
            q = replace(p, space_before=0.0) if first_on_page else p
            need = metrics.height(q, width_for(q, w))
            if used + need <= h:
                pages[-1].append(q)
                used += need
                return
            if not first_on_page:
                new_page()
                continue
            # alone on a page and still too tall: smaller, then split between lines
            size = q.size
            while need > h and size > min_size:
                size = max(min_size, size - 1.0)
                q = replace(q, size=size)
                need = metrics.height(q, width_for(q, w))
            if need <= h:
                pages[-1].append(q)
                used += need
                return
            head, p = metrics.split(q, width_for(q, w), h)
            pages[-1].append(head)
            new_page()

    for group in groups:
        w, h = room()
        total = sum(metrics.height(p, width_for(p, w)) for p in group) - (group[0].space_before if group else 0)
        if pages[-1] and used + total + (group[0].space_before if group else 0) > h and total <= rest[1] * _FILL:
            new_page()
        for p in group:
            place(p)
    return pages


# --------------------------------------------------------------------------------------------------
# Layouts, chosen by their placeholder types
# --------------------------------------------------------------------------------------------------
@dataclass
class DeckLayouts:
    """The template's layouts the deck uses, found by placeholder types (never by position or name)."""

    width: int
    height: int
    title: Any = None  # title + subtitle (the cover)
    content: Any = None  # title + one content placeholder
    figure: Any = None  # title + picture + text, or title + two content placeholders side by side
    figure_kind: str = ""  # "picture" or "two"
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def find(cls, prs: Any) -> "DeckLayouts":
        from pptx.enum.shapes import PP_PLACEHOLDER as PH

        text_types = (PH.BODY, PH.OBJECT)
        W, H = prs.slide_width, prs.slide_height
        out = cls(W, H)
        layouts = [lay for m in prs.slide_masters for lay in m.slide_layouts]

        def kinds(lay: Any) -> dict[str, list[Any]]:
            phs = list(lay.placeholders)
            return {"title": [p for p in phs if p.placeholder_format.type == PH.TITLE],
                    "center": [p for p in phs if p.placeholder_format.type == PH.CENTER_TITLE],
                    "subtitle": [p for p in phs if p.placeholder_format.type == PH.SUBTITLE],
                    "text": [p for p in phs if p.placeholder_format.type in text_types],
                    "picture": [p for p in phs if p.placeholder_format.type == PH.PICTURE]}

        def area(p: Any) -> int:
            return int(p.width or 0) * int(p.height or 0)

        def top_title(k: dict[str, list[Any]]) -> bool:
            t = (k["title"] or k["center"])[0]
            return (t.top or 0) < 0.3 * H and (t.width or 0) > 0.5 * W

        scored: dict[str, list[tuple[float, int, Any]]] = {"title": [], "content": [], "figure": []}
        for n, lay in enumerate(layouts):
            k = kinds(lay)
            titles = k["title"] + k["center"]
            if not titles:
                continue
            if k["subtitle"]:
                scored["title"].append((3 if k["center"] else 2, -n, lay))
            elif k["center"] and k["text"]:
                scored["title"].append((1, -n, lay))
            if k["title"] and k["text"] and not k["picture"] and top_title(k):
                biggest = max(area(p) for p in k["text"])
                scored["content"].append((biggest / (W * H) + (1 if len(k["text"]) == 1 else 0), -n, lay))
            if k["title"] and top_title(k):
                if k["picture"] and k["text"]:
                    text_area = max(area(p) for p in k["text"])
                    if text_area >= 0.18 * W * H and area(k["picture"][0]) >= 0.18 * W * H:
                        scored["figure"].append((2 + min(text_area, area(k["picture"][0])) / (W * H), -n, lay))
                if len(k["text"]) == 2 and not k["picture"]:
                    a, b = sorted(k["text"], key=lambda p: p.left or 0)
                    side_by_side = (a.left or 0) + (a.width or 0) <= (b.left or 0) + 0.02 * W
                    if side_by_side and min(a.width or 0, b.width or 0) >= 0.25 * W \
                            and min(a.height or 0, b.height or 0) >= 0.4 * H:
                        scored["figure"].append((1 + min(area(a), area(b)) / (W * H), -n, lay))
        for key in scored:
            if scored[key]:
                best = max(scored[key], key=lambda s: (s[0], s[1]))[2]
                setattr(out, key, best)
                out.names[key] = best.name
        if out.figure is not None:
            out.figure_kind = "picture" if kinds(out.figure)["picture"] else "two"
        any_title = next((lay for lay in layouts if kinds(lay)["title"] or kinds(lay)["center"]), None)
        if out.content is None:
            out.content = any_title
        if out.title is None:
            out.title = out.content
        return out


# --------------------------------------------------------------------------------------------------
# Writing slides
# --------------------------------------------------------------------------------------------------
class DeckWriter:
    """Adds slides to a presentation: titles, text in placeholders, pictures, tables, speaker notes."""

    def __init__(self, prs: Any, language: str, layouts: DeckLayouts, east_asian: dict[str, str]):
        self.prs = prs
        self.language = language
        self.layouts = layouts
        self.ea = east_asian
        self.metrics = _Metrics(language)
        self.margin = int(0.5 * EMU_PER_INCH)
        self._content_box: tuple[Box, tuple[int, int, int, int], bool] | None = None

    # ---------------------------------------------------------------- runs
    def _run(self, paragraph: Any, run: Run, size: float, *, major: bool = False) -> None:
        from pptx.dml.color import RGBColor
        from pptx.oxml.ns import qn
        from pptx.util import Pt

        r = paragraph.add_run()
        r.text = run.text
        font = r.font
        font.size = Pt(size)
        if run.bold:
            font.bold = True
        if run.italic:
            font.italic = True
        if run.color:
            font.color.rgb = RGBColor.from_string(run.color.lstrip("#").upper())
        rpr = r._r.get_or_add_rPr()
        if self.language == "zh":
            rpr.set("lang", "zh-CN")
            rpr.set("altLang", "en-US")
            ea = rpr.makeelement(qn("a:ea"), {"typeface": self.ea["major" if major else "minor"]})
            rpr.append(ea)  # after the fill: the schema's order (ln, fill, ..., latin, ea, cs)
        else:
            rpr.set("lang", "en-GB")

    def _fill(self, text_frame: Any, paras: Sequence[Para], *, major: bool = False, bullets: bool = True) -> None:
        from pptx.enum.text import MSO_AUTO_SIZE
        from pptx.util import Pt

        text_frame.clear()
        text_frame.word_wrap = True
        text_frame.auto_size = MSO_AUTO_SIZE.NONE
        for n, p in enumerate(paras):
            paragraph = text_frame.paragraphs[0] if n == 0 else text_frame.add_paragraph()
            paragraph.level = min(p.level, 4) if bullets else 0
            if p.space_before:
                paragraph.space_before = Pt(p.space_before)
            if not bullets and p.level:
                paragraph._p.get_or_add_pPr().set("marL", str(int(18 * p.level * EMU_PER_PT)))
            for run in p.runs:
                self._run(paragraph, run, p.size, major=major)

    @staticmethod
    def _insets(text_frame: Any) -> tuple[int, int, int, int]:
        return (int(text_frame.margin_left), int(text_frame.margin_top), int(text_frame.margin_right),
                int(text_frame.margin_bottom))

    # ---------------------------------------------------------------- slides
    def slide(self, layout: Any, title: str, *, notes: str = "", title_size: float = 28.0) -> Any:
        """A new slide of ``layout`` with ``title`` (set smaller until it fits its placeholder in two lines)."""
        slide = self.prs.slides.add_slide(layout)
        ph = slide.shapes.title
        if ph is None:  # a layout whose title is a center title only python-pptx finds by type
            ph = next((p for p in slide.placeholders if _is_title(p)), None)
        box = Box(ph.left, ph.top, ph.width, ph.height)
        w, h = _inner(box, self._insets(ph.text_frame))
        size = title_size
        para = make_para(title, size, bold=False)
        while size > 16 and (len(self.metrics.wrap(para, w)) > 2 or self.metrics.height(para, w) > h):
            size -= 2
            para = replace(para, size=size)
        self._fill(ph.text_frame, [para], major=True, bullets=False)
        if notes:
            self._fill(slide.notes_slide.notes_text_frame, [make_para(notes, 12)], bullets=False)
        return slide

    @staticmethod
    def text_placeholders(slide: Any) -> list[Any]:
        """The slide's content placeholders (body, object, subtitle, picture), left to right."""
        return sorted((p for p in slide.placeholders if not _is_title(p)), key=lambda p: (p.left or 0, p.top or 0))

    @staticmethod
    def remove(shape: Any) -> Box:
        """Take ``shape`` off its slide; return where it was."""
        box = Box(int(shape.left), int(shape.top), int(shape.width), int(shape.height))
        el = shape._element
        el.getparent().remove(el)
        return box

    def content_box(self) -> tuple[Box, tuple[int, int, int, int], bool]:
        """Where the content layout puts its content: the box, its insets, and whether it is a placeholder
        (with the template's bullets). Measured once, on a slide added and dropped again."""
        if self._content_box is None:
            probe = self.prs.slides.add_slide(self.layouts.content)
            phs = self.text_placeholders(probe)
            if phs:
                ph = max(phs, key=lambda p: int(p.width) * int(p.height))
                self._content_box = (Box(int(ph.left), int(ph.top), int(ph.width), int(ph.height)),
                                     self._insets(ph.text_frame), True)
            else:
                self._content_box = (self.body_box(probe), _TEXTBOX_INSETS, False)
            _drop_last_slide(self.prs)
        return self._content_box

    def body_box(self, slide: Any) -> Box:
        """Where content goes on a slide whose layout has no content placeholder: below the title."""
        t = slide.shapes.title
        top = int(t.top + t.height) + int(0.15 * EMU_PER_INCH) if t is not None else self.margin
        return Box(self.margin, top, int(self.prs.slide_width) - 2 * self.margin,
                   int(self.prs.slide_height) - top - self.margin)

    def text_in(self, slide: Any, box: Box | None, paras: Sequence[Para], placeholder: Any = None) -> None:
        """Put ``paras`` in ``placeholder`` (its bullets and styles), or in a new text box at ``box``."""
        if placeholder is not None:
            self._fill(placeholder.text_frame, paras)
            return
        tb = slide.shapes.add_textbox(box.left, box.top, box.width, box.height)
        self._fill(tb.text_frame, paras, bullets=False)

    def picture(self, slide: Any, box: Box, fig: Any, caption: str) -> Any:
        """The figure as a PNG, as large as fits in ``box`` (proportions kept), centred at its top."""
        from PIL import Image

        from orgkit.plots.style import figure_png

        fig_w, fig_h = fig.get_size_inches()
        scale = min(box.width / (fig_w * EMU_PER_INCH), box.height / (fig_h * EMU_PER_INCH))
        shown_w = fig_w * scale  # inches on the slide
        dpi = int(min(300, max(100, round(FIGURE_PPI * shown_w / fig_w))))
        data = figure_png(fig, dpi=dpi)
        with Image.open(io.BytesIO(data)) as img:
            px_w, px_h = img.size
        scale = min(box.width / px_w, box.height / px_h)
        width, height = int(px_w * scale), int(px_h * scale)
        left = box.left + (box.width - width) // 2
        pic = slide.shapes.add_picture(io.BytesIO(data), left, box.top, width, height)
        pic._element.nvPicPr.cNvPr.set("descr", caption)  # alternative text
        return pic


def _place(shape: Any, box: Box) -> None:
    """Give ``shape`` its own position and size (all four: a placeholder that inherits its geometry from
    its layout would otherwise get zeros for the ones not set)."""
    shape.left, shape.top, shape.width, shape.height = box.left, box.top, box.width, box.height


def _remove_empty(slide: Any) -> None:
    """Take the placeholders left empty off ``slide`` (no "Click to add text" in the deck)."""
    for ph in list(slide.placeholders):
        if ph.has_text_frame and not ph.text_frame.text.strip() and not _is_title(ph):
            ph._element.getparent().remove(ph._element)


# --------------------------------------------------------------------------------------------------
# The deck's content
# --------------------------------------------------------------------------------------------------
def _status_colors() -> dict[str, str]:
    from orgkit.plots.style import STATUS_COLORS

    return dict(STATUS_COLORS)


@dataclass
class _Content:
    """Every text of the deck, in the report's language, from the book (nothing assessed again)."""

    language: str
    client: str
    date: str
    scope: list[str]
    privacy: str
    messages_title: str
    messages_lead: str
    messages: list[list[Para]]
    areas: list[dict[str, Any]]
    recs_title: str
    recs_lead: str
    recs_header: list[str]
    recs: list[list[list[Para]]]
    none_text: str
    closing: str


def _content(book: "ReportBook") -> _Content:
    from orgkit.findings import (STATUS_ORDER, area_statuses, decisions_context, overall_text, reassess_line,
                                 status_label, summary_cards)
    from orgkit.i18n import format_date, t, tn

    lang = book.language
    colors = _status_colors()

    def tt(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    a = book.assessment
    people = book.client.n_people
    departments = int(book.client.people["department"].nunique())
    scope = [tt("cover.kicker") + " · " + format_date(book.date, lang),
             " · ".join([tn("count.people", people, lang, n=f"{people:,}"),
                         tn("count.departments", departments, lang, n=f"{departments:,}"), book._stage_text()]),
             overall_text(a, lang)]
    privacy = tt("cover.note", names=tt("cover.names_shown") if book.show_names else "", k=book.min_group_size)

    def status_run(status: str) -> Run:
        return Run(tt("deck.status", status=status_label(status, lang)), True, colors.get(status))

    messages = []
    for m in book.messages:
        group = [Para((Run(tt("deck.message", number=m.rank), True, colors.get(m.status)),
                       Run(m.headline(lang), True)), 15.0, 0, 10.0)]
        group += [make_para(e, 11.0, 1, space_before=2.0) for e in m.evidence(lang)]
        group += [make_para(m.action(lang), 11.0, 1, space_before=2.0, bold=True),
                  make_para(m.progress(lang), 11.0, 1, space_before=2.0, italic=True)]
        messages.append(group)

    statuses = area_statuses(a, book.findings)
    cards = {c["area"]: c for c in summary_cards(a, book.findings, lang, n=0)}
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    areas = []
    for area in AREAS:
        score = a.scores.get(area)
        label = (tt("summary.score_label", score=round(score), status=status_label(statuses[area], lang))
                 if score is not None else status_label("grey", lang))
        mine = sorted((f for f in book.findings if f.area == area), key=lambda f: order.get(f.status, 9))
        findings = [[Para((status_run(f.status), Run(f.text(lang))), 13.0, 0, 6.0)] for f in mine]
        notes = []
        if score is None:
            notes = [n for n in (cards[area]["note"], decisions_context(a, lang) if area == "decisions" else None) if n]
        areas.append({"area": area, "title": tt("deck.area_title", area=tt(f"area.{area}"), status=label),
                      "assessed": score is not None, "status": statuses[area], "findings": findings,
                      "not_assessed": [[make_para(n, 16.0, 0, space_before=6.0)] for n in notes],
                      "intro": tt(f"area.{area}.intro")})

    header = [tt("deck.column.action"), tt("deck.column.owner"), tt("deck.column.effort"),
              tt("deck.column.impact"), tt("deck.column.progress")]
    recs = []
    for i, r in enumerate(book.recommendations, start=1):
        recs.append([
            [make_para(tt("recommendations.item", number=i, title=r.title(lang)), 11.0, bold=True),
             make_para(r.text(lang), 10.0, space_before=3.0)],
            [make_para(r.owner_text(lang), 11.0)],
            [make_para(r.effort_text(lang), 11.0)],
            [make_para(tt("deck.impact", people=tn("count.people", r.people, lang, n=f"{r.people:,}")), 11.0),
             make_para(tt("deck.priority", status=status_label(r.status, lang)), 11.0, bold=True,
                   color=colors.get(r.status), space_before=3.0)],
            [make_para(r.progress(lang), 11.0)],
        ])
    return _Content(
        language=lang, client=str(book.client.name), date=book.date, scope=scope, privacy=privacy,
        messages_title=tt("storyline.title"), messages_lead=tt("storyline.lead"), messages=messages,
        areas=areas, recs_title=tt("recommendations.title"), recs_lead=tt("recommendations.lead"),
        recs_header=header, recs=recs, none_text=tt("recommendations.none"),
        closing=reassess_line(book.findings, book.date, lang))


# --------------------------------------------------------------------------------------------------
# The deck
# --------------------------------------------------------------------------------------------------
def _continued(content: _Content, title: str) -> str:
    """The title of a continuation slide: "Structure fit (continued)"."""
    return _text(content, "deck.continued", title=title)


def text_slides(w: DeckWriter, title: str, groups: Sequence[Sequence[Para]], *, notes: str = "",
                 continued: str = "") -> None:
    """``groups`` on as many title-and-content slides as they need."""
    box, insets, bullets = w.content_box()
    inner = _inner(box, insets)
    pages = _flow(groups, w.metrics, inner, inner, bullets=bullets) if groups else [[]]
    for n, page in enumerate(pages):
        slide = w.slide(w.layouts.content, title if n == 0 else continued or title, notes=notes)
        phs = w.text_placeholders(slide)
        if phs:
            ph = max(phs, key=lambda p: int(p.width) * int(p.height))
            w.text_in(slide, None, page, placeholder=ph)
        else:
            w.text_in(slide, box, page)
        _remove_empty(slide)


def cover_slide(w: DeckWriter, title: str, paras: Sequence[Para], *, notes: str = "") -> Any:
    """The title slide: ``title`` and ``paras`` in the subtitle (given the room below it when they need it)."""
    cover = w.slide(w.layouts.title, title, notes=notes, title_size=36.0)
    phs = w.text_placeholders(cover)
    if phs:
        sub = max(phs, key=lambda p: int(p.width) * int(p.height))
        box = Box(sub.left, sub.top, sub.width, sub.height)
        inner = _inner(box, w._insets(sub.text_frame))
        fitted = _flow([paras], w.metrics, inner, inner, bullets=False, min_size=9.0)
        if len(fitted) > 1:  # the scope must stay on the cover: give it the room below the subtitle
            _place(sub, Box(box.left, box.top, box.width, int(w.prs.slide_height) - box.top - w.margin))
        w._fill(sub.text_frame, paras, bullets=False)
    else:
        w.text_in(cover, w.body_box(cover), paras)
    _remove_empty(cover)
    return cover


def _drop_last_slide(prs: Any) -> None:
    ids = prs.slides._sldIdLst
    last = ids[-1]
    prs.part.drop_rel(last.rId)
    ids.remove(last)


def _area_slides(w: DeckWriter, content: _Content, area: dict[str, Any], figure: tuple[Any, str] | None) -> None:
    """An area's slide (figure and findings) and its continuation slides."""
    title, notes = area["title"], area["intro"]
    if not area["assessed"]:
        text_slides(w, title, area["not_assessed"], notes=notes)
        return
    groups = area["findings"] or [[make_para(_text(content, "deck.no_findings"), 14.0)]]
    if figure is None:
        text_slides(w, title, groups, notes=notes, continued=_continued(content, title))
        return
    fig, caption = figure
    notes = notes + ("\n" + caption if caption else "")
    layout = w.layouts.figure or w.layouts.content
    slide = w.slide(layout, title, notes=notes)
    phs = w.text_placeholders(slide)
    text_ph = None
    if w.layouts.figure is not None and w.layouts.figure_kind == "picture":
        from pptx.enum.shapes import PP_PLACEHOLDER as PH

        pic_ph = next(p for p in phs if p.placeholder_format.type == PH.PICTURE)
        text_ph = max((p for p in phs if p is not pic_ph and p.placeholder_format.type != PH.SUBTITLE),
                      key=lambda p: int(p.width) * int(p.height))
        fig_box = w.remove(pic_ph)
        text_box = Box(text_ph.left, text_ph.top, text_ph.width, text_ph.height)
    elif w.layouts.figure is not None:
        left, right = sorted(phs, key=lambda p: p.left)[:2]
        fig_box = w.remove(left)
        text_ph = right
        text_box = Box(right.left, right.top, right.width, right.height)
    elif phs:  # one content placeholder: the figure takes its left part, the text the rest
        text_ph = max(phs, key=lambda p: int(p.width) * int(p.height))
        whole = Box(text_ph.left, text_ph.top, text_ph.width, text_ph.height)
        fig_box, text_box = whole.split(0.58, int(0.25 * EMU_PER_INCH))
        _place(text_ph, text_box)
    else:
        fig_box, text_box = w.body_box(slide).split(0.58, int(0.25 * EMU_PER_INCH))
    w.picture(slide, fig_box, fig, caption)
    insets = w._insets(text_ph.text_frame) if text_ph is not None else _TEXTBOX_INSETS
    first = _inner(text_box, insets)
    box, rest_insets, _ = w.content_box()  # the continuation slides'
    rest = _inner(box, rest_insets)
    pages = _flow(groups, w.metrics, first, rest, bullets=text_ph is not None)
    w.text_in(slide, text_box, pages[0], placeholder=text_ph)
    _remove_empty(slide)
    if len(pages) > 1:
        for page in pages[1:]:
            more = w.slide(w.layouts.content, _continued(content, title), notes=area["intro"])
            mphs = w.text_placeholders(more)
            if mphs:
                w.text_in(more, None, page, placeholder=max(mphs, key=lambda p: int(p.width) * int(p.height)))
            else:
                w.text_in(more, w.body_box(more), page)
            _remove_empty(more)


def _text(content: _Content, key: str, **values: Any) -> str:
    """The catalogue's text ``key`` in the deck's language."""
    from orgkit.i18n import t

    return t(key, content.language, **values)


#: Shares of the recommendations table's width: action, led by, effort, impact, progress measure.
_REC_COLUMNS = (0.38, 0.14, 0.10, 0.13, 0.25)


def _recommendation_slides(w: DeckWriter, content: _Content) -> None:
    """The recommendations as a table over as many slides as it needs; the reassess line closes the last."""
    from pptx.util import Emu, Pt

    closing = [make_para(content.closing, 13.0, bold=True)]
    if not content.recs:
        text_slides(w, content.recs_title, [[make_para(content.none_text, 16.0)], closing], notes=content.recs_lead)
        return
    box = w.content_box()[0]
    m = w.metrics
    cell_in = (0.08 * 72, 0.05 * 72)  # a cell's left/right and top/bottom insets, points
    widths = [round(box.width * s) for s in _REC_COLUMNS]
    widths[-1] = box.width - sum(widths[:-1])

    def cell_height(paras: Sequence[Para], width_emu: int) -> float:
        w_pt = width_emu / EMU_PER_PT - 2 * cell_in[0]
        return sum(m.height(p, w_pt) for p in paras) + 2 * cell_in[1]

    def row_height(cells: Sequence[Sequence[Para]]) -> float:
        return max(cell_height(c, wd) for c, wd in zip(cells, widths)) + 4.0

    header = [[make_para(h, 11.0, bold=True)] for h in content.recs_header]
    head_h = row_height(header)
    closing_h = m.height(closing[0], box.width / EMU_PER_PT - 14.4) + 14.0
    limit = box.height / EMU_PER_PT  # the rows are set to their measured heights: no margin needed
    # the closing line may use the slide's bottom margin below the content box (no footer is placed there)
    below = max(0.0, (int(w.prs.slide_height) - box.top - box.height - w.margin // 2) / EMU_PER_PT)
    pages: list[list[int]] = [[]]
    used = head_h
    for i, cells in enumerate(content.recs):
        h = row_height(cells)
        if pages[-1] and used + h > limit:
            pages.append([])
            used = head_h
        pages[-1].append(i)
        used += h
    for size in (12.0, 11.0):  # a smaller closing line rather than a slide of its own
        if used + closing_h <= limit + below:
            break
        closing = [replace(closing[0], size=size)]
        closing_h = m.height(closing[0], box.width / EMU_PER_PT - 14.4) + 14.0
    if used + closing_h > limit + below:
        pages.append([])
    for n, rows in enumerate(pages):
        title = content.recs_title if n == 0 else _continued(content, content.recs_title)
        slide = w.slide(w.layouts.content, title, notes=content.recs_lead)
        for ph in w.text_placeholders(slide):
            w.remove(ph)
        top = box.top
        if rows:
            heights = [head_h] + [row_height(content.recs[i]) for i in rows]
            total = int(sum(heights) * EMU_PER_PT)
            shape = slide.shapes.add_table(len(rows) + 1, len(widths), box.left, box.top, box.width, total)
            table = shape.table
            for j, wd in enumerate(widths):
                table.columns[j].width = Emu(wd)
            for r, h in enumerate(heights):
                table.rows[r].height = Emu(int(h * EMU_PER_PT))
            for r, cells in enumerate([header] + [content.recs[i] for i in rows]):
                for j, paras in enumerate(cells):
                    cell = table.cell(r, j)
                    cell.margin_left = cell.margin_right = Pt(cell_in[0])
                    cell.margin_top = cell.margin_bottom = Pt(cell_in[1])
                    w._fill(cell.text_frame, paras, bullets=False)
            top = box.top + total
        if n == len(pages) - 1:
            from pptx.enum.text import MSO_ANCHOR

            gap = int(0.1 * EMU_PER_INCH)
            bottom = int(w.prs.slide_height) - w.margin // 2
            w.text_in(slide, Box(box.left, top + gap, box.width, bottom - top - gap), closing)
            if rows:
                slide.shapes[-1].text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM  # away from the table


def deck_outline(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """What a deck holds, slide by slide: ``title``, ``layout``, ``texts`` (every text frame's and table cell's
    text), ``pictures`` (count) and ``notes`` -- for tests and for checking a deck without PowerPoint."""
    from pptx import Presentation

    prs = Presentation(str(path))
    out = []
    for slide in prs.slides:
        texts, pictures = [], 0
        for shape in slide.shapes:
            if shape.shape_type is not None and shape.shape_type == 13:  # MSO_SHAPE_TYPE.PICTURE
                pictures += 1
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                texts += [c.text_frame.text for row in shape.table.rows for c in row.cells]
        title = slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        out.append({"title": title, "layout": slide.slide_layout.name, "texts": texts, "pictures": pictures,
                    "notes": notes})
    return out


def write_deck(book: "ReportBook", path: str | os.PathLike[str], template: str | os.PathLike[str] | None = None
               ) -> Path:
    """Write the report as an editable PowerPoint deck.

    Parameters
    ----------
    book : ReportBook
        A book that has assessed its client (its findings, key messages and recommendations are used as
        they are; its figures are reused when it drew them, else drawn once here).
    path : path
        The ``.pptx`` to write. An existing file is replaced only when orgkit wrote it and it was not changed
        since (:mod:`orgkit.files.editable`); the write is atomic.
    template : path, optional
        A firm's ``.pptx`` template: its masters, layouts, theme fonts and colours are used, its slides
        removed.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ConfigError
        The template cannot be used (see :func:`check_template`).
    OutputError
        ``path`` holds someone's edits or a file orgkit did not write, or cannot be written.
    DependencyMissingError
        python-pptx is not installed (``pip install 'orgkit[pptx]'``).
    """
    from orgkit.files.editable import check_not_edited, write_editable

    require_pptx()
    path = Path(path)
    check_not_edited(path)
    template_path = Path(template).expanduser().resolve() if template else None
    prs = new_presentation(template_path)
    layouts = DeckLayouts.find(prs)
    w = DeckWriter(prs, book.language, layouts, theme_fonts(prs, template_path is not None))
    content = _content(book)

    # the title slide
    paras = [make_para(content.scope[0], 18.0, bold=True)] + [make_para(s, 14.0, space_before=4.0) for s in content.scope[1:]]
    paras.append(make_para(content.privacy, 11.0, space_before=8.0, italic=True))
    cover_slide(w, content.client, paras, notes=content.privacy)

    # the key messages
    groups = content.messages or [[make_para(content.none_text, 16.0)]]
    text_slides(w, content.messages_title, groups, notes=content.messages_lead,
                 continued=_continued(content, content.messages_title))

    # one slide per area
    for area in content.areas:
        figure = _headline_figure(book, area["area"]) if area["assessed"] else None
        _area_slides(w, content, area, figure)

    _recommendation_slides(w, content)

    props = prs.core_properties
    props.title = f"{content.client} · {_text(content, 'cover.kicker')}"
    props.author = props.last_modified_by = "orgkit"
    props.language = "zh-CN" if content.language == "zh" else "en-GB"
    buf = io.BytesIO()
    prs.save(buf)
    write_editable(path, buf.getvalue())
    logger.info("wrote %s (%d slides%s)", path, len(prs.slides),
                f", template {template_path.name}: {', '.join(f'{k} {v!r}' for k, v in layouts.names.items())}"
                if template_path else "")
    return path
