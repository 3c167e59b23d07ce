"""Throughput of survey-response and complaint imports against raw ``insert_many``, same run.

    .venv/bin/python bench/bench_feedback_import.py [--rows 100000] [--batch 500]

Needs RabbitMQ on 127.0.0.1:5672 with its management API (a throwaway vhost is
created); starts its own embedded SecantusDB (or uses ``--mongo-uri``).

1. Seeds the feedback service's known customers (as ``customer_created`` would).
2. Generates a responses file (Spanish headers): NPS, CSAT and CES rows, and
   SERVQUAL answers of 22 item rows each (a fifth of the rows); 1% of the rows
   name an unknown customer and 1% a future date. And a complaints file of
   ``--rows / 4`` complaints, most resolved, a tenth late.
3. Imports both the way ``clientela import responses|complaints`` does, batches
   over RPC to the feedback service (``clientela run feedback`` in a process of
   its own), then imports them again (nothing is created: every row is
   already imported).
4. Inserts the very response and complaint documents the imports stored with
   ``insert_many`` (same batch size) into collections with the same indexes.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from pathlib import Path

import eventlet

eventlet.monkey_patch()

from benchkit import insert_raw, service_running, throwaway_platform, workdir  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402
from pymongo import MongoClient  # noqa: E402

from clientela.cli.customer_import import records_capture  # noqa: E402
from clientela.cli.feedback_import import feedback_file  # noqa: E402
from clientela.cli.file_import import ImportSummary, import_file  # noqa: E402
from clientela.cli.services import platform_classes  # noqa: E402
from clientela.messaging import declare_topology  # noqa: E402
from clientela.services.feedback.documents import ComplaintRecord, SurveyResponse  # noqa: E402
from clientela.services.feedback.domain.surveys import servqual_items  # noqa: E402

CUSTOMERS = 5_000
IMPORTANCE = {"tangibility": 10, "reliability": 30, "responsiveness": 20, "assurance": 20,
              "empathy": 20}  # fmt: skip
CATEGORIES = ("billing", "delivery", "quality", "service")
SERVQUAL_SHARE = 0.2
"""The share of the response rows that are SERVQUAL item rows."""


def _customer(rng: random.Random) -> tuple[str, str]:
    """A customer cell pair (ref, e-mail): by ref mostly, by e-mail sometimes, 1% unknown."""
    number = rng.randrange(CUSTOMERS)
    if rng.random() < 0.01:
        return f"CU-X{number}", ""
    return ("", f"cliente{number}@example.mx") if rng.random() < 0.3 else (f"CU-{number}", "")


def _day(rng: random.Random) -> str:
    """A day of 2025, or 1% of the time one in the future."""
    year = 2099 if rng.random() < 0.01 else 2025
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 10:00"


def generate_responses(path: Path, rows: int, seed: int = 7) -> None:
    """``rows`` response rows, a fifth of them SERVQUAL items (22 rows per answer)."""
    rng = random.Random(seed)
    items = servqual_items()
    # a SERVQUAL answer takes len(items) rows: start one this often for a fifth of the rows
    servqual_odds = SERVQUAL_SHARE / (len(items) - (len(items) - 1) * SERVQUAL_SHARE)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Respuesta", "Ref cliente", "Correo", "Encuesta", "Puntuación",
                         "Fecha de respuesta", "Canal", "Dimensión", "Ítem", "Expectativa",
                         "Percepción", "Importancia"])  # fmt: skip
        written = 0
        while written < rows:
            ref, email = _customer(rng)
            answered = _day(rng)
            if rng.random() < servqual_odds:
                for item in items:
                    writer.writerow([f"SQ-{written}", ref, email, "servqual", "", answered,
                                     "correo", item.dimension, item.number, rng.randint(5, 7),
                                     rng.randint(3, 7), IMPORTANCE[item.dimension]])  # fmt: skip
                written += len(items)
                continue
            kind, score = rng.choice((("nps", rng.randint(0, 10)), ("csat", rng.randint(1, 5)),
                                      ("ces", rng.randint(1, 7))))  # fmt: skip
            writer.writerow([f"R-{written}", ref, email, kind, score, answered, "correo"])
            written += 1


def generate_complaints(path: Path, rows: int, seed: int = 11) -> None:
    """``rows`` complaints opened in 2025, 80% resolved, a tenth of those late."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Queja", "Ref cliente", "Correo", "Categoría", "Gravedad",
                         "Fecha de apertura", "Fecha de respuesta", "Resuelta",
                         "Descripción"])  # fmt: skip
        for n in range(rows):
            ref, email = _customer(rng)
            opened = _day(rng)
            resolved = ""
            if rng.random() < 0.8 and not opened.startswith("2099"):
                late = 9 if rng.random() < 0.1 else 1
                resolved = f"{opened[:8]}{int(opened[8:10]) + late:02d} 10:00"
            writer.writerow([f"Q-{n}", ref, email, rng.choice(CATEGORIES),
                             rng.choice(("baja", "media", "alta")), opened, "", resolved,
                             "Cobro duplicado en la factura"])  # fmt: skip


def timed_import(rpc, kind: str, path: Path, batch: int) -> tuple[ImportSummary, float]:
    started = time.perf_counter()
    capture = records_capture(rpc, "feedback", kind)
    summary = import_file(feedback_file(kind), path, {}, capture, batch_size=batch)
    return summary, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--mongo-uri", default="", help="a MongoDB to use instead of SecantusDB")
    args = parser.parse_args()

    files = workdir()
    with throwaway_platform(args.mongo_uri, data_dir=files / "db") as settings:
        client = MongoClient(settings.mongo_uri, tz_aware=True)
        database = client[settings.database_name("feedback")]
        database.customers.insert_many(
            [
                {
                    "_id": f"CU-{n}",
                    "name": f"Cliente {n}",
                    "captive": n % 2 == 0,
                    "email": f"cliente{n}@example.mx",
                }
                for n in range(CUSTOMERS)
            ]
        )
        responses, complaints = files / "respuestas.csv", files / "quejas.csv"
        generate_responses(responses, args.rows)
        generate_complaints(complaints, args.rows // 4)
        declare_topology(platform_classes(), settings.nameko_config())
        with (
            service_running(settings, "feedback"),
            ClusterRpcProxy(settings.nameko_config(), timeout=600) as rpc,
        ):
            measured = {
                kind: [timed_import(rpc, kind, path, args.batch) for _ in range(2)]
                for kind, path in (("responses", responses), ("complaints", complaints))
            }
        stored = {
            "responses": (SurveyResponse, list(database.responses.find({}, {"outbox": 0}))),
            "complaints": (ComplaintRecord, list(database.complaints.find({}, {"outbox": 0}))),
        }
        raw = {
            kind: insert_raw(database, documents, args.batch, indexed_as=document)
            for kind, (document, documents) in stored.items()
        }
        client.close()

    print(f"\n{'measure':<58} {'rows/s':>9} {'ratio':>7}")
    for kind, ((first, seconds), (again, again_seconds)) in measured.items():
        documents = len(stored[kind][1])
        print(
            f"{kind}: {first.rows} rows, {first.created} created, {first.merged} updated, "
            f"{len(first.rejected)} rejected; {documents} documents stored; re-import: "
            f"{again.created} created, {again.unchanged} unchanged"
        )
        rate = first.rows / seconds
        raw_rate = first.rows / raw[kind]  # per row of the file, like for like
        print(f"{'clientela import ' + kind:<58} {rate:>9.0f}")
        print(f"{'clientela import ' + kind + ', again (all already imported)':<58} "
              f"{again.rows / again_seconds:>9.0f}")  # fmt: skip
        print(f"{'raw insert_many, same documents and indexes':<58} {raw_rate:>9.0f} "
              f"{rate / raw_rate:>7.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
