"""Throughput of a 100,000-row trade-fair import against raw ``insert_many``, same run.

    .venv/bin/python bench/bench_lead_import.py [--rows 100000] [--batch 500] [--per-company 100]

Needs RabbitMQ on 127.0.0.1:5672 with its management API (a throwaway vhost is
created); starts its own embedded SecantusDB (or uses ``--mongo-uri``).

1. Generates a visitor list (Spanish headers; 2% bad e-mails, 3% people listed
   twice with their e-mail typed differently).
2. Imports it the way ``clientela import fairs`` does: the fairs plugin reads
   it, batches go over RPC to the prospects service (``clientela run prospects``
   in a process of its own, as deployed), which validates,
   normalises, matches, stores and announces every new profile with a
   confirmed ``prospect_captured`` event. The events are counted in the kpi
   handler's queue afterwards.
3. Does 1 and 2 again with a second file shape: ``--per-company`` visitors
   (100) per company, namesakes among them, so the possible-duplicate blocks
   are crowded; both rates are printed side by side.
4. Inserts the very documents the first import stored with ``insert_many``
   (same batch size) into a collection with the same indexes, and into one with
   none.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

import eventlet

eventlet.monkey_patch()

from benchkit import (  # noqa: E402
    bench_database,
    bench_settings,
    import_progress,
    insert_raw,
    queued,
    service_running,
    throwaway_vhost,
    workdir,
)
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402
from pymongo import MongoClient  # noqa: E402

from clientela.cli.file_import import ImportSummary, import_file  # noqa: E402
from clientela.cli.services import platform_classes  # noqa: E402
from clientela.config import Settings  # noqa: E402
from clientela.messaging import declare_topology  # noqa: E402
from clientela.plugin_manager import load_plugins  # noqa: E402
from clientela.services.prospects.documents import Prospect  # noqa: E402

FIRST = [
    "Ana",
    "Luis",
    "María",
    "José",
    "Carmen",
    "Jorge",
    "Lucía",
    "Pedro",
    "Sofía",
    "Raúl",
    "Elena",
    "Pablo",
    "Marta",
    "Diego",
    "Laura",
    "Andrés",
    "Paula",
    "Miguel",
    "Rosa",
    "Javier",
    "Irene",
    "Sergio",
    "Teresa",
    "Hugo",
    "Clara",
    "Iván",
    "Julia",
    "Óscar",
    "Nuria",
    "Tomás",
    "Alicia",
    "Rubén",
    "Silvia",
    "Emilio",
    "Beatriz",
    "Adrián",
    "Noelia",
    "Gabriel",
    "Inés",
    "Fernando",
]
LAST = [
    "García",
    "Martínez",
    "López",
    "Hernández",
    "Ruiz",
    "Díaz",
    "Moreno",
    "Álvarez",
    "Sosa",
    "Romero",
    "Navarro",
    "Torres",
    "Domínguez",
    "Vázquez",
    "Ramos",
    "Gil",
    "Serrano",
    "Blanco",
    "Molina",
    "Morales",
    "Suárez",
    "Ortega",
    "Delgado",
    "Castro",
    "Ortiz",
    "Rubio",
    "Marín",
    "Sanz",
    "Iglesias",
    "Núñez",
    "Medina",
    "Garrido",
    "Cortés",
    "Castillo",
    "Santos",
    "Lozano",
    "Guerrero",
    "Cano",
    "Prieto",
    "Méndez",
]
POSITIONS = ["Gerente de Compras", "Director General", "Analista", "Jefa de Planta", "Ingeniero"]


def generate(path: Path, rows: int, companies: int, seed: int = 7) -> None:
    """A visitor list of ``rows`` rows with some bad and some repeated visitors.

    Visitors work for one of ``companies`` companies, so colleagues share a
    company (and the close-name rule compares them).
    """
    rng = random.Random(seed)
    names = [(rng.choice(FIRST), f"{rng.choice(LAST)} {rng.choice(LAST)}") for _ in range(rows)]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["nombre", "apellidos", "correo", "telefono", "empresa", "cargo", "intereses"]
        )
        for i in range(rows):
            person = i
            if i > 100 and rng.random() < 0.03:
                person = rng.randrange(i - 100, i)  # listed again, typed differently
            company = person * 7919 % companies
            email = f"visitante{person}@empresa{company}.mx"
            if rng.random() < 0.02:
                email = email.replace("@", " at ")
            writer.writerow(
                [
                    *names[person],
                    email.upper() if person != i else email,
                    f"55 {10000000 + person * 37 % 89999999:08d}",
                    f"Empresa {company} S.A. de C.V.",
                    POSITIONS[person % len(POSITIONS)],
                    "Maquinaria" if person % 3 else "",
                ]
            )


def import_through_service(
    settings: Settings, path: Path, rows: int, batch: int, times: int
) -> tuple[list[tuple[ImportSummary, float]], int]:
    """Import ``path`` ``times`` times; each summary with its seconds, and events announced."""
    config = settings.nameko_config()
    declare_topology(platform_classes(), config)
    source = load_plugins().lead_sources()["fairs"]
    imports = []
    with service_running(settings, "prospects"), ClusterRpcProxy(config, timeout=600) as rpc:
        for _ in range(times):
            started = time.perf_counter()
            summary = import_file(
                source,
                path,
                {"fair": "Expo Bench 2026"},
                lambda rows_, origin: rpc.prospects.capture_leads.call_async(
                    "fairs", rows_, origin
                ),
                batch_size=batch,
                progress=import_progress("import", rows, started),
            )
            imports.append((summary, time.perf_counter() - started))
            print(file=sys.stderr)
    return imports, queued(settings.amqp_uri, "kpi.handle_prospect_captured")


def measure_shape(args: argparse.Namespace, mongo_uri: str, path: Path, companies: int) -> dict:
    """Generate and import one file shape on a vhost and databases of its own; its figures."""
    with throwaway_vhost() as amqp_uri:
        settings = bench_settings(amqp_uri, mongo_uri)
        generate(path, args.rows, companies)
        print(f"generated {args.rows} rows ({companies} companies) in {path}", file=sys.stderr)
        imports, announced = import_through_service(
            settings, path, args.rows, args.batch, 2 if args.reimport else 1
        )
    client = MongoClient(mongo_uri)
    database = client[settings.database_name("prospects")]
    figures = {
        "imports": imports,
        "announced": announced,
        "documents": list(database.prospects.find()),
        "possible_duplicates": database.duplicates.count_documents({"status": "open"}),
        "database": database,
        "client": client,
    }
    return figures


def report_shape(label: str, figures: dict) -> float:
    """Print one shape's outcome; returns its rows per second."""
    (summary, seconds), *again = figures["imports"]
    stored = len(figures["documents"])
    print(
        f"\n{label}: {summary.rows} rows: {summary.created} profiles created, {summary.merged} "
        f"merged into known people, {summary.unchanged} unchanged, {len(summary.rejected)} "
        f"rejected, {figures['possible_duplicates']} possible duplicates to review"
    )
    print(
        f"prospect_captured events confirmed and queued for kpi: {figures['announced']} "
        f"(of {stored})"
    )
    for repeat, repeat_seconds in again:
        print(
            f"re-import: {repeat.created} created, {repeat.merged} merged, {repeat.unchanged} "
            f"unchanged, {repeat.rows / repeat_seconds:.0f} rows/s"
        )
    return summary.rows / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--companies", type=int, default=20_000, help="companies visitors work for")
    parser.add_argument(
        "--per-company",
        type=int,
        default=100,
        help="visitors per company in the second file shape (one company, many visitors)",
    )
    parser.add_argument(
        "--reimport", action="store_true", help="import the file a second time (creates nothing)"
    )
    parser.add_argument("--mongo-uri", default="", help="a MongoDB to use instead of SecantusDB")
    parser.add_argument(
        "--durable", action="store_true", help="SecantusDB flushes its log on every commit"
    )
    args = parser.parse_args()

    files = workdir()
    shapes = {
        f"{args.rows / args.companies:g} visitors per company": args.companies,
        f"{args.per_company} visitors per company": max(1, args.rows // args.per_company),
    }
    with bench_database(args.mongo_uri, data_dir=files / "db", durable=args.durable) as mongo_uri:
        measured = {
            label: measure_shape(args, mongo_uri, files / f"visitors{n}.csv", companies)
            for n, (label, companies) in enumerate(shapes.items())
        }
        first = next(iter(measured.values()))
        raw_indexed = insert_raw(
            first["database"], first["documents"], args.batch, indexed_as=Prospect
        )
        raw_plain = insert_raw(first["database"], first["documents"], args.batch)
        for figures in measured.values():
            figures["client"].close()

    rates = {label: report_shape(label, figures) for label, figures in measured.items()}
    print(f"\n{'measure':<60} {'rows/s':>9} {'ratio':>7}")
    for label, rate in rates.items():
        print(f"{'clientela import, ' + label:<60} {rate:>9.0f}")
    first_rate = next(iter(rates.values()))
    for label, seconds in (
        ("raw insert_many, same documents and indexes", raw_indexed),
        ("raw insert_many, same documents, no indexes", raw_plain),
    ):
        # per row of the file, for a like-for-like rate: the raw side stores fewer documents
        raw_rate = args.rows / seconds
        print(f"{label + ' (first shape)':<60} {raw_rate:>9.0f} {first_rate / raw_rate:>7.2f}")


if __name__ == "__main__":
    main()
