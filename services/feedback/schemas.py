"""Boundary schemas of the feedback service."""

from __future__ import annotations

from datetime import UTC

from marshmallow import RAISE, Schema, fields, validate

from clientela.events import COMPLAINT_SEVERITIES, SURVEY_QUESTION_KINDS


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


class ItemInput(Schema):
    """One SERVQUAL item of a question."""

    class Meta:
        unknown = RAISE

    number = fields.Integer(required=True, strict=True)
    dimension = fields.String(required=True)
    text = fields.String(load_default="")


class QuestionInput(Schema):
    """One question of a survey definition; ``items`` only for SERVQUAL (default: 22)."""

    class Meta:
        unknown = RAISE

    key = fields.String(required=True, validate=validate.Length(min=1, max=100))
    kind = fields.String(required=True, validate=validate.OneOf(SURVEY_QUESTION_KINDS))
    text = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    items = fields.List(fields.Nested(ItemInput), load_default=list)


class SurveyInput(Schema):
    """A survey to define or revise."""

    class Meta:
        unknown = RAISE

    survey_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    questions = fields.List(
        fields.Nested(QuestionInput), required=True, validate=validate.Length(min=1)
    )


class ResponseInput(Schema):
    """A response to record; the same survey, customer and ``reference`` record once."""

    class Meta:
        unknown = RAISE

    survey_id = fields.String(required=True, validate=validate.Length(min=1))
    question = fields.String(required=True, validate=validate.Length(min=1))
    customer_id = fields.String(load_default=None, allow_none=True)
    reference = fields.String(required=True, validate=validate.Length(min=1, max=200))
    answer = fields.Raw(required=True)
    channel = fields.String(load_default="web", validate=validate.Length(min=1, max=50))
    answered_at = fields.AwareDateTime(load_default=None, default_timezone=UTC)
    raw = fields.Dict(load_default=dict)


class SurveySchema(Schema):
    """A survey as the service returns it, every version of its questions listed."""

    survey_id = fields.String(attribute="_id")
    name = fields.String()
    questions = fields.List(fields.Dict())


class ResponseSchema(Schema):
    """A survey response as the service returns it (NPS answers recorded alone included)."""

    id = fields.String(attribute="_id")
    survey_id = fields.String()
    question = fields.String()
    version = fields.Integer()
    kind = fields.String()
    customer_id = fields.String(allow_none=True)
    reference = fields.String()
    channel = fields.String()
    score = fields.Integer(allow_none=True)
    category = fields.String()
    text = fields.String()
    comment = fields.String()
    ratings = fields.List(fields.Dict())
    importance = fields.Dict()
    raw = fields.Dict()
    answered_at = fields.DateTime()


class ResultsInput(Schema):
    """Which survey's scores, over which period (``2026``, ``2026-Q4``, ``2026-11``)."""

    class Meta:
        unknown = RAISE

    survey_id = fields.String(required=True, validate=validate.Length(min=1))
    period = fields.String(required=True, validate=validate.Length(min=4, max=10))


class ComplaintInput(Schema):
    """A complaint or suggestion to open; the same ``complaint_ref`` opens once."""

    class Meta:
        unknown = RAISE

    complaint_ref = fields.String(required=True, validate=validate.Length(min=1, max=200))
    customer_id = fields.String(load_default=None, allow_none=True)
    kind = fields.String(
        load_default="complaint", validate=validate.OneOf(("complaint", "suggestion"))
    )
    category = fields.String(required=True, validate=validate.Length(min=1, max=100))
    severity = fields.String(required=True, validate=validate.OneOf(COMPLAINT_SEVERITIES))
    description = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    owner = fields.String(load_default=None, allow_none=True)
    opened_at = fields.AwareDateTime(load_default=None, default_timezone=UTC)


class ComplaintSchema(Schema):
    """A complaint as the service returns it, with its due times and announced breaches."""

    complaint_ref = fields.String(attribute="_id")
    customer_id = fields.String(allow_none=True)
    kind = fields.String()
    category = fields.String()
    severity = fields.String()
    description = fields.String()
    owner = fields.String(allow_none=True)
    status = fields.String()
    opened_at = fields.DateTime()
    response_due_at = fields.DateTime()
    resolution_due_at = fields.DateTime()
    responded_at = fields.DateTime(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    resolution = fields.String()
    confirmed = fields.Boolean(allow_none=True)
    reopened = fields.Integer()
    breaches = fields.List(fields.String())


survey_input = SurveyInput()
response_input = ResponseInput()
results_input = ResultsInput()
survey_schema = SurveySchema()
response_schema = ResponseSchema()
complaint_input = ComplaintInput()
complaint_schema = ComplaintSchema()
