"""What Chinese clients really bring to the dingtalk, feishu, wecom and jiandaoyun importers.

Files saved by Excel on Chinese Windows (GB18030, UTF-16 "Unicode text"), JSON re-saved by an editor, API
error responses, JSON lines, cut-off downloads, exports with nothing left to write. The fixtures are the
documented layouts of the platform tests (invented people), changed the way a client's file is changed.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

openpyxl = pytest.importorskip("openpyxl")

import test_import_dingtalk as dt  # noqa: E402
import test_import_feishu as fs  # noqa: E402
import test_import_jiandaoyun as jdy  # noqa: E402
import test_import_wecom as wc  # noqa: E402

from orgkit.errors import ExportFormatError, ValidationError  # noqa: E402
from orgkit.importers import ImportOptions, import_client, read_export  # noqa: E402
from orgkit.importers.sources import sniff  # noqa: E402

SH = ImportOptions(timezone="Asia/Shanghai")


def _table(header: list[str], rows: list[list], sep: str = ",", above: tuple[str, ...] = ()) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    for line in above:
        w.writerow([line])
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def _approvals_text(sep: str = ",") -> str:
    return _table(dt.HEADERS, dt.expense_rows() + dt.leave_rows(), sep)


# --------------------------------------------------------------------------------------------------
# encodings of text tables
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("bom", [b"\xff\xfe", b""])
def test_a_cut_off_utf16_file_is_refused_saying_so(tmp_path, bom):
    # "Unicode text" from Excel is UTF-16 LE; a download cut off mid-character leaves an odd byte count
    data = bom + _approvals_text("\t").encode("utf-16-le")
    path = tmp_path / "审批.txt"
    path.write_bytes(data[:-1])
    with pytest.raises(ExportFormatError) as err:
        dt.run([path])
    assert "审批.txt" in str(err.value)
    assert "cut off" in str(err.value) and "middle of a character" in str(err.value)


def test_utf16_without_byte_order_mark_is_text_not_json(tmp_path):
    # 审 is U+5BA1: its UTF-16 LE bytes A1 5B end in "[", which once made the file look like JSON
    path = tmp_path / "审批.txt"
    path.write_bytes(_approvals_text("\t").encode("utf-16-le"))
    assert sniff(path) == "text"
    out, _ = dt.run([path])
    assert set(out.decisions["decision_id"]) == {dt.A1, dt.A2, dt.A3, dt.A4}


def test_gb18030_with_its_byte_order_mark_reads_like_utf8(tmp_path):
    plain = tmp_path / "a.csv"
    plain.write_bytes(_approvals_text().encode("utf-8"))
    marked = tmp_path / "b.csv"
    marked.write_bytes("\ufeff".encode("gb18030") + _approvals_text().encode("gb18030"))
    expected, _ = dt.run([plain])
    out, _ = dt.run([marked])
    pd.testing.assert_frame_equal(out.decisions, expected.decisions)


def test_gb18030_whose_chinese_starts_late(tmp_path):
    # 3,000 rows of ASCII first (more than any sniffing window), the Chinese rows at the end
    header = ["ID", "帐号", "部门", "直属上级", "激活状态"]
    rows = [[f"{i}", f"acct{i}", "Example/RD", "", "active"] for i in range(3000)]
    rows += [["9001", "zhangwei", "示例科技/总经办", "", "已激活"], ["9002", "wangfang", "示例科技/销售部", "zhangwei", "已激活"]]
    path = tmp_path / "book.csv"
    path.write_bytes(_table(header, rows).encode("gb18030"))
    out = read_export("wecom", [path], SH)
    people = out.people.set_index("employee_id")
    assert people.loc["wangfang", "department"] == "示例科技 / 销售部"
    assert people.loc["wangfang", "manager_id"] == "zhangwei"
    assert len(people) == 3002


def test_wecom_unicode_text_with_a_title_line(tmp_path):
    # Excel's "Unicode text": UTF-16, tab-separated; the export's title line has no tab at all
    text = _table(wc.HEADER, wc.book_rows(), "\t", above=("成员列表（导出时间：2024-03-05 10:00）",))
    path = tmp_path / "成员.txt"
    path.write_bytes(text.encode("utf-16"))
    expected = read_export("wecom", [wc.write_book_xlsx(tmp_path / "成员.xlsx")], SH).people
    out = read_export("wecom", [path], SH).people
    pd.testing.assert_frame_equal(out.drop(columns="name"), expected.drop(columns="name"))


# --------------------------------------------------------------------------------------------------
# JSON as clients save it
# --------------------------------------------------------------------------------------------------
def test_small_json_not_in_utf8_is_refused_not_misread(tmp_path):
    # a users page re-saved by an editor in GB18030: reading it as UTF-8 dropped the Chinese bytes
    path = tmp_path / "users.json"
    path.write_bytes(json.dumps(dt.users_json(), ensure_ascii=False).encode("gb18030"))
    assert path.stat().st_size < 4096
    with pytest.raises(ExportFormatError) as err:
        dt.run([path])
    assert "users.json" in str(err.value) and "GB18030" in str(err.value) and "UTF-8" in str(err.value)
    for fmt, payload in (("feishu", fs.users_pages()[0]), ("jiandaoyun", jdy.MEMBERS)):
        path.write_bytes(json.dumps(payload, ensure_ascii=False).encode("gb18030"))
        with pytest.raises(ExportFormatError, match="GB18030"):
            read_export(fmt, [path], SH)


def test_a_cut_off_utf16_json_is_refused(tmp_path):
    users = {"errcode": 0, "result": {"list": [dict(dt.users_json()["result"]["list"][0], userid=f"x{i}")
                                               for i in range(60)]}}
    path = tmp_path / "users.json"
    path.write_bytes(json.dumps(users, ensure_ascii=False).encode("utf-16")[:-1])
    assert path.stat().st_size > 4096
    with pytest.raises(ExportFormatError, match="cut off"):
        dt.run([path])


@pytest.mark.parametrize("fmt,body", [
    ("dingtalk", {"errcode": 40014, "errmsg": "invalid access_token", "result": None}),
    ("dingtalk", {"errcode": 40014, "errmsg": "invalid access_token", "result": {"list": [], "has_more": False}}),
    ("jiandaoyun", {"code": 8301, "msg": "api key invalid", "data": None}),
    ("jiandaoyun", {"code": 8301, "msg": "api key invalid", "users": []}),
])
def test_error_responses_with_an_empty_payload_are_refused(tmp_path, fmt, body):
    folder = tmp_path / "export"
    if fmt == "dingtalk":
        folder.mkdir()
        dt.api_files(folder)
    else:
        jdy._write(folder, departments=jdy.DEPARTMENTS, data=jdy.DATA, forms=jdy.FORMS)
    (folder / "members_2.json").write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(ExportFormatError) as err:
        read_export(fmt, [folder], SH)
    code = str(body.get("errcode", body.get("code")))
    assert "members_2.json" in str(err.value) and code in str(err.value) and "error" in str(err.value)


def test_json_lines_are_read_as_a_list_of_responses(tmp_path):
    # one API response per line, as a paging script appends them
    whole = tmp_path / "whole"
    fs.write_export(whole)
    lines = tmp_path / "lines"
    fs.write_export(lines)
    p1, p2 = fs.users_pages()
    (lines / "users_2.json").unlink()
    (lines / "users_1.json").write_text(json.dumps(p1, ensure_ascii=False) + "\n"
                                        + json.dumps(p2, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = read_export("feishu", [whole], SH)
    out = read_export("feishu", [lines], SH)
    pd.testing.assert_frame_equal(out.people, expected.people)
    pd.testing.assert_frame_equal(out.decisions, expected.decisions)
    approvals = tmp_path / "sp.jsonl"
    approvals.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in wc.approvals()), encoding="utf-8")
    expected = read_export("wecom", [wc.write_approvals(tmp_path / "sp")], SH).decisions
    assert len(expected) == 5  # 7 details: 4 已撤销 and 7 已删除 left out
    pd.testing.assert_frame_equal(read_export("wecom", [approvals], SH).decisions, expected)


def test_broken_json_lines_name_the_line(tmp_path):
    path = tmp_path / "pages.json"
    p1, p2 = fs.users_pages()
    path.write_text(json.dumps(p1) + "\n" + json.dumps(p2)[:-5] + "\n", encoding="utf-8")
    with pytest.raises(ExportFormatError, match="line 2"):
        read_export("feishu", [path], SH)


# --------------------------------------------------------------------------------------------------
# nothing left to write
# --------------------------------------------------------------------------------------------------
def test_all_approvals_withdrawn_is_refused_not_a_crash(tmp_path):
    # only A5, 已撤销; without 发起人部门 the export gives no people either: nothing to write
    headers = [h for h in dt.HEADERS if h != "发起人部门"]
    rows = [[c for h, c in zip(dt.HEADERS, r) if h != "发起人部门"] for r in dt.leave_rows()[1:]]
    path = dt.write_xlsx(tmp_path / "请假.xlsx", {"请假": (headers, rows)})
    with pytest.raises(ExportFormatError) as err:
        import_client("dingtalk", [path], tmp_path / "client", SH)
    assert "请假.xlsx" in str(err.value)
    assert "no decision left" in str(err.value) and "1 withdrawn by the applicant" in str(err.value)
    assert not (tmp_path / "client").exists()
    # with 发起人部门 the applicant is a person: people are written, and the missing decisions said
    path = dt.write_xlsx(tmp_path / "请假2.xlsx", {"请假": (dt.HEADERS, dt.leave_rows()[1:])})
    result = import_client("dingtalk", [path], tmp_path / "client", SH)
    assert result.counts == {"people": 1}
    assert not (tmp_path / "client" / "decisions.csv").exists()
    assert any("no decision" in w and "1 withdrawn" in w for w in result.warnings)


def test_people_with_no_decision_left_write_people_only(tmp_path):
    folder = tmp_path / "feishu"
    folder.mkdir()
    p1, p2 = fs.users_pages()
    (folder / "users.json").write_text(json.dumps([p1, p2], ensure_ascii=False), encoding="utf-8")
    canceled = fs.instances()[3]
    (folder / "i.json").write_text(json.dumps({"code": 0, "data": canceled}, ensure_ascii=False), encoding="utf-8")
    result = import_client("feishu", [folder], tmp_path / "client", SH)
    assert result.counts == {"people": 5}
    assert not (tmp_path / "client" / "decisions.csv").exists()
    assert any("no decision" in w for w in result.warnings)
    assert "decisions.csv not written" in result.log


# --------------------------------------------------------------------------------------------------
# the approval export's cells
# --------------------------------------------------------------------------------------------------
def test_some_ids_stored_as_numbers_are_refused(tmp_path):
    # two rows pasted as numbers into an otherwise intact export: their last digits are gone
    rows = dt.expense_rows() + dt.leave_rows()
    rows[2][0] = int(rows[2][0])
    rows[3][0] = int(rows[3][0])
    path = dt.write_xlsx(tmp_path / "a.xlsx", {"费用报销": (dt.HEADERS, rows)})
    with pytest.raises(ExportFormatError, match="stored as numbers"):
        dt.run([path])
    out, log = dt.run([path], ImportOptions(timezone="Asia/Shanghai", extra={"ids_as_numbers": "true"}))
    # kept as read: whole digits (what the float holds), never scientific notation
    assert "202403061000000700416" in set(out.decisions["decision_id"])
    assert "WARNING" in log.text()


def test_free_text_in_an_action_field_never_reaches_the_log(tmp_path):
    # a record without its 动作 field: the 意见 after the time (names in it) sits where the action goes
    rows = dt.expense_rows()
    rows[2][11] = (dt.rec(("刘洋", "u4", "发起人", "2024-03-06 10:00:00", "提交申请", ""))
                   + ";王芳|u2|主管审批|2024-03-06 10:30:00|请陈静和李娜尽快处理")
    path = dt.write_xlsx(tmp_path / "a.xlsx", {"费用报销": (dt.HEADERS, rows)})
    result = import_client("dingtalk", [path], tmp_path / "client", SH)
    for name in ("client.yml", "people.csv", "decisions.csv", "import.log"):
        text = (tmp_path / "client" / name).read_text(encoding="utf-8")
        for person in ("陈静", "李娜", "王芳", "刘洋", "张伟"):
            assert person not in text, (name, person)
    assert "1 record(s) with an action word orgkit does not know" in result.log


@pytest.mark.parametrize("encoding,sep", [("gb18030", ","), ("utf-16", "\t")])
def test_approval_text_with_bare_title_lines(tmp_path, encoding, sep):
    # the title and export-time lines alone on their lines (no separators), then the header
    text = _table(dt.HEADERS, dt.expense_rows() + dt.leave_rows(), sep,
                  above=("审批数据导出", "导出时间：2024-03-10 10:00:00"))
    path = tmp_path / "审批.csv"
    path.write_bytes(text.encode(encoding))
    plain = tmp_path / "plain.csv"
    plain.write_bytes(_approvals_text().encode("utf-8"))
    expected, _ = dt.run([plain])
    out, log = dt.run([path])
    pd.testing.assert_frame_equal(out.decisions, expected.decisions)
    assert "the header is on line 3" in log.text()
    assert f"encoding of 审批.csv: {encoding}" in log.text()


def test_excel_text_formulas_are_read_as_their_text(tmp_path):
    # ="202403051423000123456": how a CSV made for Excel keeps a 21-digit number as text
    rows = dt.expense_rows() + dt.leave_rows()
    for r in rows:
        r[0] = f'="{r[0]}"'
    path = tmp_path / "审批.csv"
    path.write_bytes(_table(dt.HEADERS, rows).encode("gb18030"))
    plain = tmp_path / "plain.csv"
    plain.write_bytes(_approvals_text().encode("gb18030"))
    expected, _ = dt.run([plain])
    out, log = dt.run([path])
    pd.testing.assert_frame_equal(out.decisions, expected.decisions)
    assert 'decided cells written ="…" in 审批.csv: 6 read as the text inside' in log.text()


# --------------------------------------------------------------------------------------------------
# people
# --------------------------------------------------------------------------------------------------
def test_pages_that_disagree_on_a_member_are_reported(tmp_path):
    # u1 listed again on a page fetched after a move (another department and manager): the first is kept
    users = dt.users_json()["result"]["list"]
    moved = dict(users[0], dept_id_list=[20], manager_userid="u3")
    (tmp_path / "p1.json").write_text(json.dumps({"errcode": 0, "result": {"list": users[:4]}}, ensure_ascii=False),
                                      encoding="utf-8")
    (tmp_path / "p2.json").write_text(json.dumps({"errcode": 0, "result": {"list": users[3:] + [moved]}},
                                                 ensure_ascii=False), encoding="utf-8")
    out, log = dt.run([tmp_path / "p1.json", tmp_path / "p2.json"])
    people = out.people.set_index("employee_id")
    assert people.loc["E001", "manager_id"] == "E002"  # as on the first page
    assert "2 user records repeat a member" in log.text()
    assert "1 of them differ from the first read" in log.text()
    # Feishu: u2 repeats unchanged on page 2, nothing differs
    out = read_export("feishu", [fs.write_export(tmp_path / "fs")], SH)
    assert "1 user records repeat a member" in out.log.text() and "differ" not in out.log.text()


def test_a_reporting_cycle_stops_the_import_and_says_nothing_was_written(tmp_path):
    folder = fs.write_export(tmp_path / "fs")
    p1, _ = fs.users_pages()
    p1["data"]["items"][0]["leader_user_id"] = "u4"  # u1 -> u4 -> u2 -> u1
    (folder / "users_1.json").write_text(json.dumps(p1, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        import_client("feishu", [folder], tmp_path / "client", SH)
    assert "nothing was written" in str(err.value) and "assessed" not in str(err.value)
    assert "reporting cycle of 3 people: E001 -> E004 -> E002 -> E001" in str(err.value)
    assert not (tmp_path / "client").exists()


def test_jiandaoyun_members_listed_twice_are_counted_like_the_others(tmp_path):
    # the member list fetched per department: zhangwei twice, lina once more after a move to 研发部
    users = jdy.MEMBERS["users"]
    moved = dict(users[2], departments=[4])
    files = jdy._write(tmp_path / "jdy", departments=jdy.DEPARTMENTS, members={"users": users},
                       members2={"users": [users[0], moved]})
    out = read_export("jiandaoyun", files, SH)
    assert "2 member records repeat a member" in out.log.text()
    assert "1 of them differ from the first read" in out.log.text()
    assert out.people.set_index("employee_id").loc["lina", "department"] == "销售部 / 华东区"


def test_an_export_where_nobody_has_approved_yet(tmp_path):
    # two approvals just submitted, each waiting on the other applicant: two open decisions, no hop yet
    a3, a6 = dt.expense_rows()[3], list(dt.expense_rows()[3])
    a3[11] = dt.rec(("张伟", "u1", "发起人", "2024-03-07 11:00:00", "提交申请", ""))
    a3[12] = "王芳"
    a6[0], a6[6], a6[7], a6[8], a6[12] = "202403071200000999888", "E002", "u2", "王芳", "张伟"
    a6[11] = dt.rec(("王芳", "u2", "发起人", "2024-03-07 12:00:00", "提交申请", ""))
    out, _ = dt.run([dt.write_xlsx(tmp_path / "a.xlsx", {"费用报销": (dt.HEADERS, [a3, a6])})])
    d = dt.by_id(out.decisions)
    assert set(d) == {dt.A3, "202403071200000999888"}
    assert d[dt.A3]["decider_id"] == "u2" and d["202403071200000999888"]["decider_id"] == "u1"
    assert d[dt.A3]["approvers"] == "" and pd.isna(d[dt.A3]["decided_at"])


def _files(fmt: str) -> dict[str, object]:
    if fmt == "dingtalk":
        return {"users": dt.users_json(), "depts": dt.depts_json(), "tpl": dt.templates_json(),
                "inst": dt.old_instances(), "v1": dt.v1_instance()}
    if fmt == "feishu":
        p1, p2 = fs.users_pages()
        return {"u1": p1, "u2": p2, "d": fs.departments_page(),
                **{f"i{k}": {"code": 0, "data": i} for k, i in enumerate(fs.instances())}}
    if fmt == "wecom":
        a, b = wc.users_responses()
        return {"u1": a, "u2": b, "d": wc.departments_response(), **{f"a{k}": x for k, x in enumerate(wc.approvals())}}
    return {"departments": jdy.DEPARTMENTS, "members": jdy.MEMBERS, "data": jdy.DATA, "instance": jdy.INSTANCE,
            "comments": jdy.COMMENTS, "forms": jdy.FORMS}


@pytest.mark.parametrize("fmt,change", [
    # a value of the wrong JSON type where a platform puts an object or a list: read around, never a traceback
    ("dingtalk", lambda f: f["v1"]["result"]["operationRecords"].__setitem__(1, [])),
    ("dingtalk", lambda f: f["inst"][0]["process_instance"].__setitem__("tasks", 7)),
    ("jiandaoyun", lambda f: f["members"]["users"][6].__setitem__("departments", 4)),
    ("wecom", lambda f: f["a0"]["info"]["comments"][0].__setitem__("commentUserInfo", "zhoujie2")),
    ("feishu", lambda f: f["i2"]["data"]["timeline"][1].__setitem__("ext", 3.5)),
])
def test_wrong_json_types_are_read_around(tmp_path, fmt, change):
    files = _files(fmt)
    expected = read_export(fmt, [jdy._write(tmp_path / "a", **files)[0].parent], SH)
    files = json.loads(json.dumps(files))
    change(files)
    out = read_export(fmt, [jdy._write(tmp_path / "b", **files)[0].parent], SH)
    assert len(out.people) == len(expected.people)
    assert set(out.decisions["decision_id"]) == set(expected.decisions["decision_id"])


def test_feishu_items_that_are_not_a_list_are_refused(tmp_path):
    files = _files("feishu")
    files["d"]["data"]["items"] = -1
    with pytest.raises(ExportFormatError, match="data.items"):
        read_export("feishu", [jdy._write(tmp_path / "a", **files)[0].parent], SH)


def test_a_member_without_main_department_gets_the_first_listed(tmp_path):
    # main_department null for one member: the column of numbers has a gap, which once became "nan"
    files = _files("wecom")
    files["u2"]["userlist"][4]["main_department"] = None  # sunli, in department 4 only
    out = read_export("wecom", [jdy._write(tmp_path / "a", **files)[0].parent], SH)
    sunli = out.people.set_index("employee_id").loc["sunli"]
    assert sunli["department"] == "研发部" and sunli["other_departments"] == ""
    files = _files("feishu")
    files["u1"]["data"]["items"][0]["join_time"] = None  # u1: hire date unknown, the others' kept whole
    out = read_export("feishu", [jdy._write(tmp_path / "b", **files)[0].parent], SH)
    hired = out.people.set_index("employee_id")["hire_date"]
    assert pd.isna(hired["E001"]) and str(hired["E002"])[:10] == "2024-03-05"


def test_a_member_list_of_leavers_only_is_refused_saying_so(tmp_path):
    users = dt.users_json()
    gone = {"errcode": 0, "result": {"data_list": [u["userid"] for u in users["result"]["list"]]}}
    with pytest.raises(ExportFormatError) as err:
        dt.run([dt.dump(tmp_path / "u.json", users), dt.dump(tmp_path / "g.json", gone)])
    assert "no person left: 6 marked as resigned or inactive in the export" in str(err.value)
    leavers = [m for m in jdy.MEMBERS["users"] if m["type"] == 2 or m["status"] == -1]
    with pytest.raises(ExportFormatError) as err:
        read_export("jiandaoyun", jdy._write(tmp_path / "jdy", members={"users": leavers}), SH)
    assert "no person left: 1 external contacts" in str(err.value) and "1 marked as resigned" in str(err.value)


def test_reader_refusals_read_as_import_messages(tmp_path):
    # GB18030 bytes behind a UTF-8 byte-order mark (a file put together from two editors)
    path = tmp_path / "审批.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _approvals_text().encode("gb18030"))
    with pytest.raises(ExportFormatError) as err:
        dt.run([path])
    msg = str(err.value)
    assert "found a file that is utf-8-sig text (the file starts with a UTF-8 byte-order mark) but byte" in msg
    assert "but byte 3 cannot be decoded" in msg  # the first byte after the mark
    assert "client.yml" not in msg and "Save it from Excel as 'CSV UTF-8'" in msg


def test_dingtalk_empty_pages_are_read_not_refused(tmp_path):
    # user/list for a department without members: a successful response with an empty list
    files = [dt.dump(tmp_path / "users.json", dt.users_json()), dt.dump(tmp_path / "depts.json", dt.depts_json())]
    expected, _ = dt.run(files)
    empty = dt.dump(tmp_path / "users_dept30.json", {"errcode": 0, "errmsg": "ok",
                                                    "result": {"has_more": False, "list": []}})
    out, log = dt.run(files + [empty])
    pd.testing.assert_frame_equal(out.people, expected.people)
    assert "read users_dept30.json: DingTalk API response with no records (an empty page), 0 records" in log.text()
    with pytest.raises(ExportFormatError, match="no records"):
        dt.run([empty])
    # the same pages given with --directory
    export = dt.export(tmp_path)
    given = ImportOptions(timezone="Asia/Shanghai", directory=(files[0], empty))
    assert len(dt.run([export], given)[0].people) == len(expected.people)


def test_a_cut_off_utf8_file_with_a_byte_order_mark_is_refused_quietly(tmp_path, capsys):
    # "CSV UTF-8" from Excel cut in the middle of a Chinese character: refused, nothing printed on the way
    path = tmp_path / "成员.csv"
    path.write_bytes(_table(wc.HEADER, wc.book_rows()).encode("utf-8-sig").rstrip(b",\r\n")[:-1])  # 杰, half
    with pytest.raises(ExportFormatError) as err:
        read_export("wecom", [path], SH)
    assert "cut off" in str(err.value)
    assert capsys.readouterr().err == ""
