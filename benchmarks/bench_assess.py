"""Time and peak memory of ``orgkit.assess`` at 1,000 / 10,000 / 100,000 people, against a naive baseline.

Each size runs in a fresh child process (so peak memory is that size's own): generate a sample client (about
ten communication rows per person), load it, then

* **assess**: the whole ``orgkit.assess`` (every area, brokers and communities included), timed after the
  libraries are imported, with the process's peak resident memory;
* **engine vs naive**: the same headline numbers computed two ways in the same process — orgkit's vectorised
  functions (edge list, per-department ties/density/E-I, modularity, hops of every decision) against the
  straightforward networkx way (one graph, one subgraph per department, networkx modularity, one exact
  shortest-path search per decision). The two must agree; the ratio is printed. The naive per-decision
  search is timed on a sample of decisions and scaled to all of them (stated in the output), because
  running it on every decision of a deep organisation takes hours.
* **assess / naive headline script**: the whole ``orgkit.assess`` against the naive computation above (a
  script that computes only those headline numbers), and ``load + assess`` (what ``orgkit assess`` does)
  against that script including its own reading of the three CSV files it needs with pandas (the pyarrow
  engine when pyarrow is installed, else pandas' C engine; the output says which). Below 1 means orgkit,
  which also computes brokers, communities, silos, the structure and the survey, is the faster of the two.

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
    """The straightforward networkx computation of density, per-department density/E-I, modularity, hops."""
    import networkx as nx

    people = client.people
    g = nx.Graph()
    g.add_nodes_from(people["employee_id"])
    comm = client.communication
    g.add_edges_from(zip(comm["source_id"], comm["target_id"]))
    dept_of = dict(zip(people["employee_id"], people["department"]))
    out = {"density": nx.density(g), "departments": {}}
    groups = people.groupby("department")["employee_id"]
    for dept, members in groups:
        sub = g.subgraph(members)
        internal = sub.number_of_edges()
        external = sum(1 for u in members for v in g[u] if dept_of[v] != dept)
        out["departments"][dept] = {
            "density": nx.density(sub) if len(members) > 1 else None,
            "ei_index": (external - internal) / (external + internal) if external + internal else None,
        }
    out["modularity"] = nx.community.modularity(g, [set(m) for _, m in groups])
    tree = nx.Graph()
    tree.add_nodes_from(people["employee_id"])
    tree.add_edges_from((e, m) for e, m in zip(people["employee_id"], people["manager_id"]) if isinstance(m, str))
    sample = client.decisions.head(NAIVE_DECISION_SAMPLE)
    t = time.perf_counter()
    out["hops_sample"] = [nx.shortest_path_length(tree, i, k)
                          for i, k in zip(sample["initiator_id"], sample["decider_id"])]
    out["decision_seconds_scaled"] = (time.perf_counter() - t) / max(len(sample), 1) * len(client.decisions)
    return out


def _naive_read(folder: Path) -> tuple[float, str]:
    """Seconds a naive script takes to read the files it needs (people, communication, decisions)."""
    import pandas as pd

    try:
        import pyarrow  # noqa: F401
        engine = "pyarrow"
    except ImportError:
        engine = "c"
    t = time.perf_counter()
    for name in ("people", "communication", "decisions"):
        pd.read_csv(folder / f"{name}.csv", engine=engine)
    return time.perf_counter() - t, engine


def _engine(client) -> dict:
    """The same numbers with orgkit's vectorised building blocks."""
    from orgkit.areas.communication import build_edges, density, department_ties, modularity
    from orgkit.areas.decisions import decision_paths

    edges = build_edges(client.people, client.communication)
    ties = department_ties(client.people, edges)
    return {
        "density": density(client.n_people, len(edges)),
        "departments": ties.set_index("department")[["density", "ei_index"]],
        "modularity": modularity(ties["internal_ties"], ties["degree_sum"], len(edges)),
        "hops": decision_paths(client).set_index("decision_id")["hops"],
    }


def run_one(n: int) -> dict:
    """Generate, load, assess, and compare engine with naive for ``n`` people (in this process)."""
    import networkx, scipy.sparse.csgraph, scipy.special  # noqa: F401,E401  (what assess imports when first needed)

    import orgkit
    import orgkit.areas.communication, orgkit.areas.decisions, orgkit.areas.structure, orgkit.areas.survey  # noqa: F401,E401  (imported before timing)
    from orgkit.data.sample import generate_client

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        folder = generate_client(Path(tmp) / "c", employees=n, seed=1)
        generate_s = time.perf_counter() - t
        t = time.perf_counter()
        client = orgkit.load_client(folder)
        load_s = time.perf_counter() - t
        t = time.perf_counter()
        result = orgkit.assess(client)
        assess_s = time.perf_counter() - t
        assess_peak_mb = _peak_mb()
        metrics = result.to_dict()
        t = time.perf_counter()
        engine = _engine(client)
        engine_s = time.perf_counter() - t
        t = time.perf_counter()
        naive = _naive(client)
        naive_s = time.perf_counter() - t
        naive_total_s = naive_s + naive["decision_seconds_scaled"] - _sample_seconds(naive, client)
        read_s, read_engine = _naive_read(folder)
        # the two computations must agree, and agree with what assess reported
        assert abs(naive["density"] - engine["density"]) < 1e-12
        assert abs(engine["density"] - metrics["communication"]["density"]) < 1e-12
        assert abs(naive["modularity"] - engine["modularity"]) < 1e-9
        for dept, row in engine["departments"].iterrows():
            want = naive["departments"][dept]
            for key in ("density", "ei_index"):
                a, b = row[key], want[key]
                assert (b is None and (a is None or a != a)) or abs(a - b) < 1e-12, (dept, key, a, b)
        sample = client.decisions.head(NAIVE_DECISION_SAMPLE)["decision_id"]
        assert [int(engine["hops"][d]) for d in sample] == naive["hops_sample"]
        return {
            "people": n,
            "communication_rows": int(len(client.communication)),
            "decisions": int(len(client.decisions)),
            "generate_s": round(generate_s, 2),
            "load_s": round(load_s, 2),
            "assess_s": round(assess_s, 2),
            "assess_peak_mb": round(assess_peak_mb, 0),
            "engine_s": round(engine_s, 3),
            "naive_s": round(naive_total_s, 2),
            "speedup": round(naive_total_s / engine_s, 1),
            "read_s": round(read_s, 2),
            "read_engine": read_engine,
            "assess_vs_naive": round(assess_s / naive_total_s, 2),
            "end_to_end_vs_naive": round((load_s + assess_s) / (read_s + naive_total_s), 2),
        }


def _sample_seconds(naive: dict, client) -> float:
    """Seconds the naive run spent on its sample of decisions (to replace by the scaled figure)."""
    n = min(len(client.decisions), NAIVE_DECISION_SAMPLE)
    return naive["decision_seconds_scaled"] / max(len(client.decisions), 1) * n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child)))
        return
    print(f"{'people':>8} {'rows':>10} {'decisions':>9} {'generate':>9} {'load':>7} {'assess':>8} "
          f"{'peak MB':>8} {'engine':>8} {'naive':>8} {'naive/engine':>12}")
    results = []
    for n in args.sizes:
        proc = subprocess.run([sys.executable, __file__, "--child", str(n)], capture_output=True, text=True)
        if proc.returncode:
            print(proc.stderr, file=sys.stderr)
            raise SystemExit(proc.returncode)
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(r)
        print(f"{r['people']:>8,} {r['communication_rows']:>10,} {r['decisions']:>9,} {r['generate_s']:>8.2f}s "
              f"{r['load_s']:>6.2f}s {r['assess_s']:>7.2f}s {r['assess_peak_mb']:>8,.0f} {r['engine_s']:>7.2f}s "
              f"{r['naive_s']:>7.1f}s {r['speedup']:>11.1f}x")
    print(f"assess: every area (brokers and communities included), libraries already imported; peak MB: the "
          f"process's maximum resident set.\nengine vs naive: density, per-department density and E-I, "
          f"modularity and every decision's hops; naive per-decision shortest paths timed on "
          f"{NAIVE_DECISION_SAMPLE} decisions and scaled to all.")
    print(f"\n{'people':>8} {'assess':>8} {'naive':>8} {'assess / naive headline script':>31} {'load+assess':>12} "
          f"{'read+naive':>11} {'(load+assess) / (read+naive)':>29}")
    for r in results:
        print(f"{r['people']:>8,} {r['assess_s']:>7.2f}s {r['naive_s']:>7.1f}s {r['assess_vs_naive']:>31.2f} "
              f"{r['load_s'] + r['assess_s']:>11.2f}s {r['read_s'] + r['naive_s']:>10.1f}s "
              f"{r['end_to_end_vs_naive']:>29.2f}")
    engines = sorted({r["read_engine"] for r in results})
    print(f"naive headline script: the naive computation above; its reading: pandas.read_csv of people, "
          f"communication and decisions (engine {', '.join(engines)}). Below 1: orgkit is faster.")


if __name__ == "__main__":
    main()
