"""Figures of the decision-path analysis: hops and approvals, latency by decision type.

Each function takes the ``paths`` table of :class:`orgkit.areas.decisions.DecisionsResult` (one row per
decision, ids only) and returns the figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from orgkit.i18n import t
from orgkit.plots.style import make_figure, new_figure, plot_style, truncate

__all__ = ["plot_path_distribution", "plot_latency_by_type"]

_BLUE = "#2b5d8a"
_ORANGE = "#e07b39"


def _counts(values: pd.Series) -> pd.Series:
    v = pd.to_numeric(values, errors="coerce").dropna().astype(int)
    if v.empty:
        return pd.Series(dtype="int64")
    return v.value_counts().reindex(range(0, int(v.max()) + 1), fill_value=0)


def _bars(ax: Axes, counts: pd.Series, color: str, xlabel: str, ylabel: str, language: str) -> None:
    if counts.empty:
        ax.text(0.5, 0.5, t("figure.no_data", language), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    ax.bar(counts.index, counts.to_numpy(), color=color, width=0.8)
    values = np.repeat(counts.index.to_numpy(), counts.to_numpy())
    med = float(np.median(values))
    ax.axvline(med, color="#1f2933", lw=1, ls="--")
    ax.set_ylim(0, counts.max() * 1.15)
    ax.text(med, counts.max() * 1.13, " " + t("figure.median_value", language, value=f"{med:g}"), va="top", ha="left", fontsize=8,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_xticks(counts.index if len(counts) <= 15 else counts.index[:: int(np.ceil(len(counts) / 15))])


def plot_path_distribution(
    paths: pd.DataFrame,
    *,
    language: str = "en",
    axes: tuple[Axes, Axes] | None = None,
) -> Figure:
    """Two bar charts: decisions by reporting lines crossed (hops) and by number of approvals.

    Parameters
    ----------
    paths : DataFrame
        ``hops`` (nullable integer) and ``approvals`` per decision.
    language : {"en", "zh"}
    axes : pair of Axes, optional

    Returns
    -------
    Figure
        A dashed line marks each median. Every decision counts, open ones included (their path is
        known: the decider is named), so the bars add up to the report's decision count (the per-type
        table's ``count``). Decisions with unknown hops (initiator and decider in different trees) are
        left out of the left chart only.
    """
    with plot_style():
        if axes is None:
            fig = make_figure((9.0, 3.4))
            a1, a2 = fig.subplots(1, 2)
        else:
            a1, a2 = axes
            fig = a1.figure
        _bars(a1, _counts(paths["hops"]), _BLUE, t("figure.hops", language), t("figure.decisions", language), language)
        _bars(a2, _counts(paths["approvals"]), _ORANGE, t("figure.approvals", language), t("figure.decisions", language), language)
    return fig


def plot_latency_by_type(
    paths: pd.DataFrame,
    *,
    language: str = "en",
    max_types: int = 15,
    ax: Axes | None = None,
) -> Figure:
    """Days from raising to deciding, per decision type (box plots, slowest median on top).

    Parameters
    ----------
    paths : DataFrame
        ``decision_type`` and ``latency_days`` per decision. Only closed decisions with both dates have a
        latency: open decisions (``state == "open"``) and undated ones are skipped, so each type's ``n``
        is its closed decisions with both dates, the set behind the report's median days (the per-type
        table counts every decision and its open ones beside it).
    language : {"en", "zh"}
    max_types : int
        The most frequent types drawn.
    ax : Axes, optional

    Notes
    -----
    Boxes span the quartiles, whiskers 1.5 IQR (Tukey), the line is the median; the count of
    decisions with a known latency follows each type's name.
    """
    d = paths[["decision_type", "latency_days"]].dropna()
    top = d["decision_type"].value_counts().head(max_types).index
    d = d[d["decision_type"].isin(top)]
    order = d.groupby("decision_type")["latency_days"].median().sort_values().index.tolist()
    with plot_style():
        fig, ax = new_figure(ax, figsize=(8.0, max(2.4, 0.42 * len(order) + 1.2)))
        if not order:
            ax.text(0.5, 0.5, t("figure.no_data", language), ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        data = [d.loc[d["decision_type"] == kind, "latency_days"].to_numpy(dtype=float) for kind in order]
        ax.boxplot(data, orientation="horizontal", widths=0.55, patch_artist=True, showfliers=True,
                   boxprops={"facecolor": "#dbe7f3", "edgecolor": _BLUE},
                   medianprops={"color": "#1f2933", "lw": 1.5},
                   whiskerprops={"color": _BLUE}, capprops={"color": _BLUE},
                   flierprops={"marker": "o", "markersize": 3, "markerfacecolor": "#9aa5b1", "markeredgewidth": 0})
        ax.set_yticks(range(1, len(order) + 1), [t("figure.type_count", language, type=truncate(kind, 26), n=len(x))
                                                 for kind, x in zip(order, data)])
        ax.set_xlabel(t("figure.latency", language))
        ax.set_xlim(left=0)
    return fig
