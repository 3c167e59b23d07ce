"""Targets, external references and out-of-range alerts: the kpi use cases of management
review.

Each takes its input (or an event) and the service's unit of work. Alerts are
raised once per indicator, period and segment (their id is derived from
those) and stored with the ``indicator_out_of_range`` event announcing them.
Loyalty's improvement actions link an alert (it stops being open) and, once
closed, record their outcome on it; both events set what they tell, so they
may come in any order and any number of times.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from clientela.checks import invalid
from clientela.errors import Conflict, InvalidInput, NotFound, load
from clientela.events import Event
from clientela.indicators import INDICATORS, Better
from clientela.periods import Period
from clientela.services.kpi import events
from clientela.services.kpi.dependencies import KpiStorage
from clientela.services.kpi.domain import ReportIndicators
from clientela.services.kpi.handlers import report_indicators
from clientela.services.kpi.schemas import (
    alert_schema,
    reference_schema,
    target_input,
    target_schema,
)
from clientela.services.kpi.targets import (
    Target,
    alert_id,
    define_target,
    granularity_of,
    keyed_span,
    observed_value,
    overlaps,
    period_span,
)

log = logging.getLogger(__name__)


def set_target(given: dict[str, Any], by: str, uow: KpiStorage, now: datetime) -> dict[str, Any]:
    """Put a target in force (a new version of it if it was set before); the target."""
    target = define_target(**load(target_input, given))
    return uow.save_target(target.key, _stored(target), by, now)


def set_targets(
    entries: list[Any], by: str, uow: KpiStorage, now: datetime
) -> dict[str, list[dict[str, Any]]]:
    """Put every valid entry in force; ``problems`` names each bad one by its ``position``
    (from 1) and fields, and it is left out."""
    valid: list[Target] = []
    problems = []
    for position, entry in enumerate(entries, start=1):
        try:
            valid.append(define_target(**load(target_input, entry)))
        except InvalidInput as bad:
            problems.append({"position": position, "errors": bad.errors})
    saved = [uow.save_target(target.key, _stored(target), by, now) for target in valid]
    return {"saved": saved, "problems": problems}


def in_force(uow: KpiStorage) -> list[Target]:
    """The targets in force (each one's latest version)."""
    return [_target(record) for record in uow.targets()]


def _target(record: dict[str, Any]) -> Target:
    """The target a stored record holds in force."""
    return Target(
        indicator=record["indicator"],
        value=record["value"],
        tolerance=record["tolerance"],
        direction=Better(record["direction"]),
        granularity=record["granularity"],
        period=record.get("period"),
        segment=record.get("segment") or {},
    )


def set_reference(reference: dict[str, Any], uow: KpiStorage, now: datetime) -> dict[str, Any]:
    """Set an external reference value of an indicator (replacing one with the same label and
    period); the reference."""
    if reference["indicator"] not in INDICATORS:
        raise invalid(
            "indicator", f"No indicator {reference['indicator']!r}; known: {', '.join(INDICATORS)}."
        )
    period = reference.get("period")
    if period is not None and granularity_of(period) is None:
        raise invalid(
            "period", "Must be a period key: 2026 (year), 2026-Q4, 2026-11 or 2026-11-23."
        )
    label = reference["label"].strip()
    fields = {name: reference[name] for name in ("indicator", "value", "period")}
    return uow.save_reference(
        "|".join((reference["indicator"], label, period or "*")),
        {**fields, "label": label, "set_by": reference["by"], "set_at": now},
    )


def check_targets(uow: KpiStorage, now: datetime) -> list[str]:
    """Judge every target in force on the periods it covers (see
    :meth:`~clientela.services.kpi.targets.Target.periods_to_check`) and raise an alert on
    each value out of range not alerted yet; the ids of the alerts raised now."""
    rows: dict[tuple[str, str], dict[str, Any] | None] = {}
    raised = []
    for target in in_force(uow):
        for period in target.periods_to_check(now):
            span = period_span(period, target.granularity)
            if (target.granularity, period) not in rows:
                rows[target.granularity, period] = _period_row(target.granularity, span, uow)
            value = observed_value(
                rows[target.granularity, period], target.indicator, target.segment
            )
            if not target.is_out_of_range(value, period_over=span.end <= now):
                continue
            alert = _new_alert(target, span, value, now)
            if uow.raise_alert(alert, events.indicator_out_of_range(alert)):
                raised.append(alert["_id"])
    return raised


def _period_row(granularity: str, span: Period, uow: KpiStorage) -> dict[str, Any] | None:
    """The indicators of one period, None when nothing happened in it."""
    query = ReportIndicators(granularity, span.start, span.end)
    found = [row for row in report_indicators(query, uow) if row["period"] == span.key]
    return found[0] if found else None


def _new_alert(target: Target, span: Period, value: float | None, now: datetime) -> dict[str, Any]:
    assert span.key is not None  # spans of period keys carry them
    return {
        "_id": alert_id(target.indicator, span.key, target.segment),
        "indicator": target.indicator,
        "granularity": target.granularity,
        "period": span.key,
        "period_start": span.start,
        "period_end": span.end,
        "segment": target.segment,
        "value": value,
        "target": target.value,
        "tolerance": target.tolerance,
        "direction": str(target.direction),
        "raised_at": now,
        "state": "open",
        "open": True,
    }


def find_alert(alert_id: str, uow: KpiStorage) -> dict[str, Any]:
    """The alert ``alert_id``; NotFound when there is none."""
    found = uow.alert(alert_id)
    if found is None:
        raise NotFound(f"no alert {alert_id!r}")
    return found


def dismiss_alert(
    alert_id: str, reason: str, by: str, uow: KpiStorage, now: datetime
) -> dict[str, Any]:
    """Close an open alert that calls for no action, saying why; Conflict once it is linked
    to an action or dismissed already."""
    state = find_alert(alert_id, uow)["state"]
    dismissal = {"dismissed_reason": reason, "dismissed_by": by, "dismissed_at": now}
    if not uow.change_alert(alert_id, {**dismissal, "state": "dismissed", "open": False}, "open"):
        raise Conflict(f"alert {alert_id} is {state}: only an open alert can be dismissed")
    return find_alert(alert_id, uow)


def link_action(event: Event, uow: KpiStorage) -> None:
    """An improvement action answers an alert: the alert is linked to it, no longer open."""
    _link(event.payload, {}, uow)


def record_action_outcome(event: Event, uow: KpiStorage) -> None:
    """The action answering an alert closed: its outcome is kept on the alert (linked too,
    should the opening arrive later)."""
    closed = event.payload
    outcome = {name: closed[name] for name in ("after", "effect", "target_met", "closed_at")}
    _link(closed, {"action": outcome}, uow)


def _link(action: dict[str, Any], changes: dict[str, Any], uow: KpiStorage) -> None:
    if action["alert_id"] is None:
        return
    link = {"state": "linked", "open": False, "action_id": action["action_id"], **changes}
    if not uow.change_alert(action["alert_id"], link):
        log.warning(
            "an improvement action names an alert kpi never raised",
            extra={"alert_id": action["alert_id"], "action_id": action["action_id"]},
        )


def review(
    start: datetime, end: datetime, uow: KpiStorage, open_only: bool = True
) -> dict[str, list[dict[str, Any]]]:
    """What a dashboard or report of ``[start, end)`` shows beside the indicators, as plain
    dicts: the targets in force that cover it, the alerts about its periods (only the open
    ones with ``open_only``) and the external references (those of no period or of one
    overlapping it)."""
    window = Period(start, end)
    alerts = uow.alerts_overlapping(start, end)
    references = [
        reference
        for reference in uow.references()
        if reference.get("period") is None or overlaps(keyed_span(reference["period"]), window)
    ]
    return {
        "targets": [
            target_schema.dump(record)
            for record in uow.targets()
            if _target(record).applies_to(window)
        ],
        "alerts": [alert_schema.dump(a) for a in alerts if a["open"] or not open_only],
        "references": reference_schema.dump(references, many=True),
    }


def _stored(target: Target) -> dict[str, Any]:
    """A target's fields as a version stores them."""
    return {
        "indicator": target.indicator,
        "granularity": target.granularity,
        "period": target.period,
        "segment": target.segment,
        "value": target.value,
        "tolerance": target.tolerance,
        "direction": str(target.direction),
    }
