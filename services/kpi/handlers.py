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

from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from clientela.events import Event
from clientela.indicators import INDICATORS
from clientela.periods import Period, parse_period, period_key, period_keys
from clientela.services.kpi.customer_indicators import (
    POINTS_KINDS,
    RECENT_UPDATE_DAYS,
    CustomerCounts,
    PeriodActivity,
    contract_counts,
    customer_figures,
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
    ScoredAnswer,
    captive_satisfaction,
    latest_satisfaction,
)
from clientela.services.kpi.indicator_rows import REPORTED_PARTS, RowPart, StoredRow
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

    The periods lying wholly in the range, and the part of a period the range cuts at
    either end, are read as stored. Each part of their rows that is stale (see
    :mod:`clientela.services.kpi.indicator_rows`) is computed again from the facts it
    counts, a run of stale periods at a time, and stored unless a write marked it
    meanwhile.
    """
    whole = uow.indicator_rows(query.granularity, query.start, query.end)
    cuts = [[_cut_row(edge, uow)] for edge in _cut_periods(query)]
    figures: dict[str, dict[str, dict[str, Any] | None]] = {part: {} for part in REPORTED_PARTS}
    for rows in (whole, *cuts):
        for part, read in figures.items():
            read.update(_read_part(part, rows, query.granularity, uow))
    reported = []
    for key in sorted(set().union(*figures.values())):
        about = dict(figures["customers"].get(key) or {})
        eventful = about.pop("eventful", False)
        own = {part: figures[part].get(key) for part in OWN_PARTS}
        if eventful or any(held is not None for held in own.values()):
            row: dict[str, Any] = {"period": key}
            for part, held in own.items():
                row.update(held if held is not None else _no_figures(part, key))
            reported.append({**row, **about})
    return reported


def _read_part(
    part: str, stored: list[StoredRow], granularity: str, uow: KpiStorage
) -> dict[str, dict[str, Any] | None]:
    """The figures of part ``part`` of each row (whole periods in order, or the part of
    one a range cuts), by period: as stored where fresh, computed over each run of stale
    rows and stored again (but in a row kept nowhere)."""
    figures = {row.period: row.parts[part].figures for row in stored if row.parts[part].fresh}
    for run in _stale_runs(stored, part):
        span = ReportIndicators(granularity, run[0].start, run[-1].end)
        computed = PART_FIGURES[part](span, [row.period for row in run], uow)
        for stale in run:
            figures[stale.period] = computed.get(stale.period)
            if stale.row_id:
                version = stale.parts[part].version
                uow.store_indicator_row(stale.row_id, part, version, figures[stale.period])
    return figures


def _stale_runs(stored: list[StoredRow], part: str) -> list[list[StoredRow]]:
    """The rows whose part ``part`` is stale, in runs with no fresh one between them."""
    runs: list[list[StoredRow]] = [[]]
    for row in stored:
        if row.parts[part].fresh:
            runs.append([])
        else:
            runs[-1].append(row)
    return [run for run in runs if run]


def _cut_row(edge: ReportIndicators, uow: KpiStorage) -> StoredRow:
    """The row of the part of a period a range cuts: kept when both its ends are days
    (as the dashboard and the commands give them), otherwise a stale one kept nowhere
    (no ``row_id``)."""
    start, end = _ends_of(edge)
    if _starts_period(start, "day") and _starts_period(end, "day"):
        return uow.cut_row(edge.granularity, start, end)
    stale = dict.fromkeys(REPORTED_PARTS, RowPart(None, None, False))
    return StoredRow("", period_key(start, edge.granularity), start, end, stale)


def _ends_of(query: ReportIndicators) -> tuple[datetime, datetime]:
    """The two ends of a range computed from its facts (a run of whole periods, or the
    part of one a range cuts)."""
    if query.start is None or query.end is None:
        raise ValueError("indicators are computed over a range with both ends")
    return query.start, query.end


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


def _prospect_figures(
    query: ReportIndicators, _keys: list[str], uow: KpiStorage
) -> dict[str, dict[str, Any]]:
    """I1 to I4 of every period of the range with a counting capture, first contact or
    conversion."""
    periods: dict[str, PeriodIndicators] = {}

    def period(key: str) -> PeriodIndicators:
        return periods.setdefault(key, PeriodIndicators(key))

    span = (query.granularity, *_ends_of(query))
    for captures in uow.capture_totals(*span):
        period(captures.period).count_new(
            captures.prospects, captures.origin, captures.completeness, captures.converted
        )
    for key, hours in uow.first_contact_hours(*span):
        period(key).first_contact_hours.extend(hours)
    for key, count in uow.conversion_counts(*span):
        period(key).conversions += count
    return {key: indicators.as_dict() for key, indicators in periods.items()}


def _activity_figures(
    query: ReportIndicators, _keys: list[str], uow: KpiStorage
) -> dict[str, dict[str, Any]]:
    """CCT, purchases and points of every period of the range with such a fact."""
    activities: dict[str, PeriodActivity] = {}

    def activity(key: str) -> PeriodActivity:
        return activities.setdefault(key, PeriodActivity())

    span = (query.granularity, *_ends_of(query))
    for key, contracts in uow.fact_totals("contract", *span, summed=("due", "on_time")):
        activity(key).contracts_due += contracts["due"]
        activity(key).contracts_on_time += contracts["on_time"]
    for purchases in uow.purchase_totals(*span):
        activity(purchases.period).count_purchases(purchases.currency, purchases.amounts)
    for kind in POINTS_KINDS:
        for key, entries in uow.fact_totals(kind, *span, summed=("points",)):
            activity(key).points[kind] += entries["points"]
    return {key: period.as_dict() for key, period in activities.items()}


def _survey_figures(
    query: ReportIndicators, _keys: list[str], uow: KpiStorage
) -> dict[str, dict[str, Any]]:
    """NPS, CSAT, CES, SC and the SERVQUAL gaps of every period of the range with an
    answer: each customer's latest NPS category and satisfaction in the period count."""
    surveys: dict[str, PeriodSurveys] = {}

    def period(key: str) -> PeriodSurveys:
        return surveys.setdefault(key, PeriodSurveys())

    span = (query.granularity, *_ends_of(query))
    nps_answers = list(uow.nps_answers(*span))
    for key, category in latest_per_customer(nps_answers):
        period(key).nps_latest_categories.append(category)
    scored = {kind: list(uow.scored_answers(kind, *span)) for kind in SURVEY_SCALES}
    for kind, answers in scored.items():
        for answer in answers:
            period(answer.period).scores[kind].append(answer.score)
    for key, customers in latest_satisfaction(_satisfaction(nps_answers, scored["csat"])).items():
        period(key).satisfied = customers
    for servqual in uow.servqual_answers(*span):
        period(servqual.period).servqual.count(servqual)
    return {key: answers.as_dict() for key, answers in surveys.items()}


def _complaint_figures(
    query: ReportIndicators, _keys: list[str], uow: KpiStorage
) -> dict[str, dict[str, Any]]:
    """The complaints of every period of the range in which one was opened."""
    complaints: dict[str, PeriodComplaints] = {}
    for complaint in uow.complaints(query.granularity, *_ends_of(query)):
        complaints.setdefault(complaint.period, PeriodComplaints()).count(complaint)
    return {key: opened.as_dict() for key, opened in complaints.items()}


def _no_figures(part: str, key: str) -> dict[str, Any]:
    """The figures of part ``part`` of a period with no fact it counts."""
    empty: dict[str, Callable[[], dict[str, object]]] = {
        "prospects": PeriodIndicators(key).as_dict,
        "activity": PeriodActivity().as_dict,
        "surveys": PeriodSurveys().as_dict,
        "complaints": PeriodComplaints().as_dict,
    }
    return empty[part]()


def _customer_indicators(
    query: ReportIndicators, keys: list[str], uow: KpiStorage
) -> dict[str, dict[str, Any]]:
    """The figures about customers of the periods ``keys`` and of every period of the
    range in which a customer was created, marked lost, alarmed or updated (``eventful``):
    from the customer counts before each, the record updates in and just before each, and
    who among each period's surveyed customers is a captive one (I6)."""
    start, end = _ends_of(query)
    span = (query.granularity, start, end)
    satisfied = latest_satisfaction(
        _satisfaction(uow.nps_answers(*span), uow.scored_answers("csat", *span))
    )
    since = start - timedelta(days=RECENT_UPDATE_DAYS)
    updates = [(fact.subject, fact.at) for fact in uow.timed_facts("update", since, end)]
    counts_before = _CountsBefore(query.granularity, start, end, uow)
    surveyed = {customer for customers in satisfied.values() for customer in customers}
    records = uow.customer_records({*surveyed, *(customer for customer, _at in updates)})
    captive = {
        customer: record.created_at for customer, record in records.items() if record.captive
    }
    updated = {period_key(at, query.granularity) for _customer, at in updates if at >= start}
    eventful = counts_before.eventful | updated
    figures = {}
    for key in {*keys, *eventful}:
        within = _in_range(parse_period(key), query)
        before = (counts_before(within.start), counts_before(within.end))
        figures[key] = {
            "eventful": key in eventful,
            "I6": captive_satisfaction(satisfied.get(key, {}), captive, within.end),
            **customer_figures(within, *before, updates, records),
        }
    return figures


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


PART_FIGURES: dict[str, Callable[[ReportIndicators, list[str], KpiStorage], dict[str, Any]]] = {
    "prospects": _prospect_figures,
    "activity": _activity_figures,
    "surveys": _survey_figures,
    "complaints": _complaint_figures,
    "customers": _customer_indicators,
}
"""How each reported part of a row is computed over a range, for the given periods."""
OWN_PARTS = tuple(part for part in REPORTED_PARTS if part != "customers")
"""The parts of a row made of the figures of its own facts."""


def _satisfaction(
    nps_answers: Iterable[NpsAnswer], csat_answers: Iterable[ScoredAnswer]
) -> list[Satisfaction]:
    """Whether each NPS and CSAT answer is satisfied (SC, I6)."""
    return [
        *(
            Satisfaction(nps.period, nps.customer, nps.answered_at, nps.category in NPS_SATISFIED)
            for nps in nps_answers
        ),
        *(
            Satisfaction(csat.period, csat.customer, csat.answered_at, csat.score >= CSAT_SATISFIED)
            for csat in csat_answers
        ),
    ]


class _CountsBefore:
    """The customer counts before each boundary of the periods of a range with both ends
    (``start``, ``end``), and the periods of the range in which a customer was created,
    marked lost or alarmed (``eventful``).

    A range of whole periods adds the counts kept per period to those before its start;
    the part of a period a range cuts asks the storage at its two ends.
    """

    def __init__(self, granularity: str, start: datetime, end: datetime, uow: KpiStorage) -> None:
        self.eventful: set[str] = set()
        known = {start: uow.customer_counts_before(start)}
        if _starts_period(start, granularity) and _starts_period(end, granularity):
            total = known[start]
            for key, counts in sorted(uow.customer_counts(granularity, start, end).items()):
                total += counts
                known[parse_period(key).end] = total
                if counts.eventful:
                    self.eventful.add(key)
        else:
            known[end] = uow.customer_counts_before(end)
            if (known[end] - known[start]).eventful:
                self.eventful.add(period_key(start, granularity))
        self._moments = list(known)  # in order
        self._counts = list(known.values())

    def __call__(self, moment: datetime) -> CustomerCounts:
        """The counts before ``moment``, a boundary of the range's periods."""
        return self._counts[bisect_right(self._moments, moment) - 1]


def _starts_period(moment: datetime, granularity: str) -> bool:
    """Whether ``moment`` is the start of a ``granularity`` period."""
    return parse_period(period_key(moment, granularity)).start == moment


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
