"""The kpi nameko service: entrypoints only."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request, Response

from clientela.checks import invalid
from clientela.clock import utcnow
from clientela.errors import InvalidInput, load, load_id
from clientela.events import Event
from clientela.messaging import handles, handles_batch
from clientela.service import ServiceBase, SettingTimer, api
from clientela.services.kpi import handlers, monitoring, rebuild
from clientela.services.kpi.dashboard.page import (
    PLOTLY_PATH,
    csv_download,
    json_download,
    page,
    plotly_script,
    refused_page,
)
from clientela.services.kpi.dashboard.reading import dashboard_view
from clientela.services.kpi.dashboard.schemas import filters_from
from clientela.services.kpi.dashboard.web import dashboard_http
from clientela.services.kpi.dependencies import KpiStorage
from clientela.services.kpi.documents import (
    AlertRecord,
    Fact,
    IndicatorRow,
    ReferenceRecord,
    TargetRecord,
)
from clientela.services.kpi.domain import ReportIndicators, ReportTrends
from clientela.services.kpi.schemas import (
    alert_schema,
    dismiss_input,
    indicators_query,
    reference_input,
    reference_schema,
    target_schema,
    trends_query,
)
from clientela.services.kpi.trends import DEFAULT_WINDOW
from clientela.storage import Storage
from clientela.vocabulary import KPI_GRANULARITIES


class KpiService(ServiceBase):
    """Prospect (I1 to I4), survey and complaint, customer (I5, CCT, purchases, churn) and
    loyalty indicators, per period, from the platform's events; their targets, external
    references and the alerts raised on values out of range; and their dashboard over HTTP
    (setting ``dashboard_address``)."""

    name = "kpi"
    outbox_documents = (AlertRecord,)
    storage = Storage(
        KpiStorage,
        documents=[Fact, IndicatorRow, TargetRecord, ReferenceRecord, AlertRecord],
    )

    @handles_batch("prospects", "prospect_captured")
    def handle_prospect_captured(self, events: list[Event]) -> None:
        handlers.handle_in_bulk(handlers.handle_prospect_captured, events, self.storage)

    @handles_batch("prospects", "prospect_updated")
    def handle_prospect_updated(self, events: list[Event]) -> None:
        handlers.handle_in_bulk(handlers.handle_prospect_updated, events, self.storage)

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

    @handles_batch("feedback", "survey_answered")
    def handle_survey_answered(self, events: list[Event]) -> None:
        handlers.handle_in_bulk(handlers.handle_survey_answered, events, self.storage)

    @handles_batch("feedback", "survey_responded")
    def handle_survey_responded(self, events: list[Event]) -> None:
        handlers.handle_in_bulk(handlers.handle_survey_responded, events, self.storage)

    @handles("feedback", "complaint_opened")
    def handle_complaint_opened(self, event: Event) -> None:
        handlers.handle_complaint_opened(event, self.storage)

    @handles("feedback", "complaint_resolved")
    def handle_complaint_resolved(self, event: Event) -> None:
        handlers.handle_complaint_resolved(event, self.storage)

    @handles("feedback", "complaint_breached")
    def handle_complaint_breached(self, event: Event) -> None:
        handlers.handle_complaint_breached(event, self.storage)

    @handles_batch("customers", "customer_created")
    def handle_customer_created(self, events: list[Event]) -> None:
        handlers.handle_in_bulk(handlers.handle_customer_created, events, self.storage)

    @handles("customers", "customer_updated")
    def handle_customer_updated(self, event: Event) -> None:
        handlers.handle_customer_updated(event, self.storage)

    @handles("customers", "customer_lost")
    def handle_customer_lost(self, event: Event) -> None:
        handlers.handle_customer_lost(event, self.storage)

    @handles("customers", "contract_recorded")
    def handle_contract_recorded(self, event: Event) -> None:
        handlers.handle_contract_recorded(event, self.storage)

    @handles_batch("customers", "purchase_recorded")
    def handle_purchase_recorded(self, events: list[Event]) -> None:
        handlers.handle_in_bulk(handlers.handle_purchase_recorded, events, self.storage)

    @handles_batch("loyalty", "points_earned")
    def handle_points_earned(self, events: list[Event]) -> None:
        handlers.handle_in_bulk(handlers.handle_points_earned, events, self.storage)

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

    @handles("loyalty", "improvement_action_opened")
    def handle_improvement_action_opened(self, event: Event) -> None:
        monitoring.link_action(event, self.storage)

    @handles("loyalty", "improvement_action_closed")
    def handle_improvement_action_closed(self, event: Event) -> None:
        monitoring.record_action_outcome(event, self.storage)

    @SettingTimer.decorator(setting="kpi_alert_check_s")
    def check_targets_periodically(self) -> list[str]:
        """Every ``kpi_alert_check_s``: raise the alerts the targets call for."""
        return monitoring.check_targets(self.storage, utcnow())

    @api
    def check_targets(self) -> list[str]:
        """Judge every target on the periods it covers now; the ids of the alerts raised."""
        return monitoring.check_targets(self.storage, utcnow())

    @api
    def set_target(self, by: str, **target: Any) -> dict[str, Any]:
        """Put a target in force (see TargetInput), set ``by`` someone; InvalidInput names
        each bad field."""
        saved = monitoring.set_target(target, load_id("by", by), self.storage, utcnow())
        return target_schema.dump(saved)

    @api
    def set_targets(self, entries: list[Any], by: str) -> dict[str, Any]:
        """Put every valid entry (fields as ``set_target``) in force; the bad ones are listed
        by position with their problems and left out."""
        if not isinstance(entries, list):
            raise invalid("entries", "Must be a list of targets.")
        result = monitoring.set_targets(entries, load_id("by", by), self.storage, utcnow())
        return {**result, "saved": target_schema.dump(result["saved"], many=True)}

    @api
    def targets(self) -> list[dict[str, Any]]:
        """The targets in force, each with its ``history`` of versions (oldest first)."""
        return target_schema.dump(self.storage.targets(), many=True)

    @api
    def set_reference(self, **reference: Any) -> dict[str, Any]:
        """Set an external reference value (indicator, value, label, optional period, by)."""
        given = load(reference_input, reference)
        return reference_schema.dump(monitoring.set_reference(given, self.storage, utcnow()))

    @api
    def references(self) -> list[dict[str, Any]]:
        """Every external reference value, by indicator."""
        return reference_schema.dump(self.storage.references(), many=True)

    @api
    def alerts(self, open_only: bool = True) -> list[dict[str, Any]]:
        """The alerts, latest raised first; only the open ones unless ``open_only`` is false."""
        return alert_schema.dump(self.storage.alerts(bool(open_only)), many=True)

    @api
    def alert(self, alert_id: str) -> dict[str, Any]:
        """The alert ``alert_id``; NotFound when there is none."""
        return alert_schema.dump(monitoring.find_alert(load_id("alert_id", alert_id), self.storage))

    @api
    def dismiss_alert(self, alert_id: str, reason: str, by: str) -> dict[str, Any]:
        """Dismiss an open alert with a reason; Conflict once it is linked or dismissed."""
        given = load(dismiss_input, {"alert_id": alert_id, "reason": reason, "by": by})
        return alert_schema.dump(monitoring.dismiss_alert(uow=self.storage, now=utcnow(), **given))

    @api
    def review(self, start: str, end: str, open_only: bool = True) -> dict[str, Any]:
        """Targets covering ``[start, end)`` (ISO), alerts about its periods (open ones with
        ``open_only``) and external references, as :func:`monitoring.review` gives them."""
        query = ReportIndicators(
            **load(indicators_query, {"granularity": "month", "start": start, "end": end})
        )
        if query.start is None or query.end is None:
            raise invalid("start", "Give both start and end.")
        return monitoring.review(query.start, query.end, self.storage, bool(open_only))

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

    @dashboard_http("GET", "/")
    def dashboard(self, request: Request) -> Response:
        """The dashboard page for the filters of the query string (``by``, ``from``, ``to``,
        ``source``); a 400 page naming the bad ones."""
        try:
            filters = filters_from(request.args)
        except InvalidInput as refused:
            return refused_page(request.args, refused.errors)
        return page(dashboard_view(filters, self.storage))

    @dashboard_http("GET", "/data.csv")
    def dashboard_csv(self, request: Request) -> Response:
        """What the dashboard shows for the same filters, as CSV."""
        return csv_download(dashboard_view(filters_from(request.args), self.storage))

    @dashboard_http("GET", "/data.json")
    def dashboard_json(self, request: Request) -> Response:
        """What the dashboard shows for the same filters, as JSON."""
        return json_download(dashboard_view(filters_from(request.args), self.storage))

    @dashboard_http("GET", PLOTLY_PATH)
    def plotly_js(self, request: Request) -> Response:
        """plotly's bundled script, so that the dashboard needs no network beyond kpi."""
        return plotly_script(request)

    @api
    def rebuild_start(self, restart: bool = False) -> None:
        """Begin a rebuild: empty the facts rebuilt aside (the live ones stay in use, and
        every live fact write is made aside too until the swap or the discard). One under
        way is refused, unless ``restart`` discards it."""
        rebuild.start(self.storage, bool(restart))

    @api
    def rebuild_apply(self, events: list[Any]) -> dict[str, int]:
        """Apply a page of replayed events (a service's ``replay``) to the rebuilt facts."""
        if not isinstance(events, list):
            raise invalid("events", "Must be a list of event envelopes.")
        return rebuild.apply_replayed(events, self.storage)

    @api
    def rebuild_compare(self, granularities: list[str]) -> list[dict[str, Any]]:
        """The indicators whose rebuilt value differs from the live one, per period of each
        of ``granularities`` (day, week, month, quarter, year)."""
        wanted = list(granularities) if isinstance(granularities, list) else []
        if not wanted or not set(wanted) <= set(KPI_GRANULARITIES):
            raise invalid("granularities", f"Give some of: {', '.join(KPI_GRANULARITIES)}.")
        return rebuild.compare(wanted, self.storage)

    @api
    def rebuild_discard(self) -> None:
        """End a rebuild without swapping it in (after a check, or one given up)."""
        self.storage.discard_rebuild()

    @api
    def rebuild_swap(self) -> dict[str, int]:
        """Put the rebuilt facts in place of the live ones; how many facts there are now."""
        return {"facts": self.storage.swap_rebuilt()}
