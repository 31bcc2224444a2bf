"""Jiandaoyun (简道云) open API JSON: address book -> people, flow records and approval logs -> decisions.

The fixtures follow the layout of the open API's responses (corp/department/list, corp/department/user/list,
app/entry/data/list, workflow/instance/get, workflow/instance/logs, approval_comments, app/entry/list); the
people and forms are invented.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from orgkit.errors import ExportFormatError
from orgkit.importers import ImportOptions, import_client, read_export

T = pd.Timestamp
SH = ImportOptions(timezone="Asia/Shanghai")

DEPARTMENTS = {"departments": [
    {"dept_no": 1, "name": "星河科技", "parent_no": None, "type": 0, "status": 1},
    {"dept_no": 2, "name": "销售部", "parent_no": 1, "type": 0, "status": 1},
    {"dept_no": 3, "name": "华东区", "parent_no": 2, "type": 0, "status": 1},
    {"dept_no": 4, "name": "研发部", "parent_no": 1, "type": 0, "status": 1},
    {"dept_no": 5, "name": "测试组", "parent_no": 4, "type": 0, "status": 1},
]}
MEMBERS = {"users": [
    {"username": "zhangwei", "name": "张伟", "departments": [1], "type": 0, "status": 1, "integrate_id": "dt-01"},
    {"username": "wangfang", "name": "王芳", "departments": [2], "type": 0, "status": 1, "integrate_id": "dt-02"},
    {"username": "lina", "name": "李娜", "departments": [3], "type": 0, "status": 1, "integrate_id": "dt-03"},
    {"username": "liuyang", "name": "刘洋", "departments": [3], "type": 0, "status": 1, "integrate_id": "dt-04"},
    {"username": "chenjing", "name": "陈静", "departments": [4], "type": 0, "status": 1, "integrate_id": "dt-05"},
    {"username": "yangli", "name": "杨丽", "departments": [5, 3], "type": 0, "status": 1, "integrate_id": "dt-06"},
    {"username": "zhaolei", "name": "赵磊", "departments": [4], "type": 0, "status": 1, "integrate_id": "dt-07"},
    {"username": "partner01", "name": "外部对接人", "departments": [9001], "type": 2, "status": 1},
    {"username": "gone01", "name": "周杰", "departments": [4], "type": 0, "status": -1, "integrate_id": "dt-08"},
]}


def _user(username: str, name: str = "") -> dict:
    return {"username": username, "name": name or username, "status": 1, "type": 0}


ID = "65e6a1b2c3d4e5f6a7b8c9d"
DATA = {"data": [
    {   # completed: submitted, transferred, approved, copied
        "_id": ID + "1", "appId": "app1", "entryId": "leave", "creator": _user("lina"),
        "createTime": "2024-03-05T01:00:00.000Z", "updateTime": "2024-03-05T03:00:00.000Z", "flowState": 1,
        "_widget_1700000000001": "家中有事",
        "logs": [
            {"flow_id": 0, "flow_name": "发起", "operator": _user("lina"), "create_time": "2024-03-05T01:00:00.000Z",
             "create_action": "forward", "finish_time": "2024-03-05T01:00:05.000Z", "finish_action": "forward"},
            {"flow_id": 1, "flow_name": "主管审批", "operator": _user("wangfang"),
             "create_time": "2024-03-05T01:00:05.000Z", "finish_time": "2024-03-05T02:00:00.000Z",
             "finish_action": "transfer"},
            {"flow_id": 1, "flow_name": "主管审批", "operator": _user("zhaolei"),
             "create_time": "2024-03-05T02:00:00.000Z", "finish_time": "2024-03-05T03:00:00.000Z",
             "finish_action": "forward"},
            {"flow_id": 2, "flow_name": "抄送人事", "operator": _user("chenjing"),
             "create_time": "2024-03-05T03:00:00.000Z", "finish_time": "2024-03-05T03:00:00.000Z",
             "finish_action": "cc"},
        ]},
    {   # in progress: waits on wangfang
        "_id": ID + "2", "entryId": "leave", "creator": _user("liuyang"), "createTime": "2024-03-06T02:00:00.000Z",
        "updateTime": "2024-03-06T02:00:00.000Z", "flowState": 0,
        "logs": [
            {"flow_id": 0, "flow_name": "发起", "operator": _user("liuyang"), "create_time": "2024-03-06T02:00:00.000Z",
             "finish_time": "2024-03-06T02:00:01.000Z", "finish_action": "forward"},
            {"flow_id": 1, "flow_name": "主管审批", "operator": _user("wangfang"),
             "create_time": "2024-03-06T02:00:01.000Z", "finish_time": None, "finish_action": None},
        ]},
    {   # ended by hand (结束) by chenjing
        "_id": ID + "3", "entryId": "leave", "creator": _user("zhaolei"), "createTime": "2024-03-07T00:30:00.000Z",
        "updateTime": "2024-03-07T05:00:00.000Z", "flowState": 2,
        "approveCommentList": [
            {"operator": _user("zhaolei"), "flowAction": "forward", "flowNodeName": "发起",
             "comment": "", "create_time": "2024-03-07T00:30:00.000Z"},
            {"operator": _user("chenjing"), "flowAction": "close", "flowNodeName": "主管审批",
             "comment": "不符合规定", "create_time": "2024-03-07T05:00:00.000Z"},
        ]},
    {   # completed; its approval comments come in a separate file keyed by the instance id
        "_id": ID + "5", "entryId": "leave", "creator": _user("yangli"), "createTime": "2024-03-08T01:00:00.000Z",
        "updateTime": "2024-03-08T02:00:00.000Z", "flowState": 1},
    {   # a plain form record (no flow): not a decision
        "_id": "65e6a1b2c3d4e5f6a7b8c999", "entryId": "roster", "creator": _user("zhangwei"),
        "createTime": "2024-01-01T00:00:00.000Z"},
]}
INSTANCE = {   # workflow/instance/get (v6): returned, resubmitted, then rejected
    "app_id": "app1", "form_id": "expense", "form_title": "费用报销", "instance_id": ID + "4",
    "status": 1, "result": "reject", "creator": _user("yangli"),
    "create_time": "2024-03-10T01:00:00.000Z", "finish_time": "2024-03-10T08:00:00.000Z",
    "tasks": [
        {"task_id": "t1", "flow_id": 0, "flow_name": "发起", "assignee": _user("yangli"),
         "create_time": "2024-03-10T01:00:00.000Z", "finish_time": "2024-03-10T01:00:00.000Z",
         "status": 1, "create_action": "forward", "finish_action": "forward"},
        {"task_id": "t2", "flow_id": 3, "flow_name": "财务审批", "assignee": _user("zhangwei"),
         "create_time": "2024-03-10T01:00:00.000Z", "finish_time": "2024-03-10T02:00:00.000Z",
         "status": 1, "finish_action": "back"},
        {"task_id": "t3", "flow_id": 0, "flow_name": "发起", "assignee": _user("yangli"),
         "create_time": "2024-03-10T02:00:00.000Z", "finish_time": "2024-03-10T03:00:00.000Z",
         "status": 1, "finish_action": "forward"},
        {"task_id": "t4", "flow_id": 3, "flow_name": "财务审批", "assignee": _user("zhangwei"),
         "create_time": "2024-03-10T03:00:00.000Z", "finish_time": "2024-03-10T08:00:00.000Z",
         "status": 1, "finish_action": "reject"},
    ]}
COMMENTS = {ID + "5": {"approveCommentList": [
    {"operator": _user("yangli"), "flowAction": "forward", "flowNodeName": "发起", "comment": "",
     "create_time": "2024-03-08T01:00:00.000Z"},
    {"operator": _user("chenjing"), "flowAction": "forward", "flowNodeName": "主管审批", "comment": "同意",
     "create_time": "2024-03-08T02:00:00.000Z"},
]}}
FORMS = {"forms": [{"app_id": "app1", "entry_id": "leave", "name": "请假申请"},
                   {"app_id": "app1", "entry_id": "roster", "name": "员工档案"}]}


def _write(folder: Path, **files) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, payload in files.items():
        p = folder / f"{name}.json"
        p.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        out.append(p)
    return out


@pytest.fixture()
def export(tmp_path):
    return _write(tmp_path / "jdy", departments=DEPARTMENTS, members=MEMBERS, data=DATA, instance=INSTANCE,
                  comments=COMMENTS, forms=FORMS)


def test_people_from_members_and_departments(export):
    imported = read_export("jiandaoyun", export, SH)
    p = imported.people.set_index("employee_id")
    assert sorted(p.index) == sorted(["zhangwei", "wangfang", "lina", "liuyang", "chenjing", "yangli", "zhaolei"])
    assert p.loc["zhangwei", "department"] == "星河科技"            # only in the root department
    assert p.loc["wangfang", "department"] == "销售部"
    assert p.loc["lina", "department"] == "销售部 / 华东区"           # the path below the company
    assert p.loc["yangli", "department"] == "研发部 / 测试组"          # the first listed is the primary
    assert p.loc["yangli", "other_departments"] == "销售部 / 华东区"
    text = imported.log.text()
    assert "dropped 1 members: external contacts" in text and "dropped 1 people: marked as resigned" in text
    assert "managers: none in the export" in text
    assert imported.settings["language"] == "zh"
    for name in ("张伟", "王芳", "李娜", "外部对接人"):
        assert name not in text


def test_department_level(export):
    people = read_export("jiandaoyun", export, ImportOptions(department_level=1)).people.set_index("employee_id")
    assert people.loc["lina", "department"] == "销售部"
    assert people.loc["yangli", "department"] == "研发部" and people.loc["yangli", "other_departments"] == "销售部"


def test_decisions_rules(export):
    d = read_export("jiandaoyun", export, SH).decisions.set_index("decision_id")
    assert sorted(d.index) == [ID + "1", ID + "2", ID + "3", ID + "4", ID + "5"]   # the plain record is no decision
    one = d.loc[ID + "1"]
    assert one["decision_type"] == "请假申请"                                     # from app/entry/list
    assert one["initiator_id"] == "lina"
    assert one["approvers"] == "wangfang;zhaolei"                               # transfer + approve; cc is no hop
    assert one["decider_id"] == "zhaolei"
    assert one["raised_at"] == T("2024-03-05 09:00:00")                         # 01:00Z in Shanghai
    assert one["decided_at"] == T("2024-03-05 11:00:00")                        # the last approval (03:00Z)
    two = d.loc[ID + "2"]
    assert pd.isna(two["decided_at"]) and two["decider_id"] == "wangfang"       # open, waits on wangfang
    three = d.loc[ID + "3"]
    assert three["decider_id"] == "chenjing" and three["decided_at"] == T("2024-03-07 13:00:00")  # 结束 decides
    four = d.loc[ID + "4"]
    assert four["decision_type"] == "费用报销" and four["initiator_id"] == "yangli"
    assert four["approvers"] == "zhangwei"                                      # return then reject: one run
    assert four["decided_at"] == T("2024-03-10 16:00:00")                       # the instance's finish_time
    five = d.loc[ID + "5"]
    assert five["decider_id"] == "chenjing" and five["approvers"] == "chenjing"  # comments keyed by instance id


def test_form_name_fallback_and_log(tmp_path):
    files = _write(tmp_path / "j", members=MEMBERS, departments=DEPARTMENTS, data={"data": DATA["data"][:1]})
    imported = read_export("jiandaoyun", files, SH)
    assert imported.decisions["decision_type"].tolist() == ["form leave"]
    assert "give app/entry/list" in imported.log.text()
    named = read_export("jiandaoyun", files, ImportOptions(extra={"form_name": "请假"}))
    assert named.decisions["decision_type"].tolist() == ["请假"]


def test_managers_from_department_heads(tmp_path):
    heads = {"departments": [dict(d) for d in DEPARTMENTS["departments"]]}
    for d, head in zip(heads["departments"], ["zhangwei", "wangfang", "lina", "chenjing", None]):
        if head:
            d["manager"] = {"username": head, "name": head}
    files = _write(tmp_path / "j", members=MEMBERS, departments=heads)
    m = read_export("jiandaoyun", files).people.set_index("employee_id")["manager_id"]
    assert m["zhangwei"] == ""                    # heads the root
    assert m["wangfang"] == "zhangwei"            # head of 销售部: the head above
    assert m["lina"] == "wangfang" and m["liuyang"] == "lina"
    assert m["yangli"] == "chenjing"              # 测试组 has no head: the nearest one above
    assert m["zhaolei"] == "chenjing" and m["chenjing"] == "zhangwei"


def test_managers_from_a_form_field(tmp_path):
    roster = {"data": [
        {"_id": "r1", "entryId": "roster", "creator": _user("lina"), "updateTime": "2024-01-01T00:00:00.000Z",
         "_widget_mgr": {"username": "liuyang", "name": "刘洋"}},
        {"_id": "r2", "entryId": "roster", "creator": _user("lina"), "updateTime": "2024-02-01T00:00:00.000Z",
         "_widget_mgr": {"username": "wangfang", "name": "王芳"}},          # later: wins
        {"_id": "r3", "entryId": "roster", "creator": _user("liuyang"), "updateTime": "2024-01-01T00:00:00.000Z",
         "_widget_mgr": [{"username": "lina", "name": "李娜"}]},
    ]}
    files = _write(tmp_path / "j", members=MEMBERS, departments=DEPARTMENTS, roster=roster)
    imported = read_export("jiandaoyun", files, ImportOptions(extra={"manager_field": "_widget_mgr"}))
    m = imported.people.set_index("employee_id")["manager_id"]
    assert m["lina"] == "wangfang" and m["liuyang"] == "lina" and m["zhaolei"] == ""
    assert "1 with different managers in different records take the latest" in imported.log.text()
    assert imported.decisions is None                               # roster records are no flow
    with pytest.raises(ExportFormatError, match="_widget_none"):
        read_export("jiandaoyun", files, ImportOptions(extra={"manager_field": "_widget_none"}))


def test_managers_from_a_linked_directory(tmp_path):
    hr = tmp_path / "hr.csv"
    hr.write_text("工号,姓名,账号,部门,直属上级工号\n"
                  "1001,张伟,zhangwei,总经办,\n1002,王芳,wangfang,销售部,1001\n1003,李娜,lina,销售部,1002\n"
                  "1004,刘洋,dt-04,销售部,1003\n1005,陈静,chenjing,研发部,1001\n1009,何平,heping,研发部,1005\n",
                  encoding="utf-8")
    files = _write(tmp_path / "j", members=MEMBERS, departments=DEPARTMENTS)
    imported = read_export("jiandaoyun", files, ImportOptions(directory=(hr,)))
    m = imported.people.set_index("employee_id")["manager_id"]
    assert m["wangfang"] == "zhangwei" and m["lina"] == "wangfang"
    assert m["liuyang"] == "lina"                  # matched by integrate_id dt-04
    assert m["chenjing"] == "zhangwei" and m["zhaolei"] == "" and m["yangli"] == ""  # not in the directory
    assert "5 of 7 members found" in imported.log.text()


def test_decisions_resolved_through_a_directory_without_members(tmp_path):
    hr = tmp_path / "hr.csv"
    hr.write_text("工号,账号,部门,直属上级工号\n" + "".join(
        f"{1000 + i},{u},部{i % 2},{'' if i == 0 else 1000}\n"
        for i, u in enumerate(["zhangwei", "wangfang", "lina", "liuyang", "chenjing", "yangli", "zhaolei"])),
        encoding="utf-8")
    files = _write(tmp_path / "j", data=DATA, forms=FORMS)
    imported = read_export("jiandaoyun", files, ImportOptions(directory=(hr,)))
    d = imported.decisions.set_index("decision_id")
    assert d.loc[ID + "1", "initiator_id"] == "1002" and d.loc[ID + "1", "approvers"] == "1001;1006"
    assert len(imported.people) == 7


def test_writes_a_valid_private_folder(export, tmp_path):
    out = tmp_path / "client"
    result = import_client("jiandaoyun", export, out, SH)
    assert {"people.csv", "decisions.csv", "client.yml", "import.log"} <= set(result.written)
    text = "".join(p.read_text(encoding="utf-8") for p in out.iterdir() if p.is_file())
    for name in ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨丽", "赵磊", "不符合规定", "家中有事"):
        assert name not in text
    decisions = pd.read_csv(out / "decisions.csv", dtype=str, keep_default_na=False)
    assert len(decisions) == 5 and (decisions["decided_at"] == "").sum() == 1
    assert "language: zh" in (out / "client.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize("payload, found", [
    ({"code": 8301, "msg": "应用不存在"}, "API error response"),
    ({"items": [{"id": 1}]}, "keys items"),
    ([1, 2, 3], "without any Jiandaoyun"),
])
def test_not_jiandaoyun_is_refused(tmp_path, payload, found):
    f = tmp_path / "x.json"
    f.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ExportFormatError, match=found):
        read_export("jiandaoyun", [f])
    assert not (tmp_path / "out").exists()


def test_truncated_and_html_refused(tmp_path):
    cut = tmp_path / "members.json"
    cut.write_text(json.dumps(MEMBERS, ensure_ascii=False)[:200], encoding="utf-8")
    with pytest.raises(ExportFormatError, match="truncated"):
        read_export("jiandaoyun", [cut])
    page = tmp_path / "data.json"
    page.write_text("<!DOCTYPE html><html><body>登录已过期</body></html>", encoding="utf-8")
    with pytest.raises(ExportFormatError, match="web page"):
        read_export("jiandaoyun", [page])


def test_empty_page_is_read_not_refused(export, tmp_path):
    empty = _write(tmp_path / "more", page2={"data": []})
    imported = read_export("jiandaoyun", export + empty, SH)
    assert len(imported.decisions) == 5 and "an empty page" in imported.log.text()


def test_logs_of_instances_not_given_are_counted(tmp_path):
    files = _write(tmp_path / "j", members=MEMBERS, departments=DEPARTMENTS, data={"data": DATA["data"][:1]},
                   forms=FORMS, comments=COMMENTS)
    imported = read_export("jiandaoyun", files)
    assert len(imported.decisions) == 1
    assert "dropped 2 approval log entries: their instance (1 distinct ids)" in imported.log.text()


def test_command_line(export, tmp_path):
    from click.testing import CliRunner

    from orgkit.cli import main

    runner = CliRunner()
    listed = runner.invoke(main, ["import", "--list"])
    assert listed.exit_code == 0 and "jiandaoyun" in listed.output
    folder = export[0].parent
    ok = runner.invoke(main, ["import", "jiandaoyun", str(folder), "-o", str(tmp_path / "acme"),
                              "--timezone", "Asia/Shanghai", "--department-level", "1"])
    assert ok.exit_code == 0, ok.output
    people = pd.read_csv(tmp_path / "acme" / "people.csv", dtype=str, keep_default_na=False)
    assert sorted(set(people["department"])) == ["星河科技", "研发部", "销售部"]
