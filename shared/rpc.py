"""RPC proxies to the services whose reply queues go once unused.

The core's part of calling the platform from outside it: the CLI's client
(:mod:`clientela.cli.client`), the testing kit and the broker definitions
(which allow the reply queues' lifetime) share it.
"""

from __future__ import annotations

from typing import Any

from nameko.standalone.rpc import (
    ClusterRpcProxy,
    PollingQueueConsumer,
    SingleThreadedReplyListener,
)

from clientela.config import Settings


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
