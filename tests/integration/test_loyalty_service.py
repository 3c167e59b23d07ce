"""Loyalty on the real service: purchases earn points and a tier, the last points can be
spent only once however many redemptions race for them, and an idle detractor raises an
alarm."""

from datetime import timedelta
from decimal import Decimal

import pytest
from nameko.standalone.events import event_dispatcher

from clientela.cli.client import wait_for
from clientela.clock import utcnow
from clientela.errors import Conflict, InvalidInput, NotFound
from clientela.events import new_event


@pytest.fixture
def rpc(clientela_platform):
    return clientela_platform("loyalty")


@pytest.fixture
def announce(clientela_settings):
    """``announce(source, name, payload)``: publish an event as service ``source``."""
    dispatch = event_dispatcher(clientela_settings.nameko_config())
    return lambda source, name, payload: dispatch(source, name, new_event(name, payload))


@pytest.fixture
def as_customers(announce):
    """``as_customers(name, payload)``: publish a customers event."""
    return lambda name, payload: announce("customers", name, payload)


@pytest.fixture
def ana(rpc, as_customers):
    """A customer loyalty knows, with no points yet."""
    as_customers(
        "customer_created",
        {
            "customer_id": "C-ana",
            "prospect_id": "P-ana",
            "name": "Ana",
            "email": "ana@example.com",
            "captive": True,
            "created_at": utcnow() - timedelta(days=400),
        },
    )
    wait_for(lambda: rpc.loyalty.referral_code("C-ana"), not_yet=(NotFound,))
    return "C-ana"


def buy(as_customers, purchase_id: str, amount: str, days_ago: int = 0) -> None:
    as_customers(
        "purchase_recorded",
        {
            "purchase_id": purchase_id,
            "customer_id": "C-ana",
            "amount": Decimal(amount),
            "currency": "MXN",
            "purchased_at": utcnow() - timedelta(days=days_ago),
        },
    )


def test_a_purchase_gives_points_and_a_tier(rpc, ana, as_customers):
    buy(as_customers, "F-1", "1200.50")

    balance = wait_for(lambda: rpc.loyalty.balance(ana), lambda b: b["points"])
    assert (balance["points"], balance["tier"]) == (1200, "silver")
    assert [entry["id"] for entry in balance["latest"]] == ["purchase:F-1"]


def test_two_concurrent_redemptions_of_the_last_points_exactly_one_succeeds(rpc, ana, as_customers):
    buy(as_customers, "F-1", "150")
    wait_for(lambda: rpc.loyalty.balance(ana), lambda b: b["points"] == 150)

    racing = [rpc.loyalty.redeem.call_async(ana, "COFFEE", f"req-{n}") for n in (1, 2)]
    redeemed, refused = [], []
    for reply in racing:
        try:
            redeemed.append(reply.result())
        except Conflict as refusal:
            refused.append(str(refusal))

    assert [result["balance"] for result in redeemed] == [0]
    assert len(refused) == 1 and "more than the balance of 0" in refused[0]
    balance = rpc.loyalty.balance(ana)
    assert balance["points"] == 0
    assert sorted(entry["kind"] for entry in balance["latest"]) == ["earn", "redeem"]


def test_inactivity_plus_a_detractor_answer_raises_an_alarm(rpc, ana, as_customers, announce):
    buy(as_customers, "F-1", "300", days_ago=120)
    wait_for(lambda: rpc.loyalty.balance(ana), lambda b: b["points"])
    assert rpc.loyalty.alarms(True) == []  # idle, but not enough for an alarm

    answer = {
        "answer_id": "A-1",
        "customer_id": ana,
        "survey": "nps",
        "score": 2,
        "category": "detractor",
        "channel": "web",
        "answered_at": utcnow(),
    }
    announce("feedback", "survey_answered", answer)

    [alarm] = wait_for(lambda: rpc.loyalty.alarms(True))
    assert (alarm["customer_id"], alarm["state"], alarm["score"]) == (ana, "open", 60)
    assert [reason["signal"] for reason in alarm["reasons"]] == ["inactive", "unhappy_answer"]
    closed = rpc.loyalty.close_alarm(alarm["id"], "retained")
    assert (closed["state"], closed["outcome"]) == ("closed", "retained")
    assert rpc.loyalty.alarms(True) == []


def test_a_breached_complaint_from_feedback_raises_the_alarm_of_an_idle_customer(
    rpc, ana, as_customers, announce
):
    buy(as_customers, "F-1", "300", days_ago=120)
    wait_for(lambda: rpc.loyalty.balance(ana), lambda b: b["points"])
    opened_at = utcnow() - timedelta(days=3)
    announce(
        "feedback",
        "complaint_breached",
        {
            "complaint_ref": "Q-1",
            "customer_id": ana,
            "category": "delivery",
            "severity": "high",
            "deadline": "response",
            "due_at": opened_at + timedelta(days=1),
        },
    )

    [alarm] = wait_for(lambda: rpc.loyalty.alarms(True))
    assert [reason["signal"] for reason in alarm["reasons"]] == ["inactive", "breached_complaint"]


def test_points_adjusted_by_hand_and_redeemed_and_the_catalogue_by_tier(rpc, ana):
    added = rpc.loyalty.adjust(ana, 200, "goodwill after a late delivery", "maria", "adj-1")
    assert rpc.loyalty.adjust(ana, 200, "goodwill after a late delivery", "maria", "adj-1") == added
    redeemed = rpc.loyalty.redeem(ana, "COFFEE", "req-1")

    assert (added["balance"], redeemed["balance"]) == (200, 50)
    with pytest.raises(InvalidInput) as refused:
        rpc.loyalty.adjust(ana, 10, "", "maria", "adj-2")
    assert "reason" in refused.value.errors
    [bronze, silver, gold] = rpc.loyalty.tiers()
    assert (bronze["name"], silver["threshold"], gold["multiplier"]) == ("bronze", 1000, "1.5")
    assert "VIP-DAY" in gold["rewards"] and "VIP-DAY" not in silver["rewards"]


def test_an_improvement_action_is_opened_when_smart_and_closed_with_its_effect(rpc):
    action = {
        "action_id": "ACT-1",
        "opportunity": "Detractors are never called back",
        "description": "Call every detractor back within 48 hours",
        "specific": "Agents call the month's detractors",
        "measurable": "NPS of the next quarter",
        "achievable": "Two agents, one hour a day",
        "relevant": "Heard detractors stay",
        "priority": "high",
        "owner": "maria",
        "indicator": "NPS",
        "target": "20",
        "before": "5",
        "due_at": (utcnow() + timedelta(days=90)).isoformat(),
    }
    opened = rpc.loyalty.add_action(**action)
    assert (opened["state"], [a["id"] for a in rpc.loyalty.actions(True)]) == ("open", ["ACT-1"])

    closed = rpc.loyalty.close_action("ACT-1", "22")
    assert (closed["effect"], closed["target_met"]) == ("17", True)
    assert rpc.loyalty.actions(True) == []
    with pytest.raises(InvalidInput) as refused:
        rpc.loyalty.add_action(**{**action, "action_id": "ACT-2", "achievable": ""})
    assert "achievable" in refused.value.errors
