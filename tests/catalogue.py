"""A catalogue of bad client folders and bad invocations, each a named case with what orgkit must do.

Every case builds a small folder under a root it is given (:meth:`Case.build` returns the client folder)
and says which exit status each command must end with and what its message must name. Input cases are
run by ``validate``, ``assess``, ``report`` and ``batch``; output cases (where ``-o`` points) by the
commands that write. ``tests/test_catalogue.py`` runs them all; nothing here imports orgkit.

A case where orgkit decides from evidence (a Latin-1 file, a row-number column beside the id) expects
exit status 0 and the warning that says what was decided.
"""

from __future__ import annotations

import errno
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: A small valid organisation: a CEO, two departments of five and more, one manager per department.
PEOPLE = (
    "employee_id,department,manager_id\n"
    "E01,Executive,\n"
    "E02,Sales,E01\nE03,Sales,E02\nE04,Sales,E02\nE05,Sales,E02\nE06,Sales,E02\n"
    "E07,Ops,E01\nE08,Ops,E07\nE09,Ops,E07\nE10,Ops,E07\nE11,Ops,E07\n"
)
IDS = [f"E{i:02d}" for i in range(1, 12)]
DEPARTMENTS = ["Executive"] + ["Sales"] * 5 + ["Ops"] * 5


def _write(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def _xlsx(rows: list[list[str]]) -> bytes:
    """A real .xlsx workbook of ``rows`` (written with openpyxl, the reader orgkit uses)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _survey(value: str) -> str:
    """A survey with the questionnaire's item ids (rc1: role clarity, cc1: communication), one cell ``value``."""
    lines = ["respondent_id,department,rc1,cc1"]
    lines += [f"{i},{d},4,3" for i, d in zip(IDS, DEPARTMENTS)]
    lines[3] = f"{IDS[2]},{DEPARTMENTS[2]},{value},3"
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------
# the cases
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """One bad input or invocation.

    Attributes
    ----------
    name : str
        The test id.
    files : callable
        ``files(root) -> client folder``: builds the case under ``root``.
    code : int
        Exit status of ``validate``, ``assess`` and ``report`` (2: the input or output path is wrong).
    mention : str
        Text the message must contain (usually the file's name), besides starting with ``error:``.
    batch_code : int
        Exit status of ``batch`` on a folder holding the case (3: that client failed; 2: refused at once).
    batch_mention : str or None
        What ``batch``'s message must contain, when it differs from ``mention``.
    output : str or None
        For output cases, where ``-o`` goes: ``equal``, ``inside``, ``contains``, ``under_file``,
        ``read_only``; ``None`` for input cases.
    commands : tuple of str
        The commands the case applies to.
    simulate : str or None
        ``deny_read:<file>`` or ``read_only``: a refusal of the operating system the test simulates,
        since the tests may run as root (for whom permissions do not stop reads or writes).
    """

    name: str
    files: Callable[[Path], Path]
    code: int = 2
    mention: str = ""
    batch_code: int = 3
    batch_mention: str | None = None
    output: str | None = None
    commands: tuple[str, ...] = ("validate", "assess", "report", "batch")
    simulate: str | None = None


def _folder(**files: str | bytes) -> Callable[[Path], Path]:
    def build(root: Path) -> Path:
        return _write(root / "acme", {k.replace("__", "."): v for k, v in files.items()})

    return build


def _people_rows(rows: list[str], header: str = "employee_id,department,manager_id") -> str:
    return header + "\n" + "\n".join(rows) + "\n"


def _good(**more: str | bytes) -> Callable[[Path], Path]:
    return _folder(people__csv=PEOPLE, **more)


def _symlinked_outside(root: Path) -> Path:
    outside = _write(root.parent / f"{root.name}-outside", {"people.csv": PEOPLE})
    folder = root / "acme"
    folder.mkdir(parents=True)
    (folder / "people.csv").symlink_to(outside / "people.csv")
    return folder


def _folder_is_a_file(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "acme").write_text(PEOPLE, encoding="utf-8")
    return root / "acme"


def _truncated_xlsx(root: Path) -> Path:
    data = _xlsx([["employee_id", "department", "manager_id"]] + [[i, d, ""] for i, d in zip(IDS, DEPARTMENTS)])
    return _write(root / "acme", {"people.xlsx": data[: len(data) // 2]})


def _html_as_xlsx(root: Path) -> Path:
    page = ("<html><head><title>Export</title></head><body><table><tr><td>employee_id</td><td>department</td>"
            "</tr><tr><td>E1</td><td>Sales</td></tr></table></body></html>")
    return _write(root / "acme", {"people.xlsx": page})


def _zip_not_xlsx(root: Path) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "not a workbook")
    return _write(root / "acme", {"people.xlsx": buf.getvalue()})


def _latin1(root: Path) -> Path:
    text = _people_rows([f"{i},{'Vertrieb München' if d == 'Sales' else d},{'' if i == 'E01' else 'E01'}"
                         for i, d in zip(IDS, DEPARTMENTS)])
    return _write(root / "acme", {"people.csv": text.encode("latin-1")})


#: A "billion laughs" client.yml, kept to a million leaves (10**6) so that a reader without a limit on
#: aliases survives it in a test; a settings file never needs an alias at all.
_BOMB = "\n".join(
    ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]" for i in range(5)]
    + ["name: *f"]
) + "\n"

_SCIENTIFIC = _people_rows(["1.23457E+11,Executive,"] + [f"1.23457E+11,Sales,1.23457E+11" for _ in range(5)])

CASES: list[Case] = [
    # -------------------------------------------------------------------- files that are not a table
    Case("missing_people_file", _folder(client__yml="name: Acme\n"), mention="people", batch_code=2,
         batch_mention="no client folder"),
    Case("empty_folder", _folder(), mention="people", batch_code=2, batch_mention="no client folder"),
    Case("empty_people_file", _folder(people__csv=""), mention="people.csv"),
    Case("header_only", _folder(people__csv="employee_id,department,manager_id\n"), mention="people.csv"),
    Case("binary_garbage_csv", _folder(people__csv=bytes(range(256)) * 8), mention="people.csv"),
    Case("html_page_saved_as_xlsx", _html_as_xlsx, mention="people.xlsx"),
    Case("truncated_xlsx", _truncated_xlsx, mention="people.xlsx"),
    Case("zip_that_is_not_a_workbook", _zip_not_xlsx, mention="people.xlsx"),
    Case("client_folder_is_a_file", _folder_is_a_file, mention="not a folder", batch_code=2,
         batch_mention="no client folder"),
    Case("client_folder_missing", lambda root: root / "nowhere", mention="not a folder", commands=(
        "validate", "assess", "report")),
    Case("unreadable_people_file", _good(), mention="people.csv", simulate="deny_read:people.csv"),
    # -------------------------------------------------------------------- people
    # documented warnings (docs/data-contract.md): the command goes on and validate names file and row
    Case("unknown_manager", _folder(people__csv=PEOPLE.replace("E08,Ops,E07", "E08,Ops,E99")),
         code=0, batch_code=0, mention="people.csv: 1 manager_id value names nobody in the file (row 9)"),
    Case("reporting_cycle", _folder(people__csv=PEOPLE.replace("E01,Executive,", "E01,Executive,E02")),
         mention="cycle"),
    Case("own_manager", _folder(people__csv=PEOPLE.replace("E05,Sales,E02", "E05,Sales,E05")),
         code=0, batch_code=0, mention="people.csv: 1 person is listed as their own manager (row 6)"),
    Case("duplicate_ids", _folder(people__csv=PEOPLE + "E03,Ops,E07\n"), mention="more than once"),
    Case("ids_with_commas", _folder(people__csv=_people_rows(
        ['"1,001",Executive,'] + [f'"1,00{i}",Sales,"1,001"' for i in range(2, 7)])), mention="are not ids"),
    Case("na_ids", _folder(people__csv=_people_rows(
        ["E01,Executive,"] + ["#N/A,Sales,E01"] * 5)), mention="people.csv"),
    Case("scientific_notation_ids", _folder(people__csv=_SCIENTIFIC), mention="people.csv"),
    Case("no_department_column", _folder(people__csv="employee_id,team_size\nE1,3\nE2,4\n"),
         mention="department"),
    Case("synonym_column_before_the_real_one", _folder(people__csv=_people_rows(
        [f"{i},T{n % 2},{d}" for n, (i, d) in enumerate(zip(IDS, DEPARTMENTS))], "employee_id,Team,department")),
         code=0, batch_code=0, mention="people.csv: 'department' was read as department"),
    Case("leading_row_number_column", _folder(people__csv=_people_rows(
        [f"{n},{i},{d},{'' if i == 'E01' else 'E01'}" for n, (i, d) in enumerate(zip(IDS, DEPARTMENTS), 1)],
        "id,employee_id,department,manager_id")), code=0, batch_code=0,
         mention="people.csv: 'employee_id' was read as employee_id"),
    Case("latin1_file", _latin1, code=0, batch_code=0, mention="people.csv: the file is not UTF-8; it was read as latin-1"),
    # -------------------------------------------------------------------- other tables
    Case("likert_outside_1_to_5", _good(survey__csv=_survey("9")), mention="survey.csv"),
    Case("text_answer_in_survey", _good(survey__csv=_survey("agree")), mention="survey.csv"),
    Case("unknown_raci_letter", _good(responsibilities__csv=(
        "responsibility,department,role\nPricing,Sales,A\nPricing,Ops,X\nBudget,Ops,R\n")),
         mention="responsibilities.csv"),
    Case("day_first_dates", _good(decisions__csv=(
        "decision_id,decision_type,initiator_id,decider_id,raised_at,decided_at\n"
        "D1,budget,E03,E01,03/02/2025,04/02/2025\nD2,hiring,E08,E01,05/03/2025,07/03/2025\n")),
         mention="decisions.csv"),
    # -------------------------------------------------------------------- client.yml
    Case("client_yml_not_a_mapping", _good(client__yml="- name\n- stage\n"), mention="client.yml"),
    Case("client_yml_invalid", _good(client__yml="name: [Acme\nstage: mid\n"), mention="client.yml"),
    Case("client_yml_alias_bomb", _good(client__yml=_BOMB), mention="client.yml"),
    Case("unknown_stage", _good(client__yml="stage: huge\n"), mention="stage"),
    Case("unknown_language", _good(client__yml="language: fr\n"), mention="language"),
    Case("min_group_size_zero", _good(client__yml="min_group_size: 0\n"), mention="min_group_size"),
    Case("symlinked_input_pointing_outside", _symlinked_outside, mention="people.csv"),
    # -------------------------------------------------------------------- where the output goes
    Case("output_equal_to_client_folder", _good(), output="equal", mention="is the client folder",
         batch_code=2, commands=("report", "batch")),
    Case("output_inside_client_folder", _good(), output="inside", mention="inside the client folder",
         batch_code=2, commands=("assess", "report", "batch")),
    Case("output_containing_client_folder", _good(), output="contains", mention="contains the client folder",
         batch_code=2, commands=("report", "batch")),
    Case("output_over_an_input_file", _good(), output="input_file", mention="inside the client folder",
         commands=("assess",)),
    Case("output_under_a_file", _good(), output="under_file", mention="a file stands where a folder is expected",
         batch_code=2, commands=("assess", "report", "batch")),
    Case("output_read_only", _good(), output="read_only", mention="permission denied", batch_code=2,
         commands=("assess", "report", "batch"), simulate="read_only"),
]


def output_path(case: Case, root: Path, folder: Path, command: str) -> Path:
    """Where ``-o`` points for an output case (a file for ``assess``, a folder otherwise)."""
    if case.output == "equal":
        return folder
    if case.output == "inside":
        return folder / ("metrics.json" if command == "assess" else "reports")
    if case.output == "contains":
        return folder.parent
    if case.output == "input_file":
        return folder / "people.csv"
    if case.output == "under_file":
        blocker = root / "not-a-folder"
        blocker.write_text("a file", encoding="utf-8")
        return blocker / ("metrics.json" if command == "assess" else "reports")
    if case.output == "read_only":
        ro = root / "read-only"
        ro.mkdir(exist_ok=True)
        ro.chmod(0o555)
        return ro / "metrics.json" if command == "assess" else ro
    raise ValueError(case.output)


def simulate(case: Case, monkeypatch, root: Path) -> None:
    """Make the operating system refuse what the case says, also for root (who may read and write anything)."""
    if case.simulate is None:
        return
    import builtins

    kind, _, arg = case.simulate.partition(":")
    real_open, real_io_open = builtins.open, io.open
    real_os_open, real_mkdir, real_replace = os.open, os.mkdir, os.replace
    ro = (root / "read-only").resolve()

    def inside(path) -> bool:
        try:
            p = Path(os.fspath(path)).resolve()
        except (TypeError, ValueError):
            return False
        return p == ro or ro in p.parents

    def denied(path):
        return PermissionError(errno.EACCES, "Permission denied", os.fspath(path))

    if kind == "deny_read":
        def guarded_open(file, *args, **kwargs):
            if isinstance(file, (str, os.PathLike)) and Path(os.fspath(file)).name == arg:
                raise denied(file)
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", guarded_open)
        monkeypatch.setattr(io, "open", guarded_open)
        return
    if kind != "read_only":
        raise ValueError(case.simulate)

    def writes(mode: str) -> bool:
        return any(c in mode for c in "wax+")

    def guarded_open(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and writes(mode) and inside(file):
            raise denied(file)
        return real_io_open(file, mode, *args, **kwargs)

    def guarded_os_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and inside(path):
            raise denied(path)
        return real_os_open(path, flags, *args, **kwargs)

    def guarded_mkdir(path, *args, **kwargs):
        if inside(path) and not os.path.lexists(path):
            raise denied(path)
        return real_mkdir(path, *args, **kwargs)

    def guarded_replace(src, dst, *args, **kwargs):
        if inside(dst):
            raise denied(dst)
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)
    monkeypatch.setattr(os, "mkdir", guarded_mkdir)
    monkeypatch.setattr(os, "replace", guarded_replace)
    monkeypatch.setattr(os, "rename", guarded_replace)


@dataclass
class Invocation:
    """A command line built for a case."""

    args: list[str]
    code: int
    mention: str
    extra: dict = field(default_factory=dict)


def invocation(case: Case, command: str, root: Path) -> Invocation:
    """The command line that runs ``command`` on ``case`` (its folder built under ``root``)."""
    folder = case.files(root)
    if command == "batch":
        if case.output is None:  # the case is one client of a folder of clients
            src = root
            out = root.parent / f"{root.name}-reports"
        else:
            src = folder.parent
            out = output_path(case, root, folder, command)
        mention = case.batch_mention if case.batch_mention is not None else case.mention
        return Invocation(["batch", str(src), "-o", str(out), "--workers", "1"], case.batch_code, mention)
    args = [command, str(folder)]
    if case.output is not None:
        args += ["-o", str(output_path(case, root, folder, command))]
    elif command == "report":
        args += ["-o", str(root.parent / f"{root.name}-reports")]
    return Invocation(args, case.code, case.mention)
