"""Survey rules and commands of the feedback service, in plain Python.

No I/O here: storage, events, channels and entrypoints build on these rules.
Besides NPS categories and the commands below, one module per subject:
``surveys`` (questions, scales, answer checks), ``scores`` (NPS, CSAT, CES,
SERVQUAL, SC, I6), ``responses`` (the key a response counts once under),
``tokens`` (web-link tokens), ``invitations`` (triggers, consent, frequency
cap, panel), ``trigger_rules`` (which survey and channel a trigger uses),
``complaints`` (targets, timers, breaches, figures),
``corrective_actions`` and ``incidents``. Instants are time-zone aware, and
bad input raises ``clientela.errors.InvalidInput`` naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from clientela.vocabulary import NPS_CATEGORIES

PROMOTER, PASSIVE, DETRACTOR = NPS_CATEGORIES
PROMOTER_MIN = 9
DETRACTOR_MAX = 6


def nps_category(score: int) -> str:
    """Promoter (9-10), passive (7-8) or detractor (0-6), as Net Promoter Score defines them."""
    if not 0 <= score <= 10:
        raise ValueError(f"score: {score} is outside 0-10")
    if score >= PROMOTER_MIN:
        return PROMOTER
    if score <= DETRACTOR_MAX:
        return DETRACTOR
    return PASSIVE


@dataclass(frozen=True)
class RecordNps:
    """Record one answer to "how likely are you to recommend us?" (0-10).

    ``answer_id`` is the caller's idempotency key: the same id records once.
    """

    customer_id: str
    score: int
    channel: str = "web"
    comment: str = ""
    answered_at: datetime | None = None
    answer_id: str | None = None
