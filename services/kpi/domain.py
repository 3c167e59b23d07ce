"""Indicator arithmetic and periods in plain Python (UTC throughout)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

GRANULARITIES = ("day", "month", "quarter", "year")


def period_keys(moment: datetime) -> dict[str, str]:
    """The period each granularity puts ``moment`` in: 2026-11-23, 2026-11, 2026-Q4, 2026."""
    return {
        "day": moment.strftime("%Y-%m-%d"),
        "month": moment.strftime("%Y-%m"),
        "quarter": f"{moment.year}-Q{(moment.month - 1) // 3 + 1}",
        "year": str(moment.year),
    }


def percentage(part: int, whole: int) -> float | None:
    """``part / whole x 100`` rounded to two decimals; None when there is no whole."""
    return None if whole == 0 else round(part * 100 / whole, 2)


def net_promoter_score(categories: Iterable[str]) -> float | None:
    """% promoters minus % detractors among the given (latest-per-customer) categories."""
    counted = list(categories)
    if not counted:
        return None
    promoters = counted.count("promoter")
    detractors = counted.count("detractor")
    return round((promoters - detractors) * 100 / len(counted), 2)


@dataclass
class PeriodIndicators:
    """The indicators of one period."""

    period: str
    new_prospects: int = 0
    new_prospects_by_source: dict[str, int] = field(default_factory=dict)
    conversions: int = 0
    nps_answers: int = 0
    nps_latest_categories: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """I1, I4 and NPS as they are reported."""
        return {
            "period": self.period,
            "I1_new_prospects": self.new_prospects,
            "I1_by_source": dict(sorted(self.new_prospects_by_source.items())),
            "conversions": self.conversions,
            "I4_conversion_rate": percentage(self.conversions, self.new_prospects),
            "nps_respondents": len(self.nps_latest_categories),
            "NPS": net_promoter_score(self.nps_latest_categories),
        }
