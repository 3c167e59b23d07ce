"""Win-back on the real loyalty service: customers' lost marks rank the lost by what they
bought, a campaign targets the top ones, and a targeted customer buying again is won back."""

from datetime import timedelta
from decimal import Decimal

import pytest
from nameko.standalone.events import event_dispatcher

from clientela.cli.client import wait_for
from clientela.clock import utcnow
from clientela.events import new_event


@pytest.fixture
def rpc(clientela_platform):
    return clientela_platform("loyalty")


@pytest.fixture
def as_customers(clientela_settings):
    """``as_customers(name, payload)``: publish a customers event."""
    dispatch = event_dispatcher(clientela_settings.nameko_config())
    return lambda name, payload: dispatch("customers", name, new_event(name, payload))


def buy(as_customers, customer_id, purchase_id, amount, at):
    as_customers(
        "purchase_recorded",
        {
            "purchase_id": purchase_id,
            "customer_id": customer_id,
            "amount": Decimal(amount),
            "currency": "MXN",
            "purchased_at": at,
        },
    )


def test_the_most_valuable_lost_customer_targeted_and_won_back(rpc, as_customers):
    now = utcnow()
    lost_at = now - timedelta(days=30)
    spent = {"C-big": "9000", "C-mid": "1200", "C-small": "300"}
    for n, (customer_id, amount) in enumerate(spent.items()):
        buy(as_customers, customer_id, f"F-{n}", amount, lost_at - timedelta(days=60))
    for customer_id in spent:  # their purchases seen before they are marked lost
        wait_for(lambda: rpc.loyalty.balance(customer_id), lambda b: b["points"])  # noqa: B023
    for customer_id in spent:
        as_customers(
            "customer_lost", {"customer_id": customer_id, "lost_at": lost_at, "reason": "price"}
        )

    ranked = wait_for(lambda: rpc.loyalty.lost_customers(10), lambda found: len(found) == 3)
    assert [(c["customer_id"], c["past_value"]) for c in ranked] == [
        ("C-big", "9000"),
        ("C-mid", "1200"),
        ("C-small", "300"),
    ]
    campaign = {
        "campaign_id": "W-1",
        "name": "Come back for 20% off",
        "starts_at": (now - timedelta(days=1)).isoformat(),
        "ends_at": (now + timedelta(days=30)).isoformat(),
        "top": 2,
        "by": "maria",
    }
    launched = rpc.loyalty.launch_campaign(**campaign)
    assert launched["targeted"] == ["C-big", "C-mid"]

    buy(as_customers, "C-mid", "F-back", "150", now)
    result = wait_for(lambda: rpc.loyalty.campaign("W-1"), lambda c: c["won_back_count"])
    assert (result["won_back"], result["targeted_count"], result["rate"]) == (["C-mid"], 2, 50.0)
    assert [c["customer_id"] for c in rpc.loyalty.lost_customers(10)] == ["C-big", "C-small"]
