"""Critical-incident records: the story, the encounter, and whether it awaits action."""

from datetime import UTC, datetime, timedelta

import pytest

from clientela.errors import InvalidInput
from clientela.services.feedback.domain.incidents import CriticalIncident, Encounter, Valence

OCCURRED = datetime(2026, 3, 10, 16, tzinfo=UTC)


def incident(valence: Valence = Valence.DISSATISFYING, **changes) -> CriticalIncident:
    values = {
        "incident_ref": "ci-1",
        "customer_id": "ana",
        "encounter": Encounter.PHONE,
        "valence": valence,
        "story": "I was put on hold for forty minutes and then cut off.",
        "occurred_at": OCCURRED,
        "recorded_at": OCCURRED + timedelta(days=1),
        **changes,
    }
    return CriticalIncident(**values)


def test_a_dissatisfying_incident_awaits_action_until_one_is_linked():
    told = incident()
    answered = told.link_action("ca-1")

    assert told.awaits_action
    assert not answered.awaits_action
    assert answered.link_action("ca-1").action_refs == ("ca-1",)


def test_a_satisfying_incident_awaits_nothing():
    assert not incident(Valence.SATISFYING).awaits_action


def test_an_incident_may_be_told_anonymously_and_with_its_complaint():
    told = incident(customer_id=None, complaint_ref="c1", encounter="in_person")

    assert told.customer_id is None
    assert told.encounter is Encounter.IN_PERSON


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"story": ""}, "story"),
        ({"encounter": "letter"}, "encounter"),
        ({"valence": "neutral"}, "valence"),
        ({"recorded_at": OCCURRED - timedelta(hours=1)}, "recorded_at"),
        ({"occurred_at": datetime(2026, 3, 10)}, "occurred_at"),
    ],
)
def test_bad_records_are_refused_naming_the_field(changes, field):
    with pytest.raises(InvalidInput) as raised:
        incident(**changes)

    assert list(raised.value.errors) == [field]
