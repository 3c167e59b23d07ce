"""``clientela up`` and ``clientela run``: the services in this process."""

from __future__ import annotations

import logging

import click

from clientela.cli.context import settings
from clientela.cli.platform import serve
from clientela.cli.services import platform_services

log = logging.getLogger(__name__)

join_option = click.option(
    "--join",
    is_flag=True,
    help="Share a platform already running on this broker's virtual host or this embedded "
    "database port (refused otherwise).",
)


@click.command()
@join_option
@click.pass_context
def up(ctx: click.Context, join: bool) -> None:
    """Start the embedded database (when needed) and all five services."""
    current = settings(ctx)
    if not current.api_keys and not current.meta_app_secret:
        log.warning("no api_keys or meta_app_secret set: POST /leads refuses every request")
    serve(platform_services(), current, join=join)


@click.command()
@click.argument("services", nargs=-1, required=True, type=click.Choice(platform_services()))
@click.pass_context
def run(ctx: click.Context, services: tuple[str, ...]) -> None:
    """Run the chosen services only (more instances of them, when they run already)."""
    serve(list(services), settings(ctx), join=True)
