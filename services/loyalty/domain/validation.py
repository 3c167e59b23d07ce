"""Checks on the numbers of the loyalty rules; each failure names the field it is about."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from clientela.checks import invalid, raise_problems, whole_number_problem


def require_whole(field: str, value: Any, minimum: int = 0) -> None:
    """Refuse a number of points, days or items that is not a whole one of at least ``minimum``."""
    raise_problems({field: whole_number_problem(value, minimum)})


def require_decimal(field: str, value: Any, minimum: Decimal = Decimal(0)) -> None:
    """Refuse a rate, amount or multiplier that is not a finite Decimal of at least ``minimum``."""
    if not isinstance(value, Decimal) or not value.is_finite() or value < minimum:
        raise invalid(field, f"Must be a decimal number, at least {minimum}.")
