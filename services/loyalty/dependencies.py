"""The loyalty service's storage: its unit of work over MongoDB, and an in-memory fake."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from pymongo import DESCENDING
from pymongo.errors import DuplicateKeyError

from clientela.outbox import insert_once
from clientela.services.loyalty.documents import LedgerEntry, Member, ReferralCode
from clientela.storage import FakeUnitOfWork, UnitOfWork


class LoyaltyStorage(UnitOfWork):
    """The points ledger, the members and their referral codes, in the loyalty database."""

    def add_entry(self, entry: dict[str, Any], event: dict) -> bool:
        """Insert ledger ``entry`` and publish ``event``, unless its ``_id`` is taken.

        True when this call recorded it; False (and nothing published) when an
        entry with that id was there already.
        """
        ledger = self.database[LedgerEntry._meta["collection"]]
        return insert_once(ledger, {"_id": entry["_id"]}, entry, event, self.publish) is None

    def balance(self, customer_id: str) -> int:
        """The customer's points: the sum of their ledger entries."""
        totals = self.database[LedgerEntry._meta["collection"]].aggregate(
            [
                {"$match": {"customer_id": customer_id}},
                {"$group": {"_id": None, "points": {"$sum": "$points"}}},
            ]
        )
        points: int = next(iter(totals), {"points": 0})["points"]
        return points

    def latest_entries(self, customer_id: str, limit: int) -> list[dict[str, Any]]:
        """The customer's latest ``limit`` ledger entries, newest first."""
        found = self.database[LedgerEntry._meta["collection"]].find(
            {"customer_id": customer_id}, {"outbox": 0}
        )
        return list(found.sort("recorded_at", DESCENDING).limit(limit))

    def remember_member(self, customer_id: str, prospect_id: str | None, email: str | None) -> None:
        """Keep (or refresh) a customer announced by the customers service."""
        self.database[Member._meta["collection"]].update_one(
            {"_id": customer_id},
            {"$set": {"prospect_id": prospect_id, "email": email}},
            upsert=True,
        )

    def find_member(self, customer_id: str) -> dict[str, Any] | None:
        """The member ``customer_id`` (with ``prospect_id`` and ``email``), None if unknown."""
        return self.database[Member._meta["collection"]].find_one({"_id": customer_id})

    def add_referral_code(self, code: str, customer_id: str, created_at: datetime) -> bool:
        """Give ``customer_id`` referral ``code``; False when the code or customer has one."""
        codes = self.database[ReferralCode._meta["collection"]]
        try:
            codes.insert_one({"_id": code, "customer_id": customer_id, "created_at": created_at})
        except DuplicateKeyError:
            return False
        return True

    def code_of(self, customer_id: str) -> str | None:
        """The referral code of ``customer_id``, None when they have none yet."""
        codes = self.database[ReferralCode._meta["collection"]]
        found = codes.find_one({"customer_id": customer_id}, {"_id": 1})
        return None if found is None else found["_id"]

    def owner_of_code(self, code: str) -> str | None:
        """The id of the customer whose referral code is ``code`` (as stored), None if nobody's."""
        codes = self.database[ReferralCode._meta["collection"]]
        found = codes.find_one({"_id": code}, {"customer_id": 1})
        return None if found is None else found["customer_id"]


class FakeLoyaltyStorage(FakeUnitOfWork):
    """:class:`LoyaltyStorage` in memory, for handler unit tests."""

    def __init__(self) -> None:
        super().__init__()
        self.ledger: dict[str, dict[str, Any]] = {}
        self.members: dict[str, dict[str, Any]] = {}
        self.codes: dict[str, dict[str, Any]] = {}

    def add_entry(self, entry: dict[str, Any], event: dict) -> bool:
        if entry["_id"] in self.ledger:
            return False
        self.ledger[entry["_id"]] = copy.deepcopy(entry)
        self.publish(event)
        return True

    def balance(self, customer_id: str) -> int:
        return sum(e["points"] for e in self.ledger.values() if e["customer_id"] == customer_id)

    def latest_entries(self, customer_id: str, limit: int) -> list[dict[str, Any]]:
        entries = [e for e in self.ledger.values() if e["customer_id"] == customer_id]
        entries.sort(key=lambda entry: entry["recorded_at"], reverse=True)
        return copy.deepcopy(entries[:limit])

    def remember_member(self, customer_id: str, prospect_id: str | None, email: str | None) -> None:
        self.members[customer_id] = {"_id": customer_id, "prospect_id": prospect_id, "email": email}

    def find_member(self, customer_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.members.get(customer_id))

    def add_referral_code(self, code: str, customer_id: str, created_at: datetime) -> bool:
        if code in self.codes or self.code_of(customer_id) is not None:
            return False
        self.codes[code] = {"_id": code, "customer_id": customer_id, "created_at": created_at}
        return True

    def code_of(self, customer_id: str) -> str | None:
        owned = (c["_id"] for c in self.codes.values() if c["customer_id"] == customer_id)
        return next(owned, None)

    def owner_of_code(self, code: str) -> str | None:
        found = self.codes.get(code)
        return None if found is None else found["customer_id"]
