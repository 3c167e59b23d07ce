"""The settings of one command line, loaded once the command is known."""

from __future__ import annotations

from dataclasses import dataclass

import click

from clientela.config import Settings, load_settings
from clientela.logs import configure_logging


@dataclass
class Invocation:
    """What the options before the command say (``--config``), and the settings once loaded."""

    config: str | None = None
    settings: Settings | None = None


def settings(ctx: click.Context) -> Settings:
    """The settings of this command line (``--config``, environment); logging set up once."""
    invocation = ctx.find_root().ensure_object(Invocation)
    if invocation.settings is None:
        invocation.settings = load_settings(invocation.config)
        configure_logging(invocation.settings.log_level, invocation.settings.log_format)
    return invocation.settings
