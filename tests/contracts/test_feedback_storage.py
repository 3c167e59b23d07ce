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


# -- casework, imported ratings and customers by e-mail ----------------------------------------


def test_a_customer_is_found_by_the_email_it_was_announced_with(uow):
    uow.remember_customer("C-1", "Ana", captive=True, email="ana@example.com")
    uow.remember_customer("C-2", "Bo", captive=False)
    assert uow.customer_by_email("ana@example.com") == "C-1"
    assert uow.customer_by_email("bo@example.com") is None


def test_a_response_is_read_back_by_its_key(uow):
    uow.add_response(response("K-1", "C-1", 3), {"id": "E-1", "type": "survey_responded"})
    assert uow.response("K-1")["customer_id"] == "C-1"
    assert "outbox" not in uow.response("K-1")
    assert uow.response("K-2") is None


def action(ref: str, due_day: int, *complaints: str, status: str = "planned") -> dict:
    return {
        "_id": ref,
        "cause": "Invoices sent twice",
        "action": "Fix the nightly job",
        "owner": "lu",
        "due_at": datetime(2026, 3, due_day, tzinfo=UTC),
        "complaint_refs": list(complaints),
        "completed_at": None,
        "effective": None,
        "effect_note": "",
        "status": status,
        "revision": 1,
    }


def test_an_action_is_inserted_once_and_updated_only_at_its_revision(uow):
    assert uow.add_action(action("CA-1", 20, "Q-1")) is None
    assert uow.add_action(action("CA-1", 25))["due_at"] == datetime(2026, 3, 20, tzinfo=UTC)

    assert uow.update_action("CA-1", 1, {"status": "done"})
    assert not uow.update_action("CA-1", 1, {"status": "effective"})
    assert (uow.action("CA-1")["status"], uow.action("CA-1")["revision"]) == ("done", 2)
    assert uow.action("CA-404") is None


def test_actions_are_listed_soonest_due_first_by_status_or_complaint(uow):
    uow.add_action(action("CA-1", 20, "Q-1", "Q-2"))
    uow.add_action(action("CA-2", 10, "Q-2", status="done"))
    uow.add_action(action("CA-3", 15))

    assert [a["_id"] for a in uow.actions(None, 10)] == ["CA-2", "CA-3", "CA-1"]
    assert [a["_id"] for a in uow.actions("planned", 1)] == ["CA-3"]
    assert [a["_id"] for a in uow.actions_for("Q-2")] == ["CA-2", "CA-1"]
    assert uow.actions_for("Q-3") == []


def incident(ref: str, day: int) -> dict:
    return {
        "_id": ref,
        "customer_id": "C-1",
        "encounter": "phone",
        "valence": "dissatisfying",
        "story": "On hold for 40 minutes",
        "occurred_at": datetime(2026, 3, day, tzinfo=UTC),
        "recorded_at": datetime(2026, 3, day, 12, tzinfo=UTC),
        "complaint_ref": None,
        "action_refs": [],
    }


def test_incidents_are_kept_once_latest_first_and_linked_to_an_action_once(uow):
    assert uow.add_incident(incident("CI-1", 2)) is None
    uow.add_incident(incident("CI-2", 5))
    assert uow.add_incident(incident("CI-1", 9))["occurred_at"].day == 2

    uow.link_incident_action("CI-1", "CA-1")
    uow.link_incident_action("CI-1", "CA-1")

    assert uow.incident("CI-1")["action_refs"] == ["CA-1"]
    assert [i["_id"] for i in uow.incidents(10)] == ["CI-2", "CI-1"]
    assert uow.incident("CI-404") is None


def interview(ref: str, day: int) -> dict:
    return {
        "_id": ref,
        "customer_id": "C-1",
        "interviewer": "Marta",
        "interviewed_at": datetime(2026, 5, day, tzinfo=UTC),
        "reasons": ["competitor", "price"],
        "notes": "",
    }


def test_an_interview_is_inserted_and_announced_once(uow):
    assert uow.add_interview(interview("INT-1", 4), {"id": "E-1", "type": "x"}) is None
    uow.add_interview(interview("INT-2", 9), {"id": "E-2", "type": "x"})
    again = uow.add_interview(interview("INT-1", 20), {"id": "E-3", "type": "x"})

    assert again["interviewed_at"].day == 4 and "outbox" not in again
    assert [e["id"] for e in uow.events.envelopes] == ["E-1", "E-2"]
    assert [i["_id"] for i in uow.interviews_of("C-1")] == ["INT-2", "INT-1"]
    assert uow.interviews_of("C-2") == []


def requirement(ref: str, customer_id: str = "C-1") -> dict:
    return {
        "_id": ref,
        "customer_id": customer_id,
        "statement": "Invoices in CFDI 4.0",
        "priority": "must",
        "source": "visit",
        "documented_at": datetime(2026, 3, 2, tzinfo=UTC),
        "status": "open",
        "settled_at": None,
        "settlement": "",
    }


def test_a_requirement_is_kept_once_and_settled_only_while_open(uow):
    assert uow.add_requirement(requirement("RQ-1")) is None
    assert uow.add_requirement(requirement("RQ-1", "C-2"))["customer_id"] == "C-1"
    uow.add_requirement(requirement("RQ-2", "C-2"))

    assert uow.settle_requirement("RQ-1", {"status": "met", "settlement": "Done"})
    assert not uow.settle_requirement("RQ-1", {"status": "dropped", "settlement": "No"})
    assert uow.requirement("RQ-1")["status"] == "met"
    assert [r["_id"] for r in uow.requirements_of("C-1")] == ["RQ-1"]
    assert uow.requirement("RQ-404") is None


def rating(response_id: str, item: int, perception: int) -> dict:
    return {
        "_id": f"{response_id}:{item}",
        "response_id": response_id,
        "item": item,
        "dimension": "tangibility",
        "expectation": 7,
        "perception": perception,
        "importance": 20,
    }


def test_an_imported_rating_replaces_its_earlier_self_and_is_read_by_response(uow):
    assert uow.keep_rating(rating("K-1", 2, 5)) is None
    uow.keep_rating(rating("K-1", 1, 5))
    uow.keep_rating(rating("K-2", 1, 5))
    assert uow.keep_rating(rating("K-1", 2, 6))["perception"] == 5

    assert [(r["item"], r["perception"]) for r in uow.ratings_of("K-1")] == [(1, 5), (2, 6)]
    uow.drop_ratings("K-1")
    assert uow.ratings_of("K-1") == []
    assert [r["_id"] for r in uow.ratings_of("K-2")] == ["K-2:1"]


def test_a_batch_inserts_the_free_records_and_announces_only_them(uow):
    uow.add_response(response("K-1", "C-1", 1), {"id": "E-1", "type": "survey_responded"})
    entries = [
        (response("K-1", "C-2", 2), [{"id": "E-2", "type": "survey_responded"}]),
        (response("K-2", "C-1", 3), [{"id": "E-3", "type": "survey_responded"}]),
        (response("K-2", "C-2", 4), [{"id": "E-4", "type": "survey_responded"}]),
    ]

    assert uow.add_batch("responses", entries) == [0, 2]
    assert uow.add_batch("responses", []) == []

    assert [e["id"] for e in uow.events.envelopes] == ["E-1", "E-3"]
    assert (uow.response("K-1")["customer_id"], uow.response("K-2")["customer_id"]) == (
        "C-1",
        "C-1",
    )


def test_a_complaint_inserted_with_further_events_announces_them_all_once(uow):
    opened = {"id": "E-1", "type": "complaint_opened"}
    resolved = {"id": "E-2", "type": "complaint_resolved"}
    assert uow.add_complaint(complaint("Q-1", 2, "resolved"), opened, [resolved]) is None
    again = uow.add_complaint(complaint("Q-1", 2), {"id": "E-3", "type": "complaint_opened"})

    assert again["status"] == "resolved"
    assert [e["id"] for e in uow.events.envelopes] == ["E-1", "E-2"]


def test_answers_are_replayed_a_page_at_a_time_in_id_order(uow):
    for answer_id, score in (("A-2", 7), ("A-1", 9), ("A-3", 10)):
        uow.add_answer(answer(answer_id, score), {"id": f"E-{answer_id}", "type": "x"})

    first = uow.replay_documents("nps_answers", None, 2)

    assert first == [answer("A-1", 9), answer("A-2", 7)]
    assert uow.replay_documents("nps_answers", "A-2", 2) == [answer("A-3", 10)]
    assert uow.replay_documents("complaints", None, 2) == []
