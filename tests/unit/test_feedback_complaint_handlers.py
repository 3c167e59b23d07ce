"""Complaint use cases on the in-memory unit of work: open, respond, resolve, confirm, breaches."""

from datetime import UTC, datetime, timedelta

import pytest

from clientela.errors import Conflict, InvalidInput, NotFound
from clientela.events import parse_event
from clientela.services.feedback import complaint_handlers as cases
from clientela.services.feedback.dependencies import FakeFeedbackStorage
from clientela.services.feedback.domain.commands import OpenComplaint

OPENED = datetime(2026, 3, 2, 9, tzinfo=UTC)  # targets: respond in 24 h, resolve in 5 days


@pytest.fixture
def uow():
    storage = FakeFeedbackStorage()
    storage.remember_customer("C-1", "Ana Ruiz", captive=True)
    return storage


def open_one(uow, ref="Q-1", customer="C-1", **details):
    command = OpenComplaint(
        ref, customer, "billing", "high", "Charged twice", opened_at=OPENED, **details
    )
    return cases.open_complaint(command, uow)


def test_opening_starts_both_timers_from_the_category_targets_and_announces_once(uow):
    first = open_one(uow, owner="lucia")
    again = open_one(uow, owner="someone else")
    assert again == first
    assert first["status"] == "open"
    assert first["response_due_at"] == OPENED + timedelta(hours=24)
    assert first["resolution_due_at"] == OPENED + timedelta(days=5)
    [envelope] = uow.events.envelopes
    event = parse_event(envelope)
    assert event.type == "complaint_opened"
    assert event.payload["owner"] == "lucia"


def test_a_complaint_from_an_unknown_customer_is_not_found_but_anonymous_is_fine(uow):
    with pytest.raises(NotFound):
        open_one(uow, customer="C-9")
    assert open_one(uow, customer=None)["customer_id"] is None


def test_a_bad_severity_is_refused_naming_it(uow):
    command = OpenComplaint("Q-1", "C-1", "billing", "awful", "Charged twice", opened_at=OPENED)
    with pytest.raises(InvalidInput) as refused:
        cases.open_complaint(command, uow)
    assert "severity" in str(refused.value)


def test_respond_resolve_and_confirm_close_the_complaint(uow):
    open_one(uow)
    responded = cases.respond_to_complaint("Q-1", OPENED + timedelta(hours=2), uow)
    assert responded["status"] == "responded"
    resolved = cases.resolve_complaint("Q-1", "Refunded", OPENED + timedelta(days=1), uow)
    assert (resolved["status"], resolved["resolution"]) == ("resolved", "Refunded")
    assert uow.events.types() == ["complaint_opened", "complaint_resolved"]
    resolution = parse_event(uow.events.envelopes[-1]).payload
    assert resolution["responded_at"] == OPENED + timedelta(hours=2)
    closed = cases.confirm_complaint("Q-1", True, uow)
    assert closed["status"] == "closed"
    assert cases.list_complaints("closed", 10, uow)[0]["_id"] == "Q-1"


def test_resolving_twice_is_a_conflict(uow):
    open_one(uow)
    cases.resolve_complaint("Q-1", "Refunded", OPENED + timedelta(hours=1), uow)
    with pytest.raises(Conflict):
        cases.resolve_complaint("Q-1", "Refunded", OPENED + timedelta(hours=2), uow)


def test_an_unsatisfied_customer_reopens_the_complaint(uow):
    open_one(uow)
    cases.resolve_complaint("Q-1", "Refunded", OPENED + timedelta(hours=1), uow)
    reopened = cases.confirm_complaint("Q-1", False, uow)
    assert (reopened["status"], reopened["reopened"]) == ("responded", 1)
    assert [c["_id"] for c in cases.list_complaints("responded", 10, uow)] == ["Q-1"]


def test_unknown_complaints_are_not_found_and_unknown_statuses_refused(uow):
    with pytest.raises(NotFound):
        cases.respond_to_complaint("Q-9", None, uow)
    with pytest.raises(InvalidInput):
        cases.list_complaints("lost", 10, uow)


def breached(uow):
    return [
        parse_event(e).payload for e in uow.events.envelopes if e["type"] == "complaint_breached"
    ]


def test_a_missed_target_is_announced_once_however_often_the_review_runs(uow):
    open_one(uow)
    assert cases.review_breaches(OPENED + timedelta(hours=23), uow) == 0
    assert cases.review_breaches(OPENED + timedelta(hours=25), uow) == 1
    assert cases.review_breaches(OPENED + timedelta(hours=26), uow) == 0
    assert cases.review_breaches(OPENED + timedelta(days=6), uow) == 1
    assert cases.review_breaches(OPENED + timedelta(days=7), uow) == 0
    assert [(b["deadline"], b["due_at"]) for b in breached(uow)] == [
        ("response", OPENED + timedelta(hours=24)),
        ("resolution", OPENED + timedelta(days=5)),
    ]
    assert cases.list_complaints(None, 10, uow)[0]["breaches"] == ["response", "resolution"]


def test_a_target_met_in_time_is_never_breached(uow):
    open_one(uow)
    cases.respond_to_complaint("Q-1", OPENED + timedelta(hours=3), uow)
    cases.resolve_complaint("Q-1", "Refunded", OPENED + timedelta(days=1), uow)
    assert cases.review_breaches(OPENED + timedelta(days=30), uow) == 0


def test_a_late_response_still_counts_as_a_breach(uow):
    open_one(uow)
    cases.respond_to_complaint("Q-1", OPENED + timedelta(hours=30), uow)
    assert cases.review_breaches(OPENED + timedelta(hours=31), uow) == 1
    assert breached(uow)[0]["deadline"] == "response"
