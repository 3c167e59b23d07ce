"""SMART improvement actions: each criterion checked, closing with the measured effect."""

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientela.errors import Conflict, InvalidInput
from clientela.services.loyalty.domain.actions import (
    ActionState,
    Criterion,
    ImprovementAction,
    Priority,
    SmartStatement,
    open_action,
    smart_problems,
)

OPENED = datetime(2026, 9, 1, tzinfo=UTC)
DUE = datetime(2026, 12, 31, tzinfo=UTC)

ACTION = ImprovementAction(
    action_id="act-1",
    opportunity="Complaints about late deliveries in the north region",
    description="Add a second weekly delivery route to the north region",
    statement=SmartStatement(
        specific="North region customers, deliveries twice a week instead of once",
        measurable="CCT of north region contracts, monthly",
        achievable="One van and driver are free from October",
        relevant="Late deliveries are the first cause of complaints there",
    ),
    priority=Priority.HIGH,
    owner="logistics lead",
    indicator="CCT",
    target=Decimal("90"),
    opened_at=OPENED,
    due_at=DUE,
    before=Decimal("72.5"),
)


def test_an_action_passing_every_criterion_opens():
    action = open_action(ACTION)

    assert action.state is ActionState.OPEN
    assert smart_problems(action) == {}


@pytest.mark.parametrize(
    ("change", "criterion"),
    [
        ({"description": " "}, Criterion.SPECIFIC),
        ({"description": ACTION.opportunity.upper()}, Criterion.SPECIFIC),
        ({"indicator": ""}, Criterion.MEASURABLE),
        ({"target": Decimal("72.5")}, Criterion.MEASURABLE),
        ({"statement": replace(ACTION.statement, achievable="")}, Criterion.ACHIEVABLE),
        ({"statement": replace(ACTION.statement, relevant="\t")}, Criterion.RELEVANT),
        ({"due_at": OPENED}, Criterion.TIME_BOUND),
        ({"due_at": datetime(2028, 1, 1, tzinfo=UTC)}, Criterion.TIME_BOUND),
    ],
)
def test_a_failing_criterion_is_named(change, criterion):
    with pytest.raises(InvalidInput) as refused:
        open_action(replace(ACTION, **change))

    assert list(refused.value.errors) == [criterion.value]


def test_every_failing_criterion_is_named_at_once():
    vague = replace(
        ACTION,
        statement=SmartStatement("", "", "", ""),
        due_at=datetime(2026, 8, 1, tzinfo=UTC),
    )

    with pytest.raises(InvalidInput) as refused:
        open_action(vague)

    assert sorted(refused.value.errors) == sorted(criterion.value for criterion in Criterion)


def test_relevance_can_be_limited_to_the_programmes_indicators():
    with pytest.raises(InvalidInput) as refused:
        open_action(replace(ACTION, indicator="I1"), relevant_indicators={"CCT", "SC", "NPS"})

    assert refused.value.errors == {
        "relevant": ["I1 is not an indicator of the programme: one of CCT, NPS, SC."]
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"owner": ""}, "owner"),
        ({"priority": "urgent"}, "priority"),
        ({"target": Decimal("Infinity")}, "target"),
        ({"due_at": datetime(2026, 12, 31)}, "due_at"),
    ],
)
def test_bad_fields_are_named(change, field):
    with pytest.raises(InvalidInput) as refused:
        open_action(replace(ACTION, **change))

    assert list(refused.value.errors) == [field]


def test_closing_measures_the_effect_against_the_value_before():
    closed = open_action(ACTION).close(Decimal("91.0"), DUE)

    assert (closed.state, closed.after, closed.closed_at) == (ActionState.CLOSED, 91, DUE)
    assert closed.effect == Decimal("18.5")
    assert closed.target_met is True


def test_a_target_below_the_value_before_is_met_by_going_down():
    complaints = open_action(
        replace(ACTION, indicator="complaints", before=Decimal(40), target=Decimal(20))
    )

    assert complaints.close(Decimal(25), DUE).target_met is False
    assert complaints.close(Decimal(18), DUE).target_met is True
    assert complaints.close(Decimal(18), DUE).effect == Decimal(-22)


def test_an_open_action_has_no_effect_yet():
    action = open_action(ACTION)

    assert (action.effect, action.target_met) == (None, None)


def test_closing_needs_the_value_before():
    with pytest.raises(InvalidInput) as refused:
        open_action(replace(ACTION, before=None)).close(Decimal(90), DUE)

    assert list(refused.value.errors) == ["before"]


def test_closing_again_with_the_same_value_changes_nothing_with_another_conflicts():
    closed = open_action(ACTION).close(Decimal(91), DUE)

    assert closed.close(Decimal(91), DUE) == closed
    with pytest.raises(Conflict, match="act-1 is closed already"):
        closed.close(Decimal(95), DUE)
