"""Periods and calendar arithmetic the customer figures use."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from clientela.services.customers.domain.periods import months_before, period_key


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 12, 1, 8, tzinfo=UTC), 12, datetime(2025, 12, 1, 8, tzinfo=UTC)),
        (datetime(2026, 3, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2028, 2, 29, tzinfo=UTC), 12, datetime(2027, 2, 28, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), 3, datetime(2025, 10, 15, tzinfo=UTC)),
    ],
)
def test_months_before_keeps_the_day_or_takes_the_last_of_a_shorter_month(moment, months, expected):
    assert months_before(moment, months) == expected


def test_period_keys_are_taken_in_utc():
    # 31 December 20:00 in Mexico City is already 2027 in UTC.
    moment = datetime(2026, 12, 31, 20, tzinfo=timezone(timedelta(hours=-6)))

    assert [period_key(moment, by) for by in ("month", "quarter", "year")] == [
        "2027-01",
        "2027-Q1",
        "2027",
    ]
