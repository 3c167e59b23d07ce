"""Survey use cases on the in-memory unit of work: definitions, responses, answers, results."""

from datetime import UTC, datetime

import pytest

from clientela.errors import Conflict, InvalidInput, NotFound
from clientela.events import SURVEY_QUESTION_KINDS, parse_event
from clientela.services.feedback import handlers
from clientela.services.feedback.dependencies import FakeFeedbackStorage
from clientela.services.feedback.domain.commands import DefineSurvey, QuestionSpec, RecordResponse
from clientela.services.feedback.domain.surveys import QuestionKind

MARCH = datetime(2026, 3, 10, 12, tzinfo=UTC)
QUESTIONS = (
    QuestionSpec("recommend", "nps", "How likely are you to recommend us?"),
    QuestionSpec("satisfied", "csat", "How satisfied are you?"),
    QuestionSpec("effort", "ces", "How easy was it?"),
    QuestionSpec("quality", "servqual", "Rate our service"),
    QuestionSpec("comments", "free_text", "Anything else?"),
)


@pytest.fixture
def uow():
    storage = FakeFeedbackStorage()
    storage.remember_customer("C-1", "Ana Ruiz", captive=True)
    storage.remember_customer("C-2", "Bo Li", captive=False)
    handlers.define_survey(DefineSurvey("S-1", "After purchase", QUESTIONS), storage)
    return storage


def respond(uow, question, answer, customer="C-1", reference="inv-1", **details):
    command = RecordResponse("S-1", question, customer, reference, answer, **details)
    return handlers.record_response(command, uow)


def test_the_event_catalogue_knows_every_question_kind():
    assert set(SURVEY_QUESTION_KINDS) == {str(kind) for kind in QuestionKind}


def test_a_survey_is_stored_with_version_one_of_each_question_and_22_servqual_items(uow):
    [survey] = handlers.surveys(uow)
    assert [(q["key"], q["version"]) for q in survey["questions"]] == [
        (spec.key, 1) for spec in QUESTIONS
    ]
    servqual = survey["questions"][3]
    assert len(servqual["items"]) == 22


def test_rewording_a_question_adds_its_next_version_and_keeps_the_first(uow):
    reworded = (QuestionSpec("satisfied", "csat", "All in all, how satisfied are you?"),)
    survey = handlers.define_survey(DefineSurvey("S-1", "After purchase", reworded), uow)
    versions = [(q["version"], q["text"]) for q in survey["questions"] if q["key"] == "satisfied"]
    assert versions == [(1, "How satisfied are you?"), (2, "All in all, how satisfied are you?")]
    response = respond(uow, "satisfied", 5)
    assert response["version"] == 2


def test_defining_the_same_survey_again_changes_nothing(uow):
    before = handlers.surveys(uow)
    handlers.define_survey(DefineSurvey("S-1", "After purchase", QUESTIONS), uow)
    assert handlers.surveys(uow) == before


def test_a_question_cannot_change_its_kind(uow):
    with pytest.raises(Conflict):
        handlers.define_survey(
            DefineSurvey("S-1", "After purchase", (QuestionSpec("effort", "csat", "Easy?"),)), uow
        )


def test_a_replayed_response_counts_once_and_is_announced_once(uow):
    first = respond(uow, "satisfied", 4, raw={"link": "t-1"})
    again = respond(uow, "satisfied", 4, raw={"link": "t-1"})
    assert again == first
    assert uow.events.types() == ["survey_responded"]
    assert first["raw"] == {"link": "t-1"}


def test_a_signed_nps_response_is_announced_as_survey_answered_for_its_consumers(uow):
    respond(uow, "recommend", 9, answered_at=MARCH)
    [envelope] = uow.events.envelopes
    event = parse_event(envelope)
    assert event.type == "survey_answered"
    assert (event.payload["score"], event.payload["category"]) == (9, "promoter")


def test_an_anonymous_response_is_kept_without_a_customer(uow):
    response = respond(uow, "comments", "More parking, please", customer=None)
    assert response["customer_id"] is None
    assert response["text"] == "More parking, please"
    assert parse_event(uow.events.envelopes[0]).payload["customer_id"] is None


@pytest.mark.parametrize(
    ("question", "answer", "field"),
    [("recommend", 11, "score"), ("satisfied", 0, "score"), ("effort", 8, "score")],
)
def test_a_score_off_its_scale_is_refused_naming_the_field(uow, question, answer, field):
    with pytest.raises(InvalidInput) as refused:
        respond(uow, question, answer)
    assert field in str(refused.value)
    assert uow.responses == {}


def test_unknown_surveys_and_customers_are_not_found(uow):
    with pytest.raises(NotFound):
        handlers.record_response(RecordResponse("S-9", "satisfied", "C-1", "r", 4), uow)
    with pytest.raises(NotFound):
        respond(uow, "satisfied", 4, customer="C-9")


def servqual_answer(expectation: int, perception: int, importance=None) -> dict:
    ratings = [
        {"item": item, "expectation": expectation, "perception": perception}
        for item in range(1, 23)
    ]
    return {"ratings": ratings, **({"importance": importance} if importance else {})}


def test_a_servqual_response_keeps_each_rating_with_its_dimension(uow):
    response = respond(uow, "quality", servqual_answer(6, 5))
    assert response["ratings"][0] == {
        "item": 1,
        "dimension": "tangibility",
        "expectation": 6,
        "perception": 5,
    }
    assert response["importance"] == {d: 20 for d in response["importance"]}


def test_a_servqual_response_missing_an_item_is_refused(uow):
    answer = servqual_answer(6, 5)
    answer["ratings"].pop()
    with pytest.raises(InvalidInput) as refused:
        respond(uow, "quality", answer)
    assert "ratings" in str(refused.value)


def test_answers_lists_the_customer_responses_newest_first(uow):
    respond(uow, "satisfied", 4, reference="r-1", answered_at=MARCH)
    respond(uow, "effort", 6, reference="r-2", answered_at=MARCH.replace(day=20))
    respond(uow, "satisfied", 2, customer="C-2", reference="r-3")
    assert [(a["question"], a["score"]) for a in handlers.answers("C-1", uow)] == [
        ("effort", 6),
        ("satisfied", 4),
    ]


def test_results_give_the_period_scores_under_their_public_names(uow):
    # NPS: C-1 promoter (latest answer), C-2 detractor -> 50% - 50% = 0
    respond(uow, "recommend", 3, reference="r-1", answered_at=MARCH)
    respond(uow, "recommend", 10, reference="r-2", answered_at=MARCH.replace(day=12))
    respond(uow, "recommend", 5, customer="C-2", reference="r-3", answered_at=MARCH)
    # CSAT: 5 and 3 -> 50% satisfied, mean 4
    respond(uow, "satisfied", 5, reference="r-4", answered_at=MARCH)
    respond(uow, "satisfied", 3, customer="C-2", reference="r-5", answered_at=MARCH)
    # outside the period: not counted
    respond(uow, "satisfied", 1, reference="r-6", answered_at=datetime(2026, 5, 1, tzinfo=UTC))
    respond(uow, "quality", servqual_answer(6, 4), reference="r-7", answered_at=MARCH)
    figures = handlers.results("S-1", "2026-Q1", uow)
    assert figures["period"] == "2026-Q1"
    assert figures["responses"] == 6
    assert (figures["NPS"], figures["nps_respondents"]) == (0.0, 2)
    assert (figures["CSAT"], figures["CSAT_mean"]) == (50.0, 4.0)
    assert figures["SERVQUAL_gap_reliability"] == -2.0
    assert figures["SERVQUAL_weighted"] == -2.0
    # SC: C-1's latest (CSAT 5) satisfied, C-2's latest (CSAT 3) not; I6 over captive C-1
    assert (figures["SC"], figures["I6"]) == (50.0, 100.0)


def test_results_of_an_unknown_survey_are_not_found(uow):
    with pytest.raises(NotFound):
        handlers.results("S-9", "2026", uow)
