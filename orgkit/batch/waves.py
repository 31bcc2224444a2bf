"""Waves of one client in a batch: every wave compared with the previous one, as ``orgkit compare`` does.

A batch may list one client several times, each with a ``wave`` label (a manifest's ``wave`` column, or
``wave:`` in a client folder's ``client.yml``; see docs/batch.md). The waves of a client are the reports
with the same client name (the manifest's ``name``, else the client's own) and a wave label, in wave order
(:func:`orgkit.batch.overview.wave_sort_key`); each wave's *previous* wave is the one before it in that
order. :func:`run_wave_comparisons` writes, for every wave that has a previous one, the comparison report of
the two snapshots (:func:`orgkit.report.run.run_comparison`) to ``<previous slug>-to-<slug>/``, and the
overview links each wave to it. A comparison whose two reports have not changed since it was written is
skipped, like a report.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgkit._version import __version__
from orgkit.errors import OrgkitError

from orgkit.batch.overview import comparison_folder, report_metrics, wave_sort_key

__all__ = ["WavePair", "wave_pairs", "comparison_fingerprint", "run_wave_comparisons", "comparison_folder"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WavePair:
    """A wave and the one before it, of one client.

    Attributes
    ----------
    client : str
        The client's name.
    previous, current : dict
        Each: ``slug``, ``folder`` (the snapshot's client folder), ``wave``, ``fingerprint`` (of its report's
        inputs, :func:`orgkit.batch.fingerprints.input_fingerprint`), ``language``, ``min_group_size``.
    """

    client: str
    previous: dict[str, Any]
    current: dict[str, Any]

    @property
    def slug(self) -> str:
        """The comparison's report folder (:func:`comparison_folder`)."""
        return comparison_folder(self.previous["slug"], self.current["slug"])


def _waves(output_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """Per client (case-folded name), its batch reports that have a wave and a folder, in wave order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for slug, data in report_metrics(output_dir):
        if not (output_dir / slug / "report.html").is_file():
            continue
        batch = data.get("batch")
        if not isinstance(batch, dict) or not batch.get("wave") or not batch.get("folder"):
            continue
        client = data.get("client") or {}
        name = str(batch.get("name") or client.get("name") or slug)
        groups.setdefault(name.casefold(), []).append({
            "client": name, "slug": slug, "folder": str(batch["folder"]), "wave": str(batch["wave"]),
            "fingerprint": ((data.get("inputs") or {}).get("fingerprint")),
            "language": client.get("language"), "min_group_size": client.get("min_group_size"),
        })
    return {k: sorted(v, key=lambda r: (wave_sort_key(r["wave"]), r["slug"])) for k, v in groups.items()}


def wave_pairs(output_dir: str | Path) -> list[WavePair]:
    """Every wave with a previous wave among the reports of ``output_dir`` (a batch's reports folder).

    Returns
    -------
    list of WavePair
        By client name, then wave order. Only reports a batch wrote (``metrics.json`` with a ``batch`` block
        naming a wave and the client folder) take part.
    """
    out: list[WavePair] = []
    for rows in _waves(Path(output_dir)).values():
        out += [WavePair(cur["client"], prev, cur) for prev, cur in zip(rows, rows[1:])]
    return sorted(out, key=lambda p: p.client.casefold())


def comparison_fingerprint(pair: WavePair, pdf: bool) -> str | None:
    """What decides a wave comparison: both reports' input fingerprints, ``pdf``, the orgkit version and the
    comparison notebook (``None`` when a report has no fingerprint)."""
    from orgkit.report.resources import notebook_path

    if not pair.previous.get("fingerprint") or not pair.current.get("fingerprint"):
        return None
    try:
        notebook = hashlib.sha256(notebook_path("comparison.ipynb").read_bytes()).hexdigest()
    except (OrgkitError, OSError):
        notebook = None
    key = {"previous": pair.previous["fingerprint"], "current": pair.current["fingerprint"], "pdf": bool(pdf),
           "orgkit": __version__, "notebook": notebook}
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode("utf-8")).hexdigest()


def _recorded(folder: Path, pdf: bool) -> str | None:
    if not (folder / "report.html").is_file() or (pdf and not (folder / "report.pdf").is_file()):
        return None
    try:
        return json.loads((folder / "comparison.json").read_text(encoding="utf-8"))["batch"]["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def run_wave_comparisons(
    output_dir: str | Path,
    work_dir: str | Path,
    *,
    pdf: bool = False,
    force: bool = False,
    timeout: float = 600,
    log: Callable[..., None] | None = None,
) -> list[dict[str, Any]]:
    """Write every wave's comparison with its previous wave into ``output_dir`` (serially, in this process).

    Parameters
    ----------
    output_dir : path
        The batch's reports folder.
    work_dir : path
        A private folder to build each comparison in before it is swapped into place (the batch's work folder).
    pdf : bool
        Also print each comparison's ``report.pdf``.
    force : bool
        Redo comparisons whose two reports have not changed.
    timeout : float
        Seconds any one notebook cell may run.
    log : callable, optional
        ``log(level, message, *args)`` (the batch's log); default: this module's logger.

    Returns
    -------
    list of dict
        One per pair: ``slug``, ``client``, ``previous``, ``wave``, ``status`` (``done``, ``skipped`` or
        ``failed``), ``reason``, ``seconds``.

    Notes
    -----
    A comparison that fails (a snapshot that no longer validates, a cell that fails) is logged and listed,
    never stops the batch; a folder at the comparison's place that orgkit did not write is left alone and the
    comparison is not written. Each comparison is built under ``work_dir`` and swapped in whole, with the
    fingerprint that makes it skippable already in its ``comparison.json``.
    """
    from orgkit.files.atomic import is_orgkit_folder, mark, not_ours, swap_in, write_json
    from orgkit.report.comparison import COMPARISON_JSON
    from orgkit.report.run import run_comparison

    say = log or (lambda level, msg, *args: logger.log(level, msg, *args))
    out, work_root = Path(output_dir), Path(work_dir)
    results: list[dict[str, Any]] = []
    for pair in wave_pairs(out):
        t0 = time.perf_counter()
        final = out / pair.slug
        entry = {"slug": pair.slug, "client": pair.client, "previous": pair.previous["wave"],
                 "wave": pair.current["wave"], "status": "failed", "reason": None, "seconds": 0.0}
        results.append(entry)
        fingerprint = comparison_fingerprint(pair, pdf)
        if (final.exists() or final.is_symlink()) and not is_orgkit_folder(final, "comparison"):
            entry["reason"] = str(not_ours(final))
            say(logging.ERROR, "%s: not compared: %s", pair.slug, entry["reason"])
            continue
        if not force and fingerprint is not None and _recorded(final, pdf) == fingerprint:
            entry.update(status="skipped", reason="both waves unchanged since the comparison was written")
            say(logging.INFO, "%s: comparison skipped (both waves unchanged)", pair.slug)
            continue
        work = work_root / f"{pair.slug}-{uuid.uuid4().hex[:10]}"
        try:
            work.mkdir(parents=True)
            k = pair.current.get("min_group_size")
            result = run_comparison(old_dir=pair.previous["folder"], new_dir=pair.current["folder"], output_dir=work,
                                    slug=pair.slug, language=pair.current.get("language") or None,
                                    min_group_size=int(k) if k else None, pdf=pdf, progress=False, timeout=timeout)
            data = dict(result.metrics_data)
            data["batch"] = {"slug": pair.slug, "client": pair.client, "previous": pair.previous["slug"],
                             "current": pair.current["slug"], "fingerprint": fingerprint}
            write_json(result.out_dir / COMPARISON_JSON, data)
            mark(result.out_dir, "comparison", pair.slug)
            swap_in(result.out_dir, final)
            entry.update(status="done")
            say(logging.INFO, "%s: comparison done in %.1f s", pair.slug, time.perf_counter() - t0)
        except (OrgkitError, OSError) as exc:  # one comparison's failure never stops the batch
            entry["reason"] = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            say(logging.ERROR, "%s: comparison failed: %s", pair.slug, entry["reason"])
        finally:
            entry["seconds"] = round(time.perf_counter() - t0, 3)
            shutil.rmtree(work, ignore_errors=True)
    return results
