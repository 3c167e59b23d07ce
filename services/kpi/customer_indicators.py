"""Customer and loyalty indicators of a period in plain Python (UTC throughout).

Counts of things that happened in a period (contracts due, purchases, points)
are totalled by the storage; what depends on who is a customer at a moment
(I5, customers at risk, churn and retention) is worked out here from each
customer's creation and loss, their record updates and their churn alarms.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from clientela import figures
from clientela.periods import Period, period_key

POINTS_KINDS = ("points_earned", "points_redeemed", "points_expired", "points_adjusted")
"""The loyalty ledger entries summed per period, each named as its event (an adjustment
signed: points deducted by hand count negative)."""

_END_OF_TIME = datetime.max.replace(tzinfo=UTC)

RECENT_UPDATE_DAYS = 90
"""I5: a customer's record counts as kept current when it changed in this many days."""


def contract_counts(status: str, due_at: datetime, delivered_at: datetime | None) -> dict[str, int]:
    """Whether a contract in this state counts as due (a cancelled one does not) and as
    fulfilled on time (delivered on or before its due date, and not found breached), 1 or 0."""
    due = status != "cancelled"
    on_time = due and status != "breached" and delivered_at is not None and delivered_at <= due_at
    return {"due": int(due), "on_time": int(on_time)}


@dataclass
class PeriodActivity:
    """What was counted in one period: contracts, purchases and loyalty points."""

    contracts_due: int = 0
    contracts_on_time: int = 0
    purchases: int = 0
    purchase_value: dict[str, Decimal] = field(default_factory=dict)
    points: dict[str, int] = field(default_factory=lambda: dict.fromkeys(POINTS_KINDS, 0))

    def count_purchases(self, currency: str, amounts: Iterable[str]) -> None:
        """Add purchases of ``amounts`` (decimal strings) in ``currency``."""
        values = [Decimal(amount) for amount in amounts]
        self.purchases += len(values)
        self.purchase_value[currency] = self.purchase_value.get(currency, Decimal(0)) + sum(
            values, Decimal(0)
        )

    def as_dict(self) -> dict[str, object]:
        """CCT and its counts, purchases (their value per currency, as decimal strings),
        points per kind of ledger entry."""
        return {
            "CCT": figures.percentage(self.contracts_on_time, self.contracts_due),
            "contracts_due": self.contracts_due,
            "contracts_on_time": self.contracts_on_time,
            "purchases": self.purchases,
            "purchase_value": {
                currency: str(value) for currency, value in sorted(self.purchase_value.items())
            },
            **self.points,
        }


@dataclass(frozen=True)
class Alarm:
    """A churn alarm on ``customer``: raised at ``raised_at``, closed at ``closed_at``
    (None: still open)."""

    customer: str
    raised_at: datetime
    closed_at: datetime | None = None

    def open_at(self, moment: datetime) -> bool:
        """Whether the alarm was raised before ``moment`` and not yet closed then."""
        return self.raised_at < moment and (self.closed_at is None or self.closed_at >= moment)


class CustomerHistory:
    """When each customer was created and lost (its latest loss mark), when their records
    changed, and their churn alarms; it answers each period by bisecting sorted times, so a
    report costs about the same whatever the number of periods.

    A customer marked lost before it was created counts as lost when created.
    """

    def __init__(
        self,
        created: Mapping[str, datetime],
        lost: Mapping[str, datetime],
        updates: Iterable[tuple[str, datetime]] = (),
        alarms: Iterable[Alarm] = (),
    ) -> None:
        self._created = dict(created)
        self._losses = {
            customer: max(lost_at, self._created[customer])
            for customer, lost_at in lost.items()
            if customer in self._created
        }
        self._creation_times = sorted(self._created.values())
        self._loss_times = sorted(self._losses.values())
        self._marks = sorted(lost.values())
        self._updates = sorted(updates, key=lambda update: update[1])
        self._update_times = [changed_at for _customer, changed_at in self._updates]
        self._alarms = list(alarms)

    def count_active_at(self, moment: datetime) -> int:
        """How many customers were created before ``moment`` and not lost before it."""
        return _before(self._creation_times, moment) - _before(self._loss_times, moment)

    def count_active_in(self, period: Period) -> int:
        """How many customers were customers at some time in ``period``."""
        return _before(self._creation_times, period.end) - _before(self._loss_times, period.start)

    def is_active_in(self, customer: str, period: Period) -> bool:
        """Whether ``customer`` was a customer at some time in ``period``."""
        created_at = self._created.get(customer)
        lost_at = self._losses.get(customer)
        return (
            created_at is not None
            and created_at < period.end
            and (lost_at is None or lost_at >= period.start)
        )

    def periods(self, granularity: str, start: datetime | None, end: datetime | None) -> set[str]:
        """The keys of the periods in ``[start, end)`` with a customer created, lost, updated
        or alarmed."""
        span = Period(start or datetime.min.replace(tzinfo=UTC), end or _END_OF_TIME)
        moments = [*self._creation_times, *self._marks, *self._update_times]
        moments += [alarm.raised_at for alarm in self._alarms]
        return {period_key(moment, granularity) for moment in moments if moment in span}

    def figures(self, period: Period) -> dict[str, object]:
        """New and lost customers, I5, alarms and customers at risk, churn and retention."""
        active = self.count_active_in(period)
        recent = Period(period.end - timedelta(days=RECENT_UPDATE_DAYS), period.end)
        updates = 0
        updated_recently: set[str] = set()
        first = _before(self._update_times, min(period.start, recent.start))
        for customer, changed_at in self._updates[first : _before(self._update_times, period.end)]:
            if self.is_active_in(customer, period):
                updates += changed_at in period
                if changed_at in recent:
                    updated_recently.add(customer)
        new = _within(self._creation_times, period)
        lost = _within(self._marks, period)
        at_start = self.count_active_at(period.start)
        at_risk = {alarm.customer for alarm in self._alarms if alarm.open_at(period.end)}
        return {
            "new_customers": new,
            "lost_customers": lost,
            "I5_updates_per_active_customer": round(updates / active, 2) if active else None,
            "I5_updated_90d_pct": figures.percentage(len(updated_recently), active),
            "alarms_raised": sum(1 for alarm in self._alarms if alarm.raised_at in period),
            "customers_at_risk": len(at_risk),
            "churn_rate": figures.percentage(lost, at_start),
            "retention_rate": figures.percentage(self.count_active_at(period.end) - new, at_start),
        }


def _before(times: Sequence[datetime], moment: datetime) -> int:
    """How many of the sorted ``times`` are before ``moment``."""
    return bisect_left(times, moment)


def _within(times: Sequence[datetime], period: Period) -> int:
    """How many of the sorted ``times`` fall in ``period``."""
    return _before(times, period.end) - _before(times, period.start)
