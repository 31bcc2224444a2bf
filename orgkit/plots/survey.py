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
from orgkit.plots.style import new_figure, plot_style, truncate, wrap_label
from orgkit.areas.survey import DIMENSION_LABELS
from orgkit.thresholds import DEFAULTS, Thresholds

__all__ = ["plot_dimension_heatmap", "plot_item_diverging_bars", "SURVEY_COLORS"]

#: Okabe-Ito colours (safe for the common colour-vision deficiencies).
SURVEY_COLORS = {"unfavourable": "#D55E00", "neutral": "#BBBBBB", "favourable": "#0072B2",
                 "suppressed": "#E5E5E5"}
#: A diverging map from ColorBrewer's colour-blind-safe set: orange = low, purple = high, 3 = white.
_CMAP = "PuOr"
#: Columns of a question's line beside its bars (a CJK character takes two): about 3.6 inches at 9 pt.
_LABEL_COLUMNS = 50

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
    """Favourable / neutral / unfavourable shares per question as diverging bars, neutral centred on zero.

    Parameters
    ----------
    items : DataFrame
        ``SurveyResult.items``: ``item``, ``favourable``, ``neutral``, ``unfavourable`` (shares 0-1),
        optional ``text`` / ``text_zh`` (the wording), ``dimension``, ``reverse``, ``suppressed``. Drawn
        top to bottom in table order.
    ax : Axes, optional
        Where to draw (default: a new figure, as tall as its rows need).
    language : {"en", "zh"}
        Language of the labels: each item is shown by its question in this language, else in the
        other, else by its id (:func:`orgkit.areas.survey.item_labels`).
    thresholds : Thresholds, optional
        Whose ``survey.answer.*`` the shares were computed with, for the legend (default: the registry's:
        1-2 unfavourable, 3 neutral, 4-5 favourable).

    Returns
    -------
    Figure
        Unfavourable to the left of zero, favourable to the right, neutral split evenly across zero.
        Questions wrap onto two lines at most (cut with an ellipsis beyond); with more than one
        dimension each group of questions is headed by its dimension's name. Reverse-worded questions
        end with "(reverse-worded)" and the axis says what their bars mean; suppressed questions keep
        their row with the label "suppressed" and no bar.
    """
    from orgkit.areas.survey import item_labels

    k = len(items)
    if k == 0:
        with plot_style():
            fig, ax = new_figure(ax, figsize=(9.5, 2.0))
            return _no_data(fig, ax, language)
    reverse = (items["reverse"].fillna(False).astype(bool).to_numpy() if "reverse" in items.columns
               else np.zeros(k, dtype=bool))
    marker = t("figure.survey.reverse_item", language)
    labels = [wrap_label(text, _LABEL_COLUMNS, 2, suffix=marker if rev else "")
              for text, rev in zip(item_labels(items, language), reverse)]
    dims = (items["dimension"].fillna("").astype("str").to_numpy() if "dimension" in items.columns
            else np.full(k, "", dtype=object))
    grouped = len(set(dims)) > 1
    names = DIMENSION_LABELS.get(language, DIMENSION_LABELS["en"])
    # rows top to bottom: a heading before each dimension's first question (when there are several)
    y = np.empty(k)
    ticks, tick_labels, headings = [], [], []
    row = 0
    for i in range(k):
        if grouped and (i == 0 or dims[i] != dims[i - 1]):
            ticks.append(row)
            tick_labels.append(names.get(dims[i], dims[i]) or "–")
            headings.append(len(ticks) - 1)
            row += 1
        y[i] = row
        ticks.append(row)
        tick_labels.append(labels[i])
        row += 1
    two_lines = any("\n" in label for label in labels)
    with plot_style():
        fig, ax = new_figure(ax, figsize=(9.5, 1.5 + (0.4 if two_lines else 0.3) * row))
        fav = 100 * items["favourable"].to_numpy(dtype=float)
        neu = 100 * items["neutral"].to_numpy(dtype=float)
        unf = 100 * items["unfavourable"].to_numpy(dtype=float)
        hidden = (items["suppressed"].fillna(True).to_numpy(dtype=bool) if "suppressed" in items.columns
                  else np.zeros(k, dtype=bool)) | np.isnan(fav)
        half = np.where(hidden, 0, neu / 2)
        th = DEFAULTS if thresholds is None else thresholds
        fav_min, unf_max = th["survey.answer.favourable_min"], th["survey.answer.unfavourable_max"]
        neutral = str(unf_max + 1) if fav_min - unf_max == 2 else f"{unf_max + 1}–{fav_min - 1}"  # en dash
        height = 0.62 if two_lines else 0.7
        ax.barh(y, np.where(hidden, 0, unf), left=-half - np.where(hidden, 0, unf), height=height,
                color=SURVEY_COLORS["unfavourable"], label=t("figure.survey.unfavourable", language, high=unf_max))
        ax.barh(y, np.where(hidden, 0, neu), left=-half, color=SURVEY_COLORS["neutral"], height=height,
                label=t("figure.survey.neutral", language, answers=neutral))
        ax.barh(y, np.where(hidden, 0, fav), left=half, color=SURVEY_COLORS["favourable"], height=height,
                label=t("figure.survey.favourable", language, low=fav_min))
        for i in range(k):
            if hidden[i]:
                ax.text(0, y[i], t("figure.survey.suppressed", language), ha="center", va="center", fontsize=8,
                        color="#555555", style="italic")
            else:
                ax.text(half[i] + fav[i] + 1, y[i], f"{fav[i]:.0f}%", va="center", ha="left", fontsize=8)
                ax.text(-half[i] - unf[i] - 1, y[i], f"{unf[i]:.0f}%", va="center", ha="right", fontsize=8)
        ax.axvline(0, color="#1f2933", lw=0.8)
        ax.set_yticks(ticks, tick_labels)
        tick_texts = ax.get_yticklabels()
        for label in tick_texts:
            label.set_multialignment("left")  # a two-line question reads as a paragraph beside its bars
        for j in headings:
            tick_texts[j].set_fontweight("bold")
            tick_texts[j].set_color("#1f2933")
        ax.set_ylim(row - 0.5, -0.5)
        ax.set_xlim(-110, 110)
        ax.set_xticks([-100, -50, 0, 50, 100], ["100", "50", "0", "50", "100"])
        note = bool(reverse.any())
        ax.set_xlabel(t("figure.survey.share", language)
                      + ("\n" + wrap_label(t("figure.survey.reverse", language), 80, 3) if note else ""))
        ax.tick_params(axis="y", length=0)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=8)
    return fig
