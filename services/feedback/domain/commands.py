"""Commands of the survey use cases: define a survey, record a response."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class QuestionSpec:
    """A question as a survey definition gives it; ``items`` only for SERVQUAL."""

    key: str
    kind: str
    text: str
    items: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class DefineSurvey:
    """Define survey ``survey_id``, or revise it: a reworded question gets its next version."""

    survey_id: str
    name: str
    questions: tuple[QuestionSpec, ...]


@dataclass(frozen=True)
class RecordResponse:
    """Record one response to one question of a survey.

    ``reference`` is what the response came under (an invitation, a message,
    an import row's ``response_ref``): the same survey, customer and
    reference record once. ``answer`` is a score, a text, or for SERVQUAL
    ``{"ratings": [{"item", "expectation", "perception"}], "importance": {...}}``.
    ``customer_id`` None is an anonymous response.
    """

    survey_id: str
    question: str
    customer_id: str | None
    reference: str
    answer: Any
    channel: str = "web"
    answered_at: datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OpenComplaint:
    """Open a complaint or suggestion; the same ``complaint_ref`` opens once.

    ``customer_id`` None is an anonymous one; ``opened_at`` None is now. An
    imported complaint may come already responded to or resolved.
    """

    complaint_ref: str
    customer_id: str | None
    category: str
    severity: str
    description: str
    kind: str = "complaint"
    owner: str | None = None
    opened_at: datetime | None = None
    responded_at: datetime | None = None
    resolved_at: datetime | None = None
    resolution: str = ""
