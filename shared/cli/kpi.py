"""``clientela kpi``: the indicators the kpi service holds, per period."""

from __future__ import annotations

from typing import Any

import click

from clientela.cli.client import platform
from clientela.cli.context import settings
from clientela.cli.output import json_option, print_json, print_table
from clientela.vocabulary import KPI_GRANULARITIES

INDICATORS = {
    "I1_new_prospects": "I1 new",
    "I2_median_hours": "I2 med h",
    "I3_completeness": "I3 %",
    "conversions": "conversions",
    "I4_conversion_rate": "I4 %",
    "NPS": "NPS",
    "nps_respondents": "respondents",
}
"""The indicators of a period as the report names them, and as the table heads them."""


def print_kpi(report: dict[str, Any]) -> None:
    """Print one line of indicators per period ("-" where a period has no value)."""
    rows = [
        [
            row["period"],
            *(row[key] for key in INDICATORS),
            ", ".join(f"{k}: {v}" for k, v in row["I1_by_source"].items()),
        ]
        for row in report["periods"]
    ]
    print_table(
        ["period", *INDICATORS.values(), "I1 by source"],
        rows,
        empty="(no activity in the requested periods)",
        right=tuple(INDICATORS.values()),
    )


@click.command()
@click.option(
    "--by",
    type=click.Choice(KPI_GRANULARITIES),
    default="month",
    show_default=True,
    help="Length of a period.",
)
@click.option("--from", "start", help="ISO date or time, inclusive.")
@click.option("--to", "end", help="ISO date or time, exclusive.")
@json_option
@click.pass_context
def kpi(ctx: click.Context, by: str, start: str | None, end: str | None, as_json: bool) -> None:
    """Print the indicators the kpi service holds, per period."""
    with platform(settings(ctx), "kpi") as rpc:
        report = rpc.kpi.indicators(by, start, end)
    if as_json:
        print_json(report)
    else:
        print_kpi(report)
