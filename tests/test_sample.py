"""Tests of the synthetic client generator (orgkit.data.sample).

Structure is checked with networkx, computed independently of the generator's own arrays.
"""

from __future__ import annotations

import errno
import re
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import yaml

from orgkit.errors import ConfigError, OutputError
from orgkit.data.sample import SAMPLE_PARAMETERS, generate_client, is_sample_folder, sample_client_path

FILES = ("client.yml", "people.csv", "communication.csv", "survey.csv", "survey_items.csv", "survey_previous.csv",
         "decisions.csv", "responsibilities.csv")
MID_DEPARTMENTS = {"Sales", "Marketing", "Customer Service", "Technical Support", "Product", "R&D", "Operations",
                   "Finance", "HR", "IT"}
CJK = re.compile(r"[\u4e00-\u9fff]")


# ------------------------------------------------------------------------------------------- helpers


def read(folder: Path, table: str) -> pd.DataFrame:
    """A generated CSV as plain strings (blank stays blank), independent of the loader."""
    return pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False, encoding="utf-8")


def reporting_graph(people: pd.DataFrame) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(people["employee_id"])
    has = people["manager_id"] != ""
    g.add_edges_from(zip(people.loc[has, "manager_id"], people.loc[has, "employee_id"]))
    return g


def layer_count(people: pd.DataFrame) -> int:
    g = reporting_graph(people)
    root = people.loc[people["manager_id"] == "", "employee_id"].item()
    return max(nx.single_source_shortest_path_length(g, root).values()) + 1


def mean_span(people: pd.DataFrame) -> float:
    managers = people.loc[people["manager_id"] != "", "manager_id"].nunique()
    return (len(people) - 1) / managers


def clean_communication(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    people = read(folder, "people")
    comm = read(folder, "communication")
    dept = dict(zip(people["employee_id"], people["department"]))
    ok = comm["source_id"].isin(dept) & comm["target_id"].isin(dept) & (comm["source_id"] != comm["target_id"])
    return comm, comm[ok], dept


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Generate (and cache) a client per argument set for the whole module."""
    cache: dict[tuple, Path] = {}

    def make(employees=150, stage=None, seed=0, language="en") -> Path:
        key = (employees, stage, seed, language)
        if key not in cache:
            cache[key] = generate_client(
                tmp_path_factory.mktemp("client"), employees=employees, stage=stage, seed=seed, language=language
            )
        return cache[key]

    return make


# ------------------------------------------------------------------------------------------- people


@pytest.mark.parametrize("employees,stage,language", [
    (2, None, "en"), (30, None, "en"), (150, "mid", "en"), (150, "mid", "zh"), (400, "large", "en"),
    (1200, None, "zh"), (60, "startup", "en"),
])
def test_people_is_a_tree(made, employees, stage, language):
    people = read(made(employees, stage, 0, language), "people")
    g = reporting_graph(people)
    assert people["employee_id"].is_unique
    assert set(people.loc[people["manager_id"] != "", "manager_id"]) <= set(people["employee_id"])
    assert (people["manager_id"] == "").sum() == 1  # one top
    assert nx.is_arborescence(g)  # connected, no cycles, one parent each


@pytest.mark.parametrize("employees", [2, 3, 7, 19, 49, 50, 333])
def test_requested_headcount(made, employees):
    people = read(made(employees), "people")
    assert len(people) == employees
    assert people["employee_id"].str.fullmatch(r"E\d{5}").all()


@pytest.mark.parametrize("employees,expected", [(2, "startup"), (49, "startup"), (50, "mid"), (999, "mid"),
                                                (1000, "large")])
def test_stage_derived_from_headcount(made, employees, expected):
    settings = yaml.safe_load((made(employees) / "client.yml").read_text(encoding="utf-8"))
    assert settings == {"name": f"Sample Co ({employees})", "stage": expected, "language": "en",
                        "min_group_size": 5}


def test_stage_fit_startup(made):
    people = read(made(40), "people")
    assert 2 <= layer_count(people) <= 4
    departments = set(people["department"])
    assert {"Sales & Marketing", "Product & Engineering", "Operations & Finance"} <= departments
    assert not departments & MID_DEPARTMENTS  # merged functions, not separate departments


def test_stage_fit_mid(made):
    people = read(made(150, "mid"), "people")
    assert 4 <= layer_count(people) <= 6
    assert 4.5 <= mean_span(people) <= 8.5  # "about 5 to 8"
    assert set(people["department"]) == MID_DEPARTMENTS | {"Executive Office", "Legal"}


def test_stage_fit_mid_at_the_thresholds(made):
    for employees in (50, 999):
        people = read(made(employees), "people")
        assert 4 <= layer_count(people) <= 6, employees


def test_stage_fit_large_20000(tmp_path):
    start = time.perf_counter()
    folder = generate_client(tmp_path / "big", employees=20_000, seed=3)
    seconds = time.perf_counter() - start
    assert seconds < 15  # 100,000 people take about 3.5 s on the 2-core reference machine
    people = read(folder, "people")
    assert len(people) == 20_000
    assert yaml.safe_load((folder / "client.yml").read_text())["stage"] == "large"
    assert 6 <= layer_count(people) <= 9
    departments = set(people["department"])
    assert {"Sales - North", "Sales - South", "R&D - Platform", "Production - Plant A"} <= departments
    # Department heads report to a division head, who reports to the CEO.
    ceo = people.loc[people["manager_id"] == "", "employee_id"].item()
    exec_office = people[people["department"] == "Executive Office"]
    division_heads = set(exec_office.loc[exec_office["title"].str.fullmatch(r"Chief \w+ Officer") &
                                         (exec_office["manager_id"] == ceo), "employee_id"])
    heads = people[people["title"].str.startswith("Head of ")]
    assert len(division_heads) == 4
    assert heads["manager_id"].isin(division_heads).all()
    comm, clean, _ = clean_communication(folder)
    assert 9.0 <= len(comm) / len(people) <= 11.0


def test_small_department_exists(made):
    for employees, stage, small in ((30, None, "People & Legal"), (150, "mid", "Legal"), (1000, None, "Legal")):
        sizes = read(made(employees, stage), "people")["department"].value_counts()
        assert sizes[small] < 5, (employees, small)


def test_managers_with_a_single_report(made):
    people = read(made(150, "mid", 7), "people")
    reports = people.loc[people["manager_id"] != "", "manager_id"].value_counts()
    assert (reports == 1).sum() >= 2


def test_people_columns_and_values(made):
    people = read(made(150, "mid", 7), "people")
    assert list(people.columns) == ["employee_id", "name", "department", "manager_id", "title", "level",
                                    "location", "hire_date"]
    assert people["level"].isin([f"L{i}" for i in range(1, 8)]).all()
    assert pd.to_datetime(people["hire_date"], format="%Y-%m-%d").is_monotonic_increasing  # ids follow hiring
    ceo = people[people["manager_id"] == ""]
    assert ceo["title"].item() == "Chief Executive Officer"
    # Titles match the structure: whoever has reports is not titled as an individual contributor.
    managers = set(people["manager_id"]) - {""}
    ic_titles = {"Software Engineer", "Account Executive", "Accountant", "HR Specialist"}
    assert not people.loc[people["employee_id"].isin(managers), "title"].isin(ic_titles).any()


def test_zh_uses_chinese_names(made):
    folder = made(150, "mid", 0, "zh")
    people = read(folder, "people")
    departments = set(people["department"])
    assert all(CJK.search(d) for d in departments)
    assert {"销售部", "研发中心", "财务部", "人力资源部", "法务部"} <= departments
    assert people["name"].map(lambda s: bool(CJK.fullmatch(s[0]))).all()
    assert all(CJK.search(t) for t in set(people["title"]))
    assert yaml.safe_load((folder / "client.yml").read_text(encoding="utf-8"))["name"].startswith("示例公司")
    assert read(folder, "survey")["department"].isin(departments).all()
    assert all(CJK.search(r) for r in read(folder, "responsibilities")["responsibility"])


def test_zh_large_has_regional_units(made):
    departments = set(read(made(1200, None, 0, "zh"), "people")["department"])
    assert {"华东销售部", "华南销售部", "华北销售部"} <= departments


# ------------------------------------------------------------------------------------------- determinism


def test_same_seed_gives_identical_bytes(tmp_path):
    a = generate_client(tmp_path / "a", employees=300, seed=11, language="zh")
    b = generate_client(tmp_path / "b", employees=300, seed=11, language="zh")
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_different_seed_differs(tmp_path):
    a = generate_client(tmp_path / "a", employees=300, seed=11)
    b = generate_client(tmp_path / "b", employees=300, seed=12)
    for name in ("people.csv", "communication.csv", "survey.csv", "decisions.csv"):
        assert (a / name).read_bytes() != (b / name).read_bytes(), name


def test_bundled_sample_matches_the_generator(tmp_path):
    bundled = sample_client_path()
    fresh = generate_client(tmp_path / "fresh", **SAMPLE_PARAMETERS)
    for name in FILES:
        assert (bundled / name).read_bytes() == (fresh / name).read_bytes(), (
            f"{name} differs: regenerate with generate_client(sample_client_path(), overwrite=True, "
            f"**SAMPLE_PARAMETERS)"
        )
    assert sum(p.stat().st_size for p in bundled.iterdir()) < 1_000_000


# ------------------------------------------------------------------------------------------- communication


def test_about_ten_rows_per_person_and_dirty_rows(made):
    folder = made(500)
    comm, clean, dept = clean_communication(folder)
    assert 9.0 <= len(comm) / 500 <= 11.0
    assert list(comm.columns) == ["source_id", "target_id", "weight", "channel", "timestamp"]
    self_rows = (comm["source_id"] == comm["target_id"]).sum()
    unknown = (~comm["source_id"].isin(dept) | ~comm["target_id"].isin(dept)).sum()
    assert 1 <= self_rows <= 3
    assert 1 <= unknown <= 3
    assert set(comm["weight"]) == {"1"}
    assert set(comm["channel"]) == {"email", "chat", "meeting"}
    when = pd.to_datetime(comm["timestamp"], format="%Y-%m-%dT%H:%M:%S")
    assert (when.max() - when.min()) > pd.Timedelta(days=80)
    assert clean.duplicated(["source_id", "target_id"]).any()  # repeated pairs aggregate


def test_department_preference_silo_and_brokers(made):
    folder = made(2000)
    _, clean, dept = clean_communication(folder)
    source_dept = clean["source_id"].map(dept)
    outside = source_dept != clean["target_id"].map(dept)
    assert 0.65 <= 1 - outside.mean() <= 0.85
    share_out = outside.groupby(source_dept).mean()
    big = share_out[pd.Series(dept).value_counts()[share_out.index] >= 5]
    silos = big[big < 0.05]
    assert len(silos) == 1  # one deliberate silo; every other department talks outside
    assert (big.drop(silos.index) > 0.12).all()
    # Brokers: people outside the Executive Office with many more cross-department rows than is usual.
    crossing = pd.concat([clean.loc[outside, "source_id"], clean.loc[outside, "target_id"]]).value_counts()
    crossing = crossing[crossing.index.map(dept) != "Executive Office"]
    assert (crossing >= 4 * crossing.median()).sum() >= 3


# ------------------------------------------------------------------------------------------- survey


def test_survey_values_items_and_response_rate(made):
    folder = made(400)
    survey = read(folder, "survey")
    items = read(folder, "survey_items")
    questionnaire = pd.read_csv(Path(__file__).resolve().parents[1] / "orgkit" / "resources" / "questionnaire.csv",
                                dtype=str)
    assert list(items.columns) == ["item", "dimension", "reverse"]
    assert items["item"].tolist() == questionnaire["item"].tolist()
    assert items["dimension"].tolist() == questionnaire["dimension"].tolist()
    assert list(survey.columns) == ["respondent_id", "department"] + items["item"].tolist()
    values = survey[items["item"]]
    cells = set(np.unique(values.to_numpy()))
    assert cells == {"", "1", "2", "3", "4", "5"}
    missing = (values == "").to_numpy().mean()
    assert 0.005 <= missing <= 0.04
    assert 0.70 <= len(survey) / 400 <= 0.85
    assert survey["respondent_id"].is_unique
    people = read(folder, "people")
    assert survey["respondent_id"].isin(people["employee_id"]).all()
    assert (survey["respondent_id"].map(dict(zip(people["employee_id"], people["department"])))
            == survey["department"]).all()


def test_survey_responds_to_conditions(made):
    folder = made(3000)
    survey = pd.read_csv(folder / "survey.csv")
    items = read(folder, "survey_items")
    people = read(folder, "people")
    scored = survey[items["item"]].astype(float)
    for item in items.loc[items["reverse"] == "true", "item"]:
        scored[item] = 6 - scored[item]
    dim = {d: scored[items.loc[items["dimension"] == d, "item"]].mean(axis=1) for d in items["dimension"].unique()}
    # The silo (the department with almost no outside ties) scores lower on communication.
    _, clean, dept = clean_communication(folder)
    outside = clean["source_id"].map(dept) != clean["target_id"].map(dept)
    silo = outside.groupby(clean["source_id"].map(dept)).mean().idxmin()
    in_silo = survey["department"] == silo
    assert dim["communication"][in_silo].mean() < dim["communication"][~in_silo].mean() - 0.4
    # Reverse-worded items are answered reversed: raw answers correlate negatively with the forward items.
    raw = survey[items["item"]].astype(float)
    for d in items["dimension"].unique():
        fwd = items.loc[(items["dimension"] == d) & (items["reverse"] == "false"), "item"]
        rev = items.loc[(items["dimension"] == d) & (items["reverse"] == "true"), "item"]
        for r in rev:
            assert raw[r].corr(raw[fwd].mean(axis=1)) < -0.2, (d, r)
    # People far from the top score lower on decision speed.
    root = people.loc[people["manager_id"] == "", "employee_id"].item()
    depth = nx.single_source_shortest_path_length(reporting_graph(people), root)
    layer = survey["respondent_id"].map(depth)
    speed = dim["decision_speed"]
    known = speed.notna()
    slope = np.polyfit(layer[known], speed[known], 1)[0]
    assert slope < -0.05


# ------------------------------------------------------------------------------------------- decisions


def test_decisions_follow_the_hierarchy(made):
    folder = made(900)
    people = read(folder, "people")
    decisions = read(folder, "decisions")
    g = reporting_graph(people)
    dept = dict(zip(people["employee_id"], people["department"]))
    assert len(decisions) == 300
    assert decisions["decision_id"].tolist() == [f"D{i:04d}" for i in range(1, 301)]
    assert set(decisions["decision_type"]) == {"budget", "hiring", "pricing", "product", "process", "vendor"}
    ancestor = [nx.has_path(g, d, i) and d != i for d, i in zip(decisions["decider_id"], decisions["initiator_id"])]
    ancestor = pd.Series(ancestor, index=decisions.index)
    same_dept = decisions["initiator_id"].map(dept) == decisions["decider_id"].map(dept)
    assert ancestor[same_dept].all()
    assert (~ancestor).sum() >= 3  # some cross-department decisions
    assert (~ancestor & same_dept).sum() == 0
    # Approvers of in-line decisions are on the path, strictly between initiator and decider, in order.
    for _, row in decisions[ancestor & (decisions["approvers"] != "")].iterrows():
        path = nx.shortest_path(g, row["decider_id"], row["initiator_id"])[::-1]
        approvers = row["approvers"].split(";")
        positions = [path.index(a) for a in approvers]
        assert positions == sorted(positions) and 0 < min(positions) and max(positions) < len(path) - 1
    # Budget and hiring go higher up than the rest.
    hops = pd.Series([nx.shortest_path_length(g, d, i) if a else np.nan for d, i, a in
                      zip(decisions["decider_id"], decisions["initiator_id"], ancestor)])
    high = decisions["decision_type"].isin(["budget", "hiring"])
    assert hops[high].mean() > hops[~high].mean() + 0.5


def test_decision_latency_grows_with_approvals(made):
    decisions = read(made(3000), "decisions")
    done = decisions[decisions["decided_at"] != ""]
    raised = pd.to_datetime(done["raised_at"], format="%Y-%m-%dT%H:%M:%S")
    decided = pd.to_datetime(done["decided_at"], format="%Y-%m-%dT%H:%M:%S")
    assert (decided > raised).all()
    assert decided.dt.hour.between(8, 18).all()  # working hours
    n_approvers = done["approvers"].map(lambda s: 0 if s == "" else s.count(";") + 1)
    latency = (decided - raised).dt.total_seconds()
    assert latency[n_approvers >= 2].median() > 2 * latency[n_approvers == 0].median()
    assert (decisions["decided_at"] == "").any()  # some still open


# ------------------------------------------------------------------------------------------- responsibilities


@pytest.mark.parametrize("employees,language", [(30, "en"), (150, "en"), (1000, "zh")])
def test_raci_has_exactly_the_deliberate_problems(made, employees, language):
    folder = made(employees, None, 0, language)
    raci = read(folder, "responsibilities")
    assert list(raci.columns) == ["responsibility", "department", "role"]
    assert set(raci["role"]) == {"R", "A", "C", "I"}
    assert raci["department"].isin(set(read(folder, "people")["department"])).all()
    counts = raci.groupby("responsibility")["role"].value_counts().unstack(fill_value=0)
    assert 18 <= len(counts) <= 22
    no_a = counts.index[counts["A"] == 0].tolist()
    two_a = counts.index[counts["A"] >= 2].tolist()
    no_r = counts.index[counts["R"] == 0].tolist()
    assert len(no_a) == 1 and len(two_a) == 1 and len(no_r) == 1
    assert len(set(no_a + two_a + no_r)) == 3
    accountable = raci[(raci["responsibility"] == two_a[0]) & (raci["role"] == "A")]["department"]
    assert accountable.nunique() == len(accountable) == 2  # in different departments
    assert not raci.duplicated().any()


# ------------------------------------------------------------------------------------------- loader


def test_loader_accepts_the_generated_folder(made):
    loading = pytest.importorskip("orgkit.data.loading")
    for args in ((150, "mid", 7, "en"), (300, None, 1, "zh"), (2, None, 0, "en")):
        client = loading.load_client(made(*args))
        assert client.n_people == args[0]
        codes = {w.code for w in client.warnings}
        assert {"self_messages_dropped", "unknown_people_dropped"} <= codes
        assert 1 <= client.dropped["communication"]["self_rows"] <= 3
        assert 1 <= client.dropped["communication"]["unknown_people"] <= 3
        assert client.survey is not None and client.decisions is not None and client.responsibilities is not None
        if args[0] >= 20:
            assert "small_department" in codes


def test_bundled_sample_loads(made):
    loading = pytest.importorskip("orgkit.data.loading")
    client = loading.load_client(sample_client_path())
    assert client.name == "Sample Co (150)" and client.settings.stage == "mid"
    assert client.n_people == 150


# ------------------------------------------------------------------------------------------- arguments


@pytest.mark.parametrize("kwargs,fragment", [
    ({"employees": 1}, "at least 2. Got 1"),
    ({"employees": 2.5}, "Got 2.5"),
    ({"employees": True}, "Got True"),
    ({"employees": "10"}, "Got '10'"),
    ({"stage": "huge"}, "['startup', 'mid', 'large']"),
    ({"language": "fr"}, "['en', 'zh']. Got 'fr'"),
    ({"seed": -1}, "Got -1"),
])
def test_bad_arguments_raise_config_error(tmp_path, kwargs, fragment):
    with pytest.raises(ConfigError) as info:
        generate_client(tmp_path / "x", **kwargs)
    assert fragment in str(info.value)
    assert not (tmp_path / "x").exists()  # nothing written


def test_refuses_a_non_empty_folder_it_did_not_write_even_with_overwrite(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    (tmp_path / "people.csv").write_text("employee_id,department\nE1,Sales\n")
    for overwrite in (False, True):
        with pytest.raises(OutputError, match="not empty and is not a sample folder orgkit wrote"):
            generate_client(tmp_path, employees=10, overwrite=overwrite)
    assert (tmp_path / "people.csv").read_text() == "employee_id,department\nE1,Sales\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "people.csv"]


def test_rewrites_its_own_sample_only_with_overwrite_and_keeps_other_files(tmp_path):
    folder = generate_client(tmp_path / "s", employees=10)
    assert (folder / ".orgkit-sample").is_file() and is_sample_folder(folder)
    (folder / "notes.txt").write_text("keep me")
    with pytest.raises(OutputError, match="already holds a sample client.*overwrite=True"):
        generate_client(folder, employees=12)
    assert len(read(folder, "people")) == 10
    generate_client(folder, employees=12, overwrite=True)
    assert (folder / "notes.txt").read_text() == "keep me"
    assert len(read(folder, "people")) == 12


def test_a_sample_written_before_the_marker_is_still_recognised(tmp_path):
    folder = generate_client(tmp_path / "s", employees=10)
    (folder / ".orgkit-sample").unlink()
    assert is_sample_folder(folder)  # only generated files and the generator's client.yml comment
    (folder / "extra.csv").write_text("x\n")
    assert not is_sample_folder(folder)
    assert is_sample_folder(sample_client_path())


def test_refuses_a_file_as_folder(tmp_path):
    target = tmp_path / "file.csv"
    target.write_text("x")
    with pytest.raises(OutputError, match="is a file"):
        generate_client(target, employees=10)
    assert target.read_text() == "x"


@pytest.mark.parametrize("error", [PermissionError(errno.EACCES, "Permission denied"),
                                   OSError(errno.ENOSPC, "No space left on device")])
def test_write_failure_is_an_output_error(tmp_path, monkeypatch, error):
    import orgkit.data.sample as sample_mod

    def fail(table, path):
        raise type(error)(error.errno, error.strerror, str(path))

    monkeypatch.setattr(sample_mod, "_write_csv", fail)
    with pytest.raises(OutputError, match="cannot write .*people.csv: (permission denied|the disk is full)"):
        generate_client(tmp_path / "s", employees=10)


def test_custom_name(tmp_path):
    folder = generate_client(tmp_path / "n", employees=10, name="Acme Test")
    assert yaml.safe_load((folder / "client.yml").read_text())["name"] == "Acme Test"


# ------------------------------------------------------------------------------------------- privacy


@pytest.mark.realdata
def test_no_name_shared_with_public_organograms(shared_data):
    """Synthetic names never coincide with a real official's name in the public organogram files."""
    real = set()
    for path in (shared_data / "uk_organograms").glob("*senior.csv"):
        names = pd.read_csv(path, dtype=str, encoding_errors="replace")["Name"].dropna()
        real |= {" ".join(n.split()).lower() for n in names}
    assert real, "no names read from the organogram files"
    generated = set(read(sample_client_path(), "people")["name"].str.lower())
    assert not generated & real


def test_zh_decision_types_are_chinese(tmp_path):
    folder = generate_client(tmp_path / "zh", employees=90, seed=2, language="zh")
    types = set(pd.read_csv(folder / "decisions.csv")["decision_type"])
    assert types and types <= {"预算", "招聘", "定价", "产品", "流程", "供应商"}


# ------------------------------------------------------------------------------------------- previous wave


def test_previous_wave_written_and_plausible(made):
    folder = made(employees=300, stage="mid", seed=4)
    now, before = read(folder, "survey"), read(folder, "survey_previous")
    people = read(folder, "people")
    assert list(before.columns) == list(now.columns)
    # only people hired at least six months before the as-of date 2025-09-30 answer it, 70-85% of them
    hired = people.loc[pd.to_datetime(people["hire_date"]) <= pd.Timestamp("2025-04-01"), "employee_id"]
    assert set(before["respondent_id"]) <= set(hired) and before["respondent_id"].is_unique
    assert 0.69 <= len(before) / len(hired) <= 0.86
    dept = dict(zip(people["employee_id"], people["department"]))
    assert (before["department"] == before["respondent_id"].map(dept)).all()
    values = before.drop(columns=["respondent_id", "department"]).replace("", np.nan).stack().dropna().astype(float)
    assert values.between(1, 5).all()
    # the silo (the department keeping its ties inside, see test_department_preference_silo_and_brokers) rated
    # communication lower before, by the 0.3 of the model plus sampling noise
    items = read(folder, "survey_items")
    cc = items.loc[items["dimension"] == "communication", "item"].tolist()
    rev = set(items.loc[items["reverse"] == "true", "item"])

    def comm_mean(frame, department):
        x = frame.loc[frame["department"] == department, cc].replace("", np.nan).astype(float)
        for c in cc:
            if c in rev:
                x[c] = 6 - x[c]
        return x.mean(axis=1).mean()

    assert comm_mean(before, "R&D") < comm_mean(now, "R&D")


def test_previous_wave_optional_and_other_files_unchanged(tmp_path):
    with_prev = generate_client(tmp_path / "a", employees=80, seed=2)
    without = generate_client(tmp_path / "b", employees=80, seed=2, previous_wave=False)
    assert not (without / "survey_previous.csv").exists()
    for f in FILES:
        if f != "survey_previous.csv":
            assert (with_prev / f).read_bytes() == (without / f).read_bytes(), f
    generate_client(with_prev, employees=80, seed=2, previous_wave=False, overwrite=True)
    assert not (with_prev / "survey_previous.csv").exists()


def test_parked_decisions_stay_open_and_age(made):
    """Some decisions raised over a month before the as-of date were never decided (issue 11: open decisions)."""
    decisions = read(made(900), "decisions")
    parked = decisions[(decisions["decided_at"] == "")
                       & (pd.to_datetime(decisions["raised_at"]) < pd.Timestamp("2025-08-31"))]
    assert len(parked) >= 5
    # budget and hiring are parked most often (0.25 against at most 0.06)
    share = parked["decision_type"].value_counts() / decisions["decision_type"].value_counts()
    assert share.reindex(["budget", "hiring"]).min() > share.reindex(["process", "product"]).fillna(0).max()
