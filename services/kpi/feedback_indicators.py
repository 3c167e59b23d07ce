"""Feedback indicators of a period in plain Python (UTC throughout).

Complaints count in the period they were opened (suggestions are not
complaints): ``complaints``, ``complaints_breached`` (those announced as
having missed a target), and the median hours from opening to the first
response and to the latest resolution, over those responded to or resolved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from clientela.services.kpi.domain import hours_between, median


class ComplaintFact(NamedTuple):
    """One counting complaint, in the period of the requested granularity it was opened in."""

    period: str
    opened_at: datetime
    responded_at: datetime | None
    resolved_at: datetime | None
    breached: bool


@dataclass
class PeriodComplaints:
    """The complaints opened in one period."""

    opened: int = 0
    breached: int = 0
    response_hours: list[float] = field(default_factory=list)
    resolution_hours: list[float] = field(default_factory=list)

    def count(self, complaint: ComplaintFact) -> None:
        """Add ``complaint``, its breach and how long it took to respond and resolve."""
        self.opened += 1
        self.breached += complaint.breached
        if complaint.responded_at is not None:
            self.response_hours.append(hours_between(complaint.opened_at, complaint.responded_at))
        if complaint.resolved_at is not None:
            self.resolution_hours.append(hours_between(complaint.opened_at, complaint.resolved_at))

    def as_dict(self) -> dict[str, object]:
        """The complaint figures under their public names."""
        return {
            "complaints": self.opened,
            "complaints_breached": self.breached,
            "complaint_response_hours_median": median(self.response_hours),
            "complaint_resolution_hours_median": median(self.resolution_hours),
        }
