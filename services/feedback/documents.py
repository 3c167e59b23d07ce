"""Feedback storage: survey answers and the customers they may come from."""

from __future__ import annotations

from mongoengine import BooleanField, DateTimeField, Document, IntField, StringField

from clientela.outbox import OUTBOX_INDEX, OutboxDocument
from clientela.vocabulary import NPS_CATEGORIES


class KnownCustomer(Document):
    """A customer as announced by the customers service (kept from its events)."""

    id = StringField(primary_key=True)
    name = StringField(required=True)
    captive = BooleanField(required=True)

    meta = {"db_alias": "feedback", "collection": "customers"}


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
