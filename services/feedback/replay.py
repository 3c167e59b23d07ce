"""The feedback events kpi counts, replayed from the stored answers, responses and complaints
(see :mod:`clientela.replay`).

An NPS answer and a survey response give back themselves; a complaint its
opening, its resolution as it stands and each target it missed.
"""

from __future__ import annotations

from typing import Any

from clientela.replay import ReplaySource, replayed
from clientela.services.feedback import events

REPLAY_GAPS = (
    "feedback: a complaint reopened and not resolved again is replayed unresolved (its "
    "earlier resolution is not kept)",
)


def answer_events(answer: dict[str, Any]) -> list[dict]:
    """The NPS answer."""
    return [replayed(events.survey_answered(answer), f"survey_answered:{answer['_id']}")]


def response_events(response: dict[str, Any]) -> list[dict]:
    """The survey response."""
    return [replayed(events.survey_responded(response), f"survey_responded:{response['_id']}")]


def complaint_events(complaint: dict[str, Any]) -> list[dict]:
    """The complaint's opening, its resolution (when resolved) and each target it missed."""
    ref = complaint["_id"]
    found = [replayed(events.complaint_opened(complaint), f"complaint_opened:{ref}")]
    if complaint.get("resolved_at"):
        found.append(replayed(events.complaint_resolved(complaint), f"complaint_resolved:{ref}"))
    for deadline in complaint.get("breaches") or ():
        breached = events.complaint_breached(complaint, deadline, complaint[f"{deadline}_due_at"])
        found.append(replayed(breached, f"complaint_breached:{ref}:{deadline}"))
    return found


REPLAY_SOURCES = (
    ReplaySource("nps_answers", answer_events),
    ReplaySource("responses", response_events),
    ReplaySource("complaints", complaint_events),
)
"""What ``replay`` reads, in order (sources are named after their collections)."""
