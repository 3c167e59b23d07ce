"""Survey scores of a period P, under the names kpi publishes them.

- ``NPS`` = % promoters (9-10) - % detractors (0-6) among the customers who
  answered in P, latest answer per customer; ``nps_respondents`` counts them.
- ``CSAT`` = % of the CSAT answers in P that are 4 or 5; ``CSAT_mean`` their mean.
- ``CES_mean`` = mean of the CES answers in P; ``CES_5_to_7`` = % of them 5-7.
- ``SERVQUAL_gap_<dimension>`` = perception - expectation averaged over the
  dimension's items, each item's gap averaged over the SERVQUAL answers in P;
  ``SERVQUAL_weighted`` = each answer's dimension gaps weighted by the
  importance points its customer gave, averaged over the answers.
- ``SC`` = customers surveyed in P whose latest answer in P is satisfied
  (CSAT >= 4 or NPS >= 7 by default) / customers surveyed in P x 100, where
  surveyed means answering a CSAT or NPS question.
- ``I6`` = SC over captive customers only.

Percentages and means are rounded to two decimals; a figure with nothing to
compute it from is None.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from statistics import fmean

from clientela.checks import invalid, require_aware, require_text
from clientela.figures import mean, net_promoter_score, percentage, weighted_gap
from clientela.periods import Period
from clientela.services.feedback.domain import nps_category
from clientela.services.feedback.domain.checks import require_choice, require_whole
from clientela.services.feedback.domain.surveys import (
    SCALES,
    Dimension,
    QuestionKind,
    ServqualAnswer,
)


@dataclass(frozen=True)
class ScaleResponse:
    """One customer's answer to an NPS, CSAT or CES question."""

    customer_id: str
    kind: QuestionKind
    score: int
    answered_at: datetime

    def __post_init__(self) -> None:
        require_text("customer_id", self.customer_id)
        kind = require_choice("kind", self.kind, QuestionKind)
        if kind not in SCALES:
            raise invalid("kind", f"Must be one of: {', '.join(SCALES)}.")
        object.__setattr__(self, "kind", kind)
        require_whole("score", self.score, *SCALES[self.kind])
        require_aware("answered_at", self.answered_at)


@dataclass(frozen=True)
class ServqualResponse:
    """One customer's answer to a SERVQUAL question."""

    customer_id: str
    answer: ServqualAnswer
    answered_at: datetime

    def __post_init__(self) -> None:
        require_text("customer_id", self.customer_id)
        require_aware("answered_at", self.answered_at)

    def dimension_gaps(self) -> dict[Dimension, float]:
        """This answer's mean gap in each dimension it rated."""
        gaps: dict[Dimension, list[int]] = defaultdict(list)
        for rating in self.answer.ratings:
            gaps[rating.dimension].append(rating.gap)
        return {dimension: fmean(values) for dimension, values in gaps.items()}

    def weighted_gap(self) -> float | None:
        """The dimension gaps weighted by this customer's importance points.

        Only the dimensions rated count, their points taken as the whole; None
        when the customer gave those dimensions no points at all.
        """
        return weighted_gap(self.dimension_gaps(), self.answer.importance.points)


def _answers_in(
    responses: Iterable[ScaleResponse], kinds: Collection[QuestionKind], period: Period
) -> list[ScaleResponse]:
    return [r for r in responses if r.kind in kinds and r.answered_at in period]


def latest_per_customer(responses: Iterable[ScaleResponse]) -> dict[str, ScaleResponse]:
    """Each customer's latest response; of two at the same instant, the later one listed."""
    latest: dict[str, ScaleResponse] = {}
    for response in responses:
        kept = latest.get(response.customer_id)
        if kept is None or response.answered_at >= kept.answered_at:
            latest[response.customer_id] = response
    return latest


@dataclass(frozen=True)
class NetPromoter:
    """The NPS of a period with the counts behind it."""

    promoters: int
    passives: int
    detractors: int

    @property
    def respondents(self) -> int:
        """Customers who answered, each counted once."""
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> float | None:
        """% promoters - % detractors, from -100 to 100; None when nobody answered."""
        return net_promoter_score(self.promoters, self.detractors, self.respondents)


def net_promoter(responses: Iterable[ScaleResponse], period: Period) -> NetPromoter:
    """NPS over the latest NPS answer in ``period`` of each customer."""
    latest = latest_per_customer(_answers_in(responses, [QuestionKind.NPS], period))
    categories = [nps_category(response.score) for response in latest.values()]
    return NetPromoter(
        promoters=categories.count("promoter"),
        passives=categories.count("passive"),
        detractors=categories.count("detractor"),
    )


@dataclass(frozen=True)
class ScaleSummary:
    """The answers to one scale in a period: their mean and the share in the top band."""

    scores: tuple[int, ...]
    top_band: tuple[int, int]

    @property
    def mean(self) -> float | None:
        """The mean score; None without answers."""
        return mean(self.scores)

    @property
    def top_band_share(self) -> float | None:
        """% of the answers within ``top_band`` (inclusive); None without answers."""
        low, high = self.top_band
        return percentage(sum(1 for s in self.scores if low <= s <= high), len(self.scores))


CSAT_SATISFIED = (4, 5)
CES_TOP = (5, 7)


def csat(responses: Iterable[ScaleResponse], period: Period) -> ScaleSummary:
    """Every CSAT answer in ``period``; ``top_band_share`` is the CSAT (% of 4-5)."""
    answers = _answers_in(responses, [QuestionKind.CSAT], period)
    return ScaleSummary(tuple(r.score for r in answers), CSAT_SATISFIED)


def ces(responses: Iterable[ScaleResponse], period: Period) -> ScaleSummary:
    """Every CES answer in ``period``; ``top_band_share`` is the % of 5-7."""
    answers = _answers_in(responses, [QuestionKind.CES], period)
    return ScaleSummary(tuple(r.score for r in answers), CES_TOP)


@dataclass(frozen=True)
class ServqualGaps:
    """SERVQUAL gaps of a period: per item, per dimension, and importance-weighted."""

    items: Mapping[int, float]
    dimensions: Mapping[Dimension, float]
    weighted: float | None


def servqual(responses: Iterable[ServqualResponse], period: Period) -> ServqualGaps:
    """Gaps over the SERVQUAL answers in ``period``.

    An item's gap is its mean gap over the answers; a dimension's gap the mean
    of its items' gaps, as Parasuraman scores the instrument; the weighted gap
    the mean of each answer's importance-weighted gap.
    """
    answers = [r for r in responses if r.answered_at in period]
    by_item: dict[int, list[int]] = defaultdict(list)
    dimension_of: dict[int, Dimension] = {}
    for response in answers:
        for rating in response.answer.ratings:
            by_item[rating.item].append(rating.gap)
            dimension_of[rating.item] = rating.dimension
    item_gaps = {item: fmean(gaps) for item, gaps in sorted(by_item.items())}
    by_dimension: dict[Dimension, list[float]] = defaultdict(list)
    for item, gap in item_gaps.items():
        by_dimension[dimension_of[item]].append(gap)
    weighted = [one for r in answers if (one := r.weighted_gap()) is not None]
    return ServqualGaps(
        items={item: round(gap, 2) for item, gap in item_gaps.items()},
        dimensions={d: round(fmean(by_dimension[d]), 2) for d in Dimension if d in by_dimension},
        weighted=mean(weighted),
    )


@dataclass(frozen=True)
class SatisfactionThresholds:
    """The least CSAT and the least NPS score that count a customer as satisfied."""

    csat_min: int = 4
    nps_min: int = 7

    def __post_init__(self) -> None:
        require_whole("csat_min", self.csat_min, *SCALES[QuestionKind.CSAT])
        require_whole("nps_min", self.nps_min, *SCALES[QuestionKind.NPS])

    def satisfied(self, response: ScaleResponse) -> bool:
        """Whether ``response`` (a CSAT or NPS answer) says the customer is satisfied."""
        least = self.csat_min if response.kind is QuestionKind.CSAT else self.nps_min
        return response.score >= least


SATISFACTION_KINDS = (QuestionKind.CSAT, QuestionKind.NPS)


@dataclass(frozen=True)
class Satisfaction:
    """SC of a period with the counts behind it."""

    surveyed: int
    satisfied: int

    @property
    def score(self) -> float | None:
        """Satisfied / surveyed x 100; None when nobody was surveyed."""
        return percentage(self.satisfied, self.surveyed)


def satisfaction(
    responses: Iterable[ScaleResponse],
    period: Period,
    thresholds: SatisfactionThresholds = SatisfactionThresholds(),
    among: Collection[str] | None = None,
) -> Satisfaction:
    """SC: customers whose latest CSAT or NPS answer in ``period`` is satisfied.

    ``among`` restricts it to those customers (the captive ones for I6).
    """
    answers = _answers_in(responses, SATISFACTION_KINDS, period)
    if among is not None:
        answers = [r for r in answers if r.customer_id in among]
    latest = latest_per_customer(answers).values()
    return Satisfaction(
        surveyed=len(latest), satisfied=sum(1 for r in latest if thresholds.satisfied(r))
    )


def survey_figures(
    responses: Iterable[ScaleResponse],
    servqual_responses: Iterable[ServqualResponse],
    period: Period,
    captive_customers: Collection[str],
    thresholds: SatisfactionThresholds = SatisfactionThresholds(),
) -> dict[str, float | int | None]:
    """Every survey figure of ``period`` under its public name."""
    responses = list(responses)
    nps = net_promoter(responses, period)
    csat_summary = csat(responses, period)
    ces_summary = ces(responses, period)
    gaps = servqual(servqual_responses, period)
    figures: dict[str, float | int | None] = {
        "NPS": nps.score,
        "nps_respondents": nps.respondents,
        "CSAT": csat_summary.top_band_share,
        "CSAT_mean": csat_summary.mean,
        "CES_mean": ces_summary.mean,
        "CES_5_to_7": ces_summary.top_band_share,
        "SC": satisfaction(responses, period, thresholds).score,
        "I6": satisfaction(responses, period, thresholds, among=captive_customers).score,
    }
    for dimension in Dimension:
        figures[f"SERVQUAL_gap_{dimension}"] = gaps.dimensions.get(dimension)
    figures["SERVQUAL_weighted"] = gaps.weighted
    return figures
