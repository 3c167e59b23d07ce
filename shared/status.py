"""What a running platform is doing: broker, database, consumers and event backlogs.

Read-only: it declares nothing and changes nothing, so it can be run at any
time against a platform in production (``clientela status``).
"""

from __future__ import annotations

import base64
import json
import urllib.request
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote, urlsplit

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


def rabbit_api_uri(settings: Settings) -> str:
    """Where RabbitMQ's management API answers: ``rabbit_api_uri``, or by default
    ``amqp_uri``'s host and credentials on port 15672."""
    if settings.rabbit_api_uri:
        return settings.rabbit_api_uri
    amqp = urlsplit(settings.amqp_uri)
    credentials = f"{amqp.username or 'guest'}:{amqp.password or 'guest'}@"
    return f"http://{credentials}{amqp.hostname or '127.0.0.1'}:15672"


def backlog(settings: Settings, service_cls: type, now: datetime | None = None) -> dict[str, Any]:
    """The events ``service_cls``'s handlers have still to apply: how many wait
    (``waiting``) and how long ago the oldest at the head of a queue was published
    (``oldest_age_s``; None when nothing waits, or when the management API does not
    answer or the event carries no publication time).
    """
    config = settings.nameko_config()
    heads: list[str] = []
    waiting = 0
    with Connection(settings.amqp_uri, connect_timeout=5) as connection:
        for queues in service_handler_queues(service_cls, config):
            counts = queue_counts(connection, queues.main.name)
            if counts and counts[0]:
                waiting += counts[0]
                heads.append(queues.main.name)
    published = [_head_published_at(settings, queue) for queue in heads]
    known = [moment for moment in published if moment is not None]
    oldest = min(known) if known else None
    return {"waiting": waiting, "oldest_age_s": _age_s(oldest, now or datetime.now(UTC))}


def _head_published_at(settings: Settings, queue: str) -> datetime | None:
    """When the message at the head of ``queue`` was published, by the management API."""
    api = urlsplit(rabbit_api_uri(settings))
    vhost = unquote(urlsplit(settings.amqp_uri).path[1:]) or "/"
    url = f"{api.scheme}://{api.hostname}:{api.port or 15672}/api/queues/"
    request = urllib.request.Request(f"{url}{quote(vhost, safe='')}/{quote(queue, safe='')}")
    credentials = f"{unquote(api.username or '')}:{unquote(api.password or '')}"
    request.add_header("Authorization", "Basic " + base64.b64encode(credentials.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            stamp = json.load(answer).get("head_message_timestamp")
    except (OSError, ValueError):
        return None
    return None if stamp is None else datetime.fromtimestamp(stamp, UTC)


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
