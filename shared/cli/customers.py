"""``clientela customers``: the customer record, classes, receivables and dunning, read
through the customers service."""

from __future__ import annotations

from typing import Any

import click

from clientela.cli.client import platform
from clientela.cli.context import settings
from clientela.cli.output import json_option, print_json, print_table, say

CLASSES = ("A", "B", "C", "new", "existing", "inactive", "lost", "special")
TYPOLOGIES = ("end_user", "intermediate", "prescriber")
BUCKETS = ("current", "1-30", "31-60", "61-90", "over_90")


@click.group()
def customers() -> None:
    """List customers by class, see one whole, age receivables, send dunning letters."""


def _name(customer: dict[str, Any]) -> str:
    full = f"{customer.get('first_name') or ''} {customer.get('last_name') or ''}".strip()
    return full or customer.get("company") or customer.get("email") or "-"


def relationship_lines(level: dict[str, Any]) -> list[str]:
    """The four criteria of a relationship level, one line each, for a person to read."""
    unknown = level["unmeasured"]

    def known(criterion: str, text: str) -> str:
        return f"unknown ({unknown[criterion]})" if criterion in unknown else text

    scope = (
        f"{level['product_lines_used']} of {level['product_lines_offered']} product lines"
        f" ({level['scope_pct']} %)"
        if level["scope_pct"] is not None
        else f"{level['product_lines_used']} product lines (none set as offered)"
    )
    wallet = (
        f"{level['share_of_wallet_pct']} % share of wallet ({level['spend_source']} spend)"
        if level["share_of_wallet_pct"] is not None
        else "share of wallet unknown (no category spend declared or estimated)"
    )
    nps = known(
        "latest_nps", "never answered" if level["latest_nps"] is None else str(level["latest_nps"])
    )
    referrals = known("referrals_converted", str(level["referrals_converted"]))
    return [
        f"{'longevity:':<12}{level['longevity_days']} days",
        f"{'scope:':<12}{scope}",
        f"{'depth:':<12}{wallet}",
        f"{'referral:':<12}latest NPS {nps}; referred customers {referrals}",
    ]


@customers.command("list")
@click.option("--class", "label", type=click.Choice(CLASSES), help="Customers in this class.")
@click.option("--typology", type=click.Choice(TYPOLOGIES))
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--page-size", type=click.IntRange(1, 500), default=50, show_default=True)
@json_option
@click.pass_context
def list_(
    ctx: click.Context,
    label: str | None,
    typology: str | None,
    page: int,
    page_size: int,
    as_json: bool,
) -> None:
    """Customers by class (lifecycle, ABC, special) and typology, a page at a time."""
    wanted = {"label": label, "typology": typology, "page": page, "page_size": page_size}
    with platform(settings(ctx), "customers") as rpc:
        found = rpc.customers.list_customers(**{k: v for k, v in wanted.items() if v is not None})
    if as_json:
        print_json(found)
        return
    rows = []
    for customer in found["items"]:
        classes = customer.get("classification") or {}
        rows.append(
            [
                customer["id"],
                _name(customer),
                customer.get("typology"),
                classes.get("lifecycle"),
                classes.get("abc"),
                "yes" if classes.get("strategic") else None,
                "yes" if customer.get("special") else None,
            ]
        )
    print_table(
        ["id", "name", "typology", "class", "ABC", "strategic", "special"],
        rows,
        empty="(no customer matches)",
    )
    if found["has_more"]:
        say(f"more on page {page + 1}")


@customers.command()
@click.argument("customer_ref", metavar="REF")
@click.option("--as-of", help="Age receivables at this ISO date (default: today).")
@json_option
@click.pass_context
def show(ctx: click.Context, customer_ref: str, as_of: str | None, as_json: bool) -> None:
    """The 360-degree view of a customer; sections whose service is down say so."""
    with platform(settings(ctx), "customers") as rpc:
        view = rpc.customers.view(customer_ref, **({"as_of": as_of} if as_of else {}))
    if as_json:
        print_json(view)
        return
    profile = view["profile"]
    classes = profile.get("classification") or {}
    for label, value in (
        ("id", profile["id"]),
        ("name", _name(profile)),
        ("e-mail", profile.get("email")),
        ("phone", profile.get("phone")),
        ("company", profile.get("company")),
        ("typology", profile.get("typology")),
        ("class", ", ".join(classes.get("labels", [])) or None),
        ("lost", (profile.get("lost") or {}).get("reason")),
        ("credit limit", (profile.get("credit") or {}).get("limit")),
    ):
        say(f"{label + ':':<14}{'-' if value in (None, '') else value}")
    say("\nContracts:")
    print_table(
        ["contract", "value", "due", "delivered", "status"],
        [
            [c["id"], f"{c['value']} {c['currency']}", c["due_at"], c["delivered_at"], c["status"]]
            for c in view["contracts"]
        ],
        empty="  (none)",
    )
    say("\nLatest purchases:")
    print_table(
        ["purchase", "amount", "line", "at"],
        [
            [p["id"], f"{p['amount']} {p['currency']}", p.get("product_line"), p["purchased_at"]]
            for p in view["purchases"]["items"]
        ],
        empty="  (none)",
    )
    say("\nInvoices:")
    print_table(
        ["invoice", "amount", "due", "paid"],
        [
            [i["id"], f"{i['amount']} {i['currency']}", i["due_at"], i["paid_at"]]
            for i in view["invoices"]
        ],
        empty="  (none)",
    )
    ageing = view["ageing"]
    say(f"\nOwed at {ageing['as_of']}: {ageing['total']} ({ageing['overdue']} overdue)")
    say("\nRelationship level:")
    for line in relationship_lines(view["relationship"]):
        say(f"  {line}")
    sections = ("prospect", "loyalty", "surveys", "complaints", "requirements", "interviews")
    for section in (*sections, "alarms"):
        part = view[section]
        if part["status"] == "ok":
            say(f"{section}: {'-' if part['data'] is None else 'available (see --json)'}")
        else:
            say(f"{section}: unavailable ({part['reason']})")


@customers.command()
@click.option("--as-of", help="ISO date (default: today).")
@json_option
@click.pass_context
def ageing(ctx: click.Context, as_of: str | None, as_json: bool) -> None:
    """Receivables by days overdue, per customer, and the collection term."""
    with platform(settings(ctx), "customers") as rpc:
        report = rpc.customers.ageing(**({"as_of": as_of} if as_of else {}))
    if as_json:
        print_json(report)
        return
    rows = [
        [ref, *(totals["buckets"][b]["amount"] for b in BUCKETS), totals["total"]]
        for ref, totals in report["customers"].items()
    ]
    rows.append(["total", *(report["buckets"][b]["amount"] for b in BUCKETS), report["total"]])
    print_table(["customer", *BUCKETS, "total"], rows, right=(*BUCKETS, "total"))
    term = report["collection_term_days"]
    say(f"collection term: {'-' if term is None else f'{term:g} days'} (as of {report['as_of']})")


@customers.command()
@click.option("--as-of", help="ISO date (default: today).")
@click.option("--send", is_flag=True, help="E-mail the letters too (needs smtp_uri, mail_from).")
@json_option
@click.pass_context
def dunning(ctx: click.Context, as_of: str | None, send: bool, as_json: bool) -> None:
    """Render the dunning letters due to files, and record them."""
    with platform(settings(ctx), "customers") as rpc:
        run = rpc.customers.dunning(send=send, **({"as_of": as_of} if as_of else {}))
    if as_json:
        print_json(run)
        return
    if send and not run["email_configured"]:
        say("E-mail is not configured (smtp_uri, mail_from): letters are rendered to files only.")
    print_table(
        ["customer", "step", "template", "overdue", "delivery", "file"],
        [
            [
                x["customer_id"],
                x["step"],
                x["template"],
                x["overdue_amount"],
                x["delivery"],
                x["path"],
            ]
            for x in run["letters"]
        ],
        empty="(no letter due)",
    )


@customers.command()
@click.option("--by", type=click.Choice(("month", "quarter", "year")), default="month")
@json_option
@click.pass_context
def census(ctx: click.Context, by: str, as_json: bool) -> None:
    """New against lost customers per period."""
    with platform(settings(ctx), "customers") as rpc:
        rows = rpc.customers.census(by)
    if as_json:
        print_json(rows)
        return
    print_table(
        ["period", "new", "lost", "net"],
        [[r["period"], r["new_customers"], r["lost_customers"], r["net"]] for r in rows],
        empty="(no customer yet)",
        right=("new", "lost", "net"),
    )
