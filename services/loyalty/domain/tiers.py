"""Tiers: what a customer's recent points make them, and when that changes.

A customer's tier is the highest whose threshold the points earned in the
rolling window (by default the last 12 months) reach. Points earned, not
held: redeeming does not cost a customer their tier; time does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from clientela.checks import invalid, require_aware, require_text
from clientela.periods import shift_months
from clientela.services.loyalty.domain.journal import PointsJournal
from clientela.services.loyalty.domain.validation import require_decimal, require_whole

DEFAULT_WINDOW_MONTHS = 12


@dataclass(frozen=True)
class Tier:
    """A tier, reached from ``threshold`` points earned in the window.

    Its benefits: ``multiplier`` on the points purchases earn, and the rewards
    the catalogue opens to it (``RewardsCatalogue.open_to``).
    """

    name: str
    threshold: int
    multiplier: Decimal = Decimal(1)

    def __post_init__(self) -> None:
        require_text("name", self.name)
        require_whole("threshold", self.threshold)
        require_decimal("multiplier", self.multiplier, minimum=Decimal(1))


class TierLadder:
    """The tiers from lowest to highest; the lowest starts at 0 points, and a higher tier
    never multiplies points less than a lower one."""

    def __init__(self, tiers: Sequence[Tier], window_months: int = DEFAULT_WINDOW_MONTHS) -> None:
        if not tiers or tiers[0].threshold != 0:
            raise invalid("tiers", "The lowest tier must start at 0 points.")
        thresholds = [tier.threshold for tier in tiers]
        if thresholds != sorted(set(thresholds)):
            raise invalid("tiers", "Thresholds must rise from one tier to the next.")
        multipliers = [tier.multiplier for tier in tiers]
        if multipliers != sorted(multipliers):
            # a purchase repriced when an earlier one raises its tier may only gain points
            raise invalid("tiers", "Multipliers must not fall from one tier to the next.")
        if len({tier.name for tier in tiers}) != len(tiers):
            raise invalid("tiers", "Tier names must differ.")
        require_whole("window_months", window_months, minimum=1)
        self.tiers = tuple(tiers)
        self.window_months = window_months

    def tier_for(self, points: int) -> Tier:
        """The highest tier ``points`` earned in the window reach."""
        return [tier for tier in self.tiers if tier.threshold <= points][-1]

    def named(self, name: str) -> Tier:
        """The tier called ``name``; InvalidInput naming ``tier`` when there is none."""
        for tier in self.tiers:
            if tier.name == name:
                return tier
        raise invalid("tier", f"No tier is called {name!r}.")

    def rank(self, name: str) -> int:
        """The position of tier ``name`` on the ladder, 0 for the lowest."""
        return self.tiers.index(self.named(name))

    def reaches(self, name: str, required: str) -> bool:
        """Whether tier ``name`` is ``required`` or above it."""
        return self.rank(name) >= self.rank(required)

    def points_in_window(self, journal: PointsJournal, as_of: datetime) -> int:
        """Points ``journal`` earned in the window ending at ``as_of``."""
        require_aware("as_of", as_of)
        return journal.earned_between(shift_months(as_of, -self.window_months), as_of)


DEFAULT_LADDER = TierLadder(
    [
        Tier("bronze", 0),
        Tier("silver", 1_000, Decimal("1.25")),
        Tier("gold", 5_000, Decimal("1.5")),
    ]
)
"""Bronze from 0, silver from 1,000 and gold from 5,000 points earned in 12 months."""


class TierMove(StrEnum):
    """Which way a tier change goes."""

    UPGRADE = "upgrade"
    DOWNGRADE = "downgrade"


@dataclass(frozen=True)
class TierChange:
    """A customer moving ``from_tier`` (None: had none yet) ``to_tier`` at ``at``."""

    customer_id: str
    from_tier: str | None
    to_tier: str
    move: TierMove
    points_in_window: int
    at: datetime


def tier_change(
    journal: PointsJournal,
    current: str | None,
    as_of: datetime,
    ladder: TierLadder = DEFAULT_LADDER,
) -> TierChange | None:
    """The change of tier due at ``as_of`` for a customer now in ``current``; None if none.

    A customer with no tier yet gets one (an upgrade into the lowest tier too),
    so every customer's first tier is announced.
    """
    points = ladder.points_in_window(journal, as_of)
    due = ladder.tier_for(points)
    if current == due.name:
        return None
    move = TierMove.UPGRADE
    if current is not None and ladder.rank(current) > ladder.rank(due.name):
        move = TierMove.DOWNGRADE
    return TierChange(journal.customer_id, current, due.name, move, points, as_of)
