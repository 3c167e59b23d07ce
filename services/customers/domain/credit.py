"""Credit on the four bases (seed 003 s7): capacity, integrity, capital and conditions.

The credit limit is::

    limit = min(capacity x term_months, capital x capital_cover)
            x INTEGRITY_FACTOR[integrity] x CONDITIONS_FACTOR[conditions]

rounded down to the cent. Capacity bounds what the customer can repay
within the term; capital bounds what their net worth backs (``capital_cover``,
half by default); integrity scales it down to nothing for a customer who has
not kept their word; and conditions (the customer's sector and the economy)
take off up to half. Amounts are in one currency, the limit's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from clientela.checks import raise_problems, whole_number_problem
from clientela.services.customers.domain.validation import amount_problem

RATINGS = range(1, 6)
INTEGRITY_FACTOR = {
    1: Decimal(0),
    2: Decimal("0.25"),
    3: Decimal("0.5"),
    4: Decimal("0.75"),
    5: Decimal(1),
}
"""Rating 1 (defaulted, dishonest) to 5 (spotless payment record)."""
CONDITIONS_FACTOR = {
    1: Decimal("0.5"),
    2: Decimal("0.625"),
    3: Decimal("0.75"),
    4: Decimal("0.875"),
    5: Decimal(1),
}
"""Rating 1 (hostile market) to 5 (favourable)."""
DEFAULT_CAPITAL_COVER = Decimal("0.5")
CENT = Decimal("0.01")


def _rating_problem(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value not in RATINGS:
        return "Must be a whole rating from 1 to 5."
    return None


@dataclass(frozen=True)
class CreditAssessment:
    """An assessment of one customer on the four bases.

    ``capacity``: what the customer can pay per month from their income once
    their commitments are met; ``integrity``: rating 1-5 of their honesty and
    payment record; ``capital``: their net worth; ``conditions``: rating 1-5 of
    the economic and sector conditions they work in; ``term_months``: the
    payment term being granted; ``capital_cover``: the share of capital that
    may back the credit.
    """

    capacity: Decimal
    integrity: int
    capital: Decimal
    conditions: int
    term_months: int = 1
    capital_cover: Decimal = DEFAULT_CAPITAL_COVER

    def __post_init__(self) -> None:
        raise_problems(
            {
                "capacity": amount_problem(self.capacity),
                "integrity": _rating_problem(self.integrity),
                "capital": amount_problem(self.capital),
                "conditions": _rating_problem(self.conditions),
                "term_months": whole_number_problem(self.term_months, 1, "months"),
                "capital_cover": None
                if isinstance(self.capital_cover, Decimal) and 0 <= self.capital_cover <= 1
                else "Must be a decimal share from 0 to 1.",
            }
        )

    @property
    def credit_limit(self) -> Decimal:
        """The limit the module docstring's formula gives, rounded down to the cent."""
        base = min(self.capacity * self.term_months, self.capital * self.capital_cover)
        limit = base * INTEGRITY_FACTOR[self.integrity] * CONDITIONS_FACTOR[self.conditions]
        return limit.quantize(CENT, rounding=ROUND_DOWN)


@dataclass(frozen=True)
class OverLimit:
    """A purchase or invoice that would take the customer's exposure over their limit."""

    limit: Decimal
    exposure: Decimal
    excess: Decimal


def over_limit(limit: Decimal, outstanding: Decimal, amount: Decimal) -> OverLimit | None:
    """The flag for a new purchase or invoice of ``amount`` when ``outstanding`` is owed already.

    Flagged when the exposure (outstanding + amount) exceeds ``limit``;
    reaching the limit exactly is within it. None when within the limit.
    """
    raise_problems(
        {
            "limit": amount_problem(limit),
            "outstanding": amount_problem(outstanding),
            "amount": amount_problem(amount),
        }
    )
    exposure = outstanding + amount
    if exposure <= limit:
        return None
    return OverLimit(limit=limit, exposure=exposure, excess=exposure - limit)
