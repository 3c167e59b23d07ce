"""Prospect use cases on one profile: read, move in the pipeline, assign, convert, link."""

from __future__ import annotations

from typing import Any

from clientela.clock import utcnow
from clientela.errors import InvalidInput
from clientela.events import Event
from clientela.outbox import Publish, flush_pending
from clientela.services.prospects import announcements, domain
from clientela.services.prospects.documents import Prospect
from clientela.services.prospects.store import load_profile, save_profile


def get_prospect(prospect_id: str) -> dict[str, Any]:
    """The profile ``prospect_id``; NotFound otherwise."""
    return load_profile(Prospect._get_collection(), prospect_id, "prospect_id")


def change_status(prospect_id: str, status: str, reason: str, publish: Publish) -> dict[str, Any]:
    """Move a prospect in the pipeline; asking for the status it has changes nothing.

    Conflict names the allowed moves when this one is not; disqualifying
    needs a reason. Conversion has its own use case (it needs its basis).
    """
    if status == "converted":
        raise InvalidInput(
            {
                "status": [
                    "Use convert: a conversion needs its basis (contract, agreement, purchase)."
                ]
            }
        )
    collection = Prospect._get_collection()
    while True:
        profile = get_prospect(prospect_id)
        if profile["status"] == status:
            return profile
        domain.check_transition(profile["status"], status, reason)
        now, loaded_at = utcnow(), profile["updated_at"]
        events = [announcements.status_changed(prospect_id, profile["status"], status, reason, now)]
        profile.update(status=status, status_reason=reason.strip(), updated_at=now)
        if save_profile(collection, profile, loaded_at, events):
            flush_pending(collection, prospect_id, events, publish)
            return profile


def assign_owner(prospect_id: str, owner: str) -> dict[str, Any]:
    """Make ``owner`` responsible for following the prospect up."""
    get_prospect(prospect_id)
    Prospect.objects(id=prospect_id).update_one(set__owner=owner, set__updated_at=utcnow())
    return get_prospect(prospect_id)


def convert_prospect(prospect_id: str, basis: str, reference: str, publish: Publish) -> dict:
    """Make the prospect a captive customer; converting again changes nothing."""
    collection = Prospect._get_collection()
    while True:
        profile = get_prospect(prospect_id)
        if profile["status"] == "converted":
            return profile
        if profile.get("merged_into"):
            raise InvalidInput(
                {"prospect_id": [f"Merged into {profile['merged_into']}; convert that one."]}
            )
        domain.check_transition(profile["status"], "converted")
        now, loaded_at = utcnow(), profile["updated_at"]
        conversion = {"basis": basis, "reference": reference, "converted_at": now}
        events = [announcements.converted(profile, conversion)]
        profile.update(status="converted", conversion=conversion, updated_at=now)
        if save_profile(collection, profile, loaded_at, events):
            flush_pending(collection, prospect_id, events, publish)
            return profile


def link_customer(event: Event) -> None:
    """Remember which customer a converted prospect became (idempotent)."""
    prospect_id = event.payload["prospect_id"]
    if prospect_id:
        Prospect.objects(id=prospect_id).update_one(set__customer_id=event.payload["customer_id"])
