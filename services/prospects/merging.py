"""Merging two profiles of one person, and undoing it.

The surviving profile takes the other's captures and interactions (marked
with where they came from) and fills its blanks from it; the merge record
says what was filled, so :func:`unmerge_prospect` can give everything back.
The merged profile keeps its id and data with ``merged_into`` set, and counts
once everywhere (``prospect_merged`` tells the other services).
"""

from __future__ import annotations

from typing import Any

from clientela.clock import utcnow
from clientela.errors import Conflict, InvalidInput
from clientela.outbox import Publish, flush_pending
from clientela.services.prospects import announcements
from clientela.services.prospects.documents import Prospect
from clientela.services.prospects.profiles import ProfileRules, fill_blanks, refresh
from clientela.services.prospects.store import load_profile, save_profile

_BLANK = {"email": None, "phone": None}
"""What a field reads when empty (e-mail and phone are absent rather than empty)."""


def merge_prospects(
    survivor_id: str,
    merged_id: str,
    by: str,
    reason: str,
    rules: ProfileRules,
    publish: Publish,
) -> dict[str, Any]:
    """Merge profile ``merged_id`` into ``survivor_id``; merging again changes nothing.

    Conflict when either was merged elsewhere already, or when ``merged_id``
    is converted (merge the other way round).
    """
    if survivor_id == merged_id:
        raise InvalidInput({"merged_id": ["Must differ from survivor_id."]})
    collection = Prospect._get_collection()
    while True:
        survivor = load_profile(collection, survivor_id, "survivor_id")
        other = load_profile(collection, merged_id, "merged_id")
        if any(merge["prospect_id"] == merged_id for merge in survivor["merges"]):
            break  # merged already; make sure the merged profile says so too
        _check_mergeable(survivor, other)
        now = utcnow()
        loaded_at = survivor["updated_at"]
        record = _absorb(survivor, other, by, reason, now)
        refresh(survivor, rules)
        events = [
            announcements.merged(survivor_id, merged_id, reason, by, now),
            announcements.updated(survivor, "merge", now),
        ]
        if save_profile(collection, survivor, loaded_at, events, push={"merges": record}):
            flush_pending(collection, survivor_id, events, publish)
            break
    collection.update_one(
        {"_id": merged_id}, {"$set": {"merged_into": survivor_id, "updated_at": utcnow()}}
    )
    return load_profile(collection, survivor_id, "survivor_id")


def _check_mergeable(survivor: dict[str, Any], other: dict[str, Any]) -> None:
    for name, profile in (("survivor_id", survivor), ("merged_id", other)):
        if profile.get("merged_into"):
            raise Conflict(f"{name}: {profile['_id']} was merged into {profile['merged_into']}")
    if other["status"] == "converted":
        raise Conflict(
            f"merged_id: {other['_id']} is converted; merge the other profile into it instead"
        )


def _absorb(
    survivor: dict[str, Any], other: dict[str, Any], by: str, reason: str, now: Any
) -> dict[str, Any]:
    """Move ``other``'s history into ``survivor``; returns the merge record."""
    filled = fill_blanks(survivor, other)
    if other.get("consent") and not survivor.get("consent"):
        survivor["consent"] = filled["consent"] = other["consent"]
    survivor["captures"] += [
        {**capture, "from_prospect": other["_id"], "filled": []} for capture in other["captures"]
    ]
    survivor["interactions"] += [
        {**interaction, "from_prospect": other["_id"]} for interaction in other["interactions"]
    ]
    contacts = [at for at in (survivor["first_contact_at"], other["first_contact_at"]) if at]
    survivor["first_contact_at"] = min(contacts, default=None)
    survivor["updated_at"] = now
    return {
        "prospect_id": other["_id"],
        "merged_at": now,
        "by": by,
        "reason": reason,
        "filled": filled,
    }


def unmerge_prospect(
    merged_id: str, by: str, rules: ProfileRules, publish: Publish
) -> dict[str, Any]:
    """Give ``merged_id`` back its own life; returns it. Conflict when it is not merged."""
    collection = Prospect._get_collection()
    while True:
        other = load_profile(collection, merged_id, "prospect_id")
        if not other.get("merged_into"):
            raise Conflict(f"prospect_id: {merged_id} is not merged into another profile")
        survivor = load_profile(collection, other["merged_into"], "prospect_id")
        record = next((m for m in survivor["merges"] if m["prospect_id"] == merged_id), None)
        if record is None:
            break  # the survivor gave it back already; finish the job below
        now = utcnow()
        loaded_at = survivor["updated_at"]
        _give_back(survivor, record, now)
        refresh(survivor, rules)
        events = [
            announcements.unmerged(survivor["_id"], merged_id, by, now),
            announcements.updated(survivor, "merge", now),
        ]
        if save_profile(collection, survivor, loaded_at, events, pull_merge=merged_id):
            flush_pending(collection, survivor["_id"], events, publish)
            break
    collection.update_one(
        {"_id": merged_id}, {"$set": {"merged_into": None, "updated_at": utcnow()}}
    )
    return load_profile(collection, merged_id, "prospect_id")


def _give_back(survivor: dict[str, Any], record: dict[str, Any], now: Any) -> None:
    merged_id = record["prospect_id"]
    survivor["captures"] = [c for c in survivor["captures"] if c.get("from_prospect") != merged_id]
    survivor["interactions"] = [
        i for i in survivor["interactions"] if i.get("from_prospect") != merged_id
    ]
    for name, value in record["filled"].items():
        if survivor.get(name) == value:  # unless someone has changed it since
            survivor[name] = None if name == "consent" else _BLANK.get(name, "")
    if "company" in record["filled"] and not survivor.get("company"):
        survivor["company_key"] = ""
    contacts = [i["occurred_at"] for i in survivor["interactions"] if i.get("counts_as_contact")]
    survivor["first_contact_at"] = min(contacts, default=None)
    survivor["updated_at"] = now
