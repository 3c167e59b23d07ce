"""Checks on the inputs of the feedback rules; each failure names the field it is about."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from clientela.errors import InvalidInput

E = TypeVar("E", bound=StrEnum)


def invalid(field: str, message: str) -> InvalidInput:
    """The error for one bad field, shaped as marshmallow reports it: ``{field: [message]}``."""
    return InvalidInput({field: [message]})


def require_aware(field: str, moment: Any) -> None:
    """Refuse anything but a time-zone aware datetime: every instant here is aware."""
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise invalid(field, "Must be a time-zone aware datetime.")


def require_optional_aware(field: str, moment: Any) -> None:
    """As :func:`require_aware`, letting None (not happened yet) through."""
    if moment is not None:
        require_aware(field, moment)


def require_text(field: str, value: Any) -> None:
    """Refuse an empty or blank reference, name or text."""
    if not isinstance(value, str) or not value.strip():
        raise invalid(field, "Must not be blank.")


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
