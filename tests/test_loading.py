"""The data contract: every validation case gives the promised error or warning, and a typed client."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest

import orgkit
from orgkit import ValidationError, from_frames, load_client
from orgkit.errors import OrgkitError
from orgkit.data.loading import detect_encoding

PEOPLE = """\
employee_id,department,manager_id,name,title
E1,Sales,,Ann,CEO
E2,Sales,E1,Bob,Rep
E3,R&D,E1,Cy,Head
E4,R&D,E3,Di,Engineer
E5,R&D,E3,Ed,Engineer
"""


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        p = folder / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(textwrap.dedent(content), encoding="utf-8")
    return folder


def problems(folder: Path) -> list[str]:
    with pytest.raises(ValidationError) as info:
        load_client(folder)
    assert isinstance(info.value, OrgkitError)
    assert info.value.exit_code == 2
    return [str(p) for p in info.value.problems]


def warning_codes(client) -> list[str]:
    return [w.code for w in client.warnings]


# ---------------------------------------------------------------- happy path and types
def test_minimal_folder_loads_with_types(tmp_path):
    c = load_client(write(tmp_path, {"people.csv": PEOPLE}))
    assert c.n_people == 5
    assert list(c.people["employee_id"]) == ["E1", "E2", "E3", "E4", "E5"]
    assert pd.api.types.is_string_dtype(c.people["employee_id"])
    assert c.people["manager_id"].isna().tolist() == [True, False, False, False, False]
    assert c.communication is None and c.survey is None and c.decisions is None
    assert c.settings.name == tmp_path.name and c.settings.stage == "auto"
    assert c.sources["people"].encoding == "utf-8"
    assert len(c.sources["people"].sha256) == 64
    assert c.hierarchy.layers == 3


def test_client_yml_settings(tmp_path):
    c = load_client(write(tmp_path, {"people.csv": PEOPLE, "client.yml": """\
        name: Acme
        stage: mid
        language: zh
        min_group_size: 3
        stage_thresholds: {startup: 20}
        """}))
    s = c.settings
    assert (s.name, s.stage, s.language, s.min_group_size) == ("Acme", "mid", "zh", 3)
    assert s.options == {"stage_thresholds": {"startup": 20}}


def test_client_yml_typo_warns_with_closest_key(tmp_path):
    c = load_client(write(tmp_path, {"people.csv": PEOPLE, "client.yml": "stgae: mid\n"}))
    assert c.settings.stage == "auto"
    unknown = [w for w in c.warnings if w.code == "unknown_setting"]
    assert len(unknown) == 1 and unknown[0].file == "client.yml"
    assert "'stgae'" in unknown[0].message and "Did you mean 'stage'?" in unknown[0].message


def test_known_option_key_does_not_warn(tmp_path):
    c = load_client(write(tmp_path, {"people.csv": PEOPLE, "client.yml": "stage_thresholds: {startup: 3}\n"}))
    assert "unknown_setting" not in warning_codes(c)


def test_overrides_win_over_client_yml(tmp_path):
    write(tmp_path, {"people.csv": PEOPLE, "client.yml": "stage: mid\nmin_group_size: 3\n"})
    c = load_client(tmp_path, stage="large", min_group_size=2)
    assert (c.settings.stage, c.settings.min_group_size) == ("large", 2)


@pytest.mark.parametrize("yml, needle", [
    ("stage: huge\n", "stage must be one of"),
    ("language: fr\n", "language must be one of"),
    ("min_group_size: 0\n", "min_group_size must be a whole number"),
    ("columns: [a, b]\n", "columns must map"),
    ("columns:\n  staff:\n    a: b\n", "unknown file"),
])
def test_bad_settings(tmp_path, yml, needle):
    msgs = problems(write(tmp_path, {"people.csv": PEOPLE, "client.yml": yml}))
    assert any(needle in m and m.startswith("client.yml") for m in msgs), msgs


def test_invalid_yaml(tmp_path):
    msgs = problems(write(tmp_path, {"people.csv": PEOPLE, "client.yml": "name: [unclosed\n"}))
    assert "client.yml: is not valid YAML" in msgs[0]


# ---------------------------------------------------------------- headers
@pytest.mark.parametrize("headers", [
    "Employee ID,Department,Manager ID",
    "EmployeeId,Dept,ReportsTo",
    "工号,部门,直属上级工号",
    "员工编号,部门,上级工号",
    "  EMPLOYEE_ID , dept ,manager",
])
def test_header_synonyms(tmp_path, headers):
    body = "1,Sales,\n2,Sales,1\n"
    c = load_client(write(tmp_path, {"people.csv": headers + "\n" + body}))
    assert {"employee_id", "department", "manager_id"} <= set(c.people.columns)
    assert c.people["manager_id"].tolist()[1] == "1"


def test_mapping_in_client_yml_wins(tmp_path):
    # 'Team' would be read as department by synonym; the mapping says 'Cost centre' is the department.
    c = load_client(write(tmp_path, {
        "people.csv": "Staff No,Team,Cost centre,Boss\nA,t1,Sales,\nB,t2,Sales,A\n",
        "client.yml": "columns:\n  people:\n    Staff No: employee_id\n    Cost centre: department\n"
                      "    Boss: manager_id\n",
    }))
    assert c.people["department"].tolist() == ["Sales", "Sales"]
    assert c.people["Team"].tolist() == ["t1", "t2"]  # kept as an attribute
    assert c.sources["people"].header_map["Cost centre"] == "department"


def test_mapping_to_missing_header_is_an_error(tmp_path):
    msgs = problems(write(tmp_path, {"people.csv": PEOPLE,
                                     "client.yml": "columns:\n  people:\n    Staff: manager_id\n"}))
    assert any("has no such header" in m for m in msgs)


def test_extra_columns_are_kept(tmp_path):
    c = load_client(write(tmp_path, {"people.csv": "employee_id,department,Cost Centre\n1,A,cc1\n"}))
    assert c.people["Cost Centre"].tolist() == ["cc1"]
    assert not c.has_hierarchy and c.hierarchy is None


def test_missing_columns_lists_all_and_headers_found(tmp_path):
    msgs = problems(write(tmp_path, {"people.csv": "id_number,team_name\n1,A\n"}))
    assert len(msgs) == 1
    assert "missing required columns: employee_id, department" in msgs[0]
    assert "Headers found: id_number, team_name" in msgs[0]
    assert msgs[0].startswith("people.csv")


def test_missing_people_file(tmp_path):
    msgs = problems(write(tmp_path, {"communication.csv": "source_id,target_id\n1,2\n"}))
    assert "people.csv: the required people file is missing" in msgs[0]
    assert "communication.csv" in msgs[0]


def test_not_a_folder(tmp_path):
    with pytest.raises(ValidationError, match="is not a folder"):
        load_client(tmp_path / "nope")


def test_two_files_for_one_table(tmp_path):
    write(tmp_path, {"people.csv": PEOPLE})
    pd.read_csv(tmp_path / "people.csv").to_excel(tmp_path / "people.xlsx", index=False)
    assert any("given twice" in m for m in problems(tmp_path))


# ---------------------------------------------------------------- encodings and formats
def test_utf8_bom_and_gb18030(tmp_path):
    text = "工号,部门,直属上级工号,姓名\n1,销售部,,张三\n2,销售部,1,李四\n"
    a = load_client(write(tmp_path / "bom", {"people.csv": b"\xef\xbb\xbf" + text.encode("utf-8")}))
    b = load_client(write(tmp_path / "gbk", {"people.csv": text.encode("gb18030")}))
    assert a.sources["people"].encoding == "utf-8-sig"
    assert b.sources["people"].encoding == "gb18030"
    assert a.people["department"].tolist() == b.people["department"].tolist() == ["销售部", "销售部"]
    assert b.people["name"].tolist() == ["张三", "李四"]


def test_detect_encoding_order():
    assert detect_encoding("销售".encode("utf-8")) == "utf-8"
    assert detect_encoding("销售".encode("gb18030")) == "gb18030"
    assert detect_encoding(b"\xef\xbb\xbfa") == "utf-8-sig"


def test_unreadable_encoding(tmp_path):
    msgs = problems(write(tmp_path, {"people.csv": b"employee_id,department\n1,\xff\xfe\xff\n"}))
    assert "neither UTF-8 nor GB18030" in msgs[0] and "CSV UTF-8" in msgs[0]


def test_xlsx(tmp_path):
    df = pd.DataFrame({"工号": [101, 102, 103], "部门": ["研发中心", "研发中心", "销售部"],
                       "上级工号": [None, 101, 101]})
    tmp_path.mkdir(exist_ok=True)
    df.to_excel(tmp_path / "people.xlsx", index=False)
    c = load_client(tmp_path)
    assert c.sources["people"].format == "xlsx" and c.sources["people"].encoding is None
    # Excel stores the manager ids as floats (101.0): they are folded back to ids
    assert c.people["manager_id"].tolist()[1:] == ["101", "101"]
    assert c.people["department"].tolist()[0] == "研发中心"


def test_semicolon_separated_csv(tmp_path):
    c = load_client(write(tmp_path, {"people.csv": "employee_id;department\n1;A\n2;B\n"}))
    assert c.people["department"].tolist() == ["A", "B"]


@pytest.mark.parametrize("content", ["", "   \n", "employee_id,department\n"])
def test_empty_file(tmp_path, content):
    msgs = problems(write(tmp_path, {"people.csv": content}))
    assert msgs[0].startswith("people.csv") and ("empty" in msgs[0] or "no data rows" in msgs[0])


# ---------------------------------------------------------------- people checks
def test_duplicate_employee_id(tmp_path):
    msgs = problems(write(tmp_path, {"people.csv": "employee_id,department\nA,x\nB,x\nA,y\n"}))
    assert "rows 2, 4" in msgs[0] and "'A'" in msgs[0] and "column 'employee_id'" in msgs[0]
    assert "appear more than once" in msgs[0]


def test_exact_duplicate_rows_are_read_once(tmp_path):
    c = load_client(write(tmp_path, {"people.csv": "employee_id,department\nA,x\nB,x\nA,x\n"}))
    assert c.people["employee_id"].tolist() == ["A", "B"]
    w = next(w for w in c.warnings if w.code == "duplicate_rows")
    assert w.count == 1 and "row 4" in w.message


@pytest.mark.parametrize("bad, needle", [
    ("E 1", "not ids"),
    ("#N/A", "not ids"),
    ("1.5", "fractional"),
    ("1.23E+05", "scientific notation"),
])
def test_ids_that_are_not_ids(tmp_path, bad, needle):
    msgs = problems(write(tmp_path, {"people.csv": f"employee_id,department\nA,x\n{bad},x\n"}))
    assert needle in msgs[0] and "row 3" in msgs[0] and "column 'employee_id'" in msgs[0]


def test_blank_department_is_an_error(tmp_path):
    msgs = problems(write(tmp_path, {"people.csv": "employee_id,department\nA,x\nB,\n"}))
    assert "row 3" in msgs[0] and "department" in msgs[0]


def test_reporting_cycle_names_people(tmp_path):
    msgs = problems(write(tmp_path, {"people.csv": "employee_id,department,manager_id\nA,x,\nB,x,C\nC,x,D\nD,x,B\n"}))
    assert len(msgs) == 1
    assert "reporting cycle of 3 people: B -> C -> D -> B" in msgs[0]
    assert "rows 3, 4, 5" in msgs[0]


def test_unknown_and_self_managers_become_tops(tmp_path):
    c = load_client(write(tmp_path, {"people.csv": "employee_id,department,manager_id\nA,x,\nB,x,A\nC,x,ZZ\nD,x,D\n"}))
    codes = warning_codes(c)
    assert {"unknown_manager", "self_manager", "several_tops", "small_department"} <= set(codes)
    assert c.people["manager_id"].isna().tolist() == [True, False, True, True]
    assert next(w for w in c.warnings if w.code == "several_tops").count == 3
    assert "row 4" in next(w.message for w in c.warnings if w.code == "unknown_manager")


def test_small_department_warning_uses_threshold(tmp_path):
    write(tmp_path, {"people.csv": PEOPLE})
    assert "small_department" in warning_codes(load_client(tmp_path))
    assert "small_department" not in warning_codes(load_client(tmp_path, min_group_size=2))


def test_every_problem_is_reported_at_once(tmp_path):
    msgs = problems(write(tmp_path, {
        "people.csv": "employee_id,department\nA,x\nA,y\n",
        "responsibilities.csv": "responsibility,department,role\nPricing,x,Z\n",
        "client.yml": "stage: huge\n",
    }))
    assert len(msgs) >= 2
    assert any("stage must be" in m for m in msgs) and any("more than once" in m for m in msgs)


# ---------------------------------------------------------------- communication
def test_communication_cleaning(tmp_path):
    c = load_client(write(tmp_path, {"people.csv": PEOPLE, "communication.csv": """\
        sender,recipient,count,time
        E1,E2,,2024-01-01 10:00
        E2,E1,3,2024-01-02
        E3,E3,1,2024-01-02
        E4,X9,1,2024-01-02
        E4,E5,2,not a date
        """}))
    comm = c.communication
    assert len(comm) == 3
    assert comm["weight"].tolist() == [1.0, 3.0, 2.0]
    assert comm["weight"].dtype == "float64"
    assert pd.api.types.is_datetime64_any_dtype(comm["timestamp"]) and comm["timestamp"].isna().sum() == 1
    assert c.dropped["communication"] == {"unknown_people": 1, "self_rows": 1}
    assert {"unknown_people_dropped", "self_messages_dropped", "unparsed_dates"} <= set(warning_codes(c))


def test_bad_weight(tmp_path):
    msgs = problems(write(tmp_path, {"people.csv": PEOPLE,
                                     "communication.csv": "source_id,target_id,weight\nE1,E2,-1\nE1,E3,abc\n"}))
    assert "rows 2, 3" in msgs[0] and "column 'weight'" in msgs[0] and "positive" in msgs[0]


# ---------------------------------------------------------------- decisions
def test_decisions(tmp_path):
    c = load_client(write(tmp_path, {"people.csv": PEOPLE, "decisions.csv": """\
        decision_id,decision_type,initiator_id,decider_id,approvers,raised_at,decided_at
        D1,budget,E4,E1,E3; E2,2024-01-01,2024-01-05
        D2,hiring,E5,E3,,2024-01-01,
        D3,hiring,E5,E1,E3;Q7,2024-01-01,2024-01-03
        D4,pricing,E2,E1,,2024-02-01,2024-01-01
        """}))
    d = c.decisions
    assert d["decision_id"].tolist() == ["D1", "D2", "D4"]
    assert d["approvers"].tolist() == ["E3;E2", "", ""]
    assert d["n_approvers"].tolist() == [2, 0, 0]
    assert d["decided_at"].isna().tolist() == [False, True, True]  # D4 decided before raised
    assert c.approvals.to_dict("list") == {"decision_id": ["D1", "D1"], "position": [1, 2],
                                           "approver_id": ["E3", "E2"]}
    assert {"unknown_people_dropped", "decided_before_raised"} <= set(warning_codes(c))


def test_duplicate_decision_id(tmp_path):
    msgs = problems(write(tmp_path, {"people.csv": PEOPLE, "decisions.csv":
                                     "decision_id,decision_type,initiator_id,decider_id\nD1,a,E2,E1\nD1,a,E2,E1\n"}))
    assert "more than once" in msgs[0]


# ---------------------------------------------------------------- responsibilities
def test_unknown_role_letter(tmp_path):
    msgs = problems(write(tmp_path, {"people.csv": PEOPLE, "responsibilities.csv":
                                     "responsibility,department,role\nPricing,Sales,a\nPricing,R&D,X\n"}))
    assert "row 3" in msgs[0] and "column 'role'" in msgs[0] and "R, A, C, I" in msgs[0]


def test_roles_are_upper_cased(tmp_path):
    c = load_client(write(tmp_path, {"people.csv": PEOPLE, "responsibilities.csv":
                                     "职责,部门,角色\nPricing,Sales,a\nPricing,Legal,r\n"}))
    assert c.responsibilities["role"].tolist() == ["A", "R"]
    assert "unknown_department" in warning_codes(c)


# ---------------------------------------------------------------- survey
def test_survey_items_and_department_from_people(tmp_path):
    c = load_client(write(tmp_path, {"people.csv": PEOPLE, "survey.csv": """\
        respondent_id,rc1,rc2,free text
        E1,5,4,fine
        E4,1,,meh
        """}))
    s = c.survey
    assert s["department"].tolist() == ["Sales", "R&D"]
    assert c.survey_item_columns == ["rc1", "rc2"]
    assert str(s["rc1"].dtype) == "Int64" and s["rc2"].isna().tolist() == [False, True]
    assert "comment" in s.columns  # 'free text' is a synonym of comment


def test_likert_out_of_scale(tmp_path):
    msgs = problems(write(tmp_path, {"people.csv": PEOPLE,
                                     "survey.csv": "department,q1,q2\nSales,6,3\nSales,0,2\nR&D,3,2.5\n"}))
    assert any("item 'q1' are outside the 1-5 scale" in m and "rows 2, 3" in m for m in msgs)
    assert any("item 'q2'" in m and "row 4" in m for m in msgs)


def test_survey_items_file_selects_items(tmp_path):
    c = load_client(write(tmp_path, {
        "people.csv": PEOPLE,
        "survey.csv": "department,q1,q2,score_total\nSales,5,4,9\nR&D,1,2,3\n",
        "survey_items.csv": "item,dimension,reverse\nq1,clarity,no\nq2,clarity,yes\n",
    }))
    assert c.survey_item_columns == ["q1", "q2"]
    assert c.survey_items["reverse"].tolist() == [False, True]
    assert "survey_columns_ignored" in warning_codes(c)


def test_survey_items_listing_absent_item(tmp_path):
    msgs = problems(write(tmp_path, {"people.csv": PEOPLE, "survey.csv": "department,q1\nSales,5\n",
                                     "survey_items.csv": "item,dimension\nq1,a\nq9,a\n"}))
    assert "q9" in msgs[0]


def test_survey_needs_department_or_respondent(tmp_path):
    msgs = problems(write(tmp_path, {"people.csv": PEOPLE, "survey.csv": "q1,q2\n5,4\n"}))
    assert "respondent_id or a department" in msgs[0]


# ---------------------------------------------------------------- in memory
def test_from_frames_validates_like_files():
    people = pd.DataFrame({"employee_id": [1, 2, 3], "department": ["a", "a", "b"], "manager_id": [None, 1, 1]})
    c = from_frames(people, communication=pd.DataFrame({"source_id": [1, 2], "target_id": [2, 9]}),
                    settings={"min_group_size": 1})
    assert c.people["employee_id"].tolist() == ["1", "2", "3"]
    assert len(c.communication) == 1 and c.settings.min_group_size == 1
    with pytest.raises(ValidationError, match="appear more than once"):
        from_frames(pd.DataFrame({"employee_id": [1, 1], "department": ["a", "b"]}))


def test_public_api():
    assert orgkit.load_client is load_client
    assert orgkit.__version__


def test_timestamps_in_several_spellings(tmp_path):
    c = load_client(write(tmp_path, {"people.csv": PEOPLE, "communication.csv": """\
        source_id,target_id,timestamp
        E1,E2,2024-03-05T10:00:00Z
        E1,E2,2024-03-05T12:00:00+02:00
        E1,E3,2024/3/5 10:00
        E1,E4,2024-03-05
        """}))
    ts = c.communication["timestamp"]
    assert ts.tolist() == [pd.Timestamp("2024-03-05 10:00")] * 3 + [pd.Timestamp("2024-03-05")]
