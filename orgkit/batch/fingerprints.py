"""When a client's report is up to date: the fingerprint of its inputs, parameters and code.

:func:`input_fingerprint` hashes a client's input files (:func:`input_files`), the parameters of its run,
the report notebook and orgkit's version; :func:`recorded_fingerprint` reads the one its last report
recorded. A batch skips a client whose two fingerprints match.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from orgkit._version import __version__
from orgkit.data.contract import TABLES
from orgkit.errors import OrgkitError
from orgkit.batch.manifest import INPUT_SUFFIXES, SETTINGS_FILES

__all__ = [
    "input_files",
    "input_fingerprint",
    "recorded_fingerprint",
]

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------------
# Fingerprints
# --------------------------------------------------------------------------------------------------
def input_files(folder: str | os.PathLike[str]) -> list[Path]:
    """The files of a client folder that the data contract reads (and ``client.yml``), sorted by name.

    Every file whose name (before the suffix) is a table of :data:`orgkit.data.contract.TABLES`, in any of
    the formats the loader reads or reports on, and ``client.yml``/``client.yaml``. Other files in the
    folder (notes, old exports) do not make a client rerun.
    """
    root = Path(folder)
    out = []
    for p in root.iterdir():
        if not p.is_file() or p.name.startswith((".", "~$")):
            continue
        if p.name.lower() in SETTINGS_FILES or (
            p.stem.strip().lower() in TABLES and p.suffix.lower() in INPUT_SUFFIXES
        ):
            out.append(p)
    return sorted(out, key=lambda p: p.name)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def notebook_sha256() -> str | None:
    """SHA-256 of the report notebook, or ``None`` when it cannot be read."""
    try:
        from orgkit.report.resources import notebook_path

        return _sha256(notebook_path())
    except (OrgkitError, OSError):
        return None


def input_fingerprint(
    folder: str | os.PathLike[str],
    parameters: Mapping[str, Any] | None = None,
    *,
    notebook_sha256: str | None = None,
) -> dict[str, Any]:
    """What a report depends on, hashed: the content of every input file, the parameters and the code.

    Parameters
    ----------
    folder : path
        The client folder.
    parameters : mapping, optional
        Overrides and options of the run (plain JSON values).
    notebook_sha256 : str, optional
        SHA-256 of the report notebook (default: the one :func:`orgkit.report.resources.notebook_path` finds).

    Returns
    -------
    dict
        ``{"files": {name: sha256}, "parameters": {...}, "code": {"orgkit": version, "notebook": sha256},
        "fingerprint": sha256}``: the fingerprint is the SHA-256 of the canonical JSON of the other three.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "people.csv").write_text("employee_id,department\\n1,A\\n")
    >>> fp = input_fingerprint(d, {"language": "en"}, notebook_sha256="x")
    >>> sorted(fp["files"]), len(fp["fingerprint"])
    (['people.csv'], 64)
    """
    files = {p.name: _sha256(p) for p in input_files(folder)}
    body = {
        "files": files,
        "parameters": dict(parameters or {}),
        "code": {
            "orgkit": __version__,
            "notebook": notebook_sha256 if notebook_sha256 is not None else notebook_sha256(),
        },
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    body["fingerprint"] = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return body


def recorded_fingerprint(report_dir: Path, pdf: bool, pptx: bool = False) -> str | None:
    """The fingerprint stored with a complete report, or ``None`` when there is no complete report."""
    if not (report_dir / "report.html").is_file() or (pdf and not (report_dir / "report.pdf").is_file()):
        return None
    if pptx and not (report_dir / "report.pptx").is_file():
        return None
    try:
        data = json.loads((report_dir / "metrics.json").read_text(encoding="utf-8"))
        return data["inputs"]["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
