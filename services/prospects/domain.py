"""Prospect rules in plain Python: identity, status machine, conversion."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from clientela.errors import Conflict

STATUSES = ("new", "contacted", "qualified", "converted", "disqualified")
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"contacted", "qualified", "converted", "disqualified"}),
    "contacted": frozenset({"qualified", "converted", "disqualified"}),
    "qualified": frozenset({"contacted", "converted", "disqualified"}),
    "disqualified": frozenset({"new"}),
    "converted": frozenset(),
}
CONVERSION_BASES = ("contract", "agreement", "purchase")
"""What formalises a conversion into a captive customer (seed 000, step 6)."""


def email_key(email: str) -> str:
    """The identity of an e-mail address: surrounding spaces and case ignored."""
    return email.strip().lower()


def check_transition(current: str, target: str) -> None:
    """Raise Conflict unless a prospect may go from ``current`` to ``target``."""
    if target not in TRANSITIONS.get(current, frozenset()):
        allowed = ", ".join(sorted(TRANSITIONS.get(current, ()))) or "none"
        raise Conflict(f"status: cannot go from {current} to {target} (allowed: {allowed})")


def capture_key(source: str, fields: Mapping[str, str], origin: Mapping[str, str]) -> str:
    """Fingerprint of one capture, so that re-importing the same row records nothing new."""
    content = json.dumps([source, dict(fields), dict(origin)], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(content.encode()).hexdigest()[:32]
