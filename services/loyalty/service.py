"""The loyalty nameko service: entrypoints only."""

from __future__ import annotations

from typing import Any

from clientela.db import ServiceDatabase
from clientela.errors import load_id
from clientela.events import Event
from clientela.messaging import handles
from clientela.service import ServiceBase, api
from clientela.services.loyalty import handlers
from clientela.services.loyalty.documents import LedgerEntry
from clientela.services.loyalty.schemas import ledger_entry_schema


class LoyaltyService(ServiceBase):
    """Points earned by customers."""

    name = "loyalty"
    outbox_documents = (LedgerEntry,)
    db = ServiceDatabase([LedgerEntry])

    @handles("customers", "purchase_recorded")
    def handle_purchase_recorded(self, event: Event) -> None:
        handlers.credit_purchase(event, self.settings.points_per_currency_unit, self.events.publish)

    @api
    def balance(self, customer_id: str) -> dict[str, Any]:
        """A customer's points balance and latest entries."""
        customer_id = load_id("customer_id", customer_id)
        return {
            "customer_id": customer_id,
            "points": handlers.balance(customer_id),
            "latest": ledger_entry_schema.dump(handlers.ledger(customer_id, 20), many=True),
        }
