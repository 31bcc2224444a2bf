"""Time of report.pdf (contents with page numbers, footer, clipping check) against Chromium's plain print.

The **baseline** is what printing cost before the PDF had page numbers: Chromium's command line
(``--print-to-pdf``) prints report.html once, with no footer and no contents numbers; it is also what Windows
still gets. The **PDF** is :func:`orgkit.report.pdf.print_report`: one Chromium driven over the DevTools pipe
opens the page, prints it, reads where each heading landed (pypdf), writes the numbers into the contents,
prints again (a third time if anything moved), and checks the print layout for clipped tables and figures.
Both print the same report.html, ``--repeat`` times, alternating; the medians are compared. Target: the PDF
within 2.5 x the baseline (two prints, plus reading the PDF twice).

The report is written once first (bundled sample client, or a generated client of ``--employees`` people).
Without Chromium, or without the pipe (Windows), the benchmark says so and stops.

Usage::

    python benchmarks/bench_pdf.py                          # the bundled sample, English, 3 repeats
    python benchmarks/bench_pdf.py --employees 5000 --language zh
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path


def _load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):  # not on every platform
        return "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=0, help="people in a generated client (0: the sample)")
    parser.add_argument("--language", default="en", choices=["en", "zh"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from orgkit.report import chromium
    from orgkit.report.pdf import print_report
    from orgkit.report.run import run_client

    executable = chromium.find_chromium()
    if executable is None or not chromium.pipe_supported():
        print("skipped: needs headless Chromium driven over the DevTools pipe (POSIX; apt-get install chromium)")
        return
    load_before = _load_average()
    with tempfile.TemporaryDirectory(prefix="orgkit-bench-pdf-") as tmp:
        tmp = Path(tmp)
        if args.employees:
            from orgkit.data.sample import generate_client

            client = generate_client(tmp / "bench-client", employees=args.employees, seed=1)
        else:
            from orgkit.data.sample import sample_client_path

            client = sample_client_path()
        report = run_client(client, tmp / "reports", language=args.language, progress=False)
        html = report.html
        plain, full, prints, pages = [], [], 0, 0
        for i in range(args.repeat):
            out = tmp / f"plain-{i}.pdf"
            t = time.perf_counter()
            cmd = chromium.chromium_command(executable, tmp / f"profile-{i}", f"--print-to-pdf={out}",
                                            html.resolve().as_uri())
            subprocess.run(cmd, check=True, capture_output=True, stdin=subprocess.DEVNULL, timeout=300)
            plain.append(time.perf_counter() - t)
            t = time.perf_counter()
            done = print_report(html, tmp / f"full-{i}.pdf", language=args.language, timeout=300)
            full.append(time.perf_counter() - t)
            prints, pages = done.prints, done.pages
        base, new = statistics.median(plain), statistics.median(full)
        who = f"{args.employees:,} people" if args.employees else "the bundled sample"
        print(f"report: {who}, {args.language}, {html.stat().st_size / 1e6:.1f} MB of HTML; PDF {pages} pages, "
              f"{prints} prints; repeats: {args.repeat}")
        print(f"baseline (--print-to-pdf, one print):      {base:.2f} s   runs: " + ", ".join(f"{x:.2f}" for x in plain))
        print(f"PDF (pipe, contents numbers, clip check): {new:.2f} s   runs: " + ", ".join(f"{x:.2f}" for x in full))
        ratio = new / base
        print(f"ratio PDF / baseline: {ratio:.2f} (target <= 2.5: {'met' if ratio <= 2.5 else 'NOT met'})")
        print(f"load average (1 min) before: {load_before}, after: {_load_average()} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
