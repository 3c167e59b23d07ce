"""The dashboard's use case: the view of the indicators for some filters, with the
targets that apply to the periods shown and the open alerts."""

from __future__ import annotations

from typing import Any

from clientela.services.kpi import handlers, monitoring
from clientela.services.kpi.dashboard.view import Alert, DashboardView, Filters, Target, build_view
from clientela.services.kpi.dependencies import KpiStorage
from clientela.services.kpi.domain import ReportIndicators
from clientela.services.kpi.targets import Target as TargetInForce


def dashboard_view(filters: Filters, uow: KpiStorage) -> DashboardView:
    """What the dashboard shows for ``filters``: the indicators of the periods they select,
    the targets in force for periods of their granularity, and every open alert."""
    query = ReportIndicators(filters.granularity, filters.start, filters.end)
    targets = [
        drawn_target(target)
        for target in monitoring.in_force(uow)
        if target.granularity == filters.granularity
    ]
    alerts = [open_alert(record) for record in uow.alerts(open_only=True)]
    return build_view(filters, handlers.report_indicators(query, uow), targets, alerts)


def drawn_target(target: TargetInForce) -> Target:
    """A target in force as the charts draw it: on the part of a breakdown its segment
    names (``source=fairs`` on new prospects by source), or on the whole indicator."""
    return Target(
        indicator=target.indicator,
        value=target.value,
        tolerance=target.tolerance,
        direction=str(target.direction),
        period=target.period,
        part=next(iter(target.segment.values()), None),
    )


def open_alert(record: dict[str, Any]) -> Alert:
    """A stored alert as the dashboard's panel lists it."""
    return Alert(
        alert_id=record["_id"],
        indicator=record["indicator"],
        period=record["period"],
        value=record.get("value"),
        target=record["target"],
        state=record["state"],
    )
