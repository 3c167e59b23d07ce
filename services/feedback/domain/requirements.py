"""Documented customer requirements, prioritised MoSCoW style (must, should, could, won't).

A requirement is what a customer needs of the product or the service, as
documented from a visit, an interview, a complaint or a survey. It stays
open until it is met or dropped, each with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from clientela.checks import require_aware, require_text
from clientela.errors import Conflict
from clientela.services.feedback.domain.checks import require_choice


class Priority(StrEnum):
    """How much a requirement matters, highest first."""

    MUST = "must"
    SHOULD = "should"
    COULD = "could"
    WONT = "wont"


class RequirementStatus(StrEnum):
    """Where a requirement stands."""

    OPEN = "open"
    MET = "met"
    DROPPED = "dropped"


PRIORITY_RANK = {priority: rank for rank, priority in enumerate(Priority)}
"""0 for must, the highest, up to 3 for won't."""


@dataclass(frozen=True)
class CustomerRequirement:
    """One documented requirement of a customer, with its priority and where it came from."""

    requirement_ref: str
    customer_id: str
    statement: str
    priority: Priority
    source: str
    documented_at: datetime
    status: RequirementStatus = RequirementStatus.OPEN
    settled_at: datetime | None = None
    settlement: str = ""

    def __post_init__(self) -> None:
        require_text("requirement_ref", self.requirement_ref)
        require_text("customer_id", self.customer_id)
        require_text("statement", self.statement)
        require_text("source", self.source)
        require_aware("documented_at", self.documented_at)
        object.__setattr__(self, "priority", require_choice("priority", self.priority, Priority))
        object.__setattr__(self, "status", require_choice("status", self.status, RequirementStatus))

    def settle(self, status: str, at: datetime, note: str) -> CustomerRequirement:
        """The requirement met or dropped at ``at``, with ``note`` saying how or why.

        Conflict unless it is open.
        """
        settled = require_choice("status", status, RequirementStatus)
        if settled is RequirementStatus.OPEN:
            raise Conflict("status: a requirement is settled as met or dropped")
        require_aware("at", at)
        require_text("note", note)
        if self.status is not RequirementStatus.OPEN:
            raise Conflict(f"requirement {self.requirement_ref!r} is already {self.status}")
        return replace(self, status=settled, settled_at=at, settlement=note)


def prioritised(requirements: Iterable[CustomerRequirement]) -> list[CustomerRequirement]:
    """Open requirements first, then by priority (must first), then oldest documented first."""
    return sorted(
        requirements,
        key=lambda r: (
            r.status is not RequirementStatus.OPEN,
            PRIORITY_RANK[r.priority],
            r.documented_at,
        ),
    )
