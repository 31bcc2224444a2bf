"""The interactive report: the org chart explorer's data, sortable tables, and report.html in headless Chromium.

The tree is checked on small hand-made organisations whose counts are worked out by hand; the whole report of
a hand-made client and of the bundled sample (in Chinese) is opened in Chromium, clicked, searched and sorted,
and must log no error and make no request.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT
from orgkit.privacy import TopRole
from orgkit.report import chromium
from orgkit.report.interactive import ORGANISATION, PERSON, POOL, explorer_json, explorer_strings, org_tree
from orgkit.report.render import find_chromium

STATIC = ROOT / "orgkit" / "resources" / "templates" / "orgkit" / "static"


def needs_chromium(test):
    """Mark a browser test: skipped, with the reason, where headless Chromium cannot run."""
    for mark in (pytest.mark.browser,
                 pytest.mark.skipif(find_chromium() is None, reason="headless Chromium not found: apt-get install "
                                    "chromium (or set ORGKIT_CHROMIUM)"),
                 pytest.mark.skipif(not chromium.pipe_supported(), reason="driving Chromium needs a POSIX system")):
        test = mark(test)
    return test


# ----------------------------------------------------------------------------------------- a hand-made organisation
#: (id, department, manager, title). Board: the managing director alone; Sales 12, Ops 6, Tech 5 are shown;
#: Legal (4) and Strategy (2) report to the top, Audit (1) to the head of Ops; the head of Tech reports to Legal.
ROWS = [("B1", "Board", None, "Managing Director"), ("S01", "Sales", "B1", "Head of Sales")]
ROWS += [(f"S{i:02d}", "Sales", "S01", "Account Executive") for i in range(2, 13)]
ROWS += [("O1", "Ops", "B1", "Head of Ops"), ("O2", "Ops", "O1", "Ops Team Lead"), ("O3", "Ops", "O2", "Analyst"),
         ("O4", "Ops", "O2", "Analyst"), ("O5", "Ops", "O2", "Analyst"), ("O6", "Ops", "O1", "Planner")]
ROWS += [("L1", "Legal", "B1", "General Counsel"), ("L2", "Legal", "L1", "Counsel"), ("L3", "Legal", "L1", "Counsel"),
         ("L4", "Legal", "L1", "Paralegal"), ("G1", "Strategy", "B1", "Strategist"), ("G2", "Strategy", "G1", "Analyst"),
         ("A1", "Audit", "O1", "Internal Auditor")]
ROWS += [("T1", "Tech", "L1", "Head of Tech")] + [(f"T{i}", "Tech", "T1", "Engineer") for i in range(2, 6)]
HIDDEN_IDS = ["L1", "L2", "L3", "L4", "G1", "G2", "A1"]
SHOWN = {"Sales", "Ops", "Tech"}


def _people(rows=ROWS) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["employee_id", "department", "manager_id", "title"])
    frame["name"] = [f"Name{i} Surname{i}" for i in range(len(frame))]
    return frame


def _top() -> TopRole:
    return TopRole("B1", "Board", True, "Managing Director")


def _by_id(tree) -> pd.DataFrame:
    return tree.frame().set_index("id", drop=False)


def test_the_tree_counts_spans_teams_and_layers_by_hand():
    tree = org_tree(_people(), SHOWN, min_group_size=5, top=_top())
    f = tree.frame()
    assert len(tree) == 1 + 12 + 6 + 5 + 2  # the people shown, and two pools
    root = f.iloc[0]
    assert (root["kind"], root["id"], root["parent"], root["span"], root["team"], root["layer"]) == (
        "person", "", -1, 4, 30, 1)  # the top by role: no id; B1 manages S01, O1, L1, G1; 30 people below
    assert tree.role == "Managing Director" and root["title"] == "" and root["department"] == ""
    people = _by_id(tree).drop(index="")
    assert people.loc["O1", ["span", "team", "layer"]].tolist() == [3, 6, 2]  # O2, O6, A1; O2..O6 and A1
    assert people.loc["O2", ["span", "team", "layer"]].tolist() == [3, 3, 3]
    assert people.loc["S01", ["span", "team", "layer"]].tolist() == [11, 11, 2]
    assert people.loc["S05", ["span", "team", "layer", "title"]].tolist() == [0, 0, 3, "Account Executive"]
    # the head of Tech reports to Legal: shown under the top, beside the pool that holds their manager, layer 3
    assert people.loc["T1", ["span", "team", "layer", "via"]].tolist() == [4, 4, 3, True]
    assert f.loc[people.loc["T1", "parent"], "kind"] == "person" and people.loc["T1", "parent"] == 0
    assert int(f["via"].sum()) == 1
    assert set(people.index) == {r[0] for r in ROWS} - set(HIDDEN_IDS) - {"B1"}
    assert tree.departments == ["Ops", "Sales", "Tech"]


def test_pools_hold_hidden_people_and_state_a_number_only_when_a_table_could():
    tree = org_tree(_people(), SHOWN, min_group_size=5, top=_top())
    f = tree.frame()
    pools = f[f["kind"] == "pool"]
    under = {f.loc[p, "id"] or "top": team for p, team in zip(pools["parent"], pools["team"])}
    # under the top: Legal (4) and Strategy (2), six people of two departments: a number a table could show
    # under O1: the one auditor: no number
    assert under == {"top": 6, "O1": -1}
    assert (pools[["span", "layer"]] == 0).all().all() and (pools["department"] == "").all()
    assert (tree.children[pools.index] == 0).all()  # a pool never opens
    # six people of one department: no number either
    one = org_tree(_people([(e, "Legal" if d == "Strategy" else d, m, t) for e, d, m, t in ROWS]), SHOWN,
                   min_group_size=5, top=_top()).frame()
    assert one.loc[one["kind"] == "pool", "team"].tolist() == [-1, -1]


def test_breadth_first_order_rebuilds_from_the_children_counts():
    tree = org_tree(_people(), SHOWN, min_group_size=5, top=_top())
    parent, nxt = [-1], 1
    for i, k in enumerate(tree.children):
        parent += [i] * int(k)
        nxt += int(k)
    assert parent == tree.parent.tolist() and nxt == len(tree)
    f = tree.frame()
    # under the top: the largest team first, then by id, the pool last
    assert f.loc[f["parent"] == 0, "id"].tolist() == ["S01", "O1", "T1", ""]
    assert f.loc[f["parent"] == 0, "kind"].tolist()[-1] == "pool"


def test_several_top_people_hang_under_the_whole_organisation():
    rows = [("A", "X", None, "Lead"), ("B", "X", None, "Lead"), ("C", "X", "A", "Member"), ("D", "Y", None, "Solo")]
    tree = org_tree(_people(rows), {"X"}, min_group_size=2)
    f = tree.frame()
    assert f["kind"].tolist() == ["organisation", "person", "person", "pool", "person"]
    assert f["id"].tolist() == ["", "A", "B", "", "C"] and f.loc[0, "team"] == 4
    assert tree.kind[0] == ORGANISATION and tree.kind[3] == POOL and tree.kind[1] == PERSON
    assert f.loc[3, "team"] == -1  # one person of one hidden department
    everyone_hidden = org_tree(_people(rows), set(), min_group_size=2).frame()  # 4 people of 2 departments
    assert everyone_hidden["kind"].tolist() == ["organisation", "pool"] and everyone_hidden.loc[1, "team"] == 4
    assert org_tree(_people(rows), set(), min_group_size=5).team.tolist() == [4, -1]


def test_names_only_when_asked_and_never_of_hidden_people():
    people = _people()
    assert org_tree(people, SHOWN, min_group_size=5, top=_top()).names is None
    named = org_tree(people, SHOWN, min_group_size=5, top=_top(), show_names=True)
    shown_names = set(named.names) - {""}
    hidden = people[people["employee_id"].isin([*HIDDEN_IDS, "B1"])]["name"]
    assert shown_names and not shown_names & set(hidden)
    assert named.names[0] == ""  # the top is a role


def test_the_json_is_compact_safe_and_holds_no_hidden_name_or_id():
    rows = [(*r[:1], "<script>alert(1)</script>" if r[1] == "Sales" else r[1], *r[2:]) for r in ROWS]
    tree = org_tree(_people(rows), {"<script>alert(1)</script>", "Ops", "Tech"}, min_group_size=5, top=_top())
    text = explorer_json(tree, language="en", min_group_size=5, colors={"Ops": "#123456"})
    assert "<" not in text and ">" not in text and "&" not in text
    data = json.loads(text)
    assert data["departments"] == ["<script>alert(1)</script>", "Ops", "Tech"] and data["colors"][1] == "#123456"
    assert len(data["children"]) == len(data["id"]) == len(data["span"]) == len(tree)
    assert data["kind"] == {str(i): int(tree.kind[i]) for i in range(len(tree)) if tree.kind[i] != PERSON}
    assert data["via"] == [data["id"].index("T1")] and "name" not in data
    assert data["role"] == "Managing Director" and data["people"] == len(ROWS)
    for hidden in ["B1", *HIDDEN_IDS, "Legal", "Strategy", "Audit", "Board", "General Counsel", "Strategist"]:
        assert not re.search(rf'"{re.escape(hidden)}"', text), hidden
    assert text == json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c").replace(
        ">", "\\u003e").replace("&", "\\u0026")  # no spaces: compact


def test_the_explorers_texts_come_from_the_catalogue_in_both_languages():
    en, zh = explorer_strings("en", 5), explorer_strings("zh", 5)
    assert en["span"] == ["{n} direct report", "{n} direct reports"] and zh["span"] == ["直接下属 {n} 人"]
    assert en["person_title"] == ["{id} ({title})"] and zh["person_title"] == ["{id}（{title}）"]
    assert zh["search_placeholder"] == ["工号、职位或部门"] and zh["other"] == ["其他（小群体）"]
    assert zh["found"] == ["已在图中突出显示 {person}。"] and en["no_match"] == ["Nothing matches “{query}”."]
    assert set(en) == set(zh) and all(forms and all(forms) for forms in en.values())


def test_a_hundred_thousand_people_stay_a_few_megabytes():
    import numpy as np

    n = 100_000
    rng = np.random.default_rng(1)
    parent = np.concatenate([[-1], rng.integers(0, np.arange(1, n) // 8 + 1)])  # a bushy tree, ~8 reports each
    ids = np.array([f"E{i:06d}" for i in range(n)], dtype=object)
    dept = np.array([f"Dept {i % 40}" for i in range(n)], dtype=object)
    dept[rng.random(n) < 0.001] = "Tiny"
    people = pd.DataFrame({"employee_id": ids, "department": dept,
                           "manager_id": np.where(parent >= 0, ids[np.clip(parent, 0, None)], None),
                           "title": [f"Role {i % 300}" for i in range(n)]})
    tree = org_tree(people, {f"Dept {i}" for i in range(40)}, min_group_size=5)
    text = explorer_json(tree, language="en", min_group_size=5)
    assert len(text.encode()) < 3_000_000  # report.html must stay under 15 MB at this size
    shown = int((dept != "Tiny").sum())
    assert (tree.kind == PERSON).sum() == shown and tree.team[tree.kind == PERSON].max() == n - 1
    assert not set(tree.ids[tree.kind == PERSON]) & set(ids[dept == "Tiny"])


# ----------------------------------------------------------------------------------------- tables and vendoring
def test_table_cells_carry_numbers_to_sort_by():
    from orgkit.report.blocks import table

    frame = pd.DataFrame({"department": ["A", "B", "C"], "people": [1234, 9, None], "share": [0.125, 0.5, 0.0]})
    markup = table(frame, formats={"share": "percent"}).markup
    assert '<td class="ok-num" data-sort="1234.0">1,234</td>' in markup
    assert '<td class="ok-num" data-sort="0.125">' in markup and 'data-sort="0.0"' in markup
    assert '<td class="ok-num ok-na">–</td>' in markup  # a missing value has nothing to sort by
    assert 'data-scroll-hint="Scroll sideways for more columns"' in markup and '<table class="ok-table">' in markup


def test_d3_is_vendored_once_with_its_licence_and_version():
    vendor = STATIC / "vendor"
    script = (vendor / "d3" / "d3.min.js").read_bytes()
    readme = (vendor / "README.md").read_text(encoding="utf-8")
    assert hashlib.sha256(script).hexdigest() in readme
    assert script.startswith(b"// https://d3js.org v7.9.0 ") and "| 7.9.0 |" in readme
    assert "Mike Bostock" in (vendor / "d3" / "LICENSE").read_text(encoding="utf-8")
    assert list(ROOT.joinpath("orgkit").rglob("d3*.js")) == [vendor / "d3" / "d3.min.js"]
    template = (STATIC.parent / "index.html.j2").read_text(encoding="utf-8")
    assert 'include_js("static/vendor/d3/d3.min.js")' in template and 'include_js("static/orgkit.js")' in template


# ----------------------------------------------------------------------------------------- whole reports
@pytest.fixture(scope="module")
def handmade_report(tmp_path_factory):
    """The hand-made organisation as a client folder (people only), reported in English."""
    from orgkit.report.run import run_client

    folder = tmp_path_factory.mktemp("handmade") / "handmade"
    folder.mkdir()
    _people().to_csv(folder / "people.csv", index=False)
    (folder / "client.yml").write_text("name: Handmade Ltd\nlanguage: en\nmin_group_size: 5\n", encoding="utf-8")
    return run_client(folder, tmp_path_factory.mktemp("handmade-reports"), progress=False)


def _explorer_data(html: str) -> dict:
    found = re.findall(r'<script\b[^>]*\bclass="ok-explorer-data"[^>]*>(.*?)</script>', html, re.S)
    assert len(found) == 1
    return json.loads(found[0])


def _loads_from_the_network(html: str) -> list[str]:
    """``src``/``href`` attributes and CSS ``url()`` that point to the web (links written as text do not count)."""
    attributes = re.findall(r"""\b(?:src|href|xlink:href|action|poster)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)""", html,
                            re.I)
    urls = re.findall(r"""url\(\s*["']?((?:https?:)?//[^)"']+)""", html, re.I)
    imports = re.findall(r"""@import\s+["']?((?:https?:)?//[^"';]+)""", html, re.I)
    return attributes + urls + imports


@pytest.mark.slow
def test_handmade_report_is_self_contained_and_shows_no_hidden_person(handmade_report):
    html = handmade_report.html.read_text(encoding="utf-8")
    assert _loads_from_the_network(html) == []
    assert html.count("https://d3js.org v7.9.0") == 1  # one copy of d3, inlined
    data = _explorer_data(html)
    assert data["lang"] == "en" and data["role"] == "Managing Director"
    assert data["departments"] == ["Ops", "Sales", "Tech"] and data["id"][0] == ""
    text = re.sub(r"<script\b.*?</script>", " ", html, flags=re.S)  # the page text, without d3's source
    for hidden in HIDDEN_IDS:
        assert hidden not in data["id"]
        assert not re.search(rf"(?<![\w-]){hidden}(?![\w-])", text), hidden
    for name in ("Legal", "Strategy", "Audit", "Board"):
        assert not re.search(rf"(?<![\w-]){name}(?![\w-])", html), name
    assert "B1" not in data["id"] and "name" not in data
    assert not any(n in html for n in _people()["name"])


@pytest.mark.slow
def test_sample_report_inlines_the_explorer_in_its_language(zh_report):
    html = zh_report.html.read_text(encoding="utf-8")
    assert _loads_from_the_network(html) == []
    data = _explorer_data(html)
    assert data["lang"] == "zh" and data["texts"]["hint"][0].startswith("点击管理者")
    assert data["role"] == "Chief Executive Officer" and data["id"][0] == ""
    people = pd.read_csv(zh_report.client_dir / "people.csv", dtype=str)
    small = people["department"].map(people["department"].value_counts()) < 5
    assert not set(people.loc[small, "employee_id"]) & set(data["id"])
    assert not set(people.loc[small, "department"]) & set(data["departments"])
    assert "交互式组织架构图" in html and "Explore the organisation" not in html


# ----------------------------------------------------------------------------------------- in the browser
_SLEEP = "new Promise(r => setTimeout(r, 400))"


def _click(browser, selector: str) -> None:
    browser.evaluate(f"document.querySelector({json.dumps(selector)})"
                     ".dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    browser.evaluate(_SLEEP)


def _search(browser, query: str) -> list[str]:
    """Type ``query`` in the explorer's search box and return the listed results' texts."""
    browser.evaluate(f"(() => {{ const i = document.querySelector('.ok-x-input'); i.value = {json.dumps(query)};"
                     " i.dispatchEvent(new Event('input')); })()")
    browser.evaluate(_SLEEP)
    return browser.evaluate("[...document.querySelectorAll('.ok-x-results li')].map(li => li.textContent)")


def _shown(browser) -> list[str]:
    """The ids of the explorer's nodes on screen ("" for the top by role and for pools)."""
    return browser.evaluate("[...document.querySelectorAll('.ok-x-node')].map(g => g.getAttribute('data-id') || '')")


def _column(browser, heading: str, column: int) -> list[str]:
    return browser.evaluate(f"[...document.getElementById({json.dumps(heading)}).nextElementSibling"
                            f".querySelectorAll('tbody tr')].map(r => r.cells[{column}].textContent)")


def _sort(browser, heading: str, column: int) -> str:
    """Click the header of ``column`` of the table after ``heading``; returns the header's ``aria-sort``."""
    return browser.evaluate(f"(() => {{ const th = document.getElementById({json.dumps(heading)}).nextElementSibling"
                            f".querySelectorAll('thead th')[{column}]; th.querySelector('button.ok-sort').click();"
                            " return th.getAttribute('aria-sort'); })()")


@pytest.mark.slow
@needs_chromium
def test_handmade_report_expands_searches_and_sorts_in_chromium(handmade_report):
    with chromium.Browser(timeout=90) as browser:
        browser.open(handmade_report.html)
        assert browser.evaluate("!!document.querySelector('.ok-explorer-live svg .ok-x-node')")
        # the top two layers: the top by role, the heads under it, the head of Tech beside the pool
        assert _shown(browser) == ["", "S01", "O1", "T1", ""]
        assert browser.evaluate("document.querySelector('.ok-x-node[data-i=\"0\"] .ok-x-label').textContent") == (
            "Managing Director")
        detail = browser.evaluate("document.querySelector('.ok-x-node[data-id=\"O1\"] .ok-x-detail').textContent")
        assert detail == "Ops · 3 direct reports · team of 6"
        assert browser.evaluate("document.querySelector('.ok-x-pool .ok-x-detail').textContent") == (
            "6 people, not shown one by one")
        # expand the head of Ops: their team appears, the auditor as a pool that does not open
        o1 = browser.evaluate("document.querySelector('.ok-x-node[data-id=\"O1\"]').getAttribute('data-i')")
        _click(browser, '.ok-x-node[data-id="O1"]')
        under = browser.evaluate(f"[...document.querySelectorAll('.ok-x-node[data-parent=\"{o1}\"]')]"
                                 ".map(g => g.getAttribute('data-id') || 'pool')")
        assert under == ["O2", "O6", "pool"]
        assert browser.evaluate(f"document.querySelector('.ok-x-node[data-id=\"O1\"]').getAttribute('aria-expanded')") == "true"
        pools = browser.evaluate("document.querySelectorAll('.ok-x-pool').length")
        browser.evaluate("document.querySelectorAll('.ok-x-pool')[1].dispatchEvent(new MouseEvent('click', {bubbles: true}))")
        browser.evaluate(_SLEEP)
        assert browser.evaluate("document.querySelectorAll('.ok-x-pool').length") == pools == 2
        # collapse again
        _click(browser, '.ok-x-node[data-id="O1"]')
        assert "O2" not in _shown(browser)
        # search an id below a collapsed manager: the way to them opens, they are highlighted
        assert _search(browser, "O4") == ["O4 (Analyst)Ops"]
        browser.evaluate("document.querySelector('.ok-x-input').dispatchEvent(new KeyboardEvent('keydown', "
                         "{key: 'Enter', bubbles: true}))")
        browser.evaluate(_SLEEP)
        assert {"O1", "O2", "O4"} <= set(_shown(browser))
        assert browser.evaluate("document.querySelector('.ok-x-hit').getAttribute('data-id')") == "O4"
        assert browser.evaluate("document.activeElement.getAttribute('data-id')") == "O4"
        # a department and a title find people; a hidden person is not found
        assert _search(browser, "tech")[0] == "T1 (Head of Tech)Tech"
        assert _search(browser, "Head of Sales") == ["S01 (Head of Sales)Sales"]
        assert _search(browser, "L2") == ["Nothing matches “L2”."]
        assert _search(browser, "counsel") == ["Nothing matches “counsel”."]
        # the departments table sorts by headcount as numbers, both ways, and by name
        assert _column(browser, "departments", 0) == ["Sales", "Ops", "Tech"]
        assert _sort(browser, "departments", 1) == "ascending"
        assert _column(browser, "departments", 1) == ["5", "6", "12"]
        assert _sort(browser, "departments", 1) == "descending"
        assert _column(browser, "departments", 0) == ["Sales", "Ops", "Tech"]
        assert _sort(browser, "departments", 0) == "ascending"
        assert _column(browser, "departments", 0) == ["Ops", "Sales", "Tech"]
        # keyboard: the sort control is a button, the chart's managers take Enter
        assert browser.evaluate("document.querySelector('th button.ok-sort').type") == "button"
        browser.evaluate("document.querySelector('.ok-x-node[data-id=\"S01\"]').dispatchEvent("
                         "new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}))")
        browser.evaluate(_SLEEP)
        assert "S07" in _shown(browser)
    assert browser.events.errors == []
    assert browser.events.network == []


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("width", [1280, 800])
def test_sample_report_in_chromium_never_clips(zh_report, width):
    with chromium.Browser(timeout=90, width=width, height=900) as browser:
        browser.open(zh_report.html)
        # nothing wider than the window: wide tables scroll inside their block, their key column in view
        assert browser.evaluate("document.documentElement.scrollWidth") <= width
        wide = browser.evaluate("[...document.querySelectorAll('.ok-table-wrap')].filter(w => w.scrollWidth > "
                                "w.clientWidth + 1).map(w => w.classList.contains('ok-overflows'))")
        assert all(wide)
        assert browser.evaluate("getComputedStyle(document.querySelector('table.ok-table td')).position") == "sticky"
        # the explorer in Chinese: the top by role, a click opens a team, a search opens the way to a person
        assert browser.evaluate("document.querySelector('.ok-x-input').placeholder") == "工号、职位或部门"
        first = browser.evaluate("document.querySelector('.ok-x-manager[data-id]').getAttribute('data-i')")
        before = len(_shown(browser))
        browser.evaluate(f"document.querySelector('.ok-x-node[data-i=\"{first}\"]')"
                         ".dispatchEvent(new MouseEvent('click', {bubbles: true}))")
        browser.evaluate(_SLEEP)
        children = browser.evaluate(f"document.querySelectorAll('.ok-x-node[data-parent=\"{first}\"]').length")
        assert children > 0 and len(_shown(browser)) == before + children
        hits = _search(browser, "E00044")
        assert hits[0].startswith("E00044（")
        browser.evaluate("document.querySelector('.ok-x-results li[role=option]').dispatchEvent("
                         "new MouseEvent('click', {bubbles: true}))")
        browser.evaluate(_SLEEP)
        assert browser.evaluate("document.querySelector('.ok-x-hit').getAttribute('data-id')") == "E00044"
        # a table sorts by a numeric column as numbers
        _sort(browser, "departments", 1)
        values = [int(v.replace(",", "")) for v in _column(browser, "departments", 1)]
        assert values == sorted(values) and len(values) >= 5
    assert browser.events.errors == []
    assert browser.events.network == []


@needs_chromium
def test_cells_sort_as_numbers_missing_values_last(tmp_path):
    """The table script on its own: text like "1,234", "12 %" and "−3" sorts as numbers, "–" stays last."""
    script = (STATIC / "orgkit.js").read_text(encoding="utf-8")
    rows = [("a", "1,234", ""), ("b", "12 %", ""), ("c", "\u22123", ""), ("d", "\u2013", ""), ("e", "9", "900")]
    body = "".join(f"<tr><td>{k}</td><td{f' data-sort={s}' if s else ''}>{v}</td></tr>" for k, v, s in rows)
    page = tmp_path / "table.html"
    page.write_text(f'<!doctype html><html lang="en"><body><div class="ok-table-wrap"><table class="ok-table">'
                    f"<thead><tr><th>Key</th><th>Value</th></tr></thead><tbody>{body}</tbody></table></div>"
                    f"<script>{script}</script></body></html>", encoding="utf-8")
    with chromium.Browser(timeout=60) as browser:
        browser.open(page)
        keys = "[...document.querySelectorAll('tbody tr')].map(r => r.cells[0].textContent).join('')"
        browser.evaluate("document.querySelectorAll('th button')[1].click()")
        assert browser.evaluate(keys) == "cbead"  # −3, 12, 900 (its data-sort), 1,234; the missing one last
        browser.evaluate("document.querySelectorAll('th button')[1].click()")
        assert browser.evaluate(keys) == "aebcd"
        assert browser.evaluate("document.querySelectorAll('th')[1].getAttribute('aria-sort')") == "descending"
        assert browser.evaluate("document.querySelectorAll('th')[0].hasAttribute('aria-sort')") is False
    assert browser.events.errors == [] and browser.events.network == []


@pytest.mark.slow
@needs_chromium
def test_in_print_the_explorer_gives_way_to_the_static_chart_and_tables_fit_the_page(zh_report):
    """Printed on A4 (about 694 CSS pixels between the margins) nothing is wider than the page, so Chromium
    need not shrink the whole report to fit, and the interactive chart is not printed."""
    with chromium.Browser(timeout=90, width=694, height=1000) as browser:
        browser.open(zh_report.html)
        browser.send("Emulation.setEmulatedMedia", {"media": "print"})
        assert browser.evaluate("document.documentElement.scrollWidth") <= 694
        assert browser.evaluate("getComputedStyle(document.querySelector('.ok-interactive')).display") == "none"
        assert browser.evaluate("getComputedStyle(document.getElementById('fig-org_chart')).display") != "none"
        assert browser.evaluate("getComputedStyle(document.querySelector('table.ok-table td')).position") == "static"
    assert browser.events.errors == [] and browser.events.network == []
