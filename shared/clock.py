"""The platform's notion of now: UTC, at the millisecond precision MongoDB stores."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utcnow() -> datetime:
    """The current UTC time, truncated to milliseconds so stored and returned times agree."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def time_zone(name: str) -> ZoneInfo:
    """The IANA time zone called ``name`` (``Europe/Madrid``, ``America/Mexico_City``, ``UTC``).

    ValueError saying what is expected when there is no such zone.
    """
    try:
        return ZoneInfo(name.strip())
    except (ValueError, ZoneInfoNotFoundError, OSError):
        raise ValueError(
            f"{name!r} is not a time zone: use an IANA name such as Europe/Madrid or UTC"
        ) from None
