"""Reading and changing one profile as a whole: optimistic concurrency, events with the save.

Every write to a profile increments its version; a save is refused when the
version moved since the profile was read (see ``ProspectsStorage.save_profile``),
and :func:`change_profile` then reads it again and redoes the change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clientela.errors import Conflict, NotFound
from clientela.services.prospects.dependencies.storage import ProspectsStorage

ATTEMPTS = 20
"""How often a change is redone against fresh data before giving up with Conflict."""

Change = Callable[[dict[str, Any]], list[dict] | None]
"""Changes a profile in place; returns the events it causes, or None when there is nothing to do."""


def load_profile(
    uow: ProspectsStorage, prospect_id: str, name: str, live: bool = False
) -> dict[str, Any]:
    """The stored profile ``prospect_id``; NotFound naming ``name``.

    With ``live``, Conflict when it was merged into another profile.
    """
    profile = uow.find_profile(prospect_id)
    if profile is None:
        raise NotFound(f"{name}: no prospect {prospect_id!r}")
    if live and profile.get("merged_into"):
        raise Conflict(
            f"{name}: {prospect_id} was merged into {profile['merged_into']}; use that one"
        )
    return profile


def change_profile(
    uow: ProspectsStorage,
    prospect_id: str,
    change: Change,
    name: str = "prospect_id",
    live: bool = True,
) -> dict[str, Any]:
    """Apply ``change`` to the current profile, save it with its events; returns it."""
    for _ in range(ATTEMPTS):
        profile = load_profile(uow, prospect_id, name, live)
        events = change(profile)
        if events is None:
            return profile
        if uow.save_profile(profile, events):
            return profile
    raise Conflict(f"{name}: {prospect_id} keeps being changed by others; try again")
