"""The review list's rules: pairs of profiles that may be one person, and shared lines."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

DUPLICATE_STATUSES = ("open", "merged", "dismissed", "closed")
"""Where a possible duplicate stands: waiting for review, or decided (see PossibleDuplicate)."""

PEOPLE_SHOWN = ("first_name", "last_name", "email", "phone", "company")
"""What the review list shows of each person of a pair."""

SHOWN_CARRIERS = 10
"""Profiles named for a shared line (the first found)."""


def pair_id(a: str, b: str) -> str:
    """The id of the pair of profiles ``a`` and ``b``, whatever their order."""
    return "|".join(sorted((a, b)))


def suggested_pair(
    a: str,
    b: str,
    score: float,
    rules: Iterable[str],
    reasons: Iterable[str],
    found_at: datetime,
) -> dict[str, Any]:
    """A pair the match rules suggest, open for an operator's review (stored as ``pair_id``)."""
    return {
        "prospect_ids": sorted((a, b)),
        "status": "open",
        "score": score,
        "rules": list(rules),
        "reasons": list(reasons),
        "found_at": found_at,
        "decided_at": None,
        "decided_by": None,
    }


def dismissed_pair(a: str, b: str, now: datetime) -> dict[str, Any]:
    """What a pair an operator dismissed before it was ever suggested says of itself."""
    return {
        "prospect_ids": sorted((a, b)),
        "score": 0.0,
        "rules": [],
        "reasons": ["dismissed by an operator"],
        "found_at": now,
    }
