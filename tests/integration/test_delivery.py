"""Delivery guarantees on the real broker: retry, park, early events, relay, duplicates."""

import json

import pytest
from kombu import Connection
from nameko.standalone.events import event_dispatcher, get_event_exchange

from clientela.cli.client import wait_for
from clientela.clock import utcnow
from clientela.events import new_event
from clientela.messaging import (
    ATTEMPT_HEADER,
    ERROR_HEADER,
    declare_topology,
    handler_queues,
    handles,
    replay_parked,
)
from clientela.services.customers.service import CustomersService


def captured_event(email="eva@example.com"):
    return new_event(
        "prospect_captured",
        {
            "prospect_id": email,
            "email": email,
            "source": "fairs",
            "captured_at": utcnow(),
            "completeness": 20.0,
            "score": 0,
        },
    )


def take_all(amqp_uri, queue):
    """Every message waiting in ``queue`` (consumed)."""
    messages = []
    with Connection(amqp_uri) as connection:
        channel = connection.default_channel
        while (message := channel.basic_get(queue, no_ack=True)) is not None:
            messages.append(message)
    return messages


def queue_depth(amqp_uri, queue):
    with Connection(amqp_uri) as connection:
        return connection.default_channel.queue_declare(queue, passive=True).message_count


class Recorder:
    """A service whose handler fails its first ``failures`` calls."""

    name = "recorder"
    failures = 0
    calls: list = []

    @handles("prospects", "prospect_captured")
    def handle_prospect_captured(self, event):
        Recorder.calls.append(event.id)
        if len(Recorder.calls) <= Recorder.failures:
            raise RuntimeError("storage hiccup")


@pytest.fixture
def recorder(clientela_settings, container_factory):
    # clientela_settings first: its vhost must outlive the container on teardown
    def start(failures):
        Recorder.failures, Recorder.calls = failures, []
        config = clientela_settings.nameko_config()
        declare_topology([Recorder], config)
        container = container_factory(Recorder, config)
        container.start()
        return config

    return start


def publish(config, envelope):
    event_dispatcher(config)("prospects", "prospect_captured", envelope)


def test_a_failing_handler_is_retried_until_it_succeeds(recorder, amqp_uri):
    config = recorder(failures=2)  # three attempts are allowed
    event = captured_event()
    publish(config, event)

    wait_for(lambda: len(Recorder.calls) == 3)
    assert Recorder.calls == [event["id"]] * 3
    assert queue_depth(amqp_uri, "recorder.handle_prospect_captured.parked") == 0


def test_a_handler_that_keeps_failing_parks_the_event_with_its_error(recorder, amqp_uri):
    config = recorder(failures=100)
    event = captured_event()
    publish(config, event)

    parked = wait_for(lambda: take_all(amqp_uri, "recorder.handle_prospect_captured.parked"))
    assert len(Recorder.calls) == 3
    [message] = parked
    assert json.loads(message.body)["id"] == event["id"]
    assert message.headers[ATTEMPT_HEADER] == 3
    assert "RuntimeError: storage hiccup" in message.headers[ERROR_HEADER]
    queues = handler_queues(
        get_event_exchange("prospects", config),
        "prospect_captured",
        "recorder",
        "handle_prospect_captured",
        config,
    )
    assert [queue.name for queue in queues.retries] == [
        "recorder.handle_prospect_captured.retry.100ms",
        "recorder.handle_prospect_captured.retry.200ms",
    ]
    for queue in (queues.main, *queues.retries):
        assert queue_depth(amqp_uri, queue.name) == 0


def test_an_operator_replays_parked_events_once_the_cause_is_fixed(recorder, amqp_uri):
    config = recorder(failures=3)  # every attempt of the first delivery fails
    publish(config, captured_event())
    parked = "recorder.handle_prospect_captured.parked"
    wait_for(lambda: queue_depth(amqp_uri, parked) == 1)

    assert replay_parked("recorder.handle_prospect_captured", config) == 1

    wait_for(lambda: len(Recorder.calls) == 4)  # the fourth attempt succeeds
    assert queue_depth(amqp_uri, parked) == 0


def test_an_invalid_event_is_parked_at_once_and_never_handled(recorder, amqp_uri):
    config = recorder(failures=0)
    broken = captured_event()
    broken["payload"]["email"] = "not-an-email"
    publish(config, broken)

    [message] = wait_for(lambda: take_all(amqp_uri, "recorder.handle_prospect_captured.parked"))
    assert "payload.email" in message.headers[ERROR_HEADER]
    assert Recorder.calls == []


def test_an_event_routed_under_another_type_is_parked_at_once(recorder, amqp_uri):
    config = recorder(failures=0)
    updated = new_event(
        "prospect_updated",
        {
            "prospect_id": "p1",
            "completeness": 40.0,
            "score": 10,
            "reason": "edit",
            "updated_at": utcnow(),
        },
    )
    publish(config, updated)  # a valid prospect_updated, routed as prospect_captured

    [message] = wait_for(lambda: take_all(amqp_uri, "recorder.handle_prospect_captured.parked"))
    assert "'prospect_updated' routed as 'prospect_captured'" in message.headers[ERROR_HEADER]
    assert ATTEMPT_HEADER not in message.headers  # parked without a single retry
    assert Recorder.calls == []


def test_a_message_that_is_not_even_json_is_parked_and_the_service_keeps_going(recorder, amqp_uri):
    config = recorder(failures=0)
    with Connection(amqp_uri) as connection:
        connection.default_channel.basic_publish(
            connection.default_channel.prepare_message(
                b"{not json", content_type="application/json"
            ),
            exchange="prospects.events",
            routing_key="prospect_captured",
        )

    [message] = wait_for(lambda: take_all(amqp_uri, "recorder.handle_prospect_captured.parked"))
    assert message.body == b"{not json"
    assert "undecodable application/json" in message.headers[ERROR_HEADER]

    event = captured_event()
    publish(config, event)
    wait_for(lambda: Recorder.calls == [event["id"]])


def test_events_published_before_the_consumer_starts_wait_for_it(
    clientela_settings, clientela_platform, converted_event
):
    config = clientela_settings.nameko_config()
    declare_topology([CustomersService], config)
    event_dispatcher(config)("prospects", "prospect_converted", converted_event("p-early"))

    rpc = clientela_platform("customers")
    customer = wait_for(lambda: rpc.customers.find_by_prospect("p-early"), not_yet=(Exception,))
    assert customer["email"] == "p-early@example.com"


def test_the_same_event_delivered_twice_is_applied_once(
    clientela_settings, clientela_platform, converted_event, service_database
):
    config = clientela_settings.nameko_config()
    rpc = clientela_platform("customers")
    with Connection(clientela_settings.amqp_uri) as connection:
        watcher = connection.default_channel
        watcher.queue_declare("watch-customer-created", durable=False)
        watcher.queue_bind("watch-customer-created", "customers.events", "customer_created")
    converted = converted_event("p-twice")
    dispatch = event_dispatcher(config)
    dispatch("prospects", "prospect_converted", converted)
    dispatch("prospects", "prospect_converted", converted)

    wait_for(lambda: rpc.customers.find_by_prospect("p-twice"), not_yet=(Exception,))
    database = service_database("customers")
    wait_for(
        lambda: queue_depth(clientela_settings.amqp_uri, "customers.handle_prospect_converted") == 0
    )
    wait_for(lambda: queue_depth(clientela_settings.amqp_uri, "watch-customer-created") >= 1)
    assert database.customers.count_documents({"prospect_id": "p-twice"}) == 1
    announcements = take_all(clientela_settings.amqp_uri, "watch-customer-created")
    assert len(announcements) == 1


def test_an_event_left_in_an_outbox_by_a_crash_is_relayed(clientela_platform, service_database):
    database = service_database("prospects")
    stranded = captured_event("stranded@example.com")
    database.prospects.insert_one(
        {
            "_id": "stranded@example.com",
            "email": "stranded@example.com",
            "status": "new",
            "source": "fairs",
            "captured_at": utcnow(),
            "updated_at": utcnow(),
            "captures": [],
            "outbox": [stranded],
            "outbox_pending_at": utcnow(),
        }
    )
    rpc = clientela_platform("prospects", "kpi")

    month = wait_for(
        lambda: rpc.kpi.indicators("month")["periods"], lambda p: p and p[-1]["I1_new_prospects"]
    )
    assert month[-1]["I1_new_prospects"] == 1
    relayed = wait_for(
        lambda: database.prospects.find_one({"_id": "stranded@example.com"}),
        lambda doc: not doc["outbox"] and "outbox_pending_at" not in doc,
    )
    assert relayed["outbox"] == []
