"""The feedback unit of work's casework part, over MongoDB and in memory.

Corrective actions, critical incidents, lost-customer interviews, customer
requirements, the SERVQUAL ratings an import gathers, and customers by
e-mail. :class:`~clientela.services.feedback.dependencies.FeedbackStorage`
and its fake build on these two classes.
"""

from __future__ import annotations

import copy
from typing import Any

from mongoengine import Document
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from clientela.outbox import PENDING, insert_once, release, stage
from clientela.services.feedback.casework_documents import (
    CorrectiveActionRecord,
    ImportedRating,
    IncidentRecord,
    InterviewRecord,
    RequirementRecord,
)
from clientela.services.feedback.documents import ComplaintRecord, KnownCustomer, SurveyResponse
from clientela.storage import FakeUnitOfWork, UnitOfWork

_HIDDEN = {"outbox": 0, PENDING: 0}
DUPLICATE_KEY = 11000
BATCHED: dict[str, type[Document]] = {"responses": SurveyResponse, "complaints": ComplaintRecord}
"""What :meth:`CaseworkStorage.add_batch` writes: imported survey responses and complaints."""
Entries = list[tuple[dict[str, Any], list[dict]]]
"""Records to insert, each with the events announcing it."""


class CaseworkStorage(UnitOfWork):
    """Casework in the feedback database."""

    def _records(self, document: type[Document]) -> Collection:
        return self.database[document._meta["collection"]]

    def _insert_new(self, document: type[Document], record: dict[str, Any]) -> dict | None:
        """Insert ``record`` unless its ``_id`` is taken; the record stored there, else None."""
        records = self._records(document)
        try:
            records.insert_one(record)
        except DuplicateKeyError:
            return records.find_one({"_id": record["_id"]}, _HIDDEN)
        return None

    def customer_by_email(self, email: str) -> str | None:
        """The id of the known customer with e-mail ``email`` (lower case), or None."""
        found = self._records(KnownCustomer).find_one({"email": email}, {"_id": 1})
        return None if found is None else found["_id"]

    def add_batch(self, kind: str, entries: Entries) -> list[int]:
        """Insert each ``(record, events)`` of ``kind`` (responses or complaints) whose ``_id``
        is free, then publish their events, pipelined; the positions of the entries whose
        ``_id`` was taken (nothing is written or published for them).

        The events are staged before the write, so a crash between the write
        and the publishing leaves them for the relay.
        """
        if not entries:
            return []
        records = self._records(BATCHED[kind])
        proofs = [(event, {"_id": record["_id"]}) for record, events in entries for event in events]
        stage_id = stage(self.database, records.name, proofs)
        try:
            records.insert_many([record for record, _ in entries], ordered=False)
            taken: list[int] = []
        except BulkWriteError as exc:
            errors = exc.details["writeErrors"]
            if any(error["code"] != DUPLICATE_KEY for error in errors):
                raise
            taken = sorted(error["index"] for error in errors)
        skipped = set(taken)
        written = [e for n, (_, events) in enumerate(entries) if n not in skipped for e in events]
        release(self.database, stage_id, written, self.publish_many)
        return taken

    def response(self, response_id: str) -> dict[str, Any] | None:
        """The survey response stored under key ``response_id``, or None."""
        return self._records(SurveyResponse).find_one({"_id": response_id}, _HIDDEN)

    def add_action(self, action: dict[str, Any]) -> dict[str, Any] | None:
        """Insert a corrective action unless its reference is taken (then: the stored one)."""
        return self._insert_new(CorrectiveActionRecord, action)

    def action(self, action_ref: str) -> dict[str, Any] | None:
        """The corrective action ``action_ref``, or None."""
        return self._records(CorrectiveActionRecord).find_one({"_id": action_ref})

    def update_action(self, action_ref: str, revision: int, changes: dict[str, Any]) -> bool:
        """Apply ``changes`` if the action is still at ``revision``; False when it moved."""
        written = self._records(CorrectiveActionRecord).update_one(
            {"_id": action_ref, "revision": revision},
            {"$set": {**changes, "revision": revision + 1}},
        )
        return written.matched_count == 1

    def actions(self, status: str | None, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` corrective actions, soonest due first; only those in ``status``."""
        records = self._records(CorrectiveActionRecord)
        if status is None:
            found = records.find({}).sort("due_at", ASCENDING)
        else:
            found = records.find({"status": status}).sort(
                [("status", ASCENDING), ("due_at", ASCENDING)]
            )
        return list(found.limit(limit))

    def actions_for(self, complaint_ref: str) -> list[dict[str, Any]]:
        """The corrective actions linked to ``complaint_ref``, soonest due first."""
        found = self._records(CorrectiveActionRecord).find({"complaint_refs": complaint_ref})
        return sorted(found, key=lambda action: action["due_at"])

    def add_incident(self, incident: dict[str, Any]) -> dict[str, Any] | None:
        """Insert a critical incident unless its reference is taken (then: the stored one)."""
        return self._insert_new(IncidentRecord, incident)

    def incident(self, incident_ref: str) -> dict[str, Any] | None:
        """The critical incident ``incident_ref``, or None."""
        return self._records(IncidentRecord).find_one({"_id": incident_ref})

    def link_incident_action(self, incident_ref: str, action_ref: str) -> None:
        """Note that corrective action ``action_ref`` answers the incident (once)."""
        self._records(IncidentRecord).update_one(
            {"_id": incident_ref}, {"$addToSet": {"action_refs": action_ref}}
        )

    def incidents(self, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` critical incidents, latest occurred first."""
        found = self._records(IncidentRecord).find({}).sort("occurred_at", DESCENDING)
        return list(found.limit(limit))

    def add_interview(self, interview: dict[str, Any], event: dict) -> dict[str, Any] | None:
        """Insert a lost-customer interview and publish ``event`` with it, unless its
        reference is taken (then: the stored one, and nothing is published)."""
        records = self._records(InterviewRecord)
        existing = insert_once(records, {"_id": interview["_id"]}, interview, event, self.publish)
        return None if existing is None else records.find_one({"_id": existing}, _HIDDEN)

    def interviews_of(self, customer_id: str) -> list[dict[str, Any]]:
        """The customer's lost-customer interviews, latest first."""
        found = self._records(InterviewRecord).find({"customer_id": customer_id}, _HIDDEN)
        return list(found.sort([("customer_id", ASCENDING), ("interviewed_at", DESCENDING)]))

    def add_requirement(self, requirement: dict[str, Any]) -> dict[str, Any] | None:
        """Insert a requirement unless its reference is taken (then: the stored one)."""
        return self._insert_new(RequirementRecord, requirement)

    def requirement(self, requirement_ref: str) -> dict[str, Any] | None:
        """The requirement ``requirement_ref``, or None."""
        return self._records(RequirementRecord).find_one({"_id": requirement_ref})

    def settle_requirement(self, requirement_ref: str, changes: dict[str, Any]) -> bool:
        """Apply ``changes`` if the requirement is still open; False when it was settled."""
        written = self._records(RequirementRecord).update_one(
            {"_id": requirement_ref, "status": "open"}, {"$set": changes}
        )
        return written.matched_count == 1

    def requirements_of(self, customer_id: str) -> list[dict[str, Any]]:
        """Every requirement documented for the customer, in no particular order."""
        return list(self._records(RequirementRecord).find({"customer_id": customer_id}))

    def keep_rating(self, rating: dict[str, Any]) -> dict[str, Any] | None:
        """Store an imported SERVQUAL item rating in place of its ``_id``'s; what was there."""
        return self._records(ImportedRating).find_one_and_replace(
            {"_id": rating["_id"]}, rating, upsert=True, return_document=ReturnDocument.BEFORE
        )

    def ratings_of(self, response_id: str) -> list[dict[str, Any]]:
        """The imported item ratings of the response ``response_id``, by item."""
        found = self._records(ImportedRating).find({"response_id": response_id})
        return sorted(found, key=lambda rating: rating["item"])

    def drop_ratings(self, response_id: str) -> None:
        """Forget the imported item ratings of ``response_id`` (its answer is recorded)."""
        self._records(ImportedRating).delete_many({"response_id": response_id})


class FakeCaseworkStorage(FakeUnitOfWork):
    """:class:`CaseworkStorage` in memory."""

    customers: dict[str, dict[str, Any]]
    responses: dict[str, dict[str, Any]]
    complaint_records: dict[str, dict[str, Any]]

    def __init__(self) -> None:
        super().__init__()
        self.action_records: dict[str, dict[str, Any]] = {}
        self.incident_records: dict[str, dict[str, Any]] = {}
        self.interview_records: dict[str, dict[str, Any]] = {}
        self.requirement_records: dict[str, dict[str, Any]] = {}
        self.rating_records: dict[str, dict[str, Any]] = {}

    @staticmethod
    def _insert_new(records: dict[str, dict[str, Any]], record: dict[str, Any]) -> dict | None:
        if record["_id"] in records:
            return copy.deepcopy(records[record["_id"]])
        records[record["_id"]] = copy.deepcopy(record)
        return None

    def customer_by_email(self, email: str) -> str | None:
        return next((c for c, known in self.customers.items() if known.get("email") == email), None)

    def add_batch(self, kind: str, entries: Entries) -> list[int]:
        records = self.responses if kind == "responses" else self.complaint_records
        taken = []
        for position, (record, events) in enumerate(entries):
            if record["_id"] in records:
                taken.append(position)
                continue
            records[record["_id"]] = copy.deepcopy(record)
            self.publish_many(events)
        return taken

    def response(self, response_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.responses.get(response_id))

    def add_action(self, action: dict[str, Any]) -> dict[str, Any] | None:
        return self._insert_new(self.action_records, action)

    def action(self, action_ref: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.action_records.get(action_ref))

    def update_action(self, action_ref: str, revision: int, changes: dict[str, Any]) -> bool:
        stored = self.action_records.get(action_ref)
        if stored is None or stored["revision"] != revision:
            return False
        stored.update(copy.deepcopy(changes), revision=revision + 1)
        return True

    def actions(self, status: str | None, limit: int) -> list[dict[str, Any]]:
        found = [a for a in self.action_records.values() if status in (None, a["status"])]
        return copy.deepcopy(sorted(found, key=lambda a: a["due_at"])[:limit])

    def actions_for(self, complaint_ref: str) -> list[dict[str, Any]]:
        found = [a for a in self.action_records.values() if complaint_ref in a["complaint_refs"]]
        return copy.deepcopy(sorted(found, key=lambda a: a["due_at"]))

    def add_incident(self, incident: dict[str, Any]) -> dict[str, Any] | None:
        return self._insert_new(self.incident_records, incident)

    def incident(self, incident_ref: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.incident_records.get(incident_ref))

    def link_incident_action(self, incident_ref: str, action_ref: str) -> None:
        stored = self.incident_records.get(incident_ref)
        if stored is not None and action_ref not in stored["action_refs"]:
            stored["action_refs"].append(action_ref)

    def incidents(self, limit: int) -> list[dict[str, Any]]:
        found = sorted(self.incident_records.values(), key=lambda i: i["occurred_at"])
        return copy.deepcopy(found[::-1][:limit])

    def add_interview(self, interview: dict[str, Any], event: dict) -> dict[str, Any] | None:
        existing = self._insert_new(self.interview_records, interview)
        if existing is None:
            self.publish(event)
        return existing

    def interviews_of(self, customer_id: str) -> list[dict[str, Any]]:
        found = [i for i in self.interview_records.values() if i["customer_id"] == customer_id]
        return copy.deepcopy(sorted(found, key=lambda i: i["interviewed_at"], reverse=True))

    def add_requirement(self, requirement: dict[str, Any]) -> dict[str, Any] | None:
        return self._insert_new(self.requirement_records, requirement)

    def requirement(self, requirement_ref: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.requirement_records.get(requirement_ref))

    def settle_requirement(self, requirement_ref: str, changes: dict[str, Any]) -> bool:
        stored = self.requirement_records.get(requirement_ref)
        if stored is None or stored["status"] != "open":
            return False
        stored.update(copy.deepcopy(changes))
        return True

    def requirements_of(self, customer_id: str) -> list[dict[str, Any]]:
        found = [r for r in self.requirement_records.values() if r["customer_id"] == customer_id]
        return copy.deepcopy(found)

    def keep_rating(self, rating: dict[str, Any]) -> dict[str, Any] | None:
        before = self.rating_records.get(rating["_id"])
        self.rating_records[rating["_id"]] = copy.deepcopy(rating)
        return before

    def ratings_of(self, response_id: str) -> list[dict[str, Any]]:
        found = [r for r in self.rating_records.values() if r["response_id"] == response_id]
        return copy.deepcopy(sorted(found, key=lambda r: r["item"]))

    def drop_ratings(self, response_id: str) -> None:
        for rating in self.ratings_of(response_id):
            del self.rating_records[rating["_id"]]
