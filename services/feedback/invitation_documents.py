"""Feedback storage for invitations: who may be invited, the invitations, the panels."""

from __future__ import annotations

from mongoengine import BooleanField, DateTimeField, Document, IntField, ListField, StringField


class SurveyRecipient(Document):
    """How to reach a customer with a survey, and whether one may.

    ``consented``/``suppressed`` None until an operator says otherwise (the
    ``survey_consent_default`` setting then decides consent);
    ``first_purchase_id`` is the purchase that made them a buyer;
    ``anniversary`` the month and day (``MM-DD``) they became a customer.
    """

    id = StringField(primary_key=True)
    name = StringField(default="")
    email = StringField(default="")
    phone = StringField(default="")
    language = StringField(default="")
    since = DateTimeField(null=True)
    anniversary = StringField(null=True)
    consented = BooleanField(null=True)
    suppressed = BooleanField(null=True)
    first_purchase_id = StringField(null=True)

    meta = {"db_alias": "feedback", "collection": "survey_recipients", "indexes": ["anniversary"]}


class SurveyInvitation(Document):
    """One invitation and its state: due, sent, failed (with ``reason``), answered or refused.

    ``next_attempt_at`` is set while the invitation waits to be sent (first
    time or retry), so the sending timer finds it by index.
    """

    id = StringField(primary_key=True)
    survey_id = StringField(required=True)
    customer_id = StringField(required=True)
    channel = StringField(required=True)
    trigger = StringField(required=True)
    cause = StringField(required=True)
    state = StringField(required=True)
    reason = StringField(default="")
    created_at = DateTimeField(required=True)
    send_at = DateTimeField(null=True)
    next_attempt_at = DateTimeField(null=True)
    attempts = IntField(default=0)
    sent_at = DateTimeField(null=True)
    answered_at = DateTimeField(null=True)

    meta = {
        "db_alias": "feedback",
        "collection": "invitations",
        "indexes": [("customer_id", "send_at"), "next_attempt_at"],
    }


class SurveySchedule(Document):
    """The last day (``YYYY-MM-DD``) a daily job of the invitations ran, by job name."""

    id = StringField(primary_key=True)
    last_day = StringField(required=True)

    meta = {"db_alias": "feedback", "collection": "survey_schedule"}


class SurveyPanel(Document):
    """A fixed panel: the same customers invited to ``survey_id`` once every quarter."""

    id = StringField(primary_key=True)
    survey_id = StringField(required=True)
    channel = StringField(required=True)
    members = ListField(StringField(), required=True)
    last_period = StringField(null=True)

    meta = {"db_alias": "feedback", "collection": "panels"}
