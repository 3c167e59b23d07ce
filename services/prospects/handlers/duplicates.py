"""The review list: possible duplicates and shared lines, and an operator's decisions on them.

Captures record the pairs the match rules only suggest (``duplicates``, one
document per pair, found again changes nothing) and the lines found shared
(``shared_lines``). An operator merges a pair (``merge``, which closes it) or
dismisses it, which keeps the two apart for good, as ``unmerge`` does: a pair
kept apart is never suggested again. When a profile is merged into another,
its open pairs move to the profile it lives on in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import UpdateOne

from clientela.clock import utcnow
from clientela.errors import InvalidInput
from clientela.services.prospects.documents import PossibleDuplicate, Prospect, SharedLine
from clientela.services.prospects.domain.batch import Suggestion
from clientela.services.prospects.handlers.changes import VERSION, load_profile

SHOWN_CARRIERS = 10
"""Profiles named for a shared line (the first found)."""


def pair_id(a: str, b: str) -> str:
    """The id of the pair of profiles ``a`` and ``b``, whatever their order."""
    return "|".join(sorted((a, b)))


def _pairs() -> Any:
    return PossibleDuplicate._get_collection()


def record(suggestions: list[Suggestion], lines: dict[str, list[str]], now: datetime) -> None:
    """Store the possible duplicates and shared lines a batch found (again changes nothing)."""
    if suggestions:
        _pairs().bulk_write(
            [
                UpdateOne(
                    {"_id": pair_id(*s.prospect_ids)},
                    {
                        "$setOnInsert": {
                            "prospect_ids": sorted(s.prospect_ids),
                            "status": "open",
                            "score": s.score,
                            "rules": list(s.rules),
                            "reasons": list(s.reasons),
                            "found_at": now,
                            "decided_at": None,
                            "decided_by": None,
                        }
                    },
                    upsert=True,
                )
                for s in suggestions
            ],
            ordered=False,
        )
    if lines:
        SharedLine._get_collection().bulk_write(
            [
                UpdateOne(
                    {"_id": key},
                    {
                        "$setOnInsert": {"found_at": now},
                        "$addToSet": {"prospect_ids": {"$each": ids[:SHOWN_CARRIERS]}},
                    },
                    upsert=True,
                )
                for key, ids in lines.items()
            ],
            ordered=False,
        )


def known_lines(keys: set[str]) -> set[str]:
    """Which of ``keys`` are lines already found shared."""
    if not keys:
        return set()
    found = SharedLine._get_collection().find({"_id": {"$in": sorted(keys)}}, {"_id": 1})
    return {line["_id"] for line in found}


def open_pairs(limit: int) -> list[dict[str, Any]]:
    """The open pairs, highest score first, each with both people's names and identifiers."""
    pairs = list(
        _pairs().find({"status": "open"}).sort([("score", -1), ("found_at", 1)]).limit(limit)
    )
    ids = sorted({pid for pair in pairs for pid in pair["prospect_ids"]})
    shown = ("first_name", "last_name", "email", "phone", "company")
    people = {
        profile["_id"]: {"id": profile["_id"], **{name: profile.get(name) for name in shown}}
        for profile in Prospect._get_collection().find({"_id": {"$in": ids}}, shown)
    }
    return [
        {
            "id": pair["_id"],
            "score": pair["score"],
            "rules": pair["rules"],
            "reasons": pair["reasons"],
            "found_at": pair["found_at"].isoformat(),
            "people": [people.get(pid, {"id": pid}) for pid in pair["prospect_ids"]],
        }
        for pair in pairs
    ]


def shared_lines(limit: int) -> list[dict[str, Any]]:
    """The lines found shared, latest first: what they are and some of the people carrying them."""
    collection = SharedLine._get_collection()
    return [
        {
            "rule": line["_id"].partition(":")[0],
            "line": line["_id"].partition(":")[2],
            "prospect_ids": line["prospect_ids"],
            "found_at": line["found_at"].isoformat(),
        }
        for line in collection.find().sort("found_at", -1).limit(limit)
    ]


def dismiss(a: str, b: str, by: str) -> dict[str, Any]:
    """Keep ``a`` and ``b`` apart for good: never suggested or merged automatically again."""
    if a == b:
        raise InvalidInput({"b": ["Must differ from a."]})
    profiles = Prospect._get_collection()
    for one, name in ((a, "a"), (b, "b")):
        load_profile(profiles, one, name, live=True)
    for one, other in ((a, b), (b, a)):
        profiles.update_one(
            {"_id": one, "kept_apart": {"$ne": other}},
            {"$addToSet": {"kept_apart": other}, "$inc": {VERSION: 1}},
        )
    now = utcnow()
    _pairs().update_one(
        {"_id": pair_id(a, b)},
        {
            "$set": {"status": "dismissed", "decided_at": now, "decided_by": by},
            "$setOnInsert": {
                "prospect_ids": sorted((a, b)),
                "score": 0.0,
                "rules": [],
                "reasons": ["dismissed by an operator"],
                "found_at": now,
            },
        },
        upsert=True,
    )
    return _pairs().find_one({"_id": pair_id(a, b)})


def merged(survivor_id: str, merged_id: str, by: str) -> None:
    """Close the pairs of a profile merged into ``survivor_id``; its others move to the survivor.

    Idempotent: a pair already moved is found again and left as it is.
    """
    now = utcnow()
    decided = {"decided_at": now, "decided_by": by}
    _pairs().update_one(
        {"_id": pair_id(survivor_id, merged_id), "status": "open"},
        {"$set": {"status": "merged", **decided}},
    )
    kept_apart = set(
        load_profile(Prospect._get_collection(), survivor_id, "survivor_id").get("kept_apart", ())
    )
    for pair in _pairs().find({"prospect_ids": merged_id, "status": "open"}):
        (other,) = [pid for pid in pair["prospect_ids"] if pid != merged_id]
        if other != survivor_id and other not in kept_apart:
            moved = {
                **{name: pair[name] for name in ("score", "rules", "reasons", "found_at")},
                "prospect_ids": sorted((survivor_id, other)),
                "status": "open",
                "decided_at": None,
                "decided_by": None,
            }
            _pairs().update_one(
                {"_id": pair_id(survivor_id, other)}, {"$setOnInsert": moved}, upsert=True
            )
        _pairs().update_one(
            {"_id": pair["_id"], "status": "open"}, {"$set": {"status": "closed", **decided}}
        )
