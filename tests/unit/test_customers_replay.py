"""The customers service's replay on its in-memory unit of work: records as the handlers left
them give back the events kpi counts, as they were announced, the latest state of each."""

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from clientela import events
from clientela.events import new_event, parse_event
from clientela.services.customers import classifying, handlers
from clientela.services.customers.dependencies import FakeCustomersStorage
from clientela.services.customers.domain import (
    CreateCustomer,
    EditCustomer,
    RecordContract,
    RecordPurchase,
)
from clientela.services.customers.replay import REPLAY_SOURCES

from . import replay_checks

JANUARY = datetime(2026, 1, 5, 9, tzinfo=UTC)
FEBRUARY = datetime(2026, 2, 20, 9, tzinfo=UTC)
MARCH = datetime(2026, 3, 2, 10, tzinfo=UTC)


@pytest.fixture
def uow(monkeypatch):
    """Dora, created in January: her record corrected twice, two purchases, a contract
    delivered late, lost in March; Eva, a converted prospect. Events are announced a
    millisecond apart: kpi keeps a contract's latest state by when it was announced."""
    ticks = itertools.count()
    monkeypatch.setattr(
        events, "utcnow", lambda: MARCH + timedelta(days=1, milliseconds=next(ticks))
    )
    storage = FakeCustomersStorage()
    handlers.create_customer(CreateCustomer("CU-dora", created_at=JANUARY, company="Dora"), storage)
    converted = {
        "prospect_id": "P-eva",
        "email": "eva@example.com",
        "source": "fairs",
        "captured_at": JANUARY,
        "converted_at": FEBRUARY,
        "basis": "contract",
    }
    handlers.create_captive_customer(
        parse_event(new_event("prospect_converted", converted)), storage
    )
    for company, at in (("Dora Textil", JANUARY), ("Dora Textil SA", FEBRUARY)):
        handlers.edit_customer(
            EditCustomer("CU-dora", {"company": company}, "luis", changed_at=at), storage
        )
    for purchase_id, at in (("P-1", JANUARY), ("P-2", MARCH)):
        handlers.record_purchase(
            RecordPurchase(
                "CU-dora", Decimal("300.00"), "EUR", purchased_at=at, purchase_id=purchase_id
            ),
            storage,
        )
    contract = RecordContract("K-1", "CU-dora", Decimal("1200.00"), JANUARY, FEBRUARY, "EUR")
    handlers.record_contract(contract, storage)
    delivered = RecordContract(
        "K-1", "CU-dora", Decimal("1200.00"), JANUARY, FEBRUARY, "EUR", MARCH, "delivered"
    )
    handlers.record_contract(delivered, storage)
    classifying.mark_lost("CU-dora", "moved abroad", MARCH, storage)
    return storage


def key(event):
    payload = event["payload"]
    if event["type"] == "customer_updated":
        return payload["customer_id"], payload["changed_at"]
    for name in ("purchase_id", "contract_id", "customer_id"):
        if name in payload:
            return payload[name]
    raise AssertionError(event)


def test_each_record_gives_back_the_latest_event_announced_about_it(uow):
    latest = {(e["type"], key(e)): e["payload"] for e in uow.events.envelopes}
    latest["customer_created", "CU-dora"]["name"] = "Dora Textil SA"  # the name it has now

    replayed = replay_checks.replay_all(REPLAY_SOURCES, uow, limit=2)

    assert {(e["type"], key(e)): e["payload"] for e in replayed} == latest
    contract = next(e for e in replayed if e["type"] == "contract_recorded")
    assert (contract["payload"]["status"], contract["payload"]["value"]) == ("delivered", "1200.00")
    assert [e["type"] for e in replayed].count("customer_updated") == 2


def test_kpi_counts_the_replayed_events_as_it_counted_the_live_ones(uow):
    replayed = replay_checks.replay_all(REPLAY_SOURCES, uow)

    for live, rebuilt in replay_checks.kpi_reports(uow.events.envelopes, replayed):
        assert rebuilt == live
    assert len({e["id"] for e in replayed}) == len(replayed)


def updates(envelopes):
    return sorted(e["id"] for e in envelopes if e["type"] == "customer_updated")


def test_a_change_is_replayed_under_the_id_it_was_announced_with(uow):
    # kpi counts a record update by its event's id: live and replayed, it counts once
    replayed = replay_checks.replay_all(REPLAY_SOURCES, uow)

    assert updates(replayed) == updates(uow.events.envelopes)


def test_a_change_kept_without_its_events_id_is_replayed_under_the_same_id_each_time(uow):
    for entry in uow.customers["CU-dora"]["history"]:
        del entry["event_id"]

    first = replay_checks.replay_all(REPLAY_SOURCES, uow)

    assert updates(first) == updates(replay_checks.replay_all(REPLAY_SOURCES, uow, limit=1))
    assert len(updates(first)) == 2
    assert not set(updates(first)) & set(updates(uow.events.envelopes))
