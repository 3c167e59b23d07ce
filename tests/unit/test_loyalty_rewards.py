"""The rewards catalogue: tier-restricted rewards, stock, redemption against the balance."""

from datetime import UTC, datetime

import pytest

from clientela.errors import Conflict, InvalidInput, NotFound
from clientela.services.loyalty.domain.journal import PointsJournal
from clientela.services.loyalty.domain.rewards import Reward, RewardsCatalogue, redeem_reward
from clientela.services.loyalty.domain.tiers import DEFAULT_LADDER

AT = datetime(2026, 6, 1, tzinfo=UTC)
CATALOGUE = RewardsCatalogue(
    [
        Reward("MUG", "Branded mug", 300),
        Reward("LOUNGE", "Lounge pass", 2_000, min_tier="gold"),
        Reward("BAG", "Travel bag", 900, min_tier="silver", stock=1),
        Reward("CAP", "Cap", 100, stock=0),
    ],
    DEFAULT_LADDER,
)


def journal_holding(points: int) -> PointsJournal:
    journal = PointsJournal("c1")
    journal.earn("ev-1", points, AT, "purchase")
    return journal


def test_a_redemption_spends_the_reward_cost():
    journal = journal_holding(500)

    redemption = redeem_reward(journal, CATALOGUE, "MUG", "bronze", "req-1", AT)

    assert journal.balance == 200
    assert [entry.points for entry in redemption.entries] == [-300]
    assert redemption.entries[0].reason == "reward MUG: Branded mug"


def test_a_replayed_redemption_spends_nothing_and_takes_no_stock():
    journal = journal_holding(5_000)
    first = redeem_reward(journal, CATALOGUE, "BAG", "silver", "req-1", AT)

    again = redeem_reward(journal, CATALOGUE, "BAG", "silver", "req-1", AT)

    assert first.reward.stock == 0
    assert again.entries == []
    assert journal.balance == 4_100


def test_a_reward_reserved_to_a_higher_tier_is_refused():
    journal = journal_holding(5_000)

    with pytest.raises(Conflict, match="LOUNGE is for gold customers and above, not silver"):
        redeem_reward(journal, CATALOGUE, "LOUNGE", "silver", "req-1", AT)
    redeem_reward(journal, CATALOGUE, "LOUNGE", "gold", "req-2", AT)

    assert journal.balance == 3_000


def test_a_reward_out_of_stock_is_refused():
    journal = journal_holding(500)

    with pytest.raises(Conflict, match="CAP is out of stock"):
        redeem_reward(journal, CATALOGUE, "CAP", "gold", "req-1", AT)

    assert journal.balance == 500


def test_a_reward_over_the_balance_is_refused_naming_it():
    journal = journal_holding(250)

    with pytest.raises(Conflict, match="balance of 250"):
        redeem_reward(journal, CATALOGUE, "MUG", "bronze", "req-1", AT)


def test_an_unknown_reward_is_not_found():
    with pytest.raises(NotFound, match="no reward TV"):
        redeem_reward(journal_holding(500), CATALOGUE, "TV", "gold", "req-1", AT)


def test_each_tier_sees_its_rewards_cheapest_first():
    assert [r.code for r in CATALOGUE.open_to("bronze")] == ["CAP", "MUG"]
    assert [r.code for r in CATALOGUE.open_to("gold")] == ["CAP", "MUG", "BAG", "LOUNGE"]


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Reward("X", "x", 0), "cost"),
        (lambda: Reward("X", "x", 10, stock=-1), "stock"),
        (lambda: Reward("", "x", 10), "code"),
        (
            lambda: RewardsCatalogue([Reward("X", "x", 10, min_tier="platinum")], DEFAULT_LADDER),
            "tier",
        ),
        (
            lambda: RewardsCatalogue([Reward("X", "x", 1), Reward("X", "y", 2)], DEFAULT_LADDER),
            "code",
        ),
    ],
)
def test_a_bad_reward_names_the_field(build, field):
    with pytest.raises(InvalidInput) as refused:
        build()

    assert list(refused.value.errors) == [field]
