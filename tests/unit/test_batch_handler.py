"""A batch handler runs once per batch of events, acks them after it returns, and hands a
failed batch's events over one at a time, so a poison event is retried alone."""

import sys
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from kombu import Exchange

from clientela.config import Settings
from clientela.events import parse_event
from clientela.messaging import ATTEMPT_HEADER, BatchEventHandler, handler_queues
from clientela.services.prospects import events

IMPORTED_AT = datetime(2026, 3, 2, 9, tzinfo=UTC)
SETTINGS = Settings(event_batch_size=3, event_batch_linger_ms=0, event_retry_attempts=3)


def capture(number: int):
    """A visitor of an imported fair list, announced as prospects does."""
    profile = {
        "_id": f"p{number}",
        "email": f"visitante{number}@empresa.mx",
        "first_name": "Lucía",
        "last_name": "García",
        "source": "fairs",
        "origin": {"fair": "Expo Norte 2026"},
        "captured_at": IMPORTED_AT + timedelta(seconds=number),
        "completeness": 60.0,
        "score": 30,
    }
    return parse_event(events.captured(profile))


class Broker:
    """What the handler tells the broker: acks, requeues, and messages moved to retry."""

    def __init__(self) -> None:
        self.acked: list = []
        self.requeued: list = []
        self.moved: list[tuple[str, dict]] = []

    def ack_message(self, message) -> None:
        self.acked.append(message)

    def requeue_message(self, message) -> None:
        self.requeued.append(message)

    def publish(self, body, routing_key, headers, **options) -> None:
        self.moved.append((routing_key, headers))


class Container:
    """Runs each worker at once; managed threads (the linger, the fallback) when told."""

    def __init__(self, method) -> None:
        self.method = method
        self.threads: list = []
        self.killed = False

    def spawn_worker(self, entrypoint, args, kwargs, context_data, handle_result) -> None:
        if self.killed:
            from nameko.exceptions import ContainerBeingKilled

            raise ContainerBeingKilled()
        try:
            result, exc_info = self.method(*args), None
        except Exception:
            result, exc_info = None, sys.exc_info()
        handle_result(None, result, exc_info)

    def spawn_managed_thread(self, run, identifier=None) -> None:
        self.threads.append(run)

    def run_threads(self) -> None:
        while self.threads:
            self.threads.pop(0)()


class Projection:
    """A service method: the batches it was given, and the acks seen while it ran."""

    def __init__(self, broker: Broker, poison: set[str] = frozenset()) -> None:
        self.broker = broker
        self.poison = poison
        self.batches: list[list[str]] = []
        self.acked_while_writing: list[int] = []

    def __call__(self, batch) -> None:
        ids = [event.payload["prospect_id"] for event in batch]
        self.batches.append(ids)
        self.acked_while_writing.append(len(self.broker.acked))
        if self.poison & set(ids):
            raise ValueError(f"cannot write {sorted(self.poison & set(ids))}")


def batch_handler(projection: Projection) -> tuple[BatchEventHandler, Container]:
    handler = BatchEventHandler.__new__(BatchEventHandler)
    handler.queue_consumer = projection.broker
    handler.publisher = projection.broker
    handler.settings = SETTINGS
    handler.queues = handler_queues(
        Exchange("prospects.events", type="topic"),
        "prospect_captured",
        "kpi",
        "handle_prospect_captured",
        SETTINGS.nameko_config(),
    )
    handler.queue = handler.queues.main
    handler._pending = []
    handler.container = Container(projection)
    return handler, handler.container


def message(number: int, attempt: int = 1):
    return SimpleNamespace(
        number=number,
        headers={ATTEMPT_HEADER: attempt},
        delivery_info={"routing_key": "prospect_captured"},
        body=b"{}",
        content_type="application/json",
        content_encoding="utf-8",
    )


def deliver(handler: BatchEventHandler, numbers) -> list:
    delivered = [message(number) for number in numbers]
    for number, delivered_message in zip(numbers, delivered, strict=True):
        handler.dispatch(capture(number), delivered_message)
    return delivered


def test_events_are_handled_in_batches_of_the_configured_size_and_the_rest_after_the_linger():
    broker = Broker()
    projection = Projection(broker)
    handler, container = batch_handler(projection)

    delivered = deliver(handler, range(1, 8))
    assert projection.batches == [["p1", "p2", "p3"], ["p4", "p5", "p6"]]

    container.run_threads()  # the linger after the first event of each batch

    assert projection.batches[-1] == ["p7"]
    assert [m.number for m in broker.acked] == [m.number for m in delivered]


def test_a_batch_is_acked_only_once_its_write_returned():
    broker = Broker()
    projection = Projection(broker)
    handler, _ = batch_handler(projection)

    deliver(handler, range(1, 7))

    assert projection.acked_while_writing == [0, 3]
    assert len(broker.acked) == 6 and not broker.moved


def test_a_poison_event_is_retried_alone_while_the_rest_of_its_batch_is_acked():
    broker = Broker()
    projection = Projection(broker, poison={"p2"})
    handler, container = batch_handler(projection)

    deliver(handler, range(1, 4))
    assert broker.acked == []
    container.run_threads()

    assert projection.batches == [["p1", "p2", "p3"], ["p1"], ["p2"], ["p3"]]
    [(queue, headers)] = broker.moved
    assert queue.startswith("kpi.handle_prospect_captured.retry.")
    assert headers[ATTEMPT_HEADER] == 2 and "cannot write ['p2']" in headers["x-clientela-error"]
    assert sorted(m.number for m in broker.acked) == [1, 2, 3]  # p2 once moved to its retry


def test_a_failing_batch_of_one_goes_to_retry_without_running_again():
    broker = Broker()
    projection = Projection(broker, poison={"p1"})
    handler, container = batch_handler(projection)

    deliver(handler, [1])
    container.run_threads()

    assert projection.batches == [["p1"]]
    assert [queue for queue, _ in broker.moved] == ["kpi.handle_prospect_captured.retry.2000ms"]


def test_a_batch_the_stopping_container_refuses_goes_back_to_the_queue():
    broker = Broker()
    projection = Projection(broker)
    handler, container = batch_handler(projection)
    container.killed = True

    delivered = deliver(handler, range(1, 4))

    assert broker.requeued == delivered and broker.acked == []
