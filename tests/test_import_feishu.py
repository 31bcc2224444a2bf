"""Feishu/Lark open API JSON: users and departments -> people, approval instances -> decisions.

The fixtures follow the documented response layout of contact/v3 users and departments and of the
approval/v4 instance detail (synthetic people and ids). Every expected value below is worked out by hand
from the fixture: times are epoch seconds or milliseconds in UTC, written in Asia/Shanghai (UTC+8).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from orgkit.errors import ExportFormatError
from orgkit.importers import ImportOptions, import_client, read_export

SH = ImportOptions(timezone="Asia/Shanghai")
T = pd.Timestamp


def _user(uid, name, no, depts, leader="", title="", join=0, orders=None, resigned=False, exited=False,
          activated=True):
    u = {"union_id": f"on_{uid}", "user_id": uid, "open_id": f"ou_{uid}", "name": name, "en_name": "",
         "email": f"{uid}@example.cn", "mobile": f"1380000{uid[1:]:0>4}", "department_ids": depts,
         "leader_user_id": leader, "employee_no": no, "job_title": title, "join_time": join,
         "status": {"is_frozen": False, "is_resigned": resigned, "is_activated": activated, "is_exited": exited,
                    "is_unjoin": False}}
    if orders is not None:
        u["orders"] = orders
    return u


def users_pages():
    """Two pages of contact/v3 users (user_id_type=user_id): u2 repeats on page 2 (a second department)."""
    u1 = _user("u1", "张伟", "E001", ["od-r1"], title="总经理", join=1704038400)  # 2024-01-01 00:00 +08:00
    u2 = _user("u2", "王芳", "E002", ["od-r1", "od-s1"], leader="u1", title="销售总监", join=1709619780,
               orders=[{"department_id": "od-r1", "user_order": 0, "department_order": 10, "is_primary_dept": False},
                       {"department_id": "od-s1", "user_order": 0, "department_order": 5, "is_primary_dept": True}])
    u3 = _user("u3", "李娜", "E003", ["od-e1", "od-r1"], leader="u2", title="工程师",
               orders=[{"department_id": "od-e1", "user_order": 0, "department_order": 1},
                       {"department_id": "od-r1", "user_order": 0, "department_order": 100}])
    u4 = _user("u4", "刘洋", "E004", ["od-e1"], leader="u2", title="销售")
    u5 = _user("u5", "陈静", "E005", ["od-f1"], leader="u1", resigned=True)
    u6 = _user("u6", "赵磊", "E006", ["od-f1"], leader="u5", title="会计", activated=False)
    u7 = _user("u7", "孙丽", "E007", ["od-f1"], leader="u1", exited=True)
    page1 = {"code": 0, "msg": "success", "data": {"has_more": True, "page_token": "p2", "items": [u1, u2, u3, u4]}}
    page2 = {"code": 0, "msg": "success", "data": {"has_more": False, "items": [u5, u6, u7, u2]}}
    return page1, page2


def departments_page():
    def d(did, oid, name, parent, zh=None):
        rec = {"department_id": did, "open_department_id": oid, "name": name, "parent_department_id": parent,
               "leader_user_id": "", "order": "10"}
        if zh:
            rec["i18n_name"] = {"zh_cn": zh, "en_us": "", "ja_jp": ""}
        return rec
    return {"code": 0, "msg": "success", "data": {"has_more": False, "items": [
        d("d_sales", "od-s1", "销售部", "0"), d("d_east", "od-e1", "华东区", "od-s1"),
        d("d_rd", "od-r1", "研发部", "0"), d("d_fin", "od-f1", "", "0", zh="财务部")]}}


def _task(tid, uid, status, node, start, end="0", kind="OR"):
    return {"id": tid, "user_id": uid, "open_id": f"ou_{uid}", "status": status, "node_id": f"n_{node}",
            "node_name": node, "type": kind, "start_time": start, "end_time": end}


def _event(kind, uid, at, task="", **extra):
    ev = {"type": kind, "create_time": at, "user_id": uid, "open_id": f"ou_{uid}" if uid else "", "task_id": task,
          "comment": "不应被读取"}
    ev.update(extra)
    return ev


def _instance(serial, name, status, uid, start, end, tasks=(), timeline=(), comments=()):
    return {"approval_name": name, "approval_code": f"CODE-{name}", "serial_number": serial,
            "instance_code": f"INST-{serial}", "start_time": start, "end_time": end, "user_id": uid,
            "open_id": f"ou_{uid}", "department_id": "od-r1", "status": status, "uuid": serial,
            "form": json.dumps([{"id": "w1", "type": "input", "value": "张伟的报销"}], ensure_ascii=False),
            "task_list": list(tasks), "timeline": list(timeline), "comment_list": list(comments)}


def instances():
    """Seven instance details; the expected decisions are in test_decisions_hand_computed."""
    i1 = _instance("202403050001", "费用报销", "APPROVED", "u3", "1709619780000", "1709627400000",
                   tasks=[_task("t1", "u2", "APPROVED", "直属上级", "1709619780000", "1709623380000"),
                          _task("t2", "u1", "APPROVED", "部门负责人", "1709623380000", "1709627400000")],
                   timeline=[_event("START", "u3", "1709619780000"),
                             _event("PASS", "u2", "1709623380000", "t1"),
                             _event("CC", "u2", "1709623390000", cc_user_list=[{"user_id": "u4", "cc_id": "c1",
                                                                                "open_id": "ou_u4"}]),
                             _event("PASS", "u1", "1709627400000", "t2")],
                   comments=[{"id": "c9", "user_id": "u4", "open_id": "ou_u4", "comment": "收到",
                              "create_time": "1709700000000"}])  # after completion: decided_at stays
    i2 = _instance("202403060002", "请假申请", "PENDING", "u4", "1709683200000", "0",
                   tasks=[_task("t3", "u2", "APPROVED", "直属上级", "1709683200000", "1709690400000"),
                          _task("t4", "u1", "PENDING", "会签", "1709690400000", kind="AND"),
                          _task("t5", "u3", "PENDING", "会签", "1709690400000", kind="AND")],
                   timeline=[_event("START", "u4", "1709683200000"), _event("PASS", "u2", "1709690400000", "t3")])
    i3 = _instance("202403070003", "采购申请", "REJECTED", "u6", "1709769600000", "1709784000000",
                   tasks=[_task("t6", "u1", "TRANSFERRED", "审批", "1709769600000", "1709773200000"),
                          _task("t7", "u2", "REJECTED", "审批", "1709773200000", "1709784000000")],
                   timeline=[_event("START", "u6", "1709769600000"),
                             _event("TRANSFER", "u1", "1709773200000", "t6", user_id_list=["u2"],
                                    ext=json.dumps({"user_id_list": ["u2"]})),
                             _event("REJECT", "u2", "1709784000000", "t7")])
    i4 = _instance("202403080004", "费用报销", "CANCELED", "u2", "1709856000000", "1709859600000",
                   timeline=[_event("START", "u2", "1709856000000"), _event("CANCEL", "u2", "1709859600000")])
    i5 = _instance("202403090005", "费用报销", "DELETED", "u2", "1709942400000", "1709946000000")
    i6 = _instance("202403100006", "费用报销", "APPROVED", "u5", "1710028800000", "1710032400000",
                   timeline=[_event("START", "u5", "1710028800000"), _event("PASS", "u1", "1710032400000")])
    i7 = _instance("202403110007", "用印申请", "APPROVED", "u3", "1710115200000", "1710115200000",
                   timeline=[_event("START", "u3", "1710115200000"), _event("AUTO_PASS", "", "1710115200000")])
    return [i1, i2, i3, i4, i5, i6, i7]


def write_export(folder: Path, *, with_departments=True) -> Path:
    """The export as a folder of pages: users (2 pages), departments, one file per instance detail."""
    folder.mkdir(parents=True, exist_ok=True)
    p1, p2 = users_pages()
    (folder / "users_1.json").write_text(json.dumps(p1, ensure_ascii=False), encoding="utf-8")
    (folder / "users_2.json").write_text(json.dumps(p2, ensure_ascii=False), encoding="utf-8")
    if with_departments:
        (folder / "departments.json").write_text(json.dumps(departments_page(), ensure_ascii=False), encoding="utf-8")
    for inst in instances():
        (folder / f"instance_{inst['serial_number']}.json").write_text(
            json.dumps({"code": 0, "msg": "success", "data": inst}, ensure_ascii=False), encoding="utf-8")
    return folder


# --------------------------------------------------------------------------------------------------
# people
# --------------------------------------------------------------------------------------------------
def test_people_hand_computed(tmp_path):
    out = read_export("feishu", [write_export(tmp_path / "export")], SH)
    people = out.people.set_index("employee_id")
    # resigned E005 and exited E007 are left out; u2 on two pages is one person
    assert people.index.tolist() == ["E001", "E002", "E003", "E004", "E006"]
    assert people["department"].to_dict() == {
        "E001": "研发部",
        "E002": "销售部",            # is_primary_dept beats the larger department_order of 研发部
        "E003": "研发部",            # no flag: the largest department_order (100 > 1)
        "E004": "销售部 / 华东区",    # a path from parent_department_id
        "E006": "财务部",            # named from i18n_name.zh_cn when name is empty
    }
    assert people["other_departments"].to_dict() == {"E001": "", "E002": "研发部", "E003": "销售部 / 华东区",
                                                     "E004": "", "E006": ""}
    # leader_user_id (user ids) -> employee numbers; E006's leader resigned: no manager
    assert people["manager_id"].to_dict() == {"E001": "", "E002": "E001", "E003": "E002", "E004": "E002",
                                              "E006": ""}
    # join_time 1704038400 = 2023-12-31 16:00 UTC = 2024-01-01 00:00 in Shanghai
    assert str(people.loc["E001", "hire_date"].date()) == "2024-01-01"
    assert str(people.loc["E002", "hire_date"].date()) == "2024-03-05"
    assert pd.isna(people.loc["E003", "hire_date"])  # join_time 0: unknown
    assert people.loc["E002", "title"] == "销售总监"
    assert out.settings["language"] == "zh"
    log = out.log.text()
    assert "dropped 1 people: resigned" in log and "dropped 1 people: left the organisation" in log
    assert "decided person ids: employee_no" in log
    assert "1 members are not yet activated; kept" in log
    assert "1 managers (leader_user_id) are not among the members kept (1 of them resigned" in log
    assert "王芳" not in log and "example.cn" not in log  # no names or e-mail addresses in the log


def test_people_in_utc_shift_the_hire_date(tmp_path):
    out = read_export("feishu", [write_export(tmp_path / "export")], ImportOptions(timezone="UTC"))
    assert str(out.people.set_index("employee_id").loc["E001", "hire_date"].date()) == "2023-12-31"


def test_id_choice_falls_back_and_can_be_chosen(tmp_path):
    folder = write_export(tmp_path / "export")
    p1, p2 = users_pages()
    p1["data"]["items"][3]["employee_no"] = ""  # E004 has no employee number
    (folder / "users_1.json").write_text(json.dumps(p1, ensure_ascii=False), encoding="utf-8")
    out = read_export("feishu", [folder], SH)
    assert sorted(out.people["employee_id"]) == ["u1", "u2", "u3", "u4", "u6"]
    assert "decided person ids: user_id (present and unique for all 5 members (employee_no missing for 1))" \
        in out.log.text()
    # approvals still match the members whatever id is written
    assert out.decisions.set_index("decision_id").loc["202403050001", "approvers"] == "u2;u1"
    chosen = read_export("feishu", [folder], ImportOptions(timezone="Asia/Shanghai", extra={"id": "open_id"}))
    assert sorted(chosen.people["employee_id"]) == ["ou_u1", "ou_u2", "ou_u3", "ou_u4", "ou_u6"]
    assert chosen.decisions.set_index("decision_id").loc["202403070003", "initiator_id"] == "ou_u6"
    with pytest.raises(ExportFormatError, match="employee_no"):
        read_export("feishu", [folder], ImportOptions(extra={"id": "employee_no"}))


def test_without_departments_ids_are_written_and_said(tmp_path):
    out = read_export("feishu", [write_export(tmp_path / "export", with_departments=False)], SH)
    assert out.people.set_index("employee_id").loc["E004", "department"] == "od-e1"
    assert "no departments given" in out.log.text()


# --------------------------------------------------------------------------------------------------
# decisions
# --------------------------------------------------------------------------------------------------
def test_decisions_hand_computed(tmp_path):
    out = read_export("feishu", [write_export(tmp_path / "export")], SH)
    d = out.decisions.set_index("decision_id")
    assert d.index.tolist() == ["202403050001", "202403060002", "202403070003"]
    assert d["decision_type"].tolist() == ["费用报销", "请假申请", "采购申请"]  # approval_name, never a title
    assert d["initiator_id"].tolist() == ["E003", "E004", "E006"]
    # 1: two approvals; the copy to u4 and u4's later comment are no hops and do not move decided_at
    assert d.loc["202403050001", "approvers"] == "E002;E001"
    assert d.loc["202403050001", "decider_id"] == "E001"
    assert d.loc["202403050001", "raised_at"] == T("2024-03-05 14:23:00")
    assert d.loc["202403050001", "decided_at"] == T("2024-03-05 16:30:00")
    # 2: pending (end_time "0"): an open decision waiting on the first PENDING task (u1)
    assert pd.isna(d.loc["202403060002", "decided_at"])
    assert d.loc["202403060002", "decider_id"] == "E001"
    assert d.loc["202403060002", "approvers"] == "E002"
    assert d.loc["202403060002", "raised_at"] == T("2024-03-06 08:00:00")
    # 3: u1 transferred to u2, who rejected: two hops, u2 decided
    assert d.loc["202403070003", "approvers"] == "E001;E002"
    assert d.loc["202403070003", "decider_id"] == "E002"
    assert d.loc["202403070003", "decided_at"] == T("2024-03-07 12:00:00")
    log = out.log.text()
    assert "dropped 1 approvals: withdrawn" in log          # CANCELED
    assert "dropped 1 approvals: deleted on the platform" in log
    assert "dropped 1 approvals: the applicant is not in the directory" in log  # raised by resigned u5
    assert "dropped 1 approvals: nobody approved" in log    # only AUTO_PASS
    assert "decided approval people: matched by user_id" in log
    assert "不应被读取" not in log and "报销" not in log.split("## decisions")[0]


def test_approvals_without_users_keep_platform_ids(tmp_path):
    folder = tmp_path / "only"
    folder.mkdir()
    (folder / "instances.json").write_text(json.dumps(instances(), ensure_ascii=False), encoding="utf-8")
    out = read_export("feishu", [folder], SH)
    assert out.people is None
    d = out.decisions.set_index("decision_id")
    assert d.loc["202403050001", "approvers"] == "u2;u1"
    assert d.loc["202403100006", "initiator_id"] == "u5"  # nobody to resolve against: kept
    assert "no users given" in out.log.text()
    assert out.settings["language"] == "zh"  # from the approval names, as there are no departments


def test_open_id_links_when_user_id_is_missing(tmp_path):
    folder = write_export(tmp_path / "export")
    for f in folder.glob("instance_*.json"):
        data = json.loads(f.read_text(encoding="utf-8"))
        inst = data["data"]
        inst["user_id"] = ""
        for item in inst["timeline"] + inst["task_list"] + inst["comment_list"]:
            item["user_id"] = ""
        f.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = read_export("feishu", [folder], SH)
    assert "matched by open_id" in out.log.text()
    assert out.decisions.set_index("decision_id").loc["202403050001", "approvers"] == "E002;E001"


# --------------------------------------------------------------------------------------------------
# refusals
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("content, found", [
    ('{"code":99991663,"msg":"Invalid access token for authorization."}', "error code 99991663"),
    ('{"code":0,"msg":"success","data":{"has_more":false,"items":[{"user_id":"u1","na', "truncated"),
    ("<!DOCTYPE html><html><body>登录</body></html>", "web page"),
    ('{"code":0,"data":{"instance_code_list":["A","B"]}}', "instance codes"),
    ('{"code":0,"data":{"count":1,"instance_list":[{"instance":{"code":"A","title":"x"}}]}}', "no approval steps"),
    ('{"errcode":0,"userlist":[]}', "keys errcode, userlist"),
    ("[1, 2, 3]", "a list holding"),
])
def test_bad_exports_refused(tmp_path, content, found):
    f = tmp_path / "users.json"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(ExportFormatError, match=found) as err:
        read_export("feishu", [f], SH)
    assert "users.json" in str(err.value)


def test_departments_alone_refused(tmp_path):
    f = tmp_path / "d.json"
    f.write_text(json.dumps(departments_page(), ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ExportFormatError, match="departments only"):
        read_export("feishu", [f], SH)


# --------------------------------------------------------------------------------------------------
# the client folder
# --------------------------------------------------------------------------------------------------
def test_import_writes_a_valid_folder_twice_the_same(tmp_path):
    src = write_export(tmp_path / "export")
    out = tmp_path / "client"
    first = import_client("feishu", [src], out, SH)
    people = pd.read_csv(out / "people.csv", dtype=str, keep_default_na=False)
    assert "name" not in people.columns and "email" not in people.columns
    assert sorted(people["employee_id"]) == ["E001", "E002", "E003", "E004", "E006"]
    decisions = pd.read_csv(out / "decisions.csv", dtype=str, keep_default_na=False).set_index("decision_id")
    assert decisions.loc["202403060002", "decided_at"] == ""
    assert decisions.loc["202403050001", "decided_at"] == "2024-03-05 16:30:00"
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    import_client("feishu", [src], out, SH)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert first.counts == {"people": 5, "decisions": 3}


# --------------------------------------------------------------------------------------------------
# other shapes of the same export
# --------------------------------------------------------------------------------------------------
def test_single_user_responses_plain_lists_and_other_id_types(tmp_path):
    """user_id_type=open_id and department_id_type=department_id: the same people come out."""
    p1, p2 = users_pages()
    users = json.loads(json.dumps(p1["data"]["items"] + p2["data"]["items"]))  # u2 twice: two copies
    for u in users:
        u["leader_user_id"] = f"ou_{u['leader_user_id']}" if u["leader_user_id"] else ""
        back = {"od-r1": "d_rd", "od-s1": "d_sales", "od-e1": "d_east", "od-f1": "d_fin"}
        u["department_ids"] = [back[d] for d in u["department_ids"]]
        for o in u.get("orders", []):
            o["department_id"] = back[o["department_id"]]
    folder = tmp_path / "export"
    folder.mkdir()
    # the first user as a users/:user_id response, the rest as a plain list
    (folder / "one.json").write_text(json.dumps({"code": 0, "msg": "success", "data": {"user": users[0]}},
                                                ensure_ascii=False), encoding="utf-8")
    (folder / "rest.json").write_text(json.dumps(users[1:], ensure_ascii=False), encoding="utf-8")
    (folder / "departments.json").write_text(json.dumps(departments_page()["data"]["items"], ensure_ascii=False),
                                             encoding="utf-8")
    out = read_export("feishu", [folder], SH)
    people = out.people.set_index("employee_id")
    assert people["department"].to_dict() == {"E001": "研发部", "E002": "销售部", "E003": "研发部",
                                              "E004": "销售部 / 华东区", "E006": "财务部"}
    assert people["manager_id"].to_dict() == {"E001": "", "E002": "E001", "E003": "E002", "E004": "E002",
                                              "E006": ""}


def test_pages_that_all_say_has_more_are_reported(tmp_path):
    p1, _ = users_pages()
    f = tmp_path / "users_1.json"
    f.write_text(json.dumps(p1, ensure_ascii=False), encoding="utf-8")
    out = read_export("feishu", [f], SH)
    assert "later pages seem to be missing" in out.log.text()
    assert len(out.people) == 4


# --------------------------------------------------------------------------------------------------
# a real organisation, exported as Feishu would
# --------------------------------------------------------------------------------------------------
def test_manufacturer_tree_round_trips_through_a_feishu_export(shared_data, tmp_path):
    """The manufacturer's reports-to tree (Michalski et al.) as contact/v3 pages: the same tree comes back."""
    from realdata import manufacturer_people

    tree = manufacturer_people(shared_data)
    ceo = tree.loc[tree["ID"] == tree["ReportsToID"], "ID"].tolist()
    heads = sorted(set(tree["Department"]))
    dept_id = {d: f"od-{i}" for i, d in enumerate(heads)}
    users = [{"user_id": f"m{r.ID}", "open_id": f"ou_m{r.ID}", "employee_no": str(r.ID),
              "department_ids": [dept_id[r.Department]], "status": {"is_resigned": False},
              "leader_user_id": "" if r.ID == r.ReportsToID else f"m{r.ReportsToID}"} for r in tree.itertuples()]
    folder = tmp_path / "export"
    folder.mkdir()
    for k in range(0, len(users), 50):  # pages of 50, the API's page size
        page = {"code": 0, "data": {"has_more": k + 50 < len(users), "items": users[k:k + 50]}}
        (folder / f"users_{k // 50}.json").write_text(json.dumps(page), encoding="utf-8")
    (folder / "departments.json").write_text(json.dumps({"code": 0, "data": {"items": [
        {"department_id": v, "open_department_id": v, "name": d, "parent_department_id": "0"}
        for d, v in dept_id.items()]}}), encoding="utf-8")
    result = import_client("feishu", [folder], tmp_path / "client", SH)
    people = pd.read_csv(tmp_path / "client" / "people.csv", dtype=str, keep_default_na=False)
    assert len(people) == len(tree) == result.counts["people"]
    expected = {str(i): ("" if i == m else str(m)) for i, m in zip(tree["ID"], tree["ReportsToID"])}
    assert dict(zip(people["employee_id"], people["manager_id"])) == expected
    assert dict(zip(people["employee_id"], people["department"])) == dict(zip(tree["ID"].astype(str),
                                                                              tree["Department"]))
    assert len(ceo) == 1
