"""Customer counts kept per period on the indicator rows, and their in-memory twin.

Who is a customer at a moment (churn, retention, customers at risk) is the sum of what
happened before it: customers created and lost, churn alarms raised and ended
(:class:`~clientela.services.kpi.customer_indicators.CustomerCounts`). The row of each
period keeps the counts of what happened in it: a day's are computed from the facts of
that day, a week's and a month's from their days, a quarter's and a year's from their
months. A customer, loss or alarm fact marks them stale in the periods of its own times
alone (``counts_version``, see :mod:`~clientela.services.kpi.indicator_rows`), so a write
costs the rows of its day, week, month, quarter and year, whatever its date.

The counts before a moment are the sums of the years before its year, of the months
before its month in that year and of the days before its day in that month (a few dozen
rows, however many facts there are), and, for a moment within a day, of the facts of
that day before it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from pymongo.collection import Collection

from clientela.payloads import batches
from clientela.periods import Period, parse_period, period_key
from clientela.services.kpi.customer_indicators import (
    Alarm,
    CustomerCounts,
    CustomerRecord,
    count_by_period,
)
from clientela.services.kpi.indicator_rows import FakeIndicatorRows, IndicatorRows

_EARLIEST = datetime.min.replace(tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)

SUMMED_FROM = {"week": "day", "month": "day", "quarter": "month", "year": "month"}
"""The granularity whose rows' counts a row of each granularity (but day) sums."""

NOTHING = CustomerCounts()

ID_BATCH = 5_000
"""How many ``_id`` values one lookup of facts asks for at most."""


def _start_of(moment: datetime, granularity: str) -> datetime:
    """The start of the ``granularity`` period ``moment`` lies in."""
    return parse_period(period_key(moment, granularity)).start


def _total(counts: Iterable[CustomerCounts]) -> CustomerCounts:
    return sum(counts, NOTHING)


def _one_period(_moment: datetime) -> str:
    """Every moment in one period, for a total."""
    return ""


class CustomerCountRows(IndicatorRows):
    """:class:`IndicatorRows` that also keep the customer counts of their periods."""

    def customer_counts(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> dict[str, CustomerCounts]:
        """The customer counts of the ``granularity`` periods starting in ``[start, end)``
        (period boundaries) in which something was counted, by period key."""
        self._backfill()
        return self._counts(granularity, start, end)

    def customer_counts_before(self, moment: datetime) -> CustomerCounts:
        """The customer counts of everything that happened before ``moment``."""
        self._backfill()
        day = _start_of(moment, "day")
        month = _start_of(moment, "month")
        year = _start_of(moment, "year")
        total = _total(self._counts("year", None, year).values())
        total += _total(self._counts("month", year, month).values())
        total += _total(self._counts("day", month, day).values())
        if moment > day:
            total += _total(self._counts_of_facts(Period(day, moment), _one_period).values())
        return total

    def customer_records(self, customers: Iterable[str]) -> dict[str, CustomerRecord]:
        """The :class:`CustomerRecord` of each of ``customers`` that was created, found by
        ``_id``."""
        ids = [f"{kind}:{customer}" for customer in set(customers) for kind in ("customer", "lost")]
        projection = {"kind": 1, "subject": 1, "at": 1, "captive": 1}
        return _records(_by_ids(self.database[self.facts_collection], ids, projection))

    def _counts(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> dict[str, CustomerCounts]:
        """:meth:`customer_counts` without the backfill check: the stored counts of the
        rows in the range (index ``granularity_1_start_1``), those stale computed and kept
        unless marked meanwhile."""
        bounds: dict[str, Any] = {"$gte": start or _EARLIEST, **({"$lt": end} if end else {})}
        projection = {"period": 1, "start": 1, "end": 1, "counts": 1}
        projection |= {"counts_version": 1, "counts_computed": 1}
        found = self.rows.find({"granularity": granularity, "start": bounds}, projection)
        counted = sorted(
            (row for row in found if row.get("counts_version")), key=lambda row: row["start"]
        )
        stale = {
            row["_id"] for row in counted if row.get("counts_computed") != row["counts_version"]
        }
        computed = self._computed(granularity, counted, stale)
        counts: dict[str, CustomerCounts] = {}
        for row in counted:
            if row["_id"] in stale:
                self.rows.update_one(
                    {"_id": row["_id"], "counts_version": row["counts_version"]},
                    {
                        "$set": {
                            "counts": computed[row["_id"]],
                            "counts_computed": row["counts_version"],
                        }
                    },
                )
            count = CustomerCounts(**computed.get(row["_id"], row.get("counts") or {}))
            if count != NOTHING:
                counts[row["period"]] = count
        return counts

    def _computed(
        self, granularity: str, counted: list[dict[str, Any]], stale: set[str]
    ) -> dict[str, dict[str, int]]:
        """The counts of the ``stale`` rows (among the ``counted`` ones, by start), by
        ``_id``: a day's from the facts of each run of stale days with no fresh day between
        (one set of queries a run), any other period's from its finer rows."""
        if granularity != "day":
            finer = SUMMED_FROM[granularity]
            return {
                row["_id"]: asdict(_total(self._counts(finer, row["start"], row["end"]).values()))
                for row in counted
                if row["_id"] in stale
            }
        computed: dict[str, dict[str, int]] = {}
        for run in _runs(counted, stale):
            span = Period(run[0]["start"], run[-1]["end"])
            by_day = self._counts_of_facts(span, lambda moment: period_key(moment, "day"))
            computed.update((row["_id"], asdict(by_day.get(row["period"], NOTHING))) for row in run)
        return computed

    def _counts_of_facts(
        self, span: Period, period_of: Callable[[datetime], str]
    ) -> dict[str, CustomerCounts]:
        """The customer counts of the facts of ``span``, by ``period_of`` their moment:
        the customers and losses timed in it (index ``kind_1_at_1``) with the other half of
        each pair (by ``_id``), the alarms raised (``kind_1_at_1``) or closed
        (``kind_1_closed_at_1``) in it."""
        facts = self.database[self.facts_collection]
        bounds = {"$gte": span.start, "$lt": span.end}
        timed = {"subject": 1, "at": 1}
        created = {
            f["subject"]: f["at"] for f in facts.find({"kind": "customer", "at": bounds}, timed)
        }
        losses = {f["subject"]: f["at"] for f in facts.find({"kind": "lost", "at": bounds}, timed)}
        halves = [f"lost:{customer}" for customer in created if customer not in losses]
        halves += [f"customer:{customer}" for customer in losses if customer not in created]
        for fact in _by_ids(facts, halves, {"kind": 1, **timed}):
            (created if fact["kind"] == "customer" else losses)[fact["subject"]] = fact["at"]
        alarm = {"subject": 1, "at": 1, "closed_at": 1}
        alarms = {
            fact["_id"]: Alarm(fact["subject"], fact["at"], fact.get("closed_at"))
            for query in ({"at": bounds}, {"closed_at": bounds})
            for fact in facts.find({"kind": "alarm", **query}, alarm)
        }
        return count_by_period(span, period_of, created, losses, alarms.values())


def _by_ids(
    collection: Collection, ids: list[str], projection: dict[str, int]
) -> Iterator[dict[str, Any]]:
    """The documents of ``ids`` found by ``_id``, ``ID_BATCH`` ids a query."""
    for some in batches(ids, ID_BATCH):
        yield from collection.find({"_id": {"$in": some}}, projection)


def _runs(counted: list[dict[str, Any]], stale: set[str]) -> list[list[dict[str, Any]]]:
    """The ``stale`` rows (by ``_id``) in runs with no fresh ``counted`` row between them."""
    runs: list[list[dict[str, Any]]] = [[]]
    for row in counted:
        if row["_id"] in stale:
            runs[-1].append(row)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _records(facts: Iterable[dict[str, Any]]) -> dict[str, CustomerRecord]:
    """The records of the customers whose ``customer`` fact is among ``facts`` (with
    their ``lost`` facts)."""
    facts = list(facts)
    losses = {fact["subject"]: fact["at"] for fact in facts if fact["kind"] == "lost"}
    return {
        fact["subject"]: CustomerRecord(
            fact["at"], losses.get(fact["subject"]), bool(fact.get("captive"))
        )
        for fact in facts
        if fact["kind"] == "customer" and fact.get("at") is not None
    }


class FakeCustomerCountRows(FakeIndicatorRows):
    """:class:`CustomerCountRows` in memory: every count is computed from the facts."""

    def customer_counts(
        self, granularity: str, start: datetime | None, end: datetime | None
    ) -> dict[str, CustomerCounts]:
        span = Period(start or _EARLIEST, end or _LATEST)
        return self._counted(span, lambda moment: period_key(moment, granularity))

    def customer_counts_before(self, moment: datetime) -> CustomerCounts:
        return _total(self._counted(Period(_EARLIEST, moment), _one_period).values())

    def customer_records(self, customers: Iterable[str]) -> dict[str, CustomerRecord]:
        wanted = set(customers)
        kinds = ("customer", "lost")
        return _records(
            fact
            for fact in self.facts.values()
            if fact["kind"] in kinds and fact.get("subject") in wanted
        )

    def _counted(
        self, span: Period, period_of: Callable[[datetime], str]
    ) -> dict[str, CustomerCounts]:
        def timed(kind: str) -> list[dict[str, Any]]:
            return [f for f in self.facts.values() if f["kind"] == kind and f.get("at")]

        created = {fact["subject"]: fact["at"] for fact in timed("customer")}
        losses = {fact["subject"]: fact["at"] for fact in timed("lost")}
        alarms = [Alarm(f["subject"], f["at"], f.get("closed_at")) for f in timed("alarm")]
        counts = count_by_period(span, period_of, created, losses, alarms)
        return {period: count for period, count in counts.items() if count != NOTHING}
