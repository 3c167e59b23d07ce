"""What the dashboard shows, shaped from a report of the kpi service: plain Python.

A report is the list of periods ``kpi.indicators`` answers (one mapping per
period, indicators by name). The dashboard draws one chart per section of the
indicator catalogue, with one series per indicator over the periods (one per
part for an indicator broken down, such as new prospects by source), the
targets set on those indicators and the alerts still open.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from clientela.indicators import INDICATORS, SECTIONS, Better, Indicator
from clientela.periods import period_key, shift_period

MAX_FILLED_PERIODS = 1000
"""How many periods a range asked for may put on the axis, quiet ones included."""

SOURCE_BREAKDOWN = "source"
"""The breakdown the source filter narrows (I1 by source)."""

UNIT_LABELS = {
    "%": "%",
    "hours": "hours",
    "count": "count",
    "points": "points",
    "score": "score",
    "money": "amount per currency",
}
"""How a chart's axis names each unit of the catalogue."""


@dataclass(frozen=True)
class Filters:
    """What the dashboard shows: periods of ``granularity`` in ``[start, end)`` (either
    end open when None), and only the lead ``source`` given where figures are by source."""

    granularity: str = "month"
    start: datetime | None = None
    end: datetime | None = None
    source: str | None = None

    def query_string(self) -> str:
        """These filters as the query string the dashboard's pages and downloads take."""
        given = {
            "by": self.granularity,
            "from": _moment(self.start),
            "to": _moment(self.end),
            "source": self.source,
        }
        return urlencode({key: value for key, value in given.items() if value})

    def form_value(self, name: str) -> str:
        """The value the filter form shows in its field ``name`` (from, to)."""
        return _moment({"from": self.start, "to": self.end}[name]) or ""


def _moment(moment: datetime | None) -> str | None:
    """A date when ``moment`` is a UTC midnight (how the form gives it), else ISO time."""
    if moment is None:
        return None
    moment = moment.astimezone(UTC)
    return moment.date().isoformat() if moment.time() == time() else moment.isoformat()


@dataclass(frozen=True)
class Target:
    """A target on ``indicator`` (on one ``part`` of it, for a breakdown): ``value`` with
    ``tolerance`` in the indicator's unit, a floor when ``direction`` is higher (better),
    a ceiling when lower; for one ``period`` (its key) or, when None, for every period."""

    indicator: str
    value: float
    tolerance: float
    direction: str
    period: str | None = None
    part: str | None = None

    @property
    def key(self) -> str:
        """The series it is drawn on: ``NAME`` or ``NAME.PART``."""
        return f"{self.indicator}.{self.part}" if self.part else self.indicator

    @property
    def threshold(self) -> float:
        """The value past which the indicator is out of range: the target less its
        tolerance for a floor, plus it for a ceiling."""
        if self.direction == Better.HIGHER:
            return self.value - self.tolerance
        return self.value + self.tolerance


@dataclass(frozen=True)
class Alert:
    """An alert raised when ``indicator`` was out of range in ``period``."""

    alert_id: str
    indicator: str
    period: str
    value: float | None
    target: float | None
    state: str

    @property
    def title(self) -> str:
        """The indicator's title in the catalogue (its name when it is not there)."""
        published = INDICATORS.get(self.indicator)
        return published.title if published else self.indicator


@dataclass(frozen=True)
class Series:
    """One line of a chart: ``indicator`` (or its ``part``, for a breakdown) per period."""

    indicator: Indicator
    part: str | None
    periods: tuple[str, ...]
    values: tuple[float | None, ...]

    @property
    def key(self) -> str:
        """The series' column in the downloads: ``NAME`` or ``NAME.PART``."""
        return f"{self.indicator.name}.{self.part}" if self.part else self.indicator.name

    @property
    def label(self) -> str:
        """The legend: the indicator's title, and the part it is of a breakdown."""
        return f"{self.indicator.title}: {self.part}" if self.part else self.indicator.title


@dataclass(frozen=True)
class Section:
    """One chart: a section of the catalogue, its series and the targets on them."""

    title: str
    series: tuple[Series, ...]
    targets: tuple[Target, ...] = ()

    @property
    def units(self) -> tuple[str, ...]:
        """The units of the series, in catalogue order: one axis each."""
        return tuple(dict.fromkeys(series.indicator.unit for series in self.series))

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """The indicators drawn, once each, for the chart's legend."""
        return tuple(dict.fromkeys(series.indicator for series in self.series))


@dataclass(frozen=True)
class DashboardView:
    """Everything one dashboard page shows, and its downloads hold."""

    filters: Filters
    periods: list[dict[str, Any]]
    sources: tuple[str, ...]
    sections: tuple[Section, ...]
    alerts: tuple[Alert, ...] = field(default=())

    @property
    def period_keys(self) -> tuple[str, ...]:
        """The periods shown, oldest first."""
        return tuple(row["period"] for row in self.periods)


def every_period(periods: Sequence[Mapping[str, Any]], filters: Filters) -> list[dict[str, Any]]:
    """``periods`` (oldest first) with every other period of the filters' range, as a row
    of its key alone: the axis shows time as it passed, a quiet month as a gap. A range
    of more than ``MAX_FILLED_PERIODS`` (days since 1900, say) is filled only between the
    first and the last period with activity. Nothing when no period had activity."""
    if not periods:
        return []
    by = filters.granularity
    active = (periods[0]["period"], periods[-1]["period"])
    asked = (
        period_key(filters.start, by) if filters.start else active[0],
        period_key(filters.end - timedelta(microseconds=1), by) if filters.end else active[1],
    )
    keys = _keys_between(*asked, by, MAX_FILLED_PERIODS) or _keys_between(*active, by, None)
    held = {row["period"]: dict(row) for row in periods}
    return [held.get(key, {"period": key}) for key in keys or ()]


def _keys_between(first: str, last: str, by: str, limit: int | None) -> list[str] | None:
    """The keys of the periods from ``first`` to ``last``; None past ``limit`` of them."""
    keys = [first]
    while keys[-1] < last:
        if limit is not None and len(keys) >= limit:
            return None
        keys.append(shift_period(keys[-1], by, 1))
    return keys


def source_choices(periods: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """The lead sources with new prospects in ``periods``, sorted: what the filter offers."""
    return tuple(sorted({source for row in periods for source in row.get("I1_by_source") or {}}))


def narrowed(periods: Iterable[Mapping[str, Any]], source: str | None) -> list[dict[str, Any]]:
    """``periods`` with every indicator broken down by source keeping ``source`` only
    (all of them when None)."""
    by_source = [i.name for i in INDICATORS.values() if i.breakdown == SOURCE_BREAKDOWN]
    return [
        {
            **row,
            **{
                name: {part: n for part, n in (row.get(name) or {}).items() if part == source}
                for name in by_source
                if source is not None
            },
        }
        for row in periods
    ]


def series_of(periods: Sequence[Mapping[str, Any]], indicator: Indicator) -> list[Series]:
    """The series of ``indicator`` over ``periods``: one, or one per part of a breakdown
    (sorted); none when it has no figure in any period. Figures are numbers (or None)."""
    keys = tuple(row["period"] for row in periods)
    if indicator.breakdown is None:
        values = tuple(_number(row.get(indicator.name)) for row in periods)
        found = any(value is not None for value in values)
        return [Series(indicator, None, keys, values)] if found else []
    breakdowns = [row.get(indicator.name) or {} for row in periods]
    parts = sorted({part for breakdown in breakdowns for part in breakdown})
    return [
        Series(indicator, part, keys, tuple(_number(b.get(part)) for b in breakdowns))
        for part in parts
    ]


def _number(figure: Any) -> float | None:
    """A figure to plot: money comes as decimal text (``"1250.50"``), the rest as numbers."""
    return float(figure) if isinstance(figure, str) else figure


def sections(
    periods: Sequence[Mapping[str, Any]], targets: Iterable[Target]
) -> tuple[Section, ...]:
    """One section per section of the catalogue, in its order, with the series of its
    indicators and the targets set on the series it draws."""
    targets = tuple(targets)
    shaped = []
    for title in SECTIONS:
        drawn = [
            series
            for indicator in INDICATORS.values()
            if indicator.section == title
            for series in series_of(periods, indicator)
        ]
        keys = {series.key for series in drawn}
        shaped.append(Section(title, tuple(drawn), tuple(t for t in targets if t.key in keys)))
    return tuple(shaped)


def build_view(
    filters: Filters,
    periods: Sequence[Mapping[str, Any]],
    targets: Iterable[Target] = (),
    alerts: Iterable[Alert] = (),
) -> DashboardView:
    """The page for ``filters`` from the report's ``periods``, the ``targets`` set and the
    ``alerts`` still open (all of them, whatever the periods shown: each waits for an
    action)."""
    shown = narrowed(every_period(periods, filters), filters.source)
    return DashboardView(
        filters=filters,
        periods=shown,
        sources=source_choices(periods),
        sections=sections(shown, targets),
        alerts=tuple(alerts),
    )
