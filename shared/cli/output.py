"""What the commands print: plain lines, rich tables, JSON, one-line errors."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.console import Console
from rich.table import Table

PIPE_WIDTH = 1000
"""Width of the output when it goes to a file or a pipe: a table row stays one line."""

json_option = click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
"""The ``--json`` flag of every reading command."""


def _console(stream: Any) -> Console:
    # Data is printed as it is: no markup or highlighting read into names and notes.
    width = None if stream.isatty() else PIPE_WIDTH
    return Console(file=stream, width=width, markup=False, highlight=False, emoji=False)


def stdout() -> Console:
    """A console on the current standard output."""
    return _console(sys.stdout)


def stderr() -> Console:
    """A console on the current standard error."""
    return _console(sys.stderr)


def say(message: str = "") -> None:
    """Print one line (or a few) on standard output, as it is."""
    stdout().print(message, soft_wrap=True)


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON, the answer of a command's ``--json``."""
    print(json.dumps(data, indent=2), flush=True)


def print_table(
    columns: list[str], rows: list[list[Any]], empty: str = "", right: tuple[str, ...] = ()
) -> None:
    """A table of ``rows`` under ``columns`` (those in ``right`` aligned right); ``empty``
    is said instead when there are no rows and it is given."""
    if not rows and empty:
        say(empty)
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in columns:
        table.add_column(column, justify="right" if column in right else "left")
    for row in rows:
        table.add_row(*("-" if cell is None else str(cell) for cell in row))
    console = stdout()
    with console.capture() as captured:
        console.print(table)
    # rich pads the last column too: lines without trailing blanks read and compare better
    console.file.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))
    console.file.flush()


def error(message: str) -> None:
    """Tell the user about a known error: one line on standard error."""
    print(f"clientela: error: {message}", file=sys.stderr, flush=True)
