"""KPI arithmetic: periods, percentages, NPS and the reported indicators."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from clientela.services.kpi.domain import (
    PeriodIndicators,
    net_promoter_score,
    percentage,
    period_keys,
)


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
    assert period_keys(datetime(2026, month, 15, tzinfo=UTC))["quarter"] == f"2026-{quarter}"


def test_last_moment_of_a_year_stays_in_that_year():
    keys = period_keys(datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC))

    assert keys == {"day": "2026-12-31", "month": "2026-12", "quarter": "2026-Q4", "year": "2026"}


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(1, 4, 25.0), (1, 3, 33.33), (2, 3, 66.67), (0, 5, 0.0), (5, 5, 100.0), (3, 0, None)],
)
def test_percentage(part, whole, expected):
    assert percentage(part, whole) == expected


@pytest.mark.parametrize(
    ("categories", "nps"),
    [
        (["promoter", "promoter", "passive", "detractor"], 25.0),
        (["promoter"], 100.0),
        (["detractor", "detractor"], -100.0),
        (["passive", "passive"], 0.0),
        (["promoter", "detractor", "passive"], 0.0),
        (["promoter", "promoter", "detractor"], 33.33),
        ([], None),
    ],
)
def test_net_promoter_score(categories, nps):
    assert net_promoter_score(categories) == nps


def test_net_promoter_score_accepts_any_iterable():
    assert net_promoter_score(c for c in ["promoter", "passive"]) == 50.0


def test_period_indicators_report_i1_by_origin_i4_and_nps():
    indicators = PeriodIndicators(
        period="2026-Q4",
        conversions=2,
        nps_latest_categories=["promoter", "promoter", "passive", "detractor"],
    )
    indicators.count_new(3, {"source": "webforms", "fair": "", "campaign": "spring"})
    indicators.count_new(4, {"source": "fairs", "fair": "Expo Norte", "campaign": ""})
    indicators.count_new(1, {"source": "fairs", "fair": "Expo Sur", "campaign": ""})

    assert indicators.as_dict() == {
        "period": "2026-Q4",
        "I1_new_prospects": 8,
        "I1_by_source": {"fairs": 5, "webforms": 3},
        "I1_by_fair": {"Expo Norte": 4, "Expo Sur": 1},
        "I1_by_campaign": {"spring": 3},
        "conversions": 2,
        "I4_conversion_rate": 25.0,
        "nps_respondents": 4,
        "NPS": 25.0,
    }
    assert list(indicators.as_dict()["I1_by_source"]) == ["fairs", "webforms"]


def test_a_time_with_another_offset_falls_in_its_utc_period():
    new_year_in_utc = datetime(2026, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-2)))

    assert period_keys(new_year_in_utc) == {
        "day": "2027-01-01",
        "month": "2027-01",
        "quarter": "2027-Q1",
        "year": "2027",
    }


def test_an_empty_period_has_no_rate_and_no_nps():
    report = PeriodIndicators(period="2026-11-23").as_dict()

    assert report["I1_new_prospects"] == 0
    assert report["I4_conversion_rate"] is None
    assert report["nps_respondents"] == 0
    assert report["NPS"] is None
