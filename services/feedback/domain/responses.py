"""A response counts once: the key that recognises it however often it comes back.

A web link clicked twice, an e-mail reply delivered again, an import file
loaded twice: each brings the same survey, customer and reference (the
invitation a link or message answers, the import row's ``response_ref``), so
each gives the same key, and storage keeps one response per key.
"""

from __future__ import annotations

import hashlib
import json

from clientela.checks import require_text

ANONYMOUS = None
"""The customer of a response nobody signed (a suggestion-box slip)."""


def response_key(survey_id: str, customer_id: str | None, reference: str) -> str:
    """The key of the response to ``survey_id`` by ``customer_id`` under ``reference``.

    The same three parts always give the same key and different parts
    different keys (``customer_id`` None for an anonymous response). The parts
    are hashed whole, so no choice of separators in them can make two
    responses collide.
    """
    require_text("survey_id", survey_id)
    if customer_id is not None:
        require_text("customer_id", customer_id)
    require_text("reference", reference)
    parts = json.dumps([survey_id, customer_id, reference], ensure_ascii=False)
    return hashlib.sha256(parts.encode()).hexdigest()
