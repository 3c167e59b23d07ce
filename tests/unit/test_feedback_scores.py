"""Survey scores of a period: worked examples from the definitions, and their invariants."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientela.errors import InvalidInput
from clientela.periods import Period
from clientela.services.feedback.domain.scores import (
    SatisfactionThresholds,
    ScaleResponse,
    ServqualResponse,
    ces,
    csat,
    net_promoter,
    satisfaction,
    servqual,
    survey_figures,
)
from clientela.services.feedback.domain.surveys import (
    Dimension,
    ImportanceWeights,
    ItemRating,
    QuestionKind,
    ServqualAnswer,
    servqual_items,
)

MARCH = Period(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
BEFORE_MARCH = datetime(2026, 2, 28, 23, tzinfo=UTC)


def on_day(day: int) -> datetime:
    return datetime(2026, 3, day, 12, tzinfo=UTC)


def nps(customer: str, score: int, day: int = 10) -> ScaleResponse:
    return ScaleResponse(customer, QuestionKind.NPS, score, on_day(day))


def csat_answer(customer: str, score: int, day: int = 10) -> ScaleResponse:
    return ScaleResponse(customer, QuestionKind.CSAT, score, on_day(day))


def ces_answer(customer: str, score: int, day: int = 10) -> ScaleResponse:
    return ScaleResponse(customer, QuestionKind.CES, score, on_day(day))


def test_nps_is_percent_promoters_minus_percent_detractors():
    # 5 promoters, 3 passives, 2 detractors of 10: 50% - 20% = 30.
    scores = [10, 10, 9, 9, 9, 8, 7, 7, 6, 0]
    responses = [nps(f"c{i}", score) for i, score in enumerate(scores)]

    result = net_promoter(responses, MARCH)

    assert (result.promoters, result.passives, result.detractors) == (5, 3, 2)
    assert result.respondents == 10
    assert result.score == 30


def test_nps_counts_each_customers_latest_answer_in_the_period():
    responses = [
        nps("ana", 2, day=3),
        nps("ana", 10, day=20),  # latest in March: a promoter
        nps("ben", 9, day=5),
        nps("ben", 5, day=25),  # latest in March: a detractor
        ScaleResponse("eva", QuestionKind.NPS, 0, BEFORE_MARCH),  # outside March
        nps("luz", 8, day=7),
    ]

    result = net_promoter(responses, MARCH)

    # 1 promoter, 1 passive, 1 detractor: 33.33% - 33.33% = 0.
    assert (result.promoters, result.passives, result.detractors) == (1, 1, 1)
    assert result.score == 0


def test_nps_without_respondents_is_none():
    assert net_promoter([csat_answer("ana", 5)], MARCH).score is None


def test_csat_is_the_share_of_answers_4_or_5_and_their_mean():
    # 5 of 8 answers are 4 or 5; every answer counts, two from the same customer too.
    scores = [5, 4, 4, 3, 2, 5, 1, 4]
    responses = [csat_answer("ana" if i < 2 else f"c{i}", s) for i, s in enumerate(scores)]

    result = csat(responses, MARCH)

    assert result.top_band_share == 62.5
    assert result.mean == 3.5


def test_ces_is_the_mean_and_the_share_of_answers_5_to_7():
    responses = [ces_answer(f"c{i}", s) for i, s in enumerate([7, 5, 3, 6, 2])]

    result = ces(responses, MARCH)

    assert result.mean == 4.6
    assert result.top_band_share == 60


def test_csat_and_ces_without_answers_are_none():
    assert csat([], MARCH).mean is None
    assert ces([], MARCH).top_band_share is None


def servqual_answer(
    perceptions: dict[Dimension, tuple[int, int]], expectation: int, weights: dict[Dimension, int]
) -> ServqualAnswer:
    """Ratings of the ten-item form (two items per dimension)."""
    ratings = []
    for item in servqual_items(dict.fromkeys(Dimension, 2)):
        first, second = perceptions[item.dimension]
        perception = first if item.number % 2 else second
        ratings.append(ItemRating(item.number, item.dimension, expectation, perception))
    return ServqualAnswer(tuple(ratings), ImportanceWeights(weights))


T, REL, RESP, ASS, EMP = Dimension

# Ana expects 7 everywhere; her gaps: tangibility -1, -1; reliability -2, -3;
# responsiveness 0, 0; assurance -1, -2; empathy 0, 0. She weighs reliability most.
ANA = servqual_answer(
    {T: (6, 6), REL: (5, 4), RESP: (7, 7), ASS: (6, 5), EMP: (7, 7)},
    expectation=7,
    weights={T: 10, REL: 40, RESP: 20, ASS: 20, EMP: 10},
)
# Ben expects 6 and perceives 5 everywhere: every gap is -1.
BEN = servqual_answer(
    dict.fromkeys(Dimension, (5, 5)), expectation=6, weights=dict.fromkeys(Dimension, 20)
)


def test_servqual_gaps_per_item_per_dimension_and_weighted():
    responses = [
        ServqualResponse("ana", ANA, on_day(4)),
        ServqualResponse("ben", BEN, on_day(9)),
        ServqualResponse("eva", BEN, BEFORE_MARCH),
    ]

    gaps = servqual(responses, MARCH)

    # Items: the mean of Ana's and Ben's gap on each.
    assert gaps.items == {
        1: -1,
        2: -1,
        3: -1.5,
        4: -2,
        5: -0.5,
        6: -0.5,
        7: -1,
        8: -1.5,
        9: -0.5,
        10: -0.5,
    }
    # Dimensions: the mean of their items' gaps.
    assert gaps.dimensions == {T: -1, REL: -1.75, RESP: -0.5, ASS: -1.25, EMP: -0.5}
    # Ana: (10 x -1 + 40 x -2.5 + 20 x 0 + 20 x -1.5 + 10 x 0) / 100 = -1.4; Ben: -1.
    assert gaps.weighted == -1.2


def test_the_weighted_gap_counts_only_the_dimensions_rated():
    only_reliability = ServqualAnswer(
        (ItemRating(5, REL, 7, 4),),
        ImportanceWeights({T: 10, REL: 40, RESP: 20, ASS: 20, EMP: 10}),
    )

    gaps = servqual([ServqualResponse("ana", only_reliability, on_day(4))], MARCH)

    assert gaps.dimensions == {REL: -3}
    assert gaps.weighted == -3


def test_servqual_without_answers_has_no_gaps():
    gaps = servqual([], MARCH)

    assert (gaps.items, gaps.dimensions, gaps.weighted) == ({}, {}, None)


SC_EXAMPLE = [
    csat_answer("ana", 5),  # satisfied
    nps("ben", 8),  # satisfied: NPS 7 or more, though passive
    nps("cai", 6),  # not
    csat_answer("dan", 3),  # not
    csat_answer("eli", 2, day=3),
    nps("eli", 9, day=20),  # latest: satisfied
    nps("fay", 10, day=3),
    csat_answer("fay", 2, day=20),  # latest: not
    ScaleResponse("gus", QuestionKind.CSAT, 5, BEFORE_MARCH),  # not surveyed in March
    ces_answer("hal", 7),  # CES says nothing of satisfaction: not surveyed for SC
]
CAPTIVE = {"ana", "cai", "fay", "gus"}


def test_sc_is_satisfied_customers_over_customers_surveyed_by_their_latest_answer():
    result = satisfaction(SC_EXAMPLE, MARCH)

    assert (result.satisfied, result.surveyed) == (3, 6)
    assert result.score == 50


def test_i6_is_sc_over_captive_customers_only():
    result = satisfaction(SC_EXAMPLE, MARCH, among=CAPTIVE)

    # ana satisfied; cai and fay not; gus was not surveyed in March.
    assert (result.satisfied, result.surveyed) == (1, 3)
    assert result.score == 33.33


def test_satisfaction_thresholds_are_configurable():
    strict = SatisfactionThresholds(csat_min=5, nps_min=9)

    result = satisfaction(SC_EXAMPLE, MARCH, strict)

    # ana (CSAT 5) and eli (NPS 9) only.
    assert (result.satisfied, result.surveyed) == (2, 6)


def test_thresholds_outside_their_scale_are_refused():
    with pytest.raises(InvalidInput) as raised:
        SatisfactionThresholds(csat_min=6, nps_min=11)

    assert sorted(raised.value.errors) == ["csat_min"]


def test_a_score_outside_its_scale_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as raised:
        ScaleResponse("ana", QuestionKind.CSAT, 6, on_day(1))

    assert list(raised.value.errors) == ["score"]


def test_free_text_and_servqual_are_not_scale_responses():
    with pytest.raises(InvalidInput) as raised:
        ScaleResponse("ana", QuestionKind.FREE_TEXT, 3, on_day(1))

    assert list(raised.value.errors) == ["kind"]


def test_survey_figures_carry_every_public_name():
    responses = [*SC_EXAMPLE, ces_answer("ivy", 4)]
    servqual_responses = [
        ServqualResponse("ana", ANA, on_day(4)),
        ServqualResponse("ben", BEN, on_day(9)),
    ]

    figures = survey_figures(responses, servqual_responses, MARCH, CAPTIVE)

    assert figures == {
        # NPS, latest per customer: ben 8, cai 6, eli 9, fay 10: 50% - 25%.
        "NPS": 25.0,
        "nps_respondents": 4,
        # CSAT answers in March: ana 5, dan 3, eli 2, fay 2.
        "CSAT": 25.0,
        "CSAT_mean": 3.0,
        # CES answers: hal 7, ivy 4.
        "CES_mean": 5.5,
        "CES_5_to_7": 50.0,
        "SC": 50.0,
        "I6": 33.33,
        "SERVQUAL_gap_tangibility": -1.0,
        "SERVQUAL_gap_reliability": -1.75,
        "SERVQUAL_gap_responsiveness": -0.5,
        "SERVQUAL_gap_assurance": -1.25,
        "SERVQUAL_gap_empathy": -0.5,
        "SERVQUAL_weighted": -1.2,
    }


def test_survey_figures_of_an_empty_period_are_none_but_counts_are_zero():
    figures = survey_figures([], [], MARCH, CAPTIVE)

    assert figures["nps_respondents"] == 0
    assert {value for name, value in figures.items() if name != "nps_respondents"} == {None}


CUSTOMERS = st.sampled_from(["ana", "ben", "cai", "dan", "eli", "fay"])
MOMENTS = st.integers(min_value=-5 * 24, max_value=40 * 24).map(
    lambda hours: MARCH.start + timedelta(hours=hours)
)


@st.composite
def scale_responses(draw: st.DrawFn) -> ScaleResponse:
    kind = draw(st.sampled_from([QuestionKind.NPS, QuestionKind.CSAT]))
    high = 10 if kind is QuestionKind.NPS else 5
    score = draw(st.integers(min_value=0 if kind is QuestionKind.NPS else 1, max_value=high))
    return ScaleResponse(draw(CUSTOMERS), kind, score, draw(MOMENTS))


@given(st.lists(scale_responses(), max_size=30))
def test_nps_stays_between_minus_100_and_100(responses):
    result = net_promoter(responses, MARCH)

    if result.respondents == 0:
        assert result.score is None
    else:
        assert -100 <= result.score <= 100


@given(st.lists(scale_responses(), max_size=30), st.sets(CUSTOMERS))
def test_sc_and_i6_stay_between_0_and_100_and_i6_is_sc_of_the_captive_subset(responses, captive):
    sc = satisfaction(responses, MARCH)
    i6 = satisfaction(responses, MARCH, among=captive)
    captive_only = satisfaction([r for r in responses if r.customer_id in captive], MARCH)

    for result in (sc, i6):
        assert result.score is None or 0 <= result.score <= 100
    assert i6 == captive_only
    assert i6.surveyed <= sc.surveyed
    assert i6.satisfied <= sc.satisfied
