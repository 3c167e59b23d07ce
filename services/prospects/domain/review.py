"""The review list's rules: pairs of profiles that may be one person, and shared lines."""

from __future__ import annotations

DUPLICATE_STATUSES = ("open", "merged", "dismissed", "closed")
"""Where a possible duplicate stands: waiting for review, or decided (see PossibleDuplicate)."""

PEOPLE_SHOWN = ("first_name", "last_name", "email", "phone", "company")
"""What the review list shows of each person of a pair."""

SHOWN_CARRIERS = 10
"""Profiles named for a shared line (the first found)."""


def pair_id(a: str, b: str) -> str:
    """The id of the pair of profiles ``a`` and ``b``, whatever their order."""
    return "|".join(sorted((a, b)))
