"""``clientela prospects``: daily work on prospects through the prospects service."""

from __future__ import annotations

from typing import Any

import click

from clientela.cli.client import platform
from clientela.cli.context import settings
from clientela.cli.output import json_option, print_json, print_table, say
from clientela.cli.review import by_option
from clientela.vocabulary import (
    CONVERSION_BASES,
    INTERACTION_KINDS,
    INTERACTION_MODES,
    INTERACTION_OUTCOMES,
    PROSPECT_STATUSES,
)


@click.group()
def prospects() -> None:
    """Find prospects, see one, log an interaction, move or convert one."""


def _name(prospect: dict[str, Any]) -> str:
    return f"{prospect.get('first_name') or ''} {prospect.get('last_name') or ''}".strip()


@prospects.command()
@click.option("--status", type=click.Choice(PROSPECT_STATUSES))
@click.option("--owner")
@click.option("--source", help="Lead source, e.g. fairs.")
@click.option("--fair")
@click.option("--campaign")
@click.option("--channel", help="Social network or utm_source.")
@click.option("--email")
@click.option("--phone")
@click.option("--captured-from", help="First captured at or after this ISO date or time.")
@click.option("--captured-to", help="First captured before this ISO date or time.")
@click.option("--min-score", type=click.IntRange(0, 100))
@click.option("--max-score", type=click.IntRange(0, 100))
@click.option(
    "--limit", type=click.IntRange(1, 500), default=50, show_default=True, help="Prospects to show."
)
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Prospects to skip.")
@json_option
@click.pass_context
def find(ctx: click.Context, limit: int, offset: int, as_json: bool, **filters: Any) -> None:
    """Find prospects by status, owner, origin, contact, capture time or score."""
    given = {name: value for name, value in filters.items() if value is not None}
    with platform(settings(ctx), "prospects") as rpc:
        page = rpc.prospects.find(**given, limit=limit, offset=offset)
    if as_json:
        print_json(page)
        return
    print_table(
        ["id", "name", "e-mail", "phone", "company", "status", "score", "owner", "source"],
        [
            [
                p["id"],
                _name(p),
                p.get("email"),
                p.get("phone"),
                p.get("company") or None,
                p["status"],
                p["score"],
                p.get("owner") or None,
                p.get("source"),
            ]
            for p in page["prospects"]
        ],
        empty="(no prospect matches)",
        right=("score",),
    )
    shown = len(page["prospects"])
    if shown:
        say(f"{page['offset'] + 1}-{page['offset'] + shown} of {page['total']}")


@prospects.command()
@click.argument("prospect_id", metavar="ID")
@json_option
@click.pass_context
def show(ctx: click.Context, prospect_id: str, as_json: bool) -> None:
    """Show a prospect's profile with its captures, interactions, merges and follow-ups."""
    with platform(settings(ctx), "prospects") as rpc:
        prospect = rpc.prospects.get(prospect_id)
        follow_ups = rpc.prospects.follow_ups(prospect_id)
    if as_json:
        print_json({**prospect, "follow_ups": follow_ups})
        return
    print_profile(prospect)
    say("\nCaptures:")
    print_table(
        ["captured at", "source", "line", "origin"],
        [
            [c["captured_at"], c["source"], c.get("line"), _pairs(c.get("origin") or {})]
            for c in prospect["captures"]
        ],
        empty="  (none)",
    )
    say("\nInteractions:")
    print_table(
        ["occurred at", "kind", "mode", "outcome", "by", "notes"],
        [
            [i["occurred_at"], i["kind"], i["mode"], i["outcome"], i.get("by"), i.get("notes")]
            for i in prospect["interactions"]
        ],
        empty="  (none)",
    )
    say("\nMerges:")
    print_table(
        ["merged at", "prospect", "by", "reason"],
        [[m["merged_at"], m["prospect_id"], m["by"], m["reason"]] for m in prospect["merges"]],
        empty="  (none)",
    )
    say("\nFollow-ups:")
    print_table(
        ["due", "owner", "task", "done"],
        [[t["due_at"], t["owner"], t["title"], t.get("done_at")] for t in follow_ups],
        empty="  (none)",
    )


def _pairs(values: dict[str, Any]) -> str:
    return ", ".join(f"{key}: {value}" for key, value in values.items() if value)


def print_profile(prospect: dict[str, Any]) -> None:
    """The prospect's identity, contacts, pipeline position and scores, a line each."""
    conversion = prospect.get("conversion")
    lines = {
        "id": prospect["id"],
        "name": _name(prospect) or "(no name)",
        "e-mail": prospect.get("email"),
        "phone": prospect.get("phone"),
        "company": prospect.get("company"),
        "position": prospect.get("position"),
        "needs": prospect.get("needs"),
        "status": " - ".join(filter(None, (prospect["status"], prospect.get("status_reason")))),
        "owner": prospect.get("owner"),
        "source": prospect.get("source"),
        "origin": _pairs(prospect.get("origin") or {}),
        "captured at": prospect.get("captured_at"),
        "first contact": prospect.get("first_contact_at"),
        "completeness": f"{prospect['completeness']:g}%",
        "score": prospect["score"],
        "merged into": prospect.get("merged_into"),
        "converted": conversion and f"{conversion['basis']} {conversion['reference']}".strip(),
        "customer": prospect.get("customer_id"),
    }
    print_table(["", ""], [[key, value] for key, value in lines.items() if value not in ("", None)])


@prospects.command()
@click.argument("prospect_id", metavar="ID")
@click.option("--kind", required=True, type=click.Choice(INTERACTION_KINDS))
@click.option("--mode", required=True, type=click.Choice(INTERACTION_MODES))
@click.option("--outcome", required=True, type=click.Choice(INTERACTION_OUTCOMES))
@click.option("--notes", default="", help="What was said or agreed.")
@by_option
@json_option
@click.pass_context
def log(
    ctx: click.Context,
    prospect_id: str,
    kind: str,
    mode: str,
    outcome: str,
    notes: str,
    by: str,
    as_json: bool,
) -> None:
    """Log an interaction (call, e-mail, meeting, visit) with a prospect."""
    with platform(settings(ctx), "prospects") as rpc:
        logged = rpc.prospects.log_interaction(
            prospect_id, kind=kind, mode=mode, outcome=outcome, notes=notes, by=by
        )
    if as_json:
        print_json(logged)
        return
    contact = "" if logged["counts_as_contact"] else " (nobody reached)"
    say(f"{kind} by {mode} logged on {prospect_id}: {outcome}{contact}")


MOVES = tuple(status for status in PROSPECT_STATUSES if status != "converted")
"""The statuses ``status`` moves a prospect to: a conversion needs its basis (``convert``)."""


@prospects.command()
@click.argument("prospect_id", metavar="ID")
@click.argument("new_status", type=click.Choice(MOVES))
@click.option("--reason", default="", help="Why (required to disqualify).")
@json_option
@click.pass_context
def status(
    ctx: click.Context, prospect_id: str, new_status: str, reason: str, as_json: bool
) -> None:
    """Move a prospect to another status of the pipeline (to convert one: convert)."""
    with platform(settings(ctx), "prospects") as rpc:
        prospect = rpc.prospects.change_status(prospect_id, new_status, reason)
    if as_json:
        print_json(prospect)
        return
    say(f"{prospect_id} is {prospect['status']}")


@prospects.command()
@click.argument("prospect_id", metavar="ID")
@click.option(
    "--basis",
    required=True,
    type=click.Choice(CONVERSION_BASES),
    help="What formalises the conversion.",
)
@click.option("--reference", default="", help="Contract, agreement or invoice number.")
@json_option
@click.pass_context
def convert(
    ctx: click.Context, prospect_id: str, basis: str, reference: str, as_json: bool
) -> None:
    """Convert a prospect into a captive customer (the customers service creates it)."""
    with platform(settings(ctx), "prospects") as rpc:
        converted = rpc.prospects.convert(prospect_id, basis, reference)
    if as_json:
        print_json(converted)
        return
    formalised = " ".join(filter(None, (basis, reference)))
    say(f"{prospect_id} converted ({formalised}); the customers service makes it a customer")
