"""Following a prospect up: interactions (calls, e-mails, meetings, visits) and dated tasks."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from clientela.clock import utcnow
from clientela.errors import NotFound
from clientela.outbox import Publish
from clientela.services.prospects import events as announcements
from clientela.services.prospects.documents import FollowUp, Prospect
from clientela.services.prospects.domain.profiles import ProfileRules, derived, refresh
from clientela.services.prospects.domain.status import NO_CONTACT_OUTCOMES, status_after_contact
from clientela.services.prospects.handlers.changes import change_profile, load_profile


def log_interaction(
    prospect_id: str,
    kind: str,
    mode: str,
    outcome: str,
    notes: str,
    occurred_at: datetime | None,
    by: str,
    rules: ProfileRules,
    publish: Publish,
) -> dict[str, Any]:
    """Record an interaction; the first one that reached the person sets the I2 time.

    A new prospect becomes ``contacted`` when the person was reached. Returns
    the interaction as stored.
    """
    interaction = {
        "id": uuid.uuid4().hex,
        "kind": kind,
        "mode": mode,
        "outcome": outcome,
        "notes": notes,
        "occurred_at": occurred_at or utcnow(),
        "by": by,
        "counts_as_contact": outcome not in NO_CONTACT_OUTCOMES,
        "from_prospect": None,
    }

    def log(profile: dict[str, Any]) -> list[dict]:
        now, before = utcnow(), derived(profile)
        first = interaction["counts_as_contact"] and (
            profile["first_contact_at"] is None
            or interaction["occurred_at"] < profile["first_contact_at"]
        )
        if first:
            profile["first_contact_at"] = interaction["occurred_at"]
        profile["interactions"].append(interaction)
        events = [announcements.contacted(profile, interaction, first, now)]
        status = status_after_contact(profile["status"], outcome)
        if status:
            events.append(
                announcements.status_changed(prospect_id, profile["status"], status, "", now)
            )
            profile["status"] = status
        refresh(profile, rules)
        if derived(profile) != before:
            events.append(announcements.updated(profile, "interaction", now))
        profile["updated_at"] = now
        return events

    change_profile(Prospect._get_collection(), prospect_id, log, publish)
    return interaction


def add_follow_up(prospect_id: str, title: str, due_at: datetime, owner: str) -> FollowUp:
    """Plan a follow-up task on a prospect for ``owner``, due at ``due_at``."""
    load_profile(Prospect._get_collection(), prospect_id, "prospect_id", live=True)
    task = FollowUp(
        id=uuid.uuid4().hex,
        prospect_id=prospect_id,
        title=title,
        due_at=due_at,
        owner=owner,
        created_at=utcnow(),
    )
    task.save(force_insert=True)
    return task


def complete_follow_up(task_id: str) -> FollowUp:
    """Mark a task done (done once: completing it again keeps the first time)."""
    FollowUp.objects(id=task_id, done_at=None).update_one(set__done_at=utcnow())
    task = FollowUp.objects(id=task_id).first()
    if task is None:
        raise NotFound(f"task_id: no follow-up task {task_id!r}")
    return task


def follow_ups(prospect_id: str) -> list[FollowUp]:
    """A prospect's tasks, soonest due first."""
    return list(FollowUp.objects(prospect_id=prospect_id).order_by("due_at"))


def overdue_follow_ups(owner: str | None) -> list[FollowUp]:
    """Open tasks past their due time, most overdue first; only ``owner``'s when given."""
    query = FollowUp.objects(done_at=None, due_at__lt=utcnow())
    if owner:
        query = query.filter(owner=owner)
    return list(query.order_by("due_at"))
