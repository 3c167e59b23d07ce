"""RabbitMQ messaging done once for every service.

- :class:`EventPublisher` is the dependency a service publishes events with,
  each confirmed by the broker (see :mod:`clientela.outbox` for when).
- :func:`handles` declares an event handler that receives a validated
  :class:`~clientela.events.Event`. Unlike nameko's default (ack and drop on
  error) a failing handler's message is retried with doubling delays through
  ``<queue>.retry.<delay>ms`` queues (one per delay, so no retry waits behind a
  longer one; each dead-letters back to ``<queue>`` when its delay expires) and,
  after the configured number of attempts, parked in ``<queue>.parked`` with the
  error in its headers, where an operator can inspect and replay it. A message
  that is not a valid event (not even JSON) is parked at once.
- :func:`handles_batch` declares one that receives a list of such events, up to
  ``event_batch_size`` at a time, acked together once it returns; a failed
  batch is handled again one event at a time, retried and parked as above.
- :func:`declare_topology` declares every exchange, queue and binding of the
  platform before any service starts, so no event is dropped for lack of a
  bound queue even when the consuming service is not running yet.

A service publishes only to exchanges named after itself: ``<service>.events``
for its events and ``<service>.redelivery`` (direct) for moving a failed
message to its own retry or parking queue, never to the default exchange. It
declares only its own exchanges and queues, so it can run as a broker user
allowed no more than that (see :mod:`clientela.broker_users`).

Queue names are ``<service>.<handler method>``; a queue is shared by every
instance of a service, so scaling out means running more instances.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import logging
import time
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import unquote, urlsplit

import amqp
import eventlet
from kombu import Connection, Exchange, Queue
from kombu.exceptions import OperationalError
from kombu.pools import connections
from nameko.amqp.publish import Publisher
from nameko.containers import get_service_name
from nameko.events import SERVICE_POOL, EventHandler
from nameko.exceptions import ContainerBeingKilled
from nameko.extensions import DependencyProvider
from nameko.messaging import Consumer, QueueConsumer
from nameko.rpc import RpcProxy
from nameko.standalone.events import get_event_exchange
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from clientela.config import Settings
from clientela.errors import EXPECTED_ERRORS
from clientela.events import InvalidEvent, parse_event

log = logging.getLogger(__name__)

ATTEMPT_HEADER = "x-clientela-attempt"
ROUTING_KEY_HEADER = "x-original-routing-key"
"""Keeps a message's first routing key through retry and parking queues (and replays)."""
ERROR_HEADER = "x-clientela-error"
MAX_RETRY_DELAY_S = 300.0
BROKER_CONNECTION_ERRORS = (amqp.exceptions.ConnectionError, OperationalError, OSError)
"""What a lost or refused broker connection raises (amqp's, kombu's and the socket's)."""


class BrokerUnavailable(RuntimeError):
    """RabbitMQ cannot be reached with the configured URI."""


def masked(uri: str) -> str:
    """``uri`` with its password replaced by ``***``, the rest kept as written, for messages.

    Only the password changes: the user, every host of a seed list, the path
    and the query string (``?authSource=admin&tls=true``) stay as they are.
    """
    netloc = urlsplit(uri).netloc
    userinfo, at, _ = netloc.rpartition("@")
    user, colon, _ = userinfo.partition(":")
    if not (at and colon):
        return uri
    start = uri.index("//") + 2  # the user information follows the scheme's "//"
    return f"{uri[:start]}{user}:***{uri[start + len(userinfo) :]}"


def virtual_host(amqp_uri: str) -> str:
    """The RabbitMQ virtual host ``amqp_uri`` names (``/`` when it names none)."""
    return unquote(urlsplit(amqp_uri).path[1:]) or "/"


def check_broker(amqp_uri: str) -> None:
    """Raise BrokerUnavailable, saying what to do, unless RabbitMQ answers at ``amqp_uri``."""
    try:
        with Connection(amqp_uri, connect_timeout=5) as connection:
            connection.ensure_connection(max_retries=1)
    except (OperationalError, OSError) as exc:
        raise BrokerUnavailable(
            f"cannot reach RabbitMQ at {masked(amqp_uri)}: {exc}. Start it (for a local "
            "server: rabbitmq-server -detached) or point CLIENTELA_AMQP_URI at a running one."
        ) from None


def published_at() -> int:
    """The AMQP ``timestamp`` property of an event published now (whole seconds since the
    epoch): the broker reports the head message's, which tells how long a backlog waits."""
    return int(time.time())


def queue_counts(connection: Connection, name: str) -> tuple[int, int] | None:
    """(messages waiting, consumers) of queue ``name``; None when it does not exist.

    A passive declare: it needs no permission and changes nothing. The channel
    it uses is its own, since the broker closes a channel asking for a missing queue.
    """
    channel = connection.channel()
    try:
        _, waiting, consumers = channel.queue_declare(name, passive=True)
    except connection.channel_errors:
        return None
    finally:
        _close_quietly(channel, (*connection.channel_errors, *connection.connection_errors))
    return waiting, consumers


def _exchange_exists(connection: Connection, exchange: Exchange) -> bool:
    channel = connection.channel()
    try:
        channel.exchange_declare(exchange.name, exchange.type, passive=True)
    except connection.channel_errors:
        return False
    finally:
        _close_quietly(channel, (*connection.channel_errors, *connection.connection_errors))
    return True


def redelivery_exchange(service_name: str) -> Exchange:
    """Where ``service_name`` moves failed messages to its retry and parking queues."""
    return Exchange(f"{service_name}.redelivery", type="direct", durable=True)


@dataclass(frozen=True)
class HandlerQueues:
    """The queues behind one event handler: main, one retry queue per attempt, parking.

    ``source`` is the exchange the main queue is bound to; the main queue
    itself only binds to it (declaring it is the topology's job, since it
    usually belongs to another service).
    """

    source: Exchange
    main: Queue
    retries: tuple[Queue, ...]
    parked: Queue

    def all(self) -> tuple[Queue, ...]:
        """Every queue, for declaring them."""
        return self.main, *self.retries, self.parked


def retry_delay(settings: Settings, attempt: int) -> float:
    """Seconds to wait before attempt ``attempt + 1``: doubling, capped at five minutes."""
    return min(settings.event_retry_delay_ms / 1000 * 2 ** (attempt - 1), MAX_RETRY_DELAY_S)


def handler_queues(
    exchange: Exchange, routing_key: str, service_name: str, method_name: str, config: dict
) -> HandlerQueues:
    """The main, retry and parking queues of handler ``service_name.method_name``.

    The main queue is bound to ``exchange`` with ``routing_key``; the retry and
    parking queues to the service's :func:`redelivery_exchange` by their names.
    """
    name = f"{service_name}.{method_name}"
    settings = Settings.from_nameko(config)
    delays_ms = [
        round(retry_delay(settings, attempt) * 1000)
        for attempt in range(1, settings.event_retry_attempts)
    ]
    redelivery = redelivery_exchange(service_name)
    return HandlerQueues(
        source=exchange,
        main=Queue(
            name,
            exchange=Exchange(exchange.name, exchange.type, durable=True, no_declare=True),
            routing_key=routing_key,
            durable=True,
        ),
        retries=tuple(
            Queue(
                f"{name}.retry.{delay}ms",
                exchange=redelivery,
                routing_key=f"{name}.retry.{delay}ms",
                durable=True,
                queue_arguments={
                    "x-message-ttl": delay,
                    "x-dead-letter-exchange": "",
                    "x-dead-letter-routing-key": name,
                },
            )
            for delay in delays_ms
        ),
        parked=Queue(
            f"{name}.parked", exchange=redelivery, routing_key=f"{name}.parked", durable=True
        ),
    )


class ParkingQueueConsumer(QueueConsumer):
    """nameko's queue consumer, parking messages it cannot even decode.

    Without this a body that is not JSON raises inside the consumer loop, which
    kills the service, and the unacked message kills it again after a restart.
    """

    def get_consumers(self, consumer_cls: Any, channel: Any) -> Any:
        consumers = super().get_consumers(consumer_cls, channel)
        for provider, consumer in self._consumers.items():
            consumer.on_decode_error = provider.handle_undecodable
        return consumers


class ReliableEventHandler(EventHandler):
    """An event handler that validates events and never loses a failed one."""

    queue_consumer = ParkingQueueConsumer()

    def __init__(self, source_service: str, event_type: str, **kwargs: Any) -> None:
        super().__init__(
            source_service,
            event_type,
            handler_type=SERVICE_POOL,
            reliable_delivery=True,
            requeue_on_error=False,
            **kwargs,
        )

    def setup(self) -> None:
        config = self.container.config
        self.settings = Settings.from_nameko(config)
        self.queues = handler_queues(
            self.exchange_for(self.container.service_name, config),
            self.event_type,
            self.container.service_name,
            self.method_name,
            config,
        )
        self.queue = self.queues.main
        self.publisher = Publisher(config["AMQP_URI"])
        with Connection(config["AMQP_URI"]) as connection:
            for queue in self.queues.all():
                queue(connection.default_channel).declare()
        Consumer.setup(self)

    def exchange_for(self, service_name: str, config: dict) -> Exchange:
        """The exchange the queue of this handler, in ``service_name``, is bound to."""
        return get_event_exchange(self.source_service, config)

    def handle_message(self, body: Any, message: Any) -> None:
        try:
            event = parse_event(body)
        except InvalidEvent as exc:
            self._park_at_once(message, f"invalid event: {exc}")
            return
        if event.type != self.event_type:
            # published with a routing key that is not its type: no retry can make it fit
            self._park_at_once(
                message, f"invalid event: type {event.type!r} routed as {self.event_type!r}"
            )
            return
        self.dispatch(event, message)

    def dispatch(self, event: Any, message: Any) -> None:
        """Run the handler on a valid ``event`` (of ``message``) in a worker of its own."""
        EventHandler.handle_message(self, event, message)

    def handle_undecodable(self, message: Any, exc: Exception) -> None:
        """Park a message whose body could not be decoded at all."""
        self._park_at_once(message, f"undecodable {message.content_type or 'message'}: {exc}")

    def _park_at_once(self, message: Any, reason: str) -> None:
        log.error("parking an invalid event", extra={"queue": self.queue.name, "error": reason})
        self._settle(message, lambda: self._park(message, reason))

    def handle_message_processed(
        self, message: Any, result: Any = None, exc_info: Any = None
    ) -> None:
        if exc_info is None:
            self._ack(message)
        else:
            self._settle(message, lambda: self._retry_or_park(message, exc_info))

    def _ack(self, message: Any) -> None:
        """Ack ``message``; if the broker connection is gone, leave it to be redelivered.

        The broker hands an unacked message to a consumer again once the
        connection it was delivered on is lost, and handlers are idempotent,
        so a handled message whose ack could not be sent costs one more
        delivery - not the container, which nameko kills when a worker's ack
        raises.
        """
        try:
            self.queue_consumer.ack_message(message)
        except BROKER_CONNECTION_ERRORS as exc:
            log.info(
                "could not ack a handled message while the broker is away; it will be redelivered",
                extra={"queue": self.queue.name, "error": f"{type(exc).__name__}: {exc}"},
            )

    def _settle(self, message: Any, republish: Any) -> None:
        """Ack ``message`` once ``republish`` succeeded; requeue it if that failed."""
        try:
            republish()
        except Exception as exc:
            if isinstance(exc, BROKER_CONNECTION_ERRORS):
                # the outage is logged once elsewhere; the broker redelivers the message
                log.warning(
                    "could not move a failed message while the broker is away; requeueing it",
                    extra={"queue": self.queue.name, "error": f"{type(exc).__name__}: {exc}"},
                )
            else:
                log.exception("could not move a failed message; requeueing it")
            with contextlib.suppress(*BROKER_CONNECTION_ERRORS):
                # without a connection the broker requeues it by itself
                self.queue_consumer.requeue_message(message)
        else:
            self._ack(message)

    def _retry_or_park(self, message: Any, exc_info: Any) -> None:
        attempt = _attempt(message)
        error = "".join(traceback.format_exception_only(exc_info[0], exc_info[1])).strip()
        context = {"queue": self.queue.name, "attempt": attempt, "error": error}
        if attempt >= self.settings.event_retry_attempts or self.is_permanent(exc_info[1]):
            log.error("handler failed for the last time; parking the event", extra=context)
            self._park(message, error)
            return
        log.warning("handler failed; retrying the event later", extra=context)
        self._republish(
            message,
            self.queues.retries[min(attempt, len(self.queues.retries)) - 1],
            {ATTEMPT_HEADER: attempt + 1, ERROR_HEADER: error[:1000]},
        )

    def _park(self, message: Any, error: str) -> None:
        self._republish(
            message,
            self.queues.parked,
            {ERROR_HEADER: error[:1000], "x-clientela-parked-at": datetime.now(UTC).isoformat()},
        )

    def is_permanent(self, error: BaseException) -> bool:
        """Whether retrying cannot help (the event is parked at once); never, for events."""
        return False

    def _republish(self, message: Any, queue: Queue, headers: dict) -> None:
        routing_key = message.delivery_info.get("routing_key", "")
        merged = {ROUTING_KEY_HEADER: routing_key, **(message.headers or {}), **headers}
        forward(
            self.publisher, message, queue.name, merged, exchange=queue.exchange, declare=[queue]
        )


def _attempt(message: Any) -> int:
    """The attempt a message is on (1 for the first), from its header; 1 when garbled."""
    try:
        return max(1, int((message.headers or {}).get(ATTEMPT_HEADER, 1)))
    except (TypeError, ValueError):
        return 1


def original_routing_key(message: Any) -> str:
    """The routing key a message was first published with, even after retries or a replay."""
    headers = message.headers or {}
    return str(headers.get(ROUTING_KEY_HEADER) or message.delivery_info.get("routing_key", ""))


def forward(
    publisher: Publisher,
    message: Any,
    queue_name: str,
    headers: dict,
    exchange: Exchange | None = None,
    **options: Any,
) -> None:
    """Publish a received ``message``'s body, as it is, to ``queue_name`` (with confirm).

    Through ``exchange`` routing by queue name; the default exchange when None.
    """
    publisher.publish(
        message.body,
        exchange=exchange or Exchange(""),
        routing_key=queue_name,
        headers=headers,
        content_type=message.content_type,
        content_encoding=message.content_encoding,
        **options,
    )


handles = ReliableEventHandler.decorator
"""Decorate a service method as the handler of ``(source_service, event_type)``."""


@dataclass(frozen=True)
class Delivery:
    """A valid event and the message that delivered it, waiting for its batch."""

    event: Any
    message: Any


class BatchQueueConsumer(ParkingQueueConsumer):
    """The queue consumer of batch handlers, on a channel of its own.

    Each of its handlers may hold twice ``event_batch_size`` messages unacked,
    so that the next batch fills while one is being written.
    """

    @property
    def prefetch_count(self) -> int:
        return 2 * Settings.from_nameko(self.container.config).event_batch_size


class BatchEventHandler(ReliableEventHandler):
    """An event handler whose method receives a list of events, written in one go.

    Valid events wait until ``event_batch_size`` of them have arrived, or
    ``event_batch_linger_ms`` after the first one, and the method then runs
    once for all of them; their messages are acked together once it returns.
    Should it fail, each event of the batch is handled again on its own (a
    list of one), so a poison event is retried and parked as with
    :func:`handles` while the others are acked. Invalid events are parked at
    once, as there.
    """

    queue_consumer = BatchQueueConsumer()

    def setup(self) -> None:
        super().setup()
        self._pending: list[Delivery] = []

    def stop(self) -> None:
        super().stop()  # no more deliveries: what waits is handled before the workers end
        self._flush()

    def dispatch(self, event: Any, message: Any) -> None:
        self._pending.append(Delivery(event, message))
        if len(self._pending) >= self.settings.event_batch_size:
            self._flush()
        elif len(self._pending) == 1:
            self.container.spawn_managed_thread(
                partial(self._flush_after_linger, self._pending),
                identifier=f"{self.queue.name}.linger",
            )

    def _flush_after_linger(self, batch: list[Delivery]) -> None:
        eventlet.sleep(self.settings.event_batch_linger_ms / 1000)
        if batch is self._pending:
            self._flush()

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        if not batch:
            return
        try:
            self.container.spawn_worker(
                self,
                ([delivery.event for delivery in batch],),
                {},
                context_data=self.unpack_message_headers(batch[0].message),
                handle_result=partial(self._batch_handled, batch),
            )
        except ContainerBeingKilled:
            for delivery in batch:
                self.queue_consumer.requeue_message(delivery.message)

    def _batch_handled(
        self, batch: list[Delivery], worker_ctx: Any, result: Any = None, exc_info: Any = None
    ) -> tuple[Any, Any]:
        if exc_info is None:
            for delivery in batch:
                self._ack(delivery.message)
        elif len(batch) == 1:
            self.handle_message_processed(batch[0].message, result, exc_info)
        else:
            log.warning(
                "a batch of events failed; handling each on its own",
                extra={"queue": self.queue.name, "events": len(batch), "error": repr(exc_info[1])},
            )
            # not in this worker: each event needs a worker of its own, and this one's
            # place in the pool is freed only once it returns
            self.container.spawn_managed_thread(partial(self._handle_one_by_one, batch))
        return result, exc_info

    def _handle_one_by_one(self, batch: list[Delivery]) -> None:
        for delivery in batch:
            EventHandler.handle_message(self, [delivery.event], delivery.message)


handles_batch = BatchEventHandler.decorator
"""Decorate a service method as the handler of ``(source_service, event_type)`` that receives
the events in batches (see :class:`BatchEventHandler`)."""


def inbox_exchange(service_name: str) -> Exchange:
    """Where integrators publish messages for ``service_name``: ``<service>.inbox``, topic."""
    return Exchange(f"{service_name}.inbox", type="topic", durable=True)


@dataclass(frozen=True)
class InboxMessage:
    """A message an integrator published to a service's inbox (plain JSON, no envelope)."""

    routing_key: str
    body: Any
    headers: dict[str, str]


class InboxHandler(ReliableEventHandler):
    """Consumes ``<service>.inbox`` messages with a routing key pattern, as reliably as events.

    The method receives an :class:`InboxMessage`; failures are retried and
    parked like failed events; a body that is not a JSON object or array is
    parked at once.
    """

    def __init__(self, routing_key: str, **kwargs: Any) -> None:
        super().__init__("", routing_key, **kwargs)

    def exchange_for(self, service_name: str, config: dict) -> Exchange:
        return inbox_exchange(service_name)

    def handle_message(self, body: Any, message: Any) -> None:
        if not isinstance(body, (dict, list)):
            self._park_at_once(message, "inbox message: expected a JSON object or array")
            return
        headers = {str(k): str(v) for k, v in (message.headers or {}).items()}
        inbox_message = InboxMessage(original_routing_key(message), body, headers)
        EventHandler.handle_message(self, inbox_message, message)

    def is_permanent(self, error: BaseException) -> bool:
        """A message the service refuses (bad payload, unknown source) will be refused again."""
        return isinstance(error, EXPECTED_ERRORS)


consumes_inbox = InboxHandler.decorator
"""Decorate a service method as the consumer of its inbox messages matching a routing key."""


def service_handler_queues(service_cls: type, config: dict) -> Iterator[HandlerQueues]:
    """The queues of every :func:`handles` entrypoint declared on ``service_cls``."""
    service_name = get_service_name(service_cls)
    for method_name, method in inspect.getmembers(service_cls, inspect.isfunction):
        for entrypoint in getattr(method, "nameko_entrypoints", ()):
            if isinstance(entrypoint, ReliableEventHandler):
                yield handler_queues(
                    entrypoint.exchange_for(service_name, config),
                    entrypoint.event_type,
                    service_name,
                    method_name,
                    config,
                )


@dataclass(frozen=True)
class ServiceTopology:
    """What one service has on the broker: the exchanges it owns and its handlers' queues."""

    name: str
    events: Exchange
    redelivery: Exchange
    handlers: tuple[HandlerQueues, ...]
    calls: tuple[str, ...] = ()
    """The services it calls over RPC (its ``RpcProxy`` dependencies), by name."""

    @property
    def exchanges(self) -> tuple[Exchange, ...]:
        """The exchanges the service owns and publishes to."""
        return self.events, self.redelivery

    def sources(self) -> tuple[Exchange, ...]:
        """The exchanges its handlers consume from (its own inbox, others' events), once each."""
        unique = {handler.source.name: handler.source for handler in self.handlers}
        return tuple(unique.values())

    def queues(self) -> tuple[Queue, ...]:
        """Every queue of its handlers."""
        return tuple(queue for handler in self.handlers for queue in handler.all())


def service_topology(service_cls: type, config: dict) -> ServiceTopology:
    """The exchanges (``<service>.events``, ``<service>.redelivery``) and handler queues of
    ``service_cls``."""
    name = get_service_name(service_cls)
    return ServiceTopology(
        name=name,
        events=get_event_exchange(name, config),
        redelivery=redelivery_exchange(name),
        handlers=tuple(service_handler_queues(service_cls, config)),
        calls=rpc_targets(service_cls),
    )


def rpc_targets(service_cls: type) -> tuple[str, ...]:
    """The services ``service_cls`` calls over RPC (its ``RpcProxy`` dependencies), sorted."""
    proxies = inspect.getmembers(service_cls, lambda member: isinstance(member, RpcProxy))
    return tuple(sorted({proxy.target_service for _, proxy in proxies}))


def declare_topology(service_classes: Iterable[type], config: dict) -> list[HandlerQueues]:
    """Declare every exchange and handler queue (with bindings) of ``service_classes``.

    Idempotent; returns the queues of every handler. A service whose exchanges
    and queues all exist already is left as it is, checked without any
    permission: declaring needs the broker's configure permission, which a
    service running as its own broker user has for its own entities only
    (there, the topology comes from the broker definitions).
    """
    declared: list[HandlerQueues] = []
    with Connection(config["AMQP_URI"]) as connection:
        for service_cls in service_classes:
            topology = service_topology(service_cls, config)
            if not _topology_exists(connection, topology):
                _declare(connection, topology)
            declared.extend(topology.handlers)
    return declared


def _topology_exists(connection: Connection, topology: ServiceTopology) -> bool:
    exchanges = (*topology.exchanges, *topology.sources())
    return all(_exchange_exists(connection, exchange) for exchange in exchanges) and all(
        queue_counts(connection, queue.name) is not None for queue in topology.queues()
    )


def _declare(connection: Connection, topology: ServiceTopology) -> None:
    channel = connection.default_channel
    for exchange in topology.exchanges:
        exchange(channel).declare()
    for source in topology.sources():
        Exchange(source.name, source.type, durable=True)(channel).declare()
    for queue in topology.queues():
        queue(channel).declare()


PUBLISH_ATTEMPTS = 5
"""Connections a batch publish tries before giving up (each waiting for the broker)."""


def reconnect_policy(max_retries: int | None) -> dict[str, Any]:
    """kombu ``ensure_connection`` arguments: waits of 0.5 s, 1.5 s, 2.5 s ... at most 5 s.

    ``max_retries`` None retries for ever. Nothing is logged per attempt: the
    caller says once what it is waiting for.
    """
    return {
        "max_retries": max_retries,
        "interval_start": 0.5,
        "interval_step": 1.0,
        "interval_max": 5.0,
    }


def _close_quietly(channel: Any, errors: tuple[type[BaseException], ...]) -> None:
    """Close ``channel`` unless its connection is gone already (then there is nothing to close)."""
    with contextlib.suppress(*errors):
        channel.close()


class EventsNotConfirmed(RuntimeError):
    """The broker refused (nacked) or did not confirm some published events in time."""


class ConfirmedBatchPublisher:
    """Publishes many events on one channel and waits once for all the broker's confirms.

    Publishing one message and waiting for its confirm costs a round trip per
    event; pipelining them (the broker confirms a batch with a few ``multiple``
    acks) is what lets a 100,000-row import announce every lead.
    """

    def __init__(
        self,
        amqp_uri: str,
        exchange: Exchange,
        confirm_timeout_s: float = 30.0,
        attempts: int = PUBLISH_ATTEMPTS,
    ):
        self._connection = Connection(amqp_uri)
        self._recoverable = (*self._connection.recoverable_connection_errors, OSError)
        self._exchange = exchange
        self._timeout = confirm_timeout_s
        self._attempts = attempts

    def publish_many(self, envelopes: list[dict]) -> None:
        """Publish ``envelopes`` (persistent, routed by type); return once all are confirmed.

        A pooled connection the broker dropped (a restart, a forced close) is
        discarded and the whole batch published again on a fresh one, waiting
        for the broker with bounded backoff: consumers are idempotent, so a
        batch confirmed only in part is safe to send twice. After
        ``attempts`` failures the last error is raised.
        """
        if not envelopes:
            return
        publish = Retrying(
            retry=retry_if_exception_type(self._recoverable),
            stop=stop_after_attempt(self._attempts),
            before_sleep=lambda state: log.warning(
                "broker connection lost while publishing; reconnecting",
                extra={
                    "attempt": state.attempt_number,
                    "events": len(envelopes),
                    "error": repr(state.outcome and state.outcome.exception()),
                },
            ),
            reraise=True,
        )
        publish(self._publish_once, envelopes)

    def _publish_once(self, envelopes: list[dict]) -> None:
        with connections[self._connection].acquire(block=True) as connection:
            try:
                connection.ensure_connection(**reconnect_policy(self._attempts))
                channel = connection.channel()
                try:
                    self._publish_confirmed(connection, channel, envelopes)
                finally:
                    _close_quietly(channel, self._recoverable)
            except self._recoverable:
                connection.collect()  # drop the dead socket; the pool reconnects
                raise

    def _publish_confirmed(self, connection: Connection, channel: Any, envelopes: list) -> None:
        unconfirmed = set(range(1, len(envelopes) + 1))
        nacked: list[int] = []

        def settle(tag: int, multiple: bool, into: list | None = None) -> None:
            done = {t for t in unconfirmed if t <= tag} if multiple else {tag} & unconfirmed
            unconfirmed.difference_update(done)
            if into is not None:
                into.extend(done)

        channel.confirm_select()
        channel.events["basic_ack"].add(settle)
        channel.events["basic_nack"].add(lambda tag, multiple: settle(tag, multiple, nacked))
        for envelope in envelopes:
            message = amqp.Message(
                json.dumps(envelope),
                content_type="application/json",
                content_encoding="utf-8",
                delivery_mode=2,
                timestamp=published_at(),
            )
            channel.basic_publish(message, self._exchange.name, envelope["type"])
        try:
            while unconfirmed:
                connection.drain_events(timeout=self._timeout)
        except TimeoutError:
            raise EventsNotConfirmed(
                f"{len(unconfirmed)} of {len(envelopes)} events not confirmed "
                f"within {self._timeout}s"
            ) from None
        if nacked:
            raise EventsNotConfirmed(f"the broker refused {len(nacked)} of {len(envelopes)} events")


class EventBus:
    """What a service worker publishes events with."""

    def __init__(
        self, publisher: Publisher, exchange: Exchange, batches: ConfirmedBatchPublisher
    ) -> None:
        self._publisher = publisher
        self._exchange = exchange
        self._batches = batches

    @classmethod
    def connect(cls, service_name: str, config: dict) -> EventBus:
        """A bus publishing as ``service_name`` outside a nameko service (tools, tests)."""
        exchange = get_event_exchange(service_name, config)
        publisher = Publisher(config["AMQP_URI"], declare=[exchange], serializer="json")
        return cls(publisher, exchange, ConfirmedBatchPublisher(config["AMQP_URI"], exchange))

    def publish(self, envelope: dict) -> None:
        """Publish one envelope and wait for the broker's confirm."""
        self._publisher.publish(
            envelope,
            exchange=self._exchange,
            routing_key=envelope["type"],
            timestamp=published_at(),
        )

    def publish_many(self, envelopes: list[dict]) -> None:
        """Publish many envelopes, pipelined, and wait until the broker confirmed them all."""
        self._batches.publish_many(envelopes)


class EventPublisher(DependencyProvider):
    """Provides an :class:`EventBus` publishing on ``<service>.events`` with confirms."""

    def setup(self) -> None:
        config = self.container.config
        self.exchange = get_event_exchange(self.container.service_name, config)
        self.publisher = Publisher(config["AMQP_URI"], declare=[self.exchange], serializer="json")
        self.batches = ConfirmedBatchPublisher(config["AMQP_URI"], self.exchange)

    def get_dependency(self, worker_ctx: Any) -> EventBus:
        return EventBus(self.publisher, self.exchange, self.batches)


def parked_counts(service_classes: Iterable[type], config: dict) -> dict[str, int]:
    """How many events wait in each handler's parking queue, by handler queue name."""
    handlers = declare_topology(service_classes, config)
    with Connection(config["AMQP_URI"]) as connection:
        channel = connection.default_channel
        return {
            queues.main.name: channel.queue_declare(queues.parked.name, passive=True).message_count
            for queues in handlers
        }


def replay_parked(handler_queue: str, config: dict) -> int:
    """Move every event parked for ``handler_queue`` back to it for fresh attempts."""
    moved = 0
    publisher = Publisher(config["AMQP_URI"])
    parked = f"{handler_queue}.parked"
    with Connection(config["AMQP_URI"]) as connection:
        channel = connection.default_channel
        waiting = channel.queue_declare(parked, passive=True).message_count
        # only those parked now: an event that fails again is parked anew, not looped over
        while moved < waiting and (message := channel.basic_get(parked, no_ack=False)):
            headers = {
                key: value
                for key, value in (message.headers or {}).items()
                if not key.startswith("x-clientela-") and key != "x-death"
            }
            forward(publisher, message, handler_queue, headers)
            channel.basic_ack(message.delivery_tag)
            moved += 1
    return moved
