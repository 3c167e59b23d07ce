"""kpi targets, references and alerts as use cases, on the in-memory unit of work."""

from datetime import UTC, datetime, timedelta

import pytest

from clientela.errors import Conflict, InvalidInput, NotFound
from clientela.events import new_event, parse_event
from clientela.services.kpi import handlers, monitoring
from clientela.services.kpi.dependencies import FakeKpiStorage

NOW = datetime(2026, 11, 15, 10, tzinfo=UTC)
AUG = datetime(2026, 8, 20, 9, tzinfo=UTC)


def event(event_type, **payload):
    return parse_event(new_event(event_type, payload))


def contract(contract_id, due_at, delivered_at):
    return event(
        "contract_recorded",
        contract_id=contract_id,
        customer_id="CU-1",
        value="1000.00",
        currency="MXN",
        signed_at=due_at - timedelta(days=30),
        due_at=due_at,
        delivered_at=delivered_at,
        status="delivered",
    )


def action_opened(action_id, alert_id):
    return event(
        "improvement_action_opened",
        action_id=action_id,
        alert_id=alert_id,
        indicator="CCT",
        target="90",
        before="50",
        owner="lucia",
        opened_at=NOW,
        due_at=NOW + timedelta(days=60),
    )


def action_closed(action_id, alert_id):
    return event(
        "improvement_action_closed",
        action_id=action_id,
        alert_id=alert_id,
        indicator="CCT",
        before="50",
        after="92.5",
        effect="42.5",
        target_met=True,
        closed_at=NOW + timedelta(days=50),
    )


@pytest.fixture
def uow():
    return FakeKpiStorage()


@pytest.fixture
def late_quarter(uow):
    """2026-Q3: one contract of two delivered on time, CCT 50 %."""
    handlers.handle_contract_recorded(contract("K-1", AUG, AUG - timedelta(days=1)), uow)
    handlers.handle_contract_recorded(contract("K-2", AUG, AUG + timedelta(days=9)), uow)
    return uow


def cct_target(uow, by="lucia", **changes):
    given = {"indicator": "CCT", "value": 90, "tolerance": 5, "granularity": "quarter"}
    return monitoring.set_target({**given, **changes}, by, uow, NOW)


def test_a_target_set_again_is_a_new_version_and_the_latest_is_in_force(uow):
    cct_target(uow, by="lucia")
    changed = monitoring.set_target(
        {"indicator": "CCT", "value": 95, "tolerance": 2, "granularity": "quarter"},
        "marta",
        uow,
        NOW + timedelta(days=1),
    )

    assert (changed["value"], changed["tolerance"], changed["set_by"]) == (95, 2, "marta")
    assert [(v["value"], v["set_by"]) for v in changed["history"]] == [
        (90, "lucia"),
        (95, "marta"),
    ]
    [target] = monitoring.in_force(uow)
    assert (target.value, target.tolerance, str(target.direction)) == (95, 2, "higher")


def test_a_file_of_targets_keeps_the_good_entries_and_names_the_bad_by_position(uow):
    entries = [
        {"indicator": "CCT", "value": 90, "tolerance": 5, "granularity": "quarter"},
        {"indicator": "CTT", "value": 90},
        {"indicator": "complaints", "value": "many"},
        "NPS 30",
        {"indicator": "I1_by_source", "value": 40, "segment": {"source": "fairs"}},
        {"indicator": "NPS", "value": 30, "period": "2026-Q4"},
        {"indicator": "SC", "value": "85", "tolerance": "2.5", "segment": {}},  # read as text
    ]

    loaded = monitoring.set_targets(entries, "lucia", uow, NOW)

    assert [(t["indicator"], t["value"]) for t in loaded["saved"]] == [
        ("CCT", 90),
        ("NPS", 30),
        ("SC", 85),
    ]
    problems = {p["position"]: p["errors"] for p in loaded["problems"]}
    assert sorted(problems) == [2, 3, 4, 5]
    assert "No indicator 'CTT'" in problems[2]["indicator"][0]
    assert problems[3] == {"value": ["Not a valid number."]}
    assert "_schema" in problems[4]
    assert "say whether higher or lower is better" in problems[5]["direction"][0]
    assert sorted(t.indicator for t in monitoring.in_force(uow)) == ["CCT", "NPS", "SC"]


def test_a_value_out_of_range_raises_one_alert_however_often_it_is_checked(late_quarter):
    uow = late_quarter
    cct_target(uow)

    raised = monitoring.check_targets(uow, NOW)
    again = monitoring.check_targets(uow, NOW + timedelta(minutes=1))

    [alert_id] = raised
    assert again == []
    [announced] = uow.events.envelopes
    assert announced["type"] == "indicator_out_of_range"
    assert announced["payload"] == {
        "alert_id": alert_id,
        "indicator": "CCT",
        "period": "2026-Q3",
        "granularity": "quarter",
        "segment": {},
        "value": 50.0,
        "target": 90.0,
        "tolerance": 5.0,
        "direction": "higher",
        "raised_at": NOW.isoformat(),
    }
    [listed] = uow.alerts(open_only=True)
    assert (listed["_id"], listed["state"], listed["value"]) == (alert_id, "open", 50.0)


def test_a_value_within_tolerance_raises_nothing(late_quarter):
    cct_target(late_quarter, value=52, tolerance=2)

    assert monitoring.check_targets(late_quarter, NOW) == []
    assert late_quarter.events.envelopes == []


def test_a_target_on_a_segment_judges_that_segment(uow):
    for number, source in enumerate(["fairs", "web", "web"]):
        handlers.handle_prospect_captured(
            event(
                "prospect_captured",
                prospect_id=f"P-{number}",
                source=source,
                captured_at=AUG,
                identified_at=AUG,
                completeness=50.0,
                score=10,
            ),
            uow,
        )
    given = {"value": 2, "granularity": "quarter", "direction": "higher"}
    for source in ("fairs", "web"):
        monitoring.set_target(
            {"indicator": "I1_by_source", "segment": {"source": source}, **given}, "lucia", uow, NOW
        )

    monitoring.check_targets(uow, NOW)

    [alert] = uow.alerts(open_only=True)
    assert (alert["segment"], alert["value"], alert["period"]) == (
        {"source": "fairs"},
        1.0,
        "2026-Q3",
    )


def test_an_improvement_action_links_its_alert_and_its_outcome_is_kept(late_quarter):
    uow = late_quarter
    cct_target(uow)
    [alert_id] = monitoring.check_targets(uow, NOW)

    monitoring.link_action(action_opened("A-1", alert_id), uow)
    monitoring.link_action(action_opened("A-1", alert_id), uow)  # redelivered
    linked = monitoring.find_alert(alert_id, uow)
    monitoring.record_action_outcome(action_closed("A-1", alert_id), uow)

    assert (linked["state"], linked["action_id"], linked["open"]) == ("linked", "A-1", False)
    assert uow.alerts(open_only=True) == []
    outcome = monitoring.find_alert(alert_id, uow)["action"]
    assert (outcome["after"], outcome["effect"], outcome["target_met"]) == ("92.5", "42.5", True)


def test_an_action_closed_before_its_opening_arrives_still_links_the_alert(late_quarter):
    uow = late_quarter
    cct_target(uow)
    [alert_id] = monitoring.check_targets(uow, NOW)

    monitoring.record_action_outcome(action_closed("A-1", alert_id), uow)
    monitoring.link_action(action_opened("A-1", alert_id), uow)

    alert = monitoring.find_alert(alert_id, uow)
    assert (alert["state"], alert["action_id"], alert["action"]["after"]) == (
        "linked",
        "A-1",
        "92.5",
    )


def test_an_action_answering_no_alert_changes_no_alert(late_quarter):
    uow = late_quarter
    cct_target(uow)
    monitoring.check_targets(uow, NOW)

    monitoring.link_action(action_opened("A-2", None), uow)
    monitoring.link_action(action_opened("A-3", "oor-unknown"), uow)

    assert [alert["state"] for alert in uow.alerts(open_only=False)] == ["open"]


def test_an_alert_is_dismissed_with_a_reason_once_and_only_while_open(late_quarter):
    uow = late_quarter
    cct_target(uow)
    [alert_id] = monitoring.check_targets(uow, NOW)

    dismissed = monitoring.dismiss_alert(alert_id, "Supplier strike, one-off", "lucia", uow, NOW)

    assert (dismissed["state"], dismissed["dismissed_reason"]) == (
        "dismissed",
        "Supplier strike, one-off",
    )
    assert (dismissed["dismissed_by"], dismissed["open"]) == ("lucia", False)
    with pytest.raises(Conflict, match="is dismissed: only an open alert"):
        monitoring.dismiss_alert(alert_id, "again", "lucia", uow, NOW)
    with pytest.raises(NotFound):
        monitoring.dismiss_alert("oor-unknown", "no such", "lucia", uow, NOW)


def test_references_are_kept_per_indicator_label_and_period(uow):
    given = {"indicator": "NPS", "value": 32.0, "label": "Sector benchmark", "period": "2026"}
    monitoring.set_reference({**given, "by": "lucia"}, uow, NOW)
    monitoring.set_reference({**given, "value": 35.0, "by": "marta"}, uow, NOW)
    monitoring.set_reference(
        {**given, "label": "2025 audit", "period": None, "by": "lucia"}, uow, NOW
    )

    assert [(r["label"], r["value"]) for r in uow.references()] == [
        ("2025 audit", 32.0),
        ("Sector benchmark", 35.0),
    ]
    with pytest.raises(InvalidInput) as refused:
        monitoring.set_reference({**given, "indicator": "NSP", "by": "lucia"}, uow, NOW)
    assert "No indicator 'NSP'" in refused.value.errors["indicator"][0]


def test_the_review_of_a_quarter_gathers_its_targets_alerts_and_references(late_quarter):
    uow = late_quarter
    cct_target(uow)
    monitoring.set_target({"indicator": "NPS", "value": 30, "period": "2026-01"}, "ana", uow, NOW)
    monitoring.set_reference(
        {
            "indicator": "CCT",
            "value": 88.0,
            "label": "Sector benchmark",
            "period": None,
            "by": "ana",
        },
        uow,
        NOW,
    )
    [alert_id] = monitoring.check_targets(uow, NOW)
    q3 = (datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC))

    review = monitoring.review(*q3, uow)

    assert [t["indicator"] for t in review["targets"]] == ["CCT"]  # the NPS target is January's
    assert [(a["id"], a["state"]) for a in review["alerts"]] == [(alert_id, "open")]
    assert review["alerts"][0]["raised_at"] == NOW.isoformat()
    assert [r["label"] for r in review["references"]] == ["Sector benchmark"]
    monitoring.dismiss_alert(alert_id, "one-off", "ana", uow, NOW)
    assert monitoring.review(*q3, uow)["alerts"] == []
    assert len(monitoring.review(*q3, uow, open_only=False)["alerts"]) == 1
    assert monitoring.review(datetime(2026, 10, 1, tzinfo=UTC), NOW, uow)["alerts"] == []
