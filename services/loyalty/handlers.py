"""Loyalty use cases: credit points for purchases and referrals, issue referral codes.

Each takes an event or an id, and the service's unit of work
(:mod:`clientela.services.loyalty.dependencies`); the settings a rule needs
come after them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from clientela.clock import utcnow
from clientela.errors import NotFound
from clientela.events import Event
from clientela.services.loyalty import events
from clientela.services.loyalty.dependencies import LoyaltyStorage
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


def _credit(entry_id: str, customer_id: str, points: int, reason: str, uow: LoyaltyStorage) -> None:
    """Record ledger entry ``entry_id`` and announce it; a repeated ``entry_id`` does nothing."""
    entry = {
        "_id": entry_id,
        "customer_id": customer_id,
        "kind": "earn",
        "points": points,
        "reason": reason,
        "recorded_at": utcnow(),
    }
    uow.add_entry(entry, events.points_earned(entry))


def credit_purchase(event: Event, uow: LoyaltyStorage, points_per_unit: float) -> None:
    """Credit the points a recorded purchase earns; a repeated event credits nothing."""
    purchase = event.payload
    _credit(
        f"purchase:{purchase['purchase_id']}",
        purchase["customer_id"],
        points_for_purchase(purchase["amount"], points_per_unit),
        f"purchase {purchase['purchase_id']} of {purchase['amount']} {purchase['currency']}",
        uow,
    )


def remember_customer(event: Event, uow: LoyaltyStorage) -> None:
    """Keep the announced customer, who may now refer others (idempotent)."""
    payload = event.payload
    uow.remember_member(payload["customer_id"], payload["prospect_id"], payload["email"])


def referral_code(
    customer_id: str, uow: LoyaltyStorage, new_code: Callable[[], str] = new_referral_code
) -> str:
    """The customer's referral code: made on the first request, the same ever after.

    NotFound unless the customer is a member; a code taken already is drawn again.
    """
    if uow.find_member(customer_id) is None:
        raise NotFound(f"customer_id: no customer {customer_id!r} is known to loyalty")
    for _ in range(CODE_ATTEMPTS):
        existing = uow.code_of(customer_id)
        if existing is not None:
            return existing
        code = new_code()
        # refused when the code is someone else's, or a concurrent call made this one's
        if uow.add_referral_code(code, customer_id, utcnow()):
            return code
    raise RuntimeError(f"no free referral code found in {CODE_ATTEMPTS} attempts")


def resolve_referral_code(typed: str, uow: LoyaltyStorage) -> str:
    """The id of the customer whose referral code ``typed`` is; NotFound otherwise."""
    owner = _code_owner(typed, uow)
    if owner is None:
        raise NotFound(f"code: no referral code {typed!r}")
    return owner


class ReferrerUnknown(LookupError):
    """A conversion names a referring customer loyalty has not heard of (yet)."""


def credit_referral(event: Event, uow: LoyaltyStorage, reward_points: int) -> None:
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
    member = _referring_member(converted["referrer"], converted["referral_code"], uow)
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
    referrer = Referrer(member["_id"], member.get("prospect_id"), member.get("email"))
    reward = referral_reward(referrer, prospect_id, converted["email"], reward_points)
    if not reward.points:
        log.info(
            "no referral reward",
            extra={
                "prospect_id": prospect_id,
                "referrer": referrer.customer_id,
                "why": reward.reason,
            },
        )
        return
    _credit(f"referral:{prospect_id}", referrer.customer_id, reward.points, reward.reason, uow)


def _referring_member(referrer: str, typed_code: str, uow: LoyaltyStorage) -> dict[str, Any] | None:
    """The member named by id, else the owner of the code; None when neither is a member."""
    if referrer and (member := uow.find_member(referrer)):
        return member
    owner = _code_owner(typed_code, uow)
    return uow.find_member(owner) if owner else None


def _code_owner(typed: str, uow: LoyaltyStorage) -> str | None:
    """The id of the customer whose code ``typed`` is, in any case and spacing."""
    code = normalise_referral_code(typed)
    return uow.owner_of_code(code) if code else None


def _named(converted: dict[str, Any]) -> dict[str, str]:
    """The referrer and code a conversion named, for logs."""
    return {key: converted[key] for key in ("referrer", "referral_code") if converted[key]}


def balance(customer_id: str, uow: LoyaltyStorage, latest: int) -> dict[str, Any]:
    """The customer's points (the sum of their ledger entries) and ``latest`` entries."""
    return {
        "customer_id": customer_id,
        "points": uow.balance(customer_id),
        "latest": uow.latest_entries(customer_id, latest),
    }
