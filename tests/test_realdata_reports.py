"""Held-out real organisations read as a CEO would: no finding a person who knows the organisation calls wrong.

The public data sets of ../shared/data are converted here, in the test, the way a consultant would prepare
them (people.csv with id, department, manager and job title where known; communication.csv), into
temporary client folders. Nothing is copied into the project, and no official's name is read into a
fixture: the UK organograms are read by post reference, unit, reporting post, job title and grade only.

What each test guards, with the organisation it was found on:

- a UK regulator's civil-service grades ("SEO - Factories": Senior Executive Officer) were read as search
  engine optimisation, so inspectors' units became Marketing and the key messages said "Marketing is spread
  over 8 departments";
- 3,375 people reporting to 44 senior posts (a mean span of 77) made orgkit say 3 layers would do and
  "remove 3 layers" beside "add team leads under 35 managers";
- a 41-person agency with 4 layers was "at the minimum this size needs (5)";
- a hospital ward (nurses, physicians) was judged as a general business start-up that needs Sales, Product
  and R&D, with functions "none" or "covered by an alternative" while coverage was not assessed;
- "Human Resources Directorate - Learn and Dev" combined R&D and HR; "Planning, Fin & Procurement Dir -
  Internal Audit" was finance, procurement and strategy;
- e-mail spanning four days was "about 0.1 months"; a broker with a numeric id read as a number;
- a 41-person government agency was a "start-up" (初创期): public bodies are named by size;
- a faculty whose schools keep three quarters of their ties inside read "no department keeps to itself".
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orgkit.areas.structure import department_coverage, min_layers
from orgkit.assessment import assess
from orgkit.data.loading import load_client
from orgkit.findings import derive_findings
from orgkit.framework import classify_department, title_functions

pytestmark = pytest.mark.realdata

# ------------------------------------------------------------------------------------------ conversions
#: The organogram returns: (senior posts, junior staff) per organisation and date.
ORGANOGRAMS = {
    "hse_2011_03": ("health_and_safety_executive-2011-03-31-senior.csv",
                    "health_and_safety_executive-2011-03-31-junior.csv"),
    "hse_2011_09": ("health_and_safety_executive-2011-09-30-senior.csv",
                    "health_and_safety_executive-2011-09-30-junior.csv"),
    "hse_2013_09": ("300913-HSE-Organogram-ver1-senior.csv", "300913-HSE-Organogram-ver1-junior.csv"),
    "cabinet_office": ("Cabinet-Office-FINAL--30-Sept-2013-senior.csv",
                       "Cabinet-Office-FINAL--30-Sept-2013-junior.csv"),
    "uk_space": ("UK-space-agency-September-2013-FINAL-senior.csv",
                 "UK-space-agency-September-2013-FINAL-junior.csv"),
}
#: The columns read from the senior files: never the names or contact details.
_SENIOR = ["Post Unique Reference", "Unit", "Reports to Senior Post", "Job Title"]


def _ids(values: pd.Series) -> pd.Series:
    return values.astype("str").str.strip().str.replace(r"\s+", "-", regex=True)


def organogram_people(shared_data: Path, key: str) -> pd.DataFrame:
    """Senior posts and junior staff (one row per whole FTE) of one organogram return, as people.csv.

    A senior post reports to ``Reports to Senior Post`` (``XX``: the top); junior staff report to their
    ``Reporting Senior Post`` and carry their generic job title.
    """
    senior_file, junior_file = ORGANOGRAMS[key]
    src = shared_data / "uk_organograms"
    s = pd.read_csv(src / senior_file, dtype=str, encoding="latin-1", usecols=lambda c: c in _SENIOR)
    s = s.fillna("").drop_duplicates("Post Unique Reference")
    manager = s["Reports to Senior Post"].str.strip()
    senior = pd.DataFrame({
        "Post ID": _ids(s["Post Unique Reference"]),
        "Unit": s["Unit"].str.strip(),
        "Reports to": _ids(manager).where(~manager.str.upper().isin(["XX", ""]), ""),
        "Job title": s["Job Title"].str.strip(),
    })
    j = pd.read_csv(src / junior_file, dtype=str, encoding="latin-1").fillna("")
    fte = np.round(pd.to_numeric(j["Number of Posts in FTE"], errors="coerce").fillna(0)).astype(int).clip(lower=0)
    j = j.loc[j.index.repeat(fte)].reset_index(drop=True)
    junior = pd.DataFrame({
        "Post ID": [f"J{i:05d}" for i in range(len(j))],
        "Unit": j["Unit"].str.strip(),
        "Reports to": _ids(j["Reporting Senior Post"]),
        "Job title": j["Generic Job Title"].str.strip(),
    })
    people = pd.concat([senior, junior], ignore_index=True)
    people.loc[people["Unit"] == "", "Unit"] = "Unit not stated"
    return people


def _client_folder(folder: Path, people: pd.DataFrame, communication: pd.DataFrame | None = None,
                   yml: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    people.to_csv(folder / "people.csv", index=False)
    if communication is not None:
        communication.to_csv(folder / "communication.csv", index=False)
    (folder / "client.yml").write_text(yml, encoding="utf-8")
    return folder


def organogram_folder(shared_data: Path, key: str, folder: Path, yml: str = "") -> Path:
    return _client_folder(folder, organogram_people(shared_data, key),
                          yml="columns:\n  people:\n    Post ID: employee_id\n" + yml)


def hospital_folder(shared_data: Path, folder: Path, yml: str = "") -> Path:
    """The Lyon geriatric ward's staff (patients are not staff) and their face-to-face contacts."""
    src = shared_data / "lyon_hospital_rfid"
    nodes = pd.read_csv(src / "rfid_nodes.csv")
    nodes = nodes[nodes["Status"] != "PAT"]
    edges = pd.read_csv(src / "rfid_edges.csv")
    edges = edges[edges["from"].isin(nodes["vid"]) & edges["to"].isin(nodes["vid"])]
    people = pd.DataFrame({
        "ID": nodes["vid"],
        "Department": nodes["Status"].map({"ADM": "Administration", "MED": "Medical staff", "NUR": "Nursing"}),
        "Title": nodes["Status"].map({"ADM": "Administrative assistant", "MED": "Physician", "NUR": "Nurse"}),
    })
    start = pd.Timestamp("2010-12-06 13:00:00")  # the study's first day (PROVENANCE.md)
    contacts = pd.DataFrame({
        "Source": edges["from"], "Target": edges["to"],
        "Timestamp": (start + pd.to_timedelta(edges["Time"], unit="s")).dt.strftime("%Y-%m-%dT%H:%M:%S"),
    })
    return _client_folder(folder, people, contacts, yml)


def law_firm_folder(shared_data: Path, folder: Path) -> Path:
    """Lazega's 71 lawyers: practice as department, office as location, partner or associate, advice ties."""
    src = shared_data / "lazega_lawfirm"
    attrs = pd.read_csv(src / "ELattr.dat", sep=r"\s+", header=None,
                        names=["id", "status", "gender", "office", "years", "age", "practice", "school"])
    rows, cols = np.nonzero(np.loadtxt(src / "ELadv.dat"))
    people = pd.DataFrame({
        "ID": attrs["id"], "Department": attrs["practice"].map({1: "Litigation", 2: "Corporate"}),
        "Title": attrs["status"].map({1: "Partner", 2: "Associate"}),
        "Location": attrs["office"].map({1: "Boston", 2: "Hartford", 3: "Providence"}),
    })
    advice = pd.DataFrame({"From": attrs["id"].to_numpy()[rows], "To": attrs["id"].to_numpy()[cols]})
    return _client_folder(folder, people, advice)


def manufacturer_folder(shared_data: Path, folder: Path) -> Path:
    """The manufacturer's reports-to tree, departments named after the branch under the CEO, and its e-mail."""
    from realdata import manufacturer_mail, manufacturer_people

    return _client_folder(folder, manufacturer_people(shared_data), manufacturer_mail(shared_data))


def faculty_folder(shared_data: Path, folder: Path) -> Path:
    """The UK university faculty: its schools as departments, the friendship ties as named ties."""
    src = shared_data / "ukfaculty_friendship"
    nodes = pd.read_csv(src / "UKfaculty_nodes.csv")
    edges = pd.read_csv(src / "UKfaculty_edges.csv")
    people = pd.DataFrame({"ID": nodes["vid"], "Department": "School " + nodes["Group"].astype(int).astype(str)})
    return _client_folder(folder, people, edges.rename(columns={"from": "Source", "to": "Target",
                                                                "weight": "Weight"}))


def _statuses(result) -> dict[str, str]:
    table = result.structure.coverage
    return dict(zip(table["function"], table["status"]))


# ------------------------------------------------------------------------------------------ the rules, by hand
def test_titles_read_as_a_person_would():
    """Grades and ranks before a job are not the job; the job after them is."""
    tf = title_functions(pd.Series(["SEO - Factories", "HEO - Accountant", "Assistant Director",
                                    "Senior Assistant Parliamentary Counsel", "Personal Assistant",
                                    "Assistant to the Chief Executive", "SEO Specialist"]))
    assert tf["code"].tolist() == [None, "finance", None, "legal", "admin", "admin", "marketing"]


@pytest.mark.parametrize(("name", "functions", "other"), [
    ("Planning,Fin & Procurement Dir - Internal Audit", ("finance",), ()),
    ("Health & Safety Laboratories - Finance", ("finance",), ()),
    ("Human Resources Directorate - Learn and Dev", ("hr",), ()),
    ("Health & Safety Laboratories - HR Unit", ("hr",), ()),
    ("Sales - North", ("sales",), ()),            # the last part names nothing: the whole name decides
    ("R&D - Platform", ("rnd",), ()),
    ("Sales & Marketing", ("sales", "marketing"), ()),  # no path: a merged department stays merged
    ("HRD - 150 HR SERVICE DELIVERY", ("hr",), ()),  # "delivery" says how HR works, it adds no operations
    ("Sales Support", ("sales",), ()),
    ("Legal Support", (), ("legal",)),
    ("Delivery", ("operations",), ()),           # alone, the weak word stands for its function
    ("Customer Support", ("customer_service",), ()),
    ("Human Resources Directorate - Ops Dev Man", ("operations",), ()),  # not "R&D and Operations combined"
])
def test_a_path_is_read_from_its_last_part(name, functions, other):
    m = classify_department(name)
    assert (m.functions, m.other) == (functions, other)


def test_nothing_is_absent_or_covered_when_coverage_is_not_assessed():
    """Without enough placed departments no function is known to be absent, nor covered by another."""
    cov = department_coverage(["Nursing", "Medical staff", "Administration"], "startup", assessed=False)
    statuses = dict(zip(cov.table["function"], cov.table["status"]))
    assert set(statuses.values()) == {"not_assessed"}
    assessed = department_coverage(["Sales", "Product", "Finance"], "startup", assessed=True)
    by = dict(zip(assessed.table["function"], assessed.table["status"]))
    # the start-up's (R&D, technical support) group has no department: both are missing, neither "covered"
    assert by["rnd"] == by["technical_support"] == "missing" and "covered" not in by.values()
    assert assessed.functions_missing == ["rnd"]  # the group is reported once, by its first function


def test_wide_spans_are_no_reason_for_fewer_layers():
    # 3,375 people: at the mean span of 76.7, 3 layers (1 + 77 + 5,929); at the healthy maximum of 12, 5
    # (1 + 12 + 144 + 1,728 = 1,885 < 3,375 <= 1,885 + 20,736)
    assert (min_layers(3375, 76.7), min_layers(3375, 12)) == (3, 5)


# ------------------------------------------------------------------------------------------ the organisations
@pytest.fixture(scope="module")
def hse(shared_data, tmp_path_factory):
    return assess(load_client(organogram_folder(shared_data, "hse_2011_09", tmp_path_factory.mktemp("hse"))))


def test_a_regulators_grades_are_not_marketing(hse):
    people = hse.client.people
    assert people["title"].str.match(r"SEO\b").mean() > 0.3  # the grade opens many junior titles
    tf = title_functions(people["title"])
    seo = tf[tf["title"].str.match(r"SEO\b")]
    assert seo["code"].isna().sum() > len(seo) / 2 and not (seo["code"] == "marketing").any()
    mapping = {r["department"]: r for r in hse.structure.metrics["mapping"]}
    by_titles = [d for d, r in mapping.items() if r["source"] == "titles" and "marketing" in r["functions"]]
    assert by_titles == []
    found = derive_findings(hse)
    split = [f for f in found if f.key == "function_split"]
    assert not [f for f in split if f.values["en"].get("code") == "marketing"]


def test_a_regulator_is_a_public_body_with_no_missing_business_function(hse):
    m = hse.structure.metrics
    assert m["industry"] == "public_sector"
    statuses = _statuses(hse)
    assert {statuses[f] for f in ("product",)} == {"not_applicable"}
    assert [f for f in derive_findings(hse) if f.key == "function_missing"] == []


def test_spans_of_77_do_not_call_for_removing_layers(hse):
    m = hse.structure.metrics
    assert m["span_mean"] > 12 and m["layers"] == 6
    assert m["min_layers"] == min_layers(m["people"], 12) == 5
    layers = [f for f in derive_findings(hse) if f.key in ("layers_excess", "layers_ok")]
    text = layers[0].text("en")
    assert "healthy maximum of 12" in text and "1 more than needed" in text
    assert "mean span of 76" not in text


@pytest.mark.parametrize("key", ["hse_2011_03", "hse_2013_09", "cabinet_office", "uk_space"])
def test_public_bodies_are_not_judged_as_businesses(key, shared_data, tmp_path):
    result = assess(load_client(organogram_folder(shared_data, key, tmp_path)))
    assert result.structure.metrics["industry"] == "public_sector"
    statuses = _statuses(result)
    # not expected of a public body; shown only where a department or people's titles carry it (the
    # regulator's laboratory sells its services)
    assert {statuses["sales"], statuses["product"]} <= {"not_applicable", "present", "within"}
    found = derive_findings(result)
    missing = [f.values["en"]["code"] for f in found if f.key == "function_missing"]
    assert not set(missing) & {"sales", "marketing", "product", "production", "customer_service"}
    # an HR directorate's units ("Learn and Dev", "Ops Dev Man", "HR Service Delivery") combine nothing
    merged = [f.values["en"]["department"] for f in found if f.key == "department_overloaded"]
    assert not [d for d in merged if re.match(r"(?i)(human resources|hrd?)\b", d)], merged


def test_an_uneven_tree_is_not_at_a_minimum_it_is_below(shared_data, tmp_path):
    result = assess(load_client(organogram_folder(shared_data, "uk_space", tmp_path)))
    m = result.structure.metrics
    assert (m["people"], m["layers"]) == (41, 4) and m["min_layers"] > m["layers"]
    layers = [f for f in derive_findings(result) if f.key == "layers_ok"]
    assert layers and f"fewer than the {m['min_layers']}" in layers[0].text("en")
    assert "at the minimum" not in layers[0].text("en")
    # a 41-person government agency is small, not a start-up
    assert m["stage"] == "startup" and m["industry"] == "public_sector"
    texts = " ".join(f.text(lang) for f in derive_findings(result) for lang in ("en", "zh"))
    assert "small" in texts and "start-up" not in texts and "初创期" not in texts


def test_a_hospital_ward_is_not_a_business_start_up(shared_data, tmp_path):
    result = assess(load_client(hospital_folder(shared_data, tmp_path)))
    m = result.structure.metrics
    assert m["industry"] == "public_sector" and m["industry_source"] == "evidence"
    assert m["coverage_assessed"] is False
    statuses = _statuses(result)
    assert statuses["sales"] == statuses["product"] == statuses["production"] == "not_applicable"
    assert not {"covered", "absent"} & set(statuses.values())
    assert [f for f in derive_findings(result) if f.key == "function_missing"] == []


def test_a_law_firm_has_no_production_to_miss(shared_data, tmp_path):
    result = assess(load_client(law_firm_folder(shared_data, tmp_path)))
    assert result.structure.metrics["industry"] == "professional_services"
    statuses = _statuses(result)
    assert statuses["production"] == statuses["product"] == "not_applicable"
    assert [f for f in derive_findings(result) if f.key == "function_missing"] == []


def test_no_silo_is_not_no_department_keeping_to_itself(shared_data, tmp_path):
    """The faculty's schools keep most ties inside (E-I −0.65 against +0.35 under random mixing) without
    being silos by the rule (more than 20% of ties leave each): "no department keeps to itself" would be
    untrue, so the sentence names the inward schools."""
    result = assess(load_client(faculty_folder(shared_data, tmp_path)))
    m = result.communication.metrics
    assert m["silos"] == []
    gaps = {d: v["ei_index_expected"] - v["ei_index"] for d, v in m["departments"].items()
            if not v.get("suppressed") and v.get("ei_index") is not None}
    inward = [d for d, g in gaps.items() if g > 0.5]
    assert inward  # School 2: −0.54 against +0.35
    text = next(f for f in derive_findings(result) if f.key == "no_silos").text("en")
    assert "No department is a silo" in text and all(d in text for d in inward)
    assert "keeps to itself far more" not in text


def test_a_broker_with_a_numeric_id_reads_as_a_person(shared_data, tmp_path):
    result = assess(load_client(manufacturer_folder(shared_data, tmp_path)))
    top = str(result.communication.metrics["brokers"][0]["employee_id"])
    assert top.isdigit()
    broker = [f for f in derive_findings(result) if f.key == "broker"]
    assert broker and f"employee {top} alone" in broker[0].text("en")
    zh = broker[0].text("zh")  # the Chinese sentence names the employee itself (工号为 130 的员工): once
    assert top in zh and "员工员工" not in zh and "员工 员工" not in zh


# ------------------------------------------------------------------------------------------ whole reports
@pytest.mark.slow
@pytest.mark.parametrize(("maker", "language"), [("hospital", "en"), ("uk_space", "zh")])
def test_real_reports_read_cleanly(maker, language, shared_data, tmp_path_factory):
    """The texts a client reads pass the hygiene checks of test_client_texts, in English and Chinese."""
    from test_client_texts import _report_problems, client_texts

    from orgkit.report.run import run_client

    folder = tmp_path_factory.mktemp(f"{maker}-client")
    yml = f"name: Real organisation\nlanguage: {language}\n"
    if maker == "hospital":
        hospital_folder(shared_data, folder, yml)
    else:
        organogram_folder(shared_data, "uk_space", folder, yml)
    result = run_client(folder, tmp_path_factory.mktemp(f"{maker}-report"), progress=False)
    report = Path(result.html).parent
    found = _report_problems(report, folder)
    assert found == [], "\n".join(found)
    texts = client_texts((report / "report.html").read_text(encoding="utf-8"))
    joined = "\n".join(texts)
    if maker == "hospital":
        assert "(about 4 days)" in joined and "months" not in joined.split("(about 4 days)")[0][-80:]
        assert "covered by an alternative" not in joined and "none (not core here)" not in joined
    else:
        # Chinese sentences end with a Chinese full stop, never an ASCII one after a Chinese character
        assert not [x for x in texts if re.search(r"[\u4e00-\u9fff]\.$", x)]
        assert "少于按平均管理幅度" in joined
        # the cover and the findings name the agency's size, not a company's start-up stage (the appendix
        # still defines the stages in general)
        cover = texts[texts.index("发展阶段") + 1]
        assert cover.startswith("小规模（") and "初创期" not in cover
        assert not [x for x in texts if "初创期企业" in x]
