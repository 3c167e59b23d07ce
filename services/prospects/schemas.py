"""Boundary schemas of the prospects service: what RPC, HTTP and messages may carry."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from clientela.clock import time_zone
from clientela.leads import ORIGIN_FIELDS
from clientela.services.prospects.domain.normalise import in_utc, storable
from clientela.vocabulary import (
    CONVERSION_BASES,
    INTERACTION_KINDS,
    INTERACTION_MODES,
    INTERACTION_OUTCOMES,
    PROSPECT_STATUSES,
)

TEXT = validate.Length(max=200)
"""A short text: a name, an origin value, a time as written."""
MAX_EXTRA = 100
"""Extra values a row may carry, each a string of at most 2,000 characters."""
MAX_EXTRA_KEY = 100
"""Characters in the name of an extra value (a column header, a form field's name)."""


def storable_time(moment: datetime) -> None:
    """Refuse times outside the years any store and any person can make sense of."""
    try:
        in_utc(moment)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def known_time_zone(name: str) -> None:
    """Refuse a name that is not an IANA time zone (an empty one means the default)."""
    if name:
        try:
            time_zone(name)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


def extra_values(extra: dict) -> None:
    """Refuse extra data that is not a small mapping of text to text."""
    if len(extra) > MAX_EXTRA:
        raise ValidationError(f"At most {MAX_EXTRA} values.")
    for key, value in extra.items():
        if not storable(key) or len(key) > MAX_EXTRA_KEY:
            raise ValidationError(
                f"{key[:40]!r}...: names must be text of at most {MAX_EXTRA_KEY} characters."
            )
        if not (isinstance(value, str) and storable(value)) or len(value) > 2000:
            raise ValidationError(f"{key!r}: must be text of at most 2000 characters.")


def _time(**options: Any) -> fields.AwareDateTime:
    return fields.AwareDateTime(default_timezone=UTC, validate=storable_time, **options)


_NAME = validate.Length(min=1, max=200)


class _Strict(Schema):
    class Meta:
        unknown = RAISE


LeadRowSchema = _Strict.from_dict(
    {
        "line": fields.Integer(required=True, strict=True, validate=validate.Range(1, 10**9)),
        "fields": fields.Dict(required=True),
        "extra": fields.Dict(load_default=dict, validate=extra_values),
        "origin": fields.Dict(load_default=dict),
        "consent": fields.Dict(load_default=dict),
        "identified_at": fields.String(load_default="", validate=TEXT),
        "identified_from": fields.String(load_default="", validate=TEXT),
        "time_zone": fields.String(load_default="", validate=known_time_zone),
    },
    name="LeadRowSchema",
)
"""A row of a batch to capture, as ``LeadRow.as_message`` makes it.

Its shape is checked here; the values inside ``fields``, ``origin`` and
``consent`` are checked one by one when the lead is normalised (see
``domain.normalise``), so that each problem names its field.
"""

OriginSchema = _Strict.from_dict(
    {name: fields.String(load_default="", validate=TEXT) for name in ORIGIN_FIELDS},
    name="OriginSchema",
)
"""Where a whole batch of leads came from (each row may say more)."""


class FindSchema(_Strict):
    """Filters and page of a prospect search."""

    status = fields.String(load_default=None, validate=validate.OneOf(PROSPECT_STATUSES))
    owner = fields.String(load_default=None, validate=TEXT)
    source = fields.String(load_default=None, validate=TEXT)
    fair = fields.String(load_default=None, validate=TEXT)
    campaign = fields.String(load_default=None, validate=TEXT)
    channel = fields.String(load_default=None, validate=TEXT)
    email = fields.String(load_default=None, validate=TEXT)
    phone = fields.String(load_default=None, validate=validate.Length(max=40))
    captured_from = _time(load_default=None)
    captured_to = _time(load_default=None)
    min_score = fields.Integer(load_default=None, strict=True, validate=validate.Range(0, 100))
    max_score = fields.Integer(load_default=None, strict=True, validate=validate.Range(0, 100))
    limit = fields.Integer(load_default=50, strict=True, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0))

    @validates_schema
    def ranges_are_ordered(self, data: dict, **kwargs: object) -> None:
        start, end = data.get("captured_from"), data.get("captured_to")
        if start and end and start >= end:
            raise ValidationError("Must be after captured_from.", field_name="captured_to")
        low, high = data.get("min_score"), data.get("max_score")
        if low is not None and high is not None and low > high:
            raise ValidationError("Must not be below min_score.", field_name="max_score")


class ConversionSchema(_Strict):
    """A request to convert a prospect into a captive customer."""

    prospect_id = fields.String(required=True, validate=_NAME)
    basis = fields.String(required=True, validate=validate.OneOf(CONVERSION_BASES))
    reference = fields.String(load_default="", validate=TEXT)


class StatusChangeSchema(_Strict):
    """A move in the pipeline; ``reason`` is required to disqualify."""

    prospect_id = fields.String(required=True, validate=_NAME)
    status = fields.String(required=True, validate=validate.OneOf(PROSPECT_STATUSES))
    reason = fields.String(load_default="", validate=validate.Length(max=500))


class InteractionSchema(_Strict):
    """An interaction to log on a prospect."""

    prospect_id = fields.String(required=True, validate=_NAME)
    kind = fields.String(required=True, validate=validate.OneOf(INTERACTION_KINDS))
    mode = fields.String(required=True, validate=validate.OneOf(INTERACTION_MODES))
    outcome = fields.String(required=True, validate=validate.OneOf(INTERACTION_OUTCOMES))
    notes = fields.String(load_default="", validate=validate.Length(max=5000))
    occurred_at = _time(load_default=None)
    by = fields.String(load_default="", validate=TEXT)


class FollowUpSchema(_Strict):
    """A follow-up task to plan."""

    prospect_id = fields.String(required=True, validate=_NAME)
    title = fields.String(required=True, validate=_NAME)
    due_at = _time(required=True)
    owner = fields.String(required=True, validate=_NAME)


class PageSchema(_Strict):
    """How many entries of a list to return."""

    limit = fields.Integer(load_default=100, strict=True, validate=validate.Range(min=1, max=1000))


class MergeSchema(_Strict):
    """An operator's merge of two profiles of one person."""

    survivor_id = fields.String(required=True, validate=_NAME)
    merged_id = fields.String(required=True, validate=_NAME)
    by = fields.String(required=True, validate=_NAME)
    reason = fields.String(load_default="merged by an operator", validate=TEXT)


class ConsentOut(Schema):
    """What a person consented to, when and how."""

    purpose = fields.String()
    given_at = fields.String()
    method = fields.String()


CaptureOut = Schema.from_dict(
    {
        "key": fields.String(),
        "source": fields.String(),
        "captured_at": fields.DateTime(),
        "identified_at": fields.DateTime(allow_none=True),
        "line": fields.Integer(),
        "origin": fields.Dict(),
        "consent": fields.Nested(ConsentOut, allow_none=True),
        "fields": fields.Dict(),
        "extra": fields.Dict(),
        "filled": fields.List(fields.String()),
        "from_prospect": fields.String(allow_none=True),
    },
    name="CaptureOut",
)


class InteractionOut(Schema):
    """An interaction as returned."""

    id = fields.String()
    kind = fields.String()
    mode = fields.String()
    outcome = fields.String()
    notes = fields.String()
    occurred_at = fields.DateTime()
    by = fields.String()
    counts_as_contact = fields.Boolean()
    from_prospect = fields.String(allow_none=True)


class MergeOut(Schema):
    """A merge as returned: whom, when, by whom, what it filled."""

    prospect_id = fields.String()
    merged_at = fields.DateTime()
    by = fields.String()
    reason = fields.String()
    filled = fields.Dict()


class ConversionOut(Schema):
    """How a prospect was converted."""

    basis = fields.String()
    reference = fields.String()
    converted_at = fields.DateTime()


class ProspectSchema(Schema):
    """A prospect as the service returns it: profile, scores, history."""

    id = fields.String(attribute="_id")
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    first_name = fields.String()
    last_name = fields.String()
    company = fields.String()
    position = fields.String()
    needs = fields.String()
    consent = fields.Nested(ConsentOut, allow_none=True)
    status = fields.String()
    status_reason = fields.String()
    owner = fields.String()
    source = fields.String()
    origin = fields.Dict()
    captured_at = fields.DateTime()
    identified_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime()
    first_contact_at = fields.DateTime(allow_none=True)
    completeness = fields.Float()
    score = fields.Integer()
    captures = fields.List(fields.Nested(CaptureOut))
    interactions = fields.List(fields.Nested(InteractionOut))
    merges = fields.List(fields.Nested(MergeOut))
    merged_into = fields.String(allow_none=True)
    conversion = fields.Nested(ConversionOut, allow_none=True)
    customer_id = fields.String(allow_none=True)


class FollowUpOut(Schema):
    """A follow-up task as the service returns it."""

    id = fields.String(attribute="_id")
    prospect_id = fields.String()
    title = fields.String()
    due_at = fields.DateTime()
    owner = fields.String()
    created_at = fields.DateTime()
    done_at = fields.DateTime(allow_none=True)


lead_row_schema = LeadRowSchema()
origin_schema = OriginSchema()
find_schema = FindSchema()
conversion_schema = ConversionSchema()
status_change_schema = StatusChangeSchema()
interaction_schema = InteractionSchema()
follow_up_schema = FollowUpSchema()
merge_schema = MergeSchema()
page_schema = PageSchema()
prospect_schema = ProspectSchema()
interaction_out = InteractionOut()
follow_up_out = FollowUpOut()
