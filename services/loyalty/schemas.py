"""Boundary schemas of the loyalty service."""

from __future__ import annotations

from datetime import UTC

from marshmallow import RAISE, Schema, fields, validate

from clientela.services.loyalty.domain.measures import DEFAULT_GRANULARITY
from clientela.vocabulary import KPI_GRANULARITIES

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


class RewardSchema(Schema):
    """A reward of the catalogue: its cost, the lowest tier it is for, its stock and what is
    left (None: not limited)."""

    code = fields.String()
    name = fields.String()
    cost = fields.Integer()
    min_tier = fields.String(allow_none=True)
    stock = fields.Integer(allow_none=True)
    left = fields.Integer(allow_none=True)


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


class ActionInput(Schema):
    """An improvement action to open; ``action_id`` makes a retried call harmless.

    ``before`` is read from kpi when not given, over the latest complete period
    of ``granularity``; ``alert_id`` is the kpi alert the action answers.

        ``specific``, ``measurable``, ``achievable`` and ``relevant`` answer each
        SMART question (the due date answers the time-bound one).
    """

    class Meta:
        unknown = RAISE

    action_id = fields.String(required=True, validate=_KEY)
    opportunity = fields.String(required=True)
    description = fields.String(required=True)
    specific = fields.String(required=True)
    measurable = fields.String(required=True)
    achievable = fields.String(required=True)
    relevant = fields.String(required=True)
    priority = fields.String(required=True, validate=validate.OneOf(("high", "medium", "low")))
    owner = fields.String(required=True, validate=_KEY)
    indicator = fields.String(required=True, validate=_KEY)
    target = fields.Decimal(required=True, allow_nan=False)
    due_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    before = fields.Decimal(load_default=None, allow_none=True, allow_nan=False)
    alert_id = fields.String(load_default=None, allow_none=True, validate=_KEY)
    granularity = fields.String(
        load_default=DEFAULT_GRANULARITY, validate=validate.OneOf(KPI_GRANULARITIES)
    )


class CloseActionInput(Schema):
    """An improvement action to close, with the indicator's value after it (None: read
    from kpi)."""

    class Meta:
        unknown = RAISE

    action_id = fields.String(required=True, validate=_KEY)
    after = fields.Decimal(load_default=None, allow_none=True, allow_nan=False)


class ActionSchema(Schema):
    """An improvement action as the service returns it, with its effect once closed."""

    id = fields.String(attribute="_id")
    opportunity = fields.String()
    description = fields.String()
    specific = fields.String()
    measurable = fields.String()
    achievable = fields.String()
    relevant = fields.String()
    priority = fields.String()
    owner = fields.String()
    indicator = fields.String()
    target = fields.String()
    before = fields.String(allow_none=True)
    alert_id = fields.String(allow_none=True)
    granularity = fields.String()
    opened_at = fields.DateTime()
    due_at = fields.DateTime()
    state = fields.String()
    after = fields.String(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    effect = fields.Decimal(as_string=True, allow_none=True)
    target_met = fields.Boolean(allow_none=True)


class CaseStepSchema(Schema):
    """One step of a retention case: the state it led to, when, by whom, what was said."""

    state = fields.String()
    at = fields.DateTime()
    by = fields.String()
    detail = fields.String()


class RetentionCaseSchema(Schema):
    """A retention case as the service returns it, with its history, oldest step first."""

    id = fields.String(attribute="_id")
    customer_id = fields.String()
    reason = fields.String()
    announced_at = fields.DateTime()
    announced_by = fields.String()
    state = fields.String()
    offer = fields.String(allow_none=True)
    offered_at = fields.DateTime(allow_none=True)
    accepted = fields.Boolean(allow_none=True)
    ended_at = fields.DateTime(allow_none=True)
    note = fields.String()
    history = fields.List(fields.Nested(CaseStepSchema))


class RetentionStartInput(Schema):
    """A customer announcing departure: who, why, and who records it."""

    class Meta:
        unknown = RAISE

    customer_id = fields.String(required=True, validate=_KEY)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    by = fields.String(required=True, validate=_KEY)


class RetentionMoveInput(Schema):
    """A step of a retention case: an offer, an answer to it, or the outcome."""

    class Meta:
        unknown = RAISE

    case_id = fields.String(required=True, validate=_KEY)
    by = fields.String(required=True, validate=_KEY)
    offer = fields.String(validate=validate.Length(min=1, max=500))
    accepted = fields.Boolean(truthy={True}, falsy={False})
    outcome = fields.String(validate=validate.OneOf(("retained", "lost")))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class LostCustomerSchema(Schema):
    """A lost customer as win-back ranks them."""

    customer_id = fields.String()
    lost_at = fields.DateTime()
    reason = fields.String(allow_none=True)
    past_value = fields.Decimal(as_string=True)
    purchases = fields.Integer()
    targeted_by = fields.String(allow_none=True)


class LimitInput(Schema):
    """How many rows a listing shows."""

    class Meta:
        unknown = RAISE

    limit = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=200))


class CampaignInput(Schema):
    """A win-back campaign to launch: at the customers named, or at the ``top`` lost ones."""

    class Meta:
        unknown = RAISE

    campaign_id = fields.String(required=True, validate=_KEY)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    starts_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    ends_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    customer_ids = fields.List(fields.String(validate=_KEY), load_default=list)
    top = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1, max=200)
    )
    by = fields.String(required=True, validate=_KEY)


class CampaignSchema(Schema):
    """A win-back campaign with its result; ``refused`` names who could not be targeted."""

    id = fields.String(attribute="_id")
    name = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    targeted = fields.List(fields.String())
    created_by = fields.String()
    created_at = fields.DateTime()
    targeted_count = fields.Integer()
    won_back = fields.List(fields.String())
    won_back_count = fields.Integer()
    rate = fields.Float(allow_none=True)
    refused = fields.Dict(keys=fields.String(), values=fields.String())


redeem_input = RedeemInput()
adjust_input = AdjustInput()
balance_schema = BalanceSchema()
posted_schema = PostedSchema()
tiers_schema = TierSchema(many=True)
alarm_schema = AlarmSchema()
alarms_schema = AlarmSchema(many=True)
action_input = ActionInput()
action_schema = ActionSchema()
actions_schema = ActionSchema(many=True)
close_action_input = CloseActionInput()
retention_case_schema = RetentionCaseSchema()
retention_cases_schema = RetentionCaseSchema(many=True)
retention_start_input = RetentionStartInput()
retention_move_input = RetentionMoveInput()
lost_customers_schema = LostCustomerSchema(many=True)
campaign_input = CampaignInput()
campaign_schema = CampaignSchema()
campaigns_schema = CampaignSchema(many=True)
limit_input = LimitInput()
rewards_schema = RewardSchema(many=True)
