"""``/health`` and ``/ready`` of a clientela process, over HTTP (setting ``health_address``).

- ``GET /health``: 200 while every service container of the process runs
  (a supervised restart makes it 503 until the new container is up).
- ``GET /ready``: 200 when the broker and the database answer and every
  service of the process runs with a consumer on each of its queues; 503
  otherwise, with the reasons. The body also reports each service's events not
  yet published and the age of the oldest (see :mod:`clientela.status`).

Both answer JSON. They run in the process's own green thread, apart from the
services' workers, so a busy service still answers its probes.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import eventlet
import eventlet.wsgi
from werkzeug.wrappers import Request

from clientela.config import ConfigError, Settings, host_port
from clientela.status import broker_status, database_status
from clientela.web import json_response

log = logging.getLogger(__name__)


class Supervised(Protocol):
    """What the probes need to know of the process's services."""

    @property
    def service_classes(self) -> list[type]: ...

    @property
    def service_names(self) -> list[str]: ...

    def running(self, name: str) -> bool: ...


def health_report(runner: Supervised) -> dict[str, Any]:
    """Whether each service container of the process runs."""
    services = {name: runner.running(name) for name in runner.service_names}
    return {"healthy": all(services.values()), "services": services}


def ready_report(settings: Settings, runner: Supervised) -> dict[str, Any]:
    """The broker, the database and each service of the process, with why it is not ready."""
    broker = broker_status(settings, runner.service_classes)
    database = database_status(settings, settings.mongo_uri, runner.service_classes)
    reasons = [
        f"{part} unreachable: {report['error']}"
        for part, report in (("broker", broker), ("database", database))
        if not report["ok"]
    ]
    services: dict[str, Any] = {}
    for name in runner.service_names:
        queues = broker["services"].get(name, {})
        idle = [h["queue"] for h in queues.get("handlers", []) if not h["consumers"]]
        if broker["ok"] and not queues.get("instances"):
            idle.insert(0, f"rpc-{name}")
        if not runner.running(name):
            reasons.append(f"{name}: not running")
        elif idle:
            reasons.append(f"{name}: no consumer on {', '.join(idle)}")
        services[name] = {
            "running": runner.running(name),
            "queues_without_consumer": idle,
            **database["services"].get(name, {}),
        }
    return {
        "ready": not reasons,
        "reasons": reasons,
        "broker": {key: broker[key] for key in ("uri", "ok", "error") if key in broker},
        "database": {key: database[key] for key in ("uri", "ok", "error") if key in database},
        "services": services,
    }


class HealthServer:
    """Serves ``/health`` and ``/ready`` for ``runner`` on ``settings.health_address``."""

    def __init__(self, settings: Settings, runner: Supervised) -> None:
        self.settings = settings
        self.runner = runner
        self._socket: Any = None
        self._thread: Any = None

    def start(self) -> None:
        """Listen (ConfigError naming the setting when the address is taken) and serve."""
        try:
            # without SO_REUSEPORT: another process's probes on the address are an error
            self._socket = eventlet.listen(
                host_port(self.settings.health_address), reuse_port=False
            )
        except OSError as exc:
            raise ConfigError(
                f"health_address: cannot listen on {self.settings.health_address}: "
                f"{exc.strerror}; set CLIENTELA_HEALTH_ADDRESS to a free HOST:PORT"
            ) from None
        self._thread = eventlet.spawn(
            eventlet.wsgi.server, self._socket, self.app, log=log, log_output=False
        )
        log.info("health probes listening", extra={"address": self.settings.health_address})

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._thread is not None:
            self._thread.kill()
        if self._socket is not None:
            self._socket.close()

    def app(self, environ: dict, start_response: Any) -> Any:
        """The WSGI application: GET /health and GET /ready."""
        request = Request(environ)
        if request.method != "GET" or request.path not in ("/health", "/ready"):
            response = json_response(404, {"error": "NotFound", "message": "GET /health or /ready"})
        elif request.path == "/health":
            report = health_report(self.runner)
            response = json_response(200 if report["healthy"] else 503, report)
        else:
            report = ready_report(self.settings, self.runner)
            response = json_response(200 if report["ready"] else 503, report)
        return response(environ, start_response)
