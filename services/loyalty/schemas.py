"""Boundary schemas of the loyalty service."""

from __future__ import annotations

from marshmallow import Schema, fields


class LedgerEntrySchema(Schema):
    """A ledger entry as the service returns it."""

    id = fields.String(attribute="_id")
    customer_id = fields.String()
    kind = fields.String()
    points = fields.Integer()
    reason = fields.String()
    recorded_at = fields.DateTime()


class BalanceSchema(Schema):
    """A customer's points balance with their latest ledger entries, newest first."""

    customer_id = fields.String()
    points = fields.Integer()
    latest = fields.List(fields.Nested(LedgerEntrySchema))


balance_schema = BalanceSchema()
