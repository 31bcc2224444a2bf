"""Time of a comparison (``compare_states``, two assessments and what differs) against its floor.

The **floor** is assessing the two states one after the other (``orgkit.assess`` twice, in this process):
what any comparison must at least compute. The **comparison** is ``compare_states(before, after)``: both
assessments (the state after the plan reusing today's tie graph, betweenness and communities), the findings
of both, the people, ties and decisions matched, the headline table. ``--snapshots`` also times ``compare_snapshots`` (people and
departments matched first). The after state moves the largest manager's team (that manager and everyone under
them) to another department and a new manager, as a plan would; a plan engine is not needed.

Both run ``--repeat`` times, alternating, and the medians are compared; the load average is printed before and
after (both use a second core inside each assessment, so both slow down when another job keeps it busy).

Usage::

    python benchmarks/bench_compare.py                      # 10,000 people, 3 repeats
    python benchmarks/bench_compare.py --employees 100000 --repeat 1 --snapshots
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time


def _moved(client):
    """``client`` with a team (a manager and everyone under them, part of a department) moved to the largest
    other department, under its head."""
    import numpy as np

    from orgkit.data.loading import from_frames

    h = client.hierarchy
    people = client.people.copy()
    depth, reports = h.depth, h.n_reports
    dept = people["department"].to_numpy()
    sizes = people["department"].value_counts()
    # the largest team that is part of its department (a few candidates, largest span first)
    for lead in sorted(np.flatnonzero((depth >= 2) & (reports > 0)), key=lambda i: -reports[i])[:50]:
        under = h.ancestor_at_depth(np.arange(h.n), depth[lead]) == lead
        if under.sum() < sizes[dept[lead]]:
            break
    target = next(d for d in sizes.index if d != dept[lead])
    heads = np.flatnonzero((depth == 1) & (dept == target))
    new_boss = people["employee_id"].iloc[heads[0]] if heads.size else people["employee_id"].iloc[np.flatnonzero(depth == 0)[0]]
    people.loc[under, "department"] = target
    people.loc[people.index[lead], "manager_id"] = new_boss
    moved = from_frames(people, communication=client.communication, survey=client.survey,
                        survey_items=client.survey_items, decisions=client.decisions.drop(
                            columns=["n_approvers", "decided_before_raised"], errors="ignore"),
                        responsibilities=client.responsibilities, settings=client.settings)
    return moved, int(under.sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--snapshots", action="store_true", help="also time compare_snapshots on a later snapshot")
    args = parser.parse_args()

    import orgkit
    from orgkit.data.sample import generate_client
    from orgkit.scenario.compare import compare_states
    from orgkit.scenario.snapshots import compare_snapshots, later_snapshot

    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        generate_client(f"{tmp}/c", employees=args.employees, seed=7)
        before = orgkit.load_client(f"{tmp}/c")
    after, n_moved = _moved(before)
    print(f"{args.employees:,} people; the plan moves a team of {n_moved:,}")
    floor, comparison, steps = [], [], None
    for _ in range(args.repeat):
        t = time.perf_counter()
        orgkit.assess(before)
        orgkit.assess(after)
        floor.append(time.perf_counter() - t)
        t = time.perf_counter()
        c = compare_states(before, after)
        comparison.append(time.perf_counter() - t)
        steps = c.timings
    f, m = statistics.median(floor), statistics.median(comparison)
    print(f"floor (two assessments, one after the other): {f:.2f} s  [{', '.join(f'{x:.2f}' for x in floor)}]")
    print(f"compare_states:                               {m:.2f} s  [{', '.join(f'{x:.2f}' for x in comparison)}]")
    print(f"ratio comparison / floor: {m / f:.2f}x; steps of the last run: "
          + ", ".join(f"{k} {v:.2f} s" for k, v in (steps or {}).items()))
    ties = c.ties.counts if c.ties is not None else {}
    print(f"ties cut by the new boundaries: {ties.get('internal_to_cross')}, decisions whose path changed: "
          f"{c.decisions.summary['path_changed'] if c.decisions is not None else None}")
    if args.snapshots:
        later = later_snapshot(before, seed=1)
        t = time.perf_counter()
        s = compare_snapshots(before, later)
        print(f"compare_snapshots (a synthetic later snapshot): {time.perf_counter() - t:.2f} s; "
              f"joined {s.counts['joined']:,}, left {s.counts['left']:,}, moved {s.counts['moved']:,}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
