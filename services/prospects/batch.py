"""Resolving a batch of leads against known profiles, in memory: who is new, who is known.

Plain Python. The known profiles are those sharing a match key with some lead
of the batch (indexed queries fetch them); the batch's own new profiles
join them as they are created, so the same person twice in one file is one
profile too. The result says what to insert, what to update and which known
profiles turned out to be one person.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from clientela.services.prospects.matching import Matcher, same_person_among
from clientela.services.prospects.normalise import Lead
from clientela.services.prospects.profiles import (
    ProfileRules,
    add_capture,
    capture_keys,
    derived,
    fill_blanks,
    lead_view,
    new_capture,
    new_profile,
    refresh,
    rule_view,
)


@dataclass
class IncomingLead:
    """A validated lead of the batch: its row, capture key, rule view and match keys."""

    row: Mapping[str, Any]
    lead: Lead
    capture_key: str
    view: Mapping[str, Any]
    keys: list[str]

    @classmethod
    def of(
        cls, row: Mapping[str, Any], lead: Lead, capture_key: str, source: str, matcher: Matcher
    ) -> IncomingLead:
        """The lead with its view and match keys worked out once."""
        view = lead_view(lead, source)
        return cls(row, lead, capture_key, view, matcher.keys(view))


@dataclass
class Update:
    """New captures of a known profile, and the values they changed."""

    captures: list[dict[str, Any]] = field(default_factory=list)
    before: tuple[Any, ...] = ()


class BatchResolution:
    """Decides, lead by lead, whether it is a new person, a known one, or already captured."""

    def __init__(
        self, rules: ProfileRules, source: str, at: datetime, known: Iterable[dict[str, Any]]
    ) -> None:
        self.rules = rules
        self.source = source
        self.at = at
        self.profiles: dict[str, dict[str, Any]] = {}
        self.created: dict[str, dict[str, Any]] = {}
        self.updates: dict[str, Update] = {}
        self.merges: list[tuple[str, str]] = []
        self._index: dict[str, list[str]] = {}
        self._redirect: dict[str, str] = {}
        self._joined_keys: dict[str, set[str]] = {}
        self._leads: dict[str, list[IncomingLead]] = {}
        for profile in known:
            self._remember(profile)

    def _remember(self, profile: dict[str, Any]) -> None:
        self.profiles[profile["_id"]] = profile
        for key in profile.get("match_keys", ()):
            ids = self._index.setdefault(key, [])
            if profile["_id"] not in ids:
                ids.append(profile["_id"])

    def _current(self, prospect_id: str) -> str:
        while prospect_id in self._redirect:
            prospect_id = self._redirect[prospect_id]
        return prospect_id

    def _candidates(self, keys: Iterable[str]) -> list[str]:
        found: dict[str, None] = {}
        for key in keys:
            for prospect_id in self._index.get(key, ()):
                found[self._current(prospect_id)] = None
        return list(found)

    def resolve(self, incoming: IncomingLead) -> str:
        """Place one lead; returns "created", "merged" (into a known person) or "unchanged"."""
        view, keys = incoming.view, incoming.keys
        candidates = [
            (
                rule_view(self.profiles[pid]),
                {*self.profiles[pid]["match_keys"], *self._joined_keys.get(pid, ())},
            )
            for pid in self._candidates(keys)
        ]
        matches = [
            self.profiles[candidate["id"]]
            for candidate in same_person_among(self.rules.matcher, view, keys, candidates)
        ]
        if any(incoming.capture_key in capture_keys(profile) for profile in matches):
            return "unchanged"
        capture = new_capture(
            incoming.capture_key, self.source, self.at, incoming.row, incoming.lead, keys
        )
        if not matches:
            profile = new_profile(uuid.uuid4().hex, capture, incoming.lead)
            refresh(profile, self.rules)
            self.created[profile["_id"]] = profile
            self._remember(profile)
            self._leads[profile["_id"]] = [incoming]
            return "created"
        survivor, *others = sorted(matches, key=self._seniority)
        self._add_capture(survivor, capture, incoming.lead)
        self._leads.setdefault(survivor["_id"], []).append(incoming)
        for other in others:
            if not _kept_apart(survivor, other):
                self._join(survivor, other)
        refresh(survivor, self.rules)
        self._remember(survivor)
        return "merged"

    def _seniority(self, profile: Mapping[str, Any]) -> tuple[bool, bool, datetime, str]:
        """The one others merge into: a converted one, a stored one, the earliest captured."""
        return (
            profile["status"] != "converted",
            profile["_id"] in self.created,
            profile["captured_at"],
            profile["_id"],
        )

    def leads_of(self, prospect_id: str) -> list[IncomingLead]:
        """The leads of this batch that went into profile ``prospect_id``."""
        return self._leads.get(prospect_id, [])

    def _add_capture(self, profile: dict[str, Any], capture: dict, lead: Lead) -> None:
        if profile["_id"] not in self.created and profile["_id"] not in self.updates:
            self.updates[profile["_id"]] = Update(before=derived(profile))
        stored = add_capture(profile, capture, lead)
        if profile["_id"] in self.updates:
            self.updates[profile["_id"]].captures.append(stored)

    def _join(self, survivor: dict[str, Any], other: dict[str, Any]) -> None:
        """``other`` is ``survivor``'s person too: fold it in (new) or merge it later (stored)."""
        self._redirect[other["_id"]] = survivor["_id"]
        if other["_id"] not in self.created:
            # merged after the batch is written; until then the survivor answers to its keys
            self._joined_keys.setdefault(survivor["_id"], set()).update(
                other["match_keys"], self._joined_keys.pop(other["_id"], ())
            )
            self.merges.append((survivor["_id"], other["_id"]))
            return
        del self.created[other["_id"]]
        self._leads.setdefault(survivor["_id"], []).extend(self._leads.pop(other["_id"], []))
        filled = sorted(fill_blanks(survivor, other))
        for position, capture in enumerate(other["captures"]):
            stored = {**capture, "filled": filled if position == 0 else []}
            survivor["captures"].append(stored)
            if survivor["_id"] in self.updates:
                self.updates[survivor["_id"]].captures.append(stored)
        if other.get("consent") and not survivor.get("consent"):
            survivor["consent"] = other["consent"]

    def changed(self) -> list[tuple[dict[str, Any], Update]]:
        """Known profiles with new captures, each with its update."""
        return [(self.profiles[pid], update) for pid, update in self.updates.items()]


def _kept_apart(profile: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    """Whether an operator undid a merge of the two (they stay two profiles)."""
    return other["_id"] in profile.get("kept_apart", ()) or profile["_id"] in other.get(
        "kept_apart", ()
    )
