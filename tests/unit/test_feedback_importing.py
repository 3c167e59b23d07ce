"""Importing survey responses and complaints, row by row, on the in-memory unit of work."""

from datetime import UTC, datetime

import pytest

from clientela.services.feedback import complaint_handlers, importing
from clientela.services.feedback.dependencies import FakeFeedbackStorage

NOW = datetime(2026, 6, 1, tzinfo=UTC)
ITEMS = {"tangibility": (1, 2, 3, 4), "reliability": (5, 6, 7, 8, 9),
         "responsiveness": (10, 11, 12, 13), "assurance": (14, 15, 16, 17),
         "empathy": (18, 19, 20, 21, 22)}  # fmt: skip
IMPORTANCE = {"tangibility": 10, "reliability": 30, "responsiveness": 20, "assurance": 20,
              "empathy": 20}  # fmt: skip


@pytest.fixture
def uow():
    storage = FakeFeedbackStorage()
    storage.remember_customer("CU-1", "Ana Ruiz", captive=True, email="ana@example.com")
    storage.remember_customer("CU-2", "Beto Sosa", captive=False, email="beto@example.com")
    return storage


def rows(*fields: dict) -> list[dict]:
    return [{"line": n, "fields": f} for n, f in enumerate(fields, start=2)]


def response(ref: str, survey: str, score: str, **more: str) -> dict:
    row = {"response_ref": ref, "customer_ref": "CU-1", "survey": survey, "score": score,
           "answered_at": "2026-03-02 10:30", "channel": "email"}  # fmt: skip
    return {**row, **more}


def servqual_rows(ref: str, items: dict = ITEMS) -> list[dict]:
    return [
        {"response_ref": ref, "email": "beto@example.com", "survey": "SERVQUAL",
         "answered_at": "2026-03-05", "dimension": dimension, "item": str(item),
         "expectation": "7", "perception": "5", "importance": str(IMPORTANCE[dimension])}
        for dimension, numbers in items.items()
        for item in numbers
    ]  # fmt: skip


def test_scored_responses_are_recorded_once_and_reach_kpi_through_the_usual_events(uow):
    batch = rows(response("R-1", "nps", "9"), response("R-2", "csat", "4"))

    first = importing.import_rows("responses", batch, NOW, uow)
    again = importing.import_rows("responses", batch, NOW, uow)

    assert (first["created"], first["rejected"]) == (2, [])
    assert (again["created"], again["unchanged"]) == (0, 2)
    assert uow.events.types() == ["survey_answered", "survey_responded"]
    nps, csat = (e["payload"] for e in uow.events.envelopes)
    assert (nps["score"], nps["category"], nps["channel"]) == (9, "promoter", "email")
    assert nps["answered_at"] == "2026-03-02T10:30:00+00:00"
    assert (csat["kind"], csat["score"], csat["customer_id"]) == ("csat", 4, "CU-1")
    assert [s["_id"] for s in uow.surveys()] == ["csat", "nps"]


def test_bad_response_rows_are_rejected_with_the_field_and_reason(uow):
    report = importing.import_rows(
        "responses",
        rows(
            response("R-1", "csat", "6"),
            response("R-2", "nps", "9", customer_ref="CU-404"),
            response("R-3", "nps", "9", answered_at="2099-01-01"),
            response("R-4", "stars", "3"),
            {**response("R-5", "ces", "2"), "customer_ref": "", "email": "nadie@example.com"},
            response("R-6", "ces", "2", customer_ref="", email="ANA@example.com"),
        ),
        NOW,
        uow,
    )

    assert report["created"] == 1
    assert report["rejected"] == [
        {"line": 2, "errors": {"score": ["Must be a whole number from 1 to 5."]}},
        {"line": 3, "errors": {"customer_ref": ["no customer 'CU-404' is known to feedback"]}},
        {"line": 4, "errors": {"answered_at": [
            "Is in the future; it must have happened already."]}},
        {"line": 5, "errors": {"survey": ["Must be one of: nps, csat, ces, servqual."]}},
        {"line": 6, "errors": {"email": ["no customer with e-mail 'nadie@example.com'"]}},
    ]  # fmt: skip
    assert uow.events.types() == ["survey_responded"]


def test_a_servqual_answer_is_recorded_once_its_last_item_arrives_in_any_batch(uow):
    items = servqual_rows("SQ-1")
    first = importing.import_rows("responses", rows(*items[11:]), NOW, uow)
    assert uow.events.envelopes == []

    second = importing.import_rows("responses", rows(*items[:11]), NOW, uow)
    replay = importing.import_rows("responses", rows(*items), NOW, uow)

    assert (first["created"], second["created"], replay["unchanged"]) == (11, 11, 22)
    [event] = uow.events.envelopes
    answer = event["payload"]
    assert (answer["kind"], answer["customer_id"]) == ("servqual", "CU-2")
    assert answer["importance"] == IMPORTANCE
    assert len(answer["ratings"]) == 22
    assert {r["perception"] - r["expectation"] for r in answer["ratings"]} == {-2}
    assert uow.rating_records == {}  # the answer keeps them; the item rows are forgotten


def test_a_servqual_row_off_its_item_or_with_uneven_importance_is_rejected(uow):
    items = servqual_rows("SQ-1")
    items[0] = {**items[0], "dimension": "empathy"}
    items[5] = {**items[5], "importance": "25"}

    report = importing.import_rows("responses", rows(*items), NOW, uow)

    assert report["rejected"][0] == {
        "line": 2, "errors": {"dimension": ["Item 1 is about tangibility."]}}  # fmt: skip
    assert uow.events.envelopes == []
    fixed = servqual_rows("SQ-1")
    fixed[5] = {**fixed[5], "importance": "25"}
    retry = importing.import_rows("responses", rows(*fixed), NOW, uow)
    assert retry["rejected"][-1]["errors"] == {
        "importance": ["The items of reliability give different importance: 30 and 25."]
    }


def complaint(ref: str, **more: str) -> dict:
    row = {"complaint_ref": ref, "customer_ref": "CU-1", "category": "billing",
           "severity": "Alta", "opened_at": "2026-03-02 09:00",
           "responded_at": "2026-03-02 15:00", "resolved_at": "2026-03-04 12:00",
           "description": "Charged twice"}  # fmt: skip
    return {**row, **more}


def test_a_complaint_imported_resolved_is_announced_opened_and_resolved_once(uow):
    batch = rows(complaint("Q-1"), complaint("Q-2", responded_at="", resolved_at=""))

    first = importing.import_rows("complaints", batch, NOW, uow)
    again = importing.import_rows("complaints", batch, NOW, uow)

    assert (first["created"], again["unchanged"]) == (2, 2)
    assert uow.events.types() == ["complaint_opened", "complaint_resolved", "complaint_opened"]
    assert uow.complaint("Q-1")["status"] == "resolved"
    assert uow.complaint("Q-2")["severity"] == "high"


def test_an_imported_complaint_breaches_its_targets_as_one_opened_by_the_cli(uow):
    late = complaint("Q-1", responded_at="2026-03-04 09:00", resolved_at="")
    importing.import_rows("complaints", rows(late), NOW, uow)

    assert complaint_handlers.review_breaches(NOW, uow) == 2
    assert complaint_handlers.review_breaches(NOW, uow) == 0
    breached = [e["payload"]["deadline"] for e in uow.events.envelopes[1:]]
    assert breached == ["response", "resolution"]


def test_complaint_times_out_of_order_are_rejected_naming_the_field(uow):
    report = importing.import_rows(
        "complaints",
        rows(
            complaint("Q-1", responded_at="2026-03-01 09:00"),
            complaint("Q-2", resolved_at="2026-03-02 10:00"),
            complaint("Q-3", responded_at="", resolved_at="2026-03-01"),
            complaint("Q-4", severity="grave"),
            complaint("Q-5", description=""),
        ),
        NOW,
        uow,
    )

    assert [(r["line"], list(r["errors"])) for r in report["rejected"]] == [
        (2, ["responded_at"]),
        (3, ["resolved_at"]),
        (4, ["resolved_at"]),
        (5, ["severity"]),
        (6, ["description"]),
    ]
    assert uow.events.envelopes == []


def test_a_later_export_responds_to_and_resolves_an_imported_complaint_once(uow):
    opened = complaint("Q-1", responded_at="", resolved_at="")
    importing.import_rows("complaints", rows(opened), NOW, uow)

    later = importing.import_rows("complaints", rows(complaint("Q-1")), NOW, uow)
    again = importing.import_rows("complaints", rows(complaint("Q-1")), NOW, uow)

    assert (later["updated"], again["unchanged"]) == (1, 1)
    assert uow.events.types() == ["complaint_opened", "complaint_resolved"]
    resolved = uow.events.envelopes[-1]["payload"]
    assert resolved["responded_at"] == "2026-03-02T15:00:00+00:00"
    assert resolved["resolved_at"] == "2026-03-04T12:00:00+00:00"
    assert resolved["resolution"] == "resolved (as imported)"
