"""Loyalty storage: the points ledger, referral codes and the customers they belong to."""

from __future__ import annotations

from mongoengine import DateTimeField, Document, IntField, StringField

from clientela.outbox import OUTBOX_INDEX, OutboxDocument

ENTRY_KINDS = ("earn", "redeem", "expire", "adjust")


class LedgerEntry(OutboxDocument):
    """One movement of a customer's points; the balance is the sum of the entries.

    ``id`` derives from what caused the entry (``purchase:<id>``,
    ``referral:<prospect id>``), so the same cause can never be credited twice.
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


class Member(Document):
    """A customer as announced by the customers service (kept from its events).

    Referral codes are issued to members only, and ``prospect_id`` and
    ``email`` tell a self-referral apart. (Document class names are global
    to mongoengine, hence not ``KnownCustomer`` as in feedback.)
    """

    id = StringField(primary_key=True)
    prospect_id = StringField()
    email = StringField()

    meta = {"db_alias": "loyalty", "collection": "customers"}


class ReferralCode(Document):
    """A customer's referral code; ``id`` is the code itself, one code per customer."""

    id = StringField(primary_key=True)
    customer_id = StringField(required=True, unique=True)
    created_at = DateTimeField(required=True)

    meta = {"db_alias": "loyalty", "collection": "referral_codes"}
