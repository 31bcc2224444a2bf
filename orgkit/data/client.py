"""The loaded client: validated, typed tables plus settings and warnings.

:func:`orgkit.load_client` builds a :class:`Client`; every analysis takes one and trusts it. The
guarantees below hold for every table that is not ``None``.

``people``
    One row per person, ``RangeIndex``. ``employee_id`` (``str``, unique, non-empty, trimmed; ids that
    spreadsheets turned into ``12.0`` are folded back to ``12``), ``department`` (``str``, non-empty).
    ``manager_id`` (``str`` or missing = top of the organisation) is present only when the file has the
    column; when present every non-missing value names a row of ``people`` and the reporting lines form
    a forest (no cycles). Optional ``name``, ``title``, ``level``, ``location`` (``str``), ``hire_date``
    (``datetime64``); any other column is kept as it was read.
``communication``
    One row per message, meeting or named tie: ``source_id``, ``target_id`` (``str``, both in
    ``people``, never equal), ``weight`` (``float64`` > 0, default 1), optional ``channel`` (``str``)
    and ``timestamp`` (``datetime64``). Rows naming unknown people and self-rows were dropped and counted
    in :attr:`Client.warnings`.
``survey`` and ``survey_previous``
    One row per response: ``department`` (``str``; taken from ``people`` through ``respondent_id`` when
    the file has no department column), optional ``respondent_id`` (``str``) and ``comment`` (``str``),
    then one ``Int64`` column per item with values in 1..5 or missing. :attr:`Client.survey_item_columns`
    lists the item columns in file order.
``survey_items``
    ``item`` (``str``, a column of ``survey``), ``dimension`` (``str``), ``reverse`` (``bool``), optional
    ``text`` and ``text_zh``.
``decisions``
    ``decision_id`` (``str``, unique), ``decision_type`` (``str``), ``initiator_id``, ``decider_id``
    (``str``, in ``people``), ``approvers`` (``str``: approver ids in order joined by ``;``, ``""`` when
    none; every id in ``people``), ``n_approvers`` (``int64``), ``raised_at``, ``decided_at``
    (``datetime64``, possibly ``NaT``), ``decided_before_raised`` (``bool``: a decided date before the
    raised one, cleared to ``NaT``). Rows naming unknown people were dropped and counted.
    :attr:`Client.approvals` is the same information as a long table.
``responsibilities``
    ``responsibility``, ``department`` (``str``), ``role`` (one of ``R``, ``A``, ``C``, ``I``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from orgkit.thresholds import DEFAULTS, Thresholds

if TYPE_CHECKING:
    from orgkit.data.hierarchy import Hierarchy

__all__ = ["Client", "Settings", "DataWarning", "SourceFile", "render_text"]


@dataclass(frozen=True)
class Settings:
    """A client's settings, from ``client.yml`` and then any overrides given to the loader.

    Parameters
    ----------
    name : str
        The client's display name (default: the folder name).
    stage : {"startup", "mid", "large", "auto"}
        The company's stage; ``auto`` derives it from headcount (see :mod:`orgkit.framework`).
    language : {"en", "zh"}
        The report language.
    min_group_size : int
        No group with fewer people than this is shown anywhere (default 5).
    comment_min_group_size : int
        The threshold for free-text survey comments (default 10).
    show_names : bool
        Whether reports may show people's names (default ``False``: ids only).
    columns : dict
        Per-file header mapping ``{table: {header in the file: canonical name}}``.
    options : dict
        Any other keys of ``client.yml`` (analysis options such as ``thresholds``), kept as read.
    thresholds : Thresholds
        The thresholds and weights every analysis uses: the defaults of :mod:`orgkit.thresholds` updated by
        ``client.yml``'s ``thresholds:`` (and ``stage_thresholds:``), validated by the loader.
    functions : dict
        ``client.yml``'s ``functions:``: department name -> the function codes the consultant gives it
        (validated codes of :mod:`orgkit.framework`); it overrides every other evidence of the mapping.
    industry : str
        ``client.yml``'s ``industry:``: ``auto`` (inferred from the data) or a profile of
        :mod:`orgkit.industries`.
    """

    name: str
    stage: str = "auto"
    language: str = "en"
    min_group_size: int = 5
    comment_min_group_size: int = 10
    show_names: bool = False
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    thresholds: Thresholds = DEFAULTS
    functions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    industry: str = "auto"


@dataclass(frozen=True)
class DataWarning:
    """Something in the data that orgkit handled and the report must mention.

    Parameters
    ----------
    code : str
        A stable identifier, e.g. ``unknown_manager``, ``self_manager``, ``several_tops``,
        ``unknown_people_dropped``, ``self_messages_dropped``, ``small_department``.
    file : str
        The file it concerns.
    message : str
        A sentence for the reader, with the numbers in it: never a person's name, and never the name of
        a group smaller than the minimum group size (it reaches ``metrics.json``, logs and reports).
    count : int
        How many rows or people it concerns.
    groups : tuple of str
        The names of the groups (departments) the warning is about, for the consultant who must fix the
        data: ``orgkit validate --show-small-groups`` prints them. They are never written to
        ``metrics.json``, a log or a report.
    """

    code: str
    file: str
    message: str
    count: int = 0
    groups: tuple[str, ...] = ()
    key: str = ""
    values: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def make(cls, code: str, file: str, key: str, count: int = 0, groups: Iterable[Any] = (),
             **values: Any) -> "DataWarning":
        """A warning whose text is the catalogue entry ``key`` (``message`` is its English rendering).

        ``values`` fill the entry's placeholders: numbers, file and column names, row numbers, employee
        ids; never a person's name nor the name of a group. A value may itself be a text: a mapping with a
        ``key`` (and that text's own values), row numbers or a list (see :func:`render_text`). A catalogue
        entry with plural forms is chosen by the value ``n``.

        Examples
        --------
        >>> w = DataWarning.make("self_messages_dropped", "communication.csv", "warning.self_messages_dropped",
        ...                      3, n=3)
        >>> w.message
        '3 self-message rows (sender = recipient) were dropped.'
        >>> w.text("zh")
        '已删除 3 行自己发给自己的消息（发送人与接收人相同）。'
        """
        w = cls(code, file, "", count, tuple(map(str, groups)), key, dict(values))
        object.__setattr__(w, "message", w.text("en"))
        return w

    def text(self, language: str = "en") -> str:
        """The warning's sentence in ``language`` (``"en"`` or ``"zh"``); ``message`` when it has no key."""
        if not self.key:
            return self.message
        return render_text({"key": self.key, **self.values}, language)

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


def render_text(value: Any, language: str) -> Any:
    """A value of a warning as shown in ``language``.

    ``{"key": ..., **values}`` is a catalogue text (plural by ``n``); ``{"rows": [...], "total": n}`` spreadsheet
    row numbers; ``{"list": [...], "limit": k}`` its rendered items ``A, B, C`` (``"as": "phrase"``: ``A, B and C``;
    ``"as": "parts"``: ``A; B; C``), the items beyond ``limit`` counted; other values are shown as they are.
    """
    from orgkit.i18n import format_list, is_plural, t, tn

    if not isinstance(value, Mapping):
        return value
    if "rows" in value and "key" not in value:
        rows, total = list(value["rows"]), int(value["total"])
        shown = t("list.separator", language).join(map(str, rows))
        if total > len(rows):
            return tn("warning.rows_more", total - len(rows), language, rows=shown)
        return t("warning.rows.one" if total == 1 else "warning.rows.many", language, rows=shown)
    if "list" in value and "key" not in value:
        items, limit = [str(render_text(v, language)) for v in value["list"]], value.get("limit")
        if value.get("as") == "phrase":
            return format_list(items, language, limit)
        sep = t("warning.part.separator" if value.get("as") == "parts" else "list.separator", language)
        if limit is not None and len(items) > limit:
            return tn("list.more", len(items) - limit, language, shown=sep.join(items[:limit]))
        return sep.join(items)
    key = value["key"]
    filled = {k: render_text(v, language) for k, v in value.items() if k != "key"}
    if "n" in value and is_plural(key, language):
        return tn(key, int(value["n"]), language, **filled)
    return t(key, language, **filled)


@dataclass(frozen=True)
class SourceFile:
    """Where a table came from: path, format, detected encoding, SHA-256 and rows read."""

    table: str
    path: Path
    format: str  # "csv" or "xlsx"
    encoding: str | None  # "utf-8", "utf-8-sig" (with BOM), "utf-16", "gb18030", "cp1252", ...; None for xlsx
    sha256: str
    rows: int
    header_map: dict[str, str] = field(default_factory=dict)  # header in file -> canonical name


@dataclass(frozen=True, eq=False)
class Client:
    """One client's validated data. Build it with :func:`orgkit.load_client`.

    See the module docstring for what each table guarantees.
    """

    path: Path
    settings: Settings
    people: pd.DataFrame
    communication: pd.DataFrame | None = None
    survey: pd.DataFrame | None = None
    survey_items: pd.DataFrame | None = None
    survey_previous: pd.DataFrame | None = None
    decisions: pd.DataFrame | None = None
    responsibilities: pd.DataFrame | None = None
    warnings: tuple[DataWarning, ...] = ()
    sources: dict[str, SourceFile] = field(default_factory=dict)
    #: Rows dropped at load time, per reason (``unknown_people``, ``self_rows``), per table.
    dropped: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.settings.name

    @property
    def n_people(self) -> int:
        return len(self.people)

    @property
    def has_hierarchy(self) -> bool:
        """Whether ``people`` has a ``manager_id`` column (hierarchy metrics are null otherwise)."""
        return "manager_id" in self.people.columns

    @property
    def survey_item_columns(self) -> list[str]:
        """The Likert item columns of ``survey`` in file order (empty without a survey)."""
        if self.survey is None:
            return []
        return [c for c in self.survey.columns if c not in ("respondent_id", "department", "comment")]

    @cached_property
    def hierarchy(self) -> "Hierarchy | None":
        """The reporting tree over ``people`` rows (``None`` without a ``manager_id`` column)."""
        if not self.has_hierarchy:
            return None
        from orgkit.data.hierarchy import Hierarchy

        return Hierarchy.from_people(self.people)

    @cached_property
    def approvals(self) -> pd.DataFrame:
        """Decisions' approvers as a long table: ``decision_id``, ``position`` (1-based), ``approver_id``."""
        cols = ["decision_id", "position", "approver_id"]
        if self.decisions is None or self.decisions.empty:
            return pd.DataFrame({c: pd.Series(dtype="str" if c != "position" else "int64") for c in cols})
        d = self.decisions[["decision_id", "approvers"]]
        d = d[d["approvers"] != ""]
        long = d.assign(approver_id=d["approvers"].str.split(";")).explode("approver_id")
        long["position"] = long.groupby("decision_id", sort=False).cumcount() + 1
        return long[cols].reset_index(drop=True)

    def department_sizes(self) -> pd.Series:
        """Headcount per department (``int64``), largest first."""
        return self.people["department"].value_counts()

    def __repr__(self) -> str:
        parts = [f"{len(self.people)} people"]
        for t in ("communication", "survey", "decisions", "responsibilities"):
            df = getattr(self, t)
            if df is not None:
                parts.append(f"{len(df)} {t} rows")
        return f"Client({self.name!r}: {', '.join(parts)}, {len(self.warnings)} warnings)"
