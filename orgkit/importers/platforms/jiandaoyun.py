"""Jiandaoyun (简道云) open API JSON: the address book -> people, workflow form data and approval logs -> decisions.

Format ``jiandaoyun``. Give the JSON responses of the open API as saved (one response per file, a list of
responses, or pages of the same call), in any order; each file is classified by its content:

* **members** — ``corp/department/user/list`` (``{"users": [...]}``) or ``corp/user/get`` (``{"user": ...}``):
  ``username`` (the member's id, unique in the company), ``name``, ``departments`` (``dept_no`` list),
  ``type`` (0 staff, 2 an external contact of a connected company), ``status`` (1 in use, -1 deleted),
  ``integrate_id`` (the id on DingTalk/WeCom when the address book is synchronised);
* **departments** — ``corp/department/list`` (``{"departments": [...]}``): ``dept_no``, ``name``,
  ``parent_no``, ``type``, ``status``; a head (``manager``, ``managers``, ``leader``, ``主管``...) when the
  file names one;
* **flow form data** — ``app/entry/data/list`` / ``data/get`` (``{"data": [...]}``): ``_id``, ``creator``
  (``username``, ``name``), ``createTime``/``updateTime`` (ISO, UTC), ``flowState`` (0 进行中, 1 已完成,
  2 手动结束), ``entryId``; a record may carry its approval log under ``logs``, ``approveCommentList``,
  ``approve_comments`` or ``tasks``, and its form's name under ``form_name``/``entry_name``/``formName``;
* **workflow instances** — ``workflow/instance/get`` (``instance_id``, ``form_title``, ``status``, ``creator``,
  ``create_time``, ``finish_time``, ``result``, ``tasks`` with ``flow_name``, ``assignee``, ``create_time``,
  ``finish_time``, ``create_action``, ``finish_action``);
* **approval logs** — ``workflow/instance/logs`` (``logs``: ``flow_name``, ``operator``, ``create_time``,
  ``finish_time``, ``finish_action``) or ``.../approval_comments`` (``approveCommentList``: ``flowNodeName``,
  ``flowAction``, ``operator``), each saved with the instance it belongs to: ``{"instance_id": ..., "logs":
  [...]}``, or an object keyed by instance id;
* **form list** — ``app/entry/list`` (``{"forms": [{"entry_id", "name"}]}``): names forms for records.

Rules (each stated in the log):

* **People** are the members (``type`` 2 external contacts and ``status`` -1 deleted members left out and
  counted). A department is its path below the company (``--department-level`` keeps that many levels); a
  member only in the company's root department gets the root's name. The primary department is the first
  one listed (Jiandaoyun flags none); the others go to ``other_departments``.
* **Managers**, the first source that gives them: a linked HR directory (``--directory``, any HRIS file:
  members matched by ``username``, ``integrate_id``, e-mail or a unique name); a form field
  (``--set manager_field=_widget_...`` — a member field of the records of the export giving each person's
  manager; the person is the record's creator, or ``--set person_field=_widget_...``; the latest record
  wins); department heads, when the department file names them (a member's manager is the head of their
  primary department, or of the department above for the head themselves). Without any, people have no
  managers (the log says so).
* **Decisions**: one per flow record or instance (``_id`` = ``instance_id``). The decision type is the form's
  name, never the record's content. Actions: ``forward`` (提交/同意) at the flow's first node by the
  applicant is the submission, elsewhere an approval; ``back`` (回退) a return; ``transfer`` (转交) a transfer;
  ``reject`` (否决) a rejection; ``close`` (结束) ends the flow where it stands and is read as the deciding
  step; ``sign_before``/``sign_after``/``sign_parallel`` (加签) add approvers; ``cc`` (抄送) and comments are
  not hops. ``flowState`` 0 is an open decision, 1 completed (rejected when ``result`` says so), 2 ended by
  hand. Then :func:`~orgkit.importers.approvals.build_decisions` applies the common rules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from orgkit.importers.approvals import build_decisions
from orgkit.importers.base import ImportLog, ImportOptions, Imported, refuse, register
from orgkit.importers.people import INTERNAL_SEPARATOR, Directory, build_people, first_of_each
from orgkit.importers.sources import iter_files, read_json
from orgkit.importers.times import parse_times

__all__ = ["read_jiandaoyun", "ACTION_MAP", "FLOW_STATES"]

_EXPECTED = ("Jiandaoyun open API JSON (members, departments, flow form data, workflow instances or approval "
             "logs)")
#: Jiandaoyun's flow actions (API codes and the words its screens show) -> orgkit's step actions.
#: ``forward`` is an approval except the applicant's submission (decided per step).
ACTION_MAP = {
    "forward": "forward", "提交": "forward", "同意": "forward", "通过": "forward", "approve": "approve",
    "submit": "submit", "发起": "submit",
    "back": "return", "回退": "return", "退回": "return",
    "transfer": "transfer", "转交": "transfer",
    "reject": "reject", "否决": "reject", "拒绝": "reject", "驳回": "reject",
    "close": "reject", "结束": "reject", "结束流程": "reject", "手动结束": "reject",
    "sign_before": "add", "sign_after": "add", "sign_parallel": "add", "加签": "add", "前加签": "add",
    "后加签": "add", "添加审批人": "add",
    "cc": "cc", "carbon_copy": "cc", "抄送": "cc",
    "comment": "comment", "评论": "comment",
    "revoke": "withdraw", "withdraw": "withdraw", "撤回": "withdraw", "撤销": "withdraw",
}
#: ``flowState`` / instance ``status`` -> orgkit's instance status.
FLOW_STATES = {"0": "pending", "1": "approved", "2": "other", "进行中": "pending", "已完成": "approved",
               "手动结束": "other"}
_HEAD_KEYS = ("managers", "manager", "leaders", "leader", "dept_manager", "dept_managers", "head", "heads",
              "owner", "主管", "部门主管", "负责人")
_LOG_KEYS = ("logs", "approveCommentList", "approve_comments", "approval_comments", "tasks")
_FORM_KEYS = ("form_name", "entry_name", "formName", "entryName", "form_title", "entry_title")
_EMPTY_PAGE = {"users", "departments", "data", "logs", "approveCommentList", "forms", "tasks"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _text(v: Any) -> str:
    if v is None or isinstance(v, (dict, list)):
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _user(v: Any) -> str:
    """The username of a member value (``{"username": ...}``, a list of them, or text)."""
    if isinstance(v, list):
        return _user(v[0]) if v else ""
    if isinstance(v, dict):
        if "value" in v and not ({"username", "name"} & set(v)):
            return _user(v["value"])
        return _text(v.get("username")) or _text(v.get("name"))
    return _text(v)


def _dept_no(v: Any) -> str:
    return _text(v.get("dept_no")) if isinstance(v, dict) else _text(v)


def _listed(v: Any) -> list:
    """A JSON list as it is, a single value as a list of one, nothing as none."""
    return v if isinstance(v, list) else [] if v in (None, "") else [v]


class _Collected:
    def __init__(self) -> None:
        self.members: list[dict] = []
        self.departments: list[dict] = []
        self.records: list[dict] = []
        self.instances: list[dict] = []
        self.logs: list[tuple[str, str, list]] = []  # (instance id, key, entries)
        self.forms: dict[str, str] = {}
        self.files: dict[str, int] = {}


def _classify(obj: Any, file: Path, into: _Collected, depth: int = 0) -> int:
    """Sort one JSON value into ``into``; returns how many items it held (0: nothing of Jiandaoyun's)."""
    if depth > 3:
        return 0
    if isinstance(obj, list):
        if obj and all(isinstance(x, dict) for x in obj):
            if all("username" in x for x in obj):
                into.members.extend(obj)
                return len(obj)
            if all("dept_no" in x for x in obj):
                into.departments.extend(obj)
                return len(obj)
            if all("_id" in x for x in obj):
                into.records.extend(obj)
                return len(obj)
            if all("instance_id" in x for x in obj):
                return sum(_classify(x, file, into, depth + 1) for x in obj)
        return sum(_classify(x, file, into, depth + 1) for x in obj) if obj else 0
    if not isinstance(obj, dict):
        return 0
    if ("code" in obj and obj["code"] not in (0, "0") and ("msg" in obj or "message" in obj)
            and not any(obj.get(k) for k in ("users", "departments", "data"))):  # "data": null comes with an error
        raise refuse(file, _EXPECTED, f"an API error response (code {_text(obj.get('code'))})",
                     "The call failed: check the API key and the app/form ids, call it again and save the answer.")
    n = 0
    if isinstance(obj.get("users"), list):
        into.members.extend(x for x in obj["users"] if isinstance(x, dict))
        n += len(obj["users"])
    if isinstance(obj.get("user"), dict) and "username" in obj["user"]:
        into.members.append(obj["user"])
        n += 1
    if isinstance(obj.get("departments"), list) and all(isinstance(x, dict) for x in obj["departments"]):
        into.departments.extend(obj["departments"])
        n += len(obj["departments"])
    if isinstance(obj.get("forms"), list):
        for f in obj["forms"]:
            if isinstance(f, dict) and _text(f.get("entry_id")):
                into.forms[_text(f.get("entry_id"))] = _text(f.get("name"))
                n += 1
    data = obj.get("data")
    if isinstance(data, list):
        recs = [x for x in data if isinstance(x, dict) and "_id" in x]
        into.records.extend(recs)
        n += len(recs)
    elif isinstance(data, dict) and "_id" in data:
        into.records.append(data)
        n += 1
    inst_id = _text(obj.get("instance_id")) or _text(obj.get("data_id"))
    if inst_id and ({"tasks", "status", "form_title", "creator", "flowState"} & set(obj)):
        into.instances.append(obj)
        n += 1
    elif inst_id:
        for key in _LOG_KEYS:
            if isinstance(obj.get(key), list):
                into.logs.append((inst_id, key, obj[key]))
                n += len(obj[key])
    if n == 0 and obj and all(isinstance(v, dict) for v in obj.values()):
        # {instance_id: {"logs": [...]}, ...}
        for key, value in obj.items():
            for lk in _LOG_KEYS:
                if isinstance(value.get(lk), list):
                    into.logs.append((str(key), lk, value[lk]))
                    n += len(value[lk])
    if n == 0 and "_id" in obj and ("flowState" in obj or "creator" in obj):
        into.records.append(obj)
        n = 1
    return n


def _read_all(paths: Sequence[Path], log: ImportLog) -> _Collected:
    into = _Collected()
    any_file = False
    for path in iter_files(list(paths)):
        any_file = True
        data = read_json(path, _EXPECTED)
        before = (len(into.members), len(into.departments), len(into.records), len(into.instances), len(into.logs))
        n = _classify(data, path, into)
        if n == 0 and isinstance(data, dict) and _EMPTY_PAGE & set(data):
            log.read(path, "Jiandaoyun response with nothing in it (an empty page)", 0)
            continue
        if n == 0:
            keys = list(data)[:10] if isinstance(data, dict) else [type(data).__name__]
            raise refuse(path, _EXPECTED + " (keys such as users, departments, data, instance_id, logs)",
                         f"JSON with the keys {', '.join(map(str, keys))}" if isinstance(data, dict)
                         else "JSON without any Jiandaoyun member, department, record or log",
                         "Save the open API's responses as they come (one response per file).")
        after = (len(into.members), len(into.departments), len(into.records), len(into.instances), len(into.logs))
        what = [w for w, b, a in zip(("members", "departments", "flow form records", "workflow instances",
                                      "approval logs"), before, after) if a > b]
        log.read(path, "Jiandaoyun " + (", ".join(what) or "forms"), n)
    if not any_file:
        raise refuse(", ".join(map(str, paths)) or "(none)", _EXPECTED, "no file")
    return into


# ------------------------------------------------------------------------------------------------------
# people
# ------------------------------------------------------------------------------------------------------
def _dept_paths(departments: list[dict], log: ImportLog) -> tuple[dict[str, str], dict[str, str],
                                                                 dict[str, list[str]]]:
    """dept_no -> path (below the root, joined by the internal separator), dept_no -> parent, dept_no -> heads."""
    frame = pd.DataFrame({"no": [_text(d.get("dept_no")) for d in departments],
                          "name": [_text(d.get("name")) for d in departments],
                          "parent": [_text(d.get("parent_no")) for d in departments]})
    frame = frame.drop_duplicates("no")
    parent = dict(zip(frame["no"], frame["parent"]))
    name = dict(zip(frame["no"], frame["name"]))
    roots = {n for n, p in parent.items() if p in ("", "0", "None") or p not in parent}
    paths: dict[str, str] = {}
    for no in frame["no"]:  # one walk per department (a few thousand at most)
        chain, cur, seen = [], no, set()
        while cur and cur not in roots and cur not in seen:
            seen.add(cur)
            chain.append(name.get(cur, cur))
            cur = parent.get(cur, "")
        paths[no] = INTERNAL_SEPARATOR.join(reversed(chain)) if chain else name.get(no, no)
    heads: dict[str, list[str]] = {}
    for d in departments:
        for key in _HEAD_KEYS:
            v = d.get(key)
            if v:
                vals = v if isinstance(v, list) else [v]
                heads[_text(d.get("dept_no"))] = [u for u in (_user(x) for x in vals) if u]
                break
    log.note(f"departments: {len(frame):,} read, {len(roots):,} root(s) (the company) not part of the paths"
             + (f"; {len(heads):,} name their head" if heads else ""))
    return paths, parent, heads


def _people(col: _Collected, options: ImportOptions, log: ImportLog) -> tuple[pd.DataFrame, dict]:
    members = col.members
    m = pd.DataFrame({
        "employee_id": [_text(x.get("username")) for x in members],
        "name": [_text(x.get("name")) for x in members],
        "user_id": [_text(x.get("integrate_id")) for x in members],
        "type": [_text(x.get("type")) for x in members],
        "status": [_text(x.get("status", x.get("state"))) for x in members],
        "depts": [[_dept_no(d) for d in _listed(x.get("departments")) if _dept_no(d)] for x in members],
    })
    m = m[first_of_each(members, m["employee_id"], log, "member records")]
    external = (m["type"] == "2").to_numpy()
    log.dropped(int(external.sum()), "members", "external contacts of connected companies (type 2), not staff")
    m = m[~external]
    paths, parent, heads = _dept_paths(col.departments, log) if col.departments else ({}, {}, {})
    flat = m["depts"].explode().dropna()
    unknown = sorted(set(flat) - set(paths))
    if unknown:
        log.note(f"{len(unknown):,} department number(s) of members are not in the department list; named "
                 "'Department <dept_no>' (give corp/department/list to name them)")
    label = {**{u: f"Department {u}" for u in unknown}, **paths}
    m["departments"] = flat.map(label).groupby(level=0).agg(";".join).reindex(m.index).fillna("")
    m["resigned"] = np.where(m["status"] == "-1", "true", "")
    frame = m[["employee_id", "name", "user_id", "departments", "resigned"]].copy()
    frame["_row"] = [f"member {i + 1}" for i in range(len(frame))]
    return frame, {"heads": heads, "parent": parent, "first_dept": m.set_index("employee_id")["depts"].str[0]}


def _managers_from_directory(members: pd.DataFrame, options: ImportOptions, log: ImportLog) -> pd.Series | None:
    from orgkit.importers.directory import read_directory

    members = members[members["resigned"] != "true"].reset_index(drop=True)
    log.section("managers (from --directory)")
    hr = read_directory(options.directory, options, log)
    ids = ("id", "user_id", "email")
    key = hr.resolve(members["employee_id"], what="Jiandaoyun usernames in the directory", log=None, kinds=ids)
    for alt, kinds in (("user_id", ids), ("name", ("name",))):  # a username is never matched to a name
        todo = key == ""
        if todo.any():
            key[todo] = hr.resolve(members.loc[todo, alt], what="Jiandaoyun members in the directory", log=None,
                                   kinds=kinds)
    matched = int((key != "").sum())
    log.decided("managers", f"from the linked directory: {matched:,} of {len(members):,} members found in it "
                "(by username, integrate_id, then a unique name)")
    to_member = pd.Series(members["employee_id"].to_numpy(), index=key.to_numpy())
    to_member = to_member[to_member.index != ""]
    to_member = to_member[~to_member.index.duplicated(keep=False)]
    hr_manager = hr.people.set_index("employee_id")["manager_id"] if "manager_id" in hr.people.columns else None
    if hr_manager is None:
        log.note("the linked directory gives no managers")
        return None
    mgr = key.map(hr_manager).fillna("").map(to_member).fillna("")
    outside = int(((key.map(hr_manager).fillna("") != "") & (mgr == "")).sum())
    if outside:
        log.note(f"{outside:,} members' managers in the directory are not Jiandaoyun members; left empty")
    return pd.Series(mgr.to_numpy(), index=members["employee_id"].to_numpy())


def _managers_from_field(col: _Collected, options: ImportOptions, log: ImportLog) -> pd.Series | None:
    field = str(options.extra["manager_field"])
    person_field = options.extra.get("person_field")
    rows = [r for r in col.records if field in r]
    if not rows:
        raise refuse(", ".join(col.files) or "records", f"flow form records with the field {field!r} "
                     "(given with manager_field)", f"{len(col.records):,} records, none with that field",
                     "Give the field's key as the API returns it (_widget_...), and the records of that form.")
    person = [(_user(r.get(person_field)) if person_field else _user(r.get("creator"))) for r in rows]
    frame = pd.DataFrame({"person": person, "manager": [_user(r.get(field)) for r in rows],
                          "at": [_text(r.get("updateTime")) or _text(r.get("createTime")) for r in rows]})
    frame = frame[(frame["person"] != "") & (frame["manager"] != "")]
    frame = frame.sort_values("at", kind="stable")
    changed = frame.groupby("person")["manager"].nunique()
    latest = frame.drop_duplicates("person", keep="last").set_index("person")["manager"]
    log.decided("managers", f"from the form field {field!r} of {len(rows):,} records: {len(latest):,} people, "
                f"each the {'field ' + repr(person_field) if person_field else 'record creator'}; "
                f"{int((changed > 1).sum()):,} with different managers in different records take the latest")
    return latest


def _managers_from_heads(frame: pd.DataFrame, info: dict, log: ImportLog) -> pd.Series | None:
    heads, parent = info["heads"], info["parent"]
    if not heads:
        return None

    def nearest(dept: str) -> str:  # the first head at or above ``dept`` (one walk per department)
        seen = set()
        while dept and dept not in seen:
            seen.add(dept)
            if heads.get(dept):
                return heads[dept][0]
            dept = parent.get(dept, "")
        return ""

    depts = set(parent) | set(heads)
    near = pd.Series({d: nearest(d) for d in depts}, dtype="str")
    above = pd.Series({d: nearest(parent.get(d, "")) for d in depts}, dtype="str")
    first = info["first_dept"].reindex(frame["employee_id"]).fillna("").astype("str")
    pairs = {(h, d) for d, hs in heads.items() for h in hs}
    is_head = pd.MultiIndex.from_arrays([frame["employee_id"].astype("str"), first]).isin(list(pairs))
    mgr = pd.Series(np.where(is_head, first.map(above).fillna(""), first.map(near).fillna("")),
                    index=frame["employee_id"].to_numpy(), dtype="str")
    mgr[mgr.index == mgr.to_numpy()] = ""
    log.decided("managers", "from department heads: each member's manager is the head of their first "
                "department, or of the nearest department above that has one (for the head themselves, the "
                "nearest head above their department)")
    return mgr


# ------------------------------------------------------------------------------------------------------
# decisions
# ------------------------------------------------------------------------------------------------------
def _steps_from(entries: list, decision: str, key: str) -> list[dict]:
    out = []
    for e in entries:
        if not isinstance(e, dict):
            continue
        if key == "approveCommentList" or "flowAction" in e:
            action = _text(e.get("flowAction"))
            node = _text(e.get("flowNodeName"))
            at = _text(e.get("create_time") or e.get("createTime") or e.get("time"))
            pending = False
        else:
            action = _text(e.get("finish_action")) or ""
            node = _text(e.get("flow_name")) or _text(e.get("flowNodeName"))
            at = _text(e.get("finish_time"))
            pending = not at and not action
        actor = _user(e.get("operator")) or _user(e.get("assignee"))
        out.append({"decision_id": decision, "actor": actor, "node": node, "at": at, "raw": action,
                    "pending": pending, "started": _text(e.get("create_time"))})
    return out


def _decisions(col: _Collected, options: ImportOptions, log: ImportLog, directory: Directory | None,
               file: str) -> pd.DataFrame | None:
    inst_rows: dict[str, dict] = {}
    steps: list[dict] = []
    form_names = dict(col.forms)
    for i in col.instances:
        if _text(i.get("form_id")) and _text(i.get("form_title")):
            form_names.setdefault(_text(i.get("form_id")), _text(i.get("form_title")))
    for r in col.records:
        if "flowState" not in r and not any(k in r for k in _LOG_KEYS):
            continue  # a plain form record (no workflow)
        rid = _text(r.get("_id"))
        entry = _text(r.get("entryId")) or _text(r.get("entry_id"))
        form = next((_text(r.get(k)) for k in _FORM_KEYS if _text(r.get(k))), "") or form_names.get(entry, "")
        inst_rows[rid] = {"decision_id": rid, "form": form, "entry": entry, "initiator": _user(r.get("creator")),
                          "raised": _text(r.get("createTime")), "finished": "", "state": _text(r.get("flowState")),
                          "result": _text(r.get("result"))}
        for key in _LOG_KEYS:
            if isinstance(r.get(key), list):
                steps += _steps_from(r[key], rid, key)
    for i in col.instances:
        iid = _text(i.get("instance_id")) or _text(i.get("data_id"))
        row = inst_rows.setdefault(iid, {"decision_id": iid, "form": "", "entry": "", "initiator": "", "raised": "",
                                         "finished": "", "state": "", "result": ""})
        row["form"] = row["form"] or _text(i.get("form_title")) or form_names.get(_text(i.get("form_id")), "")
        row["entry"] = row["entry"] or _text(i.get("form_id"))
        row["initiator"] = row["initiator"] or _user(i.get("creator"))
        row["raised"] = row["raised"] or _text(i.get("create_time"))
        row["finished"] = _text(i.get("finish_time")) or row["finished"]
        row["state"] = row["state"] or _text(i.get("status"))
        row["result"] = row["result"] or _text(i.get("result"))
        for key in _LOG_KEYS:
            if isinstance(i.get(key), list):
                steps += _steps_from(i[key], iid, key)
    for iid, key, entries in col.logs:
        steps += _steps_from(entries, iid, key)
    if not inst_rows:
        if steps:
            log.dropped(len(steps), "approval log entries", "no flow record or workflow instance gives their "
                        "applicant and form; give app/entry/data/list or workflow/instance/get too")
        return None
    inst = pd.DataFrame(list(inst_rows.values()))
    unnamed = (inst["form"] == "").to_numpy()
    if unnamed.any():
        given = _text(options.extra.get("form_name"))
        inst.loc[unnamed, "form"] = (given if given else "form " + inst.loc[unnamed, "entry"].where(
            inst.loc[unnamed, "entry"] != "", "unknown"))
        log.note(f"{int(unnamed.sum()):,} flow records have no form name in the export; typed "
                 + (f"{given!r} (form_name)" if given else "'form <entry id>' (give app/entry/list, "
                    "workflow/instance/get or --set form_name=NAME to name the form)"))
    zone = options.zone
    inst["raised_at"] = parse_times(inst["raised"], zone, what="Jiandaoyun createTime", log=log)
    inst["finished_at"] = parse_times(inst["finished"], zone, what="Jiandaoyun finish_time", log=log)
    status = inst["state"].map(FLOW_STATES).fillna("other")
    rejected = inst["result"].str.lower().isin(("reject", "rejected", "否决", "拒绝"))
    status = status.where(~((status == "approved") & rejected), "rejected")
    st = pd.DataFrame(steps, columns=["decision_id", "actor", "node", "at", "raw", "pending", "started"])
    st = st.drop_duplicates(["decision_id", "actor", "node", "at", "raw"])
    orphan = ~st["decision_id"].isin(inst["decision_id"])
    n_ids = st.loc[orphan, "decision_id"].nunique()
    log.dropped(int(orphan.sum()), "approval log entries", f"their instance ({n_ids:,} distinct ids) is in "
                "neither the flow records nor the workflow instances given")
    st = st[~orphan]
    st["at"] = parse_times(st["at"], zone, what="Jiandaoyun approval log times", log=log)
    current = st[st["pending"]].groupby("decision_id")["actor"].last()
    st = st[~st["pending"]]
    action = st["raw"].map(ACTION_MAP)
    unknown = action.isna() & (st["raw"] != "")
    if unknown.any():
        log.note("approval log actions not known, read as 'other': " + ", ".join(
            f"{a!r} ({n:,})" for a, n in st.loc[unknown, "raw"].value_counts().head(10).items()))
    action = action.fillna("other")
    # a forward at the flow's first node by the applicant is the submission
    st = st.assign(_o=np.arange(len(st))).sort_values(["decision_id", "at", "_o"], kind="stable",
                                                      na_position="last")
    action = action.loc[st.index]
    first_node = st.groupby("decision_id")["node"].transform("first")
    init = st["decision_id"].map(inst.set_index("decision_id")["initiator"]).fillna("")
    submit = (action == "forward") & (st["node"] == first_node) & (st["actor"] == init)
    action = action.where(~submit, "submit").replace({"forward": "approve"})
    st = st.assign(action=action.to_numpy())
    counts = st["raw"].value_counts()
    shown = {**ACTION_MAP, "forward": "approve or submit", "提交": "approve or submit", "同意": "approve or submit"}
    log.decided("approval actions", "mapped " + ", ".join(f"{r or '(none)'}->{shown.get(r, 'other')} "
                                                         f"({n:,})" for r, n in counts.items())
                + f"; {int(submit.sum()):,} forwards at the first node by the applicant read as the submission")
    instances = pd.DataFrame({
        "decision_id": inst["decision_id"], "decision_type": inst["form"], "initiator": inst["initiator"],
        "raised_at": inst["raised_at"], "finished_at": inst["finished_at"], "status": status,
        "current": _blank_na(inst["decision_id"].map(current))})
    return build_decisions(instances, st[["decision_id", "actor", "node", "at", "action"]], file=file,
                           options=options, log=log, directory=directory)


def _blank_na(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), "").astype("str")


@register("jiandaoyun", "Jiandaoyun (简道云) open API JSON: address book, flow form data and approval logs",
          "JSON responses of the open API: members and departments (corp/...), flow form records "
          "(app/entry/data/list), workflow instances or logs", ("people", "decisions"),
          settings=("manager_field", "person_field", "form_name", "department_separator"))
def read_jiandaoyun(paths: Sequence[Path], options: ImportOptions, log: ImportLog) -> Imported:
    """Read Jiandaoyun open API JSON into people and decisions (see the module docstring)."""
    col = _read_all(paths, log)
    col.files = {Path(p).name: 1 for p in paths}
    file = ", ".join(col.files)
    people = None
    directory: Directory | None = None
    if col.members:
        log.section("people")
        frame, info = _people(col, options, log)
        manager = None
        if options.directory:
            manager = _managers_from_directory(frame, options, log)
        elif options.extra.get("manager_field"):
            manager = _managers_from_field(col, options, log)
        else:
            manager = _managers_from_heads(frame, info, log)
            if manager is None:
                log.note("managers: none in the export (give --directory HR_FILE, --set manager_field=_widget_..., "
                         "or a department list naming heads)")
        if manager is not None:
            frame["manager_ref"] = frame["employee_id"].map(manager).fillna("")
        directory = build_people(frame, file=file, options=options, log=log, path_separator=INTERNAL_SEPARATOR,
                                 title="Jiandaoyun member list")
        people = directory.people
    elif options.directory:
        from orgkit.importers.directory import read_directory

        log.section("people (from --directory)")
        directory = read_directory(options.directory, options, log)
        people = directory.people
    decisions = None
    if col.records or col.instances or col.logs:
        log.section("decisions")
        if directory is None:
            log.note("no member list and no --directory: applicants and approvers are kept as Jiandaoyun usernames")
        decisions = _decisions(col, options, log, directory, file)
    if people is None and decisions is None:
        raise refuse(file, _EXPECTED, "no members and no flow records",
                     "Give the member list (corp/department/user/list) or flow form data with approval logs.")
    texts = pd.Series(
        ([] if people is None else list(pd.unique(people["department"])))
        + ([] if decisions is None else list(pd.unique(decisions["decision_type"]))), dtype="str")
    settings = {}
    if len(texts) and texts.str.contains(_CJK).mean() >= 0.5:
        settings["language"] = "zh"
        log.decided("report language", "zh: most department and form names are Chinese")
    return Imported(people=people, decisions=decisions, settings=settings, log=log)
