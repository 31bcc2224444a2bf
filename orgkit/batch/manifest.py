"""What a batch runs: the client folders found under a folder, or the rows of a CSV/YAML manifest.

:func:`load_tasks` reads either into :class:`ClientTask` objects (:func:`discover_clients`,
:func:`read_manifest`), with per-client overrides checked before anything runs.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import logging
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgkit.data.contract import LANGUAGES, STAGES
from orgkit.errors import ManifestError

__all__ = [
    "ClientTask",
    "load_tasks",
    "read_manifest",
    "discover_clients",
    "MANIFEST_COLUMNS",
    "TMP_DIR",
]

logger = logging.getLogger(__name__)



#: Manifest columns: canonical name -> spellings accepted in a header (compared lower case, ``_`` = space).
MANIFEST_COLUMNS: dict[str, tuple[str, ...]] = {
    "folder": ("folder", "path", "client_dir", "client_folder", "dir"),
    "name": ("name", "client", "client_name"),
    "slug": ("slug",),
    "wave": ("wave", "date", "period", "quarter"),
    "language": ("language", "lang"),
    "stage": ("stage",),
    "min_group_size": ("min_group_size",),
}
#: Private working folder under ``output_dir`` (removed at the start of every run).
TMP_DIR = ".orgkit-batch-tmp"
#: What the last run did to each client, in ``output_dir`` (read by the overview).
STATE_FILE = "batch.json"
#: The file suffixes a client folder's inputs may have (what the fingerprint hashes).
INPUT_SUFFIXES = (".csv", ".xlsx", ".xls", ".txt", ".tsv", ".json")
#: The names of a client's settings file.
SETTINGS_FILES = ("client.yml", "client.yaml")
_SAFE_SLUG = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$")




# --------------------------------------------------------------------------------------------------
# What to run
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClientTask:
    """One client of a batch: where its data is, where its report goes, and its overrides.

    Attributes
    ----------
    slug : str
        The report folder ``output_dir/<slug>/`` (one safe path component).
    folder : str
        The client folder, absolute (it must be visible at the same path on every worker).
    name, wave : str or None
        Display name (overrides the report's client name in the overview) and wave/date label.
    language, stage, min_group_size : optional
        Overrides of the client's ``client.yml`` (``None`` keeps it).
    source : str
        Where the client was listed, for messages (``manifest.csv, row 3`` or the folder).
    pdf : bool
        Whether ``report.pdf`` is printed too.
    pptx : bool
        Whether ``report.pptx`` (the slide deck) is written too.
    pptx_template : str or None
        The firm's ``.pptx`` template for the deck (absolute), and its SHA-256 in ``pptx_template_sha256``.
    inputs : dict
        :func:`input_fingerprint` of the client, computed before it is dispatched.
    """

    slug: str
    folder: str
    name: str | None = None
    wave: str | None = None
    language: str | None = None
    stage: str | None = None
    min_group_size: int | None = None
    source: str = ""
    pdf: bool = False
    inputs: dict[str, Any] = field(default_factory=dict, compare=False)
    pptx: bool = False
    pptx_template: str | None = None
    pptx_template_sha256: str | None = None

    @property
    def parameters(self) -> dict[str, Any]:
        """Everything besides the input files that decides what the report holds."""
        return {
            "language": self.language,
            "stage": self.stage,
            "min_group_size": self.min_group_size,
            "pdf": bool(self.pdf),
            "name": self.name,
            "wave": self.wave,
            # only when asked for: a batch without decks keeps the fingerprints of earlier runs
            **({"pptx": True, "pptx_template": self.pptx_template_sha256} if self.pptx else {}),
        }


def _slug(text: str) -> str:
    from orgkit.report.run import client_slug

    return client_slug(text)


def _is_client_folder(path: Path) -> bool:
    return any(
        p.is_file() and p.stem.strip().lower() == "people" and p.suffix.lower() in (".csv", ".xlsx")
        for p in path.iterdir()
    )


def _settings_wave(folder: Path) -> str | None:
    """``wave:`` (or ``date:``) of a client's ``client.yml``, so waves work without a manifest."""
    from orgkit.errors import ValidationError
    from orgkit.data.reading import load_settings_file

    try:  # bounded: a hostile client.yml is refused here as it is by the loader
        data, _ = load_settings_file(folder)
    except (OSError, ValidationError):
        return None  # the loader reports it as the client's own validation error
    return _text(data.get("wave", data.get("date")))


def discover_clients(
    folder: str | os.PathLike[str], output_dir: str | os.PathLike[str] | None = None
) -> list[ClientTask]:
    """Every subfolder of ``folder`` that holds a ``people.csv`` or ``people.xlsx``, in name order.

    Parameters
    ----------
    folder : path
        A folder of client folders.
    output_dir : path, optional
        The reports folder; skipped when it lies inside ``folder`` (unless it is a client folder itself).

    Returns
    -------
    list of ClientTask

    Raises
    ------
    ManifestError
        When ``folder`` holds no client folder, is itself a client folder, or two subfolders give the
        same report folder name.
    """
    root = Path(folder).expanduser().resolve()
    out = Path(output_dir).expanduser().resolve() if output_dir is not None else None
    if _is_client_folder(root):
        raise ManifestError(
            f"{root} is a client folder (it has a people file), not a folder of client folders. "
            f"Run `orgkit report {root}` for one client, or give its parent folder to batch."
        )
    tasks: list[ClientTask] = []
    seen: dict[str, Path] = {}
    for sub in sorted(p for p in root.iterdir() if p.is_dir()):
        if sub.name.startswith((".", "_")) or (out is not None and sub.resolve() == out
                                                and not _is_client_folder(sub)):
            continue  # a client folder given as the output stays in, for run_batch to refuse
        if not _is_client_folder(sub):
            logger.info("skipping %s: no people.csv or people.xlsx in it", sub)
            continue
        slug = _slug(sub.name)
        if slug in seen:
            raise ManifestError(
                f"{seen[slug].name} and {sub.name} would both be reported to '{slug}/'. Rename one of the "
                "folders, or list the clients in a manifest with a slug column."
            )
        seen[slug] = sub
        tasks.append(ClientTask(slug=slug, folder=str(sub), wave=_settings_wave(sub), source=str(sub)))
    if not tasks:
        raise ManifestError(
            f"{root} holds no client folder (a subfolder with people.csv or people.xlsx). Give a folder of "
            "client folders, or a manifest (.csv or .yml) listing them."
        )
    return tasks


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _manifest_rows(path: Path) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    """Raw rows of a manifest: ``[(label, {header: value})]`` and the problems found reading it."""
    problems: list[str] = []
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from orgkit.data.loading import detect_encoding

        data = path.read_bytes()
        try:
            text = data.decode(detect_encoding(data))
        except UnicodeDecodeError:
            raise ManifestError(
                f"{path.name}: cannot be read as UTF-8 or GB18030 text; save it as CSV UTF-8."
            ) from None
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        if not lines:
            raise ManifestError(
                f"{path.name}: is empty; it needs a header row with a folder column and one row per client."
            )
        try:
            dialect = csv.Sniffer().sniff(lines[0], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        # keep spreadsheet row numbers: read the raw text, skipping blank and comment lines as we go
        reader = csv.reader(io.StringIO(text), dialect)
        header: list[str] | None = None
        rows: list[tuple[str, dict[str, Any]]] = []
        for number, cells in enumerate(reader, start=1):
            if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
                continue
            if header is None:
                header = [c.strip() for c in cells]
                continue
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                problems.append(f"{path.name}, row {number}: has {len(cells)} cells but the header has {len(header)}.")
            rows.append((f"{path.name}, row {number}", dict(zip(header, cells))))
        return rows, problems
    if suffix in (".yml", ".yaml"):
        import yaml

        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ManifestError(f"{path.name}: is not valid YAML ({exc}).") from None
        defaults: dict[str, Any] = {}
        if isinstance(data, Mapping):
            unknown = [k for k in data if k not in ("clients", "defaults")]
            if unknown:
                problems.append(f"{path.name}: unknown top-level key(s) {', '.join(map(str, unknown))}; "
                                "use clients: (a list) and optionally defaults: (a mapping).")
            defaults = data.get("defaults") or {}
            if not isinstance(defaults, Mapping):
                problems.append(f"{path.name}: defaults must be a mapping of column: value.")
                defaults = {}
            data = data.get("clients")
        if not isinstance(data, list):
            raise ManifestError(f"{path.name}: must be a list of clients (each a mapping with a folder key), or a "
                                "mapping with a clients: list.")
        rows = []
        for i, item in enumerate(data, start=1):
            label = f"{path.name}, client {i}"
            if isinstance(item, str):
                item = {"folder": item}
            if not isinstance(item, Mapping):
                problems.append(f"{label}: must be a mapping such as {{folder: clients/acme}}. Got {item!r}.")
                continue
            rows.append((label, {**defaults, **item}))
        return rows, problems
    raise ManifestError(
        f"{path.name}: a manifest must be a .csv, .yml or .yaml file. Got {path.suffix or 'no suffix'!r}."
    )


def _canonical_column(header: str) -> str | None:
    key = re.sub(r"[\s\-.]+", "_", str(header).strip().lower()).strip("_")
    for canonical, spellings in MANIFEST_COLUMNS.items():
        if key in spellings:
            return canonical
    return None


def read_manifest(path: str | os.PathLike[str]) -> list[ClientTask]:
    """Read and validate a batch manifest (CSV or YAML): one client per row, folders relative to it.

    Parameters
    ----------
    path : path
        A ``.csv`` (header row, then one row per client) or ``.yml`` file (a list of mappings, or
        ``{defaults: {...}, clients: [...]}``). Columns: ``folder`` (required), ``name``, ``slug``,
        ``wave`` (or ``date``), ``language``, ``stage``, ``min_group_size``; an empty cell keeps the
        client's own setting.

    Returns
    -------
    list of ClientTask
        In manifest order.

    Raises
    ------
    ManifestError
        Listing every problem found, each naming its row: unknown columns, a missing or absent folder,
        a value outside what is allowed, duplicate slugs.

    Notes
    -----
    The slug defaults to the folder's name (as ``orgkit report`` names it); when several rows share
    a folder name and have a wave, the wave is appended (``acme-2025-q1``).
    """
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise ManifestError(f"manifest not found: {path}")
    rows, problems = _manifest_rows(path)
    base = path.parent
    parsed: list[tuple[str, dict[str, Any]]] = []
    for label, raw in rows:
        values: dict[str, Any] = {}
        for header, value in raw.items():
            canonical = _canonical_column(header)
            if canonical is None:
                problems.append(
                    f"{label}: unknown column {header!r}. Allowed: {', '.join(MANIFEST_COLUMNS)}."
                )
                continue
            if canonical in values and values[canonical] is not None and _text(value) is not None:
                problems.append(f"{label}: {canonical} is given twice.")
            if _text(value) is not None or canonical not in values:
                values[canonical] = value
        row: dict[str, Any] = {}
        folder = _text(values.get("folder"))
        if folder is None:
            problems.append(f"{label}: the folder is missing; give the client folder, relative to the manifest.")
        else:
            resolved = (base / Path(folder).expanduser()).resolve()
            if not resolved.is_dir():
                problems.append(f"{label}: folder {folder!r} does not exist (looked for {resolved}).")
            row["folder"] = str(resolved)
        row["name"] = _text(values.get("name"))
        row["wave"] = _text(values.get("wave"))
        language = _text(values.get("language"))
        if language is not None:
            language = language.lower()
            if language not in LANGUAGES:
                problems.append(f"{label}: language must be one of {set(LANGUAGES)}. Got {language!r} instead.")
        row["language"] = language
        stage = _text(values.get("stage"))
        if stage is not None:
            stage = stage.lower()
            if stage not in STAGES:
                problems.append(f"{label}: stage must be one of {set(STAGES)}. Got {stage!r} instead.")
        row["stage"] = stage
        mgs = values.get("min_group_size")
        row["min_group_size"] = None
        if _text(mgs) is not None:
            number: int | None = None
            if isinstance(mgs, bool):
                number = None
            elif isinstance(mgs, int):
                number = mgs
            else:
                try:
                    as_float = float(str(mgs).strip())
                    number = int(as_float) if as_float.is_integer() else None
                except ValueError:
                    number = None
            if number is None or number < 1:
                problems.append(f"{label}: min_group_size must be a whole number of at least 1. Got {mgs!r} instead.")
            else:
                row["min_group_size"] = number
        slug = _text(values.get("slug"))
        if slug is not None and (not _SAFE_SLUG.match(slug) or slug != _slug(slug) or slug.endswith(".failed")):
            problems.append(f"{label}: slug {slug!r} is not a safe folder name; use lower-case letters, digits and "
                            f"'-', e.g. {_slug(slug)!r}.")
        row["slug"] = slug
        parsed.append((label, row))
    if not rows and not problems:
        problems.append(f"{path.name}: lists no client.")

    # default slugs: the folder name; the wave appended where folder names collide
    base_slugs = [_slug(Path(r["folder"]).name) if r.get("folder") else "" for _, r in parsed]
    counts: dict[str, int] = {}
    for (_, r), b in zip(parsed, base_slugs):
        if r["slug"] is None:
            counts[b] = counts.get(b, 0) + 1
    owner: dict[str, str] = {}
    tasks: list[ClientTask] = []
    for (label, r), b in zip(parsed, base_slugs):
        slug = r["slug"]
        if slug is None:
            slug = f"{b}-{_slug(r['wave'])}" if counts.get(b, 0) > 1 and r["wave"] else b
        if slug in owner:
            problems.append(f"{label}: slug {slug!r} is already used by {owner[slug]}; give each client its own "
                            "slug (add a slug column, or a wave to tell the dates apart).")
            continue
        owner[slug] = label
        if "folder" in r:
            tasks.append(ClientTask(slug=slug, folder=r["folder"], name=r["name"], wave=r["wave"],
                                    language=r["language"], stage=r["stage"], min_group_size=r["min_group_size"],
                                    source=label))
    if problems:
        n = len(problems)
        raise ManifestError(f"{path.name}: {n} problem{'s' if n != 1 else ''} found; nothing was run.\n"
                            + "\n".join(f"  - {p}" for p in problems))
    return tasks


def load_tasks(source: str | os.PathLike[str], output_dir: str | os.PathLike[str] | None = None) -> list[ClientTask]:
    """The clients of ``source``: a manifest file (:func:`read_manifest`) or a folder (:func:`discover_clients`)."""
    path = Path(source).expanduser()
    if path.is_dir():
        return discover_clients(path, output_dir)
    if path.is_file():
        return read_manifest(path)
    raise ManifestError(f"{path} does not exist; give a folder of client folders or a manifest (.csv, .yml).")
