"""The text catalogue (English and Chinese) and the report's HTML blocks.

Both catalogues have the same keys, placeholders and plural entries; every key is used and every key used
exists; Chinese entries use the glossary's terms, full-width punctuation and no English sentences; a whole
Chinese report shows no English outside data, ids and fixed terms; every HTML block escapes what it is given.
"""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import jinja2
import pandas as pd
import pytest

from conftest import ROOT
from orgkit.report import blocks as display
from orgkit.errors import ConfigError, MissingTextError, OrgkitError
from orgkit.i18n import LANGUAGES, catalogue, catalogue_path, format_list, has, keys, placeholders, t, tn

PACKAGE = ROOT / "orgkit"
#: Where keys are used: the package's code and templates, and the batch overview's template.
SOURCES = [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.j2")]
CJK = "\u3400-\u9fff"


def _entries(language: str) -> dict[str, tuple[str, ...]]:
    """Key -> its forms (one for a singular entry, one per plural form)."""
    out = {}
    for m in catalogue(language):
        if not m.id:
            continue
        if m.pluralizable:
            out[m.id[0]] = tuple(m.string)
        else:
            out[m.id] = (m.string,)
    return out


EN, ZH = _entries("en"), _entries("zh")
PLURAL = {m.id[0] for m in catalogue("en") if m.id and m.pluralizable}


# ------------------------------------------------------------------------------------------ the catalogues
def test_one_catalogue_per_language_with_the_same_keys():
    assert LANGUAGES == ("en", "zh")
    for language in LANGUAGES:
        assert Path(str(catalogue_path(language))).is_file()
    assert set(EN) == set(ZH) and len(EN) > 400
    assert keys("en") == keys("zh") == frozenset(EN)
    assert not [k for k, forms in {**EN, **ZH}.items() if not all(forms)], "empty text"


def test_the_same_placeholders_in_every_form_and_language():
    for key in EN:
        names = {placeholders(f) for f in EN[key] + ZH[key]}
        assert len(names) == 1, (key, names)


def test_plural_entries_are_plural_in_both_languages():
    assert catalogue("en").num_plurals == 2 and catalogue("zh").num_plurals == 1
    zh_plural = {m.id[0] for m in catalogue("zh") if m.id and m.pluralizable}
    assert PLURAL == zh_plural and len(PLURAL) >= 10
    for key in PLURAL:
        assert len(EN[key]) == 2 and len(ZH[key]) == 1, key
        assert "{n}" in EN[key][0] or any(v in EN[key][0] for v in ("{count}", "{gaps}", "{clear}", "{healthy}",
                                                                      "{respondents}", "{n_dims}", "{excess}")) or (
            # agreeing with a list: "R&D keeps to itself" / "R&D and Sales keep to themselves"
            key.startswith(("recommendation.", "storyline.")) and any(
                v in EN[key][0] for v in ("{departments}", "{functions}", "{names}", "{pairs}", "{numbers}"))), key
    assert tn("data_quality.small_departments", 1, k=5) == (
        "1 department has fewer than 5 people; its numbers are not shown anywhere.")
    assert tn("data_quality.small_departments", 3, k=5) == (
        "3 departments have fewer than 5 people; their numbers are not shown anywhere.")
    assert tn("data_quality.small_departments", 3, "zh", k=5) == "3 个部门人数少于 5 人，报告中不显示其任何数据。"


def test_a_missing_text_is_an_error_never_the_key():
    with pytest.raises(MissingTextError) as err:
        t("heading.no_such_heading", "zh")
    assert isinstance(err.value, KeyError) and isinstance(err.value, OrgkitError)
    assert "heading.no_such_heading" in str(err.value) and "zh" in str(err.value)
    with pytest.raises(MissingTextError, match="needs a value for 'k'"):
        t("cover.note", "en", names="")
    with pytest.raises(MissingTextError, match="use tn"):
        t("group.small_groups", "en")
    with pytest.raises(MissingTextError, match="use t"):
        tn("heading.spans", 2, "en")
    with pytest.raises(ConfigError, match="language must be one of"):
        t("heading.spans", "fr")
    assert has("heading.spans", "zh") and not has("heading.nothing", "zh")


def test_lists_read_naturally_in_both_languages():
    assert format_list(["Sales"]) == "Sales" and format_list([]) == ""
    assert format_list(["Sales", "HR"]) == "Sales and HR"
    assert format_list(list("ABCDEF"), limit=4) == "A, B, C, D and 2 more"
    assert format_list(["销售部", "人事部"], "zh") == "销售部、人事部"
    assert format_list(list("甲乙丙丁戊"), "zh", limit=4) == "甲、乙、丙、丁以及其他 1 个"


# ------------------------------------------------------------------------------------------ used keys
def _pattern(key: str) -> re.Pattern[str]:
    """A key built at run time as a pattern: each ``{...}`` is one segment, or a whole key when it comes first."""
    parts = re.split(r"\{[^}]*\}", key)
    out = ""
    for i, part in enumerate(parts):
        out += re.escape(part)
        if i < len(parts) - 1:
            out += r"[\w.-]+" if i == 0 and not part else r"[\w-]+"
    return re.compile(out + "$")


def _used() -> tuple[set[str], list[re.Pattern[str]], list[str]]:
    """Keys written out in the sources, patterns of keys built at run time, and the literal keys given to
    t()/tn() (each must exist)."""
    families = {k.split(".")[0] for k in EN}
    literals, patterns, called = set(), [], []
    call = re.compile(r"(?<!\w)(?:_?tn?|has)\(\s*(f?)([\"'])([^\"']*)\2\s*(~?)")
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        literals |= set(re.findall(r"[\"']([a-z_]+(?:\.[a-z0-9_]+)+)[\"']", text))
        for fstring, _, key, concat in call.findall(text):
            if fstring and "{" in key:
                patterns.append(_pattern(key))
            elif concat:  # Jinja: t("status." ~ c.status)
                patterns.append(re.compile(re.escape(key) + r"[\w-]+$"))
            elif key:
                called.append(key)
        # a key assembled before the call: stem = f"metric.{area}.{key}"
        for _, key in re.findall(r"\bf([\"'])([a-z_]+\.[^\"']*\{[^\"']*)\1", text):
            if key.split(".")[0] in families:
                patterns.append(_pattern(key))
    return literals, patterns, called


def test_every_key_used_in_the_code_exists():
    literals, patterns, called = _used()
    assert len(called) > 250
    assert sorted(k for k in called if k not in EN) == []
    assert [p.pattern for p in patterns if not any(p.match(k) for k in EN)] == []


def test_no_unused_key():
    literals, patterns, _ = _used()
    unused = [k for k in EN if k not in literals and not any(p.match(k) for p in patterns)]
    assert unused == []


def test_key_families_match_the_code_exactly():
    """Keys built at run time (``finding.{key}``) are checked against what the code can build."""
    from orgkit.findings import STATUS_ORDER
    from orgkit.framework import FUNCTION_CODES, STAGE_EXPECTATIONS
    from orgkit.method import definitions
    from orgkit.areas.survey import _DIMENSIONS

    def family(prefix: str) -> set[str]:
        return {k for k in EN if k.startswith(prefix)}

    source = (PACKAGE / "findings.py").read_text(encoding="utf-8")
    rules = set(re.findall(r'Finding\(\s*"\w+",\s*"(\w+)"', source))
    rules |= {r for pair in re.findall(r'key = "(\w+)" if .* else "(\w+)"', source) for r in pair}
    assert family("finding.") - family("finding.value.") == {f"finding.{r}" for r in rules}
    recs = set(re.findall(r'add\("(\w+)"', source)) | set(re.findall(r'Recommendation\("(\w+)"', source))
    assert family("recommendation.") - family("recommendation.value.") == {
        f"recommendation.{r}.{part}" for r in recs for part in ("title", "text")}
    assert family("status.") == {f"status.{s}" for s in STATUS_ORDER}
    assert family("stage.") == {f"stage.{s}" for s in STAGE_EXPECTATIONS}
    assert family("function.") == {f"function.{f}" for f in FUNCTION_CODES}
    assert family("survey.dimension.") == {f"survey.dimension.{d}" for d in _DIMENSIONS}
    assert family("definition.") == {f"definition.{d}.{p}" for d in display.CONVENTIONS for p in ("term", "text")}
    areas = ("structure", "communication", "decisions", "survey")
    assert family("area.") == {f"area.{a}{s}" for a in areas for s in ("", ".intro", ".not_available")}
    headline = [m for ms in definitions().values() for m in ms if m.headline]
    expected = {m.text_key for m in headline} | {f"{m.text_key}.formula" for m in headline if m.formula}
    assert family("metric.") == expected | {"metric.decisions.score.target"}


# ------------------------------------------------------------------------------------------ Chinese
def _glossary() -> list[tuple[str, list[str], list[str]]]:
    """(English, Chinese terms, forbidden variants as regular expressions) from the zh catalogue's header."""
    out = []
    for line in Path(str(catalogue_path("zh"))).read_text(encoding="utf-8").splitlines():
        m = re.match(r"# glossary: (.+?) = ([^;]+)(?:; not (.+))?$", line)
        if m:
            out.append((m.group(1), [x.strip() for x in m.group(2).split(",")],
                        [x.strip() for x in (m.group(3) or "").split(",") if x.strip()]))
    return out


def test_glossary_one_term_per_concept():
    glossary = _glossary()
    assert len(glossary) >= 30
    concepts = {g[0] for g in glossary}
    for concept in ("structure fit", "span of control", "layer", "communication network", "decision path",
                    "employee survey", "silo", "broker", "stage"):
        assert concept in concepts, concept
    texts = {k: "".join(forms) for k, forms in ZH.items()}
    for concept, terms, variants in glossary:
        for term in terms:
            assert any(term in x for x in texts.values()), f"{concept}: {term} is used nowhere"
        for variant in variants:
            bad = [k for k, x in texts.items() if re.search(variant, x)]
            assert bad == [], f"{concept}: use {terms[0]}, not {variant!r}: {bad}"


def test_the_same_stage_words_everywhere():
    from orgkit.findings import Finding

    for stage in ("startup", "mid", "large"):
        word = t(f"stage.{stage}", "zh")
        cover = display.cover("甲", date="2025-01-02", headcount=10, departments=2, stage=stage, language="zh")
        assert f"<dd>{word}</dd>" in cover.markup
        finding = Finding("structure", "function_missing", "red",
                          {"zh": {"function": t("function.hr", "zh"), "stage": word,
                                  "industry": t("industry.general", "zh"), "placed": "90%"}})
        assert f"{word}组织" in finding.text("zh")  # a public body is no company


#: ASCII words a Chinese report may show besides data, ids (``span_mean``) and one- or two-letter formula
#: symbols: fixed terms, the appendix's parameter, package and file-type names, framework function codes.
ALLOWED_ASCII = {
    "E-I", "RACI", "ICC", "rwg", "Cronbach's", "Welch", "Freeman", "Brandes", "orgkit", "findings", "THRESHOLDS",
    "metrics", "json", "docs", "csv", "yml", "utf-8", "utf-8-sig", "gb18030", "xlsx", "SHA-256", "clip", "client",
    "language", "stage", "date", "auto", "startup", "mid", "large", "True", "False", "python", "pandas", "numpy",
    "networkx", "scipy", "matplotlib", "papermill", "nbconvert", "ipykernel", "sales", "marketing", "product",
    "rnd", "operations", "finance", "production", "openness", "connectedness", "responsibilities", "decisions",
    "communication", "people", "survey", "thresholds",
}
_ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_'’-]*")


def _english_runs(text: str) -> list[str]:
    """Runs of three or more ASCII words (an English phrase), placeholders removed."""
    text = re.sub(r"\{[^}]*\}", " ", text)
    return re.findall(r"[A-Za-z][\w'’-]*(?:[ ]+[A-Za-z][\w'’-]*){2,}", text)


def test_chinese_entries_have_no_english_phrases():
    bad = {k: _english_runs(forms[0]) for k, forms in ZH.items() if _english_runs(forms[0])}
    assert bad == {}


def test_chinese_sentences_use_full_width_punctuation():
    for key, forms in ZH.items():
        for text in forms:
            if not re.search(f"[{CJK}]", text):
                continue
            assert not re.search(f"[{CJK}][,;:!?]|[,;:!?][{CJK}]", text), (key, text)
            assert not re.search(f"[{CJK}][()]|[()][{CJK}]", text), (key, text)
            assert not re.search(f"[{CJK}]\\.(\\s|$)", text), (key, text)
            assert not re.search(r"\d\.\s+\d", text), (key, text)  # "4. 6 个月" reads as 4.6


def test_latin_values_are_set_off_from_chinese_text():
    """A department, id or number filled into a Chinese sentence is set off by a space, whatever the entry wrote
    (``R&D 自成信息孤岛``, ``11% 的员工``); Chinese values and dates (``2027年6月``) stay as they are."""
    assert tn("storyline.headline.open_channels", 1, "zh", departments="R&D") == "R&D 自成信息孤岛"
    assert tn("storyline.headline.open_channels", 1, "zh", departments="研发中心") == "研发中心自成信息孤岛"
    assert t("industry_evidence.share", "zh", share="11%", marker="担任软件或产品类岗位") == "11% 的员工担任软件或产品类岗位"
    assert t("storyline.headline.spread_brokers", "zh", person="130") == "部门之间的联系过度集中在员工 130 身上"
    assert t("storyline.date.month_year", "zh", year="2027", month=t("storyline.month.6", "zh")) == "2027年6月"
    assert tn("list.more", 3, "zh", shown="Division 69、Division 85") == "Division 69、Division 85 以及其他 3 个"
    # English is filled as written
    assert t("storyline.headline.spread_brokers", "en", person="130") == "Contact between departments runs through 130"


def test_dates_read_as_chinese_dates_in_chinese():
    from orgkit.i18n import format_date

    assert format_date("2025-09-03", "zh") == "2025年9月3日" and format_date("2025-09-03") == "2025-09-03"
    assert "截至 2025年9月3日（" in tn("interpret.open", 2, "zh", date="2025-09-03", oldest=5, closed=9)
    cover = display.cover("甲", date="2025-01-02", headcount=10, departments=2, stage="mid", language="zh")
    assert "<dd>2025年1月2日</dd>" in cover.markup
    assert "<dd>2025-01-02</dd>" in display.cover("A", date="2025-01-02", headcount=10, departments=2,
                                                   stage="mid").markup


def test_people_are_labelled_with_the_languages_brackets():
    from orgkit.privacy import person_label

    assert person_label("E1", title="销售组长", language="zh") == "E1（销售组长）"
    assert person_label("E1", name="苏一鸣", show_names=True, language="zh") == "苏一鸣（E1）"
    assert person_label("E1", title="Sales Lead") == "E1 (Sales Lead)"
    assert person_label("E1", language="zh") == "E1"


def test_numbered_chinese_recommendations_cannot_be_misread():
    class Rec:
        status = "green"

        def title(self, language):
            return tn("storyline.headline.check_isolates", 6, language)

        def text(self, language):
            return "…"

        def because(self, language):
            return "…"

    markup = display.recommendations_list([Rec()] * 4, language="zh").markup
    assert "<h4>第 4 条：6 人没有任何沟通记录</h4>" in markup
    assert not re.search(r"<h4>\d+\.", markup)
    assert "<h4>4. 6 people have no recorded contact with colleagues</h4>" in display.recommendations_list(
        [Rec()] * 4).markup


@pytest.mark.slow
def test_chinese_report_has_no_english_outside_data(zh_report):
    """The text of the whole Chinese report, minus what comes from the client's files, is Chinese."""
    from orgkit.data.loading import load_client
    from orgkit.method import REFERENCES, definitions
    from orgkit.thresholds import REGISTRY

    page = zh_report.html.read_text(encoding="utf-8")
    body = re.split(r"<body[^>]*>", page, maxsplit=1)[1]
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", body, flags=re.S)
    assert '<ul class="ok-warnings">' in body  # the data-quality list is checked with the rest
    text = htmllib.unescape(re.sub(r"<[^>]+>", "\n", body))
    for ref in REFERENCES.values():  # citations: author and year, DOI
        text = text.replace(ref.short, " ").replace(ref.url or ref.short, " ")

    client = load_client(zh_report.client_dir)
    data = {client.name, str(client.path)}
    for frame in (client.people, client.responsibilities, client.decisions, client.survey_items):
        if frame is not None:
            for column in frame.columns:
                data |= set(frame[column].dropna().astype(str))
    data_words = {w for value in data for w in _ASCII_WORD.findall(value)}
    data_words |= {m.key for metrics in definitions().values() for m in metrics}  # the appendix's metric ids
    data_words |= {w for key in REGISTRY for w in key.split(".")}  # and its threshold keys
    words = [w for w in _ASCII_WORD.findall(text)
             if w not in data_words and not re.search(r"[_0-9]", w) and len(w) > 2]
    assert sorted(set(words) - ALLOWED_ASCII) == []
    for phrase in ("摘要", "组织结构匹配度", "关键连接人", "第 1 条：", "依据："):
        assert phrase in text, phrase


# ------------------------------------------------------------------------------------------ HTML blocks
EVIL = "<script>alert(1)</script>"
QUOTES = "\"&'"
SAFE_EVIL = "&lt;script&gt;alert(1)&lt;/script&gt;"
SAFE_QUOTES = "&#34;&amp;&#39;"


def _clean(markup: str) -> None:
    assert "<script>" not in markup and "alert(1)</script>" not in markup
    assert SAFE_EVIL in markup, markup[:300]
    assert SAFE_QUOTES in markup, markup[:300]


class _Finding:
    status = "red"

    def text(self, language):
        return f"{EVIL} is a silo {QUOTES}"


class _Rec:
    status = "amber"

    def title(self, language):
        return f"Open {EVIL}"

    def text(self, language):
        return f"Talk to {QUOTES}"

    def because(self, language):
        return f"{EVIL} {QUOTES}"


def test_every_block_escapes_names_from_the_data(tmp_path):
    from matplotlib.figure import Figure

    from orgkit.data.client import DataWarning

    name = f"{EVIL} {QUOTES}"
    frame = pd.DataFrame({"department": [name, "Ops"], "people": [12, 7]})
    fig = Figure(figsize=(1, 1))
    fig.add_subplot().plot([0, 1])
    blocks = {
        "table": display.table(frame, {"department": name, "people": "People"}, caption=name, note=name),
        "figure": display.figure(fig, "x", caption=name, alt=name),
        "cover": display.cover(name, date=name, headcount=1, departments=1, stage=name, language="zh"),
        "section_head": display.section_head(name, name, name, status="red", status_label=name),
        "subheading": display.subheading(name, name),
        "paragraphs": display.paragraphs(name, name),
        "interpretation": display.interpretation(name),
        "empty_note": display.empty_note(name),
        "scorecard": display.scorecard([{"area": "structure", "title": name, "score": 50, "status": "amber",
                                         "findings": [name]}], title=name),
        "findings_list": display.findings_list([_Finding()], title=name),
        "recommendations_list": display.recommendations_list([_Rec()], language="zh"),
        "data_quality": display.data_quality([DataWarning("x", name, name, 1)]),
        "definition_list": display.definition_list([(name, name)]),
        "appendix": display.appendix(definitions=[(name, name)], parameters={"client": name},
                                     sources=[{"table": "people", "file": name, "rows": 1, "encoding": "utf-8",
                                               "sha256": "ab"}],
                                     versions={"orgkit": name}, footer=name,
                                     metric_tables=[(name, pd.DataFrame({"key": [name], "meaning": [name],
                                                                         "formula": [name], "reference": [""]}))]),
    }
    for kind, block in blocks.items():
        _clean(block.markup)
    # trusted blocks inside the appendix stay markup, not text
    assert blocks["appendix"].markup.count('<table class="ok-table">') == 4 and "&lt;table" not in blocks[
        "appendix"].markup


def test_block_templates_are_autoescaped_and_strict():
    env = display._environment()
    assert env.autoescape is True and env.undefined is jinja2.StrictUndefined
    assert isinstance(env.loader, jinja2.PackageLoader)
    with pytest.raises(jinja2.UndefinedError):
        display.render_block("subheading", "subheading", title="x")  # no anchor given
    templates = sorted(p.name for p in (PACKAGE / "resources" / "templates" / "blocks").glob("*.html.j2"))
    assert len(templates) >= 12


def test_overview_in_chinese(tmp_path):
    import json

    from orgkit.batch.overview import build_overview

    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "report.html").write_text("<html></html>", encoding="utf-8")
    (folder / "metrics.json").write_text(json.dumps({"client": {"name": EVIL, "people": 10},
                                                     "scores": {"overall": 75.0}}), encoding="utf-8")
    zh = build_overview(tmp_path, [{"slug": "acme", "status": "done"}], language="zh").index_html
    page = zh.read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and "客户组合总览" in page and "综合得分" in page and ">完成<" in page
    assert SAFE_EVIL in page and EVIL not in page
    en = build_overview(tmp_path, [{"slug": "acme", "status": "done"}]).index_html.read_text(encoding="utf-8")
    assert "orgkit portfolio overview" in en and "1 report " in en and ">done<" in en


def test_catalogues_and_block_templates_are_package_data():
    import tomllib

    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["orgkit"]
    shipped = {p for pattern in globs for p in PACKAGE.glob(pattern)}
    needed = [*PACKAGE.glob("locale/*/LC_MESSAGES/*.po"), *PACKAGE.glob("resources/templates/**/*.j2")]
    assert len(needed) >= 14 and set(needed) <= shipped
    assert not list(PACKAGE.rglob("*.mo"))  # one source: the .po files, compiled when read
