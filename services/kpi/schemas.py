"""Boundary schemas of the kpi service."""

from __future__ import annotations

import re
from datetime import UTC

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate, validates_schema

from clientela.indicators import INDICATORS
from clientela.services.kpi.trends import DEFAULT_WINDOW
from clientela.vocabulary import KPI_GRANULARITIES

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class IndicatorsQuery(Schema):
    """Which periods to report: a granularity and an optional ``[start, end)`` range."""

    class Meta:
        unknown = RAISE

    granularity = fields.String(load_default="month", validate=validate.OneOf(KPI_GRANULARITIES))
    start = fields.AwareDateTime(load_default=None, default_timezone=UTC)
    end = fields.AwareDateTime(load_default=None, default_timezone=UTC)

    @pre_load
    def dates_are_midnight_utc(self, data: dict, **kwargs: object) -> dict:
        """Accept ``2026-11-01`` as ``2026-11-01T00:00:00+00:00``."""
        return {
            key: f"{value}T00:00:00+00:00"
            if key in ("start", "end") and isinstance(value, str) and _DATE.fullmatch(value)
            else value
            for key, value in data.items()
        }

    @validates_schema
    def start_before_end(self, data: dict, **kwargs: object) -> None:
        if data["start"] and data["end"] and data["start"] >= data["end"]:
            raise ValidationError("Must be after start.", field_name="end")


class TrendsQuery(IndicatorsQuery):
    """Trends of one indicator (all of them when None) over the periods of a range, with a
    rolling mean over ``window`` periods."""

    indicator = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(list(INDICATORS))
    )
    window = fields.Integer(load_default=DEFAULT_WINDOW, validate=validate.Range(min=1, max=366))


indicators_query = IndicatorsQuery()
trends_query = TrendsQuery()
