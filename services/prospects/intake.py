"""Rows as they reach the prospects service, checked into the command that captures them.

A batch arrives as rows (RPC ``capture_leads``, which ``clientela import``
calls) or as a payload a lead source reads (the webhook, the inbox). Each row
is loaded through :data:`~clientela.services.prospects.schemas.lead_row_schema`
here, at the edge; a row that does not load is rejected by its line (or its
1-based position), and the others go on to the use case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from itertools import islice
from typing import Any

from marshmallow import ValidationError

from clientela.errors import InvalidInput
from clientela.leads import LeadSource, LeadSourceError
from clientela.payloads import guarded, origin_options, split_items
from clientela.services.prospects.domain.commands import CaptureLeads
from clientela.services.prospects.schemas import lead_row_schema

MAX_ROWS = 5000
"""Rows one call may carry: the CLI sends 500 at a time; larger payloads should be split."""


def rows_to_capture(source: str, rows: Any, origin: Mapping[str, str]) -> CaptureLeads:
    """The command capturing ``rows`` from ``source``, each row loaded or rejected.

    InvalidInput when ``rows`` is not a list of at most :data:`MAX_ROWS`.
    """
    if not isinstance(rows, list) or len(rows) > MAX_ROWS:
        raise InvalidInput({"rows": [f"Must be a list of at most {MAX_ROWS} rows."]})
    loaded, rejected = [], []
    for position, raw in enumerate(rows, start=1):
        try:
            loaded.append(lead_row_schema.load(raw))
        except ValidationError as exc:
            line = raw.get("line") if isinstance(raw, dict) else None
            rejected.append(
                {
                    "line": line if isinstance(line, int) else position,
                    "errors": exc.normalized_messages(),
                }
            )
    return CaptureLeads(source, loaded, origin, rejected)


def payload_to_capture(
    source: LeadSource, payload: Any, options: Mapping[str, str]
) -> CaptureLeads:
    """The command capturing the leads ``source`` reads from a pushed payload.

    Leads the source cannot read are rejected with their item number, next to
    the rows that do not load; options named like origin fields are the
    origin. InvalidInput when the source cannot read the payload or it holds
    more than :data:`MAX_ROWS` leads.
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
    command = rows_to_capture(source.name, rows, origin_options(options))
    unread = [{"line": line, "errors": {"row": [reason]}} for line, reason in problems]
    return replace(command, rejected=[*command.rejected, *unread])
