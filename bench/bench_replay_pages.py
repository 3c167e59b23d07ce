"""Cost of a replay page at 10k and at 100k stored documents, next to raw pymongo reads of the
same documents, and of applying a replayed page to kpi's rebuilt facts, in one run.

    .venv/bin/python bench/bench_replay_pages.py [--small 10000] [--large 100000]
                                                 [--page 500] [--rounds 5]

Starts its own embedded SecantusDB (or uses ``--mongo-uri``); needs no broker.

For each size, a loyalty database is filled with that many journal entries in the
shape the ledger stores (raw ``insert_many``). A replay page is what the loyalty
service's ``replay`` RPC does (without the broker): read ``--page`` entries by
``_id`` after a cursor, and build the ``points_*`` event of each. Pages are read
at the start, the middle and the end of the collection; each keeps its best of
``--rounds``. The baseline reads the same documents with a raw ``find`` by
``_id`` range (``$gte``/``$lt``, sorted), and a raw ``find`` with no filter
that stops after a page. A page whose cost does not grow with the collection
has a large/small ratio near 1.

Last, a page of replayed events is applied to kpi's rebuilt facts through its
handlers (``rebuild_apply``) on an empty and on a filled facts collection, next
to a raw ``insert_many`` of as many documents.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from benchkit import bench_database, best_ms
from pymongo import MongoClient

from clientela.replay import replay_page
from clientela.services.kpi.dependencies import KpiStorage
from clientela.services.kpi.rebuild import apply_replayed
from clientela.services.loyalty.dependencies import LoyaltyStorage
from clientela.services.loyalty.replay import REPLAY_GAPS, REPLAY_SOURCES
from clientela.storage import RecordedEvents

START = datetime(2025, 1, 6, 9, tzinfo=UTC)


def entry(number: int) -> dict[str, Any]:
    """The ``number``-th journal entry: points earned on a purchase, as the ledger stores it."""
    return {
        "_id": f"purchase:P-{number:08d}",
        "customer_id": f"CU-{number % 5_000:05d}",
        "seq": number // 5_000 + 1,
        "kind": "earn",
        "points": 100 + number % 400,
        "reason": "purchase",
        "recorded_at": START + timedelta(minutes=number),
    }


def fill(client: MongoClient, database: str, entries: int, batch: int = 5_000) -> None:
    """A loyalty database whose ledger holds ``entries`` entries, with its indexes."""
    ledger = client[database].ledger
    ledger.create_index([("customer_id", 1), ("seq", 1)])
    for first in range(0, entries, batch):
        ledger.insert_many([entry(n) for n in range(first, min(first + batch, entries))])


def page_costs(client: MongoClient, database: str, size: int, page: int, rounds: int) -> dict:
    """Best ms of a replay page, and of the raw reads, at the start, middle and end."""
    uow = LoyaltyStorage(client[database], RecordedEvents())
    ledger = client[database].ledger
    costs: dict[str, dict[str, float]] = {}
    for place, first in (("start", 0), ("middle", size // 2), ("end", size - page)):
        after = None if first == 0 else f"ledger:{entry(first - 1)['_id']}"
        low, high = entry(first)["_id"], entry(first + page)["_id"]

        def replay(after: str | None = after) -> None:
            found = replay_page(REPLAY_SOURCES, uow.replay_documents, after, page, REPLAY_GAPS)
            assert len(found["events"]) == page

        def ranged(low: str = low, high: str = high) -> None:
            query = {"_id": {"$gte": low, "$lt": high}}
            assert len(list(ledger.find(query).sort("_id", 1))) == page

        costs[place] = {
            "replay page": best_ms(replay, rounds),
            "raw find by _id range": best_ms(ranged, rounds),
            "raw find, first page": best_ms(lambda: list(ledger.find().limit(page)), rounds),
        }
    return costs


def apply_costs(client: MongoClient, database: str, page: int, rounds: int) -> dict:
    """Best ms to apply a replayed page to empty and to filled rebuilt facts, and to insert
    as many documents raw."""
    events = replay_page(
        REPLAY_SOURCES,
        LoyaltyStorage(client[database], RecordedEvents()).replay_documents,
        None,
        page,
    )["events"]
    kpi = KpiStorage(client[f"{database}_kpi"], RecordedEvents())
    costs = {}
    kpi.start_rebuild()
    costs["rebuild_apply, empty facts"] = best_ms(lambda: apply_replayed(events, kpi), 1)
    costs["rebuild_apply, again (read only)"] = best_ms(lambda: apply_replayed(events, kpi), rounds)
    raw = client[f"{database}_kpi"].raw

    def insert() -> None:
        raw.drop()
        raw.insert_many([{"n": n, "kind": "points_earned"} for n in range(page)])

    costs["raw insert_many"] = best_ms(insert, rounds)
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000, help="entries stored, small case")
    parser.add_argument("--large", type=int, default=100_000, help="entries stored, large case")
    parser.add_argument("--page", type=int, default=500, help="documents per page")
    parser.add_argument("--rounds", type=int, default=5, help="rounds; the best one counts")
    parser.add_argument("--mongo-uri", default="", help="a MongoDB to use instead of SecantusDB")
    args = parser.parse_args()

    with bench_database(args.mongo_uri) as mongo_uri:
        client: MongoClient = MongoClient(mongo_uri)
        results = {}
        for size in (args.small, args.large):
            began = time.perf_counter()
            fill(client, f"bench_replay_{size}", size)
            print(f"{size} entries stored in {time.perf_counter() - began:.1f} s", flush=True)
            results[size] = page_costs(client, f"bench_replay_{size}", size, args.page, args.rounds)
        small, large = results[args.small], results[args.large]
        print(f"\nbest ms per page of {args.page} ({args.rounds} rounds)")
        print(f"  {'read':<24} {'where':<7} {args.small:>9} {args.large:>9} {'ratio':>6}")
        for place in small:
            for read, low in small[place].items():
                high = large[place][read]
                print(f"  {read:<24} {place:<7} {low:>9.2f} {high:>9.2f} {high / low:>6.2f}")
        print(f"\nbest ms to apply a page of {args.page} replayed events to kpi")
        for what, ms in apply_costs(
            client, f"bench_replay_{args.large}", args.page, args.rounds
        ).items():
            print(f"  {what:<34} {ms:>9.2f}")


if __name__ == "__main__":
    main()
