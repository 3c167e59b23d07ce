"""The feedback nameko service: entrypoints only."""

from __future__ import annotations

from typing import Any

from nameko.timer import timer

from clientela.clock import utcnow
from clientela.errors import InvalidInput, load, load_id
from clientela.events import Event
from clientela.messaging import handles
from clientela.replay import DEFAULT_REPLAY_LIMIT, replay_page
from clientela.service import ServiceBase, api
from clientela.services.feedback import complaint_handlers, handlers
from clientela.services.feedback.dependencies import FeedbackStorage
from clientela.services.feedback.documents import (
    ComplaintRecord,
    KnownCustomer,
    NpsAnswer,
    SurveyDefinition,
    SurveyResponse,
)
from clientela.services.feedback.domain import RecordNps
from clientela.services.feedback.domain.commands import (
    DefineSurvey,
    OpenComplaint,
    QuestionSpec,
    RecordResponse,
)
from clientela.services.feedback.replay import REPLAY_GAPS, REPLAY_SOURCES
from clientela.services.feedback.schemas import (
    complaint_input,
    complaint_schema,
    nps_answer_schema,
    nps_input,
    response_input,
    response_schema,
    results_input,
    survey_input,
    survey_schema,
)
from clientela.storage import Storage

BREACH_REVIEW_S = 60
"""How often the complaint targets are checked for breaches."""
LIST_LIMIT = 1000


class FeedbackService(ServiceBase):
    """Surveys and their responses from customers."""

    name = "feedback"
    outbox_documents = (NpsAnswer, SurveyResponse, ComplaintRecord)
    storage = Storage(
        FeedbackStorage,
        documents=[KnownCustomer, NpsAnswer, SurveyDefinition, SurveyResponse, ComplaintRecord],
    )

    @handles("customers", "customer_created")
    def handle_customer_created(self, event: Event) -> None:
        handlers.handle_customer_created(event, self.storage)

    @api
    def replay(self, after: str | None = None, limit: int = DEFAULT_REPLAY_LIMIT) -> dict[str, Any]:
        """A page of the feedback events kpi counts, re-derived from the stored data:
        ``{"events", "next" (the cursor of the next page, None at the end), "gaps"}``."""
        return replay_page(REPLAY_SOURCES, self.storage.replay_documents, after, limit, REPLAY_GAPS)

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

    @api
    def open_complaint(
        self, complaint_ref: str, category: str, severity: str, description: str, **details: Any
    ) -> dict[str, Any]:
        """Open a complaint or suggestion once per ``complaint_ref``; see ComplaintInput."""
        data = {
            "complaint_ref": complaint_ref,
            "category": category,
            "severity": severity,
            "description": description,
            **details,
        }
        command = OpenComplaint(**load(complaint_input, data))
        return complaint_schema.dump(complaint_handlers.open_complaint(command, self.storage))

    @api
    def respond_to_complaint(self, complaint_ref: str) -> dict[str, Any]:
        """The customer heard back now: stops the response timer."""
        found = complaint_handlers.respond_to_complaint(
            load_id("complaint_ref", complaint_ref), None, self.storage
        )
        return complaint_schema.dump(found)

    @api
    def resolve_complaint(self, complaint_ref: str, resolution: str) -> dict[str, Any]:
        """Resolve the complaint now as ``resolution``."""
        found = complaint_handlers.resolve_complaint(
            load_id("complaint_ref", complaint_ref), resolution, None, self.storage
        )
        return complaint_schema.dump(found)

    @api
    def assign_complaint(self, complaint_ref: str, owner: str) -> dict[str, Any]:
        """Give the complaint to ``owner``."""
        found = complaint_handlers.assign_complaint(
            load_id("complaint_ref", complaint_ref), owner, self.storage
        )
        return complaint_schema.dump(found)

    @api
    def confirm_complaint(self, complaint_ref: str, satisfied: bool) -> dict[str, Any]:
        """The customer's word on the resolution: closed if satisfied, open again if not."""
        if not isinstance(satisfied, bool):
            raise InvalidInput({"satisfied": ["Must be true or false."]})
        found = complaint_handlers.confirm_complaint(
            load_id("complaint_ref", complaint_ref), satisfied, self.storage
        )
        return complaint_schema.dump(found)

    @api
    def complaints(self, status: str | None = None) -> list[dict[str, Any]]:
        """Complaints, latest opened first; only those in ``status`` if given."""
        found = complaint_handlers.list_complaints(status, LIST_LIMIT, self.storage)
        return complaint_schema.dump(found, many=True)

    @api
    def customer_complaints(self, customer_id: str) -> list[dict[str, Any]]:
        """The customer's complaints and suggestions, latest opened first (the customer
        view's section)."""
        found = complaint_handlers.customer_complaints(
            load_id("customer_id", customer_id), LIST_LIMIT, self.storage
        )
        return complaint_schema.dump(found, many=True)

    @api
    def check_breaches(self) -> int:
        """Announce the complaint targets missed by now; how many breaches were announced."""
        return complaint_handlers.review_breaches(utcnow(), self.storage)

    @timer(interval=BREACH_REVIEW_S)
    def review_breaches(self) -> int:
        """Every minute: announce ``complaint_breached`` for the targets missed."""
        return complaint_handlers.review_breaches(utcnow(), self.storage)
