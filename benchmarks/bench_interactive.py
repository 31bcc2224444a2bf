"""Cost of report.html's org chart explorer: building the tree and its JSON, against building the hierarchy.

The **baseline** is :meth:`orgkit.data.hierarchy.Hierarchy.from_people` with its depths and spans (what every
structure analysis builds anyway); the **explorer** is :func:`orgkit.report.interactive.org_tree` on that
hierarchy plus :func:`orgkit.report.interactive.explorer_json`, on a synthetic organisation of ``--employees``
people (about eight reports per manager, 40 departments, one in a thousand people in a small one). Both run
``--repeat`` times, alternating; the medians and their ratio are printed with the JSON's size, which must keep
report.html under 15 MB at 100,000 people.

Usage::

    python benchmarks/bench_interactive.py                       # 100,000 people, 3 repeats
    python benchmarks/bench_interactive.py --employees 5000 --repeat 5
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd


def _people(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    parent = np.concatenate([[-1], rng.integers(0, np.arange(1, n) // 8 + 1)])
    ids = np.array([f"E{i:06d}" for i in range(n)], dtype=object)
    dept = np.array([f"Dept {i % 40}" for i in range(n)], dtype=object)
    dept[rng.random(n) < 0.001] = "Tiny"
    return pd.DataFrame({"employee_id": ids, "department": dept,
                         "manager_id": np.where(parent >= 0, ids[np.clip(parent, 0, None)], None),
                         "title": [f"Role {i % 300}" for i in range(n)]})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from orgkit.data.hierarchy import Hierarchy
    from orgkit.report.interactive import explorer_json, org_tree

    people = _people(args.employees)
    shown = {f"Dept {i}" for i in range(40)}
    base, explorer, size = [], [], 0
    for _ in range(args.repeat):
        t = time.perf_counter()
        h = Hierarchy.from_people(people)
        _ = h.depth, h.n_reports
        base.append(time.perf_counter() - t)
        t = time.perf_counter()
        text = explorer_json(org_tree(people, shown, min_group_size=5, hierarchy=h), language="en", min_group_size=5)
        explorer.append(time.perf_counter() - t)
        size = len(text.encode("utf-8"))
    b, e = statistics.median(base), statistics.median(explorer)
    print(f"{args.employees:,} people: hierarchy {b:.3f} s, explorer tree + JSON {e:.3f} s "
          f"({e / b:.1f} x the hierarchy), JSON {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
