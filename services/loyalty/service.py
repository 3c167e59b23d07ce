"""The loyalty nameko service: entrypoints only."""

from __future__ import annotations

from typing import Any

from clientela.errors import load_id
from clientela.events import Event
from clientela.messaging import handles
from clientela.service import ServiceBase, api
from clientela.services.loyalty import handlers
from clientela.services.loyalty.dependencies import LoyaltyStorage
from clientela.services.loyalty.documents import LedgerEntry, Member, ReferralCode
from clientela.services.loyalty.schemas import balance_schema
from clientela.storage import Storage

LATEST_ENTRIES = 20
"""Ledger entries a balance shows."""


class LoyaltyService(ServiceBase):
    """Points earned by customers, for purchases and for referring new customers."""

    name = "loyalty"
    outbox_documents = (LedgerEntry,)
    storage = Storage(LoyaltyStorage, documents=[LedgerEntry, Member, ReferralCode])

    @handles("customers", "purchase_recorded")
    def handle_purchase_recorded(self, event: Event) -> None:
        handlers.credit_purchase(event, self.storage, self.settings.points_per_currency_unit)

    @handles("customers", "customer_created")
    def handle_customer_created(self, event: Event) -> None:
        handlers.remember_customer(event, self.storage)

    @handles("prospects", "prospect_converted")
    def handle_prospect_converted(self, event: Event) -> None:
        handlers.credit_referral(event, self.storage, self.settings.referral_reward_points)

    @api
    def balance(self, customer_id: str) -> dict[str, Any]:
        """A customer's points balance and latest entries."""
        customer_id = load_id("customer_id", customer_id)
        return balance_schema.dump(handlers.balance(customer_id, self.storage, LATEST_ENTRIES))

    @api
    def referral_code(self, customer_id: str) -> str:
        """The customer's referral code (``7KQ2-M9XA``): made on the first call, then the same.

        NotFound for a customer loyalty has not been told about (by ``customer_created``).
        """
        return handlers.referral_code(load_id("customer_id", customer_id), self.storage)

    @api
    def resolve_referral_code(self, code: str) -> str:
        """The id of the customer a code (typed in any case) belongs to; NotFound otherwise."""
        return handlers.resolve_referral_code(load_id("code", code), self.storage)
