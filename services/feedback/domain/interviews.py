"""Lost-customer interviews: why a customer left, in their own words and in reasons counted.

An interview names one or more reasons from a fixed list, the first being
the main one; the customers service records them as the reason the customer
was lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from clientela.checks import invalid, require_aware, require_text
from clientela.services.feedback.domain.checks import require_choice

NOTES_MAX_LENGTH = 2000


class LossReason(StrEnum):
    """Why customers leave, as lost-customer interviews classify it."""

    PRICE = "price"
    QUALITY = "quality"
    SERVICE = "service"
    DELIVERY = "delivery"
    COMPETITOR = "competitor"
    NEED_ENDED = "need_ended"
    RELOCATION = "relocation"
    OTHER = "other"


@dataclass(frozen=True)
class LostCustomerInterview:
    """An interview with a customer who left: its reasons (main one first) and notes."""

    interview_ref: str
    customer_id: str
    interviewer: str
    interviewed_at: datetime
    reasons: tuple[LossReason, ...]
    notes: str = ""

    def __post_init__(self) -> None:
        require_text("interview_ref", self.interview_ref)
        require_text("customer_id", self.customer_id)
        require_text("interviewer", self.interviewer)
        require_aware("interviewed_at", self.interviewed_at)
        if not self.reasons:
            raise invalid("reasons", "Give at least one reason.")
        reasons = tuple(require_choice("reasons", r, LossReason) for r in self.reasons)
        if len(set(reasons)) != len(reasons):
            raise invalid("reasons", "Give each reason once.")
        object.__setattr__(self, "reasons", reasons)
        if len(self.notes) > NOTES_MAX_LENGTH:
            raise invalid("notes", f"Must be at most {NOTES_MAX_LENGTH} characters.")

    @property
    def main_reason(self) -> LossReason:
        """The reason the customer gave first."""
        return self.reasons[0]

    @property
    def loss_reason(self) -> str:
        """The reasons as one line, main one first, for the customer's record."""
        return f"{', '.join(self.reasons)} (lost-customer interview {self.interview_ref})"
