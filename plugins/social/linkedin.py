"""LinkedIn lead gen forms: lead form responses into lead rows."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from clientela.columns import cell_text
from clientela.leads import LeadRow, LeadSourceError, RowProblem
from clientela.plugins.social.forms import lead_fields, question_key, ticked_consent, utc_iso

RESPONSE_MARKERS = frozenset({"formResponse", "submittedAt", "versionedLeadGenFormUrn", "leadType"})
"""Keys only a LinkedIn lead form response has; any one of them identifies it."""

PAID_LEAD_TYPES = frozenset({"SPONSORED", ""})
"""``leadType`` values of leads from ads (absent means an ad); others are organic."""

FORM_ID = re.compile(r"leadGenForm:(\d+)")
CONSENT_METHOD = "LinkedIn lead gen form"


def is_linkedin_response(item: Any) -> bool:
    """Whether ``item`` is an object with one of the :data:`RESPONSE_MARKERS` keys."""
    return isinstance(item, Mapping) and not RESPONSE_MARKERS.isdisjoint(item)


def is_linkedin_envelope(payload: Any) -> bool:
    """Whether ``payload`` is a page of responses: ``{"elements": [...]}``."""
    return isinstance(payload, Mapping) and isinstance(payload.get("elements"), list)


def linkedin_responses(payload: Any) -> list[Any]:
    """The responses of a LinkedIn payload, in order: one, a list, or ``{"elements": [...]}``.

    Raise LeadSourceError when the payload is none of these.
    """
    if is_linkedin_envelope(payload):
        return payload["elements"]
    if isinstance(payload, Mapping):
        return [payload]
    if isinstance(payload, list):
        return payload
    raise LeadSourceError(
        "LinkedIn lead gen forms: expected a lead form response, a list of them"
        f' or {{"elements": [...]}}, not {type(payload).__name__}'
    )


def linkedin_row(line: int, response: Any) -> LeadRow | RowProblem:
    """The lead row of one LinkedIn lead form response, or why it cannot be read.

    A response needs a non-empty ``formResponse.answers`` list whose answers
    each name their question (``predefinedField``, ``name`` or
    ``questionId``) and, when given, ``submittedAt`` in epoch milliseconds.
    """
    if not isinstance(response, Mapping):
        found = type(response).__name__
        return RowProblem(line, f"a LinkedIn response must be an object, not {found}")
    lead_id = cell_text(response.get("id"))
    where = f"LinkedIn lead {lead_id}" if lead_id else "LinkedIn lead"
    form_response = response.get("formResponse")
    if not isinstance(form_response, Mapping):
        return RowProblem(line, f"{where}: no formResponse answers")
    answers = form_response.get("answers")
    if not isinstance(answers, list) or not answers:
        return RowProblem(line, f"{where}: no formResponse answers")
    pairs = []
    for answer in answers:
        key = _question_key(answer)
        if key is None:
            return RowProblem(
                line, f"{where}: an answer without a predefinedField, name or questionId"
            )
        pairs.append((key, _answer_text(answer)))
    submitted = response.get("submittedAt")
    if submitted is not None and (isinstance(submitted, bool) or not isinstance(submitted, int)):
        return RowProblem(line, f"{where}: submittedAt {submitted!r} is not epoch milliseconds")
    submitted_at = None if submitted is None else utc_iso(_from_epoch_ms(submitted))
    fields, extra = lead_fields(pairs)
    extra.update(_details(lead_id, submitted_at, response))
    consent = ticked_consent(_accepted_consents(form_response), submitted_at, CONSENT_METHOD)
    return LeadRow(
        line,
        fields,
        extra,
        _origin(response),
        consent,
        submitted_at or "",
        identified_from="submittedAt",
    )


def _from_epoch_ms(milliseconds: int) -> datetime:
    seconds, rest = divmod(milliseconds, 1000)
    return datetime.fromtimestamp(seconds, UTC) + timedelta(milliseconds=rest)


def _question_key(answer: Any) -> str | None:
    if not isinstance(answer, Mapping):
        return None
    for key in ("predefinedField", "name"):
        if isinstance(answer.get(key), str) and answer[key].strip():
            return question_key(answer[key])
    if answer.get("questionId") is not None:
        return f"question_{cell_text(answer['questionId'])}"
    return None


def _answer_text(answer: Mapping[str, Any]) -> str:
    details = answer.get("answerDetails")
    if not isinstance(details, Mapping):
        return ""
    text = details.get("textQuestionAnswer")
    if isinstance(text, Mapping):
        return cell_text(text.get("answer"))
    choice = details.get("multipleChoiceAnswer")
    options = choice.get("options") if isinstance(choice, Mapping) else None
    return ", ".join(map(cell_text, options)) if isinstance(options, list) else ""


def _urn_id(urn: Any) -> str:
    """``"urn:li:sponsoredCampaign:456"`` -> ``"456"``."""
    return cell_text(urn).rsplit(":", 1)[-1]


def _details(lead_id: str, submitted_at: str | None, response: Mapping[str, Any]) -> dict[str, str]:
    details = {
        "lead_id": lead_id,
        "submitted_at": submitted_at or "",
        "lead_type": cell_text(response.get("leadType")),
        "test_lead": "true" if response.get("testLead") is True else "",
    }
    return {key: value for key, value in details.items() if value}


def _origin(response: Mapping[str, Any]) -> dict[str, str]:
    entity = response.get("associatedEntity")
    metadata = response.get("leadMetadata")
    sponsored = metadata.get("sponsoredLeadMetadata") if isinstance(metadata, Mapping) else None
    campaign = (entity.get("sponsoredCampaign") if isinstance(entity, Mapping) else None) or (
        sponsored.get("campaign") if isinstance(sponsored, Mapping) else None
    )
    form = FORM_ID.search(cell_text(response.get("versionedLeadGenFormUrn")))
    lead_type = cell_text(response.get("leadType"))
    origin = {
        "channel": "linkedin",
        "medium": "paid_social" if lead_type in PAID_LEAD_TYPES else "social",
        "campaign": _urn_id(campaign) if campaign else "",
        "form": form.group(1) if form else "",
    }
    return {key: value for key, value in origin.items() if value}


def _accepted_consents(form_response: Mapping[str, Any]) -> list[str]:
    responses = form_response.get("consentResponses")
    return [
        cell_text(response.get("consentId")) or "consent"
        for response in (responses if isinstance(responses, list) else [])
        if isinstance(response, Mapping) and response.get("accepted") is True
    ]
