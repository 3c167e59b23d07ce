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
from dataclasses import replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from clientela.checks import invalid, raise_problems
from clientela.columns import says_yes
from clientela.errors import ClientelaError, NotFound
from clientela.import_rows import (
    Fields,
    Outcome,
    import_batch,
    moment,
    new_report,
    outcome,
    plain,
    reject,
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
from clientela.services.customers.events import customer_created, purchase_recorded

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
    """Money as written: ``1234.50``, ``1,234.50``, ``$1,234.50`` or, Spanish style,
    ``1234,50``."""
    written = required(row, name).replace(" ", "").lstrip("$€")
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


def _customer_named(row: Fields) -> tuple[str, str]:
    """How the row names its customer: ``("customer_ref", ref)``, else ``("email", email)``."""
    ref = text(row, "customer_ref")
    if ref:
        return "customer_ref", ref
    email = text(row, "email").lower()
    if not email:
        raise invalid("customer_ref", "Give the customer's customer_ref or email.")
    return "email", email


def _found(named: tuple[str, str], customer: dict[str, Any] | None) -> dict[str, Any]:
    """The customer looked up as the row ``named`` it; NotFound saying so when there is none."""
    if customer is not None:
        return customer
    column, value = named
    if column == "email":
        raise NotFound(f"email: no customer with e-mail {value!r}")
    raise NotFound(f"customer_id: no customer {value!r}")


def _customer_id(row: Fields, uow: CustomersStorage) -> str:
    """The customer the row names by ``customer_ref``, else by ``email``; NotFound otherwise."""
    named = _customer_named(row)
    column, value = named
    lookup = uow.find_customer if column == "customer_ref" else uow.find_customer_by_email
    return _found(named, lookup(value))["_id"]


def _customer(row: Fields, now: datetime) -> dict[str, Any]:
    """The customer record a row creates, under its ``customer_ref``."""
    typology = text(row, "typology") or None
    return handlers.new_customer(
        CreateCustomer(
            customer_ref=required(row, "customer_ref"),
            email=text(row, "email").lower() or None,
            first_name=text(row, "name"),
            phone=text(row, "phone"),
            company=text(row, "company"),
            typology=typology,
            special=says_yes(text(row, "special")),
            created_at=moment(row, "created_at", now, past=True),
        )
    )


def import_customers(
    rows: list[dict[str, Any]], now: datetime, uow: CustomersStorage
) -> dict[str, Any]:
    """A batch of customer rows, each created once under its ``customer_ref``: the batch's
    customers known already are read in one query, the new ones inserted in one."""
    report = new_report()
    parsed = []
    for row in rows:
        try:
            parsed.append((row["line"], _customer(row["fields"], now)))
        except ClientelaError as exc:
            reject(report, row["line"], exc)
    known = uow.customers_by_ids({customer["_id"] for _, customer in parsed})
    new: list[tuple[int, dict[str, Any], Callable[[dict[str, Any]], object]]] = []
    for line, customer in parsed:
        try:
            existing = known.get(customer["_id"])
            if existing is not None:
                report[outcome(existing, handlers.same_customer(existing, customer))] += 1
                continue
            known[customer["_id"]] = customer  # the file may list it twice
            new.append((line, customer, partial(handlers.same_customer, customer=customer)))
        except ClientelaError as exc:
            reject(report, line, exc)
    if new:
        uow.mark_classification_stale(min(customer["created_at"] for _, customer, _ in new))
    _insert_new(
        new,
        lambda customers: uow.add_customers(customers, [customer_created(c) for c in customers]),
        uow.customers_by_ids,
        report,
    )
    report["rejected"].sort(key=lambda rejected: rejected["line"])
    return report


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


def _purchase(row: Fields, ref: str, now: datetime) -> RecordPurchase:
    """The purchase ``ref`` a row records, but for its customer (looked up with the batch's)."""
    return RecordPurchase(
        customer_id="",
        purchase_id=ref,
        amount=_amount(row, "amount"),
        currency=_currency(row),
        product_line=text(row, "product_line"),
        channel=text(row, "channel"),
        purchased_at=required_moment(row, "purchased_at", now, past=True),
    )


def import_purchases(
    rows: list[dict[str, Any]], now: datetime, uow: CustomersStorage
) -> dict[str, Any]:
    """A batch of purchase rows, each recorded once under its ``purchase_ref``.

    Purchases are what files hold most of, so a batch is read and written a few
    queries at a time rather than row by row: its customers, the purchases it
    repeats, and one insert of the new ones with their events.
    """
    report = new_report()
    parsed = []
    for row in rows:
        try:
            ref = required(row["fields"], "purchase_ref")
            named = _customer_named(row["fields"])
            parsed.append((row["line"], named, ref, _purchase(row["fields"], ref, now)))
        except ClientelaError as exc:
            reject(report, row["line"], exc)
    by_ref = uow.customers_by_ids({value for _, (col, value), _, _ in parsed if col != "email"})
    by_email = uow.customers_by_emails(
        {value for _, (col, value), _, _ in parsed if col == "email"}
    )
    recorded = uow.purchases_by_ids({ref for _, _, ref, _ in parsed})
    new: list[tuple[int, dict[str, Any], Callable[[dict[str, Any]], object]]] = []
    for line, named, ref, command in parsed:
        lookup = by_email if named[0] == "email" else by_ref
        try:
            customer = _found(named, lookup.get(named[1]))
            command = replace(command, customer_id=customer["_id"])
            existing = recorded.get(ref)
            if existing is not None:
                report[outcome(existing, handlers.same_purchase(existing, command))] += 1
                continue
            purchase = handlers.new_purchase(command, customer, uow)
            recorded[purchase["_id"]] = purchase  # the file may list it twice
            new.append((line, purchase, partial(handlers.same_purchase, command=command)))
        except ClientelaError as exc:
            reject(report, line, exc)
    if new:
        uow.mark_classification_stale(min(purchase["purchased_at"] for _, purchase, _ in new))
    _insert_new(
        new,
        lambda purchases: uow.add_purchases(purchases, [purchase_recorded(p) for p in purchases]),
        uow.purchases_by_ids,
        report,
    )
    report["rejected"].sort(key=lambda rejected: rejected["line"])
    return report


def _insert_new(
    new: list[tuple[int, dict[str, Any], Callable[[dict[str, Any]], object]]],
    insert: Callable[[list[dict[str, Any]]], set[str]],
    read: Callable[[set[str]], dict[str, dict[str, Any]]],
    report: dict[str, Any],
) -> None:
    """Insert the batch's ``new`` documents ``(line, document, same)`` and count them created;
    one another writer inserted meanwhile is unchanged when ``same(stored)`` accepts it as the
    same, rejected with its Conflict otherwise."""
    if not new:
        return
    taken = insert([document for _, document, _ in new])
    meanwhile = read(taken) if taken else {}
    for line, document, same in new:
        if document["_id"] not in taken:
            report["created"] += 1
            continue
        try:
            same(meanwhile[document["_id"]])
            report["unchanged"] += 1
        except ClientelaError as exc:
            reject(report, line, exc)


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
    "contracts": import_contract,
    "invoices": import_invoice,
}
"""The kinds imported row by row, each through its use case."""
BATCH_IMPORTERS = {"customers": import_customers, "purchases": import_purchases}
"""The kinds files hold most rows of, imported a batch at a time."""


def import_rows(
    kind: str, rows: list[dict[str, Any]], now: datetime, uow: CustomersStorage
) -> dict[str, Any]:
    """Write a batch of ``kind`` rows (``{"line": n, "fields": {...}}``); the batch's report:
    how many were created, updated and unchanged, and each rejected line with its errors."""
    if kind in BATCH_IMPORTERS:
        return BATCH_IMPORTERS[kind](rows, now, uow)
    if kind not in IMPORTERS:
        raise invalid("kind", f"Must be one of: {', '.join(RECORD_KINDS)}.")
    return import_batch(IMPORTERS[kind], rows, now, uow)
