"""Boundary schemas of the feedback service."""

from __future__ import annotations

from datetime import UTC

from marshmallow import RAISE, Schema, fields, validate


class NpsInput(Schema):
    """An NPS answer to record; ``answer_id`` makes a retried call harmless."""

    class Meta:
        unknown = RAISE

    customer_id = fields.String(required=True, validate=validate.Length(min=1))
    score = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=10))
    channel = fields.String(load_default="web", validate=validate.Length(min=1, max=50))
    comment = fields.String(load_default="", validate=validate.Length(max=2000))
    answered_at = fields.AwareDateTime(load_default=None, default_timezone=UTC)
    answer_id = fields.String(load_default=None, validate=validate.Length(min=1, max=100))


class NpsAnswerSchema(Schema):
    """An NPS answer as the service returns it."""

    id = fields.String(attribute="_id")
    customer_id = fields.String()
    score = fields.Integer()
    category = fields.String()
    channel = fields.String()
    comment = fields.String()
    answered_at = fields.DateTime()


nps_input = NpsInput()
nps_answer_schema = NpsAnswerSchema()
