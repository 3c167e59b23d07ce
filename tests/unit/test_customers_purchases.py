"""What a customer's purchases add up to."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientela.errors import InvalidInput
from clientela.services.customers.domain.purchases import Purchase, summarise_by_customer


def on(month: int, day: int) -> datetime:
    return datetime(2026, month, day, tzinfo=UTC)


def test_purchases_summarised_per_customer_within_a_window():
    purchases = [
        Purchase("acme", Decimal("100.50"), on(1, 10), "software"),
        Purchase("acme", Decimal("20"), on(3, 1), "training"),
        Purchase("acme", Decimal("5"), on(2, 1), "software"),
        Purchase("acme", Decimal("999"), on(6, 1), "hardware"),  # after the window
        Purchase("bolt", Decimal("7"), on(1, 1)),  # on the window's open start: left out
    ]

    summaries = summarise_by_customer(purchases, until=on(5, 31), since=on(1, 1))

    assert list(summaries) == ["acme"]
    acme = summaries["acme"]
    assert (acme.count, acme.value) == (3, Decimal("125.50"))
    assert (acme.first_at, acme.last_at) == (on(1, 10), on(3, 1))
    assert acme.product_lines == {"software", "training"}


@pytest.mark.parametrize(
    ("purchase", "field"),
    [
        (lambda: Purchase("acme", Decimal(-1), on(1, 1)), "amount"),
        (lambda: Purchase("acme", 10, on(1, 1)), "amount"),
        (lambda: Purchase("", Decimal(1), on(1, 1)), "customer_ref"),
        (lambda: Purchase("acme", Decimal(1), datetime(2026, 1, 1)), "purchased_at"),
    ],
    ids=["negative", "not-decimal", "no-customer", "naive-date"],
)
def test_a_bad_purchase_is_refused_naming_the_field(purchase, field):
    with pytest.raises(InvalidInput) as raised:
        purchase()

    assert field in raised.value.errors
