"""KPI use cases: record facts from events, compute indicators per period.

Each takes an event (or a query) and the service's unit of work
(:mod:`clientela.services.kpi.dependencies`).

Events arrive at least once and in any order, so every write is either
insert-once or a :class:`~clientela.services.kpi.domain.Change` kept only
over an older stamp (or a later time), and the end state does not depend on
the order.

A merged duplicate counts once: its prospect facts carry the state of its
latest merge change (``merged``, ``merge_stamp``). A merge change is written to
the prospect's ``merge`` fact and then to its existing prospect facts; a
prospect fact copies the ``merge`` fact whenever it is written, and a new one
reads it again once created. Whichever runs first, every fact ends up with
the latest change, since a change is only applied over an older stamp.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from clientela.events import Event
from clientela.periods import period_keys
from clientela.services.kpi.dependencies import KpiStorage
from clientela.services.kpi.domain import (
    CAPTURE_DIMENSIONS,
    Change,
    Identity,
    PeriodIndicators,
    ReportIndicators,
    change_stamp,
    completeness_stamp,
    hours_between,
    latest_per_customer,
    merge_stamp,
)


def handle_prospect_captured(event: Event, uow: KpiStorage) -> None:
    """A prospect reached clientela: it counts when and where the person was identified."""
    prospect = event.payload
    stamp = completeness_stamp(prospect["captured_at"], from_update=False)
    uow.change_prospect_fact(
        "captured",
        prospect["prospect_id"],
        _identity_change(_identity(prospect), stamp),
        _completeness_change(prospect["completeness"], stamp),
    )


def handle_prospect_updated(event: Event, uow: KpiStorage) -> None:
    """A prospect's profile changed: keep its latest completeness and, when the event says,
    when and where the person was first identified and first contacted.

    Events of older publishers carry no ``identified_at``: only completeness
    is kept then. A merge or an earlier capture moves identification earlier,
    an unmerge gives each person its own. The first contact is written only
    when it may have moved: after a merge or an unmerge (which may take it
    away), and after a capture of a contacted person (an earlier
    identification lengthens the time to it); interactions announce it
    themselves (:func:`handle_prospect_contacted`).
    """
    update = event.payload
    prospect_id = update["prospect_id"]
    stamp = completeness_stamp(update["updated_at"], from_update=True)
    completeness = _completeness_change(update["completeness"], stamp)
    if not update["identified_at"]:
        uow.change_prospect_fact("captured", prospect_id, completeness)
        return
    identity = _identity(update)
    uow.change_prospect_fact(
        "captured", prospect_id, _identity_change(identity, stamp), completeness
    )
    contacted = identity.first_contact_at is not None
    if update["reason"] == "merge" or (update["reason"] == "capture" and contacted):
        _set_contact(uow, prospect_id, identity.identified_at, identity.first_contact_at, stamp)


def handle_prospect_contacted(event: Event, uow: KpiStorage) -> None:
    """A prospect's first contact counts, measured from when the person was identified; a
    later log with an earlier contact supersedes it. Later contacts change nothing."""
    contact = event.payload
    if not contact["first_contact"]:
        return
    logged_at = contact["logged_at"] or contact["contacted_at"]
    _set_contact(
        uow,
        contact["prospect_id"],
        contact["identified_at"] or contact["captured_at"],
        contact["contacted_at"],
        change_stamp(logged_at, 1),
    )


def handle_prospect_converted(event: Event, uow: KpiStorage) -> None:
    """A prospect converted: counted in its period (the earliest conversion) and its cohort."""
    prospect_id = event.payload["prospect_id"]
    converted_at = event.payload["converted_at"]
    timed = {"at": converted_at, "periods": period_keys(converted_at)}
    first = Change("at", converted_at, timed, earliest=True)
    uow.change_prospect_fact("conversion", prospect_id, first)
    uow.change_prospect_fact(
        "captured", prospect_id, Change("converted", True, {"converted": True})
    )


def handle_prospect_merged(event: Event, uow: KpiStorage) -> None:
    """A duplicate was merged into another prospect: its facts stop counting."""
    _record_merge_change(uow, event.payload["merged_id"], True, event.payload["merged_at"])


def handle_prospect_unmerged(event: Event, uow: KpiStorage) -> None:
    """A merge was undone: the restored prospect's facts count again."""
    _record_merge_change(uow, event.payload["restored_id"], False, event.payload["unmerged_at"])


def handle_survey_answered(event: Event, uow: KpiStorage) -> None:
    """An NPS answer counts once, in the period it was given."""
    answer = event.payload
    uow.record_once(
        f"nps:{answer['answer_id']}",
        "nps",
        answer["customer_id"],
        answer["answered_at"],
        category=answer["category"],
    )


def report_indicators(query: ReportIndicators, uow: KpiStorage) -> list[dict[str, object]]:
    """I1 to I4 and NPS for every period with activity in the range, oldest first."""
    periods: dict[str, PeriodIndicators] = {}

    def period(key: str) -> PeriodIndicators:
        return periods.setdefault(key, PeriodIndicators(key))

    span = (query.granularity, query.start, query.end)
    for captures in uow.capture_totals(*span):
        period(captures.period).count_new(
            captures.prospects, captures.origin, captures.completeness, captures.converted
        )
    for key, hours in uow.first_contact_hours(*span):
        period(key).first_contact_hours.extend(hours)
    for key, count in uow.conversion_counts(*span):
        period(key).conversions += count
    for key, category in latest_per_customer(uow.nps_answers(*span)):
        period(key).nps_latest_categories.append(category)
    return [periods[key].as_dict() for key in sorted(periods)]


def _identity(prospect: dict[str, Any]) -> Identity:
    """When and where a prospect event says the person was identified (events of older
    publishers: when it was captured), and its first contact."""
    return Identity(
        prospect.get("identified_at") or prospect["captured_at"],
        {dimension: prospect[dimension] for dimension in CAPTURE_DIMENSIONS},
        prospect.get("first_contact_at"),
    )


def _identity_change(identity: Identity, stamp: str) -> Change:
    """When and where the person was first identified, as of ``stamp``: the captured
    fact then counts in that period, by that origin."""
    at = identity.identified_at
    values = {"at": at, "periods": period_keys(at), "identity_stamp": stamp, **identity.origin}
    return Change("identity_stamp", stamp, values)


def _completeness_change(completeness: float, stamp: str) -> Change:
    """The profile's completeness as measured at ``stamp``."""
    values = {"completeness": completeness, "completeness_stamp": stamp}
    return Change("completeness_stamp", stamp, values)


def _set_contact(
    uow: KpiStorage,
    prospect_id: str,
    identified_at: datetime,
    contacted_at: datetime | None,
    stamp: str,
) -> None:
    """Keep the prospect's first contact (none: it stops counting), measured from
    ``identified_at``, unless its fact holds a later state of it."""
    if contacted_at is None:
        values: dict[str, Any] = {"at": None, "periods": {}, "hours": None}
    else:
        values = {
            "at": contacted_at,
            "periods": period_keys(contacted_at),
            "hours": hours_between(identified_at, contacted_at),
        }
    contact = Change("contact_stamp", stamp, {"contact_stamp": stamp, **values})
    uow.change_prospect_fact("first_contact", prospect_id, contact)


def _record_merge_change(uow: KpiStorage, prospect_id: str, merged: bool, at: datetime) -> None:
    """The prospect was merged into another (``merged``) or restored at ``at``."""
    stamp = merge_stamp(at, merged)
    values = {"at": at, "merged": merged, "merge_stamp": stamp}
    uow.change_fact(
        f"merge:{prospect_id}", "merge", prospect_id, Change("merge_stamp", stamp, values)
    )
    uow.apply_merge_change(prospect_id, merged, stamp)
