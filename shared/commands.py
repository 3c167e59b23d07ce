"""The ``clientela`` commands: up, run, plugins, import, rules, duplicates, overdue, kpi..."""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import logging
import secrets
import sys
import time
from importlib.resources import files
from pathlib import Path
from typing import Any

import amqp.exceptions
import pymongo.errors
from kombu.exceptions import OperationalError
from nameko.exceptions import RemoteError, RpcTimeout

from clientela import hookspecs
from clientela.broker_users import broker_definitions
from clientela.client import ServiceUnavailable, platform, wait_for
from clientela.config import ConfigError, Settings, load_settings
from clientela.embedded import EmbeddedDatabase, EmbeddedDatabaseError
from clientela.errors import ClientelaError, NotFound
from clientela.events import catalogue_markdown
from clientela.hookdocs import hook_reference
from clientela.importing import ImportSummary, import_file
from clientela.leads import LeadSourceError
from clientela.logs import configure_logging
from clientela.messaging import (
    BrokerUnavailable,
    check_broker,
    parked_counts,
    replay_parked,
    virtual_host,
)
from clientela.payloads import check_options
from clientela.platform import serve
from clientela.plugin_manager import load_plugins
from clientela.services import SERVICES, all_service_classes
from clientela.services.kpi.domain import GRANULARITIES
from clientela.status import broker_status, database_status

SAMPLE_VISITORS = files("clientela.plugins.fairs") / "samples" / "visitors.csv"
BROKER_FAILURES = (ConnectionError, amqp.exceptions.ConnectionError)
"""The broker refused or dropped the connection (it stopped, restarted or closed it)."""
DATABASE_FAILURES = (pymongo.errors.ConnectionFailure,)
"""The database did not answer (stopped, killed, unreachable)."""
log = logging.getLogger(__name__)
KNOWN_ERRORS = (
    ConfigError,
    BrokerUnavailable,
    EmbeddedDatabaseError,
    ServiceUnavailable,
    LeadSourceError,
    ClientelaError,
    RpcTimeout,
    TimeoutError,
    RemoteError,
    OperationalError,
)


def _say(message: str = "") -> None:
    print(message, flush=True)


def cmd_up(args: argparse.Namespace, settings: Settings) -> int:
    """Start the embedded database (when needed) and all five services."""
    if not settings.api_keys and not settings.meta_app_secret:
        log.warning("no api_keys or meta_app_secret set: POST /leads refuses every request")
    serve(list(SERVICES), settings, join=args.join)
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the chosen services only (more instances of them, when they run already)."""
    serve(args.services, settings, join=True)
    return 0


def cmd_plugins(args: argparse.Namespace, settings: Settings) -> int:
    """List discovered plugins with what they provide and the package shipping them."""
    plugins = load_plugins()
    infos = plugins.describe()
    if args.json:
        _say(json.dumps([vars(info) for info in infos], indent=2))
        return 0
    _say(f"{'plugin':<16} {'provides':<28} {'package':<24} status")
    for info in infos:
        package = f"{info.package} {info.version}".strip()
        provides = ", ".join(info.provides) or "-"
        _say(f"{info.name:<16} {provides:<28} {package:<24} {info.error or 'ok'}")
    _say(f"\n{'lead source':<16} description")
    for name, source in sorted(plugins.lead_sources().items()):
        _say(f"{name:<16} {source.description}")
        taken = "any (not declared)" if source.options is None else ", ".join(source.options)
        _say(f"{'':<16} options: {taken or 'none'}")
    return 0


def cmd_parked(args: argparse.Namespace, settings: Settings) -> int:
    """List events parked after failing every attempt; --replay QUEUE retries them."""
    config = settings.nameko_config()
    check_broker(settings.amqp_uri)
    counts = parked_counts(all_service_classes(), config)
    if args.replay:
        if args.replay not in counts:
            raise ConfigError(
                f"--replay: no handler queue {args.replay!r} (see `clientela parked`)"
            )
        _say(f"{replay_parked(args.replay, config)} events moved back to {args.replay}")
        return 0
    _say(f"{'handler queue':<44} parked")
    for queue, count in counts.items():
        _say(f"{queue:<44} {count}")
    return 0


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    """Show the broker, the database, each service's instances and its event backlog.

    Exit status 1 when the broker or the database does not answer.
    """
    services = all_service_classes()
    mongo_uri = settings.mongo_uri or (
        EmbeddedDatabase(Path(settings.data_dir) / "mongo", settings.embedded_db_port).uri
    )
    report = {
        "broker": broker_status(settings, services),
        "database": database_status(settings, mongo_uri, services),
    }
    if args.json:
        _say(json.dumps(report, indent=2))
    else:
        _print_status(report)
    return 0 if report["broker"]["ok"] and report["database"]["ok"] else 1


def _print_status(report: dict[str, Any]) -> None:
    for part in ("broker", "database"):
        state = "ok" if report[part]["ok"] else f"DOWN ({report[part]['error']})"
        _say(f"{part:<9} {report[part]['uri']}: {state}")
    broker, database = report["broker"]["services"], report["database"]["services"]
    line = "{:<10} {:>9} {:>7} {:>7} {:>12}  {}"
    _say("\n" + line.format("service", "instances", "queued", "parked", "unpublished", "oldest"))
    for name in SERVICES:
        handlers = broker.get(name, {}).get("handlers", [])
        queued = sum(h["waiting"] or 0 for h in handlers)
        parked = sum(h["parked"] for h in handlers)
        db = database.get(name, {})
        unpublished = db.get("outbox_pending", 0) + db.get("staged_batches", 0)
        age = db.get("oldest_pending_age_s")
        oldest = "-" if age is None else f"{age:g} s"
        instances = broker.get(name, {}).get("instances", "-")
        _say(line.format(name, instances, queued, parked, unpublished, oldest))


def cmd_broker_definitions(args: argparse.Namespace, settings: Settings) -> int:
    """Print RabbitMQ definitions for production: a user per service, allowed only its own."""
    definitions = broker_definitions(
        settings,
        all_service_classes(),
        vhost=args.vhost or virtual_host(settings.amqp_uri),
        user_prefix=args.user_prefix,
    )
    text = json.dumps(definitions, indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0


def cmd_events(args: argparse.Namespace, settings: Settings) -> int:
    """Print the event catalogue (Markdown) for integrators."""
    print(catalogue_markdown(), end="")
    return 0


def cmd_hooks(args: argparse.Namespace, settings: Settings) -> int:
    """Print the hook reference (Markdown) for plugin authors."""
    print(hook_reference(hookspecs), end="")
    return 0


def _parse_options(pairs: list[str]) -> dict[str, str]:
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ConfigError(f"--option: expected KEY=VALUE, got {pair!r}")
        options[key.strip()] = value.strip()
    return options


SHOWN_REJECTS = 20
"""Rejected rows printed on the console; all of them go to the rejects file."""


def write_rejects(summary: ImportSummary, path: Path) -> None:
    """Write every rejected row as CSV: its line and reason, then its own columns.

    Fix the bad cells and import the file again, as it is, with the same
    source and options (the ``line`` and ``reason`` columns are then kept as
    extra data of the capture).
    """
    headers = list(dict.fromkeys(h for row in summary.rejected_rows.values() for h in row))
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["line", "reason", *headers])
        for line, reason in summary.rejected:
            row = summary.rejected_rows.get(line, {})
            writer.writerow([line, reason, *(row.get(header, "") for header in headers)])


def _print_import(summary: ImportSummary, as_json: bool, rejects: Path | None = None) -> None:
    if as_json:
        _say(json.dumps(summary.as_dict(), indent=2))
        return
    _say(f"{summary.rows} rows read: {summary.counts()}")
    for line, reason in summary.rejected[:SHOWN_REJECTS]:
        _say(f"  line {line}: {reason}")
    if len(summary.rejected) > SHOWN_REJECTS:
        _say(f"  ... and {len(summary.rejected) - SHOWN_REJECTS} more")
    if rejects is not None and summary.rejected:
        _say(f"every rejected row, with its line and reason: {rejects}")
    if summary.possible_duplicates:
        _say(f"{summary.possible_duplicates} possible duplicates to review: clientela duplicates")
    if summary.shared_lines:
        lines = ", ".join(sorted(summary.shared_lines))
        _say(f"shared lines, carried by different people, so they identify nobody: {lines}")


def import_leads(settings: Settings, source_name: str, path: Path, options: dict) -> ImportSummary:
    """Import ``path`` through the lead source ``source_name`` into the running platform."""
    sources = load_plugins().lead_sources()
    if source_name not in sources:
        known = ", ".join(sorted(sources)) or "none installed"
        raise ConfigError(f"source: no lead source {source_name!r} (available: {known})")
    check_options(sources[source_name], options)
    if not path.is_file():
        raise ConfigError(f"file: {path} does not exist")

    started = time.monotonic()

    def progress(summary: ImportSummary) -> None:
        rate = summary.rows / max(time.monotonic() - started, 1e-9)
        print(
            f"\r  {summary.rows} rows read ({rate:.0f} rows/s): {summary.counts()}...",
            end="",
            file=sys.stderr,
            flush=True,
        )

    try:
        with platform(settings, "prospects") as rpc:
            return import_file(
                sources[source_name],
                path,
                options,
                lambda rows, origin: rpc.prospects.capture_leads.call_async(
                    source_name, rows, origin
                ),
                progress=progress,
            )
    finally:
        print(file=sys.stderr)  # ends the progress line, before any error is told


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    """Feed a file to a lead-source plugin; rejected rows go to a rejects file."""
    path = Path(args.file)
    summary = import_leads(settings, args.source, path, _parse_options(args.option))
    rejects = Path(args.rejects) if args.rejects else path.with_name(f"{path.name}.rejects.csv")
    if summary.rejected:
        write_rejects(summary, rejects)
    _print_import(summary, args.json, rejects)
    return 0


def cmd_rules(args: argparse.Namespace, settings: Settings) -> int:
    """Show how prospects are matched, how complete (I3) and how qualified they are."""
    with platform(settings, "prospects") as rpc:
        rules = rpc.prospects.rules()
    if args.json:
        _say(json.dumps(rules, indent=2))
        return 0
    _say("Same person (merge) or possible duplicate (suggest) when a rule holds:")
    for rule in rules["match_rules"]:
        _say(f"  {rule['name']:<24} {rule['outcome']:<8} {rule['description']}")
    for sentence in rules["identity"]:
        _say(f"  - {sentence}")
    total = sum(rules["completeness_weights"].values())
    _say("\nCompleteness (I3) = weighted share of these parts present:")
    for part, weight in rules["completeness_weights"].items():
        _say(f"  {part:<24} {weight:g} of {total:g}")
    _say("\nQualification score = sum of these points, kept within 0-100:")
    for rule in rules["qualification_rules"]:
        _say(f"  {rule['name']:<24} up to {rule['points']:>3}  {rule['description']}")
    return 0


def cmd_duplicates(args: argparse.Namespace, settings: Settings) -> int:
    """List possible duplicates; `merge A B` merges B into A, `dismiss A B` keeps them apart."""
    if args.action and not (args.a and args.b):
        raise ConfigError(f"duplicates {args.action}: give the two prospect ids, A and B")
    with platform(settings, "prospects") as rpc:
        if args.action == "merge":
            kept = rpc.prospects.merge(args.a, args.b, args.by, "possible duplicate confirmed")
            _say(f"{args.b} merged into {kept['id']} (undo: unmerge {args.b})")
            return 0
        if args.action == "dismiss":
            rpc.prospects.dismiss_duplicate(args.a, args.b, args.by)
            _say(f"{args.a} and {args.b} are kept apart for good")
            return 0
        review = rpc.prospects.duplicates(args.limit)
    if args.json:
        _say(json.dumps(review, indent=2))
        return 0
    _print_duplicates(review)
    return 0


def _person(person: dict[str, Any]) -> str:
    name = f"{person.get('first_name') or ''} {person.get('last_name') or ''}".strip()
    contact = ", ".join(filter(None, (person.get("email"), person.get("phone"))))
    return f"{person['id']}  {name or '(no name)'}  <{contact or 'no e-mail or phone'}>  " + (
        person.get("company") or "(no company)"
    )


def _print_duplicates(review: dict[str, Any]) -> None:
    """Print each open pair (both people, score, reasons), then the shared lines."""
    for pair in review["pairs"]:
        _say(f"score {pair['score']:.2f}")
        for person in pair["people"]:
            _say(f"  {_person(person)}")
        for reason in pair["reasons"]:
            _say(f"    - {reason}")
    if not review["pairs"]:
        _say("(no possible duplicates to review)")
    else:
        _say("merge one: clientela duplicates merge KEPT MERGED; keep apart: ... dismiss A B")
    if review["shared_lines"]:
        _say("\nShared lines (company contacts carried by different people; they match nobody):")
        for line in review["shared_lines"]:
            _say(f"  {line['line']:<32} {', '.join(line['prospect_ids'])}")


def cmd_overdue(args: argparse.Namespace, settings: Settings) -> int:
    """List follow-up tasks past their due time, most overdue first."""
    with platform(settings, "prospects") as rpc:
        tasks = rpc.prospects.overdue_follow_ups(args.owner)
    if args.json:
        _say(json.dumps(tasks, indent=2))
        return 0
    _say(f"{'due':<26} {'owner':<16} {'prospect':<34} task")
    for task in tasks:
        _say(f"{task['due_at']:<26} {task['owner']:<16} {task['prospect_id']:<34} {task['title']}")
    if not tasks:
        _say("(no overdue follow-ups)")
    return 0


def _print_kpi(report: dict[str, Any]) -> None:
    """Print one line of indicators per period ("-" where a period has no value)."""
    line = "{:<11} {:>6} {:>8} {:>6} {:>11} {:>6} {:>7} {:>11}  {}"
    keys = ("I1_new_prospects", "I2_median_hours", "I3_completeness", "conversions")
    keys += ("I4_conversion_rate", "NPS", "nps_respondents")
    headers = ("period", "I1 new", "I2 med h", "I3 %", "conversions", "I4 %", "NPS", "respondents")
    _say(line.format(*headers, "I1 by source"))
    for row in report["periods"]:
        values = ("-" if row[key] is None else row[key] for key in keys)
        by_source = ", ".join(f"{k}: {v}" for k, v in row["I1_by_source"].items())
        _say(line.format(row["period"], *values, by_source))
    if not report["periods"]:
        _say("(no activity in the requested periods)")


def cmd_kpi(args: argparse.Namespace, settings: Settings) -> int:
    """Print the indicators the kpi service holds, per period."""
    with platform(settings, "kpi") as rpc:
        report = rpc.kpi.indicators(args.by, args.start, args.end)
    if args.json:
        _say(json.dumps(report, indent=2))
    else:
        _print_kpi(report)
    return 0


def demonstrate(settings: Settings) -> None:
    """Walk the path once: import, first contact, convert, purchase, NPS, points, KPI."""
    with SAMPLE_VISITORS.open("rb") as sample:
        path = Path(settings.data_dir) / "sample-visitors.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(sample.read())
    _say(f"1. Importing the sample trade-fair visitor list {path}")
    _print_import(import_leads(settings, "fairs", path, {"fair": "Expo Demo"}), as_json=False)
    with platform(settings, *SERVICES) as rpc:
        prospect = rpc.prospects.find(email="maria.garcia@ferreteria-norte.mx")["prospects"][0]
        name = f"{prospect['first_name']} {prospect['last_name']}"
        if not prospect["interactions"]:  # a second demo does not call her twice
            rpc.prospects.log_interaction(
                prospect["id"], kind="call", mode="phone", outcome="interested", by="demo"
            )
        prospect = rpc.prospects.get(prospect["id"])
        _say(
            f"2. First contact with {name}: a call, she is interested (status "
            f"{prospect['status']}, completeness {prospect['completeness']}%, "
            f"score {prospect['score']})"
        )
        _say(f"   converting {name} (contract signed)")
        rpc.prospects.convert(prospect["id"], "contract", "DEMO-CONTRACT-1")
        customer = wait_for(
            lambda: rpc.customers.find_by_prospect(prospect["id"]), not_yet=(NotFound,)
        )
        _say(f"   captive customer {customer['id']} created by the customers service")
        purchase = rpc.customers.record_purchase(
            customer["id"], "1250.00", currency="MXN", purchase_id="DEMO-INVOICE-1"
        )
        _say(f"3. Purchase of {purchase['amount']} {purchase['currency']} recorded")
        balance = wait_for(lambda: rpc.loyalty.balance(customer["id"]), lambda b: b["points"])
        _say(f"   loyalty balance: {balance['points']} points")
        wait_for(
            lambda: rpc.feedback.record_nps(customer["id"], 9, answer_id="DEMO-NPS-1"),
            not_yet=(NotFound,),
        )
        _say("4. NPS answer 9 (promoter) recorded by the feedback service")
        report = wait_for(
            lambda: rpc.kpi.indicators("month"),
            lambda r: r["periods"] and r["periods"][-1]["NPS"] is not None,
        )
    _say("5. Indicators from the kpi service:")
    _print_kpi(report)


def webhook_hint(settings: Settings) -> str:
    """How to push a lead to the running platform's webhook with one of its API keys."""
    key = sorted(settings.api_key_set())[0]
    return (
        "While it runs (`clientela demo --stay`), push a lead over HTTP with this run's API key "
        "(set CLIENTELA_API_KEYS for lasting ones):\n"
        f"  curl -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' "
        f"""-d '{{"first_name": "Ana", "email": "ana@example.com"}}' """
        f"http://{settings.http_address}/leads/webforms"
    )


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Start the platform, walk the thin path once, then stop (or stay up with --stay)."""
    outcome: dict[str, BaseException] = {}

    def on_ready(effective: Settings, runner: Any) -> None:
        try:
            demonstrate(effective)
            _say("The platform works. Run `clientela up` to keep it running.")
            _say(webhook_hint(effective))
        except BaseException as exc:
            outcome["error"] = exc
        if "error" in outcome or not args.stay:
            runner.stop()

    if not settings.api_keys:  # a key of this run's own, so the webhook can be tried
        settings = settings.replace(api_keys=secrets.token_urlsafe(18))
    serve(list(SERVICES), settings, on_ready, join=args.join)
    if "error" in outcome:
        raise outcome["error"]
    return 0


JOIN_HELP = (
    "share a platform already running on this broker's virtual host or this embedded "
    "database port (refused otherwise)"
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clientela", description="clientela customer-management platform"
    )
    parser.add_argument("--config", help="YAML settings file (default: ./clientela.yaml)")
    commands = parser.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help=cmd_up.__doc__)
    up.add_argument("--join", action="store_true", help=JOIN_HELP)
    up.set_defaults(handler=cmd_up)

    run = commands.add_parser("run", help=cmd_run.__doc__)
    run.add_argument("services", nargs="+", choices=list(SERVICES), metavar="SERVICE")
    run.set_defaults(handler=cmd_run)

    plugins = commands.add_parser("plugins", help=cmd_plugins.__doc__)
    plugins.add_argument("--json", action="store_true")
    plugins.set_defaults(handler=cmd_plugins)

    parked = commands.add_parser("parked", help=cmd_parked.__doc__)
    parked.add_argument(
        "--replay",
        metavar="QUEUE",
        help="handler queue to retry, e.g. kpi.handle_prospect_captured",
    )
    parked.set_defaults(handler=cmd_parked)

    status = commands.add_parser("status", help=cmd_status.__doc__)
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=cmd_status)

    commands.add_parser("events", help=cmd_events.__doc__).set_defaults(handler=cmd_events)
    commands.add_parser("hooks", help=cmd_hooks.__doc__).set_defaults(handler=cmd_hooks)

    definitions = commands.add_parser("broker-definitions", help=cmd_broker_definitions.__doc__)
    definitions.add_argument(
        "--vhost", help="RabbitMQ virtual host (default: the one of amqp_uri, else /)"
    )
    definitions.add_argument(
        "--user-prefix", default="", metavar="PREFIX", help="prefix of every user name"
    )
    definitions.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE instead of stdout"
    )
    definitions.set_defaults(handler=cmd_broker_definitions)

    imp = commands.add_parser("import", help=cmd_import.__doc__)
    imp.add_argument("source", help="lead source, e.g. fairs (see `clientela plugins`)")
    imp.add_argument("file")
    imp.add_argument(
        "-o",
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="source option, e.g. fair='Expo 2026' (each source's options: `clientela plugins`);"
        " origin fields (fair, campaign...) are kept",
    )
    imp.add_argument(
        "--rejects",
        metavar="FILE",
        help="where to write rejected rows as CSV (default: FILE.rejects.csv beside the input)",
    )
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=cmd_import)

    overdue = commands.add_parser("overdue", help=cmd_overdue.__doc__)
    overdue.add_argument("--owner", help="only this person's tasks")
    overdue.add_argument("--json", action="store_true")
    overdue.set_defaults(handler=cmd_overdue)

    rules = commands.add_parser("rules", help=cmd_rules.__doc__)
    rules.add_argument("--json", action="store_true")
    rules.set_defaults(handler=cmd_rules)

    duplicates = commands.add_parser("duplicates", help=cmd_duplicates.__doc__)
    duplicates.add_argument("action", nargs="?", choices=["merge", "dismiss"])
    duplicates.add_argument("a", nargs="?", metavar="A", help="prospect id (kept by merge)")
    duplicates.add_argument("b", nargs="?", metavar="B", help="prospect id (merged into A)")
    duplicates.add_argument(
        "--by", default=getpass.getuser(), help="who decides (default: your user name)"
    )
    duplicates.add_argument("--limit", type=int, default=100, help="pairs to list")
    duplicates.add_argument("--json", action="store_true")
    duplicates.set_defaults(handler=cmd_duplicates)

    kpi = commands.add_parser("kpi", help=cmd_kpi.__doc__)
    kpi.add_argument("--by", default="month", choices=GRANULARITIES)
    kpi.add_argument("--from", dest="start", help="ISO date or time, inclusive")
    kpi.add_argument("--to", dest="end", help="ISO date or time, exclusive")
    kpi.add_argument("--json", action="store_true")
    kpi.set_defaults(handler=cmd_kpi)

    demo = commands.add_parser("demo", help=cmd_demo.__doc__)
    demo.add_argument("--stay", action="store_true", help="keep the platform running afterwards")
    demo.add_argument("--join", action="store_true", help=JOIN_HELP)
    demo.set_defaults(handler=cmd_demo)
    return parser


def run(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the command; known errors print one line, no traceback."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
        configure_logging(settings.log_level, settings.log_format)
        return args.handler(args, settings)
    except KNOWN_ERRORS as exc:
        print(f"clientela: error: {exc}", file=sys.stderr)
        return 2
    except BROKER_FAILURES as exc:
        print(
            f"clientela: error: lost the connection to RabbitMQ ({_one_line(exc)}); check that "
            "it is running (rabbitmq-server -detached starts a local one) and run the command "
            "again",
            file=sys.stderr,
        )
        return 2
    except DATABASE_FAILURES as exc:
        print(
            f"clientela: error: the database did not answer ({_one_line(exc)}); check that it "
            "is running (`clientela up` starts the embedded one) and run the command again",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return 130


def _one_line(exc: BaseException) -> str:
    """``exc`` as a short single line: its type and the start of its message."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text[:200]}"
