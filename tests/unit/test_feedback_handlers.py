"""Feedback use cases on the in-memory unit of work."""

from datetime import UTC, datetime

import pytest

from clientela.errors import Conflict, NotFound
from clientela.events import new_event, parse_event
from clientela.services.feedback import handlers
from clientela.services.feedback.dependencies import FakeFeedbackStorage
from clientela.services.feedback.domain import RecordNps


@pytest.fixture
def uow():
    storage = FakeFeedbackStorage()
    storage.remember_customer("C-1", "Ana Ruiz", captive=True)
    return storage


def customer_created(customer_id: str, name: str) -> object:
    return parse_event(
        new_event(
            "customer_created",
            {
                "customer_id": customer_id,
                "prospect_id": "P-1",
                "name": name,
                "email": "ana@example.com",
                "captive": True,
                "created_at": datetime(2026, 3, 1, tzinfo=UTC),
            },
        )
    )


def test_an_answer_from_a_known_customer_is_recorded_and_announced(uow):
    answer = handlers.record_nps(RecordNps("C-1", 9, channel="email", answer_id="A-1"), uow)

    assert (answer["_id"], answer["category"], answer["channel"]) == ("A-1", "promoter", "email")
    [event] = uow.events.envelopes
    assert event["type"] == "survey_answered"
    assert event["payload"]["score"] == 9 and event["payload"]["category"] == "promoter"


def test_an_answer_from_an_unknown_customer_is_refused_naming_the_field(uow):
    with pytest.raises(NotFound, match="customer_id"):
        handlers.record_nps(RecordNps("C-404", 9), uow)
    assert uow.events.envelopes == []


def test_a_retried_answer_records_and_announces_once(uow):
    first = handlers.record_nps(RecordNps("C-1", 3, answer_id="A-1"), uow)
    again = handlers.record_nps(RecordNps("C-1", 3, answer_id="A-1"), uow)

    assert again["_id"] == first["_id"] and again["category"] == "detractor"
    assert uow.events.types() == ["survey_answered"]


def test_a_retried_answer_stored_without_its_category_is_returned_with_it(uow):
    uow.answers["A-1"] = {"_id": "A-1", "customer_id": "C-1", "score": 7, "channel": "email"}

    again = handlers.record_nps(RecordNps("C-1", 7, answer_id="A-1"), uow)

    assert again["category"] == "passive"
    assert uow.events.envelopes == []


def test_a_reused_answer_id_with_another_score_is_a_conflict(uow):
    handlers.record_nps(RecordNps("C-1", 3, answer_id="A-1"), uow)
    with pytest.raises(Conflict, match="answer_id"):
        handlers.record_nps(RecordNps("C-1", 10, answer_id="A-1"), uow)


def test_customers_are_learnt_from_their_announcement_once_however_often_it_arrives():
    uow = FakeFeedbackStorage()
    event = customer_created("C-2", "Luis Gómez")
    handlers.handle_customer_created(event, uow)
    handlers.handle_customer_created(event, uow)

    assert uow.customers == {
        "C-2": {"_id": "C-2", "name": "Luis Gómez", "captive": True, "email": "ana@example.com"}
    }
    handlers.record_nps(RecordNps("C-2", 8), uow)
