"""Customers use cases on the in-memory unit of work."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientela.errors import Conflict, NotFound
from clientela.events import new_event, parse_event
from clientela.services.customers import handlers
from clientela.services.customers.dependencies import FakeCustomersStorage
from clientela.services.customers.domain import RecordPurchase


def converted(prospect_id: str, **person: str) -> object:
    return parse_event(
        new_event(
            "prospect_converted",
            {
                "prospect_id": prospect_id,
                "email": f"{prospect_id}@example.com",
                "source": "fairs",
                "captured_at": datetime(2026, 3, 1, tzinfo=UTC),
                "converted_at": datetime(2026, 3, 2, tzinfo=UTC),
                "basis": "contract",
                **person,
            },
        )
    )


@pytest.fixture
def uow():
    return FakeCustomersStorage()


@pytest.fixture
def customer_id(uow):
    """A captive customer, announced already (its events are cleared)."""
    created = handlers.create_captive_customer(converted("P-1"), uow)
    uow.events.envelopes.clear()
    return created


def test_a_conversion_creates_the_captive_customer_and_announces_it(uow):
    event = converted("P-1", first_name="Beto", last_name="Sosa", company="Sosa y Hnos")
    customer_id = handlers.create_captive_customer(event, uow)

    customer = handlers.get_customer(customer_id, uow)
    assert customer["prospect_id"] == "P-1" and customer["captive"] is True
    assert (customer["company"], customer["origin_source"]) == ("Sosa y Hnos", "fairs")
    assert handlers.find_by_prospect("P-1", uow)["_id"] == customer_id
    [created] = uow.events.envelopes
    assert created["type"] == "customer_created"
    assert created["payload"] == {
        "customer_id": customer_id,
        "prospect_id": "P-1",
        "name": "Beto Sosa",
        "email": "P-1@example.com",
        "captive": True,
        "created_at": customer["created_at"].isoformat(),
    }


def test_a_conversion_arriving_again_creates_and_announces_once(uow):
    event = converted("P-1")
    first = handlers.create_captive_customer(event, uow)
    again = handlers.create_captive_customer(event, uow)
    other_delivery = handlers.create_captive_customer(converted("P-1"), uow)

    assert first == again == other_delivery
    assert uow.events.types() == ["customer_created"]


def test_a_customer_without_a_name_is_announced_by_company_then_email(uow):
    handlers.create_captive_customer(converted("P-1", company="Díaz SA"), uow)
    handlers.create_captive_customer(converted("P-2"), uow)

    names = [event["payload"]["name"] for event in uow.events.envelopes]
    assert names == ["Díaz SA", "P-2@example.com"]


def test_unknown_customers_and_unconverted_prospects_are_not_found(uow):
    with pytest.raises(NotFound, match="customer_id"):
        handlers.get_customer("C-404", uow)
    with pytest.raises(NotFound, match="prospect_id"):
        handlers.find_by_prospect("P-404", uow)


def test_a_purchase_is_recorded_and_announced(uow, customer_id):
    bought_at = datetime(2026, 3, 5, 12, tzinfo=UTC)
    command = RecordPurchase(
        customer_id, Decimal("499.90"), product_line="telas", purchased_at=bought_at
    )
    purchase = handlers.record_purchase(command, uow)

    assert (purchase["amount"], purchase["currency"]) == (Decimal("499.90"), "MXN")
    [recorded] = uow.events.envelopes
    assert recorded["type"] == "purchase_recorded"
    assert recorded["payload"] == {
        "purchase_id": purchase["_id"],
        "customer_id": customer_id,
        "amount": "499.90",
        "currency": "MXN",
        "product_line": "telas",
        "channel": "",
        "purchased_at": bought_at.isoformat(),
    }


def test_a_purchase_recorded_again_is_the_first_record_announced_once(uow, customer_id):
    first = handlers.record_purchase(
        RecordPurchase(customer_id, Decimal("100"), purchase_id="F-1"), uow
    )
    again = handlers.record_purchase(
        RecordPurchase(customer_id, Decimal("100.00"), product_line="other", purchase_id="F-1"), uow
    )

    assert again == first
    assert uow.events.types() == ["purchase_recorded"]


@pytest.mark.parametrize(
    "changed",
    [
        {"amount": Decimal("250")},
        {"currency": "USD"},
    ],
)
def test_a_purchase_id_reused_with_other_data_is_a_conflict(uow, customer_id, changed):
    handlers.record_purchase(RecordPurchase(customer_id, Decimal("100"), purchase_id="F-1"), uow)
    retry = {"customer_id": customer_id, "amount": Decimal("100"), "purchase_id": "F-1", **changed}

    with pytest.raises(Conflict, match="purchase_id: 'F-1' is already recorded"):
        handlers.record_purchase(RecordPurchase(**retry), uow)
    assert uow.events.types() == ["purchase_recorded"]


def test_a_purchase_id_reused_for_another_customer_is_a_conflict(uow, customer_id):
    other = handlers.create_captive_customer(converted("P-2"), uow)
    handlers.record_purchase(RecordPurchase(customer_id, Decimal("100"), purchase_id="F-1"), uow)

    with pytest.raises(Conflict, match="purchase_id"):
        handlers.record_purchase(RecordPurchase(other, Decimal("100"), purchase_id="F-1"), uow)


def test_a_purchase_of_an_unknown_customer_is_refused_naming_the_field(uow):
    with pytest.raises(NotFound, match="customer_id"):
        handlers.record_purchase(RecordPurchase("C-404", Decimal("10")), uow)
    assert uow.purchases == {} and uow.events.envelopes == []
