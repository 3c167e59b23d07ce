"""clientela: a plugin-extensible customer-management platform of microservices.

The public API for plugin authors::

    from clientela import hookimpl, LeadSource, LeadRow, RowProblem

    class MyFormSource(LeadSource):
        name = "myforms"
        def read(self, path, options): ...

    @hookimpl
    def clientela_lead_sources(register):
        register(MyFormSource())
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

import pluggy

from clientela.channels import (
    ChannelAnswer,
    ChannelError,
    Delivery,
    Invitation,
    SurveyChannel,
    SurveyQuestion,
)
from clientela.leads import (
    CONSENT_FIELDS,
    LEAD_FIELDS,
    ORIGIN_FIELDS,
    LeadRow,
    LeadSource,
    LeadSourceError,
    RowProblem,
)
from clientela.rules import MERGE, SUGGEST, MatchRule, QualificationRule

try:
    __version__ = _version("clientela")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

hookimpl = pluggy.HookimplMarker("clientela")
"""Marker for a plugin's hook implementations."""

__all__ = [
    "CONSENT_FIELDS",
    "LEAD_FIELDS",
    "MERGE",
    "ORIGIN_FIELDS",
    "SUGGEST",
    "ChannelAnswer",
    "ChannelError",
    "Delivery",
    "Invitation",
    "LeadRow",
    "LeadSource",
    "LeadSourceError",
    "MatchRule",
    "QualificationRule",
    "RowProblem",
    "SurveyChannel",
    "SurveyQuestion",
    "__version__",
    "hookimpl",
]
