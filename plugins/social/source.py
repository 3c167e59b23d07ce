"""The social lead source: pushed lead-ads payloads and JSON or JSON Lines files of them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from clientela.columns import json_file
from clientela.leads import LeadRow, LeadSource, LeadSourceError, RowProblem
from clientela.plugins.social.linkedin import (
    is_linkedin_envelope,
    is_linkedin_response,
    linkedin_responses,
    linkedin_row,
)
from clientela.plugins.social.meta import is_meta_envelope, is_meta_lead, meta_leads, meta_row

LeadsOf = Callable[[Any], list[Any]]
RowOf = Callable[[int, Any], LeadRow | RowProblem]

NETWORKS: dict[str, tuple[LeadsOf, RowOf]] = {
    "meta": (meta_leads, meta_row),
    "linkedin": (linkedin_responses, linkedin_row),
}
"""Each network: how to list the leads of a payload, and how to read one lead."""

ACCEPTED_SHAPES = (
    'a Meta lead (an object with "field_data"), a list of them, a Graph API page'
    ' {"data": [...]} or a leadgen webhook {"object": "page", "entry": [...]};'
    ' or a LinkedIn lead form response (an object with "formResponse"), a list of them'
    ' or {"elements": [...]}'
)
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


def network_option(options: Mapping[str, str]) -> str | None:
    """The ``network`` option (meta or linkedin), or None to detect it; LeadSourceError if other."""
    network = (options.get("network") or "").strip().lower()
    if network and network not in NETWORKS:
        raise LeadSourceError(f"option network: {network!r} is not one of {', '.join(NETWORKS)}")
    return network or None


def lead_network(item: Any) -> str | None:
    """The network one lead comes from, by its keys, or None when it is of neither."""
    if is_meta_lead(item):
        return "meta"
    if is_linkedin_response(item):
        return "linkedin"
    return None


def payload_network(payload: Any) -> str | None:
    """The network of a whole payload: by its envelope, its lead, or its first lead known.

    None for a payload of no known shape (an empty list included).
    """
    if is_meta_envelope(payload):
        return "meta"
    if is_linkedin_envelope(payload):
        return "linkedin"
    if isinstance(payload, list):
        return next(filter(None, map(lead_network, payload)), None)
    return lead_network(payload)


class SocialLeadAds(LeadSource):
    """Leads from the lead-ads forms of social networks: Meta (Facebook, Instagram) and LinkedIn."""

    name = "social"
    description = "Social lead-ads forms of Meta (Facebook, Instagram) and LinkedIn, as JSON"
    options = {"network": "meta or linkedin: read every lead as that network's (default: detect)"}

    def parse(self, payload: Any, options: Mapping[str, str]) -> Iterator[LeadRow | RowProblem]:
        """Yield one item per lead of ``payload``, numbered from 1 in payload order."""
        network = network_option(options) or payload_network(payload)
        if network is None:
            if payload == []:
                return
            raise LeadSourceError(f"social takes {ACCEPTED_SHAPES}; got {_describe(payload)}")
        leads_of, row_of = NETWORKS[network]
        for line, lead in enumerate(leads_of(payload), start=1):
            yield row_of(line, lead)

    def read(self, path: Path, options: Mapping[str, str]) -> Iterator[LeadRow | RowProblem]:
        """Yield one item per lead of a ``.json`` payload file, or per line of a JSON Lines file."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".json":
            yield from self.parse(json_file(path), options)
        elif suffix in JSON_LINES_SUFFIXES:
            yield from _read_json_lines(path, network_option(options))
        else:
            raise LeadSourceError(f"{path}: expected a .json, .jsonl or .ndjson file")


def _describe(payload: Any) -> str:
    if isinstance(payload, Mapping):
        return f"an object with keys {', '.join(map(str, payload)) or '(none)'}"
    if isinstance(payload, list):
        return "a list holding no Meta lead nor LinkedIn response"
    return f"a {type(payload).__name__}"


def _read_json_lines(path: Path, network: str | None) -> Iterator[LeadRow | RowProblem]:
    """One item per non-blank line, numbered as in the file; lines are read one at a time."""
    try:
        stream = path.open(encoding="utf-8-sig")
    except OSError as exc:
        raise LeadSourceError(f"cannot read {path}: {exc.strerror}") from None
    with stream:
        try:
            for line, text in enumerate(stream, start=1):
                if text.strip():
                    yield _json_line_row(line, text, network)
        except UnicodeDecodeError:
            raise LeadSourceError(f"{path}: not UTF-8 text") from None


def _json_line_row(line: int, text: str, network: str | None) -> LeadRow | RowProblem:
    try:
        lead = json.loads(text)
    except json.JSONDecodeError as exc:
        return RowProblem(line, f"not JSON: {exc.msg} (column {exc.colno})")
    network = network or lead_network(lead)
    if network is None:
        return RowProblem(
            line,
            'neither a Meta lead (an object with "field_data")'
            ' nor a LinkedIn lead form response (an object with "formResponse")',
        )
    return NETWORKS[network][1](line, lead)
