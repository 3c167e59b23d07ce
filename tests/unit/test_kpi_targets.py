"""Targets: worked examples of when a value is out of range, for each direction and both
edges of the tolerance, which periods a target covers, and what a target may be set on."""

from datetime import UTC, datetime

import pytest

from clientela.errors import InvalidInput
from clientela.indicators import Better
from clientela.services.kpi.targets import (
    Target,
    alert_id,
    define_target,
    keyed_span,
    observed_value,
)

NOV_15 = datetime(2026, 11, 15, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "out"),
    [
        (95.0, False),  # above the target: fine however far
        (90.0, False),  # on the target
        (85.0, False),  # on the lower edge of the tolerance: still in range
        (84.99, True),  # just past it
        (40.0, True),
    ],
)
def test_cct_of_90_percent_higher_is_better_with_a_tolerance_of_5_points(value, out):
    target = define_target("CCT", 90, tolerance=5, granularity="quarter")

    assert target.direction is Better.HIGHER
    assert target.is_out_of_range(value, period_over=True) is out


@pytest.mark.parametrize(
    ("value", "out"),
    [(12.0, False), (24.0, False), (26.0, False), (26.01, True), (72.0, True)],
)
def test_median_hours_to_first_contact_of_24_lower_is_better_with_a_tolerance_of_2(value, out):
    target = define_target("I2_median_hours", 24, tolerance=2)

    assert target.direction is Better.LOWER
    assert target.is_out_of_range(value, period_over=True) is out


@pytest.mark.parametrize(("value", "out"), [(90.0, False), (89.999, True)])
def test_without_tolerance_the_target_itself_is_the_edge(value, out):
    assert define_target("SC", 90).is_out_of_range(value, period_over=True) is out


def test_a_count_below_its_floor_waits_for_the_period_to_end_a_ceiling_does_not():
    floor = define_target("I1_new_prospects", 100, tolerance=10)
    ceiling = define_target("complaints", 5)

    assert not floor.is_out_of_range(3, period_over=False)  # the month is not over
    assert floor.is_out_of_range(3, period_over=True)
    assert ceiling.is_out_of_range(6, period_over=False)  # six complaints stay six


def test_a_rate_is_judged_while_its_period_is_under_way():
    assert define_target("CCT", 90).is_out_of_range(50.0, period_over=False)


def test_no_value_is_never_out_of_range():
    assert not define_target("NPS", 30).is_out_of_range(None, period_over=True)


def test_a_target_on_every_month_covers_the_previous_and_the_current_month():
    assert define_target("NPS", 30).periods_to_check(NOV_15) == ["2026-10", "2026-11"]
    quarterly = define_target("CCT", 90, granularity="quarter")
    assert quarterly.periods_to_check(datetime(2026, 1, 3, tzinfo=UTC)) == ["2025-Q4", "2026-Q1"]
    daily = define_target("complaints", 2, granularity="day")
    assert daily.periods_to_check(datetime(2026, 3, 1, tzinfo=UTC)) == ["2026-02-28", "2026-03-01"]


def test_a_target_on_a_fixed_period_covers_that_period_only_and_takes_its_granularity():
    target = define_target("CCT", 90, period="2026-Q4")

    assert (target.granularity, target.periods_to_check(NOV_15)) == ("quarter", ["2026-Q4"])
    assert target.applies_to(keyed_span("2026-11"))
    assert not target.applies_to(keyed_span("2027-01"))


def test_an_unknown_indicator_is_refused_naming_the_known_ones():
    with pytest.raises(InvalidInput) as refused:
        define_target("CTT", 90)

    assert "No indicator 'CTT'; known: I1_new_prospects, I1_by_source" in str(refused.value)
    assert "CCT" in refused.value.errors["indicator"][0]


def test_points_are_better_neither_way_so_the_direction_must_be_given():
    with pytest.raises(InvalidInput) as refused:
        define_target("points_redeemed", 5000)

    assert "say whether higher or lower is better" in refused.value.errors["direction"][0]
    given = define_target("points_redeemed", 5000, direction="higher")
    assert given.direction is Better.HIGHER


def test_a_direction_against_the_catalogue_is_refused():
    with pytest.raises(InvalidInput) as refused:
        define_target("complaints", 5, direction="higher")

    assert refused.value.errors == {
        "direction": ["complaints is better lower; leave the direction out."]
    }


def test_a_segment_only_where_the_indicator_is_broken_down_by_it():
    by_source = define_target("I1_by_source", 40, segment={"source": "fairs"}, direction="higher")
    assert by_source.segment == {"source": "fairs"}
    assert by_source.key == "I1_by_source|month|*|source=fairs"

    bad = [
        ("NPS", {"source": "fairs"}, "NPS is not broken down: it takes no segment."),
        ("I1_by_source", {"typology": "end_user"}, "give one segment source=VALUE"),
        ("I1_by_fair", {}, "I1_by_fair is broken down by fair"),
    ]
    for name, segment, problem in bad:
        with pytest.raises(InvalidInput) as refused:
            define_target(name, 10, segment=segment, direction="higher")
        assert problem in refused.value.errors["segment"][0]


def test_every_bad_field_is_named_at_once():
    with pytest.raises(InvalidInput) as refused:
        define_target("CCT", 90, tolerance=-1, granularity="month", period="2026-Q4")

    assert refused.value.errors == {
        "tolerance": ["Must not be negative."],
        "period": ["2026-Q4 is a quarter, not a month."],
    }


@pytest.mark.parametrize("period", ["2026-13", "Q4-2026", "2026-02-30", "last month"])
def test_a_period_must_be_a_period_key(period):
    with pytest.raises(InvalidInput) as refused:
        define_target("CCT", 90, period=period)

    assert "Must be a period key" in refused.value.errors["period"][0]


def test_the_value_judged_comes_from_the_period_row_and_its_segment():
    row = {"CCT": 87.5, "I1_by_source": {"fairs": 12}, "purchase_value": {"MXN": "1200.50"}}

    assert observed_value(row, "CCT", {}) == 87.5
    assert observed_value(row, "I1_by_source", {"source": "fairs"}) == 12.0
    assert observed_value(row, "I1_by_source", {"source": "web"}) == 0.0  # none from the web
    assert observed_value(row, "purchase_value", {"currency": "MXN"}) == 1200.5
    assert observed_value(None, "I1_new_prospects", {}) == 0.0  # a month with no activity
    assert observed_value(None, "NPS", {}) is None  # nobody answered: nothing to judge


def test_an_alert_id_is_the_same_for_the_same_indicator_period_and_segment():
    first = alert_id("I1_by_source", "2026-11", {"source": "fairs"})

    assert first == alert_id("I1_by_source", "2026-11", {"source": "fairs"})
    assert first != alert_id("I1_by_source", "2026-11", {"source": "web"})
    assert first != alert_id("I1_by_source", "2026-10", {"source": "fairs"})
    assert first.startswith("oor-")


def test_a_target_is_identified_by_indicator_period_and_segment_not_by_value():
    assert define_target("CCT", 90).key == define_target("CCT", 95, tolerance=2).key
    assert isinstance(define_target("CCT", 90), Target)
