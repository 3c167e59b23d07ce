"""The loyalty matrix: satisfaction against loyalty, four quadrants per period."""

from datetime import UTC, datetime
from decimal import Decimal

from clientela.periods import parse_period
from clientela.services.loyalty.domain.facts import Purchase, SurveyAnswer
from clientela.services.loyalty.domain.matrix import (
    MatrixFacts,
    MatrixSettings,
    Quadrant,
    loyalty_matrix,
)

OLD_CUSTOMER = datetime(2024, 3, 1, tzinfo=UTC)


def on(month: int, day: int = 15) -> datetime:
    return datetime(2026, month, day, tzinfo=UTC)


REPEAT = (Purchase(on(2), Decimal(100)), Purchase(on(9), Decimal(80)))
ONCE = (Purchase(on(9), Decimal(80)),)


def customer(
    customer_id: str, answer: SurveyAnswer | None, purchases=REPEAT, since=OLD_CUSTOMER
) -> MatrixFacts:
    return MatrixFacts(customer_id, since, purchases, (answer,) if answer else ())


def test_customers_fall_in_four_quadrants_with_counts_and_lists():
    customers = [
        customer("apostle", SurveyAnswer(on(10), nps=10)),
        customer("newcomer", SurveyAnswer(on(10), csat=5), since=on(6)),
        customer("one-off", SurveyAnswer(on(10), nps=8), purchases=ONCE),
        customer("hostage", SurveyAnswer(on(10), csat=2)),
        customer("defector", SurveyAnswer(on(11), nps=4), purchases=ONCE),
        customer("silent", None),
        customer("next-year", SurveyAnswer(on(10), nps=10), since=datetime(2027, 1, 5, tzinfo=UTC)),
    ]

    matrix = loyalty_matrix(customers, parse_period("2026-Q4"))

    assert matrix.quadrants == {
        Quadrant.LOYAL: ("apostle",),
        Quadrant.MERCENARY: ("newcomer", "one-off"),
        Quadrant.HOSTAGE: ("hostage",),
        Quadrant.DEFECTOR: ("defector",),
    }
    assert matrix.counts == {
        Quadrant.LOYAL: 1,
        Quadrant.MERCENARY: 2,
        Quadrant.HOSTAGE: 1,
        Quadrant.DEFECTOR: 1,
    }
    assert matrix.unplaced == ("silent",)


def test_the_latest_answer_up_to_the_end_of_the_period_places_the_customer():
    answers = (SurveyAnswer(on(3), nps=2), SurveyAnswer(on(8), nps=9), SurveyAnswer(on(11), nps=1))
    facts = MatrixFacts("c1", OLD_CUSTOMER, REPEAT, answers)

    assert loyalty_matrix([facts], parse_period("2026-Q3")).counts[Quadrant.LOYAL] == 1
    assert loyalty_matrix([facts], parse_period("2026-Q4")).counts[Quadrant.HOSTAGE] == 1


def test_an_old_answer_no_longer_places_anyone():
    facts = customer("c1", SurveyAnswer(datetime(2025, 6, 1, tzinfo=UTC), nps=10))

    assert loyalty_matrix([facts], parse_period("2026-11")).unplaced == ("c1",)


def test_what_counts_as_loyal_is_configurable():
    facts = customer("c1", SurveyAnswer(on(10), nps=10), purchases=ONCE, since=on(6))
    lenient = MatrixSettings(repeat_purchases=1, longevity_months=3)

    assert loyalty_matrix([facts], parse_period("2026"), lenient).counts[Quadrant.LOYAL] == 1
