"""Whatever the writes and whenever the reads, the rows kpi keeps read as the facts say.

The in-memory unit of work computes every period from its facts on each read; the
MongoDB one keeps rows in parts and customer counts per period, marked stale by the
writes. After any sequence of customer, loss, alarm, update, purchase and answer writes,
with reads of whole and cut ranges at any granularity between them, both report the
same figures.
"""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientela.periods import period_keys
from clientela.services.kpi import handlers
from clientela.services.kpi.dependencies import FakeKpiStorage, KpiStorage
from clientela.services.kpi.domain import Change, ReportIndicators
from clientela.storage import RecordedEvents

pytestmark = pytest.mark.integration

BASE = datetime(2026, 1, 1, tzinfo=UTC)
QUERIES = [
    ReportIndicators("month", BASE, BASE + timedelta(days=120)),
    ReportIndicators("week", BASE + timedelta(days=3), BASE + timedelta(days=60)),
    ReportIndicators("day", BASE + timedelta(days=20), BASE + timedelta(days=50)),
    ReportIndicators("month", BASE + timedelta(days=15), BASE + timedelta(days=75)),
    ReportIndicators("quarter", BASE, BASE + timedelta(days=200)),
]

moments = st.builds(
    lambda days, hours: BASE + timedelta(days=days, hours=hours),
    st.integers(0, 99),
    st.integers(0, 23),
)
customers = st.sampled_from([f"c{n}" for n in range(5)])
writes = st.one_of(
    st.tuples(st.just("customer"), customers, moments, st.booleans()),
    st.tuples(st.just("lost"), customers, moments),
    st.tuples(
        st.just("alarm"),
        st.sampled_from(["a1", "a2", "a3"]),
        customers,
        moments,
        st.none() | st.integers(-3, 20),
    ),
    st.tuples(st.just("update"), customers, moments),
    st.tuples(st.just("purchase"), customers, moments),
    st.tuples(st.just("nps"), customers, moments, st.sampled_from(["promoter", "detractor"])),
)


def write(uow, number, operation):
    """Make write ``operation``, the ``number``-th, as the handlers make it."""
    if operation[0] == "alarm":
        _kind, alarm_id, customer, at, closed_after = operation
        changes = [Change("at", at, {"at": at, "periods": period_keys(at)}, earliest=True)]
        if closed_after is not None:
            closed_at = at + timedelta(days=closed_after)
            changes.append(Change("closed_at", closed_at, {"closed_at": closed_at}, earliest=True))
        uow.change_fact(f"alarm:{alarm_id}", "alarm", customer, *changes)
        return
    kind, customer, at, *more = operation
    if kind == "customer":
        uow.record_once(f"customer:{customer}", "customer", customer, at, captive=more[0])
    elif kind == "lost":
        stamp = f"{number:04d}"
        values = {"at": at, "periods": period_keys(at), "lost_stamp": stamp}
        uow.change_fact(f"lost:{customer}", "lost", customer, Change("lost_stamp", stamp, values))
    elif kind == "update":
        uow.record_once(f"update:u{number}", "update", customer, at)
    elif kind == "purchase":
        uow.record_once(
            f"purchase:p{number}", "purchase", customer, at, amount="1.00", currency="EUR"
        )
    else:
        uow.record_once(f"nps:n{number}", "nps", customer, at, category=more[0])


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.tuples(writes, st.booleans()), min_size=1, max_size=14))
def test_the_rows_kept_read_as_the_facts_say(service_database, steps):
    database = service_database("kpi")
    for name in database.list_collection_names():
        database.drop_collection(name)
    kept, computed = KpiStorage(database, RecordedEvents()), FakeKpiStorage()
    for number, (operation, read_after) in enumerate(steps):
        for uow in (kept, computed):
            write(uow, number, operation)
        if read_after or number == len(steps) - 1:
            for query in QUERIES:
                assert handlers.report_indicators(query, kept) == handlers.report_indicators(
                    query, computed
                ), (number, query)
