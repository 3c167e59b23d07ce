"""The quarterly review's model: what the document shows, from explicit inputs only."""

from datetime import UTC, datetime

import pytest

from clientela.indicators import INDICATORS, SECTIONS, Better
from clientela.periods import parse_period
from clientela.quarterly_review.model import (
    ReviewInputs,
    Target,
    build_review,
    quarter_target,
)

NOW = datetime(2027, 1, 8, 9, tzinfo=UTC)
Q4 = parse_period("2026-Q4")


def inputs(**given):
    return ReviewInputs(
        **{"quarter": "2026-Q4", "generated_at": NOW, "indicators": {"period": "2026-Q4"}, **given}
    )


def action(action_id, indicator, alert_id=None, **figures):
    return {
        "id": action_id,
        "indicator": indicator,
        "description": f"raise {indicator}",
        "owner": "maria",
        "state": "open",
        "target": "90",
        "before": "75",
        "due_at": "2027-03-31T00:00:00+00:00",
        "alert_id": alert_id,
        **figures,
    }


def alert(alert_id, indicator, period="2026-Q4", **more):
    return {
        "alert_id": alert_id,
        "indicator": indicator,
        "period": period,
        "value": 75.0,
        "target": 90.0,
        "tolerance": 5.0,
        "direction": "higher",
        "state": "open",
        **more,
    }


@pytest.mark.parametrize(
    ("direction", "value", "holds"),
    [
        (Better.HIGHER, 85.0, True),  # 90 - 5: the edge of the range is within it
        (Better.HIGHER, 84.9, False),
        (Better.HIGHER, 120.0, True),
        (Better.LOWER, 95.0, True),
        (Better.LOWER, 95.1, False),
        (Better.LOWER, 10.0, True),
    ],
)
def test_a_target_holds_within_its_tolerance_on_its_side(direction, value, holds):
    assert Target(90.0, 5.0, direction).holds(value) is holds


def test_the_quarters_own_target_wins_over_the_standing_one_and_segments_are_left_out():
    targets = [
        {"indicator": "NPS", "target": 30, "tolerance": 0, "direction": "higher"},
        {
            "indicator": "NPS",
            "target": 40,
            "tolerance": 2,
            "direction": "higher",
            "period": "2026-Q4",
        },
        {"indicator": "NPS", "target": 60, "direction": "higher", "segment": {"source": "fairs"}},
        {"indicator": "CCT", "target": 95, "direction": "higher", "period": "2026-Q3"},
    ]

    assert quarter_target("NPS", targets, Q4) == Target(40.0, 2.0, Better.HIGHER, "2026-Q4")
    assert quarter_target("NPS", targets[:1], Q4) == Target(30.0, 0.0, Better.HIGHER, None)
    assert quarter_target("CCT", targets, Q4) is None  # set for another quarter only


def test_every_catalogue_indicator_is_shown_in_its_section_in_catalogue_order():
    review = build_review(inputs(indicators={"period": "2026-Q4", "NPS": 50.0}))

    assert [section.title for section in review.sections] == list(SECTIONS)
    shown = [line.indicator.name for section in review.sections for line in section.lines]
    assert shown == list(INDICATORS)
    nps = next(line for line in review.sections[1].lines if line.indicator.name == "NPS")
    assert (nps.value, nps.trends, nps.target, nps.within, nps.references) == (
        50.0,
        [],
        None,
        None,
        [],
    )
    assert (review.reported, review.targets_given, review.references_given) == (True, False, False)


def test_a_value_is_judged_against_its_target_and_shown_beside_its_references():
    review = build_review(
        inputs(
            indicators={"period": "2026-Q4", "CCT": 75.0, "complaints": 3},
            targets=[
                {"indicator": "CCT", "target": 90, "tolerance": 5, "direction": "higher"},
                {"indicator": "complaints", "target": 5, "tolerance": 0, "direction": "lower"},
            ],
            references=[{"indicator": "CCT", "label": "Sector benchmark 2025", "value": "82.5"}],
        )
    )
    lines = {line.indicator.name: line for section in review.sections for line in section.lines}

    assert (lines["CCT"].within, lines["complaints"].within) == (False, True)
    assert [(ref.label, ref.value) for ref in lines["CCT"].references] == [
        ("Sector benchmark 2025", 82.5)
    ]
    assert lines["NPS"].within is None  # no value and no target: nothing to judge


def test_the_quarters_trends_go_with_their_indicator_part_by_part():
    trend = {
        "change": 300.0,
        "change_pct": 25.0,
        "year_ago": None,
        "change_year": None,
        "change_year_pct": None,
        "rolling_mean": None,
        "window": 3,
    }
    trends = [
        {
            **trend,
            "indicator": "purchase_value",
            "part": "MXN",
            "period": "2026-Q4",
            "previous": 1.5,
        },
        {
            **trend,
            "indicator": "purchase_value",
            "part": "EUR",
            "period": "2026-Q4",
            "previous": 8.0,
        },
        {
            **trend,
            "indicator": "purchase_value",
            "part": "MXN",
            "period": "2026-Q3",
            "previous": 1.2,
        },
    ]

    review = build_review(inputs(trends=trends))

    value_line = next(line for line in review.sections[2].lines if line.indicator.breakdown)
    assert [(t.part, t.previous) for t in value_line.trends] == [("MXN", 1.5), ("EUR", 8.0)]


def test_an_alert_carries_the_action_plan_linked_either_way_and_other_quarters_are_left_out():
    review = build_review(
        inputs(
            alerts=[
                alert("al-1", "CCT", action_id="act-1", state="linked"),
                alert("al-2", "NPS"),
                alert("al-3", "SC"),
                alert("al-old", "CCT", period="2026-Q3"),
            ],
            actions=[action("act-1", "CCT"), action("act-2", "NPS", alert_id="al-2")],
        )
    )

    assert [(a.alert_id, a.state, a.action_id) for a in review.alerts] == [
        ("al-1", "linked", "act-1"),
        ("al-2", "open", "act-2"),  # loyalty's action names the alert it answers
        ("al-3", "open", None),
    ]
    assert [a.action.description if a.action else None for a in review.alerts] == [
        "raise CCT",
        "raise NPS",
        None,
    ]
    assert [a.action_id for a in review.actions] == ["act-1", "act-2"]


def test_a_quarter_kpi_reported_nothing_for_is_said_to_be_so():
    review = build_review(inputs(indicators=None))

    assert review.reported is False
    assert all(line.value is None for section in review.sections for line in section.lines)
    assert review.last_day == datetime(2026, 12, 31, tzinfo=UTC)
