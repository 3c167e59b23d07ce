"""KPI use cases: record facts from events, compute indicators per period."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from clientela.services.kpi.documents import Fact
from clientela.services.kpi.domain import CAPTURE_DIMENSIONS, PeriodIndicators, period_keys


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


def _match(kind: str, start: datetime | None, end: datetime | None) -> dict[str, Any]:
    match: dict[str, Any] = {"kind": kind}
    bounds = {op: value for op, value in (("$gte", start), ("$lt", end)) if value is not None}
    if bounds:
        match["at"] = bounds
    return match


def _counts(
    kind: str, granularity: str, start: datetime | None, end: datetime | None
) -> Iterator[tuple[str, dict[str, str], int]]:
    """(period, origin, count) of the facts of ``kind``, origin being source/fair/campaign."""
    pipeline = [
        {"$match": _match(kind, start, end)},
        {
            "$group": {
                "_id": {
                    "period": f"$periods.{granularity}",
                    **{dimension: f"${dimension}" for dimension in CAPTURE_DIMENSIONS},
                },
                "count": {"$sum": 1},
            }
        },
    ]
    for row in Fact._get_collection().aggregate(pipeline):
        group = row["_id"]
        origin = {dimension: group.get(dimension) or "" for dimension in CAPTURE_DIMENSIONS}
        yield group["period"], origin, row["count"]


def indicators(
    granularity: str, start: datetime | None = None, end: datetime | None = None
) -> list[dict[str, object]]:
    """I1, I4 and NPS for every period with activity in ``[start, end)``, oldest first."""
    periods: dict[str, PeriodIndicators] = {}

    def period(key: str) -> PeriodIndicators:
        return periods.setdefault(key, PeriodIndicators(key))

    for key, origin, count in _counts("captured", granularity, start, end):
        period(key).count_new(count, origin)
    for key, _origin, count in _counts("conversion", granularity, start, end):
        period(key).conversions += count
    latest: dict[tuple[str, str], dict] = {}
    answers = Fact._get_collection().find(
        _match("nps", start, end), {"periods": 1, "subject": 1, "category": 1, "at": 1}
    )
    for fact in answers:
        key = (fact["periods"][granularity], fact["subject"])
        if key not in latest or fact["at"] > latest[key]["at"]:
            latest[key] = fact
    for (key, _customer), fact in latest.items():
        period(key).nps_latest_categories.append(fact["category"])
    return [periods[key].as_dict() for key in sorted(periods)]
