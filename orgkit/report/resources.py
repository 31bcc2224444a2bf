"""Where orgkit's packaged resources are: the one place that finds them.

Everything orgkit reads besides a client's data ships as package data in ``orgkit/resources/`` and is
found here with :mod:`importlib.resources`: the report notebook, the ``orgkit`` nbconvert template and the
report's block templates, the batch overview's template, the bundled sample client and its example
reorganisation plans, the bundled survey questionnaire and the questionnaire files handed to clients. A source checkout reads the same files (the
top-level ``notebooks/assessment.ipynb`` and ``templates/`` are links to them), so there is one copy of
each.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import Any

from orgkit.errors import ReportError

__all__ = [
    "BLOCK_TEMPLATES",
    "block_template_loader",
    "notebook_path",
    "overview_template_dir",
    "plans_dir",
    "questionnaire_csv",
    "resource_dir",
    "sample_client_dir",
    "survey_template_dir",
    "template_path",
]

#: The report's HTML block templates, relative to the ``orgkit`` package.
BLOCK_TEMPLATES = "resources/templates/blocks"


def resource_dir() -> Path:
    """``orgkit/resources/``, the folder of the package data.

    Returns
    -------
    Path
    """
    return Path(str(importlib.resources.files("orgkit") / "resources"))


def _resource(*parts: str, what: str, directory: bool = False) -> Path:
    path = resource_dir().joinpath(*parts)
    if not (path.is_dir() if directory else path.is_file()):
        raise ReportError(f"{what} is missing from the package data ({path}); reinstall orgkit.")
    return path


def notebook_path(name: str = "assessment.ipynb") -> Path:
    """The notebook a report executes (``orgkit/resources/<name>``).

    Parameters
    ----------
    name : str
        The notebook's file name.

    Returns
    -------
    Path

    Raises
    ------
    ReportError
        When it is missing (a broken installation).
    """
    return _resource(name, what=f"the notebook {name}")


def template_path() -> Path:
    """The folder holding the ``orgkit`` nbconvert template (``orgkit/resources/templates``)."""
    _resource("templates", "orgkit", "index.html.j2", what="the report template orgkit/index.html.j2")
    return resource_dir() / "templates"


def overview_template_dir() -> Path:
    """The folder holding the batch overview's template ``overview.html.j2``."""
    _resource("templates", "overview.html.j2", what="the overview template overview.html.j2")
    return resource_dir() / "templates"


def block_template_loader() -> Any:
    """The Jinja2 loader of the report's block templates (:data:`BLOCK_TEMPLATES`)."""
    import jinja2

    return jinja2.PackageLoader("orgkit", BLOCK_TEMPLATES)


def sample_client_dir() -> Path:
    """The bundled sample client folder (``orgkit/resources/sample_client``)."""
    return _resource("sample_client", what="the sample client", directory=True)


def plans_dir() -> Path:
    """The example reorganisation plans for the bundled sample client (``orgkit/resources/plans``)."""
    return _resource("plans", what="the example plans", directory=True)


def questionnaire_csv() -> Path:
    """The bundled questionnaire: ``item``, ``dimension``, ``reverse``, ``text``, ``text_zh``."""
    return _resource("questionnaire.csv", what="the questionnaire questionnaire.csv")


def survey_template_dir() -> Path:
    """The questionnaire files a client fills in (``orgkit/resources/templates/survey``)."""
    return _resource("templates", "survey", what="the survey templates", directory=True)
