"""Real organisations, converted in the test to the data contract, load with the warnings one expects."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from orgkit import load_client
from realdata import krackhardt_people, krackhardt_ties, manufacturer_mail, manufacturer_people

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def krackhardt_folder(shared_data, tmp_path_factory):
    attrs = pd.read_csv(shared_data / "krackhardt_hightech" / "Krack-High-Tec-Attributes.csv")
    reports = krackhardt_ties(shared_data, "ReportsTo")
    advice = krackhardt_ties(shared_data, "Advice")
    people = krackhardt_people(shared_data)
    folder = tmp_path_factory.mktemp("krackhardt")
    people.to_csv(folder / "people.csv", index=False)
    advice.rename(columns={"i": "asker", "j": "adviser"})[["asker", "adviser"]].to_csv(
        folder / "communication.csv", index=False)
    return folder, attrs, reports, advice


def test_krackhardt_loads(krackhardt_folder):
    folder, attrs, reports, advice = krackhardt_folder
    c = load_client(folder)
    assert c.n_people == 21
    assert c.has_hierarchy
    # one reporting tree rooted at manager 7 (the CEO), as networkx sees the reversed reports-to graph
    g = nx.DiGraph(zip(reports["j"], reports["i"]))
    assert nx.is_arborescence(g)
    root = next(n for n, d in g.in_degree() if d == 0)
    assert c.people.loc[c.people["manager_id"].isna(), "employee_id"].tolist() == [str(root)] == ["7"]
    assert len(c.communication) == len(advice) == 190
    codes = {w.code for w in c.warnings}
    # departments of 1 (the CEO's) and 3 and 4 people are under the default minimum group size of 5
    assert codes == {"small_department"}
    sizes = c.department_sizes()
    assert sizes.to_dict() == {"Dept 2": 8, "Dept 1": 5, "Dept 4": 4, "Dept 3": 3, "Executive": 1}
    assert c.hierarchy.layers == 3


@pytest.fixture(scope="module")
def manufacturing_folder(shared_data, tmp_path_factory):
    tree = pd.read_csv(shared_data / "manufacturing_email_hierarchy" / "reportsto.csv")
    mail = manufacturer_mail(shared_data)
    # Departments are not in the data: the branch under the CEO stands in for them.
    people = manufacturer_people(shared_data, label="Branch")
    folder = tmp_path_factory.mktemp("manufacturing")
    people.to_csv(folder / "people.csv", index=False)
    mail.to_csv(folder / "communication.csv", index=False, sep=";")
    return folder, tree, mail


def test_manufacturing_loads_with_expected_warnings(manufacturing_folder):
    folder, tree, mail = manufacturing_folder
    c = load_client(folder)
    assert c.n_people == 154
    codes = {w.code: w for w in c.warnings}
    # the CEO reports to itself in the source file: read as the top, with a warning
    assert codes["self_manager"].count == 1
    assert c.people.loc[c.people["manager_id"].isna(), "employee_id"].tolist() == ["86"]
    assert "several_tops" not in codes
    # e-mail of the 13 accounts outside the hierarchy is dropped and counted
    in_tree = set(tree["ID"])
    unknown = (~mail["Sender"].isin(in_tree) | ~mail["Recipient"].isin(in_tree)).sum()
    self_rows = ((mail["Sender"] == mail["Recipient"]) & mail["Sender"].isin(in_tree)).sum()
    assert c.dropped["communication"].get("unknown_people", 0) == unknown > 0
    assert c.dropped["communication"].get("self_rows", 0) == self_rows
    assert len(c.communication) == len(mail) - unknown - self_rows
    assert pd.api.types.is_datetime64_any_dtype(c.communication["timestamp"])
    assert c.hierarchy.layers == 6
    assert sorted(c.hierarchy.n_reports[c.hierarchy.n_reports > 0]) == sorted(
        pd.Series([m for e, m in zip(tree["ID"], tree["ReportsToID"]) if e != m]).value_counts().tolist())
