"""The dashboard's use case on the in-memory unit of work: figures from facts, the targets
in force for the granularity shown, the open alerts."""

from datetime import UTC, datetime, timedelta

import pytest

from clientela.events import new_event, parse_event
from clientela.services.kpi import handlers, monitoring
from clientela.services.kpi.dashboard.charts import section_figure
from clientela.services.kpi.dashboard.reading import dashboard_view
from clientela.services.kpi.dashboard.view import Filters
from clientela.services.kpi.dependencies import FakeKpiStorage

JAN = datetime(2026, 1, 10, 9, tzinfo=UTC)
NOW = datetime(2026, 5, 4, 12, tzinfo=UTC)
CAPTURES = {"2026-01": {"fairs": 6, "webforms": 2}, "2026-02": {"fairs": 1, "webforms": 4}}


def captured(prospect_id, source, at):
    payload = {
        "prospect_id": prospect_id,
        "email": f"{prospect_id}@example.com",
        "source": source,
        "captured_at": at,
        "completeness": 60.0,
        "score": 40,
    }
    return parse_event(new_event("prospect_captured", payload))


@pytest.fixture
def uow():
    storage = FakeKpiStorage()
    for month, (key, by_source) in enumerate(CAPTURES.items()):
        for source, count in by_source.items():
            for n in range(count):
                at = JAN + timedelta(days=31 * month, hours=n)
                handlers.handle_prospect_captured(
                    captured(f"{key}-{source}-{n}", source, at), storage
                )
    return storage


def target(uow, **given):
    monitoring.set_target(given, "lucia", uow, NOW)


def section(view, title):
    return next(s for s in view.sections if s.title == title)


def test_the_view_holds_the_figures_of_the_facts(uow):
    view = dashboard_view(Filters("month"), uow)

    new = next(s for s in section(view, "Prospects").series if s.key == "I1_new_prospects")
    assert (new.periods, new.values) == (("2026-01", "2026-02"), (8, 5))
    assert view.sources == ("fairs", "webforms")


def test_targets_of_the_granularity_shown_are_drawn_and_others_not(uow):
    target(uow, indicator="I1_new_prospects", value=7, tolerance=1)
    target(uow, indicator="I1_new_prospects", value=20, tolerance=2, granularity="quarter")
    target(
        uow,
        indicator="I1_by_source",
        value=3,
        segment={"source": "fairs"},
        period="2026-02",
        direction="higher",
    )

    by_month = section(dashboard_view(Filters("month"), uow), "Prospects")
    by_quarter = section(dashboard_view(Filters("quarter"), uow), "Prospects")

    assert [(t.key, t.value, t.threshold, t.period) for t in by_month.targets] == [
        ("I1_by_source.fairs", 3.0, 3.0, "2026-02"),
        ("I1_new_prospects", 7.0, 6.0, None),
    ]
    assert [(t.key, t.value) for t in by_quarter.targets] == [("I1_new_prospects", 20.0)]
    figure = section_figure(by_month, ("2026-01", "2026-02"))
    [segment] = [t for t in figure.data if t.meta == "target:I1_by_source.fairs"]
    assert (list(segment.x), list(segment.y)) == (["2026-02"], [3.0])
    assert segment.name == "Target: New prospects by source: fairs (>= 3, tolerance 0)"


def test_a_target_on_a_source_filtered_out_is_not_drawn(uow):
    target(
        uow, indicator="I1_by_source", value=3, segment={"source": "webforms"}, direction="higher"
    )

    view = dashboard_view(Filters("month", source="fairs"), uow)

    assert section(view, "Prospects").targets == ()


def test_the_open_alerts_are_listed(uow):
    target(
        uow,
        indicator="I1_by_source",
        value=3,
        segment={"source": "fairs"},
        period="2026-02",
        direction="higher",
    )
    [raised] = monitoring.check_targets(uow, NOW)

    [alert] = dashboard_view(Filters("quarter"), uow).alerts

    assert (alert.alert_id, alert.indicator, alert.period) == (raised, "I1_by_source", "2026-02")
    assert (alert.value, alert.target, alert.state) == (1.0, 3.0, "open")
    assert alert.title == "New prospects by source"

    monitoring.dismiss_alert(alert_id=raised, reason="fair cancelled", by="lucia", uow=uow, now=NOW)
    assert dashboard_view(Filters("quarter"), uow).alerts == ()
