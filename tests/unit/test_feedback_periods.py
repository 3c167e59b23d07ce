"""Periods of the feedback figures: start included, end excluded, both aware."""

from datetime import UTC, datetime, timedelta

import pytest

from clientela.errors import InvalidInput
from clientela.services.feedback.domain.periods import Period

START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2026, 4, 1, tzinfo=UTC)


def test_a_period_holds_its_start_but_not_its_end():
    quarter = Period(START, END)

    assert START in quarter
    assert END - timedelta(microseconds=1) in quarter
    assert END not in quarter


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (START, START, "end"),
        (datetime(2026, 1, 1), END, "start"),
        (START, datetime(2026, 4, 1), "end"),
    ],
)
def test_a_period_must_be_aware_and_end_after_it_starts(start, end, field):
    with pytest.raises(InvalidInput) as raised:
        Period(start, end)

    assert list(raised.value.errors) == [field]
