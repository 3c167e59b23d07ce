"""Checks on the money the customer rules take; each failure names the field it is about."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from clientela.checks import raise_problems


def amount_problem(amount: Any) -> str | None:
    """What is wrong with money that is not a finite, non-negative Decimal; None if nothing."""
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
        return "Must be a non-negative decimal amount."
    return None


def require_amount(field: str, amount: Decimal) -> None:
    """Refuse money that is not a finite, non-negative Decimal."""
    raise_problems({field: amount_problem(amount)})
