"""Real organisations, converted in the test to the data contract, load with the warnings one expects."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from orgkit import load_client

pytestmark = pytest.mark.realdata


def _krackhardt_matrix(path) -> pd.DataFrame:
    df = pd.read_csv(path, sep=r"\s+", header=None, names=["i", "j", "tie"])
    return df[df["tie"] == 1]


@pytest.fixture(scope="module")
def krackhardt_folder(shared_data, tmp_path_factory):
    src = shared_data / "krackhardt_hightech"
    attrs = pd.read_csv(src / "Krack-High-Tec-Attributes.csv")
    reports = _krackhardt_matrix(src / "Krack-High-Tec-edgelist-ReportsTo.txt")
    advice = _krackhardt_matrix(src / "Krack-High-Tec-edgelist-Advice.txt")
    manager = dict(zip(reports["i"], reports["j"]))
    people = pd.DataFrame({
        "ID": attrs["ID"],
        "DEPT": attrs["DEPT"].map(lambda d: "Executive" if d == 0 else f"Dept {d}"),
        "ReportsTo": attrs["ID"].map(manager).astype("Int64"),
        "LEVEL": attrs["LEVEL"],
    })
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
    src = shared_data / "manufacturing_email_hierarchy"
    tree = pd.read_csv(src / "reportsto.csv")
    mail = pd.read_csv(src / "communication.csv", sep=";")
    # Departments are not in the data: use the branch under the CEO as a proxy, computed with networkx.
    g = nx.DiGraph((m, e) for e, m in zip(tree["ID"], tree["ReportsToID"]) if e != m)
    branch = {86: "Board"}
    for head in g.successors(86):
        for person in nx.descendants(g, head) | {head}:
            branch[person] = f"Branch {head}"
    people = pd.DataFrame({"ID": tree["ID"], "ReportsToID": tree["ReportsToID"],
                           "Department": tree["ID"].map(branch)})
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
