"""Rules plugins can add to the prospects pipeline: how people match, how leads qualify.

Both kinds of rule see a prospect's profile as a plain mapping with these keys
(absent values are empty strings, ``None`` or empty lists):

- ``email``, ``phone`` (E.164), ``first_name``, ``last_name``, ``company``,
  ``company_key`` (the company name lower-cased, without accents, punctuation
  or legal suffixes such as "S.A. de C.V."), ``position``, ``needs``;
- ``consent``: ``{"purpose", "given_at", "method"}`` or ``None``;
- ``origins``: one mapping per capture (``source`` plus the capture's origin
  fields: ``fair``, ``campaign``, ``channel``, ``referrer``...);
- ``interactions``: one mapping per logged interaction (``kind``, ``mode``,
  ``outcome``);
- ``status``.

Rules are called for every lead of every import, so keep them fast and free
of I/O. A rule that raises is logged and ignored for that profile: it never
stops a capture.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import Any

Profile = Mapping[str, Any]

MERGE = "merge"
"""Outcome of a match rule whose match is strong evidence: the two profiles become one."""
SUGGEST = "suggest"
"""Outcome of a match rule whose match is a possible duplicate, for an operator to review."""
OUTCOMES = (MERGE, SUGGEST)


class MatchRule(ABC):
    """Decides when two profiles describe the same person.

    Matching runs in two steps so that it scales to large imports:
    :meth:`keys` names the blocks a profile belongs to (stored and indexed, so
    candidates are found with one query per batch), then :meth:`matches`
    confirms a candidate sharing a key. Subclass it, set ``name``,
    ``description`` and ``outcome``, and register an instance from
    ``clientela_match_rules``.

    ``outcome`` says what a confirmed match does: :data:`MERGE` (the lead
    becomes one more capture of the profile, two profiles it matches are
    merged) or :data:`SUGGEST` (the pair goes to the review list of possible
    duplicates, ``clientela duplicates``). Whatever the outcome, two records
    whose e-mails differ and whose phones differ are only ever suggested.
    """

    name: str
    description: str = ""
    outcome: str = MERGE

    @abstractmethod
    def keys(self, profile: Profile) -> Iterable[str]:
        """The blocking keys of ``profile``; an empty iterable when the rule cannot apply."""

    def matches(self, incoming: Profile, candidate: Profile) -> bool:
        """Whether ``incoming`` and ``candidate``, which share a key, are one person.

        The default says yes: sharing a key is enough (exact rules).
        """
        return True


class QualificationRule(ABC):
    """Adds points to a prospect's qualification score (0-100, the sum of every rule's points).

    Subclass it, set ``name``, ``description`` (shown to users next to the
    points) and ``points`` (the most it awards), implement :meth:`score`, and
    register an instance from ``clientela_qualification_rules``.
    """

    name: str
    description: str = ""
    points: int = 0

    @abstractmethod
    def score(self, profile: Profile) -> int:
        """Points ``profile`` earns from this rule, between ``-points`` and ``points``."""
