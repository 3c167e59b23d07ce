"""The customers fake unit of work answers as the MongoDB one does."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientela.services.customers.dependencies import CustomersStorage, FakeCustomersStorage
from clientela.storage import RecordedEvents

CREATED_AT = datetime(2026, 3, 1, 12, 30, 15, 123000, tzinfo=UTC)


@pytest.fixture(params=["fake", pytest.param("mongodb", marks=pytest.mark.integration)])
def uow(request):
    if request.param == "fake":
        return FakeCustomersStorage()
    database = request.getfixturevalue("service_database")("customers")
    return CustomersStorage(database, RecordedEvents())


def customer(customer_id: str, prospect_id: str) -> dict:
    return {
        "_id": customer_id,
        "prospect_id": prospect_id,
        "email": None,
        "first_name": "Ana",
        "last_name": "Ruiz",
        "phone": "",
        "company": "",
        "captive": True,
        "origin_source": "fairs",
        "created_at": CREATED_AT,
    }


def purchase(purchase_id: str, amount: str) -> dict:
    return {
        "_id": purchase_id,
        "customer_id": "C-1",
        "amount": Decimal(amount),
        "currency": "MXN",
        "product_line": "",
        "purchased_at": CREATED_AT,
    }


def test_a_prospect_becomes_one_customer_announced_once(uow):
    assert uow.add_captive_customer(customer("C-1", "P-1"), {"id": "E-1"}) is None
    assert uow.add_captive_customer(customer("C-2", "P-1"), {"id": "E-2"}) == "C-1"

    assert [e["id"] for e in uow.events.envelopes] == ["E-1"]
    assert uow.find_customer("C-1") == customer("C-1", "P-1")
    assert uow.find_customer_by_prospect("P-1") == customer("C-1", "P-1")
    assert uow.find_customer("C-2") is None


def test_customers_that_do_not_exist_are_none(uow):
    uow.add_captive_customer(customer("C-1", "P-1"), {"id": "E-1"})

    assert uow.find_customer("C-404") is None
    assert uow.find_customer_by_prospect("P-404") is None


def test_a_purchase_is_inserted_once_with_its_exact_amount(uow):
    assert uow.add_purchase(purchase("F-1", "499.90"), {"id": "E-1"}) is None
    stored = uow.add_purchase(purchase("F-1", "1"), {"id": "E-2"})

    assert stored == purchase("F-1", "499.90")
    assert str(stored["amount"]) == "499.90"
    assert [e["id"] for e in uow.events.envelopes] == ["E-1"]
