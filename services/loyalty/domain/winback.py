"""Win-back: what lost customers were worth, campaigns aimed at them, who came back.

A customer marked lost is worth what they bought before they were lost. A
campaign is named and dated and targets lost customers; a targeted customer
who buys again while it runs (from its start to its end) is won back by it.
A lost customer buying again outside any campaign is won back all the same,
by nobody's campaign.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from clientela.checks import invalid, require_aware, require_text
from clientela.services.loyalty.domain.facts import Purchase


@dataclass(frozen=True)
class PastValue:
    """What a customer bought before they were lost: the total and how many purchases."""

    total: Decimal
    purchases: int


def past_value(purchases: Iterable[Purchase], lost_at: datetime) -> PastValue:
    """The value of the ``purchases`` made before ``lost_at``."""
    require_aware("lost_at", lost_at)
    before = [purchase.amount for purchase in purchases if purchase.at <= lost_at]
    return PastValue(sum(before, Decimal(0)), len(before))


@dataclass(frozen=True)
class Campaign:
    """A win-back campaign: ``name``, running from ``starts_at`` to ``ends_at``, aimed at
    the ``targeted`` lost customers."""

    campaign_id: str
    name: str
    starts_at: datetime
    ends_at: datetime
    targeted: tuple[str, ...]

    def __post_init__(self) -> None:
        require_text("campaign_id", self.campaign_id)
        require_text("name", self.name)
        require_aware("starts_at", self.starts_at)
        require_aware("ends_at", self.ends_at)
        if self.ends_at <= self.starts_at:
            raise invalid("ends_at", "Must be after the campaign starts.")
        if not self.targeted:
            raise invalid("targeted", "A campaign targets at least one lost customer.")
        if len(set(self.targeted)) != len(self.targeted):
            raise invalid("targeted", "A customer is targeted once.")

    def wins_back(self, bought_at: datetime) -> bool:
        """Whether a targeted customer buying at ``bought_at`` is won back by the campaign."""
        return self.starts_at <= bought_at <= self.ends_at


def won_back(lost_at: datetime | None, bought_at: datetime) -> bool:
    """Whether a purchase at ``bought_at`` wins back a customer lost at ``lost_at`` (None:
    not lost)."""
    return lost_at is not None and bought_at > lost_at
