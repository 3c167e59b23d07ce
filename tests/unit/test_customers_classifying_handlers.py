"""Classification kept per customer, lost marks, listing by class and the census, on the fake."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from clientela.services.customers import classifying, handlers
from clientela.services.customers.dependencies import FakeCustomersStorage
from clientela.services.customers.domain import CreateCustomer, EditCustomer, RecordPurchase

NOW = datetime(2026, 6, 30, 12, tzinfo=UTC)


@pytest.fixture
def uow():
    """Four customers created a year ago; CU-1 buys 800, CU-2 150, CU-3 50 this month."""
    uow = FakeCustomersStorage()
    year_ago = NOW - timedelta(days=365)
    for ref, typology in (("CU-1", "prescriber"), ("CU-2", None), ("CU-3", None), ("CU-4", None)):
        handlers.create_customer(CreateCustomer(ref, typology=typology, created_at=year_ago), uow)
    for ref, amount in (("CU-1", "800"), ("CU-2", "150"), ("CU-3", "50")):
        bought = RecordPurchase(ref, Decimal(amount), purchased_at=NOW - timedelta(days=3))
        handlers.record_purchase(bought, uow)
    uow.events.envelopes.clear()
    return uow


def classification(uow, ref):
    return handlers.get_customer(ref, uow)["classification"]


def test_every_customer_keeps_its_classes_after_a_run(uow):
    assert classifying.reclassify(NOW, uow) == 4

    assert classification(uow, "CU-1") == {
        "lifecycle": "new",  # first purchase in the last 90 days
        "abc": "A",
        "strategic": True,
        "special": False,
        "rfm": {"recency": 3, "frequency": 3, "monetary": 5},
        "labels": ["A", "new"],
    }
    assert [classification(uow, ref)["abc"] for ref in ("CU-2", "CU-3")] == ["B", "C"]
    assert classification(uow, "CU-4")["lifecycle"] == "inactive"
    assert classification(uow, "CU-4")["rfm"] is None


def test_a_run_with_nothing_changed_writes_nothing(uow):
    classifying.reclassify(NOW, uow)

    assert classifying.reclassify(NOW, uow) == 0


def test_classification_is_refreshed_when_data_changed_and_once_a_day(uow):
    assert classifying.refresh_classification(NOW, uow) == 4  # stale: customers were created
    assert classifying.refresh_classification(NOW + timedelta(hours=1), uow) is None

    edit = EditCustomer("CU-4", {"special": True}, "maria", NOW + timedelta(hours=2))
    handlers.edit_customer(edit, uow)
    assert classifying.refresh_classification(NOW + timedelta(hours=2), uow) == 1
    assert "special" in classification(uow, "CU-4")["labels"]

    assert classifying.refresh_classification(NOW + timedelta(days=1), uow) == 0


def test_a_lost_mark_is_announced_once_and_classifies_the_customer_lost(uow):
    lost_at = NOW - timedelta(days=1)
    classifying.mark_lost("CU-2", "moved to a competitor", lost_at, uow)
    classifying.mark_lost("CU-2", "moved to a competitor", lost_at, uow)
    classifying.refresh_classification(NOW, uow)

    assert classification(uow, "CU-2")["lifecycle"] == "lost"
    assert handlers.get_customer("CU-2", uow)["lost"] == {
        "lost_at": lost_at,
        "reason": "moved to a competitor",
    }
    [lost] = uow.events.envelopes
    assert (lost["type"], lost["payload"]["reason"]) == ("customer_lost", "moved to a competitor")


def test_customers_are_listed_by_class_and_typology_a_page_at_a_time(uow):
    classifying.reclassify(NOW, uow)

    def refs(page):
        return [customer["_id"] for customer in page["items"]]

    assert refs(classifying.list_customers("new", None, 1, 2, uow)) == ["CU-1", "CU-2"]
    assert refs(classifying.list_customers("new", None, 2, 2, uow)) == ["CU-3"]
    assert refs(classifying.list_customers("A", "prescriber", 1, 10, uow)) == ["CU-1"]
    assert refs(classifying.list_customers(None, "intermediate", 1, 10, uow)) == []


def test_the_census_counts_customers_new_at_first_purchase_and_lost_at_the_mark(uow):
    classifying.mark_lost("CU-4", "closed down", NOW - timedelta(days=40), uow)

    rows = classifying.customer_census("month", uow)

    assert [(r.period, r.new_customers, r.lost_customers) for r in rows] == [
        ("2025-06", 1, 0),
        ("2026-05", 0, 1),
        ("2026-06", 3, 0),
    ]
