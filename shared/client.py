"""Talking to a running platform from outside it (the CLI, scripts, tests)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from kombu import Connection
from nameko.standalone.rpc import (
    ClusterRpcProxy,
    PollingQueueConsumer,
    SingleThreadedReplyListener,
)

from clientela.config import Settings
from clientela.messaging import check_broker, queue_counts


class ServiceUnavailable(RuntimeError):
    """No instance of the named service is running on the broker."""


def running_services(settings: Settings, *names: str) -> list[str]:
    """Those of the named services with at least one instance running on the broker."""
    with Connection(settings.amqp_uri) as connection:
        return [name for name in names if (queue_counts(connection, f"rpc-{name}") or (0, 0))[1]]


def require_services(settings: Settings, *names: str) -> None:
    """Raise ServiceUnavailable unless each named service has a running instance."""
    running = running_services(settings, *names)
    missing = [name for name in names if name not in running]
    if missing:
        raise ServiceUnavailable(
            f"not running: {', '.join(missing)}. Start the platform with `clientela up` "
            f"(or `clientela run {' '.join(missing)}`)."
        )


def reply_queue_lifetime_ms(rpc_timeout_s: float) -> int:
    """How long an unused RPC reply queue, and a reply nobody took, may stay: the RPC timeout.

    Long enough for any reply its caller still waits for, even one sent while
    the caller's connection was being re-established (see :class:`ExpiringReplyListener`).
    """
    return round(rpc_timeout_s * 1000)


class _ExpiringReplyConsumer(PollingQueueConsumer):
    def register_provider(self, provider: Any) -> None:
        lifetime_ms = reply_queue_lifetime_ms(self.timeout)
        provider.queue.queue_arguments = {"x-expires": lifetime_ms, "x-message-ttl": lifetime_ms}
        super().register_provider(provider)


class ExpiringReplyListener(SingleThreadedReplyListener):
    """A standalone proxy's reply listener whose queue lasts as long as the proxy's timeout.

    nameko declares a durable reply queue per proxy (neither exclusive nor
    auto-deleted, so a reply sent while the proxy reconnects waits for it) and
    keeps it, with any reply that came too late, five minutes after the proxy
    left. With a ``timeout`` this one's queue goes once unused that long, and a
    reply nobody took within it is dropped: no caller waits for it any more.
    """

    def __init__(self, timeout: float | None = None) -> None:
        super().__init__(timeout=timeout)
        if timeout:
            self.queue_consumer = _ExpiringReplyConsumer(timeout=timeout)


def rpc_proxy(settings: Settings) -> ClusterRpcProxy:
    """A standalone RPC proxy to the platform, whose reply queue expires once unused."""
    return ClusterRpcProxy(
        settings.nameko_config(),
        timeout=settings.rpc_timeout_s,
        reply_listener_cls=ExpiringReplyListener,
    )


@contextmanager
def platform(settings: Settings, *services: str) -> Iterator[Any]:
    """An RPC proxy to the platform, after checking the broker and ``services`` are up."""
    check_broker(settings.amqp_uri)
    require_services(settings, *services)
    with rpc_proxy(settings) as proxy:
        yield proxy


def wait_for(
    call: Callable[[], Any],
    accept: Callable[[Any], Any] = bool,
    timeout_s: float = 30.0,
    interval_s: float = 0.1,
    not_yet: tuple[type[BaseException], ...] = (),
) -> Any:
    """``call()`` until ``accept`` likes the result, which is returned.

    Events take a moment to flow between services; an exception in ``not_yet``
    counts as "not yet" too. Raises TimeoutError when ``timeout_s`` runs out.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            result = call()
            if accept(result):
                return result
        except not_yet:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"no acceptable answer within {timeout_s:.0f}s from {call}")
        time.sleep(interval_s)
