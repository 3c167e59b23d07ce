"""``clientela surveys`` and ``clientela complaints``: survey definitions and their scores,
and complaints with their targets, through the feedback service."""

from __future__ import annotations

from typing import Any

import click

from clientela.cli.client import platform
from clientela.cli.context import settings
from clientela.cli.output import json_option, print_json, print_table, say
from clientela.events import COMPLAINT_SEVERITIES

COMPLAINT_STATUSES = ("open", "responded", "resolved", "closed")


def _feedback(ctx: click.Context) -> Any:
    return platform(settings(ctx), "feedback")


@click.group()
def surveys() -> None:
    """Survey definitions and their scores."""


@surveys.command("list")
@json_option
@click.pass_context
def list_surveys(ctx: click.Context, as_json: bool) -> None:
    """List the surveys and the current version of each question."""
    with _feedback(ctx) as rpc:
        found = rpc.feedback.surveys()
    if as_json:
        print_json(found)
        return
    rows = []
    for survey in found:
        current = {q["key"]: q for q in survey["questions"]}  # later versions come last
        rows += [
            [survey["survey_id"], survey["name"], q["key"], q["kind"], q["version"], q["text"]]
            for q in current.values()
        ]
    print_table(
        ["survey", "name", "question", "kind", "version", "text"], rows, empty="(no surveys)"
    )


@surveys.command()
@click.argument("survey_id", metavar="SURVEY")
@click.option("--period", required=True, help="A year (2026), quarter (2026-Q4) or month.")
@json_option
@click.pass_context
def results(ctx: click.Context, survey_id: str, period: str, as_json: bool) -> None:
    """Show a survey's scores over a period: NPS, CSAT, CES, SERVQUAL gaps, SC and I6."""
    with _feedback(ctx) as rpc:
        figures = rpc.feedback.results(survey_id, period)
    if as_json:
        print_json(figures)
        return
    say(f"{survey_id}, {figures['period']}: {figures['responses']} responses")
    shown = {k: v for k, v in figures.items() if k not in ("survey_id", "period", "responses")}
    print_table(["figure", "value"], [[name, value] for name, value in shown.items()])


@click.group()
def complaints() -> None:
    """Complaints and suggestions, their targets and breaches."""


def _say_complaint(complaint: dict[str, Any]) -> None:
    say(
        f"{complaint['complaint_ref']}: {complaint['status']}, {complaint['category']} "
        f"({complaint['severity']}), respond by {complaint['response_due_at']}, "
        f"resolve by {complaint['resolution_due_at']}"
    )


@complaints.command("open")
@click.argument("complaint_ref", metavar="REF")
@click.option("--category", required=True, help="What the complaint is about (sets its targets).")
@click.option("--severity", required=True, type=click.Choice(COMPLAINT_SEVERITIES))
@click.option("--description", required=True, help="What the customer said.")
@click.option("--customer", "customer_id", default=None, help="Customer id; none: anonymous.")
@click.option("--owner", default=None, help="Who takes it up.")
@click.option("--suggestion", is_flag=True, help="A suggestion rather than a complaint.")
@json_option
@click.pass_context
def open_complaint(
    ctx: click.Context,
    complaint_ref: str,
    category: str,
    severity: str,
    description: str,
    customer_id: str | None,
    owner: str | None,
    suggestion: bool,
    as_json: bool,
) -> None:
    """Open a complaint (REF opens once: safe to retry) and start its timers."""
    details = {
        "customer_id": customer_id,
        "owner": owner,
        "kind": "suggestion" if suggestion else "complaint",
    }
    with _feedback(ctx) as rpc:
        opened = rpc.feedback.open_complaint(
            complaint_ref, category, severity, description, **details
        )
    if as_json:
        print_json(opened)
        return
    _say_complaint(opened)


@complaints.command("list")
@click.option("--status", type=click.Choice(COMPLAINT_STATUSES), help="Only those in STATUS.")
@json_option
@click.pass_context
def list_complaints(ctx: click.Context, status: str | None, as_json: bool) -> None:
    """List complaints, latest opened first, with the targets they breached."""
    with _feedback(ctx) as rpc:
        found = rpc.feedback.complaints(status)
    if as_json:
        print_json(found)
        return
    rows = [
        [
            c["complaint_ref"],
            c["status"],
            c["category"],
            c["severity"],
            c["owner"],
            c["opened_at"],
            ", ".join(c["breaches"]) or None,
        ]
        for c in found
    ]
    print_table(
        ["complaint", "status", "category", "severity", "owner", "opened at", "breached"],
        rows,
        empty="(no complaints)",
    )


@complaints.command()
@click.argument("complaint_ref", metavar="REF")
@click.option("--resolution", required=True, help="How it was resolved.")
@json_option
@click.pass_context
def resolve(ctx: click.Context, complaint_ref: str, resolution: str, as_json: bool) -> None:
    """Resolve a complaint now; the customer then confirms it or reopens it."""
    with _feedback(ctx) as rpc:
        resolved = rpc.feedback.resolve_complaint(complaint_ref, resolution)
    if as_json:
        print_json(resolved)
        return
    _say_complaint(resolved)
