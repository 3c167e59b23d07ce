"""Importing customers, contracts, purchases and invoices, a batch of file rows at a time.

Each row is written through the same use case as a single RPC call, so it is
idempotent on its reference: imported again it is ``unchanged``, or
``updated`` when a later delivery, status or payment moves a contract or an
invoice. A row whose customer (by ``customer_ref``, else ``email``) does not
exist, or with a date in the future where the past is required, is rejected
with the reason, and the rest of the batch goes on.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from clientela.checks import invalid, raise_problems
from clientela.columns import moment_text, says_yes
from clientela.errors import ClientelaError, InvalidInput, NotFound
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

Fields = Mapping[str, str]
Outcome = str
"""``created``, ``updated`` or ``unchanged``."""


def _plain(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.strip().lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _text(row: Fields, name: str) -> str:
    return (row.get(name) or "").strip()


def _required(row: Fields, name: str) -> str:
    value = _text(row, name)
    if not value:
        raise invalid(name, "Missing data for required field.")
    return value


def _moment(row: Fields, name: str, now: datetime, past: bool) -> datetime | None:
    """The row's date or time ``name`` (UTC when written without a zone); None when blank.

    With ``past``, a moment after ``now`` is refused: it has not happened yet.
    """
    value = _text(row, name)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(moment_text(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise invalid(name, str(exc)) from None
    if moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)
    if past and moment > now:
        raise invalid(name, "Is in the future; it must have happened already.")
    return moment


def _amount(row: Fields, name: str) -> Decimal:
    """Money as written: ``1234.50``, ``1,234.50``, ``$1,234.50`` or, Spanish style,
    ``1234,50``."""
    text = _required(row, name).replace(" ", "").lstrip("$€")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise invalid(name, f"{_text(row, name)!r} is not an amount.") from None
    if not amount.is_finite() or amount < 0 or amount != round(amount, 2):
        raise invalid(name, "Must be a non-negative amount with at most two decimals.")
    return amount


def _currency(row: Fields) -> str:
    currency = _text(row, "currency").upper() or "MXN"
    raise_problems({"currency": None if len(currency) == 3 else "Must be a 3-letter code."})
    return currency


def _customer_named(row: Fields) -> tuple[str, str]:
    """How the row names its customer: ``("customer_ref", ref)``, else ``("email", email)``."""
    ref = _text(row, "customer_ref")
    if ref:
        return "customer_ref", ref
    email = _text(row, "email").lower()
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


def _outcome(before: dict[str, Any] | None, after: dict[str, Any]) -> Outcome:
    if before is None:
        return "created"
    return "unchanged" if after == before else "updated"


def _customer(row: Fields, now: datetime) -> dict[str, Any]:
    """The customer record a row creates, under its ``customer_ref``."""
    typology = _text(row, "typology") or None
    return handlers.new_customer(
        CreateCustomer(
            customer_ref=_required(row, "customer_ref"),
            email=_text(row, "email").lower() or None,
            first_name=_text(row, "name"),
            phone=_text(row, "phone"),
            company=_text(row, "company"),
            typology=typology,
            special=says_yes(_text(row, "special")),
            created_at=_moment(row, "created_at", now, past=True),
        )
    )


def import_customers(
    rows: list[dict[str, Any]], now: datetime, uow: CustomersStorage
) -> dict[str, Any]:
    """A batch of customer rows, each created once under its ``customer_ref``: the batch's
    customers known already are read in one query, the new ones inserted in one."""
    report = _new_report()
    parsed = []
    for row in rows:
        try:
            parsed.append((row["line"], _customer(row["fields"], now)))
        except ClientelaError as exc:
            _reject(report, row["line"], exc)
    known = uow.customers_by_ids({customer["_id"] for _, customer in parsed})
    new: list[tuple[int, dict[str, Any], Callable[[dict[str, Any]], object]]] = []
    for line, customer in parsed:
        try:
            existing = known.get(customer["_id"])
            if existing is not None:
                report[_outcome(existing, handlers.same_customer(existing, customer))] += 1
                continue
            known[customer["_id"]] = customer  # the file may list it twice
            new.append((line, customer, partial(handlers.same_customer, customer=customer)))
        except ClientelaError as exc:
            _reject(report, line, exc)
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
    ref = _required(row, "contract_ref")
    status = CONTRACT_STATUS_NAMES.get(_plain(_text(row, "status") or "open"))
    if status is None:
        raise invalid("status", "Must be one of: open, delivered, cancelled, breached.")
    command = RecordContract(
        contract_ref=ref,
        customer_id=_customer_id(row, uow),
        value=_amount(row, "value"),
        currency=_currency(row),
        signed_at=_moment(row, "signed_at", now, past=True) or _missing("signed_at"),
        due_at=_moment(row, "due_at", now, past=False) or _missing("due_at"),
        delivered_at=_moment(row, "delivered_at", now, past=True),
        status=status,
    )
    if status == "delivered" and command.delivered_at is None:
        raise invalid("delivered_at", "Required when status is delivered.")
    before = uow.find_record("contracts", ref)
    return _outcome(before, handlers.record_contract(command, uow))


def _purchase(row: Fields, ref: str, now: datetime) -> RecordPurchase:
    """The purchase ``ref`` a row records, but for its customer (looked up with the batch's)."""
    return RecordPurchase(
        customer_id="",
        purchase_id=ref,
        amount=_amount(row, "amount"),
        currency=_currency(row),
        product_line=_text(row, "product_line"),
        channel=_text(row, "channel"),
        purchased_at=_moment(row, "purchased_at", now, past=True) or _missing("purchased_at"),
    )


def import_purchases(
    rows: list[dict[str, Any]], now: datetime, uow: CustomersStorage
) -> dict[str, Any]:
    """A batch of purchase rows, each recorded once under its ``purchase_ref``.

    Purchases are what files hold most of, so a batch is read and written a few
    queries at a time rather than row by row: its customers, the purchases it
    repeats, and one insert of the new ones with their events.
    """
    report = _new_report()
    parsed = []
    for row in rows:
        try:
            ref = _required(row["fields"], "purchase_ref")
            named = _customer_named(row["fields"])
            parsed.append((row["line"], named, ref, _purchase(row["fields"], ref, now)))
        except ClientelaError as exc:
            _reject(report, row["line"], exc)
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
                report[_outcome(existing, handlers.same_purchase(existing, command))] += 1
                continue
            purchase = handlers.new_purchase(command, customer, uow)
            recorded[purchase["_id"]] = purchase  # the file may list it twice
            new.append((line, purchase, partial(handlers.same_purchase, command=command)))
        except ClientelaError as exc:
            _reject(report, line, exc)
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
            _reject(report, line, exc)


def import_invoice(row: Fields, now: datetime, uow: CustomersStorage) -> Outcome:
    """One invoice row: recorded once under its ``invoice_ref``, a later row may pay it."""
    ref = _required(row, "invoice_ref")
    command = RecordInvoice(
        invoice_ref=ref,
        customer_id=_customer_id(row, uow),
        amount=_amount(row, "amount"),
        currency=_currency(row),
        issued_at=_moment(row, "issued_at", now, past=True) or _missing("issued_at"),
        due_at=_moment(row, "due_at", now, past=False) or _missing("due_at"),
        paid_at=_moment(row, "paid_at", now, past=True),
    )
    before = uow.find_record("invoices", ref)
    return _outcome(before, handlers.record_invoice(command, uow))


def _missing(name: str) -> datetime:
    raise invalid(name, "Missing data for required field.")


IMPORTERS: dict[str, Callable[[Fields, datetime, CustomersStorage], Outcome]] = {
    "contracts": import_contract,
    "invoices": import_invoice,
}
"""The kinds imported row by row, each through its use case."""
BATCH_IMPORTERS = {"customers": import_customers, "purchases": import_purchases}
"""The kinds files hold most rows of, imported a batch at a time."""


def _errors(exc: ClientelaError) -> dict[str, Any]:
    if isinstance(exc, InvalidInput):
        return exc.errors
    field, _, message = str(exc).partition(": ")
    return {field: [message]} if message else {"row": [field]}


def import_rows(
    kind: str, rows: list[dict[str, Any]], now: datetime, uow: CustomersStorage
) -> dict[str, Any]:
    """Write a batch of ``kind`` rows (``{"line": n, "fields": {...}}``); the batch's report:
    how many were created, updated and unchanged, and each rejected line with its errors."""
    if kind in BATCH_IMPORTERS:
        return BATCH_IMPORTERS[kind](rows, now, uow)
    if kind not in IMPORTERS:
        raise invalid("kind", f"Must be one of: {', '.join(RECORD_KINDS)}.")
    report = _new_report()
    for row in rows:
        try:
            report[IMPORTERS[kind](row["fields"], now, uow)] += 1
        except ClientelaError as exc:
            _reject(report, row["line"], exc)
    return report


def _new_report() -> dict[str, Any]:
    return {"created": 0, "updated": 0, "unchanged": 0, "rejected": []}


def _reject(report: dict[str, Any], line: int, exc: ClientelaError) -> None:
    report["rejected"].append({"line": line, "errors": _errors(exc)})
