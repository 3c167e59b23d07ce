"""Retention use cases: keep the facts, score churn risk, raise and follow up alarms,
place customers on the loyalty matrix.

Purchases (from customers), survey answers and complaints (from feedback)
are kept as facts; each new fact rescores its customer, and a daily review rescores
everyone, since idleness grows with time alone. A score reaching the
threshold raises an alarm carrying its reasons; one falling back below it
closes the alarm as ``cleared``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from clientela.clock import utcnow
from clientela.errors import NotFound
from clientela.events import Event
from clientela.periods import parse_period
from clientela.services.loyalty import events
from clientela.services.loyalty.dependencies import LoyaltyStorage
from clientela.services.loyalty.domain.churn import (
    Alarm,
    AlarmDecision,
    AlarmOutcome,
    AlarmState,
    ChurnFacts,
    ChurnRisk,
    ChurnSettings,
    RiskReason,
    RiskSignal,
    alarm_decision,
    churn_risk,
    raise_alarm,
)
from clientela.services.loyalty.domain.facts import Complaint, Purchase, SurveyAnswer
from clientela.services.loyalty.domain.matrix import MatrixFacts, loyalty_matrix
from clientela.services.loyalty.handlers import keep_purchase
from clientela.services.loyalty.posting import storage_instant

ALARMS_LISTED = 200
"""Alarms a listing shows at most, the latest first."""

SETTINGS = ChurnSettings()
"""The signals' weights and windows, and the alarm threshold (50 of 100)."""


def _now() -> datetime:
    return storage_instant(utcnow())


def note_purchase(event: Event, uow: LoyaltyStorage) -> None:
    """Keep a recorded purchase and rescore its customer (idempotent)."""
    keep_purchase(event.payload, uow)
    assess_risk(event.payload["customer_id"], uow)


SCORED_SURVEYS = ("nps", "csat")
"""The surveys whose answers tell satisfaction; other surveys' answers are not kept."""


def note_answer(event: Event, uow: LoyaltyStorage) -> None:
    """Keep an NPS or CSAT answer and rescore its customer (idempotent)."""
    answer = event.payload
    if answer["survey"] not in SCORED_SURVEYS:
        return
    score = {"nps": None, "csat": None, answer["survey"]: answer["score"]}
    uow.add_answer_fact(
        answer["answer_id"],
        answer["customer_id"],
        storage_instant(answer["answered_at"]),
        score["nps"],
        score["csat"],
    )
    assess_risk(answer["customer_id"], uow)


def note_complaint(event: Event, uow: LoyaltyStorage) -> None:
    """Keep what a complaint's opening, resolution or breach tells and rescore its customer
    (idempotent, in any order); anonymous complaints and suggestions are not kept."""
    complaint = event.payload
    if complaint["customer_id"] is None or complaint.get("kind", "complaint") != "complaint":
        return
    opened_at = complaint.get("opened_at")
    uow.note_complaint_fact(
        complaint["complaint_ref"],
        complaint["customer_id"],
        None if opened_at is None else storage_instant(opened_at),
        resolved=event.type == "complaint_resolved",
        breached=event.type == "complaint_breached",
    )
    assess_risk(complaint["customer_id"], uow)


def review_risks(uow: LoyaltyStorage) -> int:
    """Rescore every member (idleness grows by itself); returns how many were scored."""
    now = _now()
    scored = [assess_risk(customer_id, uow, now) for customer_id in uow.member_ids()]
    return sum(1 for risk in scored if risk is not None)


def assess_risk(
    customer_id: str, uow: LoyaltyStorage, now: datetime | None = None
) -> ChurnRisk | None:
    """Score the customer now, keep the score, and raise or clear their alarm.

    None for a customer loyalty has not been told about yet (their start as a
    customer is unknown, so their idleness is too).
    """
    member = uow.find_member(customer_id)
    if member is None or member.get("customer_since") is None:
        return None
    now = now or _now()
    purchases, answers = _facts(customer_id, uow)
    complaints = [
        Complaint(c["_id"], not c.get("resolved"), bool(c.get("breached")), c.get("opened_at"))
        for c in uow.complaint_facts(customer_id)
    ]
    facts = ChurnFacts(customer_id, member["customer_since"], purchases, answers, complaints)
    risk = churn_risk(facts, now, SETTINGS)
    uow.save_risk(customer_id, risk.score, [events.reason_payload(r) for r in risk.reasons], now)
    # Alarms are numbered per customer, and the count is read before the live alarm:
    # a scoring racing this one either raised its alarm before the count (then it is
    # the live one found below) or raises the same number (and one insert wins).
    number = uow.alarm_count(customer_id) + 1
    live = uow.live_alarm(customer_id)
    current = alarm_from_document(live) if live else None
    decision = alarm_decision(risk, current, SETTINGS)
    if decision is AlarmDecision.RAISE:
        alarm = raise_alarm(f"{customer_id}-{number}", risk)
        uow.add_alarm(_alarm_document(alarm), events.churn_alarm_raised(alarm))
    elif decision is AlarmDecision.CLEAR and current is not None:
        _save(current, current.close("cleared", now), uow)
    return risk


def matrix(period_key: str, uow: LoyaltyStorage) -> dict[str, Any]:
    """The loyalty matrix at the end of period ``period_key`` (``2026``, ``2026-Q4``,
    ``2026-11``): the customers in each quadrant, their counts, and those with no answer."""
    period = parse_period(period_key)
    placed = loyalty_matrix(_matrix_facts(uow), period)
    return {
        "period": period.key,
        "counts": {str(quadrant): count for quadrant, count in placed.counts.items()},
        "quadrants": {str(quadrant): list(ids) for quadrant, ids in placed.quadrants.items()},
        "unplaced": list(placed.unplaced),
    }


def _matrix_facts(uow: LoyaltyStorage) -> Iterator[MatrixFacts]:
    for customer_id in uow.member_ids():
        member = uow.find_member(customer_id)
        if member is None or member.get("customer_since") is None:
            continue
        purchases, answers = _facts(customer_id, uow)
        yield MatrixFacts(customer_id, member["customer_since"], purchases, answers)


def _facts(customer_id: str, uow: LoyaltyStorage) -> tuple[list[Purchase], list[SurveyAnswer]]:
    """The customer's purchases and survey answers, as the rules read them."""
    purchases = [Purchase(p["at"], p["amount"]) for p in uow.purchase_facts(customer_id)]
    answers = [
        SurveyAnswer(a["at"], nps=a.get("nps"), csat=a.get("csat"))
        for a in uow.answer_facts(customer_id)
    ]
    return purchases, answers


def alarms(live_only: bool, uow: LoyaltyStorage) -> list[dict[str, Any]]:
    """The latest alarms, latest raised first; with ``live_only``, those not closed yet."""
    return uow.list_alarms(live_only, ALARMS_LISTED)


def acknowledge_alarm(alarm_id: str, by: str, uow: LoyaltyStorage) -> dict[str, Any]:
    """Alarm ``alarm_id`` taken up by ``by``; NotFound, or Conflict once it is closed."""
    current = _found(alarm_id, uow)
    _save(current, current.acknowledge(by, _now()), uow)
    return _found_document(alarm_id, uow)


def close_alarm(alarm_id: str, outcome: str, uow: LoyaltyStorage) -> dict[str, Any]:
    """Alarm ``alarm_id`` closed with ``outcome`` (retained, lost, false_alarm, cleared)."""
    current = _found(alarm_id, uow)
    _save(current, current.close(outcome, _now()), uow)
    return _found_document(alarm_id, uow)


def _save(before: Alarm, after: Alarm, uow: LoyaltyStorage) -> None:
    """Write the alarm's move from ``before`` to ``after``, unless it is no move at all.

    A concurrent move of the same alarm wins; this one is then checked again
    against it (the same move is harmless, another one a Conflict).
    """
    if after == before:
        return
    event = events.churn_alarm_closed(after) if after.state is AlarmState.CLOSED else None
    changes = {key: value for key, value in _alarm_document(after).items() if key != "_id"}
    if not uow.update_alarm(before.alarm_id, str(before.state), changes, event):
        moved = _found(before.alarm_id, uow)
        if after.state is AlarmState.CLOSED:
            moved.close(after.outcome or "", after.closed_at or _now())
        else:
            moved.acknowledge(after.acknowledged_by or "", after.acknowledged_at or _now())


def _found(alarm_id: str, uow: LoyaltyStorage) -> Alarm:
    return alarm_from_document(_found_document(alarm_id, uow))


def _found_document(alarm_id: str, uow: LoyaltyStorage) -> dict[str, Any]:
    found = uow.find_alarm(alarm_id)
    if found is None:
        raise NotFound(f"alarm_id: no alarm {alarm_id!r}")
    return found


def _alarm_document(alarm: Alarm) -> dict[str, Any]:
    return {
        "_id": alarm.alarm_id,
        "customer_id": alarm.customer_id,
        "score": alarm.score,
        "reasons": [events.reason_payload(reason) for reason in alarm.reasons],
        "raised_at": alarm.raised_at,
        "state": str(alarm.state),
        "live": alarm.state is not AlarmState.CLOSED,
        "acknowledged_by": alarm.acknowledged_by,
        "acknowledged_at": alarm.acknowledged_at,
        "outcome": None if alarm.outcome is None else str(alarm.outcome),
        "closed_at": alarm.closed_at,
    }


def alarm_from_document(document: dict[str, Any]) -> Alarm:
    """The churn alarm a stored document holds."""
    return Alarm(
        alarm_id=document["_id"],
        customer_id=document["customer_id"],
        score=document["score"],
        reasons=tuple(
            RiskReason(RiskSignal(r["signal"]), r["points"], r["detail"])
            for r in document["reasons"]
        ),
        raised_at=document["raised_at"],
        state=AlarmState(document["state"]),
        acknowledged_by=document.get("acknowledged_by"),
        acknowledged_at=document.get("acknowledged_at"),
        outcome=AlarmOutcome(document["outcome"]) if document.get("outcome") else None,
        closed_at=document.get("closed_at"),
    )
