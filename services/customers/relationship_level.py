"""A customer's relationship level (seed 004), as the 360-degree view shows it.

Longevity, scope and depth come from this service's record and purchases; the
referral criterion needs the customer's NPS answers (feedback's) and the
referred prospects who converted (loyalty's). A section of another service that
did not come back leaves its part of the level unknown, saying why, rather than
zero.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from clientela.services.customers.domain.purchases import Purchase
from clientela.services.customers.domain.relationship import (
    NpsAnswer,
    RelationshipFacts,
    relationship_level,
)


def relationship_section(
    customer: dict[str, Any],
    purchases: Iterable[dict[str, Any]],
    offered_lines: Collection[str],
    surveys: dict[str, Any],
    referrals: dict[str, Any],
    as_of: datetime,
) -> dict[str, Any]:
    """The relationship level of ``customer`` at ``as_of``.

    ``purchases`` are the customer's purchase facts; ``surveys`` and
    ``referrals`` are the view's sections of feedback's answers and loyalty's
    count of converted referrals. ``unmeasured`` names each criterion that could
    not be measured and why.
    """
    unmeasured: dict[str, str] = {}
    answers: tuple[NpsAnswer, ...] = ()
    if surveys["status"] == "ok":
        answers = tuple(_nps_answers(surveys["data"]))
    else:
        unmeasured["latest_nps"] = f"feedback: {surveys['reason']}"
    converted = 0
    if referrals["status"] == "ok":
        converted = referrals["data"]
    else:
        unmeasured["referrals_converted"] = f"loyalty: {referrals['reason']}"
    lost = customer.get("lost")
    facts = RelationshipFacts(
        customer_since=customer["created_at"],
        purchases=tuple(
            Purchase(customer["_id"], p["amount"], p["purchased_at"], p.get("product_line", ""))
            for p in purchases
        ),
        offered_lines=offered_lines,
        declared_spend=_spend(customer.get("declared_spend")),
        estimated_spend=_spend(customer.get("estimated_spend")),
        nps_answers=answers,
        referrals_converted=converted,
        lost_at=lost["lost_at"] if lost else None,
    )
    level = asdict(relationship_level(facts, as_of))
    for criterion in unmeasured:
        level[criterion] = None
    return {**level, "unmeasured": unmeasured}


def _spend(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _nps_answers(responses: Iterable[dict[str, Any]]) -> Iterable[NpsAnswer]:
    for response in responses:
        if response.get("kind") == "nps" and response.get("score") is not None:
            yield NpsAnswer(response["score"], datetime.fromisoformat(response["answered_at"]))
