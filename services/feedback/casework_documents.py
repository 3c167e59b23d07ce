"""Feedback storage of casework: corrective actions, critical incidents, lost-customer
interviews, customer requirements, and the SERVQUAL item ratings an import gathers."""

from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateTimeField,
    Document,
    IntField,
    ListField,
    StringField,
)

from clientela.outbox import OUTBOX_INDEX, OutboxDocument


class CorrectiveActionRecord(Document):
    """A corrective-action plan (see ``domain.corrective_actions.CorrectiveAction``)."""

    id = StringField(primary_key=True)
    cause = StringField(required=True)
    action = StringField(required=True)
    owner = StringField(required=True)
    due_at = DateTimeField(required=True)
    complaint_refs = ListField(StringField())
    completed_at = DateTimeField(null=True)
    effective = BooleanField(null=True)
    effect_note = StringField(default="")
    status = StringField(required=True)
    revision = IntField(required=True)

    meta = {
        "db_alias": "feedback",
        "collection": "corrective_actions",
        "indexes": ["complaint_refs", ("status", "due_at"), "due_at"],
    }


class IncidentRecord(Document):
    """A critical incident as the customer told it (see ``domain.incidents``)."""

    id = StringField(primary_key=True)
    customer_id = StringField(null=True)
    encounter = StringField(required=True)
    valence = StringField(required=True)
    story = StringField(required=True)
    occurred_at = DateTimeField(required=True)
    recorded_at = DateTimeField(required=True)
    complaint_ref = StringField(null=True)
    action_refs = ListField(StringField())

    meta = {
        "db_alias": "feedback",
        "collection": "incidents",
        "indexes": ["-occurred_at", ("customer_id", "-occurred_at")],
    }


class InterviewRecord(OutboxDocument):
    """A lost-customer interview (see ``domain.interviews``)."""

    id = StringField(primary_key=True)
    customer_id = StringField(required=True)
    interviewer = StringField(required=True)
    interviewed_at = DateTimeField(required=True)
    reasons = ListField(StringField(), required=True)
    notes = StringField(default="")

    meta = {
        "db_alias": "feedback",
        "collection": "lost_customer_interviews",
        "indexes": [("customer_id", "-interviewed_at"), OUTBOX_INDEX],
    }


class RequirementRecord(Document):
    """A documented customer requirement (see ``domain.requirements``)."""

    id = StringField(primary_key=True)
    customer_id = StringField(required=True)
    statement = StringField(required=True)
    priority = StringField(required=True)
    source = StringField(required=True)
    documented_at = DateTimeField(required=True)
    status = StringField(required=True)
    settled_at = DateTimeField(null=True)
    settlement = StringField(default="")

    meta = {
        "db_alias": "feedback",
        "collection": "requirements",
        "indexes": ["customer_id"],
    }


class ImportedRating(Document):
    """One SERVQUAL item of an imported response, kept until every item has arrived.

    ``response_id`` is the response key the whole answer is recorded under.
    """

    id = StringField(primary_key=True)
    response_id = StringField(required=True)
    item = IntField(required=True)
    dimension = StringField(required=True)
    expectation = IntField(required=True)
    perception = IntField(required=True)
    importance = IntField(required=True)

    meta = {"db_alias": "feedback", "collection": "imported_ratings", "indexes": ["response_id"]}
