"""Every threshold and weight behind a status or a score, defined once, with its source.

The registry (:data:`REGISTRY`) holds one :class:`Threshold` per number that colours a finding red, amber
or green, sets a cut-off an analysis applies (a healthy span of control, a silo, a favourable answer) or
weighs a score component. Each names its source: the works it rests on (keys of
:data:`orgkit.method.REFERENCES`) or, where no study fixes the number, the judgement behind it.

An analysis never reads a literal: it receives a :class:`Thresholds` (an immutable mapping from key to
value), the registry's defaults updated with the client's overrides from ``client.yml``::

    thresholds:
      structure.span.healthy_min: 5        # dotted keys ...
      survey:
        alpha: {min: 0.8}                  # ... or nested mappings, or both

:func:`client_thresholds` validates those overrides when the client is loaded: an unknown key is refused
by name with the closest known key, a value of the wrong type or outside its range is refused, and so is
a set of values that contradict each other (amber beyond red, a healthy span whose minimum is above its
maximum). The older ``stage_thresholds: {startup: 50, large: 1000}`` key still works: it sets
``structure.stage.startup_below`` and ``structure.stage.large_from``.

This module imports nothing from orgkit but :mod:`orgkit.errors`, so every other module can import it.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from orgkit.errors import ConfigError

__all__ = [
    "Threshold",
    "Thresholds",
    "REGISTRY",
    "UNITS",
    "STATUS_RULES",
    "WEIGHT_GROUPS",
    "STAGE_KEYS",
    "DEFAULTS",
    "client_thresholds",
    "flatten",
]

#: What a threshold counts, and the values its unit allows: ``unit -> (minimum, maximum, whole number)``
#: (``None``: no bound). The Likert bounds are those of the survey scale (:data:`orgkit.data.contract.LIKERT_MIN`,
#: :data:`~orgkit.data.contract.LIKERT_MAX`).
UNITS: dict[str, tuple[float | None, float | None, bool]] = {
    "score": (0.0, 100.0, False),  # points of a 0-100 score
    "share": (0.0, 1.0, False),  # a fraction; sentences show it as a percentage
    "people": (1.0, None, True),  # headcount
    "reports": (1.0, None, True),  # direct reports of a manager
    "layers": (0.0, None, True),  # reporting layers
    "hops": (0.0, None, False),  # reporting lines between two people
    "approvals": (0.0, None, False),  # approvers per decision
    "days": (0.0, None, False),
    "ei": (0.0, 2.0, False),  # a distance on the E-I scale, which runs from -1 to +1
    "coefficient": (0.0, 1.0, False),  # a reliability or agreement coefficient
    "probability": (0.0, 1.0, False),  # a p-value cut-off, strictly between 0 and 1
    "likert": (1.0, 5.0, False),  # a point of the 1-5 answer scale
    "weight": (0.0, None, False),  # a relative weight of a score component
    "departments": (1.0, None, True),  # a number of departments
    "locations": (1.0, None, True),  # a number of distinct work locations
    "messages": (1.0, None, True),  # messages (rows, or the sum of their weights) between two people
    "switch": (0.0, 1.0, True),  # off (0, false) or on (1, true)
    "areas": (1.0, 4.0, True),  # assessment areas (structure, communication, decisions, survey)
    "records": (1.0, None, True),  # decision records or RACI responsibilities behind a number
}


@dataclass(frozen=True)
class Threshold:
    """One threshold or weight: its key, default value, unit, meaning and source.

    Attributes
    ----------
    key : str
        ``<area>.<topic>.<name>``, e.g. ``structure.span.healthy_min``; the key ``client.yml`` overrides.
    value : int or float
        The default.
    unit : str
        One of :data:`UNITS`: what the number counts and which values are allowed.
    description : str
        What it decides, in one English sentence (docs/metrics.md; the report's appendix lists key,
        value and source).
    source : tuple of str
        Keys of :data:`orgkit.method.REFERENCES` the value rests on; empty when it is a judgement.
    judgement : str
        Why this value, when no source fixes it (empty when ``source`` is given).
    integer : bool
        Whether only whole numbers are allowed (besides the unit's own rule).
    minimum : float, optional
        A tighter lower bound than the unit's.
    """

    key: str
    value: int | float
    unit: str
    description: str
    source: tuple[str, ...] = ()
    judgement: str = ""
    integer: bool = False
    minimum: float | None = None

    @property
    def whole(self) -> bool:
        """Whether the value must be a whole number."""
        return self.integer or UNITS[self.unit][2]

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """The allowed range (inclusive; a probability excludes 0 and 1)."""
        lo, hi, _ = UNITS[self.unit]
        if self.minimum is not None:
            lo = self.minimum if lo is None else max(lo, self.minimum)
        return lo, hi


_SCORE_BANDS = ("A traffic-light convention for 0-100 scores: 70 and 50 split the scale into good, watch "
                "and act bands.")
_STRUCTURE_WEIGHTS = ("The relative importance of the structure fit score's components: spans and function "
                      "coverage count most; weights are stated and can be tested, as OECD & JRC 2008 advise "
                      "for composite indicators.")
_COMMUNICATION_WEIGHTS = ("The relative importance of the communication score's components: cross-department "
                          "openness counts most, then silos, isolates and one connected network.")
_DECISION_TARGETS = ("Targets for the decision-path score: a component scores 100 at or below good, 0 at or "
                     "above bad, linearly between; judgement, not norms.")
_DECISION_WEIGHTS = "The relative importance of the decision-path score's components."


def _pair(name: str, amber: float, red: float, unit: str, what: str, why: str, **kw: Any) -> tuple[Threshold, ...]:
    """The amber and red thresholds of one status rule."""
    worse = "at or above" if red > amber else "below"
    return (
        Threshold(f"{name}.amber", amber, unit, f"{what} {worse} which the finding is amber.", judgement=why, **kw),
        Threshold(f"{name}.red", red, unit, f"{what} {worse} which the finding is red.", judgement=why, **kw),
    )


def _target(metric: str, good: float, bad: float, weight: float, unit: str, what: str) -> tuple[Threshold, ...]:
    """The good and bad values of a decision-path score component, and its weight."""
    return (
        Threshold(f"decisions.target.{metric}.good", good, unit, f"{what} at or below which its score component "
                  "is 100.", judgement=_DECISION_TARGETS),
        Threshold(f"decisions.target.{metric}.bad", bad, unit, f"{what} at or above which its score component "
                  "is 0.", judgement=_DECISION_TARGETS),
        Threshold(f"decisions.weight.{metric}", weight, "weight", f"Weight of {metric} in the decision-path score.",
                  judgement=_DECISION_WEIGHTS),
    )


_REGISTRY: tuple[Threshold, ...] = (
    # ---------------------------------------------------------------------------------------- scores
    Threshold("score.status.green_from", 70.0, "score", "A 0-100 score at or above this is green.",
              judgement=_SCORE_BANDS),
    Threshold("score.status.amber_from", 50.0, "score", "A 0-100 score at or above this (and below green_from) "
              "is amber; below it red.", judgement=_SCORE_BANDS),
    Threshold("score.evidence.min_share", 0.5, "share", "An area is scored only when the components that "
              "could be measured carry at least this share of its score's weight; below it the area is not "
              "assessed (grey, no number).", judgement="A score from less than half of what it weighs "
              "describes a different, narrower thing than its name; half keeps, e.g., decision paths "
              "without reporting lines (approvals and latency) but not approvals alone."),
    Threshold("score.overall.min_areas", 2, "areas", "The overall score needs at least this many assessed "
              "areas; with fewer it is null.", judgement="One area's score is that area, not the "
              "organisation; two independent sources are the least that deserves the word overall."),
    # ------------------------------------------------------------------------------------- structure
    Threshold("structure.span.healthy_min", 4, "reports", "Fewest direct reports of a healthy span of control; "
              "a manager with fewer has a narrow span.", ("urwick1956", "vanfleet1977", "desmet2017")),
    Threshold("structure.span.healthy_max", 12, "reports", "Most direct reports of a healthy span of control; "
              "a manager with more has a wide span (the classical 4-8 widened to the 8-12 of modern practice).",
              ("vanfleet1977", "desmet2017", "zoller2020")),
    Threshold("scenario.delayer.max_span", 2, "reports", "A suggested delayering removes managers with at most "
              "this many direct reports on the reporting chains deeper than the minimum the headcount needs.",
              judgement="A manager of one or two people is the layer whose removal costs least: their reports "
                        "move up to a manager who keeps a healthy span; wider teams are better given team leads.",
              minimum=1),
    Threshold("scenario.split.min_share", 0.2, "share", "A suggested split gives a department's second business "
              "function a department of its own when the people whose job titles show it are at least this share "
              "of the department (and at least the minimum group size).",
              judgement="A fifth of a department is a team of its own, not a few people helping out; below it the "
                        "function is better served from the department that carries it."),
    Threshold("structure.layers.excess_zero_at", 3, "layers", "Layers beyond the minimum at which the "
              "layer_excess score component reaches 0 (each surplus layer costs 1 / this).",
              judgement="Each surplus layer adds a hand-off to every path through it; three are read as no fit.",
              minimum=1),
    Threshold("structure.stage.startup_below", 50, "people", "With stage: auto, a company with fewer people "
              "is a startup (the EU ceiling of a small enterprise).", ("ec2003",)),
    Threshold("structure.stage.large_from", 1000, "people", "With stage: auto, a company with at least this "
              "many people is large.", judgement="The size at which firms usually add business units or "
              "regional branches on top of their functional departments."),
    Threshold("structure.stage.large_structure_from", 250, "people", "With stage: auto, a company of at least "
              "this many people with regional branches or business units (or several locations) is judged large "
              "by its structure (the EU ceiling of a medium-sized enterprise).", ("ec2003",)),
    Threshold("structure.stage.units_min", 2, "departments", "With stage: auto, at least this many regional or "
              "business-unit departments count as the structure of a large firm (from "
              "structure.stage.large_structure_from people).",
              judgement="One regional office is a branch; two or more are a layer of units."),
    Threshold("structure.stage.locations_min", 3, "locations", "With stage: auto, people in at least this many "
              "locations count as the structure of a large firm (from structure.stage.large_structure_from "
              "people).", judgement="Head office plus two sites is a multi-site organisation."),
    Threshold("structure.stage.headed_departments_min", 4, "departments", "With stage: auto, at least this many "
              "departments, each with one head who reports to the top, make a company functionally "
              "departmentalised: at least mid-size whatever its headcount.",
              judgement="Startups merge functions under the founders; four separately headed functions "
              "under the top is the functional form of a mid-size firm (Mintzberg 1980)."),
    Threshold("structure.stage.layers_min", 3, "layers", "With stage: auto, departmentalisation counts only "
              "with at least this many reporting layers (top, heads, their people).",
              judgement="Heads of departments between the top and the people are the third layer."),
    Threshold("structure.stage.manager_title_share", 0.5, "share", "With stage: auto, when at least this share "
              "of the people without reports carry manager titles (Manager, Director, VP, 经理, 主管, 总监, or a "
              "manager level), the people file covers managers only and headcount understates the company.",
              judgement="If most leaves of the tree manage someone, their teams are missing from the file."),
    Threshold("structure.mapping.title_share_min", 0.5, "share", "A department's job titles place it in a "
              "function when at least this share of its titled people point to that function.",
              judgement="A majority of the people: one function clearly leads."),
    Threshold("structure.coverage.min_mapped_share", 0.8, "share", "Function coverage is judged (and a function "
              "reported missing) only when at least this share of people are in departments placed in a "
              "function with confidence; below it coverage is not assessed.",
              judgement="A missing function is a claim about the whole company: four people in five must be "
              "placed before the absence of a function can be read from the data."),
    Threshold("structure.industry.min_share", 0.1, "share", "With industry: auto, an industry is inferred when "
              "at least this share of people carry its marker titles or sit in its marker functions; below it "
              "the general business profile is used.",
              judgement="One person in ten doing the industry's typical work is a clear signal; fewer is "
              "noise."),
    Threshold("structure.weight.span_health", 0.25, "weight", "Weight of span_health in the structure fit "
              "score.", judgement=_STRUCTURE_WEIGHTS),
    Threshold("structure.weight.layer_excess", 0.15, "weight", "Weight of layer_excess in the structure fit "
              "score.", judgement=_STRUCTURE_WEIGHTS),
    Threshold("structure.weight.single_report_managers", 0.10, "weight", "Weight of single_report_managers in "
              "the structure fit score.", judgement=_STRUCTURE_WEIGHTS),
    Threshold("structure.weight.function_coverage", 0.25, "weight", "Weight of function_coverage in the "
              "structure fit score.", judgement=_STRUCTURE_WEIGHTS),
    Threshold("structure.weight.split_merge_fit", 0.15, "weight", "Weight of split_merge_fit in the structure "
              "fit score.", judgement=_STRUCTURE_WEIGHTS),
    Threshold("structure.weight.raci_clarity", 0.10, "weight", "Weight of raci_clarity in the structure fit "
              "score.", judgement=_STRUCTURE_WEIGHTS),
    *_pair("structure.excess_layers", 1, 2, "layers", "Layers beyond the minimum for the headcount",
           "One surplus layer is worth a look; two are a pattern."),
    *_pair("structure.narrow_span_share", 0.35, 0.5, "share", "Share of managers with a narrow span",
           "A third of managers with narrow spans adds layers; half is a structure built on small teams."),
    *_pair("structure.wide_span_share", 0.15, 0.3, "share", "Share of managers with a wide span",
           "A few wide spans are normal (operations, call centres); more than a sixth leave people uncoached."),
    *_pair("structure.single_report_share", 0.15, 0.3, "share", "Share of managers with exactly one direct "
           "report", "One manager in seven with a single report is a pattern of layers that add little."),
    Threshold("structure.raci_issue_share.red", 0.2, "share", "Share of responsibilities with a gap (or with an "
              "overlap) at or above which that RACI finding is red; any gap or overlap is amber.",
              judgement="One responsibility in five unclear affects most cross-department work."),
    # --------------------------------------------------------------------------------- communication
    Threshold("communication.tie.min_messages", 2, "messages", "In a message log (dated rows, repeated sender-"
              "recipient pairs or message counts), two people have a tie when they exchanged at least this many "
              "messages, both directions together; pairs with fewer count in the message figures only. A file "
              "with one row per named tie (a network survey) is read as it is unless client.yml sets this key.",
              ("kossinets2006", "adamic2005")),
    Threshold("communication.tie.max_left_out_share", 0.5, "share", "When the message threshold would leave out "
              "more than this share of the pairs who exchanged any message, the log is too thin for repeated "
              "contact to mark a tie: every pair counts, and the report says so. Set it to 1 to apply the "
              "threshold however thin the log (a min_messages other than the default is always applied).", judgement="In the e-mail and contact logs tried (a "
              "manufacturer, Enron, a hospital ward) 7-14 % of pairs exchanged a single message; where most "
              "pairs did, the log is too short or too thin to read one-offs as noise."),
    Threshold("communication.tie.reciprocated", 0, "switch", "1 (or true): a tie also needs at least one message "
              "in each direction, as in Kossinets & Watts (2006); 0: the messages may all run one way (a log "
              "that lists each meeting or contact once has no reverse rows).", ("kossinets2006",)),
    Threshold("communication.basis.gap_min", 0.10, "share", "The share of ties and the share of messages that "
              "cross departments disagree when they differ by at least this (10 percentage points); the "
              "report then says so as a finding.", judgement="One message in ten counted on the other side of a "
              "department line: a difference a reader would act on; smaller ones change no conclusion."),
    Threshold("communication.nmi.follows_min", 0.5, "coefficient", "Communities and departments agreeing at "
              "least this much (normalised mutual information) are read as the informal groups following the "
              "departments.", judgement="Half of the information in one partition shared by the other; a "
              "reading aid, not a test."),
    Threshold("communication.nmi.across_below", 0.2, "coefficient", "Below this agreement the informal groups "
              "are read as cutting across the departments; between the two, as partly following them.",
              judgement="Little shared information; community detection on random graphs gives values of "
              "this order."),
    Threshold("communication.silo.margin", 0.5, "ei", "A silo's E-I index is more than this below the E-I "
              "random mixing would give it (0.5 = 25 percentage points more ties inside).",
              judgement="Real organisations are always more inward than random mixing; half the E-I scale "
              "keeps the word for departments a reader should worry about."),
    Threshold("communication.silo.max_external_share", 0.2, "share", "A silo keeps fewer than this share of its "
              "ties outside the department.", judgement="Fewer than one tie in five leaving: a small team "
              "with plenty of outside ties is not called a silo."),
    Threshold("communication.weight.openness", 0.4, "weight", "Weight of openness in the communication score.",
              judgement=_COMMUNICATION_WEIGHTS),
    Threshold("communication.weight.no_silos", 0.3, "weight", "Weight of no_silos in the communication score.",
              judgement=_COMMUNICATION_WEIGHTS),
    Threshold("communication.weight.no_isolates", 0.2, "weight", "Weight of no_isolates in the communication "
              "score.", judgement=_COMMUNICATION_WEIGHTS),
    Threshold("communication.weight.connectedness", 0.1, "weight", "Weight of connectedness in the "
              "communication score.", judgement=_COMMUNICATION_WEIGHTS),
    Threshold("communication.figure.max_departments", 30, "departments", "The figure of ties between departments "
              "shows at most this many rows: the silos and the largest departments, the others counted together "
              "in one row.", judgement="Thirty names still read at 7 points on an A4 page, one row each; more "
              "rows turn the matrix into texture.", minimum=3),
    Threshold("communication.network.max_people", 300, "people", "The network of people is drawn only when its "
              "largest connected group has at most this many people; a larger network is drawn as departments "
              "(their ties against random mixing).", judgement="A force-directed drawing of a few hundred dots "
              "still shows groups and bridges; beyond that the lines become a blot in which no silo or broker can "
              "be seen."),
    *_pair("communication.openness", 0.6, 0.35, "share", "Openness (cross-department ties achieved relative to "
           "random mixing)", "Some inwardness is normal; below 60 % of random mixing departments start to "
           "work apart, below about a third they have."),
    *_pair("communication.isolate_share", 0.05, 0.15, "share", "Share of people without any tie",
           "A few isolates are new joiners or gaps in the data; more than one in twenty needs checking."),
    *_pair("communication.top_broker_betweenness", 0.10, 0.25, "share", "Betweenness of the top broker",
           "One person on a tenth of the shortest paths is a bottleneck; on a quarter, a single point of failure."),
    # ------------------------------------------------------------------------------------- decisions
    *_target("hops_mean", 2.0, 8.0, 0.30, "hops", "Mean reporting lines between initiator and decider"),
    *_target("approvals_mean", 1.0, 5.0, 0.20, "approvals", "Mean approvers per decision"),
    *_target("latency_days_median", 3.0, 30.0, 0.30, "days", "Median days from raising to deciding"),
    *_target("escalated_share", 0.10, 0.60, 0.20, "share", "Share of decisions escalated"),
    *_pair("decisions.hops_p90", 4, 6, "hops", "90th percentile of reporting lines between initiator and decider",
           "Beyond four lines the person deciding rarely knows the case first-hand."),
    *_pair("decisions.approvals_mean", 1.5, 3.0, "approvals", "Mean approvers per decision",
           "One approval is control; three on average is a queue."),
    *_pair("decisions.latency_days_median", 7, 14, "days", "Median days from raising to deciding",
           "A week is a working cycle; two weeks hold work up."),
    *_pair("decisions.escalated_share", 0.5, 0.7, "share", "Share of decisions taken above or outside the "
           "initiator's department head", "When most decisions leave the department, authority sits too high."),
    *_pair("decisions.open_share", 0.1, 0.25, "share", "Share of decision records still open (raised, not "
           "decided)", "One decision in ten still waiting is a queue worth naming; one in four means the "
           "latency of the closed ones flatters the organisation."),
    *_pair("decisions.open_oldest_days", 30, 90, "days", "Days the oldest open decision has waited (to the "
           "latest date in the records)", "A month is longer than the red median latency twice over; a "
           "quarter is a decision that has been dropped rather than taken."),
    # ---------------------------------------------------------------------------------------- survey
    Threshold("survey.answer.favourable_min", 4, "likert", "Answers at or above this (after reverse scoring) are "
              "favourable.", judgement="The top two of five options (the usual top-two-box convention).",
              integer=True),
    Threshold("survey.answer.unfavourable_max", 2, "likert", "Answers at or below this (after reverse scoring) "
              "are unfavourable; those between are neutral.", judgement="The bottom two of five options.",
              integer=True),
    Threshold("survey.alpha.min", 0.7, "coefficient", "A dimension whose Cronbach's alpha is below this is "
              "flagged: its questions do not measure one thing well enough to read their mean.",
              ("nunnally1978",)),
    Threshold("survey.rwg.min", 0.7, "coefficient", "A department mean describes its people when their "
              "agreement r_wg(J) is at least this.", ("james1984", "lebreton2008")),
    Threshold("survey.felt_silo.mean_below", 3.5, "likert", "A structural silo whose people rate communication "
              "below this mean (of 5) is a silo its people feel.",
              judgement="Halfway between neutral (3) and agree (4): most people do not agree that information "
              "flows."),
    Threshold("survey.change.p_max", 0.05, "probability", "A change between survey waves is beyond noise when "
              "Welch's t-test gives a p-value below this.", ("fisher1925",)),
    *_pair("survey.favourable", 0.5, 0.35, "share", "Favourable share of the weakest dimension",
           "Fewer than half favourable is a minority view; about a third, a clear problem."),
    *_pair("survey.response_rate", 0.6, 0.4, "share", "Survey response rate",
           "Below 60 % the people who answer may not speak for those who do not; below 40 % the results are "
           "hard to generalise."),
    # --------------------------------------------------------------------------------- storyline
    Threshold("impact.severity.red", 3, "weight", "Weight of a red action in its impact (people affected "
              "times this), which orders the key messages and recommendations.",
              judgement="A red finding is past the point where the rule calls for action; three times an amber "
              "one lets a red problem of a department outrank an amber one of three such departments."),
    Threshold("impact.severity.amber", 1, "weight", "Weight of an amber action in its impact (people "
              "affected times this).", judgement="The unit of the impact scale: an amber problem counts its "
              "people once."),
    # ---------------------------------------------------------------------------------- triangulation
    Threshold("triangulation.records.min_decisions", 3, "records", "Fewest decision records (of one department "
              "or one decision type) whose median latency and escalated share are set beside the survey.",
              judgement="Below three a median or a share is one or two anecdotes; from three the sentence "
              "gives the count so a reader can weigh it (decision types are not people, so the minimum group "
              "size does not apply)."),
    Threshold("triangulation.records.min_responsibilities", 3, "records", "Fewest RACI responsibilities a "
              "department must hold a role in before its share of unclear ones is set beside its survey "
              "answers on role clarity.", judgement="One or two responsibilities say little about how clear "
              "a department's roles are."),
    Threshold("triangulation.raci.unclear_share_poor", 0.2, "share", "Share of RACI responsibilities without "
              "exactly one accountable and one responsible department at or above which the RACI side of the "
              "role-clarity comparison is poor.", judgement="One responsibility in five unclear touches most "
              "cross-department work, the line at which the RACI finding turns red; fewer rarely reach "
              "people's experience."),
    Threshold("triangulation.span.favourable_gap", 0.1, "share", "How far (in favourable share) the teams of "
              "managers with a narrow or wide span must answer below the teams of managers with a healthy "
              "span for the survey side of the span comparison to be poor.",
              judgement="Ten percentage points is a difference a manager notices; smaller gaps between groups "
              "of a few dozen respondents are within noise."),
    # ---------------------------------------------------------------------- comparing two snapshots
    Threshold("compare.department.renamed_min", 0.5, "share", "Jaccard overlap (people in both snapshots who "
              "are in both departments, over those in either) at or above which a department found only in the "
              "old snapshot and one found only in the new are the same department renamed, when each is the "
              "other's best match.", judgement="Half of the people of either team in both is a team that kept "
              "its core under another name; below half, more of it changed than stayed, and the report says "
              "removed and created instead."),
    Threshold("compare.department.part_min", 0.5, "share", "Share of a department's people (those in both "
              "snapshots) at or above which it went into another department (a merge), or share of a new "
              "department's people at or above which it came out of an old one (a split).",
              judgement="Most of a team moving together is a structural change, not individual moves; a "
              "majority is the lowest share that cannot hold for two departments at once."),
)

#: Every threshold and weight, by key, in the order above (by area).
REGISTRY: dict[str, Threshold] = {th.key: th for th in _REGISTRY}

#: The status rules: name -> whether a larger value is worse. Each has ``<name>.amber`` and ``<name>.red``
#: in :data:`REGISTRY`; a value at or beyond ``amber`` is amber, at or beyond ``red`` red.
STATUS_RULES: dict[str, bool] = {
    key[: -len(".amber")]: REGISTRY[key[: -len(".amber")] + ".red"].value > th.value
    for key, th in REGISTRY.items() if key.endswith(".amber")
}

#: The score weights: group prefix -> the score it weighs. Within a group the weights are relative (a score
#: divides by the sum of the weights of the components it could compute); at least one must be positive.
WEIGHT_GROUPS: dict[str, tuple[str, ...]] = {
    "structure.weight": ("span_health", "layer_excess", "single_report_managers", "function_coverage",
                         "split_merge_fit", "raci_clarity"),
    "communication.weight": ("openness", "no_silos", "no_isolates", "connectedness"),
    "decisions.weight": ("hops_mean", "approvals_mean", "latency_days_median", "escalated_share"),
}

#: Pairs that must stay ordered: (lower key, higher key, strict, what the order means).
_ORDER: tuple[tuple[str, str, bool, str], ...] = (
    ("score.status.amber_from", "score.status.green_from", True, "amber starts below green"),
    ("structure.span.healthy_min", "structure.span.healthy_max", False, "a healthy span's minimum is not above "
     "its maximum"),
    ("structure.stage.startup_below", "structure.stage.large_from", True, "a startup is smaller than a large "
     "company"),
    ("communication.nmi.across_below", "communication.nmi.follows_min", True, "cutting across lies below "
     "following"),
    *[(f"decisions.target.{m}.good", f"decisions.target.{m}.bad", True, "good comes before bad")
      for m in ("hops_mean", "approvals_mean", "latency_days_median", "escalated_share")],
    *[((f"{n}.amber", f"{n}.red") if worse else (f"{n}.red", f"{n}.amber")) + (True, "a value reaches amber "
      "before red") for n, worse in STATUS_RULES.items()],
)

#: The keys of the older ``stage_thresholds`` setting and the registry keys they set.
STAGE_KEYS = {"startup": "structure.stage.startup_below", "large": "structure.stage.large_from"}


def _check_registry() -> None:
    """The registry is well formed (a programming error otherwise, raised at import)."""
    for th in _REGISTRY:
        assert th.unit in UNITS, th.key
        assert bool(th.source) != bool(th.judgement), f"{th.key}: give a source or a judgement, not both or neither"
        assert _problem(th, th.value) is None, th.key
    assert len(REGISTRY) == len(_REGISTRY), "a key is defined twice"
    for prefix, names in WEIGHT_GROUPS.items():
        keys = [f"{prefix}.{n}" for n in names]
        assert all(k in REGISTRY for k in keys), prefix
    assert not _inconsistent({k: th.value for k, th in REGISTRY.items()})


def _number_text(value: float) -> str:
    """``4``, ``0.35``, ``3.5``: a number as a sentence shows it (no trailing ``.0``)."""
    return f"{value:g}"


def _problem(th: Threshold, value: Any) -> str | None:
    """What is wrong with ``value`` for ``th`` (None when it is allowed)."""
    if isinstance(value, bool) and th.unit == "switch":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        kind = "a whole number" if th.whole else "a number"
        return f"thresholds.{th.key} must be {kind}. Got {value!r} instead."
    if th.whole and float(value) != int(value):
        return f"thresholds.{th.key} must be a whole number. Got {value!r} instead."
    lo, hi = th.bounds
    if th.unit == "probability" and not 0 < value < 1:
        return f"thresholds.{th.key} must be between 0 and 1 (exclusive). Got {value!r} instead."
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        where = (f"between {_number_text(lo)} and {_number_text(hi)}" if lo is not None and hi is not None
                 else f"at least {_number_text(lo)}" if lo is not None else f"at most {_number_text(hi)}")
        return f"thresholds.{th.key} must be {where} ({th.unit}). Got {value!r} instead."
    return None


def _inconsistent(values: Mapping[str, float]) -> list[tuple[str, str]]:
    """Every contradiction among ``values`` as (message, hint)."""
    out = []
    for low, high, strict, meaning in _ORDER:
        a, b = values[low], values[high]
        if (a >= b) if strict else (a > b):
            word = "below" if strict else "at most"
            out.append((f"thresholds.{low} ({_number_text(a)}) must be {word} thresholds.{high} "
                        f"({_number_text(b)}): {meaning}.", f"Change one of the two in client.yml."))
    fav, unf = values["survey.answer.favourable_min"], values["survey.answer.unfavourable_max"]
    if fav - unf < 2:
        out.append((f"thresholds.survey.answer.unfavourable_max ({_number_text(unf)}) must be at least 2 below "
                    f"thresholds.survey.answer.favourable_min ({_number_text(fav)}), so that a neutral answer "
                    "lies between them.", "Change one of the two in client.yml."))
    for prefix, names in WEIGHT_GROUPS.items():
        keys = [f"{prefix}.{n}" for n in names]
        if not any(values[k] > 0 for k in keys):
            out.append((f"the weights {', '.join(keys)} are all 0, so the score has nothing to weigh.",
                        "Give at least one of them a positive weight."))
    return out


def _suggest(key: str) -> str:
    """A hint naming the registry key closest to ``key`` (by spelling, or by its last segments)."""
    close = difflib.get_close_matches(key, list(REGISTRY), n=1, cutoff=0.6)
    if not close:
        close = [k for k in REGISTRY if k.endswith("." + key)][:1]
    if not close:
        tail = key.rsplit(".", 1)[-1]
        tails = {k.rsplit(".", 1)[-1]: k for k in REGISTRY}
        near = difflib.get_close_matches(tail, list(tails), n=1, cutoff=0.75)
        close = [tails[near[0]]] if near else []
    more = "Every key is listed in docs/metrics.md (Thresholds and weights)."
    return f"Did you mean {close[0]!r}? {more}" if close else more


def flatten(tree: Mapping[str, Any], prefix: str = "") -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Nested and dotted keys as one flat ``{dotted key: value}`` mapping, and the problems found.

    Examples
    --------
    >>> flatten({"survey": {"alpha.min": 0.8}, "structure.span.healthy_min": 5})[0]
    {'survey.alpha.min': 0.8, 'structure.span.healthy_min': 5}
    """
    flat: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for key, value in tree.items():
        if not isinstance(key, str) or not key.strip(". "):
            problems.append((f"thresholds has a key that is not a name: {key!r}.",
                             "Write keys such as structure.span.healthy_min."))
            continue
        full = f"{prefix}.{key.strip()}" if prefix else key.strip()
        if isinstance(value, Mapping):
            inner, more = flatten(value, full)
            problems += more
            items = inner.items()
        else:
            items = [(full, value)]
        for k, v in items:
            if k in flat and flat[k] != v:
                problems.append((f"thresholds.{k} is given twice, as {flat[k]!r} and {v!r}.",
                                 "Keep one of them in client.yml."))
            flat[k] = v
    return flat, problems


def _resolve(overrides: Mapping[str, Any]) -> tuple[dict[str, int | float], list[tuple[str, str]]]:
    """The overrides that differ from the defaults, checked key by key, and every problem."""
    flat, problems = flatten(overrides)
    given: dict[str, int | float] = {}
    for key, value in flat.items():
        th = REGISTRY.get(key)
        if th is None:
            problems.append((f"thresholds has an unknown key {key!r}.", _suggest(key)))
            continue
        wrong = _problem(th, value)
        if wrong:
            problems.append((wrong, f"{th.description} Default: {_number_text(th.value)}."))
            continue
        value = int(value) if th.whole else float(value)
        if value != th.value:
            given[key] = value
    if not problems:
        problems += _inconsistent({k: given.get(k, th.value) for k, th in REGISTRY.items()})
    return given, problems


class Thresholds(Mapping[str, Any]):
    """The thresholds and weights one assessment uses: :data:`REGISTRY`'s defaults, updated by ``overrides``.

    An immutable mapping ``key -> value``. Build it from ``client.yml`` with :func:`client_thresholds`
    (the loader does, into :attr:`orgkit.data.client.Settings.thresholds`).

    Parameters
    ----------
    overrides : mapping, optional
        ``{key: value}`` with dotted or nested keys (see :func:`flatten`).

    Raises
    ------
    ConfigError
        For an unknown key (naming the closest one), a value of the wrong type or range, or values that
        contradict each other; the message lists every problem.

    Examples
    --------
    >>> th = Thresholds({"structure.span.healthy_min": 5})
    >>> th["structure.span.healthy_min"], th.default("structure.span.healthy_min"), th.overridden
    (5, 4, {'structure.span.healthy_min': 5})
    >>> th.status("decisions.latency_days_median", 9.0), th.status("survey.response_rate", 0.3)
    ('amber', 'red')
    """

    __slots__ = ("_values", "_overridden")

    def __init__(self, overrides: Mapping[str, Any] | None = None) -> None:
        given, problems = _resolve(overrides or {})
        if problems:
            raise ConfigError(" ".join(f"{m} {h}".strip() for m, h in problems))
        values = {k: th.value for k, th in REGISTRY.items()}
        values.update(given)
        object.__setattr__(self, "_values", values)
        object.__setattr__(self, "_overridden", dict(given))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Thresholds are immutable; build a new Thresholds with the overrides.")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Thresholds, (self._overridden,))

    def __getitem__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise KeyError(f"{key!r} is not a threshold. {_suggest(str(key))}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Thresholds):
            return self._overridden == other._overridden
        return super().__eq__(other)

    def __hash__(self) -> int:
        return hash(frozenset(self._overridden.items()))

    def __repr__(self) -> str:
        return f"Thresholds({self._overridden!r})" if self._overridden else "Thresholds()"

    @property
    def overridden(self) -> dict[str, int | float]:
        """The keys whose value differs from the default, with their value."""
        return dict(self._overridden)

    def default(self, key: str) -> int | float:
        """The registry's default of ``key``."""
        return REGISTRY[key].value

    def text(self, key: str) -> str:
        """The value as a sentence shows it: a share as a percentage (``20%``), any other number plainly.

        Examples
        --------
        >>> DEFAULTS.text("communication.silo.max_external_share"), DEFAULTS.text("survey.alpha.min")
        ('20%', '0.7')
        """
        value = self[key]
        if REGISTRY[key].unit == "share":
            return f"{_number_text(round(100 * value, 6))}%"
        return _number_text(value)

    def pair(self, name: str) -> tuple[float, float]:
        """``(amber, red)`` of the status rule ``name`` (one of :data:`STATUS_RULES`)."""
        return self[f"{name}.amber"], self[f"{name}.red"]

    def status(self, name: str, value: float | None) -> str:
        """``red``, ``amber`` or ``green`` for ``value`` under the status rule ``name``; ``grey`` without a value.

        A value at or beyond ``amber`` (above when larger is worse, below when smaller is worse) is amber,
        at or beyond ``red`` red.
        """
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "grey"
        amber, red = self.pair(name)
        if STATUS_RULES[name]:
            return "red" if value >= red else "amber" if value >= amber else "green"
        return "red" if value < red else "amber" if value < amber else "green"

    def score_status(self, score: float | None) -> str:
        """``green``, ``amber`` or ``red`` for a 0-100 score; ``grey`` without one."""
        if score is None or (isinstance(score, float) and math.isnan(score)):
            return "grey"
        if score >= self["score.status.green_from"]:
            return "green"
        return "amber" if score >= self["score.status.amber_from"] else "red"

    def weights(self, group: str) -> dict[str, float]:
        """The weights of one score (a key of :data:`WEIGHT_GROUPS`): component -> weight, in order.

        Examples
        --------
        >>> DEFAULTS.weights("communication.weight")
        {'openness': 0.4, 'no_silos': 0.3, 'no_isolates': 0.2, 'connectedness': 0.1}
        """
        return {n: float(self[f"{group}.{n}"]) for n in WEIGHT_GROUPS[group]}

    def targets(self, group: str) -> dict[str, tuple[float, float, float]]:
        """A decision-path score's components: metric -> ``(good, bad, weight)``.

        ``group`` is ``decisions.weight``.
        """
        return {m: (float(self[f"decisions.target.{m}.good"]), float(self[f"decisions.target.{m}.bad"]), w)
                for m, w in self.weights(group).items()}


#: The registry's defaults.
DEFAULTS = Thresholds()


def client_thresholds(options: Mapping[str, Any]) -> tuple[Thresholds, list[tuple[str, str]]]:
    """A client's thresholds from its ``client.yml`` keys, and every problem with them.

    Parameters
    ----------
    options : mapping
        ``client.yml``'s keys (the loader passes those that are not settings): ``thresholds`` (a mapping
        of dotted or nested keys) and the older ``stage_thresholds`` (``{startup: int, large: int}``).

    Returns
    -------
    thresholds : Thresholds
        The defaults updated with the overrides; the defaults alone when there is a problem.
    problems : list of (message, hint)
        Unknown keys (with the closest known key), values of the wrong type or range, contradictions.

    Examples
    --------
    >>> th, problems = client_thresholds({"thresholds": {"structure.span.healty_min": 5}})
    >>> problems[0][0], problems[0][1].split("?")[0]
    ("thresholds has an unknown key 'structure.span.healty_min'.", "Did you mean 'structure.span.healthy_min'")
    >>> client_thresholds({"stage_thresholds": {"startup": 20}})[0].overridden
    {'structure.stage.startup_below': 20}
    """
    problems: list[tuple[str, str]] = []
    raw = options.get("thresholds")
    overrides: dict[str, Any] = {}
    if raw is not None and not isinstance(raw, Mapping):
        problems.append((f"thresholds must be a mapping of threshold keys to values. Got {raw!r} instead.",
                         "Example:\nthresholds:\n  structure.span.healthy_min: 5"))
    elif raw:
        overrides, more = flatten(raw)
        problems += more
    stage = options.get("stage_thresholds")
    if stage is not None:
        if not isinstance(stage, Mapping):
            problems.append((f"stage_thresholds must be a mapping {{startup: int, large: int}}. Got {stage!r} "
                             "instead.", "Example: stage_thresholds: {startup: 50, large: 1000}"))
        else:
            for name, value in stage.items():
                key = STAGE_KEYS.get(str(name))
                if key is None:
                    close = difflib.get_close_matches(str(name), list(STAGE_KEYS), n=1)
                    problems.append((f"stage_thresholds has an unknown key {name!r}.",
                                     (f"Did you mean {close[0]!r}? " if close else "")
                                     + "Its keys are startup and large."))
                elif key in overrides and overrides[key] != value:
                    problems.append((f"stage_thresholds.{name} ({value!r}) and thresholds.{key} "
                                     f"({overrides[key]!r}) disagree.", "Keep one of them in client.yml."))
                else:
                    overrides[key] = value
    if problems:
        return DEFAULTS, problems
    given, problems = _resolve(overrides)
    if problems:
        return DEFAULTS, problems
    return Thresholds(given), []


_check_registry()
