"""Figures of the employee survey: department x dimension heatmap, diverging bars per item.

Each function takes a table of :class:`orgkit.areas.survey.SurveyResult` (already anonymised) and an optional
``ax``, and returns the figure. Nothing is computed here beyond layout; a suppressed cell is drawn as a
hatched grey box labelled as suppressed, never with a number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from orgkit.i18n import t
from orgkit.plots.style import new_figure, plot_style, truncate
from orgkit.areas.survey import DIMENSION_LABELS
from orgkit.thresholds import DEFAULTS, Thresholds

__all__ = ["plot_dimension_heatmap", "plot_item_diverging_bars", "SURVEY_COLORS"]

#: Okabe-Ito colours (safe for the common colour-vision deficiencies).
SURVEY_COLORS = {"unfavourable": "#D55E00", "neutral": "#BBBBBB", "favourable": "#0072B2",
                 "suppressed": "#E5E5E5"}
#: A diverging map from ColorBrewer's colour-blind-safe set: orange = low, purple = high, 3 = white.
_CMAP = "PuOr"

def _no_data(fig: Figure, ax: Axes, language: str) -> Figure:
    ax.text(0.5, 0.5, t("figure.no_data", language), ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return fig


def plot_dimension_heatmap(
    by_department: pd.DataFrame,
    ax: Axes | None = None,
    *,
    mask: pd.DataFrame | None = None,
    language: str = "en",
) -> Figure:
    """Mean score per department (rows) and dimension (columns), suppressed cells hatched.

    Parameters
    ----------
    by_department : DataFrame
        ``SurveyResult.by_department``: indexed by department, one column per dimension, NaN where a
        cell is suppressed.
    ax : Axes, optional
        Where to draw (default: a new figure).
    mask : DataFrame, optional
        ``SurveyResult.by_department_mask``; default: every NaN cell counts as suppressed.
    language : {"en", "zh"}
        Language of the labels.

    Returns
    -------
    Figure
        A diverging colour scale centred on the neutral answer (3); each shown cell is labelled with
        its mean, each suppressed cell is grey, hatched and labelled "suppressed".
    """
    with plot_style():
        n_rows, n_cols = by_department.shape
        fig, ax = new_figure(ax, figsize=(2.2 + 1.25 * max(n_cols, 1), 1.6 + 0.42 * max(n_rows, 1)))
        if n_rows == 0 or n_cols == 0:
            return _no_data(fig, ax, language)
        values = by_department.to_numpy(dtype=float)
        hidden = (mask.reindex_like(by_department).fillna(True).to_numpy(dtype=bool) if mask is not None
                  else np.isnan(values))
        shown = np.where(hidden, np.nan, values)
        im = ax.imshow(np.ma.masked_invalid(shown), cmap=_CMAP, vmin=1, vmax=5, aspect="auto")
        labels = DIMENSION_LABELS.get(language, DIMENSION_LABELS["en"])
        ax.xaxis.tick_top()
        ax.set_xticks(range(n_cols), [truncate(labels.get(str(c), str(c)), 18) for c in by_department.columns],
                      rotation=30, ha="left", rotation_mode="anchor")
        ax.set_yticks(range(n_rows), [truncate(str(d), 26) for d in by_department.index])
        ax.set_ylabel(t("figure.department", language))
        ax.spines[:].set_visible(False)
        ax.tick_params(length=0)
        small = n_rows * n_cols > 120
        for i in range(n_rows):
            for j in range(n_cols):
                if hidden[i, j]:
                    ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=SURVEY_COLORS["suppressed"],
                                           edgecolor="#9a9a9a", hatch="///", linewidth=0))
                    if not small:
                        ax.text(j, i, t("figure.survey.suppressed", language), ha="center", va="center", fontsize=7,
                                color="#555555", style="italic")
                elif np.isfinite(shown[i, j]) and not small:
                    v = shown[i, j]
                    ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8,
                            color="white" if abs(v - 3) > 1.2 else "#1f2933")
        bar = fig.colorbar(im, ax=ax, shrink=0.8, pad=0.02)
        bar.outline.set_visible(False)
        bar.set_label(t("figure.survey.mean", language))
        if hidden.any():
            ax.legend(handles=[Patch(facecolor=SURVEY_COLORS["suppressed"], edgecolor="#9a9a9a", hatch="///",
                                     label=t("figure.survey.suppressed_note", language))],
                      loc="upper left", bbox_to_anchor=(0, -0.02), bbox_transform=ax.transAxes,
                      fontsize=8, handlelength=1.5)
    return fig


def plot_item_diverging_bars(items: pd.DataFrame, ax: Axes | None = None, language: str = "en",
                             thresholds: Thresholds | None = None) -> Figure:
    """Favourable / neutral / unfavourable shares per item as diverging bars, neutral centred on zero.

    Parameters
    ----------
    items : DataFrame
        ``SurveyResult.items``: ``item``, ``favourable``, ``neutral``, ``unfavourable`` (shares 0-1),
        optional ``text`` / ``text_zh``, ``reverse``, ``suppressed``. Drawn top to bottom in table order.
    ax : Axes, optional
        Where to draw (default: a new figure).
    language : {"en", "zh"}
        ``zh`` labels items with ``text_zh`` (falling back to ``text``, then the id).
    thresholds : Thresholds, optional
        Whose ``survey.answer.*`` the shares were computed with, for the legend (default: the registry's:
        1-2 unfavourable, 3 neutral, 4-5 favourable).

    Returns
    -------
    Figure
        Unfavourable to the left of zero, favourable to the right, neutral split evenly across zero;
        reverse-worded items are marked "(R)"; suppressed items keep their row with the label
        "suppressed" and no bar.
    """
    with plot_style():
        k = len(items)
        fig, ax = new_figure(ax, figsize=(9.5, 1.4 + 0.34 * max(k, 1)))
        if k == 0:
            return _no_data(fig, ax, language)
        text_col = "text_zh" if language == "zh" else "text"
        names = []
        for row in items.to_dict("records"):
            text = row.get(text_col) or row.get("text") or ""
            text = "" if pd.isna(text) else str(text)
            name = f"{row['item']}  {truncate(text, 58)}" if text else str(row["item"])
            names.append(t("figure.survey.reverse_item", language, name=name) if bool(row.get("reverse", False))
                         else name)
        fav = 100 * items["favourable"].to_numpy(dtype=float)
        neu = 100 * items["neutral"].to_numpy(dtype=float)
        unf = 100 * items["unfavourable"].to_numpy(dtype=float)
        hidden = (items["suppressed"].to_numpy(dtype=bool) if "suppressed" in items.columns
                  else np.zeros(k, dtype=bool)) | np.isnan(fav)
        y = np.arange(k)
        half = np.where(hidden, 0, neu / 2)
        th = DEFAULTS if thresholds is None else thresholds
        fav_min, unf_max = th["survey.answer.favourable_min"], th["survey.answer.unfavourable_max"]
        neutral = str(unf_max + 1) if fav_min - unf_max == 2 else f"{unf_max + 1}–{fav_min - 1}"  # en dash
        ax.barh(y, np.where(hidden, 0, unf), left=-half - np.where(hidden, 0, unf),
                color=SURVEY_COLORS["unfavourable"], label=t("figure.survey.unfavourable", language, high=unf_max), height=0.7)
        ax.barh(y, np.where(hidden, 0, neu), left=-half, color=SURVEY_COLORS["neutral"],
                label=t("figure.survey.neutral", language, answers=neutral), height=0.7)
        ax.barh(y, np.where(hidden, 0, fav), left=half, color=SURVEY_COLORS["favourable"],
                label=t("figure.survey.favourable", language, low=fav_min), height=0.7)
        for i in range(k):
            if hidden[i]:
                ax.text(0, i, t("figure.survey.suppressed", language), ha="center", va="center", fontsize=8,
                        color="#555555", style="italic")
            else:
                ax.text(half[i] + fav[i] + 1, i, f"{fav[i]:.0f}%", va="center", ha="left", fontsize=8)
                ax.text(-half[i] - unf[i] - 1, i, f"{unf[i]:.0f}%", va="center", ha="right", fontsize=8)
        ax.axvline(0, color="#1f2933", lw=0.8)
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.set_xlim(-110, 110)
        ax.set_xticks([-100, -50, 0, 50, 100], ["100", "50", "0", "50", "100"])
        note = ("reverse" in items.columns and items["reverse"].fillna(False).astype(bool).any())
        ax.set_xlabel(t("figure.survey.share", language) + ("\n" + t("figure.survey.reverse", language) if note else ""))
        ax.tick_params(axis="y", length=0)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=8)
    return fig
