"""Talking to a running platform from outside it (the CLI, scripts, tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kombu import Connection
from nameko.standalone.rpc import ClusterRpcProxy

from clientela.config import Settings
from clientela.messaging import check_broker


class ServiceUnavailable(RuntimeError):
    """No instance of the named service is running on the broker."""


def require_services(settings: Settings, *names: str) -> None:
    """Raise ServiceUnavailable unless each named service has a running instance."""
    missing = []
    with Connection(settings.amqp_uri) as connection:
        for name in names:
            try:
                _, _, consumers = connection.default_channel.queue_declare(
                    f"rpc-{name}", passive=True
                )
            except Exception:
                connection.close()
                connection.connect()
                consumers = 0
            if not consumers:
                missing.append(name)
    if missing:
        raise ServiceUnavailable(
            f"not running: {', '.join(missing)}. Start the platform with `clientela up` "
            f"(or `clientela run {' '.join(missing)}`)."
        )


@contextmanager
def platform(settings: Settings, *services: str) -> Iterator[Any]:
    """An RPC proxy to the platform, after checking the broker and ``services`` are up."""
    check_broker(settings.amqp_uri)
    require_services(settings, *services)
    with ClusterRpcProxy(settings.nameko_config(), timeout=settings.rpc_timeout_s) as proxy:
        yield proxy
