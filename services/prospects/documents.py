"""Prospect storage: one document per person, with every capture kept."""

from __future__ import annotations

from mongoengine import (
    DateTimeField,
    DictField,
    EmbeddedDocument,
    EmbeddedDocumentField,
    EmbeddedDocumentListField,
    IntField,
    StringField,
)

from clientela.outbox import OUTBOX_INDEX, OutboxDocument
from clientela.services.prospects.domain import CONVERSION_BASES, STATUSES


class Capture(EmbeddedDocument):
    """One time the person reached us: which source, when, and what it said."""

    key = StringField(required=True)
    source = StringField(required=True)
    captured_at = DateTimeField(required=True)
    line = IntField()
    origin = DictField()
    fields = DictField()
    extra = DictField()


class Conversion(EmbeddedDocument):
    """How the prospect became a captive customer."""

    basis = StringField(required=True, choices=CONVERSION_BASES)
    reference = StringField(default="")
    converted_at = DateTimeField(required=True)


class Prospect(OutboxDocument):
    """A person in the pipeline; ``email`` (normalised) identifies them."""

    id = StringField(primary_key=True)
    email = StringField(required=True)
    first_name = StringField(default="")
    last_name = StringField(default="")
    phone = StringField(default="")
    company = StringField(default="")
    position = StringField(default="")
    status = StringField(required=True, choices=STATUSES, default="new")
    source = StringField(required=True)
    captured_at = DateTimeField(required=True)
    updated_at = DateTimeField(required=True)
    captures = EmbeddedDocumentListField(Capture)
    conversion = EmbeddedDocumentField(Conversion)
    customer_id = StringField()

    meta = {
        "db_alias": "prospects",
        "collection": "prospects",
        "indexes": [
            {"fields": ["email"], "unique": True},
            "status",
            "captured_at",
            OUTBOX_INDEX,
        ],
    }
