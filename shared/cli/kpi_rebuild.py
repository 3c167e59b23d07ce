"""``clientela kpi rebuild``: rebuild kpi's facts from the owning services' stored data.

Each service that owns what kpi counts replays, a page at a time, the events
its stored data gives back (its ``replay`` RPC); kpi applies them through its
live handlers to facts kept aside, compares the indicators they give with the
live ones per period, and (unless ``--check``) swaps them in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import click

from clientela.cli.client import platform
from clientela.cli.context import settings
from clientela.cli.output import json_option, print_json, print_table, say, stderr
from clientela.vocabulary import KPI_GRANULARITIES

REPLAYED = ("prospects", "customers", "feedback", "loyalty")
"""The services replayed, in order."""
PAGE_DOCUMENTS = 500
"""Stored documents a service reads per replayed page, unless ``--page`` says otherwise."""
COMPARED = ("month", "quarter")
"""The periods compared unless ``--by`` says otherwise."""


def replay_into_kpi(rpc: Any, limit: int) -> Iterator[dict[str, Any]]:
    """Apply every service's replayed events to kpi's rebuilt facts, a page at a time; per
    page: ``service``, its ``events``, how many kpi ``applied``, and the ``gaps`` the service
    says its stored data leaves."""
    for service in REPLAYED:
        after = None
        while True:
            page = getattr(rpc, service).replay(after, limit)
            applied = rpc.kpi.rebuild_apply(page["events"])
            yield {
                "service": service,
                "events": len(page["events"]),
                "applied": applied["applied"],
                "gaps": page["gaps"],
            }
            after = page["next"]
            if after is None:
                break


def rebuild_kpi(
    rpc: Any, granularities: list[str], check: bool, limit: int, restart: bool = False
) -> dict[str, Any]:
    """Rebuild kpi's facts, compare, and swap them in unless ``check`` (then, or when it
    stops short, the rebuild is discarded); ``restart`` discards a rebuild under way first.
    What was done, with progress on standard error."""
    progress = stderr()
    rpc.kpi.rebuild_start(restart=restart)
    try:
        replayed, applied, gaps = _replay(rpc, limit, progress)
        differences = []
        for granularity in granularities:  # one call each: each reads every fact twice
            progress.print(f"comparing the indicators per {granularity}...")
            differences.extend(rpc.kpi.rebuild_compare([granularity]))
    except BaseException:
        rpc.kpi.rebuild_discard()
        raise
    if check:
        rpc.kpi.rebuild_discard()
    swapped = None if check else rpc.kpi.rebuild_swap()["facts"]
    return {
        "replayed": replayed,
        "applied": applied,
        "compared": granularities,
        "differences": differences,
        "swapped": not check,
        "facts": swapped,
        "gaps": gaps,
    }


def _replay(rpc: Any, limit: int, progress: Any) -> tuple[dict[str, int], int, list[str]]:
    """Replay every owning service's stored data into kpi's rebuilt facts: the events
    replayed per service, how many kpi applied, and what the stored data cannot give
    back."""
    replayed: dict[str, int] = dict.fromkeys(REPLAYED, 0)
    applied = 0
    gaps: list[str] = []
    for page in replay_into_kpi(rpc, limit):
        replayed[page["service"]] += page["events"]
        applied += page["applied"]
        gaps.extend(sorted(set(page["gaps"]) - set(gaps)))
        progress.print(
            f"{page['service']}: {replayed[page['service']]} events replayed, "
            f"{applied} applied in all"
        )
    return replayed, applied, gaps


def print_rebuild(result: dict[str, Any]) -> None:
    """The differences found, what the stored data cannot give back, and what was done."""
    compared = " and ".join(result["compared"])
    print_table(
        ["by", "period", "indicator", "live", "rebuilt"],
        [
            [d["granularity"], d["period"], d["indicator"], d["live"], d["rebuilt"]]
            for d in result["differences"]
        ],
        empty=f"The rebuilt indicators equal the live ones for every {compared}.",
    )
    for gap in result["gaps"]:
        say(f"Not kept by {gap}.")
    if result["swapped"]:
        say(f"The rebuilt facts ({result['facts']}) replace the live ones.")
    else:
        say("Checked only: the live facts stay in use.")


@click.command()
@click.option(
    "--check",
    is_flag=True,
    help="Only compare the rebuilt indicators with the live ones (exit 1 when they differ).",
)
@click.option(
    "--by",
    "granularities",
    type=click.Choice(KPI_GRANULARITIES),
    multiple=True,
    help="Compare per these periods (repeatable). Default: month and quarter.",
)
@click.option(
    "--page",
    type=click.IntRange(1, 5000),
    default=PAGE_DOCUMENTS,
    show_default=True,
    help="Stored documents read per replayed page.",
)
@click.option(
    "--restart",
    is_flag=True,
    help="Discard a rebuild under way (or one stopped without being discarded) first.",
)
@json_option
@click.pass_context
def rebuild(
    ctx: click.Context,
    check: bool,
    granularities: tuple[str, ...],
    page: int,
    restart: bool,
    as_json: bool,
) -> None:
    """Rebuild the indicators from the owning services' stored data and swap them in."""
    wanted = list(granularities or COMPARED)
    with platform(settings(ctx), "kpi", *REPLAYED) as rpc:
        result = rebuild_kpi(rpc, wanted, check, page, restart)
    if as_json:
        print_json(result)
    else:
        print_rebuild(result)
    if check and result["differences"]:
        ctx.exit(1)
