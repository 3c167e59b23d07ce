"""Checks on the inputs of the loyalty rules; each failure names the field it is about."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from clientela.errors import InvalidInput


def invalid(field: str, message: str) -> InvalidInput:
    """The error for one bad field, shaped as marshmallow reports it: ``{field: [message]}``."""
    return InvalidInput({field: [message]})


def raise_problems(problems: Mapping[str, str | None]) -> None:
    """Raise one InvalidInput naming every field whose problem is not None."""
    errors = {field: [problem] for field, problem in problems.items() if problem}
    if errors:
        raise InvalidInput(errors)


def require_aware(field: str, moment: Any) -> None:
    """Refuse anything but a time-zone aware datetime: every instant here is one."""
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise invalid(field, "Must be a time-zone aware datetime.")


def require_text(field: str, value: Any) -> None:
    """Refuse an empty or blank reference, name or reason."""
    if not isinstance(value, str) or not value.strip():
        raise invalid(field, "Must not be blank.")


def whole_number_problem(value: Any, minimum: int) -> str | None:
    """What is wrong with ``value`` as a whole number of at least ``minimum``; None if nothing."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        return f"Must be a whole number, at least {minimum}."
    return None


def require_whole(field: str, value: Any, minimum: int = 0) -> None:
    """Refuse a number of points, days or items that is not a whole one of at least ``minimum``."""
    raise_problems({field: whole_number_problem(value, minimum)})


def require_decimal(field: str, value: Any, minimum: Decimal = Decimal(0)) -> None:
    """Refuse a rate, amount or multiplier that is not a finite Decimal of at least ``minimum``."""
    if not isinstance(value, Decimal) or not value.is_finite() or value < minimum:
        raise invalid(field, f"Must be a decimal number, at least {minimum}.")
