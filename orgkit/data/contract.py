"""The client-folder data contract: which files, which canonical columns, which header synonyms.

This module is data only; :mod:`orgkit.data.loading` applies it. The README's "Data contract" section and
``docs/data-contract.md`` describe the same thing for people.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = [
    "TableSpec",
    "TABLES",
    "LIKERT_MIN",
    "LIKERT_MAX",
    "RACI_ROLES",
    "STAGES",
    "LANGUAGES",
    "LIST_SEPARATORS",
    "SURVEY_LABELS",
    "DATE_COLUMNS",
    "OWN_ID_COLUMNS",
    "PERSON_COLUMNS",
    "normalise_header",
]

LIKERT_MIN = 1
LIKERT_MAX = 5
RACI_ROLES = ("R", "A", "C", "I")
STAGES = ("startup", "mid", "large", "auto")
LANGUAGES = ("en", "zh")
#: Characters that separate the ids of a list cell (decisions' ``approvers``): ``;`` ``；`` ``,`` ``，``
#: ``、`` ``|`` ``/`` and line breaks. An id used in such a list can therefore contain none of them.
LIST_SEPARATORS = ";；,，、|/\n\r"
#: Answer labels read as Likert values (compared in lower case, trimmed) when ``client.yml`` says
#: ``survey_scale: labels`` or when every answer of an item is one of them.
SURVEY_LABELS: dict[str, int] = {
    "strongly disagree": 1, "disagree": 2, "neutral": 3, "neither agree nor disagree": 3, "agree": 4,
    "strongly agree": 5,
    "非常不同意": 1, "不同意": 2, "一般": 3, "中立": 3, "同意": 4, "非常同意": 5,
}
#: Date and time columns per table (parsed with the day/month order decided per column).
DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "people": ("hire_date",),
    "communication": ("timestamp",),
    "decisions": ("raised_at", "decided_at"),
}
#: Columns that identify a row of their own table: their values must be unique.
OWN_ID_COLUMNS = frozenset({"employee_id", "decision_id"})
#: Columns whose values are ``people``'s ``employee_id``.
PERSON_COLUMNS = frozenset({"manager_id", "source_id", "target_id", "initiator_id", "decider_id",
                            "respondent_id"})


@dataclass(frozen=True)
class TableSpec:
    """One file of the contract.

    Parameters
    ----------
    name : str
        The table and file stem (``people`` is read from ``people.csv`` or ``people.xlsx``).
    required : bool
        Whether a client folder must have it.
    required_columns : tuple of str
        Canonical columns that must be present.
    optional_columns : tuple of str
        Canonical columns that are recognised when present.
    synonyms : dict
        Canonical name -> header spellings recognised without a mapping (compared after
        :func:`normalise_header`).
    """

    name: str
    required: bool
    required_columns: tuple[str, ...]
    optional_columns: tuple[str, ...] = ()
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required_columns + self.optional_columns


_ID = ("id",)
_EMPLOYEE_ID = (
    "employee id", "employeeid", "employee_id", "emp id", "empid", "employee number", "employee no",
    "staff id", "staff number", "person id", "personid", "worker id", "id", "user id", "node",
    "工号", "员工编号", "员工工号", "员工id", "职工编号", "人员编号", "编号",
)
_DEPARTMENT = (
    "department", "dept", "department name", "dept name", "team", "unit", "division", "org unit",
    "organisation unit", "organization unit", "function",
    "部门", "所属部门", "部门名称", "科室", "单位",
)
_MANAGER_ID = (
    "manager id", "managerid", "manager", "manager_id", "reports to", "reportsto", "reports_to",
    "reports to id", "reportstoid", "manager employee id", "manager number", "manager no",
    "supervisor id", "supervisor", "line manager", "line manager id", "boss id", "parent id",
    "直属上级工号", "上级工号", "直属上级", "上级", "上级编号", "汇报对象", "直接上级",
)

TABLES: dict[str, TableSpec] = {
    "people": TableSpec(
        name="people",
        required=True,
        required_columns=("employee_id", "department"),
        optional_columns=("manager_id", "name", "title", "level", "location", "hire_date"),
        synonyms={
            "employee_id": _EMPLOYEE_ID,
            "department": _DEPARTMENT,
            "manager_id": _MANAGER_ID,
            "name": ("name", "full name", "employee name", "姓名", "员工姓名", "名字"),
            "title": ("title", "job title", "position", "role", "职位", "岗位", "职务", "职称"),
            "level": ("level", "grade", "band", "job level", "职级", "级别", "层级"),
            "location": ("location", "office", "site", "city", "region", "地点", "办公地点", "城市", "区域"),
            "hire_date": (
                "hire date", "hiredate", "start date", "date hired", "join date", "joined",
                "入职日期", "入职时间",
            ),
        },
    ),
    "communication": TableSpec(
        name="communication",
        required=False,
        required_columns=("source_id", "target_id"),
        optional_columns=("weight", "channel", "timestamp"),
        synonyms={
            "source_id": (
                "source", "source id", "sender", "sender id", "from", "from id", "ego", "asker",
                "发送人", "发送人工号", "发件人", "来源",
            ),
            "target_id": (
                "target", "target id", "recipient", "recipient id", "receiver", "to", "to id", "alter",
                "adviser", "advisor", "接收人", "接收人工号", "收件人", "目标",
            ),
            "weight": ("weight", "count", "messages", "n", "frequency", "权重", "次数", "频次"),
            "channel": ("channel", "medium", "type", "渠道", "方式"),
            "timestamp": ("timestamp", "time", "date", "datetime", "sent at", "sent", "event date", "eventdate",
                          "event time", "date time", "start time", "meeting date", "时间", "日期", "发送时间"),
        },
    ),
    "survey": TableSpec(
        name="survey",
        required=False,
        required_columns=(),  # respondent_id or department (checked by the loader), then items
        optional_columns=("respondent_id", "department", "comment"),
        synonyms={
            "respondent_id": _EMPLOYEE_ID + ("respondent", "respondent id", "受访者", "答卷人"),
            "department": _DEPARTMENT,
            "comment": ("comment", "comments", "free text", "remarks", "意见", "建议", "评论", "备注"),
        },
    ),
    "survey_items": TableSpec(
        name="survey_items",
        required=False,
        required_columns=("item", "dimension"),
        optional_columns=("reverse", "text", "text_zh"),
        synonyms={
            "item": ("item", "item id", "question", "question id", "题号", "题目编号"),
            "dimension": ("dimension", "scale", "factor", "维度"),
            "reverse": ("reverse", "reversed", "reverse coded", "reverse scored", "反向", "反向计分"),
            "text": ("text", "wording", "question text", "题目"),
            "text_zh": ("text zh", "text_zh", "中文题目"),
        },
    ),
    "decisions": TableSpec(
        name="decisions",
        required=False,
        required_columns=("decision_id", "decision_type", "initiator_id", "decider_id"),
        optional_columns=("approvers", "raised_at", "decided_at"),
        synonyms={
            "decision_id": ("decision id", "decisionid", "id", "决策编号", "编号"),
            "decision_type": ("decision type", "type", "category", "决策类型", "类型"),
            "initiator_id": (
                "initiator", "initiator id", "raised by", "requester", "requester id", "proposer",
                "发起人", "发起人工号", "申请人",
            ),
            "decider_id": ("decider", "decider id", "decided by", "approver of record", "决策人", "决策人工号"),
            "approvers": ("approvers", "approver ids", "approval chain", "审批人", "审批链"),
            "raised_at": ("raised at", "raised", "created", "created at", "submitted", "start", "发起时间", "提交时间"),
            "decided_at": ("decided at", "decided", "closed", "closed at", "resolved", "end", "决策时间", "完成时间"),
        },
    ),
    "responsibilities": TableSpec(
        name="responsibilities",
        required=False,
        required_columns=("responsibility", "department", "role"),
        synonyms={
            "responsibility": ("responsibility", "task", "activity", "process", "duty", "职责", "事项", "任务"),
            "department": _DEPARTMENT,
            "role": ("role", "raci", "raci role", "角色"),
        },
    ),
}

#: The survey's previous wave has the same columns as ``survey``.
TABLES["survey_previous"] = TableSpec(
    name="survey_previous",
    required=False,
    required_columns=(),
    optional_columns=TABLES["survey"].optional_columns,
    synonyms=TABLES["survey"].synonyms,
)

_SPACES = re.compile(r"[\s_\-./]+")


def normalise_header(header: object) -> str:
    """Fold a header for matching: NFKC, trimmed, lower case, runs of space/``_``/``-``/``.`` as one space.

    Examples
    --------
    >>> normalise_header("  Employee_ID ")
    'employee id'
    >>> normalise_header("ＥｍｐｌｏｙｅｅＩＤ")
    'employeeid'
    """
    text = unicodedata.normalize("NFKC", str(header)).strip().lower()
    return _SPACES.sub(" ", text).strip()
