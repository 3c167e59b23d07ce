"""What loyalty knows of a customer from the other services' events.

Purchases come from customers' events, survey answers and complaints from
feedback's. Churn risk and the loyalty matrix read these, nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from clientela.checks import invalid, require_aware, require_text
from clientela.services.loyalty.domain.validation import require_decimal

NPS_DETRACTOR_MAX = 6
NPS_SATISFIED_MIN = 7
CSAT_SATISFIED_MIN = 4
CSAT_DISSATISFIED_MAX = 2


@dataclass(frozen=True)
class Purchase:
    """One purchase of the customer: when, and for how much."""

    at: datetime
    amount: Decimal

    def __post_init__(self) -> None:
        require_aware("at", self.at)
        require_decimal("amount", self.amount)


@dataclass(frozen=True)
class SurveyAnswer:
    """One survey answer: an NPS score (0-10) or a CSAT score (1-5)."""

    at: datetime
    nps: int | None = None
    csat: int | None = None

    def __post_init__(self) -> None:
        require_aware("at", self.at)
        if (self.nps is None) == (self.csat is None):
            raise invalid("nps", "Give either an NPS or a CSAT score.")
        if self.nps is not None and self.nps not in range(11):
            raise invalid("nps", "Must be a whole number from 0 to 10.")
        if self.csat is not None and self.csat not in range(1, 6):
            raise invalid("csat", "Must be a whole number from 1 to 5.")

    @property
    def satisfied(self) -> bool:
        """Satisfied as SC counts it: CSAT 4 or 5 of 5, or NPS 7 or more."""
        if self.nps is not None:
            return self.nps >= NPS_SATISFIED_MIN
        return self.csat is not None and self.csat >= CSAT_SATISFIED_MIN

    @property
    def unhappy(self) -> bool:
        """A detractor's NPS (0-6) or a dissatisfied CSAT (1 or 2)."""
        if self.nps is not None:
            return self.nps <= NPS_DETRACTOR_MAX
        return self.csat is not None and self.csat <= CSAT_DISSATISFIED_MAX


@dataclass(frozen=True)
class Complaint:
    """A complaint as feedback last announced it: still open, whether a target of it was
    breached, and when it was opened (None: not announced yet)."""

    complaint_id: str
    open: bool
    breached: bool = False
    opened_at: datetime | None = None

    def __post_init__(self) -> None:
        require_text("complaint_id", self.complaint_id)


def latest_answer(answers: Iterable[SurveyAnswer]) -> SurveyAnswer | None:
    """The most recent of ``answers``; None when there are none."""
    return max(answers, key=lambda answer: answer.at, default=None)
