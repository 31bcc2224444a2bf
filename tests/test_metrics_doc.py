"""docs/metrics.md and orgkit.method define every key of metrics.json, and nothing that is never produced.

The clients below cover the shapes metrics.json takes: the bundled sample (every table), the sample with a
previous survey wave, people only (with and without ``manager_id``), every table without ``manager_id``,
a large company with regional units, a survey answered by fewer people than ``min_group_size`` and a
one-person organisation.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import orgkit
from orgkit.assessment import assess
from orgkit.errors import ConfigError
from orgkit.framework import FUNCTIONS
from orgkit.privacy import OTHER_GROUP
from orgkit.method import (
    AREAS,
    BLOCKS,
    PLACEHOLDERS,
    REFERENCES,
    definitions,
    main,
    metric_definitions,
    metric_paths,
    metrics_markdown,
)
from orgkit.data.sample import sample_client_path
from orgkit.areas.structure import SPAN_BANDS
from orgkit.areas.survey import resolve_items
from orgkit.thresholds import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "metrics.md"
REGENERATE = "regenerate it with: python -m orgkit.method --markdown -o docs/metrics.md"

#: Documented keys that none of the clients below produces, each with the reason. Keep it short: a key
#: belongs here only when producing it needs data a test should not build.
SPECIAL_CASES: dict[str, str] = {}

#: The tables a client folder can hold (the keys of ``data.tables``).
TABLE_NAMES = {"people", "communication", "survey", "survey_items", "survey_previous", "decisions",
               "responsibilities"}


# --------------------------------------------------------------------------------------------------
# clients
# --------------------------------------------------------------------------------------------------
def _copy_sample(folder: Path, files: list[str], *, drop_manager: bool = False) -> Path:
    src = sample_client_path()
    folder.mkdir()
    for name in files:
        shutil.copy(src / name, folder / name)
    if drop_manager:
        people = pd.read_csv(src / "people.csv", dtype="str", keep_default_na=False)
        people.drop(columns=["manager_id"]).to_csv(folder / "people.csv", index=False)
    return folder


def _large_with_units() -> orgkit.Client:
    depts = ["Executive Office"] + ["Sales - North"] * 3 + ["Sales - South"] * 3 + ["R&D"] * 3 + ["HR"] * 3
    ids = [f"E{i:02d}" for i in range(len(depts))]
    managers = [None] + ["E00"] * 12
    people = pd.DataFrame({"employee_id": ids, "department": depts, "manager_id": managers})
    rows = pd.DataFrame({"source_id": ["E01", "E04", "E07"], "target_id": ["E02", "E05", "E10"]})
    return orgkit.from_frames(people, communication=rows,
                              settings={"name": "units", "stage": "large", "min_group_size": 3})


def _tiny_survey() -> orgkit.Client:
    people = pd.DataFrame({"employee_id": [str(i) for i in range(8)], "department": ["Sales"] * 8})
    survey = pd.DataFrame({"department": ["Sales"] * 3, "rc1": [4, 5, 3], "rc2": [4, 4, 2]})
    return orgkit.from_frames(people, survey=survey, settings={"name": "tiny survey", "min_group_size": 5})


def _one_person() -> orgkit.Client:
    people = pd.DataFrame({"employee_id": ["1"], "department": ["Sales"], "manager_id": [None]})
    return orgkit.from_frames(people, settings={"name": "solo", "min_group_size": 1})


def _deep_chain() -> orgkit.Client:
    # managers of one report each on a chain deeper than the headcount needs: a delayering is simulated
    ids = ["ceo", "a", "a1", "a2", "w1", "w2", "w3", "w4", "b", "c", "d"]
    managers = [None, "ceo", "a", "a1", "a2", "a2", "a2", "a2", "ceo", "ceo", "ceo"]
    people = pd.DataFrame({"employee_id": ids, "department": ["Ops"] * 11, "manager_id": managers})
    return orgkit.from_frames(people, settings={"name": "deep", "min_group_size": 1})


def _shared_department() -> orgkit.Client:
    # a mid-size company's Sales & Marketing whose titles show both functions: a split is simulated
    rows = ([("ceo", "Executive Office", None, "Chief Executive Officer"),
             ("h", "Sales & Marketing", "ceo", "Sales Director")]
            + [(f"s{i}", "Sales & Marketing", "h", "Sales Manager") for i in (1, 2, 3)]
            + [("m", "Sales & Marketing", "h", "Marketing Manager")]
            + [(f"m{i}", "Sales & Marketing", "m", "Marketing Specialist") for i in (1, 2)])
    people = pd.DataFrame(rows, columns=["employee_id", "department", "manager_id", "title"])
    return orgkit.from_frames(people, settings={"name": "shared", "min_group_size": 2, "stage": "mid"})


def _wide_top() -> orgkit.Client:
    # a large company whose top leads 13 department heads in two locations: regional units are simulated
    names = ["Sales", "Marketing", "Product", "R&D", "Technical Support", "Customer Service", "Finance", "HR",
             "Operations", "IT", "Legal", "Procurement", "Quality"]
    rows = [("ceo", "Executive Office", None, "HQ")]
    for i, d in enumerate(names):
        rows += [(f"h{i}", d, "ceo", "North" if i < 7 else "South"), (f"p{i}", d, f"h{i}", "North" if i < 7 else "South")]
    people = pd.DataFrame(rows, columns=["employee_id", "department", "manager_id", "location"])
    ties = pd.DataFrame([(f"h{i}", f"p{i}") for i in range(13)] + [("h0", "h7")], columns=["source_id", "target_id"])
    return orgkit.from_frames(people, communication=ties, settings={"name": "wide", "min_group_size": 1,
                                                                    "stage": "large"})


@pytest.fixture(scope="module")
def produced(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[orgkit.Client, dict[str, Any]]]:
    """Client name -> (client, metrics.json content)."""
    src = sample_client_path()
    every = sorted(p.name for p in src.iterdir() if p.is_file())
    base = tmp_path_factory.mktemp("clients")
    previous = _copy_sample(base / "previous_wave", every)
    survey = pd.read_csv(src / "survey.csv", dtype="str", keep_default_na=False)
    survey.iloc[: len(survey) * 2 // 3].to_csv(previous / "survey_previous.csv", index=False)
    clients = {
        # the bundled sample with one survey wave only (it ships with a previous wave too)
        "sample": orgkit.load_client(_copy_sample(base / "one_wave",
                                                  [f for f in every if f != "survey_previous.csv"])),
        "sample_previous_wave": orgkit.load_client(previous),
        "people_with_managers": orgkit.load_client(_copy_sample(base / "people", ["people.csv", "client.yml"])),
        "people_without_managers": orgkit.load_client(
            _copy_sample(base / "people_nomgr", ["client.yml"], drop_manager=True)),
        "all_tables_without_managers": orgkit.load_client(
            _copy_sample(base / "all_nomgr", [f for f in every if f != "people.csv"], drop_manager=True)),
        "large_with_units": _large_with_units(),
        "survey_below_min_group_size": _tiny_survey(),
        "one_person": _one_person(),
        "deep_chain": _deep_chain(),
        "shared_department": _shared_department(),
        "wide_top": _wide_top(),
    }
    return {name: (c, assess(c).to_dict()) for name, c in clients.items()}


CLIENT_NAMES = ["sample", "sample_previous_wave", "people_with_managers", "people_without_managers",
                "all_tables_without_managers", "large_with_units", "survey_below_min_group_size", "one_person",
                "deep_chain", "shared_department", "wide_top"]


# --------------------------------------------------------------------------------------------------
# paths and types
# --------------------------------------------------------------------------------------------------
def _walk(value: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every key path of a JSON value with its value; list elements that are objects add a ``[]`` step."""
    out: list[tuple[tuple[str, ...], Any]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            out.append((prefix + (k,), v))
            out += _walk(v, prefix + (k,))
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, dict):
                out += _walk(v, prefix + ("[]",))
    return out


def _segments(pattern: str) -> tuple[str, ...]:
    segs: list[str] = []
    for part in pattern.split("."):
        if part.endswith("[]"):
            segs += [part[:-2], "[]"]
        else:
            segs.append(part)
    return tuple(segs)


def _vocabulary(client: orgkit.Client) -> dict[str, set[str]]:
    """What each placeholder may stand for in this client's metrics.json."""
    return {
        "<department>": set(client.people["department"]) | {OTHER_GROUP},
        "<dimension>": set(resolve_items(client)["dimension"]) if client.survey is not None else set(),
        "<decision_type>": set(client.decisions["decision_type"]) if client.decisions is not None else set(),
        "<band>": {label for label, _, _ in SPAN_BANDS},
        "<function>": set(FUNCTIONS),
        "<table>": TABLE_NAMES,
        "<reason>": {"unknown_people", "self_rows", "no_answers"},
        "<threshold>": set(REGISTRY),
    }


def _matches(pattern: tuple[str, ...], path: tuple[str, ...], vocab: dict[str, set[str]]) -> bool:
    if len(pattern) != len(path):
        return False
    return all(p == c or (p in vocab and c in vocab[p]) for p, c in zip(pattern, path))


def _documented() -> dict[str, tuple[tuple[str, ...], str]]:
    """Full path pattern -> (segments, documented type)."""
    out = {}
    for area, metrics in definitions().items():
        for m in metrics:
            path = m.key if BLOCKS[area] is None else f"{BLOCKS[area]}.{m.key}"
            out[path] = (_segments(path), m.type)
    return out


def _type_ok(value: Any, type_text: str) -> bool:
    for alternative in (t.strip() for t in _split_union(type_text)):
        if alternative == "null" and value is None:
            return True
        if alternative == "int" and isinstance(value, int) and not isinstance(value, bool):
            return True
        if alternative == "float" and isinstance(value, float):
            return True
        if alternative == "str" and isinstance(value, str):
            return True
        if alternative == "bool" and isinstance(value, bool):
            return True
        if alternative == "object" and isinstance(value, dict):
            return True
        if alternative.startswith("list[") and isinstance(value, list):
            inner = alternative[5:-1]
            if all(_type_ok(v, inner) for v in value):
                return True
    return False


def _split_union(type_text: str) -> list[str]:
    """Split ``a | list[b] | null`` on top-level bars."""
    parts, depth, current = [], 0, ""
    for ch in type_text:
        depth += (ch == "[") - (ch == "]")
        if ch == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return parts + [current]


def _observed(client: orgkit.Client, metrics: dict[str, Any]) -> dict[str, list[tuple[tuple[str, ...], Any]]]:
    """Documented pattern (or ``"?"`` for none) -> the produced (path, value) pairs it covers."""
    vocab = _vocabulary(client)
    documented = _documented()
    blocks = {(b,) for b in BLOCKS.values() if b is not None}  # a block is documented by its section
    out: dict[str, list[tuple[tuple[str, ...], Any]]] = {}
    for path, value in _walk(metrics):
        if path in blocks:
            continue
        hits = [p for p, (segs, _) in documented.items() if _matches(segs, path, vocab)]
        exact = [p for p in hits if documented[p][0] == path]
        for p in exact or hits or ["?"]:
            out.setdefault(p, []).append((path, value))
    return out


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(path).replace(".[]", "[]")


# --------------------------------------------------------------------------------------------------
# every key produced is documented, with the right type; nothing documented is stale
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", CLIENT_NAMES)
def test_every_produced_key_is_documented(produced, name: str) -> None:
    client, metrics = produced[name]
    undocumented = sorted({_dotted(p) for p, _ in _observed(client, metrics).get("?", [])})
    assert undocumented == [], f"keys of metrics.json not defined in orgkit/method.py: {undocumented}"


@pytest.mark.parametrize("name", CLIENT_NAMES)
def test_produced_values_have_the_documented_type(produced, name: str) -> None:
    client, metrics = produced[name]
    documented = _documented()
    wrong = [
        f"{_dotted(path)} = {value!r:.60} is not {documented[pattern][1]}"
        for pattern, pairs in _observed(client, metrics).items() if pattern != "?"
        for path, value in pairs if not _type_ok(value, documented[pattern][1])
    ]
    assert wrong == []


def test_no_documented_key_is_stale(produced) -> None:
    seen: set[str] = set()
    for client, metrics in produced.values():
        seen |= set(_observed(client, metrics))
    stale = sorted(set(metric_paths()) - seen - set(SPECIAL_CASES))
    assert stale == [], f"defined in orgkit/method.py but produced by none of the test clients: {stale}"


def test_special_cases_are_documented_and_not_produced(produced) -> None:
    seen: set[str] = set()
    for client, metrics in produced.values():
        seen |= set(_observed(client, metrics))
    assert set(SPECIAL_CASES) <= set(metric_paths())
    assert set(SPECIAL_CASES) & seen == set(), "a special case is produced after all: remove it from the list"
    assert all(reason.strip() for reason in SPECIAL_CASES.values())


def test_the_clients_cover_the_reduced_shapes(produced) -> None:
    """The reduced clients really are reduced: the shapes the stale-key test relies on exist."""
    m = {name: metrics for name, (_, metrics) in produced.items()}
    assert m["people_with_managers"]["communication"] == {
        "available": False, "reason": "The client has no communication data.", "people": 150, "score": None,
        "assessed": False, "evidence_share": None, "not_assessed_reason": "no_data", "status": "grey"}
    assert m["people_without_managers"]["structure"]["layers"] is None
    assert m["people_without_managers"]["decisions"]["score"] is None
    assert "change" in m["sample_previous_wave"]["survey"] and "change" not in m["sample"]["survey"]
    assert m["survey_below_min_group_size"]["survey"]["available"] is True
    assert m["survey_below_min_group_size"]["survey"]["score"] is None
    assert [u["unit_kind"] for u in m["large_with_units"]["structure"]["units"]] == ["region", "region"]
    # one person: one layer, nobody manages anyone, so every span is undefined
    solo = m["one_person"]["structure"]
    assert (solo["layers"], solo["managers"], solo["span_mean"], solo["min_layers"]) == (1, 0, None, 1)


def test_placeholders_have_a_vocabulary(produced) -> None:
    client, _ = produced["sample"]
    assert set(_vocabulary(client)) == set(PLACEHOLDERS)
    used = {seg for p in metric_paths() for seg in _segments(p) if seg.startswith("<")}
    assert used <= set(PLACEHOLDERS)


def test_metrics_json_holds_no_person_name(produced) -> None:
    client, metrics = produced["sample"]
    names = [n for n in client.people["name"].dropna().tolist() if len(n) >= 4]
    texts = [v for _, v in _walk(metrics) if isinstance(v, str)]
    texts += [s for _, v in _walk(metrics) if isinstance(v, list) for s in v if isinstance(s, str)]
    leaked = sorted({n for n in names for t in texts if n in t})
    assert leaked == []


# --------------------------------------------------------------------------------------------------
# docs/metrics.md is the generated text
# --------------------------------------------------------------------------------------------------
def test_docs_file_is_current() -> None:
    assert DOC.is_file(), f"docs/metrics.md is missing; {REGENERATE}"
    assert DOC.read_text(encoding="utf-8") == metrics_markdown(), f"docs/metrics.md is out of date; {REGENERATE}"


def test_cli_writes_the_generated_text(tmp_path: Path) -> None:
    out = tmp_path / "metrics.md"
    assert main(["--markdown", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == metrics_markdown()


def test_every_table_row_has_as_many_cells_as_its_header() -> None:
    """Pipes inside cells (|T ∩ L|) are escaped, so no row gains a column."""
    bad, header = [], None
    for line in metrics_markdown().splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = len(re.findall(r"(?<!\\)\|", line))
        if header is None:
            header = cells
        elif cells != header:
            bad.append(line[:80])
    assert bad == []


def test_reciprocity_formula_pipes_are_escaped() -> None:
    row = next(line for line in metrics_markdown().splitlines() if line.startswith("| `reciprocity`"))
    assert r"\|{(s,t) ∈ P : (t,s) ∈ P}\| / \|P\|" in row


def test_every_cited_reference_is_listed() -> None:
    text = metrics_markdown()
    refs = text.split("## References", 1)[1]
    cited = {r for ms in definitions().values() for m in ms for r in m.references}
    assert cited
    missing = [k for k in cited if REFERENCES[k].full not in refs]
    assert missing == []


# --------------------------------------------------------------------------------------------------
# metric_definitions, the appendix's table
# --------------------------------------------------------------------------------------------------
#: The headline metrics named in the issue, which must have a Chinese meaning.
HEADLINE = {
    "structure": ["layers", "managers", "span_mean", "span_median", "span_max", "span_bands", "stage",
                  "functions_missing", "fit_score", "score"],
    "communication": ["density", "ei_index", "modularity", "departments", "silos", "score"],
    "decisions": ["hops_mean", "hops_median", "hops_p90", "approvals_mean", "latency_days_median", "score"],
    "survey": ["respondents", "response_rate", "favourable", "mean", "alpha", "score"],
}


def test_metric_definitions_columns() -> None:
    table = metric_definitions()
    assert list(table.columns) == ["area", "key", "term", "meaning", "formula", "degenerate", "reference"]
    assert all(pd.api.types.is_string_dtype(table[c]) for c in table.columns)
    assert len(table) == len(metric_paths())
    assert list(dict.fromkeys(table["area"])) == list(AREAS)
    assert (table["meaning"].str.len() > 0).all()


def test_metric_definitions_one_area() -> None:
    table = metric_definitions("scores")
    assert table["key"].tolist()[:5] == ["structure", "communication", "decisions", "survey", "overall"]
    assert "overall_areas" in table["key"].tolist()
    assert set(table["area"]) == {"scores"}


def test_headline_metrics_have_chinese_meanings() -> None:
    zh = metric_definitions(language="zh", headline_only=True)
    for area, keys in HEADLINE.items():
        have = set(zh.loc[zh["area"] == area, "key"])
        assert set(keys) <= have, (area, sorted(set(keys) - have))
    assert zh["meaning"].str.contains(r"[\u4e00-\u9fff]").all()


def test_chinese_falls_back_to_english_for_other_keys() -> None:
    en = metric_definitions("communication").set_index("key")
    zh = metric_definitions("communication", language="zh").set_index("key")
    assert zh.loc["reciprocity", "meaning"] == en.loc["reciprocity", "meaning"]
    assert zh.loc["density", "meaning"] != en.loc["density", "meaning"]
    assert zh.loc["density", "formula"] == "2m / (n(n − 1))"


def test_reference_column_cites_the_doi() -> None:
    table = metric_definitions("communication").set_index("key")
    assert table.loc["ei_index", "reference"] == "Krackhardt & Stern 1988, https://doi.org/10.2307/2786835"
    assert table.loc["edges", "reference"] == (
        "Wasserman & Faust 1994, https://doi.org/10.1017/CBO9780511815478")
    assert table.loc["isolates", "reference"] == ""


def test_every_documented_type_parses() -> None:
    atoms = {"int", "float", "str", "bool", "object", "null"}

    def ok(t: str) -> bool:
        t = t.strip()
        return t in atoms or (t.startswith("list[") and t.endswith("]") and ok(t[5:-1]))

    bad = [(a, m.key, m.type) for a, ms in definitions().items() for m in ms
           if not all(ok(t) for t in _split_union(m.type))]
    assert bad == []


def test_unknown_area_or_language_raises() -> None:
    with pytest.raises(ConfigError, match="area must be one of .* Got 'people' instead"):
        metric_definitions("people")
    with pytest.raises(ConfigError, match="language must be one of .* Got 'fr' instead"):
        metric_definitions(language="fr")
