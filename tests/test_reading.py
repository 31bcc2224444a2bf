"""Reading a client's files: the string-table contract, encodings by evidence, workbooks, and hostile input.

Every input is generated here, small; expectations are written out by hand.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

import orgkit.data.reading as reading
from orgkit import ValidationError, load_client
from orgkit.cli import main
from orgkit.errors import OrgkitError
from orgkit.data.reading import (
    ReadOptions,
    UndecidedEncoding,
    bounded_yaml_load,
    detect_encoding,
    guess_encoding,
    read_settings,
    read_source,
    read_table,
)

PEOPLE = "employee_id,department,manager_id\nE1,Sales,\nE2,Sales,E1\nE3,R&D,E1\nE4,R&D,E3\nE5,R&D,E3\n"
SECRET = "TOPSECRET-4471"  # a token that must never appear in a message


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def refused(path: Path, options: ReadOptions | None = None) -> str:
    """The one problem reading ``path`` gives, as printed."""
    with pytest.raises(ValidationError) as info:
        read_source(path, options)
    assert isinstance(info.value, OrgkitError) and info.value.exit_code == 2
    assert len(info.value.problems) == 1
    problem = info.value.problems[0]
    assert problem.file == path.name
    return str(problem)


def load_problems(folder: Path) -> list[str]:
    with pytest.raises(ValidationError) as info:
        load_client(folder)
    return [str(p) for p in info.value.problems]


# ---------------------------------------------------------------- the result contract
@pytest.mark.parametrize("parallel_rows", [10**9, 1])  # trimmed one column after another, or side by side
def test_result_contract(tmp_path, monkeypatch, parallel_rows):
    monkeypatch.setattr(reading, "PARALLEL_TRIM_ROWS", parallel_rows)
    text = ('  id , Dept ,,name,dept\n'
            ' 1 ,  Sales ,, "Smith, Ann" ,x\n'
            ',,,,\n'
            '2,R&D,,"multi\nline",\n'
            '   ,  , , ,  \n'
            '3,\u3000Ops\u00a0,,Bo,y\n')
    frame, encoding, digest = read_table(write(tmp_path / "people.csv", text))
    assert list(frame.columns) == ["id", "Dept", "name", "dept"]  # stripped; empty unnamed column dropped
    assert all(frame[c].dtype == "str" for c in frame.columns)
    assert frame.to_dict("list") == {"id": ["1", "2", "3"], "Dept": ["Sales", "R&D", "Ops"],
                                     "name": ["Smith, Ann", "multi\nline", "Bo"], "dept": ["x", "", "y"]}
    assert list(frame.index) == [0, 2, 4]  # blank rows dropped, positions kept (row i is spreadsheet row i+2)
    assert encoding == "utf-8" and len(digest) == 64
    assert not frame.isna().any().any()


def test_unnamed_column_with_values_is_kept_and_repeated_headers_get_suffixes(tmp_path):
    frame, _, _ = read_table(write(tmp_path / "people.csv", "a,,a,a\n1,2,3,4\n"))
    assert list(frame.columns) == ["a", "Unnamed: 1", "a.1", "a.2"]
    assert frame.iloc[0].tolist() == ["1", "2", "3", "4"]


def test_importable_from_loading():
    from orgkit.data import loading

    assert loading.read_table is read_table and loading.detect_encoding is detect_encoding


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_separators(tmp_path, sep):
    frame, _, _ = read_table(write(tmp_path / "people.csv", f"a{sep}b\n1{sep}x y\n2{sep}z\n"))
    assert frame.to_dict("list") == {"a": ["1", "2"], "b": ["x y", "z"]}


@pytest.mark.parametrize("parallel_rows", [10**9, 1])
def test_ascii_files_are_trimmed_of_python_whitespace(tmp_path, monkeypatch, parallel_rows):
    monkeypatch.setattr(reading, "PARALLEL_TRIM_ROWS", parallel_rows)
    cells = ["\x1cA\x1f", "\x0bB\x0c", " \tC \t", "D"]
    frame, _, _ = read_table(write(tmp_path / "people.csv", "a,b\n" + "".join(f"{c},{c}\n" for c in cells)))
    assert frame["a"].tolist() == frame["b"].tolist() == [c.strip() for c in cells] == ["A", "B", "C", "D"]


def test_crlf_and_no_final_newline(tmp_path):
    frame, _, _ = read_table(write(tmp_path / "people.csv", b"a,b\r\n1,2\r\n3,4"))
    assert frame.to_dict("list") == {"a": ["1", "3"], "b": ["2", "4"]}


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_cr_only_line_endings_of_old_mac_excel(tmp_path, encoding):
    text = 'a;b\r1;"x\ry"\r2;Zoë\r'                # "CSV (Macintosh)": CR ends lines, also inside quotes
    frame, _, _ = read_table(write(tmp_path / "people.csv", text.encode(encoding)))
    assert frame.to_dict("list") == {"a": ["1", "2"], "b": ["x\ny", "Zoë"]}


@pytest.mark.parametrize("hint", ["sep=;\n", "sep=;\r\n", '"sep=;"\n', "SEP=;\n"])
def test_excel_separator_hint_line(tmp_path, hint):
    frame, _, _ = read_table(write(tmp_path / "people.csv", hint + "a;b\n1,5;x\n"))
    assert frame.to_dict("list") == {"a": ["1,5"], "b": ["x"]}


def test_short_rows_are_padded_with_blanks(tmp_path):
    frame, _, _ = read_table(write(tmp_path / "people.csv", "a,b,c\n1,2,3\n4,5\n6\n"))
    assert frame.to_dict("list") == {"a": ["1", "4", "6"], "b": ["2", "5", ""], "c": ["3", "", ""]}


def test_long_row_is_described_not_quoted(tmp_path):
    msg = refused(write(tmp_path / "people.csv", f"a,b,c\n1,2,3\n4,{SECRET},6,7,8\n9,10,11\n"))
    assert "line 3 has 5 fields, the header has 3" in msg
    assert SECRET not in msg


def test_several_long_rows_are_counted(tmp_path):
    msg = refused(write(tmp_path / "people.csv", "a,b\n1,2,3\n4,5\n6,7,8,9\n"))
    assert "line 2 has 3 fields, the header has 2; 1 more line(s)" in msg and "line 4" in msg


def test_unclosed_quote_is_refused_without_content(tmp_path):
    msg = refused(write(tmp_path / "people.csv", f'a,b\n1,"{SECRET}\n2,3\n4,5\n'))
    assert "never closed" in msg and SECRET not in msg


def test_header_only_and_empty(tmp_path):
    assert "no data rows" in refused(write(tmp_path / "people.csv", "a,b\n\n , \n"))
    assert "empty" in refused(write(tmp_path / "survey.csv", " \n\n"))


def test_header_line_and_columns_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_HEADER_BYTES", 64)
    msg = refused(write(tmp_path / "people.csv", "x" * 200 + "\n1\n"))
    assert "header line is longer than 64 bytes" in msg and "x" * 10 not in msg
    monkeypatch.setattr(reading, "MAX_HEADER_BYTES", 2**20)
    monkeypatch.setattr(reading, "MAX_COLUMNS", 20)
    msg = refused(write(tmp_path / "survey.csv", ",".join(f"q{i}" for i in range(25)) + "\n" + "1," * 24 + "1\n"))
    assert "the header has 25 columns; at most 20 are read" in msg


def test_row_longer_than_a_block_is_read_in_larger_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "BLOCK_BYTES", 1024)
    monkeypatch.setattr(reading, "MAX_ROW_BYTES", 8192)
    long = "y" * 3000
    frame, _, _ = read_table(write(tmp_path / "people.csv", f"a,b\n1,{long}\n2,z\n"))
    assert frame["b"].tolist() == [long, "z"]
    msg = refused(write(tmp_path / "survey.csv", f"a,b\n1,{'y' * 20_000}\n2,z\n"))
    assert "a row is longer than about 8 KiB" in msg and "yyyy" not in msg


def test_csv_size_limit_names_size_and_setting(tmp_path):
    write(tmp_path / "people.csv", PEOPLE + "".join(f"F{i},Ops,E1\n" for i in range(2000)))
    size = (tmp_path / "people.csv").stat().st_size
    assert 20_000 < size < 30_000
    msg = refused(tmp_path / "people.csv", ReadOptions(max_bytes=10_240))
    assert f"is {round(size / 1024)} KiB, more than the 10 KiB a file may have" in msg and "max_file_mb" in msg
    write(tmp_path / "client.yml", "max_file_mb: 0.01\n")
    assert any("people.csv: is " in m and "more than the 10 KiB" in m and "max_file_mb" in m
               for m in load_problems(tmp_path))
    write(tmp_path / "client.yml", "max_file_mb: 5\n")
    assert load_client(tmp_path, min_group_size=1).n_people == 2005


# ---------------------------------------------------------------- encodings by evidence
def test_bom_and_utf16(tmp_path):
    text = "工号,部门\n1,销售部\n"
    for name, data, expected in [
        ("bom", codecs.BOM_UTF8 + text.encode("utf-8"), "utf-8-sig"),
        ("le", text.encode("utf-16"), "utf-16"),  # Python writes the BOM of the machine's order
        ("be", codecs.BOM_UTF16_BE + text.encode("utf-16-be"), "utf-16"),
        ("nobom", "id,dept\n1,Sales\n".encode("utf-16-le"), "utf-16-le"),
    ]:
        frame, encoding, _ = read_table(write(tmp_path / name / "people.csv", data))
        assert encoding == expected, name
        assert frame.iloc[0].tolist() in (["1", "销售部"], ["1", "Sales"]), name


def test_latin1_is_not_read_as_gb18030(tmp_path):
    text = "employee_id,department,name\n1,Sales,Müller\n2,Sales,José Núñez\n3,Sales,Zoë\n4,Sales,Strauß\n5,Sales,Ann\n"
    c = load_client(write(tmp_path / "people.csv", text.encode("latin-1")).parent)
    assert c.people["name"].tolist() == ["Müller", "José Núñez", "Zoë", "Strauß", "Ann"]
    assert c.sources["people"].encoding == "latin-1"
    w = next(w for w in c.warnings if w.code == "encoding_detected")
    assert w.file == "people.csv"
    assert "read as latin-1: of its 5 runs of non-ASCII bytes, 5 are accented Latin letters" in w.message


def test_cp1252_when_bytes_80_to_9f_are_used():
    data = "name,note\nAnn,“fine” – 20 €\nŠára,ok\n".encode("cp1252")
    guess = guess_encoding(data)
    assert guess.encoding == "cp1252" and "5 are accented Latin letters or Western symbols" in guess.reason


def test_portuguese_pairs_of_accents_are_latin():
    data = "dept\nProdução\nGestão\nInformação\n".encode("latin-1")
    assert detect_encoding(data) == "latin-1"  # "çã" is also a GB2312 pair: inside a word it is not Chinese


def test_gb18030_by_evidence(tmp_path):
    text = "工号,部门,姓名\n1,销售部,张三\n2,研发中心,李四\n3,人力资源部,王五\n"
    assert detect_encoding(text.encode("gb18030")) == "gb18030"
    c = load_client(write(tmp_path / "people.csv", text.encode("gb18030")).parent, min_group_size=1)
    assert c.people["name"].tolist() == ["张三", "李四", "王五"]
    assert "encoding_detected" in [w.code for w in c.warnings]


def test_utf8_gives_no_encoding_warning(tmp_path):
    c = load_client(write(tmp_path / "people.csv", "employee_id,department,name\n1,销售部,Müller\n").parent,
                    min_group_size=1)
    assert c.sources["people"].encoding == "utf-8"
    assert "encoding_detected" not in [w.code for w in c.warnings]


def test_ambiguous_or_weak_evidence_asks_for_client_yml(tmp_path):
    # one GB2312 pair next to an ASCII letter: Chinese "A张" or Latin "AÕÅ"? The file does not say.
    path = write(tmp_path / "survey.csv", b"id,dept\n1,A\xd5\xc5\n")
    msg = refused(path)
    assert msg.startswith("survey.csv: cannot tell which text encoding")
    assert "could be GB18030 (Chinese) or latin-1" in msg
    assert "encoding: {survey: gb18030}" in msg and "CSV UTF-8" in msg
    assert "\\xd5" not in msg and "Õ" not in msg and "张" not in msg


def test_damaged_utf8_is_named_as_such(tmp_path):
    data = ("employee_id,department\n" + "".join(f"{i},销售部\n" for i in range(30))).encode("utf-8")
    damaged = data[:60] + b"\xff" + data[61:]
    msg = refused(write(tmp_path / "people.csv", damaged))
    assert "it looks like UTF-8 text, but byte 60 is not valid UTF-8" in msg and "销" not in msg


def test_binary_file_is_refused(tmp_path):
    msg = refused(write(tmp_path / "people.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))))
    assert "NUL bytes" in msg and "IHDR" not in msg


def test_encoding_in_client_yml(tmp_path):
    text = "employee_id,department\n1,Ventes\n2,Ventes\n3,Tör\n"
    write(tmp_path / "people.csv", text.encode("cp1252"))
    write(tmp_path / "client.yml", "encoding: {people: cp1252}\nmin_group_size: 1\n")
    c = load_client(tmp_path)
    assert c.sources["people"].encoding == "cp1252" and c.people["department"].tolist()[2] == "Tör"
    assert "encoding_detected" not in [w.code for w in c.warnings]
    write(tmp_path / "client.yml", "encoding: cp1252\nmin_group_size: 1\n")  # one value for every file
    assert load_client(tmp_path).sources["people"].encoding == "cp1252"


def test_encoding_setting_is_checked(tmp_path):
    write(tmp_path / "people.csv", PEOPLE)
    write(tmp_path / "client.yml", "encoding: {people: klingon, staff: utf-8}\n")
    msgs = load_problems(tmp_path)
    assert any("client.yml" in m and "'klingon'" in m and "unknown text encoding" in m for m in msgs)
    assert any("encoding names an unknown file 'staff'" in m for m in msgs)
    write(tmp_path / "client.yml", "encoding: base64\n")  # a codec, but not of text
    assert any("unknown text encoding 'base64'" in m for m in load_problems(tmp_path))


def test_declared_encoding_that_does_not_fit(tmp_path):
    write(tmp_path / "people.csv", "employee_id,department\n1,销售\n".encode("utf-8"))
    write(tmp_path / "client.yml", "encoding: ascii\n")
    msgs = load_problems(tmp_path)
    assert any("people.csv: is not ascii text as client.yml says" in m for m in msgs)


def test_read_settings_values():
    s = read_settings({"encoding": {"People.csv": "gb18030"}, "sheet": "Data", "allow_external_files": True})
    assert s.for_table("people") == ReadOptions(encoding="gb18030", sheet="Data")
    assert s.for_table("survey") == ReadOptions(sheet="Data") and s.allow_external_files
    bad = read_settings({"max_file_mb": -1, "allow_external_files": "yes", "sheet": {"people": True}})
    assert {p.column for p in bad.problems} == {"max_file_mb", "allow_external_files", "sheet"}


CHINESE_WORDS = ["销售部", "研发中心", "人力资源部", "财务部", "张三", "李四", "王五", "经理", "工程师", "总监",
                 "市场部", "北京", "上海", "是", "否"]
LATIN_WORDS = ["Müller", "José", "Núñez", "Strauß", "Zoë", "François", "Gestão", "Åsa", "Jürgen", "Café",
               "Ørsted", "Señora", "Björk", "Ærø", "Hélène"]
ASCII_WORDS = ["Sales", "R&D", "E12", "2024-03-05", "Ann", "1", "42", "Ops"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(CHINESE_WORDS) | st.sampled_from(ASCII_WORDS), min_size=1, max_size=30)
       .filter(lambda ws: any(w in CHINESE_WORDS for w in ws)))
def test_chinese_text_is_detected_as_gb18030(words):
    text = "id,name\n" + "\n".join(f"{i},{w}" for i, w in enumerate(words)) + "\n"
    data = text.encode("gb18030")
    assert detect_encoding(data) == "gb18030"
    assert data.decode(detect_encoding(data)) == text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(LATIN_WORDS) | st.sampled_from(ASCII_WORDS), min_size=1, max_size=30)
       .filter(lambda ws: any(w in LATIN_WORDS for w in ws)),
       st.sampled_from([",", ";", " "]))
def test_western_text_is_detected_as_latin(words, sep):
    text = "id,name\n" + "\n".join(f"{i}{sep}{w}" for i, w in enumerate(words)) + "\n"
    data = text.encode("latin-1")
    assert detect_encoding(data) in ("latin-1", "cp1252")
    assert data.decode(detect_encoding(data)) == text


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_utf8_text_is_utf8(text):
    data = text.encode("utf-8")
    if "\x00" not in text:
        assert detect_encoding(data) == "utf-8"
        return
    try:  # NUL is no CSV text: refused, or read as UTF-16 when every other byte is zero
        assert detect_encoding(data).startswith("utf-16")
    except UndecidedEncoding as exc:
        assert "NUL bytes" in exc.detail


# ---------------------------------------------------------------- property: what is written is what is read
CELL = st.text(alphabet=st.sampled_from(list("ab Z9,;\t\"'\n\r-é中\u3000\u00a0")), max_size=8)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n_cols=st.integers(2, 4), rows=st.lists(st.lists(CELL, min_size=4, max_size=4), min_size=1, max_size=12),
       sep=st.sampled_from([",", ";", "\t"]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_csv_round_trip(tmp_path, n_cols, rows, sep, encoding):
    """Any table written by Python's csv module reads back trimmed, blank rows dropped, positions kept.

    Every table of the contract has two columns or more (with one, the separator cannot be told from the
    header, and a line holding only spaces is a blank line to pandas' parser, which reads ragged files).
    """
    header = [f"h{i}" for i in range(n_cols)]
    rows = [r[:n_cols] for r in rows]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep)  # quotes every value holding a separator, quote or line break
    writer.writerow(header)
    writer.writerows(rows)
    path = write(tmp_path / f"{abs(hash((n_cols, sep, encoding, str(rows))))}" / "people.csv",
                 buf.getvalue().encode(encoding))
    kept = [(i, [c.strip() for c in r]) for i, r in enumerate(rows) if any(c.strip() for c in r)]
    if not kept:
        assert "no data rows" in refused(path)
        return
    frame, read_encoding, _ = read_table(path)
    assert read_encoding == {"utf-16": "utf-16"}.get(encoding, encoding)
    assert list(frame.columns) == header
    assert list(frame.index) == [i for i, _ in kept]
    assert frame.values.tolist() == [r for _, r in kept]
    assert all(frame[c].dtype == "str" for c in frame.columns)


# ---------------------------------------------------------------- workbooks
def workbook(path: Path, sheets: dict[str, list[list]], active: int = 0, hidden: tuple[str, ...] = ()) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        if title in hidden:
            ws.sheet_state = "hidden"
    wb.active = active
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


STAFF = [["employee_id", "department", "manager_id"], [101, "Sales", None], [102, "Sales", 101.0],
         [103, " Ops ", 101]]


def test_xlsx_reads_the_active_sheet_and_says_so(tmp_path):
    path = workbook(tmp_path / "people.xlsx", {"Notes": [["read me"]], "Staff": STAFF, "Old": [["x"]]},
                    active=1, hidden=("Old",))
    result = read_source(path)
    assert result.sheet == "Staff" and result.encoding is None
    assert result.frame.to_dict("list") == {"employee_id": ["101", "102", "103"],
                                            "department": ["Sales", "Sales", "Ops"],
                                            "manager_id": ["", "101", "101"]}
    assert all(result.frame[c].dtype == "str" for c in result.frame.columns)
    (w,) = result.warnings
    assert w.code == "sheet_chosen" and w.file == "people.xlsx"
    assert "sheet 'Staff' (the active sheet) was read, not 'Notes', 'Old' (hidden)" in w.message


def test_xlsx_hidden_active_sheet_falls_back_to_first_visible(tmp_path):
    path = workbook(tmp_path / "people.xlsx", {"Secret": [["a"], ["b"]], "Staff": STAFF}, hidden=("Secret",))
    wb_path = path
    # openpyxl refuses to make a hidden sheet active; write the workbook's activeTab by hand
    with zipfile.ZipFile(wb_path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["xl/workbook.xml"].decode()
    xml = re.sub(r'activeTab="\d+"', 'activeTab="0"', xml) if "activeTab" in xml else xml.replace(
        "<workbookView ", '<workbookView activeTab="0" ')
    parts["xl/workbook.xml"] = xml.encode()
    with zipfile.ZipFile(wb_path, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    result = read_source(wb_path)
    assert result.sheet == "Staff"
    assert "(the first visible sheet)" in result.warnings[0].message


def test_single_sheet_workbook_has_no_warning(tmp_path):
    result = read_source(workbook(tmp_path / "people.xlsx", {"Sheet1": STAFF}))
    assert result.warnings == () and result.sheet == "Sheet1"


def test_xlsx_rows_keep_spreadsheet_numbers(tmp_path):
    path = workbook(tmp_path / "people.xlsx", {"S": [[None], ["employee_id", "department"], ["A", "x"],
                                                     [None, None], ["B", "y"]]})
    frame = read_source(path).frame
    # header on row 2, data on rows 3 and 5: index + 2 is the spreadsheet row minus one header offset
    assert frame["employee_id"].tolist() == ["A", "B"] and list(frame.index) == [1, 3]


def test_sheet_setting(tmp_path):
    workbook(tmp_path / "people.xlsx", {"Notes": [["x"]], "Staff": STAFF})
    write(tmp_path / "client.yml", "sheet: {people: staff}\nmin_group_size: 1\n")
    c = load_client(tmp_path)
    assert c.people["employee_id"].tolist() == ["101", "102", "103"]
    assert "sheet_chosen" not in [w.code for w in c.warnings]
    write(tmp_path / "client.yml", "sheet: Payroll\n")
    msgs = load_problems(tmp_path)
    assert any("people.xlsx: has no sheet 'Payroll' (sheet: in client.yml). Its sheets: 'Notes', 'Staff'." in m
               for m in msgs)


def test_warning_reaches_the_client(tmp_path):
    workbook(tmp_path / "people.xlsx", {"Staff": STAFF, "Notes": [["x"]]})
    c = load_client(tmp_path, min_group_size=1)
    assert "sheet_chosen" in [w.code for w in c.warnings]


def test_html_saved_as_xlsx(tmp_path):
    msg = refused(write(tmp_path / "people.xlsx", f"<html><body>{SECRET}</body></html>"))
    assert "not an Excel workbook: it looks like a web page" in msg and SECRET not in msg


def test_old_xls_or_encrypted_workbook(tmp_path):
    msg = refused(write(tmp_path / "people.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600))
    assert ".xls" in msg and "password-protected" in msg


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "people.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    assert "no workbook part" in refused(path)


def test_damaged_workbook_is_described(tmp_path):
    path = tmp_path / "people.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", f"<not-closed {SECRET}")
        z.writestr("xl/workbook.xml", "<workbook/>")
    msg = refused(path)
    assert "cannot be read as an Excel workbook" in msg and SECRET not in msg


def zip_bomb(path: Path, megabytes: int = 200) -> Path:
    """A workbook-shaped zip whose sharedStrings part unpacks to ``megabytes`` of repeated text."""
    chunk = b"<si><t>lol</t></si>" * (2**20 // 19)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            for _ in range(megabytes):
                part.write(chunk)
    return path


def test_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    path = zip_bomb(tmp_path / "people.xlsx")
    assert path.stat().st_size < 2**20
    import openpyxl

    def must_not_run(*args, **kwargs):  # the archive is judged from its directory alone
        raise AssertionError("openpyxl was asked to open a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", must_not_run)
    msg = refused(path)
    assert "part xl/sharedStrings.xml would unpack" in msg and "zip bomb" in msg


def test_workbook_limits(tmp_path, monkeypatch):
    path = workbook(tmp_path / "people.xlsx", {"Staff": STAFF})
    msg = refused(path, ReadOptions(max_bytes=path.stat().st_size + 10))
    assert "would unpack to" in msg and "max_file_mb" in msg
    monkeypatch.setattr(reading, "MAX_ZIP_MEMBERS", 3)
    assert "parts; an Excel workbook has far fewer" in refused(path)


def test_xlsx_columns_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_COLUMNS", 5)
    path = workbook(tmp_path / "people.xlsx", {"S": [["a", "b"], ["1", "2", None, None, None, None, "x"]]})
    assert "has 7 columns in row 2; at most 5 are read" in refused(path)


# ---------------------------------------------------------------- client.yml
BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_refused_before_it_is_built(tmp_path, monkeypatch):
    assert len(BILLION_LAUGHS) < 400

    def must_not_run(self, node):
        raise AssertionError("the document was constructed")

    monkeypatch.setattr(reading._BoundedLoader, "construct_document", must_not_run)
    write(tmp_path / "people.csv", PEOPLE)
    write(tmp_path / "client.yml", BILLION_LAUGHS)
    (msg,) = load_problems(tmp_path)
    assert msg.startswith("client.yml: is refused: its aliases expand to more than 100,000 values")


def test_many_aliases_and_deep_nesting_are_refused():
    many = "a: &a 1\nb: [" + ", ".join(["*a"] * 101) + "]\n"
    with pytest.raises(reading.YamlTooLarge, match="more than 100 aliases"):
        bounded_yaml_load(many)
    with pytest.raises(reading.YamlTooLarge, match="levels deep"):
        bounded_yaml_load("a: " + "[" * 60 + "]" * 60)
    with pytest.raises(yaml.YAMLError):
        bounded_yaml_load("a: &a [*a]\n")  # an alias inside the list it names


def test_benign_aliases_still_work(tmp_path):
    write(tmp_path / "people.csv", PEOPLE)
    write(tmp_path / "survey.csv", "Team,q1\nSales,5\n")
    write(tmp_path / "survey_previous.csv", "Team,q1\nSales,4\n")
    write(tmp_path / "client.yml", "columns:\n  survey: &m {Team: department}\n  survey_previous: *m\n")
    c = load_client(tmp_path, min_group_size=1)
    assert c.survey["department"].tolist() == ["Sales"] and c.survey_previous["department"].tolist() == ["Sales"]


def test_oversized_client_yml(tmp_path):
    write(tmp_path / "people.csv", PEOPLE)
    write(tmp_path / "client.yml", "name: x\n" + f"# {SECRET}\n" * 80_000)
    (msg,) = load_problems(tmp_path)
    assert "client.yml: is 1.3 MiB; a settings file is at most 1 MiB" in msg and SECRET not in msg


def test_yaml_errors_do_not_quote_the_file(tmp_path):
    write(tmp_path / "people.csv", PEOPLE)
    write(tmp_path / "client.yml", f"name: x\n  token: '{SECRET}\n")
    (msg,) = load_problems(tmp_path)
    assert msg.startswith("client.yml: is not valid YAML (") and "line " in msg and SECRET not in msg


def test_cli_exits_2_on_hostile_input(tmp_path):
    write(tmp_path / "people.csv", PEOPLE)
    write(tmp_path / "client.yml", BILLION_LAUGHS)
    r = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert r.exit_code == 2 and "Traceback" not in r.output and "aliases expand" in r.output


def test_batch_wave_reader_is_bounded(tmp_path):
    from orgkit.batch.manifest import _settings_wave

    write(tmp_path / "client.yml", BILLION_LAUGHS)
    assert _settings_wave(tmp_path) is None
    write(tmp_path / "client.yml", "wave: 2024-Q1\n")
    assert _settings_wave(tmp_path) == "2024-Q1"


# ---------------------------------------------------------------- links out of the folder
needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="needs symlinks")


@needs_symlinks
def test_link_outside_the_folder_is_refused(tmp_path):
    outside = write(tmp_path / "elsewhere" / "secret.txt", f"employee_id,department\n{SECRET},x\n")
    client = tmp_path / "client"
    client.mkdir()
    (client / "people.csv").symlink_to(outside)
    (msg,) = load_problems(client)
    assert msg.startswith("people.csv: is a link to a file outside the client folder")
    assert str(outside.parent) in msg and "allow_external_files" in msg and SECRET not in msg
    write(client / "client.yml", "allow_external_files: true\nmin_group_size: 1\n")
    assert load_client(client).people["employee_id"].tolist() == [SECRET]


@needs_symlinks
def test_link_inside_the_folder_is_fine(tmp_path):
    write(tmp_path / "exports" / "staff.csv", PEOPLE)
    (tmp_path / "people.csv").symlink_to(tmp_path / "exports" / "staff.csv")
    assert load_client(tmp_path, min_group_size=1).n_people == 5


@needs_symlinks
def test_client_yml_linking_out_is_refused(tmp_path):
    outside = write(tmp_path / "elsewhere" / "credentials", f"token: {SECRET}\n")
    client = tmp_path / "client"
    write(client / "people.csv", PEOPLE)
    (client / "client.yml").symlink_to(outside)
    (msg,) = load_problems(client)
    assert msg.startswith("client.yml: is a link to a file outside the client folder") and SECRET not in msg


# ---------------------------------------------------------------- real public files
@pytest.mark.realdata
def test_real_files_read_as_pandas_reads_them(shared_data):
    files = sorted(shared_data.rglob("*.csv"))
    assert files
    for path in files:
        frame, encoding, _ = read_table(path)
        with path.open(encoding="utf-8") as fh:
            sep = csv.Sniffer().sniff(fh.readline(), delimiters=",;\t").delimiter
        ref = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, engine="c").fillna("")
        ref = ref.apply(lambda s: s.str.strip())
        ref = ref.loc[:, [not c.startswith("Unnamed: ") or (ref[c] != "").any() for c in ref.columns]]
        ref = ref[(ref != "").any(axis=1)]
        assert encoding == "utf-8", path.name
        assert list(frame.columns) == [c.strip() for c in ref.columns], path.name
        assert frame.values.tolist() == ref.values.tolist(), path.name
        assert list(frame.index) == list(ref.index), path.name


@pytest.mark.realdata
def test_real_files_saved_as_cp1252_are_detected(shared_data, tmp_path):
    checked = 0
    for path in sorted((shared_data / "uk_organograms").glob("*.csv")):
        text = path.read_text(encoding="utf-8")
        if text.isascii() or any(ch not in "£’‘–\xa0ö" for ch in text if not ch.isascii()):
            continue  # one file already holds U+FFFD from its publisher: not cp1252 text
        copy = write(tmp_path / path.name, text.encode("cp1252"))
        result = read_source(copy)
        assert result.encoding in ("cp1252", "latin-1"), path.name
        assert result.frame.equals(read_table(path)[0]), path.name
        assert [w.code for w in result.warnings] == ["encoding_detected"]
        checked += 1
    assert checked >= 5
