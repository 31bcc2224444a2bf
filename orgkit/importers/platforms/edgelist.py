"""Lists of ties — ``source, target[, weight]`` — as research data sets and network tools write them.

Format ``edge-list``. It reads files with or without a header row, separated by commas, semicolons, tabs or
spaces. Examples: an igraph/Gephi export (``from,to,weight``), SNAP's ``0 1`` pair lists, UCINET-style
triple lists (``i j value``, every pair of a square network listed and ``0`` meaning no tie). Rules, each
stated in the log:

* without a header, the columns are source and target, then a third column of numbers is the weight (a
  triple list is recognised when every ordered pair is listed once: its zeros are "no tie");
* repeated pairs add up (an event list becomes counts); ties of weight 0 or below are not ties;
* self-ties are dropped and counted;
* the channel is ``--set channel=NAME``, else the file's name (``advice``, ``email-Eu-core``).

People come from ``--directory`` (any HR file); ids are kept as they are.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from orgkit.data.contract import TABLES, normalise_header
from orgkit.data.reading import UndecidedEncoding, guess_encoding
from orgkit.importers.base import ImportLog, ImportOptions, Imported, TIE_COLUMNS, refuse, register
from orgkit.importers.sources import iter_files, parse_numbers, sniff

__all__ = ["read_edge_list", "EDGE_SYNONYMS"]

_COMM = TABLES["communication"].synonyms
#: Header spellings of an edge list's columns (after ``normalise_header``).
EDGE_SYNONYMS = {
    "source_id": _COMM["source_id"] + ("from", "i", "node1", "node 1", "vertex1", "source node", "src", "head"),
    "target_id": _COMM["target_id"] + ("to", "j", "node2", "node 2", "vertex2", "target node", "dst", "tail"),
    "weight": _COMM["weight"] + ("value", "tie", "strength", "w", "ties"),
}
_EXPECTED = "a list of ties (source, target and optionally a weight per line)"
_NUMBER = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?$")


def _text(path: Path) -> tuple[str, str, str]:
    data = path.read_bytes()
    try:
        guess = guess_encoding(data[: 1 << 20])
    except UndecidedEncoding as exc:
        raise refuse(path, _EXPECTED, f"text whose encoding cannot be decided ({exc.detail})",
                     "Save it as UTF-8.") from None
    try:
        return data.decode(guess.encoding), guess.encoding, guess.reason
    except UnicodeDecodeError:
        raise refuse(path, _EXPECTED, f"bytes that are not {guess.encoding} past the first megabyte",
                     "Save it as UTF-8.") from None


def _separator(line: str) -> str | None:
    for sep in ("\t", ",", ";", "|"):
        if sep in line:
            return sep
    return None  # runs of spaces


def read_edge_list(path: Path, options: ImportOptions, log: ImportLog) -> pd.DataFrame:
    """One file's ties: ``source_id``, ``target_id``, ``weight``, ``channel`` (see the module docstring)."""
    kind = sniff(path)
    if kind != "text":
        raise refuse(path, _EXPECTED, {"html": "a web page", "xlsx": "an Excel workbook (save the sheet as CSV)",
                                       "json": "JSON", "zip": "a zip archive", "xls": "an old .xls workbook",
                                       "parquet": "a Parquet file"}[kind])
    text, encoding, _ = _text(path)
    lines = [ln for ln in text.lstrip("\ufeff").splitlines() if ln.strip() and not ln.lstrip().startswith(("#", "%"))]
    if not lines:
        raise refuse(path, _EXPECTED, "an empty file")
    sep = _separator(lines[0])
    first = [c.strip().strip('"') for c in (lines[0].split(sep) if sep else lines[0].split())]
    header = not all(_NUMBER.match(c) or c == "" for c in first) and not _looks_like_ids(first, lines[1:], sep)
    try:
        frame = pd.read_csv(io.StringIO("\n".join(lines)), sep=sep if sep else r"\s+", header=0 if header else None,
                            dtype=str, keep_default_na=False, engine="c" if sep else "python", skipinitialspace=True)
    except pd.errors.ParserError as exc:  # its message may quote the file: describe instead
        fields = re.search(r"Expected ([0-9]+) fields? in line ([0-9]+), saw ([0-9]+)", str(exc))
        raise refuse(path, _EXPECTED, (f"line {fields.group(2)} has {fields.group(3)} fields where the first line "
                                       f"has {fields.group(1)}") if fields else "lines that do not parse",
                     "Give one tie per line, source and target separated the same way on every line.") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.fillna("")  # short lines
    if header:
        folded = {normalise_header(c): c for c in frame.columns}
        cols = {}
        for canonical, spellings in EDGE_SYNONYMS.items():
            hit = next((folded[normalise_header(s)] for s in spellings if normalise_header(s) in folded), None)
            if hit is not None and hit not in cols.values():
                cols[canonical] = hit
        if "source_id" not in cols or "target_id" not in cols:
            if frame.shape[1] < 2:
                raise refuse(path, _EXPECTED, f"one column ({', '.join(frame.columns)})")
            weight_col = cols.get("weight")
            cols = {"source_id": frame.columns[0], "target_id": frame.columns[1]}
            if weight_col is not None and weight_col not in cols.values():
                cols["weight"] = weight_col
            log.decided(f"columns of {path.name}", f"no source/target header recognised: the first two columns "
                        f"({frame.columns[0]}, {frame.columns[1]}) are the two ends of each tie")
    else:
        if frame.shape[1] < 2:
            raise refuse(path, _EXPECTED, "one column per line")
        cols = {"source_id": frame.columns[0], "target_id": frame.columns[1]}
        third = frame.iloc[:, 2] if frame.shape[1] >= 3 else None
        if third is not None and third.str.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?").all():
            cols["weight"] = frame.columns[2]
    for c, h in cols.items():
        log.mapped(f"{path.name}: {h if header else f'column {list(frame.columns).index(h) + 1}'}", c)
    src = frame[cols["source_id"]].astype("str").str.strip()
    dst = frame[cols["target_id"]].astype("str").str.strip()
    if "weight" in cols:
        weight = parse_numbers(frame[cols["weight"]], what=f"{path.name}: {cols['weight']}", log=log)
        bad = int(weight.isna().sum())
        if bad:
            raise refuse(path, _EXPECTED, f"{bad:,} weight(s) that are not numbers in column {cols['weight']}")
    else:
        weight = pd.Series(1.0, index=frame.index)
    n_nodes = pd.unique(np.concatenate([src.to_numpy(), dst.to_numpy()])).size
    triple = "weight" in cols and len(frame) == n_nodes * n_nodes and not frame[[cols["source_id"],
                                                                                   cols["target_id"]]].duplicated().any()
    log.read(path, f"an edge list ({'header' if header else 'no header'}, "
             f"{'separator ' + repr(sep) if sep else 'spaces'}, {encoding})", len(frame))
    if triple:
        log.decided(f"{path.name}", f"a full triple list ({n_nodes} x {n_nodes} pairs): weight 0 means no tie")
    ties = pd.DataFrame({"source_id": src, "target_id": dst, "weight": weight.astype("float64")})
    blank = (ties["source_id"] == "") | (ties["target_id"] == "")
    log.dropped(int(blank.sum()), "lines", "an end of the tie is missing")
    self_tie = ties["source_id"] == ties["target_id"]
    log.dropped(int((self_tie & ~blank & (ties["weight"] > 0)).sum()), "self-ties", "a person tied to themselves")
    nonpositive = ties["weight"] <= 0
    if nonpositive.any() and not triple:
        log.dropped(int((nonpositive & ~self_tie & ~blank).sum()), "lines", "weight 0 or below: no tie")
    ties = ties[~blank & ~self_tie & ~nonpositive]
    if ties.empty:
        raise refuse(path, _EXPECTED, f"{len(frame):,} line(s) but not one tie between two different people",
                     "Check that the file holds pairs of ids, one tie per line.")
    repeated = int(ties.duplicated(["source_id", "target_id"]).sum())
    if repeated:
        log.decided(f"repeated pairs in {path.name}", f"{repeated:,} lines repeat a pair; their weights are added")
    ties = ties.groupby(["source_id", "target_id"], sort=True, as_index=False)["weight"].sum()
    channel = str(options.extra.get("channel") or path.stem)
    ties["channel"] = channel
    log.note(f"{path.name}: {len(ties):,} ties, channel {channel!r}")
    return ties[list(TIE_COLUMNS)]


#: Lines after the first searched for its values (evidence that the first line is a tie, not a header).
_EVIDENCE_LINES = 10_000


def _looks_like_ids(first: list[str], rest: list[str], sep: str | None) -> bool:
    """Whether the first line is a tie, not a header: its ends reappear as ids in the lines that follow
    (``A B`` then ``B C``), or it is short alphanumeric codes like the next line's (``a01 b07``)."""
    if not rest:
        return False
    second = [c.strip() for c in (rest[0].split(sep) if sep else rest[0].split())]
    if len(second) != len(first):
        return False
    known = {normalise_header(s) for group in EDGE_SYNONYMS.values() for s in group}
    if any(normalise_header(c) in known for c in first):
        return False
    shape = re.compile(r"^[A-Za-z]{0,3}[0-9]+$")
    if all(shape.match(c) for c in first) and all(shape.match(c) for c in second):
        return True
    ends = set()
    for line in rest[:_EVIDENCE_LINES]:
        cells = line.split(sep) if sep else line.split()
        ends.update(c.strip().strip('"') for c in cells[:2])
    return any(c in ends for c in first[:2] if c)


@register("edge-list", "a list of ties: source, target[, weight] (research data, igraph/Gephi, SNAP, UCINET "
          "triples)", "one or more text files of ties; people from --directory", ("communication",),
          settings=("channel",))
def read_edge_lists(paths: Sequence[Path], options: ImportOptions, log: ImportLog) -> Imported:
    log.section("communication")
    frames = [read_edge_list(p, options, log) for p in iter_files(list(paths))]
    ties = pd.concat(frames, ignore_index=True)
    ties = ties.groupby(["source_id", "target_id", "channel"], sort=True, as_index=False)["weight"].sum()
    return Imported(communication=ties[list(TIE_COLUMNS)], log=log)
