"""Dunning letters: escalation, rotation across runs, never the same template twice in a row."""

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientela.errors import InvalidInput
from clientela.services.customers.domain.dunning import (
    DunningLetter,
    DunningPlan,
    DunningStep,
    LetterChoice,
    SentLetter,
    dunning_run,
    next_letter,
)
from clientela.services.customers.domain.receivables import Invoice

PLAN = DunningPlan(
    steps=(
        DunningStep(1, ("reminder-a", "reminder-b")),
        DunningStep(31, ("firm-a", "firm-b")),
        DunningStep(61, ("final",)),
    ),
    interval_days=7,
)
DUE = date(2026, 3, 1)


def weekly_runs(plan: DunningPlan, weeks: int) -> list[tuple[int, str]]:
    """Run dunning every week for a debt due on DUE, keeping the letters sent as the
    history the next run sees: (days overdue, template) of each letter."""
    history: list[SentLetter] = []
    sent = []
    for week in range(weeks):
        today = DUE + timedelta(days=1 + 7 * week)
        days_overdue = (today - DUE).days
        choice = next_letter(history, days_overdue, today, plan)
        if choice is not None:
            history.append(SentLetter(choice.template, today))
            sent.append((days_overdue, choice.template))
    return sent


def test_letters_rotate_and_escalate_across_weekly_runs():
    assert weekly_runs(PLAN, 14) == [
        (1, "reminder-a"),
        (8, "reminder-b"),
        (15, "reminder-a"),
        (22, "reminder-b"),
        (29, "reminder-a"),
        (36, "firm-a"),
        (43, "firm-b"),
        (50, "firm-a"),
        (57, "firm-b"),
        (64, "final"),
        # The final step has one template: the nearest step below takes turns with it.
        (71, "firm-a"),
        (78, "final"),
        (85, "firm-b"),
        (92, "final"),
    ]


def test_rotation_resumes_where_the_history_left_it():
    history = [
        SentLetter("reminder-a", date(2026, 1, 5)),
        SentLetter("reminder-b", date(2026, 1, 12)),
    ]

    choice = next_letter(history, days_overdue=3, as_of=date(2026, 3, 4), plan=PLAN)

    assert choice == LetterChoice(step=1, template="reminder-a")


def test_the_history_is_read_in_date_order_whatever_order_it_comes_in():
    history = [SentLetter("firm-a", date(2026, 3, 1)), SentLetter("reminder-a", date(2026, 1, 1))]

    choice = next_letter(history, days_overdue=40, as_of=date(2026, 3, 20), plan=PLAN)

    assert choice == LetterChoice(step=2, template="firm-b")


def test_no_letter_within_the_interval_since_the_last_one():
    history = [SentLetter("reminder-a", date(2026, 3, 2))]

    assert next_letter(history, 7, date(2026, 3, 8), PLAN) is None
    assert next_letter(history, 8, date(2026, 3, 9), PLAN) == LetterChoice(1, "reminder-b")


def test_no_letter_before_the_first_step_is_reached():
    late_plan = DunningPlan(steps=(DunningStep(10, ("gentle",)),))

    assert next_letter([], days_overdue=9, as_of=DUE, plan=late_plan) is None


def test_a_single_template_step_escalates_rather_than_repeat():
    plan = DunningPlan(steps=(DunningStep(1, ("only-reminder",)), DunningStep(30, ("legal",))))
    history = [SentLetter("only-reminder", date(2026, 1, 1))]

    assert next_letter(history, 10, date(2026, 2, 1), plan) == LetterChoice(2, "legal")


def test_a_plan_of_one_template_sends_it_once():
    plan = DunningPlan(steps=(DunningStep(1, ("only",)),))

    assert next_letter([], 5, DUE, plan) == LetterChoice(1, "only")
    assert next_letter([SentLetter("only", DUE)], 50, DUE + timedelta(days=45), plan) is None


@pytest.mark.parametrize(
    "steps",
    [
        (),
        (DunningStep(30, ("a",)), DunningStep(1, ("b",))),
        (DunningStep(1, ("a",)), DunningStep(1, ("b",))),
        (DunningStep(1, ("a", "b")), DunningStep(30, ("b",))),
    ],
    ids=["no-steps", "not-escalating", "same-threshold", "template-in-two-steps"],
)
def test_a_plan_that_does_not_escalate_cleanly_is_refused(steps):
    with pytest.raises(InvalidInput) as raised:
        DunningPlan(steps=steps)

    assert "steps" in raised.value.errors


def test_a_step_without_templates_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as raised:
        DunningStep(1, ())

    assert "templates" in raised.value.errors


def owed(ref: str, customer: str, amount: int, due: date, paid: date | None = None) -> Invoice:
    due_at = datetime(due.year, due.month, due.day, tzinfo=UTC)
    paid_at = datetime(paid.year, paid.month, paid.day, tzinfo=UTC) if paid else None
    return Invoice(ref, customer, Decimal(amount), due_at - timedelta(days=30), due_at, paid_at)


def test_a_dunning_run_writes_one_letter_per_customer_with_overdue_invoices():
    as_of = date(2026, 5, 10)
    invoices = [
        owed("A-2", "acme", 200, date(2026, 4, 1)),
        owed("A-1", "acme", 100, date(2026, 3, 1)),
        owed("A-3", "acme", 50, date(2026, 6, 1)),  # not due yet
        owed("B-1", "bolt", 70, date(2026, 5, 1)),
        owed("C-1", "cora", 90, date(2026, 3, 1), paid=date(2026, 4, 1)),
        owed("D-1", "dusk", 30, date(2026, 5, 1)),
    ]
    histories = {
        "bolt": [SentLetter("reminder-a", date(2026, 5, 5))],  # too recent
        "acme": [SentLetter("firm-a", date(2026, 4, 20))],
    }

    letters = dunning_run(invoices, histories, as_of, PLAN)

    assert letters == [
        DunningLetter("acme", 3, "final", Decimal(300), 70, ("A-1", "A-2")),
        DunningLetter("dusk", 1, "reminder-a", Decimal(30), 9, ("D-1",)),
    ]


plans = st.lists(
    st.tuples(st.integers(min_value=1, max_value=20), st.integers(min_value=1, max_value=3)),
    min_size=1,
    max_size=4,
).map(
    lambda shapes: DunningPlan(
        steps=tuple(
            DunningStep(
                after_days_overdue=1 + sum(gap for gap, _ in shapes[:index]),
                templates=tuple(f"s{index}t{n}" for n in range(count)),
            )
            for index, (_, count) in enumerate(shapes)
        ),
        interval_days=1,
    )
)


@given(plans, st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=40))
def test_no_template_goes_to_a_customer_twice_in_a_row(plan, gaps_between_runs):
    history: list[SentLetter] = []
    today = DUE
    for gap in gaps_between_runs:
        today += timedelta(days=gap)
        choice = next_letter(history, (today - DUE).days, today, plan)
        if choice is not None:
            history.append(SentLetter(choice.template, today))

    templates = [letter.template for letter in history]
    assert all(before != after for before, after in itertools.pairwise(templates))
