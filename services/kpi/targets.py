"""Targets ("metas cuantitativas") and the rule that says a value is out of range: plain Python.

A target sets the value an indicator should reach, which way is better (from
the catalogue, or from the user where the catalogue says neither) and a
**tolerance, absolute and in the indicator's own unit**: a target of CCT 90 %
(higher is better) with a tolerance of 5 is out of range below 85 % and in
range at 85 % itself; a target of 24 median hours to first contact (lower is
better) with a tolerance of 2 is out of range above 26 hours. A value on the
good side of the target is never out of range, however far.

A target covers every period of its granularity (the current and the previous
one are checked) or one fixed period (``2026-Q4``), and optionally one segment
of an indicator broken down by it (``source=fairs`` for ``I1_by_source``).
While a period is under way, an accumulating figure (a count, points, money)
can still grow: a floor on it is judged only once the period has ended.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from clientela.checks import invalid, raise_problems
from clientela.errors import InvalidInput
from clientela.indicators import INDICATORS, Better, Indicator
from clientela.periods import Period, parse_period, period_key
from clientela.vocabulary import KPI_GRANULARITIES

ACCUMULATING_UNITS = ("count", "points", "money")
"""Units of figures that add up over a period: none counted is 0, not unknown."""

_PERIOD_SHAPES = {
    "day": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "month": re.compile(r"\d{4}-\d{2}"),
    "quarter": re.compile(r"\d{4}-Q[1-4]"),
    "year": re.compile(r"\d{4}"),
}
DEFAULT_GRANULARITY = "month"


@dataclass(frozen=True)
class Target:
    """What ``indicator`` should be in each period of ``granularity`` (or in ``period``
    only), for ``segment`` (one part of its breakdown) or as a whole."""

    indicator: str
    value: float
    tolerance: float
    direction: Better
    granularity: str = DEFAULT_GRANULARITY
    period: str | None = None
    segment: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """What identifies the target across its versions: indicator, period(s) and segment."""
        return "|".join(
            (self.indicator, self.granularity, self.period or "*", segment_text(self.segment))
        )

    def is_out_of_range(self, value: float | None, period_over: bool) -> bool:
        """Whether ``value`` lies outside target +/- tolerance on the bad side.

        None (nothing to judge) is never out of range, nor a floor on an
        accumulating figure while its period is under way (``period_over`` False).
        """
        if value is None:
            return False
        if self.direction is Better.HIGHER:
            if not period_over and INDICATORS[self.indicator].unit in ACCUMULATING_UNITS:
                return False
            return value < self.value - self.tolerance
        return value > self.value + self.tolerance

    def periods_to_check(self, now: datetime) -> list[str]:
        """Its fixed period, or the previous and the current period of its granularity."""
        if self.period is not None:
            return [self.period]
        current = period_key(now, self.granularity)
        previous = period_key(
            period_span(current, self.granularity).start - timedelta(days=1), self.granularity
        )
        return [previous, current]

    def applies_to(self, window: Period) -> bool:
        """Whether the target covers some period overlapping ``window``."""
        return self.period is None or overlaps(period_span(self.period, self.granularity), window)


def overlaps(period: Period, window: Period) -> bool:
    """Whether two spans of time share an instant."""
    return period.start < window.end and window.start < period.end


def segment_text(segment: dict[str, str]) -> str:
    """``source=fairs``: a segment as the CLI takes it and keys show it (empty for none)."""
    return ",".join(f"{name}={value}" for name, value in sorted(segment.items()))


def period_span(key: str, granularity: str) -> Period:
    """The instants of period ``key`` of ``granularity`` (``2026-11-23``, ``2026-11``...)."""
    if granularity == "day":
        start = datetime.strptime(key, "%Y-%m-%d").replace(tzinfo=UTC)
        return Period(start, start + timedelta(days=1), key)
    return parse_period(key)


def keyed_span(key: str) -> Period:
    """The instants of the period ``key`` names, whatever its granularity; ValueError when
    it names none."""
    granularity = granularity_of(key)
    if granularity is None:
        raise ValueError(f"{key!r} is no period key")
    return period_span(key, granularity)


def granularity_of(period: str) -> str | None:
    """The granularity a period key is shaped for, None when it is no period key."""
    for granularity, shape in _PERIOD_SHAPES.items():
        if shape.fullmatch(period):
            try:
                period_span(period, granularity)
            except (ValueError, InvalidInput):
                return None
            return granularity
    return None


def define_target(
    indicator: str,
    value: float,
    tolerance: float = 0.0,
    granularity: str | None = None,
    period: str | None = None,
    segment: dict[str, str] | None = None,
    direction: str | None = None,
) -> Target:
    """A target checked against the catalogue; InvalidInput names every field that is wrong.

    The direction is the catalogue's (a contrary one is refused) and must be
    given where the catalogue says neither way is better. The granularity
    follows from ``period`` when only that is given (month when neither is).
    """
    published = INDICATORS.get(indicator)
    if published is None:
        raise invalid("indicator", f"No indicator {indicator!r}; known: {', '.join(INDICATORS)}.")
    shaped = granularity_of(period) if period is not None else None
    problems = {
        "tolerance": "Must not be negative." if tolerance < 0 else None,
        "direction": _direction_problem(published, direction),
        "segment": _segment_problem(published, segment or {}),
        "period": _period_problem(period, shaped, granularity),
        "granularity": None
        if granularity is None or granularity in KPI_GRANULARITIES
        else f"Must be one of: {', '.join(KPI_GRANULARITIES)}.",
    }
    raise_problems(problems)
    return Target(
        indicator=indicator,
        value=float(value),
        tolerance=float(tolerance),
        direction=published.better or Better(str(direction)),
        granularity=granularity or shaped or DEFAULT_GRANULARITY,
        period=period,
        segment=dict(segment or {}),
    )


def _direction_problem(published: Indicator, direction: str | None) -> str | None:
    if direction is not None and direction not in tuple(Better):
        return "Must be higher or lower."
    if published.better is None and direction is None:
        return f"{published.name} is better neither way: say whether higher or lower is better."
    if published.better is not None and direction not in (None, published.better):
        return f"{published.name} is better {published.better}; leave the direction out."
    return None


def _segment_problem(published: Indicator, segment: dict[str, str]) -> str | None:
    if published.breakdown is None:
        return f"{published.name} is not broken down: it takes no segment." if segment else None
    wanted = f"{published.breakdown}=VALUE"
    if len(segment) != 1 or published.breakdown not in segment:
        return (
            f"{published.name} is broken down by {published.breakdown}: give one segment {wanted}."
        )
    if not str(segment[published.breakdown]).strip():
        return f"Give a {published.breakdown}: {wanted}."
    return None


def _period_problem(period: str | None, shaped: str | None, granularity: str | None) -> str | None:
    if period is None:
        return None
    if shaped is None:
        return "Must be a period key: 2026 (year), 2026-Q4, 2026-11 or 2026-11-23."
    if granularity is not None and shaped != granularity:
        return f"{period} is a {shaped}, not a {granularity}."
    return None


def observed_value(
    row: dict[str, Any] | None, indicator: str, segment: dict[str, str]
) -> float | None:
    """The figure a target on ``indicator`` (and ``segment``) is judged by, from one period's
    report row (None: no activity in the period).

    An accumulating figure with nothing counted is 0; any other missing figure is None.
    """
    figure = (row or {}).get(indicator)
    if segment:
        figure = (figure or {}).get(next(iter(segment.values())))
    if figure is None:
        return 0.0 if INDICATORS[indicator].unit in ACCUMULATING_UNITS else None
    return float(figure)


def alert_id(indicator: str, period: str, segment: dict[str, str]) -> str:
    """The id of the alert on ``indicator`` out of range in ``period`` for ``segment``: the same
    every time it is found, so the alert is raised once."""
    digest = hashlib.sha256(f"{indicator}|{period}|{segment_text(segment)}".encode()).hexdigest()
    return f"oor-{digest[:12]}"
