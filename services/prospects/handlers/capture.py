"""Capturing a batch of leads: normalise, find known people, write in bulk, announce.

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
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import eventlet
from eventlet.semaphore import Semaphore

from clientela.clock import time_zone, utcnow
from clientela.errors import Conflict
from clientela.services.prospects import events
from clientela.services.prospects.dependencies.storage import ProspectsStorage
from clientela.services.prospects.domain.batch import BatchResolution, IncomingLead
from clientela.services.prospects.domain.commands import CaptureLeads, MergeProspects
from clientela.services.prospects.domain.matching import is_contact_line
from clientela.services.prospects.domain.normalise import InvalidLead, normalise_lead
from clientela.services.prospects.domain.profiles import ProfileRules, derived
from clientela.services.prospects.domain.rows import capture_key
from clientela.services.prospects.handlers.changes import ATTEMPTS
from clientela.services.prospects.handlers.merging import merge_prospects

log = logging.getLogger(__name__)

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


def _normalised(
    source: str,
    origin: Mapping[str, str],
    rows: list[Mapping[str, Any]],
    rules: ProfileRules,
    report: CaptureReport,
) -> list[IncomingLead]:
    """The leads of ``rows``; a row whose values do not normalise is reported by its line."""
    incoming = []
    received_at = utcnow()
    for row in rows:
        row_origin = {**origin, **row["origin"]}
        try:
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
        except InvalidLead as exc:
            report.rejected.append({"line": row["line"], "errors": exc.errors})
            continue
        # what the source sent, never the time of receipt: a redelivery is the same capture
        sent = {"fields": row["fields"], "consent": row["consent"]}
        for name in ("identified_at", "time_zone"):
            if row[name]:
                sent[name] = row[name]
        key = capture_key(source, sent, row_origin)
        incoming.append(IncomingLead.of(row, lead, key, source, rules.matcher))
    return incoming


def capture_leads(
    command: CaptureLeads,
    uow: ProspectsStorage,
    rules: ProfileRules,
    one_at_a_time: Semaphore,
) -> CaptureReport:
    """Store each row as a new profile or one more capture of a known person.

    Rows rejected at the edge (``command.rejected``) and rows whose values do
    not normalise are reported with their line and the problem of each field;
    the others land. A lead matching several known
    profiles merges them into the oldest (a converted one first); profiles
    the rules only suggest go to the review list (``possible_duplicates``),
    and lines found shared by different people are reported (``shared_lines``).
    Every new profile is announced by ``prospect_captured``, every changed one
    by ``prospect_updated``, all confirmed by the broker before this returns.
    Batches of one instance resolve one at a time (``one_at_a_time``): each
    sees what the one before wrote.
    """
    report = CaptureReport(
        received=len(command.rows) + len(command.rejected), rejected=list(command.rejected)
    )
    incoming = _normalised(command.source, command.origin, command.rows, rules, report)
    for attempt in range(1, ATTEMPTS + 1):
        incoming, claimed = _capture(command.source, incoming, uow, rules, report, one_at_a_time)
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
    uow: ProspectsStorage,
    rules: ProfileRules,
    report: CaptureReport,
    one_at_a_time: Semaphore,
) -> tuple[list[IncomingLead], bool]:
    """Capture ``incoming``; returns the leads to redo, and whether another instance claimed some.

    Leads are redone when their known profile changed meanwhile, or when
    another instance claimed the new person they would have created.
    """
    with one_at_a_time:
        keys = {key for item in incoming for key in item.keys}
        lines = uow.known_lines({key for key in keys if is_contact_line(key)})
        received = {item.capture_key for item in incoming}
        known = uow.known_profiles(keys - lines, received)
        batch = BatchResolution(rules, source, utcnow(), known, lines)
        outcomes = [(item, batch.resolve(item)) for item in incoming]
        claimed = _claim_new_profiles(uow, batch)
        announced, changed_meanwhile = _write(uow, batch)
        suggestions, shared = batch.suggestions(), batch.shared_lines()
        uow.record_review(suggestions, shared, batch.at)
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
        uow.release_events(stage_id, kept)
    for survivor_id, merged_id in batch.merges:
        if survivor_id in changed_meanwhile:
            continue
        try:
            merge = MergeProspects(survivor_id, merged_id, "capture", MERGE_REASON)
            merge_prospects(merge, uow, rules)
            report.profiles_merged += 1
        except Conflict as exc:
            log.warning("could not merge two profiles of one person: %s", exc)
    return [item for item in incoming if id(item) in redo], bool(claimed)


MERGE_REASON = "one lead matched both"


def _claim_new_profiles(uow: ProspectsStorage, batch: BatchResolution) -> list[IncomingLead]:
    """Claim the batch's new profiles' identity keys; drop those another claimed first.

    So that two instances never make two profiles of one new person: the
    profile that loses a key is not created, and its leads are resolved
    again, against the claimant's profile once it is written. Returns them.
    """
    wanted: dict[str, str] = {}
    for prospect_id in batch.created:
        for key in batch.identity_keys(prospect_id):
            wanted.setdefault(key, prospect_id)  # a second new profile was weighed against it
    losers = uow.claim_identities(wanted, batch.at)
    return [lead for pid in sorted(losers) for lead in batch.drop(pid)]


def _write(
    uow: ProspectsStorage, batch: BatchResolution
) -> tuple[tuple[str, list[tuple[dict, str]]] | None, set[str]]:
    """Stage the batch's events and write its profiles.

    Returns the stage with each event's profile id, and the ids of known
    profiles that changed since they were read (their captures were not added).
    """
    announced: list[tuple[dict, str, str | None]] = [
        (events.captured(profile), profile["_id"], None) for profile in batch.created.values()
    ]
    updates = []
    for profile, update in batch.changed():
        updates.append((profile, update.captures))
        if derived(profile) != update.before:
            event = events.updated(profile, "capture", batch.at)
            announced.append((event, profile["_id"], update.captures[-1]["key"]))
    if not announced and not updates:
        return None, set()
    stage_id = uow.stage_events(announced)
    uow.insert_profiles(list(batch.created.values()))
    changed_meanwhile = uow.add_captures(updates)
    return (stage_id, [(event, pid) for event, pid, _ in announced]), changed_meanwhile
