"""What kpi's trends cost next to the indicators of the same quarter, and what weekly figures
cost for facts stored before week keys (worked out from their day) against facts with them.

    .venv/bin/python bench/bench_kpi_trends.py [--facts 10000 100000] [--rounds 5]

Starts its own embedded SecantusDB (or uses ``--mongo-uri``); needs no broker.

For each size, two kpi databases are filled with that many purchase facts spread evenly
over 2025 and 2026 (raw ``insert_many``, in the shape the handlers store): one with every
period key, one as stored before week keys existed. Then, best of ``--rounds``:

- ``indicators``: the indicators of 2026-Q4 (``report_indicators``, quarter);
- ``trends``: the trends of every indicator in 2026-Q4 (``report_trends``, window 3), which
  also reads 2025-Q4 to 2026-Q3;
- ``weeks``: the weekly indicators of 2026-Q4, with week keys and without them;
- ``raw``: pymongo reading the quarter's purchase facts by ``kind`` and ``at`` (the index
  the indicators use), the floor any report of them stands on.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from benchkit import bench_database, best_ms
from pymongo import MongoClient

from clientela.periods import period_keys
from clientela.services.kpi import handlers
from clientela.services.kpi.dependencies import KpiStorage
from clientela.services.kpi.domain import ReportIndicators, ReportTrends
from clientela.storage import RecordedEvents

FIRST = datetime(2025, 1, 1, tzinfo=UTC)
SPAN = datetime(2027, 1, 1, tzinfo=UTC) - FIRST
Q4 = (datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def purchase_fact(number: int, facts: int, weeks: bool) -> dict[str, Any]:
    """The ``number``-th of ``facts`` purchase facts; without a week key unless ``weeks``."""
    at = FIRST + SPAN * number / facts
    keys = period_keys(at)
    if not weeks:
        del keys["week"]
    return {
        "_id": f"purchase:u{number}",
        "kind": "purchase",
        "subject": f"c{number % 500}",
        "at": at,
        "periods": keys,
        "amount": "100.00",
        "currency": "MXN",
    }


def preload(client: MongoClient, database: str, facts: int, weeks: bool) -> KpiStorage:
    """A kpi database with its ``kind, at`` index and ``facts`` purchase facts."""
    collection = client[database].facts
    collection.create_index([("kind", 1), ("at", 1)])
    for start in range(0, facts, 5_000):
        batch = range(start, min(start + 5_000, facts))
        collection.insert_many([purchase_fact(n, facts, weeks) for n in batch], ordered=False)
    return KpiStorage(client[database], RecordedEvents())


def measure(client: MongoClient, facts: int, rounds: int) -> dict[str, float]:
    """Each measure's best time (ms) at ``facts`` facts."""
    with_weeks = preload(client, f"bench_trends_{facts}_weeks", facts, weeks=True)
    legacy = preload(client, f"bench_trends_{facts}_legacy", facts, weeks=False)
    quarter = ReportIndicators("quarter", *Q4)
    weekly = ReportIndicators("week", *Q4)
    trends = ReportTrends(None, "quarter", *Q4)
    in_q4 = {"kind": "purchase", "at": {"$gte": Q4[0], "$lt": Q4[1]}}
    figures = {
        "indicators": best_ms(lambda: handlers.report_indicators(quarter, with_weeks), rounds),
        "trends": best_ms(lambda: handlers.report_trends(trends, with_weeks), rounds),
        "weeks, with week keys": best_ms(
            lambda: handlers.report_indicators(weekly, with_weeks), rounds
        ),
        "weeks, stored before week keys": best_ms(
            lambda: handlers.report_indicators(weekly, legacy), rounds
        ),
        "raw find of the quarter's facts": best_ms(
            lambda: list(with_weeks.facts.find(in_q4)), rounds
        ),
    }
    for name in (with_weeks.database.name, legacy.database.name):
        client.drop_database(name)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=5, help="rounds; the best one counts")
    parser.add_argument("--mongo-uri", default="", help="a MongoDB to use instead of SecantusDB")
    args = parser.parse_args()

    with bench_database(args.mongo_uri) as mongo_uri:
        client = MongoClient(mongo_uri, tz_aware=True)
        results = {facts: measure(client, facts, args.rounds) for facts in args.facts}
        client.close()

    sizes = list(results)
    print(f"\n{'best of ' + str(args.rounds) + ', ms':<34}" + "".join(f"{n:>12}" for n in sizes))
    for label in results[sizes[0]]:
        print(f"{label:<34}" + "".join(f"{results[n][label]:>12.1f}" for n in sizes))
    for facts, figures in results.items():
        raw = figures["raw find of the quarter's facts"]
        print(
            f"\n{facts} facts: trends / indicators "
            f"{figures['trends'] / figures['indicators']:.2f}, "
            f"indicators / raw find {figures['indicators'] / raw:.2f}, "
            f"weeks without / with week keys "
            f"{figures['weeks, stored before week keys'] / figures['weeks, with week keys']:.2f}"
        )


if __name__ == "__main__":
    main()
