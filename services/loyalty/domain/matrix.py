"""The loyalty matrix (seed 004): satisfaction against loyalty, four quadrants per period.

At the end of a period each customer is satisfied or not by their latest
answer (CSAT 4-5 or NPS 7-10, as SC counts it) and loyal or not by repeat
purchase and longevity. Customers with no answer in the window cannot be
placed; they are listed apart, so the quadrants say what answers show.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from clientela.checks import require_aware, require_text
from clientela.periods import Period, shift_months
from clientela.services.loyalty.domain.facts import Purchase, SurveyAnswer, latest_answer
from clientela.services.loyalty.domain.validation import require_whole

MICROSECOND = timedelta(microseconds=1)


class Quadrant(StrEnum):
    """Where satisfaction and loyalty put a customer."""

    LOYAL = "loyal"
    """Satisfied and loyal: the ones to keep and ask for referrals."""
    MERCENARY = "mercenary"
    """Satisfied, not loyal: happy today, gone with a better price."""
    HOSTAGE = "hostage"
    """Loyal, not satisfied: staying for now, ready to leave."""
    DEFECTOR = "defector"
    """Neither: leaving or already gone."""


@dataclass(frozen=True)
class MatrixSettings:
    """Loyal means at least ``repeat_purchases`` purchases in the last ``repeat_months``
    and a customer for ``longevity_months`` or more; answers older than
    ``answer_months`` no longer place anyone."""

    repeat_purchases: int = 2
    repeat_months: int = 12
    longevity_months: int = 12
    answer_months: int = 12

    def __post_init__(self) -> None:
        require_whole("repeat_purchases", self.repeat_purchases, minimum=1)
        for name in ("repeat_months", "longevity_months", "answer_months"):
            require_whole(name, getattr(self, name), minimum=1)


@dataclass(frozen=True)
class MatrixFacts:
    """What the matrix reads about one customer."""

    customer_id: str
    customer_since: datetime
    purchases: Sequence[Purchase] = ()
    answers: Sequence[SurveyAnswer] = ()

    def __post_init__(self) -> None:
        require_text("customer_id", self.customer_id)
        require_aware("customer_since", self.customer_since)


@dataclass(frozen=True)
class Placement:
    """One customer's place at ``as_of``: satisfied, loyal, hence the quadrant."""

    customer_id: str
    satisfied: bool
    loyal: bool

    @property
    def quadrant(self) -> Quadrant:
        """The quadrant satisfaction and loyalty put the customer in."""
        if self.satisfied:
            return Quadrant.LOYAL if self.loyal else Quadrant.MERCENARY
        return Quadrant.HOSTAGE if self.loyal else Quadrant.DEFECTOR


def place(
    facts: MatrixFacts, as_of: datetime, settings: MatrixSettings = MatrixSettings()
) -> Placement | None:
    """Where ``facts.customer_id`` stands at ``as_of``; None with no answer to go by."""
    require_aware("as_of", as_of)
    answered_since = shift_months(as_of, -settings.answer_months)
    answer = latest_answer(a for a in facts.answers if answered_since < a.at <= as_of)
    if answer is None:
        return None
    bought_since = shift_months(as_of, -settings.repeat_months)
    recent = sum(1 for p in facts.purchases if bought_since < p.at <= as_of)
    long_standing = facts.customer_since <= shift_months(as_of, -settings.longevity_months)
    loyal = recent >= settings.repeat_purchases and long_standing
    return Placement(facts.customer_id, answer.satisfied, loyal)


@dataclass(frozen=True)
class LoyaltyMatrix:
    """The matrix of one period: customers by quadrant, and those with no answer."""

    period: Period
    quadrants: dict[Quadrant, tuple[str, ...]]
    unplaced: tuple[str, ...]

    @property
    def counts(self) -> dict[Quadrant, int]:
        """How many customers each quadrant holds."""
        return {quadrant: len(ids) for quadrant, ids in self.quadrants.items()}


def loyalty_matrix(
    customers: Iterable[MatrixFacts], period: Period, settings: MatrixSettings = MatrixSettings()
) -> LoyaltyMatrix:
    """The matrix at the end of ``period`` of everyone who was a customer by then."""
    by_quadrant: dict[Quadrant, list[str]] = {quadrant: [] for quadrant in Quadrant}
    unplaced = []
    # The period's end is excluded from it: the last instant in it is what counts.
    as_of = period.end - MICROSECOND
    for facts in customers:
        if facts.customer_since > as_of:
            continue
        placement = place(facts, as_of, settings)
        if placement is None:
            unplaced.append(facts.customer_id)
        else:
            by_quadrant[placement.quadrant].append(facts.customer_id)
    return LoyaltyMatrix(
        period,
        {quadrant: tuple(sorted(ids)) for quadrant, ids in by_quadrant.items()},
        tuple(sorted(unplaced)),
    )
