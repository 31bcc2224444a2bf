"""Plain-text description of a loaded client, for ``orgkit validate`` and logs.

Neither :func:`data_summary` (``metrics.json``) nor :func:`describe_client` (the terminal) names a
department smaller than the minimum group size, or one that is not in people; ``orgkit validate
--show-small-groups`` (``describe_client(client, show_small_groups=True)``) lists them for the consultant
who must fix the data.
"""

from __future__ import annotations

from orgkit.data.client import Client, DataWarning
from orgkit.privacy import OTHER_GROUP, complementary_suppression, is_visible, scrub_names, visible_groups

__all__ = ["describe_client", "data_summary", "hidden_group_names", "public_warning"]

_TABLES = ("people", "communication", "survey", "survey_items", "survey_previous", "decisions",
           "responsibilities")


def hidden_group_names(client: Client) -> set[str]:
    """Every department name the client's data mentions that may not be shown.

    Departments of people with fewer than ``min_group_size`` people, and the names data warnings
    carry (:attr:`DataWarning.groups`: departments of survey or responsibilities that are not in people),
    unless they are departments of at least ``min_group_size`` people.
    """
    sizes = client.department_sizes()
    visible = visible_groups(sizes, client.settings.min_group_size)
    names = {str(d) for d in sizes.index} | {g for w in client.warnings for g in getattr(w, "groups", ())}
    return names - visible


def public_warning(warning: DataWarning, hidden: set[str]) -> dict:
    """A data warning as ``metrics.json`` holds it: code, file, message and count, without group names.

    orgkit's messages give counts; any name of ``hidden`` in a message is still replaced by
    :data:`~orgkit.privacy.OTHER_GROUP`.
    """
    return {"code": warning.code, "file": warning.file, "message": scrub_names(warning.message, hidden),
            "count": int(warning.count)}


def data_summary(client: Client) -> dict:
    """Counts, sources and warnings as plain types (the ``data`` block of ``metrics.json``).

    Department names are listed only for departments of at least ``min_group_size`` people; warnings
    give counts, never the names of smaller departments.
    """
    mgs = client.settings.min_group_size
    sizes = client.department_sizes()
    hidden = hidden_group_names(client)
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
        "warnings": [public_warning(w, hidden) for w in client.warnings],
        "visible_departments": [str(d) for d, n in sizes.items() if is_visible(n, mgs)],
    }


def describe_client(client: Client, *, show_small_groups: bool = False) -> str:
    """What was loaded: counts per table, departments, encodings and every warning, as text.

    Parameters
    ----------
    client : Client
    show_small_groups : bool
        Also name the departments smaller than the minimum group size (with their headcount) and the
        department names warnings are about. Off by default: the text may be pasted or logged, and a
        small group is not named anywhere else. The consultant needs them to fix the data.
    """
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
    small = sizes < mgs
    lines.append(f"  departments: {len(sizes)} ({int(small.sum())} below the minimum group size "
                 f"of {mgs})")
    # sizes hidden so that total - shown cannot single out a small department
    hidden = complementary_suppression(sizes, small, mgs)
    for dept, n in sizes[~small].items():
        lines.append(f"    {dept:<30} {n:>7,}" if not hidden[dept] else f"    {dept:<30} {'hidden':>7}")
    if small.any():
        if show_small_groups:
            for dept, n in sizes[small].items():
                lines.append(f"    {dept:<30} {n:>7,}  (below {mgs}: never named in reports or metrics)")
        else:
            lines.append(f"    {OTHER_GROUP:<30} {int(small.sum()):>7,} department(s) of fewer than {mgs} people")
    if client.warnings:
        lines.append(f"  warnings ({len(client.warnings)}):")
        for w in client.warnings:
            lines.append(f"    - {w}")
            if show_small_groups and w.groups:
                lines.append(f"        {', '.join(w.groups)}")
    else:
        lines.append("  warnings: none")
    named = any(w.groups for w in client.warnings) or bool(small.any())
    if named and not show_small_groups:
        lines.append("  Small departments and unknown department names are not named here; "
                     "`orgkit validate --show-small-groups` lists them.")
    return "\n".join(lines)
