"""The feedback nameko service: entrypoints only."""

from __future__ import annotations

from typing import Any

from clientela.errors import load, load_id
from clientela.events import Event
from clientela.messaging import handles
from clientela.service import ServiceBase, api
from clientela.services.feedback import handlers
from clientela.services.feedback.dependencies import FeedbackStorage
from clientela.services.feedback.documents import (
    KnownCustomer,
    NpsAnswer,
    SurveyDefinition,
    SurveyResponse,
)
from clientela.services.feedback.domain import RecordNps
from clientela.services.feedback.domain.commands import DefineSurvey, QuestionSpec, RecordResponse
from clientela.services.feedback.schemas import (
    nps_answer_schema,
    nps_input,
    response_input,
    response_schema,
    results_input,
    survey_input,
    survey_schema,
)
from clientela.storage import Storage


class FeedbackService(ServiceBase):
    """Surveys and their responses from customers."""

    name = "feedback"
    outbox_documents = (NpsAnswer, SurveyResponse)
    storage = Storage(
        FeedbackStorage, documents=[KnownCustomer, NpsAnswer, SurveyDefinition, SurveyResponse]
    )

    @handles("customers", "customer_created")
    def handle_customer_created(self, event: Event) -> None:
        handlers.handle_customer_created(event, self.storage)

    @api
    def record_nps(self, customer_id: str, score: int, **details: Any) -> dict[str, Any]:
        """Record an NPS answer (0-10); see NpsInput for the optional details."""
        command = RecordNps(
            **load(nps_input, {"customer_id": customer_id, "score": score, **details})
        )
        return nps_answer_schema.dump(handlers.record_nps(command, self.storage))

    @api
    def define_survey(
        self, survey_id: str, name: str, questions: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """Define or revise a survey; a reworded question gets its next version."""
        data = load(survey_input, {"survey_id": survey_id, "name": name, "questions": questions})
        command = DefineSurvey(
            data["survey_id"],
            data["name"],
            tuple(QuestionSpec(**{**q, "items": tuple(q["items"])}) for q in data["questions"]),
        )
        return survey_schema.dump(handlers.define_survey(command, self.storage))

    @api
    def surveys(self) -> list[dict[str, Any]]:
        """Every survey with every version of its questions."""
        return survey_schema.dump(handlers.surveys(self.storage), many=True)

    @api
    def record_response(
        self, survey_id: str, question: str, reference: str, answer: Any, **details: Any
    ) -> dict[str, Any]:
        """Record a response once per survey, customer and reference; see ResponseInput."""
        data = {
            "survey_id": survey_id,
            "question": question,
            "reference": reference,
            "answer": answer,
            **details,
        }
        command = RecordResponse(**load(response_input, data))
        return response_schema.dump(handlers.record_response(command, self.storage))

    @api
    def answers(self, customer_id: str) -> list[dict[str, Any]]:
        """Everything the customer answered, newest first (the customer view's section)."""
        found = handlers.answers(load_id("customer_id", customer_id), self.storage)
        return response_schema.dump(found, many=True)

    @api
    def results(self, survey_id: str, period: str) -> dict[str, Any]:
        """The scores of a survey over a year, quarter or month (``2026-Q4``)."""
        query = load(results_input, {"survey_id": survey_id, "period": period})
        return handlers.results(query["survey_id"], query["period"], self.storage)
