"""Time and peak memory of turning message events into ties: orgkit's DuckDB import against pandas.

Generates ``--events`` synthetic messages (default 10 million; vectorised with NumPy and pyarrow) as a
Parquet file and a CSV file in a temporary folder: a sender, ``;``-joined recipients (mostly 1-3, drawn
from the sender's 40 contacts; 0.5% mass messages to 40 people anywhere), an ISO 8601 UTC time over a
year and a channel. Then, for each file, each run in its own subprocess so that its peak resident memory is its own (``VmHWM`` of ``/proc/self/status``:
``ru_maxrss`` would also count the parent's memory at the fork, which Linux carries across ``exec``; the
events are generated in a subprocess too, so the parent stays small):

* **orgkit**: :func:`orgkit.importers.ties.aggregate_events` — DuckDB streams the file, splits the
  recipients, converts times to Asia/Shanghai, applies a window of 300 days and the cap of 25 recipients,
  drops self-messages and aggregates ties;
* **pandas**: the same rules the usual way — read every event (``pd.read_csv(engine="pyarrow")`` /
  ``pd.read_parquet``), ``str.split`` + ``explode``, ``groupby().size()``.

The two must give the same ties (checked). Printed: seconds, peak RSS and the ratios (target: at least 5x
faster and at most a quarter of the memory).

Usage::

    python benchmarks/bench_import_events.py                   # 10 million events
    python benchmarks/bench_import_events.py --events 50000000 --only parquet --skip-pandas
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

import numpy as np

ZONE = "Asia/Shanghai"
SINCE, UNTIL = "2024-02-01", "2024-11-27"
CAP = 25
CONTACTS = 40


def generate(folder: Path, events: int, people: int, seed: int = 1) -> dict[str, Path]:
    """Write ``events.parquet`` and ``events.csv`` (vectorised; written in slices of 5 million)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    ids = pa.array([f"E{i:06d}" for i in range(people)])
    start = np.datetime64("2024-01-01T00:00:00", "s").astype(np.int64)
    team = (np.arange(people)[:, None] + rng.integers(-20, 21, (people, CONTACTS))) % people
    contacts = np.where(rng.random((people, CONTACTS)) < 0.7, team, rng.integers(0, people, (people, CONTACTS)))
    pq_path, csv_path = folder / "events.parquet", folder / "events.csv"
    pw = None
    cw = None
    step = 5_000_000
    try:
        for lo in range(0, events, step):
            n = min(step, events - lo)
            sender = rng.integers(0, people, n)
            k = np.minimum(rng.geometric(0.55, n), 8)
            k[rng.random(n) < 0.005] = 40
            offsets = np.concatenate([[0], np.cumsum(k)]).astype(np.int32)
            # each person writes to their own 40 contacts (70% in their team, 30% anywhere); mass messages to anyone
            slot = rng.integers(0, CONTACTS, int(offsets[-1]))
            flat = contacts[np.repeat(sender, k), slot]
            mass = np.repeat(k == 40, k)
            flat[mass] = rng.integers(0, people, int(mass.sum()))
            lists = pa.ListArray.from_arrays(pa.array(offsets), pc.take(ids, pa.array(flat)))
            recipients = pc.binary_join(lists, ";")
            secs = start + rng.integers(0, 366 * 86400, n)
            sent = pc.strftime(pa.array(secs.astype("datetime64[s]")), format="%Y-%m-%dT%H:%M:%SZ")
            channel = pc.take(pa.array(["email", "chat"]), pa.array(rng.integers(0, 2, n)))
            table = pa.table({"sender": pc.take(ids, pa.array(sender)), "recipients": recipients,
                              "sent": sent, "channel": channel})
            if pw is None:
                pw = pq.ParquetWriter(pq_path, table.schema)
                cw = pacsv.CSVWriter(csv_path, table.schema)
            pw.write_table(table, row_group_size=1_000_000)
            cw.write_table(table)
    finally:
        if pw is not None:
            pw.close()
        if cw is not None:
            cw.close()
    return {"parquet": pq_path, "csv": csv_path}


def run_orgkit(path: Path) -> "object":
    import datetime as dt

    from orgkit.importers.base import ImportLog, ImportOptions
    from orgkit.importers.ties import EventSource, aggregate_events

    kind = "parquet" if path.suffix == ".parquet" else "csv"
    source = EventSource(kind, (str(path),), "sender", ("recipients",), "sent", "channel", None,
                         "," if kind == "csv" else None, path.name)
    options = ImportOptions(timezone=ZONE, since=dt.datetime.fromisoformat(SINCE),
                            until=dt.datetime.fromisoformat(UNTIL), max_recipients=CAP)
    return aggregate_events([source], options, ImportLog(), default_channel="email")


def run_pandas(path: Path) -> "object":
    import pandas as pd

    cols = ["sender", "recipients", "sent", "channel"]
    if path.suffix == ".parquet":
        df = pd.read_parquet(path, columns=cols)
    else:
        df = pd.read_csv(path, usecols=cols, dtype=str, engine="pyarrow")
    t = pd.to_datetime(df["sent"], utc=True, format="ISO8601").dt.tz_convert(ZONE).dt.tz_localize(None)
    df = df[(t >= pd.Timestamp(SINCE)) & (t < pd.Timestamp(UNTIL))]
    pairs = df.assign(r=df["recipients"].str.split(";"))[["sender", "r", "channel"]].explode("r")
    pairs = pairs[pairs["r"].notna() & (pairs["r"] != "")]
    pairs = pairs[~pairs.set_index("r", append=True).index.duplicated()]  # a recipient listed twice: once
    others = (pairs["r"] != pairs["sender"]).groupby(level=0).sum()  # distinct recipients but the sender
    pairs = pairs[pairs.index.map(others).to_numpy() <= CAP]
    pairs = pairs[pairs["r"] != pairs["sender"]]
    ties = pairs.groupby(["sender", "r", "channel"], sort=True).size().reset_index()
    ties.columns = ["source_id", "target_id", "channel", "weight"]
    return ties[["source_id", "target_id", "weight", "channel"]].reset_index(drop=True)


def peak_rss() -> int:
    """This process's peak resident memory in bytes (VmHWM on Linux, else ru_maxrss)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def child(engine: str, path: Path, out: Path | None) -> int:
    start = time.perf_counter()
    ties = run_orgkit(path) if engine == "orgkit" else run_pandas(path)
    seconds = time.perf_counter() - start
    peak = peak_rss()
    if out is not None:
        ties.to_parquet(out)
    print(json.dumps({"seconds": seconds, "peak": peak, "ties": len(ties), "weight": int(ties["weight"].sum())}))
    return 0


def measure(engine: str, path: Path, out: Path | None = None) -> dict:
    cmd = [sys.executable, __file__, "--child", engine, str(path)] + (["--out", str(out)] if out else [])
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{engine} on {path.name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def baseline_rss() -> int:
    """Peak RSS of a subprocess that only imports what both runs import (Python, pandas, pyarrow)."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import pandas, pyarrow, pyarrow.parquet, duckdb, "
            "orgkit.importers.ties, bench_import_events as b; print(b.peak_rss())")
    return int(subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent)], capture_output=True,
                              text=True, check=True).stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--only", choices=["parquet", "csv"], default=None)
    parser.add_argument("--skip-pandas", action="store_true", help="time orgkit only (e.g. at 50 million)")
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        if args.child[0] == "generate":
            generate(Path(args.child[1]), args.events, args.people)
            return 0
        return child(args.child[0], Path(args.child[1]), args.out)

    with tempfile.TemporaryDirectory(prefix="bench-events-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--child", "generate", str(folder), "--events", str(args.events),
                        "--people", str(args.people)], check=True)
        files = {"parquet": folder / "events.parquet", "csv": folder / "events.csv"}
        print(f"generated {args.events:,} events for {args.people:,} people in {time.perf_counter() - start:.0f} s: "
              + ", ".join(f"{p.name} {p.stat().st_size / 2**20:,.0f} MiB" for p in files.values()))
        base = baseline_rss()
        print(f"a process importing Python, pandas, pyarrow and DuckDB alone peaks at {base / 2**20:,.0f} MiB")
        for kind, path in files.items():
            if args.only and kind != args.only:
                continue
            ours = measure("orgkit", path, folder / f"ours-{kind}.parquet")
            line = (f"{kind:8} orgkit (DuckDB): {ours['seconds']:7.1f} s, peak {ours['peak'] / 2**20:7,.0f} MiB, "
                    f"{ours['ties']:,} ties")
            if args.skip_pandas:
                print(line)
                continue
            theirs = measure("pandas", path, folder / f"pandas-{kind}.parquet")
            print(line)
            print(f"{kind:8} pandas:          {theirs['seconds']:7.1f} s, peak {theirs['peak'] / 2**20:7,.0f} MiB, "
                  f"{theirs['ties']:,} ties")
            import pandas as pd

            a = pd.read_parquet(folder / f"ours-{kind}.parquet")
            b = pd.read_parquet(folder / f"pandas-{kind}.parquet")
            same = a.reset_index(drop=True).astype(str).equals(b.reset_index(drop=True).astype(str))
            print(f"{kind:8} -> orgkit is {theirs['seconds'] / ours['seconds']:.1f}x faster with "
                  f"{ours['peak'] / theirs['peak']:.2f}x the peak memory "
                  f"({(ours['peak'] - base) / max(theirs['peak'] - base, 1):.2f}x above the import baseline); "
                  f"same ties: {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
