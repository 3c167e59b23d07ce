"""Transactional outbox kept inside the document whose change causes the events.

MongoDB writes one document atomically, so a document saved together with its
pending events in ``outbox`` can never have changed without them. After the
save, :func:`flush` publishes each event (with broker confirms) and then pulls
it from the document; if the process dies in between, :func:`relay` (run on a
timer by every service) publishes what is still pending. An event may thus be
published twice, never lost; consumers are idempotent on the event id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from mongoengine import DictField, Document, ListField, NotUniqueError
from pymongo import ReturnDocument
from pymongo.collection import Collection

from clientela.errors import Conflict
from clientela.events import new_event

log = logging.getLogger(__name__)

Publish = Callable[[dict], None]


class OutboxDocument(Document):
    """Abstract base for documents that announce their changes as events."""

    meta = {"abstract": True}

    outbox = ListField(DictField())

    def record_event(
        self, name: str, payload: dict[str, Any], occurred_at: datetime | None = None
    ) -> dict:
        """Validate and queue event ``name``; it is published after the next save."""
        envelope = new_event(name, payload, occurred_at)
        self.outbox.append(envelope)
        return envelope


OUTBOX_INDEX = "outbox.occurred_at"
"""The index :func:`relay` relies on; list it in every outbox document's ``meta``."""


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
    return len(published)


def flush(document: OutboxDocument, publish: Publish) -> int:
    """Publish the pending events of a saved ``document``."""
    published = flush_pending(document._get_collection(), document.pk, document.outbox, publish)
    document.outbox = []
    return published


def relay(
    document_classes: Iterable[type[OutboxDocument]], publish: Publish, grace_s: float
) -> int:
    """Publish events left pending for longer than ``grace_s`` seconds (after a crash)."""
    cutoff = (datetime.now(UTC) - timedelta(seconds=grace_s)).isoformat()
    relayed = 0
    for document_cls in document_classes:
        collection = document_cls._get_collection()
        for pending in collection.find({OUTBOX_INDEX: {"$lt": cutoff}}, {"outbox": 1}):
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
) -> Any | None:
    """Insert ``document`` announcing ``envelope`` unless ``match`` finds one already.

    The check and the insert are one atomic upsert, so concurrent or repeated
    calls (a redelivered event) insert and announce at most once. ``update``
    adds operators applied in both cases. ``document`` may leave ``_id`` to
    ``match``. Returns the ``_id`` of the document
    that already existed, or None when this call inserted it (and published).
    """
    before = collection.find_one_and_update(
        match,
        {"$setOnInsert": {**document, "outbox": [envelope]}, **(update or {})},
        upsert=True,
        projection={"_id": 1},
        return_document=ReturnDocument.BEFORE,
    )
    if before is not None:
        return before["_id"]
    flush_pending(collection, document.get("_id", match.get("_id")), [envelope], publish)
    return None


def save_once(
    document: OutboxDocument,
    publish: Publish,
    key_name: str,
    same_request: Callable[[OutboxDocument], bool],
) -> OutboxDocument:
    """Insert ``document`` and publish its events, once per id (the caller's idempotency key).

    When a document with that id exists already (a retried request), it is
    returned instead and nothing is published; Conflict, naming ``key_name``,
    when ``same_request(existing)`` says the retry carries different data.
    """
    try:
        document.save(force_insert=True)
    except NotUniqueError:
        existing = type(document).objects.get(pk=document.pk)
        if not same_request(existing):
            raise Conflict(
                f"{key_name}: {document.pk!r} is already recorded with other data"
            ) from None
        return existing
    flush(document, publish)
    return document
