"""Boundary schemas of invitations, panels and survey preferences."""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

_REF = fields.String(validate=validate.Length(min=1, max=200))


class SendInput(Schema):
    """Who to invite to a survey now: some customers, or a panel's members."""

    class Meta:
        unknown = RAISE

    survey_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    channel = fields.String(load_default=None, validate=validate.Length(min=1, max=100))
    customer_ids = fields.List(_REF, load_default=None, validate=validate.Length(max=10_000))
    panel = fields.String(load_default=None, validate=validate.Length(min=1, max=200))

    @validates_schema
    def _one_audience(self, data: dict, **kwargs: object) -> None:
        if (data.get("panel") is None) == (not data.get("customer_ids")):
            raise ValidationError("Name customers or a panel (one of the two).", "customer_ids")


class PanelInput(Schema):
    """A panel: its name, survey, channel and members."""

    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    survey_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    channel = fields.String(required=True, validate=validate.Length(min=1, max=100))
    customer_ids = fields.List(_REF, required=True, validate=validate.Length(min=1, max=10_000))


class PreferencesInput(Schema):
    """A customer's preferences for surveys; those left out are kept as they were."""

    class Meta:
        unknown = RAISE

    customer_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    consented = fields.Boolean(load_default=None, allow_none=True, truthy={True}, falsy={False})
    suppressed = fields.Boolean(load_default=None, allow_none=True, truthy={True}, falsy={False})
    phone = fields.String(load_default=None, validate=validate.Length(min=3, max=30))
    language = fields.String(
        load_default=None, validate=validate.Regexp(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    )


class InvitationSchema(Schema):
    """An invitation as the service returns it."""

    id = fields.String(attribute="_id")
    survey_id = fields.String()
    customer_id = fields.String()
    channel = fields.String()
    trigger = fields.String()
    state = fields.String()
    reason = fields.String()
    attempts = fields.Integer()
    created_at = fields.DateTime()
    send_at = fields.DateTime(allow_none=True)
    next_attempt_at = fields.DateTime(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)


class PanelSchema(Schema):
    """A panel as the service returns it."""

    name = fields.String(attribute="_id")
    survey_id = fields.String()
    channel = fields.String()
    members = fields.List(fields.String())
    last_period = fields.String(allow_none=True)


class PreferencesSchema(Schema):
    """A customer's survey preferences (None: not said, the default applies)."""

    customer_id = fields.String(attribute="_id")
    consented = fields.Boolean(allow_none=True)
    suppressed = fields.Boolean(allow_none=True)
    phone = fields.String(dump_default="")
    language = fields.String(dump_default="")


send_input = SendInput()
panel_input = PanelInput()
preferences_input = PreferencesInput()
invitation_schema = InvitationSchema()
panel_schema = PanelSchema()
preferences_schema = PreferencesSchema()
