"""Boundary schemas of the prospects service."""

from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, fields, pre_load, validate

from clientela.services.prospects.domain import CONVERSION_BASES, STATUSES, email_key

_TEXT = validate.Length(max=200)


class LeadSchema(Schema):
    """A lead as a source supplied it; validated before anything is stored."""

    class Meta:
        unknown = EXCLUDE

    email = fields.Email(required=True)
    first_name = fields.String(load_default="", validate=_TEXT)
    last_name = fields.String(load_default="", validate=_TEXT)
    phone = fields.String(load_default="", validate=validate.Length(max=40))
    company = fields.String(load_default="", validate=_TEXT)
    position = fields.String(load_default="", validate=_TEXT)

    @pre_load
    def normalise(self, data: dict, **kwargs: object) -> dict:
        cleaned = {k: " ".join(v.split()) if isinstance(v, str) else v for k, v in data.items()}
        if isinstance(cleaned.get("email"), str):
            cleaned["email"] = email_key(cleaned["email"])
        return cleaned


LeadRowSchema = Schema.from_dict(
    {
        "line": fields.Integer(required=True),
        "fields": fields.Dict(keys=fields.String(), values=fields.String(), required=True),
        "extra": fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict),
    },
    name="LeadRowSchema",
)
"""A row of a batch sent to ``capture_leads``: its line, its lead fields, extra columns."""


class OriginSchema(Schema):
    """Where a batch of leads came from."""

    class Meta:
        unknown = RAISE

    fair = fields.String(load_default="", validate=_TEXT)
    campaign = fields.String(load_default="", validate=_TEXT)


class FindSchema(Schema):
    """Filters and page of a prospect search."""

    class Meta:
        unknown = RAISE

    email = fields.String(load_default=None, allow_none=True, validate=_TEXT)
    status = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(STATUSES))
    limit = fields.Integer(load_default=50, strict=True, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0))


class ConversionSchema(Schema):
    """A request to convert a prospect into a captive customer."""

    class Meta:
        unknown = RAISE

    prospect_id = fields.String(required=True, validate=validate.Length(min=1))
    basis = fields.String(required=True, validate=validate.OneOf(CONVERSION_BASES))
    reference = fields.String(load_default="", validate=_TEXT)


class ProspectSchema(Schema):
    """A prospect as the service returns it."""

    id = fields.String()
    email = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    phone = fields.String()
    company = fields.String()
    position = fields.String()
    status = fields.String()
    source = fields.String()
    captured_at = fields.DateTime()
    updated_at = fields.DateTime()
    customer_id = fields.String(allow_none=True)
    captures = fields.Function(lambda prospect: len(prospect.captures))
    conversion = fields.Function(
        lambda p: (
            None
            if p.conversion is None
            else {
                "basis": p.conversion.basis,
                "reference": p.conversion.reference,
                "converted_at": p.conversion.converted_at.isoformat(),
            }
        )
    )


lead_schema = LeadSchema()
lead_row_schema = LeadRowSchema()
origin_schema = OriginSchema()
conversion_schema = ConversionSchema()
find_schema = FindSchema()
prospect_schema = ProspectSchema()
