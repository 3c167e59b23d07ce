"""The feedback fake unit of work answers as the MongoDB one does."""

from datetime import UTC, datetime

import pytest

from clientela.services.feedback.dependencies import FakeFeedbackStorage, FeedbackStorage
from clientela.storage import RecordedEvents


@pytest.fixture(params=["fake", pytest.param("mongodb", marks=pytest.mark.integration)])
def uow(request):
    if request.param == "fake":
        return FakeFeedbackStorage()
    database = request.getfixturevalue("service_database")("feedback")
    return FeedbackStorage(database, RecordedEvents())


def answer(answer_id: str, score: int) -> dict:
    return {
        "_id": answer_id,
        "customer_id": "C-1",
        "score": score,
        "category": "promoter",
        "channel": "web",
        "comment": "",
        "answered_at": datetime(2026, 3, 1, 12, tzinfo=UTC),
    }


def test_customers_are_known_once_remembered(uow):
    assert not uow.is_known_customer("C-1")
    uow.remember_customer("C-1", "Ana", captive=True)
    uow.remember_customer("C-1", "Ana Ruiz", captive=True)
    assert uow.is_known_customer("C-1")


def test_an_answer_is_inserted_once_and_its_event_published_once(uow):
    event = {"id": "E-1", "type": "survey_answered"}
    assert uow.add_answer(answer("A-1", 9), event) is None
    stored = uow.add_answer(answer("A-1", 3), {"id": "E-2", "type": "survey_answered"})

    assert stored["score"] == 9 and stored["answered_at"] == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert "outbox" not in stored
    assert [e["id"] for e in uow.events.envelopes] == ["E-1"]
