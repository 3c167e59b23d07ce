"""Prospect use cases: capture a batch of leads, convert a prospect, link its customer."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from marshmallow import ValidationError
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from clientela.clock import utcnow
from clientela.errors import NotFound
from clientela.events import Event, new_event
from clientela.outbox import Publish, flush, insert_once
from clientela.services.prospects import domain
from clientela.services.prospects.documents import Prospect
from clientela.services.prospects.schemas import lead_row_schema, lead_schema


@dataclass
class CaptureReport:
    """What became of each row of a batch."""

    received: int = 0
    created: int = 0
    merged: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data, for RPC."""
        return asdict(self)


def capture_leads(
    source: str, origin: dict[str, str], rows: list[dict[str, Any]], publish: Publish
) -> CaptureReport:
    """Store each valid row as a prospect, or as one more capture of a known person.

    A row whose person (same e-mail) already has this exact capture changes
    nothing, so re-importing a file is harmless. Rejected rows are reported
    with their line (or, lacking one, their 1-based position in the batch)
    and the problem of each field; the others still land.
    """
    report = CaptureReport(received=len(rows))
    collection = Prospect._get_collection()
    for index, raw in enumerate(rows):
        try:
            row = lead_row_schema.load(raw)
            lead = lead_schema.load(row["fields"])
        except ValidationError as exc:
            line = raw.get("line") if isinstance(raw, dict) else None
            report.rejected.append(
                {
                    "line": line if isinstance(line, int) else index + 1,
                    "errors": exc.normalized_messages(),
                }
            )
            continue
        outcome = _capture_one(collection, source, origin, lead, row, publish)
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _capture_one(
    collection: Collection,
    source: str,
    origin: dict[str, str],
    lead: dict[str, str],
    row: dict[str, Any],
    publish: Publish,
) -> str:
    """Capture one valid lead; returns "created", "merged" or "unchanged"."""
    now = utcnow()
    prospect_id = uuid.uuid4().hex
    capture = {
        "key": domain.capture_key(source, row["fields"], origin),
        "source": source,
        "captured_at": now,
        "line": row["line"],
        "origin": origin,
        "fields": row["fields"],
        "extra": row["extra"],
    }
    announced = new_event(
        "prospect_captured",
        {
            "prospect_id": prospect_id,
            "source": source,
            "captured_at": now,
            **origin,
            **_named(lead),
        },
        occurred_at=now,
    )

    def upsert() -> Any:
        return insert_once(
            collection,
            {"email": lead["email"], "captures.key": {"$ne": capture["key"]}},
            {"_id": prospect_id, **lead, "status": "new", "source": source, "captured_at": now},
            announced,
            publish,
            update={"$push": {"captures": capture}, "$set": {"updated_at": now}},
        )

    try:
        existing = upsert()
    except DuplicateKeyError:
        # Either the person already holds this very capture, or a concurrent
        # capture inserted them first; a second try merges in the latter case.
        try:
            existing = upsert()
        except DuplicateKeyError:
            return "unchanged"
    return "created" if existing is None else "merged"


def _named(lead: dict[str, str]) -> dict[str, str]:
    return {key: lead[key] for key in ("email", "first_name", "last_name", "company")}


def get_prospect(prospect_id: str) -> Prospect:
    """The prospect with ``prospect_id``; NotFound otherwise."""
    prospect = Prospect.objects(id=prospect_id).first()
    if prospect is None:
        raise NotFound(f"prospect_id: no prospect {prospect_id!r}")
    return prospect


def convert_prospect(prospect_id: str, basis: str, reference: str, publish: Publish) -> Prospect:
    """Make the prospect a captive customer; converting again changes nothing."""
    prospect = get_prospect(prospect_id)
    if prospect.status == "converted":
        return prospect
    domain.check_transition(prospect.status, "converted")
    now = utcnow()
    converted = new_event(
        "prospect_converted",
        {
            "prospect_id": prospect.id,
            "basis": basis,
            "reference": reference,
            "converted_at": now,
            "captured_at": prospect.captured_at,
            "source": prospect.source,
            "phone": prospect.phone,
            **_named(prospect.to_mongo()),
        },
        occurred_at=now,
    )
    changed = Prospect.objects(id=prospect.id, status=prospect.status).update_one(
        set__status="converted",
        set__conversion={"basis": basis, "reference": reference, "converted_at": now},
        set__updated_at=now,
        push__outbox=converted,
    )
    if not changed:  # someone else changed it meanwhile: decide again on fresh state
        return convert_prospect(prospect_id, basis, reference, publish)
    prospect.reload()
    flush(prospect, publish)
    return prospect


def link_customer(event: Event) -> None:
    """Remember which customer a converted prospect became (idempotent)."""
    prospect_id = event.payload["prospect_id"]
    if prospect_id:
        Prospect.objects(id=prospect_id).update_one(set__customer_id=event.payload["customer_id"])


def find_prospects(
    email: str | None, status: str | None, limit: int, offset: int
) -> list[Prospect]:
    """Prospects matching the filters, newest capture first."""
    query = Prospect.objects
    if email:
        query = query.filter(email=domain.email_key(email))
    if status:
        query = query.filter(status=status)
    return list(query.order_by("-captured_at").skip(offset).limit(limit))
