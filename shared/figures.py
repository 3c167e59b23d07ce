"""The ratios the services report, computed one way everywhere.

Every figure is rounded to two decimals, and is None when there is nothing to
compute it from (rather than a misleading 0).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from statistics import fmean
from typing import TypeVar


def percentage(part: int, whole: int) -> float | None:
    """``part / whole x 100`` rounded to two decimals; None when there is no whole."""
    return None if whole == 0 else round(part * 100 / whole, 2)


def net_promoter_score(promoters: int, detractors: int, respondents: int) -> float | None:
    """% promoters minus % detractors among ``respondents``, from -100 to 100; None when
    nobody answered."""
    return percentage(promoters - detractors, respondents)


def mean(values: Iterable[float]) -> float | None:
    """The mean of ``values`` rounded to two decimals; None for no values."""
    counted = list(values)
    return round(fmean(counted), 2) if counted else None


SERVQUAL_DIMENSIONS = ("tangibility", "reliability", "responsiveness", "assurance", "empathy")
"""The five dimensions of service quality SERVQUAL measures."""


Dimension = TypeVar("Dimension", bound=str)
"""A SERVQUAL dimension's name, or a service's own type of it."""


def weighted_gap(
    dimension_gaps: Mapping[Dimension, float], points: Mapping[Dimension, int]
) -> float | None:
    """One SERVQUAL answer's dimension gaps (perception - expectation) weighted by the
    importance ``points`` its customer gave; unrounded.

    Only the dimensions rated count, their points taken as the whole; None when
    the customer gave those dimensions no points at all.
    """
    total = sum(points.get(dimension, 0) for dimension in dimension_gaps)
    if total == 0:
        return None
    weighted = sum(points.get(dimension, 0) * gap for dimension, gap in dimension_gaps.items())
    return weighted / total
