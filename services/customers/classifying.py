"""Classification use cases: reclassify every customer, mark customers lost, list by class,
and the census of new against lost customers.

ABC and RFM rank customers among each other, so any purchase or new customer
may move everyone's class: writes only note that classification is stale,
and :func:`refresh_classification` (on the service's timer) reclassifies the
whole population when it is, and at least once a day as time moves on.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from clientela.errors import Conflict
from clientela.events import Event
from clientela.services.customers import events
from clientela.services.customers.dependencies import CustomersStorage
from clientela.services.customers.domain.classification import (
    CensusRow,
    Classification,
    ClassificationWindows,
    CustomerFacts,
    LostMark,
    Typology,
    census,
    classify_customers,
)
from clientela.services.customers.domain.purchases import Purchase
from clientela.services.customers.handlers import get_customer, stored_time


def classification_document(classification: Classification) -> dict[str, Any]:
    """How a customer's classification is stored and returned."""
    rfm = classification.rfm
    return {
        "lifecycle": classification.lifecycle.value,
        "abc": classification.abc.value,
        "strategic": classification.strategic,
        "special": classification.special,
        "rfm": None
        if rfm is None
        else {"recency": rfm.recency, "frequency": rfm.frequency, "monetary": rfm.monetary},
        "labels": sorted(classification.labels),
    }


def _facts(customer: dict[str, Any]) -> CustomerFacts:
    lost = customer.get("lost")
    typology = customer.get("typology")
    return CustomerFacts(
        customer_ref=customer["_id"],
        created_at=customer["created_at"],
        special=bool(customer.get("special")),
        lost=LostMark(lost["lost_at"], lost["reason"]) if lost else None,
        typology=Typology(typology) if typology else None,
    )


def _purchases(stored: Iterable[dict[str, Any]]) -> Iterable[Purchase]:
    for purchase in stored:
        yield Purchase(
            purchase["customer_id"],
            purchase["amount"],
            purchase["purchased_at"],
            purchase.get("product_line", ""),
        )


def reclassify(
    as_of: datetime, uow: CustomersStorage, windows: ClassificationWindows | None = None
) -> int:
    """Classify every customer at ``as_of`` and store the classes that changed; returns how
    many customers changed class."""
    customers, purchases = uow.classification_input()
    classified = classify_customers(
        [_facts(customer) for customer in customers], _purchases(purchases), as_of, windows
    )
    changed = {}
    for customer in customers:
        now = classification_document(classified[customer["_id"]])
        if customer.get("classification") != now:
            changed[customer["_id"]] = now
    uow.save_classifications(changed, as_of)
    return len(changed)


def refresh_classification(
    now: datetime, uow: CustomersStorage, windows: ClassificationWindows | None = None
) -> int | None:
    """Reclassify when a write made classification stale, or it last ran before today.

    Returns how many customers changed class, None when nothing was due.
    """
    job = uow.classification_job()
    last_run = job.get("last_run_at")
    if "stale_since" not in job and last_run is not None and last_run.date() >= now.date():
        return None
    return reclassify(now, uow, windows)


def mark_lost(
    customer_id: str, reason: str, lost_at: datetime, uow: CustomersStorage
) -> dict[str, Any]:
    """Mark a customer lost at ``lost_at`` for ``reason``; the same mark again changes nothing.

    A purchase after the mark wins the customer back (see the lifecycle rule).
    """
    mark = LostMark(stored_time(lost_at), reason)
    customer = get_customer(customer_id, uow)
    lost = {"lost_at": mark.lost_at, "reason": mark.reason}
    if customer.get("lost") == lost:
        return customer
    uow.mark_classification_stale(mark.lost_at)
    if not uow.save_lost(
        customer_id, customer.get("lost"), lost, events.customer_lost(customer_id, lost)
    ):
        raise Conflict(f"customer_id: {customer_id!r} changed meanwhile; try again")
    return {**customer, "lost": lost}


def handle_lost_customer_interviewed(event: Event, uow: CustomersStorage) -> None:
    """A lost-customer interview gives the reason the customer was lost.

    The reason goes on the customer's lost mark, which keeps its date; a
    customer not yet marked lost is marked lost as of the interview. A
    redelivered event changes nothing; an unknown customer is ignored.
    """
    interview = event.payload
    customer = uow.find_customer(interview["customer_id"])
    if customer is None:
        return
    lost_at = (customer.get("lost") or {}).get("lost_at") or interview["interviewed_at"]
    mark_lost(customer["_id"], interview["loss_reason"], lost_at, uow)


def list_customers(
    label: str | None, typology: str | None, page: int, page_size: int, uow: CustomersStorage
) -> dict[str, Any]:
    """Page ``page`` of the customers in class ``label`` and of ``typology`` (None: any)."""
    found = uow.customers_by_class(label, typology, (page - 1) * page_size, page_size + 1)
    return {
        "items": found[:page_size],
        "page": page,
        "page_size": page_size,
        "has_more": len(found) > page_size,
    }


def customer_census(by: str, uow: CustomersStorage) -> list[CensusRow]:
    """New against lost customers per ``month``, ``quarter`` or ``year``."""
    customers, purchases = uow.classification_input()
    return census([_facts(customer) for customer in customers], _purchases(purchases), by)
