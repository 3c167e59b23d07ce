"""The platform's notion of now: UTC, at the millisecond precision MongoDB stores."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current UTC time, truncated to milliseconds so stored and returned times agree."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
