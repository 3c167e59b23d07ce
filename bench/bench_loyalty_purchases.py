"""Throughput of loyalty's ``purchase_recorded`` handler against raw pika consume+ack, same run.

    .venv/bin/python bench/bench_loyalty_purchases.py [--events 100000] [--customers 10000]

Needs RabbitMQ on 127.0.0.1:5672 with its management API (a throwaway vhost is
created); starts its own embedded SecantusDB (or uses ``--mongo-uri``).

1. ``--customers`` members are stored in loyalty's database (as
   ``customer_created`` leaves them), and ``--events`` ``purchase_recorded``
   events, spread over them, are published to ``customers.events`` (with
   confirms). They land in loyalty's handler queue and in a plain queue bound
   the same way.
2. Raw pika drains the plain queue: consume and ack each message, with the
   same prefetch as a nameko service, nothing else.
3. The loyalty service (``clientela run loyalty``, in a process of its own, as
   deployed) drains its queue: each event is validated and runs the whole
   handler (points credited through the journal and the tier, the purchase
   kept and the churn risk rescored, win-back checked), with the ack after it.
   Timed from its first purchase stored to its last.

Prints both rates and their ratio.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pika
from benchkit import consume_and_ack, progress, service_running, throwaway_platform
from pymongo import MongoClient

from clientela.config import Settings
from clientela.discovery import service_class
from clientela.events import new_event
from clientela.messaging import declare_topology

RAW_QUEUE = "bench.raw_purchases"
PREFETCH = 10
"""A nameko service's prefetch: its ``max_workers`` (10 by default)."""

START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def store_members(client: MongoClient, settings: Settings, customers: int) -> None:
    """``customers`` members, customers for a year, as loyalty keeps them."""
    members = client[settings.database_name("loyalty")].customers
    since = START - timedelta(days=365)
    members.insert_many(
        [
            {"_id": f"C-{n}", "prospect_id": f"P-{n}", "email": None, "customer_since": since}
            for n in range(customers)
        ]
    )


def purchase(n: int, customers: int) -> bytes:
    """The ``n``-th purchase, of customer ``n % customers``, as customers announces it."""
    envelope = new_event(
        "purchase_recorded",
        {
            "purchase_id": f"F-{n}",
            "customer_id": f"C-{n % customers}",
            "amount": Decimal(50 + n % 450),
            "currency": "MXN",
            "purchased_at": START + timedelta(minutes=n),
        },
    )
    return json.dumps(envelope).encode()


def publish(settings: Settings, events: int, customers: int) -> None:
    """``events`` purchases on ``customers.events``, each confirmed; a plain queue gets them
    too."""
    connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_uri))
    channel = connection.channel()
    channel.queue_declare(RAW_QUEUE, durable=True)
    channel.queue_bind(RAW_QUEUE, "customers.events", "purchase_recorded")
    channel.confirm_delivery()
    properties = pika.BasicProperties(content_type="application/json", delivery_mode=2)
    for n in range(events):
        channel.basic_publish(
            "customers.events", "purchase_recorded", purchase(n, customers), properties
        )
        if n % 1000 == 0:
            progress("published", n, events)
    connection.close()
    print(file=sys.stderr)


def consume_raw(settings: Settings, events: int) -> float:
    """Messages per second pika consumes and acks from the plain queue."""
    connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_uri))
    channel = connection.channel()
    elapsed = consume_and_ack(channel, RAW_QUEUE, events, PREFETCH, "raw pika consume+ack")
    connection.close()
    print(file=sys.stderr)
    return events / elapsed


def consume_with_loyalty(settings: Settings, client: MongoClient, events: int) -> float:
    """Events per second the loyalty service handles, from its first purchase kept to its
    last."""
    purchases = client[settings.database_name("loyalty")].purchases
    with service_running(settings, "loyalty", wait=False) as service:
        while not (first := purchases.count_documents({})):
            time.sleep(0.05)
        started = time.perf_counter()
        done = first
        while done < events:
            if service.poll() is not None:
                raise RuntimeError(f"the loyalty service stopped (status {service.returncode})")
            time.sleep(0.5)
            done = purchases.count_documents({})
            progress("loyalty handler", done, events)
        elapsed = time.perf_counter() - started
    print(file=sys.stderr)
    return (events - first) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--mongo-uri", default="", help="a MongoDB to use instead of SecantusDB")
    parser.add_argument(
        "--durable", action="store_true", help="SecantusDB flushes its log on every commit"
    )
    args = parser.parse_args()

    with throwaway_platform(args.mongo_uri, durable=args.durable) as settings:
        declare_topology([service_class("loyalty")], settings.nameko_config())
        client = MongoClient(settings.mongo_uri, tz_aware=True)
        store_members(client, settings, args.customers)
        publish(settings, args.events, args.customers)
        raw = consume_raw(settings, args.events)
        ours = consume_with_loyalty(settings, client, args.events)
        client.drop_database(settings.database_name("loyalty"))
        client.close()

    print(f"\n{args.events} purchase_recorded events, {args.customers} customers")
    print(f"{'measure':<52} {'events/s':>9} {'ratio':>7}")
    print(f"{'raw pika consume+ack (prefetch ' + str(PREFETCH) + ')':<52} {raw:>9.0f} {1:>7.2f}")
    print(
        f"{'loyalty purchase_recorded handler (clientela run)':<52} {ours:>9.0f} {ours / raw:>7.2f}"
    )


if __name__ == "__main__":
    main()
