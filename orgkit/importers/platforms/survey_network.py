"""Network surveys -> named ties: the ``network-survey`` format.

Reads, told apart by content (several files may be given; each is one network or one answer sheet):

* **An adjacency matrix** (CSV or XLSX): the first column holds ids, the header row the same ids (in any order);
  a cell ``(i, j)`` is ``i``'s answer about ``j``: ``0``/``1``, a weight, or a Likert frequency (``0`` or blank:
  no tie). The diagonal is ignored. A matrix that is not square, whose row and column ids differ, repeats an
  id, or holds a cell that is not a number (or is negative) is refused with where.
* **A matrix without labels** (UCINET/SIENA ``.dat``/``.txt``: ``n`` lines of ``n`` numbers separated by spaces
  or tabs, or a CSV of numbers only): the ids are ``1..n`` in line order (said in the log).
* **A dyad list** (text lines ``ego alter [value]``, as the Krackhardt and many teaching data sets are
  published, or a CSV with ``ego``/``alter`` or ``source``/``target`` headers and an optional weight): one
  tie per line with a non-zero value (no value: 1); ``ego == alter`` ignored.
* **An answer sheet** ("Who do you go to for advice?"): one row per respondent, a respondent column
  (``respondent``, ``employee id``, ``工号``, ``email``...) and answer columns (``Q1..Qn``, ``Advice 1..5``...)
  holding colleagues' ids, e-mail addresses or names, several in one cell separated by ``;`` ``,`` ``、``.
  With ``directory`` (HR files) every person is resolved through it (ids, account ids, e-mail addresses,
  then names; a name shared by two people is never guessed: left out and counted). Without it, ids are kept
  as written and names are left out (counted; give ``--directory``). A column is read as answers when at
  least half of its entries name people (``extra["questions"]``: the headers or header stems to read instead).
  A respondent who answered twice: the last row is used.

Ties: ``respondent -> named colleague`` (``source_id`` -> ``target_id``), ``weight`` the number of times named
(or the cell's value in a matrix), ``channel`` the network's name: ``extra["network"]`` when given, else a
network word in the question header (``Advice 1`` -> ``advice``) or in the file name
(``Krack-High-Tec-edgelist-Advice.txt`` -> ``advice``), else ``survey``. Ties to oneself are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from orgkit.data.contract import TABLES, normalise_header
from orgkit.importers.base import TIE_COLUMNS, ImportLog, ImportOptions, Imported, refuse, register
from orgkit.importers.people import Directory, fold_alias
from orgkit.importers.sources import iter_files, numeric_rows, parse_numbers, read_table_file, sniff

__all__ = ["read_network_survey", "NETWORK_WORDS", "ANSWER_SEPARATORS", "ANSWER_COLUMN_MIN_SHARE"]

_EXPECTED = ("a network survey: an adjacency matrix (ids in the first column and the header row), a dyad list "
             "(ego alter value) or an answer sheet (a respondent column and columns naming colleagues)")
#: Words in a question header or file name -> the network's name (the ``channel`` written).
NETWORK_WORDS = (
    (("advice", "advise", "请教", "咨询", "求助", "建议"), "advice"),
    (("friend", "朋友", "友谊"), "friendship"),
    (("trust", "信任"), "trust"),
    (("cowork", "co-work", "work with", "collaborat", "合作", "协作", "共事"), "cowork"),
    (("information", "info", "信息"), "information"),
    (("reportsto", "reports to", "report", "汇报"), "reports_to"),
    (("energ",), "energy"),
    (("innovat", "idea", "创新"), "innovation"),
)
#: A column of an answer sheet is read as answers when at least this share of its entries name people (ids
#: of the survey or the directory). Judgement: a question naming colleagues is mostly filled with them even
#: when some answers are typos or outsiders; a Likert, tenure or comment column almost never is.
ANSWER_COLUMN_MIN_SHARE = 0.5
#: Separators of several colleagues in one answer cell.
ANSWER_SEPARATORS = r"\s*[;,、；，\n|]\s*"
#: The same without commas: split on first, so that a name written ``Doe, Jane`` can be tried whole.
_NOT_COMMAS = r"\s*[;、；\n|]\s*"
_RESPONDENT = ("respondent", "respondent id", "respondent employee id", "employee id", "employee", "employee no",
               "staff id", "person id", "ego", "rater", "rater id", "externalreference", "external reference",
               "external data reference", "工号", "员工编号", "答题人", "受访者", "答卷人", "填写人", "填写人工号")
_RESPONDENT_EMAIL = ("email", "email address", "e mail", "respondent email", "recipientemail", "recipient email",
                     "邮箱", "电子邮箱")
_RESPONDENT_NAME = ("name", "respondent name", "full name", "姓名", "填写人姓名", "答题人姓名")
_META = ("timestamp", "time", "date", "start time", "completion time", "submitted", "submitted at",
         "last modified time", "提交时间", "开始时间", "完成时间", "填写时间", "日期", "时间", "id", "response id",
         "序号", "编号", "department", "部门", "ip", "ip address", "duration", "用时",
         # Qualtrics' own columns (the respondent's names among them are never answers)
         "startdate", "enddate", "recordeddate", "responseid", "ipaddress", "progress", "duration (in seconds)",
         "finished", "recipientfirstname", "recipientlastname", "locationlatitude", "locationlongitude",
         "distributionchannel", "userlanguage")
_GENERIC = {"q", "question", "questions", "name", "names", "colleague", "colleagues", "person", "people", "nominee",
            "choice", "answer", "alter", "问题", "题目", "同事", "姓名", "选择", "答案"}
_PAIR_SOURCE = tuple(TABLES["communication"].synonyms["source_id"])
_PAIR_TARGET = tuple(TABLES["communication"].synonyms["target_id"])
_PAIR_WEIGHT = ("weight", "value", "tie", "strength", "frequency", "count", "权重", "频次")


def _network(text: str) -> str | None:
    low = text.lower()
    for words, name in NETWORK_WORDS:
        if any(w in low for w in words):
            return name
    return None


def _channel(options: ImportOptions, header: str | None, file: str) -> tuple[str, str]:
    given = str(options.extra.get("network") or "").strip()
    if given:
        return given, "given with --set network"
    if header is not None:
        hit = _network(header)
        if hit:
            return hit, f"from the question {header!r}"
        if not _is_generic(header) and len(header) <= 24:
            return normalise_header(header).replace(" ", "_"), f"the question {header!r}"
    hit = _network(Path(file).stem.replace("-", " ").replace("_", " "))
    if hit:
        return hit, "from the file name"
    return "survey", "no network word in the headers or the file name (--set network=NAME names it)"


@register("network-survey", "Network survey: adjacency matrix, dyad list or answer sheet",
          "CSV/XLSX matrices (ids in the first column and header row), dyad lists (ego alter value) or answer "
          "sheets (respondent + colleagues named); --directory resolves e-mail addresses and names",
          ("communication", "people"), settings=("network", "questions"))
def read_network_survey(paths: Sequence[Path], options: ImportOptions, log: ImportLog) -> Imported:
    """Read network-survey files into ties (see the module docstring for the shapes and rules)."""
    directory: Directory | None = None
    people = None
    if options.directory:
        from orgkit.importers.directory import read_directory

        log.section("people (from --directory)")
        directory = read_directory(options.directory, options, log)
        people = directory.people
    log.section("communication")
    parts = []
    for path in iter_files(list(paths)):
        parts.append(_read_file(path, options, log, directory))
    if not parts:
        raise refuse(", ".join(Path(p).name for p in paths) or "(none)", _EXPECTED, "no file")
    ties = pd.concat(parts, ignore_index=True)
    ties = ties[(ties["source_id"] != "") & (ties["target_id"] != "")]
    own = ties["source_id"] == ties["target_id"]
    log.dropped(int(own.sum()), "ties", "to oneself")
    ties = ties[~own]
    out = ties.groupby(["source_id", "target_id", "channel"], sort=True)["weight"].sum().reset_index()
    out = out[list(TIE_COLUMNS)].reset_index(drop=True)
    for ch, sub in out.groupby("channel", sort=True):
        ids = pd.unique(np.concatenate([sub["source_id"].to_numpy(), sub["target_id"].to_numpy()]))
        n = len(ids)
        dens = len(sub) / (n * (n - 1)) if n > 1 else 0.0
        log.note(f"network {ch!r}: {len(sub):,} directed ties among the {n:,} people who named or were named "
                 f"(density {dens:.4f})")
    if directory is None:
        log.note("no --directory: ids are written as the survey gives them; give --directory HR_FILE to resolve "
                 "e-mail addresses and names and to write people.csv")
    log.count("ties", len(out))
    return Imported(people=people, communication=out, log=log)


def _read_file(path: Path, options: ImportOptions, log: ImportLog, directory: Directory | None) -> pd.DataFrame:
    kind = sniff(path)
    if kind == "text":
        numeric = numeric_rows(path, _EXPECTED)
        if numeric is not None:
            return _numeric(path, numeric, options, log, directory)
    table = read_table_file(path, _EXPECTED)
    frame = table.frame
    if frame.shape[1] < 2:
        raise refuse(path, _EXPECTED, f"a table of {frame.shape[1]} column(s)")
    headers = [str(c) for c in frame.columns]
    first = frame.iloc[:, 0].astype("str").str.strip()
    cols = [h.strip() for h in headers[1:]]
    overlap = len(set(cols) & set(first)) / max(len(cols), 1)
    if overlap >= 0.5 or headers[0].strip() == "" or normalise_header(headers[0]) in ("unnamed 0", "unnamed: 0"):
        log.read(path, "network survey adjacency matrix", len(frame), table.sha256)
        return _matrix(path, first, cols, frame.iloc[:, 1:], options, log, directory)
    folded = [normalise_header(h) for h in headers]
    src = next((headers[i] for i, f in enumerate(folded) if f in _PAIR_SOURCE), None)
    tgt = next((headers[i] for i, f in enumerate(folded) if f in _PAIR_TARGET), None)
    if src and tgt and frame.shape[1] <= 4:
        log.read(path, "network survey dyad list", len(frame), table.sha256)
        wcol = next((headers[i] for i, f in enumerate(folded) if f in _PAIR_WEIGHT), None)
        weight = frame[wcol] if wcol else pd.Series("1", index=frame.index)
        return _dyads(path, frame[src], frame[tgt], weight, options, log, directory)
    log.read(path, "network survey answer sheet", len(frame), table.sha256)
    return _answers(path, frame, options, log, directory)


def _numeric(path: Path, rows: np.ndarray, options: ImportOptions, log: ImportLog,
             directory: Directory | None) -> pd.DataFrame:
    n, width = rows.shape
    if n == width and n > 3:
        log.read(path, f"network survey matrix without labels ({n} x {n})", n)
        log.decided(f"ids of {path.name}", f"1 to {n} in line order (the file has no labels)")
        ids = pd.Series([str(i) for i in range(1, n + 1)])
        return _matrix(path, ids, list(ids), pd.DataFrame(rows), options, log, directory)
    if width in (2, 3):
        log.read(path, "network survey dyad list (ego alter value)", n)
        ids = [pd.Series(_id_text(rows[:, k])) for k in (0, 1)]
        weight = pd.Series(rows[:, 2] if width == 3 else np.ones(n))
        return _dyads(path, ids[0], ids[1], weight, options, log, directory)
    raise refuse(path, _EXPECTED, f"{n} lines of {width} numbers: not a square matrix and not a dyad list")


def _id_text(values: np.ndarray) -> np.ndarray:
    whole = np.isfinite(values) & (values == np.round(values))
    return np.where(whole, np.char.mod("%d", np.nan_to_num(values).astype(np.int64)),
                    values.astype(str)).astype(object)


def _numbers(cells: pd.DataFrame | pd.Series, path: Path, what: str) -> np.ndarray:
    """Cells as numbers (blank: 0); refuse the file at the first cell that is not a non-negative number."""
    frame = cells.to_frame() if isinstance(cells, pd.Series) else cells
    if all(pd.api.types.is_numeric_dtype(t) for t in frame.dtypes):
        arr = frame.to_numpy(dtype=np.float64)
        bad = ~np.isfinite(arr)
    else:
        text = frame.astype("str").apply(lambda c: c.str.strip())
        text = text.mask(text.isin(["", "nan", "None"]), "0")
        flat = parse_numbers(pd.Series(text.to_numpy().ravel(), dtype="str"), what=f"{path.name}: {what}")
        arr = flat.to_numpy(dtype=np.float64).reshape(text.shape)
        bad = np.isnan(arr)
    bad |= arr < 0
    if bad.any():
        r, c = (int(x[0]) for x in np.nonzero(bad))
        raise refuse(path, f"{what} holding numbers of 0 or more (blank: 0)",
                     f"{int(bad.sum()):,} cell(s) that are not, the first on data row {r + 1}, column {c + 2}",
                     "Fill each cell with 0/1, a weight or a frequency.")
    return arr


def _resolve(values: pd.Series, what: str, log: ImportLog, directory: Directory | None) -> pd.Series:
    if directory is None:
        return values.astype("str").str.strip()
    return directory.resolve(values.astype("str"), what=what, log=log)


def _matrix(path: Path, rows: pd.Series, cols: list[str], cells: pd.DataFrame, options: ImportOptions,
            log: ImportLog, directory: Directory | None) -> pd.DataFrame:
    rows = rows.astype("str").str.strip().reset_index(drop=True)
    n_rows, n_cols = len(rows), len(cols)
    if n_rows != n_cols:
        raise refuse(path, "a square adjacency matrix (the same ids in the first column and the header row)",
                     f"{n_rows} rows and {n_cols} columns of ids")
    if rows.duplicated().any() or len(set(cols)) != len(cols):
        raise refuse(path, "a square adjacency matrix with each id once", "an id repeated in the first column or "
                     "the header row")
    if set(rows) != set(cols):  # typed twice by hand: "zoë" in one place and "Zoë" in the other is one person
        folded_rows, folded_cols = fold_alias(rows), fold_alias(pd.Series(cols, dtype="str"))
        if (not folded_rows.duplicated().any() and not folded_cols.duplicated().any()
                and set(folded_rows) == set(folded_cols)):
            spelled = dict(zip(folded_rows, rows))
            n = sum(c != spelled[f] for c, f in zip(cols, folded_cols))
            cols = [spelled[f] for f in folded_cols]
            log.decided(f"ids of {path.name}", f"{n:,} header id(s) differ from the first column's only in case or "
                        "spaces; matched, spelled as in the first column")
    if set(rows) != set(cols):
        missing = len(set(rows) - set(cols))
        raise refuse(path, "a square adjacency matrix (the same ids in the first column and the header row)",
                     f"{missing} id(s) of the first column not in the header row, and {missing} the other way",
                     "The row and column ids must be the same people.")
    arr = _numbers(cells.reset_index(drop=True), path, "an adjacency matrix")
    order = pd.Index(cols).get_indexer(rows)  # column position of each row's id
    arr = arr[:, order]  # column k is now rows[k]
    diag = np.diag(arr).copy()
    if (diag != 0).any():
        log.note(f"{path.name}: {int((diag != 0).sum()):,} non-zero cells on the diagonal ignored")
    np.fill_diagonal(arr, 0)
    i, j = np.nonzero(arr)
    values = arr[i, j]
    if not np.isin(values, (0.0, 1.0)).all():
        log.note(f"{path.name}: cells hold values other than 0 and 1 (weights or frequencies): kept as weights")
    ids = _resolve(rows, f"{path.name}: ids", log, directory)
    channel, why = _channel(options, None, path.name)
    log.decided(f"network of {path.name}", f"{channel!r} ({why})")
    return _tie_frame(ids.to_numpy()[i], ids.to_numpy()[j], values, channel, path, log)


def _dyads(path: Path, ego: pd.Series, alter: pd.Series, weight: pd.Series, options: ImportOptions,
           log: ImportLog, directory: Directory | None) -> pd.DataFrame:
    w = _numbers(weight.reset_index(drop=True), path, "a dyad list's values")[:, 0]
    keep = w != 0
    log.note(f"{path.name}: {int((~keep).sum()):,} pairs with value 0 (no tie)")
    src = _resolve(ego.reset_index(drop=True)[keep], f"{path.name}: egos", log, directory)
    tgt = _resolve(alter.reset_index(drop=True)[keep], f"{path.name}: alters", log, directory)
    channel, why = _channel(options, None, path.name)
    log.decided(f"network of {path.name}", f"{channel!r} ({why})")
    return _tie_frame(src.to_numpy(), tgt.to_numpy(), w[keep], channel, path, log)


def _tie_frame(src: np.ndarray, tgt: np.ndarray, weight: np.ndarray, channel: str, path: Path,
               log: ImportLog) -> pd.DataFrame:
    out = pd.DataFrame({"source_id": src, "target_id": tgt, "weight": weight.astype(np.float64),
                        "channel": channel})
    unknown = (out["source_id"] == "") | (out["target_id"] == "")
    log.dropped(int(unknown.sum()), "ties", f"{path.name}: a person the directory does not know")
    return out[~unknown]


def _pick(headers: list[str], spellings: Sequence[str]) -> str | None:
    folded = {normalise_header(h): h for h in headers}
    return next((folded[normalise_header(s)] for s in spellings if normalise_header(s) in folded), None)


_ID_LIKE = r"[A-Za-z]{0,6}[-_]?[0-9][0-9A-Za-z\-_]*"


def _without_qualtrics_labels(frame: pd.DataFrame, path: Path,
                              log: ImportLog) -> tuple[pd.DataFrame, dict[str, str]]:
    """``frame`` without the two rows a Qualtrics export puts under its header, the questions' text and the
    ``{"ImportId": ...}`` row (every filled cell a JSON import id); and each header's question text."""
    cells = frame.astype("str")
    marked = cells.apply(lambda c: c.str.startswith('{"ImportId"'))
    label = (marked | (cells == "")).all(axis=1) & marked.any(axis=1)
    if not label.any():
        return frame, {}
    at = np.flatnonzero(label.to_numpy())
    drop = np.union1d(at, at[at > 0] - 1)
    questions = ({str(h): str(t) for h, t in cells.iloc[at[0] - 1].items()} if at[0] > 0 else {})
    log.decided(f"layout of {path.name}", f"a Qualtrics export: its {len(drop):,} rows of question text and "
                "import ids under the header are not answers")
    return frame.drop(index=frame.index[drop]), questions


def _answers(path: Path, frame: pd.DataFrame, options: ImportOptions, log: ImportLog,
             directory: Directory | None) -> pd.DataFrame:
    headers = [str(c) for c in frame.columns]
    frame, questions = _without_qualtrics_labels(frame, path, log)
    who = (_pick(headers, _RESPONDENT) or _pick(headers, _RESPONDENT_EMAIL)
           or (_pick(headers, _RESPONDENT_NAME) if directory is not None else None))
    if who is None:
        raise refuse(path, "a network-survey answer sheet with a respondent column (respondent, employee id, "
                     "工号, email...)", f"the columns {', '.join(headers[:12])}",
                     "Name the column that says who answered, e.g. 'respondent'.")
    log.mapped(f"{path.name}: {who}", "source_id (the respondent)")
    frame = frame[frame[who].astype("str").str.strip() != ""]
    n = len(frame)
    frame = frame.drop_duplicates(who, keep="last")
    log.dropped(n - len(frame), "answer rows", "a respondent who answered more than once (the last answer is used)")
    respondent = _resolve(frame[who], f"{path.name}: respondents", log, directory)
    meta = {normalise_header(s) for s in _META + _RESPONDENT + _RESPONDENT_EMAIL + _RESPONDENT_NAME}
    asked = [str(q).strip() for q in str(options.extra.get("questions") or "").split(",") if str(q).strip()]
    candidates = [h for h in headers if h != who and (normalise_header(h) not in meta or asked)]
    if asked:
        keys = {normalise_header(q) for q in asked}
        candidates = [h for h in candidates if normalise_header(h) in keys or normalise_header(_stem(h)) in keys]
        if not candidates:
            raise refuse(path, f"the answer columns {', '.join(asked)} (--set questions)",
                         f"the columns {', '.join(headers[:12])}")
    known_ids = set(fold_alias(frame[who].astype("str")))
    parts = []
    ignored = []
    for h in candidates:
        cells = frame[h].astype("str").str.strip()
        pieces = cells[cells != ""].str.split(_NOT_COMMAS, regex=True).explode()
        pieces = pieces[pieces.notna() & (pieces != "")]
        whole = pd.Series(False, index=pieces.index)
        if directory is not None:  # "Doe, Jane" is one colleague when the directory knows that name
            comma = pieces.str.contains(",", regex=False).to_numpy()
            if comma.any():
                whole[comma] = (directory.resolve(pieces[comma], what=h, log=None, kinds=("name",)) != "").to_numpy()
        named = pd.concat([pieces[~whole.to_numpy()].str.split(ANSWER_SEPARATORS, regex=True).explode(),
                           pieces[whole.to_numpy()]])
        named = named[named != ""]
        if named.empty:
            continue
        if directory is not None:
            got = directory.resolve(named, what=f"{path.name}: {h}", log=None)
            share = float((got != "").mean())
        else:
            folded = fold_alias(named)
            is_id = folded.isin(known_ids) | (named.str.fullmatch(_ID_LIKE) & ~named.str.fullmatch(r"[0-9]{1,2}"))
            share = float(is_id.mean())
            named = named[is_id.to_numpy()]
            got = named
            if asked or share >= ANSWER_COLUMN_MIN_SHARE:
                log.dropped(int((~is_id).sum()), "answers", f"{path.name}: {h}: names or words that are not ids "
                            "(without --directory names are not resolved)")
        if not asked and share < ANSWER_COLUMN_MIN_SHARE:
            ignored.append(h)
            continue
        if directory is not None:
            directory.resolve(named, what=f"{path.name}: {h}", log=log)  # counts ambiguous and unknown names
        channel, why = _channel(options, _stem(h), path.name)
        asked_as = _network(questions.get(h, ""))
        if asked_as and not options.extra.get("network") and not _network(_stem(h)):
            channel, why = asked_as, "from the question's text (the Qualtrics label row)"
        src = respondent.reindex(named.index).to_numpy()
        parts.append(pd.DataFrame({"source_id": src, "target_id": got.to_numpy(), "weight": 1.0,
                                   "channel": channel, "_q": h}))
        log.mapped(f"{path.name}: {h}", f"ties of the network {channel!r} ({why})")
    if ignored:
        log.note(f"{path.name}: not read as answers (fewer than half of their entries name people): "
                 f"{', '.join(ignored)}")
    if not parts:
        raise refuse(path, "a network-survey answer sheet with columns naming colleagues",
                     "no column whose entries name people", "Check the ids, or give --directory to resolve e-mail "
                     "addresses and names, or --set questions=Q1,Q2 to name the answer columns.")
    ties = pd.concat(parts, ignore_index=True)
    blank = (ties["source_id"] == "") | (ties["target_id"] == "")
    log.dropped(int(blank.sum()), "answers", f"{path.name}: naming nobody the survey or directory knows")
    ties = ties[~blank]
    log.note(f"{path.name}: {len(ties):,} colleagues named by {ties['source_id'].nunique():,} respondents")
    return ties.drop(columns="_q")


def _stem(header: str) -> str:
    """``Advice 1`` -> ``Advice``; ``Q3`` -> ``Q``; a header without a trailing number as it is."""
    stem = re.sub(r"[\s_\-.#:：（(]*[0-9]+[)）]?\s*$", "", str(header)).strip()
    return stem or str(header)


def _is_generic(stem: str) -> bool:
    return normalise_header(stem) in _GENERIC
