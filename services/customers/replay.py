"""The customer events kpi counts, replayed from the stored records (see :mod:`clientela.replay`).

A customer gives back its creation, its loss mark and every change its history
keeps (under the id of the event that announced it, so that kpi counts a change
once whether it comes live or replayed); a contract its state now; a purchase
itself. A contract's earlier states and a loss mark later replaced are not kept:
only the latest; the creation carries the name and e-mail the record has now.
"""

from __future__ import annotations

from typing import Any

from clientela.replay import ReplaySource, replayed
from clientela.services.customers import events
from clientela.services.customers.domain.history import FieldChange, RecordChange

REPLAY_GAPS = (
    "customers: a contract's earlier states and replaced loss marks are not kept; a "
    "customer's creation carries its name and e-mail as they are now",
)


def customer_events(customer: dict[str, Any]) -> list[dict]:
    """A customer's creation, each change in its history (I5) and its loss mark, if any."""
    customer_id = customer["_id"]
    found = [replayed(events.customer_created(customer), f"customer_created:{customer_id}")]
    for number, entry in enumerate(customer.get("history") or ()):
        change = RecordChange(
            customer_id,
            entry["changed_by"],
            entry["changed_at"],
            tuple(FieldChange(c["field"], c["before"], c["after"]) for c in entry["changes"]),
        )
        announced = events.customer_updated(change)
        if entry.get("event_id"):
            found.append({**announced, "id": entry["event_id"]})
        else:  # changes kept before their event's id was
            found.append(replayed(announced, f"customer_updated:{customer_id}:{number}"))
    if customer.get("lost"):
        lost = events.customer_lost(customer_id, customer["lost"])
        found.append(replayed(lost, f"customer_lost:{customer_id}"))
    return found


def contract_events(contract: dict[str, Any]) -> list[dict]:
    """The contract's state now."""
    return [replayed(events.contract_recorded(contract), f"contract_recorded:{contract['_id']}")]


def purchase_events(purchase: dict[str, Any]) -> list[dict]:
    """The purchase."""
    return [replayed(events.purchase_recorded(purchase), f"purchase_recorded:{purchase['_id']}")]


REPLAY_SOURCES = (
    ReplaySource("customers", customer_events),
    ReplaySource("contracts", contract_events),
    ReplaySource("purchases", purchase_events),
)
"""What ``replay`` reads, in order (sources are named after their collections)."""
