"""kpi's rebuild on the in-memory unit of work: replayed events go through the live handlers
into facts kept aside, and the indicators they give are compared with the live ones."""

import inspect
from datetime import UTC, datetime

import pytest

from clientela.errors import InvalidInput
from clientela.events import new_event
from clientela.messaging import ReliableEventHandler
from clientela.replay import replayed
from clientela.services.kpi import handlers
from clientela.services.kpi.dependencies import FakeKpiStorage
from clientela.services.kpi.domain import ReportIndicators
from clientela.services.kpi.rebuild import (
    HANDLERS,
    apply_replayed,
    compare,
    differences,
    same,
    start,
)
from clientela.services.kpi.service import KpiService

MARCH = datetime(2026, 3, 10, 12, tzinfo=UTC)
APRIL = datetime(2026, 4, 2, 9, tzinfo=UTC)


def answered(answer_id, customer_id, score, category, at=MARCH):
    payload = {
        "answer_id": answer_id,
        "customer_id": customer_id,
        "survey": "nps",
        "score": score,
        "category": category,
        "channel": "web",
        "answered_at": at,
    }
    return replayed(new_event("survey_answered", payload), f"survey_answered:{answer_id}")


def purchased(purchase_id, amount, at=APRIL):
    payload = {
        "purchase_id": purchase_id,
        "customer_id": "CU-dora",
        "amount": amount,
        "currency": "EUR",
        "purchased_at": at,
    }
    return replayed(new_event("purchase_recorded", payload), f"purchase_recorded:{purchase_id}")


def tier_changed():
    payload = {
        "customer_id": "CU-dora",
        "from_tier": "bronze",
        "to_tier": "silver",
        "move": "upgrade",
        "points_in_window": 1200,
        "changed_at": APRIL,
    }
    return new_event("tier_changed", payload, occurred_at=APRIL)


def months(uow):
    return {row["period"]: row for row in handlers.report_indicators(ReportIndicators(), uow)}


@pytest.fixture
def uow():
    return FakeKpiStorage()


def test_replayed_events_are_counted_aside_until_swapped_in(uow):
    uow.start_rebuild()
    page = [answered("A-1", "CU-dora", 9, "promoter"), purchased("P-1", "300.00"), tier_changed()]

    assert apply_replayed(page, uow) == {"applied": 2, "ignored": 1}
    assert months(uow) == {}
    assert uow.swap_rebuilt() == 2
    assert months(uow)["2026-03"]["NPS"] == 100.0
    assert months(uow)["2026-04"]["purchase_value"] == {"EUR": "300.00"}


def test_a_rebuild_under_way_is_not_started_again_unless_restarted(uow):
    start(uow)
    apply_replayed([purchased("P-1", "300.00")], uow)

    with pytest.raises(InvalidInput) as refused:
        start(uow)

    assert str(refused.value).startswith("restart: A rebuild started at ")
    start(uow, restart=True)
    assert uow.swap_rebuilt() == 0  # the first rebuild's facts were discarded


def test_a_page_applied_twice_counts_once(uow):
    page = [answered("A-1", "CU-dora", 9, "promoter"), answered("A-2", "CU-eva", 3, "detractor")]
    apply_replayed(page, uow)
    apply_replayed(page, uow)
    uow.swap_rebuilt()

    march = months(uow)["2026-03"]
    assert (march["nps_respondents"], march["NPS"]) == (2, 0.0)


def test_an_envelope_off_the_catalogue_is_refused_by_position_and_nothing_applied(uow):
    broken = purchased("P-2", "80.00")
    del broken["payload"]["currency"]

    with pytest.raises(InvalidInput, match=r"events\.1.*currency"):
        apply_replayed([purchased("P-1", "300.00"), broken], uow)
    assert uow.rebuilt_facts == {}


def test_the_periods_whose_rebuilt_figures_differ_are_found_per_granularity(uow):
    live_only = answered("A-9", "CU-eva", 2, "detractor")
    page = [answered("A-1", "CU-dora", 10, "promoter"), purchased("P-1", "300.00")]
    apply_replayed([*page, live_only], uow)
    uow.swap_rebuilt()  # the live figures count Eva's answer, which the stores no longer give
    apply_replayed(page, uow)

    found = compare(["month", "quarter"], uow)

    assert [(d["granularity"], d["period"], d["indicator"]) for d in found] == [
        ("month", "2026-03", "NPS"),
        ("month", "2026-03", "SC"),
        ("month", "2026-03", "nps_respondents"),
        ("quarter", "2026-Q1", "NPS"),
        ("quarter", "2026-Q1", "SC"),
        ("quarter", "2026-Q1", "nps_respondents"),
    ]
    assert (found[0]["live"], found[0]["rebuilt"]) == (0.0, 100.0)


def test_a_period_only_one_side_has_differs_in_each_of_its_figures():
    live = [{"period": "2026-03", "purchases": 2, "purchase_value": {"EUR": "600.00"}}]
    rebuilt = [
        {"period": "2026-03", "purchases": 2, "purchase_value": {"EUR": "600.00"}},
        {"period": "2026-04", "purchases": 1, "purchase_value": {"EUR": "80.00"}},
    ]

    assert differences(live, rebuilt) == [
        {
            "period": "2026-04",
            "indicator": "purchase_value",
            "live": None,
            "rebuilt": {"EUR": "80.00"},
        },
        {"period": "2026-04", "indicator": "purchases", "live": None, "rebuilt": 1},
    ]


@pytest.mark.parametrize(
    ("first", "second", "equal"),
    [
        (0.1 + 0.2, 0.3, True),  # the same completeness summed in another order
        (66.7, 66.6, False),
        ({"fairs": 2, "webforms": 1}, {"webforms": 1, "fairs": 2}, True),
        ({"fairs": 2}, {"fairs": 2, "webforms": 1}, False),
        ([1.5, 2.0], [1.5, 2.0000000000001], True),
        (None, 0, False),
        ("600.00", "600.00", True),
    ],
)
def test_figures_are_the_same_up_to_the_rounding_of_sums(first, second, equal):
    assert same(first, second) is equal


def test_every_event_kpi_records_facts_from_is_rebuilt_through_the_handler_it_takes_live():
    subscribed = {
        entrypoint.event_type: name
        for name, method in inspect.getmembers(KpiService, inspect.isfunction)
        for entrypoint in getattr(method, "nameko_entrypoints", ())
        if isinstance(entrypoint, ReliableEventHandler)
    }

    # improvement actions are linked to alerts, kpi's own data, which a rebuild keeps
    assert subscribed.keys() - HANDLERS.keys() == {
        "improvement_action_opened",
        "improvement_action_closed",
    }
    assert HANDLERS.keys() <= subscribed.keys()
    for event_type, handler in HANDLERS.items():
        assert handler is getattr(handlers, subscribed[event_type]), event_type
