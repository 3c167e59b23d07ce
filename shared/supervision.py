"""Keeping what a process runs alive: restart a service container that died, with backoff.

nameko's ``ServiceRunner`` lets one container that dies (an extension's thread
raising, a broker error it did not survive) end ``runner.wait()`` and with it
the whole process. :class:`SupervisedRunner` runs the same containers but
replaces one that died by a fresh one, after doubling waits (:class:`Backoff`),
logging each death with its error and each restart. While it runs, a broker
outage shows in the log as two lines (see :mod:`clientela.broker_outages`).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Iterable

import eventlet
from nameko.containers import ServiceContainer, get_container_cls, get_service_name
from nameko.utils.concurrency import SpawningProxy

from clientela.broker_outages import BrokerOutageLog

log = logging.getLogger(__name__)


class Backoff:
    """Doubling waits between attempts: ``first_s``, twice that, ... at most ``max_s``."""

    def __init__(self, first_s: float = 1.0, max_s: float = 30.0) -> None:
        self.first_s = first_s
        self.max_s = max_s
        self._next = first_s

    def next(self) -> float:
        """The wait before the coming attempt (each call doubles the following one)."""
        wait, self._next = self._next, min(self._next * 2, self.max_s)
        return wait

    def reset(self) -> None:
        """Start again from ``first_s`` (after an attempt that worked)."""
        self._next = self.first_s


class SupervisedRunner:
    """Runs one container per service class and restarts any that dies with an error.

    A container that stops because :meth:`stop` or :meth:`kill` was called is
    not restarted. A container that stays up longer than the longest wait
    starts the next series of waits from the shortest again.
    """

    def __init__(
        self,
        config: dict,
        service_classes: Iterable[type],
        first_backoff_s: float = 1.0,
        max_backoff_s: float = 30.0,
    ) -> None:
        self.config = config
        self._container_cls = get_container_cls(config)
        self._classes = {get_service_name(cls): cls for cls in service_classes}
        self._backoff = (first_backoff_s, max_backoff_s)
        self.containers: dict[str, ServiceContainer] = {}
        self._running: set[str] = set()
        self._watchers: list[eventlet.greenthread.GreenThread] = []
        self._stopping = threading.Event()
        self._outages = BrokerOutageLog(config["AMQP_URI"])

    @property
    def service_classes(self) -> list[type]:
        """The service classes this runner runs."""
        return list(self._classes.values())

    @property
    def service_names(self) -> list[str]:
        """The services this runner runs."""
        return list(self._classes)

    def running(self, name: str) -> bool:
        """Whether service ``name``'s container is started and has not died since."""
        return name in self._running

    def start(self) -> None:
        """Start every container (concurrently), then watch each for its death."""
        self._outages.install()
        self.containers = {
            name: self._container_cls(cls, self.config) for name, cls in self._classes.items()
        }
        SpawningProxy(self.containers.values()).start()
        self._running.update(self.containers)
        self._watchers = [eventlet.spawn(self._watch, name) for name in self.containers]

    def stop(self) -> None:
        """Stop every container gracefully; none is restarted."""
        self._stopping.set()
        SpawningProxy(list(self.containers.values())).stop()

    def kill(self) -> None:
        """Kill every container at once; none is restarted."""
        self._stopping.set()
        SpawningProxy(list(self.containers.values())).kill()

    def wait(self) -> None:
        """Block until every container stopped for good (after :meth:`stop` or :meth:`kill`)."""
        for watcher in self._watchers:
            watcher.wait()
        self._outages.remove()

    def _watch(self, name: str) -> None:
        backoff = Backoff(*self._backoff)
        while True:
            started = time.monotonic()
            try:
                self.containers[name].wait()
                self._running.discard(name)
                return  # stopped on purpose
            except Exception as exc:
                self._running.discard(name)
                if self._stopping.is_set():
                    return
                if time.monotonic() - started > backoff.max_s:
                    backoff.reset()
                wait = backoff.next()
                log.error(
                    "service container died; restarting it",
                    extra={"service": name, "error": repr(exc), "restart_in_s": wait},
                )
            if self._stopping.wait(wait):
                return
            self._restart(name)

    def _restart(self, name: str) -> None:
        """Replace ``name``'s container by a new one; one that fails to start is killed
        with its error, which the watch loop then handles like any death."""
        container = self._container_cls(self._classes[name], self.config)
        self.containers[name] = container
        try:
            container.start()
        except Exception as exc:
            log.error(
                "service container did not restart", extra={"service": name, "error": repr(exc)}
            )
            container.kill(sys.exc_info())
            return
        self._running.add(name)
        log.warning("service container restarted", extra={"service": name})
        if self._stopping.is_set():  # stop() came while it was starting: it missed this one
            container.stop()
