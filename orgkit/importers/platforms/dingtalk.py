"""DingTalk (钉钉): the approval export workbook and the open API JSON -> decisions and people.

Files are recognised by their content, not by their names:

* **The approval export** (管理后台 > 审批 > 数据导出; ``.xlsx``, or the same table saved as CSV in any usual
  encoding): one row per approval with 审批编号, 审批状态, 审批结果, 发起时间, 完成时间, 发起人工号/UserID,
  发起人部门, 审批记录 (含处理人UserID) and the form fields. A workbook may hold one sheet per approval
  template; rows repeated by a detail sub-table (明细) are one approval.
* **Open API JSON**, as the API returns it (one response per file, a list of responses, or a list of the
  objects inside them): users (``topapi/v2/user/get`` and ``user/list``), departments
  (``topapi/v2/department/listsub`` / ``get``), resigned members (``smartwork/hrm/employee/querydimission`` or
  ``listdimission``), approval instances in the old shape (``topapi/processinstance/get``: ``process_instance``
  with snake_case fields, local times) and the v1.0 shape (``/v1.0/workflow/processInstances``: ``result`` with
  camelCase fields, UTC times), and approval templates (``process_code`` + ``name``) to name instance types.

Rules (``docs/importing.md``, section DingTalk):

* The decision type is the template name (审批单名称; the sheet name when the export holds one sheet per
  template; the API's template name), never the title (标题 is "王伟提交的费用报销": it holds a name).
* People are the API users; without them and without ``--directory``, everyone is identified by their
  DingTalk UserID (or 工号, when only that is complete), and a people table is derived from the export only
  when 发起人部门 is there.
* 审批编号 is a 21-digit number: it is read as text; a workbook that stored it as a number (its last digits
  lost) is refused.
* Comments (意见, ``remark``) are never read into any table or log.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from orgkit.data.client import Settings
from orgkit.errors import ConfigError, ExportFormatError
from orgkit.importers.approvals import HOP_ACTIONS, build_decisions
from orgkit.importers.base import ImportLog, ImportOptions, Imported, refuse, register
from orgkit.importers.directory import read_directory
from orgkit.importers.people import Directory, build_people, first_of_each
from orgkit.importers.sources import Table, iter_files, read_json, read_sheets, read_text_below_title, sniff
from orgkit.importers.times import parse_times

__all__ = ["read_dingtalk", "SHEET_COLUMNS", "RECORD_ACTIONS", "OPERATION_TYPES", "parse_records",
           "check_approval_ids", "ids_as_numbers"]

TITLE = "DingTalk approval export or open API JSON"
_EXPORT = "a DingTalk approval export (审批 > 数据导出, .xlsx) or DingTalk open API JSON"
_WORKBOOK = "a DingTalk approval export (审批 > 数据导出)"
_USERS = "DingTalk users (open API JSON from topapi/v2/user/get or user/list) or an HR directory (CSV/XLSX)"

#: Headers of the approval export, canonical name -> the spellings DingTalk has used (compared after NFKC,
#: case and spaces folded; the first found wins).
SHEET_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("审批编号", "审批单编号", "审批单号"),
    "template": ("审批单名称", "审批名称", "审批模板", "模板名称", "表单名称"),
    "title": ("标题", "审批标题"),
    "status": ("审批状态", "状态"),
    "result": ("审批结果", "结果"),
    "raised": ("审批发起时间", "发起时间", "创建时间"),
    "finished": ("审批完成时间", "完成时间", "结束时间"),
    "job": ("发起人工号",),
    "uid": ("发起人userid", "发起人用户id"),
    "name": ("发起人姓名", "发起人"),
    "dept": ("发起人部门",),
    "history": ("历史审批人姓名", "历史审批人"),
    "record": ("审批记录(含处理人userid)", "审批记录"),
    "current_uid": ("当前处理人userid",),
    "current": ("当前处理人姓名", "当前处理人"),
    "duration": ("审批耗时", "耗时(时:分:秒)", "耗时"),
}

#: 审批记录 action words -> :data:`orgkit.importers.approvals.ACTIONS` (a leading 已 is ignored).
RECORD_ACTIONS: dict[str, str] = {
    "提交申请": "submit", "发起": "submit", "发起申请": "submit", "提交": "submit", "重新提交": "submit",
    "同意": "approve", "通过": "approve", "审批通过": "approve", "自动同意": "approve", "自动通过": "approve",
    "拒绝": "reject", "驳回": "reject", "不同意": "reject", "审批拒绝": "reject", "自动拒绝": "reject",
    "转交": "transfer", "自动转交": "transfer",
    "退回": "return", "回退": "return",
    "评论": "comment", "添加评论": "comment",
    "抄送": "cc", "自动抄送": "cc",
    "撤销": "withdraw", "撤回": "withdraw",
    "加签": "add", "前加签": "add", "后加签": "add", "并加签": "add",
}

#: Open API ``operation_type``/``type`` -> action (EXECUTE_TASK_* take the action from the result).
OPERATION_TYPES: dict[str, str] = {
    "START_PROCESS_INSTANCE": "submit",
    "EXECUTE_TASK_NORMAL": "execute", "EXECUTE_TASK_AGENT": "execute", "EXECUTE_TASK_TRANSFER": "execute",
    "APPEND_TASK_BEFORE": "add", "APPEND_TASK_AFTER": "add",
    "REDIRECT_TASK": "transfer", "REDIRECT_PROCESS": "return",
    "TERMINATE_PROCESS_INSTANCE": "terminate", "FINISH_PROCESS_INSTANCE": "other",
    "ADD_REMARK": "comment", "PROCESS_CC": "cc",
}
_RESULTS = {"AGREE": "approve", "REFUSE": "reject", "REDIRECTED": "transfer", "BACK": "return"}

#: 审批状态 words -> instance status (审批结果 decides 已完成 ones).
_STATUS_WORDS = {"审批中": "pending", "进行中": "pending", "待审批": "pending", "处理中": "pending",
                 "审批通过": "approved", "已通过": "approved", "通过": "approved",
                 "审批拒绝": "rejected", "已拒绝": "rejected", "拒绝": "rejected", "驳回": "rejected",
                 "已撤销": "withdrawn", "撤销": "withdrawn", "已撤回": "withdrawn", "撤回": "withdrawn",
                 "已终止": "other", "终止": "other"}
_DONE_WORDS = {"已完成", "完成", "已结束", "结束"}
_RESULT_WORDS = {"同意": "approved", "通过": "approved", "审批通过": "approved", "已同意": "approved",
                 "拒绝": "rejected", "驳回": "rejected", "不同意": "rejected", "审批拒绝": "rejected",
                 "已拒绝": "rejected", "撤销": "withdrawn", "已撤销": "withdrawn"}
_API_STATUS = {"NEW": "pending", "RUNNING": "pending", "CANCELED": "withdrawn", "TERMINATED": "other"}

# one record of 审批记录: 姓名|UserID|节点名|yyyy-MM-dd HH:mm:ss|动作|意见 (the UserID may be missing in the
# plain 审批记录). Records are found by their time field rather than split on ';' or newlines, because an
# 意见 may itself hold ';', '|' or line breaks; the 意见 is never captured.
_TIME = r"\d{4}[-/]\d{1,2}[-/]\d{1,2}[ T]\d{1,2}:\d{2}(?::\d{2})?"
_FIELD = r"[^|;；\n\r]*"
RECORD_RE = (rf"(?:^|[;；\n\r])\s*(?P<name>{_FIELD})\|(?:(?P<uid>{_FIELD})\|)?(?P<node>{_FIELD})\|"
             rf"\s*(?P<at>{_TIME})\s*\|\s*(?P<action>{_FIELD})")
_RECORD = re.compile(RECORD_RE)
_GENERIC_SHEET = re.compile(r"^(sheet|工作表|表|page|data|数据|导出|导出数据|审批数据|审批记录|明细|export)\s*\d*$",
                            re.IGNORECASE)
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: Longest word of an export cell quoted in the log (DingTalk's action and status words have at most 9).
_WORD_CHARS = 10


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()


def _columns(frame: pd.DataFrame) -> dict[str, str]:
    """Canonical -> header of ``frame`` for :data:`SHEET_COLUMNS` (each header used once)."""
    folded = {_fold(c): c for c in frame.columns}
    found: dict[str, str] = {}
    used: set[str] = set()
    for key, spellings in SHEET_COLUMNS.items():
        for s in spellings:
            h = folded.get(_fold(s))
            if h is not None and h not in used:
                found[key] = h
                used.add(h)
                break
    return found


def _is_approval_sheet(cols: dict[str, str]) -> bool:
    return "id" in cols and ("record" in cols or "status" in cols) and (
        "raised" in cols or "uid" in cols or "job" in cols)


# ---------------------------------------------------------------------------------------------------------
# ids
# ---------------------------------------------------------------------------------------------------------
def ids_as_numbers(options: ImportOptions) -> bool:
    """``--set ids_as_numbers=true``: import approval numbers a spreadsheet turned into numbers, with a warning.

    Raises
    ------
    ConfigError
        A value that is neither yes nor no (it is never read as no).
    """
    value = str(options.extra.get("ids_as_numbers", "false")).strip().lower()
    if value not in ("1", "true", "yes", "0", "false", "no"):
        raise ConfigError(f"--set ids_as_numbers={options.extra['ids_as_numbers']}: give true or false.")
    return value in ("1", "true", "yes")


def check_approval_ids(ids: pd.Series, file: str, *, log: ImportLog, accept: bool = False) -> pd.Series:
    """Refuse approval numbers (审批编号, 21 digits) that a workbook stored as numbers.

    A 21-digit number does not fit a floating-point number: Excel keeps 15 significant digits (the rest
    become zeros) and a number cell read back gives its binary value (``202403051423000985600``). Evidence
    of that: values in scientific notation (``2.02403E+20``), or long ids (16 digits or more) all of which
    are exactly what a floating-point number prints or end in Excel's zero padding. Such ids no longer tell
    approvals apart.

    Returns
    -------
    Series
        ``ids``; with ``accept``, those in scientific notation written out in digits (what the number holds).

    Raises
    ------
    ExportFormatError
        The ids were stored as numbers (unless ``accept``: then the log warns).
    """
    text = ids.astype("str").str.strip()
    text = text[text != ""]
    if text.empty:
        return ids
    sci = text.str.fullmatch(r"[0-9](?:\.[0-9]+)?[eE]\+?[0-9]+")
    long = text[text.str.fullmatch(r"[0-9]{16,}")]
    lost = pd.Series(False, index=long.index)
    if len(long):
        floats = long.astype("float64").to_numpy()
        printed = pd.Series(np.char.mod("%.0f", floats), index=long.index)
        lost = (printed == long) | long.str.fullmatch(r"[0-9]{15}0+")
    n_sci, n_lost = int(sci.sum()), int(lost.sum())
    damaged = n_sci > 0 or (len(long) >= 1 and n_lost == len(long))
    if not damaged:
        if len(long):
            log.decided("审批编号", f"{len(long):,} approval numbers of 16 or more digits read as text, whole")
        return ids
    found = (f"{n_sci:,} approval numbers (审批编号) stored as numbers, so in scientific notation such as "
             "2.02403E+20" if n_sci else f"approval numbers (审批编号) stored as numbers: all {n_lost:,} of them "
             "end the way a number that lost its last digits does")
    if accept:
        log.note(f"WARNING {file}: {found}; kept as read because ids_as_numbers was given, so two approvals "
                 "may share one number and be read as one")
        out = ids.copy()
        out.loc[text.index[sci]] = np.char.mod("%.0f", text[sci].astype("float64").to_numpy())
        return out
    raise refuse(file, "审批编号 as text (21 digits, as DingTalk exports them)", found,
                 "Export the approvals from DingTalk again and give that file unchanged (opening and saving it "
                 "in Excel, or a CSV saved from Excel, turns the numbers into 15-digit approximations); or "
                 "format the column as text before pasting. To import anyway, pass --set ids_as_numbers=true.")


# ---------------------------------------------------------------------------------------------------------
# the approval export
# ---------------------------------------------------------------------------------------------------------
def parse_records(cells: pd.Series) -> pd.DataFrame:
    """The steps of 审批记录 cells: one row per record, vectorised with ``str.findall`` and ``explode``.

    Parameters
    ----------
    cells : Series
        审批记录 texts, indexed by approval row.

    Returns
    -------
    DataFrame
        ``row`` (the index of ``cells``), ``name``, ``uid``, ``node``, ``at`` (text), ``word`` (the action
        as written) in the cell's order. The 意见 (comment) is not captured.

    Examples
    --------
    >>> r = parse_records(pd.Series(["张伟|u1|发起|2024-03-05 09:00:00|提交申请|;王芳|u2|主管|2024-03-05 10:00|同意|好"]))
    >>> r[["row", "uid", "node", "at", "word"]].values.tolist()
    [[0, 'u1', '发起', '2024-03-05 09:00:00', '提交申请'], [0, 'u2', '主管', '2024-03-05 10:00', '同意']]
    """
    text = cells.fillna("").astype("str")
    text = text[text.str.contains("|", regex=False)]
    if text.empty:
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in ("name", "uid", "node", "at", "word")}
                            ).assign(row=pd.Series([], dtype=cells.index.dtype))[
            ["row", "name", "uid", "node", "at", "word"]]
    # one regex pass per cell (``str.findall``), then one row per record (``explode``)
    found = text.str.findall(_RECORD).explode().dropna()
    parts = pd.DataFrame(found.tolist(), columns=["name", "uid", "node", "at", "word"], dtype="str")
    out = pd.DataFrame({"row": found.index.to_numpy(),
                        "name": parts["name"].str.strip().to_numpy(), "uid": parts["uid"].str.strip().to_numpy(),
                        "node": parts["node"].str.strip().to_numpy(), "at": parts["at"].to_numpy(),
                        "word": parts["word"].str.strip().to_numpy()})
    return out.reset_index(drop=True)


def _unknown_words(words: pd.Series) -> str:
    """Words of export cells orgkit does not know, for the log: only those that look like the platform's.

    A cell where a word is expected may hold free text instead (a record missing its 动作 puts the 意见
    there, names and all): a word is quoted only when at least :attr:`Settings.min_group_size` records use it
    and it is short; the others are counted.
    """
    counts = words.value_counts()
    common = (counts >= Settings.min_group_size).to_numpy() & (counts.index.str.len() <= _WORD_CHARS)
    text = ": " + ", ".join(f"{w} ({n:,})" for w, n in counts[common].head(12).items()) if common.any() else ""
    rare = int((~common).sum())
    if rare:
        text += (f" ({rare:,} other word(s) not shown: used by fewer than {Settings.min_group_size} records or "
                 f"longer than {_WORD_CHARS} characters, they may be free text such as a comment)")
    return text


def _map_words(words: pd.Series, table: dict[str, str], what: str, log: ImportLog) -> pd.Series:
    bare = words.str.replace(r"^已", "", regex=True)
    mapped = words.map(table).fillna(bare.map(table))
    unknown = mapped.isna() & (words != "")
    if unknown.any():
        log.note(f"{what}: {int(unknown.sum()):,} record(s) with an action word orgkit does not know, read as "
                 "'other'" + _unknown_words(words[unknown]))
    return mapped.fillna("other")


def _sheet_type(table: Table, cols: dict[str, str], frame: pd.DataFrame, n_sheets: int, file: str,
                log: ImportLog, given: str = "") -> pd.Series:
    """The decision type of each row of one approval sheet (see the module docstring)."""
    sheet = (table.sheet or "").strip()
    if "template" in cols:
        log.decided(f"decision type ({file}, sheet {sheet or '-'})",
                    f"the template name column {cols['template']}")
        return frame[cols["template"]]
    if given:
        log.decided(f"decision type ({file}, sheet {sheet or '-'})", "the template given with --set template=")
        return pd.Series(given, index=frame.index, dtype="str")
    if sheet and not _GENERIC_SHEET.fullmatch(sheet):
        why = ("the export holds one sheet per template" if n_sheets > 1
               else "the sheet is named after the template")
        log.decided(f"decision type ({file}, sheet {sheet})", f"the sheet name, because {why}")
        return pd.Series(sheet, index=frame.index, dtype="str")
    if "title" in cols and "name" in cols:
        title, name = frame[cols["title"]], frame[cols["name"]]
        prefix = name + "提交的"
        starts = np.char.startswith(title.to_numpy().astype(str), prefix.to_numpy().astype(str))
        ok = (name != "").to_numpy() & (title.str.len() > prefix.str.len()).to_numpy() & starts
        if len(frame) and bool(ok.all()):
            log.decided(f"decision type ({file}, sheet {sheet or '-'})",
                        "DingTalk's standard title '<applicant>提交的<template>' with the applicant's name "
                        "removed (no template column or sheet name gives it)")
            return title.str.split("提交的", n=1).str[1].astype("str")
    stem = re.sub(r"[-_ ]*(?:\(\d+\)|\d{6,}[\d_-]*|导出|审批数据|数据导出)*$", "", Path(file).stem).strip(" -_")
    if stem and not _GENERIC_SHEET.fullmatch(stem) and _CJK.search(stem):
        log.decided(f"decision type ({file})", "the file name without its date: the export holds one template "
                    "and names neither it nor the sheet after it")
        return pd.Series(stem, index=frame.index, dtype="str")
    log.note(f"{file}: no template name (审批单名称), sheet name or file name names the approval type; "
             "typed 'unnamed form' (the title is never used: it holds the applicant's name)")
    return pd.Series("", index=frame.index, dtype="str")


def _header_below(table: Table, path: Path, log: ImportLog, rows: int = 5) -> tuple[Table, dict[str, str]]:
    """A sheet whose header row sits below a title line (审批数据导出 in a merged first row): found and used."""
    head = table.frame.head(rows)
    for k in range(len(head)):
        values = [str(v) for v in head.iloc[k].tolist()]
        if any(_fold(v) == _fold("审批编号") for v in values):
            frame = table.frame.iloc[k + 1:].reset_index(drop=True)
            frame.columns = [v if v else f"column {j + 1}" for j, v in enumerate(values)]
            log.note(f"{path.name}" + (f", sheet {table.sheet}" if table.sheet else "")
                     + f": the header is on row {k + 2}, below a title line")
            found = Table(frame, table.file, table.sheet, table.encoding, table.sha256)
            return found, _columns(frame)
    return table, _columns(table.frame)


def _times(values: pd.Series, what: str, options: ImportOptions, log: ImportLog) -> pd.Series:
    return parse_times(values, options.zone, what=what, log=log, dayfirst=options.dayfirst)


def _read_workbook(path: Path, options: ImportOptions, log: ImportLog) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Approval rows and their records from one export file: (rows, records)."""
    try:
        tables = read_sheets(path, _WORKBOOK, log=log)
    except ExportFormatError as exc:
        if sniff(path) != "text":
            raise
        try:  # title lines without the header's separators: the header is found below them
            tables = [read_text_below_title(path, _WORKBOOK, lambda cells: _fold("审批编号") in map(_fold, cells),
                                            log=log)[0]]
        except ExportFormatError:
            raise exc from None
    wanted = str(options.extra.get("sheet", "")).strip()
    if wanted and sniff(path) == "xlsx":
        chosen = [t for t in tables if (t.sheet or "").strip().lower() == wanted.lower()]
        if not chosen:
            raise refuse(path, f"a sheet named {wanted!r} (--set sheet=)",
                         "the sheets " + ", ".join(repr(t.sheet) for t in tables[:12]),
                         "Name one of them, or leave --set sheet out to read every approval sheet.")
        log.decided(f"sheets of {path.name}", f"only {chosen[0].sheet!r}, as --set sheet= asks")
        tables = chosen
    approval: list[tuple[Table, dict[str, str]]] = []
    other: list[str] = []
    for i, t in enumerate(tables):
        cols = _columns(t.frame)
        if not _is_approval_sheet(cols):
            t, cols = _header_below(t, path, log)
            tables[i] = t
        if _is_approval_sheet(cols):
            approval.append((t, cols))
        else:
            other.append(t.sheet or "")
    if not approval:
        shown = "; ".join(f"sheet {t.sheet!r}: " + ", ".join(map(str, t.frame.columns[:8])) if t.sheet else
                          ", ".join(map(str, t.frame.columns[:10])) for t in tables[:4])
        looks_people = any({"工号", "userid", "部门"} & {_fold(c) for c in t.frame.columns} for t in tables)
        raise refuse(path, "a DingTalk approval export with the columns 审批编号, 审批状态 or 审批记录, and 发起时间 "
                     "or 发起人UserID/工号", f"the columns {shown}" if shown else "no columns",
                     "Export the approvals from DingTalk (管理后台 > 审批 > 数据导出) and give that file unchanged."
                     + (" An address book goes with --directory." if looks_people else ""))
    if other:
        log.note(f"{path.name}: {len(other):,} sheet(s) without approval columns skipped")
    rows = []
    for t, cols in approval:
        f = t.frame
        where = f"{path.name}" + (f", sheet {t.sheet}" if t.sheet else "")
        for key in ("id", "status", "result", "raised", "finished", "job", "uid", "name", "dept", "record",
                    "current", "current_uid", "template"):
            if key in cols:
                log.mapped(f"{where}: {cols[key]}", key)
        for key in ("title", "history", "duration"):
            if key in cols:
                log.note(f"{where}: {cols[key]} not used ("
                         + {"title": "it holds the applicant's name", "history": "names only; the records give ids",
                            "duration": "derived from the times"}[key] + ")")
        ids = f[cols["id"]].str.strip()
        # rows of a detail sub-table: the approval's cells are repeated, or left blank (merged cells)
        empty = (ids == "").to_numpy(dtype=bool).copy()
        if "status" in cols:
            empty &= (f[cols["status"]] == "").to_numpy()
        cont = int(empty.sum())
        if cont:
            log.note(f"{where}: {cont:,} rows continue a detail sub-table (no approval cells); read with their "
                     "approval")
        f = f[~empty]
        ids = ids[~empty]
        dup = ids.duplicated().to_numpy()
        if dup.any():
            log.note(f"{where}: {int(dup.sum()):,} rows repeat an approval (a detail sub-table); each approval "
                     "read once")
        f, ids = f[~dup], ids[~dup]
        get = lambda k: f[cols[k]].str.strip() if k in cols else pd.Series("", index=f.index, dtype="str")  # noqa: E731
        part = pd.DataFrame({
            "decision_id": ids, "decision_type": _sheet_type(t, cols, f, len(approval), path.name, log,
                                                                  str(options.extra.get("template", "")).strip()),
            "status_word": get("status"), "result_word": get("result"), "raised": get("raised"),
            "finished": get("finished"), "job": get("job"), "uid": get("uid"), "name": get("name"),
            "dept": get("dept"), "current_uid": get("current_uid"), "current_name": get("current"),
            "record": get("record"), "where": where,
        })
        part["has_uid"] = "uid" in cols
        part["has_job"] = "job" in cols
        rows.append(part)
    frame = pd.concat(rows, ignore_index=True)
    frame["decision_id"] = check_approval_ids(frame["decision_id"], path.name, log=log,
                                              accept=ids_as_numbers(options))
    records = parse_records(frame["record"])
    if (frame["record"] != "").any() and records.empty:
        log.note(f"{path.name}: 审批记录 cells hold no record of the form 姓名|UserID|节点|时间|动作|意见")
    frame = frame.drop(columns=["record"])
    records["decision_id"] = frame["decision_id"].to_numpy()[records["row"].to_numpy()] if len(records) else ""
    return frame, records


def _status(frame: pd.DataFrame, log: ImportLog) -> pd.Series:
    word = frame["status_word"].str.strip()
    result = frame["result_word"].str.strip()
    status = word.map(_STATUS_WORDS)
    done = word.isin(_DONE_WORDS) | (word == "")
    status = status.where(~(done & status.isna()), result.map(_RESULT_WORDS))
    # 审批结果 alone may say 审批中 or 撤销
    status = status.fillna(result.map(_STATUS_WORDS))
    unknown = status.isna() & ((word != "") | (result != ""))
    if unknown.any():
        log.note(f"{int(unknown.sum()):,} approval(s) with a status (审批状态/审批结果) orgkit does not know, read as "
                 "'other'" + _unknown_words(word[unknown] + "/" + result[unknown]))
    return status.fillna("other")


# ---------------------------------------------------------------------------------------------------------
# the open API JSON
# ---------------------------------------------------------------------------------------------------------
_NESTED = ("process_instance", "processInstance")


def _records_of(data: Any, path: Path) -> list[dict[str, Any]]:
    """The objects of an API response (or a list of responses), envelopes removed."""
    out: list[dict[str, Any]] = []

    def walk(x: Any, depth: int) -> None:
        if depth > 4:
            return
        if isinstance(x, list):
            for item in x:
                walk(item, depth + 1)
            return
        if not isinstance(x, dict):
            return
        code = x.get("errcode", x.get("code"))
        if code not in (None, 0, "0") and ("errmsg" in x or "message" in x) and all(
                _holds_nothing(x.get(k), 1) for k in ("result", *_NESTED)):  # "result": null may come with it
            raise refuse(path, _EXPORT, f"a DingTalk API error response (errcode {code}), not data",
                         "Call the API again and save a successful response.")
        for key in _NESTED:
            if isinstance(x.get(key), dict):
                outer = {k: v for k, v in x.items() if k not in (*_NESTED, "errcode", "errmsg", "request_id")}
                out.append({**outer, **x[key]})
                return
        if _kind(x) != "unknown":  # a record itself (a user's "department" is a list of ids, not an envelope)
            out.append(x)
            return
        if "data_list" in x and isinstance(x["data_list"], list):  # querydimission: resigned members' userids
            out.extend({"_dimission_userid": str(u)} for u in x["data_list"] if isinstance(u, (str, int)))
            walk([u for u in x["data_list"] if isinstance(u, dict)], depth + 1)
            return
        for key in ("result", "list", "userlist", "users", "department", "departments", "dept_list",
                    "instances", "process_instances", "processInstances", "process_list", "processList",
                    "items", "data"):
            if key in x and isinstance(x[key], (list, dict)):
                inner = x[key]
                if isinstance(inner, dict) and key == "result" and _kind(inner) == "instance":
                    outer = {k: v for k, v in x.items() if k not in ("result", "success")}
                    out.append({**outer, **inner})
                    return
                walk(inner, depth + 1)
                return
        out.append(x)

    walk(data, 0)
    return out


def _holds_nothing(x: Any, depth: int = 0) -> bool:
    """Whether a successful API response holds no record at all (every list in it empty).

    Examples
    --------
    >>> _holds_nothing({"errcode": 0, "result": {"has_more": False, "list": []}}), _holds_nothing([{"userid": 1}])
    (True, False)
    """
    if isinstance(x, list):
        return not x
    if isinstance(x, dict):
        return depth < 4 and all(_holds_nothing(v, depth + 1) for v in x.values())
    return depth > 0  # a scalar beside the lists (errcode, has_more), not a file of a scalar


def _kind(rec: dict[str, Any]) -> str:
    keys = set(rec)
    if keys & {"originator_userid", "originatorUserId", "operation_records", "operationRecords"}:
        return "instance"
    if "_dimission_userid" in keys or "last_work_day" in keys:
        return "dimission"
    if ("userid" in keys or "userId" in keys) and keys & {"dept_id_list", "department", "job_number", "hired_date",
                                                          "manager_userid", "name", "title", "deptIdList"}:
        return "user"
    if ("dept_id" in keys or ("id" in keys and "parentid" in keys)) and "userid" not in keys:
        return "department"
    if keys & {"process_code", "processCode"} and "name" in keys:
        return "template"
    return "unknown"


def _get(recs: list[dict[str, Any]], *keys: str) -> pd.Series:
    vals = []
    for r in recs:
        v = next((r[k] for k in keys if r.get(k) not in (None, "")), "")
        vals.append(v)
    return pd.Series(vals, dtype="object")


def _objects(value: Any) -> list[dict[str, Any]]:
    """The objects of a JSON list (operation records, tasks); anything else in their place gives none."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _text(values: pd.Series) -> pd.Series:
    """Scalars as text (whole floats without .0); lists joined by ';'."""
    def one(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float):
            return repr(v) if not v.is_integer() or abs(v) >= 1e16 else str(int(v))
        if isinstance(v, (list, tuple)):
            return ";".join(one(x) for x in v)
        return str(v).strip()
    return values.map(one).astype("str")


def _dept_paths(depts: list[dict[str, Any]], log: ImportLog) -> dict[str, str]:
    """dept_id -> its path of names from the top (joined by an internal separator)."""
    if not depts:
        return {}
    ids = _text(_get(depts, "dept_id", "id"))
    names = _text(_get(depts, "name"))
    parents = _text(_get(depts, "parent_id", "parentid"))
    name = dict(zip(ids, names))
    parent = dict(zip(ids, parents))
    paths: dict[str, str] = {}
    for d in ids:  # a few hundred departments: walking up each is cheap
        chain, cur, seen = [], d, set()
        while cur in name and cur not in seen:
            seen.add(cur)
            chain.append(name[cur] or f"dept {cur}")
            cur = parent.get(cur, "")
        paths[d] = _SEP.join(reversed(chain))
    log.decided("department names", f"{len(paths):,} DingTalk departments named by their path from the top "
                "(dept_id, name, parent_id of the department list)")
    return paths


_SEP = "\u001f"


def _users_frame(users: list[dict[str, Any]], depts: list[dict[str, Any]], gone: set[str], file: str,
                 log: ImportLog) -> pd.DataFrame:
    uid = _text(_get(users, "userid", "userId"))
    first = first_of_each(users, uid, log)
    if not first.all():  # the same user on two pages, or in two files
        users = [u for u, keep in zip(users, first) if keep]
        uid = uid[first].reset_index(drop=True)
    job = _text(_get(users, "job_number", "jobNumber", "jobnumber"))
    complete = bool(len(job)) and bool((job != "").all()) and not job.duplicated().any()
    if complete:
        log.decided("employee ids", "job_number (工号): every user has one and they are unique; approval logs' "
                    "UserIDs are mapped to them")
        emp = job
    else:
        n_blank = int((job == "").sum())
        log.decided("employee ids", "DingTalk userid" + (f": job_number (工号) is blank for {n_blank:,} user(s)"
                                                         if n_blank else ": job_number (工号) is not unique"))
        emp = uid
    paths = _dept_paths(depts, log)
    dept_lists = _get(users, "dept_id_list", "deptIdList", "department")
    main = _text(_get(users, "main_dept_id", "mainDeptId", "main_department", "main_dept"))

    def names(v: Any) -> str:
        items = v if isinstance(v, (list, tuple)) else ([v] if v not in (None, "") else [])
        return ";".join(paths.get(str(i), f"dept {i}") for i in items)

    departments = dept_lists.map(names).astype("str")
    if not paths:
        log.note("no DingTalk department list was given: departments are named by their DingTalk id ('dept 123'); "
                 "give the JSON of topapi/v2/department/listsub to name them")
    frame = pd.DataFrame({
        "employee_id": emp.to_numpy(), "user_id": uid.to_numpy(),
        "name": _text(_get(users, "name")).to_numpy(),
        "email": _text(_get(users, "org_email", "email")).to_numpy(),
        "phone": _text(_get(users, "mobile")).to_numpy(),
        "departments": departments.to_numpy(),
        "manager_id": _text(_get(users, "manager_userid", "managerUserId")).to_numpy(),
        "title": _text(_get(users, "title")).to_numpy(),
        "hire_date": _text(_get(users, "hired_date", "hiredDate")).to_numpy(),
    })
    has_main = main != ""
    if has_main.any():
        frame["primary_department"] = [paths.get(m, f"dept {m}") if m else "" for m in main]
    flags = _text(_get(users, "resigned", "is_resigned", "dimission"))
    resigned = flags.str.lower().isin(["true", "1", "yes"]).to_numpy() | uid.isin(gone).to_numpy()
    frame["resigned"] = np.where(resigned, "true", "")
    inactive = _text(_get(users, "active")) == "false"
    if inactive.any():
        log.note(f"{int(inactive.sum()):,} users have not activated DingTalk (active false); they are members "
                 "and kept")
    return frame


def _instances_json(recs: list[dict[str, Any]], templates: dict[str, str], file: str,
                    log: ImportLog) -> tuple[pd.DataFrame, pd.DataFrame]:
    business = _text(_get(recs, "business_id", "businessId"))
    inst_id = _text(_get(recs, "process_instance_id", "processInstanceId"))
    ids = business.where(business != "", inst_id)
    if (business != "").any():
        log.decided(f"approval ids ({file})", "business_id (审批编号, as in the approval export)"
                    + ("; the instance id where it is missing" if (business == "").any() else ""))
    code = _text(_get(recs, "process_code", "processCode"))
    named = _text(_get(recs, "name", "process_name", "processName", "template_name", "templateName", "formName"))
    dtype = named.where(named != "", code.map(templates).astype("object").fillna(""))
    by_code = (dtype == "") & (code != "")
    if by_code.any():
        log.note(f"{file}: {int(by_code.sum()):,} instances typed by their template code (process_code): give "
                 "the template list JSON (process_code and name) to name them")
        dtype = dtype.where(~by_code, code)
    status = _text(_get(recs, "status")).str.upper()
    result = _text(_get(recs, "result")).str.lower()
    st = status.map(_API_STATUS)
    st = st.where(~((status == "COMPLETED") & st.isna()), result.map({"agree": "approved", "refuse": "rejected"}))
    inst = pd.DataFrame({"decision_id": ids, "decision_type": dtype,
                         "initiator": _text(_get(recs, "originator_userid", "originatorUserId")),
                         "raised": _text(_get(recs, "create_time", "createTime")),
                         "finished": _text(_get(recs, "finish_time", "finishTime")),
                         "status": st.fillna("other")})
    # steps: operation records (their remark is never read); tasks where an instance has none
    rows, task_rows, current = [], [], []
    for i, r in enumerate(recs):
        ops = _objects(r.get("operation_records") or r.get("operationRecords"))
        tasks = _objects(r.get("tasks"))
        for o in ops:
            rows.append((i, o.get("userid", o.get("userId", "")), o.get("showName", o.get("activityId", "")),
                         o.get("date", ""), o.get("operation_type", o.get("type", "")),
                         o.get("operation_result", o.get("result", ""))))
        running = [t for t in tasks if str(t.get("task_status", t.get("status", ""))).upper() in ("RUNNING", "NEW")]
        current.append(str(running[0].get("userid", running[0].get("userId", ""))) if running else "")
        if not ops:
            for t in tasks:
                res = str(t.get("task_result", t.get("result", ""))).upper()
                if res in _RESULTS:
                    task_rows.append((i, t.get("userid", t.get("userId", "")), t.get("activityId", ""),
                                      t.get("finish_time", t.get("finishTime", "")), "EXECUTE_TASK_NORMAL", res))
    inst["current"] = current
    if task_rows:
        log.note(f"{file}: {len({r[0] for r in task_rows}):,} instances have no operation records; their "
                 "finished tasks are read as the steps")
    steps = pd.DataFrame(rows + task_rows, columns=["row", "uid", "node", "at", "type", "result"])
    for c in ("uid", "node", "at", "type", "result"):
        steps[c] = _text(steps[c]) if len(steps) else steps[c].astype("str")
    typ = steps["type"].str.upper()
    action = typ.map(OPERATION_TYPES)
    res = steps["result"].str.upper().map(_RESULTS)
    action = action.where(action != "execute", res.fillna("other"))
    action = action.where(~(action.isna() & res.notna()), res)
    originator = inst["initiator"].to_numpy()[steps["row"].to_numpy()] if len(steps) else np.array([], dtype=object)
    term = (action == "terminate").to_numpy()
    action = action.where(~term, np.where(steps["uid"].to_numpy() == originator, "withdraw", "other"))
    # an instance the applicant terminated (撤销) was withdrawn; one an administrator stopped was not decided
    by_self = pd.Series(term & (steps["uid"].to_numpy() == originator)).groupby(steps["row"].to_numpy()).any()
    withdrawn = inst.index.isin(by_self.index[by_self.to_numpy()]) if len(by_self) else np.zeros(len(inst), bool)
    inst.loc[withdrawn & (inst["status"] == "other").to_numpy(), "status"] = "withdrawn"
    unknown = action.isna() & (typ != "")
    if unknown.any():
        log.note(f"{file}: operation types read as 'other': " + ", ".join(
            f"{w} ({n:,})" for w, n in typ[unknown].value_counts().head(10).items()))
    steps["action"] = action.fillna("other")
    steps["decision_id"] = inst["decision_id"].to_numpy()[steps["row"].to_numpy()] if len(steps) else ""
    return inst, steps


# ---------------------------------------------------------------------------------------------------------
# the reader
# ---------------------------------------------------------------------------------------------------------
def _directory_from(paths: Sequence[Path], options: ImportOptions, log: ImportLog) -> Directory:
    """``--directory``: DingTalk user JSON, or any HR directory file; an approval export is refused."""
    json_users: list[dict[str, Any]] = []
    json_depts: list[dict[str, Any]] = []
    gone: set[str] = set()
    tables: list[Path] = []
    for path in iter_files(list(paths)):
        kind = sniff(path)
        if kind == "json":
            data = read_json(path, _USERS)
            recs = _records_of(data, path)
            if not recs and _holds_nothing(data):
                log.read(path, "DingTalk API response with no records (an empty page)", 0)
                continue
            kinds = pd.Series([_kind(r) for r in recs], dtype="str")
            if (kinds == "instance").any() or not kinds.isin(["user", "department", "dimission"]).any():
                found = ("DingTalk approval instances" if (kinds == "instance").any()
                         else f"JSON with the keys {', '.join(sorted({k for r in recs[:20] for k in r})[:12])}")
                raise refuse(path, _USERS, found, "Give approvals as sources and users with --directory.")
            json_users += [r for r, k in zip(recs, kinds) if k == "user"]
            json_depts += [r for r, k in zip(recs, kinds) if k == "department"]
            gone |= {str(r.get("_dimission_userid", r.get("userid", ""))) for r, k in zip(recs, kinds)
                     if k == "dimission"}
            log.read(path, "DingTalk users/departments (JSON)", len(recs))
        else:
            for t in read_sheets(path, _USERS):
                if _is_approval_sheet(_columns(t.frame)):
                    raise refuse(path, _USERS, "a DingTalk approval export (审批编号, 审批记录...)",
                                 "Give the approval export as a source and the address book or user list "
                                 "with --directory.")
            tables.append(path)
    if json_users and tables:
        raise refuse(", ".join(p.name for p in tables), "one kind of directory",
                     "both DingTalk user JSON and HR files", "Give one of them with --directory.")
    if json_users:
        frame = _users_frame(json_users, json_depts, gone, "directory", log)
        return build_people(frame, file="DingTalk users", options=options, log=log, path_separator=_SEP,
                            title="DingTalk user list")
    return read_directory(tables, options, log)


@register("dingtalk", TITLE,
          "the approval export (.xlsx, any number of sheets, or CSV) and/or open API JSON: users, departments, "
          "resigned members, approval instances (old and v1.0 shapes), templates",
          ("people", "decisions"), settings=("sheet", "template", "ids_as_numbers", "department_separator"))
def read_dingtalk(paths: Sequence[Path], options: ImportOptions, log: ImportLog) -> Imported:
    """Read DingTalk exports into people and decisions (see the module docstring)."""
    zone = options.zone
    sheets: list[tuple[pd.DataFrame, pd.DataFrame, str]] = []
    users: list[dict[str, Any]] = []
    depts: list[dict[str, Any]] = []
    templates: dict[str, str] = {}
    inst_recs: list[tuple[list[dict[str, Any]], str]] = []
    gone: set[str] = set()
    files = list(iter_files(list(paths)))
    if not files:
        raise refuse(", ".join(map(str, paths)) or "(none)", _EXPORT, "no file")
    chinese = False
    empty_pages = 0
    log.section("sources")
    for path in files:
        kind = sniff(path)
        if kind in ("xlsx", "text"):
            rows, recs = _read_workbook(path, options, log)
            sheets.append((rows, recs, path.name))
            chinese = True
            continue
        data = read_json(path, _EXPORT)  # html, xls, zip, parquet, broken JSON: refused with what they are
        recs = _records_of(data, path)
        if not recs and _holds_nothing(data):  # a department without members, the page after the last
            log.read(path, "DingTalk API response with no records (an empty page)", 0)
            empty_pages += 1
            continue
        kinds = [_kind(r) for r in recs]
        counts = pd.Series(kinds, dtype="str").value_counts()
        if not recs or counts.get("unknown", 0) == len(recs):
            keys = sorted({k for r in recs[:20] for k in r})[:12]
            inner = data.get("result", data) if isinstance(data, dict) else data
            listed = inner.get("list") if isinstance(inner, dict) else None
            if isinstance(listed, list) and listed and all(isinstance(v, str) for v in listed):
                raise refuse(path, _EXPORT + " (users, departments or approval instances)",
                             "a list of ids only (such as processinstance/listids or user/listid)",
                             "Fetch each instance or user with its get API and give those responses.")
            raise refuse(path, _EXPORT + " (users, departments or approval instances)",
                         f"JSON with the keys {', '.join(keys)}" if keys else "JSON without records",
                         "Save the API's response body as it is, one response or a list of them per file.")
        log.read(path, "DingTalk open API JSON (" + ", ".join(f"{k} {n:,}" for k, n in counts.items()) + ")",
                 len(recs))
        log.dropped(int(counts.get("unknown", 0)), "JSON records", "neither a user, department, approval "
                    "instance nor template")
        for r, k in zip(recs, kinds):
            if k == "user":
                users.append(r)
            elif k == "department":
                depts.append(r)
            elif k == "template":
                templates[str(r.get("process_code", r.get("processCode")))] = str(r.get("name", ""))
            elif k == "dimission":
                gone.add(str(r.get("_dimission_userid", r.get("userid", ""))))
        insts = [r for r, k in zip(recs, kinds) if k == "instance"]
        if insts:
            inst_recs.append((insts, path.name))
        chinese = chinese or any(_CJK.search(str(r.get("name", "")) + str(r.get("title", ""))) for r in recs[:50])
    # --- people ----------------------------------------------------------------------------------------------
    directory: Directory | None = None
    people = None
    if users:
        log.section("people")
        if options.directory:
            raise refuse(", ".join(p.name for p in options.directory), "either DingTalk users as sources or "
                         "--directory", "both", "Give the people once.")
        frame = _users_frame(users, depts, gone, "DingTalk users", log)
        directory = build_people(frame, file="DingTalk users", options=options, log=log, path_separator=_SEP,
                                 title="DingTalk user list")
        log.decided("primary department", "DingTalk flags none in dept_id_list: main_dept_id where the export "
                    "gives it, else the first department listed (dept_order_list is the order within each "
                    "department, not a primary flag)")
        people = directory.people
    elif options.directory:
        log.section("people (--directory)")
        directory = _directory_from(options.directory, options, log)
        people = directory.people
    elif gone or depts:
        log.note("departments or resigned members were given without users: not used")
    # --- decisions -------------------------------------------------------------------------------------------
    inst_parts, step_parts = [], []
    if sheets:
        log.section("approvals (export)")
        rows = pd.concat([s[0] for s in sheets], ignore_index=True)
        recs = pd.concat([s[1] for s in sheets], ignore_index=True)
        inst, steps, derived = _export_tables(rows, recs, directory, options, log)
        inst_parts.append(inst.assign(_src=0))
        step_parts.append(steps.assign(_src=0))
        if derived is not None and people is None and directory is None:
            people = derived
    for recs_, name in inst_recs:
        log.section(f"approvals ({name})")
        inst, steps = _instances_json(recs_, templates, name, log)
        inst["raised_at"] = _times(inst.pop("raised"), f"{name}: create_time", options, log)
        inst["finished_at"] = _times(inst.pop("finished"), f"{name}: finish_time", options, log)
        steps["at"] = _times(steps["at"], f"{name}: operation dates", options, log)
        steps = steps.rename(columns={"uid": "actor"})[["decision_id", "actor", "node", "at", "action"]]
        inst["decision_id"] = check_approval_ids(inst["decision_id"], name, log=log, accept=ids_as_numbers(options))
        inst_parts.append(inst.assign(_src=len(inst_parts)))
        step_parts.append(steps.assign(_src=len(step_parts)))
    decisions = None
    if inst_parts:
        log.section("decisions")
        log.note("times: DingTalk writes local time (the organisation's zone) in the export and the old API, UTC "
                 f"in the v1.0 API; all are written in {zone.key}")
        inst = pd.concat(inst_parts, ignore_index=True)
        steps = pd.concat(step_parts, ignore_index=True)
        n = len(inst)
        inst = inst.drop_duplicates("decision_id", keep="first")
        if len(inst) < n:
            log.note(f"{n - len(inst):,} approvals appear in more than one file or sheet; each read from the "
                     "first (the export before JSON, then in the order given)")
            source = steps["decision_id"].map(inst.set_index("decision_id")["_src"])
            kept = steps["_src"].to_numpy() == source.to_numpy()
            steps = steps[kept]
        inst, steps = inst.drop(columns="_src"), steps.drop(columns="_src")
        if directory is None and people is None and not sheets:
            log.note("people: none given. Give the DingTalk user list (JSON) as a source or a directory with "
                     "--directory; decisions name people by their DingTalk userid")
        decisions = build_decisions(inst, steps, file="DingTalk approvals", options=options, log=log,
                                    directory=directory)
    if people is None and decisions is None:
        raise refuse(", ".join(p.name for p in files), _EXPORT, "neither users nor approvals"
                     + (f": {empty_pages:,} response(s) with no records" if empty_pages else ""))
    settings = {"language": "zh"} if chinese else {}
    return Imported(people=people, decisions=decisions, settings=settings, log=log)


def _export_tables(rows: pd.DataFrame, recs: pd.DataFrame, directory: Directory | None, options: ImportOptions,
                   log: ImportLog) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """Instances and steps of the approval export, people keyed consistently; and people derived from it."""
    status = _status(rows, log)
    raised = _times(rows["raised"], "审批发起时间", options, log)
    action = _map_words(recs["word"], RECORD_ACTIONS, "审批记录 actions", log)
    n_uid = int((recs["uid"] != "").sum())
    derived = None
    if directory is not None:
        # the directory knows employee ids, DingTalk UserIDs and names: give it the best value of each
        initiator = rows["job"].where(rows["job"] != "", rows["uid"]).where(lambda s: s != "", rows["name"])
        actor = recs["uid"].where(recs["uid"] != "", recs["name"])
        current = rows["current_uid"].where(rows["current_uid"] != "", rows["current_name"])
        log.decided("people in the approvals", "looked up in the directory by 工号, UserID or (when unique) name")
    else:
        complete_uid = bool(rows["has_uid"].all()) and bool((rows["uid"] != "").all())
        complete_job = bool(rows["has_job"].all()) and bool((rows["job"] != "").all())
        if n_uid == 0 and len(recs):
            raise refuse(rows["where"].iloc[0], "审批记录 with each handler's UserID (审批记录(含处理人UserID)), "
                         "or a directory to look names up in", "approval records that name people by name only",
                         "Export again with 审批记录(含处理人UserID), or give the DingTalk user list (JSON) as a "
                         "source or an address book with --directory.")
        # name -> UserID pairs seen in this export (for 当前处理人姓名); a name with two UserIDs is not used
        pairs = pd.concat([pd.DataFrame({"name": rows["name"], "uid": rows["uid"]}),
                           recs[["name", "uid"]]], ignore_index=True)
        pairs = pairs[(pairs["name"] != "") & (pairs["uid"] != "")].drop_duplicates()
        single = pairs.groupby("name")["uid"].transform("nunique") == 1
        name_uid = pairs[single.to_numpy()].drop_duplicates("name").set_index("name")["uid"]
        current_uid = rows["current_uid"].where(rows["current_uid"] != "",
                                                rows["current_name"].map(name_uid).astype("object"))
        current_uid = current_uid.fillna("")
        if complete_uid or not complete_job:
            n_blank = int((rows["uid"] == "").sum())
            log.decided("people in the approvals", "identified by DingTalk UserID (发起人UserID and the records' "
                        "UserIDs): " + ("发起人UserID is complete" if complete_uid else
                                        f"neither 发起人UserID nor 发起人工号 is complete; {n_blank:,} approvals "
                                        "without an applicant UserID cannot be attributed"))
            initiator, actor, current = rows["uid"], recs["uid"], current_uid
        else:
            pair = rows[(rows["uid"] != "") & (rows["job"] != "")].drop_duplicates("uid").set_index("uid")["job"]
            actor = recs["uid"].map(pair).astype("object").fillna("")
            log.decided("people in the approvals", "identified by 工号: 发起人工号 is complete and 发起人UserID is "
                        "not; approvers' UserIDs mapped to 工号 where the export pairs them (someone's own "
                        "application gives the pair)")
            # an approval whose approver cannot be named would get a wrong decider: left out, counted
            unpaired = (actor == "").to_numpy() & (recs["uid"] != "").to_numpy() & action.isin(HOP_ACTIONS).to_numpy()
            lost = set(recs.loc[unpaired, "decision_id"])
            keep_rows = ~rows["decision_id"].isin(lost).to_numpy()
            log.dropped(int((~keep_rows).sum()), "approvals", "an approver's UserID is paired with no 工号 in the "
                        "export (give the DingTalk user list or --directory to identify them)")
            rows = rows[keep_rows]
            status, raised = status[keep_rows], raised[keep_rows]
            initiator, current = rows["job"], current_uid[keep_rows].map(pair).astype("object").fillna("")
        if (rows["dept"] != "").any():
            frame = pd.DataFrame({"employee_id": initiator.to_numpy(), "department": rows["dept"].to_numpy(),
                                  "name": rows["name"].to_numpy(), "_raised": raised.to_numpy()})
            frame = frame[(frame["employee_id"] != "") & (frame["department"] != "")]
            # the department of each applicant's latest approval
            frame = frame.sort_values("_raised", kind="stable").drop_duplicates("employee_id", keep="last")
            people_dir = build_people(frame.drop(columns="_raised"), file="DingTalk approval export",
                                      options=options, log=log, path_separator="-", title="approval export")
            derived = people_dir.people
            approvers = set(actor[actor != ""]) - set(derived["employee_id"])
            log.note(f"people derived from the export: {len(derived):,} applicants with their 发起人部门 (their "
                     f"latest); {len(approvers):,} approvers never applied, so their department is unknown and "
                     "they are not in people. For complete people give the DingTalk user list (JSON) as a "
                     "source or --directory")
        else:
            log.note("no 发起人部门: decisions only. People must come from the DingTalk user list (JSON) or "
                     "--directory")
    inst = pd.DataFrame({
        "decision_id": rows["decision_id"], "decision_type": rows["decision_type"], "initiator": initiator,
        "raised_at": raised,
        "finished_at": _times(rows["finished"], "审批完成时间", options, log),
        "status": status, "current": current.fillna(""),
    })
    steps = pd.DataFrame({"decision_id": recs["decision_id"].astype("str"), "actor": actor.fillna("").astype("str"),
                          "node": recs["node"], "at": _times(recs["at"], "审批记录 times", options, log),
                          "action": action})
    return inst, steps, derived
