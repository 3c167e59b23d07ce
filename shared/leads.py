"""What a lead-source plugin produces: rows of lead fields, or problems with rows.

A lead source only reads its input (a file, or a payload pushed over HTTP or a
queue) and maps it onto the canonical names below; the prospects service
validates, normalises and de-duplicates. Rows carry their line (or item)
number so that every rejected row can be reported back to whoever supplied it.
"""

from __future__ import annotations

from abc import ABC
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clientela.clock import time_zone

LEAD_FIELDS = ("first_name", "last_name", "email", "phone", "company", "position", "needs")
"""Canonical lead fields a source may fill; anything else goes in ``LeadRow.extra``.

``needs`` is free text: what the person is interested in or asked for.
"""

ORIGIN_FIELDS = (
    "fair",
    "fair_date",
    "campaign",
    "medium",
    "channel",
    "form",
    "referrer",
    "referral_code",
)
"""Where a lead came from, beyond the source's name; all optional strings.

- ``fair``, ``fair_date``: the trade fair's name and its date (ISO ``YYYY-MM-DD``);
- ``campaign``, ``medium``, ``channel``: the marketing campaign, the medium
  (``utm_medium``: cpc, email, social...) and the channel or network
  (``utm_source``: google, facebook, linkedin, newsletter...);
- ``form``: the form (web form, lead-ads form) the person filled in;
- ``referrer``: the id of the customer who referred the person;
- ``referral_code``: a referral code the person brought (resolved by loyalty).
"""

CONSENT_FIELDS = ("purpose", "given_at", "method")
"""What a person agreed to, when, and how; all three when consent is recorded.

- ``purpose``: what they agreed to ("contact about products by e-mail");
- ``given_at``: when, as an ISO 8601 time (a date alone means midnight UTC);
- ``method``: how ("web form checkbox", "badge scan at the stand", "lead-ads form").

``given_at`` may be left empty: the service then takes the time the lead was
identified. A source never fills it with the time it reads the lead, or every
redelivery of one lead would be a new capture.
"""


@dataclass(frozen=True)
class LeadRow:
    """One lead as read from the source, before validation.

    ``fields`` uses :data:`LEAD_FIELDS`, ``origin`` :data:`ORIGIN_FIELDS` (it
    overrides the origin options of the whole import for this row) and
    ``consent`` :data:`CONSENT_FIELDS`; ``extra`` keeps anything else the
    source found, as strings.

    ``identified_at`` is when the person was identified, as the source knows
    it (ISO 8601 date or time): the badge scan, the form
    submission, the lead-ads ``created_time``. Leave it empty when the source
    does not know: the service then takes the time the lead reached it. Never
    fill it with the time of reading.

    ``cells`` is the row as read from a file, header -> value, so that a
    rejected row can be written back in its own columns (it is not sent to
    the service).

    ``identified_from`` says where ``identified_at`` was read, in the user's
    words: the column header as written in the file (``Fecha escaneo``), the
    payload's key (``created_time``) or the option (``option fair_date``). A
    rejection of the time names it rather than ``identified_at``.

    ``time_zone`` is the IANA zone of times written without one (its
    ``time_zone`` option, see :func:`time_zone_option`); when empty they are in
    the service's ``default_time_zone`` setting (UTC unless set). A date alone
    stays that day, midnight UTC.
    """

    line: int
    fields: dict[str, str]
    extra: dict[str, str] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)
    consent: dict[str, str] = field(default_factory=dict)
    identified_at: str = ""
    cells: dict[str, str] = field(default_factory=dict, compare=False)
    identified_from: str = field(default="", compare=False)
    time_zone: str = ""

    def as_message(self) -> dict[str, Any]:
        """The row as the prospects service's ``capture_leads`` takes it."""
        message = {
            "line": self.line,
            "fields": self.fields,
            "extra": self.extra,
            "origin": self.origin,
            "consent": self.consent,
        }
        if self.identified_at:
            message["identified_at"] = self.identified_at
        if self.identified_from:
            message["identified_from"] = self.identified_from
        if self.time_zone:
            message["time_zone"] = self.time_zone
        return message


@dataclass(frozen=True)
class RowProblem:
    """A row the source could not read at all (the service never sees it)."""

    line: int
    reason: str


class LeadSourceError(ValueError):
    """The input as a whole cannot be read (missing columns, wrong format...)."""


class LeadSource(ABC):
    """A kind of input leads arrive from: trade fairs, web forms, referrals...

    Subclass it, set ``name`` (what users type: ``clientela import <name> FILE``,
    and the ``<name>`` of ``POST /leads/<name>``) and a one-line
    ``description`` (listed by ``clientela plugins``), implement :meth:`read`
    for files, :meth:`parse` for pushed payloads, or both, and register an
    instance from the ``clientela_lead_sources`` hook.

    Declare the ``-o key=value`` options the source takes in ``options`` (each
    with what it means): an import given any other key is then refused with
    that list, so a misspelt ``-o fiar=...`` is not silently dropped. Options
    named like :data:`ORIGIN_FIELDS` are also recorded as the origin of every
    capture; declare those the source takes. A source that declares nothing
    (``options`` None) is given any option, as before.
    """

    name: str
    description: str = ""
    options: Mapping[str, str] | None = None
    """Each option this source takes and what it means; None: not declared (any is taken)."""

    def unknown_options(self, options: Iterable[str]) -> list[str]:
        """The keys among ``options`` this source does not take, sorted (none when undeclared)."""
        if self.options is None:
            return []
        return sorted(set(options) - set(self.options))

    @property
    def reads_files(self) -> bool:
        """Whether this source implements :meth:`read`."""
        return type(self).read is not LeadSource.read

    @property
    def parses_payloads(self) -> bool:
        """Whether this source implements :meth:`parse`."""
        return type(self).parse is not LeadSource.parse

    def read(self, path: Path, options: Mapping[str, str]) -> Iterator[LeadRow | RowProblem]:
        """Yield one item per row of the file at ``path``, lazily, so that large files stream.

        ``options`` are the user's ``-o key=value`` pairs. Raise LeadSourceError
        when the file cannot be read at all.
        """
        raise LeadSourceError(f"lead source {self.name!r} does not read files")

    def parse(self, payload: Any, options: Mapping[str, str]) -> Iterator[LeadRow | RowProblem]:
        """Yield one item per lead in a pushed ``payload`` (decoded JSON: HTTP body or message).

        Items are numbered from 1 in ``line``, in payload order. Raise
        LeadSourceError when the payload is not of a shape this source knows.
        """
        raise LeadSourceError(f"lead source {self.name!r} does not take pushed payloads")


TIME_ZONE_OPTION = (
    "the IANA time zone of times written without one, such as Europe/Madrid"
    " (default: the default_time_zone setting)"
)
"""What a source's ``time_zone`` option means, for its :attr:`LeadSource.options`."""


def time_zone_option(options: Mapping[str, str]) -> str:
    """The ``time_zone`` option given, checked; ``""`` without one.

    Raise LeadSourceError naming the option when it is not an IANA time zone.
    """
    name = (options.get("time_zone") or "").strip()
    if name:
        try:
            time_zone(name)
        except ValueError as exc:
            raise LeadSourceError(f"option time_zone: {exc}") from None
    return name
