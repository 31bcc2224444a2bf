"""build_people and Directory: departments, managers and aliases on tiny hand-computed directories."""

from __future__ import annotations

import pandas as pd
import pytest

from orgkit.errors import ExportFormatError
from orgkit.importers.base import ImportLog, ImportOptions
from orgkit.importers.people import (LEADERSHIP, Directory, build_people, detect_path_separator, fold_alias,
                                     fold_email, phone_key, tree_departments)


def _people(frame, **options):
    log = ImportLog()
    sep = options.pop("sep", None)
    d = build_people(pd.DataFrame(frame), file="hr.csv", options=ImportOptions(**options), log=log,
                     path_separator=sep)
    return d, log.text()


# --------------------------------------------------------------------------------------------------
# folding
# --------------------------------------------------------------------------------------------------
def test_fold_alias_unicode_and_spaces():
    got = fold_alias(pd.Series(["  Ａｎｎ   LEE ", "王芳", None, "Ann\tLee", "ann lee", "王　芳", "Wang 芳"]))
    assert got.tolist() == ["ann lee", "王芳", "", "ann lee", "ann lee", "王芳", "wang 芳"]


def test_fold_email_forms():
    got = fold_email(pd.Series(["Ann Lee <Ann@X.com>", "MAILTO:ann@x.com", " ann@x.com ", "Ann Lee", ""]))
    assert got.tolist() == ["ann@x.com", "ann@x.com", "ann@x.com", "", ""]


def test_phone_key_formats():
    got = phone_key(pd.Series(["+86 138-0013-8000", "8613800138000", "138 0013 8000", "+44 20 7946 0000",
                               "020 7946 0000", "ext 123", "010-1234-5678 转 801"]))
    assert got.tolist() == ["3800138000", "3800138000", "3800138000", "2079460000", "2079460000", "",
                            "1012345678"]


# --------------------------------------------------------------------------------------------------
# separators and paths
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("values, expected", [
    (["Co/Sales/East", "Co/Sales/West", "Co/R&D"], "/"),
    (["Co > Sales > East", "Co > Sales", "Co > R&D"], " > "),
    (["总公司-销售部-华东", "总公司-销售部-华南", "总公司-研发部"], "-"),
    (["Co\\Sales", "Co\\R&D", "Co\\HR"], "\\"),
    (["Co | Sales", "Co | R&D", "Co | HR"], " | "),
    (["e-Commerce", "Co-operative", "Finance", "Sales", "HR"], None),     # hyphens, but no tree
    (["Sales", "R&D"], None),
])
def test_detect_path_separator(values, expected):
    sep, evidence = detect_path_separator(pd.Series(values))
    assert sep == expected, evidence


def test_paths_levels_and_company_dropped():
    frame = {"employee_id": ["1", "2", "3"], "department": ["Co/Sales/East", "Co/Sales/West", "Co/R&D"]}
    d, text = _people(frame, sep="auto")
    assert d.people["department"].tolist() == ["Sales / East", "Sales / West", "R&D"]
    assert "split on '/'" in text and "company" in text
    d, _ = _people(frame, sep="auto", department_level=1)
    assert d.people["department"].tolist() == ["Sales", "Sales", "R&D"]
    d, _ = _people(frame, sep="auto", extra={"department_separator": "none"})
    assert d.people["department"].tolist() == ["Co/Sales/East", "Co/Sales/West", "Co/R&D"]


def test_several_departments_primary_and_others():
    frame = {"employee_id": ["1", "1", "2", "3"],
             "department": ["Sales", "R&D", "Sales;HR；Ops", "HR"],
             "other_departments": ["", "", "", "Sales"]}
    d, text = _people(frame)
    p = d.people.set_index("employee_id")
    assert p.loc["1", "department"] == "Sales" and p.loc["1", "other_departments"] == "R&D"  # two rows, one person
    assert p.loc["2", "department"] == "Sales" and p.loc["2", "other_departments"] == "HR;Ops"
    assert p.loc["3", "other_departments"] == "Sales"
    assert "first one listed is used" in text
    frame["primary_department"] = ["R&D", "", "HR", ""]
    p = _people(frame)[0].people.set_index("employee_id")
    assert p.loc["1", "department"] == "R&D" and p.loc["1", "other_departments"] == "Sales"
    assert p.loc["2", "department"] == "HR" and p.loc["2", "other_departments"] == "Sales;Ops"


# --------------------------------------------------------------------------------------------------
# managers
# --------------------------------------------------------------------------------------------------
def _staff():
    return {
        "employee_id": ["1", "2", "3", "4", "5", "6", "7"],
        "name": ["Ann Lee", "Bo Chen", "Bo Chen", "Cy Wu", "Di Xu", "Ed Ma", "Fay Hu"],
        "email": ["ann@x.com", "bo1@x.com", "bo2@x.com", "cy@x.com", "di@x.com", "ed@x.com", "fay@x.com"],
        "phone": ["+86 138 0000 0001", "", "", "", "", "", ""],
        "department": ["Exec", "Sales", "Sales", "R&D", "R&D", "R&D", "R&D"],
        "manager_ref": ["", "ANN LEE", "Ann Lee <ANN@x.com>", "Bo Chen", "Nobody Here", "13800000001",
                        "Someone (4)"],
    }


def test_managers_by_name_email_phone_and_parenthesised_id():
    d, text = _people(_staff())
    m = d.people.set_index("employee_id")["manager_id"]
    assert m["2"] == "1"                     # a unique name, case folded
    assert m["3"] == "1"                     # e-mail in "Name <address>" form
    assert m["4"] == ""                      # "Bo Chen" names two people: never guessed
    assert m["5"] == ""                      # names nobody
    assert m["6"] == "1"                     # phone number, formats differ
    assert m["7"] == "4"                     # the id in parentheses
    assert "1 people name their manager by a name shared by several people" in text
    assert "(row 4)" in text and "(row 5)" in text   # rows reported, never names
    for name in ("Ann", "Bo Chen", "Nobody", "ann@x.com"):
        assert name not in text


def test_manager_ids_outside_and_self():
    frame = {"employee_id": ["1", "2", "3"], "department": ["A", "A", "A"], "manager_id": ["1", "XX", "1"]}
    d, text = _people(frame)
    assert d.people["manager_id"].tolist() == ["", "", "1"]
    assert "their own manager" in text and "not in the directory" in text


def test_manager_id_given_as_account_id():
    frame = {"employee_id": ["E1", "E2"], "user_id": ["ann", "bo"], "department": ["A", "A"],
             "manager_id": ["", "ann"]}
    assert _people(frame)[0].people["manager_id"].tolist() == ["", "E1"]


def test_resolve_order_and_ambiguity():
    d, _ = _people(_staff())
    got = d.resolve(pd.Series(["3", "BO2@X.COM", "Bo Chen", "Di Xu", "nobody", "+86 138-0000-0001"]), what="t")
    assert got.tolist() == ["3", "3", "", "5", "", "1"]
    assert isinstance(d, Directory) and "bo chen" in d.ambiguous


def test_resigned_and_blank_ids():
    frame = {"employee_id": ["1", "", "3"], "department": ["A", "A", "A"], "resigned": ["", "", "是"]}
    d, text = _people(frame)
    assert d.people["employee_id"].tolist() == ["1"]
    assert "dropped 1 directory rows: no id (row 2)" in text and "dropped 1 people" in text


# --------------------------------------------------------------------------------------------------
# departments from the tree
# --------------------------------------------------------------------------------------------------
TREE = pd.DataFrame({
    "employee_id": ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"],
    "manager_id": ["", "1", "1", "1", "2", "2", "3", "3", "5", "4"],
    "title": ["CEO", "VP", "VP", "Chief of Staff", "Lead", "Rep", "Lead", "Eng", "Rep", ""],
})


def test_tree_departments_depth_one():
    log = ImportLog()
    dept = tree_departments(TREE.assign(manager_id=TREE["manager_id"].where(TREE["employee_id"] != "10", "1")), 1,
                            log)
    # 2 and 3 head units (both titled VP: numbered in export order); 4 and 10 head nobody: with the top
    assert dept.tolist() == [LEADERSHIP, "VP (1)", "VP (2)", LEADERSHIP, "VP (1)", "VP (1)", "VP (2)", "VP (2)",
                             "VP (1)", LEADERSHIP]
    assert "2 people at that level have nobody below them" in log.text()


def test_tree_departments_depth_two_and_untitled():
    frame = TREE.copy()
    dept = tree_departments(frame, 2, ImportLog())
    # level 2: 5 (Lead, heads 9), 6 (alone -> 2's unit), 7 (alone -> 3's unit), 8 (alone), 10 (alone -> 4's unit)
    assert dept.tolist() == [LEADERSHIP, LEADERSHIP, LEADERSHIP, LEADERSHIP, "Lead", "VP (1)", "VP (2)", "VP (2)",
                             "Lead", "Chief of Staff"]
    frame["title"] = ""
    dept = tree_departments(frame, 1, ImportLog())
    assert dept.tolist()[:4] == [LEADERSHIP, "Unit 1", "Unit 2", "Unit 3"]      # never named by id or name


def test_tree_cycle_refused():
    frame = pd.DataFrame({"employee_id": ["1", "2", "3"], "manager_id": ["3", "1", "2"]})
    with pytest.raises(ExportFormatError, match="cycle"):
        build_people(frame, file="hr.csv", options=ImportOptions(), log=ImportLog())


def test_no_department_and_no_manager_refused():
    with pytest.raises(ExportFormatError, match="neither a department column nor managers"):
        build_people(pd.DataFrame({"employee_id": ["1", "2"]}), file="hr.csv", options=ImportOptions(),
                     log=ImportLog())


def test_derive_departments_replaces_the_column():
    frame = TREE.assign(department="Everyone")
    d, text = _people(frame, derive_departments=1)
    assert set(d.people["department"]) == {LEADERSHIP, "VP (1)", "VP (2)", "Chief of Staff"}
    assert "replace the export's departments" in text


def test_primary_flag_given_as_a_path_and_manager_id_in_another_case():
    frame = {"employee_id": ["E1", "E2", "E3"], "department": ["Co/Sales;Co/R&D", "Co/R&D", "Co/HR"],
             "primary_department": ["Co/R&D", "", ""], "manager_id": ["", "e1", "Ｅ1"]}
    p = _people(frame, sep="auto")[0].people.set_index("employee_id")
    assert p.loc["E1", "department"] == "R&D" and p.loc["E1", "other_departments"] == "Sales"
    assert p.loc["E2", "manager_id"] == "E1" and p.loc["E3", "manager_id"] == "E1"   # case and width folded
