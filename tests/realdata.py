"""Public organisations from ``../shared/data``, turned into orgkit's data contract as a consultant would.

One conversion per data set, shared by the tests that read it (they skip through the ``shared_data`` fixture
when the folder is absent). Nothing here is copied into the project: the files are read where they are.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

__all__ = ["krackhardt_people", "krackhardt_ties", "manufacturer_mail", "manufacturer_people"]


def manufacturer_people(shared_data: Path, label: str = "Division") -> pd.DataFrame:
    """The manufacturer's reports-to tree (Michalski et al.), departments named after the branch under the CEO.

    The data has no departments: each person's department is ``"<label> <head>"``, the head being the CEO's
    direct report whose branch holds them; the CEO (#86) is ``"Board"``. Columns as the export would name them:
    ``ID``, ``ReportsToID``, ``Department``.
    """
    tree = pd.read_csv(shared_data / "manufacturing_email_hierarchy" / "reportsto.csv")
    g = nx.DiGraph((m, e) for e, m in zip(tree["ID"], tree["ReportsToID"]) if e != m)
    branch = {86: "Board"}
    for head in g.successors(86):
        for person in nx.descendants(g, head) | {head}:
            branch[person] = f"{label} {head}"
    return pd.DataFrame({"ID": tree["ID"], "ReportsToID": tree["ReportsToID"], "Department": tree["ID"].map(branch)})


def manufacturer_mail(shared_data: Path) -> pd.DataFrame:
    """The manufacturer's 82,927 e-mails as given (``Sender``, ``Recipient``, ``EventDate``)."""
    return pd.read_csv(shared_data / "manufacturing_email_hierarchy" / "communication.csv", sep=";")


def krackhardt_ties(shared_data: Path, relation: str) -> pd.DataFrame:
    """One of Krackhardt's high-tech relations (``ReportsTo``, ``Advice``, ``Friendship``) as ties ``i`` -> ``j``."""
    path = shared_data / "krackhardt_hightech" / f"Krack-High-Tec-edgelist-{relation}.txt"
    m = pd.read_csv(path, sep=r"\s+", header=None, names=["i", "j", "tie"])
    return m[m["tie"] == 1].reset_index(drop=True)


def krackhardt_people(shared_data: Path) -> pd.DataFrame:
    """Krackhardt's 21 managers: ``ID``, ``DEPT`` (``"Executive"`` for the CEO, else ``"Dept <n>"``),
    ``ReportsTo`` (the reports-to relation) and ``LEVEL``."""
    attrs = pd.read_csv(shared_data / "krackhardt_hightech" / "Krack-High-Tec-Attributes.csv")
    reports = krackhardt_ties(shared_data, "ReportsTo")
    manager = dict(zip(reports["i"], reports["j"]))
    return pd.DataFrame({
        "ID": attrs["ID"],
        "DEPT": attrs["DEPT"].map(lambda d: "Executive" if d == 0 else f"Dept {d}"),
        "ReportsTo": attrs["ID"].map(manager).astype("Int64"),
        "LEVEL": attrs["LEVEL"],
    })
