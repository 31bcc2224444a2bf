"""Time of one report (``orgkit.report.run.run_client``) against the floor of the Jupyter stack.

The **floor** is what any notebook report costs here: Papermill executes a notebook whose only cell imports the
same libraries as the assessment notebook (pandas, numpy, scipy, networkx, matplotlib and orgkit's modules)
in a fresh kernel started by the same kernel manager, and nbconvert renders it with the same template, in the
same process. The **report** is ``run_client`` on a generated 1,000-person client (all six files): load and
validate, execute ``assessment.ipynb`` (assess, findings, ten figures, tables), render, publish. Both run
``--repeat`` times, alternating, and the medians are compared. Target: report <= 2 x floor.

The machine's load average is printed before and after: the report draws some figures and analyses
communication in forked child processes (``open_report(..., parallel=True)``), so it gains from a second
idle core and the ratio rises when another job keeps that core busy. ``--cells N`` lists the N slowest
cells of the last run (Papermill records each cell's duration in the executed notebook).

Usage::

    python benchmarks/bench_report.py                  # 1,000 people, 3 repeats
    python benchmarks/bench_report.py --employees 300 --repeat 5 --pdf --cells 10
    python benchmarks/bench_report.py --employees 100000 --repeat 1 --cells 8   # the 3-minute, 15 MB target
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

FLOOR_SOURCE = (
    "import numpy, pandas, scipy, networkx, matplotlib\n"
    "import orgkit.assessment, orgkit.findings, orgkit.report.blocks, orgkit.plots, orgkit.report.run\n"
)


def _floor_notebook(path: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('output_dir: str = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_code_cell(FLOOR_SOURCE), params]
    nbformat.write(nb, path)
    return path


def _floor(nb: Path, out: Path) -> float:
    from orgkit.report.render import render_html
    from orgkit.report.run import execute_notebook

    t = time.perf_counter()
    execute_notebook(nb, out / "floor.ipynb", {"output_dir": str(out)}, progress=False)
    render_html(out / "floor.ipynb", out / "floor.html")
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pdf", action="store_true", help="also print the PDF (adds Chromium's time)")
    parser.add_argument("--cells", type=int, default=0, help="list the N slowest cells of the last report")
    args = parser.parse_args()
    load_before = _load_average()

    t0 = time.perf_counter()
    import papermill  # noqa: F401  (imported once, as in a long-running CLI or batch worker)

    from orgkit.report.run import run_client
    from orgkit.data.sample import generate_client

    imports = time.perf_counter() - t0
    with tempfile.TemporaryDirectory(prefix="orgkit-bench-") as tmp:
        tmp = Path(tmp)
        client = generate_client(tmp / "bench-client", employees=args.employees, seed=1)
        nb = _floor_notebook(tmp / "floor.ipynb")
        (tmp / "floor").mkdir()
        _floor(nb, tmp / "floor")  # warm the file cache and matplotlib's font cache once
        floors, reports, steps = [], [], []
        for _ in range(args.repeat):
            floors.append(_floor(nb, tmp / "floor"))
            t = time.perf_counter()
            result = run_client(client, tmp / "reports", pdf=args.pdf, progress=False)
            reports.append(time.perf_counter() - t)
            steps.append(result.timings)
        floor, report = statistics.median(floors), statistics.median(reports)
        print(f"people: {args.employees:,}   repeats: {args.repeat}   imports in this process: {imports:.2f} s")
        print(f"floor  (papermill + nbconvert, imports only): {floor:.2f} s   runs: "
              + ", ".join(f"{x:.2f}" for x in floors))
        print(f"report (run_client{' + pdf' if args.pdf else ''}):                   {report:.2f} s   runs: "
              + ", ".join(f"{x:.2f}" for x in reports))
        median_steps = {k: statistics.median(s.get(k, 0.0) for s in steps) for k in steps[0]}
        print("report steps (median s): " + ", ".join(f"{k} {v:.2f}" for k, v in median_steps.items()))
        ratio = report / floor
        print(f"ratio report / floor: {ratio:.2f} (target <= 2.0: {'met' if ratio <= 2.0 else 'NOT met'})")
        print(f"load average (1 min) before: {load_before}, after: {_load_average()} on {os.cpu_count()} CPUs")
        sizes = {p.name: p.stat().st_size for p in (result.html, result.pdf, getattr(result, "pptx", None))
                 if p is not None and Path(p).is_file()}
        print("files: " + ", ".join(f"{name} {size / 1e6:.2f} MB" for name, size in sizes.items())
              + (f" (report.html target < 15 MB: {'met' if sizes.get('report.html', 0) < 15e6 else 'NOT met'})"))
        if args.cells:
            print("slowest cells of the last report (s):")
            for seconds, source in _slowest_cells(result.notebook, args.cells):
                print(f"  {seconds:6.3f}  {source}")


def _load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):  # not on every platform
        return "n/a"


def _slowest_cells(notebook: Path, n: int) -> list[tuple[float, str]]:
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    timed = []
    for cell in cells:
        duration = cell.get("metadata", {}).get("papermill", {}).get("duration")
        if cell.get("cell_type") == "code" and duration is not None:
            source = "".join(cell.get("source", "")).strip().splitlines()
            timed.append((float(duration), source[0][:70] if source else ""))
    return sorted(timed, reverse=True)[:n]


if __name__ == "__main__":
    main()
