"""The periods feedback figures are computed over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from clientela.services.feedback.domain.checks import invalid, require_aware


@dataclass(frozen=True)
class Period:
    """The instants from ``start`` (included) to ``end`` (excluded)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        require_aware("start", self.start)
        require_aware("end", self.end)
        if self.end <= self.start:
            raise invalid("end", "Must be after start.")

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end
