"""Customer and loyalty indicators of a period in plain Python (UTC throughout).

Counts of things that happened in a period (contracts due, purchases, points)
are totalled by the storage. What depends on who is a customer at a moment
(churn, retention, customers at risk) comes from customer counts summed before
the period's start and before its end (:class:`CustomerCounts`): the storage
keeps them per period, so that a period costs the same however many customers
came before it. I5 looks at the records updated in and just before the period.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import astuple, dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from clientela import figures
from clientela.periods import Period

POINTS_KINDS = ("points_earned", "points_redeemed", "points_expired", "points_adjusted")
"""The loyalty ledger entries summed per period, each named as its event (an adjustment
signed: points deducted by hand count negative)."""

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

    @property
    def ended_at(self) -> datetime | None:
        """When the alarm stopped being open: its close, or its raise for an alarm closed
        before it was raised (never open); None while open."""
        return None if self.closed_at is None else max(self.closed_at, self.raised_at)


@dataclass(frozen=True)
class CustomerCounts:
    """What happened to customers in a stretch of time, or before a moment when summed
    from the start of time: customers ``created``, customers ``lost`` (a customer marked
    lost before it was created counts as lost when created; a loss mark of a customer not
    created yet, not at all), ``loss_marks``, churn alarms raised and ended.

    Summed before a moment, they tell who is a customer then (:attr:`active`) and how many
    alarms are open (:attr:`at_risk`).
    """

    created: int = 0
    lost: int = 0
    loss_marks: int = 0
    alarms_raised: int = 0
    alarms_ended: int = 0

    def __add__(self, other: CustomerCounts) -> CustomerCounts:
        return CustomerCounts(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    def __sub__(self, other: CustomerCounts) -> CustomerCounts:
        return CustomerCounts(*(a - b for a, b in zip(astuple(self), astuple(other), strict=True)))

    @property
    def active(self) -> int:
        """Summed before a moment: the customers created before it and not lost before it."""
        return self.created - self.lost

    @property
    def at_risk(self) -> int:
        """Summed before a moment: the customers with a churn alarm open then (loyalty keeps
        at most one live alarm per customer)."""
        return self.alarms_raised - self.alarms_ended

    @property
    def eventful(self) -> bool:
        """Whether a customer was created, marked lost or alarmed: a period with such a
        moment is reported."""
        return bool(self.created or self.loss_marks or self.alarms_raised)


def count_by_period(
    span: Period,
    period_of: Callable[[datetime], str],
    created: Mapping[str, datetime],
    losses: Mapping[str, datetime],
    alarms: Iterable[Alarm],
) -> dict[str, CustomerCounts]:
    """The customer counts of what happened in ``span``, by the period (``period_of`` a
    moment) it happened in.

    ``created`` and ``losses`` (latest loss mark) map customers to moments: every
    customer created or lost in ``span``, with the creation of those lost in it and the
    loss of those created in it, which decide when a loss counts. ``alarms``: every alarm
    raised or ended in ``span``.
    """
    counted: dict[str, Counter[str]] = {}

    def count(what: str, moment: datetime | None) -> None:
        if moment is not None and moment in span:
            counted.setdefault(period_of(moment), Counter())[what] += 1

    for moment in created.values():
        count("created", moment)
    for customer, lost_at in losses.items():
        count("loss_marks", lost_at)
        if customer in created:
            count("lost", max(lost_at, created[customer]))
    for alarm in alarms:
        count("alarms_raised", alarm.raised_at)
        count("alarms_ended", alarm.ended_at)
    return {key: CustomerCounts(**dict(counts)) for key, counts in counted.items()}


class CustomerRecord(NamedTuple):
    """When a customer was created, its latest loss mark (None: never lost) and whether
    it is a captive customer (I6)."""

    created_at: datetime
    lost_at: datetime | None
    captive: bool

    def active_in(self, period: Period) -> bool:
        """Whether the customer was a customer at some time in ``period``."""
        lost_at = None if self.lost_at is None else max(self.lost_at, self.created_at)
        return self.created_at < period.end and (lost_at is None or lost_at >= period.start)


def customer_figures(
    period: Period,
    before_start: CustomerCounts,
    before_end: CustomerCounts,
    updates: Iterable[tuple[str, datetime]],
    records: Mapping[str, CustomerRecord],
) -> dict[str, object]:
    """New and lost customers, I5, alarms and customers at risk, churn and retention of
    ``period``, from the customer counts before its start and before its end, the record
    updates (customer, when) made in it and in the recent window before its end, and the
    records of the customers updated."""
    within = before_end - before_start
    active = before_end.created - before_start.lost  # customers at some time in the period
    recent = Period(period.end - timedelta(days=RECENT_UPDATE_DAYS), period.end)
    updated = 0
    updated_recently: set[str] = set()
    for customer, changed_at in updates:
        record = records.get(customer)
        if record is None or not record.active_in(period):
            continue
        updated += changed_at in period
        if changed_at in recent:
            updated_recently.add(customer)
    at_start = before_start.active
    return {
        "new_customers": within.created,
        "lost_customers": within.loss_marks,
        "I5_updates_per_active_customer": round(updated / active, 2) if active else None,
        "I5_updated_90d_pct": figures.percentage(len(updated_recently), active),
        "alarms_raised": within.alarms_raised,
        "customers_at_risk": before_end.at_risk,
        "churn_rate": figures.percentage(within.loss_marks, at_start),
        "retention_rate": figures.percentage(before_end.active - within.created, at_start),
    }
