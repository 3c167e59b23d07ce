"""Feedback storage: surveys, their responses, NPS answers and the customers they may come from."""

from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    IntField,
    ListField,
    StringField,
)

from clientela.outbox import OUTBOX_INDEX, OutboxDocument
from clientela.vocabulary import NPS_CATEGORIES


class KnownCustomer(Document):
    """A customer as announced by the customers service (kept from its events)."""

    id = StringField(primary_key=True)
    name = StringField(required=True)
    captive = BooleanField(required=True)
    email = StringField(null=True)

    meta = {"db_alias": "feedback", "collection": "customers", "indexes": ["email"]}


class NpsAnswer(OutboxDocument):
    """One answer to "how likely are you to recommend us?" (0-10)."""

    id = StringField(primary_key=True)
    customer_id = StringField(required=True)
    score = IntField(required=True, min_value=0, max_value=10)
    channel = StringField(required=True)
    category = StringField(required=True, choices=NPS_CATEGORIES)
    comment = StringField(default="")
    answered_at = DateTimeField(required=True)

    meta = {
        "db_alias": "feedback",
        "collection": "nps_answers",
        "indexes": [("customer_id", "-answered_at"), OUTBOX_INDEX],
    }


class SurveyDefinition(Document):
    """A survey and every version of its questions (see ``domain.surveys.Survey``)."""

    id = StringField(primary_key=True)
    name = StringField(required=True)
    questions = ListField(DictField(), required=True)

    meta = {"db_alias": "feedback", "collection": "surveys"}


class SurveyResponse(OutboxDocument):
    """One response to one question, under its response key; the raw answer kept."""

    id = StringField(primary_key=True)
    survey_id = StringField(required=True)
    question = StringField(required=True)
    version = IntField(required=True)
    kind = StringField(required=True)
    customer_id = StringField(null=True)
    reference = StringField(required=True)
    channel = StringField(required=True)
    score = IntField(null=True)
    text = StringField(default="")
    ratings = ListField(DictField())
    importance = DictField()
    raw = DictField()
    answered_at = DateTimeField(required=True)

    meta = {
        "db_alias": "feedback",
        "collection": "responses",
        "indexes": [
            ("customer_id", "-answered_at"),
            ("survey_id", "answered_at"),
            OUTBOX_INDEX,
        ],
    }


class ComplaintRecord(OutboxDocument):
    """A complaint or suggestion with its timers (see ``domain.complaints.Complaint``).

    ``<deadline>_watch`` holds a target's due time while a breach of it may
    still have to be announced, so the breach review finds them by index;
    ``breaches`` lists the targets whose breach was announced.
    """

    id = StringField(primary_key=True)
    customer_id = StringField(null=True)
    kind = StringField(required=True)
    category = StringField(required=True)
    severity = StringField(required=True)
    description = StringField(required=True)
    opened_at = DateTimeField(required=True)
    owner = StringField(null=True)
    responded_at = DateTimeField(null=True)
    resolved_at = DateTimeField(null=True)
    resolution = StringField(default="")
    confirmed = BooleanField(null=True)
    reopened = IntField(default=0)
    status = StringField(required=True)
    response_due_at = DateTimeField(required=True)
    resolution_due_at = DateTimeField(required=True)
    response_watch = DateTimeField(null=True)
    resolution_watch = DateTimeField(null=True)
    breaches = ListField(StringField())
    revision = IntField(required=True)

    meta = {
        "db_alias": "feedback",
        "collection": "complaints",
        "indexes": [
            ("status", "-opened_at"),
            ("customer_id", "-opened_at"),
            "-opened_at",
            "response_watch",
            "resolution_watch",
            OUTBOX_INDEX,
        ],
    }
