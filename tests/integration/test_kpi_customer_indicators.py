"""kpi on the real broker and database: a purchase and contracts recorded by the customers
service reach the customer and loyalty figures of their period."""

import pytest

from clientela.cli.client import wait_for
from clientela.errors import NotFound

pytestmark = pytest.mark.integration

MARCH = "2026-03"


def test_a_purchase_and_contracts_reach_the_kpi_figures(clientela_platform):
    rpc = clientela_platform("customers", "loyalty", "kpi")
    rpc.customers.create(customer_ref="CU-1", created_at="2026-03-01T09:00:00+00:00")
    rpc.customers.record_purchase(
        "CU-1", "250.00", currency="EUR", purchased_at="2026-03-05T10:00:00+00:00"
    )
    contract = {"customer_id": "CU-1", "value": "1000.00", "signed_at": "2026-03-02T09:00:00Z"}
    late = {**contract, "contract_ref": "K-1", "due_at": "2026-03-20T09:00:00Z"}
    rpc.customers.record_contract(**late)
    rpc.customers.record_contract(**late, status="delivered", delivered_at="2026-03-25T09:00:00Z")
    on_time = {**contract, "contract_ref": "K-2", "due_at": "2026-03-28T09:00:00Z"}
    rpc.customers.record_contract(
        **on_time, status="delivered", delivered_at="2026-03-27T09:00:00Z"
    )
    balance = wait_for(
        lambda: rpc.loyalty.balance("CU-1"), lambda found: found["points"], not_yet=(NotFound,)
    )

    def march():
        periods = {row["period"]: row for row in rpc.kpi.indicators("month")["periods"]}
        return periods.get(MARCH, {})

    figures = wait_for(
        march,
        lambda row: (
            row
            and row["contracts_on_time"] == 1
            and row["contracts_due"] == 2
            and row["purchases"] == 1
            and row["points_earned"]
        ),
    )

    assert figures["CCT"] == 50.0  # K-1 delivered after its due date
    assert figures["new_customers"] == 1
    assert figures["purchase_value"] == {"EUR": "250.00"}
    assert figures["points_earned"] == balance["points"]
