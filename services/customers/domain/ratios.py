"""Percentages as the indicators report them."""

from __future__ import annotations


def percentage(part: int, whole: int) -> float | None:
    """``part`` / ``whole`` x 100 to two decimals; None when there is nothing to divide by."""
    return None if whole == 0 else round(part * 100 / whole, 2)
