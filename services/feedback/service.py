"""The feedback nameko service: entrypoints only."""

from __future__ import annotations

from typing import Any

from nameko.timer import timer
from werkzeug.wrappers import Request, Response

from clientela.clock import utcnow
from clientela.errors import InvalidInput, load, load_id
from clientela.events import Event
from clientela.messaging import handles
from clientela.replay import DEFAULT_REPLAY_LIMIT, replay_page
from clientela.service import ServiceBase, api
from clientela.services.feedback import (
    casework,
    complaint_handlers,
    handlers,
    importing,
    invitation_handlers,
    survey_web,
)
from clientela.services.feedback.casework_documents import (
    CorrectiveActionRecord,
    ImportedRating,
    IncidentRecord,
    InterviewRecord,
    RequirementRecord,
)
from clientela.services.feedback.casework_schemas import (
    action_input,
    action_schema,
    effect_input,
    incident_input,
    incident_schema,
    interview_input,
    interview_schema,
    requirement_input,
    requirement_schema,
    settle_input,
)
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
from clientela.services.feedback.domain.corrective_actions import CorrectiveAction
from clientela.services.feedback.domain.incidents import CriticalIncident
from clientela.services.feedback.domain.interviews import LostCustomerInterview
from clientela.services.feedback.domain.requirements import CustomerRequirement
from clientela.services.feedback.invitation_documents import (
    SurveyInvitation,
    SurveyPanel,
    SurveyRecipient,
    SurveySchedule,
)
from clientela.services.feedback.invitation_schemas import (
    invitation_schema,
    panel_input,
    panel_schema,
    preferences_input,
    preferences_schema,
    send_input,
)
from clientela.services.feedback.invitation_setup import InvitationSetupProvider
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
from clientela.services.feedback.survey_web import page
from clientela.storage import Storage

BREACH_REVIEW_S = 60
"""How often the complaint targets are checked for breaches."""
INVITATION_ROUND_S = 10
"""How often panels are invited, due invitations sent and channels' answers collected."""
DEFAULT_CHANNEL = "email"
LIST_LIMIT = 1000


class FeedbackService(ServiceBase):
    """Surveys and their responses from customers."""

    name = "feedback"
    outbox_documents = (NpsAnswer, SurveyResponse, ComplaintRecord, InterviewRecord)
    storage = Storage(
        FeedbackStorage,
        documents=[
            KnownCustomer,
            NpsAnswer,
            SurveyDefinition,
            SurveyResponse,
            ComplaintRecord,
            CorrectiveActionRecord,
            IncidentRecord,
            InterviewRecord,
            RequirementRecord,
            ImportedRating,
            SurveyRecipient,
            SurveyInvitation,
            SurveyPanel,
            SurveySchedule,
        ],
    )
    invitation_setup = InvitationSetupProvider()

    @handles("customers", "customer_created")
    def handle_customer_created(self, event: Event) -> None:
        handlers.handle_customer_created(event, self.storage)
        invitation_handlers.remember_recipient(event, self.storage)

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

    @api
    def import_records(self, kind: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
        """Import a batch of file rows (``{"line", "fields"}``) of survey ``responses`` or
        ``complaints``; reports how many were created, updated and unchanged, and each
        rejected line with its errors."""
        return importing.import_rows(kind, rows, utcnow(), self.storage)

    # -- corrective actions and critical incidents -------------------------------------------

    @api
    def plan_action(self, action_ref: str, **plan: Any) -> dict[str, Any]:
        """Plan a corrective action (cause, action, owner, due_at, complaint_refs); the same
        ``action_ref`` plans once. See ActionInput."""
        data = load(action_input, {"action_ref": action_ref, **plan})
        action = CorrectiveAction(**{**data, "complaint_refs": tuple(data["complaint_refs"])})
        return action_schema.dump(casework.plan_action(action, self.storage))

    @api
    def link_action(self, action_ref: str, complaint_ref: str) -> dict[str, Any]:
        """The corrective action also answers ``complaint_ref``."""
        found = casework.link_action(
            load_id("action_ref", action_ref),
            load_id("complaint_ref", complaint_ref),
            self.storage,
        )
        return action_schema.dump(found)

    @api
    def complete_action(self, action_ref: str) -> dict[str, Any]:
        """The corrective action was done now."""
        found = casework.complete_action(load_id("action_ref", action_ref), utcnow(), self.storage)
        return action_schema.dump(found)

    @api
    def check_action(self, action_ref: str, **effect: Any) -> dict[str, Any]:
        """The effect of the done action (``effective``, ``note``): it closes the action."""
        data = load(effect_input, effect)
        found = casework.check_action(
            load_id("action_ref", action_ref),
            data["checked_at"] or utcnow(),
            data["effective"],
            data["note"],
            self.storage,
        )
        return action_schema.dump(found)

    @api
    def actions(
        self, status: str | None = None, complaint_ref: str | None = None
    ) -> list[dict[str, Any]]:
        """Corrective actions, soonest due first: of ``complaint_ref``, in ``status``; each
        says whether it is ``overdue``."""
        found = casework.list_actions(status, complaint_ref, LIST_LIMIT, utcnow(), self.storage)
        return action_schema.dump(found, many=True)

    @api
    def record_incident(self, incident_ref: str, **incident: Any) -> dict[str, Any]:
        """Record a critical incident as the customer told it; see IncidentInput."""
        data = load(incident_input, {"incident_ref": incident_ref, **incident})
        recorded = CriticalIncident(**{**data, "recorded_at": data["recorded_at"] or utcnow()})
        return incident_schema.dump(casework.record_incident(recorded, self.storage))

    @api
    def link_incident(self, incident_ref: str, action_ref: str) -> dict[str, Any]:
        """Corrective action ``action_ref`` answers the incident."""
        found = casework.link_incident(
            load_id("incident_ref", incident_ref), load_id("action_ref", action_ref), self.storage
        )
        return incident_schema.dump(found)

    @api
    def incidents(self) -> list[dict[str, Any]]:
        """Critical incidents, latest first."""
        return incident_schema.dump(casework.list_incidents(LIST_LIMIT, self.storage), many=True)

    # -- lost-customer interviews and customer requirements ----------------------------------

    @api
    def interview_lost_customer(self, interview_ref: str, **interview: Any) -> dict[str, Any]:
        """Record why a lost customer left (``lost_customer_interviewed``); see InterviewInput."""
        data = load(interview_input, {"interview_ref": interview_ref, **interview})
        data["interviewed_at"] = data["interviewed_at"] or utcnow()
        data["reasons"] = tuple(data["reasons"])
        recorded = casework.interview_lost_customer(LostCustomerInterview(**data), self.storage)
        return interview_schema.dump(recorded)

    @api
    def customer_interviews(self, customer_id: str) -> list[dict[str, Any]]:
        """The customer's lost-customer interviews, latest first."""
        found = casework.customer_interviews(load_id("customer_id", customer_id), self.storage)
        return interview_schema.dump(found, many=True)

    @api
    def document_requirement(self, requirement_ref: str, **requirement: Any) -> dict[str, Any]:
        """Document a customer's requirement with its priority; see RequirementInput."""
        data = load(requirement_input, {"requirement_ref": requirement_ref, **requirement})
        data["documented_at"] = data["documented_at"] or utcnow()
        recorded = casework.document_requirement(CustomerRequirement(**data), self.storage)
        return requirement_schema.dump(recorded)

    @api
    def settle_requirement(self, requirement_ref: str, **settlement: Any) -> dict[str, Any]:
        """The requirement met or dropped (``status``, ``note``)."""
        data = load(settle_input, settlement)
        found = casework.settle_requirement(
            load_id("requirement_ref", requirement_ref),
            data["status"],
            data["note"],
            data["settled_at"] or utcnow(),
            self.storage,
        )
        return requirement_schema.dump(found)

    @api
    def customer_requirements(self, customer_id: str) -> list[dict[str, Any]]:
        """The customer's requirements, open ones first, by priority (must first)."""
        found = casework.customer_requirements(load_id("customer_id", customer_id), self.storage)
        return requirement_schema.dump(found, many=True)

    # -- invitations: triggers, the sending round, channels' answers, the web form ----------

    @handles("customers", "purchase_recorded")
    def handle_purchase_recorded(self, event: Event) -> None:
        invitation_handlers.handle_purchase_recorded(
            event, utcnow(), self.storage, self.invitation_setup
        )

    @handles("customers", "contract_recorded")
    def handle_contract_recorded(self, event: Event) -> None:
        invitation_handlers.handle_contract_recorded(
            event, utcnow(), self.storage, self.invitation_setup
        )

    @handles("feedback", "complaint_resolved")
    def handle_complaint_resolved(self, event: Event) -> None:
        invitation_handlers.handle_complaint_resolved(
            event, utcnow(), self.storage, self.invitation_setup
        )

    @api
    def send_survey(
        self,
        survey_id: str,
        channel: str | None = None,
        customer_ids: list[str] | None = None,
        panel: str | None = None,
    ) -> list[dict[str, Any]]:
        """Invite the customers (or the panel's members) now, then send what is due;
        returns each invitation with its state: sent, failed, due or refused (and why)."""
        asked = {"survey_id": survey_id, "channel": channel, "customer_ids": customer_ids}
        data = load(send_input, {**asked, "panel": panel})
        now = utcnow()
        if data["panel"] is not None:
            invited = invitation_handlers.invite_panel(
                data["panel"], now, self.storage, self.invitation_setup
            )
        else:
            invited = invitation_handlers.send_survey(
                data["survey_id"],
                data["channel"] or DEFAULT_CHANNEL,
                data["customer_ids"] or [],
                now,
                self.storage,
                self.invitation_setup,
            )
        invitation_handlers.send_due(now, self.storage, self.invitation_setup)
        found = [self.storage.invitation(i["_id"]) for i in invited]
        return invitation_schema.dump([i for i in found if i is not None], many=True)

    @api
    def define_panel(
        self, name: str, survey_id: str, channel: str, customer_ids: list[str]
    ) -> dict[str, Any]:
        """Keep panel ``name``: the customers invited to the survey on the channel every quarter."""
        given = {"name": name, "survey_id": survey_id, "channel": channel}
        data = load(panel_input, {**given, "customer_ids": customer_ids})
        found = invitation_handlers.define_panel(
            data["name"],
            data["survey_id"],
            data["channel"],
            data["customer_ids"],
            self.storage,
            self.invitation_setup,
        )
        return panel_schema.dump(found)

    @api
    def panels(self) -> list[dict[str, Any]]:
        """Every panel with its members."""
        return panel_schema.dump(self.storage.panels(), many=True)

    @api
    def invitations(self, customer_id: str) -> list[dict[str, Any]]:
        """The customer's invitations with their state, by when they are to be sent."""
        customer_id = load_id("customer_id", customer_id)
        found = invitation_handlers.invitations_of(customer_id, self.storage)
        return invitation_schema.dump(found, many=True)

    @api
    def answer_invitation(
        self, invitation_id: str, answers: dict[str, Any], channel: str = "call"
    ) -> list[dict[str, Any]]:
        """Record answers to an invitation (question key -> answer), as an agent enters
        them after a call; once: Conflict when it was answered already."""
        if not isinstance(answers, dict):
            raise InvalidInput({"answers": ["Give question key -> answer."]})
        recorded = invitation_handlers.answer_invitation(
            load_id("invitation_id", invitation_id),
            answers,
            load_id("channel", channel),
            utcnow(),
            self.storage,
        )
        return response_schema.dump(recorded, many=True)

    @api
    def set_survey_preferences(self, customer_id: str, **preferences: Any) -> dict[str, Any]:
        """Record the customer's preferences for surveys: ``consented`` (agrees to be
        surveyed), ``suppressed`` (must not be contacted at all), ``phone`` (for SMS and
        calls) and ``language`` (``es``, ``en``...); see PreferencesInput."""
        data = load(preferences_input, {"customer_id": customer_id, **preferences})
        customer_id = data.pop("customer_id")
        found = invitation_handlers.set_preferences(customer_id, data, self.storage)
        return preferences_schema.dump(found)

    @api
    def run_invitation_round(self) -> dict[str, int]:
        """Invite the panels and anniversaries due, send the invitations due, collect the
        channels' answers; how many of each."""
        return self._invitation_round()

    @timer(interval=INVITATION_ROUND_S)
    def invitation_round(self) -> dict[str, int]:
        """Every few seconds: the round :meth:`run_invitation_round` runs."""
        return self._invitation_round()

    def _invitation_round(self) -> dict[str, int]:
        now = utcnow()
        panels = invitation_handlers.invite_panels(now, self.storage, self.invitation_setup)
        anniversaries = invitation_handlers.invite_anniversaries(
            now, self.storage, self.invitation_setup
        )
        sent = invitation_handlers.send_due(now, self.storage, self.invitation_setup)
        collected = invitation_handlers.collect_answers(now, self.storage, self.invitation_setup)
        return {"panel_invited": panels, "anniversary_invited": anniversaries, **sent, **collected}

    @page("GET", "/surveys/<token>")
    def survey_form(self, request: Request, token: str) -> Response:
        """The web-link survey form."""
        return survey_web.show_form(token, utcnow(), self.storage, self.invitation_setup)

    @page("POST", "/surveys/<token>")
    def submit_survey_form(self, request: Request, token: str) -> Response:
        """The web-link survey form, answered."""
        return survey_web.submit_form(
            token, request.form, utcnow(), self.storage, self.invitation_setup
        )
