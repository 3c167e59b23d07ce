"""kpi handler throughput at ~1k and at ~100k facts, next to raw pymongo updates, same run.

    .venv/bin/python bench/bench_kpi_handlers.py [--small 1000] [--large 100000]
                                                 [--events 500] [--merges 50] [--rounds 3]

Starts its own embedded SecantusDB (or uses ``--mongo-uri``); needs no broker.

For each size, a fresh kpi database is filled with that many ``captured``
facts in the shape the handlers store (raw ``insert_many``), then
``--events`` prospect events run through the kpi handlers as the service's
entrypoints call them: half ``prospect_captured`` of new prospects, half
``prospect_updated`` of stored ones; then ``--merges`` ``prospect_merged``
of stored prospects. The sizes take turns for ``--rounds`` rounds and each
keeps its best. The baseline is as many raw ``update_one`` calls found by
``_id`` on the same collection. A handler whose queries use an index costs
the same at both sizes (ratio near 1; the bar is within 1.5x); one that
scans grows with the facts.

Last comes every command one capture, update and merge send, with the median
time of each over all rounds at both sizes, as a pymongo ``CommandListener``
sees them.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from benchkit import bench_database
from pymongo import MongoClient, monitoring

from clientela.events import Event, new_event, parse_event
from clientela.periods import period_keys
from clientela.services.kpi import handlers
from clientela.services.kpi.dependencies import KpiStorage
from clientela.services.kpi.domain import completeness_stamp
from clientela.storage import RecordedEvents

START = datetime(2026, 1, 5, 9, tzinfo=UTC)
ORIGIN = {"fair": "", "campaign": "", "channel": ""}


def stored_fact(number: int) -> dict:
    """The ``number``-th captured fact, as the handlers store it."""
    at = START + timedelta(minutes=number)
    stamp = completeness_stamp(at, from_update=False)
    return {
        "_id": f"captured:stored{number}",
        "kind": "captured",
        "subject": f"stored{number}",
        "at": at,
        "periods": period_keys(at),
        "identity_stamp": stamp,
        "source": "fairs",
        "fair": "Expo Bench 2026",
        "completeness": 55.0,
        "completeness_stamp": stamp,
    }


def preload(client: MongoClient, database: str, facts: int, batch: int = 5_000) -> None:
    """A kpi database with its indexes and ``facts`` stored captured facts."""
    collection = client[database].facts
    collection.create_index([("kind", 1), ("at", 1)])
    for start in range(0, facts, batch):
        collection.insert_many(
            [stored_fact(n) for n in range(start, min(start + batch, facts))], ordered=False
        )


def captured(prospect_id: str, at: datetime) -> Event:
    payload = {"prospect_id": prospect_id, "source": "webforms", "captured_at": at, **ORIGIN}
    payload.update(identified_at=at, completeness=40.0, score=20, campaign="bench")
    return parse_event(new_event("prospect_captured", payload))


def updated(prospect_id: str, at: datetime, identified_at: datetime) -> Event:
    payload = {"prospect_id": prospect_id, "completeness": 80.0, "score": 40, "reason": "edit"}
    payload.update(updated_at=at, identified_at=identified_at, source="fairs", **ORIGIN)
    return parse_event(new_event("prospect_updated", payload))


def merged(prospect_id: str, at: datetime) -> Event:
    payload = {"survivor_id": "survivor", "merged_id": prospect_id, "reason": "bench"}
    return parse_event(new_event("prospect_merged", {**payload, "by": "bench", "merged_at": at}))


def prospect_events(facts: int, events: int, round_: int, rng: random.Random) -> list[Event]:
    """New captures and updates of stored prospects, taking turns."""
    built = []
    for n in range(events // 2):
        at = START + timedelta(days=30 * (round_ + 1), seconds=n)
        stored = rng.randrange(facts)
        built.append(captured(f"new{round_}-{n}", at))
        built.append(updated(f"stored{stored}", at, START + timedelta(minutes=stored)))
    return built


def merge_events(facts: int, merges: int, round_: int, rng: random.Random) -> list[Event]:
    at = START + timedelta(days=30 * (round_ + 1))
    return [merged(f"stored{rng.randrange(facts)}", at) for _ in range(merges)]


HANDLERS: dict[str, Callable[[Event, KpiStorage], None]] = {
    "prospect_captured": handlers.handle_prospect_captured,
    "prospect_updated": handlers.handle_prospect_updated,
    "prospect_merged": handlers.handle_prospect_merged,
}


class CommandTimes(monitoring.CommandListener):
    """The commands each event sends, with their times, while :attr:`event` is set."""

    def __init__(self) -> None:
        self.event: str | None = None
        self.sent: list[tuple[str, str]] = []
        self.times: dict[str, list[tuple[str, float]]] = defaultdict(list)
        self._started: dict[int, tuple[str, str]] = {}

    def started(self, event: Any) -> None:
        if self.event is not None and event.command_name in ("find", "insert", "update"):
            shape = _shape(event.command_name, event.command)
            self._started[event.request_id] = (self.event, shape)

    def succeeded(self, event: Any) -> None:
        if event.request_id in self._started:
            kind, shape = self._started.pop(event.request_id)
            self.times[kind].append((shape, event.duration_micros / 1000))

    def failed(self, event: Any) -> None:
        self._started.pop(event.request_id, None)


def _shape(name: str, command: dict) -> str:
    """A command with its filters, values elided."""
    if "updates" in command:
        filters = [update["q"] for update in command["updates"]]
    elif "documents" in command:
        filters = [{"_id": document["_id"]} for document in command["documents"]]
    else:
        filters = [command.get("filter", {})]
    shapes = [{key: _elided(value) for key, value in found.items()} for found in filters]
    return f"{name} {json.dumps(shapes, ensure_ascii=False)}"


def _elided(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: "…" for key in value}
    return None if value is None else "…"


def run(uow: KpiStorage, events: list[Event], listener: CommandTimes) -> float:
    """Events per second through the handlers, the commands of each told to ``listener``."""
    started = time.perf_counter()
    for event in events:
        listener.event = event.type
        HANDLERS[event.type](event, uow)
    elapsed = time.perf_counter() - started
    listener.event = None
    return len(events) / elapsed


def run_raw(
    client: MongoClient, database: str, facts: int, events: int, rng: random.Random
) -> float:
    """Updates per second of raw ``update_one`` by ``_id`` on the same collection."""
    collection = client[database].facts
    started = time.perf_counter()
    for _ in range(events):
        collection.update_one(
            {"_id": f"captured:stored{rng.randrange(facts)}"}, {"$set": {"completeness": 80.0}}
        )
    return events / (time.perf_counter() - started)


def measure(
    mongo_uri: str, sizes: list[int], events: int, merges: int, rounds: int
) -> tuple[dict[int, list[float]], dict[int, CommandTimes]]:
    """Best (prospect events/s, merges/s, raw updates/s) per size, and the commands the
    events sent.

    The sizes take turns, round after round, so a machine busy for a while
    weighs on both alike.
    """
    listeners = {size: CommandTimes() for size in sizes}
    clients: dict[int, MongoClient] = {
        size: MongoClient(mongo_uri, tz_aware=True, event_listeners=[listeners[size]])
        for size in sizes
    }
    databases = {size: f"bench{uuid.uuid4().hex[:6]}_kpi" for size in sizes}
    for size in sizes:
        preload(clients[size], databases[size], size)
    best = {size: [0.0, 0.0, 0.0] for size in sizes}
    rng = random.Random(7)
    try:
        for round_ in range(rounds):
            for size in sizes:
                uow = KpiStorage(clients[size][databases[size]], RecordedEvents())
                measured = [
                    run(uow, prospect_events(size, events, round_, rng), listeners[size]),
                    run(uow, merge_events(size, merges, round_, rng), listeners[size]),
                    run_raw(clients[size], databases[size], size, events, rng),
                ]
                best[size] = [max(pair) for pair in zip(best[size], measured, strict=True)]
    finally:
        for size in sizes:
            clients[size].drop_database(databases[size])
            clients[size].close()
    return best, listeners


def command_table(small: CommandTimes, large: CommandTimes, labels: tuple[str, str]) -> str:
    """Every command one event of each type sends, with its median time at both sizes."""
    lines = [f"\n{'command (median ms)':<86} {labels[0]:>8} {labels[1]:>8}"]
    for kind in HANDLERS:
        shapes = list(dict.fromkeys(shape for shape, _ms in small.times[kind]))
        lines.append(kind)
        for shape in shapes:
            low = statistics.median(ms for s, ms in small.times[kind] if s == shape)
            high = [ms for s, ms in large.times[kind] if s == shape]
            high_ms = f"{statistics.median(high):>8.2f}" if high else f"{'-':>8}"
            lines.append(f"  {shape[:84]:<84} {low:>8.2f} {high_ms}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000, help="facts stored, small case")
    parser.add_argument("--large", type=int, default=100_000, help="facts stored, large case")
    parser.add_argument("--events", type=int, default=500, help="events per size and round")
    parser.add_argument("--merges", type=int, default=50, help="merges per size and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the best one counts")
    parser.add_argument("--mongo-uri", default="", help="a MongoDB to use instead of SecantusDB")
    parser.add_argument(
        "--durable", action="store_true", help="SecantusDB flushes its log on every commit"
    )
    args = parser.parse_args()

    with bench_database(args.mongo_uri, durable=args.durable) as mongo_uri:
        sizes = [args.small, args.large]
        best, listeners = measure(mongo_uri, sizes, args.events, args.merges, args.rounds)
        small, large = best[args.small], best[args.large]

    print(f"\n{'measure':<46} {args.small:>9} {args.large:>9} {'ratio':>7}")
    print(f"{'facts stored':<46} {'(/s)':>9} {'(/s)':>9} {'small/large':>7}")
    for label, index in (
        ("kpi handlers (capture, update), events", 0),
        ("kpi handlers (merge), events", 1),
        ("raw update_one by _id, updates", 2),
    ):
        low, high = small[index], large[index]
        print(f"{label:<46} {low:>9.0f} {high:>9.0f} {low / high:>7.2f}")
    print(
        f"\nhandlers vs raw: {small[0] / small[2]:.2f} (small), {large[0] / large[2]:.2f} (large)"
    )
    labels = (f"{args.small}", f"{args.large}")
    print(command_table(listeners[args.small], listeners[args.large], labels))


if __name__ == "__main__":
    main()
