"""Batch throughput: N sample clients serial (workers=1) versus 2 worker processes, in the same run.

Serial and parallel runs alternate over ``--rounds`` parts of the clients, so both see the same
background load. Prints the speed-up (target: at least 1.6x on 2 cores) and the per-client overhead of the batch over
the single-report floor (one ``run_client`` in this process, after a warm-up run).

    python benchmarks/bench_batch.py                 # 20 clients of 60 people
    python benchmarks/bench_batch.py --clients 8 --dask   # also through a Dask LocalCluster

Exit status 1 when the speed-up is below the target (only checked with at least 2 usable cores).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

TARGET_SPEEDUP = 1.6


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except (AttributeError, OSError):
        return "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--employees", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2, help="alternate serial and parallel over this many parts")
    parser.add_argument("--dask", action="store_true", help="also time a Dask LocalCluster with --workers workers")
    args = parser.parse_args(argv)

    from orgkit.batch.run import run_batch
    from orgkit.report.run import run_client
    from orgkit.data.sample import generate_client

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    load_before = _load()
    with tempfile.TemporaryDirectory(prefix="orgkit-bench-") as tmp:
        root = Path(tmp)
        src = root / "clients"
        for i in range(args.clients):
            generate_client(src / f"client-{i:02d}", employees=args.employees, seed=i)

        # the floor: one report in this process, imports already paid by a warm-up run
        run_client(src / "client-00", root / "floor", progress=False)
        t = time.perf_counter()
        run_client(src / "client-01", root / "floor", progress=False)
        floor = time.perf_counter() - t

        # serial and parallel alternate over rounds of clients, so both see the same background load
        t_serial = t_parallel = 0.0
        results = []
        for r in range(args.rounds):
            part = root / f"round-{r}"
            part.mkdir()
            for p in sorted(src.iterdir())[r::args.rounds]:
                (part / p.name).symlink_to(p, target_is_directory=True)
            t = time.perf_counter()
            results.append(run_batch(part, root / f"serial-{r}", workers=1, progress=False))
            t_serial += time.perf_counter() - t
            t = time.perf_counter()
            results.append(run_batch(part, root / f"parallel-{r}", workers=args.workers, progress=False))
            t_parallel += time.perf_counter() - t
        t_dask = None
        if args.dask:
            t = time.perf_counter()
            dask = run_batch(src, root / "dask", workers=args.workers, local_cluster=True, progress=False)
            t_dask = time.perf_counter() - t
            assert not dask.failed, dask.describe()
        for s in results:
            assert not s.failed, s.describe()

    n = args.clients
    speedup = t_serial / t_parallel
    print(f"clients: {n} x {args.employees} people; usable cores: {cores}; load average before/after: "
          f"{load_before} / {_load()} (other processes on the machine distort the ratios)")
    print(f"single report (floor, warm process): {floor:6.2f} s")
    print(f"serial batch   (workers=1): {t_serial:7.2f} s  = {t_serial / n:5.2f} s/client, "
          f"overhead {t_serial / n - floor:+.2f} s/client over the floor")
    print(f"parallel batch (workers={args.workers}): {t_parallel:7.2f} s  = {t_parallel / n:5.2f} s/client, "
          f"{n / t_parallel * 60:.1f} clients/min")
    if t_dask is not None:
        print(f"dask LocalCluster ({args.workers} workers): {t_dask:7.2f} s  = {t_serial / t_dask:.2f}x serial")
    print(f"speed-up: {speedup:.2f}x (target >= {TARGET_SPEEDUP}x on 2 cores; ideal {min(args.workers, cores)}x)")
    if cores >= 2 and args.workers >= 2 and speedup < TARGET_SPEEDUP:
        print("BELOW TARGET (other processes competing for the cores lower it)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
