"""The points journal: balance, idempotent sources, expiry oldest first, adjustments."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientela.errors import Conflict, InvalidInput
from clientela.services.loyalty.domain.journal import EntryKind, PointsJournal

JAN = datetime(2026, 1, 10, tzinfo=UTC)
MAR = datetime(2026, 3, 10, tzinfo=UTC)


def journal_with(*earned: tuple[str, int, datetime]) -> PointsJournal:
    journal = PointsJournal("c1")
    for source, points, at in earned:
        journal.earn(source, points, at, "purchase")
    return journal


def test_the_balance_is_the_sum_of_earned_and_redeemed_points():
    journal = journal_with(("ev-1", 300, JAN), ("ev-2", 200, MAR))

    journal.redeem("req-1", 120, MAR, "reward")

    assert journal.balance == 380
    assert [entry.points for entry in journal.entries] == [300, 200, -120]


def test_a_replayed_source_changes_nothing():
    journal = journal_with(("ev-1", 300, JAN))

    assert journal.earn("ev-1", 300, JAN, "purchase") == []
    journal.redeem("req-1", 100, MAR, "reward")
    assert journal.redeem("req-1", 100, MAR, "reward") == []

    assert journal.balance == 200
    assert len(journal.entries) == 2


def test_a_replayed_redemption_is_not_refused_once_the_points_are_spent():
    journal = journal_with(("ev-1", 100, JAN))
    journal.redeem("req-1", 100, MAR, "reward")

    assert journal.redeem("req-1", 100, MAR, "reward") == []
    assert journal.balance == 0


def test_a_redemption_over_the_balance_is_refused_naming_it():
    journal = journal_with(("ev-1", 100, JAN))

    with pytest.raises(Conflict, match="150 is more than the balance of 100"):
        journal.redeem("req-1", 150, MAR, "reward")

    assert journal.balance == 100
    assert not journal.has("req-1")


def test_two_redemptions_of_the_last_points_one_succeeds():
    journal = journal_with(("ev-1", 100, JAN))

    journal.redeem("req-1", 100, MAR, "reward")
    with pytest.raises(Conflict):
        journal.redeem("req-2", 100, MAR, "reward")

    assert journal.balance == 0


def test_points_expire_twelve_months_after_they_were_earned():
    journal = journal_with(("ev-1", 300, JAN), ("ev-2", 200, MAR))

    assert journal.expire_due(datetime(2027, 1, 9, tzinfo=UTC)) == []
    written = journal.expire_due(datetime(2027, 1, 10, tzinfo=UTC))

    assert [(e.kind, e.points, e.at, e.lot) for e in written] == [
        (EntryKind.EXPIRE, -300, datetime(2027, 1, 10, tzinfo=UTC), "ev-1")
    ]
    assert written[0].source == "expiry:ev-1"
    assert journal.balance == 200


def test_expiry_runs_once_per_lot():
    journal = journal_with(("ev-1", 300, JAN))
    later = datetime(2027, 6, 1, tzinfo=UTC)

    journal.expire_due(later)

    assert journal.expire_due(later) == []
    assert journal.balance == 0


def test_redemptions_spend_the_oldest_points_first_so_less_expires():
    journal = journal_with(("ev-1", 300, JAN), ("ev-2", 200, MAR))
    journal.redeem("req-1", 250, MAR, "reward")

    written = journal.expire_due(datetime(2027, 1, 10, tzinfo=UTC))

    assert [e.points for e in written] == [-50]
    assert [(lot.source, lot.remaining) for lot in journal.lots()] == [("ev-2", 200)]


def test_an_earn_arriving_late_is_still_the_oldest_lot():
    journal = journal_with(("ev-2", 200, MAR), ("ev-1", 300, JAN))

    journal.redeem("req-1", 100, MAR, "reward")

    assert [(lot.source, lot.remaining) for lot in journal.lots()] == [("ev-1", 200), ("ev-2", 200)]


def test_a_redemption_never_spends_expired_points():
    journal = journal_with(("ev-1", 300, JAN), ("ev-2", 200, MAR))
    next_february = datetime(2027, 2, 1, tzinfo=UTC)

    with pytest.raises(Conflict, match="balance of 200"):
        journal.redeem("req-1", 250, next_february, "reward")
    written = journal.redeem("req-2", 150, next_february, "reward")

    assert [entry.kind for entry in written] == [EntryKind.EXPIRE, EntryKind.REDEEM]
    assert journal.balance == 50


def test_an_adjustment_needs_a_reason_and_an_operator():
    journal = journal_with(("ev-1", 100, JAN))

    with pytest.raises(InvalidInput) as no_reason:
        journal.adjust("adj-1", 50, MAR, " ", "ana")
    with pytest.raises(InvalidInput) as no_operator:
        journal.adjust("adj-1", 50, MAR, "goodwill", "")

    assert no_reason.value.errors == {"reason": ["Must not be blank."]}
    assert no_operator.value.errors == {"operator": ["Must not be blank."]}
    assert journal.balance == 100


def test_adjustments_add_or_deduct_points_but_never_below_zero():
    journal = journal_with(("ev-1", 100, JAN))

    journal.adjust("adj-1", 50, MAR, "goodwill after a late delivery", "ana")
    journal.adjust("adj-2", -30, MAR, "points credited twice by hand", "ana")
    with pytest.raises(Conflict, match="balance of 120"):
        journal.adjust("adj-3", -500, MAR, "mistake", "ana")

    assert journal.balance == 120
    assert journal.entries[-1].operator == "ana"


def test_points_added_by_hand_expire_like_earned_ones():
    journal = PointsJournal("c1")
    journal.adjust("adj-1", 50, JAN, "goodwill", "ana")

    journal.expire_due(datetime(2027, 1, 10, tzinfo=UTC))

    assert journal.balance == 0


def test_the_expiry_period_is_configurable():
    journal = PointsJournal("c1", expiry_months=6)
    journal.earn("ev-1", 100, JAN, "purchase")

    journal.expire_due(datetime(2026, 7, 10, tzinfo=UTC))

    assert journal.balance == 0


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda j: j.earn("ev-9", 0, JAN, "purchase"), "points"),
        (lambda j: j.earn("ev-9", True, JAN, "purchase"), "points"),
        (lambda j: j.earn("", 10, JAN, "purchase"), "source"),
        (lambda j: j.earn("ev-9", 10, datetime(2026, 1, 1), "purchase"), "at"),
        (lambda j: j.redeem("req-9", -5, JAN, "reward"), "points"),
        (lambda j: j.adjust("adj-9", 0, JAN, "why", "ana"), "points"),
    ],
)
def test_bad_postings_name_the_field(call, field):
    journal = journal_with(("ev-1", 100, JAN))

    with pytest.raises(InvalidInput) as refused:
        call(journal)

    assert list(refused.value.errors) == [field]
    assert journal.balance == 100


def test_a_stored_journal_comes_back_with_the_same_lots():
    journal = journal_with(("ev-1", 300, JAN), ("ev-2", 200, MAR))
    journal.redeem("req-1", 250, MAR, "reward")
    journal.expire_due(datetime(2027, 1, 10, tzinfo=UTC))

    again = PointsJournal("c1", journal.entries)

    assert again.balance == journal.balance == 200
    assert again.lots() == journal.lots()
    assert again.has("expiry:ev-1")


def test_earned_between_counts_only_earned_points():
    journal = journal_with(("ev-1", 300, JAN), ("ev-2", 200, MAR))
    journal.adjust("adj-1", 1000, MAR, "goodwill", "ana")
    journal.redeem("req-1", 100, MAR, "reward")

    assert journal.earned_between(JAN, MAR) == 200
    assert journal.earned_between(JAN - timedelta(days=1), MAR) == 500


# Random sequences of postings, with replays of sources used before.
START = datetime(2026, 1, 1, tzinfo=UTC)
SOURCES = st.sampled_from([f"s{n}" for n in range(12)])
DAYS = st.integers(min_value=0, max_value=900)
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("earn"), SOURCES, st.integers(1, 500), DAYS),
        st.tuples(st.just("redeem"), SOURCES, st.integers(1, 800), DAYS),
        st.tuples(st.just("adjust"), SOURCES, st.integers(-800, 800).filter(bool), DAYS),
        st.tuples(st.just("expire"), st.just(""), st.just(0), DAYS),
    ),
    max_size=40,
)


def apply(journal: PointsJournal, operation: tuple[str, str, int, int]) -> None:
    kind, source, points, days = operation
    at = START + timedelta(days=days)
    try:
        if kind == "earn":
            journal.earn(source, points, at, "purchase")
        elif kind == "redeem":
            journal.redeem(source, points, at, "reward")
        elif kind == "adjust":
            journal.adjust(source, points, at, "correction", "ana")
        else:
            journal.expire_due(at)
    except Conflict:
        pass


@settings(max_examples=300, deadline=None)
@given(OPERATIONS)
def test_any_sequence_keeps_the_balance_the_sum_of_the_journal_and_never_negative(operations):
    journal = PointsJournal("c1")
    for operation in operations:
        before = journal.entries
        apply(journal, operation)
        replayed = journal.entries
        # Posting the same operation again writes nothing more.
        if operation[0] != "expire":
            apply(journal, operation)
            assert journal.entries == replayed
        assert journal.entries[: len(before)] == before
        assert journal.balance == sum(entry.points for entry in journal.entries) >= 0
        assert sum(lot.remaining for lot in journal.lots()) == journal.balance

    sources = [entry.source for entry in journal.entries]
    assert len(sources) == len(set(sources))
    rebuilt = PointsJournal("c1", journal.entries)
    assert rebuilt.balance == journal.balance
    assert rebuilt.lots() == journal.lots()
