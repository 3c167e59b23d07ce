"""kpi use cases on the in-memory unit of work: facts from events, indicators from facts."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from clientela.events import new_event, parse_event
from clientela.services.kpi import handlers
from clientela.services.kpi.dependencies import FakeKpiStorage
from clientela.services.kpi.domain import ReportIndicators

JAN = datetime(2026, 1, 10, 9, tzinfo=UTC)
MAR = datetime(2026, 3, 10, 9, tzinfo=UTC)


def event(name, **payload):
    return parse_event(new_event(name, payload))


def captured(prospect_id, at, completeness=50.0, source="fairs", **origin):
    return event(
        "prospect_captured",
        prospect_id=prospect_id,
        source=source,
        captured_at=at,
        identified_at=at,
        completeness=completeness,
        score=10,
        **origin,
    )


def updated(prospect_id, at, completeness, reason="edit", identified_at=None, **details):
    return event(
        "prospect_updated",
        prospect_id=prospect_id,
        completeness=completeness,
        score=10,
        reason=reason,
        updated_at=at,
        identified_at=identified_at,
        **details,
    )


def contacted(prospect_id, identified_at, contacted_at, first=True, logged_at=None):
    return event(
        "prospect_contacted",
        interaction_id=f"i-{prospect_id}-{contacted_at:%s}",
        prospect_id=prospect_id,
        kind="call",
        mode="phone",
        first_contact=first,
        captured_at=identified_at,
        identified_at=identified_at,
        contacted_at=contacted_at,
        logged_at=logged_at or contacted_at,
    )


def converted(prospect_id, at):
    return event(
        "prospect_converted",
        prospect_id=prospect_id,
        source="fairs",
        captured_at=JAN,
        converted_at=at,
        basis="contract",
    )


def merged(merged_id, at, survivor_id="survivor"):
    return event(
        "prospect_merged",
        survivor_id=survivor_id,
        merged_id=merged_id,
        reason="same person",
        by="ana",
        merged_at=at,
    )


def unmerged(restored_id, at, survivor_id="survivor"):
    return event(
        "prospect_unmerged",
        survivor_id=survivor_id,
        restored_id=restored_id,
        by="ana",
        unmerged_at=at,
    )


def answered(answer_id, customer_id, category, at):
    scores = {"promoter": 10, "passive": 7, "detractor": 2}
    return event(
        "survey_answered",
        answer_id=answer_id,
        customer_id=customer_id,
        survey="nps",
        score=scores[category],
        category=category,
        channel="email",
        answered_at=at,
    )


HANDLERS = {
    "prospect_captured": handlers.handle_prospect_captured,
    "prospect_updated": handlers.handle_prospect_updated,
    "prospect_contacted": handlers.handle_prospect_contacted,
    "prospect_converted": handlers.handle_prospect_converted,
    "prospect_merged": handlers.handle_prospect_merged,
    "prospect_unmerged": handlers.handle_prospect_unmerged,
    "survey_answered": handlers.handle_survey_answered,
}


def handle(uow, *events):
    for received in events:
        HANDLERS[received.type](received, uow)


def report(uow, granularity="month", start=None, end=None):
    periods = handlers.report_indicators(ReportIndicators(granularity, start, end), uow)
    return {period["period"]: period for period in periods}


@pytest.fixture
def uow():
    return FakeKpiStorage()


def test_a_capture_counts_in_the_period_and_by_the_origin_it_was_identified_with(uow):
    handle(uow, captured("p1", JAN, 40.0, source="webforms", campaign="winter", channel="google"))
    handle(uow, captured("p2", JAN + timedelta(days=2), 80.0, fair="Expo Norte"))

    january = report(uow)["2026-01"]
    assert january["I1_new_prospects"] == 2
    assert january["I1_by_source"] == {"fairs": 1, "webforms": 1}
    assert january["I1_by_fair"] == {"Expo Norte": 1}
    assert january["I1_by_campaign"] == {"winter": 1}
    assert january["I1_by_channel"] == {"google": 1}
    assert january["I3_completeness"] == 60.0


def test_the_latest_completeness_counts_whatever_the_order_it_arrives_in(uow):
    handle(uow, updated("p1", JAN + timedelta(days=3), 90.0))
    handle(uow, captured("p1", JAN, 40.0))
    handle(uow, updated("p1", JAN + timedelta(days=1), 70.0))

    assert report(uow)["2026-01"]["I3_completeness"] == 90.0


def test_an_update_without_identification_counts_nothing_until_its_capture_arrives(uow):
    handle(uow, updated("p1", JAN + timedelta(days=1), 70.0))
    assert report(uow) == {}

    handle(uow, captured("p1", JAN, 40.0))

    assert report(uow)["2026-01"]["I3_completeness"] == 70.0


def test_an_update_that_identified_the_person_earlier_moves_it_to_that_period(uow):
    handle(uow, captured("p1", MAR, 40.0, fair="Expo Marzo"))
    handle(
        uow,
        updated(
            "p1", MAR + timedelta(hours=1), 60.0, "capture", JAN, source="webforms", campaign="w"
        ),
    )

    found = report(uow)
    assert "2026-03" not in found
    assert found["2026-01"]["I1_by_source"] == {"webforms": 1}
    assert found["2026-01"]["I1_by_campaign"] == {"w": 1}


def test_a_first_contact_counts_hours_after_identification_and_later_contacts_do_not(uow):
    handle(uow, captured("p1", JAN, 40.0))
    handle(uow, contacted("p1", JAN, JAN + timedelta(hours=5)))
    handle(uow, contacted("p1", JAN, JAN + timedelta(days=9), first=False))

    january = report(uow)["2026-01"]
    assert (january["I2_first_contacts"], january["I2_median_hours"]) == (1, 5.0)


def test_a_later_log_of_an_earlier_first_contact_supersedes_it(uow):
    handle(uow, contacted("p1", JAN, JAN + timedelta(hours=5)))
    handle(
        uow,
        contacted("p1", JAN, JAN + timedelta(hours=2), logged_at=JAN + timedelta(hours=6)),
    )
    handle(uow, contacted("p1", JAN, JAN + timedelta(hours=5)))  # the first log, again

    assert report(uow)["2026-01"]["I2_median_hours"] == 2.0


def test_a_conversion_counts_in_its_period_and_in_the_cohort_of_the_capture(uow):
    handle(uow, captured("p1", JAN), captured("p2", JAN))
    handle(uow, converted("p1", MAR))

    found = report(uow)
    assert found["2026-01"]["I4_cohort_conversion_rate"] == 50.0
    assert found["2026-01"]["conversions"] == 0
    assert found["2026-03"]["conversions"] == 1


def test_the_earliest_conversion_counts_even_when_it_arrives_before_the_capture(uow):
    handle(uow, converted("p1", MAR))
    handle(uow, converted("p1", MAR - timedelta(days=40)))
    handle(uow, captured("p1", JAN))

    found = report(uow)
    assert found["2026-01"]["conversions"] == 1
    assert found["2026-01"]["I4_cohort_conversion_rate"] == 100.0
    assert "2026-03" not in found


def test_a_merged_duplicate_stops_counting_and_counts_again_once_restored(uow):
    handle(uow, captured("p1", JAN), captured("dup", JAN))
    handle(uow, contacted("dup", JAN, JAN + timedelta(hours=1)), converted("dup", MAR))
    handle(uow, merged("dup", MAR))

    found = report(uow)
    assert found["2026-01"]["I1_new_prospects"] == 1
    assert found["2026-01"]["I2_first_contacts"] == 0
    assert "2026-03" not in found

    handle(uow, unmerged("dup", MAR + timedelta(days=1)))

    found = report(uow)
    assert found["2026-01"]["I1_new_prospects"] == 2
    assert found["2026-01"]["I2_first_contacts"] == 1
    assert found["2026-03"]["conversions"] == 1


def test_a_duplicate_merged_before_its_facts_arrive_does_not_count(uow):
    handle(uow, merged("dup", MAR))
    handle(uow, captured("dup", JAN), contacted("dup", JAN, JAN + timedelta(hours=1)))
    handle(uow, converted("dup", MAR))

    assert report(uow) == {}


@pytest.mark.parametrize(
    ("changes", "counts"),
    [
        ([merged("dup", MAR), unmerged("dup", MAR + timedelta(hours=1))], True),
        ([unmerged("dup", MAR), merged("dup", MAR + timedelta(hours=1))], False),
        ([merged("dup", MAR), unmerged("dup", MAR)], True),  # undone at the merge's instant
    ],
)
def test_the_latest_merge_change_decides_whichever_arrives_first(changes, counts):
    for order in itertools.permutations(changes):
        uow = FakeKpiStorage()
        handle(uow, captured("dup", JAN), *order)

        assert ("2026-01" in report(uow)) is counts


def test_a_merge_update_moves_identification_and_first_contact_to_the_merged_person(uow):
    handle(uow, captured("p1", MAR, fair="Expo Marzo"))
    handle(uow, contacted("p1", MAR, MAR + timedelta(hours=3)))
    merge_update = updated(
        "p1",
        MAR + timedelta(days=1),
        90.0,
        "merge",
        JAN,
        source="webforms",
        first_contact_at=MAR + timedelta(hours=3),
    )
    handle(uow, merge_update)

    found = report(uow)
    assert found["2026-01"]["I1_by_source"] == {"webforms": 1}
    assert found["2026-03"]["I2_median_hours"] == 59 * 24 + 3.0


def test_an_unmerge_update_without_a_contact_takes_the_first_contact_away(uow):
    handle(uow, captured("p1", JAN), contacted("p1", JAN, JAN + timedelta(hours=3)))
    handle(uow, updated("p1", JAN + timedelta(days=1), 50.0, "merge", JAN, source="fairs"))

    assert report(uow)["2026-01"]["I2_first_contacts"] == 0


def test_every_event_delivered_again_is_counted_once(uow):
    events = [
        captured("p1", JAN, 40.0),
        updated("p1", JAN + timedelta(days=1), 60.0),
        contacted("p1", JAN, JAN + timedelta(hours=4)),
        converted("p1", MAR),
        captured("dup", JAN),
        merged("dup", JAN + timedelta(days=2)),
        answered("a1", "c1", "promoter", MAR),
    ]
    handle(uow, *events)
    once = report(uow)

    handle(uow, *events)

    assert report(uow) == once
    assert once["2026-01"]["I1_new_prospects"] == 1
    assert once["2026-03"]["conversions"] == 1
    assert once["2026-03"]["nps_respondents"] == 1


def test_the_same_events_in_any_order_give_the_same_indicators():
    events = [
        captured("p1", MAR, 40.0, fair="Expo Marzo"),
        updated("p1", MAR + timedelta(days=1), 60.0, "capture", JAN, source="webforms"),
        contacted("p1", MAR, MAR + timedelta(hours=4)),
        converted("p1", MAR + timedelta(days=5)),
        merged("p1", MAR + timedelta(days=6)),
        unmerged("p1", MAR + timedelta(days=7)),
    ]
    results = []
    for order in itertools.permutations(events):
        uow = FakeKpiStorage()
        handle(uow, *order)
        results.append(report(uow))

    assert all(result == results[0] for result in results)
    assert results[0]["2026-01"]["I1_by_source"] == {"webforms": 1}
    assert results[0]["2026-01"]["I3_completeness"] == 60.0


def test_nps_counts_each_customers_latest_answer_per_period(uow):
    handle(
        uow,
        answered("a1", "c1", "detractor", MAR),
        answered("a2", "c1", "promoter", MAR + timedelta(days=1)),
        answered("a3", "c2", "passive", MAR),
        answered("a4", "c3", "detractor", JAN),
    )

    found = report(uow)
    assert (found["2026-03"]["nps_respondents"], found["2026-03"]["NPS"]) == (2, 50.0)
    assert found["2026-01"]["NPS"] == -100.0


def test_indicators_cover_the_requested_range_at_the_requested_granularity(uow):
    handle(uow, captured("p1", JAN), captured("p2", JAN + timedelta(days=1)), captured("p3", MAR))

    assert list(report(uow, "day")) == ["2026-01-10", "2026-01-11", "2026-03-10"]
    assert list(report(uow, "quarter")) == ["2026-Q1"]
    in_range = report(uow, "month", start=JAN + timedelta(days=1), end=MAR)
    assert {key: value["I1_new_prospects"] for key, value in in_range.items()} == {"2026-01": 1}


def test_periods_are_reported_oldest_first_with_every_indicator(uow):
    handle(uow, captured("p1", MAR), captured("p2", JAN))

    periods = handlers.report_indicators(ReportIndicators("month"), uow)

    assert [period["period"] for period in periods] == ["2026-01", "2026-03"]
    assert set(periods[0]) >= {"I1_new_prospects", "I2_median_hours", "I4_conversion_rate", "NPS"}
