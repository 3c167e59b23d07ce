"""Receivables ageing at the bucket edges, and the collection term."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientela.errors import InvalidInput
from clientela.services.customers.domain.receivables import (
    AgeingBucket,
    Invoice,
    ageing,
    ageing_by_customer,
    bucket_for,
    collection_term,
)

AS_OF = date(2026, 6, 30)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def invoice(
    ref: str,
    amount: str,
    due_days_ago: int,
    paid: datetime | None = None,
    customer: str = "acme",
) -> Invoice:
    due = at(AS_OF - timedelta(days=due_days_ago))
    return Invoice(ref, customer, Decimal(amount), due - timedelta(days=30), due, paid)


@pytest.mark.parametrize(
    ("days_overdue", "bucket"),
    [
        (-10, AgeingBucket.CURRENT),
        (0, AgeingBucket.CURRENT),
        (1, AgeingBucket.DAYS_1_30),
        (30, AgeingBucket.DAYS_1_30),
        (31, AgeingBucket.DAYS_31_60),
        (60, AgeingBucket.DAYS_31_60),
        (61, AgeingBucket.DAYS_61_90),
        (90, AgeingBucket.DAYS_61_90),
        (91, AgeingBucket.OVER_90),
    ],
)
def test_bucket_edges(days_overdue, bucket):
    assert bucket_for(days_overdue) is bucket


def test_ageing_worked_example_at_the_bucket_edges():
    invoices = [
        invoice("due-today", "100", 0),
        invoice("1-day", "10", 1),
        invoice("30-days", "20", 30),
        invoice("31-days", "30", 31),
        invoice("90-days", "40", 90),
        invoice("91-days", "50", 91),
        invoice("paid-yesterday", "999", 40, paid=at(AS_OF - timedelta(days=1))),
        invoice("paid-tomorrow", "5", 40, paid=at(AS_OF + timedelta(days=1))),
    ]
    not_yet_issued = Invoice(
        "next-month", "acme", Decimal(999), at(AS_OF + timedelta(days=1)), at(date(2026, 8, 1))
    )

    result = ageing([*invoices, not_yet_issued], AS_OF)

    assert {bucket.value: (t.count, t.amount) for bucket, t in result.buckets.items()} == {
        "current": (1, Decimal(100)),
        "1-30": (2, Decimal(30)),
        "31-60": (2, Decimal(35)),
        "61-90": (1, Decimal(40)),
        "over_90": (1, Decimal(50)),
    }
    assert result.total == Decimal(255)
    assert result.overdue == Decimal(155)


def test_an_invoice_paid_on_the_as_of_day_is_no_longer_owed():
    paid_today = invoice("i", "10", 5, paid=at(AS_OF, hour=23))

    assert ageing([paid_today], AS_OF).total == 0


def test_days_overdue_are_counted_in_utc_calendar_days():
    mexico = timezone(timedelta(hours=-6))
    # Due 29 June 20:00 in Mexico City = 30 June 02:00 UTC: not overdue on 30 June.
    due = datetime(2026, 6, 29, 20, tzinfo=mexico)
    late_evening = Invoice("i", "acme", Decimal(10), due - timedelta(days=30), due)

    assert ageing([late_evening], AS_OF).buckets[AgeingBucket.CURRENT].count == 1


def test_ageing_by_customer_leaves_out_customers_who_owe_nothing():
    invoices = [
        invoice("a1", "10", 5, customer="acme"),
        invoice("a2", "20", 45, customer="acme"),
        invoice("b1", "30", 5, customer="bolt", paid=at(AS_OF - timedelta(days=2))),
    ]

    by_customer = ageing_by_customer(invoices, AS_OF)

    assert list(by_customer) == ["acme"]
    assert by_customer["acme"].overdue == Decimal(30)


def test_collection_term_is_the_average_days_from_issue_to_payment():
    issued = at(date(2026, 1, 1))
    invoices = [
        Invoice("a", "c", Decimal(1), issued, issued, issued + timedelta(days=10)),
        Invoice("b", "c", Decimal(1), issued, issued, issued + timedelta(days=20)),
        Invoice("c", "c", Decimal(1), issued, issued, issued + timedelta(days=31)),
        Invoice("unpaid", "c", Decimal(1), issued, issued),
    ]

    assert collection_term(invoices) == 20.33


def test_there_is_no_collection_term_before_anything_is_paid():
    assert collection_term([invoice("i", "10", 5)]) is None


def test_an_invoice_due_before_it_was_issued_is_refused_naming_the_field():
    issued = at(AS_OF)
    with pytest.raises(InvalidInput) as raised:
        Invoice("i", "c", Decimal(1), issued, issued - timedelta(days=1))

    assert set(raised.value.errors) == {"due_at"}


invoices_around_as_of = st.lists(
    st.builds(
        invoice,
        ref=st.text(alphabet="xyz", min_size=1, max_size=4),
        amount=st.integers(min_value=0, max_value=10_000).map(str),
        due_days_ago=st.integers(min_value=-25, max_value=200),
        paid=st.none()
        | st.integers(min_value=-5, max_value=5).map(
            lambda offset: at(AS_OF + timedelta(days=offset))
        ),
    ),
    max_size=30,
)


@given(invoices_around_as_of)
def test_the_buckets_partition_what_is_owed(invoices):
    owed = [i for i in invoices if i.outstanding_on(AS_OF)]

    result = ageing(invoices, AS_OF)

    assert sum(t.count for t in result.buckets.values()) == len(owed)
    assert result.total == sum((i.amount for i in owed), Decimal(0))
