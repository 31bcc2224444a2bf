"""The employee questionnaire handed to clients, written from the one item list.

The single source is ``orgkit/resources/questionnaire.csv`` (item, dimension, reverse, text, text_zh), read
through :func:`orgkit.areas.survey.default_items`; the fixed texts come from the catalogue
(``questionnaire.*``). :func:`write_questionnaire` writes, into a folder: ``questionnaire_<lang>.csv`` (to
import into a survey tool), ``questionnaire_<lang>.html`` (a self-contained printable A4 form with a scoring
key), ``survey_items.csv`` and ``survey_template.csv``. ``orgkit questionnaire OUT_DIR`` calls it; the CSV
files shipped in ``orgkit/resources/templates/survey/`` are its output (a test keeps them current).
"""

from __future__ import annotations

import csv
import html
from collections.abc import Iterable
from pathlib import Path

from orgkit.areas.survey import DIMENSION_LABELS, SCALE_LABELS, default_items
from orgkit.errors import OutputError
from orgkit.i18n import t as text

__all__ = ["FILES", "write_questionnaire"]

#: Font stacks of the printable form (the reader's machine draws it).
FONTS = {'en': "'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif", 'zh': "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', 'WenQuanYi Micro Hei', SimHei, sans-serif"}
#: The ``lang`` attribute of the printable form.
LANG_TAGS = {'en': 'en', 'zh': 'zh-CN'}

CSS = """
@page { size: A4; margin: 16mm 15mm 16mm 15mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: %(font)s; font-size: 10.5pt; line-height: 1.4; color: #1f2933; margin: 0 auto;
       max-width: 176mm; }
h1 { font-size: 18pt; margin: 0 0 3mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; padding-bottom: 1mm; border-bottom: 1.5pt solid #0072B2;
     break-after: avoid; page-break-after: avoid; }
p { margin: 0 0 2.5mm; }
.note { background: #f1f5f9; border-left: 3pt solid #0072B2; padding: 2mm 3mm; }
.field { margin: 4mm 0; }
.field span { display: inline-block; border-bottom: 0.8pt solid #1f2933; width: 90mm; height: 6mm;
              vertical-align: bottom; }
table { width: 100%%; border-collapse: collapse; }
table.items { table-layout: fixed; }
table.items th { font-size: 8pt; font-weight: normal; color: #5f6b7a; vertical-align: bottom;
                 padding: 1mm 0.5mm; text-align: center; }
table.items td { border-top: 0.5pt solid #d0d7de; padding: 2mm 1mm; vertical-align: middle; }
table.items tr { break-inside: avoid; page-break-inside: avoid; }
td.n { width: 9mm; color: #5f6b7a; font-size: 8pt; }
td.o { width: 17mm; text-align: center; font-size: 14pt; color: #5f6b7a; }
col.q { width: auto; }
.box { border: 0.8pt solid #1f2933; height: 35mm; margin-top: 2mm; }
.key { break-before: page; page-break-before: always; }
table.key-table td, table.key-table th { border-bottom: 0.5pt solid #d0d7de; padding: 1mm 2mm;
                                         text-align: left; font-size: 9pt; }
footer { margin-top: 6mm; color: #5f6b7a; font-size: 9pt; }
@media screen { body { padding: 10mm; } }
"""


def _rows(language: str):
    items = default_items()
    labels = DIMENSION_LABELS[language]
    scale = SCALE_LABELS[language]
    text_col = "text" if language == "en" else "text_zh"
    for r in items.to_dict("records"):
        yield r, labels.get(r["dimension"], r["dimension"]), r[text_col], scale


def write_csv(folder: Path, language: str) -> Path:
    """``questionnaire_<language>.csv``: item, section, dimension, reverse, question, scale_1..scale_5."""
    path = folder / f"questionnaire_{language}.csv"
    with open(path, "w", encoding="utf-8-sig" if language == "zh" else "utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["item", "section", "dimension", "reverse", "question", *[f"scale_{i}" for i in range(1, 6)]])
        for r, section, question, scale in _rows(language):
            w.writerow([r["item"], section, r["dimension"], "true" if r["reverse"] else "false", question, *scale])
    return path


def write_items(folder: Path) -> Path:
    """``survey_items.csv``: item, dimension, reverse, text, text_zh (what a client folder may hold)."""
    path = folder / "survey_items.csv"
    items = default_items()
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["item", "dimension", "reverse", "text", "text_zh"])
        for r in items.to_dict("records"):
            w.writerow([r["item"], r["dimension"], "true" if r["reverse"] else "false", r["text"], r["text_zh"]])
    return path


def write_template(folder: Path) -> Path:
    """``survey_template.csv``: the header a client's survey.csv uses (department, items, comment)."""
    path = folder / "survey_template.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow(["department", *default_items()["item"], "comment"])
    return path


def write_html(folder: Path, language: str) -> Path:
    """``questionnaire_<language>.html``: a self-contained printable A4 form plus a scoring key page."""
    e = html.escape
    scale = SCALE_LABELS[language]
    parts = [f"<!DOCTYPE html>\n<html lang=\"{LANG_TAGS[language]}\">\n<head>\n<meta charset=\"utf-8\">\n"
             f"<title>{e(text('questionnaire.title', language))}</title>\n<style>{CSS % {'font': FONTS[language]}}</style>\n</head>\n<body>\n",
             f"<h1>{e(text('questionnaire.title', language))}</h1>\n<p>{e(text('questionnaire.lead', language))}</p>\n<p class=\"note\">{e(text('questionnaire.anonymity', language))}</p>\n",
             f"<p class=\"field\">{e(text('questionnaire.department', language))} <span></span></p>\n<p>{e(text('questionnaire.how', language))}</p>\n"]
    head = "".join(f"<th>{e(s)}</th>" for s in scale)
    option_cols = '<col style="width:17mm">' * 5
    current, number = None, 0
    for r, section, question, _ in _rows(language):
        if section != current:
            if current is not None:
                parts.append("</tbody></table>\n")
            parts.append(f"<h2>{e(section)}</h2>\n<table class=\"items\"><colgroup><col style=\"width:9mm\">"
                         f"<col class=\"q\">{option_cols}</colgroup>\n"
                         f"<thead><tr><th></th><th></th>{head}</tr></thead><tbody>\n")
            current = section
        number += 1
        circles = "".join(f"<td class=\"o\" title=\"{i}\">○</td>" for i in range(1, 6))
        parts.append(f"<tr><td class=\"n\">{number}.</td><td>{e(question)}</td>{circles}</tr>\n")
    parts.append("</tbody></table>\n")
    parts.append(f"<h2>{e(text('questionnaire.comment', language))}</h2>\n<div class=\"box\"></div>\n<footer>{e(text('questionnaire.thanks', language))}</footer>\n")
    parts.append(f"<section class=\"key\">\n<h2>{e(text('questionnaire.key_title', language))}</h2>\n<p>{e(text('questionnaire.key_lead', language))}</p>\n"
                 f"<table class=\"key-table\"><thead><tr><th>#</th><th>{e(text('questionnaire.item', language))}</th>"
                 f"<th>{e(text('questionnaire.dimension', language))}</th><th>{e(text('questionnaire.reverse', language))}</th></tr></thead><tbody>\n")
    for i, (r, section, _, _) in enumerate(_rows(language), start=1):
        parts.append(f"<tr><td>{i}</td><td>{e(r['item'])}</td><td>{e(section)} ({e(r['dimension'])})</td>"
                     f"<td>{e(text('questionnaire.yes', language) if r['reverse'] else '')}</td></tr>\n")
    parts.append("</tbody></table>\n</section>\n</body>\n</html>\n")
    path = folder / f"questionnaire_{language}.html"
    path.write_text("".join(parts), encoding="utf-8")
    return path


#: The files :func:`write_questionnaire` writes.
FILES = ("questionnaire_en.csv", "questionnaire_zh.csv", "questionnaire_en.html", "questionnaire_zh.html",
         "survey_items.csv", "survey_template.csv")


def write_questionnaire(folder: str | Path, *, overwrite: Iterable[str] = ()) -> list[Path]:
    """Write the questionnaire files into ``folder`` (created when missing).

    Parameters
    ----------
    folder : str or Path
        Where to write.
    overwrite : iterable of str
        File names that may be replaced; any other file of :data:`FILES` already in ``folder`` is refused.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    OutputError
        When ``folder`` already holds one of the files, or cannot be written.
    """
    folder = Path(folder)
    taken = [n for n in FILES if (folder / n).exists() and n not in set(overwrite)]
    if taken:
        raise OutputError(f"{folder} already holds {', '.join(taken)}; orgkit does not write over files. "
                          "Choose an empty folder.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for language in ("en", "zh"):
            written += [write_csv(folder, language), write_html(folder, language)]
        return written + [write_items(folder), write_template(folder)]
    except OSError as exc:
        raise OutputError(f"cannot write the questionnaire to {folder}: {exc.strerror or exc}.") from None
