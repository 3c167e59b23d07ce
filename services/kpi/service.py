"""The kpi nameko service: entrypoints only."""

from __future__ import annotations

from typing import Any

from clientela.db import ServiceDatabase
from clientela.errors import load
from clientela.events import Event
from clientela.messaging import handles
from clientela.service import ServiceBase, api
from clientela.services.kpi import handlers
from clientela.services.kpi.documents import Fact
from clientela.services.kpi.schemas import indicators_query


class KpiService(ServiceBase):
    """Indicators I1, I4 and NPS, per period, from the platform's events."""

    name = "kpi"
    db = ServiceDatabase([Fact])

    @handles("prospects", "prospect_captured")
    def handle_prospect_captured(self, event: Event) -> None:
        prospect = event.payload
        handlers.record_fact(
            f"captured:{prospect['prospect_id']}",
            "captured",
            prospect["prospect_id"],
            prospect["captured_at"],
            source=prospect["source"],
            fair=prospect["fair"],
            campaign=prospect["campaign"],
        )

    @handles("prospects", "prospect_converted")
    def handle_prospect_converted(self, event: Event) -> None:
        prospect = event.payload
        handlers.record_fact(
            f"conversion:{prospect['prospect_id']}",
            "conversion",
            prospect["prospect_id"],
            prospect["converted_at"],
            source=prospect["source"],
        )

    @handles("feedback", "survey_answered")
    def handle_survey_answered(self, event: Event) -> None:
        answer = event.payload
        handlers.record_fact(
            f"nps:{answer['answer_id']}",
            "nps",
            answer["customer_id"],
            answer["answered_at"],
            category=answer["category"],
        )

    @api
    def indicators(
        self, granularity: str = "month", start: str | None = None, end: str | None = None
    ) -> dict[str, Any]:
        """Indicators per period: ``granularity`` day/month/quarter/year, ISO ``start``/``end``."""
        query = load(indicators_query, {"granularity": granularity, "start": start, "end": end})
        return {"granularity": query["granularity"], "periods": handlers.indicators(**query)}
