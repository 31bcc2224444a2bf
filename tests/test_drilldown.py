"""orgkit.department_view: one department beside its organisation, hand-computed on a ten-person client.

The client (minimum group size 3)::

    c0 (Exec, 1)                         depth 0
    ├── s1 (Sales) ── s2, s3, s4         depth 1 / 2
    ├── o1 (Ops)   ── o2, o3             depth 1 / 2
    └── l1, l2 (Legal, 2)                depth 1

Ties: Sales inside s1-s2, s1-s3, s2-s3, s3-s4 (I = 4); Sales outside s1-o1, s2-o2 (Ops), s4-l1 (Legal),
c0-s1 (Exec) (E = 4); Ops inside o1-o2. Legal (2) and Exec (1) are under the minimum group size.
"""

from __future__ import annotations

import base64
import math
import re

import pandas as pd
import pytest

import orgkit
from orgkit.assessment import assess
from orgkit.data.loading import from_frames
from orgkit.drilldown import DepartmentView, department_view, visible_departments
from orgkit.errors import ConfigError, GroupTooSmallError, OrgkitError

PEOPLE = pd.DataFrame({
    "employee_id": ["c0", "s1", "s2", "s3", "s4", "o1", "o2", "o3", "l1", "l2"],
    "department": ["Exec", "Sales", "Sales", "Sales", "Sales", "Ops", "Ops", "Ops", "Legal", "Legal"],
    "manager_id": [None, "c0", "s1", "s1", "s1", "c0", "o1", "o1", "c0", "c0"],
    "title": ["Chief Executive", "Head of Sales", "Rep", "Rep", "Rep", "Head of Ops", "Clerk", "Clerk", "Counsel",
              "Counsel"],
})
TIES = [("s1", "s2"), ("s1", "s3"), ("s2", "s3"), ("s3", "s4"), ("s1", "o1"), ("s2", "o2"), ("s4", "l1"),
        ("c0", "s1"), ("o1", "o2")]
DECISIONS = pd.DataFrame({
    "decision_id": ["D1", "D2", "D3", "D4", "D5"],
    "decision_type": ["budget", "budget", "hiring", "vendor", "process"],
    "initiator_id": ["s2", "s3", "o2", "o3", "l1"],
    "decider_id": ["s1", "c0", "o1", "s1", "c0"],
    "approvers": ["", "s1", "", "o1", "s1"],
    "raised_at": ["2025-01-01"] * 5,
    "decided_at": ["2025-01-03", "2025-01-11", "2025-01-02", "2025-01-05", None],
})
# respondents: Sales s1..s4, Ops o1..o3 (Legal and Exec do not answer)
SURVEY = pd.DataFrame({
    "department": ["Sales"] * 4 + ["Ops"] * 3,
    "rc1": [4, 4, 5, 5, 2, 3, 3],
    "rc2": [3, 4, 4, 5, 2, 2, 3],
})


def _client(language: str = "en", **tables):
    frames = {"communication": pd.DataFrame(TIES, columns=["source_id", "target_id"]), "decisions": DECISIONS,
              "survey": SURVEY, **tables}
    return from_frames(PEOPLE, **frames, settings={"name": "t", "min_group_size": 3, "language": language})


@pytest.fixture(scope="module")
def assessment():
    return assess(_client())


@pytest.fixture(scope="module")
def sales(assessment) -> DepartmentView:
    return department_view(assessment, "Sales")


def test_structure(sales):
    s = sales.structure
    assert (s.headcount, s.managers, s.span_mean, s.span_median, s.span_max, s.layers) == (4, 1, 3.0, 3.0, 3, 2)
    assert s.people_per_manager == 4.0
    assert s.by_layer.to_dict("list") == {"depth": [1, 2], "people": [1, 3]}
    assert s.spans[["employee_id", "span", "depth"]].to_dict("records") == [{"employee_id": "s1", "span": 3, "depth": 1}]
    assert s.spans["manager"].iloc[0] == "s1 (Head of Sales)"
    # the organisation: c0 (4 reports), s1 (3), o1 (2)
    assert s.organisation["managers"] == 3 and s.organisation["span_max"] == 4 and s.organisation["layers"] == 3
    assert s.organisation["span_mean"] == pytest.approx(3.0)


def test_communication(sales, assessment):
    c = sales.communication
    assert (c.internal_ties, c.external_ties, c.isolates) == (4, 4, 0)
    assert c.ei_index == 0.0 and c.external_share == 0.5
    assert c.density == pytest.approx(4 / 6)  # 4 of the C(4, 2) = 6 pairs
    assert c.ties_per_person == pytest.approx((2 * 4 + 4) / 4)
    assert c.ei_index_expected == pytest.approx(1 - 2 * 3 / 9)  # 1 - 2 (n_d - 1) / (n - 1)
    row = assessment.communication.departments.set_index("department").loc["Sales"]
    assert (row["internal_ties"], row["external_ties"]) == (4, 4)  # the report's numbers
    # partners: Ops 2 ties; Legal (s4-l1) and Exec (c0-s1), both small, one pooled row of 3 people, last
    p = c.partners
    assert p["department"].tolist() == ["Ops", "Other (small groups)"]
    assert p["ties"].tolist() == [2, 2] and p["people"].tolist() == [3, 3]
    assert p["share"].tolist() == [0.5, 0.5]
    assert p["expected"].tolist() == pytest.approx([8 * 3 / 9, 8 * 3 / 9])  # (I + E) n_j / (n - 1)
    assert p["ratio"].tolist() == pytest.approx([0.75, 0.75])
    assert any("Other (small groups)" in n for n in sales.notes)


def test_decisions(sales, assessment):
    d = sales.decisions
    # touching Sales: D1 (raised and decided here), D2 (raised here, approved by s1), D4 (decided here),
    # D5 (approved by s1); not D3 (Ops only)
    assert (d.decisions, d.initiated, d.decided, d.approved) == (4, 2, 2, 2)
    assert d.open_share == 0.25  # D5
    assert d.latency_days_median == pytest.approx(4.0)  # closed: 2, 10, 4 days
    assert d.hops_median == pytest.approx(1.5)  # 1 (s2-s1), 2 (s3-s1-c0), 3 (o3-o1-c0-s1), 1 (l1-c0)
    assert d.approvals_mean == pytest.approx(0.75)
    paths = assessment.decisions.paths.set_index("decision_id")
    assert d.escalated_share == pytest.approx(paths.loc[["D1", "D2", "D4", "D5"], "escalated"].astype(float).mean())
    assert d.by_type.to_dict("list")["decision_type"] == ["budget", "process", "vendor"]
    assert d.by_type["decisions"].tolist() == [2, 1, 1] and d.by_type["open"].tolist() == [0, 1, 0]
    # counterparts: D2 decided by Exec (small: pooled), D4 raised in Ops
    assert d.counterparts.to_dict("list") == {"department": ["Ops", "Other (small groups)"], "decisions": [1, 1]}
    org = d.organisation
    assert org["decisions"] == 5 and org["open_share"] == 0.2
    assert org["latency_days_median"] == pytest.approx(3.0)  # 2, 10, 1, 4


def test_survey(sales):
    s = sales.survey
    assert s.available and s.respondents == 4
    row = s.dimensions.set_index("dimension").loc["role_clarity"]
    # Sales scores 3.5, 4, 4.5, 5; Ops 2, 2.5, 3; everyone: 24.5 / 7
    assert row["mean"] == pytest.approx(4.25) and row["organisation_mean"] == pytest.approx(3.5)
    assert row["difference"] == pytest.approx(0.75)
    assert row["favourable"] == pytest.approx(7 / 8) and row["organisation_favourable"] == pytest.approx(7 / 14)
    items = s.items.set_index("item")
    assert items.loc["rc1", "favourable"] == 1.0 and items.loc["rc1", "organisation_favourable"] == pytest.approx(4 / 7)
    assert items.loc["rc2", "question"] == "The division of duties within my team is clear."
    assert s.items["item"].tolist() == ["rc2", "rc1"]  # lowest favourable first


def test_reverse_worded_questions_say_so():
    survey = SURVEY.rename(columns={"rc2": "rc4"})  # rc4 is reverse-worded in the bundled questionnaire
    items = department_view(_client(survey=survey), "Sales").survey.items.set_index("item")
    assert items.loc["rc4", "question"].endswith("fall through the gaps. (reverse-worded)")
    assert not items.loc["rc1", "question"].endswith("(reverse-worded)")
    zh = department_view(_client("zh", survey=survey), "Sales").survey.items.set_index("item")
    assert zh.loc["rc4", "question"].endswith("空白。（反向题）")


def test_measures_table_beside_the_organisation(sales):
    m = sales.measures().set_index("measure")
    assert m.loc["headcount", "department"] == 4 and m.loc["headcount", "organisation"] == 10
    assert m.loc["ei_index", "text_department"] == "0.00"
    assert m.loc["open_share", "text_department"] == "25%" and m.loc["open_share", "text_organisation"] == "20%"
    assert m.loc["external_share", "label"] == "Share of ties outside"
    assert math.isnan(m.loc["initiated", "organisation"])


def test_a_department_under_the_minimum_is_refused_and_says_why(assessment):
    with pytest.raises(GroupTooSmallError, match="fewer than 3 people") as err:
        department_view(assessment, "Legal")
    assert isinstance(err.value, OrgkitError) and err.value.group == "Legal" and err.value.min_group_size == 3
    assert "Exec" not in str(err.value)  # the departments it offers instead are the visible ones only
    with pytest.raises(GroupTooSmallError, match="fewer than 4 people"):
        department_view(assessment, "Ops", min_group_size=4)


def test_unknown_department_lists_only_visible_ones(assessment):
    with pytest.raises(ConfigError, match=r"\['Sales', 'Ops'\]") as err:
        department_view(assessment, "Marketing")
    assert "Legal" not in str(err.value) and "Exec" not in str(err.value)


def test_the_minimum_can_be_raised_never_lowered(assessment):
    with pytest.raises(ConfigError, match="below the client's 3"):
        department_view(assessment, "Sales", min_group_size=2)
    view = department_view(assessment, "Sales", min_group_size=4)
    # Ops (3) now pooled with Legal and Exec: 6 people, 4 ties; expected 8 * 6 / 9
    p = view.communication.partners
    assert p.to_dict("list")["department"] == ["Other (small groups)"]
    assert p["ties"].tolist() == [4] and p["ratio"].tolist() == pytest.approx([4 / (8 * 6 / 9)])
    assert view.decisions.counterparts.to_dict("list") == {"department": ["Other (small groups)"], "decisions": [2]}
    # Ops has 3 respondents (< 4): hidden, and Sales with it (Ops = everyone - Sales otherwise)
    assert not view.survey.available and view.survey.dimensions.empty
    assert "worked out from the organisation's totals" in view.survey.reason
    assert visible_departments(assessment.client, 4) == ["Sales"]


def test_survey_with_too_few_respondents_is_hidden_with_its_reason():
    survey = SURVEY.assign(department=["Sales", "Sales", "Ops", "Ops", "Ops", "Ops", "Ops"])
    view = department_view(_client(survey=survey), "Sales")
    assert not view.survey.available and "Fewer than 3 of its people answered" in view.survey.reason
    assert view.survey.reason in view.notes


def test_empty_name_is_the_largest_department_and_a_client_is_assessed(assessment):
    assert department_view(assessment).department == "Sales"
    view = orgkit.department_view(_client(), "Ops")  # from the package, on a client
    assert view.headcount == 3 and view.communication.internal_ties == 1


def test_without_communication_decisions_or_survey():
    client = from_frames(PEOPLE, settings={"name": "t", "min_group_size": 3})
    view = department_view(client, "Sales")
    assert not view.communication.available and not view.decisions.available and not view.survey.available
    assert list(view.measures()["area"].unique()) == ["structure"]


def test_chinese_labels_and_notes():
    view = department_view(_client("zh"), "Sales")
    assert view.communication.partners["department"].tolist() == ["Ops", "其他（小群体）"]
    assert "其他（小群体）" in view.notes[0]
    assert view.measures().set_index("measure").loc["external_share", "label"] == "跨部门沟通关系占比"


def test_the_view_as_html_names_no_small_group(sales):
    html = sales.to_html()
    assert "Sales" in html and "Ops" in html and "Other (small groups)" in html
    for hidden in ("Legal", "Exec", "l1", "c0"):
        assert hidden not in html
    assert sales._repr_html_() == html


def test_report_book_department_uses_the_view():
    from orgkit.report.book import ReportBook

    book = ReportBook(_client())
    markup = book.department("Sales").markup
    assert "Who Sales talks to" in markup and "Ties with other departments" in markup
    assert markup.count("<figure") == 3  # org chart, partners, survey comparison
    images = "".join(base64.b64decode(x).decode() for x in re.findall(r"data:image/svg\+xml;base64,([^\"]+)", markup))
    assert "Ops" in images and "Sales" in images
    for hidden in ("Legal", "Exec"):
        assert hidden not in markup and hidden not in images
    with pytest.raises(GroupTooSmallError):
        book.department("Legal")
