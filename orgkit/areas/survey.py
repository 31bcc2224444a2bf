"""The employee survey: item scoring, favourable shares, reliability, agreement, change and anonymity.

The survey is what people inside the organisation say about role clarity, communication, decision speed,
growth, customer focus and collaboration; the structural and network numbers are checked against it.
:func:`analyze_survey` is the one orchestration function; the reliability and agreement functions it calls
live in :mod:`orgkit.areas.reliability`, and they and :func:`complementary_suppression` work on plain
frames and can be used alone.

Anonymity is applied here, once, before anything leaves the module: every per-group number computed
from fewer than ``min_group_size`` respondents is blanked, small groups are protected against recovery by
subtraction from the totals (:func:`complementary_suppression`), and free-text comments are returned only
for departments with at least ``comment_min_group_size`` respondents, sorted, without respondent ids.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from orgkit.areas.reliability import alpha_if_item_deleted, cronbach_alpha, icc1, icc2, rwg
from orgkit.data.client import Client
from orgkit.data.contract import LIKERT_MAX, LIKERT_MIN
from orgkit.errors import ConfigError, Problem, ValidationError
from orgkit.i18n import LANGUAGES, t
from orgkit.files.jsonsafe import to_jsonable
from orgkit.privacy import complementary_suppression, suppress_small_groups
from orgkit.thresholds import DEFAULTS, Thresholds

__all__ = [
    "SurveyResult",
    "TOTAL",
    "DIMENSION_LABELS",
    "SCALE_LABELS",
    "default_items",
    "resolve_items",
    "item_labels",
    "score_respondents",
    "complementary_suppression",
    "analyze_survey",
]

log = logging.getLogger(__name__)

#: The label of the overall (all respondents) row in the long tables.
TOTAL = "(all)"
#: The bundled dimensions, in questionnaire order.
_DIMENSIONS = ("role_clarity", "communication", "decision_speed", "growth", "customer_focus", "collaboration")
#: Display names of the bundled dimensions (``survey.dimension.<code>`` of the catalogue, :mod:`orgkit.i18n`).
DIMENSION_LABELS: dict[str, dict[str, str]] = {
    lang: {code: t(f"survey.dimension.{code}", lang) for code in _DIMENSIONS} for lang in LANGUAGES
}
#: The 1..5 answer labels (``survey.scale.<1..5>`` of the catalogue).
SCALE_LABELS: dict[str, tuple[str, ...]] = {
    lang: tuple(t(f"survey.scale.{i}", lang) for i in range(1, 6)) for lang in LANGUAGES
}
_ITEM_COLUMNS = ["item", "dimension", "reverse", "text", "text_zh"]
_SHARES = ["favourable", "neutral", "unfavourable"]


# --------------------------------------------------------------------------------------------------
# the result
# --------------------------------------------------------------------------------------------------
@dataclass
class SurveyResult:
    """What :func:`analyze_survey` returns: JSON-safe key numbers and display tables.

    Every display table is already anonymised: a row with ``suppressed == True`` has its numbers blanked
    (NaN). No table holds respondent ids or individual answers.

    Attributes
    ----------
    metrics : dict
        Plain Python types only (NaN as ``None``): ``available``, ``respondents``, ``response_rate``,
        ``dimensions`` (dimension -> ``mean``, ``favourable``, ``neutral``, ``unfavourable``, ``n``,
        ``ci_low``, ``ci_high``, ``alpha``), ``favourable``, ``mean``, ``alpha`` (dimension -> value),
        ``low_alpha``, ``suppressed_groups``, ``agreement`` (dimension -> ``rwg_mean``, ``icc1``,
        ``icc2``), ``change`` (when a previous wave is given), ``score``, ``min_group_size``,
        ``unmapped_items``, ``warnings``. Without a survey: ``{"available": False, "reason": ...}``.
    score : float or None
        0-100: the mean over dimensions of the overall favourable share, times 100 (each dimension
        weighs the same). ``None`` without a survey or when the whole survey is below the threshold.
    by_department : DataFrame
        Department x dimension mean scores; suppressed cells are NaN.
    by_department_mask : DataFrame
        Same shape, ``True`` where a cell is suppressed (or has no answers).
    dimensions : DataFrame
        Long table, one row per (department, dimension) and per dimension for :data:`TOTAL`: ``n``,
        ``mean``, ``sd``, ``ci_low``, ``ci_high``, ``favourable``, ``neutral``, ``unfavourable``,
        ``n_answers``, ``suppressed``.
    items : DataFrame
        One row per item over all respondents: ``item``, ``dimension``, ``reverse``, ``text``,
        ``text_zh``, the same statistics, ``suppressed``. Shares are after reverse scoring.
    items_by_department : DataFrame
        The same per (department, item).
    response_rates : DataFrame
        ``department``, ``headcount`` (``None`` for departments unknown to ``people``), ``respondents``,
        ``response_rate``, ``suppressed``; a last :data:`TOTAL` row.
    reliability : DataFrame
        Per dimension: ``n_items``, ``n_complete``, ``alpha``, ``low_alpha``, ``items_lowering_alpha``.
    alpha_if_deleted : DataFrame
        Per (dimension, item): ``alpha_if_deleted``, ``lowers_alpha``.
    agreement : DataFrame
        Per dimension: ``icc1``, ``icc2``, ``rwg_mean``, ``rwg_median``, ``n_departments``.
    rwg_by_department : DataFrame
        Per (department, dimension): ``n`` (complete cases), ``rwg``, ``suppressed``.
    change : DataFrame or None
        Per (department, dimension) and :data:`TOTAL` against the previous wave (see
        :func:`analyze_survey`); ``None`` without a previous wave.
    comments : DataFrame
        ``department``, ``comment``: only departments with at least ``comment_min_group_size``
        respondents, sorted by department then text.
    suppressed_groups : list of str
        Departments whose numbers are hidden in every table.
    warnings : list of str
        Things the report must mention (unmapped items, response rates above 100 %, ...).
    """

    metrics: dict[str, Any]
    score: float | None = None
    by_department: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_department_mask: pd.DataFrame = field(default_factory=pd.DataFrame)
    dimensions: pd.DataFrame = field(default_factory=pd.DataFrame)
    items: pd.DataFrame = field(default_factory=pd.DataFrame)
    items_by_department: pd.DataFrame = field(default_factory=pd.DataFrame)
    response_rates: pd.DataFrame = field(default_factory=pd.DataFrame)
    reliability: pd.DataFrame = field(default_factory=pd.DataFrame)
    alpha_if_deleted: pd.DataFrame = field(default_factory=pd.DataFrame)
    agreement: pd.DataFrame = field(default_factory=pd.DataFrame)
    rwg_by_department: pd.DataFrame = field(default_factory=pd.DataFrame)
    change: pd.DataFrame | None = None
    comments: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"department": pd.Series(dtype="str"), "comment": pd.Series(dtype="str")}))
    suppressed_groups: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def available(self) -> bool:
        """Whether the client had a survey to analyse."""
        return bool(self.metrics.get("available"))


# --------------------------------------------------------------------------------------------------
# items
# --------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _questionnaire_text() -> str:
    from orgkit.report.resources import questionnaire_csv

    return questionnaire_csv().read_text(encoding="utf-8")


def default_items() -> pd.DataFrame:
    """The bundled questionnaire's items (the ones ``templates/survey/`` ships).

    Returns
    -------
    DataFrame
        ``item``, ``dimension``, ``text``, ``text_zh`` (``str``) and ``reverse`` (``bool``), one row per
        item, grouped by dimension: role_clarity, communication, decision_speed, growth, customer_focus,
        collaboration (4-5 items each, one reverse-worded item per dimension).

    Examples
    --------
    >>> items = default_items()
    >>> row = items.set_index("item").loc["rc4"]
    >>> row["dimension"], bool(row["reverse"])
    ('role_clarity', True)
    """
    frame = pd.read_csv(io.StringIO(_questionnaire_text()), dtype="str", keep_default_na=False)
    frame["reverse"] = frame["reverse"].str.strip().str.lower().isin({"true", "1", "yes"})
    return frame[_ITEM_COLUMNS].copy()


def _survey_file(client: Client) -> str:
    src = client.sources.get("survey")
    return src.path.name if src is not None else "survey"


def _fill_texts(items: pd.DataFrame) -> pd.DataFrame:
    """A client's item list with the wording it lacks taken from the bundled questionnaire.

    ``text`` is the English wording and ``text_zh`` the Chinese: a ``text`` in Chinese (a ``题目`` column)
    with no ``text_zh`` is the Chinese wording. A blank wording is the bundled questionnaire's for the same
    item id (without regard to case) when the client gives the item the same dimension; an item the
    questionnaire does not have, or measures another dimension with, keeps its blank (it is shown by id).
    """
    text = items["text"].fillna("").astype("str").str.strip()
    text_zh = items["text_zh"].fillna("").astype("str").str.strip()
    chinese = text.str.contains("[\u3400-\u9fff]", regex=True) & text_zh.eq("")
    text_zh = text_zh.mask(chinese, text)
    text = text.mask(chinese, "")
    bundled = default_items()
    key = bundled["item"].str.lower() + "\x1f" + bundled["dimension"].str.lower()
    lookup = pd.Series(range(len(bundled)), index=key)
    ours = items["item"].astype("str").str.strip().str.lower() + "\x1f" + (
        items["dimension"].fillna("").astype("str").str.strip().str.lower())
    row = ours.map(lookup)
    found = row.notna().to_numpy()
    pos = row.fillna(0).astype(int).to_numpy()
    fill_en = pd.Series(np.where(found, bundled["text"].to_numpy()[pos], ""), index=items.index, dtype="str")
    fill_zh = pd.Series(np.where(found, bundled["text_zh"].to_numpy()[pos], ""), index=items.index, dtype="str")
    return items.assign(text=text.mask(text.eq(""), fill_en), text_zh=text_zh.mask(text_zh.eq(""), fill_zh))


def item_labels(items: pd.DataFrame, language: str = "en") -> pd.Series:
    """How each survey item is shown to a reader: its question, in the report's language where there is one.

    Parameters
    ----------
    items : DataFrame
        ``item`` and optionally ``text`` (English wording) and ``text_zh`` (Chinese wording), as in
        :func:`resolve_items` and ``SurveyResult.items``.
    language : {"en", "zh"}
        The report's language.

    Returns
    -------
    Series of str
        Same index as ``items``: the wording in ``language``; else the wording in the other language
        (what respondents read is more telling than a code); else the item id.

    Notes
    -----
    The wording comes first from the client's ``survey_items`` file, then from the bundled
    questionnaire for its item ids (:func:`resolve_items`), so a survey run with orgkit's questionnaire
    reads as questions even when the client's item list has no wording.

    Examples
    --------
    >>> items = pd.DataFrame({"item": ["rc1", "x9"], "text": ["I know my job.", ""],
    ...                       "text_zh": ["", ""]})
    >>> item_labels(items, "zh").tolist()
    ['I know my job.', 'x9']
    """
    def column(name: str) -> pd.Series:
        if name not in items.columns:
            return pd.Series("", index=items.index, dtype="str")
        return items[name].fillna("").astype("str").str.strip()

    first, second = (column("text_zh"), column("text")) if language == "zh" else (column("text"), column("text_zh"))
    ids = items["item"].astype("str")
    return first.mask(first.eq(""), second).mask(lambda s: s.eq(""), ids).astype("str")


def resolve_items(client: Client) -> pd.DataFrame:
    """Which dimension each survey column measures, and whether it is reverse-worded.

    Parameters
    ----------
    client : Client
        A loaded client.

    Returns
    -------
    DataFrame
        ``item``, ``dimension``, ``reverse``, ``text``, ``text_zh``: ``client.survey_items`` when the
        client has one (its blank wording taken from the bundled questionnaire for the same item id and
        dimension, a Chinese ``text`` read as ``text_zh``), else the bundled questionnaire
        (:func:`default_items`, ids matched without regard to case); restricted to the survey's item columns when there is a survey. Item columns
        without a dimension are left out and logged; :func:`analyze_survey` lists them as a warning.

    Raises
    ------
    ValidationError
        When the survey has item columns but none of them can be mapped to a dimension.

    Examples
    --------
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from orgkit.data.client import Client, Settings
    >>> people = pd.DataFrame({"employee_id": ["1"], "department": ["A"]})
    >>> survey = pd.DataFrame({"department": ["A"], "RC1": pd.array([4], dtype="Int64")})
    >>> c = Client(path=Path("."), settings=Settings(name="t"), people=people, survey=survey)
    >>> resolve_items(c)[["item", "dimension"]].values.tolist()
    [['RC1', 'role_clarity']]
    """
    columns = client.survey_item_columns
    if client.survey_items is not None:
        items = client.survey_items.copy()
        source = "survey_items"
        if "reverse" not in items.columns:
            items["reverse"] = False
        for col in ("text", "text_zh"):
            if col not in items.columns:
                items[col] = ""
        items["reverse"] = items["reverse"].fillna(False).astype(bool)
        items = _fill_texts(items)
    else:
        items = default_items()
        source = "the bundled questionnaire"
        if client.survey is not None:
            by_lower = {c.lower(): c for c in columns}
            items["item"] = items["item"].map(lambda i: by_lower.get(i.lower(), i)).astype("str")
    items = items[items["dimension"].notna() & (items["dimension"].astype("str").str.strip() != "")]
    if items["item"].duplicated().any():
        dup = sorted(items.loc[items["item"].duplicated(), "item"].unique())
        raise ValidationError(client.path, [Problem(
            "survey_items", f"item(s) listed more than once: {', '.join(dup[:10])}.", "List each item once.")])
    if client.survey is None:
        return items[_ITEM_COLUMNS].reset_index(drop=True)
    known = set(columns)
    items = items[items["item"].isin(known)]
    if columns and items.empty:
        shown = ", ".join(columns[:8]) + (", ..." if len(columns) > 8 else "")
        raise ValidationError(client.path, [Problem(
            _survey_file(client),
            f"none of the {len(columns)} item column(s) ({shown}) has a dimension in {source}.",
            "Add a survey_items file (columns item, dimension, reverse) or use the item ids of "
            "templates/survey/survey_items.csv (rc1, cc1, ...).")])
    unmapped = [c for c in columns if c not in set(items["item"])]
    if unmapped:
        log.warning("%d survey column(s) have no dimension and are not scored: %s", len(unmapped),
                    ", ".join(unmapped[:10]))
    order = {c: i for i, c in enumerate(columns)}
    dim_first = items.groupby("dimension", sort=False)["item"].transform(lambda s: s.map(order).min())
    items = items.assign(_d=dim_first, _i=items["item"].map(order)).sort_values(["_d", "_i"], kind="stable")
    return items[_ITEM_COLUMNS].reset_index(drop=True)


def _dimension_items(items: pd.DataFrame) -> dict[str, list[str]]:
    """Dimension -> its item ids, dimensions in order of first appearance."""
    return {d: list(g["item"]) for d, g in items.groupby("dimension", sort=False)}


def _answers(survey: pd.DataFrame, items: pd.DataFrame, file: str = "survey") -> pd.DataFrame:
    """Answers as float, reverse-worded items flipped (x -> LIKERT_MIN + LIKERT_MAX - x)."""
    cols = list(items["item"])
    missing = [c for c in cols if c not in survey.columns]
    if missing:
        raise ConfigError(f"{file} has no column(s) {', '.join(missing[:10])} for the survey items.")
    raw = survey[cols].apply(pd.to_numeric, errors="coerce").astype("float64")
    bad = raw.notna() & ((raw < LIKERT_MIN) | (raw > LIKERT_MAX) | (raw != raw.round()))
    if bad.to_numpy().any():
        col = raw.columns[bad.any().to_numpy()][0]
        raise ValidationError(Path("."), [Problem(
            file, f"item '{col}' has values outside the {LIKERT_MIN}-{LIKERT_MAX} scale.",
            "Use whole numbers 1 (strongly disagree) to 5 (strongly agree).", column=col)])
    rev = items["reverse"].to_numpy(dtype=bool)
    values = raw.to_numpy(copy=True)
    values[:, rev] = (LIKERT_MIN + LIKERT_MAX) - values[:, rev]
    return pd.DataFrame(values, index=survey.index, columns=cols)


def score_respondents(survey: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Each respondent's score per dimension: the mean of their answered items, reverse items flipped.

    Parameters
    ----------
    survey : DataFrame
        One row per response with the item columns (1..5 or missing).
    items : DataFrame
        ``item``, ``dimension``, ``reverse`` (as from :func:`resolve_items`).

    Returns
    -------
    DataFrame
        Same index as ``survey``, one ``float64`` column per dimension (in the items' order).

    Notes
    -----
    A reverse-worded item's answer :math:`x` is scored :math:`6 - x` (1 <-> 5, 2 <-> 4). The dimension
    score is :math:`\\frac{1}{|A|}\\sum_{i \\in A} x_i` over the answered items :math:`A` of that
    dimension; it is NaN when the respondent answered none of them. This is for computation only:
    individual scores must never be displayed.

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"item": ["a", "b"], "dimension": ["d", "d"], "reverse": [False, True]})
    >>> survey = pd.DataFrame({"a": pd.array([5, 4, None], dtype="Int64"),
    ...                        "b": pd.array([1, None, None], dtype="Int64")})
    >>> score_respondents(survey, items)["d"].tolist()
    [5.0, 4.0, nan]
    """
    answers = _answers(survey, items)
    dims = _dimension_items(items)
    return pd.DataFrame({d: answers[cols].mean(axis=1) for d, cols in dims.items()}, index=survey.index)


# --------------------------------------------------------------------------------------------------
# significance of changes
# --------------------------------------------------------------------------------------------------
def _t_quantile(q: float, dof: np.ndarray) -> np.ndarray:
    """Student's t quantile ``q`` at ``dof`` degrees of freedom, NaN where ``dof`` is not positive.

    ``scipy.stats.t.ppf(q, dof)`` (the same ``scipy.special.stdtrit`` call) without importing
    ``scipy.stats``, which takes about a second.
    """
    from scipy.special import stdtrit

    dof = np.asarray(dof, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        ok = dof > 0
    return np.where(ok, stdtrit(np.where(ok, dof, 1.0), q), np.nan)


def _welch_p_value(m1: np.ndarray, s1: np.ndarray, n1: np.ndarray,
                   m2: np.ndarray, s2: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """Two-sided p-value of Welch's t-test from means, standard deviations and counts.

    The arithmetic of ``scipy.stats.ttest_ind_from_stats(..., equal_var=False)``: Welch-Satterthwaite
    degrees of freedom (1 where undefined), :math:`t = (m_1 - m_2) / \\sqrt{s_1^2/n_1 + s_2^2/n_2}` and
    :math:`p = 2\\,P(T_{df} > |t|)` with ``scipy.special.stdtr``, without importing ``scipy.stats``.
    """
    from scipy.special import stdtr

    with np.errstate(divide="ignore", invalid="ignore"):
        vn1 = s1**2 / n1
        vn2 = s2**2 / n2
        dof = (vn1 + vn2) ** 2 / (vn1**2 / (n1 - 1) + vn2**2 / (n2 - 1))
        dof = np.where(np.isnan(dof), 1.0, dof)
        t = (m1 - m2) / np.sqrt(vn1 + vn2)
        return 2 * stdtr(dof, -np.abs(t))


# --------------------------------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------------------------------
#: Favourable from, unfavourable up to (``survey.answer.*`` of :mod:`orgkit.thresholds`).
_CUTS = (DEFAULTS["survey.answer.favourable_min"], DEFAULTS["survey.answer.unfavourable_max"])


def _cuts(th: Thresholds) -> tuple[int, int]:
    return th["survey.answer.favourable_min"], th["survey.answer.unfavourable_max"]


def _describe(scores: pd.DataFrame, answers: pd.DataFrame, keys: list[str],
              cuts: tuple[int, int] = _CUTS) -> pd.DataFrame:
    """n, mean, sd, t CI of respondents' scores and the favourable/neutral/unfavourable answer shares.

    ``cuts``: answers at or above the first are favourable, at or below the second unfavourable, those
    between neutral."""
    grouped = scores.groupby(keys, sort=False, observed=True)["score"]
    out = grouped.agg(n="count", mean="mean", sd="std")
    n = out["n"].to_numpy(dtype=float)
    dof = np.where(n >= 2, n - 1, np.nan)
    t = _t_quantile(0.975, dof)
    half = t * out["sd"].to_numpy(dtype=float) / np.sqrt(n)
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    v = answers["value"]
    favourable_min, unfavourable_max = cuts
    shares = answers.assign(favourable=v >= favourable_min, neutral=(v > unfavourable_max) & (v < favourable_min),
                            unfavourable=v <= unfavourable_max)
    g2 = shares.groupby(keys, sort=False, observed=True)
    out = out.join(g2[_SHARES].mean()).join(g2.size().rename("n_answers"))
    out["n"] = out["n"].astype("int64")
    out["n_answers"] = out["n_answers"].fillna(0).astype("int64")
    out = out.reset_index()
    for key in keys:  # grouped by category codes; the tables hold the names
        out[key] = out[key].astype("str")
    return out


def _suppress(table: pd.DataFrame, key: str | None, hidden: set[str], mgs: int, size: str = "n",
              values: list[str] | None = None, group: str = "department") -> pd.DataFrame:
    """Primary (hidden groups, cells under ``mgs``) then complementary suppression within each ``key``."""
    if table.empty:
        out = table.copy()
        out["suppressed"] = pd.Series(dtype=bool)
        return out
    is_total = (table[group] == TOTAL).to_numpy()
    primary = (table[group].isin(hidden) | ~(table[size].fillna(0) >= mgs)).to_numpy()
    mask = primary.copy()
    rows = np.flatnonzero(~is_total)
    sizes = table[size].to_numpy(dtype=float, na_value=np.nan)
    names = np.array([str(v) for v in table[group].tolist()], dtype=object)
    keys = table[key].to_numpy()[rows] if key else np.zeros(rows.size)
    for idx in pd.Series(rows).groupby(keys, sort=False).groups.values():
        at = rows[np.asarray(idx)]
        mask[at] = _complementary(sizes[at], names[at], primary[at], mgs)
    if values is None:
        values = [c for c in table.columns if c not in (size, group, key)
                  and pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])]
    marked = table.assign(**{size: table[size].where(~mask, 0)})
    return suppress_small_groups(marked, size, mgs, values)


def _complementary(sizes: np.ndarray, names: np.ndarray, primary: np.ndarray, mgs: int) -> np.ndarray:
    """:func:`orgkit.privacy.complementary_suppression` of one group of rows, on plain arrays.

    The same rule, step for step (smallest shown group with respondents first, ties by name), without
    the pandas objects per step: ``_suppress`` calls it once per dimension or item, about 50 times a
    survey, where the Series version cost ~1 ms a call.
    """
    sizes = np.nan_to_num(sizes, nan=0.0)
    mask = primary.astype(bool).copy()
    pooled = mask & (sizes > 0)
    count, combined = int(pooled.sum()), float(sizes[pooled].sum())
    order = sorted(range(sizes.size), key=lambda i: (sizes[i], names[i]))
    for i in order:
        if count == 0 or (count >= 2 and combined >= mgs):
            break
        if mask[i] or sizes[i] <= 0:
            continue
        mask[i] = True
        count += 1
        combined += float(sizes[i])
    return mask


def _long(frame: pd.DataFrame, department: pd.Categorical, var: str, value: str) -> pd.DataFrame:
    """``frame`` with its department melted to long form, one row per non-missing value.

    The rows and index of ``frame.assign(department=...).melt(id_vars="department")`` without the
    missing values (column by column, respondents in order), with ``department`` and ``var`` as
    categoricals so that grouping on them works on codes, not strings.
    """
    values = frame.to_numpy(dtype=np.float64)
    n_rows, n_cols = values.shape
    flat = values.T.reshape(-1)
    keep = np.flatnonzero(~np.isnan(flat))
    return pd.DataFrame(
        {
            "department": pd.Categorical.from_codes(np.tile(department.codes, n_cols)[keep],
                                                    dtype=department.dtype),
            var: pd.Categorical.from_codes(keep // max(n_rows, 1),
                                           categories=pd.Index(frame.columns, dtype="str")),
            value: flat[keep],
        },
        index=keep,
    )


def _previous_frame(previous: Any) -> pd.DataFrame | None:
    if previous is None:
        return None
    if isinstance(previous, Client):
        return previous.survey
    if isinstance(previous, pd.DataFrame):
        if "department" not in previous.columns:
            raise ConfigError("previous must have a 'department' column like client.survey. "
                              f"Got columns {list(previous.columns)[:8]} instead.")
        return previous
    raise ConfigError(f"previous must be a DataFrame or a Client. Got {type(previous).__name__} instead.")


def _threshold(value: int | None, default: int, name: str) -> int:
    value = default if value is None else value
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1. Got {value!r} instead.")
    return int(value)


def _wave_tables(survey: pd.DataFrame, items: pd.DataFrame, dept: pd.Categorical | None = None,
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Reversed answers, dimension scores, and their long forms (department, key, value).

    ``dept``: the survey's departments as a categorical with sorted categories (made here if not given).
    """
    answers = _answers(survey, items)
    dims = _dimension_items(items)
    scores = pd.DataFrame({d: answers[c].mean(axis=1) for d, c in dims.items()}, index=survey.index)
    if dept is None:
        dept = pd.Categorical(survey["department"].astype("str"))
    ans_long = _long(answers, dept, "item", "value")
    dim_of_item = pd.Index(list(dims), dtype="str").get_indexer(items["dimension"])
    ans_long["dimension"] = pd.Categorical.from_codes(dim_of_item[ans_long["item"].cat.codes.to_numpy()],
                                                      categories=scores.columns.astype("str"))
    score_long = _long(scores, dept, "dimension", "score")
    return answers, scores, ans_long, score_long


def _dimension_table(score_long: pd.DataFrame, ans_long: pd.DataFrame, dims: list[str],
                     cuts: tuple[int, int] = _CUTS) -> pd.DataFrame:
    per = _describe(score_long, ans_long, ["department", "dimension"], cuts)
    tot = _describe(score_long, ans_long, ["dimension"], cuts).assign(department=TOTAL)
    table = pd.concat([per, tot], ignore_index=True)
    table["dimension"] = pd.Categorical(table["dimension"], categories=dims)
    table["_t"] = table["department"] == TOTAL
    table = table.sort_values(["_t", "department", "dimension"], kind="stable").drop(columns="_t")
    table["dimension"] = table["dimension"].astype("str")
    cols = ["department", "dimension", "n", "mean", "sd", "ci_low", "ci_high", *_SHARES, "n_answers"]
    return table[cols].reset_index(drop=True)


def _change_table(now: pd.DataFrame, prev: pd.DataFrame,
                  p_max: float = DEFAULTS["survey.change.p_max"]) -> pd.DataFrame:
    """Join two waves' dimension tables and test each difference with Welch's t (significant: p < ``p_max``)."""
    keys = ["department", "dimension"]
    cols = ["n", "mean", "sd", "favourable"]
    both = now[keys + cols].merge(prev[keys + cols], on=keys, how="outer", suffixes=("_now", "_prev"))
    for c in ("n_now", "n_prev"):
        both[c] = both[c].fillna(0).astype("int64")
    m1, s1, n1 = (both[f"{c}_now"].to_numpy(dtype=float) for c in ("mean", "sd", "n"))
    m2, s2, n2 = (both[f"{c}_prev"].to_numpy(dtype=float) for c in ("mean", "sd", "n"))
    ok = (n1 >= 2) & (n2 >= 2) & np.isfinite(s1) & np.isfinite(s2)
    v1 = np.where(ok, s1**2 / np.where(n1 > 0, n1, 1), np.nan)
    v2 = np.where(ok, s2**2 / np.where(n2 > 0, n2, 1), np.nan)
    se = np.sqrt(v1 + v2)
    with np.errstate(divide="ignore", invalid="ignore"):
        dof = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
        dof = np.where(se > 0, dof, np.nan)
        p = np.where(se > 0, _welch_p_value(m1, s1, n1, m2, s2, n2), np.nan)
    diff = m1 - m2
    half = _t_quantile(0.975, dof) * se
    both["mean_change"] = diff
    both["ci_low"] = diff - half
    both["ci_high"] = diff + half
    both["p_value"] = p
    both["significant"] = pd.array(np.where(np.isfinite(p), p < p_max, False), dtype="boolean")
    both.loc[~np.isfinite(p), "significant"] = pd.NA
    both["favourable_change"] = both["favourable_now"] - both["favourable_prev"]
    both["n"] = np.minimum(both["n_now"], both["n_prev"])
    return both.drop(columns=["sd_now", "sd_prev"])


def _unavailable(reason: str) -> SurveyResult:
    return SurveyResult(metrics={"available": False, "reason": reason}, score=None)


# --------------------------------------------------------------------------------------------------
# the analysis
# --------------------------------------------------------------------------------------------------
def analyze_survey(
    client: Client,
    *,
    min_group_size: int | None = None,
    comment_min_group_size: int | None = None,
    previous: pd.DataFrame | Client | None = None,
    thresholds: Thresholds | None = None,
) -> SurveyResult:
    """Score the employee survey per dimension, department and item, with anonymity applied.

    Parameters
    ----------
    client : Client
        A loaded client; ``client.survey`` may be ``None``.
    min_group_size : int, optional
        The smallest number of respondents whose numbers may be shown (default:
        ``client.settings.min_group_size``).
    comment_min_group_size : int, optional
        The smallest department whose free-text comments are returned (default:
        ``client.settings.comment_min_group_size``; never below ``min_group_size``).
    previous : DataFrame or Client, optional
        The previous wave, with the same columns as ``client.survey`` (default:
        ``client.survey_previous``).
    thresholds : Thresholds, optional
        The thresholds (default ``client.settings.thresholds``): favourable and unfavourable answers
        (``survey.answer.*``), the alpha flag (``survey.alpha.min``) and significance of change
        (``survey.change.p_max``).

    Returns
    -------
    SurveyResult
        ``metrics`` (JSON-safe), ``score`` and the display tables. Without a survey:
        ``metrics == {"available": False, "reason": ...}`` and ``score is None``.

    Raises
    ------
    ValidationError
        When no item column can be mapped to a dimension (see :func:`resolve_items`).
    ConfigError
        For a threshold that is not a whole number >= 1 or a malformed ``previous``.

    Notes
    -----
    Scoring: reverse-worded items are flipped (:math:`x \\to 6 - x`); a respondent's dimension score is
    the mean of their answered items in it (:func:`score_respondents`); ``n`` counts respondents with
    at least one answered item. ``mean`` is the mean of the respondents' scores and its 95 % confidence
    interval the t interval :math:`\\bar x \\pm t_{0.975,\\,n-1}\\, s/\\sqrt{n}` on those scores (NaN
    for :math:`n < 2`; :math:`s = 0` gives a zero-width interval). ``favourable`` / ``neutral`` /
    ``unfavourable`` are shares (0-1) of all item answers in the cell that are 4-5 / 3 / 1-2 after
    reverse scoring (``survey.answer.favourable_min`` and ``unfavourable_max``), so they weigh
    respondents by the number of items they answered.

    Response rate: survey rows are responses; respondents / headcount of ``client.people`` per
    department. Respondents in a department unknown to ``people`` are counted under that name with
    headcount ``None``; the overall rate counts respondents in known departments over all people.

    Reliability: :func:`~orgkit.areas.reliability.cronbach_alpha` and :func:`~orgkit.areas.reliability.alpha_if_item_deleted` per dimension over all
    respondents. Agreement: :func:`rwg` (:math:`r_{wg(J)}` over the dimension's items, per department)
    and :func:`icc1` / :func:`icc2` of the dimension scores on department; ``rwg_mean`` averages the
    shown departments with a defined value.

    Change: per (department, dimension) and overall, ``mean_change`` = mean now - mean before,
    ``favourable_change`` likewise, Welch's t-test (unequal variances; the arithmetic of
    ``scipy.stats.ttest_ind_from_stats`` with ``scipy.special``) with its
    p-value, ``significant`` = p < 0.05 (``survey.change.p_max``), and the 95 % CI of the difference
    :math:`\\Delta \\pm t_{0.975,\\nu}\\sqrt{s_1^2/n_1 + s_2^2/n_2}` with Welch-Satterthwaite
    :math:`\\nu`. Undefined (NA) when a wave has fewer than 2 respondents or both have zero variance.

    Anonymity, in this order: (1) a department with fewer than ``min_group_size`` respondents is
    hidden in every table, and :func:`complementary_suppression` extends that set using the respondent
    counts, because the overall numbers are always part of the result; with a previous wave, departments
    hidden in either wave are hidden in the change table; (2) within each table, every cell whose own
    ``n`` is below ``min_group_size`` (e.g. an item few people answered) is hidden, and complementary
    suppression is repeated per dimension or item on the cells' ``n`` (``min(n_now, n_prev)`` for
    change). Hidden cells have NaN values and ``suppressed == True``; their department is named in
    ``suppressed_groups`` only when hidden by step 1. When the whole survey has fewer than
    ``min_group_size`` respondents, every number is hidden and ``score`` is ``None``. Comments are
    returned only for departments with at least ``comment_min_group_size`` respondents, with no
    respondent id and sorted by department and text so their order reveals nothing.

    ``score`` is 100 x the mean over dimensions of the overall favourable share.

    References
    ----------
    .. [1] Welch, B. L. (1947). The generalization of "Student's" problem when several different
       population variances are involved. *Biometrika*, 34(1-2), 28-35. https://doi.org/10.1093/biomet/34.1-2.28
    .. [2] Student (1908). The probable error of a mean. *Biometrika*, 6(1), 1-25.
       https://doi.org/10.1093/biomet/6.1.1

    Examples
    --------
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from orgkit.data.client import Client, Settings
    >>> people = pd.DataFrame({"employee_id": [str(i) for i in range(6)], "department": ["A"] * 6})
    >>> survey = pd.DataFrame({"department": ["A"] * 5,
    ...                        "rc1": pd.array([5, 4, 4, 3, 2], dtype="Int64")})
    >>> c = Client(path=Path("."), settings=Settings(name="t"), people=people, survey=survey)
    >>> r = analyze_survey(c)
    >>> r.metrics["dimensions"]["role_clarity"]["mean"], r.metrics["favourable"]["role_clarity"]
    (3.6, 0.6)
    >>> r.metrics["response_rate"]
    0.8333333333333334
    """
    th = client.settings.thresholds if thresholds is None else thresholds
    cuts = _cuts(th)
    mgs = _threshold(min_group_size, client.settings.min_group_size, "min_group_size")
    cmgs = max(_threshold(comment_min_group_size, client.settings.comment_min_group_size,
                          "comment_min_group_size"), mgs)
    if client.survey is None:
        return _unavailable("The client has no survey file.")
    survey = client.survey
    if survey.empty:
        return _unavailable("The survey file has no responses.")
    items = resolve_items(client)
    warnings: list[str] = []
    unmapped = [c for c in client.survey_item_columns if c not in set(items["item"])]
    if unmapped:
        warnings.append(f"{len(unmapped)} survey column(s) have no dimension and were not scored: "
                        f"{', '.join(unmapped[:10])}.")
    dims_items = _dimension_items(items)
    dims = list(dims_items)
    dept = survey["department"].astype("str")
    dept_codes = pd.Categorical(dept)  # sorted categories: grouping on codes orders groups by name
    answers, scores, ans_long, score_long = _wave_tables(survey, items, dept_codes)
    n_resp = len(survey)
    if "respondent_id" in survey.columns:
        rid = survey["respondent_id"]
        dup = int((rid.notna() & (rid != "") & rid.duplicated()).sum())
        if dup:
            warnings.append(f"{dup} response(s) repeat a respondent_id; every row is counted as a response.")

    # --- response rates and the department-level suppression set -------------------------------
    headcount = client.people["department"].astype("str").value_counts()
    respondents = dept.value_counts()
    names = sorted(set(headcount.index) | set(respondents.index))
    rates = pd.DataFrame({"department": pd.Series(names, dtype="str")})
    rates["headcount"] = pd.array(rates["department"].map(headcount), dtype="Int64")
    rates["respondents"] = rates["department"].map(respondents).fillna(0).astype("int64")
    rates["response_rate"] = (rates["respondents"] / rates["headcount"].astype("Float64")).astype("float64")
    hidden_mask = complementary_suppression(
        pd.Series(rates["respondents"].to_numpy(), index=names),
        pd.Series((rates["respondents"] < mgs).to_numpy(), index=names), mgs)
    if n_resp < mgs:
        hidden_mask[:] = True
    hidden = set(hidden_mask.index[hidden_mask])
    known = rates["headcount"].notna().to_numpy()
    unknown_names = [d for d, k in zip(names, known) if not k]
    if unknown_names:
        warnings.append(f"{len(unknown_names)} department name(s) in the survey are not in people; their "
                        "response rate is unknown.")
    over = rates["response_rate"] > 1
    if over.any():
        warnings.append(f"{int(over.sum())} department(s) have more responses than people.")
    n_known = int(rates.loc[known, "respondents"].sum())
    overall_rate = n_known / len(client.people) if len(client.people) else None
    total = pd.DataFrame({"department": [TOTAL], "headcount": pd.array([len(client.people)], dtype="Int64"),
                          "respondents": [n_resp], "response_rate": [overall_rate]})
    rates = pd.concat([rates, total], ignore_index=True)
    small_head = rates["headcount"].notna() & (rates["headcount"].fillna(0) < mgs)
    rates_shown = _suppress(rates, None, hidden, mgs, size="respondents", values=["response_rate"])
    rates_shown["headcount"] = rates["headcount"].mask(small_head, pd.NA)

    # --- dimensions, items ------------------------------------------------------------------------
    dim_table = _dimension_table(score_long, ans_long, dims, cuts)
    dim_shown = _suppress(dim_table, "dimension", hidden, mgs)
    per_dept = dim_shown[dim_shown["department"] != TOTAL]
    departments = sorted(respondents.index)
    by_department = (per_dept.pivot(index="department", columns="dimension", values="mean")
                     .reindex(index=departments, columns=dims))
    by_mask = (per_dept.pivot(index="department", columns="dimension", values="suppressed")
               .reindex(index=departments, columns=dims).fillna(True).astype(bool))
    by_department.index.name = "department"
    by_department.columns.name = None
    by_mask.index.name = "department"
    by_mask.columns.name = None

    item_scores = ans_long.rename(columns={"value": "score"})
    meta = items.set_index("item")
    item_overall = _describe(item_scores, ans_long, ["item"], cuts).assign(department=TOTAL)
    item_overall = _suppress(item_overall, "item", hidden, mgs)
    item_overall = meta.join(item_overall.set_index("item"), how="left").reset_index()
    item_overall["n"] = item_overall["n"].fillna(0)
    item_overall["suppressed"] = item_overall["suppressed"].fillna(True).astype(bool)
    item_overall = item_overall.drop(columns="department")
    item_dept = _describe(item_scores, ans_long, ["department", "item"], cuts)
    item_dept = _suppress(item_dept, "item", hidden, mgs)
    item_dept = item_dept.merge(items[["item", "dimension"]], on="item", how="left")

    # --- reliability --------------------------------------------------------------------------------
    overall_ok = n_resp >= mgs
    rel_rows, aid_rows = [], []
    for dim, cols in dims_items.items():
        sub = answers[cols]
        alpha = cronbach_alpha(sub) if overall_ok else None
        aid = alpha_if_item_deleted(sub) if overall_ok else pd.Series(np.nan, index=cols)
        lowers = (aid > alpha) if alpha is not None else pd.Series(False, index=cols)
        rel_rows.append({"dimension": dim, "n_items": len(cols), "n_complete": int(sub.notna().all(axis=1).sum()),
                         "alpha": np.nan if alpha is None else alpha,
                         "low_alpha": None if alpha is None else alpha < th["survey.alpha.min"],
                         "items_lowering_alpha": ", ".join(aid.index[lowers.to_numpy()])})
        aid_rows.append(pd.DataFrame({"dimension": dim, "item": cols, "alpha_if_deleted": aid.to_numpy(),
                                      "lowers_alpha": lowers.to_numpy()}))
    reliability = pd.DataFrame(rel_rows)
    reliability["low_alpha"] = pd.array(reliability["low_alpha"], dtype="boolean")
    alpha_if_deleted = pd.concat(aid_rows, ignore_index=True)

    # --- agreement ----------------------------------------------------------------------------------
    rwg_parts, agree_rows = [], []
    for dim, cols in dims_items.items():
        r = rwg(answers[cols], dept_codes)
        r = r.rename_axis("department").reset_index().assign(dimension=dim)
        rwg_parts.append(r)
    rwg_table = pd.concat(rwg_parts, ignore_index=True)[["department", "dimension", "n", "rwg"]]
    rwg_shown = _suppress(rwg_table, "dimension", hidden, mgs, values=["rwg"])
    for dim in dims:
        vis = rwg_shown.loc[(rwg_shown["dimension"] == dim) & ~rwg_shown["suppressed"], "rwg"].dropna()
        agree_rows.append({"dimension": dim,
                           "icc1": (icc1(scores[dim], dept_codes) if overall_ok else None),
                           "icc2": (icc2(scores[dim], dept_codes) if overall_ok else None),
                           "rwg_mean": vis.mean() if len(vis) else np.nan,
                           "rwg_median": vis.median() if len(vis) else np.nan,
                           "n_departments": int(len(vis))})
    agreement = pd.DataFrame(agree_rows).astype({"icc1": "float64", "icc2": "float64"})

    # --- change against the previous wave ----------------------------------------------------------
    prev_survey = _previous_frame(previous if previous is not None else client.survey_previous)
    change_shown = None
    change_metrics: dict[str, Any] | None = None
    if prev_survey is not None and not prev_survey.empty:
        prev_items = items[items["item"].isin(prev_survey.columns)]
        if len(prev_items) < len(items):
            missing = sorted(set(items["item"]) - set(prev_items["item"]))
            warnings.append(f"{len(missing)} item(s) are not in the previous wave ({', '.join(missing[:8])}); "
                            "its dimension scores use the items it has.")
        if prev_items.empty:
            warnings.append("The previous wave has none of the survey's items; no change is reported.")
        else:
            _, _, p_ans, p_score = _wave_tables(prev_survey, prev_items)
            prev_table = _dimension_table(p_score, p_ans, list(_dimension_items(prev_items)), cuts)
            prev_counts = prev_survey["department"].astype("str").value_counts()
            prev_hidden = complementary_suppression(prev_counts, prev_counts < mgs, mgs)
            if len(prev_survey) < mgs:
                prev_hidden[:] = True
            change = _change_table(dim_table, prev_table, th["survey.change.p_max"])
            change["dimension"] = pd.Categorical(change["dimension"], categories=dims)
            change["_t"] = change["department"] == TOTAL
            change = (change.sort_values(["_t", "department", "dimension"], kind="stable")
                      .drop(columns="_t").reset_index(drop=True))
            change["dimension"] = change["dimension"].astype("str")
            change_hidden = hidden | set(prev_hidden.index[prev_hidden])
            values = ["n_now", "n_prev", "mean_now", "mean_prev", "favourable_now", "favourable_prev",
                      "mean_change", "favourable_change", "ci_low", "ci_high", "p_value"]
            change_shown = _suppress(change, "dimension", change_hidden, mgs, values=values)
            change_shown.loc[change_shown["suppressed"], "significant"] = pd.NA
            change_shown = change_shown[["department", "dimension", "n", *values, "significant", "suppressed"]]
            tot = change_shown[change_shown["department"] == TOTAL].set_index("dimension")
            change_metrics = {
                dim: {k: (tot.loc[dim, k] if dim in tot.index else None)
                      for k in ("mean_change", "favourable_change", "ci_low", "ci_high", "p_value", "significant")}
                for dim in dims}
            sig = change_shown[(change_shown["department"] != TOTAL)
                               & change_shown["significant"].fillna(False).astype(bool)]
            change_metrics["significant_departments"] = sig[["department", "dimension"]].values.tolist()

    # --- comments -----------------------------------------------------------------------------------
    comments = SurveyResult(metrics={}).comments
    if "comment" in survey.columns:
        text = survey["comment"].astype("str").str.strip()
        ok = survey["comment"].notna() & (text != "") & dept.map(respondents).ge(cmgs).to_numpy()
        comments = (pd.DataFrame({"department": dept[ok].to_numpy(), "comment": text[ok].to_numpy()})
                    .astype("str").sort_values(["department", "comment"], kind="stable").reset_index(drop=True))

    # --- metrics ------------------------------------------------------------------------------------
    tot_dim = dim_shown[dim_shown["department"] == TOTAL].set_index("dimension")
    rel = reliability.set_index("dimension")
    dimension_metrics = {}
    for dim in dims:
        row = tot_dim.loc[dim] if dim in tot_dim.index else None
        dimension_metrics[dim] = {
            **{k: (row[k] if row is not None else None)
               for k in ("mean", "favourable", "neutral", "unfavourable", "n", "ci_low", "ci_high")},
            "alpha": rel.loc[dim, "alpha"],
        }
        n_dim = dimension_metrics[dim]["n"]
        dimension_metrics[dim]["n"] = None if n_dim is None or pd.isna(n_dim) else int(n_dim)
    fav = [dimension_metrics[d]["favourable"] for d in dims]
    fav = [f for f in fav if f is not None and not pd.isna(f)]
    score = round(100.0 * float(np.mean(fav)), 1) if overall_ok and fav else None
    suppressed_groups = sorted(hidden)
    low_alpha = [d for d in dims if bool(pd.notna(rel.loc[d, "low_alpha"]) and rel.loc[d, "low_alpha"])]
    metrics: dict[str, Any] = {
        "available": True,
        "respondents": n_resp,
        "response_rate": overall_rate,
        "min_group_size": mgs,
        "dimensions": dimension_metrics,
        "favourable": {d: dimension_metrics[d]["favourable"] for d in dims},
        "mean": {d: dimension_metrics[d]["mean"] for d in dims},
        "alpha": {d: dimension_metrics[d]["alpha"] for d in dims},
        "low_alpha": low_alpha,
        "suppressed_groups": suppressed_groups,
        "agreement": {r["dimension"]: {"rwg_mean": r["rwg_mean"], "icc1": r["icc1"], "icc2": r["icc2"]}
                      for r in agreement.to_dict("records")},
        "score": score,
        "unmapped_items": unmapped,
        "warnings": warnings,
    }
    if not overall_ok:
        metrics["reason"] = (f"Fewer than {mgs} people answered the survey, so no number is shown.")
    if change_metrics is not None:
        metrics["change"] = change_metrics
    for w in warnings:
        log.warning("%s", w)
    return SurveyResult(
        metrics=to_jsonable(metrics),
        score=score,
        by_department=by_department,
        by_department_mask=by_mask,
        dimensions=dim_shown,
        items=item_overall,
        items_by_department=item_dept,
        response_rates=rates_shown,
        reliability=reliability,
        alpha_if_deleted=alpha_if_deleted,
        agreement=agreement,
        rwg_by_department=rwg_shown,
        change=change_shown,
        comments=comments,
        suppressed_groups=suppressed_groups,
        warnings=warnings,
    )
