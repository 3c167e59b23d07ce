"""Critical-incident records: a customer's own story of a service encounter.

The critical-incident technique collects the moments customers remember as
satisfying or dissatisfying, with the kind of encounter they happened in
(remote, by phone, in person). A dissatisfying incident awaits a corrective
action until one is linked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from clientela.checks import require_aware, require_text
from clientela.services.feedback.domain.checks import require_choice, require_not_before


class Encounter(StrEnum):
    """How the customer met the service."""

    REMOTE = "remote"
    PHONE = "phone"
    IN_PERSON = "in_person"


class Valence(StrEnum):
    """Whether the customer tells of satisfaction or of dissatisfaction."""

    SATISFYING = "satisfying"
    DISSATISFYING = "dissatisfying"


@dataclass(frozen=True)
class CriticalIncident:
    """One incident as the customer told it, recorded at ``recorded_at``.

    ``customer_id`` None is a story told anonymously; ``complaint_ref`` links
    the complaint it came with, if any; ``action_refs`` the corrective actions
    taken on it.
    """

    incident_ref: str
    customer_id: str | None
    encounter: Encounter
    valence: Valence
    story: str
    occurred_at: datetime
    recorded_at: datetime
    complaint_ref: str | None = None
    action_refs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        require_text("incident_ref", self.incident_ref)
        if self.customer_id is not None:
            require_text("customer_id", self.customer_id)
        object.__setattr__(
            self, "encounter", require_choice("encounter", self.encounter, Encounter)
        )
        object.__setattr__(self, "valence", require_choice("valence", self.valence, Valence))
        require_text("story", self.story)
        require_aware("occurred_at", self.occurred_at)
        require_aware("recorded_at", self.recorded_at)
        require_not_before("recorded_at", self.recorded_at, self.occurred_at, "occurred_at")
        if self.complaint_ref is not None:
            require_text("complaint_ref", self.complaint_ref)

    @property
    def awaits_action(self) -> bool:
        """Whether this is a dissatisfying incident no corrective action answers yet."""
        return self.valence is Valence.DISSATISFYING and not self.action_refs

    def link_action(self, action_ref: str) -> CriticalIncident:
        """The incident answered by corrective action ``action_ref``; twice changes nothing."""
        require_text("action_ref", action_ref)
        if action_ref in self.action_refs:
            return self
        return replace(self, action_refs=(*self.action_refs, action_ref))
