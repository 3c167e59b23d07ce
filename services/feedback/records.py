"""Stored shapes of surveys and responses, to and from the domain's objects."""

from __future__ import annotations

from typing import Any

from clientela.checks import invalid
from clientela.services.feedback.domain.scores import ScaleResponse, ServqualResponse
from clientela.services.feedback.domain.surveys import (
    SCALES,
    Dimension,
    ImportanceWeights,
    ItemRating,
    Question,
    QuestionKind,
    ServqualAnswer,
    ServqualItem,
    Survey,
)


def survey_record(survey: Survey) -> dict[str, Any]:
    """``survey`` as stored and returned: every version of every question."""
    return {
        "_id": survey.survey_id,
        "name": survey.name,
        "questions": [
            {
                "key": q.key,
                "kind": str(q.kind),
                "text": q.text,
                "version": q.version,
                "items": [
                    {"number": i.number, "dimension": str(i.dimension), "text": i.text}
                    for i in q.items
                ],
            }
            for q in survey.questions
        ],
    }


def servqual_items_from(items: Any) -> tuple[ServqualItem, ...]:
    """SERVQUAL items from ``[{"number", "dimension", "text"}]``; InvalidInput naming ``items``."""
    try:
        return tuple(
            ServqualItem(int(i["number"]), Dimension(i["dimension"]), str(i.get("text", "")))
            for i in items
        )
    except (KeyError, TypeError, ValueError):
        raise invalid("items", "Each item needs a number and one of the five dimensions.") from None


def survey_from(record: dict[str, Any]) -> Survey:
    """The :class:`Survey` a stored record holds."""
    return Survey(
        record["_id"],
        record["name"],
        tuple(
            Question(q["key"], q["kind"], q["text"], q["version"], servqual_items_from(q["items"]))
            for q in record["questions"]
        ),
    )


def servqual_answer_from(question: Question, answer: Any) -> ServqualAnswer:
    """A SERVQUAL answer from ``{"ratings": [{"item", "expectation", "perception"}],
    "importance": {dimension: points}}``; each rating takes its item's dimension, and no
    ``importance`` counts as equal weights. InvalidInput naming the field at fault."""
    if not isinstance(answer, dict) or not isinstance(answer.get("ratings"), list):
        raise invalid("ratings", "A SERVQUAL question is answered with ratings and importance.")
    ratings = []
    for rating in answer["ratings"]:
        number = rating.get("item") if isinstance(rating, dict) else None
        item = question.item(number) if isinstance(number, int) else None
        if item is None:
            raise invalid("ratings", f"No item {number!r} in the question.")
        ratings.append(
            ItemRating(
                item.number, item.dimension, rating.get("expectation"), rating.get("perception")
            )
        )
    importance = answer.get("importance")
    if importance is None:
        return ServqualAnswer(tuple(ratings), ImportanceWeights.equal())
    if not isinstance(importance, dict):
        raise invalid("importance", "Give the points of each of the five dimensions.")
    named = {_dimension_named(name): points for name, points in importance.items()}
    return ServqualAnswer(tuple(ratings), ImportanceWeights(named))


def _dimension_named(name: Any) -> Any:
    # an unknown name is kept as given, for ImportanceWeights to name in its error
    return Dimension(name) if name in set(Dimension) else name


def scale_responses(records: list[dict[str, Any]]) -> list[ScaleResponse]:
    """The signed NPS, CSAT and CES responses among ``records``, for the scores."""
    return [
        ScaleResponse(r["customer_id"], QuestionKind(r["kind"]), r["score"], r["answered_at"])
        for r in records
        if r["kind"] in SCALES and r["customer_id"] is not None
    ]


def servqual_responses(records: list[dict[str, Any]]) -> list[ServqualResponse]:
    """The signed SERVQUAL responses among ``records``, for the gaps."""
    return [
        ServqualResponse(
            r["customer_id"],
            ServqualAnswer(
                tuple(
                    ItemRating(
                        x["item"], Dimension(x["dimension"]), x["expectation"], x["perception"]
                    )
                    for x in r["ratings"]
                ),
                ImportanceWeights({Dimension(d): p for d, p in r["importance"].items()}),
            ),
            r["answered_at"],
        )
        for r in records
        if r["kind"] == QuestionKind.SERVQUAL and r["customer_id"] is not None
    ]
