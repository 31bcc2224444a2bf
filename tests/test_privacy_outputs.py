"""Machine-readable outputs (metrics.json, summary.csv, logs, data warnings) never name a small group.

The client is the bundled sample with two IT people moved to a department of their own, "Tiny Secret
Team", which then appears in every file: people, communication (their ties), survey (their answers),
decisions (they raise and decide some) and responsibilities (an accountable role). A survey response
and a RACI row name departments that are not in people at all. None of these names may reach
metrics.json, summary.csv or a log line; ``orgkit validate --show-small-groups`` names them.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import orgkit
from orgkit.cli import main
from orgkit.data.loading import from_frames
from orgkit.batch.overview import build_overview
from orgkit.privacy import OTHER_GROUP, pool_names, scrub_names
from orgkit.data.sample import sample_client_path
from orgkit.data.summary import describe_client

TINY = "Tiny Secret Team"
GHOST_SURVEY = "Phantom Survey Unit"
GHOST_RACI = "Phantom Raci Desk"
#: The sample's own small departments (4 and 3 people) and the ones added here.
SECRET = (TINY, GHOST_SURVEY, GHOST_RACI, "Legal", "Executive Office")


def _tiny_client(folder: Path) -> list[str]:
    shutil.copytree(sample_client_path(), folder)
    people = pd.read_csv(folder / "people.csv", dtype=str, keep_default_na=False)
    moved = people.index[people["department"] == "IT"][-2:]
    people.loc[moved, "department"] = TINY
    people.to_csv(folder / "people.csv", index=False)
    ids = list(people.loc[moved, "employee_id"])
    survey = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)
    survey.loc[survey["respondent_id"].isin(ids), "department"] = TINY
    ghost = survey.iloc[:1].assign(respondent_id="", department=GHOST_SURVEY)
    pd.concat([survey, ghost]).to_csv(folder / "survey.csv", index=False)
    raci = pd.read_csv(folder / "responsibilities.csv", dtype=str, keep_default_na=False)
    extra = pd.DataFrame({"responsibility": ["Pricing", "Vendor selection"], "department": [TINY, GHOST_RACI],
                          "role": ["A", "R"]})
    pd.concat([raci, extra]).to_csv(folder / "responsibilities.csv", index=False)
    decisions = pd.read_csv(folder / "decisions.csv", dtype=str, keep_default_na=False)
    decisions.loc[:3, "initiator_id"] = ids[0]
    decisions.loc[4:6, "decider_id"] = ids[1]
    decisions.to_csv(folder / "decisions.csv", index=False)
    return ids


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("privacy") / "tiny-client"
    _tiny_client(folder)
    return folder


def _leaks(text: str) -> list[str]:
    return [name for name in SECRET if name in text]


def test_the_client_really_mentions_the_small_groups(tiny):
    client = orgkit.load_client(tiny)
    assert client.department_sizes()[TINY] == 2
    assert (client.survey["department"] == TINY).any() and (client.survey["department"] == GHOST_SURVEY).any()
    assert (client.responsibilities["department"] == TINY).any()
    # the analyses' own tables still know them (the notebook's working data), so the test can fail
    result = orgkit.assess(client)
    assert TINY in set(result.communication.departments["department"])
    assert TINY in result.survey.suppressed_groups


def test_metrics_json_and_logs_name_no_small_group(tiny, caplog):
    caplog.set_level(logging.DEBUG, logger="orgkit")
    client = orgkit.load_client(tiny)
    data = orgkit.assess(client).to_dict()
    text = json.dumps(data, ensure_ascii=False)
    assert _leaks(text) == []
    assert _leaks(caplog.text) == [] and "have fewer than 5 people" in caplog.text  # the warning was logged
    # pooled, and counted instead of named
    other = data["communication"]["departments"][OTHER_GROUP]
    assert other == {"size": None, "suppressed": True, "departments": 3}
    assert data["survey"]["suppressed_groups"] == 4  # Legal, Executive Office, the tiny team, the ghost
    assert data["data"]["departments_below_min_group_size"] == 3
    assert OTHER_GROUP in data["structure"]["raci"]["overlaps"][0]["departments"]
    # the tiny team's job titles (IT Specialist) place it in IT: it is mapped, and pooled in the mapping
    assert data["structure"]["unmapped_departments"] == []
    assert data["structure"]["mapping"][-1] == {"department": OTHER_GROUP, "departments": 3}
    codes = {w["code"]: w["message"] for w in data["data"]["warnings"]}
    assert codes["small_department"].startswith("3 departments have fewer than 5 people")
    assert "unknown_department" in codes


def test_data_warnings_carry_the_names_separately(tiny):
    client = orgkit.load_client(tiny)
    by_code = {}
    for w in client.warnings:
        by_code.setdefault(w.code, []).append(w)
    small = by_code["small_department"][0]
    assert set(small.groups) == {"Legal", "Executive Office", TINY} and small.count == 3
    assert _leaks(small.message) == [] and _leaks(str(small)) == []
    assert {g for w in by_code["unknown_department"] for g in w.groups} == {GHOST_SURVEY, GHOST_RACI}
    assert all(_leaks(w.message) == [] for w in client.warnings)


def test_cli_assess_and_validate(tiny, tmp_path):
    out = tmp_path / "metrics.json"
    p = subprocess.run([sys.executable, "-m", "orgkit", "-vv", "assess", str(tiny), "-o", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "INFO orgkit" in p.stderr  # logging was on
    assert _leaks(p.stdout + p.stderr) == []
    assert _leaks(out.read_text(encoding="utf-8")) == []
    printed = CliRunner().invoke(main, ["assess", str(tiny)])
    assert printed.exit_code == 0 and _leaks(printed.output) == []
    plain = CliRunner().invoke(main, ["validate", str(tiny)])
    assert plain.exit_code == 0 and _leaks(plain.output) == []
    assert "--show-small-groups" in plain.output
    shown = CliRunner().invoke(main, ["validate", "--show-small-groups", str(tiny)])
    assert shown.exit_code == 0 and set(_leaks(shown.output)) == set(SECRET)


def test_summary_csv_names_no_small_group(tiny, tmp_path):
    reports = tmp_path / "reports"
    (reports / "tiny-client").mkdir(parents=True)
    orgkit.assessment.write_metrics(orgkit.assess(orgkit.load_client(tiny)), reports / "tiny-client" / "metrics.json")
    paths = build_overview(reports)
    table = pd.read_csv(paths.summary_csv, encoding="utf-8-sig")
    assert table.loc[0, "people"] == 150
    assert _leaks(paths.summary_csv.read_text(encoding="utf-8-sig")) == []
    assert _leaks(paths.index_html.read_text(encoding="utf-8")) == []


def _one_small_department():
    # A 10, B 6, C 2: C alone hidden would be 18 - 10 - 6; B is hidden with it
    depts = ["A"] * 10 + ["B"] * 6 + ["C"] * 2
    ids = [f"p{i}" for i in range(len(depts))]
    people = pd.DataFrame({"employee_id": ids, "department": depts, "manager_id": [""] + ["p0"] * (len(ids) - 1)})
    comm = pd.DataFrame({"source_id": ids, "target_id": ids[1:] + ids[:1]})
    return from_frames(people, communication=comm, settings={"min_group_size": 5})


def test_complementary_suppression_holds_in_metrics_json():
    data = orgkit.assess(_one_small_department()).to_dict()
    departments = data["communication"]["departments"]
    assert set(departments) == {"A", "B", OTHER_GROUP}
    assert departments["B"] == {"size": None, "suppressed": True}
    assert departments[OTHER_GROUP] == {"size": None, "suppressed": True, "departments": 1}
    shown = sum(v["size"] for v in departments.values() if v["size"] is not None)
    assert data["client"]["people"] - shown == 8  # C and B together: 2 groups, at least 5 people
    assert '"C"' not in json.dumps(data)


def test_validate_hides_the_size_that_would_give_a_small_group_away():
    text = describe_client(_one_small_department())
    lines = {line.split()[0]: line.split()[-1] for line in text.splitlines() if line.startswith("    ")
             and line.split()[0] in ("A", "B", "C")}
    assert lines == {"A": "10", "B": "hidden"}
    assert "    C " in describe_client(_one_small_department(), show_small_groups=True)


def test_pool_and_scrub_names():
    assert pool_names(["X", "small", "Y", "tiny"], {"X", "Y"}) == ["X", "Y", OTHER_GROUP]
    assert pool_names(["X"], {"X"}) == ["X"] and pool_names([], set()) == []
    assert scrub_names("IT and ITEMS, (IT)", ["IT"]) == f"{OTHER_GROUP} and ITEMS, ({OTHER_GROUP})"
    assert scrub_names("研发 部门", ["研发"]) == f"{OTHER_GROUP} 部门"
    assert scrub_names("nothing", []) == "nothing"
