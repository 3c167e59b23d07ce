"""Reading the fields of one imported file row, and reporting a batch of them.

The rules every record import shares: blank means absent, a date or time
written without a zone is UTC, a moment that must have happened already is
refused when it lies in the future, a failed row is reported with the
errors that name its fields, and the rest of the batch goes on.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from clientela.checks import invalid
from clientela.columns import moment_text
from clientela.errors import ClientelaError, InvalidInput

Fields = Mapping[str, str]
"""One row's values by column name."""
Outcome = str
"""What a row did: ``created``, ``updated`` or ``unchanged``."""
Storage = TypeVar("Storage")


def plain(value: str) -> str:
    """``value`` trimmed, in lower case, without accents: how a written choice is matched."""
    decomposed = unicodedata.normalize("NFKD", value.strip().lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def text(row: Fields, name: str) -> str:
    """The row's ``name`` value, trimmed; empty when absent."""
    return (row.get(name) or "").strip()


def required(row: Fields, name: str) -> str:
    """The row's ``name`` value; InvalidInput naming it when blank."""
    value = text(row, name)
    if not value:
        raise invalid(name, "Missing data for required field.")
    return value


def moment(row: Fields, name: str, now: datetime, past: bool) -> datetime | None:
    """The row's date or time ``name`` (UTC when written without a zone); None when blank.

    With ``past``, a moment after ``now`` is refused: it has not happened yet.
    """
    value = text(row, name)
    if not value:
        return None
    try:
        found = datetime.fromisoformat(moment_text(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise invalid(name, str(exc)) from None
    if found.utcoffset() is None:
        found = found.replace(tzinfo=UTC)
    if past and found > now:
        raise invalid(name, "Is in the future; it must have happened already.")
    return found


def required_moment(row: Fields, name: str, now: datetime, past: bool) -> datetime:
    """:func:`moment`, refusing a blank value as missing."""
    found = moment(row, name, now, past)
    if found is None:
        raise invalid(name, "Missing data for required field.")
    return found


def outcome(before: dict[str, Any] | None, after: dict[str, Any]) -> Outcome:
    """``created`` when nothing was there ``before``, else ``unchanged`` or ``updated``."""
    if before is None:
        return "created"
    return "unchanged" if after == before else "updated"


def row_errors(exc: ClientelaError) -> dict[str, Any]:
    """The errors of a failed row by field (NotFound's ``field: message`` split)."""
    if isinstance(exc, InvalidInput):
        return exc.errors
    field, _, message = str(exc).partition(": ")
    return {field: [message]} if message else {"row": [field]}


def new_report() -> dict[str, Any]:
    """A batch's report with nothing counted yet."""
    return {"created": 0, "updated": 0, "unchanged": 0, "rejected": []}


def reject(report: dict[str, Any], line: int, exc: ClientelaError) -> None:
    """Report line ``line`` rejected, with the errors of ``exc`` by field."""
    report["rejected"].append({"line": line, "errors": row_errors(exc)})


def import_batch(
    importer: Callable[[Fields, datetime, Storage], Outcome],
    rows: list[dict[str, Any]],
    now: datetime,
    uow: Storage,
) -> dict[str, Any]:
    """Write each row (``{"line": n, "fields": {...}}``) with ``importer``; the batch's report:
    how many were created, updated and unchanged, and each rejected line with its errors."""
    report = new_report()
    for row in rows:
        try:
            report[importer(row["fields"], now, uow)] += 1
        except ClientelaError as exc:
            reject(report, row["line"], exc)
    return report
