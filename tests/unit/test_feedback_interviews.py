"""Lost-customer interviews: reasons from the list, main one first."""

from datetime import UTC, datetime

import pytest

from clientela.errors import InvalidInput
from clientela.services.feedback.domain.interviews import LossReason, LostCustomerInterview

ON = datetime(2026, 5, 4, 16, tzinfo=UTC)


def interview(*reasons: str, notes: str = "") -> LostCustomerInterview:
    return LostCustomerInterview("INT-7", "CU-1", "Marta", ON, tuple(reasons), notes)


def test_the_first_reason_given_is_the_main_one_and_all_go_on_the_loss_line():
    found = interview("competitor", "price", notes="Found it 15% cheaper elsewhere")

    assert found.main_reason is LossReason.COMPETITOR
    assert found.loss_reason == "competitor, price (lost-customer interview INT-7)"


@pytest.mark.parametrize(
    ("reasons", "message"),
    [
        ((), "Give at least one reason."),
        (("price", "price"), "Give each reason once."),
        (("cheaper",), "Must be one of: price, quality"),
    ],
)
def test_reasons_must_be_given_once_each_from_the_list(reasons, message):
    with pytest.raises(InvalidInput, match=message) as raised:
        interview(*reasons)
    assert list(raised.value.errors) == ["reasons"]


def test_an_interview_needs_an_aware_moment_and_short_notes():
    with pytest.raises(InvalidInput, match="interviewed_at"):
        LostCustomerInterview("INT-7", "CU-1", "Marta", datetime(2026, 5, 4), ("price",))
    with pytest.raises(InvalidInput, match="notes"):
        interview("price", notes="x" * 2001)
