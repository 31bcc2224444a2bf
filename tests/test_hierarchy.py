"""The reporting tree arrays, against hand-computed values and networkx."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from orgkit.data.hierarchy import Hierarchy, find_cycles


def tree(pairs: dict[str, str | None]) -> Hierarchy:
    return Hierarchy.from_people(pd.DataFrame({"employee_id": list(pairs), "manager_id": list(pairs.values())}))


def test_empty():
    h = Hierarchy(ids=np.array([], dtype=object), parent=np.array([], dtype=np.int64))
    assert h.layers == 0 and h.depth.size == 0 and h.n_reports.size == 0
    assert h.distance(np.array([], dtype=int), np.array([], dtype=int)).size == 0


def test_one_person():
    h = tree({"a": None})
    assert h.layers == 1 and h.depth.tolist() == [0] and h.n_reports.tolist() == [0]
    assert h.distance([0], [0]).tolist() == [0]


def test_chain_of_managers():
    # a <- b <- c <- d: depths 0..3, distance = difference in depth
    h = tree({"a": None, "b": "a", "c": "b", "d": "c"})
    assert h.depth.tolist() == [0, 1, 2, 3] and h.layers == 4
    assert h.n_reports.tolist() == [1, 1, 1, 0]
    assert h.distance([3, 3, 0], [0, 1, 3]).tolist() == [3, 2, 3]
    assert h.lowest_common_manager([3], [1]).tolist() == [1]
    assert h.ancestor_at_depth(np.array([3, 3]), np.array([0, 2])).tolist() == [0, 2]


def test_star():
    h = tree({"boss": None, **{f"r{i}": "boss" for i in range(5)}})
    assert h.n_reports.tolist() == [5, 0, 0, 0, 0, 0] and h.layers == 2
    # siblings are two reporting lines apart, through their common manager
    assert h.distance([1], [2]).tolist() == [2]
    assert h.lowest_common_manager([1], [2]).tolist() == [0]


def test_two_trees():
    h = tree({"a": None, "b": "a", "x": None, "y": "x"})
    assert h.root.tolist() == [0, 0, 2, 2]
    assert h.lowest_common_manager([1], [3]).tolist() == [-1]
    assert h.distance([1, 1], [3, 0]).tolist() == [-1, 1]


def test_is_ancestor_and_positions():
    h = tree({"a": None, "b": "a", "c": "b", "d": "a"})
    assert h.positions(["c", "zz", "a"]).tolist() == [2, -1, 0]
    assert h.is_ancestor(np.array([0, 1, 1, 2]), np.array([2, 2, 3, 2])).tolist() == [True, True, False, True]


def test_cycles_are_found_and_refused():
    assert find_cycles(np.array([-1, 0, 1])) == []
    cycles = find_cycles(np.array([1, 2, 0, -1, 3, 4, 7, 6]))  # 0->1->2->0 and 6<->7; 4, 5 reach top 3
    assert sorted(c.tolist() for c in cycles) == [[0, 1, 2], [6, 7]]
    with pytest.raises(ValueError):
        tree({"a": "b", "b": "a"})


def test_random_forest_against_networkx():
    rng = np.random.default_rng(1)
    n = 3000
    parent = np.array([-1] + [int(rng.integers(0, i)) for i in range(1, n)])
    parent[rng.choice(n, 5, replace=False)] = -1  # a forest of several trees
    h = Hierarchy(ids=np.arange(n).astype(str).astype(object), parent=parent)
    g = nx.Graph((i, p) for i, p in enumerate(parent) if p >= 0)
    g.add_nodes_from(range(n))
    roots = np.flatnonzero(parent < 0)
    expected_depth = np.zeros(n, dtype=int)
    for r in roots:
        for node, d in nx.single_source_shortest_path_length(g, r).items():
            expected_depth[node] = d
    assert (h.depth == expected_depth).all()
    a, b = rng.integers(0, n, 400), rng.integers(0, n, 400)
    got = h.distance(a, b)
    for x, y, d in zip(a, b, got):
        expected = nx.shortest_path_length(g, x, y) if nx.has_path(g, x, y) else -1
        assert d == expected
