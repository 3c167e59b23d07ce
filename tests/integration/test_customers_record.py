"""The customer record over RPC on the real service: create, edit with history, contracts,
invoices, paged purchases; each write idempotent on its reference."""

import pytest

from clientela.errors import Conflict, InvalidInput, NotFound

pytestmark = pytest.mark.integration


@pytest.fixture
def customers(clientela_platform):
    return clientela_platform("customers").customers


def test_an_operator_builds_a_customer_record_over_rpc(customers):
    person = {"email": "ana@example.com", "first_name": "Ana", "typology": "usuario final"}
    created = customers.create(customer_ref="CU-1", **person)
    assert customers.create(customer_ref="CU-1", **person) == created  # a retry
    assert (created["id"], created["typology"], created["captive"]) == ("CU-1", "end_user", False)

    edited = customers.edit("CU-1", "maria", phone="555-0101", addresses=["Av. Juárez 10"])
    customers.edit("CU-1", "maria", phone="555-0101")  # changes nothing: no update
    [change] = customers.history("CU-1")
    assert edited["addresses"] == ["Av. Juárez 10"]
    assert change["changed_by"] == "maria"
    assert change["changes"] == [
        {"field": "addresses", "before": None, "after": ["Av. Juárez 10"]},
        {"field": "phone", "before": "", "after": "555-0101"},
    ]

    contract = {
        "contract_ref": "K-1",
        "customer_id": "CU-1",
        "value": "12000.00",
        "signed_at": "2026-03-01T09:00:00+00:00",
        "due_at": "2026-04-01T09:00:00+00:00",
    }
    customers.record_contract(**contract)
    delivered = customers.record_contract(
        **contract, status="delivered", delivered_at="2026-03-30T12:00:00-06:00"
    )
    assert delivered["delivered_at"] == "2026-03-30T18:00:00+00:00"
    [stored] = customers.contracts("CU-1")
    assert (stored["status"], stored["fulfilment"]) == ("delivered", "on_time")

    invoice = {
        "invoice_ref": "I-1",
        "customer_id": "CU-1",
        "amount": "800.50",
        "issued_at": "2026-03-01T09:00:00+00:00",
        "due_at": "2026-03-31T09:00:00+00:00",
    }
    customers.record_invoice(**invoice)
    customers.record_invoice(**invoice, paid_at="2026-04-02T10:00:00+00:00")
    [paid] = customers.invoices("CU-1")
    assert (paid["amount"], paid["paid_at"]) == ("800.50", "2026-04-02T10:00:00+00:00")

    for day in range(1, 4):
        customers.record_purchase(
            "CU-1", "10.00", purchase_id=f"F-{day}", purchased_at=f"2026-03-0{day}T10:00:00Z"
        )
    first = customers.purchases("CU-1", page=1, page_size=2)
    assert [p["id"] for p in first["items"]] == ["F-3", "F-2"] and first["has_more"]
    assert [p["id"] for p in customers.purchases("CU-1", page=2, page_size=2)["items"]] == ["F-1"]


def test_bad_writes_are_refused_naming_their_field(customers):
    customers.create(customer_ref="CU-1", email="ana@example.com")

    with pytest.raises(Conflict, match="customer_ref"):
        customers.create(customer_ref="CU-1", email="other@example.com")
    with pytest.raises(InvalidInput, match="captive"):
        customers.edit("CU-1", "maria", captive=True)
    with pytest.raises(NotFound, match="customer_id"):
        customers.record_invoice(
            invoice_ref="I-1",
            customer_id="CU-404",
            amount="1.00",
            issued_at="2026-03-01T09:00:00Z",
            due_at="2026-03-02T09:00:00Z",
        )
    with pytest.raises(InvalidInput, match="delivered_at"):
        customers.record_contract(
            contract_ref="K-1",
            customer_id="CU-1",
            value="1.00",
            signed_at="2026-03-01T09:00:00Z",
            due_at="2026-03-02T09:00:00Z",
            status="delivered",
        )
