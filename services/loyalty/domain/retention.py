"""Reactive retention, win-back and the churn and retention rates (seed 003).

Reactive retention: a customer who says they are leaving opens a case; an
offer answering their reasons is made (and may be bettered), and the case
ends retained or lost. Win-back ranks lost customers by what they were worth.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from clientela.checks import raise_problems, require_aware, require_text, whole_number_problem
from clientela.errors import Conflict
from clientela.figures import percentage
from clientela.services.loyalty.domain.validation import require_decimal


class CaseState(StrEnum):
    """Where a retention case is."""

    ANNOUNCED = "announced"
    OFFERED = "offered"
    RETAINED = "retained"
    LOST = "lost"


_ENDED = (CaseState.RETAINED, CaseState.LOST)


@dataclass(frozen=True)
class RetentionCase:
    """A customer's announced departure and what was done about it.

    announced -> offered (again, for a better offer) -> retained (the offer
    was accepted) or lost; a customer may also leave before any offer.
    """

    case_id: str
    customer_id: str
    reason: str
    announced_at: datetime
    state: CaseState = CaseState.ANNOUNCED
    offer: str | None = None
    offered_at: datetime | None = None
    ended_at: datetime | None = None
    note: str = ""

    def __post_init__(self) -> None:
        require_text("case_id", self.case_id)
        require_text("customer_id", self.customer_id)
        require_text("reason", self.reason)
        require_aware("announced_at", self.announced_at)

    def make_offer(self, offer: str, at: datetime) -> RetentionCase:
        """The case with ``offer`` made at ``at`` (replacing any earlier offer)."""
        require_text("offer", offer)
        require_aware("at", at)
        self._require_open(f"make offer {offer!r}")
        return replace(self, state=CaseState.OFFERED, offer=offer, offered_at=at)

    def retain(self, at: datetime, note: str = "") -> RetentionCase:
        """The case ended with the customer staying, having accepted the offer."""
        if self.state is CaseState.RETAINED:
            return self
        if self.state is not CaseState.OFFERED:
            raise Conflict(f"retention case {self.case_id}: no offer to accept ({self.state})")
        return self._end(CaseState.RETAINED, at, note)

    def lose(self, at: datetime, note: str = "") -> RetentionCase:
        """The case ended with the customer gone."""
        if self.state is CaseState.LOST:
            return self
        self._require_open("record the customer as lost")
        return self._end(CaseState.LOST, at, note)

    def _end(self, state: CaseState, at: datetime, note: str) -> RetentionCase:
        require_aware("at", at)
        return replace(self, state=state, ended_at=at, note=note)

    def _require_open(self, action: str) -> None:
        if self.state in _ENDED:
            raise Conflict(f"retention case {self.case_id} ended {self.state}: cannot {action}")


@dataclass(frozen=True)
class LostCustomer:
    """A lost customer as win-back sees them: what they bought with us, and when they left."""

    customer_id: str
    lost_at: datetime
    lifetime_value: Decimal
    purchases: int

    def __post_init__(self) -> None:
        require_text("customer_id", self.customer_id)
        require_aware("lost_at", self.lost_at)
        require_decimal("lifetime_value", self.lifetime_value)
        raise_problems({"purchases": whole_number_problem(self.purchases, 0)})


def rank_win_back(lost: Iterable[LostCustomer], limit: int | None = None) -> list[LostCustomer]:
    """Lost customers most worth winning back first: by past value, then number of
    purchases, then the most recently lost (their memory of us is freshest)."""
    if limit is not None:
        raise_problems({"limit": whole_number_problem(limit, 1)})
    ranked = sorted(
        lost,
        key=lambda c: (-c.lifetime_value, -c.purchases, -c.lost_at.timestamp(), c.customer_id),
    )
    return ranked[:limit]


@dataclass(frozen=True)
class WinBackResult:
    """How a win-back campaign did: customers targeted, how many came back, the rate."""

    targeted: int
    won_back: int
    rate: float | None


def win_back_result(targeted: Iterable[str], came_back: Iterable[str]) -> WinBackResult:
    """The result of a campaign aimed at ``targeted`` customers, of whom those in
    ``came_back`` bought again (others coming back do not count for it)."""
    aimed = set(targeted)
    won = aimed & set(came_back)
    return WinBackResult(len(aimed), len(won), percentage(len(won), len(aimed)))


def churn_rate(lost_in_period: int, active_at_start: int) -> float | None:
    """Customers lost in P / active customers at the start of P x 100 (None: none active)."""
    _require_counts(lost_in_period=lost_in_period, active_at_start=active_at_start)
    return percentage(lost_in_period, active_at_start)


def retention_rate(active_at_start: int, active_at_end: int, new_in_period: int) -> float | None:
    """(Active at the end of P - new in P) / active at the start of P x 100 (None: none active)."""
    _require_counts(
        active_at_start=active_at_start, active_at_end=active_at_end, new_in_period=new_in_period
    )
    return percentage(active_at_end - new_in_period, active_at_start)


def _require_counts(**counts: int) -> None:
    raise_problems({name: whole_number_problem(value, 0) for name, value in counts.items()})
