"""MongoDB access: one database per service, reached through mongoengine aliases.

Each service's documents declare ``meta = {"db_alias": "<service>"}``; the
:class:`ServiceDatabase` dependency connects that alias to
``<db_prefix>_<service>`` on the configured server and creates the indexes its
documents list, before the service takes any work.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import mongoengine
from mongoengine import Document
from nameko.extensions import DependencyProvider
from pymongo.database import Database

from clientela.config import ConfigError, Settings


def connect_service_database(service: str, settings: Settings) -> Database:
    """Connect the mongoengine alias ``service`` to its database and return it."""
    if not settings.mongo_uri:
        raise ConfigError(
            "mongo_uri: no MongoDB server configured; set CLIENTELA_MONGO_URI or start "
            "the platform with `clientela up`, which runs the embedded database"
        )
    mongoengine.disconnect(alias=service)
    mongoengine.connect(
        db=settings.database_name(service),
        host=settings.mongo_uri,
        alias=service,
        tz_aware=True,
        uuidRepresentation="standard",
        serverSelectionTimeoutMS=10_000,
    )
    return mongoengine.get_db(alias=service)


class ServiceDatabase(DependencyProvider):
    """Connects the service's database and ensures the indexes of ``documents``."""

    def __init__(self, documents: Iterable[type[Document]]) -> None:
        self.documents = tuple(documents)

    def setup(self) -> None:
        settings = Settings.from_nameko(self.container.config)
        self.database = connect_service_database(self.container.service_name, settings)
        for document in self.documents:
            document.ensure_indexes()

    def get_dependency(self, worker_ctx: Any) -> Database:
        return self.database
