"""Boundary schemas of the feedback service's casework: corrective actions, critical
incidents, lost-customer interviews and customer requirements."""

from __future__ import annotations

from datetime import UTC

from marshmallow import RAISE, Schema, fields, validate

from clientela.events import LOSS_REASONS

_REF = validate.Length(min=1, max=200)


def _instant(required: bool = False) -> fields.AwareDateTime:
    if required:
        return fields.AwareDateTime(required=True, default_timezone=UTC)
    return fields.AwareDateTime(load_default=None, default_timezone=UTC)


class _Input(Schema):
    class Meta:
        unknown = RAISE


class ActionInput(_Input):
    """A corrective-action plan to record; the same ``action_ref`` records once."""

    action_ref = fields.String(required=True, validate=_REF)
    cause = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    action = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    owner = fields.String(required=True, validate=validate.Length(min=1, max=200))
    due_at = _instant(required=True)
    complaint_refs = fields.List(fields.String(validate=_REF), load_default=list)


class EffectInput(_Input):
    """The check of a done action's effect."""

    effective = fields.Boolean(required=True, truthy={True}, falsy={False})
    note = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    checked_at = _instant()


class ActionSchema(Schema):
    """A corrective action as the service returns it."""

    action_ref = fields.String(attribute="_id")
    cause = fields.String()
    action = fields.String()
    owner = fields.String()
    due_at = fields.DateTime()
    complaint_refs = fields.List(fields.String())
    status = fields.String()
    completed_at = fields.DateTime(allow_none=True)
    effective = fields.Boolean(allow_none=True)
    effect_note = fields.String()
    overdue = fields.Boolean()


class IncidentInput(_Input):
    """A critical incident to record; the same ``incident_ref`` records once."""

    incident_ref = fields.String(required=True, validate=_REF)
    customer_id = fields.String(load_default=None, allow_none=True)
    encounter = fields.String(required=True)
    valence = fields.String(required=True)
    story = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    occurred_at = _instant(required=True)
    recorded_at = _instant()
    complaint_ref = fields.String(load_default=None, allow_none=True)


class IncidentSchema(Schema):
    """A critical incident as the service returns it."""

    incident_ref = fields.String(attribute="_id")
    customer_id = fields.String(allow_none=True)
    encounter = fields.String()
    valence = fields.String()
    story = fields.String()
    occurred_at = fields.DateTime()
    recorded_at = fields.DateTime()
    complaint_ref = fields.String(allow_none=True)
    action_refs = fields.List(fields.String())
    awaits_action = fields.Boolean()


class InterviewInput(_Input):
    """A lost-customer interview to record; the same ``interview_ref`` records once."""

    interview_ref = fields.String(required=True, validate=_REF)
    customer_id = fields.String(required=True, validate=_REF)
    interviewer = fields.String(required=True, validate=validate.Length(min=1, max=200))
    interviewed_at = _instant()
    reasons = fields.List(
        fields.String(validate=validate.OneOf(LOSS_REASONS)),
        required=True,
        validate=validate.Length(min=1),
    )
    notes = fields.String(load_default="", validate=validate.Length(max=2000))


class InterviewSchema(Schema):
    """A lost-customer interview as the service returns it."""

    interview_ref = fields.String(attribute="_id")
    customer_id = fields.String()
    interviewer = fields.String()
    interviewed_at = fields.DateTime()
    reasons = fields.List(fields.String())
    notes = fields.String()


class RequirementInput(_Input):
    """A customer requirement to document; the same ``requirement_ref`` records once."""

    requirement_ref = fields.String(required=True, validate=_REF)
    customer_id = fields.String(required=True, validate=_REF)
    statement = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    priority = fields.String(required=True)
    source = fields.String(required=True, validate=validate.Length(min=1, max=100))
    documented_at = _instant()


class SettleInput(_Input):
    """A requirement met or dropped, with how or why."""

    status = fields.String(required=True, validate=validate.OneOf(("met", "dropped")))
    note = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    settled_at = _instant()


class RequirementSchema(Schema):
    """A customer requirement as the service returns it."""

    requirement_ref = fields.String(attribute="_id")
    customer_id = fields.String()
    statement = fields.String()
    priority = fields.String()
    source = fields.String()
    documented_at = fields.DateTime()
    status = fields.String()
    settled_at = fields.DateTime(allow_none=True)
    settlement = fields.String()


action_input = ActionInput()
effect_input = EffectInput()
action_schema = ActionSchema()
incident_input = IncidentInput()
incident_schema = IncidentSchema()
interview_input = InterviewInput()
interview_schema = InterviewSchema()
requirement_input = RequirementInput()
settle_input = SettleInput()
requirement_schema = RequirementSchema()
