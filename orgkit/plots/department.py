"""Figures of one department against its organisation (:func:`orgkit.drilldown.department_view`).

:func:`plot_partner_departments` draws who the department talks to, :func:`plot_dimension_comparison` its
survey scores beside the organisation's. Both take the view's tables (small groups already pooled or
hidden) and an optional ``ax``, and return the figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from orgkit.i18n import t
from orgkit.plots.style import new_figure, plot_style, truncate

__all__ = ["plot_partner_departments", "plot_dimension_comparison"]

_BLUE = "#0072B2"
_GREY = "#9aa5b1"


def _no_data(fig: Figure, ax: Axes, language: str) -> Figure:
    ax.text(0.5, 0.5, t("figure.no_data", language), ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return fig


def plot_partner_departments(partners: pd.DataFrame, department: str, ax: Axes | None = None, *,
                             language: str = "en", top: int = 10) -> Figure:
    """The departments ``department`` has ties with, as bars, each with its ties against random mixing.

    Parameters
    ----------
    partners : DataFrame
        ``DepartmentCommunication.partners``: ``department``, ``ties``, ``ratio`` (most ties first; the
        pooled small departments last).
    department : str
        The department whose partners these are (for the axis label).
    ax : Axes, optional
        Where to draw (default: a new figure).
    language : {"en", "zh"}
        Language of the labels.
    top : int
        Draw at most this many partners (the pooled row is always drawn when present).

    Returns
    -------
    Figure
        One bar per partner, ties along the axis; beside each bar "×r", its ties divided by those random
        mixing gives (bars at or above 1 in blue, below in grey); the pooled small departments hatched.
    """
    other = t("group.other", language)
    rows = partners[partners["department"].astype(str) != other].head(top)
    rows = pd.concat([rows, partners[partners["department"].astype(str) == other]])
    with plot_style():
        fig, ax = new_figure(ax, figsize=(7.0, 1.3 + 0.32 * max(len(rows), 1)))
        if rows.empty:
            return _no_data(fig, ax, language)
        y = np.arange(len(rows))
        ties = rows["ties"].to_numpy(dtype=float)
        ratio = rows["ratio"].to_numpy(dtype=float)
        pooled = (rows["department"].astype(str) == other).to_numpy()
        colors = np.where(np.nan_to_num(ratio) >= 1, _BLUE, _GREY)
        bars = ax.barh(y, ties, color=colors, height=0.7)
        for bar, is_pooled in zip(bars, pooled):
            if is_pooled:
                bar.set_hatch("///")
                bar.set_edgecolor("white")
        for i in range(len(rows)):
            if np.isfinite(ratio[i]):
                ax.text(ties[i], y[i], f" ×{ratio[i]:.1f}" if ratio[i] >= 0.1 else f" ×{ratio[i]:.2f}", va="center",
                        ha="left", fontsize=8)
        ax.set_yticks(y, [truncate(str(d), 28) for d in rows["department"]])
        ax.invert_yaxis()
        ax.set_xlim(0, ties.max() * 1.18 if ties.max() > 0 else 1)
        ax.set_xlabel(t("figure.department.ties", language, department=department) + " · "
                      + t("figure.department.ratio", language))
        ax.tick_params(axis="y", length=0)
        ax.legend(handles=[Patch(color=_BLUE, label=t("figure.department.above", language)),
                           Patch(color=_GREY, label=t("figure.department.below", language))],
                  loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8)
    return fig


def plot_dimension_comparison(dimensions: pd.DataFrame, department: str, ax: Axes | None = None, *,
                              language: str = "en") -> Figure:
    """The department's mean score per survey dimension beside the organisation's.

    Parameters
    ----------
    dimensions : DataFrame
        ``DepartmentSurvey.dimensions``: ``label``, ``mean``, ``organisation_mean``.
    department : str
        The department (for the legend).
    ax : Axes, optional
        Where to draw (default: a new figure).
    language : {"en", "zh"}
        Language of the labels.

    Returns
    -------
    Figure
        Per dimension a line from the organisation's mean (grey ring) to the department's (blue dot) on
        the answer scale 1-5, the neutral answer 3 marked.
    """
    with plot_style():
        fig, ax = new_figure(ax, figsize=(7.0, 1.5 + 0.36 * max(len(dimensions), 1)))
        if dimensions.empty:
            return _no_data(fig, ax, language)
        y = np.arange(len(dimensions))
        ours = dimensions["mean"].to_numpy(dtype=float)
        org = dimensions["organisation_mean"].to_numpy(dtype=float)
        ax.hlines(y, np.minimum(ours, org), np.maximum(ours, org), color=_GREY, lw=2, zorder=1)
        ax.scatter(org, y, s=60, facecolor="white", edgecolor=_GREY, lw=1.5, zorder=2,
                   label=t("figure.department.organisation", language))
        ax.scatter(ours, y, s=60, color=_BLUE, zorder=3, label=truncate(department, 30))
        ax.axvline(3, color="#d0d7de", lw=0.8, zorder=0)
        ax.set_yticks(y, [truncate(str(d), 28) for d in dimensions["label"]])
        ax.invert_yaxis()
        ax.set_xlim(1, 5)
        ax.set_xlabel(t("figure.survey.mean", language))
        ax.tick_params(axis="y", length=0)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8)
    return fig
