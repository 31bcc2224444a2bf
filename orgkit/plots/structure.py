"""Figures of the structure analysis: the org chart, spans of control, headcount per layer.

The org chart is a tidy tree computed from the reporting depths (no graphviz): leaves in depth-first
order take consecutive columns, every manager sits centred over the columns of its subtree. Small
organisations are drawn person by person; mid-size ones as the tree of managers with their team
sizes; large ones department by department.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from orgkit.data.hierarchy import Hierarchy
from orgkit.i18n import t
from orgkit.plots.style import STATUS_COLORS, department_colors, new_figure, plot_style, truncate
from orgkit.thresholds import DEFAULTS

if TYPE_CHECKING:  # pragma: no cover
    from orgkit.privacy import TopRole

__all__ = [
    "tidy_tree_layout",
    "department_tree",
    "plot_org_chart",
    "plot_span_distribution",
    "plot_layers",
    "ORG_CHART_LEVELS",
]

#: Headcount limits of the automatic org-chart level: everyone up to the first, managers up to the second,
#: departments above.
ORG_CHART_LEVELS = (60, 600)
#: The colour of the top of the organisation drawn as a role (a one-person top department).
_ROLE_COLOR = "#1f2933"


def tidy_tree_layout(parent: np.ndarray, order: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Positions for a forest: leaves on consecutive columns, parents centred over their leaves.

    Parameters
    ----------
    parent : ndarray of int
        ``parent[i]`` is the position of i's parent, ``-1`` for a root. Must be a forest.
    order : ndarray, optional
        A sort key per node: siblings are placed left to right by it (default: position).

    Returns
    -------
    x, y : ndarray of float
        ``x`` in ``[0, leaves - 1]``; ``y = -depth`` (roots at 0).

    Notes
    -----
    Depth-first order is a lexicographic sort of each node's ancestor chain (root first; a node sorts
    before its descendants), computed for all nodes at once with binary lifting
    (:meth:`orgkit.data.hierarchy.Hierarchy.ancestor_at_depth`). A node's ``x`` is the midpoint of the
    leftmost and rightmost leaf below it, as in the layered drawings of Reingold and Tilford [1]_
    (without their subtree compaction). Degenerate cases: an empty forest gives empty arrays; a single
    node sits at ``(0, 0)``.

    References
    ----------
    .. [1] Reingold, E. M., & Tilford, J. S. (1981). Tidier drawings of trees. *IEEE Transactions on
       Software Engineering*, SE-7(2), 223-228. https://doi.org/10.1109/TSE.1981.234519

    Examples
    --------
    >>> import numpy as np
    >>> x, y = tidy_tree_layout(np.array([-1, 0, 0, 1]))
    >>> x.tolist(), y.tolist()
    ([0.5, 0.0, 1.0, 0.0], [0.0, -1.0, -1.0, -2.0])
    """
    parent = np.asarray(parent, dtype=np.int64)
    n = len(parent)
    if n == 0:
        return np.zeros(0), np.zeros(0)
    h = Hierarchy(ids=np.arange(n).astype(object), parent=parent)
    depth = h.depth
    layers = h.layers
    key = np.arange(n) if order is None else pd.Series(order).rank(method="first").to_numpy(dtype=np.int64)
    pos = np.arange(n)
    chain = np.empty((layers, n), dtype=np.int64)
    for d in range(layers):
        anc = h.ancestor_at_depth(pos, d)
        chain[d] = np.where(depth >= d, key[anc], -1)
    preorder = np.lexsort(chain[::-1])
    is_leaf = h.n_reports == 0
    leaves = preorder[is_leaf[preorder]]
    x = np.full(n, np.nan)
    x[leaves] = np.arange(len(leaves), dtype=float)
    # every leaf's x goes to each of its ancestors: min and max per ancestor
    rows_anc, rows_x = [], []
    for d in range(layers):
        sel = leaves[depth[leaves] >= d]
        rows_anc.append(h.ancestor_at_depth(sel, d))
        rows_x.append(x[sel])
    span = pd.DataFrame({"a": np.concatenate(rows_anc), "x": np.concatenate(rows_x)}).groupby("a")["x"].agg(["min", "max"])
    x[span.index.to_numpy()] = ((span["min"] + span["max"]) / 2).to_numpy()
    return x, 0.0 - depth.astype(float)  # 0.0 - d: a root sits at 0.0, not -0.0


def department_tree(people: pd.DataFrame) -> pd.DataFrame:
    """The departments as a tree: each department under the department its most senior member reports to.

    Parameters
    ----------
    people : DataFrame
        ``employee_id``, ``department``, ``manager_id``.

    Returns
    -------
    DataFrame
        ``department``, ``parent`` (``str``, missing at the top), ``headcount``, ``depth`` (of its most
        senior member), one row per department.

    Notes
    -----
    The most senior member is the one with the smallest reporting depth (ties: first in ``people``).
    Their manager sits in another department (or they are at the top), and that department's most
    senior member is strictly more senior, so the result is always a forest.
    """
    h = Hierarchy.from_people(people)
    dept = people["department"].astype("str").to_numpy()
    frame = pd.DataFrame({"department": dept, "depth": h.depth, "pos": np.arange(len(dept))})
    top = frame.sort_values(["depth", "pos"], kind="mergesort").drop_duplicates("department")
    mgr = h.parent[top["pos"].to_numpy()]
    parent = pd.Series(np.where(mgr >= 0, dept[np.clip(mgr, 0, None)], None), dtype="str")
    counts = frame["department"].value_counts()
    return pd.DataFrame(
        {
            "department": top["department"].to_numpy(),
            "parent": parent.to_numpy(),
            "headcount": counts.reindex(top["department"]).to_numpy(dtype=np.int64),
            "depth": top["depth"].to_numpy(dtype=np.int64),
        }
    ).reset_index(drop=True)


def _elbows(x: np.ndarray, y: np.ndarray, parent: np.ndarray) -> np.ndarray:
    child = np.flatnonzero(parent >= 0)
    p = parent[child]
    ymid = (y[p] + y[child]) / 2
    a = np.stack([np.c_[x[p], y[p]], np.c_[x[p], ymid]], axis=1)
    b = np.stack([np.c_[x[p], ymid], np.c_[x[child], ymid]], axis=1)
    c = np.stack([np.c_[x[child], ymid], np.c_[x[child], y[child]]], axis=1)
    return np.concatenate([a, b, c]) if len(child) else np.zeros((0, 2, 2))


def org_chart_level(n: int, level: str = "auto") -> str:
    """What an org chart of ``n`` people draws: ``"people"``, ``"managers"`` or ``"departments"``.

    ``level="auto"`` picks by size (:data:`ORG_CHART_LEVELS`); any other value is checked and returned.
    """
    if level != "auto":
        if level not in ("people", "managers", "departments"):
            raise ValueError(f"level must be one of 'auto', 'people', 'managers', 'departments'. Got {level!r} instead.")
        return level
    if n <= ORG_CHART_LEVELS[0]:
        return "people"
    return "managers" if n <= ORG_CHART_LEVELS[1] else "departments"


def plot_org_chart(
    people: pd.DataFrame,
    *,
    min_group_size: int = 5,
    level: str = "auto",
    show_names: bool = False,
    language: str = "en",
    ax: Axes | None = None,
    hidden: Iterable[str] = (),
    top: TopRole | None = None,
) -> Figure:
    """The organisation as a tidy tree, coloured by department.

    Parameters
    ----------
    people : DataFrame
        ``employee_id``, ``department``, ``manager_id`` (and ``name`` for ``show_names``).
    min_group_size : int
        Departments smaller than this are drawn in grey as "Other" and never named.
    level : {"auto", "people", "managers", "departments"}
        ``people``: everyone, labelled by id; ``managers``: people with reports, each with the size
        of their team; ``departments``: one box per department with its headcount. ``auto`` picks by
        headcount (:data:`ORG_CHART_LEVELS`).
    show_names : bool
        Label people by name instead of id (people level only).
    language : {"en", "zh"}
    ax : Axes, optional
    hidden : iterable of str
        Departments the report's tables hide besides the small ones (hidden so that a small one cannot
        be worked out from a total): the chart hides them the same way.
    top : TopRole, optional
        The top of the organisation shown as a role (:func:`orgkit.privacy.top_of_organisation`): a
        department that holds only the top person is drawn and labelled as that role.

    Returns
    -------
    Figure

    Notes
    -----
    The chart obeys the tables' suppression: a hidden department is grey, labelled "Other (small
    groups)", and never shows a number (no headcount at the department level, no team size at the
    manager level, where a manager's team could give away the size of their department). The top
    person's team is shown: their direct reports head departments across the organisation.
    """
    n = len(people)
    lvl = org_chart_level(n, level)
    sizes = people["department"].astype("str").value_counts()
    hidden = {str(h) for h in hidden}
    visible = sizes[(sizes >= min_group_size) & ~sizes.index.isin(hidden)]
    colors = department_colors(visible.index)
    other = t("group.other", language)
    role = top.department if top is not None and top.alone else None
    if role is not None:
        colors = {**colors, role: _ROLE_COLOR}

    def color_of(d: pd.Series) -> np.ndarray:
        return d.map(colors).fillna("#c3c9d1").to_numpy()

    with plot_style():
        if n == 0 or "manager_id" not in people.columns:
            fig, ax = new_figure(ax, figsize=(6, 2))
            ax.text(0.5, 0.5, t("figure.no_data", language), ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        h = Hierarchy.from_people(people)
        dept = people["department"].astype("str").reset_index(drop=True)
        if lvl == "departments":
            tree = department_tree(people)
            idx = pd.Index(tree["department"])
            parent = idx.get_indexer(tree["parent"].fillna("\0").to_numpy(dtype=object)).astype(np.int64)
            x, y = tidy_tree_layout(parent, order=-tree["headcount"].to_numpy())
            small = ~tree["department"].isin(visible.index).to_numpy()
            is_role = (tree["department"] == role).to_numpy()
            names = np.where(small, other, tree["department"].to_numpy(dtype=object))
            names = np.where(is_role, top.label if top is not None else other, names)
            texts = [f"{truncate(nm, 18)}\n{c:,}" if not s else truncate(nm, 18)
                     for nm, c, s in zip(names, tree["headcount"], small)]
            node_colors = color_of(tree["department"])
            node_size = 40 + 600 * np.sqrt(tree["headcount"].to_numpy() / max(tree["headcount"].max(), 1))
            node_size[small] = 60
        else:
            keep = np.arange(n) if lvl == "people" else np.flatnonzero(h.n_reports > 0)
            if keep.size == 0:
                keep = np.arange(n)
            remap = np.full(n, -1, dtype=np.int64)
            remap[keep] = np.arange(keep.size)
            parent = np.where(h.parent[keep] >= 0, remap[np.clip(h.parent[keep], 0, None)], -1)
            d_keep = dept.iloc[keep].reset_index(drop=True)
            x, y = tidy_tree_layout(parent, order=d_keep.to_numpy())
            node_colors = color_of(d_keep)
            if lvl == "people":
                if show_names and "name" in people.columns:
                    ids = people["name"].fillna(people["employee_id"]).astype("str").to_numpy()[keep]
                else:
                    ids = people["employee_id"].astype("str").to_numpy()[keep]
                texts = [truncate(t, 14) for t in ids]
                node_size = np.where(h.n_reports[keep] > 0, 70, 35).astype(float)
            else:
                team = h.n_reports[keep]
                # no team size inside a hidden department (it could give away the department's size);
                # the top person's team spans the organisation and is shown
                shown_team = d_keep.isin(visible.index).to_numpy() | (h.parent[keep] < 0)
                texts = [f"{n:,}" if ok else "" for n, ok in zip(team, shown_team)]
                node_size = 25 + 18 * team.astype(float)
        leaves = int(np.nanmax(x)) + 1 if len(x) else 1
        layers = int(-y.min()) + 1 if len(y) else 1
        per_leaf = 0.95 if lvl == "departments" else 0.42
        fig, ax = new_figure(ax, figsize=(float(np.clip(per_leaf * leaves + 2.5, 7, 14)), float(np.clip(1.25 * layers + 1.2, 3, 9))))
        ax.add_collection(LineCollection(_elbows(x, y, parent), colors="#9aa5b1", linewidths=0.8, zorder=1))
        ax.scatter(x, y, s=node_size, c=node_colors, edgecolors="white", linewidths=0.8, zorder=2)
        many = len(x) > 24
        has_children = np.bincount(parent[parent >= 0], minlength=len(x)) > 0
        for i, (xi, yi, txt) in enumerate(zip(x, y, texts)):
            if lvl == "managers":
                ax.text(xi, yi, txt, ha="center", va="center", fontsize=6.5, color="white", zorder=3, fontweight="bold")
            elif lvl == "departments":
                stagger = 0.22 if (many and i % 2) else 0.0
                ax.text(xi, yi - 0.18 - stagger, txt, ha="center", va="top", fontsize=7.5, zorder=3)
            elif has_children[i]:
                ax.text(xi + 0.12, yi + 0.08, txt, ha="left", va="bottom", fontsize=6.5 if many else 7.5, zorder=3)
            else:
                ax.text(xi, yi - 0.12, txt, ha="center", va="top", fontsize=6.5 if many else 7.5,
                        rotation=90 if many else 0, zorder=3)
        ax.set_xlim(-0.8, max(leaves - 0.2, 0.8))
        ax.set_ylim(y.min() - (0.9 if lvl != "managers" else 0.5), 0.5)
        ax.set_axis_off()
        from matplotlib.lines import Line2D

        shown = pd.unique(dept) if lvl != "departments" else tree["department"].to_numpy()
        handles = [Line2D([], [], marker="o", ls="", color=colors[d],
                          label=truncate(top.label if d == role and top is not None else d, 24))
                   for d in colors if d in set(shown)]
        if (~pd.Series(shown).isin(visible.index) & (pd.Series(shown) != role)).any():
            handles.append(Line2D([], [], marker="o", ls="", color="#c3c9d1", label=other))
        if lvl != "departments":
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    return fig


def plot_span_distribution(
    distribution: pd.DataFrame,
    *,
    healthy: tuple[int, int] | None = None,
    span_mean: float | None = None,
    span_median: float | None = None,
    language: str = "en",
    ax: Axes | None = None,
) -> Figure:
    """Managers per span-of-control band, bands coloured narrow / healthy / wide.

    Parameters
    ----------
    distribution : DataFrame
        ``band`` (``"1"``, ``"2-3"``, ..., ``"17+"``) and ``managers``, as
        :func:`orgkit.areas.structure.span_distribution` returns.
    healthy : (int, int), optional
        The healthy span range; a band is narrow below it, wide above it, healthy otherwise (default:
        ``structure.span.healthy_min`` and ``healthy_max`` of :mod:`orgkit.thresholds`, 4-12).
    span_mean, span_median : float, optional
        Written in the title.
    language : {"en", "zh"}
    ax : Axes, optional
    """
    if healthy is None:
        healthy = (DEFAULTS["structure.span.healthy_min"], DEFAULTS["structure.span.healthy_max"])
    bands = distribution["band"].astype(str).tolist()
    counts = distribution["managers"].to_numpy(dtype=float)

    def bounds(b: str) -> tuple[float, float]:
        if b.endswith("+"):
            return float(b[:-1]), np.inf
        lo, _, hi = b.partition("-")
        return float(lo), float(hi or lo)

    kinds = []
    for b in bands:
        lo, hi = bounds(b)
        kinds.append("narrow" if hi < healthy[0] else "wide" if lo > healthy[1] else "healthy")
    palette = {"narrow": STATUS_COLORS["amber"], "healthy": STATUS_COLORS["green"], "wide": STATUS_COLORS["red"]}
    with plot_style():
        fig, ax = new_figure(ax, figsize=(7.5, 3.4))
        if counts.sum() == 0:
            ax.text(0.5, 0.5, t("figure.no_data", language), ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        labels = [b.replace("-", "–") for b in bands]  # a range reads 2–3, with an en dash
        bars = ax.bar(labels, counts, color=[palette[k] for k in kinds], width=0.7)
        for rect, c in zip(bars, counts):
            ax.text(rect.get_x() + rect.get_width() / 2, rect.get_height(), f"{int(c):,}", ha="center", va="bottom", fontsize=9)
        ax.set_xlabel(t("figure.span", language))
        ax.set_ylabel(t("figure.managers", language))
        ax.set_ylim(0, counts.max() * 1.18 + 0.5)
        from matplotlib.patches import Patch

        words = {"narrow": t("figure.narrow", language), "healthy": t("figure.healthy", language),
                 "wide": t("figure.wide", language)}
        ax.legend(handles=[Patch(color=palette[k], label=words[k]) for k in ("narrow", "healthy", "wide")],
                  loc="upper right")
        parts = []
        if span_mean is not None:
            parts.append(t("figure.mean_value", language, value=f"{span_mean:.1f}"))
        if span_median is not None:
            parts.append(t("figure.median_value", language, value=f"{span_median:g}"))
        if parts:
            ax.set_title(" · ".join(parts), fontsize=9, fontweight="normal", loc="right")
    return fig


def plot_layers(
    layers: pd.DataFrame,
    *,
    min_layers: int | None = None,
    language: str = "en",
    ax: Axes | None = None,
) -> Figure:
    """Headcount per layer (top first); layers beyond the minimum for this size in amber.

    Parameters
    ----------
    layers : DataFrame
        ``depth`` (0 = top) and ``people``.
    min_layers : int, optional
        The fewest layers that could hold this headcount at the observed mean span
        (:func:`orgkit.areas.structure.min_layers`); a dashed line marks it.
    language : {"en", "zh"}
    ax : Axes, optional
    """
    with plot_style():
        fig, ax = new_figure(ax, figsize=(7.5, max(2.2, 0.45 * len(layers) + 1.0)))
        if layers.empty:
            ax.text(0.5, 0.5, t("figure.no_data", language), ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        depth = layers["depth"].to_numpy()
        people = layers["people"].to_numpy(dtype=float)
        excess = depth >= min_layers if min_layers is not None else np.zeros(len(depth), bool)
        ax.barh(depth, people, color=np.where(excess, STATUS_COLORS["amber"], "#2b5d8a"), height=0.7)
        for d, p in zip(depth, people):
            ax.text(p, d, f" {int(p):,}", va="center", fontsize=9)
        ax.invert_yaxis()
        ax.set_yticks(depth, [str(int(d)) for d in depth])
        ax.set_ylabel(t("figure.layers", language))
        ax.set_xlabel(t("figure.people", language))
        ax.set_xlim(0, people.max() * 1.15)
        if min_layers is not None and min_layers < len(depth):
            ax.axhline(min_layers - 0.5, color="#1f2933", ls="--", lw=1)
            text = t("figure.min_layers", language, n=min_layers)
            ax.text(people.max() * 1.13, min_layers - 0.55, text, ha="right", va="bottom", fontsize=8)
    return fig

