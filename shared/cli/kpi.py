"""``clientela kpi``: the indicators the kpi service holds, per period."""

from __future__ import annotations

from typing import Any

import click

from clientela.cli.client import platform
from clientela.cli.context import settings
from clientela.cli.output import json_option, print_json, print_table, say
from clientela.vocabulary import KPI_GRANULARITIES

SECTIONS = {
    "Prospects": {
        "I1_new_prospects": "I1 new",
        "I2_median_hours": "I2 med h",
        "I3_completeness": "I3 %",
        "conversions": "conversions",
        "I4_conversion_rate": "I4 %",
        "I1_by_source": "I1 by source",
    },
    "Feedback": {
        "NPS": "NPS",
        "nps_respondents": "respondents",
        "CSAT": "CSAT %",
        "CSAT_mean": "CSAT mean",
        "CES_mean": "CES mean",
        "SC": "SC %",
        "I6": "I6 %",
        "complaints": "complaints",
        "complaints_breached": "breached",
        "complaint_response_hours_median": "response med h",
        "complaint_resolution_hours_median": "resolution med h",
    },
    "Customers": {
        "new_customers": "new",
        "lost_customers": "lost",
        "churn_rate": "churn %",
        "retention_rate": "retention %",
        "I5_updates_per_active_customer": "I5 updates",
        "I5_updated_90d_pct": "I5 90d %",
        "contracts_due": "due",
        "contracts_on_time": "on time",
        "CCT": "CCT %",
        "purchases": "purchases",
        "purchase_value": "value",
    },
    "Loyalty": {
        "points_earned": "earned",
        "points_redeemed": "redeemed",
        "points_expired": "expired",
        "alarms_raised": "alarms",
        "customers_at_risk": "at risk",
    },
}
"""The indicators of a period as the report names them, by section, and as the tables head
them; a breakdown (by source, by currency) is one left-aligned cell."""


def print_kpi(report: dict[str, Any]) -> None:
    """Print one table per section, one line per period ("-" where a period has no value)."""
    if not report["periods"]:
        say("(no activity in the requested periods)")
        return
    for number, (title, indicators) in enumerate(SECTIONS.items()):
        if number:
            say()
        say(title)
        rows = [
            [row["period"], *(_cell(row[key]) for key in indicators)] for row in report["periods"]
        ]
        numbers = [head for key, head in indicators.items() if not _breakdown(key, report)]
        print_table(["period", *indicators.values()], rows, right=tuple(numbers))


def _breakdown(key: str, report: dict[str, Any]) -> bool:
    """Whether the indicator ``key`` is broken down (a mapping) rather than one figure."""
    return isinstance(report["periods"][0][key], dict)


def _cell(value: Any) -> Any:
    """A figure as it is, a breakdown as ``name: value`` pairs (None when empty)."""
    if isinstance(value, dict):
        return ", ".join(f"{name}: {figure}" for name, figure in value.items()) or None
    return value


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
