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
        dates = {self.fields[name].data_key or name for name in ("start", "end")}
        return {
            key: f"{value}T00:00:00+00:00"
            if key in dates and isinstance(value, str) and _DATE.fullmatch(value)
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


_NOT_BLANK = validate.Regexp(r".*\S", error="Must not be blank.")


class _Input(Schema):
    class Meta:
        unknown = RAISE


class TargetInput(_Input):
    """A target as a user sets it; the catalogue checks come after (see ``define_target``)."""

    indicator = fields.String(required=True)
    value = fields.Float(required=True, allow_nan=False)
    tolerance = fields.Float(load_default=0.0, allow_nan=False)
    granularity = fields.String(load_default=None, allow_none=True)
    period = fields.String(load_default=None, allow_none=True)
    segment = fields.Dict(
        keys=fields.String(), values=fields.String(), load_default=dict, allow_none=False
    )
    direction = fields.String(load_default=None, allow_none=True)


class ReferenceInput(_Input):
    """An external reference value: an indicator's value somewhere else, labelled."""

    indicator = fields.String(required=True)
    value = fields.Float(required=True, allow_nan=False)
    label = fields.String(required=True, validate=_NOT_BLANK)
    period = fields.String(load_default=None, allow_none=True)
    by = fields.String(required=True, validate=_NOT_BLANK)


class DismissInput(_Input):
    """Why an alert calls for no action, and who says so."""

    alert_id = fields.String(required=True, validate=_NOT_BLANK)
    reason = fields.String(required=True, validate=_NOT_BLANK)
    by = fields.String(required=True, validate=_NOT_BLANK)


class _Version(Schema):
    value = fields.Float()
    tolerance = fields.Float()
    direction = fields.String()
    set_by = fields.String()
    set_at = fields.AwareDateTime(default_timezone=UTC)


class TargetSchema(_Version):
    """A target in force, with every version set (``history``, oldest first)."""

    key = fields.String(attribute="_id")
    indicator = fields.String()
    granularity = fields.String()
    period = fields.String(allow_none=True)
    segment = fields.Dict()
    history = fields.List(fields.Nested(_Version))


class ReferenceSchema(Schema):
    """An external reference value."""

    indicator = fields.String()
    label = fields.String()
    period = fields.String(allow_none=True)
    value = fields.Float()
    set_by = fields.String()
    set_at = fields.AwareDateTime(default_timezone=UTC)


class _ActionOutcome(Schema):
    after = fields.String()
    effect = fields.String(allow_none=True)
    target_met = fields.Boolean(allow_none=True)
    closed_at = fields.AwareDateTime(default_timezone=UTC)


class AlertSchema(Schema):
    """An alert: what was out of range, and whether an action answers it or it was dismissed."""

    id = fields.String(attribute="_id")
    indicator = fields.String()
    granularity = fields.String()
    period = fields.String()
    segment = fields.Dict()
    value = fields.Float(allow_none=True)
    target = fields.Float()
    tolerance = fields.Float()
    direction = fields.String()
    raised_at = fields.AwareDateTime(default_timezone=UTC)
    state = fields.String()
    action_id = fields.String(allow_none=True)
    action = fields.Nested(_ActionOutcome, allow_none=True)
    dismissed_reason = fields.String(allow_none=True)
    dismissed_by = fields.String(allow_none=True)
    dismissed_at = fields.AwareDateTime(allow_none=True, default_timezone=UTC)


target_input = TargetInput()
reference_input = ReferenceInput()
dismiss_input = DismissInput()
target_schema = TargetSchema()
reference_schema = ReferenceSchema()
alert_schema = AlertSchema()
trends_query = TrendsQuery()
