"""Claiming a new person's identity keys, so that two instances never make two profiles of one.

Before a batch inserts its new profiles, each claims its identity keys (see
:meth:`BatchResolution.identity_keys`) in ``claims``, one document per key
whose ``_id`` is the key. The unique ``_id`` lets one claim win: a profile that
loses one is not created, and its leads are resolved again, against the
claimant's profile once it is written. A claim whose profile never appeared
(its instance died between the claim and the insert) is taken over after
:data:`CLAIM_GRACE`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pymongo.database import Database
from pymongo.errors import BulkWriteError

from clientela.services.prospects.domain.batch import BatchResolution, IncomingLead

CLAIM_GRACE = timedelta(seconds=5)
"""How long a claim without its profile is taken for one being written, not abandoned.

(Were a slow writer's claim taken over, the person would get two profiles
sharing an e-mail or phone, which the next lead carrying it merges.)"""

DUPLICATE_KEY = 11000


def claim_new_profiles(
    database: Database, batch: BatchResolution, now: datetime
) -> list[IncomingLead]:
    """Claim the batch's new profiles' identity keys; drop those another claimed first.

    Returns the leads of the dropped profiles, to resolve again.
    """
    wanted: dict[str, str] = {}
    for prospect_id in batch.created:
        for key in batch.identity_keys(prospect_id):
            wanted.setdefault(key, prospect_id)  # a second new profile was weighed against it
    if not wanted:
        return []
    claims = database["claims"]
    documents = [{"_id": key, "prospect_id": pid, "claimed_at": now} for key, pid in wanted.items()]
    try:
        claims.insert_many(documents, ordered=False)
        return []
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if any(error.get("code") != DUPLICATE_KEY for error in errors):
            raise
        taken = [documents[error["index"]] for error in errors]
    losers = {
        document["prospect_id"]
        for document in taken
        if not _take_over(database, document, now - CLAIM_GRACE)
    }
    if not losers:
        return []
    mine = [key for key, pid in wanted.items() if pid in losers]
    claims.delete_many({"_id": {"$in": mine}, "prospect_id": {"$in": sorted(losers)}})
    return [lead for pid in sorted(losers) for lead in batch.drop(pid)]


def _take_over(database: Database, claim: dict[str, Any], abandoned_before: datetime) -> bool:
    """Take ``claim``'s key when its holder is this very profile or an abandoned claim."""
    held = database["claims"].find_one({"_id": claim["_id"]})
    if held is None:  # released meanwhile: try again
        return False
    if held["prospect_id"] == claim["prospect_id"]:
        return True
    if held["claimed_at"] > abandoned_before:
        return False
    if database["prospects"].find_one({"_id": held["prospect_id"]}, {"_id": 1}) is not None:
        return False
    replaced = database["claims"].replace_one(
        {"_id": claim["_id"], "prospect_id": held["prospect_id"]}, claim
    )
    return replaced.modified_count == 1
