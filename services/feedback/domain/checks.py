"""Checks only the feedback rules make (score ranges, the order of instants, choices)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from clientela.checks import invalid

E = TypeVar("E", bound=StrEnum)


def require_whole(field: str, value: Any, low: int, high: int) -> int:
    """``value`` when it is a whole number from ``low`` to ``high``, else InvalidInput."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid(field, f"Must be a whole number from {low} to {high}.")
    return value


def require_not_before(
    field: str, moment: datetime, earliest: datetime, earliest_name: str
) -> None:
    """Refuse an instant before the one it follows (a response before the complaint...)."""
    if moment < earliest:
        raise invalid(field, f"Must not be before {earliest_name}.")


def require_choice(field: str, value: Any, choices: type[E]) -> E:
    """``value`` as a member of ``choices`` (which it may name as text), else InvalidInput."""
    try:
        return choices(value)
    except ValueError:
        raise invalid(field, f"Must be one of: {', '.join(choices)}.") from None
