"""The ``network-survey`` format: matrices, dyad lists and answer sheets; ties computed by hand, and two
published advice networks read in their published form."""

from __future__ import annotations

import pandas as pd
import pytest

from orgkit.errors import ExportFormatError
from orgkit.importers.base import ImportLog, ImportOptions
from orgkit.importers.formats import get_format
from orgkit.importers.platforms.survey_network import read_network_survey

# columns in another order than the rows; E2's diagonal (5) is ignored; E4 left every cell blank
MATRIX = (",E2,E1,E3,E4\n"
          "E1,1,0,0,1\n"
          "E2,5,1,0,0\n"
          "E3,2,0,0,3\n"
          "E4,,,,\n")


def ties(imported) -> dict[tuple[str, str, str], float]:
    c = imported.communication
    return {(s, t, ch): w for s, t, ch, w in zip(c["source_id"], c["target_id"], c["channel"], c["weight"])}


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_text(text, encoding=encoding)
    return p


def test_labelled_matrix(tmp_path):
    log = ImportLog()
    got = read_network_survey([write(tmp_path, "advice_matrix.csv", MATRIX)], ImportOptions(), log)
    assert get_format("network_survey").reader is read_network_survey
    assert ties(got) == {("E1", "E2", "advice"): 1.0, ("E1", "E4", "advice"): 1.0, ("E2", "E1", "advice"): 1.0,
                         ("E3", "E2", "advice"): 2.0, ("E3", "E4", "advice"): 3.0}
    text = log.text()
    assert "1 non-zero cells on the diagonal ignored" in text
    assert "values other than 0 and 1" in text and "'advice' (from the file name)" in text
    assert got.people is None


def test_matrix_as_a_workbook_named_network(tmp_path):
    p = tmp_path / "m.xlsx"
    frame = pd.DataFrame({"id": ["a", "b", "c"], "a": [0, 1, 1], "b": [1, 0, 0], "c": [0, 1, 0]})
    frame.to_excel(p, index=False)
    got = read_network_survey([p], ImportOptions(extra={"network": "trust"}), ImportLog())
    assert ties(got) == {("a", "b", "trust"): 1.0, ("b", "a", "trust"): 1.0, ("b", "c", "trust"): 1.0,
                         ("c", "a", "trust"): 1.0}


def test_unlabelled_matrix_and_dyad_list(tmp_path):
    mat = write(tmp_path, "friends.dat", " 0 1 0 0\n 1 0 1 0\n 0 0 0 0\n 1 1 1 1\n")
    got = read_network_survey([mat], ImportOptions(), ImportLog())
    assert ties(got) == {("1", "2", "friendship"): 1.0, ("2", "1", "friendship"): 1.0,
                         ("2", "3", "friendship"): 1.0, ("4", "1", "friendship"): 1.0,
                         ("4", "2", "friendship"): 1.0, ("4", "3", "friendship"): 1.0}
    as_csv = write(tmp_path, "friends.csv", "0,1,0,0\n1,0,1,\n0,0,0,0\n1,1,1,1\n")
    assert ties(read_network_survey([as_csv], ImportOptions(), ImportLog())) == ties(got)
    dyads = write(tmp_path, "x.txt", " 1 1 1\n 1 2 1\n 2 1 0\n 3 1 2\n")
    got = read_network_survey([dyads], ImportOptions(), ImportLog())
    assert ties(got) == {("1", "2", "survey"): 1.0, ("3", "1", "survey"): 2.0}
    pairs = write(tmp_path, "p.csv", "ego,alter,weight\nE1,E2,1\nE2,E1,0\nE1,E3,2\n")
    assert ties(read_network_survey([pairs], ImportOptions(), ImportLog())) == {
        ("E1", "E2", "survey"): 1.0, ("E1", "E3", "survey"): 2.0}


SHEET = ("Timestamp,Respondent,Advice 1,Advice 2,Advice 3,Friend 1,Friend 2,Tenure\n"
         "2024-03-01 10:00,E1,E2,E3;E4,,E2,,3\n"
         "2024-03-01 10:05,E2,E3,E4,,E3、E4,,5\n"
         "2024-03-01 10:07,E3,E1,E1,E3,,,2\n"
         "2024-03-02 09:00,E2,E1,张伟;E4,,E3,,5\n")


def test_answer_sheet_without_directory(tmp_path):
    log = ImportLog()
    got = read_network_survey([write(tmp_path, "ona.csv", SHEET)], ImportOptions(), log)
    assert ties(got) == {
        ("E1", "E2", "advice"): 1.0, ("E1", "E3", "advice"): 1.0, ("E1", "E4", "advice"): 1.0,
        ("E2", "E1", "advice"): 1.0, ("E2", "E4", "advice"): 1.0,          # the last of E2's two answers
        ("E3", "E1", "advice"): 2.0,                                       # named twice; E3 -> E3 dropped
        ("E1", "E2", "friendship"): 1.0, ("E2", "E3", "friendship"): 1.0,
    }
    text = log.text()
    assert "dropped 1 answer rows: a respondent who answered more than once" in text
    assert "names or words that are not ids" in text and "dropped 1 ties: to oneself" in text
    assert "Tenure" in text and "张伟" not in text


HR = ("Employee ID,Name,Email,Department,Manager ID\n"
      "E1,张伟,zhang.wei@example.com,Sales,\nE2,王芳,wang.fang@example.com,Sales,E1\n"
      "E3,李娜,,Finance,E1\nE4,李娜,,Finance,E3\n")


def test_answer_sheet_through_a_directory(tmp_path):
    sheet = write(tmp_path, "q.csv", "Email,Q1,Q2\nzhang.wei@example.com,王芳,WANG.FANG@example.com\n"
                  "wang.fang@example.com,李娜,E1\n")
    hr = write(tmp_path, "hr.csv", HR)
    log = ImportLog()
    got = read_network_survey([sheet], ImportOptions(directory=(hr,), extra={"network": "advice"}), log)
    # E1 named 王芳 by name and by e-mail: weight 2; E2's "李娜" is two people: not guessed
    assert ties(got) == {("E1", "E2", "advice"): 2.0, ("E2", "E1", "advice"): 1.0}
    assert "names shared by several people" in log.text()
    assert sorted(got.people["employee_id"]) == ["E1", "E2", "E3", "E4"]


def test_end_to_end_client_folder(tmp_path):
    from orgkit.importers import import_client

    src = tmp_path / "src"
    src.mkdir()
    hr = write(src, "hr.csv", HR)
    result = import_client("network-survey", [write(src, "advice.csv", MATRIX)], tmp_path / "client",
                           ImportOptions(directory=(hr,)))
    comm = pd.read_csv(tmp_path / "client" / "communication.csv", dtype=str)
    assert len(comm) == 5 and set(comm["channel"]) == {"advice"}
    assert "validates" in result.log


# ---- published advice networks, read as published --------------------------------------------------
def _density(imported):
    c = imported.communication
    n = len(set(c["source_id"]) | set(c["target_id"]))
    return len(c), n, len(c) / (n * (n - 1))


def test_krackhardt_high_tech_managers(shared_data):
    path = shared_data / "krackhardt_hightech" / "Krack-High-Tec-edgelist-Advice.txt"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    got = read_network_survey([path], ImportOptions(), ImportLog())
    m, n, density = _density(got)
    # Krackhardt (1987): 190 advice ties among 21 managers, density 0.452
    assert (m, n) == (190, 21) and density == pytest.approx(0.4524, abs=1e-4)
    assert set(got.communication["channel"]) == {"advice"}


def test_lazega_law_firm(shared_data):
    folder = shared_data / "lazega_lawfirm"
    if not (folder / "ELadv.dat").is_file():
        pytest.skip(f"{folder} not found")
    got = read_network_survey([folder / "ELadv.dat"], ImportOptions(extra={"network": "advice"}), ImportLog())
    m, n, _ = _density(got)
    # Lazega (2001): 892 advice ties among the 71 lawyers, density 0.1795 (of 71 x 70 pairs)
    assert m == 892 and m / (71 * 70) == pytest.approx(0.1795, abs=1e-4) and n <= 71
    friends = read_network_survey([folder / "ELfriend.dat"], ImportOptions(), ImportLog())
    assert len(friends.communication) == 575 and set(friends.communication["channel"]) == {"friendship"}


# ---- bad files --------------------------------------------------------------------------------------
def test_refuses_a_matrix_that_is_not_square(tmp_path):
    p = write(tmp_path, "m.csv", ",E1,E2,E3\nE1,0,1,0\nE2,1,0,0\n")
    with pytest.raises(ExportFormatError, match="square.*2 rows and 3 columns"):
        read_network_survey([p], ImportOptions(), ImportLog())


def test_refuses_mismatched_ids(tmp_path):
    p = write(tmp_path, "m.csv", ",E1,E2,E3\nE1,0,1,0\nE2,1,0,0\nE9,0,0,0\n")
    with pytest.raises(ExportFormatError, match="not in the header row"):
        read_network_survey([p], ImportOptions(), ImportLog())


def test_refuses_a_cell_that_is_not_a_number(tmp_path):
    p = write(tmp_path, "m.csv", ",E1,E2\nE1,0,yes\nE2,1,0\n")
    with pytest.raises(ExportFormatError, match="data row 1, column 3"):
        read_network_survey([p], ImportOptions(), ImportLog())


def test_refuses_ragged_numeric_text(tmp_path):
    p = write(tmp_path, "m.dat", "0 1 0\n1 0\n0 0 0\n")
    with pytest.raises(ExportFormatError, match="lines of 2 to 3 numbers"):
        read_network_survey([p], ImportOptions(), ImportLog())


def test_refuses_a_sheet_without_a_respondent_column(tmp_path):
    p = write(tmp_path, "s.csv", "Colour,Size\nred,3\n")
    with pytest.raises(ExportFormatError, match="respondent column"):
        read_network_survey([p], ImportOptions(), ImportLog())


def test_refuses_a_sheet_naming_nobody(tmp_path):
    p = write(tmp_path, "s.csv", "Respondent,Q1\nE1,very often\nE2,never\n")
    with pytest.raises(ExportFormatError, match="no column whose entries name people"):
        read_network_survey([p], ImportOptions(), ImportLog())


def test_refuses_an_html_page(tmp_path):
    p = write(tmp_path, "s.xlsx", "<html><body>expired</body></html>")
    with pytest.raises(ExportFormatError, match="web page"):
        read_network_survey([p], ImportOptions(), ImportLog())


def test_labelled_matrix_with_numeric_ids(tmp_path):
    # columns 3, 1, 2: row 1 names 3 and 2; row 2 names 1 (its own cell, 5, is the diagonal)
    p = write(tmp_path, "advice.csv", ",3,1,2\n1,1,0,1\n2,0,1,5\n3,0,0,0\n")
    assert ties(read_network_survey([p], ImportOptions(), ImportLog())) == {
        ("1", "3", "advice"): 1.0, ("1", "2", "advice"): 1.0, ("2", "1", "advice"): 1.0}


def test_chinese_answer_sheet_workbook(tmp_path):
    p = tmp_path / "组织网络调研.xlsx"
    pd.DataFrame({"提交时间": ["2024-03-01 10:00", "2024-03-01 11:00"], "工号": ["E1", "E2"],
                  "请教对象1": ["E2、E3", "E1"], "请教对象2": ["E3", ""], "信任对象1": ["E2", "E3；E1"]}).to_excel(
        p, index=False)
    got = ties(read_network_survey([p], ImportOptions(), ImportLog()))
    assert got == {("E1", "E2", "advice"): 1.0, ("E1", "E3", "advice"): 2.0, ("E2", "E1", "advice"): 1.0,
                   ("E1", "E2", "trust"): 1.0, ("E2", "E3", "trust"): 1.0, ("E2", "E1", "trust"): 1.0}
