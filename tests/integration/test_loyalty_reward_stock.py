"""Rewards from the programme file on the real loyalty service: two customers racing for the
last unit of a reward, exactly one gets it and the other is told it is out of stock."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from nameko.standalone.events import event_dispatcher

from clientela.cli.client import wait_for
from clientela.clock import utcnow
from clientela.errors import Conflict, NotFound
from clientela.events import new_event

PROGRAMME = """\
tiers:
  - {name: member, threshold: 0}
  - {name: insider, threshold: 5000, multiplier: "1.5"}
rewards:
  - {code: MUG, name: A clientela mug, cost: 100, stock: 1}
"""


@pytest.fixture
def rpc(clientela_platform, clientela_settings, tmp_path):
    path = tmp_path / "programme.yaml"
    path.write_text(PROGRAMME, encoding="utf-8")
    return clientela_platform(
        "loyalty", settings=replace(clientela_settings, loyalty_programme=str(path))
    )


@pytest.fixture
def customers(rpc, clientela_settings):
    """Ana and Luis, members with 300 points each."""
    dispatch = event_dispatcher(clientela_settings.nameko_config())
    for n, customer_id in enumerate(("C-ana", "C-luis")):
        created = {
            "customer_id": customer_id,
            "prospect_id": f"P-{customer_id}",
            "name": customer_id,
            "email": None,
            "captive": True,
            "created_at": utcnow() - timedelta(days=100),
        }
        dispatch("customers", "customer_created", new_event("customer_created", created))
        purchase = {
            "purchase_id": f"F-{n}",
            "customer_id": customer_id,
            "amount": Decimal("300"),
            "currency": "MXN",
            "purchased_at": utcnow(),
        }
        dispatch("customers", "purchase_recorded", new_event("purchase_recorded", purchase))
    for customer_id in ("C-ana", "C-luis"):
        wait_for(lambda: rpc.loyalty.balance(customer_id), lambda b: b["points"] == 300)  # noqa: B023
        wait_for(lambda: rpc.loyalty.referral_code(customer_id), not_yet=(NotFound,))  # noqa: B023
    return ("C-ana", "C-luis")


def test_two_concurrent_redemptions_of_the_last_unit_exactly_one_wins(rpc, customers):
    assert [(r["code"], r["left"]) for r in rpc.loyalty.rewards()] == [("MUG", 1)]

    racing = [
        rpc.loyalty.redeem.call_async(customer_id, "MUG", "req-1") for customer_id in customers
    ]
    redeemed, refused = [], []
    for reply in racing:
        try:
            redeemed.append(reply.result())
        except Conflict as refusal:
            refused.append(str(refusal))

    assert [posted["balance"] for posted in redeemed] == [200]
    assert refused == ["reward: MUG (A clientela mug) is out of stock"]
    assert sorted(rpc.loyalty.balance(c)["points"] for c in customers) == [200, 300]
    assert [(r["code"], r["left"]) for r in rpc.loyalty.rewards()] == [("MUG", 0)]
    assert [t["name"] for t in rpc.loyalty.tiers()] == ["member", "insider"]
