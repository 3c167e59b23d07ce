"""kpi dashboard and indicators read latency, p50 and p99, at several numbers of facts,
next to a raw pymongo aggregation counting the same captures per month, in the same run.

    .venv/bin/python bench/bench_kpi_dashboard.py [--sizes 10000,100000] [--requests 30]

Starts its own embedded SecantusDB (or uses ``--mongo-uri``); needs no broker. Run it
from the repository's root: it takes the shape of a stored fact from
``bench_kpi_handlers.py``.

For each size a fresh kpi database holds that many ``captured`` facts spread evenly
over two years (24 months, four lead sources), so that every size reports the same
periods and only the facts behind them grow. Each request runs in this process, as the
service's entrypoints run it, without the HTTP or AMQP hop:

- ``indicators``: what the RPC ``kpi.indicators("month")`` reads, every period, from
  the stored per-period rows (fresh: the first read, untimed, computed and stored them);
- ``after an answer write``: the same read right after an NPS answer is recorded in
  one past month (untimed): that month's row is stale and computed again from its facts;
- ``after a customer write``: the same read right after a customer is created in the
  first month (untimed): the part about customers of every row ending after it is stale
  (churn, retention and I5 count every earlier customer), so it is worked out again for
  every month from the customer counts kept per period; their own figures stay stored;
- ``dashboard page``: what ``GET /`` does, the same indicators shaped, charted and
  rendered to HTML;
- ``dashboard shaping``: the page alone from a report already read (its cost beside
  the read's);
- ``raw aggregate``: one pymongo aggregation counting the captures per month.

The sizes take turns, request after request, so a machine busy for a while weighs on
all of them alike.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bench_kpi_handlers import stored_fact
from benchkit import bench_database, create_indexes
from pymongo import MongoClient

from clientela.periods import period_keys
from clientela.services.kpi import handlers
from clientela.services.kpi.dashboard.page import page
from clientela.services.kpi.dashboard.reading import dashboard_view
from clientela.services.kpi.dashboard.view import Filters, build_view
from clientela.services.kpi.dependencies import KpiStorage
from clientela.services.kpi.documents import Fact, IndicatorRow
from clientela.services.kpi.domain import ReportIndicators
from clientela.storage import RecordedEvents

START = datetime(2025, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=730)
SOURCES = ("fairs", "webforms", "social", "referrals")


def fact(number: int, size: int) -> dict:
    """The ``number``-th of ``size`` captured facts, placed evenly over ``SPAN``."""
    at = START + SPAN * number / size
    return {
        **stored_fact(number),
        "at": at,
        "periods": period_keys(at),
        "source": SOURCES[number % len(SOURCES)],
    }


def preload(client: MongoClient, database: str, size: int, batch: int = 5_000) -> None:
    """A kpi database with its indexes and ``size`` captured facts."""
    create_indexes(client[database], (Fact, IndicatorRow))
    collection = client[database].facts
    for start in range(0, size, batch):
        collection.insert_many(
            [fact(n, size) for n in range(start, min(start + batch, size))], ordered=False
        )


def raw_aggregate(client: MongoClient, database: str) -> Callable[[], object]:
    pipeline = [
        {"$match": {"kind": "captured"}},
        {"$group": {"_id": "$periods.month", "prospects": {"$sum": 1}}},
    ]
    return lambda: list(client[database].facts.aggregate(pipeline))


Request = tuple[Callable[[], object], Callable[[], object]]
"""What is done untimed before a request, and the request timed."""


def measures(client: MongoClient, database: str) -> dict[str, Request]:
    """The requests timed at one size, by name."""
    uow = KpiStorage(client[database], RecordedEvents())
    query = ReportIndicators("month")
    report = handlers.report_indicators(query, uow)  # every row computed and stored
    writes = itertools.count()

    def nothing() -> None:
        pass

    def read() -> object:
        return handlers.report_indicators(query, uow)

    def answer() -> None:
        number = next(writes)
        uow.record_once(
            f"nps:bench{number}", "nps", "c1", START + timedelta(days=200), category="promoter"
        )

    def customer() -> None:
        number = next(writes)
        uow.record_once(f"customer:bench{number}", "customer", f"c{number}", START, captive=False)

    return {
        "indicators (RPC read)": (nothing, read),
        "after an answer write": (answer, read),
        "after a customer write": (customer, read),
        "dashboard page (GET /)": (
            nothing,
            lambda: page(dashboard_view(Filters(), uow)).get_data(),
        ),
        "dashboard shaping only": (nothing, lambda: page(build_view(Filters(), report)).get_data()),
        "raw aggregate per month": (nothing, raw_aggregate(client, database)),
    }


def percentile(times: list[float], rank: int) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[rank - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="facts stored, comma-separated")
    parser.add_argument("--requests", type=int, default=30, help="requests per measure and size")
    parser.add_argument("--mongo-uri", default="", help="a MongoDB to use instead of SecantusDB")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    with bench_database(args.mongo_uri) as mongo_uri:
        client: MongoClient = MongoClient(mongo_uri, tz_aware=True)
        databases = {size: f"bench{uuid.uuid4().hex[:6]}_kpi" for size in sizes}
        try:
            for size in sizes:
                started = time.perf_counter()
                preload(client, databases[size], size)
                print(f"{size} facts stored in {time.perf_counter() - started:.1f} s")
            timed = {size: measures(client, databases[size]) for size in sizes}
            times: dict[tuple[int, str], list[float]] = {}
            for _ in range(args.requests):
                for size in sizes:
                    for name, (prepare, request) in timed[size].items():
                        prepare()
                        started = time.perf_counter()
                        request()
                        times.setdefault((size, name), []).append(
                            (time.perf_counter() - started) * 1000
                        )
        finally:
            for database in databases.values():
                client.drop_database(database)
            client.close()

    names = list(timed[sizes[0]])
    heading = "".join(f"{f'{size} p50':>12}{f'{size} p99':>12}" for size in sizes)
    print(f"\n{'ms per request (24 months)':<28}{heading}{'p50 ratio':>11}")
    for name in names:
        cells = "".join(
            f"{percentile(times[size, name], 50):>12.1f}{percentile(times[size, name], 99):>12.1f}"
            for size in sizes
        )
        ratio = percentile(times[sizes[-1], name], 50) / percentile(times[sizes[0], name], 50)
        print(f"{name:<28}{cells}{ratio:>11.2f}")
    print(f"\n(p50 ratio: {sizes[-1]} facts against {sizes[0]})")
    for size in sizes:
        rpc = percentile(times[size, "indicators (RPC read)"], 50)
        raw = percentile(times[size, "raw aggregate per month"], 50)
        print(f"{size} facts: the raw aggregate takes {raw / rpc:,.0f} times the indicators read")


if __name__ == "__main__":
    main()
