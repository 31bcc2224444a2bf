"""The import core: platform times, directories, approval rules, and writing a client folder safely."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from click.testing import CliRunner

from orgkit.cli import main
from orgkit.errors import ConfigError, ExportFormatError, OutputError, ValidationError
from orgkit.importers import ImportOptions, import_client, read_export
from orgkit.importers.approvals import build_decisions
from orgkit.importers.base import ImportLog
from orgkit.importers.people import build_people
from orgkit.importers.sources import read_json, read_table_file, sniff
from orgkit.importers.times import parse_times
from orgkit.importers.write import pseudonymise_ids

T = pd.Timestamp
SH = ZoneInfo("Asia/Shanghai")


# --------------------------------------------------------------------------------------------------
# times
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, expected", [
    ("1709619780", "2024-03-05 14:23:00"),            # epoch s, UTC 06:23 -> +08:00
    ("1709619780000", "2024-03-05 14:23:00"),         # epoch ms
    ("2024-03-05T06:23:00Z", "2024-03-05 14:23:00"),  # ISO, Z
    ("2024-03-05T07:23:00+09:00", "2024-03-05 06:23:00"),  # ISO with an offset (Tokyo) -> Shanghai
    ("2024-03-05 14:23", "2024-03-05 14:23:00"),      # local, as exported
    ("2024-03-05 14:23:05", "2024-03-05 14:23:05"),
    ("2024/3/5", "2024-03-05 00:00:00"),
    ("2024年3月5日", "2024-03-05 00:00:00"),
    ("45356.5", "2024-03-05 12:00:00"),               # Excel serial: 45356 = 2024-03-05, .5 = noon
])
def test_parse_times_shapes(value, expected):
    out = parse_times(pd.Series([value]), SH, what="t")
    assert str(out.iloc[0]) == expected


def test_parse_times_missing_and_numbers():
    out = parse_times(pd.Series(["0", "", "x"]), SH, what="t")
    assert out.isna().all()
    nums = parse_times(pd.Series([1709619780000, 0]), ZoneInfo("UTC"), what="t")
    assert str(nums.iloc[0]) == "2024-03-05 06:23:00" and pd.isna(nums.iloc[1])


def test_parse_times_day_month_order_from_evidence_or_refused():
    log = ImportLog()
    out = parse_times(pd.Series(["25/03/2024", "03/04/2024"]), SH, what="t", log=log)
    assert out.dt.strftime("%Y-%m-%d").tolist() == ["2024-03-25", "2024-04-03"]
    assert "day/month" in log.text()
    with pytest.raises(ConfigError, match="3 April or 4 March"):
        parse_times(pd.Series(["03/04/2024"]), SH, what="t")
    with pytest.raises(ConfigError, match="day first"):
        parse_times(pd.Series(["25/03/2024", "03/25/2024"]), SH, what="t")
    assert str(parse_times(pd.Series(["03/04/2024"]), SH, what="t", dayfirst=False).iloc[0]) == "2024-03-04 00:00:00"


# --------------------------------------------------------------------------------------------------
# directories
# --------------------------------------------------------------------------------------------------
def _dir_frame():
    return pd.DataFrame({
        "employee_id": ["1", "2", "3", "4", "5", "2", "6"],
        "name": ["A", "B", "C", "B", "E", "B", "F"],
        "email": ["a@x.cn", "b@x.cn", "c@x.cn", "d@x.cn", "E@X.cn", "b@x.cn", "f@x.cn"],
        "department": ["Co-Sales-East", "Co-Sales-West", "Co-RD", "Co-RD", "Co-RD", "Co-RD-Lab", "Co-RD"],
        "manager_ref": ["", "A", "a@x.cn", "1", "B", "A", "e@x.cn"],
        "resigned": ["", "", "", "", "", "", "是"],
    })


def test_build_people_paths_primary_managers_resigned():
    log = ImportLog()
    d = build_people(_dir_frame(), file="hr.csv", options=ImportOptions(department_level=1), log=log,
                     path_separator="-")
    p = d.people.set_index("employee_id")
    assert list(p.index) == ["1", "2", "3", "4", "5"]           # 6 resigned, 2 read once
    assert p.loc["1", "department"] == "Sales"                  # "Co" shared by all: dropped; 1 level kept
    assert p.loc["2", "department"] == "Sales" and p.loc["2", "other_departments"] == "RD"
    assert p.loc["2", "manager_id"] == "1"                      # by the unique name A
    assert p.loc["3", "manager_id"] == "1"                      # by e-mail
    assert p.loc["5", "manager_id"] == ""                       # "B" names two people: never guessed
    text = log.text()
    assert "dropped 1 people: marked as resigned" in text and "shared by several people" in text
    assert "B" not in text.replace("By", "")  # no name in the log


def test_build_people_levels_and_tree():
    d = build_people(_dir_frame(), file="hr.csv", options=ImportOptions(department_level=2), log=ImportLog(),
                     path_separator="-")
    assert d.people.set_index("employee_id").loc["1", "department"] == "Sales / East"
    frame = pd.DataFrame({"employee_id": list("123456"), "manager_id": ["", "1", "1", "2", "2", "3"],
                          "title": ["CEO", "VP Sales", "VP R&D", "Rep", "Rep", "Eng"]})
    people = build_people(frame, file="hr.csv", options=ImportOptions(), log=ImportLog()).people
    assert people["department"].tolist() == ["Leadership", "VP Sales", "VP R&D", "VP Sales", "VP Sales", "VP R&D"]
    people = build_people(frame, file="hr.csv", options=ImportOptions(derive_departments=2), log=ImportLog()).people
    by_id = people.set_index("employee_id")["department"]
    # 4, 5 and 6 head nobody: no one-person units; they stay with their manager's unit one level up
    assert by_id["4"] == "VP Sales" and by_id["5"] == "VP Sales"
    assert by_id["6"] == "VP R&D" and by_id["2"] == "Leadership"


def test_directory_resolves_emails_case_insensitively():
    d = build_people(_dir_frame(), file="hr.csv", options=ImportOptions(), log=ImportLog(), path_separator="-")
    got = d.resolve(pd.Series(["A@X.CN ", "e@x.cn", "nobody@x.cn", "B", "3"]), what="t")
    assert got.tolist() == ["1", "5", "", "", "3"]


# --------------------------------------------------------------------------------------------------
# approvals
# --------------------------------------------------------------------------------------------------
def test_build_decisions_rules():
    inst = pd.DataFrame({
        "decision_id": ["1", "1", "2", "3"], "decision_type": ["报销", "报销", "请假", "报销"],
        "initiator": ["a", "a", "b", "c"], "raised_at": [T("2024-01-01")] * 4,
        "finished_at": [T("2024-01-03"), T("2024-01-03"), pd.NaT, T("2024-01-02")],
        "status": ["approved", "approved", "pending", "withdrawn"], "current": ["", "", "m", ""]})
    steps = pd.DataFrame({
        "decision_id": ["1"] * 7 + ["2"],
        "actor": ["a", "m", "x", "n", "k", "n", "z", "b"],
        "node": [""] * 8,
        "at": [T("2024-01-01"), T("2024-01-02"), T("2024-01-02 01:00"), T("2024-01-02 02:00"),
               T("2024-01-02 03:00"), T("2024-01-03"), T("2024-01-05"), T("2024-01-01")],
        "action": ["submit", "transfer", "cc", "approve", "comment", "approve", "comment", "submit"]})
    log = ImportLog()
    d = build_decisions(inst, steps, file="f", options=ImportOptions(), log=log).set_index("decision_id")
    assert list(d.index) == ["1", "2"]                        # 3 withdrawn; 1 read once
    assert d.loc["1", "approvers"] == "m;n"                   # transfer is a hop, cc and comments are not
    assert d.loc["1", "decider_id"] == "n"
    assert d.loc["1", "decided_at"] == T("2024-01-03")        # the late comment does not move it
    assert pd.isna(d.loc["2", "decided_at"]) and d.loc["2", "decider_id"] == "m"  # open, waits on m
    assert "withdrawn" in log.text()


# --------------------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------------------
def test_bad_files_refused(tmp_path):
    page = tmp_path / "export.xlsx"
    page.write_text("<!DOCTYPE html><html><body>Session expired</body></html>", encoding="utf-8")
    assert sniff(page) == "html"
    with pytest.raises(ExportFormatError, match="web page") as info:
        read_table_file(page, "an HR directory")
    assert "Session expired" not in str(info.value)
    cut = tmp_path / "users.json"
    cut.write_text('{"data": {"items": [{"user_id": "1"', encoding="utf-8")
    with pytest.raises(ExportFormatError, match="truncated"):
        read_json(cut, "Feishu users")


# --------------------------------------------------------------------------------------------------
# writing a client folder
# --------------------------------------------------------------------------------------------------
HR = ("Employee ID,Name,Email,Department,Manager Email,Title\n"
      "1,Ann Lee,ann@x.com,Exec,,CEO\n"
      + "".join(f"{i},P{i},p{i}@x.com,Sales,ann@x.com,Rep\n" for i in range(2, 9))
      + "".join(f"{i},P{i},p{i}@x.com,R&D,ann@x.com,Engineer\n" for i in range(9, 16)))


@pytest.fixture()
def hr(tmp_path):
    path = tmp_path / "export" / "hr.csv"
    path.parent.mkdir()
    path.write_text(HR, encoding="utf-8")
    return path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_import_writes_a_valid_private_deterministic_folder(hr, tmp_path):
    out = tmp_path / "acme"
    result = import_client("hris", [hr], out, ImportOptions(timezone="Asia/Shanghai"))
    assert set(result.written) == {"people.csv", "client.yml", "import.log"}
    people = pd.read_csv(out / "people.csv", dtype=str, keep_default_na=False)
    assert len(people) == 15 and "name" not in people.columns and "email" not in people.columns
    text = "".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    assert "Ann Lee" not in text and "ann@x.com" not in text
    assert "timezone: Asia/Shanghai" in (out / "client.yml").read_text(encoding="utf-8")
    first = _snapshot(out)
    import_client("hris", [hr], out, ImportOptions(timezone="Asia/Shanghai"))
    assert _snapshot(out) == first
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging folder left


def test_keep_names(hr, tmp_path):
    import_client("hris", [hr], tmp_path / "acme", ImportOptions(keep_names=True))
    people = pd.read_csv(tmp_path / "acme" / "people.csv", dtype=str, keep_default_na=False)
    assert "Ann Lee" in people["name"].tolist()
    assert "ann@x.com" not in (tmp_path / "acme" / "people.csv").read_text(encoding="utf-8")


def test_user_files_are_kept_and_never_replaced(hr, tmp_path):
    out = tmp_path / "acme"
    import_client("hris", [hr], out)
    survey = out / "survey.csv"
    survey.write_text("employee_id,q1\n2,4\n", encoding="utf-8")
    yml = out / "client.yml"
    yml.write_text("name: ACME Ltd\nlanguage: zh\n", encoding="utf-8")
    result = import_client("hris", [hr], out)
    assert survey.read_text(encoding="utf-8") == "employee_id,q1\n2,4\n"
    assert yml.read_text(encoding="utf-8") == "name: ACME Ltd\nlanguage: zh\n"  # edited: kept
    assert "survey.csv" in result.kept
    people = out / "people.csv"
    people.write_text(people.read_text(encoding="utf-8") + "99,Sales,1,Rep\n", encoding="utf-8")
    before = _snapshot(out)
    with pytest.raises(OutputError, match="changed after orgkit import wrote it"):
        import_client("hris", [hr], out)
    assert _snapshot(out) == before


def test_folder_not_written_by_import_is_refused(hr, tmp_path):
    out = tmp_path / "client"
    out.mkdir()
    (out / "people.csv").write_text("employee_id,department\n1,A\n", encoding="utf-8")
    before = _snapshot(out)
    with pytest.raises(OutputError, match="did not write"):
        import_client("hris", [hr], out)
    assert _snapshot(out) == before


def test_invalid_result_writes_nothing(tmp_path):
    bad = tmp_path / "hr.csv"
    bad.write_text("Employee ID,Department,Manager ID\n1,A,2\n2,A,1\n", encoding="utf-8")  # a reporting cycle
    out = tmp_path / "acme"
    with pytest.raises(ValidationError, match="cycle"):
        import_client("hris", [bad], out)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_pseudonymise_key_outside_and_stable(hr, tmp_path):
    out = tmp_path / "acme"
    r1 = import_client("hris", [hr], out, ImportOptions(pseudonymise=True))
    assert r1.key_file == tmp_path / "acme.orgkit-key.json" and r1.key_file.exists()
    ids = pd.read_csv(out / "people.csv", dtype=str, keep_default_na=False)
    assert ids["employee_id"].str.fullmatch(r"P[0-9a-f]{16}").all()
    assert set(ids["manager_id"]) - {""} <= set(ids["employee_id"])
    first = (out / "people.csv").read_bytes()
    import_client("hris", [hr], out, ImportOptions(pseudonymise=True))
    assert (out / "people.csv").read_bytes() == first
    with pytest.raises(ConfigError, match="inside the client folder"):
        import_client("hris", [hr], out, ImportOptions(pseudonymise=True, key_file=out / "key.json"))
    key = bytes.fromhex(json.loads(r1.key_file.read_text())["orgkit_pseudonym_key"])
    assert pseudonymise_ids(pd.Series(["1", ""]), key).tolist()[1] == ""


def test_email_ids_are_not_written_unless_asked(tmp_path):
    hr = tmp_path / "hr.csv"
    hr.write_text("Email,Department\n" + "".join(f"p{i}@x.com,Sales\n" for i in range(6)), encoding="utf-8")
    with pytest.raises(ConfigError, match="e-mail addresses"):
        import_client("hris", [hr], tmp_path / "acme")
    assert not (tmp_path / "acme").exists()
    import_client("hris", [hr], tmp_path / "acme", ImportOptions(pseudonymise=True))
    assert "@" not in (tmp_path / "acme" / "people.csv").read_text(encoding="utf-8")


def test_read_export_writes_nothing(hr, tmp_path):
    imported = read_export("hris", [hr])
    assert len(imported.people) == 15 and "name" in imported.people.columns
    assert list(tmp_path.iterdir()) == [hr.parent]


def test_cli_import(hr, tmp_path):
    runner = CliRunner()
    listed = runner.invoke(main, ["import", "--list"])
    assert listed.exit_code == 0 and "hris" in listed.output
    ok = runner.invoke(main, ["import", "hris", str(hr), "-o", str(tmp_path / "acme"), "--timezone", "Asia/Shanghai"])
    assert ok.exit_code == 0, ok.output
    assert "15 people" in ok.output
    page = tmp_path / "page.xlsx"
    page.write_text("<html><body>error</body></html>", encoding="utf-8")
    bad = runner.invoke(main, ["import", "hris", str(page), "-o", str(tmp_path / "b")])
    assert bad.exit_code == 2 and "Traceback" not in bad.output and "web page" in bad.output
    assert not (tmp_path / "b").exists()
    zone = runner.invoke(main, ["import", "hris", str(hr), "-o", str(tmp_path / "c"), "--timezone", "Mars/Base"])
    assert zone.exit_code == 2 and "time zone" in zone.output
    unknown = runner.invoke(main, ["import", "nosuch", str(hr), "-o", str(tmp_path / "d")])
    assert unknown.exit_code == 2 and "hris" in unknown.output


@pytest.mark.parametrize("encoding, sep", [("utf-16", "\t"), ("gb18030", ","), ("utf-8-sig", ",")])
def test_chinese_directory_in_excel_encodings(tmp_path, encoding, sep):
    rows = ["工号", "姓名", "部门", "直属上级"], *[[str(i), f"员工{i}", "销售部", "1" if i > 1 else ""] for i in range(1, 8)]
    path = tmp_path / "通讯录.txt"
    path.write_bytes("\n".join(sep.join(r) for r in rows).encode(encoding))
    result = import_client("hris", [path], tmp_path / "acme")
    people = pd.read_csv(tmp_path / "acme" / "people.csv", dtype=str, keep_default_na=False)
    assert people["department"].tolist() == ["销售部"] * 7 and people["manager_id"].tolist()[1:] == ["1"] * 6
    assert "language: zh" in (tmp_path / "acme" / "client.yml").read_text(encoding="utf-8")
    assert encoding.split("-sig")[0] in result.log


def test_small_department_never_named_in_the_log(tmp_path):
    """Even a reader that names a department in its log: the writer scrubs groups below the minimum size."""
    from orgkit.importers.base import FORMATS, Imported, register
    from orgkit.importers.directory import read_directory

    def leaky(paths, options, log):
        directory = read_directory(paths, options, log)
        log.note("departments seen: Sales, Secret Lab")
        return Imported(people=directory.people, log=log)

    path = tmp_path / "hr.csv"
    rows = ["Employee ID,Department,Manager ID"] + [f"{i},Sales,1" for i in range(1, 8)] + ["8,Secret Lab,1"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    register("test-leaky", "a test reader", "hr.csv", ("people",))(leaky)
    try:
        result = import_client("test-leaky", [path], tmp_path / "acme")
    finally:
        FORMATS.pop("test-leaky")
    text = (tmp_path / "acme" / "import.log").read_text(encoding="utf-8")
    assert "Secret Lab" not in result.log and "Secret Lab" not in text
    assert "departments seen: Sales, Other (small groups)" in text


def test_ambiguous_dates_stop_the_import_until_settled(tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text("id,department,hire date\n" + "".join(f"{i},A,0{i}/0{i + 1}/2024\n" for i in range(1, 6)),
                    encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "acme"
    stopped = runner.invoke(main, ["import", "hris", str(path), "-o", str(out)])
    assert stopped.exit_code == 2 and "--dayfirst or --monthfirst" in stopped.output and not out.exists()
    ok = runner.invoke(main, ["import", "hris", str(path), "-o", str(out), "--monthfirst"])
    assert ok.exit_code == 0, ok.output
    people = pd.read_csv(out / "people.csv", dtype=str)
    assert people["hire_date"].tolist()[0] == "2024-01-02"


def test_person_names_scrubbed_from_the_log():
    from orgkit.importers.write import scrub_person_names

    names = pd.Series(["王伟", "Ann Lee", "Bo", "X"])
    text = "type from title 王伟提交的费用报销\nmanager Ann Lee not found; Bob stays; X stays\nBo left"
    assert scrub_person_names(text, names) == ("type from title [name]提交的费用报销\nmanager [name] not found; "
                                               "Bob stays; X stays\n[name] left")
    assert scrub_person_names(text, None) == text


def test_ids_of_imports_into_one_folder_must_match(hr, tmp_path):
    """People pseudonymised and ties with raw ids would share no id: the second import is refused."""
    ties = tmp_path / "ties.csv"
    ties.write_text("from,to\n" + "".join(f"{i},{i + 1}\n" for i in range(1, 15)), encoding="utf-8")
    out = tmp_path / "acme"
    import_client("hris", [hr], out, ImportOptions(pseudonymise=True))
    before = _snapshot(out)
    with pytest.raises(ConfigError, match="pseudonymised ids.*same --key-file"):
        import_client("edge-list", [ties], out)
    assert _snapshot(out) == before
    other_key = tmp_path / "other.key.json"
    with pytest.raises(ConfigError, match="give the --key-file that import used"):
        import_client("edge-list", [ties], out, ImportOptions(pseudonymise=True, key_file=other_key))
    result = import_client("edge-list", [ties], out, ImportOptions(pseudonymise=True))
    assert result.counts == {"communication": 14}
    client_ties = pd.read_csv(out / "communication.csv", dtype=str)
    people = pd.read_csv(out / "people.csv", dtype=str)
    assert set(client_ties["source_id"]) <= set(people["employee_id"])   # the same pseudonyms


def test_unwritable_output_is_an_output_error(hr, tmp_path, monkeypatch):
    import pathlib

    real = pathlib.Path.write_bytes

    def full_disk(self, data):
        if self.name == "people.csv":
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", full_disk)
    with pytest.raises(OutputError, match="space"):
        import_client("hris", [hr], tmp_path / "acme")
    assert not (tmp_path / "acme").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["export"]
