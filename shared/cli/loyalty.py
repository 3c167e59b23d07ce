"""``clientela loyalty`` and ``clientela actions``: points, tiers, churn alarms, the loyalty
matrix and SMART improvement actions, through the loyalty service."""

from __future__ import annotations

import uuid
from typing import Any

import click

from clientela.cli.client import platform
from clientela.cli.context import settings
from clientela.cli.output import json_option, print_json, print_table, say
from clientela.cli.review import by_option
from clientela.vocabulary import KPI_GRANULARITIES

key_option = click.option(
    "--key",
    default=lambda: uuid.uuid4().hex,
    show_default="a new one",
    help="Request key: the same key again changes nothing (safe to retry).",
)
"""``--key``: what makes a retried redemption or adjustment harmless."""


def _loyalty(ctx: click.Context) -> Any:
    return platform(settings(ctx), "loyalty")


@click.group()
def loyalty() -> None:
    """Customers' points, tiers and churn-risk alarms, and the loyalty matrix."""


@loyalty.command()
@click.argument("customer_id", metavar="REF")
@json_option
@click.pass_context
def balance(ctx: click.Context, customer_id: str, as_json: bool) -> None:
    """Show a customer's points, tier and latest journal entries."""
    with _loyalty(ctx) as rpc:
        held = rpc.loyalty.balance(customer_id)
    if as_json:
        print_json(held)
        return
    say(f"{customer_id}: {held['points']} points, tier {held['tier'] or '-'}")
    print_table(
        ["entry", "kind", "points", "recorded at", "reason"],
        [[e["id"], e["kind"], e["points"], e["recorded_at"], e["reason"]] for e in held["latest"]],
        empty="(no entries)",
        right=("points",),
    )


@loyalty.command()
@click.argument("customer_id", metavar="REF")
@click.argument("reward", metavar="REWARD")
@key_option
@json_option
@click.pass_context
def redeem(ctx: click.Context, customer_id: str, reward: str, key: str, as_json: bool) -> None:
    """Spend a customer's points on a reward of the catalogue (see `tiers`)."""
    with _loyalty(ctx) as rpc:
        posted = rpc.loyalty.redeem(customer_id, reward, key)
    if as_json:
        print_json(posted)
        return
    say(f"{customer_id} redeemed {reward} for {-posted['points']} points; {_left(posted)}")


@loyalty.command(context_settings={"ignore_unknown_options": True})
@click.argument("customer_id", metavar="REF")
@click.argument("points", metavar="POINTS", type=int)
@click.option("--reason", required=True, help="Why the points are added or deducted.")
@by_option
@key_option
@json_option
@click.pass_context
def adjust(
    ctx: click.Context,
    customer_id: str,
    points: int,
    reason: str,
    by: str,
    key: str,
    as_json: bool,
) -> None:
    """Add (POINTS > 0) or deduct (POINTS < 0) a customer's points by hand."""
    with _loyalty(ctx) as rpc:
        posted = rpc.loyalty.adjust(customer_id, points, reason, by, key)
    if as_json:
        print_json(posted)
        return
    say(f"{customer_id}: {posted['points']:+d} points by {by}; {_left(posted)}")


def _left(posted: dict[str, Any]) -> str:
    return f"balance {posted['balance']}, tier {posted['tier'] or '-'}"


@loyalty.command()
@json_option
@click.pass_context
def tiers(ctx: click.Context, as_json: bool) -> None:
    """List the tiers: from how many points earned in the window, multiplier, rewards."""
    with _loyalty(ctx) as rpc:
        ladder = rpc.loyalty.tiers()
    if as_json:
        print_json(ladder)
        return
    print_table(
        ["tier", "from points", "multiplier", "window (months)", "rewards"],
        [
            [
                t["name"],
                t["threshold"],
                t["multiplier"],
                t["window_months"],
                ", ".join(t["rewards"]),
            ]
            for t in ladder
        ],
        right=("from points", "multiplier", "window (months)"),
    )


@loyalty.command()
@json_option
@click.pass_context
def rewards(ctx: click.Context, as_json: bool) -> None:
    """List the rewards catalogue: cost, lowest tier, stock and what is left of it."""
    with _loyalty(ctx) as rpc:
        catalogue = rpc.loyalty.rewards()
    if as_json:
        print_json(catalogue)
        return
    print_table(
        ["reward", "name", "points", "from tier", "stock", "left"],
        [
            [r["code"], r["name"], r["cost"], r["min_tier"], r["stock"], r["left"]]
            for r in catalogue
        ],
        empty="(no rewards)",
        right=("points", "stock", "left"),
    )


@loyalty.command()
@click.option("--open", "open_only", is_flag=True, help="Only the alarms not closed yet.")
@json_option
@click.pass_context
def alarms(ctx: click.Context, open_only: bool, as_json: bool) -> None:
    """List churn-risk alarms, the latest first, with their reasons."""
    with _loyalty(ctx) as rpc:
        raised = rpc.loyalty.alarms(open_only)
    if as_json:
        print_json(raised)
        return
    print_table(
        ["alarm", "customer", "score", "raised at", "state", "outcome", "reasons"],
        [
            [
                a["id"],
                a["customer_id"],
                a["score"],
                a["raised_at"],
                a["state"],
                a["outcome"],
                "; ".join(r["detail"] for r in a["reasons"]),
            ]
            for a in raised
        ],
        empty="(no alarms)",
        right=("score",),
    )


@loyalty.command()
@click.argument("alarm_id", metavar="ID")
@by_option
@json_option
@click.pass_context
def ack(ctx: click.Context, alarm_id: str, by: str, as_json: bool) -> None:
    """Acknowledge a churn-risk alarm: you take it up."""
    with _loyalty(ctx) as rpc:
        alarm = rpc.loyalty.acknowledge_alarm(alarm_id, by)
    if as_json:
        print_json(alarm)
        return
    say(f"alarm {alarm_id} acknowledged by {alarm['acknowledged_by']}")


@loyalty.command()
@click.argument("alarm_id", metavar="ID")
@click.option("--outcome", required=True, help="retained, lost, false_alarm or cleared.")
@json_option
@click.pass_context
def close(ctx: click.Context, alarm_id: str, outcome: str, as_json: bool) -> None:
    """Close a churn-risk alarm with its outcome."""
    with _loyalty(ctx) as rpc:
        alarm = rpc.loyalty.close_alarm(alarm_id, outcome)
    if as_json:
        print_json(alarm)
        return
    say(f"alarm {alarm_id} closed: {alarm['outcome']}")


@loyalty.command()
@click.option(
    "--period", required=True, help="A year (2026), quarter (2026-Q4) or month (2026-11)."
)
@json_option
@click.pass_context
def matrix(ctx: click.Context, period: str, as_json: bool) -> None:
    """Show the loyalty matrix: customers by satisfaction and loyalty at the period's end."""
    with _loyalty(ctx) as rpc:
        placed = rpc.loyalty.matrix(period)
    if as_json:
        print_json(placed)
        return
    say(f"loyalty matrix of {placed['period']}")
    print_table(
        ["quadrant", "customers", "who"],
        [
            [quadrant, placed["counts"][quadrant], ", ".join(ids)]
            for quadrant, ids in placed["quadrants"].items()
        ]
        + [["no answer", len(placed["unplaced"]), ", ".join(placed["unplaced"])]],
        right=("customers",),
    )


@click.group()
def actions() -> None:
    """SMART improvement actions: open one, list them, close one with its measured effect."""


@actions.command(name="list")
@click.option("--open", "open_only", is_flag=True, help="Only the open actions.")
@json_option
@click.pass_context
def list_actions(ctx: click.Context, open_only: bool, as_json: bool) -> None:
    """List improvement actions, the soonest due first."""
    with _loyalty(ctx) as rpc:
        found = rpc.loyalty.actions(open_only)
    if as_json:
        print_json(found)
        return
    print_table(
        ["action", "priority", "owner", "indicator", "before", "target", "due", "state", "effect"],
        [
            [
                a["id"],
                a["priority"],
                a["owner"],
                a["indicator"],
                a["before"],
                a["target"],
                a["due_at"],
                a["state"],
                a["effect"],
            ]
            for a in found
        ],
        empty="(no actions)",
    )


@actions.command()
@click.option("--opportunity", required=True, help="What is to be improved, and why.")
@click.option("--description", required=True, help="The action: what is done.")
@click.option("--specific", required=True, help="Exactly what, where and for whom.")
@click.option("--measurable", required=True, help="How the indicator shows the effect.")
@click.option("--achievable", required=True, help="Why it is within reach, with what.")
@click.option("--relevant", required=True, help="How it raises loyalty or satisfaction.")
@click.option("--priority", required=True, help="high, medium or low.")
@click.option("--owner", required=True, help="Who answers for it.")
@click.option("--indicator", required=True, help="The indicator it targets, e.g. NPS.")
@click.option("--target", required=True, help="The indicator's value to reach.")
@click.option("--before", help="The indicator's value now (default: read from kpi).")
@click.option(
    "--granularity",
    type=click.Choice(KPI_GRANULARITIES),
    help="Periods the indicator is read over: the latest complete one (default month).",
)
@click.option("--alert", "alert_id", metavar="ALERT_ID", help="The kpi alert it answers.")
@click.option("--due", "due_at", required=True, help="Due date (ISO date or time).")
@click.option("--id", "action_id", default=lambda: uuid.uuid4().hex[:12], show_default="new")
@json_option
@click.pass_context
def add(ctx: click.Context, as_json: bool, **action: Any) -> None:
    """Open an improvement action; it is refused, naming each, unless it is SMART."""
    given = {name: value for name, value in action.items() if value is not None}
    with _loyalty(ctx) as rpc:
        opened = rpc.loyalty.add_action(**given)
    if as_json:
        print_json(opened)
        return
    say(
        f"action {opened['id']} opened: {opened['indicator']} from {opened['before']} "
        f"to {opened['target']}"
    )


@actions.command(name="close")
@click.argument("action_id", metavar="ID")
@click.option("--after", help="The indicator's value after the action (default: from kpi).")
@json_option
@click.pass_context
def close_action(ctx: click.Context, action_id: str, after: str | None, as_json: bool) -> None:
    """Close an improvement action with the indicator's value after it (read from kpi, over
    the latest complete period, unless given)."""
    with _loyalty(ctx) as rpc:
        closed = rpc.loyalty.close_action(action_id, after)
    if as_json:
        print_json(closed)
        return
    met = "met" if closed["target_met"] else "not met"
    say(f"action {action_id} closed: effect {closed['effect']}, target {met}")
