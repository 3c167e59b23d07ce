"""Checks of a service's replay on its fake storage: every page read, and kpi's figures from
the replayed events against those from the events announced live."""

from clientela.events import parse_event
from clientela.replay import replay_page
from clientela.services.kpi import handlers
from clientela.services.kpi.dependencies import FakeKpiStorage
from clientela.services.kpi.domain import ReportIndicators
from clientela.services.kpi.rebuild import HANDLERS, apply_replayed


def replay_all(sources, uow, limit=500):
    """Every event the service's replay gives, page after page."""
    events, after = [], None
    while True:
        page = replay_page(sources, uow.replay_documents, after, limit)
        events.extend(page["events"])
        after = page["next"]
        if after is None:
            return events


def kpi_reports(live_envelopes, replayed):
    """kpi's indicators per month and per quarter from the events announced live, and from
    the replayed ones applied as a rebuild applies them."""
    live = FakeKpiStorage()
    for envelope in live_envelopes:
        event = parse_event(envelope)
        if event.type in HANDLERS:
            HANDLERS[event.type](event, live)
    rebuilt = FakeKpiStorage()
    apply_replayed(replayed, rebuilt)
    rebuilt.swap_rebuilt()
    return [
        (
            handlers.report_indicators(ReportIndicators(granularity), live),
            handlers.report_indicators(ReportIndicators(granularity), rebuilt),
        )
        for granularity in ("month", "quarter")
    ]
