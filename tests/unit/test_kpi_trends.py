"""Trends of the indicators, by worked examples: against the previous period, the same period
a year before, and a rolling mean; and the kpi use case that reads the periods they need."""

from datetime import UTC, datetime

import pytest

from clientela.errors import InvalidInput, load
from clientela.services.kpi import handlers
from clientela.services.kpi.dependencies import FakeKpiStorage
from clientela.services.kpi.domain import ReportTrends
from clientela.services.kpi.schemas import trends_query
from clientela.services.kpi.trends import (
    change,
    change_pct,
    earliest_needed,
    rolling_mean,
    trends,
)


def test_a_change_is_the_difference_and_its_share_of_the_earlier_value():
    assert (change(42.0, 30.0), change_pct(42.0, 30.0)) == (12.0, 40.0)
    assert (change(27.0, 30.0), change_pct(27.0, 30.0)) == (-3.0, -10.0)


def test_a_rise_from_a_negative_nps_reads_as_a_rise():
    assert (change(-10.0, -20.0), change_pct(-10.0, -20.0)) == (10.0, 50.0)


@pytest.mark.parametrize(("value", "base"), [(5.0, 0.0), (None, 3.0), (3.0, None)])
def test_no_percentage_from_nothing_or_against_nothing(value, base):
    assert change_pct(value, base) is None


def test_a_rolling_mean_needs_every_period_of_its_window():
    assert rolling_mean([90.0, 85.0, 88.0]) == 87.67
    assert rolling_mean([90.0, None, 88.0]) is None


QUARTERS = [
    {"period": "2025-Q4", "CCT": 80.0, "purchase_value": {"MXN": "1000"}},
    {"period": "2026-Q2", "CCT": 90.0, "purchase_value": {}},
    {"period": "2026-Q3", "CCT": 85.0, "purchase_value": {"MXN": "1200.50"}},
    {"period": "2026-Q4", "CCT": 88.0, "purchase_value": {"EUR": "80", "MXN": "1500"}},
]


def test_a_quarter_against_the_previous_one_a_year_before_and_the_last_three():
    cct = trends(QUARTERS, ["2026-Q3", "2026-Q4"], "quarter", ["CCT"])

    assert [(t.period, t.value, t.previous, t.change, t.change_pct) for t in cct] == [
        ("2026-Q3", 85.0, 90.0, -5.0, -5.56),
        ("2026-Q4", 88.0, 85.0, 3.0, 3.53),
    ]
    assert [(t.year_ago, t.change_year, t.change_year_pct) for t in cct] == [
        (None, None, None),  # nothing reported for 2025-Q3
        (80.0, 8.0, 10.0),
    ]
    assert [t.rolling_mean for t in cct] == [None, 87.67]  # 2026-Q1 has no value


def test_a_breakdown_trends_part_by_part_in_catalogue_then_part_order():
    money = trends(QUARTERS, ["2026-Q4"], "quarter", ["CCT", "purchase_value"], window=2)

    assert [(t.indicator, t.part, t.value, t.previous, t.change_pct) for t in money] == [
        ("CCT", None, 88.0, 85.0, 3.53),
        ("purchase_value", "EUR", 80.0, None, None),
        ("purchase_value", "MXN", 1500.0, 1200.5, 24.95),
    ]
    assert money[2].year_ago == 1000.0
    assert money[2].rolling_mean == 1350.25


def test_weeks_compare_across_the_turn_of_an_iso_year():
    weeks = [
        {"period": "2026-W53", "NPS": 20.0},
        {"period": "2027-W01", "NPS": 30.0},
    ]

    (trend,) = trends(weeks, ["2027-W01"], "week", ["NPS"], window=2)

    assert (trend.previous, trend.change, trend.rolling_mean) == (20.0, 10.0, 25.0)


@pytest.mark.parametrize(
    ("periods", "granularity", "window", "earliest"),
    [
        (["2026-Q4"], "quarter", 3, "2025-Q4"),
        (["2026-Q4"], "quarter", 6, "2025-Q3"),
        (["2026-11", "2026-12"], "month", 3, "2025-11"),
        (["2026-W53", "2027-W01"], "week", 3, "2026-W01"),
        (["2026-11-23"], "day", 1, "2025-11-23"),
    ],
)
def test_the_earliest_period_the_trends_read(periods, granularity, window, earliest):
    assert earliest_needed(periods, granularity, window) == earliest


def test_the_trends_of_a_quarter_read_the_quarters_before_the_range():
    uow = FakeKpiStorage()
    earned = [
        ("e1", datetime(2025, 11, 3, tzinfo=UTC), 100),
        ("e2", datetime(2026, 5, 4, tzinfo=UTC), 300),
        ("e3", datetime(2026, 8, 10, tzinfo=UTC), 200),
        ("e4", datetime(2026, 11, 16, tzinfo=UTC), 250),
        ("e5", datetime(2026, 12, 1, tzinfo=UTC), 50),
    ]
    for entry_id, at, points in earned:
        uow.record_once(f"points_earned:{entry_id}", "points_earned", "c1", at, points=points)
    query = ReportTrends("points_earned", "quarter", datetime(2026, 10, 1, tzinfo=UTC))

    (q4,) = handlers.report_trends(query, uow)

    assert q4 == {
        "indicator": "points_earned",
        "part": None,
        "period": "2026-Q4",
        "value": 300.0,
        "previous": 200.0,
        "change": 100.0,
        "change_pct": 50.0,
        "year_ago": 100.0,
        "change_year": 200.0,
        "change_year_pct": 200.0,
        "rolling_mean": 266.67,
        "window": 3,
    }


def test_no_trends_without_activity_in_the_range():
    query = ReportTrends(None, "month", datetime(2026, 10, 1, tzinfo=UTC))

    assert handlers.report_trends(query, FakeKpiStorage()) == []


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"indicator": "I9"}, "indicator"),
        ({"window": 0}, "window"),
        ({"granularity": "fortnight"}, "granularity"),
    ],
)
def test_a_bad_trends_query_names_its_field(given, field):
    with pytest.raises(InvalidInput) as refused:
        load(trends_query, given)

    assert list(refused.value.errors) == [field]
