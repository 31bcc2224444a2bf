"""Figures of the communication analysis: ties between departments against random mixing, the network
(people where it can be read, departments otherwise), E-I per department.

Each function takes the tables of :class:`orgkit.areas.communication.CommunicationResult` (already free of
small groups) and an optional ``ax``, and returns the figure. Layouts are seeded, so the same data always
give the same picture; the layout of the people network is a separate function so it is computed once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from orgkit.areas.communication import OTHER_DEPARTMENTS, OTHER_GROUP, DepartmentMixing, NetworkComponents
from orgkit.errors import ConfigError
from orgkit.i18n import t, tn
from orgkit.plots.style import (
    HIDDEN_COLOR,
    STATUS_COLORS,
    department_colors,
    make_figure,
    new_figure,
    plot_style,
    quiet_missing_glyphs,
    text_width,
    truncate,
)

__all__ = ["plot_department_mixing", "plot_department_graph", "department_graph_layout", "plot_department_heatmap",
           "network_layout", "sample_people", "plot_network", "plot_ei_index", "mixing_scale", "left_out_text"]

logger = logging.getLogger(__name__)

#: The diverging colours of ties against random mixing: blue fewer, white as many, red more.
MIXING_CMAP = "RdBu_r"
#: Cells and nodes without evidence (a group without ties).
_NO_DATA = "#e4e8ec"
_POOLED_INK = "#5f6b7a"


def _other(name: str, language: str) -> str:
    """A bucket of the communication module (:data:`OTHER_GROUP`, :data:`OTHER_DEPARTMENTS`) in ``language``."""
    if name == OTHER_GROUP:
        return t("group.other", language)
    if name == OTHER_DEPARTMENTS:
        return t("group.other_departments", language)
    return name


def _colors(names: Iterable[str]) -> dict[str, str]:
    """The departments' colours: the one call to the shared palette in this module."""
    return department_colors(names)


def _label_size(k: int) -> float:
    """Font size of ``k`` department labels in a row: 9 points up to 12, down to 6 at 30 and beyond."""
    return float(np.clip(9.0 - (k - 12) * 3.0 / 18.0, 6.0, 9.0))


def _text_inches(texts: Iterable[str], points: float) -> float:
    """About how wide the longest of ``texts`` is at ``points`` (DejaVu Sans: 0.6 em a Latin character,
    a CJK character two)."""
    columns = max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(x)) for x in texts), default=0)
    return 0.6 * points / 72.0 * columns


def mixing_scale(ratio: pd.DataFrame | np.ndarray) -> int:
    """Half-width ``L`` of the colour scale of ties against random mixing, in doublings: colours run from
    ``2**-L`` (deepest blue) through 1 (white) to ``2**L`` (deepest red).

    ``L`` is the 95th percentile of ``|log2 r|`` over the cells with ties (every cell when none has ties),
    rounded up, between 1 (half to twice) and 6 (1/64 to 64 times): the scale fits the organisation, and a
    silo's row of far-below-random cells stays at the blue end. Cells beyond it take the end colour (the
    colour bar's arrows).

    Examples
    --------
    >>> mixing_scale(np.array([[8.0, 0.5], [0.5, 3.0]]))
    3
    """
    r = np.asarray(ratio, dtype=np.float64).ravel()
    r = r[np.isfinite(r) & (r > 0)]
    if r.size == 0:
        return 1
    return int(np.clip(np.ceil(np.quantile(np.abs(np.log2(r)), 0.95) - 1e-9), 1, 6))


def _mixing_colours(ratio: np.ndarray, scale: int) -> tuple[np.ndarray, Any, Any]:
    """``log2 r`` clipped to the scale (NaN kept), the colour map and its norm."""
    import matplotlib as mpl
    from matplotlib.colors import Normalize

    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.log2(np.asarray(ratio, dtype=np.float64))
    x = np.where(np.isneginf(x), -scale, x)
    cmap = mpl.colormaps[MIXING_CMAP].with_extremes(bad=_NO_DATA)
    return np.clip(x, -scale, scale), cmap, Normalize(-scale, scale)


def _times(power: int) -> str:
    """``×8``, ``×1``, ``×1/4``: a power of two as a multiple."""
    return f"×{2 ** power}" if power >= 0 else f"×1/{2 ** -power}"


def _mixing_colorbar(fig: Figure, mappable: Any, ax: Axes, scale: int, language: str, *,
                     shrink: float = 0.8, cax: Axes | None = None) -> Any:
    """The colour bar of ties against random mixing, saying in words what the colours mean (in ``cax``
    when given, else beside ``ax``)."""
    if cax is not None:
        bar = fig.colorbar(mappable, cax=cax, extend="both")
    else:
        bar = fig.colorbar(mappable, ax=ax, shrink=shrink, pad=0.02, aspect=28, extend="both")
    bar.outline.set_visible(False)
    ticks, labels = _colorbar_labels(scale, language)
    bar.set_ticks(ticks, labels=labels)
    bar.ax.tick_params(length=2, labelsize=8)
    bar.set_label(t("figure.mixing.label", language), fontsize=9)
    return bar


def _colorbar_labels(scale: int, language: str) -> tuple[list[int], list[str]]:
    """Ticks of the colour bar (powers of two) and their labels, the ends and the middle in words."""
    step = 1 if scale <= 4 else 2
    ticks = sorted({*range(-scale, scale + 1, step), -scale, 0, scale})
    labels = [_times(p) for p in ticks]
    labels[ticks.index(scale)] += "  " + t("figure.mixing.more", language)
    labels[ticks.index(0)] += "  " + t("figure.mixing.same", language)
    labels[ticks.index(-scale)] += "  " + t("figure.mixing.fewer", language)
    return ticks, labels


def _ratio_text(r: float) -> str:
    """A ratio in a cell: two significant figures, ``0`` for none."""
    if not np.isfinite(r):
        return ""
    if r == 0:
        return "0"
    if r >= 10:
        return f"{r:.0f}"
    return f"{r:.2g}" if r < 1 else f"{r:.1f}"


def plot_department_mixing(
    mixing: DepartmentMixing,
    *,
    silos: Iterable[str] = (),
    language: str = "en",
    annotate: bool | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Ties between departments as a multiple of random mixing: a symmetric matrix, departments that mix
    alike next to each other, a silo's own cell red and its row blue.

    Parameters
    ----------
    mixing : DepartmentMixing
        :attr:`CommunicationResult.mixing` or :func:`orgkit.areas.communication.department_mixing`
        (small departments already pooled or dropped; drawn in its order).
    silos : iterable of str
        Silo departments: their names in red, marked "(silo)", their own cell outlined in black.
    language : {"en", "zh"}
    annotate : bool, optional
        Write each cell's ratio (default: up to 12 departments).
    ax : Axes, optional

    Returns
    -------
    Figure

    Notes
    -----
    Each cell is ``T / E``: the ties between two departments over the ties random mixing at the same tie
    degrees would give them (:func:`orgkit.areas.communication.department_mixing`); the diagonal is within
    a department. Colours are on a log scale (twice as many and half as many are equally strong red and
    blue) over :func:`mixing_scale`; grey cells have no evidence (a group without ties). The matrix is
    symmetric: one label per department, the same on both axes. Labels shrink from 9 to 6 points between
    12 and 30 departments and the figure grows, so they never overlap.
    """
    labels = mixing.labels
    k = len(labels)
    silo_set = {str(x) for x in silos}
    size = _label_size(k)
    names = [truncate(_other(n, language), 30) for n in labels]
    names = [t("figure.silo_name", language, name=nm) if n in silo_set else nm for n, nm in zip(labels, names)]
    ratio = mixing.ratio.to_numpy(dtype=float)
    empty = k == 0 or not np.isfinite(ratio).any()
    scale = mixing_scale(ratio) if not empty else 1
    cax = None
    with plot_style():
        side = float(np.clip(2.6 + 0.2 * k, 3.2, 7.2))
        if ax is None and not empty:  # its own figure: places measured once, no layout pass
            fig, ax, cax = _matrix_figure(side, names, size, k <= 10, _colorbar_labels(scale, language)[1],
                                          t("figure.mixing.label", language))
        else:
            label = _text_inches(names, size)
            fig, ax = new_figure(ax, figsize=(side + label + 2.4, side + label + 0.3))
        if empty:
            ax.text(0.5, 0.5, t("figure.no_data", language), ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        x, cmap, norm = _mixing_colours(ratio, scale)
        im = ax.imshow(np.ma.masked_invalid(x), cmap=cmap, norm=norm, aspect="equal", interpolation="nearest")
        ax.set_xticks(range(k), names, rotation=45 if k <= 10 else 90, ha="right" if k <= 10 else "center",
                      rotation_mode="anchor" if k <= 10 else "default", fontsize=size)
        ax.set_yticks(range(k), names, fontsize=size)
        for axis_labels in (ax.get_xticklabels(), ax.get_yticklabels()):
            for tick, name in zip(axis_labels, labels):
                if name in silo_set:
                    tick.set_color(STATUS_COLORS["red"])
                    tick.set_fontweight("bold")
                elif name in (OTHER_GROUP, OTHER_DEPARTMENTS):
                    tick.set_color(_POOLED_INK)
                    tick.set_fontstyle("italic")
        ax.set_xticks(np.arange(k + 1) - 0.5, minor=True)
        ax.set_yticks(np.arange(k + 1) - 0.5, minor=True)
        ax.grid(which="minor", color="white", linewidth=0.6 if k > 20 else 1.0)
        ax.tick_params(which="both", length=0)
        ax.spines[:].set_visible(False)
        from matplotlib.patches import Rectangle

        for i, name in enumerate(labels):
            if name in silo_set:
                ax.add_patch(Rectangle((i - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="#1f2933",  # dark on red
                                       linewidth=2.0, zorder=4, clip_on=False))
        if annotate if annotate is not None else k <= 12:
            for (i, j), r in np.ndenumerate(ratio):
                if np.isfinite(r):
                    strong = abs(x[i, j]) > 0.55 * scale
                    ax.text(j, i, _ratio_text(r), ha="center", va="center", fontsize=7.5 if k <= 8 else 6.5,
                            color="white" if strong else "#1f2933", in_layout=False)  # inside its cell
        _mixing_colorbar(fig, im, ax, scale, language, cax=cax)
    return fig


def _matrix_figure(side: float, names: Sequence[str], size: float, slanted: bool, bar_ticks: Sequence[str],
                   bar_label: str) -> tuple[Figure, Axes, Axes]:
    """A figure sized for a ``side``-inch square matrix with its labels, and the matrix and colour-bar axes.

    The labels are measured once with this figure's renderer (bold, the widest style a label takes) and the
    margins set from them: the same fit as constrained layout, without its extra drawing pass.
    """
    fig = make_figure((side + 4.0, side + 2.0), layout=None)  # margins measured here, no layout engine

    def extent(texts: Sequence[str], points: float, weight: str = "normal") -> tuple[float, float]:
        # text_width: DejaVu's advances, a CJK character one em, the same on every machine (whether or not
        # it has a CJK font: the report's SVG text is drawn by the reader's browser)
        widest = max((text_width(str(x), points, bold=weight == "bold") for x in texts), default=0.0)
        return widest / 72.0, (points * 1.17 / 72.0) if texts else 0.0

    width, height = extent(names, size, "bold")
    below = (width + height) * 0.7072 if slanted else width  # labels at 45 degrees, or upright
    bar_w, bar_h = extent(bar_ticks, 8)
    _, line = extent([bar_label], 9)
    pad, tick = 0.12, 0.08
    left, bottom, top = pad + width + tick, pad + below + tick, 0.15
    right = 0.15 + 0.16 + 0.06 + bar_w + 0.1 + line + pad
    w, h = left + side + right, bottom + side + top
    fig.set_size_inches(w, h)
    ax = fig.add_axes((left / w, bottom / h, side / w, side / h))
    cax = fig.add_axes(((left + side + 0.15) / w, (bottom + 0.1 * side) / h, 0.16 / w, 0.8 * side / h))
    return fig, ax, cax


def plot_department_heatmap(
    matrix: pd.DataFrame,
    *,
    language: str = "en",
    value_label: str | None = None,
    max_departments: int = 20,
    ax: Axes | None = None,
) -> Figure:
    """A symmetric department matrix of any value (tie density, tie counts) as a heatmap, for analysts.

    The report draws :func:`plot_department_mixing` instead: raw density depends on department sizes and
    hides a silo. One label per department, the same on both axes (the matrix is symmetric).

    Parameters
    ----------
    matrix : DataFrame
        Square, same labels on both axes (e.g. ``CommunicationResult.matrix``, tie density).
    language : {"en", "zh"}
    value_label : str, optional
        Colour-bar label.
    max_departments : int
        Only the first (largest) departments are drawn; the rest are counted in the title.
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    with plot_style():
        m = matrix.iloc[:max_departments, :max_departments]
        k = len(m)
        size = min(9.0, 2.8 + 0.42 * k)
        fig, ax = new_figure(ax, figsize=(size + 1.2, size))
        if k == 0:
            ax.text(0.5, 0.5, t("figure.no_data", language), ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        values = m.to_numpy(dtype=float)
        finite = values[np.isfinite(values)]
        vmax = float(np.quantile(finite, 0.98)) if finite.size else 1.0
        im = ax.imshow(np.ma.masked_invalid(values), cmap="Blues", vmin=0, vmax=vmax or 1.0, aspect="equal")
        names = [truncate(_other(str(n), language), 24) for n in m.index]
        ax.set_xticks(range(k), names, rotation=45, ha="right", rotation_mode="anchor")
        ax.set_yticks(range(k), names)
        ax.spines[:].set_visible(False)
        ax.tick_params(length=0)
        if k <= 14:
            for i in range(k):
                for j in range(k):
                    v = values[i, j]
                    if np.isfinite(v):
                        dark = v > 0.6 * (vmax or 1.0)
                        ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8,
                                color="white" if dark else "#1f2933")
        bar = fig.colorbar(im, ax=ax, shrink=0.7, pad=0.02)
        bar.outline.set_visible(False)
        if value_label:
            bar.set_label(value_label)
        if len(matrix) > k:
            ax.set_title(t("figure.more", language, n=len(matrix) - k), loc="right", fontsize=9, fontweight="normal")
    return fig


def network_layout(edges: pd.DataFrame, nodes: pd.Index | list[str], *, seed: int = 0, iterations: int = 50) -> pd.DataFrame:
    """Seeded spring layout of the people ``nodes`` over ``edges`` (columns ``u``, ``v``, ``weight``).

    Returns
    -------
    DataFrame
        ``x``, ``y`` indexed by ``employee_id``, in ``[-1, 1]``.

    Notes
    -----
    Fruchterman-Reingold [1]_ as :func:`networkx.spring_layout` (edge weights ``log(1 + weight)``,
    ``k = 1.6 / sqrt(n)``), seeded, so the same data always give the same picture. Compute it once and
    pass it to :func:`plot_network`. Below 500 people (networkx's dense "force" method) the same
    arithmetic runs here on separate x and y arrays, about 5x faster than networkx's ``(n, n, 2)``
    arrays; the positions equal networkx's to ~1e-14 after a few iterations, and rounding differences
    grow over 50 iterations to a few hundredths of the unit square for some people (the same picture,
    as reproducible). From 500 people on, networkx's own sparse method is used.

    References
    ----------
    .. [1] Fruchterman, T. M. J., & Reingold, E. M. (1991). Graph drawing by force-directed placement.
       *Software: Practice and Experience*, 21(11), 1129-1164. https://doi.org/10.1002/spe.4380211102
    """
    nodes = pd.Index(nodes).unique()
    if len(nodes) == 0:
        return pd.DataFrame({"x": pd.Series(dtype=float), "y": pd.Series(dtype=float)})
    keep = edges["u"].isin(nodes) & edges["v"].isin(nodes)
    w = edges.loc[keep, "weight"] if "weight" in edges else pd.Series(1.0, index=edges.index[keep])
    weights = np.log1p(w.to_numpy(dtype=float))
    k = 1.6 / np.sqrt(len(nodes))
    if len(nodes) >= _DENSE_LAYOUT_MAX_NODES:
        import networkx as nx

        g = nx.Graph()
        g.add_nodes_from(nodes)
        g.add_weighted_edges_from(zip(edges.loc[keep, "u"], edges.loc[keep, "v"], weights))
        pos = nx.spring_layout(g, seed=seed, iterations=iterations, k=k)
        xy = np.array([pos[n] for n in nodes])
    else:
        adj = np.zeros((len(nodes), len(nodes)))
        iu, iv = nodes.get_indexer(edges.loc[keep, "u"]), nodes.get_indexer(edges.loc[keep, "v"])
        adj[iu, iv] = weights  # a repeated pair keeps its last weight, as networkx's add_weighted_edges_from
        adj[iv, iu] = weights
        xy = _fruchterman_reingold(adj, k, np.random.RandomState(seed).rand(len(nodes), 2), iterations)
    return pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1]}, index=nodes)


#: From this many people on, :func:`network_layout` uses networkx's sparse layout (as networkx does).
_DENSE_LAYOUT_MAX_NODES = 500


def _fruchterman_reingold(adj: np.ndarray, k: float, pos: np.ndarray, iterations: int,
                          threshold: float = 1e-4) -> np.ndarray:
    """networkx's dense ``_fruchterman_reingold`` and ``rescale_layout``, on x and y arrays."""
    n = len(pos)
    if n == 1:
        return np.zeros((1, 2))
    x, y = pos[:, 0].copy(), pos[:, 1].copy()
    t = max(np.ptp(x), np.ptp(y)) * 0.1  # the initial temperature, about 0.1 of the domain
    dt = t / (iterations + 1)  # linear cooling
    for _ in range(iterations):
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        dist = np.sqrt(dx * dx + dy * dy)
        np.clip(dist, 0.01, None, out=dist)
        force = k * k / dist**2 - adj * dist / k  # repulsion minus attraction along each pair
        px, py = (dx * force).sum(axis=1), (dy * force).sum(axis=1)
        step = t / np.clip(np.sqrt(px * px + py * py), 0.01, None)
        px *= step
        py *= step
        x += px
        y += py
        t -= dt
        if np.sqrt((px * px).sum() + (py * py).sum()) / n < threshold:
            break
    xy = np.column_stack([x, y])
    xy -= xy.mean(axis=0)
    lim = np.abs(xy).max()
    return xy / lim if lim > 0 else xy


def sample_people(people: pd.DataFrame, edges: pd.DataFrame, max_people: int, seed: int = 0) -> pd.Index:
    """At most ``max_people`` ids, drawn with probability rising with their number of ties (seeded).

    Drawing by degree keeps the connected core visible; a uniform draw from a sparse graph would show
    mostly unconnected dots.
    """
    ids = pd.Index(people["employee_id"])
    if len(ids) <= max_people:
        return ids
    deg = pd.concat([edges["u"], edges["v"]]).value_counts().reindex(ids, fill_value=0).to_numpy(dtype=float)
    p = (deg + 0.5) / (deg + 0.5).sum()
    rng = np.random.default_rng(seed)
    pick = np.sort(rng.choice(len(ids), size=max_people, replace=False, p=p))
    return ids[pick]


def _declutter(fig: Figure, texts: list[Any], *, passes: int = 40, pad: float = 2.0) -> None:
    """Move overlapping labels apart vertically (the later one of a pair), measured once.

    The labels' boxes are measured where they will be drawn (after the layout engine, when the figure has
    one) and then moved as boxes: a few dozen labels, no re-measuring. Labels are annotations whose offsets
    are in points.
    """
    if len(texts) < 2:
        return
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    with quiet_missing_glyphs():  # CJK labels on a machine without a CJK font: the browser draws the SVG's text
        if fig.get_layout_engine() is not None:
            fig.draw_without_rendering()  # the layout engine places the axes: labels where they will be drawn
        else:
            for ax in {tx.axes for tx in texts}:
                ax.apply_aspect()
        renderer = canvas.get_renderer()
        boxes = np.array([tx.get_window_extent(renderer).extents for tx in texts]) + [-pad, -pad, pad, pad]  # px
    start = boxes[:, 1].copy()
    for _ in range(passes):
        overlap = ((boxes[:, None, 0] < boxes[None, :, 2]) & (boxes[None, :, 0] < boxes[:, None, 2])
                   & (boxes[:, None, 1] < boxes[None, :, 3]) & (boxes[None, :, 1] < boxes[:, None, 3]))
        pairs = np.argwhere(np.triu(overlap, 1))
        if pairs.size == 0:
            break
        moved: set[int] = set()
        for i, j in pairs.tolist():
            if i in moved or j in moved:
                continue
            moved.add(j)
            if boxes[j, 1] >= boxes[i, 1]:  # j above i: up to i's top, else down to i's bottom
                shift = boxes[i, 3] + 1.0 - boxes[j, 1]
            else:
                shift = boxes[i, 1] - 1.0 - boxes[j, 3]
            boxes[j, [1, 3]] += shift
    points = 72.0 / fig.dpi
    for tx, dy in zip(texts, boxes[:, 1] - start):
        if dy:
            x, y = tx.get_position()
            tx.set_position((x, y + dy * points))


def _broker_marks(ax: Axes, xy: np.ndarray, ranks: Sequence[int], *, offset: float = 7.0) -> list[Any]:
    """Numbered black discs beside the points ``xy`` (one per broker, in data coordinates)."""
    return [
        ax.annotate(str(rank), (x, y), xytext=(offset, offset), textcoords="offset points", ha="center",
                    va="center", fontsize=7, color="white", fontweight="bold", zorder=6,
                    bbox={"boxstyle": "circle,pad=0.25", "facecolor": "#1f2933", "edgecolor": "none"})
        for (x, y), rank in zip(xy, ranks)
    ]


def _broker_handles(labels: Sequence[str], language: str, ranks: Sequence[int] | None = None) -> list[Any]:
    """Legend entries ``1  E0042 (Head of Sales)`` for the numbered brokers (numbers ``ranks``, default 1, 2, ...)."""
    from matplotlib.lines import Line2D

    if not labels:
        return []
    ranks = list(range(1, len(labels) + 1)) if ranks is None else list(ranks)
    head = Line2D([], [], ls="", label=t("figure.brokers_legend", language))
    return [head] + [Line2D([], [], ls="", label=f"{i}  {truncate(label, 34)}") for i, label in zip(ranks, labels)]


def left_out_text(components: NetworkComponents, language: str) -> str:
    """The sentence counting who a people network leaves out, for its legend and caption (empty when nobody is).

    Examples
    --------
    >>> left_out_text(NetworkComponents(pd.Index(["a", "b"]), 6, 2, 4), "en")
    'Not drawn: 6 people without any tie, 4 people in 2 smaller connected groups.'
    """
    parts = []
    if components.isolates:
        parts.append(tn("figure.network.isolates", components.isolates, language, n=f"{components.isolates:,}"))
    if components.small_components:
        parts.append(tn("figure.network.small_groups", components.small_components, language,
                        n=f"{components.small_components:,}", people=f"{components.people_in_small:,}"))
    if not parts:
        return ""
    return t("figure.network.not_drawn", language, parts=t("list.separator", language).join(parts))


def plot_network(
    people: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    components: NetworkComponents | None = None,
    layout: pd.DataFrame | None = None,
    min_group_size: int = 5,
    max_people: int = 300,
    seed: int = 0,
    brokers: Sequence[str] | None = None,
    broker_labels: Mapping[str, str] | None = None,
    mixing: DepartmentMixing | None = None,
    silos: Iterable[str] = (),
    language: str = "en",
    ax: Axes | None = None,
) -> Figure:
    """The largest connected group of people, coloured by department (by id, never by position); above
    ``max_people`` the department graph (:func:`plot_department_graph`) instead.

    Parameters
    ----------
    people : DataFrame
        ``employee_id`` and ``department``.
    edges : DataFrame
        ``u``, ``v`` (and ``weight``): the undirected ties.
    components : NetworkComponents, optional
        :attr:`CommunicationResult.components` (computed here when missing).
    layout : DataFrame, optional
        From :func:`network_layout` over ``components.largest`` (computed here, seeded, when missing).
    min_group_size : int
        People of departments smaller than this are drawn in grey under "others", unnamed.
    max_people : int
        The largest connected group is drawn person by person up to this many people
        (``communication.network.max_people``).
    seed : int
    brokers : sequence of str, optional
        Ids of the brokers to mark, most central first: a ring and their number in this list (1 for the
        first), explained in the legend; one outside the largest group is not drawn and its number skipped.
    broker_labels : mapping, optional
        How each broker is named in the legend (id and role, :func:`orgkit.privacy.person_label`);
        default the id.
    mixing : DepartmentMixing, optional
        Drawn as the department graph when the largest group has more than ``max_people`` people.
    silos : iterable of str
        Silo departments (for the department graph).
    language : {"en", "zh"}
    ax : Axes, optional

    Returns
    -------
    Figure

    Raises
    ------
    ConfigError
        When the largest group has more than ``max_people`` people and no ``mixing`` is given.

    Notes
    -----
    Only the largest connected component is laid out: isolated people and small components have no
    position relative to the rest, so a spring layout throws them to the edges and squeezes the part that
    can be read. They are counted in the legend instead. People of departments under ``min_group_size``
    are grey and never named; a broker among them is labelled by id only (the caller's labels).
    """
    components = components if components is not None else _network_components(people, edges)
    if len(components.largest) > max_people:
        if mixing is None:
            raise ConfigError(
                f"the largest connected group has {len(components.largest):,} people, more than max_people="
                f"{max_people}: a drawing of each person would be unreadable. Pass mixing= (CommunicationResult."
                "mixing) to draw departments instead, or call plot_department_graph.")
        return plot_department_graph(mixing, silos=silos, brokers=_broker_frame(people, brokers, broker_labels,
                                                                                 min_group_size),
                                     language=language, seed=seed, ax=ax,
                                     note=t("figure.network.departments_note", language,
                                            n=f"{len(components.largest):,}", max=f"{max_people:,}"))
    with plot_style():
        fig, ax = new_figure(ax, figsize=(8.5, 6.5))
        ax.set_axis_off()
        nodes = pd.Index(components.largest)
        if len(nodes) == 0:
            ax.text(0.5, 0.5, t("figure.no_data", language), ha="center", va="center", transform=ax.transAxes)
            return fig
        if layout is None or not nodes.isin(layout.index).all():
            layout = network_layout(edges, nodes, seed=seed)
        pos = layout.reindex(nodes)
        dept = people.set_index("employee_id")["department"].reindex(nodes).astype("str")
        sizes = people["department"].astype("str").value_counts()
        visible = sizes[sizes >= min_group_size]
        shown = visible[visible.index.isin(dept.unique())]
        top = list(shown.index[:12])
        colors = _colors(visible.index)
        other = t("figure.others", language)
        shown_dept = dept.where(dept.isin(top), other)
        node_color = shown_dept.map(colors).fillna(HIDDEN_COLOR)
        keep = edges["u"].isin(nodes) & edges["v"].isin(nodes)
        e = edges.loc[keep]
        from matplotlib.collections import LineCollection
        from matplotlib.lines import Line2D

        segs = np.stack([pos.loc[e["u"], ["x", "y"]].to_numpy(), pos.loc[e["v"], ["x", "y"]].to_numpy()], axis=1)
        ax.add_collection(LineCollection(segs, colors="#9aa5b1", linewidths=0.4, alpha=0.35, zorder=1))
        deg = pd.concat([e["u"], e["v"]]).value_counts().reindex(nodes, fill_value=0).to_numpy()
        ax.scatter(pos["x"], pos["y"], s=12 + 5 * np.sqrt(deg), c=node_color.to_numpy(), linewidths=0, zorder=2)
        ranked = [(rank, b) for rank, b in enumerate(brokers or [], 1) if b in pos.index]  # numbers as in the table
        marked = [b for _, b in ranked]
        if marked:
            b = pos.loc[marked]
            ax.scatter(b["x"], b["y"], s=90, facecolors="none", edgecolors="#1f2933", linewidths=1.2, zorder=3)
            marks = _broker_marks(ax, b[["x", "y"]].to_numpy(), [rank for rank, _ in ranked])
        labels = [str((broker_labels or {}).get(i, i)) for i in marked]
        handles = [Line2D([], [], marker="o", ls="", color=colors[d], label=truncate(d, 26))
                   for d in top if (shown_dept == d).any()]
        if (shown_dept == other).any():
            handles.append(Line2D([], [], marker="o", ls="", color=HIDDEN_COLOR, label=other))
        handles += _broker_handles(labels, language, [rank for rank, _ in ranked])
        note = left_out_text(components, language)
        if note:
            handles.append(Line2D([], [], ls="", label="\n".join(_wrap(note, 34))))
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, handletextpad=0.4)
        ax.autoscale_view()
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_title(t("figure.network.drawn", language, n=f"{len(nodes):,}", total=f"{len(people):,}"),
                     fontsize=9, fontweight="normal")
        if marked:
            _declutter(fig, marks)  # brokers side by side in a dense core: their numbers apart
    return fig


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of about ``width`` columns (at spaces; Chinese text, without spaces, by characters)."""
    import textwrap

    if " " in text:
        return textwrap.wrap(text, width)
    step = max(1, width // 2)
    return [text[i:i + step] for i in range(0, len(text), step)]


def _network_components(people: pd.DataFrame, edges: pd.DataFrame) -> NetworkComponents:
    from orgkit.areas.communication import network_components

    return network_components(people[["employee_id", "department"]], edges)


def _broker_frame(people: pd.DataFrame, brokers: Sequence[str] | None, labels: Mapping[str, str] | None,
                  min_group_size: int) -> pd.DataFrame:
    """``employee_id``, ``department`` (:data:`OTHER_GROUP` for a small one) and ``label`` of the brokers."""
    ids = pd.Index([str(b) for b in (brokers or [])])
    sizes = people["department"].astype("str").value_counts()
    dept = people.assign(employee_id=people["employee_id"].astype("str")).set_index("employee_id")[
        "department"].astype("str").reindex(ids)
    dept = dept.where(dept.map(sizes).fillna(0).to_numpy() >= min_group_size, OTHER_GROUP)
    return pd.DataFrame({"employee_id": ids, "department": dept.to_numpy(),
                         "label": [str((labels or {}).get(i, i)) for i in ids]})


#: Attraction every pair of departments has in :func:`department_graph_layout` besides their ratio, so that
#: a silo stays at the edge of the picture instead of flying off and shrinking the rest to a knot.
_BASE_PULL = 0.25


def department_graph_layout(mixing: DepartmentMixing, *, seed: int = 0, iterations: int = 200) -> pd.DataFrame:
    """Seeded positions of the departments of ``mixing``: those that mix more than random sit closer.

    Returns
    -------
    DataFrame
        ``x``, ``y`` indexed by the groups of ``mixing``, in ``[-1, 1]``.

    Notes
    -----
    Fruchterman-Reingold (:func:`network_layout`'s arithmetic) on the groups, the attraction between two
    groups ``0.25 + min(r_ab, 4)`` (their ties against random mixing, capped so one strong pair does not fold
    the picture; the constant keeps a silo at the edge rather than far away), started from a circle in the
    order of the matrix (:func:`orgkit.areas.communication.mixing_order`) with a seeded jitter. A silo, below
    random mixing with everyone, drifts to the edge. At most a few dozen groups: milliseconds.
    """
    labels = mixing.labels
    k = len(labels)
    if k == 0:
        return pd.DataFrame({"x": pd.Series(dtype=float), "y": pd.Series(dtype=float)})
    r = np.nan_to_num(mixing.ratio.to_numpy(dtype=float), nan=0.0)
    adj = _BASE_PULL + np.minimum(r, 4.0)
    np.fill_diagonal(adj, 0.0)
    angle = 2 * np.pi * np.arange(k) / k
    start = np.column_stack([np.cos(angle), np.sin(angle)]) + 0.05 * np.random.RandomState(seed).rand(k, 2)
    xy = _fruchterman_reingold(adj, 1.6 / np.sqrt(k), start, iterations)
    return pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1]}, index=pd.Index(labels, name="department"))


def plot_department_graph(
    mixing: DepartmentMixing,
    *,
    silos: Iterable[str] = (),
    brokers: pd.DataFrame | None = None,
    layout: pd.DataFrame | None = None,
    language: str = "en",
    seed: int = 0,
    note: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The communication network as departments: circles sized by people, lines as thick as the ties
    between two departments and coloured by ties against random mixing; silos outlined in red.

    Parameters
    ----------
    mixing : DepartmentMixing
        :attr:`CommunicationResult.mixing` (small departments already pooled or dropped).
    silos : iterable of str
        Silo departments: a red ring and "(silo)".
    brokers : DataFrame, optional
        ``employee_id``, ``department`` (a group of ``mixing``, :data:`OTHER_GROUP` for a small department)
        and ``label``, most central first: a numbered disc on their department, named in the legend. A
        broker whose department has no circle of its own is on the pooled circle when there is one, else
        only in the legend.
    layout : DataFrame, optional
        From :func:`department_graph_layout` (computed here, seeded, when missing).
    language : {"en", "zh"}
    seed : int
    note : str, optional
        A line above the graph (why departments are drawn).
    ax : Axes, optional

    Returns
    -------
    Figure

    Notes
    -----
    Circle area is proportional to the people of the department. A line joins two departments with at
    least one tie; its width grows with the square root of their ties and its colour is their ratio to
    random mixing on the colour scale of :func:`plot_department_mixing` (the same words). Labels that would
    overlap are moved apart. Independent of the number of people: 100,000 people draw as fast as 100.
    """
    labels = mixing.labels
    k = len(labels)
    silo_set = {str(x) for x in silos}
    own = ax is None
    with plot_style():
        if own:  # fixed places for graph, colour bar and legends: no layout pass, labels measured once
            fig = make_figure((9.0, 6.8), layout=None)
            ax = fig.add_axes((0.02, 0.2, 0.7, 0.74))
        else:
            fig = ax.get_figure(root=True) if hasattr(ax, "get_figure") else ax.figure
        ax.set_axis_off()
        if k == 0 or mixing.edges == 0:
            ax.text(0.5, 0.5, t("figure.no_data", language), ha="center", va="center", transform=ax.transAxes)
            return fig
        pos = (layout if layout is not None else department_graph_layout(mixing, seed=seed)).reindex(labels)
        xy = pos[["x", "y"]].to_numpy()
        ratio = mixing.ratio.to_numpy(dtype=float)
        ties = mixing.ties.to_numpy(dtype=float)
        scale = mixing_scale(ratio)
        x, cmap, norm = _mixing_colours(ratio, scale)
        iu, iv = np.triu_indices(k, 1)
        linked = ties[iu, iv] > 0
        iu, iv = iu[linked], iv[linked]
        from matplotlib.cm import ScalarMappable
        from matplotlib.collections import LineCollection
        from matplotlib.lines import Line2D

        if iu.size:
            w = ties[iu, iv]
            order = np.argsort(w, kind="stable")  # thick lines on top
            iu, iv, w = iu[order], iv[order], w[order]
            widths = 0.4 + 6.0 * np.sqrt(w / w.max())
            colours = cmap(norm(x[iu, iv]))
            ax.add_collection(LineCollection(np.stack([xy[iu], xy[iv]], axis=1), colors=colours,
                                             linewidths=widths, alpha=0.9, zorder=1, capstyle="round"))
        people = mixing.size.to_numpy(dtype=float)
        area = 80 + 2200 * people / people.max()
        colors = _colors([n for n in labels if n not in (OTHER_GROUP, OTHER_DEPARTMENTS)])
        face = [colors.get(n, HIDDEN_COLOR) for n in labels]
        is_silo = np.array([n in silo_set for n in labels])
        ax.scatter(xy[:, 0], xy[:, 1], s=area, c=face, edgecolors=np.where(is_silo, STATUS_COLORS["red"], "white"),
                   linewidths=np.where(is_silo, 3.0, 1.0), zorder=2)
        size = _label_size(k)
        radius = np.sqrt(area / np.pi)  # points
        texts = []
        for i, name in enumerate(labels):
            shown = truncate(_other(name, language), 26)
            if name in silo_set:
                shown = t("figure.silo_name", language, name=shown)
            texts.append(ax.annotate(
                shown, xy[i], xytext=(0, -(radius[i] + 2)), textcoords="offset points", ha="center", va="top",
                fontsize=size, zorder=5, color=STATUS_COLORS["red"] if name in silo_set
                else (_POOLED_INK if name in (OTHER_GROUP, OTHER_DEPARTMENTS) else "#1f2933"),
                fontweight="bold" if name in silo_set else "normal",
                fontstyle="italic" if name in (OTHER_GROUP, OTHER_DEPARTMENTS) else "normal"))
        broker_labels: list[str] = []
        if brokers is not None and len(brokers):
            where = []
            for dept in brokers["department"].astype("str"):
                node = dept if dept in labels else (OTHER_DEPARTMENTS if OTHER_DEPARTMENTS in labels else None)
                where.append(labels.index(node) if node is not None else -1)
            where = np.array(where)
            ranks = np.arange(1, len(brokers) + 1)
            on = where >= 0
            for node in np.unique(where[on]):  # several brokers of one department side by side
                mine = np.flatnonzero(where == node)
                for j, b in enumerate(mine):
                    _broker_marks(ax, xy[[node]], [int(ranks[b])], offset=0.72 * radius[node] + 9 * j)
            broker_labels = brokers["label"].astype("str").tolist()
        pad = 0.18
        ax.set_xlim(xy[:, 0].min() - pad, xy[:, 0].max() + pad)
        ax.set_ylim(xy[:, 1].min() - pad - 0.08, xy[:, 1].max() + pad)
        ax.set_aspect("equal", adjustable="box")  # the limits stay: the box fits them
        bar = _mixing_colorbar(fig, ScalarMappable(norm=norm, cmap=cmap), ax, scale, language, shrink=0.6,
                               cax=fig.add_axes((0.76, 0.3, 0.018, 0.55)) if own else None)
        bar.set_label(t("figure.network.line_colour", language), fontsize=9)
        handles = [Line2D([], [], ls="", label=t("figure.network.circle_size", language)),
                   Line2D([], [], ls="", label=t("figure.network.line_width", language))]
        if silo_set & set(labels):
            handles.append(Line2D([], [], marker="o", ls="", markerfacecolor="white", markeredgewidth=2.0,
                                  markeredgecolor=STATUS_COLORS["red"], label=t("figure.network.silo", language)))
        key = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.0), fontsize=8,
                        handletextpad=0.4)
        if broker_labels:
            ax.add_artist(key)
            ax.legend(handles=_broker_handles(broker_labels, language), loc="upper left",
                      bbox_to_anchor=(0.45, 0.0), fontsize=8, handletextpad=0.0, handlelength=0)
        if note and own:
            fig.text(0.02, 0.975, note, fontsize=9, va="top", ha="left")
        elif note:
            ax.set_title(note, fontsize=9, fontweight="normal")
        _declutter(fig, texts)
    return fig


def plot_ei_index(
    departments: pd.DataFrame,
    *,
    language: str = "en",
    max_departments: int = 25,
    messages: bool = False,
    ax: Axes | None = None,
) -> Figure:
    """E-I index per department against its random-mixing baseline; silos in red.

    Parameters
    ----------
    departments : DataFrame
        ``department``, ``size``, ``ei_index``, ``ei_index_expected`` and optionally ``silo``,
        ``ei_index_weighted`` and ``suppressed`` (suppressed rows are not drawn).
    language : {"en", "zh"}
    messages : bool
        Also draw each department's E-I on messages (``ei_index_weighted``, every message counted) as a
        ring beside the dot of its ties.
    max_departments : int
        The largest departments drawn.
    ax : Axes, optional

    Notes
    -----
    E-I = (E - I) / (E + I) over a department's ties [1]_; the baseline ``1 - 2 (n_d - 1)/(n - 1)`` is
    what random mixing would give a department of that size.

    References
    ----------
    .. [1] Krackhardt, D., & Stern, R. N. (1988). Informal networks and organizational crises.
       *Social Psychology Quarterly*, 51(2), 123-140. https://doi.org/10.2307/2786835
    """
    d = departments
    if "suppressed" in d.columns:
        d = d.loc[~d["suppressed"].fillna(False).astype(bool)]
    d = d.dropna(subset=["ei_index"]).sort_values("size", ascending=False).head(max_departments)
    d = d.sort_values("ei_index", ascending=True)
    with plot_style():
        fig, ax = new_figure(ax, figsize=(8.0, max(2.4, 0.32 * len(d) + 1.2)))
        if d.empty:
            ax.text(0.5, 0.5, t("figure.no_data", language), ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        y = np.arange(len(d))
        silo = d["silo"].fillna(False).astype(bool).to_numpy() if "silo" in d else np.zeros(len(d), bool)
        obs = d["ei_index"].to_numpy(dtype=float)
        exp = d["ei_index_expected"].to_numpy(dtype=float)
        ax.hlines(y, np.minimum(obs, exp), np.maximum(obs, exp), color=HIDDEN_COLOR, lw=2, zorder=1)
        ax.scatter(exp, y, marker="|", s=160, color="#5f6b7a", zorder=2, label=t("figure.expected", language))
        ax.scatter(obs, y, s=42, color=np.where(silo, STATUS_COLORS["red"], "#2b5d8a"), zorder=3,
                   label=t("figure.ei_ties" if messages else "figure.observed", language))
        if messages and "ei_index_weighted" in d.columns:
            ax.scatter(d["ei_index_weighted"].to_numpy(dtype=float), y, s=56, facecolors="none",
                       edgecolors="#2b5d8a", linewidths=1.2, zorder=4, label=t("figure.ei_messages", language))
        names = [t("figure.silo_name", language, name=truncate(_other(str(n), language), 30)) if s
                 else truncate(_other(str(n), language), 30) for n, s in zip(d["department"], silo)]
        ax.set_yticks(y, names)
        for tick, s in zip(ax.get_yticklabels(), silo):
            if s:
                tick.set_color(STATUS_COLORS["red"])
        ax.axvline(0, color="#9aa5b1", lw=0.8, ls=":")
        ax.set_xlim(-1.05, 1.05)
        ax.set_xlabel(t("figure.ei_index", language))
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3 if messages else 2)
    return fig
