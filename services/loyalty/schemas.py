"""Boundary schemas of the loyalty service."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

_KEY = validate.Length(min=1, max=200)


class _Input(Schema):
    class Meta:
        unknown = RAISE

    customer_id = fields.String(required=True, validate=_KEY)
    request_key = fields.String(required=True, validate=_KEY)


class RedeemInput(_Input):
    """A redemption; ``request_key`` makes a retried call harmless."""

    reward = fields.String(required=True, validate=_KEY)


class AdjustInput(_Input):
    """A manual adjustment: points added (positive) or deducted (negative), why, by whom."""

    points = fields.Integer(required=True, strict=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    operator = fields.String(required=True, validate=validate.Length(min=1, max=200))


class LedgerEntrySchema(Schema):
    """A journal entry as the service returns it."""

    id = fields.String(attribute="_id")
    customer_id = fields.String()
    kind = fields.String()
    points = fields.Integer()
    reason = fields.String()
    operator = fields.String()
    reward = fields.String()
    lot = fields.String()
    recorded_at = fields.DateTime()


class BalanceSchema(Schema):
    """A customer's points balance and tier with their latest journal entries, newest first."""

    customer_id = fields.String()
    points = fields.Integer()
    tier = fields.String(allow_none=True)
    latest = fields.List(fields.Nested(LedgerEntrySchema))


class PostedSchema(Schema):
    """The entry a redemption or adjustment wrote, and the balance after it."""

    customer_id = fields.String()
    entry_id = fields.String()
    points = fields.Integer()
    balance = fields.Integer()
    tier = fields.String(allow_none=True)


class TierSchema(Schema):
    """A tier: from how many points earned in the window, its multiplier, its rewards."""

    name = fields.String()
    threshold = fields.Integer()
    multiplier = fields.Decimal(as_string=True)
    window_months = fields.Integer()
    rewards = fields.List(fields.String())


class RiskReasonSchema(Schema):
    """One warning sign behind a churn-risk score."""

    signal = fields.String()
    points = fields.Integer()
    detail = fields.String()


class AlarmSchema(Schema):
    """A churn-risk alarm as the service returns it."""

    id = fields.String(attribute="_id")
    customer_id = fields.String()
    score = fields.Integer()
    reasons = fields.List(fields.Nested(RiskReasonSchema))
    raised_at = fields.DateTime()
    state = fields.String()
    acknowledged_by = fields.String(allow_none=True)
    acknowledged_at = fields.DateTime(allow_none=True)
    outcome = fields.String(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)


redeem_input = RedeemInput()
adjust_input = AdjustInput()
balance_schema = BalanceSchema()
posted_schema = PostedSchema()
tiers_schema = TierSchema(many=True)
alarm_schema = AlarmSchema()
alarms_schema = AlarmSchema(many=True)
