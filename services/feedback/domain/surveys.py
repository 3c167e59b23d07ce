"""Survey definitions with versioned questions, and the check of an answer against its question.

Question kinds and their scales:

- NPS: 0-10, "how likely are you to recommend us?";
- CSAT: 1-5, satisfaction;
- CES: 1-7, customer effort;
- SERVQUAL (Parasuraman, Zeithaml and Berry): for every item, the service the
  customer expects of an excellent company and the service they perceive from
  ours, each 1-7; the items cover the five dimensions of service, and the
  customer spreads 100 importance points over the dimensions;
- free text.

A question's wording is never edited in place: :meth:`Survey.revise` adds the
next version, so an answer is always read against the version it answered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from clientela.checks import invalid, require_text
from clientela.errors import InvalidInput
from clientela.services.feedback.domain.checks import require_choice, require_whole


class QuestionKind(StrEnum):
    """What a question asks for, which decides its scale."""

    NPS = "nps"
    CSAT = "csat"
    CES = "ces"
    SERVQUAL = "servqual"
    FREE_TEXT = "free_text"


SCALES: Mapping[QuestionKind, tuple[int, int]] = {
    QuestionKind.NPS: (0, 10),
    QuestionKind.CSAT: (1, 5),
    QuestionKind.CES: (1, 7),
}
"""Lowest and highest score of each question answered with one number."""

SERVQUAL_SCALE = (1, 7)
"""Each SERVQUAL expectation and perception is rated on Parasuraman's seven-point scale."""

FREE_TEXT_MAX_LENGTH = 5000


class Dimension(StrEnum):
    """The five dimensions of service quality SERVQUAL measures."""

    TANGIBILITY = "tangibility"
    RELIABILITY = "reliability"
    RESPONSIVENESS = "responsiveness"
    ASSURANCE = "assurance"
    EMPATHY = "empathy"


PARASURAMAN_ITEMS: Mapping[Dimension, int] = {
    Dimension.TANGIBILITY: 4,
    Dimension.RELIABILITY: 5,
    Dimension.RESPONSIVENESS: 4,
    Dimension.ASSURANCE: 4,
    Dimension.EMPATHY: 5,
}
"""How many of the 22 items of Parasuraman's 1988 instrument fall in each dimension."""


@dataclass(frozen=True)
class ServqualItem:
    """One SERVQUAL statement, numbered within its question, about one dimension."""

    number: int
    dimension: Dimension
    text: str = ""


def servqual_items(
    per_dimension: Mapping[Dimension, int] = PARASURAMAN_ITEMS,
) -> tuple[ServqualItem, ...]:
    """Items numbered from 1, dimension after dimension, ``per_dimension[d]`` of each.

    The default is Parasuraman's 22 items: 1-4 tangibility, 5-9 reliability,
    10-13 responsiveness, 14-17 assurance, 18-22 empathy.
    """
    items: list[ServqualItem] = []
    for dimension in Dimension:
        count = per_dimension.get(dimension, 0)
        require_whole(f"items.{dimension}", count, 1, 100)
        items.extend(ServqualItem(len(items) + 1, dimension) for _ in range(count))
    return tuple(items)


@dataclass(frozen=True)
class Question:
    """One version of one question of a survey.

    A SERVQUAL question without ``items`` gets Parasuraman's 22; its items must
    have distinct numbers and cover all five dimensions. Other kinds have no items.
    """

    key: str
    kind: QuestionKind
    text: str
    version: int = 1
    items: tuple[ServqualItem, ...] = ()

    def __post_init__(self) -> None:
        require_text("key", self.key)
        require_text("text", self.text)
        object.__setattr__(self, "kind", require_choice("kind", self.kind, QuestionKind))
        require_whole("version", self.version, 1, 10**6)
        if self.kind is not QuestionKind.SERVQUAL:
            if self.items:
                raise invalid("items", "Only a SERVQUAL question has items.")
            return
        if not self.items:
            object.__setattr__(self, "items", servqual_items())
        _check_items(self.items)

    def item(self, number: int) -> ServqualItem | None:
        """The item numbered ``number``, or None when this question has no such item."""
        return next((item for item in self.items if item.number == number), None)


def _check_items(items: tuple[ServqualItem, ...]) -> None:
    numbers = Counter(item.number for item in items)
    repeated = sorted(number for number, times in numbers.items() if times > 1)
    if repeated:
        raise invalid("items", f"Item numbers must be distinct; repeated: {repeated}.")
    missing = [str(d) for d in Dimension if all(item.dimension != d for item in items)]
    if missing:
        raise invalid("items", f"Every dimension needs an item; none for: {', '.join(missing)}.")


@dataclass(frozen=True)
class Survey:
    """A survey: its questions, every version of each kept.

    Versions of one key run 1, 2, 3... in order; the highest is the current one.
    """

    survey_id: str
    name: str
    questions: tuple[Question, ...]

    def __post_init__(self) -> None:
        require_text("survey_id", self.survey_id)
        require_text("name", self.name)
        if not self.questions:
            raise invalid("questions", "A survey needs at least one question.")
        for key in self.keys():
            versions = [q.version for q in self.questions if q.key == key]
            if versions != list(range(1, len(versions) + 1)):
                raise invalid("questions", f"Versions of {key!r} must run 1, 2, 3... in order.")

    def keys(self) -> list[str]:
        """The question keys, in the order they first appear."""
        return list(dict.fromkeys(q.key for q in self.questions))

    def question(self, key: str, version: int | None = None) -> Question:
        """Version ``version`` of question ``key``, the current one when None.

        InvalidInput naming ``question`` (or ``version``) when there is no such question.
        """
        versions = [q for q in self.questions if q.key == key]
        if not versions:
            raise invalid("question", f"The survey has no question {key!r}.")
        if version is None:
            return versions[-1]
        found = next((q for q in versions if q.version == version), None)
        if found is None:
            raise invalid("version", f"Question {key!r} has no version {version}.")
        return found

    def current_questions(self) -> list[Question]:
        """The current version of every question: what an invitation asks today."""
        return [self.question(key) for key in self.keys()]

    def revise(
        self, key: str, text: str | None = None, items: tuple[ServqualItem, ...] | None = None
    ) -> Survey:
        """The survey with the next version of question ``key``, reworded or with new items."""
        current = self.question(key)
        revised = replace(
            current,
            version=current.version + 1,
            text=current.text if text is None else text,
            items=current.items if items is None else items,
        )
        return replace(self, questions=(*self.questions, revised))


@dataclass(frozen=True)
class ImportanceWeights:
    """The 100 points a customer spreads over the five dimensions (SERVQUAL's second part)."""

    points: Mapping[Dimension, int]

    def __post_init__(self) -> None:
        errors: dict[str, list[str]] = {}
        for dimension in Dimension:
            value = self.points.get(dimension)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
                errors[f"importance.{dimension}"] = ["Must be a whole number from 0 to 100."]
        unknown = sorted(str(key) for key in self.points if key not in set(Dimension))
        if unknown:
            errors["importance"] = [f"Unknown dimensions: {', '.join(unknown)}."]
        elif not errors and sum(self.points.values()) != 100:
            errors["importance"] = [
                f"The points must add up to 100; they add up to {sum(self.points.values())}."
            ]
        if errors:
            raise InvalidInput(errors)

    @classmethod
    def equal(cls) -> ImportanceWeights:
        """20 points each: what applies when a customer gave no weights."""
        return cls({dimension: 20 for dimension in Dimension})


@dataclass(frozen=True)
class ItemRating:
    """A customer's expectation and perception of one SERVQUAL item of ``dimension``."""

    item: int
    dimension: Dimension
    expectation: int
    perception: int

    @property
    def gap(self) -> int:
        """Perception minus expectation: negative where the service falls short."""
        return self.perception - self.expectation


@dataclass(frozen=True)
class ServqualAnswer:
    """A whole SERVQUAL answer: a rating for every item and the importance weights."""

    ratings: tuple[ItemRating, ...]
    importance: ImportanceWeights


Answer = int | str | ServqualAnswer
"""A score (NPS, CSAT, CES), a text (free text) or a SERVQUAL answer."""


def check_answer(question: Question, answer: object) -> Answer:
    """``answer`` when it answers ``question``, else InvalidInput naming every bad field.

    Scores are checked against the question's scale (field ``score``), free text
    for being present and not too long (``text``), a SERVQUAL answer for rating
    every item of the question once, each 1-7 (``ratings``, ``ratings.<item>.expectation``).
    """
    if question.kind in SCALES:
        return require_whole("score", answer, *SCALES[question.kind])
    if question.kind is QuestionKind.FREE_TEXT:
        require_text("text", answer)
        text = str(answer)
        if len(text) > FREE_TEXT_MAX_LENGTH:
            raise invalid("text", f"Must be at most {FREE_TEXT_MAX_LENGTH} characters.")
        return text
    if not isinstance(answer, ServqualAnswer):
        raise invalid("ratings", "A SERVQUAL question is answered with ratings and importance.")
    _check_ratings(question, answer.ratings)
    return answer


def _check_ratings(question: Question, ratings: tuple[ItemRating, ...]) -> None:
    errors: dict[str, list[str]] = {}
    low, high = SERVQUAL_SCALE
    rated = Counter(rating.item for rating in ratings)
    for rating in ratings:
        item = question.item(rating.item)
        if item is None:
            errors[f"ratings.{rating.item}"] = ["The question has no such item."]
            continue
        if rating.dimension != item.dimension:
            errors[f"ratings.{rating.item}.dimension"] = [f"The item is about {item.dimension}."]
        for name in ("expectation", "perception"):
            value = getattr(rating, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                errors[f"ratings.{rating.item}.{name}"] = [
                    f"Must be a whole number from {low} to {high}."
                ]
    repeated = sorted(number for number, times in rated.items() if times > 1)
    unrated = [item.number for item in question.items if item.number not in rated]
    if repeated:
        errors["ratings"] = [f"Each item is rated once; rated more than once: {repeated}."]
    elif unrated:
        errors["ratings"] = [f"Every item must be rated; missing: {unrated}."]
    if errors:
        raise InvalidInput(errors)
