"""kpi's handlers find facts through indexes only, whatever the order of events.

A handler whose query SecantusDB answers with a collection scan slows down
with every fact stored: with ``$or`` (27.7 ms at 2,000 facts, 200 ms at
6,083), or ``{subject, kind: {$in: [...]}}`` as merges sent it (90 ms at
1,000 facts, 2 s at 30,000). SecantusDB's ``explain`` cannot tell: it reports
a collection scan for ``{_id: X, stamp: {$lt: S}}`` too, which the server
answers with a point lookup on ``_id`` (about 1 ms from 1,000 to 100,000
facts). So every command the handlers send is checked for the forms the
server answers by index: event handlers find each fact by ``_id`` (a value
or ``$in`` values), the indicators find facts by ``kind`` and ``at`` alone
(index ``kind_1_at_1``; with ``merged`` in the same filter SecantusDB read
every fact of the kind whatever the range: 290 ms instead of 50 for a day
out of 10,000 facts).
"""

import json
from datetime import UTC, datetime, timedelta

import pymongo
import pytest
from pymongo import monitoring

from clientela.events import new_event, parse_event
from clientela.services.kpi import handlers
from clientela.services.kpi import monitoring as alerting
from clientela.services.kpi.dependencies import KpiStorage
from clientela.services.kpi.domain import ReportIndicators
from clientela.storage import RecordedEvents

QUERYING = ("find", "update", "findAndModify", "delete", "count", "aggregate")


class QueryRecorder(monitoring.CommandListener):
    """Keeps every query command sent to the kpi database."""

    def __init__(self, database):
        self.database = database
        self.commands = []

    def started(self, event):
        if event.database_name == self.database and event.command_name in QUERYING:
            self.commands.append(event.command)

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


@pytest.fixture
def recorded(clientela_settings):
    """(kpi unit of work over a client of its own, the recorder of its queries)."""
    recorder = QueryRecorder(clientela_settings.database_name("kpi"))
    client = pymongo.MongoClient(
        clientela_settings.mongo_uri, tz_aware=True, event_listeners=[recorder]
    )
    yield KpiStorage(client[clientela_settings.database_name("kpi")], RecordedEvents()), recorder
    client.close()


def event(event_type, **payload):
    return parse_event(new_event(event_type, payload))


def test_handlers_find_facts_by_index_and_converge_in_any_order(recorded):
    uow, recorder = recorded
    early = datetime(2026, 3, 1, 9, tzinfo=UTC)
    late = early + timedelta(days=40)
    merged_at = early - timedelta(days=30)
    scanned = {"source": "fairs", "identified_at": early - timedelta(days=1)}
    merge = {"source": "webforms", "identified_at": merged_at}
    update = {"prospect_id": "p1", "score": 10, "reason": "edit"}
    capture = {"prospect_id": "p1", "captured_at": early, "completeness": 40.0, "score": 10}
    # the newest states arrive first; older ones, and redeliveries, must not win
    events = [
        event(
            "prospect_updated",
            **{**update, **merge, "reason": "merge"},
            completeness=80.0,
            updated_at=late,
            first_contact_at=early + timedelta(hours=5),
        ),
        event(
            "prospect_contacted",
            interaction_id="i1",
            prospect_id="p1",
            kind="call",
            mode="phone",
            first_contact=True,
            captured_at=early,
            contacted_at=early + timedelta(days=2),
            logged_at=early,
        ),
        event("prospect_captured", **capture, **scanned),
        event(
            "prospect_updated",
            **update,
            **scanned,
            completeness=70.0,
            updated_at=early + timedelta(days=1),
        ),
        event("prospect_captured", **capture, **scanned),
        event(
            "prospect_converted",
            prospect_id="p1",
            source="fairs",
            captured_at=early,
            converted_at=late,
            basis="contract",
        ),
        event("prospect_unmerged", survivor_id="p0", restored_id="p1", by="ana", unmerged_at=late),
        event(
            "prospect_merged",
            survivor_id="p0",
            merged_id="p1",
            reason="x",
            by="ana",
            merged_at=early,
        ),
        event(
            "survey_answered",
            answer_id="a1",
            customer_id="c1",
            survey="nps",
            score=9,
            category="promoter",
            channel="email",
            answered_at=early,
        ),
    ]
    for received in events:
        getattr(handlers, f"handle_{received.type}")(received, uow)

    captured = uow.fact("captured:p1")
    contact = uow.fact("first_contact:p1")
    assert (captured["at"], captured["source"]) == (merged_at, "webforms")
    assert captured["completeness"] == 80.0  # the latest measure, whatever came first
    assert (contact["hours"], contact["merged"]) == (30 * 24 + 5, False)  # unmerge: latest change
    assert captured["converted"] and not captured["merged"]
    assert_handlers_use_indexes(recorder.commands)
    assert "$or" not in json.dumps(recorder.commands, default=str)

    recorder.commands.clear()
    handlers.report_indicators(ReportIndicators("month", early), uow)

    assert_report_uses_indexes(recorder.commands)


def test_batches_find_facts_by_id_and_end_as_events_one_by_one(recorded):
    uow, recorder = recorded
    early = datetime(2026, 3, 1, 9, tzinfo=UTC)
    origin = {"source": "fairs", "fair": "Expo Norte 2026", "identified_at": early}
    capture = {"captured_at": early, "completeness": 40.0, "score": 10, **origin}
    update = {"score": 20, "reason": "edit", "updated_at": early + timedelta(days=1), **origin}
    merge = {"survivor_id": "p0", "merged_id": "p2", "reason": "x", "by": "ana"}
    handlers.handle_prospect_merged(event("prospect_merged", **merge, merged_at=early), uow)
    recorder.commands.clear()
    updates = [
        event("prospect_updated", prospect_id=f"p{n}", **update, completeness=90.0)
        for n in range(1, 4)
    ]
    captures = [event("prospect_captured", prospect_id=f"p{n}", **capture) for n in range(1, 4)]

    handlers.handle_in_bulk(handlers.handle_prospect_updated, updates[:2], uow)
    handlers.handle_in_bulk(handlers.handle_prospect_captured, [*captures, captures[0]], uow)
    handlers.handle_in_bulk(handlers.handle_prospect_updated, updates, uow)

    facts = [uow.fact(f"captured:p{n}") for n in range(1, 4)]
    assert [(fact["at"], fact["completeness"]) for fact in facts] == [(early, 90.0)] * 3
    assert [fact.get("merged", False) for fact in facts] == [False, True, False]
    assert_handlers_use_indexes(recorder.commands)


def test_customer_and_loyalty_handlers_find_facts_by_index(recorded):
    uow, recorder = recorded
    due = datetime(2026, 3, 20, tzinfo=UTC)
    raised = due - timedelta(days=10)
    contract = {
        "contract_id": "k1",
        "customer_id": "c1",
        "value": "1000.00",
        "currency": "EUR",
        "signed_at": raised,
        "due_at": due,
    }
    delivered = dict(delivered_at=due - timedelta(days=1), status="delivered")
    reasons = [{"signal": "inactivity", "points": 80, "detail": "no purchase"}]
    alarm = {"alarm_id": "al1", "customer_id": "c1", "raised_at": raised}
    events = [
        event("customer_created", customer_id="c1", name="Ana", captive=True, created_at=raised),
        event(
            "customer_updated",
            customer_id="c1",
            changed_by="ana",
            changed_at=due,
            changed_fields=["phone"],
        ),
        event("customer_lost", customer_id="c1", lost_at=due, reason="moved away"),
        parse_event(new_event("contract_recorded", {**contract, **delivered}, due)),
        parse_event(new_event("contract_recorded", {**contract, "status": "open"}, raised)),
        event(
            "purchase_recorded",
            purchase_id="u1",
            customer_id="c1",
            amount="10.50",
            currency="EUR",
            purchased_at=raised,
        ),
        event(
            "points_earned",
            entry_id="e1",
            customer_id="c1",
            points=10,
            reason="x",
            earned_at=raised,
        ),
        event(
            "points_redeemed",
            entry_id="r1",
            customer_id="c1",
            points=5,
            reward="mug",
            reason="x",
            redeemed_at=due,
        ),
        event(
            "points_expired", entry_id="x1", customer_id="c1", points=5, lot="e1", expired_at=due
        ),
        event(
            "points_adjusted",
            entry_id="a1",
            customer_id="c1",
            points=-5,
            reason="duplicate purchase",
            operator="maria",
            adjusted_at=due,
        ),
        event("churn_alarm_closed", **alarm, outcome="retained", closed_at=due),
        event("churn_alarm_raised", **alarm, score=80, reasons=reasons),
    ]
    for received in [*events, *events]:  # every event redelivered
        getattr(handlers, f"handle_{received.type}")(received, uow)

    assert uow.fact("contract:k1")["on_time"] == 1  # the latest state, though it came first
    assert uow.fact("alarm:al1")["at"] == raised
    assert_handlers_use_indexes(recorder.commands)

    recorder.commands.clear()
    [march] = handlers.report_indicators(ReportIndicators("month", raised), uow)

    assert (march["CCT"], march["purchases"], march["points_earned"]) == (100.0, 1, 10)
    assert_report_uses_indexes(recorder.commands)


def test_feedback_handlers_find_facts_by_index(recorded):
    uow, recorder = recorded
    opened_at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    complaint = {
        "complaint_ref": "k1",
        "customer_id": "c1",
        "kind": "complaint",
        "category": "billing",
        "severity": "high",
        "opened_at": opened_at,
    }
    events = [
        event(
            "complaint_breached",
            complaint_ref="k1",
            customer_id="c1",
            category="billing",
            severity="high",
            deadline="response",
            due_at=opened_at + timedelta(hours=24),
        ),
        event(
            "complaint_resolved",
            **complaint,
            responded_at=opened_at + timedelta(hours=30),
            resolved_at=opened_at + timedelta(hours=40),
            resolution="refunded",
        ),
        event(
            "complaint_opened",
            **complaint,
            response_due_at=opened_at + timedelta(hours=24),
            resolution_due_at=opened_at + timedelta(days=5),
        ),
    ]
    events.append(
        event(
            "survey_responded",
            response_id="r1",
            survey_id="s1",
            question="q1",
            version=1,
            kind="csat",
            customer_id="c1",
            score=5,
            channel="email",
            answered_at=opened_at,
        )
    )
    for received in [*events, *events]:  # every event redelivered
        getattr(handlers, f"handle_{received.type}")(received, uow)

    assert_handlers_use_indexes(recorder.commands)

    recorder.commands.clear()
    [march] = handlers.report_indicators(ReportIndicators("month", opened_at), uow)

    assert (march["complaints"], march["complaints_breached"], march["CSAT"]) == (1, 1, 100.0)
    assert march["complaint_resolution_hours_median"] == 40.0
    assert_report_uses_indexes(recorder.commands)


def assert_handlers_use_indexes(commands):
    """Facts are found by ``_id``; indicator rows by ``_id``, or by ``end`` alone when a
    customer fact marks every row ending after it."""
    assert commands, "no query was recorded"
    assert [c for c in commands if not (_by_id(c) or _marks_later_rows(c))] == []


def assert_report_uses_indexes(commands):
    """Facts are found by ``kind`` and ``at`` alone, by ``kind`` and ``closed_at`` alone
    (alarms closed in a period) or by ``_id``; indicator rows by ``_id``, by
    ``granularity`` and ``start`` alone, or marked by ``end`` alone."""
    facts = [command for command in commands if _collection(command) == "facts"]
    rows = [command for command in commands if _collection(command) == "indicator_rows"]
    matches = [
        command["pipeline"][0]["$match"] if "pipeline" in command else command["filter"]
        for command in facts
        if not _by_id(command)
    ]
    indexed = ({"kind", "at"}, {"kind", "closed_at"})
    assert matches and all(set(match) in indexed for match in matches), matches
    listed = [c for c in rows if "filter" in c and set(c["filter"]) == {"granularity", "start"}]
    assert listed, rows
    others = [c for c in rows if c not in listed]
    assert [c for c in others if not (_by_id(c) or _marks_later_rows(c))] == []
    assert len(facts) + len(rows) == len(commands)


def _collection(command):
    return command[next(iter(command))]


def _marks_later_rows(command):
    """Whether ``command`` marks indicator rows by ``_id``, those ending after a time by
    ``end`` alone, or the rows of cut periods by ``granularity`` and ``start`` (index
    ``granularity_1_start_1``)."""
    filters = [update["q"] for update in command.get("updates", [])]
    return _collection(command) == "indicator_rows" and all(
        _point_lookup(found.get("_id"))
        or list(found) == ["end"]
        or (found.get("granularity") == "cut" and set(found) == {"granularity", "start", "end"})
        for found in filters
    )


def _by_id(command):
    """Whether ``command`` finds the documents it reads or writes by ``_id`` alone."""
    filters = [update["q"] for update in command.get("updates", [])]
    if "filter" in command:
        filters.append(command["filter"])
    return bool(filters) and all(_point_lookup(found.get("_id")) for found in filters)


def _point_lookup(value):
    if isinstance(value, dict):
        return list(value) == ["$in"] and all(isinstance(v, str) for v in value["$in"])
    return isinstance(value, str)


def test_alerts_are_raised_linked_and_dismissed_by_id_and_listed_by_index(recorded):
    uow, recorder = recorded
    now = datetime(2026, 11, 15, 10, tzinfo=UTC)
    due = datetime(2026, 11, 3, tzinfo=UTC)
    for contract_id in ("k1", "k2"):
        contract = {
            "contract_id": contract_id,
            "customer_id": "c1",
            "value": "1000.00",
            "currency": "EUR",
            "signed_at": due - timedelta(days=30),
            "due_at": due,
            "delivered_at": due + timedelta(days=2),
            "status": "delivered",
        }
        handlers.handle_contract_recorded(event("contract_recorded", **contract), uow)
    for indicator in ("CCT", "contracts_on_time"):
        alerting.set_target({"indicator": indicator, "value": 90}, "ana", uow, now)
    recorder.commands.clear()

    late, none_on_time_in_october = alerting.check_targets(uow, now)
    opened = {
        "action_id": "A-1",
        "alert_id": late,
        "indicator": "CCT",
        "target": "90",
        "before": "0",
        "owner": "ana",
        "opened_at": now,
        "due_at": now + timedelta(days=30),
    }
    alerting.link_action(event("improvement_action_opened", **opened), uow)
    alerting.dismiss_alert(
        none_on_time_in_october, "both shipments held at customs", "ana", uow, now
    )
    uow.alerts(open_only=True)
    uow.alerts_overlapping(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))

    on_alerts = [c for c in recorder.commands if c.get(next(iter(c))) == "alerts"]
    filters = [
        found
        for command in on_alerts
        for found in [
            command.get("filter"),
            command.get("query"),
            *(u["q"] for u in command.get("updates", [])),
        ]
        if found is not None
    ]
    assert filters
    indexed = [
        found
        for found in filters
        if isinstance(found.get("_id"), str) or set(found) in ({"open"}, {"period_start"})
    ]
    assert filters == indexed
    assert uow.alert(late)["state"] == "linked"
    assert uow.alert(none_on_time_in_october)["state"] == "dismissed"


def answer_daily(uow, days):
    """A promoter's NPS answer a day from March 2nd, 2026, by a customer each."""
    for number in range(days):
        handlers.handle_survey_answered(
            event(
                "survey_answered",
                answer_id=f"a{number}",
                customer_id=f"c{number}",
                survey="nps",
                score=10,
                category="promoter",
                channel="email",
                answered_at=datetime(2026, 3, 2, 9, tzinfo=UTC) + timedelta(days=number),
            ),
            uow,
        )


def test_fresh_periods_are_read_from_their_rows_without_a_fact(recorded):
    uow, recorder = recorded
    answer_daily(uow, days=40)
    query = ReportIndicators("week", datetime(2026, 3, 2, tzinfo=UTC))
    first = handlers.report_indicators(query, uow)
    recorder.commands.clear()

    again = handlers.report_indicators(query, uow)

    assert again == first and len(again) == 6
    assert {_collection(command) for command in recorder.commands} == {"indicator_rows"}
    assert len(recorder.commands) == 2  # the backfill marker, the rows by granularity and start


def test_a_back_dated_customer_leaves_the_later_periods_own_figures_as_stored(recorded):
    uow, recorder = recorded
    january = datetime(2026, 1, 5, 9, tzinfo=UTC)
    for month in range(6):
        at = january + timedelta(days=31 * month)
        capture = {"prospect_id": f"p{month}", "source": "fairs", "completeness": 50.0, "score": 10}
        handlers.handle_prospect_captured(
            event("prospect_captured", **capture, captured_at=at, identified_at=at), uow
        )
        customer = {"customer_id": f"c{month}", "name": f"C{month}", "captive": True}
        handlers.handle_customer_created(event("customer_created", **customer, created_at=at), uow)
    query = ReportIndicators("month", datetime(2026, 1, 1, tzinfo=UTC))
    before = {row["period"]: row for row in handlers.report_indicators(query, uow)}
    customer = {"customer_id": "c-old", "name": "Old", "captive": False}
    handlers.handle_customer_created(event("customer_created", **customer, created_at=january), uow)
    recorder.commands.clear()

    after = {row["period"]: row for row in handlers.report_indicators(query, uow)}

    assert [after[m]["new_customers"] for m in sorted(after)] == [2, 1, 1, 1, 1, 1]
    assert after["2026-06"]["retention_rate"] == 100.0  # 6 customers at its start, all kept
    assert {m: after[m]["I1_new_prospects"] for m in after} == {
        m: before[m]["I1_new_prospects"] for m in before
    }
    facts = [command for command in recorder.commands if _collection(command) == "facts"]
    kinds = {
        (command["pipeline"][0]["$match"] if "pipeline" in command else command["filter"]).get(
            "kind"
        )
        for command in facts
        if not _by_id(command)
    }
    assert kinds <= {"customer", "lost", "alarm", "update", "nps", "csat"}, kinds
    assert "captured" not in kinds


def test_a_range_cutting_a_period_on_a_day_is_read_again_from_its_row(recorded):
    uow, recorder = recorded
    answer_daily(uow, days=20)
    query = ReportIndicators("month", datetime(2026, 3, 10, tzinfo=UTC))
    first = handlers.report_indicators(query, uow)
    recorder.commands.clear()

    again = handlers.report_indicators(query, uow)

    assert again == first and [row["nps_respondents"] for row in again] == [12]
    assert {_collection(command) for command in recorder.commands} == {"indicator_rows"}
