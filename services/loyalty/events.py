"""The events the loyalty service announces."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from clientela.events import new_event
from clientela.services.loyalty.domain.actions import ImprovementAction
from clientela.services.loyalty.domain.churn import Alarm, RiskReason
from clientela.services.loyalty.domain.retention import CaseState, RetentionCase
from clientela.services.loyalty.domain.tiers import TierChange


def points_earned(entry: dict[str, Any]) -> dict:
    """``points_earned``: ledger entry ``entry`` credited points to a customer."""
    return new_event(
        "points_earned",
        {
            "entry_id": entry["_id"],
            "customer_id": entry["customer_id"],
            "points": entry["points"],
            "reason": entry["reason"],
            "earned_at": entry["recorded_at"],
        },
        occurred_at=entry["recorded_at"],
    )


def points_redeemed(entry: dict[str, Any]) -> dict:
    """``points_redeemed``: ledger entry ``entry`` spent points on a reward."""
    return new_event(
        "points_redeemed",
        {
            "entry_id": entry["_id"],
            "customer_id": entry["customer_id"],
            "points": -entry["points"],
            "reward": entry["reward"],
            "reason": entry["reason"],
            "redeemed_at": entry["recorded_at"],
        },
        occurred_at=entry["recorded_at"],
    )


def points_expired(entry: dict[str, Any]) -> dict:
    """``points_expired``: ledger entry ``entry`` wrote off what was left of a lot."""
    return new_event(
        "points_expired",
        {
            "entry_id": entry["_id"],
            "customer_id": entry["customer_id"],
            "points": -entry["points"],
            "lot": entry["lot"],
            "expired_at": entry["recorded_at"],
        },
        occurred_at=entry["recorded_at"],
    )


def points_adjusted(entry: dict[str, Any]) -> dict:
    """``points_adjusted``: an operator added or deducted points by hand."""
    return new_event(
        "points_adjusted",
        {
            "entry_id": entry["_id"],
            "customer_id": entry["customer_id"],
            "points": entry["points"],
            "reason": entry["reason"],
            "operator": entry["operator"],
            "adjusted_at": entry["recorded_at"],
        },
        occurred_at=entry["recorded_at"],
    )


_BY_KIND = {
    "earn": points_earned,
    "redeem": points_redeemed,
    "expire": points_expired,
    "adjust": points_adjusted,
}


def for_entry(entry: dict[str, Any]) -> dict:
    """The event announcing ledger entry ``entry``, by its kind."""
    return _BY_KIND[entry["kind"]](entry)


def tier_changed(change: TierChange) -> dict:
    """``tier_changed``: a customer moved up or down the tiers."""
    return new_event(
        "tier_changed",
        {
            "customer_id": change.customer_id,
            "from_tier": change.from_tier,
            "to_tier": change.to_tier,
            "move": str(change.move),
            "points_in_window": change.points_in_window,
            "changed_at": change.at,
        },
        occurred_at=change.at,
    )


def reason_payload(reason: RiskReason) -> dict[str, Any]:
    """A churn-risk reason as events and documents carry it."""
    return {"signal": str(reason.signal), "points": reason.points, "detail": reason.detail}


def churn_alarm_raised(alarm: Alarm) -> dict:
    """``churn_alarm_raised``: a customer's churn risk reached the threshold."""
    return new_event(
        "churn_alarm_raised",
        {
            "alarm_id": alarm.alarm_id,
            "customer_id": alarm.customer_id,
            "score": alarm.score,
            "reasons": [reason_payload(reason) for reason in alarm.reasons],
            "raised_at": alarm.raised_at,
        },
        occurred_at=alarm.raised_at,
    )


def churn_alarm_closed(alarm: Alarm) -> dict:
    """``churn_alarm_closed``: an alarm ended with its outcome."""
    return new_event(
        "churn_alarm_closed",
        {
            "alarm_id": alarm.alarm_id,
            "customer_id": alarm.customer_id,
            "outcome": str(alarm.outcome),
            "raised_at": alarm.raised_at,
            "closed_at": alarm.closed_at,
        },
        occurred_at=alarm.closed_at,
    )


def decimal_text(value: Decimal | None) -> str | None:
    """A decimal as events and documents carry it: its text, None for None."""
    return None if value is None else str(value)


def improvement_action_opened(action: ImprovementAction) -> dict:
    """``improvement_action_opened``: a SMART action was opened (maybe for a kpi alert)."""
    return new_event(
        "improvement_action_opened",
        {
            "action_id": action.action_id,
            "alert_id": action.alert_id,
            "indicator": action.indicator,
            "target": str(action.target),
            "before": decimal_text(action.before),
            "owner": action.owner,
            "opened_at": action.opened_at,
            "due_at": action.due_at,
        },
        occurred_at=action.opened_at,
    )


def improvement_action_closed(action: ImprovementAction) -> dict:
    """``improvement_action_closed``: an action was closed with its measured effect."""
    return new_event(
        "improvement_action_closed",
        {
            "action_id": action.action_id,
            "alert_id": action.alert_id,
            "indicator": action.indicator,
            "before": decimal_text(action.before),
            "after": decimal_text(action.after),
            "effect": decimal_text(action.effect),
            "target_met": action.target_met,
            "closed_at": action.closed_at,
        },
        occurred_at=action.closed_at,
    )


def retention_case_opened(case: RetentionCase) -> dict:
    """``retention_case_opened``: a customer announced they are leaving."""
    return new_event(
        "retention_case_opened",
        {
            "case_id": case.case_id,
            "customer_id": case.customer_id,
            "reason": case.reason,
            "opened_at": case.announced_at,
        },
        occurred_at=case.announced_at,
    )


def retention_case_closed(case: RetentionCase) -> dict:
    """``retention_case_closed``: a retention case ended, retained or lost."""
    return new_event(
        "retention_case_closed",
        {
            "case_id": case.case_id,
            "customer_id": case.customer_id,
            "outcome": str(case.state),
            "offer": case.offer,
            "offers": sum(1 for step in case.history if step.state is CaseState.OFFERED),
            "opened_at": case.announced_at,
            "closed_at": case.ended_at,
        },
        occurred_at=case.ended_at,
    )


def customer_won_back(
    customer_id: str, lost_at: datetime, purchase_id: str, at: datetime, campaign_id: str | None
) -> dict:
    """``customer_won_back``: a lost customer bought again (for a campaign, or none)."""
    return new_event(
        "customer_won_back",
        {
            "customer_id": customer_id,
            "lost_at": lost_at,
            "won_back_at": at,
            "purchase_id": purchase_id,
            "campaign_id": campaign_id,
        },
        occurred_at=at,
    )
