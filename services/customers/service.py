"""The customers nameko service: entrypoints only."""

from __future__ import annotations

from datetime import date
from typing import Any

from nameko.rpc import RpcProxy

from clientela.clock import utcnow
from clientela.errors import load, load_id
from clientela.events import Event
from clientela.messaging import handles
from clientela.replay import DEFAULT_REPLAY_LIMIT, replay_page
from clientela.service import ServiceBase, SettingTimer, api
from clientela.services.customers import classifying, collecting, handlers, importing, view
from clientela.services.customers.dependencies import CustomersStorage
from clientela.services.customers.documents import Contract, Customer, Invoice, Letter, Purchase
from clientela.services.customers.domain import (
    CreateCustomer,
    EditCustomer,
    RecordContract,
    RecordInvoice,
    RecordPurchase,
)
from clientela.services.customers.domain.classification import ClassificationWindows
from clientela.services.customers.domain.credit import CreditAssessment
from clientela.services.customers.letters import PostOffice
from clientela.services.customers.replay import REPLAY_GAPS, REPLAY_SOURCES
from clientela.services.customers.schemas import (
    ageing_totals,
    as_of_input,
    contract_input,
    contract_schema,
    credit_input,
    credit_schema,
    customer_edits,
    customer_input,
    customer_schema,
    dump_ageing,
    invoice_input,
    invoice_schema,
    list_input,
    lost_input,
    page_input,
    purchase_input,
    purchase_schema,
    purchases_page_schema,
    record_change_schema,
    relationship_schema,
)
from clientela.services.customers.sections import SectionCall
from clientela.storage import Storage

DOCUMENTS = (Customer, Contract, Purchase, Invoice)
VIEW_DEADLINE_S = 3.0
"""How long the 360-degree view waits for the other services' sections."""


class CustomersService(ServiceBase):
    """Customer records, their history, contracts, purchases and invoices; classification,
    credit and collections."""

    name = "customers"
    outbox_documents = DOCUMENTS
    storage = Storage(CustomersStorage, documents=(*DOCUMENTS, Letter))
    prospects = RpcProxy("prospects")
    loyalty = RpcProxy("loyalty")
    feedback = RpcProxy("feedback")

    @handles("prospects", "prospect_converted")
    def handle_prospect_converted(self, event: Event) -> None:
        handlers.create_captive_customer(event, self.storage)

    @handles("feedback", "lost_customer_interviewed")
    def handle_lost_customer_interviewed(self, event: Event) -> None:
        classifying.handle_lost_customer_interviewed(event, self.storage)

    @api
    def replay(self, after: str | None = None, limit: int = DEFAULT_REPLAY_LIMIT) -> dict[str, Any]:
        """A page of the customer events kpi counts, re-derived from the stored data:
        ``{"events", "next" (the cursor of the next page, None at the end), "gaps"}``."""
        return replay_page(REPLAY_SOURCES, self.storage.replay_documents, after, limit, REPLAY_GAPS)

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
        found = handlers.contracts_of(
            load_id("customer_id", customer_id),
            self.storage,
            utcnow(),
            self.settings.breach_grace_days,
        )
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

    @api
    def import_records(self, kind: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
        """Import a batch of file rows (``{"line", "fields"}``) of customers, contracts,
        purchases or invoices; reports how many were created, updated and unchanged, and
        each rejected line with its errors."""
        return importing.import_rows(kind, rows, utcnow(), self.storage)

    # -- classification ----------------------------------------------------------------------

    @SettingTimer.decorator(setting="classification_interval_s")
    def refresh_classification(self) -> int | None:
        """Reclassify customers when their data changed, and once a day."""
        return classifying.refresh_classification(utcnow(), self.storage, self._windows())

    @api
    def reclassify(self) -> int:
        """Reclassify every customer now; returns how many changed class."""
        return classifying.reclassify(utcnow(), self.storage, self._windows())

    def _windows(self) -> ClassificationWindows:
        """The classification windows the settings give."""
        return ClassificationWindows(
            new_days=self.settings.new_customer_days,
            inactive_days=self.settings.inactive_customer_days,
            rfm_months=self.settings.rfm_months,
            abc_months=self.settings.abc_months,
        )

    @api
    def mark_lost(self, customer_id: str, reason: str, **details: Any) -> dict[str, Any]:
        """Mark a customer lost, for ``reason`` at ``lost_at`` (now when absent)."""
        mark = load(lost_input, {"reason": reason, **details})
        customer = classifying.mark_lost(
            load_id("customer_id", customer_id),
            mark["reason"],
            mark["lost_at"] or utcnow(),
            self.storage,
        )
        return customer_schema.dump(customer)

    @api
    def list_customers(self, **selection: Any) -> dict[str, Any]:
        """A page of customers, by class ``label`` (A, B, C, new, existing, inactive, lost,
        special) and ``typology``, each optional."""
        wanted = load(list_input, selection)
        page = classifying.list_customers(
            wanted["label"], wanted["typology"], wanted["page"], wanted["page_size"], self.storage
        )
        return {**page, "items": customer_schema.dump(page["items"], many=True)}

    @api
    def census(self, by: str = "month") -> list[dict[str, Any]]:
        """New against lost customers per month, quarter or year."""
        rows = classifying.customer_census(by, self.storage)
        return [
            {
                "period": r.period,
                "new_customers": r.new_customers,
                "lost_customers": r.lost_customers,
                "net": r.net,
            }
            for r in rows
        ]

    # -- credit and collections --------------------------------------------------------------

    @api
    def assess_credit(self, customer_id: str, assessed_by: str, **bases: Any) -> dict[str, Any]:
        """Assess a customer's credit on capacity, integrity, capital and conditions."""
        assessment = CreditAssessment(**load(credit_input, bases))
        credit = collecting.assess_credit(
            load_id("customer_id", customer_id),
            assessment,
            load_id("assessed_by", assessed_by),
            utcnow(),
            self.storage,
        )
        return credit_schema.dump(credit)

    @api
    def ageing(self, **as_of: Any) -> dict[str, Any]:
        """Receivables by bucket overdue at the end of ``as_of`` (today when absent)."""
        day = load(as_of_input, as_of)["as_of"] or utcnow().date()
        return dump_ageing(*collecting.ageing_report(day, self.storage))

    @api
    def dunning(self, send: bool = False, **as_of: Any) -> dict[str, Any]:
        """Render (and with ``send``, e-mail) the dunning letters due, and record them."""
        day: date = load(as_of_input, as_of)["as_of"] or utcnow().date()
        settings = self.settings
        post = PostOffice(settings.data_dir, bool(send), settings.smtp_uri, settings.mail_from)
        letters = collecting.run_dunning(day, post, self.storage)
        return {
            "as_of": day.isoformat(),
            "email_configured": post.can_email,
            "letters": [
                {
                    "customer_id": letter["customer_id"],
                    "step": letter["step"],
                    "template": letter["template"],
                    "overdue_amount": str(letter["overdue_amount"]),
                    "invoices": letter["invoice_refs"],
                    "delivery": letter["delivery"],
                    "path": letter["path"],
                    "note": letter["note"],
                }
                for letter in letters
            ],
        }

    # -- the 360-degree view -----------------------------------------------------------------

    @api
    def view(self, customer_id: str, **as_of: Any) -> dict[str, Any]:
        """Everything about a customer: the record, contracts, purchases, invoices and ageing
        (at ``as_of``, today when absent), and the sections other services own, each marked
        ``unavailable`` when its service does not answer within the deadline."""
        day: date = load(as_of_input, as_of)["as_of"] or utcnow().date()
        proxies = {"prospects": self.prospects, "loyalty": self.loyalty, "feedback": self.feedback}

        def caller(service: str, method: str, *args: Any) -> SectionCall:
            return lambda: getattr(proxies[service], method).call_async(*args)

        own, remote, ageing = view.customer_view(
            load_id("customer_id", customer_id),
            day,
            self.storage,
            caller,
            VIEW_DEADLINE_S,
            self.settings.breach_grace_days,
            self.settings.product_lines(),
        )
        return {
            "profile": customer_schema.dump(own["profile"]),
            "contracts": contract_schema.dump(own["contracts"], many=True),
            "purchases": purchases_page_schema.dump(own["purchases"]),
            "invoices": invoice_schema.dump(own["invoices"], many=True),
            "relationship": relationship_schema.dump(own["relationship"]),
            "ageing": {"as_of": day.isoformat(), **ageing_totals(ageing)},
            **remote,
        }
