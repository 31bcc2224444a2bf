"""orgkit: assess how a company is organised — structure fit, communication, decision paths, survey.

The public API is small and stable::

    import orgkit
    client = orgkit.load_client("clients/acme")      # validated, typed tables
    result = orgkit.assess(client)                   # every area's metrics and tables
    result.to_dict()                                 # what metrics.json holds

Everything else lives in its module (:mod:`orgkit.assessment`, :mod:`orgkit.structure`, :mod:`orgkit.communication`,
:mod:`orgkit.decisions`, :mod:`orgkit.survey`, :mod:`orgkit.report`, :mod:`orgkit.batch`).
"""

from __future__ import annotations

import logging

from . import sample
from ._version import __version__
from .client import Client, DataWarning, Settings
from .errors import OrgkitError, ValidationError
from .loading import from_frames, load_client

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "__version__",
    "Client",
    "DataWarning",
    "OrgkitError",
    "Settings",
    "ValidationError",
    "assess",
    "from_frames",
    "load_client",
    "sample",
]


def assess(client: Client, **options):
    """Run every assessment area on a loaded client; see :func:`orgkit.assessment.assess`."""
    from .assessment import assess as _assess

    return _assess(client, **options)
