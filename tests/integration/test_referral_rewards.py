"""Referral rewards on real services: a referrer earns points once their friend converts."""

import json

import pytest
from kombu import Connection
from nameko.standalone.events import event_dispatcher

from clientela.cli.client import wait_for
from clientela.clock import utcnow
from clientela.errors import InvalidInput, NotFound
from clientela.events import new_event

REWARD = 500
WATCH = "watch-points-earned"


def converted(prospect_id, **referral):
    """A prospect_converted envelope, with ``referrer`` and/or ``referral_code`` if given."""
    return new_event(
        "prospect_converted",
        {
            "prospect_id": prospect_id,
            "email": f"{prospect_id}@example.com",
            "source": "referrals",
            "captured_at": utcnow(),
            "converted_at": utcnow(),
            "basis": "purchase",
            **referral,
        },
    )


@pytest.fixture
def publish(clientela_settings):
    """``publish(envelope)``: publish a prospect_converted event as the prospects service."""
    dispatch = event_dispatcher(clientela_settings.nameko_config())
    return lambda envelope: dispatch("prospects", "prospect_converted", envelope)


@pytest.fixture
def clientela_settings(clientela_module_settings):
    """The module's settings: its tests share the services they run on."""
    return clientela_module_settings


@pytest.fixture
def rpc(clientela_module_platform, clientela_settings):
    proxy = clientela_module_platform("customers", "loyalty")
    with Connection(clientela_settings.amqp_uri) as connection:
        channel = connection.default_channel
        channel.queue_declare(WATCH, durable=False)
        channel.queue_bind(WATCH, "loyalty.events", "points_earned")
        channel.queue_purge(WATCH)  # what an earlier test of the module announced
    return proxy


def queue_depth(amqp_uri, queue):
    with Connection(amqp_uri) as connection:
        return connection.default_channel.queue_declare(queue, passive=True).message_count


def announcements(amqp_uri):
    """The points_earned events published so far (consumed)."""
    taken = []
    with Connection(amqp_uri) as connection:
        while (message := connection.default_channel.basic_get(WATCH, no_ack=True)) is not None:
            taken.append(json.loads(message.body)["payload"])
    return taken


@pytest.fixture
def ana(rpc, publish):
    """An existing customer (converted from prospect p-ana) that loyalty knows."""
    publish(converted("p-ana"))
    customer = wait_for(lambda: rpc.customers.find_by_prospect("p-ana"), not_yet=(NotFound,))
    wait_for(lambda: rpc.loyalty.referral_code(customer["id"]), not_yet=(NotFound,))
    return customer["id"]


def test_a_customer_gets_one_stable_code_that_resolves_to_them(rpc, ana):
    code = rpc.loyalty.referral_code(ana)

    assert rpc.loyalty.referral_code(ana) == code
    assert len(code.replace("-", "")) == 8
    assert rpc.loyalty.resolve_referral_code(f" {code.lower()} ") == ana
    with pytest.raises(NotFound, match="code"):
        rpc.loyalty.resolve_referral_code("ZZZZ-ZZZZ")
    with pytest.raises(NotFound, match="customer_id"):
        rpc.loyalty.referral_code("no-such-customer")
    with pytest.raises(InvalidInput) as bad_code:
        rpc.loyalty.resolve_referral_code(["7KQ2-M9XA"])
    assert "code" in bad_code.value.errors


def test_the_referrer_is_rewarded_once_when_their_friend_converts(
    rpc, ana, publish, clientela_settings
):
    code = rpc.loyalty.referral_code(ana)
    luis = converted("p-luis", referral_code=code.replace("-", " ").lower())
    publish(luis)

    balance = wait_for(lambda: rpc.loyalty.balance(ana), lambda b: b["points"])
    assert balance["points"] == REWARD
    [entry] = balance["latest"]
    assert entry["id"] == "referral:p-luis"
    assert "p-luis" in entry["reason"]

    publish(luis)  # delivered again
    publish(converted("p-ana", referrer=ana))  # Ana referring herself
    publish(converted("p-x", referral_code="ZZZZ-ZZZZ"))  # a code nobody has
    publish(converted("p-y", referrer="no-such-customer"))  # retried, then parked for review
    publish(converted("p-eva", referrer=ana))  # sentinel: credited after those above
    wait_for(lambda: rpc.loyalty.balance(ana), lambda b: len(b["latest"]) >= 2)
    queue = "loyalty.handle_prospect_converted"
    wait_for(lambda: queue_depth(clientela_settings.amqp_uri, queue) == 0)

    parked = f"{queue}.parked"
    assert wait_for(lambda: queue_depth(clientela_settings.amqp_uri, parked)) == 1
    balance = rpc.loyalty.balance(ana)
    assert balance["points"] == 2 * REWARD
    assert sorted(entry["id"] for entry in balance["latest"]) == [
        "referral:p-eva",
        "referral:p-luis",
    ]
    earned = announcements(clientela_settings.amqp_uri)
    assert sorted((e["entry_id"], e["customer_id"], e["points"]) for e in earned) == [
        ("referral:p-eva", ana, REWARD),
        ("referral:p-luis", ana, REWARD),
    ]
