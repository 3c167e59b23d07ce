"""Periods, the keys that name them and calendar-month arithmetic, all in UTC."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from clientela.errors import InvalidInput
from clientela.periods import Period, parse_period, period_key, period_keys, shift_months

START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2026, 4, 1, tzinfo=UTC)


def test_a_period_holds_its_start_but_not_its_end():
    quarter = Period(START, END)

    assert START in quarter
    assert END - timedelta(microseconds=1) in quarter
    assert END not in quarter


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (START, START, "end"),
        (datetime(2026, 1, 1), END, "start"),
        (START, datetime(2026, 4, 1), "end"),
    ],
)
def test_a_period_must_be_aware_and_end_after_it_starts(start, end, field):
    with pytest.raises(InvalidInput) as raised:
        Period(start, end)

    assert list(raised.value.errors) == [field]


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 12, 1, 8, tzinfo=UTC), -12, datetime(2025, 12, 1, 8, tzinfo=UTC)),
        (datetime(2026, 3, 31, tzinfo=UTC), -1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2028, 2, 29, tzinfo=UTC), -12, datetime(2027, 2, 28, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), -3, datetime(2025, 10, 15, tzinfo=UTC)),
        (datetime(2028, 2, 29, tzinfo=UTC), 12, datetime(2029, 2, 28, tzinfo=UTC)),
        (datetime(2026, 11, 30, 8, tzinfo=UTC), 3, datetime(2027, 2, 28, 8, tzinfo=UTC)),
        (datetime(2026, 5, 31, tzinfo=UTC), 0, datetime(2026, 5, 31, tzinfo=UTC)),
    ],
)
def test_shifting_months_keeps_the_day_or_takes_the_last_of_a_shorter_month(
    moment, months, expected
):
    assert shift_months(moment, months) == expected


def test_period_keys_for_every_granularity():
    assert period_keys(datetime(2026, 11, 23, 10, 0, tzinfo=UTC)) == {
        "day": "2026-11-23",
        "month": "2026-11",
        "quarter": "2026-Q4",
        "year": "2026",
    }


@pytest.mark.parametrize(
    ("month", "quarter"),
    [(1, "Q1"), (3, "Q1"), (4, "Q2"), (6, "Q2"), (7, "Q3"), (9, "Q3"), (10, "Q4"), (12, "Q4")],
)
def test_quarter_boundaries(month, quarter):
    assert period_key(datetime(2026, month, 15, tzinfo=UTC), "quarter") == f"2026-{quarter}"


def test_last_moment_of_a_year_stays_in_that_year():
    keys = period_keys(datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC))

    assert keys == {"day": "2026-12-31", "month": "2026-12", "quarter": "2026-Q4", "year": "2026"}


@pytest.mark.parametrize(
    "local",
    [
        datetime(2026, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-2))),
        # 20:00 on 31 December in Mexico City
        datetime(2026, 12, 31, 20, tzinfo=timezone(timedelta(hours=-6))),
    ],
)
def test_a_time_with_another_offset_falls_in_its_utc_period(local):
    assert period_keys(local) == {
        "day": "2027-01-01",
        "month": "2027-01",
        "quarter": "2027-Q1",
        "year": "2027",
    }


def test_an_unknown_granularity_is_named():
    with pytest.raises(InvalidInput) as refused:
        period_key(START, "week")

    assert list(refused.value.errors) == ["by"]


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("2026-11", datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)),
        ("2026-Q4", datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
        ("2026", datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
    ],
)
def test_periods_are_parsed_from_month_quarter_or_year_keys(key, start, end):
    period = parse_period(key)

    assert (period.key, period.start, period.end) == (key, start, end)


@pytest.mark.parametrize("key", ["2026-13", "2026-Q5", "Q4", "last month", ""])
def test_a_bad_period_is_named(key):
    with pytest.raises(InvalidInput) as refused:
        parse_period(key)

    assert list(refused.value.errors) == ["period"]
