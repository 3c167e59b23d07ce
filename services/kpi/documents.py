"""KPI storage: one fact per thing that happened, keyed so that it counts once.

Per prospect there is at most one fact of each kind, ``<kind>:<prospect id>``:

- ``captured``: when and where the person was first identified (``at``,
  ``periods``, origin, with ``identity_stamp``), its latest completeness
  (``completeness`` with ``completeness_stamp``) and whether it has
  ``converted`` so far. An update or a conversion arriving before the capture
  creates it without ``at``; it counts once the capture arrives. A merge moves
  ``at`` and origin to the earliest capture of the merged person, an unmerge
  gives them back: the latest state (by stamp) wins.
- ``first_contact``: its first contact (``at``, none when an unmerge took it
  away) and the ``hours`` it came after the person was identified, the latest
  state by ``contact_stamp``.
- ``conversion``: its conversion (``at``).
- ``merge``: its latest merge or unmerge (``merged``, ``merge_stamp``).

Every prospect fact carries a copy of ``merged``/``merge_stamp`` (see
:mod:`clientela.services.kpi.handlers`), so that the indicators leave a merged
duplicate out with a plain match. ``nps`` facts are keyed by answer.
"""

from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    FloatField,
    StringField,
)

PROSPECT_KINDS = ("captured", "first_contact", "conversion")
"""The facts of a prospect that stop counting while it is merged into another."""
FACT_KINDS = (*PROSPECT_KINDS, "merge", "nps")


class Fact(Document):
    """A counted occurrence, its id derived from what it counts so re-delivery is harmless."""

    id = StringField(primary_key=True)
    kind = StringField(required=True, choices=FACT_KINDS)
    at = DateTimeField()
    periods = DictField()
    subject = StringField(required=True)
    source = StringField(default="")
    fair = StringField(default="")
    campaign = StringField(default="")
    channel = StringField(default="")
    category = StringField(default="")
    completeness = FloatField()
    completeness_stamp = StringField()
    identity_stamp = StringField()
    contact_stamp = StringField()
    converted = BooleanField(default=False)
    hours = FloatField()
    merged = BooleanField(default=False)
    merge_stamp = StringField()

    meta = {
        "db_alias": "kpi",
        "collection": "facts",
        # handlers find facts by _id; the indicators read a kind over a time range
        "indexes": [("kind", "at")],
    }
