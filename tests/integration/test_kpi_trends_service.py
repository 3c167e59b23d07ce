"""kpi's trends RPC on the real broker and database: purchases recorded by the customers
service in three quarters give the last one's change, its year-ago change and rolling mean."""

import pytest

from clientela.cli.client import wait_for

pytestmark = pytest.mark.integration

PURCHASES = [
    ("2025-11-05T10:00:00+00:00", "P-1"),
    ("2026-08-05T10:00:00+00:00", "P-2"),
    ("2026-08-06T10:00:00+00:00", "P-3"),
    ("2026-11-05T10:00:00+00:00", "P-4"),
    ("2026-11-06T10:00:00+00:00", "P-5"),
    ("2026-11-09T10:00:00+00:00", "P-6"),
]


def test_trends_compare_a_quarter_with_the_previous_one_and_a_year_before(clientela_platform):
    rpc = clientela_platform("customers", "kpi")
    rpc.customers.create(customer_ref="CU-1", created_at="2025-10-01T09:00:00+00:00")
    for purchased_at, ref in PURCHASES:
        rpc.customers.record_purchase(
            "CU-1", "100.00", currency="EUR", purchased_at=purchased_at, purchase_id=ref
        )

    def q4_purchases():
        found = rpc.kpi.trends("purchases", "quarter", "2026-10-01", "2027-01-01")
        return found["trends"]

    (q4,) = wait_for(q4_purchases, lambda trends: trends and trends[0]["value"] == 3)

    assert (q4["period"], q4["previous"], q4["change"], q4["change_pct"]) == (
        "2026-Q4",
        2.0,
        1.0,
        50.0,
    )
    assert (q4["year_ago"], q4["change_year"], q4["change_year_pct"]) == (1.0, 2.0, 200.0)
    assert (q4["rolling_mean"], q4["window"]) == (None, 3)  # 2026-Q2 had no activity
    weekly = rpc.kpi.trends("purchases", "week", "2026-11-02", "2026-11-16", 2)["trends"]
    assert [(t["period"], t["value"], t["previous"]) for t in weekly] == [
        ("2026-W45", 2.0, None),
        ("2026-W46", 1.0, 2.0),
    ]
