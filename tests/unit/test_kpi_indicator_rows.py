"""Which parts of the stored indicator rows a fact write marks stale."""

from datetime import UTC, datetime

from clientela.services.kpi.indicator_rows import marks_of, times_of

JAN = datetime(2026, 1, 10, 9, tzinfo=UTC)
MAR = datetime(2026, 3, 10, 9, tzinfo=UTC)
MARCH_ROWS = {"day:2026-03-10", "week:2026-W11", "month:2026-03", "quarter:2026-Q1", "year:2026"}
JANUARY_ROWS = {"day:2026-01-10", "week:2026-W02", "month:2026-01", "quarter:2026-Q1", "year:2026"}


def test_an_answer_or_a_contract_marks_its_part_of_the_periods_of_its_time_alone():
    assert marks_of([("nps", MAR)]) == ({key: {"surveys", "customers"} for key in MARCH_ROWS}, None)
    assert marks_of([("ces", MAR)]).parts == {key: {"surveys"} for key in MARCH_ROWS}
    assert marks_of([("contract", MAR), ("contract", None)]) == (
        {key: {"activity"} for key in MARCH_ROWS},
        None,
    )


def test_a_moved_capture_marks_the_periods_it_left_and_those_it_reached():
    marks = marks_of([("captured", JAN), ("captured", MAR)])

    assert set(marks.parts) == MARCH_ROWS | JANUARY_ROWS
    assert set().union(*marks.parts.values()) == {"prospects"}
    assert marks.since is None


def test_customer_facts_mark_the_customer_figures_of_every_row_ending_after_the_earliest():
    marks = marks_of([("update", MAR), ("lost", JAN), ("purchase", JAN), ("alarm", MAR)])

    assert marks.since == JAN
    assert marks.parts["month:2026-01"] == {"activity", "customers", "counts"}
    assert marks.parts["month:2026-03"] == {"customers", "counts"}


def test_only_customers_losses_and_alarms_change_the_customer_counts():
    marks = marks_of([("update", JAN), ("customer", MAR)])

    assert marks.parts["month:2026-01"] == {"customers"}
    assert marks.parts["month:2026-03"] == {"customers", "counts"}


def test_an_alarm_counts_at_its_raise_and_at_its_close():
    alarm = {"kind": "alarm", "at": JAN, "closed_at": MAR}

    assert times_of(alarm) == [("alarm", JAN), ("alarm", MAR)]
    assert times_of({"kind": "customer", "at": JAN}) == [("customer", JAN)]


def test_a_fact_without_a_time_marks_nothing():
    assert marks_of([("captured", None), ("customer", None)]) == ({}, None)
