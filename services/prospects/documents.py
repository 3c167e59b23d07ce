"""Prospect storage: one document per person with every capture, interaction and merge kept."""

from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    EmbeddedDocumentListField,
    FloatField,
    IntField,
    ListField,
    StringField,
)

from clientela.outbox import OUTBOX_INDEX, OutboxDocument
from clientela.services.prospects.domain.review import DUPLICATE_STATUSES
from clientela.vocabulary import (
    CONVERSION_BASES,
    INTERACTION_KINDS,
    INTERACTION_MODES,
    INTERACTION_OUTCOMES,
    PROSPECT_STATUSES,
)


class Capture(EmbeddedDocument):
    """One time the person reached us: which source, when, what it said, what it changed."""

    key = StringField(required=True)
    source = StringField(required=True)
    captured_at = DateTimeField(required=True)
    """When the capture reached clientela."""
    identified_at = DateTimeField(null=True)
    """When the person was identified (scan, submission...), as the source said; else receipt."""
    line = IntField()
    origin = DictField()
    consent = DictField(null=True)
    fields = DictField()
    extra = DictField()
    keys = ListField(StringField())
    filled = ListField(StringField())
    from_prospect = StringField(null=True)


class Interaction(EmbeddedDocument):
    """A call, e-mail, meeting or visit with the person, and how it went."""

    id = StringField(required=True)
    kind = StringField(required=True, choices=INTERACTION_KINDS)
    mode = StringField(required=True, choices=INTERACTION_MODES)
    outcome = StringField(required=True, choices=INTERACTION_OUTCOMES)
    notes = StringField(default="")
    occurred_at = DateTimeField(required=True)
    by = StringField(default="")
    counts_as_contact = BooleanField(required=True)
    from_prospect = StringField(null=True)


class Merge(EmbeddedDocument):
    """Another profile merged into this one, with what it brought, so it can be undone."""

    prospect_id = StringField(required=True)
    merged_at = DateTimeField(required=True)
    by = StringField(required=True)
    reason = StringField(required=True)
    filled = DictField()
    captures = ListField(StringField())
    """Keys of the captures the merge moved (records made before lack them)."""
    interactions = ListField(StringField())
    """Ids of the interactions the merge moved."""


class Conversion(EmbeddedDocument):
    """How the prospect became a captive customer."""

    basis = StringField(required=True, choices=CONVERSION_BASES)
    reference = StringField(default="")
    converted_at = DateTimeField(required=True)


class Prospect(OutboxDocument):
    """A person in the pipeline.

    ``match_keys`` (``<rule>:<key>``) find the person again; ``facets``
    (``source:fairs``, ``fair:Expo 2026``...) are what searches filter on. A
    profile merged into another keeps its id with ``merged_into`` set.
    """

    id = StringField(primary_key=True)
    email = StringField(null=True)
    phone = StringField(null=True)
    first_name = StringField(default="")
    last_name = StringField(default="")
    company = StringField(default="")
    company_key = StringField(default="")
    position = StringField(default="")
    needs = StringField(default="")
    consent = DictField(null=True)
    status = StringField(required=True, choices=PROSPECT_STATUSES, default="new")
    status_reason = StringField(default="")
    owner = StringField(default="")
    source = StringField(required=True)
    origin = DictField()
    captured_at = DateTimeField(required=True)
    identified_at = DateTimeField(null=True)
    """When its earliest capture identified the person; ``source`` and ``origin`` are that
    capture's too."""
    updated_at = DateTimeField(required=True)
    first_contact_at = DateTimeField(null=True)
    completeness = FloatField(default=0.0)
    score = IntField(default=0)
    match_keys = ListField(StringField())
    facets = ListField(StringField())
    captures = EmbeddedDocumentListField(Capture)
    interactions = EmbeddedDocumentListField(Interaction)
    merges = EmbeddedDocumentListField(Merge)
    merged_into = StringField(null=True)
    kept_apart = ListField(StringField())
    version = IntField(default=0)
    conversion = EmbeddedDocumentField(Conversion)
    customer_id = StringField(null=True)

    meta = {
        "db_alias": "prospects",
        "collection": "prospects",
        "indexes": [
            "match_keys",
            "captures.key",
            "facets",
            ("status", "-captured_at"),
            "-captured_at",
            OUTBOX_INDEX,
        ],
    }


class FollowUp(Document):
    """A follow-up task on a prospect: what, by when, whose.

    ``moved_from`` names the profile an open task came from when that profile
    was merged into this one; an unmerge moves it back.
    """

    id = StringField(primary_key=True)
    prospect_id = StringField(required=True)
    title = StringField(required=True)
    due_at = DateTimeField(required=True)
    owner = StringField(required=True)
    created_at = DateTimeField(required=True)
    done_at = DateTimeField(null=True)
    moved_from = StringField(null=True)

    meta = {
        "db_alias": "prospects",
        "collection": "followups",
        "indexes": [("done_at", "due_at"), ("prospect_id", "due_at")],
    }


class PossibleDuplicate(Document):
    """Two profiles that may be one person, waiting for an operator (or decided).

    ``_id`` is the two prospect ids, sorted, joined by ``|``. ``status`` is
    ``open``, ``merged`` (into one another), ``dismissed`` (kept apart for
    good) or ``closed`` (one was merged into a third profile; the pair then
    continues with that profile).
    """

    id = StringField(primary_key=True)
    prospect_ids = ListField(StringField(), required=True)
    status = StringField(required=True, choices=DUPLICATE_STATUSES)
    score = FloatField(required=True)
    rules = ListField(StringField())
    reasons = ListField(StringField())
    found_at = DateTimeField(required=True)
    decided_at = DateTimeField(null=True)
    decided_by = StringField(null=True)

    meta = {
        "db_alias": "prospects",
        "collection": "duplicates",
        "indexes": [("status", "-score", "found_at"), ("prospect_ids", "status")],
    }


class SharedLine(Document):
    """A phone or role e-mail carried by people with clearly different names: it matches nobody.

    ``_id`` is its match key (``same_phone:+34...``); ``prospect_ids`` some of
    the profiles carrying it.
    """

    id = StringField(primary_key=True)
    prospect_ids = ListField(StringField())
    found_at = DateTimeField(required=True)

    meta = {"db_alias": "prospects", "collection": "shared_lines", "indexes": ["-found_at"]}


class Claim(Document):
    """A new person's identity key, claimed by the profile created for it (``_id`` is the key).

    The unique ``_id`` lets one of two instances capturing the same new person
    at the same moment create the profile; the other resolves its lead again.
    """

    id = StringField(primary_key=True)
    prospect_id = StringField(required=True)
    claimed_at = DateTimeField(required=True)

    meta = {"db_alias": "prospects", "collection": "claims"}
