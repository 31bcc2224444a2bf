"""Figures of the communication analysis: department heatmap, the network, E-I per department.

Each function takes the tables of :class:`orgkit.areas.communication.CommunicationResult` (already free of
small groups) and an optional ``ax``, and returns the figure. Layout of the network is a separate,
seeded function so it is computed once and reused.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from orgkit.areas.communication import OTHER_GROUP
from orgkit.i18n import t
from orgkit.plots.style import STATUS_COLORS, department_colors, new_figure, plot_style, truncate

__all__ = ["plot_department_heatmap", "network_layout", "sample_people", "plot_network", "plot_ei_index"]

logger = logging.getLogger(__name__)


def _other(name: str, language: str) -> str:
    """The communication module's bucket of small departments (:data:`OTHER_GROUP`) in ``language``."""
    return t("group.other", language) if name == OTHER_GROUP else name


def plot_department_heatmap(
    matrix: pd.DataFrame,
    *,
    language: str = "en",
    value_label: str | None = None,
    max_departments: int = 20,
    ax: Axes | None = None,
) -> Figure:
    """Department-to-department matrix as a heatmap, cells annotated when there is room.

    Parameters
    ----------
    matrix : DataFrame
        Square, same labels on both axes (e.g. ``CommunicationResult.matrix``, tie density).
    language : {"en", "zh"}
    value_label : str, optional
        Colour-bar label.
    max_departments : int
        Only the first (largest) departments are drawn; the rest are named in the title.
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
        ax.set_xlabel(t("figure.to_department", language))
        ax.set_ylabel(t("figure.from_department", language))
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


def plot_network(
    people: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    layout: pd.DataFrame | None = None,
    min_group_size: int = 5,
    max_people: int = 300,
    seed: int = 0,
    brokers: list[str] | None = None,
    language: str = "en",
    ax: Axes | None = None,
) -> Figure:
    """The communication network, people coloured by their department (by id, never by position).

    Parameters
    ----------
    people : DataFrame
        ``employee_id`` and ``department``.
    edges : DataFrame
        ``u``, ``v`` (and ``weight``): the undirected ties.
    layout : DataFrame, optional
        From :func:`network_layout` (computed here, seeded, when missing).
    min_group_size : int
        People of departments smaller than this are drawn in grey under "others", unnamed.
    max_people : int
        Larger networks are sampled (:func:`sample_people`) and the sample size is said in the title.
    seed : int
    brokers : list of str, optional
        Ids to outline in black.
    language : {"en", "zh"}
    ax : Axes, optional
    """
    with plot_style():
        fig, ax = new_figure(ax, figsize=(8.5, 6.5))
        ax.set_axis_off()
        if people.empty or edges.empty:
            ax.text(0.5, 0.5, t("figure.no_data", language), ha="center", va="center", transform=ax.transAxes)
            return fig
        nodes = sample_people(people, edges, max_people, seed)
        if layout is None or not nodes.isin(layout.index).all():
            layout = network_layout(edges, nodes, seed=seed)
        pos = layout.reindex(nodes)
        dept = people.set_index("employee_id")["department"].reindex(nodes)
        sizes = people["department"].value_counts()
        visible = sizes[sizes >= min_group_size]
        top = list(visible.index[:12])
        colors = department_colors(visible.index)
        other = t("figure.others", language)
        shown_dept = dept.where(dept.isin(top), other)
        node_color = shown_dept.map(colors).fillna("#c3c9d1")
        keep = edges["u"].isin(nodes) & edges["v"].isin(nodes)
        e = edges.loc[keep]
        if len(e):
            from matplotlib.collections import LineCollection

            segs = np.stack([pos.loc[e["u"], ["x", "y"]].to_numpy(), pos.loc[e["v"], ["x", "y"]].to_numpy()], axis=1)
            ax.add_collection(LineCollection(segs, colors="#9aa5b1", linewidths=0.4, alpha=0.35, zorder=1))
        deg = pd.concat([e["u"], e["v"]]).value_counts().reindex(nodes, fill_value=0).to_numpy()
        ax.scatter(pos["x"], pos["y"], s=12 + 5 * np.sqrt(deg), c=node_color.to_numpy(), linewidths=0, zorder=2)
        if brokers:
            b = pos.loc[pos.index.intersection(pd.Index(brokers))]
            ax.scatter(b["x"], b["y"], s=90, facecolors="none", edgecolors="#1f2933", linewidths=1.2, zorder=3,
                       label=t("figure.brokers", language))
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], marker="o", ls="", color=colors[d], label=truncate(d, 26)) for d in top if (shown_dept == d).any()]
        if (shown_dept == other).any():
            handles.append(Line2D([], [], marker="o", ls="", color="#c3c9d1", label=other))
        if brokers:
            handles.append(Line2D([], [], marker="o", ls="", markerfacecolor="none", markeredgecolor="#1f2933",
                                  label=t("figure.brokers", language)))
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
        ax.autoscale_view()
        ax.set_aspect("equal", adjustable="datalim")
        if len(nodes) < len(people):
            ax.set_title(t("figure.sampled", language, n=f"{len(nodes):,}", total=f"{len(people):,}"),
                         fontsize=9, fontweight="normal")
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
        ax.hlines(y, np.minimum(obs, exp), np.maximum(obs, exp), color="#c3c9d1", lw=2, zorder=1)
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
