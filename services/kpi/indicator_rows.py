"""The indicators of each whole period kept in the kpi database, marked stale by the fact
writes that can change them (see :class:`~clientela.services.kpi.documents.IndicatorRow`),
and the in-memory twin, which computes every period from its facts.

Which rows a fact can change, indicator by indicator:

- a customer, a loss mark, a record update or a churn alarm (``HISTORY_KINDS``) counts in
  who is a customer at the start and the end of every later period (new and lost
  customers, churn, retention), who was updated in the 90 days before its end (I5), who is
  at risk at its end (an alarm's later close is written on the alarm, timed when raised)
  and who is a captive customer (I6): it marks every row ending after its time;
- any other fact counts only in the periods of its time (``at``), whatever it says about
  later moments: a capture's cohort conversion (``converted``), a first contact's hours, a
  complaint's response and resolution, a contract's delivery, the latest NPS or CSAT
  answer of a customer in a period. A fact whose time moves (a merge moving a capture, a
  contract due on another day, an earlier opening) marks the periods of its time before
  and after; a merge change marks those of the prospect's facts.

A write marks the rows it can change before writing and again once written (with the
time the fact holds then, read again), each time with a new token, also when nothing
changed (a redelivered event). A read takes a row stale when its token differs from the
one its figures were computed under, and stores the figures it computed only while the
token is still the one it read (compare-and-set): a write landing during the computation
leaves the row stale. A worker stopping between a write and its second mark leaves the
first mark, and its event, not acknowledged, is handled again and marks the fact's
periods again; only a row computed between the first mark and the write, in a period the
fact then left, would keep the old figure: a rebuild (which drops every row) repairs it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, NamedTuple
from uuid import uuid4

from pymongo import UpdateMany, UpdateOne
from pymongo.collection import Collection

from clientela.periods import Period, parse_period, period_key, period_keys
from clientela.services.kpi.documents import FACT_KINDS
from clientela.storage import UnitOfWork

HISTORY_KINDS = ("customer", "lost", "update", "alarm")
"""The facts that count in every period ending after their time."""

_EARLIEST = datetime.min.replace(tzinfo=UTC)

BACKFILLED = "backfilled"
"""The ``_id`` of the marker saying every fact stored so far has marked its rows."""


class StoredRow(NamedTuple):
    """A whole period's row as stored: its indicators (``row``, None when its facts count
    for nothing) are ``fresh`` when computed under its current ``version``."""

    period: str
    start: datetime
    end: datetime
    version: str
    row: dict[str, Any] | None
    fresh: bool


class Marks(NamedTuple):
    """The rows a set of fact writes can change: those of the periods named by
    ``row_ids`` and, when ``since`` is set, every row ending after ``since``."""

    row_ids: set[str]
    since: datetime | None


def marks_of(timed: Iterable[tuple[str, datetime | None]]) -> Marks:
    """The rows facts of these (kind, time) can change (a fact without a time, none)."""
    row_ids: set[str] = set()
    since: datetime | None = None
    for kind, at in timed:
        if at is None:
            continue
        row_ids.update(f"{by}:{key}" for by, key in period_keys(at).items())
        if kind in HISTORY_KINDS and (since is None or at < since):
            since = at
    return Marks(row_ids, since)


def _bounds(row_id: str) -> dict[str, Any]:
    """What a row named ``<granularity>:<period key>`` is about."""
    granularity, key = row_id.split(":", 1)
    period = parse_period(key)
    return {"granularity": granularity, "period": key, "start": period.start, "end": period.end}


def lies_within(period: Period, start: datetime | None, end: datetime | None) -> bool:
    """Whether ``period`` lies wholly in ``[start, end)``."""
    return (start is None or period.start >= start) and (end is None or period.end <= end)


class IndicatorRows(UnitOfWork):
    """Per-period indicator rows beside the facts: ``indicator_rows``, or
    ``indicator_rows_rebuilt`` for the facts being rebuilt."""

    facts_collection: str
    rows_collection: str

    @property
    def rows(self) -> Collection:
        """The collection of this unit of work's indicator rows."""
        return self.database[self.rows_collection]

    def mark_stale(self, timed: Iterable[tuple[str, datetime | None]]) -> None:
        """Mark stale (creating them when missing) the rows facts of these (kind, time) can
        change: one bulk write of an upsert by ``_id`` per period and, for customer facts,
        one update of the rows ending after the earliest (index ``end``)."""
        marks = marks_of(timed)
        if not marks.row_ids:
            return
        version = {"$set": {"version": uuid4().hex}}
        requests: list[UpdateOne | UpdateMany] = [
            UpdateOne({"_id": row_id}, {**version, "$setOnInsert": _bounds(row_id)}, upsert=True)
            for row_id in sorted(marks.row_ids)
        ]
        if marks.since is not None:
            requests.append(UpdateMany({"end": {"$gt": marks.since}}, version))
        self.rows.bulk_write(requests, ordered=False)

    def indicator_rows(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> list[StoredRow]:
        """The stored rows of the ``granularity`` periods lying wholly in ``[start, end)``
        that hold a fact, by start (index ``granularity_1_start_1``)."""
        self._backfill()
        since = start or _EARLIEST  # with $ne, SecantusDB scans the collection
        bounds: dict[str, Any] = {"$gte": since, **({"$lt": end} if end else {})}
        query = {"granularity": granularity, "start": bounds}
        found = [
            StoredRow(
                doc["period"],
                doc["start"],
                doc["end"],
                doc["version"],
                json.loads(doc["row"]) if doc.get("row") else None,
                doc.get("computed") == doc["version"],
            )
            for doc in self.rows.find(query)
            if end is None or doc["end"] <= end
        ]
        return sorted(found, key=lambda row: row.start)

    def store_indicator_row(
        self, granularity: str, period: str, version: str, row: dict[str, Any] | None
    ) -> None:
        """Keep ``row`` as the period's indicators computed under ``version``, unless a
        write has marked the row since (then it stays stale)."""
        self.rows.update_one(
            {"_id": f"{granularity}:{period}", "version": version},
            {"$set": {"row": json.dumps(row), "computed": version}},
        )

    def _backfill(self) -> None:
        """Once per collection of rows: have every fact stored before there were rows
        (or before a rebuild was swapped in) mark its rows, in one read of the facts."""
        if self.rows.find_one({"_id": BACKFILLED}) is not None:
            return
        facts = self.database[self.facts_collection]
        for kind in FACT_KINDS:  # by kind, as index kind_1_at_1 finds them
            timed = facts.find({"kind": kind, "at": {"$ne": None}}, {"at": 1})
            self.mark_stale((kind, fact["at"]) for fact in timed)
        now = datetime.now(UTC)
        self.rows.update_one({"_id": BACKFILLED}, {"$set": {"at": now}}, upsert=True)


class FakeIndicatorRows:
    """:class:`IndicatorRows` in memory: every period holding a fact is stale, so each read
    computes it from its facts, as the real storage does for a stale row."""

    facts: dict[str, dict[str, Any]]

    def indicator_rows(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> list[StoredRow]:
        keys = {period_key(f["at"], granularity) for f in self.facts.values() if f.get("at")}
        periods = sorted((parse_period(key) for key in keys), key=lambda period: period.start)
        return [
            StoredRow(str(period.key), period.start, period.end, "", None, False)
            for period in periods
            if lies_within(period, start, end)
        ]

    def store_indicator_row(
        self, granularity: str, period: str, version: str, row: dict[str, Any] | None
    ) -> None:
        """Nothing is kept: the next read computes the period again."""
