"""Purchases and what a customer's purchases add up to: value, volume, recency, product lines."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from clientela.checks import require_aware, require_text
from clientela.services.customers.domain.validation import require_amount


@dataclass(frozen=True)
class Purchase:
    """One purchase by a customer; ``amount`` in the customer's currency."""

    customer_ref: str
    amount: Decimal
    purchased_at: datetime
    product_line: str = ""

    def __post_init__(self) -> None:
        require_text("customer_ref", self.customer_ref)
        require_amount("amount", self.amount)
        require_aware("purchased_at", self.purchased_at)


@dataclass
class PurchaseSummary:
    """One customer's purchases in a window: how many, their value, first, last, product lines."""

    count: int = 0
    value: Decimal = Decimal(0)
    first_at: datetime | None = None
    last_at: datetime | None = None
    product_lines: set[str] = field(default_factory=set)

    def add(self, purchase: Purchase) -> None:
        """Count ``purchase`` in."""
        self.count += 1
        self.value += purchase.amount
        at = purchase.purchased_at
        if self.first_at is None or at < self.first_at:
            self.first_at = at
        if self.last_at is None or at > self.last_at:
            self.last_at = at
        if purchase.product_line:
            self.product_lines.add(purchase.product_line)


def summarise_by_customer(
    purchases: Iterable[Purchase], until: datetime | None = None, since: datetime | None = None
) -> dict[str, PurchaseSummary]:
    """Each customer's purchases made after ``since`` and up to ``until`` (None: no bound).

    Customers with no purchase in the window are absent.
    """
    summaries: dict[str, PurchaseSummary] = {}
    for purchase in purchases:
        at = purchase.purchased_at
        if (until is None or at <= until) and (since is None or at > since):
            summaries.setdefault(purchase.customer_ref, PurchaseSummary()).add(purchase)
    return summaries
