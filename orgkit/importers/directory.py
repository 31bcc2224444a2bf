"""HR directories from any HRIS extract (CSV in any usual encoding, or XLSX): the ``hris`` format.

Workday, SAP SuccessFactors, BambooHR, Beisen (北森), Moka or a plain Excel sheet: whatever the system, an
extract of people has an id, departments and managers under one of many header spellings.
:func:`read_directory` recognises them (:data:`DIRECTORY_SYNONYMS`: the people table's synonyms of
:mod:`orgkit.data.contract` plus e-mail, phone, account id, manager e-mail/name, employment status, primary
and secondary departments, department levels in separate columns), decides which column is the id from the
values, and hands the rest to :func:`~orgkit.importers.people.build_people`. It also serves every other
importer's ``--directory`` (mapping e-mail addresses and account ids of logs to employee ids).

Decisions, each written to the import log:

* **The id column.** Candidates in order: the headers that name an employee id (``Employee ID``, ``工号``,
  ``Post Unique Reference``...), then the account id, then the e-mail address. The first that is
  *complete* (a value in every row) and *unique* (a value never shared by rows of different people — the
  same person on several rows, one per department, is allowed) is the id; when several employee-id columns
  qualify (a person id and a post id), the one most manager ids refer to. When none is, the import stops
  and says what each candidate lacks; ``--set id_column=HEADER`` settles it (rows without a value are then
  dropped and counted; rows sharing a value are one person, the first row kept).
* **Status.** A status column (``Status``, ``Employment Status``, ``在职状态``) drops the people it marks as
  gone (:data:`INACTIVE_WORDS`: Terminated, Inactive, 离职...); values it does not know are kept and listed.
  A yes/no ``Active`` column drops the ``no`` rows.
* **Sheet and header row.** In a workbook, the first sheet with an id column and a department or manager
  column (``--set sheet=NAME`` chooses); title rows above the headers are skipped (the header is the first
  of the first ten rows that names an id and a department or manager).
* **Department paths** (``/``, ``>``, ``-``, ``\\``, `` | ``) are decided from the values
  (:func:`~orgkit.importers.people.detect_path_separator`; ``--set department_separator=/`` or ``none``
  overrides); separate level columns (``一级部门``, ``二级部门``... or ``Department Level 1``...) are joined
  into a path.
* **A reports-to relation** given as numbers only — a square 0/1 matrix (row ``i`` has a 1 in column ``j``
  when ``i`` reports to ``j``; ids 1..n) or pairs ``i j [value]`` (UCINET triple lists: value 0 means no
  tie) — gives managers. A person with two managers stops the import (never guessed).
* **Several files about the same people** (attributes in one, reports-to in another): a file whose ids
  are at least half of those already read adds its columns to them (blanks filled, nothing overwritten);
  otherwise its rows are more people (a second region's extract). Ids that differ only by leading zeros
  (``00123`` and ``123``, Excel having dropped them) are the same.
* **Names.** Without a name column, ``First Name`` + ``Last Name`` give each person's name (used to resolve
  managers written ``Doe, Jane``; written only with ``--keep-names``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from orgkit.data.contract import TABLES, normalise_header
from orgkit.importers.base import ImportLog, ImportOptions, Imported, refuse, register
from orgkit.importers.people import INTERNAL_SEPARATOR, Directory, build_people, number_key
from orgkit.importers.sources import Table, iter_files, numeric_rows, read_sheets, read_table_file, sniff

__all__ = ["read_directory", "DIRECTORY_SETTINGS", "DIRECTORY_SYNONYMS", "map_directory_headers", "choose_id_column",
           "INACTIVE_WORDS", "ACTIVE_WORDS"]

_PEOPLE = TABLES["people"].synonyms
_MANAGER_WORDS = ("manager", "supervisor", "line manager", "直属上级", "上级", "汇报对象", "直接上级")
#: Header spellings of the directory's columns (compared after ``normalise_header``); the first match wins.
DIRECTORY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "employee_id": tuple(h for h in _PEOPLE["employee_id"] if h not in ("user id", "node")) + (
        "employee code", "worker number", "personnel number", "person number", "associate id", "badge id",
        "post unique reference", "post id", "position id", "position number", "employee #", "emp #",
        "employee no.", "员工号", "人员工号",
        # German, French, Spanish, Dutch HR systems (SAP, Personio, Lucca, Factorial, AFAS...)
        "personalnummer", "pers nr", "mitarbeiternummer", "mitarbeiter id", "matricule", "numéro d'employé",
        "número de empleado", "id empleado", "personeelsnummer"),
    "user_id": ("user id", "userid", "account", "account id", "login", "login id", "username", "user name",
                "network id", "帐号", "账号", "用户id", "用户名", "成员编号"),
    "email": ("email", "e mail", "email address", "e mail address", "work email", "business email",
              "work email address", "primary work email", "email primary work", "email work", "primary email",
              "work contact: work email", "contact email", "contact e mail", "mail", "邮箱",
              "企业邮箱", "工作邮箱", "电子邮箱", "邮件地址", "dienstliche e mail", "courriel",
              "adresse e mail", "correo", "correo electrónico"),
    "phone": ("phone", "mobile", "mobile phone", "phone number", "mobile number", "work phone", "business phone",
              "contact phone", "手机", "手机号", "手机号码", "电话", "联系电话", "工作电话"),
    "name": _PEOPLE["name"] + ("preferred name", "legal name", "display name", "employee full name", "真实姓名"),
    "first_name": ("first name", "firstname", "given name", "legal first name", "preferred first name", "forename",
                   "vorname", "prénom", "voornaam"),
    "last_name": ("last name", "lastname", "surname", "family name", "legal last name", "nachname", "familienname",
                  "nom de famille", "apellidos", "apellido", "achternaam"),
    "primary_department": ("primary department", "main department", "home department", "主部门", "主属部门",
                           "主要部门", "所属主部门"),
    "other_departments": ("secondary department", "secondary departments", "other departments",
                          "additional departments", "兼职部门", "兼任部门", "其他部门", "副部门", "所属其他部门"),
    "departments": ("departments", "所有部门", "多部门"),
    "department": _PEOPLE["department"] + ("department path", "organization path", "organisation path",
                                           "supervisory organization", "home department description",
                                           "department description", "organizational unit", "organisational unit",
                                           "部门路径", "部门全路径", "所在部门", "abteilung", "organisationseinheit",
                                           "org einheit", "service", "département", "departamento", "afdeling"),
    "manager_id": tuple(h for h in _PEOPLE["manager_id"] if h not in _MANAGER_WORDS) + (
        "reports to senior post", "reporting senior post", "manager employee number", "manager worker id",
        "supervisor employee id", "manager user id", "reports to employee id", "reports to employee number",
        "reports to worker id", "reports to associate id", "reports to position id", "manager associate id",
        "manager position id", "直属上级工号", "直属上级编号", "上级员工编号", "personalnummer vorgesetzter",
        "vorgesetzter personalnummer", "matricule manager", "matricule responsable"),
    "manager_ref": ("manager", "manager name", "manager email", "manager e mail", "manager email address",
                    "manager work email", "supervisor", "supervisor name", "supervisor email", "line manager",
                    "line manager name", "line manager email", "reports to name", "reports to email",
                    "reporting to", "reports to full name", "manager full name", "supervisor full name",
                    "manager phone", "直属上级", "直属上级姓名", "上级", "上级姓名", "上级邮箱", "直属上级邮箱",
                    "汇报对象", "直接上级", "直接上级姓名", "汇报人", "直属领导", "上级领导", "vorgesetzter",
                    "vorgesetzte", "führungskraft", "responsable", "responsable hiérarchique", "jefe", "jefe directo",
                    "responsable directo", "leidinggevende"),
    "title": _PEOPLE["title"] + ("business title", "position title", "job title description", "job name", "岗位名称",
                                 "职位名称", "stelle", "stellenbezeichnung", "poste", "intitulé de poste", "puesto",
                                 "functie"),
    "level": _PEOPLE["level"] + ("grade (or equivalent)", "job grade", "pay grade", "management level", "职等",
                                 "职层"),
    "location": _PEOPLE["location"] + ("work location", "location name", "location description", "工作地点", "工作城市",
                                       "standort", "arbeitsort", "ville", "ubicación", "sede", "locatie"),
    "hire_date": _PEOPLE["hire_date"] + ("original hire date", "latest hire date", "date of joining",
                                         "employment start date", "seniority date", "入司日期", "入职时间",
                                         "eintrittsdatum", "eintritt", "date d'entrée", "date d'embauche",
                                         "fecha de alta", "fecha de ingreso", "datum in dienst"),
    "status": ("status", "employment status", "employee status", "worker status", "active status",
               "employment state", "position status", "lifecycle status", "assignment status", "在职状态",
               "员工状态", "状态", "人员状态", "任职状态", "是否在职", "beschäftigungsstatus", "mitarbeiterstatus",
               "statut", "estado"),
    "active": ("active", "is active", "active flag", "enabled", "是否激活", "aktiv", "actif", "activo"),
}

#: Status values that mean a person has left (the row is dropped and counted).
INACTIVE_WORDS = frozenset({
    "terminated", "inactive", "resigned", "left", "leaver", "withdrawn", "retired", "deceased", "dismissed",
    "separated", "former", "former employee", "disabled", "deleted", "suspended",
    "离职", "已离职", "离职中", "停用", "已停用", "禁用", "已禁用", "冻结", "已冻结", "退休", "已退休", "辞退",
    "inaktiv", "ausgetreten", "inactif", "sorti", "inactivo", "inactiva", "baja", "uit dienst",
    "-1", "0",
})
#: Status values that mean a person is with the organisation.
ACTIVE_WORDS = frozenset({
    "active", "employed", "current", "onboarding", "on leave", "leave of absence", "leave", "probation", "intern",
    "在职", "正式", "试用", "试用期", "实习", "实习期", "待离职", "休假", "停薪留职", "已激活", "激活", "正常", "启用",
    "aktiv", "actif", "activo", "activa", "actief", "in dienst",
    "1", "true", "yes", "y", "是",
})
_NO = frozenset({"no", "n", "false", "0", "否", "inactive", "nein", "non", "nee", "falsch", "faux"})

_CN_DIGITS = "一二三四五六七八九十"
_LEVEL_HEADER = re.compile(
    r"^(?:(?P<cn>[一二三四五六七八九十])级部门|部门(?P<cn2>[一二三四五六七八九十0-9])级?|"
    r"(?:department|dept|org|organization|organisation|division) level (?P<n>[0-9]+)|"
    r"level (?P<m>[0-9]+) (?:department|dept|org|organization|organisation))$")


def _level_of(header: str) -> int | None:
    m = _LEVEL_HEADER.match(normalise_header(header))
    if not m:
        return None
    for key in ("n", "m"):
        if m.group(key):
            return int(m.group(key))
    cn = m.group("cn") or m.group("cn2")
    return int(cn) if cn.isdigit() else _CN_DIGITS.index(cn) + 1


def map_directory_headers(frame: pd.DataFrame) -> dict[str, str]:
    """Canonical column -> the header of ``frame`` that holds it (each header used once, first match wins)."""
    folded: dict[str, str] = {}
    for c in frame.columns:
        folded.setdefault(normalise_header(c), c)
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


def _id_candidates(frame: pd.DataFrame, cols: dict[str, str]) -> list[tuple[str, str]]:
    """(header, kind) of the columns that could be the id, in order of preference."""
    out: list[tuple[str, str]] = []
    rank = {normalise_header(s): i for i, s in reversed(list(enumerate(DIRECTORY_SYNONYMS["employee_id"])))}
    named = sorted((rank[normalise_header(c)], i, c) for i, c in enumerate(frame.columns)
                   if normalise_header(c) in rank)
    out += [(c, "employee id") for _, _, c in named]
    for kind in ("user_id", "email"):
        if kind in cols and all(cols[kind] != h for h, _ in out):
            out.append((cols[kind], kind.replace("_", " ")))
    return out


def choose_id_column(frame: pd.DataFrame, cols: dict[str, str], *, file: str, log: ImportLog,
                     given: str | None = None) -> str:
    """The header of the id column of ``frame``, decided from the values (see the module docstring).

    Raises
    ------
    ExportFormatError
        No candidate column, or none complete and unique; or ``given`` is not a header of the file.
    """
    if given:
        match = [c for c in frame.columns if normalise_header(c) == normalise_header(given)]
        if not match:
            raise refuse(file, f"a column {given!r} (given with id_column)",
                         f"the columns {', '.join(map(str, frame.columns[:15]))}",
                         "Give id_column the header exactly as the file spells it.")
        log.decided(f"id column of {file}", f"{match[0]!r} (given with id_column)")
        return match[0]
    candidates = _id_candidates(frame, cols)
    if not candidates:
        raise refuse(file, "an HR directory with an id column (Employee ID, 工号, user id or e-mail)",
                     f"the columns {', '.join(map(str, frame.columns[:15]))}",
                     "Rename the id column, or say which it is with --set id_column=HEADER.")
    person_cols = [cols[k] for k in ("name", "email", "user_id", "phone", "hire_date") if k in cols]
    verdicts = []
    qualified: list[tuple[str, str, pd.Series]] = []
    for header, kind in candidates:
        if qualified and ("manager_id" not in cols or kind != "employee id"):
            break  # only more employee-id columns can still be chosen, by the manager ids
        values = frame[header].fillna("").astype("str").str.strip()
        blanks = int((values == "").sum())
        others = [c for c in person_cols if c != header]
        keyed = pd.DataFrame({"id": values.to_numpy()})
        for i, c in enumerate(others):
            keyed[f"o{i}"] = frame[c].fillna("").astype("str").str.strip().str.lower().to_numpy()
        keyed = keyed[keyed["id"] != ""]
        if others:
            people = keyed.drop_duplicates()
            shared = int(people["id"].duplicated().sum())
        else:
            shared = 0  # without any other personal column, rows sharing an id are one person on several rows
        verdicts.append((header, kind, blanks, shared))
        if blanks == 0 and shared == 0:
            qualified.append((header, kind, values))
    if qualified:
        header, kind, values = qualified[0]
        before = verdicts[:[h for h, _, _, _ in verdicts].index(header)]
        evidence = (f"{header!r} ({kind}): a value in every one of the {len(values):,} rows, never shared by "
                    "two people" + "".join(f"; {h!r} passed over ({_lack(b, s)})" for h, _, b, s in before))
        # several employee-id columns (a person id and a post id): the one the manager ids refer to
        ids = [q for q in qualified if q[1] == "employee id"]
        managers = (frame[cols["manager_id"]].fillna("").astype("str").str.strip()
                    if "manager_id" in cols and len(ids) > 1 and qualified[0] is ids[0] else None)
        if managers is not None and (managers != "").any():
            given = managers[managers != ""]
            cover = [float(given.isin(set(v)).mean()) for _, _, v in ids]
            best = max(range(len(ids)), key=lambda i: (cover[i], -i))
            if cover[best] > cover[0]:
                header, kind, values = ids[best]
                evidence = (f"{header!r} ({kind}): complete and unique, and {cover[best]:.0%} of the managers in "
                            f"{cols['manager_id']!r} are its values ({ids[0][0]!r}: {cover[0]:.0%})")
        log.decided(f"id column of {file}", evidence)
        return header
    detail = "; ".join(f"{h!r} ({k}) {_lack(b, s)}" for h, k, b, s in verdicts)
    raise refuse(file, "an id column with a value in every row, never shared by two people",
                 f"no such column: {detail}",
                 "Say which column is the id with --set id_column=HEADER (rows without a value are then left "
                 "out and counted; rows sharing a value are read as one person), or correct the export.")


def _lack(blanks: int, shared: int) -> str:
    parts = []
    if blanks:
        parts.append(f"empty in {blanks:,} rows")
    if shared:
        parts.append(f"{shared:,} values shared by rows of different people")
    return " and ".join(parts) or "complete and unique"


def _status_flags(frame: pd.DataFrame, cols: dict[str, str], file: str, log: ImportLog) -> pd.Series | None:
    """``"true"`` for people the status or active column marks as gone, else ``""``."""
    gone = pd.Series(False, index=frame.index)
    seen = False
    if "status" in cols:
        seen = True
        status = frame[cols["status"]].fillna("").astype("str").str.strip().str.lower()
        out = status.isin(INACTIVE_WORDS)
        unknown = status[~out & ~status.isin(ACTIVE_WORDS) & (status != "")]
        if len(unknown):
            values = unknown.value_counts()
            log.note(f"{file}: status values not known as active or gone, kept as active: "
                     + ", ".join(f"{v!r} ({n:,})" for v, n in values.head(10).items())
                     + (f" and {len(values) - 10} more" if len(values) > 10 else "")
                     + " (give an export with Active/Terminated or 在职/离职 to settle them)")
        gone |= out
        log.decided(f"status of {file}", f"{cols['status']!r}: {int(out.sum()):,} people marked as gone "
                    "(terminated, inactive, 离职...)")
    if "active" in cols:
        seen = True
        flag = frame[cols["active"]].fillna("").astype("str").str.strip().str.lower()
        gone |= flag.isin(_NO)
    return gone.map({True: "true", False: ""}) if seen else None


def _level_paths(frame: pd.DataFrame) -> tuple[pd.Series | None, list[str]]:
    """Separate department level columns joined into one path, and the headers used."""
    levels = sorted(((lv, c) for c in frame.columns if (lv := _level_of(str(c))) is not None))
    if len(levels) < 2:
        return None, []
    parts = [frame[c].fillna("").astype("str").str.strip() for _, c in levels]
    path = parts[0]
    for p in parts[1:]:
        path = path.where(p == "", path + INTERNAL_SEPARATOR + p)
    return path.str.strip(INTERNAL_SEPARATOR), [c for _, c in levels]


def _directory_table(path: Path, options: ImportOptions, log: ImportLog) -> Table:
    """The table of ``path`` holding the directory: the CSV, or the workbook's sheet that looks like one.

    In a workbook with several sheets (an instructions sheet, a dictionary of codes, the roster), the first
    sheet with an id column and a department or manager column is read (``--set sheet=NAME`` chooses).
    """
    expected = "an HR directory (CSV or XLSX)"
    sheet = options.extra.get("sheet")
    if sheet or sniff(path) != "xlsx":
        return read_table_file(path, expected, sheet=str(sheet) if sheet else None, log=log)
    tables = read_sheets(path, expected)
    for t in tables:
        if _looks_like_directory(t.frame) or _promote_header(t, ImportLog())[1]:
            log.read(path, f"{expected} (sheet {t.sheet!r})", len(t.frame), t.sha256)
            if len(tables) > 1:
                log.decided(f"sheet of {path.name}", f"{t.sheet!r}: the first of {len(tables)} sheets with an id "
                            "and a department or manager column (--set sheet=NAME chooses another)")
            return t
    raise refuse(path, "a sheet with an id column and a department or manager column",
                 "the sheets " + ", ".join(f"{t.sheet!r} ({', '.join(map(str, t.frame.columns[:6]))})" for t in tables),
                 "Choose the sheet with --set sheet=NAME, or rename its columns.")


def _looks_like_directory(frame: pd.DataFrame) -> bool:
    cols = map_directory_headers(frame)
    return bool(_id_candidates(frame, cols)) and bool(
        {"department", "departments", "manager_id", "manager_ref"} & set(cols) or _level_paths(frame)[0] is not None)


def _promote_header(table: Table, log: ImportLog, max_rows: int = 10) -> tuple[pd.DataFrame, int]:
    """The table with its real header row when title rows come first (``员工花名册`` above the headers).

    Returns the frame and how many rows were above the header (0 when the first row is the header). The
    index is the reader's: row ``i`` is spreadsheet row ``i + 2`` (blank rows, which the reader drops, counted).
    """
    frame = table.frame
    if _looks_like_directory(frame):
        return frame, 0
    for i in range(min(max_rows, len(frame))):
        header = [str(v).strip() or f"column {j + 1}" for j, v in enumerate(frame.iloc[i].tolist())]
        candidate = pd.DataFrame(frame.iloc[i + 1:].to_numpy(), columns=header, index=frame.index[i + 1:])
        if _looks_like_directory(candidate):
            log.decided(f"header row of {table.file}", f"row {int(frame.index[i]) + 2}: the row(s) above it are "
                        "a title, not headers (it is the first row naming an id and a department or manager)")
            return candidate, i + 1
    return frame, 0


#: The ``--set`` settings of a directory file. Given to ``orgkit import hris`` as they are; for an HR file
#: given with ``--directory`` to another format they take the prefix ``directory_`` (``directory_sheet``),
#: so that they never mix with that format's own settings (a DingTalk ``sheet``).
DIRECTORY_SETTINGS = ("id_column", "sheet", "department_separator")


def read_directory(paths: Sequence[Path], options: ImportOptions, log: ImportLog, *,
                   settings_prefix: str = "directory_") -> Directory:
    """Read HR files into a :class:`Directory` (people plus the aliases logs use).

    ``settings_prefix``: the prefix of this directory's ``--set`` settings (:data:`DIRECTORY_SETTINGS`);
    ``""`` when the directory is the export itself (the ``hris`` format).

    Raises
    ------
    ExportFormatError
        A file without a usable id column, or without any department, manager or e-mail column.
    """
    if settings_prefix:
        extra = {k: v for k, v in options.extra.items() if k not in DIRECTORY_SETTINGS}
        extra.update({k: options.extra[settings_prefix + k] for k in DIRECTORY_SETTINGS
                      if settings_prefix + k in options.extra})
        options = dataclasses.replace(options, extra=extra)
    frames = []
    names = []
    separators = set()
    for path in iter_files(list(paths)):
        relation = _reports_to(path, log) if sniff(path) == "text" else None
        if relation is not None:
            frames.append(relation)
            names.append(path.name)
            continue
        table = _directory_table(path, options, log)
        raw, _ = _promote_header(table, log)
        cols = map_directory_headers(raw)
        id_header = choose_id_column(raw, cols, file=table.file, log=log, given=options.extra.get("id_column"))
        cols["employee_id"] = id_header
        first, last = cols.pop("first_name", None), cols.pop("last_name", None)
        if "department" not in cols and "primary_department" in cols:
            cols["department"] = cols.pop("primary_department")  # ADP's "Home Department" is the department
        level_path, level_headers = _level_paths(raw)
        if level_path is not None:
            cols.pop("department", None)
            log.mapped(f"{table.file}: {' + '.join(map(str, level_headers))}",
                       "department (a path, one level a column)")
            separators.add(INTERNAL_SEPARATOR)
        status = _status_flags(raw, cols, table.file, log)
        for canonical, header in cols.items():
            if canonical not in ("status", "active"):
                log.mapped(f"{table.file}: {header}", canonical)
        frame = pd.DataFrame({c: raw[h] for c, h in cols.items() if c not in ("status", "active")})
        if level_path is not None:
            frame["department"] = level_path
        if "name" not in frame.columns and first is not None and last is not None:
            frame["name"] = (raw[first].fillna("").astype("str").str.strip() + " "
                             + raw[last].fillna("").astype("str").str.strip()).str.strip()
            log.mapped(f"{table.file}: {first} + {last}", "name")
        if status is not None:
            frame["resigned"] = status
        frame["_row"] = [f"{table.file} row {int(i) + 2}" for i in raw.index]
        unused = [str(c) for c in raw.columns if c not in set(cols.values()) and c not in level_headers
                  and c not in (first, last)]
        if unused:
            log.note(f"{table.file}: {len(unused):,} column(s) not used: "
                     + ", ".join(unused[:15]) + (" ..." if len(unused) > 15 else ""))
        if not any(c in frame.columns for c in ("department", "departments", "manager_id", "manager_ref")):
            raise refuse(path, "an HR directory with a department or a manager column",
                         f"the columns {', '.join(map(str, raw.columns[:15]))}",
                         "Export the directory with each person's department or manager.")
        frames.append(frame)
        names.append(table.file)
    if not frames:
        raise refuse(", ".join(map(str, paths)) or "(none)", "an HR directory file", "no file")
    frame = _combine(frames, names, log).fillna("")
    sep = INTERNAL_SEPARATOR if separators else "auto"
    if sep == INTERNAL_SEPARATOR and len(frames) > 1 and not all("department" in f.columns for f in frames):
        sep = "auto"
    return build_people(frame, file=", ".join(names), options=options, log=log, path_separator=sep)


#: A file whose ids are at least this share of the people already read describes the same people (its
#: columns are added to theirs); below it, its rows are more people. Judgement: an attributes file and a
#: reports-to file of one organisation share nearly all ids; two regional extracts share almost none.
SAME_PEOPLE_SHARE = 0.5


def _reports_to(path: Path, log: ImportLog) -> pd.DataFrame | None:
    """A numbers-only reports-to matrix or pair list as ``employee_id``/``manager_id``; ``None`` otherwise."""
    expected = "a reports-to relation: a square matrix or pairs 'person manager [value]'"
    rows = numeric_rows(path, expected)
    if rows is None:
        return None
    n, width = rows.shape

    def ids(values):
        whole = (values == values.round())
        return pd.Series(values).map(lambda v: str(int(v))).where(whole, pd.Series(values).astype(str)).to_numpy()

    if n == width and n > 3:
        person, manager = rows.nonzero()
        person, manager = (person + 1).astype(float), (manager + 1).astype(float)
        everyone = [str(i) for i in range(1, n + 1)]
        log.read(path, f"a reports-to matrix without labels ({n} x {n}; ids 1 to {n} in line order)", n)
    elif width in (2, 3):
        keep = rows[:, 2] != 0 if width == 3 else slice(None)
        person, manager = rows[keep, 0], rows[keep, 1]
        everyone = list(pd.unique(ids(rows[:, :2].ravel())))
        log.read(path, "a reports-to list (person, manager" + (", value: 0 is no tie)" if width == 3 else ")"), n)
    else:
        raise refuse(path, expected, f"{n} lines of {width} numbers")
    frame = pd.DataFrame({"employee_id": ids(person), "manager_id": ids(manager)})
    frame = frame[frame["employee_id"] != frame["manager_id"]]
    twice = frame["employee_id"].duplicated(keep=False)
    if twice.any():
        raise refuse(path, expected, f"{frame.loc[twice, 'employee_id'].nunique():,} people with more than one "
                     "manager", "Keep one manager per person (the solid line), then import again.")
    out = pd.DataFrame({"employee_id": everyone})
    out["manager_id"] = out["employee_id"].map(frame.set_index("employee_id")["manager_id"]).fillna("")
    out["_row"] = [f"{path.name} person {e}" for e in everyone]
    log.note(f"{path.name}: {int((out['manager_id'] != '').sum()):,} of {len(out):,} people have a manager")
    return out


def _combine(frames: list[pd.DataFrame], names: list[str], log: ImportLog) -> pd.DataFrame:
    """Frames of several files: the same people's columns joined, or more people appended."""
    merged = frames[0]
    for frame, name in zip(frames[1:], names[1:]):
        known = frame["employee_id"].isin(merged["employee_id"])
        share = float(known.mean()) if len(frame) else 0.0
        if share < SAME_PEOPLE_SHARE:
            frame = _same_numbers(frame, merged, name, log)
            known = frame["employee_id"].isin(merged["employee_id"])
            share = float(known.mean()) if len(frame) else 0.0
        if share < SAME_PEOPLE_SHARE:
            merged = pd.concat([merged, frame], ignore_index=True)
            log.decided(f"{name}", f"more people ({share:.0%} of its ids were already read): rows appended")
            continue
        first = frame.drop_duplicates("employee_id").set_index("employee_id")
        for col in first.columns:
            if col == "_row":
                continue
            values = merged["employee_id"].map(first[col]).fillna("")
            if col in merged.columns:
                blank = merged[col].fillna("").astype("str") == ""
                merged.loc[blank, col] = values[blank]
            else:
                merged[col] = values
        extra = frame[~known]
        if len(extra):
            merged = pd.concat([merged, extra], ignore_index=True)
        log.decided(f"{name}", f"the same people ({share:.0%} of its ids were already read): its columns "
                    f"({', '.join(c for c in first.columns if c != '_row')}) added to theirs"
                    + (f"; {len(extra):,} more people" if len(extra) else ""))
    return merged


def _same_numbers(frame: pd.DataFrame, merged: pd.DataFrame, name: str, log: ImportLog) -> pd.DataFrame:
    """``frame`` with its ids (and manager ids) spelled as in ``merged`` when they differ only by leading zeros.

    One file keeps ``00123``, another (saved from Excel, where the id was a number) has ``123``. Used only
    when the numeric keys are unique in both files and at least :data:`SAME_PEOPLE_SHARE` of ``frame``'s
    ids match that way.
    """
    theirs, ours = number_key(merged["employee_id"]), number_key(frame["employee_id"])
    if (ours == "").any() or ours.duplicated().any():
        return frame
    known = theirs[theirs != ""].drop_duplicates(keep=False)
    spelled = pd.Series(merged["employee_id"].to_numpy(), index=theirs.to_numpy())
    spelled = spelled[spelled.index.isin(set(known))]
    hit = ours.isin(spelled.index)
    if not len(frame) or float(hit.mean()) < SAME_PEOPLE_SHARE:
        return frame
    frame = frame.copy()
    frame["employee_id"] = ours.map(spelled).fillna(frame["employee_id"])
    if "manager_id" in frame.columns:
        boss = number_key(frame["manager_id"])
        frame["manager_id"] = boss.map(spelled).where(boss != "").fillna(frame["manager_id"])
    log.decided(name, f"{int(hit.sum()):,} of its {len(frame):,} ids equal but for leading zeros to ids already "
                "read (one file kept the zeros, the other did not): read as the same people")
    return frame


@register("hris", "HR directory from any HRIS (CSV or XLSX)",
          "one or more CSV/XLSX files with an id, and departments or managers (by id, e-mail or name)",
          ("people",), settings=DIRECTORY_SETTINGS)
def read_hris(paths: Sequence[Path], options: ImportOptions, log: ImportLog) -> Imported:
    log.section("people")
    directory = read_directory(paths, options, log, settings_prefix="")
    people = directory.people
    if "other_departments" in people.columns and (people["other_departments"] == "").all():
        people = people.drop(columns="other_departments")
    return Imported(people=people, log=log)
