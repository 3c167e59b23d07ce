"""Customer requirements: prioritised must, should, could, won't; settled once."""

from datetime import UTC, datetime

import pytest

from clientela.errors import Conflict, InvalidInput
from clientela.services.feedback.domain.requirements import (
    CustomerRequirement,
    RequirementStatus,
    prioritised,
)


def requirement(ref: str, priority: str, day: int) -> CustomerRequirement:
    return CustomerRequirement(
        ref,
        "CU-1",
        f"Need {ref}",
        priority,
        "visit",
        datetime(2026, 3, day, tzinfo=UTC),
    )


def test_open_requirements_come_first_by_priority_then_oldest_first():
    could = requirement("RQ-1", "could", 1)
    must_later = requirement("RQ-2", "must", 9)
    must_sooner = requirement("RQ-3", "must", 2)
    met = requirement("RQ-4", "must", 1).settle(
        "met", datetime(2026, 4, 1, tzinfo=UTC), "Delivered in release 3"
    )
    should = requirement("RQ-5", "should", 5)

    ordered = prioritised([could, must_later, met, should, must_sooner])

    assert [r.requirement_ref for r in ordered] == ["RQ-3", "RQ-2", "RQ-5", "RQ-1", "RQ-4"]


def test_a_requirement_is_settled_once_as_met_or_dropped_with_a_note():
    at = datetime(2026, 4, 1, tzinfo=UTC)
    dropped = requirement("RQ-1", "wont", 1).settle("dropped", at, "Out of our product range")

    assert (dropped.status, dropped.settled_at) == (RequirementStatus.DROPPED, at)
    with pytest.raises(Conflict, match="already dropped"):
        dropped.settle("met", at, "After all")
    with pytest.raises(Conflict, match="met or dropped"):
        requirement("RQ-2", "must", 1).settle("open", at, "Again")
    with pytest.raises(InvalidInput, match="note"):
        requirement("RQ-2", "must", 1).settle("met", at, " ")


def test_an_unknown_priority_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as raised:
        requirement("RQ-1", "urgent", 1)
    assert list(raised.value.errors) == ["priority"]
