"""The prospects service's unit of work over MongoDB: every query and write its use cases make.

Profiles are read and saved whole, guarded by their ``version`` (every write
increments it, and a save of a profile read before another write is refused);
events announcing a change are saved in the profile's outbox in the same
write, then published (see :mod:`clientela.outbox`). A capture batch stages
its events first, then writes in bulk, then releases them.

Queries are shaped for an index: an ``$in`` goes on one indexed field alone,
and a write finds its documents by ``_id`` (with conditions), since SecantusDB
answers ``$or``, ``$and`` and an indexed ``$in`` with another condition by a
collection scan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, cast

from pymongo import DeleteOne, UpdateOne
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError

from clientela.outbox import PENDING, release, stage, update_announcing
from clientela.payloads import batches
from clientela.replay import documents_after
from clientela.services.prospects.documents import (
    Claim,
    FollowUp,
    PossibleDuplicate,
    Prospect,
    SharedLine,
)
from clientela.services.prospects.domain.batch import Suggestion
from clientela.services.prospects.domain.review import (
    PEOPLE_SHOWN,
    SHOWN_CARRIERS,
    dismissed_pair,
    pair_id,
    suggested_pair,
)
from clientela.services.prospects.domain.search import ProspectQuery
from clientela.storage import DUPLICATE_KEY, UnitOfWork

VERSION = "version"
"""Incremented by every write to a profile (``{"$inc": {VERSION: 1}}``)."""

UNSAVED = ("_id", "outbox", PENDING, VERSION)
"""What saving a profile never sets: its id, and what the write itself keeps (outbox, version)."""

KEYS_PER_QUERY = 200
"""Match keys per candidate query: large ``$in`` lists answer slower per key found."""

LEFT_OUT = {"outbox": 0, "captures.fields": 0, "captures.extra": 0}
"""What matching a batch does not need of a known profile: its raw rows and pending events."""

CAPTURE_CHANGES = (
    "match_keys",
    "facets",
    "completeness",
    "score",
    "updated_at",
    "consent",
    "identified_at",
    "source",
    "origin",
    "company_key",
)
"""What new captures may change in a known profile, besides the fields they filled."""

CLAIM_GRACE = timedelta(seconds=5)
"""How long a claim without its profile is taken for one being written, not abandoned.

(Were a slow writer's claim taken over, the person would get two profiles
sharing an e-mail or phone, which the next lead carrying it merges.)"""


def mongo_filter(query: ProspectQuery) -> dict[str, Any]:
    """The MongoDB filter of a search by anything but an identity (see ``find_page``)."""
    found: dict[str, Any] = {"merged_into": None}
    if query.facets:
        found["facets"] = {"$all": list(query.facets)}
    if query.status:
        found["status"] = query.status
    if query.owner:
        found["owner"] = query.owner
    captured = {"$gte": query.captured_from, "$lt": query.captured_to}
    captured = {op: value for op, value in captured.items() if value is not None}
    if captured:
        found["captured_at"] = captured
    score = {"$gte": query.min_score, "$lte": query.max_score}
    score = {op: value for op, value in score.items() if value is not None}
    if score:
        found["score"] = score
    return found


class ProspectsStorage(UnitOfWork):
    """Profiles, follow-up tasks, the review list and identity claims, in the prospects database."""

    @property
    def _profiles(self) -> Collection:
        return self.database[Prospect._meta["collection"]]

    @property
    def _follow_ups(self) -> Collection:
        return self.database[FollowUp._meta["collection"]]

    @property
    def _pairs(self) -> Collection:
        return self.database[PossibleDuplicate._meta["collection"]]

    @property
    def _lines(self) -> Collection:
        return self.database[SharedLine._meta["collection"]]

    @property
    def _claims(self) -> Collection:
        return self.database[Claim._meta["collection"]]

    def replay_documents(self, source: str, after: str | None, limit: int) -> list[dict[str, Any]]:
        """The first ``limit`` profiles by ``_id`` after ``after``, to replay (only source:
        ``prospects``)."""
        return documents_after(self._profiles, after, limit)

    # -- one profile -------------------------------------------------------------------------

    def find_profile(self, prospect_id: str) -> dict[str, Any] | None:
        """The stored profile ``prospect_id`` (without its outbox), or None."""
        return self._profiles.find_one({"_id": prospect_id}, {"outbox": 0})

    def save_profile(self, profile: dict[str, Any], events: list[dict]) -> bool:
        """Save ``profile`` and publish ``events``, unless it changed since it was read.

        The events are saved in the profile's outbox by the same write, then
        published. Returns False when another writer got there first (nothing
        is written): read again and redo.
        """
        update = {
            "$set": {name: value for name, value in profile.items() if name not in UNSAVED},
            "$inc": {VERSION: 1},
        }
        guard = {"_id": profile["_id"], VERSION: profile.get(VERSION)}
        return update_announcing(self._profiles, guard, update, events, self.publish)

    def mark_merged(
        self, merged_id: str, survivor_id: str, version: int | None, now: datetime
    ) -> bool:
        """Mark ``merged_id`` as merged into ``survivor_id`` unless its version moved."""
        claimed = self._profiles.update_one(
            {"_id": merged_id, VERSION: version},
            {"$set": {"merged_into": survivor_id, "updated_at": now}, "$inc": {VERSION: 1}},
        )
        return claimed.modified_count == 1

    def unmark_merged(self, merged_id: str, survivor_id: str) -> None:
        """Take back the mark of a merge into ``survivor_id`` that could not complete."""
        self._profiles.update_one(
            {"_id": merged_id, "merged_into": survivor_id},
            {"$set": {"merged_into": None}, "$inc": {VERSION: 1}},
        )

    def restore_merged(self, merged_id: str, survivor_id: str, now: datetime) -> None:
        """Make ``merged_id`` a profile of its own again, kept apart from ``survivor_id``."""
        self._profiles.update_one(
            {"_id": merged_id},
            {
                "$set": {"merged_into": None, "updated_at": now},
                "$addToSet": {"kept_apart": survivor_id},
                "$inc": {VERSION: 1},
            },
        )

    def keep_apart(self, prospect_id: str, other_id: str) -> None:
        """Note on ``prospect_id`` that it is never to be one person with ``other_id``."""
        self._profiles.update_one(
            {"_id": prospect_id, "kept_apart": {"$ne": other_id}},
            {"$addToSet": {"kept_apart": other_id}, "$inc": {VERSION: 1}},
        )

    def link_customer(self, prospect_id: str, customer_id: str) -> None:
        """Note the customer profile ``prospect_id`` became (again changes nothing)."""
        self._profiles.update_one(
            {"_id": prospect_id, "customer_id": {"$ne": customer_id}},
            {"$set": {"customer_id": customer_id}, "$inc": {VERSION: 1}},
        )

    # -- finding profiles --------------------------------------------------------------------

    def known_profiles(
        self, keys: Iterable[str], captures: Iterable[str] = ()
    ) -> list[dict[str, Any]]:
        """Live profiles carrying any of the match ``keys`` or holding a capture whose key is in
        ``captures``, each once (without their captures' raw rows).

        Merged profiles are left out here rather than in the query: SecantusDB
        answers a filter with a second condition by a collection scan.
        """
        found: dict[str, dict[str, Any]] = {}
        for field_name, values in (("match_keys", keys), ("captures.key", captures)):
            for chunk in batches(sorted(set(values)), KEYS_PER_QUERY):
                for profile in self._profiles.find({field_name: {"$in": chunk}}, LEFT_OUT):
                    if not profile.get("merged_into"):
                        found.setdefault(profile["_id"], profile)
        return list(found.values())

    def people(self, prospect_ids: Iterable[str]) -> list[dict[str, Any]]:
        """The names, e-mail, phone and company of the profiles ``prospect_ids``."""
        return list(self._profiles.find({"_id": {"$in": sorted(set(prospect_ids))}}, PEOPLE_SHOWN))

    def find_page(
        self, query: ProspectQuery, limit: int, offset: int
    ) -> tuple[int, list[dict[str, Any]]]:
        """How many profiles answer ``query``, and ``limit`` of them from ``offset``, newest
        capture first (without their outboxes).

        A search by e-mail or phone finds the profiles carrying one of the first
        identity's match keys, and checks every other condition here: few
        profiles share an identifier, and SecantusDB would answer the keys with
        another condition by a collection scan.
        """
        if query.identities:
            keys = sorted(query.identities[0])
            carriers = self._profiles.find({"match_keys": {"$in": keys}}, {"outbox": 0})
            found = [profile for profile in carriers if query.matches(profile)]
            found.sort(key=lambda profile: profile["captured_at"], reverse=True)
            return len(found), found[offset : offset + limit]
        wanted = mongo_filter(query)
        page = self._profiles.find(wanted, {"outbox": 0}).sort("captured_at", -1)
        return self._profiles.count_documents(wanted), list(page.skip(offset).limit(limit))

    # -- writing a capture batch -------------------------------------------------------------

    def claim_identities(self, wanted: Mapping[str, str], now: datetime) -> set[str]:
        """Claim each identity key of ``wanted`` (key -> new profile id) for its profile.

        Returns the profiles that lost a key to another (their claims are
        released, so they are not created). A key held by this very profile is
        kept; one whose profile never appeared within :data:`CLAIM_GRACE` is
        taken over.
        """
        if not wanted:
            return set()
        documents = [
            {"_id": key, "prospect_id": pid, "claimed_at": now} for key, pid in wanted.items()
        ]
        try:
            self._claims.insert_many(documents, ordered=False)
            return set()
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(error.get("code") != DUPLICATE_KEY for error in errors):
                raise
            taken = [documents[error["index"]] for error in errors]
        losers = {
            document["prospect_id"]
            for document in taken
            if not self._take_over(document, now - CLAIM_GRACE)
        }
        released = [
            DeleteOne({"_id": key, "prospect_id": pid})  # by _id: no scan
            for key, pid in wanted.items()
            if pid in losers
        ]
        if released:
            self._claims.bulk_write(released, ordered=False)
        return losers

    def _take_over(self, claim: dict[str, Any], abandoned_before: datetime) -> bool:
        """Take ``claim``'s key when its holder is this very profile or an abandoned claim."""
        held = self._claims.find_one({"_id": claim["_id"]})
        if held is None:  # released meanwhile: try again
            return False
        if held["prospect_id"] == claim["prospect_id"]:
            return True
        if held["claimed_at"] > abandoned_before:
            return False
        if self._profiles.find_one({"_id": held["prospect_id"]}, {"_id": 1}) is not None:
            return False
        replaced = self._claims.replace_one(
            {"_id": claim["_id"], "prospect_id": held["prospect_id"]}, claim
        )
        return replaced.modified_count == 1

    def stage_events(self, entries: list[tuple[dict, str, str | None]]) -> str:
        """Stage the events of a batch about to be written; returns the stage's id.

        Each entry is ``(envelope, prospect_id, capture_key)``: the event holds
        once that profile is stored (with that capture, when one is named).
        """
        proofs = [
            (envelope, {"_id": pid} | ({"captures.key": key} if key else {}))
            for envelope, pid, key in entries
        ]
        return stage(self.database, self._profiles.name, proofs)

    def insert_profiles(self, profiles: list[dict[str, Any]]) -> None:
        """Insert new profiles."""
        if profiles:
            self._profiles.insert_many(profiles, ordered=False)

    def add_captures(self, updates: list[tuple[dict[str, Any], list[dict[str, Any]]]]) -> set[str]:
        """Add each ``(profile, captures)``'s captures to the stored profile, with what they
        changed, unless it changed since it was read; returns the ids of those that had."""
        if not updates:
            return set()
        writes = [_capture_update(profile, captures) for profile, captures in updates]
        if self._profiles.bulk_write(writes, ordered=False).modified_count == len(updates):
            return set()
        return self.missing_captures(
            {profile["_id"]: captures[-1]["key"] for profile, captures in updates}
        )

    def missing_captures(self, expected: Mapping[str, str]) -> set[str]:
        """The profiles (of ``expected``: id -> capture key) not holding their capture."""
        stored = self._profiles.find({"_id": {"$in": list(expected)}}, {"captures.key": 1})
        written = {
            profile["_id"]
            for profile in stored
            if expected[profile["_id"]]
            in {capture["key"] for capture in profile.get("captures", ())}
        }
        return set(expected) - written

    def release_events(self, stage_id: str, envelopes: list[dict]) -> None:
        """Publish staged ``envelopes`` (their changes are written), then drop the stage."""
        release(self.database, stage_id, envelopes, self.publish_many)

    # -- follow-up tasks ---------------------------------------------------------------------

    def add_follow_up(self, task: dict[str, Any]) -> None:
        """Store a new follow-up task."""
        self._follow_ups.insert_one(task)

    def complete_follow_up(self, task_id: str, now: datetime) -> dict[str, Any] | None:
        """Mark task ``task_id`` done at ``now`` unless done already; the task, or None."""
        self._follow_ups.update_one({"_id": task_id, "done_at": None}, {"$set": {"done_at": now}})
        return self._follow_ups.find_one({"_id": task_id})

    def follow_ups(self, prospect_id: str) -> list[dict[str, Any]]:
        """A prospect's tasks, soonest due first."""
        return list(self._follow_ups.find({"prospect_id": prospect_id}).sort("due_at", 1))

    def overdue_follow_ups(self, now: datetime, owner: str | None) -> list[dict[str, Any]]:
        """Open tasks due before ``now``, most overdue first; only ``owner``'s when given."""
        query: dict[str, Any] = {"done_at": None, "due_at": {"$lt": now}}
        if owner:
            query["owner"] = owner
        return list(self._follow_ups.find(query).sort("due_at", 1))

    def move_follow_ups(self, merged_id: str, survivor_id: str) -> None:
        """Give ``merged_id``'s open tasks to ``survivor_id``, noting where they came from."""
        self._follow_ups.update_many(
            {"prospect_id": merged_id, "done_at": None},
            {"$set": {"prospect_id": survivor_id, "moved_from": merged_id}},
        )

    def return_follow_ups(self, survivor_id: str, merged_id: str) -> None:
        """Give back to ``merged_id`` the tasks a merge moved to ``survivor_id``."""
        self._follow_ups.update_many(
            {"prospect_id": survivor_id, "moved_from": merged_id},
            {"$set": {"prospect_id": merged_id, "moved_from": None}},
        )

    # -- the review list ---------------------------------------------------------------------

    def known_lines(self, keys: set[str]) -> set[str]:
        """Which of ``keys`` are lines already found shared."""
        if not keys:
            return set()
        found = self._lines.find({"_id": {"$in": sorted(keys)}}, {"_id": 1})
        return {line["_id"] for line in found}

    def record_review(
        self, suggestions: list[Suggestion], lines: Mapping[str, list[str]], now: datetime
    ) -> None:
        """Store the possible duplicates and shared lines a batch found (again changes nothing)."""
        if suggestions:
            self._pairs.bulk_write(
                [
                    UpdateOne(
                        {"_id": pair_id(*s.prospect_ids)},
                        {
                            "$setOnInsert": suggested_pair(
                                *s.prospect_ids, s.score, s.rules, s.reasons, now
                            )
                        },
                        upsert=True,
                    )
                    for s in suggestions
                ],
                ordered=False,
            )
        if lines:
            self._lines.bulk_write(
                [
                    UpdateOne(
                        {"_id": key},
                        {
                            "$setOnInsert": {"found_at": now},
                            "$addToSet": {"prospect_ids": {"$each": ids[:SHOWN_CARRIERS]}},
                        },
                        upsert=True,
                    )
                    for key, ids in lines.items()
                ],
                ordered=False,
            )

    def open_pairs(self, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` open pairs, highest score first (the first found among equals)."""
        found = self._pairs.find({"status": "open"}).sort([("score", -1), ("found_at", 1)])
        return list(found.limit(limit))

    def open_pairs_with(self, prospect_id: str) -> list[dict[str, Any]]:
        """The open pairs ``prospect_id`` is one of."""
        return list(self._pairs.find({"prospect_ids": prospect_id, "status": "open"}))

    def shared_lines(self, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` lines found shared, latest first."""
        return list(self._lines.find().sort("found_at", -1).limit(limit))

    def suggest_pair(self, pair: dict[str, Any]) -> None:
        """Store the pair ``pair`` (with its ``_id``) unless it is stored already."""
        fields = {name: value for name, value in pair.items() if name != "_id"}
        self._pairs.update_one({"_id": pair["_id"]}, {"$setOnInsert": fields}, upsert=True)

    def decide_pair(self, pair: str, status: str, by: str, now: datetime) -> None:
        """Give the pair ``pair`` its ``status`` (decided by ``by``), if it is still open."""
        self._pairs.update_one(
            {"_id": pair, "status": "open"},
            {"$set": {"status": status, "decided_at": now, "decided_by": by}},
        )

    def dismiss_pair(self, a: str, b: str, by: str, now: datetime) -> dict[str, Any]:
        """Record that ``by`` kept ``a`` and ``b`` apart (a pair never found before too)."""
        self._pairs.update_one(
            {"_id": pair_id(a, b)},
            {
                "$set": {"status": "dismissed", "decided_at": now, "decided_by": by},
                "$setOnInsert": dismissed_pair(a, b, now),
            },
            upsert=True,
        )
        return cast(dict[str, Any], self._pairs.find_one({"_id": pair_id(a, b)}))


def _capture_update(profile: dict[str, Any], captures: list[dict[str, Any]]) -> UpdateOne:
    """Add ``captures`` to a stored profile, unless it changed since it was read."""
    filled = {name for capture in captures for name in capture["filled"]}
    return UpdateOne(
        {"_id": profile["_id"], VERSION: profile.get(VERSION)},
        {
            "$push": {"captures": {"$each": captures}},
            "$set": {name: profile[name] for name in (*CAPTURE_CHANGES, *sorted(filled))},
            "$inc": {VERSION: 1},
        },
    )
