""":class:`ProspectsStorage` in memory, for handler unit tests.

Same methods, same results for the same calls: a save of a profile read
before another write is refused, captures are found again by their key,
identity keys are claimed once. The contract tests
(``tests/contracts/test_prospects_storage.py``) hold the two to it.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from clientela.replay import stored_after
from clientela.services.prospects.dependencies.storage import (
    CAPTURE_CHANGES,
    CLAIM_GRACE,
    LEFT_OUT,
    UNSAVED,
    VERSION,
)
from clientela.services.prospects.domain.batch import Suggestion
from clientela.services.prospects.domain.review import (
    PEOPLE_SHOWN,
    SHOWN_CARRIERS,
    dismissed_pair,
    pair_id,
    suggested_pair,
)
from clientela.services.prospects.domain.search import ProspectQuery
from clientela.storage import FakeUnitOfWork


def _copy(document: Mapping[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(dict(document))


class FakeProspectsStorage(FakeUnitOfWork):
    """Profiles, follow-up tasks, the review list and identity claims, in dictionaries.

    ``staged`` holds the event stages a batch has not released yet.
    """

    def __init__(self) -> None:
        super().__init__()
        self.profiles: dict[str, dict[str, Any]] = {}
        self.tasks: dict[str, dict[str, Any]] = {}
        self.pairs: dict[str, dict[str, Any]] = {}
        self.lines: dict[str, dict[str, Any]] = {}
        self.claims: dict[str, dict[str, Any]] = {}
        self.staged: dict[str, list[tuple[dict, str, str | None]]] = {}

    def replay_documents(self, source: str, after: str | None, limit: int) -> list[dict[str, Any]]:
        return stored_after(self.profiles, after, limit)

    # -- one profile -------------------------------------------------------------------------

    def find_profile(self, prospect_id: str) -> dict[str, Any] | None:
        stored = self.profiles.get(prospect_id)
        return _copy(stored) if stored is not None else None

    def save_profile(self, profile: dict[str, Any], events: list[dict]) -> bool:
        stored = self.profiles.get(profile["_id"])
        if stored is None or stored.get(VERSION) != profile.get(VERSION):
            return False
        stored.update(_copy({k: v for k, v in profile.items() if k not in UNSAVED}))
        stored[VERSION] = stored.get(VERSION, 0) + 1
        for envelope in events:
            self.publish(envelope)
        return True

    def _write(self, prospect_id: str, **values: Any) -> None:
        """Set ``values`` on a stored profile and count the write in its version."""
        stored = self.profiles[prospect_id]
        stored.update(values)
        stored[VERSION] = stored.get(VERSION, 0) + 1

    def mark_merged(
        self, merged_id: str, survivor_id: str, version: int | None, now: datetime
    ) -> bool:
        stored = self.profiles.get(merged_id)
        if stored is None or stored.get(VERSION) != version:
            return False
        self._write(merged_id, merged_into=survivor_id, updated_at=now)
        return True

    def unmark_merged(self, merged_id: str, survivor_id: str) -> None:
        stored = self.profiles.get(merged_id)
        if stored is not None and stored.get("merged_into") == survivor_id:
            self._write(merged_id, merged_into=None)

    def restore_merged(self, merged_id: str, survivor_id: str, now: datetime) -> None:
        stored = self.profiles.get(merged_id)
        if stored is not None:
            kept_apart = stored.get("kept_apart", [])
            kept_apart += [survivor_id] if survivor_id not in kept_apart else []
            self._write(merged_id, merged_into=None, updated_at=now, kept_apart=kept_apart)

    def keep_apart(self, prospect_id: str, other_id: str) -> None:
        stored = self.profiles.get(prospect_id)
        if stored is not None and other_id not in stored.get("kept_apart", ()):
            self._write(prospect_id, kept_apart=[*stored.get("kept_apart", ()), other_id])

    def link_customer(self, prospect_id: str, customer_id: str) -> None:
        stored = self.profiles.get(prospect_id)
        if stored is not None and stored.get("customer_id") != customer_id:
            self._write(prospect_id, customer_id=customer_id)

    # -- finding profiles --------------------------------------------------------------------

    def known_profiles(
        self, keys: Iterable[str], captures: Iterable[str] = ()
    ) -> list[dict[str, Any]]:
        keys, captures = set(keys), set(captures)
        found = [
            profile
            for profile in self.profiles.values()
            if not profile.get("merged_into")
            and (
                keys.intersection(profile.get("match_keys", ()))
                or captures.intersection(c["key"] for c in profile.get("captures", ()))
            )
        ]
        return [_left_out(profile) for profile in found]

    def people(self, prospect_ids: Iterable[str]) -> list[dict[str, Any]]:
        found = [self.profiles[pid] for pid in sorted(set(prospect_ids)) if pid in self.profiles]
        return [
            {
                "_id": profile["_id"],
                **{name: profile[name] for name in PEOPLE_SHOWN if name in profile},
            }
            for profile in found
        ]

    def find_page(
        self, query: ProspectQuery, limit: int, offset: int
    ) -> tuple[int, list[dict[str, Any]]]:
        found = [profile for profile in self.profiles.values() if query.matches(profile)]
        found.sort(key=lambda profile: profile["captured_at"], reverse=True)
        return len(found), [_copy(profile) for profile in found[offset : offset + limit]]

    # -- writing a capture batch -------------------------------------------------------------

    def claim_identities(self, wanted: Mapping[str, str], now: datetime) -> set[str]:
        losers = set()
        for key, pid in wanted.items():
            held = self.claims.get(key)
            abandoned = (
                held is not None
                and held["claimed_at"] <= now - CLAIM_GRACE
                and held["prospect_id"] not in self.profiles
            )
            if held is None or abandoned:
                self.claims[key] = {"_id": key, "prospect_id": pid, "claimed_at": now}
            elif held["prospect_id"] != pid:
                losers.add(pid)
        for key, pid in wanted.items():
            if pid in losers and self.claims[key]["prospect_id"] == pid:
                del self.claims[key]
        return losers

    def stage_events(self, entries: list[tuple[dict, str, str | None]]) -> str:
        stage_id = uuid.uuid4().hex
        self.staged[stage_id] = list(entries)
        return stage_id

    def insert_profiles(self, profiles: list[dict[str, Any]]) -> None:
        for profile in profiles:
            self.profiles[profile["_id"]] = _copy(profile)

    def add_captures(self, updates: list[tuple[dict[str, Any], list[dict[str, Any]]]]) -> set[str]:
        written = 0
        for profile, captures in updates:
            stored = self.profiles.get(profile["_id"])
            if stored is None or stored.get(VERSION) != profile.get(VERSION):
                continue
            filled = sorted({name for capture in captures for name in capture["filled"]})
            stored["captures"] = stored["captures"] + copy.deepcopy(captures)
            self._write(
                profile["_id"], **_copy({n: profile[n] for n in (*CAPTURE_CHANGES, *filled)})
            )
            written += 1
        if written == len(updates):
            return set()
        return self.missing_captures(
            {profile["_id"]: captures[-1]["key"] for profile, captures in updates}
        )

    def missing_captures(self, expected: Mapping[str, str]) -> set[str]:
        return {
            pid
            for pid, key in expected.items()
            if pid not in self.profiles
            or key not in {c["key"] for c in self.profiles[pid].get("captures", ())}
        }

    def release_events(self, stage_id: str, envelopes: list[dict]) -> None:
        self.publish_many(envelopes)
        del self.staged[stage_id]

    # -- follow-up tasks ---------------------------------------------------------------------

    def add_follow_up(self, task: dict[str, Any]) -> None:
        self.tasks[task["_id"]] = _copy(task)

    def complete_follow_up(self, task_id: str, now: datetime) -> dict[str, Any] | None:
        task = self.tasks.get(task_id)
        if task is None:
            return None
        if task.get("done_at") is None:
            task["done_at"] = now
        return _copy(task)

    def follow_ups(self, prospect_id: str) -> list[dict[str, Any]]:
        found = [task for task in self.tasks.values() if task["prospect_id"] == prospect_id]
        return [_copy(task) for task in sorted(found, key=lambda task: task["due_at"])]

    def overdue_follow_ups(self, now: datetime, owner: str | None) -> list[dict[str, Any]]:
        found = [
            task
            for task in self.tasks.values()
            if task.get("done_at") is None
            and task["due_at"] < now
            and (not owner or task["owner"] == owner)
        ]
        return [_copy(task) for task in sorted(found, key=lambda task: task["due_at"])]

    def move_follow_ups(self, merged_id: str, survivor_id: str) -> None:
        for task in self.tasks.values():
            if task["prospect_id"] == merged_id and task.get("done_at") is None:
                task.update(prospect_id=survivor_id, moved_from=merged_id)

    def return_follow_ups(self, survivor_id: str, merged_id: str) -> None:
        for task in self.tasks.values():
            if task["prospect_id"] == survivor_id and task.get("moved_from") == merged_id:
                task.update(prospect_id=merged_id, moved_from=None)

    # -- the review list ---------------------------------------------------------------------

    def known_lines(self, keys: set[str]) -> set[str]:
        return {key for key in keys if key in self.lines}

    def record_review(
        self, suggestions: list[Suggestion], lines: Mapping[str, list[str]], now: datetime
    ) -> None:
        for s in suggestions:
            self.pairs.setdefault(
                pair_id(*s.prospect_ids),
                {
                    "_id": pair_id(*s.prospect_ids),
                    **suggested_pair(*s.prospect_ids, s.score, s.rules, s.reasons, now),
                },
            )
        for key, ids in lines.items():
            line = self.lines.setdefault(key, {"_id": key, "prospect_ids": [], "found_at": now})
            line["prospect_ids"] += [
                pid for pid in ids[:SHOWN_CARRIERS] if pid not in line["prospect_ids"]
            ]

    def open_pairs(self, limit: int) -> list[dict[str, Any]]:
        found = [pair for pair in self.pairs.values() if pair["status"] == "open"]
        found.sort(key=lambda pair: (-pair["score"], pair["found_at"]))
        return [_copy(pair) for pair in found[:limit]]

    def open_pairs_with(self, prospect_id: str) -> list[dict[str, Any]]:
        return [
            _copy(pair)
            for pair in self.pairs.values()
            if prospect_id in pair["prospect_ids"] and pair["status"] == "open"
        ]

    def shared_lines(self, limit: int) -> list[dict[str, Any]]:
        found = sorted(self.lines.values(), key=lambda line: line["found_at"], reverse=True)
        return [_copy(line) for line in found[:limit]]

    def suggest_pair(self, pair: dict[str, Any]) -> None:
        self.pairs.setdefault(pair["_id"], _copy(pair))

    def decide_pair(self, pair: str, status: str, by: str, now: datetime) -> None:
        stored = self.pairs.get(pair)
        if stored is not None and stored["status"] == "open":
            stored.update(status=status, decided_at=now, decided_by=by)

    def dismiss_pair(self, a: str, b: str, by: str, now: datetime) -> dict[str, Any]:
        pair = self.pairs.setdefault(
            pair_id(a, b), {"_id": pair_id(a, b), **dismissed_pair(a, b, now)}
        )
        pair.update(status="dismissed", decided_at=now, decided_by=by)
        return _copy(pair)


def _left_out(profile: Mapping[str, Any]) -> dict[str, Any]:
    """``profile`` without what :data:`LEFT_OUT` leaves out of a batch's known profiles."""
    kept = _copy(profile)
    for path in LEFT_OUT:
        head, _, tail = path.partition(".")
        if not tail:
            kept.pop(head, None)
        for item in kept.get(head, ()) if tail else ():
            item.pop(tail, None)
    return kept
