"""The loyalty events kpi counts, replayed from the stored journal and churn alarms
(see :mod:`clientela.replay`).

A journal entry gives back the event of its kind (earned, redeemed, expired,
adjusted); a churn alarm its raise and, once closed, its close.
"""

from __future__ import annotations

from typing import Any

from clientela.replay import ReplaySource, replayed
from clientela.services.loyalty import events
from clientela.services.loyalty.retention import alarm_from_document

REPLAY_GAPS = (
    "loyalty: journal entries a crash left on an account, not yet copied to the journal, "
    "are replayed once the account is next read",
)


def entry_events(entry: dict[str, Any]) -> list[dict]:
    """The journal entry, announced by its kind."""
    return [replayed(events.for_entry(entry), f"points:{entry['_id']}")]


def alarm_events(document: dict[str, Any]) -> list[dict]:
    """The churn alarm's raise and, once closed, its close."""
    alarm = alarm_from_document(document)
    found = [replayed(events.churn_alarm_raised(alarm), f"churn_alarm_raised:{alarm.alarm_id}")]
    if alarm.closed_at is not None:
        closed = events.churn_alarm_closed(alarm)
        found.append(replayed(closed, f"churn_alarm_closed:{alarm.alarm_id}"))
    return found


REPLAY_SOURCES = (ReplaySource("ledger", entry_events), ReplaySource("alarms", alarm_events))
"""What ``replay`` reads, in order (sources are named after their collections)."""
