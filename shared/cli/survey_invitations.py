"""``clientela surveys send|panel|answer|invitations|preferences``: invitations through the
feedback service."""

from __future__ import annotations

import json
from typing import Any

import click

from clientela.cli.client import platform
from clientela.cli.context import settings
from clientela.cli.output import json_option, print_json, print_table

INVITATION_COLUMNS = ["invitation", "customer", "survey", "channel", "state", "reason"]


def _invitation_rows(found: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [i["id"], i["customer_id"], i["survey_id"], i["channel"], i["state"], i["reason"]]
        for i in found
    ]


@click.command()
@click.argument("survey_id", metavar="SURVEY")
@click.option("--channel", help="The survey channel (default: email; a panel's own channel).")
@click.option("--customer", "customers", multiple=True, help="A customer to invite (repeatable).")
@click.option("--panel", help="Invite this panel's members (this quarter's invitation).")
@json_option
@click.pass_context
def send(
    ctx: click.Context,
    survey_id: str,
    channel: str | None,
    customers: tuple[str, ...],
    panel: str | None,
    as_json: bool,
) -> None:
    """Invite customers (or a panel) to a survey now, within the frequency cap and consent."""
    if bool(customers) == bool(panel):
        raise click.UsageError("give --customer (one or more) or --panel, not both")
    with platform(settings(ctx), "feedback") as rpc:
        found = rpc.feedback.send_survey(
            survey_id, channel=channel, customer_ids=list(customers) or None, panel=panel
        )
    if as_json:
        print_json(found)
        return
    print_table(INVITATION_COLUMNS, _invitation_rows(found), empty="(nobody invited)")


@click.command("panel")
@click.argument("name")
@click.option("--survey", "survey_id", required=True, help="The survey the panel answers.")
@click.option("--channel", required=True, help="The survey channel its invitations go on.")
@click.option("--customer", "customers", multiple=True, required=True, help="A member.")
@json_option
@click.pass_context
def define_panel(
    ctx: click.Context,
    name: str,
    survey_id: str,
    channel: str,
    customers: tuple[str, ...],
    as_json: bool,
) -> None:
    """Keep a fixed panel: the same customers invited to a survey every quarter."""
    with platform(settings(ctx), "feedback") as rpc:
        found = rpc.feedback.define_panel(name, survey_id, channel, list(customers))
    if as_json:
        print_json(found)
        return
    print_table(
        ["panel", "survey", "channel", "members", "last invited"],
        [
            [
                found["name"],
                found["survey_id"],
                found["channel"],
                len(found["members"]),
                found["last_period"] or "-",
            ]
        ],
    )


def _answer(text: str) -> tuple[str, Any]:
    key, equals, value = text.partition("=")
    if not equals or not key:
        raise click.BadParameter(f"{text!r}: write question=answer", param_hint="ANSWERS")
    try:
        return key, json.loads(value)
    except ValueError:
        return key, value


@click.command()
@click.argument("invitation_id", metavar="INVITATION")
@click.argument("answers", nargs=-1, required=True)
@click.option("--channel", default="call", show_default=True, help="Where the answers came.")
@json_option
@click.pass_context
def answer(
    ctx: click.Context, invitation_id: str, answers: tuple[str, ...], channel: str, as_json: bool
) -> None:
    """Enter an invitation's answers (question=answer ...), as the agent after a call."""
    given = dict(_answer(text) for text in answers)
    with platform(settings(ctx), "feedback") as rpc:
        recorded = rpc.feedback.answer_invitation(invitation_id, given, channel=channel)
    if as_json:
        print_json(recorded)
        return
    print_table(
        ["question", "kind", "answer"],
        [[r["question"], r["kind"], r["text"] or r["score"]] for r in recorded],
    )


@click.command()
@click.argument("customer_id", metavar="CUSTOMER")
@json_option
@click.pass_context
def invitations(ctx: click.Context, customer_id: str, as_json: bool) -> None:
    """List a customer's invitations with their state (due, sent, failed, answered, refused)."""
    with platform(settings(ctx), "feedback") as rpc:
        found = rpc.feedback.invitations(customer_id)
    if as_json:
        print_json(found)
        return
    print_table(INVITATION_COLUMNS, _invitation_rows(found), empty="(no invitations)")


@click.command()
@click.argument("customer_id", metavar="CUSTOMER")
@click.option("--consent/--no-consent", default=None, help="Agrees to be surveyed, or not.")
@click.option("--suppress/--no-suppress", default=None, help="Never contact them, or again.")
@click.option("--phone", help="The number for SMS and calls (E.164: +52...).")
@click.option("--language", help="The language of their surveys (es, en...).")
@json_option
@click.pass_context
def preferences(
    ctx: click.Context,
    customer_id: str,
    consent: bool | None,
    suppress: bool | None,
    phone: str | None,
    language: str | None,
    as_json: bool,
) -> None:
    """Record a customer's survey preferences: consent, suppression, phone, language."""
    given = {"consented": consent, "suppressed": suppress, "phone": phone, "language": language}
    chosen = {name: value for name, value in given.items() if value is not None}
    if not chosen:
        raise click.UsageError("give at least one of the options")
    with platform(settings(ctx), "feedback") as rpc:
        found = rpc.feedback.set_survey_preferences(customer_id, **chosen)
    if as_json:
        print_json(found)
        return
    print_table(
        ["customer", "consented", "suppressed", "phone", "language"],
        [[found[k] for k in ("customer_id", "consented", "suppressed", "phone", "language")]],
    )


COMMANDS = (send, define_panel, answer, invitations, preferences)
"""The commands this module adds to ``clientela surveys``."""
