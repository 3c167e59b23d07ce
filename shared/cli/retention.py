"""``clientela loyalty retention`` and ``clientela loyalty winback``, through the loyalty
service.

Reactive retention: a customer announcing departure opens a case; offers are
made and answered, and the case ends retained or lost, every step kept in its
history. Win-back: lost customers ranked by what they bought, campaigns aimed
at them, and who each won back.
"""

from __future__ import annotations

from typing import Any

import click

from clientela.cli.client import platform
from clientela.cli.context import settings
from clientela.cli.output import json_option, print_json, print_table, say
from clientela.cli.review import by_option

note_option = click.option("--note", default="", help="What was said or why.")


def _loyalty(ctx: click.Context) -> Any:
    return platform(settings(ctx), "loyalty")


def _show(case: dict[str, Any], as_json: bool, headline: str) -> None:
    if as_json:
        print_json(case)
        return
    say(headline)
    print_table(
        ["step", "at", "by", "detail"],
        [[step["state"], step["at"], step["by"], step["detail"]] for step in case["history"]],
    )


@click.group()
def retention() -> None:
    """Reactive retention: customers announcing departure, the offers made, the outcome."""


@retention.command()
@click.argument("customer_id", metavar="REF")
@click.option("--reason", required=True, help="Why the customer says they are leaving.")
@by_option
@json_option
@click.pass_context
def start(ctx: click.Context, customer_id: str, reason: str, by: str, as_json: bool) -> None:
    """Open the retention case of a customer announcing departure (theirs if under way)."""
    with _loyalty(ctx) as rpc:
        case = rpc.loyalty.start_retention(customer_id, reason, by)
    _show(case, as_json, f"retention case {case['id']} of {customer_id}: {case['state']}")


@retention.command()
@click.argument("case_id", metavar="ID")
@click.option("--offer", "offered", required=True, help="What is offered to keep them.")
@by_option
@json_option
@click.pass_context
def offer(ctx: click.Context, case_id: str, offered: str, by: str, as_json: bool) -> None:
    """Make an offer to keep the customer (a better one after a refusal)."""
    with _loyalty(ctx) as rpc:
        case = rpc.loyalty.offer_retention(case_id, offered, by)
    _show(case, as_json, f"retention case {case_id}: offered {case['offer']}")


@retention.command()
@click.argument("case_id", metavar="ID")
@click.option(
    "--accepted/--refused", required=True, help="Whether the customer accepted the offer."
)
@note_option
@by_option
@json_option
@click.pass_context
def answer(
    ctx: click.Context, case_id: str, accepted: bool, note: str, by: str, as_json: bool
) -> None:
    """Record the customer's answer to the offer."""
    with _loyalty(ctx) as rpc:
        case = rpc.loyalty.answer_retention(case_id, accepted, by, note)
    _show(case, as_json, f"retention case {case_id}: offer {case['state']}")


@retention.command()
@click.argument("case_id", metavar="ID")
@click.option(
    "--outcome",
    required=True,
    type=click.Choice(("retained", "lost")),
    help="retained (an accepted offer) or lost.",
)
@note_option
@by_option
@json_option
@click.pass_context
def close(
    ctx: click.Context, case_id: str, outcome: str, note: str, by: str, as_json: bool
) -> None:
    """End a retention case with its outcome."""
    with _loyalty(ctx) as rpc:
        case = rpc.loyalty.close_retention(case_id, outcome, by, note)
    _show(case, as_json, f"retention case {case_id} closed: {case['state']}")


@retention.command(name="list")
@click.option("--open", "open_only", is_flag=True, help="Only the cases not ended.")
@json_option
@click.pass_context
def list_cases(ctx: click.Context, open_only: bool, as_json: bool) -> None:
    """List retention cases, the latest announced first."""
    with _loyalty(ctx) as rpc:
        found = rpc.loyalty.retention_cases(open_only)
    if as_json:
        print_json(found)
        return
    print_table(
        ["case", "customer", "announced at", "reason", "state", "offer"],
        [
            [c["id"], c["customer_id"], c["announced_at"], c["reason"], c["state"], c["offer"]]
            for c in found
        ],
        empty="(no retention cases)",
    )


@retention.command()
@click.argument("case_id", metavar="ID")
@json_option
@click.pass_context
def show(ctx: click.Context, case_id: str, as_json: bool) -> None:
    """Show a retention case with its history."""
    with _loyalty(ctx) as rpc:
        case = rpc.loyalty.retention_case(case_id)
    _show(
        case,
        as_json,
        f"retention case {case_id} of {case['customer_id']} ({case['reason']}): {case['state']}",
    )


@click.group()
def winback() -> None:
    """Win-back: lost customers by past value, campaigns aimed at them, their results."""


@winback.command(name="list")
@click.option("--limit", default=50, show_default=True, help="Lost customers to list (<= 200).")
@json_option
@click.pass_context
def list_lost(ctx: click.Context, limit: int, as_json: bool) -> None:
    """List lost customers, the most worth winning back (past value) first."""
    with _loyalty(ctx) as rpc:
        found = rpc.loyalty.lost_customers(limit)
    if as_json:
        print_json(found)
        return
    print_table(
        ["customer", "past value", "purchases", "lost at", "reason", "targeted by"],
        [
            [
                c["customer_id"],
                c["past_value"],
                c["purchases"],
                c["lost_at"],
                c["reason"],
                c["targeted_by"],
            ]
            for c in found
        ],
        empty="(no lost customers)",
        right=("past value", "purchases"),
    )


def _show_campaign(campaign: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(campaign)
        return
    rate = "-" if campaign["rate"] is None else f"{campaign['rate']}%"
    say(
        f"campaign {campaign['id']} ({campaign['name']}), {campaign['starts_at']} to "
        f"{campaign['ends_at']}: {campaign['won_back_count']} of {campaign['targeted_count']} "
        f"won back ({rate}): {', '.join(campaign['won_back']) or '-'}"
    )
    for customer_id, why in campaign.get("refused", {}).items():
        say(f"  not targeted: {customer_id}: {why}")


@winback.command(name="campaign")
@click.argument("campaign_id", metavar="ID")
@click.option("--name", required=True, help="The campaign's name.")
@click.option("--starts", "starts_at", required=True, help="When it starts (ISO date or time).")
@click.option("--ends", "ends_at", required=True, help="When it ends (ISO date or time).")
@click.option(
    "--customer", "customer_ids", multiple=True, metavar="REF", help="A lost customer to target."
)
@click.option("--top", type=int, help="Target the N lost customers of most past value.")
@by_option
@json_option
@click.pass_context
def launch_campaign(
    ctx: click.Context,
    campaign_id: str,
    name: str,
    starts_at: str,
    ends_at: str,
    customer_ids: tuple[str, ...],
    top: int | None,
    by: str,
    as_json: bool,
) -> None:
    """Launch a win-back campaign at the customers named, or at the top N lost ones."""
    if bool(customer_ids) == (top is not None):
        raise click.UsageError("Give either --customer (one or more) or --top N.")
    with _loyalty(ctx) as rpc:
        campaign = rpc.loyalty.launch_campaign(
            campaign_id=campaign_id,
            name=name,
            starts_at=starts_at,
            ends_at=ends_at,
            customer_ids=list(customer_ids),
            top=top,
            by=by,
        )
    _show_campaign(campaign, as_json)


@winback.command()
@click.argument("campaign_id", metavar="ID")
@json_option
@click.pass_context
def result(ctx: click.Context, campaign_id: str, as_json: bool) -> None:
    """Show a campaign's result: who it targeted and who it won back."""
    with _loyalty(ctx) as rpc:
        campaign = rpc.loyalty.campaign(campaign_id)
    _show_campaign(campaign, as_json)


@winback.command()
@json_option
@click.pass_context
def campaigns(ctx: click.Context, as_json: bool) -> None:
    """List win-back campaigns, the latest starting first, with their results."""
    with _loyalty(ctx) as rpc:
        found = rpc.loyalty.campaigns()
    if as_json:
        print_json(found)
        return
    print_table(
        ["campaign", "name", "starts", "ends", "targeted", "won back", "rate %"],
        [
            [
                c["id"],
                c["name"],
                c["starts_at"],
                c["ends_at"],
                c["targeted_count"],
                c["won_back_count"],
                c["rate"],
            ]
            for c in found
        ],
        empty="(no campaigns)",
        right=("targeted", "won back", "rate %"),
    )
