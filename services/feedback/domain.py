"""Survey rules in plain Python."""

from __future__ import annotations

PROMOTER_MIN = 9
DETRACTOR_MAX = 6


def nps_category(score: int) -> str:
    """Promoter (9-10), passive (7-8) or detractor (0-6), as Net Promoter Score defines them."""
    if not 0 <= score <= 10:
        raise ValueError(f"score: {score} is outside 0-10")
    if score >= PROMOTER_MIN:
        return "promoter"
    if score <= DETRACTOR_MAX:
        return "detractor"
    return "passive"
