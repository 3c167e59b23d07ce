"""``clientela kpi``: the indicators the kpi service holds, per period, as tables with
a legend, JSON or CSV, and what each indicator means."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Any

import click

from clientela import indicator_csv
from clientela.cli import kpi_rebuild, kpi_report, kpi_targets
from clientela.cli.client import platform
from clientela.cli.context import settings
from clientela.cli.output import json_option, print_json, print_table, say, stderr
from clientela.discovery import service_class
from clientela.indicators import INDICATORS, Indicator, indicator
from clientela.status import backlog
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
        "points_adjusted": "adjusted",
        "alarms_raised": "alarms",
        "customers_at_risk": "at risk",
    },
}
"""The indicators of a period as the report names them, by section, and as the tables head
them; a breakdown (by source, by currency) is one left-aligned cell."""


def print_kpi(report: dict[str, Any]) -> None:
    """Print one table per section, one line per period ("-" where a period has no value),
    each followed by the legend of its headings."""
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
        for key, head in indicators.items():
            say(f"  {head}: {_legend(INDICATORS[key])}")
    say()
    say("clientela kpi --explain NAME says how an indicator is computed.")


def _legend(indicator: Indicator) -> str:
    """``Title (name, unit)``, the line a table's heading stands for."""
    unit = {"count": "", "money": "per currency"}.get(indicator.unit, indicator.unit)
    return f"{indicator.title} ({', '.join(filter(None, (indicator.name, unit)))})"


def print_explanation(indicator: Indicator) -> None:
    """What ``indicator`` means: its title, section, unit, better direction, definition."""
    say(f"{indicator.name}: {indicator.title}")
    say(f"  section: {indicator.section}")
    say(
        f"  unit: {indicator.unit}" + (f", by {indicator.breakdown}" if indicator.breakdown else "")
    )
    say(f"  better: {indicator.better or 'neither way'}")
    say(f"  {indicator.definition}")


def write_csv(report: dict[str, Any]) -> None:
    """Write the report's periods as CSV on standard output (see :mod:`clientela.indicator_csv`)."""
    indicator_csv.write(report["periods"], sys.stdout)


def _breakdown(key: str, report: dict[str, Any]) -> bool:
    """Whether the indicator ``key`` is broken down (a mapping) rather than one figure."""
    return isinstance(report["periods"][0][key], dict)


def _cell(value: Any) -> Any:
    """A figure as it is, a breakdown as ``name: value`` pairs (None when empty)."""
    if isinstance(value, dict):
        return ", ".join(f"{name}: {figure}" for name, figure in value.items()) or None
    return value


def _explained(ctx: click.Context, param: click.Parameter, name: str | None) -> Indicator | None:
    if name is None:
        return None
    try:
        return indicator(name)
    except ValueError as unknown:
        raise click.BadParameter(str(unknown)) from None


@click.group(invoke_without_command=True)
@click.option(
    "--by",
    type=click.Choice(KPI_GRANULARITIES),
    default="month",
    show_default=True,
    help="Length of a period.",
)
@click.option("--from", "start", help="ISO date or time, inclusive.")
@click.option("--to", "end", help="ISO date or time, exclusive.")
@click.option(
    "--explain",
    metavar="INDICATOR",
    callback=_explained,
    help="Say what INDICATOR means and how it is computed (no service needed).",
)
@click.option("--csv", "as_csv", is_flag=True, help="Write the periods as CSV.")
@json_option
@click.pass_context
def kpi(
    ctx: click.Context,
    by: str,
    start: str | None,
    end: str | None,
    explain: Indicator | None,
    as_csv: bool,
    as_json: bool,
) -> None:
    """Print the indicators the kpi service holds, per period, with a legend."""
    if ctx.invoked_subcommand is not None:
        return
    if explain is not None:
        if as_json:
            print_json(asdict(explain))
        else:
            print_explanation(explain)
        return
    current = settings(ctx)
    with platform(current, "kpi") as rpc:
        report = rpc.kpi.indicators(by, start, end)
    behind = backlog(current, service_class("kpi"))
    if as_json:
        print_json({**report, "backlog": behind})
    elif as_csv:
        write_csv(report)
        if behind["waiting"]:
            stderr().print(lag_notice(behind))
    else:
        print_kpi(report)
        say(lag_notice(behind))


for subcommand in (
    kpi_targets.targets,
    kpi_targets.references,
    kpi_targets.alerts,
    kpi_rebuild.rebuild,
    kpi_report.report,
):
    kpi.add_command(subcommand)


def lag_notice(behind: dict[str, Any]) -> str:
    """Whether the figures count every event published so far, and if not how far behind
    they are: the events still waiting and how long the oldest has waited."""
    if not behind["waiting"]:
        return "kpi is up to date: no event is waiting to be counted."
    age = behind["oldest_age_s"]
    oldest = "" if age is None else f", the oldest published {_duration(age)} ago"
    return (
        f"kpi is behind: {behind['waiting']} events wait to be counted{oldest}; "
        "the figures above do not include them yet."
    )


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(hours, "h"), (minutes, "min"), (secs, "s")]
    return " ".join(f"{value} {unit}" for value, unit in parts if value) or "0 s"
