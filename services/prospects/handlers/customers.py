"""What the customers service announces, as it concerns prospects."""

from __future__ import annotations

from clientela.events import Event
from clientela.services.prospects.dependencies.storage import ProspectsStorage


def handle_customer_created(event: Event, uow: ProspectsStorage) -> None:
    """Remember which customer a converted prospect became (idempotent)."""
    prospect_id = event.payload["prospect_id"]
    if prospect_id:
        uow.link_customer(prospect_id, event.payload["customer_id"])
