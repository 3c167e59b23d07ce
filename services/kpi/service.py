"""The kpi nameko service: entrypoints only."""

from __future__ import annotations

from typing import Any

from clientela.errors import load
from clientela.events import Event
from clientela.messaging import handles
from clientela.service import ServiceBase, api
from clientela.services.kpi import handlers
from clientela.services.kpi.dependencies import KpiStorage
from clientela.services.kpi.documents import Fact
from clientela.services.kpi.domain import ReportIndicators
from clientela.services.kpi.schemas import indicators_query
from clientela.storage import Storage


class KpiService(ServiceBase):
    """Indicators I1 to I4 and NPS, per period, from the platform's events."""

    name = "kpi"
    storage = Storage(KpiStorage, documents=[Fact])

    @handles("prospects", "prospect_captured")
    def handle_prospect_captured(self, event: Event) -> None:
        handlers.handle_prospect_captured(event, self.storage)

    @handles("prospects", "prospect_updated")
    def handle_prospect_updated(self, event: Event) -> None:
        handlers.handle_prospect_updated(event, self.storage)

    @handles("prospects", "prospect_merged")
    def handle_prospect_merged(self, event: Event) -> None:
        handlers.handle_prospect_merged(event, self.storage)

    @handles("prospects", "prospect_unmerged")
    def handle_prospect_unmerged(self, event: Event) -> None:
        handlers.handle_prospect_unmerged(event, self.storage)

    @handles("prospects", "prospect_contacted")
    def handle_prospect_contacted(self, event: Event) -> None:
        handlers.handle_prospect_contacted(event, self.storage)

    @handles("prospects", "prospect_converted")
    def handle_prospect_converted(self, event: Event) -> None:
        handlers.handle_prospect_converted(event, self.storage)

    @handles("feedback", "survey_answered")
    def handle_survey_answered(self, event: Event) -> None:
        handlers.handle_survey_answered(event, self.storage)

    @api
    def indicators(
        self, granularity: str = "month", start: str | None = None, end: str | None = None
    ) -> dict[str, Any]:
        """Indicators per period: ``granularity`` day/month/quarter/year, ISO ``start``/``end``."""
        query = ReportIndicators(
            **load(indicators_query, {"granularity": granularity, "start": start, "end": end})
        )
        return {
            "granularity": query.granularity,
            "periods": handlers.report_indicators(query, self.storage),
        }
