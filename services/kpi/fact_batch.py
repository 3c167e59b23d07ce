"""The fact writes of a batch of events, collected so the storage sends them in bulk.

The handlers write through a :class:`FactWriter`: the unit of work itself,
one event at a time, or a :class:`FactWrites` that only collects what a batch
of events writes. Collected, a fact recorded once keeps what it was first
recorded with, and a fact's changes keep, per field, the change that wins
over the others: the same end state as writing them one by one, in any order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from clientela.periods import period_keys
from clientela.services.kpi.domain import Change


class FactWriter(Protocol):
    """The fact writes the event handlers make (see :class:`~.dependencies.KpiStorage`)."""

    def record_once(
        self, fact_id: str, kind: str, subject: str, at: datetime, **details: Any
    ) -> None:
        """Record the fact ``fact_id``, timed ``at``, once however often it is recorded."""

    def change_fact(self, fact_id: str, kind: str, subject: str, *changes: Change) -> None:
        """Create the fact if need be, and apply each change that wins over it."""

    def change_prospect_fact(self, kind: str, prospect_id: str, *changes: Change) -> None:
        """``change_fact`` on the prospect's fact of ``kind``, with its latest merge change."""


@dataclass
class FactChanges:
    """The winning change per field a batch makes to one fact."""

    kind: str
    subject: str
    merge_id: str | None
    """The prospect's ``merge`` fact, whose change the fact also takes; None for others."""
    changes: dict[str, Change] = field(default_factory=dict)

    def add(self, change: Change) -> None:
        """Keep ``change`` unless the change held for its field wins over it."""
        held = self.changes.get(change.field)
        if held is None or change.wins_over(held.value):
            self.changes[change.field] = change


class FactWrites:
    """A :class:`FactWriter` that collects a batch's writes, by fact id."""

    def __init__(self) -> None:
        self.recorded: dict[str, dict[str, Any]] = {}
        """Facts recorded once: their fields (``_id`` included), as first recorded."""
        self.changed: dict[str, FactChanges] = {}

    def record_once(
        self, fact_id: str, kind: str, subject: str, at: datetime, **details: Any
    ) -> None:
        fields = {"kind": kind, "subject": subject, "at": at, "periods": period_keys(at), **details}
        self.recorded.setdefault(fact_id, {"_id": fact_id, **fields})

    def change_fact(self, fact_id: str, kind: str, subject: str, *changes: Change) -> None:
        self._changes(fact_id, kind, subject, None, changes)

    def change_prospect_fact(self, kind: str, prospect_id: str, *changes: Change) -> None:
        fact_id = f"{kind}:{prospect_id}"
        self._changes(fact_id, kind, prospect_id, f"merge:{prospect_id}", changes)

    def _changes(
        self,
        fact_id: str,
        kind: str,
        subject: str,
        merge_id: str | None,
        changes: tuple[Change, ...],
    ) -> None:
        held = self.changed.setdefault(fact_id, FactChanges(kind, subject, merge_id))
        for change in changes:
            held.add(change)
