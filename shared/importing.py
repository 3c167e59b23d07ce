"""Feeding a file to a lead source and its rows, in batches, to the prospects service."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from clientela.errors import describe_errors
from clientela.leads import ORIGIN_FIELDS, LeadRow, LeadSource, LeadSourceError, RowProblem

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


def guarded(
    source: LeadSource, read: Callable[[], Iterable[LeadRow | RowProblem]], what: str
) -> Iterator[LeadRow | RowProblem]:
    """The items ``read()`` yields; a plugin's failure becomes a LeadSourceError naming it."""
    try:
        for item in read():
            if not isinstance(item, (LeadRow, RowProblem)) or not isinstance(item.line, int):
                raise LeadSourceError(
                    f"lead source {source.name!r} yielded {item!r}, not a numbered row"
                )
            yield item
    except LeadSourceError:
        raise
    except Exception as exc:
        raise LeadSourceError(
            f"lead source {source.name!r} failed reading {what}: {exc!r}"
        ) from exc


def check_options(source: LeadSource, options: Mapping[str, str]) -> None:
    """Refuse options ``source`` does not take; LeadSourceError lists those it takes."""
    unknown = source.unknown_options(options)
    if unknown:
        taken = ", ".join(f"{key} ({meaning})" for key, meaning in (source.options or {}).items())
        raise LeadSourceError(
            f"option {', '.join(unknown)}: not an option of {source.name}"
            f" (it takes: {taken or 'no options'})"
        )


def split_items(items: list[LeadRow | RowProblem]) -> tuple[list[dict], list[tuple[int, str]]]:
    """Rows to send to ``capture_leads`` (as messages) and the problems the source reported."""
    rows, problems = [], []
    for item in items:
        if isinstance(item, RowProblem):
            problems.append((item.line, item.reason))
        else:
            rows.append(item.as_message())
    return rows, problems


def origin_options(options: Mapping[str, str]) -> dict[str, str]:
    """The options recorded as the origin of every capture of an import."""
    return {key: options[key] for key in ORIGIN_FIELDS if options.get(key)}


def as_read(row: LeadRow) -> dict[str, str]:
    """The row as its file has it (``cells``), or else its lead fields and extra values."""
    return dict(row.cells) if row.cells else {**row.fields, **row.extra}


def batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of ``size`` (the last one shorter), read lazily."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


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
    pending: deque[tuple[int, Any]] = deque()

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
