"""Reading an action's indicator from kpi's report: the latest complete period, one number."""

from datetime import UTC, datetime

import pytest

from clientela.errors import InvalidInput, NotFound
from clientela.services.loyalty.domain.measures import indicator_value, latest_complete_period

NOW = datetime(2026, 12, 3, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("granularity", "key", "start", "end"),
    [
        ("day", "2026-12-02", datetime(2026, 12, 2, tzinfo=UTC), datetime(2026, 12, 3, tzinfo=UTC)),
        (
            "week",
            "2026-W48",
            datetime(2026, 11, 23, tzinfo=UTC),
            datetime(2026, 11, 30, tzinfo=UTC),
        ),
        ("month", "2026-11", datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)),
        ("quarter", "2026-Q3", datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC)),
        ("year", "2025", datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)),
    ],
)
def test_the_latest_complete_period_is_the_one_before_now(granularity, key, start, end):
    period = latest_complete_period(NOW, granularity)

    assert (period.key, period.start, period.end) == (key, start, end)


def test_in_january_the_latest_complete_month_is_last_december():
    assert latest_complete_period(datetime(2027, 1, 1, tzinfo=UTC), "month").key == "2026-12"


def test_an_unknown_granularity_is_refused_by_name():
    with pytest.raises(InvalidInput) as refused:
        latest_complete_period(NOW, "fortnight")

    assert set(refused.value.errors) == {"granularity"}


REPORT = [
    {"period": "2026-10", "NPS": 10.0, "I1_by_source": {"fairs": 3}},
    {"period": "2026-11", "NPS": 12.5, "churn_rate": None, "I1_by_source": {"fairs": 4}},
]
NOVEMBER = latest_complete_period(NOW, "month")


def test_the_value_is_the_indicators_in_that_period():
    assert str(indicator_value(REPORT, NOVEMBER, "NPS", "before")) == "12.5"


@pytest.mark.parametrize("indicator", ["churn_rate", "CSAT"])
def test_no_value_in_kpi_is_not_found_naming_the_field_never_made_up(indicator):
    with pytest.raises(NotFound, match=f"after: kpi has no value of {indicator} for 2026-11"):
        indicator_value(REPORT, NOVEMBER, indicator, "after")


def test_a_period_kpi_does_not_report_has_no_value():
    with pytest.raises(NotFound, match="2026-Q3"):
        indicator_value(REPORT, latest_complete_period(NOW, "quarter"), "NPS", "before")


def test_a_breakdown_is_not_a_value():
    with pytest.raises(InvalidInput) as refused:
        indicator_value(REPORT, NOVEMBER, "I1_by_source", "before")

    assert set(refused.value.errors) == {"indicator"}
