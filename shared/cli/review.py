"""Reviewing prospects: ``rules``, ``duplicates`` and ``overdue``."""

from __future__ import annotations

import getpass
from typing import Any

import click

from clientela.cli.client import platform
from clientela.cli.context import settings
from clientela.cli.output import json_option, print_json, print_table, say
from clientela.config import ConfigError

by_option = click.option(
    "--by",
    default=getpass.getuser,
    show_default="your user name",
    help="Who decides or acts.",
)
"""``--by``: who decides or acts, the user running the command unless told."""


@click.command()
@json_option
@click.pass_context
def rules(ctx: click.Context, as_json: bool) -> None:
    """Show how prospects are matched, how complete (I3) and how qualified they are."""
    with platform(settings(ctx), "prospects") as rpc:
        described = rpc.prospects.rules()
    if as_json:
        print_json(described)
        return
    say("Same person (merge) or possible duplicate (suggest) when a rule holds:")
    print_table(
        ["rule", "outcome", "description"],
        [[rule["name"], rule["outcome"], rule["description"]] for rule in described["match_rules"]],
    )
    for sentence in described["identity"]:
        say(f"  - {sentence}")
    weights = described["completeness_weights"]
    total = sum(weights.values())
    say("\nCompleteness (I3) = weighted share of these parts present:")
    print_table(
        ["part", "weight"], [[part, f"{weight:g} of {total:g}"] for part, weight in weights.items()]
    )
    say("\nQualification score = sum of these points, kept within 0-100:")
    print_table(
        ["rule", "up to", "description"],
        [
            [rule["name"], rule["points"], rule["description"]]
            for rule in described["qualification_rules"]
        ],
        right=("up to",),
    )


@click.command()
@click.argument("action", required=False, type=click.Choice(["merge", "dismiss"]))
@click.argument("a", required=False)
@click.argument("b", required=False)
@by_option
@click.option("--limit", default=100, show_default=True, help="Pairs to list.")
@json_option
@click.pass_context
def duplicates(
    ctx: click.Context,
    action: str | None,
    a: str | None,
    b: str | None,
    by: str,
    limit: int,
    as_json: bool,
) -> None:
    """List possible duplicates; `merge A B` merges B into A, `dismiss A B` keeps them apart.

    A and B are prospect ids: A is kept by a merge, B merged into it.
    """
    if action and not (a and b):
        raise ConfigError(f"duplicates {action}: give the two prospect ids, A and B")
    with platform(settings(ctx), "prospects") as rpc:
        if action == "merge":
            kept = rpc.prospects.merge(a, b, by, "possible duplicate confirmed")
            say(f"{b} merged into {kept['id']} (undo: unmerge {b})")
            return
        if action == "dismiss":
            rpc.prospects.dismiss_duplicate(a, b, by)
            say(f"{a} and {b} are kept apart for good")
            return
        review = rpc.prospects.duplicates(limit)
    if as_json:
        print_json(review)
    else:
        print_duplicates(review)


def person(someone: dict[str, Any]) -> str:
    """One line about a person: id, name, contacts and company."""
    name = f"{someone.get('first_name') or ''} {someone.get('last_name') or ''}".strip()
    contact = ", ".join(filter(None, (someone.get("email"), someone.get("phone"))))
    return f"{someone['id']}  {name or '(no name)'}  <{contact or 'no e-mail or phone'}>  " + (
        someone.get("company") or "(no company)"
    )


def print_duplicates(review: dict[str, Any]) -> None:
    """Print each open pair (both people, score, reasons), then the shared lines."""
    for pair in review["pairs"]:
        say(f"score {pair['score']:.2f}")
        for someone in pair["people"]:
            say(f"  {person(someone)}")
        for reason in pair["reasons"]:
            say(f"    - {reason}")
    if not review["pairs"]:
        say("(no possible duplicates to review)")
    else:
        say("merge one: clientela duplicates merge KEPT MERGED; keep apart: ... dismiss A B")
    if review["shared_lines"]:
        say("\nShared lines (company contacts carried by different people; they match nobody):")
        print_table(
            ["line", "prospects"],
            [[line["line"], ", ".join(line["prospect_ids"])] for line in review["shared_lines"]],
        )


@click.command()
@click.option("--owner", help="Only this person's tasks.")
@json_option
@click.pass_context
def overdue(ctx: click.Context, owner: str | None, as_json: bool) -> None:
    """List follow-up tasks past their due time, most overdue first."""
    with platform(settings(ctx), "prospects") as rpc:
        tasks = rpc.prospects.overdue_follow_ups(owner)
    if as_json:
        print_json(tasks)
        return
    print_table(
        ["due", "owner", "prospect", "task"],
        [[task["due_at"], task["owner"], task["prospect_id"], task["title"]] for task in tasks],
        empty="(no overdue follow-ups)",
    )
