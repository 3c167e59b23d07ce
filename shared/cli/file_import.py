"""Feeding a file to a lead source and its rows, in batches, to the prospects service."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clientela.errors import describe_errors
from clientela.leads import LeadRow, LeadSource
from clientela.payloads import batches, guarded, origin_options, split_items

Capture = Callable[[list[dict[str, Any]], dict[str, str]], Any]
"""Sends a batch of rows with their origin; returns the service's report, or a pending
reply whose ``result()`` returns it (then several batches are in flight at once)."""


@dataclass
class ImportSummary:
    """What an import did, row by row.

    ``rejected_rows`` holds each rejected row as read (header -> value, see
    ``LeadRow.cells``; its lead fields and extra values when the source kept
    no cells), by line, so that the rows can be written back for fixing.
    ``possible_duplicates`` counts the pairs put on the review list, and
    ``shared_lines`` are phones and role mailboxes found carried by different
    people (they identify nobody).
    """

    rows: int = 0
    created: int = 0
    merged: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    rejected_rows: dict[int, dict[str, str]] = field(default_factory=dict)
    possible_duplicates: int = 0
    shared_lines: set[str] = field(default_factory=set)

    def counts(self) -> str:
        """What became of the rows so far, in the words the progress line and summary share."""
        return (
            f"{self.created} new prospects, {self.merged} matched an existing person, "
            f"{self.unchanged} already imported, {len(self.rejected)} rejected"
        )

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain data, for ``--json``."""
        return {
            "rows": self.rows,
            "created": self.created,
            "merged": self.merged,
            "unchanged": self.unchanged,
            "rejected": [
                {"line": line, "reason": reason, "row": self.rejected_rows.get(line, {})}
                for line, reason in self.rejected
            ],
            "possible_duplicates": self.possible_duplicates,
            "shared_lines": sorted(self.shared_lines),
        }


def as_read(row: LeadRow) -> dict[str, str]:
    """The row as its file has it (``cells``), or else its lead fields and extra values."""
    return dict(row.cells) if row.cells else {**row.fields, **row.extra}


def import_file(
    source: LeadSource,
    path: Path,
    options: Mapping[str, str],
    capture: Capture,
    batch_size: int = 500,
    progress: Callable[[ImportSummary], None] | None = None,
    in_flight: int = 2,
) -> ImportSummary:
    """Read ``path`` with ``source`` and send its rows to ``capture`` in batches.

    Rows the source cannot read and rows the service rejects are both reported
    with their line; every other row lands. When ``capture`` returns pending
    replies, up to ``in_flight`` batches are sent before waiting for the
    oldest, so reading the file overlaps the service's work.
    """
    summary = ImportSummary()
    origin = origin_options(options)
    items = guarded(source, lambda: source.read(path, options), str(path))
    pending: deque[tuple[int, dict[int, dict[str, str]], Any]] = deque()

    def settle(size: int, read: dict[int, dict[str, str]], reply: Any) -> None:
        report = reply.result() if hasattr(reply, "result") else reply
        summary.rows += size
        summary.created += report["created"]
        summary.merged += report["merged"]
        summary.unchanged += report["unchanged"]
        summary.possible_duplicates += report.get("possible_duplicates", 0)
        summary.shared_lines.update(report.get("shared_lines", ()))
        for rejected in report["rejected"]:
            summary.rejected.append((rejected["line"], describe_errors(rejected["errors"])))
            if rejected["line"] in read:
                summary.rejected_rows[rejected["line"]] = read[rejected["line"]]
        if progress is not None:
            progress(summary)

    for batch in batches(items, batch_size):
        rows, problems = split_items(batch)
        summary.rejected.extend(problems)
        read = {item.line: as_read(item) for item in batch if isinstance(item, LeadRow)}
        pending.append((len(batch), read, capture(rows, origin) if rows else _NOTHING))
        while len(pending) >= max(1, in_flight):
            settle(*pending.popleft())
    while pending:
        settle(*pending.popleft())
    summary.rejected.sort()
    return summary


_NOTHING = {"created": 0, "merged": 0, "unchanged": 0, "rejected": []}
