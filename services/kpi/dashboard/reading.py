"""The dashboard's use case: the view of the indicators for some filters."""

from __future__ import annotations

from collections.abc import Iterable

from clientela.services.kpi import handlers
from clientela.services.kpi.dashboard.view import Alert, DashboardView, Filters, Target, build_view
from clientela.services.kpi.dependencies import KpiStorage
from clientela.services.kpi.domain import ReportIndicators


def dashboard_view(
    filters: Filters,
    uow: KpiStorage,
    targets: Iterable[Target] = (),
    alerts: Iterable[Alert] = (),
) -> DashboardView:
    """What the dashboard shows for ``filters``: the indicators of the periods they select,
    with ``targets`` drawn and the open ``alerts`` listed."""
    query = ReportIndicators(filters.granularity, filters.start, filters.end)
    return build_view(filters, handlers.report_indicators(query, uow), targets, alerts)
