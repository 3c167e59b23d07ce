"""Checks on the inputs of the services' rules; each failure names the field it is about.

Every failure is an :class:`~clientela.errors.InvalidInput` shaped as marshmallow
reports one (``{field: [message]}``), so a rule refusing its input reads to a
caller as a schema refusing it would.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
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
    """Refuse anything but a time-zone aware datetime: every instant in the rules is one."""
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise invalid(field, "Must be a time-zone aware datetime.")


def require_optional_aware(field: str, moment: Any) -> None:
    """As :func:`require_aware`, letting None (not happened yet) through."""
    if moment is not None:
        require_aware(field, moment)


def require_text(field: str, value: Any) -> None:
    """Refuse an empty or blank reference, name, reason or text."""
    if not isinstance(value, str) or not value.strip():
        raise invalid(field, "Must not be blank.")


def whole_number_problem(value: Any, minimum: int, unit: str | None = None) -> str | None:
    """What is wrong with ``value`` as a whole number (of ``unit``: days, months...) of at
    least ``minimum``; None if nothing. A bool is not a number here."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        of_unit = f" of {unit}" if unit else ""
        return f"Must be a whole number{of_unit}, at least {minimum}."
    return None
