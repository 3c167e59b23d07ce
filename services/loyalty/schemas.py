"""Boundary schemas of the loyalty service."""

from __future__ import annotations

from marshmallow import Schema, fields


class LedgerEntrySchema(Schema):
    """A ledger entry as the service returns it."""

    id = fields.String()
    customer_id = fields.String()
    kind = fields.String()
    points = fields.Integer()
    reason = fields.String()
    recorded_at = fields.DateTime()


ledger_entry_schema = LedgerEntrySchema()
