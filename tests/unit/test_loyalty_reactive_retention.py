"""Reactive retention in the loyalty service: a departure opens a case, offers are made and
answered, the outcome is recorded and announced, every step kept."""

from datetime import UTC, datetime, timedelta

import pytest

from clientela.errors import Conflict, NotFound
from clientela.services.loyalty import reactive_retention
from clientela.services.loyalty.dependencies import FakeLoyaltyStorage

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.fixture
def uow(monkeypatch):
    monkeypatch.setattr(reactive_retention, "utcnow", lambda: NOW)
    storage = FakeLoyaltyStorage()
    storage.remember_member("C-ana", "P-ana", "ana@example.com", NOW - timedelta(days=400))
    return storage


def started(uow):
    return reactive_retention.start("C-ana", "a competitor offers 10% less", "maria", uow)


def test_a_departure_opens_one_case_announced_once(uow):
    case = started(uow)

    assert started(uow) == case
    assert (case["_id"], case["state"], case["live"]) == ("C-ana-R1", "announced", True)
    [opened] = uow.events.envelopes
    assert (opened["type"], opened["payload"]) == (
        "retention_case_opened",
        {
            "case_id": "C-ana-R1",
            "customer_id": "C-ana",
            "reason": "a competitor offers 10% less",
            "opened_at": "2026-12-01T09:00:00+00:00",
        },
    )


def test_a_departure_of_a_customer_loyalty_does_not_know_is_not_found(uow):
    with pytest.raises(NotFound, match="customer_id"):
        reactive_retention.start("C-nobody", "moving abroad", "maria", uow)


def test_an_accepted_offer_retains_the_customer_and_the_outcome_is_announced(uow):
    started(uow)
    reactive_retention.offer("C-ana-R1", "12% off the renewal", "maria", uow)
    reactive_retention.answer("C-ana-R1", True, "maria", "takes it", uow)
    closed = reactive_retention.close("C-ana-R1", "retained", "maria", "renewed", uow)

    assert (closed["state"], closed["live"], closed["accepted"]) == ("retained", False, True)
    assert [step["state"] for step in reactive_retention.case("C-ana-R1", uow)["history"]] == [
        "announced",
        "offered",
        "accepted",
        "retained",
    ]
    assert uow.events.types() == ["retention_case_opened", "retention_case_closed"]
    assert uow.events.envelopes[-1]["payload"] == {
        "case_id": "C-ana-R1",
        "customer_id": "C-ana",
        "outcome": "retained",
        "offer": "12% off the renewal",
        "offers": 1,
        "opened_at": "2026-12-01T09:00:00+00:00",
        "closed_at": "2026-12-01T09:00:00+00:00",
    }
    assert reactive_retention.cases(True, uow) == []


def test_after_a_refusal_a_better_offer_then_the_customer_is_lost(uow):
    started(uow)
    reactive_retention.offer("C-ana-R1", "5% off", "maria", uow)
    reactive_retention.answer("C-ana-R1", False, "maria", "not enough", uow)
    reactive_retention.offer("C-ana-R1", "12% off", "luis", uow)
    lost = reactive_retention.close("C-ana-R1", "lost", "luis", "signed elsewhere", uow)

    assert (lost["state"], lost["offer"], lost["note"]) == ("lost", "12% off", "signed elsewhere")
    assert uow.events.envelopes[-1]["payload"]["offers"] == 2
    assert reactive_retention.close("C-ana-R1", "lost", "luis", "again", uow) == lost
    assert len(uow.events.envelopes) == 2


def test_a_new_departure_after_an_ended_case_opens_the_next_case(uow):
    started(uow)
    reactive_retention.close("C-ana-R1", "lost", "maria", "", uow)

    assert started(uow)["_id"] == "C-ana-R2"
    assert [c["_id"] for c in reactive_retention.cases(True, uow)] == ["C-ana-R2"]


def test_moves_the_case_does_not_allow_are_conflicts_and_unknown_cases_not_found(uow):
    started(uow)

    with pytest.raises(Conflict, match="no accepted offer"):
        reactive_retention.close("C-ana-R1", "retained", "maria", "", uow)
    with pytest.raises(Conflict, match="no offer to answer"):
        reactive_retention.answer("C-ana-R1", True, "maria", "", uow)
    with pytest.raises(NotFound, match="case_id"):
        reactive_retention.offer("C-ana-R9", "5% off", "maria", uow)
    assert reactive_retention.case("C-ana-R1", uow)["steps"] == 1
