"""Indicator arithmetic and change ordering in plain Python (UTC throughout)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from clientela import figures
from clientela.services.kpi.trends import DEFAULT_WINDOW

CAPTURE_DIMENSIONS = ("source", "fair", "campaign", "channel")
"""What I1 is broken down by (``channel``: the social network or ``utm_source``);
captures without a fair, campaign or channel are left out of those breakdowns."""

P90 = 90

Answer = TypeVar("Answer")


@dataclass(frozen=True)
class Identity:
    """When a person was first identified, by which capture's origin (``CAPTURE_DIMENSIONS``),
    and when first contacted (None: not yet)."""

    identified_at: datetime
    origin: dict[str, str]
    first_contact_at: datetime | None = None


@dataclass(frozen=True)
class Change:
    """New ``values`` for a fact, kept unless the fact holds a ``field`` that wins over ``value``.

    The greatest ``field`` wins (a later stamp), or with ``earliest`` the
    smallest (an earlier time); a fact without ``field`` takes any change.
    ``values`` hold ``field`` itself, so that the fact then holds this change.
    Applying only winning changes makes the end state the same whatever the
    order and however often changes arrive.
    """

    field: str
    value: Any
    values: dict[str, Any]
    earliest: bool = False

    def wins_over(self, held: Any) -> bool:
        """Whether this change replaces a fact holding ``held`` in :attr:`field`."""
        if held is None:
            return True
        return bool(held > self.value if self.earliest else held < self.value)


def winning(changes: Iterable[Change], fact: Mapping[str, Any]) -> list[Change]:
    """The ``changes`` that win over what ``fact`` holds, each decided on its own field."""
    return [change for change in changes if change.wins_over(fact.get(change.field))]


def merge_change(merged: bool, stamp: str) -> Change:
    """A prospect's merge change (``merged`` or not) as its facts carry it."""
    return Change("merge_stamp", stamp, {"merged": merged, "merge_stamp": stamp})


@dataclass(frozen=True)
class ReportIndicators:
    """Report the indicators of every ``granularity`` period with activity in ``[start, end)``."""

    granularity: str = "month"
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class ReportTrends:
    """Report the trends of ``indicator`` (every one when None) in each ``granularity`` period
    with activity in ``[start, end)``, with rolling means over ``window`` periods."""

    indicator: str | None = None
    granularity: str = "month"
    start: datetime | None = None
    end: datetime | None = None
    window: int = DEFAULT_WINDOW


def change_stamp(at: datetime, rank: int = 0) -> str:
    """A stamp ordering changes by time, then by ``rank`` (0-9) for changes at the same instant.

    Stamps compare as plain strings, so a store keeps "the latest change" by
    applying a change only when its stamp is greater than the one it holds: the
    end state is then the same whatever the order and however often changes arrive.
    """
    return f"{at.astimezone(UTC).isoformat(timespec='microseconds')}/{rank}"


def merge_stamp(at: datetime, merged: bool) -> str:
    """The stamp of a merge (``merged``) or unmerge at ``at``.

    An unmerge made at the same instant as a merge supersedes it: it can only
    have reversed that merge.
    """
    return change_stamp(at, 0 if merged else 1)


def completeness_stamp(at: datetime, from_update: bool) -> str:
    """The stamp of a completeness measured at capture or, ``from_update``, by a later update.

    An update made at the very instant of the capture supersedes the capture's value.
    """
    return change_stamp(at, 1 if from_update else 0)


def hours_between(start: datetime, end: datetime) -> float:
    """Hours from ``start`` to ``end``; never negative (a contact logged before the
    capture it answers counts as immediate)."""
    return max((end - start).total_seconds() / 3600, 0.0)


def mean(total: float, count: int) -> float | None:
    """``total / count`` rounded to two decimals; None when nothing was counted."""
    return None if count == 0 else round(total / count, 2)


def median(values: Sequence[float]) -> float | None:
    """The median (the mean of the two middle values for an even count), two decimals;
    None for no values."""
    return round(statistics.median(values), 2) if values else None


def percentile(values: Sequence[float], rank: int) -> float | None:
    """The ``rank``-th percentile (1-100) by the nearest-rank method, two decimals.

    The smallest value with at least ``rank`` % of the values at or below it:
    the ``ceil(rank x n / 100)``-th smallest. None for no values.
    """
    if not values:
        return None
    position = -(-rank * len(values) // 100)
    return round(sorted(values)[position - 1], 2)


def latest_by_customer(
    answers: Iterable[tuple[str, str, datetime, Answer]],
) -> dict[tuple[str, str], Answer]:
    """Each customer's latest answer in each period, by (period, customer), from
    (period, customer, answered at, answer) answers."""
    latest: dict[tuple[str, str], tuple[datetime, Answer]] = {}
    for period, customer, at, answer in answers:
        key = (period, customer)
        if key not in latest or at > latest[key][0]:
            latest[key] = (at, answer)
    return {key: answer for key, (_at, answer) in latest.items()}


def latest_per_customer(
    answers: Iterable[tuple[str, str, datetime, str]],
) -> Iterator[tuple[str, str]]:
    """(period, category) of each customer's latest answer in each period, from
    (period, customer, answered at, category) answers."""
    for (period, _customer), category in latest_by_customer(answers).items():
        yield period, category


def net_promoter_score(categories: Iterable[str]) -> float | None:
    """% promoters minus % detractors among the given (latest-per-customer) categories."""
    counted = list(categories)
    return figures.net_promoter_score(
        counted.count("promoter"), counted.count("detractor"), len(counted)
    )


@dataclass
class PeriodIndicators:
    """The indicators of one period, from counts of prospects that are not merged away."""

    period: str
    new_prospects: int = 0
    new_prospects_by: dict[str, dict[str, int]] = field(
        default_factory=lambda: {dimension: {} for dimension in CAPTURE_DIMENSIONS}
    )
    completeness_total: float = 0.0
    cohort_converted: int = 0
    first_contact_hours: list[float] = field(default_factory=list)
    conversions: int = 0

    def count_new(
        self, count: int, origin: dict[str, str], completeness_total: float, converted: int
    ) -> None:
        """Add ``count`` prospects captured with ``origin`` (source, fair, campaign, channel).

        ``completeness_total`` is the sum of their latest completeness and
        ``converted`` how many of them have converted so far.
        """
        self.new_prospects += count
        self.completeness_total += completeness_total
        self.cohort_converted += converted
        for dimension, counts in self.new_prospects_by.items():
            if origin.get(dimension):
                counts[origin[dimension]] = counts.get(origin[dimension], 0) + count

    def as_dict(self) -> dict[str, object]:
        """I1 to I4 as they are reported."""
        return {
            "period": self.period,
            "I1_new_prospects": self.new_prospects,
            **{
                f"I1_by_{dimension}": dict(sorted(counts.items()))
                for dimension, counts in self.new_prospects_by.items()
            },
            "I2_first_contacts": len(self.first_contact_hours),
            "I2_median_hours": median(self.first_contact_hours),
            "I2_p90_hours": percentile(self.first_contact_hours, P90),
            "I3_completeness": mean(self.completeness_total, self.new_prospects),
            "conversions": self.conversions,
            "I4_conversion_rate": figures.percentage(self.conversions, self.new_prospects),
            "I4_cohort_conversion_rate": figures.percentage(
                self.cohort_converted, self.new_prospects
            ),
        }
