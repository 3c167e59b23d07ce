"""Feedback use cases: learn customers from events, record NPS answers."""

from __future__ import annotations

import uuid
from datetime import datetime

from clientela.clock import utcnow
from clientela.errors import NotFound
from clientela.events import Event
from clientela.outbox import Publish, save_once
from clientela.services.feedback.documents import KnownCustomer, NpsAnswer


def remember_customer(event: Event) -> None:
    """Keep the announced customer so answers can be checked against it (idempotent)."""
    payload = event.payload
    KnownCustomer.objects(id=payload["customer_id"]).update_one(
        upsert=True, set__name=payload["name"], set__captive=payload["captive"]
    )


def record_nps(
    customer_id: str,
    score: int,
    channel: str,
    comment: str,
    answered_at: datetime | None,
    answer_id: str | None,
    publish: Publish,
) -> NpsAnswer:
    """Record an NPS answer from a known customer; the same ``answer_id`` records once.

    A repeated ``answer_id`` with another customer or score is a Conflict.
    """
    if not KnownCustomer.objects(id=customer_id).count():
        raise NotFound(f"customer_id: no customer {customer_id!r} is known to feedback")
    answer = NpsAnswer(
        id=answer_id or uuid.uuid4().hex,
        customer_id=customer_id,
        score=score,
        channel=channel,
        comment=comment,
        answered_at=answered_at or utcnow(),
    )
    answer.record_event(
        "survey_answered",
        {
            "answer_id": answer.id,
            "customer_id": customer_id,
            "survey": "nps",
            "score": score,
            "category": answer.category,
            "channel": channel,
            "answered_at": answer.answered_at,
        },
    )
    return save_once(
        answer,
        publish,
        "answer_id",
        lambda existing: (existing.customer_id, existing.score) == (customer_id, score),
    )
