"""The production broker profile: each service as its own user, a forged event refused."""

import json
import secrets
import uuid
from urllib.parse import urlsplit

import amqp
import pytest
from kombu import Connection
from nameko.runners import ServiceRunner
from nameko.standalone.rpc import ClusterRpcProxy

from clientela.broker_users import INTEGRATOR, broker_definitions, password_variable
from clientela.cli.client import wait_for
from clientela.cli.services import platform_classes, platform_services
from clientela.clock import utcnow
from clientela.discovery import service_class
from clientela.events import new_event
from clientela.messaging import declare_topology, queue_counts, virtual_host


@pytest.fixture
def broker_users(rabbit_admin, clientela_settings):
    """``as_user(name)``: the test's settings connecting as that user of the generated profile."""
    if not rabbit_admin.use_api:
        pytest.skip("needs the RabbitMQ management API")
    vhost = virtual_host(clientela_settings.amqp_uri)
    prefix = f"t{uuid.uuid4().hex[:10]}-"
    passwords = {
        f"{prefix}{name}": secrets.token_hex(12) for name in (*platform_services(), INTEGRATOR)
    }
    definitions = broker_definitions(
        clientela_settings,
        platform_classes(),
        vhost=vhost,
        user_prefix=prefix,
        environ={password_variable(user): password for user, password in passwords.items()},
    )
    created = rabbit_admin.load_definitions(vhost, definitions)
    try:
        assert sorted(created) == sorted(passwords)

        def as_user(name):
            user = f"{prefix}{name}"
            broker = urlsplit(clientela_settings.amqp_uri)
            uri = f"amqp://{user}:{passwords[user]}@{broker.hostname}:{broker.port}{broker.path}"
            return clientela_settings.replace(amqp_uri=uri)

        yield as_user
    finally:
        for user in created:
            rabbit_admin.delete_user(user)


@pytest.fixture
def runners():
    started = []

    def run(name, settings):
        config = settings.nameko_config()
        declare_topology(platform_classes(), config)  # all there already: checked, not declared
        runner = ServiceRunner(config)
        runner.add_service(service_class(name))
        runner.start()
        started.append(runner)

    yield run
    for runner in started:
        runner.stop()


def publish(settings, exchange, routing_key, body):
    """Publish ``body`` as JSON and wait for the broker's confirm."""
    with Connection(settings.amqp_uri, transport_options={"confirm_publish": True}) as connection:
        message = amqp.Message(json.dumps(body, default=str), content_type="application/json")
        connection.default_channel.basic_publish(message, exchange, routing_key)


def captured_count(rpc):
    periods = rpc.kpi.indicators("month")["periods"]
    return periods[-1]["I1_new_prospects"] if periods else 0


def forged_capture():
    return new_event(
        "prospect_captured",
        {
            "prospect_id": f"forged-{uuid.uuid4().hex}",
            "email": "forged@example.com",
            "source": "webforms",
            "captured_at": utcnow(),
            "completeness": 20.0,
            "score": 0,
        },
    )


def test_services_run_as_their_own_users_and_only_prospects_may_announce_captures(
    clientela_settings, broker_users, runners
):
    runners("prospects", broker_users("prospects"))
    runners("kpi", broker_users("kpi"))
    lead = {"email": "ana@example.com", "utm_source": "google"}

    publish(broker_users(INTEGRATOR), "prospects.inbox", "leads.webforms", lead)

    with ClusterRpcProxy(clientela_settings.nameko_config(), timeout=30) as rpc:
        wait_for(lambda: captured_count(rpc) == 1)
        for forger in ("kpi", INTEGRATOR):
            with pytest.raises(amqp.exceptions.AccessRefused, match=r"prospects\.events"):
                publish(
                    broker_users(forger), "prospects.events", "prospect_captured", forged_capture()
                )
        with pytest.raises(amqp.exceptions.AccessRefused, match=r"prospects\.capture_leads"):
            publish(broker_users("kpi"), "nameko-rpc", "prospects.capture_leads", {})  # no calls
        publish(
            broker_users(INTEGRATOR),
            "prospects.inbox",
            "leads.webforms",
            {"email": "b@example.com"},
        )
        wait_for(lambda: captured_count(rpc) >= 2)
        assert captured_count(rpc) == 2  # the two real leads, none of the forged events


def test_a_service_parks_what_it_cannot_read_through_its_own_redelivery_exchange(
    clientela_settings, broker_users, runners
):
    runners("kpi", broker_users("kpi"))

    publish(broker_users("prospects"), "prospects.events", "prospect_captured", "not an event")

    parked = "kpi.handle_prospect_captured.parked"
    with Connection(clientela_settings.amqp_uri) as connection:
        wait_for(lambda: queue_counts(connection, parked)[0] == 1)


def test_customers_may_call_the_owners_of_its_view_and_loyalty_may_not_call_anyone(
    clientela_settings, broker_users, runners
):
    runners("customers", broker_users("customers"))
    runners("loyalty", broker_users("loyalty"))

    with ClusterRpcProxy(clientela_settings.nameko_config(), timeout=30) as rpc:
        rpc.customers.create(customer_ref="CU-1", first_name="Ana")
        view = rpc.customers.view("CU-1")
    assert view["profile"]["first_name"] == "Ana"
    assert view["loyalty"]["status"] == "ok"  # called as the customers user
    with pytest.raises(amqp.exceptions.AccessRefused, match=r"customers\.get"):
        publish(broker_users("loyalty"), "nameko-rpc", "customers.get", {})
