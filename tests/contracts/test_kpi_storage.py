"""The kpi fake unit of work answers as the MongoDB one does."""

from datetime import UTC, datetime, timedelta

import pytest

from clientela.events import new_event, parse_event
from clientela.periods import period_keys
from clientela.services.kpi import handlers
from clientela.services.kpi.customer_indicators import CustomerCounts, CustomerRecord
from clientela.services.kpi.dependencies import FakeKpiStorage, KpiStorage
from clientela.services.kpi.domain import Change, ReportIndicators, merge_change
from clientela.services.kpi.fact_batch import FactWrites
from clientela.storage import RecordedEvents

JAN = datetime(2026, 1, 10, 9, tzinfo=UTC)
MAR = datetime(2026, 3, 10, 9, tzinfo=UTC)


@pytest.fixture(params=["fake", pytest.param("mongodb", marks=pytest.mark.integration)])
def uow(request):
    if request.param == "fake":
        return FakeKpiStorage()
    database = request.getfixturevalue("service_database")("kpi")
    return KpiStorage(database, RecordedEvents())


def latest(stamp, **values):
    return Change("stamp", stamp, {"stamp": stamp, **values})


def earliest(at):
    return Change("at", at, {"at": at, "periods": period_keys(at)}, earliest=True)


def identified(at, **origin):
    return Change("identity_stamp", "s", {"at": at, "periods": period_keys(at), **origin})


def test_a_fact_recorded_again_keeps_what_it_was_first_recorded_with(uow):
    uow.record_once("nps:a1", "nps", "c1", MAR, category="promoter")
    uow.record_once("nps:a1", "nps", "c1", JAN, category="detractor")

    fact = uow.fact("nps:a1")
    assert (fact["kind"], fact["subject"], fact["category"]) == ("nps", "c1", "promoter")
    assert (fact["at"], fact["periods"]["month"]) == (MAR, "2026-03")
    assert uow.fact("nps:a2") is None


def test_a_change_is_kept_only_over_an_older_stamp(uow):
    uow.change_fact("captured:p1", "captured", "p1", latest("2", completeness=20.0))
    uow.change_fact("captured:p1", "captured", "p1", latest("1", completeness=10.0))
    uow.change_fact("captured:p1", "captured", "p1", latest("2", completeness=99.0))
    after_older = uow.fact("captured:p1")
    uow.change_fact("captured:p1", "captured", "p1", latest("3", completeness=30.0))

    assert (after_older["kind"], after_older["subject"]) == ("captured", "p1")
    assert after_older["completeness"] == 20.0
    assert uow.fact("captured:p1")["completeness"] == 30.0


def test_an_earliest_change_is_kept_only_over_a_later_time(uow):
    uow.change_fact("conversion:p1", "conversion", "p1", earliest(MAR))
    uow.change_fact("conversion:p1", "conversion", "p1", earliest(MAR + timedelta(days=1)))
    uow.change_fact("conversion:p1", "conversion", "p1", earliest(JAN))

    assert uow.fact("conversion:p1")["at"] == JAN


def test_changes_on_different_fields_are_decided_each_on_its_own(uow):
    uow.change_fact("captured:p1", "captured", "p1", latest("5", completeness=50.0))
    uow.change_fact(
        "captured:p1",
        "captured",
        "p1",
        latest("4", completeness=40.0),
        Change("converted", True, {"converted": True}),
        earliest(JAN),
    )

    fact = uow.fact("captured:p1")
    assert (fact["completeness"], fact["converted"], fact["at"]) == (50.0, True, JAN)


def test_a_fact_created_without_changes_is_empty(uow):
    uow.change_fact("captured:p1", "captured", "p1")

    assert uow.fact("captured:p1") == {"_id": "captured:p1", "kind": "captured", "subject": "p1"}


def test_the_merge_state_is_the_latest_merge_change_recorded(uow):
    assert uow.merge_state("p1") is None
    uow.change_fact(
        "merge:p1", "merge", "p1", Change("merge_stamp", "b", {"merged": True, "merge_stamp": "b"})
    )
    uow.change_fact(
        "merge:p1", "merge", "p1", Change("merge_stamp", "a", {"merged": False, "merge_stamp": "a"})
    )

    assert uow.merge_state("p1") == (True, "b")


def test_a_merge_change_reaches_the_prospects_facts_that_hold_an_older_one(uow):
    for kind in ("captured", "first_contact", "conversion"):
        uow.change_fact(f"{kind}:p1", kind, "p1", earliest(JAN))
    uow.change_fact("captured:p2", "captured", "p2", earliest(JAN))
    uow.apply_merge_change("p1", True, "b", kinds=["captured"])
    uow.apply_merge_change("p1", False, "a")

    states = {
        fact_id: (uow.fact(fact_id).get("merged"), uow.fact(fact_id).get("merge_stamp"))
        for fact_id in ("captured:p1", "first_contact:p1", "conversion:p1", "captured:p2")
    }
    assert states == {
        "captured:p1": (True, "b"),
        "first_contact:p1": (False, "a"),
        "conversion:p1": (False, "a"),
        "captured:p2": (None, None),
    }
    assert uow.fact("merge:p1") is None  # the merge fact is written apart


def test_capture_totals_group_counting_captures_by_period_and_origin(uow):
    facts = [
        ("p1", JAN, {"source": "fairs", "fair": "Expo"}, 40.0, True),
        ("p2", JAN + timedelta(days=3), {"source": "fairs", "fair": "Expo"}, 60.0, False),
        ("p3", JAN, {"source": "webforms", "campaign": "w"}, 80.0, False),
        ("p4", MAR, {"source": "fairs"}, 10.0, False),
    ]
    for prospect_id, at, origin, completeness, converted in facts:
        uow.change_fact(
            f"captured:{prospect_id}",
            "captured",
            prospect_id,
            identified(at, **origin),
            latest("1", completeness=completeness),
            Change("converted", converted, {"converted": converted}),
        )
    uow.change_fact("captured:p5", "captured", "p5", latest("1", completeness=99.0))  # no capture
    uow.change_fact("captured:p6", "captured", "p6", identified(JAN, source="fairs"))
    uow.apply_merge_change("p6", True, "m")

    totals = uow.capture_totals("month", None, None)
    found = sorted((t.period, t.origin["source"], t) for t in totals)
    assert [(t.period, t.origin, t.prospects, t.completeness, t.converted) for *_, t in found] == [
        (
            "2026-01",
            {"source": "fairs", "fair": "Expo", "campaign": "", "channel": ""},
            2,
            100.0,
            1,
        ),
        ("2026-01", {"source": "webforms", "fair": "", "campaign": "w", "channel": ""}, 1, 80.0, 0),
        ("2026-03", {"source": "fairs", "fair": "", "campaign": "", "channel": ""}, 1, 10.0, 0),
    ]
    in_range = uow.capture_totals("year", JAN + timedelta(days=1), MAR)
    assert [(t.period, t.prospects) for t in in_range] == [("2026", 1)]


def test_first_contacts_and_conversions_are_reported_per_period(uow):
    for prospect_id, at, hours in (("p1", JAN, 2.0), ("p2", JAN, 6.0), ("p3", MAR, 1.0)):
        contact = {"at": at, "periods": period_keys(at), "hours": hours}
        uow.change_fact(
            f"first_contact:{prospect_id}", "first_contact", prospect_id, latest("1", **contact)
        )
        uow.change_fact(f"conversion:{prospect_id}", "conversion", prospect_id, earliest(at))
    taken_away = {"at": None, "periods": {}, "hours": None}
    uow.change_fact("first_contact:p4", "first_contact", "p4", latest("1", **taken_away))

    hours = {
        period: sorted(values) for period, values in uow.first_contact_hours("month", None, None)
    }
    assert hours == {"2026-01": [2.0, 6.0], "2026-03": [1.0]}
    assert dict(uow.conversion_counts("month", None, MAR)) == {"2026-01": 2}


def test_nps_answers_are_reported_in_the_period_they_were_given(uow):
    uow.record_once("nps:a1", "nps", "c1", JAN, category="promoter")
    uow.record_once("nps:a2", "nps", "c1", MAR, category="detractor")

    answers = sorted(uow.nps_answers("quarter", None, None))
    assert [(a.period, a.customer, a.answered_at, a.category) for a in answers] == [
        ("2026-Q1", "c1", JAN, "promoter"),
        ("2026-Q1", "c1", MAR, "detractor"),
    ]
    assert [a.category for a in uow.nps_answers("month", MAR, None)] == ["detractor"]


def test_a_prospect_fact_takes_the_latest_merge_change_when_created_and_when_changed(uow):
    uow.change_fact("merge:p1", "merge", "p1", merge_change(True, "b"))
    uow.change_prospect_fact("captured", "p1", earliest(JAN))
    created = uow.fact("captured:p1")
    uow.change_prospect_fact("conversion", "p2", earliest(JAN))
    uow.change_fact("merge:p2", "merge", "p2", merge_change(True, "c"))
    uow.change_prospect_fact("conversion", "p2", earliest(MAR))  # loses, the merge still counts

    assert (created["at"], created["merged"], created["merge_stamp"]) == (JAN, True, "b")
    changed = uow.fact("conversion:p2")
    assert (changed["at"], changed["merged"], changed["merge_stamp"]) == (JAN, True, "c")


def test_a_prospect_fact_keeps_a_later_merge_change_than_its_merge_fact(uow):
    uow.change_fact("merge:p1", "merge", "p1", merge_change(True, "a"))
    uow.change_prospect_fact("captured", "p1")
    uow.apply_merge_change("p1", False, "b")
    uow.change_prospect_fact("captured", "p1", latest("1", completeness=10.0))

    fact = uow.fact("captured:p1")
    assert (fact["merged"], fact["merge_stamp"], fact["completeness"]) == (False, "b", 10.0)


def test_fact_totals_count_and_sum_the_facts_of_a_kind_per_period(uow):
    uow.record_once("points_earned:e1", "points_earned", "c1", JAN, points=100)
    uow.record_once("points_earned:e2", "points_earned", "c2", JAN, points=50)
    uow.record_once("points_earned:e3", "points_earned", "c1", MAR, points=30)
    uow.record_once("points_redeemed:r1", "points_redeemed", "c1", JAN, points=999)

    totals = dict(uow.fact_totals("points_earned", "month", None, None, summed=("points",)))
    in_range = dict(uow.fact_totals("points_earned", "quarter", JAN + timedelta(days=1), None))

    assert totals == {
        "2026-01": {"count": 2, "points": 150},
        "2026-03": {"count": 1, "points": 30},
    }
    assert in_range == {"2026-Q1": {"count": 1}}


def test_purchase_totals_keep_each_amount_per_period_and_currency(uow):
    uow.record_once("purchase:u1", "purchase", "c1", MAR, amount="10.50", currency="EUR")
    uow.record_once("purchase:u2", "purchase", "c1", MAR, amount="4.25", currency="EUR")
    uow.record_once("purchase:u3", "purchase", "c2", MAR, amount="99.99", currency="USD")
    uow.record_once("purchase:u4", "purchase", "c2", JAN, amount="1", currency="USD")

    totals = {
        (row.period, row.currency): sorted(row.amounts)
        for row in uow.purchase_totals("month", MAR, None)
    }

    assert totals == {("2026-03", "EUR"): ["10.50", "4.25"], ("2026-03", "USD"): ["99.99"]}


def test_timed_facts_are_the_facts_of_a_kind_in_the_range_with_their_end(uow):
    uow.change_fact("alarm:al1", "alarm", "c1", earliest(JAN))
    closed = Change("closed_at", MAR, {"closed_at": MAR}, earliest=True)
    uow.change_fact("alarm:al2", "alarm", "c2", earliest(MAR), closed)
    uow.change_fact("alarm:al3", "alarm", "c3", closed)  # not raised yet: not timed
    uow.record_once("customer:c1", "customer", "c1", JAN)

    alarms = sorted(uow.timed_facts("alarm", None, MAR + timedelta(days=1)))

    assert alarms == [("c1", JAN, None), ("c2", MAR, MAR)]
    assert list(uow.timed_facts("alarm", JAN + timedelta(days=1), MAR)) == []


def test_complaints_are_reported_in_the_period_they_were_opened_with_their_times(uow):
    responded = Change("responded_at", MAR, {"responded_at": MAR}, earliest=True)
    uow.change_fact("complaint:k1", "complaint", "c1", earliest(JAN), responded)
    uow.change_fact("complaint:k2", "complaint", "", earliest(MAR), latest("s", breached=True))
    uow.change_fact("complaint:k3", "complaint", "c3", latest("s", breached=True))  # not opened

    complaints = sorted(uow.complaints("month", None, None))

    assert complaints == [("2026-01", JAN, MAR, None, False), ("2026-03", MAR, None, None, True)]
    assert [c.period for c in uow.complaints("month", MAR, None)] == ["2026-03"]


def test_scored_answers_are_the_answers_of_a_kind_in_the_range(uow):
    uow.record_once("response:r1", "csat", "c1", JAN, score=4)
    uow.record_once("response:r2", "ces", "c1", MAR, score=6)
    uow.record_once("response:r3", "csat", "c2", MAR, score=2)

    assert sorted(uow.scored_answers("csat", "month", None, None)) == [
        ("2026-01", "c1", JAN, 4),
        ("2026-03", "c2", MAR, 2),
    ]
    assert list(uow.scored_answers("ces", "quarter", MAR, None)) == [("2026-Q1", "c1", MAR, 6)]


def test_customer_records_tell_creation_latest_loss_and_captive(uow):
    uow.record_once("customer:c1", "customer", "c1", JAN, captive=True)
    uow.record_once("customer:c2", "customer", "c2", JAN, captive=False)
    uow.record_once("customer:c4", "customer", "c4", JAN)  # recorded before captive was kept
    lost = {"at": MAR, "periods": period_keys(MAR), "lost_stamp": "s1"}
    uow.change_fact("lost:c2", "lost", "c2", Change("lost_stamp", "s1", lost))
    uow.change_fact("lost:c9", "lost", "c9", Change("lost_stamp", "s1", lost))  # not created

    assert uow.customer_records(["c1", "c2", "c4", "c9", "c0"]) == {
        "c1": CustomerRecord(JAN, None, True),
        "c2": CustomerRecord(JAN, MAR, False),
        "c4": CustomerRecord(JAN, None, False),
    }


def lose(uow, customer, at):
    values = {"at": at, "periods": period_keys(at), "lost_stamp": at.isoformat()}
    uow.change_fact(
        f"lost:{customer}", "lost", customer, Change("lost_stamp", at.isoformat(), values)
    )


def raise_alarm(uow, alarm_id, customer, raised_at, closed_at=None):
    changes = [earliest(raised_at)]
    if closed_at is not None:
        changes.append(Change("closed_at", closed_at, {"closed_at": closed_at}, earliest=True))
    uow.change_fact(f"alarm:{alarm_id}", "alarm", customer, *changes)


def test_customer_counts_are_kept_per_period_and_summed_before_any_moment(uow):
    feb = datetime(2026, 2, 3, 12, tzinfo=UTC)
    uow.record_once("customer:c1", "customer", "c1", JAN)
    uow.record_once("customer:c2", "customer", "c2", feb)
    lose(uow, "c1", feb)
    lose(uow, "c3", JAN)  # lost before it was created: counts as lost when created
    raise_alarm(uow, "a1", "c2", feb, closed_at=MAR)
    assert uow.customer_counts("month", None, None) == {
        "2026-01": CustomerCounts(created=1, loss_marks=1),
        "2026-02": CustomerCounts(created=1, lost=1, loss_marks=1, alarms_raised=1),
        "2026-03": CustomerCounts(alarms_ended=1),
    }

    uow.record_once("customer:c3", "customer", "c3", MAR)  # read, then a write
    in_2026 = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)

    assert uow.customer_counts("month", *in_2026)["2026-03"] == CustomerCounts(1, 1, 0, 0, 1)
    assert uow.customer_counts("year", *in_2026) == {"2026": CustomerCounts(3, 2, 2, 1, 1)}
    assert uow.customer_counts_before(feb) == CustomerCounts(created=1, loss_marks=1)
    assert uow.customer_counts_before(feb + timedelta(seconds=1)) == CustomerCounts(
        created=2, lost=1, loss_marks=2, alarms_raised=1
    )
    assert uow.customer_counts_before(datetime(2027, 5, 1, tzinfo=UTC)).active == 1
    assert uow.customer_counts_before(MAR).at_risk == 1
    assert uow.customer_counts_before(MAR + timedelta(hours=1)).at_risk == 0


def test_a_creation_read_after_its_later_loss_counts_that_loss_in_the_loss_period(uow):
    lose(uow, "c1", MAR)
    assert uow.customer_counts("month", None, None) == {"2026-03": CustomerCounts(loss_marks=1)}

    uow.record_once("customer:c1", "customer", "c1", JAN)

    assert uow.customer_counts("month", None, None) == {
        "2026-01": CustomerCounts(created=1),
        "2026-03": CustomerCounts(lost=1, loss_marks=1),
    }


def test_a_period_first_holding_a_purchase_has_its_customer_figures(uow):
    uow.record_once("customer:c1", "customer", "c1", JAN, captive=False)
    assert by_month(uow)["2026-01"]["new_customers"] == 1

    uow.record_once("purchase:u1", "purchase", "c1", MAR, amount="10.00", currency="EUR")

    march = by_month(uow)["2026-03"]
    assert (march["purchases"], march["new_customers"], march["retention_rate"]) == (1, 0, 100.0)
    assert (march["churn_rate"], march["customers_at_risk"]) == (0.0, 0)


def test_servqual_answers_keep_their_ratings_and_importance(uow):
    ratings = [{"item": 1, "dimension": "empathy", "expectation": 6, "perception": 5}]
    importance = {"empathy": 100}
    uow.record_once("response:r1", "servqual", "c1", JAN, ratings=ratings, importance=importance)
    uow.record_once("response:r2", "servqual", "c2", MAR, ratings=[], importance={})

    assert list(uow.servqual_answers("month", None, MAR)) == [("2026-01", ratings, importance)]


NOV = datetime(2026, 11, 15, 10, tzinfo=UTC)
Q3 = (datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC))
CCT_TARGET = {
    "indicator": "CCT",
    "granularity": "quarter",
    "period": None,
    "segment": {},
    "value": 90.0,
    "tolerance": 5.0,
    "direction": "higher",
}


def out_of_range(alert_id, period_start, period_end, raised_at, period="2026-Q3"):
    alert = {
        "_id": alert_id,
        "indicator": "CCT",
        "granularity": "quarter",
        "period": period,
        "period_start": period_start,
        "period_end": period_end,
        "segment": {},
        "value": 50.0,
        "target": 90.0,
        "tolerance": 5.0,
        "direction": "higher",
        "raised_at": raised_at,
        "state": "open",
        "open": True,
    }
    return alert, {"id": f"event-{alert_id}", "type": "indicator_out_of_range"}


def test_a_target_set_again_keeps_every_version_and_the_latest_in_force(uow):
    uow.save_target("CCT|quarter|*|", CCT_TARGET, "lucia", NOV)
    saved = uow.save_target("CCT|quarter|*|", {**CCT_TARGET, "value": 95.0}, "marta", NOV)
    uow.save_target("NPS|month|*|", {**CCT_TARGET, "indicator": "NPS"}, "ana", NOV)

    assert (saved["_id"], saved["value"], saved["set_by"], saved["set_at"]) == (
        "CCT|quarter|*|",
        95.0,
        "marta",
        NOV,
    )
    assert [(v["value"], v["set_by"]) for v in saved["history"]] == [
        (90.0, "lucia"),
        (95.0, "marta"),
    ]
    assert [(t["_id"], t["value"]) for t in uow.targets()] == [
        ("CCT|quarter|*|", 95.0),
        ("NPS|month|*|", 90.0),
    ]


def test_a_reference_set_again_replaces_its_value(uow):
    reference = {"indicator": "NPS", "label": "Sector", "period": None, "value": 30.0}
    uow.save_reference("NPS|Sector|*", {**reference, "set_by": "ana", "set_at": NOV})
    saved = uow.save_reference(
        "NPS|Sector|*", {**reference, "value": 34.0, "set_by": "ana", "set_at": NOV}
    )

    assert (saved["_id"], saved["value"]) == ("NPS|Sector|*", 34.0)
    assert [(r["_id"], r["value"], r["label"]) for r in uow.references()] == [
        ("NPS|Sector|*", 34.0, "Sector")
    ]


def test_an_alert_is_raised_and_announced_once(uow):
    alert, event = out_of_range("oor-1", *Q3, NOV)

    assert uow.raise_alert(alert, event) is True
    assert uow.raise_alert({**alert, "value": 10.0}, {**event, "id": "event-again"}) is False

    assert [e["id"] for e in uow.events.envelopes] == ["event-oor-1"]
    found = uow.alert("oor-1")
    assert (found["value"], found["state"], found["period_start"]) == (50.0, "open", Q3[0])
    assert "outbox" not in found
    assert uow.alert("oor-2") is None


def test_alerts_are_listed_latest_first_open_ones_alone_on_request(uow):
    for number in range(3):
        uow.raise_alert(*out_of_range(f"oor-{number}", *Q3, NOV + timedelta(hours=number)))
    uow.change_alert("oor-1", {"state": "linked", "open": False, "action_id": "A-1"})

    assert [a["_id"] for a in uow.alerts(open_only=False)] == ["oor-2", "oor-1", "oor-0"]
    assert [a["_id"] for a in uow.alerts(open_only=True)] == ["oor-2", "oor-0"]


def test_an_alert_changes_only_in_the_state_asked_for(uow):
    uow.raise_alert(*out_of_range("oor-1", *Q3, NOV))

    assert uow.change_alert("oor-1", {"state": "dismissed", "open": False}, "open") is True
    assert uow.change_alert("oor-1", {"state": "dismissed", "dismissed_by": "x"}, "open") is False
    assert uow.change_alert("oor-2", {"state": "linked"}) is False
    assert uow.change_alert("oor-1", {"state": "linked", "action_id": "A-1"}) is True

    found = uow.alert("oor-1")
    assert (found["state"], found["action_id"], found.get("dismissed_by")) == (
        "linked",
        "A-1",
        None,
    )


def test_the_alerts_of_a_range_are_those_about_periods_overlapping_it(uow):
    year = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    june = (datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC))
    uow.raise_alert(*out_of_range("q3", *Q3, NOV))
    uow.raise_alert(*out_of_range("year", *year, NOV + timedelta(hours=1), period="2026"))
    uow.raise_alert(*out_of_range("june", *june, NOV + timedelta(hours=2), period="2026-06"))

    in_august = uow.alerts_overlapping(
        datetime(2026, 8, 1, tzinfo=UTC), datetime(2026, 9, 1, tzinfo=UTC)
    )
    in_q3 = uow.alerts_overlapping(*Q3)

    assert [a["_id"] for a in in_august] == ["year", "q3"]
    assert [a["_id"] for a in in_q3] == ["year", "q3"]  # june ends where Q3 starts


def stored_before_weeks(at):
    """A fact's time as kpi stored it before it kept week keys."""
    keys = {by: key for by, key in period_keys(at).items() if by != "week"}
    return Change("at", at, {"at": at, "periods": keys}, earliest=True)


def test_facts_stored_before_week_keys_count_in_their_iso_week(uow):
    monday, sunday = datetime(2026, 11, 30, 8, tzinfo=UTC), datetime(2026, 12, 6, 22, tzinfo=UTC)
    uow.change_fact("points_earned:e1", "points_earned", "c1", stored_before_weeks(monday))
    uow.change_fact("points_earned:e2", "points_earned", "c2", stored_before_weeks(sunday))
    uow.record_once("points_earned:e3", "points_earned", "c3", sunday, points=5)
    uow.change_fact("conversion:p1", "conversion", "p1", stored_before_weeks(sunday))
    uow.change_fact("nps:a1", "nps", "c1", stored_before_weeks(monday), latest("1", category="x"))
    uow.change_fact("complaint:k1", "complaint", "c1", stored_before_weeks(sunday))

    counts = dict(uow.fact_totals("points_earned", "week", None, None))

    assert counts == {"2026-W49": {"count": 3}}
    assert dict(uow.conversion_counts("week", None, None)) == {"2026-W49": 1}
    assert [answer.period for answer in uow.nps_answers("week", None, None)] == ["2026-W49"]
    assert [complaint.period for complaint in uow.complaints("week", None, None)] == ["2026-W49"]


def test_a_batch_of_writes_ends_as_the_same_writes_made_one_by_one(uow):
    uow.record_once("purchase:x1", "purchase", "c1", JAN, amount="120.50", currency="MXN")
    uow.change_fact("captured:p1", "captured", "p1", latest("2", completeness=20.0))
    uow.change_fact("merge:p2", "merge", "p2", merge_change(True, "m1"))
    batch = FactWrites()
    batch.record_once("purchase:x1", "purchase", "c1", MAR, amount="999.00", currency="MXN")
    batch.record_once("purchase:x2", "purchase", "c2", MAR, amount="80.00", currency="MXN")
    batch.record_once("purchase:x2", "purchase", "c2", JAN, amount="1.00", currency="MXN")
    batch.change_fact("captured:p1", "captured", "p1", latest("3", completeness=30.0))
    batch.change_fact("captured:p1", "captured", "p1", latest("1", completeness=10.0))
    batch.change_prospect_fact("captured", "p2", latest("4", completeness=40.0), earliest(MAR))
    batch.change_prospect_fact("captured", "p2", latest("5", completeness=50.0), earliest(JAN))

    uow.write_facts(batch)

    stored, new = uow.fact("purchase:x1"), uow.fact("purchase:x2")
    assert (stored["amount"], stored["at"]) == ("120.50", JAN)
    assert (new["kind"], new["subject"], new["amount"], new["at"]) == (
        "purchase",
        "c2",
        "80.00",
        MAR,
    )
    assert uow.fact("captured:p1")["completeness"] == 30.0
    merged_away = uow.fact("captured:p2")
    assert (merged_away["completeness"], merged_away["at"]) == (50.0, JAN)
    assert (merged_away["merged"], merged_away["merge_stamp"]) == (True, "m1")


def test_a_batch_written_again_changes_nothing(uow):
    batch = FactWrites()
    batch.record_once("nps:a1", "nps", "c1", JAN, category="promoter")
    batch.change_prospect_fact("captured", "p1", latest("2", completeness=20.0), earliest(JAN))
    uow.write_facts(batch)
    first = (uow.fact("nps:a1"), uow.fact("captured:p1"))

    uow.write_facts(batch)

    assert (uow.fact("nps:a1"), uow.fact("captured:p1")) == first


def test_facts_rebuilt_aside_replace_the_live_ones_only_when_swapped_in(uow):
    uow.record_once("nps:live", "nps", "c1", JAN, category="promoter")
    uow.start_rebuild()
    aside = uow.rebuilt()
    aside.record_once("nps:a1", "nps", "c1", MAR, category="passive")
    aside.change_fact("conversion:p1", "conversion", "p1", earliest(MAR))

    assert (uow.fact("nps:live") is not None, uow.fact("nps:a1")) == (True, None)
    assert aside.fact("nps:a1")["category"] == "passive"
    assert uow.swap_rebuilt() == 2
    assert (uow.fact("nps:live"), uow.fact("nps:a1")["category"]) == (None, "passive")
    assert [fact.subject for fact in uow.timed_facts("nps", None, None)] == ["c1"]
    uow.start_rebuild()
    assert uow.rebuilt().fact("nps:a1") is None
    assert uow.fact("conversion:p1")["at"] == MAR


def test_live_writes_during_a_rebuild_are_kept_at_the_swap(uow):
    uow.start_rebuild()
    uow.rebuilt().record_once("nps:replayed", "nps", "c1", JAN, category="promoter")
    uow.record_once("nps:live", "nps", "c2", JAN, category="passive")  # handled meanwhile
    uow.change_prospect_fact("conversion", "p1", earliest(MAR))
    batch = FactWrites()
    batch.record_once("nps:batched", "nps", "c3", JAN, category="detractor")
    uow.write_facts(batch)
    uow.apply_merge_change("p1", True, "s1")

    assert uow.swap_rebuilt() == 4
    assert sorted(fact.subject for fact in uow.timed_facts("nps", None, None)) == [
        "c1",
        "c2",
        "c3",
    ]
    assert uow.fact("conversion:p1")["merged"] is True


def test_a_discarded_rebuild_leaves_live_writes_alone(uow):
    uow.start_rebuild()
    uow.discard_rebuild()

    uow.record_once("nps:live", "nps", "c2", JAN, category="passive")

    assert uow.rebuilt().fact("nps:live") is None
    assert uow.fact("nps:live") is not None


FEB = datetime(2026, 2, 12, 9, tzinfo=UTC)
APR = datetime(2026, 4, 14, 9, tzinfo=UTC)


def event(event_type, **payload):
    return parse_event(new_event(event_type, payload))


def handle(uow, *events):
    for received in events:
        getattr(handlers, f"handle_{received.type}")(received, uow)


def by_month(uow, start=datetime(2026, 1, 1, tzinfo=UTC), end=datetime(2026, 5, 1, tzinfo=UTC)):
    """The indicators of each month, as the dashboard and the ``indicators`` RPC read them."""
    query = ReportIndicators("month", start, end)
    return {row["period"]: row for row in handlers.report_indicators(query, uow)}


def alarm(event_type, **details):
    """An event about churn alarm al1 on customer c1, raised in January."""
    return event(event_type, alarm_id="al1", customer_id="c1", raised_at=JAN, **details)


def test_customer_facts_written_after_a_read_change_every_later_period(uow):
    handle(
        uow,
        event("customer_created", customer_id="c1", name="Ana", captive=True, created_at=JAN),
        event("customer_created", customer_id="c2", name="Luis", captive=False, created_at=MAR),
        alarm("churn_alarm_raised", score=80, reasons=[]),
    )
    before = by_month(uow)
    assert sorted(before) == ["2026-01", "2026-03"]
    march = before["2026-03"]
    assert (march["churn_rate"], march["retention_rate"], march["customers_at_risk"]) == (
        0.0,
        100.0,
        1,
    )
    assert by_month(uow) == before  # read again as stored

    handle(  # in February, after March was read
        uow,
        event("customer_lost", customer_id="c1", lost_at=FEB, reason="moved away"),
        alarm("churn_alarm_closed", outcome="lost", closed_at=FEB),
    )
    after = by_month(uow)

    assert (after["2026-02"]["lost_customers"], after["2026-02"]["churn_rate"]) == (1, 100.0)
    march = after["2026-03"]
    assert (march["churn_rate"], march["retention_rate"], march["customers_at_risk"]) == (
        None,
        None,
        0,
    )
    assert after["2026-01"] == before["2026-01"]


def test_prospect_facts_moved_converted_or_merged_after_a_read_change_their_periods(uow):
    capture = {"prospect_id": "p1", "source": "fairs", "completeness": 50.0, "score": 10}
    handle(uow, event("prospect_captured", **capture, captured_at=MAR, identified_at=MAR))
    assert by_month(uow)["2026-03"]["I4_cohort_conversion_rate"] == 0.0

    handle(
        uow,
        event(
            "prospect_converted",
            prospect_id="p1",
            source="fairs",
            captured_at=MAR,
            converted_at=APR,
            basis="contract",
        ),
    )
    converted = by_month(uow)
    assert converted["2026-03"]["I4_cohort_conversion_rate"] == 100.0
    assert converted["2026-04"]["conversions"] == 1

    handle(  # the person turns out to have been identified in January
        uow,
        event(
            "prospect_updated",
            prospect_id="p1",
            completeness=60.0,
            score=10,
            reason="merge",
            updated_at=APR,
            identified_at=JAN,
            source="webforms",
        ),
    )
    moved = by_month(uow)
    assert (moved["2026-01"]["I1_new_prospects"], moved["2026-01"]["I1_by_source"]) == (
        1,
        {"webforms": 1},
    )
    assert "2026-03" not in moved

    merge = {"survivor_id": "p0", "merged_id": "p1", "reason": "same person", "by": "ana"}
    handle(uow, event("prospect_merged", **merge, merged_at=APR))
    assert by_month(uow) == {}


def test_batched_answers_and_later_resolutions_change_the_period_they_count_in(uow):
    complaint = {
        "complaint_ref": "k1",
        "customer_id": "c1",
        "kind": "complaint",
        "category": "billing",
        "severity": "high",
        "opened_at": JAN,
    }
    handle(
        uow,
        event(
            "complaint_opened",
            **complaint,
            response_due_at=JAN + timedelta(hours=24),
            resolution_due_at=JAN + timedelta(days=5),
        ),
    )
    answers = [
        event(
            "survey_answered",
            answer_id=f"a{n}",
            customer_id="c1",
            survey="nps",
            score=score,
            category=category,
            channel="email",
            answered_at=JAN + timedelta(days=n),
        )
        for n, (score, category) in enumerate([(10, "promoter"), (2, "detractor")])
    ]
    handlers.handle_in_bulk(handlers.handle_survey_answered, answers[:1], uow)
    january = by_month(uow)["2026-01"]
    assert (january["NPS"], january["complaint_resolution_hours_median"]) == (100.0, None)

    handle(
        uow,
        event(
            "complaint_resolved",
            **complaint,
            responded_at=JAN + timedelta(hours=4),
            resolved_at=JAN + timedelta(hours=30),
            resolution="refunded",
        ),
    )
    handlers.handle_in_bulk(handlers.handle_survey_answered, answers, uow)
    january = by_month(uow)["2026-01"]

    assert (january["NPS"], january["complaint_resolution_hours_median"]) == (-100.0, 30.0)


def test_a_range_cutting_periods_counts_only_the_facts_inside_it(uow):
    for n, at in enumerate([JAN, JAN + timedelta(days=10), FEB, MAR]):
        handle(
            uow,
            event(
                "purchase_recorded",
                purchase_id=f"u{n}",
                customer_id="c1",
                amount="10.00",
                currency="EUR",
                purchased_at=at,
            ),
        )
    assert by_month(uow)["2026-01"]["purchases"] == 2  # January stored whole

    cut = by_month(uow, JAN + timedelta(days=5), MAR)

    assert {period: row["purchases"] for period, row in cut.items()} == {
        "2026-01": 1,
        "2026-02": 1,
    }


def test_the_part_of_a_period_a_range_cuts_changes_with_the_facts_inside_it_alone(uow):
    def purchase(purchase_id, at):
        return event(
            "purchase_recorded",
            purchase_id=purchase_id,
            customer_id="c1",
            amount="10.00",
            currency="EUR",
            purchased_at=at,
        )

    def purchases_from_the_15th():
        return by_month(uow, datetime(2026, 1, 15, tzinfo=UTC))["2026-01"]["purchases"]

    handle(uow, purchase("u1", JAN + timedelta(days=10)))
    assert purchases_from_the_15th() == 1
    handle(uow, purchase("u2", JAN))  # January 10th: outside the part read
    assert purchases_from_the_15th() == 1

    handle(uow, purchase("u3", JAN + timedelta(days=12)))

    assert purchases_from_the_15th() == 2
    assert by_month(uow)["2026-01"]["purchases"] == 3


def test_a_rebuild_swapped_in_is_what_is_read_next(uow):
    uow.record_once("nps:live", "nps", "c1", JAN, category="promoter")
    assert by_month(uow)["2026-01"]["NPS"] == 100.0
    uow.start_rebuild()
    uow.rebuilt().record_once("nps:a1", "nps", "c1", JAN, category="detractor")
    uow.swap_rebuilt()

    assert by_month(uow)["2026-01"]["NPS"] == -100.0
