"""The loyalty programme as the service runs it: its tiers, earn rules and rewards."""

from __future__ import annotations

from decimal import Decimal

from clientela.services.loyalty.domain.earning import EarnRules
from clientela.services.loyalty.domain.rewards import Reward, RewardsCatalogue
from clientela.services.loyalty.domain.tiers import DEFAULT_LADDER

LADDER = DEFAULT_LADDER
"""Bronze from 0, silver from 1,000, gold from 5,000 points earned in 12 months."""

CATALOGUE = RewardsCatalogue(
    [
        Reward("COFFEE", "A coffee on the house", 150),
        Reward("VOUCHER-100", "Voucher of 100 on the next purchase", 1_000),
        Reward("VOUCHER-500", "Voucher of 500 on the next purchase", 4_500, min_tier="silver"),
        Reward("VIP-DAY", "A day with the team, all expenses paid", 9_000, min_tier="gold"),
    ],
    LADDER,
)
"""The rewards points can be redeemed for."""


def earn_rules(points_per_currency_unit: float) -> EarnRules:
    """The earn rules with the configured default rate (``points_per_currency_unit``)."""
    return EarnRules(points_per_currency_unit=Decimal(str(points_per_currency_unit)))
