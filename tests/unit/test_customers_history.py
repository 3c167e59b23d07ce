"""Customer record changes with history, and the I5 figures they give."""

from datetime import UTC, datetime, timedelta

import pytest

from clientela.errors import InvalidInput
from clientela.periods import Period
from clientela.services.customers.domain.history import (
    FieldChange,
    RecordChange,
    record_change,
    record_update_figures,
)

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
RECORD = {"company": "Acme", "phone": "+525512345678", "needs": "", "contacts": ["Ana"]}


def test_a_change_keeps_who_when_and_each_field_before_and_after():
    change = record_change(
        "acme",
        RECORD,
        {"phone": "+525587654321", "company": "Acme", "needs": "fleet tracking"},
        changed_by="operator:luis",
        changed_at=NOW,
    )

    assert change == RecordChange(
        customer_ref="acme",
        changed_by="operator:luis",
        changed_at=NOW,
        changes=(
            FieldChange("needs", "", "fleet tracking"),
            FieldChange("phone", "+525512345678", "+525587654321"),
        ),
    )
    assert change.fields == ("needs", "phone")


def test_a_write_that_changes_nothing_is_no_update():
    same = {"company": "Acme", "contacts": ["Ana"], "needs": None, "addresses": []}

    assert record_change("acme", RECORD, same, "operator:luis", NOW) is None


def test_clearing_a_field_is_a_change():
    change = record_change("acme", RECORD, {"contacts": []}, "operator:luis", NOW)

    assert change is not None and change.changes == (FieldChange("contacts", ["Ana"], []),)


def test_an_unknown_field_is_refused_naming_it():
    with pytest.raises(InvalidInput) as raised:
        record_change("acme", RECORD, {"company": "Bolt", "shoe_size": 42}, "operator:luis", NOW)

    assert set(raised.value.errors) == {"shoe_size"}


def test_a_change_must_say_who_made_it():
    with pytest.raises(InvalidInput) as raised:
        record_change("acme", RECORD, {"company": "Bolt"}, " ", NOW)

    assert "changed_by" in raised.value.errors


def change_on(customer_ref: str, at: datetime) -> RecordChange:
    return RecordChange(customer_ref, "operator:luis", at, (FieldChange("needs", "", "x"),))


def test_i5_figures_worked_example():
    november = Period(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
    changes = [
        change_on("acme", datetime(2026, 11, 3, tzinfo=UTC)),
        change_on("acme", datetime(2026, 11, 28, tzinfo=UTC)),
        change_on("bolt", datetime(2026, 11, 30, 23, tzinfo=UTC)),
        change_on("cora", datetime(2026, 9, 2, tzinfo=UTC)),  # within 90 days of 1 December
        change_on("dusk", datetime(2026, 9, 1, tzinfo=UTC)),  # exactly 91 days before
        change_on("gone", datetime(2026, 11, 15, tzinfo=UTC)),  # not an active customer
        change_on("acme", datetime(2026, 12, 1, tzinfo=UTC)),  # December
    ]
    active = {"acme", "bolt", "cora", "dusk"}

    figures = record_update_figures(changes, active, november)

    assert (figures.updates, figures.active_customers, figures.updated_recently) == (3, 4, 3)
    assert figures.figures() == {
        "I5_updates_per_active_customer": 0.75,
        "I5_updated_90d_pct": 75.0,
    }


def test_i5_is_none_without_active_customers():
    period = Period(NOW - timedelta(days=30), NOW)

    assert record_update_figures([], set(), period).figures() == {
        "I5_updates_per_active_customer": None,
        "I5_updated_90d_pct": None,
    }
