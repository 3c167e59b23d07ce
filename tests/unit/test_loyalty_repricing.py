"""Purchase points priced in date order, whatever order the purchases come in."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientela.errors import InvalidInput
from clientela.events import new_event, parse_event
from clientela.services.loyalty import handlers
from clientela.services.loyalty.dependencies import FakeLoyaltyStorage
from clientela.services.loyalty.domain.earning import EarnRules, PurchaseLine
from clientela.services.loyalty.domain.journal import EntryKind, PointsJournal
from clientela.services.loyalty.domain.repricing import (
    DatedPurchase,
    credit_in_date_order,
    points_in_date_order,
    purchase_credited,
)
from clientela.services.loyalty.domain.tiers import DEFAULT_LADDER, Tier, TierLadder

RULES = EarnRules()
START = datetime(2026, 1, 1, 9, tzinfo=UTC)

BOUGHT = st.lists(
    st.tuples(
        st.integers(0, 24 * 30),  # days after START: purchases over two years
        st.decimals(Decimal("0.50"), Decimal("3000.00"), places=2),
    ),
    min_size=1,
    max_size=12,
)


def purchases_of(bought: list[tuple[int, Decimal]]) -> list[DatedPurchase]:
    return [
        DatedPurchase(f"P-{number}", START + timedelta(days=days), PurchaseLine("", amount))
        for number, (days, amount) in enumerate(bought)
    ]


def credited_per_purchase(handled: list[DatedPurchase]) -> tuple[dict[str, int], PointsJournal]:
    """Hand the purchases over one by one, as the handler does: known are those seen so far."""
    journal = PointsJournal("C-ana")
    seen: dict[str, DatedPurchase] = {}
    for purchase in handled:
        seen[purchase.purchase_id] = purchase
        reason = f"purchase {purchase.purchase_id}"
        credit_in_date_order(
            journal, purchase.purchase_id, seen.values(), RULES, DEFAULT_LADDER, reason
        )
    credited: dict[str, int] = {}
    for entry in journal.entries:
        purchase_id = purchase_credited(entry.source, seen)
        if purchase_id is not None:
            credited[purchase_id] = credited.get(purchase_id, 0) + entry.points
    return credited, journal


@settings(max_examples=150, deadline=None)
@given(bought=BOUGHT, data=st.data())
def test_any_order_and_any_repetition_earn_what_date_order_earns(bought, data):
    purchases = purchases_of(bought)
    in_date_order = sorted(purchases, key=lambda purchase: purchase.at)
    shuffled = data.draw(st.permutations(purchases))
    repeats = data.draw(st.lists(st.sampled_from(purchases), max_size=6))
    handled = [*shuffled, *repeats]

    expected, dated_journal = credited_per_purchase(in_date_order)
    credited, journal = credited_per_purchase(handled)

    owed = points_in_date_order(purchases, [], RULES, DEFAULT_LADDER)
    assert credited == expected == {pid: points for pid, points in owed.items() if points}
    assert journal.balance == dated_journal.balance == sum(owed.values())
    assert all(entry.kind is EntryKind.EARN and entry.points > 0 for entry in journal.entries)


def test_a_july_purchase_handled_after_september_tops_september_up_to_silver():
    july = DatedPurchase(
        "P-101", datetime(2026, 7, 10, tzinfo=UTC), PurchaseLine("", Decimal(1600))
    )
    september = DatedPurchase(
        "P-102", datetime(2026, 9, 5, tzinfo=UTC), PurchaseLine("", Decimal(300))
    )
    journal = PointsJournal("C-ana")

    credit_in_date_order(journal, "P-102", [september], RULES, DEFAULT_LADDER, "september")
    written = credit_in_date_order(
        journal, "P-101", [september, july], RULES, DEFAULT_LADDER, "july"
    )

    assert [(entry.source, entry.points, entry.at) for entry in written] == [
        ("purchase:P-101", 1600, july.at),
        ("reprice:P-102:375", 75, september.at),  # dated at the purchase: its lot, its window
    ]
    assert journal.balance == 1975


def purchase_recorded(purchase_id: str, amount: str, purchased_at: datetime) -> object:
    return parse_event(
        new_event(
            "purchase_recorded",
            {
                "purchase_id": purchase_id,
                "customer_id": "C-ana",
                "amount": Decimal(amount),
                "currency": "MXN",
                "product_line": "cafeteria",
                "purchased_at": purchased_at,
            },
        )
    )


JULY = purchase_recorded("P-101", "1600.00", datetime(2026, 7, 10, 15, tzinfo=UTC))
SEPTEMBER = purchase_recorded("P-102", "300.00", datetime(2026, 9, 5, 11, tzinfo=UTC))


@pytest.fixture
def uow(monkeypatch):
    monkeypatch.setattr(handlers, "utcnow", lambda: datetime(2026, 9, 30, tzinfo=UTC))
    return FakeLoyaltyStorage()


def ledger(uow: FakeLoyaltyStorage) -> list[tuple[str, int]]:
    return sorted((entry["_id"], entry["points"]) for entry in uow.ledger.values())


def tiers_announced(uow: FakeLoyaltyStorage) -> list[str]:
    return [
        envelope["payload"]["to_tier"]
        for envelope in uow.events.envelopes
        if envelope["type"] == "tier_changed"
    ]


@pytest.mark.parametrize(
    "handled", [[JULY, SEPTEMBER], [SEPTEMBER, JULY]], ids=["july-first", "september-first"]
)
def test_the_purchases_of_a_quarter_earn_the_same_in_either_order(uow, handled):
    for event in [*handled, *handled]:  # and each delivered twice
        handlers.credit_purchase(event, uow, points_per_unit=1.0)

    account = handlers.balance("C-ana", uow, latest=10)
    assert account["points"] == 1600 + 375 == sum(points for _, points in ledger(uow))
    assert account["tier"] == "silver"
    assert tiers_announced(uow)[-1] == "silver"


def test_september_handled_first_is_topped_up_once_july_arrives(uow):
    handlers.credit_purchase(SEPTEMBER, uow, points_per_unit=1.0)
    handlers.credit_purchase(JULY, uow, points_per_unit=1.0)
    handlers.credit_purchase(JULY, uow, points_per_unit=1.0)

    assert ledger(uow) == [
        ("purchase:P-101", 1600),
        ("purchase:P-102", 300),
        ("reprice:P-102:375", 75),
    ]
    assert tiers_announced(uow) == ["bronze", "silver"]


def test_other_points_earned_before_a_purchase_count_towards_its_tier():
    purchase = DatedPurchase(
        "P-1", datetime(2026, 5, 1, tzinfo=UTC), PurchaseLine("", Decimal(100))
    )
    referral = (datetime(2026, 4, 1, tzinfo=UTC), 1_000)

    assert points_in_date_order([purchase], [referral], RULES, DEFAULT_LADDER) == {"P-1": 125}


def test_purchases_made_at_the_same_instant_do_not_raise_each_others_tier():
    at = datetime(2026, 5, 1, tzinfo=UTC)
    big = DatedPurchase("P-1", at, PurchaseLine("", Decimal(2000)))
    small = DatedPurchase("P-2", at, PurchaseLine("", Decimal(100)))

    assert points_in_date_order([small, big], [], RULES, DEFAULT_LADDER) == {
        "P-1": 2000,
        "P-2": 100,
    }


def test_points_leaving_the_window_no_longer_raise_the_tier():
    old = DatedPurchase("P-1", datetime(2025, 1, 5, tzinfo=UTC), PurchaseLine("", Decimal(1000)))
    inside = DatedPurchase("P-2", datetime(2025, 12, 5, tzinfo=UTC), PurchaseLine("", Decimal(100)))
    after = DatedPurchase("P-3", datetime(2026, 1, 5, tzinfo=UTC), PurchaseLine("", Decimal(100)))

    assert points_in_date_order([after, inside, old], [], RULES, DEFAULT_LADDER) == {
        "P-1": 1000,
        "P-2": 125,
        "P-3": 100,  # P-1 left the 12 months that day: P-2's 125 points are bronze
    }


def test_a_ladder_whose_multiplier_falls_as_tiers_rise_is_refused():
    with pytest.raises(InvalidInput) as refused:
        TierLadder([Tier("member", 0, Decimal(2)), Tier("insider", 300, Decimal("1.5"))])

    assert "tiers" in refused.value.errors
