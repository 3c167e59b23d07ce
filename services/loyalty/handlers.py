"""Loyalty use cases: credit points for purchases, report balances."""

from __future__ import annotations

from clientela.clock import utcnow
from clientela.events import Event, new_event
from clientela.outbox import Publish, insert_once
from clientela.services.loyalty.documents import LedgerEntry
from clientela.services.loyalty.domain import points_for_purchase


def credit_purchase(event: Event, points_per_unit: float, publish: Publish) -> None:
    """Credit the points a recorded purchase earns; a repeated event credits nothing."""
    purchase = event.payload
    points = points_for_purchase(purchase["amount"], points_per_unit)
    entry_id = f"purchase:{purchase['purchase_id']}"
    now = utcnow()
    reason = f"purchase {purchase['purchase_id']} of {purchase['amount']} {purchase['currency']}"
    earned = new_event(
        "points_earned",
        {
            "entry_id": entry_id,
            "customer_id": purchase["customer_id"],
            "points": points,
            "reason": reason,
            "earned_at": now,
        },
        occurred_at=now,
    )
    insert_once(
        LedgerEntry._get_collection(),
        {"_id": entry_id},
        {
            "customer_id": purchase["customer_id"],
            "kind": "earn",
            "points": points,
            "reason": reason,
            "recorded_at": now,
        },
        earned,
        publish,
    )


def balance(customer_id: str) -> int:
    """The customer's points: the sum of their ledger entries."""
    totals = LedgerEntry._get_collection().aggregate(
        [
            {"$match": {"customer_id": customer_id}},
            {"$group": {"_id": None, "points": {"$sum": "$points"}}},
        ]
    )
    return next(iter(totals), {"points": 0})["points"]


def ledger(customer_id: str, limit: int) -> list[LedgerEntry]:
    """The customer's latest ledger entries, newest first."""
    return list(LedgerEntry.objects(customer_id=customer_id).order_by("-recorded_at").limit(limit))
