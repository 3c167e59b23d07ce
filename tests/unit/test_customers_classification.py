"""Customer classification: classes, typology, RFM, ABC with ties, census."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientela.errors import InvalidInput
from clientela.services.customers.domain.classification import (
    AbcClass,
    ClassificationWindows,
    CustomerFacts,
    Lifecycle,
    LostMark,
    RfmScores,
    Typology,
    abc_classes,
    census,
    classify_customers,
    parse_typology,
    quintile_scores,
)
from clientela.services.customers.domain.purchases import Purchase

AS_OF = datetime(2026, 12, 1, 12, tzinfo=UTC)
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def days_ago(days: int) -> datetime:
    return AS_OF - timedelta(days=days)


def bought(ref: str, amount: str, at: datetime, line: str = "") -> Purchase:
    return Purchase(ref, Decimal(amount), at, line)


def lifecycle_of(customer: CustomerFacts, *purchase_days_ago: int, **windows) -> Lifecycle:
    purchases = [bought(customer.customer_ref, "10", days_ago(d)) for d in purchase_days_ago]
    classified = classify_customers([customer], purchases, AS_OF, ClassificationWindows(**windows))
    return classified[customer.customer_ref].lifecycle


OLD_CUSTOMER = CustomerFacts("old", created_at=LONG_AGO)


@pytest.mark.parametrize(
    ("purchase_days_ago", "expected"),
    [
        ((89,), Lifecycle.NEW),
        ((90,), Lifecycle.EXISTING),
        ((400, 10), Lifecycle.EXISTING),
        ((400, 179), Lifecycle.EXISTING),
        ((400, 180), Lifecycle.INACTIVE),
        ((), Lifecycle.INACTIVE),
    ],
    ids=[
        "first-purchase-89-days-ago",
        "first-purchase-90-days-ago",
        "bought-recently",
        "last-purchase-179-days-ago",
        "last-purchase-180-days-ago",
        "never-bought-since-2020",
    ],
)
def test_lifecycle_classes_at_their_window_edges(purchase_days_ago, expected):
    assert lifecycle_of(OLD_CUSTOMER, *purchase_days_ago) is expected


def test_a_customer_who_has_not_bought_yet_counts_from_when_they_became_one():
    assert lifecycle_of(CustomerFacts("c", created_at=days_ago(10))) is Lifecycle.NEW
    assert lifecycle_of(CustomerFacts("c", created_at=days_ago(100))) is Lifecycle.EXISTING


def test_a_lost_customer_is_lost_until_they_buy_again():
    lost = CustomerFacts("c", LONG_AGO, lost=LostMark(days_ago(30), "moved to a competitor"))

    assert lifecycle_of(lost, 400, 60) is Lifecycle.LOST
    assert lifecycle_of(lost, 400, 60, 5) is Lifecycle.EXISTING


def test_a_lost_mark_after_the_as_of_moment_does_not_count_yet():
    lost_later = CustomerFacts("c", LONG_AGO, lost=LostMark(AS_OF + timedelta(days=1), "closed"))

    assert lifecycle_of(lost_later, 400, 60) is Lifecycle.EXISTING


def test_every_window_is_a_parameter():
    assert lifecycle_of(OLD_CUSTOMER, 100, new_days=120) is Lifecycle.NEW
    assert lifecycle_of(OLD_CUSTOMER, 400, 40, inactive_days=30) is Lifecycle.INACTIVE


def test_a_lost_mark_needs_a_reason():
    with pytest.raises(InvalidInput) as raised:
        LostMark(AS_OF, " ")

    assert "reason" in raised.value.errors


@pytest.mark.parametrize(
    ("windows", "field"),
    [
        ({"new_days": 0}, "new_days"),
        ({"inactive_days": -5}, "inactive_days"),
        ({"abc_months": 1.5}, "abc_months"),
        ({"abc_a_share": Decimal("1.2")}, "abc_a_share"),
        ({"abc_a_share": Decimal("0.9"), "abc_b_share": Decimal("0.2")}, "abc_b_share"),
    ],
)
def test_bad_windows_are_refused_naming_the_field(windows, field):
    with pytest.raises(InvalidInput) as raised:
        ClassificationWindows(**windows)

    assert field in raised.value.errors


@pytest.mark.parametrize(
    ("value", "typology"),
    [
        ("end_user", Typology.END_USER),
        ("Usuario final", Typology.END_USER),
        ("INTERMEDIARIO", Typology.INTERMEDIATE),
        (" prescriber ", Typology.PRESCRIBER),
    ],
)
def test_typology_is_read_in_english_or_spanish(value, typology):
    assert parse_typology(value) is typology


def test_an_unknown_typology_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as raised:
        parse_typology("wholesaler")

    assert "typology" in raised.value.errors


def test_quintile_scores_of_five_distinct_values_are_one_to_five():
    assert quintile_scores({"a": 10, "b": 40, "c": 20, "d": 50, "e": 30}) == {
        "a": 1,
        "c": 2,
        "e": 3,
        "b": 4,
        "d": 5,
    }


def test_quintile_scores_give_tied_customers_the_score_of_their_group_middle():
    # Ten customers: one at 1, six tied at 5, three at 9. The tied group spans
    # places 2-7 of 10, its middle at the 45th percentile: score 3.
    values = {"low": 1} | {f"tie{i}": 5 for i in range(6)} | {f"top{i}": 9 for i in range(3)}

    scores = quintile_scores(values)

    assert scores["low"] == 1
    assert {scores[f"tie{i}"] for i in range(6)} == {3}
    assert {scores[f"top{i}"] for i in range(3)} == {5}


def test_a_lone_customer_and_a_field_of_equals_score_three():
    assert quintile_scores({"only": 7}) == {"only": 3}
    assert set(quintile_scores({ref: 1 for ref in "abcdefg"}).values()) == {3}


def test_rfm_worked_example():
    # Five customers; amounts and dates chosen so each measure orders them differently.
    purchases = [
        bought("ana", "100", days_ago(2)),
        bought("ben", "300", days_ago(10)),
        bought("ben", "300", days_ago(20)),
        bought("cruz", "50", days_ago(30)),
        bought("cruz", "50", days_ago(31)),
        bought("cruz", "50", days_ago(32)),
        bought("dora", "1000", days_ago(200)),
        bought("eva", "20", days_ago(500)),  # outside the 12 months: F and M are zero
    ]
    customers = [CustomerFacts(ref, LONG_AGO) for ref in ("ana", "ben", "cruz", "dora", "eva")]

    classified = classify_customers(customers, purchases, AS_OF)

    assert {ref: c.rfm for ref, c in classified.items()} == {
        # ana and dora tie on one purchase each, places 2-3 of 5: both score 3.
        "ana": RfmScores(recency=5, frequency=3, monetary=2),
        "ben": RfmScores(recency=4, frequency=4, monetary=4),
        "cruz": RfmScores(recency=3, frequency=5, monetary=3),
        "dora": RfmScores(recency=2, frequency=3, monetary=5),
        "eva": RfmScores(recency=1, frequency=1, monetary=1),
    }


def test_a_customer_without_purchases_has_no_rfm_scores():
    classified = classify_customers([CustomerFacts("c", LONG_AGO)], [], AS_OF)

    assert classified["c"].rfm is None


def test_abc_with_ties_at_the_a_boundary():
    # Total 100. a + b + c = 80 reaches 80 %: A. c and d tie at 10; the tie-break
    # by reference puts c in A and d in B. d + e take the total to 95: B. f: C.
    values = {
        ref: Decimal(v)
        for ref, v in [("f", 5), ("d", 10), ("a", 50), ("e", 5), ("c", 10), ("b", 20)]
    }

    assert abc_classes(values) == {
        "a": AbcClass.A,
        "b": AbcClass.A,
        "c": AbcClass.A,
        "d": AbcClass.B,
        "e": AbcClass.B,
        "f": AbcClass.C,
    }


def test_abc_when_one_customer_alone_reaches_eighty_percent():
    values = {"big": Decimal(900), "mid": Decimal(60), "small": Decimal(40)}

    assert abc_classes(values) == {"big": AbcClass.A, "mid": AbcClass.B, "small": AbcClass.C}


def test_abc_without_any_value_puts_everyone_in_c():
    assert set(abc_classes({"a": Decimal(0), "b": Decimal(0)}).values()) == {AbcClass.C}


values_by_customer = st.dictionaries(
    st.text(alphabet="abcdefghij", min_size=1, max_size=3),
    st.integers(min_value=0, max_value=50).map(Decimal),
    min_size=1,
    max_size=30,
)


@given(values_by_customer)
def test_abc_classes_partition_the_customers(values):
    classes = abc_classes(values)

    assert classes.keys() == values.keys()
    assert set(classes.values()) <= set(AbcClass)


@given(values_by_customer)
def test_a_is_the_smallest_set_reaching_eighty_percent(values):
    total = sum(values.values())
    a_values = sorted((values[ref] for ref, c in abc_classes(values).items() if c is AbcClass.A))
    if total == 0:
        assert a_values == []
        return
    top = sorted(values.values(), reverse=True)

    assert sum(a_values) >= total * Decimal("0.8")
    # No set of one customer fewer reaches it: not even the biggest ones.
    assert sum(top[: len(a_values) - 1]) < total * Decimal("0.8")


@given(values_by_customer)
def test_a_and_b_together_reach_ninety_five_percent(values):
    classes = abc_classes(values)
    a_and_b = sum(values[ref] for ref, c in classes.items() if c is not AbcClass.C)

    assert a_and_b >= sum(values.values()) * Decimal("0.95")


@given(values_by_customer, st.randoms())
def test_abc_does_not_depend_on_the_order_customers_come_in(values, random):
    refs = list(values)
    random.shuffle(refs)

    assert abc_classes({ref: values[ref] for ref in refs}) == abc_classes(values)


def test_classification_worked_example():
    customers = [
        CustomerFacts("acme", LONG_AGO, typology=Typology.INTERMEDIATE),
        CustomerFacts("bolt", LONG_AGO, special=True),
        CustomerFacts("cora", days_ago(20), typology=Typology.END_USER),
        CustomerFacts("dusk", LONG_AGO, lost=LostMark(days_ago(100), "closed down")),
    ]
    purchases = [
        bought("acme", "20000", days_ago(40)),
        bought("acme", "50000", days_ago(400)),  # older than 12 months: not in ABC
        bought("bolt", "1500", days_ago(200)),
        bought("cora", "500", days_ago(20)),
        bought("dusk", "100", days_ago(150)),
        bought("cora", "99999", AS_OF + timedelta(days=1)),  # after as_of: ignored
    ]

    classified = classify_customers(customers, purchases, AS_OF)

    assert {ref: c.labels for ref, c in classified.items()} == {
        "acme": {"existing", "A"},
        "bolt": {"inactive", "special", "B"},
        "cora": {"new", "C"},
        "dusk": {"lost", "C"},
    }
    assert [ref for ref, c in classified.items() if c.strategic] == ["acme"]
    assert classified["acme"].typology is Typology.INTERMEDIATE


def test_census_of_new_and_lost_customers_by_quarter():
    customers = [
        CustomerFacts("a", datetime(2026, 1, 5, tzinfo=UTC)),
        # Became a customer in 2025 but bought first in February: new in Q1 2026.
        CustomerFacts("b", datetime(2025, 11, 5, tzinfo=UTC)),
        CustomerFacts("c", datetime(2026, 4, 2, tzinfo=UTC)),
        CustomerFacts(
            "d",
            datetime(2025, 6, 1, tzinfo=UTC),
            lost=LostMark(datetime(2026, 5, 1, tzinfo=UTC), "price"),
        ),
    ]
    purchases = [
        bought("b", "10", datetime(2026, 2, 1, tzinfo=UTC)),
        bought("b", "10", datetime(2026, 8, 1, tzinfo=UTC)),
    ]

    rows = census(customers, purchases, by="quarter")

    assert [(r.period, r.new_customers, r.lost_customers, r.net) for r in rows] == [
        ("2025-Q2", 1, 0, 1),
        ("2026-Q1", 2, 0, 2),
        ("2026-Q2", 1, 1, 0),
    ]


def test_census_by_month_and_by_year():
    customers = [
        CustomerFacts("a", datetime(2026, 1, 31, 23, tzinfo=UTC)),
        CustomerFacts("b", datetime(2026, 2, 1, tzinfo=UTC)),
    ]

    assert [r.period for r in census(customers, [], by="month")] == ["2026-01", "2026-02"]
    assert [(r.period, r.new_customers) for r in census(customers, [], by="year")] == [("2026", 2)]


def test_census_refuses_an_unknown_granularity():
    with pytest.raises(InvalidInput) as raised:
        census([], [], by="week")

    assert "by" in raised.value.errors
