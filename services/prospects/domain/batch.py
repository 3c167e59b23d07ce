"""Resolving a batch of leads against known profiles, in memory: who is new, who is known.

Plain Python. The known profiles are those sharing a match key with some lead
of the batch (indexed queries fetch them); the batch's own new profiles
join them as they are created, so the same person twice in one file is one
profile too. The result says what to insert, what to update, which known
profiles turned out to be one person, which may be (possible duplicates, for
review) and which lines turned out to be shared by different people.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from clientela.rules import MERGE, SUGGEST
from clientela.services.prospects.domain.matching import (
    DIFFERENT_IDENTIFIERS,
    Matcher,
    Verdict,
    clearly_different,
    compatible_names,
    full_name,
    identifiers_conflict,
    is_contact_line,
    judge_among,
)
from clientela.services.prospects.domain.normalise import Lead
from clientela.services.prospects.domain.profiles import (
    ProfileRules,
    add_capture,
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


DIFFERENT_NAMES = "names not alike: never merged automatically"
NOT_ONE_PERSON = "one lead matched both, but the rules do not make the two one person"

MOST_COMPARED = 50
"""Profiles of one ``suggest`` block a lead is compared with (the latest): a company with
hundreds of visitors costs at most this many name comparisons per lead."""


@dataclass(frozen=True)
class Suggestion:
    """Two profiles that may be one person, for an operator to review."""

    prospect_ids: tuple[str, str]
    score: float
    rules: tuple[str, ...]
    reasons: tuple[str, ...]


class BatchResolution:
    """Decides, lead by lead, whether it is a new person, a known one, or already captured.

    ``known`` are the stored profiles sharing a match key with a lead of the
    batch, and those holding a capture of it (a lead already captured is
    ``unchanged`` whatever it matches now: its only identifier may have become
    a shared line since). ``lines`` are the match keys already known to be
    shared lines (they match nobody).
    """

    def __init__(
        self,
        rules: ProfileRules,
        source: str,
        at: datetime,
        known: Iterable[dict[str, Any]],
        lines: Iterable[str] = (),
    ) -> None:
        self.rules = rules
        self.source = source
        self.at = at
        self.profiles: dict[str, dict[str, Any]] = {}
        self.created: dict[str, dict[str, Any]] = {}
        self.updates: dict[str, Update] = {}
        self.merges: list[tuple[str, str]] = []
        self.lines: dict[str, set[str]] = {key: set() for key in lines}
        self._index: dict[str, list[str]] = {}
        self._captured: dict[str, str] = {}
        self._redirect: dict[str, str] = {}
        self._joined_keys: dict[str, set[str]] = {}
        self._leads: dict[str, list[IncomingLead]] = {}
        self._suggested: dict[tuple[str, str], Suggestion] = {}
        self._dropped: set[str] = set()
        for profile in known:
            self._remember(profile)
        self._stored = set(self.profiles)

    def _remember(self, profile: dict[str, Any]) -> None:
        self.profiles[profile["_id"]] = profile
        for capture in profile.get("captures", ()):
            self._captured.setdefault(capture["key"], profile["_id"])
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
            ids = self._index.get(key, [])
            if self.rules.matcher.outcome(key) == SUGGEST:
                ids = ids[-MOST_COMPARED:]
            for prospect_id in ids:
                found[self._current(prospect_id)] = None
        return list(found)

    def _carried(self, prospect_id: str) -> set[str]:
        """The match keys profile ``prospect_id`` answers to (its own and those of profiles this
        batch found to be its person), shared lines left out."""
        keys = {*self.profiles[prospect_id]["match_keys"], *self._joined_keys.get(prospect_id, ())}
        return keys - set(self.lines)

    def _shared_line(self, key: str, view: Mapping[str, Any]) -> bool:
        """Whether ``key`` is a line carried by clearly different people, this lead included."""
        if key in self.lines:
            return True
        if not is_contact_line(key):
            return False
        carriers = self._candidates([key])
        names = [full_name(self.profiles[pid]) for pid in carriers]
        if not clearly_different([*names, full_name(view)]):
            return False
        self.lines[key] = set(carriers)
        return True

    def resolve(self, incoming: IncomingLead) -> str:
        """Place one lead; returns "created", "merged" (into a known person) or "unchanged".

        Profiles the rules only suggest for the lead's person are remembered as
        possible duplicates of the profile the lead went into.
        """
        view = incoming.view
        keys = [key for key in incoming.keys if not self._shared_line(key, view)]
        candidates = [
            (rule_view(self.profiles[pid]), self._carried(pid)) for pid in self._candidates(keys)
        ]
        judged = [
            (self.profiles[candidate["id"]], verdict)
            for candidate, verdict in judge_among(self.rules.matcher, view, keys, candidates)
        ]
        matches = [profile for profile, verdict in judged if verdict.outcome == MERGE]
        if incoming.capture_key in self._captured:  # received before, whatever it matches now
            holder = self.profiles[self._current(self._captured[incoming.capture_key])]
            why = {
                profile["_id"]: self._why_apart(self._seen(holder), self._seen(profile), keys)
                for profile in matches
            }
            self._suggest_others(holder, judged, why)
            return "unchanged"
        capture = new_capture(
            incoming.capture_key, self.source, self.at, incoming.row, incoming.lead, incoming.keys
        )
        apart: dict[str, str] = {}
        if not matches:
            placed = new_profile(uuid.uuid4().hex, capture, incoming.lead)
            refresh(placed, self.rules)
            self.created[placed["_id"]] = placed
            self._leads[placed["_id"]] = [incoming]
            outcome = "created"
        else:
            seen = {profile["_id"]: self._seen(profile) for profile in matches}  # lead not in yet
            placed, *others = sorted(matches, key=self._seniority)
            self._add_capture(placed, capture, incoming.lead)
            self._leads.setdefault(placed["_id"], []).append(incoming)
            joined = [placed]
            for other in others:
                if any(_kept_apart(one, other) for one in joined):
                    continue
                reasons = (
                    self._why_apart(seen[one["_id"]], seen[other["_id"]], keys) for one in joined
                )
                apart[other["_id"]] = next((reason for reason in reasons if reason), "")
                if not apart[other["_id"]]:
                    self._join(placed, other)
                    joined.append(other)
            refresh(placed, self.rules)
            outcome = "merged"
        self._remember(placed)
        for key in set(incoming.keys).intersection(self.lines):
            self.lines[key].add(placed["_id"])
        self._suggest_others(placed, judged, apart)
        return outcome

    def _seen(self, profile: Mapping[str, Any]) -> tuple[dict[str, Any], set[str]]:
        """A profile as the rules see it, with the keys it carries (shared lines left out)."""
        return rule_view(profile), self._carried(profile["_id"])

    def _why_apart(
        self,
        one: tuple[dict[str, Any], set[str]],
        other: tuple[dict[str, Any], set[str]],
        lead_keys: Iterable[str],
    ) -> str:
        """Why two profiles one lead matched are not one person ("" when they are).

        They are when the profiles themselves (each as :meth:`_seen`, before the
        lead filled their blanks) have compatible names, no conflicting
        identifiers, and the rules behind the lead's keys that found them make
        them one person (a ``merge`` verdict).
        """
        (view_one, keys_one), (view_other, keys_other) = one, other
        if not compatible_names(view_one, view_other):
            return DIFFERENT_NAMES
        if identifiers_conflict(keys_one, keys_other):
            return DIFFERENT_IDENTIFIERS
        linking = set(lead_keys) & (keys_one | keys_other)
        verdict = self.rules.matcher.judge(view_one, view_other, linking, (keys_one, keys_other))
        return "" if verdict is not None and verdict.outcome == MERGE else NOT_ONE_PERSON

    def _suggest_others(
        self,
        placed: Mapping[str, Any],
        judged: list[tuple[dict[str, Any], Verdict]],
        apart: Mapping[str, str],
    ) -> None:
        """Remember each judged profile not made one with ``placed`` as its possible duplicate.

        ``apart`` says why each profile the lead matched was not made one with ``placed``.
        """
        for profile, verdict in judged:
            if self._current(profile["_id"]) == self._current(placed["_id"]):
                continue
            reasons = verdict.reasons
            if verdict.outcome == MERGE:  # matched the lead, but not the profile it went into
                reasons += (apart.get(profile["_id"]) or NOT_ONE_PERSON,)
            pair = (placed["_id"], profile["_id"])
            if pair not in self._suggested or self._suggested[pair].score < verdict.score:
                self._suggested[pair] = Suggestion(pair, verdict.score, verdict.rules, reasons)

    def suggestions(self) -> list[Suggestion]:
        """The possible duplicates the batch found, each pair once, between current profiles."""
        found: dict[tuple[str, str], Suggestion] = {}
        for suggestion in self._suggested.values():
            a, b = sorted(self._current(pid) for pid in suggestion.prospect_ids)
            if a == b or {a, b} & self._dropped or _kept_apart(self.profiles[a], self.profiles[b]):
                continue
            if (a, b) not in found or found[(a, b)].score < suggestion.score:
                found[(a, b)] = Suggestion(
                    (a, b), suggestion.score, suggestion.rules, suggestion.reasons
                )
        return list(found.values())

    def shared_lines(self) -> dict[str, list[str]]:
        """Lines this batch found shared, each with the current profiles carrying it."""
        return {
            key: sorted({self._current(pid) for pid in carriers} - self._dropped)
            for key, carriers in self.lines.items()
            if carriers
        }

    def identity_keys(self, prospect_id: str) -> list[str]:
        """The keys new profile ``prospect_id`` claims: its merge keys no stored profile carries.

        (A key a stored profile carries was weighed against it already; a line
        shared by several people identifies nobody.)
        """
        return [
            key
            for key in self.created[prospect_id]["match_keys"]
            if self.rules.matcher.outcome(key) == MERGE
            and key not in self.lines
            and not self._stored.intersection(self._index.get(key, ()))
        ]

    def drop(self, prospect_id: str) -> list[IncomingLead]:
        """Give up creating ``prospect_id`` (another instance claimed its person); its leads."""
        del self.created[prospect_id]
        self._dropped.add(prospect_id)
        return self._leads.pop(prospect_id, [])

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
