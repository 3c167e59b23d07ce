"""KPI storage: one fact per thing that happened, keyed so that it counts once."""

from __future__ import annotations

from mongoengine import DateTimeField, DictField, Document, StringField

FACT_KINDS = ("captured", "conversion", "nps")


class Fact(Document):
    """A counted occurrence, its id derived from what it counts so re-delivery is harmless."""

    id = StringField(primary_key=True)
    kind = StringField(required=True, choices=FACT_KINDS)
    at = DateTimeField(required=True)
    periods = DictField(required=True)
    subject = StringField(required=True)
    source = StringField(default="")
    fair = StringField(default="")
    campaign = StringField(default="")
    category = StringField(default="")

    meta = {
        "db_alias": "kpi",
        "collection": "facts",
        "indexes": [("kind", "at")],
    }
