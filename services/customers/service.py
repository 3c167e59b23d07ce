"""The customers nameko service: entrypoints only."""

from __future__ import annotations

from typing import Any

from clientela.errors import load, load_id
from clientela.events import Event
from clientela.messaging import handles
from clientela.service import ServiceBase, api
from clientela.services.customers import handlers
from clientela.services.customers.dependencies import CustomersStorage
from clientela.services.customers.documents import Contract, Customer, Invoice, Purchase
from clientela.services.customers.domain import (
    CreateCustomer,
    EditCustomer,
    RecordContract,
    RecordInvoice,
    RecordPurchase,
)
from clientela.services.customers.schemas import (
    contract_input,
    contract_schema,
    customer_edits,
    customer_input,
    customer_schema,
    invoice_input,
    invoice_schema,
    page_input,
    purchase_input,
    purchase_schema,
    purchases_page_schema,
    record_change_schema,
)
from clientela.storage import Storage

DOCUMENTS = (Customer, Contract, Purchase, Invoice)


class CustomersService(ServiceBase):
    """Customer records, their history, contracts, purchases and invoices."""

    name = "customers"
    outbox_documents = DOCUMENTS
    storage = Storage(CustomersStorage, documents=DOCUMENTS)

    @handles("prospects", "prospect_converted")
    def handle_prospect_converted(self, event: Event) -> None:
        handlers.create_captive_customer(event, self.storage)

    @api
    def create(self, **customer: Any) -> dict[str, Any]:
        """Create a customer (operator); see CustomerInput. The same customer_ref creates once."""
        command = CreateCustomer(**load(customer_input, customer))
        return customer_schema.dump(handlers.create_customer(command, self.storage))

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
    def edit(self, customer_id: str, changed_by: str, **edits: Any) -> dict[str, Any]:
        """Write fields of a customer's record (see CustomerEdits), keeping who changed what."""
        command = EditCustomer(
            load_id("customer_id", customer_id),
            load(customer_edits, edits),
            load_id("changed_by", changed_by),
        )
        return customer_schema.dump(handlers.edit_customer(command, self.storage))

    @api
    def history(self, customer_id: str) -> list[dict[str, Any]]:
        """Every change made to a customer's record, oldest first."""
        changes = handlers.customer_history(load_id("customer_id", customer_id), self.storage)
        return record_change_schema.dump(changes, many=True)

    @api
    def record_purchase(self, customer_id: str, amount: str, **details: Any) -> dict[str, Any]:
        """Record a purchase (amount as a decimal string); see PurchaseInput for details."""
        command = RecordPurchase(
            **load(purchase_input, {"customer_id": customer_id, "amount": amount, **details})
        )
        return purchase_schema.dump(handlers.record_purchase(command, self.storage))

    @api
    def purchases(self, customer_id: str, **paging: Any) -> dict[str, Any]:
        """A page of a customer's purchases, latest first (``page`` from 1, ``page_size``)."""
        wanted = load(page_input, paging)
        page = handlers.purchases_page(
            load_id("customer_id", customer_id), wanted["page"], wanted["page_size"], self.storage
        )
        return purchases_page_schema.dump(page)

    @api
    def record_contract(self, **contract: Any) -> dict[str, Any]:
        """Record a contract or its new state; see ContractInput. Idempotent on contract_ref."""
        command = RecordContract(**load(contract_input, contract))
        return contract_schema.dump(handlers.record_contract(command, self.storage))

    @api
    def contracts(self, customer_id: str) -> list[dict[str, Any]]:
        """A customer's contracts, by due date."""
        found = handlers.contracts_of(load_id("customer_id", customer_id), self.storage)
        return contract_schema.dump(found, many=True)

    @api
    def record_invoice(self, **invoice: Any) -> dict[str, Any]:
        """Record an invoice or its payment; see InvoiceInput. Idempotent on invoice_ref."""
        command = RecordInvoice(**load(invoice_input, invoice))
        return invoice_schema.dump(handlers.record_invoice(command, self.storage))

    @api
    def invoices(self, customer_id: str) -> list[dict[str, Any]]:
        """A customer's invoices, by due date."""
        found = handlers.invoices_of(load_id("customer_id", customer_id), self.storage)
        return invoice_schema.dump(found, many=True)
