"""What a prospect search asks for, and which profiles answer it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ProspectQuery:
    """The live profiles a search finds: each condition given must hold.

    ``facets``: all of them (``source:fairs``, ``fair:Expo 2026``...);
    ``identities``: for each e-mail or phone asked for, the match keys of a
    person known by it, one of which the profile must carry; ``captured_from``
    and ``captured_to``: its first capture in ``[from, to)``; ``min_score`` and
    ``max_score``: bounds included.
    """

    facets: tuple[str, ...] = ()
    identities: tuple[tuple[str, ...], ...] = ()
    status: str | None = None
    owner: str | None = None
    captured_from: datetime | None = None
    captured_to: datetime | None = None
    min_score: int | None = None
    max_score: int | None = None

    def matches(self, profile: Mapping[str, Any]) -> bool:
        """Whether ``profile`` (the stored dict shape) answers the search."""
        keys = set(profile.get("match_keys") or ())
        checks = (
            not profile.get("merged_into"),
            set(self.facets) <= set(profile.get("facets") or ()),
            all(keys.intersection(identity) for identity in self.identities),
            self.status is None or profile.get("status") == self.status,
            self.owner is None or profile.get("owner") == self.owner,
            self.captured_from is None or profile["captured_at"] >= self.captured_from,
            self.captured_to is None or profile["captured_at"] < self.captured_to,
            self.min_score is None or profile.get("score", 0) >= self.min_score,
            self.max_score is None or profile.get("score", 0) <= self.max_score,
        )
        return all(checks)
