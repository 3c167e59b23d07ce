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

Customer and loyalty facts are timed by what they count:

- ``customer`` (``customer:<customer id>``): created ``at``, ``captive`` or
  not (facts recorded before it was kept hold none); ``lost``
  (``lost:<customer id>``): its latest loss mark, ``at`` when lost, by
  ``lost_stamp``; ``update`` (``update:<event id>``): a record change ``at``.
- ``contract`` (``contract:<contract id>``): due ``at``, whether it counts as
  ``due`` (1, cancelled: 0) and was fulfilled ``on_time`` (1 or 0), the latest
  state by ``contract_stamp``.
- ``purchase`` (``purchase:<purchase id>``): its ``amount`` (decimal string)
  and ``currency``.
- ``points_earned``, ``points_redeemed``, ``points_expired``
  (``<kind>:<entry id>``): the ledger entry's ``points``.
- ``alarm`` (``alarm:<alarm id>``): a churn alarm raised ``at``, ``closed_at``
  once closed.

Their ``subject`` is the customer.

- ``csat``, ``ces`` (``response:<response id>``): a signed survey answer's
  ``score``, given ``at`` by its ``subject``; ``servqual`` likewise, with its
  ``ratings`` and ``importance`` points as announced.
- ``complaint`` (``complaint:<complaint ref>``): a complaint opened ``at``
  (none until its opening or resolution arrives), first ``responded_at``,
  latest ``resolved_at``, and ``breached`` once it missed a target; its
  ``subject`` is the customer, empty for an anonymous one.
"""

from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    FloatField,
    IntField,
    ListField,
    StringField,
)

from clientela.outbox import OUTBOX_INDEX, OutboxDocument
from clientela.services.kpi.customer_indicators import POINTS_KINDS
from clientela.services.kpi.feedback_indicators import SERVQUAL, SURVEY_SCALES

PROSPECT_KINDS = ("captured", "first_contact", "conversion")
"""The facts of a prospect that stop counting while it is merged into another."""
CUSTOMER_KINDS = ("customer", "lost", "update", "contract", "purchase", *POINTS_KINDS, "alarm")
FACT_KINDS = (
    *PROSPECT_KINDS,
    "merge",
    "nps",
    *CUSTOMER_KINDS,
    *SURVEY_SCALES,
    SERVQUAL,
    "complaint",
)


class Fact(Document):
    """A counted occurrence, its id derived from what it counts so re-delivery is harmless."""

    id = StringField(primary_key=True)
    kind = StringField(required=True, choices=FACT_KINDS)
    at = DateTimeField()
    periods = DictField()
    subject = StringField()
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
    lost_stamp = StringField()
    contract_stamp = StringField()
    due = IntField()
    on_time = IntField()
    amount = StringField()
    currency = StringField()
    points = IntField()
    closed_at = DateTimeField()
    moved_from = ListField(DateTimeField())
    responded_at = DateTimeField()
    resolved_at = DateTimeField()
    breached = BooleanField()
    captive = BooleanField()
    score = IntField()
    ratings = ListField(DictField())
    importance = DictField()

    meta = {
        "db_alias": "kpi",
        "collection": "facts",
        # handlers find facts by _id; the indicators read a kind over a time range, the
        # customer counts the alarms closed in one
        "indexes": [("kind", "at"), ("kind", "closed_at")],
    }


class IndicatorRow(Document):
    """The indicators of one whole period as a read returns them, kept until a fact write
    that can change them marks them stale (see :mod:`.indicator_rows`).

    ``id`` is ``<granularity>:<period key>``. Each part of the figures has a token set
    anew by every mark (``version``, ``customers_version``, ``counts_version``), the
    token its stored figures were computed under (``computed``...: fresh when they are
    equal) and the figures: ``row``, those of the period's own facts (None when they
    count for nothing); ``customers_row``, those about customers; ``counts``, the
    customer counts of the period.
    """

    id = StringField(primary_key=True)
    granularity = StringField(required=True)
    period = StringField(required=True)
    start = DateTimeField(required=True)
    end = DateTimeField(required=True)
    version = StringField()
    computed = StringField()
    row = StringField(null=True)
    customers_version = StringField()
    customers_computed = StringField()
    customers_row = StringField(null=True)
    counts_version = StringField()
    counts_computed = StringField()
    counts = DictField()

    meta = {
        "db_alias": "kpi",
        "collection": "indicator_rows",
        # a read lists a granularity's periods by start; a customer fact marks every
        # period ending after it
        "indexes": [("granularity", "start"), "end"],
    }


class TargetRecord(Document):
    """A target in force (the latest version set) and every version set, oldest first.

    Its ``id`` is the target's key (indicator, granularity, period or ``*``,
    segment): setting it again pushes a version and replaces what is in force,
    in one write.
    """

    id = StringField(primary_key=True)
    indicator = StringField(required=True)
    granularity = StringField(required=True)
    period = StringField(null=True)
    segment = DictField()
    value = FloatField(required=True)
    tolerance = FloatField(required=True)
    direction = StringField(required=True, choices=("higher", "lower"))
    set_by = StringField(required=True)
    set_at = DateTimeField(required=True)
    history = ListField(DictField())

    meta = {"db_alias": "kpi", "collection": "targets"}


class ReferenceRecord(Document):
    """An external reference value for an indicator (a sector benchmark, last year's audit);
    ``id`` is indicator, label and period, so setting it again replaces its value."""

    id = StringField(primary_key=True)
    indicator = StringField(required=True)
    label = StringField(required=True)
    period = StringField(null=True)
    value = FloatField(required=True)
    set_by = StringField(required=True)
    set_at = DateTimeField(required=True)

    meta = {"db_alias": "kpi", "collection": "references"}


ALERT_STATES = ("open", "linked", "dismissed")


class AlertRecord(OutboxDocument):
    """An indicator found out of range in a period (and segment), raised once.

    ``open`` until an improvement action is linked (``linked``, with the
    action's outcome once it closes) or it is dismissed with a reason.
    """

    id = StringField(primary_key=True)
    indicator = StringField(required=True)
    granularity = StringField(required=True)
    period = StringField(required=True)
    period_start = DateTimeField(required=True)
    period_end = DateTimeField(required=True)
    segment = DictField()
    value = FloatField(null=True)
    target = FloatField(required=True)
    tolerance = FloatField(required=True)
    direction = StringField(required=True, choices=("higher", "lower"))
    raised_at = DateTimeField(required=True)
    state = StringField(required=True, choices=ALERT_STATES)
    open = BooleanField(required=True)
    action_id = StringField()
    action = DictField()
    dismissed_reason = StringField()
    dismissed_by = StringField()
    dismissed_at = DateTimeField()

    meta = {
        "db_alias": "kpi",
        "collection": "alerts",
        # open alerts latest first; a report's alerts by the start of their period
        "indexes": [("open", "-raised_at"), "-raised_at", "period_start", OUTBOX_INDEX],
    }
