"""Feeding a file to a lead source and its rows, in batches, to the prospects service."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from clientela.errors import describe_errors
from clientela.leads import LeadRow, LeadSource, LeadSourceError, RowProblem

ORIGIN_OPTIONS = ("fair", "campaign")
"""Import options that are recorded as the origin of every capture."""

Capture = Callable[[list[dict[str, Any]], dict[str, str]], dict[str, Any]]


@dataclass
class ImportSummary:
    """What an import did, row by row."""

    rows: int = 0
    created: int = 0
    merged: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain data, for ``--json``."""
        return {
            "rows": self.rows,
            "created": self.created,
            "merged": self.merged,
            "unchanged": self.unchanged,
            "rejected": [{"line": line, "reason": reason} for line, reason in self.rejected],
        }


def _guarded(
    source: LeadSource, path: Path, options: Mapping[str, str]
) -> Iterator[LeadRow | RowProblem]:
    """The source's rows; a plugin's unexpected failure becomes a LeadSourceError naming it."""
    try:
        yield from source.read(path, options)
    except LeadSourceError:
        raise
    except Exception as exc:
        raise LeadSourceError(
            f"lead source {source.name!r} failed reading {path}: {exc!r}"
        ) from exc


def _batches(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while batch := list(islice(items, size)):
        yield batch


def import_file(
    source: LeadSource,
    path: Path,
    options: Mapping[str, str],
    capture: Capture,
    batch_size: int = 500,
    progress: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Read ``path`` with ``source`` and send its rows to ``capture`` in batches.

    Rows the source cannot read and rows the service rejects are both reported
    with their line; every other row lands.
    """
    summary = ImportSummary()
    origin = {key: options[key] for key in ORIGIN_OPTIONS if options.get(key)}
    for batch in _batches(_guarded(source, path, options), batch_size):
        summary.rows += len(batch)
        rows = []
        for item in batch:
            if isinstance(item, RowProblem):
                summary.rejected.append((item.line, item.reason))
            elif isinstance(item, LeadRow):
                rows.append({"line": item.line, "fields": item.fields, "extra": item.extra})
        if rows:
            report = capture(rows, origin)
            summary.created += report["created"]
            summary.merged += report["merged"]
            summary.unchanged += report["unchanged"]
            summary.rejected.extend(
                (r["line"], describe_errors(r["errors"])) for r in report["rejected"]
            )
        if progress is not None:
            progress(summary)
    summary.rejected.sort()
    return summary
