"""The customers service's storage: its unit of work over MongoDB, and an in-memory fake."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from bson.codec_options import TypeCodec, TypeRegistry
from bson.decimal128 import Decimal128
from pymongo.collection import Collection

from clientela.outbox import insert_once
from clientela.services.customers.documents import Customer, Purchase
from clientela.storage import FakeUnitOfWork, UnitOfWork


class DecimalCodec(TypeCodec):
    """Amounts are Python decimals in code and Decimal128 in MongoDB, never floats."""

    python_type = Decimal
    bson_type = Decimal128

    def transform_python(self, value: Decimal) -> Decimal128:
        return Decimal128(value)

    def transform_bson(self, value: Decimal128) -> Decimal:
        return value.to_decimal()


DECIMALS = TypeRegistry([DecimalCodec()])


class CustomersStorage(UnitOfWork):
    """Customers and their purchases, in the customers database."""

    @property
    def _customers(self) -> Collection:
        return self.database[Customer._meta["collection"]]

    @property
    def _purchases(self) -> Collection:
        codecs = self.database.codec_options.with_options(type_registry=DECIMALS)
        return self.database.get_collection(Purchase._meta["collection"], codecs)

    def add_captive_customer(self, customer: dict[str, Any], event: dict) -> str | None:
        """Insert ``customer`` and publish ``event``, unless its prospect has a customer already.

        Returns the id of the customer the prospect became earlier (nothing is
        published then), None when this call inserted it.
        """
        match = {"prospect_id": customer["prospect_id"]}
        return insert_once(self._customers, match, customer, event, self.publish)

    def find_customer(self, customer_id: str) -> dict[str, Any] | None:
        """The customer with ``customer_id``, None when there is none."""
        return self._customers.find_one({"_id": customer_id}, {"outbox": 0})

    def find_customer_by_prospect(self, prospect_id: str) -> dict[str, Any] | None:
        """The customer prospect ``prospect_id`` became, None when it has not (yet)."""
        return self._customers.find_one({"prospect_id": prospect_id}, {"outbox": 0})

    def add_purchase(self, purchase: dict[str, Any], event: dict) -> dict[str, Any] | None:
        """Insert ``purchase`` and publish ``event`` with it, unless its ``_id`` is taken.

        Returns the purchase stored under that id when there was one (nothing is
        published then), None when this call inserted it.
        """
        purchases = self._purchases
        match = {"_id": purchase["_id"]}
        existing = insert_once(purchases, match, purchase, event, self.publish)
        if existing is None:
            return None
        return purchases.find_one({"_id": existing}, {"outbox": 0})


class FakeCustomersStorage(FakeUnitOfWork):
    """:class:`CustomersStorage` in memory, for handler unit tests."""

    def __init__(self) -> None:
        super().__init__()
        self.customers: dict[str, dict[str, Any]] = {}
        self.purchases: dict[str, dict[str, Any]] = {}

    def add_captive_customer(self, customer: dict[str, Any], event: dict) -> str | None:
        existing = self.find_customer_by_prospect(customer["prospect_id"])
        if existing is not None:
            return existing["_id"]
        self.customers[customer["_id"]] = copy.deepcopy(customer)
        self.publish(event)
        return None

    def find_customer(self, customer_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.customers.get(customer_id))

    def find_customer_by_prospect(self, prospect_id: str) -> dict[str, Any] | None:
        for customer in self.customers.values():
            if customer["prospect_id"] == prospect_id:
                return copy.deepcopy(customer)
        return None

    def add_purchase(self, purchase: dict[str, Any], event: dict) -> dict[str, Any] | None:
        if purchase["_id"] in self.purchases:
            return copy.deepcopy(self.purchases[purchase["_id"]])
        self.purchases[purchase["_id"]] = copy.deepcopy(purchase)
        self.publish(event)
        return None
