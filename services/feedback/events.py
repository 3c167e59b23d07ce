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


def complaint_opened(complaint: dict[str, Any]) -> dict:
    """``complaint_opened``: a complaint or suggestion was opened, with its due times."""
    return new_event(
        "complaint_opened",
        {
            "complaint_ref": complaint["_id"],
            "customer_id": complaint["customer_id"],
            "kind": complaint["kind"],
            "category": complaint["category"],
            "severity": complaint["severity"],
            "owner": complaint["owner"],
            "opened_at": complaint["opened_at"],
            "response_due_at": complaint["response_due_at"],
            "resolution_due_at": complaint["resolution_due_at"],
        },
    )


def complaint_resolved(complaint: dict[str, Any]) -> dict:
    """``complaint_resolved``: a complaint was resolved."""
    return new_event(
        "complaint_resolved",
        {
            "complaint_ref": complaint["_id"],
            "customer_id": complaint["customer_id"],
            "kind": complaint["kind"],
            "category": complaint["category"],
            "severity": complaint["severity"],
            "opened_at": complaint["opened_at"],
            "responded_at": complaint["responded_at"],
            "resolved_at": complaint["resolved_at"],
            "resolution": complaint["resolution"],
        },
    )


def complaint_breached(complaint: dict[str, Any], deadline: str, due_at: Any) -> dict:
    """``complaint_breached``: a complaint missed its ``deadline`` target, due at ``due_at``."""
    return new_event(
        "complaint_breached",
        {
            "complaint_ref": complaint["_id"],
            "customer_id": complaint["customer_id"],
            "category": complaint["category"],
            "severity": complaint["severity"],
            "deadline": deadline,
            "due_at": due_at,
        },
    )


def lost_customer_interviewed(interview: dict[str, Any], loss_reason: str) -> dict:
    """``lost_customer_interviewed``: why a customer who left says they left."""
    return new_event(
        "lost_customer_interviewed",
        {
            "interview_ref": interview["_id"],
            "customer_id": interview["customer_id"],
            "interviewer": interview["interviewer"],
            "interviewed_at": interview["interviewed_at"],
            "reasons": interview["reasons"],
            "main_reason": interview["reasons"][0],
            "loss_reason": loss_reason,
        },
        occurred_at=interview["interviewed_at"],
    )
