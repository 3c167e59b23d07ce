"""Importing customers, contracts, purchases and invoices, a batch of file rows at a time.

Each row is written through the same use case as a single RPC call, so it is
idempotent on its reference: imported again it is ``unchanged``, or
``updated`` when a later delivery, status or payment moves a contract or an
invoice. A row whose customer (by ``customer_ref``, else ``email``) does not
exist, or with a date in the future where the past is required, is rejected
with the reason, and the rest of the batch goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from clientela.checks import invalid, raise_problems
from clientela.columns import says_yes
from clientela.errors import NotFound
from clientela.import_rows import (
    Fields,
    Outcome,
    import_batch,
    moment,
    outcome,
    plain,
    required,
    required_moment,
    text,
)
from clientela.services.customers import handlers
from clientela.services.customers.dependencies import CustomersStorage
from clientela.services.customers.domain import (
    CreateCustomer,
    RecordContract,
    RecordInvoice,
    RecordPurchase,
)

RECORD_KINDS = ("customers", "contracts", "purchases", "invoices")
CONTRACT_STATUS_NAMES = {
    "open": "open",
    "abierto": "open",
    "delivered": "delivered",
    "entregado": "delivered",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "cancelado": "cancelled",
    "breached": "breached",
    "incumplido": "breached",
}


def _amount(row: Fields, name: str) -> Decimal:
    """Money as written: ``1234.50``, ``1,234.50`` or, Spanish style, ``1234,50``."""
    written = required(row, name).replace(" ", "")
    if "," in written and "." not in written:
        written = written.replace(",", ".")
    try:
        amount = Decimal(written.replace(",", ""))
    except InvalidOperation:
        raise invalid(name, f"{text(row, name)!r} is not an amount.") from None
    if not amount.is_finite() or amount < 0 or amount != round(amount, 2):
        raise invalid(name, "Must be a non-negative amount with at most two decimals.")
    return amount


def _currency(row: Fields) -> str:
    currency = text(row, "currency").upper() or "MXN"
    raise_problems({"currency": None if len(currency) == 3 else "Must be a 3-letter code."})
    return currency


def _customer_id(row: Fields, uow: CustomersStorage) -> str:
    """The customer the row names by ``customer_ref``, else by ``email``; NotFound otherwise."""
    ref = text(row, "customer_ref")
    if ref:
        return handlers.get_customer(ref, uow)["_id"]
    email = text(row, "email").lower()
    if not email:
        raise invalid("customer_ref", "Give the customer's customer_ref or email.")
    customer = uow.find_customer_by_email(email)
    if customer is None:
        raise NotFound(f"email: no customer with e-mail {email!r}")
    return customer["_id"]


def import_customer(row: Fields, now: datetime, uow: CustomersStorage) -> Outcome:
    """One customer row: created once under its ``customer_ref``."""
    ref = required(row, "customer_ref")
    before = uow.find_customer(ref)
    typology = text(row, "typology") or None
    command = CreateCustomer(
        customer_ref=ref,
        email=text(row, "email").lower() or None,
        first_name=text(row, "name"),
        phone=text(row, "phone"),
        company=text(row, "company"),
        typology=typology,
        special=says_yes(text(row, "special")),
        created_at=moment(row, "created_at", now, past=True),
    )
    return outcome(before, handlers.create_customer(command, uow))


def import_contract(row: Fields, now: datetime, uow: CustomersStorage) -> Outcome:
    """One contract row: recorded once under its ``contract_ref``, later rows move its state."""
    ref = required(row, "contract_ref")
    status = CONTRACT_STATUS_NAMES.get(plain(text(row, "status") or "open"))
    if status is None:
        raise invalid("status", "Must be one of: open, delivered, cancelled, breached.")
    command = RecordContract(
        contract_ref=ref,
        customer_id=_customer_id(row, uow),
        value=_amount(row, "value"),
        currency=_currency(row),
        signed_at=required_moment(row, "signed_at", now, past=True),
        due_at=required_moment(row, "due_at", now, past=False),
        delivered_at=moment(row, "delivered_at", now, past=True),
        status=status,
    )
    if status == "delivered" and command.delivered_at is None:
        raise invalid("delivered_at", "Required when status is delivered.")
    before = uow.find_record("contracts", ref)
    return outcome(before, handlers.record_contract(command, uow))


def import_purchase(row: Fields, now: datetime, uow: CustomersStorage) -> Outcome:
    """One purchase row: recorded once under its ``purchase_ref``."""
    ref = required(row, "purchase_ref")
    command = RecordPurchase(
        customer_id=_customer_id(row, uow),
        amount=_amount(row, "amount"),
        currency=_currency(row),
        product_line=text(row, "product_line"),
        channel=text(row, "channel"),
        purchased_at=required_moment(row, "purchased_at", now, past=True),
        purchase_id=ref,
    )
    before = uow.find_record("purchases", ref)
    return outcome(before, handlers.record_purchase(command, uow))


def import_invoice(row: Fields, now: datetime, uow: CustomersStorage) -> Outcome:
    """One invoice row: recorded once under its ``invoice_ref``, a later row may pay it."""
    ref = required(row, "invoice_ref")
    command = RecordInvoice(
        invoice_ref=ref,
        customer_id=_customer_id(row, uow),
        amount=_amount(row, "amount"),
        currency=_currency(row),
        issued_at=required_moment(row, "issued_at", now, past=True),
        due_at=required_moment(row, "due_at", now, past=False),
        paid_at=moment(row, "paid_at", now, past=True),
    )
    before = uow.find_record("invoices", ref)
    return outcome(before, handlers.record_invoice(command, uow))


IMPORTERS: dict[str, Callable[[Fields, datetime, CustomersStorage], Outcome]] = {
    "customers": import_customer,
    "contracts": import_contract,
    "purchases": import_purchase,
    "invoices": import_invoice,
}


def import_rows(
    kind: str, rows: list[dict[str, Any]], now: datetime, uow: CustomersStorage
) -> dict[str, Any]:
    """Write a batch of ``kind`` rows (``{"line": n, "fields": {...}}``); the batch's report:
    how many were created, updated and unchanged, and each rejected line with its errors."""
    if kind not in IMPORTERS:
        raise invalid("kind", f"Must be one of: {', '.join(RECORD_KINDS)}.")
    return import_batch(IMPORTERS[kind], rows, now, uow)
