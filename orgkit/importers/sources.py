"""Reading export files safely: workbooks (every sheet), CSV in any of the usual encodings, JSON, zip archives.

Tables come back as orgkit's reader gives them (:func:`orgkit.data.reading.read_source`: every cell a
trimmed ``str``, the encoding decided from evidence, hostile files refused; a title line above the header is
found); JSON is read with a size limit, as one document or several one after another (JSON lines, given
back as a list), and a truncated or broken file, or one not in UTF-8/UTF-16, is refused with where it breaks.
Every refusal is an :class:`~orgkit.errors.ExportFormatError` naming the file, what the format needs and what
was found.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from orgkit.data.reading import (CUT_OFF, MAX_TABLE_BYTES, ReadOptions, UndecidedEncoding, guess_encoding, read_source,
                                 utf16_without_bom)
from orgkit.errors import ConfigError, ExportFormatError, ValidationError
from orgkit.importers.base import ImportLog, refuse

__all__ = ["sniff", "read_json", "read_table_file", "read_sheets", "read_text_below_title", "Table", "zip_members",
           "iter_files", "json_text", "MAX_JSON_BYTES", "read_zip_json", "numeric_rows", "MAX_TEXT_BYTES",
           "parse_numbers"]

#: Largest JSON file read whole (API pages are small; a Slack day file is at most a few MB). Judgement.
MAX_JSON_BYTES = 1024 * 1024 * 1024
#: Largest numeric text file read whole (a 10,000-person matrix is about 200 MB). Judgement.
MAX_TEXT_BYTES = 512 * 1024 * 1024
_NUMERIC_TEXT = re.compile(rb"^[\s0-9.+\-,;]*$")
_TEXT_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class Table:
    """One table read from a file: its frame of strings, where it came from and how it was decoded."""

    frame: pd.DataFrame
    file: str
    sheet: str | None
    encoding: str | None
    sha256: str


def sniff(path: Path) -> str:
    """What a file holds, from its first bytes: ``zip``, ``xlsx``, ``json``, ``html``, ``xls``, ``parquet`` or ``text``."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(path) as z:
                names = z.namelist()
        except zipfile.BadZipFile:
            return "zip"
        return "xlsx" if any(n.lower().endswith("workbook.xml") for n in names) else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    text = _decode_head(head).lstrip("\ufeff \t\r\n").lower()
    if text.startswith(("<!doctype html", "<html", "<?xml", "<head", "<body")):
        return "html"
    if text.startswith(("{", "[")):
        return "json"
    return "text"


def _decode_head(head: bytes) -> str:
    """The start of a file as text, only to tell what it holds (bytes that do not decode become U+FFFD)."""
    for bom, codec in _TEXT_BOMS:
        if head.startswith(bom):
            return head.decode(codec, errors="replace")
    utf16 = utf16_without_bom(head)
    # invalid bytes replaced, not dropped: UTF-16 "审" (A1 5B) must not read as "["
    return head.decode(utf16 or "utf-8", errors="replace")


def _found(kind: str) -> str:
    return {"html": "a web page (an HTML error or login page saved under this name)",
            "xls": "an old-style .xls workbook (or a password-protected one)",
            "zip": "a zip archive", "xlsx": "an Excel workbook", "json": "JSON", "parquet": "a Parquet file",
            "text": "text"}[kind]


def read_json(path: Path, expected: str, *, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """Read a JSON file (UTF-8 with or without BOM, or UTF-16) or refuse it.

    A file that is not JSON, is cut off (a truncated download) or is larger than ``max_bytes`` is refused
    with where it breaks; the message never quotes the content.
    """
    path = Path(path)
    kind = sniff(path)
    if kind != "json":
        raise refuse(path, expected, _found(kind))
    size = path.stat().st_size
    if size > max_bytes:
        raise refuse(path, expected, f"a file of {size / 2**20:,.0f} MB, more than the "
                     f"{max_bytes / 2**20:,.0f} MB a JSON file may have", "Split the export into pages.")
    data = path.read_bytes()
    return _loads(data, path, expected)


def _loads(data: bytes, path: Path | str, expected: str) -> Any:
    """The JSON of a file: one document, or several (JSON lines, or documents one after another) as a list."""
    codec = next((c for bom, c in _TEXT_BOMS if data.startswith(bom)), None) or utf16_without_bom(data) or "utf-8"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        if exc.reason == "truncated data":
            raise refuse(path, expected, f"{codec.upper()} text {CUT_OFF}", "Download or export the file again.") \
                from None
        raise refuse(path, expected, _not_utf8(data, exc.start),
                     "Save the API's response unchanged, or save the file again as UTF-8.") from None
    decoder = json.JSONDecoder()
    documents: list[Any] = []
    at, end = _skip_blank(text, 0), len(text)
    while at < end or not documents:
        try:
            doc, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            cut = exc.pos >= len(text.rstrip()) - 1 or exc.msg.startswith("Unterminated string")  # EOF in a string
            line = text.count("\n", 0, at) + 1  # where the document that breaks starts
            where = f"JSON lines (a document per line) whose document on line {line:,} " if documents else "JSON that "
            what = (f"{where}stops before it is complete (a truncated download?)" if cut
                    else f"{where}breaks at line {exc.lineno:,}, column {exc.colno:,}")
            raise refuse(path, expected, what, "Download or export the file again.") from None
        documents.append(doc)
        at = _skip_blank(text, at)
    return documents[0] if len(documents) == 1 else documents


def _skip_blank(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n\ufeff":
        at += 1
    return at


def _not_utf8(data: bytes, start: int) -> str:
    """What a JSON file that is not UTF-8 holds, for a refusal (JSON is UTF-8; an editor may re-save it)."""
    try:
        guess = guess_encoding(data).encoding
    except UnicodeDecodeError:
        guess = None
    if guess == "gb18030":
        return ("text in GB18030 (the encoding editors on Chinese Windows save in), not UTF-8 as JSON must be "
                "(a response re-saved by an editor?)")
    return f"bytes that are not UTF-8 at byte {start:,}"


def read_table_file(path: Path, expected: str, *, sheet: str | None = None, log: ImportLog | None = None,
                    max_bytes: int = MAX_TABLE_BYTES) -> Table:
    """Read one sheet of a workbook or a CSV/TSV text file (any of the usual encodings) as strings."""
    path = Path(path)
    kind = sniff(path)
    if kind in ("html", "xls", "zip", "json", "parquet"):
        raise refuse(path, expected, _found(kind))
    if kind == "xlsx" and path.suffix.lower() != ".xlsx":
        raise refuse(path, expected, "an Excel workbook named " + path.suffix, "Rename it to .xlsx.")
    try:
        read = read_source(path, ReadOptions(sheet=sheet, max_bytes=max_bytes))
    except ValidationError as exc:
        problem = exc.problems[0] if exc.problems else None
        hint = problem.hint if problem else ""
        if "client.yml" in hint:  # the client folder's settings: an import reads no client.yml for its sources
            hint = "Save it from Excel as 'CSV UTF-8' (or as .xlsx) and import that file."
        raise refuse(path, expected, _as_found((problem.message if problem else str(exc)).rstrip(".")), hint) \
            from None
    frame = read.frame if kind == "xlsx" else _excel_text(read.frame, path.name, log)
    if log is not None:
        how = f"sheet {read.sheet!r}" if read.sheet else f"encoding {read.encoding}"
        log.read(path, f"{expected} ({how})", len(frame), read.sha256)
        if read.encoding and read.encoding_reason:
            log.decided(f"encoding of {path.name}", f"{read.encoding}: {read.encoding_reason}")
    return Table(frame, path.name, read.sheet, read.encoding, read.sha256)


def _excel_text(frame: pd.DataFrame, file: str, log: ImportLog | None) -> pd.DataFrame:
    """Cells of a text table written ``="…"`` read as the text inside.

    ``="00123"`` is how a CSV made for Excel keeps leading zeros or a 21-digit number as text (Excel shows
    the formula's value, the text); the value, not the formula, is the data.
    """
    n = 0
    out = frame
    for col in frame.columns:
        values = frame[col]
        wrapped = values.str.startswith('="') & values.str.endswith('"') & (values.str.len() >= 3)
        if wrapped.any():
            out = out.copy() if out is frame else out
            out[col] = values.where(~wrapped, values.str.slice(2, -1))
            n += int(wrapped.sum())
    if n and log is not None:
        log.decided(f'cells written ="…" in {file}', f"{n:,} read as the text inside (Excel's way to keep text)")
    return out


def _as_found(message: str) -> str:
    """The reader's words for a file ("is utf-16 text that ...", said of the file) as what was found."""
    if message.startswith("cannot tell which text encoding the file uses"):
        return "text whose encoding cannot be told" + message[len("cannot tell which text encoding the file uses"):]
    return "a file that " + message if re.match(r"(is|has|contains)\b", message) else message


def read_text_below_title(path: Path, expected: str, is_header: Callable[[list[str]], bool], *,
                          log: ImportLog | None = None, max_lines: int = 10) -> tuple[Table, int]:
    """A text table whose header sits below title lines without its separators, read from the header line.

    Excel pads a title row with separators when it saves CSV; other tools write ``审批数据导出`` alone on the
    first line, which makes the title the header of a one-column table. The header is the first of the
    first ``max_lines`` lines that ``is_header`` accepts once split on its most frequent separator.

    Returns
    -------
    (Table, int)
        The table (every cell a trimmed ``str``) and how many lines were above its header.

    Raises
    ------
    ExportFormatError
        The encoding cannot be decided, the text is cut off, no line is a header, or a row does not fit it.
    """
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        raise refuse(path, expected, f"a text file of {size / 2**20:,.0f} MB, more than {MAX_TABLE_BYTES / 2**20:,.0f}"
                     " MB")
    data = path.read_bytes()
    try:
        guess = guess_encoding(data)
        text = data.decode(guess.encoding)
    except UndecidedEncoding as exc:
        raise refuse(path, expected, f"text whose encoding cannot be decided: {exc.detail}",
                     "Save it again as 'CSV UTF-8' or export it as .xlsx.") from None
    except UnicodeDecodeError as exc:
        raise refuse(path, expected, f"{guess.encoding} text " + (CUT_OFF if exc.reason == "truncated data" else
                                                                  f"that cannot be decoded at byte {exc.start:,}"),
                     "Export or copy the file again.") from None
    text = text.lstrip("\ufeff")
    start = 0
    for i, line in enumerate(text.split("\n", max_lines)[:max_lines]):
        sep = max(("\t", ",", ";"), key=line.count)
        if line.count(sep) and is_header([cell.strip().strip('"') for cell in line.rstrip("\r").split(sep)]):
            try:
                frame = pd.read_csv(io.StringIO(text[start:]), dtype=str, keep_default_na=False, sep=sep)
            except pd.errors.ParserError as exc:
                raise refuse(path, expected, f"rows that do not fit the header on line {i + 1} "
                             f"({str(exc).split(':')[0]})", "Export the file again, unchanged.") from None
            frame = frame.apply(lambda col: col.str.strip())
            digest = hashlib.sha256(data).hexdigest()
            if log is not None:
                log.read(path, f"{expected} (encoding {guess.encoding})", len(frame), digest)
                log.decided(f"encoding of {path.name}", f"{guess.encoding}: {guess.reason}")
                log.note(f"{path.name}: the header is on line {i + 1}, below title lines")
            return Table(frame, path.name, None, guess.encoding, digest), i
        start += len(line) + 1
    raise refuse(path, expected, f"no header row in its first {max_lines} lines")


def read_sheets(path: Path, expected: str, *, log: ImportLog | None = None) -> list[Table]:
    """Every non-empty sheet of a workbook (a CSV file is one table), in workbook order."""
    path = Path(path)
    if sniff(path) != "xlsx":
        return [read_table_file(path, expected, log=log)]  # logs the encoding and why
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        names = [ws.title for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    finally:
        wb.close()
    tables = []
    for name in names:
        try:
            tables.append(read_table_file(path, expected, sheet=name))
        except ExportFormatError:
            continue  # an empty sheet (DingTalk adds blank sheets); the format checks what it needs
    if log is not None:
        for t in tables:
            log.read(path, f"{expected} (sheet {t.sheet!r})", len(t.frame), t.sha256)
    return tables


def zip_members(path: Path, expected: str, *, max_bytes: int = MAX_TABLE_BYTES,
                max_members: int = 500_000) -> zipfile.ZipFile:
    """Open a zip archive (a Slack export) after checking it is no zip bomb; the caller closes it."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise refuse(path, expected, _found(sniff(path))) from None
    infos = archive.infolist()
    total = sum(i.file_size for i in infos)
    if len(infos) > max_members or total > max_bytes * 8:
        archive.close()
        raise refuse(path, expected, f"an archive of {len(infos):,} files unpacking to {total / 2**20:,.0f} MB, "
                     "beyond what orgkit unpacks", "Unpack it yourself and give the folder.")
    for i in infos:
        if i.flag_bits & 0x1 or (i.file_size > 2**20 and i.file_size > 200 * max(i.compress_size, 1)):
            archive.close()
            raise refuse(path, expected, "an encrypted archive or one that looks like a zip bomb")
    return archive


def read_zip_json(archive: zipfile.ZipFile, name: str, expected: str) -> Any:
    """Read one JSON member of an archive opened with :func:`zip_members`."""
    with archive.open(name) as fh:
        data = fh.read(MAX_JSON_BYTES + 1)
    return _loads(data, f"{Path(archive.filename or '').name}:{name}", expected)


def json_text(values: pd.Series) -> pd.Series:
    """JSON scalars as trimmed text, over the whole column: ``None``/NaN -> ``""``, ``True`` -> ``"true"``,
    integral floats (a number column with gaps) without ``.0``.

    Examples
    --------
    >>> json_text(pd.Series([11.0, None, 12.0])).tolist(), json_text(pd.Series([1.5, None])).tolist()
    (['11', '', '12'], ['1.5', ''])
    >>> json_text(pd.Series([" a ", None, True], dtype=object)).tolist()
    ['a', '', 'true']
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.map({True: "true", False: "false"}).astype("str")
    if pd.api.types.is_float_dtype(values.dtype):
        given = values.dropna()
        whole = bool((given % 1 == 0).all() and (given.abs() < 2**53).all())
        out = values.astype("Int64").astype("str") if whole else values.astype("str")
        return out.where(values.notna(), "").astype("str")  # a gap is "", never "nan" or "<NA>"
    if pd.api.types.is_integer_dtype(values.dtype):
        return values.astype("str")
    na = values.isna().to_numpy()
    out = values.astype("str").str.strip()
    out = out.where(~out.isin(["True", "False"]), out.str.lower())
    out[na] = ""
    return out.astype("str")


def iter_files(paths: list[Path] | tuple[Path, ...]) -> Iterator[Path]:
    """The files given, with folders expanded (sorted, hidden files skipped), each once."""
    seen: set[Path] = set()
    for p in paths:
        p = Path(p)
        items = sorted(q for q in p.rglob("*") if q.is_file() and not any(
            part.startswith(".") for part in q.relative_to(p).parts)) if p.is_dir() else [p]
        for q in items:
            r = q.resolve()
            if r not in seen:
                seen.add(r)
                yield q


def numeric_rows(path: Path, expected: str) -> np.ndarray | None:
    """The rows of a text file made only of numbers (a matrix or a dyad list), or ``None``.

    Spaces, tabs, commas or semicolons separate the numbers; every line must have as many (else the file is
    refused as ``expected``). ``None``: the file holds something besides numbers (read it as a table).
    """
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(65536)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or not _NUMERIC_TEXT.match(head.lstrip(
            codecs.BOM_UTF8)):
        return None
    if size > MAX_TEXT_BYTES:
        raise refuse(path, expected, f"a numeric text file of {size / 2**20:,.0f} MB, more than "
                     f"{MAX_TEXT_BYTES / 2**20:,.0f} MB")
    data = path.read_bytes().lstrip(codecs.BOM_UTF8)
    if not _NUMERIC_TEXT.match(data):
        return None
    sep = b"," if b"," in data else b";" if b";" in data else None
    if sep is not None and data.lstrip(b" \t").startswith(sep):
        return None  # a blank first header cell: a labelled matrix with numeric ids, read as a table
    if sep is None:
        lines = [ln.split() for ln in data.splitlines() if ln.strip()]  # per line: survey-sized files
    else:  # a CSV of numbers without labels: a blank cell is 0
        lines = [[c.strip() or b"0" for c in ln.split(sep)] for ln in data.splitlines() if ln.strip()]
    if not lines:
        raise refuse(path, expected, "an empty file")
    widths = {len(ln) for ln in lines}
    if len(widths) != 1:
        raise refuse(path, expected, f"lines of {min(widths)} to {max(widths)} numbers",
                     "A matrix has as many numbers on each line as it has lines; a dyad list 2 or 3 per line.")
    try:
        return np.array(lines, dtype=np.float64)
    except ValueError:  # "1.2.3", "-": not a numeric matrix; read as a table instead
        return None


# a decimal comma for sure: 0,25 / 1,5 (not three digits after it), or 1.234,5 / 1.234.567 (dots group thousands)
_COMMA_DECIMAL = (r"^[+-]?(?:[0-9]*,(?:[0-9]{1,2}|[0-9]{4,})|[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+"
                  r"|[0-9]{1,3}(?:\.[0-9]{3}){2,})$")
# a decimal point for sure: 0.25 / 1.5, or 1,234.5 / 1,234,567 (commas group thousands)
_POINT_DECIMAL = (r"^[+-]?(?:[0-9]*\.(?:[0-9]{1,2}|[0-9]{4,})|[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]+"
                  r"|[0-9]{1,3}(?:,[0-9]{3}){2,})$")


def parse_numbers(values: pd.Series, *, what: str, log: ImportLog | None = None) -> pd.Series:
    """Numbers written as text, the decimal mark decided from the column's own values.

    English exports write ``1,234.5``; a file saved by Excel in most of Europe writes ``1.234,5`` (and
    ``0,25``). A value that fits only one convention (``0,25``, ``1.5``, ``1.234,5``) decides the column;
    otherwise (``1,500`` alone) commas group thousands. Spaces (``1 234``) are dropped.

    Returns
    -------
    Series
        ``float64``; ``NaN`` where a value is blank or not a number.

    Raises
    ------
    ConfigError
        Some values have a decimal comma and others a decimal point (``0,25`` and ``0.5``).

    Examples
    --------
    >>> parse_numbers(pd.Series(["0,25", "1.234,5", "2"]), what="x").tolist()
    [0.25, 1234.5, 2.0]
    >>> parse_numbers(pd.Series(["1,500", "0.5", ""]), what="x").tolist()
    [1500.0, 0.5, nan]
    """
    text = values.fillna("").astype("str").str.replace(r"[\s\u00a0\u202f']", "", regex=True)
    comma = text.str.match(_COMMA_DECIMAL)
    point = text.str.match(_POINT_DECIMAL)
    if comma.any() and point.any():
        first_comma = int(np.flatnonzero(comma.to_numpy())[0]) + 1
        first_point = int(np.flatnonzero(point.to_numpy())[0]) + 1
        raise ConfigError(f"{what}: some numbers have a decimal comma (the first is value {first_comma:,} of the "
                          f"column) and some a decimal point (value {first_point:,}). Export the file again with one "
                          "decimal mark.")
    if comma.any():
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        if log is not None:
            log.decided(f"numbers of {what}", f"decimal comma: {int(comma.sum()):,} value(s) such as 0,25 or "
                        "1.234,5 can only be read that way (a file saved by Excel in a European language)")
    else:
        text = text.str.replace(",", "", regex=False)
    return pd.to_numeric(text.replace("", np.nan), errors="coerce")
