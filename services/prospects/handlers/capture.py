"""Capturing a batch of leads: validate, find known people, write in bulk, announce.

A batch costs a handful of round trips however large it is: indexed queries
for the shared lines, the profiles sharing a match key with its leads and those
holding one of its captures already (one per 200 keys), one insert of its new
people's identity claims, one stage of its events, one ``insert_many`` of new
profiles, one ``bulk_write`` of known ones, one of its possible duplicates, one
pipelined publish. Merging profiles a lead showed to be one person costs a few
more, one merge at a time. Receiving the same rows again changes nothing (each
capture has a key derived from its content).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import Any

import eventlet
from eventlet.semaphore import Semaphore
from marshmallow import ValidationError
from pymongo import UpdateOne
from pymongo.collection import Collection

from clientela.clock import time_zone, utcnow
from clientela.errors import Conflict, InvalidInput
from clientela.leads import LeadSource, LeadSourceError
from clientela.outbox import Publish, PublishMany, release, stage
from clientela.payloads import batches, guarded, origin_options, split_items
from clientela.services.prospects import events as announcements
from clientela.services.prospects.dependencies.storage import claim_new_profiles
from clientela.services.prospects.documents import Prospect
from clientela.services.prospects.domain.batch import BatchResolution, IncomingLead
from clientela.services.prospects.domain.matching import is_contact_line
from clientela.services.prospects.domain.normalise import InvalidLead, normalise_lead
from clientela.services.prospects.domain.profiles import ProfileRules, derived
from clientela.services.prospects.domain.status import capture_key
from clientela.services.prospects.handlers import duplicates
from clientela.services.prospects.handlers.changes import ATTEMPTS, VERSION
from clientela.services.prospects.handlers.merging import merge_prospects
from clientela.services.prospects.schemas import lead_row_schema

log = logging.getLogger(__name__)

KEYS_PER_QUERY = 200
"""Match keys per candidate query: large ``$in`` lists answer slower per key found."""

CLAIM_WAIT_S = 0.05
"""Wait before resolving again leads whose person another instance claimed (times the attempt)."""


@dataclass
class CaptureReport:
    """What became of each row of a batch."""

    received: int = 0
    created: int = 0
    merged: int = 0
    unchanged: int = 0
    profiles_merged: int = 0
    possible_duplicates: int = 0
    shared_lines: list[str] = field(default_factory=list)
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
                row["identified_from"],
                time_zone(row["time_zone"]) if row["time_zone"] else rules.time_zone,
            )
        except (ValidationError, InvalidLead) as exc:
            errors = exc.errors if isinstance(exc, InvalidLead) else exc.normalized_messages()
            report.rejected.append(
                {"line": line if isinstance(line, int) else position, "errors": errors}
            )
            continue
        # what the source sent, never the time of receipt: a redelivery is the same capture
        sent = {"fields": row["fields"], "consent": row["consent"]}
        for name in ("identified_at", "time_zone"):
            if row[name]:
                sent[name] = row[name]
        key = capture_key(source, sent, row_origin)
        incoming.append(IncomingLead.of(row, lead, key, source, rules.matcher))
    return incoming


LEFT_OUT = {"outbox": 0, "captures.fields": 0, "captures.extra": 0}
"""What matching a batch does not need of a known profile: its raw rows and pending events."""


def known_profiles(
    collection: Collection, keys: Iterable[str], captures: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Live profiles carrying any of the match ``keys`` or holding a capture whose key is in
    ``captures``, each once (without their captures' raw rows).

    Merged profiles are left out here rather than in the query: SecantusDB
    answers a filter with a second condition by a collection scan.
    """
    found: dict[str, dict[str, Any]] = {}
    for field_name, values in (("match_keys", keys), ("captures.key", captures)):
        for chunk in batches(sorted(set(values)), KEYS_PER_QUERY):
            for profile in collection.find({field_name: {"$in": chunk}}, LEFT_OUT):
                if not profile.get("merged_into"):
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
    one_at_a_time: Semaphore,
) -> CaptureReport:
    """Store each valid row as a new profile or one more capture of a known person.

    Rejected rows are reported with their line (or 1-based position) and the
    problem of each field; the others land. A lead matching several known
    profiles merges them into the oldest (a converted one first); profiles
    the rules only suggest go to the review list (``possible_duplicates``),
    and lines found shared by different people are reported (``shared_lines``).
    Every new profile is announced by ``prospect_captured``, every changed one
    by ``prospect_updated``, all confirmed by the broker before this returns.
    Batches of one instance resolve one at a time (``one_at_a_time``): each
    sees what the one before wrote.
    """
    report = CaptureReport(received=len(rows))
    incoming = _validated(source, origin, rows, rules, report)
    for attempt in range(1, ATTEMPTS + 1):
        incoming, claimed = _capture(
            source, incoming, rules, publish_many, publish, report, one_at_a_time
        )
        if not incoming:
            break
        if claimed:  # another instance is writing the profile of someone in this batch
            eventlet.sleep(CLAIM_WAIT_S * attempt)
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
    one_at_a_time: Semaphore,
) -> tuple[list[IncomingLead], bool]:
    """Capture ``incoming``; returns the leads to redo, and whether another instance claimed some.

    Leads are redone when their known profile changed meanwhile, or when
    another instance claimed the new person they would have created.
    """
    collection = Prospect._get_collection()
    with one_at_a_time:
        keys = {key for item in incoming for key in item.keys}
        lines = duplicates.known_lines({key for key in keys if is_contact_line(key)})
        received = {item.capture_key for item in incoming}
        known = known_profiles(collection, keys - lines, received)
        batch = BatchResolution(rules, source, utcnow(), known, lines)
        outcomes = [(item, batch.resolve(item)) for item in incoming]
        claimed = claim_new_profiles(collection.database, batch, batch.at)
        announced, changed_meanwhile = _write(collection, batch)
        suggestions, shared = batch.suggestions(), batch.shared_lines()
        duplicates.record(suggestions, shared, batch.at)
    redo = {id(item) for item in claimed}
    redo |= {id(item) for pid in changed_meanwhile for item in batch.leads_of(pid)}
    report.possible_duplicates += len(suggestions)
    report.shared_lines = sorted({*report.shared_lines, *(k.partition(":")[2] for k in shared)})
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
    return [item for item in incoming if id(item) in redo], bool(claimed)


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
    expected = {pid: key for pid, key, _ in updates}
    stored = collection.find({"_id": {"$in": list(expected)}}, {"captures.key": 1})
    written = {
        profile["_id"]
        for profile in stored
        if expected[profile["_id"]] in {capture["key"] for capture in profile.get("captures", ())}
    }
    return set(expected) - written


MAX_ROWS = 5000
"""Rows one call may carry: the CLI sends 500 at a time; larger payloads should be split."""


def capture_payload(
    source: LeadSource,
    payload: Any,
    options: Mapping[str, str],
    rules: ProfileRules,
    publish_many: PublishMany,
    publish: Publish,
    one_at_a_time: Semaphore,
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
    report = capture_leads(
        source.name, origin_options(options), rows, rules, publish_many, publish, one_at_a_time
    )
    report.received += len(problems)
    report.rejected += [{"line": line, "errors": {"row": [reason]}} for line, reason in problems]
    report.rejected.sort(key=lambda rejected: rejected["line"])
    return report
