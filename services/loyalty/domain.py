"""Loyalty rules in plain Python."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal


def points_for_purchase(amount: Decimal, points_per_unit: float) -> int:
    """Points a purchase earns: ``points_per_unit`` per whole currency unit, rounded down."""
    if amount < 0:
        raise ValueError(f"amount: {amount} is negative")
    return int((amount * Decimal(str(points_per_unit))).to_integral_value(rounding=ROUND_FLOOR))
