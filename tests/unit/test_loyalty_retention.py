"""Reactive retention cases, win-back ranking and results, churn and retention rates."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from clientela.errors import Conflict, InvalidInput
from clientela.services.loyalty.domain.retention import (
    CaseState,
    LostCustomer,
    RetentionCase,
    churn_rate,
    rank_win_back,
    retention_rate,
    win_back_result,
)

AT = datetime(2026, 11, 2, tzinfo=UTC)
LATER = AT + timedelta(days=2)


def announced() -> RetentionCase:
    return RetentionCase("r1", "c1", "a competitor offers 10% less", AT)


def test_an_accepted_offer_retains_the_customer_and_every_step_is_kept():
    case = (
        announced()
        .make_offer("12% off the next renewal", AT, "maria")
        .answer(True, LATER, "maria", "takes it")
        .close("retained", LATER, "maria", "renewed")
    )

    assert (case.state, case.offer, case.accepted, case.ended_at, case.note) == (
        CaseState.RETAINED,
        "12% off the next renewal",
        True,
        LATER,
        "renewed",
    )
    assert [(step.state, step.by, step.detail) for step in case.history] == [
        (CaseState.ANNOUNCED, "customer", "a competitor offers 10% less"),
        (CaseState.OFFERED, "maria", "12% off the next renewal"),
        (CaseState.ACCEPTED, "maria", "takes it"),
        (CaseState.RETAINED, "maria", "renewed"),
    ]


def test_a_better_offer_may_follow_a_refused_one():
    case = (
        announced()
        .make_offer("5% off", AT, "maria")
        .answer(False, AT, "maria", "not enough")
        .make_offer("12% off", LATER, "luis")
    )

    assert (case.state, case.offer, case.offered_at, case.accepted) == (
        CaseState.OFFERED,
        "12% off",
        LATER,
        None,
    )
    assert case.answer(False, LATER, "luis").accepted is False


def test_a_customer_may_leave_with_or_without_an_offer():
    assert announced().close("lost", LATER, "maria").state is CaseState.LOST
    refused = announced().make_offer("5% off", AT, "maria").answer(False, AT, "maria")
    assert refused.close("lost", LATER, "maria").state is CaseState.LOST


def test_nobody_is_retained_without_an_accepted_offer():
    with pytest.raises(Conflict, match="no accepted offer"):
        announced().close("retained", LATER, "maria")
    with pytest.raises(Conflict, match="no accepted offer"):
        announced().make_offer("5% off", AT, "maria").close("retained", LATER, "maria")


def test_only_an_offer_can_be_answered_and_the_same_answer_again_changes_nothing():
    with pytest.raises(Conflict, match="no offer to answer"):
        announced().answer(True, AT, "maria")
    accepted = announced().make_offer("5% off", AT, "maria").answer(True, AT, "maria")
    assert accepted.answer(True, LATER, "maria") == accepted
    with pytest.raises(Conflict, match="no offer to answer"):
        accepted.answer(False, LATER, "maria")


def test_an_outcome_is_retained_or_lost():
    with pytest.raises(InvalidInput) as refused:
        announced().close("maybe", LATER, "maria")

    assert list(refused.value.errors) == ["outcome"]


def test_an_ended_case_stays_ended_and_repeating_its_end_changes_nothing():
    lost = announced().close("lost", LATER, "maria")

    assert lost.close("lost", LATER + timedelta(days=1), "luis") == lost
    with pytest.raises(Conflict, match="ended lost"):
        lost.make_offer("50% off", LATER, "maria")


def test_a_departure_needs_its_reason():
    with pytest.raises(InvalidInput) as refused:
        RetentionCase("r1", "c1", "  ", AT)

    assert list(refused.value.errors) == ["reason"]


def test_win_back_ranks_lost_customers_by_past_value_first():
    lost = [
        LostCustomer("small", AT, Decimal("500"), 9),
        LostCustomer("big-old", AT - timedelta(days=300), Decimal("9000"), 4),
        LostCustomer("big-recent", AT, Decimal("9000"), 4),
        LostCustomer("big-frequent", AT - timedelta(days=300), Decimal("9000"), 12),
    ]

    ranked = [c.customer_id for c in rank_win_back(lost)]

    assert ranked == ["big-frequent", "big-recent", "big-old", "small"]
    assert [c.customer_id for c in rank_win_back(lost, limit=1)] == ["big-frequent"]


def test_a_win_back_campaign_counts_only_the_targeted_who_came_back():
    result = win_back_result(["c1", "c2", "c3", "c4"], ["c2", "c4", "c9"])

    assert (result.targeted, result.won_back, result.rate) == (4, 2, 50.0)
    assert win_back_result([], ["c1"]).rate is None


def test_churn_rate_is_lost_over_active_at_the_start():
    assert churn_rate(lost_in_period=3, active_at_start=40) == 7.5
    assert churn_rate(lost_in_period=0, active_at_start=0) is None


def test_retention_rate_leaves_out_the_new_customers():
    # 40 active at the start, 10 new, 3 lost: 47 at the end, 37 of the 40 kept.
    assert retention_rate(active_at_start=40, active_at_end=47, new_in_period=10) == 92.5
    assert retention_rate(active_at_start=0, active_at_end=5, new_in_period=5) is None


def test_rates_refuse_negative_counts_naming_them():
    with pytest.raises(InvalidInput) as refused:
        retention_rate(active_at_start=-1, active_at_end=5, new_in_period=-2)

    assert sorted(refused.value.errors) == ["active_at_start", "new_in_period"]
