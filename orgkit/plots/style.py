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
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

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
    "department_legend",
    "DEPARTMENT_PALETTE",
    "OTHER_DEPARTMENTS_COLOR",
    "HIDDEN_COLOR",
    "cielab",
    "delta_e",
    "text_width",
    "fit_text",
    "wrap_text",
    "two_line_width",
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
#: Department colours, most distinct first: an organisation with k departments uses the first k
#: (:func:`department_colors`). The first six are Okabe and Ito's colour-blind-safe palette [1]_
#: (its yellow and black left out: yellow vanishes on white, black is the ink); each further colour was
#: chosen as the sRGB colour (lightness 35-78, chroma 28-70) farthest, in CIEDE2000, from the colours
#: before it, the greys below and white. Any two of the 20 differ by ΔE00 > 18 (:func:`delta_e`), any one
#: from the greys and from white by more than 17 (so "other" never looks like a department).
#:
#: .. [1] Okabe, M., & Ito, K. (2008). Color universal design (CUD): how to make figures and presentations
#:    that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
DEPARTMENT_PALETTE = (
    "#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#615500", "#aa0031", "#aace49", "#922492",
    "#ffaa92", "#006124", "#928655", "#00cece", "#86553d", "#e75555", "#555586", "#007979", "#559200", "#ce9eff",
)
#: The one colour of every department beyond the 19 largest when an organisation has more than 20.
OTHER_DEPARTMENTS_COLOR = "#8a94a3"
#: The colour of groups a figure does not show (smaller than the minimum group size, or hidden with them).
HIDDEN_COLOR = "#c3c9d1"
#: Font size at which :func:`text_width` reads glyph advances (any size works: advances scale linearly).
_MEASURE_SIZE = 100.0

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
    with plot_style(cjk), quiet_missing_glyphs(cjk and not register_cjk_fonts()):
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
def quiet_missing_glyphs(quiet: bool = True) -> Iterator[None]:
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
        with plot_style(cjk), mpl.rc_context(rc), quiet_missing_glyphs():
            fig.savefig(buf, format="svg", dpi=dpi, facecolor="white",
                        metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    finally:
        for coll in changed:
            coll.set_rasterized(False)
    text = buf.getvalue()
    text = _SVG_FONT_FAMILY.sub("", text[text.index("<svg"):])  # one rule for every text, below
    return text.replace("<style type=\"text/css\">", f"<style type=\"text/css\">text{{font-family: {_SVG_FONT_STACK}}}", 1)


def department_colors(departments: Sequence[str] | Any, *, limit: int | None = None) -> dict[str, str]:
    """A distinct colour per department, the same in every figure of a report.

    Parameters
    ----------
    departments : sequence of str, or Series/mapping of headcounts
        The organisation's departments, largest first; or their headcounts by name (a Series such as
        :meth:`orgkit.data.client.Client.department_sizes`, ordered here by headcount, ties by name).
        Repeated names count once, at their first place.
    limit : int, optional
        The most colours to hand out (default and at most ``len(DEPARTMENT_PALETTE)``, 20).

    Returns
    -------
    dict
        Name to hex colour for every name given, in the order given. With at most ``limit`` departments
        each has its own colour of :data:`DEPARTMENT_PALETTE`; with more, the ``limit - 1`` first
        (largest) have their own and all the others share :data:`OTHER_DEPARTMENTS_COLOR`, a grey no
        department gets: a legend shows that grey once, as "Other departments"
        (:func:`department_legend`). So two departments never share a colour, except those grouped as
        "other".

    Notes
    -----
    The departments with their own colour take the palette's first colours (the most distinct) in
    the order of their names, so the order of equal headcounts, or of the list, does not change a
    colour; what a colour depends on is which departments the list holds. Pass the same list in every
    figure of a report (the departments of at least the minimum group size:
    ``sizes[sizes >= k]``): a figure that draws a subset then colours each department as the others
    do. Groups a figure hides are drawn in :data:`HIDDEN_COLOR` by the figure itself, never in a
    department's colour. The colours are distinct in CIELAB (see :data:`DEPARTMENT_PALETTE`).

    Examples
    --------
    >>> department_colors(["Sales", "IT"])
    {'Sales': '#e69f00', 'IT': '#0072b2'}
    >>> department_colors(["IT", "Sales"]) == department_colors(["Sales", "IT"])
    True
    >>> import pandas as pd
    >>> department_colors(pd.Series({"IT": 12, "HR": 30, "Ops": 12}))
    {'HR': '#0072b2', 'IT': '#e69f00', 'Ops': '#009e73'}
    >>> colours = department_colors([f"D{i:02d}" for i in range(25)])
    >>> len(set(colours.values())), colours["D18"] != colours["D19"] == colours["D24"] == OTHER_DEPARTMENTS_COLOR
    (20, True)
    """
    if hasattr(departments, "items"):  # headcounts by name: largest first, ties by name
        pairs = sorted(((str(k), float(v)) for k, v in departments.items()), key=lambda kv: (-kv[1], kv[0]))
        departments = [k for k, _ in pairs]
    names = list(dict.fromkeys(str(d) for d in departments))
    n = len(DEPARTMENT_PALETTE) if limit is None else max(1, min(int(limit), len(DEPARTMENT_PALETTE)))
    own = names if len(names) <= n else names[: n - 1]
    colour = dict(zip(sorted(own), DEPARTMENT_PALETTE))
    return {d: colour.get(d, OTHER_DEPARTMENTS_COLOR) for d in names}


def department_legend(colors: dict[str, str], shown: Iterable[str], language: str = "en") -> list[tuple[str, str]]:
    """The legend entries ``(label, colour)`` for the departments a figure draws.

    Departments with their own colour come in the order of ``colors`` (largest first); those sharing
    :data:`OTHER_DEPARTMENTS_COLOR` are one entry, "Other departments", last. Names not in ``colors``
    (hidden groups) are left out: a figure adds its own entry for them.

    Examples
    --------
    >>> colours = department_colors([f"D{i}" for i in range(22)])
    >>> department_legend(colours, ["D21", "D0", "D20"])
    [('D0', '#0072b2'), ('Other departments', '#8a94a3')]
    """
    from orgkit.i18n import t

    drawn = {str(d) for d in shown}
    entries = [(d, c) for d, c in colors.items() if d in drawn and c != OTHER_DEPARTMENTS_COLOR]
    if any(colors.get(d) == OTHER_DEPARTMENTS_COLOR for d in drawn):
        entries.append((t("figure.other_departments", language), OTHER_DEPARTMENTS_COLOR))
    return entries


def cielab(colors: Iterable[Any]) -> np.ndarray:
    """CIELAB coordinates ``(L*, a*, b*)`` of sRGB colours (D65 white), one row per colour.

    Examples
    --------
    >>> (cielab(["#ffffff", "#000000"]).round(2) + 0.0).tolist()
    [[100.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    from matplotlib.colors import to_rgb

    rgb = np.array([to_rgb(c) for c in colors], dtype=float).reshape(-1, 3)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = linear @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1) + 0.0


def delta_e(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """The CIEDE2000 colour difference ΔE00 between CIELAB colours, row by row.

    Parameters
    ----------
    lab1, lab2 : array of shape (n, 3) or (3,)
        CIELAB coordinates (:func:`cielab`).

    Returns
    -------
    ndarray
        ΔE00 per row (a scalar array for single colours). About 1 is the smallest difference people see;
        colours that must read as different categories side by side want 10 or more.

    Notes
    -----
    The formula of Sharma, Wu and Dalal [1]_ with ``kL = kC = kH = 1``, including their hue-angle
    conventions for achromatic colours (checked against their published test pairs).

    References
    ----------
    .. [1] Sharma, G., Wu, W., & Dalal, E. N. (2005). The CIEDE2000 color-difference formula:
       implementation notes, supplementary test data, and mathematical observations. *Color Research &
       Application*, 30(1), 21-30. https://doi.org/10.1002/col.20070
    """
    l1, a1, b1 = np.asarray(lab1, dtype=float).T
    l2, a2, b2 = np.asarray(lab2, dtype=float).T
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1 = np.degrees(np.arctan2(b1, a1p)) % 360
    h2 = np.degrees(np.arctan2(b2, a2p)) % 360
    chroma0 = c1p * c2p == 0
    dh = h2 - h1
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(chroma0, 0.0, dh)
    d_l, d_c = l2 - l1, c2p - c1p
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    h_sum = h1 + h2
    h_bar = np.where(np.abs(h1 - h2) > 180, np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2), h_sum / 2)
    h_bar = np.where(chroma0, h_sum, h_bar)
    t = (1 - 0.17 * np.cos(np.radians(h_bar - 30)) + 0.24 * np.cos(np.radians(2 * h_bar))
         + 0.32 * np.cos(np.radians(3 * h_bar + 6)) - 0.20 * np.cos(np.radians(4 * h_bar - 63)))
    d_theta = 30 * np.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_bar**7 / (cp_bar**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    return np.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h))


@functools.lru_cache(maxsize=2)
def _latin_font(bold: bool) -> Any:
    from matplotlib import font_manager as fm
    from matplotlib.ft2font import FT2Font

    path = fm.findfont(fm.FontProperties(family=_LATIN_FAMILY, weight="bold" if bold else "normal"))
    font = FT2Font(path)
    font.set_size(_MEASURE_SIZE, 72)  # at 72 dpi a pixel is a point
    return font


@functools.lru_cache(maxsize=8192)
def _advance(ch: str, bold: bool) -> float:
    """The advance width of one character in ems: DejaVu Sans's glyph, one em for CJK (and unknown) ones."""
    from matplotlib.ft2font import LoadFlags

    if _CJK_CHAR.match(ch):
        return 1.0
    font = _latin_font(bold)
    if font.get_char_index(ord(ch)) == 0:
        return 1.0
    return font.load_char(ord(ch), flags=LoadFlags.NO_HINTING).linearHoriAdvance / 65536 / _MEASURE_SIZE


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of one line of ``text`` in points at ``size``, as orgkit's figures draw it.

    Latin text is measured with the advance widths of DejaVu Sans (the figures' Latin font, which ships
    with matplotlib, so the answer is the same on every machine); a CJK character (and any character
    DejaVu Sans lacks) counts one em, the advance of CJK fonts. Kerning is ignored, which errs on the
    wide side. The reader's browser may draw an SVG's text in another font (Verdana, DejaVu's metric
    twin, or a narrower sans-serif), so labels measured here fit there too.

    Examples
    --------
    >>> round(text_width("Sales", 10), 1), text_width("研发", 10)
    (26.6, 20.0)
    """
    return size * sum(_advance(ch, bold) for ch in str(text))


def fit_text(text: str, width: float, size: float, bold: bool = False) -> str:
    """``text`` as drawn in ``width`` points: whole when it fits, else cut with an ellipsis (``…``).

    Examples
    --------
    >>> fit_text("Customer Service", 40, 10)
    'Custo…'
    >>> fit_text("IT", 40, 10)
    'IT'
    """
    text = str(text)
    if text_width(text, size, bold) <= width:
        return text
    room = width - text_width("…", size, bold)
    widths = np.cumsum([_advance(ch, bold) * size for ch in text])
    keep = int(np.searchsorted(widths, room, side="right"))
    return (text[:keep].rstrip() + "…") if keep else ("…" if room >= 0 else "")


#: Characters a wrapped line had better not start with ("Production -" / "Plant A", not "Production" / "- Plant A").
_NO_LINE_START = "-–—&·/)）、，。：；"
_WRAP_TOKEN = re.compile(r"[\u2e80-\U0010ffff]|[^ \u2e80-\U0010ffff]+ *| +")


def wrap_text(text: str, width: float, size: float, bold: bool = False, max_lines: int = 2) -> list[str]:
    """``text`` broken into at most ``max_lines`` lines of at most ``width`` points each.

    Lines break at a space or between two CJK characters (a no-break space holds two words together).
    Two lines are balanced: of the breaks that fit, the one with the narrower wider line, preferring
    one that does not start the second line with a dash, an ampersand or closing punctuation. A word wider
    than a line is cut, and the last line ends with an ellipsis when the text does not fit
    (:func:`fit_text`).

    Examples
    --------
    >>> wrap_text("Research & Development", 60, 10)
    ['Research &', 'Development']
    >>> wrap_text("+ 44 managers, 3 layers below", 100, 10)
    ['+ 44 managers,', '3 layers below']
    >>> wrap_text("Customer Service", 200, 10)
    ['Customer Service']
    >>> wrap_text("International Business Development", 70, 10)
    ['International', 'Business D…']
    """
    text = re.sub(r"[ \t\r\n]+", " ", str(text)).strip()
    if text_width(text, size, bold) <= width or max_lines <= 1:
        return [fit_text(text, width, size, bold)]
    tokens = _WRAP_TOKEN.findall(text)
    if max_lines == 2:
        best: tuple[bool, float, list[str]] | None = None
        for i in range(1, len(tokens)):
            first, second = "".join(tokens[:i]).rstrip(), "".join(tokens[i:]).strip()
            wider = max(text_width(first, size, bold), text_width(second, size, bold))
            if first and second and wider <= width:
                key = (second[0] in _NO_LINE_START, wider, [first, second])
                best = key if best is None or key[:2] < best[:2] else best
        if best is not None:
            return best[2]
    lines: list[str] = []
    current = ""
    for i, token in enumerate(tokens):
        if text_width((current + token).rstrip(), size, bold) <= width:
            current += token
            continue
        if len(lines) == max_lines - 1 or not current.strip():
            return lines + [fit_text((current + "".join(tokens[i:])).strip(), width, size, bold)]
        lines.append(current.rstrip())
        current = token.lstrip()
    lines.append(current.strip())
    return lines


def two_line_width(text: str, size: float, bold: bool = False) -> float:
    """The narrowest width, in points, in which ``text`` fits on two lines (:func:`wrap_text`'s breaks).

    The width of one line when the text has nowhere to break.

    Examples
    --------
    >>> two_line_width("Customer Service", 10) == text_width("Customer", 10)
    True
    """
    text = re.sub(r"[ \t\r\n]+", " ", str(text)).strip()
    tokens = _WRAP_TOKEN.findall(text)
    best = text_width(text, size, bold)
    for i in range(1, len(tokens)):
        first, second = "".join(tokens[:i]).rstrip(), "".join(tokens[i:]).strip()
        if first and second:
            best = min(best, max(text_width(first, size, bold), text_width(second, size, bold)))
    return best


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
