"""Loyalty storage: points journals and accounts, referral codes, the customers they belong to."""

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

ENTRY_KINDS = ("earn", "redeem", "expire", "adjust")


class LedgerEntry(Document):
    """One line of a customer's points journal; the balance is the sum of the lines.

    ``id`` is the entry's source (``purchase:<id>``, ``referral:<prospect id>``,
    ``redeem:<request key>``, ``expiry:<lot>``...), so no source is ever
    applied twice. ``seq`` is its place in the customer's journal; ``operator``
    made an adjustment, ``lot`` is what an expiry wrote off, ``reward`` what a
    redemption bought. Entries are
    written through their :class:`PointsAccount`, never on their own.
    """

    id = StringField(primary_key=True)
    customer_id = StringField(required=True)
    seq = IntField(required=True)
    kind = StringField(required=True, choices=ENTRY_KINDS)
    points = IntField(required=True)
    reason = StringField(required=True)
    operator = StringField()
    lot = StringField()
    reward = StringField()
    recorded_at = DateTimeField(required=True)

    meta = {
        "db_alias": "loyalty",
        "collection": "ledger",
        "indexes": [("customer_id", "seq")],
    }


class PointsAccount(OutboxDocument):
    """A customer's points: balance, tier and the version every change of them bumps.

    A change of the journal is one conditional write here (on ``version``),
    carrying the new entries in ``pending`` and their events in the outbox,
    so two concurrent redemptions cannot both spend the same points. The
    entries are then copied to the ledger and ``pending`` emptied; whoever
    reads the account next finishes that copy if a crash interrupted it.
    ``review_at``: when the daily review must look again (a lot expires, or
    earned points leave the tier window).
    """

    id = StringField(primary_key=True)
    version = IntField(required=True)
    entries = IntField(required=True)
    balance = IntField(required=True)
    tier = StringField()
    review_at = DateTimeField()
    pending = ListField(DictField())

    meta = {
        "db_alias": "loyalty",
        "collection": "accounts",
        "indexes": [{"fields": ["review_at"], "sparse": True}, OUTBOX_INDEX],
    }


class Member(OutboxDocument):
    """A customer as announced by the customers service (kept from its events).

    Referral codes are issued to members only, and ``prospect_id`` and
    ``email`` tell a self-referral apart. ``risk_score`` and ``risk_reasons``
    are their churn risk as last scored, at ``scored_at``. Win-back: ``lost``
    while marked lost (at ``lost_at``, for ``lost_reason``) and not bought again,
    with what they bought before (``past_value``, in cents ``past_value_cents``
    to rank by, ``past_purchases``); ``targeted_by`` the latest win-back
    campaign aimed at them; ``won_back_at`` their first purchase after, and
    ``won_back_by`` the campaign it counts for (None: none). (Document class
    names are global to mongoengine, hence not ``KnownCustomer`` as in feedback.)
    """

    id = StringField(primary_key=True)
    prospect_id = StringField()
    email = StringField()
    customer_since = DateTimeField()
    risk_score = IntField()
    risk_reasons = ListField(DictField())
    scored_at = DateTimeField()
    lost = BooleanField()
    lost_at = DateTimeField()
    lost_reason = StringField()
    past_value = StringField()
    past_value_cents = IntField()
    past_purchases = IntField()
    targeted_by = StringField()
    won_back_at = DateTimeField()
    won_back_by = StringField()

    meta = {
        "db_alias": "loyalty",
        "collection": "customers",
        "indexes": [
            {"fields": ["lost", "-past_value_cents"], "sparse": True},
            {"fields": ["won_back_by"], "sparse": True},
            OUTBOX_INDEX,
        ],
    }


class PurchaseFact(Document):
    """A purchase as customers announced it: what churn risk and the matrix read."""

    id = StringField(primary_key=True)
    customer_id = StringField(required=True)
    at = DateTimeField(required=True)
    amount = StringField(required=True)
    product_line = StringField(null=True)

    meta = {"db_alias": "loyalty", "collection": "purchases", "indexes": ["customer_id"]}


class AnswerFact(Document):
    """A survey answer as feedback announced it: an NPS or a CSAT score."""

    id = StringField(primary_key=True)
    customer_id = StringField(required=True)
    at = DateTimeField(required=True)
    nps = IntField()
    csat = IntField()

    meta = {"db_alias": "loyalty", "collection": "answers", "indexes": ["customer_id"]}


class ComplaintFact(Document):
    """A customer's complaint as feedback announced it: opened when, resolved, breached.

    Its announcements arrive in any order and more than once; each only sets
    what it tells, so the fact ends the same whatever the order.
    """

    id = StringField(primary_key=True)
    customer_id = StringField(required=True)
    opened_at = DateTimeField()
    resolved = BooleanField()
    breached = BooleanField()

    meta = {"db_alias": "loyalty", "collection": "complaints", "indexes": ["customer_id"]}


class ChurnAlarm(OutboxDocument):
    """A churn-risk alarm: raised with its score and reasons, acknowledged, closed.

    ``live`` while not closed, so a customer's live alarm is one indexed lookup.
    """

    id = StringField(primary_key=True)
    customer_id = StringField(required=True)
    score = IntField(required=True)
    reasons = ListField(DictField())
    raised_at = DateTimeField(required=True)
    state = StringField(required=True)
    live = BooleanField(required=True)
    acknowledged_by = StringField()
    acknowledged_at = DateTimeField()
    outcome = StringField()
    closed_at = DateTimeField()

    meta = {
        "db_alias": "loyalty",
        "collection": "alarms",
        "indexes": [("customer_id", "live"), ("live", "-raised_at"), "-raised_at", OUTBOX_INDEX],
    }


class ReferralCode(Document):
    """A customer's referral code; ``id`` is the code itself, one code per customer."""

    id = StringField(primary_key=True)
    customer_id = StringField(required=True, unique=True)
    created_at = DateTimeField(required=True)

    meta = {"db_alias": "loyalty", "collection": "referral_codes"}


class ImprovementActionRecord(OutboxDocument):
    """A SMART improvement action: its opportunity, its answers to each criterion, who
    owns it, the indicator it targets (measured over ``granularity`` periods), the kpi
    alert it answers (``alert_id``, if any), and once closed the value after and when."""

    id = StringField(primary_key=True)
    opportunity = StringField(required=True)
    description = StringField(required=True)
    specific = StringField(required=True)
    measurable = StringField(required=True)
    achievable = StringField(required=True)
    relevant = StringField(required=True)
    priority = StringField(required=True)
    owner = StringField(required=True)
    indicator = StringField(required=True)
    target = StringField(required=True)
    before = StringField()
    alert_id = StringField()
    granularity = StringField()
    opened_at = DateTimeField(required=True)
    due_at = DateTimeField(required=True)
    state = StringField(required=True)
    after = StringField()
    closed_at = DateTimeField()

    meta = {
        "db_alias": "loyalty",
        "collection": "actions",
        "indexes": [("state", "due_at"), "due_at", OUTBOX_INDEX],
    }


class RetentionCaseRecord(OutboxDocument):
    """A customer's announced departure and the offers made to keep them (reactive retention).

    ``history`` keeps every step (``state``, ``at``, ``by``, ``detail``) and
    ``steps`` counts them: a move is written only if the case still has the
    steps it was read with. ``live`` while not ended, so a customer's open case
    is one indexed lookup.
    """

    id = StringField(primary_key=True)
    customer_id = StringField(required=True)
    reason = StringField(required=True)
    announced_at = DateTimeField(required=True)
    announced_by = StringField(required=True)
    state = StringField(required=True)
    live = BooleanField(required=True)
    offer = StringField()
    offered_at = DateTimeField()
    accepted = BooleanField()
    ended_at = DateTimeField()
    note = StringField()
    history = ListField(DictField())
    steps = IntField(required=True)

    meta = {
        "db_alias": "loyalty",
        "collection": "retention_cases",
        "indexes": [
            ("customer_id", "live"),
            ("live", "-announced_at"),
            "-announced_at",
            OUTBOX_INDEX,
        ],
    }


class WinBackCampaign(Document):
    """A win-back campaign: named, dated (``starts_at`` to ``ends_at``), the lost customers
    it targets; who it won back is on their :class:`Member` (``won_back_by``)."""

    id = StringField(primary_key=True)
    name = StringField(required=True)
    starts_at = DateTimeField(required=True)
    ends_at = DateTimeField(required=True)
    targeted = ListField(StringField())
    created_by = StringField(required=True)
    created_at = DateTimeField(required=True)

    meta = {"db_alias": "loyalty", "collection": "winback_campaigns", "indexes": ["-starts_at"]}


class RewardStock(Document):
    """What is left of a reward limited in stock: ``stock`` in all (as configured), ``left``
    now, and the redemptions (``claims``, by their source) holding a unit each.

    A unit is claimed in one conditional update (``left`` > 0, the source not
    among the claims), so two redemptions of the last unit cannot both get it.
    """

    id = StringField(primary_key=True)
    stock = IntField(required=True)
    left = IntField(required=True)
    claims = ListField(StringField())

    meta = {"db_alias": "loyalty", "collection": "reward_stock"}
