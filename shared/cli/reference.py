"""What is installed and how to extend it: ``plugins``, ``events`` and ``hooks``."""

from __future__ import annotations

from dataclasses import asdict

import click

from clientela import hookspecs
from clientela.cli.output import json_option, print_json, print_table, say
from clientela.events import catalogue_markdown
from clientela.hookdocs import hook_reference
from clientela.plugin_manager import load_plugins


@click.command()
@json_option
def plugins(as_json: bool) -> None:
    """List discovered plugins with what they provide and the package shipping them."""
    found = load_plugins()
    infos = found.describe()
    if as_json:
        print_json([asdict(info) for info in infos])
        return
    print_table(
        ["plugin", "provides", "package", "status"],
        [
            [
                info.name,
                ", ".join(info.provides) or "-",
                f"{info.package} {info.version}".strip(),
                info.error or "ok",
            ]
            for info in infos
        ],
    )
    say()
    rows = []
    for name, source in sorted(found.lead_sources().items()):
        taken = "any (not declared)" if source.options is None else ", ".join(source.options)
        rows.append([name, source.description, taken or "none"])
    print_table(["lead source", "description", "options"], rows)
    say()
    channels = [[name, c.description] for name, c in sorted(found.survey_channels().items())]
    print_table(["survey channel", "description"], channels, empty="(no survey channels)")


@click.command()
def events() -> None:
    """Print the event catalogue (Markdown) for integrators."""
    print(catalogue_markdown(), end="")


@click.command()
def hooks() -> None:
    """Print the hook reference (Markdown) for plugin authors."""
    print(hook_reference(hookspecs), end="")
