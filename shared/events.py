"""The catalogue of domain events: the contract between services and with integrators.

Every event travels as a JSON envelope::

    {"id": "<uuid>", "type": "prospect_captured", "version": 1,
     "occurred_at": "2026-11-23T10:00:00+00:00", "source": "prospects",
     "payload": {...}}

published on the topic exchange ``<source>.events`` with the event type as
routing key. The payload is validated by the event's marshmallow schema when it
is published and again when it is received, so a malformed event never reaches
a handler. Consumers must be idempotent on ``id``: delivery is at least once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from clientela.clock import utcnow
from clientela.errors import describe_errors
from clientela.leads import ORIGIN_FIELDS
from clientela.vocabulary import (
    CONTRACT_STATUSES,
    CONVERSION_BASES,
    INTERACTION_KINDS,
    INTERACTION_MODES,
    NPS_CATEGORIES,
    PROSPECT_STATUSES,
    SURVEYS,
    UPDATE_REASONS,
)


class InvalidEvent(ValueError):
    """An envelope or payload does not match the catalogue."""


@dataclass(frozen=True)
class EventType:
    """One entry of the catalogue: who publishes it, its version and payload schema."""

    name: str
    version: int
    source: str
    schema: Schema
    description: str


@dataclass(frozen=True)
class Event:
    """A received (validated) event; ``payload`` holds deserialised values."""

    id: str
    type: str
    version: int
    occurred_at: datetime
    source: str
    payload: dict[str, Any]


class _Payload(Schema):
    class Meta:
        unknown = RAISE


def _origin_fields() -> dict[str, fields.Field]:
    return {name: fields.String(load_default="") for name in ORIGIN_FIELDS}


_STATUS = validate.OneOf(PROSPECT_STATUSES)
_PERCENT = validate.Range(min=0, max=100)


class _Person(_Payload):
    prospect_id = fields.String(required=True)
    email = fields.Email(load_default=None, allow_none=True)
    first_name = fields.String(load_default="")
    last_name = fields.String(load_default="")
    phone = fields.String(load_default="")
    company = fields.String(load_default="")
    position = fields.String(load_default="")
    source = fields.String(required=True)
    captured_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    identified_at = fields.AwareDateTime(load_default=None, default_timezone=UTC)


ProspectCaptured = _Person.from_dict(
    {
        **_origin_fields(),
        "completeness": fields.Float(required=True, validate=_PERCENT),
        "score": fields.Integer(required=True, validate=_PERCENT),
        "consent": fields.Boolean(load_default=False),
    },
    name="ProspectCaptured",
)


ProspectUpdated = _Payload.from_dict(
    {
        "prospect_id": fields.String(required=True),
        "completeness": fields.Float(required=True, validate=_PERCENT),
        "score": fields.Integer(required=True, validate=_PERCENT),
        "reason": fields.String(required=True, validate=validate.OneOf(UPDATE_REASONS)),
        "updated_at": fields.AwareDateTime(required=True, default_timezone=UTC),
        "identified_at": fields.AwareDateTime(load_default=None, default_timezone=UTC),
        "source": fields.String(load_default=""),
        **_origin_fields(),
        "first_contact_at": fields.AwareDateTime(
            load_default=None, allow_none=True, default_timezone=UTC
        ),
    },
    name="ProspectUpdated",
)


class ProspectMerged(_Payload):
    survivor_id = fields.String(required=True)
    merged_id = fields.String(required=True)
    reason = fields.String(required=True)
    by = fields.String(required=True)
    merged_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class ProspectUnmerged(_Payload):
    survivor_id = fields.String(required=True)
    restored_id = fields.String(required=True)
    by = fields.String(required=True)
    unmerged_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class ProspectContacted(_Payload):
    interaction_id = fields.String(required=True)
    prospect_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(INTERACTION_KINDS))
    mode = fields.String(required=True, validate=validate.OneOf(INTERACTION_MODES))
    outcome = fields.String(load_default="")
    first_contact = fields.Boolean(required=True)
    captured_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    identified_at = fields.AwareDateTime(load_default=None, default_timezone=UTC)
    contacted_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    logged_at = fields.AwareDateTime(load_default=None, default_timezone=UTC)


class ProspectStatusChanged(_Payload):
    prospect_id = fields.String(required=True)
    from_status = fields.String(required=True, validate=_STATUS)
    to_status = fields.String(required=True, validate=_STATUS)
    reason = fields.String(load_default="")
    changed_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class ProspectConverted(_Person):
    converted_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    basis = fields.String(required=True, validate=validate.OneOf(CONVERSION_BASES))
    reference = fields.String(load_default="")
    referrer = fields.String(load_default="")
    referral_code = fields.String(load_default="")


class CustomerCreated(_Payload):
    customer_id = fields.String(required=True)
    prospect_id = fields.String(load_default=None, allow_none=True)
    name = fields.String(required=True)
    email = fields.Email(load_default=None, allow_none=True)
    captive = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class PurchaseRecorded(_Payload):
    purchase_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    amount = fields.Decimal(required=True, as_string=True, validate=validate.Range(min=0))
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    product_line = fields.String(load_default="")
    channel = fields.String(load_default="")
    purchased_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class CustomerUpdated(_Payload):
    customer_id = fields.String(required=True)
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    changed_fields = fields.List(fields.String(), required=True, validate=validate.Length(min=1))


class CustomerLost(_Payload):
    customer_id = fields.String(required=True)
    lost_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    reason = fields.String(required=True)


class ContractRecorded(_Payload):
    contract_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    value = fields.Decimal(required=True, as_string=True, validate=validate.Range(min=0))
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    signed_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    due_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    delivered_at = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=UTC)
    status = fields.String(required=True, validate=validate.OneOf(CONTRACT_STATUSES))


class InvoiceRecorded(_Payload):
    invoice_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    amount = fields.Decimal(required=True, as_string=True, validate=validate.Range(min=0))
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    issued_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    due_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    paid_at = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=UTC)


class SurveyAnswered(_Payload):
    answer_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    survey = fields.String(required=True, validate=validate.OneOf(SURVEYS))
    score = fields.Integer(required=True, validate=validate.Range(min=0, max=10))
    category = fields.String(required=True, validate=validate.OneOf(NPS_CATEGORIES))
    channel = fields.String(required=True)
    answered_at = fields.AwareDateTime(required=True, default_timezone=UTC)


SURVEY_QUESTION_KINDS = ("nps", "csat", "ces", "servqual", "free_text")
"""What a survey question asks for (feedback's ``QuestionKind``)."""


COMPLAINT_SEVERITIES = ("low", "medium", "high", "critical")
"""How badly a complaint says the customer was let down (feedback's ``Severity``)."""


class SurveyResponded(_Payload):
    response_id = fields.String(required=True)
    survey_id = fields.String(required=True)
    question = fields.String(required=True)
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    kind = fields.String(required=True, validate=validate.OneOf(SURVEY_QUESTION_KINDS))
    customer_id = fields.String(required=True, allow_none=True)
    score = fields.Integer(load_default=None, allow_none=True)
    text = fields.String(load_default="")
    ratings = fields.List(fields.Dict(), load_default=list)
    importance = fields.Dict(load_default=dict)
    channel = fields.String(required=True)
    answered_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class ComplaintOpened(_Payload):
    complaint_ref = fields.String(required=True)
    customer_id = fields.String(required=True, allow_none=True)
    kind = fields.String(required=True, validate=validate.OneOf(("complaint", "suggestion")))
    category = fields.String(required=True)
    severity = fields.String(required=True, validate=validate.OneOf(COMPLAINT_SEVERITIES))
    owner = fields.String(load_default=None, allow_none=True)
    opened_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    response_due_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    resolution_due_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class ComplaintResolved(_Payload):
    complaint_ref = fields.String(required=True)
    customer_id = fields.String(required=True, allow_none=True)
    kind = fields.String(required=True, validate=validate.OneOf(("complaint", "suggestion")))
    category = fields.String(required=True)
    severity = fields.String(required=True, validate=validate.OneOf(COMPLAINT_SEVERITIES))
    opened_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    responded_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    resolved_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    resolution = fields.String(required=True)


class ComplaintBreached(_Payload):
    complaint_ref = fields.String(required=True)
    customer_id = fields.String(required=True, allow_none=True)
    category = fields.String(required=True)
    severity = fields.String(required=True, validate=validate.OneOf(COMPLAINT_SEVERITIES))
    deadline = fields.String(required=True, validate=validate.OneOf(("response", "resolution")))
    due_at = fields.AwareDateTime(required=True, default_timezone=UTC)


LOSS_REASONS = (
    "price",
    "quality",
    "service",
    "delivery",
    "competitor",
    "need_ended",
    "relocation",
    "other",
)
"""Why a customer left, as a lost-customer interview classifies it (feedback's ``LossReason``)."""


class LostCustomerInterviewed(_Payload):
    interview_ref = fields.String(required=True)
    customer_id = fields.String(required=True)
    interviewer = fields.String(required=True)
    interviewed_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    reasons = fields.List(fields.String(validate=validate.OneOf(LOSS_REASONS)), required=True)
    main_reason = fields.String(required=True, validate=validate.OneOf(LOSS_REASONS))
    loss_reason = fields.String(required=True)


class PointsEarned(_Payload):
    entry_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    points = fields.Integer(required=True, validate=validate.Range(min=0))
    reason = fields.String(required=True)
    earned_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class PointsRedeemed(_Payload):
    entry_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    points = fields.Integer(required=True, validate=validate.Range(min=1))
    reward = fields.String(required=True)
    reason = fields.String(required=True)
    redeemed_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class PointsExpired(_Payload):
    entry_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    points = fields.Integer(required=True, validate=validate.Range(min=1))
    lot = fields.String(required=True)
    expired_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class PointsAdjusted(_Payload):
    entry_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    points = fields.Integer(required=True)
    reason = fields.String(required=True)
    operator = fields.String(required=True)
    adjusted_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class TierChanged(_Payload):
    customer_id = fields.String(required=True)
    from_tier = fields.String(load_default=None, allow_none=True)
    to_tier = fields.String(required=True)
    move = fields.String(required=True, validate=validate.OneOf(("upgrade", "downgrade")))
    points_in_window = fields.Integer(required=True, validate=validate.Range(min=0))
    changed_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class _RiskReason(_Payload):
    signal = fields.String(required=True)
    points = fields.Integer(required=True)
    detail = fields.String(required=True)


class ChurnAlarmRaised(_Payload):
    alarm_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    score = fields.Integer(required=True, validate=_PERCENT)
    reasons = fields.List(fields.Nested(_RiskReason), required=True)
    raised_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class ChurnAlarmClosed(_Payload):
    alarm_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    outcome = fields.String(
        required=True, validate=validate.OneOf(("retained", "lost", "false_alarm", "cleared"))
    )
    raised_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    closed_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class _Segment(fields.Dict):
    """A segment of an indicator's breakdown: ``{"source": "fairs"}``, empty for none."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(keys=fields.String(), values=fields.String(), **kwargs)


_DIRECTION = validate.OneOf(("higher", "lower"))


class IndicatorOutOfRange(_Payload):
    alert_id = fields.String(required=True)
    indicator = fields.String(required=True)
    period = fields.String(required=True)
    granularity = fields.String(required=True)
    segment = _Segment(required=True)
    value = fields.Float(required=True, allow_none=True)
    target = fields.Float(required=True)
    tolerance = fields.Float(required=True)
    direction = fields.String(required=True, validate=_DIRECTION)
    raised_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class ImprovementActionOpened(_Payload):
    action_id = fields.String(required=True)
    alert_id = fields.String(required=True, allow_none=True)
    indicator = fields.String(required=True)
    target = fields.String(required=True)
    before = fields.String(required=True, allow_none=True)
    owner = fields.String(required=True)
    opened_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    due_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class ImprovementActionClosed(_Payload):
    action_id = fields.String(required=True)
    alert_id = fields.String(required=True, allow_none=True)
    indicator = fields.String(required=True)
    before = fields.String(required=True, allow_none=True)
    after = fields.String(required=True)
    effect = fields.String(required=True, allow_none=True)
    target_met = fields.Boolean(required=True, allow_none=True)
    closed_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class RetentionCaseOpened(_Payload):
    case_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    reason = fields.String(required=True)
    opened_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class RetentionCaseClosed(_Payload):
    case_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(("retained", "lost")))
    offer = fields.String(required=True, allow_none=True)
    offers = fields.Integer(required=True, validate=validate.Range(min=0))
    opened_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    closed_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class CustomerWonBack(_Payload):
    customer_id = fields.String(required=True)
    lost_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    won_back_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    purchase_id = fields.String(required=True)
    campaign_id = fields.String(required=True, allow_none=True)


CATALOGUE: dict[str, EventType] = {
    event.name: event
    for event in (
        EventType(
            "prospect_captured",
            1,
            "prospects",
            ProspectCaptured(),
            "A new person entered the pipeline (first capture only; repeats are merged). "
            "`identified_at`: when the person was identified (scan, form submission, lead "
            "ad), which the indicators count by; `captured_at`: when the lead reached clientela.",
        ),
        EventType(
            "prospect_updated",
            1,
            "prospects",
            ProspectUpdated(),
            "A profile changed (a new capture, an edit, an interaction, a merge): its "
            "completeness (I3) and qualification score now; when present, `identified_at`, "
            "`source` and origin of its earliest capture and its `first_contact_at` (a merge, "
            "an unmerge or an earlier capture moves them).",
        ),
        EventType(
            "prospect_merged",
            1,
            "prospects",
            ProspectMerged(),
            "Two profiles were found to be one person; `merged_id` now lives in `survivor_id` "
            "and counts once everywhere.",
        ),
        EventType(
            "prospect_unmerged",
            1,
            "prospects",
            ProspectUnmerged(),
            "An operator reversed a merge: `restored_id` is a profile of its own again.",
        ),
        EventType(
            "prospect_contacted",
            1,
            "prospects",
            ProspectContacted(),
            "An interaction (call, e-mail, meeting, visit) with a prospect was logged; "
            "`first_contact` marks the one that measures I2, from `identified_at`; "
            "`logged_at` orders it among the profile's changes.",
        ),
        EventType(
            "prospect_status_changed",
            1,
            "prospects",
            ProspectStatusChanged(),
            "A prospect moved in the pipeline (conversion is announced by `prospect_converted`).",
        ),
        EventType(
            "prospect_converted",
            1,
            "prospects",
            ProspectConverted(),
            "A prospect became a captive customer: contract, agreement or first purchase.",
        ),
        EventType(
            "customer_created",
            1,
            "customers",
            CustomerCreated(),
            "A customer record exists; captive when it came from a converted prospect.",
        ),
        EventType(
            "purchase_recorded",
            1,
            "customers",
            PurchaseRecorded(),
            "A customer bought something: value, currency, product line and channel.",
        ),
        EventType(
            "customer_updated",
            1,
            "customers",
            CustomerUpdated(),
            "An edit changed a customer's record (I5): who, when and which `changed_fields`; "
            "a write that changes nothing is not announced.",
        ),
        EventType(
            "customer_lost",
            1,
            "customers",
            CustomerLost(),
            "An operator marked a customer lost, when and why; announced again only when the "
            "mark changes (the latest per `customer_id` holds).",
        ),
        EventType(
            "contract_recorded",
            1,
            "customers",
            ContractRecorded(),
            "A contract was recorded or its delivery or status changed; carries its whole "
            "state, so the latest one received per `contract_id` is the contract (CCT: "
            "on time when `delivered_at` is on or before `due_at`).",
        ),
        EventType(
            "invoice_recorded",
            1,
            "customers",
            InvoiceRecorded(),
            "An invoice was recorded or paid; carries its whole state, the latest per "
            "`invoice_id` is the invoice (`paid_at` null: unpaid).",
        ),
        EventType(
            "survey_answered",
            1,
            "feedback",
            SurveyAnswered(),
            "A customer answered a survey (NPS 0-10 with its category).",
        ),
        EventType(
            "survey_responded",
            1,
            "feedback",
            SurveyResponded(),
            "A response to a survey question other than a signed NPS answer (which is "
            "`survey_answered`): CSAT 1-5, CES 1-7 or NPS `score`, free `text`, or SERVQUAL "
            "`ratings` (`item`, `dimension`, `expectation`, `perception`, each 1-7) with "
            "`importance` (100 points over the five dimensions). `customer_id` is null for "
            "an anonymous response; `response_id` is the response key, the same however "
            "often the response is replayed.",
        ),
        EventType(
            "complaint_opened",
            1,
            "feedback",
            ComplaintOpened(),
            "A complaint or suggestion was opened (from any channel, the CLI or an import), "
            "with the times its category's targets make its response and resolution due; "
            "`customer_id` is null for an anonymous one. Announced once per `complaint_ref`.",
        ),
        EventType(
            "complaint_resolved",
            1,
            "feedback",
            ComplaintResolved(),
            "A complaint was resolved (a resolution also answers the customer, so "
            "`responded_at` is never empty). A complaint the customer reopens is announced "
            "again when resolved again.",
        ),
        EventType(
            "complaint_breached",
            1,
            "feedback",
            ComplaintBreached(),
            "A complaint missed its response or resolution target (`deadline`), due at "
            "`due_at`; announced once per complaint and target.",
        ),
        EventType(
            "lost_customer_interviewed",
            1,
            "feedback",
            LostCustomerInterviewed(),
            "A customer who left was interviewed: the `reasons` they gave (the first is "
            "`main_reason`), and `loss_reason`, the line customers records as why they were lost.",
        ),
        EventType(
            "points_earned",
            1,
            "loyalty",
            PointsEarned(),
            "Loyalty points were credited to a customer's ledger.",
        ),
        EventType(
            "points_redeemed",
            1,
            "loyalty",
            PointsRedeemed(),
            "A customer spent `points` on `reward` from the rewards catalogue.",
        ),
        EventType(
            "points_expired",
            1,
            "loyalty",
            PointsExpired(),
            "What was left of the points earned by `lot` expired (12 months after earning by "
            "default); `expired_at` is when the lot expired.",
        ),
        EventType(
            "points_adjusted",
            1,
            "loyalty",
            PointsAdjusted(),
            "An operator added (positive `points`) or deducted (negative) points, with a reason.",
        ),
        EventType(
            "tier_changed",
            1,
            "loyalty",
            TierChanged(),
            "A customer's tier moved up or down (`from_tier` is absent for their first tier), "
            "by the points earned in the rolling window.",
        ),
        EventType(
            "churn_alarm_raised",
            1,
            "loyalty",
            ChurnAlarmRaised(),
            "A customer's churn-risk score (0-100) reached the alarm threshold; `reasons` "
            "lists each warning sign as `{signal, points, detail}`: what it added to the "
            "score and what was seen.",
        ),
        EventType(
            "churn_alarm_closed",
            1,
            "loyalty",
            ChurnAlarmClosed(),
            "A churn alarm ended: the customer was `retained` or `lost`, it was a "
            "`false_alarm`, or the risk fell below the threshold by itself (`cleared`).",
        ),
        EventType(
            "retention_case_opened",
            1,
            "loyalty",
            RetentionCaseOpened(),
            "A customer announced they are leaving, for `reason`: a retention case opens, "
            "where offers are made to keep them.",
        ),
        EventType(
            "retention_case_closed",
            1,
            "loyalty",
            RetentionCaseClosed(),
            "A retention case ended: the customer accepted `offer` and was `retained`, or was "
            "`lost` (`offer`: the latest offer made, None if none); `offers`: how many were made.",
        ),
        EventType(
            "customer_won_back",
            1,
            "loyalty",
            CustomerWonBack(),
            "A customer marked lost (`lost_at`) bought again (`purchase_id`, at `won_back_at`); "
            "`campaign_id` is the win-back campaign it counts for: the one that targeted them "
            "and was running then (None: none).",
        ),
        EventType(
            "improvement_action_opened",
            1,
            "loyalty",
            ImprovementActionOpened(),
            "A SMART improvement action was opened on `indicator` (its value `before`, read "
            "from kpi unless given, and the `target`, both decimal texts), owned by `owner`, "
            "due at `due_at`; `alert_id` is the kpi alert it answers, if any.",
        ),
        EventType(
            "improvement_action_closed",
            1,
            "loyalty",
            ImprovementActionClosed(),
            "An improvement action was closed with the indicator's value `after` (read from "
            "kpi unless given); `effect` is after minus before and `target_met` whether the "
            "target was reached (both None without a value before).",
        ),
        EventType(
            "indicator_out_of_range",
            1,
            "kpi",
            IndicatorOutOfRange(),
            "An indicator's `value` in `period` (of `granularity`, for `segment`: empty for the "
            "whole) lies outside `target` +/- `tolerance` (absolute, in the indicator's unit) on "
            "the bad side of `direction`. Announced once per indicator, period and segment; "
            "`alert_id` names the alert an improvement action answers.",
        ),
    )
}


class _Envelope(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=validate.Length(min=1))
    type = fields.String(required=True, validate=validate.OneOf(sorted(CATALOGUE)))
    version = fields.Integer(required=True, strict=True)
    occurred_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    source = fields.String(required=True)
    payload = fields.Dict(required=True)


_ENVELOPE = _Envelope()


def event_type(name: str) -> EventType:
    """The catalogue entry for ``name``; raises InvalidEvent for an unknown type."""
    try:
        return CATALOGUE[name]
    except KeyError:
        raise InvalidEvent(f"type: unknown event type {name!r}") from None


def _dump_payload(schema: Schema, payload: dict[str, Any]) -> dict[str, Any]:
    """Serialise ``payload`` field by field, so a value of the wrong type names its field."""
    errors: dict[str, list[str]] = {
        name: ["Unknown field."] for name in sorted(set(payload) - set(schema.fields))
    }
    data: dict[str, Any] = {}
    for name, field in schema.fields.items():
        if name not in payload:
            continue
        try:
            data[name] = field.serialize(name, payload)
        except (TypeError, ValueError, ArithmeticError, AttributeError) as exc:
            errors[name] = [f"Cannot serialise {payload[name]!r}: {exc.__class__.__name__}."]
    errors.update(schema.validate(data))
    if errors:
        raise InvalidEvent(describe_errors(errors, "payload."))
    return data


def new_event(name: str, payload: dict[str, Any], occurred_at: datetime | None = None) -> dict:
    """Build a validated, JSON-ready envelope for event ``name`` carrying ``payload``.

    Raises InvalidEvent naming every field that is unknown, missing or invalid.
    """
    kind = event_type(name)
    return {
        "id": uuid.uuid4().hex,
        "type": kind.name,
        "version": kind.version,
        "occurred_at": (occurred_at or utcnow()).isoformat(),
        "source": kind.source,
        "payload": _dump_payload(kind.schema, payload),
    }


def parse_event(envelope: Any) -> Event:
    """Validate a received envelope and its payload; return the Event.

    Raises InvalidEvent, naming the fields at fault, for anything off-contract.
    """
    if not isinstance(envelope, dict):
        raise InvalidEvent(f"envelope: expected a JSON object, got {type(envelope).__name__}")
    try:
        head = _ENVELOPE.load(envelope)
    except ValidationError as exc:
        raise InvalidEvent(describe_errors(exc.normalized_messages())) from None
    kind = CATALOGUE[head["type"]]
    if head["version"] != kind.version or head["source"] != kind.source:
        raise InvalidEvent(
            f"version/source: {head['type']} v{head['version']} from {head['source']!r} is not "
            f"in the catalogue (expected v{kind.version} from {kind.source!r})"
        )
    try:
        payload = kind.schema.load(head["payload"])
    except ValidationError as exc:
        raise InvalidEvent(describe_errors(exc.normalized_messages(), "payload.")) from None
    return Event(head["id"], kind.name, kind.version, head["occurred_at"], kind.source, payload)


def _field_type(field: fields.Field) -> str:
    names = {
        fields.Email: "e-mail",
        fields.AwareDateTime: "ISO 8601 time with zone",
        fields.Decimal: "decimal as string",
        fields.Integer: "integer",
        fields.Float: "number",
        fields.Boolean: "boolean",
        fields.List: "list",
        fields.Dict: "object",
    }
    kind = next((name for cls, name in names.items() if isinstance(field, cls)), "string")
    choices = [v for v in field.validators if isinstance(v, validate.OneOf)]
    return f"{kind}: {', '.join(map(str, choices[0].choices))}" if choices else kind


def catalogue_markdown() -> str:
    """The event catalogue as Markdown: the reference integrators read (docs/events.md)."""
    lines = [
        "# Event catalogue",
        "",
        "Generated by `clientela events` from `shared/events.py`; do not edit by hand.",
        "",
        "Each event is published on the topic exchange `<source>.events` with the event",
        "type as routing key, as a JSON envelope: `id` (unique, the idempotency key),",
        "`type`, `version`, `occurred_at` (ISO 8601, UTC), `source` and `payload`.",
        "Delivery is at least once: consumers must ignore an `id` they have seen.",
    ]
    for kind in CATALOGUE.values():
        lines += [
            "",
            f"## `{kind.name}` v{kind.version}",
            "",
            f"Published by `{kind.source}` on `{kind.source}.events`. {kind.description}",
            "",
            "| field | type | required |",
            "|---|---|---|",
        ]
        for name, field in kind.schema.fields.items():
            required = "yes" if field.required else "no"
            lines.append(f"| `{name}` | {_field_type(field)} | {required} |")
    return "\n".join(lines) + "\n"
