"""The prospects kpi counts, replayed from the stored profiles (see :mod:`clientela.replay`).

A profile gives back, as ``events.py`` builds them: its capture (when, from which
source and origin the person was first identified, with its completeness now),
its first contact (its earliest interaction that counts as one), its conversion,
and the merges in force into it. What merges and unmerges happened in between,
and each completeness a profile went through, is not kept: only where they left
the profile.
"""

from __future__ import annotations

from typing import Any

from clientela.replay import ReplaySource, replayed
from clientela.services.prospects import events

REPLAY_GAPS = (
    "prospects: merges later undone and past completeness values are not kept; a profile "
    "is replayed as it stands now",
)


def profile_events(profile: dict[str, Any]) -> list[dict]:
    """The events that brought ``profile`` to its stored state, as kpi counts them."""
    prospect_id = profile["_id"]
    found = [replayed(events.captured(profile), f"prospect_captured:{prospect_id}")]
    contact = first_contact(profile)
    if contact is not None:
        announced = events.contacted(profile, contact, True, contact["occurred_at"])
        found.append(replayed(announced, f"prospect_contacted:{prospect_id}"))
    if profile.get("conversion"):
        converted = events.converted(profile, profile["conversion"])
        found.append(replayed(converted, f"prospect_converted:{prospect_id}"))
    for merge in profile.get("merges") or ():
        merged_id = merge["prospect_id"]
        announced = events.merged(
            prospect_id, merged_id, merge["reason"], merge["by"], merge["merged_at"]
        )
        found.append(replayed(announced, f"prospect_merged:{prospect_id}:{merged_id}"))
    return found


def first_contact(profile: dict[str, Any]) -> dict[str, Any] | None:
    """The profile's earliest interaction that counts as a contact, None before any."""
    contacts = [i for i in profile.get("interactions") or () if i.get("counts_as_contact")]
    return min(contacts, key=lambda interaction: interaction["occurred_at"], default=None)


REPLAY_SOURCES = (ReplaySource("prospects", profile_events),)
"""What ``replay`` reads, in order."""
