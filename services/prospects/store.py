"""Reading and saving one profile as a whole, with optimistic concurrency and its events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.collection import Collection

from clientela.errors import NotFound
from clientela.outbox import PENDING, pending_update

_NOT_SET = ("_id", "outbox", PENDING, "merges")


def load_profile(collection: Collection, prospect_id: str, name: str) -> dict[str, Any]:
    """The stored profile ``prospect_id`` (without its outbox); NotFound naming ``name``."""
    profile = collection.find_one({"_id": prospect_id}, {"outbox": 0})
    if profile is None:
        raise NotFound(f"{name}: no prospect {prospect_id!r}")
    return profile


def save_profile(
    collection: Collection,
    profile: dict[str, Any],
    loaded_at: datetime,
    events: list[dict],
    push: dict[str, Any] | None = None,
    pull_merge: str | None = None,
) -> bool:
    """Save ``profile`` with ``events`` in its outbox, unless it changed since ``loaded_at``.

    Returns False when another writer got there first: load again and redo.
    """
    update: dict[str, Any] = {
        "$set": {name: value for name, value in profile.items() if name not in _NOT_SET},
        **pending_update(events),
    }
    update["$push"].update(push or {})
    if pull_merge is not None:
        update["$pull"] = {"merges": {"prospect_id": pull_merge}}
    result = collection.update_one({"_id": profile["_id"], "updated_at": loaded_at}, update)
    return result.modified_count == 1
