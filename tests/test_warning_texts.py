"""Loader warnings are catalogue texts: every warning names a key both catalogues have, its English
``message`` is its English text, and a Chinese report shows each one in Chinese."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT
from orgkit import load_client
from orgkit.report import blocks as display
from orgkit.data.client import DataWarning
from orgkit.i18n import keys
from test_i18n import _english_runs

LOADERS = [ROOT / "orgkit" / "data" / name for name in ("loading.py", "reading.py", "dates.py")]
PEOPLE = """\
employee_id,department,manager_id
E1,Sales,
E2,Sales,E1
E3,R&D,E1
E4,R&D,E3
E5,R&D,E3
"""


def _calls(text: str, opener: str) -> list[str]:
    """The source text of every call ``opener(...)``, parentheses balanced."""
    out = []
    for m in re.finditer(re.escape(opener) + r"\(", text):
        depth, i = 0, m.end() - 1
        while True:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            if depth == 0:
                break
            i += 1
        out.append(text[m.start():i + 1])
    return out


def test_every_warning_names_a_key_of_both_catalogues():
    both = keys("en") & keys("zh")
    calls, literals = [], set()
    for path in LOADERS:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"DataWarning\((?!\))", text.replace("DataWarning.make(", "")), \
            f"{path.name}: build warnings with DataWarning.make(code, file, key, ...)"
        calls += _calls(text, "out.warn") + _calls(text, "DataWarning.make")
        literals |= set(re.findall(r"[\"'](warning\.[\w.]+)[\"']", text))
    assert len(calls) >= 29
    calls.remove("DataWarning.make(code, file, key, count, groups, **values)")  # out.warn itself
    for call in calls:
        # the third argument: a key, a choice between keys, or _drop_unknown's ``key`` (its keys are literals)
        third = re.match(r"[\w.]+\(\s*\"\w+\",\s*\w+,\s*(\"warning\.[\w.]+\"|key\b)", call)
        assert third, call
    assert literals and sorted(literals - both) == []
    assert {"warning.unknown_people_dropped", "warning.unknown_deciders_dropped"} <= literals


def _load(folder: Path, files: dict[str, str | bytes]):
    folder.mkdir(parents=True)
    for name, content in files.items():
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            (folder / name).write_text(textwrap.dedent(content), encoding="utf-8")
    return load_client(folder)


def _workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["read me"])
    staff = wb.create_sheet("Staff")
    for row in PEOPLE.splitlines():
        staff.append(row.split(","))
    wb.active = 1
    wb.save(path)


@pytest.fixture(scope="module")
def bad_warnings(tmp_path_factory) -> list[DataWarning]:
    """The warnings of a set of small bad inputs, one folder each."""
    tmp = tmp_path_factory.mktemp("bad")
    out = []
    inputs = {
        "people": {"people.csv": "employee_id,department,manager_id\nA,x,\nB,x,A\nC,x,ZZ\nD,x,D\n"},
        "communication": {"people.csv": PEOPLE,
                          "communication.csv": "source_id,target_id\nE1,E2\nE1,Q9\nE2,E2\nE3,E4\n"},
        "dates": {"people.csv": PEOPLE, "decisions.csv": """\
            decision_id,decision_type,initiator_id,decider_id,raised_at,decided_at
            D1,budget,E4,E1,01/03/2025 09:00,02/03/2025 13:48
            D2,budget,E4,E1,25/03/2025 14:00,26/03/2025 18:48
            """},
        "columns": {"people.csv": "ID,Staff ID,department,manager_id\n1,E10,Sales,\n2,E11,Sales,E10\n3,E12,Sales,E11\n"},
        "encoding": {"people.csv": "employee_id,department,name\n1,Sales,Müller\n2,Sales,José Núñez\n3,Sales,Zoë\n"
                                   "4,Sales,Strauß\n5,Sales,Ann\n".encode("latin-1")},
        "empty_survey": {"people.csv": PEOPLE, "survey.csv": "respondent_id,rc1,rc2\nE1,,\nE2,,\nE3,,\n"},
        "survey": {"people.csv": PEOPLE, "survey.csv": "respondent_id,rc1,rc2,rc3\nE1,4,,\nE2,,,\nE3,5,2,\nE4,,1,\n"},
        "approvers": {"people.csv": PEOPLE, "decisions.csv": """\
            decision_id,decision_type,initiator_id,decider_id,approvers
            D1,budget,E4,E1,E3/Q7
            D2,budget,E4,E1,Q7、Z9
            D3,budget,E4,E1,E3、E2
            D4,budget,X1,E1,Q8
            """},
    }
    for name, files in inputs.items():
        out += _load(tmp / name, files).warnings
    _workbook(tmp / "sheet.xlsx")
    folder = tmp / "sheet"
    folder.mkdir()
    (tmp / "sheet.xlsx").rename(folder / "people.xlsx")
    out += load_client(folder).warnings
    return out


def test_bad_inputs_give_every_kind_of_warning(bad_warnings):
    assert {w.code for w in bad_warnings} >= {
        "unknown_manager", "self_manager", "several_tops", "unknown_people_dropped", "self_messages_dropped",
        "small_department", "date_order_detected", "column_chosen", "encoding_detected", "sheet_chosen",
        "empty_survey", "empty_survey_item", "unanswered_responses_dropped"}
    keys_seen = {w.key for w in bad_warnings}
    assert {"warning.unknown_approvers_dropped", "warning.unknown_deciders_dropped"} <= keys_seen


def test_each_warning_reads_in_chinese_and_its_message_is_the_english_text(bad_warnings):
    for w in bad_warnings:
        assert w.key, w
        assert w.message == w.text("en")
        zh = w.text("zh")
        assert re.search("[\u3400-\u9fff]", zh), zh
        assert _english_runs(zh) == [], zh
        assert "(s)" not in zh and ". " not in zh and not zh.endswith("."), zh
        markup = display.data_quality([w], language="zh").markup
        assert zh.split("“")[0] in markup and w.message not in markup


def test_warning_texts_by_hand():
    w = DataWarning.make("self_manager", "people.csv", "warning.self_manager", 2, n=2,
                         rows={"rows": [3, 5], "total": 2})
    assert w.message == ("2 people are listed as their own manager (rows 3, 5); they are treated as top "
                         "of the organisation.")
    assert w.text("zh") == "2 人的管理者是其本人（第 3、5 行），已视为组织的最高层。"
    one = DataWarning.make("self_manager", "people.csv", "warning.self_manager", 1, n=1,
                           rows={"rows": [4], "total": 1})
    assert one.message.startswith("1 person is listed as their own manager (row 4);")  # singular
    assert one.text("zh").startswith("1 人的管理者是其本人（第 4 行）")
    many = DataWarning.make("duplicate_rows", "people.csv", "warning.duplicate_rows", 12, n=12,
                            rows={"rows": [2, 3], "total": 12})
    assert "(rows 2, 3 and 10 more)" in many.message
    assert "（第 2、3 行及另外 10 行）" in many.text("zh")
    # a warning built without a key (a caller's own) shows its message in every language
    own = DataWarning("mine", "x.csv", "Something odd.", 1)
    assert own.text("zh") == "Something odd."
    assert "Something odd." in display.data_quality([own], language="zh").markup
