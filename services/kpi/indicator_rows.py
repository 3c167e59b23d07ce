"""The indicators of each whole period kept in the kpi database, marked stale by the fact
writes that can change them (see :class:`~clientela.services.kpi.documents.IndicatorRow`),
and the in-memory twin, which computes every period from its facts.

A row keeps its figures in parts, each under a token of its own (:data:`PART_KINDS`):
its figures of prospects (I1 to I4), of contracts, purchases and points, of surveys, of
complaints, its figures about customers, and its customer counts. A fact marks, in the
periods of its time (``at``), the parts it counts in, whatever it says about later
moments (a capture's cohort conversion, a complaint's resolution, a contract's delivery);
a fact whose time moves (a merge moving a capture, a contract due on another day) marks
the periods of its time before and after, and a merge change those of the prospect's
facts. So an answer recorded in March leaves March's captures, purchases and complaints
as they were counted: a read counts again March's answers alone.

The figures about customers (new and lost customers, churn, retention, customers at risk,
I5, I6) also depend on what came before the period: a customer, a loss mark, a record
update or a churn alarm (``HISTORY_KINDS``) marks them in every period ending after its
time too. They are worked out again from the customer counts kept per period (see
:mod:`~clientela.services.kpi.customer_count_rows`), the record updates in the period
and its recent window, and the period's satisfaction answers, never from the customers
before it one by one.

A write marks the rows it can change before writing and again once written (with the
time the fact holds then, read again), each time with a new token, also when nothing
changed (a redelivered event). A read takes a row stale when its token differs from the
one its figures were computed under, and stores the figures it computed only while the
token is still the one it read (compare-and-set): a write landing during the computation
leaves the row stale. A worker stopping between a write and its second mark leaves the
first mark; its event, not acknowledged, is handled again and marks the fact's periods
again, those it was moved from included (``moved_from``, kept on the fact by the write
that moves it): a row computed between the first mark and the write, in a period the
fact then left, is marked too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, NamedTuple, cast
from uuid import uuid4

from pymongo import ReturnDocument, UpdateMany, UpdateOne
from pymongo.collection import Collection

from clientela.periods import Period, parse_period, period_key, period_keys
from clientela.services.kpi.customer_indicators import POINTS_KINDS
from clientela.services.kpi.documents import FACT_KINDS
from clientela.services.kpi.feedback_indicators import SERVQUAL, SURVEY_SCALES
from clientela.storage import UnitOfWork
from clientela.vocabulary import KPI_GRANULARITIES

HISTORY_KINDS = ("customer", "lost", "update", "alarm")
"""The facts that count in the customer figures of every period ending after their time."""

PART_KINDS = {
    "prospects": ("captured", "first_contact", "conversion", "merge"),
    "activity": ("contract", "purchase", *POINTS_KINDS),
    "surveys": ("nps", *SURVEY_SCALES, SERVQUAL),
    "complaints": ("complaint",),
    "customers": (*HISTORY_KINDS, "nps", "csat"),
    "counts": ("customer", "lost", "alarm"),
}
"""The parts of a row, each kept under a token of its own, and the facts that count in the
period's part: its figures of prospects, of contracts, purchases and points, of surveys,
of complaints, about customers (I6 looks at who answered), and its customer counts."""
REPORTED_PARTS = tuple(part for part in PART_KINDS if part != "counts")
"""The parts of a row that make its reported figures (in report order)."""

_EARLIEST = datetime.min.replace(tzinfo=UTC)

CUT = "cut"
"""The ``granularity`` of the rows of parts of periods a range cuts, which the rows of
whole periods are never listed with."""

BACKFILLED = "backfilled:parts"
"""The ``_id`` of the marker saying every fact stored so far has marked its rows (rows
stored before they were kept in parts are marked again)."""


class RowPart(NamedTuple):
    """One part of a stored row: its ``figures`` (None when its facts count for nothing)
    are ``fresh`` when computed under its current ``version``."""

    version: str | None
    figures: Any
    fresh: bool


class StoredRow(NamedTuple):
    """A period's row as stored (``row_id``), by part (see :data:`PART_KINDS`): a whole
    period's, or the part of one a range cuts (:meth:`IndicatorRows.cut_row`)."""

    row_id: str
    period: str
    start: datetime
    end: datetime
    parts: dict[str, RowPart]


class Marks(NamedTuple):
    """The rows a set of fact writes can change: the parts of each row named in
    ``parts`` (by ``_id``) and, when ``since`` is set, the part about customers of every
    row ending after ``since``."""

    parts: dict[str, set[str]]
    since: datetime | None


def marks_of(timed: Iterable[tuple[str, datetime | None]]) -> Marks:
    """The rows facts of these (kind, time) can change (a fact without a time, none)."""
    parts: dict[str, set[str]] = {}
    since: datetime | None = None
    for kind, at in timed:
        if at is None:
            continue
        counted_in = {part for part, kinds in PART_KINDS.items() if kind in kinds}
        for by, key in period_keys(at).items():
            parts.setdefault(f"{by}:{key}", set()).update(counted_in)
        if kind in HISTORY_KINDS:
            since = at if since is None else min(since, at)
    return Marks(parts, since)


TIMES = {"kind": 1, "at": 1, "closed_at": 1, "moved_from": 1}
"""The fields of a fact :func:`times_of` reads."""


def times_of(fact: dict[str, Any]) -> list[tuple[str, datetime | None]]:
    """(kind, time) of each time a stored fact counts at, or counted at: its ``at``, an
    alarm's close, and the times it was moved from."""
    timed = [(fact["kind"], fact.get("at"))]
    if fact["kind"] == "alarm":
        timed.append(("alarm", fact.get("closed_at")))
    timed.extend((fact["kind"], moved) for moved in fact.get("moved_from") or ())
    return timed


def _stored(doc: dict[str, Any]) -> StoredRow:
    """A stored row as read."""
    parts = {name: _part(doc, name) for name in REPORTED_PARTS}
    return StoredRow(doc["_id"], doc["period"], doc["start"], doc["end"], parts)


def _part(doc: dict[str, Any], name: str) -> RowPart:
    """The part ``name`` of a stored row; never marked, no fact of the period counts in it
    (every fact stored before parts were kept marked them again, see ``BACKFILLED``)."""
    version = doc.get(f"{name}_version")
    figures = doc.get(f"{name}_row")
    fresh = version is None or doc.get(f"{name}_computed") == version
    return RowPart(version, json.loads(figures) if figures else None, fresh)


def _finest_first(row_id: str) -> tuple[int, str]:
    """Order rows day, week, month, quarter, year: a coarser period's customer counts are
    summed from finer rows, so a read that finds a coarser row marked must find its finer
    rows marked already (or it would sum counts the write has made old and keep them)."""
    granularity, key = row_id.split(":", 1)
    return KPI_GRANULARITIES.index(granularity), key


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
        change: one ordered bulk write of an upsert by ``_id`` per period, marking the
        parts its facts count in (finer periods first, see :func:`_finest_first`), one
        update of the rows of the cut periods they fall in and, for customer facts, one
        of the part about customers of the rows ending after the earliest (index ``end``).

        A row created here has its part about customers marked too, whatever the fact:
        that part depends on what came before the period, not on its own facts alone.
        """
        timed = list(timed)
        marks = marks_of(timed)
        if not marks.parts:
            return
        token = uuid4().hex
        requests: list[UpdateOne | UpdateMany] = []
        for row_id in sorted(marks.parts, key=_finest_first):
            parts = marks.parts[row_id]
            created = _bounds(row_id) | (
                {} if "customers" in parts else {"customers_version": token}
            )
            update = {"$set": {f"{part}_version": token for part in parts}, "$setOnInsert": created}
            requests.append(UpdateOne({"_id": row_id}, update, upsert=True))
        times = [at for _kind, at in timed if at is not None]
        parts = set().union(*marks.parts.values()) & set(REPORTED_PARTS)
        marked = {f"{part}_version": token for part in parts}
        cuts = {"granularity": CUT, "start": {"$lte": max(times)}, "end": {"$gt": min(times)}}
        requests.append(UpdateMany(cuts, {"$set": marked}))
        if marks.since is not None:
            customers = {"$set": {"customers_version": token}}
            requests.append(UpdateMany({"end": {"$gt": marks.since}}, customers))
        self.rows.bulk_write(requests, ordered=True)

    def indicator_rows(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> list[StoredRow]:
        """The stored rows of the ``granularity`` periods lying wholly in ``[start, end)``
        that hold a fact, by start (index ``granularity_1_start_1``)."""
        self._backfill()
        since = start or _EARLIEST  # with $ne, SecantusDB scans the collection
        bounds: dict[str, Any] = {"$gte": since, **({"$lt": end} if end else {})}
        query = {"granularity": granularity, "start": bounds}
        found = [_stored(doc) for doc in self.rows.find(query) if end is None or doc["end"] <= end]
        return sorted(found, key=lambda row: row.start)

    def cut_row(self, granularity: str, start: datetime, end: datetime) -> StoredRow:
        """The row of the part ``[start, end)`` of one ``granularity`` period, created
        stale when missing (by ``_id``). Marked as the rows of whole periods are, by every
        fact timed in it, it is kept until a rebuild drops the rows."""
        self._backfill()
        row_id = f"cut:{granularity}:{start.isoformat()}:{end.isoformat()}"
        token = uuid4().hex
        bounds = {"granularity": CUT, "period": period_key(start, granularity)}
        created = {**bounds, "start": start, "end": end}
        created |= {f"{part}_version": token for part in REPORTED_PARTS}
        doc = self.rows.find_one_and_update(
            {"_id": row_id},
            {"$setOnInsert": created},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return _stored(cast(dict[str, Any], doc))  # upserted: never None

    def store_indicator_row(
        self, row_id: str, part: str, version: str | None, figures: Any
    ) -> None:
        """Keep ``figures`` as the part ``part`` of the row ``row_id`` computed under
        ``version``, unless a write has marked that part since (then it stays stale)."""
        self.rows.update_one(
            {"_id": row_id, f"{part}_version": version},
            {"$set": {f"{part}_row": json.dumps(figures), f"{part}_computed": version}},
        )

    def _backfill(self) -> None:
        """Once per collection of rows: have every fact stored before there were rows
        (or before a rebuild was swapped in) mark its rows, in one read of the facts."""
        if self.rows.find_one({"_id": BACKFILLED}) is not None:
            return
        facts = self.database[self.facts_collection]
        for kind in FACT_KINDS:  # by kind, as index kind_1_at_1 finds them
            found = facts.find({"kind": kind, "at": {"$ne": None}}, TIMES)
            self.mark_stale(timed for fact in found for timed in times_of(fact))
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
        stale = dict.fromkeys(REPORTED_PARTS, RowPart(None, None, False))
        return [
            StoredRow("", str(period.key), period.start, period.end, stale)
            for period in periods
            if lies_within(period, start, end)
        ]

    def cut_row(self, granularity: str, start: datetime, end: datetime) -> StoredRow:
        stale = dict.fromkeys(REPORTED_PARTS, RowPart(None, None, False))
        return StoredRow("", period_key(start, granularity), start, end, stale)

    def store_indicator_row(
        self, row_id: str, part: str, version: str | None, figures: Any
    ) -> None:
        """Nothing is kept: the next read computes the period again."""
