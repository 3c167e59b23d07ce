"""Relationship level: longevity, scope, depth (share of wallet) and referral."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from clientela.errors import InvalidInput
from clientela.services.customers.domain.purchases import Purchase
from clientela.services.customers.domain.relationship import (
    NpsAnswer,
    RelationshipFacts,
    RelationshipLevel,
    relationship_level,
)

AS_OF = datetime(2026, 12, 1, tzinfo=UTC)
SINCE = datetime(2024, 12, 1, tzinfo=UTC)


def days_ago(days: int) -> datetime:
    return AS_OF - timedelta(days=days)


PURCHASES = (
    Purchase("acme", Decimal(3000), days_ago(30), "software"),
    Purchase("acme", Decimal(1000), days_ago(200), "training"),
    Purchase("acme", Decimal(5000), days_ago(500), "hardware"),  # before the last 12 months
    Purchase("acme", Decimal(700), days_ago(60), "legacy"),  # a line no longer offered
)


def test_relationship_level_worked_example():
    facts = RelationshipFacts(
        customer_since=SINCE,
        purchases=PURCHASES,
        offered_lines={"software", "training", "hardware", "support"},
        declared_spend=Decimal(20_000),
        estimated_spend=Decimal(50_000),
        nps_answers=(
            NpsAnswer(6, days_ago(300)),
            NpsAnswer(9, days_ago(20)),
            NpsAnswer(2, AS_OF + timedelta(days=1)),  # after as_of: not yet given
        ),
        referrals_converted=2,
    )

    assert relationship_level(facts, AS_OF) == RelationshipLevel(
        longevity_days=730,
        product_lines_used=3,
        product_lines_offered=4,
        scope_pct=75.0,
        share_of_wallet_pct=23.5,  # (3000 + 1000 + 700) / 20,000 declared
        spend_source="declared",
        latest_nps=9,
        referrals_converted=2,
    )


def test_the_estimated_spend_stands_in_when_none_is_declared():
    facts = RelationshipFacts(SINCE, PURCHASES, estimated_spend=Decimal(47_000))

    level = relationship_level(facts, AS_OF)

    assert (level.share_of_wallet_pct, level.spend_source) == (10.0, "estimated")


def test_share_of_wallet_never_exceeds_a_hundred_percent():
    facts = RelationshipFacts(SINCE, PURCHASES, declared_spend=Decimal(1000))

    assert relationship_level(facts, AS_OF).share_of_wallet_pct == 100.0


def test_the_wallet_window_scales_the_yearly_spend():
    facts = RelationshipFacts(SINCE, PURCHASES, declared_spend=Decimal(24_000))

    # Last 3 months: 3000 + 700 of a quarter's 6,000.
    assert relationship_level(facts, AS_OF, wallet_months=3).share_of_wallet_pct == 61.67


def test_without_a_known_spend_or_an_offer_depth_and_scope_are_unknown():
    level = relationship_level(RelationshipFacts(SINCE, PURCHASES), AS_OF)

    assert (level.share_of_wallet_pct, level.spend_source, level.scope_pct) == (None, None, None)
    assert level.latest_nps is None


def test_a_lost_customer_stops_adding_longevity_when_lost():
    facts = RelationshipFacts(SINCE, lost_at=SINCE + timedelta(days=100))

    assert relationship_level(facts, AS_OF).longevity_days == 100


@pytest.mark.parametrize("score", [-1, 11, 7.5])
def test_an_nps_score_outside_0_to_10_is_refused_naming_the_field(score):
    with pytest.raises(InvalidInput) as raised:
        NpsAnswer(score, AS_OF)

    assert "score" in raised.value.errors


def test_bad_facts_are_refused_naming_every_field():
    with pytest.raises(InvalidInput) as raised:
        RelationshipFacts(
            SINCE,
            declared_spend=Decimal(-1),
            estimated_spend=Decimal("NaN"),
            referrals_converted=-2,
        )

    assert set(raised.value.errors) == {"declared_spend", "estimated_spend", "referrals_converted"}
