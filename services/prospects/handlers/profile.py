"""Prospect use cases on one profile: read, move in the pipeline, assign, convert, link."""

from __future__ import annotations

from typing import Any

from clientela.clock import utcnow
from clientela.errors import InvalidInput
from clientela.events import Event
from clientela.outbox import Publish
from clientela.services.prospects import events as announcements
from clientela.services.prospects.documents import Prospect
from clientela.services.prospects.domain import status as domain
from clientela.services.prospects.domain.profiles import ProfileRules, derived, refresh
from clientela.services.prospects.handlers.changes import VERSION, change_profile, load_profile


def get_prospect(prospect_id: str) -> dict[str, Any]:
    """The profile ``prospect_id``; NotFound otherwise."""
    return load_profile(Prospect._get_collection(), prospect_id, "prospect_id")


def change_status(
    prospect_id: str, status: str, reason: str, rules: ProfileRules, publish: Publish
) -> dict[str, Any]:
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

    def move(profile: dict[str, Any]) -> list[dict] | None:
        if profile["status"] == status:
            return None
        domain.check_transition(profile["status"], status, reason)
        now, before = utcnow(), derived(profile)
        events = [announcements.status_changed(prospect_id, profile["status"], status, reason, now)]
        profile.update(status=status, status_reason=reason.strip(), updated_at=now)
        refresh(profile, rules)
        if derived(profile) != before:
            events.append(announcements.updated(profile, "edit", now))
        return events

    return change_profile(Prospect._get_collection(), prospect_id, move, publish)


def assign_owner(prospect_id: str, owner: str, publish: Publish) -> dict[str, Any]:
    """Make ``owner`` responsible for following the prospect up."""

    def assign(profile: dict[str, Any]) -> list[dict] | None:
        if profile["owner"] == owner:
            return None
        profile.update(owner=owner, updated_at=utcnow())
        return []

    return change_profile(Prospect._get_collection(), prospect_id, assign, publish)


def convert_prospect(prospect_id: str, basis: str, reference: str, publish: Publish) -> dict:
    """Make the prospect a captive customer; converting again changes nothing."""

    def convert(profile: dict[str, Any]) -> list[dict] | None:
        if profile["status"] == "converted":
            return None
        domain.check_transition(profile["status"], "converted")
        conversion = {"basis": basis, "reference": reference, "converted_at": utcnow()}
        profile.update(
            status="converted", conversion=conversion, updated_at=conversion["converted_at"]
        )
        return [announcements.converted(profile, conversion)]

    return change_profile(Prospect._get_collection(), prospect_id, convert, publish)


def link_customer(event: Event) -> None:
    """Remember which customer a converted prospect became (idempotent)."""
    prospect_id = event.payload["prospect_id"]
    if prospect_id:
        Prospect._get_collection().update_one(
            {"_id": prospect_id, "customer_id": {"$ne": event.payload["customer_id"]}},
            {"$set": {"customer_id": event.payload["customer_id"]}, "$inc": {VERSION: 1}},
        )
