"""Merging two profiles of one person, and undoing it.

A merge first claims the merged profile (``merged_into`` set, so nothing else
writes to it and captures stop matching it), then the survivor takes its
captures, interactions and open follow-up tasks (marked with where they came
from) and fills its blanks from it. The merge record lists the captures and
interactions it moved and what it filled, so :func:`unmerge_prospect` gives
back exactly those (a profile merged in earlier, with its own history, goes
back along with the one it was merged into); the two profiles are then
kept apart, so the next capture of the person does not merge them again.
``prospect_merged`` and ``prospect_unmerged`` tell the other services, which
count a merged profile once. The merged profile's possible duplicates move to
the survivor (see :mod:`.duplicates`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from clientela.clock import utcnow
from clientela.errors import Conflict, InvalidInput
from clientela.services.prospects import events
from clientela.services.prospects.dependencies.storage import ProspectsStorage
from clientela.services.prospects.domain.commands import MergeProspects, UnmergeProspect
from clientela.services.prospects.domain.normalise import normalise_field
from clientela.services.prospects.domain.profiles import ProfileRules, fill_blanks, refresh
from clientela.services.prospects.handlers import duplicates
from clientela.services.prospects.handlers.changes import ATTEMPTS, change_profile, load_profile

_BLANK = {"email": None, "phone": None, "consent": None}
"""What a field reads when empty (others are empty strings)."""


def merge_prospects(
    command: MergeProspects, uow: ProspectsStorage, rules: ProfileRules
) -> dict[str, Any]:
    """Merge profile ``merged_id`` into ``survivor_id``; merging again changes nothing.

    Conflict when either was merged elsewhere, when ``merged_id`` is converted
    (merge the other way round) or when an operator kept the two apart.
    """
    survivor_id, merged_id = command.survivor_id, command.merged_id
    if survivor_id == merged_id:
        raise InvalidInput({"merged_id": ["Must differ from survivor_id."]})
    _claim(uow, survivor_id, merged_id)

    def absorb(survivor: dict[str, Any]) -> list[dict] | None:
        if any(merge["prospect_id"] == merged_id for merge in survivor["merges"]):
            return None
        now = utcnow()
        other = load_profile(uow, merged_id, "merged_id")
        survivor["merges"].append(_absorb(survivor, other, command.by, command.reason, now))
        refresh(survivor, rules)
        return [
            events.merged(survivor_id, merged_id, command.reason, command.by, now),
            events.updated(survivor, "merge", now),
        ]

    try:
        survivor = change_profile(uow, survivor_id, absorb, "survivor_id")
    except Conflict:
        uow.unmark_merged(merged_id, survivor_id)
        raise
    uow.move_follow_ups(merged_id, survivor_id)
    duplicates.merged(survivor_id, merged_id, command.by, uow)
    return survivor


def _claim(uow: ProspectsStorage, survivor_id: str, merged_id: str) -> None:
    """Mark ``merged_id`` as merged into ``survivor_id`` (done already counts)."""
    for _ in range(ATTEMPTS):
        other = load_profile(uow, merged_id, "merged_id")
        if other.get("merged_into") == survivor_id:
            return
        if other.get("merged_into"):
            raise Conflict(f"merged_id: {merged_id} was merged into {other['merged_into']}")
        if other["status"] == "converted":
            raise Conflict(
                f"merged_id: {merged_id} is converted; merge the other profile into it instead"
            )
        if survivor_id in other.get("kept_apart", ()):
            raise Conflict(f"merged_id: an operator keeps {merged_id} apart from {survivor_id}")
        load_profile(uow, survivor_id, "survivor_id", live=True)
        if uow.mark_merged(merged_id, survivor_id, other.get("version"), utcnow()):
            # a merge the other way round may have claimed the survivor meanwhile
            load_profile(uow, survivor_id, "survivor_id", live=True)
            return
    raise Conflict(f"merged_id: {merged_id} keeps being changed by others; try again")


def _absorb(
    survivor: dict[str, Any], other: dict[str, Any], by: str, reason: str, now: datetime
) -> dict[str, Any]:
    """Move ``other``'s history into ``survivor``; returns the merge record."""
    filled = fill_blanks(survivor, other)
    if other.get("consent") and not survivor.get("consent"):
        survivor["consent"] = filled["consent"] = other["consent"]
    survivor["captures"] += [
        {**capture, "from_prospect": capture.get("from_prospect") or other["_id"], "filled": []}
        for capture in other["captures"]
    ]
    survivor["interactions"] += [
        {**interaction, "from_prospect": interaction.get("from_prospect") or other["_id"]}
        for interaction in other["interactions"]
    ]
    contacts = [at for at in (survivor["first_contact_at"], other["first_contact_at"]) if at]
    survivor["first_contact_at"] = min(contacts, default=None)
    survivor["updated_at"] = now
    return {
        "prospect_id": other["_id"],
        "merged_at": now,
        "by": by,
        "reason": reason,
        "filled": filled,
        "captures": [capture["key"] for capture in other["captures"]],
        "interactions": [interaction["id"] for interaction in other["interactions"]],
    }


def unmerge_prospect(
    command: UnmergeProspect, uow: ProspectsStorage, rules: ProfileRules
) -> dict[str, Any]:
    """Give ``prospect_id`` back its own life and keep the two apart; returns it.

    Conflict when it is not merged, or when the profile it was merged into
    was itself merged since (undo that merge first).
    """
    merged_id = command.prospect_id
    other = load_profile(uow, merged_id, "prospect_id")
    survivor_id = other.get("merged_into")
    if not survivor_id:
        raise Conflict(f"prospect_id: {merged_id} is not merged into another profile")
    survivor = load_profile(uow, survivor_id, "prospect_id")
    if survivor.get("merged_into"):
        raise Conflict(
            f"prospect_id: {survivor_id}, which {merged_id} was merged into, was merged into "
            f"{survivor['merged_into']} since; unmerge {survivor_id} first"
        )

    def give_back(survivor: dict[str, Any]) -> list[dict] | None:
        record = next((m for m in survivor["merges"] if m["prospect_id"] == merged_id), None)
        if record is None:
            return None
        now = utcnow()
        _give_back(survivor, record, rules.phone_region, now)
        survivor["kept_apart"] = sorted({*survivor.get("kept_apart", ()), merged_id})
        refresh(survivor, rules)
        return [
            events.unmerged(survivor_id, merged_id, command.by, now),
            events.updated(survivor, "merge", now),
        ]

    change_profile(uow, survivor_id, give_back, live=False)
    uow.return_follow_ups(survivor_id, merged_id)
    uow.restore_merged(merged_id, survivor_id, utcnow())
    return load_profile(uow, merged_id, "prospect_id")


def _give_back(
    survivor: dict[str, Any], record: dict[str, Any], region: str, now: datetime
) -> None:
    merged_id = record["prospect_id"]
    survivor["merges"] = [m for m in survivor["merges"] if m["prospect_id"] != merged_id]
    survivor["captures"] = [
        c for c in survivor["captures"] if not _moved(c, c["key"], record, "captures")
    ]
    survivor["interactions"] = [
        i for i in survivor["interactions"] if not _moved(i, i["id"], record, "interactions")
    ]
    emptied = []
    for name, value in record["filled"].items():
        if survivor.get(name) == value:  # unless someone has changed it since
            survivor[name] = _BLANK.get(name, "")
            emptied.append(name)
    _refill(survivor, emptied, region)
    contacts = [i["occurred_at"] for i in survivor["interactions"] if i.get("counts_as_contact")]
    survivor["first_contact_at"] = min(contacts, default=None)
    survivor["updated_at"] = now


def _moved(item: dict[str, Any], key: str, record: dict[str, Any], kind: str) -> bool:
    """Whether the merge ``record`` brought ``item`` (a capture or an interaction, by ``key``).

    Records list what they moved; older ones do not (every merge moves at least
    one capture), and then what came is what is marked as from the merged profile.
    """
    if not item.get("from_prospect"):
        return False
    if record.get("captures"):
        return key in record.get(kind, ())
    return item["from_prospect"] == record["prospect_id"]


def _refill(profile: dict[str, Any], names: list[str], region: str) -> None:
    """Fill ``names`` again from the profile's own captures, oldest first, as captures would."""
    for capture in profile["captures"]:
        for name in [n for n in names if not profile.get(n)]:
            if name == "consent":
                profile["consent"] = capture.get("consent") or None
                continue
            raw = capture.get("fields", {}).get(name)
            try:
                value = normalise_field(name, raw, region) if raw else ""
            except ValueError:
                continue
            if value:
                fill_blanks(profile, {name: value})
