"""The prospects nameko service: entrypoints only."""

from __future__ import annotations

from typing import Any

from clientela.db import ServiceDatabase
from clientela.errors import InvalidInput, load
from clientela.events import Event
from clientela.messaging import handles
from clientela.service import ServiceBase, api
from clientela.services.prospects import handlers
from clientela.services.prospects.documents import Prospect
from clientela.services.prospects.domain import STATUSES
from clientela.services.prospects.schemas import (
    conversion_schema,
    lead_rows_schema,
    origin_schema,
    prospect_schema,
)

MAX_PAGE = 500


class ProspectsService(ServiceBase):
    """Lead capture, one profile per person, and conversion into customers."""

    name = "prospects"
    outbox_documents = (Prospect,)
    db = ServiceDatabase([Prospect])

    @api
    def capture_leads(
        self, source: str, rows: list[dict], origin: dict | None = None
    ) -> dict[str, Any]:
        """Capture a batch of lead rows from ``source``; returns the per-row report."""
        if not source:
            raise InvalidInput({"source": ["Missing data for required field."]})
        report = handlers.capture_leads(
            source,
            load(origin_schema, origin or {}),
            load(lead_rows_schema, rows),
            self.events.publish,
        )
        return report.as_dict()

    @api
    def convert(self, prospect_id: str, basis: str, reference: str = "") -> dict[str, Any]:
        """Convert a prospect into a captive customer (contract, agreement or purchase)."""
        request = load(
            conversion_schema, {"prospect_id": prospect_id, "basis": basis, "reference": reference}
        )
        prospect = handlers.convert_prospect(**request, publish=self.events.publish)
        return prospect_schema.dump(prospect)

    @api
    def get(self, prospect_id: str) -> dict[str, Any]:
        """One prospect by id."""
        return prospect_schema.dump(handlers.get_prospect(prospect_id))

    @api
    def find(
        self, email: str | None = None, status: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Any]]:
        """Prospects by e-mail and/or status, newest first, paged."""
        if status is not None and status not in STATUSES:
            raise InvalidInput({"status": [f"Must be one of: {', '.join(STATUSES)}."]})
        if not 1 <= limit <= MAX_PAGE or offset < 0:
            raise InvalidInput({"limit": [f"Must be between 1 and {MAX_PAGE}, offset >= 0."]})
        return prospect_schema.dump(
            handlers.find_prospects(email, status, limit, offset), many=True
        )

    @handles("customers", "customer_created")
    def handle_customer_created(self, event: Event) -> None:
        handlers.link_customer(event)
