"""The prospects nameko service: entrypoints only."""

from __future__ import annotations

from typing import Any

from clientela.db import ServiceDatabase
from clientela.errors import InvalidInput, load, load_id
from clientela.events import Event
from clientela.messaging import handles
from clientela.service import ServiceBase, api
from clientela.services.prospects import handlers
from clientela.services.prospects.documents import Prospect
from clientela.services.prospects.schemas import (
    conversion_schema,
    find_schema,
    origin_schema,
    prospect_schema,
)


class ProspectsService(ServiceBase):
    """Lead capture, one profile per person, and conversion into customers."""

    name = "prospects"
    outbox_documents = (Prospect,)
    db = ServiceDatabase([Prospect])

    @api
    def capture_leads(
        self, source: str, rows: list[dict], origin: dict | None = None
    ) -> dict[str, Any]:
        """Capture a batch of lead rows from ``source``; returns the per-row report.

        Each row is ``{"line": int, "fields": {...}, "extra": {...}}``; a row
        that does not validate is reported by its line, the others land.
        """
        source = load_id("source", source)
        if not isinstance(rows, list):
            raise InvalidInput({"rows": ["Must be a list of rows."]})
        origin = load(origin_schema, origin or {})
        return handlers.capture_leads(source, origin, rows, self.events.publish).as_dict()

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
        return prospect_schema.dump(handlers.get_prospect(load_id("prospect_id", prospect_id)))

    @api
    def find(self, **filters: Any) -> list[dict[str, Any]]:
        """Prospects by ``email`` and/or ``status``, newest first, paged by ``limit``/``offset``."""
        return prospect_schema.dump(
            handlers.find_prospects(**load(find_schema, filters)), many=True
        )

    @handles("customers", "customer_created")
    def handle_customer_created(self, event: Event) -> None:
        handlers.link_customer(event)
