"""orgkit.widgets: the explorer driven headlessly (change a control, read what its output shows); import rules."""

from __future__ import annotations

import importlib
import sys

import pytest

from orgkit.errors import DependencyMissingError, GroupTooSmallError

pytest.importorskip("ipywidgets")

from test_drilldown import _client  # noqa: E402 - the ten-person client with hand-computed values


@pytest.fixture(scope="module")
def assessment():
    from orgkit.assessment import assess

    return assess(_client())


def _outputs(explorer) -> tuple[str, list[dict]]:
    """The HTML of the explorer's output and its image outputs."""
    html = "".join(o["data"].get("text/html", "") for o in explorer.output.outputs)
    images = [o for o in explorer.output.outputs if {"image/png", "image/svg+xml"} & set(o["data"])]
    return html, images


def test_explorer_shows_the_largest_department_with_its_figures(assessment):
    from orgkit.widgets import explorer

    ex = explorer(assessment)
    assert ex.department.options == ("Sales", "Ops") and ex.department.value == "Sales"
    assert ex.min_group_size.value == 3 and ex.min_group_size.min == 3
    html, images = _outputs(ex)
    assert "Sales" in html and "Ties with other departments" in html and "Legal" not in html
    assert len(images) == 3  # org chart, partner departments, survey beside the organisation
    assert ex.view.department == "Sales"


def test_changing_the_department_updates_the_output(assessment):
    from orgkit.widgets import explorer

    ex = explorer(assessment)
    ex.department.value = "Ops"
    html, images = _outputs(ex)
    assert ex.view.department == "Ops" and ex.view.communication.internal_ties == 1
    assert ">Ops<" in html and len(images) == 3


def test_raising_the_minimum_hides_and_says_why(assessment):
    from orgkit.widgets import explorer

    ex = explorer(assessment, "Ops")
    ex.min_group_size.value = 4  # Ops has 3 people
    html, images = _outputs(ex)
    assert ex.view is None and images == []
    assert "Ops has fewer than 4 people (the minimum group size), so its numbers are not shown." in html
    ex.department.value = "Sales"
    html, images = _outputs(ex)
    assert ex.view.min_group_size == 4 and "Other (small groups)" in html and ">Ops<" not in html
    assert len(images) == 2  # the survey is hidden at 4 (Ops would follow from the totals)
    ex.min_group_size.value = 3
    assert ex.view.survey.available


def test_explorer_in_chinese(assessment):
    from orgkit.widgets import explorer

    ex = explorer(assessment, language="zh")
    assert ex.department.description == "部门" and ex.min_group_size.description == "最小分组人数"
    assert ex.min_group_size.max == 4  # the largest department
    ex.department.value = "Ops"
    ex.min_group_size.value = 4
    assert "的人数少于 4 人（最小分组人数），因此不显示其数据。" in _outputs(ex)[0]


def test_a_small_or_unknown_department_is_refused_up_front(assessment):
    from orgkit.errors import ConfigError
    from orgkit.widgets import explorer

    with pytest.raises(GroupTooSmallError):
        explorer(assessment, "Legal")
    with pytest.raises(ConfigError):
        explorer(assessment, "Nowhere")


def test_the_explorer_displays_as_a_widget(assessment):
    from orgkit.widgets import explorer

    bundle = explorer(assessment)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_without_ipywidgets_a_clear_error(monkeypatch, assessment):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    monkeypatch.delitem(sys.modules, "orgkit.widgets", raising=False)
    widgets = importlib.import_module("orgkit.widgets")  # importing the module itself works
    with pytest.raises(DependencyMissingError, match=r"orgkit\[lab\]"):
        widgets.explorer(assessment)


def test_importing_orgkit_does_not_import_ipywidgets():
    import subprocess

    code = ("import sys, orgkit, orgkit.drilldown, orgkit.plots, orgkit.report.book; "
            "print('ipywidgets' in sys.modules, 'IPython' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
