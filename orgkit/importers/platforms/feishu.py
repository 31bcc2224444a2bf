"""Feishu / Lark open API JSON: contact/v3 users and departments -> people; approval/v4 instances -> decisions.

The format ``feishu`` reads the responses of Feishu's (and Lark's) open platform as saved by a script or an
integration tool: whole responses (``{"code": 0, "data": {"items": [...], "has_more": ...}}``), single-record
responses (``data.user``, ``data.department``, an instance's detail as ``data``), plain lists of records, or a
folder of such pages, in any mix. Each file is classified by its content:

* **users** (``contact/v3/users``, ``users/find_by_department``, ``users/batch``): ``user_id``, ``open_id``,
  ``union_id``, ``name``, ``en_name``, ``email``, ``mobile``, ``department_ids``, ``leader_user_id``,
  ``employee_no``, ``job_title``, ``join_time`` (epoch seconds), ``status`` (``is_resigned``, ``is_exited``,
  ``is_activated``, ``is_frozen``, ``is_unjoin``) and ``orders`` (``department_id``, ``is_primary_dept``,
  ``department_order``);
* **departments** (``contact/v3/departments``): ``department_id``, ``open_department_id``, ``name``,
  ``i18n_name``, ``parent_department_id`` — they name the departments of users and give their paths;
* **approval instances** (``approval/v4/instances/:instance_id``): ``approval_name``, ``approval_code``,
  ``serial_number``, ``instance_code``, ``start_time``/``end_time`` (epoch ms as text, ``"0"`` while pending),
  ``user_id``/``open_id`` of the applicant, ``status``, ``task_list``, ``timeline`` and ``comment_list``.
  The form (``form``) and the text of comments are never read.

Rules (written to the import log when they apply; ``docs/importing.md`` has the user's version):

* **Person ids.** ``employee_no`` (工号) when every member kept has one and no two share it (it matches HR
  files); else ``user_id`` (stable within the tenant) when complete and unique; else ``open_id``.
  ``--set id=user_id`` (or ``employee_no``, ``open_id``) chooses. Approvals name people by ``user_id`` and
  ``open_id``; they are matched to members by the one both files carry completely (``user_id`` first).
* **Resigned** (``is_resigned``) and **exited** (``is_exited``, which becomes resigned) members are left out
  and counted; members not yet activated, frozen or not yet joined stay (they are still on the org chart).
* **Primary department**: the order flagged ``is_primary_dept``; without a flag the one with the largest
  ``department_order`` (Feishu's own rule); else the first of ``department_ids``. The others are kept in
  ``other_departments``. Department paths run from the top department down (names joined with ``/``).
* **Managers**: ``leader_user_id`` (an id of the kind the export asked for) matched to a kept member.
* **Approvals**: steps from ``timeline``: ``START`` submit, ``PASS`` approve, ``REJECT`` reject,
  ``TRANSFER`` transfer, ``ROLLBACK``/``ROLLBACK_SELECTED`` return, ``ADD_APPROVER*`` add, ``CC`` copy,
  ``CANCEL`` withdraw; automatic passes/rejections and de-duplications (``AUTO_PASS``, ``AUTO_REJECT``,
  ``REMOVE_REPEAT``) have no person and are no hop. A pending instance waits on its first ``PENDING`` task.
  ``CANCELED`` instances are withdrawn and ``DELETED`` ones are left out, both counted. The decision type is
  ``approval_name``; the number is ``serial_number`` (``instance_code`` when absent).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from orgkit.importers.approvals import build_decisions
from orgkit.importers.base import ImportLog, ImportOptions, Imported, refuse, register
from orgkit.importers.people import Directory, build_people, first_of_each
from orgkit.importers.sources import iter_files, json_text, read_json
from orgkit.importers.times import parse_times

__all__ = ["read_feishu", "TIMELINE_ACTIONS", "INSTANCE_STATUSES", "ID_KINDS"]

_EXPECTED = ("Feishu/Lark open API JSON (contact/v3 users or departments, approval/v4 instance details; "
             "whole responses, lists of records or folders of pages)")
#: Which id becomes ``employee_id``, in order of preference (``--set id=...`` chooses one).
ID_KINDS = ("employee_no", "user_id", "open_id")
#: timeline ``type`` -> step action (:data:`orgkit.importers.approvals.ACTIONS`).
TIMELINE_ACTIONS = {
    "START": "submit", "PASS": "approve", "REJECT": "reject", "TRANSFER": "transfer",
    "ROLLBACK": "return", "ROLLBACK_SELECTED": "return", "ADD_APPROVER_BEFORE": "add", "ADD_APPROVER": "add",
    "ADD_APPROVER_AFTER": "add", "DELETE_APPROVER": "other", "CANCEL": "withdraw", "DELETE": "other",
    "CC": "cc", "AUTO_PASS": "other", "AUTO_REJECT": "other", "REMOVE_REPEAT": "other",
}
#: instance ``status`` -> decision status (``DELETED`` instances are left out before).
INSTANCE_STATUSES = {"PENDING": "pending", "APPROVED": "approved", "REJECTED": "rejected",
                     "CANCELED": "withdrawn", "CANCELLED": "withdrawn", "DELETED": "deleted"}


# --------------------------------------------------------------------------------------------------
# reading and classifying pages
# --------------------------------------------------------------------------------------------------
def _kind(record: Any) -> str | None:
    """``user``, ``department``, ``instance`` or ``None`` for one record."""
    if not isinstance(record, dict):
        return None
    keys = record.keys()
    if "approval_name" in keys or "timeline" in keys or "task_list" in keys or (
            "instance_code" in keys and "serial_number" in keys):
        return "instance"
    if "open_department_id" in keys or "parent_department_id" in keys:
        return "department"
    if ("open_id" in keys or "user_id" in keys or "union_id" in keys) and (
            keys & {"department_ids", "name", "status", "employee_no", "orders", "leader_user_id", "en_name"}):
        return "user"
    return None


def _shown_keys(obj: Any) -> str:
    if isinstance(obj, dict):
        keys = list(obj)[:10]
        return "an object with the keys " + ", ".join(map(str, keys)) + (" ..." if len(obj) > 10 else "")
    if isinstance(obj, list):
        return f"a list of {len(obj):,} {type(obj[0]).__name__ if obj else 'item'}s"
    return f"a JSON {type(obj).__name__}"


def _records(obj: Any, path: Path, pages: dict[str, list[bool]]) -> list[dict[str, Any]]:
    """The records of one parsed file (a response, a list of responses or records, one record)."""
    if isinstance(obj, list):
        out: list[dict[str, Any]] = []
        for item in obj:
            if isinstance(item, dict) and "code" in item and ("data" in item or "msg" in item):
                out.extend(_records(item, path, pages))
            elif _kind(item) is not None:
                out.append(item)
            else:
                raise refuse(path, _EXPECTED, f"a list holding {_shown_keys(item)}",
                             "Save the API responses as they came (or lists of their items).")
        return out
    if not isinstance(obj, dict):
        raise refuse(path, _EXPECTED, _shown_keys(obj))
    if "code" in obj and ("msg" in obj or "data" in obj or "error" in obj):
        code = obj.get("code")
        if code not in (0, "0"):
            msg = str(obj.get("msg", "")).strip().replace("\n", " ")[:120]
            raise refuse(path, _EXPECTED, f"an error response: the API returned error code {code}"
                         + (f" ({msg})" if msg else ""),
                         "Call the API again (a missing permission or an expired token is the usual cause) "
                         "and save the successful response.")
        data = obj.get("data")
        if data is None:
            return []
        if not isinstance(data, dict):
            raise refuse(path, _EXPECTED, f"a response whose data is {_shown_keys(data)}")
        if "items" in data:
            items = data.get("items") or []
            if not isinstance(items, list):
                raise refuse(path, _EXPECTED, f"a response whose data.items is {_shown_keys(items)}, not a list")
            if items:
                pages.setdefault(str(_kind(items[0])), []).append(bool(data.get("has_more")))
            return _records(items, path, pages) if items else []
        for single in ("user", "department"):
            if isinstance(data.get(single), dict):
                return _records(data[single], path, pages)
        if "instance_list" in data:
            raise refuse(path, _EXPECTED, "an instance search result (approval/v4/instances/query), which has no "
                         "approval steps", "Fetch each instance's detail (approval/v4/instances/:instance_id) "
                         "and give those responses.")
        if "instance_code_list" in data:
            raise refuse(path, _EXPECTED, "a list of approval instance codes (approval/v4/instances) without "
                         "their details", "Fetch each instance's detail (approval/v4/instances/:instance_id) "
                         "and give those responses.")
        if _kind(data) is not None:
            return [data]
        raise refuse(path, _EXPECTED, f"a response whose data is {_shown_keys(data)}")
    if "items" in obj and isinstance(obj["items"], list):
        return _records(obj["items"], path, pages)
    if _kind(obj) is not None:
        return [obj]
    raise refuse(path, _EXPECTED, _shown_keys(obj),
                 "This looks like WeCom or DingTalk API JSON: use orgkit import wecom or dingtalk." if "errcode" in obj
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


# --------------------------------------------------------------------------------------------------
# departments
# --------------------------------------------------------------------------------------------------
def _department_paths(departments: list[dict[str, Any]], log: ImportLog) -> dict[str, str]:
    """Every department id (``department_id`` and ``open_department_id``) -> its path of names, top first."""
    if not departments:
        return {}
    frame = _flat(departments)
    did, oid = _col(frame, "department_id"), _col(frame, "open_department_id")
    name = _col(frame, "name")
    for alt in ("i18n_name.zh_cn", "i18n_name.en_us", "i18n_name.ja_jp"):
        name = name.where(name != "", _col(frame, alt))
    key = oid.where(oid != "", did)
    name = name.where(name != "", key)
    parent = _col(frame, "parent_department_id")
    # one key per department; parents may be given as either id kind
    canon = pd.concat([pd.Series(key.to_numpy(), index=did.to_numpy()),
                       pd.Series(key.to_numpy(), index=oid.to_numpy())])
    canon = canon[canon.index != ""]
    canon = canon[~canon.index.duplicated()]
    table = pd.DataFrame({"key": key, "name": name, "parent": parent.map(canon).fillna("")})
    table = table.drop_duplicates("key").set_index("key")
    names = table["name"].str.replace("/", "／", regex=False)
    path = names.copy()
    cur = table["parent"].copy()
    for _ in range(len(table)):  # one step up per pass, vectorised over all departments
        live = cur.isin(table.index) & (cur != cur.index.to_series())
        if not live.any():
            break
        path[live] = names.reindex(cur[live]).to_numpy() + "/" + path[live]
        cur[live] = table["parent"].reindex(cur[live]).to_numpy()
        cur[~live] = ""
    log.note(f"departments read: {len(table):,} (named from the departments given, paths from "
             "parent_department_id)")
    return canon.map(path).dropna().to_dict()


# --------------------------------------------------------------------------------------------------
# users
# --------------------------------------------------------------------------------------------------
def _users(users: list[dict[str, Any]], paths: dict[str, str], options: ImportOptions, log: ImportLog,
           files: str) -> tuple[Directory, dict[str, pd.Series], str]:
    """Build people from user records; returns the directory, id lookups per kind and the id kind used."""
    frame = _flat(users)
    for c in ("user_id", "open_id", "union_id"):
        frame[c] = _col(frame, c)
    key = frame["open_id"].where(frame["open_id"] != "", frame["user_id"])
    frame = frame[first_of_each([u for u in users if isinstance(u, dict)], key, log)].reset_index(drop=True)
    resigned = _col(frame, "status.is_resigned").str.lower().eq("true")
    exited = _col(frame, "status.is_exited").str.lower().eq("true") & ~resigned
    log.dropped(int(resigned.sum()), "people", "resigned (status.is_resigned)")
    log.dropped(int(exited.sum()), "people", "left the organisation (status.is_exited; Feishu marks them "
                "resigned later)")
    for flag, what in (("status.is_activated", "not yet activated"), ("status.is_frozen", "frozen (suspended)"),
                       ("status.is_unjoin", "not yet joined")):
        raw = _col(frame, flag).str.lower()
        k = int((raw.eq("false") if flag == "status.is_activated" else raw.eq("true"))[~(resigned | exited)].sum())
        if k:
            log.note(f"{k:,} members are {what}; kept, as they are on the org chart")
    all_users = frame
    frame = frame[~(resigned | exited).to_numpy()].reset_index(drop=True)
    if frame.empty:
        raise refuse(files, "Feishu users of whom at least one is not resigned", "only resigned members")
    # --- which id
    forced = str(options.extra.get("id", "")).strip().lower()
    if forced and forced not in ID_KINDS:
        raise refuse(files, f"--set id= one of {', '.join(ID_KINDS)}", repr(forced))
    cols = {k: _col(frame, k) for k in ID_KINDS}

    def usable(kind: str) -> tuple[bool, str]:
        v = cols[kind]
        missing, dup = int((v == "").sum()), int(v[v != ""].duplicated().sum())
        why = (f"missing for {missing:,}" if missing else "") + (", " if missing and dup else "") + (
            f"shared by {dup:,} repeated value(s)" if dup else "")
        return (not missing and not dup), why

    if forced:
        ok, why = usable(forced)
        if not ok:
            raise refuse(files, f"a {forced} for every member kept (--set id={forced})", why,
                         f"Choose another id: {', '.join(ID_KINDS)}.")
        kind, reason = forced, "chosen with --set id"
    else:
        kind, reason, whys = "", "", []
        for k in ID_KINDS:
            ok, why = usable(k)
            if ok:
                kind = k
                reason = f"present and unique for all {len(frame):,} members" + (
                    f" ({'; '.join(whys)})" if whys else "")
                break
            whys.append(f"{k} {why}")
        if not kind:
            raise refuse(files, "Feishu users with a complete id (employee_no, user_id or open_id)",
                         "; ".join(whys), "Export the users with the user ID permission "
                         "(contact:user.employee_id:readonly) so that user_id is filled.")
    log.decided("person ids", f"{kind} ({reason})")
    emp = cols[kind]
    # lookups from every id kind of kept members to their employee id
    lookups = {k: pd.Series(emp.to_numpy(), index=_col(frame, k).to_numpy()) for k in ("user_id", "open_id",
                                                                                          "union_id")}
    lookups = {k: s[(s.index != "")] for k, s in lookups.items()}
    lookups = {k: s[~s.index.duplicated()] for k, s in lookups.items()}
    # --- departments: primary from orders, names/paths from the departments
    dept_lists = frame["department_ids"] if "department_ids" in frame.columns else pd.Series(
        [[] for _ in range(len(frame))], index=frame.index)
    dept_lists = dept_lists.map(lambda v: [str(x) for x in v] if isinstance(v, list) else [])
    primary = pd.Series("", index=frame.index, dtype="str")
    if "orders" in frame.columns:
        orders = frame[["orders"]].assign(row=frame.index).explode("orders")
        orders = orders[orders["orders"].map(lambda o: isinstance(o, dict))]
        if len(orders):
            o = _flat(orders["orders"].tolist())
            o["row"] = orders["row"].to_numpy()
            o["dept"] = _col(o, "department_id")
            o["flag"] = _col(o, "is_primary_dept").str.lower().eq("true")
            o["rank"] = pd.to_numeric(_col(o, "department_order"), errors="coerce").fillna(-np.inf)
            o["_pos"] = np.arange(len(o))
            o = o[o["dept"] != ""].sort_values(["row", "flag", "rank", "_pos"], ascending=[True, False, False, True],
                                               kind="stable")
            best = o.groupby("row", sort=False).head(1).set_index("row")
            primary.loc[best.index] = best["dept"].to_numpy()
            flagged = int(best["flag"].sum())
            log.decided("primary department (Feishu orders)", f"is_primary_dept for {flagged:,} members; the largest "
                        f"department_order for {len(best) - flagged:,}; the first of department_ids for the rest")
    if not paths:
        log.note("no departments given: departments are written as their ids; give the contact/v3 "
                 "departments pages to name them")
    known_paths = pd.Series(paths, dtype="str") if paths else pd.Series(dtype="str")
    unnamed = {d for ds in dept_lists for d in ds} - set(known_paths.index)
    if paths and unnamed:
        log.note(f"{len(unnamed):,} department id(s) of members are not in the departments given; written as ids")

    def named(ids: list[str]) -> list[str]:
        return [paths.get(d, d) for d in ids if d and d != "0"]

    departments = dept_lists.map(lambda ds: ";".join(named(ds)))
    primary_named = primary.map(lambda d: paths.get(d, d) if d and d != "0" else "")
    top = int(dept_lists.map(lambda ds: bool(ds) and all(d == "0" for d in ds)).sum())
    if top:
        log.note(f"{top:,} members are only in the top-level department (0), which has no name of its own")
    # --- managers
    leader = _col(frame, "leader_user_id")
    manager = pd.Series("", index=frame.index, dtype="str")
    for k in ("user_id", "open_id", "union_id"):
        todo = (manager == "") & (leader != "")
        manager[todo] = leader[todo].map(lookups[k]).fillna("").to_numpy()
    lost = int(((leader != "") & (manager == "")).sum())
    if lost:
        all_ids = set(_col(all_users, "user_id")) | set(_col(all_users, "open_id"))
        gone = int(leader[(leader != "") & (manager == "")].isin(all_ids).sum())
        log.note(f"{lost:,} managers (leader_user_id) are not among the members kept ({gone:,} of them resigned "
                 "or left); those people have no manager")
    people_in = pd.DataFrame({
        "employee_id": emp, "user_id": frame["user_id"], "name": _col(frame, "name"),
        "email": _col(frame, "email").where(_col(frame, "email") != "", _col(frame, "enterprise_email")),
        "phone": _col(frame, "mobile"), "departments": departments, "manager_id": manager,
        "title": _col(frame, "job_title"), "hire_date": _col(frame, "join_time").replace("0", ""),
    })
    if (primary_named != "").any():
        people_in["primary_department"] = primary_named
    for src, dst in ((kind, "employee_id"), ("user_id, open_id, union_id", "ids matched in leader_user_id and "
                      "approvals"), ("name", "name"), ("email, mobile", "e-mail, phone (matching only; never "
                      "written)"), ("department_ids + orders", "department, other_departments"),
                     ("leader_user_id", "manager_id"), ("job_title", "title"), ("join_time", "hire_date")):
        log.mapped(src, dst)
    directory = build_people(people_in, file=files, options=options, log=log, path_separator="/",
                             title="Feishu user list")
    return directory, lookups, kind


# --------------------------------------------------------------------------------------------------
# approvals
# --------------------------------------------------------------------------------------------------
def _approvals(instances: list[dict[str, Any]], options: ImportOptions, log: ImportLog, files: str,
               lookups: dict[str, pd.Series] | None, directory: Directory | None) -> pd.DataFrame:
    inst = _flat(instances, 0)
    for c in ("serial_number", "instance_code", "approval_name", "approval_code", "user_id", "open_id", "status",
              "start_time", "end_time"):
        inst[c] = _col(inst, c)
    inst["decision_id"] = inst["serial_number"].where(inst["serial_number"] != "", inst["instance_code"])
    if (inst["serial_number"] == "").any():
        log.note(f"{int((inst['serial_number'] == '').sum()):,} instances have no serial_number; "
                 "numbered by instance_code")
    n = len(inst)
    inst = inst[~inst["decision_id"].duplicated() | (inst["decision_id"] == "")].reset_index(drop=True)
    if len(inst) < n:
        log.note(f"{n - len(inst):,} instance records repeat an approval; each read once")
    status = inst["status"].str.upper().map(INSTANCE_STATUSES)
    unknown = status.isna() & (inst["status"] != "")
    if unknown.any():
        log.note(f"{int(unknown.sum()):,} instances have a status orgkit does not know "
                 f"({', '.join(sorted(inst.loc[unknown, 'status'].unique())[:5])}); read as decided")
    status = status.fillna("other")
    deleted = (status == "deleted").to_numpy()
    log.dropped(int(deleted.sum()), "approvals", "deleted on the platform (DELETED)")
    inst, status = inst[~deleted].reset_index(drop=True), status[~deleted].reset_index(drop=True)
    log.mapped("serial_number", "decision_id")
    log.mapped("approval_name", "decision_type (the approval's name, never a title)")
    log.mapped("start_time / end_time (epoch ms, \"0\" while pending)", "raised_at / decided_at")
    # --- steps from the timeline, the current approver from the task list, comments
    def flat(col: str, fields: tuple[str, ...]) -> pd.DataFrame:
        if col not in inst.columns:
            return pd.DataFrame({f: pd.Series([], dtype="str") for f in ("decision_id",) + fields})
        rows = inst[["decision_id", col]].explode(col)
        rows = rows[rows[col].map(lambda r: isinstance(r, dict))]
        if rows.empty:
            return pd.DataFrame({f: pd.Series([], dtype="str") for f in ("decision_id",) + fields})
        body = _flat(rows[col].tolist(), 0)
        out = pd.DataFrame({"decision_id": rows["decision_id"].to_numpy()})
        for f in fields:
            out[f] = _col(body, f).to_numpy()
        return out

    timeline = flat("timeline", ("type", "create_time", "user_id", "open_id", "task_id", "ext"))
    tasks = flat("task_list", ("id", "user_id", "open_id", "status", "node_name", "type", "start_time", "end_time"))
    comments = flat("comment_list", ("user_id", "open_id", "create_time"))
    # TRANSFER / CC may name the person only in ext (a JSON string): {"user_id": ..., "open_id": ...}
    no_actor = (timeline["user_id"] == "") & (timeline["open_id"] == "") & (timeline["ext"] != "")
    if no_actor.any():
        ext = timeline.loc[no_actor, "ext"].map(_ext_ids)
        timeline.loc[no_actor, "user_id"] = ext.str[0].to_numpy()
        timeline.loc[no_actor, "open_id"] = ext.str[1].to_numpy()
    # --- which id links approvals to members
    people_ids = [inst[["user_id", "open_id"]], timeline.loc[timeline["type"].isin(["START", "PASS", "REJECT",
                                                                                     "TRANSFER", "ROLLBACK",
                                                                                     "ROLLBACK_SELECTED"]),
                                                             ["user_id", "open_id"]]]
    ids = pd.concat(people_ids, ignore_index=True)
    ids = ids[(ids["user_id"] != "") | (ids["open_id"] != "")]
    link = ""
    for k in ("user_id", "open_id"):
        if (ids[k] != "").all() and (lookups is None or not lookups[k].empty):
            link = k
            break
    if link:
        log.decided("approval people", f"matched by {link}: present on every applicant and approver of the "
                    f"approvals" + (" and on the members" if lookups is not None else ""))
    else:
        log.decided("approval people", "matched by user_id where the record has one, else by open_id "
                    "(neither is present on every record)")

    def person(frame: pd.DataFrame) -> pd.Series:
        uid, oid = frame["user_id"], frame["open_id"]
        raw = uid if link == "user_id" else oid if link == "open_id" else uid.where(uid != "", oid)
        if lookups is None:
            if directory is not None:
                return directory.resolve(raw.where(raw != "", oid), what=f"{files}: approval people", log=None)
            return raw.where(raw != "", oid)
        out = pd.Series("", index=frame.index, dtype="str")
        for k in ([link] if link else ["user_id", "open_id"]):
            todo = (out == "").to_numpy()
            out[todo] = frame.loc[todo, k].map(lookups[k]).fillna("").to_numpy()
        return out

    zone = options.zone
    instances_out = pd.DataFrame({
        "decision_id": inst["decision_id"], "decision_type": inst["approval_name"],
        "initiator": person(inst), "status": status,
        "raised_at": parse_times(inst["start_time"], zone, what="Feishu start_time", log=log),
        "finished_at": parse_times(inst["end_time"], zone, what="Feishu end_time", log=log),
    })
    no_name = inst["approval_name"] == ""
    if no_name.any() and (inst["approval_code"] != "").any():
        instances_out.loc[no_name, "decision_type"] = inst.loc[no_name, "approval_code"]
        log.note(f"{int(no_name.sum()):,} instances have no approval_name; typed by approval_code")
    # pending: whom it waits on (the first PENDING task of each instance)
    pending_tasks = tasks[tasks["status"].str.upper() == "PENDING"].drop_duplicates("decision_id")
    current = person(pending_tasks) if len(pending_tasks) else pd.Series([], dtype="str")
    instances_out["current"] = instances_out["decision_id"].map(
        pd.Series(current.to_numpy(), index=pending_tasks["decision_id"].to_numpy())).astype("object").fillna("")
    # steps
    node = timeline["task_id"].map(pd.Series(tasks["node_name"].to_numpy(), index=tasks["id"].to_numpy())
                                   .pipe(lambda s: s[~s.index.duplicated()])).astype("object").fillna("")
    action = timeline["type"].str.upper().map(TIMELINE_ACTIONS)
    odd = action.isna()
    if odd.any():
        log.note(f"{int(odd.sum()):,} timeline entries of types orgkit does not know "
                 f"({', '.join(sorted(timeline.loc[odd, 'type'].unique())[:5])}); read as no hop")
    steps = pd.DataFrame({"decision_id": timeline["decision_id"], "actor": person(timeline), "node": node,
                          "at": parse_times(timeline["create_time"], zone, what="Feishu timeline create_time"),
                          "action": action.fillna("other")})
    automatic = timeline["type"].str.upper().isin(["AUTO_PASS", "AUTO_REJECT", "REMOVE_REPEAT"])
    if automatic.any():
        log.note(f"{int(automatic.sum()):,} automatic timeline entries (AUTO_PASS, AUTO_REJECT, REMOVE_REPEAT) "
                 "have no person: no hop")
    named = [((timeline["user_id"] != "") | (timeline["open_id"] != "")).to_numpy()]
    if len(comments):
        steps = pd.concat([steps, pd.DataFrame({
            "decision_id": comments["decision_id"], "actor": person(comments), "node": "",
            "at": parse_times(comments["create_time"], zone, what="Feishu comment create_time"),
            "action": "comment"})], ignore_index=True)
        named.append(((comments["user_id"] != "") | (comments["open_id"] != "")).to_numpy())
    unresolved = int(((steps["actor"] == "").to_numpy() & np.concatenate(named)).sum())
    if lookups is not None and unresolved:
        log.note(f"{unresolved:,} approval steps were taken by people not among the members kept (resigned, or "
                 "outside the users given): they are no hop")
    return build_decisions(instances_out, steps, file=files, options=options, log=log, directory=None)


def _ext_ids(ext: str) -> tuple[str, str]:
    try:
        data = json.loads(ext)
    except (ValueError, TypeError):  # not JSON text
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    uid, oid = data.get("user_id", ""), data.get("open_id", "")
    return (str(uid) if isinstance(uid, (str, int)) else ""), (str(oid) if isinstance(oid, (str, int)) else "")


# --------------------------------------------------------------------------------------------------
# the format
# --------------------------------------------------------------------------------------------------
@register("feishu", "Feishu/Lark open API JSON (contact/v3 users and departments, approval/v4 instances)",
          "JSON responses or folders of pages: contact/v3 users (+ departments to name them) and/or "
          "approval/v4 instance details", ("people", "decisions"),
          settings=("id", "department_separator"))
def read_feishu(paths: Sequence[Path], options: ImportOptions, log: ImportLog) -> Imported:
    """Read Feishu/Lark API JSON into people and decisions (see the module docstring for every rule)."""
    found: dict[str, list[dict[str, Any]]] = {"user": [], "department": [], "instance": []}
    names: dict[str, list[str]] = {"user": [], "department": [], "instance": []}
    pages: dict[str, list[bool]] = {}
    n_files = 0
    for path in iter_files(list(paths)):
        n_files += 1
        obj = read_json(path, _EXPECTED)
        records = _records(obj, path, pages)
        counts: dict[str, int] = {}
        for r in records:  # every record was classified already; once more to file it
            k = str(_kind(r))
            found[k].append(r)
            counts[k] = counts.get(k, 0) + 1
        for k in counts:
            names[k].append(path.name)
        what = ", ".join(f"{v:,} {k}s" for k, v in sorted(counts.items()))
        log.read(path, f"Feishu API JSON ({what or 'no records'})", len(records))
    if n_files == 0:
        raise refuse(", ".join(map(str, paths)) or "(none)", _EXPECTED, "no file")
    for kind, flags in pages.items():
        if flags and all(flags):
            log.note(f"every {kind} page given says has_more: true: later pages seem to be missing")
    if not found["user"] and not found["instance"]:
        raise refuse(", ".join(sorted({n for v in names.values() for n in v})) or ", ".join(map(str, paths)),
                     "Feishu users (contact/v3 users) or approval instance details (approval/v4 instances)",
                     "departments only" if found["department"] else "no users, departments or instances",
                     "Give the users' pages and/or the approval instances' details.")
    result = Imported(log=log)
    directory: Directory | None = None
    lookups: dict[str, pd.Series] | None = None
    if found["user"]:
        log.section("people")
        paths_by_id = _department_paths(found["department"], log)
        directory, lookups, _ = _users(found["user"], paths_by_id, options, log, ", ".join(sorted(set(
            names["user"]))))
        result.people = directory.people
    elif options.directory:
        from orgkit.importers.directory import read_directory

        log.section("people (from --directory)")
        directory = read_directory(options.directory, options, log)
        result.people = directory.people
    if found["instance"]:
        log.section("decisions")
        if lookups is None and directory is None:
            log.note("no users given: approval people are written as their Feishu ids; import the users into the "
                     "same folder (or give --directory) so that they match the people")
        result.decisions = _approvals(found["instance"], options, log, ", ".join(sorted(set(names["instance"]))),
                                      lookups, directory if lookups is None else None)
    if result.people is None and result.decisions is not None and len(result.decisions):
        # without people the writer cannot judge the language from department names: the approval names tell
        types = pd.Series(pd.unique(result.decisions["decision_type"].astype("str")))
        share = float(types.str.contains(r"[\u4e00-\u9fff]", regex=True).mean())
        if share >= 0.5:
            result.settings["language"] = "zh"
            log.decided("report language", f"zh: {share:.0%} of the approval names are Chinese (change language: "
                        "in client.yml)")
    return result
