"""Periods of time, the keys that name them, and calendar-month arithmetic, in UTC.

A period key names a UTC day (``2026-11-23``), ISO week (``2026-W48``, Monday to
Sunday, numbered in its ISO year), month (``2026-11``), quarter (``2026-Q4``) or
year (``2026``): figures are grouped by the key of the instant they are about,
whatever the offset that instant was given in.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from clientela.checks import invalid, require_aware
from clientela.errors import InvalidInput
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
    """The key of the UTC day, ISO week, month, quarter or year (``by``) ``moment`` falls in."""
    moment = moment.astimezone(UTC)
    if by == "day":
        return f"{moment.year}-{moment.month:02d}-{moment.day:02d}"
    if by == "week":
        week = moment.isocalendar()
        return f"{week.year}-W{week.week:02d}"
    if by == "month":
        return f"{moment.year}-{moment.month:02d}"
    if by == "quarter":
        return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"
    if by == "year":
        return str(moment.year)
    raise invalid("by", f"Must be one of: {', '.join(KPI_GRANULARITIES)}.")


def period_keys(moment: datetime) -> dict[str, str]:
    """The key of the period ``moment`` falls in by each granularity the indicators are
    reported by: 2026-11-23, 2026-W48, 2026-11, 2026-Q4, 2026."""
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


_PERIOD_KEY = re.compile(
    r"^(?P<year>\d{4})"
    r"(?:-(?:(?P<month>\d{2})(?:-(?P<day>\d{2}))?|Q(?P<quarter>[1-4])|W(?P<week>\d{2})))?$"
)

_MONTHS = {"month": 1, "quarter": 3, "year": 12}
"""How many calendar months a period of each month-based granularity spans."""


def parse_period(key: str) -> Period:
    """The UTC year (``2026``), quarter (``2026-Q4``), month (``2026-11``), ISO week
    (``2026-W48``) or day (``2026-11-23``) ``key`` names."""
    found = _PERIOD_KEY.match(key.strip()) if isinstance(key, str) else None
    try:
        if not found:
            raise ValueError(key)
        start, length = _span(found)
    except ValueError:
        raise invalid(
            "period",
            "Must be a year (2026), a quarter (2026-Q4), a month (2026-11), "
            "an ISO week (2026-W48) or a day (2026-11-23).",
        ) from None
    end = start + length if isinstance(length, timedelta) else shift_months(start, length)
    return Period(start, end, key.strip())


def _span(found: re.Match[str]) -> tuple[datetime, timedelta | int]:
    """The start of the period a matched key names and its length (days, or months);
    ValueError for a day or week its year lacks."""
    year = int(found["year"])
    if found["week"]:
        first = date.fromisocalendar(year, int(found["week"]), 1)
        return datetime(first.year, first.month, first.day, tzinfo=UTC), timedelta(weeks=1)
    if found["day"]:
        day = datetime(year, int(found["month"]), int(found["day"]), tzinfo=UTC)
        return day, timedelta(days=1)
    if found["month"]:
        return datetime(year, int(found["month"]), 1, tzinfo=UTC), _MONTHS["month"]
    if found["quarter"]:
        first_month = (int(found["quarter"]) - 1) * 3 + 1
        return datetime(year, first_month, 1, tzinfo=UTC), _MONTHS["quarter"]
    return datetime(year, 1, 1, tzinfo=UTC), _MONTHS["year"]


def shift_period(key: str, by: str, count: int) -> str:
    """The key of the ``by`` period ``count`` periods after the one ``key`` names (before
    it when negative): ``shift_period("2026-W01", "week", -1)`` is ``2025-W52``."""
    start = parse_period(key).start
    if by == "day":
        return period_key(start + timedelta(days=count), by)
    if by == "week":
        return period_key(start + timedelta(weeks=count), by)
    if by not in _MONTHS:
        raise invalid("by", f"Must be one of: {', '.join(KPI_GRANULARITIES)}.")
    return period_key(shift_months(start, count * _MONTHS[by]), by)


def year_before(key: str) -> str | None:
    """The key of the same period a year earlier: the same day, ISO week, month, quarter
    (``2025-Q4`` for ``2026-Q4``); None when that year has no such period (29 February,
    week 53)."""
    earlier = f"{int(key.strip()[:4]) - 1}{key.strip()[4:]}"
    try:
        parse_period(earlier)
    except InvalidInput:
        return None
    return earlier
