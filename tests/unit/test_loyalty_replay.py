"""The loyalty service's replay on its in-memory unit of work: the journal and churn alarms
as the handlers left them give back the events kpi counts, as announced."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from clientela.events import new_event, parse_event
from clientela.services.loyalty import handlers, retention
from clientela.services.loyalty.dependencies import FakeLoyaltyStorage
from clientela.services.loyalty.replay import REPLAY_SOURCES

from . import replay_checks

NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)


def event(kind, **payload):
    return parse_event(new_event(kind, payload))


def purchase(purchase_id, amount, at):
    return event(
        "purchase_recorded",
        purchase_id=purchase_id,
        customer_id="CU-dora",
        amount=Decimal(amount),
        currency="EUR",
        purchased_at=at,
    )


def nps(answer_id, score, at):
    return event(
        "survey_answered",
        answer_id=answer_id,
        customer_id="CU-dora",
        survey="nps",
        score=score,
        category="detractor" if score <= 6 else "promoter",
        channel="web",
        answered_at=at,
    )


@pytest.fixture
def uow(monkeypatch):
    """Dora earned points on a purchase 120 days ago, was given 50 by hand and spent 150 on
    a coffee; a detractor answer raised a churn alarm, closed as retained, and another
    one raised an alarm still open."""
    monkeypatch.setattr(retention, "utcnow", lambda: NOW)
    monkeypatch.setattr(handlers, "utcnow", lambda: NOW)
    storage = FakeLoyaltyStorage()
    since = NOW - timedelta(days=400)
    customer = {"customer_id": "CU-dora", "prospect_id": None, "name": "Dora", "email": None}
    handlers.remember_customer(
        event("customer_created", **customer, captive=False, created_at=since), storage
    )
    bought = purchase("P-1", "300.00", NOW - timedelta(days=120))
    handlers.credit_purchase(bought, storage, points_per_unit=1.0)
    retention.note_purchase(bought, storage)
    handlers.adjust("CU-dora", 50, "late delivery", "luis", "goodwill-1", storage)
    handlers.redeem("CU-dora", "COFFEE", "coffee-1", storage)
    retention.note_answer(nps("A-1", 3, NOW - timedelta(days=10)), storage)
    retention.close_alarm("CU-dora-1", "retained", storage)
    retention.note_answer(nps("A-2", 2, NOW - timedelta(days=1)), storage)
    return storage


def key(event):
    payload = event["payload"]
    return event["type"], payload.get("entry_id") or payload["alarm_id"]


def test_each_entry_and_alarm_gives_back_the_events_announced_about_it(uow):
    announced = {key(e): e["payload"] for e in uow.events.envelopes if e["type"] != "tier_changed"}

    replayed = replay_checks.replay_all(REPLAY_SOURCES, uow, limit=1)

    assert {key(e): e["payload"] for e in replayed} == announced
    assert sorted(kind for kind, _ in announced) == [
        "churn_alarm_closed",
        "churn_alarm_raised",
        "churn_alarm_raised",
        "points_adjusted",
        "points_earned",
        "points_redeemed",
    ]


def test_kpi_counts_the_replayed_events_as_it_counted_the_live_ones(uow):
    replayed = replay_checks.replay_all(REPLAY_SOURCES, uow)

    reports = replay_checks.kpi_reports(uow.events.envelopes, replayed)

    for live, rebuilt in reports:
        assert rebuilt == live
    december = {row["period"]: row for row in reports[0][1]}["2026-12"]
    assert (december["points_adjusted"], december["points_redeemed"]) == (50, 150)
