"""Every text a client reads in a report, checked for what must never reach a client.

A report's client reads ``report.html`` (its visible text, the alternative texts of its figures) and the
figures' own labels (the SVGs embedded in the page, also written to ``figures/``). This module extracts all
of it, one piece per HTML text node or SVG ``<text>``, and fails on:

- internal keys: snake_case names (``span_mean``), dotted catalogue, threshold or metric keys
  (``finding.silo``, ``structure.span.healthy_min``), unfilled ``{placeholders}``, module paths (``orgkit.``);
- backticks;
- values a program prints for nothing: ``nan``, ``NaN``, ``None``, ``null``, ``NaT``, ``<NA>``, ``inf``;
- signed zeros (``−0.00``, ``-0``, ``+0.00``), ``p 0.000``, and a hyphen-minus used as a minus sign
  (``-0.88``) or a range written with a hyphen (``4-12``: an en dash ``4–12`` is the one way);
- local paths (``/tmp/…``, ``/home/…``, the client's folder);
- a number formatted two ways: the same integer of 1,000 or more written with a thousands separator in one
  place and without in another.

The checks are precise enough to let legitimate texts through: employee and decision ids (``E00071``,
``D0004``), dates (``2026-12-02``), file names (``survey_items.csv``), DOIs and URLs, version numbers,
hashes, and the English word "None" in "None of ...". The unit tests below feed each check texts that must
fail and texts that must pass, so the checks themselves can fail; the slow tests run the sample report in
English and Chinese and, where the public data sets are present, a report on the Krackhardt managers.
"""

from __future__ import annotations

import base64
import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from orgkit.i18n import keys as catalogue_keys
from orgkit.thresholds import REGISTRY

# ------------------------------------------------------------------------------------------ extraction
_SKIP = {"script", "style", "metadata", "defs"}
_BLOCK = {"p", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "div", "br", "figcaption", "dt", "dd", "caption",
          "text", "section", "header", "footer", "span", "strong", "em", "a", "code", "small", "button",
          "summary", "details", "table", "ul", "ol", "dl", "figure", "nav", "main", "tspan", "label"}


class _Texts(HTMLParser):
    """Visible text nodes of HTML (or SVG ``<text>``), and the SVG figures embedded as ``data:`` URIs."""

    def __init__(self, svg: bool = False):
        super().__init__(convert_charrefs=True)
        self.svg = svg
        self.skip = 0
        self.in_text = 0
        self.parts: list[str] = []
        self.figures: list[str] = []
        self._buf: list[str] = []

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        if text:
            self.parts.append(text)
        self._buf = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in _SKIP:
            self.skip += 1
        if tag == "text":
            self.in_text += 1
        if tag in _BLOCK or tag in ("td", "th"):
            self._flush()
        if tag == "img":
            src = a.get("src") or ""
            if src.startswith("data:image/svg+xml;base64,"):
                self.figures.append(base64.b64decode(src.split(",", 1)[1]).decode("utf-8"))
            if a.get("alt"):
                self.parts.append(" ".join(a["alt"].split()))
        for attr in ("title", "aria-label", "placeholder"):
            if a.get(attr) and not self.svg:
                self.parts.append(" ".join(a[attr].split()))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _SKIP:
            self.skip -= 1

    def handle_endtag(self, tag):
        if tag in _BLOCK:
            self._flush()
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        if tag == "text":
            self.in_text = max(0, self.in_text - 1)

    def handle_data(self, data):
        if self.skip:
            return
        if self.svg and not self.in_text:
            return
        self._buf.append(data)

    def close(self):
        super().close()
        self._flush()


def svg_texts(svg: str) -> list[str]:
    """The labels a reader sees in an SVG figure (its ``<text>`` elements)."""
    p = _Texts(svg=True)
    p.feed(svg)
    p.close()
    return p.parts


def client_texts(html: str) -> list[str]:
    """Every piece of text a client reads in a report page: visible text, alternative texts, figure labels."""
    p = _Texts()
    p.feed(html)
    p.close()
    out = list(p.parts)
    for svg in p.figures:
        out += svg_texts(svg)
    return out


# ------------------------------------------------------------------------------------------ checks
_FILE = r"(?:csv|xlsx|xls|yml|yaml|json|md|html|pdf|svg|png|txt|log|ipynb|py)"
_URL = re.compile(r"(?:https?://|www\.|doi\.org/)\S+")
_SNAKE = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w-])(?!\." + _FILE + r"\b)")
_DOTTED = re.compile(r"(?<![\w./@-])[a-z][a-z0-9_]+(?:\.[a-z0-9_<>]+)+(?![\w-])")
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][\w.]*(?:[:!][^}]*)?\}")
_MISSING = re.compile(r"(?<![\w-])(?:nan|NaN|NAN|None(?! of\b)|null|NaT|<NA>|inf|-inf)(?![\w-])")
_SIGNED_ZERO = re.compile(r"(?<![\w.,])[−+\-]0(?:[.,]0+)?(?![\d.,]*[1-9])(?![\w])%?")
_P_ZERO = re.compile(r"\bp\s*(?:=\s*)?0[.,]0+(?!\d*[1-9])")
_HYPHEN_MINUS = re.compile(r"(?:(?<=^)|(?<=[\s(\[:=/,;（：，]))-(?=\d)")
_HYPHEN_RANGE = re.compile(r"(?<![\w.\-/:#])(\d{1,3}(?:[.,]\d+)?)-(\d{1,3}(?:[.,]\d+)?)(?![\w\-/])")
_LOCAL_PATH = re.compile(r"(?:(?<![\w.])/(?:tmp|home|work|Users|var|root|private|mnt|opt)/|[A-Za-z]:\\)")
_MODULE = re.compile(r"\borgkit\.[a-z_]")
_GROUPED = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+)(?![\d,]*\d)(?!\.\d)")
_PLAIN4 = re.compile(r"(?<![\w.,/:\-#])(\d{4,})(?![\w,/:\-])(?!\.\d)")
#: Dotted words that are not keys.
_DOTTED_OK = re.compile(r"^(?:e\.g|i\.e|et\.al|vs|etc)\b|\." + _FILE + r"$")


def _keys() -> set[str]:
    return set(catalogue_keys("en")) | set(REGISTRY)


def problems(texts: list[str], local_paths: tuple[str, ...] = ()) -> list[str]:
    """What must not reach a client in ``texts``: one line per problem, with the text it is in."""
    known = _keys()
    out: list[str] = []
    grouped: dict[int, str] = {}
    plain: dict[int, str] = {}
    for text in texts:
        bare = _URL.sub(" ", text)

        def bad(what: str, found: str) -> None:
            out.append(f"{what} {found!r} in: {text[:160]!r}")

        if "`" in text:
            bad("backtick", "`")
        for m in _SNAKE.finditer(bare):
            bad("internal name", m.group(0))
        for m in _DOTTED.finditer(bare):
            token = m.group(0)
            if token in known or token.startswith("orgkit.") or (token.count(".") >= 1 and not _DOTTED_OK.search(token)
                                                                 and "_" in token):
                bad("internal key", token)
        for m in _PLACEHOLDER.finditer(text):
            bad("placeholder", m.group(0))
        for m in _MISSING.finditer(bare):
            bad("missing value", m.group(0))
        for m in _SIGNED_ZERO.finditer(bare):
            bad("signed zero", m.group(0))
        for m in _P_ZERO.finditer(bare):
            bad("p-value of zero", m.group(0))
        for m in _HYPHEN_MINUS.finditer(bare):
            bad("hyphen as minus", bare[m.start():m.start() + 6])
        for m in _HYPHEN_RANGE.finditer(bare):
            bad("range with a hyphen", m.group(0))
        for m in _LOCAL_PATH.finditer(text):
            bad("local path", m.group(0))
        for path in local_paths:
            if path and path in text:
                bad("the client's folder", path)
        for m in _MODULE.finditer(bare):
            bad("module path", m.group(0))
        for m in _GROUPED.finditer(bare):
            grouped.setdefault(int(m.group(1).replace(",", "")), text)
        for m in _PLAIN4.finditer(bare):
            value = int(m.group(1))
            if not 1900 <= value <= 2100 and len(m.group(1)) < 8:  # years of references, dates; hashes
                plain.setdefault(value, text)
    for value in sorted(set(grouped) & set(plain)):
        out.append(f"number written two ways: {value:,} in {grouped[value][:100]!r} and {value} in "
                   f"{plain[value][:100]!r}")
    return out


# ------------------------------------------------------------------------------------------ the checks themselves
@pytest.mark.parametrize("text", [
    "Mean span (span_mean) is 5.", "see `structure.score`", "finding.silo", "structure.span.healthy_min",
    "{department} is a silo", "E-I nan", "value: None", "null", "E-I −0.00", "change -0.00", "+0.00",
    "p 0.000", "p = 0.000", "E-I -0.88 against +0.70", "(-3 points)", "a span of 4-12", "0.05-0.20 is usual",
    "/tmp/x/sample", "/home/ann/clients/acme", "orgkit.findings.THRESHOLDS", "−0%",
])
def test_each_check_fails_on_what_it_is_for(text):
    assert problems([text]), text


@pytest.mark.parametrize("text", [
    "E00071 (Head of R&D)", "D0004", "2026-12-02", "people.csv", "survey_items.csv", "client.yml",
    "None of it stopped the assessment.", "E-I −0.88 against +0.70", "a span of 4–12", "p < 0.001", "p = 0.03",
    "0.00", "3,711 e-mails", "Van Fleet & Bedeian 1977, https://doi.org/10.5465/amr.1977.4281795",
    "569cb98054cfea7baa80b5632933dadfe3086744d4d0ec16a519ff7058769cbb", "orgkit 0.1.0", "python 3.11.7",
    "e.g. Sales", "Every key of metrics.json is defined in docs/metrics.md.", "R&D", "1-5", "0 of 6",
    "−7", "+6", "0", "E-I index", "e-mail", "ICC(1)", "r_wg", "10%", "第 1 层",
])
def test_each_check_passes_what_is_legitimate(text):
    if text == "1-5":  # a range with a hyphen is still a problem: the one way is 1–5
        assert problems([text])
        return
    if text == "r_wg":  # a statistic's own notation is an internal name to a client: rwg
        assert problems([text])
        return
    assert problems([text]) == [], text


def test_a_number_written_two_ways():
    assert problems(["3711 people", "of 3,711 messages"])
    assert problems(["3,711 people", "of 3,711 messages"]) == []
    assert problems(["Urwick 1956", "1,956 ties"]) == []  # a year of a reference is not a count


def test_svg_labels_and_alt_texts_are_read():
    svg = '<svg><metadata>nan</metadata><style>a{}</style><text x="1">R&amp;D</text><text>span_mean</text></svg>'
    html = ('<html><head><style>.x{}</style><script>var None;</script></head><body><p>Hello</p>'
            f'<img alt="Figure {{n}}" src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}">'
            '</body></html>')
    texts = client_texts(html)
    assert texts == ["Hello", "Figure {n}", "R&D", "span_mean"]
    assert len(problems(texts)) == 2


# ------------------------------------------------------------------------------------------ the reports
def _report_problems(report_dir: Path, client_dir: Path) -> list[str]:
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    texts = client_texts(html)
    for svg in sorted((report_dir / "figures").glob("*.svg")):
        texts += svg_texts(svg.read_text(encoding="utf-8"))
    return problems(texts, local_paths=(str(client_dir), str(client_dir.resolve())))


def _assert_clean(found: list[str]) -> None:
    assert found == [], f"{len(found)} problems in the texts a client reads:\n" + "\n".join(found)


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "zh"])
def test_sample_report_texts(language, tmp_path_factory):
    from orgkit.data.sample import sample_client_path
    from orgkit.report.run import run_client

    client = sample_client_path()
    result = run_client(client, tmp_path_factory.mktemp(f"texts-{language}"), language=language, progress=False)
    _assert_clean(_report_problems(Path(result.html).parent, client))


@pytest.mark.slow
@pytest.mark.realdata
def test_krackhardt_report_texts(shared_data, tmp_path_factory):
    """21 managers, the CEO alone in "Executive": the top of the organisation is a role, not a hidden group."""
    from orgkit.report.run import run_client

    from realdata import krackhardt_people, krackhardt_ties

    advice = krackhardt_ties(shared_data, "Advice")
    folder = tmp_path_factory.mktemp("krackhardt-client")
    krackhardt_people(shared_data).to_csv(folder / "people.csv", index=False)
    advice.rename(columns={"i": "asker", "j": "adviser"})[["asker", "adviser"]].to_csv(
        folder / "communication.csv", index=False)
    result = run_client(folder, tmp_path_factory.mktemp("krackhardt-report"), progress=False)
    report_dir = Path(result.html).parent
    _assert_clean(_report_problems(report_dir, folder))
    texts = client_texts((report_dir / "report.html").read_text(encoding="utf-8"))
    # a department of one is never named (nor pooled as a small group): its one person is shown by role
    # ("Executive office" is the function client.yml accepts, listed in the mapping hint: not the department)
    assert not [x for x in texts if "Executive" in x.replace("Executive summary", "").replace("Executive office", "")]
    assert any("Chief executive" in x for x in texts)


# ------------------------------------------------------------------------------------------ numbers in sentences
def test_catalogue_sentences_write_numbers_one_way():
    from orgkit.i18n import t, tn

    assert tn("group.small_groups", 3711) == "3,711 small groups"
    assert tn("group.small_groups", 3711, "zh") == "3,711 个小群体"
    assert t("summary.overall", "en", score=-0.0) == t("summary.overall", "en", score=0)
    assert "−3" in t("summary.overall", "en", score=-3)


# ------------------------------------------------------------------------------------------ privacy notes that are true
def _org(n_it_respondents: int) -> "object":
    """A client of 40: CEO alone in "Board", Sales 15, Ops 12, IT 9, Legal 3 (all under the CEO's reports)."""
    from orgkit import from_frames

    rows = [("C", "Board", None, "Founder & CEO")]
    for dept, n in (("Sales", 15), ("Ops", 12), ("IT", 9), ("Legal", 3)):
        head = f"{dept}0"
        rows.append((head, dept, "C", f"Head of {dept}"))
        rows += [(f"{dept}{i}", dept, head, "Specialist") for i in range(1, n)]
    people = pd.DataFrame(rows, columns=["employee_id", "department", "manager_id", "title"])
    answers = []
    for dept, n in (("Sales", 12), ("Ops", 10), ("IT", n_it_respondents), ("Legal", 3)):
        answers += [{"department": dept, "q1": 4, "q2": 3} for _ in range(n)]
    items = pd.DataFrame({"item": ["q1", "q2"], "dimension": ["communication", "communication"],
                          "text": ["Information flows", "I hear in time"], "reverse": [False, False]})
    return from_frames(people, survey=pd.DataFrame(answers), survey_items=items, settings={"min_group_size": 5})


def test_survey_notes_count_a_department_hidden_for_too_few_respondents():
    """A 9-person department with 3 respondents vanishes from the survey tables: the note says so, by kind."""
    from orgkit.report.book import ReportBook

    book = ReportBook(_org(n_it_respondents=3))
    markup = book.survey_items().markup
    texts = " ".join(client_texts(markup))
    assert "IT" not in re.findall(r"\b[A-Z]\w*\b", texts)
    # Legal (3) is under 5 people; IT has 9 people but 3 respondents; Board holds only the CEO: a role,
    # not a hidden group
    assert "1 department under 5 people is not shown." in texts
    assert "1 department with fewer than 5 respondents is not shown." in texts
    heatmap = " ".join(client_texts(book.survey_dimensions().markup))
    assert "1 department with fewer than 5 respondents is not shown." in heatmap
    book.language = "zh"
    assert "1 个回答人数少于 5 人的部门未显示。" in book.survey_items().markup


def test_survey_notes_without_respondent_gaps():
    from orgkit.report.book import ReportBook

    texts = " ".join(client_texts(ReportBook(_org(n_it_respondents=8)).survey_items().markup))
    assert "fewer than 5 respondents" not in texts
    assert "1 department under 5 people is not shown." in texts


def test_the_top_of_the_organisation_is_a_role_not_a_hidden_group():
    from orgkit.plots import plot_org_chart
    from orgkit.plots.style import figure_svg
    from orgkit.privacy import top_of_organisation
    from orgkit.report.book import ReportBook

    client = _org(8)
    top = top_of_organisation(client.people, 5)
    assert top is not None and top.alone and top.employee_id == "C" and top.label == "Founder & CEO"
    book = ReportBook(client)
    assert book._person(pd.Series(["C", "Legal1"])).tolist() == ["C (Founder & CEO)", "Legal1"]
    assert book._dept(pd.Series(["Board", "Legal", "Sales"])).tolist() == [
        "Founder & CEO", "Other (small groups)", "Sales"]
    # the data-quality note counts Legal, not the CEO's department of one, and says how the top is shown
    quality = " ".join(client_texts(book.data_quality().markup))
    assert "1 department has fewer than 5 people" in quality and "shown as a role (“Founder & CEO”)" in quality
    labels = svg_texts(figure_svg(plot_org_chart(client.people, min_group_size=5, top=top)))
    assert "Founder & CEO" in labels and "Board" not in labels and "Legal" not in labels
    # without titles the role reads "Chief executive" / "最高负责人"
    people = client.people.drop(columns="title")
    assert top_of_organisation(people, 5).label == "Chief executive"
    assert top_of_organisation(people, 5, "zh").label == "最高负责人"


def test_the_org_chart_hides_what_the_tables_hide():
    """A department the tables hide (here IT, hidden with Legal so Legal cannot be worked out) is grey and
    unlabelled on the chart too, and no number of a hidden department's manager appears."""
    from orgkit.plots import plot_org_chart
    from orgkit.plots.style import figure_svg

    people = _org(8).people
    labels = svg_texts(figure_svg(plot_org_chart(people, min_group_size=5, hidden=["IT"])))
    assert not {"IT", "Legal", "Board"} & set(" ".join(labels).split()), labels
    assert labels.count("Other (small groups)") == 2  # the heads of IT and Legal, in grey
    # IT's head has 8 reports, Legal's 2: neither number is on the chart; Sales and Ops show theirs
    assert not [x for x in labels if re.search(r"\b(span|team) [28]\b", x)], labels
    assert "span 14 · team 14" in labels and "span 11 · team 11" in labels
