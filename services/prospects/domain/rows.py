"""What a captured row must carry, and the fingerprint that makes receiving it again harmless.

A row is what ``LeadRow.as_message`` sends: its line, the lead fields as the
source read them, extra values, origin and consent. Its shape is checked here;
the values inside ``fields``, ``origin`` and ``consent`` are checked one by one
when the lead is normalised (:mod:`.normalise`), so that each problem names its
field.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from clientela.clock import time_zone
from clientela.services.prospects.domain.normalise import storable

TEXT = validate.Length(max=200)
"""A short text: a name, an origin value, a time as written."""
MAX_EXTRA = 100
"""Extra values a row may carry, each a string of at most 2,000 characters."""
MAX_EXTRA_KEY = 100
"""Characters in the name of an extra value (a column header, a form field's name)."""


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
"""A row of a batch to capture, as ``LeadRow.as_message`` makes it."""

lead_row_schema = LeadRowSchema()


def capture_key(source: str, row: Mapping[str, Any], origin: Mapping[str, str]) -> str:
    """Fingerprint of one capture, so that receiving the same row again records nothing new."""
    content = json.dumps([source, dict(row), dict(origin)], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(content.encode()).hexdigest()[:32]
