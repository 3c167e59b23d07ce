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

Customer and loyalty facts are recorded once, keyed by what they count; a
state announced whole (a contract, a loss mark) is kept as the latest one
announced, by the event's ``occurred_at``, and a churn alarm takes its raise
and its close in either order. A complaint's fact takes its opening, its
resolutions and its breaches in any order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from clientela.events import Event
from clientela.indicators import INDICATORS
from clientela.periods import Period, parse_period, period_key, period_keys
from clientela.services.kpi.customer_indicators import (
    POINTS_KINDS,
    RECENT_UPDATE_DAYS,
    Alarm,
    CustomerHistory,
    PeriodActivity,
    contract_counts,
)
from clientela.services.kpi.dependencies import KpiStorage, NpsAnswer
from clientela.services.kpi.domain import (
    CAPTURE_DIMENSIONS,
    Change,
    Identity,
    PeriodIndicators,
    ReportIndicators,
    ReportTrends,
    change_stamp,
    completeness_stamp,
    hours_between,
    latest_per_customer,
    merge_stamp,
)
from clientela.services.kpi.fact_batch import FactWriter, FactWrites
from clientela.services.kpi.feedback_indicators import (
    CSAT_SATISFIED,
    NPS_SATISFIED,
    SERVQUAL,
    SURVEY_SCALES,
    PeriodComplaints,
    PeriodSurveys,
    Satisfaction,
    latest_satisfaction,
)
from clientela.services.kpi.indicator_rows import StoredRow
from clientela.services.kpi.trends import earliest_needed, trends


def handle_in_bulk(
    handler: Callable[[Event, FactWriter], None], events: list[Event], uow: KpiStorage
) -> None:
    """Run ``handler`` on each event of a batch, then write every fact they change at once
    (see :meth:`~clientela.services.kpi.dependencies.KpiStorage.write_facts`): the end state
    is the one the events give one by one."""
    writes = FactWrites()
    for event in events:
        handler(event, writes)
    uow.write_facts(writes)


def handle_prospect_captured(event: Event, uow: FactWriter) -> None:
    """A prospect reached clientela: it counts when and where the person was identified."""
    prospect = event.payload
    stamp = completeness_stamp(prospect["captured_at"], from_update=False)
    uow.change_prospect_fact(
        "captured",
        prospect["prospect_id"],
        _identity_change(_identity(prospect), stamp),
        _completeness_change(prospect["completeness"], stamp),
    )


def handle_prospect_updated(event: Event, uow: FactWriter) -> None:
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


def handle_survey_answered(event: Event, uow: FactWriter) -> None:
    """An NPS answer counts once, in the period it was given."""
    answer = event.payload
    uow.record_once(
        f"nps:{answer['answer_id']}",
        "nps",
        answer["customer_id"],
        answer["answered_at"],
        category=answer["category"],
    )


def handle_survey_responded(event: Event, uow: FactWriter) -> None:
    """A signed CSAT, CES or SERVQUAL answer counts once, in the period it was given;
    anonymous answers and other questions do not count."""
    response = event.payload
    kind = response["kind"]
    if kind == SERVQUAL:
        details = {"ratings": response["ratings"], "importance": response["importance"]}
    elif kind in SURVEY_SCALES:
        details = {"score": response["score"]}
    else:
        return
    if response["customer_id"] is not None:
        uow.record_once(
            f"response:{response['response_id']}",
            kind,
            response["customer_id"],
            response["answered_at"],
            **details,
        )


def handle_complaint_opened(event: Event, uow: KpiStorage) -> None:
    """A complaint counts in the period it was opened; a suggestion does not count."""
    complaint = event.payload
    if complaint["kind"] == "complaint":
        _change_complaint(uow, complaint, _earliest_at(complaint["opened_at"]))


def handle_complaint_resolved(event: Event, uow: KpiStorage) -> None:
    """A complaint's first response and its latest resolution (it may be reopened and
    resolved again) time how long it took, from when it was opened."""
    complaint = event.payload
    if complaint["kind"] != "complaint":
        return
    responded_at = complaint["responded_at"]
    resolved_at = complaint["resolved_at"]
    _change_complaint(
        uow,
        complaint,
        _earliest_at(complaint["opened_at"]),
        Change("responded_at", responded_at, {"responded_at": responded_at}, earliest=True),
        Change("resolved_at", resolved_at, {"resolved_at": resolved_at}),
    )


def handle_complaint_breached(event: Event, uow: KpiStorage) -> None:
    """A complaint that missed a target counts as breached (once, whichever target)."""
    _change_complaint(uow, event.payload, Change("breached", True, {"breached": True}))


def handle_customer_created(event: Event, uow: FactWriter) -> None:
    """A customer counts as new in the period it was created, and as active from then on;
    a captive one counts in I6."""
    customer = event.payload
    customer_id = customer["customer_id"]
    uow.record_once(
        f"customer:{customer_id}",
        "customer",
        customer_id,
        customer["created_at"],
        captive=customer["captive"],
    )


def handle_customer_updated(event: Event, uow: KpiStorage) -> None:
    """A change to a customer's record counts once (I5), when it was made."""
    update = event.payload
    uow.record_once(f"update:{event.id}", "update", update["customer_id"], update["changed_at"])


def handle_customer_lost(event: Event, uow: KpiStorage) -> None:
    """A customer counts as lost when its latest loss mark (by when it was announced) says."""
    customer_id = event.payload["customer_id"]
    lost_at = event.payload["lost_at"]
    stamp = change_stamp(event.occurred_at)
    values = {"at": lost_at, "periods": period_keys(lost_at), "lost_stamp": stamp}
    uow.change_fact(f"lost:{customer_id}", "lost", customer_id, Change("lost_stamp", stamp, values))


def handle_contract_recorded(event: Event, uow: KpiStorage) -> None:
    """A contract counts (CCT) in the period it is due, as its latest announced state says."""
    contract = event.payload
    due_at = contract["due_at"]
    stamp = change_stamp(event.occurred_at)
    values = {
        "at": due_at,
        "periods": period_keys(due_at),
        "contract_stamp": stamp,
        **contract_counts(contract["status"], due_at, contract["delivered_at"]),
    }
    uow.change_fact(
        f"contract:{contract['contract_id']}",
        "contract",
        contract["customer_id"],
        Change("contract_stamp", stamp, values),
    )


def handle_purchase_recorded(event: Event, uow: FactWriter) -> None:
    """A purchase counts once, with its amount, in the period it was made."""
    purchase = event.payload
    uow.record_once(
        f"purchase:{purchase['purchase_id']}",
        "purchase",
        purchase["customer_id"],
        purchase["purchased_at"],
        amount=str(purchase["amount"]),
        currency=purchase["currency"],
    )


def handle_points_earned(event: Event, uow: FactWriter) -> None:
    """Points credited count once, in the period they were earned."""
    _record_points(uow, "points_earned", event.payload, event.payload["earned_at"])


def handle_points_redeemed(event: Event, uow: KpiStorage) -> None:
    """Points spent on a reward count once, in the period they were redeemed."""
    _record_points(uow, "points_redeemed", event.payload, event.payload["redeemed_at"])


def handle_points_expired(event: Event, uow: KpiStorage) -> None:
    """Points that expired count once, in the period their lot expired."""
    _record_points(uow, "points_expired", event.payload, event.payload["expired_at"])


def handle_points_adjusted(event: Event, uow: KpiStorage) -> None:
    """Points added (or, negative, deducted) by hand count once, in the period of the
    adjustment."""
    _record_points(uow, "points_adjusted", event.payload, event.payload["adjusted_at"])


def handle_churn_alarm_raised(event: Event, uow: KpiStorage) -> None:
    """A churn alarm counts in the period it was raised; its customer is at risk until it
    closes."""
    alarm = event.payload
    uow.change_fact(
        f"alarm:{alarm['alarm_id']}",
        "alarm",
        alarm["customer_id"],
        _earliest_at(alarm["raised_at"]),
    )


def handle_churn_alarm_closed(event: Event, uow: KpiStorage) -> None:
    """A churn alarm closed: its customer is no longer at risk from then (the alarm counts
    as raised even when its raise arrives later)."""
    alarm = event.payload
    closed_at = alarm["closed_at"]
    uow.change_fact(
        f"alarm:{alarm['alarm_id']}",
        "alarm",
        alarm["customer_id"],
        _earliest_at(alarm["raised_at"]),
        Change("closed_at", closed_at, {"closed_at": closed_at}, earliest=True),
    )


def report_indicators(query: ReportIndicators, uow: KpiStorage) -> list[dict[str, Any]]:
    """Prospect (I1 to I4), survey, complaint, customer and loyalty indicators for every period with
    activity in the range, oldest first.

    The periods lying wholly in the range are read as stored; each run of stale ones is
    computed from the facts of its periods and stored unless a write marked it meanwhile
    (see :mod:`clientela.services.kpi.indicator_rows`). The part of a period the range
    cuts at either end is computed from the facts of that part.
    """
    rows: dict[str, dict[str, Any] | None] = {}
    stored = uow.indicator_rows(query.granularity, query.start, query.end)
    for run in _stale_runs(stored):
        span = ReportIndicators(query.granularity, run[0].start, run[-1].end)
        computed = {str(row["period"]): row for row in _computed_indicators(span, uow)}
        for stale in run:
            rows[stale.period] = computed.get(stale.period)
            uow.store_indicator_row(
                query.granularity, stale.period, stale.version, rows[stale.period]
            )
    rows.update((row.period, row.row) for row in stored if row.fresh)
    for edge in _cut_periods(query):
        rows.update((str(row["period"]), row) for row in _computed_indicators(edge, uow))
    return [row for _key, row in sorted(rows.items()) if row is not None]


def _stale_runs(stored: list[StoredRow]) -> list[list[StoredRow]]:
    """The stale rows, in runs of rows with no fresh one between them."""
    runs: list[list[StoredRow]] = [[]]
    for row in stored:
        if row.fresh:
            runs.append([])
        else:
            runs[-1].append(row)
    return [run for run in runs if run]


def _cut_periods(query: ReportIndicators) -> list[ReportIndicators]:
    """The parts of the periods the range cuts at its start and at its end, as ranges."""
    cut: list[ReportIndicators] = []
    if query.start is not None:
        first = parse_period(period_key(query.start, query.granularity))
        if first.start < query.start:
            end = first.end if query.end is None else min(first.end, query.end)
            cut.append(ReportIndicators(query.granularity, query.start, end))
    if query.end is not None:
        last = parse_period(period_key(query.end, query.granularity))
        start = last.start if query.start is None else max(last.start, query.start)
        part = ReportIndicators(query.granularity, start, query.end)
        if start < query.end and part not in cut:
            cut.append(part)
    return cut


def _computed_indicators(query: ReportIndicators, uow: KpiStorage) -> list[dict[str, Any]]:
    """The indicators of every period with activity in the range, computed from the facts
    timed in it (and, for customers, before it)."""
    periods: dict[str, PeriodIndicators] = {}
    activities: dict[str, PeriodActivity] = {}

    def period(key: str) -> PeriodIndicators:
        return periods.setdefault(key, PeriodIndicators(key))

    def activity(key: str) -> PeriodActivity:
        return activities.setdefault(key, PeriodActivity())

    span = (query.granularity, query.start, query.end)
    for captures in uow.capture_totals(*span):
        period(captures.period).count_new(
            captures.prospects, captures.origin, captures.completeness, captures.converted
        )
    for key, hours in uow.first_contact_hours(*span):
        period(key).first_contact_hours.extend(hours)
    for key, count in uow.conversion_counts(*span):
        period(key).conversions += count
    nps_answers = list(uow.nps_answers(*span))
    for key, category in latest_per_customer(nps_answers):
        period(key).nps_latest_categories.append(category)
    for key, contracts in uow.fact_totals("contract", *span, summed=("due", "on_time")):
        activity(key).contracts_due += contracts["due"]
        activity(key).contracts_on_time += contracts["on_time"]
    for purchases in uow.purchase_totals(*span):
        activity(purchases.period).count_purchases(purchases.currency, purchases.amounts)
    for kind in POINTS_KINDS:
        for key, entries in uow.fact_totals(kind, *span, summed=("points",)):
            activity(key).points[kind] += entries["points"]
    complaints: dict[str, PeriodComplaints] = {}
    for complaint in uow.complaints(*span):
        complaints.setdefault(complaint.period, PeriodComplaints()).count(complaint)
    history = _customer_history(query, uow)
    surveys = _survey_periods(query, nps_answers, uow)
    captive = uow.captive_customers(query.end) if surveys else {}
    keys = {*periods, *activities, *surveys, *complaints, *history.periods(*span)}
    reported = []
    for key in sorted(keys):
        within = _in_range(parse_period(key), query)
        reported.append(
            {
                **period(key).as_dict(),
                **activity(key).as_dict(),
                **surveys.get(key, PeriodSurveys()).as_dict(captive, within.end),
                **complaints.get(key, PeriodComplaints()).as_dict(),
                **history.figures(within),
            }
        )
    return reported


def report_trends(query: ReportTrends, uow: KpiStorage) -> list[dict[str, object]]:
    """The trends of the requested indicator(s) in every period with activity in the range,
    read with the earlier whole periods their comparisons need (the previous period, the
    rolling window, the same period a year before)."""
    span = ReportIndicators(query.granularity, query.start, query.end)
    reported = report_indicators(span, uow)
    keys = [str(row["period"]) for row in reported]
    if not keys:
        return []
    first = parse_period(earliest_needed(keys, query.granularity, query.window)).start
    earlier = report_indicators(
        ReportIndicators(query.granularity, first, parse_period(keys[0]).start), uow
    )
    names = INDICATORS if query.indicator is None else [query.indicator]
    found = trends([*earlier, *reported], keys, query.granularity, names, query.window)
    return [asdict(trend) for trend in found]


def _survey_periods(
    query: ReportIndicators, nps_answers: list[NpsAnswer], uow: KpiStorage
) -> dict[str, PeriodSurveys]:
    """The CSAT, CES and SERVQUAL answers of each period in the range, and whether each
    customer's latest CSAT or NPS answer in it is satisfied."""
    surveys: dict[str, PeriodSurveys] = {}
    span = (query.granularity, query.start, query.end)
    satisfaction = [
        Satisfaction(nps.period, nps.customer, nps.answered_at, nps.category in NPS_SATISFIED)
        for nps in nps_answers
    ]
    for kind in SURVEY_SCALES:
        for scored in uow.scored_answers(kind, *span):
            surveys.setdefault(scored.period, PeriodSurveys()).scores[kind].append(scored.score)
            if kind == "csat":
                satisfied = scored.score >= CSAT_SATISFIED
                satisfaction.append(
                    Satisfaction(scored.period, scored.customer, scored.answered_at, satisfied)
                )
    for key, customers in latest_satisfaction(satisfaction).items():
        surveys.setdefault(key, PeriodSurveys()).satisfied = customers
    for servqual in uow.servqual_answers(*span):
        surveys.setdefault(servqual.period, PeriodSurveys()).servqual.count(servqual)
    return surveys


def _customer_history(query: ReportIndicators, uow: KpiStorage) -> CustomerHistory:
    """Customers, losses and alarms up to the end of the range, and record updates from
    the recent window before its start."""
    end = query.end
    since = None if query.start is None else query.start - timedelta(days=RECENT_UPDATE_DAYS)
    return CustomerHistory(
        created={fact.subject: fact.at for fact in uow.timed_facts("customer", None, end)},
        lost={fact.subject: fact.at for fact in uow.timed_facts("lost", None, end)},
        updates=[(fact.subject, fact.at) for fact in uow.timed_facts("update", since, end)],
        alarms=[
            Alarm(fact.subject, fact.at, fact.closed_at)
            for fact in uow.timed_facts("alarm", None, end)
        ],
    )


def _in_range(period: Period, query: ReportIndicators) -> Period:
    """The part of ``period`` inside the requested range."""
    start = max(period.start, query.start) if query.start else period.start
    end = min(period.end, query.end) if query.end else period.end
    return Period(start, end, period.key)


def _record_points(uow: FactWriter, kind: str, entry: dict[str, Any], at: datetime) -> None:
    """A loyalty ledger entry of ``kind`` counts its points once, at ``at``."""
    uow.record_once(
        f"{kind}:{entry['entry_id']}", kind, entry["customer_id"], at, points=entry["points"]
    )


def _earliest_at(at: datetime) -> Change:
    """When a churn alarm was raised or a complaint opened, as every event about it says."""
    values = {"at": at, "periods": period_keys(at)}
    return Change("at", at, values, earliest=True)


def _change_complaint(uow: KpiStorage, complaint: dict[str, Any], *changes: Change) -> None:
    """Apply ``changes`` to the complaint's fact (an anonymous one has no subject)."""
    uow.change_fact(
        f"complaint:{complaint['complaint_ref']}",
        "complaint",
        complaint["customer_id"] or "",
        *changes,
    )


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
    uow: FactWriter,
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
