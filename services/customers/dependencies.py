"""The customers service's storage: its unit of work over MongoDB, and an in-memory fake."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from bson.codec_options import TypeCodec, TypeRegistry
from bson.decimal128 import Decimal128
from pymongo.collection import Collection

from clientela.outbox import flush_pending, insert_once, pending_update
from clientela.services.customers.documents import Contract, Customer, Invoice, Purchase
from clientela.storage import FakeUnitOfWork, UnitOfWork

UNREAD = {"outbox": 0, "outbox_pending_at": 0, "history": 0}
"""What reading a record leaves out: its pending events and its change history."""


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
    """Customers, their contracts, purchases and invoices, in the customers database.

    Contracts and invoices are *states*: ``add_*`` inserts one under its
    reference, ``update_*`` changes one only if it still holds what the caller
    read, announcing the new state in the same write.
    """

    def _collection(self, document: type[Any]) -> Collection:
        codecs = self.database.codec_options.with_options(type_registry=DECIMALS)
        return self.database.get_collection(document._meta["collection"], codecs)

    @property
    def _customers(self) -> Collection:
        return self._collection(Customer)

    # -- customers ---------------------------------------------------------------------------

    def add_captive_customer(self, customer: dict[str, Any], event: dict) -> str | None:
        """Insert ``customer`` and publish ``event``, unless its prospect has a customer already.

        Returns the id of the customer the prospect became earlier (nothing is
        published then), None when this call inserted it.
        """
        match = {"prospect_id": customer["prospect_id"]}
        return insert_once(self._customers, match, customer, event, self.publish)

    def add_customer(self, customer: dict[str, Any], event: dict) -> dict[str, Any] | None:
        """Insert ``customer`` and publish ``event``, unless its ``_id`` is taken.

        Returns the customer stored under that id when there was one (nothing
        is published then), None when this call inserted it.
        """
        return self._insert(self._customers, customer, event)

    def find_customer(self, customer_id: str) -> dict[str, Any] | None:
        """The customer with ``customer_id`` (without its history), None when there is none."""
        return self._customers.find_one({"_id": customer_id}, UNREAD)

    def find_customer_by_prospect(self, prospect_id: str) -> dict[str, Any] | None:
        """The customer prospect ``prospect_id`` became, None when it has not (yet)."""
        return self._customers.find_one({"prospect_id": prospect_id}, UNREAD)

    def save_edit(
        self,
        customer_id: str,
        version: int | None,
        values: dict[str, Any],
        change: dict[str, Any],
        event: dict,
    ) -> bool:
        """Write ``values`` with ``change`` appended to the history, and publish ``event``.

        One write, and only if the record is still at ``version`` (None: never
        edited): returns False, writing nothing, when another writer got there
        first.
        """
        update = pending_update([event])
        update["$push"]["history"] = change
        update.update({"$set": values, "$inc": {"version": 1}})
        guard = {"_id": customer_id, "version": version}
        if self._customers.update_one(guard, update).modified_count != 1:
            return False
        flush_pending(self._customers, customer_id, [event], self.publish)
        return True

    def customer_history(self, customer_id: str) -> list[dict[str, Any]]:
        """The changes edits made to a customer's record, oldest first (none: empty)."""
        found = self._customers.find_one({"_id": customer_id}, {"history": 1})
        return (found or {}).get("history", [])

    # -- purchases ---------------------------------------------------------------------------

    def add_purchase(self, purchase: dict[str, Any], event: dict) -> dict[str, Any] | None:
        """Insert ``purchase`` and publish ``event`` with it, unless its ``_id`` is taken.

        Returns the purchase stored under that id when there was one (nothing is
        published then), None when this call inserted it.
        """
        return self._insert(self._collection(Purchase), purchase, event)

    def purchases_of(self, customer_id: str, skip: int, limit: int) -> list[dict[str, Any]]:
        """A page of a customer's purchases, latest first: ``limit`` after the first ``skip``."""
        found = self._collection(Purchase).find({"customer_id": customer_id}, UNREAD)
        return list(found.sort([("purchased_at", -1), ("_id", -1)]).skip(skip).limit(limit))

    # -- contracts and invoices --------------------------------------------------------------

    def add_contract(self, contract: dict[str, Any], event: dict) -> dict[str, Any] | None:
        """Insert ``contract`` and publish ``event``, unless its ``_id`` is taken (then the
        stored one is returned and nothing published); None when inserted."""
        return self._insert(self._collection(Contract), contract, event)

    def update_contract(
        self, contract_id: str, read: dict[str, Any], changes: dict[str, Any], event: dict
    ) -> bool:
        """Write ``changes`` to a contract and publish ``event``, if the contract still holds
        the values ``read`` (False otherwise, writing nothing)."""
        return self._update(self._collection(Contract), contract_id, read, changes, event)

    def contracts_of(self, customer_id: str) -> list[dict[str, Any]]:
        """A customer's contracts, by due date."""
        found = self._collection(Contract).find({"customer_id": customer_id}, UNREAD)
        return list(found.sort("due_at", 1))

    def add_invoice(self, invoice: dict[str, Any], event: dict) -> dict[str, Any] | None:
        """As :meth:`add_contract`, for an invoice."""
        return self._insert(self._collection(Invoice), invoice, event)

    def update_invoice(
        self, invoice_id: str, read: dict[str, Any], changes: dict[str, Any], event: dict
    ) -> bool:
        """As :meth:`update_contract`, for an invoice."""
        return self._update(self._collection(Invoice), invoice_id, read, changes, event)

    def invoices_of(self, customer_id: str) -> list[dict[str, Any]]:
        """A customer's invoices, by due date."""
        found = self._collection(Invoice).find({"customer_id": customer_id}, UNREAD)
        return list(found.sort("due_at", 1))

    # -- shared writes -----------------------------------------------------------------------

    def _insert(
        self, collection: Collection, document: dict[str, Any], event: dict
    ) -> dict[str, Any] | None:
        match = {"_id": document["_id"]}
        existing = insert_once(collection, match, document, event, self.publish)
        if existing is None:
            return None
        return collection.find_one({"_id": existing}, UNREAD)

    def _update(
        self,
        collection: Collection,
        document_id: str,
        read: dict[str, Any],
        changes: dict[str, Any],
        event: dict,
    ) -> bool:
        # the values read, on the document's own _id: one atomic compare-and-set
        guard = {"_id": document_id, **read}
        update = {"$set": changes, **pending_update([event])}
        if collection.update_one(guard, update).modified_count != 1:
            return False
        flush_pending(collection, document_id, [event], self.publish)
        return True


class FakeCustomersStorage(FakeUnitOfWork):
    """:class:`CustomersStorage` in memory, for handler unit tests."""

    def __init__(self) -> None:
        super().__init__()
        self.customers: dict[str, dict[str, Any]] = {}
        self.purchases: dict[str, dict[str, Any]] = {}
        self.contracts: dict[str, dict[str, Any]] = {}
        self.invoices: dict[str, dict[str, Any]] = {}

    def add_captive_customer(self, customer: dict[str, Any], event: dict) -> str | None:
        existing = self.find_customer_by_prospect(customer["prospect_id"])
        if existing is not None:
            return existing["_id"]
        self.customers[customer["_id"]] = copy.deepcopy(customer)
        self.publish(event)
        return None

    def add_customer(self, customer: dict[str, Any], event: dict) -> dict[str, Any] | None:
        return self._insert(self.customers, customer, event)

    def find_customer(self, customer_id: str) -> dict[str, Any] | None:
        return _read(self.customers.get(customer_id))

    def find_customer_by_prospect(self, prospect_id: str) -> dict[str, Any] | None:
        for customer in self.customers.values():
            if customer.get("prospect_id") == prospect_id:
                return _read(customer)
        return None

    def save_edit(
        self,
        customer_id: str,
        version: int | None,
        values: dict[str, Any],
        change: dict[str, Any],
        event: dict,
    ) -> bool:
        customer = self.customers.get(customer_id)
        if customer is None or customer.get("version") != version:
            return False
        customer.update(copy.deepcopy(values))
        customer.setdefault("history", []).append(copy.deepcopy(change))
        customer["version"] = (version or 0) + 1
        self.publish(event)
        return True

    def customer_history(self, customer_id: str) -> list[dict[str, Any]]:
        return copy.deepcopy(self.customers.get(customer_id, {}).get("history", []))

    def add_purchase(self, purchase: dict[str, Any], event: dict) -> dict[str, Any] | None:
        return self._insert(self.purchases, purchase, event)

    def purchases_of(self, customer_id: str, skip: int, limit: int) -> list[dict[str, Any]]:
        mine = [p for p in self.purchases.values() if p["customer_id"] == customer_id]
        mine.sort(key=lambda p: (p["purchased_at"], p["_id"]), reverse=True)
        return copy.deepcopy(mine[skip : skip + limit])

    def add_contract(self, contract: dict[str, Any], event: dict) -> dict[str, Any] | None:
        return self._insert(self.contracts, contract, event)

    def update_contract(
        self, contract_id: str, read: dict[str, Any], changes: dict[str, Any], event: dict
    ) -> bool:
        return self._update(self.contracts, contract_id, read, changes, event)

    def contracts_of(self, customer_id: str) -> list[dict[str, Any]]:
        return _of(self.contracts, customer_id)

    def add_invoice(self, invoice: dict[str, Any], event: dict) -> dict[str, Any] | None:
        return self._insert(self.invoices, invoice, event)

    def update_invoice(
        self, invoice_id: str, read: dict[str, Any], changes: dict[str, Any], event: dict
    ) -> bool:
        return self._update(self.invoices, invoice_id, read, changes, event)

    def invoices_of(self, customer_id: str) -> list[dict[str, Any]]:
        return _of(self.invoices, customer_id)

    def _insert(
        self, documents: dict[str, dict[str, Any]], document: dict[str, Any], event: dict
    ) -> dict[str, Any] | None:
        if document["_id"] in documents:
            return _read(documents[document["_id"]])
        documents[document["_id"]] = copy.deepcopy(document)
        self.publish(event)
        return None

    def _update(
        self,
        documents: dict[str, dict[str, Any]],
        document_id: str,
        read: dict[str, Any],
        changes: dict[str, Any],
        event: dict,
    ) -> bool:
        stored = documents.get(document_id)
        if stored is None or any(stored.get(name) != value for name, value in read.items()):
            return False
        stored.update(copy.deepcopy(changes))
        self.publish(event)
        return True


def _read(document: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored document as the database returns it: a copy, without its history."""
    if document is None:
        return None
    return {name: copy.deepcopy(value) for name, value in document.items() if name != "history"}


def _of(documents: dict[str, dict[str, Any]], customer_id: str) -> list[dict[str, Any]]:
    mine = [d for d in documents.values() if d["customer_id"] == customer_id]
    return copy.deepcopy(sorted(mine, key=lambda d: d["due_at"]))
