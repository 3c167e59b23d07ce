"""Contract fulfilment and CCT: on time, late, breached, open, with worked examples."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from clientela.errors import InvalidInput
from clientela.periods import Period
from clientela.services.customers.domain.contracts import (
    Contract,
    Fulfilment,
    contract_compliance,
    fulfilment,
)

DUE = datetime(2026, 3, 10, 12, tzinfo=UTC)
SECOND = timedelta(seconds=1)
GRACE = timedelta(days=30)


def on_day(day: int) -> datetime:
    """Noon on ``day`` March 2026, UTC."""
    return datetime(2026, 3, day, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("contract", "as_of", "expected"),
    [
        (Contract("c", DUE, delivered_at=DUE), DUE + GRACE * 2, Fulfilment.ON_TIME),
        (Contract("c", DUE, delivered_at=DUE + SECOND), DUE + GRACE * 2, Fulfilment.LATE),
        (Contract("c", DUE, delivered_at=DUE + GRACE), DUE + GRACE * 2, Fulfilment.LATE),
        (
            Contract("c", DUE, delivered_at=DUE + GRACE + SECOND),
            DUE + GRACE * 2,
            Fulfilment.BREACHED,
        ),
        (Contract("c", DUE), DUE - SECOND, Fulfilment.OPEN),
        (Contract("c", DUE), DUE + GRACE, Fulfilment.OPEN),
        (Contract("c", DUE), DUE + GRACE + SECOND, Fulfilment.BREACHED),
        (Contract("c", DUE, delivered_at=DUE, marked_breached=True), DUE, Fulfilment.BREACHED),
        (Contract("c", DUE, cancelled=True), DUE + GRACE * 2, Fulfilment.CANCELLED),
    ],
    ids=[
        "delivered-at-due-time",
        "delivered-a-second-late",
        "delivered-on-the-last-day-of-grace",
        "delivered-after-grace",
        "not-yet-due",
        "undelivered-at-the-end-of-grace",
        "undelivered-after-grace",
        "marked-breached",
        "cancelled",
    ],
)
def test_fulfilment(contract, as_of, expected):
    assert fulfilment(contract, as_of) is expected


def test_a_delivery_after_the_as_of_moment_has_not_happened_yet():
    contract = Contract("c", DUE, delivered_at=DUE - SECOND)

    assert fulfilment(contract, as_of=DUE - 2 * SECOND) is Fulfilment.OPEN
    assert fulfilment(contract, as_of=DUE) is Fulfilment.ON_TIME


def test_the_breach_grace_is_a_parameter():
    contract = Contract("c", DUE)
    as_of = DUE + timedelta(days=8)

    assert fulfilment(contract, as_of, breach_grace_days=7) is Fulfilment.BREACHED
    assert fulfilment(contract, as_of) is Fulfilment.OPEN


def test_cct_over_march_with_late_breached_and_cancelled_contracts():
    march = Period(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
    contracts = [
        Contract("early", on_day(5), delivered_at=on_day(4)),
        Contract("on-the-day", on_day(31), delivered_at=on_day(31)),
        Contract("late", on_day(10), delivered_at=on_day(12)),
        Contract("never-delivered", on_day(15)),
        Contract("marked", on_day(20), delivered_at=on_day(19), marked_breached=True),
        Contract("cancelled", on_day(25), cancelled=True),
        Contract("due-in-april", datetime(2026, 4, 1, tzinfo=UTC), delivered_at=on_day(1)),
        Contract("due-in-february", datetime(2026, 2, 28, tzinfo=UTC), delivered_at=on_day(1)),
    ]

    compliance = contract_compliance(contracts, march)

    assert compliance.figures() == {"CCT": 40.0, "contracts_due": 5, "contracts_on_time": 2}


def test_cct_is_none_when_no_contract_falls_due():
    period = Period(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))

    assert contract_compliance([Contract("c", DUE)], period).cct is None


def test_due_dates_in_another_time_zone_are_compared_as_instants():
    mexico = timezone(timedelta(hours=-6))
    # 31 March 20:00 in Mexico City is 1 April 02:00 UTC: due in April, not March.
    contract = Contract("c", datetime(2026, 3, 31, 20, tzinfo=mexico))
    march = Period(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))

    assert contract_compliance([contract], march).contracts_due == 0


def test_a_naive_due_date_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as raised:
        Contract("c", datetime(2026, 3, 10))

    assert "due_at" in raised.value.errors


def test_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(InvalidInput) as raised:
        Period(DUE, DUE)

    assert "end" in raised.value.errors
