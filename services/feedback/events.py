"""The events the feedback service announces."""

from __future__ import annotations

from typing import Any

from clientela.events import new_event


def survey_answered(answer: dict[str, Any]) -> dict:
    """``survey_answered``: a customer answered a survey (the NPS question)."""
    return new_event(
        "survey_answered",
        {
            "answer_id": answer["_id"],
            "customer_id": answer["customer_id"],
            "survey": "nps",
            "score": answer["score"],
            "category": answer["category"],
            "channel": answer["channel"],
            "answered_at": answer["answered_at"],
        },
    )
