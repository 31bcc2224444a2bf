"""The org chart at 1,000 / 10,000 / 100,000 people: drawing it against building the reporting tree it shows.

For each size, a sample client is generated (``orgkit.data.sample.generate_client``) and loaded; then, in one
process, each timing the best of ``--repeat`` runs:

* **tree**: ``Hierarchy.from_people`` on the people table, the floor of any chart of the hierarchy (ids to
  positions, cycle check);
* **chart**: ``plot_org_chart`` (plan, labels, layout, matplotlib artists) and ``figure_svg`` (what the
  report embeds), with the SVG's size.

The ratio chart / tree, and the chart's own work (chart minus tree), say what the chart costs beyond reading
the tree. Its own work grows far slower than the headcount (about 0.05 s at 1,000 people, 0.4 s at 100,000
on a laptop-class core): everything per person is arrays, and only the boxes drawn (a few dozen) are Python
objects. The SVG's size does not grow with the headcount.

Usage::

    python benchmarks/bench_org_chart.py                  # 1k, 10k, 100k
    python benchmarks/bench_org_chart.py --sizes 1000 5000 --repeat 5
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def _best(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from orgkit import load_client
    from orgkit.data.hierarchy import Hierarchy
    from orgkit.data.sample import generate_client
    from orgkit.plots.structure import plot_org_chart
    from orgkit.plots.style import figure_svg
    from orgkit.privacy import top_of_organisation

    print(f"{'people':>8} {'tree':>8} {'chart':>8} {'own':>8} {'svg':>8} {'SVG KB':>7} {'chart/tree':>10} {'boxes':>6}")
    with tempfile.TemporaryDirectory(prefix="orgkit-bench-") as tmp:
        for n in args.sizes:
            people = load_client(generate_client(Path(tmp) / f"c{n}", employees=n, seed=1)).people
            top = top_of_organisation(people, 5)
            plot_org_chart(people.head(50))  # fonts and imports once, outside the timings
            tree, _ = _best(lambda: Hierarchy.from_people(people), args.repeat)
            chart, fig = _best(lambda: plot_org_chart(people, min_group_size=5, top=top), args.repeat)
            svg_time, svg = _best(lambda: figure_svg(fig, salt="org_chart"), args.repeat)
            boxes = sum(1 for p in fig.axes[0].patches if (p.get_gid() or "").startswith("org-box-"))
            print(f"{n:>8,} {tree:>7.3f}s {chart:>7.3f}s {chart - tree:>7.3f}s {svg_time:>7.3f}s "
                  f"{len(svg) / 1024:>7.0f} {chart / tree:>10.1f} {boxes:>6}")


if __name__ == "__main__":
    main()
