"""Red-team of ``orgkit import``: the user's data is never lost, imports are repeatable, nothing private leaks.

Each test builds a small synthetic export (made-up people) and a client folder in the states a real user
leaves one in: their own files beside the import's, an edited file, a damaged marker, symbolic links, an
import stopped half-way.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from orgkit.cli import main
from orgkit.errors import ConfigError, OutputError, ValidationError
from orgkit.files.atomic import IMPORT_MARKER
from orgkit.importers import ImportOptions, import_client, read_export

HR = ("Employee ID,Name,Email,Mobile Phone,Department,Manager Email,Title\n"
      "1,Ann Lee,ann@x.com,+86 138 0000 0001,Exec,,CEO\n"
      + "".join(f"{i},Bob Kim{i},bob{i}@x.com,+86 138 0000 00{i:02d},Sales,ann@x.com,Rep\n" for i in range(2, 9))
      + "".join(f"{i},Cy Zed{i},cy{i}@x.com,+86 139 0000 00{i:02d},R&D,ann@x.com,Engineer\n" for i in range(9, 16))
      + "16,Dee Fox,dee@x.com,+86 137 0000 0016,Skunkworks,ann@x.com,Engineer\n")
TIES = "from,to\n" + "".join(f"{i},{i + 1}\n" for i in range(1, 15))


@pytest.fixture()
def hr(tmp_path):
    path = tmp_path / "export" / "hr.csv"
    path.parent.mkdir()
    path.write_text(HR, encoding="utf-8")
    return path


def _snapshot(folder: Path) -> dict[str, object]:
    """Every entry under ``folder``: file bytes, a link's target, or a folder."""
    out: dict[str, object] = {}
    for p in sorted(folder.rglob("*")):
        key = str(p.relative_to(folder))
        out[key] = ("link", os.readlink(p)) if p.is_symlink() else p.read_bytes() if p.is_file() else "folder"
    return out


# --------------------------------------------------------------------------------------------------
# never lose the user's data
# --------------------------------------------------------------------------------------------------
def test_client_folder_holding_the_export_is_refused(hr, tmp_path):
    """-o the export's own folder (or an export file inside -o): the raw export, names and all, would sit in
    the folder the user shares."""
    before = _snapshot(tmp_path)
    with pytest.raises(OutputError, match="hr.csv is inside the client folder"):
        import_client("hris", [hr], hr.parent)
    assert _snapshot(tmp_path) == before
    out = tmp_path / "acme"
    import_client("hris", [hr], out)
    copy = out / "hr_export.csv"
    copy.write_bytes(hr.read_bytes())
    before = _snapshot(tmp_path)
    with pytest.raises(OutputError, match="hr_export.csv is inside the client folder"):
        import_client("hris", [copy], out)
    ties = tmp_path / "ties.csv"
    ties.write_text(TIES, encoding="utf-8")
    before = _snapshot(tmp_path)
    with pytest.raises(OutputError, match="hr_export.csv is inside the client folder"):
        import_client("edge-list", [ties], out, ImportOptions(directory=(copy,)))
    assert _snapshot(tmp_path) == before


def test_output_given_as_dot_is_named_after_the_folder(hr, tmp_path, monkeypatch):
    out = tmp_path / "acme"
    out.mkdir()
    monkeypatch.chdir(out)
    result = import_client("hris", [hr], ".", ImportOptions(pseudonymise=True))
    assert "name: acme\n" in (out / "client.yml").read_text(encoding="utf-8")
    assert result.log.startswith("# orgkit ") and " import into acme\n" in result.log
    assert result.key_file == tmp_path / "acme.orgkit-key.json"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acme", "acme.orgkit-key.json", "export"]


def test_output_that_is_a_dangling_link_is_refused_by_name(hr, tmp_path):
    link = tmp_path / "acme"
    link.symlink_to(tmp_path / "nowhere")
    with pytest.raises(OutputError, match=r"acme exists and is not a folder"):
        import_client("hris", [hr], link)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acme", "export"]


@pytest.mark.parametrize("kind", ["folder", "link to a file", "dangling link"])
def test_a_table_file_that_is_not_a_plain_file_is_not_replaced(hr, tmp_path, kind):
    """people.csv turned into a folder or a link by the user (the marker still lists it): refused, untouched."""
    out = tmp_path / "acme"
    import_client("hris", [hr], out)
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_bytes((out / "people.csv").read_bytes())
    (out / "people.csv").unlink()
    if kind == "folder":
        (out / "people.csv").mkdir()
        (out / "people.csv" / "mine.txt").write_text("mine", encoding="utf-8")
    else:
        (out / "people.csv").symlink_to(elsewhere if kind == "link to a file" else tmp_path / "gone.csv")
    hr.write_text(HR.replace("Rep", "Seller"), encoding="utf-8")
    before = _snapshot(tmp_path)
    with pytest.raises(OutputError, match="people.csv is not a plain file"):
        import_client("hris", [hr], out)
    assert _snapshot(tmp_path) == before


def test_read_only_file_is_not_replaced(hr, tmp_path):
    """A file the user made read-only is protected: the import stops instead of renaming over it."""
    out = tmp_path / "acme"
    import_client("hris", [hr], out)
    os.chmod(out / "people.csv", 0o444)
    hr.write_text(HR.replace("Rep", "Seller"), encoding="utf-8")
    before = _snapshot(out)
    try:
        with pytest.raises(OutputError, match="people.csv is read-only"):
            import_client("hris", [hr], out)
        assert _snapshot(out) == before
        assert (out / "people.csv").stat().st_mode & 0o777 == 0o444
    finally:
        os.chmod(out / "people.csv", 0o644)


def _damage(marker: Path, how: str) -> None:
    record = json.loads(marker.read_text(encoding="utf-8"))
    if how == "not json":
        marker.write_text("{ broken", encoding="utf-8")
        return
    if how == "files a list":
        record["files"] = sorted(record["files"])
    elif how == "files a string":
        record["files"] = "people.csv"
    elif how == "imports a list":
        record["imports"] = [1]
    elif how == "an import not a record":
        record["imports"]["hris"] = 5
    elif how == "a log not text":
        record["imports"]["hris"]["log"] = 5
    elif how == "another kind":
        record["kind"] = "report"
    marker.write_text(json.dumps(record), encoding="utf-8")


@pytest.mark.parametrize("how", ["not json", "files a list", "files a string", "imports a list",
                                 "an import not a record", "a log not text", "another kind"])
def test_damaged_marker_stops_the_import_and_says_so(hr, tmp_path, how):
    out = tmp_path / "acme"
    import_client("hris", [hr], out)
    _damage(out / IMPORT_MARKER, how)
    before = _snapshot(out)
    with pytest.raises(OutputError, match=r"\.orgkit-import is damaged"):
        import_client("hris", [hr], out)
    assert _snapshot(out) == before


def test_a_users_own_marker_file_is_not_overwritten(hr, tmp_path):
    out = tmp_path / "acme"
    out.mkdir()
    (out / IMPORT_MARKER).write_text("my notes\n", encoding="utf-8")
    with pytest.raises(OutputError, match=r"\.orgkit-import is damaged"):
        import_client("hris", [hr], out)
    assert _snapshot(out) == {IMPORT_MARKER: b"my notes\n"}


@pytest.mark.parametrize("failure", [OSError(5, "Input/output error"), KeyboardInterrupt()])
def test_an_import_stopped_while_publishing_leaves_the_folder_as_before(hr, tmp_path, monkeypatch, failure):
    import orgkit.importers.write as write

    out = tmp_path / "acme"
    (tmp_path / "ties.csv").write_text(TIES, encoding="utf-8")
    import_client("hris", [hr], out)
    import_client("edge-list", [tmp_path / "ties.csv"], out)
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    before = _snapshot(out)
    hr.write_text(HR.replace("Rep", "Seller"), encoding="utf-8")
    real = os.replace
    calls = []

    def stop_at_the_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise failure
        return real(src, dst)

    monkeypatch.setattr(write.os, "replace", stop_at_the_second)
    with pytest.raises((OutputError, KeyboardInterrupt)):
        import_client("hris", [hr], out)
    monkeypatch.setattr(write.os, "replace", real)
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acme", "export", "ties.csv"]  # no staging left
    result = import_client("hris", [hr], out)  # and the next import goes through
    assert "Seller" in (out / "people.csv").read_text(encoding="utf-8") and "people.csv" in result.written


def test_edited_client_yml_is_kept_and_the_log_and_cli_say_so(hr, tmp_path):
    out = tmp_path / "acme"
    import_client("hris", [hr], out, ImportOptions(timezone="Asia/Shanghai"))
    (out / "client.yml").write_text("name: ACME Ltd\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "hris", str(hr), "-o", str(out), "--timezone", "Europe/London"])
    assert result.exit_code == 0, result.output
    assert (out / "client.yml").read_text(encoding="utf-8") == "name: ACME Ltd\n"
    log = (out / "import.log").read_text(encoding="utf-8")
    assert ("client.yml: kept as it is (changed since orgkit import wrote it); the import's settings not "
            "written into it: timezone: Europe/London") in log
    assert "kept client.yml" in result.output


def test_hand_written_client_yml_is_kept_and_said(hr, tmp_path):
    out = tmp_path / "acme"
    out.mkdir()
    (out / "client.yml").write_text("name: ACME Ltd\nlanguage: en\n", encoding="utf-8")
    (out / "notes.docx").write_bytes(b"PK\x03\x04 not really")
    result = import_client("hris", [hr], out, ImportOptions(timezone="Asia/Shanghai"))
    assert (out / "client.yml").read_text(encoding="utf-8") == "name: ACME Ltd\nlanguage: en\n"
    assert (out / "notes.docx").read_bytes() == b"PK\x03\x04 not really"
    assert "client.yml: kept as it is (not written by orgkit import)" in result.log
    assert "timezone: Asia/Shanghai" in result.log


# --------------------------------------------------------------------------------------------------
# the same import, the same folder
# --------------------------------------------------------------------------------------------------
def test_order_of_the_sources_does_not_matter(hr, tmp_path):
    a, b = tmp_path / "advice.csv", tmp_path / "email.csv"
    a.write_text("from,to\n1,2\n2,3\n", encoding="utf-8")
    b.write_text("from,to\n3,4\n4,5\n", encoding="utf-8")
    import_client("edge-list", [a, b], tmp_path / "one" / "acme", ImportOptions(directory=(hr,)))
    import_client("edge-list", [b, a], tmp_path / "two" / "acme", ImportOptions(directory=(hr,)))
    assert _snapshot(tmp_path / "one") == _snapshot(tmp_path / "two")


def test_two_formats_imported_again_give_the_same_folder(hr, tmp_path):
    ties = tmp_path / "ties.csv"
    ties.write_text(TIES, encoding="utf-8")
    out = tmp_path / "acme"
    import_client("hris", [hr], out)
    import_client("edge-list", [ties], out)
    first = _snapshot(out)
    import_client("hris", [hr], out)
    import_client("edge-list", [ties], out)
    assert _snapshot(out) == first
    log = (out / "import.log").read_text(encoding="utf-8")
    assert log.index("## edge-list") < log.index("## hris")  # sections in the order of the formats' names


def test_quoted_glob_pattern_works_for_every_format(tmp_path):
    folder = tmp_path / "ties"
    folder.mkdir()
    (folder / "advice.csv").write_text("from,to\na,b\n", encoding="utf-8")
    (folder / "email.csv").write_text("from,to\nb,c\n", encoding="utf-8")
    imported = read_export("edge-list", [folder / "*.csv"])
    assert imported.communication[["source_id", "target_id", "channel"]].values.tolist() == [
        ["a", "b", "advice"], ["b", "c", "email"]]


def test_weak_or_foreign_key_file_is_refused(hr, tmp_path):
    short = tmp_path / "short.json"
    short.write_text(json.dumps({"orgkit_pseudonym_key": "ab"}), encoding="utf-8")
    with pytest.raises(ConfigError, match="not an orgkit pseudonymisation key file"):
        import_client("hris", [hr], tmp_path / "acme", ImportOptions(pseudonymise=True, key_file=short))
    assert not (tmp_path / "acme").exists()


def test_reimport_must_keep_the_folders_ids(hr, tmp_path):
    """A re-import without --pseudonymise (or with another key) would put raw ids, or other pseudonyms, where
    the folder's files and the consultant's own files (a survey keyed by pseudonym) have the old ones."""
    out = tmp_path / "acme"
    import_client("hris", [hr], out, ImportOptions(pseudonymise=True))
    before = _snapshot(out)
    with pytest.raises(ConfigError, match="hris import wrote pseudonymised ids"):
        import_client("hris", [hr], out)
    with pytest.raises(ConfigError, match="give the --key-file that import used"):
        import_client("hris", [hr], out, ImportOptions(pseudonymise=True, key_file=tmp_path / "other.json"))
    assert _snapshot(out) == before
    import_client("hris", [hr], out, ImportOptions(pseudonymise=True))
    assert _snapshot(out) == before


# --------------------------------------------------------------------------------------------------
# privacy
# --------------------------------------------------------------------------------------------------
def test_no_name_email_or_phone_in_any_written_file(hr, tmp_path):
    out = tmp_path / "acme"
    ties = tmp_path / "ties.csv"
    ties.write_text(TIES, encoding="utf-8")
    import_client("hris", [hr], out, ImportOptions(pseudonymise=True))
    import_client("edge-list", [ties], out, ImportOptions(pseudonymise=True))
    people = pd.read_csv(hr, dtype=str)
    secrets = set(people["Name"]) | set(people["Email"]) | set(people["Mobile Phone"])
    secrets |= {p.replace(" ", "") for p in people["Mobile Phone"]} | {"Skunkworks"}
    texts = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}
    assert set(texts) == {"people.csv", "communication.csv", "client.yml", "import.log", IMPORT_MARKER}
    for name, text in texts.items():
        if name == "people.csv":
            continue  # a department's own row names it; the log and the rest must not
        found = sorted(s for s in secrets if s in text)
        assert found == [], name
    assert not any(s in texts["people.csv"] for s in secrets - {"Skunkworks"})


@pytest.mark.parametrize("ids, refused", [
    (["2024000001", "2024000002"], False),          # ten-digit staff numbers are ids
    (["0447654442691174", "0447654442691175"], False),  # DingTalk-style numeric user ids
    (["13800000001", "13800000002"], True),          # mainland mobile numbers
    (["555.123.4567", "555.123.4568"], True),        # a phone number with dots
    (["+44 20 7946 0000", "+44 20 7946 0001"], True),
    (["(555) 123-4567", "(555) 123-4568"], True),
])
def test_phone_numbers_as_ids_are_refused_and_numeric_ids_are_not(tmp_path, ids, refused):
    from orgkit.importers.write import _looks_private

    assert (_looks_private(pd.Series(ids)) > 0) is refused


def test_pseudonyms_are_keyed_not_plain_hashes(hr, tmp_path):
    import hashlib

    import_client("hris", [hr], tmp_path / "acme", ImportOptions(pseudonymise=True))
    text = (tmp_path / "acme" / "people.csv").read_text(encoding="utf-8")
    for i in ("1", "2", "15"):
        for h in (hashlib.sha256, hashlib.sha1, hashlib.md5, hashlib.blake2b):
            assert h(i.encode()).hexdigest()[:16] not in text


# --------------------------------------------------------------------------------------------------
# the command line
# --------------------------------------------------------------------------------------------------
def test_cli_unknown_setting_is_refused(hr, tmp_path):
    runner = CliRunner()
    typo = runner.invoke(main, ["import", "hris", str(hr), "-o", str(tmp_path / "a"), "--set", "id_colum=Email"])
    assert typo.exit_code == 2 and "Traceback" not in typo.output
    assert "id_colum" in typo.output and "id_column" in typo.output
    assert not (tmp_path / "a").exists()
    other = runner.invoke(main, ["import", "hris", str(hr), "-o", str(tmp_path / "a"), "--set", "channel=advice"])
    assert other.exit_code == 2 and "hris" in other.output and not (tmp_path / "a").exists()
    listed = runner.invoke(main, ["import", "--list"])
    assert listed.exit_code == 0 and "--set: id_column, sheet, department_separator\n" in listed.output


def test_cli_errors_exit_2_without_traceback(hr, tmp_path):
    runner = CliRunner()
    cases = [
        (["import", "hris", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "a")], "no such file"),
        (["import", "hris", str(tmp_path / "*.xyz"), "-o", str(tmp_path / "a")], "no such file"),
        (["import", "hris", str(hr.parent / "h*.csv"), "-o", str(hr.parent)], "inside the client folder"),
        (["import", "hris", str(hr), "-o", str(tmp_path / "a"), "--set", "sheet"], "KEY=VALUE"),
        (["import", "no-such-format", str(hr), "-o", str(tmp_path / "a")], "edge-list"),
    ]
    for args, expected in cases:
        result = runner.invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert expected in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]


def test_a_failed_import_leaves_no_new_key_file(tmp_path):
    """"Nothing was written" holds for the key too: a new key is saved only with the folder it belongs to."""
    bad = tmp_path / "hr.csv"
    bad.write_text("Employee ID,Department,Manager ID\n1,A,2\n2,A,1\n", encoding="utf-8")  # a reporting cycle
    with pytest.raises(ValidationError, match="cycle"):
        import_client("hris", [bad], tmp_path / "acme", ImportOptions(pseudonymise=True))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hr.csv"]


def test_new_key_file_is_private_from_the_start(hr, tmp_path, monkeypatch):
    import orgkit.files.atomic as atomic

    modes = []
    real = atomic.os.replace

    def seen(src, dst):
        if str(dst).endswith(".orgkit-key.json"):
            modes.append(os.stat(src).st_mode & 0o777)
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", seen)
    result = import_client("hris", [hr], tmp_path / "acme", ImportOptions(pseudonymise=True))
    assert modes == [0o600] and result.key_file.stat().st_mode & 0o777 == 0o600


def test_write_errors_name_the_client_folder_not_the_staging_folder(hr, tmp_path, monkeypatch):
    import pathlib

    real = pathlib.Path.write_bytes

    def full_disk(self, data):
        if self.name == "people.csv":
            raise OSError(28, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", full_disk)
    with pytest.raises(OutputError) as info:
        import_client("hris", [hr], tmp_path / "acme")
    assert str(info.value).startswith(f"cannot write {tmp_path / 'acme' / 'people.csv'}: the disk is full")
    blocked = tmp_path / "file"
    blocked.write_text("x", encoding="utf-8")
    monkeypatch.setattr(pathlib.Path, "write_bytes", real)
    with pytest.raises(OutputError) as info:
        import_client("hris", [hr], blocked / "acme")
    assert ".import-" not in str(info.value) and str(blocked) in str(info.value)


def test_a_persons_name_in_a_file_name_is_not_written(tmp_path):
    """Exports are often saved under the exporter's name; the log and the marker name the file."""
    rows = ["工号,姓名,部门,直属上级", "1,张三丰,销售部,"]
    rows += [f"{i},员工{i},销售部,1" for i in range(2, 8)]
    path = tmp_path / "张三丰导出的花名册.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_client("hris", [path], tmp_path / "acme")
    for p in (tmp_path / "acme").iterdir():
        assert "张三丰" not in p.read_text(encoding="utf-8"), p.name


@pytest.mark.parametrize("fmt", ["edge-list", "hris", "events", "network-survey"])
def test_an_empty_folder_as_the_source_is_refused(tmp_path, fmt):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / ".DS_Store").write_bytes(b"\x00")
    with pytest.raises(ConfigError, match="export: the folder holds no files"):
        import_client(fmt, [folder], tmp_path / "acme")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]


@pytest.mark.parametrize("weight", [-1.0, 0.0, float("nan"), float("inf")])
def test_channel_weight_must_be_a_positive_number(hr, tmp_path, weight):
    with pytest.raises(ConfigError, match="--channel-weight"):
        read_export("hris", [hr], ImportOptions(channel_weight=weight))


def test_a_users_table_spelt_in_other_case_is_not_replaced(hr, tmp_path):
    """On macOS and Windows People.CSV and people.csv are one file: the import must not write over it."""
    out = tmp_path / "acme"
    out.mkdir()
    (out / "People.CSV").write_text("employee_id,department\n1,A\n", encoding="utf-8")
    (out / "CLIENT.YAML").write_text("name: ACME\nmin_group_size: 8\n", encoding="utf-8")
    before = _snapshot(out)
    with pytest.raises(OutputError, match="People.CSV was not written by orgkit import"):
        import_client("hris", [hr], out)
    assert _snapshot(out) == before


def test_a_users_client_yaml_is_not_shadowed_by_a_new_client_yml(hr, tmp_path):
    """client.yml is read before client.yaml: writing one beside the user's would silently drop their settings
    (here a larger minimum group size)."""
    from orgkit.data.loading import load_client

    out = tmp_path / "acme"
    out.mkdir()
    (out / "client.yaml").write_text("name: ACME Ltd\nmin_group_size: 8\n", encoding="utf-8")
    result = import_client("hris", [hr], out, ImportOptions(timezone="Asia/Shanghai"))
    assert "client.yml" not in result.written and not (out / "client.yml").exists()
    assert load_client(out).settings.min_group_size == 8
    assert result.notes == ("client.yaml: kept as it is (not written by orgkit import); the import's settings not "
                            "written into it: timezone: Asia/Shanghai (add them if they are right)",)


def test_an_import_killed_while_publishing_is_reported_not_buried(hr, tmp_path):
    """A killed process (kill -9, a power cut) cannot put files back: its staging folder still holds the files
    it set aside. The next import names it instead of carrying on over a half-published folder."""
    out = tmp_path / "acme"
    import_client("hris", [hr], out)
    stage = tmp_path / ".acme.import-0123456789"
    (stage / ".replaced-abc").mkdir(parents=True)
    os.replace(out / "people.csv", stage / ".replaced-abc" / "people.csv")
    before = _snapshot(tmp_path)
    with pytest.raises(OutputError, match=r"\.acme\.import-0123456789.*stopped.*people.csv"):
        import_client("hris", [hr], out)
    assert _snapshot(tmp_path) == before
    (stage / ".replaced-abc" / "people.csv").unlink()
    with pytest.raises(OutputError, match=r"another import into .*acme is running, or one was stopped"):
        import_client("hris", [hr], out)


def test_files_set_aside_survive_a_failed_put_back(hr, tmp_path, monkeypatch):
    import orgkit.importers.write as write

    out = tmp_path / "acme"
    import_client("hris", [hr], out)
    old_people = (out / "people.csv").read_bytes()
    hr.write_text(HR.replace("Rep", "Seller"), encoding="utf-8")
    real = os.replace
    calls = []

    def broken_disk(src, dst):
        calls.append(dst)
        if len(calls) >= 4:  # client.yml and import.log set aside and in place, then nothing works
            raise OSError(5, "Input/output error")
        return real(src, dst)

    monkeypatch.setattr(write.os, "replace", broken_disk)
    with pytest.raises(OutputError, match=r"nor put back the files the import had replaced .*\.replaced-"):
        import_client("hris", [hr], out)
    monkeypatch.setattr(write.os, "replace", real)
    stages = [p for p in tmp_path.iterdir() if p.name.startswith(".acme.import-")]
    assert len(stages) == 1
    assert sorted(p.name for p in stages[0].glob(".replaced-*/*")) == ["client.yml", "import.log"]
    with pytest.raises(OutputError, match="stopped while moving its files in; it holds the folder's earlier "
                                          "client.yml, import.log"):
        import_client("hris", [hr], out)
    assert (out / "people.csv").read_bytes() == old_people


def test_since_not_before_until_is_refused(hr):
    import datetime as dt

    with pytest.raises(ConfigError, match="--since 2024-05-01 00:00:00 is not before --until 2024-01-01 00:00:00"):
        read_export("hris", [hr], ImportOptions(since=dt.datetime(2024, 5, 1), until=dt.datetime(2024, 1, 1)))


def test_since_with_a_zone_is_refused_for_every_format(hr):
    import datetime as dt

    aware = dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with pytest.raises(ConfigError, match="--since: give a date or time without a zone"):
        read_export("hris", [hr], ImportOptions(since=aware, until=dt.datetime(2024, 4, 1)))


def test_names_used_as_ids_are_not_written_unless_asked(tmp_path):
    """--set id_column=姓名 makes people's names their ids: by default they must not reach people.csv."""
    path = tmp_path / "花名册.csv"
    rows = [f"员工{c},销售部,{'员工甲' if c != '甲' else ''}" for c in "甲乙丙丁戊己"]
    path.write_text("姓名,部门,上级\n" + "\n".join(rows) + "\n", encoding="utf-8")
    options = {"extra": {"id_column": "姓名"}}
    with pytest.raises(ConfigError, match="the ids in employee_id are people's names"):
        import_client("hris", [path], tmp_path / "acme", ImportOptions(**options))
    assert not (tmp_path / "acme").exists()
    import_client("hris", [path], tmp_path / "acme", ImportOptions(pseudonymise=True, **options))
    assert "员工" not in "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "acme").iterdir())
    import_client("hris", [path], tmp_path / "named", ImportOptions(keep_names=True, **options))
    people = pd.read_csv(tmp_path / "named" / "people.csv", dtype=str, keep_default_na=False)
    assert people["employee_id"].tolist()[:2] == ["员工丁", "员工丙"]


def test_approvers_are_held_to_the_same_privacy_rules(hr, tmp_path):
    """A format whose approvers (a ;-list of ids) kept an unresolved e-mail address: refused, like the others."""
    from orgkit.importers.base import FORMATS, Imported, register
    from orgkit.importers.directory import read_directory

    def approvals(paths, options, log):
        people = read_directory(paths, options, log).people
        decisions = pd.DataFrame({"decision_id": ["15012345678", "2"], "decision_type": ["leave", "leave"],
                                  "initiator_id": ["2", "3"], "decider_id": ["1", "1"],
                                  "approvers": ["1", "outside.approver@y.com，1"],
                                  "raised_at": pd.to_datetime(["2024-01-01", "2024-01-02"]),
                                  "decided_at": pd.to_datetime(["2024-01-02", "2024-01-03"])})
        return Imported(people=people, decisions=decisions, log=log)

    register("test-approvals", "a test reader", "hr.csv", ("people", "decisions"))(approvals)
    try:
        with pytest.raises(ConfigError, match="the ids in approvers are e-mail addresses"):
            import_client("test-approvals", [hr], tmp_path / "acme")
        assert not (tmp_path / "acme").exists()
        import_client("test-approvals", [hr], tmp_path / "acme", ImportOptions(pseudonymise=True))
    finally:
        FORMATS.pop("test-approvals")
    people = pd.read_csv(tmp_path / "acme" / "people.csv", dtype=str)
    decisions = pd.read_csv(tmp_path / "acme" / "decisions.csv", dtype=str)
    assert decisions["decision_id"].tolist() == ["2", "15012345678"]  # a number shaped like a phone, no person's
    one, two = decisions.set_index("decision_id")["approvers"].str.split(";")[["15012345678", "2"]]
    assert len(one) == 1 and len(two) == 2 and two[1] == one[0]
    assert one[0] in set(people["employee_id"]) and two[0] not in set(people["employee_id"])


def test_attribute_columns_with_emails_or_phones_are_not_written(tmp_path):
    """Viva keeps the organisational data's attributes as columns: one holding e-mail addresses or phone
    numbers must not reach people.csv (the rule is for every column, not only the ids)."""
    ids = ("a1f3e9", "b7c2d4", "c9e8f1", "d4a6b2", "e2b9c7", "f5d3a1")
    rows = ["PersonId,ManagerId,Organization,LevelDesignation,ManagerEmail,WorkPhone,Region"]
    rows += [f"{p},{'' if i == 0 else ids[0]},Sales,IC,{'' if i == 0 else 'boss@x.com'},+44 20 7946 000{i},"
             f"{'see ann@x.com' if i == 1 else 'EMEA'}" for i, p in enumerate(ids)]
    org = tmp_path / "OrgData.csv"
    org.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = import_client("viva", [org], tmp_path / "acme")
    people = pd.read_csv(tmp_path / "acme" / "people.csv", dtype=str, keep_default_na=False)
    assert list(people.columns) == ["employee_id", "department", "manager_id", "level", "location"]
    assert people["location"].tolist() == ["EMEA", "", "EMEA", "EMEA", "EMEA", "EMEA"]
    assert ("people: e-mail addresses and phone numbers not written: location (1 value left empty), ManagerEmail "
            "(left out), WorkPhone (left out)\n") in result.log


def test_cli_help_says_what_the_import_keeps_and_writes():
    text = " ".join(CliRunner().invoke(main, ["import", "--help"]).output.split())
    assert "Files in CLIENT_DIR that the import did not write are kept, never replaced" in text
    assert "orgkit import events 'logs/2024-*.csv'" in text and "--set KEY=VALUE" in text


def test_folder_names_with_pattern_characters(hr, tmp_path):
    out = tmp_path / "acme[2024]*"
    import_client("hris", [hr], out)
    (tmp_path / ".acme[2024]*.import-0123456789").mkdir()
    with pytest.raises(OutputError, match="another import into"):
        import_client("hris", [hr], out)
    (tmp_path / ".acme[2024]*.import-0123456789").rmdir()
    (tmp_path / ".acme2.import-0123456789").mkdir()  # another client's: not this folder's
    assert "people.csv" in import_client("hris", [hr], out).written


def test_the_users_other_files_are_not_copied_to_validate(hr, tmp_path, monkeypatch):
    """Validation reads the tables and settings only: a large recording or PDF beside them is not copied (a copy
    of each at every import, and a full disk for nothing); it is still reported as kept."""
    import shutil

    import orgkit.importers.write as write

    out = tmp_path / "acme"
    import_client("hris", [hr], out)
    (out / "interview.mp4").write_bytes(b"\x00" * 4096)
    (out / "survey.csv").write_text("employee_id,q1\n2,4\n", encoding="utf-8")
    copied = []
    real_copy, real_link = shutil.copy2, os.link

    def copy(src, dst, *a, **k):
        copied.append(Path(src).name)
        return real_copy(src, dst, *a, **k)

    def link(src, dst, *a, **k):
        copied.append(Path(src).name)
        return real_link(src, dst, *a, **k)

    monkeypatch.setattr(write.shutil, "copy2", copy)
    monkeypatch.setattr(write.os, "link", link)
    result = import_client("hris", [hr], out)
    assert copied == ["survey.csv"]
    assert result.kept == ("interview.mp4", "survey.csv")


def test_format_names_without_separators_and_near_misses():
    from orgkit.importers.formats import get_format

    assert get_format("edgelist").name == "edge-list" and get_format("Edge_List").name == "edge-list"
    with pytest.raises(ConfigError, match="'survey-network' is not a format orgkit imports; did you mean "
                                          "network-survey\\?"):
        get_format("survey-network")
    with pytest.raises(ConfigError, match="'slak' is not a format orgkit imports; did you mean slack\\?"):
        get_format("slak")
    with pytest.raises(ConfigError, match="'lark' is not a format orgkit imports. Use one of: dingtalk,"):
        get_format("lark")  # Lark is Feishu: no misleading "slack"


def test_cli_set_without_a_value_is_refused(hr, tmp_path):
    result = CliRunner().invoke(main, ["import", "edge-list", str(hr), "-o", str(tmp_path / "a"), "--set", "channel="])
    assert result.exit_code == 2 and "--set 'channel=': give a value" in result.output
    assert not (tmp_path / "a").exists()


@pytest.mark.parametrize("value, accepted", [("true", True), ("Yes", True), ("1", True), ("false", False),
                                             ("no", False), ("0", False)])
def test_yes_no_settings_read_or_refused(value, accepted):
    from orgkit.importers.platforms.dingtalk import ids_as_numbers

    assert ids_as_numbers(ImportOptions(extra={"ids_as_numbers": value})) is accepted
    assert ids_as_numbers(ImportOptions()) is False
    with pytest.raises(ConfigError, match="--set ids_as_numbers=maybe: give true or false"):
        ids_as_numbers(ImportOptions(extra={"ids_as_numbers": "maybe"}))


def test_a_file_edited_while_the_import_runs_is_not_replaced(hr, tmp_path, monkeypatch):
    """The user saves people.csv (or adds decisions.csv) after the import checked the folder, while it
    validates: the edit must survive, and the import must say why it stopped."""
    import orgkit.data.loading as loading

    out = tmp_path / "acme"
    import_client("hris", [hr], out)
    hr.write_text(HR.replace("Rep", "Seller"), encoding="utf-8")
    real = loading.load_client

    def user_saves_meanwhile(folder, *a, **k):
        (out / "people.csv").write_text("employee_id,department\n1,Mine\n", encoding="utf-8")
        return real(folder, *a, **k)

    monkeypatch.setattr(loading, "load_client", user_saves_meanwhile)
    with pytest.raises(OutputError, match="people.csv changed while the import ran"):
        import_client("hris", [hr], out)
    assert (out / "people.csv").read_text(encoding="utf-8") == "employee_id,department\n1,Mine\n"
    before = _snapshot(out)
    monkeypatch.setattr(loading, "load_client", real)
    with pytest.raises(OutputError, match="changed after orgkit import wrote it"):
        import_client("hris", [hr], out)
    assert _snapshot(out) == before


def test_key_and_id_checks_come_before_reading_the_export(hr, tmp_path, monkeypatch):
    import orgkit.importers.write as write

    out = tmp_path / "acme"
    import_client("hris", [hr], out, ImportOptions(pseudonymise=True))
    monkeypatch.setattr(write, "read_export", lambda *a, **k: pytest.fail("the export was read"))
    with pytest.raises(ConfigError, match="pseudonymised ids"):
        import_client("hris", [hr], out)
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(ConfigError, match="not an orgkit pseudonymisation key file"):
        import_client("hris", [hr], tmp_path / "other", ImportOptions(pseudonymise=True, key_file=bad))


def test_email_ids_with_a_directory_given_get_an_accurate_hint(hr, tmp_path):
    ties = tmp_path / "ties.csv"
    ties.write_text("from,to\nann@x.com,bob2@x.com\nbob2@x.com,cy9@x.com\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        import_client("edge-list", [ties], tmp_path / "acme", ImportOptions(directory=(hr,)))
    message = str(info.value)
    assert "Give --directory" not in message
    assert "the --directory file did not turn them into employee ids" in message and "--pseudonymise" in message
