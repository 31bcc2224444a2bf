"""Read a client's files: from bytes on disk to tables of trimmed strings, with bounded resources.

This is the first half of loading (:mod:`orgkit.data.loading` validates what it returns). It finds the table
files of a client folder, reads ``client.yml``, decides each CSV's text encoding from evidence, picks an
XLSX workbook's sheet, and turns every file into a DataFrame of strings:

* every column has pandas' string dtype (``str``), every cell is trimmed of surrounding whitespace and a
  blank cell is ``""`` (never missing);
* rows that are entirely blank are dropped; the index keeps each row's position (CSV: the record number
  after the header, from 0; XLSX: the spreadsheet row minus 2), so row ``i`` is spreadsheet row ``i + 2``;
* columns without a header (``Unnamed: 3``) that hold nothing are dropped; headers are stripped, and a
  repeated header gets a suffix (``dept``, ``dept.1``) as pandas does.

Hostile or broken input (a zip bomb saved as ``.xlsx``, a YAML "billion laughs", a link to a file outside
the folder, a binary file named ``.csv``) is refused within seconds with a
:class:`~orgkit.errors.ValidationError` that names the file and says what to do; no message quotes the
content of a file that could not be read as a table.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import logging
import mmap
import os
import re
import threading
import unicodedata
import zipfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import yaml

from orgkit.data.client import DataWarning
from orgkit.data.contract import TABLES
from orgkit.errors import Problem, ValidationError

__all__ = [
    "read_table",
    "read_source",
    "detect_encoding",
    "guess_encoding",
    "utf16_without_bom",
    "CUT_OFF",
    "find_files",
    "load_settings_file",
    "bounded_yaml_load",
    "read_settings",
    "EncodingGuess",
    "UndecidedEncoding",
    "ReadOptions",
    "ReadSettings",
    "TableRead",
    "READ_KEYS",
]

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------------
# limits: every number below is a judgement (generous for real exports, small enough that hostile input
# is refused within seconds and without exhausting memory); change them here and only here.
# --------------------------------------------------------------------------------------------------
MIB = 1024 * 1024
#: Largest table file read (CSV bytes, or an XLSX file and, separately, its parts uncompressed).
#: ``max_file_mb:`` in client.yml overrides it for one client.
MAX_TABLE_BYTES = 2048 * MIB
#: Longest header line of a CSV file.
MAX_HEADER_BYTES = 1 * MIB
#: Most columns a table may have (a long survey has a few hundred).
MAX_COLUMNS = 10_000
#: Longest single CSV row, roughly (Arrow's parser takes rows up to about twice its block size). The parser
#: works in blocks of :data:`BLOCK_BYTES` (small blocks keep every core busy) and reads a file again in
#: blocks of this size when one row does not fit.
MAX_ROW_BYTES = 16 * MIB
BLOCK_BYTES = 1 * MIB
#: Files at least this large are hashed on a second thread while the parsed columns are trimmed, and
#: tables of at least this many rows have their columns trimmed side by side.
HASH_IN_THREAD_BYTES = 8 * MIB
PARALLEL_TRIM_ROWS = 200_000
#: Most parts an XLSX archive may hold (Excel writes a few dozen).
MAX_ZIP_MEMBERS = 10_000
#: Highest compression ratio of one XLSX part; Excel's XML compresses 5-20 times, a zip bomb about 1000.
MAX_COMPRESSION_RATIO = 100
#: Parts smaller than this (uncompressed) are not held to the ratio: they cannot do harm.
RATIO_CHECK_MIN_BYTES = 1 * MIB
#: Largest client.yml.
MAX_SETTINGS_BYTES = 1 * MIB
#: Most YAML aliases (``*name``) in client.yml, and most nodes once every alias is expanded.
MAX_YAML_ALIASES = 100
MAX_YAML_NODES = 100_000
#: Deepest nesting of lists and mappings in client.yml.
MAX_YAML_DEPTH = 50
#: Share of a file's non-ASCII byte sequences that must look like one language for its encoding to be
#: decided without a client.yml ``encoding:``.
ENCODING_EVIDENCE = 0.9
#: Non-ASCII byte sequences looked at to decide an encoding (the first ones in the file).
MAX_EVIDENCE_RUNS = 20_000
#: How many offending lines, and how many sheet names, a message lists before it says "and N more".
MAX_LINES_LISTED = 5
MAX_SHEETS_LISTED = 10


def _amount(n: float) -> str:
    """A number of bytes for a message: ``1.5 MiB``, ``12 KiB``, ``300 bytes``."""
    if n >= MIB:
        return f"{n / MIB:,.1f}".removesuffix(".0") + " MiB"
    if n >= 1024:
        return f"{n / 1024:,.0f} KiB"
    return f"{int(n)} bytes"


#: The client.yml keys this module reads (``orgkit.data.loading`` adds them to its settings keys).
READ_KEYS = frozenset({"encoding", "sheet", "max_file_mb", "allow_external_files"})
#: File types read as tables, and file types recognised only to say they are not read.
TABLE_SUFFIXES = (".csv", ".xlsx")
UNREAD_SUFFIXES = (".xls", ".txt", ".tsv", ".json")
SETTINGS_FILES = ("client.yml", "client.yaml")


# --------------------------------------------------------------------------------------------------
# options from client.yml
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReadOptions:
    """How to read one table file.

    Parameters
    ----------
    encoding : str or None
        The CSV text encoding given in client.yml (``None``: decide from the bytes).
    sheet : str or None
        The XLSX sheet given in client.yml (``None``: the visible active sheet).
    max_bytes : int
        Files larger than this are refused.
    """

    encoding: str | None = None
    sheet: str | None = None
    max_bytes: int = MAX_TABLE_BYTES


@dataclass(frozen=True)
class ReadSettings:
    """The reading keys of client.yml, checked: per-table options and whether outside links are allowed."""

    per_table: dict[str, ReadOptions] = field(default_factory=dict)
    default: ReadOptions = ReadOptions()
    allow_external_files: bool = False
    problems: tuple[Problem, ...] = ()

    def for_table(self, table: str) -> ReadOptions:
        return self.per_table.get(table, self.default)


def _table_key(key: Any) -> str:
    k = str(key).strip().lower()
    for suffix in TABLE_SUFFIXES:
        if k.endswith(suffix):
            k = k[: -len(suffix)]
    return k


def _per_table(raw: Any, key: str, check, problems: list[Problem]) -> tuple[Any, dict[str, Any]]:
    """Split ``key: value`` or ``key: {table: value}`` into (value for all, {table: value})."""
    f = SETTINGS_FILES[0]
    if raw is None:
        return None, {}
    if isinstance(raw, Mapping):
        per: dict[str, Any] = {}
        for table, value in raw.items():
            name = _table_key(table)
            if name not in TABLES:
                problems.append(Problem(f, f"{key} names an unknown file {str(table)!r}.",
                                        f"Use one of: {', '.join(TABLES)}.", column=key))
                continue
            checked = check(value, f"{key}.{name}")
            if checked is not None:
                per[name] = checked
        return None, per
    return check(raw, key), {}


def read_settings(raw: Mapping[str, Any]) -> ReadSettings:
    """Check the reading keys of a client.yml mapping: ``encoding``, ``sheet``, ``max_file_mb``,
    ``allow_external_files``.

    ``encoding`` and ``sheet`` take one value for every file or a mapping per file
    (``encoding: {people: latin-1}``). Problems are returned in :attr:`ReadSettings.problems`.

    Examples
    --------
    >>> s = read_settings({"encoding": {"people": "latin-1"}, "max_file_mb": 10})
    >>> s.for_table("people").encoding, s.for_table("survey").encoding, s.default.max_bytes
    ('latin-1', None, 10485760)
    >>> read_settings({"encoding": "klingon"}).problems[0].message
    "encoding names an unknown text encoding 'klingon'."
    """
    problems: list[Problem] = []
    f = SETTINGS_FILES[0]

    def check_encoding(value: Any, where: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(f, f"{where} must be the name of a text encoding. Got {value!r} instead.",
                                    "Use e.g. utf-8, gb18030, cp1252, latin-1 or utf-16.", column="encoding"))
            return None
        name = value.strip()
        try:
            b"a".decode(name, errors="ignore")  # LookupError for an unknown codec, and for base64 and the like
        except LookupError:
            problems.append(Problem(f, f"{where} names an unknown text encoding {name!r}.",
                                    "Use e.g. utf-8, gb18030, cp1252, latin-1 or utf-16.", column="encoding"))
            return None
        return name

    def check_sheet(value: Any, where: str) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
            problems.append(Problem(f, f"{where} must be a sheet name. Got {value!r} instead.",
                                    "Example: sheet: {people: Staff}", column="sheet"))
            return None
        return str(value).strip()

    encoding, encodings = _per_table(raw.get("encoding"), "encoding", check_encoding, problems)
    sheet, sheets = _per_table(raw.get("sheet"), "sheet", check_sheet, problems)
    max_bytes = MAX_TABLE_BYTES
    if "max_file_mb" in raw:
        mb = raw["max_file_mb"]
        if isinstance(mb, bool) or not isinstance(mb, (int, float)) or not mb > 0 or mb != mb:
            problems.append(Problem(f, f"max_file_mb must be a positive number of megabytes. Got {mb!r} instead.",
                                    f"The default is {MAX_TABLE_BYTES // MIB}.", column="max_file_mb"))
        else:
            max_bytes = int(mb * MIB)
    allow = raw.get("allow_external_files", False)
    if not isinstance(allow, bool):
        problems.append(Problem(f, f"allow_external_files must be true or false. Got {allow!r} instead.",
                                column="allow_external_files"))
        allow = False
    default = ReadOptions(encoding=encoding, sheet=sheet, max_bytes=max_bytes)
    per_table = {t: ReadOptions(encoding=encodings.get(t, encoding), sheet=sheets.get(t, sheet),
                                max_bytes=max_bytes)
                 for t in set(encodings) | set(sheets)}
    return ReadSettings(per_table, default, allow, tuple(problems))


# --------------------------------------------------------------------------------------------------
# client.yml: bounded YAML
# --------------------------------------------------------------------------------------------------
class YamlTooLarge(yaml.YAMLError):
    """A YAML document that would expand beyond the limits (aliases, nodes, nesting)."""


class _BoundedLoader(yaml.SafeLoader):
    """A SafeLoader that counts aliases and nesting while composing, before anything is constructed."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent, index):  # noqa: D102 - PyYAML's hook
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                raise YamlTooLarge(f"it uses more than {MAX_YAML_ALIASES} aliases (*name)")
        self._depth += 1
        if self._depth > MAX_YAML_DEPTH:
            raise YamlTooLarge(f"it nests lists or mappings more than {MAX_YAML_DEPTH} levels deep")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _expanded_size(root: yaml.Node) -> int:
    """Nodes the document would have with every alias expanded (aliases share nodes; this counts copies)."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        if isinstance(node, yaml.ScalarNode):
            sizes[key] = 1
            continue
        children = ([c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode)
                    else list(node.value))
        if children_done:
            in_progress.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            if sizes[key] > MAX_YAML_NODES:
                raise YamlTooLarge(f"its aliases expand to more than {MAX_YAML_NODES:,} values")
            continue
        if key in in_progress:
            raise YamlTooLarge("an alias refers to a list or mapping that contains it")
        in_progress.add(key)
        stack.append((node, True))
        for c in children:
            if id(c) in in_progress:
                raise YamlTooLarge("an alias refers to a list or mapping that contains it")
            if id(c) not in sizes:
                stack.append((c, False))
    return sizes[id(root)]


def bounded_yaml_load(text: str) -> Any:
    """``yaml.safe_load`` that refuses documents whose aliases or nesting exceed the module's limits.

    Raises
    ------
    yaml.YAMLError
        For invalid YAML, and :class:`YamlTooLarge` (a subclass) for a document beyond the limits, such
        as a "billion laughs" of nested aliases; it is refused while composing, before it is expanded.

    Examples
    --------
    >>> bounded_yaml_load("a: &x [1, 2]\\nb: *x")
    {'a': [1, 2], 'b': [1, 2]}
    """
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """What is wrong with a YAML file, with its line and column but without quoting its text."""
    if isinstance(exc, YamlTooLarge):
        return f"is refused: {exc}."
    problem = getattr(exc, "problem", None) or "it cannot be parsed"
    problem = re.sub(r"'[^']*'|\"[^\"]*\"", "…", str(problem))  # tokens quoted from the file are left out
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return f"is not valid YAML ({problem}{where})."


def _outside(path: Path, folder: Path) -> Path | None:
    """The resolved target of ``path`` when it lies outside ``folder`` (a link out), else ``None``."""
    target = path.resolve()
    return None if target.is_relative_to(folder.resolve()) else target


def load_settings_file(folder: Path) -> tuple[dict[str, Any], list[Problem]]:
    """Read ``client.yml`` (or ``client.yaml``) of a client folder, safely.

    Returns
    -------
    (settings, problems)
        The raw mapping (``{}`` when there is no file) and non-fatal problems (the file is not a mapping).

    Raises
    ------
    ValidationError
        When the file is larger than :data:`MAX_SETTINGS_BYTES`, links outside the folder, is not UTF-8, is
        not valid YAML, or its aliases or nesting exceed the limits (a "billion laughs" is refused in
        milliseconds).
    """
    yml = next((folder / n for n in SETTINGS_FILES if (folder / n).is_file()), None)
    if yml is None:
        return {}, []

    def fail(message: str, hint: str = "") -> ValidationError:
        return ValidationError(folder, [Problem(yml.name, message, hint)])

    target = _outside(yml, folder)
    if target is not None:
        raise fail(f"is a link to a file outside the client folder (in {target.parent}); it was not read.",
                   "Copy the settings file into the client folder.")
    size = yml.stat().st_size
    if size > MAX_SETTINGS_BYTES:
        raise fail(f"is {_amount(size)}; a settings file is at most {_amount(MAX_SETTINGS_BYTES)}, so it "
                   "was not read.", "Keep only the settings in it (name:, stage:, columns:, ...).")
    try:
        text = yml.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(f"is not UTF-8 text (byte {exc.start} cannot be decoded).", "Save it as UTF-8.") from None
    try:
        loaded = bounded_yaml_load(text)
    except yaml.YAMLError as exc:
        raise fail(_yaml_problem(exc), "Check its indentation and quoting, and write each setting out "
                   "instead of using aliases (*name).") from None
    except (ValueError, RecursionError):  # e.g. an integer with more digits than Python converts
        raise fail("is not valid YAML (a value cannot be converted).",
                   "Check its indentation and quoting.") from None
    if loaded is not None and not isinstance(loaded, Mapping):
        return {}, [Problem(yml.name, "must be a mapping of settings (name:, stage:, ...).")]
    return dict(loaded or {}), []


# --------------------------------------------------------------------------------------------------
# the folder
# --------------------------------------------------------------------------------------------------
def find_files(folder: Path, *, allow_external_files: bool = False) -> tuple[dict[str, Path], list[Problem]]:
    """The table files of a client folder, by table name, and the problems found.

    Files are matched by stem, case-insensitively (``People.CSV`` is ``people``); hidden files and Excel's
    lock files (``~$people.xlsx``) are ignored. A link to a file outside the folder is refused unless
    ``allow_external_files`` is true.
    """
    problems: list[Problem] = []
    found: dict[str, Path] = {}
    by_stem: dict[str, list[Path]] = {}
    for p in folder.iterdir():
        if p.is_file() and not p.name.startswith((".", "~$")):
            by_stem.setdefault(p.stem.strip().lower(), []).append(p)
    for table in TABLES:
        paths = [p for p in by_stem.get(table, []) if p.suffix.lower() in TABLE_SUFFIXES]
        other = [p for p in by_stem.get(table, []) if p.suffix.lower() in UNREAD_SUFFIXES]
        if len(paths) > 1:
            problems.append(Problem(paths[0].name, f"{table} is given twice "
                                    f"({', '.join(sorted(p.name for p in paths))}).", "Keep one of them."))
        elif paths:
            target = None if allow_external_files else _outside(paths[0], folder)
            if target is not None:
                problems.append(Problem(
                    paths[0].name, f"is a link to a file outside the client folder (in {target.parent}); it "
                    "was not read.", "Copy the file into the client folder, or set allow_external_files: "
                    "true in client.yml if the link is meant."))
            else:
                found[table] = paths[0]
        elif other:
            problems.append(Problem(other[0].name, f"{other[0].suffix} files are not read.",
                                    f"Save {table} as .csv (UTF-8) or .xlsx."))
    if "people" not in found and not any(p.file.lower().startswith("people.") for p in problems):
        files = sorted(p.name for ps in by_stem.values() for p in ps)
        problems.append(Problem("people.csv", "the required people file is missing.",
                                f"Add people.csv or people.xlsx with employee_id and department columns. Files "
                                f"found: {', '.join(files) if files else 'none'}."))
    return found, problems


# --------------------------------------------------------------------------------------------------
# encodings
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EncodingGuess:
    """A decided text encoding and the evidence for it, in a sentence."""

    encoding: str
    reason: str
    evidence: Mapping[str, Any] | None = None  # the reason as a catalogue text, for the encoding_detected warning


class UndecidedEncoding(UnicodeDecodeError):
    """The bytes' encoding cannot be decided from evidence; :attr:`detail` says why (no file content)."""

    def __init__(self, data: bytes, detail: str, position: int = 0):
        super().__init__("unknown", data[position:position + 1], 0, 1, detail)
        self.detail = detail
        self.position = position

    def __str__(self) -> str:
        return self.detail


_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32", "a UTF-32 byte-order mark"),
    (codecs.BOM_UTF32_BE, "utf-32", "a UTF-32 byte-order mark"),
    (codecs.BOM_UTF8, "utf-8-sig", "a UTF-8 byte-order mark"),
    (codecs.BOM_UTF16_LE, "utf-16", "a UTF-16 byte-order mark"),
    (codecs.BOM_UTF16_BE, "utf-16", "a UTF-16 byte-order mark"),
)
_BLANK = re.compile(rb"\s*")
#: What is wrong with UTF-16/UTF-32 text whose last character lacks bytes, in words for a refusal.
CUT_OFF = "that ends in the middle of a character: it was cut off (an interrupted download or copy)"
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")
_C1 = re.compile(rb"[\x80-\x9f]")
_ASCII_LETTERS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
#: Non-letter characters of Western European text (cp1252/latin-1), e.g. "20 €", "“quoted”", "5 °C".
_WESTERN_SYMBOLS = frozenset("€£¥¢©®°±·«»“”‘’‚„–—…™§¶¼½¾µ¡¿•†‡‰¤¦¨ª¬¯²³´¸¹º×÷\xa0")


def _latin_letter(ch: str) -> bool:
    return 0xC0 <= ord(ch) <= 0x24F and unicodedata.category(ch).startswith("L")


def _chinese_run(run: bytes) -> bool:
    """Whether a run of high bytes is whole GB2312 characters (common simplified Chinese, CJK punctuation).

    GB2312 pairs have both bytes in A1-FE: rows A1-A9 are symbols and full-width forms, B0-F7 the 6,763
    common hanzi. Latin-1 text read as GB18030 pairs a high byte with the ASCII letter after it instead.
    """
    if len(run) % 2:
        return False
    leads, trails = run[0::2], run[1::2]
    return (all(0xA1 <= t <= 0xFE for t in trails)
            and all(0xA1 <= b <= 0xA9 or 0xB0 <= b <= 0xF7 for b in leads))


def _is_utf8(run: bytes) -> bool:
    try:
        run.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _latin_run(run: bytes, codec: str) -> str:
    """``"latin"`` (accented letters inside a word), ``"symbol"`` (€, “ ”) or ``"foreign"``."""
    if len(run) > 3:
        return "foreign"
    if len(run) > 1 and _is_utf8(run):
        return "foreign"  # a UTF-8 sequence: a file of mixed encodings, not Western European text
    try:
        text = run.decode(codec)
    except UnicodeDecodeError:
        return "foreign"
    if all(ch in _WESTERN_SYMBOLS for ch in text):
        return "symbol"
    if all(_latin_letter(ch) or ch in _WESTERN_SYMBOLS for ch in text):
        return "latin"
    return "foreign"


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when every other byte of the start is zero (ASCII text in UTF-16).

    Examples
    --------
    >>> utf16_without_bom("employee_id,department".encode("utf-16-le")), utf16_without_bom(b"id,dept")
    ('utf-16-le', None)
    """
    head = data[:4096]
    even, odd = head[0::2], head[1::2]
    if len(odd) < 16:  # a header line at least: too few bytes say nothing
        return None
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd > 0.4 and zeros_even < 0.05:
        return "utf-16-le"
    if zeros_even > 0.4 and zeros_odd < 0.05:
        return "utf-16-be"
    return None


def guess_encoding(data: bytes) -> EncodingGuess:
    """Decide the text encoding of a CSV export from evidence, and say why.

    In order: a byte-order mark (``utf-8-sig``, ``utf-16``, ``utf-32``); valid UTF-8 (``utf-8``); then
    GB18030 (``gb18030``, what Excel on Chinese Windows writes) or Western European (``cp1252``, or
    ``latin-1`` when no byte is in 0x80-0x9F, where the two differ) by looking at every run of non-ASCII
    bytes: GB18030 when at least 90% of them are whole common Chinese characters (GB2312 byte pairs) not
    wedged inside a Latin word; Western European when at least 90% are one to three accented letters next to
    ASCII letters ("Müller", "José", "Gestão") or Western symbols (€, “ ”).

    Raises
    ------
    UndecidedEncoding
        (a ``UnicodeDecodeError``) when neither is clear, or the bytes contain NUL (a binary file); its
        ``detail`` says what was seen, in counts, never quoting the file.

    Examples
    --------
    >>> guess_encoding("Müller,Sales".encode("latin-1")).encoding
    'latin-1'
    >>> guess_encoding("张三,销售部".encode("gb18030")).encoding
    'gb18030'
    """
    for bom, name, why in _BOMS:
        if data.startswith(bom):
            return EncodingGuess(name, f"the file starts with {why}", {"key": "warning.encoding.bom"})
    if b"\x00" in data:
        utf16 = utf16_without_bom(data)
        if utf16 is not None:
            try:
                data.decode(utf16)
                return EncodingGuess(utf16, "every other byte is zero, as in UTF-16 text without a byte-order "
                                            "mark", {"key": "warning.encoding.utf16"})
            except UnicodeDecodeError:
                if len(data) % 2:
                    raise UndecidedEncoding(data, "it looks like UTF-16 text without a byte-order mark (every "
                                            "other byte is zero) " + CUT_OFF, len(data) - 1) from None
        raise UndecidedEncoding(data, "it contains NUL bytes, so it is not CSV text (a binary file, or UTF-16 "
                                      "without a byte-order mark?)", data.index(b"\x00"))
    if data.isascii():
        return EncodingGuess("utf-8", "the file is plain ASCII")
    try:
        data.decode("utf-8")
        return EncodingGuess("utf-8", "the file is valid UTF-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    n = n_chinese = n_latin = n_symbol = n_utf8 = 0
    latin_codec = "cp1252" if _C1.search(data) else "latin-1"
    for m in itertools.islice(_HIGH_RUN.finditer(data), MAX_EVIDENCE_RUNS):
        run, start, end = m.group(), m.start(), m.end()
        left = data[start - 1] if start else 0
        right = data[end] if end < len(data) else 0
        left_letter, right_letter = left in _ASCII_LETTERS, right in _ASCII_LETTERS
        n += 1
        if _chinese_run(run) and not (left_letter and right_letter):
            n_chinese += 1
        kind = _latin_run(run, latin_codec)
        if kind == "symbol":
            n_symbol += 1
        elif kind == "latin" and (left_letter or right_letter):
            n_latin += 1
        if len(run) > 1 and _is_utf8(run):
            n_utf8 += 1

    def valid(codec: str) -> bool:
        try:
            data.decode(codec)
            return True
        except UnicodeDecodeError:
            return False

    chinese = n_chinese >= ENCODING_EVIDENCE * n and valid("gb18030")
    western = n_latin + n_symbol >= ENCODING_EVIDENCE * n and n_latin + n_symbol > 0 and valid(latin_codec)
    runs = f"of the first {n:,} runs" if n == MAX_EVIDENCE_RUNS else f"of its {n:,} runs"
    as_chinese = f"{n_chinese:,} are common Chinese characters"
    as_western = f"{n_latin + n_symbol:,} are accented Latin letters or Western symbols"
    evidence = {"key": "warning.encoding.chinese" if chinese else "warning.encoding.western", "n": n,
                "chinese": n_chinese, "western": n_latin + n_symbol}
    if chinese and not western:
        return EncodingGuess("gb18030", f"{runs} of non-ASCII bytes, {as_chinese} (and {as_western})", evidence)
    if western and not chinese:
        return EncodingGuess(latin_codec, f"{runs} of non-ASCII bytes, {as_western} (and {as_chinese})", evidence)
    if chinese and western:
        raise UndecidedEncoding(data, f"it is not UTF-8 and could be GB18030 (Chinese) or {latin_codec} "
                                      f"(Western European) text: {runs} of non-ASCII bytes, {as_chinese} and "
                                      f"{as_western}", first_bad)
    if n_utf8 >= ENCODING_EVIDENCE * n:
        raise UndecidedEncoding(data, f"it looks like UTF-8 text, but byte {first_bad:,} is not valid UTF-8 "
                                      f"({n_utf8:,} of its {n:,} runs of non-ASCII bytes are UTF-8): a damaged "
                                      "file, or one put together from files in different encodings", first_bad)
    raise UndecidedEncoding(data, f"it is neither UTF-8 nor GB18030 text, nor clearly Western European "
                                  f"({latin_codec}): {runs} of non-ASCII bytes, {as_chinese} and {as_western}",
                            first_bad)


def detect_encoding(data: bytes) -> str:
    """The text encoding of a CSV export (see :func:`guess_encoding` for how it is decided).

    Returns
    -------
    str
        ``utf-8``, ``utf-8-sig`` (UTF-8 with a byte-order mark), ``utf-16``, ``utf-16-le``, ``utf-16-be``,
        ``utf-32``, ``gb18030``, ``cp1252`` or ``latin-1``.

    Raises
    ------
    UnicodeDecodeError
        (:class:`UndecidedEncoding`) when the evidence does not decide it.

    Examples
    --------
    >>> detect_encoding("销售".encode("utf-8")), detect_encoding("销售".encode("gb18030"))
    ('utf-8', 'gb18030')
    """
    return guess_encoding(data).encoding


# --------------------------------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TableRead:
    """One file read as a table of strings, and what was decided while reading it.

    Attributes
    ----------
    frame : DataFrame
        The table (see the module docstring for its guarantees).
    encoding : str or None
        The CSV text encoding (``None`` for XLSX).
    encoding_reason : str
        Why that encoding (``"set in client.yml"``, or the evidence).
    sheet : str or None
        The XLSX sheet read (``None`` for CSV).
    sha256 : str
        SHA-256 of the file's bytes.
    warnings : tuple of DataWarning
        ``encoding_detected`` (a CSV that is not UTF-8) and ``sheet_chosen`` (a workbook of several sheets).
    """

    frame: pd.DataFrame
    encoding: str | None
    encoding_reason: str
    sheet: str | None
    sha256: str
    warnings: tuple[DataWarning, ...] = ()


class _Refused(Exception):
    """Internal: a file cannot be read; carries the problem for the caller to raise with its folder."""

    def __init__(self, message: str, hint: str = "", row: int | None = None):
        super().__init__(message)
        self.message, self.hint, self.row = message, hint, row


def _lines(numbers: list[int | None], total: int) -> str:
    shown = [str(n) for n in numbers[:MAX_LINES_LISTED] if n is not None]
    text = ("lines " if len(shown) > 1 else "line ") + ", ".join(shown) if shown else "some lines"
    if total > len(shown) and shown:
        text += f" and {total - len(shown)} more"
    return text


#: Python's whitespace (what ``str.strip`` removes) within ASCII; Arrow's ``ascii_trim_whitespace`` leaves
#: out \x1c-\x1f, so plain-ASCII files are trimmed of this explicit set (twice as fast as the UTF-8 kernel).
_ASCII_WHITESPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def _header_names(raw: list[str]) -> list[str]:
    """Stripped header texts; blanks become ``Unnamed: i`` and repeats get ``.1``, ``.2`` (as in pandas)."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, h in enumerate(raw):
        name = h.strip() or f"Unnamed: {i}"
        base = name
        while name in seen:
            seen[base] += 1
            name = f"{base}.{seen[base]}"
        seen.setdefault(name, 0)
        names.append(name)
    return names


def _finish(columns: list[pa.Array | pa.ChunkedArray], header: list[str],
            positions: np.ndarray | None = None, ascii: bool = False) -> pd.DataFrame:
    """Trim, drop blank rows and empty unnamed columns, and hand over a DataFrame of ``str`` columns.

    ``positions`` are the rows' index values (default ``0..n-1``); ``ascii`` says the text is plain ASCII
    (trimmed by the faster ASCII kernel, with the same result as ``str.strip``).
    """
    names = _header_names(header)
    def trim(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
        if ascii:
            return pc.ascii_trim(column, characters=_ASCII_WHITESPACE)
        return pc.utf8_trim_whitespace(column)

    workers = min(len(columns), os.cpu_count() or 1, 4)
    if workers > 1 and columns and len(columns[0]) >= PARALLEL_TRIM_ROWS:
        # Arrow's kernels release the GIL: trim the columns side by side (threads that end here)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="orgkit-trim") as pool:
            trimmed = list(pool.map(trim, columns))
    else:
        trimmed = [trim(c) for c in columns]
    table = pa.table(trimmed, names=names) if trimmed else pa.table({})
    index = None if positions is None else pd.Index(positions)
    blank = pc.equal(trimmed[0], "") if trimmed and table.num_rows else None
    for c in trimmed[1:]:  # a row is blank when every cell is: stop as soon as no candidate is left
        if blank is None or not pc.any(blank).as_py():
            break
        blank = pc.and_(blank, pc.equal(c, ""))
    if blank is not None and pc.any(blank).as_py():
        keep = pc.invert(blank)
        table = table.filter(keep)
        kept = np.asarray(keep.to_numpy(zero_copy_only=False), dtype=bool)
        index = pd.Index(np.flatnonzero(kept)) if positions is None else pd.Index(positions[kept])
    drop = [name for name in names
            if name.startswith("Unnamed: ") and not pc.any(pc.not_equal(table[name], "")).as_py()]
    if drop:
        table = table.drop_columns(drop)
    frame = table.to_pandas()
    for c in frame.columns:  # string columns come back as ``str``; an empty table's as object
        if frame[c].dtype != "str":
            frame[c] = frame[c].astype("str")
    if index is not None and not (len(index) and index[0] == 0 and index[-1] == len(index) - 1):
        frame.index = index
    return frame


def _sniff_separator(first_line: str) -> str:
    """The most frequent of ``,``, ``;`` and tab in the header line (comma when none is there)."""
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _plain_ascii(data: bytes | mmap.mmap) -> bool:
    """Whether the bytes are ASCII without NUL (the common case, told without copying a mapped file)."""
    return data.find(b"\x00") < 0 and int(np.frombuffer(data, dtype=np.uint8).max()) < 0x80


def _decode(data: bytes | mmap.mmap, options: ReadOptions, table: str
            ) -> tuple[bytes | mmap.mmap, int, str, str, bool | Mapping[str, Any], bool]:
    """UTF-8 bytes of a CSV file, where its text starts (after a BOM), its encoding, why, whether the encoding
    was detected as something other than UTF-8, and whether the text is plain ASCII."""
    hint = (f"Save it from Excel as 'CSV UTF-8' (or as .xlsx), or name its encoding in client.yml "
            f"(encoding: {{{table}: gb18030}}, or cp1252, latin-1, ...).")
    bom = len(codecs.BOM_UTF8)
    if options.encoding is not None:
        name = options.encoding
        norm = codecs.lookup(name).name
        raw = data if isinstance(data, bytes) else data[:]
        if norm == "utf-8" and raw.startswith(codecs.BOM_UTF8):
            name, norm = "utf-8-sig", "utf-8-sig"
        try:
            text = raw.decode(name)
        except UnicodeDecodeError as exc:
            raise _Refused(f"is not {name} text as client.yml says (byte {exc.start} cannot be decoded).",
                           "Correct encoding: in client.yml, or remove it to let orgkit detect the "
                           "encoding.") from None
        reason = "it is set in client.yml"
        if norm in ("utf-8", "utf-8-sig"):
            return data, bom if norm == "utf-8-sig" else 0, name, reason, False, False
        return text.encode("utf-8"), 0, name, reason, False, False
    if _plain_ascii(data):
        return data, 0, "utf-8", "the file is plain ASCII", False, True
    raw = data if isinstance(data, bytes) else data[:]
    try:
        guess = guess_encoding(raw)
    except UndecidedEncoding as exc:
        raise _Refused(f"cannot tell which text encoding the file uses: {exc.detail}.", hint) from None
    if guess.encoding == "utf-8":  # decoded whole to be decided
        return data, 0, guess.encoding, guess.reason, False, False
    try:  # a byte-order mark says which encoding, not that the bytes after it are that encoding
        text = raw.decode(guess.encoding)
    except UnicodeDecodeError as exc:
        cut = exc.reason in ("truncated data", "unexpected end of data")
        what = (CUT_OFF if cut else f"but byte {exc.start + (bom if guess.encoding == 'utf-8-sig' else 0):,} "
                f"cannot be decoded as {guess.encoding}")
        raise _Refused(f"is {guess.encoding} text ({guess.reason}) {what}.",
                       "Export or copy the file again." if cut else hint) from None
    if guess.encoding == "utf-8-sig":
        return data, bom, guess.encoding, guess.reason, False, False
    # "detected" is the evidence as a catalogue text, for the encoding_detected warning
    return text.encode("utf-8"), 0, guess.encoding, guess.reason, guess.evidence or True, False


def _parse_arrow(buf: pa.Buffer, sep: str, n_columns: int, quoted: bool, threads: bool,
                 block_size: int = BLOCK_BYTES):
    """Every field as a string column (``c0``, ``c1``, ...; the header is row 0) and the invalid rows
    as ``(fields, line number or None)``."""
    names = [f"c{i}" for i in range(n_columns)]
    invalid: list[tuple[int, int | None]] = []

    def on_invalid(row) -> str:
        invalid.append((row.actual_columns, row.number if len(invalid) < 1000 else None))
        return "skip"

    table = pa_csv.read_csv(
        buf,
        read_options=pa_csv.ReadOptions(column_names=names, block_size=block_size, use_threads=threads),
        parse_options=pa_csv.ParseOptions(delimiter=sep, quote_char='"', double_quote=True,
                                          newlines_in_values=quoted, invalid_row_handler=on_invalid),
        convert_options=pa_csv.ConvertOptions(column_types={n: pa.large_string() for n in names}, null_values=[],
                                              strings_can_be_null=False, quoted_strings_can_be_null=False))
    return table, invalid


def _parse_csv(buf: pa.Buffer, sep: str, n_columns: int, quoted: bool, encoding: str, reason: str,
               table: str) -> tuple[pa.Table, list[tuple[int, int | None]], int]:
    """:func:`_parse_arrow` in small blocks, or once more in large ones when a row does not fit in one.

    Returns the table, the invalid rows and the block size used. Parser errors become a description: the
    parser's own message may quote the file.
    """
    block = BLOCK_BYTES
    while True:
        try:
            tbl, invalid = _parse_arrow(buf, sep, n_columns, quoted, threads=True, block_size=block)
            return tbl, invalid, block
        except pa.ArrowInvalid as exc:
            text = str(exc)
        if "straddling" in text and block < MAX_ROW_BYTES:
            block = MAX_ROW_BYTES
            continue
        if "straddling" in text:
            raise _Refused(f"a row is longer than about {_amount(MAX_ROW_BYTES)}, or a double quote is never "
                           "closed.", "Check the quoting: a value containing the separator, a quote or a line "
                           "break must be in double quotes, and quotes inside it doubled (\"\").")
        if "UTF8" in text or "UTF-8" in text:
            raise _Refused(f"is not valid UTF-8 text although it was read as {encoding} ({reason}).",
                           f"Save it from Excel as 'CSV UTF-8', or name its encoding in client.yml "
                           f"(encoding: {{{table}: ...}}).")
        raise _Refused("cannot be parsed as CSV.", "Check that it is a plain CSV export with one header row "
                       "and balanced double quotes.")


def _too_many_fields(first: tuple[int, int | None], more: list[int | None], n_columns: int) -> _Refused:
    fields, number = first
    where = f"line {number}" if number is not None else "a line"
    rest = (f"; {len(more):,} more line(s) have more fields than the header ({_lines(more, len(more))})"
            if more else "")
    return _Refused(f"{where} has {fields} fields, the header has {n_columns}{rest}.",
                    "Check the separator, and put values that contain it in double quotes (\"Smith, Ann\").")


_SPACED_QUOTE = {sep: re.compile(rb'(?:^|[\n' + re.escape(sep.encode()) + rb'])[ ]+"', re.MULTILINE)
                 for sep in (",", ";", "\t")}
_PANDAS_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_PANDAS_EOF = re.compile(r"EOF inside string starting at row (\d+)")


def _parse_pandas(text: bytes, sep: str, n_columns: int) -> list[pa.Array]:
    """The slower path (pandas' C parser) for what Arrow's does not do: rows with fewer fields than the
    header (padded with blanks) and a double quote after spaces (``1, "Smith, Ann"``) opening a value."""
    try:
        frame = pd.read_csv(io.BytesIO(text), sep=sep, header=None, names=list(range(n_columns)), index_col=False,
                            dtype=str, keep_default_na=False, na_filter=False, skipinitialspace=True,
                            engine="c", encoding="utf-8")
    except pd.errors.ParserError as exc:  # its message may quote the file: describe instead
        fields = _PANDAS_FIELDS.search(str(exc))
        if fields:
            raise _too_many_fields((int(fields.group(3)), int(fields.group(2))), [], n_columns) from None
        eof = _PANDAS_EOF.search(str(exc))
        where = f"near line {eof.group(1)} " if eof else ""
        raise _Refused(f"a double quote opened {where}is never closed, so the rest of the file would be one "
                       "value." if eof else "cannot be parsed as CSV.",
                       "Check the quoting: quotes inside a value are doubled (\"\").") from None
    return [pa.array(frame[c].fillna("").to_numpy(dtype=object), pa.large_string()) for c in frame.columns]


_SEP_HINT = re.compile(rb'^"?sep=([,;\t|])"?[ \t]*\r?\n', re.IGNORECASE)


def _cr_lines(head: bytes | mmap.mmap) -> bool:
    """Whether the first line of the text ends with a CR alone (old Mac line endings)."""
    cr = head.find(b"\r")
    lf = head.find(b"\n")
    return cr >= 0 and (lf < 0 or lf > cr + 1) and head[cr + 1:cr + 2] != b"\n"


def _read_csv(data: bytes | mmap.mmap, options: ReadOptions, table: str, digest: _Digest | None = None
              ) -> tuple[pd.DataFrame, str, str, bool]:
    utf8, offset, encoding, reason, detected, ascii = _decode(data, options, table)
    head = utf8[offset:offset + MAX_HEADER_BYTES]
    if _cr_lines(head):  # "CSV (Macintosh)" of old Excel: lines end with CR alone
        utf8 = bytes(utf8).replace(b"\r", b"\n")
        head = utf8[offset:offset + MAX_HEADER_BYTES]
    hint = _SEP_HINT.match(head)
    if hint:  # Excel's "sep=;" line above the header names the separator
        offset += hint.end()
        head = utf8[offset:offset + MAX_HEADER_BYTES]
    if len(utf8) - offset > MAX_HEADER_BYTES and b"\n" not in head and b"\r" not in head:
        raise _Refused(f"the header line is longer than {_amount(MAX_HEADER_BYTES)}, so the file was not read.",
                       "Check that it is a CSV export with one header row.")
    head_text = head.decode("utf-8", errors="ignore")
    if not head_text.strip():
        raise _Refused("the file is empty.", "Export it again with a header row and data rows.")
    head_text = head_text.lstrip("\r\n")
    sep = hint.group(1).decode() if hint else _sniff_separator(head_text.split("\n", 1)[0])
    try:
        header = next(csv.reader(io.StringIO(head_text), delimiter=sep))
    except (csv.Error, StopIteration):
        raise _Refused("the header line cannot be read.", "Check that it is a CSV export with one header "
                       "row and balanced double quotes.") from None
    if len(header) > MAX_COLUMNS:
        raise _Refused(f"the header has {len(header):,} columns; at most {MAX_COLUMNS:,} are read.",
                       "Check the separator, or export only the columns orgkit needs.")
    n = len(header)
    quoted = utf8.find(b'"') >= 0
    # a quote after spaces opens a quoted value for a spreadsheet, not for Arrow's parser
    spaced_quote = quoted and utf8.find(b' "') >= 0 and _SPACED_QUOTE[sep].search(utf8) is not None
    columns: list[pa.Array] | None = None
    if not spaced_quote:
        buf = pa.py_buffer(utf8)[offset:]
        tbl, invalid, block = _parse_csv(buf, sep, n, quoted, encoding, reason, table)
        if digest is not None:
            digest.start()  # hash on the other core while this one trims
        if any(fields > n for fields, _ in invalid):
            if all(number is None for _, number in invalid):  # threaded parsing does not know line numbers
                _, invalid = _parse_arrow(buf, sep, n, quoted, threads=False, block_size=block)
            long = [(fields, number) for fields, number in invalid if fields > n]
            raise _too_many_fields(long[0], [number for _, number in long[1:]], n)
        if not invalid:
            columns = list(tbl.columns)
    if columns is None:  # short rows, or quotes after spaces
        columns = _parse_pandas(utf8[offset:], sep, n)
    if not columns or len(columns[0]) == 0:
        raise _Refused("the file is empty.", "Export it again with a header row and data rows.")
    if quoted and not spaced_quote and any(pc.any(pc.match_substring(c[-1:], "\n")).as_py() for c in columns):
        # the last value spans lines: a quote never closed swallows the rest of the file, which Arrow's
        # parser accepts and pandas' refuses ("EOF inside string"); let pandas' parser decide
        columns = _parse_pandas(utf8[offset:], sep, n)
    header = [c[0].as_py() for c in columns]
    return _finish([c[1:] for c in columns], header, ascii=ascii), encoding, reason, detected




# --------------------------------------------------------------------------------------------------
# workbooks
# --------------------------------------------------------------------------------------------------
def _check_zip(data: bytes, max_bytes: int) -> zipfile.ZipFile:
    """Open an XLSX file as a zip archive after checking that it is one and that it is no zip bomb.

    Only the archive's directory is read here: the declared sizes of the parts (zipfile never unpacks more
    than a part declares, and checks its CRC), so a bomb is refused before anything is unpacked.
    """
    hint = "Open it in Excel and save it as .xlsx (Excel Workbook) or as 'CSV UTF-8'."
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        start = data.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:1]
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            what = "it is an old-style Excel file (.xls) or a password-protected workbook"
            hint = "Open it in Excel, remove any password, and save it as .xlsx or as 'CSV UTF-8'."
        elif start == b"<":
            what = "it looks like a web page or an XML file saved with an .xlsx name"
        else:
            what = "an .xlsx workbook is a zip archive and this file is not one"
        raise _Refused(f"is not an Excel workbook: {what}.", hint) from None
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise _Refused(f"is a zip archive of {len(infos):,} parts; an Excel workbook has far fewer "
                       f"(at most {MAX_ZIP_MEMBERS:,} are accepted), so it was not read.", hint)
    total = sum(i.file_size for i in infos)
    if total > max_bytes:
        raise _Refused(f"would unpack to {_amount(total)}, more than the {_amount(max_bytes)} a "
                       "file may have, so it was not read.",
                       "Export fewer rows or columns, or raise max_file_mb in client.yml if the file is "
                       "genuine.")
    for i in infos:
        if i.flag_bits & 0x1:
            raise _Refused("is an encrypted archive, so it was not read.", hint)
        if i.file_size > RATIO_CHECK_MIN_BYTES and i.file_size > MAX_COMPRESSION_RATIO * max(i.compress_size, 1):
            raise _Refused(f"part {i.filename} would unpack {i.file_size / max(i.compress_size, 1):,.0f} times "
                           f"larger than it is stored (a workbook's parts compress at most about "
                           f"{MAX_COMPRESSION_RATIO} times); the file looks like a zip bomb and was not read.",
                           hint)
    if not any(n.lower().endswith("workbook.xml") for n in archive.namelist()):
        raise _Refused("is a zip archive but not an Excel workbook (it has no workbook part).", hint)
    return archive


def _cell_text(v: Any) -> str:
    """A cell value as text, as it was typed: whole numbers without ``.0``.

    A number cell beyond 2**53 has lost digits (a workbook keeps 15-17 significant ones): it is written in
    scientific notation, as Excel shows it, so that an id stored as a number is seen for what it is rather
    than read as digits nobody typed.

    Examples
    --------
    >>> _cell_text(42.0), _cell_text(202403061000000654321.0), _cell_text(None)
    ('42', '2.0240306100000067e+20', '')
    """
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, float) and v.is_integer():
        return str(int(v)) if abs(v) < 2**53 else repr(v)
    return str(v)


def _read_xlsx(data: bytes, name: str, options: ReadOptions, table: str
               ) -> tuple[pd.DataFrame, str, list[DataWarning]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_zip(data, options.max_bytes).close()
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError,
            SyntaxError, EOFError) as exc:  # damaged parts; the library's text may quote them: describe
        raise _Refused(f"cannot be read as an Excel workbook: its parts are damaged or not what Excel writes "
                       f"({type(exc).__name__}).", "Open it in Excel and save it again as .xlsx, or as "
                       "'CSV UTF-8'.") from None
    try:
        return _read_sheet(wb, name, options, table)
    finally:
        wb.close()


def _read_sheet(wb, name: str, options: ReadOptions, table: str) -> tuple[pd.DataFrame, str, list[DataWarning]]:
    """The chosen sheet of an open read-only workbook as a string table, and the ``sheet_chosen`` warning."""
    worksheets = list(wb.worksheets)
    all_names = list(wb.sheetnames)
    hidden = {ws.title for ws in worksheets if ws.sheet_state != "visible"}

    def listing(names: list[str]) -> str:
        shown = ", ".join(f"'{n}'" + (" (hidden)" if n in hidden else "") for n in names[:MAX_SHEETS_LISTED])
        return shown + (f" and {len(names) - MAX_SHEETS_LISTED} more" if len(names) > MAX_SHEETS_LISTED else "")

    warnings: list[DataWarning] = []
    if options.sheet is not None:
        ws = next((w for w in worksheets if w.title == options.sheet), None) or next(
            (w for w in worksheets if w.title.strip().lower() == options.sheet.lower()), None)
        if ws is None:
            raise _Refused(f"has no sheet {options.sheet!r} (sheet: in client.yml). Its sheets: "
                           f"{listing(all_names)}.", f"Set sheet: {{{table}: NAME}} to one of them.")
    else:
        visible = [w for w in worksheets if w.sheet_state == "visible"]
        active = wb.active
        ws = active if any(active is w for w in visible) else (visible[0] if visible else None)
        if ws is None:
            raise _Refused(f"has no visible worksheet to read. Its sheets: {listing(all_names)}.",
                           f"Set sheet: {{{table}: NAME}} in client.yml to the one to read.")
        if len(all_names) > 1:
            why = {"key": "warning.sheet.active" if ws is active else "warning.sheet.first_visible"}
            others = {"list": [{"key": "warning.sheet.hidden" if n in hidden else "warning.part.quoted", "name": n}
                               for n in all_names if n != ws.title], "limit": MAX_SHEETS_LISTED}
            warnings.append(DataWarning.make("sheet_chosen", name, "warning.sheet_chosen", 1, n=len(all_names),
                                             sheet=ws.title, why=why, others=others))
    ws.reset_dimensions()  # stored dimensions may be wrong, or claim a million empty cells
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    width = 0
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if len(values) > MAX_COLUMNS:
            raise _Refused(f"sheet '{ws.title}' has {len(values):,} columns in row {number}; at most "
                           f"{MAX_COLUMNS:,} are read.", "Delete the unused columns, or export only the "
                           "columns orgkit needs.")
        cells = [_cell_text(v) for v in values]
        if header is None:
            if any(c.strip() for c in cells):  # leading empty rows are skipped, as spreadsheets show them
                header = cells
                width = len(cells)
            continue
        rows.append(cells)
        numbers.append(number)
        width = max(width, len(cells))
    if header is None:
        raise _Refused(f"the file is empty (sheet '{ws.title}' has no cells).",
                       "Export it again with a header row and data rows, or set sheet: in client.yml.")
    header = header + [""] * (width - len(header))
    padded = [cells if len(cells) == width else cells + [""] * (width - len(cells)) for cells in rows]
    columns = list(zip(*padded)) if padded else [() for _ in range(width)]
    arrays = [pa.array(col, pa.large_string()) for col in columns]
    frame = _finish(arrays, header, np.asarray(numbers, dtype=np.int64) - 2)
    return frame, ws.title, warnings


# --------------------------------------------------------------------------------------------------
# one file
# --------------------------------------------------------------------------------------------------
def _map_file(path: Path, max_bytes: int) -> bytes | mmap.mmap:
    """The file's bytes, memory-mapped (no copy) where the system allows it, else read."""
    with path.open("rb") as fh:
        try:
            return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # an empty file, or a file system without mmap
            return fh.read(max_bytes + 1)


class _Digest:
    """SHA-256 of a file's bytes; large files are hashed on a second thread (hashlib releases the GIL)
    while the main thread trims the parsed columns."""

    def __init__(self, data: bytes | mmap.mmap) -> None:
        self._hash = hashlib.sha256()
        self._data: bytes | mmap.mmap | None = data
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._data is None or self._thread is not None:
            return
        if len(self._data) >= HASH_IN_THREAD_BYTES:
            self._thread = threading.Thread(target=self._hash.update, args=(self._data,), name="orgkit-sha256",
                                            daemon=True)
            self._thread.start()
        else:
            self._hash.update(self._data)
            self._data = None

    def hexdigest(self) -> str:
        self.start()
        if self._thread is not None:
            self._thread.join()
            self._thread, self._data = None, None
        return self._hash.hexdigest()


def read_source(path: str | Path, options: ReadOptions | None = None) -> TableRead:
    """Read one CSV or XLSX file as a table of strings, within the limits.

    Parameters
    ----------
    path : path
        The file; its stem names the table in messages (``people.csv`` -> ``people``).
    options : ReadOptions, optional
        Encoding, sheet and size limit from client.yml.

    Returns
    -------
    TableRead

    Raises
    ------
    ValidationError
        (one problem, naming the file) for a file over the size limit, an encoding that cannot be decided,
        a workbook that is not one or looks like a zip bomb, a sheet that does not exist, an empty file, a
        header without data rows, or rows with more fields than the header. No message quotes the file.
    """
    path = Path(path)
    options = options or ReadOptions()
    name, table = path.name, path.stem.strip().lower()

    def refuse(message: str, hint: str = "", row: int | None = None) -> ValidationError:
        return ValidationError(path.parent, [Problem(name, message, hint, row=row)])

    size = path.stat().st_size
    if size > options.max_bytes:
        raise refuse(f"is {_amount(size)}, more than the {_amount(options.max_bytes)} a file may have, "
                     "so it was not read.", "Raise max_file_mb in client.yml if the file is genuine.")
    data = _map_file(path, options.max_bytes)
    if len(data) > options.max_bytes:  # it grew after it was measured
        raise refuse(f"is more than the {_amount(options.max_bytes)} a file may have, so it was not read.",
                     "Raise max_file_mb in client.yml if the file is genuine.")
    if _BLANK.fullmatch(data):
        raise refuse("the file is empty.", "Export it again with a header row and data rows.")
    digest = _Digest(data)
    warnings: list[DataWarning] = []
    try:
        if path.suffix.lower() == ".xlsx":
            frame, sheet, warnings = _read_xlsx(data if isinstance(data, bytes) else data[:], name, options, table)
            encoding, reason = None, ""
        else:
            frame, encoding, reason, detected = _read_csv(data, options, table, digest)
            sheet = None
            if detected:
                warnings.append(DataWarning.make("encoding_detected", name, "warning.encoding_detected", 1,
                                                 encoding=encoding,
                                                 reason=detected if isinstance(detected, Mapping) else reason))
    except _Refused as exc:
        raise refuse(exc.message, exc.hint, exc.row) from None
    finally:
        sha256 = digest.hexdigest()
        if isinstance(data, mmap.mmap):
            try:
                data.close()  # let go of the file now (on Windows an open mapping keeps it locked)
            except BufferError:
                pass  # a view of it is still referenced (an exception's frames): it closes when that goes
    if frame.empty:
        raise refuse("the file has a header but no data rows.", "Export it again with its data.")
    for w in warnings:
        log.info("%s: %s", w.file, w.message)
    return TableRead(frame, encoding, reason, sheet, sha256, tuple(warnings))


def read_table(path: str | Path, options: ReadOptions | None = None) -> tuple[pd.DataFrame, str | None, str]:
    """Read a CSV or XLSX file as strings: every cell a trimmed ``str``, blanks as ``""``.

    Returns
    -------
    (DataFrame, encoding, sha256)
        ``encoding`` is ``None`` for XLSX. :func:`read_source` also says why and which sheet.

    Raises
    ------
    ValidationError
        For an encoding that cannot be decided, an empty file, a file that cannot be parsed or that is
        beyond the limits.
    """
    result = read_source(path, options)
    return result.frame, result.encoding, result.sha256
