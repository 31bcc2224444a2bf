"""Time ``orgkit.data.reading.read_table`` on a sample client's files against a plain pyarrow read of the same file.

The baseline is ``pd.read_csv(path, engine="pyarrow", dtype=str)``: the fastest way pandas reads a CSV as
text, without what ``read_table`` adds (the SHA-256 of the bytes, the encoding decided from evidence, the
limits, trimming every cell, dropping blank rows and empty unnamed columns). Both run in this process,
alternating, and the best of ``--repeat`` runs of each is kept; the ratio is printed. Also times a
GB18030 copy of the file (decoded to UTF-8 before the parser) and an XLSX workbook of ``people``.

Usage::

    python benchmarks/bench_reading.py                       # a 100,000-person sample (~1M communication rows)
    python benchmarks/bench_reading.py --employees 10000
    python benchmarks/bench_reading.py --folder /tmp/big     # an existing client folder
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from pathlib import Path

import pandas as pd


def _best(func, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--folder", type=Path, help="an existing client folder (skips generating one)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    from orgkit.data.reading import read_table

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder
        if folder is None:
            from orgkit.data.sample import generate_client

            folder = Path(tmp) / "client"
            generate_client(folder, employees=args.employees, seed=1)
        path = folder / "communication.csv"
        rows = len(read_table(path)[0])
        print(f"{path}: {path.stat().st_size / 2**20:.1f} MiB, {rows:,} rows")
        plain = ours = float("inf")
        for _ in range(args.repeat):  # alternate, so both see the same machine load
            plain = min(plain, _best(lambda: pd.read_csv(path, engine="pyarrow", dtype=str), 1))
            ours = min(ours, _best(lambda: read_table(path), 1))
        print(f"  pd.read_csv(engine='pyarrow', dtype=str): {plain:.3f} s")
        print(f"  orgkit read_table:                         {ours:.3f} s  ({ours / plain:.2f}x)")
        data = path.read_bytes()
        sha = _best(lambda: hashlib.sha256(data).hexdigest(), args.repeat)
        print(f"    (the SHA-256 of the bytes, which read_table records, takes {sha:.3f} s alone)")

        gb = Path(tmp) / "communication.csv"
        gb.write_bytes(path.read_bytes().decode("utf-8").encode("gb18030"))
        print(f"  read_table, the same file in GB18030:      {_best(lambda: read_table(gb), args.repeat):.3f} s")

        people = folder / "people.csv"
        frame = read_table(people)[0]
        book = Path(tmp) / "people.xlsx"
        frame.to_excel(book, index=False)
        t_ours = _best(lambda: read_table(book), 1)
        t_pandas = _best(lambda: pd.read_excel(book, dtype=str), 1)
        print(f"{book.name}: {len(frame):,} rows; read_table {t_ours:.2f} s, pd.read_excel {t_pandas:.2f} s "
              f"({t_ours / t_pandas:.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
