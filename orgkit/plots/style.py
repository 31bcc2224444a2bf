"""The look shared by every orgkit figure: fonts (with CJK fallbacks), colours, sizes.

The figures' words (axis labels, legends, titles) are the catalogue's ``figure.*`` texts
(:func:`orgkit.i18n.t`).

Reports embed figures as SVG (:func:`figure_svg`) whose text stays text: the reader's browser draws it
with its own fonts, so a Chinese report made on a machine without a CJK font still shows every label.
:func:`figure_png` draws pixels with this machine's fonts (for analysts who want an image file).

Fonts: matplotlib draws a glyph missing from the first family with the next one of ``font.sans-serif``
(per-glyph fallback, which matplotlib applies only to an explicit ``font.family`` list), so Latin text
stays in DejaVu Sans and Chinese department names or labels use a CJK family. :func:`register_cjk_fonts`
finds one on this machine (matplotlib's font list, then the font files it can see, then ``fc-match
:lang=zh``) and registers it with ``fontManager.addfont``, so a font cache built before the font was
installed does not hide it. Set ``ORGKIT_NO_CJK_FONTS=1`` to ignore the machine's CJK fonts (to see what a
machine without one produces).
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from typing import Any

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import ScalarFormatter

__all__ = [
    "CJK_FAMILIES",
    "register_cjk_fonts",
    "plot_style",
    "needs_cjk",
    "new_figure",
    "make_figure",
    "OrgkitFigure",
    "DISPLAY_FORMATS",
    "set_display_format",
    "wrap_label",
    "figure_png",
    "figure_svg",
    "cjk_font_hint",
    "system_cjk_font",
    "NO_CJK_FONTS_ENV",
    "FIGURE_DPI",
    "department_colors",
    "truncate",
    "STATUS_COLORS",
    "GroupedFormatter",
]

logger = logging.getLogger(__name__)

#: CJK families tried in order (Linux, then the fonts found on readers' laptops).
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "SimHei",
    "Noto Sans CJK JP",
    "Arial Unicode MS",
)
_LATIN_FAMILY = "DejaVu Sans"
#: Set to 1 to ignore the machine's CJK fonts, as on a machine without one.
NO_CJK_FONTS_ENV = "ORGKIT_NO_CJK_FONTS"
#: What a figure's text asks the reader's browser for (SVG): DejaVu Sans or its metric twin Verdana for
#: Latin, then the CJK families of Linux, macOS and Windows, then any sans-serif face.
_SVG_FONT_STACK = ", ".join(
    [repr(f) for f in ("DejaVu Sans", "Verdana", *CJK_FAMILIES, "Microsoft JhengHei", "PingFang TC",
                       "Noto Sans CJK TC")] + ["sans-serif"])
_SVG_FONT_FAMILY = re.compile(r"font-family: [^;\"]*;? ?")
#: Collections with more paths than this are embedded as pixels in an SVG (a dense network's edges).
_SVG_RASTER_PATHS = 400
#: Characters no Latin font has: CJK radicals onwards (CJK, kana, hangul, full-width forms).
_CJK_CHAR = re.compile("[\u2e80-\U0010ffff]")
_CJK_FILE_HINTS = ("cjk", "wqy", "msyh", "pingfang", "simhei", "sourcehansans", "notosanssc", "hiragino")

#: Colours of the red/amber/green statuses (also used for good/bad shading).
STATUS_COLORS = {"red": "#c0392b", "amber": "#e0a100", "green": "#2e8b57", "grey": "#8a94a3"}
#: Pixels per inch of the report's PNGs: an 8-inch figure is 800 px, about the width of the report page.
FIGURE_DPI = 100
_PNG_COMPRESS_LEVEL = 1
_INK = "#1f2933"
_MUTED = "#5f6b7a"
_PALETTE = (
    "#2b5d8a", "#e07b39", "#3a9a5b", "#c0392b", "#7d5ba6", "#8c6d31", "#d36ba6", "#843c39",
    "#b5a000", "#17a2b8", "#9bc1e6", "#f2b179", "#8fd19e", "#f19c97", "#c5b0dd", "#c9b28c",
)

@functools.lru_cache(maxsize=1)
def register_cjk_fonts() -> tuple[str, ...]:
    """Make the CJK fonts of this machine known to matplotlib; return their family names.

    Returns
    -------
    tuple of str
        Families from :data:`CJK_FAMILIES` that matplotlib can now use, best first; empty when the
        machine has none, or with ``ORGKIT_NO_CJK_FONTS=1``. Report figures do not need one (SVG text is
        drawn by the reader's browser); :func:`figure_png` then draws Chinese text as boxes and says so
        once.

    Notes
    -----
    Looked up once per process. The order is: families already in matplotlib's font list; font files
    whose names suggest CJK among the system fonts; the file ``fc-match`` picks for ``:lang=zh``.
    """
    from matplotlib import font_manager as fm

    if _no_cjk_fonts():
        return ()

    def known() -> set[str]:
        return {f.name for f in fm.fontManager.ttflist}

    if not set(CJK_FAMILIES) & known():
        files = [p for p in fm.findSystemFonts() if any(h in p.lower().replace(" ", "").replace("-", "") for h in _CJK_FILE_HINTS)]
        fc = shutil.which("fc-match")
        if fc:
            try:
                out = subprocess.run([fc, "-f", "%{file}", ":lang=zh"], capture_output=True, text=True, timeout=10)
                if out.returncode == 0 and out.stdout.strip():
                    files.append(out.stdout.strip())
            except (OSError, subprocess.SubprocessError):  # pragma: no cover - a broken fontconfig
                pass
        for path in dict.fromkeys(files):
            try:
                fm.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError) as err:  # pragma: no cover - unreadable font file
                logger.debug("cannot register font %s: %s", path, err)
    available = known()
    found = tuple(f for f in CJK_FAMILIES if f in available)
    if not found:
        logger.debug("no CJK font found: %s", cjk_font_hint())
    return found


def _no_cjk_fonts() -> bool:
    return os.environ.get(NO_CJK_FONTS_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def system_cjk_font() -> str | None:
    """The font file fontconfig (which Chromium uses) picks for Chinese text, or ``None`` when there is none.

    Where fontconfig is not installed (macOS, Windows) the system's own CJK fonts are assumed and the
    answer is ``"system"``.
    """
    if _no_cjk_fonts():
        return None
    fc = shutil.which("fc-list")
    if not fc:
        return "system"
    try:
        out = subprocess.run([fc, ":lang=zh", "file"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):  # pragma: no cover - a broken fontconfig
        return "system"
    first = out.stdout.strip().splitlines()[0] if out.returncode == 0 and out.stdout.strip() else ""
    return first.strip().rstrip(":").strip() or None


def cjk_font_hint() -> str:
    """How to install a CJK font on this kind of machine (one sentence)."""
    import sys

    if sys.platform == "darwin":
        how = "macOS ships PingFang SC; or brew install --cask font-noto-sans-cjk-sc"
    elif sys.platform == "win32":
        how = "Windows ships Microsoft YaHei; or install Noto Sans CJK SC"
    else:
        how = "apt-get install fonts-noto-cjk (Debian/Ubuntu) or dnf install google-noto-sans-cjk-fonts"
    return f"install a CJK font ({how})"


_warned_png_boxes = False


def _warn_png_boxes() -> None:
    """Say once per process that a PNG with Chinese text was drawn without a CJK font."""
    global _warned_png_boxes
    if not _warned_png_boxes:
        _warned_png_boxes = True
        logger.warning("no CJK font on this machine: Chinese text in PNG figures is drawn as boxes; %s "
                       "(report figures are SVG, drawn by the reader's browser, and are not affected)",
                       cjk_font_hint())


def _rc(cjk: bool = True) -> dict[str, Any]:
    families = [_LATIN_FAMILY, *(register_cjk_fonts() if cjk else ())]
    return {
        # per-glyph fallback only works across an explicit family list, not through "sans-serif"
        "font.family": families,
        "font.sans-serif": families,
        "font.size": 10,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": 10,
        "axes.labelcolor": _INK,
        "axes.edgecolor": "#9aa5b1",
        "axes.linewidth": 0.8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": False,
        "axes.unicode_minus": True,  # a true minus sign (U+2212) on every axis, as in the text
        "xtick.color": _MUTED,
        "ytick.color": _MUTED,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "legend.frameon": False,
        "legend.fontsize": 9,
        "figure.dpi": 100,
        "savefig.dpi": FIGURE_DPI,
        "savefig.facecolor": "white",
        "figure.facecolor": "white",
        "text.color": _INK,
        # FreeType's hinting costs about a quarter of drawing a text (and text is most of every figure);
        # at 100 dpi unhinted glyphs read as well (slightly softer, positions within a pixel)
        "text.hinting": "no_hinting",
    }


@contextlib.contextmanager
def plot_style(cjk: bool = True) -> Iterator[None]:
    """A context in which matplotlib uses orgkit's fonts, colours and sizes.

    Parameters
    ----------
    cjk : bool
        Put the CJK families after DejaVu Sans (per-glyph fallback). ``False`` uses DejaVu Sans alone:
        every text then costs one font lookup instead of one per family (:func:`figure_png` does so
        for a figure without CJK text).
    """
    with mpl.rc_context(_rc(cjk)):
        yield


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a character no Latin font has (CJK, kana, hangul, full-width forms)."""
    return _CJK_CHAR.search(text) is not None


def needs_cjk(fig: Figure) -> bool:
    """Whether any text of ``fig`` (titles, labels, legends, tick labels) has a CJK character.

    Tick labels are read from the formatters: fixed labels (``set_ticks(ticks, labels)``, which
    matplotlib keeps as a dictionary inside a ``FuncFormatter``) are scanned, numeric formatters give
    ASCII; a figure with any other formatter counts as needing CJK, to be safe.

    Examples
    --------
    >>> fig = Figure()
    >>> ax = fig.add_subplot()
    >>> needs_cjk(fig)
    False
    >>> _ = ax.set_yticks([0, 1], ["Sales", "研发中心"])
    >>> needs_cjk(fig)
    True
    """
    from matplotlib.text import Text
    from matplotlib.ticker import FixedFormatter, FuncFormatter, LogFormatter, NullFormatter, ScalarFormatter

    texts = [t.get_text() for t in fig.findobj(Text)]
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for fmt in (axis.get_major_formatter(), axis.get_minor_formatter()):
                if isinstance(fmt, FixedFormatter):
                    texts.extend(map(str, fmt.seq))
                elif isinstance(fmt, FuncFormatter):
                    func = fmt.func  # set_ticks(labels=...) -> partial(axis._format_with_dict, {loc: label})
                    args = getattr(func, "args", ())
                    if not (isinstance(func, functools.partial) and args and isinstance(args[0], dict)):
                        return True
                    texts.extend(map(str, args[0].values()))
                elif not isinstance(fmt, (ScalarFormatter, NullFormatter, LogFormatter)):
                    return True
    return has_cjk("\n".join(map(str, texts)))


def _latin_only(fig: Figure) -> None:
    """Give every text drawn with orgkit's default families DejaVu Sans alone."""
    from matplotlib.text import Text

    default = [_LATIN_FAMILY, *register_cjk_fonts()]
    for t in fig.findobj(Text):
        if list(t.get_fontfamily()) == default:
            t.set_fontfamily([_LATIN_FAMILY])


#: How :class:`OrgkitFigure` shows itself in Jupyter: ``auto`` (PNG, or SVG when the figure has Chinese
#: text and this machine no CJK font), ``png`` or ``svg``.
DISPLAY_FORMATS = ("auto", "png", "svg")
_display = {"format": "auto"}


def set_display_format(fmt: str) -> None:
    """Choose how orgkit's figures show in Jupyter (for this process).

    Parameters
    ----------
    fmt : {"auto", "png", "svg"}
        ``png``: a picture drawn with this machine's fonts at twice the figure's resolution (sharp on
        high-density screens). ``svg``: text stays text, drawn by the browser with its own fonts (the
        report's way). ``auto`` (default): PNG, except SVG for a figure with Chinese text when this
        machine has no CJK font (the browser then draws the characters a PNG would show as boxes).

    Raises
    ------
    ConfigError
        For any other value.
    """
    from orgkit.errors import ConfigError

    if fmt not in DISPLAY_FORMATS:
        raise ConfigError(f"display format must be one of {list(DISPLAY_FORMATS)}. Got {fmt!r} instead.")
    _display["format"] = fmt


class OrgkitFigure(Figure):
    """A matplotlib figure that Jupyter shows as a picture, and that pyplot does not track.

    Every orgkit plot function returns one (made by :func:`make_figure`). Outside pyplot a plain
    :class:`~matplotlib.figure.Figure` has no picture for IPython's display machinery, and a notebook
    cell prints ``<Figure size 964x495 with 1 Axes>``; this class answers IPython's
    ``_repr_mimebundle_`` with an ``image/png`` (or ``image/svg+xml``, see :func:`set_display_format`)
    drawn by :func:`figure_png` / :func:`figure_svg` in orgkit's style. Since pyplot never holds it, a
    figure is freed as soon as nothing refers to it: a report drawing hundreds of figures keeps none.

    Examples
    --------
    >>> fig = make_figure()
    >>> bundle = fig._repr_mimebundle_()
    >>> sorted(bundle[0]), bundle[1]["image/png"]["width"]
    (['image/png'], 800)
    """

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
        fmt = _display["format"]
        if fmt == "auto":
            with plot_style():
                fmt = "svg" if needs_cjk(self) and not register_cjk_fonts() else "png"
        if fmt == "svg":
            return {"image/svg+xml": figure_svg(self, salt=f"orgkit-{id(self):x}")}, {}
        data = figure_png(self, dpi=2 * FIGURE_DPI)
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")  # IHDR
        return {"image/png": data}, {"image/png": {"width": width // 2, "height": height // 2}}


def make_figure(figsize: tuple[float, float] = (8.0, 4.5), **kwargs: Any) -> OrgkitFigure:
    """A new figure for an orgkit plot: constrained layout, shown by Jupyter, unknown to pyplot.

    Parameters
    ----------
    figsize : (float, float)
        Width and height in inches (100 pixels each in the report).
    **kwargs
        Passed to :class:`~matplotlib.figure.Figure` (``layout`` defaults to ``"constrained"``).

    Returns
    -------
    OrgkitFigure
        Add axes with ``fig.add_subplot()`` or ``fig.subplots(...)``.
    """
    kwargs.setdefault("layout", "constrained")
    return OrgkitFigure(figsize=figsize, **kwargs)


def new_figure(ax: Axes | None = None, figsize: tuple[float, float] = (8.0, 4.5)) -> tuple[Figure, Axes]:
    """The figure and axes to draw on: ``ax``'s own, or a new :class:`OrgkitFigure` (:func:`make_figure`).

    A figure made here is never shown twice by Jupyter's inline backend (pyplot does not know it); it
    displays as a picture when returned from a cell. Numeric tick labels of 1,000 and more are written
    with thousands separators, as the report's text writes them (:class:`GroupedFormatter`).

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> ax.xaxis.get_major_formatter()(1250.0), ax.xaxis.get_major_formatter()(-3000.0)
    ('1,250', '−3,000')
    """
    if ax is not None:
        fig = ax.get_figure(root=True) if hasattr(ax, "get_figure") else ax.figure
    else:
        fig = make_figure(figsize)
        ax = fig.add_subplot()
    for axis in (ax.xaxis, ax.yaxis):
        if type(axis.get_major_formatter()) is ScalarFormatter:
            axis.set_major_formatter(GroupedFormatter())
    return fig, ax


class GroupedFormatter(ScalarFormatter):
    """matplotlib's default tick labels, with whole numbers of 1,000 and more grouped by thousands.

    One number format everywhere: an axis reads "1,250" as the text beside it does, with a true minus sign.
    """

    def __init__(self) -> None:
        super().__init__(useOffset=False)
        self.set_scientific(False)  # whole numbers as they are: no offset, no "×10³" for the grouping to break

    def __call__(self, x: float, pos: int | None = None) -> str:
        if abs(x) >= 1000 and float(x).is_integer():
            return f"{x:,.0f}".replace("-", "\N{MINUS SIGN}")
        return super().__call__(x, pos)


#: Characters that never begin a line (closing punctuation, CJK and Latin): they stay with the text before.
_NO_LINE_START = frozenset("，。、；：？！）」』》〉】”’,.;:?!)]}…%")
_TOKENS = re.compile("\\s+|[\u2e80-\U0010ffff]|[^\\s\u2e80-\U0010ffff]+")


def _columns(text: str) -> int:
    """Width of ``text`` in columns: a CJK character takes two (as in :func:`truncate`)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns with an ellipsis, after a whole word when one ends past half the width."""
    cut = truncate(text, width)
    if cut == text or text[len(cut) - 1:len(cut)].isspace():  # nothing cut, or cut where a word ends
        return cut
    space = cut.rfind(" ")
    return cut[:space].rstrip(" ,;:") + "…" if _columns(cut[:space]) > width // 2 else cut


def wrap_label(text: str, width: int = 40, max_lines: int = 2, suffix: str = "") -> str:
    """``text`` on at most ``max_lines`` lines of about ``width`` columns, cut with an ellipsis beyond.

    Parameters
    ----------
    text : str
        A label: English breaks between words, Chinese between any two characters (closing
        punctuation never starts a line); a word longer than a line is cut.
    width : int
        Columns per line (a CJK character takes two, as in :func:`truncate`).
    max_lines : int
        Lines at most; the last one ends with an ellipsis when the text does not fit.
    suffix : str
        Words that must stay whole at the end of the last line (a marker such as "(reverse-worded)"):
        joined with a space after Latin text, directly after a CJK character, and never cut by the
        ellipsis.

    Returns
    -------
    str
        The lines joined with ``"\\n"``.

    Examples
    --------
    >>> print(wrap_label("I know exactly what I am responsible for.", 22))
    I know exactly what I
    am responsible for.
    >>> print(wrap_label("I know exactly what I am responsible for.", 12))
    I know
    exactly…
    >>> print(wrap_label("Decisions often go through more approval steps than they need.", 20,
    ...                  suffix="(reverse-worded)"))
    Decisions often go
    th… (reverse-worded)
    >>> print(wrap_label("我清楚地知道自己负责哪些工作。", 14))
    我清楚地知道自
    己负责哪些工作。
    """
    text = " ".join(str(text).split())
    width = max(int(width), 4)
    lines: list[str] = []
    line = ""
    for token in _TOKENS.findall(text):
        if token.isspace():
            if line:
                line += " "
            continue
        if _columns(line + token) <= width or (line.strip() and token in _NO_LINE_START):
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        while _columns(token) > width:  # a word longer than a line: cut it
            head = truncate(token, width + 1)[:-1]
            lines.append(head)
            token = token[len(head):]
        line = token
    if line.strip():
        lines.append(line.rstrip())
    if not suffix:
        if len(lines) <= max_lines:
            return "\n".join(lines)
        return "\n".join(lines[:max_lines - 1] + [_cut(" ".join(lines[max_lines - 1:]), width)])
    joiner = "" if (not lines or (lines[-1] and ord(lines[-1][-1]) > 0x2E80) or ord(suffix[0]) > 0x2E80) else " "
    if len(lines) <= max_lines and lines and _columns(lines[-1] + joiner + suffix) <= width:
        return "\n".join(lines[:-1] + [lines[-1] + joiner + suffix])
    if len(lines) < max_lines:
        return "\n".join(lines + [suffix])
    room = width - _columns(suffix) - 1
    rest = _cut(" ".join(lines[max_lines - 1:]), max(room, 2))
    joiner = "" if ord(suffix[0]) > 0x2E80 else " "
    return "\n".join(lines[:max_lines - 1] + [rest + joiner + suffix])


def figure_png(fig: Figure, dpi: int = FIGURE_DPI) -> bytes:
    """The figure as PNG bytes, drawn once with orgkit's style.

    Parameters
    ----------
    fig : Figure
        The figure to draw.
    dpi : int
        Pixels per inch of the PNG.

    Returns
    -------
    bytes
        An RGB PNG (the figures have an opaque white background, so no alpha channel).

    Notes
    -----
    ``savefig`` of a figure with a layout engine draws it twice (a layout pass with drawing disabled,
    then the real draw), and ``bbox_inches="tight"`` twice again. orgkit's figures use constrained
    layout, which already fits labels and outside legends, so a figure that lives on no interactive
    canvas is drawn once on an Agg canvas here (the layout engine runs inside that draw) and the pixels
    are encoded as RGB with a fast PNG compression level (levels 1 and 3 cost the same here, 6 costs
    40% more for 9% smaller files). The pixels are those ``savefig`` would give at the same dpi. A
    figure without a layout engine, with a transparent background or shown by an interactive backend
    goes through ``savefig`` (on white; with a tight bounding box when it has no layout engine). A
    figure without CJK text (:func:`needs_cjk`) is drawn with DejaVu Sans alone: with the CJK
    fallbacks every text costs a font lookup per family.
    """
    from matplotlib.backend_bases import FigureCanvasBase
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buf = io.BytesIO()
    with plot_style():
        cjk = needs_cjk(fig)  # may create an axis's first tick: with orgkit's style, as the draw would
    if not cjk:
        _latin_only(fig)
    elif not register_cjk_fonts():
        _warn_png_boxes()  # once, with the fix, instead of matplotlib's warning per missing glyph
    with plot_style(cjk), _quiet_missing_glyphs(cjk and not register_cjk_fonts()):
        canvas = fig.canvas
        opaque = fig.patch.get_facecolor()[3] >= 1  # the RGB PNG below has no alpha to show through
        if fig.get_layout_engine() is None or type(canvas) not in (FigureCanvasBase, FigureCanvasAgg) or not opaque:
            tight = fig.get_layout_engine() is None
            fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight" if tight else None, facecolor="white",
                        metadata={"Software": None}, pil_kwargs={"compress_level": _PNG_COMPRESS_LEVEL})
            return buf.getvalue()
        from PIL import Image

        if type(canvas) is not FigureCanvasAgg:
            canvas = FigureCanvasAgg(fig)
        old_dpi = fig.dpi
        try:
            fig.set_dpi(dpi)
            canvas.draw()
            width, height = canvas.get_width_height(physical=True)
            rgba = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
            rgba.convert("RGB").save(buf, format="png", compress_level=_PNG_COMPRESS_LEVEL, dpi=(dpi, dpi))
        finally:
            fig.set_dpi(old_dpi)
    return buf.getvalue()


@contextlib.contextmanager
def _quiet_missing_glyphs(quiet: bool = True) -> Iterator[None]:
    """Silence matplotlib's "Glyph ... missing from font" warnings (when orgkit has said it once itself)."""
    import warnings

    with warnings.catch_warnings():
        if quiet:
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font", category=UserWarning)
        yield


def figure_svg(fig: Figure, *, salt: str = "orgkit", dpi: int = FIGURE_DPI) -> str:
    """The figure as an SVG document whose text is text, for the reader's browser to draw.

    Parameters
    ----------
    fig : Figure
        The figure to draw.
    salt : str
        Makes the ids inside the SVG unique per figure (use the figure's name) and the output
        deterministic.
    dpi : int
        Pixels per inch of the parts embedded as pixels (see Notes).

    Returns
    -------
    str
        A standalone SVG (``<svg ...>...</svg>``, no XML prolog, no date).

    Notes
    -----
    ``svg.fonttype: none`` keeps every label as a ``<text>`` element; its ``font-family`` lists DejaVu
    Sans, then the CJK families of every platform, then ``sans-serif``, so the browser that shows the
    report (or Chromium printing the PDF) picks a font it has. The layout (constrained layout, label
    widths) is measured with this machine's fonts; without a CJK font matplotlib measures each CJK
    character as DejaVu's missing-glyph box, which is wider than a CJK glyph, so labels still fit.
    Collections of more than ``400`` paths (a dense network's edges, a large org chart's nodes) are
    embedded as pixels at ``dpi``, which keeps the file small; text is never rasterised.
    """
    from matplotlib.collections import Collection

    buf = io.StringIO()
    with plot_style():
        cjk = needs_cjk(fig)
    if not cjk:
        _latin_only(fig)
    changed = []
    for coll in fig.findobj(Collection):
        if not coll.get_rasterized() and len(coll.get_paths()) + len(coll.get_offsets()) > _SVG_RASTER_PATHS:
            coll.set_rasterized(True)
            changed.append(coll)
    rc = {"svg.fonttype": "none", "svg.hashsalt": salt, "svg.image_inline": True}
    try:
        # the text is drawn by the browser: a glyph this machine lacks is not missing from the figure
        with plot_style(cjk), mpl.rc_context(rc), _quiet_missing_glyphs():
            fig.savefig(buf, format="svg", dpi=dpi, facecolor="white",
                        metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    finally:
        for coll in changed:
            coll.set_rasterized(False)
    text = buf.getvalue()
    text = _SVG_FONT_FAMILY.sub("", text[text.index("<svg"):])  # one rule for every text, below
    return text.replace("<style type=\"text/css\">", f"<style type=\"text/css\">text{{font-family: {_SVG_FONT_STACK}}}", 1)


def department_colors(departments: Iterable[str], other: str = "#c3c9d1") -> dict[str, str]:
    """A stable colour per department: sorted names take the palette in turn (the same in every figure).

    Examples
    --------
    >>> department_colors(["Sales", "IT"])
    {'IT': '#2b5d8a', 'Sales': '#e07b39'}
    """
    names = sorted({str(d) for d in departments})
    return {d: _PALETTE[i % len(_PALETTE)] if i < 2 * len(_PALETTE) else other for i, d in enumerate(names)}


def truncate(text: str, width: int = 28) -> str:
    """``text`` cut to at most ``width`` columns, ellipsis included (CJK characters take two columns).

    Examples
    --------
    >>> truncate("Customer Service", 10)
    'Customer…'
    """
    text = str(text)
    cols = [2 if ord(ch) > 0x2E80 else 1 for ch in text]
    if sum(cols) <= width:
        return text
    out, used = [], 0
    for ch, w in zip(text, cols):
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out).rstrip() + "…"
