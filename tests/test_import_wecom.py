"""WeCom (企业微信): the address-book export and API JSON -> people, approval details -> decisions.

Fixtures follow the documented layouts: the admin console's address-book export (a title row above the
header; 部门 as a ``/`` path, several departments separated by ``;``), user/list and department/list
responses, and oa/getapprovaldetail responses (synthetic people). Expected values are worked out by hand;
times are epoch seconds (UTC) written in Asia/Shanghai (UTC+8).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from orgkit.errors import ExportFormatError
from orgkit.importers import ImportOptions, import_client, read_export

SH = ImportOptions(timezone="Asia/Shanghai")
T = pd.Timestamp

HEADER = ["姓名", "帐号", "别名", "职务", "部门", "性别", "手机", "座机", "个人邮箱", "企业邮箱", "地址", "激活状态",
          "直属上级", "英文名"]


def _row(name, account, title, dept, status="已激活", leader=""):
    return [name, account, "", title, dept, "男", f"1380000{len(account):04d}", "", f"{account}@example.cn", "", "",
            status, leader, ""]


def book_rows():
    return [
        _row("张伟", "zhangwei", "总经理", "示例科技/总经办"),
        _row("王芳", "wangfang", "销售总监", "示例科技/销售部;示例科技/总经办", leader="zhangwei"),
        _row("李娜", "lina", "销售", "示例科技/销售部/华东区", status="未激活", leader="王芳"),  # by a unique name
        _row("刘洋", "liuyang", "工程师", "示例科技/研发部", leader="张伟"),
        _row("陈静", "chenjing", "会计", "示例科技/财务部", status="已退出企业", leader="zhangwei"),
        _row("赵磊", "zhaolei", "会计", "示例科技/财务部", status="已禁用", leader="zhangwei"),
        _row("孙丽", "sunli", "工程师", "示例科技/研发部", leader="陈静"),        # her leader left
        _row("周杰", "zhoujie1", "工程师", "示例科技/研发部", leader="liuyang"),
        _row("周杰", "zhoujie2", "工程师", "示例科技/研发部", leader="liuyang"),
        _row("吴敏", "wumin", "工程师", "示例科技/研发部", leader="周杰"),         # two people are 周杰: never guessed
    ]


def write_book_xlsx(path: Path, header=HEADER, rows=None, split=False) -> Path:
    """The export as the admin console writes it; ``split``: the members over two sheets, and a notes sheet."""
    rows = rows if rows is not None else book_rows()
    wb = openpyxl.Workbook()
    parts = [rows[:4], rows[4:]] if split else [rows]
    for k, part in enumerate(parts):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = f"成员列表{k + 1}"
        ws.append(["成员列表（导出时间：2024-03-05 10:00）"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws.append(header)
        for r in part:
            ws.append(r)
    if split:
        notes = wb.create_sheet("填写说明")
        notes.append(["说明"])
        notes.append(["部门为完整路径"])
    wb.save(path)
    return path


def write_book_csv(path: Path, encoding="gb18030", header=HEADER) -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["成员列表（导出时间：2024-03-05 10:00）"])
        w.writerow(["说明：部门为完整路径，多个部门以分号分隔"])
        w.writerow(header)
        for r in book_rows():
            w.writerow(r)
    return path


def departments_response():
    return {"errcode": 0, "errmsg": "ok", "department": [
        {"id": 1, "name": "示例科技", "name_en": "Example", "department_leader": [], "parentid": 0, "order": 1},
        {"id": 2, "name": "销售部", "name_en": "Sales", "department_leader": [], "parentid": 1, "order": 10},
        {"id": 3, "name": "华东区", "name_en": "East", "department_leader": [], "parentid": 2, "order": 10},
        {"id": 4, "name": "研发部", "name_en": "R&D", "department_leader": ["liuyang"], "parentid": 1, "order": 20},
        {"id": 5, "name": "总经办", "name_en": "Office", "department_leader": [], "parentid": 1, "order": 30}]}


def _api_user(uid, name, depts, main, leader_flags, direct, status=1, position="工程师"):
    return {"userid": uid, "name": name, "department": depts, "order": [0] * len(depts), "position": position,
            "mobile": "13800000000", "gender": "1", "email": f"{uid}@example.cn", "biz_mail": "",
            "is_leader_in_dept": leader_flags, "direct_leader": direct, "status": status, "telephone": "",
            "alias": "", "main_department": main}


def users_responses():
    page1 = {"errcode": 0, "errmsg": "ok", "userlist": [
        _api_user("zhangwei", "张伟", [5], 5, [1], [], position="总经理"),
        _api_user("wangfang", "王芳", [5, 2], 2, [0, 1], ["zhangwei"], position="销售总监"),
        _api_user("lina", "李娜", [3], 3, [0], [], status=4, position="销售"),
    ]}
    page2 = {"errcode": 0, "errmsg": "ok", "userlist": [
        _api_user("liuyang", "刘洋", [4], 4, [0], ["zhangwei"]),
        _api_user("zhoujie1", "周杰", [4], 4, [0], []),
        _api_user("chenjing", "陈静", [4], 4, [0], ["zhangwei"], status=5),
        _api_user("zhaolei", "赵磊", [4], 4, [0], ["zhangwei"], status=2),
        _api_user("sunli", "孙丽", [4], 4, [0], ["chenjing"]),
        _api_user("wangfang", "王芳", [5, 2], 2, [0, 1], ["zhangwei"], position="销售总监"),  # again, from dept 5
    ]}
    return page1, page2


def _detail(uid, status, sptime):
    return {"approver": {"userid": uid}, "speech": "不应被读取", "sp_status": status, "sptime": sptime, "media_id": []}


def _approval(sp_no, name, status, applyer, apply_time, nodes, notifyer=(), comments=()):
    return {"errcode": 0, "errmsg": "ok", "info": {
        "sp_no": sp_no, "sp_name": name, "sp_status": status, "template_id": f"T-{name}", "apply_time": apply_time,
        "applyer": {"userid": applyer, "partyid": "4"},
        "sp_record": [{"sp_status": s, "approverattr": attr, "details": details} for s, attr, details in nodes],
        "notifyer": [{"userid": u} for u in notifyer],
        "apply_data": {"contents": [{"control": "Text", "id": "Text-1", "value": {"text": "张伟的报销单"}}]},
        "comments": [{"commentUserInfo": {"userid": u}, "commenttime": t, "commentcontent": "不应被读取",
                      "commentid": "1", "media_id": []} for u, t in comments]}}


def approvals():
    """Seven approval details; expected decisions in test_decisions_hand_computed."""
    return [
        # any-one node: wangfang acted; zhangwei carries the node's status without a time: no hop.
        # all-must node: liuyang and zhangwei both approved: two hops. A copy and a late comment: no hops.
        _approval("202403050001", "报销", 2, "lina", 1709619780, [
            (2, 1, [_detail("wangfang", 2, 1709623380), _detail("zhangwei", 2, 0)]),
            (2, 2, [_detail("liuyang", 2, 1709625600), _detail("zhangwei", 2, 1709627400)])],
            notifyer=["zhoujie1"], comments=[("zhoujie2", 1709700000)]),
        # pending: node 2 (all-must) waits on wangfang and lina
        _approval("202403060002", "请假", 1, "liuyang", 1709683200, [
            (2, 1, [_detail("zhangwei", 2, 1709690400)]),
            (1, 2, [_detail("wangfang", 1, 0), _detail("lina", 1, 0)])]),
        # zhangwei passed it on (转审) to wangfang, who rejected
        _approval("202403070003", "采购", 3, "sunli", 1709769600, [
            (3, 1, [_detail("zhangwei", 4, 1709773200), _detail("wangfang", 3, 1709784000)])]),
        _approval("202403080004", "报销", 4, "wangfang", 1709856000, [(1, 1, [_detail("zhangwei", 1, 0)])]),
        _approval("202403090005", "报销", 7, "wangfang", 1709942400, [(2, 1, [_detail("zhangwei", 2, 1709946000)])]),
        _approval("202403100006", "报销", 6, "wangfang", 1710028800, [(2, 1, [_detail("zhangwei", 2, 1710032400)])]),
        _approval("202403110007", "付款", 10, "lina", 1710115200, [(2, 1, [_detail("zhangwei", 2, 1710118800)])]),
    ]


def write_approvals(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for a in approvals():
        (folder / f"sp_{a['info']['sp_no']}.json").write_text(json.dumps(a, ensure_ascii=False), encoding="utf-8")
    return folder


def write_api(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p1, p2 = users_responses()
    (folder / "user_list_5.json").write_text(json.dumps(p1, ensure_ascii=False), encoding="utf-8")
    (folder / "user_list_4.json").write_text(json.dumps(p2, ensure_ascii=False), encoding="utf-8")
    (folder / "department_list.json").write_text(json.dumps(departments_response(), ensure_ascii=False),
                                                 encoding="utf-8")
    return folder


# --------------------------------------------------------------------------------------------------
# the address book
# --------------------------------------------------------------------------------------------------
BOOK_DEPARTMENTS = {"zhangwei": "总经办", "wangfang": "销售部", "lina": "销售部 / 华东区", "liuyang": "研发部",
                    "sunli": "研发部", "zhoujie1": "研发部", "zhoujie2": "研发部", "wumin": "研发部"}
BOOK_MANAGERS = {"zhangwei": "", "wangfang": "zhangwei", "lina": "wangfang", "liuyang": "zhangwei", "sunli": "",
                 "zhoujie1": "liuyang", "zhoujie2": "liuyang", "wumin": ""}


def _check_book(out, ambiguous_row="row 12"):
    people = out.people.set_index("employee_id")
    assert sorted(people.index) == sorted(BOOK_DEPARTMENTS)  # 已退出企业 and 已禁用 left out
    assert people["department"].to_dict() == BOOK_DEPARTMENTS  # the company level shared by all dropped
    assert people.loc["wangfang", "other_departments"] == "总经办"
    assert people["manager_id"].to_dict() == BOOK_MANAGERS
    assert people.loc["wangfang", "title"] == "销售总监"
    log = out.log.text()
    assert "dropped 1 people: left the organisation" in log and "dropped 1 people: disabled accounts" in log
    assert "1 members are not yet activated" in log
    assert "decided person ids: userid" in log
    assert "shared by several people" in log and ambiguous_row in log  # 吴敏's manager 周杰: never guessed
    assert "王芳" not in log and "example.cn" not in log
    assert out.settings["language"] == "zh"


def test_address_book_xlsx_with_title_row(tmp_path):
    out = read_export("wecom", [write_book_xlsx(tmp_path / "通讯录.xlsx")], SH)
    _check_book(out)
    assert "decided header row of 通讯录.xlsx: row 2" in out.log.text()


def test_address_book_over_several_sheets(tmp_path):
    out = read_export("wecom", [write_book_xlsx(tmp_path / "通讯录.xlsx", split=True)], SH)
    _check_book(out, "通讯录.xlsx '成员列表2' row 8")  # rows 3-6 on sheet 1, then 3-8 on sheet 2
    assert out.log.text().count("read 通讯录.xlsx: WeCom address book") == 2


def test_address_book_csv_gb18030_with_two_title_lines(tmp_path):
    out = read_export("wecom", [write_book_csv(tmp_path / "通讯录.csv")], SH)
    _check_book(out, "通讯录.csv row 13")  # two title lines, the header, then the members
    assert "decided header row of 通讯录.csv: row 3" in out.log.text()


def test_address_book_other_spellings_and_employee_numbers(tmp_path):
    header = [h.replace("帐号", "账号").replace("激活状态", "状态") for h in HEADER] + ["工号"]
    rows = [r + [f"E{i:03d}"] for i, r in enumerate(book_rows(), start=1)]
    out = read_export("wecom", [write_book_xlsx(tmp_path / "a.xlsx", header=header, rows=rows)], SH)
    people = out.people.set_index("employee_id")
    # 工号 complete and unique for the members kept: it is the id; managers and approvals follow
    assert people.loc["E002", "manager_id"] == "E001"
    assert people.loc["E003", "manager_id"] == "E002"
    assert "decided person ids: 工号" in out.log.text()
    forced = read_export("wecom", [tmp_path / "a.xlsx"], ImportOptions(extra={"id": "userid"}))
    assert "zhangwei" in set(forced.people["employee_id"])


# --------------------------------------------------------------------------------------------------
# API JSON
# --------------------------------------------------------------------------------------------------
def test_api_users_primary_department_and_leaders(tmp_path):
    out = read_export("wecom", [write_api(tmp_path / "api")], SH)
    people = out.people.set_index("employee_id")
    assert sorted(people.index) == ["lina", "liuyang", "sunli", "wangfang", "zhangwei", "zhoujie1"]
    assert people["department"].to_dict() == {
        "zhangwei": "总经办", "wangfang": "销售部",  # main_department 2 although 5 is listed first
        "lina": "销售部 / 华东区", "liuyang": "研发部", "zhoujie1": "研发部", "sunli": "研发部"}
    assert people.loc["wangfang", "other_departments"] == "总经办"
    assert people["manager_id"].to_dict() == {
        "zhangwei": "",          # leads 总经办; nobody leads 示例科技
        "wangfang": "zhangwei",  # direct_leader
        "lina": "wangfang",      # no direct leader: 华东区 has no leader, 销售部's leader (is_leader_in_dept)
        "liuyang": "zhangwei",
        "zhoujie1": "liuyang",   # 研发部's department_leader
        "sunli": "",             # direct leader left
    }
    log = out.log.text()
    assert "direct_leader for 3 members" in log and "for 2; none for 1" in log
    assert "1 direct leaders are not among the members kept" in log
    assert "main_department for 6 members" in log


# --------------------------------------------------------------------------------------------------
# approvals
# --------------------------------------------------------------------------------------------------
def test_decisions_hand_computed(tmp_path):
    out = read_export("wecom", [write_book_xlsx(tmp_path / "book.xlsx"), write_approvals(tmp_path / "sp")], SH)
    d = out.decisions.set_index("decision_id")
    assert d.index.tolist() == ["202403050001", "202403060002", "202403070003", "202403100006", "202403110007"]
    assert d["decision_type"].tolist() == ["报销", "请假", "采购", "报销", "付款"]
    assert d["initiator_id"].tolist() == ["lina", "liuyang", "sunli", "wangfang", "lina"]
    # any-one node: only wangfang; all-must node: liuyang and zhangwei
    assert d.loc["202403050001", "approvers"] == "wangfang;liuyang;zhangwei"
    assert d.loc["202403050001", "decider_id"] == "zhangwei"
    assert d.loc["202403050001", "raised_at"] == T("2024-03-05 14:23:00")
    assert d.loc["202403050001", "decided_at"] == T("2024-03-05 16:30:00")  # the late comment does not move it
    # pending: open, waiting on the first waiting approver of the waiting node
    assert pd.isna(d.loc["202403060002", "decided_at"])
    assert d.loc["202403060002", "decider_id"] == "wangfang"
    assert d.loc["202403060002", "approvers"] == "zhangwei"
    # 转审 (transfer) then 驳回 (reject)
    assert d.loc["202403070003", "approvers"] == "zhangwei;wangfang"
    assert d.loc["202403070003", "decider_id"] == "wangfang"
    assert d.loc["202403070003", "decided_at"] == T("2024-03-07 12:00:00")
    # 通过后撤销 stays decided; 已支付 is approved
    assert d.loc["202403100006", "decided_at"] == T("2024-03-10 09:00:00")
    assert d.loc["202403110007", "decider_id"] == "zhangwei"
    log = out.log.text()
    assert "dropped 1 approvals: withdrawn" in log
    assert "dropped 1 approvals: deleted" in log
    assert "1 approvers on any-one (或签) nodes did not act themselves" in log
    assert "1 approvals were withdrawn after approval" in log
    assert "不应被读取" not in log


def test_decisions_in_utc(tmp_path):
    out = read_export("wecom", [write_book_xlsx(tmp_path / "b.xlsx"), write_approvals(tmp_path / "sp")],
                      ImportOptions(timezone="UTC"))
    assert out.decisions.set_index("decision_id").loc["202403050001", "raised_at"] == T("2024-03-05 06:23:00")


def test_approvals_with_api_users_and_employee_numbers_stay_consistent(tmp_path):
    out = read_export("wecom", [write_api(tmp_path / "api"), write_approvals(tmp_path / "sp")], SH)
    d = out.decisions.set_index("decision_id")
    assert d.loc["202403050001", "approvers"] == "wangfang;liuyang;zhangwei"
    # zhoujie2 is not in the API users: the comment is dropped silently as no hop; wumin etc. not needed
    assert set(d["initiator_id"]) <= set(out.people["employee_id"])


def test_approvals_alone_keep_userids(tmp_path):
    out = read_export("wecom", [write_approvals(tmp_path / "sp")], SH)
    assert out.people is None
    assert out.decisions.set_index("decision_id").loc["202403070003", "initiator_id"] == "sunli"
    assert "no members given" in out.log.text()
    assert out.settings["language"] == "zh" and "of the approval names are Chinese" in out.log.text()


# --------------------------------------------------------------------------------------------------
# refusals
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, content, found", [
    ("u.json", '{"errcode": 60011, "errmsg": "no privilege to access/modify contact/party/agent"}',
     "error code 60011"),
    ("u.json", '{"errcode":0,"errmsg":"ok","userlist":[{"userid":"zhangwei","name":"', "truncated"),
    ("sp.json", '{"errcode":0,"errmsg":"ok","sp_no_list":["202403050001"]}', "approval numbers"),
    ("x.json", '{"code":0,"data":{"items":[]}}', "keys code, data"),
    ("通讯录.xlsx", "<html><head><title>登录</title></head><body>请登录</body></html>", "web page"),
    ("通讯录.csv", "姓名,手机,邮箱\n张伟,13800000000,a@example.cn\n", "帐号 \\(or 账号\\) and 部门"),
])
def test_bad_exports_refused(tmp_path, name, content, found):
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    with pytest.raises(ExportFormatError, match=found) as err:
        read_export("wecom", [f], SH)
    assert name in str(err.value)


# --------------------------------------------------------------------------------------------------
# the client folder
# --------------------------------------------------------------------------------------------------
def test_import_writes_a_valid_folder_twice_the_same(tmp_path):
    sources = [write_book_xlsx(tmp_path / "book.xlsx"), write_approvals(tmp_path / "sp")]
    out = tmp_path / "client"
    result = import_client("wecom", sources, out, SH)
    assert result.counts == {"people": 8, "decisions": 5}
    people = pd.read_csv(out / "people.csv", dtype=str, keep_default_na=False)
    assert not {"name", "email", "phone"} & set(people.columns)
    decisions = pd.read_csv(out / "decisions.csv", dtype=str, keep_default_na=False).set_index("decision_id")
    assert decisions.loc["202403060002", "decided_at"] == ""
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    import_client("wecom", sources, out, SH)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_user_get_responses_and_lists_of_records(tmp_path):
    p1, p2 = users_responses()
    folder = tmp_path / "api"
    folder.mkdir()
    for u in p1["userlist"]:  # user/get: the member's fields at the top of the response
        (folder / f"user_{u['userid']}.json").write_text(json.dumps({"errcode": 0, "errmsg": "ok", **u},
                                                                    ensure_ascii=False), encoding="utf-8")
    (folder / "more.json").write_text(json.dumps(p2["userlist"], ensure_ascii=False), encoding="utf-8")
    (folder / "departments.json").write_text(json.dumps(departments_response()["department"], ensure_ascii=False),
                                             encoding="utf-8")
    out = read_export("wecom", [folder], SH)
    people = out.people.set_index("employee_id")
    assert people.loc["lina", "department"] == "销售部 / 华东区"
    assert people.loc["lina", "manager_id"] == "wangfang"
    assert len(people) == 6


def test_command_line_with_pseudonyms_keeps_approvals_consistent(tmp_path):
    from click.testing import CliRunner

    from orgkit.cli import main

    book, sp = write_book_xlsx(tmp_path / "book.xlsx"), write_approvals(tmp_path / "sp")
    out = tmp_path / "client"
    listed = CliRunner().invoke(main, ["import", "--list"])
    assert "wecom" in listed.output and "feishu" in listed.output
    run = CliRunner().invoke(main, ["import", "wecom", str(book), str(sp), "-o", str(out), "--timezone",
                                    "Asia/Shanghai", "--pseudonymise"])
    assert run.exit_code == 0, run.output
    people = pd.read_csv(out / "people.csv", dtype=str, keep_default_na=False)
    decisions = pd.read_csv(out / "decisions.csv", dtype=str, keep_default_na=False)
    ids = set(people["employee_id"])
    assert all(i.startswith("P") for i in ids) and "zhangwei" not in (out / "people.csv").read_text("utf-8")
    assert set(decisions["initiator_id"]) <= ids and set(decisions["decider_id"]) <= ids
    assert set(";".join(decisions["approvers"]).split(";")) <= ids
    bad = tmp_path / "err.json"
    bad.write_text('{"errcode": 42001, "errmsg": "access_token expired"}', encoding="utf-8")
    refused = CliRunner().invoke(main, ["import", "wecom", str(bad), "-o", str(tmp_path / "other")])
    assert refused.exit_code == 2 and "error code 42001" in refused.output
    assert not (tmp_path / "other").exists()
