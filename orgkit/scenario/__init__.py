"""What-if reorganisations: plans of steps applied to a client, giving a new validated client.

:func:`load_plan` reads and checks a plan (YAML, ``docs/plans.md``); :func:`apply_plan` applies it step by
step, each checked against the organisation the steps before left, and returns a :class:`PlanResult`: the
new client (people moved, departments merged or split, layers inserted or removed, decisions re-routed), who
changed, which decisions were re-routed and by which rule, and a plain-language log.
"""

from __future__ import annotations

from orgkit.scenario.apply import PlanResult, apply_plan
from orgkit.scenario.plan import Plan, PlanStep, load_plan

__all__ = ["Plan", "PlanStep", "PlanResult", "apply_plan", "load_plan"]
