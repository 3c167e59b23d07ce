"""kpi's storage when another worker writes the same facts between its read and its write.

kpi reads a fact, decides which changes win and writes them on condition
that the fact still holds what was read. Here another writer's work is done
at the worst moment: right before that write.
"""

from datetime import UTC, datetime

import pytest

from clientela.periods import period_keys
from clientela.services.kpi import handlers
from clientela.services.kpi.customer_indicators import CustomerCounts
from clientela.services.kpi.dependencies import KpiStorage
from clientela.services.kpi.domain import Change, ReportIndicators, merge_change
from clientela.storage import RecordedEvents

JAN = datetime(2026, 1, 10, 9, tzinfo=UTC)

pytestmark = pytest.mark.integration


class Interleaved:
    """A collection that runs ``other`` just before the first call of ``method``."""

    def __init__(self, collection, method, other):
        self.collection = collection
        self.method = method
        self.other = other

    def __getattr__(self, name):
        if name == self.method and self.other is not None:
            other, self.other = self.other, None
            other()
        return getattr(self.collection, name)


class RacedStorage(KpiStorage):
    """A kpi unit of work whose facts another writer changes at the worst moment."""

    def __init__(self, database, method, other):
        super().__init__(database, RecordedEvents())
        self.interleaved = Interleaved(database.facts, method, other)

    @property
    def facts(self):
        return self.interleaved


@pytest.fixture
def database(service_database):
    return service_database("kpi")


def completeness(stamp, value):
    return Change("completeness_stamp", stamp, {"completeness": value, "completeness_stamp": stamp})


@pytest.mark.parametrize(("other_stamp", "kept"), [("2", 30.0), ("4", 40.0)])
def test_a_change_another_writer_got_ahead_of_is_kept_only_if_it_still_wins(
    database, other_stamp, kept
):
    other = KpiStorage(database, RecordedEvents())
    other.change_fact("captured:p1", "captured", "p1", completeness("1", 10.0))
    raced = RacedStorage(
        database,
        "update_one",
        lambda: other.change_fact(
            "captured:p1", "captured", "p1", completeness(other_stamp, float(other_stamp) * 10)
        ),
    )

    raced.change_fact("captured:p1", "captured", "p1", completeness("3", 30.0))

    assert raced.fact("captured:p1")["completeness"] == kept


def test_a_fact_another_writer_created_first_still_takes_the_change(database):
    other = KpiStorage(database, RecordedEvents())
    raced = RacedStorage(
        database,
        "insert_one",
        lambda: other.change_fact("captured:p1", "captured", "p1", completeness("2", 20.0)),
    )

    raced.change_fact("captured:p1", "captured", "p1", completeness("3", 30.0))

    assert raced.fact("captured:p1")["completeness"] == 30.0


def test_a_merge_recorded_while_a_prospect_fact_is_created_reaches_it(database):
    other = KpiStorage(database, RecordedEvents())

    def merge():  # as the merge handler records it: the merge fact, then the prospect's facts
        other.change_fact("merge:p1", "merge", "p1", merge_change(True, "m"))
        other.apply_merge_change("p1", True, "m")

    raced = RacedStorage(database, "insert_one", merge)

    raced.change_prospect_fact("captured", "p1", completeness("1", 10.0))

    fact = raced.fact("captured:p1")
    assert (fact["merged"], fact["merge_stamp"], fact["completeness"]) == (True, "m", 10.0)


class CrashingAfterWrite(KpiStorage):
    """A kpi unit of work whose worker reads its indicators right after the first mark of
    a change (another worker, at the worst moment) and stops before the second mark."""

    def __init__(self, database, read):
        super().__init__(database, RecordedEvents())
        self.read = read
        self.marks = 0

    def mark_stale(self, timed):
        self.marks += 1
        if self.marks == 2:
            raise SystemExit("the worker stops between the write and its second mark")
        super().mark_stale(timed)
        self.read()


def test_a_worker_stopping_after_an_earlier_alarm_close_leaves_no_close_counted_twice(database):
    live = KpiStorage(database, RecordedEvents())
    raised = Change("at", JAN, {"at": JAN, "periods": period_keys(JAN)}, earliest=True)
    live.record_once("customer:c1", "customer", "c1", JAN)
    march = datetime(2026, 3, 10, 9, tzinfo=UTC)
    live.change_fact("alarm:a1", "alarm", "c1", raised, closing(march))
    assert live.customer_counts("month", None, None)["2026-03"] == CustomerCounts(alarms_ended=1)
    february = datetime(2026, 2, 12, 9, tzinfo=UTC)

    crashing = CrashingAfterWrite(database, lambda: live.customer_counts("month", None, None))
    with pytest.raises(SystemExit):
        crashing.change_fact("alarm:a1", "alarm", "c1", raised, closing(february))
    live.change_fact("alarm:a1", "alarm", "c1", raised, closing(february))  # handled again

    counts = live.customer_counts("month", None, None)
    assert (counts["2026-02"].alarms_ended, "2026-03" in counts) == (1, False)
    assert live.customer_counts_before(datetime(2026, 4, 1, tzinfo=UTC)).at_risk == 0


def closing(at):
    """An alarm's close at ``at`` (the earliest close announced holds)."""
    return Change("closed_at", at, {"closed_at": at}, earliest=True)


def test_a_worker_stopping_after_moving_a_fact_leaves_no_period_counting_it_twice(database):
    live = KpiStorage(database, RecordedEvents())
    first = {"at": JAN, "periods": period_keys(JAN), "due": 1, "on_time": 0}
    due = Change("contract_stamp", "1", {**first, "contract_stamp": "1"})
    live.change_fact("contract:k1", "contract", "c1", due)
    moved = datetime(2026, 3, 10, 9, tzinfo=UTC)
    later = {**first, "at": moved, "periods": period_keys(moved), "contract_stamp": "2"}
    redue = Change("contract_stamp", "2", later)

    def contracts_due():
        rows = handlers.report_indicators(ReportIndicators("month"), live)
        return {row["period"]: row["contracts_due"] for row in rows}

    assert contracts_due() == {"2026-01": 1}
    crashing = CrashingAfterWrite(database, contracts_due)
    with pytest.raises(SystemExit):
        crashing.change_fact("contract:k1", "contract", "c1", redue)
    live.change_fact("contract:k1", "contract", "c1", redue)  # the event handled again

    assert contracts_due() == {"2026-03": 1}
