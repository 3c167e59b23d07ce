"""Loyalty use cases: the points journal (earn, redeem, adjust, expire), referral codes.

Each takes an event or an id, and the service's unit of work
(:mod:`clientela.services.loyalty.dependencies`); the settings a rule needs
come after them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from clientela.clock import utcnow
from clientela.errors import Conflict, NotFound
from clientela.events import Event
from clientela.services.loyalty.dependencies import LoyaltyStorage, referral_source
from clientela.services.loyalty.domain import (
    Referrer,
    new_referral_code,
    normalise_referral_code,
    referral_reward,
    refers_back,
)
from clientela.services.loyalty.domain.earning import PurchaseLine
from clientela.services.loyalty.domain.journal import JournalEntry, PointsJournal
from clientela.services.loyalty.domain.repricing import DatedPurchase, credit_in_date_order
from clientela.services.loyalty.domain.rewards import redeem_reward
from clientela.services.loyalty.posting import post, read_journal, storage_instant
from clientela.services.loyalty.programme import DEFAULT_PROGRAMME, Programme, earn_rules

log = logging.getLogger(__name__)

CODE_ATTEMPTS = 5
"""Fresh codes tried when one is taken already (with 31^8 codes, one retry is rare)."""


def _now() -> datetime:
    return storage_instant(utcnow())


def credit_purchase(
    event: Event,
    uow: LoyaltyStorage,
    points_per_unit: float,
    programme: Programme = DEFAULT_PROGRAMME,
) -> None:
    """Credit the points a recorded purchase earns, at the tier held when it was made.

    The purchase is kept first, then every purchase of the customer is priced
    in date order (:mod:`~clientela.services.loyalty.domain.repricing`): later
    purchases whose tier this earlier one raises get the difference. A
    repeated event credits nothing; a purchase too small to earn a point
    writes no entry.
    """
    purchase = event.payload
    customer_id = purchase["customer_id"]
    keep_purchase(purchase, uow)
    rules = earn_rules(points_per_unit)
    reason = f"purchase {purchase['purchase_id']} of {purchase['amount']} {purchase['currency']}"

    def earn(journal: PointsJournal, tier: str) -> list[JournalEntry]:
        # read after the journal: a purchase with an entry in it was kept before that entry
        purchases = [
            _dated(fact)
            for fact in uow.purchase_facts(customer_id)
            if fact.get("product_line") is not None
        ]
        return credit_in_date_order(
            journal, purchase["purchase_id"], purchases, rules, programme.ladder, reason
        )

    post(customer_id, earn, _now(), uow, ladder=programme.ladder)


def _dated(fact: dict[str, Any]) -> DatedPurchase:
    """A kept purchase as earning needs it."""
    return DatedPurchase(
        fact["_id"], fact["at"], PurchaseLine(fact["product_line"], fact["amount"])
    )


def keep_purchase(purchase: dict[str, Any], uow: LoyaltyStorage) -> None:
    """Keep the facts of a recorded purchase (its ``purchase_recorded`` payload), once."""
    uow.add_purchase_fact(
        purchase["purchase_id"],
        purchase["customer_id"],
        storage_instant(purchase["purchased_at"]),
        purchase["amount"],
        purchase["product_line"],
    )


def redeem(
    customer_id: str,
    reward_code: str,
    request_key: str,
    uow: LoyaltyStorage,
    programme: Programme = DEFAULT_PROGRAMME,
) -> dict[str, Any]:
    """Spend points on reward ``reward_code``, once per ``request_key``.

    NotFound for a customer loyalty does not know or a reward not in the
    catalogue; Conflict, naming the balance, when the reward costs more, or
    when it is reserved to a higher tier; Conflict, naming the reward, when a
    reward limited in stock has none left. A unit of stock is claimed first
    (atomically, once per request) and given back when the points are not
    spent. A repeated request redeems nothing more and answers the same.
    """
    _require_member(customer_id, uow)
    reward = programme.catalogue.get(reward_code)
    source = f"redeem:{customer_id}:{request_key}"
    now = _now()

    def spend(journal: PointsJournal, tier: str) -> list[JournalEntry]:
        return redeem_reward(journal, programme.catalogue, reward_code, tier, source, now).entries

    limited = reward.stock is not None
    if limited:
        uow.ensure_stock(reward.code, reward.stock or 0)
        if not uow.claim_unit(reward.code, source):
            raise Conflict(f"reward: {reward.code} ({reward.name}) is out of stock")
    try:
        post(customer_id, spend, now, uow, reward=reward_code, ladder=programme.ladder)
    except Exception:
        if limited:
            uow.release_unit(reward.code, source)
        raise
    return _entry_and_balance(customer_id, source, uow)


def adjust(
    customer_id: str,
    points: int,
    reason: str,
    operator: str,
    request_key: str,
    uow: LoyaltyStorage,
    programme: Programme = DEFAULT_PROGRAMME,
) -> dict[str, Any]:
    """Add (positive ``points``) or deduct (negative) points by hand, once per ``request_key``.

    A reason and an operator are required (InvalidInput); a deduction over the
    balance is refused (Conflict, naming it).
    """
    _require_member(customer_id, uow)
    source = f"adjust:{customer_id}:{request_key}"
    now = _now()

    def change(journal: PointsJournal, tier: str) -> list[JournalEntry]:
        return journal.adjust(source, points, now, reason, operator)

    post(customer_id, change, now, uow, ladder=programme.ladder)
    return _entry_and_balance(customer_id, source, uow)


def review_accounts(uow: LoyaltyStorage, programme: Programme = DEFAULT_PROGRAMME) -> int:
    """Expire the points due and move the tiers due on every account due for review.

    Returns how many accounts were reviewed; running it twice expires nothing twice.
    """
    now = _now()
    due = uow.due_for_review(now)
    for customer_id in due:
        expire_points(customer_id, uow, now, programme)
    return len(due)


def expire_points(
    customer_id: str,
    uow: LoyaltyStorage,
    now: datetime,
    programme: Programme = DEFAULT_PROGRAMME,
) -> None:
    """Write off the customer's lots expired by ``now``, oldest first, and review the tier."""
    post(
        customer_id,
        lambda journal, tier: journal.expire_due(now),
        now,
        uow,
        ladder=programme.ladder,
    )


def tiers(programme: Programme = DEFAULT_PROGRAMME) -> list[dict[str, Any]]:
    """The tiers, lowest first, with their threshold, multiplier and the rewards open to them."""
    return [
        {
            "name": tier.name,
            "threshold": tier.threshold,
            "multiplier": tier.multiplier,
            "window_months": programme.ladder.window_months,
            "rewards": [reward.code for reward in programme.catalogue.open_to(tier.name)],
        }
        for tier in programme.ladder.tiers
    ]


def rewards(uow: LoyaltyStorage, programme: Programme = DEFAULT_PROGRAMME) -> list[dict[str, Any]]:
    """The rewards catalogue, cheapest first: cost, lowest tier, stock and what is left of it
    (None: not limited)."""
    catalogue = sorted(programme.catalogue, key=lambda reward: (reward.cost, reward.code))
    return [
        {
            "code": reward.code,
            "name": reward.name,
            "cost": reward.cost,
            "min_tier": reward.min_tier,
            "stock": reward.stock,
            "left": None if reward.stock is None else uow.stock_left(reward.code, reward.stock),
        }
        for reward in catalogue
    ]


def _require_member(customer_id: str, uow: LoyaltyStorage) -> None:
    if uow.find_member(customer_id) is None:
        raise NotFound(f"customer_id: no customer {customer_id!r} is known to loyalty")


def _entry_and_balance(customer_id: str, source: str, uow: LoyaltyStorage) -> dict[str, Any]:
    """The entry ``source`` wrote (None when it wrote nothing) and the balance now."""
    account, journal = read_journal(customer_id, uow)
    written = [entry for entry in journal.entries if entry.source == source]
    return {
        "customer_id": customer_id,
        "entry_id": source,
        "points": written[0].points if written else 0,
        "balance": account["balance"],
        "tier": account["tier"],
    }


def remember_customer(event: Event, uow: LoyaltyStorage) -> None:
    """Keep the announced customer, who may now refer others (idempotent)."""
    payload = event.payload
    uow.remember_member(
        payload["customer_id"], payload["prospect_id"], payload["email"], payload["created_at"]
    )


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


def referrals_converted(customer_id: str, uow: LoyaltyStorage) -> int:
    """How many prospects ``customer_id`` referred converted and were rewarded."""
    return uow.referrals_rewarded(customer_id)


def resolve_referral_code(typed: str, uow: LoyaltyStorage) -> str:
    """The id of the customer whose referral code ``typed`` is; NotFound otherwise."""
    owner = _code_owner(typed, uow)
    if owner is None:
        raise NotFound(f"code: no referral code {typed!r}")
    return owner


class ReferrerUnknown(LookupError):
    """A conversion names a referring customer loyalty has not heard of (yet)."""


def credit_referral(
    event: Event,
    uow: LoyaltyStorage,
    reward_points: int,
    programme: Programme = DEFAULT_PROGRAMME,
) -> None:
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
    referrer = _as_referrer(member)
    if refers_back(referrer, prospect_id, lambda customer: _referrer_of(customer, uow)):
        log.info(
            "no referral reward: a loop of referrals",
            extra={"prospect_id": prospect_id, "referrer": referrer.customer_id},
        )
        return
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
    source = referral_source(prospect_id)
    now = _now()
    post(
        referrer.customer_id,
        lambda journal, tier: journal.earn(source, reward.points, now, reward.reason),
        now,
        uow,
        ladder=programme.ladder,
    )


def _as_referrer(member: dict[str, Any]) -> Referrer:
    return Referrer(member["_id"], member.get("prospect_id"), member.get("email"))


def _referrer_of(customer: Referrer, uow: LoyaltyStorage) -> Referrer | None:
    """Who was rewarded for referring ``customer``; None when nobody (that loyalty knows)."""
    rewarded = uow.rewarded_for(customer.prospect_id) if customer.prospect_id else None
    member = uow.find_member(rewarded) if rewarded else None
    return _as_referrer(member) if member else None


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
    """The customer's points (the sum of their journal), tier and ``latest`` entries."""
    account = uow.account(customer_id)
    return {
        "customer_id": customer_id,
        "points": account["balance"],
        "tier": account["tier"],
        "latest": uow.latest_entries(customer_id, latest),
    }
