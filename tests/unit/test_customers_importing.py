"""Importing customer records: rows in English or Spanish, idempotent on their reference,
rejected with the reason when they name an unknown customer or a future date."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientela.services.customers import handlers
from clientela.services.customers.dependencies import FakeCustomersStorage
from clientela.services.customers.importing import import_rows

NOW = datetime(2026, 6, 30, 12, tzinfo=UTC)


@pytest.fixture
def uow():
    return FakeCustomersStorage()


def rows(*fields):
    return [{"line": line, "fields": row} for line, row in enumerate(fields, start=2)]


def customer_rows():
    return rows(
        {
            "customer_ref": "CU-1",
            "name": "Ana Ruiz",
            "email": "Ana@Example.com",
            "typology": "Usuario Final",
            "special": "sí",
            "created_at": "15/01/2026",
        },
        {"customer_ref": "CU-2", "company": "Sosa y Hnos"},
    )


def test_customers_are_imported_once_under_their_reference(uow):
    first = import_rows("customers", customer_rows(), NOW, uow)
    again = import_rows("customers", customer_rows(), NOW, uow)

    assert first == {"created": 2, "updated": 0, "unchanged": 0, "rejected": []}
    assert again == {"created": 0, "updated": 0, "unchanged": 2, "rejected": []}
    ana = handlers.get_customer("CU-1", uow)
    assert (ana["email"], ana["typology"], ana["special"]) == (
        "ana@example.com",
        "end_user",
        True,
    )
    assert ana["created_at"] == datetime(2026, 1, 15, tzinfo=UTC)
    assert uow.events.types() == ["customer_created", "customer_created"]


def test_invoices_name_their_customer_by_ref_or_email_and_a_later_row_pays_one(uow):
    import_rows("customers", customer_rows(), NOW, uow)
    unpaid = {
        "invoice_ref": "F-1",
        "email": "ana@example.com",
        "amount": "1234,50",  # Spanish decimal comma
        "issued_at": "2026-03-01",
        "due_at": "2026-03-31",
    }

    assert import_rows("invoices", rows(unpaid), NOW, uow)["created"] == 1
    paid = import_rows("invoices", rows({**unpaid, "paid_at": "02/04/2026"}), NOW, uow)

    assert paid == {"created": 0, "updated": 1, "unchanged": 0, "rejected": []}
    [invoice] = handlers.invoices_of("CU-1", uow)
    assert (invoice["amount"], invoice["paid_at"]) == (
        Decimal("1234.50"),
        datetime(2026, 4, 2, tzinfo=UTC),
    )


def test_rows_naming_an_unknown_customer_or_a_future_date_are_rejected_with_the_reason(uow):
    import_rows("customers", customer_rows(), NOW, uow)
    purchase = {"customer_ref": "CU-1", "amount": "10", "purchased_at": "2026-06-01"}

    report = import_rows(
        "purchases",
        rows(
            {**purchase, "purchase_ref": "P-1"},
            {**purchase, "purchase_ref": "P-2", "customer_ref": "CU-404"},
            {**purchase, "purchase_ref": "P-3", "customer_ref": "", "email": "who@example.com"},
            {**purchase, "purchase_ref": "P-4", "purchased_at": "2026-07-01"},
            {**purchase, "purchase_ref": "P-5", "amount": "diez"},
        ),
        NOW,
        uow,
    )

    assert report["created"] == 1
    assert report["rejected"] == [
        {"line": 3, "errors": {"customer_id": ["no customer 'CU-404'"]}},
        {"line": 4, "errors": {"email": ["no customer with e-mail 'who@example.com'"]}},
        {
            "line": 5,
            "errors": {"purchased_at": ["Is in the future; it must have happened already."]},
        },
        {"line": 6, "errors": {"amount": ["'diez' is not an amount."]}},
    ]


def test_contracts_take_spanish_statuses_and_may_fall_due_in_the_future(uow):
    import_rows("customers", customer_rows(), NOW, uow)
    contract = {
        "contract_ref": "K-1",
        "customer_ref": "CU-2",
        "value": "5000",
        "signed_at": "2026-06-01",
        "due_at": "2026-09-01",
        "status": "Abierto",
    }

    report = import_rows(
        "contracts",
        rows(contract, {**contract, "contract_ref": "K-2", "status": "Entregado"}),
        NOW,
        uow,
    )

    assert report["created"] == 1
    assert report["rejected"] == [
        {"line": 3, "errors": {"delivered_at": ["Required when status is delivered."]}}
    ]
    [stored] = handlers.contracts_of("CU-2", uow, datetime.now(UTC))
    assert stored["status"] == "open"


def test_a_purchase_file_is_recorded_once_however_often_it_or_a_row_repeats(uow):
    import_rows("customers", customer_rows(), NOW, uow)
    bought = {"customer_ref": "CU-1", "amount": "10", "purchased_at": "2026-06-01"}
    file = rows(
        {**bought, "purchase_ref": "P-1"},
        {**bought, "purchase_ref": "P-2", "customer_ref": "", "email": "ANA@example.com"},
        {**bought, "purchase_ref": "P-1"},  # the export lists an order twice
        {**bought, "purchase_ref": "P-2", "amount": "99"},  # another order under a used ref
    )

    first = import_rows("purchases", file, NOW, uow)
    again = import_rows("purchases", file[:3], NOW, uow)

    assert first == {
        "created": 2,
        "updated": 0,
        "unchanged": 1,
        "rejected": [
            {"line": 5, "errors": {"purchase_id": ["'P-2' is already recorded with other data"]}}
        ],
    }
    assert again == {"created": 0, "updated": 0, "unchanged": 3, "rejected": []}
    assert uow.events.types() == ["customer_created"] * 2 + ["purchase_recorded"] * 2
    assert [p["customer_id"] for p in handlers.purchases_page("CU-1", 1, 10, uow)["items"]] == [
        "CU-1",
        "CU-1",
    ]


def test_a_customer_listed_twice_is_created_once_and_a_clashing_repeat_is_rejected(uow):
    report = import_rows(
        "customers",
        rows(
            {"customer_ref": "CU-7", "name": "Eva Soto"},
            {"customer_ref": "CU-7", "name": "Eva Soto"},
            {"customer_ref": "CU-7", "name": "Eva Sotomayor"},
            {"name": "Sin clave"},
        ),
        NOW,
        uow,
    )

    assert report == {
        "created": 1,
        "updated": 0,
        "unchanged": 1,
        "rejected": [
            {"line": 4, "errors": {"customer_ref": ["'CU-7' is already recorded with other data"]}},
            {"line": 5, "errors": {"customer_ref": ["Missing data for required field."]}},
        ],
    }
    assert uow.events.types() == ["customer_created"]
