"""The loyalty service's storage: its unit of work over MongoDB, and an in-memory fake."""

from __future__ import annotations

import contextlib
import copy
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from mongoengine import Document
from pymongo import ASCENDING, DESCENDING
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from clientela.clock import utcnow
from clientela.outbox import PENDING, flush_pending, insert_once, pending_update, update_announcing
from clientela.replay import documents_after, stored_after
from clientela.services.loyalty.documents import (
    AnswerFact,
    ChurnAlarm,
    ComplaintFact,
    ImprovementActionRecord,
    LedgerEntry,
    Member,
    PointsAccount,
    PurchaseFact,
    ReferralCode,
    RetentionCaseRecord,
    RewardStock,
    WinBackCampaign,
)
from clientela.storage import FakeUnitOfWork, UnitOfWork


def new_account(customer_id: str) -> dict[str, Any]:
    """The account of a customer with no points yet: version 0, never written."""
    return {
        "_id": customer_id,
        "version": 0,
        "entries": 0,
        "balance": 0,
        "tier": None,
        "review_at": None,
    }


REFERRAL_SOURCE = "referral:"


def referral_source(prospect_id: str) -> str:
    """The source of the journal entry rewarding whoever referred ``prospect_id``."""
    return f"{REFERRAL_SOURCE}{prospect_id}"


def is_referral_source(source: str) -> bool:
    """Whether a journal entry's source is a referral reward (see :func:`referral_source`)."""
    return source.startswith(REFERRAL_SOURCE)


ACCOUNT_FIELDS = tuple(new_account(""))
UNANNOUNCED = {"outbox": 0, PENDING: 0}
"""The projection leaving out a record's outbox fields."""
"""What :meth:`LoyaltyStorage.account` returns of an account."""


@dataclass(frozen=True)
class AccountChange:
    """New journal entries of one customer and the account they leave, to write at once.

    ``version`` is the account version they were computed from: the write
    happens only if the account is still at that version. ``entries`` carry their
    ``seq``, numbered on from the account's ``entries``, and ``entry_count`` is the
    journal's length with them; ``events`` announce them.
    """

    customer_id: str
    version: int
    entries: list[dict[str, Any]]
    balance: int
    tier: str | None
    review_at: datetime | None
    events: list[dict]
    entry_count: int

    def account(self) -> dict[str, Any]:
        """The account as this change leaves it."""
        return {
            "_id": self.customer_id,
            "version": self.version + 1,
            "entries": self.entry_count,
            "balance": self.balance,
            "tier": self.tier,
            "review_at": self.review_at,
        }


def _complaint_changes(
    opened_at: datetime | None, resolved: bool, breached: bool
) -> dict[str, Any]:
    """The fields one announcement of a complaint sets: only what it tells."""
    told: dict[str, Any] = {"opened_at": opened_at, "resolved": resolved, "breached": breached}
    return {name: value for name, value in told.items() if value}


class LoyaltyStorage(UnitOfWork):
    """Points accounts and journals, members and their referral codes, the purchases and
    answers churn risk reads, churn alarms and improvement actions, in the loyalty database."""

    def replay_documents(self, source: str, after: str | None, limit: int) -> list[dict[str, Any]]:
        """The first ``limit`` documents of collection ``source`` (ledger, alarms) by ``_id``
        after ``after``, to replay."""
        return documents_after(self.database[source], after, limit)

    def account(self, customer_id: str) -> dict[str, Any]:
        """The customer's account (:func:`new_account` when they have none).

        Entries a crash left pending on it are copied to the ledger first, so
        :meth:`journal` then holds every entry the account counts.
        """
        accounts = self.database[PointsAccount._meta["collection"]]
        found = accounts.find_one({"_id": customer_id}, UNANNOUNCED)
        if found is None:
            return new_account(customer_id)
        if found["pending"]:
            self._settle(customer_id, found["pending"])
        return {name: found.get(name) for name in ACCOUNT_FIELDS}

    def journal(self, customer_id: str, entries: int) -> list[dict[str, Any]]:
        """The first ``entries`` entries of the customer's journal, in the order written."""
        found = self.database[LedgerEntry._meta["collection"]].find(
            {"customer_id": customer_id, "seq": {"$lt": entries}}
        )
        return list(found.sort("seq", ASCENDING))

    def post(self, change: AccountChange) -> bool:
        """Write ``change`` in one conditional write and publish its events.

        False, with nothing written, when the account is no longer at
        ``change.version`` (a concurrent change won): read it again and retry.
        """
        accounts = self.database[PointsAccount._meta["collection"]]
        state = {key: value for key, value in change.account().items() if key != "_id"}
        if change.version == 0:
            try:
                accounts.insert_one(
                    {
                        "_id": change.customer_id,
                        **state,
                        "pending": change.entries,
                        "outbox": change.events,
                        **({PENDING: utcnow()} if change.events else {}),
                    }
                )
            except DuplicateKeyError:
                return False
        else:
            update: dict[str, Any] = {
                "$set": state,
                "$push": {"pending": {"$each": change.entries}},
            }
            if change.events:
                outbox = pending_update(change.events)
                update["$push"].update(outbox["$push"])
                update["$min"] = outbox["$min"]
            written = accounts.update_one(
                {"_id": change.customer_id, "version": change.version}, update
            )
            if not written.matched_count:
                return False
        if change.entries:
            self._settle(change.customer_id, change.entries)
        flush_pending(accounts, change.customer_id, change.events, self.publish)
        return True

    def _settle(self, customer_id: str, entries: list[dict[str, Any]]) -> None:
        """Copy ``entries`` pending on the account to the ledger, then take them off it."""
        ledger = self.database[LedgerEntry._meta["collection"]]
        for entry in entries:
            # copied already before a crash, or by a concurrent reader
            with contextlib.suppress(DuplicateKeyError):
                ledger.insert_one(entry)
        self.database[PointsAccount._meta["collection"]].update_one(
            {"_id": customer_id},
            {"$pull": {"pending": {"_id": {"$in": [entry["_id"] for entry in entries]}}}},
        )

    def latest_entries(self, customer_id: str, limit: int) -> list[dict[str, Any]]:
        """The customer's ``limit`` journal entries written last, latest first."""
        found = self.database[LedgerEntry._meta["collection"]].find({"customer_id": customer_id})
        return list(found.sort("seq", DESCENDING).limit(limit))

    def rewarded_for(self, prospect_id: str) -> str | None:
        """The customer rewarded for referring ``prospect_id``; None when nobody was."""
        found = self.database[LedgerEntry._meta["collection"]].find_one(
            {"_id": referral_source(prospect_id)}, {"customer_id": 1}
        )
        return None if found is None else found["customer_id"]

    def referrals_rewarded(self, customer_id: str) -> int:
        """How many converted prospects the customer was rewarded for referring."""
        entries = self.database[LedgerEntry._meta["collection"]].find(
            {"customer_id": customer_id}, {"_id": 1}
        )
        return sum(1 for entry in entries if is_referral_source(entry["_id"]))

    def due_for_review(self, as_of: datetime) -> list[str]:
        """The customers whose account is due for review by ``as_of``."""
        found = self.database[PointsAccount._meta["collection"]].find(
            {"review_at": {"$lte": as_of}}, {"_id": 1}
        )
        return [account["_id"] for account in found]

    def remember_member(
        self,
        customer_id: str,
        prospect_id: str | None,
        email: str | None,
        customer_since: datetime,
    ) -> None:
        """Keep (or refresh) a customer announced by the customers service."""
        self.database[Member._meta["collection"]].update_one(
            {"_id": customer_id},
            {
                "$set": {
                    "prospect_id": prospect_id,
                    "email": email,
                    "customer_since": customer_since,
                }
            },
            upsert=True,
        )

    def find_member(self, customer_id: str) -> dict[str, Any] | None:
        """The member ``customer_id`` (with ``prospect_id``, ``email``, ``customer_since``
        and their churn risk once scored), None if unknown."""
        return self.database[Member._meta["collection"]].find_one({"_id": customer_id}, UNANNOUNCED)

    def member_ids(self) -> list[str]:
        """Every member's id."""
        return [
            found["_id"] for found in self.database[Member._meta["collection"]].find({}, {"_id": 1})
        ]

    def save_risk(
        self, customer_id: str, score: int, reasons: list[dict[str, Any]], scored_at: datetime
    ) -> None:
        """Keep the member's churn-risk score and its reasons, as scored at ``scored_at``."""
        self.database[Member._meta["collection"]].update_one(
            {"_id": customer_id},
            {"$set": {"risk_score": score, "risk_reasons": reasons, "scored_at": scored_at}},
        )

    def add_purchase_fact(
        self,
        purchase_id: str,
        customer_id: str,
        at: datetime,
        amount: Decimal,
        product_line: str | None = None,
    ) -> None:
        """Keep a purchase (once, however often announced)."""
        kept = {"customer_id": customer_id, "at": at, "amount": str(amount)}
        self.database[PurchaseFact._meta["collection"]].update_one(
            {"_id": purchase_id},
            {"$setOnInsert": {**kept, "product_line": product_line}},
            upsert=True,
        )

    def purchase_facts(self, customer_id: str) -> list[dict[str, Any]]:
        """The customer's purchases: ``at``, ``amount`` (a Decimal) and ``product_line``
        (None when it was not kept)."""
        found = self.database[PurchaseFact._meta["collection"]].find({"customer_id": customer_id})
        return [{**fact, "amount": Decimal(fact["amount"])} for fact in found]

    def add_answer_fact(
        self,
        answer_id: str,
        customer_id: str,
        at: datetime,
        nps: int | None,
        csat: int | None,
    ) -> None:
        """Keep a survey answer (once, however often announced)."""
        self.database[AnswerFact._meta["collection"]].update_one(
            {"_id": answer_id},
            {"$setOnInsert": {"customer_id": customer_id, "at": at, "nps": nps, "csat": csat}},
            upsert=True,
        )

    def answer_facts(self, customer_id: str) -> list[dict[str, Any]]:
        """The customer's survey answers: ``at`` and an ``nps`` or a ``csat`` score."""
        return list(
            self.database[AnswerFact._meta["collection"]].find({"customer_id": customer_id})
        )

    def note_complaint_fact(
        self,
        complaint_ref: str,
        customer_id: str,
        opened_at: datetime | None,
        resolved: bool = False,
        breached: bool = False,
    ) -> None:
        """Keep what one announcement tells of a complaint: when it was opened (None: not
        told), that it was resolved, that it was breached; never undoing what another told."""
        told = {"customer_id": customer_id, **_complaint_changes(opened_at, resolved, breached)}
        self.database[ComplaintFact._meta["collection"]].update_one(
            {"_id": complaint_ref}, {"$set": told}, upsert=True
        )

    def complaint_facts(self, customer_id: str) -> list[dict[str, Any]]:
        """The customer's complaints: ``opened_at``, ``resolved`` and ``breached`` as told."""
        return list(
            self.database[ComplaintFact._meta["collection"]].find({"customer_id": customer_id})
        )

    def live_alarm(self, customer_id: str) -> dict[str, Any] | None:
        """The customer's alarm that is not closed yet, None when there is none."""
        return self._record(ChurnAlarm, {"customer_id": customer_id, "live": True})

    def alarm_count(self, customer_id: str) -> int:
        """How many alarms the customer has had, closed or not."""
        return self._records(ChurnAlarm).count_documents({"customer_id": customer_id})

    def find_alarm(self, alarm_id: str) -> dict[str, Any] | None:
        """The alarm ``alarm_id``, None when there is none."""
        return self._record(ChurnAlarm, {"_id": alarm_id})

    def add_alarm(self, alarm: dict[str, Any], event: dict) -> bool:
        """Insert ``alarm`` and publish ``event``; False (nothing published) if its id is taken."""
        return self._add_announcing(ChurnAlarm, alarm, event)

    def update_alarm(
        self, alarm_id: str, state: str, changes: dict[str, Any], event: dict | None
    ) -> bool:
        """Apply ``changes`` to the alarm if it is still in ``state``, announcing ``event``.

        False, with nothing written, when the alarm moved meanwhile.
        """
        return self._update_held(ChurnAlarm, {"_id": alarm_id, "state": state}, changes, event)

    def list_alarms(self, live_only: bool, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` alarms, latest raised first; with ``live_only``, those not closed."""
        return self._listed(ChurnAlarm, {"live": True} if live_only else {}, "raised_at", limit)

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

    def add_action(self, action: dict[str, Any], event: dict) -> dict[str, Any] | None:
        """Insert improvement ``action`` and publish ``event``; the action stored under its
        id (nothing published) when there was one."""
        if self._add_announcing(ImprovementActionRecord, action, event):
            return None
        return self.find_action(action["_id"])

    def find_action(self, action_id: str) -> dict[str, Any] | None:
        """The improvement action ``action_id``, None when there is none."""
        return self._record(ImprovementActionRecord, {"_id": action_id})

    def list_actions(self, open_only: bool, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` improvement actions, soonest due first; with ``open_only``, the
        open ones."""
        query = {"state": "open"} if open_only else {}
        return self._listed(ImprovementActionRecord, query, "due_at", limit, ASCENDING)

    def update_action(
        self, action_id: str, state: str, changes: dict[str, Any], event: dict
    ) -> bool:
        """Apply ``changes`` to the action if it is still in ``state``, announcing ``event``;
        False, with nothing written, otherwise."""
        held = {"_id": action_id, "state": state}
        return self._update_held(ImprovementActionRecord, held, changes, event)

    def live_case(self, customer_id: str) -> dict[str, Any] | None:
        """The customer's retention case that has not ended, None when there is none."""
        return self._record(RetentionCaseRecord, {"customer_id": customer_id, "live": True})

    def case_count(self, customer_id: str) -> int:
        """How many retention cases the customer has had, ended or not."""
        return self._records(RetentionCaseRecord).count_documents({"customer_id": customer_id})

    def find_case(self, case_id: str) -> dict[str, Any] | None:
        """The retention case ``case_id``, None when there is none."""
        return self._record(RetentionCaseRecord, {"_id": case_id})

    def add_case(self, case: dict[str, Any], event: dict) -> bool:
        """Insert retention ``case`` and publish ``event``; False (nothing published) if its
        id is taken."""
        return self._add_announcing(RetentionCaseRecord, case, event)

    def update_case(
        self, case_id: str, steps: int, changes: dict[str, Any], event: dict | None
    ) -> bool:
        """Apply ``changes`` to the case if it still has ``steps`` steps, announcing
        ``event``; False, with nothing written, when it moved meanwhile."""
        held = {"_id": case_id, "steps": steps}
        return self._update_held(RetentionCaseRecord, held, changes, event)

    def list_cases(self, live_only: bool, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` retention cases, latest announced first; with ``live_only``, those
        not ended."""
        query = {"live": True} if live_only else {}
        return self._listed(RetentionCaseRecord, query, "announced_at", limit)

    def _records(self, document: type[Document]) -> Collection:
        """The collection of ``document``'s records."""
        return self.database[document._meta["collection"]]

    def _record(self, document: type[Document], query: dict[str, Any]) -> dict[str, Any] | None:
        """The record of ``document`` ``query`` finds, without its outbox fields."""
        return self._records(document).find_one(query, UNANNOUNCED)

    def _listed(
        self,
        document: type[Document],
        query: dict[str, Any],
        order: str,
        limit: int,
        direction: int = DESCENDING,
    ) -> list[dict[str, Any]]:
        """Up to ``limit`` records of ``document`` ``query`` finds, by ``order``, without
        their outbox fields."""
        found = self._records(document).find(query, UNANNOUNCED)
        return list(found.sort(order, direction).limit(limit))

    def _add_announcing(
        self, document: type[Document], record: dict[str, Any], event: dict
    ) -> bool:
        """Insert ``record`` and publish ``event``; False (nothing published) if its id is
        taken."""
        records = self._records(document)
        return insert_once(records, {"_id": record["_id"]}, record, event, self.publish) is None

    def _update_held(
        self,
        document: type[Document],
        held: dict[str, Any],
        changes: dict[str, Any],
        event: dict | None,
    ) -> bool:
        """Apply ``changes`` to the record that still matches ``held``, announcing
        ``event``; False, with nothing written, when it moved meanwhile."""
        announced = [] if event is None else [event]
        return update_announcing(
            self._records(document), held, {"$set": changes}, announced, self.publish
        )

    def mark_lost(self, customer_id: str, lost: dict[str, Any]) -> None:
        """Keep that the customer is lost: ``lost`` carries ``lost_at``, ``lost_reason`` and
        their past value (``past_value``, ``past_value_cents``, ``past_purchases``)."""
        self.database[Member._meta["collection"]].update_one(
            {"_id": customer_id},
            {"$set": {**lost, "lost": True, "won_back_at": None, "won_back_by": None}},
            upsert=True,
        )

    def lost_members(self, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` members still lost, the most valuable (``past_value_cents``) first."""
        found = self.database[Member._meta["collection"]].find({"lost": True}, UNANNOUNCED)
        return list(found.sort("past_value_cents", DESCENDING).limit(limit))

    def target_member(self, customer_id: str, campaign_id: str) -> bool:
        """Aim campaign ``campaign_id`` at the customer if they are still lost; False if not."""
        written = self.database[Member._meta["collection"]].update_one(
            {"_id": customer_id, "lost": True}, {"$set": {"targeted_by": campaign_id}}
        )
        return bool(written.matched_count)

    def mark_won_back(
        self, customer_id: str, lost_at: datetime, changes: dict[str, Any], event: dict
    ) -> bool:
        """Apply ``changes`` (won back) if the customer is still lost since ``lost_at``,
        announcing ``event``; False, with nothing written, otherwise."""
        return update_announcing(
            self.database[Member._meta["collection"]],
            {"_id": customer_id, "lost": True, "lost_at": lost_at},
            {"$set": {**changes, "lost": False}},
            [event],
            self.publish,
        )

    def won_back_by(self, campaign_id: str) -> list[str]:
        """The customers campaign ``campaign_id`` won back."""
        found = self.database[Member._meta["collection"]].find(
            {"won_back_by": campaign_id}, {"_id": 1}
        )
        return sorted(member["_id"] for member in found)

    def add_campaign(self, campaign: dict[str, Any]) -> dict[str, Any] | None:
        """Insert win-back ``campaign``; the campaign stored under its id when there was one."""
        campaigns = self.database[WinBackCampaign._meta["collection"]]
        try:
            campaigns.insert_one(campaign)
        except DuplicateKeyError:
            return campaigns.find_one({"_id": campaign["_id"]})
        return None

    def find_campaign(self, campaign_id: str) -> dict[str, Any] | None:
        """The win-back campaign ``campaign_id``, None when there is none."""
        return self.database[WinBackCampaign._meta["collection"]].find_one({"_id": campaign_id})

    def list_campaigns(self, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` win-back campaigns, the latest starting first."""
        found = self.database[WinBackCampaign._meta["collection"]].find({})
        return list(found.sort("starts_at", DESCENDING).limit(limit))

    def ensure_stock(self, code: str, stock: int) -> None:
        """Keep reward ``code``'s stock at ``stock`` in all: made with all of it left the first
        time; when ``stock`` changed since, what is left moves by the difference."""
        stocks = self.database[RewardStock._meta["collection"]]
        with contextlib.suppress(DuplicateKeyError):  # a concurrent call made it
            stocks.update_one(
                {"_id": code},
                {"$setOnInsert": {"stock": stock, "left": stock, "claims": []}},
                upsert=True,
            )
        kept = stocks.find_one({"_id": code}, {"stock": 1})
        if kept is not None and kept["stock"] != stock:
            stocks.update_one(
                {"_id": code, "stock": kept["stock"]},
                {"$set": {"stock": stock}, "$inc": {"left": stock - kept["stock"]}},
            )

    def claim_unit(self, code: str, source: str) -> bool:
        """Take one unit of reward ``code`` for redemption ``source``, once: True when it
        holds one (now or from before), False when none is left."""
        stocks = self.database[RewardStock._meta["collection"]]
        taken = stocks.update_one(
            {"_id": code, "left": {"$gt": 0}, "claims": {"$ne": source}},
            {"$inc": {"left": -1}, "$push": {"claims": source}},
        )
        if taken.modified_count:
            return True
        return stocks.find_one({"_id": code, "claims": source}, {"_id": 1}) is not None

    def release_unit(self, code: str, source: str) -> None:
        """Give back the unit redemption ``source`` holds of reward ``code``, if it holds one."""
        self.database[RewardStock._meta["collection"]].update_one(
            {"_id": code, "claims": source}, {"$inc": {"left": 1}, "$pull": {"claims": source}}
        )

    def stock_left(self, code: str, stock: int) -> int:
        """How many of reward ``code`` are left (``stock`` until one was claimed)."""
        kept = self.database[RewardStock._meta["collection"]].find_one({"_id": code}, {"left": 1})
        return stock if kept is None else max(0, kept["left"])


class FakeLoyaltyStorage(FakeUnitOfWork):
    """:class:`LoyaltyStorage` in memory, for handler unit tests."""

    def __init__(self) -> None:
        super().__init__()
        self.accounts: dict[str, dict[str, Any]] = {}
        self.ledger: dict[str, dict[str, Any]] = {}
        self.members: dict[str, dict[str, Any]] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.purchases: dict[str, dict[str, Any]] = {}
        self.answers: dict[str, dict[str, Any]] = {}
        self.alarms: dict[str, dict[str, Any]] = {}
        self.complaints: dict[str, dict[str, Any]] = {}
        self.actions: dict[str, dict[str, Any]] = {}
        self.cases: dict[str, dict[str, Any]] = {}
        self.campaigns: dict[str, dict[str, Any]] = {}
        self.stocks: dict[str, dict[str, Any]] = {}

    def replay_documents(self, source: str, after: str | None, limit: int) -> list[dict[str, Any]]:
        stored = {"ledger": self.ledger, "alarms": self.alarms}
        return stored_after(stored[source], after, limit)

    def account(self, customer_id: str) -> dict[str, Any]:
        return copy.deepcopy(self.accounts.get(customer_id, new_account(customer_id)))

    def journal(self, customer_id: str, entries: int) -> list[dict[str, Any]]:
        mine = [
            entry
            for entry in self.ledger.values()
            if entry["customer_id"] == customer_id and entry["seq"] < entries
        ]
        return copy.deepcopy(sorted(mine, key=lambda entry: entry["seq"]))

    def post(self, change: AccountChange) -> bool:
        if self.account(change.customer_id)["version"] != change.version:
            return False
        self.accounts[change.customer_id] = change.account()
        for entry in change.entries:
            self.ledger.setdefault(entry["_id"], copy.deepcopy(entry))
        self.publish_many(change.events)
        return True

    def latest_entries(self, customer_id: str, limit: int) -> list[dict[str, Any]]:
        entries = [e for e in self.ledger.values() if e["customer_id"] == customer_id]
        entries.sort(key=lambda entry: entry["seq"], reverse=True)
        return copy.deepcopy(entries[:limit])

    def rewarded_for(self, prospect_id: str) -> str | None:
        found = self.ledger.get(referral_source(prospect_id))
        return None if found is None else found["customer_id"]

    def referrals_rewarded(self, customer_id: str) -> int:
        return sum(
            1
            for entry in self.ledger.values()
            if entry["customer_id"] == customer_id and is_referral_source(entry["_id"])
        )

    def due_for_review(self, as_of: datetime) -> list[str]:
        return [
            customer_id
            for customer_id, account in self.accounts.items()
            if account["review_at"] is not None and account["review_at"] <= as_of
        ]

    def remember_member(
        self,
        customer_id: str,
        prospect_id: str | None,
        email: str | None,
        customer_since: datetime,
    ) -> None:
        known = self.members.setdefault(customer_id, {"_id": customer_id})
        known.update(prospect_id=prospect_id, email=email, customer_since=customer_since)

    def find_member(self, customer_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.members.get(customer_id))

    def member_ids(self) -> list[str]:
        return list(self.members)

    def save_risk(
        self, customer_id: str, score: int, reasons: list[dict[str, Any]], scored_at: datetime
    ) -> None:
        if customer_id in self.members:
            self.members[customer_id].update(
                risk_score=score, risk_reasons=copy.deepcopy(reasons), scored_at=scored_at
            )

    def add_purchase_fact(
        self,
        purchase_id: str,
        customer_id: str,
        at: datetime,
        amount: Decimal,
        product_line: str | None = None,
    ) -> None:
        kept = {"customer_id": customer_id, "at": at, "amount": amount}
        self.purchases.setdefault(
            purchase_id, {"_id": purchase_id, **kept, "product_line": product_line}
        )

    def purchase_facts(self, customer_id: str) -> list[dict[str, Any]]:
        return [
            copy.deepcopy(p) for p in self.purchases.values() if p["customer_id"] == customer_id
        ]

    def add_answer_fact(
        self,
        answer_id: str,
        customer_id: str,
        at: datetime,
        nps: int | None,
        csat: int | None,
    ) -> None:
        self.answers.setdefault(
            answer_id,
            {"_id": answer_id, "customer_id": customer_id, "at": at, "nps": nps, "csat": csat},
        )

    def answer_facts(self, customer_id: str) -> list[dict[str, Any]]:
        return [copy.deepcopy(a) for a in self.answers.values() if a["customer_id"] == customer_id]

    def note_complaint_fact(
        self,
        complaint_ref: str,
        customer_id: str,
        opened_at: datetime | None,
        resolved: bool = False,
        breached: bool = False,
    ) -> None:
        fact = self.complaints.setdefault(complaint_ref, {"_id": complaint_ref})
        fact.update(customer_id=customer_id, **_complaint_changes(opened_at, resolved, breached))

    def complaint_facts(self, customer_id: str) -> list[dict[str, Any]]:
        return [
            copy.deepcopy(c) for c in self.complaints.values() if c["customer_id"] == customer_id
        ]

    def live_alarm(self, customer_id: str) -> dict[str, Any] | None:
        return _live(self.alarms, customer_id)

    def alarm_count(self, customer_id: str) -> int:
        return _count(self.alarms, customer_id)

    def find_alarm(self, alarm_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.alarms.get(alarm_id))

    def add_alarm(self, alarm: dict[str, Any], event: dict) -> bool:
        return self._add_announcing(self.alarms, alarm, event)

    def update_alarm(
        self, alarm_id: str, state: str, changes: dict[str, Any], event: dict | None
    ) -> bool:
        return self._update_held(self.alarms, alarm_id, ("state", state), changes, event)

    def list_alarms(self, live_only: bool, limit: int) -> list[dict[str, Any]]:
        alarms = [a for a in self.alarms.values() if a["live"] or not live_only]
        alarms.sort(key=lambda alarm: alarm["raised_at"], reverse=True)
        return copy.deepcopy(alarms[:limit])

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

    def add_action(self, action: dict[str, Any], event: dict) -> dict[str, Any] | None:
        if self._add_announcing(self.actions, action, event):
            return None
        return copy.deepcopy(self.actions[action["_id"]])

    def find_action(self, action_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.actions.get(action_id))

    def list_actions(self, open_only: bool, limit: int) -> list[dict[str, Any]]:
        actions = [a for a in self.actions.values() if a["state"] == "open" or not open_only]
        actions.sort(key=lambda action: action["due_at"])
        return copy.deepcopy(actions[:limit])

    def update_action(
        self, action_id: str, state: str, changes: dict[str, Any], event: dict
    ) -> bool:
        return self._update_held(self.actions, action_id, ("state", state), changes, event)

    def live_case(self, customer_id: str) -> dict[str, Any] | None:
        return _live(self.cases, customer_id)

    def case_count(self, customer_id: str) -> int:
        return _count(self.cases, customer_id)

    def find_case(self, case_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.cases.get(case_id))

    def add_case(self, case: dict[str, Any], event: dict) -> bool:
        return self._add_announcing(self.cases, case, event)

    def update_case(
        self, case_id: str, steps: int, changes: dict[str, Any], event: dict | None
    ) -> bool:
        return self._update_held(self.cases, case_id, ("steps", steps), changes, event)

    def _add_announcing(
        self, records: dict[str, dict[str, Any]], record: dict[str, Any], event: dict
    ) -> bool:
        if record["_id"] in records:
            return False
        records[record["_id"]] = copy.deepcopy(record)
        self.publish(event)
        return True

    def _update_held(
        self,
        records: dict[str, dict[str, Any]],
        record_id: str,
        held: tuple[str, Any],
        changes: dict[str, Any],
        event: dict | None,
    ) -> bool:
        record = records.get(record_id)
        field, value = held
        if record is None or record[field] != value:
            return False
        record.update(copy.deepcopy(changes))
        if event is not None:
            self.publish(event)
        return True

    def list_cases(self, live_only: bool, limit: int) -> list[dict[str, Any]]:
        cases = [c for c in self.cases.values() if c["live"] or not live_only]
        cases.sort(key=lambda case: case["announced_at"], reverse=True)
        return copy.deepcopy(cases[:limit])

    def mark_lost(self, customer_id: str, lost: dict[str, Any]) -> None:
        member = self.members.setdefault(customer_id, {"_id": customer_id})
        member.update(copy.deepcopy(lost), lost=True, won_back_at=None, won_back_by=None)

    def lost_members(self, limit: int) -> list[dict[str, Any]]:
        lost = [m for m in self.members.values() if m.get("lost")]
        lost.sort(key=lambda member: member["past_value_cents"], reverse=True)
        return copy.deepcopy(lost[:limit])

    def target_member(self, customer_id: str, campaign_id: str) -> bool:
        member = self.members.get(customer_id)
        if member is None or not member.get("lost"):
            return False
        member["targeted_by"] = campaign_id
        return True

    def mark_won_back(
        self, customer_id: str, lost_at: datetime, changes: dict[str, Any], event: dict
    ) -> bool:
        member = self.members.get(customer_id)
        if member is None or not member.get("lost") or member.get("lost_at") != lost_at:
            return False
        member.update(copy.deepcopy(changes), lost=False)
        self.publish(event)
        return True

    def won_back_by(self, campaign_id: str) -> list[str]:
        return sorted(
            m["_id"] for m in self.members.values() if m.get("won_back_by") == campaign_id
        )

    def add_campaign(self, campaign: dict[str, Any]) -> dict[str, Any] | None:
        if campaign["_id"] in self.campaigns:
            return copy.deepcopy(self.campaigns[campaign["_id"]])
        self.campaigns[campaign["_id"]] = copy.deepcopy(campaign)
        return None

    def find_campaign(self, campaign_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.campaigns.get(campaign_id))

    def list_campaigns(self, limit: int) -> list[dict[str, Any]]:
        campaigns = sorted(self.campaigns.values(), key=lambda c: c["starts_at"], reverse=True)
        return copy.deepcopy(campaigns[:limit])

    def ensure_stock(self, code: str, stock: int) -> None:
        kept = self.stocks.setdefault(code, {"stock": stock, "left": stock, "claims": []})
        kept["left"] += stock - kept["stock"]
        kept["stock"] = stock

    def claim_unit(self, code: str, source: str) -> bool:
        kept = self.stocks.get(code)
        if kept is None:
            return False
        if source in kept["claims"]:
            return True
        if kept["left"] <= 0:
            return False
        kept["left"] -= 1
        kept["claims"].append(source)
        return True

    def release_unit(self, code: str, source: str) -> None:
        kept = self.stocks.get(code)
        if kept is not None and source in kept["claims"]:
            kept["left"] += 1
            kept["claims"].remove(source)

    def stock_left(self, code: str, stock: int) -> int:
        kept = self.stocks.get(code)
        return stock if kept is None else max(0, kept["left"])


def _live(records: dict[str, dict[str, Any]], customer_id: str) -> dict[str, Any] | None:
    """A copy of the customer's record still ``live`` among ``records``, None if none is."""
    live = (r for r in records.values() if r["customer_id"] == customer_id and r["live"])
    return copy.deepcopy(next(live, None))


def _count(records: dict[str, dict[str, Any]], customer_id: str) -> int:
    """How many of ``records`` are the customer's."""
    return sum(1 for record in records.values() if record["customer_id"] == customer_id)
