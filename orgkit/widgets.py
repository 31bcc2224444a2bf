"""Interactive exploration in JupyterLab: pick a department and a minimum group size, see its tables and figures.

Needs ipywidgets (the ``lab`` extra: ``pip install 'orgkit[lab]'``); ``import orgkit`` never imports it, and
this module says how to install it when it is missing::

    from orgkit.widgets import explorer
    explorer(result)          # result = orgkit.assess(client), or the client itself

The explorer shows :func:`orgkit.drilldown.department_view` as tables (:meth:`DepartmentView.to_html`) and
figures (the department's org chart, its partner departments, its survey scores beside the organisation's).
Its minimum group size starts at the client's and can only be raised: a department under it is not shown,
and the output says why.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from orgkit.errors import DependencyMissingError, GroupTooSmallError
from orgkit.i18n import t

if TYPE_CHECKING:  # pragma: no cover
    from orgkit.assessment import Assessment
    from orgkit.data.client import Client
    from orgkit.drilldown import DepartmentView

__all__ = ["Explorer", "explorer"]

#: The largest minimum group size the slider offers beyond the client's (a department view is refused above
#: its department's size anyway).
SLIDER_SPAN = 50


def _ipywidgets() -> Any:
    """The ipywidgets module, or :class:`DependencyMissingError` saying which extra to install."""
    try:
        import ipywidgets
    except ImportError as exc:
        raise DependencyMissingError(
            f"ipywidgets is not installed ({exc}); the explorer needs it. It is part of the lab extra: "
            "pip install 'orgkit[lab]' (or pip install ipywidgets), then restart the kernel.") from exc
    return ipywidgets


class Explorer:
    """A department dropdown and a minimum-group-size slider above the department's tables and figures.

    Parameters
    ----------
    source : Client or Assessment
        A loaded client (assessed once here) or its assessment.
    department : str, optional
        The department shown first (default: the largest).
    language : {"en", "zh"}, optional
        Language of the labels (default: the client's).

    Attributes
    ----------
    department : ipywidgets.Dropdown
        The departments of at least the client's minimum group size, largest first.
    min_group_size : ipywidgets.IntSlider
        From the client's minimum group size up.
    output : ipywidgets.Output
        The tables and figures of the current choice (or why there are none).
    view : DepartmentView or None
        What the output shows (``None`` when the department is under the minimum group size).
    widget : ipywidgets.VBox
        The whole explorer; a notebook cell returning the explorer displays it.

    Notes
    -----
    Each change of either control recomputes the view (:func:`orgkit.drilldown.department_view`, cached
    per department and minimum) and replaces the output's content with ``Output.append_display_data``,
    which works with or without a running kernel (tests drive it headlessly).
    """

    def __init__(self, source: "Client | Assessment", department: str | None = None, *, language: str | None = None):
        widgets = _ipywidgets()
        from orgkit.assessment import Assessment, assess
        from orgkit.drilldown import visible_departments

        self.assessment = source if isinstance(source, Assessment) else assess(source)
        client = self.assessment.client
        self.language = client.settings.language if language is None else language
        floor = int(client.settings.min_group_size)
        options = visible_departments(client, floor)
        if not options:
            raise GroupTooSmallError(f"no department has {floor} or more people, so there is nothing to explore.",
                                     group=None, min_group_size=floor)
        if department and department not in options:
            from orgkit.drilldown import department_view

            department_view(self.assessment, department)  # raises the reason: unknown, or too small to show
        largest = int(client.department_sizes().iloc[0])
        self.department = widgets.Dropdown(options=options, value=department or options[0],
                                           description=t("explorer.department", self.language),
                                           style={"description_width": "initial"})
        self.min_group_size = widgets.IntSlider(value=floor, min=floor, max=max(floor + 1, min(largest, floor + SLIDER_SPAN)),
                                                step=1, continuous_update=False,
                                                description=t("explorer.min_group_size", self.language),
                                                style={"description_width": "initial"})
        self.output = widgets.Output()
        self.widget = widgets.VBox([widgets.HBox([self.department, self.min_group_size]), self.output])
        self.view: "DepartmentView | None" = None
        self._views: dict[tuple[str, int], "DepartmentView"] = {}
        self.department.observe(self._changed, names="value")
        self.min_group_size.observe(self._changed, names="value")
        self.refresh()

    def _changed(self, change: dict[str, Any]) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Show the current department at the current minimum group size in :attr:`output`."""
        from orgkit.drilldown import department_view

        name, k = str(self.department.value), int(self.min_group_size.value)
        self.output.outputs = ()
        try:
            view = self._views.get((name, k)) or department_view(self.assessment, name, min_group_size=k,
                                                                  language=self.language)
        except GroupTooSmallError:
            self.view = None
            self.output.append_display_data(_Html(
                f"<p>{html.escape(t('explorer.too_small', self.language, department=name, k=k))}</p>"))
            return
        self._views[(name, k)] = view
        self.view = view
        self.output.append_display_data(_Html(view.to_html()))
        for fig in self.figures():
            self.output.append_display_data(fig)

    def figures(self) -> list[Any]:
        """The current view's figures: its org chart, partner departments and survey scores (those it has)."""
        from orgkit.plots.department import plot_dimension_comparison, plot_partner_departments
        from orgkit.plots.structure import plot_org_chart

        view = self.view
        if view is None:
            return []
        client = self.assessment.client
        out = []
        if client.has_hierarchy:
            people = client.people[client.people["department"] == view.department]
            out.append(plot_org_chart(people, min_group_size=view.min_group_size,
                                      show_names=bool(client.settings.show_names), language=self.language))
        if view.communication.available and not view.communication.partners.empty:
            out.append(plot_partner_departments(view.communication.partners, view.department, language=self.language))
        if view.survey.available:
            out.append(plot_dimension_comparison(view.survey.dimensions, view.department, language=self.language))
        return out

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return (f"<Explorer {self.assessment.client.name!r}: {self.department.value!r}, "
                f"minimum group size {self.min_group_size.value}>")


class _Html:
    """Markup a notebook shows as HTML (what ``IPython.display.HTML`` does, without importing IPython here)."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return self.markup


def explorer(source: "Client | Assessment", department: str | None = None, *,
             language: str | None = None) -> Explorer:
    """An :class:`Explorer` of ``source``'s departments; return it from a cell to show it.

    Parameters
    ----------
    source : Client or Assessment
        A loaded client or its assessment (:func:`orgkit.assess`).
    department : str, optional
        The department shown first (default: the largest).
    language : {"en", "zh"}, optional
        Language of the labels (default: the client's).

    Raises
    ------
    DependencyMissingError
        When ipywidgets is not installed (``pip install 'orgkit[lab]'``).
    """
    return Explorer(source, department, language=language)
