"""Earn rules: rate per currency unit, product lines, tier multiplier, campaigns."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientela.errors import InvalidInput
from clientela.services.loyalty.domain.earning import (
    Campaign,
    EarnRules,
    PurchaseLine,
    purchase_points,
)

NOV = datetime(2026, 11, 15, tzinfo=UTC)
BLACK_WEEK = Campaign(
    "black week",
    datetime(2026, 11, 23, tzinfo=UTC),
    datetime(2026, 11, 30, tzinfo=UTC),
    Decimal(2),
)


def test_a_purchase_earns_its_amount_times_the_rate_rounded_down():
    rules = EarnRules(points_per_currency_unit=Decimal("1.5"))

    assert purchase_points([PurchaseLine("shoes", Decimal("99.99"))], NOV, rules) == 149


def test_each_product_line_earns_at_its_own_rate_and_the_total_is_rounded_once():
    rules = EarnRules(product_line_rates={"service": Decimal("0.5")})
    lines = [PurchaseLine("service", Decimal("10.60")), PurchaseLine("parts", Decimal("10.70"))]

    # 5.30 + 10.70 = 16.00: rounding each line first would give 15.
    assert purchase_points(lines, NOV, rules) == 16


def test_the_tier_multiplier_applies_to_the_whole_purchase():
    lines = [PurchaseLine("parts", Decimal("100"))]

    assert purchase_points(lines, NOV, EarnRules(), tier_multiplier=Decimal("1.25")) == 125


def test_a_campaign_multiplies_points_only_between_its_dates():
    rules = EarnRules(campaigns=(BLACK_WEEK,))
    lines = [PurchaseLine("parts", Decimal("100"))]

    assert purchase_points(lines, datetime(2026, 11, 23, tzinfo=UTC), rules) == 200
    assert purchase_points(lines, datetime(2026, 11, 30, tzinfo=UTC), rules) == 100


def test_a_campaign_on_some_product_lines_leaves_the_others_alone():
    shoes_only = Campaign(
        "shoes week", BLACK_WEEK.starts_at, BLACK_WEEK.ends_at, Decimal(3), frozenset({"shoes"})
    )
    rules = EarnRules(campaigns=(shoes_only,))
    lines = [PurchaseLine("shoes", Decimal("10")), PurchaseLine("socks", Decimal("10"))]

    assert purchase_points(lines, BLACK_WEEK.starts_at, rules) == 40


def test_overlapping_campaigns_give_the_best_multiplier_not_their_product():
    triple = Campaign("triple", BLACK_WEEK.starts_at, BLACK_WEEK.ends_at, Decimal(3))
    rules = EarnRules(campaigns=(BLACK_WEEK, triple))

    assert purchase_points([PurchaseLine("x", Decimal("10"))], BLACK_WEEK.starts_at, rules) == 30


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: PurchaseLine("x", Decimal("-1")), "amount"),
        (lambda: EarnRules(points_per_currency_unit=Decimal("NaN")), "points_per_currency_unit"),
        (lambda: Campaign("c", NOV, NOV, Decimal(2)), "ends_at"),
        (
            lambda: Campaign("c", NOV, BLACK_WEEK.ends_at, Decimal("0.5")),
            "multiplier",
        ),
    ],
)
def test_bad_rules_name_the_field(build, field):
    with pytest.raises(InvalidInput) as refused:
        build()

    assert list(refused.value.errors) == [field]
