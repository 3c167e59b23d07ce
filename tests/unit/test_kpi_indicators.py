"""KPI arithmetic: periods, percentages, percentiles, change order and the reported indicators."""

import itertools
from datetime import UTC, datetime, timedelta, timezone

import pytest

from clientela.services.kpi.domain import (
    Change,
    PeriodIndicators,
    change_stamp,
    completeness_stamp,
    hours_between,
    latest_per_customer,
    mean,
    median,
    merge_stamp,
    net_promoter_score,
    percentile,
    winning,
)
from clientela.services.kpi.feedback_indicators import PeriodSurveys

NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


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


def test_period_indicators_report_i1_to_i4():
    indicators = PeriodIndicators(
        period="2026-Q4",
        conversions=2,
        first_contact_hours=[30.0, 2.0, 5.5],
    )
    origin = {"source": "webforms", "fair": "", "campaign": "spring", "channel": "linkedin"}
    indicators.count_new(3, origin, completeness_total=210.0, converted=1)
    origin = {"source": "fairs", "fair": "Expo Norte", "campaign": "", "channel": ""}
    indicators.count_new(4, origin, completeness_total=200.0, converted=2)
    origin = {"source": "fairs", "fair": "Expo Sur", "campaign": "", "channel": ""}
    indicators.count_new(1, origin, completeness_total=100.0, converted=0)

    assert indicators.as_dict() == {
        "period": "2026-Q4",
        "I1_new_prospects": 8,
        "I1_by_source": {"fairs": 5, "webforms": 3},
        "I1_by_fair": {"Expo Norte": 4, "Expo Sur": 1},
        "I1_by_campaign": {"spring": 3},
        "I1_by_channel": {"linkedin": 3},
        "I2_first_contacts": 3,
        "I2_median_hours": 5.5,
        "I2_p90_hours": 30.0,
        "I3_completeness": 63.75,
        "conversions": 2,
        "I4_conversion_rate": 25.0,
        "I4_cohort_conversion_rate": 37.5,
    }
    assert list(indicators.as_dict()["I1_by_source"]) == ["fairs", "webforms"]


def test_nps_counts_each_customer_s_latest_category_in_the_period():
    surveys = PeriodSurveys(nps_latest_categories=["promoter", "promoter", "passive", "detractor"])

    assert (surveys.as_dict()["nps_respondents"], surveys.as_dict()["NPS"]) == (4, 25.0)


def test_an_empty_period_has_no_rate_and_no_nps():
    report = PeriodIndicators(period="2026-11-23").as_dict()

    assert report["I1_new_prospects"] == 0
    assert report["I2_first_contacts"] == 0
    assert report["I2_median_hours"] is None
    assert report["I2_p90_hours"] is None
    assert report["I3_completeness"] is None
    assert report["I4_conversion_rate"] is None
    assert report["I4_cohort_conversion_rate"] is None
    surveys = PeriodSurveys().as_dict()
    assert (surveys["nps_respondents"], surveys["NPS"]) == (0, None)


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        ([], None),
        ([7.0], 7.0),
        ([9.0, 1.0], 5.0),
        ([3.0, 1.0, 2.0], 2.0),
        ([1.0, 2.0, 3.0, 10.0], 2.5),
        ([0.0, 0.0, 4.0], 0.0),
        ([1.0, 2.0], 1.5),
        ([1 / 3, 1 / 3], 0.33),
    ],
)
def test_median_of_first_contact_hours(hours, expected):
    assert median(hours) == expected


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        ([], None),
        ([7.0], 7.0),
        ([1.0, 2.0], 2.0),
        ([float(n) for n in range(1, 11)], 9.0),  # ceil(0.9 x 10) = 9th
        ([float(n) for n in range(1, 12)], 10.0),  # ceil(0.9 x 11) = 10th
        ([float(n) for n in range(1, 21)], 18.0),  # exactly 18th of 20, no float drift
        ([float(n) for n in range(100, 0, -1)], 90.0),  # order does not matter
        ([5.0, 5.0, 5.0], 5.0),
        ([2 / 3], 0.67),
    ],
)
def test_90th_percentile_is_nearest_rank(hours, expected):
    assert percentile(hours, 90) == expected


def test_percentile_100_is_the_maximum_and_1_the_minimum():
    assert percentile([4.0, 1.0, 8.0], 100) == 8.0
    assert percentile([4.0, 1.0, 8.0], 1) == 1.0


@pytest.mark.parametrize(
    ("total", "count", "expected"),
    [(150.0, 2, 75.0), (100.0, 3, 33.33), (0.0, 4, 0.0), (250.0, 3, 83.33), (0.0, 0, None)],
)
def test_mean_completeness(total, count, expected):
    assert mean(total, count) == expected


def test_cohort_conversion_rate_is_converted_over_captured_in_the_period():
    indicators = PeriodIndicators(period="2026-11")
    indicators.count_new(3, {"source": "fairs"}, completeness_total=150.0, converted=1)

    report = indicators.as_dict()

    assert report["I4_cohort_conversion_rate"] == 33.33
    assert report["I4_conversion_rate"] == 0.0
    assert report["I3_completeness"] == 50.0


def test_conversions_of_another_cohort_do_not_change_the_cohort_rate():
    indicators = PeriodIndicators(period="2026-11", conversions=3)
    indicators.count_new(4, {"source": "fairs"}, completeness_total=0.0, converted=0)

    report = indicators.as_dict()

    assert report["I4_conversion_rate"] == 75.0
    assert report["I4_cohort_conversion_rate"] == 0.0


@pytest.mark.parametrize(
    ("contacted", "hours"),
    [(NOON + timedelta(hours=2, minutes=30), 2.5), (NOON, 0.0), (NOON - timedelta(hours=1), 0.0)],
)
def test_hours_to_first_contact_never_negative(contacted, hours):
    assert hours_between(NOON, contacted) == hours


def test_hours_between_times_in_different_offsets():
    mexico = timezone(timedelta(hours=-6))

    assert hours_between(NOON, datetime(2026, 11, 23, 9, 0, tzinfo=mexico)) == 3.0


def test_change_stamps_order_by_time_then_rank_whatever_the_offset():
    later_elsewhere = datetime(2026, 11, 23, 7, 0, 0, 1, tzinfo=timezone(timedelta(hours=-5)))

    assert change_stamp(NOON) < change_stamp(later_elsewhere)
    assert change_stamp(NOON) < change_stamp(NOON, rank=1)
    assert change_stamp(NOON) == change_stamp(NOON.astimezone(timezone(timedelta(hours=2))))
    assert change_stamp(NOON, rank=1) < change_stamp(NOON + timedelta(microseconds=1))


def _merged_after(changes):
    """Whether a prospect is merged once ``changes`` (merged, at) are applied in this order,
    each applied only over an older stamp (as the kpi store does)."""
    state = None
    for merged, at in changes:
        stamp = merge_stamp(at, merged)
        if state is None or state[1] < stamp:
            state = (merged, stamp)
    return state is not None and state[0]


@pytest.mark.parametrize(
    ("changes", "merged"),
    [
        ([(True, NOON)], True),
        ([(True, NOON), (True, NOON)], True),  # the same merge delivered twice
        ([(True, NOON), (False, NOON + timedelta(hours=1))], False),
        (
            [(True, NOON), (False, NOON + timedelta(hours=1)), (True, NOON + timedelta(hours=2))],
            True,
        ),
        ([(True, NOON), (False, NOON)], False),  # an unmerge at the merge's instant reverses it
    ],
)
def test_the_latest_merge_change_decides_whatever_the_order(changes, merged):
    for order in itertools.permutations(changes):
        assert _merged_after(order) is merged


def test_a_later_update_replaces_the_completeness_of_the_capture_and_an_earlier_one_does_not():
    captured = completeness_stamp(NOON, from_update=False)

    assert completeness_stamp(NOON + timedelta(seconds=1), from_update=True) > captured
    assert completeness_stamp(NOON - timedelta(seconds=1), from_update=True) < captured
    assert completeness_stamp(NOON, from_update=True) > captured


def test_a_change_wins_over_an_older_stamp_or_none_and_an_earliest_one_over_a_later_time():
    later = Change("stamp", "2026-03-01/0", {"stamp": "2026-03-01/0"})
    earlier = Change("at", NOON, {"at": NOON}, earliest=True)

    assert [later.wins_over(held) for held in (None, "2026-02-28/9", "2026-03-01/0")] == [
        True,
        True,
        False,
    ]
    assert [earlier.wins_over(held) for held in (None, NOON + timedelta(hours=1), NOON)] == [
        True,
        True,
        False,
    ]


def test_only_the_changes_that_win_over_a_fact_are_kept_each_on_its_own_field():
    completeness = Change("completeness_stamp", "b", {"completeness": 80.0})
    identity = Change("identity_stamp", "b", {"at": NOON})
    fact = {"completeness_stamp": "c", "identity_stamp": "a"}

    assert winning([completeness, identity], fact) == [identity]


def test_nps_counts_each_customers_latest_answer_in_each_period():
    answers = [
        ("2026-11", "c1", NOON, "detractor"),
        ("2026-11", "c1", NOON + timedelta(days=1), "promoter"),
        ("2026-11", "c2", NOON, "passive"),
        ("2026-12", "c1", NOON + timedelta(days=10), "detractor"),
    ]

    assert sorted(latest_per_customer(reversed(answers))) == [
        ("2026-11", "passive"),
        ("2026-11", "promoter"),
        ("2026-12", "detractor"),
    ]
