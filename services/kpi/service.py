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
from clientela.services.kpi.domain import ReportIndicators, ReportTrends
from clientela.services.kpi.schemas import indicators_query, trends_query
from clientela.services.kpi.trends import DEFAULT_WINDOW
from clientela.storage import Storage


class KpiService(ServiceBase):
    """Prospect (I1 to I4), survey and complaint, customer (I5, CCT, purchases, churn) and
    loyalty indicators, per period, from the platform's events."""

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

    @handles("feedback", "survey_responded")
    def handle_survey_responded(self, event: Event) -> None:
        handlers.handle_survey_responded(event, self.storage)

    @handles("feedback", "complaint_opened")
    def handle_complaint_opened(self, event: Event) -> None:
        handlers.handle_complaint_opened(event, self.storage)

    @handles("feedback", "complaint_resolved")
    def handle_complaint_resolved(self, event: Event) -> None:
        handlers.handle_complaint_resolved(event, self.storage)

    @handles("feedback", "complaint_breached")
    def handle_complaint_breached(self, event: Event) -> None:
        handlers.handle_complaint_breached(event, self.storage)

    @handles("customers", "customer_created")
    def handle_customer_created(self, event: Event) -> None:
        handlers.handle_customer_created(event, self.storage)

    @handles("customers", "customer_updated")
    def handle_customer_updated(self, event: Event) -> None:
        handlers.handle_customer_updated(event, self.storage)

    @handles("customers", "customer_lost")
    def handle_customer_lost(self, event: Event) -> None:
        handlers.handle_customer_lost(event, self.storage)

    @handles("customers", "contract_recorded")
    def handle_contract_recorded(self, event: Event) -> None:
        handlers.handle_contract_recorded(event, self.storage)

    @handles("customers", "purchase_recorded")
    def handle_purchase_recorded(self, event: Event) -> None:
        handlers.handle_purchase_recorded(event, self.storage)

    @handles("loyalty", "points_earned")
    def handle_points_earned(self, event: Event) -> None:
        handlers.handle_points_earned(event, self.storage)

    @handles("loyalty", "points_redeemed")
    def handle_points_redeemed(self, event: Event) -> None:
        handlers.handle_points_redeemed(event, self.storage)

    @handles("loyalty", "points_expired")
    def handle_points_expired(self, event: Event) -> None:
        handlers.handle_points_expired(event, self.storage)

    @handles("loyalty", "points_adjusted")
    def handle_points_adjusted(self, event: Event) -> None:
        handlers.handle_points_adjusted(event, self.storage)

    @handles("loyalty", "churn_alarm_raised")
    def handle_churn_alarm_raised(self, event: Event) -> None:
        handlers.handle_churn_alarm_raised(event, self.storage)

    @handles("loyalty", "churn_alarm_closed")
    def handle_churn_alarm_closed(self, event: Event) -> None:
        handlers.handle_churn_alarm_closed(event, self.storage)

    @api
    def indicators(
        self, granularity: str = "month", start: str | None = None, end: str | None = None
    ) -> dict[str, Any]:
        """Indicators per period: ``granularity`` day, week (ISO), month, quarter or year,
        ISO ``start``/``end``."""
        query = ReportIndicators(
            **load(indicators_query, {"granularity": granularity, "start": start, "end": end})
        )
        return {
            "granularity": query.granularity,
            "periods": handlers.report_indicators(query, self.storage),
        }

    @api
    def trends(
        self,
        indicator: str | None = None,
        granularity: str = "month",
        start: str | None = None,
        end: str | None = None,
        window: int = DEFAULT_WINDOW,
    ) -> dict[str, Any]:
        """Each period's change against the previous one and the same period a year before,
        and its rolling mean over ``window`` periods, for ``indicator`` (every one when None);
        the periods with activity in ``[start, end)`` as :meth:`indicators` gives them."""
        given = {
            "indicator": indicator,
            "granularity": granularity,
            "start": start,
            "end": end,
            "window": window,
        }
        query = ReportTrends(**load(trends_query, given))
        return {
            "granularity": query.granularity,
            "window": query.window,
            "trends": handlers.report_trends(query, self.storage),
        }
