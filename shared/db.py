"""MongoDB access: one database per service, reached through a mongoengine alias.

Each service's documents declare ``meta = {"db_alias": "<service>"}``;
:func:`connect_service_database` connects that alias to
``<db_prefix>_<service>`` on the configured server (the
:class:`clientela.storage.Storage` dependency calls it when a service starts).
"""

from __future__ import annotations

import mongoengine
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
