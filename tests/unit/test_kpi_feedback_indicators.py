"""kpi's survey and complaint indicators on the in-memory unit of work, by worked examples."""

from datetime import UTC, datetime, timedelta

from clientela.events import new_event, parse_event
from clientela.figures import SERVQUAL_DIMENSIONS
from clientela.services.kpi import handlers
from clientela.services.kpi.dependencies import FakeKpiStorage
from clientela.services.kpi.domain import ReportIndicators

JAN = datetime(2026, 1, 10, 9, tzinfo=UTC)
FEB = datetime(2026, 2, 10, 9, tzinfo=UTC)
HOUR = timedelta(hours=1)


def event(event_type, **payload):
    return parse_event(new_event(event_type, payload))


def handle(uow, *events):
    for received in events:
        getattr(handlers, f"handle_{received.type}")(received, uow)


def report(uow):
    periods = handlers.report_indicators(ReportIndicators("month"), uow)
    return {period["period"]: period for period in periods}


def opened(ref, at, kind="complaint"):
    return event(
        "complaint_opened",
        complaint_ref=ref,
        customer_id="c1",
        kind=kind,
        category="billing",
        severity="high",
        opened_at=at,
        response_due_at=at + 24 * HOUR,
        resolution_due_at=at + 120 * HOUR,
    )


def resolved(ref, at, responded_at, resolved_at, kind="complaint"):
    return event(
        "complaint_resolved",
        complaint_ref=ref,
        customer_id=None,
        kind=kind,
        category="billing",
        severity="high",
        opened_at=at,
        responded_at=responded_at,
        resolved_at=resolved_at,
        resolution="refunded",
    )


def breached(ref, due_at, deadline="response"):
    return event(
        "complaint_breached",
        complaint_ref=ref,
        customer_id="c1",
        category="billing",
        severity="high",
        deadline=deadline,
        due_at=due_at,
    )


def responded(response_id, kind, score, at, customer_id="c1"):
    return event(
        "survey_responded",
        response_id=response_id,
        survey_id="s1",
        question="q1",
        version=1,
        kind=kind,
        customer_id=customer_id,
        score=score,
        channel="email",
        answered_at=at,
    )


def answered(answer_id, customer_id, score, category, at):
    return event(
        "survey_answered",
        answer_id=answer_id,
        customer_id=customer_id,
        survey="nps",
        score=score,
        category=category,
        channel="email",
        answered_at=at,
    )


def created(customer_id, captive):
    return event(
        "customer_created",
        customer_id=customer_id,
        name=customer_id,
        captive=captive,
        created_at=JAN,
    )


SURVEY_NAMES = (
    "CSAT",
    "CSAT_mean",
    "CES_mean",
    "SC",
    "I6",
    *(f"SERVQUAL_gap_{dimension}" for dimension in SERVQUAL_DIMENSIONS),
    "SERVQUAL_weighted",
)


def survey_figures(period):
    return {name: period[name] for name in SURVEY_NAMES}


def test_csat_and_ces_count_every_signed_answer_in_the_period():
    uow = FakeKpiStorage()
    handle(
        uow,
        responded("r1", "csat", 5, JAN),
        responded("r2", "csat", 4, JAN),
        responded("r3", "csat", 2, JAN),
        responded("r4", "csat", 1, JAN, customer_id=None),  # anonymous: not counted
        responded("r5", "ces", 6, JAN),
        responded("r6", "ces", 3, JAN),
        responded("r1", "csat", 5, JAN),  # replayed
        responded("r7", "csat", 3, FEB),
    )

    periods = report(uow)

    assert periods["2026-01"]["CSAT"] == 66.67
    assert periods["2026-01"]["CSAT_mean"] == 3.67
    assert periods["2026-01"]["CES_mean"] == 4.5
    assert survey_figures(periods["2026-02"])["CSAT"] == 0.0
    assert periods["2026-02"]["CES_mean"] is None


def test_sc_counts_each_customers_latest_csat_or_nps_answer_and_i6_the_captive_ones():
    uow = FakeKpiStorage()
    handle(
        uow,
        created("c1", captive=True),
        created("c2", captive=False),
        created("c3", captive=True),
        responded("r1", "csat", 2, JAN, customer_id="c1"),
        answered("a1", "c1", 7, "passive", JAN + HOUR),  # c1's latest: satisfied
        responded("r2", "csat", 5, JAN, customer_id="c2"),  # satisfied, not captive
        answered("a3", "c3", 9, "promoter", JAN),
        responded("r3", "csat", 3, JAN + HOUR, customer_id="c3"),  # c3's latest: not satisfied
        responded("r4", "ces", 7, JAN, customer_id="c4"),  # CES: not a satisfaction answer
    )

    assert {
        name: value
        for name, value in survey_figures(report(uow)["2026-01"]).items()
        if value is not None
    } == {
        "CSAT": 33.33,
        "CSAT_mean": 3.33,
        "CES_mean": 7.0,
        "SC": 66.67,
        "I6": 50.0,
    }


def servqual(response_id, at, ratings, importance, customer_id="c1"):
    return event(
        "survey_responded",
        response_id=response_id,
        survey_id="s1",
        question="q2",
        version=1,
        kind="servqual",
        customer_id=customer_id,
        ratings=[
            {"item": item, "dimension": dimension, "expectation": expected, "perception": got}
            for item, dimension, expected, got in ratings
        ],
        importance=importance,
        channel="email",
        answered_at=at,
    )


def test_servqual_gaps_average_item_gaps_per_dimension_and_weigh_each_answer():
    uow = FakeKpiStorage()
    handle(
        uow,
        servqual(
            "r1",
            JAN,
            [(1, "reliability", 7, 4), (2, "reliability", 6, 6), (3, "empathy", 5, 6)],
            {"reliability": 60, "empathy": 20, "tangibility": 20},
        ),
        servqual("r2", JAN, [(1, "reliability", 7, 6)], {"reliability": 100}, customer_id="c2"),
        servqual("r3", JAN, [(1, "reliability", 1, 7)], {"reliability": 100}, customer_id=None),
    )

    january = report(uow)["2026-01"]

    # item 1: (-3 + -1) / 2 = -2, item 2: 0 -> reliability -1; item 3: empathy 1
    assert january["SERVQUAL_gap_reliability"] == -1.0
    assert january["SERVQUAL_gap_empathy"] == 1.0
    assert january["SERVQUAL_gap_tangibility"] is None
    # r1: (60 x -1.5 + 20 x 1) / 80 = -0.875; r2: -1
    assert january["SERVQUAL_weighted"] == -0.94


def test_a_period_without_survey_answers_has_no_survey_figures():
    uow = FakeKpiStorage()
    handle(uow, opened("k1", JAN))

    assert survey_figures(report(uow)["2026-01"]) == dict.fromkeys(SURVEY_NAMES)


def complaint_figures(period):
    return {name: value for name, value in period.items() if name.startswith("complaint")}


def test_complaints_count_in_the_period_opened_with_median_response_and_resolution_hours():
    uow = FakeKpiStorage()
    handle(
        uow,
        opened("k1", JAN),
        resolved("k1", JAN, JAN + 2 * HOUR, JAN + 10 * HOUR),
        opened("k2", JAN),
        resolved("k2", JAN, JAN + 4 * HOUR, JAN + 30 * HOUR),
        breached("k2", JAN + 24 * HOUR, "resolution"),
        opened("k3", JAN),  # still open: counted, not timed
        breached("k3", JAN + 24 * HOUR),
        breached("k3", JAN + 120 * HOUR, "resolution"),
        opened("s1", JAN, kind="suggestion"),
        opened("k4", FEB),
    )

    periods = report(uow)

    assert complaint_figures(periods["2026-01"]) == {
        "complaints": 3,
        "complaints_breached": 2,
        "complaint_response_hours_median": 3.0,
        "complaint_resolution_hours_median": 20.0,
    }
    assert complaint_figures(periods["2026-02"]) == {
        "complaints": 1,
        "complaints_breached": 0,
        "complaint_response_hours_median": None,
        "complaint_resolution_hours_median": None,
    }


def test_complaint_events_in_any_order_and_replayed_count_the_same():
    events = [
        opened("k1", JAN),
        resolved("k1", JAN, JAN + 2 * HOUR, JAN + 10 * HOUR),
        breached("k1", JAN + 24 * HOUR),
        resolved("k1", JAN, JAN + 2 * HOUR, JAN + 50 * HOUR),  # reopened, resolved again
    ]
    in_order, reversed_and_replayed = FakeKpiStorage(), FakeKpiStorage()
    handle(in_order, *events)
    handle(reversed_and_replayed, *reversed(events), *events)

    assert report(in_order) == report(reversed_and_replayed)
    assert complaint_figures(report(in_order)["2026-01"]) == {
        "complaints": 1,
        "complaints_breached": 1,
        "complaint_response_hours_median": 2.0,
        "complaint_resolution_hours_median": 50.0,
    }


def test_a_breach_alone_does_not_count_until_the_complaint_is_opened():
    uow = FakeKpiStorage()
    handle(uow, breached("k1", JAN + 24 * HOUR))

    assert report(uow) == {}


def test_a_resolved_suggestion_does_not_count():
    uow = FakeKpiStorage()
    handle(uow, resolved("s1", JAN, JAN + HOUR, JAN + 2 * HOUR, kind="suggestion"))

    assert report(uow) == {}
