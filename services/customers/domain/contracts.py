"""Contract fulfilment and the CCT indicator (seed 001).

CCT for a period P = contracts due in P fulfilled on or before their due date
/ contracts due in P x 100.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from clientela.checks import invalid, require_aware, require_optional_aware, require_text
from clientela.figures import percentage
from clientela.periods import Period

DEFAULT_BREACH_GRACE_DAYS = 30


class Fulfilment(StrEnum):
    """Where a contract stands on its promised delivery."""

    ON_TIME = "on_time"
    LATE = "late"
    BREACHED = "breached"
    OPEN = "open"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Contract:
    """A contract promising delivery by ``due_at``.

    ``delivered_at`` is None until delivery; ``marked_breached`` is an
    operator's finding that the contract was breached whatever the dates say;
    a ``cancelled`` contract is no longer owed.
    """

    contract_ref: str
    due_at: datetime
    delivered_at: datetime | None = None
    marked_breached: bool = False
    cancelled: bool = False

    def __post_init__(self) -> None:
        require_text("contract_ref", self.contract_ref)
        require_aware("due_at", self.due_at)
        require_optional_aware("delivered_at", self.delivered_at)

    @property
    def delivered_by_due_date(self) -> bool:
        """Whether delivery happened on or before ``due_at``."""
        return self.delivered_at is not None and self.delivered_at <= self.due_at


def fulfilment(
    contract: Contract, as_of: datetime, breach_grace_days: int = DEFAULT_BREACH_GRACE_DAYS
) -> Fulfilment:
    """How ``contract`` stands at ``as_of``; a delivery after ``as_of`` has not happened yet.

    Cancelled, then marked breached, win over dates. Otherwise the breach
    deadline is ``due_at`` + ``breach_grace_days``: a contract not delivered
    by then is breached (for good: a delivery after the deadline does not
    undo it), one delivered on or before ``due_at`` is on time, one delivered
    after ``due_at`` but by the deadline is late, and one still undelivered
    before the deadline is open.
    """
    require_aware("as_of", as_of)
    if breach_grace_days < 0:
        raise invalid("breach_grace_days", "Must be zero or more.")
    if contract.cancelled:
        return Fulfilment.CANCELLED
    if contract.marked_breached:
        return Fulfilment.BREACHED
    deadline = contract.due_at + timedelta(days=breach_grace_days)
    delivered_at = contract.delivered_at
    if delivered_at is None or delivered_at > as_of:
        return Fulfilment.BREACHED if as_of > deadline else Fulfilment.OPEN
    if contract.delivered_by_due_date:
        return Fulfilment.ON_TIME
    return Fulfilment.LATE if delivered_at <= deadline else Fulfilment.BREACHED


@dataclass(frozen=True)
class ContractCompliance:
    """The CCT of one period with the counts behind it."""

    contracts_due: int
    contracts_on_time: int

    @property
    def cct(self) -> float | None:
        """Contracts on time / contracts due x 100 (two decimals); None when none was due."""
        return percentage(self.contracts_on_time, self.contracts_due)

    def figures(self) -> dict[str, float | int | None]:
        """The indicator's public names: ``CCT``, ``contracts_due``, ``contracts_on_time``."""
        return {
            "CCT": self.cct,
            "contracts_due": self.contracts_due,
            "contracts_on_time": self.contracts_on_time,
        }


def contract_compliance(contracts: Iterable[Contract], period: Period) -> ContractCompliance:
    """CCT over the contracts due in ``period``.

    A cancelled contract is no longer owed, so it is not counted as due. A
    contract is on time when delivered on or before its due date and not
    marked breached; whether it is late, breached or still undelivered, it
    counts against the indicator alike.
    """
    due = [c for c in contracts if c.due_at in period and not c.cancelled]
    on_time = sum(1 for c in due if c.delivered_by_due_date and not c.marked_breached)
    return ContractCompliance(contracts_due=len(due), contracts_on_time=on_time)
