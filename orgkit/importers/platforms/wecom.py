"""WeCom (企业微信): the address-book export and the open API JSON -> people; approval details -> decisions.

The format ``wecom`` reads, in any mix (each file classified by its content):

* **the address book exported from the admin console** (通讯录 → 批量导入/导出 → 文件导出; ``.xlsx`` or
  ``.csv``): columns 姓名, 帐号 (or 账号), 别名, 职务, 部门 (a ``/`` path from the company down; several
  departments separated by ``;``), 性别, 手机, 座机, 个人邮箱/邮箱, 企业邮箱, 地址, 激活状态/状态 (已激活,
  未激活, 已禁用, 已退出企业), 直属上级, 英文名 and custom fields such as 工号. A title or notes row above the
  header is recognised and skipped;
* **API JSON** — ``user/get`` or ``user/list`` (``userid``, ``name``, ``department`` ids, ``main_department``,
  ``position``, ``is_leader_in_dept``, ``direct_leader``, ``status`` 1 active / 2 disabled / 4 not activated /
  5 left, ``email``, ``biz_mail``, ``mobile``) with ``department/list`` (``id``, ``name``, ``name_en``,
  ``parentid``, ``department_leader``) to name departments and build their paths;
* **approval details** — ``oa/getapprovaldetail`` (``info``: ``sp_no``, ``sp_name``, ``sp_status``,
  ``apply_time`` in epoch seconds, ``applyer``, ``sp_record`` nodes with ``approverattr`` and ``details``,
  ``notifyer``, ``comments``). Form contents (``apply_data``), opinions (``speech``) and comment texts are
  never read.

Rules (written to the import log when they apply; ``docs/importing.md`` has the user's version):

* **Person ids.** A 工号 (employee number) column when every member kept has one and no two share it (it
  matches HR files); else 帐号, the WeCom ``userid`` that approvals and ``direct_leader`` use. ``--set
  id=userid`` or ``--set id=employee_no`` chooses.
* **Left and disabled members** (已退出企业 / status 5; 已禁用 / status 2 — a disabled account cannot use
  WeCom, and disabling is how administrators keep a leaver's account) are left out and counted; members not
  yet activated stay.
* **Primary department**: ``main_department`` (API) or a 主部门 column when given; else the first department
  listed. The others are kept in ``other_departments``.
* **Managers**: ``direct_leader`` / 直属上级 (an account, e-mail or unique name). In API JSON without a
  direct leader, the leader of the person's main department (``is_leader_in_dept`` or
  ``department_leader``), or of the nearest department above it with a leader, when that is someone else.
* **Approvals.** A node (``sp_record`` entry) is *any-one* (或签, ``approverattr`` 1: the first approver to act
  decides the node) or *all-must* (会签, ``approverattr`` 2: every approver must approve). On an any-one node
  only the approver who acted (a time ``sptime`` and an action) is a hop; the others on that node did
  nothing and are no hop, even where the platform copies the node's status onto them. On an all-must node
  every approver who approved (or rejected, transferred...) is a hop. Approver actions: 2 同意 approve,
  3 驳回 reject, 4 转审 and 15 转交 transfer, 11 退回 return, 12 加签 add, 13 同意并加签 approve,
  14 办理 approve; 1 审批中 is still waiting (a pending approval waits on the first waiting approver of its
  first waiting node). ``notifyer`` are copies, ``comments`` comments: neither is a hop.
* Approval statuses: 1 pending, 2 approved, 3 rejected, 10 已支付 approved, 4 已撤销 withdrawn (left out);
  6 通过后撤销 (withdrawn after approval) stays a decided approval, counted; 7 已删除 deleted, left out.
  The decision type is ``sp_name`` (the template's name); WeCom gives no completion time, so ``decided_at``
  is the time of the last approve or reject.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from orgkit.data.contract import normalise_header
from orgkit.errors import ExportFormatError
from orgkit.importers.approvals import build_decisions
from orgkit.importers.base import ImportLog, ImportOptions, Imported, refuse, register
from orgkit.importers.people import Directory, build_people, first_of_each
from orgkit.importers.sources import (iter_files, json_text, read_json, read_sheets, read_table_file, read_text_below_title,
                                     sniff)
from orgkit.importers.times import parse_times

__all__ = ["read_wecom", "ADDRESS_BOOK_COLUMNS", "APPROVER_ACTIONS", "SP_STATUSES", "MEMBER_STATUSES"]

_EXPECTED_JSON = ("WeCom API JSON (user/get or user/list, department/list, oa/getapprovaldetail; whole responses, "
                  "lists of records or folders of pages)")
_EXPECTED_BOOK = "a WeCom address-book export (通讯录导出: 姓名, 帐号, 部门 ...)"
#: Address-book headers (after :func:`~orgkit.data.contract.normalise_header`, ``*`` removed) -> column.
ADDRESS_BOOK_COLUMNS: dict[str, tuple[str, ...]] = {
    "user_id": ("帐号", "账号", "userid", "成员userid", "帐号(userid)", "账号(userid)"),
    "departments": ("部门", "所在部门", "department"),
    "name": ("姓名", "name"),
    "title": ("职务", "职位", "position"),
    "phone": ("手机", "手机号", "mobile"),
    "email": ("个人邮箱", "邮箱", "email"),
    "biz_mail": ("企业邮箱", "biz mail"),
    "status": ("激活状态", "状态", "账号状态", "帐号状态", "status"),
    "manager_ref": ("直属上级", "上级", "direct leader"),
    "employee_no": ("工号", "员工工号", "employee no", "employee number"),
    "primary_department": ("主部门", "main department"),
    "hire_date": ("入职时间", "入职日期"),
}
#: Member statuses left out: the API's codes and the address book's words -> why.
MEMBER_STATUSES = {"5": "left", "已退出企业": "left", "已退出": "left", "退出企业": "left",
                   "2": "disabled", "已禁用": "disabled", "禁用": "disabled"}
#: ``details[].sp_status`` -> step action; 1 (审批中, waiting) is no step.
APPROVER_ACTIONS = {2: "approve", 3: "reject", 4: "transfer", 11: "return", 12: "add", 13: "approve",
                    14: "approve", 15: "transfer"}
#: ``info.sp_status`` -> decision status (7 已删除 is left out before).
SP_STATUSES = {1: "pending", 2: "approved", 3: "rejected", 4: "withdrawn", 6: "other", 7: "deleted",
               10: "approved"}
_HEADER_SCAN = 10


# --------------------------------------------------------------------------------------------------
# JSON: classifying pages
# --------------------------------------------------------------------------------------------------
def _kind(record: Any) -> str | None:
    if not isinstance(record, dict):
        return None
    keys = record.keys()
    if "sp_no" in keys and ("sp_record" in keys or "sp_name" in keys or "applyer" in keys):
        return "approval"
    if "userid" in keys and keys & {"name", "department", "main_department", "status", "position"}:
        return "user"
    if "id" in keys and "parentid" in keys:
        return "department"
    return None


def _shown(obj: Any) -> str:
    if isinstance(obj, dict):
        keys = list(obj)[:10]
        return "an object with the keys " + ", ".join(map(str, keys)) + (" ..." if len(obj) > 10 else "")
    if isinstance(obj, list):
        return f"a list of {len(obj):,} {type(obj[0]).__name__ if obj else 'item'}s"
    return f"a JSON {type(obj).__name__}"


def _json_records(obj: Any, path: Path) -> list[dict[str, Any]]:
    if isinstance(obj, list):
        out: list[dict[str, Any]] = []
        for item in obj:
            if isinstance(item, dict) and "errcode" in item:
                out.extend(_json_records(item, path))
            elif _kind(item) is not None:
                out.append(item)
            else:
                raise refuse(path, _EXPECTED_JSON, f"a list holding {_shown(item)}",
                             "Save the API responses as they came (or lists of their records).")
        return out
    if not isinstance(obj, dict):
        raise refuse(path, _EXPECTED_JSON, _shown(obj))
    if "errcode" in obj and obj.get("errcode") not in (0, "0"):
        msg = str(obj.get("errmsg", "")).strip().replace("\n", " ")[:120]
        raise refuse(path, _EXPECTED_JSON, f"an error response: the API returned error code {obj.get('errcode')}"
                     + (f" ({msg})" if msg else ""),
                     "Call the API again (an app outside the member's visible range, a missing permission or an "
                     "expired access_token is the usual cause) and save the successful response.")
    if "userlist" in obj and isinstance(obj["userlist"], list):
        return _json_records(obj["userlist"], path)
    if "department" in obj and isinstance(obj["department"], list) and "userid" not in obj:
        return _json_records(obj["department"], path)
    if isinstance(obj.get("info"), dict):
        return _json_records(obj["info"], path)
    if "sp_no_list" in obj:
        raise refuse(path, _EXPECTED_JSON, "a list of approval numbers (oa/getapprovalinfo) without their details",
                     "Fetch each approval's detail (oa/getapprovaldetail) and give those responses.")
    if _kind(obj) is not None:
        return [obj]
    raise refuse(path, _EXPECTED_JSON, _shown(obj),
                 "This looks like Feishu/Lark API JSON: use orgkit import feishu." if "code" in obj and "data" in obj
                 else "Give the API responses as they came, or choose the format that matches the file "
                      "(orgkit import --list).")


def _flat(records: list[Any], level: int = 1) -> pd.DataFrame:
    """Records (dicts) as a frame, nested dicts flattened ``level`` deep into ``a.b`` columns.

    Like :func:`pandas.json_normalize` without its deep copy of every record (ten times faster on API pages).
    """
    records = [r for r in records if isinstance(r, dict)]
    if level:
        rows = []
        for r in records:  # one pass over the records: the flattening itself
            if any(isinstance(v, dict) for v in r.values()):
                row = {}
                for k, v in r.items():
                    if isinstance(v, dict):
                        row.update({f"{k}.{k2}": v2 for k2, v2 in v.items()})
                    else:
                        row[k] = v
                rows.append(row)
            else:
                rows.append(r)
        records = rows
    return pd.DataFrame.from_records(records) if records else pd.DataFrame(index=pd.RangeIndex(0))


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    return json_text(frame[name]) if name in frame.columns else pd.Series("", index=frame.index, dtype="str")


def _lists(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        return pd.Series([[] for _ in range(len(frame))], index=frame.index, dtype="object")
    return frame[name].map(lambda v: [str(x).strip() for x in v] if isinstance(v, list) else [])


# --------------------------------------------------------------------------------------------------
# the address book
# --------------------------------------------------------------------------------------------------
def _fold(header: Any) -> str:
    return normalise_header(str(header)).replace("*", "").replace(" ", "")


def _header_map(headers: Sequence[Any]) -> dict[str, int]:
    """Column -> position of its header (the first spelling found wins; each header used once)."""
    folded = [_fold(h) for h in headers]
    found: dict[str, int] = {}
    used: set[int] = set()
    for col, spellings in ADDRESS_BOOK_COLUMNS.items():
        for s in spellings:
            pos = next((i for i, f in enumerate(folded) if f == _fold(s) and i not in used), None)
            if pos is not None:
                found[col] = pos
                used.add(pos)
                break
    return found


def _is_header(headers: Sequence[Any]) -> bool:
    cols = _header_map(headers)
    return "user_id" in cols and "departments" in cols


def _book_frame(path: Path, log: ImportLog) -> pd.DataFrame | None:
    """The address book's rows with canonical columns (every sheet with an address-book header, in order), or
    ``None`` when no table has one."""
    kind = sniff(path)
    frames: list[tuple[pd.DataFrame, str, int]] = []  # table, how it was read, lines above its first row
    if kind == "xlsx":
        for table in read_sheets(path, _EXPECTED_BOOK):
            frames.append((table.frame, f"sheet {table.sheet!r}", 0))
    else:
        try:
            table = read_table_file(path, _EXPECTED_BOOK)
        except ExportFormatError as exc:
            if "fields" not in exc.found:  # not a title line shorter than the header: a real refusal
                raise
            frames.append(_csv_after_title(path))
        else:
            head = [list(table.frame.columns)] + table.frame.head(_HEADER_SCAN).values.tolist()
            read = (table.frame, f"encoding {table.encoding}", 0)
            try:  # a title line without the header's separator (tab-separated text): each line split on its own
                frames.append(read if any(_is_header(row) for row in head) else _csv_after_title(path))
            except ExportFormatError:  # no header in any line either: refused below with the columns found
                frames.append(read)
    found: list[pd.DataFrame] = []
    for frame, how, above in frames:
        headers: list[Any] = list(frame.columns)
        body = frame
        skipped = 0
        if not _is_header(headers):
            for i in range(min(_HEADER_SCAN, len(frame))):
                row = frame.iloc[i].tolist()
                if _is_header(row):
                    headers, body, skipped = row, frame.iloc[i + 1:], i + 1
                    break
            else:
                continue
        cols = _header_map(headers)
        out = pd.DataFrame({c: body.iloc[:, pos].astype("str").str.strip().to_numpy() for c, pos in cols.items()})
        # where each row is in the file, for messages (row numbers as a spreadsheet shows them, never names)
        first = above + skipped + 2
        where = f"{path.name} {how.split(' ', 1)[1]}" if how.startswith("sheet") and len(frames) > 1 else path.name
        out["_row"] = [f"{where} row {first + j}" for j in range(len(out))]
        out = out[(out.drop(columns="_row") != "").any(axis=1)].reset_index(drop=True)
        log.read(path, f"WeCom address book ({how})", len(out))
        if above + skipped:
            log.decided(f"header row of {path.name}", f"row {above + skipped + 1}: the row(s) above it are the "
                        "export's title and notes")
        for c, pos in cols.items():
            log.mapped(f"{path.name}: {headers[pos]}", c)
        found.append(out)
    return pd.concat(found, ignore_index=True) if found else None


def _csv_after_title(path: Path) -> tuple[pd.DataFrame, str, int]:
    """A text export whose first lines are a title shorter than the header: read from the header line."""
    table, above = read_text_below_title(path, _EXPECTED_BOOK, _is_header, max_lines=_HEADER_SCAN)
    return table.frame, f"encoding {table.encoding}", above


def _book_people(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frame = pd.concat(frames, ignore_index=True).fillna("")
    if "biz_mail" in frame.columns:
        email = frame["email"] if "email" in frame.columns else pd.Series("", index=frame.index)
        frame["email"] = email.where(email != "", frame["biz_mail"])
    if "manager_ref" in frame.columns:
        frame["manager_ref"] = frame["manager_ref"].str.split(r"\s*[;；,，]\s*", regex=True).str[0].fillna("")
    frame["status"] = frame["status"] if "status" in frame.columns else ""
    return frame


# --------------------------------------------------------------------------------------------------
# API users and departments
# --------------------------------------------------------------------------------------------------
def _dept_table(departments: list[dict[str, Any]]) -> pd.DataFrame:
    """id -> name, parent, path (names from the top, ``/``-joined), leader (first department_leader)."""
    if not departments:
        return pd.DataFrame({"name": [], "parent": [], "path": [], "leader": []}, dtype="str")
    frame = _flat(departments, 0)
    ids = _col(frame, "id")
    name = _col(frame, "name")
    name = name.where(name != "", _col(frame, "name_en")).where(lambda s: s != "", ids)
    leaders = _lists(frame, "department_leader").str[0].fillna("")
    table = pd.DataFrame({"name": name.str.replace("/", "／", regex=False).to_numpy(),
                          "parent": _col(frame, "parentid").to_numpy(), "leader": leaders.to_numpy()},
                         index=ids.to_numpy())
    table = table[~table.index.duplicated()]
    path = table["name"].copy()
    cur = table["parent"].copy()
    for _ in range(len(table)):
        live = cur.isin(table.index) & (cur != cur.index.to_series())
        if not live.any():
            break
        path[live] = table["name"].reindex(cur[live]).to_numpy() + "/" + path[live]
        cur[live] = table["parent"].reindex(cur[live]).to_numpy()
        cur[~live] = ""
    table["path"] = path
    return table


def _api_people(users: list[dict[str, Any]], depts: pd.DataFrame, log: ImportLog) -> pd.DataFrame:
    frame = _flat(users, 0)
    frame["userid"] = _col(frame, "userid")
    frame = frame[first_of_each([u for u in users if isinstance(u, dict)], frame["userid"], log)].reset_index(drop=True)
    # left and disabled members first: they lead no department and manage nobody
    why = _col(frame, "status").map(MEMBER_STATUSES).fillna("")
    _log_left(why, log)
    frame = frame[(why == "").to_numpy()].reset_index(drop=True)
    for src, dst in (("userid", "employee_id (unless 工号 is chosen)"), ("name", "name"),
                     ("email, biz_mail, mobile", "e-mail, phone (matching only; never written)"),
                     ("department + main_department", "department, other_departments"),
                     ("direct_leader, is_leader_in_dept, department_leader", "manager_id"), ("position", "title"),
                     ("status", "left members left out")):
        log.mapped(src, dst)
    dept_ids = _lists(frame, "department")
    main = _col(frame, "main_department")
    has_main = (main != "") & (main != "0")
    mains = main.where(has_main, "").tolist()
    ordered = [([m] if m else []) + [d for d in ds if d != m] for ds, m in zip(dept_ids.tolist(), mains)]
    if len(depts):
        unnamed = {d for ds in ordered for d in ds} - set(depts.index)
        if unnamed:
            log.note(f"{len(unnamed):,} department id(s) of members are not in the department list given; "
                     "written as ids")
    else:
        log.note("no department list given: departments are written as their ids; give department/list to name "
                 "them")
    paths = depts["path"].to_dict() if len(depts) else {}
    named = [";".join(paths.get(d, d) for d in ds) for ds in ordered]
    log.decided("primary department (WeCom)", f"main_department for {int(has_main.sum()):,} members; the first "
                f"department listed for {int((~has_main).sum()):,}")
    # managers: direct_leader, else the leader of the department (or the nearest one above) who is not oneself
    direct = _lists(frame, "direct_leader").str[0].fillna("")
    leaders = []
    flags = _lists(frame, "is_leader_in_dept")
    for uid, ds, fs in zip(frame["userid"].tolist(), dept_ids.tolist(), flags.tolist()):  # their (few) departments
        leaders.extend((d, uid) for d, f in zip(ds, fs) if f == "1")
    dept_leader = pd.Series(dict(reversed(leaders)), dtype="str") if leaders else pd.Series(dtype="str")
    if len(depts):
        given = depts["leader"][depts["leader"] != ""]
        dept_leader = pd.concat([dept_leader, given[~given.index.isin(dept_leader.index)]])
    manager = direct.copy()
    via_dept = pd.Series(False, index=frame.index)
    if len(dept_leader):
        cur = pd.Series([ds[0] if ds else "" for ds in ordered], index=frame.index, dtype="str")
        parent = depts["parent"] if len(depts) else pd.Series(dtype="str")
        for _ in range(64):  # one department level up per pass, vectorised over members
            todo = (manager == "") & (cur != "")
            if not todo.any():
                break
            cand = cur[todo].map(dept_leader).fillna("")
            ok = (cand != "") & (cand != frame.loc[todo, "userid"])
            manager[ok[ok].index] = cand[ok]
            via_dept[ok[ok].index] = True
            cur[todo] = cur[todo].map(parent).fillna("").where(~ok, "")
    log.decided("managers (WeCom)", f"direct_leader for {int((direct != '').sum()):,} members; the leader of "
                f"their department or the nearest one above (is_leader_in_dept, department_leader) for "
                f"{int(via_dept.sum()):,}; none for {int((manager == '').sum()):,}")
    out = pd.DataFrame({
        "user_id": frame["userid"], "name": _col(frame, "name"),
        "email": _col(frame, "email").where(_col(frame, "email") != "", _col(frame, "biz_mail")),
        "phone": _col(frame, "mobile"), "departments": named, "manager_userid": manager,
        "title": _col(frame, "position"), "status": _col(frame, "status"),
    })
    out["primary_department"] = [paths.get(m, m) if m else "" for m in mains]
    return out


def _log_left(why: pd.Series, log: ImportLog) -> None:
    log.dropped(int((why == "left").sum()), "people", "left the organisation (已退出企业 / status 5)")
    log.dropped(int((why == "disabled").sum()), "people", "disabled accounts (已禁用 / status 2: they cannot use "
                "WeCom; administrators disable the accounts of people who left)")


# --------------------------------------------------------------------------------------------------
# people: ids, left members, the directory
# --------------------------------------------------------------------------------------------------
def _people(frame: pd.DataFrame, options: ImportOptions, log: ImportLog, files: str,
            separator: str) -> tuple[Directory, pd.Series]:
    """Build the directory; returns it and the lookup userid -> employee id of the members kept."""
    frame = frame.copy()
    status = frame["status"].astype("str").str.strip()
    why = status.map(MEMBER_STATUSES).fillna("")
    _log_left(why, log)
    inactive = int(status.isin(["4", "未激活"]).sum())
    if inactive:
        log.note(f"{inactive:,} members are not yet activated (未激活 / status 4); kept, as they are on the org chart")
    frame = frame[(why == "").to_numpy()].reset_index(drop=True)
    blank = frame["user_id"] == ""
    log.dropped(int(blank.sum()), "address-book rows", "no 帐号 (userid)")
    frame = frame[~blank.to_numpy()].reset_index(drop=True)
    if frame.empty:
        raise refuse(files, "WeCom members of whom at least one has not left", "no member kept")
    forced = str(options.extra.get("id", "")).strip().lower()
    if forced and forced not in ("userid", "employee_no"):
        raise refuse(files, "--set id=userid or --set id=employee_no", repr(forced))
    # one member may be on several rows (one per department): judge the 工号 per member
    per_member = frame.drop_duplicates("user_id")
    no = frame["employee_no"] if "employee_no" in frame.columns else pd.Series("", index=frame.index)
    no_first = no[per_member.index]
    no_ok = bool((no_first != "").all() and not no_first.duplicated().any())
    if forced == "employee_no" and not no_ok:
        raise refuse(files, "a 工号 (employee number) for every member kept (--set id=employee_no)",
                     "a 工号 column that is missing, incomplete or repeated")
    if forced == "employee_no" or (not forced and no_ok and "employee_no" in frame.columns):
        emp = no.astype("str")
        log.decided("person ids", "工号 (employee number): " + ("chosen with --set id" if forced else
                    f"present and unique for all {len(per_member):,} members"))
    else:
        emp = frame["user_id"]
        reason = "chosen with --set id" if forced else (
            "帐号, the userid approvals use" + ("; 工号 is incomplete or repeated" if "employee_no" in frame.columns
                                                else ""))
        log.decided("person ids", f"userid ({reason})")
    lookup = pd.Series(emp.to_numpy(), index=frame["user_id"].to_numpy())
    lookup = lookup[~lookup.index.duplicated()]
    people_in = pd.DataFrame({"employee_id": emp.to_numpy(), "user_id": frame["user_id"].to_numpy()})
    for col in ("name", "email", "phone", "departments", "title", "primary_department", "hire_date", "_row"):
        if col in frame.columns:
            people_in[col] = frame[col].to_numpy()
    if "manager_userid" in frame.columns:
        mgr = frame["manager_userid"].map(lookup).fillna("")
        lost = int(((frame["manager_userid"] != "") & (mgr == "")).sum())
        if lost:
            log.note(f"{lost:,} direct leaders are not among the members kept (they left, or are outside the "
                     "export); those people have no manager")
        people_in["manager_id"] = mgr.to_numpy()
    elif "manager_ref" in frame.columns:
        people_in["manager_ref"] = frame["manager_ref"].to_numpy()
    directory = build_people(people_in, file=files, options=options, log=log, path_separator=separator,
                             title="WeCom address book")
    return directory, lookup


# --------------------------------------------------------------------------------------------------
# approvals
# --------------------------------------------------------------------------------------------------
def _approvals(records: list[dict[str, Any]], options: ImportOptions, log: ImportLog, files: str,
               resolve) -> pd.DataFrame:
    info = _flat(records, 0)
    for c in ("sp_no", "sp_name", "template_id", "apply_time"):
        info[c] = _col(info, c)
    info["applyer_id"] = info["applyer"].map(lambda a: str(a.get("userid", "")) if isinstance(a, dict) else "") \
        if "applyer" in info.columns else ""
    n = len(info)
    info = info[~info["sp_no"].duplicated() | (info["sp_no"] == "")].reset_index(drop=True)
    if len(info) < n:
        log.note(f"{n - len(info):,} approval records repeat an approval number; each read once")
    code = pd.to_numeric(_col(info, "sp_status"), errors="coerce")
    status = code.map(SP_STATUSES)
    odd = status.isna()
    if odd.any():
        log.note(f"{int(odd.sum()):,} approvals have a status orgkit does not know; read as decided")
    status = status.fillna("other")
    deleted = (status == "deleted").to_numpy()
    log.dropped(int(deleted.sum()), "approvals", "deleted (已删除, sp_status 7)")
    info, status, code = info[~deleted].reset_index(drop=True), status[~deleted].reset_index(drop=True), \
        code[~deleted].reset_index(drop=True)
    revoked = int((code == 6).sum())
    if revoked:
        log.note(f"{revoked:,} approvals were withdrawn after approval (通过后撤销, sp_status 6): they were decided "
                 "and are kept")
    for src, dst in (("sp_no", "decision_id"), ("sp_name", "decision_type (the template's name, never a title)"),
                     ("applyer.userid", "initiator_id"), ("apply_time (epoch s)", "raised_at"),
                     ("sp_record[].details[]", "approvers, decider_id, decided_at")):
        log.mapped(src, dst)
    # nodes and their approvers
    nodes = info[["sp_no", "sp_record"]].explode("sp_record") if "sp_record" in info.columns else \
        pd.DataFrame({"sp_no": [], "sp_record": []})
    nodes = nodes[nodes["sp_record"].map(lambda r: isinstance(r, dict))]
    nodes["node_no"] = nodes.groupby("sp_no", sort=False).cumcount() + 1
    node_body = _flat(nodes["sp_record"].tolist(), 0) if len(nodes) else pd.DataFrame()
    nodes = pd.DataFrame({"sp_no": nodes["sp_no"].to_numpy(), "node_no": nodes["node_no"].to_numpy(),
                          "attr": pd.to_numeric(_col(node_body, "approverattr"), errors="coerce").to_numpy()
                          if len(node_body) else [],
                          "node_status": pd.to_numeric(_col(node_body, "sp_status"), errors="coerce").to_numpy()
                          if len(node_body) else [],
                          "details": node_body["details"].to_numpy() if "details" in node_body.columns
                          else [None] * len(node_body)})
    det = nodes.explode("details")
    det = det[det["details"].map(lambda r: isinstance(r, dict))].reset_index(drop=True)
    body = _flat(det["details"].tolist()) if len(det) else pd.DataFrame()
    det["userid"] = _col(body, "approver.userid").to_numpy() if len(det) else []
    det["status"] = pd.to_numeric(_col(body, "sp_status"), errors="coerce").to_numpy() if len(det) else []
    det["sptime"] = _col(body, "sptime").to_numpy() if len(det) else []
    det = det.drop(columns="details")
    acted = det["status"].isin(list(APPROVER_ACTIONS)).to_numpy()
    timed = (~det["sptime"].isin(["", "0"])).to_numpy()
    any_one = (det["attr"] == 1).to_numpy()
    idle = acted & any_one & ~timed
    if idle.any():
        log.note(f"{int(idle.sum()):,} approvers on any-one (或签) nodes did not act themselves (no time): no hop")
    step = acted & ~idle
    zone = options.zone
    steps = pd.DataFrame({"decision_id": det.loc[step, "sp_no"].to_numpy(),
                          "actor": resolve(det.loc[step, "userid"].reset_index(drop=True)),
                          "node": ("node " + det.loc[step, "node_no"].astype("str")).to_numpy(),
                          "at": parse_times(det.loc[step, "sptime"].reset_index(drop=True), zone,
                                            what="WeCom sptime", log=log).to_numpy(),
                          "action": det.loc[step, "status"].map(APPROVER_ACTIONS).to_numpy()})
    all_must = int(((det["attr"] == 2).to_numpy() & step).sum())
    log.note(f"approver records: {int(step.sum()):,} acted ({all_must:,} on all-must 会签 nodes), "
             f"{int((det['status'] == 1).sum()):,} still waiting")
    # copies and comments: no hops
    extra = []
    if "notifyer" in info.columns:
        cc = info[["sp_no", "notifyer"]].explode("notifyer")
        cc = cc[cc["notifyer"].map(lambda r: isinstance(r, dict))]
        if len(cc):
            extra.append(pd.DataFrame({"decision_id": cc["sp_no"].to_numpy(),
                                       "actor": resolve(cc["notifyer"].map(lambda r: str(r.get("userid", "")))
                                                        .reset_index(drop=True)),
                                       "node": "", "at": pd.NaT, "action": "cc"}))
    if "comments" in info.columns:
        cm = info[["sp_no", "comments"]].explode("comments")
        cm = cm[cm["comments"].map(lambda r: isinstance(r, dict))]
        if len(cm):
            who = cm["comments"].map(lambda r: str(r["commentUserInfo"].get("userid", ""))
                                     if isinstance(r.get("commentUserInfo"), dict) else "")
            when = cm["comments"].map(lambda r: str(r.get("commenttime", "")))
            extra.append(pd.DataFrame({"decision_id": cm["sp_no"].to_numpy(),
                                       "actor": resolve(who.reset_index(drop=True)), "node": "",
                                       "at": parse_times(when.reset_index(drop=True), zone,
                                                         what="WeCom commenttime").to_numpy(),
                                       "action": "comment"}))
    if extra:
        steps = pd.concat([steps] + extra, ignore_index=True)
    # a pending approval waits on the first waiting approver of its first waiting node
    waiting = det[(det["status"] == 1) & (det["node_status"] == 1)].drop_duplicates("sp_no")
    current = pd.Series(resolve(waiting["userid"].reset_index(drop=True)).to_numpy(), index=waiting["sp_no"].to_numpy())
    instances = pd.DataFrame({
        "decision_id": info["sp_no"], "decision_type": info["sp_name"],
        "initiator": resolve(info["applyer_id"].reset_index(drop=True)), "status": status,
        "raised_at": parse_times(info["apply_time"], zone, what="WeCom apply_time", log=log),
        "finished_at": pd.Series(pd.NaT, index=info.index, dtype="datetime64[ns]"),
        "current": info["sp_no"].map(current).fillna(""),
    })
    no_name = instances["decision_type"] == ""
    if no_name.any() and (info["template_id"] != "").any():
        instances.loc[no_name, "decision_type"] = info.loc[no_name, "template_id"]
        log.note(f"{int(no_name.sum()):,} approvals have no sp_name; typed by template_id")
    return build_decisions(instances, steps, file=files, options=options, log=log, directory=None)


# --------------------------------------------------------------------------------------------------
# the format
# --------------------------------------------------------------------------------------------------
@register("wecom", "WeCom (企业微信) address-book export or open API JSON, and approval details",
          "the address book exported from the admin console (.xlsx/.csv) or user/list + department/list JSON, "
          "and/or oa/getapprovaldetail JSON", ("people", "decisions"),
          settings=("id", "department_separator"))
def read_wecom(paths: Sequence[Path], options: ImportOptions, log: ImportLog) -> Imported:
    """Read WeCom exports into people and decisions (see the module docstring for every rule)."""
    found: dict[str, list[dict[str, Any]]] = {"user": [], "department": [], "approval": []}
    names: dict[str, list[str]] = {"user": [], "department": [], "approval": [], "book": []}
    books: list[pd.DataFrame] = []
    n_files = 0
    for path in iter_files(list(paths)):
        n_files += 1
        kind = sniff(path)
        if kind == "json":
            records = _json_records(read_json(path, _EXPECTED_JSON), path)
            counts: dict[str, int] = {}
            for r in records:
                k = str(_kind(r))
                found[k].append(r)
                counts[k] = counts.get(k, 0) + 1
            for k in counts:
                names[k].append(path.name)
            what = ", ".join(f"{v:,} {k}s" for k, v in sorted(counts.items()))
            log.read(path, f"WeCom API JSON ({what or 'no records'})", len(records))
            continue
        if kind in ("xlsx", "text"):
            frame = _book_frame(path, log)
            if frame is None:
                table = read_table_file(path, _EXPECTED_BOOK)
                shown = ", ".join(map(str, list(table.frame.columns)[:12]))
                raise refuse(path, f"{_EXPECTED_BOOK} with the columns 帐号 (or 账号) and 部门",
                             f"the columns {shown}" + ("" if len(table.frame.columns) <= 12 else " ..."),
                             "Export the address book again from the admin console (通讯录 → 批量导入/导出 → "
                             "文件导出) without removing columns, or choose the format that matches the file.")
            books.append(frame)
            names["book"].append(path.name)
            continue
        read_table_file(path, _EXPECTED_BOOK)  # refuses html, xls, zip, parquet with what they are
    if n_files == 0:
        raise refuse(", ".join(map(str, paths)) or "(none)", _EXPECTED_BOOK, "no file")
    if not books and not found["user"] and not found["approval"]:
        raise refuse(", ".join(names["department"]) or ", ".join(map(str, paths)),
                     "WeCom members (the address book or user/list) or approval details (oa/getapprovaldetail)",
                     "a department list only" if found["department"] else "no members or approvals")
    result = Imported(log=log)
    lookup: pd.Series | None = None
    directory: Directory | None = None
    if found["user"] or books:
        log.section("people")
        if found["user"]:
            if books:
                log.note(f"the address book file(s) {', '.join(names['book'])} were not used for people: the API "
                         "users given are more precise (main_department, direct_leader); give one or the other")
            depts = _dept_table(found["department"])
            frame = _api_people(found["user"], depts, log)
            files = ", ".join(sorted(set(names["user"])))
            directory, lookup = _people(frame, options, log, files, separator="/")
        else:
            frame = _book_people(books)
            directory, lookup = _people(frame, options, log, ", ".join(names["book"]), separator="/")
        result.people = directory.people
    elif options.directory:
        from orgkit.importers.directory import read_directory

        log.section("people (from --directory)")
        directory = read_directory(options.directory, options, log)
        result.people = directory.people
    if found["approval"]:
        log.section("decisions")
        files = ", ".join(sorted(set(names["approval"])))
        if lookup is not None:
            table = lookup[~lookup.index.duplicated()]
            log.decided("approval people", "matched by userid (帐号) to the members kept")

            def resolve(values: pd.Series) -> pd.Series:
                return values.map(table).fillna("").astype("str")
        elif directory is not None:
            def resolve(values: pd.Series) -> pd.Series:
                return directory.resolve(values, what=f"{files}: approval people", log=None)
        else:
            log.note("no members given: approval people are written as their WeCom userids; import the address "
                     "book into the same folder (or give --directory) so that they match the people")

            def resolve(values: pd.Series) -> pd.Series:
                return values.astype("str")
        result.decisions = _approvals(found["approval"], options, log, files, resolve)
    if result.people is None and result.decisions is not None and len(result.decisions):
        # without people the writer cannot judge the language from department names: the approval names tell
        types = pd.Series(pd.unique(result.decisions["decision_type"].astype("str")))
        share = float(types.str.contains(r"[\u4e00-\u9fff]", regex=True).mean())
        if share >= 0.5:
            result.settings["language"] = "zh"
            log.decided("report language", f"zh: {share:.0%} of the approval names are Chinese (change language: "
                        "in client.yml)")
    return result

