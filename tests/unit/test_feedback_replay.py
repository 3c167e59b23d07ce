"""The feedback service's replay on its in-memory unit of work: answers, responses and
complaints as the handlers left them give back the events kpi counts, as announced."""

from datetime import UTC, datetime, timedelta

import pytest

from clientela.services.feedback import complaint_handlers, handlers
from clientela.services.feedback.dependencies import FakeFeedbackStorage
from clientela.services.feedback.domain import RecordNps
from clientela.services.feedback.domain.commands import (
    DefineSurvey,
    OpenComplaint,
    QuestionSpec,
    RecordResponse,
)
from clientela.services.feedback.replay import REPLAY_SOURCES

from . import replay_checks

MARCH = datetime(2026, 3, 10, 12, tzinfo=UTC)
OPENED = datetime(2026, 2, 26, 8, tzinfo=UTC)  # billing: respond in 24 h, resolve in 5 days
QUESTIONS = (
    QuestionSpec("satisfied", "csat", "How satisfied are you?"),
    QuestionSpec("effort", "ces", "How easy was it?"),
    QuestionSpec("quality", "servqual", "Rate our service"),
    QuestionSpec("comments", "free_text", "Anything else?"),
)


@pytest.fixture
def uow():
    """Dora and Eva answered the NPS question and the after-purchase survey (Eva without
    signing it); Dora complained, was answered late and the complaint resolved; Eva's
    complaint is still open, past its targets."""
    storage = FakeFeedbackStorage()
    storage.remember_customer("CU-dora", "Dora Textil SA", captive=False)
    storage.remember_customer("CU-eva", "Eva Gil", captive=True)
    handlers.record_nps(RecordNps("CU-dora", 9, answered_at=MARCH, answer_id="A-1"), storage)
    handlers.record_nps(RecordNps("CU-eva", 4, answered_at=MARCH, answer_id="A-2"), storage)
    handlers.define_survey(DefineSurvey("S-1", "After purchase", QUESTIONS), storage)
    ratings = [{"item": item, "expectation": 6, "perception": 5} for item in range(1, 23)]
    for question, customer, answer in (
        ("satisfied", "CU-dora", 4),
        ("effort", "CU-dora", 2),
        ("quality", "CU-dora", {"ratings": ratings}),
        ("comments", "CU-dora", "Fast delivery"),
        ("satisfied", None, 2),
    ):
        command = RecordResponse("S-1", question, customer, "order-7", answer, answered_at=MARCH)
        handlers.record_response(command, storage)
    for ref, customer in (("Q-1", "CU-dora"), ("Q-2", "CU-eva")):
        complaint = OpenComplaint(
            ref, customer, "billing", "high", "Charged twice", opened_at=OPENED
        )
        complaint_handlers.open_complaint(complaint, storage)
    complaint_handlers.review_breaches(OPENED + timedelta(hours=30), storage)
    complaint_handlers.respond_to_complaint("Q-1", OPENED + timedelta(hours=31), storage)
    complaint_handlers.resolve_complaint("Q-1", "Refunded", OPENED + timedelta(days=2), storage)
    complaint_handlers.review_breaches(OPENED + timedelta(days=6), storage)
    return storage


def key(event):
    payload = event["payload"]
    ids = ("answer_id", "response_id", "complaint_ref")
    found = next(payload[name] for name in ids if name in payload)
    return event["type"], found, payload.get("deadline")


def test_each_record_gives_back_the_events_announced_about_it(uow):
    announced = {key(e): e["payload"] for e in uow.events.envelopes}

    replayed = replay_checks.replay_all(REPLAY_SOURCES, uow, limit=2)

    assert {key(e): e["payload"] for e in replayed} == announced
    assert sorted(k for k in announced if k[0] == "complaint_breached") == [
        ("complaint_breached", "Q-1", "response"),
        ("complaint_breached", "Q-2", "resolution"),
        ("complaint_breached", "Q-2", "response"),
    ]


def test_kpi_counts_the_replayed_events_as_it_counted_the_live_ones(uow):
    replayed = replay_checks.replay_all(REPLAY_SOURCES, uow)

    reports = replay_checks.kpi_reports(uow.events.envelopes, replayed)

    for live, rebuilt in reports:
        assert rebuilt == live
    march = {row["period"]: row for row in reports[0][1]}["2026-03"]
    assert (march["nps_respondents"], march["CSAT"]) == (2, 100.0)
