"""Finding prospects: filters on status, origin, owner, dates and score, paged."""

from __future__ import annotations

from typing import Any

from clientela.errors import InvalidInput
from clientela.services.prospects.dependencies.storage import ProspectsStorage
from clientela.services.prospects.domain.commands import FindProspects
from clientela.services.prospects.domain.normalise import normalise_field
from clientela.services.prospects.domain.profiles import FACET_ORIGINS, ProfileRules, rule_view
from clientela.services.prospects.domain.search import ProspectQuery

FACET_FILTERS = ("source", *FACET_ORIGINS)
"""Filters answered from the indexed facets of every capture."""


def _identity_keys(name: str, value: str, rules: ProfileRules) -> tuple[str, ...]:
    """The match keys of a person known only by this e-mail or phone."""
    try:
        normalised = normalise_field(name, value, rules.phone_region)
    except ValueError as exc:
        raise InvalidInput({name: [str(exc)]}) from None
    return tuple(rules.matcher.keys(rule_view({name: normalised})))


def search_query(command: FindProspects, rules: ProfileRules) -> ProspectQuery:
    """What ``command``'s filters ask for (see :func:`find_prospects`)."""
    return ProspectQuery(
        facets=tuple(
            f"{name}:{getattr(command, name)}" for name in FACET_FILTERS if getattr(command, name)
        ),
        identities=tuple(
            _identity_keys(name, getattr(command, name), rules)
            for name in ("email", "phone")
            if getattr(command, name)
        ),
        status=command.status or None,
        owner=command.owner or None,
        captured_from=command.captured_from,
        captured_to=command.captured_to,
        min_score=command.min_score,
        max_score=command.max_score,
    )


def find_prospects(
    command: FindProspects, uow: ProspectsStorage, rules: ProfileRules
) -> dict[str, Any]:
    """One page of the prospects matching every filter given, newest capture first.

    Filters: ``status``, ``owner``, ``source``, ``fair``, ``campaign``,
    ``channel`` (any capture's), ``email`` and ``phone`` (any the person used),
    ``captured_from``/``captured_to`` (first capture in ``[from, to)``),
    ``min_score``/``max_score``. Returns the page and the total matching.
    """
    total, prospects = uow.find_page(search_query(command, rules), command.limit, command.offset)
    return {
        "total": total,
        "offset": command.offset,
        "limit": command.limit,
        "prospects": prospects,
    }
