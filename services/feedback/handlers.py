"""Feedback use cases: learn customers from events, record NPS answers.

Each takes a command or an event and the service's unit of work
(:mod:`clientela.services.feedback.dependencies`).
"""

from __future__ import annotations

import uuid
from typing import Any

from clientela.clock import utcnow
from clientela.errors import Conflict, NotFound
from clientela.events import Event
from clientela.services.feedback import events
from clientela.services.feedback.dependencies import FeedbackStorage
from clientela.services.feedback.domain import RecordNps, nps_category


def handle_customer_created(event: Event, uow: FeedbackStorage) -> None:
    """Keep the announced customer so answers can be checked against it (idempotent)."""
    payload = event.payload
    uow.remember_customer(payload["customer_id"], payload["name"], payload["captive"])


def record_nps(command: RecordNps, uow: FeedbackStorage) -> dict[str, Any]:
    """Record an NPS answer from a known customer; the same ``answer_id`` records once.

    Returns the answer as stored. NotFound for a customer feedback was never
    told about; Conflict when a repeated ``answer_id`` carries another
    customer or score.
    """
    if not uow.is_known_customer(command.customer_id):
        raise NotFound(f"customer_id: no customer {command.customer_id!r} is known to feedback")
    answer = {
        "_id": command.answer_id or uuid.uuid4().hex,
        "customer_id": command.customer_id,
        "score": command.score,
        "category": nps_category(command.score),
        "channel": command.channel,
        "comment": command.comment,
        "answered_at": command.answered_at or utcnow(),
    }
    existing = uow.add_answer(answer, events.survey_answered(answer))
    if existing is None:
        return answer
    if (existing["customer_id"], existing["score"]) != (command.customer_id, command.score):
        raise Conflict(f"answer_id: {answer['_id']!r} is already recorded with other data")
    # answers stored before the category was a stored field do not hold it
    existing.setdefault("category", nps_category(existing["score"]))
    return existing
