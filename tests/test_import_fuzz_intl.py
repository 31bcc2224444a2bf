"""International exports a client brings: HRIS extracts from Workday, BambooHR, SuccessFactors, Personio,
HiBob and ADP with their own column names, European CSV dialects and encodings, and the message and survey
formats' hostile corners. Synthetic content only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from orgkit.errors import ExportFormatError, OrgkitError
from orgkit.importers import ImportOptions, import_client, read_export


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def _people(path: Path, **options) -> pd.DataFrame:
    return read_export("hris", [path], ImportOptions(**options)).people.set_index("employee_id")


BAMBOO = ("Employee #,First Name,Last Name,Job Title,Reporting to,Department,Hire Date,Work Email,Status\n"
          "1,Alex,Doe,CEO,,Exec,2015-03-15,alex@acme.example,Active\n"
          "2,Sam,Roe,VP Sales,\"Doe, Alex\",Sales,2016-04-01,sam@acme.example,Active\n"
          "3,Kim,Poe,Rep,\"Roe, Sam\",Sales,2019-12-01,kim@acme.example,Active\n"
          "4,Lee,Loe,Engineer,\"Doe, Alex\",Engineering,2020-01-13,lee@acme.example,Inactive\n")


def test_bamboohr_employee_number_and_last_first_managers(tmp_path):
    p = _people(_write(tmp_path / "bamboo.csv", BAMBOO))
    assert list(p.index) == ["1", "2", "3"]                      # 'Employee #' is the id; Inactive dropped
    assert p["manager_id"].tolist() == ["", "1", "2"]             # "Doe, Alex" is Alex Doe (First + Last Name)


def test_names_from_first_and_last_name_columns_written_only_with_keep_names(tmp_path):
    hr = _write(tmp_path / "bamboo.csv", BAMBOO)
    p = _people(hr, keep_names=True)
    assert p["name"].tolist() == ["Alex Doe", "Sam Roe", "Kim Poe"]
    import_client("hris", [hr], tmp_path / "c", ImportOptions())
    for f in (tmp_path / "c").iterdir():
        if f.is_file():
            text = f.read_text("utf-8", errors="replace")
            assert "Alex" not in text and "Doe" not in text and "@" not in text, f.name


def test_hibob_reports_to_holds_display_names(tmp_path):
    hr = _write(tmp_path / "bob.csv",
                "Employee ID,Display name,Email,Department,Reports to,Lifecycle status\n"
                "E-001,Alex Doe,alex@acme.example,Exec,,Employed\n"
                "E-002,Sam Roe,sam@acme.example,Sales,Alex Doe,Employed\n"
                "E-003,Kim Poe,kim@acme.example,Sales,Sam Roe,Employed\n"
                "E-004,Lee Loe,lee@acme.example,Sales,Sam Roe,Terminated\n")
    p = _people(hr)
    assert list(p.index) == ["E-001", "E-002", "E-003"]          # 'Lifecycle status' Terminated dropped
    assert p["manager_id"].tolist() == ["", "E-001", "E-002"]


def test_adp_headers_and_manager_by_another_id_column(tmp_path):
    hr = _write(tmp_path / "adp.csv",
                "Position ID,Associate ID,Legal First Name,Legal Last Name,Reports To Name,Reports To Associate ID,"
                "Home Department Description,Position Status,Hire Date\n"
                "ABC000101,G3X1,Alex,Doe,,,Executive,Active,03/15/2015\n"
                "ABC000102,G3X2,Sam,Roe,\"Doe, Alex\",G3X1,Sales,Active,04/01/2016\n"
                "ABC000103,G3X3,Kim,Poe,\"Roe, Sam\",G3X2,Sales,Leave,12/01/2019\n"
                "ABC000104,G3X4,Lee,Loe,\"Roe, Sam\",G3X2,Sales,Terminated,01/13/2020\n")
    p = _people(hr)
    assert len(p) == 3                                            # 'Position Status' Terminated dropped
    assert p["department"].tolist() == ["Executive", "Sales", "Sales"]
    managers = p["manager_id"].tolist()
    # the managers are given by Associate ID: either the id is Associate ID, or the ids are translated
    assert managers in (["", "G3X1", "G3X2"], ["", "ABC000101", "ABC000102"])


def test_personio_cp1252_semicolons_supervisor_by_first_last(tmp_path):
    text = ("ID;First name;Last name;Email;Status;Department;Position;Supervisor;Hire date;Weekly hours\n"
            "1;Jérôme;Dupont;j@acme.example;active;Geschäftsführung;CEO;;15.03.2015;40,0\n"
            "2;Søren;Große;s@acme.example;active;Vertrieb;VP Sales;Jérôme Dupont;01.04.2016;40,0\n"
            "3;Björn;Straßer;b@acme.example;onboarding;Vertrieb;Rep;Søren Große;01.12.2019;37,5\n"
            "4;Åsa;Næss;a@acme.example;inactive;Technik;Engineer;Jérôme Dupont;06.06.2018;40,0\n")
    p = _people(_write(tmp_path / "personio.csv", text, "cp1252"), keep_names=True)
    assert list(p.index) == ["1", "2", "3"]
    assert p["manager_id"].tolist() == ["", "1", "2"]
    assert p["name"].tolist() == ["Jérôme Dupont", "Søren Große", "Björn Straßer"]
    assert p["department"].tolist() == ["Geschäftsführung", "Vertrieb", "Vertrieb"]
    assert str(p.loc["3", "hire_date"].date()) == "2019-12-01"


def test_id_column_chosen_by_what_the_managers_refer_to(tmp_path):
    hr = _write(tmp_path / "wd.csv",
                "Employee ID,Position ID,Department,Manager Position ID,Job Title Description,Location Description\n"
                "1001,P-9,Exec,,CEO,Oslo\n"
                "1002,P-7,Sales,P-9,VP,Oslo\n"
                "1003,P-5,Sales,P-7,Rep,Bergen\n")
    imported = read_export("hris", [hr], ImportOptions())
    p = imported.people.set_index("employee_id")
    assert list(p.index) == ["P-9", "P-7", "P-5"]
    assert p["manager_id"].tolist() == ["", "P-9", "P-7"]
    assert p["title"].tolist() == ["CEO", "VP", "Rep"] and p["location"].tolist() == ["Oslo", "Oslo", "Bergen"]
    assert "100% of the managers in 'Manager Position ID' are its values ('Employee ID': 0%)" in imported.log.text()


def test_reports_to_name_shared_by_two_people_never_guessed(tmp_path):
    hr = _write(tmp_path / "bob.csv",
                "Employee ID,Display name,Department,Reports to\n"
                "E1,Alex Doe,Exec,\nE2,Sam Roe,Sales,Alex Doe\nE3,Sam Roe,Ops,Alex Doe\nE4,Kim Poe,Sales,Sam Roe\n")
    imported = read_export("hris", [hr], ImportOptions())
    assert imported.people.set_index("employee_id")["manager_id"].tolist() == ["", "E1", "E1", ""]
    text = imported.log.text()
    assert "1 people name their manager by a name shared by several people" in text and "bob.csv row 5" in text
    assert "Sam" not in text


def test_leading_zeros_survive_and_manager_ids_written_without_them_still_match(tmp_path):
    # ids typed "00101" in one place and 101 (Excel dropped the zeros) or 101.0 (a pandas export) in another
    hr = _write(tmp_path / "hr.csv",
                "Employee ID,Department,Manager ID\n"
                "00101,Exec,\n00102,Sales,101\n00103,Sales,102.0\n00104,Sales,0102\n00105,Ops,999\n")
    imported = read_export("hris", [hr], ImportOptions())
    p = imported.people.set_index("employee_id")
    assert sorted(p.index) == ["00101", "00102", "00103", "00104", "00105"]
    assert p.loc[["00102", "00103", "00104", "00105"], "manager_id"].tolist() == ["00101", "00102", "00102", ""]


def test_ids_equal_but_for_leading_zeros_are_never_merged(tmp_path):
    # 0101 and 101 are both people: a manager "101" is the exact id, "00101" matches neither for sure
    hr = _write(tmp_path / "hr.csv",
                "Employee ID,Department,Manager ID\n0101,Exec,\n101,Exec,\n7,Sales,101\n8,Sales,00101\n")
    p = read_export("hris", [hr], ImportOptions()).people.set_index("employee_id")
    assert p.loc[["7", "8"], "manager_id"].tolist() == ["101", ""]


def test_second_file_with_ids_stripped_of_zeros_describes_the_same_people(tmp_path):
    a = _write(tmp_path / "a.csv", "Employee ID,Department\n00101,Exec\n00102,Sales\n00103,Sales\n")
    b = _write(tmp_path / "b.csv", "Employee ID,Manager ID,Job Title\n101,,CEO\n102,101,VP\n103,102,Rep\n104,102,Rep\n")
    imported = read_export("hris", [a, b], ImportOptions())
    p = imported.people.set_index("employee_id")
    assert sorted(p.index) == ["00101", "00102", "00103", "104"]
    assert p.loc[["00101", "00102", "00103", "104"], "manager_id"].tolist() == ["", "00101", "00102", "00102"]
    assert p.loc[["00101", "00102", "00103"], "title"].tolist() == ["CEO", "VP", "Rep"]
    assert "ids equal but for leading zeros" in imported.log.text()


def test_hire_dates_with_a_zone_keep_their_calendar_day(tmp_path):
    # Workday/SuccessFactors write dates as midnight with the tenant's offset, or xs:date with an offset;
    # a hire date is a day on the calendar, never moved to another day by a time-zone conversion
    hr = _write(tmp_path / "hr.csv",
                "Employee ID,Department,Manager ID,Hire Date\n"
                "1,A,,2016-02-01T00:00:00+08:00\n2,A,1,2017-04-03-08:00\n3,A,1,2018-06-05Z\n"
                "4,A,1,1546300800000\n5,A,1,2020-07-01T00:00:00-05:00\n")
    for zone in ("UTC", "America/New_York", "Asia/Shanghai"):
        p = _people(hr, timezone=zone)
        assert p["hire_date"].dt.strftime("%Y-%m-%d").tolist() == [
            "2016-02-01", "2017-04-03", "2018-06-05", "2019-01-01", "2020-07-01"], zone


def test_date_with_an_offset_is_a_zoned_midnight_for_event_times():
    from zoneinfo import ZoneInfo

    from orgkit.importers.times import parse_times
    got = parse_times(pd.Series(["2017-04-03-08:00", "2017-04-03+01:00"]), ZoneInfo("UTC"), what="t")
    assert got.dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2017-04-03 08:00", "2017-04-02 23:00"]


def test_ambiguous_slash_dates_stop_and_ask(tmp_path):
    hr = _write(tmp_path / "hr.csv", "Employee ID,Department,Manager ID,Hire Date\n1,A,,01/02/2016\n2,A,1,03/04/2017\n")
    with pytest.raises(Exception, match="--dayfirst or --monthfirst"):
        _people(hr)
    assert _people(hr, dayfirst=True)["hire_date"].dt.strftime("%Y-%m-%d").tolist() == ["2016-02-01", "2017-04-03"]
    assert _people(hr, dayfirst=False)["hire_date"].dt.strftime("%Y-%m-%d").tolist() == ["2016-01-02", "2017-03-04"]


def test_dotted_dates_are_day_first_by_convention(tmp_path):
    # 01.02.2016 is German, Nordic, Russian... day.month.year; no locale writes month.day.year with dots
    hr = _write(tmp_path / "hr.csv", "Employee ID,Department,Manager ID,Eintrittsdatum,Hire Date\n"
                "1,A,,,01.02.2016\n2,A,1,,03.04.2017\n")
    imported = read_export("hris", [hr], ImportOptions())
    hired = imported.people["hire_date"].dt.strftime("%Y-%m-%d").tolist()
    assert hired == ["2016-02-01", "2017-04-03"]
    assert "day.month.year: dates written with dots" in imported.log.text()


# --- Slack ------------------------------------------------------------------------------------------------
def _slack(root: Path, days: dict, users: list, channels: list, *, zipped: bool = False) -> Path:
    import json
    import zipfile
    files = {"users.json": users, "channels.json": channels, **days}
    if zipped:
        path = root / "export.zip"
        with zipfile.ZipFile(path, "w") as z:
            for name, content in files.items():
                z.writestr(name, json.dumps(content))
        return path
    for name, content in files.items():
        _write(root / "export" / name, json.dumps(content))
    return root / "export"


def _slack_ties(imported) -> dict:
    c = imported.communication
    return {(s, t, ch): w for s, t, ch, w in zip(c["source_id"], c["target_id"], c["channel"], c["weight"])}


def test_slack_message_mentioning_more_than_max_recipients_makes_no_ties(tmp_path):
    users = [{"id": f"U{i}", "deleted": False, "is_bot": False, "profile": {}} for i in range(40)]
    crowd = " ".join(f"<@U{i}>" for i in range(1, 31))                       # 30 people named
    few = " ".join(f"<@U{i}>" for i in range(1, 26))                          # 25: still ties
    days = {"general/2024-03-04.json": [
        {"type": "message", "user": "U0", "ts": "1709546400.000001", "text": crowd},
        {"type": "message", "user": "U39", "ts": "1709546400.000002", "text": few}]}
    export = _slack(tmp_path, days, users, [{"id": "C1", "name": "general", "members": []}])
    imported = read_export("slack", [export], ImportOptions())
    ties = _slack_ties(imported)
    assert not any(s == "U0" for s, _, _ in ties)
    assert sum(1 for s, _, _ in ties if s == "U39") == 25
    assert "more than 25 people mentioned" in imported.log.text()


def test_an_import_that_leaves_no_ties_says_why_and_writes_nothing(tmp_path):
    users = [{"id": "U1", "deleted": False, "profile": {}}, {"id": "U2", "deleted": False, "profile": {}}]
    days = {"general/2024-03-04.json": [
        {"type": "message", "subtype": "channel_join", "user": "U1", "ts": "1709546400.000001", "text": "joined"},
        {"type": "message", "user": "U1", "ts": "1709546400.000002", "text": "<@U2> hi"}]}
    export = _slack(tmp_path, days, users, [{"id": "C1", "name": "general", "members": ["U1", "U2"]}])
    with pytest.raises(OrgkitError, match=r"no tie left to write: 1 outside the time window; 1 system messages"):
        import_client("slack", [export], tmp_path / "c", ImportOptions(since=pd.Timestamp("2025-01-01").to_pydatetime()))
    assert not (tmp_path / "c").exists()


def test_a_directory_where_everyone_has_left_is_refused(tmp_path):
    hr = _write(tmp_path / "hr.csv", "Employee ID,Department,Status\n1,A,Terminated\n2,A,Inactive\n")
    with pytest.raises(OrgkitError, match=r"no person left: 2 marked as resigned"):
        import_client("hris", [hr], tmp_path / "c", ImportOptions())
    assert not (tmp_path / "c").exists()


# --- events -----------------------------------------------------------------------------------------------
def _comm(imported) -> dict:
    c = imported.communication
    return {(s, t): w for s, t, w in zip(c["source_id"], c["target_id"], c["weight"])}


@pytest.mark.parametrize("cell", ['["B", "C"]', "['B', 'C']", '["B","C"]', "B;C", "B, C", "B，C"])
def test_event_recipients_in_any_list_shape(tmp_path, cell):
    import csv
    path = tmp_path / "log.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["sender", "recipients", "timestamp"])
        w.writerow(["A", cell, "2024-03-04 10:00"])
        w.writerow(["B", '["A"]', "2024-03-04 11:00"])
    assert _comm(read_export("events", [path], ImportOptions())) == {("A", "B"): 1, ("A", "C"): 1, ("B", "A"): 1}


# --- Viva ------------------------------------------------------------------------------------------------
def test_viva_query_resaved_by_european_excel_keeps_decimal_commas(tmp_path):
    q = _write(tmp_path / "p2p.csv",
               "PersonId;MetricDate;PrimaryCollaborator_PersonId;SecondaryCollaborator_PersonId;Collaboration_hours\n"
               "a;3/4/2024;a;b;1,5\na;3/11/2024;a;b;0,25\nb;3/4/2024;b;a;2\nb;3/4/2024;b;c;1.234,5\n")
    imported = read_export("viva", [q], ImportOptions())
    assert _comm(imported) == {("a", "b"): 1.75, ("b", "a"): 2.0, ("b", "c"): 1234.5}
    assert "decimal comma" in imported.log.text()


def test_viva_query_with_us_thousands_separators(tmp_path):
    q = _write(tmp_path / "p2p.csv",
               "PersonId,MetricDate,PrimaryCollaborator_PersonId,SecondaryCollaborator_PersonId,Emails_sent\n"
               'a,3/4/2024,a,b,"1,500"\na,3/11/2024,a,b,0.5\n')
    assert _comm(read_export("viva", [q], ImportOptions())) == {("a", "b"): 1500.5}


def test_viva_query_mixing_decimal_marks_is_refused(tmp_path):
    q = _write(tmp_path / "p2p.csv",
               "PersonId;MetricDate;PrimaryCollaborator_PersonId;SecondaryCollaborator_PersonId;Collaboration_hours\n"
               "a;3/4/2024;a;b;1,5\na;3/11/2024;a;b;0.25\n")
    with pytest.raises(OrgkitError, match="decimal"):
        read_export("viva", [q], ImportOptions())


def test_viva_dates_resaved_with_dots_are_day_first(tmp_path):
    q = _write(tmp_path / "p2p.csv",
               "PersonId;MetricDate;PrimaryCollaborator_PersonId;SecondaryCollaborator_PersonId;Meetings\n"
               "a;04.03.2024;a;b;1\na;11.03.2024;a;b;2\na;01.04.2024;a;b;4\n")
    got = read_export("viva", [q], ImportOptions(since=pd.Timestamp("2024-03-01").to_pydatetime(),
                                                 until=pd.Timestamp("2024-03-31").to_pydatetime()))
    assert _comm(got) == {("a", "b"): 3.0}                 # 1 April is outside March


# --- network surveys and edge lists ---------------------------------------------------------------------
def test_survey_matrix_with_decimal_commas(tmp_path):
    m = _write(tmp_path / "advice.csv", ";A;B;C\nA;0;0,5;1\nB;1,25;0;0\nC;0;1;0\n")
    assert _comm(read_export("network-survey", [m], ImportOptions())) == {
        ("A", "B"): 0.5, ("A", "C"): 1.0, ("B", "A"): 1.25, ("C", "B"): 1.0}


def test_survey_matrix_keeps_leading_zeros_of_ids(tmp_path):
    m = _write(tmp_path / "advice.csv", ",00101,00102,00103\n00101,0,1,1\n00102,1,0,0\n00103,0,1,0\n")
    assert _comm(read_export("network-survey", [m], ImportOptions())) == {
        ("00101", "00102"): 1.0, ("00101", "00103"): 1.0, ("00102", "00101"): 1.0, ("00103", "00102"): 1.0}


def test_edge_list_first_line_is_a_tie_when_its_names_recur(tmp_path):
    e = _write(tmp_path / "ties.txt", "Anna Bert\nBert Cleo\nCleo Anna\n")
    assert _comm(read_export("edge-list", [e], ImportOptions())) == {
        ("Anna", "Bert"): 1.0, ("Bert", "Cleo"): 1.0, ("Cleo", "Anna"): 1.0}


def test_edge_list_unrecognised_header_is_still_a_header(tmp_path):
    e = _write(tmp_path / "ties.csv", "Giver,Taker\nAnna,Bert\nBert,Cleo\n")
    assert _comm(read_export("edge-list", [e], ImportOptions())) == {("Anna", "Bert"): 1.0, ("Bert", "Cleo"): 1.0}


def test_edge_list_weights_with_decimal_commas(tmp_path):
    e = _write(tmp_path / "ties.csv", "Source;Target;Weight\nA;B;0,5\nA;A;1\nB;C;2\nA;B;1,25\n")
    got = read_export("edge-list", [e], ImportOptions())
    assert _comm(got) == {("A", "B"): 1.75, ("B", "C"): 2.0}
    assert "dropped 1 self-ties" in got.log.text()


def test_german_workbook_with_title_rows_numeric_ids_and_mixed_manager_forms(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(["Liste der Mitarbeiter"])
    ws.append([])
    ws.append(["Personalnummer", "Vorname", "Nachname", "Abteilung", "Vorgesetzter", "Eintrittsdatum", "Status"])
    ws.append([101, "Jörg", "Weiß", "Vertrieb", None, "01.02.2016", "aktiv"])
    ws.append([102, "Zoë", "Ødegård", "Vertrieb", "Weiß, Jörg", "03.04.2017", "aktiv"])
    ws.append([103, "Ana", "Muñoz", "Technik", "00101", "05.06.2018", "aktiv"])
    ws.append([104, "Åsa", "Næss", "Technik", "Jörg Weiß", "07.08.2019", "ausgetreten"])
    wb.save(tmp_path / "mitarbeiter.xlsx")
    imported = read_export("hris", [tmp_path / "mitarbeiter.xlsx"], ImportOptions(keep_names=True))
    p = imported.people.set_index("employee_id")
    assert list(p.index) == ["101", "102", "103"]
    assert p["manager_id"].tolist() == ["", "101", "101"]
    assert p["department"].tolist() == ["Vertrieb", "Vertrieb", "Technik"]
    assert p["name"].tolist() == ["Jörg Weiß", "Zoë Ødegård", "Ana Muñoz"]
    assert p["hire_date"].dt.strftime("%Y-%m-%d").tolist() == ["2016-02-01", "2017-04-03", "2018-06-05"]
    assert "header row of mitarbeiter.xlsx: row 3" in imported.log.text()       # the blank row 2 counted


def test_french_headers(tmp_path):
    hr = _write(tmp_path / "salaries.csv",
                "Matricule;Prénom;Nom de famille;Service;Responsable;Date d'entrée;Statut\n"
                "A01;Élodie;Lefèvre;Direction;;01/09/2015;actif\n"
                "A02;Benoît;Girard;Ventes;Élodie Lefèvre;15/03/2018;actif\n"
                "A03;Chloé;Moreau;Ventes;A02;20/11/2019;inactif\n", "cp1252")
    p = _people(hr)
    assert list(p.index) == ["A01", "A02"]
    assert p["manager_id"].tolist() == ["", "A01"] and p["department"].tolist() == ["Direction", "Ventes"]
    assert p["hire_date"].dt.strftime("%Y-%m-%d").tolist() == ["2015-09-01", "2018-03-15"]


def test_row_numbers_in_messages_are_the_spreadsheet_rows_despite_blank_rows(tmp_path):
    hr = _write(tmp_path / "hr.csv", "Employee ID,Name,Department,Manager\n1,Ann Lee,A,\n,,,\n2,Bo Chen,A,Kim\n"
                "3,Cy Wu,A,Ann Lee\n4,Ann Lee,B,\n5,Di Xu,B,Ann Lee\n")
    text = read_export("hris", [hr], ImportOptions()).log.text()
    assert "(hr.csv row 4)" in text                       # Kim: nobody; line 4 of the file
    assert "hr.csv row 5, hr.csv row 7" in text           # "Ann Lee" is two people: never guessed


def test_refusal_of_e_mail_ids_says_why_the_employee_id_was_passed_over(tmp_path):
    hr = _write(tmp_path / "hr.csv", "Employee ID,Name,Email,Department\n1,Ann Lee,ann@x.example,A\n"
                "2,Bo Chen,bo@x.example,A\n2,Cy Wu,cy@x.example,B\n")
    with pytest.raises(OrgkitError, match=r"'Employee ID' passed over \(1 values shared by rows of different people"):
        import_client("hris", [hr], tmp_path / "c", ImportOptions())


def test_answer_sheet_names_written_last_comma_first(tmp_path):
    hr = _write(tmp_path / "hr.csv", "Employee ID,Name,Department\n1,Alex Doe,A\n2,Sam Roe,A\n3,Kim Poe,B\n")
    answers = _write(tmp_path / "advice.csv", "Respondent,Advice 1,Advice 2\n1,\"Roe, Sam\",3\n2,\"Doe, Alex; Poe, Kim\",\n")
    got = read_export("network-survey", [answers], ImportOptions(directory=(str(hr),)))
    assert _comm(got) == {("1", "2"): 1.0, ("1", "3"): 1.0, ("2", "1"): 1.0, ("2", "3"): 1.0}


def test_slack_times_saved_as_numbers_by_a_tool(tmp_path):
    users = [{"id": "U1", "profile": {}}, {"id": "U2", "profile": {}}]
    days = {"general/2024-03-04.json": [
        {"type": "message", "user": "U1", "ts": 1709546400.000001, "text": "plan"},
        {"type": "message", "user": "U2", "ts": "1709546401.000001", "thread_ts": 1709546400.000001, "text": "ok"}]}
    export = _slack(tmp_path, days, users, [{"id": "C1", "name": "general"}], zipped=True)
    got = read_export("slack", [export], ImportOptions(since=pd.Timestamp("2024-03-04").to_pydatetime()))
    assert _slack_ties(got) == {("U2", "U1", "slack-reply"): 1.0}


def test_ties_without_people_anywhere_ask_for_a_directory(tmp_path):
    e = _write(tmp_path / "ties.csv", "source,target\nA,B\nB,C\n")
    with pytest.raises(OrgkitError, match=r"--directory HR_FILE.*orgkit import hris"):
        import_client("edge-list", [e], tmp_path / "c", ImportOptions())
    assert not (tmp_path / "c").exists()
    hr = _write(tmp_path / "hr.csv", "Employee ID,Department\nA,X\nB,X\nC,Y\n")
    import_client("hris", [hr], tmp_path / "c", ImportOptions())
    import_client("edge-list", [e], tmp_path / "c", ImportOptions())        # the folder has people now
    assert (tmp_path / "c" / "communication.csv").exists()


def test_managers_by_account_id_keep_the_employee_id_as_id(tmp_path):
    hr = _write(tmp_path / "hr.csv", "Employee ID,User ID,Department,Manager ID\n1001,ann,A,\n1002,bo,A,ann\n")
    p = _people(hr)
    assert list(p.index) == ["1001", "1002"] and p["manager_id"].tolist() == ["", "1001"]


@pytest.mark.parametrize("times, options, expected", [
    (["04.03.2024 10:00", "25.03.2024 09:30"], {}, {("A", "B"): 1, ("B", "A"): 1}),          # dots: day first
    (["3/4/2024 10:00 PM", "3/25/2024 9:30 AM"], {}, {("A", "B"): 1, ("B", "A"): 1}),        # Outlook (US)
    (["04/03/2024 10:00", "25/03/2024 09:30"], {}, {("A", "B"): 1, ("B", "A"): 1}),          # settled by 25
    (["04/03/2024 10:00", "05/03/2024 09:30"], {"dayfirst": True}, {("A", "B"): 1, ("B", "A"): 1}),
    (["04/03/2024 10:00", "05/03/2024 09:30"], {"dayfirst": False}, {}),                    # April, May
])
def test_event_times_written_day_month_year(tmp_path, times, options, expected):
    import datetime as dt
    log = _write(tmp_path / "log.csv", f"sender,recipients,timestamp\nA,B,{times[0]}\nB,A,{times[1]}\n")
    got = read_export("events", [log], ImportOptions(since=dt.datetime(2024, 3, 1), until=dt.datetime(2024, 4, 1),
                                                     **options))
    assert _comm(got) == expected


def test_event_times_that_cannot_tell_day_from_month_stop_and_ask(tmp_path):
    log = _write(tmp_path / "log.csv", "sender,recipients,timestamp\nA,B,04/03/2024 10:00\nB,A,05/03/2024 09:30\n")
    with pytest.raises(OrgkitError, match="--dayfirst or --monthfirst"):
        read_export("events", [log], ImportOptions())


def test_event_log_with_stray_quotes_is_described_not_called_a_long_line(tmp_path):
    log = _write(tmp_path / "log.csv", 'From;To;Sent\n"Müller, Jörg" <j@x.example>;a@x.example;2024-03-04 10:00\n',
                 "cp1252")
    with pytest.raises(ExportFormatError, match="double quotes do not enclose whole cells") as err:
        read_export("events", [log], ImportOptions(pseudonymise=True))
    assert "4 MB" not in str(err.value) and "Müller" not in str(err.value)


# --- Graph ----------------------------------------------------------------------------------------------
def _mail(sender: str, to: list[str], when: str = "2024-03-04T10:00:00Z") -> dict:
    return {"from": {"emailAddress": {"address": sender}}, "sentDateTime": when,
            "toRecipients": [{"emailAddress": {"address": a}} for a in to]}


@pytest.mark.parametrize("shape", ["pages_list", "batch"])
def test_graph_pages_saved_together(tmp_path, shape):
    import json
    pages = [{"value": [_mail("a@x.example", ["b@x.example"])], "@odata.nextLink": "https://graph.microsoft.com/n"},
             {"value": [_mail("b@x.example", ["a@x.example", "c@x.example"])]}]
    hr = _write(tmp_path / "hr.csv", "Employee ID,Email,Department\nA,a@x.example,X\nB,b@x.example,X\n"
                "C,c@x.example,X\n")
    data = pages if shape == "pages_list" else {"responses": [{"id": str(i), "status": 200, "body": p}
                                                               for i, p in enumerate(pages)]}
    f = _write(tmp_path / "mail.json", json.dumps(data))
    got = read_export("graph", [f], ImportOptions(directory=(str(hr),)))
    assert _comm(got) == {("A", "B"): 1, ("B", "A"): 1, ("B", "C"): 1}


def test_two_digit_years_of_excel_csv_files(tmp_path):
    hr = _write(tmp_path / "hr.csv", "Employee ID,Department,Manager ID,Hire Date\n1,A,,3/15/15\n2,A,1,12/1/29\n"
                "3,A,1,1/2/85\n")
    imported = read_export("hris", [hr], ImportOptions())
    assert imported.people["hire_date"].dt.strftime("%Y-%m-%d").tolist() == ["2015-03-15", "2029-12-01", "1985-01-02"]
    assert "3 two-digit year(s) read as Excel reads them" in imported.log.text()


def test_client_folders_still_refuse_two_digit_years():
    from orgkit.data.dates import parse_dates, scan_dates
    scan = scan_dates(pd.Series(["3/15/15"], dtype="str"))
    assert scan.ab is None and parse_dates(scan, dayfirst=False).isna().all()     # the data contract


def test_survey_matrix_ids_typed_with_other_case_still_match(tmp_path):
    m = _write(tmp_path / "advice.csv", "\ufeff;Zoë;Björn;Ana;\nzoë;0;1;1;\nBjörn ;1;0;0;\nANA;0;1;0;\n")
    got = read_export("network-survey", [m], ImportOptions())
    assert _comm(got) == {("zoë", "Björn"): 1.0, ("zoë", "ANA"): 1.0, ("Björn", "zoë"): 1.0, ("ANA", "Björn"): 1.0}
    assert "2 header id(s) differ from the first column's only in case" in got.log.text()


def test_survey_matrix_with_other_names_is_still_refused(tmp_path):
    m = _write(tmp_path / "advice.csv", ",A,B,C\nA,0,1,1\nB,1,0,0\nD,0,1,0\n")
    with pytest.raises(ExportFormatError, match="1 id\\(s\\) of the first column not in the header row"):
        read_export("network-survey", [m], ImportOptions())


def test_edge_list_of_one_column_with_spaces_later_is_refused_not_a_crash(tmp_path):
    e = _write(tmp_path / "ties.csv", "source\nA\n3/4/2024 10:00 PM\n")
    with pytest.raises(ExportFormatError, match="line 3 has 3 fields where the first line has 1"):
        read_export("edge-list", [e], ImportOptions())


def test_active_column_answered_in_german(tmp_path):
    hr = _write(tmp_path / "hr.csv", "Personalnummer;Abteilung;Aktiv\n1;A;Ja\n2;A;Nein\n3;B;ja\n")
    assert list(_people(hr).index) == ["1", "3"]


QUALTRICS = ('StartDate,EndDate,ResponseId,RecipientEmail,ExternalReference,Q1_1,Q1_2,Q2\n'
             'Start Date,End Date,Response ID,Recipient Email,External Data Reference,'
             'Who do you go to for advice? - Colleague 1,Who do you go to for advice? - Colleague 2,Years here?\n'
             '"{""ImportId"":""startDate""}","{""ImportId"":""endDate""}","{""ImportId"":""_recordId""}",'
             '"{""ImportId"":""recipientEmail""}","{""ImportId"":""externalDataReference""}",'
             '"{""ImportId"":""QID1_1""}","{""ImportId"":""QID1_2""}","{""ImportId"":""QID2""}"\n'
             '2024-03-01 10:00,2024-03-01 10:05,R_1,a@x.example,E1,b@x.example,c@x.example,5\n'
             '2024-03-01 11:00,2024-03-01 11:05,R_2,b@x.example,E2,a@x.example,,3\n')


def test_qualtrics_answer_sheet_with_its_two_label_rows(tmp_path):
    hr = _write(tmp_path / "hr.csv", "Employee ID,Email,Department\nE1,a@x.example,X\nE2,b@x.example,X\n"
                "E3,c@x.example,Y\n")
    sheet = _write(tmp_path / "qualtrics.csv", QUALTRICS)
    got = read_export("network-survey", [sheet], ImportOptions(directory=(str(hr),)))
    assert _comm(got) == {("E1", "E2"): 1.0, ("E1", "E3"): 1.0, ("E2", "E1"): 1.0}
    assert "Qualtrics" in got.log.text() and set(got.communication["channel"]) == {"advice"}
