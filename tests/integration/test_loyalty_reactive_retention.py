"""Reactive retention on the real loyalty service: a departure opens a case, a refused offer
is bettered, the accepted one retains the customer; the steps are kept and the end is told."""

import json
from datetime import timedelta

import pytest
from kombu import Connection
from nameko.standalone.events import event_dispatcher

from clientela.cli.client import wait_for
from clientela.clock import utcnow
from clientela.errors import Conflict, NotFound
from clientela.events import new_event

WATCH = "watch-retention-cases"


@pytest.fixture
def rpc(clientela_platform, clientela_settings):
    proxy = clientela_platform("loyalty")
    with Connection(clientela_settings.amqp_uri) as connection:
        channel = connection.default_channel
        channel.queue_declare(WATCH, durable=False)
        channel.queue_bind(WATCH, "loyalty.events", "retention_case_closed")
    return proxy


@pytest.fixture
def ana(rpc, clientela_settings):
    dispatch = event_dispatcher(clientela_settings.nameko_config())
    created = {
        "customer_id": "C-ana",
        "prospect_id": "P-ana",
        "name": "Ana",
        "email": "ana@example.com",
        "captive": True,
        "created_at": utcnow() - timedelta(days=400),
    }
    dispatch("customers", "customer_created", new_event("customer_created", created))
    wait_for(lambda: rpc.loyalty.referral_code("C-ana"), not_yet=(NotFound,))
    return "C-ana"


def test_a_departure_is_answered_with_offers_until_the_customer_stays(rpc, ana, clientela_settings):
    case = rpc.loyalty.start_retention(ana, "a competitor offers 10% less", "maria")
    assert rpc.loyalty.start_retention(ana, "said again", "maria")["id"] == case["id"]

    rpc.loyalty.offer_retention(case["id"], "5% off the renewal", "maria")
    rpc.loyalty.answer_retention(case["id"], False, "maria", "not enough")
    rpc.loyalty.offer_retention(case["id"], "12% off the renewal", "luis")
    with pytest.raises(Conflict, match="no accepted offer"):
        rpc.loyalty.close_retention(case["id"], "retained", "luis")
    rpc.loyalty.answer_retention(case["id"], True, "luis", "takes it")
    closed = rpc.loyalty.close_retention(case["id"], "retained", "luis", "renewed for a year")

    assert (closed["state"], closed["offer"], closed["accepted"]) == (
        "retained",
        "12% off the renewal",
        True,
    )
    assert [step["state"] for step in rpc.loyalty.retention_case(case["id"])["history"]] == [
        "announced",
        "offered",
        "refused",
        "offered",
        "accepted",
        "retained",
    ]
    assert rpc.loyalty.retention_cases(True) == []
    with Connection(clientela_settings.amqp_uri) as connection:
        message = connection.default_channel.basic_get(WATCH, no_ack=True)
    told = json.loads(message.body)["payload"]
    assert (told["case_id"], told["outcome"], told["offers"]) == (case["id"], "retained", 2)
