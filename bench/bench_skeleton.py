"""Throughput of clientela's event publishing against raw pika.

    .venv/bin/python bench/bench_skeleton.py [--events 5000]

Needs RabbitMQ on 127.0.0.1:5672 (its management API creates a throwaway
vhost). Prints clientela's EventBus (envelope validated by its schema,
publisher confirm per event) against pika publishing the same JSON with
confirms, and their ratio. Lead capture against raw ``insert_many`` is
measured by ``bench_lead_import.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import eventlet

eventlet.monkey_patch()

import pika  # noqa: E402
from benchkit import progress, throwaway_vhost  # noqa: E402

from clientela.cli.services import platform_classes  # noqa: E402
from clientela.clock import utcnow  # noqa: E402
from clientela.config import Settings  # noqa: E402
from clientela.events import new_event  # noqa: E402
from clientela.messaging import EventBus, declare_topology  # noqa: E402


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
            "completeness": 40.0,
            "score": 10,
        },
    )


def bench_publish(settings: Settings, count: int) -> tuple[float, float]:
    config = settings.nameko_config()
    declare_topology(platform_classes(), config)  # kpi's queue receives the events
    bus = EventBus.connect("prospects", config)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    args = parser.parse_args()

    with throwaway_vhost() as amqp_uri:
        publish_ours, publish_raw = bench_publish(Settings(amqp_uri=amqp_uri), args.events)

    print(f"{'measure':<44} {'clientela/s':>12} {'raw/s':>10} {'ratio':>7}")
    print(
        f"{'publish confirmed events (vs pika)':<44} {publish_ours:>12.0f} {publish_raw:>10.0f} "
        f"{publish_ours / publish_raw:>7.2f}"
    )


if __name__ == "__main__":
    main()
