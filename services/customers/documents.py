"""Customer storage: customers, their contracts, purchases, invoices and dunning letters.

A customer's, contract's, purchase's and invoice's ``_id`` is its external
reference (``customer_ref``, ``contract_ref``, ``purchase_ref``,
``invoice_ref``) when the caller gives one, so a write repeated with the same
reference finds the first one by primary key.
"""

from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateTimeField,
    Decimal128Field,
    DictField,
    Document,
    IntField,
    ListField,
    StringField,
)

from clientela.outbox import OUTBOX_INDEX, OutboxDocument


class Customer(OutboxDocument):
    """A customer; ``captive`` when a converted prospect brought them in.

    ``history`` keeps every change an edit made (I5), written in the same
    update as the change; ``version`` guards edits against concurrent writers.
    """

    id = StringField(primary_key=True)
    prospect_id = StringField()
    email = StringField(null=True)
    first_name = StringField(default="")
    last_name = StringField(default="")
    phone = StringField(default="")
    company = StringField(default="")
    position = StringField(default="")
    addresses = ListField(StringField())
    contacts = ListField(DictField())
    needs = StringField(default="")
    requirements = StringField(default="")
    declared_spend = StringField(null=True)
    estimated_spend = StringField(null=True)
    typology = StringField(null=True)
    special = BooleanField(default=False)
    captive = BooleanField(required=True)
    origin_source = StringField(default="")
    created_at = DateTimeField(required=True)
    history = ListField(DictField())
    version = IntField(default=0)
    lost = DictField(null=True)
    classification = DictField(null=True)
    credit = DictField(null=True)

    meta = {
        "db_alias": "customers",
        "collection": "customers",
        "indexes": [
            {"fields": ["prospect_id"], "unique": True, "sparse": True},
            "email",
            ("classification.labels", "typology"),
            "typology",
            OUTBOX_INDEX,
        ],
    }


class Contract(OutboxDocument):
    """A contract with a customer, promising delivery by ``due_at`` (CCT)."""

    id = StringField(primary_key=True)
    customer_id = StringField(required=True)
    value = Decimal128Field(required=True)
    currency = StringField(required=True, min_length=3, max_length=3)
    signed_at = DateTimeField(required=True)
    due_at = DateTimeField(required=True)
    delivered_at = DateTimeField(null=True)
    status = StringField(required=True)

    meta = {
        "db_alias": "customers",
        "collection": "contracts",
        "indexes": [("customer_id", "due_at"), OUTBOX_INDEX],
    }


class Purchase(OutboxDocument):
    """One purchase; its id is the caller's reference (invoice, order) when given."""

    id = StringField(primary_key=True)
    customer_id = StringField(required=True)
    amount = Decimal128Field(required=True)
    currency = StringField(required=True, min_length=3, max_length=3)
    product_line = StringField(default="")
    channel = StringField(default="")
    purchased_at = DateTimeField(required=True)

    meta = {
        "db_alias": "customers",
        "collection": "purchases",
        "indexes": [("customer_id", "-purchased_at"), OUTBOX_INDEX],
    }


class Invoice(OutboxDocument):
    """An invoice to a customer, unpaid while ``paid_at`` is None."""

    id = StringField(primary_key=True)
    customer_id = StringField(required=True)
    amount = Decimal128Field(required=True)
    currency = StringField(required=True, min_length=3, max_length=3)
    issued_at = DateTimeField(required=True)
    due_at = DateTimeField(required=True)
    paid_at = DateTimeField(null=True)

    meta = {
        "db_alias": "customers",
        "collection": "invoices",
        "indexes": [("customer_id", "due_at"), "paid_at", OUTBOX_INDEX],
    }


class Letter(Document):
    """A dunning letter sent to a customer: which template, when, and where it went.

    Its id is the customer's and the day's, so a run repeated on a day sends nothing twice.
    """

    id = StringField(primary_key=True)
    customer_id = StringField(required=True)
    step = IntField(required=True)
    template = StringField(required=True)
    sent_on = DateTimeField(required=True)
    overdue_amount = Decimal128Field(required=True)
    invoice_refs = ListField(StringField())
    delivery = StringField(required=True)
    path = StringField(required=True)

    meta = {
        "db_alias": "customers",
        "collection": "letters",
        "indexes": [("customer_id", "sent_on")],
    }
