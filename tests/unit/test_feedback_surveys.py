"""Survey definitions: scales, SERVQUAL items and weights, versions, and answer checks."""

import pytest

from clientela.errors import InvalidInput
from clientela.services.feedback.domain.surveys import (
    PARASURAMAN_ITEMS,
    Dimension,
    ImportanceWeights,
    ItemRating,
    Question,
    QuestionKind,
    ServqualAnswer,
    ServqualItem,
    Survey,
    check_answer,
    servqual_items,
)

NPS = Question("recommend", QuestionKind.NPS, "How likely are you to recommend us?")
CSAT = Question("satisfied", QuestionKind.CSAT, "How satisfied are you?")
CES = Question("effort", QuestionKind.CES, "We made it easy to solve my problem.")
COMMENT = Question("comment", QuestionKind.FREE_TEXT, "Anything else?")
SERVQUAL = Question("quality", QuestionKind.SERVQUAL, "Service quality")


def errors_of(raised: pytest.ExceptionInfo[InvalidInput]) -> dict:
    return raised.value.errors


def full_servqual_answer(
    question: Question = SERVQUAL, expectation: int = 6, perception: int = 5
) -> ServqualAnswer:
    ratings = tuple(
        ItemRating(item.number, item.dimension, expectation, perception) for item in question.items
    )
    return ServqualAnswer(ratings, ImportanceWeights.equal())


def test_a_servqual_question_has_parasuramans_22_items_over_the_five_dimensions_by_default():
    per_dimension = {d: [i.number for i in SERVQUAL.items if i.dimension is d] for d in Dimension}

    assert len(SERVQUAL.items) == 22
    assert per_dimension == {
        Dimension.TANGIBILITY: [1, 2, 3, 4],
        Dimension.RELIABILITY: [5, 6, 7, 8, 9],
        Dimension.RESPONSIVENESS: [10, 11, 12, 13],
        Dimension.ASSURANCE: [14, 15, 16, 17],
        Dimension.EMPATHY: [18, 19, 20, 21, 22],
    }


def test_the_number_of_items_is_configurable_per_dimension():
    short = Question(
        "q", "servqual", "Short form", items=servqual_items(dict.fromkeys(Dimension, 2))
    )

    assert len(short.items) == 10
    assert short.kind is QuestionKind.SERVQUAL


def test_servqual_items_must_cover_every_dimension_once_numbered():
    only_two = (ServqualItem(1, Dimension.TANGIBILITY), ServqualItem(2, Dimension.EMPATHY))
    repeated = (*servqual_items(), ServqualItem(1, Dimension.EMPATHY))

    with pytest.raises(InvalidInput) as missing:
        Question("q", QuestionKind.SERVQUAL, "q", items=only_two)
    with pytest.raises(InvalidInput) as twice:
        Question("q", QuestionKind.SERVQUAL, "q", items=repeated)

    assert "reliability" in errors_of(missing)["items"][0]
    assert "repeated: [1]" in errors_of(twice)["items"][0]


def test_a_dimension_without_items_is_refused_when_building_items():
    with pytest.raises(InvalidInput) as raised:
        servqual_items({**PARASURAMAN_ITEMS, Dimension.EMPATHY: 0})

    assert list(errors_of(raised)) == ["items.empathy"]


def test_only_servqual_questions_have_items():
    with pytest.raises(InvalidInput) as raised:
        Question("q", QuestionKind.NPS, "q", items=servqual_items())

    assert list(errors_of(raised)) == ["items"]


def test_an_unknown_kind_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as raised:
        Question("q", "stars", "q")

    assert list(errors_of(raised)) == ["kind"]


@pytest.mark.parametrize(
    ("question", "lowest", "highest"), [(NPS, 0, 10), (CSAT, 1, 5), (CES, 1, 7)]
)
def test_scores_are_accepted_across_their_scale_and_refused_beyond(question, lowest, highest):
    assert check_answer(question, lowest) == lowest
    assert check_answer(question, highest) == highest
    for outside in (lowest - 1, highest + 1, 5.5, "7", True):
        with pytest.raises(InvalidInput) as raised:
            check_answer(question, outside)
        assert errors_of(raised) == {
            "score": [f"Must be a whole number from {lowest} to {highest}."]
        }


def test_free_text_must_be_present_and_not_too_long():
    assert check_answer(COMMENT, "The delivery was late.") == "The delivery was late."
    for bad in ("   ", "x" * 5001, 7):
        with pytest.raises(InvalidInput) as raised:
            check_answer(COMMENT, bad)
        assert list(errors_of(raised)) == ["text"]


def test_a_full_servqual_answer_is_accepted():
    answer = full_servqual_answer()

    assert check_answer(SERVQUAL, answer) is answer


def test_a_servqual_answer_names_every_bad_rating():
    ratings = list(full_servqual_answer().ratings)
    ratings[0] = ItemRating(1, Dimension.TANGIBILITY, 0, 5)
    ratings[1] = ItemRating(2, Dimension.TANGIBILITY, 6, 8)
    ratings[2] = ItemRating(3, Dimension.EMPATHY, 6, 6)
    ratings.append(ItemRating(23, Dimension.EMPATHY, 6, 6))
    answer = ServqualAnswer(tuple(ratings), ImportanceWeights.equal())

    with pytest.raises(InvalidInput) as raised:
        check_answer(SERVQUAL, answer)

    assert sorted(errors_of(raised)) == [
        "ratings.1.expectation",
        "ratings.2.perception",
        "ratings.23",
        "ratings.3.dimension",
    ]


def test_a_servqual_answer_rates_every_item_exactly_once():
    ratings = full_servqual_answer().ratings
    missing = ServqualAnswer(ratings[:-1], ImportanceWeights.equal())
    doubled = ServqualAnswer((*ratings, ratings[0]), ImportanceWeights.equal())

    with pytest.raises(InvalidInput) as unrated:
        check_answer(SERVQUAL, missing)
    with pytest.raises(InvalidInput) as twice:
        check_answer(SERVQUAL, doubled)

    assert errors_of(unrated) == {"ratings": ["Every item must be rated; missing: [22]."]}
    assert errors_of(twice) == {"ratings": ["Each item is rated once; rated more than once: [1]."]}


def test_a_servqual_question_is_not_answered_with_a_score():
    with pytest.raises(InvalidInput) as raised:
        check_answer(SERVQUAL, 7)

    assert list(errors_of(raised)) == ["ratings"]


def test_importance_weights_spread_100_points_over_the_five_dimensions():
    weights = ImportanceWeights(
        {
            Dimension.TANGIBILITY: 10,
            Dimension.RELIABILITY: 30,
            Dimension.RESPONSIVENESS: 20,
            Dimension.ASSURANCE: 20,
            Dimension.EMPATHY: 20,
        }
    )

    assert sum(weights.points.values()) == 100
    assert ImportanceWeights.equal().points == dict.fromkeys(Dimension, 20)


def test_importance_weights_not_adding_up_to_100_are_refused():
    with pytest.raises(InvalidInput) as raised:
        ImportanceWeights(dict.fromkeys(Dimension, 25))

    assert errors_of(raised) == {
        "importance": ["The points must add up to 100; they add up to 125."]
    }


def test_importance_weights_name_each_bad_or_missing_dimension():
    points = {**dict.fromkeys(Dimension, 20), Dimension.EMPATHY: -5}
    del points[Dimension.TANGIBILITY]

    with pytest.raises(InvalidInput) as raised:
        ImportanceWeights(points)

    assert sorted(errors_of(raised)) == ["importance.empathy", "importance.tangibility"]


def test_a_revised_question_gets_the_next_version_and_the_old_one_stays_readable():
    survey = Survey("post-sale", "After the sale", (NPS, COMMENT))

    revised = survey.revise("recommend", text="Would you recommend us to a colleague?")

    assert revised.question("recommend").version == 2
    assert revised.question("recommend").text == "Would you recommend us to a colleague?"
    assert revised.question("recommend", version=1).text == NPS.text
    assert [q.key for q in revised.current_questions()] == ["recommend", "comment"]
    assert [q.version for q in revised.current_questions()] == [2, 1]


def test_an_answer_is_checked_against_the_version_it_answered():
    survey = Survey("quality", "Quality", (SERVQUAL,))
    short_items = servqual_items(dict.fromkeys(Dimension, 1))
    revised = survey.revise("quality", items=short_items)
    old_answer = full_servqual_answer()

    assert check_answer(revised.question("quality", version=1), old_answer) is old_answer
    with pytest.raises(InvalidInput):
        check_answer(revised.question("quality"), old_answer)


def test_survey_versions_must_run_in_order():
    second = Question("recommend", QuestionKind.NPS, "Again?", version=2)

    with pytest.raises(InvalidInput) as raised:
        Survey("s", "S", (second,))

    assert list(errors_of(raised)) == ["questions"]


def test_asking_for_a_question_the_survey_lacks_names_the_field():
    survey = Survey("s", "S", (NPS,))

    with pytest.raises(InvalidInput) as no_question:
        survey.question("missing")
    with pytest.raises(InvalidInput) as no_version:
        survey.question("recommend", version=3)

    assert list(errors_of(no_question)) == ["question"]
    assert list(errors_of(no_version)) == ["version"]
