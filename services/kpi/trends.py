"""Trends of the indicators in plain Python: each period's value against the previous period,
against the same period a year before, and its rolling mean.

A trend compares periods of one granularity by their keys (see :mod:`clientela.periods`).
A period kpi reports nothing for, or whose indicator has no value (a rate over nothing),
gives no comparison: every figure that would need it is None, never a guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from clientela.indicators import INDICATORS
from clientela.periods import shift_period, year_before

DEFAULT_WINDOW = 3
"""How many periods, the latest included, a rolling mean takes by default."""

Series = dict[str, float | None]
"""An indicator's value in each period, by period key."""


@dataclass(frozen=True)
class Trend:
    """How one indicator (one ``part`` of a breakdown, such as a currency) moved in ``period``.

    ``change`` is ``value - previous``, ``change_pct`` that change as a % of the
    previous value; ``year_ago`` and its changes compare with the same period a year
    before; ``rolling_mean`` is the mean over the ``window`` periods ending with this one.
    """

    indicator: str
    part: str | None
    period: str
    value: float | None
    previous: float | None
    change: float | None
    change_pct: float | None
    year_ago: float | None
    change_year: float | None
    change_year_pct: float | None
    rolling_mean: float | None
    window: int


def change(value: float | None, base: float | None) -> float | None:
    """``value - base``, two decimals; None when either is missing."""
    return None if value is None or base is None else round(value - base, 2)


def change_pct(value: float | None, base: float | None) -> float | None:
    """The change from ``base`` to ``value`` as a % of ``base`` (of its size, so that a rise
    from a negative NPS reads as a rise), two decimals; None when either is missing or
    ``base`` is 0."""
    if value is None or base is None or base == 0:
        return None
    return round((value - base) / abs(base) * 100, 2)


def rolling_mean(values: Sequence[float | None]) -> float | None:
    """The mean of ``values``, two decimals; None when any is missing (a mean of fewer
    periods than the window would not be the mean the window names)."""
    if not values or any(value is None for value in values):
        return None
    return round(sum(value for value in values if value is not None) / len(values), 2)


def series(
    rows: Iterable[Mapping[str, Any]], names: Iterable[str]
) -> dict[tuple[str, str | None], Series]:
    """Each indicator's value per period from kpi's period rows (``{"period": key, name:
    figure}``), by (indicator, part): a breakdown (a mapping) gives one series per part,
    a decimal string (money) reads as a number."""
    found: dict[tuple[str, str | None], Series] = {}
    wanted = list(names)
    for row in rows:
        for name in wanted:
            for part, figure in _figures(row.get(name)):
                found.setdefault((name, part), {})[row["period"]] = figure
    return found


def _figures(held: Any) -> Iterator[tuple[str | None, float | None]]:
    """(part, number) of one indicator's figure in a period row."""
    if isinstance(held, Mapping):
        for part, figure in sorted(held.items()):
            yield part, _number(figure)
    else:
        yield None, _number(held)


def _number(figure: Any) -> float | None:
    if figure is None:
        return None
    return float(Decimal(figure)) if isinstance(figure, str) else float(figure)


def trends(
    rows: Iterable[Mapping[str, Any]],
    periods: Sequence[str],
    granularity: str,
    names: Iterable[str] = INDICATORS,
    window: int = DEFAULT_WINDOW,
) -> list[Trend]:
    """The trend of each indicator of ``names`` in each of ``periods`` (keys at
    ``granularity``), from ``rows`` that also hold the earlier periods the comparisons
    need (:func:`earliest_needed`). Indicators in catalogue order, then parts, then periods."""
    order = list(names)
    found = series(rows, order)
    return [
        trend(name, part, key, values, granularity, window)
        for (name, part), values in sorted(
            found.items(), key=lambda item: (order.index(item[0][0]), item[0][1] or "")
        )
        for key in periods
    ]


def trend(
    name: str, part: str | None, key: str, values: Series, granularity: str, window: int
) -> Trend:
    """The trend of one series in the period ``key``."""
    value = values.get(key)
    previous = values.get(shift_period(key, granularity, -1))
    same_last_year = year_before(key)
    year_ago = None if same_last_year is None else values.get(same_last_year)
    recent = [values.get(shift_period(key, granularity, -back)) for back in range(window)]
    return Trend(
        indicator=name,
        part=part,
        period=key,
        value=value,
        previous=previous,
        change=change(value, previous),
        change_pct=change_pct(value, previous),
        year_ago=year_ago,
        change_year=change(value, year_ago),
        change_year_pct=change_pct(value, year_ago),
        rolling_mean=rolling_mean(recent),
        window=window,
    )


def earliest_needed(periods: Sequence[str], granularity: str, window: int) -> str:
    """The earliest period key the trends of ``periods`` read: the previous period, the
    first of each rolling window, or a year before, whichever comes first."""
    needed = [shift_period(key, granularity, -max(window - 1, 1)) for key in periods]
    needed += [earlier for earlier in map(year_before, periods) if earlier is not None]
    return min(needed)  # keys of one granularity sort as their periods do
