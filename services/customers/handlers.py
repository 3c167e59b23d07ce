"""Customer use cases: create the captive customer of a conversion, record purchases."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from clientela.clock import utcnow
from clientela.errors import NotFound
from clientela.events import Event, new_event
from clientela.outbox import Publish, insert_once, save_once
from clientela.services.customers.documents import Customer, Purchase
from clientela.services.customers.domain import display_name


def create_captive_customer(event: Event, publish: Publish) -> str:
    """Create the customer a converted prospect became; once, however often called."""
    converted = event.payload
    collection = Customer._get_collection()
    customer_id = uuid.uuid4().hex
    now = utcnow()
    person = {k: converted[k] for k in ("email", "first_name", "last_name", "phone", "company")}
    created = new_event(
        "customer_created",
        {
            "customer_id": customer_id,
            "prospect_id": converted["prospect_id"],
            "name": display_name(person),
            "email": person["email"],
            "captive": True,
            "created_at": now,
        },
        occurred_at=now,
    )
    existing = insert_once(
        collection,
        {"prospect_id": converted["prospect_id"]},
        {
            "_id": customer_id,
            "prospect_id": converted["prospect_id"],
            **person,
            "captive": True,
            "origin_source": converted["source"],
            "created_at": now,
        },
        created,
        publish,
    )
    return existing or customer_id


def get_customer(customer_id: str) -> Customer:
    """The customer with ``customer_id``; NotFound otherwise."""
    customer = Customer.objects(id=customer_id).first()
    if customer is None:
        raise NotFound(f"customer_id: no customer {customer_id!r}")
    return customer


def find_by_prospect(prospect_id: str) -> Customer:
    """The customer a prospect became; NotFound when it has not (yet)."""
    customer = Customer.objects(prospect_id=prospect_id).first()
    if customer is None:
        raise NotFound(f"prospect_id: no customer from prospect {prospect_id!r}")
    return customer


def record_purchase(
    customer_id: str,
    amount: Decimal,
    currency: str,
    product_line: str,
    purchased_at: datetime | None,
    purchase_id: str | None,
    publish: Publish,
) -> Purchase:
    """Record a purchase; the same ``purchase_id`` again returns the first record."""
    get_customer(customer_id)
    purchase = Purchase(
        id=purchase_id or uuid.uuid4().hex,
        customer_id=customer_id,
        amount=amount,
        currency=currency,
        product_line=product_line,
        purchased_at=purchased_at or utcnow(),
    )
    purchase.record_event(
        "purchase_recorded",
        {
            "purchase_id": purchase.id,
            "customer_id": customer_id,
            "amount": amount,
            "currency": currency,
            "product_line": product_line,
            "purchased_at": purchase.purchased_at,
        },
    )
    return save_once(
        purchase,
        publish,
        "purchase_id",
        lambda existing: (
            (existing.customer_id, existing.amount, existing.currency)
            == (customer_id, amount, currency)
        ),
    )
