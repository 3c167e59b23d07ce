"""``clientela kpi rebuild`` against the five real services: the facts rebuilt from what the
prospects, customers, feedback and loyalty services store give the live figures back.

A quarter of a small shop: Berta answered a web form in January and was seen again
at a fair in February (the same person: merged), Carlos came from the same fair,
was called and converted; Dora, an existing customer, bought twice, had a
contract delivered late, answered the NPS survey, complained about a late
delivery and was given points by hand; her record was corrected once.
"""

import json

import pytest
from click.testing import CliRunner

from clientela.cli import kpi_rebuild
from clientela.cli.app import clientela
from clientela.cli.client import wait_for
from clientela.errors import NotFound

pytestmark = pytest.mark.integration

JANUARY, FEBRUARY, MARCH, Q1 = "2026-01", "2026-02", "2026-03", "2026-Q1"


def capture(rpc, source, identified_at, fields, origin):
    row = {"line": 1, "fields": fields, "origin": origin, "identified_at": identified_at}
    rpc.prospects.capture_leads(source, [row], {})
    [prospect] = rpc.prospects.find(email=fields["email"])["prospects"]
    return prospect


def indicators(rpc, granularity):
    return {row["period"]: row for row in rpc.kpi.indicators(granularity)["periods"]}


def rebuild(*options):
    result = CliRunner().invoke(
        clientela, ["kpi", "rebuild", *options, "--json"], catch_exceptions=False
    )
    return result.exit_code, json.loads(result.stdout)


def test_a_rebuild_gives_every_month_and_quarter_the_live_figures(
    clientela_platform, clientela_settings, monkeypatch
):
    monkeypatch.setattr(kpi_rebuild, "settings", lambda ctx: clientela_settings)
    rpc = clientela_platform("prospects", "customers", "feedback", "loyalty", "kpi")
    berta = capture(
        rpc,
        "webforms",
        "2026-01-12T09:00:00+00:00",
        {"email": "berta@example.com", "first_name": "Berta", "phone": "+34600111222"},
        {"campaign": "winter"},
    )
    berta_at_fair = capture(
        rpc,
        "fairs",
        "2026-02-03T10:00:00+00:00",
        {"email": "berta.ruiz@example.com", "first_name": "Berta", "company": "Ruiz SL"},
        {"fair": "Expo Febrero"},
    )
    carlos = capture(
        rpc,
        "fairs",
        "2026-02-03T11:00:00+00:00",
        {"email": "carlos@example.com", "first_name": "Carlos", "last_name": "Gil"},
        {"fair": "Expo Febrero"},
    )
    rpc.prospects.merge(berta["id"], berta_at_fair["id"], "ana", "same person, two e-mails")
    for prospect, occurred_at in ((berta, "2026-02-04T09:00Z"), (carlos, "2026-02-03T15:00Z")):
        rpc.prospects.log_interaction(
            prospect["id"], kind="call", mode="phone", outcome="interested", occurred_at=occurred_at
        )
    rpc.prospects.convert(carlos["id"], "contract")

    rpc.customers.create(customer_ref="CU-dora", created_at="2026-01-05T09:00:00+00:00")
    rpc.customers.edit("CU-dora", "luis", company="Dora Textil SA")
    for purchase_id, purchased_at in (("P-1", "2026-01-20T10:00Z"), ("P-2", "2026-03-02T10:00Z")):
        rpc.customers.record_purchase(
            "CU-dora", "300.00", currency="EUR", purchased_at=purchased_at, purchase_id=purchase_id
        )
    contract = {"customer_id": "CU-dora", "value": "1200.00", "signed_at": "2026-01-10T09:00Z"}
    rpc.customers.record_contract(**contract, contract_ref="K-1", due_at="2026-02-20T09:00Z")
    rpc.customers.record_contract(
        **contract,
        contract_ref="K-1",
        due_at="2026-02-20T09:00Z",
        status="delivered",
        delivered_at="2026-02-25T09:00Z",
    )
    wait_for(
        lambda: rpc.feedback.record_nps("CU-dora", 9, answered_at="2026-03-10T12:00Z"),
        not_yet=(NotFound,),
    )
    rpc.feedback.open_complaint(
        "Q-1",
        "delivery",
        "medium",
        "The February order came five days late",
        customer_id="CU-dora",
        opened_at="2026-02-26T08:00:00+00:00",
    )
    rpc.feedback.resolve_complaint("Q-1", "Discount on the next order")
    wait_for(
        lambda: rpc.loyalty.adjust("CU-dora", 50, "late delivery", "luis", "goodwill-1"),
        not_yet=(NotFound,),
    )

    def settled(periods):
        january, february, march = (periods.get(key, {}) for key in (JANUARY, FEBRUARY, MARCH))
        return (
            january.get("I1_new_prospects") == 1
            and january.get("purchases") == 1
            and february.get("I2_first_contacts") == 2
            and february.get("contracts_due") == 1
            and february.get("complaints") == 1
            and february.get("complaint_resolution_hours_median") is not None
            and march.get("NPS") is not None
            and march.get("purchases") == 1
            and (march.get("points_earned") or 0) > 0
            and any(row.get("conversions") for row in periods.values())
            and any(row.get("points_adjusted") for row in periods.values())
            and any(row.get("I5_updates_per_active_customer") for row in periods.values())
        )

    live = {"month": wait_for(lambda: indicators(rpc, "month"), settled, timeout_s=60)}
    live["quarter"] = indicators(rpc, "quarter")
    assert live["month"][JANUARY]["I1_by_source"] == {"webforms": 1}  # Berta counts once
    assert live["month"][FEBRUARY]["I1_new_prospects"] == 1  # Carlos only

    code, checked = rebuild("--check")

    assert (code, checked["differences"], checked["swapped"]) == (0, [], False)
    assert checked["compared"] == ["month", "quarter"]
    assert checked["replayed"]["prospects"] == 7  # 3 captures, 2 contacts, a merge, a conversion
    assert checked["replayed"]["customers"] == 6  # Dora, her edit, Carlos, 2 purchases, K-1
    assert checked["replayed"]["feedback"] >= 3  # the answer, the complaint and its resolution
    assert checked["replayed"]["loyalty"] >= 3  # points for 2 purchases and by hand

    code, rebuilt = rebuild()

    assert (code, rebuilt["differences"], rebuilt["swapped"]) == (0, [], True)
    assert rebuilt["facts"] > 0
    assert any(gap.startswith("prospects:") for gap in rebuilt["gaps"])
    for granularity, periods in live.items():
        assert indicators(rpc, granularity) == periods, granularity
    assert {JANUARY, FEBRUARY, MARCH} <= live["month"].keys() and Q1 in live["quarter"]
