"""KPI use cases: record facts from events, compute indicators per period.

Events arrive at least once and in any order, so every write is either
insert-once or "keep the earliest/latest" by a condition on the stored value,
and the end state does not depend on the order.

A merged duplicate counts once: its prospect facts carry the state of its
latest merge change (``merged``, ``merge_stamp``). A merge change is written to
the prospect's ``merge`` fact and then to its existing prospect facts; a new
prospect fact is created first and then copies the ``merge`` fact. Whichever
runs first, every fact ends up with the latest change, since a change is only
applied over an older stamp.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from mongoengine import Q

from clientela.services.kpi.documents import PROSPECT_KINDS, Fact
from clientela.services.kpi.domain import (
    CAPTURE_DIMENSIONS,
    Identity,
    PeriodIndicators,
    change_stamp,
    completeness_stamp,
    hours_between,
    merge_stamp,
    period_keys,
)


def record_fact(fact_id: str, kind: str, subject: str, at: datetime, **details: str) -> None:
    """Record the fact ``fact_id`` once, however often its event arrives."""
    Fact.objects(id=fact_id).update_one(
        upsert=True,
        set_on_insert__kind=kind,
        set_on_insert__subject=subject,
        set_on_insert__at=at,
        set_on_insert__periods=period_keys(at),
        **{f"set_on_insert__{name}": value for name, value in details.items()},
    )


ATTEMPTS = 10
"""How often a conditional write is redone when another writer got there in between."""

_BEATS = {"gt": lambda held, value: held > value, "lt": lambda held, value: held < value}
"""``held <op> value``: whether a stored value is to be replaced by ``value``."""


def _set_where(fact_id: str, field: str, operator: str, value: object, **values: object) -> None:
    """Set ``values`` on fact ``fact_id`` if its ``field`` is unset or ``<operator>`` ``value``.

    Two atomic updates found by ``_id``, one for each case, rather than one
    with ``$or``, which some servers (SecantusDB) answer with a collection
    scan: a handler's cost then grows with every fact stored. Should another
    writer change ``field`` between the two, the fact is read again and the
    write redone while ``value`` still wins.
    """
    update = {f"set__{name}": new for name, new in values.items()}
    for _ in range(ATTEMPTS):
        if Fact.objects(**{"id": fact_id, f"{field}__{operator}": value}).update_one(**update):
            return
        if Fact.objects(**{"id": fact_id, field: None}).update_one(**update):
            return
        held = Fact.objects(id=fact_id).scalar(field).first()
        if held is None or not _BEATS[operator](held, value):
            return  # the fact is gone, or holds a value that wins over ``value``
    raise RuntimeError(f"fact {fact_id}: {field} keeps changing; the event will be retried")


def _set_earliest(fact_id: str, at: datetime, **values: object) -> None:
    """Set ``at``, its periods and ``values`` on the fact unless it holds an earlier ``at``."""
    _set_where(fact_id, "at", "gt", at, at=at, periods=period_keys(at), **values)


def _merge_state(prospect_id: str) -> tuple[bool, str] | None:
    """(merged, stamp) of the prospect's latest merge change, None before any."""
    state = Fact.objects(id=f"merge:{prospect_id}").only("merged", "merge_stamp").first()
    return (state.merged, state.merge_stamp) if state and state.merge_stamp else None


def _apply_merge_change(condition: Q, merged: bool, stamp: str) -> None:
    """Record a merge change on the facts meeting ``condition`` that hold an older one.

    As in :func:`_set_where`, the unset and the older case are two indexed
    updates instead of one ``$or``; they are repeated until neither finds a
    fact, so a fact that another writer gave an older change in between
    still ends with this one.
    """
    update = {"set__merged": merged, "set__merge_stamp": stamp}
    for _ in range(ATTEMPTS):
        older = Fact.objects(condition & Q(merge_stamp__lt=stamp)).update(**update)
        unset = Fact.objects(condition & Q(merge_stamp=None)).update(**update)
        if not older and not unset:
            return
    raise RuntimeError(f"merge stamp {stamp}: facts keep changing; the event will be retried")


def _ensure_fact(kind: str, prospect_id: str) -> str:
    """The id of the prospect's fact of ``kind``, created (empty) if need be."""
    fact_id = f"{kind}:{prospect_id}"
    Fact.objects(id=fact_id).update_one(
        upsert=True, set_on_insert__kind=kind, set_on_insert__subject=prospect_id
    )
    return fact_id


def _prospect_fact(kind: str, prospect_id: str) -> str:
    """The id of the prospect's fact of ``kind``, created if need be, with its merge state."""
    fact_id = _ensure_fact(kind, prospect_id)
    state = _merge_state(prospect_id)
    if state:
        _apply_merge_change(Q(id=fact_id), *state)
    return fact_id


def _set_identity(fact_id: str, identity: Identity, stamp: str) -> None:
    """Keep when and where the person was first identified, unless the fact holds a later
    state of it; the fact then counts in that period, by that origin."""
    _set_where(
        fact_id,
        "identity_stamp",
        "lt",
        stamp,
        at=identity.identified_at,
        periods=period_keys(identity.identified_at),
        identity_stamp=stamp,
        **identity.origin,
    )


def _set_contact(
    prospect_id: str, identified_at: datetime, contacted_at: datetime | None, stamp: str
) -> None:
    """Keep the prospect's first contact (none: it stops counting), measured from
    ``identified_at``, unless its fact holds a later state of it."""
    if contacted_at is None:
        values: dict[str, Any] = {"at": None, "periods": {}, "hours": None}
    else:
        values = {
            "at": contacted_at,
            "periods": period_keys(contacted_at),
            "hours": hours_between(identified_at, contacted_at),
        }
    fact_id = _prospect_fact("first_contact", prospect_id)
    _set_where(fact_id, "contact_stamp", "lt", stamp, contact_stamp=stamp, **values)


def _set_completeness(fact_id: str, completeness: float, stamp: str) -> None:
    """Keep ``completeness`` unless the fact holds one measured later."""
    _set_where(
        fact_id,
        "completeness_stamp",
        "lt",
        stamp,
        completeness=completeness,
        completeness_stamp=stamp,
    )


def record_capture(
    prospect_id: str, identity: Identity, completeness: float, captured_at: datetime
) -> None:
    """A prospect reached clientela at ``captured_at``, identified as ``identity`` says, with
    ``completeness`` (0-100)."""
    fact_id = _prospect_fact("captured", prospect_id)
    stamp = completeness_stamp(captured_at, from_update=False)
    _set_identity(fact_id, identity, stamp)
    _set_completeness(fact_id, completeness, stamp)


def record_profile_update(
    prospect_id: str,
    completeness: float,
    updated_at: datetime,
    identity: Identity | None = None,
    reason: str = "edit",
) -> None:
    """A prospect's profile was ``completeness`` % complete at ``updated_at``, after a change
    of ``reason`` (capture, edit, interaction, merge).

    With ``identity`` (events of older publishers have none), the person was
    then first identified and first contacted as it says: a merge or an
    earlier capture moves both earlier, an unmerge gives each person its own.
    The first contact is written only when it may have moved: after a merge or
    an unmerge (which may take it away), and after a capture of a contacted
    person (an earlier identification lengthens the time to it); interactions
    announce it themselves (:func:`record_first_contact`).
    """
    fact_id = _prospect_fact("captured", prospect_id)
    stamp = completeness_stamp(updated_at, from_update=True)
    _set_completeness(fact_id, completeness, stamp)
    if identity is None:
        return
    _set_identity(fact_id, identity, stamp)
    contacted = identity.first_contact_at is not None
    if reason == "merge" or (reason == "capture" and contacted):
        _set_contact(prospect_id, identity.identified_at, identity.first_contact_at, stamp)


def record_first_contact(
    prospect_id: str, identified_at: datetime, contacted_at: datetime, logged_at: datetime
) -> None:
    """A prospect identified at ``identified_at`` was first contacted at ``contacted_at``,
    as logged at ``logged_at`` (a later log with an earlier contact supersedes it)."""
    _set_contact(prospect_id, identified_at, contacted_at, change_stamp(logged_at, 1))


def record_conversion(prospect_id: str, converted_at: datetime) -> None:
    """A prospect converted at ``converted_at`` (counted in its period and in its cohort)."""
    _set_earliest(_prospect_fact("conversion", prospect_id), converted_at)
    Fact.objects(id=_prospect_fact("captured", prospect_id)).update_one(set__converted=True)


def record_merge_change(prospect_id: str, merged: bool, at: datetime) -> None:
    """A prospect was merged into another (``merged``) or restored (not ``merged``) at ``at``."""
    stamp = merge_stamp(at, merged)
    _set_where(
        _ensure_fact("merge", prospect_id),
        "merge_stamp",
        "lt",
        stamp,
        at=at,
        merged=merged,
        merge_stamp=stamp,
    )
    _apply_merge_change(Q(subject=prospect_id, kind__in=PROSPECT_KINDS), merged, stamp)


def _match(kind: str, start: datetime | None, end: datetime | None) -> dict[str, Any]:
    """The facts of ``kind`` timed in ``[start, end)`` that count (not merged away)."""
    bounds = {op: value for op, value in (("$gte", start), ("$lt", end)) if value is not None}
    return {"kind": kind, "at": bounds or {"$ne": None}, "merged": {"$ne": True}}


def _grouped(
    kind: str,
    granularity: str,
    start: datetime | None,
    end: datetime | None,
    dimensions: tuple[str, ...] = (),
    **totals: object,
) -> Iterator[tuple[str, dict[str, str], dict[str, Any]]]:
    """(period, dimension values, ``totals``) of the counting facts of ``kind``, grouped."""
    keys = {"period": f"$periods.{granularity}", **{name: f"${name}" for name in dimensions}}
    pipeline = [{"$match": _match(kind, start, end)}, {"$group": {"_id": keys, **totals}}]
    for row in Fact._get_collection().aggregate(pipeline):
        group = row.pop("_id")
        yield group["period"], {name: group.get(name) or "" for name in dimensions}, row


def _latest_nps_categories(
    granularity: str, start: datetime | None, end: datetime | None
) -> Iterator[tuple[str, str]]:
    """(period, category) of each customer's latest NPS answer in each period."""
    latest: dict[tuple[str, str], dict] = {}
    answers = Fact._get_collection().find(
        _match("nps", start, end), {"periods": 1, "subject": 1, "category": 1, "at": 1}
    )
    for fact in answers:
        key = (fact["periods"][granularity], fact["subject"])
        if key not in latest or fact["at"] > latest[key]["at"]:
            latest[key] = fact
    for (key, _customer), fact in latest.items():
        yield key, fact["category"]


def indicators(
    granularity: str, start: datetime | None = None, end: datetime | None = None
) -> list[dict[str, object]]:
    """I1 to I4 and NPS for every period with activity in ``[start, end)``, oldest first."""
    periods: dict[str, PeriodIndicators] = {}

    def period(key: str) -> PeriodIndicators:
        return periods.setdefault(key, PeriodIndicators(key))

    captures = _grouped(
        "captured",
        granularity,
        start,
        end,
        CAPTURE_DIMENSIONS,
        count={"$sum": 1},
        completeness={"$sum": "$completeness"},
        converted={"$sum": {"$cond": ["$converted", 1, 0]}},
    )
    for key, origin, totals in captures:
        period(key).count_new(totals["count"], origin, totals["completeness"], totals["converted"])
    contacts = _grouped("first_contact", granularity, start, end, hours={"$push": "$hours"})
    for key, _origin, totals in contacts:
        period(key).first_contact_hours.extend(totals["hours"])
    for key, _origin, totals in _grouped("conversion", granularity, start, end, count={"$sum": 1}):
        period(key).conversions += totals["count"]
    for key, category in _latest_nps_categories(granularity, start, end):
        period(key).nps_latest_categories.append(category)
    return [periods[key].as_dict() for key in sorted(periods)]
