"""Classification, credit and collections on the real customers service."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from clientela.cli.client import wait_for
from clientela.periods import period_key

pytestmark = pytest.mark.integration


@pytest.fixture
def customers(clientela_platform, clientela_settings):
    quick = clientela_settings.replace(classification_interval_s=0.2)
    return clientela_platform("customers", settings=quick).customers


def days_ago(days: int) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(days=days)


def test_customers_are_reclassified_soon_after_their_purchases(customers):
    for ref in ("CU-1", "CU-2"):
        customers.create(customer_ref=ref, created_at=days_ago(200).isoformat())
    bought_at = days_ago(100)
    customers.record_purchase("CU-1", "900.00", purchased_at=bought_at.isoformat())
    customers.record_purchase("CU-2", "100.00", purchased_at=bought_at.isoformat())

    listed = wait_for(
        lambda: customers.list_customers(label="A"), lambda page: len(page["items"]) == 1
    )
    [strategic] = listed["items"]
    assert strategic["id"] == "CU-1" and strategic["classification"]["strategic"] is True

    lost_at = days_ago(1)
    customers.mark_lost("CU-2", "closed down", lost_at=lost_at.isoformat())
    wait_for(
        lambda: customers.list_customers(label="lost")["items"],
        lambda items: [c["id"] for c in items] == ["CU-2"],
    )
    census = {row["period"]: row for row in customers.census("month")}
    assert census[period_key(bought_at, "month")]["new_customers"] == 2
    assert census[period_key(lost_at, "month")]["lost_customers"] == 1


def test_credit_ageing_and_dunning_over_rpc(customers, clientela_settings):
    customers.create(customer_ref="CU-1", email="ana@example.com", first_name="Ana")
    credit = customers.assess_credit(
        "CU-1", "li", capacity="1000.00", integrity=5, capital="10000.00", conditions=5
    )
    assert credit["limit"] == "1000.00"
    invoice = customers.record_invoice(
        invoice_ref="I-1",
        customer_id="CU-1",
        amount="1200.00",
        issued_at="2026-03-01T09:00:00Z",
        due_at="2026-03-31T09:00:00Z",
    )
    assert invoice["over_limit"]["excess"] == "200.00"

    report = customers.ageing(as_of="2026-05-15")
    assert report["buckets"]["31-60"] == {"count": 1, "amount": "1200.00"}
    assert report["customers"]["CU-1"]["overdue"] == "1200.00"

    run = customers.dunning(as_of="2026-05-15", send=True)
    assert run["email_configured"] is False
    [letter] = run["letters"]
    assert (letter["template"], letter["step"]) == ("notice-1", 2)
    assert letter["note"] == "not sent: smtp_uri/mail_from not set"
    assert Path(letter["path"]).is_relative_to(clientela_settings.data_dir)
    assert "Dear Ana" in Path(letter["path"]).read_text(encoding="utf-8")
    assert customers.dunning(as_of="2026-05-15")["letters"] == []


def test_the_classification_windows_are_settings(clientela_platform, clientela_settings):
    """An operator who calls a customer inactive after 60 days without a purchase (the
    default is 180) sees a customer idle for 100 days as inactive."""
    strict = clientela_settings.replace(classification_interval_s=0.2, inactive_customer_days=60)
    customers = clientela_platform("customers", settings=strict).customers
    customers.create(customer_ref="CU-1", created_at=days_ago(200).isoformat())
    customers.record_purchase("CU-1", "50.00", purchased_at=days_ago(100).isoformat())

    listed = wait_for(
        lambda: customers.list_customers(label="inactive"), lambda page: page["items"]
    )
    assert [customer["id"] for customer in listed["items"]] == ["CU-1"]
