"""SMART improvement actions kept by loyalty: opened when SMART, closed with their effect."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientela.errors import Conflict, InvalidInput, NotFound
from clientela.services.loyalty import improvement
from clientela.services.loyalty.dependencies import FakeLoyaltyStorage
from clientela.services.loyalty.domain.actions import SmartStatement

NOW = datetime(2026, 12, 1, tzinfo=UTC)

STATEMENT = SmartStatement(
    specific="Call every detractor of the month within 48 hours",
    measurable="NPS of the next quarter",
    achievable="Two agents, one hour a day each",
    relevant="Detractors who are heard come back",
)


@pytest.fixture
def uow(monkeypatch):
    monkeypatch.setattr(improvement, "utcnow", lambda: NOW)
    return FakeLoyaltyStorage()


def add(uow, action_id="ACT-1", due_at=datetime(2027, 3, 31, tzinfo=UTC), **changed):
    fields = {
        "opportunity": "Detractors are never called back",
        "description": "Call detractors back",
        "statement": STATEMENT,
        "priority": "high",
        "owner": "maria",
        "indicator": "NPS",
        "target": Decimal("20"),
        "before": Decimal("5"),
        **changed,
    }
    return improvement.add_action(action_id=action_id, due_at=due_at, uow=uow, **fields)


def test_a_smart_action_is_opened_once_and_listed(uow):
    opened = add(uow)

    assert add(uow) == opened
    assert (opened["state"], opened["target"], opened["before"]) == ("open", "20", "5")
    assert (opened["effect"], opened["target_met"]) == (None, None)
    assert [a["_id"] for a in improvement.list_actions(True, uow)] == ["ACT-1"]


def test_an_action_failing_criteria_is_refused_naming_each(uow):
    with pytest.raises(InvalidInput) as refused:
        add(uow, due_at=NOW, statement=SmartStatement("", "NPS", "", "yes"))

    assert set(refused.value.errors) == {"specific", "achievable", "time_bound"}
    assert improvement.list_actions(False, uow) == []


def test_an_id_taken_by_another_action_is_a_conflict(uow):
    add(uow)

    with pytest.raises(Conflict, match="action_id"):
        add(uow, owner="luis")


def test_an_action_is_closed_with_its_measured_effect_once(uow):
    add(uow)
    closed = improvement.close_action("ACT-1", Decimal("22"), uow)

    assert improvement.close_action("ACT-1", Decimal("22"), uow) == closed
    assert (closed["state"], closed["effect"], closed["target_met"]) == (
        "closed",
        Decimal("17"),
        True,
    )
    assert improvement.list_actions(True, uow) == []
    with pytest.raises(Conflict, match="closed already"):
        improvement.close_action("ACT-1", Decimal("30"), uow)
    with pytest.raises(NotFound, match="action_id"):
        improvement.close_action("ACT-404", Decimal("1"), uow)
