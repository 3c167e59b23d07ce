"""``clientela kpi report``: the quarterly management-review report, as HTML or PDF.

The report's inputs are gathered here over RPC (kpi's indicators and trends, loyalty's
SMART actions, and kpi's targets, references and alerts where
:func:`kpi_targets_references_alerts` plugs them in); the document is built and rendered
by :mod:`clientela.quarterly_review`, which knows no service.
"""

from __future__ import annotations

import re
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from clientela.cli.client import platform
from clientela.cli.context import settings
from clientela.cli.output import json_option, print_json, say
from clientela.periods import Period, parse_period
from clientela.quarterly_review.model import ReviewInputs, build_review
from clientela.quarterly_review.render import render_html, render_pdf

_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$")


def _quarter(ctx: click.Context, param: click.Parameter, given: str) -> Period:
    """``2026Q4`` or ``2026-Q4`` as the quarter it names."""
    found = _QUARTER.match(given.strip().upper())
    if not found:
        raise click.BadParameter("Must be a quarter such as 2026Q4.")
    return parse_period(f"{found[1]}-Q{found[2]}")


def gather_inputs(rpc: Any, quarter: Period, window: int, now: datetime) -> ReviewInputs:
    """Everything the report of ``quarter`` shows, from the running services: the
    quarter's indicators and trends (rolling means over ``window`` quarters) from kpi,
    the SMART improvement actions from loyalty, and whatever
    :func:`kpi_targets_references_alerts` gives."""
    start, end = quarter.start.isoformat(), quarter.end.isoformat()
    periods = rpc.kpi.indicators("quarter", start, end)["periods"]
    trends = rpc.kpi.trends(None, "quarter", start, end, window)["trends"]
    return ReviewInputs(
        quarter=str(quarter.key),
        generated_at=now,
        indicators=next((row for row in periods if row["period"] == quarter.key), None),
        trends=trends,
        actions=rpc.loyalty.actions(False),
        **kpi_targets_references_alerts(rpc, quarter),
    )


def kpi_targets_references_alerts(rpc: Any, quarter: Period) -> dict[str, list[dict[str, Any]]]:
    """kpi's quarterly targets, the external references and every alert about ``quarter``
    (open, linked to an action or dismissed), shaped as
    :class:`~clientela.quarterly_review.model.ReviewInputs` documents them."""
    seen = rpc.kpi.review(quarter.start.isoformat(), quarter.end.isoformat(), False)
    return {
        "targets": [
            {**target, "target": target["value"]}
            for target in seen["targets"]
            if target["granularity"] == "quarter"  # a monthly target judges months, not this
        ],
        "references": seen["references"],
        "alerts": [{**alert, "alert_id": alert["id"]} for alert in seen["alerts"]],
    }


@click.command()
@click.option(
    "--quarter",
    required=True,
    callback=_quarter,
    metavar="YYYYQN",
    help="The quarter to review, e.g. 2026Q4.",
)
@click.option("--pdf", "as_pdf", is_flag=True, help="Write a PDF rather than HTML.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write (default: HTML on standard output, PDF to review-YYYY-QN.pdf).",
)
@click.option(
    "--window",
    type=click.IntRange(1, 366),
    default=3,
    show_default=True,
    help="Quarters the rolling mean takes, this one included.",
)
@json_option
@click.pass_context
def report(
    ctx: click.Context,
    quarter: Period,
    as_pdf: bool,
    output: Path | None,
    window: int,
    as_json: bool,
) -> None:
    """The quarterly management-review report: every indicator with its trend, target and
    references, the out-of-range alerts with their action plans, the SMART actions."""
    with platform(settings(ctx), "kpi", "loyalty") as rpc:
        inputs = gather_inputs(rpc, quarter, window, datetime.now(UTC))
    if as_json:
        print_json({**asdict(inputs), "generated_at": inputs.generated_at.isoformat()})
        return
    html = render_html(build_review(inputs))
    if as_pdf:
        target = output or Path(f"review-{quarter.key}.pdf")
        target.write_bytes(render_pdf(html))
        say(f"Wrote {target}")
    elif output is not None:
        output.write_text(html, encoding="utf-8")
        say(f"Wrote {output}")
    else:
        sys.stdout.write(html)
