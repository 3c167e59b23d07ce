"""Outboxes: no event lost when a change is saved, however the process dies.

MongoDB writes one document atomically, so a document saved together with its
pending events in ``outbox`` (:func:`pending_update`, :func:`insert_once`) can
never have changed without them. After the write, :func:`flush_pending`
publishes each event (with broker confirms) and then pulls it from the
document; if the process dies in between, :func:`relay` (run on a timer by
every service) publishes what is still pending. An event may thus be
published twice, never lost; consumers are idempotent on the event id.

Batches of many documents (a lead import) use a *staged* outbox instead, so as
not to write every document twice: :func:`stage` saves the batch's events in
one document of ``staged_events`` *before* the batch is written, each with a
``proof`` (a query on the written collection that holds once the change it
announces is there); :func:`release` publishes them all, pipelined, and
deletes the stage. :func:`relay_staged` publishes what a crash left staged once
its proof holds, and drops events whose change never happened.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from mongoengine import DateTimeField, DictField, Document, ListField
from pymongo import ReturnDocument
from pymongo.collection import Collection
from pymongo.database import Database

from clientela.clock import utcnow

log = logging.getLogger(__name__)

Publish = Callable[[dict], None]
PublishMany = Callable[[list[dict]], None]

STAGED_EVENTS = "staged_events"
"""The collection of staged event batches, in each service's database."""


class OutboxDocument(Document):
    """Abstract base for documents that announce their changes as events."""

    meta: dict[str, Any] = {"abstract": True}

    outbox = ListField(DictField())
    outbox_pending_at = DateTimeField(null=True)


PENDING = "outbox_pending_at"
"""Set while a document has events to publish: since when. Absent otherwise."""

OUTBOX_INDEX = {"fields": [PENDING], "sparse": True}
"""The index :func:`relay` relies on; list it in every outbox document's ``meta``.

Sparse, so it holds only the few documents with pending events: a relay tick
costs the same with a thousand documents or a million.
"""


def pending_update(events: list[dict]) -> dict[str, Any]:
    """Update operators that add ``events`` to a document's outbox."""
    return {"$push": {"outbox": {"$each": events}}, "$min": {PENDING: utcnow()}}


def flush_pending(
    collection: Collection, document_id: Any, envelopes: Iterable[dict], publish: Publish
) -> int:
    """Publish ``envelopes`` pending on one document, then remove them from it.

    Each publish waits for the broker's confirm; a crash before the removal
    leaves the events for :func:`relay`, which publishes them again.
    """
    published = []
    for envelope in envelopes:
        publish(envelope)
        published.append(envelope["id"])
    if published:
        collection.update_one(
            {"_id": document_id}, {"$pull": {"outbox": {"id": {"$in": published}}}}
        )
        # events added meanwhile keep the marker, so the relay still sees them
        collection.update_one(
            {"_id": document_id, "outbox": {"$size": 0}}, {"$unset": {PENDING: ""}}
        )
    return len(published)


def update_announcing(
    collection: Collection,
    guard: dict[str, Any],
    update: dict[str, Any],
    events: list[dict],
    publish: Publish,
) -> bool:
    """Apply ``update`` to the document ``guard`` finds (by its ``_id`` and the values a
    compare-and-set expects), adding ``events`` to its outbox in the same write, then
    publish them (:func:`flush_pending`).

    False, with nothing written or published, when ``guard`` finds no document: it moved
    meanwhile.
    """
    if events:
        update = {**update, **pending_update(events)}
    if not collection.update_one(guard, update).matched_count:
        return False
    flush_pending(collection, guard["_id"], events, publish)
    return True


def relay(
    document_classes: Iterable[type[OutboxDocument]], publish: Publish, grace_s: float
) -> int:
    """Publish events left pending for longer than ``grace_s`` seconds (after a crash)."""
    cutoff = datetime.now(UTC) - timedelta(seconds=grace_s)
    relayed = 0
    for document_cls in document_classes:
        collection = document_cls._get_collection()
        for pending in collection.find({PENDING: {"$lt": cutoff}}, {"outbox": 1}):
            relayed += flush_pending(collection, pending["_id"], pending["outbox"], publish)
    if relayed:
        log.warning("relayed events left pending by an earlier run", extra={"count": relayed})
    return relayed


def insert_once(
    collection: Collection,
    match: dict[str, Any],
    document: dict[str, Any],
    envelope: dict,
    publish: Publish,
    update: dict[str, Any] | None = None,
    also: Sequence[dict] = (),
) -> Any | None:
    """Insert ``document`` announcing ``envelope`` unless ``match`` finds one already.

    The check and the insert are one atomic upsert, so concurrent or repeated
    calls (a redelivered event) insert and announce at most once. ``update``
    adds operators applied in both cases; ``also`` are further events announced
    with ``envelope``, after it. ``document`` may leave ``_id`` to
    ``match``. Returns the ``_id`` of the document
    that already existed, or None when this call inserted it (and published).
    """
    before = collection.find_one_and_update(
        match,
        {
            "$setOnInsert": {**document, "outbox": [envelope, *also], PENDING: utcnow()},
            **(update or {}),
        },
        upsert=True,
        projection={"_id": 1},
        return_document=ReturnDocument.BEFORE,
    )
    document_id = document.get("_id", match.get("_id"))
    # Some servers (SecantusDB 0.7) answer None to both of two racing upserts although
    # only one inserted: believe "inserted" only when our envelope is there to prove it.
    if before is None and collection.find_one(
        {"_id": document_id, "outbox.id": envelope["id"]}, {"_id": 1}
    ):
        flush_pending(collection, document_id, [envelope, *also], publish)
        return None
    existing = before or collection.find_one(match, {"_id": 1})
    assert existing is not None  # the upsert above wrote it
    return existing["_id"]


def stage(database: Database, collection: str, entries: list[tuple[dict, dict]]) -> str:
    """Stage ``(envelope, proof)`` pairs announcing changes about to be written to ``collection``.

    Call it before writing the changes; returns the stage id for :func:`release`.
    """
    stage_id = uuid.uuid4().hex
    database[STAGED_EVENTS].insert_one(
        {
            "_id": stage_id,
            "collection": collection,
            "staged_at": utcnow(),
            # one string rather than nested documents: a stage is written and deleted
            # whole, and a large nested document costs the server far more to store
            "entries": json.dumps(
                [{"event": envelope, "proof": proof} for envelope, proof in entries]
            ),
        }
    )
    return stage_id


def release(
    database: Database, stage_id: str, envelopes: list[dict], publish_many: PublishMany
) -> None:
    """Publish the staged ``envelopes`` once their changes are written, then drop the stage."""
    publish_many(envelopes)
    database[STAGED_EVENTS].delete_one({"_id": stage_id})


def relay_staged(
    database: Database, publish_many: PublishMany, grace_s: float, abandon_s: float
) -> int:
    """Publish staged events older than ``grace_s`` whose change is there; returns how many.

    An event whose proof still fails after ``abandon_s`` announces a change
    that never happened (its batch failed before writing it) and is dropped.
    """
    now = datetime.now(UTC)
    relayed = 0
    for staged in database[STAGED_EVENTS].find(
        {"staged_at": {"$lt": now - timedelta(seconds=grace_s)}}
    ):
        target = database[staged["collection"]]
        entries = json.loads(staged["entries"])
        holds = [bool(target.count_documents(e["proof"], limit=1)) for e in entries]
        publish_many([entry["event"] for entry, held in zip(entries, holds, strict=True) if held])
        relayed += sum(holds)
        waiting = [entry for entry, held in zip(entries, holds, strict=True) if not held]
        abandoned = staged["staged_at"].replace(tzinfo=UTC) < now - timedelta(seconds=abandon_s)
        if waiting and not abandoned:
            database[STAGED_EVENTS].update_one(
                {"_id": staged["_id"]}, {"$set": {"entries": json.dumps(waiting)}}
            )
            continue
        if waiting:
            log.warning(
                "dropped staged events whose changes were never written",
                extra={"count": len(waiting), "collection": staged["collection"]},
            )
        database[STAGED_EVENTS].delete_one({"_id": staged["_id"]})
    if relayed:
        log.warning("relayed staged events left by an earlier run", extra={"count": relayed})
    return relayed
