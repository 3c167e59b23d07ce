"""Loyalty storage: the points ledger."""

from __future__ import annotations

from mongoengine import DateTimeField, IntField, StringField

from clientela.outbox import OUTBOX_INDEX, OutboxDocument

ENTRY_KINDS = ("earn", "redeem", "expire", "adjust")


class LedgerEntry(OutboxDocument):
    """One movement of a customer's points; the balance is the sum of the entries.

    ``id`` derives from what caused the entry (``purchase:<id>``), so the same
    cause can never be credited twice.
    """

    id = StringField(primary_key=True)
    customer_id = StringField(required=True)
    kind = StringField(required=True, choices=ENTRY_KINDS)
    points = IntField(required=True)
    reason = StringField(required=True)
    recorded_at = DateTimeField(required=True)

    meta = {
        "db_alias": "loyalty",
        "collection": "ledger",
        "indexes": [("customer_id", "-recorded_at"), OUTBOX_INDEX],
    }
