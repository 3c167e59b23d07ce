"""Web-form submissions, pushed as JSON or exported as CSV, into lead rows."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from clientela.columns import (
    CONSENT_ALIASES,
    IDENTIFIED_AT_ALIASES,
    ColumnMap,
    MappedRow,
    cell_text,
    csv_rows,
    field_for,
    header_among,
    json_file,
    map_rows,
    says_yes,
    time_of,
)
from clientela.leads import (
    TIME_ZONE_OPTION,
    LeadRow,
    LeadSource,
    LeadSourceError,
    RowProblem,
    time_zone_option,
)

SUBMISSION_ALIASES: dict[str, tuple[str, ...]] = {
    "form": ("form", "form_id", "form_name"),
    "page_url": ("page_url", "landing_page", "url"),
    "consent": CONSENT_ALIASES,
    "submitted_at": ("submitted_at", "submission_time", "created_time", *IDENTIFIED_AT_ALIASES),
}
"""Keys gathered under one extra key each; others (``utm_source``...) keep their normalised name."""

UTM_ORIGIN = {"utm_source": "channel", "utm_medium": "medium", "utm_campaign": "campaign"}
"""UTM parameters recorded as the lead's origin; ``utm_term`` and ``utm_content`` stay extra."""

UTM_KEYS = (*UTM_ORIGIN, "utm_term", "utm_content")
CONSENT_KEYS = ("consent", "consent_text")
DEFAULT_OPTIONS = ("campaign", "channel", "medium")
OPTIONS = {
    "campaign": "the campaign of submissions that name none",
    "channel": "the channel (utm_source) of submissions that name none",
    "medium": "the medium (utm_medium) of submissions that name none",
    "consent_purpose": "what consent is for when a submission has no consent_text",
    "time_zone": TIME_ZONE_OPTION,
}
DEFAULT_CONSENT_PURPOSE = "contact about the offer in the form"
CONSENT_METHOD = "web form checkbox"


def submissions_of(payload: Any) -> list[Any]:
    """The submissions in a payload: one object, a list, or ``{"submissions": [...]}``."""
    if isinstance(payload, Mapping) and "submissions" in payload:
        payload = payload["submissions"]
        if not isinstance(payload, list):
            raise LeadSourceError('"submissions" must be a list of submission objects')
    if isinstance(payload, Mapping):
        return [payload]
    if isinstance(payload, list):
        return payload
    raise LeadSourceError(
        'webforms takes a submission object, a list of them or {"submissions": [...]},'
        f" not {type(payload).__name__}"
    )


def utm_from_url(url: str) -> dict[str, str]:
    """The non-empty ``utm_*`` parameters of ``url``'s query string (the first value of each)."""
    try:
        query = parse_qs(urlsplit(url).query)
    except ValueError:  # not a URL at all: it is still kept as extra, it just carries no UTM
        return {}
    return {
        key: values[0].strip()
        for key, values in query.items()
        if key in UTM_KEYS and values[0].strip()
    }


def parse_submission(number: int, item: Any) -> MappedRow | RowProblem:
    """One pushed submission's lead fields and extra values, or why it cannot be read.

    Keys are matched like file headers (``clientela.columns``); values become
    text. A nested object or list is refused under a lead-field key and kept
    as JSON text under any other.
    """
    if not isinstance(item, Mapping):
        return RowProblem(number, f"a submission must be an object, not {type(item).__name__}")
    keys = [str(key) for key in item]
    cells = []
    for key, value in zip(keys, item.values(), strict=True):
        if isinstance(value, Mapping | list):
            if field := field_for(key):
                return RowProblem(number, f"{key}: a nested value where {field} text is expected")
            cells.append(json.dumps(value, ensure_ascii=False))
        else:
            cells.append(cell_text(value))
    columns = ColumnMap.from_headers(keys, SUBMISSION_ALIASES)
    return MappedRow(number, *columns.split(cells), columns.cells(cells))


def submission_row(row: MappedRow, options: Mapping[str, str]) -> LeadRow | RowProblem:
    """The lead row of one submission, from its fields and extra values.

    UTM parameters the submission lacks are taken from its page URL; source,
    medium and campaign become the origin (the options of the same names fill
    what is still missing), as does the form. The person was identified at
    ``submitted_at`` (kept as extra too); a consent that says yes is recorded
    as given then (the service takes the time of receipt when it is absent).
    A ``submitted_at`` that is not a date or time makes the submission a problem.
    """
    extra = dict(row.extra)
    try:
        submitted_at = time_of(row, "submitted_at", SUBMISSION_ALIASES["submitted_at"])
    except ValueError as exc:
        return RowProblem(row.line, str(exc))
    if submitted_at:
        extra["submitted_at"] = submitted_at
    consent = _consent(extra, options)
    extra = {key: value for key, value in extra.items() if key not in CONSENT_KEYS}
    for key, value in utm_from_url(extra.get("page_url", "")).items():
        extra.setdefault(key, value)
    origin = {name: extra.pop(key) for key, name in UTM_ORIGIN.items() if key in extra}
    if "form" in extra:
        origin["form"] = extra.pop("form")
    for name in DEFAULT_OPTIONS:
        if options.get(name) and name not in origin:
            origin[name] = options[name]
    identified_from = ""
    if submitted_at:
        identified_from = header_among(
            row.cells, SUBMISSION_ALIASES["submitted_at"], "submitted_at"
        )
    return LeadRow(
        row.line,
        row.fields,
        extra,
        origin,
        consent,
        extra.get("submitted_at", ""),
        row.cells,
        identified_from,
        time_zone_option(options),
    )


def _consent(extra: Mapping[str, str], options: Mapping[str, str]) -> dict[str, str]:
    if not says_yes(extra.get("consent", "")):
        return {}
    return {
        "purpose": extra.get("consent_text")
        or options.get("consent_purpose")
        or DEFAULT_CONSENT_PURPOSE,
        "given_at": extra.get("submitted_at", ""),
        "method": CONSENT_METHOD,
    }


class WebFormSubmissions(LeadSource):
    """Submissions of web forms, with their UTM campaign parameters."""

    name = "webforms"
    description = "Web-form submissions with UTM campaign fields (JSON push or CSV export)"
    options = OPTIONS

    def parse(self, payload: Any, options: Mapping[str, str]) -> Iterator[LeadRow | RowProblem]:
        """Yield one item per submission of ``payload``, numbered from 1."""
        time_zone_option(options)  # a wrong one is refused before any submission
        for number, item in enumerate(submissions_of(payload), start=1):
            row = parse_submission(number, item)
            yield row if isinstance(row, RowProblem) else submission_row(row, options)

    def read(self, path: Path, options: Mapping[str, str]) -> Iterator[LeadRow | RowProblem]:
        """Yield one item per submission of a ``.json`` file (numbered from 1, as pushed), or
        per row of a CSV export of submissions (the header is line 1)."""
        time_zone_option(options)
        if Path(path).suffix.lower() == ".json":
            yield from self.parse(json_file(Path(path)), options)
            return
        rows = map_rows(
            csv_rows(Path(path)),
            str(path),
            required=("email", "phone"),
            extra_aliases=SUBMISSION_ALIASES,
        )
        for row in rows:
            yield row if isinstance(row, RowProblem) else submission_row(row, options)
