"""The values the commands accept where the services accept only some, for ``--help``.

Those the event catalogue (the services' public contract) already names are read
from it; the others are the services' RPC vocabulary, checked against the services
by the unit tests.
"""

from __future__ import annotations

from marshmallow import validate

from clientela.events import event_type


def _event_choices(event: str, field: str) -> tuple[str, ...]:
    """The values ``field`` of ``event`` may take, as the catalogue validates them."""
    validators = event_type(event).schema.fields[field].validators
    [one_of] = [v for v in validators if isinstance(v, validate.OneOf)]
    return tuple(str(choice) for choice in one_of.choices)


STATUSES = _event_choices("prospect_status_changed", "to_status")
INTERACTION_KINDS = _event_choices("prospect_contacted", "kind")
INTERACTION_MODES = _event_choices("prospect_contacted", "mode")
CONVERSION_BASES = _event_choices("prospect_converted", "basis")
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
