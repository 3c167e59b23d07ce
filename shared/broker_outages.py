"""A broker outage told in two log lines: one WARNING when it starts, one INFO when it ends.

Left alone, every consumer of a process (nameko's RPC consumers, the event
handlers' queue consumers) reports a lost broker connection with a full
traceback (kombu's ``ConsumerMixin``), then every failed reconnection attempt
(nameko's ``QueueConsumer.on_connection_error``): dozens of lines a second
for what is one fact. :class:`BrokerOutageLog` is a logging filter on those
two loggers that drops that chatter, says once that the broker at ``<uri>``
(password masked) is lost, and once it answers again says so.

The consumers reconnect by themselves: kombu's ``ensure_connection`` waits
2 s, 4 s, 6 s ... at most 30 s between their attempts. The filter only
watches: a connection of its own, retried at most 5 s apart
(:func:`clientela.messaging.reconnect_policy`), tells when the outage ends.
Errors that are not a lost connection (a channel closed by the broker for a
missing queue, say) keep their traceback.
"""

from __future__ import annotations

import logging
import threading
import time

import eventlet
from kombu import Connection
from kombu.mixins import W_CONN_ERROR, W_CONN_LOST

from clientela.messaging import BROKER_CONNECTION_ERRORS, masked, reconnect_policy

log = logging.getLogger(__name__)

WATCHED_LOGGERS = ("kombu.mixins", "nameko.messaging")
"""Where consumers report lost connections and failed reconnection attempts."""


def _connection_error(record: logging.LogRecord) -> BaseException | None:
    """The lost-connection error ``record`` reports, or None when it reports something else.

    An error record without its exception (nameko's reconnection notice) is
    reported as a ConnectionError carrying its first line.
    """
    if record.name == "nameko.messaging" and record.funcName == "on_connection_error":
        return ConnectionError(record.getMessage().splitlines()[0])
    if record.name == "kombu.mixins" and record.msg in (W_CONN_LOST, W_CONN_ERROR):
        error = record.exc_info[1] if record.exc_info else None
        if error is None or isinstance(error, BROKER_CONNECTION_ERRORS):
            return error or ConnectionError(record.getMessage())
    return None


class BrokerOutageLog(logging.Filter):
    """Reports the outages of the broker at ``amqp_uri`` as they are seen by this process."""

    def __init__(self, amqp_uri: str) -> None:
        super().__init__()
        self.amqp_uri = amqp_uri
        self.broker = masked(amqp_uri)
        self._lock = threading.Lock()
        self._lost_at: float | None = None
        self._watcher: eventlet.greenthread.GreenThread | None = None

    def install(self) -> None:
        """Start filtering the consumers' connection notices."""
        for name in WATCHED_LOGGERS:
            logging.getLogger(name).addFilter(self)

    def remove(self) -> None:
        """Stop filtering, and stop waiting for a broker still away."""
        for name in WATCHED_LOGGERS:
            logging.getLogger(name).removeFilter(self)
        if self._watcher is not None:
            self._watcher.kill()

    @property
    def broker_lost(self) -> bool:
        """Whether the broker is away, as far as this process knows."""
        return self._lost_at is not None

    def filter(self, record: logging.LogRecord) -> bool:
        error = _connection_error(record)
        if error is None:
            return True
        self._lost(error)
        return False

    def _lost(self, error: BaseException) -> None:
        with self._lock:
            if self._lost_at is not None:
                return
            self._lost_at = time.monotonic()
        log.warning(
            "lost the connection to the broker at %s; reconnecting",
            self.broker,
            extra={"error": f"{type(error).__name__}: {error}"},
        )
        self._watcher = eventlet.spawn(self._wait_until_back)

    def _wait_until_back(self) -> None:
        try:
            with Connection(self.amqp_uri, connect_timeout=5) as connection:
                connection.ensure_connection(**reconnect_policy(max_retries=None))
        except Exception as exc:  # answered but refused (credentials, vhost): not an outage
            log.warning(
                "the broker at %s refuses the connection",
                self.broker,
                extra={"error": f"{type(exc).__name__}: {exc}"},
            )
            self._lost_at = None  # the consumers' next failure is reported afresh
            return
        with self._lock:
            lost_at, self._lost_at = self._lost_at, None
        outage_s = round(time.monotonic() - (lost_at or time.monotonic()), 1)
        log.info("the broker at %s answers again", self.broker, extra={"outage_s": outage_s})
