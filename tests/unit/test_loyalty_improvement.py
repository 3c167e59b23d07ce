"""SMART improvement actions kept by loyalty: opened when SMART, measured by kpi, closed
with their effect, announced."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientela.errors import Conflict, InvalidInput, NotFound, Unavailable
from clientela.services.loyalty import improvement
from clientela.services.loyalty.dependencies import FakeLoyaltyStorage
from clientela.services.loyalty.domain.actions import SmartStatement

NOW = datetime(2026, 12, 1, tzinfo=UTC)
LATER = datetime(2027, 4, 2, tzinfo=UTC)

STATEMENT = SmartStatement(
    specific="Call every detractor of the month within 48 hours",
    measurable="NPS of the next quarter",
    achievable="Two agents, one hour a day each",
    relevant="Detractors who are heard come back",
)


class FakeKpi:
    """kpi's ``indicators`` RPC: the periods it reports, and the calls it was asked."""

    def __init__(self, periods=(), answers=True):
        self.periods = list(periods)
        self.answers = answers
        self.asked = []

    def __call__(self, granularity, start, end):
        self.asked.append((granularity, start, end))
        if not self.answers:
            raise Unavailable("kpi: no answer within 5s; give the value by hand")
        return {"granularity": granularity, "periods": self.periods}


@pytest.fixture
def clock(monkeypatch):
    now = {"at": NOW}
    monkeypatch.setattr(improvement, "utcnow", lambda: now["at"])
    return now


@pytest.fixture
def uow(clock):
    return FakeLoyaltyStorage()


@pytest.fixture
def kpi():
    return FakeKpi(
        [
            {"period": "2026-11", "NPS": 8.0, "churn_rate": 4.5},
            {"period": "2027-03", "NPS": 23.0, "churn_rate": None},
            {"period": "2026-Q3", "NPS": 6.0},
        ]
    )


def add(uow, action_id="ACT-1", due_at=datetime(2027, 3, 31, tzinfo=UTC), kpi=None, **changed):
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
    return improvement.add_action(
        action_id=action_id, due_at=due_at, uow=uow, indicators=kpi or FakeKpi(), **fields
    )


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
    closed = improvement.close_action("ACT-1", Decimal("22"), uow, FakeKpi())

    assert improvement.close_action("ACT-1", Decimal("22"), uow, FakeKpi()) == closed
    assert (closed["state"], closed["effect"], closed["target_met"]) == (
        "closed",
        Decimal("17"),
        True,
    )
    assert improvement.list_actions(True, uow) == []
    with pytest.raises(Conflict, match="closed already"):
        improvement.close_action("ACT-1", Decimal("30"), uow, FakeKpi())
    with pytest.raises(NotFound, match="action_id"):
        improvement.close_action("ACT-404", Decimal("1"), uow, FakeKpi())


def test_before_is_read_from_kpi_in_the_latest_complete_month(uow, kpi):
    opened = add(uow, kpi=kpi, before=None)

    assert opened["before"] == "8.0"
    assert kpi.asked == [("month", "2026-11-01T00:00:00+00:00", "2026-12-01T00:00:00+00:00")]


def test_the_granularity_the_action_names_is_the_one_read(uow, kpi):
    opened = add(uow, kpi=kpi, before=None, granularity="quarter")

    assert (opened["before"], opened["granularity"]) == ("6.0", "quarter")


def test_before_given_by_hand_does_not_ask_kpi(uow, kpi):
    add(uow, kpi=kpi)

    assert kpi.asked == []


def test_no_value_in_kpi_fails_and_opens_nothing(uow, kpi):
    with pytest.raises(NotFound, match="before: kpi has no value of CSAT for 2026-11"):
        add(uow, kpi=kpi, before=None, indicator="CSAT")

    assert improvement.list_actions(False, uow) == []
    assert uow.events.envelopes == []


def test_kpi_not_answering_fails_clearly_and_opens_nothing(uow):
    with pytest.raises(Unavailable, match="kpi: no answer"):
        add(uow, kpi=FakeKpi(answers=False), before=None)

    assert improvement.list_actions(False, uow) == []


def test_a_retried_opening_does_not_measure_again(uow, kpi):
    opened = add(uow, kpi=kpi, before=None)
    kpi.periods = [{"period": "2026-11", "NPS": 9.0}]

    assert add(uow, kpi=kpi, before=None) == opened
    assert len(kpi.asked) == 1


def test_opening_for_an_alert_keeps_it_and_announces_the_action(uow, kpi):
    opened = add(uow, kpi=kpi, before=None, alert_id="AL-42")

    assert opened["alert_id"] == "AL-42"
    [event] = uow.events.envelopes
    assert event["type"] == "improvement_action_opened"
    assert event["payload"] == {
        "action_id": "ACT-1",
        "alert_id": "AL-42",
        "indicator": "NPS",
        "target": "20",
        "before": "8.0",
        "owner": "maria",
        "opened_at": "2026-12-01T00:00:00+00:00",
        "due_at": "2027-03-31T00:00:00+00:00",
    }
    add(uow, kpi=kpi, before=None, alert_id="AL-42")
    assert len(uow.events.envelopes) == 1


def test_after_is_read_from_kpi_when_closing_and_the_outcome_announced(uow, kpi, clock):
    add(uow, kpi=kpi, before=None)
    clock["at"] = LATER
    closed = improvement.close_action("ACT-1", None, uow, kpi)

    assert (closed["after"], closed["effect"], closed["target_met"]) == (
        "23.0",
        Decimal("15.0"),
        True,
    )
    assert kpi.asked[-1] == ("month", "2027-03-01T00:00:00+00:00", "2027-04-01T00:00:00+00:00")
    closing = uow.events.envelopes[-1]
    assert closing["type"] == "improvement_action_closed"
    assert closing["payload"] == {
        "action_id": "ACT-1",
        "alert_id": None,
        "indicator": "NPS",
        "before": "8.0",
        "after": "23.0",
        "effect": "15.0",
        "target_met": True,
        "closed_at": "2027-04-02T00:00:00+00:00",
    }
    assert improvement.close_action("ACT-1", None, uow, FakeKpi(answers=False)) == closed
    assert len(uow.events.envelopes) == 2


def test_closing_when_kpi_has_no_value_leaves_the_action_open(uow, kpi, clock):
    add(uow, kpi=kpi, before=None, indicator="churn_rate", target=Decimal("3"))
    clock["at"] = LATER

    with pytest.raises(NotFound, match="after: kpi has no value of churn_rate for 2027-03"):
        improvement.close_action("ACT-1", None, uow, kpi)
    assert [a["state"] for a in improvement.list_actions(False, uow)] == ["open"]
