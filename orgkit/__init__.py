"""orgkit: assess how a company is organised — structure fit, communication, decision paths, survey.

The public API is small and stable::

    import orgkit
    client = orgkit.load_client("clients/acme")      # validated, typed tables
    result = orgkit.assess(client)                   # every area's metrics and tables
    result.to_dict()                                 # what metrics.json holds
    orgkit.department_view(result, "Sales")          # one department beside the organisation
    what_if = orgkit.apply_plan(client, "plan.yml")  # a reorganisation plan applied: a new validated client
    orgkit.compare_states(client, what_if.client, plan=what_if)  # before, after and change, every area
    orgkit.compare_snapshots(last_year, this_year)   # reassessment: joined, left, moved, departments matched
    orgkit.suggest_plans(client)                     # candidate plans from the framework, with their effect
    orgkit.import_client("hris", ["hr.xlsx"], "clients/acme")  # a platform export -> a client folder

Everything else lives in its subpackage or module: :mod:`orgkit.data` (reading and loading a client),
:mod:`orgkit.areas` (structure, communication, decisions, survey), :mod:`orgkit.assessment`,
:mod:`orgkit.findings`, :mod:`orgkit.interpretation`, :mod:`orgkit.report`, :mod:`orgkit.batch`,
:mod:`orgkit.files`, :mod:`orgkit.plots`, :mod:`orgkit.scenario` (what-if reorganisations),
:mod:`orgkit.importers` (platform exports: ``read_export`` for the tables alone).
"""

from __future__ import annotations

import logging
import sys

from orgkit.data import sample
from orgkit._version import __version__
from orgkit.data.client import Client, DataWarning, Settings
from orgkit.errors import OrgkitError, ValidationError
from orgkit.data.loading import from_frames, load_client

# ``import orgkit.sample`` keeps working: the generator lives in orgkit.data.sample
sys.modules.setdefault(f"{__name__}.sample", sample)

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "__version__",
    "Client",
    "DataWarning",
    "OrgkitError",
    "Settings",
    "ValidationError",
    "apply_plan",
    "assess",
    "compare_snapshots",
    "compare_states",
    "department_view",
    "from_frames",
    "import_client",
    "load_client",
    "load_plan",
    "sample",
    "suggest_plans",
]


def assess(client: Client, **options):
    """Run every assessment area on a loaded client; see :func:`orgkit.assessment.assess`."""
    from orgkit.assessment import assess as _assess

    return _assess(client, **options)


def import_client(format, sources, out, options=None):
    """Read a platform export into a client folder; see :func:`orgkit.importers.write.import_client`."""
    from orgkit.importers.write import import_client as _import_client

    return _import_client(format, sources, out, options)


def department_view(source, name=None, **options):
    """One department beside its organisation; see :func:`orgkit.drilldown.department_view`."""
    from orgkit.drilldown import department_view as _department_view

    return _department_view(source, name, **options)


def apply_plan(client: Client, plan, **options):
    """Apply a reorganisation plan to a client; see :func:`orgkit.scenario.apply.apply_plan`."""
    from orgkit.scenario.apply import apply_plan as _apply_plan

    return _apply_plan(client, plan, **options)


def load_plan(source):
    """Read and check a reorganisation plan; see :func:`orgkit.scenario.plan.load_plan`."""
    from orgkit.scenario.plan import load_plan as _load_plan

    return _load_plan(source)


def compare_states(before, after, **options):
    """Two states of one organisation compared; see :func:`orgkit.scenario.compare.compare_states`."""
    from orgkit.scenario.compare import compare_states as _compare_states

    return _compare_states(before, after, **options)


def compare_snapshots(old: Client, new: Client, **options):
    """Two snapshots of one client (a reassessment); see :func:`orgkit.scenario.snapshots.compare_snapshots`."""
    from orgkit.scenario.snapshots import compare_snapshots as _compare_snapshots

    return _compare_snapshots(old, new, **options)


def suggest_plans(client: Client, assessment=None, **options):
    """Candidate reorganisation plans from the framework, each with its computed effect; see
    :func:`orgkit.scenario.suggest.suggest_plans`."""
    from orgkit.scenario.suggest import suggest_plans as _suggest_plans

    return _suggest_plans(client, assessment, **options)
