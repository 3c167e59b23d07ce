"""What a lead-source plugin produces: rows of lead fields, or problems with rows.

A lead source only reads its input (a file, a payload) and maps it onto the
canonical field names below; the prospects service validates, normalises and
de-duplicates. Rows carry their line (or item) number so that every rejected
row can be reported back to the person who supplied the file.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

LEAD_FIELDS = ("first_name", "last_name", "email", "phone", "company", "position")
"""Canonical lead fields a source may fill; anything else goes in ``LeadRow.extra``."""


@dataclass(frozen=True)
class LeadRow:
    """One lead as read from the source, before validation."""

    line: int
    fields: dict[str, str]
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RowProblem:
    """A row the source could not read at all (the service never sees it)."""

    line: int
    reason: str


class LeadSourceError(ValueError):
    """The input as a whole cannot be read (missing columns, wrong format...)."""


class LeadSource(ABC):
    """A kind of input leads arrive from: trade fairs, web forms, referrals...

    Subclass it, set ``name`` (what users type: ``clientela import <name> FILE``)
    and a one-line ``description`` (listed by ``clientela plugins``), implement
    :meth:`read`, and register an instance from the ``clientela_lead_sources`` hook.
    """

    name: str
    description: str = ""

    @abstractmethod
    def read(self, path: Path, options: Mapping[str, str]) -> Iterator[LeadRow | RowProblem]:
        """Yield one item per input row, lazily, so that large files stream.

        Raise LeadSourceError when the input cannot be read at all.
        """
