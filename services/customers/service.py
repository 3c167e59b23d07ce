"""The customers nameko service: entrypoints only."""

from __future__ import annotations

from typing import Any

from clientela.errors import load, load_id
from clientela.events import Event
from clientela.messaging import handles
from clientela.service import ServiceBase, api
from clientela.services.customers import handlers
from clientela.services.customers.dependencies import CustomersStorage
from clientela.services.customers.documents import Customer, Purchase
from clientela.services.customers.domain import RecordPurchase
from clientela.services.customers.schemas import customer_schema, purchase_input, purchase_schema
from clientela.storage import Storage


class CustomersService(ServiceBase):
    """Customer records and their purchases."""

    name = "customers"
    outbox_documents = (Customer, Purchase)
    storage = Storage(CustomersStorage, documents=[Customer, Purchase])

    @handles("prospects", "prospect_converted")
    def handle_prospect_converted(self, event: Event) -> None:
        handlers.create_captive_customer(event, self.storage)

    @api
    def get(self, customer_id: str) -> dict[str, Any]:
        """One customer by id."""
        customer = handlers.get_customer(load_id("customer_id", customer_id), self.storage)
        return customer_schema.dump(customer)

    @api
    def find_by_prospect(self, prospect_id: str) -> dict[str, Any]:
        """The customer a converted prospect became."""
        customer = handlers.find_by_prospect(load_id("prospect_id", prospect_id), self.storage)
        return customer_schema.dump(customer)

    @api
    def record_purchase(self, customer_id: str, amount: str, **details: Any) -> dict[str, Any]:
        """Record a purchase (amount as a decimal string); see PurchaseInput for details."""
        command = RecordPurchase(
            **load(purchase_input, {"customer_id": customer_id, "amount": amount, **details})
        )
        return purchase_schema.dump(handlers.record_purchase(command, self.storage))
