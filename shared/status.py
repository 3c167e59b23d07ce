"""What a running platform is doing: broker, database, consumers and event backlogs.

Read-only: it declares nothing and changes nothing, so it can be run at any
time against a platform in production (``clientela status``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import pymongo
from kombu import Connection
from nameko.containers import get_service_name
from pymongo.errors import PyMongoError

from clientela.config import Settings
from clientela.messaging import masked, queue_counts, service_handler_queues
from clientela.outbox import PENDING, STAGED_EVENTS

FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)
"""An upper bound that lets the pending-events queries walk their sparse index."""


def _age_s(moment: datetime | None, now: datetime) -> float | None:
    if moment is None:
        return None
    return round((now - moment.replace(tzinfo=moment.tzinfo or UTC)).total_seconds(), 1)


def broker_status(settings: Settings, service_classes: Iterable[type]) -> dict[str, Any]:
    """The broker, and for each service its running instances and its handler queues."""
    config = settings.nameko_config()
    report: dict[str, Any] = {"uri": masked(settings.amqp_uri), "ok": True, "services": {}}
    try:
        with Connection(settings.amqp_uri, connect_timeout=5) as connection:
            connection.ensure_connection(max_retries=1)
            for service_cls in service_classes:
                name = get_service_name(service_cls)
                handlers = []
                for queues in service_handler_queues(service_cls, config):
                    main = queue_counts(connection, queues.main.name)
                    parked = queue_counts(connection, queues.parked.name)
                    handlers.append(
                        {
                            "queue": queues.main.name,
                            "waiting": main[0] if main else None,
                            "consumers": main[1] if main else 0,
                            "parked": parked[0] if parked else 0,
                        }
                    )
                rpc = queue_counts(connection, f"rpc-{name}")
                report["services"][name] = {
                    "instances": rpc[1] if rpc else 0,
                    "handlers": handlers,
                }
    except Exception as exc:
        report.update(ok=False, error=f"{type(exc).__name__}: {exc}")
    return report


def database_status(
    settings: Settings, mongo_uri: str, service_classes: Iterable[type]
) -> dict[str, Any]:
    """The database, and for each service the events not yet published and their age."""
    report: dict[str, Any] = {"uri": masked(mongo_uri), "ok": True, "services": {}}
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
        mongo_uri, serverSelectionTimeoutMS=3000, tz_aware=True
    )
    now = datetime.now(UTC)
    try:
        client.admin.command("ping")
        for service_cls in service_classes:
            name = get_service_name(service_cls)
            database = client[settings.database_name(name)]
            pending, oldest = 0, None
            for document in getattr(service_cls, "outbox_documents", ()):
                collection = database[document._meta["collection"]]
                waiting = {PENDING: {"$lt": FAR_FUTURE}}
                pending += collection.count_documents(waiting)
                first = collection.find_one(waiting, {PENDING: 1}, sort=[(PENDING, 1)])
                if first and (oldest is None or first[PENDING] < oldest):
                    oldest = first[PENDING]
            staged = database[STAGED_EVENTS]
            first_stage = staged.find_one({}, {"staged_at": 1}, sort=[("staged_at", 1)])
            if first_stage and (oldest is None or first_stage["staged_at"] < oldest):
                oldest = first_stage["staged_at"]
            report["services"][name] = {
                "outbox_pending": pending,
                "staged_batches": staged.count_documents({}),
                "oldest_pending_age_s": _age_s(oldest, now),
            }
    except PyMongoError as exc:
        report.update(ok=False, error=f"{type(exc).__name__}: {exc}")
    finally:
        client.close()
    return report
