"""Events handled in a batch leave the facts the same events leave one at a time, in any
order and however often they come."""

import itertools
from datetime import UTC, datetime, timedelta

from clientela.events import new_event, parse_event
from clientela.services.kpi import handlers
from clientela.services.kpi.dependencies import FakeKpiStorage

MAR = datetime(2026, 3, 2, 9, tzinfo=UTC)


def event(name, **payload):
    return parse_event(new_event(name, payload))


def captured(prospect_id, at, completeness):
    return event(
        "prospect_captured",
        prospect_id=prospect_id,
        source="fairs",
        fair="Expo Norte 2026",
        captured_at=at,
        identified_at=at,
        completeness=completeness,
        score=30,
    )


def updated(prospect_id, at, identified_at, completeness, first_contact_at=None):
    return event(
        "prospect_updated",
        prospect_id=prospect_id,
        completeness=completeness,
        score=40,
        reason="capture",
        updated_at=at,
        identified_at=identified_at,
        source="fairs",
        first_contact_at=first_contact_at,
    )


def purchase(purchase_id, customer_id, amount):
    return event(
        "purchase_recorded",
        purchase_id=purchase_id,
        customer_id=customer_id,
        amount=amount,
        currency="MXN",
        purchased_at=MAR,
        product_line="refacciones",
    )


IMPORT = {
    "prospect_captured": [
        captured("p1", MAR, 40.0),
        captured("p2", MAR + timedelta(hours=1), 60.0),
    ],
    "prospect_updated": [
        updated("p1", MAR + timedelta(days=2), MAR, 80.0),
        updated("p1", MAR + timedelta(days=1), MAR, 70.0, MAR + timedelta(hours=5)),
        updated("p2", MAR + timedelta(days=1), MAR - timedelta(days=3), 65.0),
    ],
}


def one_by_one(batches):
    uow = FakeKpiStorage()
    for kind, events in batches.items():
        for handled in events:
            getattr(handlers, f"handle_{kind}")(handled, uow)
    return uow.facts


def test_a_batch_leaves_the_facts_its_events_leave_one_by_one_in_any_order():
    expected = one_by_one(IMPORT)

    for order in itertools.permutations(IMPORT["prospect_updated"]):
        uow = FakeKpiStorage()
        handlers.handle_in_bulk(handlers.handle_prospect_updated, [*order, order[0]], uow)
        handlers.handle_in_bulk(handlers.handle_prospect_captured, IMPORT["prospect_captured"], uow)
        assert uow.facts == expected


def test_a_purchase_delivered_twice_in_a_batch_or_again_later_counts_once():
    uow = FakeKpiStorage()
    first, second = purchase("x1", "c1", "1250.00"), purchase("x2", "c1", "80.50")

    handlers.handle_in_bulk(handlers.handle_purchase_recorded, [first, second, first], uow)
    handlers.handle_in_bulk(handlers.handle_purchase_recorded, [second], uow)

    [(period, totals)] = uow.fact_totals("purchase", "month", None, None)
    assert (period, totals["count"]) == ("2026-03", 2)
    assert sorted(fact["amount"] for fact in uow.facts.values()) == ["1250.00", "80.50"]
