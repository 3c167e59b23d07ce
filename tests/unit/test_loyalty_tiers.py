"""Tiers over a rolling window of earned points, and the upgrades and downgrades."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientela.errors import InvalidInput
from clientela.services.loyalty.domain.journal import PointsJournal
from clientela.services.loyalty.domain.tiers import (
    DEFAULT_LADDER,
    Tier,
    TierLadder,
    TierMove,
    tier_change,
)

JAN = datetime(2026, 1, 10, tzinfo=UTC)
JUN = datetime(2026, 6, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("points", "tier"),
    [(0, "bronze"), (999, "bronze"), (1_000, "silver"), (4_999, "silver"), (5_000, "gold")],
)
def test_default_tiers_start_at_0_1000_and_5000_points(points, tier):
    assert DEFAULT_LADDER.tier_for(points).name == tier


@given(st.integers(0, 20_000), st.integers(0, 20_000))
def test_more_points_never_mean_a_lower_tier(points, more):
    lower = DEFAULT_LADDER.tier_for(points).name
    higher = DEFAULT_LADDER.tier_for(points + more).name

    assert DEFAULT_LADDER.reaches(higher, lower)


def test_a_first_purchase_gives_a_customer_their_first_tier():
    journal = PointsJournal("c1")
    journal.earn("ev-1", 120, JAN, "purchase")

    change = tier_change(journal, None, JAN)

    assert change is not None
    assert (change.from_tier, change.to_tier, change.move, change.at) == (
        None,
        "bronze",
        TierMove.UPGRADE,
        JAN,
    )


def test_earning_past_a_threshold_is_an_upgrade_with_its_date():
    journal = PointsJournal("c1")
    journal.earn("ev-1", 800, JAN, "purchase")
    journal.earn("ev-2", 400, JUN, "purchase")

    change = tier_change(journal, "bronze", JUN)

    assert change is not None
    assert (change.to_tier, change.move, change.points_in_window, change.at) == (
        "silver",
        TierMove.UPGRADE,
        1_200,
        JUN,
    )
    assert tier_change(journal, "silver", JUN) is None


def test_points_leaving_the_window_are_a_downgrade():
    journal = PointsJournal("c1")
    journal.earn("ev-1", 800, JAN, "purchase")
    journal.earn("ev-2", 400, JUN, "purchase")

    change = tier_change(journal, "silver", datetime(2027, 1, 10, tzinfo=UTC))

    assert change is not None
    assert (change.to_tier, change.move, change.points_in_window) == (
        "bronze",
        TierMove.DOWNGRADE,
        400,
    )


def test_redeeming_points_keeps_the_tier():
    journal = PointsJournal("c1")
    journal.earn("ev-1", 1_500, JAN, "purchase")
    journal.redeem("req-1", 1_500, JUN, "reward")

    assert tier_change(journal, "silver", JUN) is None


def test_thresholds_and_window_are_configurable():
    ladder = TierLadder([Tier("member", 0), Tier("vip", 100, Decimal(2))], window_months=1)
    journal = PointsJournal("c1")
    journal.earn("ev-1", 150, JAN, "purchase")

    assert ladder.tier_for(ladder.points_in_window(journal, JAN)).multiplier == 2
    assert ladder.points_in_window(journal, datetime(2026, 2, 10, tzinfo=UTC)) == 0


@pytest.mark.parametrize(
    "tiers",
    [
        [Tier("silver", 1_000)],
        [Tier("bronze", 0), Tier("gold", 5_000), Tier("silver", 1_000)],
        [Tier("bronze", 0), Tier("bronze", 10)],
        [],
    ],
)
def test_a_ladder_must_start_at_zero_and_rise(tiers):
    with pytest.raises(InvalidInput) as refused:
        TierLadder(tiers)

    assert list(refused.value.errors) == ["tiers"]


def test_an_unknown_tier_is_named():
    with pytest.raises(InvalidInput) as refused:
        DEFAULT_LADDER.rank("platinum")

    assert refused.value.errors == {"tier": ["No tier is called 'platinum'."]}
