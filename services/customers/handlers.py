"""Customer use cases: the customer record and its history, contracts, purchases, invoices.

Writes that change what classification reads note it stale first (see
:mod:`clientela.services.customers.classifying`): noted before, so a crash
in between costs a needless run, never a missed one.

Each takes a command, an event or an id, and the service's unit of work
(:mod:`clientela.services.customers.dependencies`). Every write is
idempotent on the caller's reference: written again, it changes and announces
nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from clientela.clock import utcnow
from clientela.errors import Conflict, NotFound
from clientela.events import Event
from clientela.services.customers import events
from clientela.services.customers.dependencies import CustomersStorage
from clientela.services.customers.domain import (
    CreateCustomer,
    EditCustomer,
    RecordContract,
    RecordInvoice,
    RecordPurchase,
)
from clientela.services.customers.domain.classification import parse_typology
from clientela.services.customers.domain.contracts import (
    DEFAULT_BREACH_GRACE_DAYS,
    Contract,
    fulfilment,
)
from clientela.services.customers.domain.credit import over_limit
from clientela.services.customers.domain.history import record_change
from clientela.services.customers.domain.receivables import Invoice

PERSON_FIELDS = ("email", "first_name", "last_name", "phone", "company")
"""What a customer keeps of the prospect they were."""
CREATION_FIELDS = (*PERSON_FIELDS, "position", "typology", "special")
"""What an operator's creation sets; a creation repeated with other values is a conflict."""
CONTRACT_TERMS = ("customer_id", "value", "currency", "signed_at", "due_at")
"""What a contract's reference fixes for good."""
CONTRACT_PROGRESS = ("delivered_at", "status")
"""What may move on a recorded contract."""
INVOICE_TERMS = ("customer_id", "amount", "currency", "issued_at", "due_at")
"""What an invoice's reference fixes for good."""
INVOICE_PROGRESS = ("paid_at",)
"""What may move on a recorded invoice."""
CLASSIFIED_FIELDS = frozenset({"special", "typology"})
"""The fields of the record classification reads: editing them makes it stale."""
WRITE_ATTEMPTS = 5
"""How often a write that lost a race with another writer is redone from a fresh read."""


def stored_time(moment: datetime) -> datetime:
    """``moment`` in UTC to the millisecond, as MongoDB keeps it, so a repeat compares equal."""
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _stored_or_none(moment: datetime | None) -> datetime | None:
    return None if moment is None else stored_time(moment)


# -- the customer record -----------------------------------------------------------------------


def create_captive_customer(event: Event, uow: CustomersStorage) -> str:
    """Create the customer a converted prospect became; once, however often called.

    Returns the customer's id, the first one's when the conversion arrives again.
    """
    converted = event.payload
    customer = {
        "_id": uuid.uuid4().hex,
        "prospect_id": converted["prospect_id"],
        **{field: converted[field] for field in PERSON_FIELDS},
        "captive": True,
        "origin_source": converted["source"],
        "created_at": utcnow(),
    }
    uow.mark_classification_stale(customer["created_at"])
    existing = uow.add_captive_customer(customer, events.customer_created(customer))
    return existing or customer["_id"]


def create_customer(command: CreateCustomer, uow: CustomersStorage) -> dict[str, Any]:
    """An operator's customer, under their ``customer_ref``; once per reference.

    Returns the customer as stored. Conflict when the reference was created
    with other values.
    """
    customer = new_customer(command)
    uow.mark_classification_stale(customer["created_at"])
    existing = uow.add_customer(customer, events.customer_created(customer))
    if existing is None:
        return customer
    return same_customer(existing, customer)


def new_customer(command: CreateCustomer) -> dict[str, Any]:
    """The record ``command`` creates (its id, when the command has no reference, made up)."""
    return {
        "_id": command.customer_ref or uuid.uuid4().hex,
        "email": command.email,
        "first_name": command.first_name,
        "last_name": command.last_name,
        "phone": command.phone,
        "company": command.company,
        "position": command.position,
        "typology": parse_typology(command.typology).value if command.typology else None,
        "special": command.special,
        "captive": False,
        "origin_source": "",
        "created_at": stored_time(command.created_at or utcnow()),
        "version": 0,
    }


def same_customer(existing: dict[str, Any], customer: dict[str, Any]) -> dict[str, Any]:
    """``existing``, created under ``customer``'s reference already, when ``customer`` repeats
    its creation; Conflict when it sets other values."""
    if any(existing.get(field) != customer[field] for field in CREATION_FIELDS):
        raise Conflict(f"customer_ref: {customer['_id']!r} is already recorded with other data")
    return existing


def get_customer(customer_id: str, uow: CustomersStorage) -> dict[str, Any]:
    """The customer with ``customer_id``; NotFound otherwise."""
    customer = uow.find_customer(customer_id)
    if customer is None:
        raise NotFound(f"customer_id: no customer {customer_id!r}")
    return customer


def find_by_prospect(prospect_id: str, uow: CustomersStorage) -> dict[str, Any]:
    """The customer a prospect became; NotFound when it has not (yet)."""
    customer = uow.find_customer_by_prospect(prospect_id)
    if customer is None:
        raise NotFound(f"prospect_id: no customer from prospect {prospect_id!r}")
    return customer


def edit_customer(command: EditCustomer, uow: CustomersStorage) -> dict[str, Any]:
    """Write an operator's edits to a customer's record, keeping the change in its history.

    Edits that change nothing write nothing and announce nothing, so an edit
    repeated is harmless. Returns the record as it is now.
    """
    changed_at = stored_time(command.changed_at or utcnow())
    edits = {  # spends are kept as exact decimal text, as events carry them
        field: str(value) if isinstance(value, Decimal) else value
        for field, value in command.edits.items()
    }
    if edits.get("typology"):
        edits["typology"] = parse_typology(edits["typology"]).value
    for _ in range(WRITE_ATTEMPTS):
        customer = get_customer(command.customer_id, uow)
        change = record_change(customer["_id"], customer, edits, command.changed_by, changed_at)
        if change is None:
            return customer
        values = {c.field: c.after for c in change.changes}
        announced = events.customer_updated(change)
        entry = {
            "changed_by": change.changed_by,
            "changed_at": change.changed_at,
            "changes": [
                {"field": c.field, "before": c.before, "after": c.after} for c in change.changes
            ],
            "event_id": announced["id"],  # a replay announces the change under the same id
        }
        if CLASSIFIED_FIELDS & set(values):
            uow.mark_classification_stale(changed_at)
        version = customer.get("version")
        if uow.save_edit(customer["_id"], version, values, entry, announced):
            return {**customer, **values, "version": (version or 0) + 1}
    raise Conflict(f"customer_id: {command.customer_id!r} kept changing meanwhile; try again")


def customer_history(customer_id: str, uow: CustomersStorage) -> list[dict[str, Any]]:
    """Every change made to a customer's record, oldest first; NotFound for no such customer."""
    get_customer(customer_id, uow)
    return uow.customer_history(customer_id)


# -- purchases ---------------------------------------------------------------------------------


def record_purchase(command: RecordPurchase, uow: CustomersStorage) -> dict[str, Any]:
    """Record a purchase of a customer; the same ``purchase_id`` records once.

    Returns the purchase as stored. NotFound for an unknown customer; Conflict
    when a repeated ``purchase_id`` carries another customer, amount or currency.
    """
    purchase = new_purchase(command, get_customer(command.customer_id, uow), uow)
    uow.mark_classification_stale(purchase["purchased_at"])
    existing = uow.add_purchase(purchase, events.purchase_recorded(purchase))
    if existing is None:
        return purchase
    return same_purchase(existing, command)


def new_purchase(
    command: RecordPurchase, customer: dict[str, Any], uow: CustomersStorage
) -> dict[str, Any]:
    """The purchase ``command`` records for ``customer`` (its id, when the command has none,
    made up), flagged when it takes the customer over their credit limit."""
    return {
        "_id": command.purchase_id or uuid.uuid4().hex,
        "customer_id": command.customer_id,
        "amount": command.amount,
        "currency": command.currency,
        "product_line": command.product_line,
        "channel": command.channel,
        "purchased_at": stored_time(command.purchased_at or utcnow()),
        "over_limit": over_limit_flag(customer, command.amount, uow),
    }


def same_purchase(existing: dict[str, Any], command: RecordPurchase) -> dict[str, Any]:
    """``existing``, recorded under the command's ``purchase_id`` already, when the command
    repeats it; Conflict when it carries another customer, amount or currency."""
    same_request = (command.customer_id, command.amount, command.currency)
    if (existing["customer_id"], existing["amount"], existing["currency"]) != same_request:
        raise Conflict(f"purchase_id: {existing['_id']!r} is already recorded with other data")
    return existing


def purchases_page(
    customer_id: str, page: int, page_size: int, uow: CustomersStorage
) -> dict[str, Any]:
    """Page ``page`` (from 1) of a customer's purchases, latest first, ``page_size`` a page.

    ``has_more`` says whether a next page holds anything.
    """
    get_customer(customer_id, uow)
    found = uow.purchases_of(customer_id, (page - 1) * page_size, page_size + 1)
    return {
        "items": found[:page_size],
        "page": page,
        "page_size": page_size,
        "has_more": len(found) > page_size,
    }


# -- contracts and invoices --------------------------------------------------------------------


def record_contract(command: RecordContract, uow: CustomersStorage) -> dict[str, Any]:
    """Record a contract, or its delivery or new status; returns the contract as stored.

    NotFound for an unknown customer; Conflict when the reference was recorded
    with other terms (customer, value, currency, signature or due date).
    """
    get_customer(command.customer_id, uow)
    Contract(command.contract_ref, command.due_at, command.delivered_at)  # checks the dates
    contract = {
        "_id": command.contract_ref,
        "customer_id": command.customer_id,
        "value": command.value,
        "currency": command.currency,
        "signed_at": stored_time(command.signed_at),
        "due_at": stored_time(command.due_at),
        "delivered_at": _stored_or_none(command.delivered_at),
        "status": command.status,
    }
    return _record_state(
        contract,
        CONTRACT_TERMS,
        CONTRACT_PROGRESS,
        "contract_ref",
        uow.add_contract,
        uow.update_contract,
        events.contract_recorded,
    )


def over_limit_flag(
    customer: dict[str, Any], amount: Decimal, uow: CustomersStorage, invoice_ref: str = ""
) -> dict[str, Decimal] | None:
    """The flag of a new purchase or invoice of ``amount`` that takes the customer over their
    credit limit (unpaid invoices, but ``invoice_ref`` itself, count as owed); None within it
    or without an assessed limit."""
    credit = customer.get("credit")
    if not credit:
        return None
    owed = sum(
        (
            i["amount"]
            for i in uow.invoices_of(customer["_id"])
            if i["paid_at"] is None and i["_id"] != invoice_ref
        ),
        Decimal(0),
    )
    flag = over_limit(credit["limit"], owed, amount)
    return (
        None
        if flag is None
        else {"limit": flag.limit, "exposure": flag.exposure, "excess": flag.excess}
    )


def contracts_of(
    customer_id: str,
    uow: CustomersStorage,
    as_of: datetime,
    breach_grace_days: int = DEFAULT_BREACH_GRACE_DAYS,
) -> list[dict[str, Any]]:
    """A customer's contracts by due date, each with its ``fulfilment`` at ``as_of``
    (on_time, late, breached, open, cancelled: an undelivered contract is breached
    ``breach_grace_days`` after its due date); NotFound for no such customer."""
    get_customer(customer_id, uow)
    return with_fulfilment(uow.contracts_of(customer_id), as_of, breach_grace_days)


def with_fulfilment(
    stored: list[dict[str, Any]], as_of: datetime, breach_grace_days: int
) -> list[dict[str, Any]]:
    """Stored contracts, each with its ``fulfilment`` at ``as_of``."""
    return [
        {**contract, "fulfilment": str(fulfilment(_contract(contract), as_of, breach_grace_days))}
        for contract in stored
    ]


def _contract(stored: dict[str, Any]) -> Contract:
    return Contract(
        stored["_id"],
        stored["due_at"],
        stored["delivered_at"],
        marked_breached=stored["status"] == "breached",
        cancelled=stored["status"] == "cancelled",
    )


def record_invoice(command: RecordInvoice, uow: CustomersStorage) -> dict[str, Any]:
    """Record an invoice, or its payment; returns the invoice as stored.

    NotFound for an unknown customer; Conflict when the reference was recorded
    with other terms (customer, amount, currency, issue or due date).
    """
    customer = get_customer(command.customer_id, uow)
    Invoice(  # checks the amount and the order of the dates
        command.invoice_ref,
        command.customer_id,
        command.amount,
        command.issued_at,
        command.due_at,
        command.paid_at,
    )
    invoice = {
        "_id": command.invoice_ref,
        "customer_id": command.customer_id,
        "amount": command.amount,
        "currency": command.currency,
        "issued_at": stored_time(command.issued_at),
        "due_at": stored_time(command.due_at),
        "paid_at": _stored_or_none(command.paid_at),
        "over_limit": over_limit_flag(customer, command.amount, uow, command.invoice_ref),
    }
    return _record_state(
        invoice,
        INVOICE_TERMS,
        INVOICE_PROGRESS,
        "invoice_ref",
        uow.add_invoice,
        uow.update_invoice,
        events.invoice_recorded,
    )


def invoices_of(customer_id: str, uow: CustomersStorage) -> list[dict[str, Any]]:
    """A customer's invoices by due date; NotFound for no such customer."""
    get_customer(customer_id, uow)
    return uow.invoices_of(customer_id)


def _record_state(
    document: dict[str, Any],
    terms: Collection[str],
    progress: Collection[str],
    key_name: str,
    add: Callable[[dict[str, Any], dict], dict[str, Any] | None],
    update: Callable[[str, dict[str, Any], dict[str, Any], dict], bool],
    announce: Callable[[dict[str, Any]], dict],
) -> dict[str, Any]:
    """Insert ``document`` under its reference, or move the stored one to its new state.

    The ``terms`` never change (Conflict when they differ); a ``progress``
    field that differs is written, with the whole new state announced, only
    if the stored document still holds what was read. Other fields are kept
    as first recorded.
    """
    for _ in range(WRITE_ATTEMPTS):
        existing = add(document, announce(document))
        if existing is None:
            return document
        if any(existing[name] != document[name] for name in terms):
            raise Conflict(f"{key_name}: {document['_id']!r} is already recorded with other data")
        changes = {
            name: document[name] for name in progress if existing.get(name) != document[name]
        }
        if not changes:
            return existing
        read = {name: existing.get(name) for name in changes}
        if update(document["_id"], read, changes, announce(document)):
            return {**existing, **changes}
    raise Conflict(f"{key_name}: {document['_id']!r} kept changing meanwhile; try again")
