"""What every clientela nameko service shares.

Subclass :class:`ServiceBase`, set ``name`` and ``outbox_documents``, and the
service gets an ``events`` bus publishing on ``<name>.events``, its settings,
and a timer that relays events an earlier crash left in an outbox.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from nameko.dependency_providers import Config
from nameko.rpc import rpc
from nameko.timer import Timer

from clientela.config import Settings
from clientela.errors import EXPECTED_ERRORS
from clientela.messaging import EventPublisher
from clientela.outbox import OutboxDocument, relay, relay_staged

ABANDON_AFTER_RPC_TIMEOUTS = 10
"""Staged events still unproven after this many RPC timeouts belong to a batch that failed."""


class RelayTimer(Timer):
    """A timer whose interval is the ``outbox_relay_interval_s`` setting."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(interval=Settings.outbox_relay_interval_s, eager=True, **kwargs)

    def setup(self) -> None:
        self.interval = Settings.from_nameko(self.container.config).outbox_relay_interval_s


def api(method: Callable) -> Callable:
    """An RPC entrypoint whose expected errors cross to the caller as themselves."""
    return rpc(expected_exceptions=EXPECTED_ERRORS)(method)


class ServiceBase:
    """Base of the five services: event bus, settings and outbox relay."""

    name: str
    outbox_documents: tuple[type[OutboxDocument], ...] = ()

    events = EventPublisher()
    config = Config()

    @functools.cached_property
    def settings(self) -> Settings:
        return Settings.from_nameko(self.config)

    @RelayTimer.decorator
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
