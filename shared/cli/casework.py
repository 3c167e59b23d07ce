"""``clientela complaints action``, ``incidents``, ``interviews`` and ``requirements``:
corrective actions, critical incidents, lost-customer interviews and customer requirements,
through the feedback service."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click

from clientela.cli.client import platform
from clientela.cli.context import settings
from clientela.cli.output import json_option, print_json, print_table, say
from clientela.events import LOSS_REASONS

ACTION_STATUSES = ("planned", "done", "effective", "ineffective")
ENCOUNTERS = ("remote", "phone", "in_person")
VALENCES = ("satisfying", "dissatisfying")
PRIORITIES = ("must", "should", "could", "wont")
MOMENT = click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])
"""A day or a time, read as UTC."""


def _feedback(ctx: click.Context) -> Any:
    return platform(settings(ctx), "feedback")


def _utc(moment: datetime | None) -> str | None:
    return None if moment is None else moment.replace(tzinfo=UTC).isoformat()


def _show(found: dict[str, Any], as_json: bool, line: str) -> None:
    if as_json:
        print_json(found)
    else:
        say(line)


# -- clientela complaints action ... ---------------------------------------------------------


@click.group("action")
def action() -> None:
    """Corrective-action plans: cause, action, owner, due date and the check of their effect."""


def _say_action(found: dict[str, Any], as_json: bool) -> None:
    refs = ", ".join(found["complaint_refs"]) or "no complaint"
    _show(
        found,
        as_json,
        f"{found['action_ref']}: {found['status']}, due {found['due_at']} "
        f"({found['owner']}), answers {refs}",
    )


@action.command("add")
@click.argument("action_ref", metavar="REF")
@click.option("--cause", required=True, help="The root cause found.")
@click.option("--action", "what", required=True, help="What will be done about it.")
@click.option("--owner", required=True, help="Who does it.")
@click.option("--due", required=True, type=MOMENT, help="Due date (YYYY-MM-DD, UTC).")
@click.option(
    "--complaint", "complaints", multiple=True, help="A complaint it answers; repeatable."
)
@json_option
@click.pass_context
def add_action(
    ctx: click.Context,
    action_ref: str,
    cause: str,
    what: str,
    owner: str,
    due: datetime,
    complaints: tuple[str, ...],
    as_json: bool,
) -> None:
    """Plan a corrective action (REF plans once: safe to retry)."""
    plan = {"cause": cause, "action": what, "owner": owner, "due_at": _utc(due)}
    with _feedback(ctx) as rpc:
        found = rpc.feedback.plan_action(action_ref, complaint_refs=list(complaints), **plan)
    _say_action(found, as_json)


@action.command("link")
@click.argument("action_ref", metavar="REF")
@click.argument("complaint_ref", metavar="COMPLAINT")
@json_option
@click.pass_context
def link_action(ctx: click.Context, action_ref: str, complaint_ref: str, as_json: bool) -> None:
    """Link the action to another complaint it answers."""
    with _feedback(ctx) as rpc:
        found = rpc.feedback.link_action(action_ref, complaint_ref)
    _say_action(found, as_json)


@action.command("done")
@click.argument("action_ref", metavar="REF")
@json_option
@click.pass_context
def complete_action(ctx: click.Context, action_ref: str, as_json: bool) -> None:
    """The action was carried out now; its effect is checked later (close)."""
    with _feedback(ctx) as rpc:
        found = rpc.feedback.complete_action(action_ref)
    _say_action(found, as_json)


@action.command("close")
@click.argument("action_ref", metavar="REF")
@click.option("--effective/--ineffective", required=True, help="Whether it removed the cause.")
@click.option("--note", required=True, help="What showed the effect (or its absence).")
@json_option
@click.pass_context
def close_action(
    ctx: click.Context, action_ref: str, effective: bool, note: str, as_json: bool
) -> None:
    """Close a done action with the check of its effect."""
    with _feedback(ctx) as rpc:
        found = rpc.feedback.check_action(action_ref, effective=effective, note=note)
    _say_action(found, as_json)


@action.command("list")
@click.option("--status", type=click.Choice(ACTION_STATUSES), help="Only those in STATUS.")
@click.option("--complaint", "complaint_ref", help="Only those answering this complaint.")
@json_option
@click.pass_context
def list_actions(
    ctx: click.Context, status: str | None, complaint_ref: str | None, as_json: bool
) -> None:
    """List corrective actions, soonest due first."""
    with _feedback(ctx) as rpc:
        found = rpc.feedback.actions(status, complaint_ref)
    if as_json:
        print_json(found)
        return
    print_table(
        ["action", "status", "owner", "due", "complaints", "action taken"],
        [
            [
                a["action_ref"],
                f"{a['status']} (overdue)" if a.get("overdue") else a["status"],
                a["owner"],
                a["due_at"],
                ", ".join(a["complaint_refs"]) or None,
                a["action"],
            ]
            for a in found
        ],
        empty="(no corrective actions)",
    )


# -- clientela incidents ... -----------------------------------------------------------------


@click.group()
def incidents() -> None:
    """Critical incidents: service encounters customers remember, good or bad."""


def _say_incident(found: dict[str, Any], as_json: bool) -> None:
    awaits = ", awaits a corrective action" if found["awaits_action"] else ""
    _show(
        found,
        as_json,
        f"{found['incident_ref']}: {found['valence']} ({found['encounter']}){awaits}",
    )


@incidents.command("record")
@click.argument("incident_ref", metavar="REF")
@click.option("--customer", "customer_id", default=None, help="Customer id; none: anonymous.")
@click.option("--encounter", required=True, type=click.Choice(ENCOUNTERS))
@click.option("--valence", required=True, type=click.Choice(VALENCES))
@click.option("--story", required=True, help="The incident in the customer's words.")
@click.option("--occurred", required=True, type=MOMENT, help="When it happened (UTC).")
@click.option("--complaint", "complaint_ref", default=None, help="The complaint it came with.")
@json_option
@click.pass_context
def record_incident(
    ctx: click.Context,
    incident_ref: str,
    customer_id: str | None,
    encounter: str,
    valence: str,
    story: str,
    occurred: datetime,
    complaint_ref: str | None,
    as_json: bool,
) -> None:
    """Record a critical incident (REF records once: safe to retry)."""
    with _feedback(ctx) as rpc:
        found = rpc.feedback.record_incident(
            incident_ref,
            customer_id=customer_id,
            encounter=encounter,
            valence=valence,
            story=story,
            occurred_at=_utc(occurred),
            complaint_ref=complaint_ref,
        )
    _say_incident(found, as_json)


@incidents.command("link")
@click.argument("incident_ref", metavar="REF")
@click.argument("action_ref", metavar="ACTION")
@json_option
@click.pass_context
def link_incident(ctx: click.Context, incident_ref: str, action_ref: str, as_json: bool) -> None:
    """Link the corrective action that answers the incident."""
    with _feedback(ctx) as rpc:
        found = rpc.feedback.link_incident(incident_ref, action_ref)
    _say_incident(found, as_json)


@incidents.command("list")
@json_option
@click.pass_context
def list_incidents(ctx: click.Context, as_json: bool) -> None:
    """List critical incidents, latest first."""
    with _feedback(ctx) as rpc:
        found = rpc.feedback.incidents()
    if as_json:
        print_json(found)
        return
    print_table(
        ["incident", "valence", "encounter", "customer", "occurred", "actions", "story"],
        [
            [
                i["incident_ref"],
                i["valence"],
                i["encounter"],
                i["customer_id"],
                i["occurred_at"],
                ", ".join(i["action_refs"]) or None,
                i["story"],
            ]
            for i in found
        ],
        empty="(no critical incidents)",
    )


# -- clientela interviews ... ----------------------------------------------------------------


@click.group()
def interviews() -> None:
    """Lost-customer interviews: why customers left (recorded as their loss reason)."""


@interviews.command("record")
@click.argument("interview_ref", metavar="REF")
@click.option("--customer", "customer_id", required=True, help="The customer who left.")
@click.option("--interviewer", required=True, help="Who held the interview.")
@click.option(
    "--reason",
    "reasons",
    required=True,
    multiple=True,
    type=click.Choice(LOSS_REASONS),
    help="A reason given, the main one first; repeatable.",
)
@click.option("--notes", default="", help="What the customer said, in their words.")
@click.option("--on", "interviewed", type=MOMENT, default=None, help="When (default: now).")
@json_option
@click.pass_context
def record_interview(
    ctx: click.Context,
    interview_ref: str,
    customer_id: str,
    interviewer: str,
    reasons: tuple[str, ...],
    notes: str,
    interviewed: datetime | None,
    as_json: bool,
) -> None:
    """Record a lost-customer interview (REF records once: safe to retry)."""
    when = {"interviewed_at": _utc(interviewed)} if interviewed else {}
    with _feedback(ctx) as rpc:
        found = rpc.feedback.interview_lost_customer(
            interview_ref,
            customer_id=customer_id,
            interviewer=interviewer,
            reasons=list(reasons),
            notes=notes,
            **when,
        )
    _show(
        found,
        as_json,
        f"{found['interview_ref']}: {found['customer_id']} left for {', '.join(found['reasons'])}",
    )


@interviews.command("list")
@click.argument("customer_id", metavar="CUSTOMER")
@json_option
@click.pass_context
def list_interviews(ctx: click.Context, customer_id: str, as_json: bool) -> None:
    """List a customer's lost-customer interviews, latest first."""
    with _feedback(ctx) as rpc:
        found = rpc.feedback.customer_interviews(customer_id)
    if as_json:
        print_json(found)
        return
    print_table(
        ["interview", "on", "interviewer", "reasons", "notes"],
        [
            [
                i["interview_ref"],
                i["interviewed_at"],
                i["interviewer"],
                ", ".join(i["reasons"]),
                i["notes"],
            ]
            for i in found
        ],
        empty="(no interviews)",
    )


# -- clientela requirements ... --------------------------------------------------------------


@click.group()
def requirements() -> None:
    """Documented, prioritised customer requirements (must, should, could, won't)."""


def _say_requirement(found: dict[str, Any], as_json: bool) -> None:
    _show(
        found,
        as_json,
        f"{found['requirement_ref']}: {found['priority']}, {found['status']}: {found['statement']}",
    )


@requirements.command("add")
@click.argument("requirement_ref", metavar="REF")
@click.option("--customer", "customer_id", required=True, help="Whose requirement it is.")
@click.option("--statement", required=True, help="What the customer needs.")
@click.option("--priority", required=True, type=click.Choice(PRIORITIES))
@click.option("--source", required=True, help="Where it was learnt: visit, interview, survey...")
@json_option
@click.pass_context
def add_requirement(
    ctx: click.Context,
    requirement_ref: str,
    customer_id: str,
    statement: str,
    priority: str,
    source: str,
    as_json: bool,
) -> None:
    """Document a customer requirement (REF records once: safe to retry)."""
    with _feedback(ctx) as rpc:
        found = rpc.feedback.document_requirement(
            requirement_ref,
            customer_id=customer_id,
            statement=statement,
            priority=priority,
            source=source,
        )
    _say_requirement(found, as_json)


@requirements.command("settle")
@click.argument("requirement_ref", metavar="REF")
@click.argument("status", type=click.Choice(("met", "dropped")))
@click.option("--note", required=True, help="How it was met, or why it was dropped.")
@json_option
@click.pass_context
def settle_requirement(
    ctx: click.Context, requirement_ref: str, status: str, note: str, as_json: bool
) -> None:
    """Mark a requirement met or dropped."""
    with _feedback(ctx) as rpc:
        found = rpc.feedback.settle_requirement(requirement_ref, status=status, note=note)
    _say_requirement(found, as_json)


@requirements.command("list")
@click.argument("customer_id", metavar="CUSTOMER")
@json_option
@click.pass_context
def list_requirements(ctx: click.Context, customer_id: str, as_json: bool) -> None:
    """List a customer's requirements: open first, by priority."""
    with _feedback(ctx) as rpc:
        found = rpc.feedback.customer_requirements(customer_id)
    if as_json:
        print_json(found)
        return
    print_table(
        ["requirement", "priority", "status", "source", "documented", "statement"],
        [
            [
                r["requirement_ref"],
                r["priority"],
                r["status"],
                r["source"],
                r["documented_at"],
                r["statement"],
            ]
            for r in found
        ],
        empty="(no requirements)",
    )
