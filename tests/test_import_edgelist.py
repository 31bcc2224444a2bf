"""The edge-list format: tiny hand-computed cases and the published figures of real networks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from orgkit.errors import ExportFormatError
from orgkit.importers import ImportOptions, import_client, read_export

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _ties(tmp_path, text, name="advice.txt", **extra):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    imported = read_export("edge-list", [path], ImportOptions(extra=extra))
    return imported.communication, imported.log.text()


def test_header_weights_repeats_and_self_ties(tmp_path):
    ties, log = _ties(tmp_path, "from,to,weight\na,b,2\na,b,1.5\nb,a,1\nc,c,4\nc,a,0\n")
    assert ties.to_dict("list") == {"source_id": ["a", "b"], "target_id": ["b", "a"], "weight": [3.5, 1.0],
                                    "channel": ["advice", "advice"]}
    assert "dropped 1 self-ties" in log and "weight 0 or below" in log and "weights are added" in log


def test_headerless_pairs_and_channel(tmp_path):
    ties, log = _ties(tmp_path, "1 2\n1 2\n2 3\n", name="email.txt", channel="email")
    assert ties[["source_id", "target_id", "weight"]].values.tolist() == [["1", "2", 2.0], ["2", "3", 1.0]]
    assert set(ties["channel"]) == {"email"} and "no header" in log


def test_triple_list_zero_means_no_tie(tmp_path):
    text = "".join(f"{i} {j} {1 if (i, j) in {(1, 2), (3, 1)} else 0}\n" for i in (1, 2, 3) for j in (1, 2, 3))
    ties, log = _ties(tmp_path, text)
    assert ties[["source_id", "target_id"]].values.tolist() == [["1", "2"], ["3", "1"]]
    assert "full triple list (3 x 3 pairs)" in log


def test_not_an_edge_list(tmp_path):
    for name, content in (("a.txt", "<html><body>denied</body></html>"), ("b.txt", "just one column\nx\n")):
        (tmp_path / name).write_text(content, encoding="utf-8")
        with pytest.raises(ExportFormatError):
            read_export("edge-list", [tmp_path / name])
    (tmp_path / "c.txt").write_text("a,b,w\nx,y,lots\n", encoding="utf-8")
    with pytest.raises(ExportFormatError, match="not numbers"):
        read_export("edge-list", [tmp_path / "c.txt"])


needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data (real public data sets) is absent")


@needs_data
def test_krackhardt_advice_network_imported_with_its_published_figures(tmp_path):
    kr = DATA / "krackhardt_hightech"
    result = import_client("edge-list", [kr / "Krack-High-Tec-edgelist-Advice.txt"], tmp_path / "kr",
                           ImportOptions(directory=(kr / "Krack-High-Tec-Attributes.csv",), extra={"channel": "advice"}))
    assert result.counts == {"communication": 190, "people": 21}   # Krackhardt (1987): 190 advice ties
    ties = pd.read_csv(tmp_path / "kr" / "communication.csv", dtype=str)
    assert round(len(ties) / (21 * 20), 3) == 0.452                  # published density


@needs_data
def test_snap_email_eu_core_pairs(tmp_path):
    ties = read_export("edge-list", [DATA / "snap_email_eu_core" / "email-Eu-core.txt"]).communication
    assert len(ties) == 25_571 - 642                                  # edges minus self-loops (SNAP)


@needs_data
def test_ukfaculty_weighted_edges(tmp_path):
    ties = read_export("edge-list", [DATA / "ukfaculty_friendship" / "UKfaculty_edges.csv"]).communication
    assert len(ties) == 817                                           # Nepusz et al. (2008): 817 weighted edges
