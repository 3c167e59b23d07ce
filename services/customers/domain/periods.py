"""Periods the customer figures are computed over, in UTC."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime

from clientela.services.customers.domain.validation import invalid, require_aware

CENSUS_GRANULARITIES = ("month", "quarter", "year")


@dataclass(frozen=True)
class Period:
    """The instants from ``start`` (included) to ``end`` (excluded)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        require_aware("start", self.start)
        require_aware("end", self.end)
        if self.end <= self.start:
            raise invalid("end", "Must be after start.")

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def require_granularity(by: str) -> None:
    """Refuse a granularity other than month, quarter or year."""
    if by not in CENSUS_GRANULARITIES:
        raise invalid("by", f"Must be one of: {', '.join(CENSUS_GRANULARITIES)}.")


def period_key(moment: datetime, by: str) -> str:
    """The UTC month (``2026-11``), quarter (``2026-Q4``) or year (``2026``) of ``moment``."""
    require_granularity(by)
    moment = moment.astimezone(UTC)
    if by == "month":
        return f"{moment.year}-{moment.month:02d}"
    if by == "quarter":
        return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"
    return str(moment.year)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier.

    A day the earlier month lacks becomes its last day: 12 months before
    2028-02-29 is 2027-02-28.
    """
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)
