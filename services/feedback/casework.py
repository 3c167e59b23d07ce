"""Casework use cases: corrective actions, critical incidents, lost-customer interviews and
customer requirements.

Each takes a domain object (or its reference) and the service's unit of
work. Each record is kept once per reference: recording the same reference
again returns what was first stored.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from clientela.errors import Conflict, NotFound
from clientela.services.feedback import events
from clientela.services.feedback.dependencies import FeedbackStorage
from clientela.services.feedback.domain.checks import require_choice
from clientela.services.feedback.domain.corrective_actions import ActionStatus, CorrectiveAction
from clientela.services.feedback.domain.incidents import CriticalIncident
from clientela.services.feedback.domain.interviews import LostCustomerInterview
from clientela.services.feedback.domain.requirements import CustomerRequirement, prioritised

Record = TypeVar("Record")


def _stored_value(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_stored_value(v) for v in value]
    return str(value) if isinstance(value, StrEnum) else value


def _record(item: Any, ref: str) -> dict[str, Any]:
    """A domain record as stored: its reference ``ref`` as ``_id``, tuples as lists."""
    values = {f.name: _stored_value(getattr(item, f.name)) for f in dataclasses.fields(item)}
    return {"_id": values.pop(ref), **values}


def _domain(kind: type[Record], record: dict[str, Any], ref: str) -> Record:
    """The domain record ``kind`` a stored record holds."""
    names = {f.name for f in dataclasses.fields(kind)} - {ref}  # type: ignore[arg-type]
    values = {n: tuple(record[n]) if isinstance(record[n], list) else record[n] for n in names}
    return kind(**{ref: record["_id"]}, **values)


def _require_customer(customer_id: str | None, uow: FeedbackStorage) -> None:
    if customer_id is not None and not uow.is_known_customer(customer_id):
        raise NotFound(f"customer_id: no customer {customer_id!r} is known to feedback")


def _require_complaint(complaint_ref: str, uow: FeedbackStorage, field: str) -> None:
    if uow.complaint(complaint_ref) is None:
        raise NotFound(f"{field}: no complaint {complaint_ref!r}")


# -- corrective actions ----------------------------------------------------------------------


def _action_record(action: CorrectiveAction, revision: int) -> dict[str, Any]:
    return {**_record(action, "action_ref"), "status": str(action.status), "revision": revision}


def _stored_action(action_ref: str, uow: FeedbackStorage) -> tuple[dict, CorrectiveAction]:
    record = uow.action(action_ref)
    if record is None:
        raise NotFound(f"action_ref: no corrective action {action_ref!r}")
    return record, _domain(CorrectiveAction, record, "action_ref")


def _save_action(record: dict[str, Any], moved: CorrectiveAction, uow: FeedbackStorage) -> dict:
    changed = _action_record(moved, record["revision"] + 1)
    changes = {k: v for k, v in changed.items() if k not in ("_id", "revision")}
    if not uow.update_action(record["_id"], record["revision"], changes):
        raise Conflict(f"action_ref: {record['_id']!r} changed meanwhile; try again")
    return changed


def plan_action(action: CorrectiveAction, uow: FeedbackStorage) -> dict[str, Any]:
    """Plan a corrective action answering its complaints; returns it as stored.

    NotFound naming ``complaint_refs`` for a complaint that does not exist.
    """
    for complaint_ref in action.complaint_refs:
        _require_complaint(complaint_ref, uow, "complaint_refs")
    record = _action_record(action, revision=1)
    existing = uow.add_action(record)
    return record if existing is None else existing


def link_action(action_ref: str, complaint_ref: str, uow: FeedbackStorage) -> dict[str, Any]:
    """The action also answers ``complaint_ref``; linking twice changes nothing."""
    _require_complaint(complaint_ref, uow, "complaint_ref")
    record, action = _stored_action(action_ref, uow)
    linked = action.link(complaint_ref)
    return record if linked == action else _save_action(record, linked, uow)


def complete_action(action_ref: str, at: datetime, uow: FeedbackStorage) -> dict[str, Any]:
    """The action was done at ``at``; Conflict unless it was planned."""
    record, action = _stored_action(action_ref, uow)
    return _save_action(record, action.complete(at), uow)


def check_action(
    action_ref: str, at: datetime, effective: bool, note: str, uow: FeedbackStorage
) -> dict[str, Any]:
    """The effect of the done action, checked at ``at``: ``effective`` or not, and why."""
    record, action = _stored_action(action_ref, uow)
    return _save_action(record, action.check_effect(at, effective, note), uow)


def list_actions(
    status: str | None, complaint_ref: str | None, limit: int, now: datetime, uow: FeedbackStorage
) -> list[dict[str, Any]]:
    """Corrective actions, soonest due first: those of ``complaint_ref``, or up to ``limit``
    of them (only those in ``status`` if given); each says whether it is ``overdue`` at
    ``now`` (still planned after its due date)."""
    if complaint_ref is not None:
        found = [a for a in uow.actions_for(complaint_ref) if status in (None, a["status"])]
    else:
        if status is not None:
            status = str(require_choice("status", status, ActionStatus))
        found = uow.actions(status, limit)
    return [
        {**record, "overdue": _domain(CorrectiveAction, record, "action_ref").is_overdue(now)}
        for record in found
    ]


# -- critical incidents ----------------------------------------------------------------------


def _incident_record(incident: CriticalIncident) -> dict[str, Any]:
    return {**_record(incident, "incident_ref"), "awaits_action": incident.awaits_action}


def record_incident(incident: CriticalIncident, uow: FeedbackStorage) -> dict[str, Any]:
    """Record a critical incident as the customer told it; returns it as stored."""
    _require_customer(incident.customer_id, uow)
    if incident.complaint_ref is not None:
        _require_complaint(incident.complaint_ref, uow, "complaint_ref")
    record = _record(incident, "incident_ref")
    existing = uow.add_incident(record)
    return _incident_record(incident if existing is None else _incident(existing))


def _incident(record: dict[str, Any]) -> CriticalIncident:
    return _domain(CriticalIncident, record, "incident_ref")


def link_incident(incident_ref: str, action_ref: str, uow: FeedbackStorage) -> dict[str, Any]:
    """Corrective action ``action_ref`` answers the incident; twice changes nothing."""
    record = uow.incident(incident_ref)
    if record is None:
        raise NotFound(f"incident_ref: no critical incident {incident_ref!r}")
    _stored_action(action_ref, uow)
    uow.link_incident_action(incident_ref, action_ref)
    return _incident_record(_incident(record).link_action(action_ref))


def list_incidents(limit: int, uow: FeedbackStorage) -> list[dict[str, Any]]:
    """Up to ``limit`` critical incidents, latest first, each saying if it awaits an action."""
    return [_incident_record(_incident(record)) for record in uow.incidents(limit)]


# -- lost-customer interviews ----------------------------------------------------------------


def interview_lost_customer(
    interview: LostCustomerInterview, uow: FeedbackStorage
) -> dict[str, Any]:
    """Record the interview and announce ``lost_customer_interviewed`` with it, once per
    ``interview_ref``; returns it as stored. NotFound for a customer feedback does not know."""
    _require_customer(interview.customer_id, uow)
    record = _record(interview, "interview_ref")
    announced = events.lost_customer_interviewed(record, interview.loss_reason)
    existing = uow.add_interview(record, announced)
    return record if existing is None else existing


def customer_interviews(customer_id: str, uow: FeedbackStorage) -> list[dict[str, Any]]:
    """The customer's lost-customer interviews, latest first."""
    return uow.interviews_of(customer_id)


# -- customer requirements -------------------------------------------------------------------


def document_requirement(requirement: CustomerRequirement, uow: FeedbackStorage) -> dict[str, Any]:
    """Document a customer's requirement; returns it as stored."""
    _require_customer(requirement.customer_id, uow)
    record = _record(requirement, "requirement_ref")
    existing = uow.add_requirement(record)
    return record if existing is None else existing


def settle_requirement(
    requirement_ref: str, status: str, note: str, at: datetime, uow: FeedbackStorage
) -> dict[str, Any]:
    """The requirement met or dropped at ``at``; Conflict unless it is open."""
    record = uow.requirement(requirement_ref)
    if record is None:
        raise NotFound(f"requirement_ref: no requirement {requirement_ref!r}")
    settled = _domain(CustomerRequirement, record, "requirement_ref").settle(status, at, note)
    changed = _record(settled, "requirement_ref")
    if not uow.settle_requirement(requirement_ref, {k: changed[k] for k in SETTLED_FIELDS}):
        raise Conflict(f"requirement {requirement_ref!r} was settled meanwhile")
    return changed


SETTLED_FIELDS = ("status", "settled_at", "settlement")


def customer_requirements(customer_id: str, uow: FeedbackStorage) -> list[dict[str, Any]]:
    """The customer's requirements: open ones first, must before should, could, won't."""
    found = uow.requirements_of(customer_id)
    ordered = prioritised(_domain(CustomerRequirement, r, "requirement_ref") for r in found)
    return [_record(requirement, "requirement_ref") for requirement in ordered]
