"""Reading and saving one profile as a whole: optimistic concurrency, events in its outbox.

Every write to a profile increments its ``version``; a save is refused when the
version moved since the profile was read, and :func:`change_profile` then
reads it again and redoes the change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pymongo.collection import Collection

from clientela.errors import Conflict, NotFound
from clientela.outbox import PENDING, Publish, flush_pending, pending_update

VERSION = "version"
"""Incremented by every write to a profile (``{"$inc": {VERSION: 1}}``)."""

ATTEMPTS = 20
"""How often a change is redone against fresh data before giving up with Conflict."""

_NOT_SET = ("_id", "outbox", PENDING, VERSION)

Change = Callable[[dict[str, Any]], list[dict] | None]
"""Changes a profile in place; returns the events it causes, or None when there is nothing to do."""


def load_profile(
    collection: Collection, prospect_id: str, name: str, live: bool = False
) -> dict[str, Any]:
    """The stored profile ``prospect_id`` (without its outbox); NotFound naming ``name``.

    With ``live``, Conflict when it was merged into another profile.
    """
    profile = collection.find_one({"_id": prospect_id}, {"outbox": 0})
    if profile is None:
        raise NotFound(f"{name}: no prospect {prospect_id!r}")
    if live and profile.get("merged_into"):
        raise Conflict(
            f"{name}: {prospect_id} was merged into {profile['merged_into']}; use that one"
        )
    return profile


def save_profile(
    collection: Collection,
    profile: dict[str, Any],
    events: list[dict],
) -> bool:
    """Save ``profile`` (and ``events`` in its outbox) unless it changed since it was read.

    Returns False when another writer got there first: read again and redo.
    """
    update: dict[str, Any] = {
        "$set": {name: value for name, value in profile.items() if name not in _NOT_SET},
        "$inc": {VERSION: 1},
    }
    if events:
        update.update(pending_update(events))
    guard = {"_id": profile["_id"], VERSION: profile.get(VERSION)}
    return collection.update_one(guard, update).modified_count == 1


def change_profile(
    collection: Collection,
    prospect_id: str,
    change: Change,
    publish: Publish,
    name: str = "prospect_id",
    live: bool = True,
) -> dict[str, Any]:
    """Apply ``change`` to the current profile, save it and publish its events; returns it."""
    for _ in range(ATTEMPTS):
        profile = load_profile(collection, prospect_id, name, live)
        events = change(profile)
        if events is None:
            return profile
        if save_profile(collection, profile, events):
            flush_pending(collection, prospect_id, events, publish)
            return profile
    raise Conflict(f"{name}: {prospect_id} keeps being changed by others; try again")
