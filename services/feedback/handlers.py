"""Feedback use cases: learn customers from events, define surveys, record their responses.

Each takes a command or an event and the service's unit of work
(:mod:`clientela.services.feedback.dependencies`).
"""

from __future__ import annotations

import uuid
from typing import Any

from clientela.clock import utcnow
from clientela.errors import Conflict, NotFound
from clientela.events import Event
from clientela.periods import parse_period
from clientela.services.feedback import events, records
from clientela.services.feedback.dependencies import FeedbackStorage
from clientela.services.feedback.domain import RecordNps, nps_category
from clientela.services.feedback.domain.checks import require_choice
from clientela.services.feedback.domain.commands import DefineSurvey, QuestionSpec, RecordResponse
from clientela.services.feedback.domain.responses import response_key
from clientela.services.feedback.domain.scores import survey_figures
from clientela.services.feedback.domain.surveys import (
    Question,
    QuestionKind,
    Survey,
    check_answer,
)


def handle_customer_created(event: Event, uow: FeedbackStorage) -> None:
    """Keep the announced customer so answers can be checked against it (idempotent)."""
    payload = event.payload
    email = payload.get("email")
    uow.remember_customer(
        payload["customer_id"], payload["name"], payload["captive"], email and email.lower()
    )


def record_nps(command: RecordNps, uow: FeedbackStorage) -> dict[str, Any]:
    """Record an NPS answer from a known customer; the same ``answer_id`` records once.

    Returns the answer as stored. NotFound for a customer feedback was never
    told about; Conflict when a repeated ``answer_id`` carries another
    customer or score.
    """
    if not uow.is_known_customer(command.customer_id):
        raise NotFound(f"customer_id: no customer {command.customer_id!r} is known to feedback")
    answer = {
        "_id": command.answer_id or uuid.uuid4().hex,
        "customer_id": command.customer_id,
        "score": command.score,
        "category": nps_category(command.score),
        "channel": command.channel,
        "comment": command.comment,
        "answered_at": command.answered_at or utcnow(),
    }
    existing = uow.add_answer(answer, events.survey_answered(answer))
    if existing is None:
        return answer
    if (existing["customer_id"], existing["score"]) != (command.customer_id, command.score):
        raise Conflict(f"answer_id: {answer['_id']!r} is already recorded with other data")
    # answers stored before the category was a stored field do not hold it
    existing.setdefault("category", nps_category(existing["score"]))
    return existing


def _question(spec: QuestionSpec, version: int = 1) -> Question:
    return Question(
        spec.key,
        require_choice("kind", spec.kind, QuestionKind),
        spec.text,
        version,
        records.servqual_items_from(spec.items),
    )


def _revised(survey: Survey, command: DefineSurvey) -> Survey:
    """``survey`` with each reworded question at its next version and new questions added."""
    for spec in command.questions:
        if spec.key not in set(survey.keys()):
            survey = Survey(survey.survey_id, survey.name, (*survey.questions, _question(spec)))
            continue
        current = survey.question(spec.key)
        wanted = _question(spec, current.version)
        if wanted.kind is not current.kind:
            raise Conflict(f"question {spec.key!r} asks for {current.kind}, not {wanted.kind}")
        if (wanted.text, wanted.items) != (current.text, current.items):
            survey = survey.revise(spec.key, wanted.text, wanted.items)
    return Survey(survey.survey_id, command.name, survey.questions)


def define_survey(command: DefineSurvey, uow: FeedbackStorage) -> dict[str, Any]:
    """Define a survey, or revise it; returns it with every version of its questions.

    A question given again with other wording (or items) gets its next version,
    the earlier ones kept, so every answer is read against what it answered;
    defining the same survey again changes nothing. Conflict when a question
    would change its kind.
    """
    stored = uow.survey(command.survey_id)
    if stored is None:
        survey = Survey(
            command.survey_id, command.name, tuple(_question(q) for q in command.questions)
        )
    else:
        survey = _revised(records.survey_from(stored), command)
    record = records.survey_record(survey)
    if record != stored:
        uow.save_survey(record)
    return record


def record_response(command: RecordResponse, uow: FeedbackStorage) -> dict[str, Any]:
    """Record a response to the current version of a survey's question; returns it as stored.

    The same survey, customer and reference record once: a replayed link,
    message or import row returns the response first stored and announces
    nothing. NotFound for an unknown survey or customer; InvalidInput naming
    the field of an answer off its question's scale.
    """
    stored = uow.survey(command.survey_id)
    if stored is None:
        raise NotFound(f"survey_id: no survey {command.survey_id!r}")
    customer_id = command.customer_id
    if customer_id is not None and not uow.is_known_customer(customer_id):
        raise NotFound(f"customer_id: no customer {customer_id!r} is known to feedback")
    question = records.survey_from(stored).question(command.question)
    response, announced = new_response(command, question)
    existing = uow.add_response(response, announced)
    return response if existing is None else existing


def new_response(command: RecordResponse, question: Question) -> tuple[dict[str, Any], dict]:
    """The response ``command`` gives to ``question``, as stored, and the event announcing it.

    A signed NPS answer is announced as ``survey_answered``, any other
    response as ``survey_responded``. InvalidInput naming the field of an
    answer off its question's scale.
    """
    customer_id = command.customer_id
    response: dict[str, Any] = {
        "_id": response_key(command.survey_id, customer_id, command.reference),
        "survey_id": command.survey_id,
        "question": question.key,
        "version": question.version,
        "kind": str(question.kind),
        "customer_id": customer_id,
        "reference": command.reference,
        "channel": command.channel,
        "score": None,
        "text": "",
        "ratings": [],
        "importance": {},
        "raw": command.raw or {"answer": command.answer},
        "answered_at": command.answered_at or utcnow(),
    }
    response.update(_answer_fields(question, command.answer))
    if question.kind is QuestionKind.NPS and customer_id is not None:
        announced = events.survey_answered(
            {**response, "category": nps_category(response["score"])}
        )
    else:
        announced = events.survey_responded(response)
    return response, announced


def _answer_fields(question: Question, answer: Any) -> dict[str, Any]:
    """The stored fields of ``answer`` once checked against ``question``."""
    if question.kind is QuestionKind.SERVQUAL:
        servqual = check_answer(question, records.servqual_answer_from(question, answer))
        assert not isinstance(servqual, int | str)  # a SERVQUAL question checks into ratings
        return {
            "ratings": [
                {
                    "item": r.item,
                    "dimension": str(r.dimension),
                    "expectation": r.expectation,
                    "perception": r.perception,
                }
                for r in servqual.ratings
            ],
            "importance": {str(d): p for d, p in servqual.importance.points.items()},
        }
    checked = check_answer(question, answer)
    if question.kind is QuestionKind.FREE_TEXT:
        return {"text": checked}
    return {"score": checked}


def surveys(uow: FeedbackStorage) -> list[dict[str, Any]]:
    """Every survey with every version of its questions, by id."""
    return uow.surveys()


def answers(customer_id: str, uow: FeedbackStorage) -> list[dict[str, Any]]:
    """Everything the customer answered, survey responses and NPS answers, newest first."""
    nps = [
        {**a, "survey_id": "nps", "question": "nps", "kind": "nps"}
        for a in uow.answers_of(customer_id)
    ]
    both = [*uow.responses_of(customer_id), *nps]
    return sorted(both, key=lambda answer: answer["answered_at"], reverse=True)


def results(survey_id: str, period: str, uow: FeedbackStorage) -> dict[str, Any]:
    """The scores of ``survey_id`` over ``period`` (a year, quarter or month key).

    Every figure of ``domain.scores`` under its public name, with the count of
    responses behind them; NotFound for an unknown survey.
    """
    if uow.survey(survey_id) is None:
        raise NotFound(f"survey_id: no survey {survey_id!r}")
    span = parse_period(period)
    found = uow.responses_to(survey_id, span.start, span.end)
    scale = records.scale_responses(found)
    captive = uow.captive_among(r.customer_id for r in scale)
    figures = survey_figures(scale, records.servqual_responses(found), span, captive)
    return {"survey_id": survey_id, "period": span.key, "responses": len(found), **figures}
