"""Loading a 100,000-person client: ``orgkit.load_client`` against a plain read, and assess end to end.

Generates (or reuses, with ``--folder``) the sample client of 100,000 people (``orgkit.data.sample.generate_client``,
about a million communication rows, 20,000 decisions, two survey waves), then measures in one process, each
timing the best of ``--repeat`` runs:

(a) **loading**: every file read with ``pd.read_csv(engine="pyarrow", dtype=str)`` (the floor: bytes to
    string columns, no checks) against ``orgkit.load_client`` (read, map headers, validate, type). The
    reader's share is timed on its own (``read_table`` on every file), so **validation** (``load_client``
    minus ``read_table``) stands on its own too; it is also timed directly inside ``load_client`` (the
    subtraction of two noisy timings can be off by a second on a busy machine). Ratios: load_client /
    plain read, and (plain read + validation) / plain read, what load_client costs with a pyarrow reader.
(b) **assess end to end**: ``orgkit.load_client`` + ``orgkit.assess`` (every area) against a naive script
    that computes only the headline numbers the straightforward way: pandas read (pyarrow engine), one
    networkx graph, its density, one subgraph per department for department density and E-I, and one
    shortest-path search in the reporting tree per decision for its hops. The two must agree on the
    numbers they share. Ratio: naive / orgkit (above 1: orgkit is faster).

``--profile`` adds the top functions of ``orgkit.assess`` by cumulative time (cProfile).

Usage::

    python benchmarks/bench_load.py                          # generate in a temporary folder
    python benchmarks/bench_load.py --folder clients/bench-100k   # generate once, reuse afterwards
    python benchmarks/bench_load.py --employees 10000 --repeat 1 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import tempfile
import time
from pathlib import Path

import networkx as nx
import pandas as pd

import orgkit
import orgkit.data.loading
from orgkit.data.sample import generate_client

try:  # the reader may live in its own module
    from orgkit.data.reading import read_table
except ImportError:  # pragma: no cover - older layout
    from orgkit.data.loading import read_table

TABLES = ("people", "communication", "survey", "survey_items", "survey_previous", "decisions", "responsibilities")


def best_of(repeat: int, func):
    """(best seconds, last result) of ``repeat`` calls."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - t)
    return best, result


def files(folder: Path) -> list[Path]:
    return [folder / f"{t}.csv" for t in TABLES if (folder / f"{t}.csv").is_file()]


def plain_read(folder: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_csv(p, engine="pyarrow", dtype=str) for p in files(folder)}


def reader_only(folder: Path) -> int:
    return sum(len(read_table(p)[0]) for p in files(folder))


class ValidateTimer:
    """Times ``orgkit.data.loading._validate`` (everything load_client does after reading) inside load_client."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self._validate = orgkit.data.loading._validate

    def __enter__(self) -> "ValidateTimer":
        def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return self._validate(*args, **kwargs)
            finally:
                self.seconds.append(time.perf_counter() - t)

        orgkit.data.loading._validate = timed
        return self

    def __exit__(self, *exc) -> None:
        orgkit.data.loading._validate = self._validate


def naive(folder: Path) -> dict:
    """The headline numbers computed the straightforward way, from the files."""
    people = pd.read_csv(folder / "people.csv", engine="pyarrow", dtype=str)
    comm = pd.read_csv(folder / "communication.csv", engine="pyarrow", dtype=str)
    decisions = pd.read_csv(folder / "decisions.csv", engine="pyarrow", dtype=str)
    ids = set(people["employee_id"])
    comm = comm[comm["source_id"].isin(ids) & comm["target_id"].isin(ids) & (comm["source_id"] != comm["target_id"])]
    g = nx.Graph()
    g.add_nodes_from(people["employee_id"])
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
    managed = people.dropna(subset=["manager_id"])
    managed = managed[managed["manager_id"].isin(ids) & (managed["manager_id"] != managed["employee_id"])]
    tree.add_edges_from(zip(managed["employee_id"], managed["manager_id"]))
    known = decisions["initiator_id"].isin(ids) & decisions["decider_id"].isin(ids)
    hops = [nx.shortest_path_length(tree, i, k) if nx.has_path(tree, i, k) else None
            for i, k in zip(decisions.loc[known, "initiator_id"], decisions.loc[known, "decider_id"])]
    out["hops"] = dict(zip(decisions.loc[known, "decision_id"], hops))
    return out


def orgkit_end_to_end(folder: Path):
    client = orgkit.load_client(folder)
    return client, orgkit.assess(client)


def check_agreement(naive_out: dict, client, assessment) -> None:
    """The numbers both computed must be the same."""
    from orgkit.areas.communication import build_edges, department_ties
    from orgkit.areas.decisions import decision_paths

    metrics = assessment.to_dict()
    assert abs(naive_out["density"] - metrics["communication"]["density"]) < 1e-12
    ties = department_ties(client.people, build_edges(client.people, client.communication)).set_index("department")
    for dept, want in naive_out["departments"].items():
        for key in ("density", "ei_index"):
            a, b = ties.loc[dept, key], want[key]
            assert (b is None and (a is None or a != a)) or abs(a - b) < 1e-12, (dept, key, a, b)
    paths = decision_paths(client).set_index("decision_id")["hops"]
    sample = list(naive_out["hops"].items())[:2000]
    assert all(h is None or int(paths[d]) == h for d, h in sample)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, help="client folder to reuse, or to generate into when absent")
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="timings are the best of this many runs")
    parser.add_argument("--profile", action="store_true", help="print the top costs of orgkit.assess")
    args = parser.parse_args()

    tmp = None
    folder = args.folder
    if folder is None:
        tmp = tempfile.TemporaryDirectory()
        folder = Path(tmp.name) / "client"
    if not (folder / "people.csv").is_file():
        t = time.perf_counter()
        generate_client(folder, employees=args.employees, seed=1)
        print(f"generated {folder} in {time.perf_counter() - t:.1f}s")
    else:
        print(f"reusing {folder}")
    sizes = {p.stem: p.stat().st_size for p in files(folder)}
    print(f"{sum(sizes.values()) / 1e6:.1f} MB in {len(sizes)} files")

    # (a) loading
    plain_s, frames = best_of(args.repeat, lambda: plain_read(folder))
    reader_s, _ = best_of(args.repeat, lambda: reader_only(folder))
    with ValidateTimer() as timer:
        load_s, client = best_of(args.repeat, lambda: orgkit.load_client(folder))
    validation_s = max(load_s - reader_s, 0.0)
    inside_s = min(timer.seconds)
    rows = {t: len(f) for t, f in frames.items()}
    print(f"\n(a) loading: {client.n_people:,} people, {rows.get('communication', 0):,} communication rows, "
          f"{rows.get('decisions', 0):,} decisions, {rows.get('survey', 0):,} + "
          f"{rows.get('survey_previous', 0):,} survey rows (best of {args.repeat})")
    print(f"  plain read, pd.read_csv(engine='pyarrow', dtype=str)  {plain_s:7.2f}s")
    print(f"  orgkit read_table on every file                      {reader_s:7.2f}s  ({reader_s / plain_s:.1f}x the plain read)")
    print(f"  orgkit.load_client                                   {load_s:7.2f}s  ({load_s / plain_s:.1f}x the plain read; target <= 3x)")
    print(f"  validation = load_client - read_table                {validation_s:7.2f}s  "
          f"({validation_s / plain_s:.1f}x the plain read)")
    print(f"  validation timed inside load_client (_validate)      {inside_s:7.2f}s  "
          f"({inside_s / plain_s:.1f}x the plain read; plain read + validation = "
          f"{(plain_s + inside_s) / plain_s:.1f}x)")

    # (b) assess end to end
    naive_s, naive_out = best_of(args.repeat, lambda: naive(folder))
    orgkit_s, (client, assessment) = best_of(args.repeat, lambda: orgkit_end_to_end(folder))
    check_agreement(naive_out, client, assessment)
    assess_s, _ = best_of(args.repeat, lambda: orgkit.assess(client))
    print(f"\n(b) end to end (best of {args.repeat}; the two agree on density, department density and E-I, hops)")
    print(f"  naive: pandas read + networkx graph, density, department subgraphs, {len(naive_out['hops']):,} "
          f"shortest paths  {naive_s:7.2f}s")
    print(f"  orgkit.load_client + orgkit.assess (every area)      {orgkit_s:7.2f}s  "
          f"(of which assess {assess_s:.2f}s)")
    print(f"  naive / orgkit                                       {naive_s / orgkit_s:7.2f}x "
          f"({'orgkit faster' if orgkit_s < naive_s else 'naive faster'})")

    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        orgkit.assess(client)
        prof.disable()
        text = io.StringIO()
        pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(25)
        print("\norgkit.assess, top 25 by cumulative time:\n" + text.getvalue())
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
