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

from pymongo import InsertOne, UpdateMany, UpdateOne
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from clientela.periods import parse_period, period_key, period_keys
from clientela.services.kpi.customer_count_rows import (
    CustomerCountRows,
    FakeCustomerCountRows,
)
from clientela.services.kpi.documents import PROSPECT_KINDS
from clientela.services.kpi.domain import (
    CAPTURE_DIMENSIONS,
    Change,
    merge_change,
    winning,
)
from clientela.services.kpi.fact_batch import FactChanges, FactWrites
from clientela.services.kpi.feedback_indicators import (
    SERVQUAL,
    ComplaintFact,
    ScoredAnswer,
    ServqualAnswer,
)
from clientela.services.kpi.indicator_rows import TIMES, times_of
from clientela.services.kpi.rebuild_storage import FactRebuild, FakeFactRebuild, also_rebuilt
from clientela.services.kpi.target_storage import FakeTargetStorage, TargetStorage

ATTEMPTS = 10
PAIRED_KINDS = ("customer", "lost")
"""A customer's creation and loss: its loss counts at the later of the two."""
"""How often a conditional write is redone when another writer got there in between."""
DUPLICATE_KEY = 11000


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


class PurchaseTotals(NamedTuple):
    """The purchases of one period in one currency."""

    period: str
    currency: str
    amounts: list[str]


class TimedFact(NamedTuple):
    """A customer fact: whose (``subject``), when (``at``), and when it ended (alarms)."""

    subject: str
    at: datetime
    closed_at: datetime | None = None


def _fact_ids(prospect_id: str, kinds: Iterable[str]) -> list[str]:
    return [f"{kind}:{prospect_id}" for kind in kinds]


def _merge_state(merge: dict[str, Any] | None) -> tuple[bool, str] | None:
    """(merged, stamp) of the merge change a prospect's ``merge`` fact holds, None for none."""
    if merge is None or not merge.get("merge_stamp"):
        return None
    return bool(merge.get("merged")), merge["merge_stamp"]


def _merge_changes(merge: dict[str, Any] | None) -> list[Change]:
    """The merge change a prospect's ``merge`` fact holds, if any."""
    state = _merge_state(merge)
    return [] if state is None else [merge_change(*state)]


def _created(fact_id: str, kind: str, subject: str, changes: Iterable[Change]) -> dict[str, Any]:
    """A new fact with ``changes`` applied in turn."""
    fact: dict[str, Any] = {"_id": fact_id, "kind": kind, "subject": subject}
    for change in winning(changes, {}):
        fact.update(copy.deepcopy(change.values))
    return fact


class KpiStorage(TargetStorage, FactRebuild, CustomerCountRows):
    """Facts in the kpi database, each written by ``_id``; targets, references and alerts;
    facts rebuilt aside; the indicators of each period, marked stale by the fact writes."""

    @property
    def facts(self) -> Collection:
        """The facts collection (``facts``, or ``facts_rebuilt`` while rebuilding)."""
        return self.database[self.facts_collection]

    def fact(self, fact_id: str) -> dict[str, Any] | None:
        """The fact ``fact_id`` as stored, None when there is none."""
        return self.facts.find_one({"_id": fact_id})

    @also_rebuilt
    def record_once(
        self, fact_id: str, kind: str, subject: str, at: datetime, **details: Any
    ) -> None:
        """Record the fact ``fact_id``, timed ``at``, once however often it is recorded."""
        fields = {"kind": kind, "subject": subject, "at": at, "periods": period_keys(at), **details}
        self.facts.update_one({"_id": fact_id}, {"$setOnInsert": fields}, upsert=True)
        self.mark_stale([(kind, at)])
        self._mark_paired_losses([(kind, subject)])

    @also_rebuilt
    def change_fact(self, fact_id: str, kind: str, subject: str, *changes: Change) -> None:
        """Create the fact if need be, and apply each change that wins over it.

        The fact is read, and the changes that win over what it holds are
        written in one update conditioned on the fact still holding what was
        read (one insert when there was no fact); should another writer get
        there in between, it is read again. Two statements found by ``_id``,
        the read alone for a redelivered event: every statement costs the
        server about a millisecond, whatever it changes. The indicator rows of
        the periods of the fact's time, before and after, are marked stale
        before the write and once it is made (see :mod:`.indicator_rows`).
        """
        self._change(fact_id, kind, subject, changes)
        self._mark_paired_losses([(kind, subject)])

    @also_rebuilt
    def change_prospect_fact(self, kind: str, prospect_id: str, *changes: Change) -> None:
        """:meth:`change_fact` on the prospect's fact of ``kind``, which also takes the
        prospect's latest merge change.

        The ``merge`` fact is read with the fact. A fact this call creates
        reads it again once created: a merge change recorded in between did
        not find the fact among the prospect's facts, so it is copied here.
        """
        fact_id = f"{kind}:{prospect_id}"
        if self._change(fact_id, kind, prospect_id, changes, f"merge:{prospect_id}"):
            state = self.merge_state(prospect_id)
            if state:
                self.apply_merge_change(prospect_id, *state, kinds=(kind,))

    def _change(
        self,
        fact_id: str,
        kind: str,
        subject: str,
        changes: Iterable[Change],
        merge_id: str | None = None,
    ) -> bool:
        """Apply ``changes`` (and the merge change of fact ``merge_id``, if any) to the
        fact; whether this created it."""
        ids = [fact_id] if merge_id is None else [fact_id, merge_id]
        for _ in range(ATTEMPTS):
            found = {fact["_id"]: fact for fact in self.facts.find({"_id": {"$in": ids}})}
            merge = found.get(merge_id) if merge_id else None
            wanted = [*changes, *_merge_changes(merge)]
            fact = found.get(fact_id)
            if fact is None:
                new = _created(fact_id, kind, subject, wanted)
                self.mark_stale(times_of(new))
                try:
                    self.facts.insert_one(new)
                except DuplicateKeyError:
                    continue  # another writer created it: apply the changes over it
                self.mark_stale(times_of(new))
                return True
            changed = winning(wanted, fact)
            held = {change.field: fact.get(change.field) for change in changed}
            values = {name: value for change in changed for name, value in change.values.items()}
            timed = _timed_before_and_after(fact, values)
            self.mark_stale(timed)
            if not changed:
                return False
            update = _moving_update(fact, values)
            if self.facts.update_one({"_id": fact_id, **held}, update).matched_count:
                self.mark_stale([*timed, *self._timed_now([fact_id])])
                return False
        raise RuntimeError(f"fact {fact_id}: it keeps changing; the event will be retried")

    @also_rebuilt
    def write_facts(self, writes: FactWrites) -> None:
        """Apply a batch's fact writes as :meth:`record_once`, :meth:`change_fact` and
        :meth:`change_prospect_fact` would one by one, in a few statements for the batch.

        The facts recorded once are inserted in one unordered bulk write (one
        already stored stays as it is). The changed facts, and the ``merge``
        facts of the prospects among them, are read in one ``_id $in`` query
        and their winning changes sent in one unordered bulk write: an insert
        per new fact, an update conditioned on what was read per stored one.
        Should another writer get there in between (a duplicate insert, an
        update that matched nothing), the batch's changes are read and applied
        again; those already applied then change nothing. A prospect fact this
        created takes a merge change recorded meanwhile, as in
        :meth:`change_prospect_fact`. The indicator rows the batch can change
        are marked stale as :meth:`change_fact` marks them, in one bulk write
        before and one after each write.
        """
        if writes.recorded:
            self._write_unordered([InsertOne(fact) for fact in writes.recorded.values()])
            self.mark_stale((fact["kind"], fact["at"]) for fact in writes.recorded.values())
        remaining = writes.changed
        for _ in range(ATTEMPTS):
            created, remaining = self._change_in_bulk(remaining)
            self._copy_merge_changes([writes.changed[fact_id] for fact_id in created])
            if not remaining:
                break
        else:
            raise RuntimeError(f"{len(remaining)} facts keep changing; the events will be retried")
        paired = [(fact["kind"], fact["subject"]) for fact in writes.recorded.values()]
        paired += [(changes.kind, changes.subject) for changes in writes.changed.values()]
        self._mark_paired_losses(paired)

    def _change_in_bulk(
        self, wanted: dict[str, FactChanges]
    ) -> tuple[list[str], dict[str, FactChanges]]:
        """Apply ``wanted`` over the facts as read now; (ids created, what to do again)."""
        merge_ids = {changes.merge_id for changes in wanted.values() if changes.merge_id}
        ids = [*wanted, *merge_ids]
        found = {fact["_id"]: fact for fact in self.facts.find({"_id": {"$in": ids}})}
        inserts: list[str] = []
        updates: list[str] = []
        requests: list[InsertOne | UpdateOne] = []
        timed: list[tuple[str, datetime | None]] = []
        for fact_id, fact_changes in wanted.items():
            merge = found.get(fact_changes.merge_id) if fact_changes.merge_id else None
            changes = [*fact_changes.changes.values(), *_merge_changes(merge)]
            fact = found.get(fact_id)
            if fact is None:
                inserts.append(fact_id)
                kind, subject = fact_changes.kind, fact_changes.subject
                new = _created(fact_id, kind, subject, changes)
                timed.extend(times_of(new))
                requests.append(InsertOne(new))
                continue
            changed = winning(changes, fact)
            values = {name: value for change in changed for name, value in change.values.items()}
            timed.extend(_timed_before_and_after(fact, values))
            if changed:
                updates.append(fact_id)
                held = {change.field: fact.get(change.field) for change in changed}
                requests.append(UpdateOne({"_id": fact_id, **held}, _moving_update(fact, values)))
        self.mark_stale(timed)
        if not requests:
            return [], {}
        duplicates, matched = self._write_unordered(requests)
        self.mark_stale([*timed, *self._timed_now(updates)])
        again = {inserts[index] for index in duplicates}
        if matched < len(updates):
            again.update(updates)  # which one missed is not told: all are read again
        created = [fact_id for fact_id in inserts if fact_id not in again]
        return created, {fact_id: wanted[fact_id] for fact_id in again}

    def _write_unordered(self, requests: list[Any]) -> tuple[list[int], int]:
        """Send ``requests`` in one unordered bulk write; (positions of the inserts refused
        as duplicates, updates matched). Any other error is raised."""
        try:
            result = self.facts.bulk_write(requests, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(error["code"] != DUPLICATE_KEY for error in errors):
                raise
            return [error["index"] for error in errors], exc.details.get("nMatched", 0)
        return [], result.matched_count

    def _copy_merge_changes(self, created: list[FactChanges]) -> None:
        """Give prospect facts just created the merge change recorded while they were not."""
        merge_ids = [changes.merge_id for changes in created if changes.merge_id]
        if not merge_ids:
            return
        projection = {"merged": 1, "merge_stamp": 1}
        for merge in self.facts.find({"_id": {"$in": merge_ids}}, projection):
            state = _merge_state(merge)
            if state:
                prospect_id = merge["_id"].removeprefix("merge:")
                kinds = [c.kind for c in created if c.merge_id == merge["_id"]]
                self.apply_merge_change(prospect_id, *state, kinds=kinds)

    def _timed_now(self, fact_ids: list[str]) -> list[tuple[str, datetime | None]]:
        """(kind, time) of the facts ``fact_ids`` as stored now: read again once written,
        so that the rows of a time another writer gave a fact meanwhile are marked too."""
        if not fact_ids:
            return []
        found = self.facts.find({"_id": {"$in": fact_ids}}, TIMES)
        return [timed for fact in found for timed in times_of(fact)]

    def _mark_paired_losses(self, written: Iterable[tuple[str, str]]) -> None:
        """Mark again the periods of the creation and the loss of the customers of these
        (kind, subject) customer and loss facts: a loss counts once both are known, at the
        later of the two, so writing either can move a count into the other's period."""
        customers = {subject for kind, subject in written if kind in PAIRED_KINDS}
        ids = [f"{kind}:{customer}" for customer in sorted(customers) for kind in PAIRED_KINDS]
        self.mark_stale(self._timed_now(ids))

    def merge_state(self, prospect_id: str) -> tuple[bool, str] | None:
        """(merged, stamp) of the prospect's latest merge change, None before any."""
        projection = {"merged": 1, "merge_stamp": 1}
        return _merge_state(self.facts.find_one({"_id": f"merge:{prospect_id}"}, projection))

    @also_rebuilt
    def apply_merge_change(
        self, prospect_id: str, merged: bool, stamp: str, kinds: Iterable[str] = PROSPECT_KINDS
    ) -> None:
        """Record a merge change on the prospect's facts of ``kinds`` that hold an older one.

        The facts are found by ``_id`` (``$in``, a point lookup each; by
        ``subject`` and ``kind $in`` SecantusDB scanned the collection). As in
        :meth:`change_fact`, the older and the unset case are two updates rather
        than one ``$or``, sent as one batch; it is repeated until it finds no
        fact, so a fact that another writer gave an older change in between
        still ends with this one. The indicator rows of the periods of those
        facts are marked stale before and after.
        """
        facts = {"_id": {"$in": _fact_ids(prospect_id, kinds)}}
        timed = self._timed_now(_fact_ids(prospect_id, kinds))
        self.mark_stale(timed)
        update = {"$set": merge_change(merged, stamp).values}
        batch = [
            UpdateMany({**facts, "merge_stamp": {"$lt": stamp}}, update),
            UpdateMany({**facts, "merge_stamp": None}, update),
        ]
        for _ in range(ATTEMPTS):
            if not self.facts.bulk_write(batch).matched_count:
                self.mark_stale([*timed, *self._timed_now(_fact_ids(prospect_id, kinds))])
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
        for fact in self.facts.find(_timed("nps", start, end), projection):  # never merged
            yield NpsAnswer(
                fact_period(fact, granularity), fact["subject"], fact["at"], fact["category"]
            )

    def fact_totals(
        self,
        kind: str,
        granularity: str,
        start: datetime | None,
        end: datetime | None,
        summed: tuple[str, ...] = (),
    ) -> Iterator[tuple[str, dict[str, int]]]:
        """(period, ``count`` and the sum of each ``summed`` field) of the facts of ``kind``
        timed in the range."""
        totals = {"count": {"$sum": 1}, **{name: {"$sum": f"${name}"} for name in summed}}
        for period, _origin, row in self._grouped(kind, granularity, start, end, (), totals):
            yield period, row

    def purchase_totals(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> Iterator[PurchaseTotals]:
        """The amounts of the purchases made in the range, per period and currency."""
        totals = {"amounts": {"$push": "$amount"}}
        rows = self._grouped("purchase", granularity, start, end, ("currency",), totals)
        for period, origin, row in rows:
            yield PurchaseTotals(period, origin["currency"], row["amounts"])

    def timed_facts(
        self, kind: str, start: datetime | None, end: datetime | None
    ) -> Iterator[TimedFact]:
        """Every customer fact of ``kind`` timed in the range."""
        projection = {"subject": 1, "at": 1, "closed_at": 1}
        for fact in self.facts.find(_timed(kind, start, end), projection):
            yield TimedFact(fact["subject"], fact["at"], fact.get("closed_at"))

    def scored_answers(
        self, kind: str, granularity: str, start: datetime | None, end: datetime | None
    ) -> Iterator[ScoredAnswer]:
        """Every answer to a question of ``kind`` (csat, ces) given in the range."""
        projection = {"periods": 1, "subject": 1, "at": 1, "score": 1}
        for fact in self.facts.find(_timed(kind, start, end), projection):
            yield _scored(fact, granularity)

    def servqual_answers(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> Iterator[ServqualAnswer]:
        """Every SERVQUAL answer given in the range."""
        projection = {"periods": 1, "at": 1, "ratings": 1, "importance": 1}
        for fact in self.facts.find(_timed(SERVQUAL, start, end), projection):
            yield _servqual(fact, granularity)

    def complaints(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> Iterator[ComplaintFact]:
        """Every complaint opened in the range."""
        projection = {"periods": 1, "at": 1, "responded_at": 1, "resolved_at": 1, "breached": 1}
        for fact in self.facts.find(_timed("complaint", start, end), projection):
            yield _complaint(fact, granularity)

    def _grouped(
        self,
        kind: str,
        granularity: str,
        start: datetime | None,
        end: datetime | None,
        dimensions: tuple[str, ...],
        totals: dict[str, Any],
    ) -> Iterator[tuple[str, dict[str, str], dict[str, Any]]]:
        """(period, dimension values, ``totals``) of the counting facts of ``kind``, grouped.

        A fact stored before ``granularity`` existed (no week key) is grouped by its
        day, whose week is worked out here and its totals added (``$sum`` figures
        add, ``$push`` lists join): a day lies in one period of each granularity.
        """
        stored = f"$periods.{granularity}"
        keys = {
            "period": stored,
            "day": {"$cond": [stored, None, "$periods.day"]},
            **{name: f"${name}" for name in dimensions},
        }
        pipeline = [
            {"$match": _timed(kind, start, end)},
            {"$match": {"merged": {"$ne": True}}},
            {"$group": {"_id": keys, **totals}},
        ]
        folded: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}
        for row in self.facts.aggregate(pipeline):
            group = row.pop("_id")
            period = group.get("period") or _period_of_day(group["day"], granularity)
            key = (period, tuple(group.get(name) or "" for name in dimensions))
            held = folded.get(key)
            folded[key] = row if held is None else {name: held[name] + row[name] for name in row}
        for (period, origin), row in folded.items():
            yield period, dict(zip(dimensions, origin, strict=True)), row


def _period_of_day(day: str, granularity: str) -> str:
    """The key of the ``granularity`` period the day ``day`` (``2026-11-30``) lies in."""
    return period_key(parse_period(day).start, granularity)


def fact_period(fact: dict[str, Any], granularity: str) -> str:
    """The key of the ``granularity`` period of a timed fact: the one stored with it, or
    worked out from its time for a fact stored before that granularity existed (week)."""
    return fact["periods"].get(granularity) or period_key(fact["at"], granularity)


def _scored(fact: dict[str, Any], granularity: str) -> ScoredAnswer:
    """A scored answer's fact as the indicators count it."""
    return ScoredAnswer(fact_period(fact, granularity), fact["subject"], fact["at"], fact["score"])


def _servqual(fact: dict[str, Any], granularity: str) -> ServqualAnswer:
    """A SERVQUAL answer's fact as the indicators count it."""
    return ServqualAnswer(fact_period(fact, granularity), fact["ratings"], fact["importance"])


def _complaint(fact: dict[str, Any], granularity: str) -> ComplaintFact:
    """A complaint fact as the indicators count it."""
    return ComplaintFact(
        fact_period(fact, granularity),
        fact["at"],
        fact.get("responded_at"),
        fact.get("resolved_at"),
        bool(fact.get("breached")),
    )


def _moving_update(fact: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The update setting ``values`` on a stored fact; one that moves a time it counts at
    (its ``at``, an alarm's close) keeps the time it leaves (``moved_from``), so that every
    later write of the fact, a redelivered event's included, marks the periods it left
    again (see :mod:`.indicator_rows`)."""
    update: dict[str, Any] = {"$set": values}
    before = {at for _kind, at in times_of(fact) if at is not None}
    left = before - {at for _kind, at in times_of({**fact, **values})}
    if left:
        update["$addToSet"] = {"moved_from": {"$each": sorted(left)}}
    return update


def _timed_before_and_after(
    fact: dict[str, Any], values: dict[str, Any]
) -> list[tuple[str, datetime | None]]:
    """(kind, time) of a stored fact's times before and after ``values`` are set on it."""
    return [*times_of(fact), *times_of({**fact, **values})]


def _timed(kind: str, start: datetime | None, end: datetime | None) -> dict[str, Any]:
    """The facts of ``kind`` timed in ``[start, end)``, as index ``kind_1_at_1`` finds them.

    Whether they are merged away is left to a later stage: with ``merged`` in
    the same filter, SecantusDB reads every fact of the kind, whatever the range.
    """
    bounds = {op: value for op, value in (("$gte", start), ("$lt", end)) if value is not None}
    return {"kind": kind, "at": bounds or {"$ne": None}}


class FakeKpiStorage(FakeTargetStorage, FakeFactRebuild, FakeCustomerCountRows):
    """:class:`KpiStorage` in memory, for handler unit tests."""

    def __init__(self) -> None:
        super().__init__()
        self.facts: dict[str, dict[str, Any]] = {}

    def fact(self, fact_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.facts.get(fact_id))

    @also_rebuilt
    def record_once(
        self, fact_id: str, kind: str, subject: str, at: datetime, **details: Any
    ) -> None:
        fields = {"kind": kind, "subject": subject, "at": at, "periods": period_keys(at), **details}
        self.facts.setdefault(fact_id, {"_id": fact_id, **fields})

    @also_rebuilt
    def change_fact(self, fact_id: str, kind: str, subject: str, *changes: Change) -> None:
        fact = self.facts.setdefault(fact_id, _created(fact_id, kind, subject, ()))
        for change in winning(changes, fact):
            fact.update(copy.deepcopy(change.values))

    @also_rebuilt
    def change_prospect_fact(self, kind: str, prospect_id: str, *changes: Change) -> None:
        merge = _merge_changes(self.facts.get(f"merge:{prospect_id}"))
        self.change_fact(f"{kind}:{prospect_id}", kind, prospect_id, *changes, *merge)

    @also_rebuilt
    def write_facts(self, writes: FactWrites) -> None:
        for fact_id, fields in writes.recorded.items():
            self.facts.setdefault(fact_id, copy.deepcopy(fields))
        for fact_id, fact_changes in writes.changed.items():
            merge = self.facts.get(fact_changes.merge_id) if fact_changes.merge_id else None
            changes = [*fact_changes.changes.values(), *_merge_changes(merge)]
            self.change_fact(fact_id, fact_changes.kind, fact_changes.subject, *changes)

    def merge_state(self, prospect_id: str) -> tuple[bool, str] | None:
        return _merge_state(self.facts.get(f"merge:{prospect_id}"))

    @also_rebuilt
    def apply_merge_change(
        self, prospect_id: str, merged: bool, stamp: str, kinds: Iterable[str] = PROSPECT_KINDS
    ) -> None:
        change = merge_change(merged, stamp)
        for fact_id in _fact_ids(prospect_id, kinds):
            fact = self.facts.get(fact_id)
            if fact is not None and change.wins_over(fact.get(change.field)):
                fact.update(change.values)

    def capture_totals(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> Iterator[CaptureTotals]:
        groups: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
        for fact in self._counting("captured", start, end):
            origin = tuple(fact.get(name) or "" for name in CAPTURE_DIMENSIONS)
            groups.setdefault((fact_period(fact, granularity), origin), []).append(fact)
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
            hours.setdefault(fact_period(fact, granularity), []).append(fact["hours"])
        yield from hours.items()

    def conversion_counts(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> Iterator[tuple[str, int]]:
        counts: dict[str, int] = {}
        for fact in self._counting("conversion", start, end):
            period = fact_period(fact, granularity)
            counts[period] = counts.get(period, 0) + 1
        yield from counts.items()

    def nps_answers(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> Iterator[NpsAnswer]:
        for fact in self._counting("nps", start, end):
            yield NpsAnswer(
                fact_period(fact, granularity), fact["subject"], fact["at"], fact["category"]
            )

    def fact_totals(
        self,
        kind: str,
        granularity: str,
        start: datetime | None,
        end: datetime | None,
        summed: tuple[str, ...] = (),
    ) -> Iterator[tuple[str, dict[str, int]]]:
        totals: dict[str, dict[str, int]] = {}
        for fact in self._counting(kind, start, end):
            row = totals.setdefault(
                fact_period(fact, granularity), {"count": 0, **dict.fromkeys(summed, 0)}
            )
            row["count"] += 1
            for name in summed:
                row[name] += fact.get(name) or 0
        yield from totals.items()

    def purchase_totals(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> Iterator[PurchaseTotals]:
        amounts: dict[tuple[str, str], list[str]] = {}
        for fact in self._counting("purchase", start, end):
            key = (fact_period(fact, granularity), fact["currency"])
            amounts.setdefault(key, []).append(fact["amount"])
        for (period, currency), values in amounts.items():
            yield PurchaseTotals(period, currency, values)

    def timed_facts(
        self, kind: str, start: datetime | None, end: datetime | None
    ) -> Iterator[TimedFact]:
        for fact in self._counting(kind, start, end):
            yield TimedFact(fact["subject"], fact["at"], fact.get("closed_at"))

    def scored_answers(
        self, kind: str, granularity: str, start: datetime | None, end: datetime | None
    ) -> Iterator[ScoredAnswer]:
        for fact in self._counting(kind, start, end):
            yield _scored(fact, granularity)

    def servqual_answers(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> Iterator[ServqualAnswer]:
        for fact in self._counting(SERVQUAL, start, end):
            yield _servqual(fact, granularity)

    def complaints(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> Iterator[ComplaintFact]:
        for fact in self._counting("complaint", start, end):
            yield _complaint(fact, granularity)

    def _counting(
        self, kind: str, start: datetime | None, end: datetime | None
    ) -> Iterator[dict[str, Any]]:
        for fact in self.facts.values():
            at = fact.get("at")
            if fact["kind"] != kind or at is None or fact.get("merged"):
                continue
            if (start is None or at >= start) and (end is None or at < end):
                yield fact
