"""Relationship level (seed 004): longevity, scope, depth and referral."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from clientela.checks import (
    invalid,
    raise_problems,
    require_aware,
    require_optional_aware,
    whole_number_problem,
)
from clientela.figures import percentage
from clientela.periods import shift_months
from clientela.services.customers.domain.purchases import Purchase
from clientela.services.customers.domain.validation import amount_problem

DEFAULT_WALLET_MONTHS = 12


@dataclass(frozen=True)
class NpsAnswer:
    """A customer's answer to "how likely are you to recommend us?" (0-10)."""

    score: int
    answered_at: datetime

    def __post_init__(self) -> None:
        score = self.score
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
            raise invalid("score", "Must be a whole number from 0 to 10.")
        require_aware("answered_at", self.answered_at)


@dataclass(frozen=True)
class RelationshipFacts:
    """What is known of one customer's relationship with us.

    ``purchases`` are the customer's; ``offered_lines`` the product lines on
    offer; ``declared_spend`` the customer's own figure for what they spend a
    year in our category, ``estimated_spend`` ours (used when none is
    declared); ``referrals_converted`` the prospects they referred who became
    customers.
    """

    customer_since: datetime
    purchases: tuple[Purchase, ...] = ()
    offered_lines: Collection[str] = ()
    declared_spend: Decimal | None = None
    estimated_spend: Decimal | None = None
    nps_answers: tuple[NpsAnswer, ...] = ()
    referrals_converted: int = 0
    lost_at: datetime | None = None

    def __post_init__(self) -> None:
        require_aware("customer_since", self.customer_since)
        require_optional_aware("lost_at", self.lost_at)
        raise_problems(
            {
                "declared_spend": None
                if self.declared_spend is None
                else amount_problem(self.declared_spend),
                "estimated_spend": None
                if self.estimated_spend is None
                else amount_problem(self.estimated_spend),
                "referrals_converted": whole_number_problem(
                    self.referrals_converted, 0, "referrals"
                ),
            }
        )


@dataclass(frozen=True)
class RelationshipLevel:
    """The four criteria of the relationship level at one moment.

    ``longevity_days``: whole days as a customer (up to being lost, if lost);
    ``scope_pct``: product lines bought of those offered x 100;
    ``share_of_wallet_pct``: purchase value in the last 12 months / the year's
    category spend x 100, at most 100 (None when no spend is known or it is
    zero), with ``spend_source`` saying whether that spend was declared or
    estimated; ``latest_nps``: the latest answer's score (None: never
    answered); ``referrals_converted``.
    """

    longevity_days: int
    product_lines_used: int
    product_lines_offered: int
    scope_pct: float | None
    share_of_wallet_pct: float | None
    spend_source: str | None
    latest_nps: int | None
    referrals_converted: int


def _share_pct(part: Decimal, whole: Decimal) -> float:
    return float(round(min(part / whole, Decimal(1)) * 100, 2))


def relationship_level(
    facts: RelationshipFacts, as_of: datetime, wallet_months: int = DEFAULT_WALLET_MONTHS
) -> RelationshipLevel:
    """The relationship level at ``as_of``; purchases and answers after it are ignored.

    Share of wallet compares the last ``wallet_months`` of purchases with the
    yearly spend scaled to those months. Product lines bought that are no
    longer offered do not count towards scope.
    """
    require_aware("as_of", as_of)
    raise_problems({"wallet_months": whole_number_problem(wallet_months, 1, "months")})
    until = min(as_of, facts.lost_at) if facts.lost_at is not None else as_of
    purchases = [p for p in facts.purchases if p.purchased_at <= as_of]
    offered = set(facts.offered_lines)
    used = {p.product_line for p in purchases} & offered
    wallet_since = shift_months(as_of, -wallet_months)
    bought = sum((p.amount for p in purchases if p.purchased_at > wallet_since), Decimal(0))
    if facts.declared_spend is not None:
        spend, source = facts.declared_spend, "declared"
    elif facts.estimated_spend is not None:
        spend, source = facts.estimated_spend, "estimated"
    else:
        spend, source = Decimal(0), None
    spend = spend * wallet_months / 12
    answers = [a for a in facts.nps_answers if a.answered_at <= as_of]
    latest = max(answers, key=lambda answer: answer.answered_at) if answers else None
    return RelationshipLevel(
        longevity_days=max(0, (until - facts.customer_since).days),
        product_lines_used=len(used),
        product_lines_offered=len(offered),
        scope_pct=percentage(len(used), len(offered)),
        share_of_wallet_pct=_share_pct(bought, spend) if spend else None,
        spend_source=source,
        latest_nps=latest.score if latest else None,
        referrals_converted=facts.referrals_converted,
    )
