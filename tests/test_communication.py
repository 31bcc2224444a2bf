"""Tests of orgkit.areas.communication: hand-computed tiny graphs, privacy, and two public data sets."""

from __future__ import annotations

import json
import math
import time

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from orgkit.areas.communication import (
    OTHER_GROUP,
    SCORE_WEIGHTS,
    analyze_communication,
    betweenness_sample_size,
    brokers,
    build_edges,
    density,
    department_matrix,
    department_ties,
    detect_communities,
    ei_index,
    expected_ei_index,
    department_communities,
    formal_informal_overlap,
    message_log_evidence,
    message_volume,
    modularity,
    period_covered,
    select_ties,
    normalized_mutual_information,
    reciprocity,
    silos,
)
from orgkit.errors import ConfigError
from orgkit.data.loading import from_frames


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------
def make_people(departments: dict[str, list[str]], managers: dict[str, str | None] | None = None) -> pd.DataFrame:
    rows = [(p, d) for d, members in departments.items() for p in members]
    people = pd.DataFrame(rows, columns=["employee_id", "department"])
    if managers is not None:
        people["manager_id"] = [managers.get(p) for p in people["employee_id"]]
    return people


def make_rows(pairs: list[tuple[str, str]], weights: list[float] | None = None) -> pd.DataFrame:
    rows = pd.DataFrame(pairs, columns=["source_id", "target_id"])
    if not pairs:
        rows = pd.DataFrame({"source_id": pd.Series(dtype="str"), "target_id": pd.Series(dtype="str")})
    rows["weight"] = weights if weights is not None else 1.0
    return rows


def make_client(people, rows=None, min_group_size=1, **thresholds):
    """A validated client through the loader's in-memory entry point (``thresholds``: client.yml overrides,
    ``__`` for ``.``: ``communication__tie__min_messages=1``)."""
    settings = {"min_group_size": min_group_size}
    if thresholds:
        settings["thresholds"] = {k.replace("__", "."): v for k, v in thresholds.items()}
    return from_frames(people, communication=rows, settings=settings)


def edges_of(people, pairs):
    return build_edges(people, make_rows(pairs))


def clique(names):
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]


TWO_CLIQUES = make_people({"A": ["a1", "a2", "a3", "a4"], "B": ["b1", "b2", "b3", "b4"]})
TWO_CLIQUE_PAIRS = clique(["a1", "a2", "a3", "a4"]) + clique(["b1", "b2", "b3", "b4"]) + [("a1", "b1")]

# A star: hub h (dept X) with leaves x1, x2 (X) and y1, y2 (Y).
STAR = make_people({"X": ["h", "x1", "x2"], "Y": ["y1", "y2"]})
STAR_PAIRS = [("h", "x1"), ("h", "x2"), ("y1", "h"), ("h", "y2")]


# --------------------------------------------------------------------------------------------------
# Small metric functions
# --------------------------------------------------------------------------------------------------
def test_density_values():
    assert density(4, 3) == 0.5  # 3 of 4*3/2 = 6 pairs
    assert density(2, 1) == 1.0
    assert density(1, 0) == 0.0
    assert density(0, 0) == 0.0
    assert density(10, 0) == 0.0


def test_ei_index_values():
    assert ei_index(1, 12) == pytest.approx(-11 / 13)
    assert ei_index(3, 0) == 1.0
    assert ei_index(0, 3) == -1.0
    assert ei_index(0, 0) is None


def test_expected_ei_index():
    # Two departments of 4: inside ordered pairs 2 * 4 * 3 = 24 of 8 * 7 = 56 -> 1 - 48/56 = 1/7.
    assert expected_ei_index([4, 4]) == pytest.approx(1 / 7)
    assert expected_ei_index([5]) == -1.0  # one department: every tie is inside
    assert expected_ei_index([1, 1, 1]) == 1.0  # only one-person departments: every tie leaves
    assert expected_ei_index([1]) is None
    assert expected_ei_index([]) is None


def test_modularity_values():
    # Two 4-cliques and a bridge: m = 13, I = 6 + 6, D = 13 + 13 -> 12/13 - 2 * (13/26)^2.
    assert modularity([6, 6], [13, 13]) == pytest.approx(12 / 13 - 0.5)
    assert modularity([3], [6]) == pytest.approx(0.0)  # one group: 3/3 - 1
    assert modularity([0, 0], [0, 0]) is None
    with pytest.raises(ConfigError):
        modularity([1, 2], [3])


def test_normalized_mutual_information_hand_case():
    assert normalized_mutual_information([0, 0, 1, 1], ["x", "x", "y", "y"]) == pytest.approx(1.0)
    assert normalized_mutual_information([0, 0, 1, 1], ["x", "y", "x", "y"]) == pytest.approx(0.0)
    assert normalized_mutual_information([0, 0], ["x", "x"]) == 1.0
    assert normalized_mutual_information([0, 1], ["x", "x"]) == 0.0
    assert normalized_mutual_information([], []) is None
    # a = 0 0 0 1, b = 0 0 1 1: n_00 = 2, n_01 = 1, n_11 = 1; a sizes 3/1, b sizes 2/2.
    mi = 0.5 * math.log(0.5 / (0.75 * 0.5)) + 0.25 * math.log(0.25 / (0.75 * 0.5)) + 0.25 * math.log(0.25 / (0.25 * 0.5))
    ha = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    hb = math.log(2)
    assert normalized_mutual_information([0, 0, 0, 1], [0, 0, 1, 1]) == pytest.approx(2 * mi / (ha + hb))


def test_build_edges_aggregates_both_directions():
    people = make_people({"X": ["a", "b"], "Y": ["c"]})
    rows = make_rows([("b", "a"), ("a", "b"), ("a", "c"), ("a", "b")], [1.0, 2.0, 0.5, 1.5])
    e = build_edges(people, rows)
    assert e[["u", "v"]].values.tolist() == [["a", "b"], ["a", "c"]]
    assert e["weight"].tolist() == [4.5, 0.5]
    assert e["n_rows"].tolist() == [3, 1]
    assert pd.api.types.is_string_dtype(e["u"]) and e["n_rows"].dtype == np.int64


def test_build_edges_ignores_unknown_and_self_rows(caplog):
    people = make_people({"X": ["a", "b"]})
    rows = make_rows([("a", "b"), ("a", "a"), ("a", "zz")])
    with caplog.at_level("WARNING", logger="orgkit.areas.communication"):
        e = build_edges(people, rows)
    assert len(e) == 1 and e["n_rows"].tolist() == [1]
    assert "1 rows naming people not in people and 1 self-rows" in caplog.text


def test_build_edges_without_communication():
    assert len(build_edges(STAR, None)) == 0
    assert list(build_edges(STAR, None).columns) == ["u", "v", "weight", "n_rows"]


def test_reciprocity_tiny_directed():
    # Distinct ordered pairs a->b, b->a, a->c, c->d (a->c twice counts once): a->b and b->a reciprocated.
    rows = make_rows([("a", "b"), ("b", "a"), ("a", "c"), ("a", "c"), ("c", "d")])
    assert reciprocity(rows) == pytest.approx(2 / 4)
    assert reciprocity(make_rows([("a", "b"), ("b", "a")])) == 1.0
    assert reciprocity(make_rows([("a", "b")])) == 0.0
    assert reciprocity(make_rows([])) is None
    assert reciprocity(None) is None
    people = make_people({"X": ["a", "b", "c", "d"]})
    assert analyze_communication(make_client(people, rows)).metrics["reciprocity"] == pytest.approx(0.5)


def test_formal_informal_overlap_hand_case():
    # Reporting lines {a-b, a-c, b-d}; ties {a-b, b-c, c-d}: only a-b is both.
    people = make_people({"X": ["a", "b", "c", "d"]}, managers={"b": "a", "c": "a", "d": "b"})
    out = formal_informal_overlap(people, edges_of(people, [("b", "a"), ("b", "c"), ("c", "d")]))
    assert out == {
        "reporting_lines": 3,
        "ties_on_reporting_lines": 1,
        "ties_along_reporting_lines": pytest.approx(1 / 3),
        "reporting_lines_with_tie": pytest.approx(1 / 3),
    }
    no_hierarchy = make_people({"X": ["a", "b"]})
    out = formal_informal_overlap(no_hierarchy, edges_of(no_hierarchy, [("a", "b")]))
    assert all(v is None for v in out.values())


def test_silos_rule_both_conditions():
    t = pd.DataFrame({
        "department": ["inward", "large", "small_team", "tiny", "no_ties"],
        "size": [10, 60, 5, 2, 8],
        # large: expected -0.2, observed -0.65 -> gap 0.45 < 0.5 although share 0.175 < 0.2.
        # small_team: expected +0.58, observed 0.0 -> gap 0.58 > 0.5 but half its ties leave.
        "ei_index": [-0.8, -0.65, 0.0, -1.0, np.nan],
        "ei_index_expected": [0.8, -0.2, 0.58, 0.9, 0.8],
        "external_share": [0.1, 0.175, 0.5, 0.0, np.nan],
    })
    out = silos(t, min_group_size=5)
    assert out["department"].tolist() == ["inward"]
    assert out["ei_gap"].tolist() == pytest.approx([1.6])
    assert silos(t, min_group_size=5, margin=0.4)["department"].tolist() == ["inward", "large"]


def test_betweenness_sample_size_rule():
    assert betweenness_sample_size(2000, 10_000) is None
    assert betweenness_sample_size(2001, 1000) == 500
    assert betweenness_sample_size(100_000, 1_000_000) == 200
    assert betweenness_sample_size(100_000, 10_000_000) == 100  # floor
    assert betweenness_sample_size(3000, 100) == 500


# --------------------------------------------------------------------------------------------------
# analyze_communication on named tiny cases
# --------------------------------------------------------------------------------------------------
def test_no_communication_table():
    r = analyze_communication(make_client(STAR))
    assert r.metrics["available"] is False and "communication" in r.metrics["reason"]
    assert r.score is None and not r.available
    assert r.brokers.empty and r.departments.empty and r.edges.empty
    json.dumps(r.metrics, allow_nan=False)


def test_empty():
    r = analyze_communication(make_client(STAR, make_rows([])))
    m = r.metrics
    assert m["available"] is True
    assert m["edges"] == 0 and m["density"] == 0.0
    assert m["ei_index"] is None and m["ei_index_weighted"] is None and m["modularity"] is None
    assert m["reciprocity"] is None and m["community_department_nmi"] is None
    assert m["isolates"] == 5 and m["isolate_share"] == 1.0
    assert m["ei_index_expected"] == pytest.approx(1 - 2 * (3 * 2 + 2 * 1) / (5 * 4))
    assert m["brokers"] == [] and r.brokers.empty
    assert r.score is None
    assert r.matrix_ties.to_numpy().sum() == 0


def test_one_person_department():
    people = make_people({"X": ["a", "b", "c"], "Z": ["z"]})
    table = department_ties(people, edges_of(people, [("a", "b"), ("z", "a")])).set_index("department")
    assert math.isnan(table.loc["Z", "density"])  # n_d = 1: no pair
    assert table.loc["Z", "ei_index"] == 1.0  # its one tie leaves it
    assert table.loc["Z", "ei_index_expected"] == 1.0  # 1 - 2 * 0 / 3
    assert table.loc["X", "density"] == pytest.approx(1 / 3)  # 1 of 3 pairs
    m = analyze_communication(make_client(people, make_rows([("a", "b"), ("z", "a")]))).metrics
    assert m["departments"]["Z"]["density"] is None
    assert m["departments"]["Z"]["ei_index"] == 1.0


def test_star():
    r = analyze_communication(make_client(STAR, make_rows(STAR_PAIRS)))
    m = r.metrics
    assert m["edges"] == 4 and m["people"] == 5
    assert m["density"] == pytest.approx(2 * 4 / (5 * 4))
    # Inside X: h-x1, h-x2 (I = 2); h-y1, h-y2 cross (E = 2).
    assert m["ei_index"] == 0.0
    # D_X = 2*2 + 2 = 6, D_Y = 2, m = 4: Q = 2/4 - (6/8)^2 + 0 - (2/8)^2.
    assert m["modularity"] == pytest.approx(0.5 - 0.5625 - 0.0625)
    assert m["departments"]["X"]["density"] == pytest.approx(2 / 3)
    assert m["departments"]["Y"]["density"] == 0.0
    assert m["departments"]["Y"]["ei_index"] == 1.0
    assert m["departments"]["X"]["ei_index_expected"] == pytest.approx(1 - 2 * 2 / 4)
    assert m["departments"]["Y"]["ei_index_expected"] == pytest.approx(1 - 2 * 1 / 4)
    assert m["isolates"] == 0 and m["largest_component_share"] == 1.0
    # The hub is on all 6 leaf pairs: 2 * 6 / ((5-1)(5-2)) = 1; leaves are on none.
    assert m["brokers"] == [{"employee_id": "h", "department": "X", "betweenness": 1.0, "departments_reached": 1}]
    assert r.brokers["degree"].tolist() == [4]
    assert m["reciprocity"] == 0.0  # every tie listed once, one way


def test_two_cliques_one_bridge():
    rows = make_rows(TWO_CLIQUE_PAIRS, [1.0] * 12 + [5.0])
    # weights 1 and 5 read as message counts: a tie needs 2 by default, so ask for every pair here
    r = analyze_communication(make_client(TWO_CLIQUES, rows, min_group_size=4,
                                          communication__tie__min_messages=1))
    m = r.metrics
    # n = 8, m = 6 + 6 + 1 = 13: density 26/56; I = 12, E = 1.
    assert m["edges"] == 13
    assert m["density"] == pytest.approx(26 / 56)
    assert m["ei_index"] == pytest.approx((1 - 12) / 13)
    assert m["ei_index_expected"] == pytest.approx(1 / 7)
    assert m["ei_index_weighted"] == pytest.approx((5 - 12) / 17)
    assert m["modularity"] == pytest.approx(12 / 13 - 2 * (13 / 26) ** 2)
    dept_a = m["departments"]["A"]
    assert dept_a["density"] == 1.0  # 6 of 6 pairs
    assert dept_a["ei_index"] == pytest.approx((1 - 6) / 7)
    assert dept_a["ei_index_expected"] == pytest.approx(1 - 2 * 3 / 7)
    assert dept_a["external_share"] == pytest.approx(1 / 7)
    # Silo: gap 1/7 + 5/7 = 6/7 > 0.5 and external share 1/7 < 0.2, for both cliques.
    assert m["silos"] == ["A", "B"] and dept_a["silo"] is True
    # Bridge ends a1 and b1 each lie on 3 * 4 = 12 of the 28 pairs: 2 * 12 / (7 * 6).
    assert [b["employee_id"] for b in m["brokers"]] == ["a1", "b1"]
    assert [b["betweenness"] for b in m["brokers"]] == pytest.approx([24 / 42, 24 / 42])
    assert [b["departments_reached"] for b in m["brokers"]] == [1, 1]
    assert r.matrix_ties.to_numpy().tolist() == [[6, 1], [1, 6]]
    assert r.matrix.to_numpy() == pytest.approx(np.array([[1.0, 1 / 16], [1 / 16, 1.0]]))
    assert r.matrix_weighted.to_numpy() == pytest.approx(np.array([[6.0, 5.0], [5.0, 6.0]]))
    assert m["communities"] == 2 and m["community_department_nmi"] == pytest.approx(1.0)
    assert m["communities_method"] == "louvain"
    # Score: openness (1 + EI)/(1 + EI_exp) = (2/13)/(8/7); everyone in a silo; no isolates; connected.
    openness = (2 / 13) / (8 / 7)
    c = r.score_components
    assert c["openness"]["value"] == pytest.approx(openness)
    assert c["no_silos"]["value"] == 0.0 and c["no_isolates"]["value"] == 1.0
    assert c["connectedness"]["value"] == 1.0
    expected = 100 * (0.4 * openness + 0.3 * 0 + 0.2 * 1 + 0.1 * 1)
    assert sum(SCORE_WEIGHTS.values()) == pytest.approx(1.0)
    assert r.score == pytest.approx(round(expected, 1))


def test_betweenness_sampling_options():
    client = make_client(TWO_CLIQUES, make_rows(TWO_CLIQUE_PAIRS))
    m = analyze_communication(client).metrics
    assert m["betweenness_sampled"] is False and m["betweenness_sources"] == 8
    m = analyze_communication(client, betweenness_sample=3, seed=1).metrics
    assert m["betweenness_sampled"] is True and m["betweenness_sources"] == 3
    r = analyze_communication(client, betweenness_sample=0)
    assert r.metrics["betweenness_sources"] == 0 and r.metrics["betweenness_sampled"] is False
    assert r.metrics["brokers"] == [] and r.brokers.empty
    with pytest.raises(ConfigError):
        analyze_communication(client, betweenness_sample=-1)


def test_silo_only_where_constructed():
    # A: 5 people all tied inside, one tie out; B and C: rings that each send 3 ties out.
    people = make_people({"A": [f"a{i}" for i in range(5)], "B": [f"b{i}" for i in range(5)],
                          "C": [f"c{i}" for i in range(5)]})
    ring = lambda p: [(f"{p}{i}", f"{p}{(i + 1) % 5}") for i in range(5)]  # noqa: E731
    pairs = clique([f"a{i}" for i in range(5)]) + ring("b") + ring("c")
    pairs += [("a0", "b0"), ("b1", "c1"), ("b2", "c2"), ("c3", "b3")]
    r = analyze_communication(make_client(people, make_rows(pairs), min_group_size=5))
    # A: I = 10, E = 1 -> share 1/11 < 0.2; EI = -9/11 vs expected 1 - 2*4/14 = 3/7: gap 1.25.
    # B: I = 5, E = 4 -> share 4/9 > 0.2: not a silo.
    assert r.metrics["silos"] == ["A"]
    assert r.silos["department"].tolist() == ["A"]
    assert r.silos["ei_gap"].tolist() == pytest.approx([3 / 7 + 9 / 11])
    assert r.departments.set_index("department")["silo"].tolist() == [True, False, False]


def test_isolates_and_components():
    people = make_people({"X": ["a", "b", "c", "d", "e", "f"]})
    r = analyze_communication(make_client(people, make_rows([("a", "b"), ("b", "c"), ("d", "e")])))
    m = r.metrics
    assert m["isolates"] == 1 and m["isolate_share"] == pytest.approx(1 / 6)
    assert m["largest_component_share"] == pytest.approx(3 / 5)  # {a, b, c} of 5 connected people
    assert m["ei_index"] == -1.0 and m["ei_index_expected"] == -1.0  # one department
    assert r.score_components["openness"]["value"] is None  # nothing to compare with


def test_suppression_of_small_department_everywhere():
    # A and B: 5-cliques; S (2 people) bridges them: s1 is tied to a0, b0 and s2.
    people = make_people({"A": [f"a{i}" for i in range(5)], "B": [f"b{i}" for i in range(5)],
                          "S": ["s1", "s2"]})
    people["name"] = [f"Person {i}" for i in range(len(people))]
    pairs = clique([f"a{i}" for i in range(5)]) + clique([f"b{i}" for i in range(5)])
    pairs += [("s1", "a0"), ("s1", "b0"), ("s1", "s2")]
    r = analyze_communication(make_client(people, make_rows(pairs), min_group_size=5))
    m = r.metrics
    assert m["departments"]["S"] == {"size": None, "suppressed": True}
    row = r.departments.set_index("department").loc["S"]
    assert bool(row["suppressed"]) and pd.isna(row["silo"])
    numeric = [c for c in r.departments.columns if pd.api.types.is_numeric_dtype(r.departments[c])
               and not pd.api.types.is_bool_dtype(r.departments[c])]
    assert row[numeric].isna().all()
    # S alone (2 people) could be recovered as the total minus A and B: the smaller of the two, A (ties
    # broken by name), is suppressed too (complementary suppression), B stays visible.
    d = r.departments.set_index("department")
    assert bool(d.loc["A", "suppressed"]) and not bool(d.loc["B", "suppressed"])
    assert m["departments"]["A"] == {"size": None, "suppressed": True}
    assert m["departments"]["B"]["size"] == 5 and m["departments"]["B"]["density"] == 1.0
    # The bucket of small departments has 2 < 5 people: dropped from every matrix.
    for mat in (r.matrix, r.matrix_ties, r.matrix_weighted):
        assert list(mat.index) == ["A", "B"] and list(mat.columns) == ["A", "B"]
    # s1 is the top broker; their department is not named.
    assert r.brokers["employee_id"].iloc[0] == "s1"
    assert r.brokers["department"].iloc[0] == OTHER_GROUP
    assert m["brokers"][0]["department"] == OTHER_GROUP
    assert "S" not in set(r.brokers["department"]) and "S" not in m["silos"]
    text = json.dumps(m, allow_nan=False) + r.brokers.to_csv() + r.edges.to_csv() + r.departments.to_csv()
    assert "Person" not in text  # ids only, never names
    json.dumps(r.score_components, allow_nan=False)


def test_small_departments_merged_into_other_bucket():
    people = make_people({"A": [f"a{i}" for i in range(5)], "S1": ["s1", "s2", "s3"], "S2": ["t1", "t2", "t3"]})
    pairs = clique([f"a{i}" for i in range(5)]) + [("s1", "s2"), ("s1", "t1"), ("t1", "a0"), ("s3", "a1")]
    r = analyze_communication(make_client(people, make_rows(pairs), min_group_size=5))
    assert list(r.matrix_ties.index) == ["A", OTHER_GROUP]
    # Inside the bucket (6 people): s1-s2 and s1-t1; bucket to A: t1-a0, s3-a1.
    assert r.matrix_ties.to_numpy().tolist() == [[10, 2], [2, 2]]
    assert r.matrix.loc[OTHER_GROUP, OTHER_GROUP] == pytest.approx(2 / 15)
    assert r.matrix.loc["A", OTHER_GROUP] == pytest.approx(2 / 30)
    assert r.departments.set_index("department").loc[["S1", "S2"], "suppressed"].all()
    unbucketed = department_matrix(people, build_edges(people, make_rows(pairs)))
    assert list(unbucketed.index) == ["A", "S1", "S2"]


def test_department_ties_and_matrix_functions():
    e = edges_of(TWO_CLIQUES, TWO_CLIQUE_PAIRS)
    t = department_ties(TWO_CLIQUES, e).set_index("department")
    assert t.loc["A", ["internal_ties", "external_ties", "degree_sum"]].tolist() == [6, 1, 13]
    assert modularity(t["internal_ties"], t["degree_sum"]) == pytest.approx(12 / 13 - 0.5)
    d = department_matrix(TWO_CLIQUES, e, value="density")
    assert d.loc["A", "B"] == pytest.approx(1 / 16)
    with pytest.raises(ConfigError):
        department_matrix(TWO_CLIQUES, e, value="nope")


def test_detect_communities_two_cliques():
    people = make_people({"A": ["a1", "a2", "a3", "a4"], "B": ["b1", "b2", "b3", "b4"], "C": ["lonely"]})
    labels = detect_communities(people, edges_of(people, TWO_CLIQUE_PAIRS))
    assert labels.tolist()[:8] == [0, 0, 0, 0, 1, 1, 1, 1]
    assert pd.isna(labels.iloc[8])


# --------------------------------------------------------------------------------------------------
# Against networkx
# --------------------------------------------------------------------------------------------------
def random_case(n=60, m=150, seed=1, isolated=3):
    g = nx.gnm_random_graph(n, m, seed=seed)
    g.add_nodes_from(range(n, n + isolated))
    rng = np.random.default_rng(seed)
    dept = rng.integers(0, 4, g.number_of_nodes())
    people = pd.DataFrame({"employee_id": [f"p{i}" for i in g.nodes],
                           "department": [f"D{d}" for d in dept]})
    g = nx.relabel_nodes(g, {i: f"p{i}" for i in g.nodes})
    edges = pd.DataFrame(list(g.edges()), columns=["u", "v"])
    return g, people, edges


def test_betweenness_exact_matches_networkx():
    g, people, edges = random_case()
    ours = brokers(people, edges, top=None, k=None).set_index("employee_id")["betweenness"]
    ref = pd.Series(nx.betweenness_centrality(g))
    ref = ref[ref > 0]
    assert set(ours.index) == set(ref.index)
    assert ours.reindex(ref.index).to_numpy() == pytest.approx(ref.to_numpy(), abs=1e-12)


def test_betweenness_sampled_matches_networkx_draw():
    g, people, edges = random_case(n=80, m=200, seed=4)
    ours = brokers(people, edges, top=None, k=12, seed=3).set_index("employee_id")["betweenness"]
    ref = pd.Series(nx.betweenness_centrality(g, k=12, seed=3))
    ref = ref[ref > 0]
    assert set(ours.index) == set(ref.index)
    assert ours.reindex(ref.index).to_numpy() == pytest.approx(ref.to_numpy(), abs=1e-12)


def test_modularity_matches_networkx_random_partition():
    g, people, edges = random_case(seed=7)
    t = department_ties(people, edges)
    parts = [set(people.loc[people["department"] == d, "employee_id"]) for d in t["department"]]
    ref = nx.community.modularity(g, parts)
    assert modularity(t["internal_ties"], t["degree_sum"]) == pytest.approx(ref, abs=1e-12)


# --------------------------------------------------------------------------------------------------
# Real public data sets
# --------------------------------------------------------------------------------------------------
def networkx_reference(g: nx.Graph, dept: dict[str, str]) -> dict[str, float]:
    """Density, E-I and modularity of an undirected graph, computed independently with networkx."""
    internal = sum(1 for a, b in g.edges() if dept[a] == dept[b])
    external = g.number_of_edges() - internal
    groups: dict[str, set[str]] = {}
    for node, d in dept.items():
        groups.setdefault(d, set()).add(node)
    return {
        "density": nx.density(g),
        "ei_index": (external - internal) / (external + internal),
        "modularity": nx.community.modularity(g, list(groups.values())),
    }


@pytest.mark.realdata
def test_krackhardt_advice_by_department(shared_data):
    folder = shared_data / "krackhardt_hightech"
    attrs = pd.read_csv(folder / "Krack-High-Tec-Attributes.csv")
    advice = pd.read_csv(folder / "Krack-High-Tec-edgelist-Advice.txt", sep=r"\s+", header=None,
                         names=["ego", "alter", "tie"])
    reports = pd.read_csv(folder / "Krack-High-Tec-edgelist-ReportsTo.txt", sep=r"\s+", header=None,
                          names=["ego", "alter", "tie"])
    manager = reports[(reports["tie"] == 1) & (reports["ego"] != reports["alter"])].set_index("ego")["alter"]
    people = pd.DataFrame({
        "employee_id": attrs["ID"].astype(str),
        "department": "D" + attrs["DEPT"].astype(str),
        "manager_id": attrs["ID"].map(manager).map(lambda x: None if pd.isna(x) else str(int(x))),
    })
    ties = advice[(advice["tie"] == 1) & (advice["ego"] != advice["alter"])]
    rows = pd.DataFrame({"source_id": ties["ego"].astype(str), "target_id": ties["alter"].astype(str)})
    client = make_client(people, rows, min_group_size=3)
    r = analyze_communication(client)
    m = r.metrics

    dept = dict(zip(people["employee_id"], people["department"]))
    directed = nx.DiGraph()
    directed.add_nodes_from(people["employee_id"])
    directed.add_edges_from(zip(rows["source_id"], rows["target_id"]))
    # The README's figures are directed: 190 ties / (21 * 20) = 0.452 and E-I over directed ties +0.52.
    assert directed.number_of_edges() == 190
    assert nx.density(directed) == pytest.approx(0.452, abs=5e-4)
    directed_internal = sum(1 for a, b in directed.edges() if dept[a] == dept[b])
    assert (190 - 2 * directed_internal) / 190 == pytest.approx(0.516, abs=5e-4)
    # orgkit's headline numbers are undirected: compare with networkx on the undirected graph.
    undirected = directed.to_undirected()
    ref = networkx_reference(undirected, dept)
    # a survey of named ties: read as given, whatever the message threshold
    assert m["tie_basis"] == "rows" and m["tie_min_messages"] == 1 and m["pairs_below_threshold"] == 0
    assert m["edges"] == undirected.number_of_edges()
    assert m["density"] == pytest.approx(ref["density"], abs=1e-12)
    assert m["ei_index"] == pytest.approx(ref["ei_index"], abs=1e-12)
    assert m["modularity"] == pytest.approx(ref["modularity"], abs=1e-12)
    assert m["reciprocity"] == pytest.approx(nx.overall_reciprocity(directed), abs=1e-12)
    assert m["reciprocity"] == pytest.approx(0.474, abs=5e-4)
    # Brokers: exact betweenness of the undirected graph.
    bc = nx.betweenness_centrality(undirected)
    top = sorted(bc.items(), key=lambda kv: (-kv[1], int(kv[0])))[:10]
    assert [b["betweenness"] for b in m["brokers"]] == pytest.approx([v for _, v in top], abs=1e-12)
    # Reporting lines: 20 lines; ties along them counted with plain set operations.
    lines = {frozenset((str(e), str(mg))) for e, mg in manager.items()}
    tie_set = {frozenset(e) for e in undirected.edges()}
    assert m["reporting_lines"] == 20
    assert m["ties_along_reporting_lines"] == pytest.approx(len(lines & tie_set) / len(tie_set))
    assert m["reporting_lines_with_tie"] == pytest.approx(len(lines & tie_set) / len(lines))
    # The CEO's one-person department (D0) is suppressed everywhere.
    assert m["departments"]["D0"] == {"size": None, "suppressed": True}
    assert "D0" not in r.matrix.index
    assert "D0" not in set(r.brokers["department"])


@pytest.mark.realdata
def test_snap_email_eu_core(shared_data):
    folder = shared_data / "snap_email_eu_core"
    labels = pd.read_csv(folder / "email-Eu-core-department-labels.txt", sep=r"\s+", header=None,
                         names=["node", "dept"])
    email = pd.read_csv(folder / "email-Eu-core.txt", sep=r"\s+", header=None, names=["src", "dst"])
    people = pd.DataFrame({"employee_id": labels["node"].astype(str), "department": "D" + labels["dept"].astype(str)})
    rows = pd.DataFrame({"source_id": email["src"].astype(str), "target_id": email["dst"].astype(str)})
    client = make_client(people, rows, min_group_size=5)  # the loader drops the 642 self-loops
    assert len(client.communication) == 25_571 - 642
    start = time.perf_counter()
    r = analyze_communication(client)
    elapsed = time.perf_counter() - start
    m = r.metrics

    dept = dict(zip(people["employee_id"], people["department"]))
    directed = nx.DiGraph()
    directed.add_nodes_from(people["employee_id"])
    directed.add_edges_from(zip(rows["source_id"], rows["target_id"]))
    directed.remove_edges_from(list(nx.selfloop_edges(directed)))
    undirected = directed.to_undirected()
    ref = networkx_reference(undirected, dept)
    assert m["tie_basis"] == "rows" and m["tie_evidence"] == []  # a static edge list: every pair is a tie
    assert m["people"] == 1005 and m["edges"] == undirected.number_of_edges() == 16_064
    assert m["density"] == pytest.approx(ref["density"], abs=1e-12)
    assert m["ei_index"] == pytest.approx(ref["ei_index"], abs=1e-12)
    assert m["modularity"] == pytest.approx(ref["modularity"], abs=1e-12)
    assert m["reciprocity"] == pytest.approx(nx.overall_reciprocity(directed), abs=1e-12)
    isolates = sum(1 for _ in nx.isolates(undirected))
    assert m["isolates"] == isolates
    sizes = people["department"].value_counts()
    assert m["ei_index_expected"] == pytest.approx(
        1 - 2 * float((sizes * (sizes - 1)).sum()) / (1005 * 1004), abs=1e-12)
    # Department matrix totals: every tie once, in the upper triangle plus diagonal (before suppression).
    full = department_matrix(people, r.edges)
    assert int(np.triu(full.to_numpy()).sum()) == undirected.number_of_edges()
    small = sizes[sizes < 5].index
    assert all(m["departments"][d] == {"size": None, "suppressed": True} for d in small)
    assert not set(small) & set(r.matrix.index)
    assert m["communities_method"] == "louvain" and 0 < m["community_department_nmi"] <= 1
    assert elapsed < 30, f"analysis took {elapsed:.1f} s"


# --------------------------------------------------------------------------------------------------
# Ties from a message log, message volume, period, formal against informal structure
# --------------------------------------------------------------------------------------------------
def dated(pairs, start="2024-01-01"):
    """One row per message, one a day from ``start``."""
    rows = pd.DataFrame(pairs, columns=["source_id", "target_id"])
    rows["timestamp"] = pd.date_range(start, periods=len(pairs), freq="D").strftime("%Y-%m-%d")
    return rows


# X = {a, b, c}, Y = {d, e}. Messages: a-b 3 (a->b twice, b->a once), a-c 1, b-c 2 (one each way),
# a-d 4 (all a->d), d-e 1, c-e 1. Pairs: 6; with at least 2 messages: a-b, b-c, a-d.
LOG_PEOPLE = make_people({"X": ["a", "b", "c"], "Y": ["d", "e"]})
LOG_PAIRS = ([("a", "b"), ("a", "b"), ("b", "a"), ("a", "c"), ("b", "c"), ("c", "b")] + [("a", "d")] * 4
             + [("d", "e"), ("c", "e")])


def test_message_log_evidence_tells_a_log_from_named_ties():
    survey = make_rows([("a", "b"), ("b", "a"), ("a", "c")])  # weights all 1, no dates, each direction once
    assert message_log_evidence(survey) == []
    assert message_log_evidence(None) == [] and message_log_evidence(make_rows([])) == []
    assert message_log_evidence(make_rows([("a", "b"), ("a", "b")])) == ["repeated_pairs"]
    assert message_log_evidence(make_rows([("a", "b")], [3.0])) == ["weights"]  # a message count
    assert message_log_evidence(make_rows([("a", "b")], [2.5])) == []  # a strength, not a count
    assert message_log_evidence(make_rows([("a", "a"), ("a", "a")])) == []  # self-rows do not count
    assert message_log_evidence(dated([("a", "b"), ("b", "a")]).assign(
        timestamp=lambda d: pd.to_datetime(d["timestamp"]))) == ["timestamps"]


def test_select_ties_hand_case():
    e = build_edges(LOG_PEOPLE, dated(LOG_PAIRS))
    assert dict(zip(e["u"] + e["v"], e["weight"])) == {"ab": 3, "ac": 1, "ad": 4, "bc": 2, "ce": 1, "de": 1}
    assert (select_ties(e)["u"] + select_ties(e)["v"]).tolist() == ["ab", "ad", "bc"]
    assert len(select_ties(e, min_messages=1)) == 6
    assert (select_ties(e, min_messages=4)["u"] + select_ties(e, min_messages=4)["v"]).tolist() == ["ad"]
    both = [True, False, False, True, False, False]  # a-b and b-c run both ways
    assert (select_ties(e, reciprocated=True, both_ways=both)["v"]).tolist() == ["b", "c"]
    with pytest.raises(ConfigError, match="both_ways"):
        select_ties(e, reciprocated=True)
    with pytest.raises(ConfigError, match="at least 1"):
        select_ties(e, min_messages=0)


def test_tie_threshold_on_a_message_log():
    r = analyze_communication(make_client(LOG_PEOPLE, dated(LOG_PAIRS)))
    m = r.metrics
    assert m["tie_basis"] == "messages" and m["tie_evidence"] == ["timestamps", "repeated_pairs"]
    assert m["tie_min_messages"] == 2 and m["tie_rule_source"] == "default" and not m["tie_threshold_waived"]
    assert m["pairs"] == 6 and m["edges"] == 3 and m["pairs_below_threshold"] == 3
    assert m["messages_below_threshold"] == 3.0 and m["messages"] == 12.0 and m["rows"] == 12
    # ties a-b, b-c inside X; a-d across: E = 1, I = 2
    assert m["ei_index"] == pytest.approx(-1 / 3) and m["cross_department_share"] == pytest.approx(1 / 3)
    # messages: inside X a-b 3 + a-c 1 + b-c 2 + inside Y d-e 1 = 7; across a-d 4 + c-e 1 = 5
    assert m["cross_department_message_share"] == pytest.approx(5 / 12)
    assert m["ei_index_weighted"] == pytest.approx((5 - 7) / 12)
    assert m["bases_disagree"] is False  # 33% against 42%: 8 points apart, under 10
    assert m["isolates"] == 1  # e wrote twice, to two people: no tie
    x = m["departments"]["X"]
    # X: inside 3 + 1 + 2 = 6 messages, leaving 4 + 1 = 5
    assert x["external_message_share"] == pytest.approx(5 / 11)
    assert x["ei_index_weighted"] == pytest.approx((5 - 6) / 11)
    assert r.matrix_weighted.loc["X", "Y"] == 5.0  # the message matrix counts every message
    assert len(r.edges) == 3
    # reciprocity reads the rows: ordered pairs a>b b>a a>c b>c c>b a>d d>e c>e: 4 of 8 reciprocated
    assert m["reciprocity"] == pytest.approx(4 / 8)


def test_reciprocated_ties_and_client_settings():
    client = make_client(LOG_PEOPLE, dated(LOG_PAIRS), communication__tie__reciprocated=True)
    m = analyze_communication(client).metrics
    assert m["tie_reciprocated"] is True and m["tie_rule_source"] == "client.yml"
    assert m["edges"] == 2 and m["pairs_below_threshold"] == 4  # a-b and b-c; a-d runs one way
    m = analyze_communication(make_client(LOG_PEOPLE, dated(LOG_PAIRS), communication__tie__min_messages=4)).metrics
    assert m["edges"] == 1 and m["tie_min_messages"] == 4
    from orgkit.thresholds import Thresholds

    with pytest.raises(ConfigError, match="communication.tie.min_messages must be at least 1"):
        Thresholds({"communication.tie.min_messages": 0})
    with pytest.raises(ConfigError, match="whole number"):
        Thresholds({"communication.tie.reciprocated": 0.5})
    assert Thresholds({"communication.tie.reciprocated": False})["communication.tie.reciprocated"] == 0


def test_named_ties_are_read_as_given():
    # a network survey: one row per nomination, no dates, no counts: a single row is a tie
    rows = make_rows([("a", "b"), ("b", "a"), ("a", "c"), ("c", "d")])
    m = analyze_communication(make_client(LOG_PEOPLE, rows)).metrics
    assert m["tie_basis"] == "rows" and m["tie_evidence"] == [] and m["tie_min_messages"] == 1
    assert m["edges"] == 3 and m["pairs_below_threshold"] == 0
    assert m["cross_department_message_share"] is None and m["bases_disagree"] is None
    assert m["departments"]["X"]["external_message_share"] is None
    assert m["period_start"] is None and m["messages_per_person_week"] is None
    assert m["reporting_lines_without_messages"] is None
    # the client can still ask for mutual nominations, or a count
    m = analyze_communication(make_client(LOG_PEOPLE, rows, communication__tie__reciprocated=1)).metrics
    assert m["edges"] == 1 and m["tie_basis"] == "rows"


def test_thin_log_waives_the_threshold():
    # five pairs, four of them with one message: 2 or more would leave out 80% of the pairs (> 50%)
    pairs = [("a", "b"), ("a", "b"), ("a", "c"), ("b", "c"), ("c", "d"), ("d", "e")]
    m = analyze_communication(make_client(LOG_PEOPLE, dated(pairs))).metrics
    assert m["tie_threshold_waived"] is True and m["tie_min_messages"] == 1
    assert m["pairs_left_out_if_applied"] == 4 and m["edges"] == 5 and m["pairs_below_threshold"] == 0
    # the client can have the threshold applied however thin the log, or set a count of its own
    m = analyze_communication(make_client(LOG_PEOPLE, dated(pairs),
                                          communication__tie__max_left_out_share=1)).metrics
    assert m["tie_threshold_waived"] is False and m["edges"] == 1 and m["pairs_left_out_if_applied"] is None
    m = analyze_communication(make_client(LOG_PEOPLE, dated(pairs), communication__tie__min_messages=3)).metrics
    assert m["tie_threshold_waived"] is False and m["edges"] == 0 and m["pairs_below_threshold"] == 5


def test_period_covered_hand_case():
    rows = pd.DataFrame({"timestamp": pd.to_datetime(["2010-01-02 12:00", "2010-01-16 12:00", None]),
                         "weight": [3.0, 1.0, 2.0]})
    p = period_covered(rows, people=4)
    assert p["period_start"] == "2010-01-02" and p["period_end"] == "2010-01-16"
    assert p["period_days"] == 14.0 and p["period_months"] == pytest.approx(14 / (365.25 / 12))
    assert p["messages_per_person_week"] == pytest.approx(6 / 4 / 2)  # 6 messages, 4 people, 2 weeks
    same_day = period_covered(rows.iloc[:1], people=4)
    assert same_day["period_days"] == 0.0 and same_day["messages_per_person_week"] is None
    assert period_covered(pd.DataFrame({"timestamp": [pd.NaT]}), people=3)["period_start"] is None
    assert period_covered(None, people=3)["period_days"] is None
    m = analyze_communication(make_client(LOG_PEOPLE, dated(LOG_PAIRS))).metrics
    assert (m["period_start"], m["period_end"], m["period_days"]) == ("2024-01-01", "2024-01-12", 11.0)
    assert m["messages_per_person_week"] == pytest.approx(12 / 5 / (11 / 7))


def test_message_volume_matches_the_rows():
    v = message_volume(LOG_PEOPLE, dated(LOG_PAIRS))
    assert (v["messages"], v["internal_messages"], v["external_messages"]) == (12.0, 7.0, 5.0)
    assert v["cross_department_message_share"] == pytest.approx(5 / 12)
    assert message_volume(LOG_PEOPLE, None)["cross_department_message_share"] is None


def test_reporting_lines_without_tie_or_message():
    # lines b-a, c-a, d-a, e-d: a-b is a tie (3 messages), a-c one message, a-d a tie, d-e one message
    people = make_people({"X": ["a", "b", "c"], "Y": ["d", "e"]}, managers={"b": "a", "c": "a", "d": "a", "e": "d"})
    m = analyze_communication(make_client(people, dated(LOG_PAIRS))).metrics
    assert m["reporting_lines"] == 4 and m["ties_on_reporting_lines"] == 2
    assert m["reporting_lines_without_tie"] == 2  # a-c and d-e: below the tie rule
    assert m["reporting_lines_without_messages"] == 0  # but every manager wrote to every report
    people.loc[people["employee_id"] == "e", "manager_id"] = "b"  # b-e: no message at all
    m = analyze_communication(make_client(people, dated(LOG_PAIRS))).metrics
    assert m["reporting_lines_without_tie"] == 2 and m["reporting_lines_without_messages"] == 1


def test_department_communities_hand_case():
    people = make_people({"X": ["a", "b", "c", "d"], "Y": ["e", "f"]})
    t = department_communities(people, [0, 0, 1, None, 1, 1]).set_index("department")
    assert t.loc["X", "people_with_ties"] == 3 and t.loc["X", "communities"] == 2
    assert t.loc["X", "main_community_share"] == pytest.approx(2 / 3)
    assert t.loc["Y", "main_community_share"] == 1.0 and t.loc["Y", "communities"] == 1
    none = department_communities(people, [None] * 6).set_index("department")
    assert none["communities"].tolist() == [0, 0] and none["main_community_share"].isna().all()


def test_communities_per_department_in_the_analysis_and_privacy():
    # A and B: 5-cliques joined by one tie; S (2 people) hangs off A: S is never listed
    people = make_people({"A": [f"a{i}" for i in range(5)], "B": [f"b{i}" for i in range(5)], "S": ["s1", "s2"]})
    pairs = clique([f"a{i}" for i in range(5)]) + clique([f"b{i}" for i in range(5)])
    pairs += [("a0", "b0"), ("s1", "a1"), ("s2", "a2")]
    r = analyze_communication(make_client(people, make_rows(pairs), min_group_size=5))
    m = r.metrics
    # S (2) alone could be recovered from the totals, so A is suppressed with it: only B is listed
    assert list(m["community_departments"]) == ["B"] and m["community_departments_hidden"] == 2
    assert m["community_departments"]["B"] == {"people_with_ties": 5, "main_community_share": 1.0, "communities": 1}
    assert r.communities["department"].tolist() == ["B"]
    assert m["communities_large"] == 2 and m["communities"] == 2
    assert "S" not in json.dumps(m["community_departments"])
    # without detection: no table
    r = analyze_communication(make_client(people, make_rows(pairs), min_group_size=5), max_community_edges=0)
    assert m["communities_method"] == "louvain" and r.metrics["community_departments"] == {}
    assert r.metrics["community_departments_hidden"] is None and r.communities.empty


def test_bases_disagree_and_the_findings_that_say_so():
    from orgkit.assessment import assess
    from orgkit.findings import derive_findings

    # X = {a, b, c}, Y = {d, e}: every pair in contact has 2 messages, except a-b with 40: 2 of 4 ties
    # cross (50%) but only 4 of 46 messages (9%)
    pairs = [("a", "b")] * 40 + [("b", "c")] * 2 + [("a", "d")] * 2 + [("c", "e")] * 2
    client = make_client(LOG_PEOPLE, dated(pairs), min_group_size=1)
    a = assess(client)
    m = a.communication.metrics
    assert m["cross_department_share"] == pytest.approx(0.5)
    assert m["cross_department_message_share"] == pytest.approx(4 / 46)
    assert m["bases_disagree"] is True
    found = {f.key: f for f in derive_findings(a) if f.area == "communication"}
    inward = found["volume_inward"]
    assert inward.status == "amber" and inward.values["en"]["basis"] == "ties and messages"
    assert inward.text("en").startswith("50% of ties but only 9% of messages cross department lines")
    assert "50%" in inward.text("zh") and "9%" in inward.text("zh")
    assert "message_openness" not in found  # the openness rule is set for ties: the message share is not coloured
    assert found["openness"].values["en"]["basis"] == "ties"
    assert all("basis" in f.values["en"] for f in found.values())


@pytest.mark.realdata
def test_manufacturing_email_volume_period_and_reporting_lines(shared_data, tmp_path):
    """82,927 dated e-mails over a 154-person reports-to tree: every new figure against plain pandas."""
    from orgkit.assessment import assess
    from orgkit.data.loading import load_client
    from orgkit.findings import derive_findings

    src = shared_data / "manufacturing_email_hierarchy"
    tree = pd.read_csv(src / "reportsto.csv")
    mail = pd.read_csv(src / "communication.csv", sep=";")
    g = nx.DiGraph((m, e) for e, m in zip(tree["ID"], tree["ReportsToID"]) if e != m)
    branch = {86: "Board"}  # departments are not in the data: the branch under the CEO stands in
    for head in g.successors(86):
        for person in nx.descendants(g, head) | {head}:
            branch[person] = f"Branch {head}"
    pd.DataFrame({"ID": tree["ID"], "ReportsToID": tree["ReportsToID"], "Department": tree["ID"].map(branch)}
                 ).to_csv(tmp_path / "people.csv", index=False)
    mail.to_csv(tmp_path / "communication.csv", index=False, sep=";")
    client = load_client(tmp_path)
    a = assess(client)
    m = a.communication.metrics

    kept = mail[mail["Sender"].isin(branch) & mail["Recipient"].isin(branch) & (mail["Sender"] != mail["Recipient"])]
    assert m["rows"] == len(kept) == 82_677 and m["messages"] == len(kept)
    cross = kept["Sender"].map(branch) != kept["Recipient"].map(branch)
    assert m["cross_department_message_share"] == pytest.approx(cross.mean(), abs=1e-12)
    assert m["ei_index_weighted"] == pytest.approx(2 * cross.mean() - 1, abs=1e-12)
    # the period: 2 January to 30 September 2010
    assert (m["period_start"], m["period_end"]) == ("2010-01-02", "2010-09-30")
    when = pd.to_datetime(kept["EventDate"])
    days = (when.max() - when.min()).total_seconds() / 86400
    assert m["period_days"] == pytest.approx(days) and 8.5 < m["period_months"] < 9.0
    assert m["messages_per_person_week"] == pytest.approx(len(kept) / 154 / (days / 7))
    # the tie rule: a dated log, so 2 or more messages; pairs with one message left out
    lo, hi = np.minimum(kept["Sender"], kept["Recipient"]), np.maximum(kept["Sender"], kept["Recipient"])
    per_pair = kept.groupby([lo, hi]).size()
    assert m["tie_basis"] == "messages" and m["tie_evidence"] == ["timestamps", "repeated_pairs"]
    assert m["tie_min_messages"] == 2 and m["tie_threshold_waived"] is False
    assert m["pairs"] == len(per_pair) and m["pairs_below_threshold"] == int((per_pair == 1).sum())
    assert m["edges"] == int((per_pair >= 2).sum())
    ties = per_pair[per_pair >= 2].reset_index()
    tie_cross = ties.iloc[:, 0].map(branch) != ties.iloc[:, 1].map(branch)
    assert m["cross_department_share"] == pytest.approx(tie_cross.mean(), abs=1e-12)
    # 65% of ties but 55% of messages cross: the bases disagree, and a finding says so
    assert round(100 * m["cross_department_share"]) == 65 and round(100 * m["cross_department_message_share"]) == 55
    assert m["bases_disagree"] is True
    assert "volume_inward" in {f.key for f in derive_findings(a)}
    # reporting lines without a tie, and without any message, by set arithmetic
    lines = {frozenset((e, mg)) for e, mg in zip(tree["ID"], tree["ReportsToID"]) if e != mg}
    tie_set = {frozenset(p) for p in zip(ties.iloc[:, 0], ties.iloc[:, 1])}
    contact = {frozenset(p) for p in per_pair.index}
    assert m["reporting_lines"] == len(lines) == 153
    assert m["reporting_lines_without_tie"] == len(lines - tie_set)
    assert m["reporting_lines_without_messages"] == len(lines - contact)
    # communities against departments: only departments of 5 or more with 5 or more people with ties
    assert m["communities_method"] == "louvain" and 0 < m["community_department_nmi"] < 1
    sizes = pd.Series(branch).value_counts()
    assert set(m["community_departments"]) <= set(sizes[sizes >= 5].index)
    assert all(v["people_with_ties"] >= 5 for v in m["community_departments"].values())
    assert "Branch 69" in m["community_departments"]


# --------------------------------------------------------------------------------------------------
# The report's blocks
# --------------------------------------------------------------------------------------------------
def _book(people, rows, language="en", min_group_size=5):
    from orgkit.report.book import ReportBook

    client = from_frames(people, communication=rows, settings={"min_group_size": min_group_size,
                                                              "language": language, "name": "t"})
    return ReportBook(client)


def _text(block) -> str:
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block.markup))


def _log_org():
    """Sales and R&D (6 each, managed by s0 and r0 under the CEO c0 of Legal, 3 people with l1, l2).

    Messages: inside Sales and R&D, each member writes 5 times to their manager; s0 and r0 exchange 2 (the
    only tie across); each Sales member writes once to one R&D member (5 one-off pairs); l1 and l2 write
    once each to the CEO (one-offs). The CEO has no tie with s0 or r0 (no message at all).
    """
    sales, rnd = [f"s{i}" for i in range(6)], [f"r{i}" for i in range(6)]
    people = make_people({"Sales": sales, "R&D": rnd, "Legal": ["c0", "l1", "l2"]},
                         managers={**{p: "s0" for p in sales[1:]}, **{p: "r0" for p in rnd[1:]},
                                   "s0": "c0", "r0": "c0", "l1": "c0", "l2": "c0"})
    pairs = [(p, "s0") for p in sales[1:] for _ in range(5)] + [(p, "r0") for p in rnd[1:] for _ in range(5)]
    pairs += [("s0", "r0"), ("r0", "s0")] + [(f"s{i}", f"r{i}") for i in range(1, 6)]
    pairs += [("l1", "c0"), ("l2", "c0")]
    return people, dated(pairs)


def test_report_states_the_tie_rule_period_and_both_bases():
    people, rows = _log_org()
    book = _book(people, rows)
    m = book.assessment.communication.metrics
    # pairs: 10 inside, s0-r0, 5 one-offs across, 2 one-offs in Legal = 18; 7 left out of 18 = 39% < 50%
    assert m["pairs"] == 18 and m["pairs_below_threshold"] == 7 and not m["tie_threshold_waived"]
    text = _text(book.communication_basis())
    assert "it has dates, the same sender and recipient appear in several rows" in text
    assert "A tie is 2 or more messages between two people" in text
    assert "7 pairs (39% of the pairs in contact, 7 messages) exchanged fewer" in text
    assert f"from {rows['timestamp'].iloc[0]} to {rows['timestamp'].iloc[-1]}" in text
    # ties: 1 of 11 crosses (9%); messages: 2 + 5 = 7 of 59 (12%)
    assert "Crossing department lines 9% 12%" in text
    assert ("The two bases agree: 9% of ties and 12% of messages cross department lines (less than 10 percentage "
            "points apart)") in text
    assert "59" in text and "Legal" not in text
    zh = _text(_book(people, rows, "zh").communication_basis())
    assert "双向合计" in zh and "按消息量" in zh and "Legal" not in zh


def test_report_formal_informal_block():
    people, rows = _log_org()
    book = _book(people, rows)
    m = book.assessment.communication.metrics
    # lines: 10 inside (ties), s0-c0, r0-c0 (no message), l1-c0, l2-c0 (one message each: no tie)
    assert (m["reporting_lines"], m["reporting_lines_without_tie"], m["reporting_lines_without_messages"]) == (14, 4, 2)
    text = _text(book.formal_informal())
    assert "4 of the 14 reporting lines (29%) carry no communication tie" in text
    assert "2 of them show no message at all" in text
    assert "normalised mutual information" in text
    assert "Legal" not in text  # 3 people: never named
    # R&D (6) is hidden with it, as in the E-I table: Legal alone could be recovered from the totals
    assert "R&amp;D" not in text and "R&D" not in text and "Sales 6 100% 1" in text
    assert "2 departments with fewer than 5 people, or fewer than 5 with ties, are not shown" in text
    assert "agree closely (normalised mutual information 1.00" in text
    zh = _text(_book(people, rows, "zh").formal_informal())
    assert "14 条汇报线中有 4 条（29%）没有对应的沟通关系" in zh and "标准化互信息" in zh


def test_report_blocks_for_named_ties():
    rows = make_rows(TWO_CLIQUE_PAIRS)  # one row per named tie
    book = _book(TWO_CLIQUES, rows, min_group_size=4)
    text = _text(book.communication_basis())
    assert "Each row of the communication file is read as one tie" in text and "<table" not in \
        book.communication_basis().markup
    assert "no reporting lines" in _text(book.formal_informal())


@pytest.mark.realdata
def test_lyon_hospital_contacts_ties_against_contacts(shared_data):
    """32,424 face-to-face contacts of 20 s on a hospital ward, by role: 3 in 4 ties but 2 in 5 contacts cross roles."""
    folder = shared_data / "lyon_hospital_rfid"
    nodes = pd.read_csv(folder / "rfid_nodes.csv")
    contacts = pd.read_csv(folder / "rfid_edges.csv")
    people = pd.DataFrame({"employee_id": nodes["vid"].astype(str), "department": nodes["Status"]})
    rows = pd.DataFrame({"source_id": contacts["from"].astype(str), "target_id": contacts["to"].astype(str)})
    m = analyze_communication(make_client(people, rows, min_group_size=5)).metrics
    role = dict(zip(people["employee_id"], people["department"]))
    cross = rows["source_id"].map(role) != rows["target_id"].map(role)
    assert m["tie_evidence"] == ["repeated_pairs"] and m["messages"] == len(rows) == 32_424
    assert m["cross_department_message_share"] == pytest.approx(cross.mean(), abs=1e-12)
    lo, hi = np.minimum(rows["source_id"], rows["target_id"]), np.maximum(rows["source_id"], rows["target_id"])
    per_pair = rows.groupby([lo, hi]).size()
    assert m["pairs"] == len(per_pair) == 1139 and m["edges"] == int((per_pair >= 2).sum())
    ties = per_pair[per_pair >= 2].reset_index()
    assert m["cross_department_share"] == pytest.approx(
        (ties.iloc[:, 0].map(role) != ties.iloc[:, 1].map(role)).mean(), abs=1e-12)
    assert m["cross_department_share"] > 0.7 and m["cross_department_message_share"] < 0.45
    assert m["bases_disagree"] is True


def test_ei_plot_draws_messages_beside_ties():
    from orgkit.plots.communication import plot_ei_index

    r = analyze_communication(make_client(LOG_PEOPLE, dated(LOG_PAIRS)))
    labels = [t.get_text() for t in plot_ei_index(r.departments, messages=True).axes[0].get_legend().get_texts()]
    assert labels == ["random mixing", "on ties", "on messages"]
    labels = [t.get_text() for t in plot_ei_index(r.departments).axes[0].get_legend().get_texts()]
    assert "on messages" not in labels
