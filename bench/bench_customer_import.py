"""Throughput of a 100,000-purchase import against raw ``insert_many``, and the time to
reclassify 10,000 customers, in one run.

    .venv/bin/python bench/bench_customer_import.py [--customers 10000] [--purchases 100000]

Needs RabbitMQ on 127.0.0.1:5672 with its management API (a throwaway vhost is
created); starts its own embedded SecantusDB (or uses ``--mongo-uri``).

1. Generates a customer file and a purchase file with Spanish headers, as an
   ERP export gives them (``Ref cliente``, ``Fecha de compra``): purchases over
   the last two years, a few product lines, value skewed so that ABC has a
   head and a tail; 1% of the purchases name a customer that does not exist.
2. Imports both the way ``clientela import customers|purchases`` does, through
   ``clientela run customers`` in a process of its own: each purchase is
   validated, stored once under its reference and announced with a confirmed
   ``purchase_recorded`` event.
3. Inserts the very purchase documents stored with ``insert_many`` (same batch
   size) into a collection with the same indexes.
4. Times ``reclassify`` (lifecycle, RFM, ABC over every customer and purchase)
   through the service, twice: the first run classifies everyone, the second
   finds nothing changed.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import eventlet

eventlet.monkey_patch()

from benchkit import (  # noqa: E402
    import_progress,
    insert_raw,
    service_running,
    throwaway_platform,
    workdir,
)
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402
from pymongo import MongoClient  # noqa: E402

from clientela.cli.customer_import import RecordFile, records_capture  # noqa: E402
from clientela.cli.file_import import ImportSummary, import_file  # noqa: E402
from clientela.cli.services import platform_classes  # noqa: E402
from clientela.messaging import declare_topology  # noqa: E402
from clientela.services.customers.documents import Purchase  # noqa: E402

LINES = ["Semillas", "Fertilizantes", "Riego", "Maquinaria", "Refacciones"]
TYPOLOGIES = ["usuario final", "intermediario", "prescriptor"]
NOW = datetime.now(UTC).replace(microsecond=0)


def generate(workdir: Path, customers: int, purchases: int, seed: int = 11) -> tuple[Path, Path]:
    """A customer file and a purchase file, as an ERP exports them."""
    rng = random.Random(seed)
    customer_file, purchase_file = workdir / "clientes.csv", workdir / "compras.csv"
    with customer_file.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Ref cliente", "Nombre", "Correo", "Empresa", "Tipología", "Fecha alta"])
        for n in range(customers):
            since = NOW - timedelta(days=rng.randrange(30, 1500))
            writer.writerow(
                [
                    f"CL-{n:06d}",
                    f"Cliente {n}",
                    f"compras{n}@cliente{n}.mx",
                    f"Cliente {n} S.A. de C.V.",
                    TYPOLOGIES[n % 3],
                    since.date().isoformat(),
                ]
            )
    with purchase_file.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Compra", "Ref cliente", "Monto", "Moneda", "Línea", "Fecha de compra"])
        for n in range(purchases):
            buyer = int(customers * rng.paretovariate(1.2)) % customers  # a few big buyers
            if rng.random() < 0.01:
                buyer = customers + n  # no such customer: rejected
            writer.writerow(
                [
                    f"PED-{n:07d}",
                    f"CL-{buyer:06d}",
                    f"{rng.lognormvariate(7, 1):.2f}",
                    "MXN",
                    rng.choice(LINES),
                    (NOW - timedelta(days=rng.randrange(1, 730))).isoformat(),
                ]
            )
    return customer_file, purchase_file


def import_kind(rpc, kind: str, path: Path, total: int, batch: int) -> tuple[ImportSummary, float]:
    started = time.perf_counter()
    summary = import_file(
        RecordFile(kind),
        path,
        {},
        records_capture(rpc, "customers", kind),
        batch_size=batch,
        progress=import_progress(kind, total, started),
    )
    print(file=sys.stderr)
    return summary, time.perf_counter() - started


def timed(call) -> tuple[object, float]:
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--purchases", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--mongo-uri", default="", help="a MongoDB to use instead of SecantusDB")
    args = parser.parse_args()

    files = workdir()
    with throwaway_platform(args.mongo_uri, data_dir=files / "db") as settings:
        customer_file, purchase_file = generate(files, args.customers, args.purchases)
        print(f"generated {customer_file} and {purchase_file}", file=sys.stderr)
        config = settings.nameko_config()
        declare_topology(platform_classes(), config)
        # a long classification interval: only the timed reclassify runs
        with (
            service_running(settings, "customers", classification_interval_s=86400),
            ClusterRpcProxy(config, timeout=1800) as rpc,
        ):
            customers, customers_s = import_kind(
                rpc, "customers", customer_file, args.customers, args.batch
            )
            purchases, purchases_s = import_kind(
                rpc, "purchases", purchase_file, args.purchases, args.batch
            )
            again, again_s = import_kind(
                rpc, "purchases", purchase_file, args.purchases, args.batch
            )
            changed, first_s = timed(rpc.customers.reclassify)
            unchanged, second_s = timed(rpc.customers.reclassify)
        client = MongoClient(settings.mongo_uri)
        database = client[settings.database_name("customers")]
        stored = list(database.purchases.find())
        raw_s = insert_raw(database, stored, args.batch, indexed_as=Purchase)
        client.close()

    print(
        f"\ncustomers: {customers.created} created in {customers_s:.1f} s; purchases: "
        f"{purchases.created} stored, {len(purchases.rejected)} rejected (unknown customer); "
        f"re-import: {again.created} created, {again.unchanged} already imported"
    )
    rate, raw_rate = purchases.rows / purchases_s, len(stored) / raw_s
    print(f"\n{'measure':<58} {'rows/s':>9} {'ratio':>7}")
    print(f"{'clientela import purchases (validated, stored, announced)':<58} {rate:>9.0f}")
    print(
        f"{'re-import of the same file (every row already there)':<58} {again.rows / again_s:>9.0f}"
    )
    raw = "raw insert_many, same documents and indexes"
    print(f"{raw:<58} {raw_rate:>9.0f} {rate / raw_rate:>7.2f}")
    print(
        f"\nreclassify {args.customers} customers over {len(stored)} purchases: "
        f"{first_s:.1f} s ({changed} classifications changed); again: {second_s:.1f} s "
        f"({unchanged} changed)"
    )


if __name__ == "__main__":
    main()
