"""Churn risk and the loyalty matrix on the service's facts: scores, alarms, quadrants."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from clientela.errors import Conflict, InvalidInput, NotFound
from clientela.events import new_event, parse_event
from clientela.services.loyalty import handlers, retention
from clientela.services.loyalty.dependencies import FakeLoyaltyStorage

NOW = datetime(2026, 12, 1, tzinfo=UTC)
SINCE = datetime(2025, 1, 1, tzinfo=UTC)


def days_ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


def purchase(purchase_id: str, at: datetime, customer_id: str = "C-ana"):
    payload = {
        "purchase_id": purchase_id,
        "customer_id": customer_id,
        "amount": Decimal("100"),
        "currency": "MXN",
        "purchased_at": at,
    }
    return parse_event(new_event("purchase_recorded", payload))


def answer(answer_id: str, score: int, at: datetime, customer_id: str = "C-ana"):
    payload = {
        "answer_id": answer_id,
        "customer_id": customer_id,
        "survey": "nps",
        "score": score,
        "category": "detractor" if score <= 6 else "promoter",
        "channel": "web",
        "answered_at": at,
    }
    return parse_event(new_event("survey_answered", payload))


def customer_created(customer_id: str):
    payload = {
        "customer_id": customer_id,
        "prospect_id": f"P-{customer_id}",
        "name": customer_id,
        "email": None,
        "captive": True,
        "created_at": SINCE,
    }
    return parse_event(new_event("customer_created", payload))


@pytest.fixture
def uow(monkeypatch):
    """Ana, a customer since 2025 whose last purchase was 120 days ago."""
    monkeypatch.setattr(retention, "utcnow", lambda: NOW)
    storage = FakeLoyaltyStorage()
    handlers.remember_customer(customer_created("C-ana"), storage)
    retention.note_purchase(purchase("F-1", days_ago(120)), storage)
    return storage


def alarm_events(uow) -> list[tuple[str, dict]]:
    return [(e["type"], e["payload"]) for e in uow.events.envelopes if "alarm" in e["type"]]


@pytest.fixture
def alarmed(uow):
    """Ana, idle and then a detractor: her alarm is raised."""
    retention.note_answer(answer("A-1", 3, days_ago(10)), uow)
    return uow


def test_inactivity_plus_a_detractor_answer_raises_one_alarm_with_its_reasons(uow):
    assert alarm_events(uow) == []  # idle alone is below the threshold

    retention.note_answer(answer("A-1", 3, days_ago(10)), uow)
    retention.note_answer(answer("A-1", 3, days_ago(10)), uow)  # delivered again
    retention.review_risks(uow)

    [(kind, raised)] = alarm_events(uow)
    assert (kind, raised["alarm_id"], raised["score"]) == ("churn_alarm_raised", "C-ana-1", 60)
    assert [(r["signal"], r["detail"]) for r in raised["reasons"]] == [
        ("inactive", "120 days idle (last purchase 2026-08-03)"),
        ("unhappy_answer", "answered NPS 3 on 2026-11-21"),
    ]
    [listed] = retention.alarms(live_only=True, uow=uow)
    assert (listed["_id"], listed["state"]) == ("C-ana-1", "open")
    assert uow.find_member("C-ana")["risk_score"] == 60


def test_a_scoring_racing_another_that_raises_the_alarm_raises_no_second_one(uow):
    """The daily review and an answer's rescoring interleave: the review raises the
    alarm just as the answer's scoring is reading whether one is live."""
    uow.add_answer_fact("A-1", "C-ana", days_ago(10), 3, None)  # not scored yet
    read_live = uow.live_alarm

    def live_alarm_raised_meanwhile(customer_id):
        uow.live_alarm = read_live
        retention.assess_risk(customer_id, uow)  # the racing scoring
        return None  # what this scoring read before the other one's insert

    uow.live_alarm = live_alarm_raised_meanwhile
    retention.assess_risk("C-ana", uow)

    assert [raised["alarm_id"] for _, raised in alarm_events(uow)] == ["C-ana-1"]
    assert [a["_id"] for a in retention.alarms(live_only=True, uow=uow)] == ["C-ana-1"]


def complaint(event_type: str, ref: str, customer_id: str | None = "C-ana", **fields):
    common = {"complaint_ref": ref, "customer_id": customer_id, "category": "delivery"}
    common["severity"] = "high"
    opened = {"kind": "complaint", "opened_at": days_ago(20), **fields}
    payloads = {
        "complaint_opened": {
            **opened,
            "response_due_at": days_ago(19),
            "resolution_due_at": days_ago(15),
        },
        "complaint_resolved": {
            **opened,
            "responded_at": days_ago(10),
            "resolved_at": days_ago(5),
            "resolution": "replaced",
        },
        "complaint_breached": {"deadline": "response", "due_at": days_ago(19)},
    }
    return parse_event(new_event(event_type, {**common, **payloads[event_type]}))


def test_a_breached_complaint_of_an_idle_customer_raises_the_alarm(uow):
    retention.note_complaint(complaint("complaint_opened", "Q-1"), uow)
    assert alarm_events(uow) == []  # idle (35) and an open complaint (10): below 50

    retention.note_complaint(complaint("complaint_breached", "Q-1"), uow)
    retention.note_complaint(complaint("complaint_resolved", "Q-1"), uow)
    retention.note_complaint(complaint("complaint_breached", "Q-1"), uow)  # delivered again

    [(kind, raised)] = alarm_events(uow)
    assert (kind, raised["score"]) == ("churn_alarm_raised", 55)
    assert [(r["signal"], r["detail"]) for r in raised["reasons"]] == [
        ("inactive", "120 days idle (last purchase 2026-08-03)"),
        ("breached_complaint", "complaint Q-1 breached"),
    ]


def test_anonymous_complaints_and_suggestions_do_not_weigh_on_anyone(uow):
    retention.note_complaint(complaint("complaint_opened", "Q-1", customer_id=None), uow)
    retention.note_complaint(complaint("complaint_opened", "S-1", kind="suggestion"), uow)

    assert uow.complaint_facts("C-ana") == []
    assert uow.find_member("C-ana")["risk_score"] == 35


def test_a_purchase_bringing_the_score_down_clears_the_alarm(alarmed):
    retention.note_purchase(purchase("F-2", days_ago(1)), alarmed)

    kind, cleared = alarm_events(alarmed)[-1]
    assert (kind, cleared["outcome"]) == ("churn_alarm_closed", "cleared")
    assert retention.alarms(live_only=True, uow=alarmed) == []


def test_an_alarm_is_acknowledged_then_closed_with_its_outcome_once(alarmed):
    acknowledged = retention.acknowledge_alarm("C-ana-1", "maria", alarmed)
    assert (acknowledged["state"], acknowledged["acknowledged_by"]) == ("acknowledged", "maria")
    assert retention.acknowledge_alarm("C-ana-1", "maria", alarmed) == acknowledged

    closed = retention.close_alarm("C-ana-1", "retained", alarmed)
    assert retention.close_alarm("C-ana-1", "retained", alarmed) == closed

    assert (closed["state"], closed["outcome"]) == ("closed", "retained")
    assert [kind for kind, _ in alarm_events(alarmed)] == [
        "churn_alarm_raised",
        "churn_alarm_closed",
    ]
    with pytest.raises(Conflict, match="closed"):
        retention.close_alarm("C-ana-1", "lost", alarmed)
    with pytest.raises(Conflict, match="closed"):
        retention.acknowledge_alarm("C-ana-1", "maria", alarmed)


def test_a_still_risky_customer_gets_a_new_alarm_once_the_last_one_is_closed(alarmed):
    retention.close_alarm("C-ana-1", "false_alarm", alarmed)
    retention.review_risks(alarmed)

    assert [a["_id"] for a in retention.alarms(live_only=True, uow=alarmed)] == ["C-ana-2"]


@pytest.mark.parametrize(
    ("alarm_id", "outcome", "error", "names"),
    [("C-nobody-1", "lost", NotFound, "alarm_id"), ("C-ana-1", "won", InvalidInput, "outcome")],
)
def test_closing_an_unknown_alarm_or_with_an_unknown_outcome_is_refused(
    alarmed, alarm_id, outcome, error, names
):
    with pytest.raises(error, match=names):
        retention.close_alarm(alarm_id, outcome, alarmed)


def test_facts_of_a_customer_loyalty_does_not_know_yet_are_kept_unscored(uow):
    retention.note_answer(answer("A-9", 0, days_ago(1), customer_id="C-new"), uow)

    assert retention.assess_risk("C-new", uow) is None
    assert [a["_id"] for a in uow.answer_facts("C-new")] == ["A-9"]


def test_the_matrix_places_customers_by_their_latest_answer_and_their_purchases(alarmed):
    handlers.remember_customer(customer_created("C-luis"), alarmed)
    for number, days in enumerate((200, 40)):
        retention.note_purchase(purchase(f"L-{number}", days_ago(days), "C-luis"), alarmed)
    retention.note_answer(answer("A-2", 9, days_ago(5), "C-luis"), alarmed)
    handlers.remember_customer(customer_created("C-eva"), alarmed)

    placed = retention.matrix("2026", alarmed)

    assert placed["counts"] == {"loyal": 1, "mercenary": 0, "hostage": 0, "defector": 1}
    assert placed["quadrants"]["loyal"] == ["C-luis"]
    assert placed["quadrants"]["defector"] == ["C-ana"]
    assert placed["unplaced"] == ["C-eva"]


def test_a_dissatisfied_csat_answer_counts_as_an_unhappy_one(uow):
    nps = answer("A-1", 2, days_ago(3))
    # the catalogue announces NPS answers only so far; CSAT ones are read the same way
    retention.note_answer(replace(nps, payload={**nps.payload, "survey": "csat"}), uow)

    [(_, raised)] = alarm_events(uow)
    assert raised["reasons"][-1]["detail"] == "answered CSAT 2 on 2026-11-28"
