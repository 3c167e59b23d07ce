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
from clientela.services.kpi.domain import CAPTURE_DIMENSIONS, Identity
from clientela.services.kpi.schemas import indicators_query


class KpiService(ServiceBase):
    """Indicators I1 to I4 and NPS, per period, from the platform's events."""

    name = "kpi"
    db = ServiceDatabase([Fact])

    @handles("prospects", "prospect_captured")
    def handle_prospect_captured(self, event: Event) -> None:
        prospect = event.payload
        handlers.record_capture(
            prospect["prospect_id"],
            _identity(prospect),
            prospect["completeness"],
            prospect["captured_at"],
        )

    @handles("prospects", "prospect_updated")
    def handle_prospect_updated(self, event: Event) -> None:
        update = event.payload
        handlers.record_profile_update(
            update["prospect_id"],
            update["completeness"],
            update["updated_at"],
            _identity(update) if update["identified_at"] else None,
            update["reason"],
        )

    @handles("prospects", "prospect_merged")
    def handle_prospect_merged(self, event: Event) -> None:
        merge = event.payload
        handlers.record_merge_change(merge["merged_id"], True, merge["merged_at"])

    @handles("prospects", "prospect_unmerged")
    def handle_prospect_unmerged(self, event: Event) -> None:
        unmerge = event.payload
        handlers.record_merge_change(unmerge["restored_id"], False, unmerge["unmerged_at"])

    @handles("prospects", "prospect_contacted")
    def handle_prospect_contacted(self, event: Event) -> None:
        contact = event.payload
        if contact["first_contact"]:
            handlers.record_first_contact(
                contact["prospect_id"],
                contact["identified_at"] or contact["captured_at"],
                contact["contacted_at"],
                contact["logged_at"] or contact["contacted_at"],
            )

    @handles("prospects", "prospect_converted")
    def handle_prospect_converted(self, event: Event) -> None:
        prospect = event.payload
        handlers.record_conversion(prospect["prospect_id"], prospect["converted_at"])

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


def _identity(prospect: dict[str, Any]) -> Identity:
    """When and where a prospect event says the person was identified (events of older
    publishers: when it was captured), and its first contact."""
    return Identity(
        prospect.get("identified_at") or prospect["captured_at"],
        {dimension: prospect[dimension] for dimension in CAPTURE_DIMENSIONS},
        prospect.get("first_contact_at"),
    )
