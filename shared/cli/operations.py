"""Operating a platform: ``status``, ``parked`` and ``broker-definitions``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from clientela.broker_users import broker_definitions as definitions_of
from clientela.cli.context import settings
from clientela.cli.output import json_option, print_json, print_table, say
from clientela.cli.services import platform_classes, platform_services
from clientela.config import ConfigError
from clientela.embedded import EmbeddedDatabase
from clientela.messaging import check_broker, parked_counts, replay_parked, virtual_host
from clientela.status import broker_status, database_status


@click.command()
@json_option
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Show the broker, the database, each service's instances and its event backlog.

    Exit status 1 when the broker or the database does not answer.
    """
    current = settings(ctx)
    services = platform_classes()
    mongo_uri = current.mongo_uri or (
        EmbeddedDatabase(Path(current.data_dir) / "mongo", current.embedded_db_port).uri
    )
    report = {
        "broker": broker_status(current, services),
        "database": database_status(current, mongo_uri, services),
    }
    if as_json:
        print_json(report)
    else:
        _print_status(report)
    if not (report["broker"]["ok"] and report["database"]["ok"]):
        ctx.exit(1)


def _print_status(report: dict[str, Any]) -> None:
    for part in ("broker", "database"):
        state = "ok" if report[part]["ok"] else f"DOWN ({report[part]['error']})"
        say(f"{part:<9} {report[part]['uri']}: {state}")
    broker, database = report["broker"]["services"], report["database"]["services"]
    rows = []
    for name in platform_services():
        handlers = broker.get(name, {}).get("handlers", [])
        db = database.get(name, {})
        age = db.get("oldest_pending_age_s")
        rows.append(
            [
                name,
                broker.get(name, {}).get("instances"),
                sum(h["waiting"] or 0 for h in handlers),
                sum(h["parked"] for h in handlers),
                db.get("outbox_pending", 0) + db.get("staged_batches", 0),
                None if age is None else f"{age:g} s",
            ]
        )
    say()
    columns = ["service", "instances", "queued", "parked", "unpublished", "oldest"]
    print_table(columns, rows, right=tuple(columns[1:]))


@click.command()
@click.option(
    "--replay", metavar="QUEUE", help="Handler queue to retry, e.g. kpi.handle_prospect_captured."
)
@json_option
@click.pass_context
def parked(ctx: click.Context, replay: str | None, as_json: bool) -> None:
    """List events parked after failing every attempt; --replay QUEUE retries them."""
    current = settings(ctx)
    config = current.nameko_config()
    check_broker(current.amqp_uri)
    counts = parked_counts(platform_classes(), config)
    if replay:
        if replay not in counts:
            raise ConfigError(f"--replay: no handler queue {replay!r} (see `clientela parked`)")
        say(f"{replay_parked(replay, config)} events moved back to {replay}")
        return
    if as_json:
        print_json(counts)
        return
    print_table(["handler queue", "parked"], [list(item) for item in counts.items()])


@click.command("broker-definitions")
@click.option("--vhost", help="RabbitMQ virtual host (default: the one of amqp_uri, else /).")
@click.option("--user-prefix", default="", metavar="PREFIX", help="Prefix of every user name.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write to FILE instead of stdout.",
)
@click.pass_context
def broker_definitions(
    ctx: click.Context, vhost: str | None, user_prefix: str, output: Path | None
) -> None:
    """Print RabbitMQ definitions for production: a user per service, allowed only its own."""
    current = settings(ctx)
    definitions = definitions_of(
        current,
        platform_classes(),
        vhost=vhost or virtual_host(current.amqp_uri),
        user_prefix=user_prefix,
    )
    text = json.dumps(definitions, indent=2) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        print(text, end="")
