"""Indicator arithmetic and periods in plain Python (UTC throughout)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

GRANULARITIES = ("day", "month", "quarter", "year")
CAPTURE_DIMENSIONS = ("source", "fair", "campaign")
"""What I1 is broken down by; captures without a fair or campaign are left out of those."""


def period_keys(moment: datetime) -> dict[str, str]:
    """The UTC period each granularity puts ``moment`` in: 2026-11-23, 2026-11, 2026-Q4, 2026."""
    moment = moment.astimezone(UTC)
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
    new_prospects_by: dict[str, dict[str, int]] = field(
        default_factory=lambda: {dimension: {} for dimension in CAPTURE_DIMENSIONS}
    )
    conversions: int = 0
    nps_latest_categories: list[str] = field(default_factory=list)

    def count_new(self, count: int, origin: dict[str, str]) -> None:
        """Add ``count`` new prospects captured with ``origin`` (source, fair, campaign)."""
        self.new_prospects += count
        for dimension, counts in self.new_prospects_by.items():
            if origin.get(dimension):
                counts[origin[dimension]] = counts.get(origin[dimension], 0) + count

    def as_dict(self) -> dict[str, object]:
        """I1, I4 and NPS as they are reported."""
        return {
            "period": self.period,
            "I1_new_prospects": self.new_prospects,
            **{
                f"I1_by_{dimension}": dict(sorted(counts.items()))
                for dimension, counts in self.new_prospects_by.items()
            },
            "conversions": self.conversions,
            "I4_conversion_rate": percentage(self.conversions, self.new_prospects),
            "nps_respondents": len(self.nps_latest_categories),
            "NPS": net_promoter_score(self.nps_latest_categories),
        }
