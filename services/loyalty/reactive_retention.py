"""Reactive retention use cases: a customer announcing departure opens a case, offers are
made and answered, and the case ends retained or lost, every step kept in its history.

Opening is announced (``retention_case_opened``) and so is the end
(``retention_case_closed``), each with its write, through the outbox. Each
move is written only if the case has not moved meanwhile; a concurrent move
wins and this one is checked again against it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from clientela.clock import utcnow
from clientela.errors import Conflict, NotFound
from clientela.services.loyalty import events
from clientela.services.loyalty.dependencies import LoyaltyStorage
from clientela.services.loyalty.domain.retention import (
    ENDED,
    CaseState,
    CaseStep,
    RetentionCase,
)
from clientela.services.loyalty.posting import storage_instant

CASES_LISTED = 200
"""Cases a listing shows at most, the latest announced first."""

MOVE_ATTEMPTS = 5
"""Concurrent moves of one case a move waits out before giving up."""


def _now() -> datetime:
    return storage_instant(utcnow())


def start(customer_id: str, reason: str, by: str, uow: LoyaltyStorage) -> dict[str, Any]:
    """Open a retention case for a customer announcing departure, for ``reason``.

    A customer with a case under way gets that case (announcing again opens
    nothing more); NotFound for a customer loyalty does not know.
    """
    if uow.find_member(customer_id) is None:
        raise NotFound(f"customer_id: no customer {customer_id!r} is known to loyalty")
    # numbered per customer, the count read before the live case: a racing start either
    # opened its case before the count (then it is the live one) or takes the same number
    number = uow.case_count(customer_id) + 1
    live = uow.live_case(customer_id)
    if live is not None:
        return live
    case = RetentionCase(f"{customer_id}-R{number}", customer_id, reason, _now(), by)
    if uow.add_case(_document(case), events.retention_case_opened(case)):
        return _document(case)
    return _found_document(case.case_id, uow)


def offer(case_id: str, offered: str, by: str, uow: LoyaltyStorage) -> dict[str, Any]:
    """Make ``offered`` to the customer of case ``case_id`` (a better one after a refusal)."""
    return _move(case_id, lambda case: case.make_offer(offered, _now(), by), uow)


def answer(case_id: str, accepted: bool, by: str, note: str, uow: LoyaltyStorage) -> dict[str, Any]:
    """Record the customer's answer to the offer: ``accepted`` or refused."""
    return _move(case_id, lambda case: case.answer(accepted, _now(), by, note), uow)


def close(case_id: str, outcome: str, by: str, note: str, uow: LoyaltyStorage) -> dict[str, Any]:
    """End case ``case_id`` with ``outcome``: ``retained`` (an accepted offer) or ``lost``."""
    return _move(case_id, lambda case: case.close(outcome, _now(), by, note), uow)


def cases(live_only: bool, uow: LoyaltyStorage) -> list[dict[str, Any]]:
    """The latest retention cases first; with ``live_only``, those not ended."""
    return uow.list_cases(live_only, CASES_LISTED)


def case(case_id: str, uow: LoyaltyStorage) -> dict[str, Any]:
    """Retention case ``case_id`` with its history; NotFound when there is none."""
    return _found_document(case_id, uow)


def _move(
    case_id: str, move: Callable[[RetentionCase], RetentionCase], uow: LoyaltyStorage
) -> dict[str, Any]:
    """Apply ``move`` to the case as stored and write it, unless it changes nothing."""
    for _ in range(MOVE_ATTEMPTS):
        stored = _found_document(case_id, uow)
        current = _case(stored)
        moved = move(current)
        if moved == current:
            return stored
        ended = moved.state in ENDED
        event = events.retention_case_closed(moved) if ended else None
        changes = {key: value for key, value in _document(moved).items() if key != "_id"}
        if uow.update_case(case_id, len(current.history), changes, event):
            return _document(moved)
    raise Conflict(f"case_id: {case_id} changed {MOVE_ATTEMPTS} times meanwhile; try again")


def _found_document(case_id: str, uow: LoyaltyStorage) -> dict[str, Any]:
    found = uow.find_case(case_id)
    if found is None:
        raise NotFound(f"case_id: no retention case {case_id!r}")
    return found


def _document(case: RetentionCase) -> dict[str, Any]:
    return {
        "_id": case.case_id,
        "customer_id": case.customer_id,
        "reason": case.reason,
        "announced_at": case.announced_at,
        "announced_by": case.announced_by,
        "state": str(case.state),
        "live": case.state not in ENDED,
        "offer": case.offer,
        "offered_at": case.offered_at,
        "accepted": case.accepted,
        "ended_at": case.ended_at,
        "note": case.note,
        "history": [
            {"state": str(step.state), "at": step.at, "by": step.by, "detail": step.detail}
            for step in case.history
        ],
        "steps": len(case.history),
    }


def _case(document: dict[str, Any]) -> RetentionCase:
    return RetentionCase(
        case_id=document["_id"],
        customer_id=document["customer_id"],
        reason=document["reason"],
        announced_at=document["announced_at"],
        announced_by=document["announced_by"],
        state=CaseState(document["state"]),
        offer=document.get("offer"),
        offered_at=document.get("offered_at"),
        ended_at=document.get("ended_at"),
        note=document.get("note") or "",
        history=tuple(
            CaseStep(CaseState(step["state"]), step["at"], step["by"], step["detail"])
            for step in document["history"]
        ),
    )
