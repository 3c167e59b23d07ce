"""The indicators of a report as a table: the shape of ``clientela kpi --csv`` and of the
dashboard's CSV download.

One row per period, one column per indicator in catalogue order; an indicator
broken down (by source, by currency) becomes one column per part present in the
periods, named ``NAME.PART`` (``purchase_value.MXN``). A missing figure is an
empty cell.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TextIO

from clientela.indicators import INDICATORS


def columns(periods: Sequence[Mapping[str, Any]]) -> list[str]:
    """The indicator columns of ``periods``, in catalogue order, breakdowns split in parts."""
    names: list[str] = []
    for name, published in INDICATORS.items():
        if published.breakdown is None:
            names.append(name)
        else:
            parts = sorted({part for row in periods for part in row.get(name) or {}})
            names.extend(f"{name}.{part}" for part in parts)
    return names


def rows(periods: Sequence[Mapping[str, Any]]) -> Iterator[list[Any]]:
    """The heading (``period`` then :func:`columns`), then one row per period."""
    names = columns(periods)
    yield ["period", *names]
    for row in periods:
        yield [row["period"], *(_value(row, column) for column in names)]


def write(periods: Sequence[Mapping[str, Any]], stream: TextIO) -> None:
    """Write :func:`rows` of ``periods`` to ``stream`` as CSV."""
    csv.writer(stream, lineterminator="\n").writerows(rows(periods))


def _value(row: Mapping[str, Any], column: str) -> Any:
    name, _, part = column.partition(".")
    value = row.get(name)
    if part:
        value = (value or {}).get(part)
    return "" if value is None else value
