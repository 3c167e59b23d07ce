"""Finding prospects: filters on status, origin, owner, dates and score, paged."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from clientela.errors import InvalidInput
from clientela.services.prospects.documents import Prospect
from clientela.services.prospects.domain.normalise import normalise_field
from clientela.services.prospects.domain.profiles import FACET_ORIGINS, ProfileRules, rule_view

FACET_FILTERS = ("source", *FACET_ORIGINS)
"""Filters answered from the indexed facets of every capture."""


def _identity_keys(name: str, value: str, rules: ProfileRules) -> list[str]:
    """The match keys of a person known only by this e-mail or phone."""
    try:
        normalised = normalise_field(name, value, rules.phone_region)
    except ValueError as exc:
        raise InvalidInput({name: [str(exc)]}) from None
    return rules.matcher.keys(rule_view({name: normalised}))


def search_query(filters: Mapping[str, Any], rules: ProfileRules) -> dict[str, Any]:
    """The MongoDB query for ``filters`` (see :func:`find_prospects`)."""
    query: dict[str, Any] = {"merged_into": None}
    facets = [f"{name}:{filters[name]}" for name in FACET_FILTERS if filters.get(name)]
    if facets:
        query["facets"] = {"$all": facets}
    for name in ("email", "phone"):
        if filters.get(name):
            keys = _identity_keys(name, filters[name], rules)
            query.setdefault("$and", []).append({"match_keys": {"$in": keys or [None]}})
    for name in ("status", "owner"):
        if filters.get(name):
            query[name] = filters[name]
    captured = _range(filters.get("captured_from"), filters.get("captured_to"))
    if captured:
        query["captured_at"] = captured
    score = {op: filters[name] for op, name in (("$gte", "min_score"), ("$lte", "max_score"))}
    score = {op: value for op, value in score.items() if value is not None}
    if score:
        query["score"] = score
    return query


def _range(start: datetime | None, end: datetime | None) -> dict[str, datetime]:
    return {op: value for op, value in (("$gte", start), ("$lt", end)) if value is not None}


def find_prospects(
    filters: Mapping[str, Any], limit: int, offset: int, rules: ProfileRules
) -> dict[str, Any]:
    """One page of the prospects matching every filter given, newest capture first.

    Filters: ``status``, ``owner``, ``source``, ``fair``, ``campaign``,
    ``channel`` (any capture's), ``email`` and ``phone`` (any the person used),
    ``captured_from``/``captured_to`` (first capture in ``[from, to)``),
    ``min_score``/``max_score``. Returns the page and the total matching.
    """
    query = search_query(filters, rules)
    collection = Prospect._get_collection()
    cursor = collection.find(query, {"outbox": 0}).sort("captured_at", -1).skip(offset).limit(limit)
    return {
        "total": collection.count_documents(query),
        "offset": offset,
        "limit": limit,
        "prospects": list(cursor),
    }
