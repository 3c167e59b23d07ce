"""The 360-degree view on real services, with loyalty stopped: its sections say so, the rest
of the view comes back."""

import pytest

from clientela.cli.client import wait_for
from clientela.cli.file_import import import_file
from clientela.plugin_manager import load_plugins

pytestmark = pytest.mark.integration

VISITORS = "nombre,apellidos,correo,empresa\nAna,Ruiz,ana@example.com,Textiles Ruiz\n"


def test_the_view_of_a_converted_prospect_with_loyalty_not_running(clientela_platform, tmp_path):
    rpc = clientela_platform("prospects", "customers", "feedback")  # no loyalty
    path = tmp_path / "visitors.csv"
    path.write_text(VISITORS, encoding="utf-8")
    source = load_plugins({}).lead_sources()["fairs"]
    import_file(
        source,
        path,
        {"fair": "Expo"},
        lambda rows, origin: rpc.prospects.capture_leads("fairs", rows, origin),
    )
    [prospect] = rpc.prospects.find(email="ana@example.com")["prospects"]
    rpc.prospects.log_interaction(prospect["id"], kind="call", mode="phone", outcome="interested")
    rpc.prospects.convert(prospect["id"], "contract", "K-1")
    customer = wait_for(lambda: rpc.prospects.get(prospect["id"]), lambda p: p.get("customer_id"))[
        "customer_id"
    ]
    rpc.customers.record_purchase(customer, "250.00", purchase_id="F-1")
    rpc.feedback.open_complaint(
        complaint_ref="Q-1",
        customer_id=customer,
        category="delivery",
        severity="high",
        description="The order arrived late",
    )

    view = rpc.customers.view(customer)

    assert view["profile"]["company"] == "Textiles Ruiz"
    assert [p["id"] for p in view["purchases"]["items"]] == ["F-1"]
    assert view["ageing"]["total"] == "0"
    assert view["prospect"]["status"] == "ok"
    assert view["prospect"]["data"]["interactions"][0]["outcome"] == "interested"
    assert [c["complaint_ref"] for c in view["complaints"]["data"]] == ["Q-1"]
    assert view["loyalty"]["status"] == "unavailable"
    assert view["alarms"]["status"] == "unavailable"
    assert view["loyalty"]["reason"]
