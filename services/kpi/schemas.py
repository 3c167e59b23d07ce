"""Boundary schemas of the kpi service."""

from __future__ import annotations

from datetime import UTC

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from clientela.services.kpi.domain import GRANULARITIES


class IndicatorsQuery(Schema):
    """Which periods to report: a granularity and an optional ``[start, end)`` range."""

    class Meta:
        unknown = RAISE

    granularity = fields.String(load_default="month", validate=validate.OneOf(GRANULARITIES))
    start = fields.AwareDateTime(load_default=None, default_timezone=UTC)
    end = fields.AwareDateTime(load_default=None, default_timezone=UTC)

    @validates_schema
    def start_before_end(self, data: dict, **kwargs: object) -> None:
        if data["start"] and data["end"] and data["start"] >= data["end"]:
            raise ValidationError("Must be after start.", field_name="end")


indicators_query = IndicatorsQuery()
