"""Running services: the embedded database if needed, the topology, then nameko."""

from __future__ import annotations

import errno
import logging
import signal
import socket
from collections.abc import Callable, Sequence

import eventlet

from clientela.cli.client import running_services
from clientela.cli.services import platform_classes
from clientela.config import ConfigError, Settings, host_port
from clientela.discovery import service_classes
from clientela.embedded import database_settings
from clientela.health import HealthServer
from clientela.messaging import check_broker, declare_topology, masked, virtual_host
from clientela.supervision import SupervisedRunner

log = logging.getLogger(__name__)

SERVED_ADDRESSES = {
    "prospects": "http_address",
    "feedback": "feedback_http_address",
    "kpi": "dashboard_address",
}
"""The setting naming the HTTP address each service that serves HTTP listens on."""


def serve(
    service_names: Sequence[str],
    settings: Settings,
    on_ready: Callable[[Settings, SupervisedRunner], None] | None = None,
    join: bool = False,
) -> None:
    """Run ``service_names`` in this process until SIGINT/SIGTERM (or ``runner.stop()``).

    Every service's queues are declared first, whichever services run here, so
    events published before a consumer starts wait for it. A service container
    that dies is restarted (see :mod:`clientela.supervision`), and
    ``health_address`` answers ``/health`` and ``/ready`` (see
    :mod:`clientela.health`). ``on_ready`` runs once the services are up, with
    the effective settings.

    Unless ``join``, a platform already running on the broker's virtual host,
    or another platform's embedded database on the port, is refused
    (ConfigError, EmbeddedDatabaseError) rather than silently shared. A taken
    ``http_address`` (prospects' webhook), ``feedback_http_address`` (survey
    pages) or ``dashboard_address`` (kpi's dashboard) is refused either way.
    """
    check_broker(settings.amqp_uri)
    for service, setting in SERVED_ADDRESSES.items():
        if service in service_names:
            refuse_taken_address(setting, getattr(settings, setting))
    if not join:
        refuse_running_platform(settings, service_names)
    with database_settings(settings, join) as effective:
        config = effective.nameko_config()
        declare_topology(platform_classes(), config)
        runner = SupervisedRunner(config, service_classes(list(service_names)))
        probes = HealthServer(effective, runner)
        probes.start()
        try:
            _stop_on_signals(runner)
            runner.start()
            log.info("services running", extra={"services": ",".join(service_names)})
            if on_ready is not None:
                eventlet.spawn_n(on_ready, effective, runner)
            _wait(runner)
        finally:
            probes.stop()
        log.info("services stopped")


def refuse_running_platform(settings: Settings, service_names: Sequence[str]) -> None:
    """ConfigError when some of ``service_names`` already run on the broker's virtual host."""
    running = running_services(settings, *service_names)
    if running:
        raise ConfigError(
            f"{', '.join(running)} already running on the virtual host "
            f"{virtual_host(settings.amqp_uri)!r} of {masked(settings.amqp_uri)}: this is "
            "another platform (or this one); give this one a virtual host of its own "
            "(CLIENTELA_AMQP_URI), or pass --join to add instances to it"
        )


def refuse_taken_address(setting: str, address: str) -> None:
    """ConfigError naming ``setting`` when something listens on ``address`` already.

    Bound without SO_REUSEPORT, which the servers of clientela (and nameko) set:
    such a socket would share the port with another process's silently.
    """
    with socket.socket() as probe:
        try:
            probe.bind(host_port(address))
        except OSError as exc:
            raise ConfigError(
                f"{setting}: {address} is taken ({exc.strerror}); another platform may be "
                f"listening there: set CLIENTELA_{setting.upper()} to a free HOST:PORT"
            ) from None


def _stop_on_signals(runner: SupervisedRunner) -> None:
    """SIGINT (Ctrl-C) or SIGTERM stops the services cleanly; a second one kills them.

    Installed explicitly because a process started in the background by a
    non-interactive shell inherits SIGINT as ignored.
    """
    stopping: list[int] = []

    def handle(signum: int, frame: object) -> None:
        if stopping:
            eventlet.spawn_n(runner.kill)
            return
        stopping.append(signum)
        log.info("stopping (signal again to kill)", extra={"signal": signal.Signals(signum).name})
        eventlet.spawn_n(runner.stop)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, handle)


def _wait(runner: SupervisedRunner) -> None:
    waiting = eventlet.spawn(runner.wait)
    while True:
        try:
            waiting.wait()
            return
        except OSError as exc:  # interrupted system call: keep waiting
            if exc.errno != errno.EINTR:
                raise
