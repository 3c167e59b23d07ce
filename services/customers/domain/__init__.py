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
    purchased_at: datetime | None = None
    purchase_id: str | None = None
