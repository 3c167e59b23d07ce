"""Replaying a service's stored data as the events it announced, a page at a time.

Every service that owns what kpi counts answers ``replay(after=None, limit=500)``
with ``{"events": [...], "next": cursor | None, "gaps": [...]}``: the events
re-derived from its stored documents, in the shape its ``events.py`` builds
them, with ids derived from what they announce (a replay twice gives the same
ids). A service reads its :class:`ReplaySource` collections one after another,
each by ``_id`` (``_id > after``, sorted, ``limit`` documents); the cursor
``<source>:<last _id>`` says where the next page starts. ``gaps`` say what the
stored state cannot give back.

On MongoDB a page is a walk of the ``_id`` index, the same cost at any size.
SecantusDB answers a range of ``_id`` with a collection scan (and an open range
of any index by reading all of it before the limit): there a page costs in
proportion to the documents stored (``bench/bench_replay_pages.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pymongo import ASCENDING
from pymongo.collection import Collection

from clientela.checks import invalid

DEFAULT_REPLAY_LIMIT = 500
MAX_REPLAY_LIMIT = 5000
_IDS = uuid.UUID("6f3d1c2e-8a4b-4f7e-9c1d-2b5a7e9f0c13")
"""The namespace replayed event ids are derived in."""

Derive = Callable[[dict[str, Any]], list[dict]]


@dataclass(frozen=True)
class ReplaySource:
    """A collection whose documents are replayed, each as the events ``derive`` gives."""

    name: str
    derive: Derive


def replayed(envelope: dict, key: str) -> dict:
    """``envelope`` with an id derived from ``key`` (what it announces), the same at every
    replay, so that applying it twice counts once."""
    return {**envelope, "id": uuid.uuid5(_IDS, key).hex}


def documents_after(collection: Collection, after: str | None, limit: int) -> list[dict[str, Any]]:
    """The first ``limit`` documents of ``collection`` whose ``_id`` sorts after ``after``
    (from the first when None), without their outbox: a walk of the ``_id`` index."""
    query = {} if after is None else {"_id": {"$gt": after}}
    found = collection.find(query, {"outbox": 0}).sort("_id", ASCENDING).limit(limit)
    return list(found)


def stored_after(
    documents: Mapping[str, dict[str, Any]], after: str | None, limit: int
) -> list[dict[str, Any]]:
    """:func:`documents_after` over documents held in memory by ``_id`` (fake storages)."""
    ids = sorted(key for key in documents if after is None or key > after)[:limit]
    return [{k: v for k, v in documents[key].items() if k != "outbox"} for key in ids]


def replay_page(
    sources: Sequence[ReplaySource],
    read: Callable[[str, str | None, int], list[dict[str, Any]]],
    after: str | None,
    limit: int,
    gaps: Iterable[str] = (),
) -> dict[str, Any]:
    """One page of the events ``sources`` derive, from the cursor ``after`` (None: the
    start), reading at most ``limit`` documents of one source with ``read(source, after,
    limit)``; InvalidInput names a bad ``after`` or ``limit``."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 0 < limit <= MAX_REPLAY_LIMIT:
        raise invalid("limit", f"Must be a whole number from 1 to {MAX_REPLAY_LIMIT}.")
    names = [source.name for source in sources]
    name, last = _cursor(after, names)
    source = sources[names.index(name)]
    documents = read(name, last, limit)
    events = [event for document in documents for event in source.derive(document)]
    if len(documents) == limit:
        following: str | None = f"{name}:{documents[-1]['_id']}"
    else:
        position = names.index(name) + 1
        following = f"{names[position]}:" if position < len(names) else None
    return {"events": events, "next": following, "gaps": list(gaps)}


def _cursor(after: str | None, names: list[str]) -> tuple[str, str | None]:
    """(source, last ``_id`` read, None from its start) of a cursor ``replay`` gave."""
    if after is None:
        return names[0], None
    name, sep, last = str(after).partition(":")
    if not sep or name not in names:
        raise invalid("after", f"Not a replay cursor: give the 'next' of a page ({after!r}).")
    return name, last or None
