"""Cross-area interpretation: what the survey and the other areas say together about one department.

One definition of a *silo people feel* lives here: a department whose network keeps its ties inside
(:func:`orgkit.areas.communication.silos`) and whose people rate communication low in the survey.
:func:`department_links` sets each department's survey means beside its network and decision numbers,
:func:`felt_silos` picks the departments that are such silos; the findings and the report call them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from orgkit.errors import ConfigError
from orgkit.thresholds import DEFAULTS

if TYPE_CHECKING:
    from orgkit.areas.survey import SurveyResult

__all__ = ["FELT_SILO_DIMENSION", "department_links", "felt_silos", "link_to_areas"]

logger = logging.getLogger(__name__)

#: The survey dimension that measures felt information flow.
FELT_SILO_DIMENSION = "communication"


def link_to_areas(
    dimension_by_department: pd.DataFrame,
    department_metrics: pd.DataFrame,
    *,
    dimension: str = "communication",
    threshold: float = DEFAULTS["survey.felt_silo.mean_below"],
) -> pd.DataFrame:
    """Join survey dimension means with other modules' per-department metrics and flag felt silos.

    Parameters
    ----------
    dimension_by_department : DataFrame
        Indexed by department, one column per dimension (``SurveyResult.by_department``; suppressed
        cells are NaN).
    department_metrics : DataFrame
        Indexed by department (or with a ``department`` column), e.g. ``ei_index``,
        ``ei_index_expected``, ``density``, ``hops_mean``, ``silo``.
    dimension : str, default "communication"
        The survey dimension that measures felt information flow.
    threshold : float, default 3.5
        A department is *low* on ``dimension`` when its mean is below this (3.5 is halfway between
        neutral and agree; ``survey.felt_silo.mean_below`` of :mod:`orgkit.thresholds`).

    Returns
    -------
    DataFrame
        Indexed by department (union of both inputs, sorted): every input column (the metrics'
        columns get a ``_metrics`` suffix on a name clash), then ``low_survey``,
        ``structural_silo`` and ``felt_silo`` (nullable ``boolean``).

    Notes
    -----
    The flags, in this order of evidence for ``structural_silo``:

    1. a ``silo`` column (boolean) from the network module, if present;
    2. else ``ei_below_expected`` (boolean), if present;
    3. else ``ei_index < ei_index_expected`` (the E-I under random mixing, as
       :func:`orgkit.areas.communication.department_ties` names it; ``ei_expected`` is accepted too) when
       both columns are present;
    4. else ``ei_index < 0`` (more ties inside the department than outside; Krackhardt & Stern 1988);
    5. else unknown (NA).

    ``low_survey`` = ``dimension`` mean < ``threshold``, NA when the cell is suppressed or missing.
    ``felt_silo`` = ``low_survey AND structural_silo`` with three-valued logic: ``False`` when either
    is ``False``, NA when one is unknown and the other ``True``. A felt silo is a department whose
    people say information does not flow *and* whose communication graph shows it.

    References
    ----------
    .. [1] Krackhardt, D., & Stern, R. N. (1988). Informal networks and organizational crises: An
       experimental simulation. *Social Psychology Quarterly*, 51(2), 123-140. https://doi.org/10.2307/2786835

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({"communication": [2.8, 4.1, float("nan")]}, index=["A", "B", "C"])
    >>> network = pd.DataFrame({"ei_index": [-0.6, -0.5, 0.2]}, index=["A", "B", "C"])
    >>> link_to_areas(survey, network)["felt_silo"].tolist()
    [True, False, False]
    """
    survey = dimension_by_department.copy()
    other = department_metrics.copy()
    if "department" in other.columns:
        other = other.set_index("department")
    if "department" in survey.columns:
        survey = survey.set_index("department")
    if dimension not in survey.columns:
        raise ConfigError(f"dimension must be one of the survey columns {list(survey.columns)}. "
                          f"Got {dimension!r} instead.")
    survey.index = survey.index.astype("str")
    other.index = other.index.astype("str")
    out = survey.join(other, how="outer", suffixes=("", "_metrics")).sort_index()
    out.index.name = "department"
    value = out[dimension].astype("Float64")
    low = pd.array(value < threshold, dtype="boolean")
    if "silo" in other.columns:
        structural = out["silo_metrics" if "silo" in survey.columns else "silo"].astype("boolean")
    elif "ei_below_expected" in other.columns:
        structural = out["ei_below_expected"].astype("boolean")
    elif "ei_index" in other.columns and ({"ei_index_expected", "ei_expected"} & set(other.columns)):
        col = "ei_index_expected" if "ei_index_expected" in other.columns else "ei_expected"
        structural = (out["ei_index"].astype("Float64") < out[col].astype("Float64")).astype("boolean")
    elif "ei_index" in other.columns:
        structural = (out["ei_index"].astype("Float64") < 0).astype("boolean")
    else:
        logger.info("department_metrics has no silo, ei_below_expected or ei_index column; structural_silo is NA")
        structural = pd.Series(pd.NA, index=out.index, dtype="boolean")
    out["low_survey"] = low
    out["structural_silo"] = pd.array(structural, dtype="boolean")
    out["felt_silo"] = out["low_survey"] & out["structural_silo"]
    return out


#: The columns :func:`department_links` takes from the other areas' per-department tables.
_LINK_COMMUNICATION = ("density", "ei_index", "ei_index_expected", "silo")
_LINK_DECISIONS = ("hops_mean",)


def department_links(
    assessment: Any,
    *,
    dimension: str = "communication",
    threshold: float | None = None,
    visible: set[str] | None = None,
) -> pd.DataFrame:
    """The survey's dimension means per department beside that department's network and decision numbers.

    Parameters
    ----------
    assessment : orgkit.assessment.Assessment
        Anything with ``.client``, ``.thresholds``, ``.survey`` (:class:`SurveyResult`),
        ``.communication.departments`` and ``.decisions.by_department`` (either of the last two may be
        missing or empty).
    dimension : str, default "communication"
        The survey dimension that measures felt information flow (see :func:`link_to_areas`).
    threshold : float, optional
        A department is low on ``dimension`` below this mean; default ``survey.felt_silo.mean_below`` of
        ``assessment.thresholds`` (3.5 unless the client changed it).
    visible : set of str, optional
        The departments that may be shown; default: those with at least
        ``client.settings.min_group_size`` people (the rule of every report table).

    Returns
    -------
    DataFrame
        One row per department with survey answers (``RangeIndex``, sorted by department):
        ``department``, one column per survey dimension (mean 1-5), ``density``, ``ei_index``,
        ``ei_index_expected`` (from :func:`orgkit.areas.communication.analyze_communication`; NaN without
        communication data), ``hops_mean`` (mean reporting lines between initiator and decider for the
        decisions the department raises; NaN without decisions), ``low_survey``,
        ``structural_silo``, ``felt_silo`` (nullable ``boolean``) and ``suppressed`` (``bool``). A
        suppressed row (a department that is not visible, hidden in the survey, or hidden in the
        communication table) keeps its label only: every number and flag is blank. Empty (with these
        columns) without a survey.

    Notes
    -----
    The flags are those of :func:`link_to_areas` with the communication module's ``silo`` column as
    structural evidence: ``felt_silo`` = (survey mean on ``dimension`` < ``threshold``) AND (the
    department keeps its ties inside, E-I far below the random-mixing value :math:`1 - 2(n-1)/(N-1)`).
    Degenerate cases: without communication data ``structural_silo`` and ``felt_silo`` are NA for
    departments low on the survey and ``False`` otherwise; a department without survey answers has no
    row; a department no table may show is suppressed, so no number of a small group leaves here.

    References
    ----------
    .. [1] Krackhardt, D., & Stern, R. N. (1988). Informal networks and organizational crises: An
       experimental simulation. *Social Psychology Quarterly*, 51(2), 123-140. https://doi.org/10.2307/2786835

    Examples
    --------
    >>> import orgkit
    >>> from orgkit.data.sample import sample_client_path
    >>> a = orgkit.assess(orgkit.load_client(sample_client_path()))
    >>> links = department_links(a)
    >>> links.loc[links["felt_silo"].fillna(False).astype(bool), "department"].tolist()
    ['R&D']
    """
    survey: SurveyResult = assessment.survey
    flags = ["low_survey", "structural_silo", "felt_silo"]
    numbers = [*_LINK_COMMUNICATION[:-1], *_LINK_DECISIONS]
    dims = list(survey.by_department.columns) if survey.available else []
    columns = ["department", *dims, *numbers, *flags, "suppressed"]
    if not survey.available or survey.by_department.empty or dimension not in dims:
        empty = {c: pd.Series(dtype="float64") for c in columns}
        empty["department"] = pd.Series(dtype="str")
        empty.update({f: pd.Series(dtype="boolean") for f in flags})
        empty["suppressed"] = pd.Series(dtype="bool")
        return pd.DataFrame(empty)[columns]
    client = assessment.client
    if threshold is None:
        threshold = float(assessment.thresholds["survey.felt_silo.mean_below"])
    if visible is None:
        sizes = client.department_sizes()
        visible = set(sizes[sizes >= client.settings.min_group_size].index.astype("str"))
    hidden = set(map(str, survey.suppressed_groups))

    def per_department(frame: Any, wanted: tuple[str, ...]) -> pd.DataFrame:
        if frame is None or frame.empty or "department" not in frame.columns:
            return pd.DataFrame(index=pd.Index([], dtype="str", name="department"))
        f = frame.assign(department=frame["department"].astype("str"))
        if "suppressed" in f.columns:
            hidden.update(f.loc[f["suppressed"].fillna(False).astype(bool), "department"])
        return f.set_index("department")[[c for c in wanted if c in f.columns]]

    comm = per_department(getattr(getattr(assessment, "communication", None), "departments", None),
                          _LINK_COMMUNICATION)
    dec = per_department(getattr(getattr(assessment, "decisions", None), "by_department", None), _LINK_DECISIONS)
    metrics = comm.join(dec, how="outer")
    for c in _LINK_COMMUNICATION + _LINK_DECISIONS:
        if c not in metrics.columns:
            metrics[c] = (pd.Series(pd.NA, index=metrics.index, dtype="boolean") if c == "silo"
                          else pd.Series(np.nan, index=metrics.index, dtype="float64"))
    metrics["silo"] = metrics["silo"].astype("boolean")
    by_department = survey.by_department.copy()
    by_department.index = by_department.index.astype("str")
    linked = link_to_areas(by_department, metrics, dimension=dimension, threshold=threshold)
    linked = linked[linked.index.isin(by_department.index)]
    out = linked.reset_index()
    out["suppressed"] = ~out["department"].isin(visible) | out["department"].isin(hidden)
    out.loc[out["suppressed"], [*dims, *numbers]] = np.nan
    for f in flags:
        out[f] = out[f].astype("boolean").mask(out["suppressed"])
    out[dims + numbers] = out[dims + numbers].astype("float64")
    return out[columns].reset_index(drop=True)


def felt_silos(assessment: Any, visible: set[str] | None = None) -> pd.DataFrame:
    """The departments that are a silo people feel: the rows of :func:`department_links` flagged ``felt_silo``.

    Parameters
    ----------
    assessment : orgkit.assessment.Assessment
        As for :func:`department_links`.
    visible : set of str, optional
        The departments that may be shown (see :func:`department_links`).

    Returns
    -------
    DataFrame
        The columns of :func:`department_links`, one row per visible department that is a structural silo
        and rates :data:`FELT_SILO_DIMENSION` below ``survey.felt_silo.mean_below``. Empty without a survey
        or when the survey does not ask about that dimension.
    """
    survey = getattr(assessment, "survey", None)
    if survey is None or not getattr(survey, "available", False):
        return pd.DataFrame()
    if FELT_SILO_DIMENSION not in survey.by_department.columns:  # the survey does not ask about communication
        return pd.DataFrame()
    links = department_links(assessment, dimension=FELT_SILO_DIMENSION, visible=visible)
    return links[links["felt_silo"].fillna(False).astype(bool) & ~links["suppressed"]]
