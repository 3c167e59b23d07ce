"""Use cases on one profile: read it, move it in the pipeline, assign it, convert it."""

from __future__ import annotations

from typing import Any

from clientela.clock import utcnow
from clientela.errors import InvalidInput
from clientela.services.prospects import events
from clientela.services.prospects.dependencies.storage import ProspectsStorage
from clientela.services.prospects.domain.commands import AssignOwner, ChangeStatus, ConvertProspect
from clientela.services.prospects.domain.profiles import ProfileRules, derived, refresh
from clientela.services.prospects.domain.status import check_transition
from clientela.services.prospects.handlers.changes import change_profile, load_profile


def get_prospect(prospect_id: str, uow: ProspectsStorage) -> dict[str, Any]:
    """The profile ``prospect_id``; NotFound otherwise."""
    return load_profile(uow, prospect_id, "prospect_id")


def change_status(
    command: ChangeStatus, uow: ProspectsStorage, rules: ProfileRules
) -> dict[str, Any]:
    """Move a prospect in the pipeline; asking for the status it has changes nothing.

    Conflict names the allowed moves when this one is not; disqualifying
    needs a reason. Conversion has its own use case (it needs its basis).
    """
    status, reason = command.status, command.reason
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
        check_transition(profile["status"], status, reason)
        now, before = utcnow(), derived(profile)
        announced = [
            events.status_changed(command.prospect_id, profile["status"], status, reason, now)
        ]
        profile.update(status=status, status_reason=reason.strip(), updated_at=now)
        refresh(profile, rules)
        if derived(profile) != before:
            announced.append(events.updated(profile, "edit", now))
        return announced

    return change_profile(uow, command.prospect_id, move)


def assign_owner(command: AssignOwner, uow: ProspectsStorage) -> dict[str, Any]:
    """Make ``owner`` responsible for following the prospect up."""

    def assign(profile: dict[str, Any]) -> list[dict] | None:
        if profile["owner"] == command.owner:
            return None
        profile.update(owner=command.owner, updated_at=utcnow())
        return []

    return change_profile(uow, command.prospect_id, assign)


def convert_prospect(command: ConvertProspect, uow: ProspectsStorage) -> dict[str, Any]:
    """Make the prospect a captive customer; converting again changes nothing."""

    def convert(profile: dict[str, Any]) -> list[dict] | None:
        if profile["status"] == "converted":
            return None
        check_transition(profile["status"], "converted")
        conversion = {
            "basis": command.basis,
            "reference": command.reference,
            "converted_at": utcnow(),
        }
        profile.update(
            status="converted", conversion=conversion, updated_at=conversion["converted_at"]
        )
        return [events.converted(profile, conversion)]

    return change_profile(uow, command.prospect_id, convert)
