"""``clientela import``: a file through a lead source into the running platform."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import click
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from clientela.cli.client import platform
from clientela.cli.context import settings
from clientela.cli.file_import import ImportSummary, import_file
from clientela.cli.output import json_option, print_json, say, stderr
from clientela.config import ConfigError, Settings
from clientela.leads import LeadSource
from clientela.payloads import check_options, guarded
from clientela.plugin_manager import load_plugins

SHOWN_REJECTS = 20
"""Rejected rows printed on the console; all of them go to the rejects file."""


class RowsPerSecond(ProgressColumn):
    """How many rows the platform took per second, on average since the import began."""

    def render(self, task: Task) -> Text:
        """The task's rows per second ("?" before any row is done)."""
        if not task.completed or not task.elapsed:
            return Text("? rows/s")
        return Text(f"{task.completed / task.elapsed:.0f} rows/s")


@contextmanager
def import_progress(rows: int) -> Iterator[Progress]:
    """A progress bar on standard error over ``rows``: rows/s, time left, rows rejected.

    Update its only task with ``completed`` (rows read) and ``rejected``.
    """
    progress = Progress(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        RowsPerSecond(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[rejected]} rejected"),
        console=stderr(),
    )
    progress.add_task("import", total=rows, rejected=0)
    with progress:
        yield progress


def count_rows(source: LeadSource, path: Path, options: Mapping[str, str]) -> int:
    """How many rows (and unreadable rows) ``source`` reads in ``path``: the import's total."""
    return sum(1 for _ in guarded(source, lambda: source.read(path, options), str(path)))


def import_leads(
    settings: Settings, source_name: str, path: Path, options: Mapping[str, str]
) -> ImportSummary:
    """Import ``path`` through the lead source ``source_name`` into the running platform."""
    sources = load_plugins().lead_sources()
    if source_name not in sources:
        known = ", ".join(sorted(sources)) or "none installed"
        raise ConfigError(f"source: no lead source {source_name!r} (available: {known})")
    source = sources[source_name]
    check_options(source, options)
    if not path.is_file():
        raise ConfigError(f"file: {path} does not exist")
    total = count_rows(source, path, options)  # before connecting: reading may take a while
    with platform(settings, "prospects") as rpc, import_progress(total) as progress:
        [task] = progress.task_ids

        def advance(summary: ImportSummary) -> None:
            progress.update(task, completed=summary.rows, rejected=len(summary.rejected))

        return import_file(
            source,
            path,
            options,
            lambda rows, origin: rpc.prospects.capture_leads.call_async(source_name, rows, origin),
            progress=advance,
        )


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


def print_import(summary: ImportSummary, rejects: Path | None = None) -> None:
    """What became of the rows, the first rejected ones, and what to review next."""
    say(f"{summary.rows} rows read: {summary.counts()}")
    for line, reason in summary.rejected[:SHOWN_REJECTS]:
        say(f"  line {line}: {reason}")
    if len(summary.rejected) > SHOWN_REJECTS:
        say(f"  ... and {len(summary.rejected) - SHOWN_REJECTS} more")
    if rejects is not None and summary.rejected:
        say(f"every rejected row, with its line and reason: {rejects}")
    if summary.possible_duplicates:
        say(f"{summary.possible_duplicates} possible duplicates to review: clientela duplicates")
    if summary.shared_lines:
        lines = ", ".join(sorted(summary.shared_lines))
        say(f"shared lines, carried by different people, so they identify nobody: {lines}")


def parse_options(pairs: list[str]) -> dict[str, str]:
    """``KEY=VALUE`` pairs as a dict; ConfigError for a pair without ``=``."""
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ConfigError(f"--option: expected KEY=VALUE, got {pair!r}")
        options[key.strip()] = value.strip()
    return options


@click.command("import")
@click.argument("source")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--option",
    "options",
    multiple=True,
    metavar="KEY=VALUE",
    help="Source option, e.g. fair='Expo 2026' (each source's options: `clientela plugins`); "
    "origin fields (fair, campaign...) are kept. Repeatable.",
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Where to write rejected rows as CSV (default: FILE.rejects.csv beside the input).",
)
@json_option
@click.pass_context
def import_command(
    ctx: click.Context,
    source: str,
    file: Path,
    options: tuple[str, ...],
    rejects: Path | None,
    as_json: bool,
) -> None:
    """Feed FILE to the lead source SOURCE (e.g. fairs, see `clientela plugins`), or import
    customer records: SOURCE customers, contracts, purchases or invoices, or feedback:
    SOURCE responses or complaints.

    Rejected rows go to a rejects file, with their line and reason.
    """
    # imported here: the record imports build on this module's progress bar and counting
    from clientela.cli import customer_import, feedback_import

    record_imports = {
        **dict.fromkeys(customer_import.RECORD_KINDS, customer_import.import_records),
        **dict.fromkeys(feedback_import.RECORD_KINDS, feedback_import.import_feedback),
    }
    records = source in record_imports
    importing = record_imports.get(source, import_leads)
    summary = importing(settings(ctx), source, file, parse_options(list(options)))
    rejects = rejects or file.with_name(f"{file.name}.rejects.csv")
    if summary.rejected:
        write_rejects(summary, rejects)
    if as_json:
        print_json(customer_import.record_counts(summary) if records else summary.as_dict())
    elif records:
        customer_import.print_records(summary, rejects)
    else:
        print_import(summary, rejects)
