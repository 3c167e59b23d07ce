"""The ratios the services report, computed one way everywhere.

Every figure is rounded to two decimals, and is None when there is nothing to
compute it from (rather than a misleading 0).
"""

from __future__ import annotations

from collections.abc import Iterable
from statistics import fmean


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
