"""What a lead source read, made ready for the prospects service: core helpers.

Both ends of a capture use them: the CLI's import (:mod:`clientela.cli.file_import`)
and the prospects service reading a pushed payload. A plugin's failure while
reading becomes a :class:`~clientela.leads.LeadSourceError` naming it, the
rows go as messages (``LeadRow.as_message``) in batches, and the options named
like origin fields become the origin of every capture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

from clientela.leads import ORIGIN_FIELDS, LeadRow, LeadSource, LeadSourceError, RowProblem


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


def batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of ``size`` (the last one shorter), read lazily."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
