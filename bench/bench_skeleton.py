"""Throughput of clientela's event publishing and lead capture against raw clients.

    .venv/bin/python bench/bench_skeleton.py [--events 5000] [--leads 5000]

Needs RabbitMQ on 127.0.0.1:5672 (its management API creates a throwaway vhost)
and starts its own embedded SecantusDB. Prints figures and ratios:

- publish: clientela's EventBus (envelope validated by its schema, publisher
  confirm per event) against pika publishing the same JSON with confirms;
- capture: prospects' capture_leads (validate, normalise, de-duplicate, store
  with outbox, publish confirmed, pull from outbox) against pymongo
  insert_many of the same documents.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid

import eventlet

eventlet.monkey_patch()

import pika  # noqa: E402
from nameko.amqp.publish import Publisher  # noqa: E402
from nameko.standalone.events import get_event_exchange  # noqa: E402

from clientela.clock import utcnow  # noqa: E402
from clientela.config import Settings  # noqa: E402
from clientela.db import connect_service_database  # noqa: E402
from clientela.embedded import EmbeddedDatabase  # noqa: E402
from clientela.events import new_event  # noqa: E402
from clientela.messaging import EventBus, declare_topology  # noqa: E402
from clientela.services import all_service_classes  # noqa: E402
from clientela.services.prospects.documents import Prospect  # noqa: E402
from clientela.services.prospects.handlers import capture_leads  # noqa: E402
from clientela.testing import RabbitAdmin, free_port  # noqa: E402


def progress(label: str, done: int, total: int) -> None:
    print(f"\r  {label}: {done}/{total}", end="", file=sys.stderr, flush=True)


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds else float("inf")


def captured(i: int) -> dict:
    return new_event(
        "prospect_captured",
        {
            "prospect_id": f"p{i}",
            "email": f"p{i}@example.com",
            "source": "bench",
            "captured_at": utcnow(),
        },
    )


def bench_publish(settings: Settings, count: int) -> tuple[float, float]:
    config = settings.nameko_config()
    declare_topology(all_service_classes(), config)  # kpi's queue receives the events
    exchange = get_event_exchange("prospects", config)
    bus = EventBus(Publisher(settings.amqp_uri, declare=[exchange], serializer="json"), exchange)
    started = time.perf_counter()
    for i in range(count):
        bus.publish(captured(i))
        if i % 500 == 0:
            progress("clientela publish", i, count)
    ours = time.perf_counter() - started

    connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_uri))
    channel = connection.channel()
    channel.confirm_delivery()
    bodies = [json.dumps(captured(i)) for i in range(count)]
    started = time.perf_counter()
    for i, body in enumerate(bodies):
        channel.basic_publish(
            "prospects.events",
            "prospect_captured",
            body,
            pika.BasicProperties(content_type="application/json", delivery_mode=2),
        )
        if i % 500 == 0:
            progress("raw pika publish", i, count)
    raw = time.perf_counter() - started
    connection.close()
    print(file=sys.stderr)
    return rate(count, ours), rate(count, raw)


def bench_capture(settings: Settings, count: int) -> tuple[float, float]:
    database = connect_service_database("prospects", settings)
    Prospect.ensure_indexes()
    config = settings.nameko_config()
    exchange = get_event_exchange("prospects", config)
    bus = EventBus(Publisher(settings.amqp_uri, declare=[exchange], serializer="json"), exchange)
    rows = [
        {
            "line": i + 2,
            "fields": {
                "email": f" Lead{i}@Example.com ",
                "first_name": "Ana",
                "last_name": "Ruiz",
                "company": "Textiles Ruiz",
            },
        }
        for i in range(count)
    ]
    started = time.perf_counter()
    for start in range(0, count, 500):
        capture_leads("bench", {}, rows[start : start + 500], bus.publish)
        progress("clientela capture", start + 500, count)
    ours = time.perf_counter() - started

    documents = [
        {
            "_id": uuid.uuid4().hex,
            "email": f"lead{i}@example.com",
            "first_name": "Ana",
            "last_name": "Ruiz",
            "company": "Textiles Ruiz",
            "status": "new",
            "source": "bench",
            "captured_at": utcnow(),
        }
        for i in range(count)
    ]
    started = time.perf_counter()
    for start in range(0, count, 500):
        database.raw_prospects.insert_many(documents[start : start + 500])
        progress("raw insert_many", start + 500, count)
    raw = time.perf_counter() - started
    print(file=sys.stderr)
    return rate(count, ours), rate(count, raw)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--leads", type=int, default=5000)
    args = parser.parse_args()

    admin = RabbitAdmin("http://guest:guest@127.0.0.1:15672", "amqp://guest:guest@127.0.0.1:5672/")
    vhost = f"clientela-bench-{uuid.uuid4().hex[:8]}"
    admin.create_vhost(vhost)
    db = EmbeddedDatabase(tempfile.mkdtemp(prefix="clientela-bench-"), free_port())
    db.start()
    try:
        settings = Settings(
            amqp_uri=f"amqp://guest:guest@127.0.0.1:5672/{vhost}",
            mongo_uri=db.uri,
            db_prefix="bench",
        )
        publish_ours, publish_raw = bench_publish(settings, args.events)
        capture_ours, capture_raw = bench_capture(settings, args.leads)
    finally:
        db.stop()
        admin.delete_vhost(vhost)

    print(f"{'measure':<44} {'clientela/s':>12} {'raw/s':>10} {'ratio':>7}")
    print(
        f"{'publish confirmed events (vs pika)':<44} {publish_ours:>12.0f} {publish_raw:>10.0f} "
        f"{publish_ours / publish_raw:>7.2f}"
    )
    print(
        f"{'capture leads incl. events (vs insert_many)':<44} {capture_ours:>12.0f} "
        f"{capture_raw:>10.0f} {capture_ours / capture_raw:>7.2f}"
    )


if __name__ == "__main__":
    main()
