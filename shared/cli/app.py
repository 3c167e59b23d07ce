"""The ``clientela`` command line: its commands, and how their failures are told.

Exit status: 0 when the command did its work, 1 when it failed (``status``
with the broker or the database down, or an unexpected error, with its
traceback), 2 for a usage error or a known error (told in one line).
"""

from __future__ import annotations

import sys

import amqp.exceptions
import click
import pymongo.errors
from kombu.exceptions import OperationalError
from nameko.exceptions import RemoteError, RpcTimeout

from clientela.cli import (
    casework,
    customers,
    demo,
    feedback,
    kpi,
    lead_import,
    loyalty,
    operations,
    prospects,
    reference,
    retention,
    review,
    running,
    survey_invitations,
)
from clientela.cli.client import ServiceUnavailable
from clientela.cli.context import start
from clientela.cli.output import error
from clientela.config import ConfigError
from clientela.embedded import EmbeddedDatabaseError
from clientela.errors import ClientelaError
from clientela.leads import LeadSourceError
from clientela.messaging import BrokerUnavailable

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
"""Failures the user can act on: told in one line, exit status 2."""
BROKER_FAILURES = (ConnectionError, amqp.exceptions.ConnectionError)
"""The broker refused or dropped the connection (it stopped, restarted or closed it)."""
DATABASE_FAILURES = (pymongo.errors.ConnectionFailure,)
"""The database did not answer (stopped, killed, unreachable)."""


@click.group(
    name="clientela",
    epilog="Exit status: 0 done, 1 failed, 2 usage or known error (see docs/cli.md).",
)
@click.option("--config", metavar="FILE", help="YAML settings file (default: ./clientela.yaml).")
@click.pass_context
def clientela(ctx: click.Context, config: str | None) -> None:
    """clientela customer-management platform."""
    start(ctx, config)


for command in (
    running.up,
    running.run,
    demo.demo,
    operations.status,
    operations.parked,
    operations.broker_definitions,
    reference.plugins,
    reference.events,
    reference.hooks,
    lead_import.import_command,
    review.rules,
    review.duplicates,
    review.overdue,
    kpi.kpi,
    prospects.prospects,
    customers.customers,
    loyalty.loyalty,
    loyalty.actions,
    feedback.surveys,
    feedback.complaints,
    casework.incidents,
    casework.interviews,
    casework.requirements,
):
    clientela.add_command(command)
feedback.complaints.add_command(casework.action)
for command in survey_invitations.COMMANDS:
    feedback.surveys.add_command(command)
loyalty.loyalty.add_command(retention.retention)
loyalty.loyalty.add_command(retention.winback)


def run(argv: list[str] | None = None) -> int:
    """Run the command line ``argv``; returns the exit status (see the module's docstring)."""
    try:
        # without standalone mode, click returns an exit status (ctx.exit) or None
        status = clientela.main(args=argv, prog_name="clientela", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:  # Ctrl-C
        return 130
    except KNOWN_ERRORS as exc:
        error(str(exc))
        return 2
    except BROKER_FAILURES as exc:
        error(
            f"lost the connection to RabbitMQ ({one_line(exc)}); check that it is running "
            "(rabbitmq-server -detached starts a local one) and run the command again"
        )
        return 2
    except DATABASE_FAILURES as exc:
        error(
            f"the database did not answer ({one_line(exc)}); check that it is running "
            "(`clientela up` starts the embedded one) and run the command again"
        )
        return 2
    finally:
        sys.stdout.flush()
    return status if isinstance(status, int) else 0


def one_line(exc: BaseException) -> str:
    """``exc`` as a short single line: its type and the start of its message."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text[:200]}"
