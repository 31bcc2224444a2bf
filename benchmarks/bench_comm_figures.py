"""Time of the report's two communication figures at a given size, against the E-I figure drawn in the same
process.

For each size a sample client is generated, loaded and its communication analysed once; then, ``--repeat``
times each, alternating:

* **numbers**: ``department_mixing`` from the ties as ids (what an analyst calls; the report takes the same
  numbers from ``analyze_communication``, which computes them on its integer graph in milliseconds);
* **mixing**: ``plot_department_mixing`` written as the report's SVG;
* **network**: what ``ReportBook.network`` draws: the largest connected group person by person (with its
  seeded layout) when it has at most ``communication.network.max_people`` people, else the department graph;
  written as SVG;
* **baseline**: ``plot_ei_index`` of the same client written as SVG: one of the report's ordinary figures.

Medians are printed with their ratio to the baseline, so a slower machine or one shared with other jobs
reads the same. The department figures do not grow with the number of people (departments do not); the
people network is drawn only up to its limit.

Usage::

    python benchmarks/bench_comm_figures.py                     # 150 and 5,000 people
    python benchmarks/bench_comm_figures.py --sizes 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def run(employees: int, repeat: int) -> None:
    from orgkit.areas.communication import analyze_communication, department_mixing
    from orgkit.data.loading import load_client
    from orgkit.data.sample import generate_client
    from orgkit.plots.communication import (network_layout, plot_department_graph, plot_department_mixing,
                                            plot_ei_index, plot_network)
    from orgkit.plots.style import figure_svg
    from orgkit.thresholds import DEFAULTS

    with tempfile.TemporaryDirectory() as tmp:
        client = load_client(generate_client(Path(tmp) / "c", employees=employees))
    r = analyze_communication(client)
    silos = r.metrics["silos"]
    limit = int(DEFAULTS["communication.network.max_people"])
    people_level = len(r.components.largest) <= limit

    def numbers() -> None:
        department_mixing(client.people, r.edges, min_group_size=5, max_departments=30, keep=silos)

    def mixing() -> None:
        figure_svg(plot_department_mixing(r.mixing, silos=silos), salt="mixing")

    def network() -> None:
        if people_level:
            layout = network_layout(r.edges, r.components.largest, seed=0)
            fig = plot_network(client.people, r.edges, components=r.components, layout=layout,
                               brokers=r.brokers["employee_id"].head(5).tolist())
        else:
            fig = plot_department_graph(r.mixing, silos=silos, brokers=r.brokers.head(5).assign(
                label=r.brokers["employee_id"].head(5)))
        figure_svg(fig, salt="network")

    def baseline() -> None:
        figure_svg(plot_ei_index(r.departments), salt="ei")

    steps = {"numbers": numbers, "mixing": mixing, "network": network, "baseline": baseline}
    times: dict[str, list[float]] = {name: [] for name in steps}
    for fn in steps.values():  # warm up (fonts, imports)
        fn()
    for _ in range(repeat):
        for name, fn in steps.items():
            times[name].append(_timed(fn))
    med = {k: statistics.median(v) for k, v in times.items()}
    kind = "people" if people_level else "departments"
    print(f"{employees:>7,} people, {len(r.mixing.labels)} rows, network of {kind}: "
          f"numbers {med['numbers']:.3f} s, mixing figure {med['mixing']:.3f} s ({med['mixing'] / med['baseline']:.2f}x the E-I figure), "
          f"network {med['network']:.3f} s ({med['network'] / med['baseline']:.2f}x), "
          f"E-I figure {med['baseline']:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[150, 5000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for n in args.sizes:
        run(n, args.repeat)


if __name__ == "__main__":
    main()
