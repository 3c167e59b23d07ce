"""Following a prospect up: interactions (calls, e-mails, meetings, visits) and dated tasks."""

from __future__ import annotations

import uuid
from typing import Any

from clientela.clock import utcnow
from clientela.errors import NotFound
from clientela.services.prospects import events
from clientela.services.prospects.dependencies.storage import ProspectsStorage
from clientela.services.prospects.domain.commands import AddFollowUp, LogInteraction
from clientela.services.prospects.domain.profiles import ProfileRules, derived, refresh
from clientela.services.prospects.domain.status import NO_CONTACT_OUTCOMES, status_after_contact
from clientela.services.prospects.handlers.changes import change_profile, load_profile


def log_interaction(
    command: LogInteraction, uow: ProspectsStorage, rules: ProfileRules
) -> dict[str, Any]:
    """Record an interaction; the first one that reached the person sets the I2 time.

    A new prospect becomes ``contacted`` when the person was reached. Returns
    the interaction as stored.
    """
    interaction = {
        "id": uuid.uuid4().hex,
        "kind": command.kind,
        "mode": command.mode,
        "outcome": command.outcome,
        "notes": command.notes,
        "occurred_at": command.occurred_at or utcnow(),
        "by": command.by,
        "counts_as_contact": command.outcome not in NO_CONTACT_OUTCOMES,
        "from_prospect": None,
    }

    def log(profile: dict[str, Any]) -> list[dict]:
        now, before = utcnow(), derived(profile)
        first = bool(interaction["counts_as_contact"]) and (
            profile["first_contact_at"] is None
            or interaction["occurred_at"] < profile["first_contact_at"]
        )
        if first:
            profile["first_contact_at"] = interaction["occurred_at"]
        profile["interactions"].append(interaction)
        announced = [events.contacted(profile, interaction, first, now)]
        status = status_after_contact(profile["status"], command.outcome)
        if status:
            announced.append(
                events.status_changed(command.prospect_id, profile["status"], status, "", now)
            )
            profile["status"] = status
        refresh(profile, rules)
        if derived(profile) != before:
            announced.append(events.updated(profile, "interaction", now))
        profile["updated_at"] = now
        return announced

    change_profile(uow, command.prospect_id, log)
    return interaction


def add_follow_up(command: AddFollowUp, uow: ProspectsStorage) -> dict[str, Any]:
    """Plan a follow-up task on a prospect for its owner, due at ``due_at``; returns it."""
    load_profile(uow, command.prospect_id, "prospect_id", live=True)
    task = {
        "_id": uuid.uuid4().hex,
        "prospect_id": command.prospect_id,
        "title": command.title,
        "due_at": command.due_at,
        "owner": command.owner,
        "created_at": utcnow(),
        "done_at": None,
        "moved_from": None,
    }
    uow.add_follow_up(task)
    return task


def complete_follow_up(task_id: str, uow: ProspectsStorage) -> dict[str, Any]:
    """Mark a task done (done once: completing it again keeps the first time)."""
    task = uow.complete_follow_up(task_id, utcnow())
    if task is None:
        raise NotFound(f"task_id: no follow-up task {task_id!r}")
    return task


def follow_ups(prospect_id: str, uow: ProspectsStorage) -> list[dict[str, Any]]:
    """A prospect's tasks, soonest due first."""
    return uow.follow_ups(prospect_id)


def overdue_follow_ups(owner: str | None, uow: ProspectsStorage) -> list[dict[str, Any]]:
    """Open tasks past their due time, most overdue first; only ``owner``'s when given."""
    return uow.overdue_follow_ups(utcnow(), owner)
