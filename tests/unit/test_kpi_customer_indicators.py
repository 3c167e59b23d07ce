"""kpi's customer and loyalty indicators on the in-memory unit of work, by worked examples."""

from datetime import UTC, datetime, timedelta

import pytest

from clientela.events import new_event, parse_event
from clientela.periods import Period, parse_period, period_key
from clientela.services.kpi import handlers
from clientela.services.kpi.customer_indicators import (
    Alarm,
    CustomerCounts,
    CustomerRecord,
    contract_counts,
    count_by_period,
    customer_figures,
)
from clientela.services.kpi.dependencies import FakeKpiStorage
from clientela.services.kpi.domain import ReportIndicators

DEC = datetime(2025, 12, 15, 9, tzinfo=UTC)
JAN = datetime(2026, 1, 10, 9, tzinfo=UTC)
FEB = datetime(2026, 2, 10, 9, tzinfo=UTC)
MAR = datetime(2026, 3, 10, 9, tzinfo=UTC)


def event(event_type, occurred_at=None, **payload):
    return parse_event(new_event(event_type, payload, occurred_at))


def handle(uow, *events):
    for received in events:
        getattr(handlers, f"handle_{received.type}")(received, uow)


def report(uow, granularity="month", start=None, end=None):
    periods = handlers.report_indicators(ReportIndicators(granularity, start, end), uow)
    return {period["period"]: period for period in periods}


def created(customer_id, at):
    return event(
        "customer_created", customer_id=customer_id, name=customer_id, captive=True, created_at=at
    )


def updated(customer_id, at):
    return event(
        "customer_updated",
        customer_id=customer_id,
        changed_by="ana",
        changed_at=at,
        changed_fields=["phone"],
    )


def lost(customer_id, at, occurred_at=None):
    return event(
        "customer_lost", occurred_at, customer_id=customer_id, lost_at=at, reason="moved away"
    )


def contract(contract_id, due_at, status, delivered_at=None, occurred_at=None):
    return event(
        "contract_recorded",
        occurred_at,
        contract_id=contract_id,
        customer_id="c1",
        value="1000.00",
        currency="EUR",
        signed_at=JAN,
        due_at=due_at,
        delivered_at=delivered_at,
        status=status,
    )


def purchase(purchase_id, amount, currency, at):
    return event(
        "purchase_recorded",
        purchase_id=purchase_id,
        customer_id="c1",
        amount=amount,
        currency=currency,
        purchased_at=at,
    )


def points(kind, entry_id, amount, at):
    details = {
        "points_earned": {"reason": "purchase", "earned_at": at},
        "points_redeemed": {"reward": "mug", "reason": "catalogue", "redeemed_at": at},
        "points_expired": {"lot": "l1", "expired_at": at},
        "points_adjusted": {"reason": "goodwill", "operator": "maria", "adjusted_at": at},
    }[kind]
    return event(kind, entry_id=entry_id, customer_id="c1", points=amount, **details)


def alarm_raised(alarm_id, customer_id, at):
    return event(
        "churn_alarm_raised",
        alarm_id=alarm_id,
        customer_id=customer_id,
        score=80,
        reasons=[{"signal": "inactivity", "points": 80, "detail": "no purchase in 90 days"}],
        raised_at=at,
    )


def alarm_closed(alarm_id, customer_id, raised_at, closed_at):
    return event(
        "churn_alarm_closed",
        alarm_id=alarm_id,
        customer_id=customer_id,
        outcome="retained",
        raised_at=raised_at,
        closed_at=closed_at,
    )


@pytest.fixture
def uow():
    return FakeKpiStorage()


def test_cct_counts_contracts_due_in_the_period_on_time_by_their_latest_state(uow):
    due = MAR
    early, late = due - timedelta(days=2), due + timedelta(days=3)
    delivered = contract("k1", due, "delivered", early, occurred_at=early)
    handle(
        uow,
        delivered,  # the latest state of k1 arrives before its first one
        contract("k1", due, "open", occurred_at=JAN),
        delivered,  # redelivered: counts once
        contract("k2", due, "delivered", late),  # late
        contract("k3", due, "breached", early),  # delivered on time but found breached
        contract("k4", due, "cancelled"),  # not due any more
        contract("k5", due, "open"),  # due, not delivered
        contract("k6", FEB, "delivered", FEB),  # due in another period
    )

    march = report(uow)["2026-03"]

    assert (march["contracts_due"], march["contracts_on_time"], march["CCT"]) == (4, 1, 25.0)
    assert report(uow)["2026-02"]["CCT"] == 100.0


def test_a_contract_counts_in_the_period_of_its_latest_due_date(uow):
    handle(
        uow,
        contract("k1", MAR, "open", occurred_at=FEB),
        contract("k1", FEB, "open", occurred_at=JAN),
    )

    assert {key: value["contracts_due"] for key, value in report(uow).items()} == {"2026-03": 1}


def test_i5_counts_updates_of_active_customers_and_those_updated_in_90_days(uow):
    update_a = updated("a", MAR)
    handle(
        uow,
        created("a", JAN),
        created("b", FEB),
        created("c", JAN),
        lost("c", FEB),  # no longer a customer in March: its updates do not count
        update_a,
        update_a,  # redelivered: counts once
        updated("a", MAR + timedelta(days=1)),
        updated("b", DEC),  # more than 90 days before the end of March
        updated("c", MAR),
    )

    march = report(uow)["2026-03"]

    assert march["I5_updates_per_active_customer"] == 1.0  # 2 updates, customers a and b
    assert march["I5_updated_90d_pct"] == 50.0  # a only


def test_new_and_lost_customers_churn_and_retention(uow):
    handle(
        uow,
        *(created(customer_id, JAN) for customer_id in ("a", "b", "c", "d")),
        created("e", MAR),
        lost("a", MAR),
        lost("b", MAR + timedelta(days=1)),
    )

    found = report(uow)

    assert (found["2026-01"]["new_customers"], found["2026-01"]["lost_customers"]) == (4, 0)
    march = found["2026-03"]
    assert (march["new_customers"], march["lost_customers"]) == (1, 2)
    assert march["churn_rate"] == 50.0  # 2 of the 4 active on March 1st
    assert march["retention_rate"] == 50.0  # (3 active at the end - 1 new) / 4


def test_the_latest_loss_mark_of_a_customer_holds(uow):
    handle(
        uow,
        created("a", JAN),
        lost("a", MAR, occurred_at=MAR),
        lost("a", FEB, occurred_at=FEB),  # an older mark, delivered late
    )

    found = report(uow)

    assert found["2026-03"]["lost_customers"] == 1
    assert "2026-02" not in found


def test_purchases_count_once_with_their_value_per_currency(uow):
    first = purchase("u1", "10.50", "EUR", MAR)
    handle(
        uow,
        first,
        first,
        purchase("u2", "4.25", "EUR", MAR),
        purchase("u3", "99.99", "USD", MAR),
    )

    march = report(uow)["2026-03"]

    assert march["purchases"] == 3
    assert march["purchase_value"] == {"EUR": "14.75", "USD": "99.99"}


def test_points_are_summed_per_period_and_kind(uow):
    earned = points("points_earned", "e1", 100, JAN)
    handle(
        uow,
        earned,
        earned,
        points("points_earned", "e2", 50, JAN),
        points("points_earned", "e3", 30, MAR),
        points("points_redeemed", "r1", 40, MAR),
        points("points_expired", "x1", 20, MAR),
        points("points_adjusted", "a1", 25, MAR),
        points("points_adjusted", "a2", -10, MAR),
        points("points_adjusted", "a2", -10, MAR),  # delivered again
    )

    found = report(uow)

    assert [found["2026-01"][kind] for kind in ("points_earned", "points_redeemed")] == [150, 0]
    march = found["2026-03"]
    assert [
        march["points_earned"],
        march["points_redeemed"],
        march["points_expired"],
        march["points_adjusted"],
    ] == [30, 40, 20, 15]


def test_customers_at_risk_have_an_alarm_open_at_the_end_of_the_period(uow):
    closed_at = MAR + timedelta(days=5)
    handle(
        uow,
        alarm_closed("al1", "a", MAR, closed_at),  # the close arrives before the raise
        alarm_raised("al1", "a", MAR),
        alarm_raised("al3", "b", MAR + timedelta(days=1)),  # arriving before al2's close
        alarm_raised("al2", "b", MAR),
        alarm_closed("al2", "b", MAR, MAR + timedelta(hours=12)),  # one live alarm at a time
        alarm_raised("al4", "c", FEB),
        alarm_closed("al4", "c", FEB, MAR),  # open at the end of February only
    )

    found = report(uow)

    assert (found["2026-03"]["alarms_raised"], found["2026-03"]["customers_at_risk"]) == (3, 1)
    assert (found["2026-02"]["alarms_raised"], found["2026-02"]["customers_at_risk"]) == (1, 1)


def test_every_period_reports_every_public_name(uow):
    handle(uow, created("a", JAN), purchase("u1", "5", "EUR", MAR))

    names = {
        "CCT",
        "contracts_due",
        "contracts_on_time",
        "I5_updates_per_active_customer",
        "I5_updated_90d_pct",
        "new_customers",
        "lost_customers",
        "purchases",
        "purchase_value",
        "points_earned",
        "points_redeemed",
        "points_expired",
        "points_adjusted",
        "alarms_raised",
        "customers_at_risk",
        "churn_rate",
        "retention_rate",
    }
    for period in report(uow).values():
        assert names <= set(period)
        assert "I1_new_prospects" in period


def test_a_partial_range_counts_only_its_part_of_a_period(uow):
    handle(uow, created("a", MAR), created("b", MAR + timedelta(days=10)))

    found = report(uow, start=MAR + timedelta(days=1))

    assert found["2026-03"]["new_customers"] == 1


@pytest.mark.parametrize(
    ("status", "delivered", "counts"),
    [
        ("delivered", MAR, {"due": 1, "on_time": 1}),
        ("delivered", MAR + timedelta(seconds=1), {"due": 1, "on_time": 0}),
        ("breached", MAR - timedelta(days=1), {"due": 1, "on_time": 0}),
        ("open", None, {"due": 1, "on_time": 0}),
        ("cancelled", MAR, {"due": 0, "on_time": 0}),
    ],
)
def test_contract_counts(status, delivered, counts):
    assert contract_counts(status, MAR, delivered) == counts


def counts_before(moment, created, losses=None, alarms=()):
    before = Period(datetime.min.replace(tzinfo=UTC), moment)
    counted = count_by_period(before, lambda _moment: "", created, losses or {}, alarms)
    return counted.get("", CustomerCounts())


def test_active_customers_exclude_those_lost_before():
    created, losses = {"a": JAN, "b": FEB}, {"a": FEB}

    assert counts_before(FEB, created, losses).active == 1  # a, lost at that very moment
    assert counts_before(FEB + timedelta(seconds=1), created, losses).active == 1  # b
    assert counts_before(MAR, created, losses) == CustomerCounts(created=2, lost=1, loss_marks=1)
    march = parse_period("2026-03")
    assert [CustomerRecord(created[c], losses.get(c), True).active_in(march) for c in "ab"] == [
        False,
        True,
    ]


def test_a_customer_marked_lost_before_its_creation_counts_as_lost_when_created():
    created, losses = {"a": MAR}, {"a": JAN}

    assert counts_before(FEB, created, losses) == CustomerCounts(loss_marks=1)
    assert counts_before(MAR + timedelta(days=1), created, losses).active == 0
    assert CustomerRecord(MAR, JAN, False).active_in(parse_period("2026-03"))


def test_a_loss_mark_of_a_customer_not_created_counts_only_as_a_mark():
    assert counts_before(MAR, {}, {"a": JAN}) == CustomerCounts(loss_marks=1)


def test_counts_are_grouped_by_the_period_of_each_moment_in_the_span():
    alarms = [Alarm("a", JAN, MAR), Alarm("b", FEB, JAN), Alarm("c", FEB)]
    first_quarter = parse_period("2026-Q1")

    counted = count_by_period(
        Period(FEB, first_quarter.end),
        lambda moment: period_key(moment, "month"),
        {"a": JAN, "b": FEB},
        {"a": MAR},
        alarms,
    )

    assert counted == {
        "2026-02": CustomerCounts(created=1, alarms_raised=2, alarms_ended=1),  # b's never open
        "2026-03": CustomerCounts(lost=1, loss_marks=1, alarms_ended=1),
    }
    before_april = counts_before(first_quarter.end, {"a": JAN, "b": FEB}, {"a": MAR}, alarms)
    assert (before_april.active, before_april.at_risk) == (1, 1)


def test_period_figures_come_from_the_counts_before_its_start_and_its_end():
    march = parse_period("2026-03")
    start = CustomerCounts(created=4, lost=1, loss_marks=1, alarms_raised=2, alarms_ended=1)
    end = start + CustomerCounts(created=2, lost=1, loss_marks=1, alarms_raised=1)
    records = {"a": CustomerRecord(JAN, None, True), "b": CustomerRecord(JAN, FEB, True)}
    updates = [("a", MAR), ("a", MAR + timedelta(days=1)), ("b", MAR), ("z", MAR)]

    assert customer_figures(march, start, end, updates, records) == {
        "new_customers": 2,
        "lost_customers": 1,
        "I5_updates_per_active_customer": 0.4,  # 2 updates of a over 5 customers in March
        "I5_updated_90d_pct": 20.0,  # b was lost before March, z is not known
        "alarms_raised": 1,
        "customers_at_risk": 2,
        "churn_rate": 33.33,  # 1 of the 3 customers at its start
        "retention_rate": 66.67,  # 4 at its end, 2 of them new
    }


def test_an_alarm_is_open_from_its_raise_until_it_closes():
    alarm = Alarm("a", FEB, MAR)

    assert [alarm.open_at(moment) for moment in (FEB, MAR - timedelta(days=1), MAR)] == [
        False,
        True,
        True,
    ]
    assert not alarm.open_at(MAR + timedelta(seconds=1))
