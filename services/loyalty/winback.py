"""Win-back use cases: lost customers ranked by what they were worth, campaigns aimed at
them, and who came back.

customers' ``customer_lost`` marks a member lost with the value of the
purchases loyalty saw before; a lost member's next purchase wins them back
(announced as ``customer_won_back``), for the campaign that targeted them if
it was running then.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from clientela.clock import utcnow
from clientela.errors import Conflict, NotFound
from clientela.events import Event
from clientela.services.loyalty import events
from clientela.services.loyalty.dependencies import LoyaltyStorage
from clientela.services.loyalty.domain.facts import Purchase
from clientela.services.loyalty.domain.retention import (
    LostCustomer,
    rank_win_back,
    win_back_result,
)
from clientela.services.loyalty.domain.winback import Campaign, past_value, won_back
from clientela.services.loyalty.posting import storage_instant

LOST_LISTED = 200
"""Lost customers a ranking shows at most."""

CAMPAIGNS_LISTED = 100
"""Campaigns a listing shows at most, the latest starting first."""

NOT_LOST = "not a lost customer (or won back already)"


def note_lost(event: Event, uow: LoyaltyStorage) -> None:
    """Mark the customer lost with what they bought before; an older mark than the one kept
    changes nothing. Purchases seen after the mark win them back at once."""
    lost = event.payload
    customer_id = lost["customer_id"]
    lost_at = storage_instant(lost["lost_at"])
    member = uow.find_member(customer_id)
    if member is not None and member.get("lost_at") and member["lost_at"] >= lost_at:
        return  # the same mark again, or an older one
    purchases = uow.purchase_facts(customer_id)
    value = past_value((Purchase(p["at"], p["amount"]) for p in purchases), lost_at)
    uow.mark_lost(
        customer_id,
        {
            "lost_at": lost_at,
            "lost_reason": lost["reason"],
            "past_value": str(value.total),
            "past_value_cents": int(value.total * 100),
            "past_purchases": value.purchases,
        },
    )
    after = sorted((p for p in purchases if won_back(lost_at, p["at"])), key=lambda p: p["at"])
    if after:
        win_back(customer_id, after[0]["_id"], after[0]["at"], uow)


def note_purchase(event: Event, uow: LoyaltyStorage) -> None:
    """A recorded purchase: wins its customer back if they were lost (idempotent)."""
    purchase = event.payload
    at = storage_instant(purchase["purchased_at"])
    win_back(purchase["customer_id"], purchase["purchase_id"], at, uow)


def win_back(customer_id: str, purchase_id: str, at: datetime, uow: LoyaltyStorage) -> None:
    """A purchase at ``at``: a lost customer is won back by it (once), for the campaign that
    targeted them if it was running then."""
    member = uow.find_member(customer_id)
    if member is None or not member.get("lost") or not won_back(member["lost_at"], at):
        return
    campaign_id = member.get("targeted_by")
    found = uow.find_campaign(campaign_id) if campaign_id else None
    by = campaign_id if found is not None and _campaign(found).wins_back(at) else None
    uow.mark_won_back(
        customer_id,
        member["lost_at"],
        {"won_back_at": at, "won_back_by": by},
        events.customer_won_back(customer_id, member["lost_at"], purchase_id, at, by),
    )


def ranked(limit: int, uow: LoyaltyStorage) -> list[dict[str, Any]]:
    """The lost customers most worth winning back first (past value, then purchases, then
    the most recently lost)."""
    members = {m["_id"]: m for m in uow.lost_members(min(limit, LOST_LISTED))}
    lost = [
        LostCustomer(m["_id"], m["lost_at"], Decimal(m["past_value"]), m["past_purchases"])
        for m in members.values()
    ]
    return [
        {
            "customer_id": customer.customer_id,
            "lost_at": customer.lost_at,
            "reason": members[customer.customer_id].get("lost_reason"),
            "past_value": customer.lifetime_value,
            "purchases": customer.purchases,
            "targeted_by": members[customer.customer_id].get("targeted_by"),
        }
        for customer in rank_win_back(lost)
    ]


def launch(
    campaign_id: str,
    name: str,
    starts_at: datetime,
    ends_at: datetime,
    customer_ids: list[str],
    top: int | None,
    by: str,
    uow: LoyaltyStorage,
) -> dict[str, Any]:
    """Launch a campaign at ``customer_ids``, or at the ``top`` lost customers by value.

    Customers who are not lost are refused, each named, and the rest
    targeted; InvalidInput when nobody is left. Launching again with the same
    id and the same campaign changes nothing; with another, Conflict.
    """
    wanted = customer_ids or [c["customer_id"] for c in (ranked(top, uow) if top else [])]
    refused = {
        customer_id: NOT_LOST
        for customer_id in wanted
        if not (uow.find_member(customer_id) or {}).get("lost")
    }
    existing = uow.find_campaign(campaign_id)
    if existing is not None:
        targeted = existing["targeted"]  # a retried launch aims at whom it aimed before
    else:
        targeted = [c for c in dict.fromkeys(wanted) if c not in refused]
    campaign = Campaign(
        campaign_id,
        name,
        storage_instant(starts_at),
        storage_instant(ends_at),
        tuple(targeted),
    )
    document = _document(campaign, by)
    stored = existing or uow.add_campaign(document) or document
    same = ("name", "starts_at", "ends_at")
    if any(stored[key] != document[key] for key in same):
        raise Conflict(f"campaign_id: {campaign_id!r} is another campaign already")
    for customer_id in stored["targeted"]:
        uow.target_member(customer_id, campaign_id)
    return {**result(campaign_id, uow), "refused": refused}


def result(campaign_id: str, uow: LoyaltyStorage) -> dict[str, Any]:
    """Campaign ``campaign_id`` and its result: targeted, won back (who), the rate."""
    found = uow.find_campaign(campaign_id)
    if found is None:
        raise NotFound(f"campaign_id: no win-back campaign {campaign_id!r}")
    return _with_result(found, uow)


def campaigns(uow: LoyaltyStorage) -> list[dict[str, Any]]:
    """The campaigns, the latest starting first, each with its result."""
    return [_with_result(found, uow) for found in uow.list_campaigns(CAMPAIGNS_LISTED)]


def _with_result(campaign: dict[str, Any], uow: LoyaltyStorage) -> dict[str, Any]:
    won = uow.won_back_by(campaign["_id"])
    counted = win_back_result(campaign["targeted"], won)
    return {
        **campaign,
        "won_back": won,
        "won_back_count": counted.won_back,
        "targeted_count": counted.targeted,
        "rate": counted.rate,
    }


def _document(campaign: Campaign, by: str) -> dict[str, Any]:
    return {
        "_id": campaign.campaign_id,
        "name": campaign.name,
        "starts_at": campaign.starts_at,
        "ends_at": campaign.ends_at,
        "targeted": list(campaign.targeted),
        "created_by": by,
        "created_at": storage_instant(utcnow()),
    }


def _campaign(document: dict[str, Any]) -> Campaign:
    return Campaign(
        document["_id"],
        document["name"],
        document["starts_at"],
        document["ends_at"],
        tuple(document["targeted"]),
    )
