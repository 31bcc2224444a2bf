"""Minimum group size: no table, figure, JSON, CSV or log shows a group smaller than the threshold.

Analyses compute on everyone and call :func:`suppress_small_groups` on every per-group table they
return, so a caller never sees a small group's numbers. Machine-readable outputs (``metrics.json``, the
batch ``summary.csv``, log lines, data warnings) do not even *name* a small group: :func:`pool_names`
and :func:`scrub_names` put it in the :data:`OTHER_GROUP` bucket. People's names stay out unless the
client's settings say ``show_names: true``; :func:`person_label` is the one place that decides how a
person is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from orgkit.i18n import join_sentences, t, tn

__all__ = [
    "suppress_small_groups",
    "complementary_suppression",
    "is_visible",
    "visible_groups",
    "pool_names",
    "scrub_names",
    "person_label",
    "hidden_kinds",
    "hidden_note",
    "top_of_organisation",
    "TopRole",
    "SUPPRESSED",
    "OTHER_GROUP",
]

#: How a suppressed cell is marked in text output.
SUPPRESSED = "suppressed"
#: The bucket that holds every group smaller than ``min_group_size`` (in display tables and in
#: machine-readable outputs, where a small group is never named): the catalogue's English ``group.other``,
#: a stable value in metrics.json; reports show the label in their own language.
OTHER_GROUP = t("group.other", "en")


def is_visible(size: int | float | None, min_group_size: int) -> bool:
    """Whether a group of ``size`` people may be shown (``size >= min_group_size``)."""
    return size is not None and not pd.isna(size) and size >= min_group_size


def visible_groups(sizes: pd.Series, min_group_size: int) -> set[str]:
    """The names that may appear anywhere: groups of ``sizes`` with at least ``min_group_size`` people.

    A name that is not a key of ``sizes`` (a department named in survey or responsibilities but absent
    from people) has no known headcount and is not visible either.

    Examples
    --------
    >>> sorted(visible_groups(pd.Series({"Sales": 12, "Legal": 2}), 5))
    ['Sales']
    """
    return {str(g) for g, n in sizes.items() if is_visible(n, min_group_size)}


def pool_names(names: Iterable[Any], visible: set[str]) -> list[str]:
    """``names`` with every name not in ``visible`` replaced by one :data:`OTHER_GROUP` entry.

    Visible names keep their order; the pooled entry (when any name was pooled) comes last, once.

    Examples
    --------
    >>> pool_names(["Sales", "Tiny Team", "IT", "Ghost Desk"], {"Sales", "IT"})
    ['Sales', 'IT', 'Other (small groups)']
    """
    names = [str(n) for n in names]
    shown = [n for n in names if n in visible]
    return shown + ([OTHER_GROUP] if len(shown) < len(names) else [])


def scrub_names(text: str, hidden: Iterable[str]) -> str:
    """``text`` with every whole-word occurrence of a ``hidden`` name replaced by :data:`OTHER_GROUP`.

    A safety net for free text (warning messages, error reasons) that reaches a machine-readable output:
    orgkit's own messages already give counts, not names. A name matches where it is not preceded or
    followed by a letter or digit, longest names first, case as written.

    Examples
    --------
    >>> scrub_names("2 departments (Tiny Team, IT) are small; ITEMS stay.", ["Tiny Team", "IT"])
    '2 departments (Other (small groups), Other (small groups)) are small; ITEMS stay.'
    """
    names = sorted({str(h) for h in hidden if str(h).strip()}, key=len, reverse=True)
    if not names or not text:
        return text
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)")
    return pattern.sub(OTHER_GROUP, text)


def suppress_small_groups(
    table: pd.DataFrame,
    size_column: str,
    min_group_size: int,
    value_columns: Iterable[str] | None = None,
    *,
    complementary: bool = True,
) -> pd.DataFrame:
    """Blank the values of every row whose group is smaller than ``min_group_size``.

    Parameters
    ----------
    table : DataFrame
        One row per group.
    size_column : str
        The column holding each group's number of people (or respondents).
    min_group_size : int
        The smallest group that may be shown.
    value_columns : iterable of str, optional
        Columns to blank (default: every numeric column except ``size_column``).
    complementary : bool, default True
        Also suppress the next smallest groups when the suppressed ones could be recovered by
        subtracting the shown groups from a total (see :func:`complementary_suppression`).

    Returns
    -------
    DataFrame
        A copy with a boolean ``suppressed`` column; suppressed rows keep their label, and their size and
        values are blanked (NaN, or ``<NA>`` in integer columns, which become nullable ``Int64``): the size
        of a small group is itself identifying.

    Notes
    -----
    Every orgkit report shows organisation-wide totals (headcount, edges, respondents), so a table that
    hides exactly one small group would let a reader recover it as the total minus the shown groups;
    complementary suppression (on by default) closes that gap.
    """
    out = table.copy()
    small = ~(out[size_column].fillna(0) >= min_group_size)
    if complementary and len(out):
        sizes = pd.Series(out[size_column].fillna(0).to_numpy(dtype=float), index=range(len(out)))
        small = pd.Series(complementary_suppression(sizes, pd.Series(small.to_numpy(), index=sizes.index),
                                                    min_group_size).to_numpy(), index=out.index)
    if value_columns is None:
        value_columns = [
            c for c in out.columns if c != size_column and pd.api.types.is_numeric_dtype(out[c])
            and not pd.api.types.is_bool_dtype(out[c])
        ]
    for col in list(value_columns) + [size_column]:
        if pd.api.types.is_integer_dtype(out[col]):
            out[col] = out[col].astype("Int64")  # whole numbers stay whole; suppressed cells are <NA>
        out.loc[small, col] = np.nan
    out["suppressed"] = small.to_numpy()
    return out


def complementary_suppression(
    sizes: pd.Series,
    suppressed: pd.Series,
    min_group_size: int,
) -> pd.Series:
    """Extend a set of suppressed groups so none can be recovered by subtraction from the total.

    Parameters
    ----------
    sizes : Series
        Respondents per group, indexed by group.
    suppressed : Series of bool
        The primary suppression (usually ``sizes < min_group_size``), same index.
    min_group_size : int
        The smallest group that may be shown.

    Returns
    -------
    Series of bool
        The final mask, same index: ``True`` for every suppressed group.

    Notes
    -----
    When a table shows a total (the overall row, or the overall numbers in ``metrics``), the suppressed
    groups together are the total minus the shown groups. The rule: let :math:`S` be the suppressed
    groups that have at least one respondent (groups without respondents hide nothing). While
    :math:`S` is not empty and either has fewer than 2 groups or fewer than ``min_group_size``
    respondents combined, the smallest shown group with respondents (ties by name) is suppressed too.
    It stops when no shown group is left. So the difference total - shown always pools at least two
    groups and at least ``min_group_size`` people. (This is slightly stricter than stopping at "2
    groups or ``min_group_size`` people": two groups of 1 and 2 people would otherwise be recoverable as a
    pool of 3.)

    References
    ----------
    .. [1] Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Nordholt, E. S., Spicer, K.,
       & de Wolf, P.-P. (2012). *Statistical Disclosure Control*, ch. 4 (tabular data). Wiley.
       https://doi.org/10.1002/9781118348239

    Examples
    --------
    >>> import pandas as pd
    >>> sizes = pd.Series({"A": 3, "B": 6, "C": 8, "D": 20})
    >>> complementary_suppression(sizes, sizes < 5, 5).tolist()
    [True, True, False, False]
    """
    sizes = pd.Series(sizes).fillna(0)
    mask = pd.Series(suppressed, index=sizes.index).fillna(True).astype(bool)
    order = sorted(sizes.index, key=lambda g: (sizes[g], str(g)))
    candidates = [g for g in order if not mask[g] and sizes[g] > 0]
    while True:
        pool = mask & (sizes > 0)
        count, combined = int(pool.sum()), float(sizes[pool].sum())
        if count == 0 or (count >= 2 and combined >= min_group_size) or not candidates:
            return mask
        mask[candidates.pop(0)] = True


def person_label(
    employee_id: str,
    name: str | None = None,
    title: str | None = None,
    show_names: bool = False,
    language: str = "en",
    in_sentence: bool = False,
) -> str:
    """How a person appears in a report: their id (and title), their name only when ``show_names``; the
    brackets are the language's (``E042（研发中心负责人）`` in Chinese).

    In a sentence (``in_sentence``, not a table cell), an id of digits alone reads as a person and not as
    a number: "employee 130", not "runs through 130" (the Chinese sentences say 员工 themselves).

    Examples
    --------
    >>> person_label("E042", name="Ada Lovelace", title="Head of R&D")
    'E042 (Head of R&D)'
    >>> person_label("E042", name="Ada Lovelace", show_names=True)
    'Ada Lovelace (E042)'
    >>> person_label("E042", title="研发中心负责人", language="zh")
    'E042（研发中心负责人）'
    >>> person_label("130", in_sentence=True), person_label("130", title="CFO", language="zh", in_sentence=True)
    ('employee 130', '130（CFO）')
    """
    if show_names and name:
        return t("person.with_name", language, name=name, id=employee_id)
    shown = str(employee_id)
    if in_sentence and shown.isdigit():
        shown = t("person.numeric_id", language, id=shown)
    if title:
        return t("person.with_title", language, id=shown, title=title)
    return shown


def hidden_kinds(
    hidden: Iterable[Any],
    sizes: Mapping[Any, Any],
    min_group_size: int,
    respondents: Mapping[Any, Any] | None = None,
) -> dict[str, int]:
    """How many hidden groups were hidden for which reason: ``small``, ``respondents``, ``complementary``.

    Parameters
    ----------
    hidden : iterable
        The groups (department names) a table or figure left out.
    sizes : mapping
        Headcount per group (:meth:`orgkit.data.client.Client.department_sizes`); a group without a
        known headcount counts as small.
    min_group_size : int
    respondents : mapping, optional
        Respondents per group, for survey tables: a group with enough people but fewer respondents than
        ``min_group_size`` is hidden for ``respondents``.

    Returns
    -------
    dict
        ``small``: fewer than ``min_group_size`` people; ``respondents``: enough people, too few
        respondents; ``complementary``: hidden only so that no hidden group can be worked out from a
        total (see :func:`complementary_suppression`). Each group is counted once, under the first
        reason that applies.

    Examples
    --------
    >>> hidden_kinds(["Legal", "IT", "HR"], {"Legal": 2, "IT": 9, "HR": 12}, 5, {"IT": 3, "HR": 8})
    {'small': 1, 'respondents': 1, 'complementary': 1}
    """
    out = {"small": 0, "respondents": 0, "complementary": 0}
    for g in dict.fromkeys(str(h) for h in hidden):
        size = _lookup(sizes, g)
        if not is_visible(size, min_group_size):
            out["small"] += 1
        elif respondents is not None and not is_visible(_lookup(respondents, g, 0), min_group_size):
            out["respondents"] += 1
        else:
            out["complementary"] += 1
    return out


def _lookup(values: Mapping[Any, Any], key: str, default: Any = None) -> Any:
    if key in values:
        return values[key]
    for k, v in values.items():
        if str(k) == key:
            return v
    return default


def hidden_note(
    hidden: Iterable[Any],
    sizes: Mapping[Any, Any],
    min_group_size: int,
    language: str = "en",
    respondents: Mapping[Any, Any] | None = None,
) -> str:
    """The note under a table or figure that hid ``hidden``: what it hid, by kind, with counts.

    Empty when nothing was hidden. The counts come from the groups actually left out (see
    :func:`hidden_kinds`), so the note is true for the table it stands under.

    Examples
    --------
    >>> hidden_note(["Legal", "IT"], {"Legal": 2, "IT": 9}, 5, respondents={"IT": 3})
    '1 department under 5 people is not shown. 1 department with fewer than 5 respondents is not shown.'
    >>> hidden_note(["Legal", "Tax", "HR"], {"Legal": 2, "Tax": 1, "HR": 12}, 5, "zh")
    '2 个人数少于 5 人的部门未显示。另有 1 个部门一并隐藏，以免从合计数推算出被隐藏部门的数字。'
    >>> hidden_note([], {}, 5)
    ''
    """
    kinds = hidden_kinds(hidden, sizes, min_group_size, respondents)
    return join_sentences([tn(f"privacy.hidden.{kind}", n, language, k=min_group_size)
                           for kind, n in kinds.items() if n], language)


@dataclass(frozen=True)
class TopRole:
    """The top of the organisation, shown as a role instead of a hidden group.

    Attributes
    ----------
    employee_id : str
        The person at the top (the one person without a manager).
    department : str
        Their department.
    alone : bool
        Whether they are the only person of their department: the department *is* the role, so the
        department's name is shown as the role wherever it appears (an org chart box, a list of departments).
    label : str
        How the role reads: the top person's title when the people file gives titles, else "Chief
        executive" / "最高负责人".
    """

    employee_id: str
    department: str
    alone: bool
    label: str


def top_of_organisation(
    people: pd.DataFrame,
    min_group_size: int,
    language: str = "en",
) -> TopRole | None:
    """The top of the organisation when its department is too small to show, as a role (else ``None``).

    Rule: when exactly one person has no manager and their department has fewer than
    ``min_group_size`` people, that person is shown by role, not pooled under :data:`OTHER_GROUP`. A
    company's top is one known position, not a group whose numbers could identify someone: showing the
    role reveals nothing a reader does not know. The label is their title when ``people`` has one, else
    the catalogue's
    ``person.top_role`` ("Chief executive", "最高负责人"). Other members of a small top department stay
    hidden as usual; only a department that holds the top person alone is shown as the role wherever
    the department appears. No number of that department is shown as a group's number.

    Parameters
    ----------
    people : DataFrame
        ``employee_id``, ``department``, ``manager_id`` (and optionally ``title``).
    min_group_size : int
    language : {"en", "zh"}

    Examples
    --------
    >>> people = pd.DataFrame({"employee_id": ["1", "2", "3"], "department": ["Board", "Sales", "Sales"],
    ...                        "manager_id": [None, "1", "1"]})
    >>> top_of_organisation(people, 5)
    TopRole(employee_id='1', department='Board', alone=True, label='Chief executive')
    >>> top_of_organisation(people, 1) is None  # Board is shown as a department anyway
    True
    """
    if people.empty or "manager_id" not in people.columns:
        return None
    roots = people[people["manager_id"].isna() | (people["manager_id"].astype("str").str.strip() == "")]
    if len(roots) != 1:
        return None
    top = roots.iloc[0]
    dept = str(top["department"])
    size = int((people["department"].astype("str") == dept).sum())
    if is_visible(size, min_group_size):
        return None
    title = top.get("title") if "title" in people.columns else None
    label = str(title).strip() if title is not None and not pd.isna(title) and str(title).strip() else ""
    return TopRole(str(top["employee_id"]), dept, size == 1, label or t("person.top_role", language))
