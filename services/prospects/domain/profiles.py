"""A prospect's profile as data: build it, add captures, merge, keep derived values current.

Plain Python on the stored document's shape (a dict), so a whole import batch
is resolved in memory and then written in a few bulk operations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from clientela.leads import LEAD_FIELDS
from clientela.services.prospects.domain.matching import Matcher
from clientela.services.prospects.domain.normalise import Lead, company_key
from clientela.services.prospects.domain.scoring import Qualifier, completeness

FACET_ORIGINS = ("fair", "campaign", "channel")
"""Origin fields a search can filter on, besides the source."""


@dataclass(frozen=True)
class ProfileRules:
    """Everything that derives values from a profile: matching, completeness, qualification."""

    matcher: Matcher
    qualifier: Qualifier
    completeness_weights: Mapping[str, float]
    phone_region: str
    time_zone: tzinfo = UTC
    """The zone of times a lead brings without one, when its row names none."""


def rule_view(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The mapping match and qualification rules see (see :mod:`clientela.rules`)."""
    return {
        "id": profile.get("_id"),
        **{name: profile.get(name) or "" for name in LEAD_FIELDS},
        "company_key": profile.get("company_key") or "",
        "consent": profile.get("consent"),
        "status": profile.get("status", "new"),
        "origins": [
            {"source": capture["source"], **capture.get("origin", {})}
            for capture in profile.get("captures", ())
        ],
        "interactions": [
            {key: interaction.get(key) for key in ("kind", "mode", "outcome")}
            for interaction in profile.get("interactions", ())
        ],
    }


def lead_view(lead: Lead, source: str) -> dict[str, Any]:
    """An incoming lead seen as a one-capture profile, to match it against profiles."""
    return rule_view(
        {
            **lead.fields,
            "company_key": company_key(lead.fields.get("company", "")),
            "consent": lead.consent,
            "captures": [{"source": source, "origin": lead.origin}],
        }
    )


def new_capture(
    key: str, source: str, at: datetime, row: Mapping[str, Any], lead: Lead, keys: Iterable[str]
) -> dict[str, Any]:
    """The record of one capture: the row as received, its origin and consent, its match keys.

    ``captured_at`` is when it reached clientela (``at``), ``identified_at`` when
    the person was identified (the lead's own time, else ``at``).
    """
    return {
        "key": key,
        "source": source,
        "captured_at": at,
        "identified_at": lead.identified_at or at,
        "line": row["line"],
        "origin": lead.origin,
        "consent": lead.consent,
        "fields": row["fields"],
        "extra": row["extra"],
        "keys": sorted(keys),
        "filled": [],
        "from_prospect": None,
    }


def new_profile(prospect_id: str, capture: dict[str, Any], lead: Lead) -> dict[str, Any]:
    """A profile whose first capture is ``capture`` of ``lead``."""
    at = capture["captured_at"]
    return {
        "_id": prospect_id,
        **{name: lead.fields.get(name, "") for name in LEAD_FIELDS},
        "email": lead.fields.get("email"),
        "phone": lead.fields.get("phone"),
        "company_key": company_key(lead.fields.get("company", "")),
        "consent": lead.consent,
        "status": "new",
        "status_reason": "",
        "owner": "",
        "source": capture["source"],
        "origin": lead.origin,
        "captured_at": at,
        "identified_at": capture["identified_at"],
        "updated_at": at,
        "first_contact_at": None,
        "captures": [{**capture, "filled": sorted(lead.fields)}],
        "interactions": [],
        "merges": [],
        "merged_into": None,
        "kept_apart": [],
        "version": 0,
        "conversion": None,
        "customer_id": None,
    }


def fill_blanks(profile: dict[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """Copy into ``profile`` the lead fields it lacks from ``values``; returns what was filled."""
    filled = {
        name: values[name] for name in LEAD_FIELDS if values.get(name) and not profile.get(name)
    }
    profile.update(filled)
    if "company" in filled:
        profile["company_key"] = company_key(filled["company"])
    return filled


def add_capture(profile: dict[str, Any], capture: dict[str, Any], lead: Lead) -> dict[str, Any]:
    """Record one more capture of the person; blanks are filled, latest consent wins.

    Returns the capture as stored (with the fields it filled).
    """
    filled = fill_blanks(profile, lead.fields)
    stored = {**capture, "filled": sorted(filled)}
    profile["captures"].append(stored)
    if lead.consent:
        profile["consent"] = lead.consent
    profile["updated_at"] = max(profile["updated_at"], capture["captured_at"])
    return stored


def identified_at(capture: Mapping[str, Any]) -> datetime:
    """When a capture's person was identified (captures stored before it was kept: receipt)."""
    return capture.get("identified_at") or capture["captured_at"]


def earliest_capture(profile: Mapping[str, Any]) -> Mapping[str, Any]:
    """The capture that identified the person first (the first received among equals)."""
    return min(
        profile["captures"], key=lambda capture: (identified_at(capture), capture["captured_at"])
    )


def refresh(profile: dict[str, Any], rules: ProfileRules) -> None:
    """Recompute what derives from the profile: identity, match keys, facets, completeness, score.

    The person's ``identified_at``, ``source`` and ``origin`` are those of its
    earliest capture, so a merge or a back-filled list moves them earlier and
    an unmerge gives them back.
    """
    earliest = earliest_capture(profile)
    profile["identified_at"] = identified_at(earliest)
    profile["source"] = earliest["source"]
    profile["origin"] = dict(earliest.get("origin") or {})
    view = rule_view(profile)
    keys = set(rules.matcher.keys(view))
    facets = set()
    for capture in profile["captures"]:
        keys.update(capture.get("keys", ()))
        facets.add(f"source:{capture['source']}")
        facets.update(
            f"{name}:{capture['origin'][name]}"
            for name in FACET_ORIGINS
            if capture.get("origin", {}).get(name)
        )
    profile["match_keys"] = sorted(keys)
    profile["facets"] = sorted(facets)
    profile["completeness"] = completeness(view, rules.completeness_weights)
    profile["score"] = rules.qualifier.score(view)


def derived(profile: Mapping[str, Any]) -> tuple[Any, ...]:
    """The values whose change is announced by ``prospect_updated``: completeness, score, and
    when and where the person was first identified."""
    return (
        profile.get("completeness", 0.0),
        profile.get("score", 0),
        profile.get("identified_at"),
        profile.get("source"),
        profile.get("origin"),
    )
