"""The settings of one command line, loaded before any command runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import click

from clientela.config import Settings, load_settings
from clientela.logs import configure_logging


@dataclass(frozen=True)
class Invocation:
    """The settings of this command line (``--config``, then the environment)."""

    settings: Settings


def start(ctx: click.Context, config: str | None) -> None:
    """Load the settings (``config``: the ``--config`` file) and set up logging, for any command.

    ConfigError when the file cannot be read or a setting is wrong.
    """
    loaded = load_settings(config)
    configure_logging(loaded.log_level, loaded.log_format)
    ctx.obj = Invocation(loaded)


def settings(ctx: click.Context) -> Settings:
    """The settings the command line started with (see :func:`start`)."""
    return cast(Invocation, ctx.find_root().obj).settings
