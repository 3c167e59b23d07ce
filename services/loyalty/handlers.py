"""Loyalty use cases: credit points for purchases and referrals, issue referral codes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from mongoengine import NotUniqueError

from clientela.clock import utcnow
from clientela.errors import NotFound
from clientela.events import Event, new_event
from clientela.outbox import Publish, insert_once
from clientela.services.loyalty.documents import LedgerEntry, Member, ReferralCode
from clientela.services.loyalty.domain import (
    Referrer,
    new_referral_code,
    normalise_referral_code,
    points_for_purchase,
    referral_reward,
)

log = logging.getLogger(__name__)

CODE_ATTEMPTS = 5
"""Fresh codes tried when one is taken already (with 31^8 codes, one retry is rare)."""


def _credit(entry_id: str, customer_id: str, points: int, reason: str, publish: Publish) -> None:
    """Record ledger entry ``entry_id`` and announce it; a repeated ``entry_id`` does nothing."""
    now = utcnow()
    earned = new_event(
        "points_earned",
        {
            "entry_id": entry_id,
            "customer_id": customer_id,
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
            "customer_id": customer_id,
            "kind": "earn",
            "points": points,
            "reason": reason,
            "recorded_at": now,
        },
        earned,
        publish,
    )


def credit_purchase(event: Event, points_per_unit: float, publish: Publish) -> None:
    """Credit the points a recorded purchase earns; a repeated event credits nothing."""
    purchase = event.payload
    _credit(
        f"purchase:{purchase['purchase_id']}",
        purchase["customer_id"],
        points_for_purchase(purchase["amount"], points_per_unit),
        f"purchase {purchase['purchase_id']} of {purchase['amount']} {purchase['currency']}",
        publish,
    )


def remember_customer(event: Event) -> None:
    """Keep the announced customer, who may now refer others (idempotent)."""
    payload = event.payload
    Member.objects(id=payload["customer_id"]).update_one(
        upsert=True, set__prospect_id=payload["prospect_id"], set__email=payload["email"]
    )


def referral_code(customer_id: str, new_code: Callable[[], str] = new_referral_code) -> str:
    """The customer's referral code: made on the first request, the same ever after.

    NotFound unless the customer is a member; a code taken already is drawn again.
    """
    if not Member.objects(id=customer_id).count():
        raise NotFound(f"customer_id: no customer {customer_id!r} is known to loyalty")
    for _ in range(CODE_ATTEMPTS):
        existing = ReferralCode.objects(customer_id=customer_id).first()
        if existing is not None:
            return existing.id
        code = ReferralCode(id=new_code(), customer_id=customer_id, created_at=utcnow())
        try:
            code.save(force_insert=True)
        except NotUniqueError:  # the code is someone else's, or a concurrent call made one
            continue
        return code.id
    raise RuntimeError(f"no free referral code found in {CODE_ATTEMPTS} attempts")


def resolve_referral_code(typed: str) -> str:
    """The id of the customer whose referral code ``typed`` is; NotFound otherwise."""
    found = _find_code(typed)
    if found is None:
        raise NotFound(f"code: no referral code {typed!r}")
    return found.customer_id


class ReferrerUnknown(LookupError):
    """A conversion names a referring customer loyalty has not heard of (yet)."""


def credit_referral(event: Event, reward_points: int, publish: Publish) -> None:
    """Reward whoever referred the converted prospect, once; nothing when no one did.

    The referrer is the payload's ``referrer`` when loyalty knows that customer,
    else the owner of its ``referral_code``. An unknown code earns nothing; an
    unknown referrer id raises ReferrerUnknown, so the event is retried (the
    customer's own ``customer_created`` may still be on its way) and then parked.
    """
    converted = event.payload
    prospect_id = converted["prospect_id"]
    if not (converted["referrer"] or converted["referral_code"]):
        return  # nobody referred this one
    member = _referring_member(converted["referrer"], converted["referral_code"])
    if member is None and converted["referrer"]:
        # loyalty may not have heard of this customer yet (its customer_created is on its
        # way): fail, so the event is retried and, if it never resolves, parked for review
        raise ReferrerUnknown(f"referrer: loyalty knows no customer {converted['referrer']!r}")
    if member is None:
        log.info(
            "the referrer of a converted prospect is unknown; no referral reward",
            extra={"prospect_id": prospect_id, **_named(converted)},
        )
        return
    reward = referral_reward(
        Referrer(member.id, member.prospect_id, member.email),
        prospect_id,
        converted["email"],
        reward_points,
    )
    if not reward.points:
        log.info(
            "no referral reward",
            extra={"prospect_id": prospect_id, "referrer": member.id, "why": reward.reason},
        )
        return
    _credit(f"referral:{prospect_id}", member.id, reward.points, reward.reason, publish)


def _referring_member(referrer: str, typed_code: str) -> Member | None:
    """The member named by id, else the owner of the code; None when neither is a member."""
    if referrer and (member := Member.objects(id=referrer).first()):
        return member
    owner = _find_code(typed_code)
    return Member.objects(id=owner.customer_id).first() if owner else None


def _find_code(typed: str) -> ReferralCode | None:
    code = normalise_referral_code(typed)
    return ReferralCode.objects(id=code).first() if code else None


def _named(converted: dict[str, Any]) -> dict[str, str]:
    """The referrer and code a conversion named, for logs."""
    return {key: converted[key] for key in ("referrer", "referral_code") if converted[key]}


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
