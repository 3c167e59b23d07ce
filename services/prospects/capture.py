"""Capturing a batch of leads: validate, find known people, write in bulk, announce.

A batch costs a handful of round trips however large it is: indexed queries
for the profiles sharing a match key with its leads (one per 200 keys), one
stage of its events, one ``insert_many`` of new profiles, one ``bulk_write`` of
known ones, one pipelined publish. Merging profiles a lead showed to be one
person costs a few more, one merge at a time. Receiving the same rows again
changes nothing (each capture has a key derived from its content).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import Any

from eventlet.semaphore import Semaphore
from marshmallow import ValidationError
from pymongo import UpdateOne
from pymongo.collection import Collection

from clientela.clock import utcnow
from clientela.errors import Conflict, InvalidInput
from clientela.importing import batches, guarded, origin_options, split_items
from clientela.leads import LeadSource, LeadSourceError
from clientela.outbox import Publish, PublishMany, release, stage
from clientela.services.prospects import announcements
from clientela.services.prospects.batch import BatchResolution, IncomingLead
from clientela.services.prospects.documents import Prospect
from clientela.services.prospects.domain import capture_key
from clientela.services.prospects.merging import merge_prospects
from clientela.services.prospects.normalise import InvalidLead, normalise_lead
from clientela.services.prospects.profiles import ProfileRules, derived
from clientela.services.prospects.schemas import lead_row_schema
from clientela.services.prospects.store import ATTEMPTS, VERSION

log = logging.getLogger(__name__)

KEYS_PER_QUERY = 200
"""Match keys per candidate query: large ``$in`` lists answer slower per key found."""

_one_batch_at_a_time = Semaphore()
"""Batches resolve against what earlier batches wrote, so one at a time per process."""


@dataclass
class CaptureReport:
    """What became of each row of a batch."""

    received: int = 0
    created: int = 0
    merged: int = 0
    unchanged: int = 0
    profiles_merged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data, for RPC."""
        return asdict(self)


def _validated(
    source: str,
    origin: Mapping[str, str],
    rows: list[Any],
    rules: ProfileRules,
    report: CaptureReport,
) -> list[IncomingLead]:
    incoming = []
    received_at = utcnow()
    for position, raw in enumerate(rows, start=1):
        line = raw.get("line") if isinstance(raw, dict) else None
        try:
            row = lead_row_schema.load(raw)
            row_origin = {**origin, **row["origin"]}
            lead = normalise_lead(
                row["fields"],
                row_origin,
                row["consent"],
                rules.phone_region,
                row["identified_at"],
                received_at,
            )
        except (ValidationError, InvalidLead) as exc:
            errors = exc.errors if isinstance(exc, InvalidLead) else exc.normalized_messages()
            report.rejected.append(
                {"line": line if isinstance(line, int) else position, "errors": errors}
            )
            continue
        # what the source sent, never the time of receipt: a redelivery is the same capture
        sent = {"fields": row["fields"], "consent": row["consent"]}
        if row["identified_at"]:
            sent["identified_at"] = row["identified_at"]
        key = capture_key(source, sent, row_origin)
        incoming.append(IncomingLead.of(row, lead, key, source, rules.matcher))
    return incoming


LEFT_OUT = {"outbox": 0, "captures.fields": 0, "captures.extra": 0}
"""What matching a batch does not need of a known profile: its raw rows and pending events."""


def known_profiles(collection: Collection, keys: Iterable[str]) -> list[dict[str, Any]]:
    """Live profiles carrying any of ``keys``, each once (without their captures' raw rows)."""
    found: dict[str, dict[str, Any]] = {}
    for chunk in batches(sorted(set(keys)), KEYS_PER_QUERY):
        query = {"match_keys": {"$in": chunk}, "merged_into": None}
        for profile in collection.find(query, LEFT_OUT):
            found.setdefault(profile["_id"], profile)
    return list(found.values())


def _update(profile: dict[str, Any], captures: list[dict[str, Any]]) -> UpdateOne:
    """Add ``captures`` to a stored profile, unless it changed since it was read."""
    keep = ("match_keys", "facets", "completeness", "score", "updated_at", "consent")
    keep += ("identified_at", "source", "origin")
    filled = {name for capture in captures for name in capture["filled"]}
    return UpdateOne(
        {"_id": profile["_id"], VERSION: profile.get(VERSION)},
        {
            "$push": {"captures": {"$each": captures}},
            "$set": {name: profile[name] for name in (*keep, *sorted(filled), "company_key")},
            "$inc": {VERSION: 1},
        },
    )


def capture_leads(
    source: str,
    origin: Mapping[str, str],
    rows: list[Any],
    rules: ProfileRules,
    publish_many: PublishMany,
    publish: Publish,
) -> CaptureReport:
    """Store each valid row as a new profile or one more capture of a known person.

    Rejected rows are reported with their line (or 1-based position) and the
    problem of each field; the others land. A lead matching several known
    profiles merges them into the oldest (a converted one first). Every new
    profile is announced by ``prospect_captured``, every changed one by
    ``prospect_updated``, all confirmed by the broker before this returns.
    """
    report = CaptureReport(received=len(rows))
    incoming = _validated(source, origin, rows, rules, report)
    for _ in range(ATTEMPTS):
        incoming = _capture(source, incoming, rules, publish_many, publish, report)
        if not incoming:
            break
    report.rejected += [
        {"line": item.row["line"], "errors": {"row": [CHANGING]}} for item in incoming
    ]
    report.rejected.sort(key=lambda rejected: rejected["line"])
    return report


CHANGING = "The person's profile kept changing while this row was captured; send it again."


def _capture(
    source: str,
    incoming: list[IncomingLead],
    rules: ProfileRules,
    publish_many: PublishMany,
    publish: Publish,
    report: CaptureReport,
) -> list[IncomingLead]:
    """Capture ``incoming``; returns the leads whose profile changed meanwhile (to redo)."""
    collection = Prospect._get_collection()
    with _one_batch_at_a_time:
        keys = {key for item in incoming for key in item.keys}
        batch = BatchResolution(rules, source, utcnow(), known_profiles(collection, keys))
        outcomes = [(item, batch.resolve(item)) for item in incoming]
        announced, changed_meanwhile = _write(collection, batch)
    redo = {id(item) for pid in changed_meanwhile for item in batch.leads_of(pid)}
    for item, outcome in outcomes:
        if id(item) not in redo:
            setattr(report, outcome, getattr(report, outcome) + 1)
    if announced is not None:
        stage_id, envelopes = announced
        kept = [envelope for envelope, pid in envelopes if pid not in changed_meanwhile]
        release(collection.database, stage_id, kept, publish_many)
    for survivor_id, merged_id in batch.merges:
        if survivor_id in changed_meanwhile:
            continue
        try:
            merge_prospects(survivor_id, merged_id, "capture", MERGE_REASON, rules, publish)
            report.profiles_merged += 1
        except Conflict as exc:
            log.warning("could not merge two profiles of one person: %s", exc)
    return [item for item in incoming if id(item) in redo]


MERGE_REASON = "one lead matched both"


def _write(
    collection: Collection, batch: BatchResolution
) -> tuple[tuple[str, list[tuple[dict, str]]] | None, set[str]]:
    """Stage the batch's events and write its profiles.

    Returns the stage with each event's profile id, and the ids of known
    profiles that changed since they were read (their captures were not added).
    """
    announced: list[tuple[dict, dict, str]] = [
        (announcements.captured(profile), {"_id": profile["_id"]}, profile["_id"])
        for profile in batch.created.values()
    ]
    updates = []
    for profile, update in batch.changed():
        updates.append(
            (profile["_id"], update.captures[-1]["key"], _update(profile, update.captures))
        )
        if derived(profile) != update.before:
            proof = {"_id": profile["_id"], "captures.key": update.captures[-1]["key"]}
            event = announcements.updated(profile, "capture", batch.at)
            announced.append((event, proof, profile["_id"]))
    if not announced and not updates:
        return None, set()
    stage_id = stage(collection.database, collection.name, [(e, p) for e, p, _ in announced])
    if batch.created:
        collection.insert_many(list(batch.created.values()), ordered=False)
    changed_meanwhile: set[str] = set()
    if updates:
        result = collection.bulk_write([op for _, _, op in updates], ordered=False)
        if result.modified_count < len(updates):
            changed_meanwhile = _not_written(collection, updates)
    return (stage_id, [(e, pid) for e, _, pid in announced]), changed_meanwhile


def _not_written(collection: Collection, updates: list[tuple[str, str, UpdateOne]]) -> set[str]:
    """The profiles whose last new capture is not stored: their update found a newer version."""
    written = {
        profile["_id"]
        for profile in collection.find(
            {"$or": [{"_id": pid, "captures.key": key} for pid, key, _ in updates]}, {"_id": 1}
        )
    }
    return {pid for pid, _, _ in updates} - written


MAX_ROWS = 5000
"""Rows one call may carry: the CLI sends 500 at a time; larger payloads should be split."""


def capture_payload(
    source: LeadSource,
    payload: Any,
    options: Mapping[str, str],
    rules: ProfileRules,
    publish_many: PublishMany,
    publish: Publish,
) -> CaptureReport:
    """Capture the leads ``source`` reads from a pushed ``payload`` (HTTP body or message).

    Leads the source cannot read are reported with their item number next to
    those the service rejects; options named like origin fields are the origin.
    """
    try:
        # stop reading one lead past the limit rather than building an unbounded list
        parsed = guarded(source, lambda: source.parse(payload, options), "a payload")
        items = list(islice(parsed, MAX_ROWS + 1))
    except LeadSourceError as exc:
        raise InvalidInput({"payload": [str(exc)]}) from None
    if len(items) > MAX_ROWS:
        raise InvalidInput({"payload": [f"More than {MAX_ROWS} leads; split it."]})
    rows, problems = split_items(items)
    report = capture_leads(source.name, origin_options(options), rows, rules, publish_many, publish)
    report.received += len(problems)
    report.rejected += [{"line": line, "errors": {"row": [reason]}} for line, reason in problems]
    report.rejected.sort(key=lambda rejected: rejected["line"])
    return report
