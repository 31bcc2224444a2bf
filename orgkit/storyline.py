"""The storyline of a report: at most three key messages, ordered by impact, that open the executive summary.

A key message is the problem behind one recommendation (:func:`orgkit.findings.recommend`), told for a
chief executive: a headline naming the units it concerns, its evidence (two or three numbers, from different
sources where there are: the communication data and the survey for a silo; the decision records and the
survey for decision paths), the action proposed with the role that should lead it, its effort, and the
measure that will show progress with its current value and target.

Impact is people concerned × severity (:func:`orgkit.findings.impact`): the people an action concerns
(:data:`orgkit.findings.PEOPLE_AFFECTED`) times ``impact.severity.red`` (3) or ``.amber`` (1) of the
thresholds registry, a judgement. A message comes only from red or amber findings of areas that were
assessed (an area without its data contributes none), and names only departments of at least the minimum
group size (people by id and role, names only with ``show_names``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from orgkit.findings import Finding, Recommendation
from orgkit.i18n import t

__all__ = ["KeyMessage", "MAX_MESSAGES", "key_messages"]

#: At most this many key messages open the executive summary (issue 11: "at most three").
MAX_MESSAGES = 3


def _upper_first(text: str, language: str) -> str:
    """A headline starts with a capital in English ("hiring decisions …" -> "Hiring decisions …")."""
    return text[:1].upper() + text[1:] if language == "en" else text


@dataclass(frozen=True)
class KeyMessage:
    """One key message: the problem, its evidence, the action with owner and effort, and the progress measure.

    Attributes
    ----------
    rank : int
        1 for the message of largest impact.
    recommendation : Recommendation
        The action it proposes, whose fields it tells (one source for both, so they never disagree).
    told : dict
        Per language, the evidence phrases an earlier message already gave (left out here).
    """

    rank: int
    recommendation: Recommendation
    told: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """``red`` or ``amber``: the worst status of its findings."""
        return self.recommendation.status

    @property
    def impact(self) -> float:
        """People concerned × severity."""
        return self.recommendation.impact

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The findings it rests on."""
        return self.recommendation.findings

    def headline(self, language: str = "en") -> str:
        """The problem in one line, naming the units it concerns."""
        return _upper_first(self.recommendation.headline(language), language)

    def evidence(self, language: str = "en") -> list[str]:
        """Two or three phrases with numbers, each saying its source."""
        told = set(self.told.get(language, ()))
        return [e for e in self.recommendation.evidence.get(language, ()) if e not in told]

    def action(self, language: str = "en") -> str:
        """The action with the role that should lead it and its effort, as one sentence."""
        r = self.recommendation
        return t("storyline.action", language, action=r.title(language), owner=r.owner_text(language),
                 effort=r.effort_text(language))

    def progress(self, language: str = "en") -> str:
        """The measure that will show progress, with its current value and target, as one sentence."""
        return t("storyline.progress_line", language, progress=self.recommendation.progress(language))

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        """Plain types for JSON."""
        r = self.recommendation
        return {"rank": self.rank, "status": self.status, "key": r.key, "headline": self.headline(language),
                "evidence": self.evidence(language), "action": r.title(language), "owner": r.owner_text(language),
                "effort": r.effort or "medium", "progress": r.progress(language), "people": r.people,
                "impact": self.impact, "units": list(r.units), "findings": [f.ident or f.key for f in r.findings]}


def _assessed(assessment: Any, area: str) -> bool:
    result = getattr(assessment, area, None)
    if result is None:
        return False
    return bool((getattr(result, "metrics", None) or {}).get("available", True))


def key_messages(recommendations: Sequence[Recommendation], assessment: Any,
                 n: int = MAX_MESSAGES) -> list[KeyMessage]:
    """The key messages of a report: the ``n`` recommendations of largest impact, told as messages.

    Parameters
    ----------
    recommendations : sequence of Recommendation
        From :func:`orgkit.findings.recommend` (each action once, with its impact).
    assessment : orgkit.assessment.Assessment
        To check that every finding a message rests on comes from an assessed area.
    n : int
        At most this many (default :data:`MAX_MESSAGES`, 3).

    Returns
    -------
    list of KeyMessage
        Largest impact first (people concerned × severity; ties: red before amber, then the order of
        ``recommendations``). Empty when nothing is red or amber.

    Notes
    -----
    A recommendation becomes a message only when it rests on at least one red or amber finding, every
    finding it cites comes from an assessed area, and every department it names has at least the minimum
    group size. :func:`orgkit.findings.derive_findings` makes no other findings; this is checked again here
    rather than trusted.
    """
    order = {"red": 0, "amber": 1}
    client = assessment.client
    sizes = client.department_sizes()
    visible = set(sizes[sizes >= client.settings.min_group_size].index.astype(str))
    eligible = [
        r for r in recommendations
        if r.status in order and r.findings and r.impact > 0
        and all(_assessed(assessment, f.area) for f in r.findings)
        and all(u in visible for u in r.units)
    ]
    ranked = sorted(enumerate(eligible), key=lambda ir: (-ir[1].impact, order[ir[1].status], ir[0]))
    out: list[KeyMessage] = []
    for i, (_, r) in enumerate(ranked[:max(0, n)]):
        # a phrase an earlier message gave (two actions resting on one finding) is not said twice
        told = {lang: tuple(e for m in out for e in m.recommendation.evidence.get(lang, ())) for lang in r.evidence}
        out.append(KeyMessage(i + 1, r, told))
    return out
