"""The ``viva`` format: Viva Insights organisational data and person-to-person queries, ties computed by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from orgkit.errors import ConfigError, ExportFormatError
from orgkit.importers.base import ImportLog, ImportOptions
from orgkit.importers.formats import get_format
from orgkit.importers.platforms.viva import classify, read_viva

# Viva's pseudonymised PersonId hashes (invented)
A, B, C, D, E = ("a1f3e9", "b7c2d4", "c9e8f1", "d4a6b2", "e2b9c7")
ORG = (
    "PersonId,ManagerId,Organization,LevelDesignation,FunctionType,HireDate,Layer,SupervisorIndicator,Region,"
    "HourlyRate\n"
    f"{A},,Leadership,Executive,Management,1/15/2015,0,Manager+,EMEA,120\n"
    f"{B},{A},Sales,Senior IC,Sales,3/25/2019,1,Manager,EMEA,80\n"
    f"{C},{B},Sales,Junior IC,Sales,11/2/2021,2,Individual Contributor,EMEA,45\n"
    f"{D},{A},Engineering,Senior IC,Engineering,6/7/2018,1,Manager,APAC,90\n"
    f"{E},{D},Engineering,Junior IC,Engineering,2/28/2022,2,Individual Contributor,APAC,40\n"
)
P2P = (
    "PrimaryCollaborator_PersonId,SecondaryCollaborator_PersonId,MetricDate,Collaboration_hours,Meeting_hours,"
    "Email_hours,Meetings,PrimaryCollaborator_Organization\n"
    f"{B},{C},1/7/2024,2.5,2.0,0.5,3,Sales\n"
    f"{B},{C},1/14/2024,1.5,1.0,0.5,2,Sales\n"
    f"{C},{B},1/7/2024,2.5,2.0,0.5,3,Sales\n"
    f"{B},{D},1/14/2024,0.75,0.5,0.25,1,Sales\n"
    f"{D},{E},1/21/2024,4,3,1,4,Engineering\n"
    f"{E},{D},1/21/2024,0,0,0,0,Engineering\n"
    f"{E},{E},1/21/2024,1,1,0,1,Engineering\n"
)


def files(tmp_path, org=ORG, p2p=P2P):
    out = []
    if org is not None:
        (tmp_path / "OrgData.csv").write_text(org, encoding="utf-8")
        out.append(tmp_path / "OrgData.csv")
    if p2p is not None:
        (tmp_path / "p2p_query.csv").write_text(p2p, encoding="utf-8")
        out.append(tmp_path / "p2p_query.csv")
    return out


def ties(imported):
    c = imported.communication
    return {(s, t, ch): round(w, 9) for s, t, ch, w in zip(c["source_id"], c["target_id"], c["channel"],
                                                           c["weight"])}


def test_classified_by_headers():
    assert classify(pd.DataFrame(columns=["PersonId", "ManagerId", "Organization"])) == "org"
    assert classify(pd.DataFrame(columns=["PrimaryCollaborator_PersonId", "SecondaryCollaborator_PersonId"])) == "p2p"
    assert classify(pd.DataFrame(columns=["PersonId", "MetricDate", "Collaboration_hours"])) == "person"
    assert classify(pd.DataFrame(columns=["Employee", "Manager"])) == ""


def test_collaboration_hours_by_default(tmp_path):
    log = ImportLog()
    got = read_viva(files(tmp_path), ImportOptions(), log)
    assert get_format("viva").reader is read_viva
    assert ties(got) == {(B, C, "collaboration_hours"): 4.0, (C, B, "collaboration_hours"): 2.5,
                         (B, D, "collaboration_hours"): 0.75, (D, E, "collaboration_hours"): 4.0}
    text = log.text()
    assert "Collaboration_hours summed over the weeks" in text
    assert "dropped 1 rows: a person paired with themselves" in text
    assert "dropped 1 pairs: the metric sums to 0" in text
    assert "4 of 4 collaborators of the query are in the organisational data" in text


def test_chosen_metric_and_window(tmp_path):
    opts = ImportOptions(extra={"metric": "meetings"}, since=dt.datetime(2024, 1, 10), until=dt.datetime(2024, 1, 20))
    got = read_viva(files(tmp_path, org=None), opts, ImportLog())
    # weeks of 14 January only
    assert ties(got) == {(B, C, "meetings"): 2.0, (B, D, "meetings"): 1.0}
    assert got.people is None
    with pytest.raises(ConfigError, match="Meeting_hours"):
        read_viva(files(tmp_path, org=None), ImportOptions(extra={"metric": "Focus_hours"}), ImportLog())


def test_no_metric_counts_weeks(tmp_path):
    p2p = ("PrimaryCollaborator_PersonId,SecondaryCollaborator_PersonId,MetricDate\n"
           f"{A},{B},1/7/2024\n{A},{B},1/14/2024\n{B},{A},1/14/2024\n")
    got = read_viva(files(tmp_path, org=None, p2p=p2p), ImportOptions(), ImportLog())
    assert ties(got) == {(A, B, "viva"): 2.0, (B, A, "viva"): 1.0}


def test_organisational_data_to_people(tmp_path):
    log = ImportLog()
    got = read_viva(files(tmp_path, p2p=None), ImportOptions(), log)
    p = got.people.set_index("employee_id")
    assert p.loc[C, "manager_id"] == B and p.loc[A, "manager_id"] == ""
    assert p.loc[E, "department"] == "Engineering" and p.loc[B, "level"] == "Senior IC"
    assert p.loc[D, "location"] == "APAC"
    # m/d/yyyy: 25 March and 28 February settle the order
    assert p.loc[B, "hire_date"] == pd.Timestamp("2019-03-25") and p.loc[C, "hire_date"] == pd.Timestamp("2021-11-02")
    assert p.loc[E, "FunctionType"] == "Engineering" and p.loc[C, "SupervisorIndicator"] == "Individual Contributor"
    assert "HourlyRate" not in got.people.columns and "dropped 5 HourlyRate values" in log.text()
    assert got.communication is None


def test_latest_effective_date_per_person(tmp_path):
    org = ("PersonId,ManagerId,Organization,EffectiveDate\n"
           f"{A},,HQ,1/1/2024\n{B},{A},Sales,1/1/2024\n{B},{A},Marketing,3/1/2024\n{B},{A},Finance,6/1/2024\n")
    got = read_viva(files(tmp_path, org=org, p2p=None), ImportOptions(), ImportLog())
    assert got.people.set_index("employee_id").loc[B, "department"] == "Finance"
    got = read_viva(files(tmp_path, org=org, p2p=None), ImportOptions(until=dt.datetime(2024, 5, 1)), ImportLog())
    assert got.people.set_index("employee_id").loc[B, "department"] == "Marketing"


def test_end_to_end_client_folder(tmp_path):
    from orgkit.importers import import_client

    src = tmp_path / "src"
    src.mkdir()
    result = import_client("viva", files(src), tmp_path / "client", ImportOptions())
    people = pd.read_csv(tmp_path / "client" / "people.csv", dtype=str)
    assert set(people.columns) >= {"employee_id", "department", "manager_id", "FunctionType"}
    assert "HourlyRate" not in people.columns
    comm = pd.read_csv(tmp_path / "client" / "communication.csv", dtype=str)
    assert len(comm) == 4 and "validates" in result.log


# ---- bad exports --------------------------------------------------------------------------------
def test_refuses_wrong_headers(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("Employee,Boss\n1,2\n", encoding="utf-8")
    with pytest.raises(ExportFormatError, match="x.csv.*Viva Insights export.*Employee, Boss"):
        read_viva([p], ImportOptions(), ImportLog())


def test_refuses_a_person_query(tmp_path):
    p = tmp_path / "person.csv"
    p.write_text(f"PersonId,MetricDate,Collaboration_hours\n{A},1/7/2024,20\n", encoding="utf-8")
    with pytest.raises(ExportFormatError, match="person query"):
        read_viva([p], ImportOptions(), ImportLog())


def test_refuses_text_in_a_metric(tmp_path):
    p2p = P2P.replace("0.75", "n/a")
    with pytest.raises(ExportFormatError, match="Collaboration_hours.*first on row 5"):
        read_viva(files(tmp_path, org=None, p2p=p2p), ImportOptions(), ImportLog())


def test_refuses_an_html_page(tmp_path):
    p = tmp_path / "query.csv"
    p.write_text("<!DOCTYPE html><html><body>Sign in</body></html>", encoding="utf-8")
    with pytest.raises(ExportFormatError, match="web page"):
        read_viva([p], ImportOptions(), ImportLog())


def test_day_first_when_asked(tmp_path):
    org = f"PersonId,ManagerId,Organization,HireDate\n{A},,HQ,3/4/2019\n{B},{A},Sales,5/6/2020\n"
    month = read_viva(files(tmp_path, org=org, p2p=None), ImportOptions(), ImportLog()).people
    day = read_viva(files(tmp_path, org=org, p2p=None), ImportOptions(dayfirst=True), ImportLog()).people
    assert month.set_index("employee_id").loc[A, "hire_date"] == pd.Timestamp("2019-03-04")
    assert day.set_index("employee_id").loc[A, "hire_date"] == pd.Timestamp("2019-04-03")
