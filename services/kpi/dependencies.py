"""The kpi service's storage: its unit of work over MongoDB, and an in-memory fake.

Both keep one document per fact (see :mod:`clientela.services.kpi.documents`)
and answer the same calls the same way; the indicators read facts of a kind,
timed in a range, that are not merged away.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, NamedTuple

from pymongo import UpdateMany
from pymongo.collection import Collection

from clientela.services.kpi.documents import PROSPECT_KINDS, Fact
from clientela.services.kpi.domain import CAPTURE_DIMENSIONS, Change, period_keys
from clientela.storage import FakeUnitOfWork, UnitOfWork

ATTEMPTS = 10
"""How often a conditional write is redone when another writer got there in between."""


class CaptureTotals(NamedTuple):
    """The counting captures of one period and origin."""

    period: str
    origin: dict[str, str]
    prospects: int
    completeness: float
    converted: int


class NpsAnswer(NamedTuple):
    """One counting NPS answer, in the period of the requested granularity."""

    period: str
    customer: str
    answered_at: datetime
    category: str


def _fact_ids(prospect_id: str, kinds: Iterable[str]) -> list[str]:
    return [f"{kind}:{prospect_id}" for kind in kinds]


class KpiStorage(UnitOfWork):
    """Facts in the kpi database, each written by ``_id``."""

    @property
    def facts(self) -> Collection:
        """The ``facts`` collection."""
        return self.database[Fact._meta["collection"]]

    def fact(self, fact_id: str) -> dict[str, Any] | None:
        """The fact ``fact_id`` as stored, None when there is none."""
        return self.facts.find_one({"_id": fact_id})

    def record_once(
        self, fact_id: str, kind: str, subject: str, at: datetime, **details: Any
    ) -> None:
        """Record the fact ``fact_id``, timed ``at``, once however often it is recorded."""
        fields = {"kind": kind, "subject": subject, "at": at, "periods": period_keys(at), **details}
        self.facts.update_one({"_id": fact_id}, {"$setOnInsert": fields}, upsert=True)

    def change_fact(self, fact_id: str, kind: str, subject: str, *changes: Change) -> None:
        """Create the fact (empty) if need be, then apply each change that wins over it."""
        self.facts.update_one(
            {"_id": fact_id}, {"$setOnInsert": {"kind": kind, "subject": subject}}, upsert=True
        )
        for change in changes:
            self._apply(fact_id, change)

    def _apply(self, fact_id: str, change: Change) -> None:
        """Two atomic updates found by ``_id``, one for a fact without ``change.field``
        and one for a fact holding a value it wins over, rather than one with ``$or``,
        which some servers (SecantusDB) answer with a collection scan. Should another
        writer change the field between the two, the fact is read again and the
        write redone while the change still wins."""
        operator = "$gt" if change.earliest else "$lt"
        update = {"$set": change.values}
        for _ in range(ATTEMPTS):
            beaten = {"_id": fact_id, change.field: {operator: change.value}}
            if self.facts.update_one(beaten, update).matched_count:
                return
            if self.facts.update_one({"_id": fact_id, change.field: None}, update).matched_count:
                return
            held = self.facts.find_one({"_id": fact_id}, {change.field: 1})
            if held is None or not change.wins_over(held.get(change.field)):
                return  # the fact is gone, or holds a value that wins over the change
        raise RuntimeError(
            f"fact {fact_id}: {change.field} keeps changing; the event will be retried"
        )

    def merge_state(self, prospect_id: str) -> tuple[bool, str] | None:
        """(merged, stamp) of the prospect's latest merge change, None before any."""
        state = self.facts.find_one(
            {"_id": f"merge:{prospect_id}"}, {"merged": 1, "merge_stamp": 1}
        )
        if state is None or not state.get("merge_stamp"):
            return None
        return bool(state.get("merged")), state["merge_stamp"]

    def apply_merge_change(
        self, prospect_id: str, merged: bool, stamp: str, kinds: Iterable[str] = PROSPECT_KINDS
    ) -> None:
        """Record a merge change on the prospect's facts of ``kinds`` that hold an older one.

        The facts are found by ``_id`` (``$in``, a point lookup each; by
        ``subject`` and ``kind $in`` SecantusDB scanned the collection). As in
        :meth:`change_fact`, the older and the unset case are two updates rather
        than one ``$or``, sent as one batch; it is repeated until it finds no
        fact, so a fact that another writer gave an older change in between
        still ends with this one.
        """
        facts = {"_id": {"$in": _fact_ids(prospect_id, kinds)}}
        update = {"$set": {"merged": merged, "merge_stamp": stamp}}
        batch = [
            UpdateMany({**facts, "merge_stamp": {"$lt": stamp}}, update),
            UpdateMany({**facts, "merge_stamp": None}, update),
        ]
        for _ in range(ATTEMPTS):
            if not self.facts.bulk_write(batch).matched_count:
                return
        raise RuntimeError(f"merge stamp {stamp}: facts keep changing; the event will be retried")

    def capture_totals(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> Iterator[CaptureTotals]:
        """Counting captures timed in ``[start, end)``, totalled per period and origin."""
        totals = {
            "count": {"$sum": 1},
            "completeness": {"$sum": "$completeness"},
            "converted": {"$sum": {"$cond": ["$converted", 1, 0]}},
        }
        rows = self._grouped("captured", granularity, start, end, CAPTURE_DIMENSIONS, totals)
        for period, origin, row in rows:
            yield CaptureTotals(period, origin, row["count"], row["completeness"], row["converted"])

    def first_contact_hours(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> Iterator[tuple[str, list[float]]]:
        """(period, hours from identification) of the counting first contacts in the range."""
        rows = self._grouped(
            "first_contact", granularity, start, end, (), {"hours": {"$push": "$hours"}}
        )
        for period, _origin, row in rows:
            yield period, row["hours"]

    def conversion_counts(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> Iterator[tuple[str, int]]:
        """(period, count) of the counting conversions in the range."""
        rows = self._grouped("conversion", granularity, start, end, (), {"count": {"$sum": 1}})
        for period, _origin, row in rows:
            yield period, row["count"]

    def nps_answers(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> Iterator[NpsAnswer]:
        """Every NPS answer given in the range."""
        projection = {"periods": 1, "subject": 1, "category": 1, "at": 1}
        for fact in self.facts.find(_counting("nps", start, end), projection):
            yield NpsAnswer(
                fact["periods"][granularity], fact["subject"], fact["at"], fact["category"]
            )

    def _grouped(
        self,
        kind: str,
        granularity: str,
        start: datetime | None,
        end: datetime | None,
        dimensions: tuple[str, ...],
        totals: dict[str, Any],
    ) -> Iterator[tuple[str, dict[str, str], dict[str, Any]]]:
        """(period, dimension values, ``totals``) of the counting facts of ``kind``, grouped."""
        keys = {"period": f"$periods.{granularity}", **{name: f"${name}" for name in dimensions}}
        pipeline = [
            {"$match": _counting(kind, start, end)},
            {"$group": {"_id": keys, **totals}},
        ]
        for row in self.facts.aggregate(pipeline):
            group = row.pop("_id")
            yield group["period"], {name: group.get(name) or "" for name in dimensions}, row


def _counting(kind: str, start: datetime | None, end: datetime | None) -> dict[str, Any]:
    """The facts of ``kind`` timed in ``[start, end)`` that count (not merged away)."""
    bounds = {op: value for op, value in (("$gte", start), ("$lt", end)) if value is not None}
    return {"kind": kind, "at": bounds or {"$ne": None}, "merged": {"$ne": True}}


class FakeKpiStorage(FakeUnitOfWork):
    """:class:`KpiStorage` in memory, for handler unit tests."""

    def __init__(self) -> None:
        super().__init__()
        self.facts: dict[str, dict[str, Any]] = {}

    def fact(self, fact_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.facts.get(fact_id))

    def record_once(
        self, fact_id: str, kind: str, subject: str, at: datetime, **details: Any
    ) -> None:
        fields = {"kind": kind, "subject": subject, "at": at, "periods": period_keys(at), **details}
        self.facts.setdefault(fact_id, {"_id": fact_id, **fields})

    def change_fact(self, fact_id: str, kind: str, subject: str, *changes: Change) -> None:
        fact = self.facts.setdefault(fact_id, {"_id": fact_id, "kind": kind, "subject": subject})
        for change in changes:
            if change.wins_over(fact.get(change.field)):
                fact.update(copy.deepcopy(change.values))

    def merge_state(self, prospect_id: str) -> tuple[bool, str] | None:
        state = self.facts.get(f"merge:{prospect_id}", {})
        if not state.get("merge_stamp"):
            return None
        return bool(state.get("merged")), state["merge_stamp"]

    def apply_merge_change(
        self, prospect_id: str, merged: bool, stamp: str, kinds: Iterable[str] = PROSPECT_KINDS
    ) -> None:
        for fact_id in _fact_ids(prospect_id, kinds):
            fact = self.facts.get(fact_id)
            if fact is not None and (fact.get("merge_stamp") or "") < stamp:
                fact.update(merged=merged, merge_stamp=stamp)

    def capture_totals(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> Iterator[CaptureTotals]:
        groups: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
        for fact in self._counting("captured", start, end):
            origin = tuple(fact.get(name) or "" for name in CAPTURE_DIMENSIONS)
            groups.setdefault((fact["periods"][granularity], origin), []).append(fact)
        for (period, origin), facts in groups.items():
            yield CaptureTotals(
                period,
                dict(zip(CAPTURE_DIMENSIONS, origin, strict=True)),
                len(facts),
                sum(fact.get("completeness") or 0.0 for fact in facts),
                sum(1 for fact in facts if fact.get("converted")),
            )

    def first_contact_hours(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> Iterator[tuple[str, list[float]]]:
        hours: dict[str, list[float]] = {}
        for fact in self._counting("first_contact", start, end):
            hours.setdefault(fact["periods"][granularity], []).append(fact["hours"])
        yield from hours.items()

    def conversion_counts(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> Iterator[tuple[str, int]]:
        counts: dict[str, int] = {}
        for fact in self._counting("conversion", start, end):
            period = fact["periods"][granularity]
            counts[period] = counts.get(period, 0) + 1
        yield from counts.items()

    def nps_answers(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> Iterator[NpsAnswer]:
        for fact in self._counting("nps", start, end):
            yield NpsAnswer(
                fact["periods"][granularity], fact["subject"], fact["at"], fact["category"]
            )

    def _counting(
        self, kind: str, start: datetime | None, end: datetime | None
    ) -> Iterator[dict[str, Any]]:
        for fact in self.facts.values():
            at = fact.get("at")
            if fact["kind"] != kind or at is None or fact.get("merged"):
                continue
            if (start is None or at >= start) and (end is None or at < end):
                yield fact
