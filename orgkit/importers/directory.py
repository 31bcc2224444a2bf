"""HR directories from any HRIS extract (CSV in any usual encoding, or XLSX): the ``hris`` format.

Headers are recognised by the people table's synonyms (``orgkit.data.contract``) plus e-mail, phone,
account id, manager e-mail/name and employment status; :func:`read_directory` also serves every other
importer's ``--directory`` (mapping e-mail addresses and account ids of logs to employee ids).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from orgkit.data.contract import TABLES, normalise_header
from orgkit.importers.base import ImportLog, ImportOptions, Imported, refuse, register
from orgkit.importers.people import Directory, build_people
from orgkit.importers.sources import iter_files, read_table_file

__all__ = ["read_directory", "DIRECTORY_SYNONYMS", "map_directory_headers"]

_PEOPLE = TABLES["people"].synonyms
#: Header spellings of the directory's columns (compared after ``normalise_header``); the first match wins.
DIRECTORY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "employee_id": tuple(h for h in _PEOPLE["employee_id"] if h not in ("user id", "node")),
    "user_id": ("user id", "userid", "account", "account id", "login", "username", "帐号", "账号", "用户id"),
    "email": ("email", "e mail", "email address", "work email", "business email", "mail", "邮箱", "企业邮箱",
              "工作邮箱", "电子邮箱"),
    "phone": ("phone", "mobile", "mobile phone", "phone number", "手机", "手机号", "电话", "联系电话"),
    "name": _PEOPLE["name"],
    "department": _PEOPLE["department"],
    "manager_id": tuple(h for h in _PEOPLE["manager_id"] if h not in ("manager", "supervisor", "line manager",
                                                                     "直属上级", "上级", "汇报对象", "直接上级")),
    "manager_ref": ("manager", "manager name", "manager email", "manager e mail", "supervisor", "supervisor name",
                    "supervisor email", "line manager", "reports to name", "直属上级", "直属上级姓名", "上级",
                    "上级姓名", "上级邮箱", "直属上级邮箱", "汇报对象", "直接上级"),
    "title": _PEOPLE["title"],
    "level": _PEOPLE["level"],
    "location": _PEOPLE["location"],
    "hire_date": _PEOPLE["hire_date"],
    "resigned": ("status", "employment status", "employee status", "active", "在职状态", "状态", "员工状态"),
}


def map_directory_headers(frame: pd.DataFrame) -> dict[str, str]:
    """Canonical column -> the header of ``frame`` that holds it (each header used once)."""
    folded = {normalise_header(c): c for c in frame.columns}
    used: set[str] = set()
    found: dict[str, str] = {}
    for canonical, spellings in DIRECTORY_SYNONYMS.items():
        for s in spellings:
            header = folded.get(normalise_header(s))
            if header is not None and header not in used:
                found[canonical] = header
                used.add(header)
                break
    return found


_ACTIVE = {"active", "在职", "正式", "试用", "试用期", "employed", "1", "true", "yes", "已激活"}


def read_directory(paths: Sequence[Path], options: ImportOptions, log: ImportLog) -> Directory:
    """Read HR files into a :class:`Directory` (people plus the aliases logs use).

    Raises
    ------
    ExportFormatError
        A file without an id column, or without any department, manager or e-mail column.
    """
    frames = []
    names = []
    for path in iter_files(list(paths)):
        table = read_table_file(path, "an HR directory (CSV or XLSX)", log=log)
        cols = map_directory_headers(table.frame)
        if "employee_id" not in cols:
            cols_user = cols.get("user_id") or cols.get("email")
            if cols_user is None:
                raise refuse(path, "an HR directory with an employee id column (e.g. Employee ID, 工号)",
                             f"the columns {', '.join(map(str, table.frame.columns[:12]))}",
                             "Rename the id column, or export the directory with it.")
            cols["employee_id"] = cols_user
        for canonical, header in cols.items():
            log.mapped(f"{table.file}: {header}", canonical)
        frame = pd.DataFrame({c: table.frame[h] for c, h in cols.items()})
        if "resigned" in frame.columns:
            status = frame["resigned"].str.strip().str.lower()
            frame["resigned"] = (~status.isin(_ACTIVE) & (status != "")).map({True: "true", False: ""})
        frames.append(frame)
        names.append(table.file)
    if not frames:
        raise refuse(", ".join(map(str, paths)) or "(none)", "an HR directory file", "no file")
    frame = pd.concat(frames, ignore_index=True).fillna("")
    return build_people(frame, file=", ".join(names), options=options, log=log, path_separator=None)


@register("hris", "HR directory from any HRIS (CSV or XLSX)",
          "one or more CSV/XLSX files with an id, and departments or managers (by id, e-mail or name)",
          ("people",))
def read_hris(paths: Sequence[Path], options: ImportOptions, log: ImportLog) -> Imported:
    log.section("people")
    directory = read_directory(paths, options, log)
    return Imported(people=directory.people, log=log)
