"""``clientela demo``: start the platform and walk the thin path once."""

from __future__ import annotations

import secrets
from importlib.resources import files
from pathlib import Path
from typing import Any

import click

from clientela.cli.client import platform, wait_for
from clientela.cli.context import settings
from clientela.cli.kpi import print_kpi
from clientela.cli.lead_import import import_leads, print_import
from clientela.cli.output import say
from clientela.cli.platform import serve
from clientela.cli.running import join_option
from clientela.cli.services import platform_services
from clientela.config import Settings
from clientela.errors import NotFound

SAMPLE_VISITORS = files("clientela.plugins.fairs") / "samples" / "visitors.csv"


def demonstrate(settings: Settings) -> None:
    """Walk the path once: import, first contact, convert, purchase, NPS, points, KPI."""
    with SAMPLE_VISITORS.open("rb") as sample:
        path = Path(settings.data_dir) / "sample-visitors.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(sample.read())
    say(f"1. Importing the sample trade-fair visitor list {path}")
    print_import(import_leads(settings, "fairs", path, {"fair": "Expo Demo"}))
    with platform(settings, *platform_services()) as rpc:
        prospect = rpc.prospects.find(email="maria.garcia@ferreteria-norte.mx")["prospects"][0]
        name = f"{prospect['first_name']} {prospect['last_name']}"
        if not prospect["interactions"]:  # a second demo does not call her twice
            rpc.prospects.log_interaction(
                prospect["id"], kind="call", mode="phone", outcome="interested", by="demo"
            )
        prospect = rpc.prospects.get(prospect["id"])
        say(
            f"2. First contact with {name}: a call, she is interested (status "
            f"{prospect['status']}, completeness {prospect['completeness']}%, "
            f"score {prospect['score']})"
        )
        say(f"   converting {name} (contract signed)")
        rpc.prospects.convert(prospect["id"], "contract", "DEMO-CONTRACT-1")
        customer = wait_for(
            lambda: rpc.customers.find_by_prospect(prospect["id"]), not_yet=(NotFound,)
        )
        say(f"   captive customer {customer['id']} created by the customers service")
        purchase = rpc.customers.record_purchase(
            customer["id"], "1250.00", currency="MXN", purchase_id="DEMO-INVOICE-1"
        )
        say(f"3. Purchase of {purchase['amount']} {purchase['currency']} recorded")
        balance = wait_for(lambda: rpc.loyalty.balance(customer["id"]), lambda b: b["points"])
        say(f"   loyalty balance: {balance['points']} points")
        wait_for(
            lambda: rpc.feedback.record_nps(customer["id"], 9, answer_id="DEMO-NPS-1"),
            not_yet=(NotFound,),
        )
        say("4. NPS answer 9 (promoter) recorded by the feedback service")
        report = wait_for(
            lambda: rpc.kpi.indicators("month"),
            lambda r: r["periods"] and r["periods"][-1]["NPS"] is not None,
        )
    say("5. Indicators from the kpi service:")
    print_kpi(report)


def webhook_hint(settings: Settings) -> str:
    """How to push a lead to the running platform's webhook with one of its API keys."""
    key = sorted(settings.api_key_set())[0]
    return (
        "While it runs (`clientela demo --stay`), push a lead over HTTP with this run's API key "
        "(set CLIENTELA_API_KEYS for lasting ones):\n"
        f"  curl -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' "
        f"""-d '{{"first_name": "Ana", "email": "ana@example.com"}}' """
        f"http://{settings.http_address}/leads/webforms"
    )


def dashboard_hint(settings: Settings) -> str:
    """Where the running platform's dashboard is."""
    return (
        "While it runs (`clientela demo --stay`, `clientela up`), the kpi dashboard charts "
        f"the indicators at http://{settings.dashboard_address}/"
    )


@click.command()
@click.option("--stay", is_flag=True, help="Keep the platform running afterwards.")
@join_option
@click.pass_context
def demo(ctx: click.Context, stay: bool, join: bool) -> None:
    """Start the platform, walk the thin path once, then stop (or stay up with --stay)."""
    outcome: dict[str, BaseException] = {}

    def on_ready(effective: Settings, runner: Any) -> None:
        try:
            demonstrate(effective)
            say("The platform works. Run `clientela up` to keep it running.")
            say(webhook_hint(effective))
            say(dashboard_hint(effective))
        except BaseException as exc:
            outcome["error"] = exc
        if "error" in outcome or not stay:
            runner.stop()

    current = settings(ctx)
    if not current.api_keys:  # a key of this run's own, so the webhook can be tried
        current = current.replace(api_keys=secrets.token_urlsafe(18))
    serve(platform_services(), current, on_ready, join=join)
    if "error" in outcome:
        raise outcome["error"]
