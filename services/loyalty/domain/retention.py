"""Reactive retention, win-back and the churn and retention rates (seed 003).

Reactive retention: a customer who says they are leaving opens a case; an
offer answering their reasons is made, accepted or refused (and bettered
after a refusal), and the case ends retained or lost, every step kept.
Win-back ranks lost customers by what they were worth.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from clientela.checks import (
    invalid,
    raise_problems,
    require_aware,
    require_text,
    whole_number_problem,
)
from clientela.errors import Conflict
from clientela.figures import percentage
from clientela.services.loyalty.domain.validation import require_decimal


class CaseState(StrEnum):
    """Where a retention case is."""

    ANNOUNCED = "announced"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    RETAINED = "retained"
    LOST = "lost"


ENDED = (CaseState.RETAINED, CaseState.LOST)
"""The states a case ends in: its outcome."""

_ANSWERED = {True: CaseState.ACCEPTED, False: CaseState.REFUSED}


@dataclass(frozen=True)
class CaseStep:
    """One step of a retention case's history: what happened (the state it led to), when,
    who did it, and what was said (the offer, the customer's answer, the outcome's note)."""

    state: CaseState
    at: datetime
    by: str
    detail: str


@dataclass(frozen=True)
class RetentionCase:
    """A customer's announced departure and what was done about it.

    announced -> offered -> accepted or refused (a refused offer may be followed
    by a better one) -> the outcome: retained (only with an accepted offer) or
    lost (at any time, with or without an offer). ``history`` keeps every step.
    """

    case_id: str
    customer_id: str
    reason: str
    announced_at: datetime
    announced_by: str = "customer"
    state: CaseState = CaseState.ANNOUNCED
    offer: str | None = None
    offered_at: datetime | None = None
    ended_at: datetime | None = None
    note: str = ""
    history: tuple[CaseStep, ...] = ()

    def __post_init__(self) -> None:
        require_text("case_id", self.case_id)
        require_text("customer_id", self.customer_id)
        require_text("reason", self.reason)
        require_text("announced_by", self.announced_by)
        require_aware("announced_at", self.announced_at)
        if not self.history:
            first = CaseStep(CaseState.ANNOUNCED, self.announced_at, self.announced_by, self.reason)
            object.__setattr__(self, "history", (first,))

    @property
    def accepted(self) -> bool | None:
        """Whether the customer accepted the latest offer; None while unanswered or none."""
        for step in reversed(self.history):
            if step.state in _ANSWERED.values():
                return step.state is CaseState.ACCEPTED
            if step.state is CaseState.OFFERED:
                return None
        return None

    def make_offer(self, offer: str, at: datetime, by: str) -> RetentionCase:
        """The case with ``offer`` made at ``at`` by ``by`` (a better one after a refusal)."""
        require_text("offer", offer)
        self._require_open(f"make offer {offer!r}")
        if self.state is CaseState.ACCEPTED:
            raise Conflict(f"retention case {self.case_id}: the offer was accepted already")
        if self.state is CaseState.OFFERED and self.offer == offer:
            return self
        moved = self._step(CaseState.OFFERED, at, by, offer)
        return replace(moved, offer=offer, offered_at=at)

    def answer(self, accepted: bool, at: datetime, by: str, note: str = "") -> RetentionCase:
        """The customer's answer to the offer: accepted or refused. The same answer again
        changes nothing; Conflict when there is no offer to answer."""
        answered = _ANSWERED[bool(accepted)]
        if self.state is answered:
            return self
        if self.state is not CaseState.OFFERED:
            raise Conflict(f"retention case {self.case_id}: no offer to answer ({self.state})")
        return self._step(answered, at, by, note)

    def close(self, outcome: str, at: datetime, by: str, note: str = "") -> RetentionCase:
        """The case ended with ``outcome``: ``retained`` (the customer accepted an offer and
        stays) or ``lost``. The same outcome again changes nothing."""
        if outcome not in ENDED:
            raise invalid("outcome", f"Must be one of: {', '.join(ENDED)}.")
        ending = CaseState(outcome)
        if self.state is ending:
            return self
        self._require_open(f"record the customer as {ending}")
        if ending is CaseState.RETAINED and self.state is not CaseState.ACCEPTED:
            raise Conflict(
                f"retention case {self.case_id}: no accepted offer to retain with ({self.state})"
            )
        return replace(self._step(ending, at, by, note), ended_at=at, note=note)

    def _step(self, state: CaseState, at: datetime, by: str, detail: str) -> RetentionCase:
        require_aware("at", at)
        require_text("by", by)
        step = CaseStep(state, at, by, detail)
        return replace(self, state=state, history=(*self.history, step))

    def _require_open(self, action: str) -> None:
        if self.state in ENDED:
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
