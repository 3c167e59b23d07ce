"""The feedback service's storage: its unit of work over MongoDB, and an in-memory fake."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from mongoengine import Document
from pymongo import ASCENDING, DESCENDING
from pymongo.collection import Collection

from clientela.outbox import PENDING, insert_once, update_announcing
from clientela.replay import documents_after, stored_after
from clientela.services.feedback.casework_storage import CaseworkStorage, FakeCaseworkStorage
from clientela.services.feedback.documents import (
    ComplaintRecord,
    KnownCustomer,
    NpsAnswer,
    SurveyDefinition,
    SurveyResponse,
)
from clientela.services.feedback.invitation_storage import (
    FakeInvitationStorage,
    InvitationStorage,
)

HIDDEN = {"outbox": 0, PENDING: 0}
"""What no query returns: the events still waiting to be published."""


class FeedbackStorage(InvitationStorage, CaseworkStorage):
    """Known customers, surveys, their responses and NPS answers, in the feedback database;
    invitations, their recipients and panels through :class:`InvitationStorage`, casework
    through :class:`CaseworkStorage`."""

    def _collection(self, document: type[Document]) -> Collection:
        return self.database[document._meta["collection"]]

    def replay_documents(self, source: str, after: str | None, limit: int) -> list[dict[str, Any]]:
        """The first ``limit`` documents of collection ``source`` (nps_answers, responses,
        complaints) by ``_id`` after ``after``, to replay."""
        return documents_after(self.database[source], after, limit)

    def remember_customer(
        self, customer_id: str, name: str, captive: bool, email: str | None = None
    ) -> None:
        """Keep (or refresh) a customer announced by the customers service."""
        self._collection(KnownCustomer).update_one(
            {"_id": customer_id},
            {"$set": {"name": name, "captive": captive, "email": email}},
            upsert=True,
        )

    def is_known_customer(self, customer_id: str) -> bool:
        """Whether the customers service announced ``customer_id``."""
        found = self._collection(KnownCustomer).find_one({"_id": customer_id}, {"_id": 1})
        return found is not None

    def captive_among(self, customer_ids: Iterable[str]) -> set[str]:
        """Those of ``customer_ids`` that are captive customers."""
        found = self._collection(KnownCustomer).find(
            {"_id": {"$in": sorted(set(customer_ids))}}, {"captive": 1}
        )
        return {customer["_id"] for customer in found if customer["captive"]}

    def add_answer(self, answer: dict[str, Any], event: dict) -> dict[str, Any] | None:
        """Insert ``answer`` and publish ``event`` with it, unless its ``_id`` is taken.

        Returns the answer stored under that id when there was one (nothing is
        published then), None when this call inserted it.
        """
        return self._insert_once(NpsAnswer, answer, event)

    def answers_of(self, customer_id: str) -> list[dict[str, Any]]:
        """The customer's NPS answers, newest first."""
        found = self._collection(NpsAnswer).find({"customer_id": customer_id}, HIDDEN)
        return list(found.sort([("customer_id", ASCENDING), ("answered_at", DESCENDING)]))

    def survey(self, survey_id: str) -> dict[str, Any] | None:
        """The survey ``survey_id`` with every version of its questions, or None."""
        return self._collection(SurveyDefinition).find_one({"_id": survey_id})

    def save_survey(self, survey: dict[str, Any]) -> None:
        """Store ``survey`` whole, in place of what its ``_id`` held."""
        self._collection(SurveyDefinition).replace_one({"_id": survey["_id"]}, survey, upsert=True)

    def surveys(self) -> list[dict[str, Any]]:
        """Every survey, by id."""
        return list(self._collection(SurveyDefinition).find({}).sort("_id", ASCENDING))

    def add_response(self, response: dict[str, Any], event: dict) -> dict[str, Any] | None:
        """Insert ``response`` and publish ``event`` with it, unless its key is taken.

        Returns the response stored under that key when there was one (nothing
        is published then), None when this call inserted it.
        """
        return self._insert_once(SurveyResponse, response, event)

    def responses_of(self, customer_id: str) -> list[dict[str, Any]]:
        """The customer's survey responses, newest first."""
        found = self._collection(SurveyResponse).find({"customer_id": customer_id}, HIDDEN)
        return list(found.sort([("customer_id", ASCENDING), ("answered_at", DESCENDING)]))

    def responses_to(self, survey_id: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """The responses to ``survey_id`` from ``start`` (included) to ``end``, oldest first."""
        found = self._collection(SurveyResponse).find(
            {"survey_id": survey_id, "answered_at": {"$gte": start, "$lt": end}}, HIDDEN
        )
        return list(found.sort([("survey_id", ASCENDING), ("answered_at", ASCENDING)]))

    def add_complaint(
        self, complaint: dict[str, Any], event: dict, also: Sequence[dict] = ()
    ) -> dict[str, Any] | None:
        """Insert ``complaint`` and publish ``event`` (then ``also``) with it, unless its
        reference is taken.

        Returns the complaint stored under that reference when there was one
        (nothing is published then), None when this call inserted it.
        """
        return self._insert_once(ComplaintRecord, complaint, event, also)

    def complaint(self, complaint_ref: str) -> dict[str, Any] | None:
        """The complaint ``complaint_ref``, or None."""
        return self._collection(ComplaintRecord).find_one({"_id": complaint_ref}, HIDDEN)

    def update_complaint(
        self, complaint_ref: str, revision: int, changes: dict[str, Any], events: list[dict]
    ) -> bool:
        """Apply ``changes`` (and the next revision) if the complaint is still at ``revision``,
        announcing ``events`` with them; False, with nothing written, when it moved meanwhile."""
        return update_announcing(
            self._collection(ComplaintRecord),
            {"_id": complaint_ref, "revision": revision},
            {"$set": {**changes, "revision": revision + 1}},
            events,
            self.publish,
        )

    def complaints(self, status: str | None, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` complaints, latest opened first; only those in ``status`` if given."""
        complaints = self._collection(ComplaintRecord)
        if status is None:
            found = complaints.find({}, HIDDEN).sort("opened_at", DESCENDING)
        else:
            found = complaints.find({"status": status}, HIDDEN).sort(
                [("status", ASCENDING), ("opened_at", DESCENDING)]
            )
        return list(found.limit(limit))

    def complaints_of(self, customer_id: str, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` of the customer's complaints and suggestions, latest opened first."""
        found = self._collection(ComplaintRecord).find({"customer_id": customer_id}, HIDDEN)
        return list(
            found.sort([("customer_id", ASCENDING), ("opened_at", DESCENDING)]).limit(limit)
        )

    def watched(self, deadline: str, now: datetime) -> list[dict[str, Any]]:
        """Complaints whose ``deadline`` target fell due by ``now``, its breach unannounced."""
        watch = f"{deadline}_watch"
        found = self._collection(ComplaintRecord).find({watch: {"$lte": now}}, HIDDEN)
        return list(found.sort(watch, ASCENDING))

    def _insert_once(
        self,
        document: type[Document],
        record: dict[str, Any],
        event: dict,
        also: Sequence[dict] = (),
    ) -> dict[str, Any] | None:
        collection = self._collection(document)
        existing = insert_once(
            collection, {"_id": record["_id"]}, record, event, self.publish, also=also
        )
        if existing is None:
            return None
        return collection.find_one({"_id": existing}, HIDDEN)


def _newest_first(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(records, key=lambda record: record["answered_at"], reverse=True)


class FakeFeedbackStorage(FakeInvitationStorage, FakeCaseworkStorage):
    """:class:`FeedbackStorage` in memory, for handler unit tests."""

    def __init__(self) -> None:
        super().__init__()
        self.customers: dict[str, dict[str, Any]] = {}
        self.answers: dict[str, dict[str, Any]] = {}
        self.survey_definitions: dict[str, dict[str, Any]] = {}
        self.responses: dict[str, dict[str, Any]] = {}
        self.complaint_records: dict[str, dict[str, Any]] = {}

    def replay_documents(self, source: str, after: str | None, limit: int) -> list[dict[str, Any]]:
        stored = {"nps_answers": self.answers, "responses": self.responses}
        stored["complaints"] = self.complaint_records
        return stored_after(stored[source], after, limit)

    def remember_customer(
        self, customer_id: str, name: str, captive: bool, email: str | None = None
    ) -> None:
        self.customers[customer_id] = {
            "_id": customer_id,
            "name": name,
            "captive": captive,
            "email": email,
        }

    def is_known_customer(self, customer_id: str) -> bool:
        return customer_id in self.customers

    def captive_among(self, customer_ids: Iterable[str]) -> set[str]:
        return {c for c in customer_ids if self.customers.get(c, {}).get("captive")}

    def add_answer(self, answer: dict[str, Any], event: dict) -> dict[str, Any] | None:
        return self._insert_once(self.answers, answer, event)

    def answers_of(self, customer_id: str) -> list[dict[str, Any]]:
        mine = (a for a in self.answers.values() if a["customer_id"] == customer_id)
        return copy.deepcopy(_newest_first(mine))

    def survey(self, survey_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.survey_definitions.get(survey_id))

    def save_survey(self, survey: dict[str, Any]) -> None:
        self.survey_definitions[survey["_id"]] = copy.deepcopy(survey)

    def surveys(self) -> list[dict[str, Any]]:
        return copy.deepcopy([self.survey_definitions[k] for k in sorted(self.survey_definitions)])

    def add_response(self, response: dict[str, Any], event: dict) -> dict[str, Any] | None:
        return self._insert_once(self.responses, response, event)

    def responses_of(self, customer_id: str) -> list[dict[str, Any]]:
        mine = (r for r in self.responses.values() if r["customer_id"] == customer_id)
        return copy.deepcopy(_newest_first(mine))

    def responses_to(self, survey_id: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        found = [
            r
            for r in self.responses.values()
            if r["survey_id"] == survey_id and start <= r["answered_at"] < end
        ]
        return copy.deepcopy(sorted(found, key=lambda r: r["answered_at"]))

    def add_complaint(
        self, complaint: dict[str, Any], event: dict, also: Sequence[dict] = ()
    ) -> dict[str, Any] | None:
        return self._insert_once(self.complaint_records, complaint, event, also)

    def complaint(self, complaint_ref: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.complaint_records.get(complaint_ref))

    def update_complaint(
        self, complaint_ref: str, revision: int, changes: dict[str, Any], events: list[dict]
    ) -> bool:
        stored = self.complaint_records.get(complaint_ref)
        if stored is None or stored["revision"] != revision:
            return False
        stored.update(copy.deepcopy(changes), revision=revision + 1)
        self.publish_many(events)
        return True

    def complaints(self, status: str | None, limit: int) -> list[dict[str, Any]]:
        found = [
            c for c in self.complaint_records.values() if status is None or c["status"] == status
        ]
        found.sort(key=lambda c: c["opened_at"], reverse=True)
        return copy.deepcopy(found[:limit])

    def complaints_of(self, customer_id: str, limit: int) -> list[dict[str, Any]]:
        found = [c for c in self.complaint_records.values() if c["customer_id"] == customer_id]
        found.sort(key=lambda c: c["opened_at"], reverse=True)
        return copy.deepcopy(found[:limit])

    def watched(self, deadline: str, now: datetime) -> list[dict[str, Any]]:
        watch = f"{deadline}_watch"
        found = [
            c
            for c in self.complaint_records.values()
            if c.get(watch) is not None and c[watch] <= now
        ]
        return copy.deepcopy(sorted(found, key=lambda c: c[watch]))

    def _insert_once(
        self,
        records: dict[str, dict[str, Any]],
        record: dict[str, Any],
        event: dict,
        also: Sequence[dict] = (),
    ) -> dict[str, Any] | None:
        if record["_id"] in records:
            return copy.deepcopy(records[record["_id"]])
        records[record["_id"]] = copy.deepcopy(record)
        self.publish_many([event, *also])
        return None
