"""Rebuild the questionnaire files in this folder from the package's item list.

The single source is ``orgkit/resources/questionnaire.csv`` (item, dimension, reverse, text, text_zh), read
through :func:`orgkit.areas.survey.default_items`. Run ``python templates/survey/build_questionnaire.py``
after editing it; ``tests/test_survey.py`` checks that the files here still match.
"""

from __future__ import annotations

import csv
import html
from pathlib import Path

from orgkit.areas.survey import DIMENSION_LABELS, SCALE_LABELS, default_items

HERE = Path(__file__).resolve().parent

TEXT = {
    "en": {
        "title": "Organisation survey",
        "lead": "This survey asks how work is organised here: whether duties are clear, information "
                "flows, decisions are fast, you can grow, and teams work together. It takes about "
                "10 minutes.",
        "anonymity": "Your answers are anonymous. Do not write your name. Results are reported only for "
                     "groups of at least 5 respondents, and written comments only for departments with "
                     "at least 10 respondents, without any detail that identifies who wrote them.",
        "how": "For each statement, mark one circle: how much do you agree?",
        "department": "Your department",
        "comment": "Anything else you would like to tell us about how work is organised? (optional)",
        "thanks": "Thank you for taking part.",
        "key_title": "Scoring key — for the survey administrator (do not hand out)",
        "key_lead": "Enter one row per returned form in survey.csv: a department column, one column per "
                    "item id below (1-5, blank when unanswered) and an optional comment column. Reverse-"
                    "worded items are scored 6 − answer by orgkit; enter the answer as ticked.",
        "item": "Item", "dimension": "Dimension", "reverse": "Reverse-worded", "yes": "yes", "no": "",
        "lang": "en", "font": "'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif",
    },
    "zh": {
        "title": "组织调研问卷",
        "lead": "本问卷了解我们的工作是如何组织的：职责是否清晰、信息是否畅通、决策是否高效、"
                "个人能否成长，以及团队之间是否协作顺畅。填写约需 10 分钟。",
        "anonymity": "问卷为匿名填写，请勿写姓名。结果仅按不少于 5 名答卷人的群体汇总呈现；"
                     "文字意见仅对答卷人不少于 10 人的部门汇总，且不含任何可识别填写人的信息。",
        "how": "请针对每一项陈述，在最符合您看法的选项上画圈（每题只选一项）。",
        "department": "您所在的部门",
        "comment": "关于工作的组织方式，您还有什么想告诉我们的吗？（选填）",
        "thanks": "感谢您的参与！",
        "key_title": "计分说明——供问卷管理员使用（请勿发放）",
        "key_lead": "每份回收问卷在 survey.csv 中录入一行：department（部门）列、下列每个题号一列"
                    "（填 1-5，未答留空），以及可选的 comment（意见）列。反向题由 orgkit 按 6 − 答案 计分，"
                    "录入时请按问卷上勾选的答案原样填写。",
        "item": "题号", "dimension": "维度", "reverse": "反向题", "yes": "是", "no": "",
        "lang": "zh-CN",
        "font": "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', "
                "'WenQuanYi Micro Hei', SimHei, sans-serif",
    },
}

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


def write_csv(language: str) -> Path:
    """``questionnaire_<language>.csv``: item, section, dimension, reverse, question, scale_1..scale_5."""
    path = HERE / f"questionnaire_{language}.csv"
    with open(path, "w", encoding="utf-8-sig" if language == "zh" else "utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["item", "section", "dimension", "reverse", "question", *[f"scale_{i}" for i in range(1, 6)]])
        for r, section, question, scale in _rows(language):
            w.writerow([r["item"], section, r["dimension"], "true" if r["reverse"] else "false", question, *scale])
    return path


def write_items() -> Path:
    """``survey_items.csv``: item, dimension, reverse, text, text_zh (what a client folder may hold)."""
    path = HERE / "survey_items.csv"
    items = default_items()
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["item", "dimension", "reverse", "text", "text_zh"])
        for r in items.to_dict("records"):
            w.writerow([r["item"], r["dimension"], "true" if r["reverse"] else "false", r["text"], r["text_zh"]])
    return path


def write_template() -> Path:
    """``survey_template.csv``: the header a client's survey.csv uses (department, items, comment)."""
    path = HERE / "survey_template.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow(["department", *default_items()["item"], "comment"])
    return path


def write_html(language: str) -> Path:
    """``questionnaire_<language>.html``: a self-contained printable A4 form plus a scoring key page."""
    t = TEXT[language]
    e = html.escape
    scale = SCALE_LABELS[language]
    parts = [f"<!DOCTYPE html>\n<html lang=\"{t['lang']}\">\n<head>\n<meta charset=\"utf-8\">\n"
             f"<title>{e(t['title'])}</title>\n<style>{CSS % {'font': t['font']}}</style>\n</head>\n<body>\n",
             f"<h1>{e(t['title'])}</h1>\n<p>{e(t['lead'])}</p>\n<p class=\"note\">{e(t['anonymity'])}</p>\n",
             f"<p class=\"field\">{e(t['department'])}: <span></span></p>\n<p>{e(t['how'])}</p>\n"]
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
    parts.append(f"<h2>{e(t['comment'])}</h2>\n<div class=\"box\"></div>\n<footer>{e(t['thanks'])}</footer>\n")
    parts.append(f"<section class=\"key\">\n<h2>{e(t['key_title'])}</h2>\n<p>{e(t['key_lead'])}</p>\n"
                 f"<table class=\"key-table\"><thead><tr><th>#</th><th>{e(t['item'])}</th>"
                 f"<th>{e(t['dimension'])}</th><th>{e(t['reverse'])}</th></tr></thead><tbody>\n")
    for i, (r, section, _, _) in enumerate(_rows(language), start=1):
        parts.append(f"<tr><td>{i}</td><td>{e(r['item'])}</td><td>{e(section)} ({e(r['dimension'])})</td>"
                     f"<td>{e(t['yes'] if r['reverse'] else t['no'])}</td></tr>\n")
    parts.append("</tbody></table>\n</section>\n</body>\n</html>\n")
    path = HERE / f"questionnaire_{language}.html"
    path.write_text("".join(parts), encoding="utf-8")
    return path


def main() -> None:
    for language in ("en", "zh"):
        write_csv(language)
        write_html(language)
    write_items()
    write_template()


if __name__ == "__main__":
    main()
