"""The portfolio overview of a reports folder: ``index.html`` (sortable, linked, RAG-coloured) and ``summary.csv``.

:func:`build_overview` reads every ``<slug>/metrics.json`` under a reports folder, so clients skipped by
a batch (or reported by ``orgkit report``) appear as well as those just built. Clients seen at several
dates (the same name with different ``wave`` values) get their trend: scores per wave in order, each with
its change from the previous wave. :func:`orgkit.batch.run.run_batch` calls it at the end of every run.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import math
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from orgkit.files.atomic import not_ours, output_errors, write_text
from orgkit.files.csvsafe import write_csv
from orgkit.findings import score_status
from orgkit.i18n import t, tn
from orgkit.thresholds import DEFAULTS

__all__ = [
    "build_overview",
    "read_reports",
    "summary_table",
    "score_status",
    "wave_sort_key",
    "comparison_folder",
    "OverviewPaths",
    "SCORE_AREAS",
    "STATUS_WORDS",
    "HEADLINES",
]

logger = logging.getLogger(__name__)

#: Score columns of the overview: metrics.json ``scores`` key -> catalogue key of the column label.
SCORE_AREAS: dict[str, str] = {
    "structure": "overview.column.structure",
    "communication": "overview.column.communication",
    "decisions": "overview.column.decisions",
    "survey": "overview.column.survey",
    "overall": "overview.column.overall",
}
#: Headline numbers: summary.csv column -> (catalogue key of the label, area block of metrics.json, key, format).
HEADLINES: dict[str, tuple[str, str, str, str]] = {
    "people": ("overview.column.people", "client", "people", "int"),
    "layers": ("overview.column.layers", "structure", "layers", "int"),
    "span_mean": ("overview.column.span_mean", "structure", "span_mean", "1"),
    "density": ("overview.column.density", "communication", "density", "3"),
    "ei_index": ("overview.column.ei_index", "communication", "ei_index", "2"),
    "hops_median": ("overview.column.hops_median", "decisions", "hops_median", "1"),
    "survey_favourable": ("overview.column.survey_favourable", "survey", "favourable", "pct"),
    "survey_response_rate": ("overview.column.survey_response_rate", "survey", "response_rate", "pct"),
}
#: The statuses of a client in the last run (summary.csv's ``status``) -> catalogue key of its word.
STATUS_WORDS: dict[str, str] = {
    "done": "overview.status.done",
    "skipped": "overview.status.skipped",
    "failed": "overview.status.failed",
    "not run": "overview.status.not_run",
    "earlier run": "overview.status.earlier_run",
}
_CHANGE_EPS = 0.05


def comparison_folder(previous_slug: str, slug: str) -> str:
    """The folder of a wave's comparison with its previous wave, beside their reports
    (:func:`orgkit.batch.waves.run_wave_comparisons` writes it; the trend table links it).

    Examples
    --------
    >>> comparison_folder("acme-2025-q1", "acme-2025-q2")
    'acme-2025-q1-to-acme-2025-q2'
    """
    return f"{previous_slug}-to-{slug}"


@dataclass(frozen=True)
class OverviewPaths:
    """Where :func:`build_overview` wrote: ``index_html`` and ``summary_csv``."""

    index_html: Path
    summary_csv: Path


def wave_sort_key(wave: str | None) -> tuple:
    """Natural order of wave labels: ``2025-Q2`` before ``2025-Q10``; ISO dates in date order; no wave first.

    Examples
    --------
    >>> sorted(["2025-Q10", "2025-Q2", None, "2024-Q4"], key=wave_sort_key)
    [None, '2024-Q4', '2025-Q2', '2025-Q10']
    """
    if wave is None:
        return ((-1, ""),)
    parts = re.findall(r"\d+|\D+", str(wave).strip().lower())
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and (math.isnan(value) or math.isinf(value)) else float(value)
    if isinstance(value, Mapping):  # e.g. survey favourable per dimension: their mean
        values = [v for v in (_number(x) for x in value.values()) if v is not None]
        return sum(values) / len(values) if values else None
    return None


def report_metrics(root: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(folder name, metrics.json)`` of every report folder in ``root``, in name order.

    Hidden folders, ``*.failed`` folders and files that cannot be read as a JSON object are skipped (an
    unreadable file with a warning).
    """
    for metrics in sorted(root.glob("*/metrics.json")):
        slug = metrics.parent.name
        if slug.startswith(".") or slug.endswith(".failed"):
            continue
        try:
            data = json.loads(metrics.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            logger.warning("skipping %s: %s", metrics, exc)
            continue
        if isinstance(data, dict):
            yield slug, data


def read_reports(output_dir: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """One flat dict per report folder ``output_dir/<slug>/metrics.json``, in slug order.

    Parameters
    ----------
    output_dir : path
        A reports folder.

    Returns
    -------
    list of dict
        ``slug``, ``client`` (the batch name, else the report's client name), ``wave``, ``report`` (the
        relative link ``<slug>/report.html``), ``deck`` (``<slug>/report.pptx`` when there is one), ``stage``, ``language``, ``generated_at``, every column of
        :data:`HEADLINES` and ``<area>_score`` for every key of :data:`SCORE_AREAS`; ``None`` where the
        report has no such number. Hidden folders, ``*.failed`` folders and unreadable files are skipped.
    """
    root = Path(output_dir)
    rows = []
    if not root.is_dir():
        return rows
    for slug, data in report_metrics(root):
        client = data.get("client") or {}
        batch = data.get("batch") or {}
        row: dict[str, Any] = {
            "client": batch.get("name") or client.get("name") or slug,
            "wave": batch.get("wave"),
            "slug": slug,
            "report": f"{slug}/report.html" if (root / slug / "report.html").is_file() else None,
            "deck": f"{slug}/report.pptx" if (root / slug / "report.pptx").is_file() else None,
            "stage": client.get("stage"),
            "language": client.get("language"),
            "generated_at": data.get("generated_at"),
            "orgkit_version": data.get("orgkit_version"),
        }
        for column, (_, area, key, _) in HEADLINES.items():
            block = data.get(area) or {}
            row[column] = _number(block.get(key)) if isinstance(block, Mapping) else None
        scores = data.get("scores") or {}
        for area in SCORE_AREAS:
            row[f"{area}_score"] = _number(scores.get(area))
        rows.append(row)
    return rows


def _load_outcomes(root: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads((root / "batch.json").read_text(encoding="utf-8"))
        return list(data.get("clients") or [])
    except (OSError, ValueError, AttributeError):
        return []


def summary_table(
    output_dir: str | os.PathLike[str],
    outcomes: Iterable[Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """The numbers of every report in ``output_dir``, one row per client and wave, plus failed clients.

    Parameters
    ----------
    output_dir : path
        A reports folder.
    outcomes : iterable of mapping, optional
        What the last batch did per client (``slug``, ``status``, ``reason``, ``name``, ``wave``);
        default: ``output_dir/batch.json`` when present.

    Returns
    -------
    DataFrame
        Columns ``client``, ``wave``, ``slug``, ``status``, ``reason``, ``report``, ``stage``,
        ``language``, the :data:`HEADLINES` columns, ``<area>_score`` and ``<area>_change`` (the change
        from the client's previous wave; missing without one), ``generated_at``, ``orgkit_version``, ``deck``
        (the slide deck's relative link, when there is one);
        sorted by client and wave. A client that failed without an earlier report has a row with its
        reason and no numbers.

    Notes
    -----
    Waves group by client name, and only rows with a wave are grouped: two different clients that
    happen to share a name but have no wave stay separate rows.
    """
    root = Path(output_dir)
    rows = read_reports(root)
    outcomes = list(outcomes) if outcomes is not None else _load_outcomes(root)
    by_slug = {str(o.get("slug")): o for o in outcomes}
    seen = set()
    for row in rows:
        o = by_slug.get(row["slug"])
        seen.add(row["slug"])
        row["status"] = o.get("status") if o else "earlier run"
        row["reason"] = o.get("reason") if o and o.get("status") == "failed" else None
    for slug, o in by_slug.items():
        if slug in seen or o.get("status") not in ("failed", "not run"):
            continue
        rows.append({"client": o.get("name") or slug, "wave": o.get("wave"), "slug": slug,
                     "status": o.get("status"), "reason": o.get("reason"), "report": None})
    columns = (["client", "wave", "slug", "status", "reason", "report", "stage", "language"] + list(HEADLINES)
               + [f"{a}_score" for a in SCORE_AREAS] + [f"{a}_change" for a in SCORE_AREAS]
               + ["generated_at", "orgkit_version", "deck"])
    table = pd.DataFrame(rows, columns=columns)
    text_cols = ["client", "wave", "slug", "status", "reason", "report", "stage", "language", "generated_at",
                 "orgkit_version", "deck"]
    for c in text_cols:
        table[c] = table[c].astype("str")
    for c in columns:
        if c not in text_cols:
            table[c] = pd.to_numeric(table[c], errors="coerce").astype("float64")
    if table.empty:
        return table
    order = sorted(range(len(table)), key=lambda i: (str(table.at[i, "client"]).casefold(),
                                                     wave_sort_key(table.at[i, "wave"]), str(table.at[i, "slug"])))
    table = table.iloc[order].reset_index(drop=True)
    # change from the previous wave of the same client (rows with a wave and numbers only)
    waved = table[table["wave"].notna() & table["report"].notna()]
    key = waved["client"].str.casefold()
    for area in SCORE_AREAS:
        col = f"{area}_score"
        change = waved.groupby(key, sort=False)[col].diff()
        table.loc[waved.index, f"{area}_change"] = change.to_numpy()
    return table


# --------------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------------
def _fmt(value: Any, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kind == "int":
        return f"{int(round(value)):,}"
    if kind == "pct":
        return f"{100 * value:.0f}%"
    return f"{value:.{int(kind)}f}"


def _change_text(change: Any) -> tuple[str, str]:
    if change is None or (isinstance(change, float) and math.isnan(change)):
        return "", ""
    if abs(change) < _CHANGE_EPS:
        return "→ 0.0", "ok-flat"
    return (f"▲ +{change:.1f}", "ok-up") if change > 0 else (f"▼ −{abs(change):.1f}", "ok-down")


def _cell(text: str, value: Any = None, cls: str = "", href: str | None = None, title: str | None = None,
          change: str = "", change_cls: str = "", sub: str = "", sub_href: str | None = None,
          deck: str | None = None) -> dict[str, Any]:
    v = "" if value is None or (isinstance(value, float) and math.isnan(value)) else value
    return {"text": text, "v": v, "cls": cls, "href": href, "title": title, "change": change,
            "change_cls": change_cls, "sub": sub, "sub_href": sub_href, "deck": deck}


def _anchor(client: str) -> str:
    return "trend-" + (re.sub(r"[^\w]+", "-", client.casefold()).strip("-") or "client")


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _row_cells(r: Mapping[str, Any], *, waves: int = 1, language: str = "en") -> list[dict[str, Any]]:
    status = r.get("status") or ""
    status_cls = {"failed": "ok-red", "not run": "ok-grey"}.get(status, "")
    title = r.get("reason") or None
    slug = r.get("slug") or ""
    cells = [
        _cell(r["client"], str(r["client"]).casefold(), href=r.get("report"),
              sub=slug if slug != str(r["client"]).casefold() else "", deck=_plain(r.get("deck"))),
        _cell(r.get("wave") or "–", "" if r.get("wave") is None else str(r.get("wave")), cls="ok-nowrap",
              sub=tn("overview.waves", waves, language) if waves > 1 else "",
              sub_href=f"#{_anchor(str(r['client']))}" if waves > 1 else None),
        _cell(t(STATUS_WORDS[status], language) if status in STATUS_WORDS else status or "–", status,
              cls=status_cls, title=title),
    ]
    for column, (_, _, _, kind) in HEADLINES.items():
        cells.append(_cell(_fmt(_plain(r.get(column)), kind), _plain(r.get(column)), cls="ok-num"))
    has_report = any(_plain(r.get(k)) not in (None, "", "None", "nan") for k in ("report", "generated_at"))
    for i, area in enumerate(SCORE_AREAS):
        score = _plain(r.get(f"{area}_score"))
        text, cls = _change_text(_plain(r.get(f"{area}_change")))
        first = " ok-first-score" if i == 0 else ""
        # a report without a score for an area did not assess it: say so, never a number or a bare dash
        shown = _fmt(score, "1") if score is not None or not has_report else t("summary.not_scored", language)
        cells.append(_cell(shown, score, cls=f"ok-num ok-score ok-{score_status(score)}{first}",
                           change=text, change_cls=cls))
    return cells


def _comparison_cell(root: Path, previous: Mapping[str, Any] | None, wave: Mapping[str, Any],
                     language: str) -> dict[str, Any]:
    """A trend row's link to the comparison of its wave with the previous one, when it was written."""
    if previous is None:
        return _cell("–", "")
    folder = comparison_folder(str(previous["slug"]), str(wave["slug"]))
    if not (root / folder / "report.html").is_file():
        return _cell("–", "")
    text = t("overview.comparison", language, previous=previous.get("wave") or previous["slug"])
    return _cell(text, folder, href=f"{folder}/report.html")


def build_overview(
    output_dir: str | os.PathLike[str],
    outcomes: Iterable[Mapping[str, Any]] | None = None,
    *,
    title: str | None = None,
    language: str = "en",
) -> OverviewPaths:
    """Write ``output_dir/index.html`` and ``output_dir/summary.csv`` from every report in the folder.

    Parameters
    ----------
    output_dir : path
        A reports folder (``<slug>/metrics.json`` per client).
    outcomes : iterable of mapping, optional
        What the last batch did per client (``slug``, ``status``, ``reason``, ``name``, ``wave``), for the
        status column and the list of failed clients; default ``output_dir/batch.json`` when present.
    title : str, optional
        The page title (default: ``overview.title`` of the catalogue).
    language : {"en", "zh"}
        The language of the page's texts (column labels, statuses, notes); the data are shown as they are.

    Returns
    -------
    OverviewPaths

    Notes
    -----
    One row per client in the main table: its latest wave, each score with its change from the previous
    wave (▲/▼). Clients with several waves get a trend table with every wave in order, each linked to its
    comparison with the previous wave when the batch wrote one (:func:`comparison_folder`). Scores are
    coloured green from 70, amber from 50, red below. The page is one self-contained file (inline CSS
    and a few lines of JavaScript to sort a table by clicking its header; nothing from a network), and
    every text from the data is HTML-escaped by the template. Both files are written atomically;
    ``summary.csv`` is spreadsheet-safe (:func:`orgkit.files.csvsafe.write_csv`: a text cell never starts a
    formula).

    Raises
    ------
    OutputError
        ``index.html`` or ``summary.csv`` exists and was not written by orgkit (nothing is written), or the
        folder cannot be written.
    """
    import jinja2

    from orgkit.files.outputs import orgkit_wrote_file
    from orgkit.report.resources import overview_template_dir

    root = Path(output_dir)
    for name in ("summary.csv", "index.html"):
        if not orgkit_wrote_file(root / name):
            raise not_ours(root / name)
    with output_errors(root, doing="create"):
        root.mkdir(parents=True, exist_ok=True)
    table = summary_table(root, outcomes)
    write_csv(root / "summary.csv", table, float_format="%.6g")

    records = [{k: (None if _missing(v) else v) for k, v in r.items()} for r in table.to_dict("records")]
    groups: dict[str, list[dict[str, Any]]] = {}
    singles: list[dict[str, Any]] = []
    for r in records:
        if r.get("wave") is not None and r.get("report") is not None:
            groups.setdefault(str(r["client"]).casefold(), []).append(r)
        else:
            singles.append(r)
    main_rows, trends = [], []
    for key, waves in groups.items():
        latest = waves[-1]
        main_rows.append({"cells": _row_cells(latest, waves=len(waves), language=language),
                          "status": latest.get("status")})
        if len(waves) > 1:
            trends.append({
                "client": latest["client"],
                "anchor": _anchor(str(latest["client"])),
                "rows": [{"cells": _row_cells(w, language=language)[1:2]
                          + [_cell(w["slug"], w["slug"], href=w.get("report"))]
                          + [_comparison_cell(root, waves[i - 1] if i else None, w, language)]
                          + _row_cells(w, language=language)[3 + len(HEADLINES):]} for i, w in enumerate(waves)],
                "first": waves[0].get("wave"), "last": latest.get("wave"),
            })
    for r in singles:
        main_rows.append({"cells": _row_cells(r, language=language), "status": r.get("status")})
    main_rows.sort(key=lambda m: str(m["cells"][0]["text"]).casefold())

    failures = [
        {"client": r["client"], "slug": r["slug"], "wave": r.get("wave"), "reason": r.get("reason") or "–",
         "previous": r.get("report")}
        for r in records if r.get("status") == "failed"
    ]
    score_columns = [{"label": t(key, language), "type": "num", "cls": "ok-first-score" if i == 0 else ""}
                     for i, key in enumerate(SCORE_AREAS.values())]
    columns = (
        [{"label": t("overview.column.client", language), "type": "text"},
         {"label": t("overview.column.wave", language), "type": "text"},
         {"label": t("overview.column.status", language), "type": "text"}]
        + [{"label": t(key, language), "type": "num"} for key, _, _, _ in HEADLINES.values()]
        + score_columns
    )
    trend_columns = ([{"label": t("overview.column.wave", language), "type": "text"},
                      {"label": t("overview.column.report", language), "type": "text"},
                      {"label": t("overview.column.comparison", language), "type": "text"}] + score_columns)
    counts = {s: int((table["status"] == s).sum()) for s in ("done", "skipped", "failed", "not run")} \
        if len(table) else {}
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(overview_template_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(t=t, tn=tn)
    page = env.get_template("overview.html.j2").render(
        language=language,
        title=title or t("overview.title", language),
        generated_at=_dt.datetime.now().astimezone().replace(microsecond=0).isoformat(" "),
        n_reports=int(table["report"].notna().sum()) if len(table) else 0,
        counts=counts,
        columns=columns,
        rows=main_rows,
        trends=trends,
        trend_columns=trend_columns,
        failures=failures,
        green_from=DEFAULTS["score.status.green_from"],
        amber_from=DEFAULTS["score.status.amber_from"],
    )
    write_text(root / "index.html", page)
    logger.info("overview of %d report(s) written to %s", len(records), root / "index.html")
    return OverviewPaths(index_html=root / "index.html", summary_csv=root / "summary.csv")
