"""Storage as a dependency: every worker gets its service's unit of work.

A service's handlers never reach MongoDB through mongoengine globals. They take
a *unit of work*: an object with the named queries and atomic writes of that
service (``find_profile``, ``save_profile``, ``record_fact``...), which also
publishes the events a write announces. Each service defines two, with the
same methods, in its ``dependencies.py``:

- a subclass of :class:`UnitOfWork` over the service's real database, handed
  to workers by the :class:`Storage` dependency provider;
- an in-memory fake (a subclass of :class:`FakeUnitOfWork`) for handler unit
  tests, which run without a broker or a database.

MongoDB writes one document atomically, so a unit of work does not pretend to
hold a transaction: each write method is one atomic write, and a document
saved with its pending events in its outbox is saved with them in the same
write (see :mod:`clientela.outbox`).

    class ProspectsService(ServiceBase):
        storage = Storage(ProspectsStorage, documents=[Prospect, FollowUp])

        @api
        def assign(self, prospect_id, owner):
            return handlers.assign_owner(AssignOwner(prospect_id, owner), self.storage)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

import mongoengine
from mongoengine import Document
from nameko.extensions import DependencyProvider
from pymongo.database import Database

from clientela.config import Settings
from clientela.db import connect_service_database
from clientela.messaging import EventPublisher

DUPLICATE_KEY = 11000
"""MongoDB's error code for a write under a unique key (an ``_id``) taken already."""


class EventSink(Protocol):
    """Where a unit of work's events go: the service's event bus, or a list in tests."""

    def publish(self, envelope: dict) -> None:
        """Publish one event envelope and wait until it is safe."""

    def publish_many(self, envelopes: list[dict]) -> None:
        """Publish several event envelopes and wait until they are all safe."""


class UnitOfWork:
    """Base of a service's unit of work over its real database.

    Subclasses add the service's named queries and atomic writes as methods;
    :attr:`database` is the service's pymongo database and :attr:`events` its
    event bus. Handlers use only the subclass's methods, so a
    :class:`FakeUnitOfWork` with the same methods can stand in for it.
    """

    def __init__(self, database: Database, events: EventSink) -> None:
        self.database = database
        self.events = events

    def publish(self, envelope: dict) -> None:
        """Publish one event envelope (with the broker's confirm)."""
        self.events.publish(envelope)

    def publish_many(self, envelopes: list[dict]) -> None:
        """Publish several event envelopes, pipelined, confirmed as a whole."""
        self.events.publish_many(envelopes)


class RecordedEvents:
    """An :class:`EventSink` that keeps what is published, in order."""

    def __init__(self) -> None:
        self.envelopes: list[dict] = []

    def publish(self, envelope: dict) -> None:
        self.envelopes.append(envelope)

    def publish_many(self, envelopes: list[dict]) -> None:
        self.envelopes.extend(envelopes)

    def types(self) -> list[str]:
        """The type of every event published so far, in order."""
        return [envelope["type"] for envelope in self.envelopes]


class FakeUnitOfWork:
    """Base of a service's in-memory unit of work, for handler unit tests.

    Subclasses keep the service's documents in dictionaries and implement the
    same methods as the real unit of work, with the same results for the same
    calls; published events are kept in :attr:`events`.
    """

    def __init__(self) -> None:
        self.events = RecordedEvents()

    def publish(self, envelope: dict) -> None:
        """Keep one event envelope."""
        self.events.publish(envelope)

    def publish_many(self, envelopes: list[dict]) -> None:
        """Keep several event envelopes."""
        self.events.publish_many(envelopes)


class Storage(DependencyProvider):
    """Gives each worker a ``unit_of_work`` over the service's database.

    When the service starts, connects its database (``<db_prefix>_<service>``,
    also as the mongoengine alias named after the service) and creates the
    indexes that ``documents`` declare. Events are published through the
    service's :class:`~clientela.messaging.EventPublisher`.
    """

    def __init__(
        self, unit_of_work: type[UnitOfWork], documents: Iterable[type[Document]] = ()
    ) -> None:
        self.unit_of_work = unit_of_work
        self.documents = tuple(documents)

    def setup(self) -> None:
        settings = Settings.from_nameko(self.container.config)
        connect_service_database(self.container.service_name, settings)
        for document in self.documents:
            document.ensure_indexes()
        publishers = [d for d in self.container.dependencies if isinstance(d, EventPublisher)]
        if len(publishers) != 1:
            raise TypeError(
                f"{self.container.service_name}: Storage needs exactly one EventPublisher "
                f"on the service, found {len(publishers)}"
            )
        self.publisher = publishers[0]

    def get_dependency(self, worker_ctx: Any) -> UnitOfWork:
        # the alias's database now, not the one set up: a second instance of the service
        # started in this process (as tests do) reconnects the alias and closes that client
        database = mongoengine.get_db(alias=self.container.service_name)
        return self.unit_of_work(database, self.publisher.get_dependency(worker_ctx))
