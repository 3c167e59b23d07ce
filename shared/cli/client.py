"""Talking to a running platform from outside it: the CLI, scripts, end-to-end tests."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from kombu import Connection

from clientela.config import Settings
from clientela.messaging import check_broker, queue_counts
from clientela.rpc import rpc_proxy


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
