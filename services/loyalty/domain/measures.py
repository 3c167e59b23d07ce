"""Reading an indicator's measured value from kpi's report, for improvement actions.

An action's value before (when opened) and after (when closed) is the
indicator's value in the latest complete period of the action's granularity:
the month (quarter, year, day) before the one ``now`` falls in. A value kpi
does not have is never made up: the caller is told, and may give it by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from clientela.checks import invalid, require_aware
from clientela.errors import NotFound
from clientela.periods import Period, parse_period, period_key, shift_period
from clientela.vocabulary import KPI_GRANULARITIES

DEFAULT_GRANULARITY = "month"
"""The periods an action's indicator is measured over unless it names others."""


def require_granularity(granularity: str) -> None:
    """Refuse a granularity kpi does not report by, naming ``granularity``."""
    if granularity not in KPI_GRANULARITIES:
        raise invalid("granularity", f"Must be one of: {', '.join(KPI_GRANULARITIES)}.")


def latest_complete_period(now: datetime, granularity: str) -> Period:
    """The last whole day, week, month, quarter or year (``granularity``) before the one
    ``now`` falls in, keyed as kpi keys it (``2026-11``)."""
    require_aware("now", now)
    require_granularity(granularity)
    return parse_period(shift_period(period_key(now, granularity), granularity, -1))


def indicator_value(
    periods: Iterable[Mapping[str, Any]], period: Period, indicator: str, field: str
) -> Decimal:
    """The value of ``indicator`` in ``period`` among kpi's reported ``periods``.

    NotFound naming ``field`` (``before`` or ``after``) when kpi reports no such
    period or no value for it; InvalidInput naming ``indicator`` when kpi
    reports it as something other than one number (a breakdown, a text).
    """
    found = next((p for p in periods if p.get("period") == period.key), None)
    if found is None or found.get(indicator) is None:
        raise NotFound(
            f"{field}: kpi has no value of {indicator} for {period.key}; give the value by hand"
        )
    measured = _number(found[indicator])
    if measured is None:
        raise invalid("indicator", f"{indicator} is not a single number in kpi's report.")
    return measured


def _number(value: Any) -> Decimal | None:
    """``value`` as a finite Decimal; None when it is no single number."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None
