"""Every plot function returns a figure Jupyter shows as a picture, and pyplot never holds one.

The figures are collected by watching every ``plot_*`` function of ``orgkit.plots.__all__`` while a whole
report book is built on the bundled sample client (every block, a department), so new plot functions are
covered as soon as the report uses them; a plot function the report does not call must be listed in
``DIRECT`` with small inputs.
"""

from __future__ import annotations

import functools
import inspect
import sys

import pandas as pd
import pytest

import orgkit.plots as plots
from orgkit.plots import style

IPython = pytest.importorskip("IPython")


def _format(fig) -> dict:
    """What Jupyter's display machinery makes of ``fig`` (IPython's own formatter, as in a kernel)."""
    from IPython.core.formatters import DisplayFormatter

    data, _ = DisplayFormatter().format(fig)
    return data


#: Plot functions the report book does not call, with small inputs.
def _tiny_mixing():
    from orgkit.areas.communication import department_mixing

    people = pd.DataFrame({"employee_id": [f"p{i}" for i in range(10)], "department": ["A"] * 5 + ["B"] * 5})
    edges = pd.DataFrame({"u": ["p0", "p1", "p2", "p5", "p6", "p0"], "v": ["p1", "p2", "p3", "p6", "p7", "p5"], "weight": 1})
    return department_mixing(people, edges, min_group_size=5)


DIRECT = {
    "plot_department_heatmap": lambda: plots.plot_department_heatmap(
        pd.DataFrame([[0.5, 0.1], [0.1, 0.4]], index=["A", "B"], columns=["A", "B"])),
    "plot_department_graph": lambda: plots.plot_department_graph(_tiny_mixing()),
    "plot_partner_departments": lambda: plots.plot_partner_departments(
        pd.DataFrame({"department": ["A", "Other (small groups)"], "ties": [3, 1], "ratio": [1.2, 0.4]}), "B"),
    "plot_dimension_comparison": lambda: plots.plot_dimension_comparison(
        pd.DataFrame({"label": ["Role clarity"], "mean": [3.5], "organisation_mean": [3.1]}), "B"),
}


@pytest.fixture(scope="module")
def figures():
    """``{plot function name: [figures it returned]}`` over a whole report book and the direct calls."""
    from orgkit.data.sample import sample_client_path
    from orgkit.data.loading import load_client
    from orgkit.report.book import ReportBook

    names = [n for n in plots.__all__ if n.startswith("plot_") and n != "plot_style"]  # plot_style: the look
    seen: dict[str, list] = {n: [] for n in names}
    patch = pytest.MonkeyPatch()

    def spy(name, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            fig = func(*args, **kwargs)
            seen[name].append(fig)
            return fig
        return wrapper

    for name in names:
        func = getattr(plots, name)
        wrapped = spy(name, func)
        patch.setattr(plots, name, wrapped)
        patch.setattr(sys.modules[func.__module__], name, wrapped)
    try:
        book = ReportBook(load_client(sample_client_path()))
        for method, member in inspect.getmembers(ReportBook, inspect.isfunction):
            if method.startswith("_") or method == "record":
                continue
            required = [p for p in inspect.signature(member).parameters.values()
                        if p.name != "self" and p.default is p.empty and p.kind is not p.VAR_KEYWORD]
            if not required:
                getattr(book, method)()
        for area in ("structure", "communication", "decisions", "survey"):
            book.section(area)
        book.department("Sales")
        for name, call in DIRECT.items():
            if not seen[name]:
                call()
    finally:
        patch.undo()
    return seen


def test_every_plot_function_was_drawn(figures):
    assert [n for n, figs in figures.items() if not figs] == []


def test_every_figure_shows_as_a_picture_in_jupyter(figures):
    from matplotlib._pylab_helpers import Gcf

    for name, figs in figures.items():
        for fig in figs:
            assert isinstance(fig, style.OrgkitFigure), f"{name} returned a {type(fig).__name__} (use make_figure)"
            data = _format(fig)
            assert {"image/png", "image/svg+xml"} & set(data), f"{name}: Jupyter would print {data['text/plain']}"
    assert Gcf.get_num_fig_managers() == 0  # pyplot holds none of them


def test_png_is_sharp_and_sized_as_the_figure():
    fig, ax = style.new_figure(figsize=(4.0, 2.0))
    ax.plot([0, 1], [0, 1])
    data, meta = fig._repr_mimebundle_()
    png = data["image/png"]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == 800  # drawn at twice the report's 100 dpi
    assert meta["image/png"] == {"width": 400, "height": 200}  # shown at the figure's size


def test_svg_on_request_and_for_chinese_without_a_cjk_font(monkeypatch):
    fig, ax = style.new_figure()
    ax.set_title("研发中心")
    try:
        style.set_display_format("svg")
        assert set(fig._repr_mimebundle_()[0]) == {"image/svg+xml"}
        style.set_display_format("auto")
        monkeypatch.setattr(style, "register_cjk_fonts", lambda: ())
        data = fig._repr_mimebundle_()[0]
        assert set(data) == {"image/svg+xml"} and "研发中心" in data["image/svg+xml"]  # the browser draws it
        latin, ax2 = style.new_figure()
        ax2.set_title("Sales")
        assert set(latin._repr_mimebundle_()[0]) == {"image/png"}
    finally:
        style.set_display_format("auto")
    with pytest.raises(Exception, match="must be one of"):
        style.set_display_format("jpeg")


def test_a_figure_drawn_on_a_given_axes_is_that_axes_figure():
    fig = style.make_figure()
    ax = fig.add_subplot()
    assert plots.plot_layers(pd.DataFrame({"depth": [0, 1], "people": [1, 4]}), ax=ax) is fig
