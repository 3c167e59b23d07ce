"""The review list: possible duplicates and shared lines, and an operator's decisions on them.

Captures record the pairs the match rules only suggest (one per pair: found
again changes nothing) and the lines found shared. An operator merges a pair
(``merge``, which closes it) or dismisses it, which keeps the two apart for
good, as ``unmerge`` does: a pair kept apart is never suggested again. When a
profile is merged into another, its open pairs move to the profile it lives on in.
"""

from __future__ import annotations

from typing import Any

from clientela.clock import utcnow
from clientela.errors import InvalidInput
from clientela.services.prospects.dependencies.storage import ProspectsStorage
from clientela.services.prospects.domain.commands import DismissDuplicate
from clientela.services.prospects.domain.review import PEOPLE_SHOWN, pair_id, suggested_pair
from clientela.services.prospects.handlers.changes import load_profile


def open_pairs(limit: int, uow: ProspectsStorage) -> list[dict[str, Any]]:
    """The open pairs, highest score first, each with both people's names and identifiers."""
    pairs = uow.open_pairs(limit)
    found = uow.people(pid for pair in pairs for pid in pair["prospect_ids"])
    people = {
        person["_id"]: {"id": person["_id"], **{name: person.get(name) for name in PEOPLE_SHOWN}}
        for person in found
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


def shared_lines(limit: int, uow: ProspectsStorage) -> list[dict[str, Any]]:
    """The lines found shared, latest first: what they are and some of the people carrying them."""
    return [
        {
            "rule": line["_id"].partition(":")[0],
            "line": line["_id"].partition(":")[2],
            "prospect_ids": line["prospect_ids"],
            "found_at": line["found_at"].isoformat(),
        }
        for line in uow.shared_lines(limit)
    ]


def dismiss(command: DismissDuplicate, uow: ProspectsStorage) -> dict[str, Any]:
    """Keep ``a`` and ``b`` apart for good: never suggested or merged automatically again."""
    a, b = command.a, command.b
    if a == b:
        raise InvalidInput({"b": ["Must differ from a."]})
    for one, name in ((a, "a"), (b, "b")):
        load_profile(uow, one, name, live=True)
    for one, other in ((a, b), (b, a)):
        uow.keep_apart(one, other)
    return uow.dismiss_pair(a, b, command.by, utcnow())


def merged(survivor_id: str, merged_id: str, by: str, uow: ProspectsStorage) -> None:
    """Close the pairs of a profile merged into ``survivor_id``; its others move to the survivor.

    Idempotent: a pair already moved is found again and left as it is.
    """
    now = utcnow()
    uow.decide_pair(pair_id(survivor_id, merged_id), "merged", by, now)
    kept_apart = set(load_profile(uow, survivor_id, "survivor_id").get("kept_apart", ()))
    for pair in uow.open_pairs_with(merged_id):
        (other,) = [pid for pid in pair["prospect_ids"] if pid != merged_id]
        if other != survivor_id and other not in kept_apart:
            moved = suggested_pair(
                survivor_id, other, pair["score"], pair["rules"], pair["reasons"], pair["found_at"]
            )
            uow.suggest_pair({"_id": pair_id(survivor_id, other), **moved})
        uow.decide_pair(pair["_id"], "closed", by, now)
