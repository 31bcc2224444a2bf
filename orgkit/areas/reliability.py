"""Reliability and agreement of survey scales: Cronbach's alpha, alpha if an item is deleted, r_wg and
r_wg(J) within departments, ICC(1) and ICC(2) of scores on departments.

Pure functions of answer tables (respondents x items) and group labels; :func:`orgkit.areas.survey.analyze_survey`
applies them per dimension.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from orgkit.data.contract import LIKERT_MAX, LIKERT_MIN
from orgkit.errors import ConfigError

__all__ = ["alpha_if_item_deleted", "cronbach_alpha", "icc1", "icc2", "rwg"]


def _complete(responses: pd.DataFrame | np.ndarray) -> np.ndarray:
    x = np.asarray(responses, dtype=float)
    if x.ndim != 2:
        raise ConfigError(f"responses must be a 2-D table (respondents x items). Got {x.ndim} dimension(s).")
    return x[~np.isnan(x).any(axis=1)]


def cronbach_alpha(responses: pd.DataFrame | np.ndarray) -> float | None:
    """Cronbach's alpha of a multi-item scale, on complete cases.

    Parameters
    ----------
    responses : DataFrame or 2-D array
        Respondents x items (reverse-worded items already flipped); missing answers as NaN.

    Returns
    -------
    float or None
        Alpha (at most 1, can be negative), or ``None`` when it is undefined.

    Notes
    -----
    With :math:`k` items, item variances :math:`\\sigma^2_i` and the variance :math:`\\sigma^2_X` of the
    respondents' sum scores (all sample variances, ``ddof=1``):

    .. math:: \\alpha = \\frac{k}{k-1}\\left(1 - \\frac{\\sum_i \\sigma^2_i}{\\sigma^2_X}\\right)

    Respondents with any missing item are left out (listwise deletion). The result is ``None`` with
    fewer than 2 items, fewer than 3 complete cases, or zero total variance (everyone gave the same
    sum). Values below 0.7 (``survey.alpha.min`` of :mod:`orgkit.thresholds`) are usually read as too unreliable to report the
    dimension as one score (Nunnally 1978).

    References
    ----------
    .. [1] Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
       *Psychometrika*, 16(3), 297-334. https://doi.org/10.1007/BF02310555
    .. [2] Nunnally, J. C. (1978). *Psychometric theory* (2nd ed.). McGraw-Hill.

    Examples
    --------
    >>> round(cronbach_alpha([[1, 2, 2], [2, 2, 3], [4, 3, 4], [5, 5, 5]]), 4)
    0.9661
    >>> cronbach_alpha([[3, 3], [3, 3], [3, 3]]) is None
    True
    """
    x = _complete(responses)
    n, k = x.shape
    if k < 2 or n < 3:
        return None
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var <= 0:
        return None
    return float(k / (k - 1) * (1.0 - x.var(axis=0, ddof=1).sum() / total_var))


def alpha_if_item_deleted(responses: pd.DataFrame | np.ndarray) -> pd.Series:
    """Cronbach's alpha of the scale without each item in turn.

    Parameters
    ----------
    responses : DataFrame or 2-D array
        Respondents x items (reverse items flipped); missing answers as NaN.

    Returns
    -------
    Series
        Indexed by item (the DataFrame's columns, else 0..k-1), ``float64``; NaN where the reduced
        scale's alpha is undefined (fewer than 2 items left, fewer than 3 complete cases, zero variance).

    Notes
    -----
    All alphas use the same complete cases (listwise over all items), so they compare with
    :func:`cronbach_alpha` of the whole scale. With the item covariance matrix :math:`C`, the variance
    of the sum without item :math:`j` is :math:`\\sum C - 2\\sum_i C_{ij} + C_{jj}` and its item
    variances sum to :math:`\\operatorname{tr} C - C_{jj}`, so every item costs one vector operation. An
    item whose deletion *raises* alpha lowers the scale's reliability.

    References
    ----------
    .. [1] Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
       *Psychometrika*, 16(3), 297-334. https://doi.org/10.1007/BF02310555

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [1, 2, 4, 5], "b": [2, 2, 3, 5], "c": [2, 3, 4, 5]})
    >>> alpha_if_item_deleted(x).round(4).tolist()
    [0.9524, 0.9655, 0.9333]
    """
    names = list(responses.columns) if isinstance(responses, pd.DataFrame) else None
    x = _complete(responses)
    n, k = x.shape
    index = names if names is not None else list(range(k))
    if k - 1 < 2 or n < 3:
        return pd.Series(np.nan, index=index, dtype="float64")
    cov = np.cov(x, rowvar=False, ddof=1)
    diag = np.diag(cov)
    total_var = cov.sum() - 2 * cov.sum(axis=0) + diag
    item_var = np.trace(cov) - diag
    kk = k - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(total_var > 0, kk / (kk - 1) * (1 - item_var / total_var), np.nan)
    return pd.Series(alpha, index=index, dtype="float64")


def rwg(
    responses: pd.DataFrame | pd.Series,
    groups: pd.Series | np.ndarray,
    *,
    n_options: int = LIKERT_MAX - LIKERT_MIN + 1,
) -> pd.DataFrame:
    """Within-group agreement :math:`r_{wg}` (one item) or :math:`r_{wg(J)}` (a scale of J items).

    Parameters
    ----------
    responses : DataFrame or Series
        Respondents x items (or one item), reverse items flipped; missing answers as NaN.
    groups : Series or array
        Each respondent's group (e.g. department), aligned with ``responses`` by position. A
        categorical whose categories are sorted is grouped on its codes (faster, same result).
    n_options : int, default 5
        The number of answer options :math:`A`.

    Returns
    -------
    DataFrame
        Indexed by group (sorted): ``n`` (complete cases) and ``rwg`` (``float64``).

    Notes
    -----
    Agreement is the observed within-group variance compared with the variance expected if everyone
    answered at random, the uniform null :math:`\\sigma^2_{EU} = (A^2 - 1)/12` (2 for five options).
    With :math:`\\bar s^2` the mean of the :math:`J` item variances within the group (``ddof=1``) and
    :math:`r = \\bar s^2 / \\sigma^2_{EU}`:

    .. math:: r_{wg(J)} = \\frac{J (1 - r)}{J (1 - r) + r}

    For :math:`J = 1` this is :math:`r_{wg} = 1 - s^2/\\sigma^2_{EU}`. Complete cases only (listwise
    within the scale, as in Bliese's ``multilevel::rwg.j``). Degenerate cases: a group with fewer than
    2 complete cases gets NaN (no variance); a group that agrees perfectly gets 1; a group whose
    variance reaches or exceeds the random-response variance (:math:`r \\ge 1`, where the formula leaves
    [0, 1] or divides by zero) gets 0, as James et al. (1984) and LeBreton & Senter (2008) recommend.
    0.7 is the usual "strong enough agreement to aggregate" line.

    References
    ----------
    .. [1] James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group interrater
       reliability with and without response bias. *Journal of Applied Psychology*, 69(1), 85-98.
       https://doi.org/10.1037/0021-9010.69.1.85
    .. [2] LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater
       reliability and interrater agreement. *Organizational Research Methods*, 11(4), 815-852.
       https://doi.org/10.1177/1094428106296642

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [4, 4, 5, 1, 5], "b": [4, 5, 5, 5, 1]})
    >>> rwg(x, ["A", "A", "A", "B", "B"]).round(4).to_dict("index")
    {'A': {'n': 3, 'rwg': 0.9091}, 'B': {'n': 2, 'rwg': 0.0}}
    """
    frame = responses.to_frame() if isinstance(responses, pd.Series) else pd.DataFrame(responses)
    frame = frame.astype("float64").reset_index(drop=True)
    coded = _sorted_codes(groups)
    g = pd.Series(coded[0] if coded else np.asarray(groups, dtype=object), name="group")
    if len(g) != len(frame):
        raise ConfigError(f"groups has {len(g)} values for {len(frame)} respondents.")
    if n_options < 2:
        raise ConfigError(f"n_options must be at least 2. Got {n_options} instead.")
    keep = frame.notna().all(axis=1) & (g >= 0 if coded else g.notna())
    frame, g = frame[keep], g[keep]
    j = frame.shape[1]
    grouped = frame.groupby(g, sort=True)
    n = grouped.size().astype("int64")
    s2 = grouped.var(ddof=1).mean(axis=1)
    r = s2 / ((n_options**2 - 1) / 12.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (j * (1 - r)) / (j * (1 - r) + r)
    value = value.where(r < 1, 0.0).where(n >= 2)
    out = pd.DataFrame({"n": n, "rwg": value.astype("float64")})
    if coded:
        out.index = coded[1].take(out.index.to_numpy())
    out.index.name = None
    return out


def _sorted_codes(groups: Any) -> tuple[np.ndarray, pd.Index] | None:
    """Codes (-1 for missing) and names of ``groups`` when it is a categorical whose categories are
    sorted, so grouping on the codes orders groups as grouping on the names does; else ``None``.

    :func:`analyze_survey` passes the department that way so the per-dimension agreement statistics
    group on integers instead of hashing every respondent's department name again.
    """
    values = groups.array if isinstance(groups, pd.Series) else groups
    if isinstance(values, pd.Categorical) and values.categories.is_monotonic_increasing:
        return values.codes.astype(np.int64), values.categories
    return None


def _one_way_anova(scores: pd.Series | np.ndarray,
                   groups: pd.Series | np.ndarray) -> tuple[float, float, float] | None:
    """(MSB, MSW, mean group size) of a one-way ANOVA, or None when undefined."""
    y = np.asarray(scores, dtype=float)
    coded = _sorted_codes(groups)
    g = coded[0] if coded else np.asarray(groups, dtype=object)
    if len(y) != len(g):
        raise ConfigError(f"groups has {len(g)} values for {len(y)} scores.")
    frame = pd.DataFrame({"y": y, "g": g})
    frame = frame[frame["y"].notna() & (frame["g"] >= 0)] if coded else frame.dropna()
    n_total = len(frame)
    by = frame.groupby("g")["y"].agg(["count", "mean"])
    n_groups = len(by)
    if n_groups < 2 or n_total - n_groups < 1:
        return None
    grand = frame["y"].mean()
    ssb = float((by["count"] * (by["mean"] - grand) ** 2).sum())
    ssw = float(((frame["y"] - frame["g"].map(by["mean"])) ** 2).sum())
    return ssb / (n_groups - 1), ssw / (n_total - n_groups), n_total / n_groups


def icc1(scores: pd.Series | np.ndarray, groups: pd.Series | np.ndarray) -> float | None:
    """ICC(1): the share of variance in individual scores that lies between groups.

    Parameters
    ----------
    scores : Series or array
        One score per respondent (e.g. a dimension score); NaN is left out.
    groups : Series or array
        Each respondent's group, aligned by position (a categorical with sorted categories is grouped
        on its codes).

    Returns
    -------
    float or None
        ICC(1), which can be negative when groups differ less than chance; ``None`` when undefined.

    Notes
    -----
    From a one-way random-effects ANOVA of the scores on group, with mean squares between (MSB) and
    within (MSW) groups and :math:`k` the average group size :math:`N/G` (as Bliese's
    ``multilevel::ICC1`` does):

    .. math:: ICC(1) = \\frac{MSB - MSW}{MSB + (k - 1)\\,MSW}

    Degenerate cases give ``None``: fewer than 2 groups, no within-group degrees of freedom
    (every group has one person), or a zero denominator (everyone has the same score). Values of
    0.05-0.20 are typical of work-unit climate data (Bliese 2000).

    References
    ----------
    .. [1] Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability:
       Implications for data aggregation and analysis. In K. J. Klein & S. W. J. Kozlowski (Eds.),
       *Multilevel theory, research, and methods in organizations* (pp. 349-381). Jossey-Bass.
    .. [2] Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: Uses in assessing rater
       reliability. *Psychological Bulletin*, 86(2), 420-428. https://doi.org/10.1037/0033-2909.86.2.420

    Examples
    --------
    >>> icc1([1, 2, 3, 3, 4, 5], ["a", "a", "a", "b", "b", "b"])
    0.625
    >>> icc1([1, 2], ["a", "b"]) is None
    True
    """
    anova = _one_way_anova(scores, groups)
    if anova is None:
        return None
    msb, msw, k = anova
    denom = msb + (k - 1) * msw
    if denom == 0:
        return None
    return float((msb - msw) / denom)


def icc2(scores: pd.Series | np.ndarray, groups: pd.Series | np.ndarray) -> float | None:
    """ICC(2): the reliability of the group means.

    Parameters
    ----------
    scores : Series or array
        One score per respondent; NaN is left out.
    groups : Series or array
        Each respondent's group, aligned by position (a categorical with sorted categories is grouped
        on its codes).

    Returns
    -------
    float or None
        ICC(2), or ``None`` when undefined.

    Notes
    -----
    .. math:: ICC(2) = \\frac{MSB - MSW}{MSB}

    from the same one-way ANOVA as :func:`icc1`. ``None`` with fewer than 2 groups, no within-group
    degrees of freedom, or :math:`MSB = 0`. Group means with ICC(2) below about 0.7 do not separate
    groups reliably.

    References
    ----------
    .. [1] Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability:
       Implications for data aggregation and analysis. In K. J. Klein & S. W. J. Kozlowski (Eds.),
       *Multilevel theory, research, and methods in organizations* (pp. 349-381). Jossey-Bass.

    Examples
    --------
    >>> round(icc2([1, 2, 3, 3, 4, 5], ["a", "a", "a", "b", "b", "b"]), 4)
    0.8333
    """
    anova = _one_way_anova(scores, groups)
    if anova is None:
        return None
    msb, msw, _ = anova
    if msb == 0:
        return None
    return float((msb - msw) / msb)
