"""Figures: each function takes analysis tables (never raw people data it must re-aggregate) and an
optional ``ax`` and returns a :class:`matplotlib.figure.Figure` that pyplot does not track.

Structure: :func:`plot_org_chart`, :func:`plot_span_distribution`, :func:`plot_layers`.
Communication: :func:`plot_department_mixing` (ties between departments against random mixing),
:func:`plot_network` (the largest connected group of people, or :func:`plot_department_graph` above its limit),
:func:`plot_ei_index`; :func:`plot_department_heatmap` draws any other department matrix.
Decisions: :func:`plot_path_distribution`, :func:`plot_latency_by_type`.
Survey: :func:`plot_dimension_heatmap`, :func:`plot_item_diverging_bars`.
One department: :func:`plot_partner_departments`, :func:`plot_dimension_comparison`.

Every figure is an :class:`~orgkit.plots.style.OrgkitFigure` (from :func:`~orgkit.plots.style.make_figure`):
returned from a notebook cell, Jupyter shows it as a picture.
"""

from __future__ import annotations

from orgkit.plots.style import plot_style, register_cjk_fonts
from orgkit.plots.communication import (network_layout, plot_department_graph, plot_department_heatmap,
                                        plot_department_mixing, plot_ei_index, plot_network)
from orgkit.plots.decisions import plot_latency_by_type, plot_path_distribution
from orgkit.plots.structure import plot_layers, plot_org_chart, plot_span_distribution, tidy_tree_layout
from orgkit.plots.survey import plot_dimension_heatmap, plot_item_diverging_bars
from orgkit.plots.department import plot_dimension_comparison, plot_partner_departments

__all__ = [
    "plot_style",
    "register_cjk_fonts",
    "plot_org_chart",
    "plot_span_distribution",
    "plot_layers",
    "tidy_tree_layout",
    "plot_department_mixing",
    "plot_department_graph",
    "plot_department_heatmap",
    "plot_network",
    "network_layout",
    "plot_ei_index",
    "plot_path_distribution",
    "plot_latency_by_type",
    "plot_dimension_heatmap",
    "plot_item_diverging_bars",
    "plot_partner_departments",
    "plot_dimension_comparison",
]
