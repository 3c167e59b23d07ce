"""The events the loyalty service announces."""

from __future__ import annotations

from typing import Any

from clientela.events import new_event


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
