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


def survey_responded(response: dict[str, Any]) -> dict:
    """``survey_responded``: a response to a survey question, under its response key."""
    return new_event(
        "survey_responded",
        {
            "response_id": response["_id"],
            "survey_id": response["survey_id"],
            "question": response["question"],
            "version": response["version"],
            "kind": response["kind"],
            "customer_id": response["customer_id"],
            "score": response["score"],
            "text": response["text"],
            "ratings": response["ratings"],
            "importance": response["importance"],
            "channel": response["channel"],
            "answered_at": response["answered_at"],
        },
    )
