"""Win-back: lost customers ranked by what they bought, campaigns aimed at them, and who a
campaign won back (a targeted customer buying again while it runs)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from clientela.errors import Conflict, InvalidInput, NotFound
from clientela.events import new_event, parse_event
from clientela.services.loyalty import winback
from clientela.services.loyalty.dependencies import FakeLoyaltyStorage
from clientela.services.loyalty.domain.facts import Purchase
from clientela.services.loyalty.domain.winback import Campaign, PastValue, past_value

LOST_AT = datetime(2026, 9, 30, tzinfo=UTC)
STARTS = datetime(2026, 11, 1, tzinfo=UTC)
ENDS = datetime(2026, 11, 30, tzinfo=UTC)


def event(name, payload):
    return parse_event(new_event(name, payload))


@pytest.fixture
def uow(monkeypatch):
    monkeypatch.setattr(winback, "utcnow", lambda: STARTS)
    return FakeLoyaltyStorage()


def buy(uow, customer_id, purchase_id, amount, at):
    uow.add_purchase_fact(purchase_id, customer_id, at, Decimal(amount))
    purchase = {
        "purchase_id": purchase_id,
        "customer_id": customer_id,
        "amount": Decimal(amount),
        "currency": "MXN",
        "purchased_at": at,
    }
    winback.note_purchase(event("purchase_recorded", purchase), uow)


def lose(uow, customer_id, lost_at=LOST_AT, reason="moved to a competitor"):
    payload = {"customer_id": customer_id, "lost_at": lost_at, "reason": reason}
    winback.note_lost(event("customer_lost", payload), uow)


@pytest.fixture
def lost(uow):
    """Three lost customers: big (2 purchases, 9,000), small (500), mid (1,200)."""
    buy(uow, "C-big", "F-1", "4000", LOST_AT - timedelta(days=200))
    buy(uow, "C-big", "F-2", "5000", LOST_AT - timedelta(days=100))
    buy(uow, "C-small", "F-3", "500", LOST_AT - timedelta(days=50))
    buy(uow, "C-mid", "F-4", "1200", LOST_AT - timedelta(days=20))
    for customer_id in ("C-big", "C-small", "C-mid"):
        lose(uow, customer_id)
    return uow


def test_the_past_value_is_what_was_bought_before_being_lost():
    purchases = [
        Purchase(LOST_AT - timedelta(days=1), Decimal("10")),
        Purchase(ENDS, Decimal("99")),
    ]

    assert past_value(purchases, LOST_AT) == PastValue(Decimal("10"), 1)


def test_a_campaign_is_dated_and_targets_someone_once():
    with pytest.raises(InvalidInput) as refused:
        Campaign("W-1", "Autumn", ENDS, STARTS, ("C-1",))
    assert list(refused.value.errors) == ["ends_at"]
    with pytest.raises(InvalidInput) as refused:
        Campaign("W-1", "Autumn", STARTS, ENDS, ())
    assert list(refused.value.errors) == ["targeted"]


def test_lost_customers_are_ranked_by_past_value(lost):
    ranked = winback.ranked(10, lost)

    assert [(c["customer_id"], c["past_value"], c["purchases"]) for c in ranked] == [
        ("C-big", Decimal("9000"), 2),
        ("C-mid", Decimal("1200"), 1),
        ("C-small", Decimal("500"), 1),
    ]
    assert ranked[0]["reason"] == "moved to a competitor"
    assert [c["customer_id"] for c in winback.ranked(1, lost)] == ["C-big"]


def test_the_same_or_an_older_lost_mark_changes_nothing(lost):
    lose(lost, "C-big", LOST_AT - timedelta(days=300))

    assert lost.find_member("C-big")["lost_at"] == LOST_AT


def test_a_campaign_at_the_top_customers_counts_those_who_buy_again_while_it_runs(lost):
    launched = winback.launch("W-1", "Autumn", STARTS, ENDS, [], 2, "maria", lost)
    assert (launched["targeted"], launched["refused"]) == (["C-big", "C-mid"], {})

    buy(lost, "C-big", "F-5", "300", STARTS + timedelta(days=3))
    buy(lost, "C-small", "F-6", "80", STARTS + timedelta(days=4))  # not targeted
    buy(lost, "C-big", "F-7", "300", STARTS + timedelta(days=5))  # won back already

    result = winback.result("W-1", lost)
    assert (result["targeted_count"], result["won_back"], result["rate"]) == (2, ["C-big"], 50.0)
    won = [e for e in lost.events.envelopes if e["type"] == "customer_won_back"]
    assert [(e["payload"]["customer_id"], e["payload"]["campaign_id"]) for e in won] == [
        ("C-big", "W-1"),
        ("C-small", None),
    ]
    assert [c["customer_id"] for c in winback.ranked(10, lost)] == ["C-mid"]


def test_buying_after_the_campaign_ended_wins_back_for_no_campaign(lost):
    winback.launch("W-1", "Autumn", STARTS, ENDS, ["C-mid"], None, "maria", lost)
    buy(lost, "C-mid", "F-8", "90", ENDS + timedelta(days=1))

    assert winback.result("W-1", lost)["won_back"] == []
    assert lost.find_member("C-mid")["won_back_at"] == ENDS + timedelta(days=1)


def test_customers_who_are_not_lost_are_refused_by_name_and_the_rest_targeted(lost):
    buy(lost, "C-new", "F-9", "10", STARTS)
    launched = winback.launch(
        "W-1", "Autumn", STARTS, ENDS, ["C-small", "C-new", "C-ghost"], None, "maria", lost
    )

    assert launched["targeted"] == ["C-small"]
    assert set(launched["refused"]) == {"C-new", "C-ghost"}
    with pytest.raises(InvalidInput) as refused:
        winback.launch("W-2", "Nobody", STARTS, ENDS, ["C-new"], None, "maria", lost)
    assert list(refused.value.errors) == ["targeted"]


def test_launching_again_changes_nothing_and_another_campaign_under_the_id_is_a_conflict(lost):
    first = winback.launch("W-1", "Autumn", STARTS, ENDS, ["C-mid"], None, "maria", lost)

    assert winback.launch("W-1", "Autumn", STARTS, ENDS, ["C-mid"], None, "maria", lost) == first
    with pytest.raises(Conflict, match="campaign_id"):
        winback.launch("W-1", "Winter", STARTS, ENDS, ["C-mid"], None, "maria", lost)
    with pytest.raises(NotFound, match="campaign_id"):
        winback.result("W-404", lost)
    assert [c["_id"] for c in winback.campaigns(lost)] == ["W-1"]


def test_a_purchase_announced_before_the_lost_mark_wins_the_customer_back_at_once(uow):
    buy(uow, "C-late", "F-10", "700", LOST_AT - timedelta(days=30))
    buy(uow, "C-late", "F-11", "50", LOST_AT + timedelta(days=2))
    lose(uow, "C-late")

    member = uow.find_member("C-late")
    assert (member["lost"], member["past_value"]) == (False, "700")
    assert uow.events.types() == ["customer_won_back"]
