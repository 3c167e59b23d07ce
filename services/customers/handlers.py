"""Customer use cases: create the captive customer of a conversion, record purchases.

Each takes a command, an event or an id, and the service's unit of work
(:mod:`clientela.services.customers.dependencies`).
"""

from __future__ import annotations

import uuid
from typing import Any

from clientela.clock import utcnow
from clientela.errors import Conflict, NotFound
from clientela.events import Event
from clientela.services.customers import events
from clientela.services.customers.dependencies import CustomersStorage
from clientela.services.customers.domain import RecordPurchase

PERSON_FIELDS = ("email", "first_name", "last_name", "phone", "company")
"""What a customer keeps of the prospect they were."""


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
    existing = uow.add_captive_customer(customer, events.customer_created(customer))
    return existing or customer["_id"]


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


def record_purchase(command: RecordPurchase, uow: CustomersStorage) -> dict[str, Any]:
    """Record a purchase of a customer; the same ``purchase_id`` records once.

    Returns the purchase as stored. NotFound for an unknown customer; Conflict
    when a repeated ``purchase_id`` carries another customer, amount or currency.
    """
    get_customer(command.customer_id, uow)
    purchase = {
        "_id": command.purchase_id or uuid.uuid4().hex,
        "customer_id": command.customer_id,
        "amount": command.amount,
        "currency": command.currency,
        "product_line": command.product_line,
        "purchased_at": command.purchased_at or utcnow(),
    }
    existing = uow.add_purchase(purchase, events.purchase_recorded(purchase))
    if existing is None:
        return purchase
    same_request = (command.customer_id, command.amount, command.currency)
    if (existing["customer_id"], existing["amount"], existing["currency"]) != same_request:
        raise Conflict(f"purchase_id: {purchase['_id']!r} is already recorded with other data")
    return existing
