"""``clientela kpi report`` against the real customers, loyalty and kpi services: purchases in
two quarters and a SMART action closed with its effect make the quarter's PDF."""

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from clientela.cli import kpi_report
from clientela.cli.app import clientela
from clientela.cli.client import wait_for
from clientela.clock import utcnow

pytestmark = pytest.mark.integration

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "report"


def test_the_quarterly_report_from_the_running_services(
    clientela_platform, clientela_settings, monkeypatch
):
    monkeypatch.setattr(kpi_report, "settings", lambda ctx: clientela_settings)
    rpc = clientela_platform("customers", "loyalty", "kpi")
    rpc.customers.create(customer_ref="CU-1", created_at="2026-07-01T09:00:00+00:00")
    for purchase_id, purchased_at in (
        ("P-1", "2026-08-05T10:00:00+00:00"),
        ("P-2", "2026-11-05T10:00:00+00:00"),
        ("P-3", "2026-11-19T10:00:00+00:00"),
    ):
        rpc.customers.record_purchase(
            "CU-1", "400.00", currency="MXN", purchased_at=purchased_at, purchase_id=purchase_id
        )
    rpc.loyalty.add_action(
        action_id="ACT-REPEAT",
        opportunity="Customers buy once a quarter",
        description="Reorder reminder two weeks after each purchase",
        specific="E-mail every customer 14 days after a purchase",
        measurable="Purchases per quarter",
        achievable="Automated from the purchase record",
        relevant="Repeat purchases keep customers",
        priority="medium",
        owner="luis",
        indicator="purchases",
        target="2",
        before="1",
        due_at=(utcnow() + timedelta(days=60)).isoformat(),
    )
    rpc.loyalty.close_action("ACT-REPEAT", "2")
    rpc.kpi.set_target("lucia", indicator="purchases", value=2, granularity="quarter")
    rpc.kpi.set_target("lucia", indicator="purchases", value=50, granularity="month")
    rpc.kpi.set_reference(indicator="purchases", value=3, label="Plan 2026", by="lucia")
    wait_for(
        lambda: rpc.kpi.indicators("quarter", "2026-10-01", "2027-01-01")["periods"],
        lambda periods: periods and periods[0]["purchases"] == 2,
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "review-2026-Q4-services.pdf"

    result = CliRunner().invoke(
        clientela,
        ["kpi", "report", "--quarter", "2026Q4", "--pdf", "--output", str(pdf)],
        catch_exceptions=False,
    )

    assert result.exit_code == 0, result.output
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 6  # the summary, four sections, the alerts and actions
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Purchases purchases Purchases made in the period. 2 count +1 (+100 %)" in text
    assert "Purchase value" in text and "MXN 800" in text
    assert "Reorder reminder two weeks after each purchase purchases luis closed" in text
    assert "2 1 2 +1 yes" in text  # target 2, before 1, after 2, effect +1, met
    # the quarterly target (not the monthly one) and the reference, from kpi
    assert "≥ 2 yes Plan 2026: 3" in text
