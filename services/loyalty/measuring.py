"""Asking kpi for an indicator's measured value, within a deadline.

kpi's RPC ``indicators(granularity, start, end)`` reports every indicator per
period; an improvement action reads its indicator in the latest complete
period from it. kpi not answering is an :class:`Unavailable` error naming
the way out (give the value by hand), never a value made up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import eventlet
from nameko.exceptions import UnknownService

from clientela.errors import Unavailable
from clientela.services.loyalty.domain.measures import indicator_value, latest_complete_period

KPI_DEADLINE_S = 5.0
"""How long an action waits for kpi's indicators before failing."""

Indicators = Callable[[str, str, str], dict[str, Any]]
"""kpi's ``indicators(granularity, start, end)``: ``{"granularity", "periods": [...]}``."""


def kpi_indicators(proxy: Any, deadline_s: float = KPI_DEADLINE_S) -> Indicators:
    """kpi's ``indicators`` through nameko RPC ``proxy``; Unavailable when kpi is not
    running or does not answer within ``deadline_s``."""

    def ask(granularity: str, start: str, end: str) -> dict[str, Any]:
        way_out = "give the value by hand (--before / --after)"
        try:
            reply = proxy.indicators.call_async(granularity, start, end)
            with eventlet.Timeout(deadline_s):
                return reply.result()
        except eventlet.Timeout:
            raise Unavailable(f"kpi: no answer within {deadline_s:g}s; {way_out}") from None
        except UnknownService:
            raise Unavailable(f"kpi: the service is not running; {way_out}") from None

    return ask


def measure(
    indicators: Indicators, indicator: str, granularity: str, now: datetime, field: str
) -> Decimal:
    """``indicator``'s value in the latest complete ``granularity`` period before ``now``, as
    kpi reports it; ``field`` (``before``/``after``) is named when kpi has none."""
    period = latest_complete_period(now, granularity)
    report = indicators(granularity, period.start.isoformat(), period.end.isoformat())
    return indicator_value(report["periods"], period, indicator, field)
