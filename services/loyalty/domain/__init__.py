"""Loyalty rules in plain Python: referral codes and rewards; one module per other subject.

No I/O here: storage, events and entrypoints build on these rules. Besides
the referral rules below, one module per subject: ``journal`` (the points
journal: earn, redeem, expire, adjust), ``earning`` (earn rules), ``repricing``
(purchases priced at the tier held when made, in any order), ``tiers``,
``rewards`` (catalogue and redemption), ``churn`` (risk score and alarms),
``retention`` (reactive retention, win-back, churn and retention rates),
``matrix`` (the loyalty matrix) and ``actions`` (SMART improvement actions).
Instants are time-zone aware, points are ints, money is ``Decimal``; bad input
raises ``clientela.errors.InvalidInput`` naming the field, and a request the
current state refuses (a redemption over the balance) raises ``Conflict``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

REFERRAL_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""What referral codes are made of: no 0/O, 1/I/L, nothing to misread or mistype."""

REFERRAL_CODE_LENGTH = 8
"""Characters in a code, shown in two groups of four (``7KQ2-M9XA``)."""

REFERRAL_CHAIN_LIMIT = 50
"""Referrers followed up a chain when looking for a loop; longer chains are not walked."""


def _grouped(characters: str) -> str:
    half = REFERRAL_CODE_LENGTH // 2
    return f"{characters[:half]}-{characters[half:]}"


def new_referral_code(choose: Callable[[str], str] = secrets.choice) -> str:
    """A fresh random referral code such as ``7KQ2-M9XA``; ``choose`` picks each character."""
    return _grouped("".join(choose(REFERRAL_CODE_ALPHABET) for _ in range(REFERRAL_CODE_LENGTH)))


def normalise_referral_code(typed: str) -> str | None:
    """A code as typed (any case, spaces, with or without its hyphen) in its stored form.

    None when ``typed`` cannot be a referral code at all.
    """
    plain = "".join(typed.split()).replace("-", "").upper()
    if len(plain) != REFERRAL_CODE_LENGTH or not set(plain) <= set(REFERRAL_CODE_ALPHABET):
        return None
    return _grouped(plain)


@dataclass(frozen=True)
class Referrer:
    """The customer a referral names, as loyalty knows them from ``customer_created``."""

    customer_id: str
    prospect_id: str | None
    email: str | None


@dataclass(frozen=True)
class ReferralReward:
    """What a referrer earns for one converted prospect: ``reason`` says why, or why not."""

    points: int
    reason: str


def referral_reward(
    referrer: Referrer, prospect_id: str, email: str | None, reward_points: int
) -> ReferralReward:
    """The reward for referring ``prospect_id`` (with ``email``), which has just converted.

    Nothing when the referrer is the very person who converted (the customer the
    prospect became, or the same e-mail address), or when rewards are set to 0.
    """
    if reward_points < 0:
        raise ValueError(f"reward_points: {reward_points} is negative")
    same_email = bool(email and referrer.email and email.casefold() == referrer.email.casefold())
    if referrer.prospect_id == prospect_id or same_email:
        return ReferralReward(
            0, f"self-referral: customer {referrer.customer_id} is prospect {prospect_id}"
        )
    if reward_points == 0:
        return ReferralReward(0, "referral rewards are off (referral_reward_points is 0)")
    return ReferralReward(reward_points, f"referred prospect {prospect_id}, now a customer")


def refers_back(
    referrer: Referrer, prospect_id: str, referrer_of: Callable[[Referrer], Referrer | None]
) -> bool:
    """Whether rewarding ``referrer`` for ``prospect_id`` closes a loop of referrals.

    ``referrer_of(customer)`` is who was rewarded for referring that customer
    (None: nobody). A loop is the converted prospect found up the referrer's
    own chain: they referred (someone who referred...) the referrer.
    """
    seen: set[str] = set()
    current: Referrer | None = referrer
    while current is not None and len(seen) < REFERRAL_CHAIN_LIMIT:
        if current.customer_id in seen:
            return True
        seen.add(current.customer_id)
        current = referrer_of(current)
        if current is not None and current.prospect_id == prospect_id:
            return True
    return False
