"""Which stored indicator rows a fact write marks stale."""

from datetime import UTC, datetime

from clientela.services.kpi.indicator_rows import marks_of

JAN = datetime(2026, 1, 10, 9, tzinfo=UTC)
MAR = datetime(2026, 3, 10, 9, tzinfo=UTC)
MARCH_ROWS = {"day:2026-03-10", "week:2026-W11", "month:2026-03", "quarter:2026-Q1", "year:2026"}


def test_an_answer_or_a_contract_marks_the_periods_of_its_time_alone():
    assert marks_of([("nps", MAR)]) == (MARCH_ROWS, None)
    assert marks_of([("contract", MAR), ("contract", None)]) == (MARCH_ROWS, None)


def test_a_moved_capture_marks_the_periods_it_left_and_those_it_reached():
    marks = marks_of([("captured", JAN), ("captured", MAR)])

    assert marks.row_ids == MARCH_ROWS | {"day:2026-01-10", "week:2026-W02", "month:2026-01"}
    assert marks.since is None


def test_customer_facts_mark_every_row_ending_after_the_earliest_of_them():
    marks = marks_of([("update", MAR), ("lost", JAN), ("purchase", JAN), ("alarm", MAR)])

    assert marks.since == JAN


def test_a_fact_without_a_time_marks_nothing():
    assert marks_of([("captured", None), ("customer", None)]) == (set(), None)
