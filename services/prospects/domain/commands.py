"""What the prospects service is asked to do: one command per use case that changes something.

The service's entrypoints load their input through a schema into one of
these, and hand it to the use case in :mod:`clientela.services.prospects.handlers`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class CaptureLeads:
    """Capture a batch of rows from ``source``, checked at the service's edge.

    ``rows`` are the rows whose shape is valid (``LeadRow.as_message`` dicts
    with every key, each with its ``line``); ``rejected`` are the lines
    already refused there, each ``{"line": int, "errors": {field: [messages]}}``.
    ``origin`` applies to every row (each row may say more).
    """

    source: str
    rows: list[Mapping[str, Any]]
    origin: Mapping[str, str] = field(default_factory=dict)
    rejected: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ChangeStatus:
    """Move a prospect in the pipeline; disqualifying needs a ``reason``."""

    prospect_id: str
    status: str
    reason: str = ""


@dataclass(frozen=True)
class AssignOwner:
    """Make ``owner`` responsible for following the prospect up."""

    prospect_id: str
    owner: str


@dataclass(frozen=True)
class ConvertProspect:
    """Make the prospect a captive customer on a ``basis`` (contract, agreement, purchase)."""

    prospect_id: str
    basis: str
    reference: str = ""


@dataclass(frozen=True)
class LogInteraction:
    """Record a call, e-mail, meeting or visit with the prospect, and how it went."""

    prospect_id: str
    kind: str
    mode: str
    outcome: str
    notes: str = ""
    occurred_at: datetime | None = None
    by: str = ""


@dataclass(frozen=True)
class AddFollowUp:
    """Plan a follow-up task on a prospect: what, due when, whose."""

    prospect_id: str
    title: str
    due_at: datetime
    owner: str


@dataclass(frozen=True)
class MergeProspects:
    """Merge profile ``merged_id`` into ``survivor_id``: two profiles of one person."""

    survivor_id: str
    merged_id: str
    by: str
    reason: str = "merged by an operator"


@dataclass(frozen=True)
class UnmergeProspect:
    """Undo the merge of ``prospect_id`` into another profile, and keep the two apart."""

    prospect_id: str
    by: str


@dataclass(frozen=True)
class DismissDuplicate:
    """Keep profiles ``a`` and ``b`` apart for good: never suggested nor merged again."""

    a: str
    b: str
    by: str


@dataclass(frozen=True)
class FindProspects:
    """A page of the prospects matching every filter given (see ``handlers.search``)."""

    status: str | None = None
    owner: str | None = None
    source: str | None = None
    fair: str | None = None
    campaign: str | None = None
    channel: str | None = None
    email: str | None = None
    phone: str | None = None
    captured_from: datetime | None = None
    captured_to: datetime | None = None
    min_score: int | None = None
    max_score: int | None = None
    limit: int = 50
    offset: int = 0
