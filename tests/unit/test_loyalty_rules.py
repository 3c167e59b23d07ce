"""Loyalty points earned by a purchase."""

from decimal import Decimal

import pytest

from clientela.services.loyalty.domain import points_for_purchase


@pytest.mark.parametrize(
    ("amount", "rate", "points"),
    [
        (Decimal("10.99"), 1.0, 10),
        (Decimal("10.99"), 2.5, 27),
        (Decimal("100"), 1.0, 100),
        (Decimal("0.99"), 1.0, 0),
        (Decimal("0"), 3.0, 0),
        (Decimal("3"), 0.1, 0),
        (Decimal("10"), 0.1, 1),
    ],
)
def test_points_are_rounded_down(amount, rate, points):
    assert points_for_purchase(amount, rate) == points


def test_points_are_a_whole_number():
    assert type(points_for_purchase(Decimal("10.99"), 2.5)) is int


def test_a_negative_amount_is_refused():
    with pytest.raises(ValueError, match="amount"):
        points_for_purchase(Decimal("-0.01"), 1.0)
