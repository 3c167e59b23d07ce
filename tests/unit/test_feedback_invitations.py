"""Invitation rules: triggers, quiet period, consent, suppression, frequency cap, panel."""

from datetime import UTC, datetime, timedelta
from itertools import combinations, pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientela.errors import InvalidInput
from clientela.periods import Period
from clientela.services.feedback.domain.invitations import (
    DEFAULT_FREQUENCY_CAP,
    InvitationPolicy,
    Panel,
    Recipient,
    Refusal,
    Trigger,
    anniversary_in,
    decide,
    panel_invitations,
    transaction_trigger,
)

PURCHASED = datetime(2026, 3, 10, 15, tzinfo=UTC)
DAY = timedelta(days=1)
ANA = Recipient("ana", consented=True)
Q2 = Period(datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC))


def test_a_purchase_invites_after_the_quiet_period():
    decision = decide(ANA, Trigger.PURCHASE, PURCHASED)

    assert decision.invite
    assert decision.send_at == PURCHASED + 2 * DAY
    assert decision.refusal is None


@pytest.mark.parametrize(
    "trigger", [Trigger.CONTRACT_DELIVERED, Trigger.FIRST_PURCHASE, Trigger.COMPLAINT_RESOLVED]
)
def test_experiences_wait_the_quiet_period_too(trigger):
    assert decide(ANA, trigger, PURCHASED).send_at == PURCHASED + 2 * DAY


def test_an_anniversary_invites_on_the_day():
    assert decide(ANA, Trigger.ANNIVERSARY, PURCHASED).send_at == PURCHASED


def test_the_quiet_period_is_configurable():
    policy = InvitationPolicy(quiet_period=timedelta(hours=6))

    assert decide(ANA, Trigger.PURCHASE, PURCHASED, policy).send_at == PURCHASED + timedelta(
        hours=6
    )


def test_a_customer_without_consent_is_not_invited():
    decision = decide(Recipient("ben", consented=False), Trigger.PURCHASE, PURCHASED)

    assert not decision.invite
    assert decision.refusal is Refusal.NO_CONSENT
    assert decision.send_at is None


def test_a_suppressed_customer_is_not_invited_even_with_consent():
    decision = decide(
        Recipient("ben", consented=True, suppressed=True), Trigger.PURCHASE, PURCHASED
    )

    assert decision.refusal is Refusal.SUPPRESSED


def test_a_trigger_turned_off_invites_nobody():
    policy = InvitationPolicy(triggers=frozenset({Trigger.PANEL}))

    assert decide(ANA, Trigger.PURCHASE, PURCHASED, policy).refusal is Refusal.TRIGGER_OFF


def test_at_most_one_invitation_per_30_days_by_default():
    send_at = PURCHASED + 2 * DAY
    invited_29_days_before = ANA.with_invitation(send_at - 29 * DAY)
    invited_30_days_before = ANA.with_invitation(send_at - 30 * DAY)

    assert DEFAULT_FREQUENCY_CAP == 30 * DAY
    assert (
        decide(invited_29_days_before, Trigger.PURCHASE, PURCHASED).refusal is Refusal.FREQUENCY_CAP
    )
    assert decide(invited_30_days_before, Trigger.PURCHASE, PURCHASED).invite


def test_an_invitation_already_scheduled_later_counts_against_the_cap():
    scheduled = ANA.with_invitation(PURCHASED + 20 * DAY)

    assert decide(scheduled, Trigger.PURCHASE, PURCHASED).refusal is Refusal.FREQUENCY_CAP


def test_the_frequency_cap_is_configurable():
    weekly = InvitationPolicy(frequency_cap=7 * DAY)
    invited = ANA.with_invitation(PURCHASED - 5 * DAY)

    assert decide(invited, Trigger.PURCHASE, PURCHASED, weekly).invite


def test_a_negative_policy_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as raised:
        InvitationPolicy(frequency_cap=-DAY)

    assert list(raised.value.errors) == ["frequency_cap"]


def test_the_first_purchase_is_a_lifecycle_moment():
    assert transaction_trigger(earlier_purchases=0) is Trigger.FIRST_PURCHASE
    assert transaction_trigger(earlier_purchases=3) is Trigger.PURCHASE


def test_the_anniversary_falling_in_a_period_is_found():
    since = datetime(2024, 5, 20, 10, tzinfo=UTC)

    assert anniversary_in(since, Q2) == datetime(2026, 5, 20, 10, tzinfo=UTC)


def test_becoming_a_customer_is_not_an_anniversary():
    since = datetime(2026, 5, 20, 10, tzinfo=UTC)

    assert anniversary_in(since, Q2) is None


def test_a_period_without_the_anniversary_has_none():
    since = datetime(2024, 9, 20, 10, tzinfo=UTC)

    assert anniversary_in(since, Q2) is None


def test_a_29_february_anniversary_falls_on_28_february_in_other_years():
    since = datetime(2024, 2, 29, 8, tzinfo=UTC)
    february = Period(datetime(2025, 2, 1, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC))

    assert anniversary_in(since, february) == datetime(2025, 2, 28, 8, tzinfo=UTC)


def test_panel_members_are_invited_at_the_start_of_every_period():
    panel = Panel(frozenset({"ana", "ben"}))
    recipients = [ANA, Recipient("ben", consented=True), Recipient("cai", consented=True)]

    decisions = {d.customer_id: d for d in panel_invitations(panel, recipients, Q2)}

    assert decisions["ana"].send_at == Q2.start
    assert decisions["ben"].send_at == Q2.start
    assert decisions["cai"].refusal is Refusal.NOT_IN_PANEL
    assert {d.trigger for d in decisions.values()} == {Trigger.PANEL}


def test_a_panel_member_invited_recently_is_surveyed_once_the_cap_allows():
    panel = Panel(frozenset({"ana"}))
    recently = ANA.with_invitation(Q2.start - 10 * DAY)

    [decision] = panel_invitations(panel, [recently], Q2)

    assert decision.send_at == Q2.start + 20 * DAY


def test_a_panel_member_the_cap_keeps_out_of_the_whole_period_is_refused():
    panel = Panel(frozenset({"ana"}))
    short = Period(Q2.start, Q2.start + 10 * DAY)
    recently = ANA.with_invitation(Q2.start - 10 * DAY)

    [decision] = panel_invitations(panel, [recently], short)

    assert decision.refusal is Refusal.FREQUENCY_CAP


def test_a_panel_member_without_consent_is_not_invited():
    panel = Panel(frozenset({"ben"}))

    [decision] = panel_invitations(panel, [Recipient("ben", consented=False)], Q2)

    assert decision.refusal is Refusal.NO_CONSENT


def test_an_empty_panel_is_refused():
    with pytest.raises(InvalidInput) as raised:
        Panel(frozenset())

    assert list(raised.value.errors) == ["members"]


EVENT_TRIGGERS = st.sampled_from([t for t in Trigger if t is not Trigger.PANEL])
HOURS = st.integers(min_value=0, max_value=365 * 24)
BOUNDS = [datetime(2026, month, 1, tzinfo=UTC) for month in (1, 4, 7, 10)]
BOUNDS.append(datetime(2027, 1, 1, tzinfo=UTC))
QUARTERS = [Period(start, end) for start, end in pairwise(BOUNDS)]
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("event"), EVENT_TRIGGERS, HOURS),
        st.tuples(st.just("panel"), st.sampled_from(range(len(QUARTERS))), st.just(0)),
    ),
    max_size=25,
)


@given(OPERATIONS, st.integers(min_value=1, max_value=60))
def test_the_frequency_cap_never_allows_two_invitations_within_the_window(operations, cap_days):
    policy = InvitationPolicy(frequency_cap=timedelta(days=cap_days))
    panel = Panel(frozenset({"ana"}))
    recipient = ANA
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for kind, what, hours in operations:
        if kind == "event":
            decisions = [decide(recipient, what, start + timedelta(hours=hours), policy)]
        else:
            decisions = panel_invitations(panel, [recipient], QUARTERS[what], policy)
        for decision in decisions:
            if decision.send_at is not None:
                recipient = recipient.with_invitation(decision.send_at)

    for first, second in combinations(recipient.invited_at, 2):
        assert abs(first - second) >= policy.frequency_cap
