"""Time and peak memory of ``orgkit.assess`` at 1,000 / 10,000 / 100,000 people, against a naive baseline.

Each size runs in a fresh child process (so peak memory is that size's own), in this order: generate a sample
client (about ten communication rows per person), load it, ``assess`` it, then compute the same headline
numbers the naive way — a networkx graph, one subgraph per department for density and E-I, and one exact
shortest-path search per decision. The naive per-decision search is timed on a sample of decisions and scaled
to all of them (stated in the output), because running it on every decision at 100,000 people takes hours.

Usage::

    python benchmarks/bench_assess.py                 # 1k, 10k, 100k
    python benchmarks/bench_assess.py --sizes 1000 10000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NAIVE_DECISION_SAMPLE = 300


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _naive(client) -> dict:
    """The straightforward networkx computation of density, per-department density/E-I and hops."""
    import networkx as nx

    people = client.people
    g = nx.Graph()
    g.add_nodes_from(people["employee_id"])
    comm = client.communication
    g.add_edges_from(zip(comm["source_id"], comm["target_id"]))
    dept_of = dict(zip(people["employee_id"], people["department"]))
    out = {"density": nx.density(g), "departments": {}}
    for dept, members in people.groupby("department")["employee_id"]:
        sub = g.subgraph(members)
        internal = sub.number_of_edges()
        external = sum(1 for u in members for v in g[u] if dept_of[v] != dept)
        out["departments"][dept] = {
            "density": nx.density(sub) if len(members) > 1 else None,
            "ei_index": (external - internal) / (external + internal) if external + internal else None,
        }
    tree = nx.Graph()
    tree.add_nodes_from(people["employee_id"])
    tree.add_edges_from((e, m) for e, m in zip(people["employee_id"], people["manager_id"]) if isinstance(m, str))
    decisions = client.decisions
    sample = decisions.head(NAIVE_DECISION_SAMPLE)
    t = time.perf_counter()
    hops = [nx.shortest_path_length(tree, i, k) for i, k in zip(sample["initiator_id"], sample["decider_id"])]
    per_decision = (time.perf_counter() - t) / max(len(sample), 1)
    out["hops_sample"] = hops
    out["naive_decision_seconds_scaled"] = per_decision * len(decisions)
    return out


def run_one(n: int) -> dict:
    """Generate, load, assess and run the naive baseline for ``n`` people (in this process)."""
    import orgkit
    from orgkit.sample import generate_client

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        folder = generate_client(Path(tmp) / "c", employees=n, seed=1)
        generate_s = time.perf_counter() - t
        t = time.perf_counter()
        client = orgkit.load_client(folder)
        load_s = time.perf_counter() - t
        base_mb = _peak_mb()
        t = time.perf_counter()
        result = orgkit.assess(client)
        assess_s = time.perf_counter() - t
        assess_peak_mb = _peak_mb()
        metrics = result.to_dict()
        t = time.perf_counter()
        naive = _naive(client)
        naive_graph_s = time.perf_counter() - t
        naive_s = naive_graph_s + naive["naive_decision_seconds_scaled"]
        # the two computations must agree on what they both compute
        assert abs(naive["density"] - metrics["communication"]["density"]) < 1e-12
        paths = result.decisions.paths.set_index("decision_id")["hops"]
        sample = client.decisions.head(NAIVE_DECISION_SAMPLE)["decision_id"]
        assert [int(paths[d]) for d in sample] == naive["hops_sample"]
        return {
            "people": n,
            "communication_rows": int(len(client.communication)),
            "decisions": int(len(client.decisions)),
            "generate_s": round(generate_s, 2),
            "load_s": round(load_s, 2),
            "assess_s": round(assess_s, 2),
            "assess_peak_mb": round(assess_peak_mb, 0),
            "before_assess_mb": round(base_mb, 0),
            "naive_s": round(naive_s, 2),
            "naive_decisions_scaled_s": round(naive["naive_decision_seconds_scaled"], 2),
            "speedup": round(naive_s / assess_s, 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child)))
        return
    print(f"{'people':>8} {'rows':>10} {'decisions':>9} {'generate':>9} {'load':>6} {'assess':>7} "
          f"{'peak MB':>8} {'naive':>8} {'naive/assess':>12}")
    for n in args.sizes:
        proc = subprocess.run([sys.executable, __file__, "--child", str(n)], capture_output=True, text=True)
        if proc.returncode:
            print(proc.stderr, file=sys.stderr)
            raise SystemExit(proc.returncode)
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"{r['people']:>8,} {r['communication_rows']:>10,} {r['decisions']:>9,} {r['generate_s']:>8.2f}s "
              f"{r['load_s']:>5.2f}s {r['assess_s']:>6.2f}s {r['assess_peak_mb']:>8,.0f} {r['naive_s']:>7.1f}s "
              f"{r['speedup']:>11.1f}x")
    print(f"(naive per-decision shortest paths timed on {NAIVE_DECISION_SAMPLE} decisions and scaled to all; "
          "peak MB is the child process's maximum resident set)")


if __name__ == "__main__":
    main()
