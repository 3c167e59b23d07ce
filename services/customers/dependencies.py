"""The customers service's storage: its unit of work over MongoDB, and an in-memory fake."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from bson.codec_options import TypeCodec, TypeRegistry
from bson.decimal128 import Decimal128
from pymongo import UpdateOne
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from clientela.outbox import (
    flush_pending,
    insert_once,
    pending_update,
    release,
    stage,
    update_announcing,
)
from clientela.replay import documents_after, stored_after
from clientela.services.customers.documents import Contract, Customer, Invoice, Letter, Purchase
from clientela.storage import DUPLICATE_KEY, FakeUnitOfWork, UnitOfWork

UNREAD = {"outbox": 0, "outbox_pending_at": 0, "history": 0}
"""What reading a record leaves out: its pending events and its change history."""
RECORDS = {"contracts": Contract, "purchases": Purchase, "invoices": Invoice}
"""The customer's records by the name of their collection."""
JOBS = "jobs"
"""The collection keeping when batch jobs last ran, and whether their input changed since."""
CLASSIFICATION = "classification"
CLASSIFICATION_INPUT = {"created_at": 1, "special": 1, "lost": 1, "typology": 1, CLASSIFICATION: 1}
PURCHASE_FACTS = {"customer_id": 1, "amount": 1, "purchased_at": 1, "product_line": 1}


class DecimalCodec(TypeCodec):
    """Amounts are Python decimals in code and Decimal128 in MongoDB, never floats."""

    python_type = Decimal
    bson_type = Decimal128

    def transform_python(self, value: Decimal) -> Decimal128:
        return Decimal128(value)

    def transform_bson(self, value: Decimal128) -> Decimal:
        return value.to_decimal()


DECIMALS = TypeRegistry([DecimalCodec()])
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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

    def replay_documents(self, source: str, after: str | None, limit: int) -> list[dict[str, Any]]:
        """The first ``limit`` documents of collection ``source`` (customers, contracts,
        purchases) by ``_id`` after ``after``, to replay."""
        codecs = self.database.codec_options.with_options(type_registry=DECIMALS)
        return documents_after(self.database.get_collection(source, codecs), after, limit)

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

    def add_customers(self, customers: list[dict[str, Any]], events: list[dict]) -> set[str]:
        """As :meth:`add_purchases`, for new customers."""
        return self._insert_many(self._customers, customers, events)

    def find_customer(self, customer_id: str) -> dict[str, Any] | None:
        """The customer with ``customer_id`` (without its history), None when there is none."""
        return self._customers.find_one({"_id": customer_id}, UNREAD)

    def find_customer_by_prospect(self, prospect_id: str) -> dict[str, Any] | None:
        """The customer prospect ``prospect_id`` became, None when it has not (yet)."""
        return self._customers.find_one({"prospect_id": prospect_id}, UNREAD)

    def find_customer_by_email(self, email: str) -> dict[str, Any] | None:
        """A customer with e-mail ``email`` (the first by id when several share it), or None."""
        found = self._customers.find({"email": email}, UNREAD).sort("_id", 1).limit(1)
        return next(iter(found), None)

    def customers_by_ids(self, customer_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The customers of ``customer_ids`` that exist, by id (without their history)."""
        found = self._customers.find({"_id": {"$in": list(customer_ids)}}, UNREAD)
        return {customer["_id"]: customer for customer in found}

    def customers_by_emails(self, emails: Iterable[str]) -> dict[str, dict[str, Any]]:
        """For each of ``emails`` a customer has, that customer (the first by id when several
        share it), as :meth:`find_customer_by_email` finds it."""
        found = self._customers.find({"email": {"$in": list(emails)}}, UNREAD).sort("_id", 1)
        first: dict[str, dict[str, Any]] = {}
        for customer in found:
            first.setdefault(customer["email"], customer)
        return first

    def find_record(self, kind: str, record_id: str) -> dict[str, Any] | None:
        """The contract, purchase or invoice (``kind``: their collection) ``record_id``."""
        return self._collection(RECORDS[kind]).find_one({"_id": record_id}, UNREAD)

    def purchases_by_ids(self, purchase_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The purchases of ``purchase_ids`` recorded already, by id."""
        found = self._collection(Purchase).find({"_id": {"$in": list(purchase_ids)}}, UNREAD)
        return {purchase["_id"]: purchase for purchase in found}

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

    def add_purchases(self, purchases: list[dict[str, Any]], events: list[dict]) -> set[str]:
        """Insert new ``purchases`` and publish each one's event (``events``, in the same
        order), pipelined; returns the ids already taken, for which nothing was written or
        published."""
        return self._insert_many(self._collection(Purchase), purchases, events)

    def purchases_of(self, customer_id: str, skip: int, limit: int) -> list[dict[str, Any]]:
        """A page of a customer's purchases, latest first: ``limit`` after the first ``skip``."""
        found = self._collection(Purchase).find({"customer_id": customer_id}, UNREAD)
        return list(found.sort([("purchased_at", -1), ("_id", -1)]).skip(skip).limit(limit))

    def purchase_facts_of(self, customer_id: str) -> list[dict[str, Any]]:
        """Every purchase of a customer: its amount, date and product line."""
        return list(self._collection(Purchase).find({"customer_id": customer_id}, PURCHASE_FACTS))

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

    def outstanding_invoices(self, paid_since: datetime) -> list[dict[str, Any]]:
        """Invoices unpaid, or paid at or after ``paid_since``: those that may be owed then."""
        invoices = self._collection(Invoice)
        unpaid = list(invoices.find({"paid_at": None}, UNREAD))
        return unpaid + list(invoices.find({"paid_at": {"$gte": paid_since}}, UNREAD))

    def paid_invoices(self) -> list[dict[str, Any]]:
        """Every invoice paid."""
        return list(self._collection(Invoice).find({"paid_at": {"$gt": EPOCH}}, UNREAD))

    # -- classification, lost customers, credit ----------------------------------------------

    def mark_classification_stale(self, since: datetime) -> None:
        """Note that classification input changed at ``since`` (the earliest such note stays)."""
        jobs = self.database[JOBS]
        jobs.update_one({"_id": CLASSIFICATION}, {"$min": {"stale_since": since}}, upsert=True)

    def classification_job(self) -> dict[str, Any]:
        """When classification last ran (``last_run_at``) and ``stale_since``; empty: never."""
        return self.database[JOBS].find_one({"_id": CLASSIFICATION}) or {}

    def classification_input(self) -> tuple[list[dict[str, Any]], Iterable[dict[str, Any]]]:
        """Every customer (the facts classification reads, and their classification now),
        and every purchase (customer, amount, date, product line), streamed."""
        customers = list(self._customers.find({}, CLASSIFICATION_INPUT))
        return customers, self._collection(Purchase).find({}, PURCHASE_FACTS)

    def save_classifications(self, changed: dict[str, dict[str, Any]], ran_at: datetime) -> None:
        """Store each customer's new classification; the run at ``ran_at`` is done.

        Input noted as changed after ``ran_at`` keeps the job stale.
        """
        if changed:
            self._customers.bulk_write(
                [
                    UpdateOne({"_id": ref}, {"$set": {CLASSIFICATION: c}})
                    for ref, c in changed.items()
                ],
                ordered=False,
            )
        jobs = self.database[JOBS]
        jobs.update_one({"_id": CLASSIFICATION}, {"$set": {"last_run_at": ran_at}}, upsert=True)
        jobs.update_one(
            {"_id": CLASSIFICATION, "stale_since": {"$lte": ran_at}},
            {"$unset": {"stale_since": ""}},
        )

    def customers_by_class(
        self, label: str | None, typology: str | None, skip: int, limit: int
    ) -> list[dict[str, Any]]:
        """A page of customers in class ``label`` and of ``typology`` (None: any), by id."""
        query: dict[str, Any] = {}
        if label:
            query["classification.labels"] = label
        if typology:
            query["typology"] = typology
        found = self._customers.find(query, UNREAD).sort("_id", 1)
        return list(found.skip(skip).limit(limit))

    def save_lost(
        self, customer_id: str, read: dict[str, Any] | None, lost: dict[str, Any], event: dict
    ) -> bool:
        """Mark a customer lost and publish ``event``, if their lost mark is still ``read``."""
        return self._update(self._customers, customer_id, {"lost": read}, {"lost": lost}, event)

    def save_credit(self, customer_id: str, credit: dict[str, Any]) -> None:
        """Store a customer's latest credit assessment and limit."""
        self._customers.update_one({"_id": customer_id}, {"$set": {"credit": credit}})

    # -- dunning letters ---------------------------------------------------------------------

    def letters_of(self, customer_id: str) -> list[dict[str, Any]]:
        """The dunning letters a customer was sent, oldest first."""
        found = self._collection(Letter).find({"customer_id": customer_id})
        return list(found.sort("sent_on", 1))

    def add_letter(self, letter: dict[str, Any]) -> bool:
        """Record a letter sent; False when one with its id (customer and day) is there."""
        try:
            self._collection(Letter).insert_one(letter)
        except DuplicateKeyError:
            return False
        return True

    # -- shared writes -----------------------------------------------------------------------

    def _insert(
        self, collection: Collection, document: dict[str, Any], event: dict
    ) -> dict[str, Any] | None:
        match = {"_id": document["_id"]}
        existing = insert_once(collection, match, document, event, self.publish)
        if existing is None:
            return None
        return collection.find_one({"_id": existing}, UNREAD)

    def _insert_many(
        self, collection: Collection, documents: list[dict[str, Any]], events: list[dict]
    ) -> set[str]:
        """Insert ``documents`` and publish each one's event, but for the ids already taken.

        The events are staged before the insert, each proven by its document
        carrying its ``event_id``, so a crash in between loses none and announces
        no document another writer inserted under the same id.
        """
        paired = list(zip(documents, events, strict=True))
        proofs = [(event, {"_id": doc["_id"], "event_id": event["id"]}) for doc, event in paired]
        stage_id = stage(self.database, collection.name, proofs)
        taken: set[str] = set()
        try:
            collection.insert_many(
                [{**doc, "event_id": event["id"]} for doc, event in paired], ordered=False
            )
        except BulkWriteError as exc:
            for error in exc.details["writeErrors"]:
                if error["code"] != DUPLICATE_KEY:
                    raise
                taken.add(paired[error["index"]][0]["_id"])
        announced = [event for doc, event in paired if doc["_id"] not in taken]
        release(self.database, stage_id, announced, self.publish_many)
        return taken

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
        return update_announcing(collection, guard, {"$set": changes}, [event], self.publish)


class FakeCustomersStorage(FakeUnitOfWork):
    """:class:`CustomersStorage` in memory, for handler unit tests."""

    def __init__(self) -> None:
        super().__init__()
        self.customers: dict[str, dict[str, Any]] = {}
        self.purchases: dict[str, dict[str, Any]] = {}
        self.contracts: dict[str, dict[str, Any]] = {}
        self.invoices: dict[str, dict[str, Any]] = {}
        self.letters: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}

    def replay_documents(self, source: str, after: str | None, limit: int) -> list[dict[str, Any]]:
        stored = {"customers": self.customers, "contracts": self.contracts}
        stored["purchases"] = self.purchases
        return stored_after(stored[source], after, limit)

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

    def find_customer_by_email(self, email: str) -> dict[str, Any] | None:
        for _, customer in sorted(self.customers.items()):
            if customer.get("email") == email:
                return _read(customer)
        return None

    def customers_by_ids(self, customer_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        return {
            customer_id: _without_history(self.customers[customer_id])
            for customer_id in customer_ids
            if customer_id in self.customers
        }

    def customers_by_emails(self, emails: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = set(emails)
        first: dict[str, dict[str, Any]] = {}
        for _, customer in sorted(self.customers.items()):
            if customer.get("email") in wanted:
                first.setdefault(customer["email"], _without_history(customer))
        return first

    def purchases_by_ids(self, purchase_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        return {
            purchase_id: copy.deepcopy(self.purchases[purchase_id])
            for purchase_id in purchase_ids
            if purchase_id in self.purchases
        }

    def add_purchases(self, purchases: list[dict[str, Any]], events: list[dict]) -> set[str]:
        return self._insert_many(self.purchases, purchases, events)

    def add_customers(self, customers: list[dict[str, Any]], events: list[dict]) -> set[str]:
        return self._insert_many(self.customers, customers, events)

    def _insert_many(
        self, stored: dict[str, dict[str, Any]], documents: list[dict[str, Any]], events: list[dict]
    ) -> set[str]:
        taken = {document["_id"] for document in documents if document["_id"] in stored}
        paired = list(zip(documents, events, strict=True))
        for document, event in paired:
            if document["_id"] not in taken:
                stored[document["_id"]] = {**copy.deepcopy(document), "event_id": event["id"]}
        self.publish_many([event for doc, event in paired if doc["_id"] not in taken])
        return taken

    def find_record(self, kind: str, record_id: str) -> dict[str, Any] | None:
        records = {
            "contracts": self.contracts,
            "purchases": self.purchases,
            "invoices": self.invoices,
        }
        return _read(records[kind].get(record_id))

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

    def purchase_facts_of(self, customer_id: str) -> list[dict[str, Any]]:
        return [
            {field: p[field] for field in ("_id", *PURCHASE_FACTS) if field in p}
            for p in self.purchases.values()
            if p["customer_id"] == customer_id
        ]

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

    def outstanding_invoices(self, paid_since: datetime) -> list[dict[str, Any]]:
        return [
            copy.deepcopy(i)
            for i in self.invoices.values()
            if i["paid_at"] is None or i["paid_at"] >= paid_since
        ]

    def paid_invoices(self) -> list[dict[str, Any]]:
        return [copy.deepcopy(i) for i in self.invoices.values() if i["paid_at"] is not None]

    def mark_classification_stale(self, since: datetime) -> None:
        stale = self.jobs.setdefault(CLASSIFICATION, {"_id": CLASSIFICATION})
        stale["stale_since"] = min(since, stale.get("stale_since", since))

    def classification_job(self) -> dict[str, Any]:
        return copy.deepcopy(self.jobs.get(CLASSIFICATION, {}))

    def classification_input(self) -> tuple[list[dict[str, Any]], Iterable[dict[str, Any]]]:
        customers = [
            {"_id": c["_id"], **{f: copy.deepcopy(c[f]) for f in CLASSIFICATION_INPUT if f in c}}
            for c in self.customers.values()
        ]
        purchases = [
            {"_id": p["_id"], **{f: p[f] for f in PURCHASE_FACTS}} for p in self.purchases.values()
        ]
        return customers, purchases

    def save_classifications(self, changed: dict[str, dict[str, Any]], ran_at: datetime) -> None:
        for ref, classification in changed.items():
            self.customers[ref][CLASSIFICATION] = copy.deepcopy(classification)
        job = self.jobs.setdefault(CLASSIFICATION, {"_id": CLASSIFICATION})
        job["last_run_at"] = ran_at
        if job.get("stale_since") is not None and job["stale_since"] <= ran_at:
            del job["stale_since"]

    def customers_by_class(
        self, label: str | None, typology: str | None, skip: int, limit: int
    ) -> list[dict[str, Any]]:
        found = [
            _without_history(c)
            for _, c in sorted(self.customers.items())
            if (not label or label in (c.get(CLASSIFICATION) or {}).get("labels", []))
            and (not typology or c.get("typology") == typology)
        ]
        return found[skip : skip + limit]

    def save_lost(
        self, customer_id: str, read: dict[str, Any] | None, lost: dict[str, Any], event: dict
    ) -> bool:
        return self._update(self.customers, customer_id, {"lost": read}, {"lost": lost}, event)

    def save_credit(self, customer_id: str, credit: dict[str, Any]) -> None:
        self.customers[customer_id]["credit"] = copy.deepcopy(credit)

    def letters_of(self, customer_id: str) -> list[dict[str, Any]]:
        mine = [x for x in self.letters.values() if x["customer_id"] == customer_id]
        return copy.deepcopy(sorted(mine, key=lambda letter: letter["sent_on"]))

    def add_letter(self, letter: dict[str, Any]) -> bool:
        if letter["_id"] in self.letters:
            return False
        self.letters[letter["_id"]] = copy.deepcopy(letter)
        return True

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
    return None if document is None else _without_history(document)


def _without_history(document: dict[str, Any]) -> dict[str, Any]:
    return {name: copy.deepcopy(value) for name, value in document.items() if name != "history"}


def _of(documents: dict[str, dict[str, Any]], customer_id: str) -> list[dict[str, Any]]:
    mine = [d for d in documents.values() if d["customer_id"] == customer_id]
    return copy.deepcopy(sorted(mine, key=lambda d: d["due_at"]))
