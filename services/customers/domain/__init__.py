"""Customer rules and commands of the customers service, in plain Python.

No I/O here: storage, events and entrypoints build on these rules. Besides
the commands below, one module per subject: ``contracts`` (fulfilment, CCT),
``purchases``, ``classification`` (classes, typology, RFM, ABC, census),
``credit``, ``receivables`` (ageing, collection term), ``dunning``,
``relationship`` (relationship level) and ``history`` (record changes, I5).
Instants are time-zone aware, money is ``Decimal``, and bad input raises
``clientela.errors.InvalidInput`` naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any


def display_name(person: Mapping[str, str]) -> str:
    """How a customer is named: their full name, else their company, else their e-mail."""
    full = " ".join(part for part in (person.get("first_name"), person.get("last_name")) if part)
    return full or person.get("company") or person.get("email") or person.get("phone") or "?"


@dataclass(frozen=True)
class RecordPurchase:
    """Record one purchase of a customer.

    ``purchase_id`` is the caller's reference (invoice, order) and idempotency
    key: the same id records once.
    """

    customer_id: str
    amount: Decimal
    currency: str = "MXN"
    product_line: str = ""
    channel: str = ""
    purchased_at: datetime | None = None
    purchase_id: str | None = None


@dataclass(frozen=True)
class CreateCustomer:
    """An operator creates a customer record.

    ``customer_ref`` is the caller's reference and becomes the customer's id
    (one is made up when None): the same reference creates once.
    """

    customer_ref: str | None = None
    email: str | None = None
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    company: str = ""
    position: str = ""
    typology: str | None = None
    special: bool = False
    created_at: datetime | None = None


@dataclass(frozen=True)
class EditCustomer:
    """``changed_by`` writes ``edits`` (field: new value) to a customer's record."""

    customer_id: str
    edits: Mapping[str, Any]
    changed_by: str
    changed_at: datetime | None = None


@dataclass(frozen=True)
class RecordContract:
    """Record a contract, or the delivery or status of one recorded already.

    ``contract_ref`` is the idempotency key; a contract's customer, value,
    currency and dates of signature and due delivery never change.
    """

    contract_ref: str
    customer_id: str
    value: Decimal
    signed_at: datetime
    due_at: datetime
    currency: str = "MXN"
    delivered_at: datetime | None = None
    status: str = "open"


@dataclass(frozen=True)
class RecordInvoice:
    """Record an invoice, or the payment of one recorded already.

    ``invoice_ref`` is the idempotency key; an invoice's customer, amount,
    currency and dates of issue and due payment never change.
    """

    invoice_ref: str
    customer_id: str
    amount: Decimal
    issued_at: datetime
    due_at: datetime
    currency: str = "MXN"
    paid_at: datetime | None = None
