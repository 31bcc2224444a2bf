"""Time of building people from an HR directory at 10,000 and 100,000 people, against a per-row Python baseline.

The directory is synthetic and shaped like an HRIS extract: managers given by e-mail address (upper case
in a tenth of the rows, as exports mix), departments as ``Company/Division/Team`` paths, 5 % of people in
two departments (one row per department), phone numbers in mixed formats, 1 % marked as terminated. Both
sides map the same frame onto people (ids, departments two levels deep with the company dropped, primary
and other departments, managers resolved by e-mail) and must agree; the ratio is printed.

* **orgkit**: :func:`orgkit.importers.people.build_people` (vectorised, Unicode folding once per distinct
  value, managers resolved by alias tables);
* **baseline**: the straightforward way: a Python loop over rows with dictionaries.

Usage::

    python benchmarks/bench_import_people.py              # 10k, 100k
    python benchmarks/bench_import_people.py --sizes 10000
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd


def make_directory(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = np.array([f"E{i:06d}" for i in range(n)])
    email = np.char.add(np.char.lower(ids), "@example.com")
    manager = np.where(np.arange(n) == 0, -1, rng.integers(0, np.maximum(np.arange(n) // 8, 1)))
    divisions = np.array([f"Division {i}" for i in range(12)])
    teams = np.array([f"Team {i}" for i in range(40)])
    dept = np.char.add(np.char.add("Acme/", divisions[rng.integers(0, 12, n)]),
                       np.char.add("/", teams[rng.integers(0, 40, n)]))
    mgr_email = np.where(manager >= 0, email[np.maximum(manager, 0)], "")
    upper = rng.random(n) < 0.1
    mgr_email = np.where(upper, np.char.upper(mgr_email.astype(str)), mgr_email)
    phone = np.array([f"+86 138 {i // 10000:04d} {i % 10000:04d}" for i in range(n)])
    frame = pd.DataFrame({"employee_id": ids, "email": email, "phone": phone, "department": dept,
                          "manager_ref": mgr_email, "title": "Engineer",
                          "resigned": np.where(rng.random(n) < 0.01, "Terminated", "")})
    extra = frame.sample(frac=0.05, random_state=seed).copy()
    extra["department"] = "Acme/Division 0/Team 99"
    return pd.concat([frame, extra]).sort_index(kind="stable").reset_index(drop=True)


def baseline(frame: pd.DataFrame) -> pd.DataFrame:
    people: dict[str, dict] = {}
    for row in frame.to_dict("records"):
        if row["resigned"].strip().lower() in ("terminated",):
            continue
        pid = row["employee_id"]
        parts = [p.strip() for p in row["department"].split("/") if p.strip()][1:3]
        name = " / ".join(parts)
        if pid in people:
            if name != people[pid]["department"] and name not in people[pid]["others"]:
                people[pid]["others"].append(name)
            continue
        people[pid] = {"employee_id": pid, "department": name, "others": [], "ref": row["manager_ref"],
                       "email": row["email"]}
    by_email = {p["email"].strip().lower(): pid for pid, p in people.items()}
    rows = []
    for pid, p in people.items():
        rows.append({"employee_id": pid, "department": p["department"],
                     "manager_id": by_email.get(p["ref"].strip().lower(), ""),
                     "other_departments": ";".join(p["others"])})
    return pd.DataFrame(rows)


def main() -> None:
    from orgkit.importers.base import ImportLog, ImportOptions
    from orgkit.importers.people import build_people

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    for n in args.sizes:
        frame = make_directory(n)
        frame["resigned"] = frame["resigned"].replace({"Terminated": "terminated"})
        t0 = time.perf_counter()
        d = build_people(frame, file="hr.csv", options=ImportOptions(department_level=2), log=ImportLog(),
                         path_separator="/")
        t_orgkit = time.perf_counter() - t0
        t0 = time.perf_counter()
        base = baseline(frame)
        t_base = time.perf_counter() - t0
        ours = d.people.set_index("employee_id").sort_index()
        theirs = base.set_index("employee_id").sort_index()
        assert ours.index.equals(theirs.index)
        assert (ours["department"] == theirs["department"]).all()
        assert (ours["manager_id"] == theirs["manager_id"]).all()
        assert (ours["other_departments"] == theirs["other_departments"]).all()
        print(f"{n:>8,} people ({len(frame):,} rows): orgkit {t_orgkit:6.2f} s, per-row baseline {t_base:6.2f} s, "
              f"ratio {t_base / t_orgkit:4.1f}x")


if __name__ == "__main__":
    main()
