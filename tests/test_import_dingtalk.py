"""DingTalk: the approval export workbook (and CSV saved from it) and the open API JSON.

Fixtures are built here in DingTalk's documented layout with invented people; every expected decision is
worked out by hand in the comments next to it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

openpyxl = pytest.importorskip("openpyxl")

from orgkit.errors import ExportFormatError  # noqa: E402
from orgkit.importers import ImportLog, ImportOptions, get_format, import_client  # noqa: E402
from orgkit.importers.platforms.dingtalk import parse_records, read_dingtalk  # noqa: E402

SH = ImportOptions(timezone="Asia/Shanghai")

HEADERS = ["审批编号", "标题", "审批状态", "审批结果", "审批发起时间", "审批完成时间", "发起人工号", "发起人UserID",
           "发起人姓名", "发起人部门", "历史审批人姓名", "审批记录(含处理人UserID)", "当前处理人姓名", "审批耗时",
           "报销金额", "费用明细-金额"]

A1, A2, A3 = "202403051423000123456", "202403061000000654321", "202403071100000111222"
A4, A5 = "202403081200000333444", "202403091300000555666"


def rec(*items: tuple[str, str, str, str, str, str], sep: str = ";") -> str:
    return sep.join("|".join(i) for i in items)


def expense_rows() -> list[list[str]]:
    a1 = rec(("张伟", "u1", "发起人", "2024-03-05 14:23:00", "提交申请", ""),
             ("王芳", "u2", "主管审批", "2024-03-05 15:00:00", "同意", "同意;请财务尽快|处理"),
             ("李娜", "u3", "财务审批", "2024-03-06 09:30:00", "同意", "好"),
             ("赵敏", "u5", "抄送人", "2024-03-06 09:30:05", "抄送", ""),
             ("王芳", "u2", "主管审批", "2024-03-07 10:00:00", "评论", "补充说明\n第二行"), sep="\n")
    a2 = rec(("刘洋", "u4", "发起人", "2024-03-06 10:00:00", "提交申请", ""),
             ("王芳", "u2", "主管审批", "2024-03-06 10:30:00", "转交", "转给陈静"),
             ("陈静", "u6", "主管审批", "2024-03-06 11:00:00", "同意", ""),
             ("李娜", "u3", "财务审批", "2024-03-06 12:00:00", "拒绝", "票据不全"))
    a3 = rec(("张伟", "u1", "发起人", "2024-03-07 11:00:00", "提交申请", ""),
             ("王芳", "u2", "主管审批", "2024-03-07 11:30:00", "同意", ""))
    common = ["", "", "", ""]
    return [
        [A1, "张伟提交的费用报销", "已完成", "同意", "2024-03-05 14:23:00", "2024-03-06 09:30:00", "E001", "u1", "张伟",
         "示例公司-销售部-华东", "王芳,李娜", a1, "", "19:07:00", "300", "100"],
        # the detail sub-table (费用明细) repeats the approval on a second row
        [A1, "张伟提交的费用报销", "已完成", "同意", "2024-03-05 14:23:00", "2024-03-06 09:30:00", "E001", "u1", "张伟",
         "示例公司-销售部-华东", "王芳,李娜", a1, "", "19:07:00", "300", "200"],
        [A2, "刘洋提交的费用报销", "已完成", "拒绝", "2024-03-06 10:00:00", "2024-03-06 12:00:00", "E004", "u4", "刘洋",
         "示例公司-财务部", "王芳,陈静,李娜", a2, "", "2:00:00", "80", "80"],
        [A3, "张伟提交的费用报销", "审批中", "", "2024-03-07 11:00:00", "", "E001", "u1", "张伟",
         "示例公司-销售部-华东", "王芳", a3, "李娜", "", "50", *common[:1]],
    ]


def leave_rows() -> list[list[str]]:
    a4 = rec(("王芳", "u2", "发起人", "2024-03-08 12:00:00", "提交申请", ""),
             ("张伟", "u1", "主管审批", "2024-03-08 13:00:00", "退回", "请补充"),
             ("王芳", "u2", "发起人", "2024-03-08 13:10:00", "提交申请", ""),
             ("张伟", "u1", "主管审批", "2024-03-08 13:20:00", "同意", ""))
    a5 = rec(("张伟", "u1", "发起人", "2024-03-09 13:00:00", "提交申请", ""),
             ("张伟", "u1", "发起人", "2024-03-09 13:05:00", "撤销", ""))
    return [
        [A4, "王芳提交的请假", "已完成", "同意", "2024-03-08 12:00:00", "2024-03-08 13:20:00", "E002", "u2", "王芳",
         "示例公司-销售部", "张伟", a4, "", "1:20:00", "", ""],
        [A5, "张伟提交的请假", "已撤销", "", "2024-03-09 13:00:00", "2024-03-09 13:05:00", "E001", "u1", "张伟",
         "示例公司-销售部-华东", "", a5, "", "", "", ""],
    ]


def write_xlsx(path: Path, sheets: dict[str, tuple[list[str], list[list]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, (headers, rows) in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(headers)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def export(tmp_path: Path, name: str = "approvals.xlsx") -> Path:
    return write_xlsx(tmp_path / name, {"费用报销": (HEADERS, expense_rows()), "请假": (HEADERS, leave_rows()),
                                        "说明": (["备注"], [["本文件由钉钉导出"]])})


def run(paths, options: ImportOptions = SH):
    log = ImportLog()
    return read_dingtalk([Path(p) for p in paths], options, log), log


def by_id(frame: pd.DataFrame) -> dict[str, dict]:
    return frame.set_index("decision_id").to_dict("index")


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# --------------------------------------------------------------------------------------------------
# the approval export
# --------------------------------------------------------------------------------------------------
def test_registered():
    assert get_format("dingtalk").reader is read_dingtalk
    assert set(get_format("dingtalk").produces) == {"people", "decisions"}


def test_export_decisions_hand_computed(tmp_path):
    out, log = run([export(tmp_path)])
    d = by_id(out.decisions)
    # A5 was withdrawn (已撤销): never decided, left out and counted
    assert set(d) == {A1, A2, A3, A4}
    assert "withdrawn by the applicant" in log.text()
    # A1: u2 approves, u3 approves (decides); the copy to u5 is no hop; u2's comment a day after completion
    # moves nothing
    assert d[A1]["initiator_id"] == "u1"
    assert d[A1]["approvers"] == "u2;u3"
    assert d[A1]["decider_id"] == "u3"
    assert d[A1]["raised_at"] == ts("2024-03-05 14:23:00")
    assert d[A1]["decided_at"] == ts("2024-03-06 09:30:00")
    # A2: u2 transfers (a hop) to u6 who approves, u3 rejects and decides
    assert d[A2]["approvers"] == "u2;u6;u3"
    assert d[A2]["decider_id"] == "u3"
    assert d[A2]["decided_at"] == ts("2024-03-06 12:00:00")
    # A3: pending, open: u2 approved, it waits on 李娜 = u3 (the export pairs that name with u3)
    assert d[A3]["approvers"] == "u2"
    assert d[A3]["decider_id"] == "u3"
    assert pd.isna(d[A3]["decided_at"])
    # A4: u1 returns it, u2 submits again, u1 approves: u1 once (consecutive hops of one person)
    assert d[A4]["approvers"] == "u1"
    assert d[A4]["decider_id"] == "u1"
    assert d[A4]["decided_at"] == ts("2024-03-08 13:20:00")


def test_type_from_the_sheet_never_from_the_title(tmp_path):
    out, log = run([export(tmp_path)])
    d = by_id(out.decisions)
    assert [d[i]["decision_type"] for i in (A1, A2, A3, A4)] == ["费用报销", "费用报销", "费用报销", "请假"]
    assert not out.decisions["decision_type"].str.contains("提交的").any()
    assert "the sheet name, because the export holds one sheet per template" in log.text()


def test_type_from_the_template_column(tmp_path):
    headers = HEADERS[:1] + ["审批单名称"] + HEADERS[1:]
    rows = [r[:1] + ["差旅报销"] + r[1:] for r in expense_rows()]
    out, log = run([write_xlsx(tmp_path / "a.xlsx", {"Sheet1": (headers, rows)})])
    assert set(out.decisions["decision_type"]) == {"差旅报销"}
    assert "the template name column 审批单名称" in log.text()


def test_type_from_the_standard_title_without_the_name(tmp_path):
    # a generic sheet and file name and no template column: '<applicant>提交的<template>' minus the applicant
    out, log = run([write_xlsx(tmp_path / "export.xlsx", {"Sheet1": (HEADERS, expense_rows())})])
    assert set(out.decisions["decision_type"]) == {"费用报销"}
    assert "with the applicant's name removed" in log.text()


def test_detail_rows_and_repeats_read_once(tmp_path):
    rows = expense_rows()
    # a merged-cell continuation row: every approval cell blank, only the detail column filled
    rows.insert(2, [""] * 15 + ["50"])
    out, log = run([write_xlsx(tmp_path / "a.xlsx", {"费用报销": (HEADERS, rows)})])
    assert sorted(out.decisions["decision_id"]) == [A1, A2, A3]
    assert "1 rows repeat an approval" in log.text()
    assert "1 rows continue a detail sub-table" in log.text()


def test_people_derived_from_the_export(tmp_path):
    out, log = run([export(tmp_path)])
    people = out.people.set_index("employee_id")
    # applicants only (u1, u2, u4), their latest 发起人部门 with the company level dropped
    assert sorted(people.index) == ["u1", "u2", "u4"]
    assert people.loc["u1", "department"] == "销售部 / 华东"
    assert people.loc["u4", "department"] == "财务部"
    assert "approvers never applied" in log.text()
    assert out.settings == {"language": "zh"}


def test_no_department_means_decisions_only(tmp_path):
    headers = [h for h in HEADERS if h != "发起人部门"]
    rows = [r[:9] + r[10:] for r in expense_rows()]
    out, log = run([write_xlsx(tmp_path / "a.xlsx", {"费用报销": (headers, rows)})])
    assert out.people is None
    assert len(out.decisions) == 3
    assert "People must come from the DingTalk user list (JSON) or --directory" in log.text()


def test_identified_by_job_number_when_userid_is_incomplete(tmp_path):
    rows = expense_rows() + leave_rows()
    rows[3][7] = ""  # A3's 发起人UserID blank: the UserID column is incomplete, 工号 complete
    out, log = run([write_xlsx(tmp_path / "a.xlsx", {"审批": (HEADERS[:1] + ["审批单名称"] + HEADERS[1:],
                                                           [r[:1] + ["报销"] + r[1:] for r in rows])})])
    d = by_id(out.decisions)
    assert "identified by 工号" in log.text()
    # pairs UserID -> 工号 come from applications: u1 -> E001, u2 -> E002, u4 -> E004. u3 and u6 never applied,
    # so A1 (u3 approved) and A2 (u6, u3) cannot be attributed: dropped, counted, never a wrong decider
    assert set(d) == {A3, A4}
    assert "dropped 2 approvals: an approver's UserID is paired with no 工号" in log.text()
    # A4: applicant u2 = E002; u1 = E001 returns then approves
    assert d[A4]["initiator_id"] == "E002"
    assert d[A4]["approvers"] == "E001" and d[A4]["decider_id"] == "E001"
    # A3: pending; it waits on 李娜 (u3, no 工号): the last person who acted, E002
    assert d[A3]["initiator_id"] == "E001" and d[A3]["decider_id"] == "E002"
    assert pd.isna(d[A3]["decided_at"])


def test_identified_by_userid_consistently(tmp_path):
    out, log = run([export(tmp_path)])
    assert "identified by DingTalk UserID" in log.text()
    ids = set(out.decisions["initiator_id"]) | set(out.decisions["decider_id"])
    assert ids <= {"u1", "u2", "u3", "u4", "u6"}


def test_log_holds_no_names_and_no_comments(tmp_path):
    _, log = run([export(tmp_path)])
    text = log.text()
    for word in ("张伟", "王芳", "李娜", "刘洋", "陈静", "赵敏", "请财务尽快", "票据不全", "补充说明"):
        assert word not in text


def test_records_with_separators_inside_comments():
    cell = ("张伟|u1|发起人|2024-03-05 14:23:00|提交申请|;王芳|u2|主管审批|2024-03-05 15:00:00|同意|a;b|c\n"
            "d;李娜|u3|财务审批|2024-03-06 09:30|拒绝|")
    r = parse_records(pd.Series([cell]))
    assert r["uid"].tolist() == ["u1", "u2", "u3"]
    assert r["word"].tolist() == ["提交申请", "同意", "拒绝"]
    assert r["at"].tolist() == ["2024-03-05 14:23:00", "2024-03-05 15:00:00", "2024-03-06 09:30"]
    assert "a;b" not in " ".join(r.astype(str).values.ravel())


def test_since_until(tmp_path):
    opts = ImportOptions(timezone="Asia/Shanghai", since=pd.Timestamp("2024-03-06").to_pydatetime())
    out, log = run([export(tmp_path)], opts)
    assert sorted(out.decisions["decision_id"]) == [A2, A3, A4]


# --------------------------------------------------------------------------------------------------
# 21-digit approval numbers
# --------------------------------------------------------------------------------------------------
def test_ids_read_whole_as_text(tmp_path):
    out, _ = run([export(tmp_path)])
    assert all(len(i) == 21 for i in out.decisions["decision_id"])
    assert A1 in set(out.decisions["decision_id"])


def test_ids_stored_as_numbers_are_refused(tmp_path):
    rows = expense_rows()
    for r in rows:
        r[0] = int(r[0])  # a number cell: the workbook keeps a float, the last digits are lost
    path = write_xlsx(tmp_path / "saved.xlsx", {"费用报销": (HEADERS, rows)})
    with pytest.raises(ExportFormatError) as err:
        run([path])
    msg = str(err.value)
    assert "saved.xlsx" in msg and "审批编号 as text" in msg and "stored as numbers" in msg
    # the escape hatch imports them with a warning in the log
    out, log = run([path], ImportOptions(timezone="Asia/Shanghai", extra={"ids_as_numbers": "true"}))
    assert "WARNING" in log.text() and len(out.decisions) == 3


def test_ids_in_scientific_notation_are_refused(tmp_path):
    rows = expense_rows()
    rows[0][0] = rows[1][0] = "2.02403E+20"
    frame = pd.DataFrame(rows, columns=HEADERS)
    path = tmp_path / "a.csv"
    frame.to_csv(path, index=False, encoding="gb18030")
    with pytest.raises(ExportFormatError, match="scientific notation"):
        run([path])


# --------------------------------------------------------------------------------------------------
# CSV saved from the workbook, in Chinese encodings
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding,sep", [("gb18030", ","), ("utf-16", "\t"), ("utf-8-sig", ",")])
def test_csv_variants_give_the_same_decisions(tmp_path, encoding, sep):
    xlsx, _ = run([write_xlsx(tmp_path / "费用报销.xlsx", {"费用报销": (HEADERS, expense_rows())})])
    path = tmp_path / "费用报销.csv"
    pd.DataFrame(expense_rows(), columns=HEADERS).to_csv(path, index=False, encoding=encoding, sep=sep)
    out, log = run([path])
    pd.testing.assert_frame_equal(out.decisions, xlsx.decisions)
    assert "encoding" in log.text()


# --------------------------------------------------------------------------------------------------
# the open API JSON
# --------------------------------------------------------------------------------------------------
def users_json() -> dict:
    # topapi/v2/user/list: result.list
    return {"errcode": 0, "errmsg": "ok", "result": {"has_more": False, "list": [
        {"userid": "u1", "name": "张伟", "job_number": "E001", "title": "销售经理", "dept_id_list": [11],
         "manager_userid": "u2", "hired_date": 1546300800000, "mobile": "13800000001", "active": True},
        {"userid": "u2", "name": "王芳", "job_number": "E002", "title": "销售总监", "dept_id_list": [10, 20],
         "hired_date": 1514764800000, "active": True},
        {"userid": "u3", "name": "李娜", "job_number": "E003", "title": "会计", "dept_id_list": [20],
         "manager_userid": "u2", "active": False},
        {"userid": "u4", "name": "刘洋", "job_number": "E004", "title": "出纳", "dept_id_list": [20, 11],
         "main_dept_id": 11, "manager_userid": "u3"},
        {"userid": "u6", "name": "陈静", "job_number": "E006", "dept_id_list": [10], "manager_userid": "u2"},
        {"userid": "u9", "name": "周杰", "job_number": "E009", "dept_id_list": [10], "manager_userid": "u2"},
    ]}}


def depts_json() -> dict:
    # topapi/v2/department/listsub
    return {"errcode": 0, "result": [{"dept_id": 1, "name": "示例公司", "parent_id": 0},
                                     {"dept_id": 10, "name": "销售部", "parent_id": 1},
                                     {"dept_id": 11, "name": "华东", "parent_id": 10},
                                     {"dept_id": 20, "name": "财务部", "parent_id": 1}]}


def dimission_json() -> dict:
    # smartwork/hrm/employee/querydimission
    return {"errcode": 0, "result": {"data_list": ["u9"], "next_cursor": None}}


def old_instances() -> list:
    # topapi/processinstance/get responses saved as a list, with the template they were listed under
    return [
        {"errcode": 0, "process_instance_id": "pi-1", "process_code": "PROC-EXP", "process_instance": {
            "title": "张伟提交的费用报销", "create_time": "2024-03-05 14:23:00", "finish_time": "2024-03-06 09:30:00",
            "originator_userid": "u1", "originator_dept_id": "11", "status": "COMPLETED", "result": "agree",
            "business_id": A1,
            "operation_records": [
                {"userid": "u1", "date": "2024-03-05 14:23:00", "operation_type": "START_PROCESS_INSTANCE",
                 "operation_result": "NONE"},
                {"userid": "u2", "date": "2024-03-05 15:00:00", "operation_type": "EXECUTE_TASK_NORMAL",
                 "operation_result": "AGREE", "remark": "同意"},
                {"userid": "u3", "date": "2024-03-06 09:30:00", "operation_type": "EXECUTE_TASK_NORMAL",
                 "operation_result": "AGREE"},
                {"userid": "u6", "date": "2024-03-06 09:30:01", "operation_type": "PROCESS_CC",
                 "operation_result": "NONE"},
                {"userid": "u2", "date": "2024-03-07 10:00:00", "operation_type": "ADD_REMARK",
                 "operation_result": "NONE", "remark": "补充说明"}],
            "tasks": [{"userid": "u2", "task_status": "COMPLETED", "task_result": "AGREE"},
                      {"userid": "u3", "task_status": "COMPLETED", "task_result": "AGREE"}]}},
        {"errcode": 0, "process_code": "PROC-EXP", "process_instance": {
            "title": "刘洋提交的费用报销", "create_time": "2024-03-07 11:00:00", "finish_time": "",
            "originator_userid": "u4", "status": "RUNNING", "business_id": A3,
            "operation_records": [
                {"userid": "u4", "date": "2024-03-07 11:00:00", "operation_type": "START_PROCESS_INSTANCE",
                 "operation_result": "NONE"},
                {"userid": "u2", "date": "2024-03-07 11:30:00", "operation_type": "REDIRECT_TASK",
                 "operation_result": "NONE"}],
            "tasks": [{"userid": "u2", "task_status": "CANCELED", "task_result": "REDIRECTED"},
                      {"userid": "u6", "task_status": "RUNNING", "task_result": "NONE"}]}},
        {"errcode": 0, "process_code": "PROC-EXP", "process_instance": {
            "title": "张伟提交的费用报销", "create_time": "2024-03-09 13:00:00", "finish_time": "2024-03-09 13:05:00",
            "originator_userid": "u1", "status": "TERMINATED", "business_id": A5,
            "operation_records": [
                {"userid": "u1", "date": "2024-03-09 13:00:00", "operation_type": "START_PROCESS_INSTANCE"},
                {"userid": "u1", "date": "2024-03-09 13:05:00", "operation_type": "TERMINATE_PROCESS_INSTANCE"}],
            "tasks": []}},
    ]


def templates_json() -> dict:
    return {"errcode": 0, "result": {"process_list": [{"process_code": "PROC-EXP", "name": "费用报销"}]}}


def v1_instance() -> dict:
    # /v1.0/workflow/processInstances: result, camelCase, UTC times
    return {"success": True, "processInstanceId": "pi-9", "processCode": "PROC-EXP", "result": {
        "title": "刘洋提交的费用报销", "createTime": "2024-03-06T02:00Z", "finishTime": "2024-03-06T04:00Z",
        "originatorUserId": "u4", "originatorDeptId": "20", "status": "COMPLETED", "result": "refuse",
        "businessId": A2,
        "operationRecords": [
            {"userId": "u4", "date": "2024-03-06T02:00Z", "type": "START_PROCESS_INSTANCE", "result": "NONE",
             "showName": "发起人"},
            {"userId": "u2", "date": "2024-03-06T02:30Z", "type": "REDIRECT_TASK", "result": "NONE",
             "showName": "主管审批"},
            {"userId": "u6", "date": "2024-03-06T03:00Z", "type": "EXECUTE_TASK_NORMAL", "result": "AGREE",
             "showName": "主管审批"},
            {"userId": "u3", "date": "2024-03-06T04:00Z", "type": "EXECUTE_TASK_NORMAL", "result": "REFUSE",
             "showName": "财务审批", "remark": "票据不全"}],
        "tasks": [{"userId": "u6", "status": "COMPLETED", "result": "AGREE", "activityId": "act1"},
                  {"userId": "u3", "status": "COMPLETED", "result": "REFUSE", "activityId": "act2"}]}}


def dump(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def api_files(tmp_path: Path) -> list[Path]:
    return [dump(tmp_path / "users.json", users_json()), dump(tmp_path / "depts.json", depts_json()),
            dump(tmp_path / "gone.json", dimission_json()), dump(tmp_path / "templates.json", templates_json()),
            dump(tmp_path / "instances.json", old_instances()), dump(tmp_path / "v1.json", v1_instance())]


def test_api_people(tmp_path):
    out, log = run(api_files(tmp_path))
    p = out.people.set_index("employee_id")
    # job_number complete and unique -> employee ids; u9 resigned (querydimission) -> left out, counted
    assert sorted(p.index) == ["E001", "E002", "E003", "E004", "E006"]
    assert "dropped 1 people: marked as resigned" in log.text()
    # departments by path below the company; u2 in 10 and 20, no flag: the first listed, the other kept
    assert p.loc["E001", "department"] == "销售部 / 华东"
    assert p.loc["E002", "department"] == "销售部"
    assert p.loc["E002", "other_departments"] == "财务部"
    # u4 lists 20 first but main_dept_id is 11
    assert p.loc["E004", "department"] == "销售部 / 华东"
    assert p.loc["E004", "other_departments"] == "财务部"
    # manager_userid -> the manager's employee id
    assert p.loc["E001", "manager_id"] == "E002"
    assert p.loc["E004", "manager_id"] == "E003"
    # hired_date epoch ms (UTC) -> the client's day: 2019-01-01 00:00 UTC is 08:00 in Shanghai
    assert p.loc["E001", "hire_date"] == ts("2019-01-01")
    # active false is "not yet activated", not resigned
    assert "E003" in p.index


def test_api_decisions_old_and_v1(tmp_path):
    out, log = run(api_files(tmp_path))
    d = by_id(out.decisions)
    # A5: terminated by its own applicant -> withdrawn, dropped
    assert set(d) == {A1, A2, A3}
    # A1 (old shape, local times): cc not a hop, late comment ignored; employee ids via the directory
    assert d[A1]["decision_type"] == "费用报销"  # from the template list, not the title
    assert d[A1]["initiator_id"] == "E001"
    assert d[A1]["approvers"] == "E002;E003"
    assert d[A1]["decider_id"] == "E003"
    assert d[A1]["decided_at"] == ts("2024-03-06 09:30:00")
    # A2 (v1.0 shape, UTC): 02:00Z is 10:00 in Shanghai; transfer by u2 is a hop; u3 refuses at 12:00
    assert d[A2]["raised_at"] == ts("2024-03-06 10:00:00")
    assert d[A2]["decided_at"] == ts("2024-03-06 12:00:00")
    assert d[A2]["approvers"] == "E002;E006;E003"
    assert d[A2]["decider_id"] == "E003"
    assert d[A2]["decision_type"] == "费用报销"
    # A3: running, waits on u6 (the running task) -> open decision
    assert d[A3]["decider_id"] == "E006"
    assert d[A3]["approvers"] == "E002"
    assert pd.isna(d[A3]["decided_at"])
    assert "ISO 8601 with a zone, converted" in log.text()
    for word in ("张伟", "补充说明", "票据不全"):
        assert word not in log.text()


def test_export_with_api_users_as_directory(tmp_path):
    users = dump(tmp_path / "users.json", users_json())
    depts = dump(tmp_path / "depts.json", depts_json())
    out, log = run([export(tmp_path), users, depts])
    d = by_id(out.decisions)
    assert d[A1]["initiator_id"] == "E001" and d[A1]["approvers"] == "E002;E003"
    assert d[A3]["decider_id"] == "E003"
    assert "E001" in set(out.people["employee_id"])


def test_directory_option_reads_user_json(tmp_path):
    users = dump(tmp_path / "users.json", users_json())
    opts = ImportOptions(timezone="Asia/Shanghai", directory=(users,))
    out, _ = run([export(tmp_path)], opts)
    assert by_id(out.decisions)[A2]["approvers"] == "E002;E006;E003"
    # the people of the directory are the folder's people (the writer does not read a JSON directory itself)
    result = import_client("dingtalk", [export(tmp_path)], tmp_path / "client", opts)
    assert result.counts == {"people": 6, "decisions": 4}  # u9 too: no resigned-members file given here


def test_instances_without_template_are_typed_by_code(tmp_path):
    out, log = run([dump(tmp_path / "i.json", old_instances())])
    assert set(out.decisions["decision_type"]) == {"PROC-EXP"}
    assert "typed by their template code" in log.text()
    assert "decisions name people by their DingTalk userid" in log.text()


# --------------------------------------------------------------------------------------------------
# bad exports
# --------------------------------------------------------------------------------------------------
def test_html_page_saved_as_xlsx(tmp_path):
    path = tmp_path / "审批导出.xlsx"
    path.write_text("<!DOCTYPE html><html><head><title>登录</title></head><body>请登录</body></html>",
                    encoding="utf-8")
    with pytest.raises(ExportFormatError) as err:
        run([path])
    assert "审批导出.xlsx" in str(err.value) and "web page" in str(err.value)
    assert "DingTalk approval export" in str(err.value)


def test_workbook_without_approval_columns(tmp_path):
    path = write_xlsx(tmp_path / "x.xlsx", {"Sheet1": (["姓名", "工号", "部门"], [["张伟", "E001", "销售部"]])})
    with pytest.raises(ExportFormatError) as err:
        run([path])
    msg = str(err.value)
    assert "x.xlsx" in msg and "审批编号" in msg and "the columns" in msg and "--directory" in msg


def test_truncated_json(tmp_path):
    text = json.dumps(users_json(), ensure_ascii=False)
    path = tmp_path / "users.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ExportFormatError) as err:
        run([path])
    assert "users.json" in str(err.value) and "found JSON that" in str(err.value)
    # cut after a complete value: said to be cut off
    (tmp_path / "cut.json").write_text(text[: text.index('"list"')], encoding="utf-8")
    with pytest.raises(ExportFormatError, match="truncated"):
        run([tmp_path / "cut.json"])


def test_unknown_json(tmp_path):
    path = dump(tmp_path / "x.json", [{"foo": 1, "bar": 2}])
    with pytest.raises(ExportFormatError, match="the keys bar, foo"):
        run([path])


def test_api_error_response(tmp_path):
    path = dump(tmp_path / "x.json", {"errcode": 88, "errmsg": "ding talk error"})
    with pytest.raises(ExportFormatError, match="errcode 88"):
        run([path])


def test_approval_export_given_as_directory(tmp_path):
    opts = ImportOptions(timezone="Asia/Shanghai", directory=(export(tmp_path, "people.xlsx"),))
    with pytest.raises(ExportFormatError) as err:
        run([export(tmp_path)], opts)
    msg = str(err.value)
    assert "people.xlsx" in msg and "DingTalk users" in msg and "approval export" in msg


def test_instances_given_as_directory(tmp_path):
    opts = ImportOptions(timezone="Asia/Shanghai", directory=(dump(tmp_path / "u.json", old_instances()),))
    with pytest.raises(ExportFormatError, match="found DingTalk approval instances"):
        run([export(tmp_path)], opts)


def test_names_only_records_need_a_directory(tmp_path):
    headers = [h if h != "审批记录(含处理人UserID)" else "审批记录" for h in HEADERS]
    rows = expense_rows()
    for r in rows:
        r[11] = r[11].replace("|u1|", "|").replace("|u2|", "|").replace("|u3|", "|").replace(
            "|u4|", "|").replace("|u5|", "|").replace("|u6|", "|")
    path = write_xlsx(tmp_path / "a.xlsx", {"费用报销": (headers, rows)})
    with pytest.raises(ExportFormatError, match="name people by name only"):
        run([path])
    # with the user list, names are looked up (each unique here)
    out, _ = run([path, dump(tmp_path / "users.json", users_json())])
    assert by_id(out.decisions)[A1]["approvers"] == "E002;E003"


# --------------------------------------------------------------------------------------------------
# end to end: the tables load as a client folder
# --------------------------------------------------------------------------------------------------
def test_import_client_writes_a_valid_folder(tmp_path):
    (tmp_path / "src").mkdir()
    files = api_files(tmp_path / "src")
    result = import_client("dingtalk", files, tmp_path / "client", SH)
    assert result.counts == {"people": 5, "decisions": 3}
    decisions = pd.read_csv(tmp_path / "client" / "decisions.csv", dtype=str, keep_default_na=False)
    assert decisions["decision_id"].tolist() == [A1, A2, A3]  # 21 digits, whole
    assert decisions.loc[2, "decided_at"] == ""  # the open decision
    people = (tmp_path / "client" / "people.csv").read_text(encoding="utf-8-sig")
    assert "张伟" not in people and "13800000001" not in people  # names and phones left out
    assert "language: zh" in (tmp_path / "client" / "client.yml").read_text(encoding="utf-8")
    # the same import twice gives the same folder
    first = {p.name: p.read_bytes() for p in (tmp_path / "client").iterdir() if p.is_file()}
    import_client("dingtalk", files, tmp_path / "client", SH)
    assert {p.name: p.read_bytes() for p in (tmp_path / "client").iterdir() if p.is_file()} == first


def test_an_approval_in_the_export_and_the_api_is_read_once(tmp_path):
    both, log = run([export(tmp_path), dump(tmp_path / "i.json", old_instances())])
    alone, _ = run([export(tmp_path)])
    # A1, A3 and A5 are in both: read from the export only, so their approvers are not doubled
    pd.testing.assert_frame_equal(both.decisions, alone.decisions)
    assert "3 approvals appear in more than one file or sheet" in log.text()


def test_approval_export_as_directory_writes_nothing(tmp_path):
    opts = ImportOptions(timezone="Asia/Shanghai", directory=(export(tmp_path, "people.xlsx"),))
    with pytest.raises(ExportFormatError):
        import_client("dingtalk", [export(tmp_path)], tmp_path / "client", opts)
    assert not (tmp_path / "client").exists()


def test_address_book_as_directory(tmp_path):
    # the DingTalk address book export (通讯录导出), saved as CSV in GB18030
    book = tmp_path / "通讯录.csv"
    pd.DataFrame({"姓名": ["张伟", "王芳", "李娜", "刘洋", "陈静"], "工号": ["E001", "E002", "E003", "E004", "E006"],
                  "UserId": ["u1", "u2", "u3", "u4", "u6"], "部门": ["销售部", "销售部", "财务部", "财务部", "销售部"],
                  "职位": ["经理", "总监", "会计", "出纳", "主管"]}).to_csv(book, index=False, encoding="gb18030")
    out, log = run([export(tmp_path)], ImportOptions(timezone="Asia/Shanghai", directory=(book,)))
    d = by_id(out.decisions)
    assert d[A2]["initiator_id"] == "E004" and d[A2]["approvers"] == "E002;E006;E003"
    assert d[A3]["decider_id"] == "E003"  # 当前处理人姓名 李娜, unique in the directory
    assert sorted(out.people["employee_id"]) == ["E001", "E002", "E003", "E004", "E006"]


def test_terminated_by_an_administrator_is_not_withdrawn(tmp_path):
    inst = old_instances()[2]
    inst["process_instance"]["operation_records"][1]["userid"] = "u2"  # someone else terminated it
    inst["process_instance"]["operation_records"].insert(1, {
        "userid": "u3", "date": "2024-03-09 13:02:00", "operation_type": "EXECUTE_TASK_NORMAL",
        "operation_result": "AGREE"})
    out, log = run([dump(tmp_path / "i.json", [inst])])
    d = by_id(out.decisions)
    # kept (not withdrawn): u3's approval is its last approve; decided when DingTalk closed it
    assert d[A5]["decider_id"] == "u3" and d[A5]["approvers"] == "u3"
    assert d[A5]["decided_at"] == ts("2024-03-09 13:05:00")


def test_type_from_the_file_name_when_titles_are_custom(tmp_path):
    rows = expense_rows()
    for r in rows:
        r[1] = "报销单 " + r[0][-4:]  # a custom title formula: not '<applicant>提交的<template>'
    out, log = run([write_xlsx(tmp_path / "差旅报销_20240305.xlsx", {"Sheet1": (HEADERS, rows)})])
    assert set(out.decisions["decision_type"]) == {"差旅报销"}
    assert "the file name without its date" in log.text()
    # a generic file name too: nothing names the type, and the title is still not used
    out, log = run([write_xlsx(tmp_path / "export.xlsx", {"Sheet1": (HEADERS, rows)})])
    assert set(out.decisions["decision_type"]) == {"unnamed form"}


def test_single_user_get_responses(tmp_path):
    # topapi/v2/user/get, one response per file; the older shape lists departments under "department"
    files = [dump(tmp_path / f"user_{u['userid']}.json", {"errcode": 0, "errmsg": "ok", "result": u})
             for u in users_json()["result"]["list"]]
    old = dict(users_json()["result"]["list"][0])
    old["department"] = old.pop("dept_id_list")
    files[0] = dump(tmp_path / "user_u1.json", {"errcode": 0, "result": old})
    # the user list as well: every user twice
    out, log = run(files + [dump(tmp_path / "d.json", depts_json()), dump(tmp_path / "all.json", users_json())])
    p = out.people.set_index("employee_id")
    assert len(p) == 6 and p.loc["E001", "department"] == "销售部 / 华东"
    assert "6 user records repeat a member" in log.text() and "job_number (工号): every user has one" in log.text()


def test_header_below_a_title_line(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "费用报销"
    ws.append(["审批数据导出 2024-03-01 至 2024-03-31"])
    ws.append(HEADERS)
    for r in expense_rows():
        ws.append(r)
    wb.save(tmp_path / "a.xlsx")
    out, log = run([tmp_path / "a.xlsx"])
    assert sorted(out.decisions["decision_id"]) == [A1, A2, A3]
    assert "the header is on row 2, below a title line" in log.text()


def test_set_sheet_and_template(tmp_path):
    path = export(tmp_path)
    out, log = run([path], ImportOptions(timezone="Asia/Shanghai", extra={"sheet": "请假"}))
    assert out.decisions["decision_id"].tolist() == [A4]
    with pytest.raises(ExportFormatError, match="a sheet named '年假'"):
        run([path], ImportOptions(timezone="Asia/Shanghai", extra={"sheet": "年假"}))
    generic = write_xlsx(tmp_path / "export.xlsx", {"Sheet1": (HEADERS, expense_rows())})
    out, log = run([generic], ImportOptions(timezone="Asia/Shanghai", extra={"template": "差旅报销"}))
    assert set(out.decisions["decision_type"]) == {"差旅报销"}


def test_a_list_of_ids_is_not_the_instances(tmp_path):
    path = dump(tmp_path / "ids.json", {"errcode": 0, "result": {"list": ["pi-1", "pi-2"], "next_cursor": 2}})
    with pytest.raises(ExportFormatError, match="a list of ids only"):
        run([path])


def test_derived_department_is_the_latest_application(tmp_path):
    expense, leave = expense_rows(), leave_rows()
    for r in expense[:2]:
        r[4] = "2024/3/5 14:23"  # as Excel rewrites a date: later than '2024-03-09...' as text, earlier as a time
    leave[1][9] = "示例公司-销售部-华南"  # A5, u1's latest application (withdrawn, but it still says where u1 is)
    out, log = run([write_xlsx(tmp_path / "a.xlsx", {"费用报销": (HEADERS, expense), "请假": (HEADERS, leave)})])
    assert out.people.set_index("employee_id").loc["u1", "department"] == "销售部 / 华南"
    assert by_id(out.decisions)[A1]["raised_at"] == ts("2024-03-05 14:23:00")
