"""Ambiguous input is settled from evidence and said, or stopped with a message that says how to settle it.

Dates (day-first or month-first), which header is a column, how list cells are separated and how survey
answers are written. Every expectation is worked out by hand from the few rows each test writes.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orgkit import ValidationError, from_frames, load_client
from orgkit.data.dates import check_date_format, parse_dates, scan_dates

PEOPLE = """\
employee_id,department,manager_id
E1,Sales,
E2,Sales,E1
E3,R&D,E1
E4,R&D,E3
E5,R&D,E3
"""


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_text(textwrap.dedent(content), encoding="utf-8")
    return folder


def load(folder: Path, files: dict[str, str]):
    return load_client(write(folder, {"client.yml": "min_group_size: 1\n", **files}))


def problems(folder: Path, files: dict[str, str]) -> list[str]:
    with pytest.raises(ValidationError) as info:
        load(folder, files)
    return [str(p) for p in info.value.problems]


def warnings_of(client, code: str) -> list[str]:
    return [w.message for w in client.warnings if w.code == code]


def decisions_csv(rows: list[tuple[str, str]]) -> str:
    lines = ["decision_id,decision_type,initiator_id,decider_id,raised_at,decided_at"]
    lines += [f"D{i},budget,E2,E1,{r},{d}" for i, (r, d) in enumerate(rows, 1)]
    return "\n".join(lines) + "\n"


# ================================================================================================ dates
def test_day_first_detected_gives_the_true_latency(tmp_path):
    # 01/03 09:00 -> 02/03 13:48 is 1 day 4.8 hours = 1.2 days day-first; month-first it would be 31 days.
    c = load(tmp_path, {"people.csv": PEOPLE, "decisions.csv": decisions_csv([
        ("01/03/2025 09:00", "02/03/2025 13:48"),
        ("25/03/2025 14:00", "26/03/2025 18:48"),
    ])})
    d = c.decisions
    latency = (d["decided_at"] - d["raised_at"]).dt.total_seconds() / 86400
    assert latency.round(6).tolist() == [1.2, 1.2]
    assert d["raised_at"].tolist() == [pd.Timestamp("2025-03-01 09:00"), pd.Timestamp("2025-03-25 14:00")]
    detected = warnings_of(c, "date_order_detected")
    assert len(detected) == 2  # one per column, each with its own evidence
    assert "'raised_at' is read day first (dd/mm/yyyy): 1 value has a number above 12 in the first place" \
        in detected[0] and "'25/03/2025 14:00'" in detected[0]
    assert "'decided_at'" in detected[1] and "'26/03/2025 18:48'" in detected[1]


def test_month_first_detected(tmp_path):
    c = load(tmp_path, {"people.csv": PEOPLE, "communication.csv": """\
        source_id,target_id,timestamp
        E1,E2,3/25/2025 2:00 PM
        E1,E3,04/03/2025 09:30
        E2,E3,12/01/2025 12:15 AM
        """})
    assert c.communication["timestamp"].tolist() == [
        pd.Timestamp("2025-03-25 14:00"), pd.Timestamp("2025-04-03 09:30"), pd.Timestamp("2025-12-01 00:15")]
    (msg,) = warnings_of(c, "date_order_detected")
    assert "'timestamp' is read month first (mm/dd/yyyy): 1 value has a number above 12 in the second place" in msg


def test_mixed_orders_in_one_column_is_an_error_naming_rows(tmp_path):
    msgs = problems(tmp_path, {"people.csv": PEOPLE, "decisions.csv": decisions_csv([
        ("25/03/2025", ""), ("03/25/2025", ""), ("01/02/2025", ""), ("13/01/2025", "")])})
    (msg,) = msgs
    assert msg.startswith("decisions.csv, column 'raised_at': 'raised_at' mixes day-first and month-first")
    assert "2 value(s) have a day above 12 in the first place (e.g. '25/03/2025', rows 2, 5)" in msg
    assert "1 in the second place (e.g. '03/25/2025', row 3)" in msg


def test_ambiguous_column_stops_and_says_how_to_settle(tmp_path):
    files = {"people.csv": PEOPLE, "decisions.csv": decisions_csv([("03/04/2025", "05/04/2025"),
                                                                   ("01/02/2025", "")])}
    msgs = problems(tmp_path, files)
    assert len(msgs) == 2  # one per column: decided_at alone is just as ambiguous
    raised = msgs[0]
    assert raised.startswith("decisions.csv, column 'raised_at': 'raised_at' has dates whose day and month "
                             "cannot be told apart")
    assert "2 value(s) such as '03/04/2025' (rows 2, 3) read as April 3 or March 4" in raised
    assert "dayfirst: true" in raised and "dayfirst: false" in raised and "date_format:" in raised


@pytest.mark.parametrize("yml, raised, decided", [
    ("dayfirst: true\n", "2025-04-03", "2025-04-05"),
    ("dayfirst: false\n", "2025-03-04", "2025-05-04"),
    ('date_format: "%d/%m/%Y"\n', "2025-04-03", "2025-04-05"),
])
def test_client_yml_settles_the_order(tmp_path, yml, raised, decided):
    c = load(tmp_path, {"people.csv": PEOPLE, "client.yml": "min_group_size: 1\n" + yml,
                        "decisions.csv": decisions_csv([("03/04/2025", "05/04/2025")])})
    assert c.decisions.loc[0, ["raised_at", "decided_at"]].tolist() == [pd.Timestamp(raised), pd.Timestamp(decided)]
    assert not warnings_of(c, "date_order_detected")  # the user said so: nothing to report


def test_date_format_keeps_iso_and_reports_what_it_cannot_read(tmp_path):
    c = load(tmp_path, {"people.csv": PEOPLE, "client.yml": 'min_group_size: 1\ndate_format: "%d.%m.%Y %H:%M"\n',
                        "communication.csv": """\
        source_id,target_id,timestamp
        E1,E2,05.03.2024 10:00
        E1,E3,2024-03-06T11:00:00
        E2,E3,March 7
        """})
    assert c.communication["timestamp"].tolist()[:2] == [pd.Timestamp("2024-03-05 10:00"),
                                                         pd.Timestamp("2024-03-06 11:00")]
    (msg,) = warnings_of(c, "unparsed_dates")
    assert "1 value in 'timestamp' is not a date (e.g. 'March 7', row 4)" in msg


def test_same_day_and_month_needs_no_decision(tmp_path):
    c = load(tmp_path, {"people.csv": PEOPLE, "decisions.csv": decisions_csv([("01/01/2025", "02/02/2025")])})
    assert c.decisions.loc[0, ["raised_at", "decided_at"]].tolist() == [pd.Timestamp("2025-01-01"),
                                                                        pd.Timestamp("2025-02-02")]
    assert not warnings_of(c, "date_order_detected")


def test_undecided_column_follows_the_proven_column_of_the_same_file(tmp_path):
    c = load(tmp_path, {"people.csv": PEOPLE, "decisions.csv": decisions_csv([
        ("28/02/2025", "03/04/2025"), ("01/03/2025", "02/03/2025")])})
    assert c.decisions["decided_at"].tolist() == [pd.Timestamp("2025-04-03"), pd.Timestamp("2025-03-02")]
    msgs = warnings_of(c, "date_order_detected")
    assert any("'decided_at' is read day first (dd/mm/yyyy), as 'raised_at' in the same file" in m for m in msgs)


def test_setting_contradicted_by_the_data_is_an_error(tmp_path):
    msgs = problems(tmp_path, {"people.csv": PEOPLE, "client.yml": "dayfirst: false\n",
                               "decisions.csv": decisions_csv([("25/03/2025", "")])})
    assert any("client.yml says dayfirst: false, but 1 value(s) in 'raised_at' cannot be read that way "
               "(e.g. '25/03/2025', row 2)" in m for m in msgs), msgs


def test_unambiguous_spellings(tmp_path):
    c = load(tmp_path, {"people.csv": """\
        employee_id,department,hire_date
        E1,Sales,2024年3月5日
        E2,Sales,2024/3/5
        E3,Sales,2024.03.05
        E4,Sales,2024-03-05
        E5,Sales,5 Mar 2024
        E6,Sales,"March 5, 2024"
        E7,Sales,
        """})
    assert c.people["hire_date"].tolist() == [pd.Timestamp("2024-03-05")] * 6 + [pd.NaT]
    assert c.warnings == ()  # nothing to decide, nothing to report


@pytest.mark.parametrize("yml, needle", [
    ("dayfirst: maybe\n", "dayfirst must be true or false"),
    ('date_format: "dd/mm/yyyy"\n', "date_format 'dd/mm/yyyy' cannot be used: it has no % directive"),
    ("survey_scale: words\n", "survey_scale must be 'labels', 'numbers' or a mapping"),
    ("survey_scale: {Agree: 7}\n", "survey_scale maps labels to values outside 1-5: 'Agree': 7"),
])
def test_bad_loader_settings(tmp_path, yml, needle):
    msgs = problems(tmp_path, {"people.csv": PEOPLE, "client.yml": yml})
    assert any(m.startswith("client.yml") and needle in m for m in msgs), msgs


def test_dayfirst_with_date_format_is_ignored_with_a_warning(tmp_path):
    c = load(tmp_path, {"people.csv": PEOPLE,
                        "client.yml": 'dayfirst: false\ndate_format: "%d/%m/%Y"\nmin_group_size: 1\n'})
    assert warnings_of(c, "setting_ignored") == [
        "dayfirst is ignored: date_format says how every date that is not ISO 8601 is written."]
    assert "unknown_setting" not in {w.code for w in c.warnings}


def test_scan_and_parse_shapes():
    values = pd.Series(["25/03/2025 14:00", "3/4/2025", "2024-03-05T10:00:00+02:00", "2024年3月5日 14:30",
                        "07.03.2024", "1/1/2025 25:00", "31/02/2025", "", "n/a"], dtype="str")
    scan = scan_dates(values)
    # 25 and 31 can only be days; 3/4 and 7.3 change with the order; 1/1 does not
    assert scan.day_first.tolist() == [True, False, False, False, True]
    assert scan.ambiguous.tolist() == [False, True, True, False, False]
    parsed = parse_dates(scan, dayfirst=True)
    assert parsed.tolist() == [pd.Timestamp("2025-03-25 14:00"), pd.Timestamp("2025-04-03"),
                               pd.Timestamp("2024-03-05 08:00"), pd.Timestamp("2024-03-05 14:30"),
                               pd.Timestamp("2024-03-07"), pd.NaT, pd.NaT, pd.NaT, pd.NaT]
    assert parsed.dtype == "datetime64[ns]"
    assert parse_dates(scan, dayfirst=False)[1] == pd.Timestamp("2025-03-04")


def test_check_date_format():
    assert check_date_format("%Y%m%d") is None
    assert "no % directive" in check_date_format("yyyymmdd")
    assert "text" in check_date_format(5)


# ============================================================================================== columns
def test_row_number_column_loses_to_the_ids_managers_use(tmp_path):
    c = load(tmp_path, {"people.csv": """\
        ID,Staff ID,department,manager_id
        1,E10,Sales,
        2,E11,Sales,E10
        3,E12,Sales,E11
        """})
    assert c.people["employee_id"].tolist() == ["E10", "E11", "E12"]
    assert c.people["ID"].tolist() == ["1", "2", "3"]  # kept as an attribute
    (msg,) = warnings_of(c, "column_chosen")
    # both headers are synonyms: the values decide (2 distinct manager ids, both among Staff ID's values)
    assert msg == ("'Staff ID' was read as employee_id (2 of the 2 distinct ids used in 'manager_id' are "
                   "among its values); 'ID' is kept as an attribute (none of those ids is among its values).")
    assert c.sources["people"].header_map == {"Staff ID": "employee_id", "department": "department",
                                              "manager_id": "manager_id"}


def test_other_files_tell_which_column_is_the_id(tmp_path):
    c = load(tmp_path, {
        "people.csv": "ID,Staff ID,department\n1,A7,Sales\n2,B3,Sales\n3,C5,Sales\n",
        "communication.csv": "sender,recipient\nA7,B3\nB3,C5\n",
    })
    assert c.people["employee_id"].tolist() == ["A7", "B3", "C5"]
    (msg,) = warnings_of(c, "column_chosen")
    assert "3 of the 3 distinct ids used in communication's source_id and communication's target_id" in msg


def test_synonym_before_the_real_column_no_longer_fails(tmp_path):
    c = load(tmp_path, {"people.csv": "employee_id,Team,department\nE1,t1,Sales\nE2,t2,Sales\n"})
    assert c.people["department"].tolist() == ["Sales", "Sales"]
    assert c.people["Team"].tolist() == ["t1", "t2"]
    assert warnings_of(c, "column_chosen") == [
        "'department' was read as department (its header is the column's own name); 'Team' is kept as an attribute."]


def test_undecidable_headers_ask_for_a_mapping(tmp_path):
    msgs = problems(tmp_path, {"people.csv": "employee_id,Dept,Team\nE1,a,b\nE2,a,b\n"})
    assert msgs == [
        "people.csv, column 'department': 2 headers could be department ('Dept', 'Team') and neither their "
        "names nor their values settle which one is. Say which in client.yml:\ncolumns:\n  people:\n"
        "    Dept: department\n(the other headers are then kept as attributes)."]


def test_headers_a_mapping_cannot_tell_apart(tmp_path):
    msgs = problems(tmp_path, {"people.csv": "employee_id,department,Department\nE1,a,b\nE2,a,b\n"})
    assert msgs == ["people.csv, column 'department': 2 headers could be department ('department', 'Department') "
                    "and neither their names nor their values settle which one is. Rename or remove the header "
                    "that is not the column in the file."]


def test_empty_candidate_loses(tmp_path):
    c = load(tmp_path, {"people.csv": "employee_id,Dept,Team\nE1,,Sales\nE2,,Sales\n"})
    assert c.people["department"].tolist() == ["Sales", "Sales"]
    (msg,) = warnings_of(c, "column_chosen")
    assert msg == ("'Team' was read as department (the other candidates are empty); 'Dept' is kept as an "
                   "attribute (it is empty).")


def test_name_and_values_disagreeing_is_an_error(tmp_path):
    # 'employee_id' is spelled as the column, but 'Staff ID' holds the ids the managers use
    msgs = problems(tmp_path, {"people.csv": "employee_id,Staff ID,department,manager_id\n"
                                             "1,E10,Sales,\n2,E11,Sales,E10\n"})
    assert any("'employee_id' and 'Staff ID' could both be employee_id: 'employee_id' by its header, "
               "'Staff ID' by its values" in m and "    Staff ID: employee_id" in m for m in msgs), msgs


def test_unique_values_decide_the_decision_id(tmp_path):
    c = load(tmp_path, {"people.csv": PEOPLE, "decisions.csv": """\
        ID,决策编号,decision_type,initiator_id,decider_id
        1,D1,budget,E2,E1
        1,D2,budget,E4,E3
        """})
    assert c.decisions["decision_id"].tolist() == ["D1", "D2"]
    (msg,) = warnings_of(c, "column_chosen")
    assert "'决策编号' was read as decision_id (its values are unique)" in msg
    assert "'ID' is kept as an attribute (1 of its values are blank or repeated)" in msg


def test_person_column_of_names_loses_to_ids(tmp_path):
    c = load(tmp_path, {"people.csv": PEOPLE, "communication.csv": """\
        From,Sender ID,to
        Ann,E1,E2
        Bob,E2,E3
        """})
    assert c.communication["source_id"].tolist() == ["E1", "E2"]
    (msg,) = warnings_of(c, "column_chosen")
    assert msg == ("'Sender ID' was read as source_id (2 of its 2 values are people's ids); 'From' is kept as "
                   "an attribute (only 0 of its 2 values are people's ids).")


def test_mapping_wins_and_the_exact_header_is_renamed(tmp_path):
    c = load(tmp_path, {"people.csv": "employee_id,Staff No,department\n1,A,x\n2,B,x\n",
                        "client.yml": "min_group_size: 1\ncolumns:\n  people:\n    Staff No: employee_id\n"})
    assert c.people["employee_id"].tolist() == ["A", "B"]
    assert c.people["employee_id (not used)"].tolist() == ["1", "2"]
    (msg,) = warnings_of(c, "column_chosen")
    assert msg.startswith("'Staff No' was read as employee_id (client.yml's columns mapping names it)")


# ================================================================================================ lists
@pytest.mark.parametrize("cell", ["E3;E2", "E3；E2", '"E3,E2"', "E3，E2", "E3、E2", "E3|E2", "E3/E2",
                                  '"E3\nE2"', "E3 ; E2;", '" E3 ，、 E2 "'])
def test_every_approver_separator(tmp_path, cell):
    c = load(tmp_path, {"people.csv": PEOPLE, "decisions.csv":
                        f"decision_id,decision_type,initiator_id,decider_id,approvers\nD1,budget,E4,E1,{cell}\n"})
    assert c.decisions["approvers"].tolist() == ["E3;E2"]
    assert c.decisions["n_approvers"].tolist() == [2]
    assert c.approvals["approver_id"].tolist() == ["E3", "E2"]


def test_unknown_approvers_are_named(tmp_path):
    c = load(tmp_path, {"people.csv": PEOPLE, "decisions.csv": """\
        decision_id,decision_type,initiator_id,decider_id,approvers
        D1,budget,E4,E1,E3/Q7
        D2,budget,E4,E1,Q7、Z9
        D3,budget,E4,E1,E3、E2
        D4,budget,X1,E1,Q8
        """})
    assert c.decisions["decision_id"].tolist() == ["D3"]
    msgs = warnings_of(c, "unknown_people_dropped")
    assert msgs[0] == ("1 row names an initiator or decider who is not in people and was dropped "
                       "(25.0% of the file).")
    assert msgs[1] == ("2 decisions name approvers who are not in people (2 unknown: Q7, Z9; rows 2, 3) "
                       "and were dropped (50.0% of the file).")
    assert c.dropped["decisions"] == {"unknown_people": 3}


def test_ids_containing_a_separator_keep_it(tmp_path):
    c = load(tmp_path, {"people.csv": "employee_id,department,manager_id\nHR/1,x,\nHR/2,x,HR/1\nHR/3,x,HR/1\n",
                        "decisions.csv": "decision_id,decision_type,initiator_id,decider_id,approvers\n"
                                         "D1,a,HR/3,HR/1,HR/2；HR/1\n"})
    assert c.decisions["approvers"].tolist() == ["HR/2;HR/1"]
    assert warnings_of(c, "list_separator_in_ids") == [
        "some employee ids contain '/', so approvers are not split at it; separate approver ids with ';'."]


def test_full_width_separators_are_not_ids(tmp_path):
    msgs = problems(tmp_path, {"people.csv": "employee_id,department\nA，B,x\nC,x\n"})
    assert "not ids (e.g. 'A，B')" in msgs[0] and "row 2" in msgs[0]


# =============================================================================================== survey
def test_text_answer_is_reported_with_row_and_value(tmp_path):
    msgs = problems(tmp_path, {"people.csv": PEOPLE, "survey.csv": """\
        department,q1,q2
        Sales,4,5
        Sales,Agree,4
        R&D,3,2
        """})
    (msg,) = msgs
    assert msg.startswith("survey.csv, row 3, column 'q1': 1 value(s) in item 'q1' are outside the 1-5 scale "
                          "(e.g. row 3: 'Agree').")
    assert "set survey_scale: labels in client.yml" in msg


def test_items_answered_in_words_are_read(tmp_path):
    c = load(tmp_path, {"people.csv": PEOPLE, "survey.csv": """\
        department,q1,q2
        Sales,Strongly agree,非常同意
        Sales,agree, 不同意
        R&D,Neither agree nor disagree,一般
        R&D,,中立
        """})
    assert c.survey["q1"].tolist() == [5, 4, 3, pd.NA]
    assert c.survey["q2"].tolist() == [5, 2, 3, 3]
    msgs = warnings_of(c, "survey_labels_read")
    assert msgs[0] == ("item 'q1' is answered in words: its 3 answers are all labels of the 1-5 scale (e.g. "
                       "'Strongly agree') and are read as numbers (strongly disagree = 1 ... strongly agree = 5).")
    assert len(msgs) == 2


def test_declared_labels_mix_with_numbers(tmp_path):
    c = load(tmp_path, {"people.csv": PEOPLE, "client.yml": "min_group_size: 1\nsurvey_scale: labels\n",
                        "survey.csv": "department,q1\nSales,Disagree\nSales,4\nR&D,strongly DISAGREE\n"})
    assert c.survey["q1"].tolist() == [2, 4, 1]
    assert not warnings_of(c, "survey_labels_read")


def test_custom_scale(tmp_path):
    c = load(tmp_path, {"people.csv": PEOPLE,
                        "client.yml": "min_group_size: 1\nsurvey_scale: {Always: 5, Often: 4, Never: 1}\n",
                        "survey.csv": "department,q1\nSales,always\nSales,Often\nR&D,Never\n"})
    assert c.survey["q1"].tolist() == [5, 4, 1]
    msgs = problems(tmp_path / "b", {"people.csv": PEOPLE,
                                     "client.yml": "survey_scale: {Always: 5}\n",
                                     "survey.csv": "department,rc1\nSales,always\nSales,Agree\n"})
    assert "row 3: 'Agree'" in msgs[0] and "survey_scale in client.yml lists the labels" in msgs[0]


def test_survey_numbers_only_refuses_labels(tmp_path):
    msgs = problems(tmp_path, {"people.csv": PEOPLE, "client.yml": "survey_scale: numbers\n",
                               "survey.csv": "department,rc1\nSales,Agree\nSales,4\n"})
    assert "row 2: 'Agree'" in msgs[0]


def test_empty_survey_is_a_warning(tmp_path):
    c = load(tmp_path, {"people.csv": PEOPLE, "survey.csv": "respondent_id,rc1,rc2\nE1,,\nE2,,\nE3,,\n"})
    assert c.survey is None
    assert warnings_of(c, "empty_survey") == [
        "survey.csv has no answers (3 rows, none with an answer); it is left out of the assessment."]


def test_empty_survey_in_memory():
    people = pd.DataFrame({"employee_id": ["1"], "department": ["A"]})
    c = from_frames(people, survey=pd.DataFrame({"department": pd.Series([], dtype=str), "rc1": []}),
                    settings={"min_group_size": 1})
    assert c.survey is None and [w.code for w in c.warnings] == ["empty_survey"]


def test_blank_item_and_unanswered_rows(tmp_path):
    c = load(tmp_path, {"people.csv": PEOPLE, "survey.csv": """\
        respondent_id,rc1,rc2,rc3
        E1,4,,
        E2,,,
        E3,5,2,
        E4,,1,
        """})
    s = c.survey
    assert s["respondent_id"].tolist() == ["E1", "E3", "E4"]
    assert s["rc3"].isna().all() and str(s["rc3"].dtype) == "Int64"
    assert warnings_of(c, "empty_survey_item") == ["item 'rc3' has no answers; its column is empty."]
    assert warnings_of(c, "unanswered_responses_dropped") == [
        "1 row answers no item (row 3) and was dropped; it is not counted as a respondent."]
    assert c.dropped["survey"] == {"no_answers": 1}


def test_which_columns_are_items(tmp_path):
    c = load(tmp_path, {"people.csv": PEOPLE, "survey.csv": """\
        department,q1,age,note,rc1
        Sales,4,34,fine,
        Sales,5,41,ok,
        R&D,Agree,29,,3
        R&D,2,45,,
        """, "client.yml": "min_group_size: 1\nsurvey_scale: labels\n"})
    # q1: 3 of 4 answers are 1-5 and one a label; rc1: a bundled item id, one answer; age: numbers, but
    # not a rating scale; note: words
    assert c.survey_item_columns == ["q1", "rc1"]
    assert c.survey["q1"].tolist() == [4, 5, 4, 2]


def test_rating_scale_column_is_an_item_with_errors(tmp_path):
    msgs = problems(tmp_path, {"people.csv": PEOPLE, "survey.csv": "department,nps\nSales,9\nSales,3\nR&D,10\n"})
    (msg,) = msgs
    assert "2 value(s) in item 'nps' are outside the 1-5 scale (e.g. row 2: '9'; row 4: '10')" in msg
    assert "survey_scale" not in msg  # numbers, not words: no hint about labels


def test_ignored_columns_say_why(tmp_path):
    c = load(tmp_path, {"people.csv": PEOPLE,
                        "survey.csv": "department,q1,age,note\nSales,4,34,fine\nSales,5,41,\nR&D,2,29,\n"})
    assert c.survey_item_columns == ["q1"]
    assert warnings_of(c, "survey_columns_ignored") == [
        "2 columns are not survey items and were ignored: age (not mostly answers 1-5), "
        "note (not mostly answers 1-5)."]


# ====================================================================================== in-memory input
def test_from_frames_gives_the_reader_contract():
    people = pd.DataFrame({"employee_id": [1, 2, 3], "department": pd.Categorical(["a", "a", "b"]),
                           "manager_id": [np.nan, 1.0, 1.0], "hire_date": pd.to_datetime(["2024-01-02"] * 3),
                           "flag": [True, False, None]})
    c = from_frames(people, settings={"min_group_size": 1})
    p = c.people
    assert p["employee_id"].tolist() == ["1", "2", "3"] and str(p["employee_id"].dtype) == "str"
    assert p["manager_id"].tolist()[1:] == ["1", "1"]
    assert p["hire_date"].tolist() == [pd.Timestamp("2024-01-02")] * 3
    assert p["flag"].tolist() == ["True", "False", ""]


def test_large_files_read_in_several_chunks_validate_like_small_ones(tmp_path):
    """Files over the reader's block size arrive as several Arrow chunks; every table check takes them."""
    from orgkit.data.loading import load_client
    from orgkit.data.reading import BLOCK_BYTES

    n = 2_000
    ids = [f"E{i:05d}" for i in range(n)]
    people = ["employee_id,department,manager_id"] + [
        f"{e},{'Sales' if i % 2 else 'Ops'},{'' if i == 0 else ids[(i - 1) // 10]}" for i, e in enumerate(ids)]
    (tmp_path / "people.csv").write_text("\n".join(people) + "\n", encoding="utf-8")
    rows = ["decision_id,decision_type,initiator_id,decider_id,approvers,raised_at,decided_at"]
    k = 0
    while sum(map(len, rows)) < 2 * BLOCK_BYTES:
        i = k % n
        rows.append(f"D{k},budget,{ids[i]},{ids[0]},{ids[(i + 1) % n]}；{ids[(i + 2) % n]},"
                    f"2025-03-0{1 + k % 9} 10:00,2025-03-1{k % 9} 12:00")
        k += 1
    (tmp_path / "decisions.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    comm = ["source_id,target_id"] + [f"{ids[i % n]},{ids[(i * 7 + 1) % n]}" for i in range(200_000)]
    (tmp_path / "communication.csv").write_text("\n".join(comm) + "\n", encoding="utf-8")
    assert (tmp_path / "communication.csv").stat().st_size > 2 * BLOCK_BYTES

    client = load_client(tmp_path)
    assert len(client.decisions) == k
    first = client.decisions.set_index("decision_id").loc["D0"]
    assert first["approvers"] == f"{ids[1]};{ids[2]}" and first["n_approvers"] == 2
    assert client.decisions["n_approvers"].eq(2).all()
    assert len(client.communication) == 200_000 - sum(
        1 for i in range(200_000) if ids[i % n] == ids[(i * 7 + 1) % n])
