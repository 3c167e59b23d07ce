"""Credit limit on the four bases, and flags for what goes over it."""

from decimal import Decimal

import pytest

from clientela.errors import InvalidInput
from clientela.services.customers.domain.credit import CreditAssessment, OverLimit, over_limit


def assess(**changes) -> CreditAssessment:
    inputs = {
        "capacity": Decimal(10_000),
        "integrity": 4,
        "capital": Decimal(100_000),
        "conditions": 3,
        "term_months": 3,
    }
    return CreditAssessment(**(inputs | changes))


def test_credit_limit_worked_example():
    # min(10,000 x 3, 100,000 x 0.5) = 30,000; x 0.75 (integrity 4) x 0.75 (conditions 3).
    assert assess().credit_limit == Decimal("16875.00")


def test_little_capital_bounds_the_limit():
    # min(30,000, 20,000 x 0.5) = 10,000 x 0.75 x 0.75.
    assert assess(capital=Decimal(20_000)).credit_limit == Decimal("5625.00")


def test_a_customer_rated_lowest_on_integrity_gets_no_credit():
    assert assess(integrity=1).credit_limit == Decimal("0.00")


def test_the_best_ratings_leave_the_base_whole():
    assert assess(integrity=5, conditions=5).credit_limit == Decimal("30000.00")


def test_the_limit_is_rounded_down_to_the_cent():
    # 333.33 x 0.5 x 0.625 = 104.165625
    limit = CreditAssessment(
        capacity=Decimal("333.33"), integrity=3, capital=Decimal(10_000), conditions=2
    ).credit_limit

    assert limit == Decimal("104.16")


def test_every_bad_input_is_named():
    with pytest.raises(InvalidInput) as raised:
        CreditAssessment(
            capacity=Decimal(-1),
            integrity=6,
            capital=10_000.0,  # a float, not money
            conditions=True,
            term_months=0,
            capital_cover=Decimal(2),
        )

    assert set(raised.value.errors) == {
        "capacity",
        "integrity",
        "capital",
        "conditions",
        "term_months",
        "capital_cover",
    }


def test_reaching_the_limit_exactly_is_within_it():
    assert over_limit(Decimal(1000), outstanding=Decimal(600), amount=Decimal(400)) is None


def test_going_a_cent_over_the_limit_is_flagged_with_the_excess():
    flag = over_limit(Decimal(1000), outstanding=Decimal(600), amount=Decimal("400.01"))

    assert flag == OverLimit(
        limit=Decimal(1000), exposure=Decimal("1000.01"), excess=Decimal("0.01")
    )


def test_a_single_purchase_over_the_limit_is_flagged():
    flag = over_limit(Decimal(1000), outstanding=Decimal(0), amount=Decimal(1500))

    assert flag is not None and flag.excess == Decimal(500)


def test_a_negative_amount_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as raised:
        over_limit(Decimal(1000), outstanding=Decimal(0), amount=Decimal(-5))

    assert set(raised.value.errors) == {"amount"}
