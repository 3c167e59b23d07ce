"""The customers nameko service: entrypoints only."""

from __future__ import annotations

from typing import Any

from clientela.db import ServiceDatabase
from clientela.errors import load, load_id
from clientela.events import Event
from clientela.messaging import handles
from clientela.service import ServiceBase, api
from clientela.services.customers import handlers
from clientela.services.customers.documents import Customer, Purchase
from clientela.services.customers.schemas import customer_schema, purchase_input, purchase_schema


class CustomersService(ServiceBase):
    """Customer records and their purchases."""

    name = "customers"
    outbox_documents = (Customer, Purchase)
    db = ServiceDatabase([Customer, Purchase])

    @handles("prospects", "prospect_converted")
    def handle_prospect_converted(self, event: Event) -> None:
        handlers.create_captive_customer(event, self.events.publish)

    @api
    def get(self, customer_id: str) -> dict[str, Any]:
        """One customer by id."""
        return customer_schema.dump(handlers.get_customer(load_id("customer_id", customer_id)))

    @api
    def find_by_prospect(self, prospect_id: str) -> dict[str, Any]:
        """The customer a converted prospect became."""
        prospect_id = load_id("prospect_id", prospect_id)
        return customer_schema.dump(handlers.find_by_prospect(prospect_id))

    @api
    def record_purchase(self, customer_id: str, amount: str, **details: Any) -> dict[str, Any]:
        """Record a purchase (amount as a decimal string); see PurchaseInput for details."""
        request = load(purchase_input, {"customer_id": customer_id, "amount": amount, **details})
        purchase = handlers.record_purchase(**request, publish=self.events.publish)
        return purchase_schema.dump(purchase)
