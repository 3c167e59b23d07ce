"""The granularities the customer census is taken by."""

from __future__ import annotations

from clientela.checks import invalid

CENSUS_GRANULARITIES = ("month", "quarter", "year")


def require_granularity(by: str) -> None:
    """Refuse a granularity other than month, quarter or year."""
    if by not in CENSUS_GRANULARITIES:
        raise invalid("by", f"Must be one of: {', '.join(CENSUS_GRANULARITIES)}.")
