"""Rebuilding kpi's facts from the events the owning services replay from their stored data.

The replayed events go through the very handlers live events take
(:mod:`clientela.services.kpi.handlers`), into facts kept aside
(:mod:`clientela.services.kpi.rebuild_storage`); the indicators computed from
them are then compared with the live ones, period by period, and the rebuilt
facts swapped in. Since the handlers are idempotent and order-free, the pages
may come in any order and a page applied twice counts once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from clientela.checks import invalid
from clientela.events import Event, InvalidEvent, parse_event
from clientela.services.kpi import handlers
from clientela.services.kpi.dependencies import KpiStorage
from clientela.services.kpi.domain import ReportIndicators

Handler = Callable[[Event, KpiStorage], None]

HANDLERS: dict[str, Handler] = {
    "prospect_captured": handlers.handle_prospect_captured,
    "prospect_updated": handlers.handle_prospect_updated,
    "prospect_merged": handlers.handle_prospect_merged,
    "prospect_unmerged": handlers.handle_prospect_unmerged,
    "prospect_contacted": handlers.handle_prospect_contacted,
    "prospect_converted": handlers.handle_prospect_converted,
    "survey_answered": handlers.handle_survey_answered,
    "survey_responded": handlers.handle_survey_responded,
    "complaint_opened": handlers.handle_complaint_opened,
    "complaint_resolved": handlers.handle_complaint_resolved,
    "complaint_breached": handlers.handle_complaint_breached,
    "customer_created": handlers.handle_customer_created,
    "customer_updated": handlers.handle_customer_updated,
    "customer_lost": handlers.handle_customer_lost,
    "contract_recorded": handlers.handle_contract_recorded,
    "purchase_recorded": handlers.handle_purchase_recorded,
    "points_earned": handlers.handle_points_earned,
    "points_redeemed": handlers.handle_points_redeemed,
    "points_expired": handlers.handle_points_expired,
    "points_adjusted": handlers.handle_points_adjusted,
    "churn_alarm_raised": handlers.handle_churn_alarm_raised,
    "churn_alarm_closed": handlers.handle_churn_alarm_closed,
}
"""The handler of each event type kpi counts, as the service subscribes them."""


def start(uow: KpiStorage, restart: bool = False) -> None:
    """Begin a rebuild, unless one is under way (or was stopped without being discarded):
    ``restart`` discards it first. InvalidInput names ``restart`` otherwise."""
    started_at = uow.rebuild_started_at()
    if started_at is not None and not restart:
        raise invalid(
            "restart",
            f"A rebuild started at {started_at.isoformat()} is under way, or was stopped "
            "without being discarded; restart it to discard it and begin again.",
        )
    uow.start_rebuild()


def apply_replayed(envelopes: Iterable[Any], uow: KpiStorage) -> dict[str, int]:
    """Apply replayed event envelopes to the rebuilt facts through the live handlers; how
    many were ``applied`` and how many ``ignored`` (types kpi does not count).

    Every envelope is checked against the catalogue first: InvalidInput names the
    first one off it, by position, and nothing of the page is applied then.
    """
    events = []
    for position, envelope in enumerate(envelopes):
        try:
            events.append(parse_event(envelope))
        except InvalidEvent as problem:
            raise invalid(f"events.{position}", str(problem)) from None
    aside = uow.rebuilt()
    counted = [event for event in events if event.type in HANDLERS]
    for event in counted:
        HANDLERS[event.type](event, aside)
    return {"applied": len(counted), "ignored": len(events) - len(counted)}


def compare(granularities: Iterable[str], uow: KpiStorage) -> list[dict[str, Any]]:
    """Every indicator of every period (of each granularity) whose rebuilt value differs
    from the live one: ``granularity``, ``period``, ``indicator``, ``live``, ``rebuilt``."""
    found: list[dict[str, Any]] = []
    for granularity in granularities:
        query = ReportIndicators(granularity)
        live = handlers.report_indicators(query, uow)
        rebuilt = handlers.report_indicators(query, uow.rebuilt())
        found.extend(
            {"granularity": granularity, **difference} for difference in differences(live, rebuilt)
        )
    return found


def differences(live: list[dict[str, Any]], rebuilt: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Where two reports of indicators per period differ: ``period``, ``indicator``, its
    ``live`` and ``rebuilt`` values (None where a report has no such period)."""
    live_periods = {str(row["period"]): row for row in live}
    rebuilt_periods = {str(row["period"]): row for row in rebuilt}
    found = []
    for period in sorted(live_periods.keys() | rebuilt_periods.keys()):
        ours = live_periods.get(period, {})
        theirs = rebuilt_periods.get(period, {})
        for name in sorted((ours.keys() | theirs.keys()) - {"period"}):
            if not same(ours.get(name), theirs.get(name)):
                found.append(
                    {
                        "period": period,
                        "indicator": name,
                        "live": ours.get(name),
                        "rebuilt": theirs.get(name),
                    }
                )
    return found


def same(first: Any, second: Any) -> bool:
    """Whether two indicator values are the same, numbers up to rounding (sums of the same
    figures added in another order)."""
    if _number(first) and _number(second):
        return math.isclose(first, second, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(first, dict) and isinstance(second, dict):
        keys = first.keys() | second.keys()
        return all(same(first.get(key), second.get(key)) for key in keys)
    if isinstance(first, list) and isinstance(second, list):
        return len(first) == len(second) and all(map(same, first, second))
    return bool(first == second)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
