"""The events the prospects service publishes, built from a profile (the stored dict shape)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from clientela.events import new_event
from clientela.leads import ORIGIN_FIELDS

PERSON_FIELDS = ("first_name", "last_name", "phone", "company", "position")


def _person(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "prospect_id": profile["_id"],
        "email": profile.get("email") or None,
        **{name: profile.get(name) or "" for name in PERSON_FIELDS},
        "source": profile["source"],
        "captured_at": profile["captured_at"],
        "identified_at": _identified_at(profile),
    }


def _identified_at(profile: Mapping[str, Any]) -> datetime:
    """When the person was first identified (profiles stored before it was kept: captured)."""
    return profile.get("identified_at") or profile["captured_at"]


def _origin(profile: Mapping[str, Any]) -> dict[str, str]:
    origin = profile.get("origin") or {}
    return {name: origin[name] for name in ORIGIN_FIELDS if origin.get(name)}


def captured(profile: Mapping[str, Any]) -> dict:
    """``prospect_captured``: a new person entered the pipeline."""
    return new_event(
        "prospect_captured",
        {
            **_person(profile),
            **_origin(profile),
            "completeness": profile["completeness"],
            "score": profile["score"],
            "consent": bool(profile.get("consent")),
        },
        occurred_at=profile["captured_at"],
    )


def updated(profile: Mapping[str, Any], reason: str, at: datetime) -> dict:
    """``prospect_updated``: completeness and score after a change, and the person's identity
    for the indicators: when, from which source and origin it was first identified, and its
    first contact (a merge or an unmerge moves them)."""
    return new_event(
        "prospect_updated",
        {
            "prospect_id": profile["_id"],
            "completeness": profile["completeness"],
            "score": profile["score"],
            "reason": reason,
            "updated_at": at,
            "identified_at": _identified_at(profile),
            "source": profile["source"],
            **_origin(profile),
            "first_contact_at": profile.get("first_contact_at"),
        },
        occurred_at=at,
    )


def merged(survivor_id: str, merged_id: str, reason: str, by: str, at: datetime) -> dict:
    """``prospect_merged``: ``merged_id`` was found to be ``survivor_id``'s person."""
    return new_event(
        "prospect_merged",
        {
            "survivor_id": survivor_id,
            "merged_id": merged_id,
            "reason": reason,
            "by": by,
            "merged_at": at,
        },
        occurred_at=at,
    )


def unmerged(survivor_id: str, restored_id: str, by: str, at: datetime) -> dict:
    """``prospect_unmerged``: an operator undid a merge."""
    return new_event(
        "prospect_unmerged",
        {"survivor_id": survivor_id, "restored_id": restored_id, "by": by, "unmerged_at": at},
        occurred_at=at,
    )


def contacted(
    profile: Mapping[str, Any], interaction: Mapping[str, Any], first: bool, logged_at: datetime
) -> dict:
    """``prospect_contacted``: an interaction was logged at ``logged_at``."""
    return new_event(
        "prospect_contacted",
        {
            "interaction_id": interaction["id"],
            "prospect_id": profile["_id"],
            "kind": interaction["kind"],
            "mode": interaction["mode"],
            "outcome": interaction["outcome"],
            "first_contact": first,
            "captured_at": profile["captured_at"],
            "identified_at": _identified_at(profile),
            "contacted_at": interaction["occurred_at"],
            "logged_at": logged_at,
        },
        occurred_at=interaction["occurred_at"],
    )


def status_changed(prospect_id: str, before: str, after: str, reason: str, at: datetime) -> dict:
    """``prospect_status_changed``: a move in the pipeline other than conversion."""
    return new_event(
        "prospect_status_changed",
        {
            "prospect_id": prospect_id,
            "from_status": before,
            "to_status": after,
            "reason": reason,
            "changed_at": at,
        },
        occurred_at=at,
    )


def converted(profile: Mapping[str, Any], conversion: Mapping[str, Any]) -> dict:
    """``prospect_converted``: the prospect became a captive customer."""
    referral: Mapping[str, str] = next(
        (
            capture["origin"]
            for capture in profile.get("captures", ())
            if capture.get("origin", {}).get("referrer")
            or capture.get("origin", {}).get("referral_code")
        ),
        {},
    )
    return new_event(
        "prospect_converted",
        {
            **_person(profile),
            **conversion,
            "referrer": referral.get("referrer", ""),
            "referral_code": referral.get("referral_code", ""),
        },
        occurred_at=conversion["converted_at"],
    )
