"""The customer record, its history (I5), contracts, invoices and paged purchases, on the fake."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from clientela.errors import Conflict, InvalidInput, NotFound
from clientela.services.customers import handlers
from clientela.services.customers.dependencies import FakeCustomersStorage
from clientela.services.customers.domain import (
    CreateCustomer,
    EditCustomer,
    RecordContract,
    RecordInvoice,
    RecordPurchase,
)

SIGNED = datetime(2026, 3, 1, 9, tzinfo=UTC)
DUE = datetime(2026, 4, 1, 9, tzinfo=UTC)


@pytest.fixture
def uow():
    return FakeCustomersStorage()


@pytest.fixture
def customer_id(uow):
    """An operator's customer, announced already (its events are cleared)."""
    created = handlers.create_customer(
        CreateCustomer("CU-1", email="ana@example.com", first_name="Ana", typology="Prescriptor"),
        uow,
    )
    uow.events.envelopes.clear()
    return created["_id"]


def test_an_operator_creates_a_customer_under_their_reference_once(uow):
    command = CreateCustomer("CU-1", email="ana@example.com", company="Ruiz SA", special=True)
    first = handlers.create_customer(command, uow)
    again = handlers.create_customer(command, uow)

    assert first["_id"] == again["_id"] == "CU-1"
    assert (again["captive"], again["special"], again["company"]) == (False, True, "Ruiz SA")
    assert uow.events.types() == ["customer_created"]
    assert uow.events.envelopes[0]["payload"]["prospect_id"] is None


def test_a_reference_created_again_with_other_data_is_a_conflict(uow, customer_id):
    with pytest.raises(Conflict, match="customer_ref: 'CU-1'"):
        handlers.create_customer(CreateCustomer("CU-1", email="other@example.com"), uow)


def test_typology_is_read_in_spanish_and_stored_in_english(uow, customer_id):
    assert handlers.get_customer(customer_id, uow)["typology"] == "prescriber"
    with pytest.raises(InvalidInput, match="typology"):
        handlers.create_customer(CreateCustomer("CU-2", typology="wholesaler"), uow)


def test_an_edit_keeps_who_when_and_each_field_before_and_after(uow, customer_id):
    at = datetime(2026, 5, 2, 10, tzinfo=UTC)
    edits = {"phone": "555-0101", "first_name": "Ana María", "needs": "fast delivery"}
    record = handlers.edit_customer(EditCustomer(customer_id, edits, "maria", at), uow)

    assert (record["phone"], record["first_name"]) == ("555-0101", "Ana María")
    [updated] = uow.events.envelopes
    assert handlers.customer_history(customer_id, uow) == [
        {
            "changed_by": "maria",
            "changed_at": at,
            "changes": [
                {"field": "first_name", "before": "Ana", "after": "Ana María"},
                {"field": "needs", "before": None, "after": "fast delivery"},
                {"field": "phone", "before": "", "after": "555-0101"},
            ],
            "event_id": updated["id"],
        }
    ]
    assert updated["type"] == "customer_updated"
    assert updated["payload"] == {
        "customer_id": customer_id,
        "changed_by": "maria",
        "changed_at": at.isoformat(),
        "changed_fields": ["first_name", "needs", "phone"],
    }


def test_a_write_that_changes_nothing_is_no_update(uow, customer_id):
    edit = EditCustomer(customer_id, {"phone": "555-0101"}, "maria")
    handlers.edit_customer(edit, uow)
    handlers.edit_customer(edit, uow)  # the same edit again: a retry
    handlers.edit_customer(EditCustomer(customer_id, {"first_name": "Ana", "needs": ""}, "li"), uow)

    assert len(handlers.customer_history(customer_id, uow)) == 1
    assert uow.events.types() == ["customer_updated"]


def test_an_edit_of_a_field_outside_the_record_is_refused(uow, customer_id):
    with pytest.raises(InvalidInput, match="captive"):
        handlers.edit_customer(EditCustomer(customer_id, {"captive": False}, "maria"), uow)
    with pytest.raises(NotFound, match="customer_id"):
        handlers.edit_customer(EditCustomer("CU-404", {"phone": "1"}, "maria"), uow)


def contract(customer_id: str, **changes) -> RecordContract:
    terms = {
        "contract_ref": "K-1",
        "customer_id": customer_id,
        "value": Decimal("12000.00"),
        "signed_at": SIGNED,
        "due_at": DUE,
    }
    return RecordContract(**{**terms, **changes})


def test_a_contract_is_recorded_once_then_its_delivery_is_announced(uow, customer_id):
    handlers.record_contract(contract(customer_id), uow)
    handlers.record_contract(contract(customer_id), uow)
    delivered_at = DUE - timedelta(days=2)
    delivered = handlers.record_contract(
        contract(customer_id, delivered_at=delivered_at, status="delivered"), uow
    )
    handlers.record_contract(
        contract(customer_id, delivered_at=delivered_at, status="delivered"), uow
    )

    assert (delivered["status"], delivered["delivered_at"]) == ("delivered", delivered_at)
    assert uow.events.types() == ["contract_recorded", "contract_recorded"]
    latest = uow.events.envelopes[-1]["payload"]
    assert latest == {
        "contract_id": "K-1",
        "customer_id": customer_id,
        "value": "12000.00",
        "currency": "MXN",
        "signed_at": SIGNED.isoformat(),
        "due_at": DUE.isoformat(),
        "delivered_at": delivered_at.isoformat(),
        "status": "delivered",
    }
    assert handlers.contracts_of(customer_id, uow, DUE) == [{**delivered, "fulfilment": "on_time"}]


@pytest.mark.parametrize(
    ("days_after_due", "grace_days", "status", "stands"),
    [
        (10, 30, "open", "open"),  # undelivered, within the grace
        (40, 30, "open", "breached"),  # undelivered past the grace
        (40, 60, "open", "open"),  # a longer grace, set by the operator
        (1, 30, "breached", "breached"),  # marked breached whatever the dates
        (40, 30, "cancelled", "cancelled"),
    ],
)
def test_a_contracts_fulfilment_follows_its_dates_and_the_breach_grace(
    uow, customer_id, days_after_due, grace_days, status, stands
):
    handlers.record_contract(contract(customer_id, status=status), uow)

    as_of = DUE + timedelta(days=days_after_due)
    [found] = handlers.contracts_of(customer_id, uow, as_of, grace_days)

    assert found["fulfilment"] == stands


@pytest.mark.parametrize(
    "changed", [{"value": Decimal("1")}, {"due_at": DUE + timedelta(days=1)}, {"currency": "USD"}]
)
def test_a_contract_reference_with_other_terms_is_a_conflict(uow, customer_id, changed):
    handlers.record_contract(contract(customer_id), uow)

    with pytest.raises(Conflict, match="contract_ref: 'K-1'"):
        handlers.record_contract(contract(customer_id, **changed), uow)
    assert uow.events.types() == ["contract_recorded"]


def test_a_contract_or_invoice_of_an_unknown_customer_is_refused(uow):
    with pytest.raises(NotFound, match="customer_id"):
        handlers.record_contract(contract("CU-404"), uow)
    with pytest.raises(NotFound, match="customer_id"):
        handlers.record_invoice(RecordInvoice("I-1", "CU-404", Decimal(1), SIGNED, DUE), uow)
    assert uow.contracts == {} and uow.invoices == {}


def test_an_invoice_is_recorded_once_then_its_payment(uow, customer_id):
    invoice = RecordInvoice("I-1", customer_id, Decimal("800.50"), SIGNED, DUE)
    handlers.record_invoice(invoice, uow)
    handlers.record_invoice(invoice, uow)
    paid_at = DUE + timedelta(days=3)
    paid = handlers.record_invoice(
        RecordInvoice("I-1", customer_id, Decimal("800.50"), SIGNED, DUE, paid_at=paid_at), uow
    )

    assert paid["paid_at"] == paid_at
    assert uow.events.types() == ["invoice_recorded", "invoice_recorded"]
    assert uow.events.envelopes[0]["payload"]["paid_at"] is None
    assert handlers.invoices_of(customer_id, uow) == [paid]


def test_an_invoice_due_before_it_was_issued_is_refused(uow, customer_id):
    with pytest.raises(InvalidInput, match="due_at"):
        handlers.record_invoice(RecordInvoice("I-1", customer_id, Decimal(1), DUE, SIGNED), uow)


def test_purchases_are_read_a_page_at_a_time_latest_first(uow, customer_id):
    for day in range(1, 6):
        bought = RecordPurchase(
            customer_id,
            Decimal(day),
            channel="store",
            purchased_at=datetime(2026, 3, day, tzinfo=UTC),
            purchase_id=f"F-{day}",
        )
        handlers.record_purchase(bought, uow)

    first = handlers.purchases_page(customer_id, 1, 2, uow)
    last = handlers.purchases_page(customer_id, 3, 2, uow)

    assert [p["_id"] for p in first["items"]] == ["F-5", "F-4"] and first["has_more"]
    assert [p["_id"] for p in last["items"]] == ["F-1"] and not last["has_more"]
    assert first["items"][0]["channel"] == "store"
