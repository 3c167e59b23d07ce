"""Earn rules: how many points a purchase earns.

Each purchase line earns its amount times the rate of its product line
(``points_per_currency_unit`` when the line has no rate of its own), times
the customer's tier multiplier, times the multiplier of the best campaign
running for that line when the purchase was made. Campaigns do not stack:
two running at once give the larger multiplier, not their product. The
total is rounded down once, so no line loses its fraction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

from clientela.checks import invalid, require_aware, require_text
from clientela.services.loyalty.domain.validation import require_decimal

ONE = Decimal(1)


@dataclass(frozen=True)
class Campaign:
    """A promotion multiplying the points of purchases from ``starts_at`` (included) to
    ``ends_at`` (excluded), on the listed ``product_lines`` or, when none are listed, on all."""

    name: str
    starts_at: datetime
    ends_at: datetime
    multiplier: Decimal
    product_lines: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        require_text("name", self.name)
        require_aware("starts_at", self.starts_at)
        require_aware("ends_at", self.ends_at)
        if self.ends_at <= self.starts_at:
            raise invalid("ends_at", "Must be after starts_at.")
        require_decimal("multiplier", self.multiplier, minimum=ONE)

    def applies(self, product_line: str, at: datetime) -> bool:
        """Whether a purchase of ``product_line`` made at ``at`` is in this campaign."""
        in_dates = self.starts_at <= at < self.ends_at
        return in_dates and (not self.product_lines or product_line in self.product_lines)


@dataclass(frozen=True)
class EarnRules:
    """The programme's earn settings: the default rate, rates by product line, campaigns."""

    points_per_currency_unit: Decimal = ONE
    product_line_rates: Mapping[str, Decimal] = field(default_factory=dict)
    campaigns: tuple[Campaign, ...] = ()

    def __post_init__(self) -> None:
        require_decimal("points_per_currency_unit", self.points_per_currency_unit)
        for line, rate in self.product_line_rates.items():
            require_decimal(f"product_line_rates.{line}", rate)

    def rate_for(self, product_line: str) -> Decimal:
        """Points per currency unit on ``product_line``."""
        return self.product_line_rates.get(product_line, self.points_per_currency_unit)

    def campaign_multiplier(self, product_line: str, at: datetime) -> Decimal:
        """The multiplier of the best campaign for ``product_line`` at ``at``; 1 if none."""
        running = [c.multiplier for c in self.campaigns if c.applies(product_line, at)]
        return max(running, default=ONE)


@dataclass(frozen=True)
class PurchaseLine:
    """One line of a purchase: what product line, for how much money."""

    product_line: str
    amount: Decimal

    def __post_init__(self) -> None:
        require_decimal("amount", self.amount)


def purchase_points(
    lines: Iterable[PurchaseLine],
    at: datetime,
    rules: EarnRules,
    tier_multiplier: Decimal = ONE,
) -> int:
    """Points a purchase made at ``at`` earns, rounded down once for the whole purchase."""
    require_aware("at", at)
    require_decimal("tier_multiplier", tier_multiplier)
    exact = sum(
        (
            line.amount
            * rules.rate_for(line.product_line)
            * rules.campaign_multiplier(line.product_line, at)
            for line in lines
        ),
        Decimal(0),
    )
    return int((exact * tier_multiplier).to_integral_value(rounding=ROUND_FLOOR))
