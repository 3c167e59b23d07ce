"""Corrective-action plans: what caused a problem, what is done about it, and whether it worked.

A plan is linked to the complaints (and critical incidents) it answers. It is
planned, then done, then its effect is checked: effective closes it;
ineffective also closes it, as a finding that calls for a new plan.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from clientela.checks import invalid, require_aware, require_optional_aware, require_text
from clientela.errors import Conflict
from clientela.services.feedback.domain.checks import require_not_before


class ActionStatus(StrEnum):
    """Where a corrective action stands."""

    PLANNED = "planned"
    DONE = "done"
    EFFECTIVE = "effective"
    INEFFECTIVE = "ineffective"


@dataclass(frozen=True)
class CorrectiveAction:
    """A corrective action: cause, action, owner, due date, and the check of its effect."""

    action_ref: str
    cause: str
    action: str
    owner: str
    due_at: datetime
    complaint_refs: tuple[str, ...] = ()
    completed_at: datetime | None = None
    effective: bool | None = None
    effect_note: str = ""

    def __post_init__(self) -> None:
        require_text("action_ref", self.action_ref)
        require_text("cause", self.cause)
        require_text("action", self.action)
        require_text("owner", self.owner)
        require_aware("due_at", self.due_at)
        for ref in self.complaint_refs:
            require_text("complaint_refs", ref)
        require_optional_aware("completed_at", self.completed_at)
        if self.effective is not None and self.completed_at is None:
            raise invalid("effective", "Only a completed action has an effect to check.")

    @property
    def status(self) -> ActionStatus:
        """Planned, done, or checked effective or ineffective."""
        if self.effective is not None:
            return ActionStatus.EFFECTIVE if self.effective else ActionStatus.INEFFECTIVE
        return ActionStatus.PLANNED if self.completed_at is None else ActionStatus.DONE

    def is_overdue(self, now: datetime) -> bool:
        """Whether the action is still not done after its due date."""
        require_aware("now", now)
        return self.status is ActionStatus.PLANNED and now > self.due_at

    def link(self, complaint_ref: str) -> CorrectiveAction:
        """The plan also answering ``complaint_ref``; linking twice changes nothing."""
        require_text("complaint_ref", complaint_ref)
        if complaint_ref in self.complaint_refs:
            return self
        return replace(self, complaint_refs=(*self.complaint_refs, complaint_ref))

    def complete(self, at: datetime) -> CorrectiveAction:
        """The action done at ``at``; Conflict unless it was planned."""
        require_aware("at", at)
        if self.status is not ActionStatus.PLANNED:
            raise Conflict(f"action {self.action_ref!r} is {self.status}, not planned")
        return replace(self, completed_at=at)

    def check_effect(self, at: datetime, effective: bool, note: str) -> CorrectiveAction:
        """The effect found at ``at``: ``effective`` or not, and what showed it.

        Conflict unless the action is done; the check cannot precede the doing.
        """
        require_aware("at", at)
        require_text("note", note)
        if self.status is not ActionStatus.DONE or self.completed_at is None:
            raise Conflict(f"action {self.action_ref!r} is {self.status}, not done")
        require_not_before("at", at, self.completed_at, "completed_at")
        return replace(self, effective=effective, effect_note=note)
