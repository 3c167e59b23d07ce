"""Customer record maintenance with history (seed 000 O5, indicator I5).

Every change to a customer's record says who made it, when, and each field's
value before and after. A write that changes nothing is not an update: it
leaves no history and does not count in I5.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from clientela.checks import raise_problems, require_aware, require_text, whole_number_problem
from clientela.figures import percentage
from clientela.periods import Period

MAINTAINED_FIELDS = frozenset(
    {
        "first_name",
        "last_name",
        "email",
        "phone",
        "company",
        "position",
        "addresses",
        "contacts",
        "needs",
        "requirements",
        "typology",
        "special",
        "declared_spend",
        "estimated_spend",
    }
)
"""The fields of the customer record an edit may change."""
DEFAULT_RECENT_DAYS = 90


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after a change."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class RecordChange:
    """A change to a customer's record: who, when, and which fields from what to what."""

    customer_ref: str
    changed_by: str
    changed_at: datetime
    changes: tuple[FieldChange, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        """The names of the fields changed."""
        return tuple(change.field for change in self.changes)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _same(before: Any, after: Any) -> bool:
    """Equal values, or both blank: None, "", an empty list and an empty mapping all mean
    "not given"."""
    return (_blank(before) and _blank(after)) or before == after


def record_change(
    customer_ref: str,
    record: Mapping[str, Any],
    edits: Mapping[str, Any],
    changed_by: str,
    changed_at: datetime,
) -> RecordChange | None:
    """The change ``edits`` make to ``record``, field by field in name order; None when they
    change nothing.

    ``edits`` holds only the fields being written; a field absent from
    ``record`` was blank. InvalidInput names any field that is not one of
    :data:`MAINTAINED_FIELDS`, and a blank ``changed_by``.
    """
    require_text("changed_by", changed_by)
    require_aware("changed_at", changed_at)
    raise_problems(
        {
            field: "Is not a field of the customer record."
            for field in edits
            if field not in MAINTAINED_FIELDS
        }
    )
    changes = tuple(
        FieldChange(field, record.get(field), edits[field])
        for field in sorted(edits)
        if not _same(record.get(field), edits[field])
    )
    if not changes:
        return None
    return RecordChange(customer_ref, changed_by, changed_at, changes)


@dataclass(frozen=True)
class RecordUpdateFigures:
    """The I5 figures of one period, with the counts behind them."""

    updates: int
    active_customers: int
    updated_recently: int

    @property
    def updates_per_active_customer(self) -> float | None:
        """Updates in the period per active customer, to two decimals; None with none active."""
        return round(self.updates / self.active_customers, 2) if self.active_customers else None

    @property
    def updated_recently_pct(self) -> float | None:
        """Share of active customers updated in the recent window x 100; None with none active."""
        return percentage(self.updated_recently, self.active_customers)

    def figures(self) -> dict[str, float | None]:
        """The indicator's public names: ``I5_updates_per_active_customer``,
        ``I5_updated_90d_pct``."""
        return {
            "I5_updates_per_active_customer": self.updates_per_active_customer,
            "I5_updated_90d_pct": self.updated_recently_pct,
        }


def record_update_figures(
    changes: Iterable[RecordChange],
    active_customers: Collection[str],
    period: Period,
    recent_days: int = DEFAULT_RECENT_DAYS,
) -> RecordUpdateFigures:
    """I5 for ``period`` over the customers active in it.

    ``updates``: changes to active customers' records made in the period;
    ``updated_recently``: active customers with a change in the ``recent_days``
    before the period's end.
    """
    raise_problems({"recent_days": whole_number_problem(recent_days, 1, "days")})
    active = set(active_customers)
    recent = Period(period.end - timedelta(days=recent_days), period.end)
    updates = 0
    updated_recently: set[str] = set()
    for change in changes:
        if change.customer_ref not in active:
            continue
        if change.changed_at in period:
            updates += 1
        if change.changed_at in recent:
            updated_recently.add(change.customer_ref)
    return RecordUpdateFigures(updates, len(active), len(updated_recently))
