"""Periods, the keys that name them and calendar-month arithmetic, all in UTC."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from clientela.errors import InvalidInput
from clientela.periods import (
    Period,
    parse_period,
    period_key,
    period_keys,
    shift_months,
    shift_period,
    year_before,
)

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
        "week": "2026-W48",
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

    assert keys == {
        "day": "2026-12-31",
        "week": "2026-W53",
        "month": "2026-12",
        "quarter": "2026-Q4",
        "year": "2026",
    }


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
        "week": "2026-W53",
        "month": "2027-01",
        "quarter": "2027-Q1",
        "year": "2027",
    }


def test_an_unknown_granularity_is_named():
    with pytest.raises(InvalidInput) as refused:
        period_key(START, "fortnight")

    assert list(refused.value.errors) == ["by"]


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("2026-11", datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)),
        ("2026-Q4", datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
        ("2026", datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
        ("2026-W49", datetime(2026, 11, 30, tzinfo=UTC), datetime(2026, 12, 7, tzinfo=UTC)),
        ("2026-W01", datetime(2025, 12, 29, tzinfo=UTC), datetime(2026, 1, 5, tzinfo=UTC)),
        ("2026-11-23", datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 11, 24, tzinfo=UTC)),
    ],
)
def test_periods_are_parsed_from_their_keys(key, start, end):
    period = parse_period(key)

    assert (period.key, period.start, period.end) == (key, start, end)


@pytest.mark.parametrize(
    "key", ["2026-13", "2026-Q5", "Q4", "last month", "", "2025-W53", "2026-W00", "2026-02-30"]
)
def test_a_bad_period_is_named(key):
    with pytest.raises(InvalidInput) as refused:
        parse_period(key)

    assert list(refused.value.errors) == ["period"]


@pytest.mark.parametrize(
    ("moment", "week"),
    [
        (datetime(2026, 11, 30, 0, tzinfo=UTC), "2026-W49"),  # a Monday opens the week
        (datetime(2026, 12, 6, 23, 59, tzinfo=UTC), "2026-W49"),  # its Sunday closes it
        (datetime(2027, 1, 3, tzinfo=UTC), "2026-W53"),  # early January in last year's week
        (datetime(2025, 12, 29, tzinfo=UTC), "2026-W01"),  # late December in next year's
    ],
)
def test_iso_week_keys_number_the_week_in_its_iso_year(moment, week):
    assert period_key(moment, "week") == week


@pytest.mark.parametrize(
    ("key", "by", "count", "shifted"),
    [
        ("2026-Q4", "quarter", -1, "2026-Q3"),
        ("2026-Q1", "quarter", -1, "2025-Q4"),
        ("2026-Q4", "quarter", -4, "2025-Q4"),
        ("2026-03", "month", -2, "2026-01"),
        ("2026-01", "month", -1, "2025-12"),
        ("2026-W01", "week", -1, "2025-W52"),
        ("2027-W01", "week", -1, "2026-W53"),
        ("2026-03-01", "day", -1, "2026-02-28"),
        ("2026", "year", 1, "2027"),
    ],
)
def test_shifting_a_period_by_whole_periods(key, by, count, shifted):
    assert shift_period(key, by, count) == shifted


@pytest.mark.parametrize(
    ("key", "before"),
    [
        ("2026-Q4", "2025-Q4"),
        ("2026-11", "2025-11"),
        ("2026-W49", "2025-W49"),
        ("2026-W53", None),  # 2025 has 52 ISO weeks
        ("2028-02-29", None),
        ("2026-11-23", "2025-11-23"),
        ("2026", "2025"),
    ],
)
def test_the_same_period_a_year_before(key, before):
    assert year_before(key) == before
