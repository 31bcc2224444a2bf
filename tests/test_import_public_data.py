"""Public organisation data sets turned into client folders with `orgkit import` alone, checked against their
published figures (the ten minutes of pandas a consultant should not need). Skipped where ../shared/data is
absent; nothing is copied from it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orgkit.data.loading import load_client
from orgkit.errors import ExportFormatError
from orgkit.importers import ImportOptions, import_client

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data (real public data sets) is absent")


def _layers(people: pd.DataFrame) -> list[int]:
    parent = dict(zip(people["employee_id"], people["manager_id"].fillna("")))
    depth = {}
    for pid in people["employee_id"]:
        d, cur = 0, pid
        while parent.get(cur):
            cur, d = parent[cur], d + 1
        depth[pid] = d
    return np.bincount(list(depth.values())).tolist()


@needs_data
def test_krackhardt_from_its_published_files(tmp_path):
    kr = DATA / "krackhardt_hightech"
    out = tmp_path / "krackhardt"
    people = import_client("hris", [kr / "Krack-High-Tec-Attributes.csv", kr / "Krack-High-Tec-edgelist-ReportsTo.txt"],
                           out)
    assert people.counts == {"people": 21}
    import_client("network-survey", [kr / "Krack-High-Tec-edgelist-Advice.txt"], out)
    # another format's ties join them (by channel) instead of replacing them
    import_client("edge-list", [kr / "Krack-High-Tec-edgelist-Friendship.txt"], out,
                  ImportOptions(extra={"channel": "friendship"}))
    client = load_client(out)
    assert _layers(client.people) == [1, 4, 16]                       # the tree rooted at the CEO (#7)
    assert pd.isna(client.people.set_index("employee_id").loc["7", "manager_id"])
    ties = client.communication.groupby("channel").size().to_dict()
    assert ties == {"advice": 190, "friendship": 102}                  # Krackhardt (1987)
    from orgkit.areas.communication import message_log_evidence

    assert message_log_evidence(client.communication) == []            # two named networks, not a message log
    log = (out / "import.log").read_text(encoding="utf-8")
    assert "## hris" in log and "## network-survey" in log and "## edge-list" in log  # one section per format
    assert "190 ties of the network-survey import kept" in log
    # re-importing one format replaces its own ties only
    import_client("edge-list", [kr / "Krack-High-Tec-edgelist-Friendship.txt"], out,
                  ImportOptions(extra={"channel": "friendship"}))
    assert load_client(out).communication.groupby("channel").size().to_dict() == ties


def test_reports_to_relation_rules(tmp_path):
    attrs = tmp_path / "attrs.csv"
    attrs.write_text("ID,Dept\n" + "".join(f"{i},{'A' if i < 4 else 'B'}\n" for i in range(1, 7)), encoding="utf-8")
    pairs = tmp_path / "reports.txt"
    pairs.write_text("2 1\n3 1\n4 2\n5 2\n6 2\n", encoding="utf-8")
    imported = import_client("hris", [attrs, pairs], tmp_path / "a")
    people = pd.read_csv(tmp_path / "a" / "people.csv", dtype=str, keep_default_na=False)
    assert people["manager_id"].tolist() == ["", "1", "1", "2", "2", "2"]
    assert "the same people (100%" in imported.log
    matrix = tmp_path / "matrix.txt"
    m = np.zeros((5, 5), dtype=int)
    m[1, 0] = m[2, 0] = m[3, 1] = m[4, 1] = m[4, 2] = 1                # person 5 has two managers
    matrix.write_text("\n".join(" ".join(map(str, r)) for r in m) + "\n", encoding="utf-8")
    with pytest.raises(ExportFormatError, match="more than one manager"):
        import_client("hris", [attrs, matrix], tmp_path / "b")
    assert not (tmp_path / "b").exists()


def test_regional_extracts_are_appended(tmp_path):
    east, west = tmp_path / "east.csv", tmp_path / "west.csv"
    east.write_text("Employee ID,Department,Manager ID\n1,East,\n" + "".join(f"{i},East,1\n" for i in range(2, 7)),
                    encoding="utf-8")
    west.write_text("Employee ID,Department,Manager ID\n" + "".join(f"{i},West,1\n" for i in range(7, 13)),
                    encoding="utf-8")
    result = import_client("hris", [east, west], tmp_path / "c")
    assert result.counts == {"people": 12} and "rows appended" in result.log


@needs_data
def test_manufacturing_company_from_its_published_files(tmp_path):
    mf = DATA / "manufacturing_email_hierarchy"
    out = tmp_path / "manufacturer"
    import_client("hris", [mf / "reportsto.csv"], out)          # no department column: from the tree
    result = import_client("events", [mf / "communication.csv"], out)
    assert result.counts == {"communication": 5_783}           # Michalski et al.: 5,783 directed e-mail pairs
    client = load_client(out)
    assert len(client.people) == 154
    assert _layers(client.people) == [1, 11, 64, 33, 44, 1]     # the published reports-to tree
    assert client.people["department"].nunique() == 11          # 10 branches with people under the 11 directors + leadership
    log = (out / "import.log").read_text(encoding="utf-8")
    assert "82,927 records" in log and "dropped 51 message-recipient pairs" in log
