"""Complaint use cases: open, respond, resolve, confirm, list, and the breach review.

Each takes a command (or its parts) and the service's unit of work; the
targets of a category are the domain's defaults
(:class:`~clientela.services.feedback.domain.complaints.CategoryTargets`).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from clientela.clock import utcnow
from clientela.errors import Conflict, NotFound
from clientela.services.feedback import events
from clientela.services.feedback.dependencies import FeedbackStorage
from clientela.services.feedback.domain.checks import require_choice
from clientela.services.feedback.domain.commands import OpenComplaint
from clientela.services.feedback.domain.complaints import (
    CategoryTargets,
    Complaint,
    ComplaintStatus,
    Deadline,
    FeedbackKind,
    Severity,
    breaches,
    timers,
)

TARGETS = CategoryTargets()
"""The response and resolution targets of every category."""

_STATE_FIELDS = (
    "owner",
    "responded_at",
    "resolved_at",
    "resolution",
    "confirmed",
    "reopened",
)


def _watches(complaint: Complaint, announced: list[str]) -> dict[str, datetime | None]:
    """Each target's due time while its breach may still have to be announced, else None:
    a target met in time, or whose breach was announced, needs no more watching."""
    watches: dict[str, datetime | None] = {}
    for timer in timers(complaint, TARGETS):
        met = timer.stopped_at is not None and timer.stopped_at <= timer.due_at
        pending = not met and str(timer.deadline) not in announced
        watches[f"{timer.deadline}_watch"] = timer.due_at if pending else None
    return watches


def _state(complaint: Complaint, announced: list[str]) -> dict[str, Any]:
    """What changes of a stored complaint as it moves on."""
    return {
        **{name: getattr(complaint, name) for name in _STATE_FIELDS},
        "status": str(complaint.status),
        **_watches(complaint, announced),
    }


def _record(complaint: Complaint) -> dict[str, Any]:
    response, resolution = timers(complaint, TARGETS)
    return {
        "_id": complaint.complaint_ref,
        "customer_id": complaint.customer_id,
        "kind": str(complaint.kind),
        "category": complaint.category,
        "severity": str(complaint.severity),
        "description": complaint.description,
        "opened_at": complaint.opened_at,
        "response_due_at": response.due_at,
        "resolution_due_at": resolution.due_at,
        "breaches": [],
        "revision": 1,
        **_state(complaint, []),
    }


def _complaint(record: dict[str, Any]) -> Complaint:
    fields = {f.name for f in dataclasses.fields(Complaint)} - {"complaint_ref"}
    return Complaint(record["_id"], **{name: record[name] for name in fields})


def open_complaint(command: OpenComplaint, uow: FeedbackStorage) -> dict[str, Any]:
    """Open a complaint or suggestion and start its timers; returns it as stored.

    The same ``complaint_ref`` opens once: a replayed call or import row
    returns the complaint first stored and announces nothing. NotFound for a
    customer feedback was never told about.
    """
    if command.customer_id is not None and not uow.is_known_customer(command.customer_id):
        raise NotFound(f"customer_id: no customer {command.customer_id!r} is known to feedback")
    record, announced = new_complaint(command)
    existing = uow.add_complaint(record, announced[0], announced[1:])
    return record if existing is None else existing


def new_complaint(command: OpenComplaint) -> tuple[dict[str, Any], list[dict]]:
    """The complaint ``command`` opens, as stored with its timers, and the events announcing
    it: ``complaint_opened``, then ``complaint_resolved`` for one opened already resolved
    (an import)."""
    complaint = Complaint(
        complaint_ref=command.complaint_ref,
        customer_id=command.customer_id,
        kind=require_choice("kind", command.kind, FeedbackKind),
        category=command.category,
        severity=require_choice("severity", command.severity, Severity),
        description=command.description,
        opened_at=command.opened_at or utcnow(),
        owner=command.owner,
        responded_at=command.responded_at,
        resolved_at=command.resolved_at,
        resolution=command.resolution,
    )
    record = _record(complaint)
    resolved = [events.complaint_resolved(record)] if complaint.resolved_at else []
    return record, [events.complaint_opened(record), *resolved]


def _stored(complaint_ref: str, uow: FeedbackStorage) -> dict[str, Any]:
    record = uow.complaint(complaint_ref)
    if record is None:
        raise NotFound(f"complaint_ref: no complaint {complaint_ref!r}")
    return record


def _move(
    record: dict[str, Any], moved: Complaint, announce: list[dict], uow: FeedbackStorage
) -> dict[str, Any]:
    """Store ``moved`` in place of ``record`` announcing ``announce``; Conflict if it moved."""
    changes = _state(moved, record["breaches"])
    if not uow.update_complaint(record["_id"], record["revision"], changes, announce):
        raise Conflict(f"complaint {record['_id']!r} changed meanwhile; try again")
    return {**record, **changes, "revision": record["revision"] + 1}


def respond_to_complaint(
    complaint_ref: str, at: datetime | None, uow: FeedbackStorage
) -> dict[str, Any]:
    """The customer heard back at ``at`` (now when None); stops the response timer."""
    record = _stored(complaint_ref, uow)
    return _move(record, _complaint(record).respond(at or utcnow()), [], uow)


def resolve_complaint(
    complaint_ref: str, resolution: str, at: datetime | None, uow: FeedbackStorage
) -> dict[str, Any]:
    """Resolve the complaint at ``at`` (now when None), announcing ``complaint_resolved``.

    Conflict when it is already resolved.
    """
    record = _stored(complaint_ref, uow)
    moved = _complaint(record).resolve(at or utcnow(), resolution)
    resolved = {**record, **_state(moved, record["breaches"])}
    return _move(record, moved, [events.complaint_resolved(resolved)], uow)


def assign_complaint(complaint_ref: str, owner: str, uow: FeedbackStorage) -> dict[str, Any]:
    """Give the complaint to ``owner``; Conflict once it is closed."""
    record = _stored(complaint_ref, uow)
    return _move(record, _complaint(record).assign(owner), [], uow)


def confirm_complaint(complaint_ref: str, satisfied: bool, uow: FeedbackStorage) -> dict[str, Any]:
    """The customer's word on the resolution: closed if ``satisfied``, open again if not."""
    record = _stored(complaint_ref, uow)
    return _move(record, _complaint(record).confirm(satisfied), [], uow)


def list_complaints(status: str | None, limit: int, uow: FeedbackStorage) -> list[dict[str, Any]]:
    """Up to ``limit`` complaints, latest opened first; only those in ``status`` if given."""
    if status is not None:
        status = str(require_choice("status", status, ComplaintStatus))
    return uow.complaints(status, limit)


def customer_complaints(customer_id: str, limit: int, uow: FeedbackStorage) -> list[dict[str, Any]]:
    """Up to ``limit`` of the customer's complaints and suggestions, latest opened first."""
    return uow.complaints_of(customer_id, limit)


def review_breaches(now: datetime, uow: FeedbackStorage) -> int:
    """Announce ``complaint_breached`` once per complaint and target missed by ``now``.

    Returns how many breaches were announced. A complaint changed meanwhile
    is left for the next review, which sees it as it then is.
    """
    announced = 0
    for deadline in Deadline:
        for record in uow.watched(str(deadline), now):
            complaint = _complaint(record)
            missed = [b for b in breaches(complaint, TARGETS, now) if b.deadline is deadline]
            done = [*record["breaches"], str(deadline)] if missed else record["breaches"]
            changes = {**_watches(complaint, done), "breaches": done}
            news = [events.complaint_breached(record, b.deadline, b.breached_at) for b in missed]
            if uow.update_complaint(record["_id"], record["revision"], changes, news):
                announced += len(news)
    return announced
