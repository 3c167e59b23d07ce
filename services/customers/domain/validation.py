"""Checks on the inputs of the customer rules; each failure names the field it is about."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from clientela.errors import InvalidInput


def invalid(field: str, message: str) -> InvalidInput:
    """The error for one bad field, shaped as marshmallow reports it: ``{field: [message]}``."""
    return InvalidInput({field: [message]})


def require_aware(field: str, moment: datetime) -> None:
    """Refuse a naive datetime: every instant in the customer rules is time-zone aware."""
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise invalid(field, "Must be a time-zone aware datetime.")


def require_optional_aware(field: str, moment: datetime | None) -> None:
    """As :func:`require_aware`, letting None (not happened yet) through."""
    if moment is not None:
        require_aware(field, moment)


def raise_problems(problems: Mapping[str, str | None]) -> None:
    """Raise one InvalidInput naming every field whose problem is not None."""
    errors = {field: [problem] for field, problem in problems.items() if problem}
    if errors:
        raise InvalidInput(errors)


def amount_problem(amount: Any) -> str | None:
    """What is wrong with money that is not a finite, non-negative Decimal; None if nothing."""
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
        return "Must be a non-negative decimal amount."
    return None


def require_amount(field: str, amount: Decimal) -> None:
    """Refuse money that is not a finite, non-negative Decimal."""
    raise_problems({field: amount_problem(amount)})


def count_problem(value: Any, unit: str, minimum: int = 1) -> str | None:
    """What is wrong with a number of ``unit`` (days, months) that is not a whole one of at
    least ``minimum``; None if nothing."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        return f"Must be a whole number of {unit}, at least {minimum}."
    return None


def require_text(field: str, value: str) -> None:
    """Refuse an empty or blank reference, name or reason."""
    if not isinstance(value, str) or not value.strip():
        raise invalid(field, "Must not be blank.")
