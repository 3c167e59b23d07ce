"""Periods of time, the keys that name them, and calendar-month arithmetic, in UTC.

A period key names a UTC day (``2026-11-23``), month (``2026-11``), quarter
(``2026-Q4``) or year (``2026``): figures are grouped by the key of the instant
they are about, whatever the offset that instant was given in.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from clientela.checks import invalid, require_aware
from clientela.vocabulary import KPI_GRANULARITIES


@dataclass(frozen=True)
class Period:
    """The instants from ``start`` (included) to ``end`` (excluded); ``key`` names it when
    it was given by one (see :func:`parse_period`)."""

    start: datetime
    end: datetime
    key: str | None = None

    def __post_init__(self) -> None:
        require_aware("start", self.start)
        require_aware("end", self.end)
        if self.end <= self.start:
            raise invalid("end", "Must be after start.")

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def period_key(moment: datetime, by: str) -> str:
    """The key of the UTC day, month, quarter or year (``by``) ``moment`` falls in."""
    moment = moment.astimezone(UTC)
    if by == "day":
        return f"{moment.year}-{moment.month:02d}-{moment.day:02d}"
    if by == "month":
        return f"{moment.year}-{moment.month:02d}"
    if by == "quarter":
        return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"
    if by == "year":
        return str(moment.year)
    raise invalid("by", f"Must be one of: {', '.join(KPI_GRANULARITIES)}.")


def period_keys(moment: datetime) -> dict[str, str]:
    """The key of the period ``moment`` falls in by each granularity the indicators are
    reported by: 2026-11-23, 2026-11, 2026-Q4, 2026."""
    return {by: period_key(moment, by) for by in KPI_GRANULARITIES}


def shift_months(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months later (earlier when negative).

    A day the target month lacks becomes its last day: 12 months after
    2028-02-29 is 2029-02-28.
    """
    month_index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


_PERIOD_KEY = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?$")


def parse_period(key: str) -> Period:
    """The UTC year (``2026``), quarter (``2026-Q4``) or month (``2026-11``) ``key`` names."""
    found = _PERIOD_KEY.match(key.strip()) if isinstance(key, str) else None
    if not found or (found["month"] and not 1 <= int(found["month"]) <= 12):
        raise invalid("period", "Must be a year (2026), a quarter (2026-Q4) or a month (2026-11).")
    year = int(found["year"])
    if found["month"]:
        first_month, months = int(found["month"]), 1
    elif found["quarter"]:
        first_month, months = (int(found["quarter"]) - 1) * 3 + 1, 3
    else:
        first_month, months = 1, 12
    start = datetime(year, first_month, 1, tzinfo=UTC)
    return Period(start, shift_months(start, months), key.strip())
