"""Meta (Facebook and Instagram) lead ads: Graph API leads and leadgen webhooks into lead rows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from clientela.columns import cell_text, says_yes
from clientela.leads import LeadRow, LeadSourceError, RowProblem
from clientela.plugins.social.forms import lead_fields, question_key, ticked_consent, utc_iso

LEAD_MARKERS = frozenset({"field_data", "leadgen_id", "created_time", "form_id", "ad_id"})
"""Keys only a Meta lead (or a leadgen webhook value) has; any one of them identifies it."""

CHANNELS = {"fb": "facebook", "ig": "instagram"}
"""Meta's ``platform`` codes and the origin channel of each; any other is "facebook"."""

AD_EXTRA = ("ad_id", "ad_name", "adset_name")
"""Ad details kept as extra values of the lead."""

CONSENT_METHOD = "Meta lead ads form"


def is_meta_lead(item: Any) -> bool:
    """Whether ``item`` is an object with one of the :data:`LEAD_MARKERS` keys."""
    return isinstance(item, Mapping) and not LEAD_MARKERS.isdisjoint(item)


def is_meta_envelope(payload: Any) -> bool:
    """Whether ``payload`` is a Graph API page (``"data"``) or a webhook (``"entry"``) of leads."""
    return isinstance(payload, Mapping) and any(
        isinstance(payload.get(key), list) for key in ("data", "entry")
    )


def meta_leads(payload: Any) -> list[Any]:
    """The leads of a Meta payload, in order: one lead, a list, a page or a webhook notification.

    Of a webhook notification, the ``value`` of every ``leadgen`` change of
    every entry; other changes are not leads. Raise LeadSourceError when the
    payload is none of these or a webhook notification is malformed.
    """
    if isinstance(payload, Mapping) and isinstance(payload.get("data"), list):
        return payload["data"]
    if isinstance(payload, Mapping) and isinstance(payload.get("entry"), list):
        return _webhook_values(payload["entry"])
    if isinstance(payload, Mapping):
        return [payload]
    if isinstance(payload, list):
        return payload
    raise LeadSourceError(
        'Meta lead ads: expected a lead, a list of leads, {"data": [...]} or a leadgen webhook'
        f' {{"object": "page", "entry": [...]}}, not {type(payload).__name__}'
    )


def _webhook_values(entries: list[Any]) -> list[Any]:
    values: list[Any] = []
    for entry in entries:
        changes = entry.get("changes") if isinstance(entry, Mapping) else None
        if not isinstance(changes, list):
            raise LeadSourceError('Meta webhook: every "entry" must be an object with "changes"')
        values.extend(
            change.get("value")
            for change in changes
            if isinstance(change, Mapping) and change.get("field") == "leadgen"
        )
    return values


def meta_row(line: int, lead: Any) -> LeadRow | RowProblem:
    """The lead row of one Meta lead, or why it cannot be read.

    A lead needs a non-empty ``field_data`` list of ``{"name", "values"}``
    answers (a bare webhook notification has none: the lead must be fetched
    from the Graph API first) and, when given, a readable ``created_time``.
    """
    if not isinstance(lead, Mapping):
        return RowProblem(line, f"a Meta lead must be an object, not {type(lead).__name__}")
    lead_id = cell_text(lead.get("id") or lead.get("leadgen_id"))
    where = f"Meta lead {lead_id}" if lead_id else "Meta lead"
    field_data = lead.get("field_data")
    if not isinstance(field_data, list) or not field_data:
        return RowProblem(line, f"{where}: no field_data (fetch the lead's answers from Meta)")
    answers = []
    for answer in field_data:
        if not (isinstance(answer, Mapping) and isinstance(answer.get("name"), str)):
            return RowProblem(line, f"{where}: a field_data answer without a name")
        values = answer.get("values")
        if not isinstance(values, list):
            return RowProblem(line, f"{where}: the values of {answer['name']!r} are not a list")
        texts = (cell_text(value).strip() for value in values)
        answers.append((question_key(answer["name"]), ", ".join(text for text in texts if text)))
    try:
        submitted_at = _created_time(lead.get("created_time"))
    except ValueError:
        return RowProblem(line, f"{where}: created_time {lead['created_time']!r} is not a time")
    fields, extra = lead_fields(answers)
    extra.update(_details(lead_id, submitted_at, lead))
    consent = _consent(lead, submitted_at)
    return LeadRow(
        line,
        fields,
        extra,
        _origin(lead),
        consent,
        submitted_at or "",
        identified_from="created_time",
    )


def _created_time(value: Any) -> str | None:
    """``created_time`` as ISO 8601 UTC: Graph API text (``...+0000``) or webhook epoch seconds."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return utc_iso(datetime.fromtimestamp(value, UTC))
    if isinstance(value, str):
        return utc_iso(datetime.fromisoformat(value))
    raise ValueError(value)


def _details(lead_id: str, submitted_at: str | None, lead: Mapping[str, Any]) -> dict[str, str]:
    details = {"lead_id": lead_id, "submitted_at": submitted_at or ""}
    details.update((key, cell_text(lead.get(key))) for key in AD_EXTRA)
    return {key: value for key, value in details.items() if value}


def _origin(lead: Mapping[str, Any]) -> dict[str, str]:
    origin = {
        "channel": CHANNELS.get(cell_text(lead.get("platform")).lower(), "facebook"),
        "medium": "social" if lead.get("is_organic") is True else "paid_social",
        "campaign": cell_text(lead.get("campaign_name") or lead.get("campaign_id")),
        "form": cell_text(lead.get("form_id")),
    }
    return {key: value for key, value in origin.items() if value}


def _consent(lead: Mapping[str, Any], submitted_at: str | None) -> dict[str, str]:
    responses = lead.get("custom_disclaimer_responses")
    ticked = [
        cell_text(response.get("checkbox_key")) or "disclaimer"
        for response in (responses if isinstance(responses, list) else [])
        if isinstance(response, Mapping) and says_yes(cell_text(response.get("is_checked")))
    ]
    return ticked_consent(ticked, submitted_at, CONSENT_METHOD)
