"""Receivables (seed 003 s9, "cartera vencida"): ageing of what is owed, and collection term.

Days overdue are counted in whole UTC calendar days from the due date to the
"as of" date: an invoice due on 1 March is current on 1 March, 1 day overdue
on 2 March, and 31 days overdue on 1 April.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

from clientela.checks import raise_problems, require_aware, require_optional_aware, require_text
from clientela.services.customers.domain.validation import require_amount


class AgeingBucket(StrEnum):
    """How overdue a receivable is."""

    CURRENT = "current"
    DAYS_1_30 = "1-30"
    DAYS_31_60 = "31-60"
    DAYS_61_90 = "61-90"
    OVER_90 = "over_90"


def bucket_for(days_overdue: int) -> AgeingBucket:
    """The bucket of a receivable ``days_overdue`` days past due (zero or less: not yet due)."""
    if days_overdue <= 0:
        return AgeingBucket.CURRENT
    if days_overdue <= 30:
        return AgeingBucket.DAYS_1_30
    if days_overdue <= 60:
        return AgeingBucket.DAYS_31_60
    if days_overdue <= 90:
        return AgeingBucket.DAYS_61_90
    return AgeingBucket.OVER_90


def utc_date(moment: datetime) -> date:
    """The UTC calendar day of ``moment``."""
    return moment.astimezone(UTC).date()


@dataclass(frozen=True)
class Invoice:
    """An invoice to a customer, paid in full at ``paid_at`` (None: unpaid)."""

    invoice_ref: str
    customer_ref: str
    amount: Decimal
    issued_at: datetime
    due_at: datetime
    paid_at: datetime | None = None

    def __post_init__(self) -> None:
        require_text("invoice_ref", self.invoice_ref)
        require_text("customer_ref", self.customer_ref)
        require_amount("amount", self.amount)
        require_aware("issued_at", self.issued_at)
        require_aware("due_at", self.due_at)
        require_optional_aware("paid_at", self.paid_at)
        raise_problems(
            {
                "due_at": "Must not be before issued_at." if self.due_at < self.issued_at else None,
                "paid_at": "Must not be before issued_at."
                if self.paid_at is not None and self.paid_at < self.issued_at
                else None,
            }
        )

    def outstanding_on(self, day: date) -> bool:
        """Whether the invoice is owed at the end of ``day``: issued by then, not yet paid."""
        return utc_date(self.issued_at) <= day and (
            self.paid_at is None or utc_date(self.paid_at) > day
        )

    def days_overdue(self, day: date) -> int:
        """Whole days from the due date to ``day``; zero or less when not yet overdue."""
        return (day - utc_date(self.due_at)).days


@dataclass
class BucketTotal:
    """The receivables in one bucket: how many and how much."""

    count: int = 0
    amount: Decimal = Decimal(0)


@dataclass
class Ageing:
    """Outstanding receivables by bucket, every bucket present, in bucket order."""

    as_of: date
    buckets: dict[AgeingBucket, BucketTotal] = field(
        default_factory=lambda: {bucket: BucketTotal() for bucket in AgeingBucket}
    )

    @property
    def total(self) -> Decimal:
        """Everything outstanding."""
        return sum((bucket.amount for bucket in self.buckets.values()), Decimal(0))

    @property
    def overdue(self) -> Decimal:
        """Everything outstanding past its due date."""
        return self.total - self.buckets[AgeingBucket.CURRENT].amount

    def add(self, invoice: Invoice) -> None:
        """Count ``invoice`` in its bucket."""
        total = self.buckets[bucket_for(invoice.days_overdue(self.as_of))]
        total.count += 1
        total.amount += invoice.amount


def ageing(invoices: Iterable[Invoice], as_of: date) -> Ageing:
    """The ageing of the invoices outstanding at the end of ``as_of``."""
    result = Ageing(as_of)
    for invoice in invoices:
        if invoice.outstanding_on(as_of):
            result.add(invoice)
    return result


def ageing_by_customer(invoices: Iterable[Invoice], as_of: date) -> dict[str, Ageing]:
    """:func:`ageing` per customer; customers owing nothing at ``as_of`` are absent."""
    result: dict[str, Ageing] = {}
    for invoice in invoices:
        if invoice.outstanding_on(as_of):
            result.setdefault(invoice.customer_ref, Ageing(as_of)).add(invoice)
    return result


def collection_term(invoices: Iterable[Invoice]) -> float | None:
    """Average whole days from issue to payment over the paid invoices, to two decimals.

    None when no invoice was paid.
    """
    days = [
        (utc_date(invoice.paid_at) - utc_date(invoice.issued_at)).days
        for invoice in invoices
        if invoice.paid_at is not None
    ]
    return round(statistics.fmean(days), 2) if days else None
