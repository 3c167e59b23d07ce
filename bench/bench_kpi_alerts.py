"""kpi target checks and alert reads at ~10k and ~100k facts, next to raw pymongo, same run.

    .venv/bin/python bench/bench_kpi_alerts.py [--small 10000] [--large 100000]
                                               [--months 24] [--rounds 20]

Starts its own embedded SecantusDB (or uses ``--mongo-uri``); needs no broker.

For each size, a fresh kpi database holds that many ``contract`` facts (half on
time) due over the last ``--months`` months, in the shape the handlers store
them, and six targets (CCT and contracts due, monthly and quarterly, and two
fixed periods); a first ``check_targets`` raises their alerts. Then, over
``--rounds`` rounds, it times ``check_targets`` (every target judged on the
periods it covers: what the service's timer runs every ``kpi_alert_check_s``),
the open alerts (RPC ``alerts``) and the review of a quarter (``review``). The
baseline is a raw ``find`` of the contract facts of the current and the
previous quarter: what one check has to read at the least. p50 and p99 in
milliseconds; ratio large/small. A check reads the facts of the periods it
judges, so it grows with the facts per period, not with those stored.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from benchkit import bench_database
from pymongo import ASCENDING, DESCENDING, MongoClient

from clientela.clock import utcnow
from clientela.periods import period_key, period_keys
from clientela.services.kpi import monitoring
from clientela.services.kpi.dependencies import KpiStorage
from clientela.services.kpi.targets import period_span
from clientela.storage import RecordedEvents

TARGETS = [
    {"indicator": "CCT", "value": 90, "tolerance": 5},
    {"indicator": "CCT", "value": 90, "tolerance": 5, "granularity": "quarter"},
    {"indicator": "contracts_on_time", "value": 10_000, "granularity": "quarter"},
    {"indicator": "contracts_due", "value": 10, "direction": "lower"},
    {"indicator": "CCT", "value": 95, "period": "2026-Q1"},
    {"indicator": "CCT", "value": 95, "period": "2026-06"},
]


def contract_fact(number: int, facts: int, months: int, now: datetime) -> dict:
    """The ``number``-th contract fact, due evenly over the ``months`` before ``now``."""
    due = now - timedelta(days=30 * months * (facts - number) / facts)
    return {
        "_id": f"contract:k{number}",
        "kind": "contract",
        "subject": f"c{number % 500}",
        "at": due,
        "periods": period_keys(due),
        "contract_stamp": due.isoformat(),
        "due": 1,
        "on_time": number % 2,
    }


def prepare(client: MongoClient, database: str, facts: int, months: int) -> KpiStorage:
    """A kpi database with its indexes, ``facts`` contract facts, the targets and their
    alerts raised."""
    client.drop_database(database)
    db = client[database]
    db.facts.create_index([("kind", ASCENDING), ("at", ASCENDING)])
    db.alerts.create_index([("open", ASCENDING), ("raised_at", DESCENDING)])
    db.alerts.create_index([("raised_at", DESCENDING)])
    db.alerts.create_index([("period_start", ASCENDING)])
    now = utcnow()
    for start in range(0, facts, 5_000):
        batch = range(start, min(start + 5_000, facts))
        db.facts.insert_many([contract_fact(n, facts, months, now) for n in batch], ordered=False)
    uow = KpiStorage(db, RecordedEvents())
    for target in TARGETS:
        monitoring.set_target(target, "bench", uow, now)
    monitoring.check_targets(uow, now)
    return uow


def timed(call: Callable[[], object], rounds: int) -> list[float]:
    """Milliseconds each of ``rounds`` calls took."""
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return times


def p50_p99(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def measure(uow: KpiStorage, rounds: int) -> dict[str, list[float]]:
    """Times of each read, and of the raw baseline, on one prepared database."""
    now = utcnow()
    current = period_span(period_key(now, "quarter"), "quarter")
    previous = period_span(period_key(current.start - timedelta(days=1), "quarter"), "quarter")
    raw = {"kind": "contract", "at": {"$gte": previous.start, "$lt": current.end}}
    fields = {"periods": 1, "due": 1, "on_time": 1}
    return {
        "check_targets (6 targets)": timed(lambda: monitoring.check_targets(uow, now), rounds),
        "alerts (open)": timed(lambda: uow.alerts(open_only=True), rounds),
        "review of a quarter": timed(
            lambda: monitoring.review(current.start, current.end, uow), rounds
        ),
        "raw find: 2 quarters of contract facts": timed(
            lambda: list(uow.facts.find(raw, fields)), rounds
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000, help="facts stored, small case")
    parser.add_argument("--large", type=int, default=100_000, help="facts stored, large case")
    parser.add_argument("--months", type=int, default=24, help="months the facts spread over")
    parser.add_argument("--rounds", type=int, default=20, help="timed calls of each read")
    parser.add_argument("--mongo-uri", default="", help="a MongoDB to use instead of SecantusDB")
    args = parser.parse_args()

    with bench_database(args.mongo_uri) as mongo_uri:
        client = MongoClient(mongo_uri, tz_aware=True)
        results = {}
        for size in (args.small, args.large):
            uow = prepare(client, f"bench_kpi_alerts_{size}", size, args.months)
            results[size] = measure(uow, args.rounds)
        client.close()

    small, large = results[args.small], results[args.large]
    print(f"\n{'read (ms)':<42} {'p50':>8} {'p99':>8} {'p50':>9} {'p99':>9} {'ratio':>6}")
    print(f"{'facts stored':<42} {args.small:>17} {args.large:>19} {'p50 l/s':>6}")
    for label in small:
        low, high = p50_p99(small[label]), p50_p99(large[label])
        print(
            f"{label:<42} {low[0]:>8.1f} {low[1]:>8.1f} {high[0]:>9.1f} {high[1]:>9.1f}"
            f" {high[0] / low[0]:>6.2f}"
        )


if __name__ == "__main__":
    main()
