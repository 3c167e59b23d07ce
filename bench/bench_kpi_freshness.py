"""How long kpi takes to reflect a lead import, next to raw pika consume+ack, same run.

    .venv/bin/python bench/bench_kpi_freshness.py [--events 100000] [--publish-batch 1000]

Needs RabbitMQ on 127.0.0.1:5672 with its management API (a throwaway vhost is
created); starts its own embedded SecantusDB (or uses ``--mongo-uri``).

1. Raw baseline: ``--events`` messages of the very bodies below are published
   to a plain queue, then a pika consumer (prefetch 1,000) acks each one as it
   arrives; its events/s is the ceiling of what any consumer gets off the broker.
2. kpi runs in a process of its own (``clientela run kpi``, as deployed).
   ``--events`` ``prospect_captured`` events, shaped as the prospects service
   publishes them for a lead import (``prospects.events.captured`` of a stored
   profile: a trade fair's visitors over a quarter), are published on the
   ``prospects.events`` exchange in confirmed batches. The time kpi needs is
   measured from the last confirmed publish until its ``indicators`` RPC
   counts every lead (the I1 total over the quarter equals ``--events``).

Prints the publish rate, the catch-up time and kpi's events/s (events over
publish start to catch-up: kpi consumes while they are published) and the
ratio of raw pika to kpi throughput.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import pika
from benchkit import consume_and_ack, queued, service_running, throwaway_platform

from clientela.cli.services import platform_classes
from clientela.config import Settings
from clientela.messaging import EventBus, declare_topology
from clientela.services.prospects import events

QUARTER_START = datetime(2026, 1, 5, 9, tzinfo=UTC)
QUARTER_END = datetime(2026, 4, 1, tzinfo=UTC)
QUEUE = "kpi.handle_prospect_captured"


def profile(number: int) -> dict:
    """The ``number``-th visitor of an imported fair list, as prospects stores it."""
    captured_at = QUARTER_START + timedelta(seconds=number * 61)
    return {
        "_id": uuid.uuid4().hex,
        "email": f"visitante{number}@empresa{number % 997}.mx",
        "first_name": "Lucía",
        "last_name": "García Ortega",
        "phone": f"+5255{10000000 + number:08d}",
        "company": f"Empresa {number % 997} S.A. de C.V.",
        "position": "Gerente de Compras",
        "source": "fairs",
        "origin": {"fair": "Expo Bench 2026", "campaign": "", "channel": ""},
        "captured_at": captured_at,
        "completeness": 75.0,
        "score": 35,
        "consent": number % 4 != 0,
    }


def capture_events(count: int) -> list[dict]:
    """``prospect_captured`` envelopes as a lead import of ``count`` new people publishes."""
    return [events.captured(profile(n)) for n in range(count)]


def raw_consume_rate(amqp_uri: str, bodies: list[bytes]) -> float:
    """Messages/s a plain pika consumer acks one by one, of ``bodies`` queued beforehand."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    queue = f"bench.raw.{uuid.uuid4().hex[:6]}"
    channel.queue_declare(queue, durable=True)
    channel.confirm_delivery()
    persistent = pika.BasicProperties(content_type="application/json", delivery_mode=2)
    for body in bodies:
        channel.basic_publish("", queue, body, persistent)
    elapsed = consume_and_ack(channel, queue, len(bodies), prefetch=1000)
    channel.queue_delete(queue)
    connection.close()
    return len(bodies) / elapsed


def leads_counted(settings: Settings) -> int:
    """I1 over the quarter, as kpi's ``indicators`` RPC reports it."""
    from nameko.standalone.rpc import ClusterRpcProxy

    with ClusterRpcProxy(settings.nameko_config(), timeout=120) as rpc:
        report = rpc.kpi.indicators("year", QUARTER_START.isoformat(), QUARTER_END.isoformat())
    return sum(period["I1_new_prospects"] for period in report["periods"])


def measure_kpi(settings: Settings, envelopes: list[dict], batch: int) -> tuple[float, float]:
    """(seconds publishing, seconds from the last publish until kpi counts every lead)."""
    declare_topology(platform_classes(), settings.nameko_config())
    with service_running(settings, "kpi"):
        bus = EventBus.connect("prospects", settings.nameko_config())
        started = time.perf_counter()
        for start in range(0, len(envelopes), batch):
            bus.publish_many(envelopes[start : start + batch])
        published = time.perf_counter()
        print(f"  published {len(envelopes)} events", file=sys.stderr)
        total = len(envelopes)
        while (waiting := queued(settings.amqp_uri, QUEUE)) or leads_counted(settings) < total:
            print(f"\r  {waiting} events queued for kpi ", end="", file=sys.stderr)
            time.sleep(0.5)
        caught_up = time.perf_counter()
        print(file=sys.stderr)
    return published - started, caught_up - published


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--publish-batch", type=int, default=1000)
    parser.add_argument("--mongo-uri", default="", help="a MongoDB to use instead of SecantusDB")
    args = parser.parse_args()

    with throwaway_platform(args.mongo_uri) as settings:
        envelopes = capture_events(args.events)
        raw_rate = raw_consume_rate(
            settings.amqp_uri, [json.dumps(envelope).encode() for envelope in envelopes]
        )
        publishing, catching_up = measure_kpi(settings, envelopes, args.publish_batch)

    kpi_rate = args.events / (publishing + catching_up)
    print(f"\n{args.events} prospect_captured events")
    print(f"published (confirmed) in {publishing:.1f} s: {args.events / publishing:.0f} events/s")
    print(f"kpi counted every lead {catching_up:.1f} s after the last publish")
    print(f"\n{'measure':<48} {'events/s':>9} {'ratio':>7}")
    print(f"{'kpi, publish start to every lead counted':<48} {kpi_rate:>9.0f}")
    print(f"{'raw pika consume+ack, same bodies':<48} {raw_rate:>9.0f} {raw_rate / kpi_rate:>7.1f}")


if __name__ == "__main__":
    main()
