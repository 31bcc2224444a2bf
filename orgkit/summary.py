"""Plain-text description of a loaded client, for ``orgkit validate`` and logs."""

from __future__ import annotations

from .client import Client
from .privacy import is_visible

__all__ = ["describe_client", "data_summary"]

_TABLES = ("people", "communication", "survey", "survey_items", "survey_previous", "decisions",
           "responsibilities")


def data_summary(client: Client) -> dict:
    """Counts, sources and warnings as plain types (the ``data`` block of ``metrics.json``).

    Department names are listed only for departments of at least ``min_group_size`` people.
    """
    mgs = client.settings.min_group_size
    sizes = client.department_sizes()
    tables = {}
    for t in _TABLES:
        df = getattr(client, t)
        if df is None:
            continue
        src = client.sources.get(t)
        tables[t] = {
            "rows": int(len(df)),
            "file": src.path.name if src else None,
            "format": src.format if src else None,
            "encoding": src.encoding if src else None,
            "sha256": src.sha256 if src else None,
            "rows_read": src.rows if src else None,
            "dropped": client.dropped.get(t, {}),
        }
    return {
        "people": int(client.n_people),
        "departments": int(len(sizes)),
        "departments_below_min_group_size": int((sizes < mgs).sum()),
        "has_hierarchy": client.has_hierarchy,
        "tables": tables,
        "warnings": [
            {"code": w.code, "file": w.file, "message": w.message, "count": int(w.count)}
            for w in client.warnings
        ],
        "visible_departments": [str(d) for d, n in sizes.items() if is_visible(n, mgs)],
    }


def describe_client(client: Client) -> str:
    """What was loaded: counts per table, departments, encodings and every warning, as text."""
    s = client.settings
    mgs = s.min_group_size
    lines = [f"{client.name}: valid ({client.path})",
             f"  settings: stage={s.stage}, language={s.language}, min_group_size={mgs}"]
    lines.append("  tables:")
    for t in _TABLES:
        df = getattr(client, t)
        if df is None:
            continue
        src = client.sources.get(t)
        where = f"{src.path.name}, {src.encoding or src.format}" if src else "in memory"
        dropped = client.dropped.get(t)
        extra = f", dropped {sum(dropped.values())}" if dropped else ""
        lines.append(f"    {t:<17} {len(df):>9,} rows  ({where}{extra})")
    sizes = client.department_sizes()
    lines.append(f"  departments: {len(sizes)} ({int((sizes < mgs).sum())} below the minimum group size "
                 f"of {mgs})")
    for dept, n in sizes.items():
        lines.append(f"    {dept:<30} {n:>7,}" if is_visible(n, mgs) else f"    {dept:<30} {'<' + str(mgs):>7}")
    if client.warnings:
        lines.append(f"  warnings ({len(client.warnings)}):")
        lines += [f"    - {w}" for w in client.warnings]
    else:
        lines.append("  warnings: none")
    return "\n".join(lines)
