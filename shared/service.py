"""What every clientela nameko service shares.

Subclass :class:`ServiceBase`, set ``name`` and ``outbox_documents``, and the
service gets an ``events`` bus publishing on ``<name>.events``, its settings,
and a timer that relays events an earlier crash left in an outbox.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable
from typing import Any

from amqp.exceptions import AMQPError
from kombu.exceptions import OperationalError
from nameko.dependency_providers import Config
from nameko.rpc import Rpc
from nameko.timer import Timer

from clientela.config import Settings
from clientela.errors import EXPECTED_ERRORS
from clientela.messaging import EventPublisher
from clientela.outbox import OutboxDocument, relay, relay_staged

log = logging.getLogger(__name__)

ABANDON_AFTER_RPC_TIMEOUTS = 10
"""Staged events still unproven after this many RPC timeouts belong to a batch that failed."""


class SettingTimer(Timer):
    """A timer whose interval is the setting named ``setting`` (in seconds), read when the
    service starts: ``@SettingTimer.decorator(setting="kpi_alert_check_s")``."""

    def __init__(self, setting: str, **kwargs: Any) -> None:
        super().__init__(interval=getattr(Settings, setting), **kwargs)
        self.setting = setting

    def setup(self) -> None:
        self.interval = getattr(Settings.from_nameko(self.container.config), self.setting)
        super().setup()


REPLY_FAILURES = (ConnectionError, OSError, AMQPError, OperationalError)
"""What publishing a reply raises when the broker went away."""


class ReplyTolerantRpc(Rpc):
    """An RPC entrypoint that survives failing to send its reply.

    nameko lets an error from publishing the reply escape the worker, which
    kills the whole service container: a broker outage during one call took
    every service of ``clientela up`` down with it. Here the reply is given
    up (the caller times out, as it would had the broker lost it), the
    request is acked where the channel still allows, and the service goes on.
    """

    def handle_result(self, message: Any, worker_ctx: Any, result: Any, exc_info: Any) -> Any:
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except REPLY_FAILURES as exc:
            log.warning(
                "could not send an RPC reply; the caller will time out",
                extra={"method": self.method_name, "error": repr(exc)},
            )
            with contextlib.suppress(*REPLY_FAILURES):
                self.rpc_consumer.queue_consumer.ack_message(message)
            return result, exc_info


def api(method: Callable) -> Callable:
    """An RPC entrypoint whose expected errors cross to the caller as themselves."""
    return ReplyTolerantRpc.decorator(expected_exceptions=EXPECTED_ERRORS)(method)


class ServiceBase:
    """Base of the five services: event bus, settings and outbox relay."""

    name: str
    outbox_documents: tuple[type[OutboxDocument], ...] = ()

    events = EventPublisher()
    config = Config()

    @functools.cached_property
    def settings(self) -> Settings:
        return Settings.from_nameko(self.config)

    @SettingTimer.decorator(setting="outbox_relay_interval_s", eager=True)
    def relay_outbox(self) -> int:
        """Publish events that a crash left pending in this service's documents or stages."""
        grace_s = self.settings.outbox_relay_grace_s
        relayed = relay(self.outbox_documents, self.events.publish, grace_s)
        databases = {
            document._get_db().name: document._get_db() for document in self.outbox_documents
        }
        for database in databases.values():
            relayed += relay_staged(
                database,
                self.events.publish_many,
                grace_s,
                abandon_s=self.settings.rpc_timeout_s * ABANDON_AFTER_RPC_TIMEOUTS,
            )
        return relayed
