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


def test_customers_are_captive_as_announced(uow):
    uow.remember_customer("C-1", "Ana", captive=True)
    uow.remember_customer("C-2", "Bo", captive=False)
    assert uow.captive_among(["C-1", "C-2", "C-3"]) == {"C-1"}


def test_answers_of_a_customer_come_newest_first(uow):
    uow.add_answer(answer("A-1", 9), {"id": "E-1", "type": "survey_answered"})
    later = {**answer("A-2", 4), "answered_at": datetime(2026, 4, 1, tzinfo=UTC)}
    uow.add_answer(later, {"id": "E-2", "type": "survey_answered"})
    assert [a["_id"] for a in uow.answers_of("C-1")] == ["A-2", "A-1"]
    assert uow.answers_of("C-2") == []


def survey(name: str) -> dict:
    question = {"key": "q", "kind": "csat", "text": "Satisfied?", "version": 1, "items": []}
    return {"_id": "S-1", "name": name, "questions": [question]}


def test_a_saved_survey_replaces_what_its_id_held(uow):
    assert uow.survey("S-1") is None
    uow.save_survey(survey("First"))
    uow.save_survey(survey("Second"))
    assert uow.survey("S-1") == survey("Second")
    assert uow.surveys() == [survey("Second")]


def response(key: str, customer_id: str | None, day: int, survey_id: str = "S-1") -> dict:
    return {
        "_id": key,
        "survey_id": survey_id,
        "question": "q",
        "version": 1,
        "kind": "csat",
        "customer_id": customer_id,
        "reference": key,
        "channel": "web",
        "score": 4,
        "text": "",
        "ratings": [],
        "importance": {},
        "raw": {"row": 3},
        "answered_at": datetime(2026, 3, day, tzinfo=UTC),
    }


def test_a_response_is_inserted_once_under_its_key_and_announced_once(uow):
    assert uow.add_response(response("K-1", "C-1", 1), {"id": "E-1"}) is None
    stored = uow.add_response({**response("K-1", "C-1", 2), "score": 1}, {"id": "E-2"})
    assert stored == response("K-1", "C-1", 1)
    assert [e["id"] for e in uow.events.envelopes] == ["E-1"]


def test_responses_are_found_by_customer_and_by_survey_and_period(uow):
    uow.add_response(response("K-1", "C-1", 1), {"id": "E-1"})
    uow.add_response(response("K-2", "C-1", 9), {"id": "E-2"})
    uow.add_response(response("K-3", None, 5), {"id": "E-3"})
    uow.add_response(response("K-4", "C-1", 6, survey_id="S-2"), {"id": "E-4"})
    assert [r["_id"] for r in uow.responses_of("C-1")] == ["K-2", "K-4", "K-1"]
    start, end = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC)
    assert [r["_id"] for r in uow.responses_to("S-1", start, end)] == ["K-1", "K-3"]


def complaint(ref: str, day: int, status: str = "open") -> dict:
    opened = datetime(2026, 3, day, 9, tzinfo=UTC)
    return {
        "_id": ref,
        "customer_id": None,
        "kind": "complaint",
        "category": "billing",
        "severity": "high",
        "description": "Charged twice",
        "opened_at": opened,
        "owner": None,
        "responded_at": None,
        "resolved_at": None,
        "resolution": "",
        "confirmed": None,
        "reopened": 0,
        "status": status,
        "response_due_at": opened,
        "resolution_due_at": opened,
        "response_watch": opened,
        "resolution_watch": None,
        "breaches": [],
        "revision": 1,
    }


def test_a_complaint_is_inserted_once_under_its_reference(uow):
    assert uow.add_complaint(complaint("Q-1", 1), {"id": "E-1"}) is None
    assert uow.add_complaint(complaint("Q-1", 2), {"id": "E-2"}) == complaint("Q-1", 1)
    assert uow.complaint("Q-1") == complaint("Q-1", 1)
    assert uow.complaint("Q-9") is None
    assert [e["id"] for e in uow.events.envelopes] == ["E-1"]


def test_a_complaint_update_applies_only_at_its_revision_and_announces_with_it(uow):
    uow.add_complaint(complaint("Q-1", 1), {"id": "E-1"})
    assert uow.update_complaint("Q-1", 1, {"status": "responded"}, [{"id": "E-2"}])
    assert not uow.update_complaint("Q-1", 1, {"status": "resolved"}, [{"id": "E-3"}])
    stored = uow.complaint("Q-1")
    assert (stored["status"], stored["revision"]) == ("responded", 2)
    assert [e["id"] for e in uow.events.envelopes] == ["E-1", "E-2"]


def test_complaints_are_listed_latest_first_and_by_status(uow):
    uow.add_complaint(complaint("Q-1", 1), {"id": "E-1"})
    uow.add_complaint(complaint("Q-2", 3, status="closed"), {"id": "E-2"})
    uow.add_complaint(complaint("Q-3", 2), {"id": "E-3"})
    assert [c["_id"] for c in uow.complaints(None, 10)] == ["Q-2", "Q-3", "Q-1"]
    assert [c["_id"] for c in uow.complaints("open", 1)] == ["Q-3"]


def test_a_customers_complaints_are_listed_latest_first(uow):
    for ref, day, customer in [("Q-1", 1, "C-1"), ("Q-2", 3, "C-2"), ("Q-3", 2, "C-1")]:
        uow.add_complaint({**complaint(ref, day), "customer_id": customer}, {"id": f"E-{ref}"})
    uow.add_complaint(complaint("Q-4", 4), {"id": "E-4"})  # anonymous

    assert [c["_id"] for c in uow.complaints_of("C-1", 10)] == ["Q-3", "Q-1"]
    assert [c["_id"] for c in uow.complaints_of("C-1", 1)] == ["Q-3"]
    assert uow.complaints_of("C-9", 10) == []


def test_watched_complaints_are_those_due_by_now_for_that_target(uow):
    uow.add_complaint(complaint("Q-1", 1), {"id": "E-1"})
    uow.add_complaint(complaint("Q-2", 5), {"id": "E-2"})
    now = datetime(2026, 3, 3, tzinfo=UTC)
    assert [c["_id"] for c in uow.watched("response", now)] == ["Q-1"]
    assert uow.watched("resolution", now) == []


def test_answers_are_replayed_a_page_at_a_time_in_id_order(uow):
    for answer_id, score in (("A-2", 7), ("A-1", 9), ("A-3", 10)):
        uow.add_answer(answer(answer_id, score), {"id": f"E-{answer_id}", "type": "x"})

    first = uow.replay_documents("nps_answers", None, 2)

    assert first == [answer("A-1", 9), answer("A-2", 7)]
    assert uow.replay_documents("nps_answers", "A-2", 2) == [answer("A-3", 10)]
    assert uow.replay_documents("complaints", None, 2) == []
