"""Churn-risk scores with their reasons, alarm decisions and the alarm's life."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from clientela.errors import Conflict, InvalidInput
from clientela.services.loyalty.domain.churn import (
    AlarmDecision,
    AlarmOutcome,
    AlarmState,
    ChurnFacts,
    ChurnSettings,
    RiskSignal,
    alarm_decision,
    churn_risk,
    raise_alarm,
)
from clientela.services.loyalty.domain.facts import Complaint, Purchase, SurveyAnswer

NOW = datetime(2026, 12, 1, tzinfo=UTC)
SINCE = datetime(2024, 1, 1, tzinfo=UTC)


def days_ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


def bought(*days: int, amount: str = "100") -> tuple[Purchase, ...]:
    return tuple(Purchase(days_ago(day), Decimal(amount)) for day in days)


def signals(facts: ChurnFacts) -> dict[RiskSignal, int]:
    return {reason.signal: reason.points for reason in churn_risk(facts, NOW).reasons}


def test_a_steady_happy_customer_is_not_at_risk():
    facts = ChurnFacts(
        "c1", SINCE, bought(10, 40, 100, 130), answers=(SurveyAnswer(days_ago(5), nps=9),)
    )

    risk = churn_risk(facts, NOW)

    assert (risk.score, risk.reasons) == (0, ())


def test_inactivity_plus_a_detractor_answer_crosses_the_threshold():
    facts = ChurnFacts("c1", SINCE, bought(120, 200), answers=(SurveyAnswer(days_ago(30), nps=3),))

    risk = churn_risk(facts, NOW)

    assert risk.score == 60
    assert [(r.signal, r.detail) for r in risk.reasons] == [
        (RiskSignal.INACTIVE, "120 days idle (last purchase 2026-08-03)"),
        (RiskSignal.UNHAPPY_ANSWER, "answered NPS 3 on 2026-11-01"),
    ]
    assert alarm_decision(risk, None) is AlarmDecision.RAISE


def test_an_idle_customer_is_not_scored_again_for_the_fall_idleness_causes():
    facts = ChurnFacts("c1", SINCE, bought(100, 120, 150))

    assert signals(facts) == {RiskSignal.INACTIVE: 35}


def test_a_customer_who_never_bought_is_idle_since_they_became_one():
    facts = ChurnFacts("c1", days_ago(100))

    assert signals(facts) == {RiskSignal.INACTIVE: 35}
    assert churn_risk(facts, NOW).reasons[0].detail == "100 days idle (no purchase yet)"


def test_falling_purchase_frequency_and_value_are_signs():
    facts = ChurnFacts("c1", SINCE, bought(20) + bought(100, 120, 150, amount="300"))

    assert signals(facts) == {RiskSignal.FEWER_PURCHASES: 20, RiskSignal.LOWER_SPEND: 20}


def test_a_small_dip_is_not_a_fall():
    facts = ChurnFacts("c1", SINCE, bought(20, 50, 100, 150))

    assert signals(facts) == {}


def test_only_the_latest_recent_answer_counts():
    happy_again = ChurnFacts(
        "c1",
        SINCE,
        bought(5),
        answers=(SurveyAnswer(days_ago(60), nps=2), SurveyAnswer(days_ago(10), csat=5)),
    )
    long_ago = ChurnFacts("c2", SINCE, bought(5), answers=(SurveyAnswer(days_ago(400), nps=0),))
    dissatisfied = ChurnFacts("c3", SINCE, bought(5), answers=(SurveyAnswer(days_ago(1), csat=2),))

    assert signals(happy_again) == {}
    assert signals(long_ago) == {}
    assert signals(dissatisfied) == {RiskSignal.UNHAPPY_ANSWER: 25}


def test_open_and_breached_complaints_add_up_to_a_cap():
    facts = ChurnFacts(
        "c1",
        SINCE,
        bought(5),
        complaints=(
            Complaint("q1", open=True),
            Complaint("q2", open=False, breached=True),
            Complaint("q3", open=True, breached=True),
            Complaint("q4", open=False),
        ),
    )

    risk = churn_risk(facts, NOW)

    assert risk.score == 40
    assert [r.detail for r in risk.reasons] == ["complaint q2 breached", "complaint q3 breached"]


def test_a_complaint_opened_over_a_year_ago_no_longer_weighs():
    facts = ChurnFacts(
        "c1",
        SINCE,
        bought(5),
        complaints=(
            Complaint("old", open=False, breached=True, opened_at=days_ago(400)),
            Complaint("recent", open=True, opened_at=days_ago(30)),
            Complaint("told-late", open=True),  # its opening not announced yet
        ),
    )

    risk = churn_risk(facts, NOW)

    assert [r.detail for r in risk.reasons] == ["complaint recent open", "complaint told-late open"]


def test_the_score_is_capped_at_100():
    facts = ChurnFacts(
        "c1",
        SINCE,
        bought(10) + bought(100, 120, 150, amount="300"),
        answers=(SurveyAnswer(days_ago(1), nps=0),),
        complaints=(
            Complaint("q1", open=True, breached=True),
            Complaint("q2", open=False, breached=True),
        ),
    )

    assert churn_risk(facts, NOW).score == 100


@pytest.mark.parametrize(
    ("score_days", "live", "decision"),
    [
        (120, False, AlarmDecision.RAISE),
        (120, True, AlarmDecision.ALREADY_RAISED),
        (5, True, AlarmDecision.CLEAR),
        (5, False, AlarmDecision.NOTHING),
    ],
)
def test_the_alarm_decision(score_days, live, decision):
    settings = ChurnSettings(threshold=35)
    risk = churn_risk(ChurnFacts("c1", SINCE, bought(score_days)), NOW, settings)
    current = raise_alarm("a1", risk) if live else None

    assert alarm_decision(risk, current, settings) is decision


def test_a_closed_alarm_lets_a_new_one_be_raised():
    risk = churn_risk(ChurnFacts("c1", SINCE, bought(120)), NOW, ChurnSettings(threshold=35))
    closed = raise_alarm("a1", risk).close(AlarmOutcome.RETAINED, NOW)

    assert alarm_decision(risk, closed, ChurnSettings(threshold=35)) is AlarmDecision.RAISE


def test_an_alarm_is_acknowledged_then_closed_with_an_outcome():
    risk = churn_risk(ChurnFacts("c1", SINCE, bought(120)), NOW)
    alarm = raise_alarm("a1", risk)

    taken = alarm.acknowledge("ana", NOW)
    closed = taken.close("retained", NOW + timedelta(days=3))

    assert (alarm.state, alarm.reasons) == (AlarmState.OPEN, risk.reasons)
    assert (taken.state, taken.acknowledged_by) == (AlarmState.ACKNOWLEDGED, "ana")
    assert (closed.state, closed.outcome) == (AlarmState.CLOSED, AlarmOutcome.RETAINED)


def test_repeating_an_acknowledgement_or_a_close_changes_nothing():
    alarm = raise_alarm("a1", churn_risk(ChurnFacts("c1", SINCE), NOW))
    taken = alarm.acknowledge("ana", NOW)
    closed = taken.close(AlarmOutcome.LOST, NOW)

    assert taken.acknowledge("bob", NOW) == taken
    assert closed.close(AlarmOutcome.LOST, NOW + timedelta(days=1)) == closed


def test_a_closed_alarm_cannot_be_reopened_or_closed_otherwise():
    closed = raise_alarm("a1", churn_risk(ChurnFacts("c1", SINCE), NOW)).close("cleared", NOW)

    with pytest.raises(Conflict, match="a1 is closed"):
        closed.acknowledge("ana", NOW)
    with pytest.raises(Conflict, match="closed already"):
        closed.close(AlarmOutcome.RETAINED, NOW)


def test_an_unknown_outcome_is_named():
    alarm = raise_alarm("a1", churn_risk(ChurnFacts("c1", SINCE), NOW))

    with pytest.raises(InvalidInput) as refused:
        alarm.close("happy", NOW)

    assert list(refused.value.errors) == ["outcome"]


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: ChurnSettings(threshold=0), "threshold"),
        (lambda: ChurnSettings(inactive_days=0), "inactive_days"),
        (lambda: ChurnFacts("c1", datetime(2026, 1, 1)), "customer_since"),
        (lambda: SurveyAnswer(NOW, nps=11), "nps"),
        (lambda: SurveyAnswer(NOW), "nps"),
        (lambda: SurveyAnswer(NOW, csat=0), "csat"),
    ],
)
def test_bad_facts_and_settings_name_the_field(build, field):
    with pytest.raises(InvalidInput) as refused:
        build()

    assert list(refused.value.errors) == [field]
