"""Calendar arithmetic and periods of the loyalty rules, in UTC."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from clientela.services.loyalty.domain.validation import invalid, require_aware


def shift_months(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months later (earlier when negative).

    A day the target month lacks becomes its last day: 12 months after
    2028-02-29 is 2029-02-28.
    """
    month_index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@dataclass(frozen=True)
class Period:
    """The instants from ``start`` (included) to ``end`` (excluded), named by ``key``."""

    key: str
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        require_aware("start", self.start)
        require_aware("end", self.end)
        if self.end <= self.start:
            raise invalid("end", "Must be after start.")

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


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
    return Period(key.strip(), start, shift_months(start, months))
