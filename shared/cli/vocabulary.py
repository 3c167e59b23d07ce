"""Values the commands accept that the published language of the events does not list.

The rest (statuses, interaction kinds and modes, conversion bases) come from
:mod:`clientela.vocabulary`; these are the services' RPC vocabulary, checked
against the services by the unit tests.
"""

from __future__ import annotations

OUTCOMES = (
    "interested",
    "needs_info",
    "follow_up",
    "no_answer",
    "not_interested",
    "proposal_sent",
    "agreed",
)
"""What came of an interaction (the prospects service's ``log_interaction``)."""
GRANULARITIES = ("day", "month", "quarter", "year")
"""The periods the kpi service's ``indicators`` reports by."""
