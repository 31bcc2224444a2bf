"""What every number in ``metrics.json`` means: the single source of the metric definitions.

Each key of ``metrics.json`` (see :meth:`orgkit.assessment.Assessment.to_dict`) is defined here once, with its
type, meaning, formula, degenerate cases and reference. The headline metrics (those the report's appendix
shows) take their meaning and formula from the catalogue (``metric.<area>.<key>`` and ``.formula``,
:mod:`orgkit.i18n`), in English and Chinese; every other key is documented here in English.
``docs/metrics.md`` is generated from these definitions (``python -m orgkit.method --markdown -o
docs/metrics.md``) and ``tests/test_metrics_doc.py`` checks that the two agree and that every key the
assessment produces is defined here. :func:`metric_definitions` serves the report's method appendix.

Key notation: ``a.b`` is key ``b`` inside object ``a``; ``<department>`` (and the other
:data:`PLACEHOLDERS`) stands for every key of an object keyed by data; ``a[]`` is each element of the
list ``a``.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd

from orgkit.errors import ConfigError
from orgkit.i18n import LANGUAGES, has, t  # LANGUAGES: the languages of ``meaning`` (the catalogue's)
from orgkit.thresholds import DEFAULTS, REGISTRY, STATUS_RULES, UNITS, WEIGHT_GROUPS, Threshold, Thresholds

__all__ = [
    "AREAS",
    "BLOCKS",
    "PLACEHOLDERS",
    "REFERENCES",
    "LANGUAGES",
    "Metric",
    "Reference",
    "definitions",
    "metric_definitions",
    "metric_paths",
    "metrics_markdown",
    "threshold_source",
    "threshold_rows",
    "threshold_name",
    "metric_term",
    "component_name",
    "main",
]

#: The areas of the definitions, in ``metrics.json`` order. ``run`` holds the two top-level scalars
#: (``orgkit_version``, ``generated_at``); every other area is the block of the same name.
AREAS: tuple[str, ...] = (
    "client", "run", "data", "structure", "communication", "decisions", "survey", "triangulation", "scores",
    "thresholds",
)

#: The ``metrics.json`` block each area's keys live in (``None``: at the top level).
BLOCKS: dict[str, str | None] = {a: (None if a == "run" else a) for a in AREAS}

#: How objects keyed by data are written in key patterns, and what their keys are.
PLACEHOLDERS: dict[str, str] = {
    "<department>": "a department name exactly as in the people file (e.g. `Sales`, `销售部`) of at least "
                    "`min_group_size` people, or `Other (small groups)` for the smaller ones, pooled",
    "<dimension>": "a survey dimension code from survey_items (bundled: `role_clarity`, `communication`, "
                   "`decision_speed`, `growth`, `customer_focus`, `collaboration`)",
    "<decision_type>": "a `decision_type` value of the decisions file (e.g. `budget`, `hiring`)",
    "<band>": "a span-of-control band label: `1`, `2-3`, `4-7`, `8-12`, `13-16`, `17+`",
    "<function>": "a framework function code: `sales`, `marketing`, `customer_service`, "
                  "`technical_support`, `product`, `rnd`, `operations`, `finance`, `hr`, `it`, `production`",
    "<table>": "a table of the client folder: `people`, `communication`, `survey`, `survey_items`, "
               "`survey_previous`, `decisions`, `responsibilities` (only the tables that were given)",
    "<reason>": "why rows were dropped at load time: `unknown_people` (ids not in people), `self_rows` "
                "(sender = recipient), `no_answers` (survey rows that answer no item)",
    "<threshold>": "a threshold or weight of `orgkit.thresholds` (e.g. `structure.span.healthy_min`; every key is "
                   "listed under Thresholds and weights)",
}


@dataclass(frozen=True)
class Reference:
    """A citation: ``short`` for tables (author year), ``full`` for the reference list, ``url`` (DOI)."""

    short: str
    full: str
    url: str = ""


@dataclass(frozen=True)
class Metric:
    """One key of ``metrics.json``.

    Attributes
    ----------
    key : str
        The key pattern inside its block (``span_bands.<band>.share``).
    type : str
        JSON type: ``int``, ``float``, ``str``, ``bool``, ``object``, ``list[...]``, joined by ``|`` with
        ``null`` when the value can be missing.
    meaning : str
        What it measures, in English.
    formula : str
        How it is computed (plain text / Unicode math); empty for counts and labels that need none.
    degenerate : str
        When it is ``null`` (or takes a conventional value) and why.
    references : tuple of str
        Keys of :data:`REFERENCES`.
    text_key : str
        For a headline metric, its catalogue key (``metric.structure.layers``): ``meaning`` and
        ``formula`` are the English texts of ``text_key`` and ``text_key.formula``; empty otherwise.
    text_values : callable, optional
        ``(language, thresholds) -> values`` of the formula's placeholders (numbers from the
        :class:`~orgkit.thresholds.Thresholds` used, lists in the language's punctuation).
    """

    key: str
    type: str
    meaning: str
    formula: str = ""
    degenerate: str = ""
    references: tuple[str, ...] = ()
    text_key: str = ""
    text_values: Callable[[str, Thresholds], Mapping[str, Any]] | None = field(default=None, compare=False,
                                                                              repr=False)

    @property
    def headline(self) -> bool:
        """Whether the metric is a headline metric (its meaning and formula are in the catalogue)."""
        return bool(self.text_key)

    def meaning_in(self, language: str = "en") -> str:
        """The meaning in ``language`` (English for a metric that is not a headline metric)."""
        return t(self.text_key, language) if self.text_key else self.meaning

    def formula_in(self, language: str = "en", thresholds: Thresholds | None = None) -> str:
        """The formula in ``language`` (English for a metric that is not a headline metric), with the numbers
        of ``thresholds`` (default: the registry's)."""
        if not self.text_key or not self.formula:
            return self.formula
        th = DEFAULTS if thresholds is None else thresholds
        return t(f"{self.text_key}.formula", language, **(self.text_values(language, th) if self.text_values else {}))


def _headline(area: str, key: str, type_: str, degenerate: str = "", references: tuple[str, ...] = (), *,
              values: Callable[[str, Thresholds], Mapping[str, Any]] | None = None) -> Metric:
    """A headline metric: its meaning and formula are ``metric.<area>.<key>`` (and ``.formula``) of the catalogue."""
    stem = f"metric.{area}.{key}"
    formula = (t(f"{stem}.formula", "en", **(values("en", DEFAULTS) if values else {}))
               if has(f"{stem}.formula") else "")
    return Metric(key, type_, t(stem, "en"), formula, degenerate, tuple(references), text_key=stem, text_values=values)


def _pairs(weights: Mapping[str, float], language: str) -> str:
    """``name weight`` pairs as a list in ``language``, each component by its plain name (``span health 0.25,
    layers beyond the minimum 0.15``)."""
    return t("list.separator", language).join(f"{component_name(k, language)} {v:g}" for k, v in weights.items())


def component_name(name: str, language: str = "en") -> str:
    """A score component's plain name in ``language`` (``span_health`` -> ``span health``).

    Examples
    --------
    >>> component_name("no_isolates"), component_name("raci_clarity", "zh")
    ('no isolated people', '职责清晰度')
    """
    return t(f"component.{name}", language)


def metric_term(area: str, key: str, language: str = "en") -> str:
    """A headline metric's plain name in ``language``, as the appendix's glossary shows it (the key of
    ``metrics.json`` stays in docs/metrics.md).

    Examples
    --------
    >>> metric_term("structure", "span_mean"), metric_term("communication", "silos", "zh")
    ('Mean span of control', '信息孤岛部门')
    """
    return t(f"term.{area}.{key}", language)


def threshold_name(key: str, language: str = "en") -> str:
    """What a threshold or weight of the registry sets, in plain words in ``language`` (its key stays in
    ``metrics.json`` and docs/metrics.md).

    A status rule's two values read "<what>: amber" and "<what>: red"; a weight "Weight of <component> in
    the <score>"; a decision-path target "<component>: full marks at" and "zero at"; every other threshold
    has its own name.

    Examples
    --------
    >>> threshold_name("structure.narrow_span_share.red")
    'Share of managers with a narrow span: red'
    >>> threshold_name("communication.weight.no_silos")
    'Weight of no silos in the communication score'
    >>> threshold_name("decisions.target.hops_mean.bad")
    'Mean hops: zero at'
    >>> threshold_name("decisions.target.latency_days_median.good", "zh")
    '决策耗时中位数：满分值'
    >>> threshold_name("survey.alpha.min")
    "Cronbach's alpha: reliable from"
    """
    if key not in REGISTRY:
        raise ConfigError(f"{key!r} is not a threshold of orgkit.thresholds.REGISTRY.")
    rule, _, level = key.rpartition(".")
    if rule in STATUS_RULES:
        area, name = rule.split(".", 1)
        return t(f"appendix.threshold.level.{level}", language, name=t(f"threshold.rule.{area}.{name}", language))
    parts = key.split(".")
    if parts[1] == "target":
        text = t(f"appendix.threshold.target.{parts[3]}", language, component=component_name(parts[2], language))
        return text[:1].upper() + text[1:]
    if parts[1] == "weight":
        score = t(f"appendix.threshold.score.{parts[0]}", language)
        return t("appendix.threshold.weight", language, component=component_name(parts[2], language), score=score)
    area, topic, name = parts
    return t(f"threshold.{area}.{topic}.{name}", language)


#: Every work cited by a definition (from the docstrings of the module that computes the metric).
REFERENCES: dict[str, Reference] = {
    "urwick1956": Reference("Urwick 1956", "Urwick, L. F. (1956). The manager's span of control. "
                            "*Harvard Business Review*, 34(3), 39-47."),
    "vanfleet1977": Reference("Van Fleet & Bedeian 1977", "Van Fleet, D. D., & Bedeian, A. G. (1977). A history "
                              "of the span of management. *Academy of Management Review*, 2(3), 356-372.",
                              "https://doi.org/10.5465/amr.1977.4281795"),
    "desmet2017": Reference("De Smet et al. 2017", "De Smet, A., Hewes, C., & Weiss, L. (2017). How to identify "
                            "the right \"spans of control\" for your organization. McKinsey & Company."),
    "zoller2020": Reference("Zoller & Muldoon 2020", "Zoller, Y. J., & Muldoon, J. (2020). Journey of a concept: "
                            "span of control - the rise, the decline, and what is next? *Journal of Management "
                            "History*.", "https://doi.org/10.1108/JMH-04-2020-0027"),
    "meier2000": Reference("Meier & Bohte 2000", "Meier, K. J., & Bohte, J. (2000). Ode to Luther Gulick: Span "
                           "of control and organizational performance. *Administration & Society*, 32(2), "
                           "115-137.", "https://doi.org/10.1177/00953990022019371"),
    "mintzberg1980": Reference("Mintzberg 1980", "Mintzberg, H. (1980). Structure in 5's: A synthesis of the "
                               "research on organization design. *Management Science*, 26(3), 322-341.",
                               "https://doi.org/10.1287/mnsc.26.3.322"),
    "pmi2017": Reference("PMI 2017", "Project Management Institute (2017). *A Guide to the Project Management "
                         "Body of Knowledge (PMBOK Guide)*, 6th ed., Resource Management: the responsibility "
                         "assignment (RACI) matrix."),
    "oecd2008": Reference("OECD & JRC 2008", "OECD & JRC (2008). *Handbook on Constructing Composite "
                          "Indicators: Methodology and User Guide*. OECD Publishing.",
                          "https://doi.org/10.1787/9789264043466-en"),
    "wasserman1994": Reference("Wasserman & Faust 1994", "Wasserman, S., & Faust, K. (1994). *Social Network "
                               "Analysis: Methods and Applications*. Cambridge University Press.",
                               "https://doi.org/10.1017/CBO9780511815478"),
    "krackhardt1988": Reference("Krackhardt & Stern 1988", "Krackhardt, D., & Stern, R. N. (1988). Informal "
                                "networks and organizational crises: an experimental simulation. *Social "
                                "Psychology Quarterly*, 51(2), 123-140.", "https://doi.org/10.2307/2786835"),
    "blau1977": Reference("Blau 1977", "Blau, P. M. (1977). *Inequality and Heterogeneity*. Free Press."),
    "newman2006": Reference("Newman 2006", "Newman, M. E. J. (2006). Modularity and community structure in "
                            "networks. *PNAS*, 103(23), 8577-8582.", "https://doi.org/10.1073/pnas.0601602103"),
    "garlaschelli2004": Reference("Garlaschelli & Loffredo 2004", "Garlaschelli, D., & Loffredo, M. I. (2004). "
                                  "Patterns of link reciprocity in directed networks. *Physical Review Letters*, "
                                  "93(26), 268701.", "https://doi.org/10.1103/PhysRevLett.93.268701"),
    "krackhardt1993": Reference("Krackhardt & Hanson 1993", "Krackhardt, D., & Hanson, J. R. (1993). Informal "
                                "networks: the company behind the chart. *Harvard Business Review*, 71(4), "
                                "104-111."),
    "kossinets2006": Reference("Kossinets & Watts 2006", "Kossinets, G., & Watts, D. J. (2006). Empirical "
                               "analysis of an evolving social network. *Science*, 311(5757), 88-90.",
                               "https://doi.org/10.1126/science.1116869"),
    "adamic2005": Reference("Adamic & Adar 2005", "Adamic, L., & Adar, E. (2005). How to search a social "
                            "network. *Social Networks*, 27(3), 187-203.",
                            "https://doi.org/10.1016/j.socnet.2005.01.007"),
    "blondel2008": Reference("Blondel et al. 2008", "Blondel, V. D., Guillaume, J.-L., Lambiotte, R., & Lefebvre, "
                             "E. (2008). Fast unfolding of communities in large networks. *J. Stat. Mech.*, "
                             "P10008.", "https://doi.org/10.1088/1742-5468/2008/10/P10008"),
    "strehl2002": Reference("Strehl & Ghosh 2002", "Strehl, A., & Ghosh, J. (2002). Cluster ensembles: a "
                            "knowledge reuse framework for combining multiple partitions. *JMLR*, 3, 583-617.",
                            "https://doi.org/10.1162/153244303321897735"),
    "brandes2001": Reference("Brandes 2001", "Brandes, U. (2001). A faster algorithm for betweenness "
                             "centrality. *Journal of Mathematical Sociology*, 25(2), 163-177.",
                             "https://doi.org/10.1080/0022250X.2001.9990249"),
    "freeman1977": Reference("Freeman 1977", "Freeman, L. C. (1977). A set of measures of centrality based on "
                             "betweenness. *Sociometry*, 40(1), 35-41.", "https://doi.org/10.2307/3033543"),
    "brandes2007": Reference("Brandes & Pich 2007", "Brandes, U., & Pich, C. (2007). Centrality estimation in "
                             "large networks. *International Journal of Bifurcation and Chaos*, 17(7), "
                             "2303-2318.", "https://doi.org/10.1142/S0218127407018403"),
    "galbraith1974": Reference("Galbraith 1974", "Galbraith, J. R. (1974). Organization design: An information "
                               "processing view. *Interfaces*, 4(3), 28-36.", "https://doi.org/10.1287/inte.4.3.28"),
    "bender2000": Reference("Bender & Farach-Colton 2000", "Bender, M. A., & Farach-Colton, M. (2000). The LCA "
                            "problem revisited. *LATIN 2000*, LNCS 1776, 88-94.",
                            "https://doi.org/10.1007/10719839_9"),
    "hyndman1996": Reference("Hyndman & Fan 1996", "Hyndman, R. J., & Fan, Y. (1996). Sample quantiles in "
                             "statistical packages. *The American Statistician*, 50(4), 361-365.",
                             "https://doi.org/10.1080/00031305.1996.10473566"),
    "rajan2006": Reference("Rajan & Wulf 2006", "Rajan, R. G., & Wulf, J. (2006). The flattening firm. *Review "
                           "of Economics and Statistics*, 88(4), 759-773.", "https://doi.org/10.1162/rest.88.4.759"),
    "hillis1986": Reference("Hillis & Steele 1986", "Hillis, W. D., & Steele, G. L. (1986). Data parallel "
                            "algorithms. *Communications of the ACM*, 29(12), 1170-1183.",
                            "https://doi.org/10.1145/7902.7903"),
    "cronbach1951": Reference("Cronbach 1951", "Cronbach, L. J. (1951). Coefficient alpha and the internal "
                              "structure of tests. *Psychometrika*, 16(3), 297-334.",
                              "https://doi.org/10.1007/BF02310555"),
    "nunnally1978": Reference("Nunnally 1978", "Nunnally, J. C. (1978). *Psychometric theory* (2nd ed.). "
                              "McGraw-Hill."),
    "james1984": Reference("James et al. 1984", "James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating "
                           "within-group interrater reliability with and without response bias. *Journal of "
                           "Applied Psychology*, 69(1), 85-98.", "https://doi.org/10.1037/0021-9010.69.1.85"),
    "lebreton2008": Reference("LeBreton & Senter 2008", "LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 "
                              "questions about interrater reliability and interrater agreement. *Organizational "
                              "Research Methods*, 11(4), 815-852.", "https://doi.org/10.1177/1094428106296642"),
    "bliese2000": Reference("Bliese 2000", "Bliese, P. D. (2000). Within-group agreement, non-independence, and "
                            "reliability: Implications for data aggregation and analysis. In K. J. Klein & "
                            "S. W. J. Kozlowski (Eds.), *Multilevel theory, research, and methods in "
                            "organizations* (pp. 349-381). Jossey-Bass."),
    "shrout1979": Reference("Shrout & Fleiss 1979", "Shrout, P. E., & Fleiss, J. L. (1979). Intraclass "
                            "correlations: Uses in assessing rater reliability. *Psychological Bulletin*, 86(2), "
                            "420-428.", "https://doi.org/10.1037/0033-2909.86.2.420"),
    "hundepool2012": Reference("Hundepool et al. 2012", "Hundepool, A., Domingo-Ferrer, J., Franconi, L., "
                               "Giessing, S., Nordholt, E. S., Spicer, K., & de Wolf, P.-P. (2012). *Statistical "
                               "Disclosure Control*, ch. 4 (tabular data). Wiley.",
                               "https://doi.org/10.1002/9781118348239"),
    "welch1947": Reference("Welch 1947", "Welch, B. L. (1947). The generalization of \"Student's\" problem when "
                           "several different population variances are involved. *Biometrika*, 34(1-2), 28-35.",
                           "https://doi.org/10.1093/biomet/34.1-2.28"),
    "student1908": Reference("Student 1908", "Student (1908). The probable error of a mean. *Biometrika*, 6(1), "
                             "1-25.", "https://doi.org/10.1093/biomet/6.1.1"),
    "fisher1925": Reference("Fisher 1925", "Fisher, R. A. (1925). *Statistical Methods for Research Workers*. "
                            "Oliver and Boyd."),
    "ec2003": Reference("European Commission 2003", "European Commission (2003). Commission Recommendation "
                        "2003/361/EC concerning the definition of micro, small and medium-sized enterprises. "
                        "*Official Journal of the European Union*, L 124, 36-41.",
                        "https://eur-lex.europa.eu/eli/reco/2003/361/oj"),
}


# --------------------------------------------------------------------------------------------------
# The definitions
# --------------------------------------------------------------------------------------------------
def _client() -> list[Metric]:
    return [
        Metric("name", "str", "The client's display name (`name` in client.yml, else the folder name)."),
        Metric("slug", "str", "A folder-safe name for the client: lower-case ASCII letters, digits and `-`; "
               "Chinese characters are kept.", "NFKC-normalise, lower-case, replace runs of non-word "
               "characters by `-`, strip `-`.", "`client` when nothing is left."),
        Metric("stage", "str", "The company's stage used by the assessment: `startup`, `mid` or `large` "
               "(same as `structure.stage`).", "`stage_setting` when it is not `auto`; else from "
               "headcount (see `structure.stage`).", "", ("mintzberg1980",)),
        Metric("stage_setting", "str", "The stage as set in client.yml: `startup`, `mid`, `large` or `auto`."),
        Metric("language", "str", "The report language: `en` or `zh`."),
        Metric("min_group_size", "int", "The smallest group whose numbers may be shown (default 5); see "
               "Conventions."),
        Metric("people", "int", "Number of people in the people file (after validation)."),
    ]


def _run() -> list[Metric]:
    return [
        Metric("orgkit_version", "str", "The orgkit version that produced the file."),
        Metric("generated_at", "str", "When the file was produced: ISO 8601, UTC, whole seconds "
               "(`2025-07-01T08:45:08+00:00`)."),
    ]


def _data() -> list[Metric]:
    t = "tables.<table>"
    return [
        Metric("people", "int", "Number of people (rows of the people table)."),
        Metric("departments", "int", "Number of distinct departments in the people table."),
        Metric("departments_below_min_group_size", "int", "Departments with fewer than `min_group_size` "
               "people: their numbers are suppressed everywhere."),
        Metric("has_hierarchy", "bool", "Whether people has a `manager_id` column; without one every "
               "hierarchy metric (layers, spans, hops, distances) is null."),
        Metric("tables", "object", "One object per table that was given, keyed by table name."),
        Metric(t, "object", "Where one table came from and how many rows it kept."),
        Metric(f"{t}.rows", "int", "Rows kept after validation (rows the loader dropped are not counted)."),
        Metric(f"{t}.file", "str | null", "The file name read.", "",
               "null when the table was given in memory (`orgkit.from_frames`)."),
        Metric(f"{t}.format", "str | null", "`csv` or `xlsx`.", "", "null for in-memory tables."),
        Metric(f"{t}.encoding", "str | null", "Text encoding read: `utf-8`, `utf-8-sig` (UTF-8 with BOM), "
               "`utf-16`, `gb18030`, `cp1252`, `latin-1` (decided from evidence, or as `encoding:` in client.yml "
               "names it).", "", "null for `xlsx` files and in-memory tables."),
        Metric(f"{t}.sha256", "str | null", "SHA-256 of the file's bytes (hex), to tie a report to its "
               "input.", "", "null for in-memory tables."),
        Metric(f"{t}.rows_read", "int | null", "Data rows read from the file, before any row was dropped.",
               "rows_read − rows = rows dropped", "null for in-memory tables."),
        Metric(f"{t}.dropped", "object", "Rows dropped at load time, per reason; `{}` when none."),
        Metric(f"{t}.dropped.<reason>", "int", "Rows dropped for that reason."),
        Metric("warnings", "list[object]", "Everything the loader handled and the report must mention, in "
               "the order found; `[]` when none."),
        Metric("warnings[].code", "str", "A stable identifier, e.g. `small_department`, "
               "`unknown_people_dropped`, `self_messages_dropped`, `unknown_manager`, `several_tops`."),
        Metric("warnings[].file", "str", "The file the warning concerns."),
        Metric("warnings[].message", "str", "A sentence for the reader, with the numbers in it (never a "
               "person's name, nor the name of a department smaller than `min_group_size` or not in people: "
               "`orgkit validate --show-small-groups` lists those)."),
        Metric("warnings[].count", "int", "How many rows or people the warning concerns (for "
               "`small_department`: the number of small departments)."),
        Metric("visible_departments", "list[str]", "Departments with at least `min_group_size` people "
               "(the ones whose numbers may be shown), largest first."),
    ]


def _structure() -> list[Metric]:
    lo, hi = DEFAULTS["structure.span.healthy_min"], DEFAULTS["structure.span.healthy_max"]
    zero_at = DEFAULTS["structure.layers.excess_zero_at"]
    no_h = "null without a `manager_id` column."
    no_m = "null without a `manager_id` column or when nobody has a direct report."
    span_refs = ("urwick1956", "vanfleet1977", "desmet2017", "zoller2020")
    return [
        Metric("available", "bool", "Always true: the structure needs only the people table."),
        Metric("people", "int", "Number of people (n)."),
        _headline("structure", "layers", "int | null", f"{no_h} 1 when nobody reports to anyone.", span_refs),
        _headline("structure", "managers", "int | null", no_h, span_refs),
        Metric("people_per_manager", "float | null", "People per manager.", "n / managers", no_m),
        _headline("structure", "span_mean", "float | null", no_m, span_refs),
        _headline("structure", "span_median", "float | null", no_m, span_refs),
        _headline("structure", "span_max", "int | null", no_m, span_refs),
        _headline("structure", "span_bands", "object | null", no_h, ("vanfleet1977",)),
        Metric("span_bands.<band>", "object", "One band: `managers` and `share`."),
        Metric("span_bands.<band>.managers", "int", "Managers whose span is in the band."),
        Metric("span_bands.<band>.share", "float | null", "Share of managers in the band.",
               "managers in band / managers", "null when nobody has a direct report."),
        Metric("single_report_managers", "int | null", "Managers with exactly one direct report (a layer "
               "that adds a hand-off but little management).", "", no_m),
        Metric("single_report_share", "float | null", "Share of managers with exactly one direct report.",
               "single_report_managers / managers", no_m),
        Metric("min_layers", "int | null", "The fewest layers that could hold everyone if every manager had "
               "the mean span, capped at the healthy maximum (spans wider than that are a finding of their own, "
               "not a reason to need fewer layers).", "smallest L with Σ_{k=0}^{L−1} s^k ≥ n, "
               "s = min(span_mean, structure.span.healthy_max)",
               f"{no_h} n ≤ 1 gives n; s ≤ 1 gives n (a chain); null when n > 1 and nobody has a direct "
               "report.", ("meier2000",)),
        Metric("excess_layers", "int | null", "Layers beyond the minimum for this headcount at the observed "
               "mean span, capped at the healthy maximum.", "layers − min_layers (negative when spans are very uneven)",
               "null when `min_layers` is null.", ("meier2000",)),
        Metric("layer_sizes", "list[int] | null", "People per depth, from the top (depth 0) down.",
               "count of people with depth d, d = 0 … layers − 1", no_h),
        Metric("hierarchy_reason", "str | null", "Why the hierarchy metrics are null.", "",
               "null when people has a `manager_id` column."),
        _headline("structure", "stage", "str", "", ("mintzberg1980",),
                  values=lambda lang, th: {"startup": th["structure.stage.startup_below"],
                                           "large": th["structure.stage.large_from"]}),
        Metric("stage_source", "str", "`client.yml` when the stage was set explicitly; with `auto`, `headcount` "
               "when headcount decided and `structure` when the structure raised it."),
        Metric("stage_rule", "str", "What decided the stage: `client.yml`, `headcount`, `managers_only`, "
               "`departments`, `units` or `locations` (orgkit.framework.decide_stage).", "", "",
               ("mintzberg1980", "ec2003")),
        Metric("stage_evidence", "object", "The evidence the stage was judged on."),
        Metric("stage_evidence.headcount", "int", "People in the file (n)."),
        Metric("stage_evidence.headcount_stage", "str", "The stage headcount alone gives."),
        Metric("stage_evidence.managers_only", "bool | null", "Whether the file lists managers only.",
               "manager_title_share ≥ `structure.stage.manager_title_share`",
               "null without a hierarchy or without titles and levels for the people without reports."),
        Metric("stage_evidence.manager_title_share", "float | null", "Share of the people without reports whose "
               "title or level is a manager's (Manager, Director, VP, Head, 经理, 主管, 总监 ...; account, "
               "product and project managers excluded).", "manager-titled leaves / titled leaves",
               "null as `managers_only`."),
        Metric("stage_evidence.leaves", "int | null", "People without direct reports.", "",
               "null without a hierarchy."),
        Metric("stage_evidence.estimated_headcount", "int | null", "The company's size when the file lists "
               "managers only.", "n + leaves × mean span (at least 1)", "null unless `managers_only`."),
        Metric("stage_evidence.headed_departments", "int | null", "Departments with exactly one member at their "
               "top, who reports to the top of the organisation, and at least two people, not placed in several "
               "functions at once (a merged `Sales & Marketing` is the startup's form).", "", "null without a "
               "hierarchy."),
        Metric("stage_evidence.layers", "int | null", "Reporting layers (as `layers`).", "",
               "null without a hierarchy."),
        Metric("stage_evidence.units", "int", "Departments recognised as regional branches or business units."),
        Metric("stage_evidence.locations", "int | null", "Distinct non-blank values of people's `location`.", "",
               "null without a location column."),
        Metric("industry", "str", "The industry profile the structure is judged against: `general`, "
               "`manufacturing`, `software`, `retail`, `professional_services` or `public_sector` "
               "(orgkit.industries)."),
        Metric("industry_source", "str", "`client.yml` (set), `evidence` (inferred from titles and functions) or "
               "`default` (no industry stood out: general business)."),
        Metric("industry_shares", "object | null", "Per industry, the share of people whose title, department "
               "name or placed function marks it.", "marked people / n", "null when `industry` is set in "
               "client.yml."),
        *[Metric(f"industry_shares.{code}", "float", f"Share of people marked as {code.replace('_', ' ')}.")
          for code in ("manufacturing", "software", "retail", "professional_services", "public_sector")],
        Metric("mapping", "list[object]", "Each department (largest first) placed in a business function, with "
               "its evidence; departments under the minimum group size are pooled into one entry.", "",
               "", ("mintzberg1980",)),
        Metric("mapping[].department", "str", "The department (`Other (small groups)` for the pooled entry)."),
        Metric("mapping[].departments", "int", "Only in the pooled entry: how many small departments it pools."),
        Metric("mapping[].people", "int", "Its headcount."),
        Metric("mapping[].functions", "list[str]", "Framework function codes it was placed in (`[]` when none)."),
        Metric("mapping[].other", "list[str]", "Known non-framework functions (legal, executive, procurement, "
               "quality, strategy, admin, safety)."),
        Metric("mapping[].confidence", "str", "`set` (client.yml), `high` (the name says it, titles agree or "
               "are silent), `medium` (titles alone with a majority, or titles contradicting the name), `low` "
               "(titles without a majority: not placed) or `none`."),
        Metric("mapping[].source", "str", "`client.yml`, `name`, `name and titles`, `titles`, `placeholder` (a name that says the "
               "department is not known, such as `Unassigned`: never placed) or `none`."),
        Metric("mapping[].conflict", "bool", "Whether most titles point to another function than the name."),
        Metric("mapping[].name_words", "list[str]", "Keywords found in the name (any segment of a path)."),
        Metric("mapping[].title_function", "str | null", "The function most of its titled people point to.", "",
               "null when no title matches a function."),
        Metric("mapping[].title_share", "float | null", "Share of its titled people pointing to "
               "`title_function`.", "n_f / titled", "null without titles."),
        Metric("mapping[].titled", "int", "Its people with a job title."),
        Metric("mapping[].title_words", "list[str]", "Up to three of the commonest job titles behind `title_function`, "
               "as written in people."),
        Metric("mapped_share", "float | null", "Share of people in departments placed with confidence (set, "
               "high or medium).", "Σ placed n_d / n", "null for an empty organisation."),
        Metric("coverage_assessed", "bool", "Whether function coverage was judged: `functions_missing` and the "
               "function_coverage component exist only when it is.",
               "mapped_share ≥ `structure.coverage.min_mapped_share` and not `stage_evidence.managers_only`"),
        Metric("coverage_reason", "str | null", "Why coverage was not assessed: `placed` (too few people in "
               "confidently placed departments) or `managers_only` (the file lists managers only).", "",
               "null when it was."),
        Metric("functions_in_titles", "object", "Framework functions some people's job titles point to, wherever "
               "they sit: function -> people (a core function held this way is not reported missing)."),
        Metric("functions_in_titles.<function>", "int", "People whose title points to the function."),
        Metric("unidentified_departments", "list[str]", "Departments not placed with confidence (name them in "
               "client.yml's `functions:`)."),
        Metric("departments_count", "int", "Number of distinct departments."),
        Metric("functions", "object", "For each of the eleven framework functions, the departments placed in it "
               "with confidence (every function is a key).", "from the department name, its path, its people's "
               "job titles and client.yml's `functions:` (orgkit.framework.department_mapping)", "",
               ("mintzberg1980",)),
        Metric("functions.<function>", "list[str]", "Departments carrying the function; `[]` when none."),
        _headline("structure", "functions_missing", "list[str]", "`[]` when every core group is covered, or "
                  "when coverage is not assessed (`coverage_assessed` false).",
                  ("mintzberg1980",)),
        Metric("functions_split", "list[str]", "Functions carried by more departments than the stage "
               "expects (function codes).", "departments carrying it > 1 (startup), 2 (mid), 3 (large, "
               "regional and business-unit departments not counted)", "", ("mintzberg1980",)),
        Metric("departments_overloaded", "list[str]", "Departments combining framework functions the stage "
               "keeps apart.", "≥ 2 functions of which one must not be merged at this stage (mid: sales, "
               "product, technical_support, customer_service; large: any), or more functions than allowed "
               "(mid 2, large 1)", "", ("mintzberg1980",)),
        Metric("unmapped_departments", "list[str]", "Departments placed in neither a framework function nor a "
               "known non-framework function (legal, 总经办, procurement, quality, strategy, admin, safety) with "
               "confidence; the same as `unidentified_departments`."),
        Metric("units", "list[object]", "Departments recognised as regional branches or business units "
               "(a function name qualified by a region or another qualifier, e.g. `Sales - North`, "
               "`销售一部`)."),
        Metric("units[].department", "str", "The department name."),
        Metric("units[].functions", "list[str]", "Its framework function codes."),
        Metric("units[].unit_kind", "str", "`region` or `business unit`."),
        Metric("over_split", "bool | null", "Startup check: more departments than the headcount needs.",
               "departments_count > max(3, n // 6)", "null at the mid and large stages (no such check)."),
        Metric("units_missing", "bool | null", "Large-firm check: no regional branch or business unit.",
               "units == []", "null at the startup and mid stages."),
        Metric("raci", "object | null", "Gaps and overlaps in the responsibility (RACI) table.", "",
               "null without a responsibilities table.", ("pmi2017",)),
        Metric("raci.responsibilities", "int", "Distinct responsibilities."),
        Metric("raci.no_accountable", "list[str]", "Responsibilities without an accountable (A) department.",
               "", "", ("pmi2017",)),
        Metric("raci.no_accountable_count", "int", "Length of `no_accountable`."),
        Metric("raci.multiple_accountable", "list[str]", "Responsibilities with more than one A department.",
               "", "", ("pmi2017",)),
        Metric("raci.multiple_accountable_count", "int", "Length of `multiple_accountable`."),
        Metric("raci.no_responsible", "list[str]", "Responsibilities without a responsible (R) department.",
               "", "", ("pmi2017",)),
        Metric("raci.no_responsible_count", "int", "Length of `no_responsible`."),
        Metric("raci.overlaps", "list[object]", "Each responsibility and role (A or R) held by more than one "
               "department; a responsibility can appear once for A and once for R."),
        Metric("raci.overlaps[].responsibility", "str", "The responsibility."),
        Metric("raci.overlaps[].role", "str", "`A` or `R`."),
        Metric("raci.overlaps[].departments", "list[str]", "The departments holding that role, sorted."),
        Metric("raci.overlaps_count", "int", "Length of `overlaps`."),
        Metric("raci.clear", "int", "Responsibilities with exactly one A department and exactly one R "
               "department (which may be the same)."),
        Metric("raci.clear_share", "float | null", "Share of clear responsibilities.",
               "clear / responsibilities", "null when the table names no responsibility.", ("pmi2017",)),
        Metric("raci_reason", "str | null", "Why `raci` is null.", "", "null when there is a responsibilities "
               "table."),
        _headline("structure", "fit_score", "float | null", "Unavailable components are left out and the weights "
                  "renormalised (no hierarchy: only coverage, split/merge and RACI count); null when no component "
                  "is available.", ("oecd2008",),
                  values=lambda lang, th: {"weights": _pairs(th.weights("structure.weight"), lang)}),
        Metric("score_components", "list[object]", "The six components behind `fit_score`, in weight "
               "order: span_health (share of managers with a span of "
               f"{lo}–{hi}, `structure.span.*`), layer_excess (clip(1 − max(excess_layers, 0) / {zero_at}, 0, 1), "
               "`structure.layers.excess_zero_at`), "
               "single_report_managers (1 − single_report_share), function_coverage (covered core groups / "
               "core groups), split_merge_fit (1 − failed structure checks / checks) and raci_clarity "
               "(raci.clear_share).", "", "", span_refs),
        Metric("score_components[].name", "str", "Component name."),
        Metric("score_components[].weight", "float", "Nominal weight, `structure.weight.<name>` (the six "
               "defaults sum to 1; only their ratios matter)."),
        Metric("score_components[].effective_weight", "float", "Weight after renormalising over the "
               "available components.", "wᵢ / Σ_available w", "0 when the component is unavailable."),
        Metric("score_components[].value", "float | null", "Component value in [0, 1].", "",
               "null when it cannot be computed (no hierarchy, no managers, no RACI table)."),
        Metric("score_components[].available", "bool", "Whether `value` is not null."),
        Metric("score_components[].measures", "str", "What the component measures, in a sentence."),
        _headline("structure", "score", "float | null", "As `fit_score`.", ("oecd2008",)),
        *_simulated_delayering(),
        *_simulated_split(),
        *_simulated_units(),
    ]


def _simulated_delayering() -> list[Metric]:
    k = "simulated_delayering"
    after = "after the suggested delayering (orgkit.scenario.suggest)"
    none = "null when no layering recommendation is made, or no manager qualifies."
    out = [Metric(k, "object | null", "The computed effect of removing the managers with at most "
                  "`scenario.delayer.max_span` direct reports on the reporting chains deeper than `min_layers`, "
                  "quoted by the layering recommendation (`flatten`, `rebalance` or `widen_spans`).",
                  "the plan applied (orgkit.apply_plan), the reporting tree measured again", none),
           Metric(f"{k}.recommendation", "str", "The recommendation that quotes it."),
           Metric(f"{k}.kind", "str", "`delayer`."),
           Metric(f"{k}.text", "str", "The sentence the recommendation ends with, in the report's language."),
           Metric(f"{k}.managers_removed", "int", "Managers the plan removes."),
           Metric(f"{k}.max_span", "int", "`scenario.delayer.max_span`."),
           Metric(f"{k}.min_layers", "int", "As `min_layers`.")]
    for name, typ, what in (("people", "int", "People"), ("layers", "int", "Layers (longest reporting chain)"),
                            ("managers", "int", "Managers (people with direct reports)"),
                            ("span_median", "float | null", "Median span of control over managers"),
                            ("manager_ratio", "float | null", "Managers / people")):
        out += [Metric(f"{k}.{name}_before", typ, f"{what}, now."), Metric(f"{k}.{name}_after", typ, f"{what}, {after}.")]
    return out


def _simulated_split() -> list[Metric]:
    k = "simulated_split"
    return [Metric(k, "object | null", "The computed effect of giving the second business function of each "
                   "department whose job titles show two (each held by at least the minimum group size and "
                   "`scenario.split.min_share` of the department) a department of its own, quoted by the "
                   "recommendation `split_department`.",
                   "the plan applied (orgkit.apply_plan), the job titles of each department read again",
                   "null without that recommendation, at the startup stage, without job titles, or when no "
                   "function gains a department of its own."),
            Metric(f"{k}.recommendation", "str", "`split_department`."),
            Metric(f"{k}.kind", "str", "`split`."),
            Metric(f"{k}.text", "str", "The sentence the recommendation ends with, in the report's language."),
            Metric(f"{k}.min_share", "float", "`scenario.split.min_share`."),
            Metric(f"{k}.splits", "list[object]", "One per department split."),
            Metric(f"{k}.splits[].department", "str", "The department split (never one under the minimum group "
                   "size)."),
            Metric(f"{k}.splits[].new", "str", "The new department (\"Department – Function\")."),
            Metric(f"{k}.splits[].function", "str", "The function whose people form it."),
            Metric(f"{k}.splits[].kept", "str", "The function that stays (the name's, else the largest)."),
            Metric(f"{k}.splits[].size", "int", "People moved (at least the minimum group size)."),
            Metric(f"{k}.splits[].has_head", "bool", "Whether one of them manages another of them."),
            Metric(f"{k}.splits[].head_span", "int", "That head's direct reports among them (0 without a head)."),
            Metric(f"{k}.separate_before", "int", "Functions some department's titles show alone, now."),
            Metric(f"{k}.separate_after", "int", "Functions some department's titles show alone, after the split."),
            Metric(f"{k}.separate_functions_before", "list[str]", "Those functions, now."),
            Metric(f"{k}.separate_functions_after", "list[str]", "Those functions, after the split."),
            Metric(f"{k}.departments_before", "int", "Departments, now."),
            Metric(f"{k}.departments_after", "int", "Departments, after the split.")]


def _simulated_units() -> list[Metric]:
    k = "simulated_units"
    return [Metric(k, "object | null", "The computed effect of a layer of business units or regions between the "
                   "top manager and the departments their direct reports head, when the organisation is large and "
                   "they are more than `structure.span.healthy_max`, grouped by the location most of each "
                   "department's people have, else by communities of the department tie graph; quoted by the "
                   "recommendation `add_units`.",
                   "the plan applied (orgkit.apply_plan), the reporting tree and the existing ties measured again",
                   "null without that recommendation, or with fewer than two groups of two departments."),
            Metric(f"{k}.recommendation", "str", "`add_units`."),
            Metric(f"{k}.kind", "str", "`units`."),
            Metric(f"{k}.text", "str", "The sentence the recommendation ends with, in the report's language."),
            Metric(f"{k}.basis", "str", "`location` or `communication`."),
            Metric(f"{k}.department_heads", "int", "Departments headed by the top manager's direct reports."),
            Metric(f"{k}.max_span", "int", "`structure.span.healthy_max`."),
            Metric(f"{k}.top_span_before", "int", "The top manager's direct reports, now."),
            Metric(f"{k}.top_span_after", "int", "The top manager's direct reports, with the units."),
            Metric(f"{k}.layers_before", "int", "Layers (longest reporting chain), now."),
            Metric(f"{k}.layers_after", "int", "Layers, with the units."),
            Metric(f"{k}.units", "list[object]", "One per proposed unit."),
            Metric(f"{k}.units[].unit", "str", "Its name (\"Region <location>\" or \"Business unit <n>\")."),
            Metric(f"{k}.units[].departments", "list[str]", "Its departments (none under the minimum group size)."),
            Metric(f"{k}.units[].people", "int", "People in its departments."),
            Metric(f"{k}.units[].ties", "int", "Ties with at least one end in the unit (absent without ties)."),
            Metric(f"{k}.units[].inside", "int", "Ties with both ends in the unit."),
            Metric(f"{k}.units[].inside_share", "float | null", "inside / ties; null without ties."),
            Metric(f"{k}.units[].ei", "float | null", "(ties - 2 inside) / ties, the E-I index of the unit "
                   "(Krackhardt & Stern); null without ties.")]


def _simulated_delegation() -> list[Metric]:
    k = "simulated_delegation"
    types = "that change"
    out = [Metric(k, "object | null", "The computed effect of delegating the decision types escalated at or above "
                  "`decisions.escalated_share.amber` (at most three) to the initiator's department head, quoted by "
                  "the recommendation `delegate`.",
                  "the plan applied (orgkit.apply_plan), every decision path measured again",
                  "null without that recommendation, or when delegating changes no recorded decision."),
           Metric(f"{k}.recommendation", "str", "`delegate`."),
           Metric(f"{k}.kind", "str", "`delegate`."),
           Metric(f"{k}.text", "str", "The sentence the recommendation ends with, in the report's language."),
           Metric(f"{k}.types", "list[str]", "The decision types delegated."),
           Metric(f"{k}.decisions", "int", "Recorded decisions."),
           Metric(f"{k}.of_types", "int", "Recorded decisions of the types delegated."),
           Metric(f"{k}.changed", "int", "Recorded decisions given a new decider or fewer approvals.")]
    for name, typ, what in (("hops_median", "float | null", f"Median hops of the decisions {types}"),
                            ("approvals_mean", "float | null", f"Mean approvals of the decisions {types}"),
                            ("escalated_share", "float | null", "Share of all decisions escalated")):
        out += [Metric(f"{k}.{name}_before", typ, f"{what}, now."),
                Metric(f"{k}.{name}_after", typ, f"{what}, after the suggested delegation.")]
    return out


def _communication() -> list[Metric]:
    from orgkit.areas.betweenness import EXACT_BETWEENNESS_MAX_NODES
    from orgkit.areas.communication import (
        MAX_COMMUNITY_EDGES,
        OTHER_GROUP,
        analyze_communication,
    )

    silo = {k: p.default for k, p in inspect.signature(analyze_communication).parameters.items()}
    d = "departments.<department>"
    no_tie = "null when there is no tie."
    no_mgr = "null without a `manager_id` column."
    return [
        Metric("available", "bool", "Whether the client has a communication table. When false the block "
               "holds only `available`, `reason`, `people` and `score` (null)."),
        Metric("reason", "str", "Why the area could not be assessed.", "", "Present only when `available` is "
               "false."),
        Metric("people", "int", "People in the graph (n): everyone in people, with or without ties."),
        Metric("rows", "int", "Rows of the communication table used (after the loader dropped rows naming "
               "unknown people and self-rows).", ""),
        Metric("messages", "float", "Messages: the sum of the rows' weights (1 per row without a weight column), "
               "every row counted whatever the tie rule.", "W = Σ rows w_r"),
        Metric("tie_basis", "str", "`messages` when the rows are a message log (see `tie_evidence`): a tie "
               "needs `tie_min_messages` messages; `rows` when each row is a named tie (a network survey), read "
               "as given.", "", "", ("kossinets2006",)),
        Metric("tie_evidence", "list[str]", "What shows the rows are individual messages: `timestamps` (dated "
               "rows), `repeated_pairs` (a sender-recipient pair in several rows), `weights` (whole-number "
               "weights, some ≥ 2).", "", "Empty for a table of named ties."),
        Metric("tie_rule_source", "str", "`client.yml` when the client set `communication.tie.min_messages` "
               "or `communication.tie.reciprocated`, else `default`."),
        Metric("tie_min_messages", "int", "Messages (both directions together) a pair needs to be a tie, as "
               "applied: `communication.tie.min_messages` for a message log, 1 for named ties (unless "
               "client.yml sets it) and when the threshold was waived.", "tie ⇔ w_uv ≥ k",
               "", ("kossinets2006", "adamic2005")),
        Metric("tie_threshold_waived", "bool", "Whether the default threshold was waived because it would "
               "have left out more than `communication.tie.max_left_out_share` of the pairs in contact (a "
               "thin log, where single messages are most of the evidence)."),
        Metric("pairs_left_out_if_applied", "int | null", "Pairs the waived threshold would have left out.",
               "", "null unless `tie_threshold_waived`."),
        Metric("tie_reciprocated", "bool", "Whether a tie also needs a message in each direction "
               "(`communication.tie.reciprocated`).", "", "", ("kossinets2006",)),
        Metric("pairs", "int", "Pairs of people linked by at least one row in either direction, ties or not."),
        Metric("pairs_below_threshold", "int", "Pairs in contact that are not ties under the tie rule.",
               "pairs − edges"),
        Metric("messages_below_threshold", "float", "Messages exchanged by the pairs that are not ties (they "
               "count in the message figures only)."),
        Metric("edges", "int", "Ties (m): pairs of people that meet the tie rule (undirected simple graph); "
               "every pair in contact for a table of named ties.", "", "", ("wasserman1994",)),
        _headline("communication", "density", "float", "0 when n < 2 or there is no tie.", ("wasserman1994",)),
        Metric("isolates", "int", "People without any tie.", ""),
        Metric("isolate_share", "float | null", "Share of people without any tie.", "isolates / n",
               "null when n = 0."),
        Metric("largest_component_share", "float | null", "Share of the connected people (at least one tie) "
               "who are in the largest connected group.", "|largest component| / people with ≥ 1 tie",
               no_tie, ("wasserman1994",)),
        _headline("communication", "ei_index", "float | null", no_tie, ("krackhardt1988",)),
        Metric("ei_index_expected", "float | null", "The E-I index random mixing would give with these "
               "department sizes (the baseline to read `ei_index` against).",
               "1 − 2 Σ_d n_d(n_d − 1) / (n(n − 1))", "null when n < 2; −1 with one department.",
               ("krackhardt1988", "blau1977")),
        Metric("ei_index_weighted", "float | null", "E-I index on messages: every message counted (the sum of "
               "the rows' weights), pairs below the tie rule included.", "(W_E − W_I) / (W_E + W_I)",
               "null without messages.", ("krackhardt1988",)),
        Metric("cross_department_share", "float | null", "Share of ties that cross department lines.",
               "E / (E + I) = (1 + EI) / 2", no_tie, ("krackhardt1988",)),
        Metric("cross_department_message_share", "float | null", "Share of messages that cross department "
               "lines, every message counted.", "W_E / (W_E + W_I) = (1 + EI_msg) / 2",
               "null for a table of named ties (`tie_basis` `rows`) and without messages.", ("krackhardt1988",)),
        Metric("bases_disagree", "bool | null", "Whether the tie share and the message share crossing departments "
               "differ by at least `communication.basis.gap_min`; the report then says so as a finding.",
               "|E / (E + I) − W_E / (W_E + W_I)| ≥ gap_min", "null when either share is null."),
        Metric("period_start", "str | null", "Date of the first timestamp (ISO).", "",
               "null without a timestamp column or without any date."),
        Metric("period_end", "str | null", "Date of the last timestamp (ISO).", "",
               "null without a timestamp column or without any date."),
        Metric("period_days", "float | null", "Days from the first to the last timestamp.", "t_last − t_first",
               "null without dates."),
        Metric("period_months", "float | null", "The period in months.", "period_days / 30.44",
               "null without dates."),
        Metric("messages_per_person_week", "float | null", "Messages per person and week, everyone in people "
               "counted (how thick a record of the work the log is).", "W / (n · period_days / 7)",
               "null without dates, or when the period is shorter than a day."),
        _headline("communication", "modularity", "float | null", f"{no_tie} 0 with a single department. "
                  "Reported, not scored (it restates the E-I index).", ("newman2006",)),
        Metric("reciprocity", "float | null", "Share of distinct directed pairs source → target whose reverse "
               "also occurs (rows read as directed).", "|{(s,t) ∈ P : (t,s) ∈ P}| / |P|, P = distinct "
               "ordered pairs", "null without rows. 1.0 usually means ties were listed both ways, 0.0 that "
               "each was listed once.", ("wasserman1994", "garlaschelli2004")),
        Metric("reporting_lines", "int | null", "Reporting lines: distinct (person, manager) pairs.", "",
               no_mgr, ("krackhardt1993",)),
        Metric("ties_on_reporting_lines", "int | null", "Ties between a person and their manager.",
               "|T ∩ L|; T = ties, L = reporting lines", no_mgr, ("krackhardt1993",)),
        Metric("ties_along_reporting_lines", "float | null", "Share of all ties that run along a reporting "
               "line (how much of the informal network is the formal one).", "|T ∩ L| / |T|",
               f"{no_mgr} null when there is no tie.", ("krackhardt1993",)),
        Metric("reporting_lines_with_tie", "float | null", "Share of reporting lines that carry a tie (how "
               "many managers talk to their reports at all).", "|T ∩ L| / |L|",
               f"{no_mgr} null when nobody has a manager.", ("krackhardt1993",)),
        Metric("reporting_lines_without_tie", "int | null", "Reporting lines that carry no tie (manager and "
               "report below the tie rule).", "|L \\ T|", no_mgr, ("krackhardt1993",)),
        Metric("reporting_lines_without_messages", "int | null", "Reporting lines without a single message in "
               "either direction.", "|L \\ P|; P = pairs in contact",
               f"{no_mgr} null for a table of named ties.", ("krackhardt1993",)),
        Metric("communities", "int | null", "Louvain communities (seed 0) among people with ties.", "",
               "null when `communities_method` is `none` or `skipped`.", ("blondel2008",)),
        Metric("communities_large", "int | null", "Communities with at least `min_group_size` people (the only "
               "ones a report may describe as groups).", "", "null when communities were not detected."),
        Metric("community_departments", "object", "How departments split across the communities: one entry per "
               "department of at least `min_group_size` people (not hidden by complementary suppression) with at "
               "least `min_group_size` people with ties.", "", "Empty when communities were not detected.",
               ("krackhardt1993",)),
        Metric("community_departments.<department>", "object", "One department's split."),
        Metric("community_departments.<department>.people_with_ties", "int", "Its people with at least one tie "
               "(c_d)."),
        Metric("community_departments.<department>.main_community_share", "float", "Share of them in the "
               "community that holds most of them.", "max_k c_dk / c_d"),
        Metric("community_departments.<department>.communities", "int", "Communities its people with ties are "
               "spread over.", "|{k : c_dk > 0}|"),
        Metric("community_departments_hidden", "int | null", "Departments left out of `community_departments` "
               "(too small, hidden, or too few people with ties).", "", "null when communities were not detected."),
        Metric("communities_method", "str", "`louvain`, `none` (no tie) or `skipped` (more than "
               f"{MAX_COMMUNITY_EDGES:,} ties, where networkx's Louvain is too slow).", ""),
        Metric("community_department_nmi", "float | null", "Agreement between the Louvain communities and "
               "the departments, over people with ties: 1 = identical up to renaming, 0 = independent.",
               "NMI = 2 I(C; D) / (H(C) + H(D))", "null when communities were not detected; 1 when both "
               "have one group, 0 when only one does.", ("strehl2002",)),
        _headline("communication", "silos", "list[str]", "Small departments are never named.",
                  ("krackhardt1988", "blau1977"), values=lambda lang, th: {
                      "margin": f"{th['communication.silo.margin']:g}",
                      "max_external": f"{th['communication.silo.max_external_share']:g}"}),
        _headline("communication", "departments", "object", "Departments smaller than `min_group_size` are "
                  "pooled in one last entry, "
                  f'`"{OTHER_GROUP}": {{"size": null, "suppressed": true, "departments": k}}`; a larger department '
                  'hidden so the small ones cannot be recovered from the totals is `{"size": null, "suppressed": '
                  "true}`.", ("krackhardt1988",)),
        Metric(d, "object", "One department's numbers (n_d people, I_d ties inside, E_d ties with one end "
               "inside).", "", "Only `size` (null) and `suppressed` (true) for a hidden department."),
        Metric(f"{d}.departments", "int", f"Only in the `{OTHER_GROUP}` entry: how many departments smaller "
               "than `min_group_size` it pools (never named)."),
        Metric(f"{d}.size", "int | null", "People in the department (n_d).", "", "null when suppressed."),
        Metric(f"{d}.density", "float | null", "Tie density inside the department.",
               "I_d / (n_d(n_d − 1) / 2)", "null for a one-person department.", ("wasserman1994",)),
        Metric(f"{d}.ei_index", "float | null", "The department's E-I index.", "(E_d − I_d) / (E_d + I_d)",
               "null when the department has no tie.", ("krackhardt1988",)),
        Metric(f"{d}.ei_index_expected", "float | null", "The department's E-I index under random mixing.",
               "1 − 2(n_d − 1) / (n − 1)", "null when n < 2.", ("krackhardt1988", "blau1977")),
        Metric(f"{d}.external_share", "float | null", "Share of the department's ties that leave it.",
               "E_d / (E_d + I_d) = (1 + EI_d) / 2", "null when the department has no tie."),
        Metric(f"{d}.ei_index_weighted", "float | null", "The department's E-I index on messages (every "
               "message counted).", "(W_E,d − W_I,d) / (W_E,d + W_I,d)", "null when the department has no message."),
        Metric(f"{d}.external_message_share", "float | null", "Share of the department's messages that leave it.",
               "W_E,d / (W_E,d + W_I,d)", "null for a table of named ties and when the department has no "
               "message."),
        Metric(f"{d}.internal_ties", "int", "Ties with both ends in the department (I_d)."),
        Metric(f"{d}.external_ties", "int", "Ties with exactly one end in the department (E_d)."),
        Metric(f"{d}.silo", "bool", "Whether the department is a silo (see `silos`)."),
        Metric(f"{d}.suppressed", "bool", "Whether the department's numbers are hidden (it is smaller than "
               "`min_group_size`, or hidden with them by complementary suppression)."),
        Metric("brokers", "list[object]", f"The (up to {silo['top_brokers']}) people with the highest betweenness, highest "
               "first; people with betweenness 0 are left out.", "", "", ("freeman1977", "brandes2001")),
        Metric("brokers[].employee_id", "str", "The person's id (never a name)."),
        Metric("brokers[].department", "str", f"Their department, or `{OTHER_GROUP}` when it is smaller "
               "than `min_group_size`."),
        Metric("brokers[].betweenness", "float", "Normalised shortest-path betweenness on the unweighted "
               "graph.", "Σ_{s≠v≠t} σ_st(v) / σ_st, divided by (n − 1)(n − 2) over ordered pairs (networkx "
               f"`normalized=True`); estimated from sampled sources above {EXACT_BETWEENNESS_MAX_NODES:,} "
               "people", "", ("freeman1977", "brandes2001", "brandes2007")),
        Metric("brokers[].departments_reached", "int", "Departments other than their own in which they have "
               "a tie."),
        Metric("betweenness_sampled", "bool", "Whether betweenness was estimated from sampled sources "
               f"(above {EXACT_BETWEENNESS_MAX_NODES:,} people).", "", "", ("brandes2007",)),
        Metric("betweenness_sources", "int", "Breadth-first-search sources used for betweenness.",
               "n when exact; min(n, 500, max(100, 4·10⁸ // 2m)) when sampled",
               "0 when betweenness was switched off.", ("brandes2007",)),
        Metric("min_group_size", "int", "The threshold applied to this block.", ""),
        _headline("communication", "score", "float | null", "null without communication data or without any tie.",
                  ("krackhardt1988",),
                  values=lambda lang, th: {"weights": _pairs(th.weights("communication.weight"), lang)}),
    ]


def _decisions() -> list[Metric]:
    def targets(goals: dict[str, tuple[float, float, float]], language: str) -> str:
        return t("list.clause_separator", language).join(
            t("metric.decisions.score.target", language, name=component_name(k, language),
              good=_value_text(g, REGISTRY[f"decisions.target.{k}.good"].unit),
              bad=_value_text(b, REGISTRY[f"decisions.target.{k}.bad"].unit), weight=_value_text(w, "weight"))
            for k, (g, b, w) in goals.items())

    no_h = "null without a `manager_id` column."
    quantities = {
        "hops": ("reporting lines between initiator and decider", "d(i) + d(k) − 2 d(m), m = their lowest "
                 "common manager, d = depth", "Over decisions whose initiator and decider are in one tree; "
                 "null without a `manager_id` column or when there is none.", ("bender2000", "galbraith1974")),
        "approvals": ("listed approvers per decision", "|A|, the approvers listed (0 if none)",
                      "null without decision records.", ("galbraith1974",)),
        "departments_crossed": ("departments a decision crosses", "|{dep(i)} ∪ dep(A) ∪ {dep(k)}| − 1",
                                "null without decision records.", ("galbraith1974",)),
        "latency_days": ("days from raising to deciding", "(decided_at − raised_at) in days",
                         "Over decisions with both timestamps and a latency ≥ 0; null when there is none.",
                         ("galbraith1974",)),
    }
    stats = {"mean": "Mean", "median": "Median", "p90": "90th percentile (linear interpolation) of"}
    # the decision-path statistics the report's appendix shows (their texts are in the catalogue)
    headline_stats = {("hops", "mean"), ("hops", "median"), ("hops", "p90"), ("approvals", "mean"),
                      ("latency_days", "median")}

    def family(prefix: str, headline: bool) -> list[Metric]:
        out = []
        for q, (what, formula, cond, refs) in quantities.items():
            for s, word in stats.items():
                quantile = ("hyndman1996",) if s == "p90" else ()
                if headline and (q, s) in headline_stats:
                    out.append(_headline("decisions", f"{q}_{s}", "float | null", cond, refs + quantile))
                else:
                    out.append(Metric(f"{prefix}{q}_{s}", "float | null", f"{word} {what}.", formula, cond,
                                      refs + quantile))
        return out

    bt = "by_type.<decision_type>"
    esc = ("Share of decisions escalated beyond the initiator's department head H: the decider is neither H "
           "nor anyone reporting up to H (whatever the decider's department).")
    esc_deg = ("Over decisions whose initiator and decider are in one tree; null without a `manager_id` column "
               "or when there is none.")
    return [
        Metric("available", "bool", "Whether decision records exist (at least one row). Without them the "
               "area is not assessed: `score` is null and only `context` is filled."),
        Metric("reason", "str | null", "Why the area is not (fully) assessed.", "",
               "null when decision records exist."),
        Metric("decisions", "int", "Number of decision records, open ones included."),
        Metric("closed", "int", "Decisions with a decided date."),
        Metric("open", "int | null", "Decisions still open: a raised date and no decided date (a decided date "
               "the loader cleared because it came before the raised one does not count).", "",
               "null without decision records, or when no record has a decided date (open and decided cannot "
               "be told apart; `open_reason` says so)."),
        Metric("undated", "int", "Decisions whose state cannot be told: no decided date and no raised date (or "
               "a decided date cleared by the loader, or no decided date anywhere in the file)."),
        Metric("open_share", "float | null", "Share of the records still open.", "open / decisions",
               "null when `open` is null."),
        Metric("open_oldest_days", "float | null", "Days the oldest open decision has waited, to "
               "`reference_date`.", "max over open decisions of (reference_date − raised_at) in days",
               "null without open decisions."),
        Metric("open_median_days", "float | null", "Median days open decisions have waited, to "
               "`reference_date`.", "median over open decisions of (reference_date − raised_at) in days",
               "null without open decisions."),
        Metric("reference_date", "str | null", "The date open decisions are aged to: the latest raised or "
               "decided date in the decision records (ISO 8601 date). A later export date would make every "
               "age a lower bound; the clock of the machine is never used.", "max(raised_at, decided_at)",
               "null without records or without any date."),
        Metric("open_reason", "str | null", "Why `open` is null although decision records exist.", "",
               "null when open decisions could be counted (or without records)."),
        Metric("latency_decisions", "int", "Closed decisions with both dates and a latency ≥ 0: the decisions "
               "behind every `latency_days_*` statistic (open decisions never enter them)."),
        *family("", True),
        Metric("escalated_share", "float | null", esc, "decisions escalated (`up` or `across`) / decisions "
               "with a known escalation; H = top of the initiator's unbroken same-department reporting "
               "chain", esc_deg, ("galbraith1974", "hillis1986")),
        Metric("escalated_up_share", "float | null", "Share of decisions whose decider is a strict ancestor "
               "of the initiator's department head (escalated up the line).", "", esc_deg),
        Metric("escalated_across_share", "float | null", "Share of decisions whose decider sits elsewhere in "
               "the same tree (escalated across).", "escalated_share = escalated_up_share + "
               "escalated_across_share", esc_deg),
        Metric("not_in_one_tree", "int", "Decisions whose initiator and decider are in different reporting "
               "trees (hops and escalation left out, never guessed)."),
        Metric("not_in_one_tree_ids", "list[str]", "Their `decision_id`s."),
        Metric("negative_latency", "int", "Decisions decided before they were raised (a data problem; "
               "latency left out)."),
        Metric("negative_latency_ids", "list[str]", "Their `decision_id`s."),
        Metric("missing_latency", "int", "Decisions without `raised_at` or `decided_at`."),
        Metric("by_type", "object", "The same statistics per decision type, sorted by type; `{}` without "
               "decision records. Not suppressed: decision types are not groups of people."),
        Metric(bt, "object", "One decision type's statistics."),
        Metric(f"{bt}.count", "int", "Decisions of this type, open ones included."),
        Metric(f"{bt}.open", "int", "Decisions of this type still open (see `open`)."),
        Metric(f"{bt}.closed", "int", "Decisions of this type with a decided date."),
        *family(f"{bt}.", False),
        Metric(f"{bt}.escalated_share", "float | null", "Escalated share within this type.", "", esc_deg),
        Metric("context", "object", "Structural context, never scored and never a finding: how far people "
               "sit from the top and from their department heads. Computed whenever there is a hierarchy; "
               "without decision records the report shows it, labelled as context, where the score would be."),
        Metric("context.layers", "int | null", "Reporting layers (as `structure.layers`).", "max(depth) + 1",
               f"{no_h} 0 for an empty organisation."),
        Metric("context.distance_to_top_mean", "float | null", "Mean number of reporting lines from a person to "
               "the top of their tree (their depth), over everyone.", "mean of d(i)", no_h, ("rajan2006",)),
        Metric("context.distance_to_top_median", "float | null", "Median distance to the top: the typical "
               "person's reporting lines from the top (the report's context line).", "median of d(i)", no_h,
               ("rajan2006",)),
        Metric("context.distance_to_top_p90", "float | null", "90th percentile of the distance to the top.",
               "linear-interpolation quantile of d(i)", no_h, ("rajan2006", "hyndman1996")),
        Metric("context.distance_to_head_mean", "float | null", "Mean number of reporting lines from a person up "
               "to their department head (the top of their unbroken same-department chain).",
               "mean of d(i) − d(h(i))", f"{no_h} 0 for heads, one-person departments and people whose "
               "manager is in another department.", ("rajan2006", "hillis1986")),
        Metric("context.distance_to_head_p90", "float | null", "90th percentile of the distance to the "
               "department head.", "linear-interpolation quantile of d(i) − d(h(i))", no_h,
               ("rajan2006", "hyndman1996")),
        Metric("hierarchy_reason", "str | null", "Why hops, escalation and distances are null.", "",
               "null with a `manager_id` column."),
        _headline("decisions", "score", "float | null", "Missing components drop out and the rest are re-weighted; "
                  "null without decision records (never a stand-in), and null when the components with a value "
                  "carry less than `score.evidence.min_share` of the weight.", ("galbraith1974",),
                  values=lambda lang, th: {"with_records": targets(th.targets("decisions.weight"), lang),
                                           "min_share": th.text("score.evidence.min_share")}),
        *_simulated_delegation(),
    ]


def _survey() -> list[Metric]:
    fav_min, unf_max = DEFAULTS["survey.answer.favourable_min"], DEFAULTS["survey.answer.unfavourable_max"]
    neutral = f"{unf_max + 1}" if fav_min - unf_max == 2 else f"{unf_max + 1}–{fav_min - 1}"
    dim = "dimensions.<dimension>"
    hidden = "null when hidden by anonymity (fewer than `min_group_size` respondents)."
    fav = (f"answers ≥ {fav_min} (`survey.answer.favourable_min`) / all answers in the dimension (after reverse "
           "scoring)")
    ch = "change.<dimension>"
    ch_deg = ("null when either wave has fewer than 2 respondents, both have zero variance, the cell is "
              "suppressed in either wave, or the previous wave lacks the dimension.")
    return [
        Metric("available", "bool", "Whether the client has a survey with responses. When false the block "
               "holds only `available`, `reason` and `score` (null)."),
        Metric("reason", "str", "Why the survey is not (fully) shown.", "", "Present when `available` is false, "
               "or when fewer than `min_group_size` people answered (every number then hidden)."),
        _headline("survey", "respondents", "int", "Absent when `available` is false."),
        _headline("survey", "response_rate", "float | null",
                  "null when people is empty. Absent when `available` is false."),
        Metric("min_group_size", "int", "The threshold applied to this block."),
        Metric("dimensions", "object", "Overall numbers per dimension, in the order of the survey's item "
               "columns."),
        Metric(dim, "object", "One dimension over all respondents."),
        Metric(f"{dim}.mean", "float | null", "Mean dimension score (1–5).", "mean over respondents of the mean "
               "of their answered items (reverse-worded items flipped, x → 6 − x)", hidden),
        Metric(f"{dim}.favourable", "float | null", "Share of favourable answers.", fav, hidden),
        Metric(f"{dim}.neutral", "float | null", f"Share of neutral answers ({neutral}).",
               f"answers between the unfavourable and the favourable ones ({neutral}) / all answers", hidden),
        Metric(f"{dim}.unfavourable", "float | null", "Share of unfavourable answers.",
               f"answers ≤ {unf_max} (`survey.answer.unfavourable_max`) / all answers", hidden),
        Metric(f"{dim}.n", "int | null", "Respondents with at least one answered item in the dimension.", "",
               hidden),
        Metric(f"{dim}.ci_low", "float | null", "Lower end of the 95 % confidence interval of `mean`.",
               "x̄ − t₀.₉₇₅,ₙ₋₁ · s / √n over respondents' scores", f"null when n < 2; {hidden}",
               ("student1908",)),
        Metric(f"{dim}.ci_high", "float | null", "Upper end of that interval.", "x̄ + t₀.₉₇₅,ₙ₋₁ · s / √n",
               f"null when n < 2; {hidden}", ("student1908",)),
        Metric(f"{dim}.alpha", "float | null", "Cronbach's alpha of the dimension's items (as `alpha`).",
               "k/(k − 1) · (1 − Σ σᵢ² / σ_X²)", "See `alpha.<dimension>`.", ("cronbach1951",)),
        _headline("survey", "favourable", "object", "",
                  values=lambda lang, th: {"favourable_min": th["survey.answer.favourable_min"]}),
        Metric("favourable.<dimension>", "float | null", "Favourable share of the dimension.", fav, hidden),
        _headline("survey", "mean", "object", ""),
        Metric("mean.<dimension>", "float | null", "Mean score of the dimension.", "", hidden),
        _headline("survey", "alpha", "object", "", ("cronbach1951", "nunnally1978")),
        Metric("alpha.<dimension>", "float | null", "Cronbach's alpha over complete cases (listwise).",
               "α = k/(k − 1) · (1 − Σ σᵢ² / σ_X²), k items, sample variances",
               "null with fewer than 2 items, fewer than 3 complete cases, zero variance of the sum, or "
               "fewer than `min_group_size` respondents.", ("cronbach1951",)),
        Metric("low_alpha", "list[str]", f"Dimensions whose alpha is below `survey.alpha.min` (default "
               f"{DEFAULTS['survey.alpha.min']:g}).", "", "", ("nunnally1978",)),
        Metric("suppressed_groups", "int", "Number of departments whose survey numbers are hidden in every "
               "table: fewer than `min_group_size` respondents, extended by complementary suppression so "
               "no hidden group can be recovered from the totals (counted, never named).", "", "",
               ("hundepool2012",)),
        Metric("agreement", "object", "Within-department agreement and between-department reliability per "
               "dimension."),
        Metric("agreement.<dimension>", "object", "One dimension's agreement numbers."),
        Metric("agreement.<dimension>.rwg_mean", "float | null", "Mean within-group agreement r_wg(J) over "
               "the shown departments with a value.", "r_wg(J) = J(1 − r) / (J(1 − r) + r), r = mean item "
               "variance / 2 (uniform null for 5 options); 0 when r ≥ 1",
               "null when no shown department has a value (< 2 complete cases).",
               ("james1984", "lebreton2008")),
        Metric("agreement.<dimension>.icc1", "float | null", "ICC(1): share of the variance of individual "
               "scores that lies between departments.", "(MSB − MSW) / (MSB + (k − 1) MSW), k = N / G",
               "null with fewer than 2 departments, no within-department degrees of freedom, a zero "
               "denominator, or fewer than `min_group_size` respondents.", ("bliese2000", "shrout1979")),
        Metric("agreement.<dimension>.icc2", "float | null", "ICC(2): reliability of the department means.",
               "(MSB − MSW) / MSB", "null as `icc1`, or when MSB = 0.", ("bliese2000",)),
        _headline("survey", "score", "float | null",
                  "null without a survey or when fewer than `min_group_size` people answered."),
        Metric("unmapped_items", "list[str]", "Survey columns with no dimension (not scored)."),
        Metric("warnings", "list[str]", "Things the report must mention (unmapped items, response rates above "
               "100 %, departments unknown to people, repeated respondent ids, items missing in the "
               "previous wave)."),
        Metric("change", "object", "Change against the previous survey wave, per dimension over all "
               "respondents.", "", "Present only when a previous wave (survey_previous) with shared items is "
               "given.", ("welch1947",)),
        Metric(ch, "object", "One dimension's change."),
        Metric(f"{ch}.mean_change", "float | null", "Change of the mean score.", "mean_now − mean_prev",
               ch_deg),
        Metric(f"{ch}.favourable_change", "float | null", "Change of the favourable share.",
               "favourable_now − favourable_prev", ch_deg),
        Metric(f"{ch}.ci_low", "float | null", "Lower end of the 95 % CI of `mean_change`.",
               "Δ − t₀.₉₇₅,ν · √(s₁²/n₁ + s₂²/n₂), ν Welch–Satterthwaite", ch_deg, ("welch1947",)),
        Metric(f"{ch}.ci_high", "float | null", "Upper end of that interval.",
               "Δ + t₀.₉₇₅,ν · √(s₁²/n₁ + s₂²/n₂)", ch_deg, ("welch1947",)),
        Metric(f"{ch}.p_value", "float | null", "Two-sided p-value of Welch's t-test of the difference.", "",
               ch_deg, ("welch1947",)),
        Metric(f"{ch}.significant", "bool | null", f"Whether p < {DEFAULTS['survey.change.p_max']:g} "
               "(`survey.change.p_max`).", "", ch_deg, ("fisher1925",)),
        Metric("change.significant_departments", "list[list[str]]", "`[department, dimension]` pairs whose "
               f"change is significant (p < {DEFAULTS['survey.change.p_max']:g}), among cells shown in both waves.",
               "", "", ("welch1947",)),
    ]


def _triangulation() -> list[Metric]:
    c, sides = "comparisons[]", ("survey", "measured")
    verdict = ("`good`, `poor` or `not_assessed`: poor where the number's own status rule is amber or red "
               "(`survey.favourable`, `decisions.latency_days_median`, `decisions.escalated_share`), or from "
               "`triangulation.raci.unclear_share_poor`, `triangulation.span.favourable_gap`, "
               "`survey.felt_silo.mean_below`; a narrow or wide span band is poor on the structure side")
    out = [
        Metric("available", "bool", "Whether at least one comparison has both sides assessed."),
        Metric("agreements", "object", "How many comparisons have each agreement."),
    ]
    for a, meaning in (("agree_poor", "both sources see a problem"), ("felt_only", "only the survey sees a "
                       "problem (people feel what the data do not show)"), ("measured_only", "only the measured "
                       "source sees a problem (people do not feel it)"), ("partial", "an organisation row whose "
                       "departments split"), ("agree_good", "neither source sees a problem"),
                      ("not_assessed", "a side has no data")):
        out.append(Metric(f"agreements.{a}", "int", f"Comparisons where {meaning}."))
    out += [
        Metric("comparisons", "list[object]", "Every comparison of two sources on one question: organisation "
               "rows, then departments (sorted), then span bands. Only departments of at least "
               "`min_group_size` people whose survey cell is shown appear."),
        Metric(f"{c}.question", "str", "`speed` (decision speed: survey vs decision records), `silos` (felt vs "
               "measured silos), `roles` (role clarity vs RACI), `spans` (span of control vs what those teams "
               "answer)."),
        Metric(f"{c}.scope", "str", "`organisation`, `department` (by initiator department for decisions) or "
               "`span_band`."),
        Metric(f"{c}.unit", "str | null", "The department, or the span band (`narrow`, `wide`).", "",
               "null for organisation rows."),
        Metric(f"{c}.dimension", "str | null", "The survey dimension on the survey side.", "",
               "null for span rows that cannot be assessed at all."),
    ]
    for side in sides:
        what = "The survey (what people feel)" if side == "survey" else "The measured source"
        out += [
            Metric(f"{c}.{side}", "object", f"{what}: its number and verdict."),
            Metric(f"{c}.{side}.source", "str", "`survey`, `decisions`, `communication`, `raci` or `structure`."),
            Metric(f"{c}.{side}.measure", "str", "What `value` is: `favourable` (share), `mean` (1–5), "
                   "`low_departments` (count below `survey.felt_silo.mean_below`), `latency_days_median`, "
                   "`escalated_share`, `silo` (1 or 0), `silos` (count), `unclear_share` (RACI "
                   "responsibilities without exactly one A and one R department), `span_band` (managers in "
                   "the band)."),
            Metric(f"{c}.{side}.value", "float | null", "The number.", "unclear_share = 1 − clear / "
                   "responsibilities (per department: over those it holds any role in)",
                   "null when the side is not assessed: no data, a hidden survey cell, fewer than "
                   "`triangulation.records.min_decisions` decisions or `min_responsibilities` responsibilities."),
            Metric(f"{c}.{side}.verdict", "str", "The side's verdict.", verdict),
            Metric(f"{c}.{side}.n", "int | null", "What the value rests on: respondents, decisions, "
                   "responsibilities, departments or managers.", "", "null when unknown or hidden."),
            Metric(f"{c}.{side}.reason", "str | null", "Why the side is not assessed.", "",
                   "null when assessed."),
        ]
    out += [
        Metric(f"{c}.reference", "float | null", "For a span band: the favourable share of the teams of "
               "managers with a healthy span on the same dimension.", "survey side poor when reference − "
               "favourable ≥ `triangulation.span.favourable_gap`", "null for other questions or when the healthy "
               "band is hidden."),
        Metric(f"{c}.agreement", "str", "`agree_poor`, `agree_good`, `felt_only`, `measured_only`, `partial` or "
               "`not_assessed`.", "agree when both verdicts are equal; felt_only when only the survey is poor; "
               "measured_only when only the measured side is", "not_assessed when either side is."),
        Metric(f"{c}.reason", "str | null", "Why the comparison is not assessed (the survey side's reason "
               "first).", "", "null when assessed."),
        Metric("decision_types", "list[object]", "The decision records per decision type (not groups of "
               "people, not suppressed), judged for latency and escalation; set beside the organisation-wide "
               "survey verdict on decision speed."),
        Metric("decision_types[].decision_type", "str", "The type."),
        Metric("decision_types[].decisions", "int", "Decisions of the type."),
        Metric("decision_types[].latency_decisions", "int", "Decisions of the type with a latency (closed, "
               "dates in order)."),
        Metric("decision_types[].escalation_decisions", "int", "Decisions of the type whose escalation is known "
               "(initiator and decider in one reporting tree)."),
        Metric("decision_types[].latency_days_median", "float | null", "Median days to decide.", "",
               "null when no decision of the type has both dates."),
        Metric("decision_types[].escalated_share", "float | null", "Share escalated above or outside the "
               "initiator's department head.", "", "null without reporting lines."),
        Metric("decision_types[].latency_verdict", "str", "`good`, `poor` (from "
               "`decisions.latency_days_median.amber`) or `not_assessed` (fewer than "
               "`triangulation.records.min_decisions` decisions, or no latency)."),
        Metric("decision_types[].escalation_verdict", "str", "`good`, `poor` (from "
               "`decisions.escalated_share.amber`) or `not_assessed`."),
        Metric("span_bands", "list[object]", "The survey per span band of the respondents' managers (shown "
               "bands only): respondents linked by `respondent_id` = `employee_id` to their manager, whose span "
               "is narrow (< `structure.span.healthy_min`), healthy or wide (> `structure.span.healthy_max`). "
               "A band under `min_group_size` respondents is hidden, with complementary suppression over the "
               "bands and the unlinked respondents.", "", "[] without respondent ids or reporting lines.",
               ("hundepool2012",)),
        Metric("span_bands[].band", "str", "`narrow`, `healthy` or `wide`."),
        Metric("span_bands[].dimension", "str", "A survey dimension among role_clarity, growth, decision_speed."),
        Metric("span_bands[].respondents", "int | null", "Respondents in the band."),
        Metric("span_bands[].n", "int | null", "Respondents in the band who answered the dimension."),
        Metric("span_bands[].mean", "float | null", "Mean dimension score (1–5)."),
        Metric("span_bands[].favourable", "float | null", "Share of favourable answers."),
    ]
    return out


def _scores() -> list[Metric]:
    assessed = ("null when the area is not assessed: its data are missing, or the components that could be "
                "measured carry less than `score.evidence.min_share` of its weight.")
    statuses = ", ".join(f"`{a}`" for a in _ASSESSED_AREAS)
    return [
        _headline("scores", "structure", "float | null", "See `structure.fit_score`. " + assessed),
        _headline("scores", "communication", "float | null", "null without communication data or ties. " + assessed),
        _headline("scores", "decisions", "float | null", "null without decision records (the distance to the top "
                  "is context, never a score). " + assessed),
        _headline("scores", "survey", "float | null", "null without a survey or with too few respondents."),
        _headline("scores", "overall", "float | null", "null when fewer than `score.overall.min_areas` areas are "
                  "assessed.", ("oecd2008",),
                  values=lambda lang, th: {"min_areas": f"{th['score.overall.min_areas']:g}"}),
        Metric("overall_areas", "list[str]", "The assessed areas the overall score is computed over, in report "
               "order."),
        Metric("not_assessed", "list[str]", "The areas not assessed (no score, grey card)."),
        Metric("status", "object", "Each card's status: red, amber, green or grey (not assessed); see Scores "
               "and statuses for the card rule."),
        *[Metric(f"status.{a}", "str", f"The {a} card's status (as `{a}.status`)." if a != "overall" else
                 "The overall card's status: its score band, at most one band better than the worst assessed "
                 "area card; grey without an overall score.") for a in (*_ASSESSED_AREAS, "overall")],
    ]


#: The area blocks of metrics.json that carry a score, and the keys the assessment adds to each.
_ASSESSED_AREAS = ("structure", "communication", "decisions", "survey")


def _assessment_keys() -> tuple[Metric, ...]:
    """The keys :class:`orgkit.assessment.Assessment` adds to every area block (documented in each)."""
    return (
        Metric("assessed", "bool", "Whether the area is assessed: it has a score and the components that could "
               "be measured carry at least `score.evidence.min_share` of its weight "
               "(`orgkit.assessment.area_evidence`). Not assessed: `score` is null and the card is grey.",
               "", "", ("oecd2008",)),
        Metric("evidence_share", "float | null", "Share of the score's weight whose component could be measured "
               "(1 for the survey score, which has no components).", "Σ w_j over measured components / Σ w_j",
               "null when the area has no score at all."),
        Metric("not_assessed_reason", "str | null", "Why the area is not assessed: `no_data` (its data are "
               "missing), `hidden` (too few survey respondents), `evidence` (too little of the score "
               "measured), `no_score` (the data allow no score).", "", "null when assessed."),
        Metric("status", "str", "The card's status (`orgkit.findings.area_statuses`): the score band, held at "
               "most one band above the area's worst finding; grey when not assessed."),
    )


def _thresholds() -> list[Metric]:
    k = "<threshold>"
    return [
        Metric(k, "object", "One threshold or weight and where its value came from (see Thresholds and "
               "weights)."),
        Metric(f"{k}.value", "int | float", "The value the assessment used: the client's `thresholds:` in "
               "client.yml, else the default."),
        Metric(f"{k}.default", "int | float", "orgkit's default."),
        Metric(f"{k}.overridden", "bool", "Whether client.yml set a value other than the default."),
        Metric(f"{k}.unit", "str", "What the number counts: " + ", ".join(f"`{u}`" for u in UNITS)
               + " (a `share` is a fraction in [0, 1])."),
        Metric(f"{k}.source", "str", "The works the default rests on (author year, `; `-separated), or "
               "`judgement` where no study fixes the number (the reason is given under Thresholds and "
               "weights)."),
    ]


_BUILDERS = {
    "client": _client, "run": _run, "data": _data, "structure": _structure,
    "communication": _communication, "decisions": _decisions, "survey": _survey,
    "triangulation": _triangulation, "scores": _scores,
    "thresholds": _thresholds,
}


@lru_cache(maxsize=1)
def _all() -> dict[str, tuple[Metric, ...]]:
    out = {area: tuple(_BUILDERS[area]()) + (_assessment_keys() if area in _ASSESSED_AREAS else ())
           for area in AREAS}
    for area, metrics in out.items():
        keys = [m.key for m in metrics]
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:  # pragma: no cover - a programming error in this module
            raise ConfigError(f"metric keys defined twice in area {area!r}: {dup}")
        for m in metrics:
            unknown = [r for r in m.references if r not in REFERENCES]
            if unknown:  # pragma: no cover - a programming error in this module
                raise ConfigError(f"{area}.{m.key} cites unknown references {unknown}")
    return out


def _check_area(area: str | None) -> None:
    if area is not None and area not in AREAS:
        raise ConfigError(f"area must be one of {list(AREAS)} or None. Got {area!r} instead.")


def definitions(area: str | None = None) -> dict[str, tuple[Metric, ...]]:
    """The metric definitions per area (all areas, or only ``area``), in ``metrics.json`` order.

    Parameters
    ----------
    area : str, optional
        One of :data:`AREAS`.

    Returns
    -------
    dict
        Area -> tuple of :class:`Metric`.

    Raises
    ------
    ConfigError
        For an unknown area.

    Examples
    --------
    >>> [m.key for m in definitions("scores")["scores"]][:6]
    ['structure', 'communication', 'decisions', 'survey', 'overall', 'overall_areas']
    """
    _check_area(area)
    defs = _all()
    return {a: defs[a] for a in AREAS if area is None or a == area}


def metric_paths(area: str | None = None) -> list[str]:
    """Every documented key as a full ``metrics.json`` path pattern (``structure.span_bands.<band>.share``).

    Parameters
    ----------
    area : str, optional
        One of :data:`AREAS`; every area when omitted.

    Returns
    -------
    list of str
        Block name, a dot, then the key pattern (top-level keys of the ``run`` area have no block).

    Examples
    --------
    >>> metric_paths("run")
    ['orgkit_version', 'generated_at']
    """
    out = []
    for a, metrics in definitions(area).items():
        block = BLOCKS[a]
        out += [m.key if block is None else f"{block}.{m.key}" for m in metrics]
    return out


def _reference_text(keys: Sequence[str]) -> str:
    return "; ".join(
        f"{REFERENCES[k].short}, {REFERENCES[k].url}" if REFERENCES[k].url else REFERENCES[k].short for k in keys
    )


def metric_definitions(
    area: str | None = None, language: str = "en", *, headline_only: bool = False,
    thresholds: Thresholds | None = None,
) -> pd.DataFrame:
    """The metric definitions as a table, for the report's method appendix.

    Parameters
    ----------
    area : str, optional
        One of :data:`AREAS` (``client``, ``run``, ``data``, ``structure``, ``communication``,
        ``decisions``, ``survey``, ``scores``); every area when omitted.
    language : {"en", "zh"}
        Language of ``meaning`` and ``formula``. Chinese exists for the headline metrics; other keys
        fall back to English.
    headline_only : bool
        Only the headline metrics (those the report's appendix shows).
    thresholds : Thresholds, optional
        The numbers the headline formulas name (default: the registry's); the report passes the
        client's.

    Returns
    -------
    DataFrame
        One row per key in ``metrics.json`` order, all ``str``: ``area``, ``key`` (the pattern inside the
        area's block), ``term`` (a headline metric's plain name in ``language``, :func:`metric_term`; the key
        for the others), ``meaning``, ``formula``, ``degenerate``, ``reference`` (``"Author year, DOI
        URL"``, ``;``-separated; empty when none).

    Raises
    ------
    ConfigError
        For an unknown area or language.

    Examples
    --------
    >>> t = metric_definitions("communication", language="zh", headline_only=True)
    >>> t.loc[t["key"] == "density", "formula"].item()
    '2m / (n(n − 1))'
    """
    _check_area(area)
    if language not in LANGUAGES:
        raise ConfigError(f"language must be one of {list(LANGUAGES)}. Got {language!r} instead.")
    rows = [
        {
            "area": a,
            "key": m.key,
            "term": metric_term(a, m.key, language) if m.headline else m.key,
            "meaning": m.meaning_in(language),
            "formula": m.formula_in(language, thresholds),
            "degenerate": m.degenerate,
            "reference": _reference_text(m.references),
        }
        for a, metrics in definitions(area).items()
        for m in metrics
        if m.headline or not headline_only
    ]
    columns = ["area", "key", "term", "meaning", "formula", "degenerate", "reference"]
    return pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype="str") for c in columns})


# --------------------------------------------------------------------------------------------------
# docs/metrics.md
# --------------------------------------------------------------------------------------------------
_INTROS: dict[str, str] = {
    "client": "Who the assessment is for and with which settings.",
    "run": "Two top-level scalars (not in a block): which orgkit produced the file, and when.",
    "data": "What was loaded (`orgkit.data.summary.data_summary`): counts, source files and loader warnings.",
    "structure": "Structure fit (`orgkit.areas.structure.analyze_structure`): layers and spans of control from "
                 "the reporting lines, department coverage of the framework at the client's stage, and RACI "
                 "clarity. Everything except the hierarchy metrics is available with people alone.",
    "communication": "The communication graph (`orgkit.areas.communication.analyze_communication`): one node per "
                     "person in people, one undirected edge (a tie) per pair that meets the tie rule: in a "
                     "message log (dated rows, repeated pairs or message counts) at least "
                     "`communication.tie.min_messages` messages, both directions together; in a table of named "
                     "ties every pair listed. Headline numbers count ties; the `message` figures and `_weighted` "
                     "variants count every message (the rows' weights). Without a "
                     "communication table the block holds only `available` (false), `reason`, `people` and "
                     "`score` (null).",
    "decisions": "Decision paths (`orgkit.areas.decisions.analyze_decisions`): per decision, the reporting lines "
                 "between initiator and decider (hops), the approvers, the departments crossed and the "
                 "days taken, summarised by mean, median and 90th percentile. i = initiator, k = decider, "
                 "A = approvers, d = depth. Latency covers closed decisions; open ones are counted and aged "
                 "(`open`, `open_oldest_days`). Without decision records the area is not assessed (`score` "
                 "null) and only `context` (distances to the top and to department heads) is computed, never "
                 "scored.",
    "survey": "The employee survey (`orgkit.areas.survey.analyze_survey`): 1–5 Likert items grouped into "
              "dimensions; reverse-worded items are flipped before anything is computed. Every number "
              "computed from fewer than `min_group_size` respondents is hidden. Without a survey the block "
              "holds only `available` (false), `reason` and `score` (null).",
    "triangulation": "Two sources, one question (`orgkit.triangulation.triangulate`): the survey (what people "
                     "feel) beside a measured source on the same question, each side judged good or poor, and "
                     "whether they agree. Decision speed vs latency and escalation in the decision records, felt "
                     "vs measured silos, role clarity vs RACI, span of control vs what those teams answer.",
    "scores": "Each area's 0–100 score (higher is better) and their mean; see Scores and statuses.",
    "thresholds": "Every threshold and weight the assessment used (`orgkit.thresholds`), keyed by its key "
                  "(`structure.span.healthy_min`), in the order of Thresholds and weights. A client changes "
                  "them with `thresholds:` in client.yml (docs/data-contract.md); the report's appendix lists "
                  "the same values.",
}

_TITLES: dict[str, str] = {
    "client": "`client`", "run": "`orgkit_version` and `generated_at`", "data": "`data`",
    "structure": "`structure`", "communication": "`communication`", "decisions": "`decisions`",
    "survey": "`survey`", "triangulation": "`triangulation`", "scores": "`scores`", "thresholds": "`thresholds`",
}


def _cell(text: str) -> str:
    """Markdown table cell text: pipes escaped, newlines folded, empty shown as a dash."""
    text = " ".join(str(text).split())
    return text.replace("|", "\\|") if text else "—"


def _ref_links(keys: Sequence[str]) -> str:
    parts = []
    for k in keys:
        r = REFERENCES[k]
        parts.append(f"[{r.short}]({r.url})" if r.url else r.short)
    return "; ".join(parts)


def threshold_source(th: Threshold) -> str:
    """``th``'s source as text: its works' short citations (``Nunnally 1978``), or ``judgement``.

    Examples
    --------
    >>> threshold_source(REGISTRY["survey.rwg.min"]), threshold_source(REGISTRY["score.status.green_from"])
    ('James et al. 1984; LeBreton & Senter 2008', 'judgement')
    """
    return "; ".join(REFERENCES[k].short for k in th.source) if th.source else "judgement"


def _value_text(value: float, unit: str) -> str:
    """A threshold's value as the appendix shows it, as the report's sentences write it: ``1,000``, ``0.7``,
    a share as a percentage (``35%``, as :meth:`~orgkit.thresholds.Thresholds.text` writes it)."""
    from orgkit.formatting import number

    if unit == "share":
        return number(round(100 * value, 6), None) + "%"
    return number(value, None)


def threshold_rows(thresholds: Thresholds | None = None, language: str = "en") -> list[dict[str, Any]]:
    """The thresholds and weights used, as rows of the report's appendix (all text but ``overridden``).

    Parameters
    ----------
    thresholds : Thresholds, optional
        The client's (default: the registry's).
    language : {"en", "zh"}
        Language of the source of a judgement (citations read the same in every language).

    Returns
    -------
    list of dict
        Per threshold in registry order: ``key``, ``name`` (what it sets in plain words, :func:`threshold_name`:
        the report shows the name, ``metrics.json`` the key), ``value``, ``default`` (numbers as a reader
        reads them, ``1,000``), ``source``, ``overridden``.

    Examples
    --------
    >>> from orgkit.thresholds import Thresholds
    >>> rows = threshold_rows(Thresholds({"survey.alpha.min": 0.8}), "zh")
    >>> [r for r in rows if r["overridden"]]
    [{'key': 'survey.alpha.min', 'name': "Cronbach's α：达到此值视为可靠", 'value': '0.8', 'default': '0.7', 'source': 'Nunnally 1978', 'overridden': True}]
    """
    th = DEFAULTS if thresholds is None else thresholds
    if language not in LANGUAGES:
        raise ConfigError(f"language must be one of {list(LANGUAGES)}. Got {language!r} instead.")
    judgement = t("appendix.thresholds.judgement", language)
    return [
        {"key": key, "name": threshold_name(key, language), "value": _value_text(th[key], entry.unit),
         "default": _value_text(entry.value, entry.unit),
         "source": "; ".join(REFERENCES[k].short for k in entry.source) if entry.source else judgement,
         "overridden": key in th.overridden}
        for key, entry in REGISTRY.items()
    ]


def _thresholds_section() -> list[str]:
    lines = [
        "## Thresholds and weights",
        "",
        "Every number that colours a status or weighs a score is defined once, in `orgkit/thresholds.py`, with "
        "its source: the works it rests on, or *judgement* with the reason where no study fixes it. A client "
        "changes any of them with `thresholds:` in client.yml (dotted or nested keys, e.g. "
        "`thresholds: {structure.span.healthy_min: 5}`; see docs/data-contract.md); the loader refuses an "
        "unknown key (naming the closest one), a value of the wrong type or range, and values that contradict "
        "each other. The report's appendix and `metrics.json` (`thresholds`) list the values used. The "
        "sentences of the report take their numbers from these values.",
        "",
        "Status rules: a value at or beyond `<rule>.amber` is amber, at or beyond `<rule>.red` red (*higher is "
        "worse*), or below them (*lower is worse*); otherwise green. A 0–100 score is green from "
        "`score.status.green_from`, amber from `score.status.amber_from`, red below. Weights are relative: a "
        "score divides by the sum of the weights of the components it could compute.",
        "",
        "| Key | Default | Unit | What it sets | Source |",
        "|---|---|---|---|---|",
    ]
    for key, th in REGISTRY.items():
        what = th.description
        rule = key.rsplit(".", 1)[0]
        if rule in STATUS_RULES:
            what = what.rstrip(".") + (" (higher is worse)." if STATUS_RULES[rule] else " (lower is worse).")
        source = _ref_links(th.source) if th.source else f"judgement: {th.judgement}"
        lines.append(f"| `{key}` | {th.value:g} | {th.unit} | {_cell(what)} | {_cell(source)} |")
    lines += ["", "Weight groups (each a score's components): " + "; ".join(
        f"`{g}.*`: {', '.join(names)}" for g, names in WEIGHT_GROUPS.items()) + "."]
    return lines


def _conventions() -> list[str]:
    from orgkit.areas.communication import OTHER_GROUP

    amber, red = DEFAULTS["score.status.green_from"], DEFAULTS["score.status.amber_from"]
    lines = [
        "## Conventions",
        "",
        "- **Layout.** `metrics.json` is one object: `client`, `orgkit_version`, `generated_at`, `data`, "
        "then one block per area (`structure`, `communication`, `decisions`, `survey`), then `scores` and "
        "`thresholds` (the thresholds and weights used). "
        "Every area block has `score` (0–100 or null); `communication`, `decisions` and `survey` have "
        "`available` (false when the area's data is missing, with a `reason`).",
        "- **Types.** `int`, `float`, `str`, `bool`, `object`, `list[...]`; `| null` marks a value that can "
        "be null. Shares are fractions in [0, 1], never percentages. Whole-number statistics such as a "
        "median stay `float` (`6.0`).",
        "- **null versus 0.** `null` means *not computable or not shown*: the input is missing (no "
        "`manager_id` column, no communication file), the quantity is undefined (a share of nothing, an "
        "E-I index without ties, alpha with fewer than 3 complete cases) or it is hidden for privacy. "
        "`0` is a measured zero (no isolates, a density of 0 for a graph without ties). NaN and infinity "
        "never appear: they are written as `null`. Each key's *Null / degenerate cases* column says "
        "exactly when.",
        "- **Minimum group size.** No number describing fewer than `min_group_size` people "
        "(`client.min_group_size`, default 5) is shown: a department under it appears in "
        "`communication.departments` only pooled with the other small ones under "
        f"`{OTHER_GROUP}` (with null numbers), is never named a silo, and its brokers' department reads "
        f"`{OTHER_GROUP}`; survey numbers from fewer respondents are null and `survey.suppressed_groups` "
        "counts their departments. Complementary suppression hides more departments where needed, so a "
        "hidden group cannot be recovered as a total minus the shown groups.",
        "- **Small groups are not named.** A department smaller than `min_group_size`, or a department "
        "name of survey or responsibilities that is not in people, appears nowhere in `metrics.json`, not "
        f"even by name: lists of departments hold one `{OTHER_GROUP}` entry in its place, warnings give "
        "counts. `data.visible_departments` lists the departments that may be named. `orgkit validate "
        "--show-small-groups` names the others on the terminal, for the consultant who must fix the data. "
        "Decision types (`decisions.by_type`) are not groups of people and are not suppressed.",
        "- **The top of the organisation is a role.** When exactly one person has no manager and their "
        "department is smaller than `min_group_size`, the report shows that person by role (their title, else "
        "\"Chief executive\"), and a department that holds only them reads as that role wherever it appears "
        "(org chart, lists of departments); its other members stay hidden, and no number of that department "
        "is shown as a group's number (`orgkit.privacy.top_of_organisation`). `metrics.json` still pools the "
        "department under the small groups. Every note under a report table or figure says what it hid, by "
        "kind: departments under `min_group_size` people, departments with fewer respondents, and those "
        "hidden with them so that none can be worked out from a total (`orgkit.privacy.hidden_note`).",
        "- **Ids, not names.** People appear only as `employee_id` (`communication.brokers[].employee_id`) "
        "and decisions as `decision_id`; `metrics.json` never holds a person's name.",
        "- **Nested objects keyed by data** are written with a placeholder; `a[]` means each element of "
        "the list `a`:",
        "",
        "| Placeholder | Keys |",
        "|---|---|",
    ]
    lines += [f"| `{p}` | {_cell(text)} |" for p, text in PLACEHOLDERS.items()]
    lines += [
        "",
        "Objects keyed by department are ordered largest department first; `decisions.by_type` by type "
        "name; dimension objects in the order of the survey's item columns; `structure.span_bands` in band order.",
        "",
        "## Scores and statuses",
        "",
        "Every score is on 0–100, higher is better, rounded to one decimal, and `null` when the area is not "
        "assessed. Each is a weighted mean of components in [0, 1] (× 100); a component that cannot be "
        "computed (latency without timestamps, spans without `manager_id`) is left out and the remaining "
        "weights are renormalised, so a client with less data stays on the same scale instead of scoring the "
        "unknown as 0.",
        "",
        "**Scores only from evidence.** An area is *assessed* (`<area>.assessed`) when it has a score and the "
        "components that could be measured carry at least `score.evidence.min_share` (default "
        f"{DEFAULTS['score.evidence.min_share']:g}) of its weight (`<area>.evidence_share`); otherwise its "
        "score is null, its card is grey and says *not assessed* and why (`<area>.not_assessed_reason`). No "
        "area is ever scored from a stand-in: without decision records, decision paths are not assessed; the "
        "distance to the top is reported as `decisions.context` and shown in the report labelled as context, "
        "outside every score and finding.",
        "",
        "| Area | What the score means |",
        "|---|---|",
        "| structure | How well layers, spans, department coverage and RACI fit the stage (`structure.fit_score`). |",
        "| communication | How open and connected the communication network is: cross-department mixing "
        "relative to random mixing, no silos, no isolates, one connected network. |",
        "| decisions | How short, lightly approved and fast decision paths are, from decision records only "
        "(latency over closed decisions). |",
        "| survey | How favourably people answer: the mean favourable share over dimensions × 100. |",
        "| overall | The mean of the assessed areas' scores (`scores.overall_areas`); null when fewer than "
        f"`score.overall.min_areas` (default {DEFAULTS['score.overall.min_areas']:g}) areas are assessed. |",
        "",
        f"Status of a score (`orgkit.findings.score_status`): **green** at {amber:g} or above, **amber** from "
        f"{red:g} to below {amber:g}, **red** below {red:g}, **grey** when the score is null (by default: "
        "`score.status.green_from` and `amber_from`). The findings rate single metrics with the status rules "
        "of Thresholds and weights.",
        "",
        "**Card status** (`orgkit.findings.card_status`, one rule for the summary cards, the section heads and "
        "`<area>.status` / `scores.status` in metrics.json): the band of the score as the report shows it (a "
        "whole number, so 69.6 shown as 70 is green), held at most one band above the "
        "worst finding the card holds. A red finding holds a card at amber at best, so a card is never green "
        "while it holds a red finding; amber and green findings do not hold it back. A card that is not "
        "assessed is grey whatever its findings. The overall card applies the same rule to the assessed area "
        "cards: it is never green while an assessed area's card is red. The report's summary states the rule "
        "beside the cards.",
        "",
    ]
    lines += _thresholds_section()
    return lines


def metrics_markdown() -> str:
    """The text of ``docs/metrics.md``, generated from the definitions in this module.

    Returns
    -------
    str
        Markdown: conventions, scores and statuses, one table per ``metrics.json`` block, the references
        and the Chinese meanings of the headline metrics. Deterministic (no dates).

    Examples
    --------
    >>> metrics_markdown().splitlines()[0]
    '# metrics.json: every key defined'
    """
    lines = [
        "# metrics.json: every key defined",
        "",
        "<!-- Generated from orgkit/method.py by `python -m orgkit.method --markdown -o docs/metrics.md`. "
        "Do not edit by hand: change orgkit/method.py and regenerate. tests/test_metrics_doc.py checks "
        "that this file is current and that every key orgkit produces is defined here. -->",
        "",
        "`orgkit assess CLIENT_DIR -o metrics.json` and every report compute their numbers with "
        "`orgkit.assess`; this page defines each key of the resulting `metrics.json`: its type, meaning, "
        "formula, when it is null, and the work it rests on. The same definitions feed the report's "
        "method appendix (`orgkit.method.metric_definitions`).",
        "",
    ]
    lines += _conventions()
    for area, metrics in definitions().items():
        lines += ["", f"## {_TITLES[area]}", "", _INTROS[area], ""]
        lines += [
            "| Key | Type | Meaning | Formula | Null / degenerate cases | Reference |",
            "|---|---|---|---|---|---|",
        ]
        for m in metrics:
            lines.append(
                f"| `{m.key}` | {_cell(m.type)} | {_cell(m.meaning)} | {_cell(m.formula)} | "
                f"{_cell(m.degenerate)} | {_cell(_ref_links(m.references))} |"
            )
    cited = [k for k in REFERENCES if any(k in m.references for ms in definitions().values() for m in ms)
             or any(k in th.source for th in REGISTRY.values())]
    lines += ["", "## References", ""]
    for k in sorted(cited, key=lambda k: REFERENCES[k].full.lower()):
        r = REFERENCES[k]
        lines.append(f"- {r.full}" + (f" {r.url}" if r.url else ""))
    lines += [
        "",
        "## 核心指标中文释义",
        "",
        "| 区块 | 指标 | 含义 |",
        "|---|---|---|",
    ]
    for area, metrics in definitions().items():
        for m in metrics:
            if m.headline:
                lines.append(f"| `{BLOCKS[area] or '-'}` | `{m.key}` | {_cell(m.meaning_in('zh'))} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m orgkit.method --markdown [-o docs/metrics.md]``: write the metric reference.

    Parameters
    ----------
    argv : sequence of str, optional
        Command-line arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status (0).
    """
    parser = argparse.ArgumentParser(prog="python -m orgkit.method",
                                     description="Write docs/metrics.md's text, generated from orgkit.method.")
    parser.add_argument("--markdown", action="store_true", help="write docs/metrics.md's text (the default)")
    parser.add_argument("-o", "--output", help="write to this file (UTF-8) instead of standard output")
    args = parser.parse_args(argv)
    text = metrics_markdown()
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    else:
        sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
