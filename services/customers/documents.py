"""Customer storage: customers and their purchases."""

from __future__ import annotations

from mongoengine import BooleanField, DateTimeField, Decimal128Field, StringField

from clientela.outbox import OUTBOX_INDEX, OutboxDocument


class Customer(OutboxDocument):
    """A customer; ``captive`` when a converted prospect brought them in."""

    id = StringField(primary_key=True)
    prospect_id = StringField()
    email = StringField(null=True)
    first_name = StringField(default="")
    last_name = StringField(default="")
    phone = StringField(default="")
    company = StringField(default="")
    captive = BooleanField(required=True)
    origin_source = StringField(default="")
    created_at = DateTimeField(required=True)

    meta = {
        "db_alias": "customers",
        "collection": "customers",
        "indexes": [
            {"fields": ["prospect_id"], "unique": True, "sparse": True},
            "email",
            OUTBOX_INDEX,
        ],
    }


class Purchase(OutboxDocument):
    """One purchase; its id is the caller's reference (invoice, order) when given."""

    id = StringField(primary_key=True)
    customer_id = StringField(required=True)
    amount = Decimal128Field(required=True)
    currency = StringField(required=True, min_length=3, max_length=3)
    product_line = StringField(default="")
    purchased_at = DateTimeField(required=True)

    meta = {
        "db_alias": "customers",
        "collection": "purchases",
        "indexes": [("customer_id", "-purchased_at"), OUTBOX_INDEX],
    }
